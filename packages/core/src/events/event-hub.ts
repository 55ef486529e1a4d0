import { byteIntrinsics } from '../bytes.js';
import { nearestName } from '../config/names.js';
import { type InputIssue, InvalidInputError } from '../errors/errors.js';
import type { ProviderId, Warning } from '../live-stream.js';
import { readOptions } from '../options.js';
import { dataProperty, ownFields, ownValue, plainObjectProblem, timeOfDate, unreadableText } from '../own.js';
import { type Clock, platformTurn, systemClock } from '../runtime.js';
import { BroadcastFeeds } from './broadcast-feeds.js';
import {
  copyEvent,
  EventHoldsProxy,
  EventTooDeep,
  EventTooWide,
  eventSize,
  maxEventDepth,
  maxEventIdLength,
  maxEventValues,
  readEvent,
  withoutRaw,
} from './copy-event.js';
import { clockAnswerProblem, eventTimeUsable } from './event-time.js';
import { type HubWatch, hubWatchKey, type WatchListener, watchedFields } from './hub-watch.js';
import { isLiveStreamEvent, type LiveStreamEvent, type LiveStreamEventType } from './live-stream-event.js';

/** Which events a subscription receives; every given field must match. */
export interface LiveStreamEventFilter {
  provider?: ProviderId | undefined;
  streamId?: string | undefined;
  types?: readonly LiveStreamEventType[] | undefined;
}

/** The events one subscriber receives, in the order published: iterate it with `for await`. */
export interface LiveStreamEventSubscription extends AsyncIterable<LiveStreamEvent> {
  /**
   * Ends the subscription: a pending `for await` finishes, and nothing more is delivered: the events
   * waiting, and one given to a pending `next` whose copy was still to be made (on a later turn of the
   * loop, see {@link LiveStreamEventHub.publish}), are dropped.
   */
  close(): void;
}

/**
 * An in-process fan-out of events: a webhook handler publishes what it verified, and every subscriber
 * (the application's) receives its own deep copy, made on a turn of the
 * event loop of its own after `publish` (whether it was waiting or takes the event from its buffer later;
 * the platform's own `setImmediate`, kept at load, so fake timers do not hold it back; the hub's one read of
 * the event is shared until then), so what one changes no other sees, and a publish
 * costs the same whatever the number of subscribers. The library's waits (`waitForState`, `waitForBroadcast`
 * with `events: hub`) are told of each event about their stream in a microtask after `publish` returns, from
 * the hub's own read (the few fields they go by, in an object of their own, never a deep copy), so never
 * behind the subscribers' copies. It also keeps, per stream, the newest event that told
 * whether video arrives and the newest that told a state ({@link LiveStreamEventHub.latest}): a wait that begins after the vendor spoke
 * still hears it.
 */
