export type {
  VideosdkCreateOptions,
  VideosdkStartOptions,
  VideosdkUpdateOptions,
} from './convert-to-videosdk-v2-room.js';
export { videosdkRecordingRendition } from './map-videosdk-v1-livestream.js';
export { videosdkLiveOnlyRendition, videosdkWhipParticipantId } from './map-videosdk-v2-room.js';
export {
  type VideosdkApiVersion,
  videosdkApiVersions,
  videosdkDefaultApiVersion,
} from './videosdk-api-version.js';
export {
  defaultIngestTokenTtlSeconds,
  defaultTokenTtlSeconds,
  tokenRenewalMarginSeconds,
  videosdkEnvironmentVariables,
  videosdkV2TokenClaims,
} from './videosdk-auth.js';
export {
  videosdkCapabilities,
  videosdkV1Capabilities,
  videosdkV2Capabilities,
} from './videosdk-capabilities.js';
export {
  type VideosdkCommonSettings,
  type VideosdkKeySettings,
  type VideosdkProvider,
  type VideosdkSettings,
  type VideosdkTokenSettings,
  videosdk,
  videosdkApiVersionVariable,
  videosdkBaseUrlVariable,
  videosdkDefaultBaseUrl,
  videosdkSettingNames,
} from './videosdk-provider.js';
export type { VideosdkV1LiveStream } from './videosdk-v1-api.js';
export { videosdkV1MaxPageSize } from './videosdk-v1-livestreams.js';
export type { VideosdkV2Hls, VideosdkV2Room, VideosdkV2RtmpOut } from './videosdk-v2-api.js';
export { videosdkV2MaxPageSize } from './videosdk-v2-rooms.js';
export {
  parseWebhook,
  type VideosdkFetchedPublicKeySource,
  type VideosdkPublicKeyAnswer,
  type VideosdkPublicKeySettings,
  type VideosdkPublicKeySource,
  type VideosdkWebhookOptions,
  videosdkPublicKey,
  videosdkWebhookDefaultBaseUrl,
  videosdkWebhookPublicKeyVariable,
} from './videosdk-webhooks.js';

import { videosdk } from './videosdk-provider.js';

/** The factory, for configuration-driven selection (`{ provider: 'videosdk', apiVersion: 'v2', apiKey, secret }`). */
export default videosdk;
