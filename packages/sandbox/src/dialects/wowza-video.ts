import { codePointLength } from '@unilive/core';
import type {
  DialectContext,
  ErrorKind,
  FaultOperation,
  SandboxDialect,
  SandboxRequest,
  SandboxResponse,
} from '../types.js';
import { hasLoneSurrogate, undocumentedWowzaTextLimits, wowzaTextProblem } from './names.js';
import { decodeSegment } from './path.js';
import {
  wowzaBearerToken,
  wowzaInvalidStateChange,
  wowzaMeta,
  wowzaNotProcessed,
  wowzaPage,
  wowzaRecordDeleted,
  wowzaRecordInvalid,
  wowzaRecordNotFound,
} from './wowza-shared.js';

// Wowza Video REST API v2.0, /live_streams. Shapes follow Wowza's OpenAPI description
// (wowza-video-v2.0.openapi.yml) and its examples; where the vendor documents nothing (SRT connection
// details, behaviour of unknown fields on PATCH), the choice made here is marked SANDBOX CHOICE.

/** A stored live stream: the vendor object as GET returns it, plus bookkeeping Wowza does not send. */
interface StoredLiveStream {
  id: string;
  sequence: number;
  liveStream: Record<string, unknown>;
  /** Where ingest and playback live: one entry point per stream, like Wowza's `<sub>.entrypoint…`. */
  entryPoint: string;
  application: string;
  ipAddress: string;
}

interface DeletedLiveStream {
  id: string;
  deletedAt: string;
}

const collectionName = 'live_streams';
const deletedCollectionName = 'deleted_live_streams';

const broadcastLocations = [
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
];
const encoders = [
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
];
const corners = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];
const enums: Record<string, readonly string[]> = {
  broadcast_location: broadcastLocations,
  encoder: encoders,
  billing_mode: ['pay_as_you_go', 'twentyfour_seven'],
  transcoder_type: ['transcoded', 'passthrough'],
  delivery_method: ['pull', 'cdn', 'push'],
  closed_caption_type: ['none', 'cea', 'on_text', 'both'],
  target_delivery_protocol: ['hls-https'],
  logo_position: corners,
  watermark_position: corners,
};
const booleanFields = [
  'disable_authentication',
  'low_latency',
  'recording',
  'save_asset',
  'vod_stream',
  'use_stream_source',
  'watermark',
  'countdown',
  'remove_logo_image',
  'remove_video_poster_image',
];
const integerFields = [
  'aspect_ratio_width',
  'aspect_ratio_height',
  'width',
  'watermark_width',
  'watermark_height',
  'watermark_opacity',
];
// The source's resolution (OpenAPI live_stream_create_input and update_input: `type: integer`,
// `format: int32`, "The width [height], in pixels, of the video source").
const aspectRatioFields = ['aspect_ratio_width', 'aspect_ratio_height'];
const int32Max = 2 ** 31 - 1;
// Echoed back as sent (write-only fields such as username, password, images and source_url are not).
const echoedFields = [
  'description',
  'closed_caption_type',
  'reference_id',
  'player_id',
  'logo_position',
  'width',
  'watermark',
  'watermark_position',
  'watermark_opacity',
  'watermark_width',
  'watermark_height',
  'countdown',
  'countdown_at',
  'countdown_timezone',
  'target_delivery_protocol',
  'use_stream_source',
  'aspect_ratio_width',
  'aspect_ratio_height',
];
// PATCH accepts everything of create except these (OpenAPI live_stream_update_input).
const createOnlyFields = ['broadcast_location', 'billing_mode', 'transcoder_type', 'low_latency'];
const defaultDeliveryProtocols = ['rtmp', 'rtsp', 'wowz', 'webrtc'];
const renditions = [
  'V:1280x720+A:128K',
  'V:854x480+A:128K',
  'V:640x360+A:128K',
  'V:512x288+A:128K',
  'V:320x180+A:128K',
];

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

// A JWT-shaped token, as Wowza's Token Management issues (the sandbox only compares it).
const defaultToken = [
  base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })),
  base64url(
    JSON.stringify({
      iss: 'unilive-sandbox',
      sub: 'wowza-video-sandbox',
      aud: 'api.video.wowza.com',
      iat: 1767225600,
    }),
  ),
  'c2FuZGJveC1zaWduYXR1cmUtbm90LWEtcmVhbC1zZWNyZXQ',
].join('.');

const meta = wowzaMeta;
const notProcessed = wowzaNotProcessed;
const recordNotFound = wowzaRecordNotFound;
const recordDeleted = wowzaRecordDeleted;
const recordInvalid = (problems: string[]) => wowzaRecordInvalid(problems.join(', '));
const invalidStateChange = wowzaInvalidStateChange;

