import type { ProviderCapabilities } from '@unilive/core';

/**
 * What LiveAPI really supports, as the adapter uses it:
 * - the lifecycle is the `enabled` flag: `start` sets it, `stop` clears it (the documented emergency stop);
 * - every broadcast is recorded automatically as a temporary recording kept three days, and no setting
 *   turns that on or off (`recording: true` holds with nothing sent, and is not warned of; `false` is
 *   refused: `alwaysRecords`);
 * - restream targets are "platforms" added after the stream exists;
 * - no region choice, no low-latency mode, no documented name field (streams may come back without one);
 * - RTMP ingest only; HLS, the hosted player (video and audio-only) and, while online, an RTMP pull URL.
 */
export const liveApiCapabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  Object.freeze({
    lifecycle: 'toggle',
    start: true,
    stop: true,
    restart: true,
    update: true,
    delete: true,
    recording: true,
    alwaysRecords: true,
    restream: true,
    regions: false,
    lowLatency: false,
    broadcastingStatus: true,
    names: false,
    ingestProtocols: Object.freeze(['rtmp'] as const),
    playbackProtocols: Object.freeze(['hls', 'embed', 'rtmp'] as const),
    maxNameLength: 200,
    states: Object.freeze(['ready', 'stopped', 'unknown'] as const),
    // Restream targets are added on update; dropping one is refused (no documented removal). A name is sent
    // as on create, and kept or not as there (`names: false`): not a field these can claim.
    updatable: Object.freeze(['recording', 'restream'] as const),
  }))();
