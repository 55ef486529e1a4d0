import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { ephemeralPorts, portLockOf, reservePort } from '@unilive/testing/ports';
import { findRedisServer } from '@unilive/testing/redis-server';
import { describe, expect, it } from 'vitest';
import { startBenchRedis } from './fleet.js';

const redisServer = findRedisServer();
if (!redisServer) console.warn("skipping the fleet benchmark's Redis: no redis-server on PATH");

// What answers a command on a port: the server started there, or whatever else took the port.
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString('utf8'));
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!redisServer)("the fleet benchmark's Redis", () => {
  it('runs on a port reserved as the tests reserve theirs, held from before it starts until it is closed', async () => {
    const redis = await startBenchRedis(redisServer as string);
    try {
      // Below the ephemeral range: `listen(0)` and outgoing connections are never handed it.
      expect(redis.port).toBeGreaterThanOrEqual(10_000);
      expect(redis.port).toBeLessThan(ephemeralPorts().low);
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(readFileSync(portLockOf(redis.port), 'utf8')).toBe(String(process.pid));
      // Another copy of the suite, or a test Redis, asking for that port is turned away.
      expect(() => reservePort([redis.port])).toThrow(/no free port/);
      expect(await ping(redis.port)).toBe('+PONG\r\n');
    } finally {
      await redis.close();
    }
    expect(existsSync(portLockOf(redis.port))).toBe(false);
    // Given back: the next holder may take it.
    const again = reservePort([redis.port]);
    expect(again.port).toBe(redis.port);
    again.release();
  });
});
