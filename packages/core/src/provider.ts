import type { ProviderCapabilities } from './capabilities.js';
import type { builtInProviderIds } from './config/names.js';
import type { HttpHooks } from './http/hooks.js';
import type { RequestGate } from './http/request-gate.js';
import type { RetryPolicy } from './http/retry-policy.js';
import type { LiveStream, LiveStreamState, ProviderId, RestreamTargetInput } from './live-stream.js';
import type { Clock, Sleep } from './runtime.js';

/**
 * The options each adapter takes in `providerOptions[<its id>]`, by operation. Empty in core: each adapter
 * package adds its own entry by module augmentation, so that once it is imported (a type-only import is
 * enough), `providerOptions[<its id>]` is typed and autocompleted, and a misspelled option fails to compile:
 *
 * ```ts
 * // acme-options.ts, in a third-party adapter (each adapter of this repository has its own such block)
 * export interface AcmeCreateOptions { latencyMode?: 'low' | 'normal' }
 * export interface AcmeUpdateOptions { latencyMode?: 'low' | 'normal' }
 *
 * declare module '@unilive/core' {
 *   interface ProviderOptionsRegistry {
 *     acme: { create: AcmeCreateOptions; update: AcmeUpdateOptions };
 *   }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: adapters fill it by declaration merging.
export interface ProviderOptionsRegistry {}

/**
 * The operations whose input takes `providerOptions`: create and update for every adapter, start for an
 * adapter whose vendor takes settings only when a stream starts (videosdk v2).
 */
export type ProviderOptionsOperation = 'create' | 'update' | 'start';

type BuiltInProviderId = (typeof builtInProviderIds)[number];

/**
 * `providerOptions` of a create or update, keyed by provider id: a registered adapter's own options (see
 * {@link ProviderOptionsRegistry}), or any fields for a built-in provider whose package is not imported (one
 * input may carry options for several vendors, each reading its own). An id that is neither fails to
 * compile (`wowzavideo`); from JavaScript or configuration, it is reported at run time as a warning naming
 * the known ids.
 */
export type ProviderOptions<Operation extends ProviderOptionsOperation = 'create'> = {
  [Id in keyof ProviderOptionsRegistry | BuiltInProviderId]?: Id extends keyof ProviderOptionsRegistry
    ? ProviderOptionsRegistry[Id] extends { [Key in Operation]: infer Options }
      ? Options | undefined
      : // An operation the adapter takes no options on: an empty object asks for nothing and is taken.
        Record<string, never> | undefined
    : Record<string, unknown> | undefined;
};

/**
 * Input of `create`, validated before any request: a plain object (an object literal, `JSON.parse`'s,
 * `Object.create(null)`'s), read from its own properties only. One made from another (`Object.create`) or
 * a class instance is an `InvalidInputError` naming its kind, as is a restream target of either kind.
 */
export interface CreateLiveStreamInput {
  /**
   * 1–200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7: the vendors
   * count characters, not what a reader sees as one); visible text, well-formed, with no control or
   * bidirectional override characters (a provider may allow fewer).
   */
  name: string;
  recording?: boolean | undefined;
  /** Mapped to the vendor's encoder or source choice. */
  ingestProtocol?: 'rtmp' | 'rtmps' | 'srt' | 'rtsp' | 'webrtc' | 'wowz' | undefined;
  /** Neutral region hint, mapped per vendor; see each provider page for the accepted values. */
  region?: string | undefined;
  lowLatency?: boolean | undefined;
  /**
   * Restream targets, at most 20, each once: a second target with the same `url` and `streamKey` (compared
   * as given, but for the letter case of the URL's scheme and host) is an `InvalidInputError` before any
   * request, naming the later copy (`restream.<index>`). On `update` the list is the whole set the stream
   * should end with. Their stream keys are credentials,
   * scrubbed from every error from the start.
   */
  restream?: readonly RestreamTargetInput[] | undefined;
  /**
   * Keyed by provider id; passed to that vendor's body after validation by its adapter. Typed per provider
   * once its adapter is imported (see {@link ProviderOptionsRegistry}). Plain objects only, at both levels:
   * a `Map`, a class instance or an array is an `InvalidInputError` naming it before any request.
   */
  providerOptions?: ProviderOptions<'create'> | undefined;
}

