import {
  type IngestEndpoint,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  ownValue,
  type PlaybackEndpoint,
  parseVendorTimestamp,
  type RestreamTarget,
  type SecretSet,
  urlPassword,
  urlUsername,
  urlWithoutUserInfo,
  type Warning,
} from '@unilive/core';
import type { VideosdkV1LiveStream } from './videosdk-v1-api.js';

/**
 * The state table of v1. The vendor keeps no state on a v1 stream (no status field in any revision of the
 * reference): one that exists accepts an encoder at once, and nothing but delete ends that. So every v1
 * stream is `ready`; a state field appearing one day would be a different API, not a new value here.
 */
const v1State: LiveStreamState = 'ready';

/** Playback `rendition` label of the recording's HLS URL, so it is not mistaken for the live one. */
export const videosdkRecordingRendition = 'recording';

/**
 * A v1 stream as one answer gave it: what the schema read from it, which every mapped field comes from, and
 * the vendor's object exactly as received (the parsed JSON, not the schema's output), handed out as `raw`.
 */
export interface VideosdkV1Reading {
  data: VideosdkV1LiveStream;
  raw: unknown;
}

/**
 * Learns the secrets of a v1 record into `secrets` as its mapping does ({@link mapVideosdkV1LiveStream}),
 * also from what a schema read of an answer it refused or that broke off (fields missing or of other types):
 * a record the mapping cannot take (or without a string `id`: v1 sends `id` last, so an answer that broke
 * off seldom holds it) teaches its secrets field by field, each read only when present with its type: the
 * stream key, the key and any password in the push URL, and each restream target's key and URL password,
 * under the stream's id, or as values not tied to a stream when the record broke off before it. Whatever
 * the mapping learned before it failed stays learned.
 */
export function learnVideosdkV1Secrets(record: unknown, raw: unknown, secrets: SecretSet): void {
  const id = ownValue(record, 'id');
  if (typeof id === 'string') {
    try {
      mapVideosdkV1LiveStream({ data: record as VideosdkV1LiveStream, raw }, secrets);
      return;
    } catch {
      // A field the mapping needs is missing or of another type: read field by field below.
    }
  }
  const values: (string | undefined)[] = [];
  const streamKey = ownValue(record, 'streamKey');
  if (typeof streamKey === 'string') values.push(streamKey);
  const upstreamUrl = ownValue(record, 'upstreamUrl');
  if (typeof upstreamUrl === 'string')
    values.push(upstreamUrl.slice(upstreamUrl.lastIndexOf('/') + 1), urlPassword(upstreamUrl));
  values.push(playbackKey(ownValue(record, 'downstreamUrl')), playbackKey(ownValue(record, 'recordingUrl')));
  const restream = ownValue(record, 'restream');
  if (Array.isArray(restream)) {
    for (const target of restream) {
      const targetKey = ownValue(target, 'streamKey');
      const targetUrl = ownValue(target, 'url');
      if (typeof targetKey === 'string') values.push(targetKey);
      if (typeof targetUrl === 'string') values.push(urlPassword(targetUrl));
    }
  }
  if (typeof id === 'string') secrets.learnStream(id, ...values);
  else secrets.learn(...values);
}

/**
 * Maps a v1 live stream to the neutral model, registering its stream key and restream keys as secrets.
 * `raw` is the vendor's object as received, by reference: nothing mapped is read from it.
 */
export function mapVideosdkV1LiveStream(
  { data, raw }: VideosdkV1Reading,
  secrets: SecretSet,
  warnings: readonly Warning[] = [],
): LiveStream {
  const ingest = mapIngest(data);
  // A password in a URL's user information is a credential too, echoed alone or not.
  const ingestPassword = urlPassword(data.upstreamUrl);
  // The key the playback URLs carry: the same as `streamKey` in every answer the vendor documents.
  const playbackKeys = [playbackKey(data.downstreamUrl), playbackKey(data.recordingUrl)];
  secrets.learnStream(data.id, data.streamKey, ingest?.streamKey, ingestPassword, ...playbackKeys);
  // The vendor's id of each target: `_id` in every example, `id` in the schema table.
  const restream = data.restream?.map((target): RestreamTarget => {
    const targetId = target._id ?? target.id;
    const mapped: RestreamTarget = { url: target.url, streamKey: target.streamKey };
    if (targetId) mapped.id = targetId;
    return mapped;
  });
  // Every secret of the answer at once: all of them are kept, however many targets it lists.
  const held = [data.streamKey, ingest?.streamKey, ingestPassword, ...playbackKeys];
  if (restream) for (const target of restream) held.push(target.streamKey, urlPassword(target.url));
  secrets.holdStream(data.id, held);
  // Every read maps here: the optional fields are set one by one rather than spread from objects made and
  // dropped on each read (the same fields, in the same order).
  const playback = mapPlayback(data);
  const endpoints = ingest ? [ingest] : [];
  const stream: Omit<LiveStream, 'raw'> & { raw?: unknown } =
    typeof data.name === 'string'
      ? { id: data.id, provider: 'videosdk', name: data.name, state: v1State, ingest: endpoints, playback }
      : { id: data.id, provider: 'videosdk', state: v1State, ingest: endpoints, playback };
  // Absent when the answer has no `record`: unknown, not false.
  const recording = data.record ?? undefined;
  if (recording !== undefined) stream.recording = recording;
  if (restream) stream.restream = restream;
  // The reference types them `date` and shows `…Z`; a zone-less value means UTC, never the host's zone.
  const createdAt = parseVendorTimestamp(data.createdAt);
  if (createdAt) stream.createdAt = createdAt;
  const updatedAt = parseVendorTimestamp(data.updatedAt);
  if (updatedAt) stream.updatedAt = updatedAt;
  if (!ingest) stream.warnings = [...warnings, unsplitUpstreamUrl];
  else if (warnings.length > 0) stream.warnings = [...warnings];
  // `raw` last, as every adapter's stream has it.
  stream.raw = raw;
  return stream as LiveStream;
}

