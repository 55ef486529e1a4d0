import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretSet } from './secrets.js';

// A secret a vendor cut short is found by 8 or more of its first (or last) characters up to a word's end.
// A word unilive itself writes (a warning's `setting`, an issue path, its messages) standing alone is never
// taken for such a cut: a stream key that begins with `restream` must not mask the word `restream`
// everywhere. The secret itself, and any cut of it longer than the word, are masked as before.

const ownWords = ['restream', 'recording', 'playback', 'broadcasting', 'lowLatency', 'providerOptions'];
const suffix = fc.stringMatching(/^[A-Za-z0-9_]{4,16}$/);

// Where a word stands in the texts unilive writes: a warning's setting, an issue path, a quoted name.
const places = (word: string) => [
  word,
  `${word}.1`,
  `so \`${word}\` may lack running RTMP-outs`,
  `Invalid input for update: ${word}.0.url: expected a URL`,
  `{"setting":"${word}"}`,
];

function setWith(secrets: readonly string[], as: 'learned' | 'credential'): SecretSet {
  const set = new SecretSet();
  if (as === 'learned') set.learn(...secrets);
  else set.add(...secrets);
  return set;
}

describe('a word unilive writes, standing alone', () => {
  it('is left as it is beside a secret that begins or ends with it; the secret, whole or cut longer, is masked (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ownWords),
        suffix,
        fc.constantFrom('learned', 'credential'),
        fc.boolean(),
        // 1: the secret alone; 20: a bucket of secrets sharing their first (last) characters.
        fc.constantFrom(1, 20),
        (word, rest, as, atEnd, count) => {
          const secrets = Array.from({ length: count }, (_, index) =>
            atEnd ? `${rest}${index}${word}` : `${word}${rest}${index}`,
          );
          const set = setWith(secrets, as);
          for (const text of places(word)) expect(set.redact(text)).toBe(text);
          const secret = secrets[0] as string;
          expect(set.redact(`key ${secret} refused`)).toBe('key [REDACTED] refused');
          // Cut one character past the word: no longer the word, so a cut secret.
          const cut = atEnd ? secret.slice(-(word.length + 1)) : secret.slice(0, word.length + 1);
          expect(set.redact(`key ${cut} refused`)).toBe('key [REDACTED] refused');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is masked where it is the secret itself, or the end of a longer word', () => {
    const set = setWith(['restream', 'recordingZq9Kx'], 'learned');
    expect(set.redact('setting restream')).toBe('setting [REDACTED]');
    // Inside a longer word of the text it is not the word alone: `xrecording` is no word unilive writes.
    expect(set.redact('name xrecording')).toBe('name x[REDACTED]');
    expect(set.redact('name recording')).toBe('name recording');
  });
});
