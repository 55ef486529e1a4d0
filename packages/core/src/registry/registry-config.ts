import type { LiveStreamClient } from '../client/live-stream-client.js';
import {
  type ConfigClientOptions,
  configurationPlace,
  createLiveStreamClientFromConfig,
  environmentCredentials,
  type LiveStreamConfig,
  maskedByConfigCredentials,
  type RateLimitConfig,
  readConfigClientOptions,
  settingTexts,
} from '../config/load-client.js';
import { nearestName, spelledOtherwise } from '../config/names.js';
import { InvalidInputError } from '../errors/errors.js';
import { maskedValue } from '../errors/unilive-error.js';
import { optionRules, readOptions } from '../options.js';
import { isArrayValue, plainObjectProblem, readCallerList, unreadableText } from '../own.js';
import { maskedFailure } from '../provider-secrets.js';
import { type Redactor, toRedactor } from '../secrets.js';
import { providerNameProblem } from './references.js';
import {
  containerHooks,
  createLiveStreamRegistry,
  type LiveStreamRegistry,
  namedHooks,
  withoutOnError,
} from './registry.js';
import type { RoutingOptions } from './routing.js';

/**
 * One provider of a registry in plain configuration: what `createLiveStreamClientFromConfig` takes (the
 * provider id, the adapter's settings, credentials left out read from its environment variables), plus the
 * name it has in the registry and its own rate limit.
 */
export interface RegistryProviderConfig extends LiveStreamConfig {
  /** The provider id (`liveapi`); required here, as `UNILIVE_PROVIDER` cannot name several. */
  provider: string;
  /**
   * Its name in the registry: 1–64 letters, digits, `_` and `-`, beginning with a letter or a digit.
   * Default the provider id, so two accounts of one vendor need a name each.
   */
  name?: string | undefined;
  /**
   * Paces this provider's requests (see `LiveStreamClientOptions.rateLimit`), in memory or, with
   * `store: 'redis'`, in a budget shared by every process that uses the same account.
   */
  rateLimit?: RateLimitConfig | undefined;
}

/** A registry in plain configuration, as it would come from a file. */
export interface LiveStreamRegistryConfig {
  /** The providers, in the registry's order. */
  providers: readonly RegistryProviderConfig[];
  routing?: RoutingOptions | undefined;
}

/**
 * Options of {@link createLiveStreamRegistryFromConfig}: those of `createLiveStreamClientFromConfig`. Its
 * `hooks` (or, without them, those registered on its `container`) are the registry's: each client gets them
 * without `onError`, which the registry raises once per call of its own that rejects.
 */
export type RegistryConfigOptions = Omit<ConfigClientOptions, 'rateLimit'>;

/**
 * Builds a registry from configuration, each provider exactly as `createLiveStreamClientFromConfig` would
 * build it (the same checks, package loading and environment variables), under its name.
 *
 * @example
 * ```ts run
 * import { createLiveStreamRegistryFromConfig } from '@unilive/core';
 *
 * const { EU_TOKEN_ID, EU_SECRET_KEY, US_TOKEN_ID, US_SECRET_KEY } = process.env;
 * const registry = await createLiveStreamRegistryFromConfig({
 *   providers: [
 *     { provider: 'wowza-video' }, // WOWZA_VIDEO_TOKEN
 *     { provider: 'liveapi', name: 'eu', tokenId: EU_TOKEN_ID, secretKey: EU_SECRET_KEY },
 *     { provider: 'liveapi', name: 'us', tokenId: US_TOKEN_ID, secretKey: US_SECRET_KEY },
 *   ],
 *   routing: { order: ['eu', 'us', 'wowza-video'] },
 * });
 * ```
 * @throws InvalidInputError (`operation: 'configure'`) before any request, its issue paths under
 *   `providers.<index>`: a top-level name other than `providers` and `routing` (naming the nearest), no providers, an entry without `provider`, a bad or repeated name (`null` included), a list, entry or setting that cannot be read (a getter or a Proxy in it throws: `providers`, `providers.<index>`, `routing.order`, the thrown value as `cause`), a list of more than 1,000 providers, anything
 *   `createLiveStreamClientFromConfig` refuses, or a routing order that is not every name once; and, read
 *   once before any entry is built, `options` that `createLiveStreamClientFromConfig` refuses (a `Map`, a
 *   misspelt name, a getter that throws, a `providers` entry that is no function), named `options.…`.
 */
