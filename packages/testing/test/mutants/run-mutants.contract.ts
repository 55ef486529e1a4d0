import { runLiveStreamContract } from '../../src/contract.js';
import { mutantHarness, mutants } from './memory-mutants.js';

// Not a test of its own: `contract-mutants.test.ts` runs this file in a vitest of its own and reads which
// tests failed for which mutant.
for (const [name, mutant] of Object.entries(mutants)) {
  runLiveStreamContract({
    name: `mutant: ${name}`,
    setup: () => mutantHarness(mutant),
    wait: { intervalMs: 100, maxIntervalMs: 100 },
  });
}
