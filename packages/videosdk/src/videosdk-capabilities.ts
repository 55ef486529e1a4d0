import type { ProviderCapabilities } from '@unilive/core';

/**
 * What the v1 live-stream API can do. A v1 stream accepts RTMP as soon as it exists and there is no call
 * to start or stop it: an encoder going live or disconnecting is the whole lifecycle (vendor v1 guide,
 * "Go live with RTMP"). No status field exists in any version of the v1 reference, so the API cannot tell
 * whether video is arriving. The name limit is undocumented; 200 is unilive's own limit.
 */
export const videosdkV1Capabilities: ProviderCapabilities = {
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
  names: true,
  ingestProtocols: ['rtmp'],
  playbackProtocols: ['hls'],
  maxNameLength: 200,
};
