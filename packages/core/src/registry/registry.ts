import type { DependencyContainer } from 'tsyringe';
import type { ProviderCapabilities } from '../capabilities.js';
import { readCapabilities } from '../capabilities-read.js';
import {
  abortedReason,
  clientOnError,
  createLiveStreamClient,
  declaredCallOptionNames,
  type LiveStreamClient,
  listOptionIssues,
  listOptionRules as listRequestRules,
  notAborted,
  providerNameRule,
  quietClient,
  type RequestOptions,
  readHooks,
  recordProblem,
  refuseOrSkipRecord,
  callOptionRules as requestRules,
  type StartRequestOptions,
  servingClient,
  unreadableRecord,
} from '../client/live-stream-client.js';
import { readProviderOptionsOn } from '../client/provider-method.js';
import { tokens } from '../di/tokens.js';
import {
  AbortError,
  abortedMessage,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ResponseShapeError,
} from '../errors/errors.js';
import { requestOf, servedOperation, UniliveError, withErrorFields } from '../errors/unilive-error.js';
import { emit, type HttpHooks } from '../http/hooks.js';
import type { RateLimitOptions } from '../http/request-gate.js';
import { idProblem } from '../ids.js';
import { invalidInput, readOwnData, streamSecrets, validateCreateInput } from '../inputs.js';
import { abortAfterAcceptedChange } from '../lifecycle.js';
import type { LiveStream, LiveStreamState, ProviderId, Warning } from '../live-stream.js';
import { clientMethodNames, registryCallNames } from '../operation-names.js';
import {
  callOptionsError,
  containerRule,
  limitRule,
  type OptionRule,
  optionRules,
  readOptions,
  refuseCallOptionValues,
} from '../options.js';
import {
  isArrayValue,
  isInstanceOf,
  once,
  ownValue,
  plainObjectProblem,
  readCallerList,
  thrownKind,
  unreadableText,
  withBoundMethods,
} from '../own.js';
import type {
  CreateLiveStreamInput,
  ListOptions,
  LiveStreamProvider,
  ProviderListOptions,
  UpdateLiveStreamInput,
} from '../provider.js';
import {
  hasWarnings,
  maskedFailure,
  providerRedactor,
  providerRedactorSource,
  withHeldSecrets,
  withMaskedWarnings,
} from '../provider-secrets.js';
import { monotonicClock } from '../runtime.js';
import { type Redactor, redactStable, SecretSet } from '../secrets.js';
import { type MigrationPlan, planMigrationInput, recordsAnyway } from './migration.js';
import {
  formatStreamReference,
  parseReferenceAt,
  providerNameProblem,
  referenceSeparator,
  type StreamReference,
} from './references.js';
import {
  isCallerMistake,
  mayHaveCreated,
  provesNothingMade,
  type RoutingCandidate,
  type RoutingDecision,
  type RoutingExclusion,
  type RoutingFailover,
  type RoutingOptions,
  routingGaps,
} from './routing.js';

/** A stream as a registry returns it: the vendor's stream plus its global reference. */
export type RegistryLiveStream = LiveStream & {
  /**
   * The stream's reference in the registry, `'<name>:<vendor id>'` (`'eu:abc123'`): what every registry
   * call takes. `id` stays the vendor's id and `provider` the vendor's provider id.
   */
  ref: string;
};

/** A stream a registry created: which provider made it, and why, is in `routing`. */
export type RoutedLiveStream = RegistryLiveStream & { routing: RoutingDecision };

/** Options of a registry's `create`. */
export interface RegistryCreateOptions<Name extends string = string> extends RequestOptions {
  /** The provider to create on, by its registry name: no routing and no failover. */
  provider?: Name | undefined;
}

/** Options of a registry's `list`. */
export interface RegistryListOptions<Name extends string = string> extends Omit<ListOptions, 'runtime'> {
  /**
   * The providers to list, by name, in this order (a name given twice is walked once). Default every
   * provider, in the registry's order. Read once by `length` and index (never its iterator), at most 1,000
   * names: one that cannot be read (a Proxy whose `length` or an entry throws, a getter on an entry, a
   * revoked Proxy) is an `InvalidInputError` (`delivery: 'not-sent'`) naming `providers`, or the entry's
   * place (`providers.1`), `could not be read`, the thrown value as `cause`, before any provider is walked.
   */
  providers?: readonly Name[] | undefined;
  /**
   * What a provider failing mid-walk does to the walk. `'throw'` (default): the walk ends with its error
   * (carrying `providerName`) after every stream already yielded. `'skip'`: the walk goes on with the next
   * provider, and an `onWarning` event of type `skipped-provider` names the one left out, how many of its
   * streams came first, and its error (class, status, delivery, message, no credential). A provider whose
   * configuration fails when called (a credential no header can carry: an `InvalidInputError` that sent
   * nothing) is skipped like any other. Never skipped: the caller's abort, and a bad list option
   * (`pageSize`, `maxPages`, `timeoutMs`), refused before any provider is walked, or refused by a provider
   * (an `InvalidInputError` whose issue names one of the list's options).
   */
  onProviderError?: 'throw' | 'skip' | undefined;
}

/** What a registry's `list` returns: iterate it with `for await`, or collect it with `toArray`. */
export interface RegistryStreamList extends AsyncIterable<RegistryLiveStream> {
  /**
   * Collects every stream (or the first `limit`, a whole number from 0; `Infinity`, the default, is every
   * stream) into an array. Throws
   * `InvalidInputError` for any other `limit`. `limit: 0` walks no provider, but a list that cannot be
   * walked (its signal already aborted, an option of `list` refused, a provider it names unknown) rejects
   * as with any other limit.
   */
  toArray(options?: { limit?: number | undefined }): Promise<RegistryLiveStream[]>;
}

/** Options of `planMigration` and `migrate`. */
export interface MigrationOptions<Name extends string = string> extends RequestOptions {
  /** The provider the new stream goes to, by its registry name; another than the source's. */
  to: Name;
  /** Fields of the create input to set instead of (or besides) what carries over from the source. */
  input?: Partial<CreateLiveStreamInput> | undefined;
}

/** Options of `migrate`. */
export interface MigrateOptions<Name extends string = string> extends MigrationOptions<Name> {
  /**
   * Deletes the source once the new stream exists (never before). A source that is `ready` on a vendor
   * that can stop it is stopped first and waited for; one `starting` or `resetting` is waited for until its
   * start completes (Wowza Video and videosdk refuse to stop it before), then stopped; one `stopping` is
   * waited for until it stops. The waits share `stopTimeoutMs`. Default false.
   * Anything but `true` or `false` (`'false'`, `1`) is an `InvalidInputError` before anything is read.
   */
  deleteSource?: boolean | undefined;
  /**
   * How long to wait for the source to stop (its start to complete first, when it was starting) before
   * deleting it, in ms, all waits together (the stop request itself is bounded by the source provider's own
   * time limits, not by this): a whole number from 1 to 2 147 483 647, checked before anything is read.
   * Default 60 000.
   */
  stopTimeoutMs?: number | undefined;
}

/** What `migrate` did. */
export interface MigrationResult {
  /** The source as it was read before the migration. */
  source: RegistryLiveStream;
  /** The new stream, on the target provider. */
  stream: RoutedLiveStream;
  /**
   * Everything that did not carry over (`not-carried`), the target's own soft gaps, and, when the source
   * could not be deleted, why.
   */
  warnings: Warning[];
  /**
   * True when the source is gone after a migration asked to delete it (only ever after the new stream
   * existed): deleted by this call, or already gone when it came to be stopped or deleted (the vendor
   * answered not found; a warning says so). False when it was not asked for, or deleting failed.
   */
  sourceDeleted: boolean;
  /** Why deleting the source failed, when it was asked and failed. The new stream exists all the same. */
  sourceError?: UniliveError;
}

/** One provider of a registry. */
export interface RegistryProvider<Name extends string = string> {
  /** Its name in the registry: the first part of its streams' references. */
  readonly name: Name;
  /** The vendor's provider id. */
  readonly providerId: ProviderId;
  /** What routing and migrations read of it: a frozen copy of its provider's, taken when the registry was made. */
  readonly capabilities: ProviderCapabilities;
  /** The client the registry calls it through, for vendor-specific calls. */
  readonly client: LiveStreamClient;
}

/**
 * Many providers at once, each under a name: streams anywhere are reached by reference
 * (`'<name>:<vendor id>'`), `create` routes by capability with failover that never makes a stream twice,
 * `list` walks every provider, and `migrate` moves a stream from one vendor to another. See
 * docs/multi-provider.md.
 *
 * Every call whose `signal` is already aborted when it is made ends first with `AbortError`
 * (`delivery: 'not-sent'`, the signal's reason as `cause`), before its reference, input, options or provider
 * names are checked and before any request, as a client's call does; a walk (`list`, `findByName`) at its
 * first step. A `list` walk that has said it is done stays done, whatever the signal does afterwards.
 *
 * Each call is bound to its registry, as a client's are: `const { get } = registry` works as `registry.get`.
 *
 * `Name` is the union of its provider names when they are known to the
 * types (`createLiveStreamRegistry({ providers: { eu: …, us: … } })` gives `'eu' | 'us'`), so a misspelt name
 * in `create`'s `provider`, `list`'s `providers`, a migration's `to` or `client(name)` fails to compile; it
 * is `string` where they are not (a registry made from configuration), and every name is then checked at
 * run time only.
 */
