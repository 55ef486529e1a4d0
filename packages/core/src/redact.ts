import type { InputIssue } from './errors/errors.js';
import { invalidInput } from './inputs.js';
import { type Redactor, redactText } from './secrets.js';

/**
 * Removes credentials from text meant for people or logs: every known secret value in every form it can be
 * echoed in (see {@link secretForms}: raw, URL-encoded, JSON-escaped, base64 at any alignment), and, by
 * shape, bearer and basic credentials, JWTs, credential-named query parameters, JSON fields and `Name: value`
 * lines (a header quoted in a message), RTMP stream keys and URL user information. All of them are found in one pass over the text (time linear in its length,
 * whatever the number of secrets), on the original text, and every stretch any of them covers is replaced:
 * where two matches overlap, both disappear into one `[REDACTED]`, so no fragment of a longer or shorter
 * form survives. A form the vendor cut short (8 or more of its first characters up to a word's end, or of
 * its last characters from a word's start) loses that stretch too, and so does any stretch of
 * {@link secretStretchLength} (16) characters or more of a form at least twice that long, wherever it stands
 * (a line of a blob wrapped at 64 or 76 characters), for lists of up to 32,768 characters of forms. Compiling the secrets costs time linear
 * in their forms' total length; the same list (the same array, holding the same values) is compiled once,
 * and a list a {@link SecretSet} returned from `values()` is matched by that set while it holds every value
 * of the list.
 *
 * @throws InvalidInputError (`operation: 'redact'`) when `text` is no string or `secrets` is neither a list
 *   nor a {@link Redactor}, naming the argument, never its value.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  // Called from JavaScript with anything: refused as every other call refuses bad input, typed, rather than
  // failing inside the matcher with a TypeError that names none of this. A module of its own, since
  // secrets.ts is loaded by the error classes that `invalidInput` makes.
  const issues: InputIssue[] = [];
  if (typeof text !== 'string')
    issues.push({ path: 'text', message: `expected a string, not ${kindOf(text)}` });
  if (
    secrets !== null &&
    typeof secrets !== 'string' &&
    typeof (secrets as Partial<Iterable<string>>)[Symbol.iterator] !== 'function' &&
    typeof (secrets as Partial<Redactor>).redact !== 'function'
  )
    issues.push({ path: 'secrets', message: `expected a list of strings, not ${kindOf(secrets)}` });
  if (issues.length > 0) throw invalidInput(issues, { operation: 'redact' });
  return redactText(text, secrets);
}

// What a value is, for an issue's message, without its content (it may be the secret).
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
