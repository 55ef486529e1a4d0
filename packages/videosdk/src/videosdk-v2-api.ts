import { vendorCountField, vendorStreamId, vendorTimestampField } from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// As in v1, fields are read with `v.nullish` rather than transforming schemas. `raw` is not what these
// schemas give but the JSON as received (the HTTP layer's `body`): a parse orders keys as the schema lists
// them and drops keys such as `__proto__`. Sources are tagged as in the vendor research note:
// [V2-REPO] the v2 reference data files of videosdk-docs (2024), [V2-WEB25] the live pages (2025), [SDK] the
// vendor's server SDK 0.1.1.

/**
 * A room (`POST /v2/rooms`, `GET /v2/rooms/{roomId}`) [V2-REPO create-room.js, fetch-room.json][SDK `Room`]:
 * `roomId` (`xxxx-xxxx-xxxx`) is the id every other call takes, so it is the stream id; `id` is the
 * vendor's internal 24-hex record id.
 */
export const videosdkV2RoomSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    roomId: vendorStreamId,
    id: v.nullish(v.string()),
    customRoomId: v.nullish(v.string()),
    disabled: v.nullish(v.boolean()),
    userId: v.nullish(v.string()),
    // Read later; a number (an epoch) or any other type never fails the room.
    createdAt: vendorTimestampField,
    updatedAt: vendorTimestampField,
  }))();

/** A room, as parsed. */
export type VideosdkV2Room = v.InferOutput<typeof videosdkV2RoomSchema>;

// Page numbers are numbers in every example; a string of digits reads as its number, and anything else as
// absent (core's count field, as every adapter's list reads them).
const pageNumberSchema = vendorCountField;

/**
 * The v2 page envelope: `{ pageInfo: { currentPage, perPage, lastPage, total }, data }` [V2-REPO
 * fetch-all-room.json, fetch-all-rtmp.json]. Records are read one by one by the caller, so one odd record
 * does not fail the page.
 */
export const videosdkV2PageSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    pageInfo: v.nullish(
      v.looseObject({
        currentPage: v.nullish(pageNumberSchema),
        perPage: v.nullish(pageNumberSchema),
        lastPage: v.nullish(pageNumberSchema),
        total: v.nullish(pageNumberSchema),
      }),
    ),
    data: v.array(v.unknown()),
  }))();

/**
 * An HLS egress of a room: the answer of `POST /v2/hls/start`, and `data` of `GET /v2/hls/{roomId}/active`
 * [V2-REPO start-hls.js, fetch-active-hls.json][V2-WEB25][SDK `HlsStream`]. `playbackHlsUrl` is the HLS
 * with DVR, `livestreamUrl` the live-only HLS; `downstreamUrl` is the older, deprecated name of the first
 * (the 2024 reference shows it where the 2025 pages show `playbackHlsUrl`). `end` is `null` while it runs.
 */
export const videosdkV2HlsSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: v.nullish(v.string()),
    roomId: v.nullish(v.string()),
    sessionId: v.nullish(v.string()),
    start: v.nullish(v.string()),
    end: v.nullish(v.string()),
    playbackHlsUrl: v.nullish(v.string()),
    livestreamUrl: v.nullish(v.string()),
    downstreamUrl: v.nullish(v.string()),
  }))();

/** An HLS egress, as parsed. */
export type VideosdkV2Hls = v.InferOutput<typeof videosdkV2HlsSchema>;

/**
 * `GET /v2/hls/{roomId}/active`: `{ code: 200, data: { … } }` [V2-REPO fetch-active-hls.json][V2-WEB25];
 * 404 when no HLS runs [SDK `HlsResource.get`].
 */
export const videosdkV2ActiveHlsSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    code: v.nullish(v.union([v.number(), v.string()])),
    data: videosdkV2HlsSchema,
  }))();

/**
 * An RTMP-out record (`GET /v2/livestreams/`) [V2-REPO fetch-all-rtmp.json][SDK `Livestream`]: its
 * `outputs` echo the destinations' stream keys, which are credentials. No status field: `end: null` means
 * it runs.
 */
export const videosdkV2RtmpOutSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: v.nullish(v.string()),
    roomId: v.nullish(v.string()),
    sessionId: v.nullish(v.string()),
    // No output carries an id in the reference; one sent (`_id` as in v1, or `id`) is mapped as the target's.
    outputs: v.nullish(
      v.array(
        v.looseObject({
          url: v.string(),
          streamKey: v.string(),
          _id: v.nullish(v.string()),
          id: v.nullish(v.string()),
        }),
      ),
    ),
    start: v.nullish(v.string()),
    end: v.nullish(v.string()),
  }))();

/** An RTMP-out record, as parsed. */
export type VideosdkV2RtmpOut = v.InferOutput<typeof videosdkV2RtmpOutSchema>;

/**
 * The answer of an action call (`/v2/hls/end`, `/v2/livestreams/start|end`, `/v2/rooms/deactivate`): a bare
 * JSON string such as `"HLS ended successfully"` in the reference [V2-REPO stop-hls.json,
 * start-livestream.js], an object in other answers (the deactivated room; the SDK tolerates both). Either
 * is a success; nothing in it is needed.
 */
export const videosdkV2ActionAnswerSchema = /* @__PURE__ */ (() =>
  v.union([v.string(), v.looseObject({})]))();

/** The layout of a composed egress [V2-REPO start-hls.js, start-livestream.js]. */
export interface VideosdkV2Layout {
  type?: 'GRID' | 'SPOTLIGHT' | 'SIDEBAR';
  priority?: 'SPEAKER' | 'PIN';
  gridSize?: number;
}

/** `config` of `POST /v2/hls/start` [V2-REPO start-hls.js][V2-WEB25]. */
export interface VideosdkV2HlsConfig {
  layout?: VideosdkV2Layout;
  orientation?: 'landscape' | 'portrait';
  theme?: 'DARK' | 'LIGHT' | 'DEFAULT';
  mode?: 'video-and-audio' | 'audio';
  quality?: 'low' | 'med' | 'high';
  recording?: { enabled: boolean };
}

/** The body of `POST /v2/rooms` [V2-REPO create-room.js]. */
export interface VideosdkV2CreateRoomBody {
  customRoomId?: string;
  webhook?: { endPoint: string; events: string[] };
  autoCloseConfig?: { type: 'session-ends' | 'session-end-and-deactivate'; duration?: number | undefined };
}

/** The body of `POST /v2/hls/start`. */
export interface VideosdkV2HlsStartBody {
  roomId: string;
  config?: VideosdkV2HlsConfig;
}

/** The body of `POST /v2/livestreams/start` [V2-REPO start-livestream.js]. */
export interface VideosdkV2RtmpOutStartBody {
  roomId: string;
  outputs: { url: string; streamKey: string }[];
  config: { layout: VideosdkV2Layout; theme?: VideosdkV2HlsConfig['theme'] };
}