/** Input of `update`: any subset of the create input except the ingest protocol. */
export interface UpdateLiveStreamInput
  extends Partial<Omit<CreateLiveStreamInput, 'ingestProtocol' | 'providerOptions'>> {
  /** As on create, with the fields the vendor lets an update change. */
  providerOptions?: ProviderOptions<'update'> | undefined;
}

/**
 * What the client lends a provider for one call: its hooks, clock and sleep. Providers pass it to the
 * HTTP layer unchanged; a provider used without a client gets the defaults.
 */
export interface CallRuntime {
  hooks?: HttpHooks;
  clock?: Clock;
  sleep?: Sleep;
  /**
   * The client's concurrency and rate limit, shared by all its calls. Frozen (`createRequestGate` makes it
   * so), with its `acquire` and `pause`: a provider may use it, but replacing either throws in strict code,
   * so nothing handed one call's options can turn the limit off for the client's later calls.
   */
  gate?: RequestGate;
  /**
   * The latest time (epoch ms, by `clock`) the call may run to, set by a caller that bounds several calls
   * at once (`waitForState`, `waitForBroadcast`: their polls and the read of the whole stream that ends
   * them): every attempt and retry wait of the call ends by then.
   */
  deadline?: number;
  /**
   * The public operation the call serves, set by a caller that makes it as part of another (`waitForState`
   * polling `getStatus`): every error and hook event of its requests names this operation, and their
   * messages name the provider call (`wowza-video waitForState (status) failed (HTTP 503)`).
   */
  operation?: string;
}

/** Options every provider call takes. */
export interface CallOptions {
  /**
   * Aborts the call, including retries and waits, at once. A signal already aborted when a client's or a
   * registry's call is made ends it before anything else (its arguments, a registry's provider names and
   * references, the provider's own checks): `AbortError`, `delivery: 'not-sent'`, no request.
   */
  signal?: AbortSignal | undefined;
  /** Time limit for each HTTP attempt of this call, in milliseconds. */
  timeoutMs?: number | undefined;
  /**
   * Set by the client; see {@link CallRuntime}. A client's copy of the options is told by identity, not by
   * this property, and is frozen: what it holds cannot be changed by whatever it is handed (the copy, its
   * runtime, the runtime's hooks and each hook, the default clock and sleep, and the rate-limit gate with
   * its methods are all frozen; the caller's `signal` is the caller's own), and an object made from it
   * (`Object.create(copy)`) is not it. On a provider called directly, a `runtime` given here
   * is read as the caller's (a plain object), and the options around it are checked as any caller's are:
   * each of its names as the HTTP layer uses it (`clock` and `sleep` functions, `hooks` an object of
   * hooks, `gate` a request gate, `deadline` a number, `operation` one of unilive's operations), any
   * other value or name an `InvalidInputError` naming `options.runtime.<name>` before any request; a
   * `clock` whose reading is no finite number is refused so too, when the call starts.
   */
  runtime?: CallRuntime;
}

