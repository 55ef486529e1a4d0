import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretSet } from '../secrets.js';
import type { PatternKind } from './aho-corasick.js';
import {
  FingerprintIndex,
  type FormEntry,
  FragmentIndex,
  fragmentLength,
  indexWork,
  residue,
  sortedBucketSize,
} from './fingerprints.js';
import { classifiedSecretForms } from './forms.js';

const formsOf = (secret: string): (readonly [string, PatternKind])[] => {
  const { plain, encoded } = classifiedSecretForms(secret);
  return [...plain.map((form) => [form, 0] as const), ...encoded.map((form) => [form, 1] as const)];
};

// What a scan hides, per kind, as merged stretches: two scans that hide the same text agree on this.
function hidden(index: Pick<FragmentIndex, 'scan'>, text: string): string[][] {
  const stretches: [[number, number][], [number, number][]] = [[], []];
  index.scan(text, (start, end, kind) => stretches[kind].push([start, end]));
  return stretches.map((list) => {
    const merged: string[] = [];
    let open = -1;
    let close = -1;
    for (const [start, end] of list.sort((a, b) => a[0] - b[0])) {
      if (open !== -1 && start <= close) close = Math.max(close, end);
      else {
        if (open !== -1) merged.push(`${open}-${close}`);
        open = start;
        close = end;
      }
    }
    if (open !== -1) merged.push(`${open}-${close}`);
    return merged;
  });
}

function indexOf(secrets: readonly string[], sortedFrom: number): FragmentIndex {
  const index = new FragmentIndex(formsOf, sortedFrom);
  for (const secret of new Set(secrets))
    for (const [form, kind] of formsOf(secret)) index.add(secret, form, kind);
  return index;
}

// A fragment index beside the index that finds every form whole, as a redaction reads them: a sorted bucket
// reports no cut within a form the text holds whole there, which the other index hides.
function withWholeForms(secrets: readonly string[], sortedFrom: number): Pick<FragmentIndex, 'scan'> {
  const whole = new FingerprintIndex();
  for (const secret of new Set(secrets)) for (const [form, kind] of formsOf(secret)) whole.add(form, kind);
  const fragments = indexOf(secrets, sortedFrom);
  return {
    scan: (text, found) => {
      whole.scan(text, found);
      fragments.scan(text, found);
    },
  };
}

