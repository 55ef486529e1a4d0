import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxWholeSecretLength, SecretSet, secretPieceLength, secretPieceOverlap } from './secrets.js';

// A value learned from an answer that is longer than any key a vendor issues (a broken or hostile endpoint
// may send megabytes) is held as overlapping pieces: found whole in every encoding, and in part wherever a
// text holds a long enough stretch of it, which a value held whole was not.

// Letters and digits mostly, with non-ASCII and astral characters (surrogate pairs a seam must not split).
const character = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ-_.') },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '€', '漢', '😀', '𝄞') },
);
const longValue = fc
  .array(character, { minLength: maxWholeSecretLength + 1, maxLength: 3 * maxWholeSecretLength })
  .map((characters) => characters.join(''));
const encodings: Record<string, (text: string) => string> = {
  raw: (text) => text,
  base64: (text) => Buffer.from(text).toString('base64'),
  base64url: (text) => Buffer.from(text).toString('base64url'),
  url: (text) => encodeURIComponent(text),
  json: (text) => JSON.stringify(text).slice(1, -1),
  hex: (text) => Buffer.from(text).toString('hex'),
};
const learning = fc.constantFrom('holdStream', 'learnStream', 'learn');

function learned(value: string, how: string): SecretSet {
  const set = new SecretSet();
  if (how === 'holdStream') set.holdStream('s1', ['short-key-0001', value]);
  else if (how === 'learnStream') set.learnStream('s1', 'short-key-0001', value);
  else set.learn(value);
  return set;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Whether `shown` holds any stretch of `hidden` of `length` characters.
function holdsStretch(shown: string, hidden: string, length = 12): boolean {
  for (let start = 0; start + length <= hidden.length; start += 1)
    if (shown.includes(hidden.slice(start, start + length))) return true;
  return false;
}

describe('SecretSet: a learned value longer than any key', () => {
  it('is masked whole in every encoding, inside other text', () => {
    fc.assert(
      fc.property(longValue, fc.constantFrom(...Object.keys(encodings)), learning, (value, encoding, how) => {
        const set = learned(value, how);
        const encoded = (encodings[encoding] ?? String)(value);
        const shown = set.redact(`the vendor said: ${encoded} (request 42)`);
        expect(shown.startsWith('the vendor said: ')).toBe(true);
        expect(shown.endsWith(' (request 42)')).toBe(true);
        expect(holdsStretch(shown, encoded)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('is masked where a text is a stretch from inside it, cut at both ends', () => {
    const stretch = 2 * (secretPieceLength + secretPieceOverlap);
    fc.assert(
      fc.property(
        longValue,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: stretch, max: 3 * stretch }),
        learning,
        (value, where, length, how) => {
          const set = learned(value, how);
          const start = Math.floor(where * Math.max(0, value.length - length));
          const text = value.slice(start, start + length);
          expect(holdsStretch(set.redact(text), text)).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('lists its pieces, each within the value, the first and last at its ends, none splitting a pair', () => {
    fc.assert(
      fc.property(longValue, (value) => {
        const pieces = learned(value, 'holdStream')
          .values()
          .filter((piece) => piece !== 'short-key-0001');
        expect(pieces.length).toBeGreaterThan(1);
        expect(pieces.every((piece) => value.includes(piece) && !loneSurrogate.test(piece))).toBe(true);
        expect(value.startsWith(pieces[0] ?? '')).toBe(true);
        expect(value.endsWith(pieces.at(-1) ?? '')).toBe(true);
        expect(pieces.every((piece) => piece.length <= secretPieceLength + secretPieceOverlap)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
