import { detached } from '../redaction/truncated.js';

/**
 * The beginning of a JSON text read as far as it went: a vendor's answer whose body broke off (a dropped
 * connection, a declared length never reached, a gzip stream cut) still holds the values that arrived
 * before the cut, and those may be secrets (a new stream's key) that no later reading will see.
 */
export interface JsonBeginning {
  /**
   * The value as far as the text went: every object and array that began is closed where the text stops,
   * with the members that arrived whole; a member whose value had not begun, an incomplete key, literal
   * (`tru`) or number (`12` may have been `123`) is left out; a string the text broke off inside is kept as
   * its beginning (see `cut`). `undefined` when no value began (an empty text, whitespace, a cut literal),
   * or when the text is no JSON from its first character.
   */
  value: unknown;
  /**
   * The beginning of the string value the text broke off inside (after its escapes were read; an escape
   * itself cut short is left out), when it did, at most `cutLength` characters of it; that string is the
   * last one in `value`. Absent otherwise, also when the text stopped inside a key.
   */
  cut?: string;
}

/**
 * The nesting read at most: an object or array that opens deeper ends the reading there, as the text's end
 * would (vendor answers nest a handful of levels; the reader keeps its own stack, so no depth overflows the
 * call stack, and this bounds what a hostile answer can make the schema walk).
 */
export const maxJsonBeginningDepth = 512;

/**
 * Reads the beginning of a JSON text (see {@link JsonBeginning}), in time linear in its length. Never throws:
 * at a character that JSON does not allow there (the answer was not JSON after all) the reading stops as at
 * the text's end, without reporting a cut string. Keys are set as `JSON.parse` sets them: `__proto__` is an
 * own data property, never the object's prototype; a repeated key keeps its first place and its last value.
 * A whole JSON text gives the value `JSON.parse` gives (a number that ends the text is then read whole: the
 * text cannot tell a whole number from a cut one, and at the top level it is whole). The string the text
 * broke off inside is kept to its first `cutLength` characters (default: all; a high surrogate the bound
 * splits from its pair left out), in `value` and `cut` alike.
 */
export function readJsonBeginning(text: string, cutLength = Number.POSITIVE_INFINITY): JsonBeginning {
  const reader = new BeginningReader(text, cutLength);
  try {
    reader.read();
  } catch {
    // Nothing in the reader throws on any text; kept so that a future mistake costs the learning only.
  }
  return reader.cut === undefined ? { value: reader.root } : { value: reader.root, cut: reader.cut };
}

/**
 * Whether `text` is the beginning of a JSON text that stops inside its value: the text ran out with an
 * object or array still open, inside a string, or inside a literal or number at the top level (`{`,
 * `{"id":"str`, `[1,`, `tru`). False for whole JSON, for a text with a character JSON does not allow where
 * it stands (an HTML page, `{"a":1}x`), and for an empty or blank text. Linear in the text's length.
 */
export function endsInsideJson(text: string): boolean {
  const reader = new BeginningReader(text, 0);
  try {
    reader.read();
  } catch {
    return false;
  }
  if (reader.refused || reader.pos < text.length) return false;
  if (reader.cut !== undefined || reader.stack.length > 0) return true;
  // Nothing open: a top-level value the text ended inside (`tru`, a string cut short is `cut` above), not
  // one it holds whole (`true`, `12`), and not a blank text.
  return reader.root === undefined && text.trim() !== '';
}

interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  // An object's key read and awaiting its value.
  key: string | undefined;
}

class BeginningReader {
  readonly text: string;
  pos = 0;
  root: unknown = undefined;
  cut: string | undefined = undefined;
  readonly stack: Frame[] = [];

  readonly cutLength: number;
  /** Set when the reading stopped at a word JSON does not allow (`OK`, `undefined`), not at the text's end. */
  refused = false;

  constructor(text: string, cutLength: number) {
    this.text = text;
    this.cutLength = cutLength;
  }

  read(): void {
    const text = this.text;
    const length = text.length;
    // What comes next: a value, a member's key (or `}` after `{`), the `:` after a key, or a `,` or the
    // container's end after a member.
    let expect: 'value' | 'first-value' | 'key' | 'first-key' | 'colon' | 'after' = 'value';
    for (;;) {
      this.skipSpace();
      if (this.pos >= length) return;
      const char = text.charCodeAt(this.pos);
      const frame = this.stack[this.stack.length - 1];
      if (expect === 'value' || expect === 'first-value') {
        if (expect === 'first-value' && char === closeBracket) {
          this.pos += 1;
          if (!this.close()) return;
          expect = 'after';
          continue;
        }
        if (char === openBrace || char === openBracket) {
          if (this.stack.length >= maxJsonBeginningDepth) return;
          const isArray = char === openBracket;
          const container: Record<string, unknown> | unknown[] = isArray ? [] : {};
          if (!this.attach(container)) return;
          this.stack.push({ container, isArray, key: undefined });
          this.pos += 1;
          expect = isArray ? 'first-value' : 'first-key';
          continue;
        }
        if (char === quote) {
          const value = this.string();
          if (value === undefined) return;
          if (!value.whole) {
            // Kept as its beginning only when it is a value: the member or element it starts is the last.
            const kept = boundedBeginning(value.text, this.cutLength);
            this.attach(kept);
            this.cut = kept;
            return;
          }
          if (!this.attach(value.text)) return;
          expect = 'after';
          continue;
        }
        const scalar = this.scalar();
        if (scalar === undefined) return;
        if (!this.attach(scalar.value)) return;
        expect = 'after';
        continue;
      }
      if (frame === undefined) return; // Something after the whole top-level value: not read.
      if (expect === 'key' || expect === 'first-key') {
        if (expect === 'first-key' && char === closeBrace) {
          this.pos += 1;
          if (!this.close()) return;
          expect = 'after';
          continue;
        }
        if (char !== quote) return;
        const key = this.string();
        // A key cut short names nothing: its member is left out.
        if (key === undefined || !key.whole) return;
        frame.key = key.text;
        expect = 'colon';
        continue;
      }
      if (expect === 'colon') {
        if (char !== colon) return;
        this.pos += 1;
        expect = 'value';
        continue;
      }
      // After a member or element.
      if (char === comma) {
        this.pos += 1;
        expect = frame.isArray ? 'value' : 'key';
        continue;
      }
      if (char === (frame.isArray ? closeBracket : closeBrace)) {
        this.pos += 1;
        if (!this.close()) return;
        expect = 'after';
        continue;
      }
      return;
    }
  }

