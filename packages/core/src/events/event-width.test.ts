import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { jsonBounds, maxEventIdLength, maxEventValues } from './copy-event.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { createWebhookHandler } from './webhook-handler.js';
import { parseWebhookJson, readWebhookBody } from './webhook-input.js';

// What a delivery may cost: how many values a body and an event may hold, how many bytes a subscriber that
// does not read and the hub's memory of streams may keep.

const encoder = new TextEncoder();

const event = (fields: Partial<LiveStreamEvent> & { id: string }): LiveStreamEvent => ({
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId: 's1',
  occurredAt: new Date(Date.UTC(2026, 10, 29, 12)),
  broadcasting: true,
  raw: {},
  ...fields,
});

// Every value in a parsed JSON tree: the value itself and every entry of every object and array.
function valuesOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 1;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((sum: number, child) => sum + valuesOf(child), 0);
}

// A JSON object holding exactly `values` values: itself, one list, and its entries.
const bodyOf = (values: number) =>
  `{"event":"x","list":[${Array.from({ length: values - 3 }, (_, index) => (index % 2 ? '[]' : '","')).join(',')}]}`;

describe('how many values a body may hold', () => {
  it('jsonBounds counts every value of any JSON text, commas and brackets inside strings not counted', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.integer({ min: 1, max: 200 }),
        fc.boolean(),
        (value, limit, spaced) => {
          const text = JSON.stringify(value, null, spaced ? 2 : undefined);
          const count = valuesOf(value);
          expect(jsonBounds(text, 1000, limit)).toBe(count > limit ? 'wide' : undefined);
        },
      ),
      {
        examples: [
          [[], 1, false],
          [{ 'a,[': ',{' }, 2, false],
          [[[], [[]]], 4, true],
        ],
      },
    );
  });

  it('parseWebhookJson refuses a body of more than 10 000 values as malformed-body, and takes one of 10 000', () => {
    expect(valuesOf(JSON.parse(bodyOf(maxEventValues)))).toBe(maxEventValues);
    expect(valuesOf(parseWebhookJson(encoder.encode(bodyOf(maxEventValues)), 'test'))).toBe(maxEventValues);
    expect(() => parseWebhookJson(encoder.encode(bodyOf(maxEventValues + 1)), 'test')).toThrow(
      expect.objectContaining({ reason: 'malformed-body', message: expect.stringContaining('10000 values') }),
    );
  });

  it('the handler answers 400 malformed-body to a wide body far under maxBodyBytes, and no subscriber hears of it', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const handler = createWebhookHandler({
      hub,
      parse: async (input) => {
        const json = parseWebhookJson(readWebhookBody(input.body, 'test'), 'test');
        return [event({ id: 'from-body', raw: json })];
      },
    });
    const body = `{"x":[${'[],'.repeat(1_000_000)}[]]}`;
    const response = await handler.handleWebhook(
      new Request('https://app.example/w', { method: 'POST', body }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'malformed-body' });
    hub.publish(event({ id: 'after' }));
    expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('after');
  });

  it('publish refuses an event whose raw or data holds more than 10 000 values, naming the field, publishing none of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'raw' | 'data'>('raw', 'data'),
        fc.integer({ min: maxEventValues - 2, max: maxEventValues + 2 }),
        fc.constantFrom<'array' | 'map' | 'instance'>('array', 'map', 'instance'),
        async (field, values, kind) => {
          // The field's own value and its entries: an array of values - 1, a Map whose entries are
          // counted key and value each, or a class instance (handed on as it is, yet counted by its own data
          // properties; a getter of its own is neither run nor counted).
          const entries = values - 1;
          const held =
            kind === 'array'
              ? { list: Array.from({ length: entries - 1 }, () => 0) }
              : kind === 'instance'
                ? { instance: wideInstance(entries - 1) }
                : {
                    map: new Map(
                      Array.from({ length: Math.floor((entries - 1) / 2) }, (_, index) => [index, 0]),
                    ),
                    ...((entries - 1) % 2 ? { odd: 0 } : {}),
                  };
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const batch = [event({ id: 'fine' }), event({ id: 'wide', [field]: held })];
          if (values <= maxEventValues) {
            expect(hub.publish(batch)).toBe(2);
            return;
          }
          let thrown: unknown;
          try {
            hub.publish(batch);
          } catch (error) {
            thrown = error;
          }
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as Error).message).toContain(`entry 1: ${field} holds more than 10000 values`);
          hub.publish(event({ id: 'after' }));
          expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('after');
        },
      ),
      {
        examples: [
          ['raw', maxEventValues, 'array'],
          ['raw', maxEventValues + 1, 'array'],
          ['data', maxEventValues + 1, 'map'],
          ['data', maxEventValues, 'map'],
          ['data', maxEventValues + 1, 'instance'],
          ['raw', maxEventValues, 'instance'],
        ],
      },
    );
  });
});

