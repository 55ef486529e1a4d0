import { runLiveStreamContract } from './contract.js';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';
import { prepareEnginePaging } from './sandbox-harness.js';

runLiveStreamContract({
  name: 'memory provider',
  setup: () => {
    const token = 'memory-secret-token-4242';
    const backend = createMemoryBackend({ token, transitionPolls: 2 });
    const provider = createMemoryProvider({ backend, token });
    return {
      provider,
      secrets: { token },
      injectFault: (operation, fault) => {
        backend.injectFault(operation, fault);
        return true;
      },
      preparePaging: (scenario) =>
        prepareEnginePaging(
          provider,
          (operation, fault) => {
            backend.injectFault(operation, fault);
            return true;
          },
          { pageSize: 2, perPage: 2 },
          scenario,
        ),
      clearFaults: () => backend.clearFaults(),
      afterEach: () => backend.clearFaults(),
    };
  },
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});
