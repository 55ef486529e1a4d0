// Text from vendors (stream names, messages, URLs) reaches a terminal. Control characters in it could move
// the cursor, rewrite earlier lines, change the window title or hide text (ESC, CSI, OSC, C1 controls, bidi
// overrides), so every line the CLI prints shows them as visible escapes instead.

// C0 controls except tab and line feed, DEL, C1 controls, and the bidi embedding, override and isolate marks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Shows each control character as a visible escape (`\x1b`, `\u202e`): what was sent, without its effect. */
export function neutralise(text: string): string {
  return text.replace(unsafe, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON for scripts, with the characters {@link neutralise} escapes written as `\u` escapes: the same value
 * when parsed, and nothing a terminal would act on when printed.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(
    unsafe,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A webhook URL as the CLI prints it: origin and first path segment, the rest masked. Vendors that sign
 * nothing are protected by a secret path segment, which must not reach a terminal or a log.
 */
export function webhookUrlText(url: string): string {
  try {
    const parsed = new URL(url);
    const [first, ...rest] = parsed.pathname.split('/').filter((segment) => segment !== '');
    return `${parsed.origin}/${first ?? ''}${rest.length > 0 ? '/…' : ''}`;
  } catch {
    return '(a URL)';
  }
}
