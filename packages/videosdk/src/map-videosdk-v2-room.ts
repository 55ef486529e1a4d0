import {
  type IngestEndpoint,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  type PlaybackEndpoint,
  parseVendorTimestamp,
  type RestreamTarget,
  type SecretSet,
  urlPassword,
  type Warning,
} from '@unilive/core';
import type { VideosdkV2Hls, VideosdkV2Room, VideosdkV2RtmpOut } from './videosdk-v2-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/** Playback `rendition` of the live-only HLS (`livestreamUrl`), beside the default one with DVR. */
export const videosdkLiveOnlyRendition = 'live-only';

/**
 * The participant id in the WHIP URL. The vendor's server SDK makes one up per call (`whip-<uuid>`); a
 * fixed one keeps the URL the same on every read, so an encoder configured once keeps working, and a
 * second encoder on the same room is refused as the same participant rather than mixed in.
 */
export const videosdkWhipParticipantId = 'unilive-whip';

/**
 * A v2 stream's `raw`: the vendor's objects exactly as received (the parsed JSON, not the schema's output),
 * so nulls, unknown fields, key order and keys such as `__proto__` stay as the vendor sent them.
 */
export interface VideosdkV2Raw {
  /** The room: `GET /v2/rooms/{roomId}`, the create answer, or the item of a `GET /v2/rooms` page. */
  room: unknown;
  /** `data` of `GET /v2/hls/{roomId}/active`, or the `POST /v2/hls/start` answer; absent when none runs. */
  hls?: unknown;
  /** The running RTMP-out records of `GET /v2/livestreams`, each as received; absent when no HLS runs. */
  rtmpOuts?: readonly unknown[];
}

/** What one read of a v2 stream gathered. */
export interface VideosdkV2Reading {
  room: VideosdkV2Room;
  /** The running HLS egress; undefined when the vendor answered 404 (none). */
  hls?: VideosdkV2Hls | undefined;
  /** RTMP-outs still running (`end: null`). */
  rtmpOuts?: readonly VideosdkV2RtmpOut[] | undefined;
  /**
   * What the read could not settle (an RTMP-out read cut short: `incomplete-answer` on `restream`), carried
   * on the stream after the call's own warnings.
   */
  warnings?: readonly Warning[] | undefined;
  /**
   * The same answers as received, handed out as the stream's `raw` by reference (one object per read, built
   * by the reader in the order `room`, `hls`, `rtmpOuts`). Nothing mapped is read from it, so a caller
   * changing `raw` changes no mapped field.
   */
  raw: VideosdkV2Raw;
}

/** What the adapter adds to a reading: the WHIP endpoint and what it holds for the next start. */
export interface VideosdkV2MapContext {
  /** `{base}/v2/whip`, to which the room id is appended. */
  whipUrl: string;
  /** The WHIP bearer token (a credential). */
  ingestToken: string;
  /**
   * The recording flag this client sent (create, start) or holds for the next start (update); undefined
   * (unknown, so `recording` is absent) when no call of this client named it: no v2 answer reports it.
   */
  recording: boolean | undefined;
  /**
   * Restream targets held for the next start, shown while none run (`[]`: none); undefined when this client
   * holds nothing for the room (it neither created, updated with `restream`, nor started it), so while no
   * RTMP-out runs nothing tells the list and `restream` is absent.
   */
  heldRestream: readonly RestreamTarget[] | undefined;
  secrets: SecretSet;
  warnings?: readonly Warning[];
}

/**
 * The state table of v2, from the room and its active HLS egress (`GET /v2/hls/{roomId}/active`):
 *
 * | vendor | neutral |
 * | --- | --- |
 * | room `disabled: true` | `disabled` |
 * | no active HLS (404) | `stopped` |
 * | active, no playback URL yet (`hls-starting`) | `starting` |
 * | active with `playbackHlsUrl` (or `downstreamUrl`), `end: null` | `ready` |
 * | active with `end` set (`hls-stopping`) | `stopping` |
 */
export function videosdkV2State(
  reading: Pick<VideosdkV2Reading, 'hls'> & { room?: VideosdkV2Room | undefined },
): LiveStreamState {
  if (reading.room?.disabled === true) return 'disabled';
  const hls = reading.hls;
  if (!hls) return 'stopped';
  if (hls.end) return 'stopping';
  return playbackUrlOf(hls) ? 'ready' : 'starting';
}

