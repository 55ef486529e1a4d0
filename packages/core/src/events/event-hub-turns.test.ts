import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createEventHub, type LiveStreamEventSubscription } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// A subscriber waiting for an event (a `for await`, a wait in progress) gets its copy on a turn of the event
// loop of its own, one subscriber a turn: `publish` makes no copy, so what it costs does not grow with the
// subscribers, and I/O runs between two subscribers' copies (the figures:
// docs/decisions/2026-12-02-bounded-delivery-cost.md). Every check here is by order, none by time.

const at = new Date(Date.UTC(2026, 11, 2));
const event = (id: string, streamId = 's1'): LiveStreamEvent => ({
  id,
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId,
  occurredAt: at,
  broadcasting: true,
  raw: { id },
  data: { id, marks: [] as string[] },
});

// The platform's own, kept before any test fakes timers.
const realImmediate = setImmediate;
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

// Other work of the process: a callback that queues itself again, one run a turn of the loop, as the
// callbacks of I/O and timers do. `runs()` counts its runs so far; it starts when `start` is called.
const otherWork = () => {
  let runs = 0;
  let going = true;
  const run = () => {
    runs += 1;
    if (going) setImmediate(run);
  };
  return { start: () => setImmediate(run), stop: () => (going = false), runs: () => runs };
};

