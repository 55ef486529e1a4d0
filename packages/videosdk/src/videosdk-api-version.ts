import type { LiveStreamProvider, ProviderOptionsOperation } from '@unilive/core';

/**
 * Which videosdk.live REST API the adapter speaks.
 *
 * - `'v2'` (the default): the API the vendor offers today. A live stream is a room (`/v2/rooms`), video
 *   enters it over WHIP, viewers play its HLS egress (`/v2/hls/start|end`), restream targets are its
 *   RTMP-outs (`/v2/livestreams/start|end`).
 * - `'v1'`: the standalone live streams of `/v1/livestreams` (an RTMP ingest point with HLS playback), the
 *   API of the original documentation, withdrawn from the vendor's documentation on 2023-02-02.
 */
export type VideosdkApiVersion = 'v1' | 'v2';

/** Every {@link VideosdkApiVersion} this release implements. */
export const videosdkApiVersions = ['v1', 'v2'] as const satisfies readonly VideosdkApiVersion[];

/**
 * The operations whose `providerOptions.videosdk` API v1 reads: none (its `/v1/livestreams` body has no
 * field beyond the neutral input's, so an empty `{}` is all it takes).
 */
export const videosdkV1ProviderOptionsOn: readonly ProviderOptionsOperation[] = [];

/** The operations whose `providerOptions.videosdk` API v2 reads: its recording, composition and restream settings. */
export const videosdkV2ProviderOptionsOn: readonly ProviderOptionsOperation[] = ['create', 'update', 'start'];

/** The version used when neither the `apiVersion` setting nor `VIDEOSDK_API_VERSION` names one. */
export const videosdkDefaultApiVersion: VideosdkApiVersion = 'v2';

/**
 * What one API version implements. The provider adds identity, credentials and secrets around it, so a
 * version's mapping lives entirely in its own files (`*-v1-*.ts`, `*-v2-*.ts`).
 */
export type VideosdkApiImplementation = Pick<
  LiveStreamProvider,
  'capabilities' | 'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop' | 'getStatus'
>;
