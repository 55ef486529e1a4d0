/**
 * Composition on a tsyringe container: `import { createContainer } from '@unilive/core/container'`.
 * The only module of core that loads tsyringe.
 * @module container
 */
// First, so that tsyringe finds Reflect.getMetadata when it loads; listed in package.json `sideEffects`.
import '../node-version.js';
import './reflect-polyfill.js';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';

export type { DependencyContainer } from 'tsyringe';

/**
 * A new container for overrides: register values for `tokens` on it and pass it to
 * `createLiveStreamClient(provider, { container })`. It inherits the process-wide registrations of
 * tsyringe's root container. Only this function loads tsyringe.
 */
export function createContainer(): DependencyContainer {
  return rootContainer.createChildContainer();
}