describe('a waiting subscriber gets its copy on its own turn of the loop', () => {
  it('publish returns before any waiting subscriber has its copy, however many wait (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), async (count) => {
        const hub = createEventHub();
        const received: (LiveStreamEvent | undefined)[] = [];
        const pending = Array.from({ length: count }, (_, index) =>
          hub
            .subscribe()
            [Symbol.asyncIterator]()
            .next()
            .then((result) => {
              received[index] = result.value;
            }),
        );
        expect(hub.publish(event('e1'))).toBe(1);
        // No copy was handed out by publish, nor in the microtasks after it: each comes on a later turn.
        await microtasks();
        expect(received.filter((each) => each !== undefined)).toEqual([]);
        await wait(Promise.all(pending));
        expect(received.map((each) => each?.id)).toEqual(Array.from({ length: count }, () => 'e1'));
        hub.close();
      }),
      { examples: [[1], [2], [40]] },
    );
  });

  it('lets a callback queued after publish run between two subscribers copies (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 30 }), async (count) => {
        const hub = createEventHub();
        // Each delivery notes how many runs of the other work it came after.
        const other = otherWork();
        const seenAfter: number[] = [];
        const pending = Array.from({ length: count }, () =>
          hub
            .subscribe()
            [Symbol.asyncIterator]()
            .next()
            .then(() => {
              seenAfter.push(other.runs());
            }),
        );
        hub.publish(event('e1'));
        other.start();
        await wait(Promise.all(pending));
        other.stop();
        // Every copy came on a turn of its own, the other work running between each two.
        expect(seenAfter).toEqual(Array.from({ length: count }, (_, index) => index));
        hub.close();
      }),
      { examples: [[2], [30]] },
    );
  });

  it('copies buffered events one a turn when readers that fell behind resume together (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 1, max: 4 }),
        async (count, backlog) => {
          const hub = createEventHub();
          const other = otherWork();
          // Readers held by one shared promise (a connection coming back) while events pile up in their buffers.
          let release = () => {};
          const gate = new Promise<void>((resolve) => {
            release = resolve;
          });
          const seenAfter: number[] = [];
          const taken: string[][] = [];
          const readers = Array.from({ length: count }, async (_, index) => {
            const iterator = hub.subscribe()[Symbol.asyncIterator]();
            taken[index] = [];
            await gate;
            for (let read = 0; read < backlog; read += 1) {
              const result = await iterator.next();
              seenAfter.push(other.runs());
              taken[index]?.push(result.done ? 'done' : result.value.id);
            }
          });
          hub.publish(Array.from({ length: backlog }, (_, index) => event(`e${index}`)));
          other.start();
          release();
          await wait(Promise.all(readers));
          other.stop();
          // Each copy on a turn of its own: the other work ran between any two, none shared a turn.
          expect(new Set(seenAfter).size).toBe(count * backlog);
          const inOrder = Array.from({ length: backlog }, (_, index) => `e${index}`);
          expect(taken).toEqual(Array.from({ length: count }, () => inOrder));
          hub.close();
        },
      ),
      {
        examples: [
          [2, 1],
          [20, 4],
        ],
      },
    );
  });

  it("delivers to a waiting subscriber under a test's fake timers, without advancing them", async () => {
    vi.useFakeTimers();
    try {
      const hub = createEventHub();
      let received: LiveStreamEvent | undefined;
      const pending = hub
        .subscribe()
        [Symbol.asyncIterator]()
        .next()
        .then((result) => {
          received = result.value;
        });
      hub.publish(event('e1'));
      // Real turns of the loop, counted, never the fake clock: the copy comes on one of the first few.
      for (let round = 0; round < 20 && received === undefined; round += 1) {
        await new Promise<void>((resolve) => realImmediate(resolve));
      }
      expect(received?.id).toBe('e1');
      await pending;
      hub.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a next whose copy was still to be made when the subscription ends, delivering nothing after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'close' | 'return' | 'hub'>('close', 'return', 'hub'),
        fc.integer({ min: 1, max: 5 }),
        async (end, readers) => {
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const iterator = subscription[Symbol.asyncIterator]();
          const pending = Array.from({ length: readers }, () => iterator.next());
          const other = hub.subscribe()[Symbol.asyncIterator]().next();
          hub.publish(Array.from({ length: readers }, (_, index) => event(`e${index}`)));
          if (end === 'close') subscription.close();
          else if (end === 'return') await iterator.return?.();
          else hub.close();
          const results = await wait(Promise.all(pending));
          expect(results).toEqual(Array.from({ length: readers }, () => ({ value: undefined, done: true })));
          expect(await iterator.next()).toEqual({ value: undefined, done: true });
          // Another subscriber still gets its copy, unless the whole hub closed.
          const otherResult = await wait(other);
          expect(otherResult.done ? undefined : otherResult.value.id).toBe(end === 'hub' ? undefined : 'e0');
        },
      ),
      {
        examples: [
          ['close', 1],
          ['return', 3],
          ['hub', 2],
        ],
      },
    );
  });

  it('keeps latest up to date at once, before any subscriber has its copy', async () => {
    const hub = createEventHub();
    const pending = hub.subscribe()[Symbol.asyncIterator]().next();
    hub.publish(event('e1', 's9'));
    expect(hub.latest({ provider: 'liveapi', streamId: 's9' }).map((each) => each.id)).toEqual(['e1']);
    expect((await wait(pending)).value?.id).toBe('e1');
  });
});

// What the model of a run says one subscriber receives.
interface Reader {
  subscription: LiveStreamEventSubscription;
  iterator: AsyncIterator<LiveStreamEvent>;
  streamId: string | undefined;
  received: LiveStreamEvent[];
  ended: boolean;
  // What was published, matching, while it was open, in order: what it may receive.
  offered: string[];
  // Whether it reads in a `for await`-like loop (always waiting) or takes events only when asked.
  reading: boolean;
}

