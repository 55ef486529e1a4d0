import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileKinds, makeHostile, wholeBuffers } from '../../test/hostile-bytes.js';
import { viewParts } from '../bytes.js';
import { InvalidInputError } from '../errors/errors.js';
import { createEventHub } from './event-hub.js';
import { isLiveStreamEvent, type LiveStreamEvent } from './live-stream-event.js';

// What an event source hands the hub is code the caller wrote: its Dates may answer `valueOf` and
// `Symbol.toPrimitive` with another time or a throw, a getter may answer differently each time it is read,
// and a value deep in `raw` or `data` may throw when the hub copies it.

// Times are counted from here: a time the hub keeps as published (from 2000 to a day after publishing).
const base = Date.UTC(2026, 0, 1);

const event = (id: string, time: Date, extra: Record<string, unknown> = {}): LiveStreamEvent => ({
  id,
  type: 'live_stream.state_changed',
  provider: 'liveapi',
  streamId: 's1',
  occurredAt: time,
  state: 'ready',
  raw: {},
  ...extra,
});

/** A Date holding `time` that tells every other way of reading it something else, or throws. */
function lyingDate(time: number, how: string): Date {
  const date = new Date(base + time);
  const lie = (): number => {
    if (how.endsWith('throwing')) throw new Error('read me through valueOf');
    return time < 5_000 ? 9_999_999 : 1;
  };
  if (how.startsWith('own')) {
    Object.defineProperty(date, 'valueOf', { value: lie });
    Object.defineProperty(date, Symbol.toPrimitive, { value: lie });
    Object.defineProperty(date, 'toJSON', { value: lie });
  } else {
    const prototype = Object.create(Date.prototype) as object;
    Object.defineProperty(prototype, 'valueOf', { value: lie });
    Object.defineProperty(prototype, Symbol.toPrimitive, { value: lie });
    Object.defineProperty(prototype, 'toISOString', { value: lie });
    Object.setPrototypeOf(date, prototype);
  }
  return date;
}

const lies = fc.constantFrom('own', 'own throwing', 'prototype', 'prototype throwing');

/** Something in `raw` or `data` that throws when the hub copies it. */
const unreadable = {
  'a Date behind a Proxy whose traps throw': () =>
    new Proxy(new Date(base + 0), {
      getPrototypeOf() {
        throw new Error('trap');
      },
    }),
  'a revoked Proxy of a Date': () => {
    const { proxy, revoke } = Proxy.revocable(new Date(base + 0), {});
    revoke();
    return proxy;
  },
  'a getter that throws beside a Date': () => ({
    at: new Date(base + 0),
    get later(): Date {
      throw new Error('getter');
    },
  }),
} as const;

