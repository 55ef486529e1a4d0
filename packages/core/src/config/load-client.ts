import { bufferKind } from '../bytes.js';
import {
  createLiveStreamClient,
  type LiveStreamClient,
  type LiveStreamClientOptions,
} from '../client/live-stream-client.js';
import { tokens } from '../di/tokens.js';
import { type InputIssue, InvalidInputError } from '../errors/errors.js';
import { quotesNoSettingValue } from '../errors/quotes-no-value.js';
import { UniliveError } from '../errors/unilive-error.js';
import { encodeBase64 } from '../events/webhook-crypto.js';
import type { GateStore, GateStoreUnavailableMode } from '../http/gate-store.js';
import type { RateLimitOptions } from '../http/request-gate.js';
import type { ProviderId } from '../live-stream.js';
import { containerRule, hookRules, type OptionRule, optionRules, readOptions } from '../options.js';
import { isArrayValue, isUrlObject, plainObjectProblem } from '../own.js';
import type { LiveStreamProvider } from '../provider.js';
import { maskedFailure } from '../provider-secrets.js';
import { minimumSecretLength } from '../redaction/forms.js';
import { isCredentialName } from '../redaction/patterns.js';
import { toRedactor } from '../secrets.js';
import { ignoreRejection, isThenable } from '../thenable.js';
import {
  builtInCredentialVariables,
  builtInProviderIds,
  describeUnknownName,
  mayBeCredentialName,
  nearestName,
  nearNameAdvice,
  packageNameProblem,
  providerIdProblem,
  spelledOtherwise,
} from './names.js';
import { environment, maxCredentialLength } from './settings.js';

export { builtInCredentialVariables, builtInProviderIds } from './names.js';

/**
 * Plain configuration naming a provider and its settings, as it would come from a file or environment:
 * `{ provider: 'liveapi', tokenId: '…' }`. Credentials may be left out and read from each adapter's
 * documented environment variables.
 */
export interface LiveStreamConfig {
  /**
   * The provider id; defaults to the `UNILIVE_PROVIDER` environment variable when left out. `null` is
   * refused (`InvalidInputError` naming `provider`), never read as left out.
   */
  provider?: ProviderId | undefined;
  /**
   * The package to load for a third-party provider; built-in ids need none. It must build the provider
   * `provider` names (its provider's `id`): `{ provider: 'wowza-video', package: '@unilive/liveapi' }` is an
   * `InvalidInputError` naming `package` and both ids, before any request, since it would run the
   * configuration on another vendor than the one named. Beside a built-in id it may name a package of
   * its own that builds that id (a patched adapter); `@unilive/<another id>` is refused before it is loaded.
   */
  package?: string | undefined;
  /** Paces the client's requests, in memory or, for a fleet, in Redis (see {@link RateLimitConfig}). */
  rateLimit?: RateLimitConfig | undefined;
  /** Settings passed to the adapter's factory. */
  [setting: string]: unknown;
}

/**
 * `rateLimit` in plain configuration: the limits of `LiveStreamClientOptions.rateLimit`, and where the budget
 * lives. `{ requestsPerSecond: 100, store: 'redis', url: 'redis://10.0.0.5:6379' }` shares one budget per
 * vendor account with every process configured alike (see `docs/rate-limits.md`).
 */
export interface RateLimitConfig {
  /** Requests started per second. Unlimited when absent. */
  requestsPerSecond?: number | undefined;
  /** Requests in flight at once. Unlimited when absent. */
  maxConcurrency?: number | undefined;
  /**
   * `'memory'` (the default: this process alone), `'redis'` (loads `@unilive/redis`, which must be
   * installed), or a `GateStore` made in code.
   */
  store?: 'memory' | 'redis' | GateStore | undefined;
  /** With `store: 'redis'`: the Redis URL. Default: the `UNILIVE_REDIS_URL` environment variable. */
  url?: string | undefined;
  /** With `store: 'redis'`: `'fallback'` (default) or `'fail'` while Redis cannot be reached. */
  onUnavailable?: GateStoreUnavailableMode | undefined;
  /** With `store: 'redis'`: put before every key. Default `'unilive:gate:'`. */
  keyPrefix?: string | undefined;
}

/** What `@unilive/redis`'s default export takes: the Redis settings of a {@link RateLimitConfig}. */
export interface RedisStoreSettings {
  url?: string;
  onUnavailable?: GateStoreUnavailableMode;
  keyPrefix?: string;
}

/** Builds a gate store from plain settings: a store package's default export. */
export type GateStoreFactory = (settings: RedisStoreSettings) => GateStore;

/** A function that builds a provider from settings: an adapter package's default export. */
export type ConfiguredProviderFactory = (settings: Record<string, unknown>) => LiveStreamProvider;

/** Options of {@link createLiveStreamClientFromConfig}. */
export interface ConfigClientOptions extends LiveStreamClientOptions {
  /**
   * Adapter factories by provider id, used instead of loading packages by name (for bundles that
   * should not import dynamically); an entry that names its own `package` loads that package instead of
   * the factory given for its id. A plain object whose every value is a function; anything else is
   * refused naming it (`options.providers.liveapi`). The factory given for an id must build a provider of
   * that id: one whose provider reports another is an `InvalidInputError` naming `provider`.
   */
  providers?: Record<string, ConfiguredProviderFactory> | undefined;
  /**
   * Store factories used instead of loading their packages by name: `{ redis: createRedisGateStore }` for
   * `rateLimit: { store: 'redis' }`.
   */
  gateStores?: { redis?: GateStoreFactory | undefined } | undefined;
}

