import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventWake } from '../client/event-wake.js';
import type { Sleep } from '../runtime.js';
import { createEventHub } from './event-hub.js';
import { type HubWatch, hubWatchKey, type WatchedEvent } from './hub-watch.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// The library's waits (`waitForState`, `waitForBroadcast`) are told of an event from the hub's own read of
// it, before the first turn of the loop: never behind the copies the hub makes for user subscribers, one a
// turn (docs/decisions/2026-12-02-hub-wait-wake.md). Every check here is by order of turns, none by time.

const at = Date.UTC(2026, 11, 2);

// A bound-size `data` is what makes a user's copy slow; here the order alone is checked, so a few values do.
const event = (id: string, streamId: string, fields: Partial<LiveStreamEvent> = {}): LiveStreamEvent => ({
  id,
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId,
  occurredAt: new Date(at),
  broadcasting: true,
  raw: { id },
  data: { id, marks: [] as string[] },
  ...fields,
});

// An event that tells neither a state nor whether video arrives.
const updated = (id: string, streamId: string): LiveStreamEvent => {
  const { broadcasting: _, ...rest } = event(id, streamId);
  return { ...rest, type: 'live_stream.updated' };
};

// One turn of the loop: what was queued on the check phase before it has run.
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
// Every microtask queued now, and those they queue, for a few rounds: no macrotask runs meanwhile.
const microtasks = async () => {
  for (let round = 0; round < 20; round += 1) await Promise.resolve();
};
// The shared bound of a wait that is not testing a limit.
const wait = <T>(promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 30 s')), 30_000)),
  ]);

// A wait's sleep that never ends by itself: only an event ends it early (its signal aborted).
const sleepUntilWoken: Sleep = (_ms, signal) =>
  new Promise<void>((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

// Other work of the process: one run a turn of the loop, as the callbacks of I/O and timers are.
const otherWork = () => {
  let runs = 0;
  let going = true;
  const run = () => {
    runs += 1;
    if (going) setImmediate(run);
  };
  return { start: () => setImmediate(run), stop: () => (going = false), runs: () => runs };
};

const watchOf = (hub: object): HubWatch => {
  const watch = (hub as { [hubWatchKey]?: HubWatch })[hubWatchKey];
  if (typeof watch !== 'function') throw new Error('the hub has no watch');
  return watch;
};

describe("a wait is woken from the hub's own read, before any user subscriber's copy", () => {
  it('ends a wait before any queued user copy is made, and user subscribers still get theirs one a turn (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        async (readers, others, filtered) => {
          const hub = createEventHub();
          const log: string[] = [];
          const other = otherWork();
          const received: LiveStreamEvent[][] = [];
          const offered: string[][] = [];
          // User subscribers reading in a `for await`, subscribed before the wait: their turns come first.
          const loops = Array.from({ length: readers }, async (_, index) => {
            const subscription = hub.subscribe(filtered && index % 2 === 1 ? { streamId: 'other' } : {});
            const mine: LiveStreamEvent[] = [];
            received[index] = mine;
            for await (const each of subscription) {
              log.push(`copy ${index} ${each.id} after ${other.runs()}`);
              mine.push(each);
              if (mine.length === (offered[index]?.length ?? 0)) return;
            }
          });
          const wake = eventWake(hub, { provider: 'liveapi', id: 'mine' }, sleepUntilWoken, () => at);
          const woken = wake.sleep(3_600_000).then(() => log.push('wait woken'));
          const batch = [
            ...Array.from({ length: others }, (_, index) => updated(`o${index}`, 'other')),
            event('m', 'mine'),
          ];
          for (let index = 0; index < readers; index += 1) {
            offered[index] = batch
              .filter((each) => !(filtered && index % 2 === 1) || each.streamId === 'other')
              .map((each) => each.id);
          }
          // A reader filtered to `other` with nothing published to it has nothing to wait for.
          const waiting = loops.filter((_, index) => (offered[index]?.length ?? 0) > 0);
          hub.publish(batch);
          other.start();
          await wait(woken);
          await wait(Promise.all(waiting));
          other.stop();
          // The wait first, before any copy; then every user copy, each on a turn of its own.
          expect(log[0]).toBe('wait woken');
          expect(wake.broadcasting()).toBe(true);
          const copies = log.slice(1);
          const runs = copies.map((line) => Number(line.split(' after ')[1]));
          expect(new Set(runs).size).toBe(runs.length);
          // Each subscriber got what was published to it, in order, each event its own copy.
          const seen = new Set<object>();
          for (let index = 0; index < readers; index += 1) {
            expect((received[index] ?? []).map((each) => each.id)).toEqual(offered[index]);
            for (const each of received[index] ?? []) {
              expect(seen.has(each) || seen.has(each.data as object)).toBe(false);
              seen.add(each);
              seen.add(each.data as object);
            }
          }
          wake.close();
          hub.close();
        },
      ),
      {
        examples: [
          [1, 0, false],
          [30, 3, true],
          [5, 1, false],
        ],
      },
    );
  });

  it('tells a watch nothing inside publish, and everything before the first turn after it', async () => {
    const hub = createEventHub();
    const told: string[] = [];
    watchOf(hub)({ provider: 'liveapi', streamId: 's1' }, (each) => told.push(each.id));
    const copy = hub.subscribe()[Symbol.asyncIterator]().next();
    hub.publish([event('e1', 's1'), event('e2', 's1')]);
    expect(told).toEqual([]);
    await microtasks();
    expect(told).toEqual(['e1', 'e2']);
    expect((await wait(copy)).value?.id).toBe('e1');
    hub.close();
  });
});