describe('FragmentIndex: a bucket shared by many secrets', () => {
  it('hides exactly what checking every secret of the bucket hides, for secrets sharing long runs', () => {
    // Secrets sharing a prefix (a host, a counter's leading zeros), then a few characters of their own,
    // word characters and not; texts made of cut forms of them, whole ones, and ordinary words.
    const tail = fc.string({
      unit: fc.constantFrom('a', 'b', '0', '1', '-', '/', '.', '%', ' '),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.constantFrom('rtmp://live.test/app/', 'key_0000000', 'ab', ''),
        fc.array(tail, { minLength: 1, maxLength: 40 }),
        fc.array(
          fc.record({
            secret: fc.nat(),
            form: fc.nat(),
            cut: fc.nat(),
            fromEnd: fc.boolean(),
            after: fc.constantFrom('', ' ', '-', '…', '"', 'x', '/', 'a'),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (prefix, tails, pieces) => {
          const secrets = tails.map((own) => `${prefix}${own}xyz`).filter((secret) => secret.length >= 4);
          fc.pre(secrets.length > 0);
          let text = 'said ';
          for (const piece of pieces) {
            const forms = formsOf(secrets[piece.secret % secrets.length] as string);
            const [form] = forms[piece.form % forms.length] as readonly [string, PatternKind];
            const length = piece.cut % (form.length + 1);
            text += `${piece.fromEnd ? form.slice(form.length - length) : form.slice(0, length)}${piece.after}`;
          }
          const direct = hidden(withWholeForms(secrets, Number.POSITIVE_INFINITY), text);
          expect(hidden(withWholeForms(secrets, 1), text)).toEqual(direct);
          expect(hidden(withWholeForms(secrets, 2), text)).toEqual(direct);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact while secrets are added and removed after the bucket was sorted', () => {
    const secrets = Array.from(
      { length: 60 },
      (_, index) => `rtmp://live.test/app/${index.toString(16)}-key`,
    );
    const sorted = indexOf(secrets.slice(0, 40), 1);
    const direct = indexOf(secrets.slice(0, 40), Number.POSITIVE_INFINITY);
    const cut = (secret: string) => `said ${secret.slice(0, -2)} and ${secret.slice(3)}`;
    expect(hidden(sorted, cut(secrets[5] as string))).toEqual(hidden(direct, cut(secrets[5] as string)));
    for (const secret of secrets.slice(40)) {
      for (const [form, kind] of formsOf(secret)) {
        sorted.add(secret, form, kind);
        direct.add(secret, form, kind);
      }
    }
    for (const secret of secrets.slice(0, 30)) {
      for (const [form, kind] of formsOf(secret)) {
        sorted.remove(secret, form, kind);
        direct.remove(secret, form, kind);
      }
    }
    for (const secret of [secrets[5], secrets[35], secrets[55]] as string[]) {
      expect(hidden(sorted, cut(secret))).toEqual(hidden(direct, cut(secret)));
    }
    // A removed secret's cut form is no longer found by either.
    expect(hidden(sorted, `said ${(secrets[5] as string).slice(0, -2)} `)[0]).toEqual(
      hidden(direct, `said ${(secrets[5] as string).slice(0, -2)} `)[0],
    );
  });

  it('scans a text in work that does not grow with the number of secrets sharing its head', () => {
    // Wowza Real-Time's RTMP URLs: every stream's shares the host and path; keys issued by a counter.
    const urlOf = (index: number) =>
      `rtmp://rtmp-realtime1.wowza.test:1935/v2/pub/${index.toString(16).padStart(32, '0')}?token=${index
        .toString(16)
        .padStart(64, '0')}`;
    const work = (count: number) => {
      const secrets = new SecretSet();
      for (let index = 0; index < count; index += 1) secrets.learnStream(`stream-${index}`, urlOf(index));
      const url = urlOf(7);
      const text = `already in use: ${url} (was ${url.slice(0, 60)}…) ${encodeURIComponent(url)}`;
      // The first scan sorts the shared buckets once; the next learns one more stream and scans again.
      secrets.redact(text);
      secrets.learnStream(`stream-${count}`, urlOf(count));
      const before = indexWork.steps;
      const redacted = secrets.redact(text);
      expect(redacted).not.toContain('0000007');
      expect(redacted).not.toContain(url.slice(fragmentLength, 60));
      return indexWork.steps - before;
    };
    expect(sortedBucketSize).toBeLessThan(100);
    const small = work(100);
    const large = work(1_000);
    // Ten times the secrets: the binary searches take a few more steps, nothing like ten times the work.
    expect(large).toBeLessThanOrEqual(small * 1.6);
  });
});

describe('FragmentIndex: forms found whole by their first eight characters', () => {
  // Every form as a learned value's index holds it: base64 endings are looked for only cut short.
  const entriesOf = (secret: string): FormEntry[] => {
    const { plain, encoded, endings } = classifiedSecretForms(secret);
    return [
      ...plain.map((form) => [form, 0] as const),
      ...encoded.map((form) => [form, 1] as const),
      ...endings.map((form) => [form, 1, true] as const),
    ];
  };

  // What a set of indexes hides, per kind, as merged stretches (a sorted bucket reports only the longest
  // cut at a place, which hides the shorter ones).
  function reported(indexes: readonly { scan: FragmentIndex['scan'] }[], text: string): string[][] {
    const scan: FragmentIndex['scan'] = (text, found) => {
      for (const index of indexes) index.scan(text, found);
    };
    return hidden({ scan }, text);
  }

  // The former way: every whole form in a fingerprint index, cut ones in a fragment index.
  function former(secrets: readonly string[]) {
    const whole = new FingerprintIndex();
    const cut = new FragmentIndex(entriesOf, Number.POSITIVE_INFINITY);
    for (const secret of secrets) {
      for (const [form, kind, cutOnly] of entriesOf(secret)) {
        if (!cutOnly) whole.add(form, kind);
        cut.add(secret, form, kind, cutOnly);
      }
    }
    return [whole, cut];
  }

  // Forms of up to eight characters in a fingerprint index; the fragment index finds the rest whole too.
  function current(secrets: readonly string[], sortedFrom: number) {
    const whole = new FingerprintIndex();
    const both = new FragmentIndex(entriesOf, sortedFrom, true);
    for (const secret of secrets) {
      for (const [form, kind, cutOnly] of entriesOf(secret)) {
        if (!cutOnly && form.length <= fragmentLength) whole.add(form, kind);
        both.add(secret, form, kind, cutOnly);
      }
    }
    return [whole, both];
  }

  it('reports exactly the stretches a whole-form index and a fragment index reported together', () => {
    // Secrets sharing long runs (a host, a counter), periodic ones, short ones and non-ASCII ones; texts made
    // of their forms whole, cut from either end, side by side and inside base64 blobs, and ordinary words.
    const own = fc.string({
      unit: fc.constantFrom('a', 'b', '0', '1', '-', '/', '%', ' ', 'é', '+'),
      maxLength: 9,
    });
    fc.assert(
      fc.property(
        fc.constantFrom('rtmp://live.test/app/', 'key_0000000', 'abab', 'ab', ''),
        fc.array(own, { minLength: 1, maxLength: 30 }),
        fc.array(
          fc.record({
            secret: fc.nat(),
            form: fc.nat(),
            cut: fc.nat(),
            fromEnd: fc.boolean(),
            before: fc.constantFrom('', ' ', 'QUJD', 'x', '"'),
            after: fc.constantFrom('', ' ', '-', '…', '"', 'x', '/', 'a', '=', 'YWJj'),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 1, max: 3 }),
        (prefix, owns, pieces, sortedFrom) => {
          const secrets = [...new Set(owns.map((tail) => `${prefix}${tail}`))].filter(
            (secret) => secret.length >= 4,
          );
          fc.pre(secrets.length > 0);
          let text = 'said ';
          for (const piece of pieces) {
            const forms = entriesOf(secrets[piece.secret % secrets.length] as string);
            const [form] = forms[piece.form % forms.length] as FormEntry;
            // Whole about half the time, cut otherwise.
            const length = piece.cut % 2 === 0 ? form.length : (piece.cut >> 1) % (form.length + 1);
            const kept = piece.fromEnd ? form.slice(form.length - length) : form.slice(0, length);
            text += `${piece.before}${kept}${piece.after}`;
          }
          const expected = reported(former(secrets), text);
          expect(reported(current(secrets, Number.POSITIVE_INFINITY), text)).toEqual(expected);
          expect(reported(current(secrets, sortedFrom), text)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reports exactly that for forms of many lengths sharing their first characters, stopping at the longest', () => {
    // Runs of one unit at many lengths (keys a counter pads, `aaaa…` of 8 to 263), some going on with a
    // character of their own, against texts of runs of the same unit: every place is a hit, and a form the
    // text holds whole (or a cut one) at the longest length hides what every shorter length there would.
    fc.assert(
      fc.property(
        fc.constantFrom('a', 'ab', 'Z9', '\\', 'a-'),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('', 'b', '-', ' x', '"'),
        fc.array(
          fc.record({
            run: fc.integer({ min: 0, max: 160 }),
            between: fc.constantFrom(' ', '-', 'b', 'x', '"', '', '…'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 3 }),
        (unit, count, step, tail, pieces, sortedFrom) => {
          const secrets = Array.from({ length: count }, (_, at) => {
            const length = fragmentLength + at * step;
            return `${unit.repeat(Math.ceil(length / unit.length)).slice(0, length)}${at % 2 === 0 ? tail : ''}`;
          });
          const text = pieces
            .map(({ run, between }) => `${unit.repeat(Math.ceil(run / unit.length)).slice(0, run)}${between}`)
            .join('');
          const [whole, both] = current(secrets, sortedFrom) as [FingerprintIndex, FragmentIndex];
          expect(reported([whole, both], text)).toEqual(reported(former(secrets), text));
          // Secrets leaving break chains of forms (each beginning the next) and join others.
          const left = secrets.filter((_, at) => at % 3 !== 1);
          for (const secret of secrets.filter((_, at) => at % 3 === 1)) {
            for (const [form, kind, cutOnly] of entriesOf(secret)) {
              if (!cutOnly && form.length <= fragmentLength) whole.remove(form);
              both.remove(secret, form, kind);
            }
          }
          expect(reported([whole, both], text)).toEqual(reported(former(left), text));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('still reports them once secrets come and go after a bucket was sorted', () => {
    const secrets = Array.from(
      { length: 50 },
      (_, index) => `rtmp://live.test/app/${index.toString(16)}-key`,
    );
    const [whole, both] = current(secrets.slice(0, 30), 1) as [FingerprintIndex, FragmentIndex];
    const text = (secret: string) =>
      `said ${secret} and ${encodeURIComponent(secret)} and ${Buffer.from(secret).toString('base64')}.`;
    // The first scan sorts the shared buckets.
    expect(reported([whole, both], text(secrets[3] as string))).toEqual(
      reported(former(secrets.slice(0, 30)), text(secrets[3] as string)),
    );
    for (const secret of secrets.slice(30)) {
      for (const [form, kind, cutOnly] of entriesOf(secret)) {
        if (!cutOnly && form.length <= fragmentLength) whole.add(form, kind);
        both.add(secret, form, kind, cutOnly);
      }
    }
    for (const secret of secrets.slice(0, 20)) {
      for (const [form, kind, cutOnly] of entriesOf(secret)) {
        if (!cutOnly && form.length <= fragmentLength) whole.remove(form);
        both.remove(secret, form, kind);
      }
    }
    for (const secret of [secrets[3], secrets[25], secrets[45]] as string[]) {
      expect(reported([whole, both], text(secret))).toEqual(
        reported(former(secrets.slice(20)), text(secret)),
      );
    }
  });
});

describe('FragmentIndex: buckets as secrets come and go', () => {
  it('hides what an index built afresh with the secrets still held hides, whatever came and went before', () => {
    // Secrets sharing their first and last characters, so buckets go from one secret to a few (an array)
    // to many (a table of ids) and back as they are added and removed.
    const secretOf = (index: number) =>
      `rtmp://live.test/app/${index % 7}${'0'.repeat(index % 3)}${index}-key`;
    fc.assert(
      fc.property(
        // Adds twice as often as removals, so buckets grow past an array's size and shrink back.
        fc.array(fc.tuple(fc.constantFrom(true, true, false), fc.integer({ min: 0, max: 40 })), {
          minLength: 20,
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(2, 16, Number.POSITIVE_INFINITY),
        (steps, probe, sortedFrom) => {
          const index = new FragmentIndex(formsOf, sortedFrom, true);
          const held = new Set<string>();
          for (const [add, which] of steps) {
            const secret = secretOf(which);
            if (add === held.has(secret)) continue;
            for (const [form, kind] of formsOf(secret)) {
              if (add) index.add(secret, form, kind);
              else index.remove(secret, form, kind);
            }
            if (add) held.add(secret);
            else held.delete(secret);
          }
          const fresh = new FragmentIndex(formsOf, sortedFrom, true);
          for (const secret of held)
            for (const [form, kind] of formsOf(secret)) fresh.add(secret, form, kind);
          const secret = secretOf(probe);
          const text = `said ${secret} and ${secret.slice(0, -3)} and ${encodeURIComponent(secret).slice(4)}.`;
          expect(hidden(index, text)).toEqual(hidden(fresh, text));
          // Nothing a removed secret entered is left behind.
          expect(index.held()).toEqual(fresh.held());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('residue', () => {
  it('is the remainder `%` gives, for every product a fingerprint takes', () => {
    const modulus = fc.constantFrom(67108859, 67108837);
    // Below 2^26 times below 2^26, plus a character: up to 2^52; and values next to multiples of the modulus.
    const value = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 0, max: 2 ** 26 - 1 }),
          fc.integer({ min: 0, max: 2 ** 26 - 1 }),
          fc.integer({ min: 0, max: 0xffff }),
        )
        .map(([a, b, code]) => a * b + code),
      fc
        .tuple(fc.integer({ min: 0, max: 2 ** 26 }), fc.integer({ min: -2, max: 2 }))
        .map(([times, off]) => Math.max(0, times * 67108859 + off)),
      fc
        .tuple(fc.integer({ min: 0, max: 2 ** 26 }), fc.integer({ min: -2, max: 2 }))
        .map(([times, off]) => Math.max(0, times * 67108837 + off)),
      fc.maxSafeNat(),
    );
    fc.assert(
      fc.property(value, modulus, (x, m) => {
        expect(residue(x, m)).toBe(x % m);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('FingerprintIndex.scan', () => {
  it('reports, of each kind, the longest string at a place, holding every shorter one (generated)', () => {
    // Strings sharing their first characters at many lengths: each place reported every one it held, a
    // thousand stretches at every place of a text of `a`s for `a` × 4 to 1,003.
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 4, maxLength: 24 }),
            fc.constantFrom<PatternKind>(0, 1),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.string({ unit: fc.constantFrom('a', 'b', ' '), maxLength: 200 }),
        (entries, text) => {
          const index = new FingerprintIndex();
          // A string added as both kinds is base64 (widened in a blob), as the index reports it.
          const kinds = new Map<string, number>();
          for (const [string, kind] of entries) {
            index.add(string, kind);
            kinds.set(string, (kinds.get(string) ?? 0) | kind);
          }
          const reported: [number, number, number][] = [];
          index.scan(text, (start, end, kind) => reported.push([start, end, kind]));
          for (const [start, end, kind] of reported) expect(kinds.get(text.slice(start, end))).toBe(kind);
          // Every occurrence lies within a stretch of its kind, or of base64, which hides at least as much.
          for (const [string, kind] of kinds)
            for (let at = text.indexOf(string); at !== -1; at = text.indexOf(string, at + 1))
              expect(
                reported.some(
                  ([from, to, of]) => (of === kind || of === 1) && from <= at && at + string.length <= to,
                ),
              ).toBe(true);
          // At most one stretch of each kind a place.
          const places = reported.map(([start, , kind]) => `${start}:${kind}`);
          expect(new Set(places).size).toBe(places.length);
          // Each add undone by one remove: nothing is left to find.
          for (const [string] of entries) index.remove(string);
          let left = 0;
          index.scan(text, () => {
            left += 1;
          });
          expect(left).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
