import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scansOf } from '../test/scans.js';
import { fragmentScanBudget, indexWork } from './redaction/fingerprints.js';
import { redactedMarker, SecretSet, secretForms } from './secrets.js';

// Values a hostile vendor hands back (stream keys, URLs) so that every place of a text is a hit to check:
// runs of one unit at many lengths, all sharing their first characters, some going on with a character of
// their own, some after a common prefix.
const hostileValuesOf = (most: number) =>
  fc
    .tuple(
      fc.constantFrom('a', 'Z', 'ab', 'abc', '\\', 'a-'),
      fc.integer({ min: 1, max: most }),
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom('', 'b', '-x', '"'),
      fc.boolean(),
    )
    .map(([unit, count, step, tail, prefixed]) => {
      const values = Array.from({ length: count }, (_, at) => {
        const length = 8 + at * step;
        const run = unit.repeat(Math.ceil(length / unit.length) + 1).slice(0, length);
        return `${prefixed ? 'Q8zLm3Rt' : ''}${run}${at % 2 === 1 ? tail : ''}`;
      });
      return { unit, values };
    });
const hostileValues = hostileValuesOf(256);

// A set holding `values`, warmed on `text`: indexing the values and sorting a large bucket's forms happen
// once per change to the set, not at each redaction.
function warmSet(values: readonly string[], text: string): SecretSet {
  const set = new SecretSet();
  set.learn(...values);
  set.redact(text);
  return set;
}

describe('SecretSet.learn: the cost of a hostile text', () => {
  it('takes at most its budget of steps per character on any text, and still hides every copy of a value', () => {
    fc.assert(
      fc.property(
        hostileValues,
        fc.integer({ min: 1_000, max: 6_000 }),
        fc.nat(),
        fc.nat(),
        ({ unit, values }, size, which, form) => {
          const value = values[which % values.length] as string;
          const forms = secretForms(value);
          const copy = forms[form % forms.length] as string;
          const filler = unit.repeat(Math.ceil(size / unit.length));
          const text = `${filler} ${copy} ${filler}`;
          const set = warmSet(values, text);
          const before = indexWork.steps;
          const out = set.redact(text);
          const steps = indexWork.steps - before;
          // Per scan (a text holding an escape, `&#`, `%XX` or `\uXXXX`, is scanned once more, read with its
          // escapes decoded, which is no longer): the budget, the last comparison that overran it (at most 64 characters and one),
          // and what the coarse pass counts, each form's first and last eight characters fingerprinted once.
          const held = values.reduce((total, value) => total + secretForms(value).length, 0);
          const scans = scansOf(text);
          expect(steps).toBeLessThanOrEqual(scans * (fragmentScanBudget(text.length) + 65 + 16 * held));
          expect(out).not.toContain(copy);
          expect(out).toContain(redactedMarker);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hides a text of the characters values of many lengths share, within the budget', () => {
    // `a` × 8 to 263, learned, against 50 kB of `a`: each place held every one of those lengths and was
    // walked length by length, 8.5 s of CPU. The walk now stops at the longest form the text holds there,
    // which hides every shorter one, and the forms, each beginning the next, are followed as far as the
    // longest is.
    const runs = Array.from({ length: 256 }, (_, at) => 'a'.repeat(8 + at));
    const text = `said ${'a'.repeat(50_000)}`;
    const set = warmSet(runs, text);
    const before = indexWork.steps;
    expect(set.redact(text)).toBe(`said ${redactedMarker}`);
    // A quarter of the budget at most (some 50 steps a character): the comparisons finish the text, so the
    // result is exact. Each of the 256 forms had a comparison table of its own, which spent the budget.
    expect(indexWork.steps - before).toBeLessThan(fragmentScanBudget(text.length) / 4);
  });

  it('hides ordinary text exactly, without a coarse finish, with a dozen hostile values held', () => {
    // With more, a short text may spend its budget: each long form the text follows far from a place costs
    // its comparison table once (its length and the text's), and the budget of a short text is mostly its
    // constant part.
    fc.assert(
      fc.property(hostileValuesOf(12), fc.nat(), ({ values }, which) => {
        const value = values[which % values.length] as string;
        const text = `stream ${value} refused: the key is in use (code 4091), try again later`;
        const set = warmSet(values, text);
        const before = indexWork.steps;
        // Exactly the value: a coarse finish would hide the words after it too.
        expect(set.redact(text)).toBe(
          `stream ${redactedMarker} refused: the key is in use (code 4091), try again later`,
        );
        // The budget per scan: a value of `\\` pairs holds JSON's escape of a backslash, and the text is
        // read again with it decoded.
        expect(indexWork.steps - before).toBeLessThanOrEqual(scansOf(text) * fragmentScanBudget(text.length));
      }),
      { numRuns: 60 },
    );
  });

  it('takes new keys for thousands of streams sharing their first characters in work linear in their number', () => {
    // Keys issued by a counter share their first characters: one bucket, sorted once a text hits it. A walk
    // that finds every stream's key changed then adds thousands of forms to it; one by one, each shifted
    // the sorted arrays (8,000 streams: 1.6 s of CPU for the next redaction, 16,000: 6 s).
    const work = (count: number) => {
      const key = (at: number, generation: string) => `live_key_${String(at).padStart(6, '0')}${generation}`;
      const set = new SecretSet();
      for (let at = 0; at < count; at += 1) set.holdStream(`stream-${at}`, [key(at, 'a')]);
      expect(set.redact(`stream ${key(1, 'a')} failed`)).toBe(`stream ${redactedMarker} failed`);
      for (let at = 0; at < count; at += 1) set.holdStream(`stream-${at}`, [key(at, 'b')]);
      const before = indexWork.steps;
      expect(set.redact(`stream ${key(1, 'b')} failed`)).toBe(`stream ${redactedMarker} failed`);
      expect(set.redact(`stream ${key(count - 1, 'a')} failed`)).toBe(`stream ${redactedMarker} failed`);
      return indexWork.steps - before;
    };
    const small = work(500);
    // Eight times the streams: eight times the forms, sorted again once (a logarithm's growth), not 64 times.
    expect(work(4_000)).toBeLessThanOrEqual(small * 8 * 1.6);
  });
});
