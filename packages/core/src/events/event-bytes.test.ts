import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventValueBytes } from './copy-event.js';
import { createEventHub, type LiveStreamEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// The byte bounds of a hub (`retainBytes` for `latest`, `bufferBytes` for a subscriber that does not read)
// count each value by its kind, near what V8 holds for it: an event of empty Maps, Sets, Dates, typed arrays
// or objects is weighed as the memory it takes, not 32 bytes a value, so the streams kept at the bound hold
// about the bound in real memory (the figures: docs/decisions/2026-12-02-bounded-delivery-cost.md).

// A class a custom parser might put in `data`; 1,000 characters, made afresh (a different string each time).
class Holder {
  constructor(readonly text: string) {}
}
let made = 0;
const text = () => {
  made += 1;
  return `${made}`.padEnd(1_000, 'x');
};
// A growable SharedArrayBuffer (ES2024, in Node since 20), typed here as the lib targeted predates it.
const Growable = SharedArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => SharedArrayBuffer;

const key = (name: string) => eventValueBytes.key + 2 * name.length;
const field = (name: string, characters: number) => key(name) + eventValueBytes.text + 2 * characters;
const withoutFrames = <T>(make: () => T): T => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
};

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
  // Objects handed on as they are, not copied, weigh what they hold: their own data properties (a key 8 and
  // 2 a character, its value by its kind), and what a built-in holds outside them. Each below holds 1,000
  // characters (2,000 bytes) or 1,000 bytes.
  // Another realm's (a vm context's, a test environment's): told by its slots, not this realm's prototype.
  otherRealmShared: {
    make: (): unknown => runInNewContext('new SharedArrayBuffer(1000)'),
    weight: eventValueBytes.arrayBuffer + 1_000,
  },
  growable: {
    make: (): unknown => new Growable(0, { maxByteLength: 1_000 }),
    weight: eventValueBytes.arrayBuffer + 1_000,
  },
  instance: {
    make: (): unknown => new Holder(text()),
    weight: eventValueBytes.object + field('text', 1_000),
  },
  madeFromPrototype: {
    make: (): unknown => Object.assign(Object.create({ kind: 'x' }), { text: text() }),
    weight: eventValueBytes.object + field('text', 1_000),
  },
  regexp: {
    make: (): unknown => new RegExp(text()),
    weight: eventValueBytes.object + 2_000 + key('lastIndex') + eventValueBytes.scalar,
  },
  boxedString: { make: (): unknown => new String(text()), weight: eventValueBytes.object + 2_000 },
  boxedBigint: { make: (): unknown => Object(2n ** 7999n), weight: eventValueBytes.object + 1_000 },
  // Its stack (`Error: ` and the message, no frames) beside its own `message`.
  error: {
    make: (): unknown => withoutFrames(() => new Error(text())),
    weight: eventValueBytes.object + 2 * 1_007 + field('message', 1_000),
  },
  url: {
    make: (): unknown => new URL(`https://example.com/?q=${text()}`),
    weight: eventValueBytes.object + 2 * 1_023,
  },
  headers: {
    make: (): unknown => new Headers({ 'x-a': text() }),
    weight: eventValueBytes.object + 2 * eventValueBytes.text + 2 * 1_003,
  },
  blob: { make: (): unknown => new Blob([new Uint8Array(1_000)]), weight: eventValueBytes.object + 1_000 },
  symbol: { make: (): unknown => Symbol(text()), weight: eventValueBytes.scalar + 2_000 },
} as const;
type Kind = keyof typeof kinds;
const handedOn: Kind[] = [
  'otherRealmShared',
  'growable',
  'instance',
  'madeFromPrototype',
  'regexp',
  'boxedString',
  'boxedBigint',
  'error',
  'url',
  'headers',
  'blob',
  'symbol',
];

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

