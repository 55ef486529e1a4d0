import { createLiveStreamClient, ProviderUnavailableError } from '@unilive/core';
import { createMemoryProvider } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { throughRedis } from '../test/asked-until.js';
import { recordedGate } from '../test/recorded-gate.js';
import { useRedisBehindProxy } from '../test/redis-behind-proxy.js';
import { redisServer } from '../test/redis-server.js';

// A new connection whose first answers are lost (a half-open connection: the proxy drops Redis's answers while
// the connection stays open) never gets through its handshake or its resumption. The store must drop it once
// a call has waited commandTimeoutMs on it, and make another, so that it works again as soon as the network
// does. No test measures time: each counts connections at the proxy, reads what Redis holds, and asks until
// calls go through Redis again (within the shared 30 s wait).
describe.skipIf(!redisServer)('a connection whose first answers are lost', () => {
  const env = useRedisBehindProxy();
  // The limit under test runs out on the faulted connection: short. reconnectIntervalMs 0: no call is held
  // back by the interval, so what is asserted does not depend on how long anything took.
  const open = (onUnavailable: 'fail' | 'fallback') =>
    env.open({ url: env.proxy.url, onUnavailable, commandTimeoutMs: 200, reconnectIntervalMs: 0 });

  // What a call meets while the connection under way gets no answer: refused (fail), or paced in memory
  // (fallback); either way no slot was taken on Redis.
  async function callDuringFault(
    call: () => Promise<unknown>,
    onUnavailable: 'fail' | 'fallback',
    takes: string[],
  ): Promise<void> {
    const outcome = await call().then(
      () => 'ok',
      (error: unknown) => (ProviderUnavailableError.isInstance(error) ? 'unavailable' : String(error)),
    );
    expect(outcome).toBe(onUnavailable === 'fail' ? 'unavailable' : 'ok');
    expect(takes.at(-1)).not.toBe('ok');
  }

  for (const onUnavailable of ['fail', 'fallback'] as const) {
    it(`drops the connection made at once after a take's was cut, whose answers were lost, and works again with the removal sent once answers flow (${onUnavailable})`, async () => {
      const provider = createMemoryProvider();
      const stream = await provider.create({ name: 'lost-answers' });
      const { gate, takes } = recordedGate(open(onUnavailable));
      const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
      // A first call loads the slot script into Redis, so the take below runs as it arrives (EVALSHA). Asked
      // until it goes through Redis: on a busy machine the short limit can run out before any fault.
      await throughRedis(() => client.get(stream.id), takes);
      const connections = env.proxy.connections;
      const lost = env.proxy.dropped;
      // The take reaches Redis, which runs it; its connection is cut, and from then on answers are lost.
      env.proxy.mode('cut', { cutOn: /eval/i, after: 'drop' });
      await client.get(stream.id).catch(() => undefined);
      const [slots] = await env.admin.keys('*:slots');
      await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(1);
      // The store reconnects at once (a removal waits), inside the fault: that connection's handshake is lost.
      await expect.poll(() => env.proxy.connections, { timeout: 30_000 }).toBeGreaterThan(connections);
      await expect.poll(() => env.proxy.dropped, { timeout: 30_000 }).toBeGreaterThan(lost);
      await callDuringFault(() => client.get(stream.id), onUnavailable, takes);
      await env.proxy.recover();
      // Once the answers flow, calls go through Redis again, and the removal went out. Not counted: whether a
      // connection is made after the recovery. The store may already have dropped the connection whose answers
      // were lost and made the one that works, during the fault, its handshake passing once answers flow.
      await throughRedis(() => client.get(stream.id), takes);
      await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(0);
    });

    it(`drops the connection made at once after a take's was cut, whose answers were lost, and sends the removal once answers flow, with no further call (${onUnavailable})`, async () => {
      const provider = createMemoryProvider();
      const stream = await provider.create({ name: 'lost-answers' });
      const { gate, takes } = recordedGate(open(onUnavailable));
      const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
      await throughRedis(() => client.get(stream.id), takes);
      const connections = env.proxy.connections;
      const lost = env.proxy.dropped;
      env.proxy.mode('cut', { cutOn: /eval/i, after: 'drop' });
      await client.get(stream.id).catch(() => undefined);
      const [slots] = await env.admin.keys('*:slots');
      await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(1);
      // The store's own reconnection, inside the fault: its handshake is lost, and no call waits on it.
      await expect.poll(() => env.proxy.connections, { timeout: 30_000 }).toBeGreaterThan(connections);
      await expect.poll(() => env.proxy.dropped, { timeout: 30_000 }).toBeGreaterThan(lost);
      await env.proxy.recover();
      // The store gives that connection up by itself, makes another, and the removal goes out on it.
      await expect.poll(() => env.admin.zcard(String(slots)), { timeout: 30_000 }).toBe(0);
    });

    it(`drops a connection made by a call after an idle one was cut, whose answers were lost, and works again once answers flow (${onUnavailable})`, async () => {
      const provider = createMemoryProvider();
      const stream = await provider.create({ name: 'lost-answers' });
      const store = open(onUnavailable);
      const { gate, takes } = recordedGate(store);
      const client = createLiveStreamClient(provider, { rateLimit: { maxConcurrency: 1, store: gate } });
      await throughRedis(() => client.get(stream.id), takes);
      // Asked directly on the same connection, after the call's release: once answered, nothing is in flight.
      await expect.poll(() => store.pausedUntil('ping'), { timeout: 30_000 }).toBe(0);
      const [slots] = await env.admin.keys('*:slots');
      // The idle connection is cut (no removal waits), and the next one's answers are lost.
      env.proxy.mode('drop');
      env.proxy.cutOpen();
      await expect.poll(() => env.proxy.open, { timeout: 30_000 }).toBe(0);
      const connections = env.proxy.connections;
      const lost = env.proxy.dropped;
      await callDuringFault(() => client.get(stream.id), onUnavailable, takes);
      // The call's take may give up before its connection reaches the proxy (a busy machine): asked until.
      await expect.poll(() => env.proxy.connections, { timeout: 30_000 }).toBeGreaterThan(connections);
      await expect.poll(() => env.proxy.dropped, { timeout: 30_000 }).toBeGreaterThan(lost);
      await env.proxy.recover();
      await throughRedis(() => client.get(stream.id), takes);
      // Each call gave its slot back: nothing is held.
      expect(await env.admin.zcard(String(slots))).toBe(0);
    });
  }
});
