import {
  lenientPicklist,
  optionalField,
  readInPlace,
  tolerantField,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// Enums of the Wowza Video REST API v2.0, copied from Wowza's OpenAPI description
// (wowza-video-v2.0.openapi.yml, components.schemas.live_stream_create_input and broadcast_location).

/** Every `broadcast_location` v2.0 accepts (OpenAPI `components.schemas.broadcast_location`, 15 values). */
export const wowzaVideoBroadcastLocations = [
  'asia_pacific_australia',
  'asia_pacific_india',
  'asia_pacific_japan',
  'asia_pacific_singapore',
  'asia_pacific_s_korea',
  'asia_pacific_taiwan',
  'eu_belgium',
  'eu_germany',
  'eu_ireland',
  'south_america_brazil',
  'us_central_iowa',
  'us_east_s_carolina',
  'us_east_virginia',
  'us_west_california',
  'us_west_oregon',
] as const;

/** A Wowza Video broadcast location (the region a stream's transcoder runs in). */
export type WowzaVideoBroadcastLocation = (typeof wowzaVideoBroadcastLocations)[number];

/** Every `encoder` v2.0 accepts (24 values). */
export const wowzaVideoEncoders = [
  'wowza_clearcaster',
  'wowza_gocoder',
  'wowza_streaming_engine',
  'media_ds',
  'axis',
  'epiphan',
  'file',
  'hauppauge',
  'jvc',
  'live_u',
  'matrox',
  'newtek_tricaster',
  'osprey',
  'sony',
  'telestream_wirecast',
  'teradek_cube',
  'vmix',
  'x_split',
  'ipcamera',
  'other_rtmp',
  'other_rtsp',
  'other_webrtc',
  'other_udp',
  'other_srt',
] as const;

/** A Wowza Video encoder (video source) type. */
export type WowzaVideoEncoder = (typeof wowzaVideoEncoders)[number];

/** Live stream states of v2.0 (object, list items, start/stop/reset/state responses). */
export const wowzaVideoStates = ['starting', 'stopping', 'started', 'stopped', 'resetting'] as const;

/** A Wowza Video live stream state, or `'unknown'` for a value this version does not know. */
export type WowzaVideoState = (typeof wowzaVideoStates)[number] | 'unknown';

export const wowzaVideoBillingModes = ['pay_as_you_go', 'twentyfour_seven'] as const;
export const wowzaVideoTranscoderTypes = ['transcoded', 'passthrough'] as const;
export const wowzaVideoDeliveryMethods = ['pull', 'cdn', 'push'] as const;
export const wowzaVideoClosedCaptionTypes = ['none', 'cea', 'on_text', 'both'] as const;
export const wowzaVideoCornerPositions = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export const wowzaVideoGeoblockModes = ['allow', 'deny', 'disabled'] as const;
export const wowzaVideoTargetDeliveryProtocols = ['hls-https'] as const;
/**
 * Direct playback protocols the options accept. The OpenAPI description leaves the items untyped and names
 * these four only as the defaults ("By default, rtmp, rtsp, webrtc, and wowz are enabled"): accepting only
 * them is unilive's choice, not a rule Wowza documents. Whether Wowza accepts other values is unverified.
 */
export const wowzaVideoDeliveryProtocols = ['rtmp', 'rtsp', 'webrtc', 'wowz'] as const;

const state = /* @__PURE__ */ (() => lenientPicklist(wowzaVideoStates, 'unknown'))();
const text = /* @__PURE__ */ (() => optionalField(v.string()))();
const flag = /* @__PURE__ */ (() => optionalField(v.boolean()))();
// host_port is an integer in every example (and the transcoder's `source_port`, its v2.0 twin, is typed
// `integer`); digits sent as text are read as that number. Anything else (`1935.5`, `"1935/app"`) is a wrong
// type, refused like any other field the mapping reads, never written into a URL: by `integerPort` below,
// beside the object's reading (an object read in place takes no pipe on its fields).
const portValue = /* @__PURE__ */ (() => v.union([v.number(), v.string()]))();
const port = /* @__PURE__ */ (() => optionalField(portValue))();

const digits = /^[0-9]*$/;
const isPort = (value: unknown) =>
  value === undefined ||
  value === null ||
  (typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && digits.test(value));

/**
 * The check of `source_connection_information.host_port` beyond its type: an integer, or digits as text (empty
 * reads as absent). One issue at `host_port`, expecting an integer, for the published schema and the adapter's
 * reading alike; it reads what the object's schema gives, and changes nothing.
 */
function integerPort<TInput extends { host_port?: string | number | null | undefined }>() {
  return v.forward<TInput, v.CheckIssue<TInput>, ['host_port']>(
    { ...v.check<TInput>((info) => isPort(info.host_port)), expects: 'an integer (a port)' },
    ['host_port'] as never,
  );
}

// The fields of `source_connection_information`, shared by the published schema and the adapter's reading.
const sourceConnectionEntries = {
  sdp_url: text,
  application_name: text,
  application: text,
  stream_name: text,
  primary_server: text,
  backup_server: text,
  host_port: port,
  username: text,
  password: text,
  disable_authentication: flag,
  source_url: text,
};

/**
 * `source_connection_information`: untyped in every Wowza spec. Known shapes: WebRTC (`sdp_url`,
 * `application_name`, `stream_name`; quick start, API v2.0), RTMP/RTSP push (`primary_server`, `host_port`,
 * `application`, `stream_name`, `username`, `password`, `disable_authentication`; v1 examples and client
 * code) and pull (`source_url`).
 */
export const wowzaVideoSourceConnectionSchema = /* @__PURE__ */ (() => {
  const object = v.looseObject(sourceConnectionEntries);
  return v.pipe(object, integerPort<v.InferOutput<typeof object>>());
})();

/** One entry of `direct_playback_urls.<protocol>`. */
export const wowzaVideoDirectPlaybackUrlSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    name: text,
    output_id: text,
    url: v.string(),
    application_name: text,
    stream_name: text,
  }))();

