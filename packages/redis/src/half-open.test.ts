import { AbortError, createLiveStreamClient, ProviderUnavailableError, TimeoutError } from '@unilive/core';
import liveapi from '@unilive/liveapi';
import { createMemoryProvider } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { answering, slotsKey, throughRedis } from '../test/asked-until.js';
import { recordedGate } from '../test/recorded-gate.js';
import { useRedisBehindProxy } from '../test/redis-behind-proxy.js';
import { redisServer } from '../test/redis-server.js';
import { RedisGateStoreError, type RedisGateStoreOptions } from './redis-gate-store.js';

// A connection that worked and then goes silent for good (the proxy stops forwarding both ways on it only, as
// a vanished host or a failover leaves it, while new connections pass), and an idle connection that Redis or
// a proxy closes while Redis stays up. No test measures time: each counts connections at the proxy, reads what
// Redis holds and the order (and Redis's clock) of the commands it ran, and asks until calls go through Redis
// again, within the shared 30 s wait.
describe.skipIf(!redisServer)('a connection that worked, gone silent or closed', () => {
  const env = useRedisBehindProxy();
  const open = (options: RedisGateStoreOptions) => env.open({ url: env.proxy.url, ...options });

  for (const onUnavailable of ['fail', 'fallback'] as const) {
    it(`drops a connection that worked and went silent, and goes through Redis again on a new one (${onUnavailable})`, async () => {
      const provider = createMemoryProvider();
      const stream = await provider.create({ name: 'silent' });
      // The limit under test runs out on the silent connection: short. reconnectIntervalMs 0: no call is held
      // back by the interval, so what is asserted does not depend on how long anything took.
      const { gate, takes } = recordedGate(
        open({ onUnavailable, commandTimeoutMs: 200, reconnectIntervalMs: 0 }),
      );
      const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
      // Asked until it goes through Redis: on a busy machine the short limit can run out before any fault.
      await throughRedis(() => client.get(stream.id), takes);
      const connections = env.proxy.connections;
      env.proxy.hold();
      // The call's take goes on the silent connection and gets no answer: refused, or paced in memory.
      const outcome = await client.get(stream.id).then(
        () => 'ok',
        (error: unknown) => (ProviderUnavailableError.isInstance(error) ? 'unavailable' : String(error)),
      );
      expect(outcome).toBe(onUnavailable === 'fail' ? 'unavailable' : 'ok');
      expect(takes.at(-1)).toBe('ETIMEDOUT');
      // Kept for good, that connection would fail (or pace alone) every call for as long as TCP keeps it.
      await throughRedis(() => client.get(stream.id), takes);
      expect(env.proxy.connections).toBeGreaterThan(connections);
      // What the silent connection carried reaches Redis late: the take runs past its deadline and takes
      // nothing, its removal follows it; every call since gave its slot back.
      await env.proxy.deliverHeld();
      await expect.poll(() => env.admin.keys('*:slots'), { timeout: 30_000 }).toEqual([]);
    });
  }

  // Each mode with one ender: once the take's connection is silent, the mode plays no part in the wait.
  for (const [ender, onUnavailable] of [
    ['deadline', 'fail'],
    ['abort', 'fallback'],
  ] as const) {
    it(`ends a call at its ${ender} while its take waits on a silent connection, however long commandTimeoutMs is (${onUnavailable})`, async () => {
      // The call's deadline or signal comes first: the take's answer (its ETIMEDOUT) comes only after it.
      const { gate, takes } = recordedGate(
        open({ onUnavailable, commandTimeoutMs: 10_000, reconnectIntervalMs: 0 }),
      );
      const sent: string[] = [];
      const provider = liveapi({
        tokenId: 'silent-redis-token-id',
        secretKey: 'silent-redis-secret-key',
        baseUrl: 'https://api.liveapi.test',
        // Long enough for a call through Redis on a busy machine; the held call ends at it.
        totalTimeoutMs: ender === 'deadline' ? 2_000 : 60_000,
        fetch: async (input) => {
          sent.push(String(input instanceof Request ? input.url : input));
          return new Response('{"message":"Live stream not found"}', {
            status: 404,
            headers: { 'content-type': 'application/json' },
          });
        },
      });
      const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
      await throughRedis(() => client.get('620e0d57427ff4ddd764515f'), takes);
      const before = sent.length;
      const taken = takes.length;
      const held = env.proxy.held;
      env.proxy.hold();
      const controller = new AbortController();
      const call = client
        .get('620e0d57427ff4ddd764515f', { signal: controller.signal })
        .catch((error: unknown) => error);
      if (ender === 'abort') {
        // Aborted once its take is on the silent connection.
        await expect.poll(() => env.proxy.held, { timeout: 30_000 }).toBeGreaterThan(held);
        controller.abort();
      }
      const error = await call;
      // Settled before the store gave up on the take: by the call's own bound, not commandTimeoutMs.
      expect(takes).toHaveLength(taken);
      if (ender === 'deadline') {
        expect(TimeoutError.isInstance(error)).toBe(true);
        expect((error as TimeoutError).message).toContain('the rate limit store (Redis at 127.0.0.1:');
      } else expect(AbortError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).delivery).toBe('not-sent');
      expect(sent).toHaveLength(before);
    });
  }

  it('sends the removal of a take whose connection broke only once Redis would refuse the take, though the take reaches Redis after the next connection is up', async () => {
    // The removal waits for the take's deadline (commandTimeoutMs after it was sent): a few seconds here.
    const store = open({ commandTimeoutMs: 3_000, reconnectIntervalMs: 0 });
    await answering(store);
    const monitor = await env.redis.monitor();
    const held = env.proxy.held;
    env.proxy.hold();
    const take = store.acquireSlot('k', 'late', 3, 60_000).catch((caught: unknown) => caught);
    // The take is on its way (kept by the network), and its connection breaks for the store.
    await expect.poll(() => env.proxy.held, { timeout: 30_000 }).toBeGreaterThan(held);
    env.proxy.cutHeld();
    expect(await take).toBeInstanceOf(RedisGateStoreError);
    // A new connection is up, and then the take reaches Redis: in time, it takes its slot.
    await answering(store);
    await env.proxy.deliverHeld();
    // Whatever the order, the removal comes after the take can no longer take anything: no slot is left.
    await expect.poll(() => env.admin.zcard(slotsKey('k')), { timeout: 30_000 }).toBe(0);
    await monitor.stop();
    const commands = monitor.timed();
    const ran = commands.find(
      ({ args: [name, ...args] }) => /^eval(sha)?$/i.test(String(name)) && args.includes('late'),
    );
    const removals = commands.filter(
      ({ args: [name, , holder] }) => name?.toLowerCase() === 'zrem' && holder === 'late',
    );
    expect(ran).toBeDefined();
    expect(removals.length).toBeGreaterThan(0);
    // Sent on the new connection before the take's deadline (its last argument, Redis's clock), a removal
    // could run before the take, which would then hold its slot for nobody.
    for (const removal of removals) expect(removal.at).toBeGreaterThan(Number(ran?.args.at(-1)));
  });

  const closers: [string, () => Promise<unknown>][] = [
    ['a proxy cuts it', async () => env.proxy.cutOpen()],
    ['Redis kills it', () => env.admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')],
  ];
  for (const [how, closeIdle] of closers) {
    for (const onUnavailable of ['fail', 'fallback'] as const) {
      it(`connects again on the next call after ${how} while idle, naming no refusal (${onUnavailable})`, async () => {
        const provider = createMemoryProvider();
        const stream = await provider.create({ name: 'idle' });
        // An interval far longer than the test: a call held back by it would never go through.
        const store = open({ onUnavailable, commandTimeoutMs: 30_000, reconnectIntervalMs: 600_000 });
        const { gate, takes } = recordedGate(store);
        const warnings: unknown[] = [];
        const client = createLiveStreamClient(provider, {
          rateLimit: { maxConcurrency: 1, store: gate },
          hooks: { onWarning: (warning) => warnings.push(warning) },
        });
        await client.get(stream.id);
        // Asked on the same connection after the call's release: once answered, the connection is idle.
        await answering(store);
        const connections = env.proxy.connections;
        await closeIdle();
        await expect.poll(() => env.proxy.open, { timeout: 30_000 }).toBe(0);
        // A call that meets the connection still closing fails as closed; the next one connects.
        await throughRedis(() => client.get(stream.id), takes);
        expect(env.proxy.connections).toBe(connections + 1);
        expect(takes).not.toContain('ECONNREFUSED');
        expect(JSON.stringify(warnings)).not.toContain('ECONNREFUSED');
      });
    }
  }
});
