import ky, { type KyInstance, type Options } from 'ky';
import type { GenericSchema } from 'valibot';
import {
  AbortError,
  AuthenticationError,
  abortedMessage,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
} from '../errors/errors.js';
import {
  type Delivery,
  errorTextLimits,
  markDeadlineCut,
  markRequest,
  scrubText,
  servedOperation,
  UniliveError,
  type UniliveErrorOptions,
  withErrorFields,
  withMessageNote,
} from '../errors/unilive-error.js';
import { ownData, safeParseOwn } from '../inputs.js';
import type { ProviderId } from '../live-stream.js';
import {
  CallDeadline,
  callDeadlineOf,
  callLimitOf,
  callOptionError,
  isClientOptions,
  markClientOptions,
  type OptionRule,
  providerCallOptionRulesWith,
  providerCallOptions,
  refuseCallOptionValues,
} from '../options.js';
import { isInstanceOf, once, ownFields, ownValue, platformSignal, prototypePollution } from '../own.js';
import type {
  CallOptions,
  CallRuntime,
  ProviderCallOptionNames,
  ProviderOptionsOperation,
  ProviderSettingsBase,
} from '../provider.js';
import { type Clock, type Sleep, systemClock, systemSleep } from '../runtime.js';
import {
  combinedRedactor,
  knownOnlyByBeginning,
  knownValuesRedactor,
  type Redactor,
  redactStable,
  type SecretSet,
  truncatedKeptLength,
} from '../secrets.js';
import { ignoreRejection, isThenable, ignore as noop } from '../thenable.js';
import { AttemptTimers } from './attempt-timers.js';
import { gateKeyOf } from './gate-key.js';
import { isSendableHeader, unsendableHeaderIssue, unsendableHeaderMessage } from './header-text.js';
import { emit, type HttpEventBase, type HttpHooks } from './hooks.js';
import { readVendorResponse } from './parse-response.js';
import { endsInsideJson, readJsonBeginning } from './partial-json.js';
import { BodyRead, discardBody, readCapped } from './read-body.js';
import {
  asGateDeadlineError,
  asGateStoreUnavailableError,
  GateDeadlineError,
  GateStoreUnavailableError,
  type RequestGate,
} from './request-gate.js';
import { resolvePath } from './resolve-path.js';
import { parseRetryAfter, type RetryPolicy, retryDelay } from './retry-policy.js';
import { checkTransportSettings, maxTimeoutMs } from './transport-settings.js';

/** HTTP methods the vendors use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an adapter reads out of a vendor's error body. */
export interface VendorErrorDetails {
  code?: string | undefined;
  message?: string | undefined;
}

/** The facts an adapter may use to pick the error class for a vendor failure. */
export interface VendorFailure extends VendorErrorDetails {
  status: number;
  /**
   * `true` when the answer's body broke off (the connection dropped mid-body) or ran past
   * `maxResponseBytes` and was left unread: no `code` was read, and
   * `message` is the status line's text, not the vendor's. A class the vendor's code decides for this status
   * (Wowza's 422: `ERR-422-InvalidStateChange` a conflict, any other bad input) cannot be told then; the
   * classifier says what such an answer is. Absent for a body read whole.
   */
  bodyLost?: boolean | undefined;
  /**
   * The operation the adapter gave the request (`create`), even when the request was made while serving
   * another public operation (a registry's `migrate`, a wait): an answer is classified the same whoever
   * made the call, and only the error's `operation` names the call the caller made.
   */
  operation: string;
}

/** Error classes the HTTP layer can raise for a vendor failure. */
export type VendorErrorClass =
  | typeof UniliveError
  | typeof InvalidInputError
  | typeof AuthenticationError
  | typeof NotFoundError
  | typeof ConflictError
  | typeof RateLimitError
  | typeof ProviderUnavailableError
  | typeof TimeoutError;

/** Settings of one provider's HTTP client. */
export interface HttpClientSettings {
  provider: ProviderId;
  /**
   * The adapter's own per-call option names besides core's, per operation as its provider declares them
   * (`LiveStreamProvider.callOptionNames`; wowza-video's `{ list: ['details'] }`), or one list every
   * operation takes: a provider called directly, whose options no client read, has them read here
   * (`providerCallOptions`), and any other name is refused naming the nearest, as a client refuses it.
   * Default none.
   */
  callOptionNames?: readonly string[] | ProviderCallOptionNames | undefined;
  /**
   * The operations whose `providerOptions[<id>]` the adapter reads (its provider's `providerOptionsOn`):
   * a provider called directly has a start's `providerOptions` read here as a client reads them, options
   * under its own id refused unless this lists `start`. Default `create` and `update`.
   */
  providerOptionsOn?: readonly ProviderOptionsOperation[] | undefined;
  /**
   * Root of the vendor's API; paths are appended to it. An absolute `https:` URL without user info; `http:`
   * only to a loopback host, or with `allowInsecureHttp`. Checked when the client is made.
   */
  baseUrl: string;
  /** Allows a plain `http:` base URL to a host other than this machine (credentials then travel in clear). */
  allowInsecureHttp?: boolean | undefined;
  /**
   * The most bytes a response body may hold after decompression; a larger success ends the call with
   * `ResponseShapeError` while it streams in, and is never retried (its status and headers are heard by
   * `onResponse` first). A larger error status's body is left unread: the error is the status's (its class,
   * retries and `Retry-After`), without the vendor's code and message. Default 16 MiB.
   */
  maxResponseBytes?: number | undefined;
  /**
   * The vendor account's identity (its token, or its API key id where the vendor has one), read lazily when
   * the client has a request gate. It never leaves the process: the gate's budget is keyed by a SHA-256
   * digest of it with the provider id and base URL (`gateKeyOf`), so a store shared by a fleet keeps one
   * budget per account and holds no credential. When absent, or when it throws (a missing credential, which
   * then fails the request at its headers), the budget is the base URL's.
   */
  account?: (() => string | Promise<string>) | undefined;
  /** Headers for every request, the credentials among them; called before each attempt (so tokens can renew). */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /**
   * Replaces the global `fetch` (proxies, tests, edge runtimes). It is called with ky's `Request` (method,
   * headers, body, `redirect: 'manual'`) and an `init` holding only the attempt's `signal`: the attempt's own,
   * never the caller's, aborted by the attempt's time limit or by the caller's signal firing, then with the
   * platform's `AbortError` `DOMException` as its reason (the caller's reason stays with the error).
   */
  fetch?: typeof fetch | undefined;
  /**
   * Limit for each attempt, headers and body included, the time an `onRequest` hook takes left out.
   * Default 15 s.
   */
  timeoutMs?: number | undefined;
  /**
   * Limit for one neutral call, in ms: every request it makes, with their attempts, backoff, `Retry-After`
   * pauses and request-gate waits, from the moment the provider's operation starts
   * ({@link HttpClient.startCall}; cut further by a runtime `deadline`, a wait's). A request made without
   * that (an adapter that does not call it) gets the limit from the moment it is made. Default 60 s.
   */
  totalTimeoutMs?: number | undefined;
  retry?: { [Field in keyof RetryPolicy]?: RetryPolicy[Field] | undefined } | undefined;
  /** Values to scrub from errors and events. */
  secrets: SecretSet;
  /** Reads the vendor's code and message out of an error body (already JSON-parsed when it was JSON). */
  readError?: ((body: unknown) => VendorErrorDetails) | undefined;
  /** Picks the error class for a failure, before the status-based default. */
  classifyError?: ((failure: VendorFailure) => VendorErrorClass | undefined) | undefined;
  /** Randomness for jitter; injectable for tests. */
  random?: (() => number) | undefined;
}

/**
 * The transport settings every adapter passes through from its own settings to {@link createHttpClient}:
 * `fetch`, `timeoutMs`, `totalTimeoutMs`, `retry`, `allowInsecureHttp` and `maxResponseBytes`.
 */
export function transportSettings(
  settings: ProviderSettingsBase,
): Pick<
  HttpClientSettings,
  'fetch' | 'timeoutMs' | 'totalTimeoutMs' | 'retry' | 'allowInsecureHttp' | 'maxResponseBytes'
> {
  const { fetch, timeoutMs, totalTimeoutMs, retry, allowInsecureHttp, maxResponseBytes } = settings;
  return { fetch, timeoutMs, totalTimeoutMs, retry, allowInsecureHttp, maxResponseBytes };
}

/** One request. */
export interface HttpRequest<T> {
  /**
   * The public operation the caller called (`create`, `get`, `stop`, `status`…), carried by every error and
   * hook event this request produces. A request made while serving another operation (the egress read that
   * `stop` makes first, a read-back after `update`) carries that operation, never a name of its own: the
   * caller's `catch`, logs and metrics see the call they made, whichever of its requests failed. Say which
   * request it was with `step`.
   */
  operation: string;
  /**
   * Which request of the operation this is, when the operation makes more than one (`reading the HLS
   * egress`): added to the error's message after the operation (`videosdk stop (reading the HLS egress)
   * failed (HTTP 503)`). It never changes `operation`.
   */
  step?: string | undefined;
  method: HttpMethod;
  /** Relative to the base URL; build it with {@link pathOf} so ids are checked and encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * The response body's schema. Without one the call does not read what a success holds (`data` and `body`
   * are undefined), but checks that it is the vendor's: no body (204, an empty 200) or JSON of any shape
   * (`{"success": true}`, the deleted record, a bare string). A 2xx body that is not JSON at all (an HTML
   * page from a proxy, a JSON answer cut short) proves nothing was carried out: `ResponseShapeError` with
   * `delivery: 'unknown'`, never retried (`docs/decisions/2026-12-01-unread-success-bodies.md`).
   */
  schema?: GenericSchema<unknown, T>;
  /** Overrides the method's default: GET, PUT and DELETE are idempotent, POST and PATCH are not. */
  idempotent?: boolean;
  /**
   * The request removes or ends something (a DELETE, a `POST …/deactivate`, an `…/end`): when it is repeated
   * after an attempt that may have been carried out although its answer was lost, a 404 or 410 means the
   * goal holds, and the call succeeds with `data` and `body` undefined (do not read them). Default: true for
   * a DELETE without a schema, false otherwise.
   */
  goneMeansDone?: boolean;
  /**
   * A 404 is an answer the caller expects, not a failure: the vendor has no such thing (videosdk's
   * `GET v2/hls/{roomId}/active` for a room that is not streaming). The call resolves with `status` 404 and
   * `data` and `body` undefined (do not read them), and no error is built or reported to `onError`; the
   * response still reaches `onResponse`. Any other failure, 410 included, throws as usual. Default: false.
   */
  notFoundIsAnswer?: boolean;
  /**
   * The id of the stream the request is about, when its path names one. A 404 or 410 answer to it (a
   * `NotFoundError`: the vendor says the stream no longer exists, deleted by another process or on the
   * vendor's dashboard) drops the secrets `secrets` holds for it (`SecretSet.forgetStream`), as a delete
   * made here does, so a long-running process holds the secrets of the streams the account has, not of
   * every stream it ever saw. The error itself is masked with them first.
   */
  stream?: string | undefined;
  /**
   * For a request that changes a stream: a 2xx with no body at all (204, an empty 200) resolves with `data`
   * and `body` undefined instead of failing with `ResponseShapeError`, since the vendor accepted the change
   * and said nothing more. A body that is not JSON (an HTML page, a cut answer) still fails: it may not be
   * the vendor's. Use {@link requestChange}, which also reads a JSON answer of another shape as accepted.
   */
  acceptEmptySuccess?: boolean;
  /**
   * Learns the secrets a successful answer brings (a new stream's key, push password or token) into the
   * adapter's `SecretSet`, with the decoded `data` and the `body` as sent. Called only when an `onResponse`
   * hook is set, after the body is decoded and before that hook's event is emitted, so the event's
   * vendor-chosen text (`requestId`) is already masked for them. The adapter's own learning after the call
   * stays (it then finds the values in place). Whatever it throws, or the promise it returns rejects with,
   * is ignored: the adapter's own reading after the call meets it again; a `learn` whose getter throws, or
   * that is no function, counts as none. Learning is synchronous: what an `async` one learns after its
   * first `await` comes after the event. Also called, hook or not, for a 2xx JSON answer the `schema`
   * refuses (an id no later call could use, a field of the wrong type), with what the schema read of it
   * (`data` may then lack fields or hold values of other types: a `learn` that throws on it is ignored),
   * before the `ResponseShapeError` is thrown: no reading after the call meets such an answer, and the
   * secrets it brings are still the vendor's. Likewise, hook or not, for a 2xx whose body is not whole JSON
   * (truncated JSON, or a body that broke off: a lost connection, a declared length never reached, a
   * compressed stream cut), with the `schema`'s reading of the beginning that arrived (read by
   * `readJsonBeginning`: the output when it fits, else what the schema read) and that beginning as `body`;
   * any field may be missing, the stream's id among them. A string the body broke off inside arrives as
   * its first `truncatedKeptLength` (1,024) characters at most, and every value `learn` takes that ends
   * where it broke off is then known only by its beginning (`SecretSet.learnTruncated`). The call then
   * fails as it would have without `learn`. Default: none (the event is masked with the secrets known
   * before the answer).
   */
  learn?(data: T, body: unknown): void;
  options?: CallOptions | undefined;
}

