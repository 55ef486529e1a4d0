import { describe, expect, it } from 'vitest';
import { answering, slotsKey } from '../test/asked-until.js';
import { useRedisBehindProxy } from '../test/redis-behind-proxy.js';
import { redisServer } from '../test/redis-server.js';
import { RedisGateStoreError } from './redis-gate-store.js';

// A request that took its slot in Redis and then fell back to memory for its rate token (Redis went away
// while it waited) is released while the store is still down. That release cannot be sent then; it must not
// be lost: left, the slot stayed held by nobody for its whole hold, and every process of the account waited.
describe.skipIf(!redisServer)('a release made while the store is down', () => {
  const env = useRedisBehindProxy();

  it.each(['close', 'next connection'] as const)('is kept, and sent by the %s', async (sentBy) => {
    const store = env.open({
      url: env.proxy.url,
      commandTimeoutMs: 30_000,
      // Down for the test's length after a broken connection (close), or for a moment (next connection).
      reconnectIntervalMs: sentBy === 'close' ? 600_000 : 1,
    });
    await answering(store);
    // Held for ten minutes: only a removal, never its expiry, empties it within the test.
    expect(await store.acquireSlot('k', 'h1', 3, 600_000)).toBe(true);
    // The connection breaks under the next command: the store is down until reconnectIntervalMs passes.
    env.proxy.mode('cut', { after: 'drop' });
    await expect(store.pausedUntil('k')).rejects.toBeInstanceOf(RedisGateStoreError);
    const released = await store.releaseSlot('k', 'h1').then(
      () => 'sent',
      (error: unknown) => error,
    );
    if (sentBy === 'close') {
      // Refused at once, unsent: the store is waiting out its interval.
      expect(released).toBeInstanceOf(RedisGateStoreError);
      expect(await env.admin.zrange(slotsKey('k'), '0', '-1')).toEqual(['h1']);
      await env.proxy.recover();
      await store.close();
    } else {
      await env.proxy.recover();
      // The next connection sends the removals it keeps before anything else.
      await answering(store);
    }
    await expect.poll(() => env.admin.zrange(slotsKey('k'), '0', '-1'), { timeout: 30_000 }).toEqual([]);
  });
});
