import { escapeUnprintable } from '@unilive/core';
import { maskWebhookUrl } from '@unilive/sandbox';

// Text from vendors (stream names, messages, URLs) reaches a terminal. Control characters in it could move
// the cursor, rewrite earlier lines, change the window title or hide text (ESC, CSI, OSC, C1 controls, bidi
// overrides, zero-width and tag characters, line separators), so every line the CLI prints shows them as
// visible escapes instead: core's `escapeUnprintable`, the same escaping every error text gets, keeping the
// tab and line feed of the CLI's own layout.

/** Shows each control character as a visible escape (`\x1b`, `\u202e`): what was sent, without its effect. */
export function neutralise(text: string): string {
  return escapeUnprintable(text, '\t\n');
}

// What JSON output writes as `\u` escapes: every control, format and separator character (JSON.stringify
// escapes only C0), one UTF-16 unit at a time so that astral tag characters stay valid JSON. Built from a
// string on first use, as core's `\p{…}` classes are: V8 builds the Unicode sets of a regular expression
// literal while it compiles the module, so as a literal it cost every start of the CLI, `--help` included.
let unsafeInJson: RegExp | undefined;

/**
 * JSON for scripts, with the characters {@link neutralise} escapes written as `\u` escapes: the same value
 * when parsed, and nothing a terminal would act on when printed.
 */
export function jsonText(value: unknown): string {
  // biome-ignore lint/complexity/useRegexLiterals: a literal is compiled with the module (see above).
  unsafeInJson ??= new RegExp(String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]`, 'gu');
  return JSON.stringify(value).replace(unsafeInJson, (character) =>
    [...Array(character.length).keys()]
      .map((index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`)
      .join(''),
  );
}

/**
 * A webhook URL as the CLI prints it: the sandbox's own masking ({@link maskWebhookUrl}), so a path secret
 * reads the same nowhere, in the sandbox's log, on its dashboard and in this terminal.
 */
export const webhookUrlText: (url: string) => string = maskWebhookUrl;