/** A successful response. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** The body as the schema read it (nulls and unknown enum values normalised). */
  data: T;
  /** The body exactly as the vendor sent it, for `LiveStream.raw`; undefined without a schema or body. */
  body: unknown;
}

/** The HTTP layer every adapter uses. */
export interface HttpClient {
  request<T = undefined>(request: HttpRequest<T>): Promise<HttpResponse<T>>;
  /**
   * The options of one neutral call, holding the call's deadline: `now + totalTimeoutMs` by the runtime's
   * clock, or a runtime `deadline` already given when it comes first (a wait's). Every request made with
   * them ends by that deadline: one that finds no time left is not sent (`TimeoutError`, `delivery:
   * 'not-sent'`), and an attempt under way is cut to it. Called once, when the provider's operation starts
   * (core's {@link startCall} does, after refusing an aborted signal); the options it returns are handed to
   * every request of the call. Options that already hold a deadline no later than this one (a call made
   * inside another, a wait's poll near its end) are returned as they are. A caller's own object (a provider
   * called directly) is read and checked as a request reads it, and core's frozen copy returned; one the
   * first request would refuse is returned unchanged, so that request refuses it, after what the operation
   * checks first (its id, its input). Optional: an `HttpClient` of a test or wrapper that lacks it leaves
   * each request its own `totalTimeoutMs`.
   */
  startCall?<O extends object | undefined>(options: O, operation: string): O;
}

const requestIdHeaders = [
  'x-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-correlation-id',
  'cf-ray',
];

// Failures where the request never left this machine: even a create may be retried after them.
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How many same-origin redirects a GET follows before it gives up. */
export const maxRedirects = 5;

/**
 * Makes the HTTP client for one provider: one ky instance, the vendor's auth headers, per-attempt and
 * total timeouts, retries with backoff, jitter and a capped `Retry-After` for idempotent requests (and for
 * any request after a 429, which the vendor refused unprocessed), and one place where every failure
 * becomes a {@link UniliveError} with no secret in it. Its settings are checked here, so an adapter's
 * factory refuses bad ones (`InvalidInputError`) before any request.
 *
 * Redirects are never followed by fetch: a GET follows up to {@link maxRedirects} redirects within the
 * base URL's origin; any other redirect ends the call with a `UniliveError` naming the status and the
 * target's origin, so no request body or credential ever goes to another origin or over plain http.
 */
