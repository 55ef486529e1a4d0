import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notATime } from '../../test/clock-answers.js';
import { InvalidInputError } from '../errors/errors.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { webhookClock } from './webhook-input.js';

// An event published from code is held to the time rule `parseWebhook` holds a vendor's time to: from
// 2000-01-01 to a day after it is received (here: published, by the hub's clock). Any other time is
// replaced by the time of publishing, with a `fallback` warning, so that a far-future time cannot outrank
// the events heard after it (docs/webhooks.md; docs/decisions/2026-12-01-published-event-times.md).

const earliest = Date.UTC(2000, 0, 1);
const dayMs = 86_400_000;

const event = (id: string, at: number, extra: Partial<LiveStreamEvent> = {}): LiveStreamEvent => ({
  id,
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId: 's1',
  occurredAt: new Date(at),
  broadcasting: true,
  raw: {},
  ...extra,
});

async function first(subscription: AsyncIterable<LiveStreamEvent>): Promise<LiveStreamEvent> {
  const result = await subscription[Symbol.asyncIterator]().next();
  return result.value as LiveStreamEvent;
}

// A clock anywhere from 2000 to 2100, and a time anywhere a Date can hold, often near the clock's edges.
const clockTime = fc.integer({ min: earliest, max: Date.UTC(2100, 0, 1) });
const eventTime = (now: number) =>
  fc.oneof(
    fc.integer({ min: -8.64e15, max: 8.64e15 }),
    fc.integer({ min: earliest - dayMs, max: earliest + dayMs }),
    fc.integer({ min: now - dayMs, max: now + 2 * dayMs }),
    fc.constantFrom(earliest - 1, earliest, now + dayMs, now + dayMs + 1, now + 10 * 365 * dayMs),
  );

describe('an event hub and the time of an event published to it', () => {
  it('keeps a time from 2000 to a day after publishing, and puts the time of publishing, with a warning, for any other', async () => {
    await fc.assert(
      fc.asyncProperty(
        clockTime.chain((now) => fc.tuple(fc.constant(now), eventTime(now))),
        fc.boolean(),
        async ([now, at], warned) => {
          const hub = createEventHub({ clock: () => now });
          const subscription = hub.subscribe();
          const earlier = [{ type: 'other' as const, message: 'kept' }];
          const published = event('e', at, warned ? { warnings: earlier } : {});
          expect(hub.publish(published)).toBe(1);
          const handed = await first(subscription);
          const held = hub.latest({ provider: 'liveapi', streamId: 's1' });
          const usable = at >= earliest && at <= now + dayMs;
          const expected = usable ? at : now;
          expect(handed.occurredAt.getTime()).toBe(expected);
          expect(held.map((each) => each.occurredAt.getTime())).toEqual([expected]);
          const warnings = usable
            ? warned
              ? earlier
              : undefined
            : [
                ...(warned ? earlier : []),
                {
                  type: 'fallback',
                  setting: 'occurredAt',
                  message: `occurredAt ${new Date(at).toISOString()} is no time from 2000 to a day after it was published; occurredAt is the time it was published`,
                },
              ];
          expect(handed.warnings).toEqual(warnings);
          // What the publisher handed in is not changed.
          expect(published.occurredAt.getTime()).toBe(at);
          expect(published.warnings).toEqual(warned ? earlier : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets no event dated in the future outrank one heard after it', () => {
    fc.assert(
      fc.property(
        clockTime,
        fc.integer({ min: dayMs + 1, max: 100 * 365 * dayMs }),
        fc.integer({ min: 1, max: dayMs }),
        (now, ahead, later) => {
          let time = now;
          const hub = createEventHub({ clock: () => time });
          // Published from code, dated well past tomorrow: the encoder is connected, it says.
          hub.publish(event('forged', now + ahead, { broadcasting: true }));
          // Then, later, the real news: the encoder went away.
          time = now + later;
          hub.publish(
            event('real', time, { type: 'live_stream.disconnected', broadcasting: false, state: 'ready' }),
          );
          expect(hub.newestBroadcasting?.({ provider: 'liveapi', streamId: 's1' })?.id).toBe('real');
          expect(hub.latest({ provider: 'liveapi', streamId: 's1' }).map((each) => each.id)).toEqual([
            'real',
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses, publishing nothing, when its clock answers no time, by the rule of a webhook clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        notATime,
        fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { minLength: 1, maxLength: 5 }),
        async (answer, times) => {
          let now: unknown = answer;
          const hub = createEventHub({ clock: () => now as number });
          const subscription = hub.subscribe();
          const batch = times.map((at, index) => event(`e${index}`, at));
          let caught: unknown;
          try {
            hub.publish(batch);
          } catch (error) {
            caught = error;
          }
          expect(InvalidInputError.isInstance(caught)).toBe(true);
          // The same words as a parseWebhook whose clock answers the same.
          let parsed: unknown;
          try {
            webhookClock('liveapi', () => answer as number)();
          } catch (error) {
            parsed = error;
          }
          expect((caught as InvalidInputError).issues).toEqual((parsed as InvalidInputError).issues);
          expect((caught as InvalidInputError).issues?.map((issue) => issue.path)).toEqual(['clock']);
          // Nothing was published: nothing kept, nothing handed out, no id remembered as a copy.
          expect(hub.latest({ provider: 'liveapi', streamId: 's1' })).toEqual([]);
          now = Date.UTC(2026, 11, 1);
          expect(hub.publish(batch)).toBe(batch.length);
          expect((await first(subscription)).id).toBe('e0');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads its clock once per publish, and refuses a clock that is no function', () => {
    let reads = 0;
    const now = Date.UTC(2026, 11, 1);
    const hub = createEventHub({
      clock: () => {
        reads += 1;
        return now;
      },
    });
    hub.publish([event('a', 0), event('b', now), event('c', 8.64e15)]);
    expect(reads).toBe(1);
    for (const clock of [42, 'now', {}, null]) {
      let error: unknown;
      try {
        createEventHub({ clock: clock as never });
      } catch (caught) {
        error = caught;
      }
      expect(InvalidInputError.isInstance(error), String(clock)).toBe(true);
      expect((error as InvalidInputError).issues?.map((issue) => issue.path)).toEqual(['clock']);
    }
  });
});
