import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors/errors.js';
import { assertValidId, idProblem, pathOf } from './ids.js';

// The verdict as the rule states it, with nothing remembered between calls.
function expectedProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'expected a string';
  if (!/^[A-Za-z0-9_~.-]{1,128}$/.test(id)) return 'expected 1–128 letters, digits, "_", "-", "." or "~"';
  if (id.includes('..')) return 'expected no ".." sequence';
  if (id === '.') return 'expected an id other than "."';
  return undefined;
}

// Ids near every edge of the rule, and values that are no string at all, each likely to come up again in a
// sequence (the verdict of the id checked last is remembered).
const candidate = fc.oneof(
  fc.constantFrom(
    'a',
    'abc',
    'A-b_c.d~e',
    '.',
    '..',
    'a..b',
    '.a',
    'a.',
    '',
    ' ',
    'a/b',
    'a%2e',
    'é',
    'a'.repeat(128),
  ),
  fc.constantFrom('a'.repeat(129), 'x?y', 'x#y', '\u0000', undefined, null, 1, {}, ['a']),
  fc.stringMatching(/^[A-Za-z0-9_~.-]{0,6}$/),
  fc.string({ maxLength: 8 }),
);

describe('stream ids', () => {
  it('gives every id the verdict of the rule, whatever ids were checked before it', () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 12 }), (ids) => {
        for (const id of ids) expect(idProblem(id)).toBe(expectedProblem(id));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an unusable id right after a usable one, naming the provider and operation', () => {
    fc.assert(
      fc.property(candidate, candidate, (first, second) => {
        idProblem(first);
        const problem = expectedProblem(second);
        const check = () => assertValidId(second, { provider: 'liveapi', operation: 'get' });
        if (problem === undefined) {
          expect(check).not.toThrow();
          expect(pathOf`live_streams/${second as string}`).toBe(
            `live_streams/${encodeURIComponent(second as string)}`,
          );
          return;
        }
        let thrown: unknown;
        try {
          check();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidInputError);
        expect(thrown).toMatchObject({
          provider: 'liveapi',
          operation: 'get',
          message: `Invalid input for get: id: ${problem}`,
          issues: [{ path: 'id', message: problem }],
          delivery: 'not-sent',
        });
      }),
      { numRuns: 1000 },
    );
  });
});