// "Can contain only uppercase and lowercase letters; numbers; and the period (.), underscore (_), and hyphen."
const credentialPattern = /^[A-Za-z0-9._-]+$/;
// reference_id: "Maximum 70 characters. Can only contain: a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|"
const referenceIdPattern = /^[A-Za-z0-9!@#$%^&*()\-_+=:;,.?~|]{1,70}$/;

function humanize(field: string): string {
  const text = field.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Rails-style validation messages, in the vendor's "The request couldn't be processed. …" envelope. */
function validate(input: Record<string, unknown>, mode: 'create' | 'update'): string[] {
  const problems: string[] = [];
  if (mode === 'create') {
    for (const field of ['name', 'broadcast_location', 'encoder']) {
      const value = input[field];
      if (typeof value !== 'string' || value.trim() === '')
        problems.push(`${humanize(field)} can't be blank`);
    }
  }
  if (input.name !== undefined) {
    if (typeof input.name !== 'string' || input.name.trim() === '') {
      if (mode === 'update') problems.push("Name can't be blank");
    } else if (hasLoneSurrogate(input.name)) {
      problems.push('Name is invalid');
    } else if (codePointLength(input.name) > 200) {
      // "Maximum 200 characters" (OpenAPI), counted in code points, as unilive does: Wowza does not
      // say how it counts (unverified against the live API).
      problems.push('Name is too long (maximum is 200 characters)');
    }
  }
  for (const [field, allowed] of Object.entries(enums)) {
    const value = input[field];
    if (value === undefined || (mode === 'create' && value === '')) continue;
    if (typeof value !== 'string' || !allowed.includes(value))
      problems.push(`${humanize(field)} is not included in the list`);
  }
  for (const field of booleanFields) {
    if (input[field] !== undefined && typeof input[field] !== 'boolean')
      problems.push(`${humanize(field)} is invalid`);
  }
  for (const field of integerFields) {
    const value = input[field];
    if (value !== undefined && !Number.isInteger(value)) problems.push(`${humanize(field)} is not a number`);
  }
  for (const field of aspectRatioFields) {
    const value = input[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) continue;
    // A source of no pixels is no resolution: refused in Rails' numericality words. The OpenAPI states no
    // minimum (only "should be 16:9 or 4:3 and divisible by 8", which is advice: not enforced here), so
    // whether Wowza refuses one is unverified. Its `format: int32` does bound the top.
    if (value <= 0) problems.push(`${humanize(field)} must be greater than 0`);
    else if (value > int32Max) problems.push(`${humanize(field)} must be less than or equal to ${int32Max}`);
  }
  const opacity = input.watermark_opacity;
  if (typeof opacity === 'number' && (opacity < 0 || opacity > 100)) {
    problems.push('Watermark opacity must be between 0 and 100');
  }
  for (const field of ['username', 'password']) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || !credentialPattern.test(value))) {
      problems.push(`${humanize(field)} is invalid`);
    } else if (typeof value === 'string' && value.length > undocumentedWowzaTextLimits.short) {
      // Wowza documents no maximum: the sandbox's own (unverified), as for the other kept texts.
      problems.push(
        `${humanize(field)} is too long (maximum is ${undocumentedWowzaTextLimits.short} characters)`,
      );
    }
  }
  const reference = input.reference_id;
  if (reference !== undefined && (typeof reference !== 'string' || !referenceIdPattern.test(reference))) {
    problems.push('Reference id is invalid');
  }
  const protocols = input.delivery_protocols;
  if (
    protocols !== undefined &&
    (!Array.isArray(protocols) || protocols.some((protocol) => !defaultDeliveryProtocols.includes(protocol)))
  ) {
    problems.push('Delivery protocols is invalid');
  }
  const deliveryMethod = input.delivery_method ?? 'push';
  if (mode === 'create' && (deliveryMethod === 'pull' || input.encoder === 'file') && !input.source_url) {
    problems.push("Source url can't be blank");
  }
  if (input.encoder === 'other_srt' && deliveryMethod !== 'push') {
    problems.push('Delivery method must be push for SRT');
  }
  for (const field of ['hosted_page', 'security']) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      problems.push(`${humanize(field)} is invalid`);
    }
  }
  // Each protocol once: the list is a set of four, not a text that could grow without end.
  if (Array.isArray(protocols) && new Set(protocols).size !== protocols.length) {
    problems.push('Delivery protocols is invalid');
  }
  problems.push(...keptFieldProblems(input));
  return problems;
}

const { short: shortText, long: longText } = undocumentedWowzaTextLimits;

// Every free text the stream keeps and answers on each read, with its bound: Wowza documents none for
// these, so each is the sandbox's own (unverified), as for names where a vendor gives none. A push `username`
// and `password` are bounded where their pattern is checked.
const keptTexts: readonly [field: string, limit: number][] = [
  ['description', longText],
  ['player_id', shortText],
  ['countdown_at', shortText],
  ['countdown_timezone', shortText],
  ['source_url', shortText],
];
const keptHostedPageTexts: readonly [field: string, limit: number][] = [
  ['title', shortText],
  ['description', longText],
];
const hostedPageFlags = ['enabled', 'sharing_icons'];

// The `security` object as the OpenAPI's live_stream_create_input documents it; other keys are dropped.
const securityFlags = [
  'force_ssl_playback',
  'geoblock_enabled',
  'token_auth_enabled',
  'token_auth_playlist_only',
];
const securityChoices: Record<string, readonly string[]> = {
  geoblock_by_location: ['allow', 'deny', 'disabled'],
  geoblock_ip_override: ['allow', 'deny', 'disabled'],
};
const securityTexts: readonly [field: string, limit: number][] = [
  ['geoblock_country_codes', longText],
  ['geoblock_ip_addresses', longText],
];
const securityFields = [
  ...securityFlags,
  ...Object.keys(securityChoices),
  ...securityTexts.map(([field]) => field),
  'token_auth_shared_secret',
];
// "Must contain only hexadecimal characters and be an even number of total characters not exceeding 32."
const sharedSecretPattern = /^(?:[0-9A-Fa-f]{2}){1,16}$/;

/**
 * The problems of the texts and objects a stream keeps whole: each free text a string of its bound without a
 * lone surrogate, and `hosted_page` and `security` holding their documented fields in their documented
 * types (their other keys are dropped when kept), so no raw request stores what every later read carries.
 */
function keptFieldProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (label: string, value: unknown, limit: number) => {
    const problem = value === undefined ? undefined : wowzaTextProblem(label, value, limit);
    if (problem) problems.push(problem);
  };
  for (const [field, limit] of keptTexts) check(humanize(field), input[field], limit);
  const page = input.hosted_page;
  if (typeof page === 'object' && page !== null && !Array.isArray(page)) {
    const fields = page as Record<string, unknown>;
    for (const [field, limit] of keptHostedPageTexts)
      check(`Hosted page ${field.replace(/_/g, ' ')}`, fields[field], limit);
    for (const flag of hostedPageFlags) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean')
        problems.push(`Hosted page ${flag.replace(/_/g, ' ')} is invalid`);
    }
  }
  const security = input.security;
  if (typeof security === 'object' && security !== null && !Array.isArray(security)) {
    const fields = security as Record<string, unknown>;
    const label = (field: string) => `Security ${field.replace(/_/g, ' ')}`;
    for (const flag of securityFlags) {
      if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean')
        problems.push(`${label(flag)} is invalid`);
    }
    for (const [field, allowed] of Object.entries(securityChoices)) {
      const value = fields[field];
      if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value)))
        problems.push(`${label(field)} is not included in the list`);
    }
    for (const [field, limit] of securityTexts) check(label(field), fields[field], limit);
    const secret = fields.token_auth_shared_secret;
    if (secret !== undefined && (typeof secret !== 'string' || !sharedSecretPattern.test(secret)))
      problems.push(`${label('token_auth_shared_secret')} is invalid`);
  }
  return problems;
}

/** The documented fields of a `security` object, as a stream keeps them. */
function securityOf(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([field]) => securityFields.includes(field)));
}