describe('what one event may hold, whole', () => {
  it('publish counts the fields other than raw and data together: many fields of many values are refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: maxEventValues }), { minLength: 1, maxLength: 4 }),
        async (sizes) => {
          // Own fields `extra0`… each a list of `size - 1` entries: `size` values each.
          const extra = Object.fromEntries(
            sizes.map((size, index) => [`extra${index}`, Array.from({ length: size - 1 }, () => 0)]),
          );
          const wide = { ...event({ id: 'wide' }), ...extra };
          // Every field but raw and data, in one count.
          const counted = Object.entries(wide)
            .filter(([key]) => key !== 'raw' && key !== 'data')
            .reduce((sum, [, value]) => sum + (value instanceof Date ? 1 : valuesOf(value)), 0);
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const batch = [event({ id: 'fine' }), wide];
          if (counted <= maxEventValues) {
            expect(hub.publish(batch)).toBe(2);
            return;
          }
          let thrown: unknown;
          try {
            hub.publish(batch);
          } catch (error) {
            thrown = error;
          }
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as Error).message).toContain(
            'entry 1: the fields other than raw and data (together) holds more than 10000 values',
          );
          hub.publish(event({ id: 'after' }));
          expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('after');
        },
      ),
      {
        examples: [[[maxEventValues - 6]], [[maxEventValues - 5]], [[5000, 4995]], [[9000, 9000, 9000]]],
      },
    );
  });

  it('publish refuses an id or a provider longer than 1 024 characters, naming it, publishing none of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'id' | 'provider'>('id', 'provider'),
        fc.integer({ min: maxEventIdLength - 2, max: maxEventIdLength + 2 }),
        fc.boolean(),
        async (field, length, alone) => {
          const long = event({ id: 'long', [field]: 'i'.repeat(length) });
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const batch = alone ? long : [event({ id: 'fine' }), long];
          if (length <= maxEventIdLength) {
            expect(hub.publish(batch)).toBe(alone ? 1 : 2);
            return;
          }
          let thrown: unknown;
          try {
            hub.publish(batch);
          } catch (error) {
            thrown = error;
          }
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as InvalidInputError).issues).toEqual([
            {
              path: alone ? `events.${field}` : `events.1.${field}`,
              message: `is longer than 1024 characters (no vendor's is; the hub remembers it whole)`,
            },
          ]);
          hub.publish(event({ id: 'after' }));
          expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('after');
        },
      ),
      {
        examples: [
          ['id', maxEventIdLength, false],
          ['id', maxEventIdLength + 1, false],
          ['provider', maxEventIdLength + 1, true],
          ['provider', maxEventIdLength, true],
        ],
      },
    );
  });
});

