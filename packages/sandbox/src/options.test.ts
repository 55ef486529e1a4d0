import { Server } from 'node:net';
import { InvalidInputError, maxTimeoutMs } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allDialects } from './dialects/index.js';
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
  media: {
    at: (value) => ({ media: value }),
    bad: [null, 'abc', 0, [], 'true'],
    good: [false, true, { hls: false }],
  },
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
  [
    { webhooks: { endpoints: [{ provider: 'liveapi', url: 'http://127.0.0.1:9/hooks', extra: 1 }] } },
    'webhooks.endpoints.0.extra',
  ],
];

// The entries of the lists startSandbox takes, each named by its path: an entry that is no object (a hole of
// a sparse list reads as undefined) among good ones, an endpoint with a key it does not take, for a
// provider the sandbox does not serve or with a URL no delivery can go to, a dialect without its id.
const endpoint = { provider: 'liveapi', url: 'http://127.0.0.1:9/hooks' };
const videosdkOnly = allDialects.filter((dialect) => dialect.id === 'videosdk');
const notObject = fc.constantFrom(null, undefined, 0, 'liveapi', true, [endpoint]);
const badEntry: fc.Arbitrary<[object, string]> = fc.oneof(
  fc.tuple(notObject, fc.nat({ max: 3 })).map(([bad, at]): [object, string] => {
    const endpoints: unknown[] = [endpoint, endpoint, endpoint, endpoint];
    endpoints[at] = bad;
    return [{ webhooks: { endpoints } }, `webhooks.endpoints.${at}`];
  }),
  fc.tuple(notObject, fc.nat({ max: allDialects.length - 1 })).map(([bad, at]): [object, string] => {
    const dialects: unknown[] = [...allDialects];
    dialects[at] = bad;
    return [{ dialects }, `dialects.${at}`];
  }),
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 10 }).filter((key) => key !== 'provider' && key !== 'url'),
      fc.nat({ max: 2 }),
    )
    .map(([key, at]): [object, string] => {
      const endpoints: unknown[] = [endpoint, endpoint, endpoint];
      endpoints[at] = { ...endpoint, [key]: 1 };
      return [{ webhooks: { endpoints } }, `webhooks.endpoints.${at}.${key}`];
    }),
  fc
    .constantFrom<unknown>('nope', '', 'LIVEAPI', 5, null, ['liveapi'])
    .map((provider): [object, string] => [
      { webhooks: { endpoints: [{ ...endpoint, provider }] } },
      'webhooks.endpoints.0.provider',
    ]),
  fc
    .constantFrom<unknown>('ftp://127.0.0.1/x', 'http://user:pass@127.0.0.1/x', '/relative', 5, undefined)
    .map((url): [object, string] => [
      { webhooks: { endpoints: [endpoint, { ...endpoint, url }] } },
      'webhooks.endpoints.1.url',
    ]),
  fc.constant<[object, string]>([
    { dialects: videosdkOnly, webhooks: { endpoints: [endpoint] } },
    'webhooks.endpoints.0.provider',
  ]),
  fc
    .constantFrom<unknown>(undefined, '', 5)
    .map((id): [object, string] => [
      { dialects: [...videosdkOnly, { ...videosdkOnly[0], id }] },
      'dialects.1.id',
    ]),
  fc.constant<[object, string]>([{ dialects: [...videosdkOnly, ...videosdkOnly] }, 'dialects.1.id']),
);

