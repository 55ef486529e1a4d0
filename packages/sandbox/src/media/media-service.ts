import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderId } from '@unilive/core';
import type { SandboxEngine } from '../engine.js';
import { anchored } from '../paths.js';
import type { EncoderInfo, IngestMatch, IngestRequest } from '../types.js';
import { findFfmpegAsync } from './ffmpeg.js';
import { type HlsPackager, hlsListSize, startHlsPackager } from './hls-packager.js';
import { listedSegments, SegmentRetention } from './hls-retention.js';
import { hearNmsLog, type NmsAvPacket } from './node-media-server.js';
import { withTargetOfOneSecondAtLeast } from './playlist-target.js';
import { foldersBelowAreOwn, readRegularFile } from './regular-file.js';
import { type IngestSession, type RtmpIngest, startRtmpIngest } from './rtmp-ingest.js';

/** Options of the sandbox's real media: RTMP in, HLS out. */
export interface MediaOptions {
  /** RTMP port, a whole number from 0 to 65535; 0 (the default) picks a free one. */
  port?: number | undefined;
  /**
   * A connection not publishing by then is cut, in ms: above 0 and at most 2147483647 (`maxTimeoutMs`, the
   * longest a timer holds; a longer one would fire at once). Default 10 000.
   */
  setupTimeoutMs?: number | undefined;
  /**
   * A publisher that sends nothing for this long is cut, in ms: above 0 and at most 2147483647
   * (`maxTimeoutMs`). Default 10 000.
   */
  idleTimeoutMs?: number | undefined;
  /**
   * HLS packaging: on by default, with the ffmpeg `findFfmpeg` finds (without one, publishers are
   * still taken and streams still go live, but nothing is served at their HLS URLs). `false` turns it off.
   * `segmentSeconds`: each HLS segment's length, above 0 and at most 60 (default 1); `ffmpegPath`: non-empty
   * text; `reconnectWindowMs`: how long after its encoder leaves a playlist stays live (no
   * `#EXT-X-ENDLIST`), for the encoder to reconnect and carry it on, in ms from 0 to 2147483647 (default
   * {@link defaultReconnectWindowMs}); a publish after that starts a new playlist at the same URL.
   */
  hls?:
    | boolean
    | {
        ffmpegPath?: string | undefined;
        segmentSeconds?: number | undefined;
        reconnectWindowMs?: number | undefined;
      }
    | undefined;
  /**
   * Where HLS output is written (non-empty text); a new temporary folder, removed on close (or as the process
   * exits, for a sandbox never closed), by default. A
   * folder the sandbox may write to, or a path where it may create one (made at the first publish, under
   * `<provider>/<id>`, the path joined as text: `a/../b` is `b`). `startSandbox` tries it as a publish does
   * (makes the folder with `mkdir -p`, a folder and a file in it, then removes all it made) and refuses, as
   * `InvalidInputError` naming `media.directory`, what a publish would fail on: a file, a FIFO or a device
   * there or on the way (`a-file/` with its slash too), a symbolic link to nothing there or on the way, a name
   * longer than the file system allows, a folder it may not write to, a file system that takes no new
   * entries (`/proc` or `/sys` to root). A
   * sandbox started again on the same folder (and the same `persistPath`, so the streams are the same) serves
   * a playlist it finds ended there (`#EXT-X-ENDLIST`) as it was, with its segments, until the stream's next
   * publish writes a new one.
   */
  directory?: string | undefined;
}

/**
 * How long a playlist stays live after its encoder leaves, in ms, unless `media.hls.reconnectWindowMs` says:
 * ten seconds, ten segments at the default length. An encoder that reconnects on its own (OBS's automatic
 * reconnect, a network blip) is back within a few seconds, and a player keeps reloading a live playlist
 * every target duration meanwhile; once `#EXT-X-ENDLIST` is served, a player stops reloading for good.
 */
export const defaultReconnectWindowMs = 10_000;

