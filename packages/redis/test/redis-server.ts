import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReservedPort } from '@unilive/testing/ports';
import { findRedisServer, launchRedisServer } from '@unilive/testing/redis-server';
import { Redis } from 'ioredis';

// The port reservation is shared with the benchmark's Redis: one rule for every redis-server the suite starts.
export { ephemeralPorts, ownPorts, portLockOf, type ReservedPort, reservePort } from '@unilive/testing/ports';

/** The `redis-server` on PATH, or undefined: the tests that need one are skipped without it. */
export const redisServer: string | undefined = findRedisServer();

/** A real redis-server on a loopback port of its own, started and stopped by the test. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops it cleanly (SIGTERM) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty: the port stays reserved while it is stopped. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Every key with its type and value, as text: what an operator of this Redis can read. */
  dump(): Promise<{ key: string; type: string; value: string }[]>;
  /** Deletes every key. */
  flush(): Promise<void>;
  /** Records every command any client sends (MONITOR) until `stop`, which answers each with its arguments. */
  monitor(): Promise<{
    stop(): Promise<string[][]>;
    sources(): Map<string, string[][]>;
    /** Every command heard so far, with when Redis ran it (ms on Redis's clock) and the client it came from. */
    timed(): { at: number; args: string[]; source: string }[];
  }>;
  close(): Promise<void>;
}

/**
 * Starts `redis-server` on a reserved 127.0.0.1 port (see `reservePort`), without persistence, and waits
 * until it accepts. The port stays reserved until `close`.
 */
export async function startRedis(): Promise<TestRedis> {
  const directory = mkdtempSync(join(tmpdir(), 'unilive-redis-'));
  let reserved: ReservedPort | undefined;
  let port = 0;
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    // A restart keeps its port, which clients know: never another one behind their back.
    const launched = await launchRedisServer(redisServer as string, directory, { reserved });
    reserved = launched.reserved;
    port = reserved.port;
    child = launched.child;
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGCONT');
    running.kill(signal);
    await exited;
  }

  await launch();
  const admin = (options: { monitor?: boolean } = {}) => {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...options,
    });
    // A helper that cannot reach a stopped server fails its own call; no event needs printing.
    client.on('error', () => {});
    return client;
  };
  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    stop: () => stop(),
    async restart() {
      await stop();
      await launch();
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async dump() {
      const client = admin();
      try {
        await client.connect();
        const entries: { key: string; type: string; value: string }[] = [];
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
          cursor = next;
          for (const key of keys) {
            const type = await client.type(key);
            // A key that expired between SCAN and reading it (a rate window's or a pause's TTL, which a busy
            // machine can outlast) is no longer there: nothing to dump.
            if (type === 'none') continue;
            const value =
              type === 'string'
                ? await client.get(key)
                : type === 'zset'
                  ? (await client.zrange(key, '0', '-1', 'WITHSCORES')).join(' ')
                  : type === 'hash'
                    ? JSON.stringify(await client.hgetall(key))
                    : type === 'list'
                      ? (await client.lrange(key, 0, -1)).join(' ')
                      : type === 'set'
                        ? (await client.smembers(key)).join(' ')
                        : `(${type})`;
            if (value === null) continue;
            entries.push({ key, type, value });
          }
        } while (cursor !== '0');
        return entries;
      } finally {
        client.disconnect();
      }
    },
    async flush() {
      const client = admin();
      try {
        await client.connect();
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    async monitor() {
      // A connection made in monitor mode, with its error listener in place before any line can arrive:
      // MONITOR's first lines may come in the same packet as its OK, before ioredis counts the connection as
      // monitoring, and it reports those as 'error' events.
      const monitor = admin({ monitor: true });
      const commands: string[][] = [];
      const bySource = new Map<string, string[][]>();
      const timed: { at: number; args: string[]; source: string }[] = [];
      monitor.on('monitor', (time: string, args: string[], source: string) => {
        commands.push(args);
        // `seconds.microseconds`, Redis's clock when it ran the command.
        timed.push({ at: Number(time) * 1000, args, source });
        bySource.set(source, [...(bySource.get(source) ?? []), args]);
      });
      const monitoring = new Promise<void>((resolve) => monitor.once('monitoring', () => resolve()));
      await monitor.connect();
      await monitoring;
      return {
        sources: () => bySource,
        timed: () => timed.filter(({ args }) => args[1] !== 'unilive-monitor-end'),
        async stop() {
          // A last command that passes through the monitor: everything before it has been heard.
          const marker = admin();
          await marker.connect();
          await marker.echo('unilive-monitor-end');
          marker.disconnect();
          await new Promise<void>((resolve) => {
            const check = () =>
              commands.some((args) => args[1] === 'unilive-monitor-end') ? resolve() : setTimeout(check, 5);
            check();
          });
          monitor.disconnect();
          return commands.filter((args) => args[1] !== 'unilive-monitor-end');
        },
      };
    },
    async close() {
      await stop();
      reserved?.release();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