/**
 * Builds a client from configuration, loading the adapter package for the configured provider, so a
 * deployment switches vendor by changing configuration only. Everything is checked before any request, as
 * `InvalidInputError` naming the setting: `provider` must be a provider id (never `constructor` or
 * `__proto__`), `package` a bare package name (never a URL, `data:` or a file path), and every other key a
 * setting of that adapter (`baseURL` names `baseUrl`). Only the configuration's own properties are read,
 * each once: one whose getter or Proxy throws is an `InvalidInputError` naming it (`could not be read`). A
 * missing adapter package gives an `InvalidInputError` naming the package to install.
 *
 * @throws InvalidInputError (`operation: 'configure'`) before any package is loaded or request sent, for a
 *   configuration as above, and for `options` read as `createLiveStreamClient` reads its own: options (or
 *   their `providers`, `gateStores` or `hooks`) that are no plain object (a `Map`, a class instance: named
 *   by kind), a name they do not have (the nearest named), an option that cannot be read (a getter or a
 *   Proxy in it throws, or a revoked Proxy: `could not be read`), and a `providers` entry or
 *   `gateStores.redis` that is no function; the issue names its path (`options.providers.liveapi`). Also,
 *   before any request (once the factory has built the provider), when the package, or the factory given in
 *   `options.providers`, builds a provider whose `id` is not the configured `provider`: the issue names
 *   `package` (or `provider` for a given factory), the message both ids, never a setting's value.
 */
export async function createLiveStreamClientFromConfig(
  config: LiveStreamConfig = {},
  givenOptions: ConfigClientOptions = {},
): Promise<LiveStreamClient> {
  try {
    return await loadClient(config, givenOptions);
  } catch (error) {
    throw maskedByConfigCredentials(error, config);
  }
}

// A refusal of the configuration names what the caller wrote where a name or an id belongs (`provider`,
// `package`, an option's name): a credential of the same configuration pasted there is masked by it. Only
// the values of credential-named settings (`secretKey`, `token`, `secret`): masked by every text it holds,
// the provider id named in a message would be masked too.
/**
 * `error` masked by the values of the credential-named settings (`secretKey`, `token`, `secret`) of a
 * configuration: a client's, or each entry of a registry's `providers` list. Values are read as data, no
 * getter run; core's own refusal of a setting quotes no value and is handed on whole (see buildProvider).
 * @internal
 */
export function maskedByConfigCredentials(error: unknown, config: unknown): unknown {
  if (!InvalidInputError.isInstance(error) || typeof config !== 'object' || config === null) return error;
  const fromEnvironment = environmentCredentials();
  // Core's own refusal quotes no setting's value: masked by the environment's credentials alone (a name
  // repeating one), not by every text of the configuration, which could take its words out.
  if (quotesNoSettingValue(error)) {
    return fromEnvironment.length === 0 ? error : maskedFailure(error, toRedactor(fromEnvironment));
  }
  const credentials: string[] = fromEnvironment;
  try {
    const entries = ownDataValue(config, 'providers');
    for (const entry of [config, ...(Array.isArray(entries) ? entries.slice(0, 1_000) : [])]) {
      if (typeof entry !== 'object' || entry === null) continue;
      // Every own name, one defined non-enumerable too: the loader reads it as a setting.
      for (const name of Object.getOwnPropertyNames(entry)) {
        const value = isCredentialName(name) ? ownDataValue(entry, name) : undefined;
        if (typeof value === 'string' && value.trim().length >= minimumSecretLength)
          credentials.push(value.trim());
      }
    }
  } catch {
    return error;
  }
  return credentials.length === 0 ? error : maskedFailure(error, toRedactor(credentials));
}

/**
 * The values of the environment's credential variables of the built-in adapters
 * ({@link builtInCredentialVariables}), 8 characters or more, read as every variable is read
 * ({@link environment}): what an adapter built from a configuration reads where a credential setting is left
 * out. A refusal made before any adapter is built (a configuration's `rateLimit`, the loaders' options, a
 * registry's own names) is masked by them, as the adapter's own refusal is. Only those variables: one of
 * another program's (`PWD`, `KEYCLOAK_ENABLED=true`) would hide ordinary words. @internal
 */
export function environmentCredentials(): string[] {
  const values: string[] = [];
  const view = environment();
  for (const name of builtInCredentialVariables) {
    const value = view[name];
    if (typeof value === 'string' && value.length >= 8) values.push(value);
  }
  return values;
}

// An own property's value as data: a getter is not run.
function ownDataValue(object: object, name: string): unknown {
  return Object.getOwnPropertyDescriptor(object, name)?.value;
}

