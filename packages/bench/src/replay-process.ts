// A loopback server in a process of its own that answers fixed responses: the same trivial server behind
// every client compared side by side, so a difference in calls per second is the client's, not the server's.
// Started by `replay-server.ts`; speaks to it over the IPC channel. This file has no relative imports and
// only erasable TypeScript, so Node runs it from source as well.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One fixed answer. */
export interface ReplayAnswer {
  status: number;
  body: string;
}

/** What the parent sends: answers by `METHOD /path?query`. */
export interface ReplayRoutes {
  routes: Record<string, ReplayAnswer>;
}

/** What the child sends once it listens. */
export interface ReplayReady {
  type: 'ready';
  url: string;
}

const { routes } = JSON.parse(process.argv[2] ?? '{"routes":{}}') as ReplayRoutes;
// Bodies encoded once; every answer carries the same few headers, whichever vendor it imitates.
const answers = new Map(
  Object.entries(routes).map(([key, answer]) => {
    const body = Buffer.from(answer.body);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(body.length),
    };
    return [key, { status: answer.status, headers, body }];
  }),
);
const notFound = Buffer.from('{"error":"not found"}');
let requests = 0;

const server = createServer((request, response) => {
  requests += 1;
  // A request body (none is expected) is read to its end, so the connection can serve the next request.
  request.resume();
  const answer = answers.get(`${request.method} ${request.url}`);
  if (answer) {
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json', 'content-length': notFound.length });
  response.end(notFound);
});
// Clients take turns, and a client counted under valgrind runs many times slower: a connection may sit idle
// for minutes, and must still be there when its client's turn comes.
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const ready: ReplayReady = { type: 'ready', url: `http://127.0.0.1:${port}` };
  process.send?.(ready);
});

let closing = false;
function close(): void {
  if (closing) return;
  closing = true;
  server.closeAllConnections();
  server.close(() => {
    process.disconnect?.();
    process.exit(0);
  });
}

process.on('message', (message: unknown) => {
  if (message === 'close') close();
  else if (message === 'requests') process.send?.({ type: 'requests', requests });
});
// The parent went away without saying goodbye: do not outlive it.
process.on('disconnect', () => close());
