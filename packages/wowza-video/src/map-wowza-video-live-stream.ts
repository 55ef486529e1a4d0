import {
  type IngestEndpoint,
  type IngestProtocol,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  type LiveStreamStatus,
  type PlaybackEndpoint,
  type PlaybackProtocol,
  parseVendorTimestamp,
  urlPassword,
  urlWithoutUserInfo,
  urlWithUserInfo,
  type Warning,
} from '@unilive/core';
import type {
  WowzaVideoLiveStream,
  WowzaVideoLiveStreamRead,
  WowzaVideoLiveStreamSummary,
  WowzaVideoState,
} from './wowza-video-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * What the mapping reads: a live stream as {@link wowzaVideoLiveStreamSchema} reads it, or as the adapter's
 * own reading does (the same fields; `null` kept in the nested objects, `source_connection_information`,
 * `stream_targets`, `hosted_page`, `security` and the playback entries, where it reads as absent).
 */
export type WowzaVideoLiveStreamInput = WowzaVideoLiveStream | WowzaVideoLiveStreamRead;

/**
 * A playback endpoint as this adapter returns it: the neutral {@link PlaybackEndpoint}, whose
 * `applicationName` and `streamName` carry what Wowza's direct WebRTC playback needs beside its signalling
 * URL (`direct_playback_urls.webrtc[].application_name` and `stream_name`).
 * @deprecated Use {@link PlaybackEndpoint}, which declares both fields.
 */
export type WowzaVideoPlaybackEndpoint = PlaybackEndpoint;

/**
 * What only Wowza Video has and an encoder or a user needs, as `providerDetails['wowza-video']` of every full
 * stream (`get`, `create`, `update`, `start`, `stop`, `list` with details). Each field is absent when Wowza's
 * answer does not carry it. Read it with {@link wowzaVideoDetailsOf}.
 */
export interface WowzaVideoStreamDetails {
  /**
   * `connection_code`: the six-character code that connects Wowza Streaming Engine, Wowza GoCoder or a
   * Wowza ClearCaster to this stream instead of a server and key; usable once. A credential.
   */
  connectionCode?: string;
  /** `connection_code_expires_at`: when the code stops working (24 hours after it was issued). */
  connectionCodeExpiresAt?: Date;
  /** `stream_source_id`: the Wowza stream source feeding this stream, when one is used (`use_stream_source`). */
  streamSourceId?: string;
  /**
   * `stream_targets[].id`: where Wowza delivers the stream; the first is normally the primary Wowza CDN target
   * it created with the stream (playback goes through it; it cannot be removed). Look a target up with
   * Wowza's `/stream_targets` resource.
   */
  streamTargets?: { id: string }[];
}

/** The Wowza Video details of a stream (`providerDetails['wowza-video']`), or undefined for another vendor's. */
export function wowzaVideoDetailsOf(stream: LiveStream): WowzaVideoStreamDetails | undefined {
  return stream.provider === 'wowza-video'
    ? (stream.providerDetails?.['wowza-video'] as WowzaVideoStreamDetails | undefined)
    : undefined;
}

// Each field set when present, in this order, rather than spread from temporary objects (every `get` pays it).
function detailsOf(
  stream: WowzaVideoLiveStreamInput,
): Pick<WowzaVideoStreamDetails, keyof WowzaVideoStreamDetails> | undefined {
  const expiresAt = parseVendorTimestamp(stream.connection_code_expires_at);
  const details: Pick<WowzaVideoStreamDetails, keyof WowzaVideoStreamDetails> = {};
  let empty = true;
  if (stream.connection_code) {
    details.connectionCode = stream.connection_code;
    empty = false;
  }
  if (expiresAt) {
    details.connectionCodeExpiresAt = expiresAt;
    empty = false;
  }
  if (stream.stream_source_id) {
    details.streamSourceId = stream.stream_source_id;
    empty = false;
  }
  if (stream.stream_targets) {
    const targets: { id: string }[] = [];
    for (const target of stream.stream_targets) if (target.id) targets.push({ id: target.id });
    details.streamTargets = targets;
    empty = false;
  }
  return empty ? undefined : details;
}

