import { type LiveStreamState, readSettings } from '@unilive/core';
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

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** The token requests must carry. */
  token: string;
  /** How many `status` polls a stream spends in `starting` / `stopping`. Default 1. */
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

/**
 * The memory vendor's dialect: a small REST API under `/v1/streams`, with state transitions that advance
 * per status poll (so tests need no timers).
 */
function memoryDialect(options: MemoryBackendOptions): SandboxDialect {
  const pendingPolls = new Map<string, number>();
  let sequence = 0;

  const view = (stream: MemoryStream) => {
    const { streamKey, ...rest } = stream;
    return { ...rest, ingest: { server: 'rtmp://ingest.memory.test/live', stream_key: streamKey } };
  };

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
        return { status: 200, body: { streams: records.map(view), has_more: page * perPage < total } };
      }
      const { id } = routeOf(request.path);
      const stream = id === undefined ? undefined : streams.get(id);
      if (!stream || operation === undefined) return failure(404, 'not_found', 'No such stream');
      switch (operation) {
        case 'get':
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
          return { status: 204 };
        case 'start':
        case 'stop': {
          const from = operation === 'start' ? 'stopped' : 'ready';
          if (stream.state !== from) {
            return failure(409, 'invalid_state', `Cannot ${operation} a stream that is ${stream.state}`);
          }
          stream.state = operation === 'start' ? 'starting' : 'stopping';
          pendingPolls.set(stream.id, options.transitionPolls ?? 1);
          return { status: 200, body: { stream: view(stream) } };
        }
      }
    },
  };
}

/**
 * An in-process vendor for the memory provider: the sandbox's engine with a small `memory` dialect,
 * answered through a `fetch` function instead of a socket, so it has the sandbox's fault plan. It exists so
 * core's HTTP layer, retries and error mapping are proven before any real vendor.
 *
 * Its `fetch` reads its arguments as fetch does: the signal in `init` (where core's HTTP layer puts the
 * attempt's) over the `Request`'s. A request a `slow` fault holds ends when that signal fires (the
 * attempt's time limit, the caller's abort): it is carried out then, as a vendor would once it reads it,
 * and the `fetch` rejects with the signal's reason.
 */
export function createMemoryBackend(given: MemoryBackendOptions) {
  // Read as an adapter's settings are (core's readSettings): own properties of a plain object, each once.
  const options = readSettings('memory', given, {
    token: true,
    transitionPolls: true,
  } as const satisfies Record<keyof MemoryBackendOptions, true>);
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
    const { status, headers, body } = outcome.response;
    const payload = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(payload, {
      status,
      headers: {
        'content-type': 'application/json',
        'x-request-id': `req-${engine.stats.requests}`,
        ...headers,
      },
    });
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