/** Options of `list`. */
export interface ListOptions extends CallOptions {
  /** Items asked for per vendor page (the adapter caps it at the vendor's maximum). */
  pageSize?: number | undefined;
  /**
   * What a stream the walk could not list does to it. Default `false`: the stream is skipped (or the walk
   * ends where the pages stop) and an `onWarning` event (`skipped-record`, `incomplete-list`) says which;
   * a second detail read lost in a row still ends the walk with that read's error. With `true` the first
   * one throws, each kind its own error:
   * - a record unilive cannot use (a page item with an id it would not put in a URL; details not JSON, cut
   *   to truncated JSON, or of another shape): `ResponseShapeError`;
   * - a list whose pages stop before the vendor's own count does (or at `maxPages`): `ResponseShapeError`;
   * - a detail read lost after its retries (Wowza Video, Wowza Real-Time and videosdk v2 read each stream
   *   on its own): that read's own error, `ProviderUnavailableError` (a 5xx, a body broken off, a dropped
   *   connection) or `TimeoutError`.
   * A stream deleted between its page and its detail read is left out with a warning either way.
   */
  strict?: boolean | undefined;
  /**
   * Only the streams named exactly this (a non-empty string, compared as it is). Where the vendor's page
   * carries each stream's name (Wowza Video, Wowza Real-Time), the details of the other streams are not
   * read: no request, no warning about them. A page record unilive cannot read (an id it would not put in
   * a URL) whose record names another stream is passed over too, on every adapter whose records carry
   * names (Wowza Video, Wowza Real-Time, LiveAPI, videosdk v1): no `skipped-record` warning, and no error
   * when `strict`. One that names this stream, or whose name is absent or no string, may be the stream
   * sought: it is reported as without a name (warning, or `ResponseShapeError` when `strict`). A record
   * passed over by name does not hide a later record of the same id that carries this name (a stream
   * renamed while the walk crosses pages, or listed twice): that one is read and yielded. Default: every
   * stream. `findByName` lists with it.
   */
  name?: string | undefined;
  /**
   * The most pages one walk fetches, a positive integer. Default 1 000 (`defaultMaxPages`): 1 000 000
   * streams on Wowza (1 000 a page), 20 000 on videosdk v1 (20 a page by default), 10 000 on LiveAPI
   * (whose pages hold 10). A walk that reaches it while pages keep bringing new streams ends there with an
   * `incomplete-list` warning (`strict`: `ResponseShapeError`), so a server that keeps inventing records
   * cannot keep it going for ever. Raise it for larger accounts.
   */
  maxPages?: number | undefined;
}

/** What a cheap state poll returns. */
export interface LiveStreamStatus {
  state: LiveStreamState;
  broadcasting?: boolean;
  /**
   * What the vendor answered to the reads the poll made, as received: the escape hatch, as
   * `LiveStream.raw` is. Each adapter documents its shape in its provider page; where `get`'s `raw` is made
   * of parts (videosdk v2's `{ room, hls?, rtmpOuts? }`), the poll's has the same parts for what it read.
   */
  raw: unknown;
}

/**
 * Options of `start`: the call's own, and settings a vendor takes only when a stream starts.
 */
export interface StartOptions extends CallOptions {
  /**
   * Keyed by provider id, as on create. Only an adapter that lists `'start'` in its
   * {@link LiveStreamProvider.providerOptionsOn} reads them (videosdk v2: recording, composition, restream
   * targets); for any other, options under its id are an `InvalidInputError` before any request (an empty
   * `{}` asks for nothing, and is taken). Options
   * under an id no provider has come back as a warning, as on create. A call option, so refusals and
   * warnings name it `options.providerOptions.<id>…` (`liveapi start: invalid options:
   * options.providerOptions.liveapi (…)`), where a create's name `providerOptions.<id>…`.
   */
  providerOptions?: ProviderOptions<'start'> | undefined;
}

/**
 * The contract every adapter implements, version 1. Inputs reach a provider already validated by the
 * client; a provider validates its own `providerOptions`.
 */
