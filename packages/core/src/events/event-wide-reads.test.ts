import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { eventSize, maxEventValues, readEvent } from './copy-event.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// What a refused wide value costs the hub: the value bound is applied before the value is walked, so a
// refusal reads about as much as the bound, not as much as the value. Observed through what the hub reads:
// getters run, Proxy traps called.

const event = (fields: Partial<LiveStreamEvent> & { id: string }): LiveStreamEvent => ({
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId: 's1',
  occurredAt: new Date(Date.UTC(2026, 11, 2, 12)),
  broadcasting: true,
  raw: {},
  ...fields,
});

function publishing(published: unknown): { error: unknown; count?: number } {
  const hub = createEventHub();
  try {
    const count = hub.publish(published as LiveStreamEvent);
    return { error: undefined, count };
  } catch (error) {
    return { error };
  }
}

// A handler whose every trap counts its calls and then does what no handler at all would do.
function countingProxy<T extends object>(target: T): { proxy: T; calls: () => number } {
  let calls = 0;
  const handler = new Proxy({} as ProxyHandler<T>, {
    get:
      (_, trap: keyof typeof Reflect) =>
      (...args: unknown[]) => {
        calls += 1;
        return (Reflect[trap] as (...args: unknown[]) => unknown)(...args);
      },
  });
  return { proxy: new Proxy(target, handler), calls: () => calls };
}

describe('a value wider than the bound, refused before it is read', () => {
  it('a plain object with more keys than the count has room for: no getter of it runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: maxEventValues - 3, max: maxEventValues + 3 }),
        fc.constantFrom('raw', 'data'),
        (keys, field) => {
          let reads = 0;
          const wide: Record<string, unknown> = {};
          for (let index = 0; index < keys; index += 1) {
            Object.defineProperty(wide, `k${index}`, {
              enumerable: true,
              get: () => {
                reads += 1;
                return index;
              },
            });
          }
          // The field's value is the object itself: one value, and one more a key.
          const { error, count } = publishing(event({ id: 'w', [field]: wide }));
          if (1 + keys > maxEventValues) {
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as Error).message).toContain(`${field} holds more than ${maxEventValues} values`);
            expect(reads).toBe(0);
          } else {
            expect(count).toBe(1);
            expect(reads).toBe(keys);
          }
        },
      ),
      {
        numRuns: 8,
        examples: [
          [maxEventValues - 1, 'data'],
          [maxEventValues, 'raw'],
        ],
      },
    );
  });

  it('an object handed on (a class instance) with more own keys than the bound: none of its values is looked at', () => {
    fc.assert(
      fc.property(fc.integer({ min: maxEventValues + 1, max: maxEventValues + 5 }), (keys) => {
        // Each field's value inherits from a Proxy: looking at what it is (a view, a Date, a Map…) walks its
        // prototype chain into the Proxy's trap.
        const { proxy: prototype, calls } = countingProxy({});
        class Wide {}
        const wide = new Wide() as Record<string, unknown>;
        for (let index = 0; index < keys; index += 1) wide[`k${index}`] = Object.create(prototype);
        const { error } = publishing(event({ id: 'c', data: { wide } }));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain(`data holds more than ${maxEventValues} values`);
        expect(calls()).toBe(0);
      }),
      { numRuns: 3, examples: [[maxEventValues + 1]] },
    );
  });
});

describe('a Proxy in an event, refused without running a trap', () => {
  const targets = {
    object: () => ({ a: 1 }),
    array: () => [1, 2],
    'a Date': () => new Date(0),
    'a Map': () => new Map([[1, 2]]),
    'a class instance': () => new (class Held {})(),
    'a typed array': () => new Uint8Array(8),
  } as const;

  it('anywhere in raw, data or another field, however deep', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(targets) as (keyof typeof targets)[])),
        fc.constantFrom('raw', 'data', 'note'),
        fc.nat({ max: 3 }),
        (kind, field, depth) => {
          const { proxy, calls } = countingProxy(targets[kind]());
          let value: unknown = proxy;
          for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { nested: value };
          const hub = createEventHub();
          let error: unknown;
          try {
            hub.publish([event({ id: 'fine' }), event({ id: 'p', [field]: value })]);
          } catch (caught) {
            error = caught;
          }
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as Error).message).toBe(
            `event hub publish: entry 1: ${field} holds a Proxy, which only passes for data ` +
              '(refused without running its traps)',
          );
          expect(calls()).toBe(0);
          expect(hub.latest({ provider: 'liveapi', streamId: 's1' })).toEqual([]);
        },
      ),
      {
        examples: [
          ['object', 'data', 0],
          ['a class instance', 'note', 1],
        ],
      },
    );
  });

  it('an event that is a Proxy, alone or in a list; a Proxy standing for the list is iterated', () => {
    // Asked one thing only: whether it is a list of events (its Symbol.iterator).
    const alone = countingProxy(event({ id: 'a' }));
    expect((publishing(alone.proxy).error as Error).message).toBe(
      'event hub publish: the event is a Proxy, which only passes for data (one standing for a list of ' +
        'events is iterated)',
    );
    expect(alone.calls()).toBe(1);
    const entry = countingProxy(event({ id: 'b' }));
    expect((publishing([event({ id: 'x' }), entry.proxy]).error as Error).message).toBe(
      'event hub publish: entry 1 is a Proxy, which only passes for data (refused without running its traps)',
    );
    expect(entry.calls()).toBe(0);
    const list = countingProxy({
      *[Symbol.iterator]() {
        yield event({ id: 'c' });
      },
    });
    expect(publishing(list.proxy)).toEqual({ error: undefined, count: 1 });
  });
});

describe('a BigInt weighed by its digits without rendering them', () => {
  const weighed = (value: bigint) =>
    eventSize(readEvent(event({ id: 'b', data: { v: value } }))).total -
    eventSize(readEvent(event({ id: 'b', data: { v: 0n } }))).total;
  // Its digits' bytes, from its hexadecimal text: two digits a byte (0n weighs 1).
  const digits = (value: bigint) => Math.ceil((value < 0n ? -value : value).toString(16).length / 2) - 1;

  it('weighs any BigInt as two hexadecimal digits a byte, and one beyond 2^1024 without its text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300_000 }),
        fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
        fc.boolean(),
        (bits, offset, negative) => {
          const magnitude = 2n ** BigInt(bits) + offset;
          const value = negative ? -magnitude : magnitude;
          const expected = digits(value);
          const rendered = vi.spyOn(BigInt.prototype, 'toString');
          let weight: number;
          let renderings: number;
          try {
            weight = weighed(value);
          } finally {
            renderings = rendered.mock.calls.length;
            rendered.mockRestore();
          }
          // Beyond 2^1024 the digits are not rendered; within, its text is the cheapest count (0n's too).
          if (!Number.isFinite(Number(value))) expect(renderings).toBe(1);
          // A negative power of two, -2^k, is counted by the k bits of 2^k - 1: a byte less at most.
          if (value < 0n && (-value & (-value - 1n)) === 0n)
            expect([expected - 1, expected]).toContain(weight);
          else expect(weight).toBe(expected);
        },
      ),
      {
        examples: [
          [8_000_000, 0n, false],
          [8_000_000, -1n, true],
          [1_024, 0n, false],
          [1_023, 0n, true],
          [2 ** 18, 1n, false],
          [2 ** 24 + 8, 5n, true],
          [4_096, 0n, true],
        ],
        numRuns: 60,
      },
    );
  });
});
