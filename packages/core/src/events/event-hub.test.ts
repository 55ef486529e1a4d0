import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { copyEvent } from './copy-event.js';
import { createEventHub, isEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// A time the hub keeps as published (from 2000 to a day after publishing), and the range of such times
// against a hub whose clock reads `base`.
const base = Date.UTC(2026, 0, 1);
const clock = () => base;
const usableTime = fc.integer({ min: Date.UTC(2000, 0, 1), max: base + 86_400_000 });

const event = (id: string, streamId = 's1', provider = 'liveapi'): LiveStreamEvent => ({
  id,
  type: 'live_stream.connected',
  provider,
  streamId,
  occurredAt: new Date(base),
  broadcasting: true,
  raw: {},
});

async function take(iterable: AsyncIterable<LiveStreamEvent>, count: number): Promise<string[]> {
  const ids: string[] = [];
  if (count === 0) return ids;
  for await (const each of iterable) {
    ids.push(each.id);
    if (ids.length === count) break;
  }
  return ids;
}

describe('createEventHub', () => {
  it('hands every subscriber its own copy, in order, filtered by provider, stream and type', async () => {
    const hub = createEventHub();
    const all = hub.subscribe();
    const one = hub.subscribe({ streamId: 's2' });
    const other = hub.subscribe({ provider: 'videosdk' });
    const deletes = hub.subscribe({ types: ['live_stream.deleted'] });
    expect(hub.publish([event('a'), event('b', 's2'), event('c', 's2', 'videosdk')])).toBe(3);
    hub.publish({ ...event('d'), type: 'live_stream.deleted' });
    expect(await take(all, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(await take(one, 2)).toEqual(['b', 'c']);
    expect(await take(other, 1)).toEqual(['c']);
    expect(await take(deletes, 1)).toEqual(['d']);
  });

  it('drops copies of a delivery already published (same provider and id), whoever subscribes', async () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }), (ids) => {
        const hub = createEventHub();
        const subscription = hub.subscribe();
        let fresh = 0;
        for (const id of ids) fresh += hub.publish(event(id));
        expect(fresh).toBe(new Set(ids).size);
        subscription.close();
      }),
    );
    const hub = createEventHub();
    expect(hub.publish([event('x'), event('x', 's1', 'videosdk')])).toBe(2);
  });

  it('forgets the oldest ids beyond its window', () => {
    const hub = createEventHub({ dedupeWindow: 2 });
    hub.publish([event('a'), event('b'), event('c')]);
    expect(hub.publish(event('a'))).toBe(1);
    expect(hub.publish(event('c'))).toBe(0);
  });

  it('delivers to a subscriber that is already waiting', async () => {
    const hub = createEventHub();
    const next = hub.subscribe()[Symbol.asyncIterator]().next();
    hub.publish(event('late'));
    expect((await next).value?.id).toBe('late');
  });

  it('keeps the newest events of a subscriber that does not keep up', async () => {
    const hub = createEventHub({ bufferSize: 2 });
    const slow = hub.subscribe();
    hub.publish([event('1'), event('2'), event('3')]);
    expect(await take(slow, 2)).toEqual(['2', '3']);
  });

  it('ends a pending iteration on close, and publishes nothing to a closed subscription', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const pending = take(subscription, 5);
    hub.publish(event('a'));
    // The waiting subscriber's copy of `a` is made on a later turn of the loop: let that turn come.
    await new Promise((resolve) => setImmediate(resolve));
    subscription.close();
    expect(await pending).toEqual(['a']);
    hub.publish(event('b'));
    expect(await take(subscription, 1)).toEqual([]);
    const second = hub.subscribe();
    const waiting = take(second, 1);
    hub.close();
    expect(await waiting).toEqual([]);
  });

  it('is recognised by isEventHub, plain iterables are not', () => {
    expect(isEventHub(createEventHub())).toBe(true);
    expect(isEventHub(createEventHub().subscribe())).toBe(false);
    expect(isEventHub({ publish() {}, subscribe() {} })).toBe(false);
  });
});

