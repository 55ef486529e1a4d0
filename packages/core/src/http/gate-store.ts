import type { Clock } from '../runtime.js';

/**
 * Where a request gate keeps what its callers share: rate tokens, concurrency slots and the pause after a
 * 429. Every method takes the budget's key (one per vendor account). The default store lives in this
 * process's memory; `@unilive/redis` keeps the same state in Redis, so that a fleet of processes sharing
 * one vendor account shares one budget.
 */
export interface GateStore {
  /**
   * Takes one token of a budget of `requestsPerSecond`: resolves 0 when the request may start now (the
   * token is taken), or the ms after which one may be free (nothing taken; ask again then).
   */
  takeToken(key: string, requestsPerSecond: number): Promise<number>;
  /**
   * Takes a concurrency slot for `holder` when fewer than `limit` are held; false when none is free. A slot
   * not released within `ttlMs` expires by itself.
   */
  acquireSlot(key: string, holder: string, limit: number, ttlMs: number): Promise<boolean>;
  /** Gives back the slot `holder` took; a slot already expired or released is no error. */
  releaseSlot(key: string, holder: string): Promise<void>;
  /** Holds the budget's requests until `untilMs` (epoch ms); an earlier pause never shortens a later one. */
  setPause(key: string, untilMs: number): Promise<void>;
  /** The end of the pause in force (epoch ms), or 0. */
  pausedUntil(key: string): Promise<number>;
  /**
   * How often a caller waiting for a slot asks again (ms), for stores shared between processes, whose
   * releases this process cannot hear. Absent for a store only this process uses.
   */
  readonly pollIntervalMs?: number | undefined;
  /**
   * What the gate does when a call to this store fails (a shared store that cannot be reached):
   * `'fallback'` (the default) paces the request in this process's memory instead and reports a `fallback`
   * warning through `onWarning`, once per outage; `'fail'` ends the call with `ProviderUnavailableError`
   * (`delivery: 'not-sent'`) before anything is sent. Either way the call never waits on the store for long.
   */
  readonly onUnavailable?: GateStoreUnavailableMode | undefined;
  /** Names the store in warnings and errors (`Redis at 127.0.0.1:6379`); never a password. */
  readonly description?: string | undefined;
}

/** See {@link GateStore.onUnavailable}. */
export type GateStoreUnavailableMode = 'fallback' | 'fail';

interface Budget {
  nextStart: number;
  pausedUntil: number;
  /** Slot holders and when their slot expires. */
  slots: Map<string, number>;
}

/**
 * The in-process {@link GateStore}: requests start evenly spaced at the rate (one every
 * `1000 / requestsPerSecond` ms), slots and the pause live in a map. It answers synchronously (in resolved
 * promises), so the gate costs no I/O.
 */
export function createMemoryGateStore(clock: Clock): GateStore {
  const budgets = new Map<string, Budget>();
  const budget = (key: string): Budget => {
    let found = budgets.get(key);
    if (!found) {
      found = { nextStart: 0, pausedUntil: 0, slots: new Map() };
      budgets.set(key, found);
    }
    return found;
  };
  return {
    async takeToken(key, requestsPerSecond) {
      const state = budget(key);
      const now = clock();
      // Whole milliseconds: timers round a fraction down, and a caller woken early would ask again at once.
      if (now < state.nextStart) return Math.ceil(state.nextStart - now);
      state.nextStart = Math.max(now, state.nextStart) + 1000 / requestsPerSecond;
      return 0;
    },
    async acquireSlot(key, holder, limit, ttlMs) {
      const { slots } = budget(key);
      const now = clock();
      for (const [held, expiresAt] of slots) if (expiresAt <= now) slots.delete(held);
      if (slots.size >= limit) return false;
      slots.set(holder, now + ttlMs);
      return true;
    },
    async releaseSlot(key, holder) {
      budgets.get(key)?.slots.delete(holder);
    },
    async setPause(key, untilMs) {
      const state = budget(key);
      state.pausedUntil = Math.max(state.pausedUntil, untilMs);
    },
    async pausedUntil(key) {
      return budgets.get(key)?.pausedUntil ?? 0;
    },
  };
}