export async function createLiveStreamRegistryFromConfig(
  config: LiveStreamRegistryConfig,
  givenOptions: RegistryConfigOptions = {},
): Promise<LiveStreamRegistry> {
  // Own, known names only: a misspelt `routng` would otherwise leave routing at its default unnoticed, and
  // a `rateLimit` here would pace nothing (it belongs to each provider entry).
  let known: LiveStreamRegistryConfig;
  try {
    known = readOptions<LiveStreamRegistryConfig>(
      config,
      // `routing` holds settings: a dotted `routing.order` at the top level is told to nest.
      { providers: anyValue, routing: optionRules.object },
      { operation: 'configure', path: 'config', symbols: 'refuse' },
    );
  } catch (error) {
    // An unknown name is repeated in the error; one that is a credential pasted a line too high (a value of
    // an entry's) is masked, as an entry's own unknown setting is.
    throw maskedFailure(error, toRedactor([...configTexts(config), ...environmentCredentials()]));
  }
  // What an entry's getter threw (the cause) may quote another entry's credentials: masked by every text the
  // configuration holds as data, read without running a getter.
  const entries = readEntries(known.providers, () =>
    toRedactor([...configTexts(config), ...environmentCredentials()]),
  );
  // Read once, here, before any entry is built or package loaded: each entry's loader then reads this
  // plain copy, and a problem is named as the options' (`options.providers`), not as an entry's.
  let options: ConfigClientOptions;
  try {
    options = readConfigClientOptions(givenOptions);
  } catch (error) {
    // An unknown name is the caller's: one repeating a credential of the configuration is masked by it.
    throw maskedByConfigCredentials(error, config);
  }
  // The hooks (given, or registered on the container) are the registry's: it hears each of its calls that
  // rejects, once. Its clients get the rest, explicitly, so that neither the given `onError` nor the
  // container's reaches a client, which would hear each of its own calls (a provider failed over from
  // included) besides the registry's.
  const hooks = options.hooks ?? containerHooks(options.container);
  // Each client's events carry its entry's name (`providerName`), as a registry made in code gives its
  // clients: two accounts of one vendor are told apart in every request, response, retry and warning.
  const clientOptions = (registryName: string): ConfigClientOptions =>
    hooks ? { ...options, hooks: namedHooks(withoutOnError(hooks), registryName) } : options;
  // A Map, so the registry's order is the entries' order: an object would put names that are whole
  // numbers (`'2024'`, an account named by its customer number) first.
  const clients = new Map<string, LiveStreamClient>();
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || isArrayValue(entry)) {
      throw configurationError(`providers.${index}`, 'expected an object such as { provider: "liveapi" }');
    }
    const kind = plainObjectProblem(entry);
    if (kind !== undefined) throw configurationError(`providers.${index}`, kind);
    // Each of the entry's settings read once, as `createLiveStreamClientFromConfig` reads them: a getter or
    // a Proxy that throws is an issue under `providers.<index>`, not the caller's own error escaping.
    let read: RegistryProviderConfig;
    try {
      read = readOptions<RegistryProviderConfig>(entry, {}, configurationPlace);
    } catch (error) {
      throw InvalidInputError.isInstance(error) ? within(error, index) : error;
    }
    const { name, ...settings } = read;
    // `Name` or `Provider` would reach the adapter as a setting it does not have, which lists its own alone,
    // or be reported as no provider given.
    for (const key of Object.keys(settings)) {
      const meant = spelledOtherwise(key, entryNames);
      if (meant !== undefined) {
        throw configurationError(`providers.${index}.${key}`, `unknown setting; did you mean "${meant}"?`);
      }
    }
    if (typeof settings.provider !== 'string' || settings.provider.length === 0) {
      // A key one typo from `provider` (`providr`) is the provider meant: named, rather than "expected a
      // provider id" at a `provider` the entry does not have.
      const misspelt =
        settings.provider === undefined
          ? Object.keys(settings).find((key) => nearestName(key, ['provider']) !== undefined)
          : undefined;
      if (misspelt !== undefined) {
        throw configurationError(
          `providers.${index}.${misspelt}`,
          'unknown setting; did you mean "provider"?',
        );
      }
      throw configurationError(`providers.${index}.provider`, 'expected a provider id');
    }
    // `null` is no name: taken for an absent one, the entry would be named after its provider unnoticed.
    if ((name as unknown) === null) {
      throw configurationError(
        `providers.${index}.name`,
        'expected a name, or the setting left out (null is none)',
      );
    }
    const registryName = name ?? settings.provider;
    const problem = providerNameProblem(registryName);
    if (problem) {
      throw configurationError(
        `providers.${index}.${name === undefined ? 'provider' : 'name'}`,
        name === undefined ? `cannot be used as a name (${problem}): set name` : problem,
      );
    }
    if (clients.has(registryName)) {
      throw configurationError(
        `providers.${index}.name`,
        'expected a name no earlier entry has: give each account of one vendor its own name',
      );
    }
    try {
      clients.set(
        registryName,
        await createLiveStreamClientFromConfig(settings, clientOptions(registryName)),
      );
    } catch (error) {
      // Masked by the whole configuration's credentials as well as the entry's: one account's key pasted
      // into another entry (a copy slip between `eu` and `us`) is a credential of this configuration.
      throw InvalidInputError.isInstance(error)
        ? maskedByConfigCredentials(within(error, index), config)
        : error;
    }
  }
  try {
    return createLiveStreamRegistry({
      providers: clients,
      ...(known.routing === undefined ? {} : { routing: known.routing }),
      ...(hooks ? { hooks } : {}),
    });
  } catch (error) {
    // `routing` is the configuration's: a name in it repeating one of its credentials is masked by it.
    throw maskedByConfigCredentials(error, config);
  }
}

