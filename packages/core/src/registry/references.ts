import { InvalidInputError } from '../errors/errors.js';
import { idProblem } from '../ids.js';
import { ownValue, unreadableText } from '../own.js';

/** The character between a provider's registry name and the vendor's stream id in a string reference. */
export const referenceSeparator = ':';

// Names are short words: no separator, no path or URL characters, nothing a shell or a log would mangle.
// A vendor id never holds the separator either (see `idProblem`), so `name:id` splits in exactly one way.
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A stream anywhere in a registry: `'<name>:<vendor id>'` (`'eu:abc123'`), the same as an object
 * (`{ provider: 'eu', id: 'abc123' }`), where `provider` is the name the provider has in the registry, not
 * the vendor's id, or an object carrying `ref`, such as a stream a registry returned: its `ref` is what
 * counts, since its `provider` is the vendor's id (`liveapi`), which may also be another account's name.
 * `Name`: the registry's provider names, so that an object naming none of them fails to compile (a string
 * reference is checked when the call is made).
 */
export type StreamReference<Name extends string = string> =
  | string
  | { provider: Name; id: string }
  | { ref: string; id?: string };

/** A reference taken apart: the provider's registry name and the vendor's stream id. */
export interface ParsedStreamReference {
  provider: string;
  id: string;
}

/** Why `name` cannot name a provider in a registry, or undefined when it can. */
export function providerNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'expected a string';
  if (!namePattern.test(name)) {
    return 'expected 1–64 letters, digits, "_" or "-", starting with a letter or digit';
  }
  return undefined;
}

/**
 * Builds the string reference of a stream: `formatStreamReference('eu', 'abc')` is `'eu:abc'`. Throws
 * `InvalidInputError` when the name or the id could make the reference ambiguous.
 */
export function formatStreamReference(provider: string, id: string): string {
  return `${checkedName(provider, 'provider', 'reference')}${referenceSeparator}${checkedId(id, 'id', 'reference')}`;
}

/**
 * Takes a reference apart, checking both parts: a string must be `'<name>:<id>'` with exactly one `:`; an
 * object with its own `ref` (a stream a registry returned) is read by that `ref` alone, and an `id` beside
 * it must be the same id; any other object must have a string `provider` and `id`. Throws `InvalidInputError` (`operation` as given, values
 * never echoed) for anything else. Whether the name is known is the registry's to check.
 */
export function parseStreamReference(reference: unknown, operation = 'reference'): ParsedStreamReference {
  const { provider, id } = parseReferenceAt(reference, operation);
  return { provider, id };
}

/**
 * {@link parseStreamReference}, also saying where the name came from (`reference`, `reference.ref`,
 * `reference.provider`), so that an unknown name is refused at its place without reading the object again.
 * @internal
 */
export function parseReferenceAt(
  reference: unknown,
  operation: string,
): ParsedStreamReference & { path: string; vendor?: true } {
  if (typeof reference === 'string') {
    const parts = reference.split(referenceSeparator);
    if (parts.length !== 2) {
      throw referenceError(
        operation,
        'reference',
        `expected "<name>${referenceSeparator}<id>" with one "${referenceSeparator}", such as "eu${referenceSeparator}abc123"`,
      );
    }
    const [provider = '', id = ''] = parts;
    return {
      provider: checkedName(provider, 'reference', operation),
      id: checkedId(id, 'reference', operation),
      path: 'reference',
    };
  }
  if (typeof reference === 'object' && reference !== null) {
    // Read once, own properties only (an object whose `provider` or `id` comes from Object.prototype names
    // nothing). An object whose reads throw (a getter, a Proxy's trap, a revoked Proxy) is the caller's
    // mistake, named as such with what it threw as the cause: never that value thrown as it is.
    let read: { array: boolean; ref: unknown; provider: unknown; id: unknown; stream: boolean };
    try {
      read = {
        array: Array.isArray(reference),
        ref: ownValue(reference, 'ref'),
        provider: ownValue(reference, 'provider'),
        id: ownValue(reference, 'id'),
        // A stream a provider's own client returned (`registry.client(name).get(…)`): its endpoints say so.
        stream:
          Array.isArray(ownValue(reference, 'ingest')) || Array.isArray(ownValue(reference, 'playback')),
      };
    } catch (error) {
      throw referenceError(operation, 'reference', unreadableText, error);
    }
    if (!read.array) return parseReferenceObject(read, operation);
  }
  throw referenceError(
    operation,
    'reference',
    `expected "<name>${referenceSeparator}<id>" or { provider, id }`,
  );
}

function parseReferenceObject(
  { ref, provider, id, stream }: { ref: unknown; provider: unknown; id: unknown; stream: boolean },
  operation: string,
): ParsedStreamReference & { path: string; vendor?: true } {
  if (ref !== undefined) {
    // A registry's stream: `provider` on it is the vendor's id, never the registry name, so `ref` decides.
    if (typeof ref !== 'string') throw referenceError(operation, 'reference.ref', 'expected a string');
    const parsed = parseStreamReference(ref, operation);
    if (id !== undefined && id !== parsed.id) {
      throw referenceError(operation, 'reference.id', 'expected the id in reference.ref');
    }
    return { ...parsed, path: 'reference.ref' };
  }
  return {
    provider: checkedName(provider, 'reference.provider', operation),
    id: checkedId(id, 'reference.id', operation),
    path: 'reference.provider',
    // A stream without `ref`: its `provider` is the vendor's id, which may be another account's name.
    ...(stream ? { vendor: true as const } : {}),
  };
}

function checkedName(name: unknown, path: string, operation: string): string {
  const problem = providerNameProblem(name);
  if (problem) throw referenceError(operation, path, `provider name: ${problem}`);
  return name as string;
}

function checkedId(id: unknown, path: string, operation: string): string {
  const problem = idProblem(id);
  if (problem) throw referenceError(operation, path, `stream id: ${problem}`);
  return id as string;
}

function referenceError(
  operation: string,
  path: string,
  message: string,
  cause?: unknown,
): InvalidInputError {
  return new InvalidInputError({
    operation,
    message: `Invalid input for ${operation}: ${path}: ${message}`,
    issues: [{ path, message }],
    delivery: 'not-sent',
    ...(cause === undefined ? {} : { cause }),
  });
}
