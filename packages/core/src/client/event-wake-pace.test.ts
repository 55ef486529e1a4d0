import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventOf } from '../../test/events.js';
import type { LiveStreamEvent } from '../events/live-stream-event.js';
import { eventWake } from './event-wake.js';

// A wait woken by an endless storm of events polls ten times in any second at most, by the clock it is
// given, whatever the timers do: a timer that fires a millisecond or more early (Node's may) must not let
// an eleventh poll in. Measured on a clock of the test's own, moved only by the sleeps, never by time.

describe('a storm of events', () => {
  it('wakes ten polls in any second at most, though every sleep ends early', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 12, max: 40 }),
        async (early, polls) => {
          let now = 1_000_000;
          const clock = () => now;
          // A sleep that ends `early` ms before its time, as a timer on a coarser clock than the wait's may;
          // one of `early` ms or less is on time (a timer never fires before the loop's next turn).
          const sleep = async (ms: number) => {
            now += ms <= early ? ms : ms - early;
          };
          let index = 0;
          // Endless: every read of the source is another event about the stream.
          const storm: AsyncIterable<LiveStreamEvent> = {
            [Symbol.asyncIterator]: () => ({
              next: async () => {
                index += 1;
                return {
                  done: false,
                  value: eventOf({
                    id: `storm-${index}`,
                    type: 'live_stream.updated',
                    provider: 'stub',
                    streamId: 's1',
                    occurredAt: new Date(now),
                    raw: {},
                  }),
                };
              },
            }),
          };
          const wake = eventWake(storm, { provider: 'stub', id: 's1' }, sleep, clock);
          const polledAt = [clock()];
          for (let poll = 0; poll < polls; poll += 1) {
            await wake.sleep(10_000, undefined);
            polledAt.push(clock());
          }
          wake.close();
          for (const at of polledAt)
            expect(polledAt.filter((other) => other >= at && other < at + 1_000).length).toBeLessThanOrEqual(
              10,
            );
        },
      ),
      { numRuns: 60 },
    );
  });
});
