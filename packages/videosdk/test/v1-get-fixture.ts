import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import { afterEach, beforeEach, vi } from 'vitest';

// What the v1 tests that answer with the recorded `get` share: the recorded token, answer and id, and an
// environment without the adapter's variables, so a developer's own VIDEOSDK_* settings change nothing.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = loadFixture(directory, 'get-livestream');

/** The recorded request's token. */
export const token = fixture.request.headers?.authorization ?? '';
/** The recorded v1 answer, as the vendor sent it. */
export const recorded = fixture.response.body as Record<string, unknown>;
/** The recorded stream's id. */
export const id = String(recorded.id);

/** Clears the adapter's environment variables for each test of the file that calls it. */
export function withoutVideosdkEnvironment(): void {
  beforeEach(() => {
    for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
      vi.stubEnv(name, '');
  });
  afterEach(() => vi.unstubAllEnvs());
}