export interface LiveStreamRegistry<Name extends string = string> {
  /**
   * The providers, in the registry's order (the order `list` walks them in). Frozen, entries included: each
   * entry's `capabilities` is the copy the registry read when it was made, checked and frozen, which is
   * what routing and migrations read (a provider whose capabilities change later is not followed).
   */
  readonly providers: readonly RegistryProvider<Name>[];
  /** The order `create` tries candidates in, by name. */
  readonly routingOrder: readonly Name[];
  /** The client of one provider, by name; `InvalidInputError` naming the known ones for any other. */
  client(name: Name): LiveStreamClient;
  /**
   * Creates a stream. With `{ provider }`, there and only there. Without, on the first candidate whose
   * capabilities fit the input ({@link routingGaps}), in the routing order or as `routing.choose` says; a
   * candidate that fails in a way that proves it made nothing (`provesNothingMade`) hands over to the next.
   * The result's `routing` says where and why.
   *
   * @throws AbortError (`delivery: 'not-sent'`, `maybeCreated: false`) first when the signal is already
   *   aborted, before the input or options are checked: as every registry call.
   * @throws InvalidInputError before any request for invalid input, an unknown provider name, or when no
   *   provider fits (the message lists what each lacks).
   * @throws the provider's own error, with `providerName` and `maybeCreated`, when it failed in a way that
   *   may have made the stream (no failover then), or when every candidate failed.
   */
  create(input: CreateLiveStreamInput, options?: RegistryCreateOptions<Name>): Promise<RoutedLiveStream>;
  get(reference: StreamReference<Name>, options?: RequestOptions): Promise<RegistryLiveStream>;
  /**
   * Every stream of every provider, one provider after the other, each page fetched as the walk goes.
   * A provider's own list options (typed in `ProviderListOptions`: Wowza Video's `details`) are taken when
   * some provider of the registry declares them (`callOptionNames.list`), and each provider walked is handed
   * only those it declares; a name none declares is an `InvalidInputError` naming `options.<name>`, before
   * any request.
   */
  list(options?: RegistryListOptions<Name> & ProviderListOptions): RegistryStreamList;
  update(
    reference: StreamReference<Name>,
    patch: UpdateLiveStreamInput,
    options?: RequestOptions,
  ): Promise<RegistryLiveStream>;
  delete(reference: StreamReference<Name>, options?: RequestOptions): Promise<void>;
  /** Starts the stream; `providerOptions` as on the client's `start`. */
  start(reference: StreamReference<Name>, options?: StartRequestOptions): Promise<RegistryLiveStream>;
  stop(reference: StreamReference<Name>, options?: RequestOptions): Promise<RegistryLiveStream>;
  /** The client's `waitForState` on the stream's provider (`events` included). */
  waitForState(
    reference: StreamReference<Name>,
    state: LiveStreamState | readonly LiveStreamState[],
    options?: Parameters<LiveStreamClient['waitForState']>[2],
  ): Promise<RegistryLiveStream>;
  /** The client's `waitForBroadcast` on the stream's provider (`events` included). */
  waitForBroadcast(
    reference: StreamReference<Name>,
    options?: Parameters<LiveStreamClient['waitForBroadcast']>[1],
  ): Promise<RegistryLiveStream>;
  /**
   * The streams named exactly `name`, on every provider (or those given): how to find out whether a
   * create that failed with `maybeCreated: true` made its stream. A vendor that keeps no name
   * (`capabilities.names` false) cannot be searched this way: compare `createdAt` in `list` instead.
   *
   * An empty answer means no stream of that name exists: it is given only when every provider asked was
   * listed whole. Each provider is listed with `list({ name, strict: true })` (`strict: false` is not
   * honoured here): where the vendor's page carries names (Wowza Video, Wowza Real-Time) only the streams
   * so named have their details read, and a stream that could not be read throws instead of being skipped:
   * a detail read lost after its retries throws its own error (`ProviderUnavailableError`, `TimeoutError`),
   * a record or details unilive cannot use, or pages that stop before the vendor's count, throw
   * `ResponseShapeError`; each carries `providerName` and `operation: 'findByName'`, and its message names
   * `findByName` with the request or walk inside it (`wowza-video findByName (list): record 2 of page 1
   * could not be read: …`). A page record unilive cannot read whose record names another stream is not
   * the one sought: it is passed over (see `ListOptions.name`). A stream deleted while searching is left
   * out, with a `skipped-record` warning naming `findByName` the same way. With `onProviderError: 'skip'` a provider that failed is skipped with its
   * `skipped-provider` warning and the others are searched, but when none of them holds the name, the first
   * skipped provider's error is thrown: "none here" is never said for a provider that could not be listed.
   * @throws InvalidInputError for an empty name or bad options, before any request.
   */
  findByName(name: string, options?: RegistryListOptions<Name>): Promise<RegistryLiveStream[]>;
  /**
   * Reads the source and works out what `migrate` would create, without creating anything. Its errors name
   * the call made, `planMigration` (`operation`, and the message: `planMigration: invalid options: options.to (…)`,
   * `liveapi planMigration was aborted`), as do the hook events of its read.
   * @throws InvalidInputError for a bad reference, `to`, `input` or option, before the source is read.
   * @throws AbortError when `signal` fires (first of all when it has already).
   */
  planMigration(reference: StreamReference<Name>, options: MigrationOptions<Name>): Promise<MigrationPlan>;
  /**
   * Creates the equivalent of a stream on another provider (see {@link MigrationPlan}) and, when asked,
   * deletes the source once the new stream exists. A failure to delete the source does not fail the
   * migration: it is in `sourceError` and `warnings`, and the new stream is returned.
   * @throws AbortError when `signal` fires (first of all when it has already). Once the new stream exists
   *   (the source being stopped, waited for or deleted), it is named for the target (`provider`,
   *   `providerName`) and says what exists: `streamId` the new stream's id there, `maybeCreated: true`,
   *   `delivery: 'unknown'`, parts `create`, `stop-source` (a running source) and `delete-source` as
   *   `applied`, `unknown` (the step whose request it cut off) or `notApplied`; never a `sourceError`.
   */
  migrate(reference: StreamReference<Name>, options: MigrateOptions<Name>): Promise<MigrationResult>;
}

/** Options of {@link createLiveStreamRegistry}. */
export interface LiveStreamRegistryOptions<Name extends string = string> {
  /**
   * The providers by name (letters, digits, `_`, `-`): an adapter's provider, or a client already made
   * (kept as it is, with its own hooks and rate limit). The same vendor may appear under several names (two
   * accounts). Their order is the registry's order: a `Map`'s insertion order, or an object's own key
   * order, in which JavaScript puts names that are whole numbers (`'1'`) first (a `Map` keeps `'2024'` where
   * it was put); `routing.order` and `list({ providers })` say it explicitly.
   */
  providers:
    | Readonly<Record<Name, LiveStreamProvider | LiveStreamClient>>
    | ReadonlyMap<Name, LiveStreamProvider | LiveStreamClient>;
  routing?: RoutingOptions<NoInfer<Name>> | undefined;
  /**
   * Hooks of every client the registry makes, and where its own warnings go (`fallback`, `skipped-provider`, and
   * a `migrate`'s: what it did not carry, and a source it could not delete).
   * Events of the requests `migrate`, `planMigration` and `findByName` make name those operations,
   * whichever client call made the request: a client given here keeps its own hooks, and they name them too.
   * `onError` is the registry's own, raised once for each registry call that rejects, with the error the
   * caller gets (never for a provider's call it went on from); the clients it makes get every other hook.
   * The `onError` of a client given here is raised the same way, by the registry, which calls that client
   * without it: each distinct `onError` (the registry's, a given client's) hears a rejected call once.
   */
  hooks?: HttpHooks | undefined;
  /**
   * Passed to every client the registry makes (see `createLiveStreamClient`). Without `hooks`, the hooks
   * registered on it (`tokens.hooks`) are the registry's, as if given as `hooks`: its `onError` is heard
   * once per rejected registry call, not by each client.
   */
  container?: DependencyContainer | undefined;
  /** Paces each provider the registry wraps on its own: one limit per provider, not one for all. */
  rateLimit?: RateLimitOptions | undefined;
}

interface Entry extends RegistryProvider {}

// States in which a stream is stopped before a migration deletes it.
// States a migration's source leaves by itself, waited for before it is stopped.
const settlingStates: readonly LiveStreamState[] = ['starting', 'resetting'];

/**
 * Builds a registry over named providers.
 *
 * @example
 * ```ts uses=token,tokenId,secretKey run
 * import { createLiveStreamRegistry } from '@unilive/core';
 * import { liveapi } from '@unilive/liveapi';
 * import { wowzaVideo } from '@unilive/wowza-video';
 *
 * const registry = createLiveStreamRegistry({
 *   providers: { wowza: wowzaVideo({ token }), eu: liveapi({ tokenId, secretKey }) },
 * });
 * const stream = await registry.create({ name: 'Launch', ingestProtocol: 'srt' }); // on wowza: it takes SRT
 * await registry.start(stream.ref);
 * ```
 * @throws InvalidInputError (`operation: 'configure'`) for a second argument (`arguments`: hooks and the
 *   other options go in the first), no providers, a name that could make references
 *   ambiguous, something that is neither a provider nor a client, capabilities (of a provider or of a
 *   client's provider) whose protocol lists, `maxNameLength` or flags routing reads are not of their types
 *   (`providers.<name>.capabilities.<field>`), a routing order that is not every name
 *   once, or one that cannot be read (`routing.order` or `routing.order.<index>`, `could not be read`, the
 *   thrown value as `cause`).
 */
export function createLiveStreamRegistry<const Name extends string = string>(
  input: LiveStreamRegistryOptions<Name>,
): LiveStreamRegistry<Name>;
export function createLiveStreamRegistry<const Name extends string = string>(
  input: LiveStreamRegistryOptions<Name>,
  ...more: readonly unknown[]
): LiveStreamRegistry<Name> {
  try {
    // A second argument is what a client takes (`createLiveStreamClient(provider, { hooks })`); here it
    // would be dropped without a word, and with it the hooks a caller counts on to log or to alert.
    if (more.some((value) => value !== undefined)) {
      throw configurationError(
        'arguments',
        'expected one argument, the options: hooks, container and rateLimit are fields of it (createLiveStreamRegistry({ providers, hooks }))',
      );
    }
    return buildRegistry(input);
  } catch (error) {
    throw maskedByGivenProviders(error, input);
  }
}

// A refusal of the registry's options names the caller's names (an unknown option, a routing field): one
// may repeat a credential of a provider given, so it is masked by every such provider's secrets, read from
// the providers as given (a getter that throws masks nothing more: its entry is refused on its own).
function maskedByGivenProviders(error: unknown, input: unknown): unknown {
  if (!InvalidInputError.isInstance(error) || typeof input !== 'object' || input === null) return error;
  let masked: unknown = error;
  try {
    const providers = Object.getOwnPropertyDescriptor(input, 'providers')?.value;
    if (typeof providers !== 'object' || providers === null) return error;
    // An object by name, or a Map (a registry built from configuration hands its clients so).
    const values: unknown[] =
      providers instanceof Map
        ? [...providers.values()]
        : Reflect.ownKeys(providers).map((key) => Object.getOwnPropertyDescriptor(providers, key)?.value);
    for (const value of values) {
      const provider = isClient(value) ? value.provider : isProvider(value) ? value : undefined;
      if (provider !== undefined) masked = maskedFailure(masked, providerRedactor(provider));
    }
  } catch {
    // A provider whose secrets cannot be read: refused on its own, naming it.
  }
  return masked;
}

