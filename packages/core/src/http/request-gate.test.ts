import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Sleep, systemClock, systemSleep } from '../runtime.js';
import { createRequestGate, GateDeadlineError } from './request-gate.js';

function virtualTime() {
  let now = 0;
  const sleep: Sleep = async (ms) => {
    now += ms;
  };
  return { clock: () => now, sleep, advance: (ms: number) => (now += ms) };
}

describe('createRequestGate', () => {
  it('spaces requests evenly at requestsPerSecond', async () => {
    const time = virtualTime();
    const gate = createRequestGate({ requestsPerSecond: 4 }, time.clock, time.sleep);
    const starts: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const release = await gate.acquire();
      starts.push(time.clock());
      release();
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });

  it('spaces requests weeks apart on the system timers, with one timer at a time rather than a 1 ms loop', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      // One request every 10^10 ms (about 116 days): longer than one timer holds.
      const gate = createRequestGate({ requestsPerSecond: 1e-7 }, systemClock, systemSleep);
      const start = Date.now();
      (await gate.acquire())();
      let second: number | undefined;
      void gate.acquire().then((release) => {
        second = Date.now() - start;
        release();
      });
      await vi.advanceTimersByTimeAsync(1e10 - 1);
      expect(second).toBeUndefined();
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(second).toBe(1e10);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      vi.useRealTimers();
    }
  });

  it('holds every request after a pause until the vendor said', async () => {
    const time = virtualTime();
    const gate = createRequestGate({}, time.clock, time.sleep);
    gate.pause(3000);
    await gate.acquire();
    expect(time.clock()).toBe(3000);
  });

  it('bounds the requests in flight and hands slots over in order', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 2 },
      () => 0,
      async () => {},
    );
    const order: string[] = [];
    const first = await gate.acquire();
    const second = await gate.acquire();
    const third = gate.acquire().then((release) => {
      order.push('third');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await third)();
    second();
    expect(order).toEqual(['third']);
  });

  it('gives the slot back when a waiting caller aborts', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 1 },
      () => 0,
      async () => {},
    );
    const held = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire({ signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    held();
    const next = await gate.acquire();
    next();
  });
});

describe('createRequestGate under random enqueue, abort and timeout sequences', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets the next queued caller start when one queued before it aborts', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 1 },
      () => 0,
      async () => {},
    );
    const held = await gate.acquire();
    const controller = new AbortController();
    const aborted = gate.acquire({ signal: controller.signal });
    const next = gate.acquire();
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    held();
    const release = await next;
    release();
  });

  it('fails at once, holding nothing, when the pause outlasts the deadline', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 1 },
      () => 1_000,
      async () => {},
    );
    gate.pause(90_000);
    const error = await gate.acquire({ deadline: 60_000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GateDeadlineError);
    expect((error as GateDeadlineError).reason).toBe('paused');
    expect((error as GateDeadlineError).waitMs).toBe(89_000);
  });

  it('settles every call, never exceeds its limits and leaks no slot (fake clock)', async () => {
    const call = fc.record({
      at: fc.integer({ min: 0, max: 2_000 }),
      holdMs: fc.integer({ min: 0, max: 400 }),
      abortAt: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
      deadlineIn: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    });
    const scenario = fc.record({
      maxConcurrency: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      requestsPerSecond: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      pauses: fc.array(
        fc.record({ at: fc.integer({ min: 0, max: 2_000 }), forMs: fc.integer({ min: 1, max: 1_500 }) }),
        {
          maxLength: 3,
        },
      ),
      calls: fc.array(call, { minLength: 1, maxLength: 30 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ maxConcurrency, requestsPerSecond, pauses, calls }) => {
        vi.useFakeTimers({ now: 0 });
        try {
          const gate = createRequestGate(
            {
              ...(maxConcurrency ? { maxConcurrency } : {}),
              ...(requestsPerSecond ? { requestsPerSecond } : {}),
            },
            systemClock,
            systemSleep,
          );
          let inFlight = 0;
          let peak = 0;
          const starts: number[] = [];
          const pausedRanges: [number, number][] = [];
          const settled: string[] = [];
          const violations: string[] = [];
          for (const pause of pauses) {
            setTimeout(() => {
              gate.pause(Date.now() + pause.forMs);
              pausedRanges.push([Date.now(), Date.now() + pause.forMs]);
            }, pause.at);
          }
          calls.forEach((plan, index) => {
            setTimeout(() => {
              const controller = new AbortController();
              if (plan.abortAt !== undefined)
                setTimeout(() => controller.abort(new Error('aborted')), plan.abortAt);
              const deadline = plan.deadlineIn === undefined ? undefined : Date.now() + plan.deadlineIn;
              gate
                .acquire({ signal: controller.signal, ...(deadline === undefined ? {} : { deadline }) })
                .then(
                  (release) => {
                    inFlight += 1;
                    peak = Math.max(peak, inFlight);
                    starts.push(Date.now());
                    // A start never falls inside a pause, nor after the caller's deadline.
                    for (const [from, until] of pausedRanges)
                      if (Date.now() >= from && Date.now() < until)
                        violations.push(`call ${index} started while paused`);
                    if (deadline !== undefined && Date.now() > deadline)
                      violations.push(`call ${index} started after its deadline`);
                    setTimeout(() => {
                      inFlight -= 1;
                      release();
                      settled[index] = 'ran';
                    }, plan.holdMs);
                  },
                  (error: unknown) => {
                    if (!(error instanceof GateDeadlineError || (error as Error).message === 'aborted'))
                      violations.push(`call ${index} failed with ${String(error)}`);
                    settled[index] = 'refused';
                  },
                );
            }, plan.at);
          });
          await vi.runAllTimersAsync();
          expect(violations).toEqual([]);
          // Every call settled: it ran and released, or was refused.
          expect(calls.map((_, index) => settled[index] !== undefined)).toEqual(calls.map(() => true));
          expect(inFlight).toBe(0);
          if (maxConcurrency) expect(peak).toBeLessThanOrEqual(maxConcurrency);
          if (requestsPerSecond) {
            const sorted = [...starts].sort((a, b) => a - b);
            for (let index = 1; index < sorted.length; index += 1)
              expect((sorted[index] as number) - (sorted[index - 1] as number)).toBeGreaterThanOrEqual(
                Math.floor(1000 / requestsPerSecond) - 1,
              );
          }
          // No slot leaked: as many callers as the limit start at once now.
          const now = Date.now();
          const again = Promise.all(
            Array.from({ length: maxConcurrency ?? 1 }, () => gate.acquire({ deadline: now + 60_000 })),
          );
          await vi.runAllTimersAsync();
          const all = await again;
          const pauseEnd = Math.max(0, ...pausedRanges.map(([, until]) => until));
          if (!requestsPerSecond) expect(Date.now()).toBe(Math.max(now, pauseEnd));
          for (const release of all) release();
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
