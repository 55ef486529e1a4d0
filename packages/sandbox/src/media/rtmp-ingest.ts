import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { ProviderId } from '@unilive/core';
import {
  createNmsRtmp,
  type NmsAvPacket,
  type NmsInvokeMessage,
  type NmsRtmp,
  nmsAmf,
} from './node-media-server.js';

/** A publish as the encoder asked for it: `rtmp://host:port/<application>/<streamName>?<query>`. */
export interface IngestPublish {
  application: string;
  /** The last path segment: often the stream key itself, so never logged. */
  streamName: string;
  query: URLSearchParams;
  /** The user the connection proved with Adobe authentication, when the application asked for it. */
  user?: string;
}

/** Whether a publish may go on, and for which stream. `reason` is logged: it never holds a key. */
export type IngestAdmission =
  | { accept: true; provider: ProviderId; streamId: string }
  | { accept: false; reason: string; provider?: ProviderId; streamId?: string };

/** What the encoder said about its media (`@setDataFrame onMetaData`), when it said it. */
export interface IngestMediaInfo {
  width?: number;
  height?: number;
  frameRate?: number;
  videoCodec?: string;
  audioCodec?: string;
}

/** One encoder connection. */
export interface IngestSession {
  readonly id: number;
  /** `address:port` of the encoder. */
  readonly remoteAddress: string;
  /** Set once a publish was admitted. */
  provider?: ProviderId;
  streamId?: string;
  readonly connectedAt: number;
  publishedAt?: number;
  /** When the first audio or video message arrived. */
  firstPacketAt?: number;
  bytesIn: number;
  media: IngestMediaInfo;
  /** Bits per second received over the last few seconds. */
  bitrate(): number;
  /** Ends the connection; `reason` is logged. */
  cut(reason: string): void;
}

/** How long `close` waits for a publisher it told why to close its side before resetting it (ms). */
const closeGraceMs = 1_000;

/** What the ingest server asks of the sandbox. */
export interface IngestController {
  /** The push credentials a connect to `application` must prove (Adobe authentication), if any. */
  credentialsFor(application: string): { username: string; password: string } | undefined;
  admit(publish: IngestPublish, session: IngestSession): IngestAdmission;
  /** The admitted publisher sent its first audio or video message. */
  live(session: IngestSession): void;
  /** Every message of an admitted publisher, in order. */
  packet(session: IngestSession, packet: NmsAvPacket): void;
  /** An admitted publisher is gone: its socket closed, it stalled or it was cut. */
  ended(session: IngestSession, reason: string): void;
  log(level: 'info' | 'warn' | 'error', message: string, session?: IngestSession): void;
}

/** Options of {@link startRtmpIngest}. */
export interface RtmpIngestOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A connection that has not been admitted to publish by then is cut. Default 10 s. */
  setupTimeoutMs?: number;
  /** A publisher that sends nothing for this long is cut. Default 10 s. */
  idleTimeoutMs?: number;
  /**
   * The clock, in ms since the epoch, that stamps each session (`connectedAt`, `publishedAt`,
   * `firstPacketAt`), measures its bitrate and ages Adobe authentication's challenges: the sandbox's own, so
   * what the ingest reports agrees with the records and log lines it stamps. Default `Date.now`.
   */
  now?: () => number;
  controller: IngestController;
}

/** A running RTMP ingest server. */
export interface RtmpIngest {
  readonly port: number;
  /** Connections now, publishing or not. */
  sessions(): IngestSession[];
  close(): Promise<void>;
}

// How long a challenge of Adobe authentication stays valid: the encoder answers it on its next connection.
const challengeLifetimeMs = 60_000;
// The largest message a connection may declare before its publish is admitted: `connect` with Adobe
// authentication's query, `releaseStream`, `FCPublish`, `createStream` and `publish` take a few hundred bytes.
const maxSetupMessageBytes = 64 * 1024;
// Chunk streams a connection may open: ffmpeg and OBS use fewer than ten (control, commands, audio, video).
const maxChunkStreams = 64;

