import { spawn } from 'node:child_process';
import { type AddressInfo, createServer, Socket } from 'node:net';
import {
  AbortError,
  createLiveStreamClient,
  encodeBase64,
  encodeHex,
  gateKeyOf,
  InvalidInputError,
  type LiveStreamProvider,
  retryAfterCeilingMs,
  type WarningEvent,
} from '@unilive/core';
import liveapi from '@unilive/liveapi';
import { createMemoryProvider, SecretScanner } from '@unilive/testing';
import videosdk from '@unilive/videosdk';
import wowzaRealtime from '@unilive/wowza-realtime';
import wowzaVideo from '@unilive/wowza-video';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useRedisAndSandbox } from '../test/redis-and-sandbox.js';
import { redisServer, reservePort, startRedis, type TestRedis } from '../test/redis-server.js';
import {
  createRedisGateStore,
  type RedisGateStore,
  RedisGateStoreError,
  windowOf,
} from './redis-gate-store.js';

describe('createRedisGateStore settings', () => {
  it('refuses a URL that is not redis:// or rediss://, naming the setting and never repeating the URL', () => {
    for (const url of [
      'http://user:hunter2-secret@127.0.0.1:6379',
      'not a url hunter2-secret',
      'redis://',
      '',
    ]) {
      const error = (() => {
        try {
          createRedisGateStore({ url });
        } catch (caught) {
          return caught;
        }
      })();
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['url']);
      expect(JSON.stringify(error)).not.toContain('hunter2');
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });

  it('reads UNILIVE_REDIS_URL when no url is given, and names it when neither is', () => {
    const saved = process.env.UNILIVE_REDIS_URL;
    try {
      delete process.env.UNILIVE_REDIS_URL;
      expect(() => createRedisGateStore()).toThrow(/UNILIVE_REDIS_URL/);
      process.env.UNILIVE_REDIS_URL = 'redis://:hunter2-secret@127.0.0.1:1';
      const store = createRedisGateStore();
      // Named by host and port only: the password never shows.
      expect(store.description).toBe('Redis at 127.0.0.1:1');
      void store.close();
    } finally {
      if (saved === undefined) delete process.env.UNILIVE_REDIS_URL;
      else process.env.UNILIVE_REDIS_URL = saved;
    }
  });

  it('refuses out-of-range times and an unknown onUnavailable', () => {
    const paths = (options: Parameters<typeof createRedisGateStore>[0]) => {
      try {
        createRedisGateStore({ url: 'redis://127.0.0.1:1', ...options });
      } catch (caught) {
        return (caught as InvalidInputError).issues.map((issue) => issue.path);
      }
      return [];
    };
    expect(paths({ commandTimeoutMs: 0 })).toEqual(['commandTimeoutMs']);
    expect(paths({ pollIntervalMs: Number.NaN })).toEqual(['pollIntervalMs']);
    expect(paths({ onUnavailable: 'retry' as 'fail' })).toEqual(['onUnavailable']);
  });

  const refusal = (options: Parameters<typeof createRedisGateStore>[0]) => {
    try {
      const store = createRedisGateStore(options);
      void store.close();
      return undefined;
    } catch (caught) {
      return caught as InvalidInputError;
    }
  };

  it('refuses a database part that is not a decimal number Redis can have, naming url and never its password', () => {
    // Each of these reached Redis once as SELECT NaN (a crash), or as another database than the one written.
    const named = [
      'abc',
      '%20' + '2',
      '%31',
      '1e1',
      '1.5',
      '2abc',
      '-1',
      '+1',
      '0x1',
      '2147483647',
      '1/',
      '/',
    ];
    const generated = fc.oneof(
      // Digits with anything else in them.
      fc
        .tuple(
          fc.stringMatching(/^\d{0,3}$/),
          fc.constantFrom(
            'a',
            '%20',
            '%31',
            'e1',
            '.5',
            '-',
            '+',
            'x',
            ':',
            '%',
            '%zz',
            '%C3%A9',
            '/',
            '%00',
            '_',
          ),
          fc.stringMatching(/^[0-9a-z]{0,3}$/),
        )
        .map((parts) => parts.join('')),
      // A number past the last database Redis can number.
      fc.bigInt({ min: 2_147_483_647n, max: 10n ** 30n }).map(String),
    );
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...named), generated), fc.boolean(), (part, inQuery) => {
        const base = 'redis://:hunter2-secret@127.0.0.1:1';
        // The query is read decoded (`?db=%31` is database 1): the text itself is put there.
        const error = refusal({
          url: inQuery ? `${base}/?db=${encodeURIComponent(part)}` : `${base}/${part}`,
        });
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['url']);
        expect(JSON.stringify(error)).not.toContain('hunter2');
        expect((error as Error).message).not.toContain('hunter2');
      }),
    );
  });

  it('takes every database Redis can number, naming it in the description unless it is 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_147_483_646 }), fc.boolean(), (database, inQuery) => {
        const url = inQuery ? `redis://127.0.0.1:1/?db=${database}` : `redis://127.0.0.1:1/${database}`;
        const store = createRedisGateStore({ url });
        void store.close();
        expect(store.description).toBe(`Redis at 127.0.0.1:1${database === 0 ? '' : `/${database}`}`);
      }),
    );
    const store = createRedisGateStore({ url: 'redis://127.0.0.1:1', redisOptions: { db: 4 } });
    void store.close();
    expect(store.description).toBe('Redis at 127.0.0.1:1/4');
    for (const db of [-1, 1.5, Number.NaN, 2_147_483_647, '2' as unknown as number]) {
      expect(refusal({ url: 'redis://127.0.0.1:1', redisOptions: { db } })?.issues).toEqual([
        { path: 'redisOptions.db', message: 'expected a whole number from 0 to 2147483646' },
      ]);
    }
  });

  it("refuses a URL query that sets an ioredis option the store owns, which ioredis would take over the store's", () => {
    const owned = [
      'enableOfflineQueue',
      'maxRetriesPerRequest',
      'retryStrategy',
      'lazyConnect',
      'keyPrefix',
      'replyMapping',
    ];
    fc.assert(
      fc.property(fc.subarray(owned, { minLength: 1 }), fc.string(), (names, value) => {
        const query = names.map((name) => `${name}=${encodeURIComponent(value)}`).join('&');
        expect(refusal({ url: `redis://:hunter2-secret@127.0.0.1:1/?${query}` })?.issues).toEqual([
          { path: 'url', message: `the store sets ${names.join(', ')} itself, not the URL's query` },
        ]);
      }),
    );
    // Connection settings of ioredis's own stay the URL's to give.
    expect(refusal({ url: 'redis://127.0.0.1:1/?family=4&db=2' })).toBeUndefined();
  });

  it('refuses in redisOptions the ioredis options the store owns, as in the URL query, naming each', () => {
    const owned = [
      'enableOfflineQueue',
      'maxRetriesPerRequest',
      'retryStrategy',
      'lazyConnect',
      'keyPrefix',
      'replyMapping',
    ];
    fc.assert(
      fc.property(fc.subarray(owned, { minLength: 1 }), fc.anything(), (names, value) => {
        const redisOptions = Object.fromEntries(names.map((name) => [name, value]));
        const error = refusal({ url: 'redis://:hunter2-secret@127.0.0.1:1', redisOptions } as never);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error?.issues).toEqual(
          owned
            .filter((name) => names.includes(name))
            .map((name) => ({ path: `redisOptions.${name}`, message: 'the store sets it itself' })),
        );
        expect(JSON.stringify(error)).not.toContain('hunter2');
      }),
    );
    for (const redisOptions of ['x', null, [1]])
      expect(refusal({ url: 'redis://127.0.0.1:1', redisOptions } as never)?.issues).toEqual([
        { path: 'redisOptions', message: 'expected an object' },
      ]);
    // ioredis's own settings stay the caller's to give.
    const store = createRedisGateStore({ url: 'redis://127.0.0.1:1', redisOptions: { family: 4, db: 2 } });
    void store.close();
  });

  it('refuses a URL ioredis cannot build a connection from as a bad url, never echoing its password', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sentinels=x', 'sentinels=h%3A1', 'sentinels=x&db=2', 'sentinels=x&family=4'),
        fc.constantFrom('', 'hunter2-secret', 'p%40ss-hunter2', 'hunter2%2Fsecret'),
        (query, password) => {
          const credentials = password === '' ? '' : `user-hunter2:${password}@`;
          const error = refusal({ url: `redis://${credentials}127.0.0.1:1/?${query}` });
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect(error?.issues.map((issue) => issue.path)).toEqual(['url']);
          expect(error?.cause).toBeInstanceOf(Error);
          const shown = `${JSON.stringify(error)} ${error?.message} ${error?.stack} ${(error?.cause as Error | undefined)?.message}`;
          expect(shown).not.toContain('hunter2');
        },
      ),
    );
  });

  it('refuses an option name it does not have, naming it and the nearest one, instead of ignoring it', () => {
    const issues = (options: Record<string, unknown>) =>
      refusal({ url: 'redis://127.0.0.1:1', ...options } as Parameters<typeof createRedisGateStore>[0])
        ?.issues;
    expect(issues({ onUnavailible: 'fail' })).toEqual([
      { path: 'onUnavailible', message: 'unknown option; did you mean "onUnavailable"?' },
    ]);
    expect(issues({ comandTimeoutMs: 5 })?.[0]?.message).toContain('did you mean "commandTimeoutMs"?');
    expect(issues({ keyprefix: 'x:' })?.[0]?.message).toContain('did you mean "keyPrefix"?');
    expect(issues({ URL: 'redis://10.0.0.5' })?.[0]?.message).toContain('did you mean "url"?');
    const known = [
      'url',
      'onUnavailable',
      'keyPrefix',
      'commandTimeoutMs',
      'pollIntervalMs',
      'reconnectIntervalMs',
      'redisOptions',
    ];
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((key) => !known.includes(key) && key !== '__proto__'),
        fc.anything(),
        (key, value) => {
          expect(issues({ [key]: value })?.map((issue) => issue.path)).toEqual([key]);
        },
      ),
    );
  });

  // A getter that threw escaped the factory as a bare Error, and a JSON-made "__proto__" key in redisOptions
  // was taken silently (and did nothing).
  it('names an option whose getter throws, top-level or in redisOptions, as InvalidInputError, before connecting', () => {
    const throwing = (target: Record<string, unknown>, key: string) =>
      Object.defineProperty(target, key, {
        enumerable: true,
        get() {
          throw new Error('getter boom hunter2');
        },
      });
    const topLevel = [
      'url',
      'onUnavailable',
      'keyPrefix',
      'commandTimeoutMs',
      'pollIntervalMs',
      'reconnectIntervalMs',
      'redisOptions',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...topLevel),
        fc.constantFrom('username', 'password', 'db', 'family', 'connectTimeout', 'tls'),
        fc.boolean(),
        (option, ioredisOption, nested) => {
          const options: Record<string, unknown> = { url: 'redis://127.0.0.1:1' };
          if (nested) options.redisOptions = throwing({ family: 4 }, ioredisOption);
          else throwing(options, option);
          const path = nested ? `redisOptions.${ioredisOption}` : option;
          const error = refusal(options as never);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error?.issues).toEqual([
            { path, message: 'could not be read (a getter or a Proxy in it threw)' },
          ]);
          expect(error?.message).toBe(
            `invalid Redis rate limit store: ${path} (could not be read (a getter or a Proxy in it threw))`,
          );
          expect(JSON.stringify(error)).not.toContain('hunter2');
        },
      ),
      { numRuns: 40 },
    );
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(refusal({ url: 'redis://127.0.0.1:1', redisOptions: proxy } as never)?.issues).toEqual([
      { path: 'redisOptions', message: 'its properties could not be listed' },
    ]);
  });

  it('refuses a "__proto__" own key in redisOptions as an unknown option, whatever it holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('keyPrefix', 'db', 'family'), fc.jsonValue()), (held) => {
        const redisOptions = JSON.parse(`{"__proto__":${JSON.stringify(held)}}`) as Record<string, unknown>;
        expect(Object.hasOwn(redisOptions, '__proto__')).toBe(true);
        expect(refusal({ url: 'redis://127.0.0.1:1', redisOptions } as never)?.issues).toEqual([
          { path: 'redisOptions.__proto__', message: 'unknown option' },
        ]);
      }),
      { numRuns: 25 },
    );
  });

  it('counts a rate in whole requests over whole seconds, never above it', () => {
    expect(windowOf(100)).toEqual({ points: 100, duration: 1 });
    expect(windowOf(0.5)).toEqual({ points: 1, duration: 2 });
    expect(windowOf(2.5)).toEqual({ points: 5, duration: 2 });
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 10_000, noNaN: true }), (rate) => {
        const { points, duration } = windowOf(rate);
        expect(Number.isInteger(points) && points >= 1).toBe(true);
        expect(Number.isInteger(duration) && duration >= 1).toBe(true);
        expect(points / duration).toBeLessThanOrEqual(rate * (1 + 1e-9));
      }),
    );
  });

  it('counts a rate of one request an hour in one window of an hour, never longer', () => {
    expect(windowOf(1 / 3_600)).toEqual({ points: 1, duration: 3_600 });
    fc.assert(
      fc.property(fc.double({ min: 1 / 3_600, max: 1 / 60, noNaN: true }), (rate) => {
        const window = windowOf(rate);
        expect(window.points).toBe(1);
        // Seconds of the window Redis keeps, not a time this test measures.
        expect(window.duration <= 3_600).toBe(true);
      }),
    );
  });
});

