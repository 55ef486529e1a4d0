import type { ProviderCapabilities } from '@unilive/core';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/**
 * What Wowza Real-Time Streaming at Scale really supports (API v2.0, `/real_time`):
 * - a stream accepts a publisher as soon as it exists and there is no start call, so `start` returns
 *   the stream as it is (`start: false`); `PUT /real_time/{id}/stop` stops it (`stop: true`), and Wowza
 *   documents no call that starts it again (`restart: false`; whether a publisher reopens it is
 *   unverified): lifecycle `stop-only`;
 * - the endpoints are what has a URL: RTMP ingest (`rtmp_url`) and the hosted page (`embed`). WebRTC
 *   publishing and playing go through Wowza's SDK or OBS build with the stream name and tokens of
 *   `providerDetails['wowza-realtime'].sdk`, for which Wowza documents no URL;
 * - delivery is always sub-second (`lowLatency`), `region` is a choice, `recording` is create-only;
 * - no restream, and no field says whether video is arriving.
 */
export const wowzaRealtimeCapabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  Object.freeze({
    lifecycle: 'stop-only',
    start: false,
    stop: true,
    restart: false,
    update: true,
    delete: true,
    recording: true,
    restream: false,
    regions: true,
    lowLatency: true,
    broadcastingStatus: false,
    names: true,
    ingestProtocols: Object.freeze(['rtmp'] as const),
    playbackProtocols: Object.freeze(['embed'] as const),
    // The vendor takes 255 characters; unilive's validation caps every name at 200 first.
    maxNameLength: 200,
    states: Object.freeze(['ready', 'stopped', 'disabled', 'unknown'] as const),
    // Recording is chosen when the stream is created ("You can't update this value after you create the stream").
    updatable: Object.freeze(['name', 'region', 'lowLatency'] as const),
  }))();
