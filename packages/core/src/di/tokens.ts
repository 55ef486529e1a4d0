/**
 * Injection tokens of the composition root. Register a value for any of them on a tsyringe container and
 * pass it as `createLiveStreamClient(provider, { container })` to override that part.
 */
export const tokens = {
  /** The `LiveStreamProvider` a client wraps. */
  provider: Symbol.for('unilive.provider'),
  /** `HttpHooks` for logging and metrics. */
  hooks: Symbol.for('unilive.hooks'),
  /** The `Clock`. */
  clock: Symbol.for('unilive.clock'),
  /** The `Sleep`. */
  sleep: Symbol.for('unilive.sleep'),
  /** The `fetch` handed to adapters built from configuration. */
  fetch: Symbol.for('unilive.fetch'),
} as const;
