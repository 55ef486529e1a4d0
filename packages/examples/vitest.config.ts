import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// Express's router `require`s `is-promise`, whose exports map offers an ES module under `import`: with the
// shared resolve conditions (which include `import`) that `require` would get the ES module. This package
// resolves with `source` (workspace packages to their sources), `node` and `default` only.
const conditions = ['source', 'node', 'default'];

export default defineConfig({
  ...sharedConfig,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
});
