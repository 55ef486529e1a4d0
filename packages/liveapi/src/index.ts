import { liveapi } from './liveapi-provider.js';

export {
  type LiveApiPlatformBody,
  type LiveApiProviderOptions,
  type LiveApiStreamBody,
  liveApiProviderOptionsSchema,
} from './convert-to-liveapi-live-stream.js';
export { liveApiBroadcastingStatuses } from './liveapi-api.js';
export { liveApiCapabilities } from './liveapi-capabilities.js';
export { LiveApiRestreamError, type LiveApiRestreamErrorOptions } from './liveapi-error.js';
export {
  type LiveApiProvider,
  type LiveApiSettings,
  liveApiBaseUrlVariable,
  liveApiDefaultBaseUrl,
  liveApiSettingNames,
  liveapi,
} from './liveapi-provider.js';
export { type LiveApiWebhookOptions, parseWebhook } from './liveapi-webhooks.js';

/** Configuration-driven selection (`{ provider: 'liveapi' }`) calls this with plain settings. */
export default liveapi;
