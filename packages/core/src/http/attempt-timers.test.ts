import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../errors/errors.js';
import { SecretSet } from '../secrets.js';
import { AttemptTimers } from './attempt-timers.js';
import { createHttpClient } from './http-client.js';

const coreDir = fileURLToPath(new URL('../..', import.meta.url));

afterEach(() => {
  vi.useRealTimers();
});

type Answer = number | 'never' | 'body-stalls';

// A vendor that answers after `answerMs`, or never (it only stops when the attempt's signal aborts), or
// sends its headers and the start of a body that never ends, deaf to the signal.
function vendorFetch(answers: Map<string, Answer>): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const id = new URL((input as Request).url).pathname.split('/').pop() ?? '';
      const signal = init?.signal;
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      const answerMs = answers.get(id);
      if (answerMs === 'never') return;
      if (answerMs === 'body-stalls') {
        const stalled = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode('{"stream":')),
          pull: () => new Promise(() => {}),
        });
        resolve(new Response(stalled, { status: 200 }));
        return;
      }
      setTimeout(() => resolve(new Response(null, { status: 204 })), answerMs);
    });
}

/**
 * Installs vitest's fake timers with a `refresh()` that re-arms a timer as Node's does. The fake-timer
 * library in vitest 5.1 (@sinonjs/fake-timers 15.4) sets a refreshed timer's new due time before taking it
 * out of its queue, so taking it out can leave an earlier timer behind a later one: the later one fires
 * first, and the earlier one, now in the past, never fires. Clearing the fake timer first takes it out at
 * its old due time; `refresh()` then puts it back at the new one, as Node does.
 */
function useFakeTimersWithNodeRefresh(): () => void {
  vi.useFakeTimers({ now: 0 });
  const fakeSetTimeout = globalThis.setTimeout;
  const fakeClearTimeout = globalThis.clearTimeout;
  const setTimeoutRefreshingAsNode = (...args: Parameters<typeof setTimeout>) => {
    const timer = fakeSetTimeout(...args);
    const refresh = timer.refresh;
    timer.refresh = function (this: NodeJS.Timeout) {
      fakeClearTimeout(this);
      return refresh.call(this);
    };
    return timer;
  };
  globalThis.setTimeout = setTimeoutRefreshingAsNode as typeof setTimeout;
  return () => {
    globalThis.setTimeout = fakeSetTimeout;
    vi.useRealTimers();
  };
}

