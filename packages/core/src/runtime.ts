import { once, platformSignal } from './own.js';

/** Reads the current time in milliseconds since the epoch. Injectable so tests control time. */
export type Clock = () => number;

/** Waits `ms` milliseconds, rejecting with the signal's reason when it aborts. Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The wall clock. Frozen, as everything a client hands its provider in a call's runtime is. */
export const systemClock: Clock = /* @__PURE__ */ Object.freeze<Clock>(() => Date.now());

/**
 * A clock for intervals: ms since the epoch when the process (or page) started, then advancing with
 * `performance.now()`, so it never steps back when the wall clock does (an NTP correction, a VM restored
 * from a snapshot). What spaces repeated work (a key fetched again, a list walked again) reads this; only
 * what must be the wall time (an event's time of receipt, a signed timestamp's age) reads {@link systemClock}.
 */
export const monotonicClock: Clock = /* @__PURE__ */ Object.freeze<Clock>(
  () => performance.timeOrigin + performance.now(),
);

/** The longest delay one Node.js or browser timer holds (about 24.8 days); a longer one fires after 1 ms. */
const longestTimerMs = 2_147_483_647;

/**
 * A timer-based sleep that stops at once when the signal aborts. A signal of another realm or library is
 * listened to through the platform signal that follows it ({@link platformSignal}): its own
 * `removeEventListener`, which may throw or do nothing, is never called when the time is up. A sleep
 * longer than one timer holds is several timers, one after the other, so it lasts what was asked. Frozen,
 * as the clock is.
 */
export const systemSleep: Sleep = /* @__PURE__ */ Object.freeze<Sleep>(
  (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      // Throws (rejecting the sleep) only when the signal's addEventListener does.
      const followed = signal === undefined ? undefined : platformSignal(signal);
      if (followed?.aborted) {
        reject(followed.reason);
        return;
      }
      let left = ms;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(followed?.reason);
      };
      const wait = () => {
        const step = Math.min(left, longestTimerMs);
        left -= step;
        timer = setTimeout(() => {
          if (left > 0) {
            wait();
            return;
          }
          followed?.removeEventListener('abort', onAbort);
          resolve();
        }, step);
      };
      wait();
      followed?.addEventListener('abort', onAbort, once);
    }),
);

/**
 * Runs `run` on a turn of the event loop of its own: the platform's own `setImmediate` (a 0 ms timer where
 * there is none), kept when the module loads, so a test's fake timers (`vi.useFakeTimers()` fakes
 * `setImmediate`) installed later do not hold it back. Every microtask queued before it runs first.
 *
 * @internal
 */
export const platformTurn: (run: () => void) => void = /* @__PURE__ */ makePlatformTurn();

function makePlatformTurn(): (run: () => void) => void {
  const immediate = globalThis.setImmediate;
  if (typeof immediate === 'function') return (run) => void immediate(run);
  const timeout = globalThis.setTimeout;
  return (run) => void timeout(run, 0);
}
