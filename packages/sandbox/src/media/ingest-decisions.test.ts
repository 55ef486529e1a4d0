import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/media-helpers.js';
import { handshaken, listen, rtmpCommand } from '../../test/rtmp-peer.js';
import { liveapiDialect } from '../dialects/liveapi.js';
import { createEngine } from '../engine.js';
import type { SandboxLogEntry } from '../types.js';
import { type MediaService, startMediaService, type WindowTimer } from './media-service.js';

// The media service's decisions at a publish, driven by bare RTMP peers (no ffmpeg): what a dialect's
// `ingest.match` answered, and whether the stream's playlist has ended.

const secret = 'sk_live_INGEST_ANSWER';

/** Reconnect windows that run only when the test says, so no decision is left to a race with the clock. */
function manualWindows() {
  const due = new Set<() => void>();
  const timer: WindowTimer = {
    set(run) {
      const handle = () => {
        due.delete(handle);
        run();
      };
      due.add(handle);
      return handle;
    },
    clear: (handle) => due.delete(handle as () => void),
  };
  return {
    timer,
    due,
    runDue: () => {
      for (const run of [...due]) run();
    },
  };
}

const closing: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function open(match: () => unknown, windows = manualWindows()) {
  const logs: SandboxLogEntry[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'unilive-ingest-decisions-'));
  const engine = createEngine({
    dialects: [{ ...liveapiDialect, ingest: { match: match as never } }],
    log: (entry) => logs.push(entry),
  });
  const media = await startMediaService(engine, {
    host: '127.0.0.1',
    directory,
    // Far beyond the test: a connection ends when the test or a refusal ends it.
    setupTimeoutMs: 600_000,
    idleTimeoutMs: 600_000,
    // No packet is ever sent, so no packager (and no ffmpeg) starts.
    hls: { ffmpegPath: 'ffmpeg', reconnectWindowMs: 1_000 },
    windowTimer: windows.timer,
  });
  closing.push(
    () => engine.close(),
    () => media.close(),
    () => rmSync(directory, { recursive: true, force: true }),
  );
  return { media, logs, directory, windows };
}

/** An RTMP publish to `media`, resolved with what the server answered it and the socket. */
async function publish(media: MediaService) {
  const socket = await handshaken(media.port);
  closing.push(() => void socket.destroy());
  const heard = listen(socket);
  socket.write(
    rtmpCommand({
      cmd: 'connect',
      transId: 1,
      cmdObj: { app: 'live', tcUrl: `rtmp://127.0.0.1:${media.port}/live`, objectEncoding: 0 },
    }),
  );
  await heard.until(/NetConnection\.Connect\.Success/);
  socket.write(rtmpCommand({ cmd: 'publish', transId: 2, cmdObj: null, streamName: 'key', type: 'live' }, 1));
  const [status = ''] = await heard.until(/NetStream\.Publish\.(Start|BadName)/);
  return { status, socket };
}

