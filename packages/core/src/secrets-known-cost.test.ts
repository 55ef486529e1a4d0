import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragmentScanBudget, indexWork } from './redaction/fingerprints.js';
import { redactedMarker, redactText, secretForms, stretchesToHide } from './secrets.js';

// Stretches merged as the redaction merges them (overlapping or touching), in order.
function merged(stretches: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...stretches].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

// Known secrets that share their first characters at many lengths: runs of one unit, some going on with a
// character of their own, some after a common prefix (the header every JWT of one algorithm begins with).
const sharingSecrets = (most: number) =>
  fc
    .tuple(
      fc.constantFrom('a', 'ab', 'abc', 'a-', 'Zz9'),
      fc.integer({ min: 1, max: most }),
      fc.integer({ min: 1, max: 5 }),
      fc.constantFrom('', 'b', '-x', '"', '.sig'),
      fc.constantFrom('', 'eyJhbGciOi.'),
    )
    .map(([unit, count, step, tail, prefix]) => {
      const secrets = Array.from({ length: count }, (_, at) => {
        const length = 4 + at * step;
        const run = unit.repeat(Math.ceil(length / unit.length) + 1).slice(0, length);
        return `${prefix}${run}${at % 2 === 1 ? tail : ''}`;
      });
      return { unit, secrets };
    });

// A text of those characters: copies of forms of the secrets (whole, or cut short at a word's end), runs
// of the unit, words and separators.
const textFor = (unit: string, secrets: readonly string[]) =>
  fc
    .array(
      fc.oneof(
        fc.tuple(fc.nat(), fc.nat(), fc.boolean()).map(([which, form, cut]) => {
          const forms = secretForms(secrets[which % secrets.length] as string);
          const copy = forms[form % forms.length] as string;
          return cut ? copy.slice(0, Math.max(1, copy.length - 1 - (form % 7))) : copy;
        }),
        fc.integer({ min: 1, max: 80 }).map((count) => unit.repeat(count)),
        fc.constantFrom(' ', '"', ', ', 'said ', 'x', '=', '.', '\n'),
      ),
      { maxLength: 24 },
    )
    .map((pieces) => pieces.join(''));

// Secrets no text here holds (snowmen), whose forms take a list past the characters the automaton is given
// (32,768): the list is then found by the fragment index and a rolling hash alone.
const pastTheAutomaton = ['\u2603'.repeat(900), '\u2604'.repeat(900)];

// Whether every stretch of `inner` lies within one of `outer` (both merged).
function covers(
  outer: readonly (readonly [number, number])[],
  inner: readonly (readonly [number, number])[],
) {
  return inner.every(([start, end]) => outer.some(([from, to]) => from <= start && end <= to));
}

describe('redact: known secrets sharing their first characters', () => {
  for (const [name, extra] of [
    ['in the automaton', []],
    ['past the automaton', pastTheAutomaton],
  ] as const) {
    it(`hides what hiding each secret alone hides, merged (generated, ${name})`, () => {
      let exact = 0;
      let runs = 0;
      fc.assert(
        fc.property(
          sharingSecrets(name === 'in the automaton' ? 12 : 60).chain(({ unit, secrets }) =>
            fc.tuple(fc.constant(secrets), textFor(unit, secrets)),
          ),
          ([secrets, text]) => {
            const alone = merged(secrets.flatMap((secret) => stretchesToHide(text, [secret, ...extra])));
            const coarse = indexWork.coarseFinishes;
            const together = merged(stretchesToHide(text, [...secrets, ...extra]));
            runs += 1;
            // A text crafted against many of them (runs of their characters, periodic forms compared at
            // every place) may spend its budget: the rest of it is then hidden coarsely, more, never less.
            if (indexWork.coarseFinishes !== coarse) expect(covers(together, alone)).toBe(true);
            else {
              exact += 1;
              expect(together).toEqual(alone);
            }
          },
        ),
        { numRuns: name === 'in the automaton' ? 150 : 60 },
      );
      expect(exact, 'runs compared exactly').toBeGreaterThan(runs * 0.8);
    });
  }

  it('reports a run of one character, held by a thousand lengths at every place, as one stretch', () => {
    // `a` × 4 to 1,003 against a text of `a`s: every place held a thousand matches, each reported (some
    // 290 µs a character; an array of them too long to make at 1 MB). The longest at each place holds the
    // others, and a stretch overlapping the last one found extends it.
    const secrets = Array.from({ length: 1_000 }, (_, at) => 'a'.repeat(4 + at));
    const text = 'a'.repeat(20_000);
    expect(stretchesToHide(text, secrets).length).toBe(1);
  });

  it('hides a large text of the characters a thousand lengths share, within the budget, without throwing', () => {
    const secrets = Array.from({ length: 1_000 }, (_, at) => 'a'.repeat(4 + at));
    const text = `said ${'a'.repeat(1_000_000)}`;
    // Compiled, and the bucket's forms sorted, once for the list.
    expect(redactText('said aaaaaaaaaaaa', secrets)).toBe(`said ${redactedMarker}`);
    const before = indexWork.steps;
    const coarse = indexWork.coarseFinishes;
    expect(redactText(text, secrets)).toBe(`said ${redactedMarker}`);
    expect(indexWork.coarseFinishes).toBe(coarse);
    // The comparisons finish the text (some 60 steps a character, of the 256 the budget allows), so the
    // result is exact.
    expect(indexWork.steps - before).toBeLessThan(fragmentScanBudget(text.length) / 4);
  });

  it('hides a thousand JWTs sharing their header, quoted in JSON, in a few steps a character', () => {
    // Each JWT found whole had its comparison table made, the text's length each: 3 s of CPU for 100 kB.
    const header = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.';
    const secrets = Array.from(
      { length: 1_000 },
      () => header + crypto.randomBytes(30).toString('base64url'),
    );
    const entries = Array.from({ length: 1_000 }, (_, at) => ({ id: at, token: secrets[at] }));
    const text = JSON.stringify(entries);
    // Compiled, and the buckets the text hits sorted, once for the list.
    redactText(text, secrets);
    const before = indexWork.steps;
    const out = redactText(text, secrets);
    expect(out).toBe(JSON.stringify(entries.map(({ id }) => ({ id, token: redactedMarker }))));
    // Some 6 to 7 (the sorted bucket of their header searched at each JWT); a table each made it 1,000.
    expect((indexWork.steps - before) / text.length).toBeLessThan(16);
  });

  it('spends at most the budget on known values going on with a character of their own', () => {
    // `a` × L then `b`, against `a`s: the text parts from each at its own length, where no word ends, so no
    // length ends the search early. The scan stops comparing at its budget and finishes coarsely, hiding
    // more, never less.
    const secrets = Array.from({ length: 1_000 }, (_, at) => `${'a'.repeat(4 + at)}b`);
    const text = `${'a'.repeat(200_000)} ${secrets[500]} end`;
    redactText(text, secrets);
    const before = indexWork.steps;
    const coarse = indexWork.coarseFinishes;
    const out = redactText(text, secrets);
    // Per reading of the text (it holds no escape, so one): the budget, the comparison that overran it (at
    // most 64 characters and one), and the coarse pass's fingerprints of the forms' ends.
    const forms = secrets.reduce((total, secret) => total + secretForms(secret).length, 0);
    expect(indexWork.steps - before).toBeLessThanOrEqual(fragmentScanBudget(text.length) + 65 + 16 * forms);
    expect(indexWork.coarseFinishes - coarse).toBe(1);
    expect(out).not.toContain(secrets[500]);
  });
});
