export type { VideosdkProviderOptions } from './convert-to-videosdk-v1-livestream.js';
export { videosdkRecordingRendition } from './map-videosdk-v1-livestream.js';
export { type VideosdkApiVersion, videosdkApiVersions } from './videosdk-api-version.js';
export {
  defaultTokenTtlSeconds,
  tokenRenewalMarginSeconds,
  videosdkEnvironmentVariables,
} from './videosdk-auth.js';
export { videosdkV1Capabilities } from './videosdk-capabilities.js';
export {
  type VideosdkCommonSettings,
  type VideosdkKeySettings,
  type VideosdkSettings,
  type VideosdkTokenSettings,
  videosdk,
  videosdkBaseUrlVariable,
  videosdkDefaultBaseUrl,
  videosdkSettingNames,
} from './videosdk-provider.js';
export type { VideosdkV1LiveStream } from './videosdk-v1-api.js';
export { videosdkV1MaxPageSize } from './videosdk-v1-livestreams.js';
export {
  parseWebhook,
  type VideosdkPublicKeySettings,
  type VideosdkPublicKeySource,
  type VideosdkWebhookOptions,
  videosdkPublicKey,
  videosdkWebhookDefaultBaseUrl,
  videosdkWebhookPublicKeyVariable,
} from './videosdk-webhooks.js';

import { videosdk } from './videosdk-provider.js';

/** The factory, for configuration-driven selection (`{ provider: 'videosdk', apiKey, secret }`). */
export default videosdk;