export function createHttpClient(settings: HttpClientSettings): HttpClient {
  // The credentials are secrets by now (the adapter's header source adds them when it is made): a retry
  // setting named by one is not echoed.
  const checked = checkTransportSettings(settings.provider, settings, settings.secrets);
  const policy: RetryPolicy = checked.retry;
  const attemptTimeoutMs = checked.timeoutMs;
  const totalTimeoutMs = checked.totalTimeoutMs;
  const maxResponseBytes = checked.maxResponseBytes;
  const random = settings.random ?? Math.random;
  const callOptionRules = callOptionRulesOf(settings.callOptionNames);
  const providerOptionsOn = settings.providerOptionsOn;
  const baseUrl = checked.baseUrl.href.endsWith('/') ? checked.baseUrl.href : `${checked.baseUrl.href}/`;
  const origin = checked.baseUrl.origin;
  // The digest is computed once per identity (a renewed token gets its own key).
  let accountKey: { identity: string | undefined; key: Promise<string> } | undefined;
  const gateKey = async (): Promise<string> => {
    let identity: string | undefined;
    try {
      identity = await settings.account?.();
    } catch {
      identity = undefined;
    }
    if (accountKey === undefined || accountKey.identity !== identity) {
      accountKey = { identity, key: gateKeyOf(settings.provider, baseUrl, identity) };
    }
    return accountKey.key;
  };
  // Made at the first send that finds Object.prototype clean, not here: ky.create merges its options into
  // plain objects and reads `hooks` and `headers` through their prototype, so an instance made while the
  // prototype is polluted would keep the polluted values for every later request, after the pollution is
  // gone and the guard lets requests through.
  let api: KyInstance | undefined;
  // An attempt's limit is the client's unless a call sets its own or its deadline comes first.
  const timers = new AttemptTimers(Math.min(attemptTimeoutMs, maxTimeoutMs));
  const sender = (): KyInstance => {
    api ??= ky.create(kyDefaults(settings.fetch));
    return api;
  };
  // The adapter's headers as last checked. An adapter whose credentials stay the same hands back the same
  // frozen object on every request (no header can be added to it): its values are compared with those
  // checked, one read each, rather than matched against the header patterns again (a JWT runs to hundreds
  // of characters).
  let lastHeaders: { given: Record<string, string>; hasBody: boolean; checked: string[] } | undefined;
  const headersOf = (
    errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
    hasBody: boolean,
    given: Record<string, string>,
  ): readonly string[] => {
    const last = lastHeaders;
    if (
      last !== undefined &&
      last.given === given &&
      last.hasBody === hasBody &&
      holds(given, last.checked, hasBody)
    )
      return last.checked;
    const checked = credentialHeaders(settings, errorOptions, hasBody, given);
    if (typeof given === 'object' && given !== null && Object.isFrozen(given))
      lastHeaders = { given, hasBody, checked };
    return checked;
  };
  async function request<T>(described: HttpRequest<T>): Promise<HttpResponse<T>> {
    // Everything below reads own properties only: a field an adapter or caller left out (`body`, `query`,
    // `idempotent`, a hook, `signal`) is absent, whatever `Object.prototype` holds.
    const asked = requestOf(described);
    // The call options and the client's runtime are read field by field, each from own properties: the
    // same as copying them, without building two objects per call.
    const given = asked.options;
    // A client (or a registry) has read the caller's options with `readOptions` and hands on its own copy,
    // holding the client's `runtime`. A provider called directly hands on the caller's object as it is:
    // read here the same way, before any request, so that a misspelt `timeoutMS`, a Map or a getter that
    // throws is refused as through a client rather than sent without it, or escaping as the caller's error.
    // The client's copy is told by identity (one WeakSet lookup); an object the caller made, an own
    // `runtime` in it or not, is read.
    const options = isClientOptions(given)
      ? given
      : providerCallOptions(
          given,
          settings.provider,
          asked.operation,
          callOptionRules(asked.operation),
          providerOptionsOn,
          settings.secrets,
        );
    const runtime = ownRuntime(options);
    // A call made while serving another public operation (a wait's status polls) names that operation.
    const spec = servingOperation(asked, ownValue(runtime, 'operation'));
    const { operation, method } = spec;
    // What the messages name: the operation, and the request within it when the adapter says which.
    const named = labelOf(spec);
    const hooks = hooksOf(ownValue(runtime, 'hooks'));
    const now = (ownValue(runtime, 'clock') as Clock | undefined) ?? systemClock;
    const sleep = (ownValue(runtime, 'sleep') as Sleep | undefined) ?? systemSleep;
    const gate = ownValue(runtime, 'gate') as RequestGate | undefined;
    const runtimeDeadline = ownValue(runtime, 'deadline');
    // The deadline of the neutral call the request is part of (startCall), when its options hold one.
    const callDeadline = callDeadlineOf(options);
    const givenSignal = ownValue(options, 'signal') as AbortSignal | undefined;
    const idempotent = spec.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const callTimeoutMs = ownValue(options, 'timeoutMs') as number | undefined;
    const base = { provider: settings.provider, operation };
    // The values every call's options are held to; a provider that decides a call without a request
    // checks them the same way (checkCallOptionValues).
    refuseCallOptionValues(settings.provider, operation, callTimeoutMs, givenSignal);
    // The attempts listen to a platform signal: one of another realm or library (a vm context's, an
    // iframe's, jsdom's) is followed through one listener for its life (platformSignal), so its methods are
    // not called per attempt, and a removeEventListener or reason of it that throws cannot fail a call that
    // the vendor answered.
    const signal =
      givenSignal === undefined ? undefined : adoptSignal(settings.provider, operation, givenSignal);
    // The call's own limit, and the deadline of a waitForState it serves, whichever comes first.
    const callStart = now();
    // Every limit of the call is read on this clock: one that reads no time (a caller's own that returns a
    // promise, NaN or a bigint) would end the call at once as a timeout, or never, after sending it.
    if (typeof callStart !== 'number' || !Number.isFinite(callStart))
      throw callOptionError(
        settings.provider,
        operation,
        'runtime.clock',
        'expected a clock that returns the time in epoch ms (a finite number)',
      );
    const deadline = Math.min(
      callStart + totalTimeoutMs,
      typeof runtimeDeadline === 'number' ? runtimeDeadline : Number.POSITIVE_INFINITY,
      callDeadline ?? Number.POSITIVE_INFINITY,
    );
    // A TimeoutError the deadline of the caller's runtime caused (an attempt cut to it, no time left before
    // it) says so (markDeadlineCut): the wait that set it then knows the time is its own, whatever its clock
    // reads when the attempt's timer fires, which may be a millisecond or two before the deadline
    // (docs/decisions/2026-12-01-wait-timer-fires-early.md).
    // The call's own deadline (startCall) is marked the same way: an adapter tells by it that the call's
    // time, not this request's, ended a request after a part the vendor accepted (endedByCallDeadline).
    // The limit a message names when the deadline ended the request: the caller's own setting, never the
    // time an attempt had left. A wait's deadline is the wait's (its own message names its timeoutMs); a
    // call's is the totalTimeoutMs that fixed it (startCall's, or this request's own).
    const byWait = deadline === runtimeDeadline;
    const deadlineLimitMs = byWait
      ? undefined
      : deadline === callDeadline
        ? (callLimitOf(options) ?? totalTimeoutMs)
        : totalTimeoutMs;
    const deadlineLimit =
      deadlineLimitMs === undefined
        ? "the wait's time limit"
        : `the call's time limit (totalTimeoutMs ${deadlineLimitMs} ms)`;
    const byDeadline = <E extends UniliveError>(error: E): E =>
      byWait || deadline === callDeadline ? markDeadlineCut(error, deadline, deadlineLimitMs) : error;
    // The latest a request held by the gate may start: the deadline less a reserve for the request itself
    // (startReserveMs). A pause (or a rate or concurrency wait) that ends later ends the call at once,
    // unsent, rather than sending with a few ms left (docs/decisions/2026-12-01-gate-start-reserve.md).
    const startBy = deadline - Math.min(startReserveMs, Math.floor((deadline - callStart) / 10));
    // Without a query the URL stays a string, as ky and fetch take it: most paths are written without
    // parsing (`resolvePath`).
    let url: URL | string = resolvePath(spec.path, baseUrl);
    if (spec.query !== undefined) {
      url = new URL(url);
      const query = ownFields(spec.query);
      for (const key of Object.keys(query)) {
        const value = query[key];
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
    }
    // Serialised once per call from own properties (`ownData`): a polluted `toJSON` or field never reaches
    // the body.
    const body = spec.body === undefined ? null : JSON.stringify(ownData(spec.body));
    // Scrubbing the URL costs a pass over every secret the provider knows, so it is done only for an
    // event someone observes, once per call.
    let safeUrl: string | undefined;
    const errorOptions = (
      extra: Partial<UniliveErrorOptions> & { message: string },
    ): UniliveErrorOptions => ({
      ...base,
      secrets: settings.secrets,
      ...extra,
    });

    // Whether an earlier attempt may have been carried out although its answer was lost (a timeout, a 408 or
    // 5xx, a dropped connection): a DELETE repeated after one finds the stream already gone.
    let mayHaveApplied = false;
    // What became of the call's earlier attempts, for the `delivery` of the error that ends it.
    let sentBefore: Delivery = 'not-sent';
    const outcome = (attempt: Delivery): Delivery => worstDelivery(sentBefore, attempt);
    // The account's budget in the client's request gate, found at the first attempt.
    let key: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const event = (): HttpEventBase => {
        safeUrl ??= settings.secrets.redact(url.toString());
        return { ...base, method, url: safeUrl, attempt };
      };
      let failure: {
        error: UniliveError;
        retryable: boolean;
        reason: string;
        retryAfterMs?: number;
        mayHaveApplied: boolean;
        delivery: Delivery;
      };
      // A failure after which the vendor may hold the request (a timeout, an answer lost on the way, a fetch
      // that may have sent it): asked again only when the request is idempotent.
      const uncertain = (error: UniliveError, reason: 'timeout' | 'network'): typeof failure => ({
        error,
        retryable: idempotent,
        reason,
        mayHaveApplied: true,
        delivery: 'unknown',
      });
      if (signal?.aborted)
        throw report(hooks, event, abortError(errorOptions, signal.reason, outcome('not-sent')));
      // The prototype is checked again in the turn ky is called, whatever happens first. Checked here too
      // when something the caller sees happens before that turn (a turn of the request gate, whose
      // `onWarning` may be heard; `onRequest` is heard in that turn, after its check); otherwise the check
      // in that turn is the attempt's first, and an attempt that ends before it is sent reports a polluted
      // prototype, as this check would have, rather than what ended it (`deferred` below). Either way
      // nothing is sent while it is polluted, and the error is the same.
      const deferred = gate === undefined;
      const polluted = deferred ? undefined : prototypePollution();
      if (polluted !== undefined)
        throw report(
          hooks,
          event,
          pollutionError(errorOptions, polluted, outcome('not-sent'), `${settings.provider} ${named}`),
        );
      const limit = Math.min(callTimeoutMs ?? attemptTimeoutMs, maxTimeoutMs);
      let release: () => void = noop;
      if (gate) {
        try {
          key ??= await gateKey();
          release = await gate.acquire({
            signal,
            deadline: startBy,
            key,
            holdMs: limit + 5_000,
            onWarning: (warning) => emit(hooks.onWarning, { ...base, warning }),
            maxPauseMs: policy.maxRetryAfterMs,
          });
        } catch (error) {
          const refused = gateError(
            error,
            errorOptions,
            signal,
            outcome('not-sent'),
            settings.provider,
            deadlineLimit,
          );
          // Held past the time the deadline leaves to start in (startBy): the deadline's doing.
          throw report(
            hooks,
            event,
            asGateDeadlineError(error) !== undefined && TimeoutError.isInstance(refused)
              ? byDeadline(refused)
              : refused,
          );
        }
      }
      const started = now();
      if (started >= deadline) {
        release();
        const pollutedNow = deferred ? prototypePollution() : undefined;
        if (pollutedNow !== undefined)
          throw report(
            hooks,
            event,
            pollutionError(errorOptions, pollutedNow, outcome('not-sent'), `${settings.provider} ${named}`),
          );
        throw report(
          hooks,
          event,
          byDeadline(
            new TimeoutError(
              errorOptions({
                message: `${settings.provider} ${named}: ${deadlineLimit} ran out before the request could be sent; not sent`,
                delivery: outcome('not-sent'),
              }),
            ),
          ),
        );
      }
      // A signal aborted since the check above (by an `onWarning` hook the gate called) has fired already:
      // the listener below would never hear it, and the attempt would be sent.
      if (signal?.aborted) {
        release();
        throw report(hooks, event, abortError(errorOptions, signal.reason, outcome('not-sent')));
      }
      const attemptLimit = Math.min(limit, deadline - started);
      const attemptController = new AbortController();
      // A custom fetch may ignore the signal, and under load an abort once failed to end a slow body: the
      // wait for the answer rejects with the attempt's abort reason (`endWait`, while it waits), and the
      // body read stops on it, either way. Only the timer and the caller's signal abort the attempt, so
      // they settle it directly rather than through a listener on the attempt's own signal.
      let endWait: ((reason: unknown) => void) | undefined;
      const bodyRead = new BodyRead();
      const abortAttempt = (reason: unknown) => {
        attemptController.abort(reason);
        endWait?.(attemptController.signal.reason);
        bodyRead.stop(attemptController.signal.reason);
      };
      let timer = timers.start(Math.max(0, attemptLimit), abortAttempt, timeoutMarker);
      // fetch never sees the caller's reason: undici reads it (its `stack`, when it destroys a body being
      // read), and a reason whose reads throw (a Proxy, a throwing getter) then crashed the process from
      // inside undici. The attempt's own signal is aborted with a plain reason of the layer's; the error
      // still carries the caller's, read from the caller's signal.
      const onAbort = signal ? () => abortAttempt(callerAborted()) : noop;
      signal?.addEventListener('abort', onAbort, once);
      // Whether ky was called in this attempt (its prototype check is then done).
      let sending = false;
      // What ky's fetch is handed; it records whether fetch was really called, which is what decides the
      // delivery of an attempt ended by its time limit: an attempt whose time ran out before (while its
      // credentials were prepared) sent nothing.
      let kyAttempt: KyAttempt | undefined;
      try {
        // Read without an await when the adapter's headers are at hand (a fixed token, a cached signature).
        const produced = credentialsOf(settings, errorOptions);
        let given: Record<string, string>;
        if (isThenable(produced)) {
          // The check deferred to the turn ky is called would come after a wait: made now, in the turn the
          // attempt began, as it would have been.
          const pollutedBefore = deferred ? prototypePollution() : undefined;
          if (pollutedBefore !== undefined) {
            // The credentials are not waited for: whatever they come to is dropped.
            Promise.resolve(produced).then(undefined, noop);
            throw pollutionError(
              errorOptions,
              pollutedBefore,
              outcome('not-sent'),
              `${settings.provider} ${named}`,
            );
          }
          given = await produced;
        } else given = produced;
        const headers = headersOf(errorOptions, body !== null, given);
        kyAttempt = { signal: attemptController.signal, headers, fetched: false };
        let target: URL | string = url;
        let response: Response;
        for (let hops = 0; ; hops += 1) {
          // ky builds the request (method, URL, headers, body) in the turn it is called: checked here (again,
          // when the gate or the credentials were awaited after a check above), so that turn reads a clean
          // prototype.
          let pollutedNow = prototypePollution();
          // `onRequest` announces a request that leaves: heard only once its credentials are prepared and
          // checked (one no header can carry ends the call unsent, unheard) and the prototype found clean,
          // in the turn ky is called. The hook is the caller's code: a signal it aborted ends the attempt
          // here, unsent, and a prototype it polluted is checked again.
          if (hops === 0 && hooks.onRequest && pollutedNow === undefined) {
            // The hook is the caller's code, and observing never changes the outcome: the attempt's timer
            // stands still while it runs (a synchronous logger blocked on a slow disk or pipe), and is armed
            // again afterwards for what the attempt had left, so the time the hook took is not the vendor's.
            const before = now();
            timers.stop(timer);
            emit(hooks.onRequest, event(), settings.secrets);
            timer = timers.start(Math.max(0, attemptLimit - (before - started)), abortAttempt, timeoutMarker);
            if (signal?.aborted) throw abortError(errorOptions, signal.reason, outcome('not-sent'));
            // The call's deadline counts the hook's time (the caller's clock ran through it): a hook that
            // used up what was left ends the request here, unsent, as the check before the hook would have.
            if (now() >= deadline) {
              throw byDeadline(
                new TimeoutError(
                  errorOptions({
                    message: `${settings.provider} ${named}: ${deadlineLimit} ran out before the request could be sent; not sent`,
                    delivery: outcome('not-sent'),
                  }),
                ),
              );
            }
            pollutedNow = prototypePollution();
          }
          if (pollutedNow !== undefined)
            throw pollutionError(
              errorOptions,
              pollutedNow,
              outcome(sending ? 'unknown' : 'not-sent'),
              `${settings.provider} ${named}`,
            );
          const send = sender();
          sending = true;
          const sent = send(target, kyOptions(method, target, body, kyAttempt));
          // One promise settled by the answer or by the attempt's end, whichever comes first (an attempt
          // that ended while its credentials were awaited ends the wait at once): the race of the answer
          // with a promise of the end, without that promise, its handler and the race's own.
          try {
            response = await new Promise<Response>((resolve, reject) => {
              if (attemptController.signal.aborted) reject(attemptController.signal.reason);
              else endWait = reject;
              sent.then(resolve, reject);
            });
          } catch (error) {
            void sent.then(discardBody, noop);
            throw error;
          } finally {
            endWait = undefined;
          }
          if (!isRedirect(response)) break;
          discardBody(response);
          const location = redirectTarget(response, target);
          // Following keeps the method (GET), the origin (so the credentials go nowhere new) and the scheme.
          // A target with a user name or password is not followed: fetch refuses such URLs with a bare
          // TypeError, which would pass for a network failure and be retried.
          if (
            method === 'GET' &&
            location?.origin === origin &&
            location.username === '' &&
            location.password === '' &&
            hops < maxRedirects
          ) {
            target = location;
            continue;
          }
          // A redirect not followed is the answer the call ends with: heard like any other, before its error.
          if (hooks.onResponse)
            emitResponse(hooks.onResponse, event(), response, now() - started, settings, spec.stream);
          throw redirectError(
            settings,
            spec,
            response,
            location,
            hops,
            errorOptions,
            outcome(redirectDelivery(response.status)),
          );
        }
        const status = response.status;
        let text: string;
        // Bytes of an error status's body read before the connection dropped, when it did.
        let cutAfter: number | undefined;
        // Set when an error status's body ran past maxResponseBytes: left unread, the status decides.
        let overCap = false;
        try {
          text = await readCapped(response, maxResponseBytes, bodyRead, () =>
            bodyTooLarge(
              settings,
              spec,
              status,
              maxResponseBytes,
              errorOptions,
              outcome(statusDelivery(status)),
            ),
          );
        } catch (error) {
          // An error status whose body broke off (the connection dropped mid-body) still says what the
          // vendor did with the request: it is classified by its status, without the vendor's message, not
          // as a vendor that could not be reached. A success cut short tells nothing whole: the vendor was
          // reached and may have carried the request out (below). A deadline, an abort or a body past the
          // cap stay what they are.
          // The beginning of a success that broke off (or whose reading was ended) may bring secrets no
          // later reading will see: the request learns them before the error is made. Not for a body past
          // the cap, which is a ResponseShapeError and held a whole answer's worth of text.
          if (response.ok && !isInstanceOf(error, UniliveError))
            learnBeginning(described, spec.schema, bodyRead.text ?? '', settings.secrets);
          if (attemptController.signal.aborted) throw error;
          const tooLarge = isInstanceOf(error, UniliveError);
          if (tooLarge && response.ok) {
            // A success past maxResponseBytes (the one error of the layer's own the read throws): its status
            // and headers arrived, and are heard like any answer's, before its error.
            if (hooks.onResponse)
              emitResponse(hooks.onResponse, event(), response, now() - started, settings, spec.stream);
            throw error;
          }
          if (response.ok) {
            // The vendor answered, as for an error status whose body broke off: its event comes first.
            if (hooks.onResponse)
              emitResponse(hooks.onResponse, event(), response, now() - started, settings, spec.stream);
            const cut = new AnswerCut(status, bodyRead.received, requestIdOf(response.headers), error);
            cut.encoding = response.headers.get('content-encoding') ?? undefined;
            throw cut;
          }
          // An error status whose body ran past the cap (a gateway's large page, a verbose 404) is its status,
          // as one whose body broke off is: its class, retries and `Retry-After`, without the vendor's code and
          // message, which were not read.
          text = '';
          if (tooLarge) overCap = true;
          else cutAfter = bodyRead.received;
        }
        if (hooks.onResponse) {
          // A success whose secrets the request learns is decoded, and learned, before its event: the
          // event's text is then masked for the secrets the answer brings. Only with a hook set: without
          // one, nothing is scanned before the adapter learns them itself.
          const learned = response.ok
            ? learnedAnswer(described, spec, response, text, errorOptions, settings, outcome('unknown'))
            : undefined;
          emitResponse(hooks.onResponse, event(), response, now() - started, settings, spec.stream);
          // Thrown after the event, as when the body is decoded after it.
          if (learned && 'error' in learned) throw learned.error;
          if (learned) return { status, headers: response.headers, data: learned.data, body: learned.body };
        }
        if (response.ok) {
          const { data, body } = decodeSuccess(
            spec,
            response,
            text,
            errorOptions,
            settings,
            outcome('unknown'),
            described,
          );
          return { status, headers: response.headers, data, body };
        }
        if (status === 404 && spec.notFoundIsAnswer) {
          // Expected, and on some reads (a status poll) the usual answer: building a typed error, with its
          // scrubbed message, only to catch it costs more than the rest of the request.
          return { status, headers: response.headers, data: undefined as T, body: undefined };
        }
        const goneMeansDone = spec.goneMeansDone ?? (method === 'DELETE' && !spec.schema);
        if (goneMeansDone && mayHaveApplied && (status === 404 || status === 410)) {
          // The goal holds: the attempt whose answer was lost removed it.
          return { status, headers: response.headers, data: undefined as T, body: undefined };
        }
        const requestId = requestIdOf(response.headers);
        const retryAfterMs = parseRetryAfter(response.headers, now());
        const delivery = statusDelivery(status);
        const statusRetryable = status === 429 || (idempotent && policy.retryStatuses.includes(status));
        const error = vendorError(
          settings,
          spec,
          asked.operation,
          response,
          text,
          requestId,
          retryAfterMs,
          outcome(delivery),
          cutAfter,
          overCap ? maxResponseBytes : undefined,
          // A wait longer than this client honours ends the call here, unretried: the message says why.
          statusRetryable && retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs
            ? policy.maxRetryAfterMs
            : undefined,
        );
        // Masked with them above; from here on the stream the vendor says is gone holds no secrets.
        if ((status === 404 || status === 410) && typeof spec.stream === 'string')
          settings.secrets.forgetStream(spec.stream);
        failure = {
          error,
          retryable: statusRetryable,
          reason: `HTTP ${status}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          mayHaveApplied: delivery === 'unknown',
          delivery,
        };
      } catch (caught) {
        // Ended before ky was called, with the first check of the prototype deferred to that call.
        const pollutedNow = deferred && !sending ? prototypePollution() : undefined;
        if (pollutedNow !== undefined)
          throw report(
            hooks,
            event,
            pollutionError(errorOptions, pollutedNow, outcome('not-sent'), `${settings.provider} ${named}`),
          );
        if (isInstanceOf(caught, UniliveError)) {
          throw report(hooks, event, withDelivery(caught, outcome(sending ? 'unknown' : 'not-sent')));
        }
        if (signal?.aborted)
          throw report(
            hooks,
            event,
            abortError(errorOptions, signal.reason, outcome(sending ? 'unknown' : 'not-sent')),
          );
        if (attemptController.signal.reason === timeoutMarker) {
          // Whether fetch was called in this attempt: only then may the request have left. (An abort keeps
          // the rule above: a caller's signal ends every request of a call at once, and a call whose other
          // request was sent, as videosdk v2's two reads, must not read as not sent.)
          const fetched = kyAttempt?.fetched === true;
          // The timer was armed for the time left until the deadline: it fired because the deadline came,
          // though the clock may read a little before it (Node's timers run on the loop's cached time).
          // The message names the limit that ended the attempt as the caller set it, not the time the
          // attempt had left (docs/errors.md, TimeoutError).
          const cut = attemptLimit === deadline - started;
          const made = new TimeoutError(
            errorOptions({
              message: `${settings.provider} ${named}: no complete response ${cut ? `before ${deadlineLimit} ran out` : `within ${limit} ms (timeoutMs)`}${fetched ? '' : '; not sent'}`,
              delivery: outcome(fetched ? 'unknown' : 'not-sent'),
            }),
          );
          const error = cut ? byDeadline(made) : made;
          failure = fetched
            ? uncertain(error, 'timeout')
            : { error, retryable: true, reason: 'timeout', mayHaveApplied: false, delivery: 'not-sent' };
        } else if (caught instanceof AnswerCut) {
          // The vendor answered and its body broke off: the request was delivered, and whether it was
          // carried out is unknown, so only an idempotent request is asked again.
          const undecodable = caught.coding === undefined ? undecodableBody(caught.cause) : undefined;
          const code = systemCodeOf(caught.cause) ?? undecodable;
          const read = `HTTP ${caught.status}, ${caught.received} ${caught.received === 1 ? 'byte' : 'bytes'} of the body read${code ? `, ${code}` : ''}`;
          const error = new ProviderUnavailableError(
            errorOptions({
              message:
                caught.coding !== undefined
                  ? `${settings.provider} ${named}: the answer was lost while reading it: its ${caught.coding} body ended early (${read})`
                  : undecodable !== undefined
                    ? `${settings.provider} ${named}: the answer was lost while reading it: its body does not decode as its content-encoding (${caught.encoding ?? 'none'}) says (${read})`
                    : `${settings.provider} ${named}: the connection to ${new URL(url).host} was lost while reading the answer (${read})`,
              status: caught.status,
              requestId: caught.requestId,
              ...(caught.cause === undefined ? {} : { cause: caught.cause }),
              delivery: outcome('unknown'),
            }),
          );
          failure = uncertain(error, 'network');
        } else if (caught instanceof NoResponse) {
          // The caller's fetch was called and may have sent the request before answering nonsense: as
          // uncertain as a dropped connection, and retried as one.
          const error = new ProviderUnavailableError(
            errorOptions({
              message: `${settings.provider} ${named}: the custom fetch answered no Response (it ${caught.kind})`,
              ...(caught.thrown === undefined ? {} : { cause: caught.thrown }),
              delivery: outcome('unknown'),
            }),
          );
          failure = uncertain(error, 'network');
        } else {
          const code = systemCodeOf(caught);
          // fetch refuses the Fetch standard's bad ports (1, 22, 6000…) before connecting: nothing left
          // this machine, and asking again cannot help.
          const badPort = isBadPortRefusal(caught);
          const notSent = badPort || (code !== undefined && notSentCodes.has(code));
          const delivery: Delivery = notSent ? 'not-sent' : 'unknown';
          // An answer fetch could not parse as HTTP (a status line that is none, two lengths, headers past
          // its limit, a 1xx it does not expect): the vendor, or what stands in its way, was reached and
          // answered, and may have carried the request out; "could not reach" would say nothing was made.
          const malformed = notSent ? undefined : notHttpAnswer(caught);
          const host = new URL(url).host;
          // A connection refused or a name not found reached nothing; any other failure (a reset, a socket
          // closed by the other side) may have come after the request left: "could not reach" would tell
          // the caller of a change that nothing was made, and invite a second create.
          const shown = code ?? undiciCodeOf(caught);
          const lost = `the connection to ${host} failed before an answer came${shown ? ` (${shown})` : ''}`;
          const error = new ProviderUnavailableError(
            errorOptions({
              message: badPort
                ? `${settings.provider} ${named}: fetch never connects to port ${new URL(url).port} (one of the Fetch standard's bad ports); use another port in baseUrl`
                : malformed !== undefined
                  ? `${settings.provider} ${named}: ${host} answered something that is not valid HTTP (${malformed})`
                  : notSent
                    ? `${settings.provider} ${named}: could not reach ${host} (${code})`
                    : `${settings.provider} ${named}: ${lost}${method === 'GET' ? '' : ': whether the request was carried out is unknown'}`,
              cause: caught,
              delivery: outcome(delivery),
            }),
          );
          failure = {
            error,
            retryable: !badPort && (idempotent || notSent),
            reason: 'network',
            mayHaveApplied: !notSent,
            delivery,
          };
        }
      } finally {
        timers.stop(timer);
        signal?.removeEventListener('abort', onAbort);
        release();
      }
      if (failure.mayHaveApplied) mayHaveApplied = true;
      sentBefore = outcome(failure.delivery);
      // Drawn once: the retry's wait, and the pause a 429 puts on the client's other requests, are the same,
      // so the retry goes out as the others are let go and `onRetry` reports the wait it gets.
      const delayMs = retryDelay(failure.retryAfterMs, policy, attempt, random);
      // The vendor asked everyone to slow down: hold the client's other requests too, never longer than
      // the longest wait this client honours.
      if (failure.error.status === 429) gate?.pause(now() + Math.min(delayMs, policy.maxRetryAfterMs), key);

      const retries = attempt - 1;
      const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs;
      if (!failure.retryable || retries >= policy.maxRetries || tooLong)
        throw report(hooks, event, failure.error);
      // An attempt the deadline ended leaves no time for another, whatever the clock reads yet (its message
      // says the deadline ended it).
      if (failure.reason === 'timeout' && attemptLimit === deadline - started)
        throw report(hooks, event, failure.error);
      // A retry the deadline would come before: the call ends with this attempt's error, which says why it
      // was the last, as a wait past maxRetryAfterMs does (a caller reading only "HTTP 503" would not know
      // its retries were cut short).
      if (now() + delayMs >= deadline)
        throw report(
          hooks,
          event,
          withMessageNote(
            failure.error,
            `; not retried: the retry was due in ${delayMs} ms, after ${deadlineLimit} runs out`,
          ),
        );
      if (hooks.onRetry)
        emit(hooks.onRetry, { ...event(), delayMs, reason: failure.reason, error: failure.error });
      try {
        await sleep(delayMs, signal);
      } catch {
        throw report(hooks, event, abortError(errorOptions, signal?.reason, sentBefore));
      }
    }
  }

  // See HttpClient.startCall.
  function startCall<O extends object | undefined>(given: O, operation: string): O {
    let options: object | undefined = given;
    let fresh = false;
    if (given !== undefined && !isClientOptions(given)) {
      // A provider called directly: read and checked as its first request would read and check them.
      // Options it would refuse are left to it, so the operation's own checks (id, input) come first.
      try {
        const read = providerCallOptions(
          given,
          settings.provider,
          operation,
          callOptionRules(operation),
          providerOptionsOn,
          settings.secrets,
        ) as object;
        refuseCallOptionValues(
          settings.provider,
          operation,
          ownValue(read, 'timeoutMs'),
          ownValue(read, 'signal'),
        );
        options = read;
        fresh = true;
      } catch {
        return given;
      }
    }
    const runtime = ownRuntime(options);
    const now = (ownValue(runtime, 'clock') as Clock | undefined) ?? systemClock;
    const deadline = now() + totalTimeoutMs;
    // A clock that reads no number leaves each request its own limit, as before.
    if (!Number.isFinite(deadline)) return fresh ? (markClientOptions(options as object) as O) : given;
    const runtimeDeadline = ownValue(runtime, 'deadline');
    const held = callDeadlineOf(options);
    const earlier =
      (typeof runtimeDeadline === 'number' && runtimeDeadline <= deadline) ||
      (held !== undefined && held <= deadline);
    // Core's options whose deadline comes first already are reused as they are: no object.
    if (earlier) return fresh ? (markClientOptions(options as object) as O) : given;
    // One object: core's frozen copy of the options with the deadline.
    return new CallDeadline(deadline, options, totalTimeoutMs) as O;
  }

  return { request, startCall };
}

