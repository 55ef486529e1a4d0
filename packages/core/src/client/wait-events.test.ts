import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventOf } from '../../test/events.js';
import type { ProviderCapabilities } from '../capabilities.js';
import {
  AbortError,
  ConflictError,
  InvalidInputError,
  TimeoutError,
  UnsupportedOperationError,
} from '../errors/errors.js';
import { createEventHub } from '../events/event-hub.js';
import type {
  LiveStreamEvent,
  LiveStreamEventFields,
  LiveStreamEventType,
} from '../events/live-stream-event.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from '../live-stream.js';
import type { LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// Waits that hear events: asserted by the order of polls and events under fake timers, never by elapsed
// wall-clock time. "Promptly" means: the wait ends without any timer having to fire.

const capabilities = (broadcastingStatus: boolean): ProviderCapabilities => ({
  lifecycle: 'explicit',
  start: true,
  stop: true,
  restart: true,
  update: true,
  delete: true,
  recording: true,
  restream: false,
  regions: false,
  lowLatency: false,
  broadcastingStatus,
  names: true,
  ingestProtocols: ['rtmp'],
  playbackProtocols: ['hls'],
  maxNameLength: 200,
});

function stubProvider(
  options: {
    broadcastingStatus?: boolean;
    broadcastingEvents?: boolean;
    /** A vendor call of its own that tells whether video arrives (Wowza Video's ingest analytics). */
    broadcastingCall?: boolean;
  } = {},
) {
  const vendor = { state: 'starting' as LiveStreamState, broadcasting: undefined as boolean | undefined };
  const polls: string[] = [];
  const stream = (id: string): LiveStream => ({
    id,
    provider: 'stub',
    state: vendor.state,
    ...(vendor.broadcasting === undefined ? {} : { broadcasting: vendor.broadcasting }),
    ingest: [],
    playback: [],
    recording: false,
    raw: {},
  });
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id: 'stub',
    capabilities: {
      ...capabilities(options.broadcastingStatus ?? false),
      ...(options.broadcastingEvents === undefined ? {} : { broadcastingEvents: options.broadcastingEvents }),
    },
    create: () => Promise.reject(new Error('unused')),
    get: async (id) => {
      polls.push(`get ${id}`);
      return stream(id);
    },
    list: () => ({
      [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
    }),
    update: () => Promise.reject(new Error('unused')),
    delete: () => Promise.reject(new Error('unused')),
    start: () => Promise.reject(new Error('unused')),
    stop: () => Promise.reject(new Error('unused')),
    getStatus: async (id): Promise<LiveStreamStatus> => {
      polls.push(`status ${id}`);
      return {
        state: vendor.state,
        ...(options.broadcastingStatus && vendor.broadcasting !== undefined
          ? { broadcasting: vendor.broadcasting }
          : {}),
        raw: {},
      };
    },
    ...(options.broadcastingCall
      ? {
          getBroadcasting: async (id: string) => {
            polls.push(`broadcasting ${id}`);
            return vendor.broadcasting;
          },
        }
      : {}),
  };
  return { provider, vendor, polls };
}

// A state_changed when it tells a state (one always does); else an event that only wakes a wait.
const event = (
  fields: Partial<LiveStreamEventFields> & { id: string; type?: LiveStreamEventType },
): LiveStreamEvent =>
  eventOf({
    type: fields.state === undefined ? 'live_stream.updated' : 'live_stream.state_changed',
    provider: 'stub',
    streamId: 's1',
    occurredAt: new Date(),
    raw: {},
    ...fields,
  });

// Lets every pending promise callback run, without letting any timer fire.
const settle = () => vi.advanceTimersByTimeAsync(0);

/** An async iterable of events the test sends one by one (`send`), each delivered in the order sent. */
function pushedSource(): { source: AsyncIterable<LiveStreamEvent>; send: (value: LiveStreamEvent) => void } {
  const pushes: ((value: IteratorResult<LiveStreamEvent>) => void)[] = [];
  const queued: LiveStreamEvent[] = [];
  const source: AsyncIterable<LiveStreamEvent> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise((resolve) => {
          const ready = queued.shift();
          if (ready) resolve({ done: false, value: ready });
          else pushes.push(resolve);
        }),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
  const send = (value: LiveStreamEvent) => {
    const waiting = pushes.shift();
    if (waiting) waiting({ done: false, value });
    else queued.push(value);
  };
  return { source, send };
}

/**
 * Checks that a wait ends with its poll number `poll` (the first is 1, then one per event heard during
 * the wait), made while the fake clock stands still: the first ten are made at once, but a wait polls at
 * most ten times a second (minWaitIntervalMs), so the eleventh is made when the first is a second old,
 * not a millisecond sooner or later.
 */
async function endsWithPoll(poll: number, ended: () => boolean): Promise<void> {
  expect(poll).toBeLessThanOrEqual(11);
  if (poll <= 10) {
    expect(ended()).toBe(true);
    return;
  }
  expect(ended()).toBe(false);
  await vi.advanceTimersByTimeAsync(999);
  expect(ended()).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  expect(ended()).toBe(true);
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-29T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A wait for stream `s1` to be ready that hears `hub` and polls only every 30 s, so that what ends it
 * promptly can only be an event.
 */
function waitForReady(
  provider: LiveStreamProvider,
  hub: ReturnType<typeof createEventHub>,
  options: { timeoutMs?: number } = {},
): Promise<LiveStream> {
  return createLiveStreamClient(provider).waitForState('s1', 'ready', {
    events: hub,
    intervalMs: 30_000,
    maxIntervalMs: 30_000,
    ...options,
  });
}

describe('waitForState with events', () => {
  it('a wait polling every 30 s ends on the event, with no timer fired', async () => {
    const { provider, vendor, polls } = stubProvider();
    const hub = createEventHub();
    let result: LiveStream | undefined;
    const waiting = waitForReady(provider, hub).then((stream) => {
      result = stream;
    });
    await settle();
    expect(polls).toEqual(['status s1']);
    vendor.state = 'ready';
    const startedAt = Date.now();
    hub.publish(event({ id: 'e1', state: 'ready' }));
    await settle();
    await waiting;
    expect(result?.state).toBe('ready');
    expect(polls).toEqual(['status s1', 'status s1', 'get s1']);
    expect(Date.now()).toBe(startedAt);
  });

  it('keeps polling at its interval when no webhook comes (a lost webhook never hangs it)', async () => {
    const { provider, vendor, polls } = stubProvider();
    const hub = createEventHub();
    const waiting = waitForReady(provider, hub);
    await settle();
    vendor.state = 'ready';
    await vi.advanceTimersByTimeAsync(29_999);
    expect(polls).toEqual(['status s1']);
    await vi.advanceTimersByTimeAsync(1);
    expect((await waiting).state).toBe('ready');
  });

  it('is woken only by events about its own stream and provider', async () => {
    const { provider, vendor, polls } = stubProvider();
    const hub = createEventHub();
    const waiting = waitForReady(provider, hub);
    await settle();
    hub.publish([
      event({ id: 'other-stream', streamId: 's2' }),
      event({ id: 'other-provider', provider: 'x' }),
    ]);
    await settle();
    expect(polls).toEqual(['status s1']);
    // An event whose state the API does not (yet) confirm wakes a poll, and the wait goes on.
    hub.publish(event({ id: 'early', state: 'ready' }));
    await settle();
    expect(polls).toEqual(['status s1', 'status s1']);
    vendor.state = 'ready';
    hub.publish(event({ id: 'confirmed', state: 'ready' }));
    await settle();
    expect((await waiting).state).toBe('ready');
  });

  it('an event that arrives during a poll makes the next poll immediate', async () => {
    const { provider, vendor, polls } = stubProvider();
    const hub = createEventHub();
    const slow = provider.getStatus;
    let release: (() => void) | undefined;
    provider.getStatus = async (id, options) => {
      const status = await slow?.(id, options);
      if (polls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return status as LiveStreamStatus;
    };
    const waiting = waitForReady(provider, hub);
    await settle();
    vendor.state = 'ready';
    hub.publish(event({ id: 'during-poll' }));
    release?.();
    await settle();
    expect((await waiting).state).toBe('ready');
    expect(polls).toEqual(['status s1', 'status s1', 'get s1']);
  });

  it("a flood of events wakes at most ten polls a second, and the wait still ends on the API's word", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 20, maxLength: 120 }),
        fc.nat(),
        async (gaps, readyIndex) => {
          const { provider, vendor } = stubProvider();
          const polledAt: number[] = [];
          const status = provider.getStatus;
          provider.getStatus = (id, options) => {
            polledAt.push(Date.now());
            return status?.(id, options) as Promise<LiveStreamStatus>;
          };
          const hub = createEventHub();
          const waiting = waitForReady(provider, hub, { timeoutMs: 3_600_000 });
          await settle();
          // Distinct deliveries (a webhook storm, a source replaying its log), some at the same instant.
          for (const [index, gap] of gaps.entries()) {
            if (index === readyIndex % gaps.length) vendor.state = 'ready';
            hub.publish(event({ id: `storm-${index}` }));
            await vi.advanceTimersByTimeAsync(gap);
          }
          vendor.state = 'ready';
          hub.publish(event({ id: 'storm-last' }));
          await vi.advanceTimersByTimeAsync(1_000);
          expect((await waiting).state).toBe('ready');
          // The floor of minWaitIntervalMs: at most ten state calls in any second, events or not.
          for (const at of polledAt)
            expect(polledAt.filter((other) => other >= at && other < at + 1_000).length).toBeLessThanOrEqual(
              10,
            );
          hub.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes any async iterable of events, and returns its iterator when done', async () => {
    const { provider, vendor } = stubProvider();
    let returned = false;
    let push: ((value: IteratorResult<LiveStreamEvent>) => void) | undefined;
    const source: AsyncIterable<LiveStreamEvent> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise((resolve) => (push = resolve)),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForState('s1', 'ready', { events: source, intervalMs: 30_000 });
    await settle();
    vendor.state = 'ready';
    push?.({ done: false, value: event({ id: 'e' }) });
    await settle();
    expect((await waiting).state).toBe('ready');
    expect(returned).toBe(true);
  });

  it('still honours abort, the time limit and stuck states while listening', async () => {
    const { provider, vendor } = stubProvider();
    const hub = createEventHub();
    const client = createLiveStreamClient(provider);
    const controller = new AbortController();
    const aborted = client
      .waitForState('s1', 'ready', { events: hub, signal: controller.signal })
      .catch((error) => error);
    await settle();
    controller.abort();
    expect(AbortError.isInstance(await aborted)).toBe(true);

    const timedOut = client
      .waitForState('s1', 'ready', { events: hub, timeoutMs: 25_000 })
      .catch((error) => error);
    await vi.advanceTimersByTimeAsync(25_000);
    expect(TimeoutError.isInstance(await timedOut)).toBe(true);

    const stuck = client.waitForState('s1', 'ready', { events: hub }).catch((error) => error);
    await settle();
    vendor.state = 'disabled';
    hub.publish(event({ id: 'disabled', state: 'disabled' }));
    await settle();
    expect(ConflictError.isInstance(await stuck)).toBe(true);
  });
});

/** A time of the test's events: seconds after a fixed moment. */
const at = (seconds: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + seconds * 1000);

/**
 * A waitForBroadcast, polling every 30 s, on a stream whose API cannot tell (the events decide), listening to
 * a hub; `done` tells whether it has ended.
 */
async function waitForVideoOnHub() {
  const { provider } = stubProvider({ broadcastingStatus: false });
  const hub = createEventHub();
  const client = createLiveStreamClient(provider);
  let ended = false;
  const waiting = client.waitForBroadcast('s1', { events: hub, intervalMs: 30_000 }).then((stream) => {
    ended = true;
    return stream;
  });
  await settle();
  return { hub, waiting, done: () => ended };
}

describe('waitForBroadcast', () => {
  it('needs events where the API does not tell, and says so before any request', async () => {
    const { provider, polls } = stubProvider({ broadcastingStatus: false });
    const client = createLiveStreamClient(provider);
    const error = await client.waitForBroadcast('s1').catch((caught) => caught);
    expect(UnsupportedOperationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('pass events');
    expect(polls).toEqual([]);
  });

  it('ends on a connected event where the API cannot tell, promptly', async () => {
    const { provider, polls } = stubProvider({ broadcastingStatus: false });
    const hub = createEventHub();
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForBroadcast('s1', { events: hub, intervalMs: 30_000 });
    await settle();
    hub.publish(event({ id: 'on', type: 'live_stream.connected', broadcasting: true }));
    await settle();
    const stream = await waiting;
    expect(stream.broadcasting).toBe(true);
    expect(polls).toEqual(['status s1', 'status s1', 'get s1']);
  });

  // A confirming read sets `broadcasting` on the event it confirms, whatever its type (LiveAPI reads it with
  // a state change), and so may the application: the event that tells is the newest that sets it.
  it('goes by the newest event that sets broadcasting, whatever its type; one that sets none decides nothing', async () => {
    for (const type of ['live_stream.state_changed', 'live_stream.updated', 'unknown'] as const) {
      const { hub, waiting, done } = await waitForVideoOnHub();
      hub.publish(event({ id: 'on', type: 'live_stream.connected', occurredAt: at(1) }));
      const state = type === 'live_stream.state_changed' ? ({ state: 'ready' } as const) : {};
      hub.publish(event({ id: 'off', type, ...state, broadcasting: false, occurredAt: at(2) }));
      await settle();
      expect(done()).toBe(false);
      hub.publish(event({ id: 'on-again', type, ...state, broadcasting: true, occurredAt: at(3) }));
      await settle();
      expect((await waiting).broadcasting).toBe(true);
    }
  });

  it('goes by the newest event, by occurredAt, whatever order they arrive in', async () => {
    const { hub, waiting, done } = await waitForVideoOnHub();
    // The disconnect happened after the connect, though it arrives first.
    hub.publish(
      event({ id: 'off', type: 'live_stream.disconnected', broadcasting: false, occurredAt: at(2) }),
    );
    hub.publish(event({ id: 'on', type: 'live_stream.connected', broadcasting: true, occurredAt: at(1) }));
    await settle();
    expect(done()).toBe(false);
    hub.publish(
      event({ id: 'on-again', type: 'live_stream.connected', broadcasting: true, occurredAt: at(3) }),
    );
    await settle();
    expect((await waiting).broadcasting).toBe(true);
  });

  it("goes by the time an other realm's Date holds, from an async iterable, whatever getTime that realm carries", async () => {
    const { provider } = stubProvider({ broadcastingStatus: false });
    const { source, send } = pushedSource();
    // Made in a vm context whose Date.prototype.getTime was rewritten: only the time the Date holds is true.
    const at = (seconds: number) =>
      runInNewContext(
        `Date.prototype.getTime = function () { throw new Error('not now'); }; new Date(${Date.parse('2026-11-29T12:00:00Z') + seconds * 1000})`,
      ) as Date;
    let done = false;
    const waiting = createLiveStreamClient(provider)
      .waitForBroadcast('s1', { events: source, intervalMs: 30_000 })
      .then((stream) => {
        done = true;
        return stream;
      });
    await settle();
    // The disconnect happened after the connect, though it arrives first.
    send(event({ id: 'off', type: 'live_stream.disconnected', broadcasting: false, occurredAt: at(2) }));
    send(event({ id: 'on', type: 'live_stream.connected', broadcasting: true, occurredAt: at(1) }));
    await settle();
    expect(done).toBe(false);
    send(event({ id: 'on-again', type: 'live_stream.connected', broadcasting: true, occurredAt: at(3) }));
    await settle();
    expect(done).toBe(true);
    expect((await waiting).broadcasting).toBe(true);
  });

  it('lets no event an iterable dates where no event can be outrank the events heard after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        // How far ahead of the clock the forged event is dated (past a day), or before 2000.
        fc.oneof(
          fc.integer({ min: 86_400_001, max: 100 * 365 * 86_400_000 }),
          fc.integer({ min: -8.64e15, max: Date.UTC(2000, 0, 1) - 1 - Date.now() }),
        ),
        fc.integer({ min: 1, max: 600 }),
        async (offsetMs, laterSeconds) => {
          const { provider } = stubProvider({ broadcastingStatus: false });
          const { source, send } = pushedSource();
          let done = false;
          const waiting = createLiveStreamClient(provider)
            .waitForBroadcast('s1', {
              events: source,
              intervalMs: 30_000,
              broadcasting: false,
              timeoutMs: 3_600_000,
            })
            .then((stream) => {
              done = true;
              return stream;
            });
          await settle();
          const now = Date.now();
          send(
            event({
              id: 'forged',
              type: 'live_stream.connected',
              broadcasting: true,
              occurredAt: new Date(now + offsetMs),
            }),
          );
          await settle();
          await vi.advanceTimersByTimeAsync(laterSeconds * 1000);
          // The real news, heard later: the encoder went away.
          send(
            event({
              id: 'real',
              type: 'live_stream.disconnected',
              broadcasting: false,
              occurredAt: new Date(Date.now()),
            }),
          );
          await settle();
          expect(done).toBe(true);
          expect((await waiting).broadcasting).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a wait that starts after the encoder connected ends at its first poll: the hub remembers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ broadcasting: fc.boolean(), second: fc.integer({ min: 0, max: 600 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
        async (history, deletedAfter) => {
          const { provider, polls } = stubProvider({ broadcastingStatus: false });
          const hub = createEventHub();
          const client = createLiveStreamClient(provider);
          const at = (second: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + second * 1000);
          // Published in any order, before any wait: the newest by occurredAt is what holds.
          history.forEach((entry, index) => {
            hub.publish(
              event({
                id: `e${index}`,
                type: entry.broadcasting ? 'live_stream.connected' : 'live_stream.disconnected',
                broadcasting: entry.broadcasting,
                occurredAt: at(entry.second),
              }),
            );
          });
          if (deletedAfter)
            hub.publish(event({ id: 'gone', type: 'live_stream.deleted', occurredAt: at(700) }));
          const newest = history.reduce((kept, entry) => (entry.second >= kept.second ? entry : kept));
          let settled: boolean | undefined;
          const waiting = client
            .waitForBroadcast('s1', { events: hub, intervalMs: 30_000, broadcasting: newest.broadcasting })
            .then(
              (stream) => {
                settled = stream.broadcasting;
              },
              () => {
                settled = undefined;
              },
            );
          await settle();
          if (deletedAfter) {
            // A deleted stream's past says nothing: the wait goes on polling.
            expect(settled).toBeUndefined();
            expect(polls).toEqual(['status s1']);
          } else {
            expect(settled).toBe(newest.broadcasting);
            expect(polls).toEqual(['status s1', 'get s1']);
          }
          hub.close();
          await vi.advanceTimersByTimeAsync(600_000);
          await waiting;
        },
      ),
      { numRuns: 40 },
    );
  });

  it('where the API tells, an event only wakes a poll: the API decides', async () => {
    const { provider, vendor, polls } = stubProvider({ broadcastingStatus: true });
    vendor.broadcasting = false;
    const hub = createEventHub();
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForBroadcast('s1', { events: hub, intervalMs: 30_000 });
    await settle();
    hub.publish(event({ id: 'claimed', type: 'live_stream.connected', broadcasting: true }));
    await settle();
    expect(polls).toEqual(['status s1', 'status s1']);
    vendor.broadcasting = true;
    hub.publish(event({ id: 'now', type: 'live_stream.connected', broadcasting: true }));
    await settle();
    expect((await waiting).broadcasting).toBe(true);
  });

  it('waits for video to stop with broadcasting: false, by polling alone where the API tells', async () => {
    const { provider, vendor } = stubProvider({ broadcastingStatus: true });
    vendor.state = 'ready';
    vendor.broadcasting = true;
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForBroadcast('s1', { broadcasting: false, intervalMs: 1_000 });
    await settle();
    vendor.broadcasting = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await waiting).broadcasting).toBe(false);
  });
});

