import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echoingHttpClient, keptHooks, shownOf } from '../../test/echo-call.js';
import { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';

// Go's `encoding/json` (several vendors' APIs are written in Go) escapes `<`, `>` and `&` as
// `\u003c`, `\u003e`, `\u0026`, and U+2028 / U+2029 as `\u2028` / `\u2029`, and leaves every other
// character as plain JSON does: a credential holding one of them, echoed by such a vendor, reaches the
// caller in that form.
const origin = 'https://api.go-vendor.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// What Go's `json.Marshal` writes for a string, inside its quotes, with lower- or upper-case hex digits.
function goJson(secret: string, upper: boolean): string {
  const json = JSON.stringify(secret).slice(1, -1);
  let out = '';
  for (const character of json) {
    const written = goEscapes[character];
    out +=
      written === undefined ? character : upper ? written.replace(/[a-f]/g, (d) => d.toUpperCase()) : written;
  }
  return out;
}

const ordinary = fc.constantFrom(...'abcdefghEFGHKLMN0123456789-_.'.split(''));
const special = fc.constantFrom('<', '>', '&', '\u2028', '\u2029');
// A credential of 8 to 40 characters holding at least one character Go escapes.
const goSecret = fc
  .tuple(
    fc.array(ordinary, { minLength: 4, maxLength: 20 }),
    special,
    fc.array(fc.oneof(ordinary, special), { minLength: 3, maxLength: 19 }),
  )
  .map(([head, one, tail]) => [...head, one, ...tail].join(''));

describe('a secret echoed as Go writes JSON', () => {
  it('is redacted from the typed error and every hook event', async () => {
    await fc.assert(
      fc.asyncProperty(
        goSecret,
        fc.boolean(),
        fc.constantFrom(400, 401, 403, 422, 500),
        async (secret, upper, status) => {
          const echoed = goJson(secret, upper);
          expect(echoed).not.toBe(secret);
          nock(origin)
            .post('/v1/streams')
            .reply(
              status,
              // The vendor's message quotes what a Go service upstream wrote, under no credential-like name.
              JSON.stringify({ error: { code: 'bad_input', message: `rejected {"value":"${echoed}"}` } }),
              { 'content-type': 'application/json' },
            );
          const secrets = new SecretSet();
          secrets.add(secret);
          const events: unknown[] = [];
          const hooks = keptHooks(events);
          const http = echoingHttpClient('go-vendor', origin, secrets);
          let caught: unknown;
          try {
            await http.request({
              operation: 'create',
              method: 'POST',
              path: 'streams',
              body: {},
              options: { runtime: { hooks, sleep: async () => {} } },
            });
          } catch (error) {
            caught = error;
          }
          expect(UniliveError.isInstance(caught)).toBe(true);
          const error = caught as UniliveError;
          expect(error.message).toContain('rejected {"value":"[REDACTED]"}');
          const shown = shownOf(error, events);
          for (const form of [secret, echoed, goJson(secret, !upper)]) expect(shown).not.toContain(form);
          nock.cleanAll();
        },
      ),
      { numRuns: 150 },
    );
  });
});
