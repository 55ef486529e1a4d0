import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // Each file writes its section of reliability-report.json; the global teardown merges them.
      globalSetup: ['test/global-setup.ts'],
      // The matrix mostly waits (timeouts, slow answers): two files at a time on CI's two cores.
      maxWorkers: 2,
    },
  }),
);
