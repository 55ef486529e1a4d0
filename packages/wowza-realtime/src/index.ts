import { wowzaRealtime } from './wowza-realtime-provider.js';

export {
  toWowzaRealtimeExpiresOn,
  type WowzaRealtimeCreateOptions,
  type WowzaRealtimeRegion,
  type WowzaRealtimeUpdateOptions,
  wowzaRealtimeRegions,
} from './convert-to-wowza-realtime-stream.js';
export {
  mapWowzaRealtimeState,
  readWowzaRealtimeExpiresOn,
  splitRtmpUrl,
  type WowzaRealtimeSdkCredentials,
  type WowzaRealtimeStreamDetails,
  wowzaRealtimeDetailsOf,
} from './map-wowza-realtime-stream.js';
export type { WowzaRealtimeState, WowzaRealtimeStream } from './wowza-realtime-api.js';
export { wowzaRealtimeCapabilities } from './wowza-realtime-capabilities.js';
export {
  type WowzaRealtimeProvider,
  type WowzaRealtimeSettings,
  wowzaRealtime,
  wowzaRealtimeBaseUrlVariable,
  wowzaRealtimeDefaultBaseUrl,
  wowzaRealtimeSettingNames,
  wowzaRealtimeTokenVariables,
} from './wowza-realtime-provider.js';

export {
  parseWebhook,
  type WowzaRealtimeStreamNameResolver,
  type WowzaRealtimeStreamNamesOptions,
  type WowzaRealtimeWebhookOptions,
  wowzaRealtimeStreamNames,
  wowzaRealtimeWebhookSecretVariables,
} from './wowza-realtime-webhooks.js';

/** The adapter factory, for configuration-driven selection (`{ provider: 'wowza-realtime', ... }`). */
export default wowzaRealtime;
