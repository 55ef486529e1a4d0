import { createLiveStreamClient } from '@unilive/core';
import { afterAll, expect } from 'vitest';
import { runLiveStreamContract } from './contract.js';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';
import { registryHarness } from './registry-harness.js';

// Two accounts of the memory vendor under two names: the suite runs on `main` by reference, and `backup`,
// another account of the same vendor, must never see any of it.
const backupToken = 'memory-backup-token-1717';
const backup = createMemoryProvider({ token: backupToken });

runLiveStreamContract({
  name: 'registry over two memory accounts',
  setup: registryHarness({
    name: 'main',
    setup: () => {
      const token = 'memory-secret-token-4242';
      const backend = createMemoryBackend({ token, transitionPolls: 2 });
      return {
        provider: createMemoryProvider({ backend, token }),
        secrets: { token },
        injectFault: (operation, fault) => {
          backend.injectFault(operation, fault);
          return true;
        },
        clearFaults: () => backend.clearFaults(),
        afterEach: () => backend.clearFaults(),
      };
    },
    others: () => ({ backup }),
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});

afterAll(async () => {
  expect(await createLiveStreamClient(backup).list().toArray()).toEqual([]);
});