function readEnvelope(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const inner = (body as Record<string, unknown>).live_stream;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return undefined;
  return inner as Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function isPull(liveStream: Record<string, unknown>): boolean {
  return liveStream.delivery_method === 'pull' || liveStream.encoder === 'file';
}

/** `source_connection_information` per encoder, shaped like Wowza's examples (see each branch). */
function sourceConnection(
  record: StoredLiveStream,
  input: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  context: DialectContext,
): Record<string, unknown> {
  const liveStream = record.liveStream;
  const host = `${record.entryPoint}.entrypoint.video.wowza.com`;
  if (isPull(liveStream)) {
    // Pull: the source URL is echoed (client code and test stubs).
    return { source_url: input.source_url ?? previous?.source_url };
  }
  const streamName = typeof previous?.stream_name === 'string' ? previous.stream_name : context.randomHex(8);
  if (liveStream.encoder === 'other_webrtc') {
    // The API v2.0 quick start shape.
    return {
      sdp_url: `wss://${host}/webrtc-session.json`,
      application_name: record.application,
      stream_name: streamName,
    };
  }
  if (liveStream.encoder === 'other_srt') {
    // SANDBOX CHOICE: Wowza does not document SRT's keys; host and port as its transcoders expose them, and
    // no source authentication ("Source authentication … aren't available for SRT").
    return { primary_server: host, host_port: 10000, stream_name: streamName };
  }
  // RTMP/RTSP push: the v1 example shape (primary_server, host_port, application, stream_name, credentials).
  const disabled = input.disable_authentication ?? previous?.disable_authentication ?? false;
  const info: Record<string, unknown> = {
    primary_server: host,
    host_port: 1935,
    application: record.application,
    stream_name: streamName,
    disable_authentication: disabled,
  };
  if (disabled !== true) {
    info.username = input.username ?? previous?.username ?? `client${context.randomId(6)}`;
    info.password = input.password ?? previous?.password ?? context.randomHex(8);
  }
  return info;
}

/** `direct_playback_urls`, like the createLiveStream example: a source entry and one per rendition. */
function directPlaybackUrls(record: StoredLiveStream, context: DialectContext): Record<string, unknown> {
  const liveStream = record.liveStream;
  const host = `${record.entryPoint}.entrypoint.video.wowza.com`;
  const stream = String(liveStream.playback_stream_name);
  const webRtcStream = context.randomHex(8);
  const outputs =
    liveStream.transcoder_type === 'passthrough'
      ? []
      : ['webrtc', ...renditions].map((name) => ({ name, output_id: context.randomId(8) }));
  const protocols = Array.isArray(liveStream.delivery_protocols)
    ? (liveStream.delivery_protocols as string[])
    : defaultDeliveryProtocols;
  const urls: Record<string, unknown> = {};
  for (const protocol of defaultDeliveryProtocols.filter((known) => protocols.includes(known))) {
    const entry = (name: string, suffix: string, output?: string) => {
      const base = { name, ...(output ? { output_id: output } : {}) };
      if (protocol === 'webrtc') {
        return {
          ...base,
          url: `wss://${host}/webrtc-session.json`,
          application_name: record.application,
          stream_name: `${webRtcStream}${suffix}`,
        };
      }
      const port = protocol === 'rtmp' ? '' : ':1935';
      return { ...base, url: `${protocol}://${host}${port}/${record.application}/${stream}${suffix}` };
    };
    urls[protocol] = [
      entry('source', ''),
      ...outputs.map((output, index) => entry(output.name, `_stream${index + 1}`, output.output_id)),
    ];
  }
  return urls;
}

function hostedPage(
  input: Record<string, unknown> | undefined,
  previous: Record<string, unknown> | undefined,
  name: string,
  context: DialectContext,
): Record<string, unknown> {
  const enabled = input?.enabled ?? previous?.enabled ?? true;
  const page: Record<string, unknown> = {
    enabled,
    title: input?.title ?? previous?.title ?? name,
    description: input?.description ?? previous?.description ?? '',
    sharing_icons: input?.sharing_icons ?? previous?.sharing_icons ?? true,
  };
  const logo = input?.remove_logo_image === true ? undefined : previous?.logo_image_url;
  if (input?.logo_image !== undefined) {
    page.logo_image_url = `https://prod.s3.amazonaws.com/uploads/player/hosted_page_logo_image/${context.randomId(5)}/${context.randomHex(6)}.jpg`;
  } else if (logo !== undefined) page.logo_image_url = logo;
  if (enabled === true) {
    page.url = previous?.url ?? `https://embed.flowplayer.com/hosted/default/${context.randomId(8)}`;
  }
  return page;
}

const defaultSecurity = {
  force_ssl_playback: false,
  geoblock_enabled: false,
  geoblock_by_location: 'disabled',
  geoblock_ip_override: 'disabled',
  token_auth_enabled: false,
  token_auth_playlist_only: false,
};

function applyFields(
  record: StoredLiveStream,
  input: Record<string, unknown>,
  context: DialectContext,
): void {
  const liveStream = record.liveStream;
  for (const field of echoedFields) if (input[field] !== undefined) liveStream[field] = input[field];
  if (input.name !== undefined) liveStream.name = input.name;
  if (input.encoder !== undefined) liveStream.encoder = input.encoder;
  if (input.delivery_method !== undefined) liveStream.delivery_method = input.delivery_method;
  if (input.delivery_protocols !== undefined) liveStream.delivery_protocols = input.delivery_protocols;
  if (input.recording !== undefined) liveStream.recording = input.recording;
  if (input.vod_stream !== undefined) liveStream.vod_stream = input.vod_stream;
  if (input.save_asset !== undefined) liveStream.save_asset = input.save_asset;
  // save_asset: "If this value is true, recording and/or vod_stream are set to false."
  if (liveStream.save_asset === true) {
    liveStream.recording = false;
    liveStream.vod_stream = false;
  }
  if (input.security !== undefined) {
    const given = securityOf(input.security as Record<string, unknown>);
    liveStream.security = { ...(liveStream.security as object), ...given };
  }
  if (input.logo_image !== undefined) {
    liveStream.logo_image_url = `https://prod.s3.amazonaws.com/uploads/player/logo_image/${context.randomId(5)}/${context.randomHex(6)}.jpg`;
  } else if (input.remove_logo_image === true) delete liveStream.logo_image_url;
  if (input.video_poster_image !== undefined) {
    liveStream.video_poster_image_url = `https://prod.s3.amazonaws.com/uploads/player/video_poster_image/${context.randomId(5)}/${context.randomHex(6)}.jpg`;
  } else if (input.remove_video_poster_image === true) delete liveStream.video_poster_image_url;
  if (input.watermark_image !== undefined) {
    liveStream.watermark_image_url = `https://prod.s3.amazonaws.com/uploads/transcoder/watermark_image/${context.randomId(5)}/${context.randomHex(6)}.jpg`;
  }
}

function createStream(input: Record<string, unknown>, context: DialectContext): StoredLiveStream {
  const streams = context.collection<StoredLiveStream>(collectionName);
  let id = context.randomId(8);
  while (streams.has(id)) id = context.randomId(8);
  const now = context.now();
  const sequence = Math.max(0, ...[...streams.values()].map((stream) => stream.sequence)) + 1;
  const record: StoredLiveStream = {
    id,
    sequence,
    entryPoint: context.randomHex(6),
    application: `app-${context.randomId(8).toUpperCase()}`,
    ipAddress: `198.51.100.${1 + (sequence % 254)}`,
    liveStream: {
      id,
      name: input.name,
      state: 'stopped',
      aspect_ratio_width: 1280,
      aspect_ratio_height: 720,
      billing_mode: input.billing_mode ?? 'pay_as_you_go',
      broadcast_location: input.broadcast_location,
      closed_caption_type: 'none',
      connection_code: context.randomId(6),
      connection_code_expires_at: iso(now + 24 * 3600 * 1000),
      created_at: iso(now),
      updated_at: iso(now),
      delivery_method: 'push',
      delivery_protocols: [...defaultDeliveryProtocols],
      encoder: input.encoder,
      flowplayer: true,
      low_latency: input.low_latency ?? false,
      playback_stream_name: context.randomHex(8),
      player_type: 'wowza_flowplayer_v2',
      embed_code: null,
      // Served by the sandbox while an encoder publishes (see `view`).
      hls_playback_url: context.mediaUrl(id, 'playlist.m3u8'),
      recording: false,
      save_asset: false,
      security: { ...defaultSecurity },
      stream_targets: [{ id: context.randomId(8) }],
      target_delivery_protocol: 'hls-https',
      transcoder_type: input.transcoder_type ?? 'transcoded',
      use_stream_source: false,
      vod_stream: false,
      watermark: false,
      width: 640,
    },
  };
  applyFields(record, input, context);
  const liveStream = record.liveStream;
  liveStream.hosted_page = hostedPage(
    input.hosted_page as Record<string, unknown> | undefined,
    undefined,
    String(input.name),
    context,
  );
  liveStream.source_connection_information = sourceConnection(record, input, undefined, context);
  liveStream.direct_playback_urls = directPlaybackUrls(record, context);
  streams.set(id, record);
  return record;
}

function updateStream(
  record: StoredLiveStream,
  input: Record<string, unknown>,
  context: DialectContext,
): void {
  const liveStream = record.liveStream;
  const previousSource = liveStream.source_connection_information as Record<string, unknown> | undefined;
  const family = (stream: Record<string, unknown>) =>
    isPull(stream)
      ? 'pull'
      : stream.encoder === 'other_webrtc' || stream.encoder === 'other_srt'
        ? stream.encoder
        : 'push';
  const before = family(liveStream);
  // SANDBOX CHOICE: create-only fields on PATCH are ignored, as Rails ignores unpermitted parameters.
  const changes = Object.fromEntries(
    Object.entries(input).filter(([key]) => !createOnlyFields.includes(key)),
  );
  applyFields(record, changes, context);
  if (changes.hosted_page !== undefined) {
    liveStream.hosted_page = hostedPage(
      changes.hosted_page as Record<string, unknown>,
      liveStream.hosted_page as Record<string, unknown>,
      String(liveStream.name),
      context,
    );
  }
  const sourceChanged =
    family(liveStream) !== before ||
    ['username', 'password', 'disable_authentication', 'source_url'].some(
      (key) => changes[key] !== undefined,
    );
  if (sourceChanged) {
    const keep = family(liveStream) === before ? previousSource : undefined;
    liveStream.source_connection_information = sourceConnection(record, changes, keep, context);
  }
  if (changes.delivery_protocols !== undefined)
    liveStream.direct_playback_urls = directPlaybackUrls(record, context);
  liveStream.updated_at = iso(context.now());
}

// RTMP-family encoders push to the sandbox's own RTMP ingest (RTSP, SRT and WebRTC keep the vendor-shaped
// entry point: the sandbox takes no media over them). Which encoders push what, as the adapter reads it.
const nonRtmpEncoders = ['other_rtsp', 'ipcamera', 'other_srt', 'other_udp', 'other_webrtc', 'file'];
const rtmpEncoders = new Set(encoders.filter((encoder) => !nonRtmpEncoders.includes(encoder)));

/**
 * The stream as the API answers it: the stored object with its RTMP ingest and HLS playback pointing at the
 * sandbox's current addresses, so a persisted stream follows a sandbox restarted on other ports. With
 * `documentedOnly`, without the connection details no v2.0 document shows.
 */
function view(record: StoredLiveStream, context: DialectContext): Record<string, unknown> {
  const liveStream = { ...record.liveStream };
  liveStream.hls_playback_url = context.mediaUrl(record.id, 'playlist.m3u8');
  const source = liveStream.source_connection_information as Record<string, unknown> | undefined;
  if (source && !isPull(liveStream) && rtmpEncoders.has(String(liveStream.encoder))) {
    const ingest = new URL(context.ingestOrigin);
    liveStream.source_connection_information = {
      ...source,
      primary_server: ingest.hostname,
      host_port: Number(ingest.port),
    };
  }
  // Only the WebRTC shape of source_connection_information is documented for v2.0 (the quick start); the
  // RTMP, RTSP and pull keys come from v1 examples and client code, SRT's are a sandbox choice.
  if (context.settings.documentedOnly && liveStream.encoder !== 'other_webrtc') {
    delete liveStream.source_connection_information;
  }
  return liveStream;
}

/** The push credentials of a stream's RTMP entry point, when its source authentication is on. */
function pushCredentials(record: StoredLiveStream): { username: string; password: string } | undefined {
  const source = record.liveStream.source_connection_information as Record<string, unknown> | undefined;
  if (!source || source.disable_authentication === true) return undefined;
  if (typeof source.username !== 'string' || typeof source.password !== 'string') return undefined;
  return { username: source.username, password: source.password };
}

const summaryOf = (record: StoredLiveStream) => ({
  id: record.id,
  name: record.liveStream.name,
  state: record.liveStream.state,
  created_at: record.liveStream.created_at,
  updated_at: record.liveStream.updated_at,
});

type Summary = ReturnType<typeof summaryOf>;

// filter[n][field]=<field>&filter[n][<op>]=<value> ("How to get filtered query results"); additive.
function applyFilters(items: Summary[], query: URLSearchParams): Summary[] {
  const filters = new Map<string, Record<string, string>>();
  for (const [key, value] of query) {
    const match = /^filter\[(\d+)\]\[(\w+)\]$/.exec(key);
    if (!match?.[1] || !match[2]) continue;
    const filter = filters.get(match[1]) ?? {};
    filter[match[2]] = value;
    filters.set(match[1], filter);
  }
  let result = items;
  for (const filter of filters.values()) {
    const field = filter.field as keyof Summary | undefined;
    if (!field) continue;
    const fieldOf = (item: Summary) => String(item[field] ?? '');
    if (filter.eq !== undefined) result = result.filter((item) => fieldOf(item) === filter.eq);
    if (filter.neq !== undefined) result = result.filter((item) => fieldOf(item) !== filter.neq);
    if (filter.in !== undefined)
      result = result.filter((item) => filter.in?.split(',').includes(fieldOf(item)));
    if (filter.nin !== undefined)
      result = result.filter((item) => !filter.nin?.split(',').includes(fieldOf(item)));
    if (filter.like !== undefined) {
      const needle = filter.like.replace(/[*%]/g, '').toLowerCase();
      result = result.filter((item) => fieldOf(item).toLowerCase().includes(needle));
    }
    if (filter.sort === 'desc' || filter.sort === 'asc') {
      const direction = filter.sort === 'desc' ? -1 : 1;
      result = [...result].sort((a, b) => direction * fieldOf(a).localeCompare(fieldOf(b)));
    }
  }
  return result;
}

function list(request: SandboxRequest, context: DialectContext): SandboxResponse {
  const streams = [...context.collection<StoredLiveStream>(collectionName).values()].sort(
    (a, b) => a.sequence - b.sequence,
  );
  const items = applyFilters(streams.map(summaryOf), request.query);
  return wowzaPage(items, request.query, 'live_streams', context);
}

type Action = 'start' | 'stop' | 'reset';

// The transitions of Wowza's live stream state machine: the state reached at once (and answered) and the one
// reached after the transition time. Start and reset pass through `starting` and `resetting` (their OpenAPI
// examples, Wowza's Ruby SDK simulator). Stop answers `stopped`, and the stream is stopped: the quick start
// ("the response shows the live stream state as stop (stopped)"), the OpenAPI stopLiveStream example and our
// fixture agree; only the old Ruby SDK simulator went through `stopping`.
const transitions: Record<Action, { from: string; via: string; to: string; verb: string }> = {
  start: { from: 'stopped', via: 'starting', to: 'started', verb: 'Starting' },
  stop: { from: 'started', via: 'stopped', to: 'stopped', verb: 'Stopping' },
  reset: { from: 'started', via: 'resetting', to: 'started', verb: 'Resetting' },
};

function changeState(record: StoredLiveStream, action: Action, context: DialectContext): SandboxResponse {
  const transition = transitions[action];
  const state = String(record.liveStream.state);
  if (state !== transition.from) {
    // The vendor's message style: "Stopping is not allowed! Transcoder is in stopped state."
    return invalidStateChange(`${transition.verb} is not allowed! Transcoder is in ${state} state.`);
  }
  record.liveStream.state = transition.via;
  record.liveStream.updated_at = iso(context.now());
  context.changed();
  context.emit({
    kind: 'state-changed',
    id: record.id,
    previousState: state,
    state: transition.via,
    record: view(record, context),
  });
  // A stream that recorded has its recording once it stops (SANDBOX CHOICE: at once).
  const recordingReady = (current: StoredLiveStream) => {
    if (action !== 'stop' || current.liveStream.recording !== true) return;
    context.emit({
      kind: 'recording-ready',
      id: current.id,
      state: transition.to,
      record: view(current, context),
      details: { url: `${context.origin}/wowza-video/recordings/${current.id}.mp4` },
    });
  };
  if (transition.via === transition.to) {
    recordingReady(record);
    return { status: 200, body: { live_stream: { state: transition.via } } };
  }
  completeAfter(record.id, transition, context);
  return { status: 200, body: { live_stream: { state: transition.via } } };
}

// Ends a transition `transitionMs` from now: the stream reaches `to` if it is still `via` then (a stream
// deleted or changed meanwhile is left as it is).
function completeAfter(id: string, transition: { via: string; to: string }, context: DialectContext): void {
  context.after(context.settings.transitionMs, () => {
    const current = context.collection<StoredLiveStream>(collectionName).get(id);
    if (current && current.liveStream.state === transition.via) {
      current.liveStream.state = transition.to;
      current.liveStream.updated_at = iso(context.now());
      context.changed();
      context.emit({
        kind: 'state-changed',
        id: current.id,
        previousState: transition.via,
        state: transition.to,
        record: view(current, context),
        // The address a started transcoder answers `/state` with, which `start.complete` carries too.
        ...(transition.to === 'started' ? { details: { ipAddress: current.ipAddress } } : {}),
      });
    }
  });
}

function authenticate(request: SandboxRequest, context: DialectContext): SandboxResponse | undefined {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    return meta(401, 'ERR-401-NoApiKey', 'No API Key Error', 'No API key sent in header.');
  }
  const token = wowzaBearerToken(header);
  if (token !== undefined && token === context.settings.credentials.token) return undefined;
  if (token !== undefined && isExpiredJwt(token, context.now())) {
    // The vendor's own spelling ("exired"), from its documented example.
    return meta(401, 'ERR-401-ExpiredToken', 'JWT is expired', 'Token has exired.');
  }
  return meta(401, 'ERR-401-InvalidToken', 'JWT is invalid', 'Token is invalid.');
}