const step = fc.oneof(
  fc.record({
    kind: fc.constant('publish' as const),
    streams: fc.array(fc.constantFrom('s1', 's2'), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('take' as const), reader: fc.nat(5) }),
  fc.record({ kind: fc.constant('end' as const), reader: fc.nat(5) }),
  fc.record({ kind: fc.constant('turn' as const) }),
  fc.record({ kind: fc.constant('change' as const), reader: fc.nat(5) }),
);

describe('order and isolation, whatever publishes, reads and endings interleave', () => {
  it('gives each subscriber its events in the order published, each its own copy, nothing after it ended (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<string | undefined>(undefined, 's1', 's2'), { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.array(step, { maxLength: 30 }),
        async (filters, reading, steps) => {
          const hub = createEventHub();
          const readers: Reader[] = filters.map((streamId, index) => {
            const subscription = hub.subscribe(streamId === undefined ? {} : { streamId });
            return {
              subscription,
              iterator: subscription[Symbol.asyncIterator](),
              streamId,
              received: [],
              ended: false,
              offered: [],
              reading: reading[index] ?? false,
            };
          });
          const loops: Promise<void>[] = [];
          const readLoop = async (reader: Reader) => {
            for (;;) {
              const result = await reader.iterator.next();
              if (result.done) return;
              expect(reader.ended).toBe(false);
              reader.received.push(result.value);
            }
          };
          for (const reader of readers) if (reader.reading) loops.push(readLoop(reader));
          const takes: Promise<void>[] = [];
          const changed = new Set<LiveStreamEvent>();
          let published = 0;
          for (const each of steps) {
            if (each.kind === 'publish') {
              const batch = each.streams.map((streamId) => event(`e${published++}`, streamId));
              hub.publish(batch);
              for (const reader of readers) {
                if (reader.ended) continue;
                for (const one of batch)
                  if (reader.streamId === undefined || reader.streamId === one.streamId)
                    reader.offered.push(one.id);
              }
            } else if (each.kind === 'turn') await turn();
            else {
              const reader = readers[each.reader % readers.length] as Reader;
              if (each.kind === 'end') {
                // What was handed out before the end is taken in the microtasks that follow it.
                await microtasks();
                reader.ended = true;
                reader.subscription.close();
              } else if (each.kind === 'take' && !reader.reading) {
                takes.push(
                  reader.iterator.next().then((result) => {
                    if (result.done) return;
                    expect(reader.ended).toBe(false);
                    reader.received.push(result.value);
                  }),
                );
              } else if (each.kind === 'change') {
                // What one subscriber changes in its copy, no other sees.
                const copy = reader.received.at(-1);
                if (copy !== undefined) {
                  (copy.data as { marks: string[] }).marks.push('changed');
                  (copy.raw as { id: string }).id = 'changed';
                  changed.add(copy);
                }
              }
            }
          }
          // A subscriber reading all along, never ended, gets every event published to it.
          const open = readers.filter((reader) => reader.reading && !reader.ended);
          await wait(
            (async () => {
              while (open.some((reader) => reader.received.length < reader.offered.length)) await turn();
            })(),
          );
          for (const reader of open) expect(reader.received.map((each) => each.id)).toEqual(reader.offered);
          await microtasks();
          for (const reader of readers) {
            reader.ended = true;
            reader.subscription.close();
          }
          await wait(Promise.all([...loops, ...takes]));
          const seen = new Set<object>();
          for (const reader of readers) {
            const ids = reader.received.map((each) => each.id);
            // In the order published, each once, only what was published to it while it was open.
            const positions = ids.map((id) => reader.offered.indexOf(id));
            expect(positions.every((position) => position >= 0)).toBe(true);
            expect(positions).toEqual([...positions].sort((a, b) => a - b));
            expect(new Set(ids).size).toBe(ids.length);
            for (const each of reader.received) {
              // Each copy its own: no object shared with another subscriber's.
              expect(seen.has(each)).toBe(false);
              expect(seen.has(each.data as object)).toBe(false);
              seen.add(each);
              seen.add(each.data as object);
            }
          }
          // The changes made to some copies reached no other copy.
          for (const each of readers.flatMap((reader) => reader.received)) {
            if (changed.has(each)) continue;
            expect((each.data as { marks: string[] }).marks).toEqual([]);
            expect((each.raw as { id: string }).id).toBe(each.id);
          }
          hub.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
