import { createLiveStreamClient, type WarningEvent } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisServer, startRedis, type TestRedis } from '../test/redis-server.js';
import { createRedisGateStore, type RedisGateStore } from './redis-gate-store.js';

// ioredis's `Redis.defaultOptions` is shared by every client in the process: an application or another
// library may change it. Each value here, set there, changed how the store behaves (its calls failed with
// Redis up, hung, went to another database, another key prefix or a Unix socket) unless the store pins it.
const hostileDefaults: Record<string, unknown> = {
  commandTimeout: 1,
  socketTimeout: 1,
  maxRetriesPerRequest: 20,
  enableOfflineQueue: true,
  keyPrefix: 'someone-else:',
  db: 3,
  port: 1,
  path: '/nonexistent/unilive-redis.sock',
  enableAutoPipelining: true,
  stringNumbers: true,
  autoResendUnfulfilledCommands: true,
  replyMapping: 'resp3',
};

// Sets the chosen defaults for the duration of `make` only (the store reads them when it is made), then
// puts back what was there: the helpers that read Redis afterwards see ioredis's own.
function withDefaults<T>(chosen: Record<string, unknown>, make: () => T): T {
  // Private in ioredis's types, but a plain static any code can reach and change.
  const defaults = (Redis as unknown as { defaultOptions: Record<string, unknown> }).defaultOptions;
  const before = new Map(
    Object.keys(chosen).map((name) => [name, Object.getOwnPropertyDescriptor(defaults, name)]),
  );
  Object.assign(defaults, chosen);
  try {
    return make();
  } finally {
    for (const [name, descriptor] of before) {
      if (descriptor) Object.defineProperty(defaults, name, descriptor);
      else delete defaults[name];
    }
  }
}

const someDefaults = fc
  .subarray(Object.keys(hostileDefaults), { minLength: 1 })
  .map((names) => Object.fromEntries(names.map((name) => [name, hostileDefaults[name]])));

describe.skipIf(!redisServer)("ioredis's global defaults changed by the application", () => {
  let redis: TestRedis;
  const stores: RedisGateStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('change nothing with Redis up: every call answered by Redis, on database 0 under the store prefix (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(someDefaults, async (chosen) => {
        await redis.flush();
        const store = withDefaults(chosen, () =>
          createRedisGateStore({
            url: redis.url,
            onUnavailable: 'fail',
            // Generous: only a changed default, never a busy machine, fails a call.
            commandTimeoutMs: 30_000,
            reconnectIntervalMs: 0,
          }),
        );
        stores.push(store);
        expect(store.description).toBe(`Redis at 127.0.0.1:${redis.port}`);
        const client = createLiveStreamClient(createMemoryProvider(), {
          rateLimit: { requestsPerSecond: 50, maxConcurrency: 2, store },
        });
        const created = await Promise.all(
          Array.from({ length: 4 }, (_, index) => client.create({ name: `pinned ${index}` })),
        );
        expect(created.map((stream) => stream.name)).toEqual([
          'pinned 0',
          'pinned 1',
          'pinned 2',
          'pinned 3',
        ]);
        const keys = (await redis.dump()).map((entry) => entry.key);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) expect(key.startsWith('unilive:gate:')).toBe(true);
      }),
      { numRuns: 12, examples: [[hostileDefaults]] },
    );
  });

  it('change nothing with Redis stopped: each call falls back to memory with its warning (generated)', async () => {
    const stopped = await startRedis();
    const url = stopped.url;
    await stopped.stop();
    try {
      await fc.assert(
        fc.asyncProperty(someDefaults, async (chosen) => {
          const store = withDefaults(chosen, () =>
            createRedisGateStore({
              url,
              onUnavailable: 'fallback',
              commandTimeoutMs: 30_000,
              reconnectIntervalMs: 0,
            }),
          );
          stores.push(store);
          const warnings: WarningEvent[] = [];
          const client = createLiveStreamClient(createMemoryProvider(), {
            rateLimit: { requestsPerSecond: 50, maxConcurrency: 2, store },
            hooks: { onWarning: (event) => warnings.push(event) },
          });
          const created = await client.create({ name: 'while down' });
          expect(created.name).toBe('while down');
          const fallbacks = warnings.filter((event) => event.warning.type === 'fallback');
          expect(fallbacks).toHaveLength(1);
          // Refused at the URL's host and port, where the store was told Redis is: not a Unix socket's
          // ENOENT, nor a command timer's failure.
          expect(fallbacks[0]?.warning.message).toContain(`Redis at 127.0.0.1:${stopped.port}`);
          expect(fallbacks[0]?.warning.message).toContain('ECONNREFUSED');
        }),
        { numRuns: 12, examples: [[hostileDefaults]] },
      );
    } finally {
      await stopped.close();
    }
  });
});
