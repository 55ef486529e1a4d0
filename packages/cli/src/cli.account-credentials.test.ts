import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedOutput, leaked, temporaryFolder } from '../test/secrets.js';
import { main } from './cli.js';

// The account's own credentials never show in what the CLI writes, whatever the vendor answers: a vendor
// that echoes one in a stream's name (or anywhere in a success answer) has it masked there, in every
// encoding, with or without --show-secrets; a stream's own key still prints when asked for.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ media: false });
});
afterAll(async () => {
  await sandbox.close();
});
const folder = temporaryFolder('unilive-account-');

/** What the sandbox's LiveAPI takes: the account's credentials here, given as a user gives real ones. */
function account() {
  const { tokenId = '', secretKey = '' } = sandbox.credentials('liveapi');
  return { tokenId, secretKey };
}

const echoes = {
  plain: (value: string) => value,
  url: (value: string) => encodeURIComponent(value),
  base64: (value: string) => Buffer.from(value).toString('base64'),
  json: (value: string) => JSON.stringify(value).slice(1, -1),
};

describe('the account credentials a vendor echoes in a success answer', () => {
  it('are masked in create, get and list, text and --json, with and without --show-secrets, one provider or a --config', async () => {
    const { tokenId, secretKey } = account();
    const config = join(folder(), 'account.json');
    await writeFile(
      config,
      JSON.stringify({
        providers: [
          { provider: 'liveapi', name: 'acct', baseUrl: sandbox.baseUrl('liveapi'), tokenId, secretKey },
        ],
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('tokenId', 'secretKey'),
        fc.constantFrom(...(Object.keys(echoes) as (keyof typeof echoes)[])),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (which, encoding, json, showSecrets, viaConfig) => {
          const credential = which === 'tokenId' ? tokenId : secretKey;
          const { out, err, output } = capturedOutput();
          const connection = viaConfig
            ? ['--config', config]
            : [
                '-p',
                'liveapi',
                '--base-url',
                sandbox.baseUrl('liveapi'),
                '--token-id',
                tokenId,
                '--secret-key',
                secretKey,
              ];
          const run = (...argv: string[]) =>
            main(
              [
                ...argv,
                ...connection,
                ...(json ? ['--json'] : []),
                ...(showSecrets ? ['--show-secrets'] : []),
              ],
              {
                output,
                environment: {},
              },
            );
          const name = `echo ${echoes[encoding](credential)} end`;
          expect(await run('create', '--name', name), err.join('\n')).toBe(0);
          const created = out.join('\n');
          const id = json
            ? (JSON.parse(out.at(-1) ?? '{}') as { id: string }).id
            : (/\[liveapi ([^\]]+)\]/.exec(created)?.[1] ??
              /\[acct:liveapi ([^\]]+)\]/.exec(created)?.[1] ??
              '');
          expect(await run('get', viaConfig && !id.includes(':') ? `acct:${id}` : id), err.join('\n')).toBe(
            0,
          );
          expect(await run('list'), err.join('\n')).toBe(0);
          const printed = [...out, ...err].join('\n');
          expect(leaked(printed, [tokenId, secretKey])).toBeUndefined();
          // The rest of the name still reads, and a stream key asked for still prints.
          expect(printed).toContain('echo ');
          if (showSecrets && json) expect(printed).toMatch(/"streamKey":"lv_[0-9a-f]+/);
        },
      ),
      { numRuns: 24 },
    );
  });
});

// A server that records every request it is sent, and answers 404.
async function recorder(): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

describe('--sandbox', () => {
  it('given empty is a usage error, sending nothing, where it read as "no sandbox" and went to the vendor', async () => {
    const vendor = await recorder();
    try {
      for (const argv of [['--sandbox='], ['--sandbox', ''], ['--sandbox', ' ']]) {
        const { out, err, output } = capturedOutput();
        const code = await main(['get', 'abc123', '-p', 'liveapi', ...argv], {
          output,
          environment: {
            UNILIVE_SANDBOX_URL: sandbox.url,
            LIVEAPI_BASE_URL: vendor.url,
            LIVEAPI_TOKEN_ID: 'real-token-id',
            LIVEAPI_SECRET_KEY: 'real-secret-key',
          },
        });
        expect([argv, code, err.join('\n')]).toEqual([argv, 2, 'unilive: --sandbox needs a value']);
        expect(out).toEqual([]);
      }
      expect(vendor.seen).toEqual([]);
    } finally {
      vendor.server.close();
    }
  });

  it('an empty --provider is a usage error, not the provider UNILIVE_PROVIDER names, in every command that takes one', async () => {
    const vendor = await recorder();
    try {
      for (const [command, provider] of [
        [['get', 'abc123'], ['--provider=']],
        [
          ['get', 'abc123'],
          ['-p', ' '],
        ],
        [['list'], ['-p', 'liveapi', '--provider=']],
        [['demo'], ['--provider', '']],
      ] as const) {
        const { out, err, output } = capturedOutput();
        const code = await main([...command, ...provider], {
          output,
          environment: {
            UNILIVE_PROVIDER: 'liveapi',
            LIVEAPI_BASE_URL: vendor.url,
            LIVEAPI_TOKEN_ID: 'real-token-id',
            LIVEAPI_SECRET_KEY: 'real-secret-key',
          },
        });
        expect([command, provider, code, err.join('\n')]).toEqual([
          command,
          provider,
          2,
          'unilive: --provider needs a value',
        ]);
        expect(out).toEqual([]);
      }
      expect(vendor.seen).toEqual([]);
    } finally {
      vendor.server.close();
    }
  });

  it("takes only credentials from the sandbox's answer: a baseUrl among them never sends requests elsewhere", async () => {
    const elsewhere = await recorder();
    const seen: string[] = [];
    const fake = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url === '/_sandbox') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            providers: {
              liveapi: {
                basePath: '/liveapi/v1',
                credentials: {
                  tokenId: 'dev-token-id',
                  secretKey: 'dev-secret-key',
                  baseUrl: `${elsewhere.url}/`,
                },
              },
            },
          }),
        );
        return;
      }
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"message":"Live stream not found"}');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as { port: number };
    try {
      const { output } = capturedOutput();
      const code = await main(['get', 'abc123', '-p', 'liveapi', '--sandbox', `http://127.0.0.1:${port}`], {
        output,
        environment: {},
      });
      expect(code).toBe(1);
      expect(elsewhere.seen).toEqual([]);
      expect(seen).toEqual(['GET /_sandbox', 'GET /liveapi/v1/live_streams/abc123']);
    } finally {
      fake.close();
      elsewhere.server.close();
    }
  });
});
