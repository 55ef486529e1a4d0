import type {
  IngestEndpoint,
  LiveStream,
  LiveStreamState,
  PlaybackEndpoint,
  SecretSet,
  Warning,
} from '@unilive/core';
import type { WowzaRealtimeState, WowzaRealtimeStream } from './wowza-realtime-api.js';

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
 * The WebRTC endpoint URL. The vendor documents no signalling URL for Real-Time publishing or playback:
 * its SDK (`wowza.Director.getPublisher` / `getSubscriber`) and its OBS build find the server from the
 * stream name and token. So the URL is the opaque URI `webrtc:<stream_name>`, an identifier rather than
 * an address; `new URL(url).pathname` gives the stream name back.
 */
export function webRtcUri(streamName: string): string {
  return `webrtc:${encodeURIComponent(streamName)}`;
}

/**
 * Splits the vendor's `rtmp_url` (`rtmp://host:1935/v2/pub/<stream_name>?token=<token>`) the way
 * encoders ask for it: server `rtmp://host:1935/v2/pub`, key `<stream_name>?token=<token>` (tutorial
 * S001: "Stream key is the stream_name value, such as <name>?token=<token>"). Undefined when the value is
 * not an RTMP URL with a key segment (the tutorial's placeholder template, say).
 */
export function splitRtmpUrl(rtmpUrl: string): { server: string; streamKey: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(rtmpUrl);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'rtmp:' && parsed.protocol !== 'rtmps:') return undefined;
  const queryStart = rtmpUrl.indexOf('?');
  const withoutQuery = queryStart === -1 ? rtmpUrl : rtmpUrl.slice(0, queryStart);
  const lastSlash = withoutQuery.lastIndexOf('/');
  const key = withoutQuery.slice(lastSlash + 1);
  const server = withoutQuery.slice(0, lastSlash);
  if (key.length === 0 || server.length <= `${parsed.protocol}//`.length || !server.includes(parsed.host)) {
    return undefined;
  }
  return { server, streamKey: rtmpUrl.slice(lastSlash + 1) };
}

/**
 * Maps the vendor's full real-time stream object to a {@link LiveStream}, and registers every credential
 * it carries (publish token, subscribe token, RTMP URL and key) with `secrets` first, so any error raised
 * later is scrubbed of them. `raw` is the object exactly as the vendor sent it (`stream` is its parsed
 * reading, where unknown states and nulls have been normalised).
 */
export function mapWowzaRealtimeStream(
  stream: WowzaRealtimeStream,
  raw: unknown,
  secrets: SecretSet,
  warnings: readonly Warning[] = [],
): LiveStream {
  const rtmp = stream.rtmp_url === undefined ? undefined : splitRtmpUrl(stream.rtmp_url);
  secrets.learn(stream.token, stream.subscribe_token, stream.rtmp_url, rtmp?.streamKey);

  const ingest: IngestEndpoint[] = [
    {
      protocol: 'webrtc',
      url: webRtcUri(stream.stream_name),
      streamName: stream.stream_name,
      token: stream.token,
    },
  ];
  if (rtmp && stream.rtmp_url !== undefined) {
    ingest.push({ protocol: 'rtmp', url: stream.rtmp_url, server: rtmp.server, streamKey: rtmp.streamKey });
  }

  const playback: PlaybackEndpoint[] = [
    {
      protocol: 'webrtc',
      url: webRtcUri(stream.stream_name),
      ...(stream.subscribe_token === undefined ? {} : { token: stream.subscribe_token }),
    },
  ];
  const hostedPageUrl = stream.hosted_page?.url;
  if (hostedPageUrl !== undefined && isHttpUrl(hostedPageUrl)) {
    playback.push({ protocol: 'embed', url: hostedPageUrl });
  }

  const createdAt = toDate(stream.created_at);
  const updatedAt = toDate(stream.updated_at);
  return {
    id: stream.id,
    provider: 'wowza-realtime',
    name: stream.name,
    state: mapWowzaRealtimeState(stream.state),
    ingest,
    playback,
    recording: stream.recording ?? false,
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(warnings.length > 0 ? { warnings: [...warnings] } : {}),
    raw,
  };
}

function toDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
