import { InvalidInputError } from '../errors/errors.js';
import { defaultProviderOptionsOn, providerOptionsOperations } from '../inputs.js';
import type { ProviderId } from '../live-stream.js';
import { readCallerList, unreadableText } from '../own.js';
import type { LiveStreamProvider, ProviderOptionsOperation } from '../provider.js';

/** A method of the provider contract (`get`, `getStatus`…): what a client operation calls. */
export type ProviderMethodName = {
  [K in keyof LiveStreamProvider]-?: NonNullable<LiveStreamProvider[K]> extends (...args: never[]) => unknown
    ? K
    : never;
}[keyof LiveStreamProvider];

/**
 * The provider's `name` method, read once as the call that needs it is made, so what is called is what was
 * checked: a method read again after a failure could tell another story (a getter, a Proxy, a method
 * removed by the call itself), and a call the provider made and failed would pass for one never made. One
 * that is no function (absent, of another kind, a getter that throws) is the caller's configuration: an
 * `InvalidInputError` naming `provider.<name>`, nothing sent. An `optional` method (`getStatus`,
 * `getBroadcasting`) may be absent: `undefined` then.
 *
 * @param label - the call named in the message: the operation, or `findByName (list)` for a call serving a
 *   registry's.
 */
export function providerMethod<K extends ProviderMethodName>(
  provider: LiveStreamProvider,
  name: K,
  context: { provider: ProviderId; operation: string; label: string },
  optional = false,
): LiveStreamProvider[K] {
  let value: unknown;
  let found: string | undefined;
  try {
    value = (provider as unknown as Record<string, unknown>)[name];
  } catch {
    found = 'a value that could not be read';
  }
  if (found === undefined) {
    if (typeof value === 'function' || (optional && value === undefined))
      return value as LiveStreamProvider[K];
    found = value === null ? 'null' : typeof value;
  }
  const problem = `expected the provider's ${name} method, a function; found ${found}`;
  throw new InvalidInputError({
    provider: context.provider,
    operation: context.operation,
    message: `${context.provider} ${context.label}: ${problem}; not sent`,
    issues: [{ path: `provider.${name}`, message: problem }],
    delivery: 'not-sent',
  });
}

/**
 * The provider's `id`, read once when a client is made: a client names its provider in every error, and
 * an id read again inside a failure could throw there, its own message unmasked. One that cannot be read,
 * or is no text, is refused as configuration.
 */
export function readProviderId(provider: LiveStreamProvider): ProviderId {
  let id: unknown;
  try {
    id = provider.id;
  } catch {
    throw providerIdError('could not be read');
  }
  if (typeof id !== 'string') throw providerIdError(`expected the provider's id, a text; found ${typeof id}`);
  if (id.trim() === '') throw providerIdError("expected the provider's id, a text; found a blank one");
  return id;
}

function providerIdError(problem: string): InvalidInputError {
  return providerProblem('provider.id', problem);
}

/** The provider a client is made over is refused as configuration: `path` is what of it (`provider.id`). */
export function providerProblem(path: string, problem: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `Invalid provider: ${path}: ${problem}`,
    issues: [{ path, message: problem }],
    delivery: 'not-sent',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The provider's `providerOptionsOn` (`read` gives it), read once when a client or a registry is made:
 * absent is `create` and `update`; else a list of those operations and `start` (a name given twice counts
 * once), copied and frozen. Anything else is refused as configuration by `problem`, naming `path` (or
 * `path.<n>` for an entry that names no operation): `true`, a text (`'restart'` would be searched as one),
 * a list of more than 16 entries, a hole, a list or getter whose reading throws (`could not be read`, what
 * it threw as `cause`). Refused there, rather than met as an unexpected failure of the first call that
 * carries options.
 */
export function readProviderOptionsOn(
  read: () => unknown,
  path: string,
  problem: (path: string, message: string, cause?: unknown) => InvalidInputError,
): readonly ProviderOptionsOperation[] {
  let value: unknown;
  try {
    value = read();
  } catch (error) {
    throw problem(path, unreadableText, error);
  }
  if (value === undefined) return defaultProviderOptionsOn as readonly ProviderOptionsOperation[];
  const list = readCallerList(value, maxProviderOptionsOn);
  if (!('list' in list)) {
    if (list.problem === 'threw') throw problem(path, unreadableText, list.cause);
    const why = list.problem === 'too-long' ? `at most ${maxProviderOptionsOn} entries` : 'a list';
    throw problem(path, `expected ${why} of the operations it reads provider options on (${operationNames})`);
  }
  const known: readonly unknown[] = providerOptionsOperations;
  const unknown = list.list.findIndex((operation) => !known.includes(operation));
  if (unknown !== -1) throw problem(`${path}.${unknown}`, `expected one of ${operationNames}`);
  return Object.freeze([...new Set(list.list as ProviderOptionsOperation[])]);
}

// Three operations: more entries than a few repeats of them is no list of operations anyone meant.
const maxProviderOptionsOn = 16;
// A literal, not a call at the top level, which a bundle of the dist could not drop.
const operationNames = 'create, update, start';
