import { createLiveStreamClient, ProviderUnavailableError } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyMode, type RedisProxy, startRedisProxy } from '../test/redis-proxy.js';
import { redisServer, startRedis, type TestRedis } from '../test/redis-server.js';
import { createRedisGateStore, type RedisGateStore, RedisGateStoreError } from './redis-gate-store.js';

// A take (a slot, a rate token) the store has given up on, after commandTimeoutMs, may still reach Redis and
// run: late, after a stall, or in time with its answer lost on the way. A slot must be left free, or every
// process of the account waits for a slot held by nobody until it expires (the attempt's time limit plus
// 5 s); a rate token (rate-limiter-flexible's consume, which carries no deadline) may be spent, one per take,
// until its window ends. None of these tests measures time: each checks what Redis holds once it answers
// again, and waits for a window's end by Redis expiring its key.
describe.skipIf(!redisServer)('a take the store gave up on, run by Redis late or answered late', () => {
  let redis: TestRedis;
  let proxy: RedisProxy;
  let admin: Redis;
  const stores: RedisGateStore[] = [];
  // A short command limit for the store the faults reach; the store that checks afterwards waits far longer
  // than any busy machine delays an answer.
  const open = (url: string, commandTimeoutMs = 30_000) => {
    const store = createRedisGateStore({ url, reconnectIntervalMs: 0, commandTimeoutMs });
    stores.push(store);
    return store;
  };
  const slotsKey = (key: string) => `unilive:gate:{${key}}:slots`;
  const rateKey = (key: string) => `unilive:gate:{${key}}:rate`;
  // Asked until it answers: once it has, Redis has run everything this store sent before on its connection.
  const answering = (store: RedisGateStore) =>
    expect.poll(() => store.pausedUntil('ping').catch(() => -1), { timeout: 30_000 }).toBe(0);

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startRedisProxy(redis.port);
    admin = new Redis(redis.url);
  });
  afterEach(async () => {
    redis.thaw();
    await proxy.recover();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await redis.flush();
  });
  afterAll(async () => {
    admin?.disconnect();
    await proxy?.close();
    await redis?.close();
  });

  it('takes no slot, and at most one token until its window ends, when a Redis that hung (SIGSTOP) runs the commands after it resumes', async () => {
    const store = open(redis.url, 200);
    await answering(store);
    redis.freeze();
    try {
      const outcomes = await Promise.allSettled([
        store.acquireSlot('k', 'ghost-1', 3, 60_000),
        store.acquireSlot('k', 'ghost-2', 3, 60_000),
        // Two tokens per window of 1 s.
        store.takeToken('k', 2),
      ]);
      expect(outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason?.code)).toEqual([
        'ETIMEDOUT',
        'ETIMEDOUT',
        'ETIMEDOUT',
      ]);
    } finally {
      redis.thaw();
    }
    await answering(store);
    expect(await admin.zcard(slotsKey('k'))).toBe(0);
    // The token take may have run late: it spent at most one token, in a window of at most 1 s (Redis's
    // own count and expiry; the key is gone if the window already ended)…
    expect(Number((await admin.get(rateKey('k'))) ?? 0)).toBeLessThanOrEqual(1);
    expect(await admin.pttl(rateKey('k'))).toBeLessThanOrEqual(1000);
    // …and once Redis has ended that window, the next one has all its tokens.
    await expect.poll(() => admin.exists(rateKey('k')), { timeout: 30_000 }).toBe(0);
    const other = open(redis.url);
    expect(await other.takeToken('k', 2)).toBe(0);
    expect(await other.takeToken('k', 2)).toBe(0);
  });

  it('frees a slot whose command ran in time but whose answer came late, right after it on its connection', async () => {
    const store = open(proxy.url, 200);
    await answering(store);
    proxy.mode('late-answers');
    const error = await store.acquireSlot('k', 'lost', 3, 60_000).catch((caught: unknown) => caught);
    expect((error as RedisGateStoreError).code).toBe('ETIMEDOUT');
    // Redis ran it and holds the slot, whose answer is on its way: it is given back after it, not left.
    await proxy.recover();
    await answering(store);
    expect(await admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
  });

  it('frees a slot whose connection broke before the answer, first thing on the next connection', async () => {
    const store = open(proxy.url, 10_000);
    await answering(store);
    proxy.mode('cut');
    const error = await store.acquireSlot('k', 'lost', 3, 60_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisGateStoreError);
    await proxy.recover();
    // Redis ran it before it read the end of the connection: the slot is held by nobody…
    expect(await admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['lost']);
    // …until the store connects again, and gives it back before anything else.
    await answering(store);
    expect(await admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
  });

  it('leaves every slot of an account free after a hang the gate refused calls through (onUnavailable fail)', async () => {
    const maxConcurrency = 3;
    const store = createRedisGateStore({
      url: redis.url,
      onUnavailable: 'fail',
      commandTimeoutMs: 200,
      reconnectIntervalMs: 0,
    });
    stores.push(store);
    const provider = createMemoryProvider();
    const stream = await provider.create({ name: 'hang' });
    const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency, store } });
    await answering(store);
    redis.freeze();
    try {
      for (let call = 0; call < maxConcurrency; call += 1) {
        const error = await client.get(stream.id).catch((caught: unknown) => caught);
        expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      }
    } finally {
      redis.thaw();
    }
    await answering(store);
    // Every slot of the account is free once Redis answers: the next requests, of any process, need not
    // wait for slots to expire. (Each refusal above came from a slot command sent to Redis, which ran it.)
    const keys = await admin.keys('*:slots');
    const held = await Promise.all(keys.map((key) => admin.zcard(key)));
    expect(held.reduce((sum, count) => sum + count, 0)).toBe(0);
  });

  // Interleavings of answered, late-answered, stalled and cut takes and releases, and a take asked again with
  // the same holder (as the gate does when it falls back, then asks the store again): once Redis answers
  // again, it holds exactly the slots whose takes answered true and were not released.
  it('holds exactly the slots its callers were told they hold, whatever came late', async () => {
    const mode = fc.constantFrom<ProxyMode>('pass', 'late-answers', 'stall', 'cut');
    const step = fc.record({ take: mode, again: fc.boolean(), release: fc.option(mode, { nil: undefined }) });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (steps) => {
        round += 1;
        const key = `p${round}`;
        const store = open(proxy.url, 150);
        try {
          await answering(store);
          const held = new Set<string>();
          const faulted = async (next: ProxyMode, call: () => Promise<unknown>) => {
            proxy.mode(next);
            const outcome = await call().then(
              (value) => value,
              () => undefined,
            );
            await proxy.recover();
            return outcome;
          };
          for (const [index, { take, again, release }] of steps.entries()) {
            const holder = `h${index}`;
            let taken = await faulted(take, () => store.acquireSlot(key, holder, 100, 60_000));
            if (taken !== true && again)
              taken = await faulted('pass', () => store.acquireSlot(key, holder, 100, 60_000));
            if (taken === true) held.add(holder);
            if (taken === true && release !== undefined) {
              // The gate counts a slot it released as released, whatever the store answered.
              await faulted(release, () => store.releaseSlot(key, holder));
              held.delete(holder);
            }
          }
          await answering(store);
          expect((await admin.zrange(slotsKey(key), '0', '-1')).sort()).toEqual([...held].sort());
        } finally {
          await store.close();
        }
      }),
      { numRuns: 12 },
    );
  });
});
