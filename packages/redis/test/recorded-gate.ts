import type { GateStore } from '@unilive/core';
import { type RedisGateStore, RedisGateStoreError } from '../src/redis-gate-store.js';

/**
 * The store as the gate sees it, with the outcome of each slot take recorded: `ok`, or the store's code
 * (`other` for anything else thrown). The last entry says whether the last call's take went through Redis.
 */
export function recordedGate(store: RedisGateStore): { gate: GateStore; takes: string[] } {
  const takes: string[] = [];
  const gate: GateStore = {
    onUnavailable: store.onUnavailable,
    description: store.description,
    pollIntervalMs: store.pollIntervalMs,
    takeToken: (key, requestsPerSecond) => store.takeToken(key, requestsPerSecond),
    acquireSlot: (key, holder, limit, ttlMs) =>
      store.acquireSlot(key, holder, limit, ttlMs).then(
        (taken) => {
          takes.push('ok');
          return taken;
        },
        (error: unknown) => {
          takes.push(error instanceof RedisGateStoreError ? error.code : 'other');
          throw error;
        },
      ),
    releaseSlot: (key, holder) => store.releaseSlot(key, holder),
    setPause: (key, untilMs) => store.setPause(key, untilMs),
    pausedUntil: (key) => store.pausedUntil(key),
  };
  return { gate, takes };
}
