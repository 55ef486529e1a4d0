import type { DependencyContainer } from 'tsyringe';
import type { ProviderCapabilities } from '../capabilities.js';
import { tokens } from '../di/tokens.js';
import { AbortError } from '../errors/errors.js';
import { emit, type HttpHooks } from '../http/hooks.js';
import {
  checkRateLimitOptions,
  createRequestGate,
  type RateLimitOptions,
  type RequestGate,
} from '../http/request-gate.js';
import { assertValidId } from '../ids.js';
import {
  invalidInput,
  ownData,
  providerOptionsWarnings,
  validateCreateInput,
  validateUpdateInput,
} from '../inputs.js';
import type { LiveStream, LiveStreamState, ProviderId, Warning } from '../live-stream.js';
import type {
  CallOptions,
  CreateLiveStreamInput,
  ListOptions,
  LiveStreamProvider,
  LiveStreamStatus,
  ProviderOptions,
  StartOptions,
  UpdateLiveStreamInput,
} from '../provider.js';
import { type Clock, type Sleep, systemClock, systemSleep } from '../runtime.js';
import { eventPacedIntervals, eventWake } from './event-wake.js';
import { type WaitForBroadcastOptions, waitForBroadcastStatus } from './wait-for-broadcast.js';
import { checkWaitOptions, type WaitForStateOptions, waitForStatus } from './wait-for-state.js';

/** Options every client call takes. */
export type RequestOptions = Omit<CallOptions, 'runtime'>;

/** Options of the client's `start`: those of every call, and the adapter's start options (see {@link StartOptions}). */
export type StartRequestOptions = Omit<StartOptions, 'runtime'>;

/** What `list` returns: iterate it with `for await`, or collect it with `toArray`. */
export interface LiveStreamList extends AsyncIterable<LiveStream> {
  /** Collects every stream (or the first `limit`) into an array. */
  toArray(options?: { limit?: number }): Promise<LiveStream[]>;
}

/** A provider wrapped with validation, waiting, logging hooks and the shared retry and timeout policy. */
export interface LiveStreamClient {
  readonly providerId: ProviderId;
  readonly capabilities: ProviderCapabilities;
  /** The wrapped provider, for vendor-specific calls. */
  readonly provider: LiveStreamProvider;
  /** Creates a stream. Invalid input throws `InvalidInputError` before any request. */
  create(input: CreateLiveStreamInput, options?: RequestOptions): Promise<LiveStream>;
  get(id: string, options?: RequestOptions): Promise<LiveStream>;
  /** Every stream, fetched page by page as the iteration goes. */
  list(options?: Omit<ListOptions, 'runtime'>): LiveStreamList;
  update(id: string, patch: UpdateLiveStreamInput, options?: RequestOptions): Promise<LiveStream>;
  delete(id: string, options?: RequestOptions): Promise<void>;
  /**
   * Starts the stream; see the provider's `capabilities.lifecycle` for what that means there.
   * `providerOptions` carries settings a vendor takes only at start (videosdk v2); an adapter that takes
   * none refuses options under its id with `InvalidInputError`, before any request.
   */
  start(id: string, options?: StartRequestOptions): Promise<LiveStream>;
  /** Stops the stream; throws `UnsupportedOperationError` where the vendor cannot. */
  stop(id: string, options?: RequestOptions): Promise<LiveStream>;
  /**
   * Resolves with the stream once it is in `state` (or one of several states), polling the vendor. With
   * `events` (a webhook event hub), each event about the stream makes it poll at once, and it polls slowly
   * otherwise.
   */
  waitForState(
    id: string,
    state: LiveStreamState | readonly LiveStreamState[],
    options?: WaitForStateOptions,
  ): Promise<LiveStream>;
  /**
   * Resolves with the stream once video arrives (or, with `broadcasting: false`, once it stops). Where the
   * vendor's API reports it (`capabilities.broadcastingStatus`) the API decides and `events` only make it
   * poll at once; elsewhere the newest `connected` / `disconnected` event about the stream decides, so
   * `events` are required there (else `UnsupportedOperationError`, before any request).
   */
  waitForBroadcast(id: string, options?: WaitForBroadcastOptions): Promise<LiveStream>;
}

/** Options of {@link createLiveStreamClient}. */
export interface LiveStreamClientOptions {
  /** Observers of every request, response, retry and failure; URLs scrubbed, no headers or bodies. */
  hooks?: HttpHooks;
  /**
   * A container whose registrations (see `tokens`) override the provider, hooks, clock or sleep. Without
   * one the client uses the arguments and the defaults, and tsyringe is never loaded.
   */
  container?: DependencyContainer;
  /**
   * Paces this client's requests to the vendor's limit: `{ requestsPerSecond: 100, maxConcurrency: 20 }`.
   * After a 429 every pending request waits for the vendor's `Retry-After`, not only the one refused.
   */
  rateLimit?: RateLimitOptions;
}

/**
 * Wraps a provider in a client. The provider may come from an adapter factory
 * (`createLiveStreamClient(wowzaVideo({ token }))`) or be registered on the given container under
 * `tokens.provider`.
 */
