import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources, so tests never run against a stale build.
const conditions = ['source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each file writes its section of reliability-report.json; the global teardown merges them.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    // The matrix mostly waits (timeouts, slow answers): two files at a time on CI's two cores.
    maxWorkers: 2,
  },
});
