import type { PatternKind } from './aho-corasick.js';
import {
  FingerprintIndex,
  type FormEntry,
  FragmentIndex,
  fragmentLength,
  fragmentScanBudget,
  sortedBucketSize,
} from './fingerprints.js';
import { classifiedSecretForms, isBase64Character } from './forms.js';
import { hexValue, percentByte, percentEncodedCharacter } from './references.js';

/**
 * The shortest beginning of a secret `SecretSet.learnTruncated` learns, in code points (a surrogate pair
 * counts as one, and so does a lone surrogate): the length from which a cut-off copy of a known
 * form counts. A beginning is hidden together with the rest of the word it starts, so a shorter one would
 * hide every ordinary word that starts the same way (`live` would take `livestream` and `liveapi`); eight
 * characters of a vendor's key are not the start of a word. Counted in code points, not UTF-16 code units
 * (four emoji are eight units, and would take every word starting with them) nor UTF-8 bytes (three CJK
 * characters are nine). A value cut within its first eight characters is not learned: nothing of it is
 * known. Measured with `codePointLength` (`text.ts`), the count every name limit uses. See
 * `docs/decisions/2026-12-01-truncated-secrets.md`.
 */
export const minimumTruncatedLength = fragmentLength;

/**
 * How many values known only by their beginning (`SecretSet.learnTruncated`) a set keeps, the most recent:
 * each is a create whose answer broke off inside its key, and matters until the stream is read whole (which learns the key itself) or the
 * caller gives up on it; 64 covers every create of a burst, and keeps the index to some 2,500 forms.
 */
export const truncatedSecretLimit = 64;

/**
 * How many characters of a value known only by its beginning `SecretSet.learnTruncated` keeps, at most: its
 * first 1,024. A copy of the whole secret starts with them, so they find it, and the rest of its word is
 * hidden with them; keeping more would find only copies that start after them, at a cost that grows with
 * the length (a hostile answer cut 4 MB into a "key" held 64 such values, some 280 MB). No vendor issues a
 * key that long. See `docs/decisions/2026-12-01-truncated-secrets.md`.
 */
export const truncatedKeptLength = 1_024;

/**
 * `value` as a string of its own: a slice of a longer string (a beginning cut out of a 4 MB answer) keeps
 * that whole string alive in V8 for as long as the slice is held; a short one is copied already.
 */
export function detached(value: string): string {
  return value.length < 13 ? value : value.split('').join('');
}

/**
 * The forms of a beginning that a copy of the whole secret starts with, as the index holds them: every
 * plain form (kind 0) and every base64 form whose characters the beginning's bits fix alone (kind 1). The
 * base64 endings are left out: their last character mixes the beginning's last bits with zeros, which the
 * whole secret does not have there.
 */
export function truncatedFormsOf(value: string): FormEntry[] {
  const { plain, encoded } = classifiedSecretForms(value);
  const entries: FormEntry[] = [];
  for (const form of plain) entries.push([form, 0]);
  // Lower-casing depends on what follows in one case only (Unicode's SpecialCasing, without a locale): a
  // `Σ` after a letter becomes `ς` when no letter follows (case-ignorable characters such as `.` or `'`
  // between do not count), `σ` when one does. A beginning ends where the cut fell, so its `Σ` there reads
  // as final, while the whole key's lower case, which goes on with letters, has `σ`: the lower case the
  // beginning would have if a letter followed is a form too. Upper-casing depends on no context.
  const lowerBeforeLetter = `${value}A`.toLowerCase().slice(0, -1);
  if (!plain.includes(lowerBeforeLetter)) entries.push([lowerBeforeLetter, 0]);
  for (const form of encoded) entries.push([form, 1]);
  return entries;
}

/**
 * `value` without what a cut leaves at its end that is no character of the secret: a high surrogate whose
 * pair was cut off (its forms would hold its own escape or U+FFFD bytes, which the whole secret's do not),
 * and the U+FFFD a decoder writes for a UTF-8 sequence cut off.
 */
export function withoutBrokenEnd(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0xfffd) end -= 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return end === value.length ? value : value.slice(0, end);
}

/**
 * Finds values known only by their beginning (a secret whose answer broke off inside it): wherever a text
 * holds one of a beginning's forms (whole, or cut short or cut from the start as the fragment index finds any
 * form), the stretch reported runs on from the form's end to where the secret could have gone on, the end of
 * the word in that form's alphabet (see {@link plainWordEnds} and {@link blobWordEnds}). Forms of eight
 * characters are found whole by a rolling-hash index, longer ones by a fragment index; the word ends are
 * computed once per scan, in one pass, and only when something was found. The fragment index's
 * comparisons get a budget of steps in proportion to the text ({@link fragmentScanBudget}); once spent,
 * the rest of the text is scanned coarsely, in one pass, hiding more, never less. So a scan costs at
 * most {@link fragmentStepsPerCharacter} steps per character of the text, plus a constant, whatever the
 * beginnings held. Each value is held as the pieces it is given (one, unless it is longer than a key can be), and
 * only the most recent `limit` values are kept.
 */
