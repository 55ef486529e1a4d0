import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type NmsAvPacket, nmsAmf, nmsFlv } from './node-media-server.js';
import { readRegularFile } from './regular-file.js';

/** Options of {@link startHlsPackager}. */
export interface HlsPackagerOptions {
  ffmpegPath: string;
  /** Where the playlist and segments are written; created when missing. */
  directory: string;
  /** The playlist's file name (`index.m3u8`, or `playlist.m3u8` where the vendor calls it that). */
  playlistName: string;
  /** Target segment length in seconds; a segment still starts only on a key frame. Default 1. */
  segmentSeconds?: number;
  /** Hears ffmpeg's exit: `failure` holds the end of what it printed when it did not end cleanly. */
  onExit?(failure: string | undefined): void;
  /**
   * Settles once the previous packager writing `directory` has exited: until then this one only buffers the
   * publisher's messages, since both would write the same playlist.
   */
  after?: Promise<void>;
  /** Hears, as ffmpeg starts, how it carries on the playlist an earlier publish left (`undefined`: none). */
  onStart?(resumed: HlsResume | undefined): void;
  /**
   * False when the playlist an earlier publish left has ended (its `#EXT-X-ENDLIST` was served): ffmpeg then
   * writes a new playlist over it, its segment numbers (and media sequence) still going on from the earlier
   * ones, so a URI never names other bytes. Default true: the playlist is carried on.
   */
  carryOn?: boolean;
}

/** How a packager carries on the playlist an earlier publish to the same stream left. */
export interface HlsResume {
  /**
   * The number of the first segment this packager writes; ffmpeg marks it `#EXT-X-DISCONTINUITY` when it
   * carries the playlist on (`appended`).
   */
  firstSegment: number;
  /** True when ffmpeg appends to the earlier playlist; false when it writes a new one ({@link HlsPackagerOptions.carryOn}). */
  appended: boolean;
  /**
   * Segment files in the folder the playlist does not list: ones a sandbox that ran before left behind (it
   * was stopped before removing them), left to the caller.
   */
  unlisted: string[];
  /** The playlist's `#EXT-X-TARGETDURATION`, in seconds. */
  targetSeconds: number;
}

/** One publisher's HLS output. */
export interface HlsPackager {
  /** Hands ffmpeg one message of the publisher. */
  write(packet: NmsAvPacket): void;
  /**
   * Ends the input: ffmpeg writes the last segment, then exits. It never writes `#EXT-X-ENDLIST`: whether the
   * playlist has ended is the media service's to say, once the encoder had time to reconnect.
   */
  end(): Promise<void>;
}

/** Segments a live playlist lists. */
export const hlsListSize = 6;

// Input buffered for a packager that does not keep up: beyond it the packager is given up, not the server.
const maxBufferedBytes = 64 * 1024 * 1024;

/**
 * Packages one publisher's stream into live HLS with ffmpeg, copying the encoder's audio and video as they
 * are (no transcoding, so it costs little CPU): the sandbox writes the RTMP messages to ffmpeg's stdin as
 * FLV, ffmpeg writes `playlistName` and `segmentN.ts` into `directory`: the playlist lists the last six segments.
 * ffmpeg deletes none and writes no `#EXT-X-ENDLIST`: the media service removes each segment once its time
 * after leaving the playlist has passed, and ends the playlist once the encoder did not come back.
 *
 * When an earlier publish to the stream left a playlist there (an encoder that reconnected), ffmpeg carries
 * it on as a live packager does (RFC 8216 §6.2.1): the listed segments stay listed and leave in order, the
 * media sequence and the segment numbers go on from them (a URI never names other bytes), and the first new
 * segment is marked `#EXT-X-DISCONTINUITY`.
 */
