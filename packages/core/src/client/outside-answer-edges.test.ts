import { types } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullCapabilities } from '../../test/fake-provider.js';
import { everything, leaks } from '../../test/leak-views.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  type PlaybackProtocol,
  playbackProtocols,
  ResponseShapeError,
  type Warning,
  warningTypes,
} from '../index.js';

// The edges of a provider written outside this repository: data nested deep in `providerDetails`, a poll's
// status read once, an iterator whose `return` never settles, and a credential rotated out right after
// the client was made.

const base = (id: string): LiveStream => ({
  id,
  provider: 'outside',
  state: 'ready',
  ingest: [],
  playback: [],
  raw: {},
});

function outside(extra: Partial<LiveStreamProvider> & Record<string, unknown>): LiveStreamProvider {
  return {
    specificationVersion: 'v1',
    id: 'outside',
    capabilities: fullCapabilities,
    secrets: () => ['OutsideCredential9z8y7x'],
    create: async () => base('made1') as LiveStream,
    get: async (id: string) => base(id) as LiveStream,
    async *list() {
      yield base('listed1') as LiveStream;
    },
    update: async (id: string) => base(id) as LiveStream,
    delete: async () => {},
    start: async (id: string) => base(id) as LiveStream,
    stop: async (id: string) => base(id) as LiveStream,
    ...extra,
  } as LiveStreamProvider;
}

// Every object reachable from `value` through own data properties.
function objectsIn(value: unknown, found = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || found.has(value)) return found;
  found.add(value);
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value)))
    if ('value' in descriptor) objectsIn(descriptor.value, found);
  return found;
}

describe('the runtime lists of the neutral model', () => {
  it('name every playback protocol and warning type, once', () => {
    const protocols: Record<PlaybackProtocol, true> = {
      hls: true,
      dash: true,
      webrtc: true,
      embed: true,
      rtmp: true,
      rtsp: true,
      wowz: true,
    };
    const types: Record<Warning['type'], true> = {
      'unsupported-setting': true,
      'skipped-record': true,
      'incomplete-list': true,
      'read-back-failed': true,
      fallback: true,
      'incomplete-answer': true,
      'skipped-provider': true,
      'not-carried': true,
      'held-in-memory': true,
      other: true,
    };
    expect([...playbackProtocols].sort()).toEqual(Object.keys(protocols).sort());
    expect([...warningTypes].sort()).toEqual(Object.keys(types).sort());
  });
});

