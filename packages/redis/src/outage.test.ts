import {
  createLiveStreamClient,
  ProviderUnavailableError,
  type UniliveError,
  type WarningEvent,
} from '@unilive/core';
import liveapi from '@unilive/liveapi';
import { describe, expect, it } from 'vitest';
import { useRedisAndSandbox } from '../test/redis-and-sandbox.js';
import { redisServer, type TestRedis } from '../test/redis-server.js';
import { createRedisGateStore } from './redis-gate-store.js';

describe.skipIf(!redisServer)('Redis stopped in the middle of a run', () => {
  const env = useRedisAndSandbox();

  /** Creates through one client, stopping Redis after `stopAfter` creates reach the vendor and starting it again after `restartAfter`. */
  async function run(onUnavailable: 'fallback' | 'fail', total: number) {
    // A generous time limit, so that only the stopped server, never a busy machine, makes the store fail.
    const store = createRedisGateStore({
      url: env.redis.url,
      onUnavailable,
      reconnectIntervalMs: 100,
      commandTimeoutMs: 10_000,
    });
    const warnings: WarningEvent[] = [];
    const client = createLiveStreamClient(liveapi(env.sandbox.adapterSettings('liveapi')), {
      rateLimit: { requestsPerSecond: 50, maxConcurrency: 5, store },
      hooks: { onWarning: (event) => warnings.push(event) },
    });
    const names = new Map<string, number>();
    let created = 0;
    let outage: Promise<unknown> | undefined;
    let monitor: Awaited<ReturnType<TestRedis['monitor']>> | undefined;
    const stop = env.sandbox.onStreamChange((change) => {
      if (change.kind !== 'created' || change.provider !== 'liveapi') return;
      const name = String(change.record?.name);
      names.set(name, (names.get(name) ?? 0) + 1);
      created += 1;
      if (created === Math.floor(total / 4)) {
        outage = env.redis.stop().then(async () => {
          // Down while a quarter more go by, then back.
          await new Promise<void>((resolve) => {
            const check = () =>
              created >= Math.floor(total / 2) || created + failures >= total / 2
                ? resolve()
                : setTimeout(check, 5);
            check();
          });
          await env.redis.restart();
          monitor = await env.redis.monitor();
        });
      }
    });
    let failures = 0;
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: total }, async (_, index) => {
          try {
            return await client.create({ name: `outage ${index}` });
          } catch (error) {
            failures += 1;
            throw error;
          }
        }),
      );
      await outage;
      // After it is back, the client uses Redis again: creates go on until Redis has heard one's rate token.
      const rateKey = /^unilive:gate:\{liveapi:[0-9a-f]{32}\}:rate$/;
      await expect
        .poll(async () => {
          await client.create({ name: `after ${Date.now()}` }).catch(() => undefined);
          return [...(monitor?.sources().values() ?? [])]
            .flat()
            .some((args) => args.some((arg) => rateKey.test(arg)));
        })
        .toBe(true);
      const commands = (await monitor?.stop()) ?? [];
      return { outcomes, names, warnings, commands };
    } finally {
      stop();
      await store.close();
      await env.redis.flush();
    }
  }

  it('by default, falls back to memory with one warning, loses and repeats nothing, and returns to Redis', async () => {
    const total = 120;
    const { outcomes, names, warnings, commands } = await run('fallback', total);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(total);
    // Each stream created exactly once.
    for (let index = 0; index < total; index += 1) expect(names.get(`outage ${index}`)).toBe(1);
    expect(warnings).toEqual([
      {
        provider: 'liveapi',
        operation: 'create',
        warning: {
          type: 'fallback',
          setting: 'rateLimit.store',
          message: expect.stringMatching(
            new RegExp(
              `^Redis at 127\\.0\\.0\\.1:${env.redis.port} is unavailable \\([A-Z][A-Z0-9_]+\\): this process paces its requests alone, in memory, until it answers again$`,
            ),
          ),
        },
      },
    ]);
    // Back on Redis: rate windows and slots are counted there again.
    expect(
      commands.some((args) => args.some((arg) => /^unilive:gate:\{liveapi:[0-9a-f]{32}\}:rate$/.test(arg))),
    ).toBe(true);
  });

  it("with onUnavailable 'fail', refuses while Redis is down, each refusal provably unsent, and recovers", async () => {
    const total = 120;
    const { outcomes, names, warnings } = await run('fail', total);
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as UniliveError] : [],
    );
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      expect(error.delivery).toBe('not-sent');
    }
    // Nothing lost: every call that succeeded made its stream once; every refused one made none.
    outcomes.forEach((outcome, index) => {
      expect(names.get(`outage ${index}`) ?? 0).toBe(outcome.status === 'fulfilled' ? 1 : 0);
    });
    expect(warnings).toEqual([]);
  });
});