// The same entry as the adapter reads it, some 30 times per stream: the fields it maps (not `output_id`), each
// a string, null or absent, as `text` accepts, with `null` left as it is (the mapping reads these fields by
// truthiness, so `null` and absent read alike) rather than piped through a transform to `undefined` for every
// field of every entry.
const nullableText = /* @__PURE__ */ (() => v.nullish(v.string()))();
const directPlaybackUrlReading = /* @__PURE__ */ (() =>
  v.object({
    name: nullableText,
    url: v.string(),
    application_name: nullableText,
    stream_name: nullableText,
  }))();

// The nested objects as the adapter reads them: each field a string (a boolean, a port) or null or absent,
// `null` left as it is for the mapping to read as absent, so that each object is read in place
// ({@link readInPlace}) rather than copied by valibot field by field.
const nullableFlag = /* @__PURE__ */ (() => v.nullish(v.boolean()))();
const nullablePort = /* @__PURE__ */ (() => v.nullish(portValue))();

// The adapter's reading of `source_connection_information` with the port check of the published schema. Typed
// as the schema it is given: the check changes nothing, so the output is that schema's.
function withIntegerPort<TSchema extends v.GenericSchema<unknown, object>>(schema: TSchema): TSchema {
  return v.pipe(
    schema as v.GenericSchema<unknown, { host_port?: string | number | null | undefined }>,
    integerPort(),
  ) as unknown as TSchema;
}

const streamTargetEntries = { id: text };
const hostedPageEntries = { enabled: flag, url: text, title: text, description: text };

/**
 * A live stream as GET, POST and PATCH return it (OpenAPI `components.schemas.live_stream`). Tolerant:
 * extra fields are kept, unknown enum values become `'unknown'`, `null` reads as absent.
 */
export const wowzaVideoLiveStreamSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: vendorStreamId,
    name: text,
    state: v.optional(state, 'unknown'),
    encoder: text,
    broadcast_location: text,
    delivery_method: text,
    use_stream_source: flag,
    recording: flag,
    // Dates are read later; a number (an epoch) or any other type never fails the stream.
    created_at: vendorTimestampField,
    updated_at: vendorTimestampField,
    source_connection_information: optionalField(wowzaVideoSourceConnectionSchema),
    connection_code: text,
    connection_code_expires_at: vendorTimestampField,
    stream_source_id: text,
    // `[{id}]`: the auto-created primary (Wowza CDN) target and any others. An entry without an id is kept in
    // `raw` only.
    stream_targets: optionalField(v.array(v.looseObject(streamTargetEntries))),
    hls_playback_url: text,
    // v1.9 sent `hosted_page: true` with flat `hosted_page_*` fields; v2.0 nests them in an object.
    hosted_page: optionalField(v.union([v.looseObject(hostedPageEntries), v.boolean()])),
    embed_code: text,
    direct_playback_urls: optionalField(
      v.record(v.string(), optionalField(v.array(wowzaVideoDirectPlaybackUrlSchema))),
    ),
    security: optionalField(v.looseObject({ token_auth_shared_secret: text })),
  }))();

/** A vendor live stream object, as read. */
export type WowzaVideoLiveStream = v.InferOutput<typeof wowzaVideoLiveStreamSchema>;

/** `{ "live_stream": {...} }`: the envelope of every single-stream response. */
export const wowzaVideoLiveStreamEnvelope = /* @__PURE__ */ (() =>
  v.looseObject({ live_stream: wowzaVideoLiveStreamSchema }))();

// The published schema's fields less those no mapping reads (checked there, kept in `raw` here).
const mappedStreamEntries = /* @__PURE__ */ (() => {
  const { broadcast_location: _broadcastLocation, ...entries } = wowzaVideoLiveStreamSchema.entries;
  return entries;
})();
const mappedSourceConnectionEntries = /* @__PURE__ */ (() => {
  const { backup_server: _backupServer, source_url: _sourceUrl, ...entries } = sourceConnectionEntries;
  return entries;
})();

/**
 * The adapter's own reading of a single-stream response: the fields it maps, read by the schemas above, into
 * objects without any other field (`object` where the schema above has `looseObject`, at every level but one, below). `raw`
 * keeps the answer as sent, so copying Wowza's other fields (a dozen on every stream, a few on each nested
 * object) into the reading, or checking those no mapping reads (`broadcast_location`,
 * `source_connection_information.backup_server` and `source_url`, `hosted_page.title` and `description`, each
 * playback entry's `output_id`), would cost every call for nothing: an answer is refused for a field the
 * adapter maps, never for one it only passes on in `raw`. The nested objects (`source_connection_information`,
 * `stream_targets`, `hosted_page`, `security` and `direct_playback_urls`, some 30 entries a stream) are checked
 * in place ({@link readInPlace}): when one fits, the reading holds the answer's own object, its lists and
 * entries (their other fields still on them, `null` kept as sent; see {@link WowzaVideoLiveStreamRead}),
 * rather than valibot's copy of each.
 */
export const wowzaVideoLiveStreamReading = /* @__PURE__ */ (() =>
  v.object({
    live_stream: v.object({
      ...mappedStreamEntries,
      // The nested objects read in place: each as sent, not copied, with `null` fields kept as `null`.
      source_connection_information: optionalField(
        withIntegerPort(
          readInPlace(
            v.object({
              sdp_url: nullableText,
              application_name: nullableText,
              application: nullableText,
              stream_name: nullableText,
              primary_server: nullableText,
              host_port: nullablePort,
              username: nullableText,
              password: nullableText,
              disable_authentication: nullableFlag,
            } satisfies Record<keyof typeof mappedSourceConnectionEntries, v.GenericSchema>),
          ),
        ),
      ),
      stream_targets: optionalField(readInPlace(v.array(v.object({ id: nullableText })))),
      hosted_page: optionalField(
        readInPlace(v.union([v.object({ enabled: nullableFlag, url: nullableText }), v.boolean()])),
      ),
      // Each entry as sent, with `null` lists kept as `null`.
      direct_playback_urls: optionalField(
        readInPlace(v.record(v.string(), v.nullish(v.array(directPlaybackUrlReading)))),
      ),
      security: optionalField(readInPlace(v.object({ token_auth_shared_secret: nullableText }))),
    }),
  }))();

