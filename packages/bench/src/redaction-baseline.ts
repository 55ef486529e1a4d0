// The redaction unilive used before it compiled secrets into one automaton, kept verbatim (less the
// SecretSet) so the benchmark can show what changed: a split/join pass over the text for every form of
// every secret, then five regular expressions, two of which backtrack quadratically on hostile text.

const REDACTED = '[REDACTED]';
const minimumSecretLength = 4;

const patterns: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi, `$1 ${REDACTED}`],
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  [
    /([?&;](?:[\w-]*(?:key|token|secret|password|passphrase|signature|auth|streamid)[\w-]*)=)[^&#\s"'<>]*/gi,
    `$1${REDACTED}`,
  ],
  [/\b(rtmps?:\/\/[^\s/"'<>]+\/[^\s"'<>?#]*\/)[^\s/"'<>?#]+/gi, `$1${REDACTED}`],
  [/\b([a-z][\w+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${REDACTED}@`],
];

/** The former `redact(text, secrets)`. */
export function baselineRedact(text: string, secrets: Iterable<string> = []): string {
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
    // Not Latin-1.
  }
  return [...forms].sort((a, b) => b.length - a.length);
}
