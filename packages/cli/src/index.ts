export { type CliEnvironment, main } from './cli.js';
export { type DemoOptions, runDemo } from './demo.js';
export { buildProvider, type FactoryLoader, importFactory, sandboxSettings } from './providers.js';