async function loadClient(
  config: LiveStreamConfig,
  givenOptions: ConfigClientOptions,
): Promise<LiveStreamClient> {
  if (typeof config !== 'object' || config === null || isArrayValue(config)) {
    throw configurationError('$', 'expected an object such as { provider: "liveapi" }', undefined);
  }
  const kind = plainObjectProblem(config);
  if (kind !== undefined) throw configurationError('$', kind, undefined);
  // Each setting read once, here: a getter or a Proxy that throws is an issue naming the setting, never
  // the caller's own error escaping; the adapter's factory then checks the names and values it takes.
  const {
    provider: configured,
    package: packageName,
    rateLimit: configuredRateLimit,
    ...settings
  } = readOptions<LiveStreamConfig>(config, {}, configurationPlace);
  // A configuration's own name spelt another way (`ratelimit`, `rate_limit`, `Provider`) is no setting of
  // any adapter: left to the adapter, its refusal would list the adapter's settings alone, and a misspelt
  // `provider` would be reported as none configured.
  // A registry's configuration (`{ providers: [...] }`) handed to the loader of one client: named as such,
  // rather than taken for a misspelt `provider`.
  if (Object.hasOwn(settings, 'providers') && isArrayValue((settings as { providers?: unknown }).providers)) {
    throw configurationError(
      'providers',
      'a list of providers is a registry configuration: load it with createLiveStreamRegistryFromConfig (this loader takes one provider)',
      undefined,
    );
  }
  for (const key of Object.keys(settings)) {
    const meant = spelledOtherwise(key, configurationNames);
    if (meant !== undefined) {
      throw configurationError(key, `unknown setting; did you mean "${meant}"?`, undefined);
    }
  }
  // `null` is no provider: falling back to UNILIVE_PROVIDER would run the call, with this configuration's
  // credentials, on whatever vendor the environment names (a missing value read from a file as null).
  if (configured === null) {
    throw configurationError(
      'provider',
      'expected a value, or the setting left out (null is none)',
      undefined,
    );
  }
  const id = configured ?? environment().UNILIVE_PROVIDER;
  if (!id) {
    // A `provider` misspelt past another case (`providr`, `provder`) is the provider meant: named, rather
    // than told that none is configured.
    for (const key of Object.keys(settings)) {
      if (nearestName(key, ['provider']) !== undefined) {
        throw configurationError(key, 'unknown setting; did you mean "provider"?', undefined);
      }
    }
    throw new InvalidInputError({
      operation: 'configure',
      message: 'No provider configured: set `provider` or the UNILIVE_PROVIDER environment variable',
      issues: [
        { path: 'provider', message: `expected one of ${builtInProviderIds.join(', ')} or a package` },
      ],
    });
  }
  // Said where the id came from when the configuration names none: a user who wrote no `provider` is told
  // which variable to fix.
  const fromEnvironment =
    configured === undefined ? ' (read from UNILIVE_PROVIDER: no `provider` is set)' : '';
  const idProblem = providerIdProblem(id);
  if (idProblem) {
    const nearest = typeof id === 'string' ? nearestName(id, builtInProviderIds) : undefined;
    throw configurationError(
      'provider',
      `${idProblem}${fromEnvironment}${nearest ? `; did you mean "${nearest}"?` : ''}`,
      undefined,
    );
  }
  if (packageName !== undefined) {
    const problem = packageNameProblem(packageName);
    if (problem) throw configurationError('package', problem, id);
    // A package of this repository builds the provider its name says: one beside another id is known to be
    // a mismatch before it is loaded (and before its factory refuses settings meant for the id named).
    const builds = builtInPackageId(packageName);
    if (builds !== undefined && builds !== id) throw packageMismatch(id, packageName, builds);
  }
  const options = readConfigClientOptions(givenOptions);
  const given = options.providers;
  // An entry that names its own `package` (a patched adapter) is built by that package, whatever factory
  // the options hold for its id: passed over, the package named would never run and a misspelt one never
  // be reported, while the configuration reads as if it did.
  const loaded = packageName !== undefined || !(given && Object.hasOwn(given, id));
  const factory = loaded
    ? await loadFactory(id, packageName, given ? Object.keys(given) : [], fromEnvironment)
    : (given[id] as ConfiguredProviderFactory);
  const { container } = options;
  if (settings.fetch === undefined && container?.isRegistered(tokens.fetch, true)) {
    settings.fetch = container.resolve(tokens.fetch);
  }
  const rateLimit = await rateLimitFromConfig(options.rateLimit ?? configuredRateLimit, options);
  const { rateLimit: _ignored, gateStores: _stores, providers: _providers, ...clientOptions } = options;
  let provider: LiveStreamProvider;
  try {
    provider = buildProvider(factory, settings, { id, packageName, loaded });
  } catch (error) {
    throw withConfigurationNames(error, settings);
  }
  // The id the factory's provider reports is what the client, its errors and a registry's references name:
  // another than the one configured would run this configuration on another vendor, unnoticed.
  const built = providerIdOf(provider);
  if (built !== id) throw packageMismatch(id, loaded ? packageName : undefined, built);
  return createLiveStreamClient(provider, {
    ...clientOptions,
    ...(rateLimit ? { rateLimit } : {}),
  });
}

