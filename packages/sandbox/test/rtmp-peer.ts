import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';

// A bare RTMP peer for tests that drive the ingest message by message, without ffmpeg.

const amf = createRequire(import.meta.url)('node-media-server/src/protocol/amf.js') as {
  encodeAmf0Cmd(command: Record<string, unknown>): Buffer;
};

/** Completes a plain RTMP handshake and resolves with the socket, ready for chunks. */
export function handshaken(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(Buffer.concat([Buffer.of(3), Buffer.alloc(1536)])),
    );
    let received = 0;
    socket.on('error', reject);
    socket.on('data', function onData(data: Buffer) {
      received += data.length;
      // S0 + S1 + S2: then C2 completes the handshake.
      if (received >= 1 + 2 * 1536) {
        socket.off('data', onData);
        socket.write(Buffer.alloc(1536));
        resolve(socket);
      }
    });
  });
}

/**
 * One RTMP message (`type` 20 a command, 8 audio) on message stream `streamId`, in chunks of RTMP's default
 * 128 bytes: a type-0 chunk, then type-3 chunks on the same chunk stream.
 */
export function rtmpMessage(type: number, streamId: number, payload: Buffer, chunkStream = 3): Buffer {
  const header = Buffer.alloc(12);
  header[0] = chunkStream;
  header.writeUIntBE(0, 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = type;
  header.writeUInt32LE(streamId, 8);
  const parts: Buffer[] = [header];
  for (let offset = 0; offset < payload.length; offset += 128) {
    if (offset > 0) parts.push(Buffer.of(0xc0 | chunkStream));
    parts.push(payload.subarray(offset, offset + 128));
  }
  return Buffer.concat(parts);
}

/** An AMF0 command message (`connect`, `publish`…) as an encoder sends it. */
export function rtmpCommand(command: Record<string, unknown>, streamId = 0): Buffer {
  return rtmpMessage(20, streamId, amf.encodeAmf0Cmd(command));
}

/**
 * Everything the server sends on `socket` from now on, as Latin-1 text (AMF0 strings read as they are), and
 * a wait for the first text `pattern` matches: by event, never by the clock.
 */
export function listen(socket: Socket) {
  let text = '';
  const waiting = new Set<() => void>();
  socket.on('data', (data: Buffer) => {
    text += data.toString('latin1');
    for (const check of [...waiting]) check();
  });
  return {
    until(pattern: RegExp): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = pattern.exec(text);
          if (!found) return;
          waiting.delete(check);
          socket.off('close', closed);
          resolve(found);
        };
        const closed = () => {
          waiting.delete(check);
          reject(
            new Error(`the connection closed before the server sent ${pattern}: ${JSON.stringify(text)}`),
          );
        };
        waiting.add(check);
        socket.once('close', closed);
        check();
      });
    },
  };
}
