import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { gatedGet, vendorKey, virtualTime } from '../../test/virtual-time.js';
import { AbortError, RateLimitError, TimeoutError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import type { CallOptions } from '../provider.js';
import type { Sleep } from '../runtime.js';
import { SecretSet } from '../secrets.js';
import { createMemoryGateStore } from './gate-store.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient } from './http-client.js';
import { createRequestGate } from './request-gate.js';
import { parseRetryAfter, retryAfterCeilingMs } from './retry-policy.js';

const schema = v.looseObject({ id: v.string() });

function vendor(answers: (() => Response)[]) {
  const requests: string[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
    requests.push(`${method} ${new URL(input instanceof Request ? input.url : String(input)).pathname}`);
    const answer = answers.shift();
    if (!answer) throw new Error('no answer planned');
    return answer();
  }) as typeof globalThis.fetch;
  return {
    requests,
    http: createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      fetch,
      random: () => 0.5,
      totalTimeoutMs: 120_000,
    }),
  };
}

/** A `GET a` whose waits between attempts are slept on `time`, not the wall clock. */
function getOn(http: ReturnType<typeof vendor>['http'], time: ReturnType<typeof virtualTime>) {
  return http.request({
    operation: 'get',
    method: 'GET',
    path: 'a',
    schema,
    options: { runtime: { clock: time.clock, sleep: time.sleep } },
  });
}

const ok = () =>
  new Response(JSON.stringify({ id: 'a' }), { headers: { 'content-type': 'application/json' } });
const tooMany = (headers: Record<string, string>) => () => new Response('{}', { status: 429, headers });

