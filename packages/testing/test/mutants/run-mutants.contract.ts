import { runLiveStreamContract } from '../../src/contract.js';
import { mutantHarness, mutants } from './memory-mutants.js';

// Not a test of its own: `contract-mutants.test.ts` runs this file in a vitest of its own and reads which
// tests failed for which mutant.
// `UNILIVE_MUTANTS` (names, comma-separated) picks the mutants of one run; unset, every one runs.
const picked = process.env.UNILIVE_MUTANTS?.split(',');
for (const [name, mutant] of Object.entries(mutants)) {
  if (picked && !picked.includes(name)) continue;
  runLiveStreamContract({
    name: `mutant: ${name}`,
    setup: () => mutantHarness(mutant),
    wait: { intervalMs: 100, maxIntervalMs: 100 },
  });
}
