import {
  type IngestEndpoint,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  type PlaybackEndpoint,
  parseVendorTimestamp,
  type SecretSet,
  urlPassword,
  urlSchemeAndHost,
  urlUsername,
  urlWithoutUserInfo,
  type Warning,
} from '@unilive/core';
import type { WowzaRealtimeState, WowzaRealtimeStreamReading } from './wowza-realtime-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * The one table from vendor state to neutral state. `started` (v2.0 object and `/state`) and `active`
 * (v2.0 list, v1.x objects, the tutorial) both mean the stream accepts a publisher now; `archived` (list
 * only) and `disabled` mean the vendor will not run it. Anything else is `unknown`.
 */
const stateTable: Record<WowzaRealtimeState, LiveStreamState> = {
  started: 'ready',
  active: 'ready',
  stopped: 'stopped',
  disabled: 'disabled',
  archived: 'disabled',
  other: 'unknown',
};

/** Maps a Real-Time state to the neutral state. */
export function mapWowzaRealtimeState(state: WowzaRealtimeState): LiveStreamState {
  return stateTable[state] ?? 'unknown';
}

/**
 * What Wowza's Real-Time SDK and its OBS build take instead of a URL: they find the server from the stream
 * name and a token (tutorial "Deliver real-time streams": `wowza.Director.getPublisher({ token, streamName })`,
 * `getSubscriber({ streamName, subscriberToken })`; OBS "Wowza WebRTC" with Stream Name and Publishing
 * Token). No WebRTC URL is documented, so these are no endpoint: see `docs/decisions/`.
 */
export interface WowzaRealtimeSdkCredentials {
  /** `stream_name`: the 32-hex name the SDK and OBS publish and play. */
  streamName: string;
  /** `token`: the publish token (SDK `getPublisher`, OBS "Publishing Token"). A credential. */
  publishToken: string;
  /** `subscribe_token`: what viewers present while secure viewing is on (SDK `getSubscriber`). A credential. */
  subscribeToken?: string;
  /**
   * `expires_on`: when the subscribe token stops working (Wowza: `YYYY-MM-DD HH:MM:SS` in UTC, or a date
   * alone for midnight UTC; any form core's `parseVendorTimestamp` reads, zone-less as UTC, milliseconds
   * kept). Absent when Wowza sends none or a value no date can be read from (it stays in `raw`).
   */
  subscribeTokenExpiresAt?: Date;
}

/**
 * What only Wowza Real-Time has, as `providerDetails['wowza-realtime']` of every stream; read it with
 * {@link wowzaRealtimeDetailsOf}.
 */
export interface WowzaRealtimeStreamDetails {
  /** For publishing and playing over WebRTC with Wowza's SDK or its OBS build. */
  sdk: WowzaRealtimeSdkCredentials;
}

/** The Wowza Real-Time details of a stream (`providerDetails['wowza-realtime']`), or undefined for another vendor's. */
export function wowzaRealtimeDetailsOf(stream: LiveStream): WowzaRealtimeStreamDetails | undefined {
  return stream.provider === 'wowza-realtime'
    ? (stream.providerDetails?.['wowza-realtime'] as WowzaRealtimeStreamDetails | undefined)
    : undefined;
}

/**
 * Reads `expires_on` as a date with core's one reader of vendor dates: Wowza's `YYYY-MM-DD HH:MM:SS` (with or
 * without ` UTC`), a date alone (midnight UTC), ISO 8601 with or without a zone (zone-less is UTC),
 * milliseconds kept, or an epoch sent as a number. Undefined otherwise (the value stays in `raw`).
 */
export function readWowzaRealtimeExpiresOn(value: unknown): Date | undefined {
  return parseVendorTimestamp(value);
}