function buildRegistry<const Name extends string = string>(
  input: LiveStreamRegistryOptions<Name>,
): LiveStreamRegistry<Name> {
  if (input === undefined)
    throw configurationError('providers', 'expected an object of providers by name, with at least one');
  // Own, known names only (`hook`, `ratelimit` name the nearest valid one); hooks checked like a client's.
  const options = readOptions<LiveStreamRegistryOptions>(
    input,
    {
      providers: optionRules.object,
      routing: optionRules.object,
      hooks: optionRules.object,
      container: optionRules.object,
      rateLimit: optionRules.object,
    },
    { operation: 'configure', path: 'options' },
  );
  if (options.hooks !== undefined) options.hooks = readHooks(options.hooks);
  // Hooks registered on the container are the registry's when none are given, as a client takes them: the
  // registry hears its calls' rejections, its clients get the rest (a client resolving them itself would
  // hear each of its own calls, a provider failed over from included, and the registry none).
  else if (options.container !== undefined) {
    const fromContainer = containerHooks(options.container);
    if (fromContainer !== undefined) options.hooks = fromContainer;
  }
  if (options.routing !== undefined) {
    options.routing = readOptions<RoutingOptions>(
      options.routing,
      {
        order: listRule,
        choose: optionRules.function,
        failover: optionRules.boolean,
      },
      { operation: 'configure', path: 'routing' },
    );
  }
  const given = options.providers;
  if (typeof given !== 'object' || given === null || isArrayValue(given)) {
    throw configurationError('providers', 'expected an object of providers by name, with at least one');
  }
  // Each name and provider read once; an object or provider whose reads throw (a Proxy, a getter) is a
  // configuration error naming where, not whatever it threw.
  let named: [string, unknown][];
  try {
    named = isInstanceOf(given, Map)
      ? [...Map.prototype.entries.call(given)]
      : Object.keys(given).map((name) => [name, (given as Record<string, unknown>)[name]]);
  } catch {
    throw configurationError('providers', unreadableText);
  }
  if (named.length === 0) {
    throw configurationError('providers', 'expected an object of providers by name, with at least one');
  }
  const kindOf = (value: unknown): 'client' | 'provider' | undefined => {
    try {
      return isClient(value) ? 'client' : isProvider(value) ? 'provider' : undefined;
    } catch {
      return undefined;
    }
  };
  const entries: Entry[] = named.map(([name, value], index) => {
    const problem = providerNameProblem(name);
    // A Map's key may be no string: named by its place, never printed.
    if (problem) {
      throw configurationError(`providers.${typeof name === 'string' ? name : index}`, `name: ${problem}`);
    }
    const kind = kindOf(value);
    // A provider's malformed capabilities are named under its place in `providers`, as a client's are
    // below, before the client made over it would name them `provider.capabilities`.
    if (kind === 'provider') {
      const provider = value as LiveStreamProvider;
      entryCapabilities(provider, name, () => providerRedactor(provider));
      // Its `providerOptionsOn` too: with two accounts of one vendor, `provider.providerOptionsOn` would not
      // say which is wrong.
      entryProviderOptionsOn(provider, name, () => providerRedactor(provider));
    }
    const client =
      kind === 'client'
        ? (value as LiveStreamClient)
        : kind === 'provider'
          ? createLiveStreamClient(value as LiveStreamProvider, {
              // Without `onError`: the registry's call is the call, heard once when it rejects (`heard`),
              // not a provider's call it failed over from or skipped.
              ...(options.hooks ? { hooks: namedHooks(withoutOnError(options.hooks), name) } : {}),
              ...(options.container ? { container: options.container } : {}),
              ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
            })
          : undefined;
    if (!client) {
      throw configurationError(
        `providers.${name}`,
        'expected a provider (an adapter factory result) or a client',
      );
    }
    // A client handed in as it is may be one an application wrote, passing on its provider's warnings as
    // they came: the registry masks them (see `maskedAnswer`).
    if (kind === 'client') {
      // The secrets of the streams it answers are held for its masking, as a client holds an outside
      // provider's: an error of its that quotes a stream key it answered earlier shows none.
      const held = new SecretSet();
      givenSecrets.set(client, held);
      givenClients.set(client, withHeldSecrets(providerRedactorSource(client.provider), held));
      // Called without its `onError`: the registry raises it for its own calls (`failed`).
      quietClients.set(client, quietClient(client));
    }
    // Read once, checked and copied frozen: routing and migrations read this copy, so neither a provider
    // whose capabilities are malformed (an outside adapter, a client over one) nor code changing the
    // object afterwards (adapters of one vendor share theirs) can make a call fail untyped or route
    // differently from what `providers` shows.
    const capabilities = entryCapabilities(client, name, () => redactorOf({ client }));
    return Object.freeze({ name, providerId: client.providerId, capabilities, client });
  });
  const routing = options.routing ?? (Object.create(null) as RoutingOptions);
  let order: Entry[];
  try {
    order = routingOrderOf(entries, routing.order);
  } catch (error) {
    // What a getter of the order threw (the cause) is no one provider's to mask: every provider's secrets.
    throw entries.reduce<unknown>((masked, entry) => maskedFailure(masked, redactorOf(entry)), error);
  }
  const registry: LiveStreamRegistry = withBoundMethods(
    new DefaultLiveStreamRegistry(
      Object.freeze(entries),
      Object.freeze(order),
      routing,
      options.hooks ?? Object.create(null),
    ),
    registryMethodNames,
  );
  // Its entries' names are the keys of `providers`, checked above, which is what `Name` stands for; the
  // calls check every name they are given at run time all the same (a caller's JavaScript, a cast).
  return registry as unknown as LiveStreamRegistry<Name>;
}

/** The registry's calls, each bound to its registry: `const { get } = registry` works as `registry.get` does. */
const registryMethodNames = /* @__PURE__ */ (() =>
  [...clientMethodNames, 'client', ...registryCallNames] as const)();

function isClient(value: unknown): value is LiveStreamClient {
  const candidate = value as Partial<LiveStreamClient> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.waitForState === 'function' &&
    typeof candidate.create === 'function' &&
    typeof candidate.provider === 'object' &&
    candidate.provider !== null
  );
}

function isProvider(value: unknown): value is LiveStreamProvider {
  const candidate = value as Partial<LiveStreamProvider> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.specificationVersion === 'v1' &&
    typeof candidate.create === 'function' &&
    typeof candidate.capabilities === 'object'
  );
}

// `routing.order` read once by core's one reader of caller lists: one that cannot be read is named (the
// entry's place when an entry threw), what was thrown its cause; one longer than the names is no order.
function routingOrderOf(entries: readonly Entry[], given: readonly string[] | undefined): Entry[] {
  if (given === undefined) return [...entries];
  const names = entries.map((entry) => entry.name);
  const read = readCallerList(given, names.length);
  if ('problem' in read && read.problem === 'threw') {
    throw configurationError(unreadableListPath('routing.order', read.index), unreadableText, read.cause);
  }
  const order = 'list' in read ? read.list : [];
  const everyOnce =
    order.length === names.length &&
    new Set(order).size === order.length &&
    order.every((name) => names.includes(name as string));
  if (!everyOnce) {
    throw configurationError('routing.order', `expected every provider name once: ${names.join(', ')}`);
  }
  return order.map((name) => entries.find((entry) => entry.name === name) as Entry);
}

// What a list, or an entry, whose read threw is named: the option, or the entry's place in it.
function unreadableListPath(option: string, index: number | undefined): string {
  return index === undefined ? option : `${option}.${index}`;
}

// The most names a walk's `providers` may hold (a name may repeat, so more than the registry's providers
// is no mistake): a Proxy claiming billions is refused unread.
const maxWalkedNames = 1_000;

// A list option's rule: an array, or a value `Array.isArray` throws on (a revoked Proxy), which the list's
// reader (`readCallerList`) then names as could not be read rather than as no array.
const listRule: OptionRule = {
  check: (value) => {
    try {
      return Array.isArray(value);
    } catch {
      return true;
    }
  },
  expected: 'an array of provider names',
};

// The capabilities of `providers.<name>` (`readCapabilities`), what a getter of them threw (the cause) masked
// by the provider's secrets: it is the provider's code.
function entryCapabilities(
  source: LiveStreamClient | LiveStreamProvider,
  name: string,
  redactor: () => Redactor,
): ProviderCapabilities {
  try {
    return readCapabilities(
      () => source.capabilities,
      `providers.${name}.capabilities`,
      configurationError,
      routingCapabilities,
    );
  } catch (error) {
    throw maskedFailure(error, redactor());
  }
}

// The `providerOptionsOn` of `providers.<name>` (`readProviderOptionsOn`), checked as the client made over
// it checks it, named by its place; what a getter of it threw masked by the provider's secrets.
function entryProviderOptionsOn(provider: LiveStreamProvider, name: string, redactor: () => Redactor): void {
  try {
    readProviderOptionsOn(
      () => provider.providerOptionsOn,
      `providers.${name}.providerOptionsOn`,
      configurationError,
    );
  } catch (error) {
    throw maskedFailure(error, redactor());
  }
}

// What routing reads of every provider (\`routingGaps\`): a registry needs them given.
const routingCapabilities = ['ingestProtocols', 'playbackProtocols', 'maxNameLength'] as const;

function configurationError(path: string, message: string, cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    operation: 'configure',
    message: `Invalid registry configuration: ${path}: ${message}`,
    issues: [{ path, message }],
    delivery: 'not-sent',
    ...(cause === undefined ? {} : { cause }),
  });
}

// The registry's name goes on every error from a provider: `provider` alone cannot tell two accounts of
// one vendor apart. Written the way the HTTP layer writes `delivery` on errors passing through it. Masked
// first by the provider's own secrets: a client given to the registry as it is may pass on what an outside
// provider threw unmasked (a client this library made has masked it already, and nothing changes).
function annotate(error: unknown, entry: Entry, maybeCreated?: boolean): unknown {
  if (!UniliveError.isInstance(error)) return error;
  // A value marked as one of our errors (by another copy of core, or forged by an outside adapter) may throw
  // on any read: it is passed on as it was thrown rather than replaced by a failure of our own reading.
  try {
    return withErrorFields(maskedFailure(error, redactorOf(entry)) as UniliveError, {
      providerName: entry.name,
      ...(maybeCreated === undefined ? {} : { maybeCreated }),
    });
  } catch {
    return error;
  }
}

// `servedOperation`, passing on as it was thrown a marked value whose fields cannot be read.
function servedAs(error: unknown, operation: string): unknown {
  try {
    return servedOperation(error, operation);
  } catch {
    return error;
  }
}

class DefaultLiveStreamRegistry implements LiveStreamRegistry {
  private readonly byName: Map<string, Entry>;
  // The sources being migrated by this registry (`name:id`): a second migration of one while the first
  // goes on would create a second new stream, and both would report the source deleted.
  private readonly migrating = new Set<string>();

  constructor(
    /** Frozen: entries and their capabilities are the copies routing reads. */
    readonly providers: readonly Entry[],
    private readonly order: readonly Entry[],
    private readonly routing: RoutingOptions,
    private readonly hooks: HttpHooks,
  ) {
    this.byName = new Map(providers.map((entry) => [entry.name, entry]));
  }

  get routingOrder(): readonly string[] {
    return this.order.map((entry) => entry.name);
  }

  client(name: string): LiveStreamClient {
    return this.named(name, 'configure', 'name').client;
  }

  create(input: CreateLiveStreamInput, options?: RegistryCreateOptions): Promise<RoutedLiveStream> {
    return this.heard('create', () => this.createServing(input, options, undefined));
  }

