import {
  type IngestEndpoint,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  type PlaybackEndpoint,
  parseVendorTimestamp,
  type RestreamTarget,
} from '@unilive/core';
import type { LiveApiStreamReading, LiveApiStreamWithRaw } from './liveapi-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// The only lifecycle field LiveAPI has is `enabled`: false refuses the encoder at once (create-livestream
// page, "emergency stop"), true accepts it. A stream without the flag is a shape this version does not know.
const stateByEnabled = /* @__PURE__ */ new Map<boolean | undefined, LiveStreamState>([
  [true, 'ready'],
  [false, 'stopped'],
]);

// The create sample has no `broadcasting_status`; the vendor notes say to read a missing one as offline.
// A value outside online/offline (parsed as 'unknown') says nothing, so `broadcasting` is left out.
const broadcastingByStatus = /* @__PURE__ */ new Map<string | undefined, boolean>([
  ['online', true],
  ['offline', false],
  [undefined, false],
]);

/** The neutral state of a LiveAPI stream: `enabled` true is `ready`, false is `stopped`. */
export function liveApiState(enabled: boolean | null | undefined): LiveStreamState {
  return stateByEnabled.get(enabled ?? undefined) ?? 'unknown';
}

/**
 * Joins LiveAPI's `ingest.server` and `ingest.key` into the one URL single-field encoders take
 * (`rtmp://ingest.liveapi.com/static/lv_…?password=…`, as production clients use it), whether or not the
 * server ends with a slash.
 */
export function joinRtmpUrl(server: string, key: string): string {
  // Read on every `get`: the usual server without a trailing slash and key without a leading one are joined
  // without the patterns.
  if (!server.endsWith('/') && !key.startsWith('/')) return `${server}/${key}`;
  return `${server.replace(/\/+$/, '')}/${key.replace(/^\/+/, '')}`;
}

const surrogate = /[\ud800-\udfff]/;

/** The `password` part of a LiveAPI stream key (`lv_…?password=1bda8f83`), when it has one. */
export function streamKeyPassword(key: string): string | undefined {
  const query = key.indexOf('?');
  if (query < 0) return undefined;
  // Read on every `get`. A query with nothing to decode (no `%`, no `+`, well-formed text) reads the same
  // split on `&` and `=` as through URLSearchParams, which builds a parser and a list per call. (Text with
  // surrogates, which it would re-encode, goes to it too.)
  if (key.indexOf('%', query) === -1 && key.indexOf('+', query) === -1 && !surrogate.test(key)) {
    // URLSearchParams drops one leading "?" of the text it is given.
    let start = key.charCodeAt(query + 1) === 63 ? query + 2 : query + 1;
    while (start <= key.length) {
      const end = key.indexOf('&', start) === -1 ? key.length : key.indexOf('&', start);
      if (key.startsWith('password', start)) {
        const after = start + 'password'.length;
        if (after === end) return '';
        if (key.charCodeAt(after) === 61) return key.slice(after + 1, end); // "="
      }
      start = end + 1;
    }
    return undefined;
  }
  return new URLSearchParams(key.slice(query + 1)).get('password') ?? undefined;
}

/** Maps a LiveAPI live stream to the neutral {@link LiveStream}; `raw` is the vendor's object as sent. */
export function mapLiveApiStream({ data, raw }: LiveApiStreamWithRaw): LiveStream {
  const stream: LiveStream = {
    id: data._id,
    provider: 'liveapi',
    state: liveApiState(data.enabled),
    ingest: [ingestOf(data.ingest)],
    playback: playbackOf(data),
    // LiveAPI records every broadcast as a temporary recording (kept three days) with no flag to set.
    recording: true,
    raw,
  };
  // LiveAPI documents no name; never invent one. A field sent as `null` reads as absent.
  if (typeof data.name === 'string' && data.name.trim() !== '') stream.name = data.name;
  const broadcasting = broadcastingByStatus.get(data.broadcasting_status ?? undefined);
  if (broadcasting !== undefined) stream.broadcasting = broadcasting;
  if (data.platforms !== undefined && data.platforms !== null) stream.restream = restreamOf(data.platforms);
  // The samples carry a zone (`…Z`); a zone-less value means UTC, never the host's zone.
  const createdAt = parseVendorTimestamp(data.creation_time);
  if (createdAt) stream.createdAt = createdAt;
  return stream;
}

function ingestOf(ingest: LiveApiStreamReading['ingest']): IngestEndpoint {
  // The key keeps its `?password=` suffix: encoders need the whole string as the stream key.
  return {
    protocol: 'rtmp',
    url: joinRtmpUrl(ingest.server, ingest.key),
    server: ingest.server,
    streamKey: ingest.key,
  };
}

function playbackOf(data: LiveApiStreamReading): PlaybackEndpoint[] {
  const endpoints: PlaybackEndpoint[] = [];
  // Samples with stripped URLs show `""`; an empty or unparsable URL, or one whose scheme is not the
  // endpoint's protocol, stays in `raw` only.
  const usable = (protocol: PlaybackEndpoint['protocol'], url: string | null | undefined): url is string =>
    typeof url === 'string' && isEndpointUrl(protocol, url);
  const { hls_url: hls, embed_url: embed, embed_audio_url: embedAudio } = data.playback ?? {};
  if (usable('hls', hls)) endpoints.push({ protocol: 'hls', url: hls });
  if (usable('embed', embed)) endpoints.push({ protocol: 'embed', url: embed });
  if (usable('embed', embedAudio)) endpoints.push({ protocol: 'embed', audioOnly: true, url: embedAudio });
  // Pull URLs exist only while the stream is online. The SRT one has no neutral playback protocol, so it
  // stays in `raw.pull_urls.srt`.
  const pull = data.pull_urls?.rtmp;
  if (usable('rtmp', pull)) endpoints.push({ protocol: 'rtmp', url: pull });
  return endpoints;
}

/**
 * Restream targets from `platforms` (send-livestream-to-3rd-party-platforms page): `url` and `streamKey` from
 * `server` and `key`, `id` from `_id`, `enabled` as sent (false: LiveAPI sends nothing to it, "must be true
 * for the target to receive the signal"), and `broadcasting` from its own `broadcasting_status` (online or
 * offline; where each platform carries one is inferred from Castr's client) unless the target is switched
 * off, which cannot be receiving. Targets without a server and key (other templates) stay in
 * `raw.platforms`.
 */
export function restreamOf(platforms: NonNullable<LiveApiStreamReading['platforms']>): RestreamTarget[] {
  const targets: RestreamTarget[] = [];
  for (const platform of platforms) {
    if (!platform.server || !platform.key) continue;
    const status = platform.broadcasting_status ?? undefined;
    const broadcasting = broadcastingByStatus.get(status);
    // Fields set one by one, in this order, rather than spread from objects made and dropped on every read.
    const target: RestreamTarget = { url: platform.server, streamKey: platform.key };
    if (platform._id) target.id = platform._id;
    if (typeof platform.enabled === 'boolean') target.enabled = platform.enabled;
    if (platform.enabled === false) target.broadcasting = false;
    else if (status !== undefined && broadcasting !== undefined) target.broadcasting = broadcasting;
    targets.push(target);
  }
  return targets;
}
