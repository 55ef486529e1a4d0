import {
  type CreateLiveStreamInput,
  type InputGap,
  type InputIssue,
  type InvalidInputError,
  invalidInput,
  type ProviderOptionsReading,
  parseVendorTimestamp,
  readProviderOptions,
  settleInputGaps,
  type UpdateLiveStreamInput,
  vendorDateInput,
  type Warning,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const provider = 'wowza-realtime';

/**
 * Regions API v2.0 accepts for a real-time stream (OpenAPI `real_time_stream_create.region`; `phoenix` is
 * the vendor's default; `auto` picks from the publisher's location).
 */
export const wowzaRealtimeRegions = ['phoenix', 'amsterdam', 'singapore', 'bangalore', 'auto'] as const;

/** A region API v2.0 accepts. */
export type WowzaRealtimeRegion = (typeof wowzaRealtimeRegions)[number];

// API v1.9/1.10 and the Real-Time tutorial used these; v2.0 replaced them.
const legacyRegions: Record<string, WowzaRealtimeRegion> = { americas: 'phoenix', emea: 'amsterdam' };

/**
 * Publishing protocols with an ingest endpoint on every real-time stream (there is nothing to choose at
 * creation). WebRTC publishing exists too, but only through Wowza's SDK, with no URL.
 */
const ingestProtocols = ['rtmp'] as const;

const expectedExpiry =
  'expected a Date, or an ISO 8601 date or date-time (a zone-less one is UTC), such as "YYYY-MM-DD HH:MM:SS UTC"';

/**
 * Converts a secure-viewer expiry to the vendor's format, `YYYY-MM-DD HH:MM:SS UTC` (OpenAPI
 * `expires_on`: "Specify YYYY-MM-DD HH:MM:SS, where HH is a 24-hour clock in UTC", example
 * `"2021-10-27 23:08:55 UTC"`). Accepts a `Date`, or a string in any form core's `parseVendorTimestamp`
 * reads, with the one rule unilive applies to every date: a date-time without a zone is UTC, as Wowza's own
 * format is (`2030-05-06T07:08:09`, `2030-05-06 07:08:09` and `2030-05-06 07:08:09 UTC` are one instant),
 * a date alone is midnight UTC (as the vendor reads it), and `Z` or an offset is honoured. Fractions of a
 * second are dropped: the vendor's format has none. Undefined when the value is none of these, or an
 * impossible date (`2030-02-31`).
 */
export function toWowzaRealtimeExpiresOn(value: Date | string): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : formatUtc(value);
  if (typeof value !== 'string') return undefined;
  const date = parseVendorTimestamp(value);
  return date === undefined ? undefined : formatUtc(date);
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const expiresOnSchema = /* @__PURE__ */ vendorDateInput(toWowzaRealtimeExpiresOn, expectedExpiry);

const text = (max: number) =>
  v.pipe(v.string('expected a string'), v.maxLength(max, `expected at most ${max} characters`));

// OpenAPI `reference_id`: "Maximum 70 characters. Can only contain: a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|".
const referenceIdSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.maxLength(70, 'expected at most 70 characters'),
    v.regex(/^[A-Za-z0-9!@#$%^&*()\-_+=:;,.?~|]*$/, 'expected only a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|'),
  ))();

const logoPositions = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

const hostedPageSchema = /* @__PURE__ */ (() =>
  v.strictObject(
    {
      title: v.optional(text(1000)),
      description: v.optional(text(10_000)),
      logo_image_url: v.optional(text(2048)),
      sharing_icons: v.optional(v.boolean('expected a boolean')),
    },
    'expected only title, description, logo_image_url and sharing_icons',
  ))();

// Fields both create and update take (OpenAPI `real_time_stream_create` ∩ `real_time_stream_update`).
const sharedOptions = /* @__PURE__ */ (() => ({
  description: v.optional(text(10_000)),
  enable_secure_viewer: v.optional(v.boolean('expected a boolean')),
  expires_on: v.optional(expiresOnSchema),
  reference_id: v.optional(referenceIdSchema),
  player_id: v.optional(text(128)),
  hosted_page: v.optional(hostedPageSchema),
  /** Base64-encoded GIF, JPEG or PNG, at most 2.5 MB. */
  logo_image: v.optional(v.string('expected a base64 string')),
  logo_position: v.optional(v.picklist(logoPositions, `expected one of ${logoPositions.join(', ')}`)),
  /** Base64-encoded GIF, JPEG or PNG, at most 2.5 MB. */
  video_poster_image: v.optional(v.string('expected a base64 string')),
  width: v.optional(
    v.pipe(
      v.number('expected an integer'),
      v.integer('expected an integer'),
      v.minValue(1, 'expected a positive width'),
      v.maxValue(2_147_483_647, 'expected a 32-bit integer'),
    ),
  ),
}))();

const createOnly = (field: string) =>
  v.optional(
    v.custom<never>(
      () => false,
      `${field} can only be set when the stream is created (the vendor cannot change it later)`,
    ),
  );

/** `providerOptions['wowza-realtime']` for `create`: vendor fields, validated strictly. */
const createOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject(
    {
      ...sharedOptions,
      /** Only with `recording: true`: keep an MP4 and make no VOD stream. */
      disable_vod_encoder: v.optional(v.boolean('expected a boolean')),
      enable_player_and_hosted_page: v.optional(v.boolean('expected a boolean')),
    },
    'expected only documented options',
  ))();

