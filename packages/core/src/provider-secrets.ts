import { maskedError, maskedValue, UniliveError } from './errors/unilive-error.js';
import type { LiveStream, Warning } from './live-stream.js';
import type { LiveStreamProvider } from './provider.js';
import {
  askWhichSet,
  combinedRedactor,
  type Redactor,
  redactStable,
  SecretSet,
  toRedactor,
} from './secrets.js';

/**
 * What masks the text `provider` hands back: every value of its `secrets()` as it answers now (a list a
 * `SecretSet` returned is matched by that set, with every value it has learned), and every credential
 * shape. A `secrets()` that is missing, throws or returns no list of strings leaves the shapes alone.
 */
export function providerRedactor(provider: LiveStreamProvider): Redactor {
  return redactorOf(askSecrets(provider));
}

/**
 * The most values read from a `secrets()` answer that is an iterable rather than an array (a `Set`, a
 * generator): an endless one would hold the call forever. Far more than any provider knows (a `SecretSet`
 * keeps its credentials and a thousand learned values).
 */
export const maxProviderSecretValues = 10_000;

/**
 * How many values a client keeps hiding after its provider's `secrets()` stopped listing them by answering
 * with another set or list (credentials rotated, a set built anew): the most recently dropped ones, a
 * set's credentials kept longest. An answer the vendor sends late, or an error of a request made before the
 * rotation, may still carry a rotated-out key.
 */
export const maxRotatedOutSecretValues = maxProviderSecretValues;

// What `secrets()` answers now: the set whose list it returned (unchanged since the set built it, found
// without a copy), a list of strings (the very array when it holds only strings), or nothing usable.
function askSecrets(provider: LiveStreamProvider): SecretSet | readonly string[] | undefined {
  try {
    // Which set answers is found without a copy of its values, even of a set that changed since.
    const { answer, set } = askWhichSet(() => provider.secrets?.());
    if (set !== undefined) return set;
    const list = answer as Iterable<unknown> | string | undefined | null;
    if (list === undefined || list === null) return undefined;
    if (typeof list === 'string') return [list];
    const values = readValues(list).filter((value): value is string => typeof value === 'string');
    // A set's own list is passed as it is, so the set (every value it holds, compiled already) is used.
    return Array.isArray(list) && values.length === list.length ? list : values;
  } catch {
    return undefined;
  }
}

function redactorOf(answer: SecretSet | readonly string[] | undefined): Redactor {
  if (answer === undefined || answer instanceof SecretSet) return toRedactor(answer);
  try {
    return toRedactor(answer);
  } catch {
    return toRedactor(undefined);
  }
}

function readValues(list: Iterable<unknown>): unknown[] {
  if (Array.isArray(list)) return list;
  const values: unknown[] = [];
  for (const value of list) {
    values.push(value);
    if (values.length >= maxProviderSecretValues) break;
  }
  return values;
}

/**
 * Why what `provider.secrets()` answers cannot be read as its secrets, or undefined when it can (a list or
 * iterable of strings, a `SecretSet`'s list, one string, or nothing: `undefined`, `null`, no method). Asked
 * once when a client is made over the provider: a `secrets` that is no function, that throws, that answers
 * a Promise (an `async secrets()`) or a list whose reads throw masks nothing, and every text of the
 * provider (a credential its error quotes) would reach the caller as it came. Never quotes what it answered.
 */
