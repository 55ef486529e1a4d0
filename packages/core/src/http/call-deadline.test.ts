import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { InvalidInputError, TimeoutError } from '../errors/errors.js';
import { deadlineCutOf } from '../errors/unilive-error.js';
import { endedByCallDeadline } from '../lifecycle.js';
import type { LiveStream } from '../live-stream.js';
import { callDeadlineOf, isClientOptions, startCall } from '../options.js';
import type { CallOptions, LiveStreamProvider } from '../provider.js';
import { SecretSet } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient } from './http-client.js';

// `totalTimeoutMs` bounds a whole neutral call: `startCall` fixes one deadline when the provider's operation
// starts and the options it returns carry it to every request of the call
// (docs/decisions/2026-12-03-total-timeout-per-call.md).
const limitMs = 2_000;

/** A vendor whose every answer moves the injected clock on by `stepMs`; a `get` reads three parts. */
function timedVendor(stepMs: number) {
  const sent: string[] = [];
  let now = 1_700_000_000_000;
  const http = createHttpClient({
    provider: 'timed',
    baseUrl: 'https://api.vendor.test',
    headers: () => ({}),
    secrets: new SecretSet(),
    totalTimeoutMs: limitMs,
    retry: { maxRetries: 0 },
    fetch: (async (input: RequestInfo | URL) => {
      sent.push(new URL(new Request(input).url).pathname);
      now += stepMs;
      return new Response(JSON.stringify({ id: 's1' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch,
  });
  const never = () => Promise.reject(new Error('not used'));
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id: 'timed',
    capabilities: { lifecycle: 'explicit' } as unknown as LiveStreamProvider['capabilities'],
    async get(id: string, given?: CallOptions): Promise<LiveStream> {
      const options = startCall(given, 'timed', 'get', http);
      for (const part of ['room', 'egress', 'outputs'])
        await http.request({
          operation: 'get',
          method: 'GET',
          path: `${part}/${id}`,
          schema: v.looseObject({ id: v.string() }),
          options,
        });
      return { id, provider: 'timed', state: 'ready', ingest: [], playback: [], raw: {} } as LiveStream;
    },
    create: never,
    list: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }),
    update: never,
    delete: never,
    start: never,
    stop: never,
    getStatus: never,
  };
  return { http, provider, sent, clock: () => now };
}

const slowStep = fc.integer({ min: limitMs / 2, max: limitMs - 1 });

/**
 * `provider.get('s1')` through a client (the clock and hooks given as a container and client options) or
 * called directly (the same in the call's runtime): its stream, or what it rejected with.
 */
function getThrough(
  provider: LiveStreamProvider,
  viaClient: boolean,
  clock: () => number,
  hooks?: HttpHooks,
): Promise<unknown> {
  if (viaClient) {
    const container = createContainer();
    container.register(tokens.clock, { useValue: clock });
    const client = createLiveStreamClient(provider, hooks ? { container, hooks } : { container });
    return client.get('s1').catch((error: unknown) => error);
  }
  return provider
    .get('s1', { runtime: hooks ? { clock, hooks } : { clock } })
    .catch((error: unknown) => error);
}

describe('totalTimeoutMs bounds a whole call', () => {
  it('through a client and called directly: the request that starts past the deadline is not sent, a TimeoutError', async () => {
    await fc.assert(
      fc.asyncProperty(slowStep, fc.boolean(), async (stepMs, viaClient) => {
        const vendor = timedVendor(stepMs);
        const outcome = await getThrough(vendor.provider, viaClient, vendor.clock);
        expect(vendor.sent).toEqual(['/room/s1', '/egress/s1']);
        expect(TimeoutError.isInstance(outcome), String(outcome)).toBe(true);
        const error = outcome as TimeoutError;
        expect([error.provider, error.operation, error.delivery, error.streamId]).toEqual([
          'timed',
          'get',
          'not-sent',
          undefined,
        ]);
        // Told apart from one request's own time limit.
        expect(endedByCallDeadline(error)).toBe(true);
        expect(deadlineCutOf(error)).toBe(1_700_000_000_000 + limitMs);
      }),
      { numRuns: 20 },
    );
  });

  it('a call within the limit sends every request, as before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: Math.ceil(limitMs / 3) - 1 }), async (stepMs) => {
        const vendor = timedVendor(stepMs);
        const stream = await vendor.provider.get('s1', { runtime: { clock: vendor.clock } });
        expect(stream.id).toBe('s1');
        expect(vendor.sent).toEqual(['/room/s1', '/egress/s1', '/outputs/s1']);
      }),
      { numRuns: 10 },
    );
  });

  it('reuses options whose deadline comes first, and leaves options the request refuses to it', async () => {
    const vendor = timedVendor(0);
    const now = vendor.clock();
    // Core's copy with the call's deadline: frozen, marked, holding the caller's values.
    const first = startCall(
      { timeoutMs: 500, runtime: { clock: vendor.clock } },
      'timed',
      'get',
      vendor.http,
    );
    expect(isClientOptions(first)).toBe(true);
    expect(Object.isFrozen(first)).toBe(true);
    expect(callDeadlineOf(first)).toBe(now + limitMs);
    expect(first?.timeoutMs).toBe(500);
    // A call made inside it keeps its deadline: the same object.
    expect(startCall(first, 'timed', 'get', vendor.http)).toBe(first);
    // A wait's deadline that comes first is the call's: nothing to add.
    const waiting = startCall(
      { runtime: { clock: vendor.clock, deadline: now + 10 } },
      'timed',
      'get',
      vendor.http,
    );
    expect(callDeadlineOf(waiting)).toBeUndefined();
    expect(waiting?.runtime?.deadline).toBe(now + 10);
    // A misspelt name: returned as given, for the request to refuse with the error it always gave.
    const misspelt = { timeoutMS: 500 } as CallOptions;
    expect(startCall(misspelt, 'timed', 'get', vendor.http)).toBe(misspelt);
    const refused = await vendor.provider.get('s1', misspelt).catch((error: unknown) => error);
    expect(InvalidInputError.isInstance(refused)).toBe(true);
    expect((refused as InvalidInputError).issues).toEqual([
      { path: 'options.timeoutMS', message: 'unknown option; did you mean "timeoutMs"?' },
    ]);
    expect(vendor.sent).toEqual([]);
  });
});

