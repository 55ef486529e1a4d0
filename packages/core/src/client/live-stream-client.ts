import type { DependencyContainer } from 'tsyringe';
import { isBuiltInProvider } from '../built-in.js';
import type { ProviderCapabilities } from '../capabilities.js';
import { readCapabilities } from '../capabilities-read.js';
import { tokens } from '../di/tokens.js';
import {
  AbortError,
  abortedMessage,
  type InputIssue,
  InvalidInputError,
  NotFoundError,
  ResponseShapeError,
} from '../errors/errors.js';
import { maskedValue, requestOf, servedOperation, UniliveError } from '../errors/unilive-error.js';
import { emit, type HttpHooks, scrubbedBy } from '../http/hooks.js';
import { sealHooks } from '../http/http-client.js';
import {
  checkRateLimitOptions,
  createRequestGate,
  type RateLimitOptions,
  type RequestGate,
} from '../http/request-gate.js';
import { assertValidId, idProblem } from '../ids.js';
import {
  inputSecrets,
  invalidInput,
  providerOptionsWarnings,
  readStartProviderOptions,
  refuseUnreadProviderOptions,
  streamSecrets,
  validateCreateInput,
  validateUpdateInput,
} from '../inputs.js';
import { sameStream } from '../lifecycle.js';
import type { LiveStream, LiveStreamState, ProviderId, Warning } from '../live-stream.js';
import { clientMethodNames } from '../operation-names.js';
import {
  abortedReason,
  callOptionRules,
  callOptionsError,
  containerRule,
  hookRules,
  limitRule,
  listOptionIssues,
  listOptionRules,
  markClientOptions,
  notAborted,
  type OptionRule,
  optionRules,
  readOptions,
  readOptionsAndIssues,
  startOptionRules,
} from '../options.js';
import { ownValue, thrownKind, unreadableText, withBoundMethods } from '../own.js';
import type {
  CallOptions,
  CallRuntime,
  CreateLiveStreamInput,
  ListOptions,
  LiveStreamProvider,
  LiveStreamStatus,
  ProviderListOptions,
  ProviderOptions,
  ProviderOptionsOperation,
  StartOptions,
  UpdateLiveStreamInput,
} from '../provider.js';
import {
  hasWarnings,
  keepsStreamSecrets,
  maskedFailure,
  maskedWarning,
  providerRedactor,
  providerRedactorSource,
  secretsProblem,
  withHeldSecrets,
  withMaskedWarnings,
} from '../provider-secrets.js';
import { type Clock, type Sleep, systemClock, systemSleep } from '../runtime.js';
import { combinedRedactor, knownValuesRedactor, type Redactor, redactStable, SecretSet } from '../secrets.js';
import { withNameShownOrWarned } from '../update-name.js';
import { boundedProvider, settleBy } from './bounded-calls.js';
import { eventPacedIntervals, eventWake, isEventSource } from './event-wake.js';
import { readOutsideStream } from './outside-answer.js';
import {
  type ProviderMethodName,
  providerMethod,
  providerProblem,
  readProviderId,
  readProviderOptionsOn,
} from './provider-method.js';
import { type WaitForBroadcastOptions, waitForBroadcastStatus } from './wait-for-broadcast.js';
import { checkWaitOptions, type WaitForStateOptions, waitForStatus } from './wait-for-state.js';

/**
 * Options every client call takes: `signal` and `timeoutMs` (see {@link CallOptions}). Read from own
 * properties; any other name (`timeoutMS`) is an `InvalidInputError` naming the nearest valid one, before
 * any request. `list` takes more ({@link ListOptions}), and so does `start` ({@link StartRequestOptions}).
 */
export type RequestOptions = Omit<CallOptions, 'runtime'>;

/**
 * Options of the client's `start`: those of every call, and the adapter's start options (see
 * {@link StartOptions}); any other name is refused as for {@link RequestOptions}.
 */
export type StartRequestOptions = Omit<StartOptions, 'runtime'>;

/** What `list` returns: iterate it with `for await`, or collect it with `toArray`. */
export interface LiveStreamList extends AsyncIterable<LiveStream> {
  /**
   * Collects every stream (or the first `limit`, a whole number from 0; `Infinity`, the default, is every
   * stream) into an array. Any other `limit`,
   * or another name (`limt`), is an `InvalidInputError`, before any request. Rejects with `AbortError` when
   * the list's `signal` fires before the walk is over. `limit: 0` sends nothing, but a list that cannot be
   * walked (its signal already aborted, an option of `list` refused) rejects as with any other limit.
   */
  toArray(options?: { limit?: number | undefined }): Promise<LiveStream[]>;
}

/**
 * A provider wrapped with validation, waiting, logging hooks and the shared retry and timeout policy. Each
 * call is bound to its client, so a call taken off it (`const { get } = client`, a callback) behaves as
 * `client.get(…)` does, given the same arguments (`ids.map(client.get)` would also pass each index as the
 * options: write `ids.map((id) => client.get(id))`).
 */
