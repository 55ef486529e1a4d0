import { createLiveStreamClient, ProviderUnavailableError } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { answering, slotsKey } from '../test/asked-until.js';
import { recordedGate } from '../test/recorded-gate.js';
import { useRedisBehindProxy } from '../test/redis-behind-proxy.js';
import { redisServer } from '../test/redis-server.js';
import { RedisGateStoreError, type RedisGateStoreOptions } from './redis-gate-store.js';

// What `close()` leaves behind: the connections it may open, the slots of requests still in flight, and how
// often the store reconnects while a removal waits. No test measures time: each counts connections at the
// proxy, or reads what Redis holds, at points the store's own steps mark.
describe.skipIf(!redisServer)('closing the store, and reconnecting while a removal waits', () => {
  const env = useRedisBehindProxy();
  const open = (options: RedisGateStoreOptions) => env.open({ commandTimeoutMs: 30_000, ...options });

  it('opens no connection once close has resolved, though Redis did not answer it, and leaves none open', async () => {
    // 1 s: short enough for close to give up soon, long enough that a busy machine answers the first ping.
    const store = open({ url: env.proxy.url, commandTimeoutMs: 1_000, reconnectIntervalMs: 600_000 });
    await answering(store);
    const connections = env.proxy.connections;
    // The take's connection is cut after Redis ran it; from then on connections are accepted, nothing answers.
    env.proxy.mode('cut', { after: 'stall' });
    await store.acquireSlot('k', 'lost', 3, 60_000).catch(() => undefined);
    await expect
      .poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 })
      .toEqual(['lost']);
    // The store's own reconnection, which never gets an answer; close gives up on it after commandTimeoutMs.
    await expect.poll(() => env.proxy.connections, { timeout: 30_000 }).toBe(connections + 1);
    await store.close();
    // Close may have made one of its own (the store drops a connection not resumed within commandTimeoutMs).
    const atClose = env.proxy.connections;
    expect(atClose).toBeLessThanOrEqual(connections + 2);
    // Every connection of the store closes, and stays closed: none is made again to send the removal.
    await expect.poll(() => env.proxy.open, { timeout: 30_000 }).toBe(0);
    await env.proxy.recover();
    expect(env.proxy.open).toBe(0);
    expect(env.proxy.connections).toBe(atClose);
    // The slot is left to expire, as documented.
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['lost']);
  });

  it('after a connection broken on its removal, connects again only after reconnectIntervalMs, not at once', async () => {
    // The removal waits for the take's deadline, commandTimeoutMs after it was sent.
    const store = open({ url: env.proxy.url, commandTimeoutMs: 3_000, reconnectIntervalMs: 600_000 });
    await answering(store);
    const connections = env.proxy.connections;
    const cuts = env.proxy.cuts;
    // Every connection comes up, and is reset when the removal (ZREM, not the script's ZREMRANGEBYSCORE)
    // arrives on it.
    env.proxy.resetOn(/\nzrem\r\n/i);
    env.proxy.mode('cut', { after: 'pass' });
    await store.acquireSlot('k', 'lost', 3, 60_000).catch(() => undefined);
    // The take's connection had worked: the store connects again at once, and that one breaks on the removal.
    await expect.poll(() => env.proxy.cuts, { timeout: 30_000 }).toBe(cuts + 2);
    expect(env.proxy.connections).toBe(connections + 1);
    // The next attempt waits the interval (ten minutes): close, which sends the removal itself, finds the
    // count where it was (before, one connection after another, hundreds a second, for the slot's hold).
    expect(env.proxy.connections).toBe(connections + 1);
    env.proxy.resetOn(undefined);
    await store.close();
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
    expect(env.proxy.connections).toBe(connections + 2);
  });

  it('connects again at once after a connection that answered its removal broke: a removal answered makes the next break a first one', async () => {
    // Each removal waits for its take's deadline, commandTimeoutMs after it was sent.
    const store = open({ url: env.proxy.url, commandTimeoutMs: 3_000, reconnectIntervalMs: 600_000 });
    await answering(store);
    const connections = env.proxy.connections;
    for (const holder of ['one', 'two']) {
      env.proxy.mode('cut', { after: 'pass' });
      await store.acquireSlot('k', holder, 3, 60_000).catch(() => undefined);
      // Redis ran the take (its removal waits for the take's deadline), then the removal.
      await expect
        .poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 })
        .toEqual([holder]);
      await expect.poll(() => env.admin.zcard(slotsKey('k')), { timeout: 30_000 }).toBe(0);
      // Redis ran the removal; the store hears its answer once the ping sent after it on that connection
      // is answered. Without this, the next fault could catch that answer still on its way back, and the
      // connection would rightly count as one that broke before its removal was answered.
      await answering(store);
    }
    // Two breaks, each after a connection that worked: two connections, each made at once.
    expect(env.proxy.connections).toBe(connections + 2);
  });

  it('sends a release left unanswered on a connection gone silent on a new connection when closed, before close resolves', async () => {
    // The release's commandTimeoutMs runs out on the silent connection: a few seconds, so that a busy
    // machine's new connection, which gets one more, goes through within it.
    const store = open({ url: env.proxy.url, commandTimeoutMs: 3_000, reconnectIntervalMs: 600_000 });
    // Asked until it goes through: on a busy machine a take can outlast the limit before any fault.
    await expect
      .poll(() => store.acquireSlot('k', 'done', 1, 60_000).catch(() => false), { timeout: 30_000 })
      .toBe(true);
    const connections = env.proxy.connections;
    const held = env.proxy.held;
    // The request is over; its release goes out on a connection gone silent both ways (a failover, a host
    // that vanished): it never reaches Redis, and no answer comes.
    env.proxy.hold();
    const release = store.releaseSlot('k', 'done').catch((caught: unknown) => caught);
    await expect.poll(() => env.proxy.held, { timeout: 30_000 }).toBeGreaterThan(held);
    // The process drains and closes. Redis answers on a new connection: close makes one and sends the
    // release there (before, it gave up when the release timed out, and the slot stayed held for its hold).
    await store.close();
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
    expect(env.proxy.connections).toBe(connections + 1);
    expect(await release).toBeInstanceOf(RedisGateStoreError);
  });

  it('removes the holder of a take whose answer was lost, on a new connection once the take can no longer run, when closed while it waits', async () => {
    const provider = createMemoryProvider();
    const stream = await provider.create({ name: 'lost-answer' });
    // The take's commandTimeoutMs runs out on the connection that lost its answers: a few seconds, so that a
    // busy machine's new connection, which gets one more, goes through within it.
    const store = open({
      url: env.proxy.url,
      onUnavailable: 'fail',
      commandTimeoutMs: 3_000,
      reconnectIntervalMs: 600_000,
    });
    const { gate, takes } = recordedGate(store);
    const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
    // Asked until it goes through Redis: on a busy machine a take can outlast the limit before any fault.
    await expect
      .poll(
        async () => {
          await client.get(stream.id).catch(() => undefined);
          return takes.at(-1);
        },
        { timeout: 30_000 },
      )
      .toBe('ok');
    const held = async () => {
      const keys = await env.admin.keys('*:slots');
      const counts = await Promise.all(keys.map((key) => env.admin.zcard(key)));
      return counts.reduce((sum, count) => sum + count, 0);
    };
    await expect.poll(held, { timeout: 30_000 }).toBe(0);
    // Redis ran the release; the store hears its answer once a ping sent after it is answered. Otherwise
    // the fault below could catch that answer on its way back, and the store would rightly send the
    // release again on the new connection, beside the removal this test looks for.
    await answering(store);
    const monitor = await env.redis.monitor();
    const connections = env.proxy.connections;
    // From now on Redis runs what comes on the connection, and its answers are lost.
    env.proxy.loseAnswers();
    const call = client.get(stream.id).catch((caught: unknown) => caught);
    // Redis ran the take: the slot is held, for a caller that will never hear of it.
    await expect.poll(held, { timeout: 30_000 }).toBe(1);
    // The process closes while the take waits.
    await store.close();
    expect(await held()).toBe(0);
    expect(env.proxy.connections).toBe(connections + 1);
    expect(ProviderUnavailableError.isInstance(await call)).toBe(true);
    await monitor.stop();
    const commands = monitor.timed();
    const take = commands.find(({ args: [name] }) => /^eval(sha)?$/i.test(String(name)));
    const removals = commands.filter(({ args: [name] }) => name?.toLowerCase() === 'zrem');
    expect(take).toBeDefined();
    expect(removals.length).toBeGreaterThan(0);
    // On the new connection only once the take could no longer run (past its deadline, its last argument
    // on Redis's clock): a removal that ran before a take still on its way would leave it holding the slot.
    const holder = take?.args.at(4);
    const newConnection = removals.filter(({ source }) => source !== take?.source);
    expect(newConnection.length).toBeGreaterThan(0);
    for (const removal of newConnection) {
      expect(removal.args[2]).toBe(holder);
      expect(removal.at).toBeGreaterThan(Number(take?.args.at(-1)));
    }
  });

  it('removes the slots of requests still in flight when closed, whose releases come after it and are refused as CLOSED', async () => {
    const store = open({ url: env.redis.url });
    const other = open({ url: env.redis.url });
    expect(await store.acquireSlot('k', 'in-flight', 2, 60_000)).toBe(true);
    expect(await store.acquireSlot('k', 'done', 2, 60_000)).toBe(true);
    await store.releaseSlot('k', 'done');
    expect(await other.acquireSlot('k', 'other', 2, 60_000)).toBe(true);
    // The other process's slot is its own: only this store's are removed.
    await store.close();
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['other']);
    // The request's release, after close: refused as every call after close is (the gate ignores it).
    const error = await store.releaseSlot('k', 'in-flight').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisGateStoreError);
    expect((error as RedisGateStoreError).code).toBe('CLOSED');
    // Another process gets the freed slot at once, not after its hold.
    expect(await other.acquireSlot('k', 'next', 2, 60_000)).toBe(true);
  });

  it('gives back a slot whose take Redis answers while close runs, and refuses that take as CLOSED', async () => {
    const store = open({ url: env.proxy.url });
    await answering(store);
    env.proxy.mode('late-answers');
    const take = store.acquireSlot('k', 'closing', 3, 60_000).catch((caught: unknown) => caught);
    await expect
      .poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 })
      .toEqual(['closing']);
    const closed = store.close();
    await env.proxy.recover();
    await closed;
    expect(((await take) as RedisGateStoreError).code).toBe('CLOSED');
    expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual([]);
  });
});
