import {
  type CreateLiveStreamInput,
  hasControlCharacter,
  type InputGap,
  InvalidInputError,
  invalidInput,
  type ProviderOptionsReading,
  providerOptionsError,
  type RestreamTarget,
  type RestreamTargetInput,
  readProviderOptions,
  restreamTargetsInputSchema,
  settleInputGaps,
  type UpdateLiveStreamInput,
  type Warning,
} from '@unilive/core';
import * as v from 'valibot';
import type { VideosdkV2CreateRoomBody, VideosdkV2HlsConfig, VideosdkV2Layout } from './videosdk-v2-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const provider = 'videosdk';

// Core's one rule: C0 and C1 controls, DEL and the line and paragraph separators have no place in a room
// id (sent in URL paths), a webhook URL or an event name the vendor stores and echoes into logs.
const text = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(max),
    v.check((value) => !hasControlCharacter(value), 'no control characters'),
  );

/**
 * `providerOptions.videosdk` on v2. Room fields go to `POST /v2/rooms` [V2-REPO create-room.js]; the
 * composition fields go to `config` of `POST /v2/hls/start` (and the layout and theme to the RTMP-out
 * start) [V2-REPO start-hls.js, start-livestream.js]. Values are the vendor's.
 */
const providerOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    /** Your own id for the room; the vendor's server SDK says create is idempotent on it. */
    customRoomId: v.optional(text(256)),
    /** Room webhook subscription: HTTPS endpoint (at most 512 characters, per the server SDK) and event names. */
    webhook: v.optional(
      v.strictObject({
        endPoint: v.pipe(text(512), v.url(), v.startsWith('https://', 'an https:// URL')),
        events: v.pipe(v.array(text(100)), v.minLength(1)),
      }),
    ),
    /** When the vendor closes the room; `duration` in minutes per the reference (seconds per the SDK). */
    autoCloseConfig: v.optional(
      v.strictObject({
        type: v.picklist(['session-ends', 'session-end-and-deactivate']),
        duration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      }),
    ),
    layout: v.optional(
      v.strictObject({
        type: v.optional(v.picklist(['GRID', 'SPOTLIGHT', 'SIDEBAR'])),
        priority: v.optional(v.picklist(['SPEAKER', 'PIN'])),
        // The HLS reference allows up to 25; the RTMP-out pages say 4 in 2024-2025 (open question Q8).
        gridSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(25))),
      }),
    ),
    orientation: v.optional(v.picklist(['landscape', 'portrait'])),
    theme: v.optional(v.picklist(['DARK', 'LIGHT', 'DEFAULT'])),
    mode: v.optional(v.picklist(['video-and-audio', 'audio'])),
    quality: v.optional(v.picklist(['low', 'med', 'high'])),
  }))();

type ProviderOptions = v.InferOutput<typeof providerOptionsSchema>;

/**
 * `providerOptions.videosdk` of a create. v2 fields; v1 takes none and refuses any at run time
 * (`InvalidInputError`). Room fields are sent in `POST /v2/rooms`; the composition fields wait for `start`
 * (`config` of `POST /v2/hls/start`; layout and theme also of the RTMP-out start). Values are the vendor's.
 */
export interface VideosdkCreateOptions {
  /**
   * Your own id for the room [V2-REPO create-room.js]; 1–256 characters is unilive's own bound (no source gives
   * a limit); create is idempotent on it (server SDK).
   */
  customRoomId?: string | undefined;
  /** Room webhook subscription: an `https://` endpoint of at most 512 characters, and the event names. */
  webhook?: { endPoint: string; events: readonly string[] } | undefined;
  /** When the vendor closes the room; `duration` in minutes per the reference (seconds per the server SDK). */
  autoCloseConfig?: { type: 'session-ends' | 'session-end-and-deactivate'; duration?: number } | undefined;
  /** Composition of the HLS (and RTMP-out) output; `gridSize` 1–25. */
  layout?: VideosdkV2Layout | undefined;
  orientation?: 'landscape' | 'portrait' | undefined;
  theme?: 'DARK' | 'LIGHT' | 'DEFAULT' | undefined;
  mode?: 'video-and-audio' | 'audio' | undefined;
  quality?: 'low' | 'med' | 'high' | undefined;
}