export interface LiveStreamClient<P extends LiveStreamProvider = LiveStreamProvider> {
  /**
   * The wrapped provider's `id`: typed as that provider declares it (`'liveapi'` for a client of
   * `liveapi()`), `ProviderId` for a client whose provider is only known as a `LiveStreamProvider` (one made
   * from configuration).
   */
  readonly providerId: P['id'];
  readonly capabilities: ProviderCapabilities;
  /**
   * The wrapped provider, for vendor-specific calls (Wowza Video's `reset`): typed
   * as the provider given to {@link createLiveStreamClient}, or `LiveStreamProvider` for a client whose
   * provider a container may supply.
   */
  readonly provider: P;
  /** Creates a stream. Invalid input throws `InvalidInputError` before any request. */
  create(input: CreateLiveStreamInput, options?: RequestOptions): Promise<LiveStream>;
  /**
   * Reads one stream as the vendor has it now: a new object each call, its `raw` the vendor's answer.
   * Each attempt is bounded by `timeoutMs` (default 15 s) and the call, retries included, by
   * `totalTimeoutMs` (default 60 s); reads are retried after a timeout, 408, 429 or 5xx (2 retries by
   * default).
   * @throws InvalidInputError (`delivery: 'not-sent'`) for an id that is no text the vendor's ids can be,
   *   or options it does not take, before any request.
   * @throws NotFoundError when the vendor has no such stream (404, or 410).
   * @throws AuthenticationError, RateLimitError, ProviderUnavailableError, TimeoutError, AbortError or
   *   ResponseShapeError, each naming provider, operation `get`, status and the vendor's code and message
   *   (`docs/errors.md`).
   */
  get(id: string, options?: RequestOptions): Promise<LiveStream>;
  /**
   * Every stream, fetched page by page as the iteration goes. Options other than those of
   * {@link ListOptions} (`pagesize`), or a `pageSize` or `maxPages` that is no positive integer, make the
   * first step of the iteration throw `InvalidInputError`, before any request. Once the `signal` fires, the
   * walk ends with `AbortError` (`delivery: 'not-sent'`, the signal's reason as `cause`) at the next
   * stream, on every adapter, even one from a page already fetched: no stream is handed out after it fired,
   * no request is made, and a walk that was reading its last page ends with it rather than complete. A walk
   * that has said it is done (its end reached, or closed by `return`, as a `break` closes it) stays done:
   * `next()` resolves `{ done: true }`, whatever the signal does afterwards. The names the provider adds
   * (`callOptionNames.list`, typed in {@link ProviderListOptions}: Wowza Video's `details`) are accepted and
   * handed to it as given; on a provider that declares none they are refused like any unknown name.
   */
  list(options?: Omit<ListOptions, 'runtime'> & ProviderListOptions): LiveStreamList;
  /**
   * Changes the fields `patch` gives (`restream` is the whole set of targets the stream ends with) and
   * resolves with the stream as the vendor then has it. Time limits as for {@link LiveStreamClient.get};
   * a change is retried only where it is safe (`docs/errors.md`).
   * @throws InvalidInputError (`delivery: 'not-sent'`) before any request: an empty patch, values the
   *   neutral input refuses, provider options this provider does not take. A field the vendor cannot
   *   change (`capabilities.updatable`) is refused or warned of as the provider's page says.
   * @throws NotFoundError when the vendor has no such stream.
   * @throws ChangeAppliedError when the vendor accepted part of the change and a later request of the call
   *   failed (the read back, a restream target), naming the parts `applied`, `unknown` and `notApplied`;
   *   and the errors {@link LiveStreamClient.get} names, `delivery` saying whether the change may have
   *   been made.
   */
  update(id: string, patch: UpdateLiveStreamInput, options?: RequestOptions): Promise<LiveStream>;
  /**
   * Deletes the stream. A retry that finds the stream gone after an attempt that got no answer resolves:
   * the lost attempt deleted it. Time limits as for {@link LiveStreamClient.get}.
   * @throws InvalidInputError (`delivery: 'not-sent'`) for a malformed id, before any request.
   * @throws NotFoundError when the stream did not exist (a second delete of one stream), and the errors
   *   {@link LiveStreamClient.get} names.
   */
  delete(id: string, options?: RequestOptions): Promise<void>;
  /**
   * Starts the stream; see the provider's `capabilities.lifecycle` for what that means there.
   * `providerOptions` carries settings a vendor takes only at start (videosdk v2); an adapter that takes
   * none refuses options under its id with `InvalidInputError`, before any request.
   */
  start(id: string, options?: StartRequestOptions): Promise<LiveStream>;
  /**
   * Stops the stream; throws `UnsupportedOperationError` (`delivery: 'not-sent'`) where the vendor cannot
   * (`capabilities.stop` false: videosdk v1).
   */
  stop(id: string, options?: RequestOptions): Promise<LiveStream>;
  /**
   * Resolves with the stream once it is in `state` (or one of several states), polling the vendor; the
   * stream carries the warnings of the read that returned it, which `onWarning` hears once, named
   * `waitForState` (`waitForBroadcast` likewise). With
   * `events` (a webhook event hub), each event about the stream makes it poll at once, and it polls slowly
   * otherwise. A state that is no neutral state, or none of which the provider ever reports
   * (`capabilities.states`), is an `InvalidInputError` naming `state`, before any request.
   * @throws ConflictError (`delivery: 'not-sent'`: the polls only read) at once when a poll reads the stream
   * in a state it can no longer leave for the states waited for: `disabled` where the vendor cannot enable
   * a stream again (`capabilities.enable` not true: every built-in vendor but videosdk v2), or `stopped`
   * where it cannot start a stream again (`capabilities.restart` false: Wowza Real-Time, videosdk v1) and
   * `stopped` is not among them. Elsewhere a stopped or disabled stream may still be started or enabled by
   * another caller, so the wait goes on.
   * @throws TimeoutError (with `lastState`, no `delivery`: every request of the wait only reads) when
   * `timeoutMs` (default 300 s) runs out first: every request the wait makes ends by then, its polls and,
   * where the poll is a status call (Wowza Video, Wowza Real-Time, videosdk v2), the read of the whole
   * stream made once it saw the state; running out during that read names the state seen as `lastState`,
   * its message saying the stream was seen in it but could not be read in time. A request the deadline
   * ended is the wait's timeout whatever the clock reads when its timer fires (on Node a millisecond or two
   * early), and so is a poll the client's `rateLimit` cannot start before the deadline less its reserve
   * (ended at once, unsent).
   * @throws the error of the first poll that still fails after the client's retries, at once, however much
   * of `timeoutMs` is left: the wait does not poll on through a vendor's outage. A 5xx on every attempt ends
   * a 5-minute wait with `ProviderUnavailableError` after about a second (the retries' backoff), as does a
   * refused connection; a 429 ends it with `RateLimitError` once its `Retry-After` waits are spent (at once
   * when one passes `retry.maxRetryAfterMs`); also `AuthenticationError`, `NotFoundError` (the stream was
   * deleted), `ResponseShapeError`, and `TimeoutError` without `lastState` when every attempt of one poll
   * ran out of its `timeoutMs` before the wait's own deadline. Every poll only reads: the wait can be made
   * again (`error.isRetryable` says whether that may help).
   * @throws AbortError when `signal` fires, at once.
   */
  waitForState(
    id: string,
    state: LiveStreamState | readonly LiveStreamState[],
    options?: WaitForStateOptions,
  ): Promise<LiveStream>;
  /**
   * Resolves with the stream once video arrives (or, with `broadcasting: false`, once it stops). Where the
   * vendor's API reports it (`capabilities.broadcastingStatus`) the API decides and `events` only make it
   * poll at once; elsewhere the newest event about the stream that sets `broadcasting` decides (a parsed
   * `connected` / `disconnected`, or any event a confirming read or the application set it on), so
   * `events` are required there (else `UnsupportedOperationError`, before any request). The API has the
   * last word over an event: a stream a poll reads `stopped` or `disabled` is not broadcasting, whatever the
   * newest event said (waiting for video there fails fast with `ConflictError` where it is disabled for good,
   * `capabilities.enable` not true, or stopped for good, `capabilities.restart` false; where the stream can
   * be started or enabled again it waits on, since anyone holding it may, and if it stays so ends at
   * `timeoutMs` with `TimeoutError`, `lastState: 'stopped'` or `'disabled'`, its message saying such a stream
   * takes no video until it is started, or enabled and started).
   * `timeoutMs` bounds every request, as for `waitForState`: the read of the whole stream after a status
   * poll included.
   */
  waitForBroadcast(id: string, options?: WaitForBroadcastOptions): Promise<LiveStream>;
}

/** Options of {@link createLiveStreamClient}. */
export interface LiveStreamClientOptions {
  /** Observers of every request, response, retry and failure; URLs scrubbed, no headers or bodies. */
  hooks?: HttpHooks | undefined;
  /**
   * A container whose registrations (see `tokens`) override the provider, hooks, clock or sleep. Without
   * one the client uses the arguments and the defaults, and tsyringe is never loaded.
   */
  container?: DependencyContainer | undefined;
  /**
   * Paces this client's requests to the vendor's limit: `{ requestsPerSecond: 100, maxConcurrency: 20 }`.
   * After a 429 every pending request waits for the vendor's `Retry-After`, not only the one refused.
   */
  rateLimit?: RateLimitOptions | undefined;
}

/**
 * Wraps a provider in a client. The provider may come from an adapter factory
 * (`createLiveStreamClient(wowzaVideo({ token }))`) or be registered on the given container under
 * `tokens.provider`. Given a provider and no container, the client's `provider` keeps the provider's type
 * (`client.provider.reset(id)` on Wowza Video); with a container, whose registration may override it, it
 * is a `LiveStreamProvider`.
 * @throws InvalidInputError (`operation: 'configure'`, `delivery: 'not-sent'`) naming the option: no
 *   provider (none given, none on the container), options that are no plain object or a name it does not
 *   take, a hook that is no function, `rateLimit` fields out of range.
 */
export function createLiveStreamClient<P extends LiveStreamProvider>(
  provider: P,
  given?: LiveStreamClientOptions & { container?: undefined },
): LiveStreamClient<P>;
export function createLiveStreamClient(
  provider?: LiveStreamProvider,
  given?: LiveStreamClientOptions,
): LiveStreamClient;
export function createLiveStreamClient(
  provider?: LiveStreamProvider,
  given?: LiveStreamClientOptions,
): LiveStreamClient {
  try {
    return buildClient(provider, given);
  } catch (error) {
    // A refusal of the options names the caller's names (an unknown option, a hook, a rate-limit field):
    // one may repeat the provider's credential, so it is masked by its secrets, as every call's refusal is.
    if (!InvalidInputError.isInstance(error) || typeof provider !== 'object' || provider === null)
      throw error;
    let redactor: Redactor;
    try {
      redactor = providerRedactor(provider);
    } catch {
      throw error;
    }
    throw maskedFailure(error, redactor);
  }
}

function buildClient(provider: LiveStreamProvider | undefined, given: LiveStreamClientOptions | undefined) {
  const options = readClientOptions(given);
  const parts = options.container
    ? resolveParts(options.container, provider, options.hooks)
    : { provider, hooks: options.hooks ?? Object.create(null), clock: systemClock, sleep: systemSleep };
  if (!parts.provider) {
    throw invalidInput([{ path: 'provider', message: 'expected a provider, or a container that has one' }], {
      operation: 'configure',
    });
  }
  const { clock, sleep } = parts;
  const rateLimit = options.rateLimit === undefined ? undefined : checkRateLimitOptions(options.rateLimit);
  return withBoundMethods(
    new DefaultLiveStreamClient(
      parts.provider,
      // A container's hooks are read like the caller's: own, known, functions.
      options.container ? readHooks(parts.hooks) : parts.hooks,
      clock,
      sleep,
      rateLimit ? createRequestGate(rateLimit, clock, sleep) : undefined,
    ),
    clientMethodNames,
  );
}

/**
 * The client's options, read from own properties and checked: unknown names (`ratelimit`, a hook named
 * `onRequests`) are an `InvalidInputError` naming the nearest valid one, as are values of the wrong type.
 */
function readClientOptions(given: LiveStreamClientOptions | undefined): LiveStreamClientOptions {
  const options = readOptions<LiveStreamClientOptions>(
    given,
    {
      hooks: optionRules.object,
      container: containerRule,
      rateLimit: optionRules.object,
    },
    { operation: 'configure', path: 'options' },
  );
  if (options.hooks !== undefined) options.hooks = readHooks(options.hooks);
  return options;
}

