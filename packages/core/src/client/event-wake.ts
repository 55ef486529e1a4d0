import { BroadcastFeeds } from '../events/broadcast-feeds.js';
import { isEventHub, type LiveStreamEventHub } from '../events/event-hub.js';
import { eventTimeUsable } from '../events/event-time.js';
import { type HubWatch, hubWatchKey } from '../events/hub-watch.js';
import { isLiveStreamEvent, type LiveStreamEvent } from '../events/live-stream-event.js';
import type { ProviderId } from '../live-stream.js';
import { timeOfDate } from '../own.js';
import { type Clock, platformTurn, type Sleep } from '../runtime.js';

/**
 * Where a wait hears about events: an event hub (the wait is told of each event about its stream from the
 * hub's own read, in a microtask after `publish`, never behind the copies made for subscribers; a hub
 * made by another copy of `@unilive/core`, an older one included, is subscribed to) or any async iterable of
 * events (the wait consumes it, so give each wait its own). A hub is what `createEventHub` makes, in any copy
 * of core (`isEventHub`): an object written by hand to the `LiveStreamEventHub` shape is refused as
 * `InvalidInputError` (`events`); give its events as an async iterable instead.
 */
export type LiveStreamEventSource = AsyncIterable<LiveStreamEvent> | LiveStreamEventHub;

/** The polling pace of a wait that hears events: slower, since events wake it. */
export function eventPacedIntervals(options: {
  intervalMs?: number | undefined;
  maxIntervalMs?: number | undefined;
}): {
  intervalMs: number;
  maxIntervalMs: number;
} {
  const intervalMs = options.intervalMs ?? 10_000;
  return { intervalMs, maxIntervalMs: options.maxIntervalMs ?? Math.max(60_000, intervalMs) };
}

/** What a wait gets from {@link eventWake}. */
export interface EventWake {
  /**
   * A sleep that ends early when an event about the stream arrives (or has arrived since the last poll),
   * so the wait polls at once instead of after its interval.
   */
  sleep: Sleep;
  /**
   * Whether video arrives as the events about the stream tell it (the newest of each feed, by
   * `occurredAt`: see BroadcastFeeds); undefined when none told. From a hub, what it heard before the wait
   * began counts too.
   */
  broadcasting(): boolean | undefined;
  /** Stops listening: a hub subscription is closed, an iterable's iterator is returned. */
  close(): void;
}

/**
 * The most polls a wait makes in any second, events or not: the pace `minWaitIntervalMs` (100 ms) allows.
 * A storm of deliveries about one stream (a vendor resending its backlog, a source replaying a log) would
 * otherwise make one state call per event, as fast as the vendor answers.
 */
const pollsPerSecond = 10;

// How many steps of an event source the wait takes before it gives the event loop a turn.
const eventLoopTurnSteps = 256;

/**
 * Listens to `source` for events about one stream of one provider while a wait runs, and wakes the
 * wait's sleep when one arrives. Events are hints: the wait polls the API, which has the last word. An
 * event wakes the wait at once while it has made fewer than ten polls in the last second (by `clock`);
 * past that, it polls as soon as the oldest of them is a second old, however many events came meanwhile.
 */