export class TruncatedIndex {
  // Value → its pieces; insertion order is recency order.
  readonly #values = new Map<string, readonly string[]>();
  // Piece → how many values hold it (two values may share a piece).
  readonly #pieces = new Map<string, number>();
  readonly #whole = new FingerprintIndex();
  readonly #fragments: FragmentIndex;

  constructor(
    private readonly formsOf: (value: string) => readonly FormEntry[] = truncatedFormsOf,
    private readonly limit = truncatedSecretLimit,
  ) {
    this.#fragments = new FragmentIndex(formsOf, sortedBucketSize, true);
  }

  /** How many values are held. */
  get size(): number {
    return this.#values.size;
  }

  /**
   * Holds `value` as `pieces` (as the most recent, if held already), dropping the oldest past the limit;
   * whether the values held or their order changed.
   */
  learn(value: string, pieces: readonly string[]): boolean {
    const known = this.#values.get(value);
    if (known !== undefined) {
      let last: string | undefined;
      for (const held of this.#values.keys()) last = held;
      if (last === value) return false;
      this.#values.delete(value);
      this.#values.set(value, known);
      return true;
    }
    this.#values.set(value, pieces);
    for (const piece of pieces) {
      const holds = this.#pieces.get(piece) ?? 0;
      this.#pieces.set(piece, holds + 1);
      if (holds === 0) this.#changeForms(piece, 'add');
    }
    if (this.#values.size > this.limit) {
      const [oldest, oldPieces] = this.#values.entries().next().value as [string, readonly string[]];
      this.#values.delete(oldest);
      for (const piece of oldPieces) {
        const holds = (this.#pieces.get(piece) as number) - 1;
        if (holds > 0) this.#pieces.set(piece, holds);
        else {
          this.#pieces.delete(piece);
          this.#changeForms(piece, 'remove');
        }
      }
    }
    return true;
  }

  /** Whether `piece` is one held (a value, or a piece of a long one). */
  holds(piece: string): boolean {
    return this.#pieces.has(piece);
  }

  /** Every piece held, oldest value first. */
  *pieces(): IterableIterator<string> {
    for (const pieces of this.#values.values()) yield* pieces;
  }

  #changeForms(piece: string, change: 'add' | 'remove'): void {
    for (const [form, kind] of this.formsOf(piece)) {
      if (form.length <= fragmentLength) {
        if (change === 'add') this.#whole.add(form, kind);
        else this.#whole.remove(form);
      } else if (change === 'add') this.#fragments.add(piece, form, kind);
      else this.#fragments.remove(piece, form, kind);
    }
  }

  /**
   * Calls `found(start, end, kind)` for every stretch of `text` a held value's secret may cover. `budget`:
   * the steps the fragment index's comparisons may take before it finishes coarsely, hiding more (see
   * {@link fragmentScanBudget}, the default).
   */
  scan(
    text: string,
    found: (start: number, end: number, kind: PatternKind) => void,
    budget = fragmentScanBudget(text.length),
  ): void {
    if (this.#values.size === 0) return;
    let plainEnds: Int32Array | undefined;
    let blobEnds: Int32Array | undefined;
    const onward = (start: number, end: number, kind: PatternKind) => {
      let to: number;
      if (kind === 0) {
        plainEnds ??= plainWordEnds(text);
        to = plainEnds[end] as number;
      } else {
        blobEnds ??= blobWordEnds(text);
        to = blobEnds[end] as number;
      }
      to = Math.max(end, to);
      // A stretch within the last one of its kind reported hides nothing more (the scrubber merges them,
      // and widens a blob's on both sides monotonically): a text of one character repeated holds whole
      // forms at every place, each running on to the same word end, and sorting them all cost more than
      // finding them.
      if (start >= (lastStarts[kind] as number) && to <= (lastEnds[kind] as number)) return;
      lastStarts[kind] = start;
      lastEnds[kind] = to;
      found(start, to, kind);
    };
    const lastStarts = [-1, -1];
    const lastEnds = [-1, -1];
    this.#whole.scan(text, onward);
    this.#fragments.scan(text, onward, budget);
  }
}

// ASCII characters a stream key, token or password cannot hold as it stands in text, because they end it
// where it is written: space and controls; quotes, which delimit it in JSON, logs and code; `,` and `;`,
// which separate values and headers' parameters; `&`, `?` and `#`, which end a URL's query value or path;
// brackets of every kind around a value in a message, JSON or markup. `\` and `%` may start an escape and
// are read with what follows (see continuesPlain): alone, they continue a word. Everything else continues a word: letters, digits,
// `-_.~+/=` (base64, base64url, JWTs, URL-safe characters), `:` and `@` (which a token may hold and after
// which a URL's user information goes on: hiding a host is better than showing part of a key), `!$*^|`.
const endsPlainWord: Uint8Array = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (let code = 0; code <= 0x20; code += 1) table[code] = 1;
  table[0x7f] = 1;
  for (const character of `"'\`,;&?#()[]{}<>\\%`) table[character.charCodeAt(0)] = 1;
  return table;
})();

// Whether a character (a code unit) can be inside a secret written as it is: see endsPlainWord; past ASCII,
// everything but the C1 controls, Unicode spaces and separators, the byte order mark, typographic quotes
// and `…` (which a vendor or `capText` writes where it cut a text).
function isKeyCharacter(code: number): boolean {
  if (code < 0x80) return endsPlainWord[code] === 0;
  if (code <= 0xa0) return false;
  if (code === 0xab || code === 0xbb || code === 0x1680 || code === 0x3000 || code === 0xfeff) return false;
  if (code >= 0x2000 && code <= 0x200b) return false;
  if (code >= 0x2018 && code <= 0x201f) return false;
  if (code === 0x2026 || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f)
    return false;
  return code !== 0x2039 && code !== 0x203a;
}

// Whether the character an escape stands for continues a secret: a key character, a `%` (a value
// URL-encoded twice: `%2541`), a `\` (which, as it stands, continues one: see continuesPlain), or a byte of
// a UTF-8 sequence (one that starts a whole sequence is read with it first: see percentEncodedCharacter).
function escapedContinues(code: number): boolean {
  return isKeyCharacter(code) || code === 0x25 || code === 0x5c || (code >= 0x80 && code <= 0xff);
}

// Whether the character at `index` continues a secret in one of its plain forms (as it is, in either case,
// URL-encoded, JSON-escaped, hex): a key character, or a `%` or `\`, which ends it only as the start of an
// escape of a character that ends it (`%20`, `\u0022`, `\"`, a UTF-8 sequence such as `%E2%80%A6`). A `%`
// not followed by two hex digits is the character itself, which a key, token or password may hold, and
// continues the word, as every character the docs do not list as an end does; so does every other `\`: a
// lone one, one after a `\` (the second of JSON's `\\`, whatever their count), and one before a letter,
// since `\n` or `\t` may be JSON's escape of a control or a key's own backslash and a letter, and showing
// the rest of a key costs more than hiding a word. The rest of an escape (hex digits, `u`, `/`) are key
// characters themselves.
function continuesPlain(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x25) {
    const byte = percentByte(text, index);
    if (byte < 0) return true;
    if (byte < 0x80) return escapedContinues(byte);
    // A whole UTF-8 sequence reads as the character it encodes: `%E2%80%A6` (`…`) and `%C2%A0` end a word as
    // `…` and U+00A0 do. Every character past U+FFFF continues one.
    const character = percentEncodedCharacter(text, index, byte);
    return character < 0 || character > 0xffff || isKeyCharacter(character);
  }
  if (code === 0x5c) {
    if (text.charCodeAt(index - 1) === 0x5c) return true;
    const next = text.charCodeAt(index + 1);
    if (next === 0x22) return false;
    if (next !== 0x75) return true;
    let escaped = 0;
    for (let at = index + 2; at < index + 6; at += 1) {
      const digit = hexValue(text.charCodeAt(at));
      if (digit < 0) return true;
      escaped = escaped * 16 + digit;
    }
    return escapedContinues(escaped);
  }
  return isKeyCharacter(code);
}

// Whether the character at `index` continues a base64 blob: a character of base64 or base64url, or a `\`
// escaping a `/` (a blob in a JSON string). Padding is taken by the redactor after the blob's end.
function continuesBlob(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code === 0x5c) return text.charCodeAt(index + 1) === 0x2f;
  return isBase64Character(code);
}

function wordEnds(text: string, continues: (text: string, index: number) => boolean): Int32Array {
  const ends = new Int32Array(text.length + 1);
  ends[text.length] = text.length;
  for (let index = text.length - 1; index >= 0; index -= 1)
    ends[index] = continues(text, index) ? (ends[index + 1] as number) : index;
  return ends;
}

/**
 * `[i]`: where the plain word going on at `i` ends (the first character from `i` on that cannot continue a
 * secret written as it is, URL-encoded or JSON-escaped), or the text's length. One pass, from the end.
 */
export function plainWordEnds(text: string): Int32Array {
  return wordEnds(text, continuesPlain);
}

/** `[i]`: where the base64 blob going on at `i` ends (before its padding), or the text's length. */
export function blobWordEnds(text: string): Int32Array {
  return wordEnds(text, continuesBlob);
}
