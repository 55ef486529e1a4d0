import {
  lenientPicklist,
  optionalField,
  tolerantField,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// Tolerant schemas of what Wowza Video API v2.0 sends under /real_time (OpenAPI `real_time_stream`,
// `index_real_time_stream`, `Error4xx`). Extra fields are kept; unknown enum values fall back instead of
// failing a whole response; only what the adapter reads is required.

/**
 * Every state value any source shows for a real-time stream. The v2.0 object and `/state` schemas say
 * `started | stopped | disabled`; the v2.0 list schema says `active | archived | disabled | stopped`; the
 * v1.x examples and the tutorial show `active`. Anything else parses as `'other'`.
 */
export const wowzaRealtimeStates = ['started', 'active', 'stopped', 'disabled', 'archived'] as const;

/** A real-time stream state as the adapter reads it. */
export type WowzaRealtimeState = (typeof wowzaRealtimeStates)[number] | 'other';

const stateSchema = /* @__PURE__ */ (() => lenientPicklist(wowzaRealtimeStates, 'other'))();

const hostedPageSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    url: optionalField(v.string()),
    title: optionalField(v.string()),
    description: optionalField(v.string()),
    logo_image_url: optionalField(v.string()),
    sharing_icons: optionalField(v.boolean()),
  }))();

/** The full real-time stream object (create, fetch and update answers). */
export const wowzaRealtimeStreamSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: vendorStreamId,
    name: v.string(),
    /** Generated 32-hex name the SDK, OBS and the RTMP key use. */
    stream_name: v.string(),
    /** The publish token. A credential. */
    token: v.string(),
    /** The viewer token, present when secure viewing is on. A credential. */
    subscribe_token: optionalField(v.string()),
    /** RTMP ingest URL with the publish token in its query. A credential. */
    rtmp_url: optionalField(v.string()),
    enable_secure_viewer: optionalField(v.boolean()),
    // Dates are read later; a number (an epoch) or any other type never fails the stream.
    expires_on: vendorTimestampField,
    // An object without a state (none of the sources shows one) reads as 'other' and maps to 'unknown'.
    state: v.optional(stateSchema, 'other'),
    region: optionalField(v.string()),
    recording: optionalField(v.boolean()),
    disable_vod_encoder: optionalField(v.boolean()),
    reference_id: optionalField(v.string()),
    description: optionalField(v.string()),
    enable_player_and_hosted_page: optionalField(v.boolean()),
    player_id: optionalField(v.string()),
    embed_code: optionalField(v.string()),
    hosted_page: optionalField(hostedPageSchema),
    created_at: vendorTimestampField,
    updated_at: vendorTimestampField,
  }))();

/** The full real-time stream object. */
export type WowzaRealtimeStream = v.InferOutput<typeof wowzaRealtimeStreamSchema>;

/** `{ "real_time_stream": {...} }`: create, fetch and update. */
export const wowzaRealtimeStreamEnvelopeSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    real_time_stream: wowzaRealtimeStreamSchema,
  }))();

// The stream answer as every read maps it: the same fields, checked alike (the same issues at the same
// paths), but neither extra keys copied into the reading nor nulls rewritten to `undefined` one pipe step at
// a time; the mapping reads `null` as absent itself, and `raw` is the answer as sent. The exported
// `WowzaRealtimeStream` stays the tolerant schema's type.
const hostedPageReadSchema = /* @__PURE__ */ (() =>
  v.object({
    url: v.nullish(v.string()),
    title: v.nullish(v.string()),
    description: v.nullish(v.string()),
    logo_image_url: v.nullish(v.string()),
    sharing_icons: v.nullish(v.boolean()),
  }))();