describe('the event source of a wait', () => {
  it('is refused before any request when it is neither a hub nor an async iterable', async () => {
    const { provider, polls } = stubProvider({ broadcastingStatus: true });
    const client = createLiveStreamClient(provider);
    const garbage = [null, 5, 'events', {}, [], { [Symbol.iterator]: () => [][Symbol.iterator]() }, () => {}];
    for (const events of garbage) {
      for (const wait of [
        () => client.waitForState('s1', 'ready', { events: events as never }),
        () => client.waitForBroadcast('s1', { events: events as never }),
      ]) {
        const error = await wait().catch((caught: unknown) => caught);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['options.events']);
      }
    }
    expect(polls).toEqual([]);
  });

  it('skips whatever it yields that is not an event, and ends on the event that follows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constantFrom(null, undefined, 0, '', 'event', [], {}),
            fc.record({ id: fc.string(), provider: fc.constant('stub'), streamId: fc.constant('s1') }),
            fc.jsonValue(),
          ),
          { maxLength: 8 },
        ),
        async (junk) => {
          const { provider, vendor } = stubProvider();
          const client = createLiveStreamClient(provider);
          async function* source() {
            yield* junk as LiveStreamEvent[];
            vendor.state = 'ready';
            yield event({ id: 'real', state: 'ready' });
            await new Promise(() => {});
          }
          const waiting = client.waitForState('s1', 'ready', { events: source(), intervalMs: 30_000 });
          await settle();
          expect((await waiting).state).toBe('ready');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a source whose iterator throws at once, or later, stops waking the wait; polling goes on', async () => {
    const throwing = [
      {
        [Symbol.asyncIterator]: () => {
          throw new TypeError('no iterator');
        },
      },
      {
        [Symbol.asyncIterator]: () => ({
          next: () => {
            throw new TypeError('next throws synchronously');
          },
        }),
      },
      { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('lost')) }) },
      { [Symbol.asyncIterator]: () => ({ next: async () => null }) },
      { [Symbol.asyncIterator]: () => ({ next: 'not a function' }) },
    ];
    for (const source of throwing) {
      const { provider, vendor, polls } = stubProvider();
      const client = createLiveStreamClient(provider);
      const waiting = client.waitForState('s1', 'ready', {
        events: source as unknown as AsyncIterable<LiveStreamEvent>,
        intervalMs: 10_000,
        maxIntervalMs: 10_000,
      });
      await settle();
      vendor.state = 'ready';
      await vi.advanceTimersByTimeAsync(10_000);
      expect((await waiting).state).toBe('ready');
      expect(polls.filter((poll) => poll.startsWith('status'))).toHaveLength(2);
    }
  });
});