/**
 * Splits the vendor's `rtmp_url` (`rtmp://host:1935/v2/pub/<stream_name>?token=<token>`) the way
 * encoders ask for it: server `rtmp://host:1935/v2/pub`, key `<stream_name>?token=<token>` (tutorial
 * S001: "Stream key is the stream_name value, such as <name>?token=<token>"). Undefined when the value is
 * not an RTMP URL with a key segment (the tutorial's placeholder template, say), or names no host as written
 * (a scheme without `//`: `rtmp:user:password@host/…`, `rtmp:/host/…`, `rtmp:///host/…`).
 *
 * Wowza documents no user information in `rtmp_url`. When one carries it (`rtmp://user:password@host/…`),
 * `server` is written without it, as an OBS "Server" field is, and `username` and `password` are what it
 * holds, percent-decoded, each when not empty: an encoder given the server and key then logs in as one given
 * the whole URL does. The password is a credential.
 */
export function splitRtmpUrl(
  rtmpUrl: string,
): { server: string; streamKey: string; username?: string; password?: string } | undefined {
  const parsed = urlSchemeAndHost(rtmpUrl);
  if (parsed === undefined) return undefined;
  if (parsed.protocol !== 'rtmp:' && parsed.protocol !== 'rtmps:') return undefined;
  // A URL the parser places no host in (its scheme written without `//`: `rtmp:user:pw@host/…`,
  // `rtmp:/host/…`, `rtmp:///host/…`) is none an encoder opens as written.
  if (parsed.host === '') return undefined;
  const queryStart = rtmpUrl.indexOf('?');
  const withoutQuery = queryStart === -1 ? rtmpUrl : rtmpUrl.slice(0, queryStart);
  const lastSlash = withoutQuery.lastIndexOf('/');
  const key = withoutQuery.slice(lastSlash + 1);
  const written = withoutQuery.slice(0, lastSlash);
  const server = urlWithoutUserInfo(written);
  if (key.length === 0) return undefined;
  // `server` opens the scheme and host the parser reads in `rtmp_url` (so that `server` + `/` + `streamKey`,
  // with `username` and `password`, opens what `rtmp_url` opens); read without a URL object when plain.
  const serverParsed = urlSchemeAndHost(server);
  if (serverParsed?.protocol !== parsed.protocol || serverParsed.host !== parsed.host) return undefined;
  const split: { server: string; streamKey: string; username?: string; password?: string } = {
    server,
    streamKey: rtmpUrl.slice(lastSlash + 1),
  };
  if (server !== written) {
    // Read as the URL parser reads them; only a URL with user information pays for a URL object.
    const username = urlUsername(rtmpUrl);
    if (username !== undefined) split.username = username;
    const password = urlPassword(rtmpUrl);
    if (password !== undefined) split.password = password;
  }
  return split;
}

/**
 * Registers every credential a full real-time stream object carries (publish token, subscribe token, RTMP
 * URL, its key and any password in it) with `secrets`, as the stream's own. Called by
 * {@link mapWowzaRealtimeStream}, and by the HTTP layer before an answer's `onResponse` event, also with
 * what the schema read of an answer it refused or that broke off (fields missing or of other types): the
 * credentials that arrived are learned, as values not tied to a stream when the record broke off before
 * its `id`.
 */
export function learnWowzaRealtimeSecrets(
  stream: WowzaRealtimeStreamReading,
  secrets: SecretSet,
  rtmpUrl: string | undefined = typeof stream.rtmp_url === 'string' ? stream.rtmp_url : undefined,
  rtmp: { streamKey: string } | undefined = rtmpUrl === undefined ? undefined : splitRtmpUrl(rtmpUrl),
): void {
  // A password in the RTMP URL's user information is a credential too, echoed alone or not.
  const values = [
    stream.token,
    stream.subscribe_token ?? undefined,
    rtmpUrl,
    rtmp?.streamKey,
    rtmpUrl === undefined ? undefined : urlPassword(rtmpUrl),
  ];
  if (typeof stream.id === 'string') secrets.learnStream(stream.id, ...values);
  else secrets.learn(...values);
}