/** `providerOptions['wowza-realtime']` for `update`: the fields the vendor's PATCH takes. */
const updateOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject(
    {
      ...sharedOptions,
      remove_logo_image: v.optional(v.boolean('expected a boolean')),
      remove_video_poster_image: v.optional(v.boolean('expected a boolean')),
      disable_vod_encoder: createOnly('disable_vod_encoder'),
      enable_player_and_hosted_page: createOnly('enable_player_and_hosted_page'),
    },
    'expected only documented options',
  ))();

/**
 * `providerOptions['wowza-realtime']` accepted by `create`. Field names are the vendor's own, passed to
 * the `real_time_stream` body after validation; `expires_on` also takes a `Date` or an ISO 8601 string
 * and is converted to the vendor's `YYYY-MM-DD HH:MM:SS UTC`.
 */
export interface WowzaRealtimeCreateOptions {
  description?: string | undefined;
  /** Viewers must present the stream's `subscribe_token`; needs `expires_on`. */
  enable_secure_viewer?: boolean | undefined;
  /** When the subscribe token expires. */
  expires_on?: Date | string | undefined;
  /** Up to 70 characters from a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|, echoed in webhooks. */
  reference_id?: string | undefined;
  /** Player configuration id (created in the Wowza Video UI). */
  player_id?: string | undefined;
  hosted_page?:
    | { title?: string; description?: string; logo_image_url?: string; sharing_icons?: boolean }
    | undefined;
  /** Base64-encoded GIF, JPEG or PNG. */
  logo_image?: string | undefined;
  logo_position?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | undefined;
  /** Base64-encoded GIF, JPEG or PNG. */
  video_poster_image?: string | undefined;
  width?: number | undefined;
  /** Only with `recording: true`: an MP4 for download, no VOD stream. Create-only. */
  disable_vod_encoder?: boolean | undefined;
  /** Default true. Create-only. */
  enable_player_and_hosted_page?: boolean | undefined;
}

/** `providerOptions['wowza-realtime']` accepted by `update`: the create options that can change, plus removals. */
export interface WowzaRealtimeUpdateOptions
  extends Omit<WowzaRealtimeCreateOptions, 'disable_vod_encoder' | 'enable_player_and_hosted_page'> {
  remove_logo_image?: boolean | undefined;
  remove_video_poster_image?: boolean | undefined;
}

// With this package imported, `providerOptions['wowza-realtime']` is typed: options autocomplete and a
// misspelled one fails to compile.
declare module '@unilive/core' {
  interface ProviderOptionsRegistry {
    'wowza-realtime': { create: WowzaRealtimeCreateOptions; update: WowzaRealtimeUpdateOptions };
  }
}

/** The `real_time_stream` object of a create body. */
export type WowzaRealtimeCreateBody = { name: string } & Record<string, unknown>;

/** A create request body, with the warnings to return on the created stream. */
export interface WowzaRealtimeCreateRequest {
  body: { real_time_stream: WowzaRealtimeCreateBody };
  warnings: Warning[];
}

/**
 * Converts a neutral create input to the vendor body `{ "real_time_stream": {...} }`, or throws
 * InvalidInputError before any request for what the vendor cannot honour. Takes the input core's
 * `providerInput` returned (the client's check already run, so a name past the vendor's limit, "≤255
 * chars" in its OpenAPI and 200 in core, never gets here).
 */
export function convertToWowzaRealtimeCreate(
  input: CreateLiveStreamInput,
  reading?: ProviderOptionsReading,
): WowzaRealtimeCreateRequest {
  const gaps: InputGap[] = [];
  if (input.ingestProtocol === 'webrtc') {
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message:
        "expected rtmp: Wowza Real-Time has no WebRTC ingest URL; every stream takes WebRTC through Wowza's SDK or OBS build with providerDetails['wowza-realtime'].sdk, and RTMP at its ingest endpoint",
    });
  } else if (
    input.ingestProtocol !== undefined &&
    !(ingestProtocols as readonly string[]).includes(input.ingestProtocol)
  ) {
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message: `expected rtmp: Wowza Real-Time ingest endpoints are RTMP (WebRTC goes through Wowza's SDK)`,
    });
  }
  gaps.push(...restreamGaps(input.restream));
  const region = input.region === undefined ? undefined : readRegion(input.region, gaps);
  gaps.push(...lowLatencyGaps(input.lowLatency));
  const warnings = settleInputGaps(gaps, { provider, operation: 'create' });

  const options = readProviderOptions(input, provider, createOptionsSchema, 'create', reading) ?? noOptions();
  const optionIssues = secureViewerIssues(options);
  if (options.disable_vod_encoder === true && input.recording !== true) {
    optionIssues.push({
      path: `providerOptions.${provider}.disable_vod_encoder`,
      message: 'can only be true when recording is true',
    });
  }
  if (optionIssues.length > 0) throw invalidInput(optionIssues, { provider, operation: 'create' });

  return {
    body: {
      real_time_stream: {
        name: input.name,
        ...(region === undefined ? {} : { region }),
        ...(input.recording === undefined ? {} : { recording: input.recording }),
        ...options,
      },
    },
    warnings,
  };
}