describe('rate-limit pauses', () => {
  it('a Retry-After of a day fails the call and pauses the others no longer than maxRetryAfterMs', async () => {
    const time = virtualTime();
    const gate = createRequestGate({ maxConcurrency: 4 }, time.clock, time.sleep);
    const { http, requests } = vendor([tooMany({ 'retry-after': '86400' }), ok]);
    const options: CallOptions = { runtime: { gate, clock: time.clock, sleep: time.sleep } };
    const error = await http
      .request({ operation: 'create', method: 'POST', path: 'streams', schema, options })
      .catch((caught: unknown) => caught as UniliveError);
    expect((error as UniliveError).name).toBe('RateLimitError');
    expect((error as UniliveError).retryAfterMs).toBe(86_400_000);
    expect((error as UniliveError).delivery).toBe('refused');
    // The message says why the call ended unretried.
    expect((error as UniliveError).message).toBe(
      'test-vendor create failed (HTTP 429); not retried: the vendor asked to wait 86400000 ms, longer than this client waits for one (retry.maxRetryAfterMs 60000 ms)',
    );
    const started = time.clock();
    await http.request({ operation: 'get', method: 'GET', path: 'streams/a', schema, options });
    // The next call waited out the capped pause (60 s), not a day.
    expect(time.clock() - started).toBe(60_000);
    expect(requests).toEqual(['POST /streams', 'GET /streams/a']);
  });

  it('says "not retried" only where a wait past maxRetryAfterMs is what ended a call that would retry', async () => {
    const cases = [
      // A retryable answer whose wait is too long: said.
      { method: 'GET', status: 429, after: '61', said: true },
      { method: 'GET', status: 503, after: '61', said: true },
      // A wait within the ceiling, retries spent (at 50 s and 100 s, within the 120 s time limit): the
      // last answer's message, nothing more.
      { method: 'GET', status: 429, after: '50', said: false },
      // A create's 503 is never retried (it may have been carried out), however long the wait.
      { method: 'POST', status: 503, after: '61', said: false },
    ] as const;
    for (const { method, status, after, said } of cases) {
      const time = virtualTime();
      const refused = () => new Response('{}', { status, headers: { 'retry-after': after } });
      const { http } = vendor([refused, refused, refused]);
      const error = (await http
        .request({
          operation: 'get',
          method,
          path: 'a',
          schema,
          options: { runtime: { clock: time.clock, sleep: time.sleep } },
        })
        .catch((caught: unknown) => caught)) as UniliveError;
      expect(error.message.includes('not retried'), `${method} ${status} Retry-After ${after}`).toBe(said);
      if (said)
        expect(error.message).toContain(
          `not retried: the vendor asked to wait ${Number(after) * 1000} ms, longer than this client waits for one (retry.maxRetryAfterMs 60000 ms)`,
        );
    }
  });

  it("an error the call's time limit left unretried says so, with the wait and the limit (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(429, 503),
        // Whole seconds, none past maxRetryAfterMs (60 s), or no Retry-After (the backoff alone).
        fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        fc.integer({ min: 1_000, max: 130_000 }),
        async (status, after, totalTimeoutMs) => {
          const time = virtualTime();
          const started = time.clock();
          const requests: number[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            random: () => 0.5,
            totalTimeoutMs,
            fetch: (async () => {
              requests.push(time.clock() - started);
              return new Response('{}', {
                status,
                headers: after === undefined ? {} : { 'retry-after': String(after) },
              });
            }) as typeof fetch,
          });
          const error = (await getOn(http, time).catch((caught: unknown) => caught)) as UniliveError;
          expect(error.status).toBe(status);
          const note =
            /; not retried: the retry was due in (\d+) ms, after the call's time limit \(totalTimeoutMs (\d+) ms\) runs out$/.exec(
              error.message,
            );
          // Every retry the limit left time for was made; the last error says why there was no other.
          if (requests.length === 3) {
            // maxRetries (2) spent: the last answer's message, nothing more.
            expect(note).toBeNull();
            expect(error.message).toBe(`test-vendor get failed (HTTP ${status})`);
          } else {
            expect(note).not.toBeNull();
            const dueIn = Number(note?.[1]);
            expect(Number(note?.[2])).toBe(totalTimeoutMs);
            // The wait it names is the one the next retry would have had, and it ends past the limit.
            expect(dueIn).toBeGreaterThanOrEqual((after ?? 0) * 1000);
            expect(time.clock() - started + dueIn).toBeGreaterThanOrEqual(totalTimeoutMs);
            expect(error.message.startsWith(`test-vendor get failed (HTTP ${status})`)).toBe(true);
          }
          // Each retry made came before the limit; the class and fields are the answer's.
          expect(time.sleeps).toHaveLength(requests.length - 1);
          expect(time.sleeps.reduce((sum, wait) => sum + wait, 0)).toBeLessThan(totalTimeoutMs);
          expect(error.retryAfterMs).toBe(after === undefined ? undefined : after * 1000);
          expect(String(error.stack).split('\n')[0]).toBe(`${error.name}: ${error.message}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a call queued behind a pause longer than its own time limit fails at once, unsent', async () => {
    const time = virtualTime();
    const gate = createRequestGate({}, time.clock, time.sleep);
    gate.pause(time.clock() + 50_000, await vendorKey);
    // The call's own request (the old test vendor's `requests` stayed empty whatever this call did).
    const { result: error, requests } = await gatedGet(gate, time, { totalTimeoutMs: 10_000 });
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as UniliveError).retryAfterMs).toBe(50_000);
    expect((error as UniliveError).delivery).toBe('not-sent');
    expect(time.sleeps).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("a pause longer than this client's retry.maxRetryAfterMs (another's, in a shared budget) refuses at once, unsent (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 30_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        async (maxRetryAfterMs, pausedMs) => {
          const time = virtualTime();
          // One gate for both clients, as one shared store gives processes configured alike: another client,
          // with the default 60 s ceiling, paused the budget after its own 429.
          const gate = createRequestGate({}, time.clock, time.sleep);
          gate.pause(time.clock() + pausedMs, await vendorKey);
          const { result, requests } = await gatedGet(gate, time, {
            totalTimeoutMs: 120_000,
            retry: { maxRetryAfterMs },
          });
          if (pausedMs <= maxRetryAfterMs) {
            // Within its own ceiling: waited out, then sent.
            expect(time.sleeps).toEqual([pausedMs]);
            expect(requests).toEqual(['GET /streams/a']);
            return;
          }
          expect(RateLimitError.isInstance(result)).toBe(true);
          expect(result).toMatchObject({ retryAfterMs: pausedMs, delivery: 'not-sent', operation: 'get' });
          expect((result as UniliveError).message).toBe(
            `test-vendor: the vendor's rate limit holds requests for ${Math.ceil(pausedMs / 1000)} s more (after a 429), longer than this client waits for one (retry.maxRetryAfterMs ${maxRetryAfterMs} ms); not sent`,
          );
          expect(time.sleeps).toEqual([]);
          expect(requests).toEqual([]);
        },
      ),
      {
        numRuns: 50,
        examples: [
          [5_000, 5_000],
          [5_000, 5_001],
          [5_000, 56_000],
        ],
      },
    );
  });

  it('a call queued behind the concurrency limit honours its own deadline and signal', async () => {
    const time = virtualTime();
    const gate = createRequestGate({ maxConcurrency: 1 }, time.clock, time.sleep);
    const held = await gate.acquire({ key: await vendorKey });
    const http = createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      totalTimeoutMs: 5_000,
      fetch: (async () => ok()) as typeof fetch,
    });
    const runtime = { gate, clock: time.clock, sleep: time.sleep };
    const timedOut = await http
      .request({ operation: 'get', method: 'GET', path: 'a', schema, options: { runtime } })
      .catch((caught: unknown) => caught as UniliveError);
    expect(TimeoutError.isInstance(timedOut)).toBe(true);
    expect((timedOut as UniliveError).delivery).toBe('not-sent');
    // It gave up when a start would have left it less than its reserve (a tenth of 5 s), not at 5 s.
    expect(time.clock() - 1_700_000_000_000).toBe(4_500);

    const controller = new AbortController();
    const pending = http.request({
      operation: 'get',
      method: 'GET',
      path: 'a',
      schema,
      options: {
        runtime: {
          ...runtime,
          sleep: (_ms, signal) =>
            new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
        },
        signal: controller.signal,
      },
    });
    controller.abort(new Error('caller gave up'));
    const aborted = await pending.catch((caught: unknown) => caught as UniliveError);
    expect(AbortError.isInstance(aborted)).toBe(true);
    expect((aborted as UniliveError).delivery).toBe('not-sent');
    held();
  });

  it('reads reset headers as seconds to wait, or as epoch seconds or milliseconds', () => {
    const now = 1_764_400_000_000;
    const read = (name: string, value: string) => parseRetryAfter(new Headers({ [name]: value }), now);
    expect(read('retry-after', '2')).toBe(2_000);
    expect(read('retry-after', new Date(now + 3_000).toUTCString())).toBe(3_000);
    expect(read('ratelimit-reset', '5')).toBe(5_000);
    expect(read('x-ratelimit-reset', '7')).toBe(7_000);
    // Epoch seconds (GitHub style) and epoch milliseconds: the time left, not 56 years nor 1 ms.
    expect(read('x-ratelimit-reset', String(now / 1000 + 4))).toBe(4_000);
    expect(read('ratelimit-reset', String(now / 1000 + 30))).toBe(30_000);
    expect(read('x-rate-limit-reset', String(now + 1_500))).toBe(1_500);
    // A reset already past waits nothing.
    expect(read('x-ratelimit-reset', String(now / 1000 - 60))).toBe(0);
    expect(read('ratelimit-reset', 'soon')).toBeUndefined();
  });

  it('reports a wait of years as one day, and a negative one as no usable header', () => {
    const now = 1_764_400_000_000;
    const read = (name: string, value: string) => parseRetryAfter(new Headers({ [name]: value }), now);
    const day = retryAfterCeilingMs;
    expect(day).toBe(86_400_000);
    for (const [name, value] of [
      ['retry-after', '99999999999'],
      ['retry-after', '9'.repeat(400)],
      ['retry-after', new Date(now + 3 * 365 * day).toUTCString()],
      ['ratelimit-reset', '999999999'],
      ['x-ratelimit-reset', String(now / 1000 + 10 * day)],
      ['x-rate-limit-reset', String(now + 40 * day)],
    ] as const) {
      expect(read(name, value)).toBe(day);
    }
    expect(read('retry-after', '-5')).toBeUndefined();
    expect(read('retry-after', '-86400')).toBeUndefined();
    expect(read('ratelimit-reset', '-1')).toBeUndefined();
    expect(read('retry-after', new Date(now - 1_000).toUTCString())).toBe(0);
  });

  it('keeps every wait read from any header between 0 and one day', () => {
    const now = 1_764_400_000_000;
    fc.assert(
      fc.property(
        fc.constantFrom(
          'retry-after',
          'x-ratelimit-retry-after',
          'ratelimit-reset',
          'x-ratelimit-reset',
          'x-rate-limit-reset',
        ),
        fc.oneof(
          fc.double({ noNaN: true }).map(String),
          fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
          fc.integer({ min: -4e12, max: 4e12 }).map((offset) => new Date(now + offset).toUTCString()),
          fc.string(),
        ),
        (name, value) => {
          let headers: Headers;
          try {
            headers = new Headers({ [name]: value });
          } catch {
            return; // not a value a header can carry
          }
          const wait = parseRetryAfter(headers, now);
          if (wait !== undefined) {
            expect(Number.isInteger(wait)).toBe(true);
            expect(wait).toBeGreaterThanOrEqual(0);
            expect(wait).toBeLessThanOrEqual(retryAfterCeilingMs);
          }
        },
      ),
    );
  });

  it("measures a date or an epoch reset from the answer's Date header, the vendor's clock, however far this host's is off (generated)", () => {
    fc.assert(
      fc.property(
        // How far this host's clock is off the vendor's (either way, up to an hour), and the wait asked.
        fc.integer({ min: -3_600, max: 3_600 }),
        fc.integer({ min: 0, max: 600 }),
        fc.constantFrom('retry-after', 'x-ratelimit-retry-after', 'x-ratelimit-reset', 'ratelimit-reset'),
        fc.constantFrom('http-date', 'epoch-seconds', 'epoch-ms'),
        (skewSeconds, waitSeconds, name, form) => {
          const vendorNow = Date.UTC(2026, 11, 6, 12, 0, 0);
          const hostNow = vendorNow + skewSeconds * 1000;
          const at = vendorNow + waitSeconds * 1000;
          // Retry-After takes a date; the reset headers an epoch time.
          const value =
            name.includes('reset') && form !== 'http-date'
              ? String(form === 'epoch-ms' ? at : at / 1000)
              : new Date(at).toUTCString();
          if (name.includes('reset') && form === 'http-date') return;
          const headers = new Headers({ [name]: value, date: new Date(vendorNow).toUTCString() });
          expect(parseRetryAfter(headers, hostNow)).toBe(waitSeconds * 1000);
          // Without the vendor's Date, the host's own clock is all there is.
          const alone = new Headers({ [name]: value });
          expect(parseRetryAfter(alone, hostNow)).toBe(Math.max(0, (waitSeconds - skewSeconds) * 1000));
        },
      ),
    );
    // A Date header that is no HTTP date is none.
    const now = Date.UTC(2026, 11, 6, 12, 0, 0);
    const at = new Date(now + 5_000).toUTCString();
    for (const date of ['soon', '', 'Sun, 06 Dec 2026 11:00:00 GMT, Sun, 06 Dec 2026 11:00:00 GMT'])
      expect(parseRetryAfter(new Headers({ 'retry-after': at, date }), now)).toBe(5_000);
  });

  it('reads Retry-After as delta-seconds or an HTTP date only, never as a date guessed from other text', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    const read = (value: string) => parseRetryAfter(new Headers({ 'retry-after': value }), now);
    // Date.parse reads `x 2030` as 1 January 2030 and `retry 5` as May 2001: a wait of a day, or none.
    fc.assert(
      fc.property(
        fc.constantFrom('x', 'later', 'retry', 'wait', 'backoff', 'Dec', 'jan', 'in', 'soon', 'tomorrow'),
        fc.integer({ min: 1, max: 9_999 }),
        fc.boolean(),
        (word, number, wordFirst) => {
          expect(read(wordFirst ? `${word} ${number}` : `${number} ${word}`)).toBeUndefined();
        },
      ),
    );
    // A day the month does not have rolls over with Date.parse; a date without GMT is read in the host's zone.
    expect(read('Tue, 31 Nov 2026 12:00:10 GMT')).toBeUndefined();
    expect(read('Mon, 30 Nov 2026 12:00:10')).toBeUndefined();
    expect(read('Mon, 30 Nov 2026 25:00:10 GMT')).toBeUndefined();
    // What servers write beside the grammar, still plainly a date in GMT: a day of one digit, UTC for GMT.
    expect(read('Tue, 1 Dec 2026 00:00:00 GMT')).toBe(43_200_000);
    expect(read('Mon, 30 Nov 2026 12:00:10 UTC')).toBe(10_000);
    // Every form RFC 9110 gives an HTTP date reads as the time left, and so does an ISO 8601 time.
    fc.assert(
      fc.property(fc.integer({ min: -40 * 86_400, max: 86_400 }), (seconds) => {
        const at = new Date(now + seconds * 1000);
        const day = at.toUTCString().slice(0, 3);
        const longDay = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][
          at.getUTCDay()
        ];
        const month = at.toUTCString().slice(8, 11);
        const time = at.toISOString().slice(11, 19);
        const pad = (n: number) => String(n).padStart(2, '0');
        const forms = [
          at.toUTCString(),
          `${longDay}, ${pad(at.getUTCDate())}-${month}-${String(at.getUTCFullYear()).slice(2)} ${time} GMT`,
          `${day} ${month} ${String(at.getUTCDate()).padStart(2, ' ')} ${time} ${at.getUTCFullYear()}`,
          at.toISOString(),
        ];
        for (const form of forms) expect([form, read(form)]).toEqual([form, Math.max(0, seconds * 1000)]);
      }),
    );
  });

  it('reads a Retry-After or reset header the vendor or a proxy repeated as the longest wait it names', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0);
    fc.assert(
      fc.property(
        fc.constantFrom('retry-after', 'ratelimit-reset', 'x-ratelimit-reset'),
        fc.array(fc.integer({ min: 0, max: 3_600 }), { minLength: 2, maxLength: 4 }),
        fc.boolean(),
        (name, waits, asDates) => {
          const headers = new Headers();
          const dates = asDates && name === 'retry-after';
          // Headers joins repeated fields with ", ", as fetch hands them over; an HTTP date has a comma too.
          for (const wait of waits)
            headers.append(name, dates ? new Date(now + wait * 1000).toUTCString() : String(wait));
          expect(parseRetryAfter(headers, now)).toBe(Math.max(...waits) * 1000);
        },
      ),
    );
  });

  it("waits a repeated Retry-After's longest wait, and backs off on one that names no wait", async () => {
    const time = virtualTime(Date.UTC(2026, 10, 30, 12, 0, 0));
    const twice = new Headers([
      ['retry-after', '5'],
      ['retry-after', '5'],
    ]);
    const { http } = vendor([
      () => new Response('{}', { status: 429, headers: twice }),
      tooMany({ 'retry-after': 'x 2030' }),
      ok,
    ]);
    await getOn(http, time);
    // 5 s as asked, then the backoff of a second retry (1 s at the middle of its jitter), not a day's refusal.
    expect(time.sleeps).toEqual([5_000, 750]);
  });

  it('never retries sooner than the backoff: a Retry-After of 0, or of a date already past, waits the backoff (generated)', async () => {
    // The backoff of retry n at the middle of its jitter (random 0.5): 375, 750, 1500… ms.
    const backoffAt = (retry: number) => Math.round(0.75 * Math.min(8_000, 500 * 2 ** (retry - 1)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 3 }).map(String),
            fc.constant('0'),
            fc.constant('Thu, 01 Jan 2026 00:00:00 GMT'),
          ),
          { minLength: 1, maxLength: 2 },
        ),
        async (afters) => {
          const time = virtualTime(Date.UTC(2026, 10, 30, 12, 0, 0));
          const { http, requests } = vendor([
            ...afters.map((after) => tooMany({ 'retry-after': after })),
            ok,
          ]);
          await getOn(http, time);
          expect(requests).toHaveLength(afters.length + 1);
          expect(time.sleeps).toEqual(
            afters.map((after, index) => {
              const asked = /^[0-9]+$/.test(after) ? Number(after) * 1_000 : 0;
              return Math.max(asked, backoffAt(index + 1));
            }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("pauses the client's other requests exactly as long as the refused request waits, and onRetry says that wait (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 4, maxLength: 4 }),
        async (after, draws) => {
          const time = virtualTime(Date.UTC(2026, 10, 30, 12, 0, 0));
          // A store of its own, read after the call: the pause the 429 put on the budget.
          const store = createMemoryGateStore(time.clock);
          const gate = createRequestGate({ store }, time.clock, time.sleep);
          const refusedAt = time.clock();
          // Every draw of the jitter differs: a pause drawn apart from the retry's wait would show.
          let next = 0;
          const answers = [tooMany(after === undefined ? {} : { 'retry-after': String(after) }), ok];
          const retries: number[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            fetch: (async () => (answers.shift() ?? ok)()) as typeof globalThis.fetch,
            random: () => draws[next++ % draws.length] ?? 0.5,
            totalTimeoutMs: 120_000,
          });
          const hooks: HttpHooks = { onRetry: (event) => retries.push(event.delayMs) };
          await http.request({
            operation: 'get',
            method: 'GET',
            path: 'a',
            schema,
            options: { runtime: { gate, hooks, clock: time.clock, sleep: time.sleep } },
          });
          expect(time.sleeps).toHaveLength(1);
          expect([(await store.pausedUntil(await vendorKey)) - refusedAt]).toEqual(time.sleeps);
          expect(retries).toEqual(time.sleeps);
          expect(time.sleeps[0]).toBeGreaterThanOrEqual(Math.max((after ?? 0) * 1_000, 250));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('waits an epoch-seconds reset as the time left', async () => {
    const time = virtualTime(1_764_400_000_000);
    const { http } = vendor([tooMany({ 'x-ratelimit-reset': String(1_764_400_000 + 3) }), ok]);
    await getOn(http, time);
    expect(time.sleeps).toEqual([3_000]);
  });
});

describe('a pause that ends too near the deadline', () => {
  // The reserve a request the gate held keeps for itself: a tenth of its time, at most 1 s.
  const reserveOf = (budgetMs: number) => Math.min(1_000, Math.floor(budgetMs / 10));

  // A 429 whose Retry-After passes `maxRetryAfterMs` pauses the account for `maxRetryAfterMs` from its
  // arrival; the next call arrives `arrivalMs` later with a time limit of `budgetMs`. Timers fire late by
  // `lateMs`, as under load.
  async function afterRefusal(pauseMs: number, budgetMs: number, arrivalMs: number, lateMs: number) {
    let now = 1_700_000_000_000;
    const sleep: Sleep = async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms + lateMs;
    };
    const clock = () => now;
    const gate = createRequestGate({ requestsPerSecond: 10 }, clock, sleep);
    const sent: number[] = [];
    const answers = [tooMany({ 'retry-after': '3600' }), ok];
    const http = createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      totalTimeoutMs: budgetMs,
      retry: { maxRetryAfterMs: pauseMs },
      fetch: (async () => {
        sent.push(now);
        return (answers.shift() ?? ok)();
      }) as typeof fetch,
    });
    const options: CallOptions = { runtime: { gate, clock, sleep } };
    const refused = await http
      .request({ operation: 'get', method: 'GET', path: 'streams/a', schema, options })
      .catch((caught: unknown) => caught as UniliveError);
    expect(RateLimitError.isInstance(refused)).toBe(true);
    const refusedAt = now;
    now += arrivalMs;
    const arrived = now;
    const outcome = await http
      .request({ operation: 'create', method: 'POST', path: 'streams', schema, options })
      .then(
        () => 'created' as const,
        (caught: unknown) => caught as UniliveError,
      );
    return { outcome, sent: sent.slice(1), pauseEnd: refusedAt + pauseMs, arrived, endedAt: now };
  }

  it('ends the call at once, unsent, with RateLimitError unless the pause ends before the reserve', async () => {
    const budget = fc.integer({ min: 1_000, max: 120_000 });
    const near = fc
      .record({
        budgetMs: budget,
        arrivalMs: fc.integer({ min: 0, max: 5_000 }),
        slack: fc.integer({ min: -1_500, max: 1_500 }),
      })
      .map(({ budgetMs, arrivalMs, slack }) => ({
        budgetMs,
        arrivalMs,
        pauseMs: Math.max(1, arrivalMs + budgetMs + slack),
      }));
    const anywhere = fc.record({
      budgetMs: budget,
      arrivalMs: fc.integer({ min: 0, max: 130_000 }),
      pauseMs: fc.integer({ min: 1, max: 120_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(near, anywhere), fc.integer({ min: 0, max: 20 }), async (plan, lateMs) => {
        const { budgetMs, arrivalMs, pauseMs } = plan;
        const { outcome, sent, pauseEnd, arrived, endedAt } = await afterRefusal(
          pauseMs,
          budgetMs,
          arrivalMs,
          lateMs,
        );
        const deadline = arrived + budgetMs;
        const startBy = deadline - reserveOf(budgetMs);
        if (pauseEnd < startBy) {
          // Sent once, after the pause, with at least the reserve less the timers' lateness left.
          expect(outcome).toBe('created');
          expect(sent).toHaveLength(1);
          expect(sent[0]).toBeGreaterThanOrEqual(pauseEnd);
          expect(deadline - (sent[0] as number)).toBeGreaterThan(reserveOf(budgetMs) - 2 * lateMs - 100);
        } else {
          // Never sent, never slept: a RateLimitError with the pause left, not-sent.
          expect(RateLimitError.isInstance(outcome)).toBe(true);
          expect((outcome as UniliveError).delivery).toBe('not-sent');
          expect((outcome as UniliveError).retryAfterMs).toBe(pauseEnd - arrived);
          expect(sent).toEqual([]);
          expect(endedAt).toBe(arrived);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('with the defaults (60 s and 60 s), the call just after a Retry-After of an hour ends at once', async () => {
    for (const arrivalMs of [0, 1, 15, 999]) {
      const { outcome, sent, endedAt, arrived } = await afterRefusal(60_000, 60_000, arrivalMs, 2);
      expect(RateLimitError.isInstance(outcome)).toBe(true);
      expect((outcome as UniliveError).delivery).toBe('not-sent');
      expect((outcome as UniliveError).retryAfterMs).toBe(60_000 - arrivalMs);
      expect(sent).toEqual([]);
      expect(endedAt).toBe(arrived);
    }
  });
});

describe('delivery of an attempt that ends before fetch is called', () => {
  it('a time limit that passes while the credentials are prepared: not-sent, and fetch is never called', async () => {
    let fetched = 0;
    const http = createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      // Credentials that take longer than the attempt's limit (a token endpoint that is slow).
      headers: () => new Promise((resolve) => setTimeout(() => resolve({}), 60)),
      secrets: new SecretSet(),
      timeoutMs: 10,
      retry: { maxRetries: 1 },
      fetch: (async () => {
        fetched += 1;
        return ok();
      }) as typeof fetch,
    });
    const error = await http
      .request({
        operation: 'create',
        method: 'POST',
        path: 'streams',
        schema,
        options: { runtime: { sleep: async () => {} } },
      })
      .catch((caught: unknown) => caught as UniliveError);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as UniliveError).delivery).toBe('not-sent');
    expect(fetched).toBe(0);
  });
});