export interface LiveStreamEventHub {
  /**
   * Hands events to every matching subscriber. A copy of an event already published (same `provider` and
   * `id`, as a vendor retry or replay is) is dropped. Returns how many events were new; after `close`, 0.
   * Throws `InvalidInputError` (publishing none of the batch) when `events` is neither an event nor an
   * iterable of events (`null`, a string, an object without `occurredAt`, a `live_stream.state_changed`
   * without a `state`…: what {@link isLiveStreamEvent} refuses), or when an event cannot be
   * read (a getter or a Proxy in it, or in its `raw` or `data`, throws). Each event is read once, every own
   * property of it: what is checked is what the hub keeps and hands out (a getter is not asked again), its
   * text of 13 characters or more copied into text of its own (a short slice of a long text would keep the
   * whole of it alive in what the hub keeps).
   * `publish` makes no subscriber's copy: a subscriber waiting for an event (a `for await`, a wait in
   * progress) gets its copy on a turn of the event loop of its own after `publish` returns (a macrotask,
   * one subscriber a turn, so I/O runs between two subscribers' copies), in the order published; one not
   * reading copies the event when it takes it. What `publish` costs does not grow with the subscribers.
   * So is an event whose `raw` or `data` nests more than 64 levels deep or holds more than 10 000 values
   * (`maxEventValues`: the field's value and every entry inside it), as a webhook body may not, or whose
   * other own fields together hold more than 10 000 (so many fields cannot make one event cost more than
   * three bodies), and one whose `id` or `provider` is longer than 1 024 characters (`maxEventIdLength`:
   * the hub remembers both whole for `dedupeWindow` events, so their length bounds that memory), the issue
   * naming the field (`events.id`, `events.2.provider` for the third of a list). So is an event that is,
   * or whose `raw`, `data` or other field holds, a Proxy (told without running a trap, where the runtime
   * can tell one: Node, Deno, Bun): it only passes for data, and its keys come all at once from its trap,
   * however many, before the value bound can stop them; and a plain object or class instance with more own
   * keys than the bound, before any of them is read.
   * An `occurredAt` before 2000-01-01 or more than a day after publishing (the hub's `clock`) is kept as the
   * time of publishing, with a `fallback` warning, as `parseWebhook` keeps a vendor's time it cannot use.
   * Throws `InvalidInputError` naming `clock` (publishing none of the batch) when the clock answers
   * anything but a finite number of ms a `Date` holds (NaN, a text, a BigInt, Infinity, undefined, beyond
   * ±8.64e15), as `webhookClock` does,
   * or throws (its error is the `cause`).
   */
  publish(events: LiveStreamEvent | Iterable<LiveStreamEvent>): number;
  /**
   * A new subscription, receiving events published from now on; after `close`, one already ended. Throws
   * `InvalidInputError` naming the field when `filter` is neither absent nor a plain object (`null`, a
   * string, a `Map`, a class instance: `not a Map`), names a field it does not have (`provder`: the issue
   * `filter.provder` names the nearest), or a field it sets is of the wrong kind (`provider` or `streamId` not text, `types` not a list of texts):
   * a filter that could not match is refused rather than receiving everything, or nothing. A filter is
   * read once, here: one that cannot be read (a getter or a Proxy in it, or in its `types`, throws) is
   * refused the same way (`could not be read`, the thrown error as `cause`), and changing it afterwards
   * changes nothing.
   */
  subscribe(filter?: LiveStreamEventFilter): LiveStreamEventSubscription;
  /**
   * Copies of the newest events published about one stream, without their `raw` (given as `undefined`:
   * what is kept for ten thousand streams must not grow with the size of a body), that told whether video arrives
   * (`broadcasting` set), one per feed (`data.feedId`, Wowza Real-Time's redundant ingest; an event without
   * one speaks for the whole stream, and a feed's event older than it no longer counts, nor it once a
   * feed's event is at least as new: see `docs/webhooks.md`), and of the newest that told a state (`state` set), by `occurredAt` (of several
   * at one time, the end of the chain of transitions they form, starting → ready → stopping → stopped →
   * starting, whatever order they arrived in: `ready`, `stopping` and `stopped` at one time give `stopped`;
   * when they form no single chain, the one published last), oldest first; one entry when one event told both. At most 32 feeds a
   * stream. Empty for a stream never heard of or forgotten (beyond `retainStreams` or `retainBytes`); a
   * `live_stream.deleted` forgets every event dated no later than it, whether heard before it or arriving
   * late (a re-sent deletion changes nothing), so what is kept does not depend on the order of arrival.
   * Video arrives, as the waits (`waitForBroadcast`) go by it, when one of the entries given for telling
   * `broadcasting` says `true`: the same entries, the same answer.
   */
  latest(stream: { provider: ProviderId; streamId: string }): LiveStreamEvent[];
  /**
   * A copy of the newest event published about one stream that said whether video is arriving
   * (`broadcasting` set), by `occurredAt`, of any feed; undefined when none was (see {@link latest}, which
   * gives every feed's). Optional, for hubs made by older copies of core.
   */
  newestBroadcasting?(stream: { provider: ProviderId; streamId: string }): LiveStreamEvent | undefined;
  /** Ends every subscription; later subscriptions end at once and later publishes do nothing. */
  close(): void;
}

/** Options of {@link createEventHub}; each a whole number, checked when the hub is made. */
export interface EventHubOptions {
  /**
   * How many recent event ids are remembered to drop copies, 0 to 10 000 000. Default 10 000. Each is kept
   * with its provider, both at most 1 024 characters (`maxEventIdLength`): about 4 KiB an id at most.
   */
  dedupeWindow?: number | undefined;
  /**
   * Events a subscriber that does not keep up may have waiting, 1 to 10 000 000; beyond it the oldest are
   * dropped. Default 1 000.
   */
  bufferSize?: number | undefined;
  /**
   * The most a subscriber that does not keep up may have waiting, in bytes as estimated, 1 to 2^31; beyond
   * it the oldest are dropped, as beyond `bufferSize`, but the newest event is always kept. Default 64 MiB:
   * a subscriber that stops reading holds about that, whatever size and kind the events are (but what no
   * property of an object shows: below). Each value is weighed by its kind, near what V8 (Node 24, 64-bit)
   * holds for it, measured over a million values of each: text 24 and 2 a character, an object's key 8 and 2
   * a character, a number or other scalar 16 (a BigInt its digits' bytes beside, a symbol 2 a character of
   * its description), an array 48, a plain object 64, a `Date` 104, a `Set` 160 and a `Map` 192 (16 more an
   * entry), an `ArrayBuffer` or `SharedArrayBuffer` 104 (a growable one's most) and a typed array or
   * `DataView` 208, each beside its byte length. An object handed on as it is (a class instance, any object
   * of another prototype) weighs 64 beside its own data properties, weighed as a plain object's are, and
   * what a built-in holds out of them (a `RegExp`'s source, a boxed string or BigInt, an `Error`'s stack, a
   * `URL`'s text, `Headers`' names and values, a `Blob`'s size), in every event it is published in again;
   * a getter is not run, and what no property shows (a function's closure, a promise's result, a
   * `WeakMap`'s entries) is not weighed. At the bound, 1 000
   * streams of 9 990 empty arrays, objects, Dates, Sets, Maps or `Uint8Array`s each kept 56 to 68 MB of
   * heap in `latest` (32 bytes a value, before, kept 84 to 437 MB); plain JSON weighs more than it costs.
   */
  bufferBytes?: number | undefined;
  /**
   * Streams whose newest events {@link LiveStreamEventHub.latest} keeps, 0 to 10 000 000; the one heard of
   * least recently is forgotten first. Default: `dedupeWindow` (at least 1), so 10 000.
   */
  retainStreams?: number | undefined;
  /**
   * The most {@link LiveStreamEventHub.latest} keeps, over all streams, in bytes as `bufferBytes` counts them
   * (each value by its kind, near what V8 holds for it; of the events as kept: without `raw`), 0 to 2^31;
   * beyond it the stream heard of least recently is forgotten first, as beyond `retainStreams`. Default
   * 64 MiB, about that much heap whatever kind of values the events hold (but what no property of an
   * object shows, as `bufferBytes` says).
   */
  retainBytes?: number | undefined;
  /**
   * The time now, in ms since the epoch, read once per `publish` (not after `close`): the time of receipt
   * of what is published. Default `Date.now`. An event dated before 2000-01-01 or more than a day after it
   * is kept with this time instead, as `parseWebhook` keeps a vendor's time it cannot use. One that is no
   * function is refused by `createEventHub`; an answer that is no finite number of ms (NaN, a text, a
   * BigInt, Infinity, undefined) or one no `Date` holds (beyond ±8.64e15), or a clock that throws, makes that `publish` throw `InvalidInputError`
   * naming `clock`, publishing nothing: the rule of a `parseWebhook` clock (`webhookClock`).
   */
  clock?: Clock | undefined;
}

