import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, ProviderUnavailableError, TimeoutError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { createHttpClient } from '../http/http-client.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from '../live-stream.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import { SecretSet } from '../secrets.js';
import { createLiveStreamClient } from './live-stream-client.js';
import { minWaitIntervalMs } from './wait-for-state.js';

const capabilities = {
  lifecycle: 'explicit',
  restart: true,
} as unknown as LiveStreamProvider['capabilities'];

// A provider whose status call goes through core's HTTP layer to a vendor that never answers.
function silentVendor() {
  let requests = 0;
  const http = createHttpClient({
    provider: 'silent',
    baseUrl: 'https://api.vendor.test',
    headers: () => ({}),
    secrets: new SecretSet(),
    fetch: ((_input: RequestInfo | URL, init?: RequestInit) => {
      requests += 1;
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    }) as typeof fetch,
  });
  const status = async (id: string, options?: CallOptions): Promise<LiveStreamStatus> => {
    const response = await http.request({
      operation: 'status',
      method: 'GET',
      path: `streams/${id}`,
      schema: v.looseObject({ state: v.string() }),
      options,
    });
    return { state: response.data.state as LiveStreamStatus['state'], raw: response.body };
  };
  const never = () => Promise.reject(new Error('not used'));
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id: 'silent',
    capabilities,
    create: never,
    get: never as () => Promise<LiveStream>,
    list: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }),
    update: never,
    delete: never,
    start: never,
    stop: never,
    getStatus: status,
  };
  return { provider, requests: () => requests };
}

describe('waitForState against a vendor that never answers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends at its own deadline: each poll, retries included, is cut to the time left', async () => {
    vi.useFakeTimers({ now: 0 });
    const { provider, requests } = silentVendor();
    const client = createLiveStreamClient(provider);
    let outcome: unknown;
    void client.waitForState('s1', 'ready', { timeoutMs: 500 }).catch((error: unknown) => {
      outcome = error;
    });
    // Each attempt would otherwise keep its 15 s limit and retry twice (about 46 s).
    await vi.advanceTimersByTimeAsync(500);
    await vi.advanceTimersByTimeAsync(1);
    expect(TimeoutError.isInstance(outcome)).toBe(true);
    expect((outcome as TimeoutError).operation).toBe('waitForState');
    expect((outcome as TimeoutError).message).toBe(
      'silent stream s1 did not become ready within 500 ms (last state: none seen)',
    );
    expect(requests()).toBe(1);
  });
});

describe('waitForState checks its state and options before any request', () => {
  it.each<[string, unknown, Record<string, unknown>, string[]]>([
    ["a state that is not one ('Ready')", 'Ready', {}, ['state']],
    ['an empty list of states', [], {}, ['state']],
    ['one bad state among several', ['ready', 'live'], {}, ['state.1']],
    ['a number for a state', 3, {}, ['state']],
    ['intervalMs 0', 'ready', { intervalMs: 0 }, ['options.intervalMs']],
    ['intervalMs below the minimum', 'ready', { intervalMs: minWaitIntervalMs - 1 }, ['options.intervalMs']],
    ['intervalMs NaN', 'ready', { intervalMs: Number.NaN }, ['options.intervalMs']],
    ['timeoutMs negative', 'ready', { timeoutMs: -1 }, ['options.timeoutMs']],
    ['timeoutMs NaN', 'ready', { timeoutMs: Number.NaN }, ['options.timeoutMs']],
    ['timeoutMs infinite', 'ready', { timeoutMs: Number.POSITIVE_INFINITY }, ['options.timeoutMs']],
    [
      'maxIntervalMs below intervalMs',
      'ready',
      { intervalMs: 2_000, maxIntervalMs: 1_000 },
      ['options.maxIntervalMs'],
    ],
  ])('%s is an InvalidInputError', async (_label, state, options, paths) => {
    const { provider, requests } = silentVendor();
    const error = await createLiveStreamClient(provider)
      .waitForState('s1', state as 'ready', options)
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(paths);
    expect(requests()).toBe(0);
  });

  it("names the valid states when given 'Ready'", async () => {
    const { provider } = silentVendor();
    const error = (await createLiveStreamClient(provider)
      .waitForState('s1', 'Ready' as 'ready')
      .catch((caught: unknown) => caught)) as InvalidInputError;
    expect(error.issues[0]?.message).toBe(
      'expected one of stopped, starting, ready, stopping, resetting, disabled, unknown',
    );
  });
});