// The one state table: Wowza v2.0 states (OpenAPI enum) → neutral states.
const stateTable: Record<WowzaVideoState, LiveStreamState> = {
  started: 'ready',
  starting: 'starting',
  stopping: 'stopping',
  stopped: 'stopped',
  resetting: 'resetting',
  unknown: 'unknown',
};

/** Maps a Wowza state to the neutral one; anything unknown becomes `'unknown'`. */
export function mapWowzaVideoState(state: string | undefined): LiveStreamState {
  return state !== undefined && Object.hasOwn(stateTable, state)
    ? stateTable[state as WowzaVideoState]
    : 'unknown';
}

const hasScheme = (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
const trimSlashes = (value: string) => value.replace(/\/+$/, '');

// Push protocol of a `primary_server` entry point, by encoder. Only the generic encoders are documented
// per protocol (other_rtmp, other_rtsp, other_srt); the named hardware and software encoders push RTMP
// (INFERRED from their vendors), and other_udp has no neutral protocol, so it yields no endpoint.
function pushProtocolOf(encoder: string | undefined, primaryServer: string): IngestProtocol | undefined {
  if (hasScheme(primaryServer)) {
    const scheme = primaryServer.slice(0, primaryServer.indexOf(':')).toLowerCase();
    return (['rtmp', 'rtmps', 'rtsp', 'srt'] as const).find((known) => known === scheme);
  }
  if (encoder === 'other_srt') return 'srt';
  if (encoder === 'other_rtsp' || encoder === 'ipcamera') return 'rtsp';
  if (encoder === 'other_udp' || encoder === 'other_webrtc' || encoder === 'file') return undefined;
  return 'rtmp';
}

/**
 * Ingest endpoints from `source_connection_information`:
 * - WebRTC (`sdp_url`, `application_name`, `stream_name`; API v2.0 quick start): the signalling URL with the
 *   application and stream names a WebRTC publisher asks for.
 * - RTMP (`primary_server`, `host_port`, `application` or `application_name`, `stream_name`, `username`,
 *   `password`): `url` is `rtmp://username:password@server:port/application/stream`, the push credentials
 *   as its user information while source authentication is on (`disable_authentication` not true), for an
 *   encoder given the URL alone (unverified: no Wowza source names its RTMP push authentication scheme or
 *   says an encoder may answer it from the URL's user information; one that does not needs `username` and
 *   `password` entered separately); `server` is the URL without the stream name
 *   and without the credentials (OBS takes them in its "Use authentication" fields), `streamKey` the stream
 *   name, `username` and `password` the credentials again. A `primary_server` that already carries a scheme
 *   is used as it is, and given the application only when its path does not already end in it. User
 *   information inside `primary_server` (`rtmp://user:password@host/…`, `user:password@host`), which Wowza
 *   documents nowhere, is written in no endpoint: the issued `username` and `password` are the push
 *   credentials, and its password is learned as a secret ({@link wowzaVideoSecretsOf}). A `host_port` sent as
 *   digits is written as its number. The endpoint is left out (with the `incomplete-answer` warning of
 *   {@link wowzaVideoIngestWarnings}) when the URL parser would read its path otherwise than it is written
 *   (a `stream_name` holding `/`, `?`, `#` or `%`, a `.` or `..` segment, a character a URL escapes): `url`
 *   would then name another stream than `server` and `streamKey`. It is left out too without a stream key
 *   (`stream_name` missing, empty or null) or without an application to carry it after (an empty
 *   `application` beside a plain host), and for a `primary_server` whose scheme is written without `//`
 *   (`rtmp:/host/app`, `rtmp:user:password@host`, `rtmp:///host`), in which the URL parser places no host or
 *   another than a person reads. A scheme-less `primary_server` with a path (`host/`, `host/x`) gets
 *   `host_port` after its host, as a plain host does, never in its path.
 * - RTSP: the same URL shape on `rtsp://`, with the push credentials in it and beside it.
 * - SRT (`other_srt`): `srt://server:port`, the form Wowza's transcoder exposes (unverified for live streams).
 * A pull source (`source_url`) has no push endpoint: Wowza fetches the video itself.
 */
export function mapWowzaVideoIngest(stream: WowzaVideoLiveStreamInput): IngestEndpoint[] {
  const info = stream.source_connection_information;
  if (!info) return [];
  const endpoints: IngestEndpoint[] = [];
  // Fields set one by one, each only when present, rather than spread from temporary objects.
  if (info.sdp_url && isEndpointUrl('webrtc', info.sdp_url)) {
    const webrtc: IngestEndpoint = { protocol: 'webrtc', url: info.sdp_url };
    if (info.application_name) webrtc.applicationName = info.application_name;
    if (info.stream_name) webrtc.streamName = info.stream_name;
    endpoints.push(webrtc);
  }
  const primary = info.primary_server;
  const protocol = primary ? pushProtocolOf(stream.encoder, primary) : undefined;
  if (primary && protocol) {
    // `null` as absent: the adapter's own reading keeps it as sent. Digits sent as text are written as their
    // number, as the URL parser writes a port (no leading zero), so that `server` and `url` name one port.
    const hostPort = info.host_port;
    const port =
      hostPort === undefined || hostPort === null || hostPort === ''
        ? ''
        : `:${typeof hostPort === 'string' ? Number(hostPort) : hostPort}`;
    const base = pushBase(primary, protocol, port);
    if (base === undefined) {
      // A scheme written without `//` (`rtmp:/host/app`, `rtmp:user:pw@host`): no URL an encoder opens as
      // written; the endpoint is left out (see wowzaVideoIngestWarnings).
    } else if (protocol === 'srt') {
      if (isEndpointUrl(protocol, base) && !authorityOf(base).includes('@')) {
        const srt: IngestEndpoint = { protocol, url: base };
        if (info.stream_name) srt.streamName = info.stream_name;
        endpoints.push(srt);
      }
    } else {
      const application = info.application ?? info.application_name;
      // A full-URL `primary_server` may already end in the application (`rtmp://host/app-9c70` beside
      // `application: "app-9c70"`): it is not named twice, which no encoder could push to.
      const server = application && !base.endsWith(`/${application}`) ? `${base}/${application}` : base;
      const key = info.stream_name;
      const url = key ? `${server}/${key}` : server;
      // Only a URL whose path the parser reads as written, the stream name its last segment: any other would
      // name another stream (or none) than `server` and `streamKey` do, in an encoder given `url` alone. An
      // RTMP endpoint carries its stream key after an application (`server` has a path), or is left out.
      if (
        isEndpointUrl(protocol, url) &&
        writtenPath.test(url) &&
        !key?.includes('/') &&
        (protocol === 'rtsp' || (key && hasPath(server))) &&
        !authorityOf(server).includes('@')
      ) {
        const authenticated = info.disable_authentication !== true;
        const username = authenticated && info.username ? info.username : undefined;
        const password = authenticated && info.password ? info.password : undefined;
        let full = url;
        try {
          full = urlWithUserInfo(url, username, password);
        } catch {
          // A credential no URL can carry (a lone surrogate in a hostile answer): the split fields keep it.
        }
        const endpoint: IngestEndpoint =
          protocol === 'rtsp' ? { protocol, url: full } : { protocol, url: full, server };
        if (protocol !== 'rtsp' && key) endpoint.streamKey = key;
        if (username) endpoint.username = username;
        if (password) endpoint.password = password;
        endpoints.push(endpoint);
      }
    }
  }
  return endpoints;
}

// A path segment the URL parser writes and reads as it is: RFC 3986's unreserved and sub-delimiter
// characters, `:` and `@` (never `/`, `?`, `#`, `%`, a space or another character it escapes), and never `.` or
// `..`, which it resolves away.
const writtenSegment = "(?!\\.\\.?(?:/|$))[\\w.~!$&'()*+,;=:@-]+";
// `scheme://authority/segment/…`: a push URL whose last segment is the stream key for every encoder.
const writtenPath = /* @__PURE__ */ (() =>
  new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*(?:/${writtenSegment})*$`))();
// The application and stream name as segments of such a path (the application may hold several).
const writtenSegments = /* @__PURE__ */ (() => new RegExp(`^${writtenSegment}(?:/${writtenSegment})*$`))();

// A push scheme written without the `//` of a URL's authority (`rtmp:/host/app`, `rtmp:user:pw@host`,
// `rtmp:///host`): the URL parser places no host there, or another one than a person reads.
const schemeWithoutAuthority = /^(?:rtmps?|rtsp|srt):(?!\/\/[^/])/i;

/**
 * The push URL `primary_server` names, before the application: a full URL (`scheme://…`) as it is, without
 * trailing slashes; a scheme-less one (`host`, `host/path`, `user:password@host/path`) behind the protocol's
 * scheme, with `port` after its host, never in its path; without user information either way. Undefined for
 * a push scheme written without `//`, which no encoder opens as written.
 */
function pushBase(primary: string, protocol: IngestProtocol, port: string): string | undefined {
  if (hasScheme(primary) && !primary.startsWith('/', primary.indexOf('//') + 2)) {
    return urlWithoutUserInfo(trimSlashes(primary));
  }
  if (schemeWithoutAuthority.test(primary) || hasScheme(primary)) return undefined;
  let end = 0;
  for (; end < primary.length; end += 1) {
    const code = primary.charCodeAt(end);
    if (code === 47 || code === 63 || code === 35) break; // "/", "?" or "#": the host ends
  }
  return urlWithoutUserInfo(
    `${protocol}://${primary.slice(0, end)}${port}${trimSlashes(primary.slice(end))}`,
  );
}

// The authority of `scheme://authority/…` (up to the first `/`, `?` or `#` after `//`), as the URL parser reads
// a push URL.
function authorityOf(url: string): string {
  const start = url.indexOf('//') + 2;
  let end = start;
  for (; end < url.length; end += 1) {
    const code = url.charCodeAt(end);
    if (code === 47 || code === 63 || code === 35) break;
  }
  return url.slice(start, end);
}

// Whether `scheme://authority` is followed by a path (an RTMP application).
const hasPath = (url: string) => url.indexOf('/', url.indexOf('//') + 2) !== -1;

// Encoders that connect with the connection code rather than a server and key (OpenAPI `connection_code`).
const connectionCodeEncoders = /* @__PURE__ */ new Set([
  'wowza_streaming_engine',
  'wowza_gocoder',
  'wowza_clearcaster',
]);

const isPull = (stream: WowzaVideoLiveStreamInput) =>
  stream.delivery_method === 'pull' || stream.encoder === 'file';

/**
 * Why `ingest` is empty or partial, so it never is without a word. Wowza documents the connection keys of
 * `source_connection_information` for WebRTC only (API v2.0 quick start); those of RTMP, RTSP and SRT come
 * from API v1 examples and client code, so an answer may lack them:
 * - no endpoint for a push stream: `incomplete-answer`, naming the protocol the encoder pushes and each key
 *   its endpoint needs that the answer lacks (all of them without `source_connection_information`, as in
 *   every answer v2.0 documents for a non-WebRTC encoder), with what Wowza did send left in `raw`;
 * - an RTMP or RTSP endpoint without the username and password Wowza requires while source
 *   authentication is on: `incomplete-answer`;
 * - a pull stream, a UDP source, a stream fed through a Wowza stream source, or a connection-code encoder
 *   without a server: `other`, saying where the video goes instead.
 */
export function wowzaVideoIngestWarnings(
  stream: WowzaVideoLiveStreamInput,
  ingest: readonly IngestEndpoint[],
): Warning[] {
  const encoder = stream.encoder ?? 'unknown';
  if (ingest.length === 0) {
    if (isPull(stream)) {
      return [
        {
          type: 'other',
          message:
            'no ingest endpoint: Wowza Video pulls this stream from its source_url (delivery_method pull or encoder file); there is nothing to push to',
        },
      ];
    }
    if (encoder === 'other_udp') {
      return [
        {
          type: 'other',
          message:
            'no ingest endpoint: UDP (encoder other_udp) has no neutral ingest protocol; Wowza sent its connection details in raw.source_connection_information',
        },
      ];
    }
    if (stream.use_stream_source === true) {
      const source = stream.stream_source_id ? ` ${stream.stream_source_id}` : '';
      return [
        {
          type: 'other',
          message: `no ingest endpoint: the encoder pushes to the Wowza stream source${source} (use_stream_source), whose connection details are on Wowza's /stream_sources resource, not on the live stream`,
        },
      ];
    }
    if (connectionCodeEncoders.has(encoder) && stream.connection_code) {
      return [
        {
          type: 'other',
          message: `no ingest endpoint: a ${encoder} encoder connects with the connection code in providerDetails['wowza-video'].connectionCode, and Wowza sent no server for it`,
        },
      ];
    }
    return [{ type: 'incomplete-answer', message: missingIngestMessage(stream, encoder) }];
  }
  const info = stream.source_connection_information;
  const warnings: Warning[] = [];
  // Other endpoints (a WebRTC `sdp_url` beside an RTMP encoder's) do not stand in for the one the encoder
  // pushes: an answer lacking it, or one the mapping left out (a URL no encoder could open as written), says
  // so here as it would with no endpoint at all.
  const pushed = encoder === 'other_webrtc' ? 'webrtc' : pushProtocolOf(encoder, '');
  if (
    pushed !== undefined &&
    !isPull(stream) &&
    stream.use_stream_source !== true &&
    !(connectionCodeEncoders.has(encoder) && stream.connection_code) &&
    !ingest.some(
      (endpoint) => endpoint.protocol === pushed || (pushed === 'rtmp' && endpoint.protocol === 'rtmps'),
    )
  )
    warnings.push({ type: 'incomplete-answer', message: missingIngestMessage(stream, encoder, true) });
  for (const endpoint of ingest) {
    if (endpoint.protocol !== 'rtmp' && endpoint.protocol !== 'rtsp') continue;
    if (info?.disable_authentication === true || (endpoint.username && endpoint.password)) continue;
    warnings.push({
      type: 'incomplete-answer',
      message: `the ${endpoint.protocol} ingest endpoint has no username and password although source authentication is on (disable_authentication is not true): Wowza's answer did not carry them, so the encoder may be refused; set username and password with providerOptions['wowza-video'] or disable authentication`,
    });
  }
  return warnings;
}

// The keys of source_connection_information each push protocol's endpoint is built from, as the adapter reads
// them (see mapWowzaVideoIngest), and what they make, for a warning naming what an answer lacks.
const connectionKeys = {
  webrtc: { keys: ['sdp_url', 'application_name', 'stream_name'], makes: 'WebRTC signalling URL and names' },
  rtmp: {
    keys: ['primary_server', 'host_port', 'application', 'stream_name', 'username', 'password'],
    makes: 'RTMP server, stream key and push credentials',
  },
  rtsp: {
    keys: ['primary_server', 'host_port', 'application', 'stream_name', 'username', 'password'],
    makes: 'RTSP URL and push credentials',
  },
  srt: { keys: ['primary_server', 'host_port', 'stream_name'], makes: 'SRT server' },
} as const;

// Whether the RTMP or RTSP URL was left out for its path (see mapWowzaVideoIngest): a stream name that is no
// single written segment, or an application that is none.
function unwrittenPath(
  info: NonNullable<WowzaVideoLiveStreamInput['source_connection_information']>,
  protocol: keyof typeof connectionKeys,
): boolean {
  if (protocol !== 'rtmp' && protocol !== 'rtsp') return false;
  const key = info.stream_name;
  const application = info.application ?? info.application_name;
  return (
    (typeof key === 'string' && key !== '' && (key.includes('/') || !writtenSegments.test(key))) ||
    (typeof application === 'string' && application !== '' && !writtenSegments.test(application))
  );
}

/**
 * Why a push stream has no ingest endpoint, exactly: the protocol its encoder pushes, the keys of
 * `source_connection_information` that endpoint needs and the answer lacks (all of them when the object
 * itself is missing), and why an answer may lack them: Wowza documents them for API v1 only, bar WebRTC's.
 */
function missingIngestMessage(stream: WowzaVideoLiveStreamInput, encoder: string, others = false): string {
  const info = stream.source_connection_information;
  const protocol: keyof typeof connectionKeys =
    encoder === 'other_webrtc'
      ? 'webrtc'
      : ((pushProtocolOf(encoder, '') ?? 'rtmp') as 'rtmp' | 'rtsp' | 'srt');
  const { keys, makes } = connectionKeys[protocol];
  const given = (key: string) => {
    if (!info) return false;
    if (key === 'application') return Boolean(info.application ?? info.application_name);
    // Credentials are not needed when source authentication is off.
    if ((key === 'username' || key === 'password') && info.disable_authentication === true) return true;
    const value = (info as Record<string, unknown>)[key];
    return value !== undefined && value !== null && value !== '';
  };
  // Either spelling of the application is read (see mapWowzaVideoIngest).
  const label = (key: string) => (key === 'application' ? 'application (or application_name)' : key);
  const missing = keys.filter((key) => !given(key)).map(label);
  const needed = keys.map(label).join(', ');
  const name = protocol === 'webrtc' ? 'WebRTC' : protocol.toUpperCase();
  const primary = info?.primary_server;
  const lacks = !info
    ? `has no source_connection_information, so none of ${needed} (the ${makes})`
    : protocol !== 'webrtc' &&
        typeof primary === 'string' &&
        (schemeWithoutAuthority.test(primary) || (hasScheme(primary) && /^[^:]*:\/\/\//.test(primary)))
      ? `has a primary_server that writes its scheme without the "//" of a URL's host (rtmp:/host, rtmp:user:password@host, rtmp:///host), which names no host an encoder can open as written`
      : missing.length > 0
        ? `lacks ${missing.join(', ')} in source_connection_information (the ${makes} need ${needed})`
        : unwrittenPath(info, protocol)
          ? `has a stream_name or application that an ${name} URL cannot carry in its path as sent (a "/" in the stream name, a "?", "#" or "%", a "." or ".." segment, or a character a URL escapes), so the URL would name another stream than the stream key`
          : `has source_connection_information keys that make no valid ${name} URL`;
  const why =
    protocol === 'webrtc'
      ? 'Wowza documents these keys for API v2.0 (its quick start)'
      : `Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information's WebRTC keys alone, and the ${name} details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out`;
  const sent = info
    ? 'what Wowza sent is in raw.source_connection_information'
    : 'the whole answer is in raw';
  // Beside endpoints of other protocols (a WebRTC `sdp_url`), the one the encoder pushes is what is missing.
  return `no ${others ? `${name} ` : ''}ingest endpoint: encoder ${encoder} pushes ${name} and Wowza Video's answer ${lacks}; ${why}; ${sent}`;
}

const directProtocols: Record<string, PlaybackProtocol> = {
  hls: 'hls',
  dash: 'dash',
  rtmp: 'rtmp',
  rtsp: 'rtsp',
  wowz: 'wowz',
  webrtc: 'webrtc',
};

// An answer lists some 30 of these, nearly all with a name and nothing else read, the WebRTC ones with a name,
// an application and a stream name: those two shapes are made whole in one literal (fields added later to an
// object cost it a second allocation), any other field by field.
function directEndpoint(
  protocol: PlaybackProtocol,
  entry: {
    url: string;
    name?: string | null | undefined;
    application_name?: string | null | undefined;
    stream_name?: string | null | undefined;
  },
): PlaybackEndpoint {
  const { url, name } = entry;
  const applicationName = entry.application_name;
  const streamName = entry.stream_name;
  if (!applicationName && !streamName) return name ? { protocol, url, rendition: name } : { protocol, url };
  if (name && applicationName && streamName)
    return { protocol, url, rendition: name, applicationName, streamName };
  const endpoint: PlaybackEndpoint = { protocol, url };
  if (name) endpoint.rendition = name;
  if (applicationName) endpoint.applicationName = applicationName;
  if (streamName) endpoint.streamName = streamName;
  return endpoint;
}

// Only an <iframe> source is a page a viewer can open; a Flowplayer <script src> is the player library.
function iframeSource(embedCode: string): string | undefined {
  const match = /<iframe\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/i.exec(embedCode);
  const url = match?.[1]?.replace(/&amp;/g, '&');
  return url && isEndpointUrl('embed', url) ? url : undefined;
}

/**
 * Playback endpoints: `hls_playback_url` (hls), `hosted_page.url` (embed, when the page is enabled), the
 * `<iframe>` source of `embed_code` when there is one (embed), and every `direct_playback_urls` entry
 * (protocol from its key, `rendition` from its `name`: `source`, `webrtc`, `V:1280x720+A:128K`…).
 */
export function mapWowzaVideoPlayback(stream: WowzaVideoLiveStreamInput): PlaybackEndpoint[] {
  const endpoints: PlaybackEndpoint[] = [];
  if (stream.hls_playback_url && isEndpointUrl('hls', stream.hls_playback_url)) {
    endpoints.push({ protocol: 'hls', url: stream.hls_playback_url });
  }
  const page = stream.hosted_page;
  if (typeof page === 'object' && page.enabled !== false && page.url && isEndpointUrl('embed', page.url)) {
    endpoints.push({ protocol: 'embed', url: page.url });
  }
  const embedded = stream.embed_code ? iframeSource(stream.embed_code) : undefined;
  if (embedded && !endpoints.some((endpoint) => endpoint.url === embedded)) {
    endpoints.push({ protocol: 'embed', url: embedded });
  }
  const direct = stream.direct_playback_urls;
  if (!direct) return endpoints;
  // Which entry this is, in the answer's order, for the verdicts of the answer mapped before this one.
  let position = 0;
  // Keys, not entries: no pair array per key.
  for (const key of Object.keys(direct)) {
    const protocol = Object.hasOwn(directProtocols, key) ? directProtocols[key] : undefined;
    const entries = direct[key];
    if (!protocol || !entries) continue;
    // Wowza repeats one URL for every rendition of a key (`webrtc`'s signalling URL): checked once.
    let checkedUrl: string | undefined;
    let usable = false;
    for (const entry of entries) {
      if (entry.url !== checkedUrl) {
        checkedUrl = entry.url;
        usable = directUrlUsable(protocol, entry.url, position);
        position += 1;
      }
      // A URL whose scheme is not its key's protocol (an rtmp:// under `rtsp`) stays in `raw` only.
      if (!usable) continue;
      endpoints.push(directEndpoint(protocol, entry));
    }
  }
  return endpoints;
}

// The direct playback URLs checked for the answer mapped last (by any provider of the process), in its
// order, and their verdicts. A stream read again (a poll, a wait) lists the same URLs in the same order, some
// 25 of them: the URL at the same place is then compared, which costs a fraction of checking it again
// (isEndpointUrl's pattern). Bounded: an answer's URLs past the first 64 are checked each time, and no URL is
// held past the next answer.
const rememberedUrls = 64;
const lastUrls: string[] = [];
const lastProtocols: PlaybackProtocol[] = [];
const lastUsable: boolean[] = [];

/** `isEndpointUrl(protocol, url)` for the `position`-th URL of an answer's direct playback URLs. */
function directUrlUsable(protocol: PlaybackProtocol, url: string, position: number): boolean {
  if (lastUrls[position] === url && lastProtocols[position] === protocol)
    return lastUsable[position] as boolean;
  const usable = isEndpointUrl(protocol, url);
  if (position < rememberedUrls) {
    // Filled in order: position is at most the length of the arrays here.
    lastUrls[position] = url;
    lastProtocols[position] = protocol;
    lastUsable[position] = usable;
  }
  return usable;
}

// Wowza's examples carry a zone (`…Z`), but its docs also show `2020-01-29 17:16:21`: zone-less means UTC.
function setDates(
  target: LiveStream,
  source: { created_at?: string | number | undefined; updated_at?: string | number | undefined },
): void {
  const createdAt = parseVendorTimestamp(source.created_at);
  if (createdAt) target.createdAt = createdAt;
  const updatedAt = parseVendorTimestamp(source.updated_at);
  if (updatedAt) target.updatedAt = updatedAt;
}

/**
 * Maps a full Wowza live stream object to the neutral {@link LiveStream}; `raw` is the object as received.
 * `recording` is absent when the answer has no `recording`; `warnings` says why `ingest` is empty or lacks
 * credentials ({@link wowzaVideoIngestWarnings}); `providerDetails['wowza-video']` carries the connection code,
 * stream source and stream targets ({@link WowzaVideoStreamDetails}).
 */
export function mapWowzaVideoLiveStream(stream: WowzaVideoLiveStreamInput, raw: unknown): LiveStream {
  const ingest = mapWowzaVideoIngest(stream);
  const warnings = wowzaVideoIngestWarnings(stream, ingest);
  const details = detailsOf(stream);
  const state = mapWowzaVideoState(stream.state);
  const playback = mapWowzaVideoPlayback(stream);
  // Fields set in the order a reader sees them, each only when present, rather than spread from temporary
  // objects (every `get` pays for this); `raw` is set last, so the cast only covers it.
  const mapped = (
    stream.name === undefined
      ? { id: stream.id, provider: 'wowza-video', state, ingest, playback }
      : { id: stream.id, provider: 'wowza-video', name: stream.name, state, ingest, playback }
  ) as LiveStream;
  if (stream.recording !== undefined) mapped.recording = stream.recording;
  setDates(mapped, stream);
  if (warnings.length > 0) mapped.warnings = warnings;
  if (details) mapped.providerDetails = { 'wowza-video': details };
  mapped.raw = raw;
  return mapped;
}

/**
 * Maps a list item, which carries only id, name, state and timestamps. Ingest and playback are empty and
 * `recording` is absent (unknown, not false) because Wowza does not send them in lists; a warning says so.
 */
export function mapWowzaVideoLiveStreamSummary(
  summary: WowzaVideoLiveStreamSummary,
  raw: unknown,
): LiveStream {
  const state = mapWowzaVideoState(summary.state);
  const ingest: IngestEndpoint[] = [];
  const playback: PlaybackEndpoint[] = [];
  // As in mapWowzaVideoLiveStream: fields in order, `raw` last.
  const mapped = (
    summary.name === undefined
      ? { id: summary.id, provider: 'wowza-video', state, ingest, playback }
      : { id: summary.id, provider: 'wowza-video', name: summary.name, state, ingest, playback }
  ) as LiveStream;
  setDates(mapped, summary);
  mapped.warnings = [
    {
      type: 'incomplete-answer',
      message:
        'listed without details: Wowza Video lists carry only id, name, state and timestamps, so ingest and playback are empty and recording is unknown; call get(id) or list with details: true',
    },
  ];
  mapped.raw = raw;
  return mapped;
}

/** Maps `GET /live_streams/{id}/state`. `ip_address` stays in `raw`; see the capabilities for why. */
export function mapWowzaVideoStatus(state: string | undefined, raw: unknown): LiveStreamStatus {
  return { state: mapWowzaVideoState(state), raw };
}

/**
 * Every credential a live stream object carries: stream keys, push passwords, connection codes, secrets, and
 * the password in the user information of any URL of `source_connection_information` (an encoder's server, a
 * pull source such as `rtsp://user:password@camera/…`). `raw` is the object as Wowza sent it: the reading
 * leaves out `backup_server` and `source_url`, which no mapping reads, yet a password in them is the
 * stream's as much as the push password is, and an error echoing it alone must not show it.
 */
export function wowzaVideoSecretsOf(
  stream: WowzaVideoLiveStreamInput,
  raw?: unknown,
): (string | undefined)[] {
  const info = stream.source_connection_information;
  // `?? undefined`: the adapter's own reading keeps a nested `null` as sent; the list is as before.
  const secrets: (string | undefined)[] = [
    info?.stream_name ?? undefined,
    info?.password ?? undefined,
    stream.connection_code,
    stream.security?.token_auth_shared_secret ?? undefined,
  ];
  if (info) {
    pushServerPassword(secrets, info.primary_server);
    pushUrlPassword(secrets, info.sdp_url);
  }
  const sent =
    typeof raw === 'object' && raw !== null ? ownField(raw, 'source_connection_information') : undefined;
  if (typeof sent === 'object' && sent !== null) {
    pushUrlPassword(secrets, ownField(sent, 'source_url'));
    pushServerPassword(secrets, ownField(sent, 'backup_server'));
  }
  return secrets;
}

// The password in a server's user information, read from the text as Wowza sent it (core's `urlPassword`
// reads one the URL parser places no host in, `rtmp:/user:pw@host`, or cannot parse, a space in the host)
// and, for one without `scheme://` (`user:password@host`), also as the mapping reads it: behind `rtmp://`
// (where `user:p:w@host` has the password `p:w`). Both are learned: a credential is better masked twice.
function pushServerPassword(secrets: (string | undefined)[], server: unknown): void {
  if (typeof server !== 'string' || !server.includes('@')) return;
  pushUrlPassword(secrets, server);
  if (!hasScheme(server)) pushUrlPassword(secrets, `rtmp://${server}`);
}

// A value as sent: an own field only (the answer is parsed JSON), and anything but a string is no URL.
function ownField(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function pushUrlPassword(secrets: (string | undefined)[], url: unknown): void {
  // Most answers carry no user information: `urlPassword` returns at once for a URL without `@`.
  if (typeof url !== 'string') return;
  const password = urlPassword(url);
  if (password !== undefined) secrets.push(password);
}
