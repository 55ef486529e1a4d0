import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notATime } from '../../test/clock-answers.js';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { BroadcastFeeds } from './broadcast-feeds.js';
import { jsonBounds, maxEventDepth } from './copy-event.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { createWebhookHandler } from './webhook-handler.js';
import { parseWebhookJson, readWebhookBody, webhookClock } from './webhook-input.js';

// What the hub and the webhook intake bound: how deep a payload nests, what a filter and a clock may be,
// what a deletion and a feed mean for what the hub remembers.

const encoder = new TextEncoder();

const event = (fields: Partial<LiveStreamEvent> & { id: string }): LiveStreamEvent => ({
  type: 'live_stream.connected',
  provider: 'liveapi',
  streamId: 's1',
  occurredAt: new Date(Date.UTC(2026, 10, 29, 12)),
  raw: {},
  ...fields,
});

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 29, 12) + seconds * 1000);

type Wrap = 'array' | 'object' | 'map' | 'set';

// A value `levels` containers deep (1: the container alone), each level wrapped as `wraps` says in turn,
// the outermost an object (as an event's `data` is).
function nested(levels: number, wraps: readonly Wrap[]): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) {
    const wrap = level === levels - 1 ? 'object' : wraps[level % wraps.length];
    value =
      wrap === 'array'
        ? [value]
        : wrap === 'map'
          ? new Map([['k', value]])
          : wrap === 'set'
            ? new Set([value])
            : { k: value };
  }
  return value;
}

