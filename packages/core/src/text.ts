// What makes a text unsafe to send, store or print, in one place for names, keys and settings.

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` is well-formed UTF-16: no lone surrogate, so it survives UTF-8 and JSON unchanged. */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/**
 * Code points, not UTF-16 units (a lone surrogate counts one too): an emoji of one code point counts 1, a
 * flag 2, a family emoji up to 7, since the vendors count characters, not what a reader sees as one. The one length every name limit is measured in (input validation, routing,
 * migration, the sandbox), and the minimum of a secret's beginning `SecretSet.learnTruncated` learns.
 */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * The first `max` code points of `text`, counted as {@link codePointLength} counts them: a cut never splits
 * a surrogate pair (an emoji of one code point) in half; an emoji sequence (a flag, a family) may be cut
 * between its code points. `text` itself when it is no longer.
 */
export function sliceCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = 0;
  let end = 0;
  for (const character of text) {
    if (kept === max) break;
    kept += 1;
    end += character.length;
  }
  return text.slice(0, end);
}

// C0 and C1 controls and DEL, and the line and paragraph separators that end a log line as well as LF does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** True when `text` holds a C0 or C1 control character, DEL, or a Unicode line or paragraph separator. */
export function hasControlCharacter(text: string): boolean {
  return controlCharacter.test(text);
}

// Embeddings, overrides and isolates reorder what a reader sees ("Trojan Source", CVE-2021-42574); the
// plain direction marks (U+200E, U+200F, U+061C) only hint and are left to right-to-left text.
const bidiControl = /[\u202a-\u202e\u2066-\u2069]/;

/** True when `text` holds a bidirectional embedding, override or isolate. */
export function hasBidiControl(text: string): boolean {
  return bidiControl.test(text);
}

// Whitespace, format characters (zero-width spaces and joiners, the BOM, soft hyphens, the tag characters
// of U+E0000–U+E007F), every other default-ignorable code point, the blank braille pattern (U+2800, drawn
// as an empty cell) and combining marks, which have nothing to sit on when nothing else is there: what a
// screen shows as nothing.
// Built from a string on first use, as the other Unicode property classes below: V8 checks a regular
// expression literal, building the character sets of its `\p{…}` classes, while it compiles the module,
// even inside a function not yet called, so as literals these three cost every import of core some 0.6 ms.
let invisible: RegExp | undefined;

/**
 * True when nothing in `text` would be visible: empty, or only whitespace, format and default-ignorable
 * characters, combining marks and the blank braille pattern.
 */
export function isInvisible(text: string): boolean {
  // biome-ignore lint/complexity/useRegexLiterals: a literal is compiled with the module (see above).
  invisible ??= new RegExp(
    String.raw`^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]*$`,
    'u',
  );
  return invisible.test(text);
}

// Tag characters spell hidden ASCII (text a reader cannot see but a model or a search index reads). Their one
// visible use is an emoji tag sequence: the black flag U+1F3F4, tag letters, then CANCEL TAG (U+E007F),
// which draws a subdivision flag (England, Scotland, Wales).
const tagCharacter = /[\u{E0000}-\u{E007F}]/u;
const flagTagSequence = /\u{1F3F4}[\u{E0020}-\u{E007E}]{1,32}\u{E007F}/gu;

/** True when `text` holds a tag character (U+E0000–U+E007F) outside an emoji flag tag sequence. */
export function hasHiddenTagText(text: string): boolean {
  return tagCharacter.test(text) && tagCharacter.test(text.replace(flagTagSequence, ''));
}

// What no text the library prints or stores in an error carries as it is: C0 and C1 controls (ESC opens
// terminal sequences, CR and LF forge log lines), DEL, line and paragraph separators (U+2028 ends a line in
// JavaScript and in many log viewers), format characters (zero-width spaces, bidi controls, the BOM, tag
// characters) and lone surrogates.
let unprintable: RegExp | undefined;
let pictograph: RegExp | undefined;

/**
 * Shows each control, format or separator character of `text` as a visible escape (`\x1b`, `\u200b`,
 * `\u{e0041}`): what was sent, without its effect on a terminal, a log line or a reader. Characters in
 * `keep` (the CLI keeps `\t\n` of its own layout) and the zero-width joiner inside an emoji sequence
 * (`👩‍👧`) stay as they are. Every error text goes through it (after redaction, before the cut).
 */
export function escapeUnprintable(text: string, keep = ''): string {
  // biome-ignore lint/complexity/useRegexLiterals: a literal is compiled with the module (see isInvisible).
  unprintable ??= new RegExp(String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]`, 'gu');
  return text.replace(unprintable, (character, offset: number) => {
    if (keep.includes(character)) return character;
    const code = character.codePointAt(0) as number;
    if (code === 0x200d && joinsPictographs(text, offset)) return character;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
    return `\\u{${code.toString(16)}}`;
  });
}

// A joiner between two emoji (a variation selector or skin tone may end the first) builds one emoji.
function joinsPictographs(text: string, offset: number): boolean {
  const lowBefore = offset >= 2 && (text.charCodeAt(offset - 1) & 0xfc00) === 0xdc00;
  const previous = text.codePointAt(lowBefore ? offset - 2 : offset - 1);
  const next = text.codePointAt(offset + 1);
  if (previous === undefined || next === undefined || offset === 0) return false;
  // biome-ignore lint/complexity/useRegexLiterals: a literal is compiled with the module (see isInvisible).
  pictograph ??= new RegExp(String.raw`\p{Extended_Pictographic}`, 'u');
  const endsEmoji =
    previous === 0xfe0f ||
    (previous >= 0x1f3fb && previous <= 0x1f3ff) ||
    pictograph.test(String.fromCodePoint(previous));
  return endsEmoji && pictograph.test(String.fromCodePoint(next));
}
