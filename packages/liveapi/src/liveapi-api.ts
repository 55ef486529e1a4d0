import {
  isEndpointUrl,
  lenientPicklist,
  optionalField,
  safeParseOwn,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * `broadcasting_status` values LiveAPI is known to send: `online` (docs, getting-pull-urls page) and
 * `offline` (client code against api.liveapi.com). Anything else parses as `'unknown'`.
 */
export const liveApiBroadcastingStatuses = ['online', 'offline'] as const;

const broadcastingStatus = /* @__PURE__ */ (() =>
  optionalField(lenientPicklist(liveApiBroadcastingStatuses, 'unknown')))();

// The fields of a restream target and of a stream, shared by the published schemas and the adapter's reading.
// A restream target is a side of the stream, often added on LiveAPI's dashboard: a field of it of another
// type (a numeric `_id`, `enabled: "false"`) reads as absent, and an entry that is no object as a target
// with nothing known, so one odd platform never makes the stream itself unreadable (and an update that
// renamed it unable to read it back).
const platformEntries = /* @__PURE__ */ (() => ({
  _id: v.fallback(optionalField(v.string()), undefined),
  template: v.fallback(optionalField(v.string()), undefined),
  enabled: v.fallback(optionalField(v.boolean()), undefined),
  server: v.fallback(optionalField(v.string()), undefined),
  key: v.fallback(optionalField(v.string()), undefined),
  broadcasting_status: broadcastingStatus,
}))();

/** A restream target as LiveAPI lists it under `platforms` (send-livestream-to-3rd-party-platforms page). */
export const liveApiPlatformSchema = /* @__PURE__ */ (() =>
  v.fallback(v.looseObject(platformEntries), () => ({})))();

// The ingest endpoint is the stream's reason to exist: a server that is no rtmp:// URL, or no key, is a shape
// this adapter cannot use.
const ingestEntries = /* @__PURE__ */ (() => ({
  server: v.pipe(
    v.string(),
    v.check((server: string) => isEndpointUrl('rtmp', server), 'an rtmp:// URL'),
  ),
  key: v.pipe(v.string(), v.nonEmpty('a stream key')),
}))();
const playbackEntries = /* @__PURE__ */ (() => ({
  hls_url: optionalField(v.string()),
  embed_url: optionalField(v.string()),
  embed_audio_url: optionalField(v.string()),
}))();
const pullUrlEntries = /* @__PURE__ */ (() => ({
  rtmp: optionalField(v.string()),
  srt: optionalField(v.string()),
}))();

// A stream's own fields; the nested objects are added by each schema below, loose or not.
const streamEntries = /* @__PURE__ */ (() => ({
  _id: vendorStreamId,
  name: optionalField(v.string()),
  enabled: optionalField(v.boolean()),
  broadcasting_status: broadcastingStatus,
  // Read later; a number (an epoch) or any other type never fails the stream.
  creation_time: vendorTimestampField,
}))();

/**
 * The live-stream object of `POST /live_streams`, `GET /live_streams/{id}` and the `docs` of the list.
 * Strict only about what the adapter needs (`_id`, `ingest.server`, `ingest.key`); `name` appears in no
 * LiveAPI sample, `broadcasting_status` is missing from the create sample, `pull_urls` only exists while
 * the stream is online.
 */
export const liveApiStreamSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    _id: streamEntries._id,
    name: streamEntries.name,
    enabled: streamEntries.enabled,
    ingest: v.looseObject(ingestEntries),
    playback: optionalField(v.looseObject(playbackEntries)),
    // A `platforms` of another type says nothing of the targets: read as absent (unknown), not refused.
    platforms: v.fallback(optionalField(v.array(liveApiPlatformSchema)), undefined),
    broadcasting_status: streamEntries.broadcasting_status,
    pull_urls: optionalField(v.looseObject(pullUrlEntries)),
    creation_time: streamEntries.creation_time,
  }))();

// The reading's optional fields: the same checks, with `null` kept as sent (the mapping reads it as absent)
// rather than turned into `undefined` by a transform, one pipe step per field per read.
const nullableText = /* @__PURE__ */ (() => v.nullish(v.string()))();
const nullableFlag = /* @__PURE__ */ (() => v.nullish(v.boolean()))();
const nullableStatus = /* @__PURE__ */ (() =>
  v.nullish(lenientPicklist(liveApiBroadcastingStatuses, 'unknown')))();

