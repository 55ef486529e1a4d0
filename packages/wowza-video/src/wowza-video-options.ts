import {
  type InputIssue,
  invalidInput,
  maskedOptionsRefusal,
  type ProviderOptionsReading,
  parseVendorTimestamp,
  readProviderOptions,
  vendorDateInput,
} from '@unilive/core';
import * as v from 'valibot';
import {
  wowzaVideoBillingModes,
  wowzaVideoClosedCaptionTypes,
  wowzaVideoCornerPositions,
  wowzaVideoDeliveryMethods,
  wowzaVideoDeliveryProtocols,
  wowzaVideoEncoders,
  wowzaVideoGeoblockModes,
  wowzaVideoTargetDeliveryProtocols,
  wowzaVideoTranscoderTypes,
} from './wowza-video-api.js';
import { wowzaVideoTimeZones } from './wowza-video-time-zones.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

// Every constraint below is Wowza's own, from the field descriptions of live_stream_create_input and
// live_stream_update_input in wowza-video-v2.0.openapi.yml. Messages are fixed strings, so a rejected
// password or secret is never echoed.

const providerId = 'wowza-video';

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  v.picklist(values, `expected one of ${values.join(', ')}`);

const flag = /* @__PURE__ */ (() => v.optional(v.boolean('expected a boolean')))();
const positiveInteger = /* @__PURE__ */ (() =>
  v.pipe(
    v.number('expected a number'),
    v.integer('expected an integer'),
    v.minValue(1, 'expected a positive integer'),
  ))();
const plainText = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.check((value) => !/<[^>]*>/.test(value), 'expected no HTML or other tags'),
  ))();
// "Can contain only uppercase and lowercase letters; numbers; and the period (.), underscore (_), and
// hyphen (-) characters."
const pushCredential = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.regex(/^[A-Za-z0-9._-]+$/, 'expected only letters, digits, ".", "_" or "-"'),
  ))();
// "Maximum 70 characters. Can only contain: a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~| You can't use brackets or
// quotation marks."
const referenceId = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.maxLength(70, 'expected at most 70 characters'),
    v.regex(/^[A-Za-z0-9!@#$%^&*()\-_+=:;,.?~|]+$/, 'expected only a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|'),
  ))();
// "A Base64-encoded string representation of a GIF, JPEG, or PNG … file must be 2.5 MB or smaller."
const maxImageBytes = 2_621_440; // 2.5 MiB, written out: a bundler keeps unused top-level arithmetic
const base64Image = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.check(
      (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value.replace(/\s+/g, '')),
      'expected a Base64-encoded GIF, JPEG or PNG image',
    ),
    v.check(
      (value) => Math.floor((value.replace(/[\s=]+/g, '').length * 3) / 4) <= maxImageBytes,
      'expected an image of 2.5 MB or smaller',
    ),
  ))();
const sourceUrl = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.maxLength(2048, 'expected at most 2048 characters'),
    v.check(
      (value) =>
        !/\s/.test(value) && ![...value].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f'),
      'expected no whitespace or control characters',
    ),
  ))();
// Wowza's example "CA, DE": capitalized ISO 3166-1 alpha-2 codes, comma-separated.
const countryCodes = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.regex(/^[A-Z]{2}(\s*,\s*[A-Z]{2})*$/, 'expected comma-separated two-letter capitalized country codes'),
  ))();
const ipAddresses = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.regex(/^[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*$/, 'expected comma-separated IPv4 or IPv6 addresses'),
  ))();
// "Must contain only hexadecimal characters and be an even number of total characters not exceeding 32."
const sharedSecret = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.regex(/^(?:[0-9A-Fa-f]{2}){1,16}$/, 'expected an even number (2 to 32) of hexadecimal characters'),
  ))();

const countdownAtExpected =
  'expected a date and time of day: YYYY-MM-DD HH:MM:SS (UTC, as the reference asks), another ISO 8601 date-time (UTC unless it has a zone), or a Date, falling in years 0000 to 9999 in UTC';