// The platform signal that follows the caller's; one whose addEventListener throws is no signal to follow.
function adoptSignal(provider: ProviderId, operation: string, signal: AbortSignal): AbortSignal {
  try {
    return platformSignal(signal);
  } catch {
    throw callOptionError(provider, operation, 'signal', 'expected an AbortSignal');
  }
}

// The client's runtime in the options a client hands on (see LiveStreamClient's callOptions); undefined for
// anything else, a Proxy whose traps throw included (it is then read, and refused, as the caller's own).
function ownRuntime(options: unknown): CallRuntime | undefined {
  try {
    return ownValue(options, 'runtime') as CallRuntime | undefined;
  } catch {
    return undefined;
  }
}

const deliveryRank: Record<Delivery, number> = { 'not-sent': 0, refused: 1, unknown: 2 };

// A call's delivery is the least certain of its attempts': one attempt that may have been carried out
// makes the whole call "unknown", whatever the last attempt met.
function worstDelivery(a: Delivery, b: Delivery): Delivery {
  return deliveryRank[a] >= deliveryRank[b] ? a : b;
}

/** What a vendor status says about the request: a 4xx (but 408) refused it unprocessed. */
function statusDelivery(status: number): Delivery {
  if (status >= 400 && status < 500 && status !== 408) return 'refused';
  return 'unknown';
}

