import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handshaken } from '../../test/rtmp-peer.js';
import { type Sandbox, startSandbox } from '../server.js';
import type { SandboxLogEntry } from '../types.js';

// A peer that has completed the handshake but not published holds no key: what it may make the sandbox set
// aside has to stay small whatever its chunk headers declare (RTMP allows 16 MiB a message on each of 65 599
// chunk streams).

/** A type-0 chunk opening a message of `length` bytes (an AMF0 command) on chunk stream `chunkStream`. */
function chunkHeader(chunkStream: number, length: number): Buffer {
  // Basic header in its 3-byte form, which names any chunk stream from 64 to 65 599.
  const header = Buffer.alloc(3 + 11);
  header[0] = 1;
  header.writeUInt16LE(chunkStream - 64, 1);
  header.writeUIntBE(0, 3, 3);
  header.writeUIntBE(length, 6, 3);
  header[9] = 20;
  header.writeUInt32LE(0, 10);
  return header;
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => {
    socket.on('data', () => {});
    socket.on('close', () => resolve());
  });

describe('RTMP ingest: what a peer that has not published may make the sandbox hold', () => {
  let sandbox: Sandbox;
  const logs: SandboxLogEntry[] = [];
  let port: number;
  beforeAll(async () => {
    // The setup time is far beyond the test: a connection closes within it only because it was refused.
    sandbox = await startSandbox({
      transitionMs: 20,
      log: (entry) => logs.push(entry),
      media: { setupTimeoutMs: 600_000, hls: false },
    });
    port = Number(new URL(sandbox.ingestUrl ?? '').port);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('closes a connection that declares a message larger than any command, before setting room aside for it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 64, max: 65_599 }),
        fc.integer({ min: 64 * 1024 + 1, max: 0xff_ff_ff }),
        async (chunkStream, length) => {
          const before = logs.length;
          const socket = await handshaken(port);
          const gone = closed(socket);
          socket.write(Buffer.concat([chunkHeader(chunkStream, length), Buffer.alloc(128)]));
          await gone;
          expect(logs.slice(before).map((line) => line.message)).toEqual([
            `connection closed: unreadable RTMP data (a message of ${length} bytes declared before publishing; at most 65536)`,
          ]);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('closes a connection that opens more chunk streams than an encoder uses', async () => {
    const before = logs.length;
    const socket = await handshaken(port);
    const gone = closed(socket);
    // Each chunk stream gets its own message buffer: many small messages on many streams add up.
    const chunks = Array.from({ length: 200 }, (_, index) => [
      chunkHeader(64 + index, 1024),
      Buffer.alloc(128),
    ]).flat();
    socket.write(Buffer.concat(chunks));
    await gone;
    expect(logs.slice(before).map((line) => line.message)).toEqual([
      'connection closed: unreadable RTMP data (more than 64 chunk streams opened)',
    ]);
  });
});