// RFC 3339's date-time, the schema's `format: date-time`: sent as the caller wrote it.
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// A time of day after the date: the reference asks for one ("the month, day, year, and time of day").
const withTimeOfDay = /^\d{4}-\d{2}-\d{2}[Tt ]\d/;

/**
 * `countdown_at` read as every vendor date is (core's `parseVendorTimestamp`: ISO 8601, zone-less meaning
 * UTC), so Wowza's reference form `YYYY-MM-DD HH:MM:SS` (24-hour clock, UTC) and its schema's
 * (`format: date-time`, every example `2024-02-01T00:00:00.000Z`) both come through. What is sent is always
 * what the schema takes: an RFC 3339 string as given (its digits and offset as the caller typed them), any
 * other form and a `Date` as the same instant in the examples' UTC form (`2024-02-01 17:00:00` →
 * `2024-02-01T17:00:00.000Z`, the same digits). Undefined for a date without a time of day, a date that does
 * not exist (`2024-02-30 10:00:00`), an instant whose UTC form falls outside years 0000 to 9999, and anything that is no ISO 8601 date-time, such as the reference's
 * prose example `2024-12-15T17:00:00:000Z` (a colon before the milliseconds).
 */
export function toWowzaVideoCountdownAt(value: Date | string): string | undefined {
  if (value instanceof Date) return inUtc(value);
  if (typeof value !== 'string' || !withTimeOfDay.test(value)) return undefined;
  const date = parseVendorTimestamp(value);
  if (date === undefined) return undefined;
  return rfc3339.test(value) ? value : inUtc(date);
}

// An instant outside years 0000 to 9999 in UTC (a Date, or `9999-12-31 23:00:00-05:00`) has an ISO string with a
// signed six-digit year (`+010000-01-01T04:00:00.000Z`), which is no RFC 3339 date-time: refused, not sent.
function inUtc(date: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  const text = date.toISOString();
  return rfc3339.test(text) ? text : undefined;
}

const countdownAt = /* @__PURE__ */ vendorDateInput(toWowzaVideoCountdownAt, countdownAtExpected);

const securityEntries = /* @__PURE__ */ (() => ({
  force_ssl_playback: flag,
  geoblock_enabled: flag,
  geoblock_by_location: v.optional(oneOf(wowzaVideoGeoblockModes)),
  geoblock_country_codes: v.optional(countryCodes),
  geoblock_ip_override: v.optional(oneOf(wowzaVideoGeoblockModes)),
  geoblock_ip_addresses: v.optional(ipAddresses),
  token_auth_enabled: flag,
  token_auth_shared_secret: v.optional(sharedSecret),
  token_auth_playlist_only: flag,
}))();

const hostedPageCreateEntries = /* @__PURE__ */ (() => ({
  enabled: flag,
  title: v.optional(plainText),
  description: v.optional(plainText),
  logo_image: v.optional(base64Image),
  sharing_icons: flag,
}))();
const hostedPageUpdateEntries = /* @__PURE__ */ (() => ({
  ...hostedPageCreateEntries,
  remove_logo_image: flag,
}))();

