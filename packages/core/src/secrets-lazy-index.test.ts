import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexWork } from './redaction/fingerprints.js';
import { combinedRedactor, type Redactor, SecretSet, secretForms, secretsPerStream } from './secrets.js';

// A set indexes what it learns only when a scan first needs it (see SecretSet). These tests hold that to
// masking exactly what a set indexing at every step masks, and to indexing nothing until then.

// Texts quoting `value` in every form, whole and cut short (the first eight or more characters of a form up
// to a word's end, its last ones from a word's start), one text per way, so that a form a set misses changes
// the text it is in.
function textsQuoting(value: string): string[] {
  const forms = secretForms(value);
  const whole = forms.map((form) => `<${form}>`).join(' ');
  const heads = forms
    .filter((form) => form.length > 9)
    .map((form) => `said ${form.slice(0, Math.max(8, form.length - 2))} then`)
    .join(' | ');
  const tails = forms
    .filter((form) => form.length > 9)
    .map((form) => `and ${form.slice(2)} said`)
    .join(' | ');
  return [whole, heads, tails, `${value}${value}`, `x${value.slice(0, -1)}`];
}

// Values sharing their ends, their case and their forms' first characters, so that a value held, dropped
// and indexed again meets others in the same buckets.
const pool = [
  'ABCD1234xyz',
  'abcd1234xyz',
  '1f3a9c0e',
  '1f3a9c0f',
  '9b7e2d41',
  'Qx7pLm',
  'qx7plm',
  'sk_live_4f9a2b7c1d',
  'sk_live_4f9a2b7c1e',
];
// Enough values for one stream to go past secretsPerStream, so its oldest earlier values are trimmed.
const flood = Array.from({ length: secretsPerStream + 8 }, (_, index) => `fl${index.toString(16)}d9c4e`);

type Operation =
  | { kind: 'learn'; values: string[] }
  | { kind: 'learnStream' | 'holdStream'; id: string; values: string[] }
  | { kind: 'flood'; id: string; from: number }
  | { kind: 'forgetStream'; id: string }
  | { kind: 'redact' }
  | { kind: 'redactCombined' };

const value = fc.constantFrom(...pool);
const values = fc.array(value, { maxLength: 4 });
const stream = fc.constantFrom('s0', 's1', 's2');
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('learn' as const), values }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('learnStream' as const), id: stream, values }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('holdStream' as const), id: stream, values }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('flood' as const),
      id: stream,
      from: fc.integer({ min: 0, max: 8 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('forgetStream' as const), id: stream }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constantFrom('redact' as const, 'redactCombined' as const) }),
    weight: 2,
  },
);

function apply(
  secrets: SecretSet,
  step: Exclude<Operation, { kind: 'redact' } | { kind: 'redactCombined' }>,
): void {
  if (step.kind === 'learn') secrets.learn(...step.values);
  else if (step.kind === 'learnStream') secrets.learnStream(step.id, ...step.values);
  else if (step.kind === 'holdStream') secrets.holdStream(step.id, step.values);
  else if (step.kind === 'flood')
    secrets.learnStream(step.id, ...flood.slice(step.from, step.from + secretsPerStream + 1));
  else secrets.forgetStream(step.id);
}

