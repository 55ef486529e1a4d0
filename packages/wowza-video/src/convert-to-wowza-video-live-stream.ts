import {
  type CreateLiveStreamInput,
  type InputGap,
  type InputIssue,
  invalidInput,
  type ProviderOptionsReading,
  settleInputGaps,
  type UpdateLiveStreamInput,
  validateCreateInput,
  validateUpdateInput,
  type Warning,
} from '@unilive/core';
import {
  type WowzaVideoBroadcastLocation,
  type WowzaVideoEncoder,
  wowzaVideoBroadcastLocations,
} from './wowza-video-api.js';
import { readWowzaVideoOptions } from './wowza-video-options.js';

const providerId = 'wowza-video';

/**
 * The neutral ingest protocols Wowza Video live streams take, and the generic `encoder` each one selects.
 * RTMPS and WOWZ push have no encoder of their own in v2.0.
 */
export const wowzaVideoEncoderByIngestProtocol = {
  rtmp: 'other_rtmp',
  webrtc: 'other_webrtc',
  srt: 'other_srt',
  rtsp: 'other_rtsp',
} as const satisfies Record<string, WowzaVideoEncoder>;

/** The region used when the input names none: Wowza's own examples use it. */
export const wowzaVideoDefaultRegion: WowzaVideoBroadcastLocation = 'us_west_california';

/** A `POST` or `PATCH` body: Wowza wraps every write in a `live_stream` envelope. */
export interface WowzaVideoLiveStreamBody {
  live_stream: Record<string, unknown>;
}

/** A converted request: the body, and any soft gaps to report on the result. */
export interface ConvertedRequest {
  body: WowzaVideoLiveStreamBody;
  warnings: Warning[];
}

// Region ids are read in any case, as Wowza Real-Time's are (`EU_Germany` is `eu_germany`): the vendor's
// are lower case, and a neutral region given once must mean the same on both Wowza adapters.
// ASCII only: `toLowerCase` folds the Kelvin sign (U+212A) to `k`, and no id holds anything else.
const isBroadcastLocation = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^[A-Za-z_]+$/.test(value) &&
  (wowzaVideoBroadcastLocations as readonly string[]).includes(value.toLowerCase());

/**
 * Checks a region id, in any case, throwing `InvalidInputError` that lists the 15 broadcast locations;
 * returns it as the vendor writes it (lower case).
 */
export function toBroadcastLocation(
  region: string,
  context: { operation: string; path: string },
): WowzaVideoBroadcastLocation {
  if (isBroadcastLocation(region)) return region.toLowerCase() as WowzaVideoBroadcastLocation;
  throw invalidInput(
    [{ path: context.path, message: `expected one of ${wowzaVideoBroadcastLocations.join(', ')}` }],
    { provider: providerId, operation: context.operation },
  );
}

// An unknown region is named with the broadcast locations beside every other problem the adapter finds
// (an ingest protocol, a restream), as one of its gaps: once core's neutral checks have passed, as through
// a client, which makes them before the adapter is called.
function unknownRegion(region: unknown): InputGap | undefined {
  if (typeof region !== 'string' || isBroadcastLocation(region)) return undefined;
  return {
    field: 'region',
    kind: 'unsupported-value',
    message: `expected one of ${wowzaVideoBroadcastLocations.join(', ')}`,
  };
}

function fail(issues: InputIssue[], operation: string): never {
  throw invalidInput(issues, { provider: providerId, operation });
}

const saveAssetMessage =
  'Wowza Video sets recording to false when save_asset is true; the MP4 is saved as an asset in Asset Management instead';

const restreamMessage =
  'Wowza Video sends a live stream to other destinations through stream targets, which this adapter does ' +
  'not manage; remove restream or add stream targets with the Wowza Video API';

/**
 * Neutral create input → `POST /live_streams` body. Validates everything before any request: the neutral
 * input, the ingest protocol (rtmp, webrtc, srt, rtsp), the region (one of the 15 broadcast locations),
 * `providerOptions['wowza-video']` and the cross-field rules Wowza documents.
 * @param reading The provider's secrets, by which a refusal of the options is masked (see
 *   `readProviderOptions` in `@unilive/core`).
 */
