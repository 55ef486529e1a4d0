import { randomBytes } from 'node:crypto';
import { InvalidInputError, type ProviderId } from '@unilive/core';
import { faultIssue, routeFaultIssue } from './faults.js';
import type {
  DialectContext,
  DialectSettings,
  EncoderInfo,
  ErrorKind,
  Fault,
  FaultOperation,
  RouteFaultOperation,
  SandboxDialect,
  SandboxLogEntry,
  SandboxRequest,
  SandboxResponse,
  SandboxStats,
  ServedPage,
  StreamChange,
  StreamChangeListener,
} from './types.js';

/** What the engine does with a request: answer it, or (network faults) drop the connection. */
export type EngineOutcome = { kind: 'respond'; response: SandboxResponse } | { kind: 'drop' };

/** Options of {@link createEngine}. */
export interface EngineOptions {
  dialects: readonly SandboxDialect[];
  /**
   * Settings per dialect id (`transitionMs`, `documentedOnly`, `credentials`); credentials default to each
   * dialect's own. `startSandbox` takes only the ids it serves and, in `credentials`, only the names of the
   * dialect's own credentials (`token`, `apiKey`, …), each non-empty text.
   */
  settings?: Partial<Record<ProviderId, Partial<DialectSettings>>> | undefined;
  /**
   * Default state-transition time for every dialect, in ms: from 0 (at once) to 2147483647 (`maxTimeoutMs`).
   * Default 1500 ms.
   */
  transitionMs?: number | undefined;
  /**
   * Leave out of answers every field and answer detail that no vendor document shows and the sandbox would
   * otherwise invent (LiveAPI's `name` and paging fields, Wowza Video's RTMP, RTSP, SRT and pull connection
   * details, …; the package README lists them), so adapters' paths for a documented absence run against
   * it. Default false: the sandbox fills them in, as a demo needs. Per dialect through `settings` too.
   */
  documentedOnly?: boolean | undefined;
  /**
   * Requests per second allowed before 429 with Retry-After: a token bucket holding one second's worth, and
   * at least one request, so a fractional rate is honoured (`0.5`: one request, then one every 2 s). A
   * number above 0 (`startSandbox` refuses anything else, naming `rateLimit.requestsPerSecond`); unlimited
   * when absent. `Retry-After` is the wait for the next request in whole seconds, at most 86 400 (a day).
   */
  rateLimit?: { requestsPerSecond: number } | undefined;
  /** Initial records, as `snapshot()` returns them. */
  data?: Record<string, Record<string, Record<string, { id: string }>>> | undefined;
  /** Called after every change, for persistence. */
  onChange?: (() => void) | undefined;
  /**
   * The clock, in ms since the epoch: the rate limit's refill, the time dialects stamp on records, the
   * `at` of log lines and webhook delivery records, and the RTMP ingest's times (when an encoder connected,
   * published and sent its first packet, its bitrate, the age of an authentication challenge), and the
   * times webhook bodies carry, Wowza Real-Time's signed `timestamp` included: a fixed one signs deliveries
   * Real-Time's `parseWebhook` refuses as `stale-timestamp` unless it is given the same `clock`. Default
   * `Date.now`; tests pass a fixed one so a busy machine cannot refill the bucket between requests.
   */
  now?: (() => number) | undefined;
  /** Hears every line of the sandbox's log (ingest decisions, packager failures); nothing is printed. */
  log?: ((entry: SandboxLogEntry) => void) | undefined;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The longest `Retry-After` the rate limit answers: a day, as a planned `rate-limit` fault's longest. */
export const maxRetryAfterSeconds = 86_400;

/**
 * The sandbox's engine, independent of any server: routes requests to dialects, serves planned faults,
 * applies the rate limit, runs timed state transitions and keeps the store.
 */
export function createEngine(options: EngineOptions) {
  const dialects = new Map(options.dialects.map((dialect) => [dialect.id, dialect]));
  const store = new Map<string, Map<string, Map<string, { id: string }>>>();
  const faults = new Map<string, Fault[]>();
  const encoders = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // Set by close(): a request still held then is dropped, not carried out.
  let closed = false;
  const stats: SandboxStats = { requests: 0, rateLimited: 0, created: {}, inFlight: 0 };
  const changeListeners = new Set<StreamChangeListener>();
  const emitChange = (change: StreamChange) => {
    for (const listener of changeListeners) {
      try {
        listener(change);
      } catch {
        // An observer's failure never changes what the sandbox answers.
      }
    }
  };
  // A token bucket, as API gateways meter requests: `requestsPerSecond` tokens refill evenly over each
  // second and at most that many are kept, so a client pacing itself at the limit is never refused.
  // `Date.now` looked up at each reading, not kept: a test that holds the time of day still (fake timers
  // on `Date`) holds the sandbox's with it, so a Retry-After date it writes is read on the same clock.
  const now = options.now ?? (() => Date.now());
  // The bucket holds at least one token, so a rate below one a second (0.5: one request every two seconds)
  // is served at that pace instead of refusing every request.
  const capacity = Math.max(1, options.rateLimit?.requestsPerSecond ?? 0);
  const bucket = { tokens: options.rateLimit ? capacity : 0, refilledAt: now() };
  let origin = 'http://127.0.0.1';
  let ingestOrigin = 'rtmp://127.0.0.1:1935';
  let ingestListening = false;
  let encoderInfo: (provider: ProviderId, id: string) => EncoderInfo | undefined = () => undefined;
  const logs: SandboxLogEntry[] = [];
  let resumed = false;

  for (const [provider, collections] of Object.entries(options.data ?? {})) {
    const slice = new Map<string, Map<string, { id: string }>>();
    for (const [name, records] of Object.entries(collections))
      slice.set(name, new Map(Object.entries(records)));
    store.set(provider, slice);
  }

  const settingsOf = (dialect: SandboxDialect): DialectSettings => ({
    transitionMs: options.settings?.[dialect.id]?.transitionMs ?? options.transitionMs ?? 1500,
    documentedOnly: options.settings?.[dialect.id]?.documentedOnly ?? options.documentedOnly ?? false,
    credentials: { ...dialect.defaultCredentials(), ...options.settings?.[dialect.id]?.credentials },
  });
  const resolvedSettings = new Map(
    [...dialects.values()].map((dialect) => [dialect.id, settingsOf(dialect)]),
  );

  function contextFor(dialect: SandboxDialect, listing?: ListFault): DialectContext {
    const settings = resolvedSettings.get(dialect.id) ?? settingsOf(dialect);
    return {
      page: (records, page, perPage) => servePage(records, page, perPage, listing),
      collection<T extends { id: string }>(name: string): Map<string, T> {
        const slice = store.get(dialect.id) ?? new Map<string, Map<string, { id: string }>>();
        store.set(dialect.id, slice);
        const collection = slice.get(name) ?? new Map<string, { id: string }>();
        slice.set(name, collection);
        return collection as Map<string, T>;
      },
      changed: () => options.onChange?.(),
      after(ms, action) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          action();
          options.onChange?.();
        }, ms);
        timer.unref?.();
        timers.add(timer);
      },
      now,
      randomId: (length) =>
        Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join(''),
      randomHex: (length) =>
        randomBytes(Math.ceil(length / 2))
          .toString('hex')
          .slice(0, length),
      origin,
      ingestOrigin,
      mediaUrl: (streamId, file) =>
        `${origin}/media/${encodeURIComponent(dialect.id)}/${encodeURIComponent(streamId)}/${file}`,
      encoderInfo: (streamId) => encoderInfo(dialect.id, streamId),
      settings,
      countCreate: () => {
        stats.created[dialect.id] = (stats.created[dialect.id] ?? 0) + 1;
      },
      encoderConnected: (id) => encoders.has(`${dialect.id}/${id}`),
      disconnectEncoder: (id) => setEncoder(dialect.id, id, false),
      emit: (change) => emitChange({ ...change, provider: dialect.id, at: now() }),
    };
  }

  function log(entry: Omit<SandboxLogEntry, 'at'>): void {
    const line = { ...entry, at: now() };
    logs.push(line);
    if (logs.length > 200) logs.shift();
    options.log?.(line);
  }

  function setEncoder(provider: ProviderId, id: string, connected: boolean): void {
    const key = `${provider}/${id}`;
    if (encoders.has(key) === connected) return;
    if (connected) encoders.add(key);
    else encoders.delete(key);
    const dialect = dialects.get(provider);
    let described: ReturnType<NonNullable<SandboxDialect['describe']>>;
    try {
      described = dialect?.describe?.(id, contextFor(dialect));
    } catch {
      // A dialect's own failure (a custom dialect's bug, a persisted record of a shape it does not expect)
      // never escapes to the encoder's caller (`setEncoder`, the control route, the RTMP ingest), nor is its
      // message repeated (it may hold a key): the change is reported without the stream's record.
      described = undefined;
      log({
        level: 'error',
        message: `the ${provider} dialect's describe failed: the change is reported without the stream's record`,
        provider,
        streamId: id,
      });
    }
    emitChange({
      kind: connected ? 'encoder-connected' : 'encoder-disconnected',
      provider,
      id,
      at: now(),
      ...(described?.state === undefined ? {} : { state: described.state }),
      ...(described ? { record: described.record } : {}),
    });
  }

  function queueFault(
    provider: ProviderId,
    operation: FaultOperation | RouteFaultOperation,
    fault: Fault,
  ): void {
    const key = `${provider}/${operation}`;
    faults.set(key, [...(faults.get(key) ?? []), fault]);
  }

  function takeFault(
    provider: ProviderId,
    operation: FaultOperation | RouteFaultOperation | undefined,
  ): Fault | undefined {
    if (!operation) return undefined;
    const key = `${provider}/${operation}`;
    const queue = faults.get(key);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) queue.shift();
    else queue[0] = { ...fault, times: left };
    return fault;
  }

  function faultResponse(
    dialect: SandboxDialect,
    fault: Extract<
      Fault,
      {
        type:
          | 'unauthorized'
          | 'forbidden'
          | 'not-found'
          | 'conflict'
          | 'rate-limit'
          | 'server-error'
          | 'status';
      }
    >,
  ): SandboxResponse {
    switch (fault.type) {
      case 'status':
        // The vendor's body for the status's kind, with the status asked for (a dialect may render a kind
        // with its own usual status: Wowza answers invalid input with 422).
        return {
          ...dialect.error(kindOfStatus(fault.status), fault.status, 'Injected failure'),
          status: fault.status,
        };
      case 'unauthorized':
        return dialect.error('unauthorized', 401, 'Authentication failed');
      case 'forbidden':
        return dialect.error('forbidden', 403, 'Not allowed');
      case 'not-found':
        return dialect.error('not-found', 404, 'Not found');
      case 'conflict':
        return dialect.error('conflict', 422, 'The stream cannot do that in its current state');
      case 'server-error':
        return dialect.error('server-error', fault.status ?? 503, 'Service unavailable');
      case 'rate-limit': {
        const seconds = fault.retryAfterSeconds ?? 1;
        const response = dialect.error('rate-limit', 429, 'Too many requests');
        const retryAfter = fault.retryAfterDate
          ? new Date(now() + seconds * 1000).toUTCString()
          : String(seconds);
        return { ...response, headers: { ...response.headers, 'retry-after': retryAfter } };
      }
    }
  }

  // Serves a planned fault; undefined means "now answer normally" (after a slow start). `answer` is the
  // normal answer (the dialect's, or a route's of the sandbox's own), asked for by the faults that carry the
  // request out first; a list fault hands it its listing.
  async function applyFault(
    dialect: SandboxDialect,
    request: SandboxRequest,
    fault: Fault,
    signal: AbortSignal | undefined,
    answer: (listing?: ListFault) => SandboxResponse | Promise<SandboxResponse>,
  ): Promise<EngineOutcome | undefined> {
    const respond = (response: SandboxResponse): EngineOutcome => ({ kind: 'respond', response });
    switch (fault.type) {
      case 'paging':
      case 'odd-record':
        return respond(await answer(fault));
      case 'read-back-fails': {
        const response = await answer();
        // Only a change the vendor accepted has a read-back to fail.
        if (response.status < 400) {
          queueFault(dialect.id, 'get', {
            type: 'server-error',
            status: fault.status ?? 503,
            times: fault.reads ?? 3,
          });
        }
        return respond(response);
      }
      case 'network':
        if (fault.processed) await answer();
        return { kind: 'drop' };
      case 'slow': {
        const held = delay(fault.delayMs, signal);
        try {
          fault.onHold?.({ method: request.method, path: request.path });
        } catch {
          // A test's callback that throws must not turn the held answer into another one.
        }
        await held;
        return undefined;
      }
      case 'html':
        return respond({
          status: fault.status ?? 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        });
      case 'malformed-json':
        return respond({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"id": "abc", "na',
        });
      case 'empty-body':
        if (fault.processed) await answer();
        return respond({
          status: fault.status ?? 200,
          headers: { 'content-type': 'application/json' },
          ...(fault.object ? { body: {} } : {}),
        });
      case 'wrong-shape':
        return respond({ status: 200, body: { unexpected: [1, 2, 3], data: null } });
      case 'unknown-enum': {
        const response = await answer();
        return respond({ ...response, body: replaceEnums(response.body) });
      }
      case 'slow-body': {
        const response = await answer();
        return respond({ ...response, bodyDelayMs: fault.delayMs });
      }
      default:
        // The vendor did the work, then failed to say so (a gateway timeout, a crash after the commit).
        if ((fault.type === 'server-error' || fault.type === 'status') && fault.processed) await answer();
        return respond(faultResponse(dialect, fault));
    }
  }

  function overRateLimit(): number | undefined {
    const limit = options.rateLimit?.requestsPerSecond;
    if (!limit) return undefined;
    const at = now();
    bucket.tokens = Math.min(capacity, bucket.tokens + ((at - bucket.refilledAt) / 1000) * limit);
    bucket.refilledAt = at;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    // Retry-After counts whole seconds (delta-seconds, digits only: RFC 9110 §10.2.3): the wait for the next
    // token, rounded up, at most a day, so a tiny rate (1e-300) never prints a number in exponent form.
    return Math.min(maxRetryAfterSeconds, Math.max(1, Math.ceil((1 - bucket.tokens) / limit)));
  }

  return {
    dialects,
    stats,
    /** The clock everything the sandbox stamps is read from (`now`, `Date.now` by default). */
    now,
    /**
     * Lets every dialect re-arm the transitions of the records it was started on (`SandboxDialect.resume`),
     * once; the server calls it once it listens, so what they report names its address. A dialect whose
     * resume throws is logged, as a dialect's failure in a request is, and the others go on.
     */
    resume() {
      if (resumed || options.data === undefined) return;
      resumed = true;
      for (const dialect of dialects.values()) {
        try {
          dialect.resume?.(contextFor(dialect));
        } catch {
          log({ level: 'error', message: `the ${dialect.id} dialect could not resume its transitions` });
        }
      }
    },
    /** Sets the origin used in URLs dialects generate (the server calls this once it listens). */
    setOrigin(value: string) {
      origin = value;
    },
    /** Sets the `rtmp://host:port` ingest URLs point at (the server calls this once RTMP listens). */
    setIngestOrigin(value: string) {
      ingestOrigin = value;
      ingestListening = true;
    },
    /** Where the RTMP ingest listens; undefined when the sandbox runs without one. */
    ingestUrl(): string | undefined {
      return ingestListening ? ingestOrigin : undefined;
    },
    /** Where dialects read what the RTMP ingest knows of a stream's encoder. */
    setEncoderInfo(lookup: (provider: ProviderId, id: string) => EncoderInfo | undefined) {
      encoderInfo = lookup;
    },
    /** Adds a line to the sandbox's log: kept for the dashboard (the last 200) and handed to `log`. */
    log,
    /** The most recent log lines, oldest first. */
    recentLogs(): SandboxLogEntry[] {
      return [...logs];
    },
    /** What a dialect gets as its context, for work outside a request (ingest, the dashboard). */
    contextOf(provider: ProviderId): DialectContext | undefined {
      const dialect = dialects.get(provider);
      return dialect ? contextFor(dialect) : undefined;
    },
    /** The records, as plain JSON, for persistence. */
    snapshot(): Record<string, Record<string, Record<string, unknown>>> {
      const data: Record<string, Record<string, Record<string, unknown>>> = {};
      for (const [provider, slice] of store) {
        data[provider] = {};
        for (const [name, collection] of slice) data[provider][name] = Object.fromEntries(collection);
      }
      return data;
    },
    /**
     * Queues a fault for the next calls of `operation` on `provider`.
     *
     * @throws InvalidInputError naming what exists, its issue naming the field (`provider`, `operation`,
     * `fault.type`, `fault.tims`), when the provider, operation or fault type is unknown (or no text), the
     * fault has a field its type does not take, or a field is missing or out of range: a fault that would
     * never be served as planned must not pass silently.
     */
    injectFault(provider: ProviderId, operation: FaultOperation | RouteFaultOperation, fault: Fault): void {
      // A route's own limits (only videosdk serves `public-key`) once the fault itself is known to be one.
      const issue = dialects.has(provider)
        ? (faultIssue(operation, fault) ?? routeFaultIssue(provider, operation, fault))
        : {
            path: 'provider',
            message: `unknown provider: expected one of ${[...dialects.keys()].join(', ')}`,
          };
      if (issue) {
        throw new InvalidInputError({
          operation: 'injectFault',
          message: issue.message,
          issues: [issue],
        });
      }
      const key = `${provider}/${operation}`;
      faults.set(key, [...(faults.get(key) ?? []), fault]);
    },
    clearFaults(): void {
      faults.clear();
    },
    /** True when any collection of `provider` holds a record with this id. */
    hasRecord(provider: ProviderId, id: string): boolean {
      for (const collection of store.get(provider)?.values() ?? []) if (collection.has(id)) return true;
      return false;
    },
    /**
     * Marks an encoder as connected to (or gone from) a stream, and reports `encoder-connected` or
     * `encoder-disconnected` when that changed anything.
     */
    setEncoder(provider: ProviderId, id: string, connected: boolean): void {
      setEncoder(provider, id, connected);
    },
    /** What the RTMP ingest knows of the encoder publishing to a stream; undefined when none does. */
    publisherOf(provider: ProviderId, id: string): EncoderInfo | undefined {
      return encoderInfo(provider, id);
    },
    /** Whether an encoder is marked connected to a stream. */
    encoderConnected(provider: ProviderId, id: string): boolean {
      return encoders.has(`${provider}/${id}`);
    },
    /**
     * Observes every change to every stream (created, updated, state changed, deleted, encoder
     * connected or disconnected, recording ready). Returns the function that stops observing.
     */
    onStreamChange(listener: StreamChangeListener): () => void {
      changeListeners.add(listener);
      return () => {
        changeListeners.delete(listener);
      };
    },
    /** Settings in force for a dialect, credentials included. */
    settingsOf(provider: ProviderId): DialectSettings | undefined {
      return resolvedSettings.get(provider);
    },
    /** Answers one request for `provider`, or says to drop the connection. */
    async handle(
      provider: ProviderId,
      request: SandboxRequest,
      signal?: AbortSignal,
    ): Promise<EngineOutcome> {
      const dialect = dialects.get(provider);
      if (!dialect)
        return { kind: 'respond', response: { status: 404, body: { error: 'unknown provider' } } };
      stats.requests += 1;
      const cors = dialect.crossOriginHeaders?.(request);
      // A browser's preflight is not metered: one refused reads as a CORS failure, never as the 429 (the
      // media routes' preflights are not metered either).
      const retryAfter = cors && request.method === 'OPTIONS' ? undefined : overRateLimit();
      if (retryAfter !== undefined) {
        stats.rateLimited += 1;
        const response = dialect.error('rate-limit', 429, 'Too many requests');
        return {
          kind: 'respond',
          response: {
            ...response,
            headers: {
              ...response.headers,
              ...cors,
              // A page on another origin reads `Retry-After` only when it is exposed.
              ...(cors ? { 'access-control-expose-headers': 'retry-after' } : {}),
              'retry-after': String(retryAfter),
            },
          },
        };
      }
      stats.inFlight += 1;
      try {
        const fault = takeFault(provider, dialect.operationOf(request));
        if (fault) {
          const answer = (listing?: ListFault) => dialect.handle(request, contextFor(dialect, listing));
          const outcome = await applyFault(dialect, request, fault, signal, answer);
          if (outcome) return outcome;
        }
        // A request held (a `slow` fault) through the sandbox's close is not carried out afterwards: nothing
        // changes once close() has resolved, the persist file's last save included.
        if (closed) return { kind: 'drop' };
        return { kind: 'respond', response: await dialect.handle(request, contextFor(dialect)) };
      } finally {
        stats.inFlight -= 1;
      }
    },
    /**
     * Answers a request to a route the sandbox serves beside `provider`'s API (videosdk's webhook public
     * key, operation `public-key`) with `answer`, or as the next fault planned for `operation` says (a 5xx, a
     * 429 with `Retry-After`, a held answer, a dropped connection…), in the provider's error shape. Such a
     * route is neither rate limited nor counted in `stats`, as before faults could target it.
     */
    async serveRoute(
      provider: ProviderId,
      operation: RouteFaultOperation,
      request: SandboxRequest,
      signal: AbortSignal | undefined,
      answer: () => SandboxResponse | Promise<SandboxResponse>,
    ): Promise<EngineOutcome> {
      const dialect = dialects.get(provider);
      if (!dialect)
        return { kind: 'respond', response: { status: 404, body: { error: 'unknown provider' } } };
      const fault = takeFault(provider, operation);
      if (fault) {
        const outcome = await applyFault(dialect, request, fault, signal, () => answer());
        if (outcome) return outcome;
      }
      if (closed) return { kind: 'drop' };
      return { kind: 'respond', response: await answer() };
    },
    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      changeListeners.clear();
    },
  };
}