/**
 * A live stream as the adapter reads it ({@link wowzaVideoLiveStreamReading}); the mapping takes this or a
 * {@link WowzaVideoLiveStream}. A field of a nested object (`source_connection_information`, `stream_targets`,
 * `hosted_page`, `security`, a playback entry) and a protocol's list in `direct_playback_urls` may be `null`,
 * as sent; the mapping reads it as absent.
 */
export type WowzaVideoLiveStreamRead = v.InferOutput<typeof wowzaVideoLiveStreamReading>['live_stream'];

/** A list item (`index_live_stream`): id, name, state and timestamps only. */
export const wowzaVideoLiveStreamSummarySchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: vendorStreamId,
    name: text,
    state: v.optional(state, 'unknown'),
    created_at: vendorTimestampField,
    updated_at: vendorTimestampField,
  }))();

/** A vendor list item, as read. */
export type WowzaVideoLiveStreamSummary = v.InferOutput<typeof wowzaVideoLiveStreamSummarySchema>;

/**
 * The `pagination` object sent beside paged lists (Wowza's "Get paginated query results" guide). Absent from
 * the OpenAPI list schema, so optional. A number sent as a string (`"page": "2"`) reads as that number; a
 * value that is no count at all reads as absent, so the walk relies on what else the page tells.
 */
export const wowzaVideoPaginationSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    page: vendorCountField,
    per_page: vendorCountField,
    total_pages: vendorCountField,
    total_records: vendorCountField,
  }))();

/** `{ "live_streams": [...], "pagination"?: {...} }` */
export const wowzaVideoLiveStreamListEnvelope = /* @__PURE__ */ (() =>
  v.looseObject({
    live_streams: v.array(wowzaVideoLiveStreamSummarySchema),
    pagination: optionalField(wowzaVideoPaginationSchema),
  }))();

/**
 * A list page as the walk reads it: the records stay unread (each is read with
 * {@link wowzaVideoLiveStreamSummarySchema} on its own, so one unusable record does not fail the page).
 */
export const wowzaVideoLiveStreamListPage = /* @__PURE__ */ (() =>
  v.looseObject({
    live_streams: v.array(v.unknown()),
    pagination: optionalField(wowzaVideoPaginationSchema),
  }))();

/**
 * Start, stop, reset and state answer `{ "live_stream": { "state": ... } }`; the state call adds
 * `ip_address` (`0.0.0.0` unless the stream is started).
 */
export const wowzaVideoStateEnvelope = /* @__PURE__ */ (() =>
  v.looseObject({
    live_stream: v.looseObject({ state: state, ip_address: text }),
  }))();

/** `PUT /live_streams/{id}/regenerate_connection_code` */
export const wowzaVideoConnectionCodeEnvelope = /* @__PURE__ */ (() =>
  v.looseObject({
    live_stream: v.looseObject({ connection_code: v.string() }),
  }))();

/** `GET /live_streams/{id}/thumbnail_url` */
export const wowzaVideoThumbnailEnvelope = /* @__PURE__ */ (() =>
  v.looseObject({
    live_stream: v.looseObject({ thumbnail_url: text }),
  }))();

/**
 * The `meta` error body of every documented error (`Error401`, `Error403`, … in the OpenAPI description).
 * Each field is read on its own: one of another type than documented (a `description` sent as a list, a
 * `status` as text) is read as absent, so the code and message beside it are still kept.
 */
export const wowzaVideoErrorSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    meta: v.looseObject({
      status: tolerantField(v.number()),
      code: tolerantField(v.string()),
      title: tolerantField(v.string()),
      message: tolerantField(v.string()),
      description: tolerantField(v.string()),
    }),
  }))();
