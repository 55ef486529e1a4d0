import { InvalidInputError, type LiveStreamState, loadCredential, readSettings } from '@unilive/core';
import {
  createEngine,
  type DialectContext,
  type ErrorKind,
  type Fault,
  type FaultOperation,
  type SandboxDialect,
  type SandboxRequest,
  type SandboxResponse,
} from '@unilive/sandbox';

export type { Fault, FaultOperation } from '@unilive/sandbox';

interface MemoryStream {
  id: string;
  name: string;
  state: LiveStreamState;
  recording: boolean;
  createdAt: string;
  updatedAt: string;
  streamKey: string;
}

/** The largest {@link MemoryBackendOptions.transitionPolls}: as many reads as any test makes, short of none. */
export const maxTransitionPolls = 1_000_000;

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /**
   * The token requests must carry (as `Authorization: Bearer <token>`); any other is answered 401.
   * Required. Read as an adapter reads a credential setting (core's `loadCredential`): whitespace around it
   * is dropped, as the memory provider drops it around its own `token`, so `' tok '` on either side matches
   * `tok` on the other. A missing, non-string, empty or blank token (or one no header can carry) is
   * `InvalidInputError` naming `token`.
   */
  token: string;
  /**
   * How many reads of a stream it spends in `starting` after a `start` (and in `stopping` after a `stop`)
   * before it is `ready` (`stopped`): a whole number from 0 to {@link maxTransitionPolls} (1,000,000).
   * Default 1: the first read after a start says `starting`, the next says `ready`; with 0 the first read
   * already says `ready`.
   *
   * A vendor moves a stream on in its own time, whoever looks: so every read of the stream counts, a `get`,
   * a `status` poll (`waitForState`'s) and each list page the stream appears on alike, never only the
   * client's own polls; the backend stays free of timers, so a test neither waits nor races a clock. The
   * answer of the `start` or `stop` itself and of an `update` is no read.
   *
   * @throws InvalidInputError (`operation: 'configure'`) naming `transitionPolls` for anything else (a
   *   negative, fractional, non-finite or non-number value, or one above the maximum), which would leave a
   *   stream in `starting` for good or make it skip the state.
   */
  transitionPolls?: number;
}

const statusOf: Record<ErrorKind, [number, string]> = {
  unauthorized: [401, 'unauthorized'],
  forbidden: [403, 'forbidden'],
  'not-found': [404, 'not_found'],
  conflict: [409, 'invalid_state'],
  'rate-limit': [429, 'rate_limited'],
  'server-error': [503, 'unavailable'],
  invalid: [400, 'invalid'],
};

const failure = (status: number, code: string, message: string): SandboxResponse => ({
  status,
  body: { error: { code, message } },
});

/** The settings the dialect runs on, read and checked. */
interface MemoryDialectSettings {
  token: string;
  transitionPolls: number;
}

/**
 * The memory vendor's dialect: a small REST API under `/v1/streams`, with state transitions that advance
 * per read of the stream (`get`, `status`, a list page holding it), so tests need no timers.
 */
