import type { ProviderCapabilities } from '@unilive/core';

/**
 * What Wowza Real-Time Streaming at Scale really supports (API v2.0, `/real_time`):
 * - a stream accepts a publisher as soon as it exists and there is no start call, so `start` returns
 *   the stream as it is (`start: false`); `PUT /real_time/{id}/stop` ends it (`stop: true`), and nothing
 *   starts a stopped stream again (`restart: false`): lifecycle `stop-only`;
 * - every stream takes WebRTC (SDK or OBS "Wowza WebRTC") and RTMP publishers at once;
 * - viewers play over WebRTC with the SDK, or on the vendor's hosted page (`embed`);
 * - delivery is always sub-second (`lowLatency`), `region` is a choice, `recording` is create-only;
 * - no restream, and no field says whether video is arriving.
 */
export const wowzaRealtimeCapabilities: ProviderCapabilities = Object.freeze({
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
  ingestProtocols: Object.freeze(['webrtc', 'rtmp'] as const),
  playbackProtocols: Object.freeze(['webrtc', 'embed'] as const),
  // The vendor takes 255 characters; unilive's validation caps every name at 200 first.
  maxNameLength: 200,
});