/**
 * `providerOptions.videosdk` of an update: the composition for the next start, and `disabled`, which
 * disables or re-enables the room (`POST /v2/rooms/{roomId}` `{ status }`, 2024 reference, unverified).
 * Room fields are set on create only.
 */
export interface VideosdkUpdateOptions
  extends Omit<VideosdkCreateOptions, 'customRoomId' | 'webhook' | 'autoCloseConfig'> {
  disabled?: boolean | undefined;
}

/**
 * `providerOptions.videosdk` of a `start` (v2): what the HLS egress and the RTMP-outs start with, for a
 * process that did not create the stream (`unilive start` after `unilive create`, another worker). Each
 * field given replaces what this client holds for the room (from create, update or an earlier start), and
 * is held for the next start. `recording` → `config.recording.enabled` of `POST /v2/hls/start`;
 * `restream` → `outputs` of `POST /v2/livestreams/start` (checked as on create: `rtmp://` or `rtmps://`,
 * at most 20; keys are secrets); the composition as on create.
 */
export interface VideosdkStartOptions
  extends Omit<VideosdkCreateOptions, 'customRoomId' | 'webhook' | 'autoCloseConfig'> {
  recording?: boolean | undefined;
  restream?: readonly RestreamTargetInput[] | undefined;
}

// With this package imported, `providerOptions.videosdk` is typed.
declare module '@unilive/core' {
  interface ProviderOptionsRegistry {
    videosdk: { create: VideosdkCreateOptions; update: VideosdkUpdateOptions; start: VideosdkStartOptions };
  }
}

const compositionEntries = /* @__PURE__ */ (() => ({
  layout: providerOptionsSchema.entries.layout,
  orientation: providerOptionsSchema.entries.orientation,
  theme: providerOptionsSchema.entries.theme,
  mode: providerOptionsSchema.entries.mode,
  quality: providerOptionsSchema.entries.quality,
}))();

const startOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    ...compositionEntries,
    recording: v.optional(v.boolean()),
    restream: v.optional(restreamTargetsInputSchema),
  }))();

/**
 * Reads `providerOptions.videosdk` of a start: the start settings it replaces, or undefined when none are
 * given. Refused before any request: an unknown option, a value the vendor does not take, a restream
 * target that is no RTMP URL with a stream key.
 */
export function convertToVideosdkV2StartOptions(
  options: { providerOptions?: unknown } | undefined,
  reading?: ProviderOptionsReading,
): Partial<VideosdkV2StartSettings> | undefined {
  const given = readOptions(options ?? {}, startOptionsSchema, 'start', reading);
  if (given === undefined) return undefined;
  const settings: Partial<VideosdkV2StartSettings> = {};
  if (given.recording !== undefined) settings.recording = given.recording;
  const config = compositionOf(given);
  if (Object.keys(config).length > 0) settings.config = config;
  if (given.restream !== undefined) {
    settings.restream = given.restream.map((target) => ({ url: target.url, streamKey: target.streamKey }));
  }
  return settings;
}

/**
 * What a v2 stream starts with. v2 keeps none of it on the room: recording, composition and restream
 * targets are arguments of the start calls (`/v2/hls/start`, `/v2/livestreams/start`). The adapter holds
 * them in memory per room until `start`.
 */
export interface VideosdkV2StartSettings {
  /**
   * Whether the next start records (`true` sends `config.recording.enabled`). Undefined only when no call of
   * this client named it (an update without `recording` of a room this client did not create): the next
   * start then sends none, but whether the stream records is not known, so it is not reported.
   */
  recording: boolean | undefined;
  config: Omit<VideosdkV2HlsConfig, 'recording'>;
  /**
   * The targets of the next start (`[]`: none). Undefined only when no call of this client named them (an
   * update without `restream` of a room this client did not create): the next start then sends none, but
   * the stream's list is not known, so it is not reported.
   */
  restream: RestreamTarget[] | undefined;
}

/** The room body, the start settings and the soft gaps of a create. */
export interface VideosdkV2CreateRequest {
  body: VideosdkV2CreateRoomBody;
  start: VideosdkV2StartSettings;
  warnings: Warning[];
}

/**
 * Builds `POST /v2/rooms` and the settings held for `start`. Refused before any request: an ingest
 * protocol other than WebRTC (WHIP is v2's only ingest; RTMP ingest exists on v1 alone) and unknown
 * provider options. By core's one rule, `name` (rooms keep none), `region` (the room `region` field is
 * discontinued) and `lowLatency` are preferences the stream works without: warnings on the result.
 */
