import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';

/** A server started by {@link startRawServer}. */
export interface RawServer {
  /** `http://127.0.0.1:<port>`, the port the system gave. */
  baseUrl: string;
  /** Stops listening (the sockets still open stay so until their answers end them). */
  close(): void;
}

/**
 * A raw TCP server on 127.0.0.1, for answers no well-behaved HTTP server sends (a body cut short of what
 * it promised, a connection closed mid-answer): each time a request's head has arrived (up to its blank
 * line; a body is not waited for), `answer` is given the socket to write the whole answer to, by hand.
 * Socket errors are ignored: the client closing its side is part of what is tested.
 */
export async function startRawServer(answer: (socket: Socket) => void): Promise<RawServer> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      head = '';
      answer(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { baseUrl: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
