import { InvalidInputError } from '@unilive/core';
import { signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './wowza-realtime-webhooks.js';

// A feed event without `data.started` / `data.ended` is dated by its signed `timestamp`. Passing the
// tolerance makes it fresh enough to trust, not a time to keep: it is held to the `occurredAt` rule of
// docs/webhooks.md ("The neutral event"): from 2000-01-01 to a day after receipt, else the time of receipt
// and a `fallback` warning, never 1970, days ahead or an Invalid Date.

const secret = Buffer.from('unilive-test-webhook-secret-0001').toString('base64');
const earliest = Date.UTC(2000, 0, 1);
const dayMs = 86_400_000;
const maxDateMs = 8.64e15;

async function dated(timestamp: number, receipt: number, toleranceSeconds: number) {
  const delivery = await signWebhook(
    'wowza-realtime',
    { type: 'feeds', event: 'started', timestamp, data: { name: 'n' } },
    { secret },
  );
  const [event] = await parseWebhook(delivery, {
    secret,
    clock: () => receipt,
    resolveStreamId: () => 'stream-1',
    toleranceSeconds,
  });
  if (!event) throw new Error('no event');
  return event;
}

describe('wowza-realtime parseWebhook: occurredAt from the signed timestamp', () => {
  it('is the timestamp inside the occurredAt rule, else the time of receipt with a fallback warning (generated)', async () => {
    // Times of receipt across Date's range, the edges of the rule among them; a timestamp inside the
    // tolerance of it, either way.
    const receipt = fc.oneof(
      fc.integer({ min: -maxDateMs, max: maxDateMs }),
      fc.integer({ min: earliest - 2 * dayMs, max: earliest + 2 * dayMs }),
      fc.integer({ min: maxDateMs - 2 * dayMs, max: maxDateMs }),
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
    );
    await fc.assert(
      fc.asyncProperty(
        receipt,
        fc.integer({ min: 0, max: 86_400 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        async (at, toleranceSeconds, share) => {
          const timestamp = Math.round(at + share * toleranceSeconds * 1000);
          // Outside what the tolerance lets through (a rounding at the edge): not this property's case.
          fc.pre(Math.abs(at - timestamp) <= toleranceSeconds * 1000);
          const event = await dated(timestamp, at, toleranceSeconds);
          const kept = timestamp >= earliest && timestamp <= at + dayMs && timestamp <= maxDateMs;
          expect(Number.isNaN(event.occurredAt.getTime())).toBe(false);
          if (kept) {
            expect(event.occurredAt.getTime()).toBe(timestamp);
            expect(event.warnings).toBeUndefined();
          } else {
            expect(event.occurredAt.getTime()).toBe(at);
            expect(event.warnings).toEqual([
              expect.objectContaining({ type: 'fallback', setting: 'timestamp' }),
            ]);
          }
        },
      ),
      {
        examples: [
          // 1970, a tolerance of a day: the time of receipt.
          [dayMs / 2, 86_400, -1],
          // Just before 2000, received just after it.
          [earliest + 1000, 60, -1],
          // Past the end of Date's range (once an Invalid Date).
          [maxDateMs - 10, 1, 1],
          // A day ahead at most is kept, from a receipt in 2026.
          [Date.UTC(2026, 11, 2), 86_400, 1],
        ],
      },
    );
  });

  it('takes a toleranceSeconds of a day at most: more is an InvalidInputError naming it (generated)', async () => {
    const now = Date.UTC(2026, 10, 29, 12);
    const delivery = await signWebhook(
      'wowza-realtime',
      { type: 'feeds', event: 'started', timestamp: now - 1000, data: { name: 'n' } },
      { secret },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 86_400, minExcluded: true, noNaN: true, noDefaultInfinity: true }),
        async (toleranceSeconds) => {
          let caught: unknown;
          try {
            await parseWebhook(delivery, {
              secret,
              clock: () => now,
              resolveStreamId: () => 'stream-1',
              toleranceSeconds,
            });
          } catch (error) {
            caught = error;
          }
          expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
          expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'toleranceSeconds' }] });
        },
      ),
      { examples: [[86_400.5], [1e12], [Number.MAX_VALUE]] },
    );
    // A day itself is taken.
    await expect(dated(now - 1000, now, 86_400)).resolves.toMatchObject({ occurredAt: new Date(now - 1000) });
  });

  it('says how stale a delivery is in decimals that show it beyond the tolerance, however small that is (generated)', async () => {
    const now = Date.UTC(2026, 10, 29, 12);
    const delivery = await signWebhook(
      'wowza-realtime',
      { type: 'feeds', event: 'started', timestamp: now, data: { name: 'n' } },
      { secret },
    );
    await fc.assert(
      fc.asyncProperty(
        // Any tolerance below a second, down to the smallest number there is; a receipt up to a second late.
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1000, noNaN: true }),
        async (toleranceSeconds, lateMs) => {
          const receipt = now + toleranceSeconds * 1000 + lateMs;
          fc.pre(receipt - now > toleranceSeconds * 1000);
          let message = '';
          try {
            await parseWebhook(delivery, {
              secret,
              clock: () => receipt,
              resolveStreamId: () => 'stream-1',
              toleranceSeconds,
            });
          } catch (error) {
            message = (error as Error).message;
          }
          const said = /timestamp is (\S+) (s|ms) old, beyond the tolerance of (\S+) (s|ms) /.exec(message);
          expect(said, message).not.toBeNull();
          const [, age, , tolerance] = said as RegExpExecArray;
          expect(Number(age), message).toBeGreaterThan(Number(tolerance));
          expect(Number(tolerance) === 0, message).toBe(toleranceSeconds === 0);
          // A tolerance of a microsecond or more, and a millisecond late, read without an exponent.
          if (toleranceSeconds === 0 || toleranceSeconds >= 1e-6) expect(message).not.toMatch(/\de-?\d/);
        },
      ),
      {
        examples: [
          [1e-300, 1],
          [5e-324, 1],
          [1e-7, 0.0003],
          [0.0005, 1],
          [0, 1],
        ],
      },
    );
  });
});