const outcome = (options: unknown) =>
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

  it('takes media: true as media with its defaults, as leaving it out', async () => {
    for (const media of [true, undefined]) {
      const sandbox = await startSandbox(media === undefined ? {} : { media });
      try {
        expect(sandbox.ingestUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await sandbox.close();
      }
    }
    const off = await startSandbox({ media: false });
    expect(off.ingestUrl).toBeUndefined();
    await off.close();
  });

  it('names a misspelt key with the key it is near, at every level', async () => {
    for (const [options, path] of misspelt) {
      const error = await outcome({ media: false, ...options });
      expectRefusal(error, path);
    }
    const error = await outcome({ media: false, rateLimit: { requestsPerSecnd: 5 } });
    expect((error as Error).message).toContain('did you mean "requestsPerSecond"?');
  });

  it('reads each entry of dialects and webhooks.endpoints, naming it by its path, before anything listens', async () => {
    // A sparse list: its hole is read as an entry, not skipped.
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case
    const sparse = [, ...videosdkOnly];
    await fc.assert(
      fc.asyncProperty(badEntry, async ([options, path]) => {
        const listen = vi.spyOn(Server.prototype, 'listen');
        expectRefusal(await outcome({ media: false, ...options }), path);
        expect(listen).not.toHaveBeenCalled();
        listen.mockRestore();
      }),
      {
        numRuns: 60,
        examples: [
          [[{ webhooks: { endpoints: [null] } }, 'webhooks.endpoints.0']],
          [[{ dialects: [null] }, 'dialects.0']],
          [[{ dialects: sparse }, 'dialects.0']],
          [[{ webhooks: { endpoints: [{ ...endpoint, extra: 1 }] } }, 'webhooks.endpoints.0.extra']],
          [
            [
              { webhooks: { endpoints: [{ ...endpoint, provider: 'nope' }] } },
              'webhooks.endpoints.0.provider',
            ],
          ],
          [
            [
              { dialects: videosdkOnly, webhooks: { endpoints: [endpoint] } },
              'webhooks.endpoints.0.provider',
            ],
          ],
        ],
      },
    );
    // An endpoint for a provider served is taken.
    expect(
      await outcome({
        media: false,
        dialects: videosdkOnly,
        webhooks: { endpoints: [{ provider: 'videosdk', url: 'http://127.0.0.1:9/hooks' }] },
      }),
    ).toBeUndefined();
  });

  it('refuses options that are no plain object, naming options, before anything listens', async () => {
    // A `Map` or a class instance is read by own properties only: it would be taken for no options at all.
    const notObjects = fc.oneof(
      fc.constant(null),
      fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.bigInt()),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.constantFrom(new Map([['port', 0]]), new Set(), new Date(0), new (class Options {})()),
    );
    await fc.assert(
      fc.asyncProperty(notObjects, async (value) => {
        const listen = vi.spyOn(Server.prototype, 'listen');
        const error = await outcome(value);
        expectRefusal(error, 'options');
        expect(listen).not.toHaveBeenCalled();
        listen.mockRestore();
      }),
      { numRuns: 60, examples: [[null], [0], [4010], ['port'], [[]], [[{ port: 0 }]], [new Map()]] },
    );
  });

  it('refuses an object an option holds that is no plain object, naming its path at every level, before anything listens', async () => {
    // Read by own properties only, a `Map` or a class instance in a nested option was taken for none: a
    // `rateLimit` Map left the limit off, a `media` one every media default, a credentials one the
    // development credentials. Each object the options hold is refused as the options themselves are.
    class Settings {
      readonly requestsPerSecond = 5;
    }
    const kinds = fc.constantFrom<() => object>(
      () => new Map([['requestsPerSecond', 5]]),
      () => new Settings(),
      () => new URLSearchParams('a=1'),
      () => Object.create({ requestsPerSecond: 5 }),
      () => new Date(0),
    );
    // Each nested object's path and how to place a value there; the rest of the options valid.
    const places: Record<string, (value: object) => object> = {
      rateLimit: (value) => ({ rateLimit: value }),
      media: (value) => ({ media: value }),
      'media.hls': (value) => ({ media: { hls: value } }),
      webhooks: (value) => ({ webhooks: value }),
      'webhooks.keyPair': (value) => ({ webhooks: { keyPair: value } }),
      'webhooks.endpoints.0': (value) => ({ webhooks: { endpoints: [value] } }),
      settings: (value) => ({ settings: value }),
      'settings.liveapi': (value) => ({ settings: { liveapi: value } }),
      'settings.videosdk.credentials': (value) => ({ settings: { videosdk: { credentials: value } } }),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(places)), kinds, async (path, make) => {
        const listen = vi.spyOn(Server.prototype, 'listen');
        try {
          const error = await outcome({
            media: false,
            ...(places[path] as (value: object) => object)(make()),
          });
          expectRefusal(error, path);
          expect((error as InvalidInputError).issues[0]?.message).toMatch(
            /^expected a plain object|could not be read/,
          );
          expect(listen).not.toHaveBeenCalled();
        } finally {
          listen.mockRestore();
        }
      }),
      {
        numRuns: 60,
        examples: [
          ['rateLimit', () => new Map([['requestsPerSecond', 5]])],
          ['media', () => new Settings()],
          ['settings.videosdk.credentials', () => new Map()],
          ['webhooks.endpoints.0', () => new Settings()],
        ],
      },
    );
  });

  it('takes a dialect that is a class instance: a dialect is an implementation, not options', async () => {
    const [videosdk] = allDialects.filter((dialect) => dialect.id === 'videosdk');
    class Dialect {
      readonly id = 'videosdk';
      readonly basePath = '';
      defaultCredentials() {
        return videosdk?.defaultCredentials() ?? {};
      }
      operationOf(request: never) {
        return videosdk?.operationOf(request);
      }
      error(...args: [never, number, string]) {
        return videosdk?.error(...args);
      }
      handle(...args: [never, never]) {
        return videosdk?.handle(...args);
      }
    }
    expect(await outcome({ media: false, dialects: [new Dialect()] })).toBeUndefined();
  });

  it('takes options left out, or given as an object without a prototype, as all defaults', async () => {
    expect(await outcome(undefined)).toBeUndefined();
    expect(await outcome(Object.assign(Object.create(null), { media: false }))).toBeUndefined();
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

  it('answers a Retry-After of digits, at most a day, however small the rate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: Number.MIN_VALUE, max: 0.5, noNaN: true }), async (rate) => {
        const sandbox = await startSandbox({
          media: false,
          now: () => 1_000_000,
          rateLimit: { requestsPerSecond: rate },
        });
        try {
          const get = () => fetch(`${sandbox.url}/liveapi/live_streams`);
          expect((await get()).status).not.toBe(429);
          const limited = await get();
          expect(limited.status).toBe(429);
          // delta-seconds (RFC 9110 §10.2.3): digits only, the wait rounded up, capped at 86 400.
          const retryAfter = limited.headers.get('retry-after') ?? '';
          expect(retryAfter).toMatch(/^\d+$/);
          expect(Number(retryAfter)).toBe(Math.min(86_400, Math.ceil(1 / rate)));
        } finally {
          await sandbox.close();
        }
      }),
      { numRuns: 6, examples: [[1e-300], [Number.MIN_VALUE], [1 / 86_400], [1 / 86_401], [1e-22]] },
    );
  });
});