export function convertToVideosdkV2CreateRequest(
  input: CreateLiveStreamInput,
  reading?: ProviderOptionsReading,
): VideosdkV2CreateRequest {
  const operation = 'create';
  if (input.ingestProtocol !== undefined && input.ingestProtocol !== 'webrtc') {
    const message =
      input.ingestProtocol === 'rtmp'
        ? "videosdk v2 has no RTMP ingest: video enters a room over WHIP (webrtc). For an RTMP ingest URL and stream key, use videosdk({ apiVersion: 'v1' })"
        : `videosdk v2 ingests over WHIP only; expected webrtc (RTMP ingest: videosdk({ apiVersion: 'v1' }))`;
    throw invalidInput([{ path: 'ingestProtocol', message }], { provider, operation });
  }
  const options =
    readOptions(input, providerOptionsSchema, operation, reading) ?? noOptions<ProviderOptions>();
  const gapWarnings = settleInputGaps(preferenceGaps(input), { provider, operation });
  const body: VideosdkV2CreateRoomBody = {};
  if (options.customRoomId !== undefined) body.customRoomId = options.customRoomId;
  if (options.webhook !== undefined) body.webhook = options.webhook;
  if (options.autoCloseConfig !== undefined) body.autoCloseConfig = options.autoCloseConfig;
  const start: VideosdkV2StartSettings = {
    recording: input.recording ?? false,
    config: compositionOf(options),
    restream: (input.restream ?? []).map((target) => ({ url: target.url, streamKey: target.streamKey })),
  };
  return {
    body,
    start,
    warnings: [...gapWarnings, ...heldWarnings(input, options)],
  };
}

/** The changes of an update: new start settings, the room status to set, and the soft gaps. */
export interface VideosdkV2UpdateRequest {
  /** Settings that replace the held ones, field by field. */
  start: Partial<VideosdkV2StartSettings>;
  /** `POST /v2/rooms/{roomId}` `{ status }` (2024 reference only). */
  status?: 'enabled' | 'disabled';
  warnings: Warning[];
}

// Without the room fields, which no documented update takes: given, they are refused as misplaced
// (`misplacedOption`), with every other unknown field of the same options, and the fields an update does
// take are the ones a refusal lists.
const updateOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject({
    ...compositionEntries,
    /** Disables or re-enables the room: `POST /v2/rooms/{roomId}` `{ status }` (2024 reference, unverified). */
    disabled: v.optional(v.boolean()),
  }))();

type UpdateOptions = v.InferOutput<typeof updateOptionsSchema>;

/**
 * Reads an update. v2 keeps no name; room fields cannot change after create; `disabled` toggles the room;
 * recording, composition and restream targets replace the held start settings.
 */
export function convertToVideosdkV2UpdateRequest(
  patch: UpdateLiveStreamInput,
  reading?: ProviderOptionsReading,
): VideosdkV2UpdateRequest {
  const operation = 'update';
  const options = readOptions(patch, updateOptionsSchema, operation, reading) ?? noOptions<UpdateOptions>();
  const gapWarnings = settleInputGaps(preferenceGaps(patch), { provider, operation });
  const start: Partial<VideosdkV2StartSettings> = {};
  if (patch.recording !== undefined) start.recording = patch.recording;
  const config = compositionOf(options);
  if (Object.keys(config).length > 0) start.config = config;
  if (patch.restream !== undefined) {
    start.restream = patch.restream.map((target) => ({ url: target.url, streamKey: target.streamKey }));
  }
  const warnings: Warning[] = [...gapWarnings];
  // Held for the next start, in this process only: said as on create.
  warnings.push(...heldWarnings(patch, options));
  return {
    start,
    ...(options.disabled === undefined ? {} : { status: options.disabled ? 'disabled' : 'enabled' }),
    warnings,
  };
}

// No options given: an object with no prototype, so reading an option never reaches Object.prototype
// (where a polluted `customRoomId` would otherwise be sent).
function noOptions<T>(): T {
  return Object.create(null) as T;
}