  // The registry's call `operation` as the caller makes it: its rejection is heard by `onError`, once, with
  // the error the caller gets. What it called on the way (a provider failed over from, a client's call
  // inside a migration) is not a call of the caller's: the clients the registry made have no `onError`.
  private async heard<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const told = this.refusalMasked(error);
      this.failed(operation, told);
      throw told;
    }
  }

  // The registry's own refusal of what the caller gave (an option, an input field, an option of a walk),
  // masked by every provider's secrets: it names the caller's names, one may repeat any provider's
  // credential, and no one provider's client has seen it. Other errors come from a client, masked already.
  private refusalMasked(error: unknown): unknown {
    return InvalidInputError.isInstance(error) ? this.maskedByAll(error) : error;
  }

  private failed(operation: string, error: unknown): void {
    const listeners = this.errorListeners();
    if (listeners.length === 0 || !UniliveError.isInstance(error)) return;
    try {
      const provider = error.provider;
      const request = requestOf(error);
      // The request's URL, scrubbed by its HTTP layer, masked again by every provider's secrets: the
      // registry does not know which client's layer made it.
      if (request)
        request.url = this.providers.reduce((url, each) => redactStable(redactorOf(each), url), request.url);
      const providerName = error.providerName;
      for (const onError of listeners)
        emit(onError, {
          ...(provider ? { provider } : {}),
          ...(providerName ? { providerName } : {}),
          operation,
          ...request,
          error,
        });
    } catch {
      // A value marked as one of our errors whose reads throw (see `annotate`): nothing to tell.
    }
  }

  // Every `onError` given for this registry's calls, each once however many levels name it: the
  // registry's (or its container's), and those of the clients handed to it, which it calls without theirs.
  private errorListeners(): NonNullable<HttpHooks['onError']>[] {
    const listeners: NonNullable<HttpHooks['onError']>[] = [];
    const own = this.hooks.onError;
    if (typeof own === 'function') listeners.push(own);
    for (const entry of this.providers) {
      if (!quietClients.has(entry.client)) continue;
      const onError = clientOnError(entry.client);
      if (typeof onError === 'function' && !listeners.includes(onError)) listeners.push(onError);
    }
    return listeners;
  }

  // `create`, or the create a registry call makes on its way (`served`: a migration's), whose client calls'
  // hook events name that call.
  private async createServing(
    input: CreateLiveStreamInput,
    options: RegistryCreateOptions | undefined,
    served: string | undefined,
  ): Promise<RoutedLiveStream> {
    // A migration's create is made once the migration has checked its signal: a signal fired since is the
    // target client's to report, as any other call it makes.
    if (served === undefined) {
      this.refuseAborted(options, 'create', () => {
        const requested = ownData(options, 'provider');
        return requested === undefined ? undefined : this.named(requested, 'create', 'options.provider');
      });
    }
    const { provider: requested, ...request } = callOptions<RegistryCreateOptions>(
      options,
      'create',
      createRules,
    );
    // Checked once here, so input every vendor would refuse never goes round the candidates.
    const valid = validateCreateInput(input);
    if (requested !== undefined) {
      const entry = this.named(requested, 'create', 'options.provider');
      const stream = await this.createOn(entry, valid, request, served);
      return this.routed(stream, entry, {
        provider: entry.name,
        by: 'requested',
        candidates: [entry.name],
        excluded: [],
        failedOver: [],
        reason: `${entry.name}: named by the caller`,
      });
    }
    const { candidates, excluded, by } = await this.candidatesFor(valid, request.signal);
    const failedOver: RoutingFailover[] = [];
    const fallbacks: Warning[] = [];
    for (const [index, entry] of candidates.entries()) {
      let stream: LiveStream;
      try {
        stream = await this.createOn(entry, valid, request, served);
      } catch (error) {
        const nothingMade = provesNothingMade(error);
        const next = candidates[index + 1];
        if (
          nothingMade === undefined ||
          this.routing.failover === false ||
          isCallerMistake(error) ||
          request.signal?.aborted
        ) {
          throw error;
        }
        failedOver.push({ provider: entry.name, delivery: nothingMade, error: error as UniliveError });
        if (next === undefined) break;
        const warning: Warning = {
          type: 'fallback',
          message: `${entry.name} failed without making the stream (${describeFailure(error as UniliveError)}); trying ${next.name}`,
        };
        fallbacks.push(warning);
        emit(this.hooks.onWarning, {
          provider: entry.providerId,
          providerName: entry.name,
          operation: served ?? 'create',
          warning,
        });
        continue;
      }
      const names = candidates.map((candidate) => candidate.name);
      const decision: RoutingDecision = {
        provider: entry.name,
        by,
        candidates: names,
        excluded,
        failedOver,
        reason: routingReason(entry.name, by, valid, failedOver, excluded),
      };
      const routed = this.routed(stream, entry, decision);
      if (fallbacks.length > 0) routed.warnings = [...(routed.warnings ?? []), ...fallbacks];
      return routed;
    }
    throw this.everyCandidateFailed(failedOver, excluded);
  }

  async get(reference: StreamReference, options?: RequestOptions): Promise<RegistryLiveStream> {
    return this.heard('get', () =>
      this.call(reference, 'get', options, (entry, id) => callee(entry).get(id, options)),
    );
  }

  list(options?: RegistryListOptions & ProviderListOptions): RegistryStreamList {
    return this.walk(options, 'list');
  }

  // The list option names each provider adds (`callOptionNames.list`), read once per entry: a client handed
  // in as it is may be one an application wrote, so anything but a list of names counts as none.
  readonly #listNames = new Map<Entry, readonly string[]>();
  listNamesOf(entry: Entry): readonly string[] {
    let names = this.#listNames.get(entry);
    if (names === undefined) {
      let provider: LiveStreamProvider | undefined;
      try {
        provider = callee(entry).provider;
      } catch {
        provider = undefined;
      }
      names =
        provider === undefined
          ? []
          : declaredCallOptionNames(provider, 'list').filter((name) => !Object.hasOwn(listOptionRules, name));
      this.#listNames.set(entry, names);
    }
    return names;
  }

  // The registry's list rules with every name some provider adds, taken as given for that provider to check.
  #listRules: Readonly<Record<string, OptionRule>> | undefined;
  private listRules(): Readonly<Record<string, OptionRule>> {
    if (this.#listRules === undefined) {
      const added = this.providers.flatMap((entry) => this.listNamesOf(entry));
      if (added.length === 0) this.#listRules = listOptionRules;
      else {
        // Without a prototype, so that any name is one of its own keys.
        const rules: Record<string, OptionRule> = Object.assign(Object.create(null), listOptionRules);
        for (const name of added) rules[name] = providerNameRule;
        this.#listRules = rules;
      }
    }
    return this.#listRules;
  }

  // The options one provider's walk is given: the list's own, and of the providers' names only its own.
  private listOptionsFor(entry: Entry, listOptions: ListOptions): ListOptions {
    const own = this.listNamesOf(entry);
    let given: Record<string, unknown> | undefined;
    for (const key of Object.keys(listOptions)) {
      if (Object.hasOwn(listOptionRules, key) || own.includes(key)) continue;
      given ??= { ...listOptions };
      delete given[key];
    }
    return (given as ListOptions | undefined) ?? listOptions;
  }

  // The walk of `list`, and of `findByName` (which names itself in errors about its options).
  // `search`: findByName's name, whose walk of each provider is strict (a stream it could not read fails it),
  // and where the failures of the providers skipped are kept.
  private walk(
    options: RegistryListOptions | undefined,
    operation: string,
    search?: { name: string; skipped: Array<{ error: unknown; entry: Entry }> },
  ): RegistryStreamList {
    const registry = this;
    // `list` is heard by `onError` when its walk fails; `findByName`'s walk is heard as `findByName` is.
    async function* walk(): AsyncGenerator<RegistryLiveStream> {
      try {
        yield* walkProviders();
      } catch (error) {
        const told = registry.refusalMasked(error);
        if (!search) registry.failed(operation, told);
        throw told;
      }
    }
    // What the walk checks before any provider is walked (the signal, the options, the providers named):
    // also all a `toArray({ limit: 0 })` does, which walks nothing but fails as the walk would.
    function begin() {
      // Read when the walk begins, before its options and the providers it names are checked.
      registry.refuseAborted(options, operation, () => registry.firstWalked(options, operation));
      const {
        providers: names,
        onProviderError = 'throw',
        ...listOptions
      } = callOptions<RegistryListOptions>(options, operation, registry.listRules());
      if (search) {
        listOptions.name = search.name;
        listOptions.strict = true;
      }
      // The list's own values are the same for every provider: a bad one is the caller's mistake, thrown
      // before any provider is walked, whatever `onProviderError` says.
      const issues = listOptionIssues(listOptions);
      if (issues.length > 0) throw callOptionsError(issues, { operation });
      // A name given twice is walked once, where it first appears: its references would all be yielded
      // already, and walking its account again would only repeat every page's request.
      const entries = names === undefined ? registry.providers : registry.namedAll(names, operation);
      return { onProviderError, listOptions, entries };
    }
    async function* walkProviders(): AsyncGenerator<RegistryLiveStream> {
      const { onProviderError, listOptions, entries } = begin();
      const seen = new Set<string>();
      for (const entry of entries) {
        let yielded = 0;
        try {
          // `findByName`'s walk is heard as `findByName` by the hooks, as its errors name it.
          const client = operation === 'list' ? callee(entry) : servingClient(callee(entry), operation);
          let record = 0;
          for await (const stream of client.list(registry.listOptionsFor(entry, listOptions))) {
            record += 1;
            // A client handed in as it is may be one an application wrote: a record with no id a reference
            // can carry is skipped (or the strict walk's error) as a client of this library skips it.
            // Read once into a plain copy: the provider's getters and Proxy traps run here, and only here.
            const read =
              typeof stream === 'object' && stream !== null ? readStream(stream, entry) : undefined;
            const problem =
              read === undefined
                ? recordProblem(stream)
                : 'unreadable' in read
                  ? unreadableRecord
                  : recordProblem(read.stream);
            const usable =
              problem === undefined && read !== undefined && 'stream' in read ? read.stream : undefined;
            if (usable === undefined) {
              refuseOrSkipRecord(
                problem ?? unreadableRecord,
                `${entry.name} ${operation}: record ${record} of the walk`,
                listOptions.strict === true,
                { provider: entry.providerId, operation, providerName: entry.name },
                (warning) =>
                  emit(registry.hooks.onWarning, {
                    provider: entry.providerId,
                    providerName: entry.name,
                    operation,
                    warning,
                  }),
              );
              continue;
            }
            const ref = formatStreamReference(entry.name, usable.id);
            if (seen.has(ref)) continue;
            seen.add(ref);
            // The rest of a page already fetched is not handed out once the caller has aborted.
            if (listOptions.signal?.aborted) {
              throw new AbortError({
                provider: entry.providerId,
                operation,
                message: abortedMessage(entry.providerId, operation),
                cause: listOptions.signal.reason,
                delivery: 'not-sent',
              });
            }
            yielded += 1;
            yield { ...usable, ref };
          }
        } catch (error) {
          // A provider refusing the list's options is the caller's mistake, never skipped. Any other
          // failure is the provider's, its configuration's included (a credential no header can carry, a
          // setting read at call time): with 'skip' the other providers are still listed.
          const skip =
            onProviderError === 'skip' &&
            !refusesListOptions(error, registry.listNamesOf(entry)) &&
            !AbortError.isInstance(error) &&
            !listOptions.signal?.aborted;
          // Named for the call the caller made: `findByName` walks through each client's `list`.
          if (!skip) throw annotate(servedAs(error, operation), entry);
          search?.skipped.push({ error, entry });
          const masked = maskedFailure(error, redactorOf(entry));
          emit(registry.hooks.onWarning, {
            provider: entry.providerId,
            providerName: entry.name,
            operation,
            warning: {
              type: 'skipped-provider',
              message: `${entry.name} failed after ${yielded} stream(s) and was skipped: ${describeFailure(masked)}`,
            },
          });
        }
      }
    }
    return {
      [Symbol.asyncIterator]: () => walk(),
      async toArray(arrayOptions?: { limit?: number }) {
        const { limit = Number.POSITIVE_INFINITY } = readOptions<{ limit?: number }>(
          arrayOptions,
          { limit: limitRule },
          { operation: 'list', path: 'options' },
        );
        const streams: RegistryLiveStream[] = [];
        if (limit <= 0) {
          try {
            begin();
          } catch (error) {
            const told = registry.refusalMasked(error);
            if (!search) registry.failed(operation, told);
            throw told;
          }
          return streams;
        }
        for await (const stream of walk()) {
          streams.push(stream);
          if (streams.length >= limit) break;
        }
        return streams;
      },
    };
  }

  async update(
    reference: StreamReference,
    patch: UpdateLiveStreamInput,
    options?: RequestOptions,
  ): Promise<RegistryLiveStream> {
    return this.heard('update', () =>
      this.call(reference, 'update', options, (entry, id) => callee(entry).update(id, patch, options)),
    );
  }

  delete(reference: StreamReference, options?: RequestOptions): Promise<void> {
    return this.heard('delete', async () => {
      this.refuseAborted(options, 'delete', () => this.resolve(reference, 'delete').entry);
      const { entry, id } = this.resolve(reference, 'delete');
      try {
        await callee(entry).delete(id, options);
      } catch (error) {
        throw annotate(error, entry);
      }
    });
  }

  async start(reference: StreamReference, options?: StartRequestOptions): Promise<RegistryLiveStream> {
    return this.heard('start', () =>
      this.call(reference, 'start', options, (entry, id) => callee(entry).start(id, options)),
    );
  }

  async stop(reference: StreamReference, options?: RequestOptions): Promise<RegistryLiveStream> {
    return this.heard('stop', () =>
      this.call(reference, 'stop', options, (entry, id) => callee(entry).stop(id, options)),
    );
  }

  async waitForState(
    reference: StreamReference,
    state: LiveStreamState | readonly LiveStreamState[],
    options?: Parameters<LiveStreamClient['waitForState']>[2],
  ): Promise<RegistryLiveStream> {
    return this.heard('waitForState', () =>
      this.call(reference, 'waitForState', options, (entry, id) =>
        callee(entry).waitForState(id, state, options),
      ),
    );
  }

  async waitForBroadcast(
    reference: StreamReference,
    options?: Parameters<LiveStreamClient['waitForBroadcast']>[1],
  ): Promise<RegistryLiveStream> {
    return this.heard('waitForBroadcast', () =>
      this.call(reference, 'waitForBroadcast', options, (entry, id) =>
        callee(entry).waitForBroadcast(id, options),
      ),
    );
  }

  findByName(name: string, options: RegistryListOptions = {}): Promise<RegistryLiveStream[]> {
    return this.heard('findByName', () => this.findByNameUnheard(name, options));
  }

  private async findByNameUnheard(name: string, options: RegistryListOptions): Promise<RegistryLiveStream[]> {
    this.refuseAborted(options, 'findByName', () => this.firstWalked(options, 'findByName'));
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidInputError({
        operation: 'findByName',
        message: 'Invalid input for findByName: name: expected a non-empty string',
        issues: [{ path: 'name', message: 'expected a non-empty string' }],
        delivery: 'not-sent',
      });
    }
    const found: RegistryLiveStream[] = [];
    const search = { name, skipped: [] as Array<{ error: unknown; entry: Entry }> };
    for await (const stream of this.walk(options, 'findByName', search))
      if (stream.name === name) found.push(stream);
    // "None" is said only when every provider was searched whole: a provider skipped with 'skip' may hold
    // the stream, so its failure is thrown rather than an empty answer a caller would create again on.
    const [first] = search.skipped;
    if (found.length === 0 && first !== undefined)
      throw annotate(servedAs(first.error, 'findByName'), first.entry);
    return found;
  }

  planMigration(reference: StreamReference, options: MigrationOptions): Promise<MigrationPlan> {
    return this.heard('planMigration', () => this.planMigrationUnheard(reference, options));
  }

  private async planMigrationUnheard(
    reference: StreamReference,
    options: MigrationOptions,
  ): Promise<MigrationPlan> {
    // Its errors and its read's hook events name the call the caller made, `planMigration`, not the
    // `migrate` it plans: an error naming a call the caller did not make misleads.
    const operation = 'planMigration';
    this.refuseAborted(options, operation, () => this.resolve(reference, operation).entry);
    try {
      const checked = callOptions<MigrationOptions>(options, operation, migrationRules);
      return (await this.plan(reference, checked, operation)).plan;
    } catch (error) {
      throw servedOperation(error, operation);
    }
  }

  private async plan(
    reference: StreamReference,
    options: MigrationOptions,
    operation: 'migrate' | 'planMigration',
  ): Promise<{ plan: MigrationPlan; source: Entry; overrides: Partial<CreateLiveStreamInput> }> {
    const { entry: source, id } = this.resolve(reference, operation);
    const target = this.named(ownValue(options, 'to'), operation, 'options.to');
    if (target === source) {
      throw callOptionsError(
        [{ path: 'options.to', message: `expected a provider other than the source's (${source.name})` }],
        { operation },
      );
    }
    const { to: _to, input: given, ...request } = options;
    // The caller's fields are read once, and checked before the source is read: a field no input has
    // (`bogus`) or a value of the wrong type sends nothing. The input merged with the source's fields is
    // checked whole below.
    // Only own fields are read, so an input of another kind (a Map, `Object.create(defaults)`, a class's
    // getters) would be taken for none and the source's fields created unasked: refused naming its kind,
    // as `create` refuses it.
    const kind = given === undefined ? undefined : plainObjectProblem(given);
    if (kind !== undefined) throw invalidInput([{ path: 'input', message: kind }], { operation });
    const overrides = readOwnData(given ?? {}, 'input', { operation }) as Partial<CreateLiveStreamInput>;
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    // A stand-in name where the input gives none: the source's comes with its read.
    validateCreateInput({ name: 'migrated', ...defined }, undefined, operation);
    let stream: LiveStream;
    try {
      // Its read is heard by the hooks as the call that made it (`migrate`, or `planMigration` called by the
      // caller), as its errors name it.
      stream = await servingClient(callee(source), operation).get(id, request);
    } catch (error) {
      throw annotate(error, source);
    }
    // A provider from outside this repository may answer a read with nothing, or with a stream whose
    // fields the plan cannot read: a typed error naming the source, before anything is created.
    const current = withRef(
      migrationSource(checkedStream(stream, source, operation), source, operation),
      source.name,
    );
    const { input, warnings } = planMigrationInput(
      current,
      source.capabilities,
      { name: target.name, capabilities: target.capabilities },
      overrides,
    );
    // What the caller's own fields make of the input is checked now, before anything is created.
    return {
      // A plain copy of the validated input: it is printed and shown, and reads as an ordinary object.
      plan: {
        source: current,
        to: target.name,
        input: { ...validateCreateInput(input, undefined, operation) },
        warnings,
      },
      source,
      overrides,
    };
  }

  migrate(reference: StreamReference, options: MigrateOptions): Promise<MigrationResult> {
    return this.heard('migrate', () => this.migrateUnheard(reference, options));
  }

  private async migrateUnheard(
    reference: StreamReference,
    options: MigrateOptions,
  ): Promise<MigrationResult> {
    this.refuseAborted(options, 'migrate', () => this.resolve(reference, 'migrate').entry);
    // Every error of a migration names `migrate`, whichever client call inside it failed (the source's read,
    // the target's create, the source's stop or delete); its message says which.
    try {
      return await this.migrateUnnamed(reference, options);
    } catch (error) {
      throw servedOperation(error, 'migrate');
    }
  }

  private async migrateUnnamed(
    reference: StreamReference,
    options: MigrateOptions,
  ): Promise<MigrationResult> {
    // Every option is checked before anything is read or created: a `deleteSource: 'false'` must not
    // delete, and a bad `stopTimeoutMs` must not surface only once the new stream exists.
    const {
      deleteSource = false,
      stopTimeoutMs = 60_000,
      ...planOptions
    } = callOptions<MigrateOptions>(options, 'migrate', migrateRules);
    const { entry: sourceEntry, id: sourceId } = this.resolve(reference, 'migrate');
    const migrating = `${sourceEntry.name}:${sourceId}`;
    if (this.migrating.has(migrating)) {
      throw new ConflictError({
        provider: sourceEntry.providerId,
        // Which account, as every error of the registry's says: two accounts of one vendor share `provider`.
        providerName: sourceEntry.name,
        operation: 'migrate',
        message: `${migrating} is being migrated by another call of this registry: wait for it to end (its result has the new stream), rather than create a second one`,
        delivery: 'not-sent',
      });
    }
    this.migrating.add(migrating);
    try {
      return await this.migrateSource(reference, deleteSource, stopTimeoutMs, planOptions);
    } finally {
      this.migrating.delete(migrating);
    }
  }

  private async migrateSource(
    reference: StreamReference,
    deleteSource: boolean,
    stopTimeoutMs: number,
    planOptions: Omit<MigrateOptions, 'deleteSource' | 'stopTimeoutMs'>,
  ): Promise<MigrationResult> {
    const { plan, source, overrides } = await this.plan(reference, planOptions, 'migrate');
    const { to: _to, input: _input, ...request } = planOptions;
    const carried: Warning[] = [];
    let stream: RoutedLiveStream;
    try {
      stream = await this.createServing(plan.input, { ...request, provider: plan.to }, 'migrate');
    } catch (error) {
      // A source that does not record, moved to a vendor from outside this repository that records every
      // stream without saying so (`alwaysRecords`, which the plan reads): it refused `recording: false`
      // before sending anything, so the stream is created once more without it.
      if (!refusedRecordingOff(error, plan.input, overrides)) throw error;
      const { recording: _recording, ...recorded } = plan.input;
      stream = await this.createServing(recorded, { ...request, provider: plan.to }, 'migrate');
      carried.push(recordsAnyway(plan.to));
    }
    const warnings = [...plan.warnings, ...carried, ...(stream.warnings ?? [])];
    const result: MigrationResult = { source: plan.source, stream, warnings, sourceDeleted: false };
    // The migration's own warnings reach `onWarning` as the registry's others do (the new stream's own were
    // heard from its client's create): what was not carried, named for the target; what became of the
    // source, named for it. An application that watches only its hooks learns of a source left running.
    const target = this.named(plan.to, 'migrate', 'options.to');
    const heard = (about: Entry, warning: Warning) =>
      emit(this.hooks.onWarning, {
        provider: about.providerId,
        providerName: about.name,
        operation: 'migrate',
        warning,
      });
    for (const warning of [...plan.warnings, ...carried]) heard(target, warning);
    if (!deleteSource) return result;
    // What the source's retirement has done, for an abort met in it.
    const retired: Retirement = { stopped: false, step: 'stop-source' };
    try {
      await this.retire(source, plan.source, request, stopTimeoutMs, retired);
      result.sourceDeleted = true;
    } catch (error) {
      // The caller's signal: the call ends in AbortError, never in a result that hides it in `sourceError`,
      // and the abort says what exists, as every abort after an accepted part of a change does.
      if (AbortError.isInstance(error)) throw this.abortAfterCreate(error, source, plan.to, stream, retired);
      // Gone already (deleted elsewhere since it was read): what the caller asked for holds.
      if (NotFoundError.isInstance(error)) {
        result.sourceDeleted = true;
        const gone: Warning = {
          type: 'other',
          setting: 'deleteSource',
          message: `the source ${plan.source.ref} was already gone when it was to be deleted (the vendor answered not found)`,
        };
        warnings.push(gone);
        heard(source, gone);
        return result;
      }
      const annotated = annotate(servedOperation(error, 'migrate'), source);
      if (UniliveError.isInstance(annotated)) result.sourceError = annotated;
      // Where it stopped: a source whose stop failed, or whose wait before or after the stop ran out, was
      // never deleted and may still be taking video (and be billed), which "could not be deleted" hides.
      const where =
        retired.step === 'delete-source'
          ? 'could not be deleted'
          : retired.stopped
            ? 'was stopped but not seen stopped in time, so it was not deleted'
            : 'could not be stopped, so it was not deleted and may still be live';
      const left: Warning = {
        type: 'other',
        setting: 'deleteSource',
        message: `the new stream ${stream.ref} exists, but the source ${plan.source.ref} ${where}: ${describeFailure(annotated)}`,
      };
      warnings.push(left);
      heard(source, left);
    }
    return result;
  }

  // Stops a running source first: vendors such as Wowza refuse to delete a started stream, and a stream
  // that is live should stop before it goes. One still starting (or resetting) is waited for first: Wowza
  // Video, videosdk and the memory provider refuse to stop a stream before its start completes, and the
  // source, once started, would stay live beside the new stream. One stopping is waited for until stopped.
  // Every wait shares `stopTimeoutMs`. `retired` follows where it is, for an abort met on the way.
  private async retire(
    entry: Entry,
    source: RegistryLiveStream,
    request: RequestOptions,
    stopTimeoutMs: number,
    retired: Retirement,
  ): Promise<void> {
    const client = servingClient(callee(entry), 'migrate');
    // The waits share `stopTimeoutMs`, and only they spend it: a stop request slow to answer (bounded by the
    // source's own time limits) leaves the wait after it what the waits have not used, not what is left of
    // a clock that ran through the stop.
    let left = stopTimeoutMs;
    const waitFor = async (states: LiveStreamState[]) => {
      const started = monotonicClock();
      try {
        return await client.waitForState(source.id, states, {
          timeoutMs: Math.max(1, Math.ceil(left)),
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } finally {
        left -= monotonicClock() - started;
      }
    };
    let state = source.state;
    if (entry.capabilities.stop && settlingStates.includes(state)) {
      retired.step = 'wait-start';
      state = (await waitFor(['ready', 'stopped', 'disabled'])).state;
    }
    // One stopping may come back (a vendor that restarts it): it is then stopped as a ready one is.
    if (state === 'stopping' && entry.capabilities.stop) {
      retired.step = 'wait';
      state = (await waitFor(['stopped', 'disabled', 'ready'])).state;
    }
    if (state === 'ready' && entry.capabilities.stop) {
      retired.step = 'stop-source';
      try {
        await client.stop(source.id, request);
      } catch (error) {
        // An abort met once the vendor accepted the stop (while the stop read the stream back) says so:
        // the stop holds, as the same abort of a `stop` call reports it.
        if (AbortError.isInstance(error) && error.applied?.includes('stop') === true) retired.stopped = true;
        throw error;
      }
      retired.stopped = true;
      retired.step = 'wait';
      await waitFor(['stopped', 'disabled']);
    }
    retired.step = 'delete-source';
    await client.delete(source.id, request);
  }

  /**
   * The `AbortError` of a migration whose signal fired after the new stream was created, while the source
   * was stopped, waited for or deleted: named for the target (its provider, `providerName`; `streamId` the
   * new stream's vendor id there, `maybeCreated: true`), as core's `abortAfterAcceptedChange` builds every
   * abort after an accepted part. Parts: `create` (applied), `stop-source` (applied once the stop was
   * accepted; only for a source that was running), `delete-source`; the step whose request the abort cut
   * off (`delivery: 'unknown'`) is `unknown`, the steps never sent `notApplied`. The cause is masked by the
   * source's secrets and the target's.
   */
  private abortAfterCreate(
    abort: AbortError,
    sourceEntry: Entry,
    to: string,
    stream: RoutedLiveStream,
    retired: Retirement,
  ): unknown {
    const target = this.byName.get(to) as Entry;
    const steps = [
      ...(retired.stopped || retired.step === 'stop-source' || retired.step === 'wait-start'
        ? ['stop-source']
        : []),
      'delete-source',
    ];
    const applied = ['create', ...(retired.stopped ? ['stop-source'] : [])];
    // A wait (for the start to complete, or between stop and delete) is no change: an abort there cut
    // nothing off.
    const cut =
      retired.step !== 'wait' && retired.step !== 'wait-start' && abort.delivery === 'unknown'
        ? retired.step
        : undefined;
    const rest = steps.filter((step) => !applied.includes(step));
    const error = abortAfterAcceptedChange({
      provider: target.providerId,
      operation: 'migrate',
      streamId: stream.id,
      applied,
      unknown: rest.filter((step) => step === cut),
      notApplied: rest.filter((step) => step !== cut),
      cause: abort.cause,
    });
    return annotate(maskedFailure(error, redactorOf(sourceEntry)), target, true);
  }

  private async createOn(
    entry: Entry,
    input: CreateLiveStreamInput,
    request: RequestOptions,
    served: string | undefined,
  ) {
    const client = served === undefined ? callee(entry) : servingClient(callee(entry), served);
    let stream: LiveStream;
    try {
      stream = await client.create(input, request);
    } catch (error) {
      throw annotate(error, entry, mayHaveCreated(error));
    }
    return checkedStream(stream, entry, 'create');
  }

  private routed(stream: LiveStream, entry: Entry, routing: RoutingDecision): RoutedLiveStream {
    return { ...withRef(stream, entry.name), routing };
  }

  private async candidatesFor(input: CreateLiveStreamInput, signal: AbortSignal | undefined) {
    const fitting: Entry[] = [];
    const excluded: RoutingExclusion[] = [];
    for (const entry of this.order) {
      const lacks = routingGaps(entry.capabilities, input);
      if (lacks.length === 0) fitting.push(entry);
      else excluded.push({ provider: entry.name, lacks });
    }
    if (fitting.length === 0) throw noCandidate(excluded);
    const { choose } = this.routing;
    if (!choose) return { candidates: fitting, excluded, by: 'order' as const };
    const offered: readonly RoutingCandidate[] = frozenCopy(
      fitting.map(({ name, providerId, capabilities }) => ({ name, providerId, capabilities })),
    );
    const names = fitting.map((entry) => entry.name);
    let chosen: string | unknown[] | ChoiceMisfit;
    try {
      chosen = await askChoose(choose, offered, frozenCopy(input), signal, names.length);
    } catch (error) {
      // What `choose` threw (its cause) or the signal's reason: the caller's code, which may have read
      // any provider's credentials (a quota service asked with the same account keys).
      throw this.maskedByAll(error);
    }
    const list = typeof chosen === 'string' ? [chosen] : Array.isArray(chosen) ? chosen : [];
    const problem =
      'misfit' in Object(chosen) ? (chosen as ChoiceMisfit).misfit : choiceProblem(list, names, this.byName);
    if (problem !== undefined) {
      throw new InvalidInputError({
        operation: 'create',
        message: `routing.choose returned no usable choice (${problem}): expected one or more of ${names.join(', ')}, each once`,
        issues: [
          { path: 'routing.choose', message: `expected one or more of ${names.join(', ')}, each once` },
        ],
        delivery: 'not-sent',
        // Nothing was asked of any provider, as when `choose` throws.
        maybeCreated: false,
      });
    }
    const first = list.map((name) => fitting.find((entry) => entry.name === name) as Entry);
    const candidates =
      typeof chosen === 'string' ? [...first, ...fitting.filter((entry) => entry.name !== chosen)] : first;
    return { candidates, excluded, by: 'choose' as const };
  }

  private everyCandidateFailed(failedOver: RoutingFailover[], excluded: RoutingExclusion[]): unknown {
    // Every candidate refused this input before sending: together with those left out, no provider takes it.
    if (failedOver.every((failure) => InvalidInputError.isInstance(failure.error))) {
      return noCandidate([
        ...excluded,
        ...failedOver.map((failure) => ({
          provider: failure.provider,
          lacks: (failure.error as InvalidInputError).issues.map(
            (issue) => `${issue.path} (${issue.message})`,
          ),
        })),
      ]);
    }
    const last = failedOver.at(-1);
    return last?.error;
  }

  private named(name: unknown, operation: string, path: string): Entry {
    const entry = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (entry) return entry;
    const known = this.providers.map((provider) => provider.name).join(', ');
    // A name given in a call's options (`options.provider`, `options.to`, `options.providers.1`) is named as
    // every call option is; one given as an argument (`client(name)`, a reference) as before.
    if (path.startsWith('options.'))
      throw callOptionsError([{ path, message: `expected one of ${known}` }], { operation });
    throw new InvalidInputError({
      operation,
      message: `Invalid input for ${operation}: ${path}: unknown provider name; the registry has ${known}`,
      issues: [{ path, message: `expected one of ${known}` }],
      delivery: 'not-sent',
    });
  }

  // The entries `providers` names, each once, where it first appears. Read once by core's one reader of
  // caller lists: a hole (`[, 'a']`) is no name; a list whose reading throws is refused naming `providers`
  // (or the entry's place, `providers.1`), what was thrown as `cause`, never a TypeError of the walk's own.
  private namedAll(names: unknown, operation: string): Entry[] {
    const read = readCallerList(names, maxWalkedNames);
    if (!('list' in read)) {
      const path =
        read.problem === 'threw' ? unreadableListPath('options.providers', read.index) : 'options.providers';
      const message =
        read.problem === 'threw'
          ? unreadableText
          : read.problem === 'too-long'
            ? `expected at most ${maxWalkedNames.toLocaleString('en-US')} provider names`
            : 'expected an array of provider names';
      // What a read of the list threw (the cause) is masked by every provider's secrets.
      throw this.maskedByAll(
        callOptionsError([{ path, message }], {
          operation,
          ...(read.problem === 'threw' ? { cause: read.cause } : {}),
        }),
      );
    }
    const entries = new Set<Entry>();
    read.list.forEach((name, index) => {
      entries.add(this.named(name, operation, `options.providers.${index}`));
    });
    return [...entries];
  }

  // A signal already aborted when a registry call is made ends it first, as a client's call
  // (`docs/decisions/2026-12-01-aborted-signal-first.md`): before its reference, input, options or the
  // provider names they hold are checked, before routing, before any client is asked anything. Named for the
  // provider the call would reach first when that is known without a doubt (a well-formed reference's, the
  // `provider` a create names, the first a walk would walk), as that provider's client named it; else for
  // none. Its cause is masked by every provider's secrets: no one provider's client has seen it.
  private refuseAborted(options: unknown, operation: string, reached?: () => Entry | undefined): void {
    const reason = abortedReason(options);
    if (reason === notAborted) return;
    let entry: Entry | undefined;
    try {
      entry = reached?.();
    } catch {
      entry = undefined;
    }
    const error = new AbortError({
      ...(entry ? { provider: entry.providerId, providerName: entry.name } : {}),
      operation,
      message: abortedMessage(entry?.providerId, operation),
      cause: reason,
      delivery: 'not-sent',
      ...(operation === 'create' ? { maybeCreated: false } : {}),
    });
    throw this.maskedByAll(error);
  }

  // An error no one provider's client has seen (an abort reason, what `routing.choose` threw), masked by
  // every provider's secrets.
  private maskedByAll(error: unknown): unknown {
    return this.providers.reduce<unknown>((masked, each) => maskedFailure(masked, redactorOf(each)), error);
  }

  // The provider a walk with these options walks first, when its `providers` (a plain value) names known ones.
  private firstWalked(options: unknown, operation: string): Entry | undefined {
    const names = ownData(options, 'providers');
    if (names === undefined) return this.providers[0];
    return Array.isArray(names) ? this.namedAll(names, operation)[0] : undefined;
  }

  private resolve(reference: StreamReference, operation: string): { entry: Entry; id: string } {
    let parsed: ReturnType<typeof parseReferenceAt>;
    try {
      parsed = parseReferenceAt(reference, operation);
    } catch (error) {
      // What a reference object's getter threw (its cause) is the caller's code, which may have read any
      // provider's credentials: masked by every provider's secrets.
      throw this.maskedByAll(error);
    }
    if (parsed.vendor) return { entry: this.servingVendor(parsed.provider, operation), id: parsed.id };
    return { entry: this.named(parsed.provider, operation, parsed.path), id: parsed.id };
  }

  // The entry a stream without `ref` belongs to (one a provider's own client returned): its `provider` is
  // the vendor's id, so the one entry of that vendor, whatever its name. Read as a name, a stream of the
  // account named `backup` would be acted on in the account named after the vendor, which may hold a
  // stream of the same id. Two entries of the vendor cannot be told apart: refused, before any request.
  private servingVendor(vendor: string, operation: string): Entry {
    const serving = this.providers.filter((entry) => entry.providerId === vendor);
    if (serving.length === 1) return serving[0] as Entry;
    if (serving.length === 0) return this.named(vendor, operation, 'reference.provider');
    const names = serving.map((entry) => entry.name);
    throw new InvalidInputError({
      operation,
      message: `Invalid input for ${operation}: reference.provider: a stream without its ref names its vendor, ${vendor}, which ${names.length} providers of this registry serve (${names.join(', ')}); pass its reference ("<name>${referenceSeparator}<id>") or the stream the registry returned, which carries one`,
      issues: [
        {
          path: 'reference.provider',
          message: `expected a stream's ref: ${vendor} is served by ${names.join(', ')}`,
        },
      ],
      delivery: 'not-sent',
    });
  }

  private async call(
    reference: StreamReference,
    operation: string,
    options: unknown,
    run: (entry: Entry, id: string) => Promise<LiveStream>,
  ): Promise<RegistryLiveStream> {
    this.refuseAborted(options, operation, () => this.resolve(reference, operation).entry);
    const { entry, id } = this.resolve(reference, operation);
    let stream: LiveStream;
    try {
      stream = await run(entry, id);
    } catch (error) {
      throw annotate(error, entry);
    }
    return withRef(checkedStream(stream, entry, operation), entry.name);
  }
}

// An own data property's value, read without running a getter or a Proxy's traps the caller wrote (a Proxy's
// `getOwnPropertyDescriptor` trap may still throw: the caller handles that).
function ownData(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}

function withRef(stream: LiveStream, name: string): RegistryLiveStream {
  return { ...stream, ref: formatStreamReference(name, stream.id) };
}

function noCandidate(excluded: readonly RoutingExclusion[]): InvalidInputError {
  const listed = excluded.map((entry) => `${entry.provider} lacks ${entry.lacks.join(', ')}`).join('; ');
  return new InvalidInputError({
    operation: 'create',
    message: `No provider can take this input: ${listed}`,
    issues: excluded.map((entry) => ({
      path: `providers.${entry.provider}`,
      message: `lacks ${entry.lacks.join(', ')}`,
    })),
    delivery: 'not-sent',
    maybeCreated: false,
  });
}

// An InvalidInputError about one of the list's options (`pageSize`, `timeoutMs`…): a provider's own limit on
// them, beyond what every provider takes, which the registry checked before walking; or about one of the
// list options the provider adds (`providerNames`: Wowza Video's `details`), whose value only it checks.
// What a provider threw is read without trusting it: a value marked as an `InvalidInputError` (by another copy
// of core, or an outside adapter) may lack `issues`, hold odd ones or throw on any read. Only issues that
// name one of the list's own options make it the caller's mistake; anything unreadable is the provider's.
function refusesListOptions(error: unknown, providerNames: readonly string[]): boolean {
  if (!InvalidInputError.isInstance(error)) return false;
  try {
    const issues: unknown = error.issues;
    return (
      Array.isArray(issues) &&
      issues.some((issue: unknown) => {
        const path =
          typeof issue === 'object' && issue !== null ? (issue as { path?: unknown }).path : undefined;
        // `options.pageSize`, and the bare `pageSize` of an adapter built on an earlier core.
        const name = typeof path === 'string' ? path.replace(/^options\./, '').split('.', 1)[0] : undefined;
        return (
          name !== undefined &&
          name !== '' &&
          (Object.hasOwn(listRequestRules, name) || providerNames.includes(name))
        );
      })
    );
  } catch {
    return false;
  }
}

function describeFailure(error: unknown): string {
  if (!UniliveError.isInstance(error))
    return isInstanceOf(error, Error) ? thrownKind(error) : 'an unknown failure';
  try {
    const status = error.status === undefined ? '' : ` ${String(error.status)}`;
    const delivery = error.delivery ? `, ${String(error.delivery)}` : '';
    return `${String(error.name)}${status}${delivery}: ${String(error.message)}`;
  } catch {
    // Marked as one of our errors, but its fields throw when read.
    return 'an error whose fields could not be read';
  }
}

function routingReason(
  name: string,
  by: RoutingDecision['by'],
  input: CreateLiveStreamInput,
  failedOver: readonly RoutingFailover[],
  excluded: readonly RoutingExclusion[],
): string {
  const needs = [
    input.ingestProtocol ? `${input.ingestProtocol} ingest` : undefined,
    input.lowLatency ? 'low latency' : undefined,
    input.recording ? 'recording' : undefined,
    (input.restream?.length ?? 0) > 0 ? 'restream' : undefined,
    input.region !== undefined ? 'a region' : undefined,
  ].filter((need): need is string => need !== undefined);
  const fits = needs.length > 0 ? `takes ${needs.join(', ')}` : 'fits';
  const how = by === 'choose' ? 'routing.choose put it first' : 'first in the routing order';
  const after =
    failedOver.length > 0
      ? `, after ${failedOver.map((failure) => `${failure.provider} (${failure.error.name}, ${failure.delivery})`).join(', ')} made nothing`
      : '';
  const left =
    excluded.length > 0
      ? `; left out: ${excluded.map((entry) => `${entry.provider} (lacks ${entry.lacks.join(', ')})`).join(', ')}`
      : '';
  return `${name}: ${how} that ${fits}${after}${left}`;
}

// Options of a registry call: an object or nothing (`null`, a string or an array is an InvalidInputError
// before any request), read from its own properties. `rules` name every option the call takes, the
// registry's own and the client's, so a misspelt one is refused here naming the nearest of all of them;
// the client's (signal, deadlines, paging) go on to the client, which checks them again.
function callOptions<T extends object>(
  value: unknown,
  operation: string,
  rules: Readonly<Record<string, OptionRule>>,
): T {
  // The copy readOptions made as it checked them, each option read once: every own name, one defined
  // non-enumerable too (a `provider` so defined is the caller's choice of account, never dropped for the
  // routing order), so a getter answering one thing to the check and another after cannot pass.
  const fields = readOptions<T>(value, rules, { operation, path: 'options' });
  // A time limit no call can take is the caller's mistake on every provider: refused here as a client would
  // refuse it, rather than tried on each candidate of a create and reported as what each lacks.
  // (Its `signal`'s type is the options' rule's to check.)
  refuseCallOptionValues(undefined, operation, ownValue(fields, 'timeoutMs'), undefined);
  return fields;
}

// Checked where it is used (the provider named, the plan's target), with its own message.
const providerName: OptionRule = { check: () => true, expected: 'a provider name' };

// Each table is built by a call marked pure, so that a bundle which never creates a registry drops it: a
// bundler keeps an unused top-level object spread or property read (either may run a getter), not the call.
const createRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...requestRules,
  provider: providerName,
}))();

const listOptionRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...listRequestRules,
  providers: listRule,
  onProviderError: {
    check: (value: unknown) => value === 'throw' || value === 'skip',
    expected: "'throw' or 'skip'",
  },
}))();

const migrationRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...requestRules,
  to: providerName,
  input: optionRules.object,
}))();

// The longest wait a platform timer takes (2^31 - 1 ms), as `waitForState` accepts.
const longestWaitMs = 2_147_483_647;

/** Where a migration's retirement of its source is: the step under way, and whether the stop was accepted. */
// Why a `routing.choose` answer is no usable choice, or undefined when it is one. A name is quoted only
// when it is one of the registry's (the caller's code may answer anything).
function choiceProblem(
  list: readonly unknown[],
  fitting: readonly string[],
  all: ReadonlyMap<string, unknown>,
): string | undefined {
  if (list.length === 0) return 'an empty list';
  for (const [index, name] of list.entries()) {
    if (typeof name !== 'string' || !all.has(name)) return 'a name no provider of the registry has';
    if (!fitting.includes(name)) return `"${name}", which does not fit the input`;
    if (list.indexOf(name) !== index) return `"${name}" twice`;
  }
  return undefined;
}

interface Retirement {
  stopped: boolean;
  step: 'wait-start' | 'stop-source' | 'wait' | 'delete-source';
}