export interface LiveStreamProvider {
  /** The contract version this provider implements. */
  readonly specificationVersion: 'v1';
  readonly id: ProviderId;
  readonly capabilities: ProviderCapabilities;
  create(input: CreateLiveStreamInput, options?: CallOptions): Promise<LiveStream>;
  get(id: string, options?: CallOptions): Promise<LiveStream>;
  /** Walks every page lazily. */
  list(options?: ListOptions): AsyncIterable<LiveStream>;
  update(id: string, patch: UpdateLiveStreamInput, options?: CallOptions): Promise<LiveStream>;
  delete(id: string, options?: CallOptions): Promise<void>;
  start(id: string, options?: StartOptions): Promise<LiveStream>;
  stop(id: string, options?: CallOptions): Promise<LiveStream>;
  /** The cheapest call that tells the state; `waitForState` falls back to `get` without it. */
  getStatus?(id: string, options?: CallOptions): Promise<LiveStreamStatus>;
  /**
   * A vendor call of its own that tells whether video arrives at a `ready` stream (`undefined` when it
   * cannot say), for a vendor whose stream read does not (`capabilities.broadcastingStatus` false).
   * `waitForBroadcast` calls it after each status poll that finds the stream ready.
   */
  getBroadcasting?(id: string, options?: CallOptions): Promise<boolean | undefined>;
  /**
   * Credentials and other values this provider must never let out, for redaction. The client asks again
   * every time it masks what the provider hands back, so credentials the provider rotates (a new
   * `SecretSet`, a new list) are followed, and the values an earlier answer listed stay hidden. Answer
   * `set.values()` of the provider's `SecretSet`: the same frozen array until the set changes, costing
   * nothing however many values it holds.
   */
  readonly secrets?: () => readonly string[];
  /**
   * The operations whose `providerOptions[<id>]` this provider reads. Default `['create', 'update']`; the
   * client refuses options under the provider's id on any other operation, before any request, with an
   * `InvalidInputError` naming where it does take them (`acme takes no provider options on start; give them
   * on create or update`), or, for `[]`, that it takes none (`acme takes no provider options`); an empty
   * `{}` asks for nothing and passes. Read once when a client is made: anything but a list of `create`,
   * `update` and `start` is an `InvalidInputError` naming `provider.providerOptionsOn` there.
   */
  readonly providerOptionsOn?: readonly ProviderOptionsOperation[];
  /**
   * The option names this provider's calls take besides core's, per operation (Wowza Video:
   * `{ list: ['details'] }`). A client's call accepts them, as the provider called directly does, and hands
   * them on as given: the adapter checks their values. Any other name is still refused, naming the nearest
   * (`detials` names `details`), and a name given for one operation is refused on the others. Core's own
   * names keep their rules. Default none. Declare their types in {@link ProviderListOptions}.
   */
  readonly callOptionNames?: ProviderCallOptionNames;
}

/** The client operations whose options an adapter may add names to ({@link LiveStreamProvider.callOptionNames}). */
export type ProviderCallOperation = 'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop';

/** An adapter's own option names per operation ({@link LiveStreamProvider.callOptionNames}). */
export type ProviderCallOptionNames = Readonly<Partial<Record<ProviderCallOperation, readonly string[]>>>;

/**
 * The list options adapters add to a client's `list`, one property per option, filled by declaration
 * merging, as {@link ProviderOptionsRegistry} is (Wowza Video adds `details`). Each applies to the adapter
 * that declares it in {@link LiveStreamProvider.callOptionNames}; a client of another provider refuses it
 * before any request (`InvalidInputError`).
 *
 * ```ts
 * // in a third-party adapter whose provider declares `callOptionNames: { list: ['archived'] }`
 * declare module '@unilive/core' {
 *   interface ProviderListOptions {
 *     // Acme only: list archived streams too.
 *     archived?: boolean;
 *   }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: adapters fill it by declaration merging.
export interface ProviderListOptions {}

/** Builds a provider from settings; the default export of every adapter package. */
export type ProviderFactory<Settings = Record<string, unknown>> = (settings?: Settings) => LiveStreamProvider;

/**
 * Settings every adapter factory takes besides its credentials. The factory checks them before any
 * request: a bad one is an `InvalidInputError` (`operation: 'configure'`) naming the setting.
 */