/**
 * An adapter's refusal of settings, with each unknown one that is near a configuration's own name
 * (`rateLimits`, `rate.limit`, `rateLimit.requestsPerSecond`, `packages`) told that name: the adapter lists
 * its own settings alone, and knows nothing of `provider`, `package` or `rateLimit`. Only names the caller
 * wrote as settings, which the adapter refused as unknown; anything else is handed on as it is.
 */
function withConfigurationNames(error: unknown, settings: Record<string, unknown>): unknown {
  if (!InvalidInputError.isInstance(error)) return error;
  let changed = false;
  let issues: InputIssue[];
  try {
    issues = error.issues.map((issue) => {
      const { path, message } = issue;
      // One the adapter names a setting of its own for (`retrys`: "retry") keeps its advice.
      if (
        !Object.hasOwn(settings, path) ||
        !message.startsWith('unknown setting') ||
        message.includes('did you mean')
      )
        return issue;
      const advice = configurationNameAdvice(path);
      if (advice === undefined) return issue;
      changed = true;
      return { path, message: `unknown setting; ${advice}` };
    });
  } catch {
    return error;
  }
  if (!changed) return error;
  return new InvalidInputError({
    provider: error.provider,
    operation: 'configure',
    message: `${error.provider ?? 'configuration'}: ${issues.map((issue) => `"${issue.path}": ${issue.message}`).join('; ')}`,
    issues,
  });
}

// What a setting name near a configuration's own name is told: the name meant, or for a dotted name under
// `rateLimit`, to nest it (whose names the rate limit's own reader checks).
function configurationNameAdvice(name: string): string | undefined {
  return nearNameAdvice(name, configurationNames, { rateLimit: undefined });
}

// A configuration's names given in the loaders' options instead, where the nearest option (`providers`,
// factories) is not what was meant.
const configurationOnly = {
  provider: '"provider" is a setting of the configuration (the first argument), not of its options',
  package: '"package" is a setting of the configuration (the first argument), not of its options',
} as const;

// The options' own names: the client's, and where factories come from instead of packages.
const configClientOptionRules = /* @__PURE__ */ (() =>
  ({
    hooks: optionRules.object,
    container: containerRule,
    rateLimit: optionRules.object,
    providers: optionRules.object,
    gateStores: optionRules.object,
  }) as const satisfies Record<keyof ConfigClientOptions, OptionRule>)();

/**
 * The options of the configuration loaders, read as `createLiveStreamClient` reads its own (core's
 * `readOptions`), before any package is loaded: own properties of a plain object, each once, every name
 * known; `hooks`, `providers` and `gateStores` read the same way, one level down. A `Map` (its entries
 * would be taken for no options: hooks and limits silently lost), a throwing getter or a revoked Proxy is
 * an `InvalidInputError` naming its path (`options.providers.liveapi`), never the caller's own error. The
 * copy returned has no prototype and is read again, harmlessly, by each client a registry builds.
 */
export function readConfigClientOptions(given: unknown): ConfigClientOptions {
  const place = { operation: 'configure' } as const;
  const options = readOptions<ConfigClientOptions>(given, configClientOptionRules, {
    ...place,
    path: 'options',
    elsewhere: configurationOnly,
  });
  if (options.hooks !== undefined) {
    options.hooks = readOptions(options.hooks, hookRules, { ...place, path: 'options.hooks' });
  }
  if (options.providers !== undefined) {
    options.providers = readOptions<Record<string, ConfiguredProviderFactory>>(
      options.providers,
      {},
      { ...place, path: 'options.providers', unknown: 'keep', kept: factoryRule },
    );
  }
  if (options.gateStores !== undefined) options.gateStores = readGateStores(options);
  return options;
}

// Any provider id may name a factory; each must be one.
const factoryRule: OptionRule = {
  check: (value) => typeof value === 'function',
  expected: 'a function building the provider from its settings',
};

// A third-party factory is code this library does not know: what it throws becomes a typed configuration
// error (scrubbed like every error text), and what it returns must look like a provider.
function buildProvider(
  factory: ConfiguredProviderFactory,
  settings: Record<string, unknown>,
  { id, packageName, loaded }: { id: string; packageName: string | undefined; loaded: boolean },
): LiveStreamProvider {
  const source = loaded ? `The package ${packageName ?? `@unilive/${id}`}` : `The factory given for "${id}"`;
  // Whatever the factory echoes of its settings (a token it could not use) is scrubbed.
  const { texts: secrets, complete } = readSettingTexts(settings);
  let provider: unknown;
  try {
    provider = factory(settings);
  } catch (error) {
    // Settings larger than is read for texts to mask: what the factory says could quote one not read.
    if (!complete) {
      throw new InvalidInputError({
        provider: id,
        operation: 'configure',
        message: `${source} could not build a provider (its error is not shown: the settings hold more than is read for secrets to mask, over ${textLimits.depth} levels deep or over ${textLimits.entries} entries in one place)`,
        issues: [
          { path: loaded ? 'package' : 'provider', message: 'expected a factory that builds a provider' },
        ],
      });
    }
    // A typed refusal (an InvalidInputError naming the setting, as adapters throw) keeps its class and
    // fields, masked by the same values: an outside factory may have put the value it refused in its text.
    // Core's own refusal of a setting quotes no value, and is handed on whole: masked, a value that is
    // also one of its words (a `baseUrl` user name `https`) would be taken out of its text.
    if (UniliveError.isInstance(error))
      throw quotesNoSettingValue(error) ? error : maskedFailure(error, toRedactor(secrets));
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `${source} could not build a provider: ${errorText(error)}`,
      secrets,
      issues: [
        { path: 'package', message: 'expected an adapter package whose default export builds a provider' },
      ],
      cause: error,
    });
  }
  // A factory that answers a Promise (an async one) builds nothing now. Its rejection, when it comes, would
  // end the process as an unhandled one, with whatever of the settings its message quotes: it is handled
  // here, and dropped unread.
  let promised: boolean;
  try {
    promised = isThenable(provider);
    ignoreRejection(provider);
  } catch {
    // A `then` that cannot be read: no Promise, and no provider either (refused below).
    promised = false;
  }
  if (promised) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `${source} returned a Promise: a factory builds its provider synchronously (await what it needs before loading the configuration)`,
      issues: [
        { path: loaded ? 'package' : 'provider', message: 'expected a factory that returns a provider' },
      ],
    });
  }
  // A package's export is checked; a factory the caller passed in `providers` is the caller's own code.
  if (loaded && !isProviderShaped(provider)) {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `${source} has no default export that builds a provider`,
      issues: [{ path: 'package', message: 'expected an adapter package' }],
    });
  }
  return provider as LiveStreamProvider;
}