const hubMarker = Symbol.for('unilive.event-hub');

// The options' names; their values are checked by `createEventHub` itself.
const anyOption = { check: () => true, expected: 'anything' };
const hubOptionNames = {
  dedupeWindow: anyOption,
  bufferSize: anyOption,
  bufferBytes: anyOption,
  retainStreams: anyOption,
  retainBytes: anyOption,
  clock: anyOption,
} satisfies Record<keyof EventHubOptions, unknown>;

// What an issue says of a value that could not be read, or of a clock that threw.
const clockThrew = 'threw instead of returning a number of ms since the epoch';
const maxOption = 10_000_000;
// The largest byte bound: 2 GiB, as a webhook handler's `maxBodyBytes`.
const maxBytesOption = 2_147_483_648;
const defaultBytes = 67_108_864; // 64 MiB

/** True when `value` is a {@link LiveStreamEventHub} (from any copy of `@unilive/core`). */
export function isEventHub(value: unknown): value is LiveStreamEventHub {
  return (
    typeof value === 'object' && value !== null && (value as { [hubMarker]?: unknown })[hubMarker] === true
  );
}

// The state that follows each in a stream's lifecycle: starting → ready → stopping → stopped → starting.
function nextState(state: unknown): string | undefined {
  if (state === 'starting') return 'ready';
  if (state === 'ready') return 'stopping';
  if (state === 'stopping') return 'stopped';
  if (state === 'stopped') return 'starting';
  return undefined;
}

// Of the state events told at one time (one per state, in the order they were published), the one kept:
// the end of the chain of transitions they form (`ready`, `stopping`, `stopped` at one time end at
// `stopped`; `stopped`, `starting` at `starting`), whatever order they arrived in. When they form no single
// chain (a state outside the lifecycle, two ends, or the whole cycle), the one published last.
function stateAtOneTime(events: readonly LiveStreamEvent[]): LiveStreamEvent {
  const last = events[events.length - 1] as LiveStreamEvent;
  if (events.length === 1) return last;
  const states = new Set(events.map((each) => ownValue(each, 'state')));
  let end: LiveStreamEvent | undefined;
  for (const each of events) {
    const next = nextState(ownValue(each, 'state'));
    if (next === undefined) return last;
    if (states.has(next)) continue;
    if (end !== undefined) return last;
    end = each;
  }
  return end ?? last;
}

/**
 * Creates an in-process event hub. Throws `InvalidInputError` naming each option that is not a whole
 * number in its range, a `clock` that is no function, an option whose getter throws, a name it does not
 * have (the nearest named), and options that are no plain object (`null`, a `Map`: core's `readOptions`).
 *
 * @example
 * ```ts uses=client,id,secret
 * import { createEventHub, createWebhookHandler } from '@unilive/core';
 * import { parseWebhook, wowzaRealtimeStreamNames } from '@unilive/wowza-realtime';
 *
 * const hub = createEventHub();
 * const resolveStreamId = wowzaRealtimeStreamNames(client);
 * const webhooks = createWebhookHandler({
 *   parse: (input) => parseWebhook(input, { secret, resolveStreamId }),
 *   hub,
 * });
 * await client.waitForState(id, 'ready', { events: hub, intervalMs: 30_000 });
 * ```
 */