// Why a v1 stream has no ingest endpoint: its push URL splits into no server and key that open it.
const unsplitUpstreamUrl: Warning = {
  type: 'incomplete-answer',
  message:
    'no ingest endpoint: videosdk\'s upstreamUrl does not end in the stream key (an empty last segment, as a trailing "/" gives), so no server and stream key open what the URL opens; what the vendor sent is in raw.upstreamUrl',
};

/**
 * `upstreamUrl` is the full push URL, server and key joined by `/` [v1 guide, "Go live with RTMP"]. The
 * server is `streamUrl` where the vendor sends it (2022 on, with a trailing slash), else everything before
 * the last `/` (the vendor's own React sample splits the same way); the OBS instructions give the server
 * without a trailing slash, so it is dropped. Undefined when the URL's last segment is empty (a trailing
 * `/`): `server` + `/` + `streamKey` would then open another path than `url` (or the server would carry the
 * key), so there is no endpoint.
 */
function mapIngest(data: VideosdkV1LiveStream): IngestEndpoint | undefined {
  const url = data.upstreamUrl;
  // Tested in place: lowercasing would copy the whole URL on every read.
  const protocol = rtmpsScheme.test(url) ? 'rtmps' : 'rtmp';
  const prefix = data.streamUrl ? withTrailingSlash(data.streamUrl) : undefined;
  let server: string;
  let streamKey: string;
  if (prefix && url.startsWith(prefix) && url.length > prefix.length) {
    server = prefix.slice(0, -1);
    streamKey = url.slice(prefix.length);
  } else {
    const cut = url.lastIndexOf('/');
    server = url.slice(0, cut);
    streamKey = url.slice(cut + 1);
  }
  // User information in the push URL (none in any documented answer) is push credentials: `url` keeps it
  // (an encoder given the URL alone presents it), `server` never carries it (IngestEndpoint's TSDoc; OBS
  // takes them in its own "Use authentication" fields), and they are `username` and `password`, as Wowza
  // Video's push credentials are.
  const endpoint: IngestEndpoint = { protocol, url, server: urlWithoutUserInfo(server) };
  // The key the URL carries is the one an encoder must send; `streamKey` is the same value in every example.
  // `server` + `/` + `streamKey` opens what `url` opens (without its user information), or nothing is given.
  if (streamKey.length === 0 || url.endsWith('/')) return undefined;
  endpoint.streamKey = streamKey;
  const username = urlUsername(url);
  if (username !== undefined) endpoint.username = username;
  const password = urlPassword(url);
  if (password !== undefined) endpoint.password = password;
  return endpoint;
}

/**
 * `downstreamUrl` is the live HLS; `recordingUrl` is the HLS of the recording [v1 guide, "Play live stream",
 * "Record live stream"]. The vendor returns `recordingUrl` with `record: false` too (the seed and the 2021
 * guide): it is listed whenever sent, as the vendor sent it, since recording may have been on earlier (it
 * can be switched by update) and what it holds is the vendor's to say.
 */
function mapPlayback(data: VideosdkV1LiveStream): PlaybackEndpoint[] {
  const playback: PlaybackEndpoint[] = [];
  // A URL that is no http(s) URL cannot be HLS: it stays in `raw` only.
  if (data.downstreamUrl && isEndpointUrl('hls', data.downstreamUrl)) {
    playback.push({ protocol: 'hls', url: data.downstreamUrl });
  }
  if (data.recordingUrl && isEndpointUrl('hls', data.recordingUrl)) {
    playback.push({ protocol: 'hls', url: data.recordingUrl, rendition: videosdkRecordingRendition });
  }
  return playback;
}

/**
 * The stream key a v1 playback URL carries, the path segment after `live` followed by a file:
 * `https://live.videosdk.live/live/<streamKey>/index.m3u8`, `…/live/<streamKey>/storage/index.m3u8` [v1
 * reference]; the sandbox keeps that path under its media route. Anyone holding the URL holds the publishing
 * key, so it is learned beside `streamKey`: an answer that carries the key only there (no `streamKey`, an
 * `upstreamUrl` ending in `/`) or another key there still has it masked wherever the URL is repeated.
 * Undefined for a URL of another shape. Read with string searches, not a URL parse: every `get` reads two.
 */
function playbackKey(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const from = url.indexOf('//') + 2;
  // The path ends at the query or the fragment: a `/live/` after them is no segment.
  const query = url.indexOf('?', from);
  const fragment = url.indexOf('#', from);
  const pathEnd = Math.min(query === -1 ? url.length : query, fragment === -1 ? url.length : fragment);
  const at = url.indexOf('/live/', from);
  if (at === -1 || at >= pathEnd) return undefined;
  const start = at + '/live/'.length;
  const end = url.indexOf('/', start);
  if (end <= start || end >= pathEnd) return undefined;
  const segment = url.slice(start, end);
  // Nothing to decode without a `%`: decodeURIComponent is a call into the runtime, some 80 ns each, and
  // every v1 `get` reads two URLs.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const rtmpsScheme = /^rtmps:/i;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
