export {
  toWowzaVideoCreateBody,
  toWowzaVideoUpdateBody,
  type WowzaVideoLiveStreamBody,
  wowzaVideoDefaultRegion,
  wowzaVideoEncoderByIngestProtocol,
} from './convert-to-wowza-video-live-stream.js';
export {
  mapWowzaVideoIngest,
  mapWowzaVideoLiveStream,
  mapWowzaVideoPlayback,
  mapWowzaVideoState,
  type WowzaVideoLiveStreamInput,
  type WowzaVideoPlaybackEndpoint,
  type WowzaVideoStreamDetails,
  wowzaVideoDetailsOf,
  wowzaVideoIngestWarnings,
} from './map-wowza-video-live-stream.js';
export {
  type WowzaVideoBroadcastLocation,
  type WowzaVideoEncoder,
  type WowzaVideoLiveStream,
  type WowzaVideoLiveStreamRead,
  type WowzaVideoState,
  wowzaVideoBroadcastLocations,
  wowzaVideoEncoders,
  wowzaVideoLiveStreamSchema,
} from './wowza-video-api.js';
export { wowzaVideoCapabilities } from './wowza-video-capabilities.js';
export { classifyWowzaVideoError, readWowzaVideoError } from './wowza-video-error.js';
export {
  toWowzaVideoCountdownAt,
  type WowzaVideoCreateOptions,
  type WowzaVideoUpdateOptions,
  wowzaVideoCreateOptionsSchema,
  wowzaVideoUpdateOptionsSchema,
} from './wowza-video-options.js';
export {
  type WowzaVideoConnectionCode,
  type WowzaVideoListOptions,
  type WowzaVideoProvider,
  type WowzaVideoProviderSettings,
  wowzaVideo,
  wowzaVideoBaseUrl,
  wowzaVideoMaxPageSize,
  wowzaVideoSettingNames,
} from './wowza-video-provider.js';
export { wowzaVideoTimeZones } from './wowza-video-time-zones.js';
export { parseWebhook, type WowzaVideoWebhookOptions } from './wowza-video-webhooks.js';

import { wowzaVideo } from './wowza-video-provider.js';

/** Configuration-driven selection calls the default export with plain settings. */
export default wowzaVideo;
