// The limits the published suites set themselves, whatever vitest config they run under. vitest's own
// defaults (5 s a test, 10 s a hook, 1 s an `expect.poll`) are shorter than what the suites wait for: a
// real encoder going live and its first HLS segment (about a second after the first packet, more on a
// loaded machine), a sandbox starting, a model run of many calls. An adapter's own repository runs the suite
// under its own config, which may set nothing. Each limit only ends a hang; no assertion depends on time.

/** Each test of a suite: the `describe` option its tests inherit. */
export const testLimit = { timeout: 180_000 } as const;

/** Each `beforeAll`/`afterAll`/`afterEach` hook that waits on a harness (a sandbox starting or closing). */
export const hookLimitMs = 180_000;

/** Each `expect.poll` on something real (an encoder live, a playlist served, `broadcasting` seen). */
export const pollLimit = { timeout: 30_000, interval: 20 } as const;