function isExpiredJwt(token: string, now: number): boolean {
  const payload = token.split('.')[1];
  if (!payload) return false;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && claims.exp * 1000 < now;
  } catch {
    return false;
  }
}

// Applications are `app-` and eight capitals and digits, one per stream (see createStream).
const applicationPattern = /^app-[A-Z0-9]{8}$/;

function streamByApplication(application: string, context: DialectContext): StoredLiveStream | undefined {
  for (const record of context.collection<StoredLiveStream>(collectionName).values()) {
    if (record.application === application) return record;
  }
  return undefined;
}

// A segment that does not decode (`%zz`) names no stream: no route, which answers 404 after the credentials
// are checked, as an unknown id does; and no fault's operation.
function route(request: SandboxRequest): { id?: string; action?: string } | undefined {
  const segments = request.path.split('/').filter(Boolean).map(decodeSegment);
  if (segments.includes(undefined)) return undefined;
  if (segments[0] !== 'live_streams' || segments.length > 3) return undefined;
  return {
    ...(segments[1] === undefined ? {} : { id: segments[1] }),
    ...(segments[2] === undefined ? {} : { action: segments[2] }),
  };
}

const analyticsPath = /^\/analytics\/ingest\/live_streams\/([^/]+)$/;

/**
 * `GET /analytics/ingest/live_streams/{id}` without `from`/`to`: the live ingest metrics ("Querying live
 * data", OpenAPI analyticLivestreamIngest), each `{status, text, units, value}`, from the encoder the
 * sandbox's RTMP ingest sees. SANDBOX CHOICE: without an encoder, `connected` is `No` and the rest `no_data`.
 */
