import { liveapi } from '@unilive/liveapi';
import { startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capturedOutput } from '../test/secrets.js';
import { main } from './cli.js';
import type { Output } from './progress.js';
import { sandboxSettings } from './providers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a sandbox on an address other than loopback', () => {
  it('`unilive sandbox --host 0.0.0.0` prints a loopback UNILIVE_SANDBOX_URL that every command then uses', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const output: Output = { out: (text) => lines.push(text), err: () => {}, interactive: false };
    const running = main(['sandbox', '--host', '0.0.0.0', '--port', '0', '--rtmp-port', '0'], {
      output,
      signal: controller.signal,
    });
    try {
      await expect.poll(() => lines.join('\n')).toContain('export UNILIVE_SANDBOX_URL=');
      const text = lines.join('\n');
      const url = /export UNILIVE_SANDBOX_URL=(\S+)/.exec(text)?.[1] ?? '';
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(text).not.toContain('0.0.0.0:');
      expect(text).toMatch(/RTMP ingest {5}rtmp:\/\/127\.0\.0\.1:\d+/);
      expect(text).toContain('Listening on every address (0.0.0.0)');
      for (const provider of ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk']) {
        const { out, err, output: captured } = capturedOutput();
        const code = await main(
          ['create', '--provider', provider, '--name', 'from the printed URL', '--json'],
          {
            output: captured,
            environment: { UNILIVE_SANDBOX_URL: url },
          },
        );
        expect({ provider, code, err }).toEqual({ provider, code: 0, err: [] });
        expect(JSON.stringify(JSON.parse(out.pop() ?? '{}'))).not.toContain('0.0.0.0');
      }
    } finally {
      controller.abort();
      expect(await running).toBe(130);
    }
  });

  it('`unilive sandbox --allowed-host` with no host name exits 2 naming it, and starts nothing', async () => {
    for (const entry of [
      'http://dev.example.test:3000',
      '*.example.test',
      '.example.test',
      'dev.example.test.',
      'a b',
    ]) {
      const { err, output } = capturedOutput();
      const code = await main(
        ['sandbox', '--port', '0', '--rtmp-port', '0', '--allowed-host', 'ok.test', '--allowed-host', entry],
        {
          output,
          environment: {},
        },
      );
      expect({ entry, code }).toEqual({ entry, code: 2 });
      expect(err).toEqual([
        expect.stringContaining(`unilive: --allowed-host ${JSON.stringify(entry)} is no host name`),
      ]);
    }
  });

  it('under --sandbox, a sandbox reached by plain http at a LAN address gets allowInsecureHttp, which its adapter takes', async () => {
    const sandbox = await startSandbox({ media: false });
    const index = await (await fetch(`${sandbox.url}/_sandbox`)).text();
    try {
      // The sandbox answers as if reached at the address: no test machine is sure to have one to listen on.
      vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(index));
      await fc.assert(
        fc.asyncProperty(
          fc
            .oneof(
              fc.ipV4(),
              fc.ipV6().map((host) => `[${host}]`),
            )
            .filter((host) => {
              const name = new URL(`http://${host}`).hostname;
              return (
                !/^(127\.|0\.0\.0\.0$)/.test(name) &&
                !['[::1]', '[::]'].includes(name) &&
                !name.startsWith('[::ffff:7f')
              );
            }),
          async (host) => {
            const settings = await sandboxSettings(`http://${host}:4010`, 'liveapi');
            expect(settings.allowInsecureHttp).toBe(true);
            expect(() => liveapi(settings)).not.toThrow();
          },
        ),
        { examples: [['192.0.2.2'], ['[fd00::2]']] },
      );
      // Loopback and https need nothing: the adapters' own check stays as it is.
      for (const url of [sandbox.url, 'http://localhost:4010', 'https://sandbox.example.test']) {
        expect((await sandboxSettings(url, 'liveapi')).allowInsecureHttp).toBeUndefined();
      }
    } finally {
      vi.restoreAllMocks();
      await sandbox.close();
    }
  });
});