// What `latest` holds after one event a stream for `streams` streams, each event's `data.v` weighing at
// least `weighs`: the newest streams, the oldest forgotten; what is kept fits in `retainBytes`; and
// everything is kept when it fits, with room for the rest of each event.
function expectKeptWithin(
  hub: LiveStreamEventHub,
  streams: number,
  weighs: number,
  retainBytes: number,
): void {
  const held = Array.from(
    { length: streams },
    (_, index) => hub.latest({ provider: 'liveapi', streamId: `s${index}` }).length,
  );
  const kept = held.filter((each) => each === 1).length;
  expect(held).toEqual([...Array(streams - kept).fill(0), ...Array(kept).fill(1)]);
  expect(kept * weighs).toBeLessThanOrEqual(retainBytes);
  if (streams * (weighs + rest) <= retainBytes) expect(kept).toBe(streams);
}

describe('the bytes a hub keeps, weighed by kind', () => {
  it('latest keeps, for every kind, no more streams than their values weigh within retainBytes (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(kinds) as Kind[])),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 2_000, max: 100_000 }),
        (kind, given, streams, retainBytes) => {
          const { make, weight } = kinds[kind];
          // Values of a kilobyte or more: a tenth as many, the same bounds met with a tenth of the work.
          const values = weight >= 1_000 ? Math.ceil(given / 10) : given;
          const hub = createEventHub({ retainBytes });
          for (let index = 0; index < streams; index += 1)
            hub.publish(event(index, { v: Array.from({ length: values }, make) }));
          expectKeptWithin(hub, streams, values * weight, retainBytes);
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
          ['bigint', 300, 10, 100_000],
          ['shared', 300, 10, 100_000],
          ...handedOn.map((kind): [Kind, number, number, number] => [kind, 300, 10, 100_000]),
        ],
      },
    );
  });

  it('weighs an object handed on by what it holds each time it is published again, not as a reference (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...handedOn, 'shared' as const),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 2_000, max: 100_000 }),
        (kind, values, streams, retainBytes) => {
          const { make, weight } = kinds[kind];
          // The same objects in every event (a parser's cache, a shared config object): each publish holds
          // them as the first did, whether the events that held them before are still kept or forgotten.
          const shared = Array.from({ length: values }, make);
          const hub = createEventHub({ retainBytes });
          for (let index = 0; index < streams; index += 1) hub.publish(event(index, { v: [...shared] }));
          expectKeptWithin(hub, streams, values * weight, retainBytes);
        },
      ),
      {
        examples: [
          ['instance', 30, 20, 100_000],
          ['regexp', 30, 20, 100_000],
          ['shared', 30, 20, 100_000],
          ['blob', 30, 20, 100_000],
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
        async (kind, given, events, bufferBytes) => {
          const { make, weight } = kinds[kind];
          // Values of a kilobyte or more: a tenth as many, the same bounds met with a tenth of the work.
          const values = weight >= 1_000 ? Math.ceil(given / 10) : given;
          const hub = createEventHub({ bufferSize: 1_000, bufferBytes });
          const reading = hub.subscribe();
          // Each in `raw` as well as `data`: a waiting event is counted whole, raw included.
          for (let index = 0; index < events; index += 1) {
            hub.publish(
              event(index, { v: Array.from({ length: values }, make) }, Array.from({ length: values }, make)),
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
          if (ids.length > 1) expect(ids.length * 2 * values * weight).toBeLessThanOrEqual(bufferBytes);
          if (events * (2 * values * weight + rest) <= bufferBytes) expect(ids.length).toBe(events);
        },
      ),
      {
        examples: [
          ['map', 300, 12, 100_000],
          ['bytes', 300, 12, 100_000],
          ['date', 300, 10, 1],
          ['bigint', 300, 12, 100_000],
          ['shared', 300, 12, 100_000],
          ...handedOn.map((kind): [Kind, number, number, number] => [kind, 300, 12, 100_000]),
        ],
      },
    );
  });
});
