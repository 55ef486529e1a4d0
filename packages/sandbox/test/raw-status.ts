import { connect } from 'node:net';

/**
 * What a sandbox on `port` answers to bytes sent as they are, on a connection of their own: the status
 * line's code (0 when it answered none). For requests no HTTP client sends (two `Host` lines, no `Host`).
 */
export const rawStatus = (port: number, bytes: string): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
  });