describe('a url that reaches a server other than Redis', () => {
  it('names the answer a protocol error (EPROTO), not a refused connection, nor the password', async () => {
    // A web server (or any other service) on the port: it accepts the connection and answers in its own way.
    const server = createServer((socket) => {
      socket.on('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n'));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = createRedisGateStore({
      url: `redis://:not-shown-password@127.0.0.1:${port}`,
      reconnectIntervalMs: 0,
      commandTimeoutMs: 30_000,
    });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const error = await store.takeToken('k', 5).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RedisGateStoreError);
        expect((error as RedisGateStoreError).code).toBe('EPROTO');
        expect((error as Error).message).not.toContain('not-shown-password');
      }
    } finally {
      await store.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe.skipIf(!redisServer)('the Redis gate store against a real redis-server', () => {
  let redis: TestRedis;
  const stores: RedisGateStore[] = [];
  const open = (options: Parameters<typeof createRedisGateStore>[0] = {}) => {
    // A command limit far above any answer a busy machine can delay, except where a test sets its own: only
    // the test of the limit itself may see ETIMEDOUT.
    const store = createRedisGateStore({
      url: redis.url,
      reconnectIntervalMs: 0,
      commandTimeoutMs: 30_000,
      ...options,
    });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await redis.flush().catch(() => {});
  });
  afterAll(async () => {
    await redis?.close();
  });

  // ioredis asks `reconnectOnError` about each error reply; its 2 means "reconnect and send the command
  // again". The store never sends a command twice (a slot or a token taken again after the gate gave up on
  // the first): 2 is taken as 1, and the call fails with Redis's own reply code.
  it('sends a command Redis refused once, whatever reconnectOnError answers, and names the refusal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<boolean | 0 | 1 | 2 | 'throws'>(false, true, 0, 1, 2, 'throws'),
        fc.constantFrom('liveapi:aa', 'wowza-video:bb'),
        async (answer, key) => {
          const asked: string[] = [];
          const store = open({
            redisOptions: {
              reconnectOnError: (error: Error) => {
                asked.push(error.message.split(' ')[0] ?? '');
                if (answer === 'throws') throw new Error('the application failed');
                return answer as boolean | 1 | 2;
              },
            },
          });
          // A key of another type: Redis answers ZREM with a WRONGTYPE error.
          const raw = new Redis(redis.url);
          try {
            await raw.set(`unilive:gate:{${key}}:slots`, 'x');
            const monitor = await redis.monitor();
            const code = await store.releaseSlot(key, 'holder').then(
              () => 'released',
              (error: unknown) => (error as RedisGateStoreError).code,
            );
            const sent = (await monitor.stop()).filter((command) => command[0]?.toLowerCase() === 'zrem');
            expect(code).toBe('WRONGTYPE');
            expect(sent).toEqual([['zrem', `unilive:gate:{${key}}:slots`, 'holder']]);
            expect(asked).toEqual(['WRONGTYPE']);
          } finally {
            raw.disconnect();
            await store.close();
            await redis.flush();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  // ioredis ends a connection reconnectOnError drops (the store gives it no retryStrategy): Redis is up, so
  // the next call connects again at once, not held back by reconnectIntervalMs nor failed as refused.
  it('connects again at once after reconnectOnError drops the connection on a reply', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<true | 1 | 2>(true, 1, 2),
        fc.constantFrom('liveapi:aa', 'wowza-video:bb'),
        fc.constantFrom(0, 1, 30),
        async (answer, key, pauseMs) => {
          const store = open({
            reconnectIntervalMs: 600_000,
            redisOptions: { reconnectOnError: () => answer },
          });
          const raw = new Redis(redis.url);
          try {
            // A first call connects; then a key of another type makes Redis answer ZREM with WRONGTYPE.
            expect(await store.pausedUntil(key)).toBe(0);
            await raw.set(`unilive:gate:{${key}}:slots`, 'x');
            const code = await store.releaseSlot(key, 'holder').then(
              () => 'released',
              (error: unknown) => (error as RedisGateStoreError).code,
            );
            expect(code).toBe('WRONGTYPE');
            await raw.del(`unilive:gate:{${key}}:slots`);
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
            expect(await store.acquireSlot(key, 'holder', 1, 60_000)).toBe(true);
            await store.releaseSlot(key, 'holder');
            expect(await store.pausedUntil(key)).toBe(0);
          } finally {
            raw.disconnect();
            await store.close();
            await redis.flush();
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('refuses a reconnectOnError that is no function, before anything connects', () => {
    for (const reconnectOnError of [2, 'yes', {}]) {
      const error = (() => {
        try {
          createRedisGateStore({ url: redis.url, redisOptions: { reconnectOnError } as never });
        } catch (caught) {
          return caught;
        }
      })();
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        { path: 'redisOptions.reconnectOnError', message: 'expected a function' },
      ]);
    }
  });

  it('refuses redisOptions given as a Map or a class instance, naming the kind and never a value', () => {
    class Settings {
      username = 'hunter2-user';
      get password() {
        return 'hunter2-secret';
      }
    }
    const given = [
      [new Map([['password', 'hunter2-secret']]), 'a Map'],
      [new Settings(), 'an instance of Settings'],
    ] as const;
    for (const [redisOptions, kind] of given) {
      const error = (() => {
        try {
          createRedisGateStore({ url: redis.url, redisOptions: redisOptions as never });
        } catch (caught) {
          return caught;
        }
      })();
      expect(InvalidInputError.isInstance(error)).toBe(true);
      const issues = (error as InvalidInputError).issues;
      expect(issues.map((issue) => issue.path)).toEqual(['redisOptions']);
      expect(issues[0]?.message).toContain(`not ${kind}`);
      expect(JSON.stringify(error)).not.toContain('hunter2');
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });

  it('gives a whole-second window of tokens, then says how long until the next', async () => {
    const store = open();
    const answers = [];
    for (let index = 0; index < 8; index += 1) answers.push(await store.takeToken('liveapi:aa', 5));
    expect(answers.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    for (const wait of answers.slice(5)) {
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
    }
  });

  it('counts concurrency slots across connections, releases them, and expires a slot never released', async () => {
    const [first, second] = [open(), open()];
    expect(await first.acquireSlot('k', 'a', 2, 60_000)).toBe(true);
    expect(await second.acquireSlot('k', 'b', 2, 60_000)).toBe(true);
    expect(await first.acquireSlot('k', 'c', 2, 60_000)).toBe(false);
    // The same holder asking again (an answer lost on the way) keeps its one slot.
    expect(await first.acquireSlot('k', 'a', 2, 60_000)).toBe(true);
    await second.releaseSlot('k', 'b');
    await second.releaseSlot('k', 'b');
    expect(await first.acquireSlot('k', 'c', 2, 60_000)).toBe(true);
    // Another key is another budget.
    expect(await first.acquireSlot('other', 'a', 1, 60_000)).toBe(true);

    // A slot taken for 5 s and never released frees itself (5 s: long beside any delay a busy machine puts
    // between the two next questions, short enough to wait for).
    expect(await first.acquireSlot('short', 'gone', 1, 5_000)).toBe(true);
    expect(await second.acquireSlot('short', 'next', 1, 60_000)).toBe(false);
    await expect.poll(() => second.acquireSlot('short', 'next', 1, 60_000)).toBe(true);
  });

  it('keeps the latest pause, which every connection reads, and lets it expire with its end', async () => {
    const [first, second] = [open(), open()];
    expect(await second.pausedUntil('k')).toBe(0);
    const until = Date.now() + 60_000;
    await first.setPause('k', until);
    await first.setPause('k', until - 30_000);
    // The longer pause holds: what is left of it, read on this clock, ends with it (not 30 s sooner).
    const read = await second.pausedUntil('k');
    expect(Math.abs(read - until)).toBeLessThan(15_000);
    await first.setPause('short', Date.now() + 150);
    await expect.poll(() => second.pausedUntil('short')).toBe(0);
    const dump = await redis.dump();
    expect(dump.find((entry) => entry.key === 'unilive:gate:{k}:pause')?.value).toMatch(/^\d+$/);
  });

  it("holds a pause key longer than a day (another program's) to a day, in Redis itself; a shorter one as it is", async () => {
    const admin = new Redis(redis.url);
    try {
      await redis.flush();
      const store = open();
      const day = retryAfterCeilingMs;
      for (const [written, held] of [
        [7 * day, day],
        [day + 1, day],
        [3_600_000, 3_600_000],
      ] as const) {
        await admin.set('unilive:gate:{k}:pause', '5', 'PX', written);
        const left = (await store.pausedUntil('k')) - Date.now();
        expect(left).toBeGreaterThan(held - 60_000);
        expect(left).toBeLessThanOrEqual(held);
        // Every other process of the account reads the same: the key's own expiry is at most a day now.
        const ttl = await admin.pttl('unilive:gate:{k}:pause');
        expect(ttl).toBeGreaterThan(held - 60_000);
        expect(ttl).toBeLessThanOrEqual(held);
      }
    } finally {
      admin.disconnect();
    }
  });

  it('a pause set by a process whose clock is off lasts what its 429 asked, on every other clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        // At least a minute: the pause must still be running when it is read back below, whatever time a
        // busy machine takes between the writes and the reads (a 1 s pause ran out there at load 49).
        fc.integer({ min: 60_000, max: 600_000 }),
        async (skewMs, pauseMs) => {
          await redis.flush();
          const [skewed, correct] = [open(), open()];
          const realNow = Date.now;
          // The skewed process computes its pause's end on its own clock: now + Retry-After.
          Date.now = () => realNow() + skewMs;
          try {
            await skewed.setPause('k', Date.now() + pauseMs);
          } finally {
            Date.now = realNow;
          }
          const left = (await correct.pausedUntil('k')) - Date.now();
          expect(left).toBeGreaterThan(0);
          expect(left).toBeLessThanOrEqual(pauseMs);
          // And a shorter pause from the correct clock never cuts it.
          await correct.setPause('k', Date.now() + 1);
          expect((await correct.pausedUntil('k')) - Date.now()).toBeGreaterThan(1);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('names a refused password (NOAUTH, WRONGPASS) as such, never as a refused connection, nor the password', async () => {
    const admin = new Redis(redis.url);
    const password = 'S3cret-redis-password';
    await admin.config('SET', 'requirepass', password);
    try {
      for (const [url, code] of [
        [redis.url, 'NOAUTH'],
        [redis.url.replace('redis://', 'redis://:wrong-password-value@'), 'WRONGPASS'],
      ] as const) {
        const store = open({ url });
        const error = await store.takeToken('k', 5).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RedisGateStoreError);
        expect((error as RedisGateStoreError).code).toBe(code);
        expect(String((error as Error).message)).not.toMatch(/wrong-password|S3cret/);
      }
      const right = open({ url: redis.url.replace('redis://', `redis://:${password}@`) });
      expect(await right.takeToken('k', 5)).toBe(0);
    } finally {
      await admin.config('SET', 'requirepass', '');
      admin.disconnect();
    }
  });

  // A least-privilege ACL user for the store: its keys and the commands it sends, nothing in @dangerous
  // (INFO is there). ioredis's ready check sent INFO on every connection and printed a warning to the
  // console when Redis refused it; the store has it off unless asked for.
  it('works for an ACL user that may not run INFO, sending none and printing nothing', async () => {
    const admin = new Redis(redis.url);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const monitor = await redis.monitor();
    try {
      await admin.call('ACL', 'SETUSER', 'gate-no-info', 'on', '>gate-pass', '~*', '+@all', '-info');
      const store = open({ url: redis.url.replace('redis://', 'redis://gate-no-info:gate-pass@') });
      expect(await store.takeToken('k', 5)).toBe(0);
      expect(await store.acquireSlot('k', 'holder', 2, 10_000)).toBe(true);
      await store.releaseSlot('k', 'holder');
      await store.close();
      const heard = [...monitor.sources().values()].flat();
      expect(heard.some(([name]) => name?.toLowerCase() === 'time')).toBe(true);
      expect(heard.filter(([name]) => name?.toLowerCase() === 'info')).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await monitor.stop();
      warn.mockRestore();
      await admin.call('ACL', 'DELUSER', 'gate-no-info');
      admin.disconnect();
    }
  });

  // The window's key is the account's whatever rate made it, and lasts its whole window: a rate given by
  // mistake would hold every process's budget that long, after the fix too. Refused before anything is sent.
  it('refuses a rate below one request an hour, or none, as ERANGE, sending nothing and making no key', async () => {
    const store = open();
    const monitor = await redis.monitor();
    const rates = [1 / 3_601, 1e-7, 1e-17, Number.MIN_VALUE, 0, -1, Number.NaN, Number.POSITIVE_INFINITY];
    for (const rate of rates) {
      const error = await store.takeToken(`tiny-${rate}`, rate).catch((caught: unknown) => caught);
      expect(error, String(rate)).toBeInstanceOf(RedisGateStoreError);
      expect((error as RedisGateStoreError).code).toBe('ERANGE');
    }
    // One an hour is taken: one request, then a wait of up to the hour.
    expect(await store.takeToken('hourly', 1 / 3_600)).toBe(0);
    const wait = await store.takeToken('hourly', 1 / 3_600);
    expect(wait).toBeGreaterThan(3_500_000);
    expect(wait).toBeLessThanOrEqual(3_600_000);
    const heard = (await monitor.stop()).flat().join(' ');
    expect(heard).not.toContain('tiny-');
    expect((await redis.dump()).map(({ key }) => key).filter((key) => key.includes('tiny'))).toEqual([]);
  });

  it('keeps naming the reply that refused its connection (NOPERM), call after call, never CLOSED', async () => {
    const admin = new Redis(redis.url);
    try {
      // TIME is the store's first command on a connection (it reads Redis's clock): refused for this user.
      await admin.call('ACL', 'SETUSER', 'gate-no-time', 'on', '>gate-pass', '~*', '+@all', '-time');
      // The interval holds the next attempt back: the calls within it fail at once, naming what happened.
      const store = open({
        url: redis.url.replace('redis://', 'redis://gate-no-time:gate-pass@'),
        reconnectIntervalMs: 600_000,
      });
      const calls = [
        () => store.takeToken('k', 5),
        () => store.pausedUntil('k'),
        () => store.acquireSlot('k', 'holder', 2, 10_000),
        () => store.takeToken('k', 5),
      ];
      for (const call of calls) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RedisGateStoreError);
        expect((error as RedisGateStoreError).code).toBe('NOPERM');
        expect(String((error as Error).message)).not.toContain('gate-pass');
      }
    } finally {
      await admin.call('ACL', 'DELUSER', 'gate-no-time');
      admin.disconnect();
    }
  });

  it('refuses a slot take with a limit or hold that is no number Redis can keep, as ERANGE, sending nothing', async () => {
    const store = open();
    const monitor = await redis.monitor();
    const cases: [number, number][] = [
      [1, Number.POSITIVE_INFINITY],
      [1, 1e300],
      [1, Number.NaN],
      [1, -5],
      [1, 0],
      [Number.NaN, 1_000],
      [0, 1_000],
      [1.5, 1_000],
      [Number.POSITIVE_INFINITY, 1_000],
    ];
    for (const [limit, ttlMs] of cases) {
      const error = await store
        .acquireSlot('bad-input', 'holder', limit, ttlMs)
        .catch((caught: unknown) => caught);
      expect((error as RedisGateStoreError).code, `${limit}, ${ttlMs}`).toBe('ERANGE');
    }
    expect(await store.acquireSlot('bad-input', 'holder', 1, 2_147_483_647 + 5_000)).toBe(true);
    await store.releaseSlot('bad-input', 'holder');
    const heard = (await monitor.stop()).filter(([name]) => /^eval(sha)?$/i.test(String(name)));
    expect(heard).toHaveLength(1);
  });

  it('gives back a slot whose take script failed after adding its holder (a command the ACL refuses)', async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.call(
        'ACL',
        'SETUSER',
        'gate-no-pttl',
        'on',
        '>gate-pass',
        '~*',
        '+@all',
        '-pttl',
        '-pexpire',
      );
      const store = open({ url: redis.url.replace('redis://', 'redis://gate-no-pttl:gate-pass@') });
      const error = await store
        .acquireSlot('acl', 'lost-holder', 2, 60_000)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedisGateStoreError);
      await expect
        .poll(async () => (await redis.dump()).filter(({ value }) => value.includes('lost-holder')).length, {
          timeout: 10_000,
        })
        .toBe(0);
    } finally {
      await admin.call('ACL', 'DELUSER', 'gate-no-pttl');
      admin.disconnect();
    }
  });

  it('names NOPERM at every attempt while TIME stays refused, sending no take on an unresumed connection', async () => {
    const admin = new Redis(redis.url);
    const monitor = await redis.monitor();
    try {
      await admin.call('ACL', 'SETUSER', 'gate-no-time-2', 'on', '>gate-pass', '~*', '+@all', '-time');
      const store = open({
        url: redis.url.replace('redis://', 'redis://gate-no-time-2:gate-pass@'),
        reconnectIntervalMs: 100,
      });
      const codes: string[] = [];
      const record = (call: Promise<unknown>) =>
        call.then(
          () => codes.push('ok'),
          (error: unknown) => codes.push((error as RedisGateStoreError).code),
        );
      // Rounds past the interval, each a new attempt; a release that could not be sent keeps ioredis's own
      // reconnection going between them.
      for (let round = 0; round < 3; round += 1) {
        await record(store.takeToken('k', 5));
        await record(store.acquireSlot('k', `holder-${round}`, 2, 10_000));
        await record(store.releaseSlot('k', `holder-${round}`));
        await record(store.pausedUntil('k'));
        await record(store.setPause('k', Date.now() + 10));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(codes).toEqual(codes.map(() => 'NOPERM'));
      const sent = (await monitor.stop()).map(([name]) => name?.toLowerCase());
      expect(sent.filter((name) => name === 'evalsha' || name === 'eval')).toEqual([]);
    } finally {
      await monitor.stop().catch(() => []);
      await admin.call('ACL', 'DELUSER', 'gate-no-time-2');
      admin.disconnect();
    }
  });

  it('after Redis kills its connection and refuses TIME, sends no take without a deadline, and close leaves no slot held', async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.call('ACL', 'SETUSER', 'gate-revoked', 'on', '>gate-pass', '~*', '+@all');
      const store = open({
        url: redis.url.replace('redis://', 'redis://gate-revoked:gate-pass@'),
        reconnectIntervalMs: 100,
      });
      expect(await store.acquireSlot('k', 'first', 5, 60_000)).toBe(true);
      await admin.call('ACL', 'SETUSER', 'gate-revoked', '-time');
      await admin.call('CLIENT', 'KILL', 'USER', 'gate-revoked');
      // Sent as the kill closes the connection (ECONNRESET), or on the next one, whose TIME is refused.
      const refused = await store.acquireSlot('k', 'second', 5, 60_000).catch((error: unknown) => error);
      expect(['NOPERM', 'ECONNRESET']).toContain((refused as RedisGateStoreError).code);
      await admin.call('ACL', 'SETUSER', 'gate-revoked', '+time');
      const monitor = await redis.monitor();
      // Allowed again: the next attempt is resumed, and its take carries its deadline.
      await expect
        .poll(() => store.acquireSlot('k', 'third', 5, 60_000).catch(() => false), { timeout: 20_000 })
        .toBe(true);
      const takes = (await monitor.stop()).filter(
        ([name, ...args]) => /^eval(sha)?$/i.test(String(name)) && args.includes('third'),
      );
      expect(takes.length).toBeGreaterThan(0);
      for (const take of takes) expect(take.at(-1)).not.toBe('0');
      await store.close();
      const slots = (await redis.dump()).filter(({ key }) => key.endsWith(':slots'));
      expect(slots.map(({ value }) => value).join('')).not.toMatch(/first|third/);
    } finally {
      await admin.call('ACL', 'DELUSER', 'gate-revoked');
      admin.disconnect();
    }
  });

  it('refuses a database Redis does not have, instead of writing the budget into database 0', async () => {
    // Redis has 16 databases unless configured otherwise: /99 is refused when the connection selects it.
    const store = open({ url: `${redis.url}/99` });
    expect(store.description).toBe(`Redis at 127.0.0.1:${redis.port}/99`);
    for (const call of [() => store.takeToken('k', 5), () => store.pausedUntil('k')]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedisGateStoreError);
      expect((error as RedisGateStoreError).code).toBe('ERR');
    }
    expect(await redis.dump()).toEqual([]);
    // A database it has is used, and nothing lands in database 0 either.
    const third = open({ url: `${redis.url}/3` });
    expect(await third.takeToken('k', 5)).toBe(0);
    expect(await redis.dump()).toEqual([]);
    const admin = new Redis(`${redis.url}/3`);
    try {
      expect(await admin.keys('*')).toEqual(['unilive:gate:{k}:rate']);
      await admin.flushdb();
    } finally {
      admin.disconnect();
    }
  });

  it('answers an error reply or a connection killed mid-run as a typed outcome, never an uncaught error', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    const admin = new Redis(redis.url);
    try {
      // A take of 'h' killed in flight holds the next take of 'h' back until its own deadline (its removal
      // goes first, once the killed take cannot run): a few seconds here, not the default 30.
      const store = open({ commandTimeoutMs: 3_000 });
      expect(await store.takeToken('k', 5)).toBe(0);
      // Something else wrote other types under the store's keys: every call is refused by Redis itself.
      await admin.del('unilive:gate:{k}:rate');
      await admin.hset('unilive:gate:{k}:rate', 'x', '1');
      await admin.set('unilive:gate:{k}:slots', 'x');
      for (const call of [() => store.takeToken('k', 5), () => store.acquireSlot('k', 'a', 1, 1000)]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RedisGateStoreError);
        expect((error as RedisGateStoreError).code).toMatch(/^[A-Z]{2,20}$/);
      }
      await admin.del('unilive:gate:{k}:rate', 'unilive:gate:{k}:slots');
      // Connections killed by Redis between and during calls: each call answers or fails typed.
      for (let round = 0; round < 5; round += 1) {
        const calls = Promise.allSettled([
          store.takeToken('k', 1_000),
          store.pausedUntil('k'),
          store.acquireSlot('k', 'h', 9, 100),
        ]);
        await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        for (const outcome of await calls) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(RedisGateStoreError);
          else expect(typeof outcome.value).toMatch(/^(number|boolean)$/);
        }
      }
      await expect.poll(() => store.pausedUntil('k').catch(() => -1)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
      admin.disconnect();
    }
  });

  it('takes no count below one, nor a holder whose slot ends past any hold, as the account holds (values no take writes)', async () => {
    const admin = new Redis(redis.url);
    try {
      const store = open();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: -1_000_000_000, max: -1 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 1e13 }),
          async (count, limit, beyond) => {
            await admin.del('unilive:gate:{k}:rate', 'unilive:gate:{k}:slots');
            // A negative count left in the window's key: every take would pass until the key expired.
            await admin.set('unilive:gate:{k}:rate', String(count), 'EX', 60);
            const error = await store.takeToken('k', 3).catch((caught: unknown) => caught);
            expect(error).toBeInstanceOf(RedisGateStoreError);
            expect((error as RedisGateStoreError).code).toBe('BADCOUNT');
            // The key is dropped: the next window counts from nothing, and the budget holds again.
            await expect.poll(() => admin.exists('unilive:gate:{k}:rate')).toBe(0);
            expect([
              await store.takeToken('k', 3),
              await store.takeToken('k', 3),
              await store.takeToken('k', 3),
            ]).toEqual([0, 0, 0]);
            expect(await store.takeToken('k', 3)).toBeGreaterThan(0);
            // Holders filling every slot, each ending later than any take holds one (24.8 days and 5 s).
            const [seconds] = await admin.time();
            const past = Number(seconds) * 1000 + 2_147_483_647 + 5_000 + 1_000 + beyond;
            for (let index = 0; index < limit; index += 1)
              await admin.zadd('unilive:gate:{k}:slots', String(past), `x${index}`);
            expect(await store.acquireSlot('k', 'mine', limit, 10_000)).toBe(true);
            expect(await admin.zrange('unilive:gate:{k}:slots', '0', '-1')).toEqual(['mine']);
            await store.releaseSlot('k', 'mine');
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      admin.disconnect();
    }
  });

  it('drops a rate or slots key holding what no take writes (text, a fraction, another type): one failed take, then the budget again', async () => {
    const admin = new Redis(redis.url);
    try {
      const store = open();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<[string, (key: string) => Promise<unknown>]>(
            ['ERR', (key) => admin.set(key, 'abc')],
            ['ERR', (key) => admin.set(key, '1.5')],
            ['ERR', (key) => admin.set(key, '1e23')],
            ['WRONGTYPE', (key) => admin.hset(key, 'x', '1')],
            ['WRONGTYPE', (key) => admin.rpush(key, 'x')],
          ),
          fc.constantFrom('rate', 'slots'),
          async ([code, write], part) => {
            const key = `unilive:gate:{k}:${part}`;
            await admin.del('unilive:gate:{k}:rate', 'unilive:gate:{k}:slots');
            // A slots key is a sorted set: text of any kind is another type there.
            const expected = part === 'slots' ? 'WRONGTYPE' : code;
            await write(key);
            const take = () =>
              part === 'rate' ? store.takeToken('k', 3) : store.acquireSlot('k', 'mine', 2, 10_000);
            const error = await take().catch((caught: unknown) => caught);
            expect(error).toBeInstanceOf(RedisGateStoreError);
            expect((error as RedisGateStoreError).code).toBe(expected);
            await expect.poll(() => admin.exists(key)).toBe(0);
            expect(await take()).toBe(part === 'rate' ? 0 : true);
            if (part === 'slots') await store.releaseSlot('k', 'mine');
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      admin.disconnect();
    }
  });

  it('fails at once while Redis is stopped, and serves again once it is back', async () => {
    const store = open();
    expect(await store.pausedUntil('k')).toBe(0);
    await redis.stop();
    try {
      for (const call of [
        () => store.pausedUntil('k'),
        () => store.takeToken('k', 5),
        () => store.acquireSlot('k', 'a', 1, 1000),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RedisGateStoreError);
        // Refused, reset, broken pipe, closed: which one depends on the moment; never a wait for the timeout.
        expect((error as RedisGateStoreError).code).toMatch(/^(ECONNREFUSED|ECONNRESET|EPIPE|CLOSED)$/);
      }
    } finally {
      // Running again whatever this test found, so that the tests after it do not fail with it.
      await redis.restart();
    }
    await expect.poll(() => store.pausedUntil('k').catch(() => -1)).toBe(0);
    expect(await store.takeToken('k', 5)).toBe(0);
  });

  it('names a connection Redis has just ended as closed, also in the moment before the socket closes', async () => {
    const store = open();
    expect(await store.pausedUntil('k')).toBe(0);
    // Between the end of the stream and its close, ioredis still counts itself ready but can no longer write.
    // A busy machine runs a call there whenever the stop and the end of the stream arrive together: the call
    // is made right then, as the stream reports its end.
    const emit = Socket.prototype.emit;
    let reported: (error: unknown) => void = () => {};
    const inTheMoment = new Promise<unknown>((resolve) => {
      reported = resolve;
    });
    const spy = vi.spyOn(Socket.prototype, 'emit').mockImplementation(function (
      this: Socket,
      event: string | symbol,
      ...args: unknown[]
    ) {
      const result = Reflect.apply(emit, this, [event, ...args]) as boolean;
      if (event === 'end' && this.remotePort === redis.port) {
        spy.mockRestore();
        reported(
          store.pausedUntil('k').then(
            (answer) => answer,
            (caught: unknown) => caught,
          ),
        );
      }
      return result;
    });
    try {
      await redis.stop();
      const error = await inTheMoment;
      expect(error).toBeInstanceOf(RedisGateStoreError);
      expect((error as RedisGateStoreError).code).toMatch(/^(ECONNRESET|EPIPE|CLOSED)$/);
    } finally {
      spy.mockRestore();
      await redis.restart();
    }
    await expect.poll(() => store.pausedUntil('k').catch(() => -1)).toBe(0);
  });

  it('gives up on a Redis that does not answer after commandTimeoutMs, instead of hanging', async () => {
    const store = open({ commandTimeoutMs: 200 });
    // Connected and answering first: on a busy machine one answer may itself take longer than 200 ms, so the
    // store is asked until it answers in time, as it then must again once Redis thaws.
    await expect.poll(() => store.pausedUntil('k').catch(() => -1)).toBe(0);
    redis.freeze();
    try {
      const error = await store.takeToken('k', 5).catch((caught: unknown) => caught);
      expect((error as RedisGateStoreError).code).toBe('ETIMEDOUT');
    } finally {
      redis.thaw();
    }
    await expect.poll(() => store.pausedUntil('k').catch(() => -1)).toBe(0);
  });

  it('never keeps a process alive by itself: a script that used it, or could not reach it, ends', async () => {
    const script = (url: string) => `
      const { createRedisGateStore } = await import(${JSON.stringify(new URL('./redis-gate-store.ts', import.meta.url).href)});
      const store = createRedisGateStore({ url: ${JSON.stringify(url)}, commandTimeoutMs: 10_000 });
      const answer = await store.takeToken('k', 5).catch((error) => error.code);
      console.log(String(answer));
    `;
    const run = (url: string) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script(url)], {
          cwd: new URL('..', import.meta.url).pathname,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, output: output.trim() }));
      });
    expect(await run(redis.url)).toEqual({ code: 0, output: '0' });
    // A port where nothing listens, and that stays so while the script runs: no other test can take it.
    const nobody = reservePort();
    try {
      expect(await run(`redis://127.0.0.1:${nobody.port}`)).toEqual({ code: 0, output: 'ECONNREFUSED' });
    } finally {
      nobody.release();
    }
  });

  it('keeps two accounts apart: each its own budget, shared by every client of one account', async () => {
    const rateLimit = (store: RedisGateStore) => ({ requestsPerSecond: 0.1, store });
    // 0.1 per second: one request per 10-second window, so a second request of one account must wait.
    const account = (token: string) => createMemoryProvider({ token });
    const a = createLiveStreamClient(account('account-a-token-0123456789'), { rateLimit: rateLimit(open()) });
    const b = createLiveStreamClient(account('account-b-token-0123456789'), { rateLimit: rateLimit(open()) });
    // Another process of account a: its own client and its own connection.
    const a2 = createLiveStreamClient(account('account-a-token-0123456789'), {
      rateLimit: rateLimit(open()),
    });
    const held = async (client: typeof a) => {
      const error = await client
        .create({ name: 'held' }, { signal: AbortSignal.timeout(300) })
        .catch((caught: unknown) => caught);
      return AbortError.isInstance(error) && (error as AbortError).delivery === 'not-sent';
    };
    await a.create({ name: 'first of a' });
    expect(await held(a)).toBe(true);
    expect(await held(a2)).toBe(true);
    await b.create({ name: 'first of b' });
    expect(await held(b)).toBe(true);

    const keys = (await redis.dump()).map((entry) => entry.key).sort();
    const [keyA, keyB] = await Promise.all(
      ['account-a-token-0123456789', 'account-b-token-0123456789'].map((token) =>
        gateKeyOf('memory', 'https://memory.unilive.test/v1/', token),
      ),
    );
    expect(keys).toEqual([`unilive:gate:{${keyA}}:rate`, `unilive:gate:{${keyB}}:rate`].sort());
  });
});