/** Maps one reading of a room to the neutral model; `raw` is the reading's `raw`: `{ room, hls?, rtmpOuts? }` as received. */
export function mapVideosdkV2Stream(reading: VideosdkV2Reading, context: VideosdkV2MapContext): LiveStream {
  const { room, hls, rtmpOuts } = reading;
  const ingest = whipEndpoint(room.roomId, context);
  // Every `get` maps here: built field by field, without the spread objects and arrays a read would
  // otherwise allocate and drop (the fields in the same order).
  let restream: RestreamTarget[] | undefined;
  if (rtmpOuts) {
    for (const out of rtmpOuts) {
      for (const output of out.outputs ?? []) {
        const targetId = output._id ?? output.id;
        const target: RestreamTarget = { url: output.url, streamKey: output.streamKey };
        if (targetId) target.id = targetId;
        if (restream) restream.push(target);
        else restream = [target];
      }
    }
  }
  // Known, even when empty, from what runs (the RTMP-outs read) or what this client holds for the next
  // start: `[]` then, as on every adapter that knows its list. Absent only when neither tells.
  if (restream === undefined) {
    if (context.heldRestream !== undefined) restream = context.heldRestream.map((target) => ({ ...target }));
    else if (rtmpOuts !== undefined) restream = [];
  }
  // The vendor echoes destination keys in its RTMP-out records: they are credentials; so is a password in
  // the user information of a playback URL (core's urlPassword), as v1 holds its ingest URL's.
  const passwords = hls ? playbackPasswords(hls) : noKeys;
  context.secrets.holdStream(
    room.roomId,
    restream ? [...restream.map((target) => target.streamKey), ...passwords] : passwords,
  );
  // Core's one reader of vendor dates: a zone-less value is UTC, never the host's zone; a number an epoch.
  const createdAt = parseVendorTimestamp(room.createdAt);
  const updatedAt = parseVendorTimestamp(room.updatedAt);
  // `raw` last, as every adapter's stream has it.
  const stream: Omit<LiveStream, 'raw'> & { raw?: LiveStream['raw'] } = {
    id: room.roomId,
    provider: 'videosdk',
    state: videosdkV2State(reading),
    ingest: [ingest],
    playback: hls ? mapPlayback(hls) : [],
  };
  if (context.recording !== undefined) stream.recording = context.recording;
  if (restream) stream.restream = restream;
  if (createdAt) stream.createdAt = createdAt;
  if (updatedAt) stream.updatedAt = updatedAt;
  if (context.warnings && context.warnings.length > 0) stream.warnings = [...context.warnings];
  stream.raw = reading.raw;
  return stream as LiveStream;
}

const noKeys: readonly string[] = /* @__PURE__ */ Object.freeze([]);

/**
 * The WHIP ingest endpoint, built locally as the vendor's server SDK builds it (`whip.create`, no network
 * call): `{base}/v2/whip?roomId=…&participantId=…`, with the token as the bearer token. OBS 30+ takes the
 * URL as its WHIP "Server" and the token as its "Bearer Token" [client SDK guide "WHIP/WHEP for Interactive
 * Live Streaming": the token is the stream key].
 */
export function whipEndpoint(
  roomId: string,
  context: Pick<VideosdkV2MapContext, 'whipUrl' | 'ingestToken'>,
): IngestEndpoint {
  const whip = whipUrlOf(context.whipUrl, roomId);
  return {
    protocol: 'webrtc',
    url: whip,
    server: whip,
    streamKey: context.ingestToken,
    token: context.ingestToken,
  };
}

// Characters `URLSearchParams` writes as they are (application/x-www-form-urlencoded): a room id of only
// these (the vendor's `xxxx-xxxx-xxxx`) is appended as it is, with no URL object parsed per read.
const formSafe = /^[\w*.-]*$/;

// The last WHIP URL's parse: an adapter has one, and reads it on every `get`.
let lastWhip: { whipUrl: string; prefix: string | undefined } | undefined;

/** `{whipUrl}?roomId=…&participantId=…`, exactly as `URL.searchParams.set` writes it. */
function whipUrlOf(whipUrl: string, roomId: string): string {
  if (lastWhip?.whipUrl !== whipUrl) {
    const parsed = new URL(whipUrl);
    // With a query or a fragment already there, `searchParams` rewrites them: left to it.
    lastWhip = { whipUrl, prefix: /[?#]/.test(parsed.href) ? undefined : `${parsed.href}?roomId=` };
  }
  if (lastWhip.prefix !== undefined && formSafe.test(roomId))
    return `${lastWhip.prefix}${roomId}&participantId=${videosdkWhipParticipantId}`;
  const url = new URL(whipUrl);
  url.searchParams.set('roomId', roomId);
  url.searchParams.set('participantId', videosdkWhipParticipantId);
  return url.toString();
}

/** `playbackHlsUrl` (DVR), or the older `downstreamUrl`; then the live-only `livestreamUrl`. */
function mapPlayback(hls: VideosdkV2Hls): PlaybackEndpoint[] {
  const playback: PlaybackEndpoint[] = [];
  const main = playbackUrlOf(hls);
  if (main) playback.push({ protocol: 'hls', url: main });
  if (hls.livestreamUrl && isEndpointUrl('hls', hls.livestreamUrl) && hls.livestreamUrl !== main) {
    playback.push({ protocol: 'hls', url: hls.livestreamUrl, rendition: videosdkLiveOnlyRendition });
  }
  return playback;
}

/**
 * The passwords in the user information of an egress's playback URLs (`https://user:password@cdn/…`), each
 * a credential to register with the stream's secrets (core's `urlPassword`); none in the vendor's documented
 * URLs, so usually `[]`.
 */
export function playbackPasswords(hls: VideosdkV2Hls): readonly string[] {
  // Read on every `get`: no array is made for an egress whose URLs carry none (urlPassword reads a URL
  // without `@` without parsing it).
  const first = passwordOf(hls.playbackHlsUrl);
  const second = passwordOf(hls.downstreamUrl);
  const third = passwordOf(hls.livestreamUrl);
  if (first === undefined && second === undefined && third === undefined) return noKeys;
  return [first, second, third].filter((password): password is string => password !== undefined);
}

function passwordOf(url: string | null | undefined): string | undefined {
  return typeof url === 'string' ? urlPassword(url) : undefined;
}

function playbackUrlOf(hls: VideosdkV2Hls): string | undefined {
  // A URL that is no http(s) URL cannot be HLS: it stays in `raw` only.
  const { playbackHlsUrl, downstreamUrl } = hls;
  if (playbackHlsUrl && isEndpointUrl('hls', playbackHlsUrl)) return playbackHlsUrl;
  if (downstreamUrl && isEndpointUrl('hls', downstreamUrl)) return downstreamUrl;
  return undefined;
}