// Values are checked below (providers) and by `createLiveStreamRegistry` (routing).
const anyValue = { check: () => true, expected: 'anything' };

// The names an entry has beside its adapter's settings: its own `name`, and those
// `createLiveStreamClientFromConfig` reads, checked here because `provider` is read here first.
const entryNames = ['name', 'provider', 'package', 'rateLimit'] as const;

// The list of entries, read once by core's one reader of caller lists: one whose reads throw (its length,
// an item, a revoked Proxy) is an issue naming what could not be read (`providers`, `providers.2`), what
// was thrown as its cause.
function readEntries(value: unknown, redactor: () => Redactor): unknown[] {
  const read = readCallerList(value, maxProviderEntries);
  if ('list' in read) {
    if (read.list.length === 0) throw configurationError('providers', emptyOrNoList);
    return read.list;
  }
  switch (read.problem) {
    case 'threw':
      throw configurationError(
        read.index === undefined ? 'providers' : `providers.${read.index}`,
        unreadableText,
        maskedValue(read.cause, redactor()),
      );
    case 'too-long':
      throw configurationError('providers', 'holds more than 1,000 entries');
    case 'bad-length':
      throw configurationError('providers', unreadableText);
    default:
      throw configurationError('providers', emptyOrNoList);
  }
}

// The most providers a registry configuration may list: a Proxy claiming billions is refused unread.
const maxProviderEntries = 1_000;

const emptyOrNoList = 'expected a list of providers, with at least one';

function configurationError(path: string, message: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `Invalid registry configuration: ${path}: ${message}`,
    issues: [{ path, message }],
    delivery: 'not-sent',
    ...(cause === undefined ? {} : { cause }),
  });
}

// The single-provider error, its paths placed under the entry it came from.
function within(error: InvalidInputError, index: number): InvalidInputError {
  const prefix = `providers.${index}`;
  return new InvalidInputError({
    provider: error.provider,
    operation: error.operation ?? 'configure',
    message: `Invalid registry configuration: ${prefix}: ${error.message}`,
    issues: error.issues.map((issue) => ({ path: `${prefix}.${issue.path}`, message: issue.message })),
    delivery: 'not-sent',
    cause: error,
  });
}

// Every text a configuration holds, read as data (see settingTexts); nothing when it cannot be read.
function configTexts(config: unknown): string[] {
  try {
    return typeof config === 'object' && config !== null
      ? settingTexts({ config } as Record<string, unknown>)
      : [];
  } catch {
    return [];
  }
}
