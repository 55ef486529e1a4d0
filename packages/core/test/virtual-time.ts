import type { Sleep } from '../src/runtime.js';

/**
 * A virtual clock for the rate-limit tests: `sleep` moves time on at once and records each wait (refusing,
 * as the platform's does, once its signal has fired), so no test waits on the wall clock.
 */
export function virtualTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    sleeps.push(ms);
    now += ms;
  };
  return { clock: () => now, sleep, sleeps, advance: (ms: number) => (now += ms) };
}