export interface ProviderSettingsBase {
  /**
   * Replaces the vendor's API root: for the sandbox, a proxy or tests. An absolute `https:` URL without
   * user name or password; `http:` only to this machine (`localhost`, 127.0.0.0/8, `[::1]`) unless
   * `allowInsecureHttp` is true.
   */
  baseUrl?: string | undefined;
  /**
   * Allows a plain `http:` `baseUrl` to another host. The credentials then cross the network in clear:
   * only for a trusted network. Default false.
   */
  allowInsecureHttp?: boolean | undefined;
  /**
   * The most bytes a response body may hold once decompressed. A larger body (a compression bomb among
   * them) is cut off while it streams in and ends the call with `ResponseShapeError`, never retried.
   * Default 16 MiB, three times a Wowza Video page of 1,000 detailed streams. It also bounds the secrets an
   * answer brings, whose masking costs CPU and memory in proportion to their length (a 1 MB "stream key"
   * from a broken or hostile endpoint costs about 0.6 s of CPU once: see the Secrets section of
   * `docs/errors.md`).
   */
  maxResponseBytes?: number | undefined;
  /**
   * Replaces the global `fetch`. It is called as `fetch(request, init)`; pass `init` on (its `signal` ends
   * the attempt on a timeout or the caller's abort). One that drops it still ends in `TimeoutError` or
   * `AbortError` on time, but leaves the connection busy until the server answers. One that answers no
   * `Response` (`null`, a string, `{ status: 200 }`, `Object.create(Response.prototype)`, a `Response` subclass
   * whose `status`, `headers`, `ok` or `body` getter throws, a revoked Proxy: "… (it answered a revoked Proxy,
   * or threw reading one)") fails the attempt with `ProviderUnavailableError`
   * "the custom fetch answered no Response (it answered null)", `delivery: 'unknown'` (it may have sent the
   * request), retried as a dropped connection is. One that throws something other than what fetch throws
   * for a network failure (a `TypeError`, or an error carrying a system code such as `ECONNRESET`) gets the
   * same text naming what it threw, "… (it threw an Error)", with what it threw as `cause`.
   */
  fetch?: typeof fetch | undefined;
  /**
   * Limit for each HTTP attempt, in ms: finite, above 0, at most 2³¹−1. Default 15 000. The time an
   * `onRequest` hook takes is not counted in it.
   */
  timeoutMs?: number | undefined;
  /**
   * Limit for one whole neutral call, in ms: finite, above 0, at most 2³¹−1. Default 60 000. One deadline,
   * fixed when the provider's operation starts (core's `startCall`), bounds every request the call makes,
   * their retries, backoff, `Retry-After` pauses and rate-limit waits included: a LiveAPI `create` with
   * restream targets (the stream, one per target, the read back), videosdk v2's `get`, `start` and `stop`,
   * a Wowza `start` and its read back (see "How long a call can take" in `docs/errors.md`). A request that
   * finds no time left is not sent, an attempt under way is cut to it: a `TimeoutError`, which after a part
   * the vendor accepted names the stream and its `applied`, `unknown` and `notApplied` parts (`delivery:
   * 'unknown'`, not retryable), as an abort there does. A `list` is bounded per step: each `next()` of the
   * iteration (a page and the detail reads until the next stream) has its own. A `waitForState`'s
   * `timeoutMs` bounds every poll of the wait, and so does this, whichever comes first. The same through a
   * client and on a provider called directly. `docs/decisions/2026-12-03-total-timeout-per-call.md`.
   */
  totalTimeoutMs?: number | undefined;
  /**
   * Retry policy overrides; `{ maxRetries: 0 }` turns retries off. `maxRetries` is a whole number from 0 to
   * 10, delays are above 0; unknown keys are refused.
   */
  retry?: { [Field in keyof RetryPolicy]?: RetryPolicy[Field] | undefined } | undefined;
}
