import type {
  LiveStreamEvent,
  LiveStreamEventFields,
  LiveStreamEventType,
} from '../src/events/live-stream-event.js';

/**
 * An event of a type a test picks at run time (a generated one), with the fields given: the union's
 * member of that type. A `live_stream.state_changed` must be given a `state` (the union says so): a test
 * that asks for one without is a mistake of the test, and throws.
 */
export function eventOf(fields: LiveStreamEventFields & { type: LiveStreamEventType }): LiveStreamEvent {
  const { type, state, ...rest } = fields;
  if (type === 'live_stream.state_changed') {
    if (state === undefined) throw new Error('eventOf: a live_stream.state_changed needs a state');
    return { ...rest, type, state };
  }
  const event: LiveStreamEvent = { ...rest, type };
  if (state !== undefined) event.state = state;
  return event;
}

/** One `live_stream.connected` event, as a webhook handler's tests have `parse` return it. */
export const oneConnectedEvent: readonly LiveStreamEvent[] = [
  {
    id: 'e1',
    type: 'live_stream.connected',
    provider: 'test',
    streamId: 's1',
    occurredAt: new Date(Date.UTC(2026, 10, 29, 12)),
    raw: {},
  },
];
