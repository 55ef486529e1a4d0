import { maskedError, maskedValue, UniliveError } from './errors/unilive-error.js';
import type { LiveStream, Warning } from './live-stream.js';
import type { LiveStreamProvider } from './provider.js';
import { type Redactor, redactStable, SecretSet, toRedactor } from './secrets.js';

/**
 * What masks the text `provider` hands back: every value of its `secrets()` as it answers now (a list a
 * `SecretSet` returned is matched by that set, with every value it has learned), and every credential
 * shape. A `secrets()` that is missing, throws or returns no list of strings leaves the shapes alone.
 */
export function providerRedactor(provider: LiveStreamProvider): Redactor {
  try {
    const list = provider.secrets?.();
    if (list === undefined || list === null) return toRedactor(undefined);
    const values =
      typeof list === 'string' ? [list] : readValues(list).filter((value) => typeof value === 'string');
    // A set's own list is passed as it is, so the set (every value it holds, compiled already) is used.
    return toRedactor(Array.isArray(list) && values.length === list.length ? list : values);
  } catch {
    return toRedactor(undefined);
  }
}

/**
 * The most values read from a `secrets()` answer that is an iterable rather than an array (a `Set`, a
 * generator): an endless one would hold the call forever. Far more than any provider knows (a `SecretSet`
 * keeps its credentials and a thousand learned values).
 */
export const maxProviderSecretValues = 10_000;

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
 * A function giving {@link providerRedactor} of `provider`, keeping a live `SecretSet` once it has one (it
 * stays current), so that masking many results costs nothing in the number of secrets the provider knows.
 */
export function providerRedactorSource(provider: LiveStreamProvider): () => Redactor {
  let live: Redactor | undefined;
  return () => {
    if (live) return live;
    const redactor = providerRedactor(provider);
    if (isLiveRedactor(redactor)) live = redactor;
    return redactor;
  };
}

/** Whether `redactor` is a provider's live set, which stays current: it can be kept and used again. */
export function isLiveRedactor(redactor: Redactor): boolean {
  return redactor instanceof SecretSet;
}

/**
 * `error` masked by `redactor` (see `maskedError`) when it is one of this library's errors; anything else
 * is returned as it is (the client turns it into a `UniliveError` of its own, masked as it is made). A
 * value marked as one of our errors that cannot be read through (a field that throws, a proxy whose traps
 * throw) becomes a `UniliveError` of its own naming the provider and operation it gave, masked: a field
 * that throws once may give a secret the next time, and a proxy may answer the caller what it refused us.
 */
export function maskedFailure(error: unknown, redactor: Redactor): unknown {
  if (!UniliveError.isInstance(error)) return error;
  try {
    return maskedError(error, redactor);
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