function memoryDialect(options: MemoryDialectSettings): SandboxDialect {
  const pendingPolls = new Map<string, number>();
  let sequence = 0;

  const view = (stream: MemoryStream) => {
    const { streamKey, ...rest } = stream;
    return { ...rest, ingest: { server: 'rtmp://ingest.memory.test/live', stream_key: streamKey } };
  };

  // Called for every read of the stream, before its answer is made: the answer shows the state it moved to.
  function advance(stream: MemoryStream): void {
    if (stream.state !== 'starting' && stream.state !== 'stopping') return;
    const left = pendingPolls.get(stream.id) ?? 0;
    if (left > 0) {
      pendingPolls.set(stream.id, left - 1);
      return;
    }
    stream.state = stream.state === 'starting' ? 'ready' : 'stopped';
    stream.updatedAt = new Date().toISOString();
  }

  const routeOf = (path: string) => {
    const [collection, id, action] = path.split('/').filter(Boolean);
    return { collection, id, action };
  };

  return {
    id: 'memory',
    basePath: '/v1',
    defaultCredentials: () => ({ token: options.token }),
    operationOf(request: SandboxRequest): FaultOperation | undefined {
      const { collection, id, action } = routeOf(request.path);
      if (collection !== 'streams') return undefined;
      if (id === undefined) return request.method === 'POST' ? 'create' : 'list';
      if (action === 'start' || action === 'stop') return action;
      if (action === 'status') return 'status';
      return request.method === 'GET' ? 'get' : request.method === 'PATCH' ? 'update' : 'delete';
    },
    error(kind, status, message) {
      const [defaultStatus, code] = statusOf[kind];
      return failure(kind === 'conflict' ? defaultStatus : status, code, message);
    },
    handle(request: SandboxRequest, context: DialectContext): SandboxResponse {
      if (request.headers.get('authorization') !== `Bearer ${context.settings.credentials.token}`) {
        return failure(401, 'unauthorized', 'Invalid token');
      }
      const streams = context.collection<MemoryStream>('streams');
      const operation = this.operationOf(request);
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      if (operation === 'create') {
        sequence += 1;
        context.countCreate();
        const now = new Date().toISOString();
        const stream: MemoryStream = {
          id: `mem${String(sequence).padStart(5, '0')}`,
          name: String(body.name),
          state: 'stopped',
          recording: body.recording === true,
          createdAt: now,
          updatedAt: now,
          streamKey: `sk_${context.randomHex(32)}`,
        };
        streams.set(stream.id, stream);
        return { status: 201, body: { stream: view(stream) } };
      }
      if (operation === 'list') {
        const asked = Number(request.query.get('page') ?? '1');
        const perPage = Number(request.query.get('per_page') ?? '20');
        const { records, page, total } = context.page([...streams.values()], asked, perPage);
        // Each stream on the page is read. Only the vendor's own records move on: a list fault's copy of one
        // (`odd-record`) is no stream of its own, and a record shown twice on a page is read once.
        for (const record of new Set(records)) if (streams.get(record.id) === record) advance(record);
        return { status: 200, body: { streams: records.map(view), has_more: page * perPage < total } };
      }
      const { id } = routeOf(request.path);
      const stream = id === undefined ? undefined : streams.get(id);
      if (!stream || operation === undefined) return failure(404, 'not_found', 'No such stream');
      switch (operation) {
        case 'get':
          advance(stream);
          return { status: 200, body: { stream: view(stream) } };
        case 'status':
          advance(stream);
          return { status: 200, body: { state: stream.state } };
        case 'update':
          if (typeof body.name === 'string') stream.name = body.name;
          if (typeof body.recording === 'boolean') stream.recording = body.recording;
          stream.updatedAt = new Date().toISOString();
          return { status: 200, body: { stream: view(stream) } };
        case 'delete':
          streams.delete(stream.id);
          pendingPolls.delete(stream.id);
          return { status: 204 };
        case 'start':
        case 'stop': {
          const from = operation === 'start' ? 'stopped' : 'ready';
          if (stream.state !== from) {
            return failure(409, 'invalid_state', `Cannot ${operation} a stream that is ${stream.state}`);
          }
          stream.state = operation === 'start' ? 'starting' : 'stopping';
          pendingPolls.set(stream.id, options.transitionPolls);
          return { status: 200, body: { stream: view(stream) } };
        }
      }
    },
  };
}

/**
 * Reads {@link MemoryBackendOptions} as an adapter's settings are read (core's `readSettings`: own
 * properties of a plain object, each once, every name known, `token` checked as a credential), then what
 * `readSettings` leaves to the factory: `token` given at all, and `transitionPolls` in range.
 */
function readBackendOptions(given: MemoryBackendOptions): MemoryDialectSettings {
  const settings = readSettings(
    'memory',
    given,
    { token: true, transitionPolls: true } as const satisfies Record<keyof MemoryBackendOptions, true>,
    ['token'],
  );
  const issues: { path: string; message: string }[] = [];
  // No environment variable stands in for a backend's token: without one, every request would be a 401
  // whatever token the provider sends, and the test would fail far from its cause.
  if (settings.token === undefined) {
    issues.push({
      path: 'token',
      message: 'expected the token requests must carry (a string); it is required',
    });
  }
  const polls = settings.transitionPolls;
  if (polls !== undefined && !(Number.isInteger(polls) && polls >= 0 && polls <= maxTransitionPolls)) {
    issues.push({
      path: 'transitionPolls',
      message: `expected a whole number from 0 to ${maxTransitionPolls} (reads a stream spends in starting or stopping)`,
    });
  }
  if (issues.length > 0) {
    throw new InvalidInputError({
      provider: 'memory',
      operation: 'configure',
      message: `memory: ${issues.map((issue) => `"${issue.path}": ${issue.message}`).join('; ')}`,
      issues,
      delivery: 'not-sent',
    });
  }
  return {
    // Trimmed as the memory provider trims its own token (one reading of a credential, however given).
    token: loadCredential({
      provider: 'memory',
      setting: 'token',
      value: settings.token,
      environmentVariables: [],
    }),
    transitionPolls: polls ?? 1,
  };
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/**
 * A body that arrives `delayMs` after its headers (a `slow-body` fault), as the sandbox's server sends one:
 * the response is handed over at once, its body later. The request's signal (the attempt's time limit, the
 * caller's abort) ends the wait with its reason, as a socket's read ends under fetch; a reader that cancels
 * the body stops the timer.
 */
function delayedBody(payload: string, delayMs: number, request: Request): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  // The Request itself is held (not only its signal) while the body waits: its signal follows the one in
  // `init` only while the Request lives (undici links them weakly).
  const stop = () => {
    clearTimeout(timer);
    if (onAbort) request.signal.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (request.signal.aborted) {
        controller.error(request.signal.reason);
        return;
      }
      onAbort = () => {
        stop();
        controller.error(request.signal.reason);
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        stop();
        if (payload.length > 0) controller.enqueue(utf8.encode(payload));
        controller.close();
      }, delayMs);
    },
    cancel: stop,
  });
}

