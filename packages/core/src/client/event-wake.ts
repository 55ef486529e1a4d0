import { isEventHub, type LiveStreamEventHub } from '../events/event-hub.js';
import { isLiveStreamEvent, type LiveStreamEvent } from '../events/live-stream-event.js';
import type { ProviderId } from '../live-stream.js';
import type { Sleep } from '../runtime.js';

/**
 * Where a wait hears about events: an event hub (the wait subscribes to its own copy) or any async
 * iterable of events (the wait consumes it, so give each wait its own).
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
   * The newest event about the stream that told whether video is arriving, by `occurredAt`; from a hub,
   * what it heard before the wait began counts too.
   */
  broadcasting(): LiveStreamEvent | undefined;
  /** Stops listening: a hub subscription is closed, an iterable's iterator is returned. */
  close(): void;
}

/**
 * Listens to `source` for events about one stream of one provider while a wait runs, and wakes the
 * wait's sleep when one arrives. Events are hints: the wait polls the API, which has the last word.
 */
export function eventWake(
  source: LiveStreamEventSource,
  stream: { provider: ProviderId; id: string },
  baseSleep: Sleep,
): EventWake {
  // A source that fails to start (an iterable whose iterator throws) is one that fails at once: it never
  // wakes the wait, and polling goes on.
  let iterator: AsyncIterator<LiveStreamEvent> | undefined;
  let newestBroadcasting: LiveStreamEvent | undefined;
  const heard = (event: LiveStreamEvent) => {
    if (
      event.broadcasting !== undefined &&
      (!newestBroadcasting || event.occurredAt.getTime() >= newestBroadcasting.occurredAt.getTime())
    ) {
      newestBroadcasting = event;
    }
  };
  try {
    if (isEventHub(source)) {
      // Subscribed first, then read what the hub already heard: nothing published between the two is
      // missed, and what both hold is the same event.
      iterator = source.subscribe({ provider: stream.provider, streamId: stream.id })[Symbol.asyncIterator]();
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
  let pending = false;
  let closed = false;
  let wake: (() => void) | undefined;

  const pump = async () => {
    // Whatever the source does (yields null, answers next() with a non-object, throws), it stops waking the
    // wait at worst; it never throws out of here, where nothing would catch it.
    try {
      while (!closed && iterator) {
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

  const sleep: Sleep = (ms, signal) => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (pending) {
      pending = false;
      return Promise.resolve();
    }
    const early = new AbortController();
    const combined = signal ? AbortSignal.any([signal, early.signal]) : early.signal;
    return new Promise<void>((resolve, reject) => {
      wake = () => {
        pending = false;
        early.abort();
      };
      baseSleep(ms, combined).then(
        () => {
          wake = undefined;
          resolve();
        },
        (reason: unknown) => {
          wake = undefined;
          if (signal?.aborted) reject(signal.reason);
          else if (early.signal.aborted) resolve();
          else reject(reason);
        },
      );
    });
  };

  return {
    sleep,
    broadcasting: () => newestBroadcasting,
    close() {
      if (closed) return;
      closed = true;
      wake = undefined;
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
