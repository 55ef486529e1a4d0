import { createLiveStreamClient, ProviderUnavailableError } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answering, slotsKey } from '../test/asked-until.js';
import { useRedisBehindProxy } from '../test/redis-behind-proxy.js';
import type { ProxyMode } from '../test/redis-proxy.js';
import { redisServer } from '../test/redis-server.js';
import { RedisGateStoreError } from './redis-gate-store.js';

// A take (a slot, a rate token) the store has given up on, after commandTimeoutMs, may still reach Redis and
// run: late, after a stall, or in time with its answer lost on the way. A slot must be left free, or every
// process of the account waits for a slot held by nobody until it expires (the attempt's time limit plus
// 5 s); a rate token (rate-limiter-flexible's consume, which carries no deadline) may be spent, one per take,
// until its window ends. None of these tests measures time: each checks what Redis holds once it answers
// again, and waits for a window's end by Redis expiring its key.
describe.skipIf(!redisServer)('a take the store gave up on, run by Redis late or answered late', () => {
  const env = useRedisBehindProxy();
  // A short command limit for the store the faults reach; the store that checks afterwards waits far longer
  // than any busy machine delays an answer.
  const open = (url: string, commandTimeoutMs = 30_000) =>
    env.open({ url, reconnectIntervalMs: 0, commandTimeoutMs });
  const rateKey = (key: string) => `unilive:gate:{${key}}:rate`;

  it('takes no slot, and at most one token until its window ends, when a Redis that hung (SIGSTOP) runs the commands after it resumes', async () => {
    const store = open(env.redis.url, 200);
    await answering(store);
    env.redis.freeze();
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
      env.redis.thaw();
    }
    await answering(store);
    expect(await env.admin.zcard(slotsKey('k'))).toBe(0);
    // The token take may have run late: it spent at most one token, in a window of at most 1 s (Redis's
    // own count and expiry; the key is gone if the window already ended)…
    expect(Number((await env.admin.get(rateKey('k'))) ?? 0)).toBeLessThanOrEqual(1);
    expect(await env.admin.pttl(rateKey('k'))).toBeLessThanOrEqual(1000);
    // …and once Redis has ended that window, the next one has all its tokens.
    await expect.poll(() => env.admin.exists(rateKey('k')), { timeout: 30_000 }).toBe(0);
    const other = open(env.redis.url);
    expect(await other.takeToken('k', 2)).toBe(0);
    expect(await other.takeToken('k', 2)).toBe(0);
  });

  it('frees a slot whose command ran in time but whose answer came late, right after it on its connection', async () => {
    const store = open(env.proxy.url, 200);
    await answering(store);
    env.proxy.mode('late-answers');
    const error = await store.acquireSlot('k', 'lost', 3, 60_000).catch((caught: unknown) => caught);
    expect((error as RedisGateStoreError).code).toBe('ETIMEDOUT');
    // Redis ran it and holds the slot, whose answer is on its way: it is given back after it, not left.
    await env.proxy.recover();
    await answering(store);
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
  });

  it('frees a slot whose connection broke before the answer as soon as Redis can be reached and the take can no longer run, with no further call', async () => {
    // The removal waits for the take's deadline (commandTimeoutMs after it was sent): a few seconds here.
    const store = open(env.proxy.url, 3_000);
    await answering(store);
    const monitor = await env.redis.monitor();
    env.proxy.mode('cut');
    const error = await store.acquireSlot('k', 'lost', 3, 60_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisGateStoreError);
    // Redis ran it before it read the end of the connection: while every connection is cut, the slot is held
    // by nobody…
    await expect
      .poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 })
      .toEqual(['lost']);
    await env.proxy.recover();
    // …until the store reaches Redis again, by itself (no call follows), and gives it back.
    await expect.poll(() => env.admin.zcard(slotsKey('k')), { timeout: 30_000 }).toBe(0);
    await monitor.stop();
    const commands = monitor.timed();
    const take = commands.find(
      ({ args: [name, ...args] }) => /^eval(sha)?$/i.test(String(name)) && args.includes('lost'),
    );
    const removals = commands.filter(({ args: [name] }) => name?.toLowerCase() === 'zrem');
    expect(removals.length).toBeGreaterThan(0);
    // Each removal went out once Redis's clock had passed the take's deadline (its last argument): a take
    // still on its way then can take nothing, so the removal cannot come before it and leave its slot held.
    for (const removal of removals) expect(removal.at).toBeGreaterThan(Number(take?.args.at(-1)));
  });

  // The case an idle or finishing process meets: one network blip after Redis ran its slot take, and no
  // further call. Another process of the account gets the slot once the first reaches Redis again, long
  // before the slot would have expired (the attempt's time limit plus 5 s).
  it('gives another process the slot of a take cut after Redis ran it, before it expires, though the process that took it calls no more', async () => {
    const provider = createMemoryProvider({ timeoutMs: 60_000 });
    const stream = await provider.create({ name: 'blip' });
    // The removal waits for the take's deadline: commandTimeoutMs after it was sent.
    const storeA = env.open({
      url: env.proxy.url,
      onUnavailable: 'fail',
      commandTimeoutMs: 3_000,
      reconnectIntervalMs: 0,
    });
    const a = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: storeA } });
    const b = createLiveStreamClient(provider, {
      rateLimit: { maxConcurrency: 1, store: open(env.redis.url) },
    });
    // A first call loads the slot script into Redis, so the take below runs as it arrives (EVALSHA).
    await a.get(stream.id);
    env.proxy.mode('cut', { cutOn: /eval/i });
    const error = await a.get(stream.id).catch((caught: unknown) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    // Redis ran the take and holds its slot, for nobody, while every connection of A is cut.
    const [slots] = await env.admin.keys('*:slots');
    await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(1);
    const [, expiresAt] = await env.admin.zrange(String(slots), '0', '-1', 'WITHSCORES');
    await env.proxy.recover();
    // A reaches Redis again with no call and gives the slot back; B's call then goes out at once.
    await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(0);
    expect((await b.get(stream.id)).id).toBe(stream.id);
    // B was done while A's slot, had it been left, would still have been held (both on Redis's clock).
    const [seconds, micros] = await env.admin.time();
    expect(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)).toBeLessThan(Number(expiresAt));
  });

  it('reconnects at once after a connection that was up broke, not after reconnectIntervalMs: Redis may well be up', async () => {
    // The removal waits for the take's deadline: commandTimeoutMs after it was sent.
    const store = env.open({
      url: env.proxy.url,
      commandTimeoutMs: 3_000,
      reconnectIntervalMs: 600_000,
    });
    await answering(store);
    const monitor = await env.redis.monitor();
    const connections = env.proxy.connections;
    // One connection cut after its take reached Redis; the next ones pass.
    env.proxy.mode('cut', { after: 'pass' });
    await store.acquireSlot('k', 'lost', 3, 60_000).catch(() => undefined);
    // The store, calling no more, connects again and gives the slot back.
    const removal = ([name, , holder]: string[]) => name?.toLowerCase() === 'zrem' && holder === 'lost';
    await expect
      .poll(() => [...monitor.sources().values()].flat().some(removal), { timeout: 30_000 })
      .toBe(true);
    const commands = await monitor.stop();
    const took = commands.findIndex(
      ([name, ...args]) => /^eval(sha)?$/i.test(String(name)) && args.includes('lost'),
    );
    expect(took).toBeGreaterThanOrEqual(0);
    expect(commands.findIndex(removal)).toBeGreaterThan(took);
    expect(await env.admin.zcard(slotsKey('k'))).toBe(0);
    expect(env.proxy.connections).toBe(connections + 1);
  });

  it('frees the slot of a take whose connection broke when the store is closed, before it closes', async () => {
    // close waits, within commandTimeoutMs, for the take's deadline before it sends the removal.
    const store = env.open({
      url: env.proxy.url,
      commandTimeoutMs: 3_000,
      reconnectIntervalMs: 600_000,
    });
    await answering(store);
    const cuts = env.proxy.cuts;
    env.proxy.mode('cut');
    await store.acquireSlot('k', 'lost', 3, 60_000).catch(() => undefined);
    // The store's own reconnection, at once, is cut too; the next would be ten minutes later.
    await expect.poll(() => env.proxy.cuts, { timeout: 30_000 }).toBe(cuts + 2);
    await env.proxy.recover();
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['lost']);
    await store.close();
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
    await expect(store.pausedUntil('k')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('closes within commandTimeoutMs when Redis does not answer, and leaves the slot to expire', async () => {
    const store = env.open({
      url: env.proxy.url,
      commandTimeoutMs: 200,
      reconnectIntervalMs: 600_000,
    });
    await answering(store);
    const connections = env.proxy.connections;
    // The take's connection is cut after Redis ran it; from then on connections are accepted and nothing
    // answers.
    env.proxy.mode('cut', { after: 'stall' });
    await store.acquireSlot('k', 'lost', 3, 60_000).catch(() => undefined);
    await expect
      .poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 })
      .toEqual(['lost']);
    // The store's own reconnection, which never gets an answer.
    await expect.poll(() => env.proxy.connections, { timeout: 30_000 }).toBe(connections + 1);
    // close waits for it at most commandTimeoutMs (without that bound, this would never end).
    await store.close();
    await expect(store.pausedUntil('k')).rejects.toMatchObject({ code: 'CLOSED' });
    // The slot stays held until Redis expires it, after its hold time.
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['lost']);
    const left = await env.admin.pttl(slotsKey('k'));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60_000);
  });

  it('leaves every slot of an account free after a hang the gate refused calls through (onUnavailable fail)', async () => {
    const maxConcurrency = 3;
    const store = env.open({
      url: env.redis.url,
      onUnavailable: 'fail',
      commandTimeoutMs: 200,
      reconnectIntervalMs: 0,
    });
    const provider = createMemoryProvider();
    const stream = await provider.create({ name: 'hang' });
    const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency, store } });
    await answering(store);
    env.redis.freeze();
    try {
      for (let call = 0; call < maxConcurrency; call += 1) {
        const error = await client.get(stream.id).catch((caught: unknown) => caught);
        expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      }
    } finally {
      env.redis.thaw();
    }
    await answering(store);
    // Every slot of the account is free once Redis answers: the next requests, of any process, need not
    // wait for slots to expire. (Each refusal above came from a slot command sent to Redis, which ran it.)
    const keys = await env.admin.keys('*:slots');
    const held = await Promise.all(keys.map((key) => env.admin.zcard(key)));
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
        const store = open(env.proxy.url, 150);
        try {
          await answering(store);
          const held = new Set<string>();
          const faulted = async (next: ProxyMode, call: () => Promise<unknown>) => {
            env.proxy.mode(next);
            const outcome = await call().then(
              (value) => value,
              () => undefined,
            );
            await env.proxy.recover();
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
          // A removal of a take given up on goes out once that take can no longer run (its deadline,
          // commandTimeoutMs after it was sent): asked until then.
          await expect
            .poll(async () => (await env.admin.zrange(slotsKey(key), '0', '-1')).sort(), { timeout: 30_000 })
            .toEqual([...held].sort());
        } finally {
          await store.close();
        }
      }),
      { numRuns: 12 },
    );
  });
});