function ingestAnalytics(record: StoredLiveStream, context: DialectContext): SandboxResponse {
  const info = context.encoderInfo(record.id);
  const connected = context.encoderConnected(record.id);
  const metric = (value: unknown, units = '') =>
    info ? { status: 'normal', text: '', units, value } : { status: 'no_data', text: '', units, value: 0 };
  const kilo = (bits: number) => Math.round(bits / 100) / 10;
  return {
    status: 200,
    body: {
      live_stream: {
        id: record.id,
        connected: { status: 'normal', text: '', units: '', value: connected ? 'Yes' : 'No' },
        audio_codec: metric(info?.audioCodec ?? ''),
        video_codec: metric(info?.videoCodec ?? ''),
        bits_in_rate: metric(kilo(info?.bitrate ?? 0), 'Kbps'),
        bytes_in_rate: metric(kilo((info?.bitrate ?? 0) / 8), 'KBps'),
        frame_size: metric(info?.width && info.height ? `${info.width}x${info.height}` : ''),
        frame_rate: metric(info?.frameRate ?? 0, 'FPS'),
        width: metric(info?.width ?? 0),
        height: metric(info?.height ?? 0),
        stream_target_status: [],
      },
    },
  };
}

function handle(request: SandboxRequest, context: DialectContext): SandboxResponse {
  const denied = authenticate(request, context);
  if (denied) return denied;
  const analytics = analyticsPath.exec(request.path);
  if (analytics) {
    const id = decodeSegment(analytics[1]);
    const record =
      id === undefined ? undefined : context.collection<StoredLiveStream>(collectionName).get(id);
    if (request.method !== 'GET') return recordNotFound();
    if (!record) {
      // analyticLivestreamIngest declares 410 (Error410) as every call on one stream does; that a deleted
      // stream's metrics answer it is unverified (docs/providers/wowza-video.md), as for a second delete.
      const deleted =
        id !== undefined && context.collection<DeletedLiveStream>(deletedCollectionName).has(id);
      return deleted ? recordDeleted() : recordNotFound();
    }
    return ingestAnalytics(record, context);
  }
  const target = route(request);
  if (!target) return recordNotFound();
  const { method } = request;
  const streams = context.collection<StoredLiveStream>(collectionName);

  if (target.id === undefined) {
    if (method === 'GET') return list(request, context);
    if (method !== 'POST') return recordNotFound();
    const input = readEnvelope(request.body);
    if (!input) return recordInvalid(["Live stream can't be blank"]);
    const problems = validate(input, 'create');
    if (problems.length > 0) return recordInvalid(problems);
    const record = createStream(input, context);
    context.countCreate();
    context.changed();
    context.emit({ kind: 'created', id: record.id, state: 'stopped', record: view(record, context) });
    return { status: 201, body: { live_stream: view(record, context) } };
  }

  const record = streams.get(target.id);
  if (!record) {
    const deleted = context.collection<DeletedLiveStream>(deletedCollectionName).has(target.id);
    return deleted ? recordDeleted() : recordNotFound();
  }
  const action = target.action;
  if (action === undefined) {
    if (method === 'GET') return { status: 200, body: { live_stream: view(record, context) } };
    if (method === 'PATCH') {
      const input = readEnvelope(request.body);
      if (!input) return recordInvalid(["Live stream can't be blank"]);
      const problems = validate(input, 'update');
      if (problems.length > 0) return recordInvalid(problems);
      updateStream(record, input, context);
      context.changed();
      context.emit({
        kind: 'updated',
        id: record.id,
        state: String(record.liveStream.state),
        record: view(record, context),
      });
      return { status: 200, body: { live_stream: view(record, context) } };
    }
    if (method === 'DELETE') {
      // Wowza documents no refusal of a delete by state (deleteLiveStream's 422 names only a stream with an
      // asset_id), and no webhook for a delete. A stream deleted while it runs stops its transcoder first:
      // the stop's own `stop.requested` / `stop.complete`, so an app that heard it start hears it end
      // (SANDBOX CHOICE, unverified: docs/providers/wowza-video.md). The encoder it had is cut too.
      context.disconnectEncoder(record.id);
      const state = String(record.liveStream.state);
      if (state !== 'stopped') {
        record.liveStream.state = 'stopped';
        record.liveStream.updated_at = iso(context.now());
        context.emit({
          kind: 'state-changed',
          id: record.id,
          previousState: state,
          state: 'stopped',
          record: view(record, context),
          // The ingest cuts an encoder on this stop: it tells it the stream was deleted, not stopped.
          details: { deleting: true },
        });
      }
      streams.delete(record.id);
      context
        .collection<DeletedLiveStream>(deletedCollectionName)
        .set(record.id, { id: record.id, deletedAt: iso(context.now()) });
      context.changed();
      context.emit({
        kind: 'deleted',
        id: record.id,
        state: String(record.liveStream.state),
        record: view(record, context),
      });
      return { status: 204 };
    }
    return recordNotFound();
  }
  if (method === 'PUT' && (action === 'start' || action === 'stop' || action === 'reset')) {
    return changeState(record, action, context);
  }
  if (method === 'GET' && action === 'state') {
    const state = record.liveStream.state;
    // "If the live stream state is anything other than started, the ip_address is 0.0.0.0."
    return {
      status: 200,
      body: { live_stream: { ip_address: state === 'started' ? record.ipAddress : '0.0.0.0', state } },
    };
  }
  if (method === 'PUT' && action === 'regenerate_connection_code') {
    const code = context.randomId(6);
    record.liveStream.connection_code = code;
    record.liveStream.connection_code_expires_at = iso(context.now() + 24 * 3600 * 1000);
    context.changed();
    return { status: 200, body: { live_stream: { connection_code: code } } };
  }
  if (method === 'GET' && action === 'thumbnail_url') {
    // "Fetch the thumbnail URL of a started live stream"; SANDBOX CHOICE: no URL while not started.
    const source = record.liveStream.source_connection_information as Record<string, unknown> | undefined;
    const thumbnail =
      record.liveStream.state === 'started'
        ? {
            thumbnail_url: `https://cloud.wowza.com/proxy/stats/?target=${record.ipAddress}&app=${record.application}&stream=${String(source?.stream_name ?? record.liveStream.playback_stream_name)}@${record.sequence}.stream&media=json`,
          }
        : {};
    return { status: 200, body: { live_stream: thumbnail } };
  }
  return recordNotFound();
}

