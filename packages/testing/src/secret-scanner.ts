import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';

/** Every text form an error can take when it is logged, printed or sent. */
export function errorTranscript(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 8 });
  return [
    error.message,
    withoutFrames(error.stack ?? ''),
    safeStringify(error),
    withoutFrames(inspect(error, { depth: 8 })),
    String(error),
  ].join('\n');
}

// Stack frames (`    at fn (file:line:col)`) name code, never data: a secret drawn at random whose half
// reads `Property` would otherwise be "found" in the test runner's own frames. Everything else of a stack
// or an inspection (the name and message line, the fields) is kept.
function withoutFrames(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s+at .+/.test(line))
    .join('\n');
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** A leak found by `SecretScanner.leaks`: which secret (by label, not value) appeared where. */
export interface SecretLeak {
  secretLabel: string;
  where: string;
}

/**
 * The texts that betray a secret when found in output, built independently of the code under test (Node's
 * `Buffer` and the platform's URL and JSON encoders), one for each encoding core's redaction covers: the
 * value, all lower case and all upper case; URL-encoded (upper- and lower-case escapes, `+` for spaces, every
 * byte percent-encoded in either case, and encoded twice); JSON-escaped (as `JSON.stringify` writes it, with
 * `\/`, with `\uXXXX` for every non-ASCII character, and with every character as `\uXXXX`, in either case);
 * its UTF-8 bytes in hex (lower and upper case); base64 and base64url of its UTF-8 and Latin-1 bytes and of its
 * JSON-escaped form, encoded on their own and at each byte alignment (the characters fixed by the secret alone,
 * as inside a `Basic` value of `user:secret`); and, for secrets of 16 characters or more, each half, so a secret cut in two by a
 * length limit still counts as leaked. Forms shorter than 4 characters are left out.
 */
export function leakForms(secret: string): string[] {
  const forms = new Set<string>([secret, secret.toLowerCase(), secret.toUpperCase()]);
  const escapedJson = JSON.stringify(secret).slice(1, -1);
  const unicodeEscape = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
  const everyCharacter = [...Array(secret.length).keys()].map((index) =>
    unicodeEscape(secret.charCodeAt(index)),
  );
  forms.add(escapedJson);
  forms.add(escapedJson.replaceAll('/', '\\/'));
  forms.add(escapedJson.replace(/[\u0080-\uffff]/g, (character) => unicodeEscape(character.charCodeAt(0))));
  forms.add(everyCharacter.join(''));
  forms.add(everyCharacter.join('').toUpperCase().replaceAll('\\U', '\\u'));
  try {
    const url = encodeURIComponent(secret);
    forms.add(url);
    forms.add(url.replace(/%[0-9A-F]{2}/g, (found) => found.toLowerCase()));
    forms.add(new URLSearchParams({ k: secret }).toString().slice(2));
    forms.add(encodeURIComponent(url));
  } catch {
    // A lone surrogate cannot be URL-encoded.
  }
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  forms.add(hex.replace(/../g, '%$&'));
  forms.add(hex.toUpperCase().replace(/../g, '%$&'));
  for (const encoded of [bytes, Buffer.from(secret, 'latin1'), Buffer.from(escapedJson, 'utf8')]) {
    // Encoded on its own, whole: every character is the secret's.
    forms.add(encoded.toString('base64').replace(/=+$/, ''));
    forms.add(encoded.toString('base64url'));
    for (let offset = 0; offset < 3; offset += 1) {
      const shifted = Buffer.concat([Buffer.alloc(offset), encoded]);
      for (const encoding of ['base64', 'base64url'] as const) {
        // Two characters at the start and three at the end may mix in the neighbours' bits.
        const inner = shifted.toString(encoding).replace(/=+$/, '').slice(2, -3);
        if (inner.length >= 8) forms.add(inner);
      }
    }
  }
  if (secret.length >= 16) {
    const half = Math.ceil(secret.length / 2);
    forms.add(secret.slice(0, half));
    forms.add(secret.slice(-half));
  }
  return [...forms].filter((form) => form.length >= 4);
}

/**
 * Collects credentials and everything an error or log line produced, then reports any credential seen in
 * any of it, in any form (see {@link leakForms}). Secrets are reported by label so the report itself
 * leaks nothing.
 */
export class SecretScanner {
  readonly #secrets = new Map<string, { label: string; forms: string[] }>();
  readonly #transcripts: { where: string; text: string }[] = [];

  /** Registers a credential under a label (`token`, `stream key`…). Values under 4 characters are ignored. */
  register(label: string, value: string | undefined): void {
    if (value && value.length >= 4 && !this.#secrets.has(value)) {
      this.#secrets.set(value, { label, forms: leakForms(value) });
    }
  }

  /** Records an error's message, stack, JSON and inspect output. */
  recordError(error: unknown, where = 'error'): void {
    this.#transcripts.push({ where, text: errorTranscript(error) });
  }

  /** Records a log line or any other text that leaves the library. */
  recordText(text: string, where = 'log'): void {
    this.#transcripts.push({ where, text });
  }

  get recorded(): number {
    return this.#transcripts.length;
  }

  leaks(): SecretLeak[] {
    const found: SecretLeak[] = [];
    for (const { where, text } of this.#transcripts) {
      for (const { label, forms } of this.#secrets.values()) {
        if (forms.some((form) => text.includes(form))) found.push({ secretLabel: label, where });
      }
    }
    return found;
  }
}