const migrateRules: Readonly<Record<string, OptionRule>> = /* @__PURE__ */ (() => ({
  ...migrationRules,
  deleteSource: optionRules.boolean,
  stopTimeoutMs: {
    check: (value: unknown) =>
      typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= longestWaitMs,
    expected: `a whole number of milliseconds from 1 to ${longestWaitMs}`,
  },
}))();

// A copy `choose` may look at but not change: the candidates' capabilities are the registry's own and the
// input is the one already validated, so a callback that edits either would change later routing or send
// what was never checked. Plain objects and arrays are copied and frozen; other values are kept as they are.
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map((item) => frozenCopy(item))) as T;
  if (typeof value === 'object' && value !== null) {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) {
      return Object.freeze(
        Object.fromEntries(
          Object.keys(value).map((key) => [key, frozenCopy((value as Record<string, unknown>)[key])]),
        ),
      ) as T;
    }
  }
  return value;
}

// Runs the caller's `choose`: what it throws becomes a typed error that says nothing was sent (its own
// error is the cause), and the caller's signal ends a choice that never settles. Its answer is read here
// too, inside the same wrapping (an array Proxy whose `length` or an index throws, a revoked Proxy), into a
// name or a plain list of what it held: a list longer than `most` (the candidates) is never a valid order
// (names are distinct), so it is answered empty, unread, and a hostile `length` cannot make it loop.
async function askChoose(
  choose: NonNullable<RoutingOptions['choose']>,
  candidates: readonly RoutingCandidate[],
  input: CreateLiveStreamInput,
  signal: AbortSignal | undefined,
  most: number,
): Promise<string | unknown[] | ChoiceMisfit> {
  const aborted = () =>
    new AbortError({
      operation: 'create',
      // No provider chosen yet: `delivery` and `maybeCreated` say nothing was sent or made.
      message: abortedMessage(undefined, 'create'),
      cause: signal?.reason,
      delivery: 'not-sent',
      maybeCreated: false,
    });
  if (signal?.aborted) throw aborted();
  const choice = (async () => choose(candidates, input))();
  let stopWaiting: (() => void) | undefined;
  const abort = new Promise<never>((_, reject) => {
    if (!signal) return;
    stopWaiting = () => reject(aborted());
    signal.addEventListener('abort', stopWaiting, once);
    // Fired by `choose` itself before its first await (a synchronous one's whole run): no event comes now.
    if (signal.aborted) stopWaiting();
  });
  try {
    const chosen: unknown = await Promise.race([choice, abort]);
    // A signal fired while `choose` decided ends the create here, whatever it chose: nothing has been sent
    // to the provider chosen, so the error names none (`create was aborted`, not that provider's client's).
    if (signal?.aborted) throw aborted();
    return readChoice(chosen, most);
  } catch (error) {
    // What `choose` throws once the signal fired (the signal's reason, its own error) is the abort too.
    if (signal?.aborted) throw AbortError.isInstance(error) ? error : aborted();
    const kind = thrownKind(error);
    throw new UniliveError({
      operation: 'create',
      message: `routing.choose failed (${kind}); nothing was sent: see cause`,
      cause: error,
      delivery: 'not-sent',
      maybeCreated: false,
    });
  } finally {
    if (stopWaiting) signal?.removeEventListener('abort', stopWaiting);
  }
}

