import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveStreamState } from '../live-stream.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// Vendors date events to the second or the millisecond, and Wowza Video sends a stop's `stop.requested` and
// `stop.complete` with one `event_time`: of two state events at one time, the hub keeps the end of a
// transition over its beginning, whichever arrives last, and otherwise the one published last
// (docs/webhooks.md).

const at = new Date('2026-12-06T12:00:00.000Z');
const stateEvent = (id: string, state: LiveStreamState, time = at): LiveStreamEvent => ({
  id,
  type: 'live_stream.state_changed',
  provider: 'wowza-video',
  streamId: 'zq-stream',
  occurredAt: new Date(time),
  state,
  raw: {},
});
const latestState = (hub: ReturnType<typeof createEventHub>) =>
  hub.latest({ provider: 'wowza-video', streamId: 'zq-stream' }).find((event) => event.state)?.state;

const states: LiveStreamState[] = [
  'stopped',
  'starting',
  'ready',
  'stopping',
  'disabled',
  'resetting',
  'unknown',
];

describe('an event hub given two state events at one time', () => {
  it("keeps a transition's end over its beginning in either order of arrival, one batch or two", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<[LiveStreamState, LiveStreamState]>(['starting', 'ready'], ['stopping', 'stopped']),
        fc.boolean(),
        fc.boolean(),
        ([begun, ended], reversed, together) => {
          const hub = createEventHub();
          const pair = [stateEvent('zq-begun', begun), stateEvent('zq-ended', ended)];
          const arriving = reversed ? pair.reverse() : pair;
          if (together) hub.publish(arriving);
          else for (const event of arriving) hub.publish(event);
          expect(latestState(hub)).toBe(ended);
        },
      ),
    );
  });

  it('keeps the one published last for any other pair, and the newer for different times', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.constantFrom(...states),
        fc.integer({ min: -2, max: 2 }),
        (first, second, offsetMs) => {
          const hub = createEventHub();
          hub.publish(stateEvent('zq-first', first));
          hub.publish(stateEvent('zq-second', second, new Date(at.getTime() + offsetMs)));
          const endsTransition =
            (second === 'starting' && first === 'ready') || (second === 'stopping' && first === 'stopped');
          const expected = offsetMs < 0 || (offsetMs === 0 && endsTransition) ? first : second;
          expect(latestState(hub)).toBe(expected);
        },
      ),
    );
  });
});
