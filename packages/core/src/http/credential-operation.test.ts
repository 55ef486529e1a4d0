import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCredential } from '../config/settings.js';
import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient } from './http-client.js';

// A credential is read before each request (it may come from the environment): one refused then (a control
// character, a missing value) failed the call the caller made, and carries its operation, as every error of
// that call does and as the hooks' events name it (docs/errors.md), never no operation at all.

describe('a credential refused before the request', () => {
  it('names the call made, before anything is sent (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'list', 'create', 'stop', 'parseWebhook'),
        fc.oneof(
          // A control character (C0, DEL, C1) inside a token, an empty setting, or none at all.
          fc
            .tuple(
              fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('a', 'B', '7') }),
              fc.constantFrom('\u0001', '\u0009', '\u007f', '\u0085', '\u009b'),
              fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom('a', 'B', '7') }),
            )
            .map(([before, control, after]) => `${before}${control}${after}`),
          fc.constant(''),
          fc.constant(undefined),
        ),
        fc.boolean(),
        async (operation, token, async) => {
          let sent = 0;
          const read = () =>
            loadCredential({ provider: 'liveapi', setting: 'token', value: token, environmentVariables: [] });
          const http = createHttpClient({
            provider: 'liveapi',
            baseUrl: 'https://api.vendor.test/v1',
            headers: async ? async () => ({ authorization: read() }) : () => ({ authorization: read() }),
            secrets: new SecretSet(),
            fetch: (async () => {
              sent += 1;
              return new Response('{}');
            }) as typeof fetch,
            retry: { maxRetries: 0 },
          });
          let caught: unknown;
          try {
            await http.request({ operation, method: 'GET', path: 'streams/a' });
          } catch (error) {
            caught = error;
          }
          // Missing: no credential to send. Given, but refused: empty, or with a control character.
          const kind = token === undefined ? AuthenticationError : InvalidInputError;
          expect(kind.isInstance(caught), String(caught)).toBe(true);
          expect(caught).toMatchObject({ provider: 'liveapi', operation });
          expect(sent).toBe(0);
        },
      ),
      {
        examples: [
          // A NEL inside a value is a C1 control; around it, whitespace (dropped, as around a variable).
          ['get', 'ab\u0085cd', false],
          ['get', 'ab\u0001cd', true],
          ['list', '', false],
          ['list', undefined, false],
        ],
      },
    );
  });
});