// A 303 ("see other") answers a request that was carried out; the other redirects ask for it elsewhere.
function redirectDelivery(status: number): Delivery {
  return status === 303 || status === 0 ? 'unknown' : 'refused';
}

// Errors from the adapter's credential callback pass through here: they learn the call's delivery.
function withDelivery(error: UniliveError, delivery: Delivery): UniliveError {
  return withErrorFields(error, { delivery });
}

function isRedirect(response: Response): boolean {
  // A browser answers `redirect: 'manual'` with an opaque response of status 0.
  return (response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect';
}

function redirectTarget(response: Response, from: URL | string): URL | undefined {
  const location = response.headers.get('location');
  if (location === null) return undefined;
  try {
    return new URL(location, from);
  } catch {
    return undefined;
  }
}

function redirectError(
  settings: HttpClientSettings,
  spec: HttpRequest<unknown>,
  response: Response,
  location: URL | undefined,
  hops: number,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  delivery: Delivery,
): UniliveError {
  const status = response.status;
  // Only the origin is named: a path or query may carry a token.
  const where = location ? `to ${location.protocol}//${location.host}` : 'to an unknown location';
  const why =
    hops >= maxRedirects
      ? `after ${hops} redirects`
      : spec.method !== 'GET'
        ? `(a ${spec.method} is never redirected: its body and credentials stay with ${new URL(settings.baseUrl).host})`
        : location && (location.username !== '' || location.password !== '')
          ? '(a redirect to a URL with a user name or password is never followed)'
          : "(only redirects within the base URL's origin are followed)";
  return new UniliveError(
    errorOptions({
      message: `${settings.provider} ${labelOf(spec)}: the vendor answered HTTP ${status || 'redirect'}, a redirect ${where}, not followed ${why}`,
      ...(status ? { status } : {}),
      delivery,
    }),
  );
}

function bodyTooLarge(
  settings: HttpClientSettings,
  spec: HttpRequest<unknown>,
  status: number,
  limit: number,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  delivery: Delivery,
): UniliveError {
  return new ResponseShapeError({
    ...errorOptions({
      message: `${settings.provider} ${labelOf(spec)}: the response body (HTTP ${status}) exceeds maxResponseBytes (${limit} bytes once decompressed); reading stopped there`,
      status,
      delivery,
    }),
    issues: [{ path: '$', expected: `a body of at most ${limit} bytes` }],
  });
}

// The gate held the request: aborted, or its wait would have passed the call's deadline.
function gateError(
  thrown: unknown,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  signal: AbortSignal | undefined,
  delivery: Delivery,
  provider: ProviderId,
  deadlineLimit: string,
): UniliveError {
  // The gate is the client's, which may be another copy of core than this HTTP layer's.
  const error = asGateDeadlineError(thrown) ?? asGateStoreUnavailableError(thrown) ?? thrown;
  if (error instanceof GateDeadlineError) {
    if (error.reason === 'paused') {
      const beyond =
        error.maxPauseMs === undefined
          ? "past this call's deadline"
          : `longer than this client waits for one (retry.maxRetryAfterMs ${error.maxPauseMs} ms)`;
      return new RateLimitError(
        errorOptions({
          message: `${provider}: the vendor's rate limit holds requests for ${Math.ceil((error.waitMs ?? 0) / 1000)} s more (after a 429), ${beyond}; not sent`,
          ...(error.waitMs === undefined ? {} : { retryAfterMs: error.waitMs }),
          delivery,
        }),
      );
    }
    if (error.reason === 'store') {
      return new TimeoutError(
        errorOptions({
          message: `${provider}: the rate limit store (${error.store ?? 'rateLimit.store'}) did not answer before ${deadlineLimit}, less its reserve, ran out; not sent`,
          delivery,
        }),
      );
    }
    return new TimeoutError(
      errorOptions({
        message: `${provider}: the client's rateLimit (${error.reason === 'rate' ? 'requestsPerSecond' : 'maxConcurrency'}) could not let the request start before ${deadlineLimit}, less its reserve, ran out; not sent`,
        delivery,
      }),
    );
  }
  if (signal?.aborted) return abortError(errorOptions, signal.reason, delivery);
  if (error instanceof GateStoreUnavailableError) {
    return new ProviderUnavailableError(
      errorOptions({
        message: `${provider}: the rate limit store (${error.store}) is unavailable (${error.reason}) and rateLimit is set to fail then; not sent`,
        delivery,
      }),
    );
  }
  if (UniliveError.isInstance(error)) return withDelivery(error, delivery);
  return new ProviderUnavailableError(
    errorOptions({ message: `${provider}: the request gate failed; not sent`, cause: error, delivery }),
  );
}

const timeoutMarker = Symbol('unilive.attempt-timeout');

// The reason an attempt's own signal is aborted with when the caller's fires: the one fetch itself gives an
// abort without a reason, made only when it fires (a call that is not aborted costs nothing), never the
// caller's value, which the error keeps as its cause.
function callerAborted(): unknown {
  return new DOMException('This operation was aborted', 'AbortError');
}

/**
 * What a request the gate held keeps of its time limit for itself (ms): at most this, and at most a tenth of
 * the call's time. A pause after a 429 is capped at `maxRetryAfterMs` from the moment the 429 came back, and
 * with the defaults that equals the next call's `totalTimeoutMs`: the pause then ends a few ms before that
 * call's deadline, and the request would be sent with those ms left (a `TimeoutError` whose delivery is
 * unknown, for a create). A start that late is refused at once instead.
 */
const startReserveMs = 1_000;

/**
 * The ky instance's settings. ky sends; everything around a send is this layer's: retries (`retry: 0`),
 * time limits (`timeout: false`; the attempt's own controller and the call's deadline), redirects
 * (`redirect: 'manual'`: fetch would re-send a body, restream keys included, to whatever host the answer
 * names, in clear if it says http, and turn a DELETE into a GET on a 303; the layer reads them instead) and
 * the status (`throwHttpErrors: false`: every answer is classified here). `fetch` is the one the adapter was
 * given, else the global one read at each send (so a fetch installed later, an interceptor among them, is
 * used).
 *
 * The attempt's signal and its checked headers reach ky's `fetch` as one option ky passes through untouched
 * ({@link attemptOption}). Given the signal as `signal`, ky would compose it with its own through
 * `AbortSignal.any`, some 5 µs and two weak references per call; given the headers as `headers`, ky copies
 * them into four `Headers` objects before its `Request` has them, some 3 µs per call. Set on the `Request`
 * ky built, in the order they were checked, they are sent exactly as before.
 *
 * ky reads options it was not given through the prototype chain (`json`, `searchParams`, `hooks`,
 * `headers`…), and so does the runtime's fetch: the layer calls ky only right after {@link prototypePollution}
 * found nothing on `Object.prototype`, in the same turn, and ky copies every option into objects of its
 * own in that turn.
 */
function kyDefaults(custom: typeof fetch | undefined): Options {
  const defaults = Object.create(null) as Options;
  defaults.retry = 0;
  defaults.timeout = false;
  defaults.throwHttpErrors = false;
  defaults.redirect = 'manual';
  defaults.fetch = (input, init) => {
    // Read here rather than through `ownValue`, whose one load site serves every key of every caller.
    const attempt = (
      typeof init === 'object' && init !== null && Object.hasOwn(init, attemptOption)
        ? (init as { uniliveAttempt?: unknown }).uniliveAttempt
        : undefined
    ) as KyAttempt | undefined;
    if (attempt !== undefined) {
      // The attempt ended (its time limit, the caller's signal) while ky built its Request: nothing is
      // sent, even by a custom fetch that would not look at the signal.
      if (attempt.signal.aborted) return Promise.reject(attempt.signal.reason);
      attempt.fetched = true;
    }
    const forwarded = new FetchInit(attempt?.signal);
    if (attempt !== undefined) {
      // ky always hands its fetch the `Request` it built.
      const headers = (input as Request).headers;
      const list = attempt.headers;
      for (let index = 0; index < list.length; index += 2)
        headers.set(list[index] as string, list[index + 1] as string);
    }
    if (custom === undefined) return globalThis.fetch(input, forwarded);
    // A custom fetch is the caller's code: what it answers is checked here, so that `null` or `{ status:
    // 200 }` is reported as what it is rather than as whatever ky fails on reading it.
    // One that throws something no fetch throws for a network failure (its own error while building the
    // answer: a `Response` subclass whose getter throws fails in `Response`'s constructor) is named the same
    // way, rather than as a vendor that could not be reached.
    let answered: unknown;
    try {
      answered = custom(input, forwarded);
    } catch (thrown) {
      return Promise.reject(customFetchFailure(thrown));
    }
    return Promise.resolve(answered).then(
      (answer: unknown) => {
        if (!isResponse(answer)) throw new NoResponse(answer);
        return answer as Response;
      },
      (thrown: unknown) => {
        throw customFetchFailure(thrown);
      },
    );
  };
  return defaults;
}

// A Response of this realm, or one of another copy of the Fetch API (a polyfill, another undici) that has
// what the layer reads: a numeric status and headers it can get from. A getter that throws is no Response.
// `instanceof Response` alone proves nothing: `Object.create(Response.prototype)` passes it and its getters
// throw a brand-check TypeError, and a subclass can override a getter to throw; ky would then fail reading
// it, and that failure reads as a connection that could not be made. So every answer is read here, through
// what ky and the layer read (`status`, `headers`, `ok`, `body`), inside the one try.
function isResponse(answer: unknown): answer is Response {
  try {
    const candidate = answer as {
      status?: unknown;
      headers?: { get?: unknown };
      ok?: unknown;
      body?: unknown;
    } | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.status !== 'number' ||
      typeof candidate.headers?.get !== 'function'
    )
      return false;
    // Read for their getters only: a copy of the Fetch API without them is still taken, one whose getter
    // throws is not.
    void candidate.ok;
    void candidate.body;
    return true;
  } catch {
    return false;
  }
}

