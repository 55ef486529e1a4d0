import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type NmsAvPacket, nmsAmf, nmsFlv } from './node-media-server.js';

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
}

/** One publisher's HLS output. */
export interface HlsPackager {
  /** Hands ffmpeg one message of the publisher. */
  write(packet: NmsAvPacket): void;
  /** Ends the input: ffmpeg writes the last segment and `#EXT-X-ENDLIST`, then exits. */
  end(): Promise<void>;
}

/** Segments a live playlist lists. */
export const hlsListSize = 6;
/** Segments kept on disk after they leave the playlist: one segment plus a playlist's worth (RFC 8216 §6.2.2). */
export const hlsKeptAfterList = hlsListSize + 1;

// Input buffered for a packager that does not keep up: beyond it the packager is given up, not the server.
const maxBufferedBytes = 64 * 1024 * 1024;

/**
 * Packages one publisher's stream into live HLS with ffmpeg, copying the encoder's audio and video as they
 * are (no transcoding, so it costs little CPU): the sandbox writes the RTMP messages to ffmpeg's stdin as
 * FLV, ffmpeg writes `playlistName` and `segmentN.ts` into `directory`: the playlist lists the last six segments,
 * and a segment stays on disk for seven more after it leaves the playlist.
 */
export function startHlsPackager(options: HlsPackagerOptions): HlsPackager {
  mkdirSync(options.directory, { recursive: true });
  const child: ChildProcess = spawn(
    options.ffmpegPath,
    [
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
      // RFC 8216 §6.2.2: a segment dropped from the playlist stays available for its own duration plus the
      // playlist's, so a player that read the playlist a moment ago (or fell behind on a busy machine) still
      // gets it. ffmpeg keeps one by default; the players then met a 404 for a segment just listed.
      '-hls_delete_threshold',
      String(hlsKeptAfterList),
      '-hls_flags',
      'delete_segments+independent_segments+temp_file',
      '-hls_segment_filename',
      join(options.directory, 'segment%d.ts'),
      join(options.directory, options.playlistName),
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let printed = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    printed = `${printed}${chunk.toString('utf8')}`.slice(-2_000);
  });
  let open = true;
  const exited = new Promise<void>((resolve) => {
    const done = (failure: string | undefined) => {
      open = false;
      options.onExit?.(failure);
      resolve();
    };
    child.once('error', (error) => done(`ffmpeg could not run: ${error.message}`));
    child.once('exit', (code, signal) =>
      done(code === 0 ? undefined : `ffmpeg ended (${signal ?? `exit ${code}`}): ${printed.trim()}`),
    );
  });
  // ffmpeg gone early: writes fail with EPIPE, which only means nobody reads any more.
  child.stdin?.on('error', () => {});
  child.stdin?.write(nmsFlv.createHeader(true, true));

  return {
    write(packet) {
      const stdin = child.stdin;
      if (!open || !stdin || stdin.destroyed) return;
      if (stdin.writableLength > maxBufferedBytes) {
        child.kill('SIGKILL');
        return;
      }
      stdin.write(nmsFlv.createMessage(packet.codec_type === 18 ? asFileMetadata(packet) : packet));
    },
    async end() {
      child.stdin?.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      killer.unref();
      await exited;
      clearTimeout(killer);
    },
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