describe('the newest broadcasting event per stream', () => {
  const at = (second: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + second * 1000);
  const said = (id: string, streamId: string, broadcasting: boolean, second: number): LiveStreamEvent => ({
    id,
    type: broadcasting ? 'live_stream.connected' : 'live_stream.disconnected',
    provider: 'stub',
    streamId,
    broadcasting,
    occurredAt: at(second),
    raw: {},
  });

  it('is kept per stream by occurredAt, for at most dedupeWindow streams, and dropped on delete', () => {
    const hub = createEventHub({ dedupeWindow: 3 });
    hub.publish([said('a2', 'a', false, 2), said('a1', 'a', true, 1)]);
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'a' })?.id).toBe('a2');
    expect(hub.newestBroadcasting?.({ provider: 'other', streamId: 'a' })).toBeUndefined();
    for (const streamId of ['b', 'c', 'd']) hub.publish(said(`${streamId}1`, streamId, true, 3));
    // Three streams remembered at most: the oldest, a, is forgotten.
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'a' })).toBeUndefined();
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'd' })?.broadcasting).toBe(true);
    hub.publish({
      id: 'd-gone',
      type: 'live_stream.deleted',
      provider: 'stub',
      streamId: 'd',
      occurredAt: at(4),
      raw: {},
    });
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'd' })).toBeUndefined();
  });
});

const next = (subscription: AsyncIterable<LiveStreamEvent>) =>
  subscription[Symbol.asyncIterator]().next() as Promise<IteratorResult<LiveStreamEvent>>;

describe('createEventHub copies', () => {
  it('gives each subscriber its own deep copy: what one changes reaches no other, nor the publisher', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (raw, extra) => {
        const hub = createEventHub();
        const [a, b] = [hub.subscribe(), hub.subscribe()];
        const published: LiveStreamEvent = {
          ...event('copy'),
          occurredAt: new Date(base + 1_000),
          data: { extra, nested: { n: 1 } },
          raw: { body: raw, bytes: new Uint8Array([1, 2, 3]) },
        };
        const before = structuredClone(published);
        hub.publish(published);
        const first = (await next(a)).value as LiveStreamEvent;
        const second = (await next(b)).value as LiveStreamEvent;
        expect(first).not.toBe(second);
        expect(first).toEqual(before);
        // Everything one subscriber can reach, it may change.
        first.streamId = 'other';
        first.broadcasting = false;
        first.occurredAt.setUTCFullYear(1970);
        (first.data as { nested: { n: number } }).nested.n = 999;
        (first.raw as { bytes: Uint8Array }).bytes[0] = 0;
        (first.raw as { body: unknown }).body = 'changed';
        expect(second).toEqual(before);
        expect(published).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });

  it('copies a payload nested far deeper than the stack allows recursion, and keeps cycles; publish refuses one nested beyond 64 levels', async () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 50_000; level += 1) deep = { d: deep };
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const copied = copyEvent({ ...event('deep'), raw: { deep, cycle } }).raw as {
      deep: unknown;
      cycle: { self: unknown };
    };
    // Compared by identity only: a deep comparison would itself overflow the stack.
    expect(copied.deep === deep).toBe(false);
    expect(copied.cycle.self === copied.cycle).toBe(true);
    const hub = createEventHub();
    const subscription = hub.subscribe();
    expect(() => hub.publish({ ...event('deep'), raw: { deep, cycle } })).toThrow(InvalidInputError);
    expect(hub.publish({ ...event('shallow'), raw: { cycle } })).toBe(1);
    const copy = (await next(subscription)).value?.raw as { cycle: { self: unknown } };
    expect(copy.cycle.self === copy.cycle).toBe(true);
  });
});

