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
 * `Buffer` encodes): the value; URL-encoded and JSON-escaped; base64 and base64url of its UTF-8 bytes at
 * each byte alignment (the characters fixed by the secret alone, as inside a `Basic` value of
 * `user:secret`); and, for secrets of 16 characters or more, each half, so a secret cut in two by a length
 * limit still counts as leaked.
 */
export function leakForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  try {
    forms.add(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded.
  }
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset += 1) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      // Two characters at the start and three at the end may mix in the neighbours' bits.
      const inner = shifted.toString(encoding).replace(/=+$/, '').slice(2, -3);
      if (inner.length >= 8) forms.add(inner);
    }
  }
  if (secret.length >= 16) {
    const half = Math.ceil(secret.length / 2);
    forms.add(secret.slice(0, half));
    forms.add(secret.slice(-half));
  }
  return [...forms];
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