/**
 * What a custom `fetch` answered when it answered no Response, or what it threw when that was no network
 * failure: its kind only, never its content ("it answered null", "it threw an Error").
 */
class NoResponse {
  readonly kind: string;
  readonly thrown: unknown;

  constructor(answer: unknown, threw = false) {
    if (answer === revokedProxy) {
      this.kind = 'answered a revoked Proxy, or threw reading one';
      this.thrown = undefined;
      return;
    }
    const type = typeof answer;
    const kind =
      answer === null || type === 'undefined'
        ? String(answer)
        : threw && isErrorInstance(answer)
          ? 'an Error'
          : Array.isArray(answer)
            ? 'an array'
            : type === 'object'
              ? 'an object'
              : `a ${type}`;
    this.kind = `${threw ? 'threw' : 'answered'} ${kind}`;
    this.thrown = threw ? answer : undefined;
  }
}

// A custom fetch answering a revoked Proxy (or an async one resolving to it) never reaches ky with it: the
// promise machinery reads its `then`, and the engine's TypeError rejects the answer instead. That TypeError
// is no network failure, and neither is one the fetch met reading a revoked Proxy of its own: the engine's
// message says so (V8 "Cannot perform 'get' on a proxy that has been revoked", SpiderMonkey "illegal
// operation attempted on a revoked proxy", JavaScriptCore "Proxy has already been revoked"), where a fetch's
// own TypeError ("fetch failed") never names a proxy.
const revokedProxy = Symbol('a revoked Proxy');

function isRevokedProxyFailure(error: TypeError): boolean {
  const message: unknown = error.message;
  return typeof message === 'string' && /\bproxy\b/i.test(message) && /\brevoked\b/i.test(message);
}

function isErrorInstance(value: unknown): boolean {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

// What a custom fetch threw, as the layer takes it: what fetch throws for a network failure (a TypeError,
// or an error carrying a system code such as ECONNREFUSED, as a fetch wrapping another client throws) and
// the layer's own errors pass as they are; anything else is the custom fetch failing, not the network.
// Aborts and time limits are told apart by the attempt's signal before this is read.
function customFetchFailure(thrown: unknown): unknown {
  try {
    if (thrown instanceof TypeError && isRevokedProxyFailure(thrown)) return new NoResponse(revokedProxy);
    if (thrown instanceof TypeError || isInstanceOf(thrown, UniliveError)) return thrown;
    if (systemCodeOf(thrown) !== undefined) return thrown;
  } catch {
    // A thrown value whose reads throw is no platform error.
  }
  return new NoResponse(thrown, true);
}

/**
 * fetch's `init`: fetch reads every field it knows (`body`, `method`, `headers`…) through the prototype
 * chain, and this one holds nothing but the attempt's signal. Built by a constructor whose prototype is
 * empty and has none itself, it is a small object V8 keeps fast, where `Object.create(null)` makes a
 * dictionary per request.
 */
const FetchInit = /* @__PURE__ */ (() => {
  class FetchInit {
    declare signal?: AbortSignal;
    constructor(signal: AbortSignal | undefined) {
      if (signal !== undefined) this.signal = signal;
    }
  }
  Object.setPrototypeOf(FetchInit.prototype, null);
  delete (FetchInit.prototype as { constructor?: unknown }).constructor;
  return FetchInit;
})();

// ky hands every option it does not know to fetch as its second argument. Written out by name where the
// option is made and read (`kyOptions`, `kyDefaults`); the type holds the name and the constant together.
const attemptOption: keyof { uniliveAttempt: KyAttempt } = 'uniliveAttempt';

/** What one attempt hands to ky's `fetch`: its signal, and its headers as checked (name, value, …). */
interface KyAttempt {
  signal: AbortSignal;
  headers: readonly string[];
  /** Set when fetch is called: from then on the request may have left this machine. */
  fetched: boolean;
}

/**
 * One attempt's options for ky: the body is the string serialised once per call from own data, sent with
 * the content-type header `credentialHeaders` set, so ky's `json` path (which would serialise again, through
 * `toJSON`) is never taken.
 *
 * A GET leaves `method` out: ky merges its instance's settings with each option given, one object copy per
 * option, and then takes the method from the input (`input.method`) or, without one, GET: 3 to 7 k
 * instructions per call less (`docs/decisions/2026-12-01-ky-call-options.md`). The input is a string or a
 * URL, whose `method` is read here, in the turn ky reads it: a `method` put on `String.prototype` or
 * `URL.prototype` (which the prototype check does not cover) is not taken by ky, as the method is then given.
 */
function kyOptions(
  method: HttpMethod,
  target: URL | string,
  body: string | null,
  attempt: KyAttempt,
): Options {
  // The option written by name (`attemptOption`'s value), not as a computed key: V8 adds a computed key to an
  // object literal through a call into its runtime, some 1,000 instructions per attempt.
  const options: Options & { uniliveAttempt: KyAttempt } =
    method === 'GET' && (target as { method?: unknown }).method === undefined
      ? { uniliveAttempt: attempt }
      : { method, uniliveAttempt: attempt };
  if (body !== null) options.body = body;
  return options;
}

// A failure to produce credentials (a missing setting, a signing error) is not a network failure: it is
// reported as such and never retried.
function credentialsOf(
  settings: HttpClientSettings,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
): Record<string, string> | Promise<Record<string, string>> {
  let produced: Record<string, string> | Promise<Record<string, string>>;
  try {
    produced = settings.headers();
  } catch (error) {
    return credentialFailure(settings, errorOptions, error);
  }
  return isThenable(produced)
    ? Promise.resolve(produced).then(undefined, (error: unknown) =>
        credentialFailure(settings, errorOptions, error),
      )
    : produced;
}

function credentialFailure(
  settings: HttpClientSettings,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  error: unknown,
): never {
  if (UniliveError.isInstance(error)) {
    // A credential read before the request (a control character, a missing variable) failed the call the
    // caller made: named for it (`get`), as the hooks name it, never left without an operation or named
    // `configure`, the factory's.
    const { operation } = errorOptions({ message: '' });
    throw typeof operation === 'string' && operation !== '' ? servedOperation(error, operation) : error;
  }
  throw new AuthenticationError(
    errorOptions({
      message: `${settings.provider}: could not prepare credentials`,
      cause: error,
    }),
  );
}

/**
 * The attempt's headers, checked, as a flat list of names and values: `accept`, `content-type` when there
 * is a body, then the adapter's, each of which replaces an earlier one of the same name.
 */
function credentialHeaders(
  settings: HttpClientSettings,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  hasBody: boolean,
  headers: Record<string, string>,
): string[] {
  // fetch refuses such a header with a bare TypeError, which would pass for a network failure and be
  // retried: a credential no header can carry is a configuration problem, reported before anything is sent.
  const checked = hasBody
    ? ['accept', 'application/json', 'content-type', 'application/json']
    : ['accept', 'application/json'];
  if (headers === undefined || headers === null) return checked;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!isSendableHeader(name, value)) {
      throw new InvalidInputError({
        ...errorOptions({ message: unsendableHeaderMessage(settings.provider, name) }),
        issues: [{ path: name, message: unsendableHeaderIssue }],
      });
    }
    checked.push(name, value);
  }
  return checked;
}

// Whether `headers` still holds every adapter header of `checked` (after `accept` and `content-type`), each
// with the value checked: a getter's value is read again, and one that changed is checked again.
function holds(headers: Record<string, string>, checked: readonly string[], hasBody: boolean): boolean {
  for (let index = hasBody ? 4 : 2; index < checked.length; index += 2)
    if (headers[checked[index] as string] !== checked[index + 1]) return false;
  return true;
}

/**
 * The request as the adapter described it, each field read from its own properties and every field set, so
 * a field left out (`body`, `query`, `idempotent`…) is absent whatever `Object.prototype` holds.
 */
function requestOf<T>(given: HttpRequest<T>): HttpRequest<T> {
  if ((typeof given !== 'object' && typeof given !== 'function') || given === null)
    return unreadRequest as unknown as HttpRequest<T>;
  // Each field read where it is named, not through `ownValue`: one load site per field keeps V8's lookup
  // specialised to the few shapes adapters build, where one shared load site over every key and every
  // caller's object goes through the megamorphic lookup, some 20 times a request.
  const has = Object.hasOwn;
  return {
    operation: has(given, 'operation') ? given.operation : undefined,
    method: has(given, 'method') ? given.method : undefined,
    path: has(given, 'path') ? given.path : undefined,
    query: has(given, 'query') ? given.query : undefined,
    body: has(given, 'body') ? given.body : undefined,
    schema: has(given, 'schema') ? given.schema : undefined,
    idempotent: has(given, 'idempotent') ? given.idempotent : undefined,
    goneMeansDone: has(given, 'goneMeansDone') ? given.goneMeansDone : undefined,
    notFoundIsAnswer: has(given, 'notFoundIsAnswer') ? given.notFoundIsAnswer : undefined,
    acceptEmptySuccess: has(given, 'acceptEmptySuccess') ? given.acceptEmptySuccess : undefined,
    options: has(given, 'options') ? given.options : undefined,
    step: has(given, 'step') ? given.step : undefined,
    stream: has(given, 'stream') ? given.stream : undefined,
  } as HttpRequest<T>;
}

// What `requestOf` reads of anything that is no object: every field absent.
const unreadRequest = /* @__PURE__ */ Object.freeze({
  operation: undefined,
  method: undefined,
  path: undefined,
  query: undefined,
  body: undefined,
  schema: undefined,
  idempotent: undefined,
  goneMeansDone: undefined,
  notFoundIsAnswer: undefined,
  acceptEmptySuccess: undefined,
  options: undefined,
  step: undefined,
  stream: undefined,
});

/**
 * The request as made for the public operation `served` (`CallRuntime.operation`): errors and events name
 * `served`, and the message keeps the provider call's own operation, and its step, as the step.
 */
