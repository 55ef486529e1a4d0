import type { ProviderCapabilities } from '@unilive/core';
import type { VideosdkApiVersion } from './videosdk-api-version.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * What the v1 live-stream API can do. A v1 stream accepts RTMP as soon as it exists and there is no call
 * to start or stop it: an encoder going live or disconnecting is the whole lifecycle (vendor v1 guide,
 * "Go live with RTMP"). No status field exists in any version of the v1 reference, so the API cannot tell
 * whether video is arriving. The name limit is undocumented; 200 is unilive's own limit.
 */
export const videosdkV1Capabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  Object.freeze({
    lifecycle: 'always-on',
    start: false,
    stop: false,
    restart: false,
    update: true,
    delete: true,
    recording: true,
    restream: true,
    regions: false,
    lowLatency: false,
    broadcastingStatus: false,
    // v1 live streams have no webhooks at all.
    broadcastingEvents: false,
    names: true,
    ingestProtocols: Object.freeze(['rtmp'] as const),
    playbackProtocols: Object.freeze(['hls'] as const),
    maxNameLength: 200,
    states: Object.freeze(['ready'] as const),
    // Restream targets are set on create only: v1's update documents no `restream`.
    updatable: Object.freeze(['name', 'recording'] as const),
  }))();

/**
 * What the v2 room API can do. `start` and `stop` start and end the room's HLS egress (`/v2/hls/start`,
 * `/v2/hls/end`), and can be repeated; ingest is WHIP only (no RTMP into a room is documented); rooms keep
 * no name; the REST `region` field is discontinued. The vendor's session status says whether a room
 * session runs, which the HLS composer itself keeps open, so it does not tell whether the encoder's video
 * arrives: `broadcasting` is not reported.
 */
export const videosdkV2Capabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  Object.freeze({
    lifecycle: 'explicit',
    start: true,
    stop: true,
    restart: true,
    // A disabled room is enabled again by `update` (`providerOptions.videosdk.disabled: false`).
    enable: true,
    update: true,
    delete: true,
    recording: true,
    restream: true,
    regions: false,
    lowLatency: false,
    broadcastingStatus: false,
    // session-started / ended tell of the room session, which the HLS composer itself keeps open.
    broadcastingEvents: false,
    names: false,
    ingestProtocols: Object.freeze(['webrtc'] as const),
    playbackProtocols: Object.freeze(['hls'] as const),
    maxNameLength: 200,
    // The v2 state table (`videosdkV2State`): a room and its HLS egress.
    states: Object.freeze(['disabled', 'stopped', 'starting', 'ready', 'stopping'] as const),
    // Rooms keep no name; recording is held for the next start, restream targets change the running set.
    updatable: Object.freeze(['recording', 'restream'] as const),
  }))();

/** The capability table of each API version (frozen, as each table is). */
export const videosdkCapabilities: Readonly<Record<VideosdkApiVersion, ProviderCapabilities>> =
  /* @__PURE__ */ (() => Object.freeze({ v1: videosdkV1Capabilities, v2: videosdkV2Capabilities }))();