const sharedEntries = /* @__PURE__ */ (() => ({
  encoder: v.optional(oneOf(wowzaVideoEncoders)),
  aspect_ratio_width: v.optional(positiveInteger),
  aspect_ratio_height: v.optional(positiveInteger),
  closed_caption_type: v.optional(oneOf(wowzaVideoClosedCaptionTypes)),
  delivery_method: v.optional(oneOf(wowzaVideoDeliveryMethods)),
  delivery_protocols: v.optional(
    v.pipe(
      v.array(oneOf(wowzaVideoDeliveryProtocols), 'expected an array'),
      v.check((values) => new Set(values).size === values.length, 'expected no repeated protocol'),
    ),
  ),
  description: v.optional(v.string('expected a string')),
  disable_authentication: flag,
  username: v.optional(pushCredential),
  password: v.optional(pushCredential),
  source_url: v.optional(sourceUrl),
  use_stream_source: flag,
  target_delivery_protocol: v.optional(oneOf(wowzaVideoTargetDeliveryProtocols)),
  save_asset: flag,
  vod_stream: flag,
  reference_id: v.optional(referenceId),
  player_id: v.optional(v.pipe(v.string('expected a string'), v.minLength(1, 'expected a player id'))),
  security: v.optional(v.strictObject(securityEntries)),
  logo_image: v.optional(base64Image),
  logo_position: v.optional(oneOf(wowzaVideoCornerPositions)),
  video_poster_image: v.optional(base64Image),
  width: v.optional(positiveInteger),
  watermark: flag,
  watermark_image: v.optional(base64Image),
  watermark_position: v.optional(oneOf(wowzaVideoCornerPositions)),
  watermark_opacity: v.optional(
    v.pipe(
      v.number('expected a number'),
      v.integer('expected an integer'),
      v.minValue(0, 'expected 0 to 100'),
      v.maxValue(100, 'expected 0 to 100'),
    ),
  ),
  watermark_width: v.optional(positiveInteger),
  watermark_height: v.optional(positiveInteger),
  countdown: flag,
  countdown_at: v.optional(countdownAt),
  countdown_timezone: v.optional(oneOf(wowzaVideoTimeZones)),
}))();

const createEntries = /* @__PURE__ */ (() => ({
  ...sharedEntries,
  billing_mode: v.optional(oneOf(wowzaVideoBillingModes)),
  transcoder_type: v.optional(oneOf(wowzaVideoTranscoderTypes)),
  hosted_page: v.optional(v.strictObject(hostedPageCreateEntries)),
}))();

const updateEntries = /* @__PURE__ */ (() => ({
  ...sharedEntries,
  hosted_page: v.optional(v.strictObject(hostedPageUpdateEntries)),
  remove_logo_image: flag,
  remove_video_poster_image: flag,
}))();

/**
 * `providerOptions['wowza-video']` on create: every documented `live_stream` create field that has no
 * neutral equivalent, validated with Wowza's enums and constraints. `name`, `broadcast_location`,
 * `recording` and `low_latency` come from the neutral input (`name`, `region`, `recording`, `lowLatency`);
 * the deprecated `player` object, which v2.0 ignores, is refused.
 */
export const wowzaVideoCreateOptionsSchema = /* @__PURE__ */ (() => v.strictObject(createEntries))();

/**
 * `providerOptions['wowza-video']` on update: the fields `PATCH /live_streams/{id}` accepts. The create-only
 * fields (`billing_mode`, `transcoder_type`, and `broadcast_location` / `low_latency` behind `region` /
 * `lowLatency`) are refused.
 */
export const wowzaVideoUpdateOptionsSchema = /* @__PURE__ */ (() => v.strictObject(updateEntries))();

/** Wowza-specific create options, as a caller writes them in `providerOptions['wowza-video']`. */
export type WowzaVideoCreateOptions = v.InferInput<typeof wowzaVideoCreateOptionsSchema>;
/** Wowza-specific update options, as a caller writes them in `providerOptions['wowza-video']`. */
export type WowzaVideoUpdateOptions = v.InferInput<typeof wowzaVideoUpdateOptionsSchema>;

// Fields the neutral input owns: one place writes each vendor field.
const neutralOwned: Record<string, string> = {
  name: 'set it with the neutral `name`',
  broadcast_location: 'set it with the neutral `region`',
  recording: 'set it with the neutral `recording`',
  low_latency: 'set it with the neutral `lowLatency`',
};
const deprecated: Record<string, string> = {
  player: 'the `player` object is deprecated in API v2.0 and ignored by Wowza; pass `player_id` instead',
};
const createOnly: Record<string, string> = {
  billing_mode: 'can only be set when the live stream is created',
  transcoder_type: 'can only be set when the live stream is created',
  broadcast_location: 'can only be set when the live stream is created (neutral `region`)',
  low_latency: 'can only be set when the live stream is created (neutral `lowLatency`)',
};

