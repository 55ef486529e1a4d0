import { ownValue, timeOfDate } from '../own.js';
import type { LiveStreamEvent } from './live-stream-event.js';

/** How many feeds of one stream are remembered; past it, the one heard of longest ago is forgotten. */
export const maxFeedsPerStream = 32;

/**
 * The feed an event that tells whether video arrives is about: its `data.feedId` when that is non-empty
 * text (Wowza Real-Time: redundant or multi-source ingest, each feed reporting on its own), else `''`, the
 * stream as a whole (every other vendor).
 */
export function feedOf(event: LiveStreamEvent): string {
  const feedId = ownValue(ownValue(event, 'data'), 'feedId');
  return typeof feedId === 'string' ? feedId : '';
}

/**
 * What the events heard about one stream say about its video, feed by feed. The newest event (by
 * `occurredAt`; of equal times, the one heard last) of each feed counts; an event without a feed id speaks
 * for the whole stream, so a feed's event older than the newest such event no longer counts. Video arrives
 * while any feed's newest event says so; with no feed's event at least as new as the newest whole-stream
 * event, that one decides, and with one, the feeds alone do (the whole-stream event no longer counts).
 */
export class BroadcastFeeds {
  // Insertion order is the order heard: the feed heard of longest ago is forgotten first.
  readonly #feeds = new Map<string, LiveStreamEvent>();

  /** Takes an event into account; one that does not tell whether video arrives changes nothing. */
  hear(event: LiveStreamEvent): void {
    if (ownValue(event, 'broadcasting') === undefined) return;
    const time = timeOfDate(event.occurredAt);
    const whole = this.#feeds.get('');
    const feed = feedOf(event);
    if (feed !== '' && whole && time < timeOfDate(whole.occurredAt)) return;
    const held = this.#feeds.get(feed);
    if (held && time < timeOfDate(held.occurredAt)) return;
    this.#feeds.delete(feed);
    this.#feeds.set(feed, event);
    if (feed === '') {
      // A feed's event older than what the whole stream said no longer counts.
      for (const [key, each] of this.#feeds) {
        if (key !== '' && timeOfDate(each.occurredAt) < time) this.#feeds.delete(key);
      }
    }
    if (this.#feeds.size > maxFeedsPerStream) {
      const oldest = this.#feeds.keys().next().value;
      if (oldest !== undefined) this.#feeds.delete(oldest);
    }
  }

  /** Forgets every event dated no later than `time` (ms): what a deletion of the stream outdates. */
  forgetUntil(time: number): void {
    for (const [key, each] of this.#feeds) {
      if (timeOfDate(each.occurredAt) <= time) this.#feeds.delete(key);
    }
  }

  /**
   * The events that count, oldest first: those {@link broadcasting} goes by. A whole-stream event with a
   * feed's event at least as new is kept (a feed's event older than it, arriving late, still does not count)
   * but not given: the feeds decide then, and a hub's `latest` that handed it out would show a stream live
   * that the waits, rightly, do not.
   */
  events(): LiveStreamEvent[] {
    const feedsDecide = [...this.#feeds.keys()].some((key) => key !== '');
    return [...this.#feeds]
      .filter(([key]) => !(feedsDecide && key === ''))
      .map(([, each]) => each)
      .sort((a, b) => timeOfDate(a.occurredAt) - timeOfDate(b.occurredAt));
  }

  /** Every event held, the whole stream's included, in no particular order: what is kept in memory. */
  held(): LiveStreamEvent[] {
    return [...this.#feeds.values()];
  }

  /** The newest event heard that counts, of any feed. */
  newest(): LiveStreamEvent | undefined {
    return this.events().at(-1);
  }

  /** Whether video arrives, as the events tell it; undefined when none told. */
  broadcasting(): boolean | undefined {
    let feedSaid: boolean | undefined;
    for (const [key, each] of this.#feeds) {
      if (key === '') continue;
      feedSaid = feedSaid === true || each.broadcasting === true;
    }
    return feedSaid ?? this.#feeds.get('')?.broadcasting;
  }
}
