import { type InputIssue, InvalidInputError } from '../errors/errors.js';
import type { Clock, Sleep } from '../runtime.js';
import { createMemoryGateStore, type GateStore } from './gate-store.js';

/** Limits for the requests one client sends. */
export interface RateLimitOptions {
  /** Requests started per second. Unlimited when absent. */
  requestsPerSecond?: number;
  /** Requests in flight at once. Unlimited when absent. */
  maxConcurrency?: number;
}

/**
 * Checks `rateLimit` when a client is made: `requestsPerSecond` a finite number above 0, `maxConcurrency`
 * a whole number from 1. Throws `InvalidInputError` naming the setting.
 */
export function checkRateLimitOptions(options: RateLimitOptions): void {
  const issues: InputIssue[] = [];
  if (typeof options !== 'object' || options === null) {
    issues.push({ path: 'rateLimit', message: 'expected an object' });
  } else {
    const { requestsPerSecond, maxConcurrency } = options;
    if (
      requestsPerSecond !== undefined &&
      (typeof requestsPerSecond !== 'number' || !Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0)
    )
      issues.push({ path: 'rateLimit.requestsPerSecond', message: 'expected a finite number above 0' });
    if (maxConcurrency !== undefined && (!Number.isSafeInteger(maxConcurrency) || maxConcurrency < 1))
      issues.push({ path: 'rateLimit.maxConcurrency', message: 'expected a whole number from 1' });
  }
  if (issues.length > 0) {
    throw new InvalidInputError({
      operation: 'configure',
      message: `invalid rateLimit: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
      issues,
    });
  }
}

/** What a request tells the gate when it asks to start. */
export interface GateAcquireOptions {
  /** Aborts the wait at once; nothing is held afterwards. */
  signal?: AbortSignal | undefined;
  /**
   * The latest time (epoch ms, by the gate's clock) the request may start. When the wait would end later,
   * `acquire` rejects with {@link GateDeadlineError} at once instead of waiting in vain.
   */
  deadline?: number | undefined;
  /** Which budget the request draws on: one per vendor account. Default `'default'`. */
  key?: string | undefined;
  /**
   * How long the request may hold its concurrency slot (ms): a slot not released by then expires, so a
   * process that dies holding slots does not shrink a shared budget for good. Default 2 minutes.
   */
  holdMs?: number | undefined;
}

/**
 * Spaces and bounds a client's requests, and holds all of them back after the vendor answered 429, so a
 * burst of calls (500 creates, say) completes at the vendor's pace instead of failing on its limit.
 */
export interface RequestGate {
  /**
   * Waits for a slot; call the returned function when the request is done. Rejects with the signal's
   * reason when it aborts, and with {@link GateDeadlineError} when the wait would pass `deadline`; either
   * way nothing stays held.
   */
  acquire(options?: GateAcquireOptions): Promise<() => void>;
  /** Holds every request of `key` not yet started until `untilMs` (epoch ms), as the vendor asked. */
  pause(untilMs: number, key?: string): void;
}

/** Why a request could not start before its deadline. */
export type GateWaitReason = 'paused' | 'rate' | 'concurrency';

/** The gate could not let a request start before its deadline; the HTTP layer reports it as a typed error. */
export class GateDeadlineError extends Error {
  override readonly name = 'GateDeadlineError';
  constructor(
    /** What held the request: the vendor's pause, the rate or the concurrency limit. */
    readonly reason: GateWaitReason,
    /** For a pause: how long it still lasts, in ms. */
    readonly waitMs?: number,
  ) {
    super(`the request could not start before its deadline (${reason})`);
  }
}

/** Options of {@link createRequestGate} beyond the limits. */
export interface RequestGateOptions {
  /** Where rate tokens, slots and the pause live. Default: this process's memory. */
  store?: GateStore | undefined;
}

const defaultHoldMs = 120_000;

/**
 * Makes a {@link RequestGate} over a {@link GateStore}. Callers of one gate pass its door one at a time,
 * in the order they came (so a burst keeps its order and only one caller asks the store at a time); each
 * waits there for the pause to end, a concurrency slot and a rate token. A caller that aborts or would miss
 * its deadline leaves at once and hands the door on; a slot it took is given back.
 */
export function createRequestGate(
  options: RateLimitOptions,
  clock: Clock,
  sleep: Sleep,
  gateOptions: RequestGateOptions = {},
): RequestGate {
  const store = gateOptions.store ?? createMemoryGateStore(clock);
  const { requestsPerSecond, maxConcurrency } = options;
  // The door: one caller at a time asks the store; the others queue in order.
  let occupied = false;
  const queue: (() => void)[] = [];
  // Woken when a slot of this process is released, so a caller waiting for one does not poll.
  let slotFreed: (() => void) | undefined;
  let holders = 0;
  // What holds the caller at the door, for the callers queued behind it that reach their deadline.
  let waitingFor: GateWaitReason = 'rate';
  // Holders must be unique across every process sharing a store.
  const instance =
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  const freed = () => {
    const wake = slotFreed;
    slotFreed = undefined;
    wake?.();
  };

  async function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms > 0) await sleep(ms, signal);
    else if (signal?.aborted) throw signal.reason;
  }

  // Waits until the pause ends; a pause that outlasts the deadline fails at once.
  async function pauseOver(key: string, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const until = await store.pausedUntil(key);
      const now = clock();
      if (until <= now) return;
      if (until >= deadline) throw new GateDeadlineError('paused', until - now);
      waitingFor = 'paused';
      await waitFor(until - now, signal);
    }
  }

  async function takeSlot(
    key: string,
    holder: string,
    limit: number,
    holdMs: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (await store.acquireSlot(key, holder, limit, holdMs)) return;
      const now = clock();
      if (now >= deadline) throw new GateDeadlineError('concurrency');
      waitingFor = 'concurrency';
      // A slot of this process frees itself with a wake-up; one of another process (or one that expired)
      // is seen by asking again after the store's poll interval.
      const woken = new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
      const waitMs = Math.min(store.pollIntervalMs ?? Number.POSITIVE_INFINITY, deadline - now);
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Without a deadline or a poll interval only a release (or the signal) ends the wait.
      const timed = Number.isFinite(waitMs) ? sleep(waitMs, controller.signal) : aborted(controller.signal);
      timed.catch(() => {});
      try {
        await Promise.race([woken, timed]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        controller.abort();
        slotFreed = undefined;
      }
      if (signal?.aborted) throw signal.reason;
    }
  }

  async function takeToken(
    key: string,
    rate: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (;;) {
      await pauseOver(key, deadline, signal);
      const waitMs = await store.takeToken(key, rate);
      if (waitMs <= 0) {
        // A 429 that arrived while this caller waited moves it behind the pause.
        if ((await store.pausedUntil(key)) <= clock()) return;
        continue;
      }
      if (clock() + waitMs >= deadline) throw new GateDeadlineError('rate');
      waitingFor = 'rate';
      await waitFor(waitMs, signal);
    }
  }

  // Enters the door, or queues for it; an abort, or the deadline, leaves the queue at once. The deadline's
  // timer starts only for a caller that really queues, so a virtual sleep that resolves at once (tests
  // that record waits) does not time out callers that never waited.
  async function enter(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    if (!occupied) {
      occupied = true;
      return;
    }
    if (signal?.aborted) throw signal.reason;
    if (clock() >= deadline) throw new GateDeadlineError(waitingFor);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let entry: (() => void) | undefined;
    const turn = new Promise<void>((resolve) => {
      entry = resolve;
      queue.push(resolve);
    });
    const timed = Number.isFinite(deadline)
      ? sleep(deadline - clock(), controller.signal).then(() => {
          throw new GateDeadlineError(waitingFor);
        })
      : aborted(controller.signal);
    timed.catch(() => {});
    try {
      await Promise.race([turn, timed]);
    } catch (error) {
      const index = queue.indexOf(entry as () => void);
      if (index >= 0) queue.splice(index, 1);
      // The turn came in the same moment: hand it on.
      else leave();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  // Hands the door to the next caller in the queue.
  function leave(): void {
    const next = queue.shift();
    if (next) next();
    else occupied = false;
  }

  return {
    async acquire({ signal, deadline = Number.POSITIVE_INFINITY, key = 'default', holdMs } = {}) {
      if (signal?.aborted) throw signal.reason;
      const holder = `${instance}:${++holders}`;
      let holding = false;
      let entered = false;
      try {
        await enter(signal, deadline);
        entered = true;
        await pauseOver(key, deadline, signal);
        if (maxConcurrency !== undefined) {
          await takeSlot(key, holder, maxConcurrency, holdMs ?? defaultHoldMs, deadline, signal);
          holding = true;
        }
        if (requestsPerSecond !== undefined) await takeToken(key, requestsPerSecond, deadline, signal);
        else await pauseOver(key, deadline, signal);
      } catch (error) {
        if (holding) void store.releaseSlot(key, holder).then(freed, freed);
        throw error;
      } finally {
        if (entered) leave();
      }
      let released = false;
      return () => {
        if (released || !holding) return;
        released = true;
        void store.releaseSlot(key, holder).then(freed, freed);
      };
    },
    pause(untilMs, key = 'default') {
      void store.setPause(key, untilMs).catch(() => {});
    },
  };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
