import type { Clock, Sleep } from '../runtime.js';

/** Limits for the requests one client sends. */
export interface RateLimitOptions {
  /** Requests started per second, spaced evenly. Unlimited when absent. */
  requestsPerSecond?: number;
  /** Requests in flight at once. Unlimited when absent. */
  maxConcurrency?: number;
}

/**
 * Spaces and bounds a client's requests, and holds all of them back after the vendor answered 429, so a
 * burst of calls (500 creates, say) completes at the vendor's pace instead of failing on its limit.
 */
export interface RequestGate {
  /** Waits for a slot; call the returned function when the request is done. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Holds every request not yet started until `untilMs` (epoch ms), as the vendor asked. */
  pause(untilMs: number): void;
}

/** Makes a {@link RequestGate}. */
export function createRequestGate(options: RateLimitOptions, clock: Clock, sleep: Sleep): RequestGate {
  const interval = options.requestsPerSecond ? 1000 / options.requestsPerSecond : 0;
  const maxConcurrency = options.maxConcurrency ?? Number.POSITIVE_INFINITY;
  let nextStart = 0;
  let pausedUntil = 0;
  let inFlight = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    inFlight -= 1;
    waiting.shift()?.();
  };

  return {
    async acquire(signal) {
      if (inFlight >= maxConcurrency) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            const index = waiting.indexOf(resolve);
            if (index >= 0) waiting.splice(index, 1);
            reject(signal?.reason);
          };
          waiting.push(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      inFlight += 1;
      try {
        // Reserve a start time before sleeping, so concurrent callers queue in order.
        for (;;) {
          const now = clock();
          const start = Math.max(now, nextStart, pausedUntil);
          nextStart = start + interval;
          if (start > now) await sleep(start - now, signal);
          // A 429 that arrived while this caller slept moves it behind the pause.
          if (clock() >= pausedUntil) return release;
        }
      } catch (error) {
        release();
        throw error;
      }
    },
    pause(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
  };
}
