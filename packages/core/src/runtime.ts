import { once, platformSignal } from './own.js';

/** Reads the current time in milliseconds since the epoch. Injectable so tests control time. */
export type Clock = () => number;

/** Waits `ms` milliseconds, rejecting with the signal's reason when it aborts. Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();

/**
 * A timer-based sleep that stops at once when the signal aborts. A signal of another realm or library is
 * listened to through the platform signal that follows it ({@link platformSignal}): its own
 * `removeEventListener`, which may throw or do nothing, is never called when the time is up.
 */
export const systemSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    // Throws (rejecting the sleep) only when the signal's addEventListener does.
    const followed = signal === undefined ? undefined : platformSignal(signal);
    if (followed?.aborted) {
      reject(followed.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(followed?.reason);
    };
    const timer = setTimeout(() => {
      followed?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    followed?.addEventListener('abort', onAbort, once);
  });
