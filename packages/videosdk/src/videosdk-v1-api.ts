import { vendorCountField, vendorStreamId, vendorTimestampField } from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// What these schemas output is read for the mapped fields only: a stream's `raw` is the vendor's object as
// received (the parsed JSON), never their output, which orders keys as listed here and drops `__proto__`.

/**
 * A restream target as v1 returns it. The schema table names its id `id`; every JSON example uses the
 * MongoDB-style `_id` [v1 guide]; both are accepted, and mapped to `RestreamTarget.id`.
 */
export const videosdkV1RestreamTargetSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    _id: v.nullish(v.string()),
    id: v.nullish(v.string()),
    url: v.string(),
    streamKey: v.string(),
  }))();

/**
 * A v1 live stream (`/v1/livestreams`). Shapes differ by date: the 2021 v1 reference (its create page at
 * commit `c572fc7e`) has no `streamUrl` and uses `live.zujonow.com` media hosts; from 2022-01-28 `streamUrl`
 * appears and hosts are `live.videosdk.live`.
 * `upstreamUrl` is in every version, so it is the one ingest field required. No status field exists.
 */
export const videosdkV1LiveStreamSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    id: vendorStreamId,
    name: v.nullish(v.string()),
    record: v.nullish(v.boolean()),
    streamKey: v.nullish(v.string()),
    /** RTMP server URL without the key, with a trailing slash; 2022 and later only. */
    streamUrl: v.nullish(v.string()),
    upstreamUrl: v.pipe(v.string(), v.regex(/^rtmps?:\/\/[^/\s]+\/\S*$/i, 'an rtmp:// URL')),
    downstreamUrl: v.nullish(v.string()),
    recordingUrl: v.nullish(v.string()),
    restream: v.nullish(v.array(videosdkV1RestreamTargetSchema)),
    userId: v.nullish(v.string()),
    user: v.nullish(v.looseObject({ id: v.nullish(v.string()), name: v.nullish(v.string()) })),
    // Read later; a number (an epoch) or any other type never fails the stream.
    createdAt: vendorTimestampField,
    updatedAt: vendorTimestampField,
  }))();

/** A v1 live stream, as parsed. */
export type VideosdkV1LiveStream = v.InferOutput<typeof videosdkV1LiveStreamSchema>;

// Page numbers are numbers in every example; a string of digits reads as its number, and anything else as
// absent (core's count field, as every adapter's list reads them).
const pageNumberSchema = vendorCountField;

// `pageInfo` of a page, the same whether the records are read with the page or one by one.
const pageInfoSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    currentPage: pageNumberSchema,
    perPage: v.nullish(pageNumberSchema),
    lastPage: pageNumberSchema,
  }))();

/**
 * One page of `GET /v1/livestreams`: `{ pageInfo: { currentPage, perPage, lastPage }, data }` per the v1
 * reference (no `total`, unlike v2). The v1 guide shows the same call answering `{ data }` alone, so
 * `pageInfo` is optional.
 */
export const videosdkV1PageSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    pageInfo: v.nullish(pageInfoSchema),
    data: v.array(videosdkV1LiveStreamSchema),
  }))();

/**
 * A page as the list walk reads it: the records stay unread (each is read with
 * {@link videosdkV1LiveStreamSchema} on its own, so one unusable record does not fail the page).
 */
export const videosdkV1PageWalkSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    pageInfo: v.nullish(pageInfoSchema),
    data: v.array(v.unknown()),
  }))();

/** The body of `POST /v1/livestreams` [v1 reference, create page]. */
export interface VideosdkV1CreateBody {
  name: string;
  record?: boolean;
  restream?: { url: string; streamKey: string }[];
}

/** The body of `POST /v1/livestreams/{id}` [v1 reference, update page]: only these two fields exist. */
export interface VideosdkV1UpdateBody {
  name?: string;
  record?: boolean;
}
