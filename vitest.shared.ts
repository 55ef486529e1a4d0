import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One base for every package's vitest config.
//
// Workspace packages resolve to their TypeScript sources, so tests never run against a stale build.
const conditions = ['source', 'module', 'node', 'import', 'default'];

// Limits sized for CI's two cores shared with a second copy of the whole suite: a limit is there to end a
// test that hangs, never to measure speed (that is packages/bench's job). A test that waits for something
// waits for the event itself (expect.poll on a condition, a deferred promise), not for a fixed time. A test
// may wait on several polls in turn (the dashboard's browser test waits on six, behind a real encoder and
// a real player), so its limit is several polls' worth: on a loaded machine one poll can take most of 30 s.
export const sharedConfig = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    expect: { poll: { timeout: 30_000, interval: 20 } },
    // The stall injector (scripts/stall-injector.mjs), only when asked for: never in `npm test`.
    setupFiles: process.env.UNILIVE_STALL_SEED
      ? [fileURLToPath(new URL('./scripts/stall-injector.mjs', import.meta.url))]
      : [],
  },
});

/** The zone the date tests run in a second time: a half-hour offset from UTC, with daylight saving time. */
export const secondZone = 'America/St_Johns';

// vitest's own limits, written out: what an adapter's repository gets from a config that sets none.
const vitestDefaultLimits = {
  testTimeout: 5_000,
  hookTimeout: 10_000,
  expect: { poll: { timeout: 1_000, interval: 50 } },
};

/**
 * The shared config with the tests that read vendor dates (`zoneSensitive` globs) run a second time under
 * `TZ=America/St_Johns`, so a date read in the host's zone instead of UTC cannot pass by luck; and the
 * `ownLimits` files run under vitest's default limits instead of the shared ones: a published suite
 * (`@unilive/testing`'s contract) runs in an adapter author's repository under whatever config is there, so
 * it must set its own limits, and this run proves it does.
 */
export function withSecondZone(name: string, zoneSensitive: string[], ownLimits: string[] = []) {
  // A project that extends the root merges its `include` into the root's, so the root names none.
  const { include, ...rest } = sharedConfig.test ?? {};
  return defineConfig({
    ...sharedConfig,
    test: {
      ...rest,
      projects: [
        { extends: true, test: { name, include: include ?? [], exclude: ownLimits } },
        {
          extends: true,
          test: { name: `${name} TZ=${secondZone}`, include: zoneSensitive, env: { TZ: secondZone } },
        },
        ...(ownLimits.length === 0
          ? []
          : [
              {
                extends: true,
                test: {
                  name: `${name} (vitest's default limits)`,
                  include: ownLimits,
                  ...vitestDefaultLimits,
                },
              },
            ]),
      ],
    },
  });
}