/** Hooks read from own properties, each a function; see {@link readOptions}. */
export function readHooks(hooks: unknown): HttpHooks {
  return readOptions<HttpHooks>(hooks, hookRules, { operation: 'configure', path: 'hooks' });
}

// Only a caller who composes with a container pays for tsyringe: this path receives the container and
// never imports it, so bundles of the plain path leave tsyringe out.
function resolveParts(container: DependencyContainer, provider?: LiveStreamProvider, hooks?: HttpHooks) {
  const orDefault = <T>(token: symbol, value: T | undefined, fallback: T): T =>
    value !== undefined
      ? value
      : container.isRegistered(token, true)
        ? container.resolve<T>(token)
        : fallback;
  return {
    provider: orDefault<LiveStreamProvider | undefined>(tokens.provider, provider, undefined),
    hooks: orDefault<HttpHooks>(tokens.hooks, hooks, {}),
    clock: orDefault<Clock>(tokens.clock, undefined, systemClock),
    sleep: orDefault<Sleep>(tokens.sleep, undefined, systemSleep),
  };
}

class DefaultLiveStreamClient implements LiveStreamClient {
  constructor(
    readonly provider: LiveStreamProvider,
    private readonly hooks: HttpHooks,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly gate: RequestGate | undefined,
    // The public operation this client's calls serve when a registry makes them for one of its own
    // (`migrate`, `findByName`): every hook event of theirs names it. Set only through `servingClient`.
    private readonly served?: string,
    redactorSource?: () => Redactor,
    capabilities?: ProviderCapabilities,
    answerSecrets?: SecretSet,
    providerOptionsOn?: readonly ProviderOptionsOperation[],
  ) {
    this.#id = readProviderId(provider);
    this.#checksAnswers = !isBuiltInProvider(provider);
    this.#callee = this.#checksAnswers ? boundedProvider(provider, this.#id, clock) : provider;
    if (redactorSource === undefined) {
      // Asked first (the source reads `secrets()` as it is made): what the provider answers now stays
      // hidden after it rotates, from the very next answer on.
      const source = providerRedactorSource(provider);
      // Secrets that cannot be read mask nothing: refused as configuration, before any call could show one.
      const problem = secretsProblem(provider);
      if (problem !== undefined) throw providerProblem('provider.secrets', problem);
      // A provider that keeps its streams' secrets itself answers `secrets()` with a SecretSet's list (as
      // the built-in adapters do). Any other (a list of its credentials, or nothing) has the stream keys,
      // passwords and tokens its answers carry held by the client instead, so an error of its that quotes
      // one later (a failed delete repeating the key) shows none, as an adapter's does.
      this.#answerSecrets = keepsStreamSecrets(provider) ? undefined : new SecretSet();
      this.#redactor = this.#answerSecrets ? withHeldSecrets(source, this.#answerSecrets) : source;
    } else {
      this.#redactor = redactorSource;
      this.#answerSecrets = answerSecrets;
    }
    this.#capabilities = capabilities ?? this.readCapabilities();
    this.#providerOptionsOn = providerOptionsOn ?? this.readProviderOptionsOn();
  }

  // Read once, as the capabilities are, and masked the same way: what a getter of it threw is the
  // provider's code.
  private readProviderOptionsOn(): readonly ProviderOptionsOperation[] {
    try {
      return readProviderOptionsOn(
        () => this.provider.providerOptionsOn,
        'provider.providerOptionsOn',
        providerProblem,
      );
    } catch (error) {
      throw maskedFailure(error, this.redactor());
    }
  }

  // Read once, checked and frozen, when the client is made: what a wait decides on (`states`, `restart`,
  // `broadcastingStatus`) is what `capabilities` shows, and a provider whose capabilities are malformed (an
  // outside adapter) is refused here, as configuration, rather than failing its first wait untyped. What a
  // getter of them threw (the cause) is the provider's code: masked by its secrets.
  private readCapabilities(): ProviderCapabilities {
    try {
      return readCapabilities(() => this.provider.capabilities, 'provider.capabilities', providerProblem);
    } catch (error) {
      throw maskedFailure(error, this.redactor());
    }
  }

  /** This client without its `onError`: the calls a registry makes on it are heard by the registry. */
  quiet(): DefaultLiveStreamClient {
    if (this.hooks.onError === undefined) return this;
    const { onError: _onError, ...rest } = this.hooks;
    return new DefaultLiveStreamClient(
      this.provider,
      Object.freeze(rest),
      this.clock,
      this.sleep,
      this.gate,
      this.served,
      this.#redactor,
      this.#capabilities,
      this.#answerSecrets,
      this.#providerOptionsOn,
    );
  }

  /** The `onError` this client raises, if any (see `clientOnError`). */
  get onError(): HttpHooks['onError'] {
    return this.hooks.onError;
  }

  /** This client, as seen by calls made while serving `operation` (see `servingClient`). */
  servingFor(operation: string): DefaultLiveStreamClient {
    return new DefaultLiveStreamClient(
      this.provider,
      this.hooks,
      this.clock,
      this.sleep,
      this.gate,
      operation,
      this.#redactor,
      this.#capabilities,
      this.#answerSecrets,
      this.#providerOptionsOn,
    );
  }

  create(input: CreateLiveStreamInput, options?: RequestOptions): Promise<LiveStream> {
    return this.guard('create', () => this.createUnguarded(input, options), options);
  }

  // The read a caller repeats most: guarded in place, as `guard` does, without its closure and extra frame.
  async get(id: string, options?: RequestOptions): Promise<LiveStream> {
    try {
      this.refuseAborted(options, 'get');
      this.checkId(id, 'get');
      return this.reported(
        'get',
        this.same(
          await this.method('get', 'get').call(this.provider, id, this.callOptions(options, 'get')),
          id,
          'get',
        ),
      );
    } catch (error) {
      throw this.forgottenIfGone(
        id,
        this.failed(
          'get',
          UniliveError.isInstance(error)
            ? this.masked(error)
            : this.unexpected('get', error, this.redactor(), options),
        ),
      );
    }
  }

  update(id: string, patch: UpdateLiveStreamInput, options?: RequestOptions): Promise<LiveStream> {
    return this.guard('update', () => this.updateUnguarded(id, patch, options), options, id);
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.guard('delete', () => this.deleteUnguarded(id, options), options, id);
  }

  start(id: string, options?: StartRequestOptions): Promise<LiveStream> {
    return this.guard('start', () => this.startUnguarded(id, options), options, id);
  }

  stop(id: string, options?: RequestOptions): Promise<LiveStream> {
    return this.guard('stop', () => this.stopUnguarded(id, options), options, id);
  }

  waitForState(
    id: string,
    state: LiveStreamState | readonly LiveStreamState[],
    options?: WaitForStateOptions,
  ): Promise<LiveStream> {
    return this.guard('waitForState', () => this.waitForStateUnguarded(id, state, options), options, id);
  }

  waitForBroadcast(id: string, options?: WaitForBroadcastOptions): Promise<LiveStream> {
    return this.guard('waitForBroadcast', () => this.waitForBroadcastUnguarded(id, options), options, id);
  }

  // Every outcome of a client call is a result or a UniliveError: anything else (a bug, or a runtime broken
  // by whatever else runs in the process) is reported as a UniliveError whose cause keeps its name and
  // scrubbed message, with `delivery: 'unknown'`, since nothing tells whether a request went out.
  // `id`: the stream a call is about, whose held secrets a NotFoundError about it drops.
  private async guard<T>(
    operation: string,
    run: () => Promise<T>,
    options: unknown,
    id?: unknown,
  ): Promise<T> {
    try {
      this.refuseAborted(options, operation);
      return await run();
    } catch (error) {
      // Named for the call the caller made, whichever provider call inside it failed (a wait's poll).
      throw this.forgottenIfGone(
        id,
        this.failed(
          operation,
          UniliveError.isInstance(error)
            ? this.masked(servedOperation(error, operation))
            : this.unexpected(operation, error, this.redactor(), options),
        ),
      );
    }
  }

  // A stream an outside provider says is not found (deleted by another process, or on the vendor's
  // dashboard) no longer has its secrets held by this client, as an adapter drops a stream's on a 404 about
  // it (docs/decisions/2026-12-06-forget-streams-gone.md): a long-running process holds the secrets of the
  // streams the account has, not of every stream it ever read. Dropped after `error` was masked and
  // `onError` heard it, so neither shows them; a NotFoundError naming another stream drops nothing.
  private forgottenIfGone(id: unknown, error: UniliveError): UniliveError {
    const held = this.#answerSecrets;
    if (
      held !== undefined &&
      typeof id === 'string' &&
      NotFoundError.isInstance(error) &&
      (error.streamId === undefined || error.streamId === id)
    )
      held.forgetStream(id);
    return error;
  }