export function createLiveStreamClient(
  provider?: LiveStreamProvider,
  options: LiveStreamClientOptions = {},
): LiveStreamClient {
  const parts = options.container
    ? resolveParts(options.container, provider, options.hooks)
    : { provider, hooks: options.hooks ?? {}, clock: systemClock, sleep: systemSleep };
  if (!parts.provider) {
    throw invalidInput([{ path: 'provider', message: 'expected a provider, or a container that has one' }], {
      operation: 'configure',
    });
  }
  const { clock, sleep } = parts;
  if (options.rateLimit !== undefined) checkRateLimitOptions(options.rateLimit);
  return new DefaultLiveStreamClient(
    parts.provider,
    parts.hooks,
    clock,
    sleep,
    options.rateLimit ? createRequestGate(options.rateLimit, clock, sleep) : undefined,
  );
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
  ) {}

  get providerId(): ProviderId {
    return this.provider.id;
  }

  get capabilities(): ProviderCapabilities {
    return this.provider.capabilities;
  }

  async create(input: CreateLiveStreamInput, options?: RequestOptions): Promise<LiveStream> {
    const valid = validateCreateInput(input, this.provider.id);
    const created = await this.provider.create(valid, this.callOptions(options));
    // Options under an id no provider has went nowhere: said on the result, and so on `onWarning`.
    return this.reported('create', withWarnings(created, providerOptionsWarnings(valid, this.provider.id)));
  }

  async get(id: string, options?: RequestOptions): Promise<LiveStream> {
    this.checkId(id, 'get');
    return this.reported('get', await this.provider.get(id, this.callOptions(options)));
  }

  list(options: Omit<ListOptions, 'runtime'> = {}): LiveStreamList {
    const provider = this.provider;
    const { pageSize, maxPages } = options;
    const callOptions: ListOptions = {
      ...this.callOptions(options),
      ...(pageSize === undefined ? {} : { pageSize }),
      ...(maxPages === undefined ? {} : { maxPages }),
    };
    // A page size or page cap that is no positive integer fails the first step of the walk, before any
    // request; a page size above the vendor's maximum is capped by the adapter.
    const positive = (value: unknown) =>
      value === undefined || (Number.isInteger(value) && (value as number) >= 1);
    const issues = [
      ...(positive(pageSize) ? [] : [{ path: 'pageSize', message: 'expected a positive integer' }]),
      ...(positive(maxPages) ? [] : [{ path: 'maxPages', message: 'expected a positive integer' }]),
    ];
    const invalid =
      issues.length === 0 ? undefined : invalidInput(issues, { provider: provider.id, operation: 'list' });
    const reported = (stream: LiveStream) => this.reported('list', stream);
    const iterable: AsyncIterable<LiveStream> = {
      [Symbol.asyncIterator]: () => {
        if (invalid) {
          return {
            next: () => Promise.reject(invalid),
            return: (value?: unknown) => Promise.resolve({ done: true, value: value as LiveStream }),
          };
        }
        // Each listed stream's own warnings (a summary without endpoints, say) reach onWarning as the
        // walk's do, when the caller's loop gets the stream.
        const streams = provider.list(callOptions)[Symbol.asyncIterator]();
        return {
          next: async () => {
            const step = await streams.next();
            return step.done ? step : { done: false, value: reported(step.value) };
          },
          return: async (value?: unknown) =>
            streams.return
              ? streams.return(value as LiveStream)
              : { done: true as const, value: value as LiveStream },
        };
      },
    };
    return {
      [Symbol.asyncIterator]: iterable[Symbol.asyncIterator],
      async toArray({ limit = Number.POSITIVE_INFINITY } = {}) {
        const streams: LiveStream[] = [];
        if (limit <= 0) return streams;
        for await (const stream of iterable) {
          streams.push(stream);
          if (streams.length >= limit) break;
        }
        return streams;
      },
    };
  }

  async update(id: string, patch: UpdateLiveStreamInput, options?: RequestOptions): Promise<LiveStream> {
    this.checkId(id, 'update');
    const valid = validateUpdateInput(patch, this.provider.id);
    const updated = await this.provider.update(id, valid, this.callOptions(options));
    return this.reported('update', withWarnings(updated, providerOptionsWarnings(valid, this.provider.id)));
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    this.checkId(id, 'delete');
    return this.provider.delete(id, this.callOptions(options));
  }

  async start(id: string, options?: StartRequestOptions): Promise<LiveStream> {
    this.checkId(id, 'start');
    const { providerOptions, ...rest } = options ?? {};
    if (providerOptions === undefined)
      return this.reported('start', await this.provider.start(id, this.callOptions(rest)));
    const checked = checkStartOptions(providerOptions, this.provider);
    const started = await this.provider.start(id, { ...this.callOptions(rest), providerOptions: checked });
    return this.reported(
      'start',
      withWarnings(started, providerOptionsWarnings({ providerOptions: checked }, this.provider.id)),
    );
  }

  async stop(id: string, options?: RequestOptions): Promise<LiveStream> {
    this.checkId(id, 'stop');
    return this.reported('stop', await this.provider.stop(id, this.callOptions(options)));
  }

  async waitForState(
    id: string,
    state: LiveStreamState | readonly LiveStreamState[],
    options: WaitForStateOptions = {},
  ): Promise<LiveStream> {
    this.checkId(id, 'waitForState');
    // Plain JavaScript callers may pass anything: waitForStatus checks every target before any request.
    const targets: readonly LiveStreamState[] = Array.isArray(state)
      ? (state as readonly LiveStreamState[])
      : [state as LiveStreamState];
    const callOptions = this.callOptions(options.signal ? { signal: options.signal } : {});
    const { events, ...waitOptions } = options;
    const wake = events ? eventWake(events, { provider: this.provider.id, id }, this.sleep) : undefined;
    let status: Awaited<ReturnType<typeof waitForStatus>>;
    try {
      status = await waitForStatus(
        this.provider,
        id,
        targets,
        wake ? { ...waitOptions, ...eventPacedIntervals(waitOptions) } : waitOptions,
        { clock: this.clock, sleep: wake?.sleep ?? this.sleep, callOptions },
      );
    } finally {
      wake?.close();
    }
    return this.fullStream(id, status, callOptions, options.signal, 'waitForState');
  }

  async waitForBroadcast(id: string, options: WaitForBroadcastOptions = {}): Promise<LiveStream> {
    this.checkId(id, 'waitForBroadcast');
    const { events, broadcasting = true, ...waitOptions } = options;
    const checked = checkWaitOptions(
      this.provider.id,
      undefined,
      events ? { ...waitOptions, ...eventPacedIntervals(waitOptions) } : waitOptions,
      'waitForBroadcast',
    );
    const callOptions = this.callOptions(options.signal ? { signal: options.signal } : {});
    const wake = events ? eventWake(events, { provider: this.provider.id, id }, this.sleep) : undefined;
    try {
      const status = await waitForBroadcastStatus(this.provider, id, broadcasting, checked, options.signal, {
        clock: this.clock,
        sleep: wake?.sleep ?? this.sleep,
        callOptions,
        newestBroadcasting: wake?.broadcasting,
      });
      const stream = await this.fullStream(id, status, callOptions, options.signal, 'waitForBroadcast');
      return { ...stream, broadcasting };
    } finally {
      wake?.close();
    }
  }

  // A status poll returns less than a stream; the full stream costs one more call only then.
  private async fullStream(
    id: string,
    status: LiveStreamStatus | LiveStream,
    callOptions: CallOptions,
    signal: AbortSignal | undefined,
    operation: string,
  ): Promise<LiveStream> {
    if (isFullStream(status)) return status;
    if (signal?.aborted)
      throw new AbortError({
        provider: this.provider.id,
        operation,
        message: `${operation} was aborted`,
      });
    const stream = await this.provider.get(id, callOptions);
    return { ...stream, state: status.state };
  }

  // Warnings ride on the result; `onWarning` hears them too, so one hook sees every soft problem.
  private reported(operation: string, stream: LiveStream): LiveStream {
    if (this.hooks.onWarning) {
      for (const warning of stream.warnings ?? [])
        emit(this.hooks.onWarning, { provider: this.provider.id, operation, warning });
    }
    return stream;
  }

  private checkId(id: string, operation: string): void {
    assertValidId(id, { provider: this.provider.id, operation });
  }

  private callOptions(options: RequestOptions = {}): CallOptions {
    const runtime = {
      hooks: this.hooks,
      clock: this.clock,
      sleep: this.sleep,
      ...(this.gate ? { gate: this.gate } : {}),
    };
    return { ...options, runtime };
  }
}

/**
 * The `providerOptions` of a start, read from own properties only: an object keyed by provider id, and,
 * under the provider's own id, only for a provider that reads options on start.
 */
function checkStartOptions(value: unknown, provider: LiveStreamProvider): ProviderOptions<'start'> {
  const context = { provider: provider.id, operation: 'start' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput(
      [{ path: 'providerOptions', message: 'expected an object keyed by provider id' }],
      context,
    );
  }
  const options = ownData(value) as Record<string, unknown>;
  const readsOnStart = (provider.providerOptionsOn ?? ['create', 'update']).includes('start');
  if (Object.hasOwn(options, provider.id) && !readsOnStart) {
    throw invalidInput(
      [
        {
          path: `providerOptions.${provider.id}`,
          message: `${provider.id} takes no provider options on start (give them on create or update)`,
        },
      ],
      context,
    );
  }
  return options as ProviderOptions<'start'>;
}

function withWarnings(stream: LiveStream, warnings: Warning[]): LiveStream {
  if (warnings.length === 0) return stream;
  return { ...stream, warnings: [...(stream.warnings ?? []), ...warnings] };
}

function isFullStream(value: object): value is LiveStream {
  return 'ingest' in value && 'playback' in value && 'id' in value;
}