function servingOperation<T>(spec: HttpRequest<T>, served: unknown): HttpRequest<T> {
  if (typeof served !== 'string' || served === '' || served === spec.operation) return spec;
  const step =
    typeof spec.step === 'string' && spec.step !== '' ? `${spec.operation}: ${spec.step}` : spec.operation;
  return { ...spec, operation: served, step };
}

/** The operation as messages name it: with the request within it (`stop (reading the HLS egress)`) when given. */
function labelOf(spec: Pick<HttpRequest<unknown>, 'operation' | 'step'>): string {
  return typeof spec.step === 'string' && spec.step !== ''
    ? `${spec.operation} (${spec.step})`
    : spec.operation;
}

const noHooks: HttpHooks = /* @__PURE__ */ Object.freeze(Object.create(null) as HttpHooks);

// Hooks objects made by sealHooks: read once, frozen, taken as they are.
const sealed = /* @__PURE__ */ new WeakSet<object>();

/**
 * The hooks a client hands to every request it makes, read field by field from own properties once (every
 * field set, so none comes from a prototype) and frozen: the HTTP layer takes them as they are rather than
 * reading them again for each request. Not part of the API.
 * @internal
 */
export function sealHooks(value: unknown): HttpHooks {
  const hooks = Object.freeze(hooksOf(value));
  sealed.add(hooks);
  return hooks;
}

// The call's hooks, each read from own properties (every field set, so none comes from a prototype).
function hooksOf(value: unknown): HttpHooks {
  if (typeof value !== 'object' || value === null) return noHooks;
  if (sealed.has(value)) return value as HttpHooks;
  return {
    onRequest: ownValue(value, 'onRequest'),
    onResponse: ownValue(value, 'onResponse'),
    onRetry: ownValue(value, 'onRetry'),
    onError: ownValue(value, 'onError'),
    onWarning: ownValue(value, 'onWarning'),
  } as HttpHooks;
}

// An answer's `onResponse` event. The vendor chose the request id header: it is scrubbed and cut like any
// vendor text.
function emitResponse(
  onResponse: NonNullable<HttpHooks['onResponse']>,
  base: HttpEventBase,
  response: Response,
  durationMs: number,
  settings: Pick<HttpClientSettings, 'secrets'>,
  stream: string | undefined,
): void {
  const requestId = requestIdOf(response.headers);
  const hide = echoRedactor(settings.secrets, response.status === 404 || response.status === 410, stream);
  emit(
    onResponse,
    {
      ...base,
      status: response.status,
      durationMs,
      ...(requestId ? { requestId: scrubText(requestId, hide, errorTextLimits.requestId) } : {}),
    },
    settings.secrets,
  );
}

/**
 * What masks the vendor's texts of an answer (its message, code and request id): the client's secrets, and,
 * where the vendor says the stream is not there (`notFound`: a 404 or 410, or an answer the adapter reads as
 * a NotFoundError, videosdk's 402), that stream's id too. The value may be no id at all: a stream key passed
 * where an id goes, which no set holds when another process made the stream (docs/errors.md,
 * NotFoundError). Masked before any text is cut, so a cut never keeps its beginning. On any other answer
 * the stream exists: its id is an id, and shown.
 */
function echoRedactor(secrets: SecretSet, notFound: boolean, stream: string | undefined): Redactor {
  return notFound && typeof stream === 'string'
    ? combinedRedactor([secrets, knownValuesRedactor([stream])])
    : secrets;
}

// The error that ends the call's requests, marked with its request for the `onError` of the call that
// rejects with it (the client's or the registry's, which alone know the call is over). Heard here only by
// hooks handed to a provider called directly (a client hands its provider none for `onError`).
function report(hooks: HttpHooks, event: () => HttpEventBase, error: UniliveError) {
  markRequest(error, event);
  if (hooks.onError) emit(hooks.onError, { ...event(), error });
  return error;
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return undefined;
}

// Only the property's name, cut: never its value.
function pollutionError(
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  name: string,
  delivery: Delivery,
  where: string,
): UniliveError {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  return new UniliveError(
    errorOptions({
      message: `${where}: Object.prototype carries ${shown}, set by code in this process (a polluted prototype): ky and the runtime's fetch read such properties into requests, so nothing was sent`,
      delivery,
    }),
  );
}

function abortError(
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  reason: unknown,
  delivery: Delivery,
) {
  // Named for the call the caller made, not the request inside it: one text for one event (`abortedMessage`).
  const { provider, operation } = errorOptions({ message: '' });
  return new AbortError(
    errorOptions({ message: abortedMessage(provider, operation), cause: reason, delivery }),
  );
}

// The success decoded and handed to the request's `learn` (whatever that throws is ignored: learning is the
// adapter's reading of the answer, done again after the call, and whatever fails here fails there), or why
// it could not be decoded; undefined for a request without `learn`. Read from the request as the adapter
// described it, and only here: the copy every request makes holds no field for it.
function learnedAnswer<T>(
  described: HttpRequest<T>,
  spec: HttpRequest<T>,
  response: Response,
  text: string,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  settings: Pick<HttpClientSettings, 'provider' | 'secrets'>,
  delivery: Delivery,
): { data: T; body: unknown } | { error: unknown } | undefined {
  let learn: unknown;
  try {
    learn = ownValue(described, 'learn');
  } catch {
    // A getter (or a Proxy's trap) that throws is a request without `learn`: the call goes on as it would
    // without a hook, never failed (and retried) for it.
    return undefined;
  }
  if (typeof learn !== 'function') return undefined;
  let decoded: { data: T; body: unknown };
  try {
    decoded = decodeSuccess(spec, response, text, errorOptions, settings, delivery, described);
  } catch (error) {
    return { error };
  }
  callLearn(learn, described, decoded.data, decoded.body);
  return decoded;
}

// Hands a request's `learn` an answer; whatever it throws or rejects with is ignored (see learnedAnswer).
function callLearn(learn: unknown, described: object, data: unknown, body: unknown): void {
  try {
    const returned: unknown = (learn as (data: unknown, body: unknown) => unknown).call(
      described,
      data,
      body,
    );
    // Typed as returning void, an `async` learn still returns a promise: its rejection is ignored too,
    // never left unhandled (reading `then` may throw: the try holds it).
    ignoreRejection(returned);
  } catch {
    // See learnedAnswer.
  }
}

// The request's `learn` given what the schema read of a 2xx JSON answer that does not fit it, hook or not:
// the answer fails the call, so the adapter never reads it after, and the secrets it brings (a stream key
// beside an id no call could use) would stay unknown to every later error and event. Read only on such a
// failure, so a success costs nothing more.
function learnUnread(partial: unknown, body: unknown, described: unknown): void {
  let learn: unknown;
  try {
    learn = ownValue(described as object, 'learn');
  } catch {
    return;
  }
  if (typeof learn === 'function') callLearn(learn, described as object, partial, body);
}

// The request's `learn` given what arrived of a 2xx answer that is not whole JSON (truncated, or its body
// broke off: a dropped connection, a declared length never reached, a compressed stream cut), hook or not:
// the call fails, so the adapter never reads it after, and the secrets it brought (a new stream's key
// before the cut) would stay unknown to every later error and event. The beginning is read as far as it
// went (`readJsonBeginning`), and the request's schema run over it: `learn` takes the output when it
// fits, else what the schema read, as `learnUnread` hands it; whatever it throws or rejects with is
// ignored. A value the text broke off inside, which that learning took (wholly, or as the value's last
// characters, such as a password taken out of a cut URL), is known only by its beginning: the secret set
// learns it as such (`learnTruncated`), so a later text holding the whole value hides it all. Run only on
// such a failure: a whole success costs nothing more.
function learnBeginning(
  described: object,
  schema: GenericSchema<unknown, unknown> | undefined,
  text: string,
  secrets: SecretSet,
): void {
  if (schema === undefined || text === '') return;
  let learn: unknown;
  try {
    learn = ownValue(described, 'learn');
  } catch {
    return;
  }
  if (typeof learn !== 'function') return;
  try {
    // A string cut inside is a secret's beginning at most, of which the set keeps its first
    // truncatedKeptLength characters: the adapter is handed no more, so a hostile answer cut megabytes into
    // a "key" has none of it learned whole (as pieces) or read further.
    const { value, cut } = readJsonBeginning(text, truncatedKeptLength);
    if (value === undefined) return;
    const read = safeParseOwn(schema, value);
    const cutShort = cut !== undefined && cut !== '';
    // What the set held before `learn`: a value it learns now that ends where the text broke off is a
    // beginning, not a whole value.
    const before = cutShort ? secrets.values() : undefined;
    if (read.success) callLearn(learn, described, read.output, value);
    else if (Object.hasOwn(read, 'partial')) callLearn(learn, described, read.partial, value);
    else return;
    if (cutShort) learnCutValues(secrets, cut, before as readonly string[]);
  } catch {
    // Learning is a courtesy of an answer that fails anyway: the error is the outcome.
  }
}

// The values the secret set holds that end where the text broke off: the ones the request's `learn` took
// from the cut string (the string itself, or a part of it such as a URL's last segment), known only by
// their beginning. Those `learn` added (not among `before`) are no longer held whole: a beginning held
// whole would hide every word it starts (a key cut after `stre` hid `stream`), and under 8 characters it is
// not held at all (`knownOnlyByBeginning`). A value held before, which the cut string happens to end with,
// stays whole and is learned as a beginning too: it may have been the beginning of a longer one.
function learnCutValues(secrets: SecretSet, cut: string, before: readonly string[]): void {
  const values = secrets.values();
  const held = new Set(before);
  const ending: string[] = [];
  const fresh: string[] = [];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as string;
    if (value.length === 0 || value.length > cut.length || !cut.endsWith(value)) continue;
    if (held.has(value)) ending.push(value);
    else fresh.push(value);
  }
  knownOnlyByBeginning(secrets, fresh);
  if (ending.length > 0) secrets.learnTruncated(...ending);
  // A URL's password the text broke off inside, before its `@`: an adapter reads a password out of a whole
  // URL only (`urlPassword`), so it took none.
  const password = cutUrlPassword(cut);
  if (password !== undefined) secrets.learnTruncated(password);
}