export function createEventHub(options: EventHubOptions = {}): LiveStreamEventHub {
  // Read as every options object is (`readOptions`): own properties of a plain object, each once, every
  // name known. A Map's entries or a misspelt `bufferSiz` would otherwise be dropped unnoticed.
  const given = readOptions<EventHubOptions>(options, hubOptionNames, {
    operation: 'createEventHub',
    path: 'options',
    keys: 'bare',
  });
  const issues: InputIssue[] = [];
  const option = (name: keyof EventHubOptions): unknown => given[name];
  const whole = (
    name: keyof EventHubOptions,
    fallback: number,
    minimum: number,
    maximum = maxOption,
  ): number => {
    const value = option(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
      issues.push({ path: name, message: `expected a whole number from ${minimum} to ${maximum}` });
      return fallback;
    }
    return value;
  };
  const dedupeWindow = whole('dedupeWindow', 10_000, 0);
  const bufferSize = whole('bufferSize', 1_000, 1);
  const bufferBytes = whole('bufferBytes', defaultBytes, 1, maxBytesOption);
  const retainStreams = whole('retainStreams', Math.max(1, dedupeWindow), 0);
  const retainBytes = whole('retainBytes', defaultBytes, 0, maxBytesOption);
  const givenClock = option('clock');
  if (givenClock !== undefined && typeof givenClock !== 'function')
    issues.push({ path: 'clock', message: 'expected a function returning the time in ms since the epoch' });
  const clock = typeof givenClock === 'function' ? (givenClock as Clock) : systemClock;
  if (issues.length > 0) {
    throw new InvalidInputError({
      operation: 'createEventHub',
      message: `createEventHub: invalid ${issues.map((issue) => issue.path).join(', ')}: ${issues[0]?.message}`,
      issues,
    });
  }
  // Insertion order is age order: the oldest id is forgotten first, and the stream heard of least
  // recently.
  const seen = new Set<string>();
  const subscribers = new Set<Subscriber>();
  const newest = new Map<string, Newest>();
  const turns = new CopyTurns();
  // The library's own waits, by stream (see watch below): told of an event from the hub's own read of it.
  const watches = new Map<string, Set<WatchListener>>();
  let closed = false;

  // A wait (`waitForState`, `waitForBroadcast`) only reads a few fields of an event (`watchedFields`), so it
  // is told of each from the hub's own checked read, in a microtask after `publish` returns: before the
  // first turn of the loop, so before any subscriber's copy (made on turns of their own, `CopyTurns`) and
  // without waiting behind them. Never inside `publish`: waking a wait settles promises and aborts signals
  // whose listeners may be the caller's (a `sleep` of its own), which must not run in the publisher's call.
  const watch: HubWatch = (stream, listener) => {
    if (closed) return () => undefined;
    const key = streamKey(stream);
    let listeners = watches.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      watches.set(key, listeners);
    }
    listeners.add(listener);
    return () => {
      const held = watches.get(key);
      if (held === undefined) return;
      held.delete(listener);
      if (held.size === 0) watches.delete(key);
    };
  };
  // Each watch told of the events of one publish, in the order published; one ended meanwhile is not.
  const tell = (told: { listener: WatchListener; event: LiveStreamEvent }[]): void => {
    queueMicrotask(() => {
      for (const { listener, event } of told) {
        if (closed || !watches.get(streamKey(event))?.has(listener)) continue;
        try {
          listener(event);
        } catch {
          // A watch is the library's own and does not throw; were one to, the others are still told.
        }
      }
    });
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

  const keep = (event: LiveStreamEvent): void => {
    const key = streamKey(event);
    const time = timeOfDate(event.occurredAt);
    const held = newest.get(key);
    if (event.type === 'live_stream.deleted') {
      // What was heard up to the deletion is forgotten, and its time kept: an event dated no later that
      // arrives late (vendors deliver out of order) does not bring the stream back, and what is kept does
      // not depend on the order of arrival.
      if (retainStreams === 0) return;
      const entry: Newest = held ?? Object.create(null);
      entry.deletedAt = Math.max(time, entry.deletedAt ?? time);
      const deletedAt = entry.deletedAt;
      entry.feeds?.forgetUntil(deletedAt);
      if (entry.state && timeOfDate(entry.state.occurredAt) <= deletedAt) {
        delete entry.state;
        delete entry.tied;
      }
      newest.delete(key);
      newest.set(key, entry);
      trim(key);
      return;
    }
    // Own fields only, here and in the record kept: a `state` or `broadcasting` on Object.prototype is
    // no event's, and no record's.
    const tellsBroadcasting = ownValue(event, 'broadcasting') !== undefined;
    const tellsState = ownValue(event, 'state') !== undefined;
    if (retainStreams === 0 || (!tellsBroadcasting && !tellsState)) return;
    if (held?.deletedAt !== undefined && time <= held.deletedAt) return;
    const entry: Newest = held ?? Object.create(null);
    newest.delete(key);
    // The event as the hub read it (see eventList) without its `raw`, handed to nobody: kept as it is,
    // copied when handed out. `raw` (the whole body: megabytes for some, stream keys for others) is what
    // would make ten thousand streams' memory unbounded in bytes; what `latest` decides by is the rest.
    const kept = withoutRaw(event);
    if (tellsBroadcasting) {
      entry.feeds ??= new BroadcastFeeds();
      entry.feeds.hear(kept);
    }
    if (tellsState) {
      const heldTime = entry.state ? timeOfDate(entry.state.occurredAt) : Number.NEGATIVE_INFINITY;
      if (time > heldTime) {
        entry.state = kept;
        delete entry.tied;
      } else if (time === heldTime) {
        // Several states told at one time (Wowza Video dates a stop's `stop.requested` and `stop.complete`
        // alike): kept together, one per state, and the state decided from all of them, so that the order
        // they arrive in does not change what `latest` gives (see stateAtOneTime).
        const state = ownValue(kept, 'state');
        const tied = (entry.tied ?? [entry.state as LiveStreamEvent]).filter(
          (each) => ownValue(each, 'state') !== state,
        );
        tied.push(kept);
        entry.tied = tied;
        entry.state = stateAtOneTime(tied);
      }
    }
    newest.set(key, entry);
    trim(key);
  };

  // The bytes kept for one stream: its events as kept (one told both is counted once).
  const bytesOf = (entry: Newest): number => {
    const events = new Set(entry.feeds?.held() ?? []);
    if (entry.state) events.add(entry.state);
    for (const each of entry.tied ?? []) events.add(each);
    let bytes = 0;
    for (const each of events) bytes += eventSize(each).kept;
    return bytes;
  };

  // Forgets the streams heard of least recently while more are kept than `retainStreams`, or more bytes
  // than `retainBytes`. Each stream's bytes are counted again when it is heard of (at most 33 events).
  let retained = 0;
  const weights = new Map<string, number>();
  const trim = (key: string): void => {
    const entry = newest.get(key);
    if (entry !== undefined) {
      let bytes = bytesOf(entry);
      // The states told at one time are kept together while `retainBytes` allows; beyond it, the state
      // decided from them is kept alone rather than the stream forgotten for their weight.
      if (entry.tied !== undefined && retained - (weights.get(key) ?? 0) + bytes > retainBytes) {
        delete entry.tied;
        bytes = bytesOf(entry);
      }
      retained += bytes - (weights.get(key) ?? 0);
      weights.set(key, bytes);
    }
    while (newest.size > retainStreams || (retained > retainBytes && newest.size > 0)) {
      const oldest = newest.keys().next().value;
      if (oldest === undefined) break;
      newest.delete(oldest);
      retained -= weights.get(oldest) ?? 0;
      weights.delete(oldest);
    }
  };

  return {
    [hubMarker]: true,
    publish(events) {
      const list = eventList(events);
      if (closed) return 0;
      // The time of receipt of this batch: an event dated where no event can be is kept with it. A clock
      // that answers no time refuses the batch, as it refuses a webhook parse (webhookClock): a time rule
      // measured against NaN would silently let a forged far-future time through.
      let receipt: unknown;
      try {
        receipt = clock();
      } catch (error) {
        // The caller's clock failed, not the batch: named as the option it is, its error the cause (its
        // text is not echoed: a clock is the caller's code and may throw anything).
        throw new InvalidInputError({
          operation: 'publish',
          message: 'event hub publish: clock threw instead of returning the time (see cause)',
          issues: [{ path: 'clock', message: clockThrew }],
          cause: error,
        });
      }
      const problem = clockAnswerProblem(receipt);
      if (problem !== undefined) {
        throw new InvalidInputError({
          operation: 'publish',
          message: `event hub publish: clock ${problem}`,
          issues: [{ path: 'clock', message: problem }],
        });
      }
      for (const event of list) receiptTimeUnlessUsable(event, receipt as number);
      let fresh = 0;
      const told: { listener: WatchListener; event: LiveStreamEvent }[] = [];
      for (const event of list) {
        if (!remember(`${event.provider}\u0000${event.id}`)) continue;
        fresh += 1;
        keep(event);
        for (const listener of watches.get(streamKey(event)) ?? []) {
          told.push({ listener, event: watchedFields(event) });
        }
        for (const subscriber of subscribers) subscriber.offer(event);
      }
      if (told.length > 0) tell(told);
      return fresh;
    },
    subscribe(filter) {
      // The filter's own fields: one it leaves out is no filter, whatever Object.prototype carries.
      const own = checkedFilter(filter);
      const subscriber = new Subscriber(own, bufferSize, bufferBytes, turns, () =>
        subscribers.delete(subscriber),
      );
      if (closed) subscriber.close();
      else subscribers.add(subscriber);
      return subscriber;
    },
    latest({ provider, streamId }) {
      const entry = newest.get(streamKey({ provider, streamId }));
      if (!entry) return [];
      const held: LiveStreamEvent[] = entry.feeds?.events() ?? [];
      if (entry.state && !held.includes(entry.state)) held.push(entry.state);
      return held
        .sort((a, b) => timeOfDate(a.occurredAt) - timeOfDate(b.occurredAt))
        .map((each) => copyEvent(each));
    },
    newestBroadcasting({ provider, streamId }) {
      const held = newest.get(streamKey({ provider, streamId }))?.feeds?.newest();
      return held ? copyEvent(held) : undefined;
    },
    [hubWatchKey]: watch,
    close() {
      closed = true;
      watches.clear();
      newest.clear();
      weights.clear();
      retained = 0;
      for (const subscriber of [...subscribers]) subscriber.close();
    },
  } as LiveStreamEventHub;
}

