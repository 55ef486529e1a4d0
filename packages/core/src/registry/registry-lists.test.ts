import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { InvalidInputError } from '../errors/errors.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry } from './registry.js';
import { createLiveStreamRegistryFromConfig } from './registry-config.js';

// Every list a registry takes from its caller, each read by core's one reader of caller lists: the list
// itself (a Proxy whose `length` throws, a revoked Proxy) or one entry of it (a Proxy whose `get` or
// own-property check throws for that index, a getter on it) that cannot be read is an InvalidInputError
// naming the option (`routing.order`, `providers`), or the entry's place in it (`providers.1`), `could not
// be read`, what was thrown as its cause and never in its message, `not-sent`, before any request. A list
// whose iterator throws is read as its entries: its iterator is never asked.

type Trap = 'length' | 'entry' | 'entry-own' | 'entry-getter' | 'revoked' | 'iterator';
type Option =
  | 'registry routing.order'
  | 'config routing.order'
  | 'config providers'
  | 'list providers'
  | 'findByName providers';

const unreadable = 'could not be read (a getter or a Proxy in it threw)';

function hostile<T>(list: T[], trap: Trap, at: number, thrown: unknown): T[] {
  const throwing = () => {
    throw thrown;
  };
  switch (trap) {
    case 'revoked': {
      const revocable = Proxy.revocable(list, {});
      revocable.revoke();
      return revocable.proxy;
    }
    case 'entry-getter':
      return Object.defineProperty([...list], at, { get: throwing, enumerable: true });
    case 'entry-own':
      return new Proxy(list, {
        getOwnPropertyDescriptor: (target, key) =>
          key === String(at) ? throwing() : Reflect.getOwnPropertyDescriptor(target, key),
      });
    default: {
      const key = trap === 'length' ? 'length' : trap === 'entry' ? String(at) : Symbol.iterator;
      return new Proxy(list, {
        get: (target, name, receiver) => (name === key ? throwing() : Reflect.get(target, name, receiver)),
      });
    }
  }
}

// Each option given a list of the three names (`c`, `a`, `b`) made hostile; what it does, and what was sent.
async function attempt(option: Option, trap: Trap, at: number, thrown: unknown) {
  const names = ['c', 'a', 'b'];
  const fakes = {
    a: fakeProvider('vendor-a', { streams: 1 }),
    b: fakeProvider('vendor-b', { streams: 1 }),
    c: fakeProvider('vendor-c', { streams: 1 }),
  };
  const built: string[] = [];
  const factory = (id: string) => (): LiveStreamProvider => {
    built.push(id);
    return fakes[id.slice(-1) as 'a' | 'b' | 'c'].provider;
  };
  const sent = () => [...fakes.a.calls, ...fakes.b.calls, ...fakes.c.calls];
  const configured = (routing: unknown, entries: unknown) =>
    createLiveStreamRegistryFromConfig(
      { providers: entries as never, ...(routing === undefined ? {} : { routing: routing as never }) },
      {
        providers: {
          'vendor-a': factory('vendor-a'),
          'vendor-b': factory('vendor-b'),
          'vendor-c': factory('vendor-c'),
        },
      },
    );
  const entries = names.map((name) => ({ provider: `vendor-${name}`, name }));
  let outcome: unknown;
  try {
    switch (option) {
      case 'registry routing.order': {
        const registry = createLiveStreamRegistry<string>({
          providers: { a: fakes.a.provider, b: fakes.b.provider, c: fakes.c.provider },
          routing: { order: hostile(names, trap, at, thrown) },
        });
        outcome = registry.routingOrder;
        break;
      }
      case 'config routing.order':
        outcome = (await configured({ order: hostile(names, trap, at, thrown) }, entries)).routingOrder;
        break;
      case 'config providers':
        outcome = (await configured(undefined, hostile(entries, trap, at, thrown))).routingOrder;
        break;
      default: {
        const registry = createLiveStreamRegistry<string>({
          providers: { a: fakes.a.provider, b: fakes.b.provider, c: fakes.c.provider },
        });
        const options = { providers: hostile(names, trap, at, thrown) };
        outcome =
          option === 'list providers'
            ? (await registry.list(options).toArray()).map((stream) => stream.ref.split(':')[0])
            : await registry.findByName('x', options);
      }
    }
  } catch (error) {
    return { error, sent: sent(), built };
  }
  return { outcome, sent: sent(), built };
}

