import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServer, startRedis, type TestRedis } from '../../redis/test/redis-server.js';
import { main } from './cli.js';
import type { Output } from './progress.js';

function harness() {
  const token = 'cli-memory-token-1234';
  const backend = createMemoryBackend({ token, transitionPolls: 1 });
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const loadFactory = async (id: string) =>
    id === 'memory'
      ? ((() => createMemoryProvider({ backend, token })) as ConfiguredProviderFactory)
      : undefined;
  const run = (...argv: string[]) =>
    main(argv, { output, loadFactory, environment: { UNILIVE_PROVIDER: 'memory' } });
  return { run, out, err, backend };
}

/** A loopback port nothing listens on: Redis "down". */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('unilive --rate-limit and --rate-limit-store', () => {
  it.each([
    [['--rate-limit', '0'], '--rate-limit expects a number of requests per second above 0'],
    [['--max-concurrency', '1.5'], '--max-concurrency expects a whole number, at least 1'],
    [['--rate-limit-store', 'postgres'], '--rate-limit-store expects memory or redis'],
    [['--redis-url', 'redis://127.0.0.1:6379'], '--redis-url needs --rate-limit-store redis'],
    [['--on-store-unavailable', 'fail'], '--on-store-unavailable needs --rate-limit-store redis'],
    [
      ['--rate-limit-store', 'redis', '--on-store-unavailable', 'retry'],
      '--on-store-unavailable expects fallback or fail',
    ],
  ])('%j is a usage error before any request', async (flags, message) => {
    const { run, err, backend } = harness();
    expect(await run('create', '--name', 'paced', ...flags)).toBe(2);
    expect(err).toEqual([`unilive: ${message}`]);
    expect(backend.counts.requests).toBe(0);
  });

  it('refuses a --redis-url whose database is not a number Redis can have, naming it and never its password', async () => {
    const port = await closedPort();
    for (const database of ['abc', '%31', '1e1', '-1', '2abc']) {
      const { run, err, backend } = harness();
      const url = `redis://:hunter2-secret@127.0.0.1:${port}/${database}`;
      expect(
        await run('list', '--rate-limit', '5', '--rate-limit-store', 'redis', '--redis-url', url, '--json'),
      ).toBe(2);
      expect(err[0]).toMatch(/^unilive: warning: --redis-url holds a password/);
      expect(err[1]).toBe(
        'unilive: InvalidInputError: invalid rateLimit: rateLimit.url (expected the database after the host to be a number from 0 to 2147483646 (redis://host:port/2))',
      );
      expect(err.join('\n')).not.toContain('hunter2');
      expect(backend.counts.requests).toBe(0);
    }
  });

  it('paces in memory with a warning when Redis cannot be reached, or fails unsent with --on-store-unavailable fail', async () => {
    const port = await closedPort();
    const url = `redis://:hunter2-secret@127.0.0.1:${port}`;
    const fallback = harness();
    expect(
      await fallback.run(
        'create',
        '--name',
        'paced',
        '--rate-limit',
        '5',
        '--rate-limit-store',
        'redis',
        '--redis-url',
        url,
        '--json',
      ),
    ).toBe(0);
    expect(JSON.parse(fallback.out.pop() ?? '').name).toBe('paced');
    expect(fallback.err).toEqual([
      'unilive: warning: --redis-url holds a password, which other users of this machine can read; use UNILIVE_REDIS_URL',
      `unilive: warning: Redis at 127.0.0.1:${port} is unavailable (ECONNREFUSED): this process paces its requests alone, in memory, until it answers again`,
    ]);

    const failing = harness();
    expect(
      await failing.run(
        'create',
        '--name',
        'refused',
        '--rate-limit-store',
        'redis',
        '--on-store-unavailable',
        'fail',
        '--redis-url',
        `redis://127.0.0.1:${port}`,
      ),
    ).toBe(1);
    expect(failing.err).toEqual([
      `unilive: ProviderUnavailableError: memory: the rate limit store (Redis at 127.0.0.1:${port}) is unavailable (ECONNREFUSED) and rateLimit is set to fail then; not sent`,
    ]);
    expect(failing.backend.counts.requests).toBe(0);
  });

  describe.skipIf(!redisServer)('with a real redis-server', () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.close();
    });

    it("keeps the command's budget in Redis, from UNILIVE_REDIS_URL, for one provider or several", async () => {
      const monitor = await redis.monitor();
      const { out, err, backend } = harness();
      const loadFactory = async (id: string) =>
        id === 'memory'
          ? ((() =>
              createMemoryProvider({ backend, token: 'cli-memory-token-1234' })) as ConfiguredProviderFactory)
          : undefined;
      const output: Output = {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
        interactive: false,
      };
      const environment = { UNILIVE_PROVIDER: 'memory', UNILIVE_REDIS_URL: redis.url };
      const flags = ['--rate-limit', '10', '--max-concurrency', '2', '--rate-limit-store', 'redis'];
      expect(await main(['create', '--name', 'one', ...flags], { output, loadFactory, environment })).toBe(0);
      // Several providers from --config: the flags pace each entry that sets no rateLimit of its own.
      const folder = mkdtempSync(join(tmpdir(), 'unilive-cli-'));
      const config = join(folder, 'providers.json');
      writeFileSync(
        config,
        JSON.stringify({
          providers: [
            { provider: 'memory', name: 'a' },
            { provider: 'memory', name: 'b' },
          ],
        }),
      );
      try {
        expect(
          await main(['create', '--name', 'two', '--config', config, ...flags], {
            output,
            loadFactory,
            environment,
          }),
        ).toBe(0);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
      const keys = new Set(
        (await monitor.stop()).flatMap((args) => args.filter((arg) => arg.startsWith('unilive:gate:'))),
      );
      expect([...keys].sort()).toEqual(
        [...keys]
          .filter((key) => /^unilive:gate:\{memory:[0-9a-f]{32}\}:(rate|slots|pause)$/.test(key))
          .sort(),
      );
      expect([...keys].some((key) => key.endsWith(':rate'))).toBe(true);
      expect([...keys].some((key) => key.endsWith(':slots'))).toBe(true);
    });
  });
});