/** The sandbox's RTMP ingest and HLS output. */
export interface MediaService {
  /** `rtmp://host:port` */
  readonly ingestOrigin: string;
  readonly port: number;
  /**
   * True when the HLS output is in a folder of the sandbox's own (no `media.directory`), removed on close: a
   * sandbox started again numbers a stream's segments from 0 again there.
   */
  readonly ownsDirectory: boolean;
  /** The encoder publishing to a stream now. */
  publisher(provider: ProviderId, id: string): EncoderInfo | undefined;
  /** Every encoder connection now, admitted or not. */
  sessions(): (EncoderInfo & { provider?: ProviderId; streamId?: string })[];
  /** The file behind `/media/<provider>/<id>/<name>`, when the stream's publishes wrote it. */
  hlsFile(provider: ProviderId, id: string, name: string): string | undefined;
  /**
   * The playlist served at `/media/<provider>/<id>/<name>`: the one ffmpeg wrote, with the
   * `#EXT-X-DISCONTINUITY-SEQUENCE` ffmpeg leaves out (RFC 8216 §6.2.2) once a discontinuity left it.
   */
  hlsPlaylist(provider: ProviderId, id: string, name: string): string | undefined;
  close(): Promise<void>;
}

interface Publish {
  session: IngestSession;
  request: IngestRequest;
  packager?: HlsPackager;
  /** The stream was deleted: its output is being removed, so nothing more is packaged. */
  deleted?: boolean;
  /**
   * The publisher's first messages, kept (copied) while the ffmpeg lookup is still under way and handed to
   * its packager once the lookup answers; `heldBytes` counts their payloads.
   */
  held?: NmsAvPacket[] | undefined;
  heldBytes?: number | undefined;
  /** Its media folder was found to be a link (`ownFolders`): nothing of it is packaged, said once. */
  unpackaged?: boolean;
  /**
   * Decided at admission: the publish carries the stream's playlist on (it came back within the reconnect
   * window, or there is none), or writes a new one over an ended one.
   */
  carryOn: boolean;
}

/** A stream's HLS output, which every publish to it carries on. */
interface StreamOutput {
  directory: string;
  /** Settles once the latest publish's packager exited: the next one starts after it. */
  exited: Promise<void>;
  /** Numbers of the segments marked `#EXT-X-DISCONTINUITY` (each publish's first but the first's). */
  discontinuities: number[];
  /** Removals of segments that left the playlist, due once a player cannot want them any more. */
  removals: Map<ReturnType<typeof setTimeout>, () => void>;
  /** The playlist's file name. */
  playlistName: string;
  /** When each segment that leaves the playlist may go (RFC 8216 §6.2.2). */
  retention: SegmentRetention;
  /** Packagers started and not yet exited; while any runs, the playlist is read every `pollMs`. */
  running: number;
  poll?: ReturnType<typeof setInterval> | undefined;
  /** Counts the publishes admitted: a reconnect window ends the playlist only if none was admitted since. */
  generation: number;
  /** The reconnect window after the last packager exited (a {@link WindowTimer} handle). */
  window?: unknown;
  /**
   * The playlist ended (`#EXT-X-ENDLIST`): the file as it was (`file`) and the text served for it from then
   * on, unchanged (`served`), until a later publish writes a new playlist over the file.
   */
  ended?: { file: string; served: string } | undefined;
}

// How often the playlist of a running packager is read, to see segments leave it: a segment is taken to
// have left at most this late, which only keeps it longer.
const pollMs = 200;

/** Runs a stream's reconnect window: `set` starts it, `clear` calls it off before it runs. */
export interface WindowTimer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realWindowTimer: WindowTimer = {
  set(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout> | undefined),
};

const keyOf = (provider: ProviderId, id: string) => `${provider}/${id}`;

// The segment files ffmpeg writes (`segment%d.ts`): nothing else in a playlist is ever removed.
const segmentName = /^segment\d+\.ts$/;

// Messages held for one publisher while the ffmpeg lookup runs (a few seconds at most: the lookup's own
// limit is 10 s): beyond it the publish gets no HLS, and the sandbox's memory is kept.
const maxHeldBytes = 64 * 1024 * 1024;