/**
 * An event published with a time no event can have (before 2000-01-01, or more than a day after `receipt`)
 * is kept with the time of receipt and a `fallback` warning saying what it carried, as `parseWebhook` does
 * for a vendor's time. Published code is no more trusted than a vendor: a time in the far future would
 * outrank, in `latest` and a wait's newest event, every event heard later, the true ones included. `event`
 * is the hub's own copy (`readEvent`), changed in place. `receipt` is a finite number of ms: `publish`
 * refuses a clock answering anything else before it gets here.
 */
function receiptTimeUnlessUsable(event: LiveStreamEvent, receipt: number): void {
  const at = timeOfDate(event.occurredAt);
  if (eventTimeUsable(at, receipt)) return;
  const warning: Warning = {
    type: 'fallback',
    setting: 'occurredAt',
    message: `occurredAt ${new Date(at).toISOString()} is no time from 2000 to a day after it was published; occurredAt is the time it was published`,
  };
  // Defined, not assigned: a setter some code put on Object.prototype is never called.
  const field = { writable: true, enumerable: true, configurable: true };
  const earlier = ownValue(event, 'warnings');
  Object.defineProperty(event, 'occurredAt', dataProperty(new Date(receipt), field));
  Object.defineProperty(
    event,
    'warnings',
    dataProperty([...(Array.isArray(earlier) ? earlier : []), warning], field),
  );
}

