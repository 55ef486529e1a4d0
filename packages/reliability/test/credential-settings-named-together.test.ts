import { InvalidInputError } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { videosdk } from '@unilive/videosdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

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

const refusal = (make: () => unknown) => {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('credential settings given wrong', () => {
  it('are all named in one InvalidInputError at the factory, on LiveAPI and on videosdk’s key pair (generated)', () => {
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
            {
              make: (a: unknown, b: unknown) => videosdk({ apiKey: a, secret: b } as never),
              names: ['apiKey', 'secret'],
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
});