// A dialect's ingest code threw (see `dialectAnswer`).
const failed = Symbol('failed');
// A dialect's `ingest.match` answered something that is no `IngestMatch` (see `copyMatch`).
const notMatch = Symbol('not an IngestMatch');

/**
 * A dialect's answer to a publish, read once into a plain copy: `undefined` (the URL is not in its form)
 * stays so; `{ accept: true, streamId }` and `{ accept: false, reason, streamId? }` with text where text
 * belongs are copied; anything else (a Promise from an `async match`, a string, a `streamId` that is an
 * object) is `notMatch`. A read that throws throws to the caller's guard.
 */
function copyMatch(answer: unknown): IngestMatch | undefined | typeof notMatch {
  if (answer === undefined) return undefined;
  if (typeof answer !== 'object' || answer === null) return notMatch;
  const { accept, streamId, reason } = answer as Record<string, unknown>;
  if (accept === true) return typeof streamId === 'string' ? { accept, streamId } : notMatch;
  if (accept !== false || typeof reason !== 'string') return notMatch;
  if (streamId === undefined) return { accept, reason };
  return typeof streamId === 'string' ? { accept, reason, streamId } : notMatch;
}

// Credentials no connect proves (an empty user name is refused before any is compared): a dialect whose
// `credentialsFor` threw lets no encoder in through that application.
const failedCredentials = { username: '', password: '' };

/**
 * Starts the RTMP ingest for every dialect that has one, keeps each stream's live state in step with its
 * encoder (connected at the first audio or video message, disconnected the moment the socket closes or the
 * publisher stalls) and packages each publisher into HLS. A publisher is cut as soon as a change makes its
 * stream refuse video (stopped, disabled, deleted, credentials changed).
 */