// Every text an entry's settings hold, nested objects and lists included (a `credentials: { … }` block, a
// list of keys being rotated), and numbers long enough to be an account key or PIN (8 digits or more):
// what a factory may echo back in the error it throws. Read as data (own data properties, no getters run),
// and bounded: a setting is configuration, not a tree of any depth.
//
// A `baseUrl` is a route, and masking it whole took words out of the very errors about it: one ending in
// `/videosdk` hid `videosdk` wherever a message began with it (the end of a cut secret is hidden there). Of
// an http(s) `baseUrl`, written or given as a `URL`, only the parts that can carry a credential are taken:
// its user name and password, its query (whole, and each value) and its fragment, each as written and
// decoded. Anything else in that setting (a text that is no such URL) is taken whole, as every other
// setting is, whatever its name.
export function settingTexts(settings: Record<string, unknown>): string[] {
  return readSettingTexts(settings).texts;
}

// How far the settings are read for texts to mask: a setting is configuration, not a tree of any size.
const textLimits = { depth: 32, entries: 10_000, texts: 100_000 } as const;

/**
 * {@link settingTexts}, and whether they are all of the settings' texts: `complete` is false when the
 * settings held more than is read (deeper than 32 levels, more than 10,000 entries in one object or list,
 * more than 100,000 texts), and a factory's message, which could quote what was not read, is then not shown.
 */
export function readSettingTexts(settings: Record<string, unknown>): { texts: string[]; complete: boolean } {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  let complete = true;
  const push = (...found: string[]) => {
    if (texts.length + found.length > textLimits.texts) complete = false;
    else texts.push(...found);
  };
  const visit = (value: unknown, depth: number, key?: string) => {
    if (key === 'baseUrl') {
      const url = typeof value === 'string' ? value : isUrlObject(value) ? String(value) : undefined;
      if (url !== undefined) {
        push(...(urlCredentialTexts(url) ?? [url]));
        return;
      }
    }
    if (typeof value === 'string') push(value);
    else if (typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      if (text.replace(/\D/g, '').length >= 8) push(text);
    } else if (typeof value === 'object' && value !== null && !seen.has(value)) {
      if (depth >= textLimits.depth) {
        complete = false;
        return;
      }
      seen.add(value);
      // Values held other than as own properties, which a factory may still read and quote: a `String` or
      // `Number` object's text, bytes (a key file read into a Buffer) as UTF-8, hex and base64, a URL's
      // parts, a Map's or a Set's values.
      const held = heldTexts(value);
      if (held !== undefined) {
        if (held.length > textLimits.entries) complete = false;
        for (const entry of held.slice(0, textLimits.entries)) visit(entry, depth + 1);
        return;
      }
      let keys: string[];
      try {
        keys = Object.keys(value);
      } catch {
        return;
      }
      if (keys.length > textLimits.entries) complete = false;
      const listed = isArrayValue(value);
      for (const name of keys.slice(0, textLimits.entries)) {
        let descriptor: PropertyDescriptor | undefined;
        try {
          descriptor = Object.getOwnPropertyDescriptor(value, name);
        } catch {
          continue;
        }
        if (descriptor !== undefined && 'value' in descriptor)
          visit(descriptor.value, depth + 1, listed ? undefined : name);
      }
    }
  };
  for (const [key, value] of Object.entries(settings)) visit(value, 0, key);
  return { texts, complete };
}