describe("totalTimeoutMs is the call's wall-clock time, its synchronous hooks included", () => {
  // Each request's onRequest hook and its onResponse hook hold the thread for these times by the injected
  // clock; the vendor itself answers at once. Either the hooks of one request take half the limit or more
  // (a later request finds no time left), or all the hooks of the call fit in it. Between the two (every
  // request started in time, the last one's hooks running past the deadline), whether the call succeeds
  // depends on whether its last answer is read before the deadline's cut, which is left out here.
  const hookTimes = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: limitMs }), fc.integer({ min: 0, max: limitMs }))
      .filter(([request, response]) => request + response >= limitMs / 2),
    fc
      .tuple(fc.integer({ min: 0, max: 666 }), fc.integer({ min: 0, max: 666 }))
      .filter(([request, response]) => 3 * (request + response) < limitMs),
  );

  it('the request whose hooks (its own onRequest included) have taken the limit is not sent, a TimeoutError with the exact message; hooks that fit leave the call as it was', async () => {
    await fc.assert(
      fc.asyncProperty(hookTimes, fc.boolean(), async ([requestHookMs, responseHookMs], viaClient) => {
        const vendor = timedVendor(0);
        let now = 1_700_000_000_000;
        const clock = () => now;
        const hooks = {
          onRequest: () => {
            now += requestHookMs;
          },
          onResponse: () => {
            now += responseHookMs;
          },
        };
        const outcome = await getThrough(vendor.provider, viaClient, clock, hooks);
        // The k-th request (from 0) starts once the hooks of the k before it have run, and is sent only
        // when its own onRequest hook, which runs just before it is sent, has left time: its send would
        // otherwise take the call past its deadline.
        const perRequest = requestHookMs + responseHookMs;
        const sent = [0, 1, 2].filter((k) => k * perRequest + requestHookMs < limitMs).length;
        expect(vendor.sent).toEqual(['/room/s1', '/egress/s1', '/outputs/s1'].slice(0, sent));
        if (sent === 3) {
          expect((outcome as LiveStream).id, String(outcome)).toBe('s1');
          return;
        }
        expect(TimeoutError.isInstance(outcome), String(outcome)).toBe(true);
        const error = outcome as TimeoutError;
        expect([error.provider, error.operation, error.delivery, error.message]).toEqual([
          'timed',
          'get',
          'not-sent',
          `timed get: the call's time limit (totalTimeoutMs ${limitMs} ms) ran out before the request could be sent; not sent`,
        ]);
        expect(endedByCallDeadline(error)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
