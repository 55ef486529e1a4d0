import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';
import { runRegistryModelContract } from './registry-model.js';

// Two accounts of the memory vendor: `backup`, and one named `memory` as the vendor's own id is, so a stream
// of `backup` (whose `provider` is `memory`) handed back as a reference must be read by its `ref` alone.
// The routing order is the reverse of the order given, so a create's order and a list's walk differ.
runRegistryModelContract({
  name: 'two memory accounts',
  setup: () => ({
    providers: [
      {
        name: 'backup',
        provider: createMemoryProvider({
          backend: createMemoryBackend({ token: 'memory-model-backup-token', transitionPolls: 1 }),
          token: 'memory-model-backup-token',
        }),
      },
      {
        name: 'memory',
        provider: createMemoryProvider({
          backend: createMemoryBackend({ token: 'memory-model-main-token', transitionPolls: 1 }),
          token: 'memory-model-main-token',
        }),
      },
    ],
    order: ['memory', 'backup'],
  }),
});