describe('waitForBroadcast and what happened before it began', () => {
  const at = (seconds: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + seconds * 1000);

  it('sees a connected event the hub heard before the call, and ends at its first poll', async () => {
    const { provider, polls } = stubProvider({ broadcastingStatus: false });
    const hub = createEventHub();
    hub.publish(event({ id: 'on', type: 'live_stream.connected', broadcasting: true, occurredAt: at(-5) }));
    const client = createLiveStreamClient(provider);
    const stream = await client.waitForBroadcast('s1', { events: hub, intervalMs: 30_000 });
    expect(stream.broadcasting).toBe(true);
    expect(polls).toEqual(['status s1', 'get s1']);
  });

  it('goes by the newest of what arrived before and after, by occurredAt', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ seconds: fc.integer({ min: -100, max: 100 }), on: fc.boolean() }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.nat(),
        async (heard, split) => {
          const { provider } = stubProvider({ broadcastingStatus: false });
          const hub = createEventHub();
          const events = heard.map(({ seconds, on }, index) =>
            event({
              id: `e${index}`,
              type: on ? 'live_stream.connected' : 'live_stream.disconnected',
              broadcasting: on,
              occurredAt: at(seconds),
            }),
          );
          const cut = split % (events.length + 1);
          hub.publish(events.slice(0, cut));
          const client = createLiveStreamClient(provider);
          let result: boolean | undefined;
          const waiting = client
            .waitForBroadcast('s1', { events: hub, intervalMs: 30_000, timeoutMs: 60_000 })
            .then(
              (stream) => {
                result = stream.broadcasting;
              },
              () => {
                result = false;
              },
            );
          // At each moment the newest event heard so far decides (of equal times, the one heard last):
          // the wait ends at the first moment that one says video arrives (counted in events heard).
          const newestOf = (heardSoFar: LiveStreamEvent[]) =>
            heardSoFar.reduce((best, each) =>
              each.occurredAt.getTime() >= best.occurredAt.getTime() ? each : best,
            );
          const moments = events.map((_, index) => index + 1).filter((count) => count >= Math.max(cut, 1));
          const endsAt = moments.find((count) => newestOf(events.slice(0, count)).broadcasting);
          await settle();
          // The first poll goes by what the hub heard before the wait.
          expect(result).toBe(endsAt === cut ? true : undefined);
          for (const [index, each] of events.slice(cut).entries()) {
            hub.publish(each);
            await settle();
            const count = cut + index + 1;
            if (endsAt === undefined || count < endsAt) expect(result).toBeUndefined();
            else if (count > endsAt) expect(result).toBe(true);
            else await endsWithPoll(index + 2, () => result !== undefined);
          }
          if (endsAt === undefined) {
            await vi.advanceTimersByTimeAsync(60_000);
            expect(result).toBe(false);
          } else expect(result).toBe(true);
          await waiting;
        },
      ),
      {
        numRuns: 60,
        // Always tried: only the last of ten events heard during the wait says video, so the poll it asks
        // for is the eleventh (held to the spacing) or, of nine, the tenth (made at once).
        examples: [
          [[...Array.from({ length: 9 }, () => ({ seconds: 0, on: false })), { seconds: 1, on: true }], 0],
          [[...Array.from({ length: 8 }, () => ({ seconds: 0, on: false })), { seconds: 1, on: true }], 0],
        ],
      },
    );
  });

  it('an older event never outweighs the API: a stream it reads stopped or disabled is not broadcasting, whatever the event said', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...liveStreamStates),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(true, false, undefined),
        fc.integer({ min: -3_600, max: 3_600 }),
        async (state, heard, target, restart, enable, seconds) => {
          const { provider, vendor } = stubProvider({ broadcastingStatus: false });
          const stub = {
            ...provider,
            capabilities: { ...provider.capabilities, restart, ...(enable === undefined ? {} : { enable }) },
          };
          vendor.state = state;
          const hub = createEventHub();
          // Heard before the wait (a `connected` whose `disconnected` was lost, say), at any time.
          hub.publish(
            event({
              id: 'heard',
              type: heard ? 'live_stream.connected' : 'live_stream.disconnected',
              broadcasting: heard,
              occurredAt: at(seconds),
            }),
          );
          let outcome: unknown = 'pending';
          const waiting = createLiveStreamClient(stub)
            .waitForBroadcast('s1', {
              events: hub,
              broadcasting: target,
              intervalMs: 30_000,
              timeoutMs: 60_000,
            })
            .then(
              (stream) => {
                outcome = stream;
              },
              (error: unknown) => {
                outcome = error;
              },
            );
          await settle();
          const said = `${state}, heard ${heard}, waiting for ${target}, restart ${restart}, enable ${enable}`;
          const notRunning = state === 'stopped' || state === 'disabled';
          // Disabled for good unless the vendor can enable it again; stopped for good unless it restarts.
          const forGood = state === 'disabled' ? enable !== true : !restart;
          if (notRunning && !target) {
            expect(outcome, said).toMatchObject({ state, broadcasting: false });
          } else if (notRunning && forGood) {
            expect(ConflictError.isInstance(outcome), said).toBe(true);
          } else if (!notRunning && heard === target) {
            expect(outcome, said).toMatchObject({ state, broadcasting: target });
          } else {
            expect(outcome, said).toBe('pending');
            await vi.advanceTimersByTimeAsync(60_000);
            expect(TimeoutError.isInstance(outcome), said).toBe(true);
            // Where the stream is not running, the timeout says what it takes.
            if (notRunning)
              expect((outcome as Error).message, said).toMatch(
                state === 'stopped'
                  ? /a stopped stream takes no video until it is started again \(start\)$/
                  : /a disabled stream takes no video until it is enabled and started again$/,
              );
          }
          await waiting;
          hub.close();
        },
      ),
      { numRuns: 80 },
    );
  });

  it('says what it waited for in words: did not start broadcasting', async () => {
    const { provider } = stubProvider({ broadcastingStatus: true });
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForBroadcast('s1', { timeoutMs: 2_000 }).catch((error) => error);
    await vi.advanceTimersByTimeAsync(2_000);
    const error = await waiting;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'stub stream s1 did not start broadcasting within 2000 ms (last state: starting)',
    );
  });
});

