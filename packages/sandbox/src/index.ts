export {
  type DashboardDelivery,
  type DashboardIngestField,
  type DashboardOverview,
  dashboardSecretPath,
  overviewStreamLimit,
} from './dashboard/dashboard.js';
export { allDialects } from './dialects/index.js';
export {
  createEngine,
  type EngineOptions,
  type EngineOutcome,
  oddRecordId,
  replaceEnums,
  type SandboxEngine,
} from './engine.js';
export { faultIssue, faultProblem, faultTypes } from './faults.js';
export { type FfmpegBinary, findFfmpeg } from './media/ffmpeg.js';
export type { MediaOptions } from './media/media-service.js';
export {
  encoderUrl,
  type Push,
  type PushOptions,
  type PushProgress,
  type PushResult,
  type PushTarget,
  pushDurationSeconds,
  startPush,
} from './media/push.js';
export {
  type AdapterSettings,
  persistLockStaleMs,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from './server.js';
export type {
  DialectContext,
  DialectIngest,
  DialectSettings,
  DialectStreamChange,
  EncoderInfo,
  ErrorKind,
  Fault,
  FaultOperation,
  IngestMatch,
  IngestRequest,
  PagingMode,
  RouteFaultOperation,
  SandboxDialect,
  SandboxLogEntry,
  SandboxRequest,
  SandboxResponse,
  SandboxStats,
  ServedPage,
  StreamChange,
  StreamChangeKind,
  StreamChangeListener,
  StreamSummary,
} from './types.js';
export { faultOperations, routeFaultOperations } from './types.js';
export {
  createWebhookDelivery,
  defaultWebhookDeliveryTimeoutMs,
  maskWebhookUrl,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
  type WebhookDeliveryRecord,
  type WebhookEndpoint,
  type WebhookKeyPair,
} from './webhooks/delivery.js';
export { createEnvelopeRenderer, type VendorWebhook } from './webhooks/envelopes.js';
export {
  createWebhookKeyPair,
  createWebhookSecret,
  type SignedWebhook,
  signWebhook,
  type WebhookSigning,
  webhookProviders,
} from './webhooks/sign.js';
