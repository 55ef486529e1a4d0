import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredProviderFactory } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// Every Redis store a command makes, and whether its `close` had resolved.
const made = vi.hoisted(() => [] as { closed: boolean }[]);
vi.mock('@unilive/redis', async (original) => {
  const real = await original<typeof import('@unilive/redis')>();
  return {
    ...real,
    createRedisGateStore: (...args: Parameters<typeof real.createRedisGateStore>) => {
      const store = real.createRedisGateStore(...args);
      const record = { closed: false };
      made.push(record);
      const close = store.close.bind(store);
      return Object.assign(store, {
        close: async () => {
          await close();
          record.closed = true;
        },
      });
    },
  };
});

/** A loopback port nothing listens on: Redis "down", so each store falls back or fails at once. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'unilive-cli-close-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// How a command ends, with its exit code: done, a vendor failure, a refusal after the client was made, an
// interrupt while the vendor holds the request; each through one provider or several (--config).
type Ending = 'done' | 'fails' | 'refused' | 'interrupted';
const codes: Record<Ending, number> = { done: 0, fails: 1, refused: 2, interrupted: 130 };

describe('unilive closes the Redis store it made when the command ends', () => {
  it('every store is closed by the time main returns, however the command ended (generated)', async () => {
    const port = await closedPort();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Ending>('done', 'fails', 'refused', 'interrupted'),
        fc.boolean(),
        async (ending, several) => {
          made.length = 0;
          const token = 'cli-memory-token-1234';
          const backend = createMemoryBackend({ token, transitionPolls: 1 });
          const stream = await createMemoryProvider({ backend, token }).create({ name: 'held' }, {});
          const interrupt = new AbortController();
          if (ending === 'fails') backend.injectFault('get', { type: 'forbidden', times: 1 });
          if (ending === 'interrupted') {
            backend.injectFault('get', { type: 'slow', delayMs: 600_000, onHold: () => interrupt.abort() });
          }
          const output: Output = { out: () => {}, err: () => {}, interactive: false };
          const loadFactory = async (id: string) =>
            id === 'memory'
              ? ((() => createMemoryProvider({ backend, token })) as ConfiguredProviderFactory)
              : undefined;
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
          const id = ending === 'refused' ? 'no/such id' : stream.id;
          const code = await main(
            [
              'get',
              several ? `a:${id}` : id,
              ...(several ? ['--config', config] : []),
              '--max-concurrency',
              '1',
              '--rate-limit-store',
              'redis',
            ],
            {
              output,
              loadFactory,
              signal: interrupt.signal,
              environment: {
                UNILIVE_PROVIDER: 'memory',
                UNILIVE_REDIS_URL: `redis://127.0.0.1:${port}`,
              },
            },
          );
          expect(code).toBe(codes[ending]);
          expect(made.length).toBeGreaterThan(0);
          expect(made.map((store) => store.closed)).toEqual(made.map(() => true));
        },
      ),
      {
        numRuns: 8,
        examples: (['done', 'fails', 'refused', 'interrupted'] as const).flatMap((ending) => [
          [ending, false] as [Ending, boolean],
          [ending, true] as [Ending, boolean],
        ]),
      },
    );
  });
});
