// What makes a text unsafe to send, store or print, in one place for names, keys and settings.

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` is well-formed UTF-16: no lone surrogate, so it survives UTF-8 and JSON unchanged. */
export function isWellFormed(text: string): boolean {
  return !loneSurrogate.test(text);
}

/**
 * Characters counted as people count them: code points, so an emoji is one, not two UTF-16 units. The one
 * length every name limit is measured in (input validation, routing, migration, the sandbox).
 */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * The first `max` characters of `text`, counted as {@link codePointLength} counts them: a cut never splits
 * an emoji (a surrogate pair) in half. `text` itself when it is no longer.
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

// Whitespace, format characters (zero-width spaces and joiners, the BOM, soft hyphens) and every other
// default-ignorable code point: what a screen shows as nothing.
const invisible = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;

/** True when nothing in `text` would be visible: empty, or only whitespace and invisible characters. */
export function isInvisible(text: string): boolean {
  return invisible.test(text);
}
