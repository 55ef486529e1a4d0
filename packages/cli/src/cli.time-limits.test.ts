import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredProviderFactory, LiveStreamProvider } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// `--timeout-ms` is the call option `timeoutMs` (each attempt); `--total-timeout-ms` is the adapter setting
// `totalTimeoutMs`. What each reaches is read where the provider gets it: the settings its factory is
// given, and the options of its `get`.

let server: Server;
let baseUrl: string;
let requests = 0;

beforeAll(async () => {
  // A LiveAPI that knows no stream: every read is a 404 at once.
  server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function harness() {
  const out: string[] = [];
  const err: string[] = [];
  const settings: Record<string, unknown>[] = [];
  const callTimeouts: (number | undefined)[] = [];
  const output: Output = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  // The real LiveAPI factory, recording what it is given and the options each get reaches it with.
  const loadFactory = async (id: string) =>
    id === 'liveapi'
      ? (((given: Record<string, unknown>) => {
          settings.push({ ...given });
          // The credentials as the environment would give them, which the adapter reads from process.env.
          const provider = liveapi({
            ...(given as Parameters<typeof liveapi>[0]),
            tokenId: 'TokenIdQ7x9Lm2P',
            secretKey: 'SecretKeyZ4v8Rw1N',
          });
          return {
            ...provider,
            get: (streamId, options) => {
              callTimeouts.push(options?.timeoutMs);
              return provider.get(streamId, options);
            },
          } satisfies LiveStreamProvider;
        }) as ConfiguredProviderFactory)
      : undefined;
  const run = (...argv: string[]) => main(argv, { output, loadFactory, environment: {} });
  return { run, out, err, settings, callTimeouts };
}

const maxMs = 2_147_483_647;

describe('unilive --timeout-ms and --total-timeout-ms', () => {
  it('--total-timeout-ms is the adapter setting totalTimeoutMs; --timeout-ms the call option timeoutMs', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Limits no answer of the local server comes near (a 1 ms one may time the request out): what is
        // asserted is the value that reaches the adapter, not how it times.
        fc.option(fc.integer({ min: 10_000, max: maxMs }), { nil: undefined }),
        fc.option(fc.integer({ min: 10_000, max: maxMs }), { nil: undefined }),
        async (total, attempt) => {
          const { run, err, settings, callTimeouts } = harness();
          const before = requests;
          const code = await run(
            'get',
            'abcdef123456',
            '-p',
            'liveapi',
            '--base-url',
            baseUrl,
            ...(total === undefined ? [] : ['--total-timeout-ms', String(total)]),
            ...(attempt === undefined ? [] : ['--timeout-ms', String(attempt)]),
          );
          // The adapter took the setting: the request went out, and the 404 is the command's not-found.
          expect(requests).toBe(before + 1);
          expect(code).toBe(1);
          expect(err.join('\n')).toContain('NotFoundError');
          expect(settings).toHaveLength(1);
          expect(settings[0]?.totalTimeoutMs).toBe(total);
          expect('totalTimeoutMs' in (settings[0] as object)).toBe(total !== undefined);
          expect('timeoutMs' in (settings[0] as object)).toBe(false);
          expect(callTimeouts).toEqual([attempt]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('--total-timeout-ms reaches every --config entry that sets no totalTimeoutMs of its own', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-cli-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: maxMs }),
          fc.integer({ min: 1, max: maxMs }),
          async (total, own) => {
            const config = join(folder, 'providers.json');
            writeFileSync(
              config,
              JSON.stringify({
                providers: [
                  { provider: 'liveapi', name: 'a', baseUrl },
                  { provider: 'liveapi', name: 'b', baseUrl, totalTimeoutMs: own },
                ],
              }),
            );
            const { run, settings } = harness();
            await run('get', 'abcdef123456', '--config', config, '--total-timeout-ms', String(total));
            expect(settings.map((entry) => entry.totalTimeoutMs)).toEqual([total, own]);
          },
        ),
        { numRuns: 10 },
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('help names --timeout-ms a per-attempt limit and --total-timeout-ms the adapter total', async () => {
    const { run, out } = harness();
    expect(await run('get', '--help')).toBe(0);
    // Help wraps long descriptions: read it with its whitespace collapsed.
    const help = out.join('\n').replace(/\s+/g, ' ');
    expect(help).toContain('--timeout-ms <ms> per-attempt time limit');
    expect(help).not.toContain('per-request time limit');
    expect(help).toContain(
      "--total-timeout-ms <ms> one deadline for the whole call, retries and waits included (adapter's totalTimeoutMs)",
    );
  });
});
