import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { AbortError, InvalidInputError, ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { type LiveStream, liveStreamStates } from '../live-stream.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient, type LiveStreamClient } from './live-stream-client.js';

// The names each operation takes, as its options type documents them.
const requestNames = ['signal', 'timeoutMs'];
const takes: Record<string, readonly string[]> = {
  get: requestNames,
  delete: requestNames,
  stop: requestNames,
  create: requestNames,
  update: requestNames,
  list: [...requestNames, 'pageSize', 'maxPages', 'strict', 'name'],
  start: [...requestNames, 'providerOptions'],
};
const operations = Object.keys(takes);
const everyName = [...new Set(Object.values(takes).flat())];

// A valid value for each name.
function validValue(name: string): unknown {
  switch (name) {
    case 'signal':
      return new AbortController().signal;
    case 'timeoutMs':
      return 5_000;
    case 'pageSize':
      return 10;
    case 'maxPages':
      return 3;
    case 'strict':
      return true;
    case 'name':
      return 'made';
    case 'providerOptions':
      return {};
    default:
      throw new Error(`no valid value for ${name}`);
  }
}

async function call(client: LiveStreamClient, operation: string, id: string, options: object): Promise<void> {
  switch (operation) {
    case 'get':
      await client.get(id, options);
      return;
    case 'delete':
      await client.delete(id, options);
      return;
    case 'stop':
      await client.stop(id, options);
      return;
    case 'create':
      await client.create({ name: 'made' }, options);
      return;
    case 'update':
      await client.update(id, { name: 'renamed' }, options);
      return;
    case 'list':
      await client.list(options).toArray();
      return;
    case 'start':
      await client.start(id, options);
      return;
    default:
      throw new Error(`no such operation ${operation}`);
  }
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

// A client over a provider holding one stream; `calls` logs every provider call, so an empty log means
// nothing was sent, and `requests` counts what the onRequest hook heard.
function subject() {
  const fake = fakeProvider('fake', { streams: 1 });
  const [id] = [...fake.store.keys()];
  const requests: unknown[] = [];
  const client = createLiveStreamClient(fake.provider, {
    hooks: { onRequest: (event) => requests.push(event) },
  });
  return { client, id: id ?? '', calls: fake.calls, requests };
}

// Arbitrary names: identifiers, other strings, and near misses of every valid name (case, one letter).
const nearMiss = fc
  .tuple(fc.constantFrom(...everyName), fc.nat(), fc.constantFrom('case', 'drop', 'double'))
  .map(([name, at, how]) => {
    const index = at % name.length;
    if (how === 'case') return name.toLowerCase() === name ? name.toUpperCase() : name.toLowerCase();
    if (how === 'drop') return name.slice(0, index) + name.slice(index + 1);
    return name.slice(0, index + 1) + name.slice(index);
  });
const optionName = fc.oneof(
  fc.constantFrom(...everyName),
  nearMiss,
  fc.stringMatching(/^[a-zA-Z_$][\w$]{0,14}$/),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('provider', 'runtime', 'deadline', 'retries', 'constructor', '__proto__', 'toString'),
);

describe('per-call options', () => {
  it('refuses, before any request, every name an operation does not take, naming the nearest valid one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        optionName,
        fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)),
        async (operation, name, value) => {
          const valid = takes[operation] ?? [];
          fc.pre(!valid.includes(name));
          const { client, id, calls, requests } = subject();
          calls.length = 0;
          // Own property even for `__proto__`: what a caller's parsed JSON or spread would carry.
          const options = Object.fromEntries([[name, value]]);
          const error = await failure(() => call(client, operation, id, options));
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.delivery).toBe('not-sent');
          expect(refused.operation).toBe(operation);
          expect(refused.provider).toBe('fake');
          // An empty name is written as one (`options.""`), not as a path that stops short.
          expect(refused.issues.map((issue) => issue.path)).toEqual([`options.${name === '' ? '""' : name}`]);
          const [issue] = refused.issues;
          const named = /^unknown option; did you mean "([^"]+)"\?$/.exec(issue?.message ?? '');
          if (named) expect(valid).toContain(named[1]);
          else expect(issue?.message).toBe(`unknown option; expected one of ${valid.join(', ')}`);
          // A change of case or one letter dropped or doubled is always recognised.
          const original = valid.find(
            (candidate) =>
              candidate.toLowerCase() === name.toLowerCase() ||
              (Math.abs(candidate.length - name.length) === 1 &&
                [...candidate].some(
                  (_, index) =>
                    candidate.slice(0, index) + candidate.slice(index + 1) === name ||
                    name.slice(0, index) + name.slice(index + 1) === candidate,
                )),
          );
          if (original && original.length >= 5) expect(named?.[1]).toBe(original);
          expect(calls).toEqual([]);
          expect(requests).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes every name an operation takes, in any combination', async () => {
    const combination = fc
      .constantFrom(...operations)
      .chain((operation) => fc.tuple(fc.constant(operation), fc.subarray([...(takes[operation] ?? [])])));
    await fc.assert(
      fc.asyncProperty(combination, async ([operation, names]) => {
        const { client, id, calls } = subject();
        calls.length = 0;
        const options = Object.fromEntries(names.map((name) => [name, validValue(name)]));
        await call(client, operation, id, options);
        expect(calls.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a signal that only looks like one, before any request, whatever else the options hold', async () => {
    // Each passes a shallow test (instanceof, or the right property types at first sight) but is no signal:
    // AbortSignal's own getters refuse an object made from its prototype, and a getter may throw.
    const fakeSignal = fc.constantFrom(
      () => Object.create(AbortSignal.prototype),
      () =>
        Object.assign(Object.create(AbortSignal.prototype), {
          addEventListener() {},
          removeEventListener() {},
        }),
      () => ({
        get aborted(): boolean {
          throw new Error('no');
        },
        addEventListener() {},
        removeEventListener() {},
      }),
      () => ({ aborted: 'false', addEventListener() {}, removeEventListener() {} }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fakeSignal,
        fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
        async (operation, make, timeoutMs) => {
          const { client, id, calls, requests } = subject();
          calls.length = 0;
          const options = { signal: make(), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
          const error = await failure(() => call(client, operation, id, options));
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.delivery).toBe('not-sent');
          expect(refused.issues.map((issue) => [issue.path, issue.message])).toEqual([
            ['options.signal', 'expected an AbortSignal'],
          ]);
          expect(calls).toEqual([]);
          expect(requests).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('follows a signal of another kind through one listener, whatever its methods and getters do later', async () => {
    // A signal of another realm or library (jsdom's, a polyfill's), as an EventTarget with aborted and reason.
    const foreign = (quirk: 'none' | 'remove-throws' | 'reason-throws') => {
      const target = new EventTarget();
      let aborted = false;
      let added = 0;
      const signal = {
        get aborted() {
          return aborted;
        },
        get reason(): unknown {
          if (quirk === 'reason-throws') throw new Error('no reason');
          return new Error('caller gave up');
        },
        addEventListener: (type: string, listener: EventListener, options?: AddEventListenerOptions) => {
          added += 1;
          target.addEventListener(type, listener, options);
        },
        removeEventListener: () => {
          if (quirk === 'remove-throws') throw new Error('cannot remove');
        },
        abort: () => {
          aborted = true;
          target.dispatchEvent(new Event('abort'));
        },
        added: () => added,
      };
      return signal;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.constantFrom('none', 'remove-throws', 'reason-throws') as fc.Arbitrary<
          'none' | 'remove-throws' | 'reason-throws'
        >,
        fc.boolean(),
        async (operation, quirk, abortFirst) => {
          const fake = fakeProvider('fake', { streams: 1 });
          const [id = ''] = [...fake.store.keys()];
          const calls = fake.calls;
          // What an adapter's HTTP layer does with the signal it is handed: a platform one, read as it is.
          const seen: unknown[] = [];
          const provider = fake.provider as unknown as Record<string, unknown>;
          for (const name of ['create', 'get', 'update', 'delete', 'start', 'stop', 'list']) {
            const original = (provider[name] as (...args: unknown[]) => unknown).bind(fake.provider);
            const takesOptions = (args: unknown[]) => args.at(-1) as { signal?: AbortSignal } | undefined;
            const check = (args: unknown[]) => {
              const given = takesOptions(args)?.signal;
              seen.push(given instanceof AbortSignal);
              if (given?.aborted)
                throw new AbortError({
                  provider: 'fake',
                  operation: name,
                  cause: given.reason,
                  delivery: 'not-sent',
                  message: 'aborted',
                });
            };
            provider[name] =
              name === 'list'
                ? (...args: unknown[]) => {
                    check(args);
                    return original(...args);
                  }
                : async (...args: unknown[]) => {
                    check(args);
                    return original(...args);
                  };
          }
          const client = createLiveStreamClient(fake.provider);
          const signal = foreign(quirk);
          if (abortFirst) signal.abort();
          calls.length = 0;
          const outcome = await call(client, operation, id, {
            signal: signal as unknown as AbortSignal,
          }).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (!abortFirst) {
            expect(seen.length).toBeGreaterThan(0);
            expect(seen.every(Boolean)).toBe(true);
            // Its listener is added once, never removed: a removeEventListener that throws fails nothing.
            expect(outcome).toBeUndefined();
            expect(signal.added()).toBe(1);
            return;
          }
          // Aborted before the call: the client ends it before the provider is asked anything.
          expect(seen).toEqual([]);
          expect(AbortError.isInstance(outcome)).toBe(true);
          expect((outcome as AbortError).delivery).toBe('not-sent');
          expect((outcome as AbortError).cause).toMatchObject({
            message: quirk === 'reason-throws' ? 'the abort reason could not be read' : 'caller gave up',
          });
          expect(calls).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a signal of another kind whose addEventListener throws, before any request', async () => {
    const { client, id, calls } = subject();
    calls.length = 0;
    const signal = {
      aborted: false,
      addEventListener: () => {
        throw new Error('cannot listen');
      },
      removeEventListener: () => {},
    };
    const error = await failure(() => client.get(id, { signal: signal as unknown as AbortSignal }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).delivery).toBe('not-sent');
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'options.signal', message: 'expected an AbortSignal' },
    ]);
    expect(calls).toEqual([]);
  });

  it('refuses an input or start options it cannot read (a getter or a Proxy that throws), before any request', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    // Where the unreadable part sits: the whole input, a field, a nested field; the issue names it (under
    // `providerOptions` when the same object is given as a start's providerOptions).
    const unreadable: { make: () => Record<string, unknown>; path: string }[] = [
      { make: () => new Proxy({}, { ownKeys: trap, get: trap, getOwnPropertyDescriptor: trap }), path: '' },
      {
        make: () => Object.defineProperty({ name: 'n' }, 'recording', { enumerable: true, get: trap }),
        path: 'recording',
      },
      {
        make: () => ({ name: 'n', restream: new Proxy([], { get: trap, has: trap, ownKeys: trap }) }),
        path: 'restream',
      },
      {
        make: () => ({
          name: 'n',
          restream: [
            Object.defineProperty({ url: 'rtmp://a.test/live' }, 'streamKey', {
              enumerable: true,
              get: trap,
            }),
          ],
        }),
        path: 'restream.0.streamKey',
      },
      {
        make: () => ({ name: 'n', providerOptions: { fake: new Proxy({}, { ownKeys: trap }) } }),
        path: 'providerOptions.fake',
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('create', 'update', 'start'),
        fc.nat({ max: unreadable.length - 1 }),
        async (operation, index) => {
          const { client, id, calls, requests } = subject();
          calls.length = 0;
          const { make, path } = unreadable[index] ?? { make: () => ({}), path: '' };
          const run = () => {
            if (operation === 'create') return client.create(make() as never);
            if (operation === 'update') return client.update(id, make() as never);
            return client.start(id, { providerOptions: make() as never });
          };
          const error = await failure(run);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.delivery).toBe('not-sent');
          expect(refused.operation).toBe(operation);
          expect(refused.issues).toEqual([
            {
              path:
                operation === 'start'
                  ? ['options.providerOptions', path].filter(Boolean).join('.')
                  : path === ''
                    ? '$'
                    : path,
              message: 'could not be read (a getter or a Proxy in it threw)',
            },
          ]);
          expect(calls).toEqual([]);
          expect(requests).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses wait options and states it cannot read (a getter or a Proxy that throws), before any request', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    const cases: [() => Promise<unknown>, string][] = [];
    const { client, id, calls } = subject();
    cases.push(
      [
        () =>
          client.waitForState(id, 'stopped', {
            events: Object.defineProperty({}, Symbol.asyncIterator, { get: trap }) as never,
          }),
        'options.events',
      ],
      [
        () =>
          client.waitForState(id, 'stopped', { events: new Proxy({}, { get: trap, has: trap }) as never }),
        'options.events',
      ],
      [
        () => client.waitForBroadcast(id, { events: new Proxy({}, { get: trap, has: trap }) as never }),
        'options.events',
      ],
      [() => client.waitForState(id, new Proxy(['stopped'], { get: trap }) as never), 'state'],
    );
    for (const [run, path] of cases) {
      calls.length = 0;
      const error = await failure(run);
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).delivery).toBe('not-sent');
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
      expect(calls).toEqual([]);
    }
  });

  it("takes only a whole number from 0 as toArray's limit, and no other name, before any request", async () => {
    const badLimit = fc.oneof(
      fc.constantFrom(Number.NaN, Number.NEGATIVE_INFINITY, -1, 0.5, '5', 5n, null, true, {}),
      // Infinity is a valid limit (no limit, the default, taken below): only finite non-integers here.
      fc.double({ noInteger: true, noDefaultInfinity: true }),
      fc.integer({ max: -1 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badLimit.map((limit) => ({ limit })),
          fc.constantFrom('limt', 'Limit', 'max', 'pageSize').map((name) => ({ [name]: 1 })),
        ),
        async (options) => {
          const { client, calls } = subject();
          calls.length = 0;
          const error = await failure(() => client.list().toArray(options as never));
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const refused = error as InvalidInputError;
          expect(refused.delivery).toBe('not-sent');
          expect(refused.operation).toBe('list');
          const [name] = Object.keys(options);
          // An empty name is written as one (`options.""`), not as a path that stops short.
          expect(refused.issues.map((issue) => issue.path)).toEqual([`options.${name === '' ? '""' : name}`]);
          expect(calls).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
    const { client } = subject();
    expect(await client.list().toArray({ limit: 0 })).toEqual([]);
    expect(await client.list().toArray({ limit: Number.POSITIVE_INFINITY })).toHaveLength(1);
    expect(await client.list().toArray({ limit: 1 })).toHaveLength(1);
  });

  it('names the option meant in the message', async () => {
    const { client, id } = subject();
    const error = await failure(() => client.get(id, { timeoutMS: 5 } as never));
    expect(UniliveError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'fake get: invalid options: options.timeoutMS (unknown option; did you mean "timeoutMs"?)',
    );
    const listed = await failure(() => client.list({ pagesize: 10 } as never).toArray());
    expect((listed as Error).message).toBe(
      'fake list: invalid options: options.pagesize (unknown option; did you mean "pageSize"?)',
    );
  });

  it('refuses at a registry a name neither it nor its clients take, and hands a client only its own', async () => {
    const a = fakeProvider('fake-a', { streams: 1 });
    const seen: unknown[] = [];
    const create = a.provider.create.bind(a.provider);
    a.provider.create = async (input, options) => {
      seen.push(Object.keys(options ?? {}).sort());
      return create(input, options);
    };
    const registry = createLiveStreamRegistry({ providers: { a: a.provider } });
    a.calls.length = 0;
    const listed = await failure(() => registry.list({ provider: ['a'] } as never).toArray());
    expect((listed as Error).message).toBe(
      'list: invalid options: options.provider (unknown option; did you mean "providers"?)',
    );
    const created = await failure(() => registry.create({ name: 'x' }, { provder: 'a' } as never));
    expect((created as Error).message).toBe(
      'create: invalid options: options.provder (unknown option; did you mean "provider"?)',
    );
    expect((created as InvalidInputError).delivery).toBe('not-sent');
    expect(a.calls).toEqual([]);
    await registry.create({ name: 'x' }, { provider: 'a', timeoutMs: 5_000 });
    expect(seen).toEqual([['runtime', 'timeoutMs']]);
  });
});

describe("a provider's own option names (callOptionNames)", () => {
  // Names an adapter might add: identifiers no operation of core's takes, never `runtime` (the client's own).
  const ownName = fc
    .stringMatching(/^[a-z][a-zA-Z]{4,11}$/)
    .filter((name) => !everyName.includes(name) && name !== 'runtime');

  // A client over a provider that declares `names` for `operation` and records the options each call gets.
  function declaring(operation: string, names: readonly string[]) {
    const fake = fakeProvider('fake', { streams: 1 });
    const [id] = [...fake.store.keys()];
    const given: Record<string, unknown>[] = [];
    const provider = { ...fake.provider, callOptionNames: { [operation]: names } };
    const methods = provider as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = methods[operation] as (...args: unknown[]) => unknown;
    // The options are the call's last argument: `list(options)`, `get(id, options)`, `update(id, patch, options)`.
    methods[operation] = (...args: unknown[]) => {
      given.push((args.at(-1) ?? {}) as Record<string, unknown>);
      return original(...args);
    };
    return { client: createLiveStreamClient(provider), id: id ?? '', calls: fake.calls, given };
  }

  it('hands each declared name to the provider as given, on that operation only; refuses a misspelling naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.uniqueArray(ownName, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.constantFrom(...operations),
        async (operation, names, values, other) => {
          const { client, id, calls, given } = declaring(operation, names);
          calls.length = 0;
          const options = Object.fromEntries(names.map((name, index) => [name, values[index]]));
          await call(client, operation, id, options);
          expect(given).toHaveLength(1);
          for (const [name, value] of Object.entries(options)) expect(given[0]?.[name]).toBe(value);
          // Not on an operation it was not declared for.
          if (other !== operation) {
            calls.length = 0;
            const refused = await failure(() => call(client, other, id, options));
            expect(InvalidInputError.isInstance(refused)).toBe(true);
            expect(calls).toEqual([]);
          }
          // A misspelling (its last letter doubled) names the declared name, before any request.
          const [first = ''] = names;
          const misspelled = `${first}${first.at(-1)}`;
          fc.pre(!names.includes(misspelled));
          calls.length = 0;
          const refused = await failure(() => call(client, operation, id, { [misspelled]: true }));
          expect(InvalidInputError.isInstance(refused)).toBe(true);
          expect((refused as InvalidInputError).issues).toEqual([
            { path: `options.${misspelled}`, message: `unknown option; did you mean "${first}"?` },
          ]);
          expect(calls).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps core's rules for core's names a provider declares again", async () => {
    for (const operation of operations) {
      const { client, id, calls } = declaring(operation, ['timeoutMs', 'signal', 'runtime']);
      calls.length = 0;
      for (const options of [{ timeoutMs: 'soon' }, { signal: 'stop' }, { runtime: {} }]) {
        const refused = await failure(() => call(client, operation, id, options));
        expect(InvalidInputError.isInstance(refused)).toBe(true);
      }
      expect(calls).toEqual([]);
    }
  });
});

describe('what get reports when the provider fails', () => {
  it('passes a UniliveError on as a copy of its own and reports anything else as an unexpected failure, sync or async', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant<unknown>(new TypeError('boom')),
          fc.constant<unknown>(new RangeError('range')),
          fc.anything(),
          fc.constant<unknown>(new UniliveError({ message: 'vendor said no', provider: 'vendor-a' })),
        ),
        fc.boolean(),
        async (thrown, sync) => {
          const { provider } = fakeProvider('vendor-a', { streams: 1 });
          const failing = {
            ...provider,
            get: sync
              ? () => {
                  throw thrown;
                }
              : async () => {
                  throw thrown;
                },
          };
          const error = await createLiveStreamClient(failing)
            .get('stream-1')
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          if (UniliveError.isInstance(thrown)) {
            // An outside provider's error reaches the caller as a copy of its own, its fields as thrown.
            expect(error).not.toBe(thrown);
            expect(UniliveError.isInstance(error)).toBe(true);
            expect(error).toMatchObject({
              name: thrown.name,
              message: thrown.message,
              provider: thrown.provider,
            });
            return;
          }
          expect(UniliveError.isInstance(error)).toBe(true);
          const failure = error as UniliveError;
          const name = thrown instanceof Error ? thrown.name : typeof thrown;
          expect(failure.message).toBe(`vendor-a get: unexpected failure (${name}); see cause`);
          expect(failure.operation).toBe('get');
          expect(failure.delivery).toBe('unknown');
          // The cause keeps the name and the (scrubbed) message of what was thrown.
          if (thrown instanceof Error)
            expect(failure.cause).toMatchObject({ name: thrown.name, message: thrown.message });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a thrown Proxy whose every trap throws as an unexpected failure, its cause unread', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap });
    for (const sync of [true, false]) {
      const { provider } = fakeProvider('vendor-a', { streams: 1 });
      const failing = {
        ...provider,
        get: sync
          ? () => {
              throw hostile;
            }
          : async () => {
              throw hostile;
            },
      };
      const error = await failure(() => createLiveStreamClient(failing).get('stream-1'));
      expect(UniliveError.isInstance(error)).toBe(true);
      expect((error as UniliveError).message).toBe('vendor-a get: unexpected failure (object); see cause');
      expect((error as UniliveError).cause).toMatchObject({ message: 'a cause that could not be read' });
      expect(() => JSON.stringify(error)).not.toThrow();
    }
  });
});

describe('an answer about another stream', () => {
  // What a proxy or cache serving another URL's answer does: the provider resolves with a whole, valid
  // stream, but not the one asked for. The client never hands it on as the stream asked for.
  const answering = ['get', 'update', 'start', 'stop', 'waitForState'] as const;
  it('is a ResponseShapeError naming the id, never the other stream returned as this one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...answering), fc.boolean(), async (operation, swap) => {
        const fake = fakeProvider('fake', { streams: 2 });
        const [id = '', otherId = ''] = [...fake.store.keys()];
        const provider = fake.provider;
        for (const name of ['get', 'update', 'start', 'stop'] as const) {
          const original = provider[name].bind(provider) as (...args: unknown[]) => Promise<LiveStream>;
          provider[name] = (async (...args: unknown[]) => {
            const answer = await original(...args);
            return swap ? (fake.store.get(otherId) ?? answer) : answer;
          }) as never;
        }
        const client = createLiveStreamClient(provider);
        const run = () => {
          switch (operation) {
            case 'get':
              return client.get(id);
            case 'update':
              return client.update(id, { name: 'renamed' });
            case 'start':
              return client.start(id);
            case 'stop':
              return client.stop(id);
            default:
              return client.waitForState(id, ['stopped', 'ready', 'starting'], { timeoutMs: 5_000 });
          }
        };
        if (!swap) {
          await expect(run()).resolves.toMatchObject({ id });
          return;
        }
        const error = await failure(run);
        expect(ResponseShapeError.isInstance(error)).toBe(true);
        const shaped = error as ResponseShapeError;
        expect(shaped.operation).toBe(operation);
        expect(shaped.delivery).toBe('unknown');
        expect(shaped.issues).toEqual([{ path: 'id', expected: 'the id of the stream asked for' }]);
        expect(shaped.message).toBe(
          `fake ${operation}: the vendor's answer about stream ${id} is about another stream`,
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe('a wait whose poll answers another stream', () => {
  // Whatever state the other stream is in, the poll that brought it ends the wait: polling on would run the
  // wait to its deadline and report the other stream's state as this one's `lastState`.
  it('is a ResponseShapeError at that poll, through get or getStatus, in any state, as is an id no call could carry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...liveStreamStates),
        fc.constantFrom('get', 'getStatus'),
        fc.constantFrom('waitForState', 'registry'),
        // Another stream's id, or one no call could carry.
        fc.constantFrom<unknown>('other', '../x', '', 7, null),
        async (state, poll, through, answered) => {
          const fake = fakeProvider('fake', { streams: 2 });
          const [id = '', otherId = ''] = [...fake.store.keys()];
          const provider = fake.provider as typeof fake.provider & {
            getStatus?: (streamId: string) => Promise<unknown>;
          };
          let polls = 0;
          const answeredId = answered === 'other' ? otherId : answered;
          const other = { ...(fake.store.get(otherId) as LiveStream), id: answeredId, state };
          if (poll === 'get')
            provider.get = (async () => {
              polls += 1;
              return other;
            }) as never;
          else
            provider.getStatus = async () => {
              polls += 1;
              return { id: answeredId, state, raw: {} };
            };
          const wait = { timeoutMs: 1_000, intervalMs: 100 };
          const error = await failure(() =>
            through === 'registry'
              ? createLiveStreamRegistry({ providers: { only: provider } }).waitForState(
                  { provider: 'only', id },
                  'ready',
                  wait,
                )
              : createLiveStreamClient(provider).waitForState(id, 'ready', wait),
          );
          expect(ResponseShapeError.isInstance(error)).toBe(true);
          const shaped = error as ResponseShapeError;
          expect(shaped.operation).toBe('waitForState');
          expect(shaped.delivery).toBe('unknown');
          expect(shaped.issues).toEqual([
            {
              path: 'id',
              expected:
                answered === 'other'
                  ? 'the id of the stream asked for'
                  : poll === 'getStatus'
                    ? 'a stream id, or none'
                    : 'a stream id',
            },
          ]);
          expect(polls).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a status without an id, or with this stream's, is waited on as before", async () => {
    const fake = fakeProvider('fake', { streams: 1 });
    const [id = ''] = [...fake.store.keys()];
    const provider = fake.provider as typeof fake.provider & {
      getStatus?: (streamId: string) => Promise<unknown>;
    };
    const answers = [
      { state: 'starting', raw: {} },
      { id, state: 'ready', raw: {} },
    ];
    provider.getStatus = (async () => answers.shift()) as never;
    await expect(
      createLiveStreamClient(provider).waitForState(id, 'ready', { timeoutMs: 60_000, intervalMs: 100 }),
    ).resolves.toMatchObject({ id, state: 'ready' });
  });
});