/** The newest events the hub heard about one stream; a record without a prototype. */
interface Newest {
  /** The newest events that told whether video arrives, one per feed. */
  feeds?: BroadcastFeeds;
  state?: LiveStreamEvent;
  /** The state events told at `state`'s time when there are several, one per state, oldest first. */
  tied?: LiveStreamEvent[];
  /** When the stream was reported deleted (ms): an event not later than this is not kept. */
  deletedAt?: number;
}

// The fields a filter has (`LiveStreamEventFilter`).
const filterNames = ['provider', 'streamId', 'types'];

function checkedFilter(filter: unknown): LiveStreamEventFilter {
  const refuse = (path: string, message: string, cause?: unknown): never => {
    throw new InvalidInputError({
      operation: 'subscribe',
      message: `event hub subscribe: ${path} ${message}`,
      issues: [{ path, message }],
      cause,
    });
  };
  if (filter === undefined) return ownFields<LiveStreamEventFilter>(undefined);
  let isList: boolean;
  try {
    isList = Array.isArray(filter);
  } catch (error) {
    // A revoked Proxy: asking whether it is a list throws.
    return refuse('filter', unreadableText, error);
  }
  if (typeof filter !== 'object' || filter === null || isList) {
    return refuse('filter', 'must be an object ({ provider?, streamId?, types? }) or left out');
  }
  // Own properties only are read, so a Map's entries or a class's getters would be no filter at all, and
  // the subscriber would receive every event: refused, as the other options are (`plainObjectProblem`).
  const kind = plainObjectProblem(filter);
  if (kind !== undefined) return refuse('filter', kind);
  // Read once, at subscribe time, into the hub's own copy (its `types` a list of its own): a getter or a
  // Proxy that throws is refused here, naming the filter, rather than throwing its own error now or from
  // a later `publish` that matches events against it; a list the caller changes later changes nothing.
  let own: Record<string, unknown>;
  try {
    own = ownFields(filter as Record<string, unknown>);
  } catch (error) {
    return refuse('filter', unreadableText, error);
  }
  // A misspelt field (`provder`) would filter nothing: the subscriber would receive every event.
  for (const key of Object.keys(own)) {
    if (filterNames.includes(key)) continue;
    const nearest = nearestName(key, filterNames);
    refuse(
      `filter.${key}`,
      nearest
        ? `is no filter field; did you mean "${nearest}"?`
        : `is no filter field; expected one of ${filterNames.join(', ')}`,
    );
  }
  for (const key of ['provider', 'streamId'] as const) {
    if (own[key] !== undefined && typeof own[key] !== 'string') refuse(`filter.${key}`, 'must be text');
  }
  const types: unknown = own.types;
  if (types !== undefined) {
    let copied: unknown[];
    try {
      copied = Array.isArray(types) ? Array.from(types as unknown[]) : [];
    } catch (error) {
      return refuse('filter.types', unreadableText, error);
    }
    if (!Array.isArray(types) || !copied.every((each: unknown) => typeof each === 'string')) {
      refuse('filter.types', 'must be a list of event types');
    }
    own.types = copied;
  }
  return own as LiveStreamEventFilter;
}

function streamKey(event: { provider: ProviderId; streamId: string }): string {
  return `${event.provider}\u0000${event.streamId}`;
}

