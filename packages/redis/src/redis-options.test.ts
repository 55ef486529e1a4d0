import { createLiveStreamClient, InvalidInputError } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisServer, startRedis, type TestRedis } from '../test/redis-server.js';
import { createRedisGateStore, type RedisGateStore, type RedisGateStoreOptions } from './redis-gate-store.js';

type KeptOptions = NonNullable<RedisGateStoreOptions['redisOptions']>;

// The ioredis options that would break the store, with why each is refused. Auto-pipelining ended the
// process at the first gated call (an uncaught TypeError from ioredis); stringNumbers left a taken slot read
// as not taken, every request then waiting; monitor mode refuses every command; ioredis's own command and
// socket timers fail a command the store still counts as running (named as a refused connection); a
// Connector that is no connector threw from ioredis's internals.
const refused: Record<string, string> = {
  enableAutoPipelining:
    "the store sends each command on its own: ioredis's auto-pipelining would batch them, and ends the process on the store's scripts",
  stringNumbers: "the store reads Redis's numbers as numbers",
  monitor: 'a connection in monitor mode sends no command',
  commandTimeout: 'the store bounds each command itself: set commandTimeoutMs',
  socketTimeout: 'the store drops a silent connection itself: set commandTimeoutMs',
  Connector: 'the store connects as its url says',
};

const refusal = (options: Parameters<typeof createRedisGateStore>[0]) => {
  try {
    void createRedisGateStore(options).close();
    return undefined;
  } catch (error) {
    return error as InvalidInputError;
  }
};

describe('connectTimeout, which ioredis hands to the socket as it is', () => {
  // Node checks the socket's timeout when the connection is made, outside any call: text or a number out of
  // range threw from there and ended the process, whatever onUnavailable said.
  it('is refused in redisOptions unless a number of ms from 0 to 2^31 - 1, naming it, before anything connects (generated)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer({ max: -1 }),
          fc.double({ min: 2_147_483_648, noNaN: true }),
          fc.constantFrom(
            Number.NaN,
            Number.POSITIVE_INFINITY,
            Number.NEGATIVE_INFINITY,
            -0.5,
            null,
            true,
            {},
            [],
          ),
        ),
        (value) => {
          const error = refusal({
            url: 'redis://:hunter2-secret@127.0.0.1:1',
            redisOptions: { connectTimeout: value },
          } as never);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error?.issues).toEqual([
            {
              path: 'redisOptions.connectTimeout',
              message: 'expected a number of milliseconds from 0 to 2147483647',
            },
          ]);
          expect(JSON.stringify(error)).not.toContain('hunter2');
        },
      ),
      { examples: [['5000'], [-1]] },
    );
  });

  it('is taken when a number of ms in range (generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_147_483_647 }), (value) => {
        expect(
          refusal({ url: 'redis://127.0.0.1:1', redisOptions: { connectTimeout: value } }),
        ).toBeUndefined();
      }),
    );
  });

  it("is refused in the URL's query, where ioredis keeps it as text, naming url", () => {
    fc.assert(
      fc.property(fc.constantFrom('5000', '0', '-1', 'abc', ''), (value) => {
        const error = refusal({ url: `redis://127.0.0.1:1/?connectTimeout=${value}` });
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error?.issues).toEqual([
          {
            path: 'url',
            message:
              '?connectTimeout is refused: ioredis would hand the socket its text, not a number; set redisOptions.connectTimeout',
          },
        ]);
      }),
    );
  });
});

