import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { codePointLength, type ProviderId, sliceCodePoints } from '@unilive/core';
import type { SandboxEngine } from '../engine.js';
import type { MediaService } from '../media/media-service.js';
import { requestPathUrl } from '../paths.js';
import type { EncoderInfo, SandboxLogEntry, StreamChange, StreamSummary } from '../types.js';
import { dashboardPage } from './page.js';

/** A webhook delivery as the dashboard lists it. */
export interface DashboardDelivery {
  provider: ProviderId;
  /** The vendor's event name. */
  event: string;
  url: string;
  streamId: string;
  status?: number;
  /** How it failed: `timeout`, `unreachable`, `invalid-url`, or `dropped` (never sent). */
  error?: string;
  /** Why a `dropped` delivery was never sent (`backlog`, `removed`, `closed`). */
  reason?: string;
  at: number;
}

/**
 * An ingest detail as the overview serves it. A secret (a stream key, a publish token, a push password) is
 * served without its value, only its length in code points, so that no key sits in the browser's network
 * log or a saved HAR before anyone asks to see it: the page reads the value from {@link dashboardSecretPath}
 * when it is clicked.
 */
export type DashboardIngestField =
  | { label: string; value: string }
  | { label: string; secret: true; length: number };

/**
 * Where the page reads one secret ingest detail when it is clicked:
 * `GET /_sandbox/dashboard/secret?provider=<provider>&stream=<id>&label=<label>` answers `{ value }` (at most
 * {@link overviewTextLimit} characters, as the overview's texts) with `Cache-Control: no-store`, and 404
 * `{ error: 'no such secret' }` for a stream or a detail that does not exist or is not secret.
 */
export const dashboardSecretPath = '/_sandbox/dashboard/secret';

/** What the dashboard page reads, once a second. */
export interface DashboardOverview {
  sandbox: { url: string; ingestUrl: string | null };
  providers: {
    id: ProviderId;
    /** How many streams the provider has; `streams` lists at most {@link overviewStreamLimit} of them. */
    total: number;
    /**
     * The streams shown, in the provider's own order: every one an encoder publishes to, then the newest (the
     * last the provider lists), up to {@link overviewStreamLimit} in all.
     */
    streams: (Omit<StreamSummary, 'ingest'> & {
      /** What an encoder is given, as the vendor's API shows it; secrets without their value. */
      ingest: DashboardIngestField[];
      /** An encoder publishes to it now. */
      live: boolean;
      encoder?: EncoderInfo;
      /** Where the sandbox serves its HLS while live (the vendor's HLS URL, or the sandbox's own for vendors without one). */
      previewUrl?: string;
    })[];
  }[];
  /** The latest stream changes, newest first (without the vendor records). */
  changes: Omit<StreamChange, 'record' | 'details'>[];
  /** The latest webhook deliveries, newest first; null when this sandbox sends no webhooks. */
  deliveries: DashboardDelivery[] | null;
  /** The latest lines of the sandbox's log, newest first. */
  log: SandboxLogEntry[];
}

/** Where the dashboard reads from. */
export interface DashboardSources {
  engine: SandboxEngine;
  media: MediaService | undefined;
  /** `http://127.0.0.1:PORT` */
  url(): string;
  /** The webhook delivery log, when the sandbox sends webhooks. */
  deliveries?: () => readonly DashboardDelivery[];
}

const shown = 50;

/**
 * The most characters (code points) of any one text the overview serves: a name, an ingest value, a log line.
 * A longer one is cut there and ends with `…`, so that no field a vendor's API took (a name of 500,000
 * characters sent past a dialect's check, a customRoomId) makes the page's once-a-second read megabytes.
 */
export const overviewTextLimit = 512;

/**
 * The most streams of one provider the overview lists (the page polls it every second): those an encoder
 * publishes to, then the newest. A sandbox that a test suite has filled with thousands of streams over a
 * `persistPath` would otherwise make each poll megabytes, building and serializing it holding the sandbox's
 * event loop (and so its API, ingest and webhooks) for hundreds of ms. `total` says how many there are.
 */
export const overviewStreamLimit = 100;

/** At most {@link overviewStreamLimit} of `streams`, in their order: every live one, then the last ones. */
function shownStreams<T>(streams: readonly T[], live: (stream: T) => boolean): readonly T[] {
  if (streams.length <= overviewStreamLimit) return streams;
  const chosen = new Set<T>();
  for (const stream of streams) {
    if (chosen.size === overviewStreamLimit) break;
    if (live(stream)) chosen.add(stream);
  }
  for (let index = streams.length - 1; index >= 0 && chosen.size < overviewStreamLimit; index -= 1) {
    chosen.add(streams[index] as T);
  }
  return streams.filter((stream) => chosen.has(stream));
}