// What an object holds other than as own properties (read without running the caller's code where the
// platform can: a Map's values or a Set's through the built-in iterators), else undefined.
function heldTexts(value: object): unknown[] | undefined {
  try {
    const kind = Object.prototype.toString.call(value);
    if (kind === '[object String]' || kind === '[object Number]' || kind === '[object BigInt]')
      return [String(value.valueOf())];
    if (isUrlObject(value)) {
      const url = String(value);
      return urlCredentialTexts(url) ?? [url];
    }
    if (kind === '[object URLSearchParams]') {
      const params = value as URLSearchParams;
      return [params.toString(), ...URLSearchParams.prototype.values.call(params)];
    }
    const bytes =
      bufferKind(value) !== undefined
        ? new Uint8Array(value as ArrayBufferLike)
        : ArrayBuffer.isView(value)
          ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : undefined;
    // A key held as bytes may be quoted as text, or as hex or base64 when it is binary.
    if (bytes !== undefined)
      return bytes.byteLength > maxCredentialLength * 4
        ? []
        : [
            new TextDecoder().decode(bytes),
            Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(''),
            encodeBase64(bytes),
          ];
    if (value instanceof Map) return [...Map.prototype.values.call(value)];
    if (value instanceof Set) return [...Set.prototype.values.call(value)];
  } catch {
    return undefined;
  }
  return undefined;
}

// What of an http(s) URL can carry a credential, as written and decoded: user name, password, the query
// whole and each of its values (`?sk_live_…` has no `=`; `?project=Sk%2DLive…` is written encoded), and the
// fragment. Undefined for a text that is no http(s) URL (`admin:secret@host` parses as a URL of scheme
// `admin:`, `rtmp://user:pass@host` is a URL of another scheme), which is then taken whole, and its parts
// as well (a factory may quote a part alone, decoded). A text holding a tab or a line break is taken whole
// too: the URL parser drops those, so a part as parsed is not the part as written, which a factory may
// quote.
function urlCredentialTexts(url: string): string[] | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const parts = credentialParts(parsed);
  const http = parsed.protocol === 'https:' || parsed.protocol === 'http:';
  return http && !/[\t\n\r]/.test(url) ? parts : [url, ...parts];
}

function credentialParts(parsed: URL): string[] {
  const written: string[] = [parsed.username, parsed.password];
  const query = parsed.search.slice(1);
  written.push(query, ...query.split('&').map((part) => part.slice(part.indexOf('=') + 1)));
  written.push(parsed.hash.slice(1));
  const texts: string[] = [];
  for (const part of written) {
    if (part === '') continue;
    texts.push(part);
    // Decoded every way a reader may: `+` kept (decodeURIComponent, user information and paths) and `+` as
    // a space (a form's query, URLSearchParams); twice (a value escaped twice, `%252F`); as `decodeURI` does,
    // which leaves the escapes of `/?#&=+$,;:@` as written; and as the legacy `unescape`, byte by byte as
    // Latin-1, `%uXXXX` too. A `%` that starts no escape (`%kk`) stays as it is.
    const once = percentDecoded(part);
    const decodings = [
      once,
      percentDecoded(part.replaceAll('+', ' ')),
      percentDecoded(once),
      uriDecoded(part),
      unescaped(part),
    ];
    for (const decoded of decodings)
      if (decoded !== undefined && decoded !== part && !texts.includes(decoded)) texts.push(decoded);
  }
  return texts;
}

// As `decodeURI` reads it, or undefined where it throws (an escape that makes no UTF-8).
function uriDecoded(text: string): string | undefined {
  try {
    return decodeURI(text);
  } catch {
    return undefined;
  }
}

// As the legacy `unescape` reads it: `%XX` as the Latin-1 character, `%uXXXX` as the UTF-16 unit.
function unescaped(text: string): string {
  return text.replace(/%u([0-9A-Fa-f]{4})|%([0-9A-Fa-f]{2})/g, (_, unit: string | undefined, byte: string) =>
    String.fromCharCode(Number.parseInt(unit ?? byte, 16)),
  );
}

// Each run of escapes read as UTF-8 bytes, as URLSearchParams reads them: a byte that makes no character
// becomes U+FFFD rather than failing the whole text (`decodeURIComponent` throws on `%E2` alone).
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let index = 0; index < bytes.length; index += 1)
      bytes[index] = Number.parseInt(run.slice(index * 3 + 1, index * 3 + 3), 16);
    return new TextDecoder().decode(bytes);
  });
}

// `@unilive/liveapi` builds `liveapi`: the id of a package of this repository, else undefined.
function builtInPackageId(packageName: string): string | undefined {
  const id = packageName.startsWith('@unilive/') ? packageName.slice('@unilive/'.length) : undefined;
  return id !== undefined && (builtInProviderIds as readonly string[]).includes(id) ? id : undefined;
}

// The id a built provider reports, read once; what cannot be read, or is no text, is described instead.
function providerIdOf(provider: LiveStreamProvider): string {
  try {
    const id: unknown = (provider as { id?: unknown }).id;
    return typeof id === 'string' ? id : `no provider id (${id === undefined ? 'none' : typeof id})`;
  } catch {
    return 'no provider id (it could not be read)';
  }
}

// The configured `provider` and what its `package` (or factory) builds differ: refused before any request.
// Only ids and the package name are named, never a setting's value.
function packageMismatch(id: string, packageName: string | undefined, built: string): InvalidInputError {
  const builds = built.startsWith('no provider id') ? built : `the provider "${built}"`;
  const path = packageName === undefined ? 'provider' : 'package';
  const problem =
    packageName === undefined
      ? `the factory given for "${id}" in options.providers builds ${builds}, not "${id}"`
      : `${packageName} builds ${builds}, not the configured provider "${id}" (set provider to the id it builds, or package to an adapter of "${id}")`;
  return new InvalidInputError({
    provider: id,
    operation: 'configure',
    message: `Invalid configuration: ${path}: ${problem}`,
    issues: [{ path, message: problem }],
    delivery: 'not-sent',
  });
}

