import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisProxy, startRedisProxy } from '../test/redis-proxy.js';
import { redisServer, startRedis, type TestRedis } from '../test/redis-server.js';

const closeWorker = fileURLToPath(new URL('../test/close-worker.ts', import.meta.url));

interface Worker {
  send(type: 'call' | 'take' | 'close'): void;
  /** The `count`th message of this type (from 1), once it has come. */
  next(type: string, count?: number): Promise<{ type: string; code?: string; resources?: string[] }>;
  count(type: string): number;
  readonly exited: Promise<void>;
  readonly child: ChildProcess;
}

// A process whose only work is one store, in each state its connection can be in when `close()` comes: once
// `close()` has resolved, no timer and no socket of the store may be left (a process that is done then
// exits at once, as it does without `close()`). The worker reads what keeps it alive right after `close()`
// resolved; no test measures time.
describe.skipIf(!redisServer)('what close leaves running, whatever state the connection is in', () => {
  let redis: TestRedis;
  // A Redis stopped (its port kept reserved, so nothing else answers there): connections are refused.
  let down: TestRedis;
  let proxy: RedisProxy;
  const workers: Worker[] = [];

  function start(url: string, options: Record<string, unknown>): Worker {
    const child = fork(closeWorker, [url, JSON.stringify(options)], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const messages: { type: string; code?: string; resources?: string[] }[] = [];
    child.on('message', (message: { type: string }) => messages.push(message));
    const ofType = (type: string) => messages.filter((message) => message.type === type);
    const worker: Worker = {
      child,
      exited,
      send: (type) => child.send({ type }),
      count: (type) => ofType(type).length,
      async next(type, count = 1) {
        await expect.poll(() => ofType(type).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count);
        return ofType(type)[count - 1] as { type: string; code?: string; resources?: string[] };
      },
    };
    workers.push(worker);
    return worker;
  }
  // A call, answered: its outcome's code.
  const call = async (worker: Worker, type: 'call' | 'take' = 'call') => {
    await worker.next('ready');
    const count = worker.count('called');
    worker.send(type);
    return (await worker.next('called', count + 1)).code;
  };

  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startRedisProxy(redis.port);
    down = await startRedis();
    await down.stop();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.child.kill();
    await proxy.recover();
    await down.stop();
    await redis.flush();
  });
  afterAll(async () => {
    await proxy?.close();
    await redis?.close();
    await down?.close();
  });

  // Each state: the store's options, and what brings its connection there.
  const states: [string, () => Promise<Worker>][] = [
    [
      'Redis refuses connections',
      async () => {
        const worker = start(down.url, { commandTimeoutMs: 30_000 });
        expect(await call(worker)).toBe('ECONNREFUSED');
        return worker;
      },
    ],
    [
      'Redis refuses connections, after the store worked',
      async () => {
        await down.restart();
        const worker = start(down.url, { commandTimeoutMs: 30_000 });
        expect(await call(worker)).toBe('ok');
        await down.stop();
        // The idle connection closes with Redis; the next call connects again, and is refused.
        await expect.poll(() => call(worker), { timeout: 30_000 }).toBe('ECONNREFUSED');
        return worker;
      },
    ],
    [
      'the connection is accepted and never answered, after a call gave up on it',
      async () => {
        proxy.mode('drop');
        // The limit under test runs out on the connection that never answers: short.
        const worker = start(proxy.url, { commandTimeoutMs: 200 });
        expect(await call(worker)).toBe('ETIMEDOUT');
        return worker;
      },
    ],
    [
      'a connection is under way, never answered',
      async () => {
        proxy.mode('drop');
        const worker = start(proxy.url, { commandTimeoutMs: 30_000 });
        await worker.next('ready');
        const connections = proxy.connections;
        worker.send('call');
        await expect.poll(() => proxy.connections, { timeout: 30_000 }).toBeGreaterThan(connections);
        return worker;
      },
    ],
    [
      "the store's reconnection is pending, a removal waiting",
      async () => {
        const worker = start(proxy.url, { commandTimeoutMs: 30_000, reconnectIntervalMs: 600_000 });
        expect(await call(worker)).toBe('ok');
        const cuts = proxy.cuts;
        // Every connection is reset on its first request: the take's, then the store's own reconnection
        // (at once, a removal waiting); the next attempt is due ten minutes later.
        proxy.resetOn(/./);
        worker.send('take');
        await expect.poll(() => proxy.cuts, { timeout: 30_000 }).toBe(cuts + 2);
        return worker;
      },
    ],
    [
      'a connection that worked is silent, its end never answered',
      async () => {
        const worker = start(proxy.url, { commandTimeoutMs: 30_000 });
        expect(await call(worker)).toBe('ok');
        // As by a host that is gone: nothing passes either way, nor is the store's end answered.
        proxy.hold();
        return worker;
      },
    ],
  ];

  // One test per state, so that each has the whole time limit of a test on a busy machine.
  for (const [state, reach] of states) {
    it(`leaves no timer and no socket once close has resolved: ${state}`, async () => {
      const worker = await reach();
      // A message of its own: at least one turn of the event loop after what brought the state about.
      worker.send('close');
      const { resources = [] } = await worker.next('closed');
      expect(resources.filter((resource) => resource === 'Timeout' || resource.startsWith('TCP'))).toEqual(
        [],
      );
      await worker.exited;
    });
  }
});
