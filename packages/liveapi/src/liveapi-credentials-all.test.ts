import { AuthenticationError, createLiveStreamClient, InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveapi } from './liveapi-provider.js';

// A two-part credential given wrong in both parts is refused naming both, whatever is wrong with each: the
// caller fixes both at once instead of meeting the second after fixing the first.

// Values a credential setting cannot take, each refused at the factory.
const wrong = fc.constantFrom<unknown>(
  null,
  '',
  '   ',
  '\u00a0',
  5,
  'tok\r\nx-injected: 1',
  'a\u200bb',
  'tok\u2028en',
  `\${TOKEN}`, // a placeholder left unexpanded
);
const good = fc.constantFrom('tid-abcdefgh', 'sec-abcdefgh');

afterEach(() => {
  vi.unstubAllEnvs();
});

const refusal = (make: () => unknown) => {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('credential settings given wrong', () => {
  it('are all named in one InvalidInputError at the factory, on LiveAPI (generated)', () => {
    fc.assert(
      fc.property(
        fc.option(wrong, { nil: undefined }),
        fc.option(wrong, { nil: undefined }),
        good,
        (first, second, fine) => {
          const cases = [
            {
              make: (a: unknown, b: unknown) => liveapi({ tokenId: a, secretKey: b } as never),
              names: ['tokenId', 'secretKey'],
            },
          ];
          for (const { make, names } of cases) {
            const given = [first === undefined ? fine : first, second === undefined ? fine : second];
            const bad = names.filter((_, index) => [first, second][index] !== undefined);
            const error = refusal(() => make(given[0], given[1]));
            if (bad.length === 0) {
              expect(error).toBeUndefined();
              continue;
            }
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect([...new Set((error as InvalidInputError).issues.map((issue) => issue.path))]).toEqual(bad);
            expect((error as InvalidInputError).delivery).toBe('not-sent');
            expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('x-injected');
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('one credential alone given wrong keeps its own words', () => {
    expect(refusal(() => liveapi({ tokenId: 5 as never, secretKey: 'sec-abcdefgh' }))).toMatchObject({
      message: 'liveapi: the `tokenId` setting must be a string',
      issues: [{ path: 'tokenId', message: 'expected a string' }],
    });
  });

  it('missing both parts of LiveAPI’s credential, the first call names both settings and both variables', async () => {
    vi.stubEnv('LIVEAPI_TOKEN_ID', '');
    vi.stubEnv('LIVEAPI_SECRET_KEY', '');
    const fetch = vi.fn();
    const error = await createLiveStreamClient(liveapi({ fetch }))
      .get('abc')
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'liveapi: no tokenId or secretKey configured; pass the `tokenId` setting or LIVEAPI_TOKEN_ID, and the `secretKey` setting or LIVEAPI_SECRET_KEY',
    );
    expect(fetch).not.toHaveBeenCalled();
    // One part given: the other is named alone.
    const second = await createLiveStreamClient(liveapi({ tokenId: 'tid-abcdefgh', fetch }))
      .get('abc')
      .catch((caught: unknown) => caught);
    expect((second as Error).message).toBe(
      'liveapi: no secretKey configured; pass the `secretKey` setting or LIVEAPI_SECRET_KEY',
    );
  });
});