describe('redisOptions that would break the store', () => {
  it('refuses each, whatever its value, naming redisOptions.<name> and why, before anything connects (generated)', () => {
    const names = Object.keys(refused);
    fc.assert(
      fc.property(fc.subarray(names, { minLength: 1 }), fc.anything(), (chosen, value) => {
        const redisOptions = Object.fromEntries(chosen.map((name) => [name, value]));
        const error = refusal({ url: 'redis://:hunter2-secret@127.0.0.1:1', redisOptions } as never);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error?.issues).toEqual(
          names
            .filter((name) => chosen.includes(name))
            .map((name) => ({ path: `redisOptions.${name}`, message: refused[name] })),
        );
        expect(JSON.stringify(error)).not.toContain('hunter2');
      }),
      { examples: [[['enableAutoPipelining'], true]] },
    );
  });

  it("refuses each in the URL's query too, where ioredis reads any text as set, naming url", () => {
    const names = Object.keys(refused);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom('true', 'false', '1', ''), (name, value) => {
        const error = refusal({ url: `redis://127.0.0.1:1/?${name}=${value}` });
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect(error?.issues).toEqual([{ path: 'url', message: `?${name} is refused: ${refused[name]}` }]);
      }),
      { examples: [['enableAutoPipelining', 'false']] },
    );
  });
});

describe.skipIf(!redisServer)('redisOptions the store keeps, against a real redis-server', () => {
  let redis: TestRedis;
  const stores: RedisGateStore[] = [];
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

  // Each ioredis option the store passes on, with values a user may give: any mix of them leaves every
  // gated call answered by Redis (`onUnavailable: 'fail'`: a failure would be thrown), and every slot
  // given back. A script of the store's name is the store's own still.
  const kept: { [Name in keyof KeptOptions]?: fc.Arbitrary<KeptOptions[Name]> } = {
    autoPipeliningIgnoredCommands: fc.constant(['zrem', 'evalsha']),
    connectTimeout: fc.constantFrom(5_000, 30_000),
    keepAlive: fc.constantFrom(0, 1_000),
    noDelay: fc.boolean(),
    connectionName: fc.constant('unilive-gate'),
    disableClientInfo: fc.boolean(),
    clientInfoTag: fc.constant('unilive'),
    family: fc.constantFrom(0, 4),
    protocol: fc.constantFrom(2, 3),
    enableReadyCheck: fc.boolean(),
    autoResendUnfulfilledCommands: fc.boolean(),
    autoResubscribe: fc.boolean(),
    readOnly: fc.boolean(),
    showFriendlyErrorStack: fc.boolean(),
    maxLoadingRetryTime: fc.constantFrom(1_000, 10_000),
    blockingTimeout: fc.constantFrom(0, 100),
    blockingTimeoutGrace: fc.constantFrom(10, 100),
    disconnectTimeout: fc.constantFrom(100, 2_000),
    reconnectOnError: fc.constant(() => false),
    scripts: fc.constant({ uniliveAcquireSlot: { lua: 'return {0, 0}', numberOfKeys: 1 } }),
  };
  // Every one at once, each with a value of its own.
  const all = Object.fromEntries(
    Object.entries(kept as Record<string, fc.Arbitrary<unknown>>).map(([name, values]) => [
      name,
      fc.sample(values, { numRuns: 1, seed: 1 })[0],
    ]),
  );

  it('takes any mix of the ioredis options it keeps, every call answered by Redis and every slot given back (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(kept as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }),
        async (chosen) => {
          const redisOptions = chosen as KeptOptions;
          const store = createRedisGateStore({
            url: redis.url,
            onUnavailable: 'fail',
            commandTimeoutMs: 30_000,
            reconnectIntervalMs: 0,
            redisOptions,
          });
          stores.push(store);
          const client = createLiveStreamClient(createMemoryProvider(), {
            rateLimit: { requestsPerSecond: 50, maxConcurrency: 2, store },
          });
          const created = await Promise.all(
            Array.from({ length: 4 }, (_, index) => client.create({ name: `kept ${index}` })),
          );
          expect(created.map((stream) => stream.name)).toEqual(['kept 0', 'kept 1', 'kept 2', 'kept 3']);
          // Every call was answered by Redis (a failure fails the call here), and no slot is still held.
          const keys = await redis.dump();
          expect(keys.filter((entry) => entry.key.endsWith(':slots'))).toEqual([]);
          await redis.flush();
        },
      ),
      { numRuns: 20, examples: [[{}], [all]] },
    );
  });
});