  // Places a value where the text puts it: the top-level value, the next element, or the awaited member.
  attach(value: unknown): boolean {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) {
      if (this.root !== undefined) return false;
      this.root = value;
      return true;
    }
    if (frame.isArray) {
      (frame.container as unknown[]).push(value);
      return true;
    }
    const key = frame.key;
    if (key === undefined) return false;
    frame.key = undefined;
    const container = frame.container as Record<string, unknown>;
    // As JSON.parse creates members: an own data property, whatever the name (an assignment to
    // `__proto__` would set the object's prototype instead).
    if (key === '__proto__')
      Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
    else container[key] = value;
    return true;
  }

  // Ends the innermost container; false when the text closes one that never opened.
  close(): boolean {
    return this.stack.pop() !== undefined;
  }

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (; pos < text.length; pos += 1) {
      const char = text.charCodeAt(pos);
      if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) break;
    }
    this.pos = pos;
  }

  // A string from its opening quote: whole (the closing quote read), or cut by the text's end (its
  // beginning, up to the last whole character or escape); undefined for a character JSON refuses in it.
  string(): { text: string; whole: boolean } | undefined {
    const text = this.text;
    let pos = this.pos + 1;
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) {
        this.pos = pos;
        return { text: out + text.slice(start, pos), whole: false };
      }
      const char = text.charCodeAt(pos);
      if (char === quote) {
        this.pos = pos + 1;
        return { text: out + text.slice(start, pos), whole: true };
      }
      if (char < 0x20) return undefined;
      if (char !== backslash) {
        pos += 1;
        continue;
      }
      out += text.slice(start, pos);
      const escaped = text.charCodeAt(pos + 1);
      if (Number.isNaN(escaped)) {
        this.pos = text.length;
        return { text: out, whole: false };
      }
      if (escaped === 0x75 /* u */) {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
        if (hex.length < 4) {
          this.pos = text.length;
          return { text: out, whole: false };
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else {
        const replaced = unescaped(escaped);
        if (replaced === undefined) return undefined;
        out += replaced;
        pos += 2;
      }
      start = pos;
    }
  }

  // A number or literal: its value when whole (a number followed by something, or ending a top-level text),
  // undefined when cut short or not JSON.
  scalar(): { value: unknown } | undefined {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    while (pos < text.length && scalarCharacter.test(text[pos] as string)) pos += 1;
    const word = text.slice(start, pos);
    this.pos = pos;
    if (word === 'true') return { value: true };
    if (word === 'false') return { value: false };
    if (word === 'null') return { value: null };
    // A word no literal or number is, nor begins one the text's end cut short (`tru`, `-`, `1.`, `2e+`).
    if (
      !jsonNumber.test(word) &&
      !(pos >= text.length && (literalBeginning.test(word) || jsonNumber.test(`${word}0`)))
    )
      this.refused = true;
    // A number the text ends with may have gone on, unless it is the whole text's value.
    if ((pos >= text.length && this.stack.length > 0) || !jsonNumber.test(word)) return undefined;
    return { value: Number(word) };
  }
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const colon = 0x3a;
const comma = 0x2c;
const scalarCharacter = /[0-9a-zA-Z+\-.]/;
const jsonNumber = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// The beginnings of `true`, `false` and `null` short of the whole word.
const literalBeginning = /^(?:t|tr|tru|f|fa|fal|fals|n|nu|nul)$/;
// The character a one-letter escape stands for; undefined for a letter JSON has no escape for.
function unescaped(letter: number): string | undefined {
  switch (letter) {
    case quote:
      return '"';
    case backslash:
      return '\\';
    case 0x2f:
      return '/';
    case 0x62:
      return '\b';
    case 0x66:
      return '\f';
    case 0x6e:
      return '\n';
    case 0x72:
      return '\r';
    case 0x74:
      return '\t';
    default:
      return undefined;
  }
}

// `text`'s first `length` characters, less a high surrogate whose pair the bound cut off: a string of its own,
// so that what keeps it (the secret set) does not keep the whole answer it was read from.
function boundedBeginning(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 1);
  return detached(text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length));
}
