import { Server } from 'node:net';
import { InvalidInputError, maxTimeoutMs } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSandbox } from './server.js';

// Each option of startSandbox by its path, how to place a value there, and the values it refuses: a timer
// length Node would clamp to 1 ms (NaN, 0 or less, beyond maxTimeoutMs, a text), a rate that refuses every
// request, a transition time below 0 or no number.
const notNumbers = [Number.NaN, 'abc', '1000', null, true, {}, [5]];
const timer = [0, -1, 1e12, maxTimeoutMs + 1, Number.POSITIVE_INFINITY, ...notNumbers];
const checked: Record<string, { at: (value: unknown) => object; bad: unknown[]; good: unknown[] }> = {
  'media.setupTimeoutMs': {
    at: (value) => ({ media: { hls: false, setupTimeoutMs: value } }),
    bad: timer,
    good: [1, 0.5, 10_000, maxTimeoutMs],
  },
  'media.idleTimeoutMs': {
    at: (value) => ({ media: { hls: false, idleTimeoutMs: value } }),
    bad: timer,
    good: [1, 10_000, maxTimeoutMs],
  },
  'webhooks.timeoutMs': {
    at: (value) => ({ webhooks: { timeoutMs: value } }),
    bad: timer,
    good: [1, maxTimeoutMs],
  },
  'webhooks.maxPending': {
    at: (value) => ({ webhooks: { maxPending: value } }),
    bad: [0, -1, 1.5, Number.POSITIVE_INFINITY, ...notNumbers],
    good: [1, 1000],
  },
  'rateLimit.requestsPerSecond': {
    at: (value) => ({ rateLimit: { requestsPerSecond: value } }),
    bad: [0, -1, -0.5, Number.POSITIVE_INFINITY, undefined, ...notNumbers],
    good: [0.5, 1, 1e6],
  },
  transitionMs: {
    at: (value) => ({ transitionMs: value }),
    bad: [-5, -0.1, maxTimeoutMs + 1, Number.POSITIVE_INFINITY, 'x', ...notNumbers],
    good: [0, 1500, maxTimeoutMs],
  },
  'settings.liveapi.transitionMs': {
    at: (value) => ({ settings: { liveapi: { transitionMs: value } } }),
    bad: [-5, 'x', Number.NaN, maxTimeoutMs + 1],
    good: [0, 10],
  },
  'media.hls.segmentSeconds': {
    at: (value) => ({ media: { hls: { segmentSeconds: value } } }),
    bad: [0, -1, 61, Number.NaN, 'abc'],
    good: [0.5, 1, 60],
  },
  documentedOnly: {
    at: (value) => ({ documentedOnly: value }),
    bad: ['true', 1, null],
    good: [true, false],
  },
  rateLimit: {
    at: (value) => ({ rateLimit: value }),
    bad: [5, null, 'abc', [5]],
    good: [{ requestsPerSecond: 2 }],
  },
  media: { at: (value) => ({ media: value }), bad: [true, null, 'abc', 0], good: [false, { hls: false }] },
  'media.directory': {
    at: (value) => ({ media: { hls: false, directory: value } }),
    bad: ['', '  ', 5],
    good: [],
  },
  'webhooks.secret': { at: (value) => ({ webhooks: { secret: value } }), bad: ['', 5, null], good: [] },
  'settings.liveapi.credentials.token': {
    at: (value) => ({ settings: { liveapi: { credentials: { token: value } } } }),
    bad: ['', 5, null],
    good: [],
  },
  now: { at: (value) => ({ now: value }), bad: [5, 'Date.now', null], good: [() => 0] },
  log: { at: (value) => ({ log: value }), bad: [5, 'console', null], good: [() => undefined] },
};

// A misspelt key at each level the sandbox reads an object, with the path it is named by.
const misspelt: [object, string][] = [
  [{ rateLimit: { requestsPerSecnd: 5 } }, 'rateLimit.requestsPerSecnd'],
  [{ transitionMS: 10 }, 'transitionMS'],
  [{ media: { hls: false, setupTimeout: 1000 } }, 'media.setupTimeout'],
  [{ media: { hls: { segmentSecond: 2 } } }, 'media.hls.segmentSecond'],
  [{ webhooks: { timeout: 1000 } }, 'webhooks.timeout'],
  [{ webhooks: { keyPair: { publicKey: 'a', privateKey: 'b', pem: 'c' } } }, 'webhooks.keyPair.pem'],
  [{ settings: { 'live-api': { transitionMs: 0 } } }, 'settings.live-api'],
  [{ settings: { liveapi: { transitionMS: 0 } } }, 'settings.liveapi.transitionMS'],
  [{ settings: { liveapi: { credentials: { tokn: 'x' } } } }, 'settings.liveapi.credentials.tokn'],
];

const outcome = (options: object) =>
  startSandbox(options as never).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

function expectRefusal(error: unknown, path: string): void {
  expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
  const invalid = error as InvalidInputError;
  expect(invalid.operation).toBe('startSandbox');
  expect(invalid.issues.map((issue) => issue.path)).toEqual([path]);
  expect(invalid.message.startsWith(path)).toBe(true);
}

describe('startSandbox options', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('refuses an option out of its type or range, naming its path, before anything listens', async () => {
    const cases = Object.entries(checked).flatMap(([path, { bad }]) =>
      bad.map((value) => [path, value] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), async ([path, value]) => {
        const listen = vi.spyOn(Server.prototype, 'listen');
        const error = await outcome({ media: false, ...(checked[path]?.at(value) ?? {}) });
        expectRefusal(error, path);
        // Nothing listened: no port was opened for the API or the RTMP ingest before the refusal.
        expect(listen).not.toHaveBeenCalled();
        listen.mockRestore();
      }),
      { numRuns: 60, examples: cases.map((entry) => [entry]) },
    );
  });

  it('names a misspelt key with the key it is near, at every level', async () => {
    for (const [options, path] of misspelt) {
      const error = await outcome({ media: false, ...options });
      expectRefusal(error, path);
    }
    const error = await outcome({ media: false, rateLimit: { requestsPerSecnd: 5 } });
    expect((error as Error).message).toContain('did you mean "requestsPerSecond"?');
  });

  it('takes every option in its range', async () => {
    const cases = Object.entries(checked).flatMap(([path, { good }]) =>
      good.map((value) => [path, value] as const),
    );
    for (const [path, value] of cases) {
      const options = { media: false, ...(checked[path]?.at(value) ?? {}) };
      expect(await outcome(options), `${path} ${String(value)}`).toBeUndefined();
    }
  });

  it('honours a fractional rate: one request, then one every 1/rate seconds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0.5, 0.25, 0.1), async (rate) => {
        let at = 1_000_000;
        const sandbox = await startSandbox({
          media: false,
          now: () => at,
          rateLimit: { requestsPerSecond: rate },
        });
        try {
          const get = () => fetch(`${sandbox.url}/liveapi/live_streams`);
          expect((await get()).status).not.toBe(429);
          const limited = await get();
          expect(limited.status).toBe(429);
          expect(limited.headers.get('retry-after')).toBe(String(Math.ceil(1 / rate)));
          at += 1000 / rate;
          expect((await get()).status).not.toBe(429);
          expect((await get()).status).toBe(429);
        } finally {
          await sandbox.close();
        }
      }),
      { numRuns: 3, examples: [[0.5]] },
    );
  });
});