// A choice as `askChoose` hands it on: a name as it is, a list copied by core's one reader of caller lists
// (each entry read once by index, no iterator), anything else an empty list (no usable choice). What a
// read threw is thrown again, inside `askChoose`'s wrapping: `routing.choose failed`, it as the cause.
function readChoice(chosen: unknown, most: number): string | unknown[] | ChoiceMisfit {
  if (typeof chosen === 'string') return chosen;
  const read = readCallerList(chosen, most);
  if ('list' in read) return read.list;
  if (read.problem === 'threw') throw read.cause;
  return {
    misfit: read.problem === 'too-long' ? 'more names than there are fitting candidates' : 'no list of names',
  };
}

// What `routing.choose` answered that is no list of names to read, and why.
interface ChoiceMisfit {
  misfit: string;
}

// Whether a migration's create failed only because the target cannot turn recording off, on a `false`
// carried over from the source rather than asked for in `input`: refused before sending, so nothing exists.
function refusedRecordingOff(
  error: unknown,
  input: CreateLiveStreamInput,
  overrides: Partial<CreateLiveStreamInput> | undefined,
): boolean {
  return (
    input.recording === false &&
    ownValue(overrides, 'recording') === undefined &&
    InvalidInputError.isInstance(error) &&
    error.delivery === 'not-sent' &&
    error.issues.length > 0 &&
    error.issues.every((issue) => issue.path === 'recording')
  );
}

