import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PatternKind } from './aho-corasick.js';
import { indexWork } from './fingerprints.js';
import { TruncatedIndex, truncatedFormsOf, truncatedScanBudget, truncatedSecretLimit } from './truncated.js';

// Which characters of `text` the stretches of each kind cover.
function covered(
  text: string,
  scan: (found: (start: number, end: number, kind: PatternKind) => void) => void,
) {
  const marks = [new Int32Array(text.length + 1), new Int32Array(text.length + 1)];
  scan((start, end, kind) => {
    const mark = marks[kind] as Int32Array;
    mark[start] = (mark[start] as number) + 1;
    mark[end] = (mark[end] as number) - 1;
  });
  return marks.map((mark) => {
    let open = 0;
    return Array.from({ length: text.length }, (_, at) => {
      open += mark[at] as number;
      return open > 0;
    });
  });
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

describe('TruncatedIndex.scan: the budget of its comparisons', () => {
  it('finishes coarsely once its budget is spent, within the budget, hiding all the comparisons would have hidden', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('a', 'ab', 'abc', '\\', 'xY'),
        fc.integer({ min: 1, max: truncatedSecretLimit }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('', 'Q8zLm3Rt', 'sk_live_'),
        fc.array(fc.constantFrom(...letters), { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 200, max: 3_000 }),
        fc.array(fc.constantFrom('', ' ', 'k9', '"', '\\"', 'Zq'), { maxLength: 30 }),
        fc.oneof(fc.constant(0), fc.nat(20_000), fc.constant(Number.POSITIVE_INFINITY)),
        (unit, count, step, head, tail, size, breaks, budget) => {
          const beginnings = Array.from({ length: count }, (_, at) => {
            const length = Math.max(8 - head.length, at * step + 1);
            return `${head}${unit.repeat(length).slice(0, length)}${tail.join('')}`;
          });
          // A run of the unit, broken here and there by what ends a word or goes on otherwise.
          let text = '';
          for (let at = 0; text.length < size; at += 1)
            text += `${head}${unit.repeat(1 + ((at * 7) % 40))}${breaks[at % Math.max(1, breaks.length)] ?? ''}`;
          const index = new TruncatedIndex();
          for (const beginning of beginnings) index.learn(beginning, [beginning]);
          const precise = covered(text, (found) => index.scan(text, found, Number.POSITIVE_INFINITY));
          const before = indexWork.steps;
          const bounded = covered(text, (found) => index.scan(text, found, budget));
          const steps = indexWork.steps - before;
          const forms = beginnings.reduce(
            (total, beginning) => total + truncatedFormsOf(beginning).length,
            0,
          );
          // The budget, the comparison that overran it, each form's ends fingerprinted once.
          expect(steps).toBeLessThanOrEqual(budget + 65 + 16 * forms);
          for (const kind of [0, 1]) {
            const more = (bounded[kind] as boolean[]).every((hidden, at) => hidden || !precise[kind]?.[at]);
            expect(more).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hides more, never less, on a text that spends the default budget', () => {
    // 64 beginnings `a`×8 … `a`×71 (each create's answer cut one character further into a key of `a`s),
    // then a text of `a`s and a word: every place holds whole forms of many lengths.
    const index = new TruncatedIndex();
    for (let at = 0; at < truncatedSecretLimit; at += 1)
      index.learn('a'.repeat(8 + at), ['a'.repeat(8 + at)]);
    const text = `${'a'.repeat(3_000)} then ${'aaaaaaaa!'.repeat(400)} after`;
    const precise = covered(text, (found) => index.scan(text, found, Number.POSITIVE_INFINITY));
    const before = indexWork.steps;
    const bounded = covered(text, (found) => index.scan(text, found));
    expect(indexWork.steps - before).toBeLessThan(2 * truncatedScanBudget(text.length));
    expect(bounded[0]?.every((hidden, at) => hidden || !precise[0]?.[at])).toBe(true);
    // The comparisons leave ` then ` and ` after`; the coarse pass, which takes every place for the end of
    // the longest form (71 characters), hides the first too.
    expect(precise[0]?.filter((hidden) => !hidden)).toHaveLength(12);
    expect(
      text
        .slice(3_000, 3_006)
        .split('')
        .every((_, at) => bounded[0]?.[3_000 + at]),
    ).toBe(true);
  });
});
