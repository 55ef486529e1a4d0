// The main entry carries no test runner: the memory provider, fixtures, webhook signing and a webhook
// receiver, the secret scanner, the rejection of a call expected to fail, the recorder of what a client shows, a fetch that loses answers, and an
// AbortController of another realm. The contract suites (vitest, nock) are `@unilive/testing/contract`.
export {
  createWebhookKeyPair,
  createWebhookSecret,
  type SignedWebhook,
  signWebhook,
  type WebhookSigning,
} from '@unilive/sandbox';
export {
  type Fixture,
  interceptFixture,
  loadFixture,
  loadFixtures,
  type NockInterceptorLike,
  type NockScopeLike,
} from './fixtures.js';
export { droppedAnswer, type Loss, type LossyFetch, lossyFetch } from './lossy-fetch.js';
export {
  createMemoryBackend,
  type Fault,
  type FaultOperation,
  type MemoryBackend,
  type MemoryBackendOptions,
  maxTransitionPolls,
} from './memory-backend.js';
export { createMemoryProvider, type MemoryProviderSettings, memoryCapabilities } from './memory-provider.js';
export {
  type OtherRealmAbortController,
  type OtherRealmSignalQuirk,
  otherRealmAbortController,
} from './other-realm.js';
export { rejectionOf } from './rejection.js';
export { errorTranscript, leakForms, type SecretLeak, SecretScanner } from './secret-scanner.js';
export {
  type AnswerCutWay,
  answerCutWays,
  type CutAnswerCase,
  type CutAnswerPlan,
  cutAnswer,
  cutAnswerCases,
  failedCallThenGet,
  firstChangeAnswered,
  knownAfterCut,
  leakedSecrets,
  leaksAfterCutAnswer,
  refusalEchoing,
  refusedChangeThenGet,
  type SecretEncodingName,
  type ShortCutCase,
  type ShownTexts,
  secretEncodingNames,
  secretEncodings,
  shortCutCases,
  shownTexts,
  unavailableEchoing,
  wordsChangedAfterShortCut,
} from './shown-secrets.js';
export {
  sleepUntilWoken,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './webhook-receiver.js';
