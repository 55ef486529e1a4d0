import { InvalidInputError } from '@unilive/core';
import { signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './wowza-realtime-webhooks.js';

// Only leaving `toleranceSeconds` out means the default 300 s: a `null` from a configuration file (meant as
// "no tolerance" or "disabled") is refused as every other option's `null` is, never read as the default.

const secret = Buffer.from('unilive-test-webhook-secret-0001').toString('base64');
const now = Date.parse('2026-11-29T12:00:00Z');

describe('wowza-realtime parseWebhook: toleranceSeconds that is no number', () => {
  it('is an InvalidInputError naming toleranceSeconds, null included (generated)', async () => {
    // Signed 200 s ago: inside the default tolerance, so a value read as the default would pass.
    const delivery = await signWebhook(
      'wowza-realtime',
      { type: 'feeds', event: 'started', timestamp: now - 200_000, data: { name: 'n' } },
      { secret },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom<unknown>(null, '300', true, {}, [], Number.NaN, -1, Number.POSITIVE_INFINITY),
          fc.string(),
          fc.double({ max: -Number.MIN_VALUE }),
        ),
        async (toleranceSeconds) => {
          let caught: unknown;
          try {
            await parseWebhook(delivery, {
              secret,
              clock: () => now,
              resolveStreamId: () => 'stream-1',
              toleranceSeconds: toleranceSeconds as number,
            });
          } catch (error) {
            caught = error;
          }
          expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
          expect(caught).toMatchObject({
            operation: 'parseWebhook',
            issues: [{ path: 'toleranceSeconds' }],
          });
        },
      ),
      { examples: [[null], ['300'], [true]] },
    );
  });

  it('left out, is 300 s', async () => {
    const at = async (ageMs: number) =>
      parseWebhook(
        await signWebhook(
          'wowza-realtime',
          { type: 'feeds', event: 'started', timestamp: now - ageMs, data: { name: 'n' } },
          { secret },
        ),
        { secret, clock: () => now, resolveStreamId: () => 'stream-1' },
      ).then(
        () => 'accepted',
        (error: { reason?: string }) => error.reason,
      );
    expect(await at(300_000)).toBe('accepted');
    expect(await at(301_000)).toBe('stale-timestamp');
  });
});
