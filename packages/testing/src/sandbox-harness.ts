import type { LiveStreamProvider, ProviderId } from '@unilive/core';
import { type Sandbox, type SandboxOptions, startSandbox } from '@unilive/sandbox';
import type { ContractHarness } from './contract.js';

/** Options of {@link sandboxHarness}. */
export interface SandboxHarnessOptions {
  provider: ProviderId;
  /** Builds the adapter against the sandbox. */
  createProvider(sandbox: Sandbox): LiveStreamProvider;
  /**
   * Sandbox options; state transitions default to 300 ms so the suite stays quick. `documentedOnly: true`
   * runs the suite against answers holding only what the vendor documents; `media: false` skips the
   * real-media scenario.
   */
  sandbox?: SandboxOptions;
}

/**
 * A contract harness that starts a sandbox on loopback, points the adapter at it and plans faults through
 * the sandbox's fault engine. Every credential the sandbox accepts is registered as a secret.
 */
export function sandboxHarness(options: SandboxHarnessOptions): () => Promise<ContractHarness> {
  return async () => {
    const sandbox = await startSandbox({ transitionMs: 300, ...options.sandbox });
    const provider = options.createProvider(sandbox);
    return {
      provider,
      secrets: sandbox.credentials(options.provider),
      injectFault: (operation, fault) => {
        sandbox.injectFault(options.provider, operation, fault);
        return true;
      },
      // Requests a test gave up on (timeouts, aborts) may still be held by a slow fault: let them finish
      // before clearing, so none of them takes a fault the next test plans.
      afterEach: async () => {
        for (let waited = 0; sandbox.stats().inFlight > 0 && waited < 5_000; waited += 20) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        sandbox.clearFaults();
      },
      close: () => sandbox.close(),
      // A sandbox started with `media: false` runs no RTMP ingest: it takes no encoders.
      ...(options.sandbox?.media === false
        ? {}
        : { media: { publishing: (id: string) => sandbox.publisher(options.provider, id) !== undefined } }),
    };
  };
}
