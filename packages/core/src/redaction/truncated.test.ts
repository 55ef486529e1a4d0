import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PatternKind } from './aho-corasick.js';
import { fragmentScanBudget, indexWork } from './fingerprints.js';
import { TruncatedIndex, truncatedFormsOf, truncatedSecretLimit } from './truncated.js';

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
    // 64 beginnings `a`×8 … `a`×71 and a `b` (each create's answer cut one character further into keys of
    // `a`s), then a text of `a`s and a word: every place holds the first characters of forms of many
    // lengths, and the text parts from each at its own length, where no word ends. (Without the `b`, the
    // longest form the text holds whole at a place ends the search there.)
    const index = new TruncatedIndex();
    for (let at = 0; at < truncatedSecretLimit; at += 1) {
      const beginning = `${'a'.repeat(8 + at)}b`;
      index.learn(beginning, [beginning]);
    }
    const text = `${'a'.repeat(3_000)} then ${'aaaaaaaa!'.repeat(400)} after`;
    let before = indexWork.steps;
    const precise = covered(text, (found) => index.scan(text, found, Number.POSITIVE_INFINITY));
    expect(indexWork.steps - before).toBeGreaterThan(fragmentScanBudget(text.length));
    before = indexWork.steps;
    const bounded = covered(text, (found) => index.scan(text, found));
    expect(indexWork.steps - before).toBeLessThan(2 * fragmentScanBudget(text.length));
    expect(bounded[0]?.every((hidden, at) => hidden || !precise[0]?.[at])).toBe(true);
    // The comparisons hide the end of the run of `a`s (a cut beginning, up to 72 characters) and each
    // `aaaaaaaa`; the coarse pass, which takes every place for the end of the longest form, hides more.
    const count = (hidden: boolean[] | undefined) => hidden?.filter(Boolean).length ?? 0;
    expect(count(bounded[0])).toBeGreaterThan(count(precise[0]));
  });

  it('computes no beginning forms again in a later scan until the beginnings change', () => {
    // 64 beginnings of 448 … 511 emoji share their first and last eight characters in every form: a short
    // text of their escapes spends the budget on Z-arrays of forms of some 6,000 characters, and the
    // coarse pass needs the longest form of the bucket. The characters of forms computed count as work: a
    // later scan computes none, so its work is its budget's.
    let computed = 0;
    const index = new TruncatedIndex((value) => {
      const forms = truncatedFormsOf(value);
      for (const [form] of forms) computed += form.length;
      return forms;
    });
    for (let at = 0; at < truncatedSecretLimit; at += 1) {
      const value = '\u{1F600}'.repeat(448 + at);
      index.learn(value, [value]);
    }
    fc.assert(
      fc.property(
        fc.constantFrom('%F0%9F%98%80', '\\ud83d\\ude00', '\u{1F600}'),
        fc.integer({ min: 2, max: 12 }),
        (unit, count) => {
          const text = unit.repeat(count);
          index.scan(text, () => {});
          computed = 0;
          const before = indexWork.steps;
          index.scan(text, () => {});
          expect(computed).toBe(0);
          expect(indexWork.steps - before).toBeLessThanOrEqual(fragmentScanBudget(text.length) + 6_200);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('counts the forms of beginnings a scan computes against its budget', () => {
    // 64 beginnings of different first characters, each some 500 emoji on, and a text quoting the first
    // eight characters of each: every quote is a hit of a bucket of one, whose forms (some 200,000
    // characters) the comparisons compute. Past the budget the scan goes on coarsely, computing forms
    // only for buckets no scan met since the beginnings changed: a second scan computes at most one
    // beginning's forms past its budget.
    let computed = 0;
    let most = 0;
    const index = new TruncatedIndex((value) => {
      const forms = truncatedFormsOf(value);
      let length = 0;
      for (const [form] of forms) length += form.length;
      computed += length;
      most = Math.max(most, length);
      return forms;
    });
    const heads = Array.from(
      { length: truncatedSecretLimit },
      (_, at) => `key${String(at).padStart(5, '0')}`,
    );
    for (const [at, head] of heads.entries()) {
      const value = `${head}${'\u{1F600}'.repeat(448 + at)}`;
      index.learn(value, [value]);
    }
    fc.assert(
      fc.property(fc.shuffledSubarray(heads, { minLength: 8 }), (quoted) => {
        const text = quoted.join(' ');
        index.scan(text, () => {});
        computed = 0;
        most = 0;
        index.scan(text, () => {});
        expect(computed).toBeLessThanOrEqual(fragmentScanBudget(text.length) + most);
      }),
      { numRuns: 10 },
    );
  });

  it('reads a short text quoting a prefix many beginnings share as the comparisons do, from the first scan', () => {
    // 64 creates cut 1,024 characters into one vendor's tokens (the same first 40 characters): the first
    // scan that hits the prefix sorts the bucket's forms, the index's own upkeep, which is not the text's
    // to pay for; the budget of a short text is far smaller.
    const prefix = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.';
    const learned = () => {
      const index = new TruncatedIndex();
      for (let at = 0; at < truncatedSecretLimit; at += 1) {
        const value = `${prefix}${String(at).padStart(4, '0')}${'x'.repeat(1_024 - prefix.length - 4)}`;
        index.learn(value, [value]);
      }
      return index;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: prefix.length - 1 }),
        fc.constantFrom(' failed; retry later', '", "status": 401}', '&page=2'),
        (quoted, after) => {
          const text = `stream ${prefix.slice(0, quoted)}${after}`;
          const precise = learned();
          const expected = covered(text, (found) => precise.scan(text, found, Number.POSITIVE_INFINITY));
          const bounded = learned();
          expect(covered(text, (found) => bounded.scan(text, found))).toEqual(expected);
        },
      ),
      { numRuns: 8 },
    );
  });
});
