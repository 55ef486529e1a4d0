const REDACTED = '[REDACTED]';

// Values shorter than this are too likely to match ordinary text to be replaced blindly.
const minimumSecretLength = 4;

const patterns: [RegExp, string][] = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi, `$1 ${REDACTED}`],
  // JSON Web Tokens anywhere.
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  // Credential-like query parameters (SRT stream ids and passphrases included).
  [
    /([?&;](?:[\w-]*(?:key|token|secret|password|passphrase|signature|auth|streamid)[\w-]*)=)[^&#\s"'<>]*/gi,
    `$1${REDACTED}`,
  ],
  // The last path segment of an RTMP URL is its stream key.
  [/\b(rtmps?:\/\/[^\s/"'<>]+\/[^\s"'<>?#]*\/)[^\s/"'<>?#]+/gi, `$1${REDACTED}`],
  // user:password@ in URLs.
  [/\b([a-z][\w+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${REDACTED}@`],
];

/**
 * Removes credentials from text meant for people or logs: every known secret value (and its URL- and
 * base64-encoded forms), bearer and basic credentials, JWTs, credential query parameters, RTMP stream
 * keys and URL user info.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < minimumSecretLength) continue;
    for (const form of encodedForms(secret)) result = result.split(form).join(REDACTED);
  }
  for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
  return result;
}

function encodedForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  try {
    forms.add(btoa(secret));
  } catch {
    // Not Latin-1: it cannot appear base64-encoded by btoa either.
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** How many learned values a {@link SecretSet} keeps by default. */
export const defaultLearnedSecretLimit = 1_000;

/**
 * The secret values a provider must keep out of errors and logs, in two tiers: credentials (`add`), kept
 * for the provider's life, and values learned from the vendor's answers (`learn`: stream keys, passwords,
 * tokens), of which the most recently seen are kept so memory and scrubbing cost stay bounded however many
 * streams a process walks. Older stream keys are still caught by the RTMP and credential patterns of
 * {@link redact}.
 */
export class SecretSet {
  readonly #credentials = new Set<string>();
  // Insertion order is recency order: a value seen again moves to the end.
  readonly #learned = new Set<string>();
  readonly #limit: number;

  constructor(options: { learnedLimit?: number } = {}) {
    this.#limit = options.learnedLimit ?? defaultLearnedSecretLimit;
  }

  /** Adds credentials, kept for good; empty and very short values are ignored. */
  add(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value === 'string' && value.length >= minimumSecretLength) this.#credentials.add(value);
    }
  }

  /** Adds values the vendor returned; only the most recent `learnedLimit` are kept. */
  learn(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < minimumSecretLength || this.#credentials.has(value))
        continue;
      this.#learned.delete(value);
      this.#learned.add(value);
      if (this.#learned.size > this.#limit) {
        const oldest = this.#learned.values().next().value;
        if (oldest !== undefined) this.#learned.delete(oldest);
      }
    }
  }

  values(): string[] {
    return [...this.#credentials, ...this.#learned];
  }

  redact(text: string): string {
    return redact(text, this.values());
  }
}
