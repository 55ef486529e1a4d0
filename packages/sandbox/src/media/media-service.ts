import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderId } from '@unilive/core';
import type { SandboxEngine } from '../engine.js';
import type { EncoderInfo, IngestRequest } from '../types.js';
import { findFfmpeg } from './ffmpeg.js';
import { type HlsPackager, hlsListSize, startHlsPackager } from './hls-packager.js';
import { hearNmsLog } from './node-media-server.js';
import { type IngestSession, type RtmpIngest, startRtmpIngest } from './rtmp-ingest.js';

/** Options of the sandbox's real media: RTMP in, HLS out. */
export interface MediaOptions {
  /** RTMP port, a whole number from 0 to 65535; 0 (the default) picks a free one. */
  port?: number;
  /**
   * A connection not publishing by then is cut, in ms: above 0 and at most 2147483647 (`maxTimeoutMs`, the
   * longest a timer holds; a longer one would fire at once). Default 10 000.
   */
  setupTimeoutMs?: number;
  /**
   * A publisher that sends nothing for this long is cut, in ms: above 0 and at most 2147483647
   * (`maxTimeoutMs`). Default 10 000.
   */
  idleTimeoutMs?: number;
  /**
   * HLS packaging: on by default, with the ffmpeg {@link findFfmpeg} finds (without one, publishers are
   * still taken and streams still go live, but nothing is served at their HLS URLs). `false` turns it off.
   * `segmentSeconds`: each HLS segment's length, above 0 and at most 60 (default 1); `ffmpegPath`: non-empty
   * text.
   */
  hls?: boolean | { ffmpegPath?: string; segmentSeconds?: number };
  /** Where HLS output is written (non-empty text); a new temporary folder, removed on close, by default. */
  directory?: string;
}

/** The sandbox's RTMP ingest and HLS output. */
export interface MediaService {
  /** `rtmp://host:port` */
  readonly ingestOrigin: string;
  readonly port: number;
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
}

/** A stream's HLS output, which every publish to it carries on. */
interface StreamOutput {
  directory: string;
  /** Settles once the latest publish's packager exited: the next one starts after it. */
  exited: Promise<void>;
  /** Numbers of the segments marked `#EXT-X-DISCONTINUITY` (each publish's first but the first's). */
  discontinuities: number[];
  /** Removals of segments an earlier publish left unlisted, due once a player cannot want them any more. */
  removals: Map<ReturnType<typeof setTimeout>, () => void>;
}

const keyOf = (provider: ProviderId, id: string) => `${provider}/${id}`;

/**
 * Starts the RTMP ingest for every dialect that has one, keeps each stream's live state in step with its
 * encoder (connected at the first audio or video message, disconnected the moment the socket closes or the
 * publisher stalls) and packages each publisher into HLS. A publisher is cut as soon as a change makes its
 * stream refuse video (stopped, disabled, deleted, credentials changed).
 */
