import { inspect } from 'node:util';

/** Every text form an error can take when it is logged, printed or sent. */
export function errorTranscript(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 8 });
  return [
    error.message,
    error.stack ?? '',
    safeStringify(error),
    inspect(error, { depth: 8 }),
    String(error),
  ].join('\n');
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
 * Collects credentials and everything an error or log line produced, then reports any credential seen in
 * any of it. Secrets are reported by label so the report itself leaks nothing.
 */
export class SecretScanner {
  readonly #secrets = new Map<string, string>();
  readonly #transcripts: { where: string; text: string }[] = [];

  /** Registers a credential under a label (`token`, `stream key`…). Values under 4 characters are ignored. */
  register(label: string, value: string | undefined): void {
    if (value && value.length >= 4) this.#secrets.set(value, label);
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
      for (const [value, label] of this.#secrets) {
        if (text.includes(value) || text.includes(encodeURIComponent(value)))
          found.push({ secretLabel: label, where });
      }
    }
    return found;
  }
}
