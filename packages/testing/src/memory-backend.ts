import type { LiveStreamState } from '@unilive/core';
import type { Fault, FaultOperation } from '@unilive/sandbox';

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

/**
 * An in-process vendor for the memory provider: a small REST API over a map, answered through a `fetch`
 * function, with the same fault plan the sandbox has. It exists so core's HTTP layer, retries and error
 * mapping are proven before any real vendor.
 */
export function createMemoryBackend(options: MemoryBackendOptions) {
  const streams = new Map<string, MemoryStream>();
  const faults = new Map<FaultOperation, Fault[]>();
  const pendingPolls = new Map<string, number>();
  const counts = { requests: 0, created: 0 };
  let sequence = 0;

  function takeFault(operation: FaultOperation): Fault | undefined {
    const queue = faults.get(operation);
    const fault = queue?.[0];
    if (!fault || !queue) return undefined;
    const times = (fault.times ?? 1) - 1;
    if (times <= 0) queue.shift();
    else queue[0] = { ...fault, times };
    return fault;
  }

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'x-request-id': `req-${counts.requests}`, ...headers },
    });

  const failure = (status: number, code: string, message: string, headers?: Record<string, string>) =>
    json(status, { error: { code, message } }, headers);

  async function serveFault(fault: Fault, signal: AbortSignal | undefined): Promise<Response> {
    switch (fault.type) {
      case 'unauthorized':
        return failure(401, 'unauthorized', 'Invalid token');
      case 'forbidden':
        return failure(403, 'forbidden', 'Not allowed');
      case 'not-found':
        return failure(404, 'not_found', 'No such stream');
      case 'conflict':
        return failure(409, 'invalid_state', 'The stream cannot do that in its current state');
      case 'rate-limit': {
        const seconds = fault.retryAfterSeconds ?? 1;
        const header = fault.retryAfterDate
          ? new Date(Date.now() + seconds * 1000).toUTCString()
          : String(seconds);
        return failure(429, 'rate_limited', 'Too many requests', { 'retry-after': header });
      }
      case 'server-error':
        return failure(fault.status ?? 503, 'unavailable', 'Try again later');
      case 'network':
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
        });
      case 'slow':
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, fault.delayMs);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        });
        throw new Error('slow fault outlived the caller');
      default:
        return failure(500, 'unsupported_fault', `The memory backend does not simulate ${fault.type}`);
    }
  }

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

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const parts = url.pathname.split('/').filter(Boolean).slice(1); // drop the "v1" prefix
    const [collection, id, action] = parts;
    if (collection !== 'streams') return failure(404, 'not_found', 'No such route');
    const method = request.method;
    const operation: FaultOperation | undefined =
      id === undefined
        ? method === 'POST'
          ? 'create'
          : 'list'
        : action === 'start'
          ? 'start'
          : action === 'stop'
            ? 'stop'
            : action === 'status'
              ? 'status'
              : method === 'GET'
                ? 'get'
                : method === 'PATCH'
                  ? 'update'
                  : 'delete';
    const fault = takeFault(operation);
    if (fault) return serveFault(fault, request.signal);
    if (request.headers.get('authorization') !== `Bearer ${options.token}`) {
      return failure(401, 'unauthorized', 'Invalid token');
    }
    const body =
      method === 'POST' || method === 'PATCH' ? ((await request.json()) as Record<string, unknown>) : {};
    if (operation === 'create') {
      sequence += 1;
      counts.created += 1;
      const now = new Date().toISOString();
      const stream: MemoryStream = {
        id: `mem${String(sequence).padStart(5, '0')}`,
        name: String(body.name),
        state: 'stopped',
        recording: body.recording === true,
        createdAt: now,
        updatedAt: now,
        streamKey: `sk_${crypto.randomUUID().replaceAll('-', '')}`,
      };
      streams.set(stream.id, stream);
      return json(201, { stream: view(stream) });
    }
    if (operation === 'list') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '20');
      const all = [...streams.values()];
      const items = all.slice((page - 1) * perPage, page * perPage).map(view);
      return json(200, { streams: items, has_more: page * perPage < all.length });
    }
    const stream = id === undefined ? undefined : streams.get(id);
    if (!stream) return failure(404, 'not_found', 'No such stream');
    switch (operation) {
      case 'get':
        return json(200, { stream: view(stream) });
      case 'status':
        advance(stream);
        return json(200, { state: stream.state });
      case 'update':
        if (typeof body.name === 'string') stream.name = body.name;
        if (typeof body.recording === 'boolean') stream.recording = body.recording;
        stream.updatedAt = new Date().toISOString();
        return json(200, { stream: view(stream) });
      case 'delete':
        streams.delete(stream.id);
        return new Response(null, { status: 204 });
      case 'start':
      case 'stop': {
        const from = operation === 'start' ? 'stopped' : 'ready';
        if (stream.state !== from) {
          return failure(409, 'invalid_state', `Cannot ${operation} a stream that is ${stream.state}`);
        }
        stream.state = operation === 'start' ? 'starting' : 'stopping';
        pendingPolls.set(stream.id, options.transitionPolls ?? 1);
        return json(200, { stream: view(stream) });
      }
      default:
        return failure(404, 'not_found', 'No such route');
    }
  }

  const fetchImplementation: typeof fetch = async (input, init) => {
    counts.requests += 1;
    const request = input instanceof Request ? input : new Request(input, init);
    return route(request);
  };

  return {
    fetch: fetchImplementation,
    /** Queues a fault for the next calls of `operation`. */
    injectFault(operation: FaultOperation, fault: Fault): void {
      faults.set(operation, [...(faults.get(operation) ?? []), fault]);
    },
    clearFaults(): void {
      faults.clear();
    },
    /** Requests received and streams created, for proving retries and the absence of duplicates. */
    counts,
    streamCount: () => streams.size,
  };
}

/** The backend {@link createMemoryBackend} returns. */
export type MemoryBackend = ReturnType<typeof createMemoryBackend>;
