import type { LiveStreamState } from '../live-stream.js';
import { ownValue, timeOfDate } from '../own.js';
import type { LiveStreamEvent } from './live-stream-event.js';

/**
 * The key of a hub's own watch, for the library's waits (`waitForState`, `waitForBroadcast`): not public
 * API. A hub made by any copy of `@unilive/core` that has it carries it under this registered symbol; a wait
 * given a hub without it (one made by an older copy of core) subscribes as any reader does.
 */
export const hubWatchKey: unique symbol = Symbol.for('unilive.event-hub.watch') as never;

/**
 * What a watch is told of an event: the few fields a wait reads (`type`, the stream, `state`,
 * `broadcasting`, `occurredAt`, `data.feedId`), taken from the hub's own checked read of it, never the
 * event's `raw` or the rest of its `data`. Made for each watch (its `occurredAt` a Date of its own), so no
 * deep copy of a large event is made for a wait, and no watch shares an object with another or with a
 * subscriber.
 */
export type WatchedEvent = LiveStreamEvent;

/** Called with each event about the watched stream, in the order published; never inside `publish`. */
export type WatchListener = (event: WatchedEvent) => void;

/** A hub's watch: called with the stream, answers the function that ends it. */
export type HubWatch = (
  stream: { provider: string; streamId: string },
  listener: WatchListener,
) => () => void;

/** The few fields of `event` (the hub's own read) a wait reads, in an object of its own. */
export function watchedFields(event: LiveStreamEvent): WatchedEvent {
  // Own fields only, as the hub read them: a `state` on Object.prototype is no event's.
  const state = ownValue(event, 'state') as LiveStreamState | undefined;
  const broadcasting = ownValue(event, 'broadcasting') as boolean | undefined;
  const feedId = ownValue(ownValue(event, 'data'), 'feedId');
  const fields = {
    id: event.id,
    provider: event.provider,
    streamId: event.streamId,
    occurredAt: new Date(timeOfDate(event.occurredAt)),
    raw: undefined,
    ...(broadcasting === undefined ? {} : { broadcasting }),
    ...(typeof feedId === 'string' ? { data: { feedId } } : {}),
  };
  // The hub's read passed `isLiveStreamEvent`: a `state_changed` has its own `state`.
  if (event.type === 'live_stream.state_changed') return { ...fields, type: event.type, state: event.state };
  const view: WatchedEvent = { ...fields, type: event.type };
  if (state !== undefined) view.state = state;
  return view;
}
