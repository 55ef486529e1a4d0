import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  createRedisGateStore,
  type RedisGateStore,
  type RedisGateStoreOptions,
} from '../src/redis-gate-store.js';
import { type RedisProxy, startRedisProxy } from './redis-proxy.js';
import { startRedis, type TestRedis } from './redis-server.js';

/** A Redis of the test's own, a proxy in front of it that faults can be put on, and the stores a test made. */
export interface RedisBehindProxy {
  /** The Redis server (direct URL, `freeze`/`thaw`, `flush`, `dump`). */
  readonly redis: TestRedis;
  /** The proxy in front of it, for the faults of a connection. */
  readonly proxy: RedisProxy;
  /** A connection straight to Redis, to read what it holds; its own errors are ignored. */
  readonly admin: Redis;
  /** A store with exactly these options, closed after the test. */
  open(options: RedisGateStoreOptions): RedisGateStore;
}

/**
 * Registers, in the `describe` that calls it, the hooks every fault test of the store needs: one Redis
 * and proxy for the whole block; after each test, Redis resumed (if frozen) and the proxy answering
 * again before the test's stores close (so their removals go through), then every key deleted.
 */
export function useRedisBehindProxy(): RedisBehindProxy {
  let redis: TestRedis | undefined;
  let proxy: RedisProxy | undefined;
  let admin: Redis | undefined;
  const stores: RedisGateStore[] = [];
  const made = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is made in beforeAll`);
    return value;
  };

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startRedisProxy(redis.port);
    admin = new Redis(redis.url);
    admin.on('error', () => {});
  });
  afterEach(async () => {
    redis?.thaw();
    await proxy?.recover();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await redis?.flush();
  });
  afterAll(async () => {
    admin?.disconnect();
    await proxy?.close();
    await redis?.close();
  });

  return {
    get redis() {
      return made(redis, 'redis');
    },
    get proxy() {
      return made(proxy, 'proxy');
    },
    get admin() {
      return made(admin, 'admin');
    },
    open(options) {
      const store = createRedisGateStore(options);
      stores.push(store);
      return store;
    },
  };
}