describe('waitForBroadcast on a stream stopped where the vendor can start it again', () => {
  // Generated: every way the vendor may tell (its read, a call of its own, events) and how long the wait
  // runs. The stub's capabilities have `restart: true` (LiveAPI, Wowza Video).
  const tells = fc.constantFrom('read' as const, 'call' as const, 'events' as const);

  it('waits for video while stopped, and says why when the time runs out', async () => {
    await fc.assert(
      fc.asyncProperty(tells, fc.integer({ min: 1, max: 30 }), async (how, seconds) => {
        const { provider, vendor } = stubProvider({
          broadcastingStatus: how === 'read',
          broadcastingCall: how === 'call',
        });
        vendor.state = 'stopped';
        vendor.broadcasting = false;
        const client = createLiveStreamClient(provider);
        const events = how === 'events' ? createEventHub() : undefined;
        const timeoutMs = seconds * 1_000;
        const waiting = client
          .waitForBroadcast('s1', { timeoutMs, ...(events ? { events } : {}) })
          .catch((error) => error);
        await vi.advanceTimersByTimeAsync(timeoutMs);
        const error = await waiting;
        expect(TimeoutError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ operation: 'waitForBroadcast', lastState: 'stopped' });
        expect((error as Error).message).toBe(
          `stub stream s1 did not start broadcasting within ${timeoutMs} ms (last state: stopped): a stopped stream takes no video until it is started again (start)`,
        );
        events?.close();
      }),
      { numRuns: 30 },
    );
  });

  it('ends once the stream is started and video arrives, and at once when waiting for video to stop', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), async (pollsStopped) => {
        const { provider, vendor, polls } = stubProvider({ broadcastingStatus: true });
        vendor.state = 'stopped';
        vendor.broadcasting = false;
        const client = createLiveStreamClient(provider);
        // Waiting for video to stop: the first poll decides.
        expect(await client.waitForBroadcast('s1', { broadcasting: false })).toMatchObject({
          state: 'stopped',
          broadcasting: false,
        });
        // One poll, then the stream read that the wait returns.
        expect(polls).toEqual(['status s1', 'get s1']);
        polls.length = 0;
        const waiting = client.waitForBroadcast('s1', { timeoutMs: 60_000, intervalMs: 100 });
        let settled = false;
        void waiting.finally(() => {
          settled = true;
        });
        // Someone starts it after a few polls, and the encoder connects.
        while (polls.length < pollsStopped) await vi.advanceTimersToNextTimerAsync();
        expect(polls.every((poll) => poll === 'status s1')).toBe(true);
        vendor.state = 'ready';
        vendor.broadcasting = true;
        expect(settled).toBe(false);
        await vi.advanceTimersToNextTimerAsync();
        expect(await waiting).toMatchObject({ state: 'ready', broadcasting: true });
        expect(polls).toEqual([...Array.from({ length: pollsStopped + 1 }, () => 'status s1'), 'get s1']);
      }),
      { numRuns: 10 },
    );
  });
});