/**
 * An RTMP server for publishers only, on node-media-server's protocol layer. Each connection is checked
 * in two places: at `connect`, Adobe authentication when the application asks for push credentials (the
 * scheme Wowza's entry points use, which OBS and ffmpeg speak: `rtmp://user:password@host/app/stream`); at
 * `publish`, the controller's admission. A refused encoder gets the error status RTMP defines and its socket
 * is closed at once. Anything the protocol code throws ends only that connection.
 */
export async function startRtmpIngest(options: RtmpIngestOptions): Promise<RtmpIngest> {
  const { controller } = options;
  const setupTimeoutMs = options.setupTimeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const sessions = new Map<number, ConnectionState>();
  const challenges = new Map<string, { application: string; user: string; salt: string; expires: number }>();
  let nextId = 1;

  interface ConnectionState {
    session: IngestSession;
    socket: Socket;
    rtmp: NmsRtmp;
    admitted: boolean;
    ended: boolean;
    user?: string;
    /** The kinds (audio 8, video 9) whose codec was weighed, once each. */
    codecsWeighed?: Set<number>;
  }

  const server: Server = createServer((socket) => {
    const id = nextId++;
    const samples: { at: number; bytes: number }[] = [];
    const rtmp = createNmsRtmp();
    const session: IngestSession = {
      id,
      remoteAddress: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
      connectedAt: now(),
      bytesIn: 0,
      media: {},
      bitrate() {
        const at = now();
        const first = samples.find((sample) => at - sample.at <= 5_000) ?? samples.at(-1);
        if (!first || at === first.at) return 0;
        return Math.round(((session.bytesIn - first.bytes) * 8 * 1000) / (at - first.at));
      },
      cut(reason) {
        // An admitted encoder hears why, as a refused one does: ffmpeg prints it (`Server error: …`) and
        // OBS shows it, where a bare close reads as a broken connection. The reason never holds a key.
        if (state.admitted && !state.ended) {
          try {
            rtmp.sendStatusMessage(rtmp.streamId, 'error', 'NetStream.Publish.Stopped', reason);
          } catch {
            // The socket may already be gone.
          }
        }
        finish(reason);
      },
    };
    const state: ConnectionState = { session, socket, rtmp, admitted: false, ended: false };
    sessions.set(id, state);
    let checkedVersion = false;

    const setupTimer = setTimeout(() => finish('no publish within the setup time'), setupTimeoutMs);
    setupTimer.unref();
    // Started once the publish is admitted; before that the setup time applies.
    let idleTimer: ReturnType<typeof setTimeout> | undefined;

    function finish(reason: string, level: 'info' | 'warn' = 'warn') {
      if (state.ended) return;
      state.ended = true;
      clearTimeout(setupTimer);
      if (idleTimer) clearTimeout(idleTimer);
      sessions.delete(id);
      socket.end();
      // An encoder that does not close its side is not waited for long. A publisher gets longer: the status
      // that says why it was cut is in its receive buffer until it next reads, and a reset from us (what
      // destroy sends once it writes again) would discard it, on a busy machine before it is read.
      setTimeout(() => socket.destroy(), state.admitted ? 5_000 : 500).unref();
      if (state.admitted) {
        controller.log('info', `publisher gone: ${reason}`, session);
        controller.ended(session, reason);
      } else if (reason !== 'socket closed') {
        controller.log(level, `connection closed: ${reason}`, session);
      }
    }

    // Refuses with the RTMP status an encoder shows its user, then closes the connection.
    function refuse(code: string, description: string, streamId = 0) {
      try {
        rtmp.sendStatusMessage(streamId, 'error', code, description);
      } catch {
        // The socket may already be gone.
      }
      finish(description);
    }

    // node-media-server sets aside the length a chunk header declares (up to 16 MiB) on every chunk stream
    // the peer names (up to 65 599), before the bytes arrive: a few bytes from anyone who can connect would
    // make the sandbox hold gigabytes. Until a publish is admitted a message is a command, which is small;
    // an admitted publisher holds a key, and may send RTMP's largest. Encoders use a handful of streams.
    const allocate = rtmp.packetAlloc.bind(rtmp);
    rtmp.packetAlloc = () => {
      const declared = rtmp.parserPacket.header.length;
      if (!state.admitted && declared > maxSetupMessageBytes) {
        throw new Error(
          `a message of ${declared} bytes declared before publishing; at most ${maxSetupMessageBytes}`,
        );
      }
      if (rtmp.inPackets.size > maxChunkStreams) {
        throw new Error(`more than ${maxChunkStreams} chunk streams opened`);
      }
      allocate();
    };
    rtmp.onOutputCallback = (buffer) => {
      if (!socket.destroyed) socket.write(buffer);
    };
    rtmp.onConnect = (message) => onConnect(message);
    rtmp.onPublish = (message) => onPublish(message);
    rtmp.onPlay = () => refuse('NetStream.Play.Failed', 'this ingest takes publishers only');
    rtmp.onPacketCallback = (packet) => {
      if (!state.admitted || state.ended) return;
      if (packet.codec_type === 18) readMetadata(packet, session.media);
      else weighCodec(packet, state);
      if (packet.codec_type !== 18 && session.firstPacketAt === undefined) {
        session.firstPacketAt = now();
        controller.live(session);
      }
      controller.packet(session, packet);
    };

    // The packager copies audio and video into MPEG-TS as they come: a codec HLS cannot carry that way (an
    // old Flash encoder's Sorenson H.263, Nellymoser audio) is packaged as opaque data, and players then show
    // no picture or play no sound while the stream is live. Said once per kind, in the log and on the
    // dashboard, rather than left to look like a working stream.
    function weighCodec(packet: NmsAvPacket, connection: ConnectionState): void {
      const kind = packet.codec_type;
      if (kind !== 8 && kind !== 9) return;
      connection.codecsWeighed ??= new Set();
      if (connection.codecsWeighed.has(kind)) return;
      connection.codecsWeighed.add(kind);
      const carried = kind === 9 ? hlsVideoCodecs : hlsAudioCodecs;
      if (carried.has(packet.codec_id)) return;
      const names = kind === 9 ? flvVideoCodecNames : flvAudioCodecNames;
      const name = names[packet.codec_id] ?? `FLV codec ${packet.codec_id}`;
      controller.log(
        'warn',
        kind === 9
          ? `video in ${name}, which HLS cannot carry by copying: players will show no picture; send H.264 (or H.265)`
          : `audio in ${name}, which HLS cannot carry by copying: players will play no sound; send AAC (or MP3)`,
        connection.session,
      );
    }

    function onConnect(message: NmsInvokeMessage) {
      const command = message.cmdObj ?? {};
      const [application = '', queryText = ''] = String(command.app ?? '').split('?');
      rtmp.connectCmdObj = command;
      rtmp.streamApp = application;
      rtmp.objectEncoding = typeof command.objectEncoding === 'number' ? command.objectEncoding : 0;
      // Every answer is chunked at the server's chunk size, so the encoder must learn it first.
      rtmp.sendWindowACK(5_000_000);
      rtmp.setPeerBandwidth(5_000_000, 2);
      rtmp.setChunkSize(rtmp.outChunkSize);
      const denial = authenticate(application, readQuery(queryText));
      if (denial !== undefined) {
        // FMS and Wowza answer `connect` with `_error`; the description drives the encoder's next attempt.
        rtmp.sendInvokeMessage(0, {
          cmd: '_error',
          transId: message.transId,
          cmdObj: null,
          info: { level: 'error', code: 'NetConnection.Connect.Rejected', description: denial.description },
        });
        finish(denial.reason, denial.failed ? 'warn' : 'info');
        return;
      }
      rtmp.respondConnect(message.transId);
    }

    // Adobe authentication (`authmod=adobe`), in its three connections: a bare connect learns that
    // credentials are needed, a connect naming the user gets a salt and a challenge, and a connect with
    // `response = b64(md5(b64(md5(user + salt + password)) + opaque + clientChallenge))` is let in.
    function authenticate(
      application: string,
      query: URLSearchParams,
    ): { description: string; reason: string; failed?: boolean } | undefined {
      const expected = controller.credentialsFor(application);
      if (!expected) return undefined;
      const reject = (detail: string) => `[ AccessManager.Reject ] : [ ${detail} ] : `;
      const user = query.get('user');
      if (query.get('authmod') !== 'adobe' || !user) {
        return {
          description: reject('code=403 need auth; authmod=adobe'),
          reason: 'push credentials asked for',
        };
      }
      const response = query.get('response');
      const opaque = query.get('opaque') ?? '';
      if (!response) {
        const salt = randomBytes(6).toString('base64');
        const token = randomBytes(6).toString('base64url');
        const at = now();
        challenges.set(token, { application, user, salt, expires: at + challengeLifetimeMs });
        for (const [key, challenge] of challenges) if (challenge.expires < at) challenges.delete(key);
        return {
          description: `${reject('authmod=adobe')}?reason=needauth&user=${encodeURIComponent(user)}&salt=${salt}&challenge=${token}&opaque=${token}`,
          reason: 'authentication challenge sent',
        };
      }
      const challenge = challenges.get(opaque);
      challenges.delete(opaque);
      const valid =
        challenge !== undefined &&
        challenge.expires >= now() &&
        challenge.application === application &&
        challenge.user === user &&
        user === expected.username &&
        sameText(
          response,
          md5Base64(
            `${md5Base64(`${user}${challenge.salt}${expected.password}`)}${opaque}${query.get('challenge') ?? ''}`,
          ),
        );
      if (!valid) {
        // The same answer for a wrong user and a wrong password: nothing tells which.
        return {
          description: `${reject('authmod=adobe')}?reason=authfailed&opaque=${opaque}`,
          reason: 'wrong push credentials',
          failed: true,
        };
      }
      state.user = user;
      return undefined;
    }

    function onPublish(message: NmsInvokeMessage) {
      const [streamName = '', queryText = ''] = String(message.streamName ?? '').split('?');
      const streamId = rtmp.parserPacket.header.stream_id;
      rtmp.streamName = streamName;
      rtmp.streamId = streamId;
      if (state.admitted) {
        refuse('NetStream.Publish.BadName', 'this connection already publishes', streamId);
        return;
      }
      const admission = controller.admit(
        {
          application: rtmp.streamApp ?? '',
          streamName,
          query: readQuery(queryText),
          ...(state.user ? { user: state.user } : {}),
        },
        session,
      );
      if (!admission.accept) {
        if (admission.provider) session.provider = admission.provider;
        if (admission.streamId) session.streamId = admission.streamId;
        refuse('NetStream.Publish.BadName', `publish refused: ${admission.reason}`, streamId);
        return;
      }
      session.provider = admission.provider;
      session.streamId = admission.streamId;
      session.publishedAt = now();
      state.admitted = true;
      clearTimeout(setupTimer);
      idleTimer = setTimeout(() => finish('stalled: nothing received within the idle time'), idleTimeoutMs);
      idleTimer.unref();
      rtmp.respondPublish();
      controller.log('info', 'publisher admitted', session);
    }

    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      if (state.ended) return;
      if (!checkedVersion) {
        checkedVersion = true;
        // C0 is the protocol version: 3 for plain RTMP. Anything else is not an RTMP encoder.
        if (data[0] !== 3) {
          finish('not an RTMP handshake');
          socket.destroy();
          return;
        }
      }
      session.bytesIn += data.length;
      const at = now();
      if (samples.length === 0 || at - (samples.at(-1)?.at ?? 0) >= 500) {
        samples.push({ at, bytes: session.bytesIn });
        while (samples.length > 12) samples.shift();
      }
      idleTimer?.refresh();
      let problem: string | null;
      try {
        problem = rtmp.parserData(data);
      } catch (error) {
        problem = `unreadable RTMP data (${error instanceof Error ? error.message : 'parser failure'})`;
      }
      if (problem) finish(problem);
    });
    socket.on('close', () => finish('socket closed'));
    socket.on('error', () => {
      // 'close' follows and ends the session.
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    port,
    sessions: () => [...sessions.values()].map((state) => state.session),
    async close() {
      // Each publisher is told why (its status, then the end of the connection: `cut`), and its connection
      // is reset once it has closed its side, or after a moment: destroyed at once, the status went with it,
      // and the encoder saw a broken pipe instead of the reason.
      const gone = [...sessions.values()].map((state) => {
        const closed = new Promise<void>((resolve) => {
          if (state.socket.destroyed) resolve();
          else state.socket.once('close', () => resolve());
        });
        state.session.cut('the sandbox is closing');
        const timer = setTimeout(() => state.socket.destroy(), closeGraceMs);
        return closed.finally(() => {
          clearTimeout(timer);
          state.socket.destroy();
        });
      });
      await Promise.all(gone);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A query as encoders write it: `+` is a plus, not a space (Adobe authentication's base64 response holds
 * `+` and `/` unescaped), and `%xx` escapes are decoded where they are valid.
 */
export function readQuery(text: string): URLSearchParams {
  const query = new URLSearchParams();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const cut = pair.indexOf('=');
    const [name, value] = cut < 0 ? [pair, ''] : [pair.slice(0, cut), pair.slice(cut + 1)];
    query.append(decode(name), decode(value));
  }
  return query;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function md5Base64(text: string): string {
  return createHash('md5').update(text).digest('base64');
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// FLV's codec ids (its `CodecID` and `SoundFormat`) that the packager copies into MPEG-TS as playable HLS:
// H.264 and H.265 (enhanced RTMP), AAC and MP3.
const hlsVideoCodecs: ReadonlySet<number> = new Set([7, 12]);
const hlsAudioCodecs: ReadonlySet<number> = new Set([2, 10, 14]);
// The others, named as an encoder's settings name them.
const flvVideoCodecNames: Record<number, string> = {
  2: 'Sorenson H.263',
  3: 'Screen Video',
  4: 'On2 VP6',
  5: 'On2 VP6 with alpha',
  6: 'Screen Video 2',
};
const flvAudioCodecNames: Record<number, string> = {
  0: 'linear PCM',
  1: 'ADPCM',
  3: 'linear PCM',
  4: 'Nellymoser',
  5: 'Nellymoser',
  6: 'Nellymoser',
  7: 'G.711 A-law',
  8: 'G.711 mu-law',
  11: 'Speex',
  13: 'Opus',
};

const videoCodecs: Record<number, string> = { 7: 'h264', 12: 'h265' };
const audioCodecs: Record<number, string> = { 2: 'mp3', 10: 'aac', 13: 'opus' };

function readMetadata(packet: NmsAvPacket, media: IngestMediaInfo): void {
  let data: Record<string, unknown> | null | undefined;
  try {
    data = nmsAmf.decodeAmf0Data(packet.data).dataObj;
  } catch {
    return;
  }
  if (!data) return;
  const number = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const codec = (value: unknown, names: Record<number, string>) =>
    typeof value === 'string' ? value : typeof value === 'number' ? names[value] : undefined;
  const values: IngestMediaInfo = {};
  const width = number(data.width);
  const height = number(data.height);
  const frameRate = number(data.framerate);
  const videoCodec = codec(data.videocodecid, videoCodecs);
  const audioCodec = codec(data.audiocodecid, audioCodecs);
  if (width) values.width = width;
  if (height) values.height = height;
  if (frameRate) values.frameRate = frameRate;
  if (videoCodec) values.videoCodec = videoCodec;
  if (audioCodec) values.audioCodec = audioCodec;
  Object.assign(media, values);
}