describe.skipIf(!redisServer)('what reaches Redis from every adapter', () => {
  const env = useRedisAndSandbox();

  const factories: Record<string, (settings: Record<string, unknown>) => LiveStreamProvider> = {
    'wowza-video': wowzaVideo as (settings: Record<string, unknown>) => LiveStreamProvider,
    'wowza-realtime': wowzaRealtime as (settings: Record<string, unknown>) => LiveStreamProvider,
    liveapi: liveapi as (settings: Record<string, unknown>) => LiveStreamProvider,
    videosdk: videosdk as (settings: Record<string, unknown>) => LiveStreamProvider,
  };

  it('holds digests, counts, slot holders and times, and no credential or stream key in any encoding', async () => {
    // A generous time limit: a busy machine must not turn this run into a fallback.
    const store = createRedisGateStore({ url: env.redis.url, commandTimeoutMs: 10_000 });
    const monitor = await env.redis.monitor();
    const scanner = new SecretScanner();
    const warnings: WarningEvent[] = [];
    try {
      for (const [id, factory] of Object.entries(factories)) {
        const credentials = env.sandbox.credentials(id);
        for (const [name, value] of Object.entries(credentials)) {
          for (const [encoding, encoded] of encodingsOf(value))
            scanner.register(`${id} ${name} (${encoding})`, encoded);
        }
        if (credentials.tokenId && credentials.secretKey) {
          const basic = `${credentials.tokenId}:${credentials.secretKey}`;
          for (const [encoding, encoded] of encodingsOf(basic))
            scanner.register(`${id} basic pair (${encoding})`, encoded);
        }
        const client = createLiveStreamClient(factory({ ...env.sandbox.adapterSettings(id) }), {
          rateLimit: { requestsPerSecond: 50, maxConcurrency: 4, store },
          hooks: { onWarning: (event) => warnings.push(event) },
        });
        const streams = await Promise.all([1, 2, 3].map((index) => client.create({ name: `scan ${index}` })));
        for (const stream of streams) {
          for (const endpoint of stream.ingest) {
            scanner.register(`${id} stream key`, endpoint.streamKey);
            scanner.register(`${id} password`, endpoint.password);
            scanner.register(`${id} token`, endpoint.token);
          }
          await client.get(stream.id);
        }
        // A 429 writes the pause too.
        env.sandbox.injectFault(id, 'get', { type: 'rate-limit', retryAfterSeconds: 1, times: 1 });
        await client.get(streams[0]?.id as string);
        env.sandbox.clearFaults();
      }
    } finally {
      await store.close();
    }
    // videosdk v2 (the default) rooms keep no name: each create says so, and nothing else is said.
    expect(
      warnings.map((event) => [event.provider, event.operation, event.warning.type, event.warning.setting]),
    ).toEqual(Array.from({ length: 3 }, () => ['videosdk', 'create', 'unsupported-setting', 'name']));
    // Everything sent to Redis, every command with its arguments, and what it holds at the end.
    const commands = await monitor.stop();
    for (const args of commands) scanner.recordText(args.join(' '), args[0]);
    const dump = await env.redis.dump();
    for (const entry of dump) scanner.recordText(`${entry.key} ${entry.value}`, entry.key);
    expect(scanner.leaks()).toEqual([]);
    const written = new Set(
      commands.flatMap((args) => args.filter((arg) => arg.startsWith('unilive:gate:'))),
    );
    expect(
      [...written]
        .map((key) => /\{([a-z-]+):/.exec(key)?.[1])
        .filter((id, index, all) => all.indexOf(id) === index)
        .sort(),
    ).toEqual(Object.keys(factories).sort());
    // Rate windows, slots and the 429's pause, for every adapter.
    for (const id of Object.keys(factories)) {
      for (const part of ['rate', 'slots', 'pause']) {
        expect(
          [...written].some((key) => key.includes(`{${id}:`) && key.endsWith(`:${part}`)),
          `${id} ${part}`,
        ).toBe(true);
      }
    }
    // Every key names a provider and a digest; every value is a count, a time or slot holders (random ids).
    const values = {
      rate: /^\d+$/,
      pause: /^\d+$/,
      slots: /^([0-9a-f-]{36}:\d+ \d+ ?)*$/,
    };
    for (const entry of dump) {
      const part = /^unilive:gate:\{[a-z-]+:[0-9a-f]{32}\}:(rate|slots|pause)$/.exec(entry.key)?.[1];
      expect(part, entry.key).toBeDefined();
      expect(entry.value).toMatch(values[part as keyof typeof values]);
    }
  });
});

/** The forms a credential could take on its way somewhere: as is, URL-encoded, base64, base64url, hex. */
function encodingsOf(value: string): [string, string][] {
  const bytes = new TextEncoder().encode(value);
  const base64 = encodeBase64(bytes);
  return [
    ['plain', value],
    ['url-encoded', encodeURIComponent(value)],
    ['base64', base64.replace(/=+$/, '')],
    ['base64url', base64.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')],
    ['hex', encodeHex(bytes)],
  ];
}
