import { once } from './own.js';

/** Reads the current time in milliseconds since the epoch. Injectable so tests control time. */
export type Clock = () => number;

/** Waits `ms` milliseconds, rejecting with the signal's reason when it aborts. Injectable for tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();

/** A timer-based sleep that stops at once when the signal aborts. */
export const systemSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, once);
  });
