import {
  createLiveStreamRegistry,
  type LiveStreamProvider,
  type LiveStreamRegistry,
  type RegistryLiveStream,
} from '@unilive/core';
import type { ContractHarness } from './contract.js';

/** Options of {@link registryHarness}. */
export interface RegistryHarnessOptions {
  /** The harness of the provider under test: its backend takes the suite's faults. */
  setup(): ContractHarness | Promise<ContractHarness>;
  /** The name the provider under test has in the registry. Default its provider id. */
  name?: string;
  /**
   * The registry's other providers, by name, built once the harness is ready (say on the same sandbox).
   * Routing tries the provider under test first; the others are there so every call must find its way.
   */
  others?(
    harness: ContractHarness,
  ): Record<string, LiveStreamProvider> | Promise<Record<string, LiveStreamProvider>>;
  /** Called with each registry the suite makes, for tests that look at it afterwards. */
  onRegistry?(registry: LiveStreamRegistry): void;
}

/**
 * Runs the contract suite through a registry: the harness's provider sits in a registry beside `others`,
 * first in the routing order, and every call of the suite goes through the registry by reference
 * (`'<name>:<id>'`): create is routed, the rest find their provider from the reference.
 */
export function registryHarness(options: RegistryHarnessOptions): () => Promise<ContractHarness> {
  return async () => {
    const harness = await options.setup();
    const others = (await options.others?.(harness)) ?? {};
    const name = options.name ?? harness.provider.id;
    if (Object.hasOwn(others, name)) throw new Error(`registryHarness: "${name}" is also among the others`);
    const providers = { [name]: harness.provider, ...others };
    // The others' credentials must stay out of every error too: each one's own secrets(), by name.
    const otherSecrets: Record<string, string> = { ...harness.otherSecrets };
    for (const [other, provider] of Object.entries(others)) {
      (provider.secrets?.() ?? []).forEach((value, index) => {
        otherSecrets[`${other} secret ${index}`] = value;
      });
    }
    return {
      ...harness,
      otherSecrets,
      client: ({ hooks, container, provider }) => {
        const registry = createLiveStreamRegistry({
          providers: provider ? { ...providers, [name]: provider } : providers,
          routing: { order: [name, ...Object.keys(others)] },
          hooks,
          ...(container ? { container } : {}),
        });
        options.onRegistry?.(registry);
        return { client: registry, idOf: (stream) => (stream as RegistryLiveStream).ref };
      },
    };
  };
}
