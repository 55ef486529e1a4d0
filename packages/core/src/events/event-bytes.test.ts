import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventValueBytes } from './copy-event.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// The byte bounds of a hub (`retainBytes` for `latest`, `bufferBytes` for a subscriber that does not read)
// count each value by its kind, near what V8 holds for it: an event of empty Maps, Sets, Dates, typed arrays
// or objects is weighed as the memory it takes, not 32 bytes a value, so the streams kept at the bound hold
// about the bound in real memory (the figures: docs/decisions/2026-12-02-bounded-delivery-cost.md).

const kinds = {
  array: { make: (): unknown => [], weight: eventValueBytes.array },
  object: { make: (): unknown => ({}), weight: eventValueBytes.object },
  date: { make: (): unknown => new Date(Date.UTC(2026, 0, 1)), weight: eventValueBytes.date },
  map: { make: (): unknown => new Map(), weight: eventValueBytes.map },
  set: { make: (): unknown => new Set(), weight: eventValueBytes.set },
  bytes: { make: (): unknown => new Uint8Array(0), weight: eventValueBytes.view },
  buffer: { make: (): unknown => new ArrayBuffer(0), weight: eventValueBytes.arrayBuffer },
  view: { make: (): unknown => new DataView(new ArrayBuffer(0)), weight: eventValueBytes.view },
  number: { make: (): unknown => 1.5, weight: eventValueBytes.scalar },
  // Values whose size is their content: a 1,000-byte BigInt (2^7999: 2,000 hexadecimal digits) and a
  // 1,000-byte SharedArrayBuffer (handed on, not copied) weigh their bytes.
  bigint: { make: (): unknown => 2n ** 7999n, weight: eventValueBytes.scalar + 1_000 },
  shared: { make: (): unknown => new SharedArrayBuffer(1_000), weight: eventValueBytes.arrayBuffer + 1_000 },
} as const;
type Kind = keyof typeof kinds;

const event = (index: number, data: Record<string, unknown>, raw: unknown = {}): LiveStreamEvent => ({
  id: `e${index}`,
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId: `s${index}`,
  occurredAt: new Date(Date.UTC(2026, 10, 29, 12)),
  broadcasting: true,
  raw,
  data,
});

// What the rest of an event weighs at most beside its `data.v` entries (its fields, the list itself).
const rest = 2_000;

describe('the bytes a hub keeps, weighed by kind', () => {
  it('latest keeps, for every kind, no more streams than their values weigh within retainBytes (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(kinds) as Kind[])),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 2_000, max: 100_000 }),
        (kind, count, streams, retainBytes) => {
          const { make, weight } = kinds[kind];
          const hub = createEventHub({ retainBytes });
          for (let index = 0; index < streams; index += 1)
            hub.publish(event(index, { v: Array.from({ length: count }, make) }));
          const held = Array.from(
            { length: streams },
            (_, index) => hub.latest({ provider: 'liveapi', streamId: `s${index}` }).length,
          );
          const kept = held.filter((each) => each === 1).length;
          // The newest streams, the oldest forgotten.
          expect(held).toEqual([...Array(streams - kept).fill(0), ...Array(kept).fill(1)]);
          // Each kept stream weighs at least its values by their kind: what is kept fits in retainBytes.
          expect(kept * count * weight).toBeLessThanOrEqual(retainBytes);
          // Everything is kept when it fits, with room for the rest of each event.
          if (streams * (count * weight + rest) <= retainBytes) expect(kept).toBe(streams);
        },
      ),
      {
        examples: [
          // The measured case, scaled down: 300 empty Maps (or Sets, Dates, byte views) an event.
          ['map', 300, 20, 100_000],
          ['set', 300, 20, 100_000],
          ['date', 300, 20, 100_000],
          ['bytes', 300, 20, 100_000],
          ['object', 300, 20, 100_000],
          ['number', 300, 10, 100_000],
          ['bigint', 30, 10, 100_000],
          ['shared', 30, 10, 100_000],
        ],
      },
    );
  });

  it('a subscriber that does not read keeps no more than bufferBytes of them, and always the newest (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(kinds) as Kind[])),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 100_000 }),
        async (kind, count, events, bufferBytes) => {
          const { make, weight } = kinds[kind];
          const hub = createEventHub({ bufferSize: 1_000, bufferBytes });
          const reading = hub.subscribe();
          // Each in `raw` as well as `data`: a waiting event is counted whole, raw included.
          for (let index = 0; index < events; index += 1) {
            hub.publish(
              event(index, { v: Array.from({ length: count }, make) }, Array.from({ length: count }, make)),
            );
          }
          const taking = reading[Symbol.asyncIterator]();
          const ids: string[] = [];
          for (;;) {
            const { value } = await taking.next();
            ids.push(value.id);
            if (value.id === `e${events - 1}`) break;
          }
          reading.close();
          // The newest ones, the newest always.
          const first = events - ids.length;
          expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => `e${first + index}`));
          if (ids.length > 1) expect(ids.length * 2 * count * weight).toBeLessThanOrEqual(bufferBytes);
          if (events * (2 * count * weight + rest) <= bufferBytes) expect(ids.length).toBe(events);
        },
      ),
      {
        examples: [
          ['map', 300, 12, 100_000],
          ['bytes', 300, 12, 100_000],
          ['date', 300, 10, 1],
          ['bigint', 30, 12, 100_000],
          ['shared', 30, 12, 100_000],
        ],
      },
    );
  });
});
