import type { GateStore } from '@unilive/core';

/** What {@link countedStore} has counted so far; the caller reads and resets the fields. */
export interface StoreCount {
  /** Calls made to the store. */
  calls: number;
  /** Round trips: the calls the gate makes in the same turn count once, as a client pipelines them. */
  rounds: number;
}

/** The same store, counting into `count` every call made to it. */
export function countedStore(store: GateStore, count: StoreCount): GateStore {
  let roundOpen = false;
  const counted = <T>(call: () => Promise<T>): Promise<T> => {
    count.calls += 1;
    if (!roundOpen) {
      count.rounds += 1;
      roundOpen = true;
      queueMicrotask(() => {
        roundOpen = false;
      });
    }
    return call();
  };
  return {
    description: store.description,
    onUnavailable: store.onUnavailable,
    pollIntervalMs: store.pollIntervalMs,
    takeToken: (key, rate) => counted(() => store.takeToken(key, rate)),
    acquireSlot: (key, holder, limit, ttl) => counted(() => store.acquireSlot(key, holder, limit, ttl)),
    releaseSlot: (key, holder) => counted(() => store.releaseSlot(key, holder)),
    setPause: (key, until) => counted(() => store.setPause(key, until)),
    pausedUntil: (key) => counted(() => store.pausedUntil(key)),
  };
}
