import { expect } from 'vitest';
import type { RedisGateStore } from '../src/redis-gate-store.js';

// Waits that ask until something holds, within the shared 30 s limit: none measures how long it took, so
// a busy machine only makes them ask more often.

/** The key of an account's slots, as the store's scripts name it. */
export const slotsKey = (key: string): string => `unilive:gate:{${key}}:slots`;

/**
 * Asks `store` until it answers: once it has, a connection is up and resumed, and Redis has run everything
 * the store sent before on it.
 */
export const answering = (store: RedisGateStore): Promise<void> =>
  expect.poll(() => store.pausedUntil('ping').catch(() => -1), { timeout: 30_000 }).toBe(0);

/**
 * Makes `call` until one takes its slot on Redis (the last entry of `recordedGate`'s `takes` is `ok`): a
 * step before a fault never assumed to beat a short command limit.
 */
export const throughRedis = (call: () => Promise<unknown>, takes: string[]): Promise<void> =>
  expect
    .poll(
      async () => {
        await call().catch(() => undefined);
        return takes.at(-1);
      },
      { timeout: 30_000 },
    )
    .toBe('ok');
