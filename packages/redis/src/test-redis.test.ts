import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  ephemeralPorts,
  ownPorts,
  portLockOf,
  redisServer,
  reservePort,
  startRedis,
} from '../test/redis-server.js';

// The tests' own Redis: a test that stops and restarts it must get its own server back, never another
// test's (a second copy of the suite runs beside this one), nor a port something else was handed meanwhile.
describe('the port of a test Redis', () => {
  it('lies below the ephemeral range, so the system never hands it to another process', () => {
    const { low } = ephemeralPorts();
    for (const port of ownPorts(200)) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
    }
  });

  it('is reserved for one holder at a time, across processes, until it is released', () => {
    const first = reservePort();
    try {
      expect(readFileSync(portLockOf(first.port), 'utf8')).toBe(String(process.pid));
      // Another copy of the suite, in its own process, asking for that port first: it gets the next one.
      const script = `
        const { reservePort } = await import(${JSON.stringify(new URL('../test/redis-server.ts', import.meta.url).href)});
        const other = reservePort([${first.port}, ${first.port}, 10001 + (${first.port} % 20000)]);
        console.log(other.port);
        other.release();
      `;
      const other = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(other.status).toBe(0);
      expect(Number(other.stdout.trim())).toBe(10001 + (first.port % 20000));
      expect(() => reservePort([first.port])).toThrow(/no free port/);
    } finally {
      first.release();
    }
    expect(existsSync(portLockOf(first.port))).toBe(false);
    const again = reservePort([first.port]);
    expect(again.port).toBe(first.port);
    again.release();
  });

  it('is taken over from a process that ended without releasing it', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const [port] = ownPorts(1);
    writeFileSync(portLockOf(port as number), String(gone));
    const taken = reservePort([port as number, port as number]);
    expect(taken.port).toBe(port);
    expect(readFileSync(portLockOf(taken.port), 'utf8')).toBe(String(process.pid));
    taken.release();
  });

  it.skipIf(!redisServer)(
    'stays reserved while Redis is stopped, which refuses connections, and serves again on it',
    async () => {
      const redis = await startRedis();
      try {
        const port = redis.port;
        await redis.stop();
        expect(() => reservePort([port])).toThrow(/no free port/);
        const refused = await new Promise<string | undefined>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(undefined);
          });
          socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
        });
        expect(refused).toBe('ECONNREFUSED');
        await redis.restart();
        expect(redis.port).toBe(port);
        await redis.flush();
      } finally {
        await redis.close();
      }
    },
  );
});