describe('createEventHub and a Date of another realm', () => {
  it("takes an event whose occurredAt is another realm's Date, and hands out a Date of this realm at that time", async () => {
    await fc.assert(
      fc.asyncProperty(usableTime, usableTime, async (first, second) => {
        const hub = createEventHub({ clock });
        const subscription = hub.subscribe();
        // Made in a vm context: `instanceof Date` is false here, yet it is a Date.
        const at = (time: number) => runInNewContext(`new Date(${time})`) as Date;
        expect(at(first) instanceof Date).toBe(false);
        expect(
          hub.publish([
            { ...event('a'), occurredAt: at(first), broadcasting: false },
            { ...event('b'), occurredAt: at(second), broadcasting: true },
          ]),
        ).toBe(2);
        const got: LiveStreamEvent[] = [];
        for await (const each of subscription) {
          got.push(each);
          if (got.length === 2) break;
        }
        expect(got.map((each) => each.occurredAt instanceof Date)).toEqual([true, true]);
        expect(got.map((each) => each.occurredAt.getTime())).toEqual([first, second]);
        // The newest by occurredAt, whichever came last.
        const newest = hub.newestBroadcasting?.({ provider: 'liveapi', streamId: 's1' });
        expect(newest?.id).toBe(second >= first ? 'b' : 'a');
        expect(newest?.occurredAt instanceof Date).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('orders and copies by the time a Date holds, whatever getTime its realm or the Date itself carries', () => {
    // Each realm's Date.prototype.getTime may be rewritten by code in that realm, and a Date may carry a
    // getTime of its own; the time the Date holds is the event's time, and reading it never throws.
    const overrides = ['throw new Error("not now")', 'return 0', 'return NaN'];
    fc.assert(
      fc.property(
        usableTime,
        usableTime,
        fc.constantFrom(...overrides),
        fc.boolean(),
        (first, second, body, onInstance) => {
          const at = (time: number) =>
            runInNewContext(
              onInstance
                ? `const d = new Date(${time}); d.getTime = function () { ${body} }; d`
                : `Date.prototype.getTime = function () { ${body} }; new Date(${time})`,
            ) as Date;
          const hub = createEventHub({ clock });
          expect(
            hub.publish([
              { ...event('a'), occurredAt: at(first), state: 'ready' },
              { ...event('b'), occurredAt: at(second), broadcasting: false },
            ]),
          ).toBe(2);
          const newest = hub.newestBroadcasting?.({ provider: 'liveapi', streamId: 's1' });
          expect(newest?.id).toBe(second >= first ? 'b' : 'a');
          expect(newest?.occurredAt.getTime()).toBe(Math.max(first, second));
          // What the hub holds about the stream, oldest first: the newest broadcasting and the newest state.
          const latest = hub.latest?.({ provider: 'liveapi', streamId: 's1' }) ?? [];
          const times = latest.map((each) => each.occurredAt.getTime());
          expect(times).toEqual([...times].sort((x, y) => x - y));
          expect(latest.map((each) => [each.id, each.occurredAt.getTime()]).sort()).toEqual(
            second >= first
              ? [
                  ['a', first],
                  ['b', second],
                ]
              : [['a', first]],
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses what only says it is a Date, or is an invalid one of another realm', () => {
    const tagged = { [Symbol.toStringTag]: 'Date', getTime: () => 0 };
    const invalid = runInNewContext('new Date(NaN)') as Date;
    for (const occurredAt of [tagged, invalid]) {
      const hub = createEventHub();
      expect(() => hub.publish({ ...event('a'), occurredAt: occurredAt as Date })).toThrow(InvalidInputError);
    }
  });
});

describe('createEventHub refuses what is not an event', () => {
  const garbage = fc.oneof(
    fc.constantFrom(null, undefined, 5, 'event', true),
    fc.record({ id: fc.string(), type: fc.string() }),
    // An empty array is a batch of no events, which is fine.
    fc.jsonValue().filter((value) => !(Array.isArray(value) && value.length === 0)),
  );

  it('throws InvalidInputError for a value that is no event nor iterable of events, publishing nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }),
        garbage,
        fc.nat(),
        (ids, bad, at) => {
          const hub = createEventHub();
          const seen: string[] = [];
          const subscription = hub.subscribe();
          void (async () => {
            for await (const each of subscription) seen.push(each.id);
          })();
          const batch: unknown[] = ids.map((id) => event(id));
          batch.splice(at % (batch.length + 1), 0, bad);
          for (const value of [bad, batch]) {
            let error: unknown;
            try {
              hub.publish(value as LiveStreamEvent);
            } catch (caught) {
              error = caught;
            }
            expect(InvalidInputError.isInstance(error)).toBe(true);
          }
          // The good events of the refused batch were not published, so they are new now.
          expect(hub.publish(ids.map((id) => event(id)))).toBe(new Set(ids).size);
          subscription.close();
        },
      ),
    );
  });

  it('refuses options that are not whole numbers in range, naming each', () => {
    const bad = fc.oneof(
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5, '10', null, 2e7),
      fc.double().filter((value) => !Number.isInteger(value)),
    );
    fc.assert(
      fc.property(bad, fc.constantFrom('dedupeWindow', 'bufferSize', 'retainStreams'), (value, name) => {
        let error: unknown;
        try {
          createEventHub({ [name]: value } as never);
        } catch (caught) {
          error = caught;
        }
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([name]);
      }),
    );
    expect(() => createEventHub({ bufferSize: 0 })).toThrow(InvalidInputError);
    expect(() => createEventHub({ dedupeWindow: 0, retainStreams: 0, bufferSize: 1 })).not.toThrow();
  });
});

describe('createEventHub subscriptions', () => {
  it('a subscription made after close has ended already; publishing after close does nothing', async () => {
    const hub = createEventHub();
    hub.close();
    expect(await next(hub.subscribe())).toEqual({ done: true, value: undefined });
    expect(hub.publish(event('late'))).toBe(0);
  });

  it('serves several iterators of one subscription in turn: none hangs, no event is lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        async (readers, extra) => {
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const pending = Array.from({ length: readers }, () => next(subscription));
          const ids = Array.from({ length: readers + extra }, (_, index) => `e${index}`);
          hub.publish(ids.map((id) => event(id)));
          const first = await Promise.all(pending);
          expect(first.map((result) => result.value?.id)).toEqual(ids.slice(0, readers));
          const rest = await Promise.all(ids.slice(readers).map(() => next(subscription)));
          expect(rest.map((result) => result.value?.id)).toEqual(ids.slice(readers));
          const ending = next(subscription);
          subscription.close();
          expect((await ending).done).toBe(true);
        },
      ),
    );
  });
});

describe('createEventHub latest', () => {
  const at = (seconds: number) => new Date(1_764_400_000_000 + seconds * 1000);

  it('keeps the newest broadcasting and state events of each stream, by occurredAt', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            stream: fc.constantFrom('s1', 's2'),
            seconds: fc.integer({ min: 0, max: 20 }),
            kind: fc.constantFrom('connected', 'disconnected', 'state', 'other'),
          }),
          { maxLength: 30 },
        ),
        (heard) => {
          const hub = createEventHub();
          const events = heard.map(({ stream, seconds, kind }, index): LiveStreamEvent => {
            const base = { ...event(`e${index}`, stream), occurredAt: at(seconds) };
            const { broadcasting: _none, ...quiet } = base;
            if (kind === 'connected') return base;
            if (kind === 'disconnected')
              return { ...base, type: 'live_stream.disconnected', broadcasting: false };
            if (kind === 'state') return { ...quiet, type: 'live_stream.state_changed', state: 'ready' };
            return { ...quiet, type: 'live_stream.updated' };
          });
          for (const each of events) hub.publish(each);
          for (const stream of ['s1', 's2']) {
            const newest = (pick: (each: LiveStreamEvent) => boolean) =>
              events
                .filter((each) => each.streamId === stream && pick(each))
                .reduce<LiveStreamEvent | undefined>(
                  (best, each) =>
                    !best || each.occurredAt.getTime() >= best.occurredAt.getTime() ? each : best,
                  undefined,
                );
            const expected = [
              newest((each) => each.broadcasting !== undefined),
              newest((each) => each.state !== undefined),
            ]
              .filter((each): each is LiveStreamEvent => each !== undefined)
              .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
              .map((each) => each.id);
            expect(hub.latest({ provider: 'liveapi', streamId: stream }).map((each) => each.id)).toEqual(
              expected,
            );
          }
        },
      ),
    );
  });

  it('remembers at most retainStreams streams, the least recently heard of forgotten first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 12 }), (retain, streams) => {
        const hub = createEventHub({ retainStreams: retain });
        for (let index = 0; index < streams; index += 1) hub.publish(event(`e${index}`, `s${index}`));
        const kept = Array.from({ length: streams }, (_, index) => `s${index}`).filter(
          (stream) => hub.latest({ provider: 'liveapi', streamId: stream }).length > 0,
        );
        expect(kept).toEqual(
          Array.from({ length: streams }, (_, index) => `s${index}`).slice(Math.max(0, streams - retain)),
        );
      }),
    );
  });

  it('forgets a stream an event says was deleted, and hands out copies', () => {
    const hub = createEventHub();
    hub.publish(event('on'));
    const [copy] = hub.latest({ provider: 'liveapi', streamId: 's1' });
    (copy as LiveStreamEvent).broadcasting = false;
    expect(hub.latest({ provider: 'liveapi', streamId: 's1' })[0]?.broadcasting).toBe(true);
    const { broadcasting: _none, ...gone } = event('gone');
    hub.publish({ ...gone, type: 'live_stream.deleted' });
    expect(hub.latest({ provider: 'liveapi', streamId: 's1' })).toEqual([]);
  });
});