export function toWowzaVideoCreateBody(
  rawInput: CreateLiveStreamInput,
  defaults: { region?: WowzaVideoBroadcastLocation } = {},
  reading?: ProviderOptionsReading,
): ConvertedRequest {
  const operation = 'create';
  const input = validateCreateInput(rawInput, providerId);
  const region = unknownRegion(input.region);
  const gaps: InputGap[] = [];
  if (input.restream && input.restream.length > 0)
    gaps.push({ field: 'restream', kind: 'ignored', message: restreamMessage });
  const protocol = input.ingestProtocol ?? 'rtmp';
  if (!Object.hasOwn(wowzaVideoEncoderByIngestProtocol, protocol)) {
    const allowed = Object.keys(wowzaVideoEncoderByIngestProtocol).join(', ');
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message: `expected one of ${allowed} for Wowza Video`,
    });
  }
  // save_asset: "If this value is true, recording and/or vod_stream are set to false." The recording is
  // kept, as an asset: the request is carried out in Wowza's own way.
  if (input.recording === true && input.providerOptions?.[providerId]?.save_asset === true)
    gaps.push({ field: 'recording', kind: 'approximated', message: saveAssetMessage });
  if (region) gaps.push(region);
  const warnings = settleInputGaps(gaps, { provider: providerId, operation });

  const protocolEncoder =
    wowzaVideoEncoderByIngestProtocol[protocol as keyof typeof wowzaVideoEncoderByIngestProtocol];
  const location =
    input.region === undefined
      ? (defaults.region ?? wowzaVideoDefaultRegion)
      : toBroadcastLocation(input.region, { operation, path: 'region' });
  const options = readWowzaVideoOptions(input, 'create', reading) ?? noOptions();

  if (
    options.encoder !== undefined &&
    input.ingestProtocol !== undefined &&
    options.encoder !== protocolEncoder
  ) {
    fail(
      [
        {
          path: `providerOptions.${providerId}.encoder`,
          message: `ingestProtocol ${input.ingestProtocol} selects encoder ${protocolEncoder}; pass either ingestProtocol or encoder`,
        },
      ],
      operation,
    );
  }
  const encoder = options.encoder ?? protocolEncoder;
  const deliveryMethod = options.delivery_method ?? 'push';
  const issues: InputIssue[] = [];
  const optionPath = (key: string) => `providerOptions.${providerId}.${key}`;
  // source_url: "For the delivery_method pull or encoder file" (OpenAPI live_stream_create_input).
  if ((deliveryMethod === 'pull' || encoder === 'file') && options.source_url === undefined) {
    issues.push({
      path: optionPath('source_url'),
      message: 'required when delivery_method is pull or encoder is file',
    });
  }
  // "Wowza Video doesn't support pull or cdn connections for SRT" (Connect an SRT encoder guide).
  if (encoder === 'other_srt' && deliveryMethod !== 'push') {
    issues.push({ path: optionPath('delivery_method'), message: 'expected push: SRT sources can only push' });
  }
  // transcoder_type: "passthrough … isn't supported in asia_pacific_singapore".
  if (options.transcoder_type === 'passthrough' && location === 'asia_pacific_singapore') {
    issues.push({
      path: optionPath('transcoder_type'),
      message: 'passthrough is not available in asia_pacific_singapore',
    });
  }
  // countdown_at and countdown_timezone: "Required when countdown is true".
  if (options.countdown === true) {
    for (const key of ['countdown_at', 'countdown_timezone'] as const) {
      if (options[key] === undefined)
        issues.push({ path: optionPath(key), message: 'required when countdown is true' });
    }
  }
  const security = options.security;
  if (
    security &&
    security.geoblock_by_location !== undefined &&
    security.geoblock_by_location !== 'disabled'
  ) {
    if (security.geoblock_country_codes === undefined) {
      issues.push({
        path: optionPath('security.geoblock_country_codes'),
        message: 'required when geoblock_by_location is allow or deny',
      });
    }
  }
  if (
    security &&
    security.geoblock_ip_override !== undefined &&
    security.geoblock_ip_override !== 'disabled'
  ) {
    if (security.geoblock_ip_addresses === undefined) {
      issues.push({
        path: optionPath('security.geoblock_ip_addresses'),
        message: 'required when geoblock_ip_override is allow or deny',
      });
    }
  }
  if (issues.length > 0) fail(issues, operation);

  const { encoder: _encoder, ...rest } = options;
  const liveStream: Record<string, unknown> = {
    name: input.name,
    broadcast_location: location,
    encoder,
    ...(input.recording === undefined ? {} : { recording: input.recording }),
    ...(input.lowLatency === undefined ? {} : { low_latency: input.lowLatency }),
    ...withoutUndefined(rest),
  };
  return { body: { live_stream: liveStream }, warnings };
}

/**
 * Neutral patch → `PATCH /live_streams/{id}` body. `region` and `lowLatency` are create-only on Wowza
 * (`broadcast_location` and `low_latency` are absent from its update schema): the stream keeps its own, and
 * a warning says so; a `region` that is no broadcast location at all is refused as on create, since no
 * stream could ever have it. `restream` throws `InvalidInputError` before any request, as do the
 * create-only provider options.
 */
export function toWowzaVideoUpdateBody(
  rawPatch: UpdateLiveStreamInput,
  reading?: ProviderOptionsReading,
): ConvertedRequest {
  const operation = 'update';
  const patch = validateUpdateInput(rawPatch, providerId);
  const region = unknownRegion(patch.region);
  const gaps: InputGap[] = [];
  if (patch.region !== undefined && region === undefined) {
    gaps.push({
      field: 'region',
      kind: 'create-only',
      message:
        'Wowza Video sets broadcast_location only when a live stream is created; the stream keeps its location',
    });
  }
  if (patch.lowLatency !== undefined) {
    gaps.push({
      field: 'lowLatency',
      kind: 'create-only',
      message:
        'Wowza Video sets low_latency only when a live stream is created; the stream keeps its latency',
    });
  }
  if (patch.restream && patch.restream.length > 0)
    gaps.push({ field: 'restream', kind: 'ignored', message: restreamMessage });
  if (patch.recording === true && patch.providerOptions?.[providerId]?.save_asset === true)
    gaps.push({ field: 'recording', kind: 'approximated', message: saveAssetMessage });
  if (region) gaps.push(region);
  const warnings = settleInputGaps(gaps, { provider: providerId, operation });
  const options = readWowzaVideoOptions(patch, 'update', reading) ?? noOptions();
  const liveStream: Record<string, unknown> = {
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.recording === undefined ? {} : { recording: patch.recording }),
    ...withoutUndefined(options),
  };
  return { body: { live_stream: liveStream }, warnings };
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .map(([key, entry]) => [
        key,
        typeof entry === 'object' && entry !== null && !Array.isArray(entry)
          ? withoutUndefined(entry as Record<string, unknown>)
          : entry,
      ]),
  );
}

// No options given: an object without a prototype, so a field someone set on Object.prototype (`encoder`)
// does not read as one.
function noOptions(): Record<string, never> {
  return Object.create(null) as Record<string, never>;
}