type ListFault = Extract<Fault, { type: 'paging' | 'odd-record' }>;

/** The id of the record an `odd-record` fault adds, by default. */
export const oddRecordId = 'legacy:bbbb2222';

// One list page, served normally or as a list fault says.
function servePage<T extends { id: string }>(
  records: readonly T[],
  page: number,
  perPage: number,
  listing: ListFault | undefined,
): ServedPage<T> {
  const slice = (first: number) => records.slice(Math.max(0, first), Math.max(0, first) + perPage);
  const normal = (): ServedPage<T> => ({ records: slice((page - 1) * perPage), page, total: records.length });
  if (!listing) return normal();
  if (listing.type === 'odd-record') {
    const served = normal();
    const first = served.records[0];
    if (!first) return served;
    // A copy of a real record, so that everything but its id reads as the vendor's.
    const odd = { ...first, id: listing.id ?? oddRecordId };
    return { ...served, records: [...served.records, odd], total: served.total + 1 };
  }
  switch (listing.mode) {
    case 'ignore-page':
      return { records: slice(0), page: 1, total: records.length };
    case 'repeat-page':
      return { records: slice(0), page, total: records.length };
    case 'shift': {
      // One stream created ahead of the walk before each request after the first: page N starts N-1
      // records early in the original order, and the count includes the N-1 new streams.
      const created = page - 1;
      return { records: slice((page - 1) * perPage - created), page, total: records.length + created };
    }
  }
}

/** The engine {@link createEngine} returns. */
export type SandboxEngine = ReturnType<typeof createEngine>;

const enumKeys = new Set(['state', 'status', 'broadcasting_status']);

/** Replaces the values of state-like keys, wherever they are, with one no adapter knows. */
export function replaceEnums(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(replaceEnums);
  if (typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key,
      enumKeys.has(key) && typeof value === 'string' ? 'unforeseen_value' : replaceEnums(value),
    ]),
  );
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 423) return 'conflict';
  if (status === 429) return 'rate-limit';
  // 408: the server gave up waiting, a server-side condition like a 5xx, not invalid input.
  if (status === 408 || status >= 500) return 'server-error';
  return 'invalid';
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
