import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLiveStreamClientFromConfig, createLiveStreamRegistryFromConfig } from '@unilive/core';
import { describe, expect, it } from 'vitest';
import { useRedisAndSandbox } from '../test/redis-and-sandbox.js';
import { redisServer } from '../test/redis-server.js';

const coreEntry = fileURLToPath(new URL('../../core/dist/index.js', import.meta.url));

describe("rateLimit: { store: 'redis' } in configuration", () => {
  it('names @unilive/redis when it is not installed, before any request', () => {
    // A process where nothing can find the package: core's build, run from an empty folder.
    const script = `
      const { createLiveStreamClientFromConfig } = await import(${JSON.stringify(coreEntry)});
      const error = await createLiveStreamClientFromConfig(
        { provider: 'fake', rateLimit: { store: 'redis', url: 'redis://127.0.0.1:1' } },
        { providers: { fake: () => ({ specificationVersion: 'v1', id: 'fake', capabilities: {} }) } },
      ).catch((caught) => caught);
      console.log(JSON.stringify({ name: error?.name, message: error?.message, issues: error?.issues }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      encoding: 'utf8',
      // pnpm puts its hoisted packages on NODE_PATH for the scripts it runs; an application has no such path.
      env: { ...process.env, NODE_PATH: '' },
    });
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'InvalidInputError',
      message:
        'The rate limit store package @unilive/redis is not installed: run `npm install @unilive/redis`',
      issues: [{ path: 'rateLimit.store', message: 'expected @unilive/redis to be installed' }],
    });
  });

  it('puts a bad Redis URL under rateLimit.url, without repeating it', async () => {
    const error = await createLiveStreamClientFromConfig({
      provider: 'liveapi',
      rateLimit: { store: 'redis', url: 'https://user:hunter2-secret@cache.internal' },
    }).catch((caught: unknown) => caught);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'rateLimit.url',
    ]);
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });
});

describe.skipIf(!redisServer)("rateLimit: { store: 'redis', url } against a real Redis", () => {
  const env = useRedisAndSandbox();

  it('loads @unilive/redis by name and keeps each account of a registry in Redis, one connection for all', async () => {
    const monitor = await env.redis.monitor();
    const rateLimit = {
      requestsPerSecond: 20,
      maxConcurrency: 4,
      store: 'redis' as const,
      url: env.redis.url,
    };
    const single = await createLiveStreamClientFromConfig({
      provider: 'wowza-video',
      ...env.sandbox.adapterSettings('wowza-video'),
      rateLimit,
    });
    await single.create({ name: 'configured' });
    const registry = await createLiveStreamRegistryFromConfig({
      providers: [
        { provider: 'liveapi', ...env.sandbox.adapterSettings('liveapi'), rateLimit },
        { provider: 'videosdk', ...env.sandbox.adapterSettings('videosdk'), rateLimit },
      ],
    });
    await registry.create({ name: 'routed' });
    const commands = await monitor.stop();
    const keys = new Set(commands.flatMap((args) => args.filter((arg) => arg.startsWith('unilive:gate:'))));
    const providers = new Set([...keys].map((key) => /\{([a-z-]+):/.exec(key)?.[1]));
    expect([...providers].sort()).toEqual(['liveapi', 'wowza-video']);
    expect(
      [...keys].every((key) => /^unilive:gate:\{[a-z-]+:[0-9a-f]{32}\}:(rate|slots|pause)$/.test(key)),
    ).toBe(true);
    // Clients configured alike share one store, so the process has one connection to Redis.
    // (Commands that the scripts run inside Redis are reported with the source "lua".)
    const connections = [...monitor.sources()].filter(
      ([source, sent]) =>
        source !== 'lua' && sent.some((args) => args.some((arg) => arg.startsWith('unilive:gate:'))),
    );
    expect(connections).toHaveLength(1);
  });
});
