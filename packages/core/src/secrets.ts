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

/**
 * A set of secret values that grows as a provider learns them (its credentials, and stream keys and
 * tokens the vendor returns), so errors raised later can be scrubbed of them.
 */
export class SecretSet {
  readonly #values = new Set<string>();

  /** Adds values; empty and very short ones are ignored. */
  add(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value === 'string' && value.length >= minimumSecretLength) this.#values.add(value);
    }
  }

  values(): string[] {
    return [...this.#values];
  }

  redact(text: string): string {
    return redact(text, this.#values);
  }
}
