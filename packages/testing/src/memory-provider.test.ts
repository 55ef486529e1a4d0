import { runLiveStreamContract } from './contract.js';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';

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
      afterEach: () => backend.clearFaults(),
    };
  },
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});
