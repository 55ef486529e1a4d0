import {
  type CreateLiveStreamInput,
  type InputGap,
  type LiveStream,
  type RestreamTargetInput,
  settleInputGaps,
  type UpdateLiveStreamInput,
  type Warning,
} from '@unilive/core';
import * as v from 'valibot';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * `providerOptions.liveapi`, checked before any request; unknown options are rejected.
 */
export const liveApiProviderOptionsSchema = /* @__PURE__ */ (() =>
  v.strictObject(
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
  ))();

/** The options `providerOptions.liveapi` takes. */
export type LiveApiProviderOptions = v.InferOutput<typeof liveApiProviderOptionsSchema>;

// With this package imported, `providerOptions.liveapi` is typed: options autocomplete and a misspelled one
// fails to compile.
declare module '@unilive/core' {
  interface ProviderOptionsRegistry {
    liveapi: { create: LiveApiProviderOptions; update: LiveApiProviderOptions };
  }
}

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

/**
 * The gaps of an input, settled by core's one rule before any request: an ingest protocol other than RTMP
 * and `recording: false` (LiveAPI records every broadcast and cannot turn that off) are errors; `region`
 * and `lowLatency: true` (no such settings) are warnings for the result. `recording: true` is honoured as
 * it stands (every broadcast is recorded, kept three days as a temporary recording): no warning.
 */
export function liveApiInputWarnings(
  input: CreateLiveStreamInput | UpdateLiveStreamInput,
  operation: 'create' | 'update',
): Warning[] {
  const gaps: InputGap[] = [];
  if ('ingestProtocol' in input && input.ingestProtocol !== undefined && input.ingestProtocol !== 'rtmp') {
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message: 'expected rtmp: LiveAPI ingests RTMP only',
    });
  }
  // `recording: true` is no gap: LiveAPI records every broadcast ("All live streams broadcasted via LiveAPI
  // are automatically recorded", record-your-livestream), so what was asked holds with nothing sent, as
  // Real-Time's `lowLatency: true` does. The three days it keeps them are the vendor's, on every stream.
  if (input.recording === false) {
    gaps.push({
      field: 'recording',
      kind: 'ignored',
      message:
        'LiveAPI cannot turn recording off: it keeps every broadcast as a temporary recording for three days; leave recording out',
    });
  }
  if (input.lowLatency === true) {
    gaps.push({
      field: 'lowLatency',
      kind: 'ignored',
      message: 'LiveAPI has no low-latency setting; lowLatency was not sent.',
    });
  }
  if (input.region !== undefined) {
    gaps.push({
      field: 'region',
      kind: 'ignored',
      message: 'LiveAPI takes no region: every stream ingests at the same RTMP host; region was not sent.',
    });
  }
  return settleInputGaps(gaps, { provider: 'liveapi', operation });
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