function operationOf(request: SandboxRequest): FaultOperation | undefined {
  const target = route(request);
  if (!target) return undefined;
  const { method } = request;
  if (target.id === undefined) return method === 'POST' ? 'create' : method === 'GET' ? 'list' : undefined;
  if (target.action === undefined) {
    if (method === 'GET') return 'get';
    if (method === 'PATCH') return 'update';
    if (method === 'DELETE') return 'delete';
    return undefined;
  }
  if (method === 'PUT' && target.action === 'start') return 'start';
  if (method === 'PUT' && target.action === 'stop') return 'stop';
  if (method === 'GET' && target.action === 'state') return 'status';
  return undefined;
}

function error(kind: ErrorKind, status: number, message: string): SandboxResponse {
  switch (kind) {
    case 'unauthorized':
      return meta(status, 'ERR-401-InvalidToken', 'JWT is invalid', 'Token is invalid.');
    case 'forbidden':
      return meta(
        status,
        'ERR-403-RecordUnaccessible',
        'Record Unaccessible Error',
        "The requested resource isn't accessible.",
      );
    case 'not-found':
      // A 410 (a `status` fault) is Wowza's deleted record, in its own words (OpenAPI Error410 example),
      // never a 404's body under another status.
      if (status === 410) return recordDeleted();
      return meta(
        status,
        'ERR-404-RecordNotFound',
        'Record Not Found Error',
        "The requested resource couldn't be found.",
      );
    case 'conflict':
      return meta(
        422,
        'ERR-422-InvalidStateChange',
        'Invalid State Change Error',
        `${notProcessed} ${message}`,
      );
    case 'invalid':
      return meta(422, 'ERR-422-RecordInvalid', 'Record Invalid Error', `${notProcessed} ${message}`);
    // SANDBOX CHOICE: Wowza documents 429 ("Too many requests") and 5xx without a body; the meta shape is kept.
    case 'rate-limit':
      return meta(status, 'ERR-429-TooManyRequests', 'Too Many Requests Error', 'Too many requests.');
    case 'server-error':
      return meta(status, `ERR-${status}-ServerError`, 'Server Error', message);
  }
}

