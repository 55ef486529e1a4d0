import { types } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { AbortError, InvalidInputError, NotFoundError, ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { idProblem } from '../ids.js';
import { invalidInput } from '../inputs.js';
import type { LiveStream } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { parseStreamReference } from './references.js';
import { createLiveStreamRegistry } from './registry.js';

async function caught(run: () => Promise<unknown>): Promise<UniliveError> {
  try {
    await run();
  } catch (error) {
    if (UniliveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const nameArbitrary = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
const idArbitrary = fc.stringMatching(/^[A-Za-z0-9_~.-]{1,128}$/).filter((id) => idProblem(id) === undefined);

describe('a stream the registry returned is its own reference', () => {
  it('reaches the account that made it, though its provider is the vendor id another account is named by', async () => {
    // Two accounts of one vendor, the first named after the vendor: `stream.provider` is `liveapi` for both.
    const first = fakeProvider('liveapi');
    const backup = fakeProvider('liveapi');
    const registry = createLiveStreamRegistry({
      providers: { liveapi: first.provider, backup: backup.provider },
    });
    const stream = await registry.create({ name: 'on backup' }, { provider: 'backup' });
    expect(stream.provider).toBe('liveapi');
    expect(stream.ref).toBe(`backup:${stream.id}`);

    expect((await registry.get(stream)).ref).toBe(stream.ref);
    expect((await registry.update(stream, { name: 'renamed' })).name).toBe('renamed');
    await registry.delete(stream);
    expect(backup.calls).toEqual([
      'create',
      `get ${stream.id}`,
      `update ${stream.id}`,
      `delete ${stream.id}`,
    ]);
    expect(first.calls).toEqual([]);
  });

  it("a stream a provider's own client returned (no ref) reaches its vendor's one account, and is refused where two serve it", async () => {
    const calls = ['get', 'update', 'delete', 'start', 'stop'] as const;
    for (const call of calls) {
      // Two accounts of one vendor, the first named after it: the stream read through `backup`'s own client.
      const first = fakeProvider('liveapi');
      const backup = fakeProvider('liveapi');
      const two = createLiveStreamRegistry({
        providers: { liveapi: first.provider, backup: backup.provider },
      });
      const made = await two.create({ name: 'on backup' }, { provider: 'backup' });
      const { ref: _ref, ...plain } = made;
      const stream = await two.client('backup').get(plain.id);
      expect(Object.hasOwn(stream, 'ref')).toBe(false);
      first.calls.length = 0;
      backup.calls.length = 0;
      const run = (reference: LiveStream) =>
        call === 'update'
          ? two.update(reference as never, { name: 'renamed' })
          : (two[call] as (reference: LiveStream) => Promise<unknown>)(reference);
      const error = await caught(() => run(stream));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toBe(
        `Invalid input for ${call}: reference.provider: a stream without its ref names its vendor, liveapi, which 2 providers of this registry serve (liveapi, backup); pass its reference ("<name>:<id>") or the stream the registry returned, which carries one`,
      );
      expect(error.delivery).toBe('not-sent');
      // Neither account was asked: the one named after the vendor may hold a stream of the same id.
      expect([...first.calls, ...backup.calls]).toEqual([]);

      // One account of the vendor, under a name of its own: the stream reaches it.
      const only = fakeProvider('liveapi');
      const one = createLiveStreamRegistry({ providers: { eu: only.provider } });
      const created = await one.client('eu').create({ name: 'eu stream' });
      only.calls.length = 0;
      const reached = await (call === 'update'
        ? one.update(created as never, { name: 'renamed' })
        : (one[call] as (reference: LiveStream) => Promise<{ ref?: string } | undefined>)(created));
      expect(only.calls.some((line) => line === `${call} ${created.id}`)).toBe(true);
      if (call !== 'delete') expect((reached as { ref: string }).ref).toBe(`eu:${created.id}`);
    }
  });

  it('a hand-written { provider, id } still names the registry entry, whatever vendor it serves', async () => {
    const first = fakeProvider('liveapi');
    const backup = fakeProvider('liveapi');
    const registry = createLiveStreamRegistry({
      providers: { liveapi: first.provider, backup: backup.provider },
    });
    const made = await registry.create({ name: 'on backup' }, { provider: 'backup' });
    backup.calls.length = 0;
    await registry.get({ provider: 'backup', id: made.id });
    expect(backup.calls).toEqual([`get ${made.id}`]);
    expect(first.calls).toEqual([]);
  });

  it('an object with ref is read by its ref alone, for any names and ids', () => {
    fc.assert(
      fc.property(nameArbitrary, idArbitrary, fc.string(), (name, id, vendor) => {
        const ref = `${name}:${id}`;
        expect(parseStreamReference({ ref, id, provider: vendor })).toEqual({ provider: name, id });
        expect(parseStreamReference({ ref })).toEqual({ provider: name, id });
      }),
    );
  });

  it('a ref whose id is not the id beside it, or that is no string, is refused without echoing it', () => {
    fc.assert(
      fc.property(nameArbitrary, idArbitrary, idArbitrary, (name, id, other) => {
        fc.pre(id !== other);
        const error = (() => {
          try {
            parseStreamReference({ ref: `${name}:${id}`, id: other }, 'get');
          } catch (thrown) {
            return thrown;
          }
        })();
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'reference.id', message: 'expected the id in reference.ref' },
        ]);
        // A fixed message: neither id is echoed.
        expect((error as Error).message).toBe(
          'Invalid input for get: reference.id: expected the id in reference.ref',
        );
      }),
    );
    for (const ref of [42, null, {}, ['a:b']]) {
      expect(() => parseStreamReference({ ref })).toThrow('reference.ref: expected a string');
    }
  });
});

describe("the caller's routing.choose", () => {
  it('whatever it throws is a typed error saying nothing was sent, with nothing sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.boolean(), async (thrown, async) => {
        const a = fakeProvider('vendor-a');
        const b = fakeProvider('vendor-b');
        const registry = createLiveStreamRegistry({
          providers: { a: a.provider, b: b.provider },
          routing: {
            choose: async
              ? async () => {
                  throw thrown;
                }
              : () => {
                  throw thrown;
                },
          },
        });
        const error = await caught(() => registry.create({ name: 'x' }));
        expect(error.constructor).toBe(UniliveError);
        expect(error).toMatchObject({ operation: 'create', delivery: 'not-sent', maybeCreated: false });
        expect(error.message).toMatch(/^routing\.choose failed \([^)]*\); nothing was sent: see cause$/);
        // The caller's own error is the cause (a thrown non-Error is wrapped, as every cause is).
        if (thrown instanceof Error) expect(error.cause).toBe(thrown);
        else if (thrown !== undefined) expect(error.cause).toBeInstanceOf(Error);
        expect([...a.calls, ...b.calls]).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('an answer whose reading throws is the same typed error as a throw, nothing sent, sync or async', async () => {
    // What `choose` answers is read inside the wrapping its throws get: an array Proxy whose `length` or an
    // index throws, an answer whose `then` throws (read when it is awaited), a revoked Proxy. The caller's own
    // error never leaves `create` as thrown.
    type Hostile = 'length' | 'index' | 'then' | 'every trap' | 'revoked array' | 'revoked object';
    const hostile = (kind: Hostile, thrown: unknown, index: number): unknown => {
      const list = ['a', 'b'];
      const throwing = (key: PropertyKey) =>
        kind === 'length'
          ? key === 'length'
          : kind === 'index'
            ? key === String(index)
            : kind === 'then'
              ? key === 'then'
              : kind === 'every trap';
      if (kind === 'revoked array' || kind === 'revoked object') {
        const revocable = Proxy.revocable(kind === 'revoked array' ? list : {}, {});
        revocable.revoke();
        return revocable.proxy;
      }
      return new Proxy(list, {
        get(target, key, receiver) {
          if (throwing(key)) throw thrown;
          return Reflect.get(target, key, receiver);
        },
        ...(kind === 'every trap'
          ? {
              getPrototypeOf() {
                throw thrown;
              },
              has() {
                throw thrown;
              },
              ownKeys() {
                throw thrown;
              },
              getOwnPropertyDescriptor() {
                throw thrown;
              },
            }
          : {}),
      });
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Hostile>('length', 'index', 'then', 'every trap', 'revoked array', 'revoked object'),
        fc.constantFrom(0, 1),
        fc.boolean(),
        fc.oneof(fc.constant(new Error('caller trap')), fc.anything()),
        async (kind, index, synchronous, thrown) => {
          const a = fakeProvider('vendor-a');
          const b = fakeProvider('vendor-b');
          const registry = createLiveStreamRegistry({
            providers: { a: a.provider, b: b.provider },
            routing: {
              choose: (synchronous
                ? () => hostile(kind, thrown, index)
                : async () => hostile(kind, thrown, index)) as never,
            },
          });
          const said = `${kind} ${index} ${synchronous ? 'sync' : 'async'}`;
          const error = await caught(() => registry.create({ name: 'x' }));
          expect(error.constructor, said).toBe(UniliveError);
          expect(error, said).toMatchObject({
            operation: 'create',
            delivery: 'not-sent',
            maybeCreated: false,
          });
          expect(error.message, said).toMatch(
            /^routing\.choose failed \([^)]*\); nothing was sent: see cause$/,
          );
          // The caller's own error is the cause (kept as a copy, as every cause is).
          if (!kind.startsWith('revoked') && thrown instanceof Error)
            expect((error.cause as Error).message, said).toBe(thrown.message);
          expect([...a.calls, ...b.calls], said).toEqual([]);
        },
      ),
      {
        numRuns: 60,
        // Each way of throwing at least once, sync and async: the ones that escaped as thrown among them.
        examples: [
          ['length', 0, true, new Error('caller length trap')],
          ['index', 0, true, new Error('caller index trap')],
          ['index', 1, false, new Error('caller index trap')],
          ['then', 0, true, new Error('caller then trap')],
          ['every trap', 0, false, new Error('caller get trap')],
          ['revoked array', 0, true, undefined],
          ['revoked object', 0, false, undefined],
        ],
      },
    );
  });

  it('a list is read once by length and index: its iterator is never asked, a length past the candidates is no choice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(['b'], ['b', 'a'], ['a']),
        fc.boolean(),
        fc.constantFrom(3, 2 ** 32 - 1, Number.NaN, -1, 1.5),
        async (names, synchronous, badLength) => {
          const reads: PropertyKey[] = [];
          const answer = (length?: number) =>
            new Proxy([...names], {
              get(target, key, receiver) {
                reads.push(key);
                if (key === Symbol.iterator) throw new Error('caller iterator trap');
                if (key === 'length' && length !== undefined) return length;
                return Reflect.get(target, key, receiver);
              },
            });
          const registryAnswering = (length?: number) => {
            const a = fakeProvider('vendor-a');
            const b = fakeProvider('vendor-b');
            const registry = createLiveStreamRegistry({
              providers: { a: a.provider, b: b.provider },
              routing: {
                choose: (synchronous ? () => answer(length) : async () => answer(length)) as never,
              },
            });
            return { registry, calls: () => [...a.calls, ...b.calls] };
          };
          const good = registryAnswering();
          const stream = await good.registry.create({ name: 'x' });
          expect(stream.routing.candidates).toEqual(names);
          expect(reads).not.toContain(Symbol.iterator);
          expect(reads.filter((key) => key === 'length')).toHaveLength(1);

          const bad = registryAnswering(badLength);
          const error = await caught(() => bad.registry.create({ name: 'x' }));
          expect(InvalidInputError.isInstance(error), error.message).toBe(true);
          expect(error).toMatchObject({ delivery: 'not-sent', maybeCreated: false });
          expect(error.message).toMatch(/^routing\.choose returned no usable choice/);
          expect(bad.calls()).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("a choice that never settles ends with the caller's signal, nothing sent", async () => {
    const a = fakeProvider('vendor-a');
    const registry = createLiveStreamRegistry({
      providers: { a: a.provider },
      routing: { choose: () => new Promise<string>(() => {}) },
    });
    const controller = new AbortController();
    const pending = caught(() => registry.create({ name: 'x' }, { signal: controller.signal }));
    controller.abort(new Error('shutting down'));
    const error = await pending;
    expect(AbortError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      message: 'create was aborted',
      delivery: 'not-sent',
      maybeCreated: false,
      cause: { message: 'shutting down' },
    });
    const already = await caught(() => registry.create({ name: 'y' }, { signal: controller.signal }));
    expect(AbortError.isInstance(already)).toBe(true);
    expect(a.calls).toEqual([]);
  });

  it('a signal fired while choose decides ends the create naming no provider, whatever choose then does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        // When the signal fires: at once in choose (before any await), or after a turn of it.
        fc.constantFrom('at once' as const, 'after a turn' as const),
        // What choose then does: name a provider, list them, answer nonsense, or throw.
        fc.constantFrom('a', ['b', 'a'], 'nowhere', 'throws'),
        fc.option(fc.string(), { nil: undefined }),
        async (synchronous, when, answer, reason) => {
          const a = fakeProvider('vendor-a');
          const b = fakeProvider('vendor-b');
          const controller = new AbortController();
          const decide = () => {
            if (answer === 'throws') throw new Error('choose failed');
            return answer;
          };
          const choose =
            synchronous && when === 'at once'
              ? () => {
                  controller.abort(reason);
                  return decide();
                }
              : async () => {
                  if (when === 'at once') controller.abort(reason);
                  await Promise.resolve();
                  if (when === 'after a turn') controller.abort(reason);
                  await Promise.resolve();
                  return decide();
                };
          const registry = createLiveStreamRegistry({
            providers: { a: a.provider, b: b.provider },
            routing: { choose: choose as never },
          });
          const error = await caught(() => registry.create({ name: 'x' }, { signal: controller.signal }));
          const said = `${synchronous ? 'sync' : 'async'} ${when} ${JSON.stringify(answer)}: ${error.message}`;
          expect(AbortError.isInstance(error), said).toBe(true);
          expect(error, said).toMatchObject({
            message: 'create was aborted',
            operation: 'create',
            delivery: 'not-sent',
            maybeCreated: false,
          });
          expect(error.providerName, said).toBeUndefined();
          expect(error.provider, said).toBeUndefined();
          expect([...a.calls, ...b.calls], said).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("ends with the caller's signal when Object.prototype carries listener options", async () => {
    // Node reads `signal`, `once`, `capture` and `passive` from addEventListener's options through their
    // prototype: a polluted `signal` made the wait on the signal throw, as a failure of choose.
    for (const key of ['signal', 'once', 'capture', 'passive']) {
      const a = fakeProvider('vendor-a');
      let chosen = () => {};
      const asked = new Promise<void>((resolve) => (chosen = resolve));
      const registry = createLiveStreamRegistry({
        providers: { a: a.provider },
        routing: {
          choose: () => {
            chosen();
            return new Promise<string>(() => {});
          },
        },
      });
      const controller = new AbortController();
      Object.defineProperty(Object.prototype, key, { value: { a: 1 }, configurable: true, writable: true });
      let pending: Promise<UniliveError>;
      try {
        pending = caught(() => registry.create({ name: 'x' }, { signal: controller.signal }));
        await asked;
      } finally {
        delete (Object.prototype as Record<string, unknown>)[key];
      }
      controller.abort(new Error('shutting down'));
      const error = await pending;
      expect(AbortError.isInstance(error), `${key}: ${error.message}`).toBe(true);
      expect(error).toMatchObject({ delivery: 'not-sent', maybeCreated: false });
      expect(a.calls).toEqual([]);
    }
  });

  it('can change neither the input that is sent nor the capabilities later routing reads', async () => {
    const a = fakeProvider('vendor-a', { capabilities: { ingestProtocols: ['rtmp'] } });
    const b = fakeProvider('vendor-b', { capabilities: { ingestProtocols: ['rtmp'] } });
    const attempts: string[] = [];
    const registry = createLiveStreamRegistry({
      providers: { a: a.provider, b: b.provider },
      routing: {
        choose: (candidates, input) => {
          for (const change of [
            () => {
              (input as { name: string }).name = 'changed';
            },
            () => {
              (input.restream as unknown[]).push({ url: 'rtmp://elsewhere.test/x', streamKey: 'k' });
            },
            () => {
              (candidates as unknown[]).push({ name: 'c' });
            },
            () => {
              const [first] = candidates;
              if (first) (first.capabilities.ingestProtocols as string[]).push('srt');
            },
          ]) {
            try {
              change();
              attempts.push('changed');
            } catch {
              attempts.push('refused');
            }
          }
          return 'b';
        },
      },
    });
    const stream = await registry.create({
      name: 'kept',
      restream: [{ url: 'rtmp://one.test/live', streamKey: 'key-1' }],
    });
    expect(attempts).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(stream.routing.provider).toBe('b');
    expect(b.createInputs).toEqual([
      { name: 'kept', restream: [{ url: 'rtmp://one.test/live', streamKey: 'key-1' }] },
    ]);
    expect(registry.providers.map((entry) => entry.capabilities.ingestProtocols)).toEqual([
      ['rtmp'],
      ['rtmp'],
    ]);
  });
});

describe('call options are checked before anything is sent', () => {
  const notOptions = fc.oneof(
    fc.constant(null),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.anything(), { maxLength: 2 }),
  );

  it('create, list, toArray, planMigration and migrate refuse options that are no object', async () => {
    await fc.assert(
      fc.asyncProperty(notOptions, async (options) => {
        const a = fakeProvider('vendor-a', { streams: 1 });
        const b = fakeProvider('vendor-b');
        const registry = createLiveStreamRegistry({ providers: { a: a.provider, b: b.provider } });
        const [id] = [...a.store.keys()];
        const calls = [
          () => registry.create({ name: 'x' }, options as never),
          () => registry.list(options as never).toArray(),
          () => registry.list().toArray(options as never),
          () => registry.planMigration(`a:${id}`, options as never),
          () => registry.migrate(`a:${id}`, options as never),
        ];
        for (const call of calls) {
          const error = await caught(call);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error.delivery).toBe('not-sent');
        }
        expect([...a.calls, ...b.calls]).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("list's providers and onProviderError, and toArray's limit, take only what they document", async () => {
    const a = fakeProvider('vendor-a', { streams: 2 });
    const registry = createLiveStreamRegistry({ providers: { a: a.provider } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ providers: fc.oneof(fc.string(), fc.constant(new Set(['a'])), fc.integer()) }),
          fc.record({
            onProviderError: fc
              .anything()
              .filter((value) => value !== 'throw' && value !== 'skip' && value !== undefined),
          }),
        ),
        async (options) => {
          const error = await caught(() => registry.list(options as never).toArray());
          expect(InvalidInputError.isInstance(error)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    for (const limit of [-1, 1.5, '2', Number.NaN, null]) {
      const error = await caught(() => registry.list().toArray({ limit } as never));
      expect(error.message).toBe(
        'list: invalid options: options.limit (expected a whole number from 0, or Infinity (every stream))',
      );
    }
    expect(a.calls).toEqual([]);
    expect(await registry.list().toArray({ limit: 0 })).toEqual([]);
    expect((await registry.list({ onProviderError: 'skip' }).toArray({ limit: 1 })).length).toBe(1);
  });

  it('migrate reads deleteSource and stopTimeoutMs before creating: nothing is made and the source stays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            deleteSource: fc.anything().filter((value) => typeof value !== 'boolean' && value !== undefined),
          }),
          fc.record({
            deleteSource: fc.constant(true),
            stopTimeoutMs: fc.oneof(
              fc.integer({ max: 0 }),
              fc.double({ noNaN: false }).filter((value) => !Number.isInteger(value)),
              fc.constantFrom(2_147_483_648, 1e12, Number.POSITIVE_INFINITY),
              fc.string(),
            ),
          }),
        ),
        async (options) => {
          const a = fakeProvider('vendor-a', { streams: 1 });
          const b = fakeProvider('vendor-b');
          const registry = createLiveStreamRegistry({ providers: { a: a.provider, b: b.provider } });
          const [id] = [...a.store.keys()];
          const error = await caught(() => registry.migrate(`a:${id}`, { to: 'b', ...options } as never));
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error.delivery).toBe('not-sent');
          expect([...a.calls, ...b.calls]).toEqual([]);
          expect(a.store.size).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a provider's answer the registry cannot reference", () => {
  function answering(result: unknown): LiveStreamProvider {
    const base = fakeProvider('custom').provider;
    return { ...base, create: async () => result as LiveStream, get: async () => result as LiveStream };
  }

  it('is a ResponseShapeError that says the stream may exist after a create, and no failover', async () => {
    for (const result of [
      undefined,
      null,
      'abc',
      {},
      { id: 'a:b' },
      { id: '..' },
      { id: 'x'.repeat(129) },
      { id: 7 },
    ]) {
      const other = fakeProvider('vendor-b');
      const registry = createLiveStreamRegistry({
        providers: { third: answering(result), b: other.provider },
      });
      const error = await caught(() => registry.create({ name: 'x' }));
      expect(ResponseShapeError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        operation: 'create',
        delivery: 'unknown',
        maybeCreated: true,
        providerName: 'third',
      });
      expect(other.calls).toEqual([]);
      const read = await caught(() => registry.get('third:abc'));
      expect(ResponseShapeError.isInstance(read)).toBe(true);
      expect(read.maybeCreated).toBeUndefined();
    }
  });
});

describe('list and the caller signal', () => {
  it('hands out nothing more once the caller aborted, even from a page already fetched', async () => {
    const a = fakeProvider('vendor-a', { streams: 5 });
    const registry = createLiveStreamRegistry({ providers: { a: a.provider } });
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await caught(async () => {
      for await (const stream of registry.list({ signal: controller.signal })) {
        seen.push(stream.ref);
        if (seen.length === 2) controller.abort();
      }
    });
    expect(AbortError.isInstance(error)).toBe(true);
    expect(seen).toEqual(['a:vendora1', 'a:vendora2']);
  });
});

describe('migrating a source that does not record', () => {
  function recordsEverything() {
    const fake = fakeProvider('vendor-records');
    const sent: unknown[] = [];
    const provider: LiveStreamProvider = {
      ...fake.provider,
      async create(input, options) {
        sent.push(input);
        if (input.recording === false) {
          throw invalidInput([{ path: 'recording', message: 'this vendor records every stream' }], {
            provider: 'vendor-records',
            operation: 'create',
          });
        }
        return fake.provider.create(input, options);
      },
    };
    return { provider, sent, store: fake.store };
  }

  it('to a vendor that records everything: the stream is made once, without recording, with a warning', async () => {
    const source = fakeProvider('vendor-a');
    const target = recordsEverything();
    const registry = createLiveStreamRegistry({ providers: { a: source.provider, r: target.provider } });
    const made = await registry.create({ name: 'quiet', recording: false }, { provider: 'a' });
    const result = await registry.migrate(made.ref, { to: 'r' });
    expect(target.sent).toEqual([
      { name: 'quiet', recording: false, ingestProtocol: 'rtmp' },
      { name: 'quiet', ingestProtocol: 'rtmp' },
    ]);
    expect(target.store.size).toBe(1);
    expect(result.stream.ref).toMatch(/^r:/);
    expect(result.warnings).toContainEqual({
      type: 'not-carried',
      setting: 'recording',
      message: 'r cannot turn recording off: the new stream records, where the source did not',
    });
  });

  it('a recording: false the caller asked for in input is refused as it is, with nothing made', async () => {
    const source = fakeProvider('vendor-a');
    const target = recordsEverything();
    const registry = createLiveStreamRegistry({ providers: { a: source.provider, r: target.provider } });
    const made = await registry.create({ name: 'quiet' }, { provider: 'a' });
    const error = await caught(() => registry.migrate(made.ref, { to: 'r', input: { recording: false } }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(target.sent).toHaveLength(1);
    expect(target.store.size).toBe(0);
  });

  it('to a vendor that says it records everything (alwaysRecords): the plan is what migrate creates, one create', async () => {
    const source = fakeProvider('vendor-a');
    const records = recordsEverything();
    const target = {
      ...records.provider,
      capabilities: { ...records.provider.capabilities, alwaysRecords: true },
    };
    const registry = createLiveStreamRegistry({ providers: { a: source.provider, r: target } });
    const made = await registry.create({ name: 'quiet', recording: false }, { provider: 'a' });
    const warning = {
      type: 'not-carried',
      setting: 'recording',
      message: 'r cannot turn recording off: the new stream records, where the source did not',
    };
    const plan = await registry.planMigration(made.ref, { to: 'r' });
    expect(plan.input).toEqual({ name: 'quiet', ingestProtocol: 'rtmp' });
    expect(plan.warnings).toContainEqual(warning);
    expect(records.sent).toEqual([]);
    const result = await registry.migrate(made.ref, { to: 'r' });
    expect(records.sent).toEqual([plan.input]);
    expect(result.warnings.filter((each) => each.setting === 'recording')).toEqual([warning]);
  });
});

describe("a provider's error through the registry", () => {
  it('keeps its class and its stack, and gains providerName', async () => {
    const a = fakeProvider('vendor-a');
    const registry = createLiveStreamRegistry({ providers: { a: a.provider } });
    const error = await caught(() => registry.get('a:missing'));
    expect(error.name).toBe('NotFoundError');
    expect(error.providerName).toBe('a');
    expect(error.stack).toMatch(/^NotFoundError: not found\n\s+at /);
  });
});

describe('what the registry hands back reads plainly', () => {
  it("findByName names itself in errors about its options; a plan's input is an ordinary object", async () => {
    const a = fakeProvider('vendor-a', { streams: 1 });
    const b = fakeProvider('vendor-b');
    const registry = createLiveStreamRegistry({ providers: { a: a.provider, b: b.provider } });
    const error = await caught(() => registry.findByName('x', { providers: 'a' } as never));
    expect(error.message).toBe(
      'findByName: invalid options: options.providers (expected an array of provider names)',
    );
    const [id] = [...a.store.keys()];
    const plan = await registry.planMigration(`a:${id}`, { to: 'b' });
    expect(Object.getPrototypeOf(plan.input)).toBe(Object.prototype);
  });
});

describe('errors handed on are errors to the platform', () => {
  // The registry adds `providerName` to a copy of the provider's error: a copy made as a plain object of its
  // class was no error to `Error.isError`, and `structuredClone` (a worker's postMessage) lost its message.
  it('a NotFoundError through a client and through a registry keeps its message across structuredClone', async () => {
    const { provider } = fakeProvider('liveapi');
    const client = createLiveStreamClient(provider);
    const registry = createLiveStreamRegistry({ providers: { backup: provider } });
    await fc.assert(
      fc.asyncProperty(idArbitrary, async (id) => {
        for (const error of [
          await caught(() => client.get(id)),
          await caught(() => registry.get(`backup:${id}`)),
        ]) {
          expect(NotFoundError.isInstance(error)).toBe(true);
          expect(types.isNativeError(error)).toBe(true);
          const cloned = structuredClone(error) as Error;
          expect(cloned.message).toBe(error.message);
        }
      }),
      { numRuns: 50 },
    );
  });
});