describe('every list a registry takes is read one way', () => {
  it('a list or entry that cannot be read is an InvalidInputError naming it, the thrown value its cause, before any request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Option>(
          'registry routing.order',
          'config routing.order',
          'config providers',
          'list providers',
          'findByName providers',
        ),
        fc.constantFrom<Trap>('length', 'entry', 'entry-own', 'entry-getter', 'revoked'),
        fc.integer({ min: 0, max: 2 }),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (option, trap, at, marker) => {
          const thrown = new Error(`caller trap-${marker}`);
          const said = `${option} ${trap} ${at}`;
          const { error, sent, built } = await attempt(option, trap, at, thrown);
          expect(InvalidInputError.isInstance(error), said).toBe(true);
          const refused = error as InvalidInputError;
          const operation = option.startsWith('list')
            ? 'list'
            : option.startsWith('findByName')
              ? 'findByName'
              : 'configure';
          // A walk's `providers` is a call option; a configuration's `providers` and `routing.order` are not.
          const named = option.endsWith('routing.order')
            ? 'routing.order'
            : operation === 'configure'
              ? 'providers'
              : 'options.providers';
          const path = trap === 'length' || trap === 'revoked' ? named : `${named}.${at}`;
          expect(refused.issues, said).toEqual([{ path, message: unreadable }]);
          expect(refused.message, said).toBe(
            operation === 'configure'
              ? `Invalid registry configuration: ${path}: ${unreadable}`
              : `${operation}: invalid options: ${path} (${unreadable})`,
          );
          expect(refused.operation, said).toBe(operation);
          expect(refused.delivery, said).toBe('not-sent');
          if (trap === 'revoked') expect((refused.cause as Error).name, said).toBe('TypeError');
          else expect((refused.cause as Error).message, said).toBe(`caller trap-${marker}`);
          expect(refused.message, said).not.toContain(marker);
          expect(sent, said).toEqual([]);
          // A configuration's providers that cannot be read build none; its order is read once all are built.
          expect(built, said).toEqual(
            option === 'config routing.order' ? ['vendor-c', 'vendor-a', 'vendor-b'] : [],
          );
        },
      ),
      {
        numRuns: 80,
        // Each way of throwing in each option at least once: the length and entry traps of routing.order
        // and of a walk's providers are the ones that escaped as the caller's error or were misnamed.
        examples: (
          [
            'registry routing.order',
            'config routing.order',
            'config providers',
            'list providers',
            'findByName providers',
          ] as const
        ).flatMap((option) =>
          (['length', 'entry', 'entry-own', 'entry-getter', 'revoked'] as const).map(
            (trap) => [option, trap, 1, 'example'] as [Option, Trap, number, string],
          ),
        ),
      },
    );
  });

  it('a list whose iterator throws is read by length and index, as given', async () => {
    for (const option of [
      'registry routing.order',
      'config routing.order',
      'config providers',
      'list providers',
      'findByName providers',
    ] as const) {
      const { outcome, error } = await attempt(option, 'iterator', 0, new Error('caller iterator trap'));
      expect(error, option).toBeUndefined();
      // The order given, walked or kept: findByName finds no stream named `x` in any of them.
      expect(outcome, option).toEqual(option === 'findByName providers' ? [] : ['c', 'a', 'b']);
    }
  });

  it('a length past what the option may hold is refused unread', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('order', 'list', 'config'),
        fc.integer({ min: 1_001, max: 2 ** 32 - 1 }),
        async (where, length) => {
          const reads: PropertyKey[] = [];
          const claiming = <T>(list: T[]) =>
            new Proxy(list, {
              get: (target, key, receiver) => {
                reads.push(key);
                return key === 'length' ? length : Reflect.get(target, key, receiver);
              },
            });
          const a = fakeProvider('vendor-a');
          let refused: unknown;
          try {
            if (where === 'order') {
              createLiveStreamRegistry<string>({
                providers: { a: a.provider },
                routing: { order: claiming(['a']) },
              });
            } else if (where === 'list') {
              await createLiveStreamRegistry<string>({ providers: { a: a.provider } })
                .list({ providers: claiming(['a']) })
                .toArray();
            } else {
              await createLiveStreamRegistryFromConfig(
                { providers: claiming([{ provider: 'vendor-a' }]) },
                { providers: { 'vendor-a': () => a.provider } },
              );
            }
          } catch (error) {
            refused = error;
          }
          expect(InvalidInputError.isInstance(refused)).toBe(true);
          expect((refused as InvalidInputError).issues).toEqual([
            where === 'order'
              ? { path: 'routing.order', message: 'expected every provider name once: a' }
              : where === 'list'
                ? { path: 'options.providers', message: 'expected at most 1,000 provider names' }
                : { path: 'providers', message: 'holds more than 1,000 entries' },
          ]);
          expect(reads.filter((key) => key !== 'length' && key !== 'constructor')).toEqual([]);
          expect(a.calls).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("a registry's list with a provider's own list options (callOptionNames.list)", () => {
  // Two providers declaring list names of their own (as Wowza Video declares `details`) and one declaring
  // none; each records the options its list is given.
  function registryOf(declared: Record<'a' | 'b' | 'c', readonly string[]>) {
    const given: Record<string, Record<string, unknown>[]> = { a: [], b: [], c: [] };
    const providers = Object.fromEntries(
      (['a', 'b', 'c'] as const).map((name) => {
        const fake = fakeProvider(`vendor-${name}`, { streams: 1 });
        const provider = {
          ...fake.provider,
          ...(declared[name].length > 0 ? { callOptionNames: { list: declared[name] } } : {}),
          list: (options?: Record<string, unknown>) => {
            given[name]?.push({ ...options });
            return fake.provider.list(options as never);
          },
        };
        return [name, provider as LiveStreamProvider];
      }),
    );
    return { registry: createLiveStreamRegistry({ providers }), given };
  }
  const ownName = fc
    .stringMatching(/^[a-z][a-zA-Z]{4,11}$/)
    .filter((name) => !['providers', 'onProviderError', 'pageSize', 'maxPages', 'runtime'].includes(name));

  it('hands each provider walked the names it declares, and no other provider’s (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(ownName, { minLength: 2, maxLength: 4 }),
        fc.jsonValue({ maxDepth: 1 }),
        async (names, value) => {
          const [aName = '', bName = '', ...shared] = names;
          const { registry, given } = registryOf({ a: [aName, ...shared], b: [bName, ...shared], c: [] });
          const options = Object.fromEntries(names.map((name) => [name, value]));
          const streams = await registry.list({ ...options, pageSize: 50 }).toArray();
          expect(streams).toHaveLength(3);
          const walked = (name: 'a' | 'b' | 'c') => given[name]?.map(({ runtime: _, ...rest }) => rest);
          const of = (list: readonly string[]) => Object.fromEntries(list.map((name) => [name, value]));
          expect(walked('a')).toEqual([{ pageSize: 50, ...of([aName, ...shared]) }]);
          expect(walked('b')).toEqual([{ pageSize: 50, ...of([bName, ...shared]) }]);
          expect(walked('c')).toEqual([{ pageSize: 50 }]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses a name no provider declares, naming it, before any provider is walked', async () => {
    const { registry, given } = registryOf({ a: ['details'], b: [], c: [] });
    const error = await registry
      .list({ detals: false } as never)
      .toArray()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['options.detals']);
    expect((error as InvalidInputError).message).toContain('did you mean "details"');
    expect(given).toEqual({ a: [], b: [], c: [] });
  });

  it('never skips a provider refusing the value of a list option it declares: the caller’s mistake, as pageSize’s', async () => {
    const refusing = fakeProvider('vendor-a', { streams: 1 });
    const others = fakeProvider('vendor-b', { streams: 2 });
    const warnings: unknown[] = [];
    const registry = createLiveStreamRegistry({
      hooks: { onWarning: (event) => warnings.push(event) },
      providers: {
        b: others.provider,
        a: {
          ...refusing.provider,
          callOptionNames: { list: ['details'] },
          list: (options?: { details?: unknown }) => {
            if (typeof options?.details !== 'boolean')
              throw new InvalidInputError({
                provider: 'vendor-a',
                operation: 'list',
                message: 'vendor-a list: invalid options: options.details (expected true or false)',
                issues: [{ path: 'options.details', message: 'expected true or false' }],
              });
            return refusing.provider.list(options as never);
          },
        } as LiveStreamProvider,
      },
    });
    for (const details of ['no', null, 1]) {
      const error = await registry
        .list({ details, onProviderError: 'skip' } as never)
        .toArray()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues).toEqual([
        { path: 'options.details', message: 'expected true or false' },
      ]);
      expect((error as { providerName?: string }).providerName).toBe('a');
      expect(warnings).toEqual([]);
    }
    // A value it takes walks both.
    expect(await registry.list({ details: false, onProviderError: 'skip' } as never).toArray()).toHaveLength(
      3,
    );
  });

  it('takes a provider whose list of names cannot be read as adding none: walked, never a raw error', async () => {
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    const throwingLength = new Proxy(['details'], {
      get: (target, key, receiver) => {
        if (key === 'length' || key === '0') throw new Error('zq-trap-secret');
        return Reflect.get(target, key, receiver);
      },
    });
    const throwingGetter = Object.defineProperty({}, 'list', {
      get: () => {
        throw new Error('zq-getter-secret');
      },
      enumerable: true,
    });
    const unreadable: unknown[] = [{ list: revoked.proxy }, { list: throwingLength }, throwingGetter];
    for (const callOptionNames of unreadable) {
      const outside = fakeProvider('vendor-a', { streams: 2 });
      const provider = { ...outside.provider, callOptionNames } as LiveStreamProvider;
      const registry = createLiveStreamRegistry({ providers: { a: provider } });
      expect(await registry.list().toArray()).toHaveLength(2);
      const client = createLiveStreamClient(provider);
      expect(await client.list().toArray()).toHaveLength(2);
      for (const walk of [
        () => registry.list({ details: false } as never).toArray(),
        () => client.list({ details: false } as never).toArray(),
      ]) {
        const error = await walk().catch((caught: unknown) => caught);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['options.details']);
        expect(JSON.stringify(error)).not.toContain('zq-');
      }
    }
  });

  it('reads each option of list and findByName once: what was checked is what is walked', async () => {
    const a = fakeProvider('vendor-a', { streams: 1 });
    const b = fakeProvider('vendor-b', { streams: 1 });
    const registry = createLiveStreamRegistry({ providers: { a: a.provider, b: b.provider } });
    const [onA] = await registry.list({ providers: ['a'] }).toArray();
    // Getters that answer a valid value first and another after, counting their reads.
    const reads: Record<string, number> = {};
    const shifting = () => {
      const options = {};
      for (const [name, first, later] of [
        ['providers', ['a'], ['b']],
        ['pageSize', 10, 'x'],
        ['onProviderError', 'throw', 'bogus'],
      ] as const) {
        reads[name] = 0;
        Object.defineProperty(options, name, {
          enumerable: true,
          get: () => {
            reads[name] = (reads[name] ?? 0) + 1;
            return reads[name] === 1 ? first : later;
          },
        });
      }
      return options;
    };
    const walked = await registry.list(shifting() as never).toArray();
    expect(walked.map((stream) => stream.ref)).toEqual([onA?.ref]);
    expect(reads).toEqual({ providers: 1, pageSize: 1, onProviderError: 1 });
    const found = await registry.findByName(onA?.name ?? '', shifting() as never);
    expect(found.map((stream) => stream.ref)).toEqual([onA?.ref]);
    expect(reads).toEqual({ providers: 1, pageSize: 1, onProviderError: 1 });
  });
});
