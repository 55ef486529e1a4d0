import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturedOutput } from '../test/secrets.js';
import { main } from './cli.js';
import { credentialVariables } from './providers.js';

// The exit code tells a script what kind of failure it met: 2 for anything refused before any request (a
// setting the library refuses, credentials missing included), 1 for an operation that failed. Missing
// credentials exited 1, as if a vendor had refused them.

let vendor: Server;
let requests = 0;
let vendorUrl: string;
beforeAll(async () => {
  // A vendor refusing every token: its 401 is the operation's failure, not a usage error.
  vendor = createServer((request, response) => {
    requests += 1;
    request.resume();
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Invalid token', code: 'ERR-401-InvalidToken' }));
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => vendor.close(resolve));
});
// The adapters read their credentials from the process's environment: none here but what a test sets (a
// blank variable is an absent one).
beforeEach(() => {
  for (const variable of credentialVariables) vi.stubEnv(variable, '');
  requests = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('exit codes', () => {
  it.each(['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'])(
    '%s without credentials: AuthenticationError, not sent, exit 2, in text and JSON',
    async (provider) => {
      for (const json of [false, true]) {
        const { out, err, output } = capturedOutput();
        const code = await main(['get', 'abc123', '-p', provider, ...(json ? ['--json'] : [])], {
          output,
          environment: {},
        });
        expect(code, err.join('\n')).toBe(2);
        expect(err[0]).toMatch(/^unilive: AuthenticationError: /);
        if (json) {
          const document = JSON.parse(out.at(-1) ?? 'null') as { error: Record<string, unknown> };
          expect(document.error).toMatchObject({
            name: 'AuthenticationError',
            operation: 'get',
            delivery: 'not-sent',
            isRetryable: false,
          });
          expect(document.error.status).toBeUndefined();
        }
      }
    },
  );

  it('a vendor refusing the token: AuthenticationError with its status, exit 1', async () => {
    vi.stubEnv('WOWZA_VIDEO_TOKEN', 'cli-exit-code-token-0001');
    const { err, output } = capturedOutput();
    const code = await main(['get', 'abc123', '-p', 'wowza-video', '--base-url', vendorUrl], {
      output,
      environment: {},
    });
    expect(code, err.join('\n')).toBe(1);
    expect(err[0]).toMatch(/^unilive: AuthenticationError: wowza-video get failed \(HTTP 401/);
  });

  it('a credential file that is not UTF-8 is refused, exit 2, nothing sent; a UTF-8 one cut by the size limit is refused for its size', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'unilive-cli-utf8-'));
    try {
      const latin1 = join(folder, 'token');
      await writeFile(
        latin1,
        Buffer.concat([Buffer.from('cli-exit-code-tok'), Buffer.from([0xe9]), Buffer.from('n')]),
      );
      const { err, output } = capturedOutput();
      const code = await main(
        ['get', 'abc123', '-p', 'wowza-video', '--base-url', vendorUrl, '--token-file', latin1],
        {
          output,
          environment: {},
        },
      );
      expect(code).toBe(2);
      expect(err.at(-1)).toBe(
        'unilive: --token-file: it is not UTF-8 text (a byte no UTF-8 character holds; save it as UTF-8)',
      );
      expect(requests).toBe(0);
      // 64 KiB of two-byte characters and one more: the limit falls inside a character.
      const large = join(folder, 'large');
      await writeFile(large, 'é'.repeat(32 * 1024 + 1));
      const over = capturedOutput();
      expect(
        await main(['get', 'abc123', '-p', 'wowza-video', '--base-url', vendorUrl, '--token-file', large], {
          output: over.output,
          environment: {},
        }),
      ).toBe(2);
      expect(over.err.at(-1)).toMatch(/^unilive: --token-file: larger than 64 KiB/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('wait with a state that is none says so, without repeating it; with none, that one is needed', async () => {
    for (const [state, message] of [
      [
        'broadcasting',
        'unilive: wait: the state given is none of stopped, starting, ready, stopping, resetting, disabled, unknown',
      ],
      [
        '',
        'unilive: wait needs a state: one of stopped, starting, ready, stopping, resetting, disabled, unknown',
      ],
    ] as const) {
      const { err, output } = capturedOutput();
      expect(await main(['wait', 'abc123', state, '-p', 'liveapi'], { output, environment: {} })).toBe(2);
      expect(err[0]).toBe(message);
    }
  });

  // `wait ID`, `wait ID ""` and `wait ID "  "` are one mistake (no state to wait for): one message, listing
  // the states, and the usage error's exit code, 2. Left out, the state was commander's "missing state".
  it('wait with no state, an empty one or a blank one says the same thing, naming the states', async () => {
    const answers = [];
    for (const argv of [
      ['wait', 'abc123'],
      ['wait', 'abc123', ''],
      ['wait', 'abc123', '   '],
      ['wait', 'abc123', '\t'],
      ['wait', 'abc123', '--json'],
      ['wait', 'abc123', '', '--json'],
    ]) {
      const { out, err, output } = capturedOutput();
      const code = await main([...argv, '-p', 'liveapi'], { output, environment: {} });
      answers.push({ code, err, out });
    }
    const line =
      'unilive: wait needs a state: one of stopped, starting, ready, stopping, resetting, disabled, unknown';
    for (const { code, err } of answers) expect([code, err]).toEqual([2, [line]]);
    // With --json the same message, in the document every usage error prints.
    for (const { out } of answers.slice(4))
      expect(JSON.parse(out[0] ?? 'null')).toMatchObject({
        error: { name: 'UsageError', message: line.replace(/^unilive: /, ''), delivery: 'not-sent' },
      });
    // The state is still shown as required.
    const help = capturedOutput();
    expect(await main(['wait', '--help'], { output: help.output, environment: {} })).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: unilive wait [options] <id> <state>\n');
  });
});