describe("a dialect's ingest.match answer", () => {
  const throwing = () => {
    throw new Error(`boom ${secret}`);
  };
  const valid = { accept: true, streamId: 'show' };
  // A publish whose match answers `answer`: refused, with one error line naming ingest.match as `message`.
  const refusedWith = async (kind: string, answer: () => unknown, message: string) => {
    const opened = await open(answer);
    const { status } = await publish(opened.media);
    expect({ kind, status }).toEqual({ kind, status: 'NetStream.Publish.BadName' });
    const line = await eventually(() => opened.logs.find((entry) => entry.message.includes('ingest.match')));
    expect({ kind, line }).toMatchObject({ kind, line: { level: 'error', message } });
    return opened;
  };

  it('is read once into its own copy: a read that throws refuses the publish as a throwing match does, never blamed on the encoder', async () => {
    const answers: [string, () => unknown][] = [
      ['a streamId getter', () => Object.defineProperty({ accept: true }, 'streamId', { get: throwing })],
      ['an accept getter', () => Object.defineProperty({ streamId: 'show' }, 'accept', { get: throwing })],
      ['a Proxy', () => new Proxy(valid, { get: throwing })],
      ['a Proxy of a refusal', () => new Proxy({ accept: false, reason: 'no' }, { get: throwing })],
    ];
    for (const [kind, answer] of answers) {
      const { media, logs } = await refusedWith(
        kind,
        answer,
        "the liveapi dialect's ingest.match threw; the publish is refused",
      );
      expect(JSON.stringify(logs)).not.toContain(secret);
      expect(JSON.stringify(logs)).not.toContain('boom');
      expect(JSON.stringify(logs)).not.toContain('unreadable RTMP data');
      expect(media.publisher('liveapi', 'show')).toBeUndefined();
    }
  });

  it('that is no IngestMatch (an async match, a string, text fields that are not text) refuses the publish with a line saying so', async () => {
    const answers: [string, () => unknown][] = [
      ['an async match', () => Promise.resolve(valid)],
      ['a never-settling Promise', () => new Promise(() => {})],
      ['a string', () => 'yes'],
      ['true', () => true],
      ['null', () => null],
      ['accept as text', () => ({ accept: 'true', streamId: 'show' })],
      ['no streamId', () => ({ accept: true })],
      [
        'a streamId whose toString throws',
        () => ({
          accept: true,
          streamId: {
            toString: throwing,
          },
        }),
      ],
      ['a refusal without a reason', () => ({ accept: false })],
      ['a refusal with a reason that is no text', () => ({ accept: false, reason: { toString: throwing } })],
    ];
    for (const [kind, answer] of answers) {
      const { logs } = await refusedWith(
        kind,
        answer,
        "the liveapi dialect's ingest.match answered no IngestMatch (a Promise? match must be synchronous); the publish is refused",
      );
      const closed = await eventually(() =>
        logs.find((entry) => entry.message.startsWith('connection closed')),
      );
      expect({ kind, closed: closed.message }).toEqual({
        kind,
        closed: "connection closed: publish refused: the sandbox's liveapi dialect failed to answer",
      });
      expect(JSON.stringify(logs)).not.toContain(secret);
      expect(JSON.stringify(logs)).not.toContain('undefined');
    }
  });

  it('that is an IngestMatch, however it is built, is taken as it says', async () => {
    class Accepted {
      readonly accept = true;
      get streamId() {
        return 'show';
      }
    }
    const { media } = await open(() => new Accepted());
    expect((await publish(media)).status).toBe('NetStream.Publish.Start');
    const refused = await open(() => Object.create({ accept: false, reason: 'the stream is disabled' }));
    expect((await publish(refused.media)).status).toBe('NetStream.Publish.BadName');
    expect(refused.logs.map((entry) => entry.message)).toContain(
      'connection closed: publish refused: the stream is disabled',
    );
  });
});

describe('the HLS reconnect window and a publish admitted as it ends', () => {
  const live =
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.000000,\nsegment0.ts\n';
  const ended = (logs: readonly SandboxLogEntry[]) =>
    logs.filter((entry) => entry.message.includes('the HLS playlist has ended')).length;
  const windowsOpened = (logs: readonly SandboxLogEntry[]) =>
    logs.filter((entry) => entry.message.startsWith('HLS packaging ended')).length;

  it('is called off by the admission: a window that runs out while a publish is admitted never ends the playlist', async () => {
    const { media, logs, directory, windows } = await open(() => ({ accept: true, streamId: 'show' }));
    const folder = join(directory, 'liveapi', 'show');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.m3u8'), live);
    // A publish that leaves opens the window.
    const first = await publish(media);
    expect(first.status).toBe('NetStream.Publish.Start');
    first.socket.destroy();
    await eventually(() => (windowsOpened(logs) === 1 ? true : undefined));
    expect(windows.due.size).toBe(1);

    // The encoder is admitted again before its first message (when its packager would start); the window's
    // time running out at that very moment does not end the playlist it came back to.
    const second = await publish(media);
    expect(second.status).toBe('NetStream.Publish.Start');
    windows.runDue();
    expect(ended(logs)).toBe(0);
    expect(media.hlsPlaylist('liveapi', 'show', 'index.m3u8')).toBe(live);

    // Once that publish leaves too, a window opens again, and ends the playlist when it passes.
    second.socket.destroy();
    await eventually(() => (windowsOpened(logs) === 2 ? true : undefined));
    windows.runDue();
    expect(ended(logs)).toBe(1);
    expect(media.hlsPlaylist('liveapi', 'show', 'index.m3u8')).toBe(`${live}#EXT-X-ENDLIST\n`);
    // Kept on disk: a sandbox started later on this folder reads the playlist as ended.
    expect(readFileSync(join(folder, 'index.m3u8'), 'utf8')).toBe(`${live}#EXT-X-ENDLIST\n`);
  });
});