/**
 * The Wowza Video REST API v2.0 live stream dialect: `/api/v2.0/live_streams…` with the vendor's
 * `live_stream` / `live_streams` envelopes, status codes (201 create, 204 delete), `meta` error bodies,
 * bearer-token check (`ERR-401-NoApiKey` without a header, `ERR-401-InvalidToken` for a wrong one),
 * the start/stop/reset state machine with `ERR-422-InvalidStateChange` for invalid transitions, `page` /
 * `per_page` pagination with the `pagination` object, and ingest and playback details per encoder.
 */
export const wowzaVideoDialect: SandboxDialect = {
  id: 'wowza-video',
  basePath: '/api/v2.0',
  defaultCredentials: () => ({ token: defaultToken }),
  operationOf,
  error,
  handle,
  // `rtmp://<primary_server>:<host_port>/<application>/<stream_name>`, with Adobe authentication by the
  // push username and password unless `disable_authentication`; only a started stream takes video.
  ingest: {
    playlistName: 'playlist.m3u8',
    credentialsFor(application, context) {
      const record = streamByApplication(application, context);
      return record && rtmpEncoders.has(String(record.liveStream.encoder))
        ? pushCredentials(record)
        : undefined;
    },
    match(request, context) {
      if (!applicationPattern.test(request.application)) return undefined;
      const record = streamByApplication(request.application, context);
      if (!record) return { accept: false, reason: 'unknown application' };
      const source = record.liveStream.source_connection_information as Record<string, unknown> | undefined;
      if (!rtmpEncoders.has(String(record.liveStream.encoder)) || isPull(record.liveStream) || !source) {
        return { accept: false, reason: 'the stream takes no RTMP push', streamId: record.id };
      }
      if (source.stream_name !== request.streamName) {
        return { accept: false, reason: 'unknown stream name', streamId: record.id };
      }
      const credentials = pushCredentials(record);
      if (credentials && request.user !== credentials.username) {
        return { accept: false, reason: 'push credentials required', streamId: record.id };
      }
      const state = String(record.liveStream.state);
      if (state !== 'started')
        return { accept: false, reason: `the stream is ${state}`, streamId: record.id };
      return { accept: true, streamId: record.id };
    },
  },
  streams(context) {
    return [...context.collection<StoredLiveStream>(collectionName).values()]
      .sort((a, b) => a.sequence - b.sequence)
      .map((record) => {
        const liveStream = view(record, context);
        const source = (liveStream.source_connection_information ?? {}) as Record<string, unknown>;
        const ingest: { label: string; value: string; secret?: boolean }[] = [];
        if (rtmpEncoders.has(String(liveStream.encoder)) && !isPull(liveStream)) {
          ingest.push(
            {
              label: 'server',
              value: `rtmp://${source.primary_server}:${source.host_port}/${source.application}`,
            },
            { label: 'stream name', value: String(source.stream_name), secret: true },
          );
          const credentials = pushCredentials(record);
          if (credentials) {
            ingest.push(
              { label: 'username', value: credentials.username },
              { label: 'password', value: credentials.password, secret: true },
            );
          }
        } else {
          for (const [label, value] of Object.entries(source)) {
            ingest.push({
              label,
              value: String(value),
              ...(/password|stream_name/.test(label) ? { secret: true } : {}),
            });
          }
        }
        return {
          id: record.id,
          name: String(liveStream.name),
          state: String(liveStream.state),
          acceptsVideo: liveStream.state === 'started',
          ingest,
          hlsUrl: String(liveStream.hls_playback_url),
        };
      });
  },
  describe(id, context) {
    const record = context.collection<StoredLiveStream>(collectionName).get(id);
    return record ? { record: view(record, context), state: String(record.liveStream.state) } : undefined;
  },
  // A stream saved `starting` or `resetting` (the sandbox closed within `transitionMs` of its start) is
  // started `transitionMs` after this sandbox starts, as every start ends.
  resume(context) {
    for (const record of context.collection<StoredLiveStream>(collectionName).values()) {
      const state = String(record.liveStream.state);
      const transition = Object.values(transitions).find((one) => one.via === state && one.via !== one.to);
      if (transition) completeAfter(record.id, transition, context);
    }
  },
};
