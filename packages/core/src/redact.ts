import { type InputIssue, InvalidInputError } from './errors/errors.js';
import { invalidInput } from './inputs.js';
import { maxProviderSecretValues } from './provider-secrets.js';
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
 * `secrets` is a list of strings (an array, a `Set`, a generator: any iterable; entries that are `undefined`
 * or `null`, a variable not set, are skipped), one string, or a {@link Redactor} such as a
 * {@link SecretSet}, whose own `redact` is used. An array is read whole (a sparse one by the entries it
 * holds); an iterable that is not an array up to its first {@link maxProviderSecretValues} (10,000) values,
 * so an endless one cannot hold the call, and an iterator refused once is refused again (it was read).
 *
 * @throws InvalidInputError (`operation: 'redact'`, before anything is read into a result) naming the
 *   argument, never its value or what the caller's code threw: `text` no string; `secrets` neither a list, a
 *   string nor a {@link Redactor} (a number, a plain object, a `String` object); a list holding anything but
 *   strings (`secrets.1: expected a string, not a number`; a `Map`'s `[name, value]` entries among them); an
 *   iterable past 10,000 values; a list or redactor that cannot be read (a revoked Proxy, a getter, trap or
 *   iterator that throws, an iterator whose `next()` answers no result object); a redactor whose `redact`
 *   throws or returns no string.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  // Called from JavaScript with anything: refused as every other call refuses bad input, typed, rather than
  // failing inside the matcher with a TypeError that names none of this. A module of its own, since
  // secrets.ts is loaded by the error classes that `invalidInput` makes.
  const issues: InputIssue[] = [];
  if (typeof text !== 'string')
    issues.push({ path: 'text', message: `expected a string, not ${kindOf(text)}` });
  const source = sourceOf(secrets);
  if (typeof source === 'object') issues.push(source);
  if (issues.length > 0) throw refusal(issues);
  if (source === 'redactor') return redactWith(secrets as unknown as Redactor, text);
  return redactText(text, secrets, readValues);
}

const unreadable = 'could not be read (a getter, a Proxy or its iterator threw)';

function refusal(issues: InputIssue[]): never {
  throw invalidInput(issues, { operation: 'redact' });
}

// What `secrets` is, read once with the caller's own code (getters, Proxy traps) kept from throwing through.
function sourceOf(secrets: unknown): 'none' | 'text' | 'list' | 'redactor' | InputIssue {
  if (secrets === null || secrets === undefined) return 'none';
  if (typeof secrets === 'string') return 'text';
  try {
    // A `String` object is iterable, by character, each too short to hide: taken as a list, it would hide
    // nothing. A string is one value; its wrapper is most likely a mistake.
    if (Object.prototype.toString.call(secrets) === '[object String]')
      return { path: 'secrets', message: 'expected a list of strings or a string, not a String object' };
    if (typeof (secrets as Partial<Redactor>).redact === 'function') return 'redactor';
    if (typeof (secrets as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') return 'list';
  } catch {
    return { path: 'secrets', message: unreadable };
  }
  return { path: 'secrets', message: `expected a list of strings, not ${kindOf(secrets)}` };
}

function redactWith(redactor: Redactor, text: string): string {
  let redacted: unknown;
  try {
    redacted = redactor.redact(text);
  } catch {
    // The redactor's own error may carry the very text it was to clean: not passed on.
    refusal([{ path: 'secrets', message: 'its redact() threw' }]);
  }
  if (typeof redacted !== 'string')
    refusal([{ path: 'secrets', message: `its redact() returned ${kindOf(redacted)}, not a string` }]);
  return redacted as string;
}

// A list's values, checked: strings (undefined and null skipped), an iterator read only so far.
function readValues(list: Iterable<string>): string[] {
  // An iterator refused once has been read, in part or whole: handed in again, it would yield what was left
  // or nothing, and hide less than was given. It stays refused.
  if (refusedIterables.has(list))
    refusal([{ path: 'secrets', message: 'refused before: an iterator cannot be read again' }]);
  const listed = Array.isArray(list);
  try {
    const entries = listed ? arrayEntries(list) : iterableEntries(list);
    const values: string[] = [];
    for (const [index, value] of entries) {
      if (typeof value === 'string') values.push(value);
      else if (value !== undefined && value !== null)
        refusal([{ path: `secrets.${index}`, message: `expected a string, not ${kindOf(value)}` }]);
    }
    return values;
  } catch (error) {
    if (!listed) refusedIterables.add(list);
    if (InvalidInputError.isInstance(error)) throw error;
    if (error === tooMany)
      refusal([
        {
          path: 'secrets',
          message: `expected at most ${maxProviderSecretValues} values from an iterable that is no array`,
        },
      ]);
    refusal([{ path: 'secrets', message: unreadable }]);
  }
}

const refusedIterables = /* @__PURE__ */ (() => new WeakSet<object>())();

// Thrown by `iterableEntries` past the limit, told apart from what the caller's iterator throws.
const tooMany = { reason: 'too many values' } as const;

// Above this length an array is read by its own index keys: a sparse one (`length` 2³² − 1, one value) costs
// what it holds, not its length.
const denseArrayLength = 65_536;

function* arrayEntries(list: readonly unknown[]): Generator<[number, unknown]> {
  if (list.length <= denseArrayLength) {
    for (let index = 0; index < list.length; index += 1) yield [index, list[index]];
    return;
  }
  for (const key of Object.keys(list)) {
    const index = Number(key);
    if (Number.isInteger(index) && index >= 0 && String(index) === key && index < list.length)
      yield [index, list[index]];
  }
}

function* iterableEntries(list: Iterable<unknown>): Generator<[number, unknown]> {
  const iterator = list[Symbol.iterator]();
  for (let index = 0; ; index += 1) {
    const step = iterator.next();
    // A `next()` that answers no result object is a broken iterator, as a throwing one is.
    if (typeof step !== 'object' || step === null) throw new TypeError('no iterator result');
    if (step.done) return;
    if (index === maxProviderSecretValues) throw tooMany;
    yield [index, step.value];
  }
}

// What a value is, for an issue's message, without its content (it may be the secret). Never throws: a
// revoked Proxy is an object that `Array.isArray` refuses.
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  try {
    if (Array.isArray(value)) return 'an array';
  } catch {
    return 'an object';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
