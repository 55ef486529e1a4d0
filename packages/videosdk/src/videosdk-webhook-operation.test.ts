import { ProviderUnavailableError, UniliveError } from '@unilive/core';
import { createWebhookKeyPair, rejectionOf, signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, videosdkPublicKey } from './videosdk-webhooks.js';

// `operation` is always the call the caller made (docs/errors.md): a parse whose key cannot be read fails
// as `parseWebhook`, whichever request inside it failed, as a confirm read of LiveAPI or Wowza Video and a
// Wowza Real-Time name lookup do; the message says which request it was.

const vendor = await createWebhookKeyPair();
const delivery = await signWebhook(
  'videosdk',
  { webhookType: 'hls-started', data: { meetingId: 'room-1' } },
  { privateKey: vendor.privateKey },
);

describe('videosdk parseWebhook: a key that cannot be fetched', () => {
  it('fails as parseWebhook, the message naming the key fetch (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(401, 429, 500, 503), async (status) => {
        const keySource = videosdkPublicKey({
          baseUrl: 'https://keys.example',
          fetch: async () =>
            new Response(JSON.stringify({ message: 'no' }), {
              status,
              headers: { 'content-type': 'application/json' },
            }),
        });
        const caught = await rejectionOf(() => parseWebhook(delivery, { keySource }));
        expect(UniliveError.isInstance(caught), String(caught)).toBe(true);
        expect(caught).toMatchObject({ provider: 'videosdk', operation: 'parseWebhook', status });
        expect((caught as UniliveError).message).toContain(
          'videosdk parseWebhook (fetching the webhook public key)',
        );
      }),
      { examples: [[503], [401]] },
    );
  });

  it("a custom source's unilive error is named for parseWebhook too, its message kept", async () => {
    const thrown = new ProviderUnavailableError({
      provider: 'videosdk',
      operation: 'get',
      status: 503,
      message: 'videosdk get failed (HTTP 503)',
    });
    const keySource = { get: async () => Promise.reject(thrown), refresh: async () => undefined };
    const caught = await rejectionOf(() => parseWebhook(delivery, { keySource }));
    expect(caught).toBeInstanceOf(ProviderUnavailableError);
    expect(caught).toMatchObject({
      operation: 'parseWebhook',
      status: 503,
      message: 'videosdk get failed (HTTP 503)',
    });
  });
});