describe('host, port and path, which ioredis hands to the socket when it connects', () => {
  const hostMessage = 'expected a host name or IP address (letters, digits and . - _ : [ ] %), not a URL';
  const portMessage = 'expected a whole number from 1 to 65535';
  const pathMessage = 'expected the path of a Unix socket (text, not empty)';
  const badPort = fc.oneof(
    fc.string(),
    fc.integer({ max: 0 }),
    fc.integer({ min: 65_536 }),
    fc.double({ noNaN: false }).filter((value) => !Number.isInteger(value)),
    fc.constantFrom<unknown>(null, true, {}, [], '6379', Number.NaN),
  );
  // Whitespace, a URL or anything else no resolver takes for a host, and what is not text.
  const badHost = fc.oneof(
    fc
      .tuple(
        fc.stringMatching(/^[a-z]{0,8}$/),
        fc.constantFrom(' ', '\t', '\n', '/', '@', '?', '#'),
        fc.stringMatching(/^[a-z]{0,8}$/),
      )
      .map((parts) => parts.join('')),
    fc.constantFrom('redis://127.0.0.1:6379', 'http://cache.internal', 'cache internal', ''),
    fc.constantFrom<unknown>(1, null, true, {}, []),
  );
  const badPath = fc.constantFrom<unknown>('', 0, null, true, {}, [], 'a\0b');

  it('refuses one of the wrong type or out of range in redisOptions, naming it, before anything connects (generated)', () => {
    fc.assert(
      fc.property(
        fc
          .record({ host: badHost, port: badPort, path: badPath }, { requiredKeys: [] })
          .filter((chosen) => Object.keys(chosen).length > 0),
        (chosen) => {
          const error = refusal({
            url: 'redis://:hunter2-secret@127.0.0.1:1',
            redisOptions: chosen,
          } as never);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const messages: Record<string, string> = {
            host: hostMessage,
            port: portMessage,
            path: pathMessage,
          };
          expect(error?.issues).toEqual(
            ['host', 'port', 'path']
              .filter((name) => Object.hasOwn(chosen, name))
              .map((name) => ({ path: `redisOptions.${name}`, message: messages[name] })),
          );
          expect(JSON.stringify(error)).not.toContain('hunter2');
        },
      ),
      {
        examples: [
          [{ port: 'abc' }],
          [{ port: 70_000 }],
          [{ port: -1 }],
          [{ port: 1.5 }],
          [{ host: 'cache internal' }],
          [{ host: 'redis://cache:6379' }],
          [{ path: '' }],
        ],
      },
    );
  });

  it('takes a host name or address, a port in range and a socket path (generated)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            host: fc.constantFrom('localhost', '127.0.0.1', '::1', 'cache-1.internal', 'fe80::1%eth0'),
            port: fc.integer({ min: 1, max: 65_535 }),
            path: fc.constantFrom('/tmp/redis.sock', '/var/run/redis/redis-server.sock'),
          },
          { requiredKeys: [] },
        ),
        (chosen) => {
          expect(refusal({ url: 'redis://127.0.0.1:1', redisOptions: chosen })).toBeUndefined();
        },
      ),
    );
  });

  it("refuses them in the URL's query as text, naming url and not repeating the value (generated)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .constantFrom('abc', '70000', '-1', '1.5', '0', '', ' 6379', '6e3')
            .map((value) => ['port', value, portMessage] as const),
          fc
            .constantFrom('a b', 'redis://x', 'x/y', '')
            .map((value) => ['host', value, hostMessage] as const),
          fc.constant(['path', '', pathMessage] as const),
        ),
        ([name, value, message]) => {
          const error = refusal({ url: `redis://127.0.0.1/?${name}=${encodeURIComponent(value)}` });
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error?.issues).toEqual([{ path: 'url', message: `?${name} is refused: ${message}` }]);
        },
      ),
    );
  });
});