function isProviderShaped(value: unknown): value is LiveStreamProvider {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof LiveStreamProvider, unknown>>;
  try {
    return (
      typeof candidate.id === 'string' &&
      ['create', 'get', 'list', 'update', 'delete', 'start', 'stop'].every(
        (method) => typeof candidate[method as keyof LiveStreamProvider] === 'function',
      )
    );
  } catch {
    // A getter or a Proxy trap that throws: nothing that can be called.
    return false;
  }
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an unreadable error';
  }
}

// One store per Redis configuration and factory, shared by every client configured alike (a registry's
// providers, say), so that a process opens one connection.
const configuredStores = new WeakMap<GateStoreFactory, Map<string, GateStore>>();

/**
 * Turns `rateLimit` from configuration into the client's option, loading `@unilive/redis` for
 * `store: 'redis'` (or taking `gateStores.redis`). Clients configured with the same Redis settings share one
 * store (and connection).
 *
 * @throws InvalidInputError (`operation: 'configure'`) naming the setting under `rateLimit`: a name it
 *   does not have (naming the nearest one), a store that is none of `'memory'`, `'redis'` or a store object, Redis settings without `store: 'redis'`, a bad
 *   Redis URL, or `@unilive/redis` not installed (the message says to install it); and, with
 *   `store: 'redis'`, an `options.gateStores` (or its `redis`) that is no plain object (function), or cannot
 *   be read, naming it.
 */
export async function rateLimitFromConfig(
  config: RateLimitConfig | undefined,
  options: { gateStores?: { redis?: GateStoreFactory | undefined } | undefined } = {},
): Promise<RateLimitOptions | undefined> {
  if (config === undefined) return undefined;
  if (typeof config !== 'object' || config === null || isArrayValue(config)) {
    throw rateLimitError([{ path: 'rateLimit', message: 'expected an object' }]);
  }
  // Own, known names only: a misspelt limit (`requestsPerSecnd`) would otherwise leave the client unpaced.
  const anything = { check: () => true, expected: 'anything' };
  const { store, url, onUnavailable, keyPrefix, ...limits } = readOptions<RateLimitConfig>(
    config,
    {
      requestsPerSecond: anything,
      maxConcurrency: anything,
      store: anything,
      url: anything,
      onUnavailable: anything,
      keyPrefix: anything,
    },
    // Named by text as the configuration around it is: a symbol key is refused, not left unread.
    { operation: 'configure', path: 'rateLimit', symbols: 'refuse' },
  );
  const limitsOf = (chosen?: GateStore): RateLimitOptions => ({
    ...(limits.requestsPerSecond === undefined ? {} : { requestsPerSecond: limits.requestsPerSecond }),
    ...(limits.maxConcurrency === undefined ? {} : { maxConcurrency: limits.maxConcurrency }),
    ...(chosen ? { store: chosen } : {}),
  });
  // The store is named first: a mistyped one (`'Redis'`) is what is wrong, not the `url` beside it.
  if (
    store !== undefined &&
    store !== 'memory' &&
    store !== 'redis' &&
    (typeof store !== 'object' || store === null)
  ) {
    const given: unknown = store;
    const near =
      typeof given === 'string' && ['memory', 'redis'].includes(given.trim().toLowerCase())
        ? ` (did you mean '${given.trim().toLowerCase()}'?)`
        : '';
    throw rateLimitError([
      { path: 'rateLimit.store', message: `expected 'memory', 'redis' or a GateStore${near}` },
    ]);
  }
  if (store !== 'redis') {
    const misplaced = Object.entries({ url, onUnavailable, keyPrefix })
      .filter(([, value]) => value !== undefined)
      .map(([name]) => ({ path: `rateLimit.${name}`, message: "only with store: 'redis'" }));
    if (misplaced.length > 0) throw rateLimitError(misplaced);
    return store === undefined || store === 'memory' ? limitsOf() : limitsOf(store);
  }
  const factory =
    readGateStores(options).redis ??
    (await loadDefaultExport<GateStoreFactory>('@unilive/redis', {
      path: 'rateLimit.store',
      what: 'The rate limit store package',
    }));
  const settings: RedisStoreSettings = {
    ...(url === undefined ? {} : { url }),
    ...(onUnavailable === undefined ? {} : { onUnavailable }),
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
  };
  let stores = configuredStores.get(factory);
  if (!stores) {
    stores = new Map();
    configuredStores.set(factory, stores);
  }
  // The URL is part of the identity as given (or as the environment gives it), never printed.
  const identity = JSON.stringify([url ?? environment().UNILIVE_REDIS_URL ?? null, onUnavailable, keyPrefix]);
  let made = stores.get(identity);
  if (!made) {
    try {
      made = factory(settings);
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      throw rateLimitError(
        error.issues.map((issue) => ({ path: `rateLimit.${issue.path}`, message: issue.message })),
        error,
      );
    }
    stores.set(identity, made);
  }
  return limitsOf(made);
}

