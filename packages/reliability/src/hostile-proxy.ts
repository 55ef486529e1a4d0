import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy received. */
export interface ProxiedRequest {
  method: string;
  path: string;
  bodyBytes: number;
}

/** What an upstream (the sandbox) answered, as the proxy read it. */
export interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A hostile answer: status, headers and body bytes exactly as they go on the wire. With `cutAfter`, the
 * answer declares the whole body's length, sends only its first `cutAfter` bytes and closes the connection.
 */
export type HostileAnswer = Upstream & { cutAfter?: number };

/** Answers one request in place of the upstream; `forward` asks the upstream. */
export type HostilePlan = (
  request: ProxiedRequest,
  forward: () => Promise<Upstream>,
) => Promise<HostileAnswer>;

/**
 * A loopback HTTP server in front of the sandbox that answers the next request with whatever a plan says
 * (a redirect, a compression bomb, a 429 with odd reset headers) and forwards every other request, so each
 * adapter meets hostile answers through its real HTTP layer. A second server, the trap, stands for "another
 * origin": it only counts what reaches it.
 */
export async function startHostileProxy(upstreamOrigin: string) {
  const requests: ProxiedRequest[] = [];
  let plan: HostilePlan | undefined;
  let planFor: ((request: ProxiedRequest) => boolean) | undefined;
  const retired = new Set<string>();
  // A path segment naming a retired stream: the request belongs to a case that has ended.
  const isRetired = (path: string) =>
    retired.size > 0 && (path.split('?')[0] ?? '').split('/').some((segment) => retired.has(segment));

  const forward = async (request: IncomingMessage, path: string, body: Buffer): Promise<Upstream> => {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const response = await fetch(`${upstreamOrigin}${path}`, {
      method: request.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    const answerHeaders: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'location']) {
      const value = response.headers.get(name);
      if (value !== null) answerHeaders[name] = value;
    }
    return {
      status: response.status,
      headers: answerHeaders,
      body: Buffer.from(await response.arrayBuffer()),
    };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      let path = request.url ?? '/';
      // A same-origin redirect target: the original path after the marker.
      if (path.startsWith(movedPrefix)) path = path.slice(movedPrefix.length - 1);
      if (isRetired(path)) {
        // Forwarded, neither recorded nor planned: a read an earlier case's client cancelled can still
        // arrive after that case ended, and must not take the plan meant for the case now running.
        forward(request, path, body).then(
          ({ status, headers, body: bytes }) => {
            response.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
            response.end(bytes);
          },
          () => response.destroy(),
        );
        return;
      }
      const received: ProxiedRequest = { method: request.method ?? '', path, bodyBytes: body.length };
      requests.push(received);
      // A plan meant for one request of several sent at once waits for it: the others are forwarded.
      const current = plan !== undefined && (planFor?.(received) ?? true) ? plan : undefined;
      if (current !== undefined) plan = undefined;
      const answer: Promise<HostileAnswer> = current
        ? current(received, () => forward(request, path, body))
        : forward(request, path, body);
      answer.then(
        ({ status, headers, body: bytes, cutAfter }) => {
          response.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
          if (cutAfter === undefined) {
            response.end(bytes);
            return;
          }
          // The head and the first bytes are flushed, then the connection ends short of the declared length.
          response.write(bytes.subarray(0, cutAfter));
          response.socket?.end();
        },
        () => {
          response.destroy();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const trapRequests: ProxiedRequest[] = [];
  const trap = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      trapRequests.push({ method: request.method ?? '', path: request.url ?? '', bodyBytes: bytes });
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"trap"}');
    });
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  const trapOrigin = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;

  return {
    origin,
    trapOrigin,
    /** Where a same-origin redirect may send a request: the proxy serves the original path there. */
    movedPath: (path: string) => `${movedPrefix}${path.replace(/^\//, '')}`,
    requests,
    trapRequests,
    /**
     * Answers the next request with `next` instead of forwarding it; with `accepts`, the next request it
     * accepts (the others are forwarded meanwhile): which of two requests sent at once reaches the proxy
     * first is the machine's choice, so a plan meant for one of them names it.
     */
    plan(next: HostilePlan, accepts?: (request: ProxiedRequest) => boolean): void {
      plan = next;
      planFor = accepts;
    },
    /**
     * Requests whose path names `id` as a segment are from now on forwarded without being recorded or
     * answered by a plan: `id` is a stream an earlier case made, whose cancelled reads may still arrive.
     */
    retire(id: string): void {
      if (id !== '') retired.add(id);
    },
    reset(): void {
      plan = undefined;
      planFor = undefined;
      requests.length = 0;
      trapRequests.length = 0;
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => trap.close(() => resolve()));
    },
  };
}

const movedPrefix = '/__moved/';

export type HostileProxy = Awaited<ReturnType<typeof startHostileProxy>>;
