import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemSleep } from './runtime.js';

afterEach(() => {
  vi.useRealTimers();
});

// A signal that is no platform AbortSignal (another realm's, a polyfill's), whose methods and getters may
// throw or lie: the lifecycle's read-back wait of a provider called without a client sleeps on it as given.
function foreignSignal(behaviour: { removeThrows: boolean; reasonThrows: boolean; reason: unknown }) {
  const listeners: (() => void)[] = [];
  let aborted = false;
  const signal = {
    get aborted() {
      return aborted;
    },
    get reason() {
      if (behaviour.reasonThrows) throw new Error('reason cannot be read');
      return behaviour.reason;
    },
    addEventListener(_type: string, listener: () => void) {
      listeners.push(listener);
    },
    removeEventListener() {
      if (behaviour.removeThrows) throw new Error('removeEventListener refused');
    },
    abort() {
      aborted = true;
      for (const listener of listeners.splice(0)) listener();
    },
  };
  return { signal: signal as unknown as AbortSignal, abort: () => signal.abort(), listeners };
}

describe('systemSleep on a signal of another realm or library', () => {
  const behaviours = fc.record({
    removeThrows: fc.boolean(),
    reasonThrows: fc.boolean(),
    reason: fc.anything(),
  });

  it('ends when its time is up, whatever the signal does when the wait ends, with one listener for the signal', async () => {
    await fc.assert(
      fc.asyncProperty(behaviours, fc.integer({ min: 1, max: 4 }), async (behaviour, sleeps) => {
        vi.useFakeTimers();
        const { signal, listeners } = foreignSignal(behaviour);
        for (let index = 0; index < sleeps; index += 1) {
          const slept = systemSleep(1_000, signal);
          await vi.advanceTimersByTimeAsync(1_000);
          await expect(slept).resolves.toBeUndefined();
        }
        // Followed once for the signal's life, not one listener more per sleep.
        expect(listeners).toHaveLength(1);
        vi.useRealTimers();
      }),
      { numRuns: 60 },
    );
  });

  it("ends at once when the signal aborts, with the signal's reason (or one saying it could not be read)", async () => {
    await fc.assert(
      fc.asyncProperty(behaviours, fc.boolean(), async (behaviour, before) => {
        vi.useFakeTimers();
        const { signal, abort } = foreignSignal(behaviour);
        if (before) abort();
        const slept = systemSleep(60_000, signal);
        const outcome = slept.then(
          () => ({ resolved: true as const }),
          (reason: unknown) => ({ resolved: false as const, reason }),
        );
        if (!before) abort();
        await vi.advanceTimersByTimeAsync(0);
        const settled = await outcome;
        expect(settled.resolved).toBe(false);
        if (!settled.resolved) {
          if (behaviour.reasonThrows)
            expect((settled.reason as Error).message).toBe('the abort reason could not be read');
          else if (behaviour.reason !== undefined) expect(settled.reason).toBe(behaviour.reason);
        }
        vi.useRealTimers();
      }),
      { numRuns: 60 },
    );
  });
});

describe('systemSleep beyond what one timer holds', () => {
  // Node's timers hold at most 2^31 - 1 ms (about 24.8 days): a longer delay fires after 1 ms, with a
  // TimeoutOverflowWarning. A gate spacing requests a few weeks apart then let each through at once.
  it('sleeps the whole time asked, however long, and still ends at once on abort', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2 ** 31 - 1, max: 2 ** 36 }),
        fc.boolean(),
        async (ms, abortHalfway) => {
          vi.useFakeTimers();
          const warnings: string[] = [];
          const onWarning = (warning: Error) => warnings.push(warning.name);
          process.on('warning', onWarning);
          try {
            const controller = new AbortController();
            let settled: 'slept' | 'aborted' | undefined;
            systemSleep(ms, controller.signal).then(
              () => {
                settled = 'slept';
              },
              () => {
                settled = 'aborted';
              },
            );
            await vi.advanceTimersByTimeAsync(Math.floor(ms / 2));
            expect(settled).toBeUndefined();
            if (abortHalfway) {
              controller.abort();
              await vi.advanceTimersByTimeAsync(0);
              expect(settled).toBe('aborted');
            } else {
              await vi.advanceTimersByTimeAsync(ms - Math.floor(ms / 2) - 1);
              expect(settled).toBeUndefined();
              await vi.advanceTimersByTimeAsync(1);
              expect(settled).toBe('slept');
            }
            expect(vi.getTimerCount()).toBe(0);
            await new Promise((resolve) => process.nextTick(resolve));
            expect(warnings).toEqual([]);
          } finally {
            process.off('warning', onWarning);
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