/** `value` with every string in it longer than {@link overviewTextLimit} cut, objects and arrays copied. */
function bounded<T>(value: T): T {
  if (typeof value === 'string') {
    return (
      value.length <= overviewTextLimit || codePointLength(value) <= overviewTextLimit
        ? value
        : `${sliceCodePoints(value, overviewTextLimit - 1)}…`
    ) as T;
  }
  if (Array.isArray(value)) return value.map(bounded) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, bounded(entry)])) as T;
  }
  return value;
}

/**
 * The sandbox's dashboard at `/`: every stream per provider with its state, a live badge, its ingest details
 * (secrets masked until clicked) and an hls.js player while an encoder publishes; the webhook deliveries, the
 * stream changes and the ingest log. It reads the engine's change feed and the delivery log, nothing else.
 */
export function createDashboard(sources: DashboardSources) {
  const { engine, media } = sources;
  const changes: Omit<StreamChange, 'record' | 'details'>[] = [];
  const stopWatching = engine.onStreamChange(({ record: _record, details: _details, ...change }) => {
    changes.push(change);
    if (changes.length > shown) changes.shift();
  });
  let player: Buffer | undefined;

  function overview(): DashboardOverview {
    const providers = [...engine.dialects.values()].map((dialect) => {
      const context = engine.contextOf(dialect.id);
      const streams = context ? (dialect.streams?.(context) ?? []) : [];
      const listed = shownStreams(streams, (stream) => engine.encoderConnected(dialect.id, stream.id));
      return {
        id: dialect.id,
        total: streams.length,
        streams: listed.map((stream) => {
          const encoder = media?.publisher(dialect.id, stream.id);
          const live = engine.encoderConnected(dialect.id, stream.id);
          const playlist = dialect.ingest?.playlistName ?? 'index.m3u8';
          // Offered once the packager has written a playlist: a player asking earlier gets a 404 and gives up.
          const file = live ? media?.hlsFile(dialect.id, stream.id, playlist) : undefined;
          const playable = file !== undefined && existsSync(file) && context !== undefined;
          return {
            ...stream,
            ingest: stream.ingest.map(
              (field): DashboardIngestField =>
                field.secret
                  ? { label: field.label, secret: true, length: codePointLength(bounded(field.value)) }
                  : { label: field.label, value: field.value },
            ),
            live,
            ...(encoder ? { encoder } : {}),
            ...(playable ? { previewUrl: context.mediaUrl(stream.id, playlist) } : {}),
          };
        }),
      };
    });
    const deliveries = sources.deliveries?.();
    return bounded({
      sandbox: { url: sources.url(), ingestUrl: media?.ingestOrigin ?? null },
      providers,
      changes: [...changes].reverse(),
      deliveries: deliveries ? [...deliveries].slice(-shown).reverse() : null,
      log: engine.recentLogs().slice(-shown).reverse(),
    });
  }

  /** The value of one secret ingest detail the overview names, when the stream still has it. */
  function secret(query: URLSearchParams): string | undefined {
    const dialect = engine.dialects.get(query.get('provider') as ProviderId);
    const context = dialect && engine.contextOf(dialect.id);
    const stream = context && dialect.streams?.(context).find((entry) => entry.id === query.get('stream'));
    const field = stream?.ingest.find((entry) => entry.secret && entry.label === query.get('label'));
    return field?.value;
  }

  return {
    /** Answers `/` and `/_sandbox/dashboard/…`; false for any other path. */
    handle(method: string, requestUrl: string | undefined, response: ServerResponse): boolean {
      if (method !== 'GET' && method !== 'HEAD') return false;
      let url: URL;
      try {
        url = requestPathUrl(requestUrl);
      } catch {
        return false;
      }
      const pathname = url.pathname;
      if (pathname === '/') {
        reply(response, 200, 'text/html; charset=utf-8', dashboardPage);
        return true;
      }
      if (pathname === '/favicon.ico') {
        response.writeHead(204, { 'cache-control': 'max-age=86400' });
        response.end();
        return true;
      }
      if (pathname === '/_sandbox/dashboard/overview.json') {
        reply(response, 200, 'application/json; charset=utf-8', JSON.stringify(overview()));
        return true;
      }
      if (pathname === dashboardSecretPath) {
        const value = secret(url.searchParams);
        if (value === undefined) {
          reply(
            response,
            404,
            'application/json; charset=utf-8',
            JSON.stringify({ error: 'no such secret' }),
          );
        } else {
          reply(response, 200, 'application/json; charset=utf-8', JSON.stringify({ value: bounded(value) }));
        }
        return true;
      }
      if (pathname === '/_sandbox/dashboard/hls.min.js') {
        // hls.js from the installed package: the page works with no network beyond this machine.
        player ??= readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
        reply(response, 200, 'text/javascript; charset=utf-8', player, 'max-age=3600');
        return true;
      }
      return false;
    },
    overview,
    close: stopWatching,
  };
}

function reply(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  cache = 'no-store',
): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': cache,
  });
  response.end(body);
}