describe('createEventHub on a polluted Object.prototype', () => {
  // What a filter, an event or the hub's own records leave out must read as absent, never as what some
  // other code in the process put on Object.prototype under that name.
  // The ids of the events a subscription has waiting, without waiting for more.
  async function waiting(subscription: AsyncIterable<LiveStreamEvent>): Promise<string[]> {
    const iterator = subscription[Symbol.asyncIterator]();
    const ids: string[] = [];
    for (;;) {
      const next = await Promise.race([
        iterator.next(),
        new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
      ]);
      if (!next || next.done) return ids;
      ids.push(next.value.id);
    }
  }

  it('delivers, filters and remembers as on a clean one, whatever the prototype carries (generated)', async () => {
    const keys = ['provider', 'streamId', 'types', 'state', 'broadcasting', 'data', 'warnings'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...keys),
        fc.constantFrom<unknown>(true, false, 'ready', 's1', ['unknown'], 1, {}, { occurredAt: 5 }, null),
        async (key, value) => {
          const hub = createEventHub();
          const prototype = Object.prototype as Record<string, unknown>;
          const outcome = (() => {
            Object.defineProperty(prototype, key, { value, writable: true, configurable: true });
            try {
              const all = hub.subscribe();
              const filtered = hub.subscribe({ types: ['live_stream.connected'] });
              const plain: LiveStreamEvent = {
                id: 'plain',
                type: 'unknown',
                provider: 'liveapi',
                streamId: 's1',
                occurredAt: new Date(base + 1_000),
                raw: {},
              };
              const published = hub.publish([event('connected'), plain]);
              return {
                all,
                filtered,
                published,
                latest: hub.latest({ provider: 'liveapi', streamId: 's1' }),
              };
            } finally {
              delete prototype[key];
            }
          })();
          expect(outcome.published).toBe(2);
          expect(await waiting(outcome.all)).toEqual(['connected', 'plain']);
          expect(await waiting(outcome.filtered)).toEqual(['connected']);
          expect(outcome.latest.map((each) => each.id)).toEqual(['connected']);
          hub.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