// One step of a generated run: a publish of a batch (ids from a small pool, so some are copies the hub
// drops), a watch ended, or a turn of the loop.
const published = fc
  .record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
    provider: fc.constantFrom('liveapi', 'wowza-realtime'),
    streamId: fc.constantFrom('s1', 's2'),
    type: fc.constantFrom(
      'live_stream.connected',
      'live_stream.disconnected',
      'live_stream.state_changed',
      'live_stream.updated',
    ),
    state: fc.option(fc.constantFrom('ready', 'stopped', 'starting'), { nil: undefined }),
    broadcasting: fc.option(fc.boolean(), { nil: undefined }),
    feedId: fc.option(fc.constantFrom('f1', 'f2', ''), { nil: undefined }),
    // 1990 is no time an event can have: the hub keeps the time of publishing instead.
    occurredAt: fc.constantFrom(at - 1_000, at, at + 1_000, Date.UTC(1990, 0, 1)),
  })
  // Only events: a state_changed always says to what.
  .filter((fields) => fields.type !== 'live_stream.state_changed' || fields.state !== undefined);
const step = fc.oneof(
  fc.record({
    kind: fc.constant('publish' as const),
    batch: fc.array(published, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('end' as const) }),
  fc.record({ kind: fc.constant('turn' as const) }),
);

// What a wait reads of an event: the fields it goes by.
const readByWait = (each: LiveStreamEvent) => ({
  id: each.id,
  type: each.type,
  provider: each.provider,
  streamId: each.streamId,
  occurredAt: each.occurredAt.getTime(),
  state: each.state,
  broadcasting: each.broadcasting,
  feedId: (each.data as { feedId?: unknown } | undefined)?.feedId,
});

describe('a watch is told exactly what a subscription to its stream receives', () => {
  it('the same events, in the same order, with the same fields a wait reads, each its own object (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 20 }), async (steps) => {
        let now = at + 5_000;
        const hub = createEventHub({ clock: () => now });
        const stream = { provider: 'liveapi', streamId: 's1' };
        const watched: WatchedEvent[] = [];
        const other: WatchedEvent[] = [];
        let ended = false;
        const end = watchOf(hub)(stream, (each) => watched.push(each));
        watchOf(hub)(stream, (each) => other.push(each));
        // What a subscription to the same stream receives while the watch is on, for comparison.
        const subscription = hub.subscribe({ provider: 'liveapi', streamId: 's1' });
        const received: LiveStreamEvent[] = [];
        let whileOn = 0;
        const reading = (async () => {
          for await (const each of subscription) received.push(each);
        })();
        let serial = 0;
        for (const each of steps) {
          if (each.kind === 'turn') await turn();
          else if (each.kind === 'end') {
            // What was published before the end is told in the microtasks that follow it.
            await microtasks();
            end();
            ended = true;
          } else {
            now += 1;
            const batch = each.batch.map((fields) => {
              const { feedId, state, broadcasting, occurredAt, ...rest } = fields;
              serial += 1;
              return {
                ...rest,
                occurredAt: new Date(occurredAt),
                ...(state === undefined ? {} : { state }),
                ...(broadcasting === undefined ? {} : { broadcasting }),
                raw: { serial },
                data: { serial, ...(feedId === undefined ? {} : { feedId }) },
              } as LiveStreamEvent;
            });
            hub.publish(batch);
            await microtasks();
            if (!ended) whileOn = watched.length;
          }
        }
        await microtasks();
        // Every event the second watch (never ended) was told, the subscription receives too, a turn each.
        await wait(
          (async () => {
            while (received.length < other.length) await turn();
          })(),
        );
        subscription.close();
        await wait(reading);
        expect(other.map(readByWait)).toEqual(received.map(readByWait));
        // The first watch was told what was published until it ended, and nothing after.
        expect(watched.length).toBe(whileOn);
        expect(watched.map(readByWait)).toEqual(received.slice(0, whileOn).map(readByWait));
        // Each watch's event is its own object, shared with no other watch and no subscriber's copy.
        const objects = new Set<object>([...received, ...received.map((each) => each.occurredAt)]);
        for (const each of [...watched, ...other]) {
          expect(objects.has(each)).toBe(false);
          expect(objects.has(each.occurredAt)).toBe(false);
          expect(each.raw).toBeUndefined();
          objects.add(each);
          objects.add(each.occurredAt);
        }
        hub.close();
      }),
      { numRuns: 80 },
    );
  });
});