// `gateStores` read as the loaders read it (a getter that throws is named, not escaping); any other name
// of the loader's options, handed on whole, left to the loader.
function readGateStores(options: unknown): { redis?: GateStoreFactory } {
  const place = { operation: 'configure' } as const;
  const { gateStores } = readOptions<{ gateStores?: unknown }>(
    options,
    { gateStores: optionRules.object },
    { ...place, path: 'options', unknown: 'ignore' },
  );
  return readOptions<{ redis?: GateStoreFactory }>(
    gateStores,
    { redis: optionRules.function },
    { ...place, path: 'options.gateStores' },
  );
}

function rateLimitError(issues: InputIssue[], cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `invalid rateLimit: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
    issues,
    delivery: 'not-sent',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * How a configuration (and a registry's provider entry) is read: every name kept, each under its own name
 * (`tokenId`), for the adapter's factory to check; the registry places it under its entry. @internal
 */
export const configurationPlace = {
  operation: 'configure',
  path: 'config',
  unknown: 'keep',
  keys: 'bare',
  symbols: 'refuse',
} as const;

// The names a configuration has beside its adapter's settings.
const configurationNames = ['provider', 'package', 'rateLimit'] as const;

function configurationError(path: string, problem: string, provider: ProviderId | undefined) {
  return new InvalidInputError({
    provider,
    operation: 'configure',
    message: `Invalid configuration: ${path === '$' ? problem : `${path}: ${problem}`}`,
    issues: [{ path, message: problem }],
  });
}

async function loadFactory(
  id: string,
  packageName: string | undefined,
  givenIds: readonly string[],
  fromEnvironment = '',
): Promise<ConfiguredProviderFactory> {
  const isBuiltIn = (builtInProviderIds as readonly string[]).includes(id);
  const name = packageName ?? (isBuiltIn ? `@unilive/${id}` : undefined);
  if (!name) {
    // A misspelt built-in id (`livapi`) is far likelier than a third-party adapter: name the nearest id
    // (built in, or given in `options.providers`) with the rule settings are named by, before asking for
    // a package.
    const known = [...builtInProviderIds, ...givenIds];
    // An id no provider id looks like (64 hex characters: a line of a .env shifted by one) may be a
    // credential pasted where the name belongs: never echoed, in the message or the `provider` field, as
    // a setting's name is not (docs/errors.md).
    const secretLike = mayBeCredentialName(id);
    const nearest = secretLike ? undefined : nearestName(id, known);
    throw new InvalidInputError({
      ...(secretLike ? {} : { provider: id }),
      operation: 'configure',
      // A near miss of a known id is a typo to fix; `package` is for an adapter published elsewhere.
      message: `Unknown provider ${secretLike ? '[REDACTED] (a value that may be a credential, not shown)' : describeUnknownName(id, known)}${fromEnvironment}: ${nearest ? 'check the name, or, for an adapter published elsewhere, ' : ''}set \`package\` to the adapter package that provides it`,
      issues: [
        {
          path: nearest ? 'provider' : 'package',
          message: nearest
            ? `unknown provider; did you mean "${nearest}"?`
            : 'expected the adapter package name',
        },
      ],
    });
  }
  const module = await importPackage(name, { path: 'provider', what: 'The provider package' });
  const factory = (module as { default?: unknown } | undefined)?.default;
  if (typeof factory !== 'function') {
    throw new InvalidInputError({
      provider: id,
      operation: 'configure',
      message: `The package ${name} has no default export that builds a provider`,
      issues: [{ path: 'package', message: 'expected an adapter package' }],
    });
  }
  return factory as ConfiguredProviderFactory;
}

async function loadDefaultExport<T>(name: string, about: { path: string; what: string }): Promise<T> {
  const module = await importPackage(name, about);
  const exported = (module as { default?: unknown } | undefined)?.default;
  if (typeof exported !== 'function') {
    throw new InvalidInputError({
      operation: 'configure',
      message: `The package ${name} has no default export that builds what ${about.path} needs`,
      issues: [{ path: about.path, message: `expected ${name}` }],
    });
  }
  return exported as T;
}

// The adapter (or store) is the application's dependency, not core's: when core cannot see it (pnpm's
// strict layout), resolve it from the application's directory.
async function importPackage(name: string, about: { path: string; what: string }): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    if (!isModuleNotFound(error)) throw loadFailure(name, about, error);
  }
  try {
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const resolved = createRequire(`${process.cwd()}/`).resolve(name);
    return await import(pathToFileURL(resolved).href);
  } catch (error) {
    if (!isModuleNotFound(error)) throw loadFailure(name, about, error);
    throw new InvalidInputError({
      operation: 'configure',
      message: `${about.what} ${name} is not installed: run \`npm install ${name}\``,
      issues: [{ path: about.path, message: `expected ${name} to be installed` }],
    });
  }
}

// A package that throws while it loads (a syntax error, a missing peer) is a configuration problem.
function loadFailure(name: string, about: { path: string; what: string }, error: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `${about.what} ${name} failed to load: ${errorText(error)}`,
    issues: [{ path: about.path, message: `expected ${name} to load` }],
    cause: error,
  });
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