export async function startMediaService(
  engine: SandboxEngine,
  // `host` is listened on; `urlHost` (default `host`) is named in the ingest URLs handed out; `windowTimer`
  // (tests) runs the reconnect windows, unreferenced timers by default.
  options: MediaOptions & { host: string; urlHost?: string; windowTimer?: WindowTimer },
): Promise<MediaService> {
  // A given folder is anchored once to the working folder at start: a later `process.chdir` must not move
  // where playlists are written (and where a sandbox started again looks for them).
  const root =
    options.directory === undefined
      ? mkdtempSync(join(tmpdir(), 'unilive-sandbox-media-'))
      : anchored(options.directory);
  const ownsRoot = options.directory === undefined;
  if (ownsRoot) {
    removedAtExit.add(root);
    listenForExit();
  }
  const hlsOption = options.hls ?? true;
  const hls = hlsOption === false ? undefined : hlsOption === true ? {} : hlsOption;
  const reconnectWindowMs = hls?.reconnectWindowMs ?? defaultReconnectWindowMs;
  const windowTimer = options.windowTimer ?? realWindowTimer;
  // The ffmpeg packagers run: given, or looked for from start, asynchronously (a synchronous lookup runs
  // `ffmpeg -version`, which holds the event loop, and with it every API request, webhook and publisher, for
  // up to seconds on a busy machine). `undefined` while the lookup runs, `null` when none was found.
  let ffmpegPath: string | null | undefined = hls?.ffmpegPath;
  let warnedNoFfmpeg = false;
  let closed = false;
  const publishing = new Map<string, Publish>();
  /** Each stream's HLS output, served at its HLS URL from its first publish until its deletion. */
  const outputs = new Map<string, StreamOutput>();
  const pending = new Set<Promise<void>>();
  const log = (level: 'info' | 'warn' | 'error', message: string, session?: IngestSession) =>
    engine.log({
      level,
      message,
      ...(session?.provider ? { provider: session.provider } : {}),
      ...(session?.streamId ? { streamId: session.streamId } : {}),
    });
  const stopHearing = hearNmsLog((message, level) => {
    if (level === 'warn' || level === 'error') log('warn', `RTMP protocol: ${message}`);
  });

  const ingestDialects = () => [...engine.dialects.values()].filter((dialect) => dialect.ingest);
  /**
   * Calls a dialect's own ingest code. What it throws is the dialect's failure, not the encoder's: logged
   * naming the dialect and the member, never with its message (a custom dialect's may hold a key), and
   * answered as `failed`, which refuses the publish.
   */
  function dialectAnswer<T>(dialect: { id: string }, member: string, call: () => T): T | typeof failed {
    try {
      return call();
    } catch {
      log('error', `the ${dialect.id} dialect's ingest.${member} threw; the publish is refused`);
      return failed;
    }
  }
  function match(request: IngestRequest) {
    for (const dialect of ingestDialects()) {
      const context = engine.contextOf(dialect.id);
      // The answer is read once, inside the guard, into the sandbox's own copy: its getters, a Proxy or a
      // `toString` are the dialect's code too, and what they throw is the dialect's failure, not the encoder's.
      const answer =
        context && dialectAnswer(dialect, 'match', () => copyMatch(dialect.ingest?.match(request, context)));
      if (answer === notMatch) {
        log(
          'error',
          `the ${dialect.id} dialect's ingest.match answered no IngestMatch (a Promise? match must be synchronous); the publish is refused`,
        );
      }
      if (answer === failed || answer === notMatch) {
        return {
          provider: dialect.id,
          answer: {
            accept: false,
            reason: `the sandbox's ${dialect.id} dialect failed to answer`,
          } as IngestMatch,
        };
      }
      if (answer) return { provider: dialect.id, answer };
    }
    return undefined;
  }

  function track(work: Promise<void>) {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  /** The ffmpeg to package with, once the lookup has answered; logs once that there is none. */
  function ffmpeg(): string | undefined {
    if (ffmpegPath === null && !warnedNoFfmpeg) {
      warnedNoFfmpeg = true;
      log('warn', 'no ffmpeg found: streams go live, but no HLS is served');
    }
    return ffmpegPath ?? undefined;
  }

  if (hls && ffmpegPath === undefined) {
    void findFfmpegAsync()
      // It never rejects (a candidate that fails to run is no ffmpeg); were it to, there would be none.
      .catch(() => undefined)
      .then((binary) => {
        ffmpegPath = binary?.path ?? null;
        if (closed) return;
        // The publishers that sent media meanwhile: their packagers start now, with what they sent, in order.
        for (const publish of [...publishing.values()]) {
          const held = publish.held;
          publish.held = undefined;
          publish.heldBytes = undefined;
          for (const packet of held ?? []) feed(publish.session, packet);
        }
      });
  }

  /** A publisher's media message: to its packager, started at its first message. */
  function feed(session: IngestSession, packet: NmsAvPacket) {
    const publish =
      session.provider && session.streamId && publishing.get(keyOf(session.provider, session.streamId));
    if (!publish || publish.session !== session || publish.deleted) return;
    if (!publish.packager && hls) {
      if (ffmpegPath === undefined) {
        // Still looking for ffmpeg: kept, copied (the parser may reuse its buffers), until the lookup answers.
        const heldBytes = (publish.heldBytes ?? 0) + packet.data.length;
        if (heldBytes > maxHeldBytes) return;
        publish.heldBytes = heldBytes;
        publish.held ??= [];
        publish.held.push({ ...packet, data: Buffer.from(packet.data) });
        return;
      }
      const path = ffmpeg();
      if (!path) return;
      const provider = session.provider as ProviderId;
      const id = session.streamId as string;
      if (!ownFolders(provider, id)) {
        // Not packaged rather than written through a link: the publisher stays admitted, without HLS.
        if (!publish.unpackaged)
          log('error', "HLS not packaged: the stream's media folder is a link or no folder", session);
        publish.unpackaged = true;
        return;
      }
      const playlistName = playlistNameOf(provider);
      const output = outputOf(provider, id, playlistName);
      const segmentSeconds = hls.segmentSeconds ?? 1;
      // A publish admitted within the reconnect window carries the playlist on; after it, the playlist
      // has ended (a player that read `#EXT-X-ENDLIST` reloads no more) and a new one is written over it.
      const carryOn = publish.carryOn;
      packagerStarted(output);
      publish.packager = startHlsPackager({
        ffmpegPath: path,
        directory: output.directory,
        playlistName,
        segmentSeconds,
        carryOn,
        // The previous publish's packager writes its last segment first.
        after: output.exited,
        onStart: (resumed) => {
          if (!resumed) return;
          if (resumed.appended && !output.discontinuities.includes(resumed.firstSegment))
            output.discontinuities.push(resumed.firstSegment);
          // Left behind by a sandbox that ran before (its removals were still due as it stopped): kept for
          // a segment plus a playlist's worth of time from now (RFC 8216 §6.2.2).
          const seconds = (hlsListSize + 1) * Math.max(resumed.targetSeconds, segmentSeconds);
          removeLater(output, resumed.unlisted, seconds * 1_000);
        },
        onExit: (failure) => {
          if (failure) log('error', `HLS packaging failed: ${failure}`, session);
        },
      });
    }
    publish.packager?.write(packet);
  }

  const ingest: RtmpIngest = await startRtmpIngest({
    host: options.host,
    port: options.port ?? 0,
    now: engine.now,
    ...(options.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: options.setupTimeoutMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    controller: {
      credentialsFor(application) {
        for (const dialect of ingestDialects()) {
          const context = engine.contextOf(dialect.id);
          const credentials =
            context &&
            dialectAnswer(dialect, 'credentialsFor', () =>
              dialect.ingest?.credentialsFor?.(application, context),
            );
          // A dialect that failed cannot say which credentials it wants: none would be proved.
          if (credentials === failed) return failedCredentials;
          if (credentials) return credentials;
        }
        return undefined;
      },
      admit(request, session) {
        const found = match(request);
        if (!found) return { accept: false, reason: 'no stream is published at this address' };
        const { provider, answer } = found;
        if (!answer.accept) {
          return {
            accept: false,
            reason: answer.reason,
            provider,
            ...(answer.streamId ? { streamId: answer.streamId } : {}),
          };
        }
        const key = keyOf(provider, answer.streamId);
        if (publishing.has(key)) {
          return {
            accept: false,
            reason: 'the stream already has a publisher',
            provider,
            streamId: answer.streamId,
          };
        }
        // Whether the playlist has ended is decided here, at admission, and the reconnect window's end is
        // called off at once: a window that would pass between this admission and the publish's first
        // message (when its packager starts) no longer ends a playlist the encoder came back to.
        const output = hls ? outputOf(provider, answer.streamId, playlistNameOf(provider)) : undefined;
        if (output) {
          windowTimer.clear(output.window);
          output.window = undefined;
          output.generation += 1;
        }
        publishing.set(key, { session, request, carryOn: output?.ended === undefined });
        return { accept: true, provider, streamId: answer.streamId };
      },
      live(session) {
        if (session.provider && session.streamId) engine.setEncoder(session.provider, session.streamId, true);
      },
      packet: feed,
      ended(session) {
        if (!session.provider || !session.streamId) return;
        const key = keyOf(session.provider, session.streamId);
        const publish = publishing.get(key);
        if (publish?.session !== session) return;
        publishing.delete(key);
        engine.setEncoder(session.provider, session.streamId, false);
        if (publish.packager) {
          const ending = publish.packager.end();
          const output = outputs.get(key);
          if (output) {
            output.exited = ending;
            track(ending.then(() => packagerExited(output, key, session)));
          } else track(ending);
        } else {
          // Admitted and gone before any packager started: the window its admission called off opens again,
          // once no other packager of the stream runs (the last to exit opens it otherwise), if there is a
          // playlist to end.
          const output = outputs.get(key);
          if (output && output.running === 0 && readPlaylistFile(output) !== undefined)
            openWindow(output, key, session);
        }
      },
      log,
    },
  });

  const stopWatching = engine.onStreamChange((change) => {
    if (change.kind === 'deleted') {
      const output = outputs.get(keyOf(change.provider, change.id));
      outputs.delete(keyOf(change.provider, change.id));
      const publish = publishing.get(keyOf(change.provider, change.id));
      if (publish) {
        publish.deleted = true;
        publish.session.cut('the stream was deleted');
      }
      if (output) track(removeAfter(publish?.packager, output));
      return;
    }
    if (change.kind !== 'state-changed' && change.kind !== 'updated') return;
    const publish = publishing.get(keyOf(change.provider, change.id));
    if (!publish) return;
    const answer = match(publish.request)?.answer;
    if (change.details?.deleting === true) {
      // The stop a delete makes first (Wowza Video's): the encoder is told why it is cut, the delete.
      publish.session.cut('the stream was deleted');
    } else if (!answer?.accept || answer.streamId !== change.id) {
      publish.session.cut(
        `the stream no longer takes video: ${answer && !answer.accept ? answer.reason : 'its ingest address changed'}`,
      );
    }
  });

  function outputOf(provider: ProviderId, id: string, playlistName: string): StreamOutput {
    const key = keyOf(provider, id);
    let output = outputs.get(key);
    if (!output) {
      const directory = join(root, encodeURIComponent(provider), encodeURIComponent(id));
      // A playlist a sandbox that ran before on this folder ended: it stays ended (`endPlaylist`).
      let ended: StreamOutput['ended'];
      const file = readRegularFile(join(directory, playlistName));
      if (file?.trimEnd().endsWith('#EXT-X-ENDLIST'))
        ended = { file, served: withTargetOfOneSecondAtLeast(file) };
      output = {
        directory,
        ...(ended ? { ended } : {}),
        exited: Promise.resolve(),
        discontinuities: [],
        removals: new Map(),
        playlistName,
        retention: new SegmentRetention(),
        running: 0,
        generation: 0,
      };
      outputs.set(key, output);
    }
    return output;
  }

  function packagerStarted(output: StreamOutput) {
    output.running += 1;
    if (output.poll) return;
    output.poll = setInterval(() => playlistOf(output), pollMs);
    output.poll.unref();
  }

  /**
   * A packager exited: its last playlist is read, and once no other runs and no publish holds the stream,
   * the reconnect window opens; when it passes with no publish admitted since, the playlist ends.
   */
  function packagerExited(output: StreamOutput, key: string, session: IngestSession) {
    output.running -= 1;
    // A deleted stream's output is gone, its folder removed: nothing to read or end.
    if (outputs.get(key) !== output) return;
    playlistOf(output);
    if (output.running > 0) return;
    clearInterval(output.poll);
    output.poll = undefined;
    // A publish admitted since holds the playlist (`openWindow` checks): its own end opens the window.
    openWindow(output, key, session);
  }

  /**
   * Opens the reconnect window of a stream whose packagers all exited and that no publish holds: when it
   * passes, the playlist ends. An admission calls it off (`admit`), so it never ends a playlist a publish
   * was admitted to.
   */
  function openWindow(output: StreamOutput, key: string, session: IngestSession) {
    if (outputs.get(key) !== output || output.ended || publishing.has(key)) return;
    const generation = output.generation;
    log(
      'info',
      `HLS packaging ended: the playlist stays live for ${reconnectWindowMs} ms for the encoder to reconnect`,
      session,
    );
    windowTimer.clear(output.window);
    output.window = windowTimer.set(() => {
      output.window = undefined;
      if (output.generation !== generation || output.ended) return;
      const file = readPlaylistFile(output);
      if (file === undefined) return;
      output.ended = endPlaylist(output, file);
      log('info', 'the encoder did not reconnect: the HLS playlist has ended (#EXT-X-ENDLIST)', session);
    }, reconnectWindowMs);
  }

  const playlistNameOf = (provider: ProviderId) =>
    engine.dialects.get(provider)?.ingest?.playlistName ?? 'index.m3u8';

  /**
   * The playlist ends: `#EXT-X-ENDLIST` is appended to what is served, and that text is written over the
   * file too, so a sandbox started later on the same folder reads it as ended (a playlist file that ends with
   * `#EXT-X-ENDLIST` is one), and its next publish writes a new playlist rather than reopening this one.
   */
  function endPlaylist(output: StreamOutput, file: string): { file: string; served: string } {
    const served = `${decorated(output, file)}#EXT-X-ENDLIST\n`;
    const path = join(output.directory, output.playlistName);
    const next = `${path}.ended.tmp`;
    try {
      // Created where nothing is: a link planted at the temporary name is removed, never written through.
      rmSync(next, { force: true });
      writeFileSync(next, served, { flag: 'wx' });
      renameSync(next, path);
      return { file: served, served };
    } catch (error) {
      rmSync(next, { force: true });
      const code = (error as { code?: unknown }).code;
      log(
        'warn',
        `the ended HLS playlist could not be written to its file (${typeof code === 'string' ? code : 'write failed'}); a sandbox started later on this folder takes it as live`,
      );
      return { file, served };
    }
  }

  function readPlaylistFile(output: StreamOutput): string | undefined {
    return readRegularFile(join(output.directory, output.playlistName));
  }

  /**
   * The playlist as served now, read from ffmpeg's file: every reading goes to the stream's
   * {@link SegmentRetention}, so a segment is never removed before its time after any version served
   * without it, and what left is removed when its time has passed.
   */
  function playlistOf(output: StreamOutput): string | undefined {
    const file = readPlaylistFile(output);
    if (file === undefined) return undefined;
    if (output.ended && file !== output.ended.file) {
      // A later publish wrote a new playlist over the ended one: its own discontinuities, none yet.
      output.ended = undefined;
      output.discontinuities = [];
    }
    const at = Date.now();
    for (const { uri, deleteAtMs } of output.retention.observe(listedSegments(file), at)) {
      if (segmentName.test(uri)) removeLater(output, [uri], deleteAtMs - at);
    }
    return output.ended ? output.ended.served : decorated(output, file);
  }

  /**
   * ffmpeg's playlist with the `#EXT-X-DISCONTINUITY-SEQUENCE` ffmpeg leaves out: the discontinuities that
   * left the playlist, which a player needs to line the renditions (and a reloaded playlist) up.
   */
  function decorated(output: StreamOutput, text: string): string {
    const sequence = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(text)?.[1] ?? 0);
    const gone = output.discontinuities.filter((n) => n < sequence).length;
    const served = withTargetOfOneSecondAtLeast(text);
    return gone === 0
      ? served
      : served.replace(
          /^#EXT-X-MEDIA-SEQUENCE:\d+$/m,
          (line) => `${line}\n#EXT-X-DISCONTINUITY-SEQUENCE:${gone}`,
        );
  }

  function removeLater(output: StreamOutput, names: readonly string[], delayMs: number) {
    if (names.length === 0) return;
    const remove = () => {
      for (const name of names) rmSync(join(output.directory, name), { force: true });
    };
    const timer = setTimeout(() => {
      output.removals.delete(timer);
      remove();
    }, delayMs);
    timer.unref();
    output.removals.set(timer, remove);
  }

  /** Runs (`now`) or drops the removals still due: at close nothing is served any more. */
  function settleRemovals(output: StreamOutput, now: boolean) {
    clearInterval(output.poll);
    output.poll = undefined;
    windowTimer.clear(output.window);
    output.window = undefined;
    for (const [timer, remove] of output.removals) {
      clearTimeout(timer);
      if (now) remove();
    }
    output.removals.clear();
  }

  async function removeAfter(packager: HlsPackager | undefined, output: StreamOutput) {
    await packager?.end();
    await output.exited;
    settleRemovals(output, false);
    rmSync(output.directory, { recursive: true, force: true });
  }

  const infoOf = (session: IngestSession): EncoderInfo => ({
    remoteAddress: session.remoteAddress,
    connectedAt: session.connectedAt,
    ...(session.firstPacketAt === undefined ? {} : { firstPacketAt: session.firstPacketAt }),
    bytesIn: session.bytesIn,
    bitrate: session.bitrate(),
    ...session.media,
  });
  engine.setEncoderInfo((provider, id) => {
    const publish = publishing.get(keyOf(provider, id));
    return publish ? infoOf(publish.session) : undefined;
  });

  function hlsFile(provider: ProviderId, id: string, name: string): string | undefined {
    const output = servedOutput(provider, id);
    if (!output || !/^[A-Za-z0-9_-]+\.(m3u8|ts)$/.test(name) || !ownFolders(provider, id)) return undefined;
    return join(output.directory, name);
  }

  // The stream's folder and its provider's are the sandbox's own directories, not links planted in the
  // media folder (see `foldersBelowAreOwn`).
  function ownFolders(provider: ProviderId, id: string): boolean {
    return foldersBelowAreOwn(root, [encodeURIComponent(provider), encodeURIComponent(id)]);
  }

  /**
   * The output whose files are served for a stream: the one of this run, or, before any publish since the
   * sandbox started, one a sandbox that ran before on this folder ended (its playlist file ends with
   * `#EXT-X-ENDLIST`), for a stream this sandbox has (the same `persistPath`): served as it was, ended, with
   * its segments, until a publish writes a new playlist over it (`outputOf` reads it as ended). A playlist
   * left live (the sandbox stopped within a reconnect window) is not served until a publish carries it on.
   */
  function servedOutput(provider: ProviderId, id: string): StreamOutput | undefined {
    const held = outputs.get(keyOf(provider, id));
    if (held || !hls || !engine.dialects.has(provider) || !engine.hasRecord(provider, id)) return held;
    const playlistName = playlistNameOf(provider);
    if (!ownFolders(provider, id)) return undefined;
    const directory = join(root, encodeURIComponent(provider), encodeURIComponent(id));
    const file = readRegularFile(join(directory, playlistName));
    if (file === undefined || !file.trimEnd().endsWith('#EXT-X-ENDLIST')) return undefined;
    return outputOf(provider, id, playlistName);
  }

  const urlHost = options.urlHost ?? options.host;
  const host = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  const ingestOrigin = `rtmp://${host}:${ingest.port}`;
  engine.setIngestOrigin(ingestOrigin);

  return {
    ingestOrigin,
    port: ingest.port,
    ownsDirectory: ownsRoot,
    publisher(provider, id) {
      const publish = publishing.get(keyOf(provider, id));
      return publish ? infoOf(publish.session) : undefined;
    },
    sessions: () =>
      ingest.sessions().map((session) => ({
        ...infoOf(session),
        ...(session.provider ? { provider: session.provider } : {}),
        ...(session.streamId ? { streamId: session.streamId } : {}),
      })),
    hlsFile,
    hlsPlaylist(provider, id, name) {
      const output = servedOutput(provider, id);
      return output && name === output.playlistName && hlsFile(provider, id, name)
        ? playlistOf(output)
        : undefined;
    },
    async close() {
      closed = true;
      stopWatching();
      await ingest.close();
      await Promise.all([...pending]);
      for (const output of outputs.values()) settleRemovals(output, true);
      stopHearing();
      if (ownsRoot) {
        rmSync(root, { recursive: true, force: true });
        removedAtExit.delete(root);
      }
    },
  };
}

// The temporary folders of sandboxes not closed yet, removed as the process exits (a script that ends with
// `process.exit()` without closing its sandbox left its segments behind): one listener for them all.
const removedAtExit = new Set<string>();
let exitListening = false;
/** Removes the temporary folders of every media service not closed yet (what the process does as it exits). */
export const removeAtExit = () => {
  for (const folder of removedAtExit) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // The process is ending: what cannot be removed stays, as it would have.
    }
  }
};
function listenForExit(): void {
  if (exitListening) return;
  exitListening = true;
  process.on('exit', removeAtExit);
}
