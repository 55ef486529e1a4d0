import './reflect-polyfill.js';
import { type DependencyContainer, container as rootContainer } from 'tsyringe';

export type { DependencyContainer } from 'tsyringe';

/** The process-wide container; clients build a child of it unless given another parent. */
export function defaultContainer(): DependencyContainer {
  return rootContainer;
}

/** Registers `value` for `token` on `container` unless the container or one of its parents already has it. */
export function registerDefault<T>(container: DependencyContainer, token: symbol, value: T): void {
  if (!container.isRegistered(token, true)) container.register(token, { useValue: value });
}

/**
 * A new container for overrides: register values for `tokens` on it and pass it to
 * `createLiveStreamClient(provider, { container })`. It inherits the process-wide registrations.
 */
export function createContainer(): DependencyContainer {
  return rootContainer.createChildContainer();
}
