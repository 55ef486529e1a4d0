import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, TimeoutError } from '../errors/errors.js';
import { createHttpClient } from '../http/http-client.js';
import { type LiveStream, liveStreamStates } from '../live-stream.js';
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
    ['intervalMs 0', 'ready', { intervalMs: 0 }, ['intervalMs']],
    ['intervalMs below the minimum', 'ready', { intervalMs: minWaitIntervalMs - 1 }, ['intervalMs']],
    ['intervalMs NaN', 'ready', { intervalMs: Number.NaN }, ['intervalMs']],
    ['timeoutMs negative', 'ready', { timeoutMs: -1 }, ['timeoutMs']],
    ['timeoutMs NaN', 'ready', { timeoutMs: Number.NaN }, ['timeoutMs']],
    ['timeoutMs infinite', 'ready', { timeoutMs: Number.POSITIVE_INFINITY }, ['timeoutMs']],
    [
      'maxIntervalMs below intervalMs',
      'ready',
      { intervalMs: 2_000, maxIntervalMs: 1_000 },
      ['maxIntervalMs'],
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