describe('an event hub reading what an event source hands it', () => {
  it('orders by the time a Date holds and hands out clean Dates, whatever its valueOf or toPrimitive says', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 6 }),
        lies,
        fc.boolean(),
        (times, how, nested) => {
          const hub = createEventHub();
          const batch = times.map((time, index) =>
            event(`e${index}`, lyingDate(time, how), nested ? { data: { at: lyingDate(time, how) } } : {}),
          );
          expect(batch.every((each) => isLiveStreamEvent(each))).toBe(true);
          expect(hub.publish(batch)).toBe(times.length);
          const [held] = hub.latest({ provider: 'liveapi', streamId: 's1' });
          // The newest by the time each Date holds; of equal times, the later published.
          const newest = times.lastIndexOf(Math.max(...times));
          expect(held?.id).toBe(`e${newest}`);
          expect(held?.occurredAt).toStrictEqual(new Date(base + (times[newest] as number)));
          expect(JSON.stringify(held)).toContain(new Date(base + (times[newest] as number)).toISOString());
        },
      ),
    );
  });

  it('refuses, publishing nothing, a batch holding something in raw or data that throws as it is copied', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...(Object.keys(unreadable) as (keyof typeof unreadable)[])),
        fc.constantFrom('raw', 'data'),
        fc.nat({ max: 3 }),
        async (times, at, kind, field, depth) => {
          const hub = createEventHub();
          hub.publish(event('held', new Date(base + 0)));
          const subscription = hub.subscribe();
          let value: unknown = unreadable[kind]();
          for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { nested: value };
          const batch = times.map((time, index) => event(`e${index}`, new Date(base + time + 1)));
          const bad = at % batch.length;
          batch[bad] = event(`e${bad}`, new Date(base + 20_000), { [field]: { value } });
          for (const published of [batch, batch[bad]]) {
            let error: unknown;
            try {
              hub.publish(published as LiveStreamEvent);
            } catch (caught) {
              error = caught;
            }
            expect(InvalidInputError.isInstance(error)).toBe(true);
          }
          // Nothing of the batch was published: what the hub held stays, and every event is new still.
          expect(hub.latest({ provider: 'liveapi', streamId: 's1' }).map((each) => each.id)).toEqual([
            'held',
          ]);
          batch[bad] = event(`e${bad}`, new Date(base + 20_000));
          expect(hub.publish(batch)).toBe(times.length);
          const heard: string[] = [];
          for await (const each of subscription) {
            heard.push(each.id);
            if (heard.length === times.length) break;
          }
          expect(heard).toEqual(times.map((_, index) => `e${index}`));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('copies a view or a buffer by the bytes it holds, whatever its prototype, realm, getters or species (generated)', async () => {
    // The copy reads a view's bytes by its internal slots and makes one of the same kind and prototype,
    // so a view the caller put code on (or took the prototype from) reaches a subscriber as its bytes, and
    // what the publisher changes afterwards reaches nobody.
    const bytesOf = (view: unknown) => {
      const { buffer, byteOffset, byteLength } = viewParts(view as ArrayBufferView);
      return [...new Uint8Array(buffer, byteOffset, byteLength)];
    };
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 24 }),
        fc.constantFrom(...hostileKinds),
        async (bytes, kind) => {
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const { value, buffer } = makeHostile(bytes, kind);
          // A buffer with no prototype at all, beside it.
          const bare = Object.setPrototypeOf(wholeBuffers(bytes).plain as object, null) as ArrayBuffer;
          hub.publish(event('v', new Date(base), { data: { view: value, bare } }));
          new Uint8Array(buffer).fill(0);
          const { value: held } = await subscription[Symbol.asyncIterator]().next();
          const data = held.data as { view: unknown; bare: unknown };
          expect(Object.getPrototypeOf(data.view), kind.join(' ')).toBe(Object.getPrototypeOf(value));
          expect(bytesOf(data.view), kind.join(' ')).toEqual([...bytes]);
          expect(Object.getPrototypeOf(data.bare)).toBeNull();
          expect([...new Uint8Array(data.bare as ArrayBuffer)]).toEqual([...bytes]);
        },
      ),
      { examples: hostileKinds.map((kind) => [Uint8Array.of(1, 2, 3), kind]) },
    );
  });

  it('refuses at once what only passes for a view (a Proxy of a typed array), however long, publishing nothing', () => {
    // Walked key by key, a Proxy of a 4 MiB array would be four million keys listed before the value bound.
    for (const imitation of [
      new Proxy(new Uint8Array(4 * 1024 * 1024), {}),
      new Proxy(new DataView(new ArrayBuffer(8)), {}),
      Object.create(Uint8Array.prototype) as object,
    ]) {
      const hub = createEventHub();
      let thrown: unknown;
      try {
        hub.publish(event('p', new Date(base), { data: { v: imitation } }));
      } catch (error) {
        thrown = error;
      }
      expect(InvalidInputError.isInstance(thrown)).toBe(true);
      expect(hub.latest({ provider: 'liveapi', streamId: 's1' })).toEqual([]);
    }
  });

  it('keeps a cycle back to the event a cycle in what it hands out', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const cyclic = event('c', new Date(base + 0), { raw: {} });
    (cyclic.raw as Record<string, unknown>).event = cyclic;
    hub.publish(cyclic);
    const { value: held } = await subscription[Symbol.asyncIterator]().next();
    expect((held.raw as Record<string, unknown>).event).toBe(held);
  });

  it('reads an occurredAt behind a getter once: what it checked is what it keeps and hands out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom<unknown>('soon', null, undefined, new Date(Number.NaN), 5),
        fc.boolean(),
        async (time, later, enumerable) => {
          let reads = 0;
          const changing = event('g', new Date(base + 0));
          Object.defineProperty(changing, 'occurredAt', {
            enumerable,
            configurable: true,
            get: () => (reads++ === 0 ? new Date(base + time) : later),
          });
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const iterator = subscription[Symbol.asyncIterator]();
          // Checked and read: both reads must agree, or the event is refused.
          let error: unknown;
          try {
            hub.publish(changing);
          } catch (caught) {
            error = caught;
          }
          const handed = [...hub.latest({ provider: 'liveapi', streamId: 's1' })];
          if (error === undefined) handed.push((await iterator.next()).value as LiveStreamEvent);
          else expect(InvalidInputError.isInstance(error)).toBe(true);
          for (const each of handed) {
            expect(isLiveStreamEvent(each)).toBe(true);
            expect(each.occurredAt).toStrictEqual(new Date(base + time));
          }
          subscription.close();
        },
      ),
    );
  });
});