function compositionOf(
  options: Pick<ProviderOptions, 'layout' | 'orientation' | 'theme' | 'mode' | 'quality'>,
): Omit<VideosdkV2HlsConfig, 'recording'> {
  const config: Omit<VideosdkV2HlsConfig, 'recording'> = {};
  if (options.layout !== undefined) config.layout = { ...options.layout } as VideosdkV2Layout;
  if (options.orientation !== undefined) config.orientation = options.orientation;
  if (options.theme !== undefined) config.theme = options.theme;
  if (options.mode !== undefined) config.mode = options.mode;
  if (options.quality !== undefined) config.quality = options.quality;
  return config;
}

// A refusal is masked by the provider's secrets (`reading`) before its issues are reworded, so a field name
// repeating one is `[REDACTED]` in the words as in the path.
function readOptions<T>(
  input: { providerOptions?: unknown },
  schema: v.GenericSchema<unknown, T>,
  operation: string,
  reading?: ProviderOptionsReading,
): T | undefined {
  try {
    return readProviderOptions(input, provider, schema, operation, reading);
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    const issues = error.issues.map((issue) => ({
      path: issue.path,
      message: `videosdk v2: ${misplacedOption(issue, operation) ?? (issue.message === 'is required' ? 'a value is required' : issue.message)}`,
    }));
    throw providerOptionsError(issues, { provider, operation });
  }
}

// A field v2 takes, given on a call that does not take it, is no "unknown field": the refusal says where it
// goes, as an update's refusal of a room field does.
function misplacedOption(issue: { path: string; message: string }, operation: string): string | undefined {
  if (!issue.message.startsWith('unknown field')) return undefined;
  const field = /\.videosdk\.([A-Za-z]+)$/.exec(issue.path)?.[1];
  if (field === undefined) return undefined;
  if (roomFields.has(field)) return `${field} is set on create only (a room field)`;
  if (field === 'disabled') return 'disabled is an option of update only (it toggles the room)';
  if ((field === 'recording' || field === 'restream') && operation !== 'start') {
    return `${field} is a start option here; on ${operation}, give the input's own \`${field}\``;
  }
  return undefined;
}

const roomFields: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'customRoomId',
  'webhook',
  'autoCloseConfig',
]);

// Preferences v2 has no setting for: the stream works without them, and a warning says so.
function preferenceGaps(input: UpdateLiveStreamInput): InputGap[] {
  const gaps: InputGap[] = [];
  // A room keeps no name: the name is a label the stream works without (core's rule makes it a warning).
  if (input.name !== undefined) {
    gaps.push({
      field: 'name',
      kind: 'ignored',
      message: 'videosdk v2 rooms keep no name; the name was not sent (the stream id is the room id)',
    });
  }
  if (input.region !== undefined) {
    gaps.push({
      field: 'region',
      kind: 'ignored',
      message:
        'videosdk v2 has no region choice (the room `region` field is discontinued; allowed values: none); region was not sent',
    });
  }
  if (input.lowLatency === true) {
    gaps.push({
      field: 'lowLatency',
      kind: 'ignored',
      message:
        'videosdk v2 plays back over standard HLS only and has no low-latency mode; lowLatency was ignored',
    });
  }
  return gaps;
}

// Settings v2 takes only when a stream starts: said on each, since only this process knows them.
function heldWarnings(
  input: UpdateLiveStreamInput,
  options: Pick<ProviderOptions, 'layout' | 'orientation' | 'theme' | 'mode' | 'quality'>,
): Warning[] {
  const held = [
    ...(input.recording === true ? ['recording'] : []),
    ...((input.restream?.length ?? 0) > 0 ? ['restream'] : []),
    ...(['layout', 'orientation', 'theme', 'mode', 'quality'] as const)
      .filter((key) => options[key] !== undefined)
      .map((key) => `providerOptions.videosdk.${key}`),
  ];
  return held.map((setting) => heldWarning(setting));
}

/**
 * The warning for a setting v2 keeps nowhere on the room: this client holds it in its process's memory
 * until `start`, so a start from another process (or after a restart) does not know it.
 */
export function heldWarning(setting: string): Warning {
  const name = setting.replace(/^providerOptions\.videosdk\./, '');
  return {
    type: 'held-in-memory',
    setting,
    message: `videosdk v2 keeps no ${setting} on a room: this client holds it in memory and sends it when it starts the stream. A start from another process does not know it: give it there as start({ providerOptions: { videosdk: { ${name} } } })`,
  };
}