describe('waitForBroadcast where the vendor tells by a call of its own, or not at all', () => {
  it("reads the vendor's broadcasting call only while the stream is ready, and ends when it says so", async () => {
    const { provider, vendor, polls } = stubProvider({ broadcastingCall: true, broadcastingEvents: false });
    const client = createLiveStreamClient(provider);
    const waiting = client.waitForBroadcast('s1', { intervalMs: 1_000, maxIntervalMs: 1_000 });
    await settle();
    expect(polls).toEqual(['status s1']);
    vendor.state = 'ready';
    vendor.broadcasting = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(polls).toEqual(['status s1', 'status s1', 'broadcasting s1']);
    vendor.broadcasting = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await waiting).broadcasting).toBe(true);
    expect(polls).toEqual([
      'status s1',
      'status s1',
      'broadcasting s1',
      'status s1',
      'broadcasting s1',
      'get s1',
    ]);
  });

  it('a stream that is not ready takes no video: waiting for it to stop ends there', async () => {
    const { provider, vendor, polls } = stubProvider({ broadcastingCall: true });
    vendor.state = 'stopped';
    const client = createLiveStreamClient(provider);
    expect((await client.waitForBroadcast('s1', { broadcasting: false })).broadcasting).toBe(false);
    expect(polls).toEqual(['status s1', 'get s1']);
  });

  it('refuses before any request where the vendor tells in no way, events or not', async () => {
    const { provider, polls } = stubProvider({ broadcastingEvents: false });
    const client = createLiveStreamClient(provider);
    for (const events of [undefined, createEventHub()]) {
      const error = await client.waitForBroadcast('s1', { events }).catch((caught) => caught);
      expect(UnsupportedOperationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('neither in its API nor in its webhooks');
    }
    expect(polls).toEqual([]);
  });
});

