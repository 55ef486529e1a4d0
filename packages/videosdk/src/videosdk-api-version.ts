import type { LiveStreamProvider } from '@unilive/core';

/**
 * Which videosdk.live REST API the adapter speaks.
 *
 * Only `'v1'` exists today: the standalone live streams of `/v1/livestreams` (an RTMP ingest point with
 * HLS playback). The vendor has since moved to a room-based v2 API; it will be added here as `'v2'` behind
 * the same provider contract, so code written against the neutral interface keeps working when a
 * deployment switches by configuration.
 */
export type VideosdkApiVersion = 'v1';

/** Every {@link VideosdkApiVersion} this release implements. */
export const videosdkApiVersions = ['v1'] as const satisfies readonly VideosdkApiVersion[];

/**
 * What one API version implements. The provider adds identity, credentials and secrets around it, so a
 * version's mapping lives entirely in its own files (`*-v1-*.ts`).
 */
export type VideosdkApiImplementation = Pick<
  LiveStreamProvider,
  'capabilities' | 'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop'
>;