export function startHlsPackager(options: HlsPackagerOptions): HlsPackager {
  let child: ChildProcess | undefined;
  // The publisher's messages until ffmpeg starts (after the previous packager of the folder exited).
  let queue: Buffer[] | undefined = [nmsFlv.createHeader(true, true)];
  let queuedBytes = 0;
  let inputEnded = false;
  let finished = false;
  let printed = '';
  let exitedNow!: () => void;
  const exited = new Promise<void>((resolve) => {
    exitedNow = resolve;
  });
  const done = (failure: string | undefined) => {
    if (finished) return;
    finished = true;
    queue = undefined;
    options.onExit?.(failure);
    exitedNow();
  };

  const started = (options.after ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => {
      if (finished) return;
      let resumed: HlsResume | undefined;
      try {
        mkdirSync(options.directory, { recursive: true });
        resumed = resumeOf(options.directory, options.playlistName, options.carryOn ?? true);
      } catch (error) {
        done(`the HLS folder could not be read: ${(error as Error).message}`);
        return;
      }
      options.onStart?.(resumed);
      const spawned = spawn(options.ffmpegPath, ffmpegArguments(options, resumed), {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      child = spawned;
      spawned.stderr?.on('data', (chunk: Buffer) => {
        printed = `${printed}${chunk.toString('utf8')}`.slice(-2_000);
      });
      spawned.once('error', (error) => done(`ffmpeg could not run: ${error.message}`));
      spawned.once('exit', (code, signal) =>
        done(code === 0 ? undefined : `ffmpeg ended (${signal ?? `exit ${code}`}): ${printed.trim()}`),
      );
      // ffmpeg gone early: writes fail with EPIPE, which only means nobody reads any more.
      spawned.stdin?.on('error', () => {});
      for (const chunk of queue ?? []) spawned.stdin?.write(chunk);
      queue = undefined;
      if (inputEnded) spawned.stdin?.end();
    });

  return {
    write(packet) {
      if (finished) return;
      const message = nmsFlv.createMessage(packet.codec_type === 18 ? asFileMetadata(packet) : packet);
      if (queue) {
        queuedBytes += message.length;
        if (queuedBytes > maxBufferedBytes) done('the previous packager of the stream did not end in time');
        else queue.push(message);
        return;
      }
      const stdin = child?.stdin;
      if (!stdin || stdin.destroyed) return;
      if (stdin.writableLength > maxBufferedBytes) {
        child?.kill('SIGKILL');
        return;
      }
      stdin.write(message);
    },
    async end() {
      inputEnded = true;
      child?.stdin?.end();
      await started;
      const running = child;
      if (running && !finished) {
        const killer = setTimeout(() => running.kill('SIGKILL'), 5_000);
        killer.unref();
        await exited;
        clearTimeout(killer);
      }
      await exited;
    },
  };
}

function ffmpegArguments(options: HlsPackagerOptions, resumed: HlsResume | undefined): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    // Read just enough to find the two streams: the encoder's sequence headers come first.
    '-probesize',
    '65536',
    '-analyzeduration',
    '1000000',
    '-f',
    'flv',
    '-i',
    'pipe:0',
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    String(options.segmentSeconds ?? 1),
    '-hls_list_size',
    String(hlsListSize),
    // `append_list` reads the playlist an earlier publish left, goes on with its media sequence and segment
    // numbers and marks the first new segment `#EXT-X-DISCONTINUITY`; the segments it read leave the playlist
    // as its own do. (`discont_start` would add a second, header-level tag; ffmpeg writes no
    // `#EXT-X-DISCONTINUITY-SEQUENCE`, which the media service adds as it serves.) A new playlist over an
    // ended one starts its numbers where the earlier left off (`-start_number`). No `delete_segments`: ffmpeg
    // counts segments (`-hls_delete_threshold`), and RFC 8216 §6.2.2 asks for time (the media service's
    // `SegmentRetention`). No `#EXT-X-ENDLIST` (`omit_endlist`): ffmpeg would write it as the encoder leaves,
    // and a player that read it stops for good (§4.3.3.4) though the encoder reconnects a moment later.
    ...(resumed && !resumed.appended ? ['-start_number', String(resumed.firstSegment)] : []),
    '-hls_flags',
    `independent_segments+temp_file+omit_endlist${resumed?.appended ? '+append_list' : ''}`,
    '-hls_segment_filename',
    join(options.directory, 'segment%d.ts'),
    join(options.directory, options.playlistName),
  ];
}

const segmentFile = /^segment(\d+)\.ts(\.tmp)?$/;

/** What an earlier publish's playlist in `directory` leaves to carry on, if it lists a segment. */
function resumeOf(directory: string, playlistName: string, carryOn: boolean): HlsResume | undefined {
  // Read only as a regular file: a FIFO or a link planted there is no playlist to carry on.
  const text = readRegularFile(join(directory, playlistName));
  if (text === undefined) return undefined;
  const listed = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const sequence = /^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(text)?.[1];
  if (listed.length === 0 || sequence === undefined) return undefined;
  const keep = new Set(listed);
  return {
    // ffmpeg's own count: the media sequence plus the segments listed.
    firstSegment: Number(sequence) + listed.length,
    appended: carryOn,
    unlisted: readdirSync(directory).filter((name) => segmentFile.test(name) && !keep.has(name)),
    targetSeconds: Number(/^#EXT-X-TARGETDURATION:(\d+)$/m.exec(text)?.[1] ?? 1),
  };
}

/** RTMP sends metadata as `@setDataFrame onMetaData {…}`; an FLV file carries `onMetaData {…}`. */
function asFileMetadata(packet: NmsAvPacket): NmsAvPacket {
  try {
    const decoded = nmsAmf.decodeAmf0Data(packet.data);
    if (decoded.cmd !== '@setDataFrame' || !decoded.dataObj) return packet;
    const data = nmsAmf.encodeAmf0Data({ cmd: 'onMetaData', dataObj: decoded.dataObj });
    return { ...packet, data, size: data.length };
  } catch {
    return packet;
  }
}