// The clients handed to a registry as they are, each with its provider's redactor.
const givenClients = new WeakMap<LiveStreamClient, () => Redactor>();

// The secrets of the streams each client handed to a registry as it is has answered (see readStream).
const givenSecrets = new WeakMap<LiveStreamClient, SecretSet>();

// The clients handed to a registry as they are, each as the registry calls it: without its `onError`.
const quietClients = new WeakMap<LiveStreamClient, LiveStreamClient>();

// The client a registry calls for `entry`: the one it made, or the one handed to it, without its `onError`.
function callee(entry: Entry): LiveStreamClient {
  return quietClients.get(entry.client) ?? entry.client;
}

// What masks a provider's text for the registry: a client handed in as it is keeps following its provider's
// rotated secrets (see providerRedactorSource); a client this library made has masked them already.
/**
 * The hooks registered on `container` under `tokens.hooks`, read as a client reads them (own, known,
 * functions), or undefined when it has none. A container that is no container is left to the client's
 * check, which names it.
 */
export function containerHooks(container: DependencyContainer | undefined): HttpHooks | undefined {
  if (!containerRule.check(container)) return undefined;
  const given = container as DependencyContainer;
  return given.isRegistered(tokens.hooks, true)
    ? readHooks(given.resolve<HttpHooks>(tokens.hooks))
    : undefined;
}

/**
 * The hooks a registry hands the client it makes for the provider named `name`: each event carries that
 * name as `providerName`, so two accounts of one vendor are told apart in logs and metrics as their
 * errors are. What a hook returns is handed back (an `async` hook's rejection is caught where it is called).
 * @internal
 */
export function namedHooks(hooks: HttpHooks, name: string): HttpHooks {
  const named: HttpHooks = {};
  const wrap = <E extends object>(hook: ((event: E) => void) | undefined) =>
    typeof hook === 'function' ? (event: E) => hook({ ...event, providerName: name }) : undefined;
  const onRequest = wrap(hooks.onRequest);
  const onResponse = wrap(hooks.onResponse);
  const onRetry = wrap(hooks.onRetry);
  const onWarning = wrap(hooks.onWarning);
  if (onRequest) named.onRequest = onRequest;
  if (onResponse) named.onResponse = onResponse;
  if (onRetry) named.onRetry = onRetry;
  if (onWarning) named.onWarning = onWarning;
  return named;
}

/** A registry's hooks as its clients get them: all but `onError`, which the registry's calls raise. */
export function withoutOnError(hooks: HttpHooks): HttpHooks {
  const { onError: _onError, ...rest } = hooks;
  return rest;
}

function redactorOf(entry: Pick<Entry, 'client'>): Redactor {
  return givenClients.get(entry.client)?.() ?? providerRedactor(entry.client.provider);
}

// A stream from a client handed in as it is, its warnings masked by the provider's secrets as a client
// this library made masks them; any other stream as it is (masked by its client already).
function maskedAnswer(stream: LiveStream, entry: Entry): LiveStream {
  // Most answers carry no warning: nothing more is looked up for them.
  if (!hasWarnings(stream)) return stream;
  const redactor = givenClients.get(entry.client);
  return redactor ? withMaskedWarnings(stream, redactor()) : stream;
}

// The source of a migration as the plan reads it: the fields it carries over (name, recording, restream
// targets, the ingest protocol, what only the vendor has) of the neutral types, else a ResponseShapeError
// naming the first field that is not (`delivery: 'unknown'`: only the source was read).
function migrationSource(stream: LiveStream, entry: Entry, operation: string): LiveStream {
  const isList = (value: unknown) => isArrayValue(value);
  const isRecord = (value: unknown) => typeof value === 'object' && value !== null;
  const fields = stream as unknown as Record<string, unknown>;
  const checks: [string, string, (value: unknown) => boolean][] = [
    ['name', 'a string', (value) => value === undefined || typeof value === 'string'],
    ['recording', 'a boolean', (value) => value === undefined || typeof value === 'boolean'],
    [
      'restream',
      'a list of restream targets',
      (value) =>
        value === undefined ||
        (isList(value) &&
          (value as unknown[]).every(
            (target) =>
              isRecord(target) &&
              typeof ownValue(target, 'url') === 'string' &&
              typeof ownValue(target, 'streamKey') === 'string',
          )),
    ],
    [
      'ingest',
      'a list of ingest endpoints',
      (value) => isList(value) && (value as unknown[]).every(isRecord),
    ],
    ['providerDetails', 'an object', (value) => value === undefined || isRecord(value)],
  ];
  for (const [path, expected, fits] of checks) {
    let fine: boolean;
    try {
      fine = fits(ownValue(fields, path));
    } catch {
      fine = false;
    }
    if (fine) continue;
    throw new ResponseShapeError({
      provider: entry.providerId,
      operation,
      message: `${entry.providerId} ${operation}: the source stream cannot be migrated: ${path} (expected ${expected})`,
      issues: [{ path, expected }],
      delivery: 'unknown',
      providerName: entry.name,
    });
  }
  return stream;
}

// A provider's answer as the registry hands it on: a stream whose id can go in a reference. A third-party
// provider that resolves with nothing, or with an id that would make the reference ambiguous, is a typed
// error; after a create, the vendor may have made the stream all the same.
function checkedStream(stream: unknown, entry: Entry, operation: string): LiveStream {
  const isObject = typeof stream === 'object' && stream !== null;
  const created = operation === 'create';
  const mayExist = created ? '; the stream may exist: look for it with findByName or list' : '';
  const read = isObject ? readStream(stream, entry) : undefined;
  if (read !== undefined && 'unreadable' in read) {
    // A getter or a Proxy trap of the provider's threw: what it threw is the cause, masked by its secrets.
    throw maskedFailure(
      new ResponseShapeError({
        provider: entry.providerId,
        operation,
        message: `${entry.providerId} ${operation}: the provider answered a stream that ${unreadableText}${mayExist}`,
        issues: [{ path: '$', expected: 'a stream object' }],
        delivery: 'unknown',
        providerName: entry.name,
        cause: read.unreadable,
        ...(created ? { maybeCreated: true } : {}),
      }),
      redactorOf(entry),
    );
  }
  const problem = read !== undefined ? idProblem(read.stream.id) : 'expected a stream object';
  if (problem === undefined && read !== undefined) return read.stream;
  throw new ResponseShapeError({
    provider: entry.providerId,
    operation,
    message: `${entry.providerId} ${operation}: the provider answered without a usable stream (id: ${problem})${mayExist}`,
    issues: [{ path: isObject ? 'id' : '$', expected: isObject ? 'a stream id' : 'a stream object' }],
    delivery: 'unknown',
    providerName: entry.name,
    ...(created ? { maybeCreated: true } : {}),
  });
}

// A provider's stream read once into a plain object of its own fields, its warnings masked (`maskedAnswer`):
// what the registry copies and hands on afterwards runs none of the provider's getters or Proxy traps. One
// whose reads throw is `unreadable`, with what was thrown.
function readStream(stream: object, entry: Entry): { stream: LiveStream } | { unreadable: unknown } {
  try {
    const copy = { ...stream } as LiveStream;
    holdGiven(copy, entry);
    return { stream: maskedAnswer(copy, entry) };
  } catch (error) {
    return { unreadable: error };
  }
}

// What a stream answered by a client handed in as it is carries, held for that client's masking. A stream
// whose fields cannot be read teaches nothing, and fails nothing: its read is checked where it is used.
function holdGiven(stream: LiveStream, entry: Entry): void {
  const held = givenSecrets.get(entry.client);
  if (held === undefined || typeof stream.id !== 'string') return;
  try {
    held.holdStream(stream.id, streamSecrets(stream));
  } catch {
    // Nothing learned.
  }
}
