import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../../../vitest.shared.js';

// The mutant run: only the file that runs the contract suite against each mutant.
export default defineConfig({
  ...sharedConfig,
  test: { ...sharedConfig.test, include: ['test/mutants/run-mutants.contract.ts'] },
});