/**
 * Maps the vendor's full real-time stream object to a {@link LiveStream}, and registers every credential
 * it carries (publish token, subscribe token, RTMP URL and key) with `secrets` first, so any error raised
 * later is scrubbed of them. `ingest` is the RTMP URL, `playback` the hosted page, and the SDK's stream
 * name and tokens are `providerDetails['wowza-realtime'].sdk`; a stream without `rtmp_url` carries an
 * `incomplete-answer` warning. `raw` is the object exactly as the vendor sent it (`stream` is its parsed
 * reading, where unknown states have been normalised; an optional field sent as `null` reads as absent,
 * whether the reading kept the `null` or made it `undefined`).
 */
export function mapWowzaRealtimeStream(
  stream: WowzaRealtimeStreamReading,
  raw: unknown,
  secrets: SecretSet,
  warnings: readonly Warning[] = noWarnings,
): LiveStream {
  const rtmpUrl = stream.rtmp_url ?? undefined;
  const subscribeToken = stream.subscribe_token ?? undefined;
  const rtmp = rtmpUrl === undefined ? undefined : splitRtmpUrl(rtmpUrl);
  learnWowzaRealtimeSecrets(stream, secrets, rtmpUrl, rtmp);

  // Only URLs a tool opens as-is are endpoints: the RTMP URL for encoders, the hosted page for viewers. WebRTC
  // goes through the SDK credentials below.
  const ingest: IngestEndpoint[] = [];
  if (rtmp && rtmpUrl !== undefined) {
    const endpoint: IngestEndpoint = {
      protocol: 'rtmp',
      url: rtmpUrl,
      server: rtmp.server,
      streamKey: rtmp.streamKey,
    };
    // User information in `rtmp_url` (undocumented): `url` keeps it as sent, `server` never carries it, and
    // these name it beside the server (see splitRtmpUrl).
    if (rtmp.username !== undefined) endpoint.username = rtmp.username;
    if (rtmp.password !== undefined) endpoint.password = rtmp.password;
    ingest.push(endpoint);
  }
  const playback: PlaybackEndpoint[] = [];
  const hostedPageUrl = stream.hosted_page?.url;
  if (typeof hostedPageUrl === 'string' && isEndpointUrl('embed', hostedPageUrl)) {
    playback.push({ protocol: 'embed', url: hostedPageUrl });
  }
  // Every read maps here: the optional fields are set one by one rather than spread from objects made and
  // dropped on each read (the same fields, in the same order).
  const sdk: WowzaRealtimeSdkCredentials = { streamName: stream.stream_name, publishToken: stream.token };
  if (subscribeToken !== undefined) sdk.subscribeToken = subscribeToken;
  const expiresAt = readWowzaRealtimeExpiresOn(stream.expires_on);
  if (expiresAt !== undefined) sdk.subscribeTokenExpiresAt = expiresAt;

  // `raw` last, as every adapter's stream has it.
  const mapped: Omit<LiveStream, 'raw'> & { raw?: unknown } = {
    id: stream.id,
    provider: 'wowza-realtime',
    name: stream.name,
    state: mapWowzaRealtimeState(stream.state),
    ingest,
    playback,
  };
  if (typeof stream.recording === 'boolean') mapped.recording = stream.recording;
  // The OpenAPI examples carry a zone; a zone-less value means UTC, never the host's zone.
  const createdAt = parseVendorTimestamp(stream.created_at);
  if (createdAt) mapped.createdAt = createdAt;
  const updatedAt = parseVendorTimestamp(stream.updated_at);
  if (updatedAt) mapped.updatedAt = updatedAt;
  // One array, and none at all when there is nothing to warn of.
  if (ingest.length === 0) {
    mapped.warnings = [
      ...warnings,
      {
        type: 'incomplete-answer',
        message:
          "no ingest endpoint: Wowza Real-Time's answer has no RTMP URL (rtmp_url); publish over WebRTC with Wowza's SDK or OBS build using providerDetails['wowza-realtime'].sdk (streamName, publishToken)",
      },
    ];
  } else if (warnings.length > 0) mapped.warnings = [...warnings];
  mapped.providerDetails = { 'wowza-realtime': { sdk } };
  mapped.raw = raw;
  return mapped as LiveStream;
}

const noWarnings: readonly Warning[] = /* @__PURE__ */ Object.freeze([]);