/**
 * An in-process vendor for the memory provider: the sandbox's engine with a small `memory` dialect,
 * answered through a `fetch` function instead of a socket, so it has the sandbox's fault plan, each fault
 * served as the sandbox's server serves it (a `slow-body` fault's headers at once and its body after
 * `delayMs`, so a `timeoutMs` shorter than that ends the call with `TimeoutError`, `delivery: 'unknown'`).
 * It exists so core's HTTP layer, retries and error mapping are proven before any real vendor.
 *
 * Its `fetch` reads its arguments as fetch does: the signal in `init` (where core's HTTP layer puts the
 * attempt's) over the `Request`'s. A request a `slow` fault holds ends when that signal fires (the
 * attempt's time limit, the caller's abort): it is carried out then, as a vendor would once it reads it,
 * and the `fetch` rejects with the signal's reason. A body a `slow-body` fault delays fails with that
 * reason when the signal fires before it arrives (the request was carried out).
 *
 * @param given - see {@link MemoryBackendOptions}: `token` required, `transitionPolls` optional.
 * @throws InvalidInputError (`operation: 'configure'`, `delivery: 'not-sent'`) naming the setting: options
 *   that are no plain object, a misspelt or unreadable setting, a missing, non-string, empty or blank
 *   `token`, a `transitionPolls` that is no whole number from 0 to 1,000,000.
 */
export function createMemoryBackend(given: MemoryBackendOptions) {
  const options = readBackendOptions(given);
  const engine = createEngine({ dialects: [memoryDialect(options)] });

  const fetchImplementation: typeof fetch = async (input, init) => {
    // As fetch itself reads its arguments: `init` overrides what the `Request` carries. Core's HTTP layer
    // hands ky's `Request` with the attempt's signal in `init`; taking the `Request` alone would hold a
    // request on after its attempt timed out or was aborted. The Request is kept (read again below) while
    // the engine holds it: its signal follows the given one only while it lives (undici links them weakly).
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const outcome = await engine.handle(
      'memory',
      {
        method: request.method,
        path: url.pathname.replace(/^\/v1/, '') || '/',
        query: url.searchParams,
        headers: request.headers,
        body: text.length > 0 ? JSON.parse(text) : undefined,
      },
      request.signal,
    );
    if (outcome.kind === 'drop') {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    }
    // A slow fault answered after the caller gave up: the caller sees its own abort, as with a socket.
    request.signal.throwIfAborted();
    const { status, headers, body, bodyDelayMs } = outcome.response;
    // Written as the sandbox's server writes an answer: a text body as it is, anything else as JSON.
    const payload = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    // A status that carries no body (a 204) is whole with its headers, delayed body or not.
    const bodiless = payload === null || status === 204 || status === 205 || status === 304;
    return new Response(
      bodiless ? null : bodyDelayMs ? delayedBody(payload, bodyDelayMs, request) : payload,
      {
        status,
        headers: {
          'content-type': 'application/json',
          'x-request-id': `req-${engine.stats.requests}`,
          ...headers,
        },
      },
    );
  };

  return {
    fetch: fetchImplementation,
    /** Queues a fault for the next calls of `operation`. */
    injectFault(operation: FaultOperation, fault: Fault): void {
      engine.injectFault('memory', operation, fault);
    },
    clearFaults(): void {
      engine.clearFaults();
    },
    /** Requests received and streams created, for proving retries and the absence of duplicates. */
    get counts() {
      return { requests: engine.stats.requests, created: engine.stats.created.memory ?? 0 };
    },
  };
}

/** The backend {@link createMemoryBackend} returns. */
export type MemoryBackend = ReturnType<typeof createMemoryBackend>;
