import type { SandboxDialect } from '../types.js';
import { liveapiDialect } from './liveapi.js';
import { videosdkDialect } from './videosdk.js';
import { wowzaRealtimeDialect } from './wowza-realtime.js';
import { wowzaVideoDialect } from './wowza-video.js';

/** Every vendor dialect the sandbox speaks. Each adapter's dialect registers here. */
export const allDialects: readonly SandboxDialect[] = [
  videosdkDialect,
  liveapiDialect,
  wowzaRealtimeDialect,
  wowzaVideoDialect,
];