/** {@link wowzaRealtimeStreamSchema}'s fields as the mapping reads them, `null` where the vendor sent it. */
export const wowzaRealtimeStreamReadSchema = /* @__PURE__ */ (() =>
  v.object({
    id: vendorStreamId,
    name: v.string(),
    stream_name: v.string(),
    token: v.string(),
    subscribe_token: v.nullish(v.string()),
    rtmp_url: v.nullish(v.string()),
    enable_secure_viewer: v.nullish(v.boolean()),
    expires_on: vendorTimestampField,
    state: v.optional(stateSchema, 'other'),
    region: v.nullish(v.string()),
    recording: v.nullish(v.boolean()),
    disable_vod_encoder: v.nullish(v.boolean()),
    reference_id: v.nullish(v.string()),
    description: v.nullish(v.string()),
    enable_player_and_hosted_page: v.nullish(v.boolean()),
    player_id: v.nullish(v.string()),
    embed_code: v.nullish(v.string()),
    hosted_page: v.nullish(hostedPageReadSchema),
    created_at: vendorTimestampField,
    updated_at: vendorTimestampField,
  }))();

/** A stream answer as the mapping reads it: {@link WowzaRealtimeStream}'s fields, any of them `null`. */
export type WowzaRealtimeStreamReading = v.InferOutput<typeof wowzaRealtimeStreamReadSchema>;

/** `{ "real_time_stream": {...} }` as every read maps it (see {@link wowzaRealtimeStreamReadSchema}). */
export const wowzaRealtimeStreamEnvelopeReadSchema = /* @__PURE__ */ (() =>
  v.object({
    real_time_stream: wowzaRealtimeStreamReadSchema,
  }))();

/** A stream answer's envelope as every read maps it. */
export type WowzaRealtimeStreamEnvelopeReading = v.InferOutput<typeof wowzaRealtimeStreamEnvelopeReadSchema>;

/** One item of the list: limited details only (OpenAPI `index_real_time_stream`). */
export const wowzaRealtimeListItemSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: vendorStreamId,
    name: optionalField(v.string()),
    state: v.optional(stateSchema, 'other'),
    created_at: vendorTimestampField,
    updated_at: vendorTimestampField,
  }))();

// The list schemas do not declare `pagination`; the paginated-results guide shows it beside the records. A
// number sent as a string (`"2"`) reads as that number; anything that is no count reads as absent.
const paginationSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    page: vendorCountField,
    per_page: vendorCountField,
    total_pages: vendorCountField,
    total_records: vendorCountField,
  }))();

/** `{ "real_time_streams": [...], "pagination"?: {...} }` */
export const wowzaRealtimeListSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    real_time_streams: v.array(wowzaRealtimeListItemSchema),
    pagination: optionalField(paginationSchema),
  }))();

/**
 * A list page as the walk reads it: the records stay unread (each is read with
 * {@link wowzaRealtimeListItemSchema} on its own, so one unusable record does not fail the page).
 */
export const wowzaRealtimeListPageSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    real_time_streams: v.array(v.unknown()),
    pagination: optionalField(paginationSchema),
  }))();

/** `GET /real_time/{id}/state`: note the envelope key is `real_time`, not `real_time_stream`. */
export const wowzaRealtimeStateSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    real_time: v.looseObject({ state: v.optional(stateSchema, 'other') }),
  }))();

/** `PUT /real_time/{id}/stop`: `{ "real_time_stream": { "state": "stopped" } }`. */
export const wowzaRealtimeStopSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    real_time_stream: v.looseObject({ state: v.optional(stateSchema, 'other') }),
  }))();

/**
 * The error envelope every documented Wowza error uses (OpenAPI `Error401`…`Error423`). Each field is read
 * on its own: one of another type than documented (a `description` sent as a list, a `status` as text) is
 * read as absent, so the code and message beside it are still kept.
 */
export const wowzaRealtimeErrorSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    meta: v.looseObject({
      status: tolerantField(v.number()),
      code: tolerantField(v.string()),
      title: tolerantField(v.string()),
      message: tolerantField(v.string()),
      description: tolerantField(v.string()),
    }),
  }))();