describe('attempt time limits', () => {
  it('end every hung attempt (no answer, or a body that stalls) exactly at its limit and no other, whatever ran before on the same client', async () => {
    const usualMs = 1_000;
    const call = fc.record({
      // Below every limit, so an answered call never races its own timer.
      answer: fc.oneof(fc.constantFrom<Answer>('never', 'body-stalls'), fc.integer({ min: 0, max: 499 })),
      // The client's usual limit, or a call's own (the same as the client's, or shorter).
      timeoutMs: fc.constantFrom(undefined, usualMs, 500),
      // Time passing before the next call starts: calls run one after another or overlap.
      gapMs: fc.integer({ min: 0, max: 1_200 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        vi.useFakeTimers({ now: 0 });
        try {
          const answers = new Map<string, Answer>();
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test/v1',
            headers: () => ({ authorization: 'Bearer token' }),
            secrets: new SecretSet(),
            fetch: vendorFetch(answers),
            timeoutMs: usualMs,
            retry: { maxRetries: 0 },
          });
          const outcomes: { startedAt: number; endedAt?: number; timedOut?: boolean }[] = [];
          for (const [index, spec] of calls.entries()) {
            answers.set(`s${index}`, spec.answer);
            const outcome: (typeof outcomes)[number] = { startedAt: Date.now() };
            outcomes.push(outcome);
            http
              .request({
                operation: 'get',
                method: 'GET',
                path: `streams/s${index}`,
                options: spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs },
              })
              .then(
                () => {
                  outcome.endedAt = Date.now();
                  outcome.timedOut = false;
                },
                (error: unknown) => {
                  outcome.endedAt = Date.now();
                  outcome.timedOut = error instanceof TimeoutError;
                },
              );
            await vi.advanceTimersByTimeAsync(spec.gapMs);
          }
          await vi.advanceTimersByTimeAsync(2 * usualMs);
          const expected = calls.map((spec, index) => {
            const startedAt = outcomes[index]?.startedAt ?? Number.NaN;
            return typeof spec.answer !== 'number'
              ? { startedAt, endedAt: startedAt + (spec.timeoutMs ?? usualMs), timedOut: true }
              : { startedAt, endedAt: startedAt + spec.answer, timedOut: false };
          });
          expect(outcomes).toEqual(expected);
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leave no pending timer on fake timers once the calls ended, so running them all moves the clock no further', async () => {
    // A user's test with fake timers runs them all after its calls: a timer kept by an ended attempt would
    // count as pending and move the fake clock a whole limit on.
    const usualMs = 30_000;
    const call = fc.record({
      timeoutMs: fc.constantFrom(undefined, usualMs, 500),
      status: fc.constantFrom(200, 404, 503),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(call, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (calls, overlap) => {
          vi.useFakeTimers({ now: 0 });
          try {
            const http = createHttpClient({
              provider: 'test-vendor',
              baseUrl: 'https://api.vendor.test/v1',
              headers: () => ({ authorization: 'Bearer token' }),
              secrets: new SecretSet(),
              fetch: async (input) => {
                const status = Number(new URL((input as Request).url).pathname.split('/').pop());
                return new Response(status === 200 ? '{}' : null, { status });
              },
              timeoutMs: usualMs,
              retry: { maxRetries: 0 },
            });
            const send = (spec: (typeof calls)[number]) =>
              http
                .request({
                  operation: 'get',
                  method: 'GET',
                  path: `streams/${spec.status}`,
                  options: spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs },
                })
                .then(
                  () => 'answered',
                  () => 'failed',
                );
            if (overlap) await Promise.all(calls.map(send));
            else for (const spec of calls) await send(spec);
            expect(vi.getTimerCount()).toBe(0);
            vi.runAllTimers();
            expect(Date.now()).toBe(0);
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('end a hung attempt exactly at its limit on fake timers installed after calls kept real timers, and after they are removed', async () => {
    const usualMs = 60_000;
    const answers = new Map<string, Answer>([
      ['answered', 0],
      ['hung', 'never'],
    ]);
    const http = createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test/v1',
      headers: () => ({ authorization: 'Bearer token' }),
      secrets: new SecretSet(),
      fetch: vendorFetch(answers),
      timeoutMs: usualMs,
      retry: { maxRetries: 0 },
    });
    const get = (id: string) =>
      http.request({ operation: 'get', method: 'GET', path: `streams/${id}`, options: {} }).then(
        () => 'answered',
        (error: unknown) => (error instanceof TimeoutError ? 'timed out' : error),
      );
    // Real timers: these attempts leave their timers kept.
    await Promise.all([get('answered'), get('answered')]);
    vi.useFakeTimers({ now: 0 });
    const outcomes: unknown[] = [];
    const hung = get('hung').then((outcome) => outcomes.push(outcome, Date.now()));
    await vi.advanceTimersByTimeAsync(usualMs - 1);
    expect(outcomes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await hung;
    expect(outcomes).toEqual(['timed out', usualMs]);
    // The stand-in vendor answers on a (fake) timer of its own.
    const answered = get('answered');
    await vi.advanceTimersByTimeAsync(0);
    expect(await answered).toBe('answered');
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
    // Real timers again: a call still answers, and its attempt is not ended by a fake timer left behind.
    expect(await get('answered')).toBe('answered');
  });

  it('re-arm a kept timer to fire exactly its limit after each start, once, and never after its attempt ended', () => {
    // Fake timers made keepable, to follow re-armed timers on a fake clock.
    const usualMs = 1_000;
    const attempt = fc.record({
      ms: fc.constantFrom(usualMs, 400),
      // When the attempt ends on its own, or never (its timer ends it).
      endsAfter: fc.option(fc.integer({ min: 0, max: 1_500 }), { nil: undefined }),
      gapMs: fc.integer({ min: 0, max: 2_500 }),
    });
    fc.assert(
      fc.property(fc.array(attempt, { minLength: 1, maxLength: 16 }), (attempts) => {
        const useRealTimers = useFakeTimersWithNodeRefresh();
        try {
          const timers = new AttemptTimers(usualMs, globalThis.setTimeout);
          const marker = Symbol('limit');
          const fired: { index: number; at: number; given: symbol }[] = [];
          const ended: { index: number; at: number }[] = [];
          const expected: { index: number; at: number }[] = [];
          for (const [index, spec] of attempts.entries()) {
            const startedAt = Date.now();
            const timer = timers.start(
              spec.ms,
              (given) => fired.push({ index, at: Date.now(), given }),
              marker,
            );
            if (spec.endsAfter !== undefined && spec.endsAfter < spec.ms) {
              setTimeout(() => {
                ended.push({ index, at: Date.now() });
                timers.stop(timer);
              }, spec.endsAfter);
            } else {
              expected.push({ index, at: startedAt + spec.ms });
              // The attempt ends once its timer fired, as the HTTP layer's does.
              setTimeout(() => timers.stop(timer), spec.ms);
            }
            vi.advanceTimersByTime(spec.gapMs);
          }
          vi.advanceTimersByTime(2 * usualMs);
          expect(fired.map(({ index, at }) => ({ index, at })).sort((a, b) => a.index - b.index)).toEqual(
            expected,
          );
          expect(fired.every(({ given }) => given === marker)).toBe(true);
        } finally {
          useRealTimers();
        }
      }),
      {
        numRuns: 100,
        // Found by this property: the first attempt's kept timer, re-armed for the fourth, once took a hung
        // attempt's limit with it (see useFakeTimersWithNodeRefresh).
        examples: [
          [
            [
              { ms: 1_000, endsAfter: 0, gapMs: 588 },
              { ms: 400, endsAfter: undefined, gapMs: 12 },
              { ms: 400, endsAfter: undefined, gapMs: 0 },
              { ms: 1_000, endsAfter: undefined, gapMs: 0 },
            ],
          ],
        ],
      },
    );
  });

  it('leave no timer keeping the process alive once the last call ended, and keep a hung one until it fires', () => {
    // A fresh process, with real timers: it must exit by itself. The ended attempts had 10-minute limits,
    // so a timer they left referenced would hold it for that long (spawnSync gives up after a minute).
    const script = `
const { AttemptTimers } = await import('./src/http/attempt-timers.ts');
const marker = Symbol('limit');
const ended = new AttemptTimers(600_000);
const early = () => console.log('fired early');
for (let call = 0; call < 5; call += 1) ended.stop(ended.start(600_000, early, marker));
const inFlight = Array.from({ length: 20 }, () => ended.start(600_000, early, marker));
for (const timer of inFlight) ended.stop(timer);
ended.stop(ended.start(90_000, early, marker));
console.log('referenced timers', process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length);
// A timer kept by an earlier attempt, re-armed for one that hangs: it alone holds the process until it fires.
const hung = new AttemptTimers(50);
hung.stop(hung.start(50, early, marker));
hung.start(50, (given) => console.log('hung attempt ended', given === marker), marker);
`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: coreDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('referenced timers 0\nhung attempt ended true');
    expect(result.status).toBe(0);
  });
});