/**
 * The adapter's own reading of a stream answer: every field of {@link liveApiStreamSchema}, checked alike
 * (the same issues at the same paths, so the same answers are refused), into objects that hold only those
 * fields (`object` where the published schema has `looseObject`, at every level), an optional field sent as
 * `null` kept as `null`. `raw` keeps the answer as sent, so copying LiveAPI's other fields (`settings`,
 * `user`, `organization`…) into the reading on every read would cost each one for nothing.
 */
export const liveApiStreamReading = /* @__PURE__ */ (() =>
  v.object({
    _id: streamEntries._id,
    name: nullableText,
    enabled: nullableFlag,
    ingest: v.object(ingestEntries),
    playback: v.nullish(
      v.object({ hls_url: nullableText, embed_url: nullableText, embed_audio_url: nullableText }),
    ),
    platforms: v.fallback(
      v.nullish(
        v.array(
          v.fallback(
            v.object({
              _id: v.fallback(nullableText, null),
              template: v.fallback(nullableText, null),
              enabled: v.fallback(nullableFlag, null),
              server: v.fallback(nullableText, null),
              key: v.fallback(nullableText, null),
              broadcasting_status: nullableStatus,
            }),
            () => ({
              _id: null,
              template: null,
              enabled: null,
              server: null,
              key: null,
              broadcasting_status: null,
            }),
          ),
        ),
      ),
      null,
    ),
    broadcasting_status: nullableStatus,
    pull_urls: v.nullish(v.object({ rtmp: nullableText, srt: nullableText })),
    creation_time: streamEntries.creation_time,
  }))();

/** A stream answer as the adapter reads it ({@link liveApiStreamReading}); the mapping takes this. */
export type LiveApiStreamReading = v.InferOutput<typeof liveApiStreamReading>;

/** A parsed live stream. */
export type LiveApiStreamData = v.InferOutput<typeof liveApiStreamSchema>;

/** A parsed live stream together with the vendor's object exactly as it arrived. */
export interface LiveApiStreamWithRaw {
  data: LiveApiStreamReading;
  raw: unknown;
}

/**
 * Parses with `schema` but also keeps the untouched input: the tolerant schema rewrites `null` and unknown
 * enum values, and `LiveStream.raw` must show what the vendor really sent. Issues keep their paths.
 */
function withRaw<T>(schema: v.GenericSchema<unknown, T>) {
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }): { data: T; raw: unknown } => {
      const result = safeParseOwn(schema, dataset.value);
      if (result.success) return { data: result.output, raw: dataset.value };
      for (const issue of result.issues) {
        addIssue({
          expected: issue.expected ?? issue.type,
          message: 'unexpected value',
          ...(issue.path ? { path: issue.path } : {}),
        });
      }
      return NEVER;
    }),
  );
}

/** One live stream, with its raw object. */
export const liveApiStreamResponseSchema = /* @__PURE__ */ (() => withRaw(liveApiStreamSchema))();

// mongoose-paginate (v1) echoes `page` as it was passed, so it can arrive as a string: core's count field
// reads it, as every adapter's list does; anything unusable reads as absent, which ends the walk after this
// page.
const pageNumber = vendorCountField;

/**
 * `GET /live_streams`: an object whose `docs` lists the streams (client code, and Castr's identical API).
 * `page` / `pages` are inferred from `GET /videos?page=N` and read when present. A bare array is accepted
 * too, since one client types the response that way.
 */
export const liveApiListResponseSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.unknown(),
    v.transform((body) => (Array.isArray(body) ? { docs: body } : body)),
    v.looseObject({
      docs: v.array(liveApiStreamResponseSchema),
      page: pageNumber,
      pages: pageNumber,
    }),
  ))();

/**
 * `GET /live_streams` as the walk reads it: the records stay unread (each is read with
 * {@link liveApiStreamResponseSchema} on its own, so one unusable record does not fail the page), and every
 * pagination field either mongoose-paginate version sends is read: v1 `{docs, total, limit, page, pages}`,
 * v2 `{docs, totalDocs, limit, page, totalPages, hasNextPage, nextPage}` (LiveAPI documents neither; its
 * `/videos` list uses the v1 names). A bare array is one unpaged page.
 */
export const liveApiListPageSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.unknown(),
    v.transform((body) => (Array.isArray(body) ? { docs: body } : body)),
    v.looseObject({
      docs: v.array(v.unknown()),
      page: pageNumber,
      pages: pageNumber,
      total: pageNumber,
      totalDocs: pageNumber,
      totalPages: pageNumber,
      limit: pageNumber,
      hasNextPage: v.fallback(v.optional(v.boolean()), undefined),
      nextPage: pageNumber,
    }),
  ))();

/** A parsed list page. */
export type LiveApiListResponse = v.InferOutput<typeof liveApiListResponseSchema>;