/** What an update sends: the fields to change (without `name`), the new name if any, and warnings. */
export interface WowzaRealtimeUpdateRequest {
  /** The new name, when the caller changes it; otherwise the adapter sends the current one. */
  name: string | undefined;
  fields: Record<string, unknown>;
  warnings: Warning[];
  /**
   * True when the patch switches secure viewing on without `expires_on`: allowed only if the stream already
   * has an expiry, which the adapter reads before sending anything (see {@link missingExpiryError}).
   */
  needsStoredExpiry: boolean;
}

/**
 * Converts a neutral patch to the vendor's PATCH fields, or throws InvalidInputError before any request
 * for what the vendor cannot change: `recording` is create-only (OpenAPI: "You can't update this value
 * after you create the stream"), and restream does not exist. Takes the patch core's `providerInput`
 * returned (the client's check already run).
 */
export function convertToWowzaRealtimeUpdate(
  patch: UpdateLiveStreamInput,
  reading?: ProviderOptionsReading,
): WowzaRealtimeUpdateRequest {
  const gaps: InputGap[] = [];
  if (patch.recording !== undefined) {
    gaps.push({
      field: 'recording',
      kind: 'create-only',
      message:
        'Wowza Real-Time sets recording only when the stream is created; create a new stream to change it',
    });
  }
  gaps.push(...restreamGaps(patch.restream));
  const region = patch.region === undefined ? undefined : readRegion(patch.region, gaps);
  gaps.push(...lowLatencyGaps(patch.lowLatency));
  const warnings = settleInputGaps(gaps, { provider, operation: 'update' });

  const options = readProviderOptions(patch, provider, updateOptionsSchema, 'update', reading) ?? noOptions();

  return {
    name: patch.name,
    fields: { ...(region === undefined ? {} : { region }), ...options },
    warnings,
    needsStoredExpiry: secureViewerIssues(options).length > 0,
  };
}

/**
 * The problem of an update that switches secure viewing on without `expires_on` for a stream that has no
 * expiry either: Wowza requires one ("Required when enable_secure_viewer is true"). A stream that already
 * has one keeps it, so the update is fine then.
 */
export function missingExpiryError(): InvalidInputError {
  return invalidInput(secureViewerIssues({ enable_secure_viewer: true }), { provider, operation: 'update' });
}

function readRegion(value: string, gaps: InputGap[]): WowzaRealtimeRegion | undefined {
  const region = value.toLowerCase();
  if ((wowzaRealtimeRegions as readonly string[]).includes(region)) return region as WowzaRealtimeRegion;
  const replacement = legacyRegions[region];
  gaps.push({
    field: 'region',
    kind: 'unsupported-value',
    message:
      `expected one of ${wowzaRealtimeRegions.join(', ')}` +
      (replacement ? ` (API v2.0 no longer takes "${region}"; its nearest region is "${replacement}")` : ''),
  });
  return undefined;
}

function restreamGaps(restream: readonly unknown[] | undefined): InputGap[] {
  if (restream === undefined || restream.length === 0) return [];
  return [
    {
      field: 'restream',
      kind: 'ignored',
      message: 'Wowza Real-Time Streaming at Scale cannot forward a stream to other destinations',
    },
  ];
}

function secureViewerIssues(options: {
  enable_secure_viewer?: boolean | undefined;
  expires_on?: string | undefined;
}): InputIssue[] {
  if (options.enable_secure_viewer !== true || options.expires_on !== undefined) return [];
  return [
    {
      path: `providerOptions.${provider}.expires_on`,
      message: 'required when enable_secure_viewer is true (when the subscribe token expires)',
    },
  ];
}

function lowLatencyGaps(lowLatency: boolean | undefined): InputGap[] {
  // Sub-second delivery is what the product is: lowLatency: true is always satisfied.
  if (lowLatency !== false) return [];
  return [
    {
      field: 'lowLatency',
      kind: 'ignored',
      message:
        'Wowza Real-Time Streaming at Scale always delivers with sub-second latency; lowLatency: false has no effect',
    },
  ];
}

// No options given: an object without a prototype, so a field someone set on Object.prototype (`encoder`)
// does not read as one.
function noOptions(): Record<string, never> {
  return Object.create(null) as Record<string, never>;
}