// The depth of a parsed JSON value: 1 for an object or array, each one inside another one more.
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('the depth of an event', () => {
  it('publish refuses a raw or data nested beyond 64 levels, naming the field, and publishes none of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 * maxEventDepth }),
        fc.array(fc.constantFrom<Wrap>('array', 'object', 'map', 'set'), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('raw', 'data'),
        async (levels, wraps, field) => {
          const hub = createEventHub();
          const subscription = hub.subscribe();
          const deep = event({ id: 'deep', [field]: nested(levels, wraps) });
          const batch = [event({ id: 'first' }), deep];
          if (levels <= maxEventDepth) {
            expect(hub.publish(batch)).toBe(2);
          } else {
            const error = (() => {
              try {
                hub.publish(batch);
              } catch (caught) {
                return caught;
              }
              return undefined;
            })();
            expect(error).toBeInstanceOf(InvalidInputError);
            expect((error as InvalidInputError).message).toContain(
              `entry 1: ${field} is nested more than 64`,
            );
            expect(hub.latest({ provider: 'liveapi', streamId: 's1' })).toEqual([]);
            // Nothing of the batch was published: the next event is the first the subscriber gets.
            hub.publish(event({ id: 'after' }));
            const next = await subscription[Symbol.asyncIterator]().next();
            expect(next.value?.id).toBe('after');
          }
        },
      ),
    );
  });

  it('counts a shared value or a cycle where the copy first meets it: the copy keeps cycles, whatever their length', async () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    const hub = createEventHub();
    const subscription = hub.subscribe();
    hub.publish(event({ id: 'c', raw: cycle }));
    const next = await subscription[Symbol.asyncIterator]().next();
    const raw = next.value?.raw as Record<string, unknown>;
    expect(raw.self).toBe(raw);
    expect(raw).not.toBe(cycle);
  });

  it('jsonBounds finds a JSON text deep exactly when its nesting passes the limit, brackets inside strings not counted', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonBounds(text, limit, 1_000_000)).toBe(depthOf(value) > limit ? 'deep' : undefined);
      }),
    );
    expect(jsonBounds('{"a":"[[[{{\\"]]"}', 1, 100)).toBeUndefined();
    expect(jsonBounds('{"a":"[[[{{\\"]]","b":[]}', 1, 100)).toBe('deep');
  });

  it('parseWebhookJson refuses a body nested beyond 64 levels as malformed-body, before parsing it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('[', '{"a":'),
        fc.boolean(),
        (levels, open, wrapped) => {
          const close = open === '[' ? ']' : '}';
          // The top-level object is level 1; the rest nests inside one of its fields.
          const inner = `${open.repeat(levels - 1)}1${close.repeat(levels - 1)}`;
          const text = levels === 1 ? '{"x":1}' : `{"x":${inner}}`;
          const body = encoder.encode(wrapped ? `  ${text}\n` : text);
          if (levels <= maxEventDepth) {
            expect(depthOf(parseWebhookJson(body, 'test'))).toBe(levels);
          } else {
            expect(() => parseWebhookJson(body, 'test')).toThrow(
              expect.objectContaining({ reason: 'malformed-body' }),
            );
          }
        },
      ),
    );
  });

  it('the handler answers 400 malformed-body to a body nested millions deep, and no subscriber hears of it', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const handler = createWebhookHandler({
      hub,
      parse: async (input) => {
        const json = parseWebhookJson(readWebhookBody(input.body, 'test'), 'test');
        return [event({ id: 'from-body', raw: json })];
      },
    });
    const depth = 2_000_000;
    const body = `{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    const response = await handler.handleWebhook(
      new Request('https://app.example/w', { method: 'POST', body }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'malformed-body' });
    hub.publish(event({ id: 'after' }));
    expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('after');
    expect(WebhookVerificationError.kind).toBe('WebhookVerificationError');
  });
});

describe('the filter of a subscription', () => {
  it('is refused when it is neither left out nor an object, or a field is of the wrong kind', () => {
    const hub = createEventHub();
    const wrong = fc.oneof(
      fc.constantFrom<unknown>(null, 'x', 5, true, [], () => undefined),
      fc.record({ provider: fc.oneof(fc.integer(), fc.object(), fc.boolean()) }),
      fc.record({ streamId: fc.oneof(fc.integer(), fc.object(), fc.constant(null)) }),
      fc.record({
        types: fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { minLength: 1 })),
      }),
    );
    fc.assert(
      fc.property(wrong, (filter) => {
        expect(() => hub.subscribe(filter as never)).toThrow(InvalidInputError);
      }),
    );
  });

  it('is refused naming the filter, with the thrown error as cause, when a getter or a Proxy in it throws', () => {
    const hub = createEventHub();
    const thrown = new Error('getter failed');
    // Where the throw is met: a field's getter, the object's own keys (a Proxy), a getter on a `types`
    // item, or a `types` list that is a Proxy whose reads throw.
    const where = fc.constantFrom(
      'provider',
      'streamId',
      'types',
      'extra',
      'proxy keys',
      'proxy get',
      'types item',
      'types proxy',
    );
    fc.assert(
      fc.property(where, (at) => {
        const fail = () => {
          throw thrown;
        };
        let filter: unknown;
        if (at === 'proxy keys') filter = new Proxy({}, { ownKeys: fail });
        else if (at === 'proxy get') filter = new Proxy({ provider: 'liveapi' }, { get: fail });
        else if (at === 'types item') {
          const types = ['live_stream.connected'];
          Object.defineProperty(types, 0, { get: fail, enumerable: true });
          filter = { types };
        } else if (at === 'types proxy') filter = { types: new Proxy([], { get: fail }) };
        else filter = Object.defineProperty({}, at, { get: fail, enumerable: true });
        let caught: unknown;
        try {
          hub.subscribe(filter as never);
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), `${at}: ${fc.stringify(caught)}`).toBe(true);
        const path = at === 'types item' || at === 'types proxy' ? 'filter.types' : 'filter';
        expect(caught).toMatchObject({
          operation: 'subscribe',
          message: `event hub subscribe: ${path} could not be read (a getter or a Proxy in it threw)`,
          issues: [{ path, message: 'could not be read (a getter or a Proxy in it threw)' }],
          cause: { message: 'getter failed' },
        });
      }),
    );
  });

  it('is read once, at subscribe: a types list changed afterwards filters as it was', async () => {
    const hub = createEventHub();
    const types: string[] = ['live_stream.connected'];
    const subscription = hub.subscribe({ types: types as never });
    types.length = 0;
    types.push('live_stream.deleted');
    hub.publish([event({ id: 'a', type: 'live_stream.deleted' }), event({ id: 'b' })]);
    expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('b');
  });

  it('takes every well-formed filter, and it filters', async () => {
    const hub = createEventHub();
    for (const filter of [undefined, {}, { provider: 'liveapi' }, { streamId: 's1', types: [] }]) {
      expect(() => hub.subscribe(filter as never).close()).not.toThrow();
    }
    const none = hub.subscribe({ types: [] });
    const one = hub.subscribe({ streamId: 's1', types: ['live_stream.connected'] });
    hub.publish([event({ id: 'a', streamId: 's2' }), event({ id: 'b' })]);
    none.close();
    expect((await one[Symbol.asyncIterator]().next()).value?.id).toBe('b');
    const after = [];
    for await (const each of none) after.push(each);
    expect(after).toEqual([]);
  });
});

describe('what the hub remembers after a deletion', () => {
  it('an event dated no later than the deletion never brings the stream back, however late it arrives or the deletion is re-sent', () => {
    const step = fc.record({
      seconds: fc.integer({ min: -50, max: 50 }),
      kind: fc.constantFrom('on', 'off', 'deleted'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), fc.nat(), (steps, resend) => {
        const hub = createEventHub();
        const events = steps.map(({ seconds, kind }, index) =>
          event({
            id: `e${index}`,
            type:
              kind === 'deleted'
                ? 'live_stream.deleted'
                : kind === 'on'
                  ? 'live_stream.connected'
                  : 'live_stream.disconnected',
            ...(kind === 'deleted' ? {} : { broadcasting: kind === 'on' }),
            occurredAt: at(seconds),
          }),
        );
        const deletions = events.filter((each) => each.type === 'live_stream.deleted');
        // A vendor re-sending one of the deletions (same id): dropped as a copy, and harmless.
        const resent = deletions[resend % Math.max(1, deletions.length)];
        for (const each of events) hub.publish(each);
        if (resent) hub.publish(resent);
        const deletedAt = Math.max(...deletions.map((each) => each.occurredAt.getTime()));
        const kept = events.filter(
          (each) => each.broadcasting !== undefined && each.occurredAt.getTime() > deletedAt,
        );
        // The newest by time; of equal times, the one published last.
        const expected = kept.reduce<LiveStreamEvent | undefined>(
          (best, each) => (!best || each.occurredAt.getTime() >= best.occurredAt.getTime() ? each : best),
          undefined,
        );
        const latest = hub.latest({ provider: 'liveapi', streamId: 's1' });
        expect(latest.map((each) => each.id)).toEqual(expected ? [expected.id] : []);
      }),
    );
  });
});

describe('feeds', () => {
  const feedEvent = (index: number, feed: string | undefined, seconds: number, on: boolean) =>
    event({
      id: `f${index}`,
      type: on ? 'live_stream.connected' : 'live_stream.disconnected',
      broadcasting: on,
      occurredAt: at(seconds),
      ...(feed === undefined ? {} : { data: { feedId: feed } }),
    });

  it('video arrives while the newest event of any feed says so, whatever the order of arrival', () => {
    const step = fc.record({
      feed: fc.constantFrom('f1', 'f2', 'f3'),
      seconds: fc.integer({ min: 0, max: 20 }),
      on: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 15 }), (steps) => {
        const events = steps.map(({ feed, seconds, on }, index) => feedEvent(index, feed, seconds, on));
        const feeds = new BroadcastFeeds();
        const hub = createEventHub();
        for (const each of events) {
          feeds.hear(each);
          hub.publish(each);
        }
        const newestOfFeed = new Map<string, LiveStreamEvent>();
        for (const each of events) {
          const feed = (each.data as { feedId: string }).feedId;
          const held = newestOfFeed.get(feed);
          if (!held || each.occurredAt.getTime() >= held.occurredAt.getTime()) newestOfFeed.set(feed, each);
        }
        const expected = [...newestOfFeed.values()].some((each) => each.broadcasting === true);
        expect(feeds.broadcasting()).toBe(expected);
        // The hub keeps one event per feed, so a wait that begins later hears the same.
        const remembered = new BroadcastFeeds();
        for (const each of hub.latest({ provider: 'liveapi', streamId: 's1' })) remembered.hear(each);
        expect(remembered.broadcasting()).toBe(expected);
        expect(
          hub
            .latest({ provider: 'liveapi', streamId: 's1' })
            .map((each) => each.id)
            .sort(),
        ).toEqual([...newestOfFeed.values()].map((each) => each.id).sort());
      }),
    );
  });

  it('an event without a feed id speaks for the whole stream: older feed events stop counting', () => {
    const feeds = new BroadcastFeeds();
    feeds.hear(feedEvent(1, 'f1', 1, true));
    feeds.hear(feedEvent(2, undefined, 2, false));
    expect(feeds.broadcasting()).toBe(false);
    // An older feed event arriving late changes nothing; a newer one counts.
    feeds.hear(feedEvent(3, 'f2', 1, true));
    expect(feeds.broadcasting()).toBe(false);
    feeds.hear(feedEvent(4, 'f2', 3, true));
    expect(feeds.broadcasting()).toBe(true);
    // Without feed ids, the newest event alone decides, as before.
    const whole = new BroadcastFeeds();
    whole.hear(feedEvent(5, undefined, 5, true));
    whole.hear(feedEvent(6, undefined, 4, false));
    expect(whole.broadcasting()).toBe(true);
  });
});

describe('a clock that throws', () => {
  it('refuses a webhook parse with InvalidInputError naming clock, its error the cause, never the raw error', () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        const clock = webhookClock('test', () => {
          throw thrown;
        });
        let caught: unknown;
        try {
          clock();
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), fc.stringify(caught)).toBe(true);
        expect(caught).toMatchObject({
          provider: 'test',
          operation: 'parseWebhook',
          message:
            'test webhook: clock threw instead of returning a number of ms since the epoch (see cause)',
          issues: [{ path: 'clock' }],
        });
        // What was thrown is the cause, reduced as every cause is (nothing at all when it threw undefined).
        if (thrown !== undefined)
          expect((caught as InvalidInputError).cause, fc.stringify(thrown)).toBeInstanceOf(Error);
      }),
    );
  });

  it('refuses a hub publish with InvalidInputError naming clock, publishing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (thrown) => {
        let fail = true;
        const hub = createEventHub({
          clock: () => {
            if (fail) throw thrown;
            return Date.UTC(2026, 10, 29, 12);
          },
        });
        const subscription = hub.subscribe();
        let caught: unknown;
        try {
          hub.publish(event({ id: 'a' }));
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), fc.stringify(caught)).toBe(true);
        expect(caught).toMatchObject({
          operation: 'publish',
          message: 'event hub publish: clock threw instead of returning the time (see cause)',
          issues: [{ path: 'clock' }],
        });
        // Nothing of the refused batch was kept: the same event is new once the clock answers.
        fail = false;
        expect(hub.publish(event({ id: 'a' }))).toBe(1);
        expect((await subscription[Symbol.asyncIterator]().next()).value?.id).toBe('a');
        hub.close();
      }),
    );
  });

  it('refuses a hub whose options cannot be read, naming the option', () => {
    for (const name of ['clock', 'bufferSize']) {
      const options = Object.defineProperty({}, name, {
        get: () => {
          throw new Error('getter failed');
        },
        enumerable: true,
      });
      expect(() => createEventHub(options)).toThrow(
        expect.objectContaining({
          name: 'InvalidInputError',
          issues: [expect.objectContaining({ path: name })],
        }),
      );
    }
  });
});

describe('the clock of a webhook parse', () => {
  it('answers what a clock that returns a finite number a Date holds returns', () => {
    fc.assert(
      fc.property(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }), (now) => {
        expect(webhookClock('test', () => now)()).toBe(now);
      }),
    );
  });

  it('refuses any other answer with InvalidInputError naming clock, never an Invalid Date or a TypeError', () => {
    fc.assert(
      fc.property(notATime, (answer) => {
        const clock = webhookClock('test', () => answer as number);
        let caught: unknown;
        try {
          clock();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(InvalidInputError);
        expect((caught as InvalidInputError).issues).toEqual([expect.objectContaining({ path: 'clock' })]);
      }),
    );
  });
});

describe('a filter or hub options that would be read as something else', () => {
  const refusedWith = (run: () => unknown): InvalidInputError => {
    try {
      run();
    } catch (error) {
      if (InvalidInputError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected InvalidInputError');
  };

  it('refuses a Map, a class instance or a misspelt field as a filter, rather than receive every event', () => {
    const hub = createEventHub();
    class Filter {
      provider = 'liveapi';
    }
    const misspelt = fc
      .tuple(fc.constantFrom('provider', 'streamId', 'types'), fc.stringMatching(/^[a-z0-9_]{1,3}$/))
      .map(([name, extra]) => `${name}${extra}`)
      .filter((name) => !['provider', 'streamId', 'types'].includes(name) && name !== '__proto__');
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom<unknown>('map', 'class'), misspelt), (kind) => {
        const filter =
          kind === 'map'
            ? new Map([['provider', 'liveapi']])
            : kind === 'class'
              ? new Filter()
              : { [kind as string]: 'liveapi' };
        const refused = refusedWith(() => hub.subscribe(filter as never));
        expect(refused.operation).toBe('subscribe');
        if (kind === 'map' || kind === 'class') {
          expect(refused.issues).toEqual([
            {
              path: 'filter',
              message: expect.stringContaining(kind === 'map' ? 'not a Map' : 'not an instance of Filter'),
            },
          ]);
        } else {
          expect(refused.issues).toEqual([
            { path: `filter.${kind as string}`, message: expect.stringContaining('is no filter field') },
          ]);
        }
      }),
    );
    expect(refusedWith(() => hub.subscribe({ provder: 'liveapi' } as never)).issues).toEqual([
      { path: 'filter.provder', message: 'is no filter field; did you mean "provider"?' },
    ]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(refusedWith(() => hub.subscribe(proxy as never)).issues).toEqual([
      { path: 'filter', message: 'could not be read (a getter or a Proxy in it threw)' },
    ]);
  });

  it('refuses hub options given as a Map, a misspelt name or null, rather than ignore them', () => {
    expect(
      refusedWith(() => createEventHub(new Map([['bufferSize', -5]]) as never)).issues[0]?.message,
    ).toContain('not a Map');
    expect(refusedWith(() => createEventHub({ bufferSiz: 5 } as never)).issues).toEqual([
      { path: 'bufferSiz', message: 'unknown option; did you mean "bufferSize"?' },
    ]);
    expect(refusedWith(() => createEventHub(null as never)).issues).toEqual([
      { path: 'options', message: 'expected an object' },
    ]);
  });
});