export function secretsProblem(provider: LiveStreamProvider): string | undefined {
  let method: unknown;
  try {
    method = (provider as { secrets?: unknown }).secrets;
  } catch {
    return 'expected a method, a function; its read threw';
  }
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'function') return `expected a method, a function; found ${typeof method}`;
  try {
    const answer: unknown = (provider as { secrets: () => unknown }).secrets();
    if (answer === undefined || answer === null || typeof answer === 'string') return undefined;
    if (typeof answer !== 'object' && typeof answer !== 'function')
      return `expected a list of strings; it answered ${typeof answer}`;
    if (typeof (answer as { then?: unknown }).then === 'function')
      return 'expected a list of strings, answered at once; it answered a Promise (secrets() cannot be async)';
    if (typeof (answer as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function')
      return 'expected a list of strings; it answered an object that is no list';
    readValues(answer as Iterable<unknown>).filter((value) => typeof value === 'string');
    return undefined;
  } catch {
    return 'expected a list of strings; asking for it, or reading what it answered, threw';
  }
}

/**
 * Whether `provider` keeps its streams' secrets itself: its `secrets()` answers the list of a `SecretSet`
 * (`secrets: () => set.values()`, as the built-in adapters do, learning every stream key their answers
 * carry into that set). A client holds the secrets of every other provider's answers for it (see
 * {@link withHeldSecrets}). A `secrets()` that throws is no such set.
 */
export function keepsStreamSecrets(provider: LiveStreamProvider): boolean {
  try {
    return askWhichSet(() => provider.secrets?.()).set !== undefined;
  } catch {
    return false;
  }
}

/**
 * `source` (a provider's redactor, see {@link providerRedactorSource}) with the values `held` learns as it
 * learns them: one combined redactor for each redactor `source` gives, so asking costs nothing more while
 * the provider's secrets are unchanged.
 */
export function withHeldSecrets(source: () => Redactor, held: SecretSet): () => Redactor {
  let last: Redactor | undefined;
  let combined: Redactor = held;
  return () => {
    const now = source();
    if (now !== last) {
      last = now;
      combined = combinedRedactor([now, held]);
    }
    return combined;
  };
}

/**
 * A function giving what masks the text `provider` hands back, asking its `secrets()` on every call, so a
 * provider that rotates its credentials (a new `SecretSet`, a new list) is followed from its next answer
 * on. Asking costs nothing in the number of secrets when the answer is a set's unchanged list (what
 * `set.values()` returns until the set changes) or the same set as before; a list of another kind is
 * compared with the last one and compiled only when its values changed. Values an earlier answer listed
 * and the current one no longer does stay hidden too (the most recent {@link maxRotatedOutSecretValues}):
 * the redactor is then the current answer's and theirs together. `secrets()` is first asked here, as the
 * source is made.
 */
export function providerRedactorSource(provider: LiveStreamProvider): () => Redactor {
  let current: Redactor | undefined;
  // The values of the current answer when it is a list (a copy: the provider may change its array).
  let currentValues: readonly string[] | undefined;
  let rotatedOut: SecretSet | undefined;
  let masking: Redactor | undefined;
  const source = () => {
    const answer = askSecrets(provider);
    if (masking !== undefined) {
      if (answer === current) return masking;
      if (answer === undefined ? current === patternsOnly : sameList(answer, currentValues)) return masking;
    }
    const next = redactorOf(answer);
    if (masking !== undefined && next === current) {
      currentValues = valuesOfAnswer(answer);
      return masking;
    }
    if (current !== undefined) {
      const outgoing = currentValues ?? (current instanceof SecretSet ? current.values() : []);
      const kept = holderOf(answer);
      // Learned last to first, so the first (a set lists its credentials first) are kept longest.
      for (let index = outgoing.length - 1; index >= 0; index -= 1) {
        const value = outgoing[index] as string;
        if (kept(value)) continue;
        rotatedOut ??= new SecretSet({ learnedLimit: maxRotatedOutSecretValues });
        rotatedOut.learn(value);
      }
    }
    current = next;
    currentValues = valuesOfAnswer(answer);
    masking = rotatedOut ? combinedRedactor([next, rotatedOut]) : next;
    return masking;
  };
  // Asked once now: a value the provider lists when the source is made, and no longer at the next
  // masking, is one rotated out, kept hidden as every earlier answer's is.
  source();
  return source;
}

// What masks a text when a provider lists no secret: the credential shapes alone.
const patternsOnly: Redactor = /* @__PURE__ */ toRedactor(undefined);

// Whether the answer `answer` still lists a value: a value it lists is not rotated out.
function holderOf(answer: SecretSet | readonly string[] | undefined): (value: string) => boolean {
  if (answer === undefined) return () => false;
  if (answer instanceof SecretSet) return (value) => answer.holdsAll([value]);
  const listed = new Set(answer);
  return (value) => listed.has(value);
}

function valuesOfAnswer(answer: SecretSet | readonly string[] | undefined): readonly string[] | undefined {
  return answer === undefined ? [] : answer instanceof SecretSet ? undefined : [...answer];
}

function sameList(answer: SecretSet | readonly string[], values: readonly string[] | undefined): boolean {
  if (answer instanceof SecretSet || values === undefined || answer.length !== values.length) return false;
  for (let index = 0; index < values.length; index += 1) if (answer[index] !== values[index]) return false;
  return true;
}

/**
 * `error` masked by `redactor` (see `maskedError`) when it is one of this library's errors; anything else
 * is returned as it is (the client turns it into a `UniliveError` of its own, masked as it is made). A
 * value marked as one of our errors that cannot be read through (a field that throws, a proxy whose traps
 * throw) becomes a `UniliveError` of its own naming the provider and operation it gave, masked: a field
 * that throws once may give a secret the next time, and a proxy may answer the caller what it refused us.
 * `detach` (an outside provider's error): always a copy, never the object the provider holds (which it may
 * change after, or a proxy may answer otherwise at the next read), printed as this library prints its own.
 */
export function maskedFailure(error: unknown, redactor: Redactor, detach = false): unknown {
  if (!UniliveError.isInstance(error)) return error;
  try {
    return maskedError(error, redactor, 0, detach);
  } catch {
    return unreadableError(error, redactor);
  }
}

function unreadableError(error: object, redactor: Redactor): UniliveError {
  const text = (key: string): string | undefined => {
    try {
      const value: unknown = (error as Record<string, unknown>)[key];
      return typeof value === 'string' ? redactStable(redactor, value) : undefined;
    } catch {
      return undefined;
    }
  };
  const provider = text('provider');
  const operation = text('operation');
  return new UniliveError({
    provider,
    operation,
    message: `${provider ?? 'a provider'} ${operation ?? 'call'} failed, with an error that could not be read`,
    secrets: redactor,
  });
}

/**
 * `warning` with every text it carries masked by `redactor`: its message, setting and type, any field an
 * outside provider added, whatever their shape (a message that is an object, a warning that is a bare
 * string); the same value when nothing changes.
 */
export function maskedWarning(warning: Warning, redactor: Redactor): Warning {
  return maskedValue(warning, redactor) as Warning;
}

/**
 * `stream` with the warnings it carries masked by `redactor`, whatever shape an outside provider gave them
 * (a list, one string, an object): the same object when none changes. Call it only for a stream that has
 * warnings (see {@link hasWarnings}), so a read without them costs nothing more.
 */
export function withMaskedWarnings(stream: LiveStream, redactor: Redactor): LiveStream {
  const masked = maskedValue(stream.warnings, redactor);
  return masked === stream.warnings ? stream : { ...stream, warnings: masked as Warning[] };
}

/**
 * Whether `stream` is an object carrying warnings, of any shape but an empty list (a provider's answer is
 * checked for a stream later).
 */
export function hasWarnings(stream: LiveStream): boolean {
  if (typeof stream !== 'object' || stream === null) return false;
  const warnings: unknown = stream.warnings;
  if (warnings === undefined || warnings === null) return false;
  return !Array.isArray(warnings) || warnings.length > 0;
}