// The beginning of a URL that stops inside its user information's password (`rtmp://user:pass`, no `@`,
// `/`, `?` or `#` after the scheme's `//` yet), or right after it, before its host did (`rtmp://user:pass@`,
// which no URL parser reads, so the adapter took nothing either). A host's port (`rtmp://host:19`) reads
// the same, but has at most five digits, under the 8 characters `learnTruncated` needs; an IPv6 host's
// brackets are no user.
const cutUserInformation = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:[\]]*:([^/?#@]*)@?$/;

// The password a URL broke off inside or right after (see cutUserInformation), percent-decoded as far as it
// went (an escape cut short dropped; as written when it does not decode), or undefined when `cut` is no
// such URL.
function cutUrlPassword(cut: string): string | undefined {
  const match = cutUserInformation.exec(cut);
  if (match === null) return undefined;
  const password = (match[1] as string).replace(/%[0-9A-Fa-f]?$/, '');
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

function decodeSuccess<T>(
  spec: HttpRequest<T>,
  response: Response,
  text: string,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  settings: Pick<HttpClientSettings, 'provider' | 'secrets'>,
  delivery: Delivery,
  described: HttpRequest<T>,
): { data: T; body: unknown } {
  if (!spec.schema) {
    // Nothing of the answer is read, but it must be one the vendor could have sent (no body, or JSON of any
    // shape): a delete answered by a proxy's HTML page, or by JSON cut short, is never reported done while
    // the stream may still exist.
    if (isEmptyOrJson(text)) return { data: undefined as T, body: undefined };
    throwIfCompressedCut(response, text);
    throw notJson(spec, response, text, errorOptions, settings, delivery, true);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // An accepted change answered with nothing at all: the caller reads the stream back.
    if (spec.acceptEmptySuccess && text.trim() === '') return { data: undefined as T, body: undefined };
    // A JSON answer that broke off (its length honest, its text not): what arrived of it is learned.
    learnBeginning(described, spec.schema, text, settings.secrets);
    throwIfCompressedCut(response, text);
    throw notJson(spec, response, text, errorOptions, settings, delivery, false);
  }
  let data: T;
  try {
    data = readVendorResponse(
      spec.schema,
      body,
      {
        provider: settings.provider,
        operation: spec.operation,
        // Named in the message only when the answer is refused: nothing is built for one that fits.
        step: spec.step,
        secrets: settings.secrets,
        status: response.status,
      },
      learnUnread,
      described,
    );
  } catch (error) {
    if (UniliveError.isInstance(error)) throw withDelivery(error, delivery);
    throw error;
  }
  return { data, body };
}

// The codings fetch inflates (`gzip`, `x-gzip`, `deflate`, `br`, `zstd`), one or several chained.
const inflatedCodings = /^\s*(?:x-gzip|gzip|deflate|br|zstd)\s*(?:,\s*(?:x-gzip|gzip|deflate|br|zstd)\s*)*$/i;

/**
 * A 2xx whose compressed body ends early, its Content-Length honest: Node's fetch (undici) inflates with
 * zlib's lenient flush (`Z_SYNC_FLUSH`, brotli's `FLUSH`), so a stream that stops before its end ends the
 * body without an error, and the text is what inflated up to there. A compressed body whose text is empty,
 * or stops inside its JSON (an object left open, a string cut), is read as such a body: the broken-off
 * answer it is (`AnswerCut`), not a body that is not JSON. Called only on a text that failed as JSON, so a
 * whole answer costs nothing more. (A compressed stream that finished holding JSON cut short cannot be told
 * from one that stopped early: it is read the same way.)
 */
function throwIfCompressedCut(response: Response, text: string): void {
  const coding = response.headers.get('content-encoding');
  if (coding === null || !inflatedCodings.test(coding)) return;
  if (text.trim() !== '' && !endsInsideJson(text)) return;
  const received = new TextEncoder().encode(text).byteLength;
  throw new AnswerCut(
    response.status,
    received,
    requestIdOf(response.headers),
    undefined,
    coding.trim().toLowerCase(),
  );
}

// No body at all (only whitespace), or one that parses as JSON, whatever its shape.
function isEmptyOrJson(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// A 2xx whose body is not the JSON expected: it may not be the vendor's (a proxy's page), so whether the
// request was carried out is unknown (`delivery`). `unread`: a request without a schema, which would have
// taken no body as well, and whose caller is told what is unknown (a delete's stream may still exist).
function notJson(
  spec: HttpRequest<unknown>,
  response: Response,
  text: string,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  settings: Pick<HttpClientSettings, 'provider'>,
  delivery: Delivery,
  unread: boolean,
): ResponseShapeError {
  const type = response.headers.get('content-type') ?? 'no content type';
  const received = `received ${text.length === 0 ? 'an empty body' : `${type} that is not JSON`} (HTTP ${response.status})`;
  // A change answered so (a proxy's HTML page on a 200) may or may not have been carried out, whether its
  // answer is read (videosdk v2's room deactivated by a POST) or only checked: the same hint on every adapter.
  const uncertain = ", which may not be the vendor's: whether the request was carried out is unknown";
  const change = spec.method !== 'GET';
  return new ResponseShapeError({
    ...errorOptions({
      message: unread
        ? `${settings.provider} ${labelOf(spec)}: expected no body or a JSON body, ${received}${uncertain}`
        : `${settings.provider} ${labelOf(spec)}: expected a JSON body, ${received}${change ? uncertain : ''}`,
      status: response.status,
      delivery,
    }),
    issues: [{ path: '$', expected: unread ? 'JSON or no body' : 'JSON' }],
  });
}

function vendorError(
  settings: HttpClientSettings,
  spec: HttpRequest<unknown>,
  // The provider call's own operation (`create`), which an adapter's classifier keys on: the same answer is
  // the same class whether the caller called it or a wait or migration made it (`spec.operation`).
  requested: string,
  response: Response,
  text: string,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
  delivery: Delivery,
  // Set when the body broke off after that many bytes: the message says so, as the vendor's own message
  // and code in it were not read.
  cutAfter?: number,
  // Set, to the cap, when the body ran past maxResponseBytes and was not read: the message says so.
  overCap?: number,
  // Set, to `retry.maxRetryAfterMs`, when the vendor's `Retry-After` is longer: the message says the call
  // was not retried for that.
  waitCeiling?: number,
): UniliveError {
  const status = response.status;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page, say): only the status speaks.
  }
  let details: VendorErrorDetails = {};
  try {
    details = settings.readError?.(body) ?? {};
  } catch {
    details = {};
  }
  const code = details.code;
  // Scrubbed and cut here already, as the message embeds it: redacted first, so a cut never keeps half a
  // secret.
  const vendorText = details.message ?? (response.statusText || undefined);
  const scrubbed =
    vendorText === undefined
      ? undefined
      : scrubText(vendorText, settings.secrets, errorTextLimits.vendorMessage);
  const ErrorClass =
    settings.classifyError?.({
      status,
      operation: requested,
      code,
      message: scrubbed,
      ...(cutAfter === undefined && overCap === undefined ? {} : { bodyLost: true }),
    }) ?? classifyStatus(status);
  const notFound =
    status === 404 ||
    status === 410 ||
    (ErrorClass as unknown) === NotFoundError ||
    ErrorClass.prototype instanceof NotFoundError;
  const hide = echoRedactor(settings.secrets, notFound, spec.stream);
  const vendorMessage =
    hide === settings.secrets || vendorText === undefined
      ? scrubbed
      : scrubText(vendorText, hide, errorTextLimits.vendorMessage);
  // The code as the message and `vendorCode` show it (the classifier above read it as sent).
  const shownCode = code === undefined || hide === settings.secrets ? code : redactStable(hide, code);
  const summary = [`HTTP ${status}`, shownCode].filter(Boolean).join(' ');
  return new ErrorClass({
    message: `${settings.provider} ${labelOf(spec)} failed (${summary})${vendorMessage ? `: ${vendorMessage}` : ''}${cutAfter === undefined ? '' : ` (the connection was lost after ${cutAfter} ${cutAfter === 1 ? 'byte' : 'bytes'} of the body)`}${overCap === undefined ? '' : ` (the body exceeds maxResponseBytes, ${overCap} bytes once decompressed, and was not read)`}${waitCeiling === undefined || retryAfterMs === undefined ? '' : `; not retried: the vendor asked to wait ${retryAfterMs} ms, longer than this client waits for one (retry.maxRetryAfterMs ${waitCeiling} ms)`}`,
    provider: settings.provider,
    operation: spec.operation,
    status,
    vendorCode: shownCode,
    vendorMessage,
    requestId:
      requestId === undefined || hide === settings.secrets ? requestId : redactStable(hide, requestId),
    retryAfterMs,
    delivery,
    secrets: settings.secrets,
  });
}

/** The error class for a vendor status, when the adapter has no more specific rule. */
export function classifyStatus(status: number): VendorErrorClass {
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 404 || status === 410) return NotFoundError;
  if (status === 409 || status === 423) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status === 408) return TimeoutError;
  if (status === 400 || status === 422) return InvalidInputError;
  if (status >= 500) return ProviderUnavailableError;
  return UniliveError;
}

// Undici's network error for a port on the Fetch standard's block list: a cause whose message is exactly
// "bad port" (a fixed text of the platform's, never the vendor's).
function isBadPortRefusal(error: unknown): boolean {
  try {
    for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
      if (current instanceof Error && current.message === 'bad port') return true;
      current = (current as { cause?: unknown }).cause;
    }
  } catch {
    // A cause whose reads throw is no platform error.
  }
  return false;
}

/**
 * A success whose body broke off: the vendor answered `status`, and `received` bytes of its body arrived.
 * `coding` is set when the connection held and the body's compressed stream ended early (its Content-Length
 * honest): its Content-Encoding.
 */
class AnswerCut {
  readonly status: number;
  readonly received: number;
  readonly requestId: string | undefined;
  readonly cause: unknown;
  readonly coding: string | undefined;
  /** The answer's Content-Encoding, when its body failed to read (a body that does not decode names it). */
  encoding: string | undefined = undefined;

  constructor(
    status: number,
    received: number,
    requestId: string | undefined,
    cause: unknown,
    coding?: string,
  ) {
    this.status = status;
    this.received = received;
    this.requestId = requestId;
    this.cause = cause;
    this.coding = coding;
  }
}

function systemCodeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// undici's own code for a connection it lost (`UND_ERR_SOCKET`: the other side closed it), named where no
// system code is: a cause whose reads throw names none.
function undiciCodeOf(error: unknown): string | undefined {
  try {
    for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && /^UND_ERR_[A-Z_]{1,40}$/.test(code)) return code;
      current = (current as { cause?: unknown }).cause;
    }
  } catch {
    // No platform error.
  }
  return undefined;
}

// Node's fetch (undici) for an answer it could not parse as HTTP/1.1: its parser's errors (`HPE_…`, the
// class `HTTPParserError`), headers past its limit, two `Content-Length`s that disagree, and a socket error
// it raises for an answer it cannot take ("bad response": a `100 Continue` it did not ask for). What names
// it (the code, else the class), or undefined for any other failure. A cause whose reads throw is none.
function notHttpAnswer(error: unknown): string | undefined {
  try {
    for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
      const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
      if (typeof code === 'string' && (/^HPE_[A-Z_]+$/.test(code) || malformedAnswerCodes.has(code)))
        return code;
      if (name === 'HTTPParserError') return name;
      if (code === 'UND_ERR_SOCKET' && message === 'bad response') return `${code}, bad response`;
      current = (current as { cause?: unknown }).cause;
    }
  } catch {
    // A cause whose reads throw is no platform error.
  }
  return undefined;
}

const malformedAnswerCodes = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH']);

// The decoder's code when a body failed to inflate as its Content-Encoding says (zlib's `Z_DATA_ERROR`,
// brotli's `ERR__ERROR_FORMAT_…`, zstd's), else undefined.
function undecodableBody(error: unknown): string | undefined {
  try {
    for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && /^(?:Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+|ERR_ZSTD_[A-Z0-9_]+)$/.test(code))
        return code;
      current = (current as { cause?: unknown }).cause;
    }
  } catch {
    // As above.
  }
  return undefined;
}

// The rules a provider called directly reads one operation's options with: core's, and the adapter's own
// names declared for that operation (a list of names: for every operation). Built once per operation.
function callOptionRulesOf(
  names: readonly string[] | ProviderCallOptionNames | undefined,
): (operation: string) => Readonly<Record<string, OptionRule>> {
  if (names === undefined || Array.isArray(names)) {
    const rules = providerCallOptionRulesWith((names as readonly string[] | undefined) ?? []);
    return () => rules;
  }
  const byOperation = new Map<string, Readonly<Record<string, OptionRule>>>();
  return (operation) => {
    let rules = byOperation.get(operation);
    if (rules === undefined) {
      const declared = Object.hasOwn(names, operation)
        ? (names as Record<string, readonly string[] | undefined>)[operation]
        : undefined;
      rules = providerCallOptionRulesWith(declared ?? []);
      byOperation.set(operation, rules);
    }
    return rules;
  };
}
