import type { ProviderId } from '../live-stream.js';
import type { LiveStreamEvent, LiveStreamEventType } from './live-stream-event.js';

/** Which events a subscription receives; every given field must match. */
export interface LiveStreamEventFilter {
  provider?: ProviderId | undefined;
  streamId?: string | undefined;
  types?: readonly LiveStreamEventType[] | undefined;
}

/** The events one subscriber receives, in the order published: iterate it with `for await`. */
export interface LiveStreamEventSubscription extends AsyncIterable<LiveStreamEvent> {
  /** Ends the subscription: a pending `for await` finishes, and nothing more is buffered. */
  close(): void;
}

/**
 * An in-process fan-out of events: a webhook handler publishes what it verified, and every subscriber
 * (`waitForState`, `waitForBroadcast`, the application) receives its own copy.
 */
export interface LiveStreamEventHub {
  /**
   * Hands events to every matching subscriber. A copy of an event already published (same `provider` and
   * `id`, as a vendor retry or replay is) is dropped. Returns how many events were new.
   */
  publish(events: LiveStreamEvent | Iterable<LiveStreamEvent>): number;
  /** A new subscription, receiving events published from now on. */
  subscribe(filter?: LiveStreamEventFilter): LiveStreamEventSubscription;
  /**
   * The newest event published about one stream that said whether video is arriving (`broadcasting` set),
   * by `occurredAt`; undefined when none was. A wait that starts after the encoder connected reads it, so
   * `waitForBroadcast` does not wait for an event that came before it. Remembered for as many streams as
   * `dedupeWindow` ids (the oldest forgotten first), and forgotten when the stream is deleted. Optional, for
   * hubs written elsewhere.
   */
  newestBroadcasting?(stream: { provider: string; streamId: string }): LiveStreamEvent | undefined;
  /** Ends every subscription. */
  close(): void;
}

/** Options of {@link createEventHub}. */
export interface EventHubOptions {
  /** How many recent event ids are remembered to drop copies. Default 10 000. */
  dedupeWindow?: number;
  /**
   * Events a subscriber that does not keep up may have waiting; beyond it the oldest are dropped. Default
   * 1 000.
   */
  bufferSize?: number;
}

const hubMarker = Symbol.for('unilive.event-hub');

/** True when `value` is a {@link LiveStreamEventHub} (from any copy of `@unilive/core`). */
export function isEventHub(value: unknown): value is LiveStreamEventHub {
  return (
    typeof value === 'object' && value !== null && (value as { [hubMarker]?: unknown })[hubMarker] === true
  );
}

/**
 * Creates an in-process event hub.
 *
 * @example
 * ```ts
 * const hub = createEventHub();
 * const webhooks = createWebhookHandler({ parse: (input) => parseWebhook(input, { secret }), hub });
 * await client.waitForState(id, 'ready', { events: hub, intervalMs: 30_000 });
 * ```
 */
export function createEventHub(options: EventHubOptions = {}): LiveStreamEventHub {
  const dedupeWindow = Math.max(0, options.dedupeWindow ?? 10_000);
  const bufferSize = Math.max(1, options.bufferSize ?? 1_000);
  // Insertion order is age order: the oldest id is forgotten first.
  const seen = new Set<string>();
  const subscribers = new Set<Subscriber>();
  // The newest broadcasting event per stream; insertion order is age order here too.
  const broadcasting = new Map<string, LiveStreamEvent>();
  const streamKey = (provider: string, streamId: string) => `${provider}\u0000${streamId}`;
  const note = (event: LiveStreamEvent) => {
    const key = streamKey(event.provider, event.streamId);
    if (event.type === 'live_stream.deleted') {
      broadcasting.delete(key);
      return;
    }
    if (event.broadcasting === undefined) return;
    const known = broadcasting.get(key);
    if (known && known.occurredAt.getTime() > event.occurredAt.getTime()) return;
    broadcasting.delete(key);
    broadcasting.set(key, event);
    if (broadcasting.size > Math.max(1, dedupeWindow)) {
      const oldest = broadcasting.keys().next().value;
      if (oldest !== undefined) broadcasting.delete(oldest);
    }
  };

  const remember = (key: string): boolean => {
    if (seen.has(key)) return false;
    if (dedupeWindow === 0) return true;
    seen.add(key);
    if (seen.size > dedupeWindow) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };

  return {
    [hubMarker]: true,
    publish(events) {
      const list = isEvent(events) ? [events] : [...events];
      let fresh = 0;
      for (const event of list) {
        if (!remember(`${event.provider}\u0000${event.id}`)) continue;
        fresh += 1;
        note(event);
        for (const subscriber of subscribers) subscriber.offer(event);
      }
      return fresh;
    },
    subscribe(filter = {}) {
      const subscriber = new Subscriber(filter, bufferSize, () => subscribers.delete(subscriber));
      subscribers.add(subscriber);
      return subscriber;
    },
    newestBroadcasting({ provider, streamId }) {
      return broadcasting.get(streamKey(provider, streamId));
    },
    close() {
      for (const subscriber of [...subscribers]) subscriber.close();
    },
  } as LiveStreamEventHub;
}

function isEvent(value: LiveStreamEvent | Iterable<LiveStreamEvent>): value is LiveStreamEvent {
  return typeof (value as Iterable<LiveStreamEvent>)[Symbol.iterator] !== 'function';
}

class Subscriber implements LiveStreamEventSubscription {
  readonly #buffer: LiveStreamEvent[] = [];
  #waiting: ((result: IteratorResult<LiveStreamEvent>) => void) | undefined;
  #closed = false;

  constructor(
    private readonly filter: LiveStreamEventFilter,
    private readonly bufferSize: number,
    private readonly onClose: () => void,
  ) {}

  offer(event: LiveStreamEvent): void {
    if (this.#closed || !matches(this.filter, event)) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    this.#buffer.push(event);
    if (this.#buffer.length > this.bufferSize) this.#buffer.shift();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    this.onClose();
    const resolve = this.#waiting;
    this.#waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveStreamEvent> {
    return {
      next: () => {
        const event = this.#buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiting = resolve;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

function matches(filter: LiveStreamEventFilter, event: LiveStreamEvent): boolean {
  if (filter.provider !== undefined && filter.provider !== event.provider) return false;
  if (filter.streamId !== undefined && filter.streamId !== event.streamId) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  return true;
}
