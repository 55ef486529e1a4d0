// A text read with its escapes as the characters they stand for: HTML numeric character references, JSON's
// escapes and percent-encoded bytes. Redaction reads a text so a second time, so a secret echoed with any or
// all of its characters escaped is found without a form per mix; a secret holding escapes of its own is
// looked for read so too.

/**
 * A reading of a text: the text with some escapes replaced by the characters they stand for, and, for a
 * UTF-16 unit of `decoded`, where in the text it starts (`startOf`) and where it ends (`endOf`, exclusive).
 */
export interface Reading {
  decoded: string;
  startOf(unit: number): number;
  endOf(unit: number): number;
}

// The escapes a text is read through: a numeric reference's start, a percent-encoded byte, a JSON escape of
// a UTF-16 unit or one of JSON's two-character escapes of a backslash, a quote or a slash. Each alternative
// is fixed-length, so a search costs time linear in the text; `\\` is found before the `\u` it may stand
// before (`\\u00e4`, JSON escaped twice, is `\u00e4` once read, `ä` read again).
const escapeStart = /&#|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\["\\/]/g;

/** Where the first escape {@link readEscapes} reads stands in `text`, or -1 when it holds none. */
export function firstEscape(text: string): number {
  escapeStart.lastIndex = 0;
  return escapeStart.exec(text)?.index ?? -1;
}

/**
 * `text` read with every escape an echo may write a secret's characters in replaced by what it stands for,
 * wherever it stands and whatever is around it (a {@link Reading}); `undefined` when it holds none:
 * - an HTML numeric character reference (`&#83;`, `&#x53;`, `&#X053;`: decimal, or hex in either case, leading
 *   zeros; `;` required; a reference to no character, 0 or past U+10FFFF, stays as it is written);
 * - JSON's `\uXXXX` (either case of hex digit), one UTF-16 unit each, so a surrogate pair written as two
 *   escapes reads as its character, and JSON's `\\`, `\"` and `\/`, so a text JSON-escaped twice (a JSON
 *   document quoted as a string in another) reads as escaped once, and read again as it was;
 * - percent-encoded bytes (`%45`, `%c3%a9`): a run of them that is a well-formed UTF-8 sequence reads as its
 *   character, and any other byte as its Latin-1 character (`%E9` is `é` as a server that percent-encodes
 *   the bytes of a Latin-1 header writes it). Bytes of Latin-1 characters that happen to spell a UTF-8
 *   sequence (`%DF%A7`, `ß§` in Latin-1) read as UTF-8: a secret's Latin-1 percent-encoding is a form of
 *   its own (`secretForms`), found in the text as it is.
 * `+` stays as it is (a secret may hold one, and `+` for a space is a form of its own).
 */
export function readEscapes(text: string, first = firstEscape(text)): Reading | undefined {
  if (first === -1) return undefined;
  const reading = new ReadingBuilder(text);
  escapeStart.lastIndex = first;
  for (let found = escapeStart.exec(text); found !== null; found = escapeStart.exec(text)) {
    const position = found.index;
    const marker = text.charCodeAt(position);
    if (marker === 38) {
      const end = referenceEnd(text, position);
      // Not a reference: look again from the next character (`&#&#83;`).
      if (end === -1) escapeStart.lastIndex = position + 1;
      else escapeStart.lastIndex = reading.replace(position, end, String.fromCodePoint(referenceCode));
    } else if (marker === 37) {
      const end = percentEnd(text, position);
      escapeStart.lastIndex = reading.replace(position, end, String.fromCodePoint(percentCode));
    } else if (text.charCodeAt(position + 1) === 117) {
      escapeStart.lastIndex = reading.replace(
        position,
        position + 6,
        String.fromCharCode(Number.parseInt(text.slice(position + 2, position + 6), 16)),
      );
    } else escapeStart.lastIndex = reading.replace(position, position + 2, text[position + 1] as string);
  }
  return reading.finish();
}

// What the last successful call of referenceEnd or percentEnd read: one number, not an object per escape.
let referenceCode = 0;
let percentCode = 0;

// The end of the numeric reference starting at `position` (`&#`), its code point left in referenceCode; -1
// when none starts there.
function referenceEnd(text: string, position: number): number {
  let index = position + 2;
  const x = text.charCodeAt(index);
  const hex = x === 120 || x === 88;
  if (hex) index += 1;
  const digitsStart = index;
  let code = 0;
  for (; index < text.length; index += 1) {
    const digit = hexValue(text.charCodeAt(index));
    if (digit === -1 || (!hex && digit > 9)) break;
    code = code * (hex ? 16 : 10) + digit;
    if (code > 0x10ffff) break;
  }
  if (index === digitsStart || code === 0 || code > 0x10ffff || text.charCodeAt(index) !== 59) return -1;
  referenceCode = code;
  return index + 1;
}

