import type { ProviderCapabilities } from '@unilive/core';

/**
 * What Wowza Video live streams really support through this adapter.
 * - Explicit `PUT …/start` and `PUT …/stop`, restartable; `reset` is an extra method.
 * - Restream: Wowza forwards to other destinations through stream targets, which this adapter does not
 *   manage, so `restream` input is refused.
 * - `broadcastingStatus` is false: the state call's `ip_address` is the address of the stream's instance,
 *   set whenever the stream is started (OpenAPI `showLiveStreamState`), so it does not tell whether video
 *   arrives.
 * - Ingest: RTMP (`other_rtmp`), RTSP (`other_rtsp`), SRT (`other_srt`) and WebRTC (`other_webrtc`) push.
 * - Playback: HLS, the hosted page (embed), and the direct RTMP, RTSP, WOWZ and WebRTC URLs.
 */
export const wowzaVideoCapabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  Object.freeze({
    lifecycle: 'explicit',
    start: true,
    stop: true,
    restart: true,
    update: true,
    delete: true,
    recording: true,
    restream: false,
    regions: true,
    lowLatency: true,
    broadcastingStatus: false,
    // Its webhooks tell transcoder starts and stops, never whether the encoder's video arrives.
    broadcastingEvents: false,
    names: true,
    ingestProtocols: Object.freeze(['rtmp', 'rtsp', 'srt', 'webrtc'] as const),
    playbackProtocols: Object.freeze(['hls', 'embed', 'rtmp', 'rtsp', 'wowz', 'webrtc'] as const),
    maxNameLength: 200,
    states: Object.freeze(['stopped', 'starting', 'ready', 'stopping', 'resetting', 'unknown'] as const),
    // `broadcast_location` and `low_latency` are create-only (the OpenAPI update schema has neither).
    updatable: Object.freeze(['name', 'recording'] as const),
  }))();
