import type {
  CreateLiveStreamInput,
  LiveStream,
  RestreamTarget,
  RestreamTargetInput,
  UpdateLiveStreamInput,
  Warning,
} from '@unilive/core';
import * as v from 'valibot';

/**
 * `providerOptions.liveapi`, checked before any request; unknown options are rejected.
 */
export const liveApiProviderOptionsSchema = v.strictObject(
  {
    /**
     * The stream's `enabled` flag on create or update. A stream created with `false` refuses the encoder
     * until `start`.
     */
    enabled: v.optional(v.boolean('expected a boolean')),
    /**
     * Merged into the body's `settings` object as given. LiveAPI documents no settings field (its samples
     * show only `settings.pulling_mode: {}`); Castr, which shares the API, accepts `settings.abr` and
     * `settings.cloud_recording`. Unverified on LiveAPI: use at your own risk.
     */
    settings: v.optional(v.record(v.string(), v.unknown(), 'expected an object of settings')),
  },
  'expected only enabled and settings',
);

/** The options `providerOptions.liveapi` takes. */
export type LiveApiProviderOptions = v.InferOutput<typeof liveApiProviderOptionsSchema>;

/** The JSON body of `POST /live_streams` and `PATCH /live_streams/{id}`. */
export interface LiveApiStreamBody {
  name?: string;
  enabled?: boolean;
  settings?: Record<string, unknown>;
}

/** The JSON body of `POST /live_streams/{id}/platforms`. */
export interface LiveApiPlatformBody {
  template: 'custom';
  server: string;
  key: string;
  enabled: boolean;
}

/**
 * The create body: `name` (accepted by Castr's identical API; LiveAPI's samples never show it) and
 * `enabled`, true unless `providerOptions.liveapi.enabled` says otherwise.
 */
export function toLiveApiCreateBody(
  input: CreateLiveStreamInput,
  options: LiveApiProviderOptions | undefined,
): LiveApiStreamBody {
  return {
    name: input.name,
    enabled: options?.enabled ?? true,
    ...(options?.settings === undefined ? {} : { settings: options.settings }),
  };
}

/** The update body; empty when nothing in the patch goes to `PATCH /live_streams/{id}`. */
export function toLiveApiUpdateBody(
  patch: UpdateLiveStreamInput,
  options: LiveApiProviderOptions | undefined,
): LiveApiStreamBody {
  return {
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(options?.enabled === undefined ? {} : { enabled: options.enabled }),
    ...(options?.settings === undefined ? {} : { settings: options.settings }),
  };
}

/**
 * A neutral restream target as a LiveAPI platform: the generic RTMP template `custom`, switched on so it
 * receives the signal (only template the platforms page documents).
 */
export function toLiveApiPlatformBody(target: RestreamTargetInput): LiveApiPlatformBody {
  return { template: 'custom', server: target.url, key: target.streamKey, enabled: true };
}

/** Soft gaps of an input: settings LiveAPI has no field for. */
export function liveApiInputWarnings(input: CreateLiveStreamInput | UpdateLiveStreamInput): Warning[] {
  const warnings: Warning[] = [];
  if (input.recording !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'recording',
      message: input.recording
        ? 'LiveAPI has no recording setting: it records every broadcast automatically as a temporary recording kept for three days (GET /live_streams/{id}/temporary_recordings); convert one to a video to keep it.'
        : 'LiveAPI has no recording setting and cannot turn recording off: every broadcast is kept as a temporary recording for three days.',
    });
  }
  if (input.lowLatency !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'lowLatency',
      message: 'LiveAPI has no low-latency setting; lowLatency was not sent.',
    });
  }
  if (input.region !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'region',
      message: 'LiveAPI takes no region: every stream ingests at the same RTMP host; region was not sent.',
    });
  }
  return warnings;
}

/** The warning for a name sent but not returned. */
export function liveApiNameWarning(stream: LiveStream): Warning[] {
  if (stream.name !== undefined) return [];
  return [
    {
      type: 'unsupported-setting',
      setting: 'name',
      message:
        'LiveAPI returned the stream without a name: it may not keep names (capabilities.names is false); keep the name on your side.',
    },
  ];
}

/** What an update's `restream` list asks of LiveAPI, compared with the targets the stream has. */
export interface RestreamPlan {
  add: RestreamTargetInput[];
  remove: RestreamTarget[];
  /** Indexes in the wanted list of targets the stream has but LiveAPI reports switched off (`enabled: false`). */
  switchedOff: number[];
}

/** Targets to add and to remove so that the stream's targets become `wanted` (matched on url and key). */
export function planRestream(
  current: readonly RestreamTarget[],
  wanted: readonly RestreamTargetInput[],
): RestreamPlan {
  const keyOf = (target: RestreamTargetInput) => JSON.stringify([target.url, target.streamKey]);
  const currentByKey = new Map(current.map((target) => [keyOf(target), target]));
  const wantedKeys = new Set(wanted.map(keyOf));
  const add: RestreamTargetInput[] = [];
  const switchedOff: number[] = [];
  const seen = new Set<string>();
  for (const [index, target] of wanted.entries()) {
    const key = keyOf(target);
    const existing = currentByKey.get(key);
    if (!existing && !seen.has(key)) add.push(target);
    if (existing?.enabled === false) switchedOff.push(index);
    seen.add(key);
  }
  return { add, remove: current.filter((target) => !wantedKeys.has(keyOf(target))), switchedOff };
}

/**
 * The warning for a wanted target the stream has but LiveAPI reports switched off: it stays in the list and
 * receives nothing. LiveAPI documents no call that switches a target on (Castr's `PATCH
 * …/platforms/{id}` with `{enabled}` is unverified here), so the adapter does not try.
 */
export function liveApiSwitchedOffWarning(index: number): Warning {
  return {
    type: 'unsupported-setting',
    setting: `restream.${index}`,
    message:
      'this restream target exists but LiveAPI reports it switched off (enabled: false), so nothing is sent to it; LiveAPI documents no way to switch it on (switch it on in the LiveAPI dashboard)',
  };
}
