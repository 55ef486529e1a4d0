export {
  createWebhookKeyPair,
  createWebhookSecret,
  type SignedWebhook,
  signWebhook,
  type WebhookSigning,
} from '@unilive/sandbox';
export {
  type ContractClient,
  type ContractHarness,
  type ContractOptions,
  type ContractStep,
  contractRestreamInput,
  expectWellFormedStream,
  type PagingScenario,
  type PagingSetup,
  runLiveStreamContract,
} from './contract.js';
export { type FixtureHarnessOptions, fixtureHarness } from './fixture-harness.js';
export {
  type Fixture,
  interceptFixture,
  loadFixture,
  loadFixtures,
  type NockInterceptorLike,
  type NockScopeLike,
} from './fixtures.js';
export {
  createMemoryBackend,
  type Fault,
  type FaultOperation,
  type MemoryBackend,
  type MemoryBackendOptions,
} from './memory-backend.js';
export { createMemoryProvider, type MemoryProviderSettings, memoryCapabilities } from './memory-provider.js';
export { type RegistryHarnessOptions, registryHarness } from './registry-harness.js';
export { prepareEnginePaging, type SandboxHarnessOptions, sandboxHarness } from './sandbox-harness.js';
export { errorTranscript, leakForms, type SecretLeak, SecretScanner } from './secret-scanner.js';
export {
  loadWebhookFixtures,
  runWebhookContract,
  type WebhookContractOptions,
  type WebhookFixture,
  type WebhookParseVariant,
} from './webhook-contract.js';
export { sleepUntilWoken, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';