  // The call rejects with `error`: `onError` hears it, once, here and nowhere else (the provider is handed
  // no `onError`: a request it refused and then settled is no failed call). A list walk calls this once.
  private failed(operation: string, error: UniliveError): UniliveError {
    const onError = this.hooks.onError;
    if (onError) {
      // The failed request's URL was scrubbed by the HTTP layer's secrets: masked again by the provider's,
      // as every event a provider's layer raised is.
      const event = maskedHttpEvent(
        { provider: this.#id, operation: this.served ?? operation, ...requestOf(error) },
        this.redactor(),
      );
      emit(onError, { ...event, error });
    }
    return error;
  }

  // A signal already aborted when the call is made ends it before anything else: before its arguments are
  // checked, before the provider decides anything (an operation the vendor does not have, videosdk v1's
  // `stop`) and before any request, with the AbortError every adapter would give (`delivery: 'not-sent'`).
  // The caller gave up: whatever else the call would have said is no answer they wait for
  // (`docs/decisions/2026-12-01-aborted-signal-first.md`). A signal aborted later is the HTTP layer's.
  private refuseAborted(options: unknown, operation: string): void {
    const reason = abortedReason(options);
    if (reason === notAborted) return;
    throw this.aborted(operation, reason, 'not-sent');
  }

  // The call `operation` aborted by the caller, `cause` the signal's reason (or what a provider rejected
  // with for it): the one AbortError every abort the client itself reports is.
  private aborted(
    operation: string,
    cause: unknown,
    delivery: 'not-sent' | 'unknown',
    secrets?: Redactor,
  ): AbortError {
    return new AbortError({
      provider: this.#id,
      operation,
      message: abortedMessage(this.#id, operation),
      cause,
      delivery,
      ...(secrets === undefined ? {} : { secrets }),
    });
  }

  get providerId(): ProviderId {
    // An object made from a client (`Object.create(client)`, a wrapper written by the application) reads
    // this getter with itself as `this`, which holds no `#id`: its provider's id then, as before.
    return #id in this ? this.#id : (this as LiveStreamClient).provider.id;
  }

  // The provider method a call needs, read once as it is made (`providerMethod`), named in a refusal as the
  // call is (`findByName (list)` for one serving a registry's).
  private method<K extends ProviderMethodName>(name: K, operation: string): LiveStreamProvider[K] {
    return providerMethod(this.#callee, name, {
      provider: this.#id,
      operation: this.served ?? operation,
      label: this.served === undefined ? operation : `${this.served} (${operation})`,
    });
  }

  get capabilities(): ProviderCapabilities {
    // An object made from a client (see `providerId`) holds no copy of its own: its provider's then.
    return #capabilities in this ? this.#capabilities : (this as LiveStreamClient).provider.capabilities;
  }

  private async createUnguarded(input: CreateLiveStreamInput, options?: RequestOptions): Promise<LiveStream> {
    const valid = validateCreateInput(input, this.#id);
    refuseUnreadProviderOptions(valid, this.#id, 'create', this.#providerOptionsOn);
    const create = this.method('create', 'create');
    const created = await this.sending(valid, 'create', () =>
      create.call(this.provider, valid, this.callOptions(options, 'create')),
    );
    // Options under an id no provider has went nowhere: said on the result, and so on `onWarning`.
    return this.reported(
      'create',
      withWarnings(this.usable(created, 'create'), providerOptionsWarnings(valid, this.#id)),
    );
  }

  list(options?: Omit<ListOptions, 'runtime'> & ProviderListOptions): LiveStreamList {
    const provider = this.provider;
    // Bad options, like a page size or page cap that is no positive integer, fail the first step of the
    // walk, before any request; a page size above the vendor's maximum is capped by the adapter.
    let callOptions: ListOptions = Object.create(null);
    let invalid: unknown;
    try {
      callOptions = this.callOptions(options, 'list', listOptionRules);
      const issues = listOptionIssues(callOptions);
      if (issues.length > 0) throw callOptionsError(issues, { provider: this.#id, operation: 'list' });
    } catch (error) {
      // Masked as every other call's refusal is: an option's name is the caller's text, and may repeat a
      // credential (a token pasted where a name belongs).
      invalid = UniliveError.isInstance(error) ? this.masked(error) : error;
    }
    const reported = (stream: LiveStream) => this.reported('list', stream);
    const sought = callOptions.name;
    const strict = callOptions.strict === true;
    const signal = callOptions.signal;
    // Read when the walk begins: a signal aborted by then ends it first, as any call's (refuseAborted), then
    // bad options. Also all a `toArray({ limit: 0 })` does, which walks nothing but fails as the walk would.
    const refused = (): UniliveError | undefined => {
      let failure: unknown = invalid;
      try {
        this.refuseAborted(options, 'list');
      } catch (error) {
        failure = this.masked(error as UniliveError);
      }
      return failure ? this.failed('list', failure as UniliveError) : undefined;
    };
    const iterable: AsyncIterable<LiveStream> = {
      [Symbol.asyncIterator]: () => {
        const failure = refused();
        if (failure) return failedWalk(failure);
        // Each listed stream's own warnings (a summary without endpoints, say) reach onWarning as the
        // walk's do, when the caller's loop gets the stream; whatever the provider throws is a UniliveError,
        // from `list` itself (thrown at once, or what it returned being no async iterable) as from its steps.
        // The walk is the call: `onError` hears its first failure only, however often the caller asks on.
        let heard = false;
        const typed = (error: unknown) => {
          const failure = UniliveError.isInstance(error)
            ? this.masked(error)
            : this.unexpected('list', error, this.redactor(), options);
          if (heard) return failure;
          heard = true;
          return this.failed('list', failure);
        };
        let streams: AsyncIterator<LiveStream>;
        try {
          streams = this.method('list', 'list').call(provider, callOptions)[Symbol.asyncIterator]();
        } catch (error) {
          return failedWalk(typed(error));
        }
        // Once the walk has said it is done (its end reached, or closed by `return`), it stays done,
        // whatever the signal does afterwards.
        let finished = false;
        // Records the provider has yielded, counted for the message of one that cannot be used.
        let record = 0;
        return {
          next: async () => {
            if (finished) return { done: true as const, value: undefined };
            try {
              // Asked for one name: every other stream is left out here, whatever the adapter yields (one
              // whose vendor's page names no stream reads each one and yields it).
              for (let passed = 0; ; passed += 1) {
                // Records passed over in one step (skipped, or not the name sought) come from promises that
                // may all be settled already: every 256 of them the walk waits a turn of the event loop, so
                // a timer, an abort or any other work can run, rather than holding the process until the
                // provider runs out.
                if (passed > 0 && passed % 256 === 0) await this.sleep(0);
                // Checked here, on every adapter, rather than left to the requests: a vendor whose pages
                // carry whole streams (LiveAPI, videosdk v1) makes none for the rest of a page already
                // fetched, and would hand it all out after the caller gave up.
                this.refuseAbortedWalk(signal, streams);
                // A provider from outside this repository may never settle a step: the caller's signal
                // ends the walk all the same (see boundedProvider).
                const step: IteratorResult<LiveStream> = this.#checksAnswers
                  ? await settleBy(
                      () => streams.next(),
                      signal === undefined ? undefined : { signal },
                      {
                        provider: this.#id,
                        operation: this.served ?? 'list',
                        // As a signal fired between steps ends the walk (refuseAbortedWalk).
                        aborted: () => {
                          try {
                            this.refuseAbortedWalk(signal, streams);
                          } catch (error) {
                            return error;
                          }
                        },
                      },
                      this.clock,
                    )
                  : await streams.next();
                // An iterator's result is an object (the iterator protocol); anything else would read as a
                // record of nothing, skipped, and a provider answering it forever would never end the walk.
                if (typeof step !== 'object' || step === null)
                  throw new TypeError("the provider's list iterator answered no iterator result");
                // Fired while the step ran (an `onResponse` hook, a page answered as the signal fired):
                // what it brought is not handed out, nor is a walk it ended reported complete.
                this.refuseAbortedWalk(signal, step.done ? undefined : streams);
                if (step.done) {
                  finished = true;
                  return step;
                }
                record += 1;
                const read = this.answered(step.value);
                let problem = 'problem' in read ? read.problem : undefined;
                let shown: LiveStream | undefined;
                if ('stream' in read) {
                  // The name and warnings of a third-party provider's record are read here: one whose
                  // getter throws is a record that cannot be read, not a failure of the walk.
                  try {
                    if (sought !== undefined && read.stream.name !== sought) continue;
                    shown = reported(read.stream);
                  } catch {
                    problem = unreadableRecord;
                  }
                }
                if (problem !== undefined || shown === undefined) {
                  problem ??= unreadableRecord;
                  // A record with no usable id (a provider from outside this repository: the built-in
                  // adapters skip such records themselves) cannot be read, updated or referenced: skipped
                  // with a warning, or the strict walk's error, as a vendor's unusable record is. One whose
                  // own name is another than the one sought is not the stream asked for.
                  let named: unknown;
                  try {
                    named = typeof step.value === 'object' ? ownValue(step.value, 'name') : undefined;
                  } catch {
                    named = undefined;
                  }
                  if (sought !== undefined && typeof named === 'string' && named !== sought) continue;
                  // Named for the call the walk serves, as the adapters' pages name it (`findByName (list)`).
                  const label = this.served === undefined ? 'list' : `${this.served} (list)`;
                  const operation = this.served ?? 'list';
                  refuseOrSkipRecord(
                    problem,
                    `${this.#id} ${label}: record ${record} of the walk`,
                    strict,
                    { provider: this.#id, operation },
                    (warning) => emit(this.hooks.onWarning, { provider: this.#id, operation, warning }),
                  );
                  continue;
                }
                return { done: false, value: shown };
              }
            } catch (error) {
              throw typed(error);
            }
          },
          // Called when the caller's loop ends early (a `break`, toArray's limit): a `return` that throws at
          // once, or hands back no promise, fails as a step would rather than as a TypeError of our own.
          return: async (value?: unknown) => {
            finished = true;
            try {
              const finish = streams.return;
              if (typeof finish !== 'function') return { done: true as const, value: value as LiveStream };
              const letGo = finish.call(streams, value as LiveStream);
              // A provider from outside this repository may never settle its iterator's `return`: the
              // caller's signal ends the wait for it, and the walk ends as the caller asked (what a
              // `toArray` limit collected is kept), the provider left to let go in its own time.
              const result: unknown =
                this.#checksAnswers && signal !== undefined
                  ? await settleBy(
                      () => letGo,
                      { signal },
                      {
                        provider: this.#id,
                        operation: this.served ?? 'list',
                        aborted: () => walkLetGo,
                      },
                      this.clock,
                    ).catch((error: unknown) => {
                      if (error === walkLetGo) return undefined;
                      throw error;
                    })
                  : await letGo;
              return typeof result === 'object' && result !== null
                ? (result as IteratorResult<LiveStream>)
                : { done: true as const, value: value as LiveStream };
            } catch (error) {
              throw typed(error);
            }
          },
        };
      },
    };
    const providerId = this.#id;
    return {
      [Symbol.asyncIterator]: iterable[Symbol.asyncIterator],
      // Read as every option is: `{ limt: 5 }` or `{ limit: NaN }` would otherwise walk every page.
      async toArray(arrayOptions?: { limit?: number }) {
        const { limit = Number.POSITIVE_INFINITY } = readOptions<{ limit?: number }>(
          arrayOptions,
          { limit: limitRule },
          { provider: providerId, operation: 'list', path: 'options' },
        );
        const streams: LiveStream[] = [];
        if (limit <= 0) {
          const failure = refused();
          if (failure) throw failure;
          return streams;
        }
        for await (const stream of iterable) {
          streams.push(stream);
          if (streams.length >= limit) break;
        }
        return streams;
      },
    };
  }

  // A walk whose caller's signal has fired ends here with AbortError, at the next stream it would hand out,
  // whether its vendor would make a request for it or not (see docs/multi-provider.md, Listing). `walk`,
  // when given, is the adapter's walk, closed (best effort, not awaited) so that it lets go of what it holds.
  private refuseAbortedWalk(signal: AbortSignal | undefined, walk: AsyncIterator<LiveStream> | undefined) {
    if (signal?.aborted !== true) return;
    try {
      if (walk && typeof walk.return === 'function')
        void Promise.resolve(walk.return()).catch(() => undefined);
    } catch {
      // A walk whose return throws has nothing more to let go of.
    }
    // No request goes out for the stream it ends at.
    throw this.aborted(this.served ?? 'list', signal.reason, 'not-sent');
  }

  // What a provider threw that is none of unilive's errors, as one: named for the call, and, where the call
  // serves a registry's (`migrate`), in its message as every error of a served call is (`migrate (create)`).
  // A provider that honours the caller's signal the way `fetch` does rejects with the signal's reason (a
  // DOMException named AbortError): once that signal has fired, that is the call aborted, an `AbortError`
  // (`delivery: 'unknown'`: the provider may have sent something), as a built-in adapter's abort is.
  private unexpected(operation: string, error: unknown, redactor: Redactor, options?: unknown): UniliveError {
    if (abortedWith(options, error)) return this.aborted(operation, error, 'unknown', redactor);
    const label = this.served === undefined ? operation : `${this.served} (${operation})`;
    return unexpectedFailure(this.#id, operation, label, error, redactor);
  }

  // The credentials the caller's input carries (restream stream keys, credential-named provider options:
  // `inputSecrets`) mask whatever the provider's call fails with, as the built-in adapters register them
  // before their request: an outside provider whose error repeats what it was sent (a vendor refusing a
  // restream key, quoted) shows it to no one, through a client, a registry and a migration alike.
  private async sending<T>(
    input: { restream?: unknown; providerOptions?: unknown },
    operation: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const sent = inputSecrets(input, this.#id);
      if (sent.length === 0) throw error;
      const redactor = combinedRedactor([this.redactor(), knownValuesRedactor(sent)]);
      throw UniliveError.isInstance(error)
        ? maskedFailure(error, redactor, this.#checksAnswers)
        : this.unexpected(operation, error, redactor);
    }
  }

  private async updateUnguarded(
    id: string,
    patch: UpdateLiveStreamInput,
    options?: RequestOptions,
  ): Promise<LiveStream> {
    this.checkId(id, 'update');
    const valid = validateUpdateInput(patch, this.#id);
    refuseUnreadProviderOptions(valid, this.#id, 'update', this.#providerOptionsOn);
    const update = this.method('update', 'update');
    const updated = this.same(
      await this.sending(valid, 'update', () =>
        update.call(this.provider, id, valid, this.callOptions(options, 'update')),
      ),
      id,
      'update',
    );
    // A provider of this repository has said it already; an outside one may not have.
    const shown = withNameShownOrWarned(updated, valid.name);
    return this.reported('update', withWarnings(shown, providerOptionsWarnings(valid, this.#id)));
  }

  private async deleteUnguarded(id: string, options?: RequestOptions): Promise<void> {
    this.checkId(id, 'delete');
    await this.method('delete', 'delete').call(this.provider, id, this.callOptions(options, 'delete'));
    // Gone: its secrets are no longer held for it, as an adapter forgets a deleted stream's.
    this.#answerSecrets?.forgetStream(id);
  }

  private async startUnguarded(id: string, options?: StartRequestOptions): Promise<LiveStream> {
    this.checkId(id, 'start');
    // Read once with the call's other options; checked below, where its problems get their own words.
    // Checked before the copy is marked (which freezes it), in place of what the caller gave.
    const callOptions: StartOptions = this.callOptions(
      options,
      'start',
      startOptionRules,
      this.runtime(),
      (own: StartOptions) => {
        const { providerOptions } = own;
        delete own.providerOptions;
        if (providerOptions !== undefined) {
          own.providerOptions = readStartProviderOptions(
            providerOptions,
            this.#id,
            this.#providerOptionsOn,
          ) as ProviderOptions<'start'>;
        }
      },
    );
    const checked = callOptions.providerOptions;
    const start = this.method('start', 'start');
    if (checked === undefined)
      return this.reported('start', this.same(await start.call(this.provider, id, callOptions), id, 'start'));
    const started = this.same(
      await this.sending({ providerOptions: checked }, 'start', () =>
        start.call(this.provider, id, callOptions),
      ),
      id,
      'start',
    );
    return this.reported(
      'start',
      withWarnings(started, providerOptionsWarnings({ providerOptions: checked }, this.#id, 'start')),
    );
  }

  private async stopUnguarded(id: string, options?: RequestOptions): Promise<LiveStream> {
    this.checkId(id, 'stop');
    return this.reported(
      'stop',
      this.same(
        await this.method('stop', 'stop').call(this.provider, id, this.callOptions(options, 'stop')),
        id,
        'stop',
      ),
    );
  }

  private async waitForStateUnguarded(
    id: string,
    state: LiveStreamState | readonly LiveStreamState[],
    given?: WaitForStateOptions,
  ): Promise<LiveStream> {
    this.checkId(id, 'waitForState');
    const { options, issues } = this.waitOptions<WaitForStateOptions>(given, 'waitForState', waitRules);
    // Plain JavaScript callers may pass anything: every target is checked before any request.
    // Copied once: a Proxy of an array whose reads throw is a state list that cannot be read.
    let targets: readonly LiveStreamState[] | undefined;
    try {
      targets = Array.isArray(state)
        ? [...(state as readonly LiveStreamState[])]
        : [state as LiveStreamState];
    } catch {
      issues.unshift({ path: 'state', message: unreadableText });
    }
    const { events, ...waitOptions } = options;
    const paced = events ? { ...waitOptions, ...eventPacedIntervals(waitOptions) } : waitOptions;
    // Every problem of the call in one error: the state, the options' names and types, the intervals.
    checkWaitOptions(this.#id, targets, paced, 'waitForState', issues);
    const callOptions = this.callOptions(
      options.signal ? { signal: options.signal } : {},
      'waitForState',
      callOptionRules,
      this.servingRuntime('waitForState'),
    );
    const wake = events ? eventWake(events, { provider: this.#id, id }, this.sleep, this.clock) : undefined;
    try {
      return await waitForStatus(
        this.#callee,
        id,
        // An unreadable state was one of the issues thrown above.
        targets ?? [],
        paced,
        {
          clock: this.clock,
          sleep: wake?.sleep ?? this.sleep,
          callOptions,
          capabilities: this.#capabilities,
          // The read after a status poll runs on the poll's options: the wait's deadline bounds it.
          complete: (status, pollOptions) =>
            this.fullStream(id, status, pollOptions, options.signal, 'waitForState'),
        },
      );
    } finally {
      wake?.close();
    }
  }

  private async waitForBroadcastUnguarded(id: string, given?: WaitForBroadcastOptions): Promise<LiveStream> {
    this.checkId(id, 'waitForBroadcast');
    const { options, issues } = this.waitOptions<WaitForBroadcastOptions>(given, 'waitForBroadcast', {
      ...waitRules,
      broadcasting: optionRules.boolean,
    });
    const { events, broadcasting = true, ...waitOptions } = options;
    const checked = checkWaitOptions(
      this.#id,
      undefined,
      events ? { ...waitOptions, ...eventPacedIntervals(waitOptions) } : waitOptions,
      'waitForBroadcast',
      issues,
    );
    const callOptions = this.callOptions(
      options.signal ? { signal: options.signal } : {},
      'waitForBroadcast',
      callOptionRules,
      this.servingRuntime('waitForBroadcast'),
    );
    const wake = events ? eventWake(events, { provider: this.#id, id }, this.sleep, this.clock) : undefined;
    try {
      const stream = await waitForBroadcastStatus(this.#callee, id, broadcasting, checked, options.signal, {
        clock: this.clock,
        sleep: wake?.sleep ?? this.sleep,
        callOptions,
        capabilities: this.#capabilities,
        broadcastingHeard: wake?.broadcasting,
        // As for waitForState: the read after a status poll ends by the wait's deadline.
        complete: (status, pollOptions) =>
          this.fullStream(id, status, pollOptions, options.signal, 'waitForBroadcast'),
      });
      return { ...stream, broadcasting };
    } finally {
      wake?.close();
    }
  }

  // Wait options from own properties: unknown names and values of the wrong type (`events: 42`, a
  // string instead of the options object) are an InvalidInputError before any request.
  private waitOptions<T extends object>(
    given: unknown,
    operation: string,
    rules: Record<string, OptionRule>,
  ): { options: T; issues: InputIssue[] } {
    return readOptionsAndIssues<T>(given, rules, {
      provider: this.#id,
      operation,
      path: 'options',
    });
  }

  // A status poll returns less than a stream; the full stream costs one more call only then, made with the
  // options of the poll that saw the goal (the wait's deadline and signal).
  private async fullStream(
    id: string,
    status: LiveStreamStatus | LiveStream,
    callOptions: CallOptions,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<LiveStream> {
    // The stream the wait returns: its warnings ride on it and reach `onWarning`, named as the wait, as a
    // `get`'s do (an RTMP-out list cut short, an ingest left out): once, for the stream returned, not for
    // each poll.
    if (isFullStream(status)) return this.reported(operation, this.same(status, id, operation));
    // The wait has ended; the read of the whole stream it would make next is not sent.
    if (signal?.aborted) throw this.aborted(operation, signal.reason, 'not-sent');
    const read = this.method('get', operation);
    const stream = this.reported(
      operation,
      this.same(await read.call(this.provider, id, callOptions), id, operation),
    );
    return { ...stream, state: status.state };
  }

  // Warnings ride on the result; `onWarning` hears them too, so one hook sees every soft problem. Masked
  // first by the provider's secrets (see `masked`): a read without warnings costs nothing more.
  private reported(operation: string, given: LiveStream): LiveStream {
    const stream = this.maskedWarnings(given);
    if (this.hooks.onWarning) {
      const named = this.served ?? operation;
      for (const warning of stream.warnings ?? [])
        emit(this.hooks.onWarning, { provider: this.#id, operation: named, warning });
    }
    return stream;
  }

  // What a provider throws reaches the caller masked by the provider's own `secrets()`: a provider from
  // outside this repository may build its errors with fewer of them, or none. An error the provider made
  // with the set it exposes is passed on as it is (see maskedError), so this costs nothing for adapters
  // that mask as they build, and is only ever paid on a failure.
  private masked(error: UniliveError): UniliveError {
    // An outside provider's: a copy of its own, never the object the provider holds (see maskedFailure).
    return maskedFailure(error, this.redactor(), this.#checksAnswers) as UniliveError;
  }

  // A stream's warnings masked by the provider's secrets, as its errors are; nothing to do without any.
  private maskedWarnings(stream: LiveStream): LiveStream {
    return hasWarnings(stream) ? withMaskedWarnings(stream, this.redactor()) : stream;
  }

  // The provider's redactor, from its `secrets()` asked again on every masking, so rotated credentials are
  // followed (see providerRedactorSource: an unchanged set's list costs nothing to ask for), with the values
  // an earlier answer listed and the current one dropped. Shared with the copies `servingFor` makes.
  readonly #redactor: () => Redactor;
  // The secrets of the streams an outside provider answered with, held for its masking (see the
  // constructor); undefined for a provider that holds them itself. Shared with the copies.
  readonly #answerSecrets: SecretSet | undefined;
  readonly #capabilities: ProviderCapabilities;
  // Whether the provider is one of this repository's adapters (markBuiltInProvider): false, its answers are
  // read into checked copies and its calls bounded by the caller's signal and a wait's deadline.
  readonly #checksAnswers: boolean;
  // What the provider's methods are read from: the provider, or for one from outside this repository its
  // stand-in whose calls settle by the caller's signal and a wait's deadline (boundedProvider).
  readonly #callee: LiveStreamProvider;
  // The provider's id, read once when the client was made (`readProviderId`).
  readonly #id: ProviderId;
  // The operations the provider reads `providerOptions[<id>]` on, read once (readProviderOptionsOn).
  readonly #providerOptionsOn: readonly ProviderOptionsOperation[];
  private redactor(): Redactor {
    return this.#redactor();
  }

  // An answer about another stream than the one asked for is never returned as this one (see sameStream),
  // nor is an answer that is no stream at all.
  private same(stream: LiveStream, id: string, operation: string): LiveStream {
    return sameStream(this.usable(stream, operation), id, { provider: this.#id, operation });
  }

  // A provider's answer handed on as a stream: an object with an id a call or a reference can carry. The
  // built-in adapters only ever answer such a stream; a provider from outside this repository that resolves
  // with nothing, a number or an id that reaches another path is a typed error, as it is through a registry
  // and in a list (recordProblem), not a `LiveStream` that is none. After a create the vendor may have made
  // the stream all the same, so nothing is certain about it: `delivery: 'unknown'`.
  private usable(stream: unknown, operation: string): LiveStream {
    const read = this.answered(stream);
    if ('stream' in read) return read.stream;
    const { problem, cause } = read;
    const unreadable = problem === unreadableRecord;
    throw new ResponseShapeError({
      provider: this.#id,
      operation,
      message: `${this.#id} ${operation}: the provider answered ${unreadable ? `a stream that ${problem.where}` : `without a usable stream (${problem.where})`}${operation === 'create' ? '; the stream may exist: look for it with list' : ''}`,
      issues: [problem.issue],
      delivery: 'unknown',
      // What a getter or a Proxy trap of the provider's threw: masked with the call's error, by the
      // provider's secrets, those of the streams it answered before and the keys this answer carried.
      ...(cause === undefined ? {} : { cause }),
    });
  }

  // A provider's answer as the client hands it on, or why it cannot be. A built-in adapter's stream
  // (markBuiltInProvider) is passed on as it is, once its id is found usable. Any other provider's is read
  // once into a checked plain copy (readOutsideStream): the caller gets the documented fields of their
  // neutral types, and none of the provider's getters or traps.
  private answered(stream: unknown): { stream: LiveStream } | { problem: RecordProblem; cause?: unknown } {
    if (!this.#checksAnswers) {
      const problem = recordProblem(stream);
      if (problem !== undefined) return { problem };
      // A marked provider whose `secrets()` is no SecretSet's list (one a contract suite tests) has its
      // streams' secrets held all the same; nothing to do for one that keeps them itself.
      this.hold(stream as LiveStream);
      return { stream: stream as LiveStream };
    }
    const read = readOutsideStream(stream, this.#id);
    if ('stream' in read) {
      this.hold(read.stream);
      return read;
    }
    // What was read before the misfit (the keys come first): a getter that threw quoting a key of this very
    // answer is masked.
    if (read.partial?.id !== undefined) this.hold(read.partial as LiveStream);
    const { path, expected, cause } = read.problem;
    if (cause !== undefined)
      return {
        problem:
          path === '$'
            ? unreadableRecord
            : {
                where: `${path}: ${unreadableText}`,
                skipped: `was skipped: its ${path} ${unreadableText}`,
                issue: { path, expected },
              },
        cause,
      };
    // Refused, but what it carries may come back in the provider's later errors: held as a usable answer's.
    if (path !== '$' && path !== 'id') this.hold(stream as LiveStream);
    if (path === '$' || path === 'id') {
      const problem = recordProblem(stream);
      if (problem !== undefined) return { problem };
    }
    return {
      problem: {
        where: `${path}: expected ${expected}`,
        skipped: `was skipped: its ${path} is not ${expected}`,
        issue: { path, expected },
      },
    };
  }

  // Holds what an outside provider's answer carries (see the constructor): the stream's latest values, and
  // up to 32 it carried before. A stream whose fields cannot be read teaches nothing, and fails nothing.
  private hold(stream: LiveStream): void {
    const held = this.#answerSecrets;
    if (held === undefined) return;
    try {
      held.holdStream(stream.id, streamSecrets(stream));
    } catch {
      // An answer refused for a field of the wrong type is read again here for its secrets: a getter of
      // the provider's that throws this time teaches nothing, and fails nothing.
    }
  }

  private checkId(id: string, operation: string): void {
    assertValidId(id, { provider: this.#id, operation });
  }

  // The call's own options, read from own properties and checked, and the client's runtime, in objects
  // without a prototype: nothing on Object.prototype becomes a call's signal, deadline or gate. A name
  // the operation does not take (`timeoutMS`, `pagesize`) is an InvalidInputError naming the nearest
  // one, before any request, as everywhere else options are read.
  // `runtime` is the client's, or the one of a public operation's own calls (see servingRuntime); `settle`
  // finishes the copy (a start's providerOptions checked): both before it is marked, which freezes it.
  private callOptions(
    options: unknown,
    operation: string,
    rules: Readonly<Record<string, OptionRule>> = callOptionRules,
    runtime: CallRuntime = this.runtime(),
    settle?: (own: CallOptions) => void,
  ): CallOptions {
    // Marked as core's own (markClientOptions): the provider hands them on unread, told by identity.
    // Without options of the caller's, they hold the runtime alone and are frozen as marked, so one object
    // serves every such call with the same runtime (the client's own, built once): no object, freeze or
    // WeakSet entry per call.
    if (options === undefined) {
      const last = this.#runtimeOnly;
      if (last !== undefined && last.runtime === runtime) return last;
      const made = markClientOptions(new RuntimeOnly(runtime));
      this.#runtimeOnly = made;
      return made;
    }
    const own = readOptions<CallOptions>(options, this.withProviderNames(rules, operation), {
      provider: this.#id,
      operation,
      path: 'options',
    });
    settle?.(own);
    own.runtime = runtime;
    return markClientOptions(own);
  }

  // The options of this client's calls made without any (callOptions), with the runtime they hold.
  #runtimeOnly: CallOptions | undefined;

  // Core's rules for an operation, with the names the provider adds to it (`callOptionNames`), each taken as
  // given for the adapter to check, so code written against a provider's own page works through a client.
  // The provider's names are read once per operation (they do not change while it serves), and the rules
  // made with them kept per set of core's rules: a call without added names costs one map lookup.
  readonly #providerNames = new Map<string, readonly string[]>();
  readonly #extendedRules = new WeakMap<object, Map<string, Readonly<Record<string, OptionRule>>>>();
  private withProviderNames(
    rules: Readonly<Record<string, OptionRule>>,
    operation: string,
  ): Readonly<Record<string, OptionRule>> {
    let names = this.#providerNames.get(operation);
    if (names === undefined) {
      names = declaredCallOptionNames(this.provider, operation);
      this.#providerNames.set(operation, names);
    }
    if (names.length === 0) return rules;
    let byOperation = this.#extendedRules.get(rules);
    if (!byOperation) {
      byOperation = new Map();
      this.#extendedRules.set(rules, byOperation);
    }
    let extended = byOperation.get(operation);
    if (!extended) {
      // Without a prototype, so that any name (`constructor`, `__proto__`) is one of its own keys.
      const copy: Record<string, OptionRule> = Object.assign(Object.create(null), rules);
      // Core's own names keep their rules: a provider cannot loosen `signal` or `timeoutMs`.
      for (const name of names) if (!Object.hasOwn(copy, name)) copy[name] = providerNameRule;
      extended = copy;
      byOperation.set(operation, extended);
    }
    return extended;
  }

  // Options of the provider calls a public operation makes on its way (a wait's polls and its final read):
  // their requests' errors and hook events name that operation (see CallRuntime.operation), or the one this
  // client serves, when a registry's call made the wait (a migration stopping its source).
  private servingRuntime(operation: string): CallRuntime {
    return Object.freeze({ ...this.runtime(), operation: this.served ?? operation });
  }

  // The same for every call of this client, so built once; frozen, since every call shares it.
  #runtime: CallRuntime | undefined;
  private runtime(): CallRuntime {
    if (this.#runtime === undefined) {
      const runtime = Object.create(null) as CallRuntime;
      // Read once here rather than by the HTTP layer for every request.
      runtime.hooks = sealHooks(maskingHooks(this.hooks, () => this.redactor()));
      runtime.clock = this.clock;
      runtime.sleep = this.sleep;
      if (this.gate) runtime.gate = this.gate;
      if (this.served !== undefined) runtime.operation = this.served;
      this.#runtime = Object.freeze(runtime);
    }
    return this.#runtime;
  }
}

/**
 * The hooks a provider is handed: the caller's, with every event masked by the provider's secrets before
 * the caller's hook hears it, as the client masks what it throws and returns: a provider from outside this
 * repository may call them itself with its own URLs, errors and warnings. Only hooks the caller set are
 * wrapped. A request or response event this library's HTTP layer raised was built from scrubbed text and
 * is passed on as it is, so a successful request costs nothing more; failures and warnings are masked
 * again whoever raised them (an error made with the provider's own set passes as it is).
 */
function maskingHooks(hooks: HttpHooks, redactor: () => Redactor): HttpHooks {
  const { onRequest, onResponse, onRetry, onWarning } = hooks;
  const masked: HttpHooks = Object.create(null);
  if (onRequest) masked.onRequest = (event) => onRequest(scrubbedEvent(event, redactor()));
  if (onResponse) masked.onResponse = (event) => onResponse(scrubbedEvent(event, redactor()));
  // No `onError`: the client hears a call fail when it rejects (`failed`), not a provider's request.
  if (onRetry) masked.onRetry = (event) => onRetry(maskedHttpEvent(event, redactor()));
  if (onWarning)
    masked.onWarning = (event) => {
      const secrets = redactor();
      onWarning({ ...maskedHttpEvent(event, secrets), warning: maskedWarning(event.warning, secrets) });
    };
  // Each one frozen as the hooks object is (sealHooks): they travel in every call's options copy.
  for (const hook of Object.values(masked)) Object.freeze(hook);
  return masked;
}

// A request or response event as it is when this library's HTTP layer scrubbed it with the very redactor
// the provider's secrets() leads to (an adapter's set); masked again otherwise: an event the provider raised
// itself, or one from an HTTP layer it set up with fewer secrets than secrets() lists.
function scrubbedEvent<E extends object>(event: E, redactor: Redactor): E {
  return scrubbedBy(event) === redactor ? event : maskedHttpEvent(event, redactor);
}

// An event a provider raised: every text it carries (the URL, a request id, a retry's reason, the method,
// provider and operation an outside provider wrote) masked, and its error masked as a thrown one is.
function maskedHttpEvent<E extends object>(event: E, redactor: Redactor): E {
  const masked = { ...event } as Record<string, unknown>;
  for (const [key, value] of Object.entries(masked)) {
    if (typeof value === 'string') masked[key] = redactStable(redactor, value);
    else if (key === 'error') masked[key] = maskedFailure(value, redactor, true);
    // A field of its own an outside provider added (the headers it sent, details of an answer).
    else masked[key] = maskedValue(value, redactor);
  }
  return masked as E;
}

/**
 * `client` as a registry calls it while serving its own public operation `operation` (`migrate`,
 * `findByName`): the same provider, hooks, clock and rate limit, its calls' hook events (`onRequest`,
 * `onResponse`, `onRetry`, `onError`, `onWarning`) naming `operation` rather than the client call made on
 * the way (`get`, `create`, `list`). Kept out of the public API: nothing a caller sets can rename a call. A
 * client not made by `createLiveStreamClient` is returned as it is.
 */
export function servingClient(client: LiveStreamClient, operation: string): LiveStreamClient {
  return client instanceof DefaultLiveStreamClient ? client.servingFor(operation) : client;
}

/**
 * `client` as a registry it was handed to calls it: without its `onError`, which the registry raises itself,
 * once per registry call that rejects (`clientOnError`), so that a provider failed over from or skipped is
 * not heard, and a call is not heard by the client and the registry both. Kept out of the public API. A
 * client not made by `createLiveStreamClient` is returned as it is.
 */
export function quietClient(client: LiveStreamClient): LiveStreamClient {
  return client instanceof DefaultLiveStreamClient ? client.quiet() : client;
}

/** The `onError` of a client made by `createLiveStreamClient`, if it has one; undefined for any other. */
export function clientOnError(client: LiveStreamClient): HttpHooks['onError'] {
  return client instanceof DefaultLiveStreamClient ? client.onError : undefined;
}

/**
 * A call's options when the caller gave none: the client's runtime alone. Made by a constructor whose
 * prototype is empty and has none itself, so nothing on `Object.prototype` is read through it, as with
 * `Object.create(null)`; unlike that, it is a small object V8 keeps fast rather than a dictionary made on
 * every call.
 */
const RuntimeOnly = /* @__PURE__ */ (() => {
  class RuntimeOnly implements CallOptions {
    runtime: CallRuntime;
    constructor(runtime: CallRuntime) {
      this.runtime = runtime;
    }
  }
  Object.setPrototypeOf(RuntimeOnly.prototype, null);
  delete (RuntimeOnly.prototype as { constructor?: unknown }).constructor;
  return RuntimeOnly;
})();

// Whether `thrown` is the call's abort: its signal (`options.signal`) has fired, and what was thrown is its
// reason or an error named AbortError (a provider's own, made when it saw the signal). Never throws.
function abortedWith(options: unknown, thrown: unknown): boolean {
  try {
    const signal = ownValue(options, 'signal') as AbortSignal | undefined;
    if (typeof signal !== 'object' || signal === null || signal.aborted !== true) return false;
    return thrown === signal.reason || thrownKind(thrown) === 'AbortError';
  } catch {
    return false;
  }
}

// A failure that is none of this library's errors, its cause scrubbed by the provider's secrets (`secrets`:
// the client's redactor, which holds the values the provider rotated out too). `provider` is the id the
// client read when it was made: read again here, a getter could throw inside the failure.
function unexpectedFailure(
  provider: ProviderId,
  operation: string,
  label: string,
  cause: unknown,
  secrets: Redactor,
): UniliveError {
  const name = thrownKind(cause);
  return new UniliveError({
    provider,
    operation,
    message: `${provider} ${label}: unexpected failure (${name}); see cause`,
    cause,
    delivery: 'unknown',
    secrets,
  });
}

// Read as the registry and a provider called directly read it (options.ts).
export { abortedReason, notAborted } from '../options.js';

// A walk that fails at its first step, with `failure` at every step until it is closed by `return`: a walk
// that has said it is done stays done, as the walk of a list that began does.
function failedWalk(failure: unknown): AsyncIterator<LiveStream> {
  let finished = false;
  return {
    next: () => (finished ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(failure)),
    return: (value?: unknown) => {
      finished = true;
      return Promise.resolve({ done: true, value: value as LiveStream });
    },
  };
}

function withWarnings(stream: LiveStream, warnings: Warning[]): LiveStream {
  if (warnings.length === 0) return stream;
  return { ...stream, warnings: [...(stream.warnings ?? []), ...warnings] };
}

// What a walk's `return` settles with when the caller's signal ended the wait for the provider's.
const walkLetGo: unique symbol = Symbol('walk let go');

function isFullStream(value: object): value is LiveStream {
  return 'ingest' in value && 'playback' in value && 'id' in value;
}

const anyNumber: OptionRule = { check: (value) => typeof value === 'number', expected: 'a number' };

// What waits take; numbers are checked further by checkWaitOptions.
// These tables are built by calls marked pure, so that a bundle which never makes a client drops them: a
// bundler keeps an unused top-level property read or object spread (either may run a getter).
const waitRules: Record<string, OptionRule> = /* @__PURE__ */ (() => ({
  timeoutMs: anyNumber,
  intervalMs: anyNumber,
  maxIntervalMs: anyNumber,
  signal: optionRules.signal,
  events: { check: isEventSource, expected: 'an event hub or an async iterable of events' },
}))();

export { callOptionRules } from '../options.js';

// A name a provider adds to a call: any value, which the adapter checks.
/** The rule of an option name a provider adds (`callOptionNames`): its adapter checks the value. @internal */
export const providerNameRule: OptionRule = { check: () => true, expected: 'what the provider documents' };

/**
 * The option names `provider` adds to `operation` (`callOptionNames[operation]`), its strings but `runtime`.
 * An outside provider's list that cannot be read (a getter or a Proxy that throws, a revoked Proxy) or is no
 * list adds none: its names are then refused as unknown, never a `TypeError` escaping the call. @internal
 */
export function declaredCallOptionNames(provider: LiveStreamProvider, operation: string): readonly string[] {
  try {
    const declared = (provider.callOptionNames as Record<string, unknown> | undefined)?.[operation];
    if (!Array.isArray(declared)) return [];
    const names: string[] = [];
    for (let index = 0; index < declared.length; index += 1) {
      const name: unknown = declared[index];
      if (typeof name === 'string' && name !== 'runtime') names.push(name);
    }
    return names;
  } catch {
    return [];
  }
}

export { listOptionIssues, listOptionRules, startOptionRules } from '../options.js';

/**
 * A record of a walk that cannot be used, `where` naming it (`acme list: record 3 of the walk`): the strict
 * walk's `ResponseShapeError`, else a `skipped-record` warning handed to `warn`. The client's walk and the
 * registry's (over a client handed in as it is) both end such a record here.
 */
export function refuseOrSkipRecord(
  problem: RecordProblem,
  where: string,
  strict: boolean,
  fields: { provider: ProviderId; operation: string; providerName?: string },
  warn: (warning: Warning) => void,
): void {
  if (strict) {
    throw new ResponseShapeError({
      ...fields,
      message: `${where} could not be used: ${problem.where}`,
      issues: [problem.issue],
      delivery: 'unknown',
    });
  }
  warn({ type: 'skipped-record', message: `${where} ${problem.skipped}` });
}

/** Why a record cannot be used: for a strict walk's error (`where`), a warning (`skipped`), and its issue. */
export interface RecordProblem {
  where: string;
  skipped: string;
  issue: { path: string; expected: string };
}

/** A record whose reads throw (a getter, a Proxy's trap): what it threw is not quoted. */
// Built by a call marked pure: a template at the top level is kept by a bundler that cannot prove it free
// of effects, in every bundle of this module (see CONTRIBUTING).
export const unreadableRecord: RecordProblem = /* @__PURE__ */ (() => ({
  where: unreadableText,
  skipped: `was skipped: it ${unreadableText}`,
  issue: { path: '$', expected: 'a stream object' },
}))();

/**
 * Why a record a provider's walk yielded cannot be handed out as a stream: no object, or an id that no call
 * (and no registry reference) can carry; undefined for a usable one. The value itself is never quoted.
 */
export function recordProblem(record: unknown): RecordProblem | undefined {
  if (typeof record !== 'object' || record === null) {
    return {
      where: 'expected a stream object',
      skipped: 'was skipped: it is no stream object',
      issue: { path: '$', expected: 'a stream object' },
    };
  }
  let problem: string | undefined;
  try {
    problem = idProblem(ownValue(record, 'id'));
  } catch {
    return unreadableRecord;
  }
  if (problem === undefined) return undefined;
  return {
    where: `id: ${problem}`,
    skipped: `was skipped: its id cannot be used (${problem})`,
    issue: { path: 'id', expected: 'a stream id' },
  };
}
