import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCredential } from '../config/settings.js';
import { UniliveError } from '../errors/unilive-error.js';
import { systemClock, systemSleep } from '../runtime.js';
import { SecretSet } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient } from './http-client.js';
import { createRequestGate } from './request-gate.js';

// A credential that never leaves: a header value no HTTP header can carry (a C0 control character, CR/LF,
// DEL, a character beyond Latin-1), a header name no header can have, a credential the adapter's
// `loadCredential` refuses as it reads it from the environment before each request (a C0 or C1 control
// character, `LIVEAPI_SECRET_KEY=…\u009b`; none at all), or a signing error, sync or async. `good` is the
// control: the same call sent.
const headerUnsafe = fc.oneof(
  fc.integer({ min: 0x00, max: 0x08 }),
  fc.integer({ min: 0x0a, max: 0x1f }),
  fc.constant(0x7f),
  fc.integer({ min: 0x100, max: 0xd7ff }),
);
// (No NUL: an environment variable cannot hold one.)
const credentialUnsafe = fc.oneof(
  fc.integer({ min: 0x01, max: 0x08 }),
  fc.integer({ min: 0x0a, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
);
const secretText = fc.stringMatching(/^[A-Za-z0-9]{4,24}$/);
const credential = fc.oneof(
  fc.record({
    kind: fc.constant('bad-value' as const),
    prefix: secretText,
    code: headerUnsafe,
    async: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('refused' as const),
    prefix: secretText,
    code: credentialUnsafe,
    async: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('missing' as const), async: fc.boolean() }),
  fc.record({
    kind: fc.constant('bad-name' as const),
    name: fc.constantFrom('x key', 'x:key', 'x\u00e9', ''),
    async: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('throws' as const), async: fc.boolean() }),
  fc.record({ kind: fc.constant('good' as const), async: fc.boolean() }),
);
type Credential = typeof credential extends fc.Arbitrary<infer T> ? T : never;
const variable = 'UNILIVE_TEST_ON_REQUEST_SECRET';

function headersOf(given: Credential): () => Record<string, string> | Promise<Record<string, string>> {
  const make = (): Record<string, string> => {
    switch (given.kind) {
      case 'bad-value':
        return { authorization: `Bearer ${given.prefix}${String.fromCharCode(given.code)}` };
      case 'bad-name':
        return { [given.name]: 'Bearer abcdef' };
      case 'refused':
      case 'missing':
        // As an adapter reads a credential left to the environment: before each request.
        return {
          authorization: `Bearer ${loadCredential({
            provider: 'test-vendor',
            setting: 'secretKey',
            value: undefined,
            environmentVariables: [variable],
          })}`,
        };
      case 'throws':
        throw new Error('signing failed');
      case 'good':
        return { authorization: 'Bearer abcdef' };
    }
  };
  return given.async ? async () => make() : make;
}

describe('onRequest', () => {
  afterEach(() => {
    delete process.env[variable];
  });

  it('is heard for a request fetch is handed, never for one refused before it leaves', async () => {
    await fc.assert(
      fc.asyncProperty(
        credential,
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.boolean(),
        async (given, method, gated) => {
          if (given.kind === 'refused') {
            // Within the value: a line end at its end is whitespace a `.env` file's line leaves, dropped.
            process.env[variable] = `${given.prefix}${String.fromCharCode(given.code)}x`;
          } else delete process.env[variable];
          let fetched = 0;
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: headersOf(given),
            secrets: new SecretSet(),
            fetch: (async () => {
              fetched += 1;
              return new Response('{"id":"a"}', { headers: { 'content-type': 'application/json' } });
            }) as typeof fetch,
          });
          const heard: string[] = [];
          const hooks: HttpHooks = {
            onRequest: (event) => heard.push(`request ${event.attempt}`),
            onError: (event) => heard.push(`error ${event.error.name} ${event.error.delivery}`),
          };
          const gate = gated ? createRequestGate({ maxConcurrency: 1 }, systemClock, systemSleep) : undefined;
          const outcome = await http
            .request({
              operation: 'get',
              method,
              path: 'a',
              schema: v.looseObject({ id: v.string() }),
              options: { runtime: { hooks, sleep: async () => {}, ...(gate ? { gate } : {}) } },
            })
            .then(
              () => 'ok',
              (error: unknown) =>
                UniliveError.isInstance(error) ? `${error.name} ${error.delivery}` : 'raw',
            );
          if (given.kind === 'good') {
            expect(outcome).toBe('ok');
            expect(fetched).toBe(1);
            expect(heard).toEqual(['request 1']);
            return;
          }
          const name =
            given.kind === 'throws' || given.kind === 'missing' ? 'AuthenticationError' : 'InvalidInputError';
          expect(outcome).toBe(`${name} not-sent`);
          expect(fetched).toBe(0);
          // onRequest is never called when fetch is never called: onError alone hears the refusal.
          expect(heard).toEqual([`error ${name} not-sent`]);
        },
      ),
      {
        numRuns: 120,
        examples: [
          [{ kind: 'refused', prefix: 'EnvSec4Hj8Kl2Mn6Pq', code: 0x9b, async: false }, 'GET', false],
          [{ kind: 'refused', prefix: 'abcd', code: 0x0a, async: true }, 'POST', true],
          [{ kind: 'missing', async: false }, 'GET', false],
          [{ kind: 'bad-value', prefix: 'abcd', code: 0x0d, async: false }, 'GET', false],
          [{ kind: 'bad-value', prefix: 'abcd', code: 0x2603, async: true }, 'POST', true],
          [{ kind: 'bad-name', name: 'x key', async: false }, 'GET', true],
          [{ kind: 'throws', async: true }, 'DELETE', false],
          [{ kind: 'good', async: false }, 'GET', false],
          [{ kind: 'good', async: true }, 'POST', true],
        ],
      },
    );
  });
});
