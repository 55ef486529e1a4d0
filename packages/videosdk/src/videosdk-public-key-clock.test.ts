import { createWebhookKeyPair, signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, videosdkPublicKey } from './videosdk-webhooks.js';

// The key is fetched again after a failed signature at most every refreshMs, an interval: a clock that
// steps back (an NTP correction, a VM restored) counts as time enough, so a rotated key is fetched by the
// next delivery it signed, not after the clock has caught up.

const first = await createWebhookKeyPair();
const rotated = await createWebhookKeyPair();
const hls = { webhookType: 'hls-started', data: { meetingId: 'room-1' } };
const signedFirst = await signWebhook('videosdk', hls, { privateKey: first.privateKey });
const signedRotated = await signWebhook('videosdk', hls, { privateKey: rotated.privateKey });

describe('videosdkPublicKey: a clock that steps back', () => {
  it('fetches the key again after a failed signature, whatever the step (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 86_400_000 }),
        fc.boolean(),
        async (stepBackMs, fetchFailsFirst) => {
          let served = first.publicKey;
          let fetches = 0;
          let failNext = false;
          const fetch = (async () => {
            fetches += 1;
            if (failNext) {
              failNext = false;
              return new Response('{}', { status: 503, headers: { 'content-type': 'application/json' } });
            }
            return new Response(JSON.stringify({ publicKey: served }), {
              headers: { 'content-type': 'application/json' },
            });
          }) as typeof globalThis.fetch;
          let now = Date.parse('2026-11-29T12:00:00Z');
          const keySource = videosdkPublicKey({ baseUrl: 'https://keys.example', fetch, clock: () => now });
          expect(await parseWebhook(signedFirst, { keySource })).toHaveLength(1);
          expect(fetches).toBe(1);
          if (fetchFailsFirst) {
            // A refresh that failed holds the next one off (30 s). Made past refreshMs and past any step
            // drawn, so only that hold, measured across the step, could keep the next fetch from being made.
            now += 600_000 + 86_400_000;
            failNext = true;
            await expect(parseWebhook(signedRotated, { keySource })).rejects.toMatchObject({
              reason: 'bad-signature',
            });
            expect(fetches).toBe(2);
          }
          // The vendor rotates its key; the clock steps back.
          served = rotated.publicKey;
          now -= stepBackMs;
          expect(await parseWebhook(signedRotated, { keySource })).toHaveLength(1);
          expect(fetches).toBe(fetchFailsFirst ? 3 : 2);
        },
      ),
      {
        examples: [
          [3_600_000, false],
          [3_600_000, true],
          [1, false],
        ],
      },
    );
  });
});
