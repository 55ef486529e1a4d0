// First, so an unsupported Node fails here with one sentence (see node-version.ts).
import './node-version.js';

export { markBuiltInProvider } from './built-in.js';
export type { LifecycleModel, ProviderCapabilities, UpdatableField } from './capabilities.js';
export type { LiveStreamEventSource } from './client/event-wake.js';
export {
  createLiveStreamClient,
  type LiveStreamClient,
  type LiveStreamClientOptions,
  type LiveStreamList,
  type RequestOptions,
  type StartRequestOptions,
} from './client/live-stream-client.js';
export { outsideStreamProblem } from './client/outside-answer.js';
export type { WaitForBroadcastOptions } from './client/wait-for-broadcast.js';
export { minWaitIntervalMs, type WaitForStateOptions } from './client/wait-for-state.js';
export {
  bearerAuthorization,
  bearerTokenProblem,
  type CredentialHeaderSettings,
  cachedCredentialHeaders,
  type HeaderCredential,
  learnEnvironmentCredentials,
} from './config/credential-headers.js';
export {
  builtInCredentialVariables,
  builtInProviderIds,
  type ConfigClientOptions,
  type ConfiguredProviderFactory,
  createLiveStreamClientFromConfig,
  type GateStoreFactory,
  type LiveStreamConfig,
  type RateLimitConfig,
  type RedisStoreSettings,
  rateLimitFromConfig,
} from './config/load-client.js';
export {
  describeUnknownName,
  nearestName,
  packageNameProblem,
  providerIdProblem,
} from './config/names.js';
export {
  type CredentialProblem,
  type CredentialSource,
  checkCredentialSettings,
  environment,
  environmentView,
  loadCredential,
  loadCredentials,
  loadOptionalSetting,
  maxCredentialLength,
  providerSettingsBaseNames,
  readSettings,
  trimWhitespace,
} from './config/settings.js';
// createContainer lives in '@unilive/core/container', so that only code which composes with it loads tsyringe.
export type { DependencyContainer } from './di/container.js';
export { tokens } from './di/tokens.js';
export {
  AbortError,
  type AbortErrorOptions,
  AuthenticationError,
  abortedMessage,
  ChangeAppliedError,
  type ChangeAppliedErrorOptions,
  ConflictError,
  type InputIssue,
  InvalidInputError,
  NotFoundError,
  type NotFoundErrorOptions,
  notFoundAbout,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  type ResponseShapeIssue,
  TimeoutError,
  type TimeoutErrorOptions,
  UnsupportedOperationError,
  WebhookVerificationError,
  type WebhookVerificationFailure,
  withNotFoundStreamId,
} from './errors/errors.js';
export {
  copyError,
  type Delivery,
  errorTextLimits,
  lockFields,
  scrubText,
  servedOperation,
  UniliveError,
  type UniliveErrorOptions,
  withErrorFields,
} from './errors/unilive-error.js';
export {
  createEventHub,
  type EventHubOptions,
  isEventHub,
  type LiveStreamEventFilter,
  type LiveStreamEventHub,
  type LiveStreamEventSubscription,
} from './events/event-hub.js';
export {
  isLiveStreamEvent,
  type LiveStreamConnectedEvent,
  type LiveStreamCreatedEvent,
  type LiveStreamDeletedEvent,
  type LiveStreamDisconnectedEvent,
  type LiveStreamEvent,
  type LiveStreamEventFields,
  type LiveStreamEventOf,
  type LiveStreamEventType,
  type LiveStreamRecordingReadyEvent,
  type LiveStreamRestreamChangedEvent,
  type LiveStreamStateChangedEvent,
  type LiveStreamUpdatedEvent,
  liveStreamEventTypes,
  type UnknownLiveStreamEvent,
} from './events/live-stream-event.js';
export {
  checkUnsignedWebhook,
  confirmWebhookEvents,
  defaultConfirmTimeoutMs,
  type NoSuchStreamRule,
  readUnsignedWebhook,
  type StreamReader,
  type UnsignedWebhookDelivery,
  type UnsignedWebhookOptions,
  unsignedReadTimeout,
  unsignedWebhookOptionNames,
} from './events/unsigned-webhooks.js';
export {
  decodeBase64,
  decodeHex,
  deliveryDigest,
  encodeBase64,
  encodeHex,
  hmac,
  importRsaPublicKey,
  keyTexts,
  secretsEqual,
  sha256,
  timingSafeEqual,
  uniqueDeliveryId,
  verifyRsaSha256,
  type WebCryptoKey,
} from './events/webhook-crypto.js';
export {
  createWebhookHandler,
  type NodeWebhookRequest,
  type NodeWebhookResponse,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookRefusal,
} from './events/webhook-handler.js';
export {
  checkWebhookInput,
  checkWebhookTimestamp,
  type EventTime,
  eventTimeWarnings,
  invalidWebhookOption,
  maxWebhookSecretListLength,
  namedStreamEvent,
  parseWebhookJson,
  readEventTime,
  readWebhookBody,
  readWebhookOptions,
  readWebhookSecretList,
  type WebhookBody,
  type WebhookHeaders,
  type WebhookInput,
  type WebhookOptionsBase,
  type WebhookParser,
  webhookBodyBytes,
  webhookClock,
  webhookHeader,
  webhookSecrets,
  webhookSecretText,
} from './events/webhook-input.js';
export {
  checkWebhookReadTimeout,
  defaultWebhookReadTimeoutMs,
  readWebhookReadOptions,
  type SharedRead,
  sharedRead,
  type WebhookReadOptions,
  type WebhookReads,
  webhookReads,
} from './events/webhook-reads.js';
export { gateKeyOf } from './http/gate-key.js';
export {
  createMemoryGateStore,
  type GateStore,
  type GateStoreUnavailableMode,
} from './http/gate-store.js';
export type {
  ErrorEvent,
  HttpEventBase,
  HttpHooks,
  RequestEvent,
  ResponseEvent,
  RetryEvent,
  WarningEvent,
} from './http/hooks.js';
export {
  classifyStatus,
  createHttpClient,
  type HttpClient,
  type HttpClientSettings,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  maxRedirects,
  transportSettings,
  type VendorErrorClass,
  type VendorErrorDetails,
  type VendorFailure,
} from './http/http-client.js';
export {
  lenientPicklist,
  optionalField,
  parseVendorResponse,
  type ResponseContext,
  tolerantField,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from './http/parse-response.js';
export { readCappedText } from './http/read-body.js';
export { readInPlace } from './http/read-in-place.js';
export {
  createRequestGate,
  type GateAcquireOptions,
  GateDeadlineError,
  GateStoreUnavailableError,
  type GateWaitReason,
  gateStoreRetryMs,
  type RateLimitOptions,
  type RequestGate,
  type RequestGateOptions,
} from './http/request-gate.js';
export {
  backoffDelay,
  defaultRetryPolicy,
  maxRetriesLimit,
  parseRetryAfter,
  type RetryPolicy,
  retryAfterCeilingMs,
} from './http/retry-policy.js';
export { isPassingServerStatus, permanentServerStatuses } from './http/server-statuses.js';
export { defaultMaxResponseBytes, isLoopbackHost, maxTimeoutMs } from './http/transport-settings.js';
export { assertValidId, idProblem, isAnswerAbout, pathOf } from './ids.js';
export {
  type InputGap,
  inputGapSeverity,
  type NeutralField,
  settleInputGaps,
  severityOf,
} from './input-gaps.js';
export {
  createLiveStreamInputSchema,
  hardenSchema,
  inputSecrets,
  invalidInput,
  maskedOptionsRefusal,
  maxNameLength,
  type OwnParseResult,
  ownData,
  type ProviderOptionsReading,
  parseOwn,
  providerInput,
  providerOptionsError,
  providerOptionsWarnings,
  readProviderOptions,
  readStartProviderOptions,
  refuseUnreadProviderOptions,
  restreamTargetsInputSchema,
  safeParseOwn,
  streamSecrets,
  updateLiveStreamInputSchema,
  validateCreateInput,
  validateInput,
  validateUpdateInput,
  vendorDateInput,
} from './inputs.js';
export {
  type AcceptedAnswer,
  abortAfterAcceptedChange,
  acceptedStream,
  type ChangeAnswer,
  changeLifecycle,
  describeParts,
  endedByCallDeadline,
  interruptedAfterAcceptedChange,
  type LifecycleChange,
  type LifecycleOperation,
  lifecycleGoals,
  lifecycleResult,
  type ReadBack,
  readBackAfterChange,
  requestChange,
  sameStream,
  timeoutAfterAcceptedChange,
} from './lifecycle.js';
export {
  endpointSchemes,
  type IngestEndpoint,
  type IngestProtocol,
  ingestProtocols,
  isEndpointUrl,
  type LiveStream,
  type LiveStreamState,
  liveStreamStates,
  type PlaybackEndpoint,
  type PlaybackProtocol,
  type ProviderId,
  playbackProtocols,
  type RestreamTarget,
  type RestreamTargetInput,
  urlPassword,
  urlSchemeAndHost,
  urlUsername,
  urlWithoutUserInfo,
  urlWithUserInfo,
  type Warning,
  warningTypes,
} from './live-stream.js';
/** How every options object is read (own properties of a plain object, each once), for helpers outside core. */
export {
  abortedCallError,
  callOptionsError,
  checkCallOptionValues,
  type OptionRule,
  type OptionsPlace,
  optionRules,
  providerCallOptionRulesWith,
  providerCallOptions,
  readOptions,
  refuseAbortedCall,
  startCall,
  withCallSignal,
} from './options.js';
export {
  isAbortSignal,
  once as onceListenerOptions,
  ownValue,
  plainObjectProblem,
  platformSignal,
} from './own.js';
export {
  defaultMaxPages,
  type ListPage,
  type RecordPosition,
  type WalkPagesSettings,
  walkPages,
} from './paging.js';
export type {
  CallOptions,
  CallRuntime,
  CreateLiveStreamInput,
  ListOptions,
  LiveStreamProvider,
  LiveStreamStatus,
  ProviderCallOperation,
  ProviderCallOptionNames,
  ProviderFactory,
  ProviderListOptions,
  ProviderOptions,
  ProviderOptionsOperation,
  ProviderOptionsRegistry,
  ProviderSettingsBase,
  StartOptions,
  UpdateLiveStreamInput,
} from './provider.js';
export { maskedFailure } from './provider-secrets.js';
export { redact } from './redact.js';
export { type MigrationPlan, planMigrationInput } from './registry/migration.js';
export {
  formatStreamReference,
  type ParsedStreamReference,
  parseStreamReference,
  providerNameProblem,
  referenceSeparator,
  type StreamReference,
} from './registry/references.js';
export {
  createLiveStreamRegistry,
  type LiveStreamRegistry,
  type LiveStreamRegistryOptions,
  type MigrateOptions,
  type MigrationOptions,
  type MigrationResult,
  type RegistryCreateOptions,
  type RegistryListOptions,
  type RegistryLiveStream,
  type RegistryProvider,
  type RegistryStreamList,
  type RoutedLiveStream,
} from './registry/registry.js';
export {
  createLiveStreamRegistryFromConfig,
  type LiveStreamRegistryConfig,
  type RegistryConfigOptions,
  type RegistryProviderConfig,
} from './registry/registry-config.js';
export {
  type ChooseProvider,
  mayHaveCreated,
  provesNothingMade,
  type RoutingCandidate,
  type RoutingDecision,
  type RoutingExclusion,
  type RoutingFailover,
  type RoutingOptions,
  routingGaps,
} from './registry/routing.js';
export {
  isEmptyRestreamPlan,
  isNameableRestreamTarget,
  keptRestreamTargetsWarning,
  planRestream,
  type RestreamPlan,
  repeatedRestreamTargets,
} from './restream.js';
export { type Clock, monotonicClock, type Sleep, systemClock, systemSleep } from './runtime.js';
export {
  capText,
  defaultLearnedSecretLimit,
  knownValuesRedactor,
  maxWholeSecretLength,
  minimumSecretLength,
  minimumTruncatedLength,
  numericReferenceForms,
  type Redactor,
  redactedMarker,
  redactStable,
  SecretSet,
  type SecretSource,
  secretForms,
  secretPieceLength,
  secretPieceOverlap,
  secretsPerStream,
  serverRedactor,
  toRedactor,
  truncatedKeptLength,
  truncatedSecretLimit,
} from './secrets.js';
export { streamChanges } from './stream-changes.js';
export {
  codePointLength,
  escapeUnprintable,
  hasBidiControl,
  hasControlCharacter,
  hasHiddenTagText,
  isInvisible,
  isWellFormed,
  sliceCodePoints,
} from './text.js';
export { parseVendorTimestamp } from './timestamps.js';
export { withNameShownOrWarned, withUpdateNameChecked } from './update-name.js';