describe("an outside provider's providerDetails", () => {
  // Getters and Proxies at every depth: read once, during the call; what the caller is handed is the
  // provider's code nowhere, so its own JSON.stringify, inspection or spread runs none of it.
  it('are copied as data all the way down: each getter read once during the call, no Proxy or provider object handed on', async () => {
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(tree, fc.boolean(), async (data, proxied) => {
        let reads = 0;
        const given = new Set<object>();
        // The same data, each object of it a getter-backed object (or a Proxy) of the provider's.
        const hostile = (value: unknown): unknown => {
          if (typeof value !== 'object' || value === null) return value;
          if (Array.isArray(value)) {
            const list = value.map(hostile);
            given.add(list);
            return list;
          }
          const made: Record<string, unknown> = {};
          for (const [key, inner] of Object.entries(value)) {
            const held = hostile(inner);
            Object.defineProperty(made, key, {
              enumerable: true,
              configurable: true,
              get() {
                reads += 1;
                return held;
              },
            });
          }
          const handed = proxied ? new Proxy(made, {}) : made;
          given.add(handed);
          return handed;
        };
        const details = { outside: { data: hostile(data) } };
        const client = createLiveStreamClient(
          outside({ get: async (id: string) => ({ ...base(id), providerDetails: details }) as never }),
        );
        const got = await client.get('s1');
        const afterCall = reads;
        expect(got.providerDetails).toEqual({ outside: { data } });
        const reached = objectsIn(got.providerDetails);
        for (const object of reached) {
          expect(given.has(object)).toBe(false);
          expect(types.isProxy(object)).toBe(false);
        }
        JSON.stringify(got);
        structuredClone(got.providerDetails);
        expect(reads).toBe(afterCall);
      }),
      { numRuns: 150 },
    );
  });

  it('keep dates, of this realm or another, as dates, and a key named __proto__ as a plain field', async () => {
    const { runInNewContext } = await import('node:vm');
    const details = JSON.parse('{"outside":{"__proto__":{"polluted":1}}}') as Record<string, unknown>;
    (details.outside as Record<string, unknown>).at = [runInNewContext('new Date(1700000000000)')];
    (details.outside as Record<string, unknown>).plainOfAnotherRealm = runInNewContext('({ a: 1 })');
    const client = createLiveStreamClient(
      outside({ get: async (id: string) => ({ ...base(id), providerDetails: details }) as never }),
    );
    const got = await client.get('s1');
    const entry = got.providerDetails?.outside as Record<string, unknown>;
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(Object.hasOwn(entry, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((entry.at as Date[])[0]).toBeInstanceOf(Date);
    expect((entry.at as Date[])[0]?.getTime()).toBe(1_700_000_000_000);
    expect(entry.plainOfAnotherRealm).toEqual({ a: 1 });
  });

  it('that nest themselves, nest too deep or repeat one object past any entry are refused naming a path below it, not copied forever', async () => {
    const cycle: Record<string, unknown> = { name: 'c' };
    cycle.self = cycle;
    let tower: Record<string, unknown> = { end: true };
    for (let level = 0; level < 40; level += 1) tower = { up: tower };
    // Each level refers to the one below twice: 2^30 values read through, were it copied as a tree.
    let shared: Record<string, unknown> = { end: true };
    for (let level = 0; level < 30; level += 1) shared = { left: shared, right: shared };
    const wide = Array.from({ length: 10_000 }, () => ({
      a: 1,
      b: 2,
      c: 3,
      d: 4,
      e: 5,
      f: 6,
      g: 7,
      h: 8,
      i: 9,
    }));
    for (const data of [cycle, tower, shared, wide]) {
      const client = createLiveStreamClient(
        outside({
          get: async (id: string) => ({ ...base(id), providerDetails: { outside: { data } } }) as never,
        }),
      );
      const failed = await client.get('s1').catch((error: unknown) => error);
      expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
      const [issue] = (failed as ResponseShapeError).issues ?? [];
      expect(issue?.path.startsWith('providerDetails.outside.data.')).toBe(true);
    }
  });
});

describe('an outside answer whose read throws quoting a key it carries', () => {
  // The keys come first in the reading: a getter elsewhere in the same answer that throws quoting one shows
  // it nowhere, and the error names the field whose read threw.
  it('is a ResponseShapeError naming that field, the key nowhere, through a client, a registry, a wait and a strict walk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9]{12,24}$/),
        fc.constantFrom('providerDetails', 'state', 'playback', 'restream'),
        async (key, where) => {
          const answer = (id: string) => {
            const made: Record<string, unknown> = {
              ...base(id),
              ingest: [{ protocol: 'rtmp', url: `rtmp://h.test/live/${key}`, streamKey: key }],
            };
            const thrower = {
              get() {
                throw new Error(`cannot build the connection for ${key}`);
              },
              enumerable: true,
            };
            if (where === 'providerDetails')
              made.providerDetails = { outside: Object.defineProperty({}, 'conn', thrower) };
            else if (where === 'playback')
              made.playback = [Object.defineProperty({ protocol: 'hls' }, 'url', thrower)];
            else if (where === 'restream')
              made.restream = [Object.defineProperty({ url: 'rtmp://r.test/x' }, 'streamKey', thrower)];
            else Object.defineProperty(made, 'state', thrower);
            return made;
          };
          const path = {
            providerDetails: 'providerDetails.outside.conn',
            playback: 'playback.0.url',
            restream: 'restream.0.streamKey',
            state: 'state',
          }[where];
          const provider = () =>
            outside({
              get: async (id: string) => answer(id) as never,
              async *list() {
                yield answer('listed1') as never;
              },
            });
          const failures = [
            await createLiveStreamClient(provider())
              .get('s1')
              .catch((error: unknown) => error),
            await createLiveStreamRegistry({ providers: { o: provider() } })
              .get('o:s1')
              .catch((error: unknown) => error),
            await createLiveStreamClient(provider())
              .waitForState('s1', 'ready', { timeoutMs: 600_000 })
              .catch((error: unknown) => error),
            await createLiveStreamClient(provider())
              .list({ strict: true })
              .toArray()
              .catch((error: unknown) => error),
          ];
          for (const failed of failures) {
            expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
            expect((failed as ResponseShapeError).issues).toEqual([{ path, expected: expect.any(String) }]);
            expect(leaks(everything(failed), key)).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a wait's poll of an outside provider", () => {
  it('reads its status once: a getter that answers otherwise, or throws, the second time is not read again', async () => {
    for (const polls of ['get', 'getStatus'] as const) {
      let reads = 0;
      const answer = (id: string) => {
        const made: Record<string, unknown> = { ...base(id) };
        Object.defineProperty(made, 'state', {
          enumerable: true,
          get() {
            reads += 1;
            if (reads > 1) throw new Error('read again: OutsideCredential9z8y7x');
            return 'ready';
          },
        });
        return made;
      };
      const provider = outside(
        polls === 'get'
          ? { get: async (id: string) => answer(id) as never }
          : {
              getStatus: async (id: string) => answer(id) as never,
              get: async (id: string) => base(id) as never,
            },
      );
      const got = await createLiveStreamClient(provider).waitForState('s1', 'ready', { timeoutMs: 600_000 });
      expect(got).toMatchObject({ id: 's1', state: 'ready' });
      expect(reads).toBe(1);
    }
  });

  it('answering a broadcasting that is no boolean, or a getBroadcasting that is neither a boolean nor undefined, is a ResponseShapeError at that poll', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<unknown>('yes', 'true', 1, 0, null, {}, []),
        fc.constantFrom('status', 'getBroadcasting'),
        fc.constantFrom('waitForState', 'waitForBroadcast'),
        async (odd, where, wait) => {
          const provider = outside(
            where === 'status'
              ? {
                  getStatus: async () => ({ state: 'ready', broadcasting: odd, raw: {} }) as never,
                  capabilities: { ...fullCapabilities, broadcastingStatus: true },
                }
              : {
                  getStatus: async () => ({ state: 'ready', raw: {} }) as never,
                  getBroadcasting: async () => odd as never,
                  capabilities: { ...fullCapabilities, broadcastingStatus: false },
                },
          );
          const client = createLiveStreamClient(provider);
          // getBroadcasting is asked by waitForBroadcast alone.
          if (where === 'getBroadcasting' && wait === 'waitForState') return;
          const failed = await (wait === 'waitForState'
            ? client.waitForState('s1', 'ready', { timeoutMs: 600_000 })
            : client.waitForBroadcast('s1', { timeoutMs: 600_000 })
          ).catch((error: unknown) => error);
          expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
          expect(failed).toMatchObject({
            provider: 'outside',
            operation: wait,
            issues: [{ path: where === 'status' ? 'broadcasting' : '$' }],
          });
          // The provider's text is never quoted: it may hold anything.
          if (typeof odd === 'string') expect((failed as Error).message).not.toContain(odd);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a list walk of an outside provider whose iterator's return never settles", () => {
  it('ends when the caller breaks out and its signal fires, keeping what toArray collected, through a client and a registry', async () => {
    for (const via of ['client', 'registry'] as const)
      for (const how of ['break', 'toArray', 'aborted before break'] as const) {
        let returns = 0;
        let returned: () => void = () => {};
        const returnCalled = new Promise<void>((resolve) => {
          returned = resolve;
        });
        const provider = outside({
          list: () => ({
            [Symbol.asyncIterator]() {
              let index = 0;
              return {
                next: async () => ({ done: false, value: base(`s${index++}`) }),
                return: () => {
                  returns += 1;
                  returned();
                  return new Promise(() => {});
                },
              };
            },
          }),
        });
        const target =
          via === 'client'
            ? createLiveStreamClient(provider)
            : createLiveStreamRegistry({ providers: { o: provider } });
        const controller = new AbortController();
        const walk = target.list({ signal: controller.signal });
        // Fired once the provider's return has been asked for: the walk waits on it until then.
        void returnCalled.then(() => controller.abort(new Error('caller gave up')));
        let outcome: unknown;
        if (how === 'toArray') outcome = await walk.toArray({ limit: 2 });
        else {
          const seen: string[] = [];
          for await (const stream of walk) {
            seen.push(stream.id);
            if (how === 'aborted before break') controller.abort(new Error('caller gave up'));
            break;
          }
          outcome = seen;
        }
        expect(
          (outcome as LiveStream[] | string[]).map((item) => (typeof item === 'string' ? item : item.id)),
          `${via} ${how}`,
        ).toEqual(how === 'toArray' ? ['s0', 's1'] : ['s0']);
        expect(returns, `${via} ${how}`).toBe(1);
      }
  });
});

describe('a credential an outside provider rotates right after the client was made', () => {
  it('stays hidden in what the provider throws later, through a client and a registry', async () => {
    const old = 'OldCredentialAbc123456789';
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('client', 'registry'),
        async (listed, via) => {
          let asked = 0;
          const provider = outside({
            // Listed for its first `listed` answers, then another in its place.
            secrets: () => (asked++ < listed ? [old] : ['NewCredentialZyx987654321']),
            get: async () => {
              throw new Error(`a late answer quoting ${old}`);
            },
          });
          const failed =
            via === 'client'
              ? await createLiveStreamClient(provider)
                  .get('s1')
                  .catch((error: unknown) => error)
              : await createLiveStreamRegistry({ providers: { o: provider } })
                  .get('o:s1')
                  .catch((error: unknown) => error);
          expect(failed).toBeInstanceOf(Error);
          expect(leaks(everything(failed), old)).toEqual([]);
        },
      ),
      { numRuns: 24 },
    );
  });
});