describe('SecretSet: learned values indexed when a scan first needs them', () => {
  it('masks exactly what a set indexing at every step masks, whatever the sequence of calls', () => {
    const texts = [...pool, ...flood].flatMap(textsQuoting);
    fc.assert(
      fc.property(
        fc.array(operation, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        (operations, learnedLimit) => {
          const lazy = new SecretSet({ learnedLimit });
          const eager = new SecretSet({ learnedLimit });
          // Another set beside each, so a combined redactor reads the set's scrubber (not `redact`).
          const lazyCombined = combinedRedactor([lazy, new SecretSet()]);
          const eagerCombined = combinedRedactor([eager, new SecretSet()]);
          const compare = (a: Redactor, b: Redactor) => {
            // The reference holds: every value the sets hold is masked.
            for (const held of eager.values()) expect(b.redact(`<${held}>`)).toBe('<[REDACTED]>');
            for (const text of texts) expect(a.redact(text), text).toBe(b.redact(text));
          };
          for (const step of operations) {
            if (step.kind === 'redact') compare(lazy, eager);
            else if (step.kind === 'redactCombined') compare(lazyCombined, eagerCombined);
            else {
              apply(lazy, step);
              apply(eager, step);
              // The eager set scans after every call: nothing is ever left to index there.
              eager.redact('');
            }
          }
          expect(lazy.values()).toEqual(eager.values());
          compare(lazy, eager);
        },
      ),
      { numRuns: 80 },
    );
    // Eighty sequences: about 5 s alone, over a minute with a second suite beside it; the limit only ends a
    // hang.
  }, 600_000);

  it('learning indexes nothing, a value forgotten before any scan is never indexed, and the first scan masks everything', () => {
    const keyOf = (index: number) => `k3y${index.toString(16).padStart(8, '0')}Zq`;
    const codeOf = (index: number) => `c${index.toString(36).padStart(5, '0')}`;
    const secrets = new SecretSet({ learnedLimit: 50 });
    const before = indexWork.steps;
    for (let index = 0; index < 300; index += 1) {
      secrets.learnStream(`stream-${index}`, keyOf(index), codeOf(index));
      if (index % 3 === 0) secrets.holdStream(`stream-${index}`, [keyOf(index)]);
      // Forgotten as others are learned: what is left to index is always half of what was recorded.
      if (index % 2 === 1) secrets.forgetStream(`stream-${index - 1}`);
    }
    for (let index = 300; index < 400; index += 1) secrets.learn(keyOf(index));
    expect(indexWork.steps - before, 'steps taken learning').toBe(0);
    expect(secrets.holdsAll([keyOf(1), codeOf(299), keyOf(399)])).toBe(true);
    expect(secrets.holdsAll([keyOf(0)])).toBe(false);

    // The first scan indexes what is held and nothing dropped: the same work as a set that only ever
    // learned what is held now.
    secrets.redact('');
    const flushed = indexWork.steps - before;
    const fresh = new SecretSet({ learnedLimit: 50 });
    for (let index = 1; index < 300; index += 2) {
      fresh.learnStream(`stream-${index}`, keyOf(index), codeOf(index));
      if (index % 3 === 0) fresh.holdStream(`stream-${index}`, [keyOf(index)]);
    }
    for (let index = 350; index < 400; index += 1) fresh.learn(keyOf(index));
    const freshBefore = indexWork.steps;
    fresh.redact('');
    expect(flushed).toBeGreaterThan(0);
    expect(flushed).toBe(indexWork.steps - freshBefore);
    // Once: a second scan indexes nothing more.
    const again = indexWork.steps;
    secrets.redact('');
    expect(indexWork.steps).toBe(again);

    for (let index = 0; index < 400; index += 1) {
      const held = index < 300 ? index % 2 === 1 : index >= 350;
      const values = index < 300 ? [keyOf(index), codeOf(index)] : [keyOf(index)];
      // A value dropped is printable again (some of its encoded forms may be another held value's too).
      if (held)
        for (const form of values.flatMap(secretForms))
          expect(secrets.redact(`<${form}>`), form).toBe('<[REDACTED]>');
      else for (const raw of values) expect(secrets.redact(`<${raw}>`)).toBe(`<${raw}>`);
    }
  });

  it('a combined redactor reading a set that learned since its last scan indexes the values first', () => {
    const secrets = new SecretSet();
    const combined = combinedRedactor([secrets, new SecretSet()]);
    expect(combined.redact('warm up')).toBe('warm up');
    secrets.learnStream('s', 'Wz9kLm3q');
    expect(combined.redact(`key ${encodeURIComponent('Wz9kLm3q')} and ${btoa('Wz9kLm3q')}`)).toBe(
      'key [REDACTED] and [REDACTED]',
    );
  });
});