describe('what a subscriber that does not read keeps', () => {
  it('at most bufferBytes of the newest events, as estimated, and always the newest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 8000 }),
        async (lengths, bufferBytes) => {
          // Published to a subscriber not reading, then read up to the newest.
          const third = createEventHub({ bufferSize: 1000, bufferBytes });
          const reading = third.subscribe();
          third.publish(lengths.map((length, index) => event({ id: `e${index}`, raw: 'x'.repeat(length) })));
          const ids: string[] = [];
          const taking = reading[Symbol.asyncIterator]();
          for (;;) {
            const { value } = await taking.next();
            ids.push(value.id);
            if (value.id === `e${lengths.length - 1}`) break;
          }
          // A suffix of what was published, the newest included, each event whole.
          const first = lengths.length - ids.length;
          expect(ids).toEqual(lengths.slice(first).map((_, index) => `e${first + index}`));
          // Each kept event weighs at least its text (2 bytes a character): what is kept, the newest
          // aside, fits in bufferBytes.
          const textBytes = lengths.slice(first, -1).reduce((sum, length) => sum + 2 * length, 0);
          expect(ids.length === 1 || textBytes <= bufferBytes).toBe(true);
          // Everything is kept when its text alone and more fits: the bound drops only what is over it.
          if (lengths.reduce((sum, length) => sum + 2 * length + 2000, 0) <= bufferBytes)
            expect(ids.length).toBe(lengths.length);
        },
      ),
      {
        examples: [
          [[3000, 3000, 3000], 1],
          [[10, 10], 8000],
          [[3000], 1],
        ],
      },
    );
  });

  it('refuses a bufferBytes or retainBytes that is no whole number in its range, naming it', () => {
    for (const [name, value] of [
      ['bufferBytes', 0],
      ['bufferBytes', 2 ** 31 + 1],
      ['retainBytes', -1],
      ['retainBytes', 1.5],
      ['bufferBytes', '64'],
    ] as const) {
      expect(() => createEventHub({ [name]: value })).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: name })] }),
      );
    }
    expect(() => createEventHub({ bufferBytes: 2 ** 31, retainBytes: 0 })).not.toThrow();
  });
});

describe("what the hub's memory of streams keeps", () => {
  it('latest keeps every field but raw, which it hands out as undefined', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (raw, data) => {
        const hub = createEventHub();
        const published = event({ id: 'e', raw, data, state: 'ready' });
        hub.publish(published);
        const [held] = hub.latest({ provider: 'liveapi', streamId: 's1' });
        expect(held).toEqual({ ...published, raw: undefined });
      }),
    );
  });

  it('forgets the streams heard of least recently beyond retainBytes, whatever raw holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (streams, reasonLength, rawLength) => {
          const hub = createEventHub({ retainBytes: 20_000 });
          for (let index = 0; index < streams; index += 1) {
            hub.publish(
              event({
                id: `e${index}`,
                streamId: `s${index}`,
                data: { reason: 'r'.repeat(reasonLength) },
                raw: 'x'.repeat(rawLength),
              }),
            );
          }
          const held = Array.from(
            { length: streams },
            (_, index) => hub.latest({ provider: 'liveapi', streamId: `s${index}` }).length,
          );
          // The newest streams are kept, the oldest forgotten: a run of 0s, then of 1s.
          const kept = held.filter((count) => count === 1).length;
          expect(held).toEqual([...Array(streams - kept).fill(0), ...Array(kept).fill(1)]);
          // The text kept (2 bytes a character) fits in retainBytes; raw never counts.
          expect(kept * 2 * reasonLength).toBeLessThanOrEqual(20_000);
          if (streams * (2 * reasonLength + 2000) <= 20_000) expect(kept).toBe(streams);
        },
      ),
      {
        examples: [
          [30, 2000, 0],
          [30, 0, 100_000],
          [2, 0, 0],
        ],
      },
    );
  });
});

class Wide {}

function wideInstance(fields: number): Wide {
  const instance = Object.assign(
    new Wide(),
    Object.fromEntries(Array.from({ length: fields }, (_, index) => [`f${index}`, 0])),
  );
  Object.defineProperty(instance, 'lazy', {
    get: () => {
      throw new Error('a getter of a handed-on object is never run');
    },
  });
  return instance;
}