describe('waitForState for a state the provider never reports', () => {
  it('refuses it before any request, naming the states it has, and waits for a reachable one among several', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...liveStreamStates], { minLength: 1 }),
        fc.subarray([...liveStreamStates], { minLength: 1 }),
        async (states, targets) => {
          const polled: string[] = [];
          const provider: LiveStreamProvider = {
            ...silentVendor().provider,
            capabilities: { ...capabilities, states },
            getStatus: async (id) => {
              polled.push(id);
              return { state: targets.find((target) => states.includes(target)) ?? 'unknown', raw: {} };
            },
            get: async (id) => ({
              id,
              provider: 'silent',
              state: 'ready',
              ingest: [],
              playback: [],
              raw: {},
            }),
          };
          const client = createLiveStreamClient(provider);
          const outcome = await client
            .waitForState('s1', targets, { timeoutMs: 1_000, intervalMs: 100 })
            .catch((error: unknown) => error);
          if (targets.some((target) => states.includes(target))) {
            expect(polled).toEqual(['s1']);
            expect((outcome as LiveStream).id).toBe('s1');
          } else {
            expect(InvalidInputError.isInstance(outcome)).toBe(true);
            expect((outcome as Error).message).toContain(`its states are ${states.join(', ')}`);
            expect((outcome as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['state']);
            expect((outcome as InvalidInputError).delivery).toBe('not-sent');
            expect(polled).toEqual([]);
          }
        },
      ),
    );
  });
});

describe("a wait's timeout names what the stream could have become", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('once each, and only the states the provider reports (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...liveStreamStates], { minLength: 1 }),
        fc.array(fc.constantFrom(...liveStreamStates), { minLength: 1, maxLength: 6 }),
        async (states, drawn) => {
          // At least one reachable target, or the wait is refused up front (above).
          const targets = [...drawn, states[0] as LiveStreamState];
          vi.useFakeTimers({ now: 0 });
          const { provider } = silentVendor();
          const client = createLiveStreamClient({ ...provider, capabilities: { ...capabilities, states } });
          let outcome: unknown;
          void client.waitForState('s1', targets, { timeoutMs: 500 }).catch((error: unknown) => {
            outcome = error;
          });
          await vi.advanceTimersByTimeAsync(501);
          vi.useRealTimers();
          const named = liveStreamStates.filter((state) => targets.includes(state) && states.includes(state));
          expect(TimeoutError.isInstance(outcome)).toBe(true);
          const said = /did not become (.+) within 500 ms/.exec((outcome as Error).message)?.[1] ?? '';
          expect(said.split(' or ').sort()).toEqual([...named].sort());
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a wait names itself, whichever provider call inside it failed', () => {
  // A vendor whose status read and stream read both answer 503, through core's HTTP layer.
  function failingVendor() {
    const http = createHttpClient({
      provider: 'failing',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      retry: { maxRetries: 1 },
      fetch: (async () =>
        new Response(JSON.stringify({ message: 'down' }), {
          status: 503,
          headers: { 'content-type': 'application/json' },
        })) as typeof fetch,
    });
    const read = (operation: string) => async (id: string, options?: CallOptions) => {
      const response = await http.request({
        operation,
        method: 'GET',
        path: `streams/${id}`,
        schema: v.looseObject({ state: v.string() }),
        options,
      });
      return { state: response.data.state, raw: response.body } as LiveStreamStatus;
    };
    const never = () => Promise.reject(new Error('not used'));
    const provider: LiveStreamProvider = {
      specificationVersion: 'v1',
      id: 'failing',
      capabilities,
      create: never,
      get: read('get') as unknown as LiveStreamProvider['get'],
      list: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }),
      update: never,
      delete: never,
      start: never,
      stop: never,
      getStatus: read('status'),
    };
    return provider;
  }

  it('waitForState and waitForBroadcast: the error, every hook event and its retries name the wait', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('waitForState', 'waitForBroadcast'), async (operation) => {
        const heard: string[] = [];
        const client = createLiveStreamClient(failingVendor(), {
          hooks: {
            onRequest: (event) => heard.push(event.operation),
            onRetry: (event) => heard.push(event.operation, event.error.operation ?? ''),
            onError: (event) => heard.push(event.operation, event.error.operation ?? ''),
          },
        });
        const call =
          operation === 'waitForState'
            ? client.waitForState('s1', 'ready', { timeoutMs: 60_000 })
            : client.waitForBroadcast('s1', { timeoutMs: 60_000, events: (async function* () {})() });
        const error = (await call.catch((caught: unknown) => caught)) as UniliveError;
        expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
        expect(error.operation).toBe(operation);
        // The message says which provider call failed.
        expect(error.message).toBe(`failing ${operation} (status) failed (HTTP 503)`);
        expect(heard.length).toBeGreaterThan(0);
        expect(new Set(heard)).toEqual(new Set([operation]));
      }),
      { numRuns: 4 },
    );
  });

  it('getStatus called by the caller stays status', async () => {
    const error = (await failingVendor()
      .getStatus?.('s1')
      .catch((caught: unknown) => caught)) as UniliveError;
    expect(error.operation).toBe('status');
    expect(error.message).toBe('failing status failed (HTTP 503)');
  });
});