describe('waitForBroadcast and feeds (redundant ingest)', () => {
  const at = (seconds: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + seconds * 1000);
  const nineEvents = (on: boolean) => Array.from({ length: 9 }, () => ({ feed: 'f1', seconds: 0, on }));

  it('video arrives while any feed is live: one feed ending leaves the stream broadcasting', async () => {
    const { provider } = stubProvider({ broadcastingStatus: false });
    const hub = createEventHub();
    const feed = (id: string, feedId: string, on: boolean, seconds: number) =>
      event({
        id,
        type: on ? 'live_stream.connected' : 'live_stream.disconnected',
        broadcasting: on,
        occurredAt: at(seconds),
        data: { feedId },
      });
    hub.publish([feed('a', 'f1', true, -3), feed('b', 'f2', true, -2), feed('c', 'f1', false, -1)]);
    const client = createLiveStreamClient(provider);
    const stream = await client.waitForBroadcast('s1', { events: hub, intervalMs: 30_000 });
    expect(stream.broadcasting).toBe(true);
    let stopped: unknown = 'pending';
    const waiting = client
      .waitForBroadcast('s1', { events: hub, broadcasting: false, intervalMs: 30_000, timeoutMs: 60_000 })
      .then((each) => {
        stopped = each.broadcasting;
      });
    await settle();
    expect(stopped).toBe('pending');
    hub.publish(feed('d', 'f2', false, 0));
    await settle();
    expect(stopped).toBe(false);
    await waiting;
  });

  it("hub.latest and the waits agree: video arrives when one of latest's entries says so", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // '' is an event for the whole stream, without a feed id.
            feed: fc.constantFrom('', 'f1', 'f2'),
            seconds: fc.integer({ min: -20, max: 20 }),
            on: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (heard) => {
          const { provider } = stubProvider({ broadcastingStatus: false });
          const hub = createEventHub();
          hub.publish(
            heard.map(({ feed, seconds, on }, index) =>
              event({
                id: `e${index}`,
                type: on ? 'live_stream.connected' : 'live_stream.disconnected',
                broadcasting: on,
                occurredAt: at(seconds),
                data: feed === '' ? {} : { feedId: feed },
              }),
            ),
          );
          const latest = hub.latest({ provider: 'stub', streamId: 's1' });
          const live = latest.some((each) => each.broadcasting === true);
          // A wait for what latest says ends at once; one for the opposite keeps waiting.
          const controller = new AbortController();
          const outcome = (broadcasting: boolean) => {
            let said: unknown = 'pending';
            const wait = createLiveStreamClient(provider)
              .waitForBroadcast('s1', {
                events: hub,
                broadcasting,
                intervalMs: 30_000,
                timeoutMs: 60_000,
                signal: controller.signal,
              })
              .then(
                (stream) => {
                  said = stream.broadcasting;
                },
                () => undefined,
              );
            return { wait, said: () => said };
          };
          const same = outcome(live);
          const opposite = outcome(!live);
          await settle();
          const shown = latest.map(
            (each) => `${each.occurredAt.getTime()} ${each.broadcasting} ${JSON.stringify(each.data)}`,
          );
          expect(same.said(), shown.join('; ')).toBe(live);
          expect(opposite.said(), shown.join('; ')).toBe('pending');
          controller.abort();
          await Promise.all([same.wait, opposite.wait]);
        },
      ),
      {
        numRuns: 80,
        examples: [
          [
            [
              { feed: '', seconds: -5, on: true },
              { feed: 'f1', seconds: -3, on: true },
              { feed: 'f1', seconds: -1, on: false },
            ],
          ],
        ],
      },
    );
  });

  it('goes by the newest event of each feed, heard before or during the wait, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            feed: fc.constantFrom('f1', 'f2', 'f3'),
            seconds: fc.integer({ min: -20, max: 20 }),
            on: fc.boolean(),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        fc.nat(),
        fc.boolean(),
        async (heard, split, target) => {
          const { provider } = stubProvider({ broadcastingStatus: false });
          const hub = createEventHub();
          const events = heard.map(({ feed, seconds, on }, index) =>
            event({
              id: `e${index}`,
              type: on ? 'live_stream.connected' : 'live_stream.disconnected',
              broadcasting: on,
              occurredAt: at(seconds),
              data: { feedId: feed },
            }),
          );
          const cut = split % (events.length + 1);
          hub.publish(events.slice(0, cut));
          let result: unknown = 'pending';
          const waiting = createLiveStreamClient(provider)
            .waitForBroadcast('s1', {
              events: hub,
              broadcasting: target,
              intervalMs: 30_000,
              timeoutMs: 60_000,
            })
            .then(
              (stream) => {
                result = stream.broadcasting;
              },
              (error: unknown) => {
                result = error;
              },
            );
          // Video arrives while the newest event (by time; of equal times, the last heard) of any feed says so.
          const arriving = (heardSoFar: LiveStreamEvent[]) => {
            const newest = new Map<string, LiveStreamEvent>();
            for (const each of heardSoFar) {
              const feed = (each.data as { feedId: string }).feedId;
              const held = newest.get(feed);
              if (!held || each.occurredAt.getTime() >= held.occurredAt.getTime()) newest.set(feed, each);
            }
            return [...newest.values()].some((each) => each.broadcasting === true);
          };
          const moments = events.map((_, index) => index + 1).filter((count) => count >= Math.max(cut, 1));
          // The wait ends at the first moment (counted in events heard) video arrives as it waits for.
          const endsAt = moments.find((count) => arriving(events.slice(0, count)) === target);
          await settle();
          // The first poll goes by what the hub heard before the wait.
          expect(result).toBe(endsAt === cut ? target : 'pending');
          for (const [index, each] of events.slice(cut).entries()) {
            hub.publish(each);
            await settle();
            const count = cut + index + 1;
            if (endsAt === undefined || count < endsAt) expect(result).toBe('pending');
            else if (count > endsAt) expect(result).toBe(target);
            else await endsWithPoll(index + 2, () => result !== 'pending');
          }
          if (endsAt === undefined) {
            await vi.advanceTimersByTimeAsync(60_000);
            expect(TimeoutError.isInstance(result)).toBe(true);
          } else expect(result).toBe(target);
          await waiting;
        },
      ),
      {
        numRuns: 60,
        // Always tried: only the last of ten events heard during the wait decides, so the poll it asks for
        // is the eleventh, held to the spacing, whether video starts or stops.
        examples: [
          [[...nineEvents(false), { feed: 'f1', seconds: 1, on: true }], 0, true],
          [[...nineEvents(true), { feed: 'f1', seconds: 1, on: false }], 0, false],
        ],
      },
    );
  });
});
