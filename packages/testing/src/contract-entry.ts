// `@unilive/testing/contract`: the contract suites and their harnesses. They run under vitest and replay
// recordings with nock, so they live apart from the main entry, which an application that only wants the
// memory provider or the fixtures can import without a test runner.

export {
  type CallDeadlineOptions,
  type CallDeadlineSettings,
  runCallDeadlineContract,
} from './call-deadline.js';
export {
  type ConfirmGoneOptions,
  type ConfirmOutcome,
  type ConfirmReader,
  type GatewayAnswer,
  runConfirmGoneContract,
} from './confirm-gone-contract.js';
export {
  type AbortedCall,
  type ContractClient,
  type ContractHarness,
  type ContractOptions,
  type ContractStep,
  contractRestreamInput,
  expectWellFormedStream,
  type PagingScenario,
  type PagingSetup,
  runLiveStreamContract,
  undeclaredKeys,
} from './contract.js';
export { type FixtureHarnessOptions, fixtureHarness } from './fixture-harness.js';
export {
  type ListStepDeadlineOptions,
  type ListStepDeadlineSettings,
  runListStepDeadlineContract,
} from './list-step-deadline.js';
export { type ModelContractOptions, runLiveStreamModelContract } from './model-contract.js';
export { type RegistryHarnessOptions, registryHarness } from './registry-harness.js';
export {
  type RegistryModelOptions,
  type RegistryModelProvider,
  type RegistryModelSetup,
  runRegistryModelContract,
} from './registry-model.js';
export { prepareEnginePaging, type SandboxHarnessOptions, sandboxHarness } from './sandbox-harness.js';
export {
  loadWebhookFixtures,
  runWebhookContract,
  runWebhookSecretTextContract,
  type WebhookContractOptions,
  type WebhookFixture,
  type WebhookParseVariant,
  type WebhookSecretTextOptions,
} from './webhook-contract.js';