// The stream a wait returns carries its warnings, as a `get`'s does, and `onWarning` hears them once, named
// as the wait: the hook heard those of a `get` and never those of a wait's result (videosdk v2's RTMP-out
// list cut short, found by an outside probe).
describe('the warnings of the stream a wait returns', () => {
  const warning = {
    type: 'incomplete-answer' as const,
    setting: 'restream',
    message: 'the list was cut short',
  };
  const stream = (state: LiveStream['state']): LiveStream => ({
    id: 's1',
    provider: 'warned',
    state,
    ingest: [],
    playback: [],
    raw: {},
    warnings: [warning],
  });

  it('reach onWarning once, named as the wait, whether the poll is a status call or a get (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('waitForState' as const, 'waitForBroadcast' as const),
        async (withStatus, pollsBefore, wait) => {
          let polls = 0;
          const poll = () => {
            polls += 1;
            return polls > pollsBefore ? 'ready' : 'starting';
          };
          const provider: LiveStreamProvider = {
            specificationVersion: 'v1',
            id: 'warned',
            capabilities: {
              ...capabilities,
              broadcastingStatus: true,
              states: liveStreamStates,
            } as LiveStreamProvider['capabilities'],
            create: () => Promise.reject(new Error('not used')),
            get: async () =>
              withStatus
                ? { ...stream('ready'), broadcasting: true }
                : { ...stream(poll()), broadcasting: polls > pollsBefore },
            list: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('no')) }) }),
            update: () => Promise.reject(new Error('not used')),
            delete: () => Promise.reject(new Error('not used')),
            start: () => Promise.reject(new Error('not used')),
            stop: () => Promise.reject(new Error('not used')),
            ...(withStatus
              ? {
                  getStatus: async () => {
                    const state = poll();
                    return { state, broadcasting: state === 'ready', raw: {} };
                  },
                }
              : {}),
          };
          const heard: { operation: string; warning: unknown }[] = [];
          const client = createLiveStreamClient(provider, {
            hooks: {
              onWarning: (event) => heard.push({ operation: event.operation, warning: event.warning }),
            },
          });
          const result =
            wait === 'waitForState'
              ? await client.waitForState('s1', 'ready', { intervalMs: minWaitIntervalMs, timeoutMs: 60_000 })
              : await client.waitForBroadcast('s1', { intervalMs: minWaitIntervalMs, timeoutMs: 60_000 });
          expect(result.warnings).toEqual([warning]);
          expect(heard).toEqual([{ operation: wait, warning }]);
        },
      ),
      { numRuns: 20 },
    );
  });
});
