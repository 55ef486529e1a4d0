export { type CliEnvironment, main } from './cli.js';
export { commands } from './commands/index.js';
export type { CommandContext, CommandSpec, Invocation, OptionSpec } from './context.js';
export { type DemoOptions, type DemoOutcome, runDemo } from './demo.js';
export {
  buildProvider,
  type FactoryLoader,
  importFactory,
  type SandboxDiscoveryOptions,
  sandboxSettings,
} from './providers.js';
export { jsonText, neutralise } from './text.js';
