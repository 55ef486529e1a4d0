import { deliveryDigest } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './wowza-video-webhooks.js';

// Wowza signs nothing: whoever knows an endpoint's URL chooses `event_id`, which the hub remembers whole.
describe('Wowza Video webhook ids', () => {
  it('takes an event_id of up to 256 characters as the id, and the digest of the body for a longer one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 600 }),
        fc.constantFrom<'legacy' | 'current'>('legacy', 'current'),
        async (length, envelope) => {
          const eventId = 'e'.repeat(length);
          const sent =
            envelope === 'legacy'
              ? {
                  version: '1.7',
                  event: 'start.complete',
                  event_id: eventId,
                  event_time: 1_795_000_000,
                  object_type: 'transcoder',
                  object_id: 'wv1',
                  object_data: {},
                }
              : { event_type: 'video.updated', event_id: eventId, event_time: '2026-11-29T12:00:00Z' };
          const body = new TextEncoder().encode(JSON.stringify(sent));
          const [event] = await parseWebhook(
            { body, headers: {} },
            { unsigned: true, clock: () => Date.UTC(2026, 10, 29, 12) },
          );
          expect(event?.id).toBe(length <= 256 ? eventId : await deliveryDigest(body));
          // The rest of the delivery is read as ever: the transcoder's state, the vendor's event.
          expect(event?.data?.vendorEvent).toBe(envelope === 'legacy' ? 'start.complete' : 'video.updated');
          expect(event?.raw).toEqual(sent);
        },
      ),
      {
        examples: [
          [256, 'legacy'],
          [257, 'legacy'],
          [256, 'current'],
          [257, 'current'],
        ],
      },
    );
  });

  it('takes a blank event_id as none: the digest of the body, so two deliveries never fold into one', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Blank, or nothing but zero-width and other invisible characters.
        fc
          .array(
            fc.constantFrom(
              ' ',
              '\t',
              '\n',
              '\r',
              '\u00a0',
              '\u200b',
              '\u200c',
              '\u200d',
              '\u2060',
              '\ufeff',
              '\u00ad',
            ),
            {
              minLength: 1,
              maxLength: 8,
            },
          )
          .map((characters) => characters.join('')),
        fc.constantFrom('wv1', 'wv2'),
        async (eventId, objectId) => {
          const sent = {
            version: '1.7',
            event: 'start.complete',
            event_id: eventId,
            event_time: 1_795_000_000,
            object_type: 'transcoder',
            object_id: objectId,
            object_data: {},
          };
          const body = new TextEncoder().encode(JSON.stringify(sent));
          const [event] = await parseWebhook(
            { body, headers: {} },
            { unsigned: true, clock: () => Date.UTC(2026, 10, 29, 12) },
          );
          expect(event?.id).toBe(await deliveryDigest(body));
          expect(event).toMatchObject({
            type: 'live_stream.state_changed',
            streamId: objectId,
            state: 'ready',
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('makes a transcoder event naming a blank or path-like object_id unknown, naming no stream', async () => {
    for (const objectId of [' ', '  ', '../wv1', 'a b']) {
      const sent = {
        version: '1.7',
        event: 'start.complete',
        event_id: 'e1',
        event_time: 1_795_000_000,
        object_type: 'transcoder',
        object_id: objectId,
        object_data: {},
      };
      const [event] = await parseWebhook(
        { body: JSON.stringify(sent), headers: {} },
        { unsigned: true, clock: () => Date.UTC(2026, 10, 29, 12) },
      );
      expect(event).toMatchObject({ type: 'unknown', streamId: '' });
      expect(event).not.toHaveProperty('state');
    }
  });
});