// The whole batch is read and checked before any of it is published: a refused batch leaves no half behind.
// Each event is read once, into a copy of the hub's own (see readEvent), and that copy is what is checked,
// kept and handed out: a getter is not asked twice (it may answer a Date, then a string), and a value in
// `raw` or `data` that throws as it is copied (a Date behind a Proxy whose traps throw, a getter) refuses
// the batch here rather than half-way through publishing it.
function eventList(events: unknown): LiveStreamEvent[] {
  const refuse = (message: string): never => {
    throw new InvalidInputError({
      operation: 'publish',
      message: `event hub publish: ${message}`,
      issues: [{ path: 'events', message }],
    });
  };
  const tooDeep = (read: TooDeep, entry: string) =>
    refuse(
      `${entry}${read.field} is nested more than ${maxEventDepth} levels deep (no vendor's event is; ` +
        'copying one that is would stall every subscriber)',
    );
  const tooWide = (read: TooWide, entry: string) =>
    refuse(
      `${entry}${read.field} holds more than ${maxEventValues} values (no vendor's event does; ` +
        'copying one that does would stall every subscriber)',
    );
  // Named by its path, as the field it is: `events.id`, `events.2.provider`.
  const tooLong = (read: TooLong, path: string, entry: string): never => {
    const message = `is longer than ${maxEventIdLength} characters (no vendor's is; the hub remembers it whole)`;
    throw new InvalidInputError({
      operation: 'publish',
      message: `event hub publish: ${entry}${read.field} ${message}`,
      issues: [{ path: `${path}.${read.field}`, message }],
    });
  };
  const holdsProxy = (where: string) =>
    refuse(`${where} a Proxy, which only passes for data (refused without running its traps)`);
  const one = readOne(events);
  if (one instanceof HoldsProxy && one.field !== undefined)
    return holdsProxy(`the event: ${one.field} holds`);
  if (one instanceof TooDeep) return tooDeep(one, 'the event: ');
  if (one instanceof TooWide) return tooWide(one, 'the event: ');
  if (one instanceof TooLong) return tooLong(one, 'events', 'the event: ');
  // A Proxy may still stand for a list of events: only what it yields is refused then.
  if (one !== undefined && one !== 'unreadable' && !(one instanceof HoldsProxy)) return [one];
  if (!isIterable(events)) {
    if (one instanceof HoldsProxy)
      return refuse(
        'the event is a Proxy, which only passes for data (one standing for a list of events is iterated)',
      );
    return one === 'unreadable'
      ? refuse('the event could not be read (a getter or a Proxy in it threw)')
      : refuse('expected an event or an iterable of events');
  }
  let list: unknown[];
  try {
    list = [...events];
  } catch {
    return refuse('iterating the events threw');
  }
  return list.map((each, index) => {
    const read = readOne(each);
    if (read instanceof TooDeep) return tooDeep(read, `entry ${index}: `);
    if (read instanceof TooWide) return tooWide(read, `entry ${index}: `);
    if (read instanceof TooLong) return tooLong(read, `events.${index}`, `entry ${index}: `);
    if (read instanceof HoldsProxy)
      return holdsProxy(
        read.field === undefined ? `entry ${index} is` : `entry ${index}: ${read.field} holds`,
      );
    if (read === 'unreadable')
      return refuse(`entry ${index} could not be read (a getter or a Proxy in it threw)`);
    return (
      read ??
      refuse(
        `entry ${index} is not an event (id, type, provider, streamId, occurredAt; a state for a state_changed)`,
      )
    );
  });
}

// Whether `value` says it is iterable; a revoked Proxy, or one whose trap throws, is not.
function isIterable(value: unknown): value is Iterable<unknown> {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function'
    );
  } catch {
    return false;
  }
}

/** An event one of whose fields nests beyond {@link maxEventDepth}. */
class TooDeep {
  constructor(readonly field: string) {}
}

/** An event one of whose fields holds more than {@link maxEventValues} values. */
class TooWide {
  constructor(readonly field: string) {}
}

/** An event that is (`field` undefined), or one of whose fields holds, a Proxy. */
class HoldsProxy {
  constructor(readonly field: string | undefined) {}
}

/** An event whose `id` or `provider` is longer than {@link maxEventIdLength}. */
class TooLong {
  constructor(readonly field: 'id' | 'provider') {}
}

// `value` read once (see readEvent) when what was read is an event; `unreadable` when reading it threw.
function readOne(
  value: unknown,
): LiveStreamEvent | TooDeep | TooWide | TooLong | HoldsProxy | 'unreadable' | undefined {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (byteIntrinsics.isProxy?.(value)) return new HoldsProxy(undefined);
    const read = readEvent(value);
    if (!isLiveStreamEvent(read)) return undefined;
    // The dedupe window keeps both whole, outside every byte bound: their length is its bound.
    if (read.id.length > maxEventIdLength) return new TooLong('id');
    if (read.provider.length > maxEventIdLength) return new TooLong('provider');
    return read;
  } catch (error) {
    if (error instanceof EventTooDeep) return new TooDeep(error.field);
    if (error instanceof EventHoldsProxy) return new HoldsProxy(error.field);
    return error instanceof EventTooWide ? new TooWide(error.field) : 'unreadable';
  }
}

// A pending `next` of a subscription: how its promise settles.
interface Reader {
  resolve: (result: IteratorResult<LiveStreamEvent>) => void;
  reject: (error: unknown) => void;
}

