import { AuthenticationError, createLiveStreamClient } from '@unilive/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveapi } from './liveapi-provider.js';

// LiveAPI's two-part credential: one setting alone given wrong keeps its own words; both parts missing are
// named together (the generated case of both given wrong is the reliability suite's).

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('credential settings given wrong', () => {
  it('one credential alone given wrong keeps its own words', () => {
    expect(() => liveapi({ tokenId: 5 as never, secretKey: 'sec-abcdefgh' })).toThrow(
      expect.objectContaining({
        message: 'liveapi: the `tokenId` setting must be a string',
        issues: [{ path: 'tokenId', message: 'expected a string' }],
      }),
    );
  });

  it('missing both parts of LiveAPI’s credential, the first call names both settings and both variables', async () => {
    vi.stubEnv('LIVEAPI_TOKEN_ID', '');
    vi.stubEnv('LIVEAPI_SECRET_KEY', '');
    const fetch = vi.fn();
    const error = await createLiveStreamClient(liveapi({ fetch }))
      .get('abc')
      .catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'liveapi: no tokenId or secretKey configured; pass the `tokenId` setting or LIVEAPI_TOKEN_ID, and the `secretKey` setting or LIVEAPI_SECRET_KEY',
    );
    expect(fetch).not.toHaveBeenCalled();
    // One part given: the other is named alone.
    const second = await createLiveStreamClient(liveapi({ tokenId: 'tid-abcdefgh', fetch }))
      .get('abc')
      .catch((caught: unknown) => caught);
    expect((second as Error).message).toBe(
      'liveapi: no secretKey configured; pass the `secretKey` setting or LIVEAPI_SECRET_KEY',
    );
  });
});