const nested: Record<string, Record<'create' | 'update', readonly string[]>> = /* @__PURE__ */ (() => ({
  hosted_page: {
    create: Object.keys(hostedPageCreateEntries),
    update: Object.keys(hostedPageUpdateEntries),
  },
  security: { create: Object.keys(securityEntries), update: Object.keys(securityEntries) },
}))();

function unknownKeyIssues(options: Record<string, unknown>, operation: 'create' | 'update'): InputIssue[] {
  const allowed = Object.keys(operation === 'create' ? createEntries : updateEntries);
  const path = (key: string) => `providerOptions.${providerId}.${key}`;
  const issues: InputIssue[] = [];
  for (const key of Object.keys(options)) {
    if (operation === 'update' && createOnly[key]) {
      issues.push({ path: path(key), message: createOnly[key] });
    } else if (neutralOwned[key]) {
      issues.push({ path: path(key), message: `not an option here: ${neutralOwned[key]}` });
    } else if (deprecated[key]) {
      issues.push({ path: path(key), message: deprecated[key] });
    } else if (!allowed.includes(key)) {
      issues.push({ path: path(key), message: `unknown field; expected one of ${allowed.join(', ')}` });
    } else if (nested[key]) {
      const value = options[key];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const allowedNested = nested[key][operation];
      for (const inner of Object.keys(value)) {
        if (!allowedNested.includes(inner)) {
          issues.push({
            path: `${path(key)}.${inner}`,
            message: `unknown field; expected one of ${allowedNested.join(', ')}`,
          });
        }
      }
    }
  }
  return issues;
}

/**
 * Reads and validates `providerOptions['wowza-video']`, or throws `InvalidInputError` naming each bad
 * field and, for unknown ones, the allowed fields. Runs before any request.
 */
export function readWowzaVideoOptions(
  input: { providerOptions?: unknown },
  operation: 'create',
  reading?: ProviderOptionsReading,
): v.InferOutput<typeof wowzaVideoCreateOptionsSchema> | undefined;
export function readWowzaVideoOptions(
  input: { providerOptions?: unknown },
  operation: 'update',
  reading?: ProviderOptionsReading,
): v.InferOutput<typeof wowzaVideoUpdateOptionsSchema> | undefined;
export function readWowzaVideoOptions(
  input: { providerOptions?: unknown },
  operation: 'create' | 'update',
  reading: ProviderOptionsReading = {},
) {
  const all = input.providerOptions;
  // Own properties only: options someone set on Object.prototype are not the caller's.
  const options =
    typeof all === 'object' && all !== null && Object.hasOwn(all, providerId)
      ? (all as Record<string, unknown>)[providerId]
      : undefined;
  if (options !== undefined && typeof options === 'object' && options !== null) {
    const issues = unknownKeyIssues(options as Record<string, unknown>, operation);
    if (issues.length > 0) {
      // The names are the caller's: one repeating a credential is masked, as a client masks it.
      const refusal = invalidInput(issues, { provider: providerId, operation });
      throw maskedOptionsRefusal(refusal, input, providerId, reading.secrets);
    }
  }
  return operation === 'create'
    ? readProviderOptions(input, providerId, wowzaVideoCreateOptionsSchema, operation, reading)
    : readProviderOptions(input, providerId, wowzaVideoUpdateOptionsSchema, operation, reading);
}

// With this package imported, `providerOptions['wowza-video']` is typed: options autocomplete and a
// misspelled one fails to compile.
declare module '@unilive/core' {
  interface ProviderOptionsRegistry {
    'wowza-video': { create: WowzaVideoCreateOptions; update: WowzaVideoUpdateOptions };
  }
}