// The platform's own turn (`platformTurn`): a test's fake timers installed later do not stall delivery to a
// waiting subscriber, which would otherwise wait for the test to advance them.
const copyTurn = platformTurn;

/**
 * Hands each subscriber that was waiting for an event, or that takes one it had buffered, its copy on a turn
 * of the event loop of its own, one
 * subscriber a turn, round the subscribers in turn: `publish` makes no copy, so what it costs does not grow
 * with the subscribers, and I/O (the next request, a timer) runs between two subscribers' copies, also when
 * readers that fell behind resume together and take their backlogs at once. A turn is
 * a macrotask (the platform's `setImmediate`, or a 0 ms timer where it has none): the callbacks of a microtask,
 * or of several `setImmediate`s queued at once, all run before the loop looks at I/O again.
 */
class CopyTurns {
  // Subscribers with an event to copy, in the order their turn comes; one served goes to the back.
  readonly #queue = new Set<Subscriber>();
  #scheduled = false;

  want(subscriber: Subscriber): void {
    this.#queue.add(subscriber);
    this.#schedule();
  }

  // A subscription that ended has no turn left: nothing it had waiting is copied, nor held here.
  forget(subscriber: Subscriber): void {
    this.#queue.delete(subscriber);
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.size === 0) return;
    this.#scheduled = true;
    copyTurn(() => {
      this.#scheduled = false;
      const [first] = this.#queue;
      if (first !== undefined) {
        this.#queue.delete(first);
        try {
          if (first.copyOne()) this.#queue.add(first);
        } finally {
          this.#schedule();
        }
      }
    });
  }
}

class Subscriber implements LiveStreamEventSubscription {
  // Events waiting, as the hub read them (shared with the other subscribers, copied when taken).
  readonly #buffer: LiveStreamEvent[] = [];
  // The estimated bytes of each event waiting (as the hub read it), in the order of #buffer, and their sum.
  readonly #sizes: number[] = [];
  #bytes = 0;
  // Every pending `next` of every iterator of this subscription that has no event yet, served in the order
  // asked.
  readonly #waiting: Reader[] = [];
  // Pending `next`s given an event (the hub's shared read) whose copy is still to be made, on this
  // subscriber's turn (`CopyTurns`), in the order asked.
  readonly #due: { reader: Reader; event: LiveStreamEvent }[] = [];
  #closed = false;

  constructor(
    private readonly filter: LiveStreamEventFilter,
    private readonly bufferSize: number,
    private readonly bufferBytes: number,
    private readonly turns: CopyTurns,
    private readonly onClose: () => void,
  ) {}

  // `event` is the hub's own read of it, handed to nobody: a subscriber waiting now is given it, its copy
  // made on the subscriber's own turn of the loop (`CopyTurns`); one that is not reading keeps the shared
  // event itself and copies it when it takes it (`next`). Either way `publish` makes no copy.
  offer(event: LiveStreamEvent): void {
    if (this.#closed || !matches(this.filter, event)) return;
    const reader = this.#waiting.shift();
    if (reader) {
      this.#due.push({ reader, event });
      this.turns.want(this);
      return;
    }
    const size = eventSize(event).total;
    this.#buffer.push(event);
    this.#sizes.push(size);
    this.#bytes += size;
    // The oldest go first, by count or by bytes; the newest stays, whatever its size.
    while (
      this.#buffer.length > 1 &&
      (this.#buffer.length > this.bufferSize || this.#bytes > this.bufferBytes)
    ) {
      this.#buffer.shift();
      this.#bytes -= this.#sizes.shift() ?? 0;
    }
  }

  // This subscriber's turn: the copy of the first event due, handed to the `next` it was given to. True
  // when more are due (another turn wanted).
  copyOne(): boolean {
    const due = this.#due.shift();
    if (due === undefined) return false;
    let copy: LiveStreamEvent;
    try {
      copy = copyEvent(due.event);
    } catch (error) {
      // Copying what the hub read does not throw (what it could not copy it refused, or hands on as it
      // is); were it ever to, the reader hears it rather than the process.
      due.reader.reject(error);
      return this.#due.length > 0;
    }
    due.reader.resolve({ value: copy, done: false });
    return this.#due.length > 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    this.#sizes.length = 0;
    this.#bytes = 0;
    this.turns.forget(this);
    this.onClose();
    // An event whose copy was still to be made is not delivered: the subscription has ended.
    const ended = [...this.#due.splice(0).map((due) => due.reader), ...this.#waiting.splice(0)];
    for (const reader of ended) reader.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveStreamEvent> {
    return {
      next: () => {
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<LiveStreamEvent>>((resolve, reject) => {
          const reader = { resolve, reject };
          const event = this.#buffer.shift();
          if (event === undefined) {
            this.#waiting.push(reader);
            return;
          }
          this.#bytes -= this.#sizes.shift() ?? 0;
          // Copied on this subscriber's turn, as a waiting reader's is, after the events given to earlier
          // `next`s: readers that fell behind and resume together (one shared promise) would otherwise copy
          // their whole backlogs in one stretch of the loop, no I/O between.
          this.#due.push({ reader, event });
          this.turns.want(this);
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