export function eventWake(
  source: LiveStreamEventSource,
  stream: { provider: ProviderId; id: string },
  baseSleep: Sleep,
  clock: Clock,
): EventWake {
  // A source that fails to start (an iterable whose iterator throws) is one that fails at once: it never
  // wakes the wait, and polling goes on.
  let iterator: AsyncIterator<LiveStreamEvent> | undefined;
  // A hub's own watch, when it has one: ends it.
  let unwatch: (() => void) | undefined;
  let pending = false;
  let closed = false;
  let wake: (() => void) | undefined;
  const feeds = new BroadcastFeeds();
  const heard = (event: LiveStreamEvent) => {
    if (event.broadcasting === undefined) return;
    // A time no event can have (before 2000, more than a day ahead of the clock) counts as the time it was
    // heard, as a hub keeps such a time published to it: an iterable is the caller's code, and a forged or
    // badly clocked event dated next year would otherwise outrank every event heard after it.
    const at = timeOfDate(event.occurredAt);
    const now = clock();
    const usable = eventTimeUsable(at, now) || !Number.isFinite(now);
    feeds.hear(usable ? event : { ...event, occurredAt: new Date(now) });
  };
  try {
    if (isEventHub(source)) {
      // Subscribed (or watching) first, then read what the hub already heard: nothing published between
      // the two is missed, and what both hold is the same event. A hub's own watch tells the wait of each
      // event from the hub's read of it, before the first turn of the loop: a subscription's copy would be
      // made on a turn of its own, behind every other subscriber's copies (of events about other streams
      // too), and a deep copy of a large event is more than a wait reads.
      const watch = (source as { [hubWatchKey]?: unknown })[hubWatchKey];
      if (typeof watch === 'function') {
        unwatch = (watch as HubWatch).call(
          source,
          { provider: stream.provider, streamId: stream.id },
          (event) => {
            if (closed) return;
            heard(event);
            pending = true;
            wake?.();
          },
        );
      } else {
        iterator = source
          .subscribe({ provider: stream.provider, streamId: stream.id })
          [Symbol.asyncIterator]();
      }
      const known = { provider: stream.provider, streamId: stream.id };
      // A hub written elsewhere may offer only the older newestBroadcasting, or neither.
      const before =
        typeof source.latest === 'function'
          ? source.latest(known)
          : [source.newestBroadcasting?.(known)].filter((each) => each !== undefined);
      for (const event of before) if (isLiveStreamEvent(event)) heard(event);
    } else {
      iterator = source[Symbol.asyncIterator]();
    }
  } catch {
    iterator = undefined;
  }

  const pump = async () => {
    // Whatever the source does (yields null, answers next() with a non-object, throws), it stops waking the
    // wait at worst; it never throws out of here, where nothing would catch it.
    try {
      let steps = 0;
      while (!closed && iterator) {
        // A source whose next() settles at once (an endless generator, a replayed backlog) would run here in
        // microtasks alone, and no timer of the process, the wait's deadline included, would ever fire: the
        // event loop gets a turn every 256 steps, as a list walk gives it every 256 records.
        steps += 1;
        if (steps % eventLoopTurnSteps === 0) await new Promise<void>((resolve) => platformTurn(resolve));
        if (closed) return;
        const result: unknown = await iterator.next();
        if (typeof result !== 'object' || result === null) return;
        const { done, value } = result as IteratorResult<unknown>;
        if (done || closed) return;
        // An event source is the caller's code: what it yields that is no event is skipped.
        if (!isLiveStreamEvent(value)) continue;
        if (value.provider !== stream.provider || value.streamId !== stream.id) continue;
        heard(value);
        pending = true;
        wake?.();
      }
    } catch {
      // A failing source stops waking the wait; polling goes on.
    }
  };
  void pump();

  // When the wait polled, oldest first, within the last second: the first poll is the one made now.
  const polledAt: number[] = [clock()];
  const polled = (at: number) => {
    polledAt.push(at);
    if (polledAt.length > pollsPerSecond) polledAt.shift();
  };

  /** Sleeps `ms` or until an event arrives; true when an event ended it early. */
  const sleepUntilEvent = (ms: number, signal: AbortSignal | undefined) => {
    const early = new AbortController();
    const combined = signal ? AbortSignal.any([signal, early.signal]) : early.signal;
    return new Promise<boolean>((resolve, reject) => {
      wake = () => {
        pending = false;
        early.abort();
      };
      baseSleep(ms, combined).then(
        () => {
          wake = undefined;
          resolve(false);
        },
        (reason: unknown) => {
          wake = undefined;
          if (signal?.aborted) reject(signal.reason);
          else if (early.signal.aborted) resolve(true);
          else reject(reason);
        },
      );
    });
  };

  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    const start = clock();
    if (pending) pending = false;
    else if (!(await sleepUntilEvent(ms, signal))) {
      // Slept its whole time: a poll at the wait's own pace.
      polled(clock());
      return;
    }
    // Woken by an event. Ten polls within the last second already: the next waits until the oldest of them
    // is a second old (never past the sleep's own end), and the events heard meanwhile wake nothing more.
    // Read again after sleeping, since a timer may fire a millisecond early (an eleventh poll 999 ms after
    // the first); a few turns at most, so a sleep that does not move the clock (a test's) cannot hold the
    // wait.
    for (let turn = 0; turn < 3; turn += 1) {
      const now = clock();
      const oldest = polledAt.length < pollsPerSecond ? undefined : (polledAt[0] as number);
      const wait = oldest === undefined ? 0 : oldest + 1_000 - now;
      const left = ms - (now - start);
      if (wait <= 0 || left <= 0) break;
      await baseSleep(Math.min(wait, left), signal);
    }
    polled(clock());
  };

  return {
    sleep,
    broadcasting: () => feeds.broadcasting(),
    close() {
      if (closed) return;
      closed = true;
      wake = undefined;
      try {
        unwatch?.();
      } catch {
        // A watch of another copy of core that fails to end: nothing more is heard from it (closed).
      }
      try {
        // A source's own return may throw or reject: closing is best effort.
        void Promise.resolve(iterator?.return?.()).catch(() => undefined);
      } catch {
        // Nothing to close.
      }
    },
  };
}

/** True for what `events` takes: an event hub or an async iterable. */
export function isEventSource(value: unknown): value is LiveStreamEventSource {
  if (typeof value !== 'object' || value === null) return false;
  return (
    isEventHub(value) ||
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}