export async function startMediaService(
  engine: SandboxEngine,
  // `host` is listened on; `urlHost` (default `host`) is named in the ingest URLs handed out.
  options: MediaOptions & { host: string; urlHost?: string },
): Promise<MediaService> {
  const root = options.directory ?? mkdtempSync(join(tmpdir(), 'unilive-sandbox-media-'));
  const ownsRoot = options.directory === undefined;
  const hlsOption = options.hls ?? true;
  const hls = hlsOption === false ? undefined : hlsOption === true ? {} : hlsOption;
  let ffmpegPath: string | null | undefined = hls?.ffmpegPath;
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
  function match(request: IngestRequest) {
    for (const dialect of ingestDialects()) {
      const context = engine.contextOf(dialect.id);
      const answer = context && dialect.ingest?.match(request, context);
      if (answer) return { provider: dialect.id, answer };
    }
    return undefined;
  }

  function track(work: Promise<void>) {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  function ffmpeg(): string | undefined {
    if (ffmpegPath === undefined) {
      ffmpegPath = findFfmpeg()?.path ?? null;
      if (ffmpegPath === null) log('warn', 'no ffmpeg found: streams go live, but no HLS is served');
    }
    return ffmpegPath ?? undefined;
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
          const credentials = context && dialect.ingest?.credentialsFor?.(application, context);
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
        publishing.set(key, { session, request });
        return { accept: true, provider, streamId: answer.streamId };
      },
      live(session) {
        if (session.provider && session.streamId) engine.setEncoder(session.provider, session.streamId, true);
      },
      packet(session, packet) {
        const publish =
          session.provider && session.streamId && publishing.get(keyOf(session.provider, session.streamId));
        if (!publish || publish.session !== session || publish.deleted) return;
        if (!publish.packager && hls) {
          const path = ffmpeg();
          if (!path) return;
          const provider = session.provider as ProviderId;
          const id = session.streamId as string;
          const playlistName = engine.dialects.get(provider)?.ingest?.playlistName ?? 'index.m3u8';
          const output = outputOf(provider, id);
          const segmentSeconds = hls.segmentSeconds ?? 1;
          publish.packager = startHlsPackager({
            ffmpegPath: path,
            directory: output.directory,
            playlistName,
            segmentSeconds,
            // The previous publish's packager writes its last segment and `#EXT-X-ENDLIST` first.
            after: output.exited,
            onStart: (resumed) => {
              if (!resumed) return;
              if (!output.discontinuities.includes(resumed.firstSegment))
                output.discontinuities.push(resumed.firstSegment);
              // They left the playlist before this publish began: kept for a segment plus a playlist's worth
              // of time from now (RFC 8216 §6.2.2), they stay as long as ffmpeg keeps its own.
              const seconds = (hlsListSize + 1) * Math.max(resumed.targetSeconds, segmentSeconds);
              removeLater(output, resumed.unlisted, seconds * 1_000);
            },
            onExit: (failure) => {
              if (failure) log('error', `HLS packaging failed: ${failure}`, session);
            },
          });
        }
        publish.packager?.write(packet);
      },
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
          if (output) output.exited = ending;
          track(ending);
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
    if (!answer?.accept || answer.streamId !== change.id) {
      publish.session.cut(
        `the stream no longer takes video: ${answer && !answer.accept ? answer.reason : 'its ingest address changed'}`,
      );
    }
  });

  function outputOf(provider: ProviderId, id: string): StreamOutput {
    const key = keyOf(provider, id);
    let output = outputs.get(key);
    if (!output) {
      output = {
        directory: join(root, encodeURIComponent(provider), encodeURIComponent(id)),
        exited: Promise.resolve(),
        discontinuities: [],
        removals: new Map(),
      };
      outputs.set(key, output);
    }
    return output;
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
    const output = outputs.get(keyOf(provider, id));
    return output && /^[A-Za-z0-9_-]+\.(m3u8|ts)$/.test(name) ? join(output.directory, name) : undefined;
  }

  const urlHost = options.urlHost ?? options.host;
  const host = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  const ingestOrigin = `rtmp://${host}:${ingest.port}`;
  engine.setIngestOrigin(ingestOrigin);

  return {
    ingestOrigin,
    port: ingest.port,
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
      const file = name.endsWith('.m3u8') ? hlsFile(provider, id, name) : undefined;
      let text: string;
      try {
        if (!file) return undefined;
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      const sequence = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(text)?.[1] ?? 0);
      // Discontinuities that left the playlist: their count is the first listed segment's discontinuity
      // sequence number, which a player needs to line the renditions (and a reloaded playlist) up.
      const gone = outputs.get(keyOf(provider, id))?.discontinuities.filter((n) => n < sequence).length ?? 0;
      return gone === 0
        ? text
        : text.replace(
            /^#EXT-X-MEDIA-SEQUENCE:\d+$/m,
            (line) => `${line}\n#EXT-X-DISCONTINUITY-SEQUENCE:${gone}`,
          );
    },
    async close() {
      stopWatching();
      await ingest.close();
      await Promise.all([...pending]);
      for (const output of outputs.values()) settleRemovals(output, true);
      stopHearing();
      if (ownsRoot) rmSync(root, { recursive: true, force: true });
    },
  };
}