/** The value of a hex digit (a code unit), either case, or -1 when it is none. */
export function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** The byte `%XX` at `index` stands for, or -1 when no such escape is there. */
export function percentByte(text: string, index: number): number {
  if (text.charCodeAt(index) !== 0x25) return -1;
  const high = hexValue(text.charCodeAt(index + 1));
  const low = hexValue(text.charCodeAt(index + 2));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/**
 * The character (a code point) that the UTF-8 sequence percent-encoded from `index` on stands for, its lead
 * byte being `lead` (`%E2%80%A6`: U+2026), or -1 when no whole, well-formed sequence starts there (a byte
 * alone, a sequence cut short, an overlong or surrogate encoding).
 */
export function percentEncodedCharacter(text: string, index: number, lead: number): number {
  let count: number;
  let code: number;
  let least: number;
  if (lead >= 0xc2 && lead <= 0xdf) [count, code, least] = [1, lead & 0x1f, 0x80];
  else if (lead >= 0xe0 && lead <= 0xef) [count, code, least] = [2, lead & 0x0f, 0x800];
  else if (lead >= 0xf0 && lead <= 0xf4) [count, code, least] = [3, lead & 0x07, 0x10000];
  else return -1;
  for (let at = 1; at <= count; at += 1) {
    const byte = percentByte(text, index + 3 * at);
    if (byte < 0x80 || byte > 0xbf) return -1;
    code = code * 64 + (byte & 0x3f);
  }
  if (code < least || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return -1;
  return code;
}

// The end of the percent-encoded character starting at `position` (a `%XX` the caller found), its code point
// left in percentCode: a well-formed UTF-8 sequence of escapes as one character, any other byte alone as its
// Latin-1 character.
function percentEnd(text: string, position: number): number {
  const lead = percentByte(text, position);
  const character = percentEncodedCharacter(text, position, lead);
  if (character === -1) {
    percentCode = lead;
    return position + 3;
  }
  percentCode = character;
  return position + 3 * (character < 0x800 ? 2 : character < 0x10000 ? 3 : 4);
}

// Builds a Reading: the text copied between replacements, and for the k-th replacement its first unit in the
// result, how many units it gave (1 or 2), and where it starts and ends in the text.
class ReadingBuilder {
  readonly #text: string;
  #decoded = '';
  #copied = 0;
  readonly #at: number[] = [];
  readonly #units: number[] = [];
  readonly #sourceStart: number[] = [];
  readonly #sourceEnd: number[] = [];

  constructor(text: string) {
    this.#text = text;
  }

  /** Replaces `[start, end)` of the text (after any replaced before it) with `characters`; returns `end`. */
  replace(start: number, end: number, characters: string): number {
    this.#decoded += this.#text.slice(this.#copied, start);
    this.#at.push(this.#decoded.length);
    this.#units.push(characters.length);
    this.#sourceStart.push(start);
    this.#sourceEnd.push(end);
    this.#decoded += characters;
    this.#copied = end;
    return end;
  }

  finish(): Reading | undefined {
    const at = this.#at;
    if (at.length === 0) return undefined;
    const units = this.#units;
    const sourceStart = this.#sourceStart;
    const sourceEnd = this.#sourceEnd;
    const decoded = this.#decoded + this.#text.slice(this.#copied);
    // The last replacement whose first unit is at or before `unit`, or -1.
    const replacementAt = (unit: number): number => {
      let low = 0;
      let high = at.length - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if ((at[middle] as number) <= unit) {
          found = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      return found;
    };
    // Where `unit` stands in the text: inside replacement k, or that many units after its end (or from the
    // start).
    const place = (unit: number, end: boolean): number => {
      const k = replacementAt(unit);
      if (k === -1) return end ? unit + 1 : unit;
      const after = unit - (at[k] as number) - (units[k] as number);
      if (after < 0) return end ? (sourceEnd[k] as number) : (sourceStart[k] as number);
      return (sourceEnd[k] as number) + after + (end ? 1 : 0);
    };
    return { decoded, startOf: (unit) => place(unit, false), endOf: (unit) => place(unit, true) };
  }
}
