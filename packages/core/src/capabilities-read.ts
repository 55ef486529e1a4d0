import type { LifecycleModel, ProviderCapabilities, UpdatableField } from './capabilities.js';
import { InvalidInputError } from './errors/errors.js';
import { liveStreamStates } from './live-stream.js';
import { isArrayValue, ownValue, readCallerList, unreadableText } from './own.js';

/** Makes the configuration error naming `path` (a field of the capabilities, or the object itself). */
export type CapabilityProblem = (path: string, message: string, cause?: unknown) => InvalidInputError;

/**
 * A provider's capabilities as a client and a registry keep them: read once (`read`), its own fields of the
 * contract only, each list through core's one reader of caller lists (at most `maxCapabilityList` entries:
 * no vendor has more than a handful of protocols or states), frozen. Every field given is of its type, and
 * the `required` ones are given (a missing flag reads false, missing `states` and `updatable` mean any),
 * else the `problem` naming the first that is not, `path` + `.` + its name: a provider from outside this repository whose capabilities
 * are malformed is refused when it is configured, not met as a TypeError inside its first wait. Nothing else
 * of the object is read or kept, so code changing it afterwards (adapters of one vendor share theirs)
 * changes nothing a client decides.
 */
export function readCapabilities(
  read: () => unknown,
  path: string,
  problem: CapabilityProblem,
  required: readonly RequiredCapability[] = [],
): ProviderCapabilities {
  const copy: Record<string, unknown> = {};
  try {
    const given = read();
    if (typeof given !== 'object' || given === null || isArrayValue(given)) {
      throw problem(path, 'expected the capabilities object of a provider');
    }
    for (const key of capabilityFields) {
      const value = ownValue(given, key);
      if (value === undefined) continue;
      if (!capabilityLists.has(key)) {
        copy[key] = value;
        continue;
      }
      const list = readCallerList(value, maxCapabilityList);
      if ('list' in list) copy[key] = Object.freeze(list.list);
      else if (list.problem === 'threw') throw list.cause;
      else {
        const why = list.problem === 'too-long' ? `at most ${maxCapabilityList}` : 'a list';
        throw problem(`${path}.${key}`, `expected ${why} of names`);
      }
    }
  } catch (error) {
    if (InvalidInputError.isInstance(error)) throw error;
    throw problem(path, unreadableText, error);
  }
  const found = firstProblem(copy, new Set(required));
  if (found) throw problem(`${path}.${found[0]}`, found[1]);
  return Object.freeze(copy) as unknown as ProviderCapabilities;
}

/** The fields a registry's routing reads, which a provider may leave out for a client alone. */
export type RequiredCapability = 'ingestProtocols' | 'playbackProtocols' | 'maxNameLength';

function firstProblem(
  copy: Record<string, unknown>,
  required: ReadonlySet<string>,
): [string, string] | undefined {
  // A field the caller does not need may be absent; present, it is of its type.
  const absent = (key: string) => copy[key] === undefined && !required.has(key);
  const namesFrom = (key: string, known?: ReadonlySet<string>) => {
    const value = copy[key];
    return (
      isArrayValue(value) &&
      (value as unknown[]).every(
        (item) => typeof item === 'string' && (known === undefined || known.has(item)),
      )
    );
  };
  if (!absent('ingestProtocols') && !namesFrom('ingestProtocols'))
    return ['ingestProtocols', 'expected a list of protocol names'];
  if (!absent('playbackProtocols') && !namesFrom('playbackProtocols'))
    return ['playbackProtocols', 'expected a list of protocol names'];
  if (copy.updatable !== undefined && !namesFrom('updatable', updatableFields)) {
    return ['updatable', `expected a list of field names (${[...updatableFields].join(', ')})`];
  }
  if (copy.states !== undefined && !namesFrom('states', states)) {
    return ['states', `expected a list of states (${[...states].join(', ')})`];
  }
  const length = copy.maxNameLength;
  if (
    !absent('maxNameLength') &&
    !(
      typeof length === 'number' &&
      (Number.isInteger(length) || length === Number.POSITIVE_INFINITY) &&
      length >= 1
    )
  ) {
    return ['maxNameLength', 'expected a whole number of code points, at least 1'];
  }
  if (copy.lifecycle !== undefined && !lifecycles.has(copy.lifecycle as string)) {
    return ['lifecycle', `expected one of ${[...lifecycles].join(', ')}`];
  }
  const flag = capabilityFlags.find((name) => copy[name] !== undefined && typeof copy[name] !== 'boolean');
  return flag === undefined ? undefined : [flag, 'expected a boolean'];
}

// The flags: each a boolean, or absent (false).
export const capabilityFlags = [
  'start',
  'stop',
  'restart',
  'enable',
  'update',
  'delete',
  'recording',
  'alwaysRecords',
  'restream',
  'regions',
  'lowLatency',
  'broadcastingStatus',
  'broadcastingEvents',
  'names',
] as const satisfies readonly (keyof ProviderCapabilities)[];
// The fields of the contract's capabilities (`ProviderCapabilities`), of which the lists.
const capabilityFields = /* @__PURE__ */ (() =>
  [
    'lifecycle',
    ...capabilityFlags,
    'ingestProtocols',
    'playbackProtocols',
    'maxNameLength',
    'states',
    'updatable',
  ] as const satisfies readonly (keyof ProviderCapabilities)[])();
const capabilityLists: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'ingestProtocols',
  'playbackProtocols',
  'states',
  'updatable',
]);
const maxCapabilityList = 64;
// The fields `capabilities.updatable` may name (`UpdatableField`).
const updatableFields: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'name',
  'recording',
  'restream',
  'region',
  'lowLatency',
] satisfies UpdatableField[]);
const states: ReadonlySet<string> = /* @__PURE__ */ new Set(liveStreamStates);
const lifecycles: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'explicit',
  'toggle',
  'stop-only',
  'always-on',
] satisfies LifecycleModel[]);
