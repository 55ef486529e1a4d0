import { createServer, type Server } from 'node:http';
import type { ConfiguredProviderFactory } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import type { Output } from './progress.js';

// A vendor (or an error page in front of it) echoing the LiveAPI secret key with every character an HTML
// numeric character reference, in its message and its request id: the CLI prints neither.
const tokenId = 'TokenIdQ7x9Lm2P';
let echoed = '';
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'application/json', 'x-request-id': echoed });
    response.end(JSON.stringify({ message: `bad key ${echoed}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function references(secret: string, form: 'decimal' | 'hex' | 'HEX'): string {
  return [...secret]
    .map((character) => {
      const code = character.codePointAt(0) as number;
      return form === 'decimal'
        ? `&#${code};`
        : form === 'hex'
          ? `&#x${code.toString(16)};`
          : `&#X${code.toString(16).toUpperCase()};`;
    })
    .join('');
}

describe('unilive output of a secret echoed as HTML numeric references', () => {
  it('masks it in text and --json output, message and request id alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9]{12,32}$/),
        fc.constantFrom('decimal', 'hex', 'HEX') as fc.Arbitrary<'decimal' | 'hex' | 'HEX'>,
        fc.boolean(),
        async (secretKey, form, json) => {
          echoed = references(secretKey, form);
          const lines: string[] = [];
          const output: Output = {
            out: (text) => lines.push(text),
            err: (text) => lines.push(text),
            interactive: false,
          };
          const loadFactory = async (id: string) =>
            id === 'liveapi'
              ? (((given: Record<string, unknown>) =>
                  liveapi({
                    ...(given as Parameters<typeof liveapi>[0]),
                    tokenId,
                    secretKey,
                    retry: { maxRetries: 0 },
                  })) as ConfiguredProviderFactory)
              : undefined;
          const code = await main(
            ['get', 'abcdef123456', '-p', 'liveapi', '--base-url', baseUrl, ...(json ? ['--json'] : [])],
            { output, loadFactory, environment: {} },
          );
          expect(code).toBe(1);
          const printed = lines.join('\n');
          expect(printed).toContain('bad key [REDACTED]');
          expect(printed).not.toContain(echoed);
          expect(printed).not.toContain(secretKey);
        },
      ),
      { numRuns: 30 },
    );
  });
});
