import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider, fullCapabilities } from '../../test/fake-provider.js';
import type { ProviderCapabilities } from '../capabilities.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import {
  AbortError,
  AuthenticationError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
  UnsupportedOperationError,
} from '../errors/errors.js';
import { type Delivery, UniliveError } from '../errors/unilive-error.js';
import type { LiveStreamEvent } from '../events/live-stream-event.js';
import type { WarningEvent } from '../http/hooks.js';
import { invalidInput } from '../inputs.js';
import { type IngestProtocol, ingestProtocols, type RestreamTargetInput } from '../live-stream.js';
import { createLiveStreamRegistry } from './registry.js';
import { provesNothingMade, routingGaps } from './routing.js';

const failure = {
  dns: () =>
    new ProviderUnavailableError({
      provider: 'a',
      operation: 'create',
      message: 'a: DNS failure',
      delivery: 'not-sent',
    }),
  rateLimited: () =>
    new RateLimitError({
      provider: 'a',
      operation: 'create',
      message: '429',
      status: 429,
      delivery: 'refused',
    }),
  unauthorized: () =>
    new AuthenticationError({
      provider: 'a',
      operation: 'create',
      message: '401',
      status: 401,
      delivery: 'refused',
    }),
  gated: () =>
    new TimeoutError({
      provider: 'a',
      operation: 'create',
      message: 'could not start in time',
      delivery: 'not-sent',
    }),
  serverError: () =>
    new ProviderUnavailableError({
      provider: 'a',
      operation: 'create',
      message: '503',
      status: 503,
      delivery: 'unknown',
    }),
  timeout: () =>
    new TimeoutError({ provider: 'a', operation: 'create', message: 'timed out', delivery: 'unknown' }),
  unreadable: () =>
    new ResponseShapeError({
      provider: 'a',
      operation: 'create',
      message: 'not JSON',
      status: 201,
      delivery: 'unknown',
    }),
  badRequest: () =>
    new InvalidInputError({
      provider: 'a',
      operation: 'create',
      message: '400',
      status: 400,
      delivery: 'refused',
    }),
  noDelivery: () => new UniliveError({ provider: 'a', operation: 'create', message: 'partly done' }),
  aborted: () =>
    new AbortError({ provider: 'a', operation: 'create', message: 'aborted', delivery: 'not-sent' }),
  inputGap: () =>
    invalidInput([{ path: 'region', message: 'expected one of the vendor regions' }], {
      provider: 'a',
      operation: 'create',
    }),
  optionTypo: () =>
    invalidInput([{ path: 'providerOptions.a.bilingMode', message: 'unknown field' }], {
      provider: 'a',
      operation: 'create',
    }),
};

async function caught(run: () => Promise<unknown>): Promise<UniliveError> {
  try {
    await run();
  } catch (error) {
    if (UniliveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Fake providers of one stream each whose `list` walks are counted together; `walks()` reads the count. */
function walkCounter() {
  let walked = 0;
  const counted = (id: string) => {
    const { provider } = fakeProvider(id, { streams: 1 });
    return {
      ...provider,
      list: (options?: Parameters<typeof provider.list>[0]) => {
        walked += 1;
        return provider.list(options);
      },
    };
  };
  return { counted, walks: () => walked };
}

function threeProviders(capabilities: Partial<Record<'a' | 'b' | 'c', Partial<ProviderCapabilities>>> = {}) {
  const a = fakeProvider('vendor-a', { capabilities: capabilities.a ?? {} });
  const b = fakeProvider('vendor-b', { capabilities: capabilities.b ?? {} });
  const c = fakeProvider('vendor-c', { capabilities: capabilities.c ?? {} });
  return { a, b, c };
}

describe('references route every call to its provider', () => {
  it('get, update, start, stop, waitForState and delete reach the named provider and carry the reference', async () => {
    const a = fakeProvider('liveapi', { streams: 1 });
    const b = fakeProvider('liveapi', { streams: 1 });
    // Two accounts of one vendor: the same provider id under two names.
    const registry = createLiveStreamRegistry<string>({ providers: { eu: a.provider, us: b.provider } });
    const [onA] = [...a.store.keys()];
    const [onB] = [...b.store.keys()];
    if (!onA || !onB) throw new Error('fixture streams missing');
    // The fakes number their streams alike: only the name tells them apart.
    expect(onA).toBe(onB);

    const fromB = await registry.get(`us:${onB}`);
    expect(fromB.ref).toBe(`us:${onB}`);
    expect(fromB.provider).toBe('liveapi');
    expect(b.calls).toEqual([`get ${onB}`]);
    expect(a.calls).toEqual([]);

    const renamed = await registry.update({ provider: 'eu', id: onA }, { name: 'renamed' });
    expect(renamed).toMatchObject({ ref: `eu:${onA}`, name: 'renamed' });
    expect((await registry.start(`eu:${onA}`)).state).toBe('ready');
    expect((await registry.waitForState(`eu:${onA}`, 'ready', { intervalMs: 100 })).ref).toBe(`eu:${onA}`);
    expect((await registry.stop(`eu:${onA}`)).state).toBe('stopped');
    await registry.delete(`eu:${onA}`);
    expect(a.calls).toEqual([`update ${onA}`, `start ${onA}`, `get ${onA}`, `stop ${onA}`, `delete ${onA}`]);
    expect(b.calls).toEqual([`get ${onB}`]);
    expect(b.store.has(onB)).toBe(true);
  });

  it('waitForBroadcast reaches the named provider, with its events', async () => {
    const a = fakeProvider('liveapi', { streams: 1 });
    const registry = createLiveStreamRegistry<string>({ providers: { eu: a.provider } });
    const [id = ''] = [...a.store.keys()];
    // The fake's vendor does not report broadcasting: without events there is nothing to wait on.
    const unsupported = await caught(() => registry.waitForBroadcast(`eu:${id}`));
    expect(UnsupportedOperationError.isInstance(unsupported)).toBe(true);
    expect(unsupported.providerName).toBe('eu');
    // Running: a stream the API reads stopped takes no video, whatever an event says.
    await registry.start(`eu:${id}`);
    async function* events(): AsyncGenerator<LiveStreamEvent> {
      yield {
        id: 'evt-1',
        type: 'live_stream.connected',
        provider: 'liveapi',
        streamId: id,
        occurredAt: new Date(0),
        broadcasting: true,
        raw: {},
      };
    }
    const live = await registry.waitForBroadcast(
      { provider: 'eu', id },
      { events: events(), intervalMs: 100 },
    );
    expect(live).toMatchObject({ ref: `eu:${id}`, broadcasting: true });
  });

  it('an unknown name is an InvalidInputError naming the known ones, before any call', async () => {
    const a = fakeProvider('liveapi', { streams: 1 });
    const registry = createLiveStreamRegistry<string>({ providers: { eu: a.provider, backup: a.provider } });
    for (const run of [
      () => registry.get('asia:abc'),
      () => registry.delete({ provider: 'asia', id: 'abc' }),
      () => registry.create({ name: 'x' }, { provider: 'asia' }),
      () => registry.list({ providers: ['asia'] }).toArray(),
    ]) {
      const error = await caught(run);
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toContain('eu, backup');
      expect(error.message).not.toContain('asia');
      expect(error.delivery).toBe('not-sent');
    }
    expect(() => registry.client('asia')).toThrow(/eu, backup/);
    expect(a.calls).toEqual([]);
  });

  it("a provider's error keeps its class and gains the provider's registry name", async () => {
    const a = fakeProvider('liveapi');
    const registry = createLiveStreamRegistry<string>({ providers: { eu: a.provider } });
    const error = await caught(() => registry.get('eu:missing'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.provider).toBe('liveapi');
    expect(error.providerName).toBe('eu');
    expect(error.toJSON()).toMatchObject({ provider: 'liveapi', providerName: 'eu', status: 404 });
  });

  it('refuses names that would make references ambiguous, and a routing order that is not every name once', () => {
    const { provider } = fakeProvider('liveapi');
    for (const name of ['e:u', 'e u', '', 'a/b', '-x']) {
      expect(() => createLiveStreamRegistry<string>({ providers: { [name]: provider } }), name).toThrow(
        InvalidInputError,
      );
    }
    expect(() => createLiveStreamRegistry<string>({ providers: {} })).toThrow(/at least one/);
    expect(() => createLiveStreamRegistry<string>({ providers: { a: {} as never } })).toThrow(
      /provider .* or a client/,
    );
    for (const order of [['a'], ['a', 'a'], ['a', 'c'], ['a', 'b', 'c']]) {
      expect(() =>
        createLiveStreamRegistry<string>({ providers: { a: provider, b: provider }, routing: { order } }),
      ).toThrow(/every provider name once: a, b/);
    }
  });

  it('takes a client as it is, with its own hooks', async () => {
    const a = fakeProvider('liveapi', { streams: 1 });
    const client = createLiveStreamClient(a.provider);
    const registry = createLiveStreamRegistry<string>({ providers: { eu: client } });
    expect(registry.client('eu')).toBe(client);
    expect(registry.providers.map(({ name, providerId }) => ({ name, providerId }))).toEqual([
      { name: 'eu', providerId: 'liveapi' },
    ]);
  });
});

describe('configuration that cannot be read', () => {
  it('is a configuration error naming providers or the provider, not what its reads threw', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const attempts: [unknown, string][] = [
      [new Proxy({}, { ownKeys: trap }), 'providers'],
      [Object.defineProperty({}, 'a', { enumerable: true, get: trap }), 'providers'],
      [{ a: new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap }) }, 'providers.a'],
    ];
    for (const [providers, path] of attempts) {
      let caught: unknown;
      try {
        createLiveStreamRegistry<string>({ providers: providers as never });
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      expect((caught as InvalidInputError).operation).toBe('configure');
      expect((caught as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});

describe('a second argument', () => {
  // A client takes its options second (`createLiveStreamClient(provider, { hooks })`); a registry takes
  // them in its one argument, and a second one would otherwise be dropped with the hooks in it.
  it('is refused before anything is built, naming where its options go; undefined is no argument', () => {
    const registryOf = createLiveStreamRegistry as (...args: unknown[]) => unknown;
    const onError = () => {};
    for (const second of [{ hooks: { onError } }, {}, null, 0, 'hooks'] as const) {
      const fake = fakeProvider('a', { streams: 1 });
      let caught: unknown;
      try {
        registryOf({ providers: { a: fake.provider } }, second);
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      const error = caught as InvalidInputError;
      expect([error.operation, error.delivery]).toEqual(['configure', 'not-sent']);
      expect(error.issues).toEqual([
        {
          path: 'arguments',
          message:
            'expected one argument, the options: hooks, container and rateLimit are fields of it (createLiveStreamRegistry({ providers, hooks }))',
        },
      ]);
      expect(fake.calls).toEqual([]);
    }
    const fake = fakeProvider('a', { streams: 1 });
    expect(() => registryOf({ providers: { a: fake.provider } }, undefined)).not.toThrow();
  });
});

describe('list', () => {
  it('walks the providers one after the other, lazily, each stream once with its reference', async () => {
    const a = fakeProvider('vendor-a', { streams: 2 });
    const b = fakeProvider('vendor-b', { streams: 2 });
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    const iterator = registry.list()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.ref).toBe('a:vendora1');
    // Nothing of b is asked for while a has streams left.
    expect(b.calls).toEqual([]);
    const rest: string[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next())
      rest.push(step.value.ref);
    expect(rest).toEqual(['a:vendora2', 'b:vendorb1', 'b:vendorb2']);
    expect(await registry.list({ providers: ['b'] }).toArray()).toHaveLength(2);
    expect((await registry.list().toArray({ limit: 3 })).map((stream) => stream.ref)).toEqual([
      'a:vendora1',
      'a:vendora2',
      'b:vendorb1',
    ]);
  });

  it('walks a name given twice in providers once, where it first appears', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 6 }), async (names) => {
        const a = fakeProvider('vendor-a', { streams: 2 });
        const b = fakeProvider('vendor-b', { streams: 1 });
        const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
        a.calls.length = 0;
        b.calls.length = 0;
        const refs = (await registry.list({ providers: names }).toArray()).map((stream) => stream.ref);
        const order = [...new Set(names)];
        const expected = order.flatMap((name) =>
          name === 'a' ? ['a:vendora1', 'a:vendora2'] : ['b:vendorb1'],
        );
        expect(refs).toEqual(expected);
        // Each stream of each account read once: no walk of an account twice.
        expect(a.calls.filter((call) => call.startsWith('list-item')).length).toBe(
          order.includes('a') ? 2 : 0,
        );
        expect(b.calls.filter((call) => call.startsWith('list-item')).length).toBe(
          order.includes('b') ? 1 : 0,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('lists a provider named twice under each name: references differ, so neither hides the other', async () => {
    const a = fakeProvider('liveapi', { streams: 1 });
    const registry = createLiveStreamRegistry<string>({ providers: { one: a.provider, two: a.provider } });
    expect((await registry.list().toArray()).map((stream) => stream.ref)).toEqual([
      'one:liveapi1',
      'two:liveapi1',
    ]);
  });

  it('a provider failing mid-walk ends the walk with its typed error after what it yielded', async () => {
    const error = new ProviderUnavailableError({
      provider: 'vendor-b',
      operation: 'list',
      message: '503',
      status: 503,
    });
    const a = fakeProvider('vendor-a', { streams: 1 });
    const b = fakeProvider('vendor-b', { streams: 3, failList: { after: 1, error } });
    const c = fakeProvider('vendor-c', { streams: 1 });
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider, c: c.provider },
    });
    const seen: string[] = [];
    const thrown = await caught(async () => {
      for await (const stream of registry.list()) seen.push(stream.ref);
    });
    expect(seen).toEqual(['a:vendora1', 'b:vendorb1']);
    expect(sameFailure(thrown, error)).toBe(true);
    expect(thrown.providerName).toBe('b');
    expect(c.calls).toEqual([]);
  });

  it('findByName names itself when a provider fails mid-walk, and in the skipped-provider warning', async () => {
    const error = new ProviderUnavailableError({
      provider: 'vendor-b',
      operation: 'list',
      message: '503',
      status: 503,
    });
    const a = fakeProvider('vendor-a', { streams: 1 });
    const b = fakeProvider('vendor-b', { streams: 3, failList: { after: 1, error } });
    const warnings: WarningEvent[] = [];
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider },
      hooks: { onWarning: (event) => warnings.push(event) },
    });
    const thrown = await caught(() => registry.findByName('anything'));
    expect(ProviderUnavailableError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ operation: 'findByName', providerName: 'b', status: 503, message: '503' });
    // Skipped, with its warning; and since no other provider holds the name, its failure is the answer:
    // "no stream named so" cannot be said of a provider that could not be listed.
    const skipped = await caught(() => registry.findByName('anything', { onProviderError: 'skip' }));
    expect(skipped).toMatchObject({
      operation: 'findByName',
      providerName: 'b',
      status: 503,
      message: '503',
    });
    expect(warnings.map((event) => [event.operation, event.warning.type])).toEqual([
      ['findByName', 'skipped-provider'],
    ]);
    // A name found elsewhere is an answer: the stream exists (the skipped provider is still warned of).
    const found = await registry.findByName('vendor-a stream 0', { onProviderError: 'skip' });
    expect(found.map((stream) => stream.ref)).toEqual(['a:vendora1']);
    expect(warnings).toHaveLength(2);
  });

  it("with onProviderError 'skip' the walk goes on and a warning names the provider skipped", async () => {
    const error = new ProviderUnavailableError({
      provider: 'vendor-b',
      operation: 'list',
      message: 'refused',
      delivery: 'not-sent',
    });
    const warnings: WarningEvent[] = [];
    const a = fakeProvider('vendor-a', { streams: 1 });
    const b = fakeProvider('vendor-b', { streams: 3, failList: { after: 2, error } });
    const c = fakeProvider('vendor-c', { streams: 1 });
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider, c: c.provider },
      hooks: { onWarning: (event) => warnings.push(event) },
    });
    const refs = (await registry.list({ onProviderError: 'skip' }).toArray()).map((stream) => stream.ref);
    expect(refs).toEqual(['a:vendora1', 'b:vendorb1', 'b:vendorb2', 'c:vendorc1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      provider: 'vendor-b',
      operation: 'list',
      warning: { type: 'skipped-provider' },
    });
    expect(warnings[0]?.warning.message).toMatch(
      /^b failed after 2 stream\(s\) and was skipped: ProviderUnavailableError/,
    );
  });

  it("'skip' never skips the caller's own mistake or abort", async () => {
    const registry = createLiveStreamRegistry<string>({
      providers: { a: fakeProvider('vendor-a', { streams: 1 }).provider },
    });
    await expect(registry.list({ onProviderError: 'skip', pageSize: 0 }).toArray()).rejects.toThrow(
      /pageSize/,
    );
  });

  // A provider's configuration found broken only when it is called (a credential no header can carry, a
  // setting read at call time) is that provider's failure: with 'skip' the others are listed and the
  // warning names it; a provider refusing one of the list's own options is the caller's mistake.
  const listOptionNames = ['pageSize', 'maxPages', 'timeoutMs', 'signal', 'strict'] as const;
  const configurationPath = fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}(\.[A-Za-z0-9]{1,8})?$/)
    .filter((path) => !(listOptionNames as readonly string[]).includes(path.split('.')[0] ?? ''));

  it("'skip' skips a provider whose configuration fails at call time, whichever it is and however it fails", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        configurationPath,
        fc.constantFrom<Delivery | undefined>('not-sent', 'refused', undefined),
        fc.constantFrom('list', 'findByName'),
        async (broken, after, path, delivery, call) => {
          const error = new InvalidInputError({
            provider: 'vendor-x',
            operation: 'list',
            message: `vendor-x: the configured ${path} cannot be used`,
            issues: [{ path, message: 'expected something else' }],
            ...(delivery ? { delivery } : {}),
          });
          const names = ['a', 'b', 'c'] as const;
          const fakes = names.map((name, index) =>
            fakeProvider(`vendor-${name}`, {
              streams: 2,
              ...(index === broken ? { failList: { after, error } } : {}),
            }),
          );
          const warnings: WarningEvent[] = [];
          const registry = createLiveStreamRegistry<string>({
            providers: Object.fromEntries(fakes.map((fake, index) => [names[index], fake.provider])),
            hooks: { onWarning: (event) => warnings.push(event) },
          });
          const refs =
            call === 'list'
              ? (await registry.list({ onProviderError: 'skip' }).toArray()).map((stream) => stream.ref)
              : // A name another provider holds: found there, the broken one skipped with its warning.
                (
                  await registry.findByName(`vendor-${names[(broken + 1) % 3]} stream 0`, {
                    onProviderError: 'skip',
                  })
                ).map((stream) => stream.ref);
          const expected = names.flatMap((name, index) =>
            [1, 2].filter((n) => index !== broken || n <= after).map((n) => `${name}:vendor${name}${n}`),
          );
          if (call === 'list') expect(refs).toEqual(expected);
          else expect(refs).toEqual([`${names[(broken + 1) % 3]}:vendor${names[(broken + 1) % 3]}1`]);
          expect(warnings).toEqual([
            {
              provider: `vendor-${names[broken]}`,
              providerName: names[broken],
              operation: call,
              warning: {
                type: 'skipped-provider',
                // findByName counts the streams of that name it had found there: none.
                message: `${names[broken]} failed after ${call === 'list' ? after : 0} stream(s) and was skipped: InvalidInputError${error.delivery ? `, ${error.delivery}` : ''}: vendor-x: the configured ${path} cannot be used`,
              },
            },
          ]);
          // Without 'skip', the same failure ends the walk, naming the provider.
          const thrown = await caught(() => registry.list().toArray());
          expect(sameFailure(thrown, error)).toBe(true);
          expect(thrown.providerName).toBe(names[broken]);
          // A name no provider searched holds is "none" only if every one was listed: with one skipped,
          // findByName throws its failure instead of an empty answer.
          const none = await caught(() => registry.findByName('listed', { onProviderError: 'skip' }));
          expect(sameFailure(none, error)).toBe(true);
          expect(none).toMatchObject({ providerName: names[broken], operation: 'findByName' });
        },
      ),
      { numRuns: 60 },
    );
  });

  // What an outside adapter, or another copy of core, throws may carry the mark of one of core's errors with
  // any fields at all, or fields that throw when read.
  const errorKinds = Symbol.for('unilive.error.kinds');
  const markedValue = fc
    .record(
      {
        kinds: fc.constantFrom(
          ['UniliveError'],
          ['UniliveError', 'InvalidInputError'],
          ['UniliveError', 'TimeoutError'],
        ),
        issues: fc.oneof(
          fc.anything(),
          fc.array(fc.oneof(fc.anything(), fc.record({ path: fc.anything(), message: fc.anything() }))),
        ),
        name: fc.anything(),
        message: fc.anything(),
        status: fc.oneof(fc.anything(), fc.constant(Symbol('status'))),
        delivery: fc.anything(),
        operation: fc.anything(),
        throwing: fc.subarray([
          'issues',
          'name',
          'message',
          'status',
          'delivery',
          'operation',
          'providerName',
        ]),
      },
      { requiredKeys: ['kinds', 'throwing'] },
    )
    .map(({ kinds, throwing, ...fields }) => {
      // Described to fast-check without reading a field, so a counterexample prints.
      const description = `marked ${JSON.stringify(kinds)}, throwing ${JSON.stringify(throwing)}, fields ${fc.stringify(fields)}`;
      const value: Record<string | symbol, unknown> = {
        [errorKinds]: kinds,
        ...fields,
        [fc.toStringMethod]: () => description,
      };
      for (const key of throwing)
        Object.defineProperty(value, key, {
          enumerable: true,
          get() {
            throw new Error(`${key} cannot be read`);
          },
        });
      return value;
    });

  it("'skip' skips a provider throwing a value marked as one of core's errors, whatever its fields are", async () => {
    await fc.assert(
      fc.asyncProperty(markedValue, fc.integer({ min: 0, max: 2 }), async (thrownValue, after) => {
        const names = ['a', 'b'] as const;
        const fakes = names.map((name, index) =>
          fakeProvider(`vendor-${name}`, {
            streams: 2,
            ...(index === 0 ? { failList: { after, error: thrownValue as unknown as Error } } : {}),
          }),
        );
        const warnings: WarningEvent[] = [];
        const registry = createLiveStreamRegistry<string>({
          providers: Object.fromEntries(fakes.map((fake, index) => [names[index], fake.provider])),
          hooks: { onWarning: (event) => warnings.push(event) },
        });
        const refs = (await registry.list({ onProviderError: 'skip' }).toArray()).map((stream) => stream.ref);
        const kept = Math.min(after, 2);
        expect(refs).toEqual([...['a:vendora1', 'a:vendora2'].slice(0, kept), 'b:vendorb1', 'b:vendorb2']);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({
          provider: 'vendor-a',
          operation: 'list',
          warning: { type: 'skipped-provider' },
        });
        expect(warnings[0]?.warning.message).toMatch(
          new RegExp(`^a failed after ${kept} stream\\(s\\) and was skipped: `),
        );
        // Without 'skip' the walk ends with what the provider threw, never with a failure of reading it.
        let thrown: unknown;
        try {
          await registry.list().toArray();
        } catch (error) {
          thrown = error;
        }
        expect(UniliveError.isInstance(thrown)).toBe(true);
        expect(Object.getPrototypeOf(thrown)).toBe(Object.prototype);
        expect((thrown as Record<symbol, unknown>)[errorKinds]).toEqual(thrownValue[errorKinds]);
      }),
      { numRuns: 150 },
    );
  });

  it("'skip' never skips a provider refusing one of the list's own options", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom(...listOptionNames),
        fc.constantFrom('', '.max'),
        async (refusing, option, under) => {
          const error = invalidInput([{ path: `${option}${under}`, message: 'this vendor takes less' }], {
            provider: 'vendor-x',
            operation: 'list',
          });
          const names = ['a', 'b', 'c'] as const;
          const fakes = names.map((name, index) =>
            fakeProvider(`vendor-${name}`, {
              streams: 1,
              ...(index === refusing ? { failList: { after: 0, error } } : {}),
            }),
          );
          const warnings: WarningEvent[] = [];
          const registry = createLiveStreamRegistry<string>({
            providers: Object.fromEntries(fakes.map((fake, index) => [names[index], fake.provider])),
            hooks: { onWarning: (event) => warnings.push(event) },
          });
          const seen: string[] = [];
          const thrown = await caught(async () => {
            for await (const stream of registry.list({ onProviderError: 'skip' })) seen.push(stream.ref);
          });
          expect(sameFailure(thrown, error)).toBe(true);
          expect(thrown.providerName).toBe(names[refusing]);
          expect(seen).toEqual(names.slice(0, refusing).map((name) => `${name}:vendor${name}1`));
          expect(warnings).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('providers with a hole, an element whose getter throws or no name is refused naming the first, before any walk', async () => {
    type Slot =
      | { kind: 'name'; name: 'a' | 'b' | 'c' }
      | { kind: 'hole' }
      | { kind: 'throws' }
      | { kind: 'value'; value: unknown };
    const slot: fc.Arbitrary<Slot> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('a', 'b', 'c').map((name) => ({ kind: 'name' as const, name })),
      },
      fc.constant({ kind: 'hole' as const }),
      fc.constant({ kind: 'throws' as const }),
      fc
        .oneof(fc.anything(), fc.constantFrom('z', '', 'A'))
        .map((value) => ({ kind: 'value' as const, value })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(slot, { maxLength: 6 }),
        fc.constantFrom('list', 'findByName'),
        async (slots, call) => {
          const { counted, walks } = walkCounter();
          const registry = createLiveStreamRegistry<string>({
            providers: { a: counted('vendor-a'), b: counted('vendor-b'), c: counted('vendor-c') },
          });
          const providers: unknown[] = [];
          providers.length = slots.length;
          slots.forEach((entry, index) => {
            if (entry.kind === 'name') providers[index] = entry.name;
            else if (entry.kind === 'value') providers[index] = entry.value;
            else if (entry.kind === 'throws')
              Object.defineProperty(providers, index, {
                get() {
                  throw new Error('no element');
                },
              });
          });
          const options = { providers: providers as string[] };
          const run = () =>
            call === 'list' ? registry.list(options).toArray() : registry.findByName('any', options);
          const bad = slots.findIndex(
            (entry) =>
              entry.kind !== 'name' &&
              !(entry.kind === 'value' && ['a', 'b', 'c'].includes(entry.value as string)),
          );
          if (bad === -1) {
            await run();
            expect(walks()).toBe(new Set(providers).size);
            return;
          }
          const thrown = await caught(run);
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect(thrown).toMatchObject({ operation: call, delivery: 'not-sent' });
          // The list is read whole before any name is checked: an entry whose read throws is named first.
          const unreadableAt = slots.findIndex((entry) => entry.kind === 'throws');
          expect((thrown as InvalidInputError).issues).toEqual([
            unreadableAt === -1
              ? { path: `options.providers.${bad}`, message: 'expected one of a, b, c' }
              : {
                  path: `options.providers.${unreadableAt}`,
                  message: 'could not be read (a getter or a Proxy in it threw)',
                },
          ]);
          expect(walks()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a bad list option is refused before any provider is walked, whatever onProviderError says', async () => {
    const notPositive = fc.oneof(
      fc.integer({ max: 0 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
    );
    const badTimeout = fc.oneof(
      fc.integer({ max: 0 }),
      fc.double({ min: 2_147_483_648, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0),
    );
    const badOption = fc.oneof(
      notPositive.map((value) => ['pageSize', value] as const),
      notPositive.map((value) => ['maxPages', value] as const),
      badTimeout.map((value) => ['timeoutMs', value] as const),
    );
    await fc.assert(
      fc.asyncProperty(
        badOption,
        fc.constantFrom<'throw' | 'skip' | undefined>('throw', 'skip', undefined),
        fc.constantFrom('list', 'findByName'),
        async ([option, value], onProviderError, call) => {
          const { counted, walks } = walkCounter();
          const registry = createLiveStreamRegistry<string>({
            providers: { a: counted('vendor-a'), b: counted('vendor-b') },
          });
          const options = { [option]: value, ...(onProviderError ? { onProviderError } : {}) };
          const thrown = await caught(() =>
            call === 'list' ? registry.list(options).toArray() : registry.findByName('any', options),
          );
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect(thrown).toMatchObject({ operation: call, delivery: 'not-sent', provider: undefined });
          expect((thrown as InvalidInputError).issues.map((issue) => issue.path)).toEqual([
            `options.${option}`,
          ]);
          expect(walks()).toBe(0);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('routing', () => {
  it('goes where told, whatever the capabilities say, and says so', async () => {
    const { a, b } = threeProviders({ b: { restream: false } });
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    const stream = await registry.create({ name: 'told' }, { provider: 'b' });
    expect(stream.ref).toBe('b:vendorb1');
    expect(stream.routing).toEqual({
      provider: 'b',
      by: 'requested',
      candidates: ['b'],
      excluded: [],
      failedOver: [],
      reason: 'b: named by the caller',
    });
    expect(a.calls).toEqual([]);
  });

  it('picks the first provider in the routing order whose capabilities fit, listing those left out', async () => {
    const { a, b, c } = threeProviders({ a: { ingestProtocols: ['rtmp'] }, b: { lowLatency: false } });
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider, c: c.provider },
      routing: { order: ['b', 'a', 'c'] },
    });
    const stream = await registry.create({ name: 'srt event', ingestProtocol: 'srt', lowLatency: true });
    expect(stream.ref).toBe('c:vendorc1');
    expect(stream.routing).toMatchObject({
      provider: 'c',
      by: 'order',
      candidates: ['c'],
      excluded: [
        { provider: 'b', lacks: ['lowLatency'] },
        { provider: 'a', lacks: ['ingestProtocol srt (takes rtmp)'] },
      ],
    });
    expect(stream.routing.reason).toBe(
      'c: first in the routing order that takes srt ingest, low latency; left out: b (lacks lowLatency), a (lacks ingestProtocol srt (takes rtmp))',
    );
  });

  it('with no candidate, an InvalidInputError lists what each provider lacks, before any request', async () => {
    const { a, b } = threeProviders({ a: { restream: false, regions: false }, b: { restream: false } });
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    const error = await caught(() =>
      registry.create({
        name: 'x',
        region: 'eu',
        restream: [{ url: 'rtmp://yt.test/live', streamKey: 'restream-key-123' }],
      }),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toBe('No provider can take this input: a lacks restream, region; b lacks restream');
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'providers.a', message: 'lacks restream, region' },
      { path: 'providers.b', message: 'lacks restream' },
    ]);
    expect(JSON.stringify(error.toJSON())).not.toContain('restream-key-123');
    expect([...a.calls, ...b.calls]).toEqual([]);
  });

  it('invalid input is refused once, before routing', async () => {
    const { a, b } = threeProviders();
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    const error = await caught(() => registry.create({ name: '' }));
    expect((error as InvalidInputError).issues[0]?.path).toBe('name');
    expect([...a.calls, ...b.calls]).toEqual([]);
  });

  it("a user's choose picks among the fitting candidates: one name first, or the whole order", async () => {
    const { a, b, c } = threeProviders({ a: { recording: false } });
    const offered: string[][] = [];
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider, c: c.provider },
      routing: {
        choose: (candidates, input) => {
          offered.push(candidates.map((candidate) => `${candidate.name}/${candidate.providerId}`));
          return input.name === 'one' ? 'c' : ['c', 'b'];
        },
      },
    });
    c.script({ kind: 'fail', error: failure.dns() });
    const one = await registry.create({ name: 'one', recording: true });
    expect(one.routing).toMatchObject({ provider: 'b', by: 'choose', candidates: ['c', 'b'] });
    expect(offered).toEqual([['b/vendor-b', 'c/vendor-c']]);
    const both = await registry.create({ name: 'both', recording: true });
    expect(both.routing.provider).toBe('c');
  });

  it('a choice that is no fitting candidate is refused', async () => {
    const { a, b, c } = threeProviders({ a: { recording: false } });
    for (const [choice, why] of [
      ['a', '"a", which does not fit the input'],
      ['z', 'a name no provider of the registry has'],
      [[], 'an empty list'],
      [['b', 'b'], '"b" twice'],
      [['b', 7], 'a name no provider of the registry has'],
      [['b', 'c', 'b'], 'more names than there are fitting candidates'],
      [{ 0: 'b' }, 'no list of names'],
    ] as const) {
      const registry = createLiveStreamRegistry<string>({
        providers: { a: a.provider, b: b.provider, c: c.provider },
        routing: { choose: () => choice as string | string[] },
      });
      const error = await caught(() => registry.create({ name: 'x', recording: true }));
      expect(error.message).toBe(
        `routing.choose returned no usable choice (${why}): expected one or more of b, c, each once`,
      );
    }
    expect([...a.calls, ...b.calls, ...c.calls]).toEqual([]);
  });

  it('routes only to a provider that fits, for any capabilities and input', async () => {
    const capabilities = fc.record({
      ingestProtocols: fc.subarray([...ingestProtocols], { minLength: 1 }),
      lowLatency: fc.boolean(),
      recording: fc.boolean(),
      restream: fc.boolean(),
      regions: fc.boolean(),
      maxNameLength: fc.integer({ min: 5, max: 200 }),
    });
    const input = fc.record(
      {
        name: fc
          .string({ minLength: 1, maxLength: 40 })
          .filter((name) => /^[a-z ]+$/.test(name) && name.trim() !== ''),
        ingestProtocol: fc.constantFrom<IngestProtocol>(...ingestProtocols),
        lowLatency: fc.boolean(),
        recording: fc.boolean(),
        region: fc.constant('eu'),
        restream: fc.constant<RestreamTargetInput[]>([{ url: 'rtmp://yt.test/live', streamKey: 'key-1' }]),
      },
      { requiredKeys: ['name'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(capabilities, { minLength: 1, maxLength: 4 }), input, async (caps, given) => {
        const fakes = caps.map((capability, index) =>
          fakeProvider(`v${index}`, { capabilities: capability }),
        );
        const registry = createLiveStreamRegistry<string>({
          providers: Object.fromEntries(fakes.map((fake, index) => [`p${index}`, fake.provider])),
        });
        const fitting = caps.flatMap((capability, index) =>
          routingGaps({ ...fullCapabilities, ...capability }, given).length === 0 ? [`p${index}`] : [],
        );
        try {
          const stream = await registry.create(given);
          expect(stream.routing.provider).toBe(fitting[0]);
          expect(stream.routing.candidates).toEqual(fitting);
          expect(stream.ref.startsWith(`${fitting[0]}:`)).toBe(true);
        } catch (error) {
          if (!InvalidInputError.isInstance(error)) throw error;
          expect(fitting).toEqual([]);
          expect(error.issues.map((issue) => issue.path)).toEqual(
            caps.map((_, index) => `providers.p${index}`),
          );
        }
        expect(fakes.reduce((made, fake) => made + fake.store.size, 0)).toBe(fitting.length > 0 ? 1 : 0);
      }),
    );
  });
});

describe('failover', () => {
  const nothingMade = ['dns', 'rateLimited', 'unauthorized', 'gated', 'inputGap'] as const;
  const maybeMade = ['serverError', 'timeout', 'unreadable', 'noDelivery'] as const;

  for (const kind of nothingMade) {
    it(`goes on to the next candidate after ${kind}, which proves nothing was made`, async () => {
      const { a, b } = threeProviders();
      const warnings: WarningEvent[] = [];
      const registry = createLiveStreamRegistry<string>({
        providers: { a: a.provider, b: b.provider },
        hooks: { onWarning: (event) => warnings.push(event) },
      });
      const error = failure[kind]();
      a.script({ kind: 'fail', error });
      const stream = await registry.create({ name: 'event' });
      expect(stream.ref).toBe('b:vendorb1');
      expect(stream.routing.failedOver).toEqual([
        {
          provider: 'a',
          delivery: error.delivery,
          error: expect.objectContaining({ message: error.message }),
        },
      ]);
      expect(sameFailure(stream.routing.failedOver[0]?.error, error)).toBe(true);
      expect(stream.routing.reason).toMatch(
        /^b: first in the routing order that fits, after a \(\w+, (not-sent|refused)\) made nothing$/,
      );
      expect(stream.warnings).toEqual([warnings[0]?.warning]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        provider: 'vendor-a',
        operation: 'create',
        warning: { type: 'fallback' },
      });
      expect(warnings[0]?.warning.message).toMatch(/^a failed without making the stream \(.*\); trying b$/);
      expect(a.store.size + b.store.size).toBe(1);
    });
  }

  for (const kind of [...maybeMade, 'badRequest', 'aborted', 'optionTypo'] as const) {
    it(`never goes on after ${kind}: the error names the provider and whether a stream may exist`, async () => {
      const { a, b } = threeProviders();
      const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
      const error = failure[kind]();
      a.script({ kind: (maybeMade as readonly string[]).includes(kind) ? 'make-then-fail' : 'fail', error });
      const thrown = await caught(() => registry.create({ name: 'event' }));
      expect(sameFailure(thrown, error)).toBe(true);
      expect(thrown.providerName).toBe('a');
      expect(thrown.maybeCreated).toBe(!['not-sent', 'refused'].includes(error.delivery ?? ''));
      expect(b.calls).toEqual([]);
      expect(thrown.toJSON()).toMatchObject({ providerName: 'a', maybeCreated: thrown.maybeCreated });
    });
  }

  it("never goes on once the caller's signal fired", async () => {
    const { a, b } = threeProviders();
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    const controller = new AbortController();
    controller.abort();
    a.script({ kind: 'fail', error: failure.dns() });
    // Fired before the call: the first candidate's client ends it before asking its provider anything.
    const thrown = await caught(() => registry.create({ name: 'x' }, { signal: controller.signal }));
    expect(AbortError.isInstance(thrown)).toBe(true);
    expect(thrown.delivery).toBe('not-sent');
    expect(a.calls).toEqual([]);
    expect(b.calls).toEqual([]);
  });

  it('with failover: false the first candidate decides', async () => {
    const { a, b } = threeProviders();
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider },
      routing: { failover: false },
    });
    a.script({ kind: 'fail', error: failure.rateLimited() });
    const thrown = await caught(() => registry.create({ name: 'x' }));
    expect(RateLimitError.isInstance(thrown)).toBe(true);
    expect(thrown.maybeCreated).toBe(false);
    expect(b.calls).toEqual([]);
  });

  it('a provider named in the call never fails over', async () => {
    const { a, b } = threeProviders();
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    a.script({ kind: 'fail', error: failure.dns() });
    const thrown = await caught(() => registry.create({ name: 'x' }, { provider: 'a' }));
    expect(thrown).toMatchObject({ providerName: 'a', maybeCreated: false });
    expect(b.calls).toEqual([]);
  });

  it('when every candidate made nothing, the last error says so; when all refused the input, one error lists why', async () => {
    const { a, b, c } = threeProviders({ c: { restream: false } });
    const registry = createLiveStreamRegistry<string>({
      providers: { a: a.provider, b: b.provider, c: c.provider },
    });
    a.script({ kind: 'fail', error: failure.dns() });
    const last = failure.rateLimited();
    b.script({ kind: 'fail', error: last });
    const input = { name: 'x', restream: [{ url: 'rtmp://yt.test/live', streamKey: 'k-1' }] };
    const thrown = await caught(() => registry.create(input));
    expect(sameFailure(thrown, last)).toBe(true);
    expect(thrown).toMatchObject({ providerName: 'b', maybeCreated: false });

    a.script({ kind: 'fail', error: failure.inputGap() });
    b.script({ kind: 'fail', error: failure.inputGap() });
    const refused = await caught(() => registry.create(input));
    expect(refused.message).toBe(
      'No provider can take this input: c lacks restream; a lacks region (expected one of the vendor regions); b lacks region (expected one of the vendor regions)',
    );
  });

  it('over any mix of failures, at most one stream is made and failover happens only past proven-nothing failures', async () => {
    const kinds = [...nothingMade, ...maybeMade, 'badRequest', 'succeed'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 4 }), async (plan) => {
        const fakes = plan.map((_, index) => fakeProvider(`v${index}`));
        plan.forEach((kind, index) => {
          const fake = fakes[index];
          if (!fake || kind === 'succeed') return;
          const made = (maybeMade as readonly string[]).includes(kind);
          fake.script({ kind: made ? 'make-then-fail' : 'fail', error: failure[kind]() });
        });
        const registry = createLiveStreamRegistry<string>({
          providers: Object.fromEntries(fakes.map((fake, index) => [`p${index}`, fake.provider])),
        });
        const firstStop = plan.findIndex((kind) => !(nothingMade as readonly string[]).includes(kind));
        let outcome: string;
        try {
          outcome = (await registry.create({ name: 'generated' })).routing.provider;
        } catch (error) {
          outcome = `error ${(error as UniliveError).providerName}`;
          expect((error as UniliveError).maybeCreated).toBe(
            firstStop >= 0 && (maybeMade as readonly string[]).includes(plan[firstStop] ?? ''),
          );
        }
        const made = fakes.reduce((sum, fake) => sum + fake.store.size, 0);
        expect(made).toBeLessThanOrEqual(1);
        const tried = fakes.filter((fake) => fake.calls.includes('create')).length;
        if (firstStop < 0) {
          // Every candidate proved it made nothing: all were tried, none made a stream.
          expect(tried).toBe(plan.length);
          expect(made).toBe(0);
        } else {
          expect(tried).toBe(firstStop + 1);
          expect(outcome).toBe(plan[firstStop] === 'succeed' ? `p${firstStop}` : `error p${firstStop}`);
        }
      }),
    );
  });

  it('provesNothingMade reads delivery, and only 429 or authentication among refusals', () => {
    const deliveries: (Delivery | undefined)[] = ['not-sent', 'refused', 'unknown', undefined];
    for (const delivery of deliveries) {
      const options = { message: 'm', ...(delivery ? { delivery } : {}) };
      expect(provesNothingMade(new RateLimitError(options))).toBe(
        delivery === 'unknown' ? undefined : delivery,
      );
      expect(provesNothingMade(new AuthenticationError(options))).toBe(
        delivery === 'unknown' ? undefined : delivery,
      );
      // Without a vendor's status, input refused is refused before any request: not sent.
      expect(provesNothingMade(new InvalidInputError(options))).toBe(
        delivery === 'not-sent' || delivery === undefined ? 'not-sent' : undefined,
      );
      expect(provesNothingMade(new ProviderUnavailableError(options))).toBe(
        delivery === 'not-sent' ? 'not-sent' : undefined,
      );
      expect(provesNothingMade(new AbortError(options))).toBeUndefined();
    }
    expect(provesNothingMade(new Error('plain'))).toBeUndefined();
  });
});

describe('findByName', () => {
  it('finds a stream by its name on every provider, for reconciling a create that may have made it', async () => {
    const { a, b } = threeProviders();
    const registry = createLiveStreamRegistry<string>({ providers: { a: a.provider, b: b.provider } });
    a.script({ kind: 'make-then-fail', error: failure.timeout() });
    const thrown = await caught(() => registry.create({ name: 'launch' }));
    expect(thrown.maybeCreated).toBe(true);
    const found = await registry.findByName('launch');
    expect(found.map((stream) => stream.ref)).toEqual(['a:vendora1']);
    expect(await registry.findByName('launch', { providers: ['b'] })).toEqual([]);
    await expect(registry.findByName('')).rejects.toThrow(InvalidInputError);
  });
});

// Errors are immutable: the registry hands on a copy of the provider's error with its name added, of the
// same class and with every field the provider set.
function sameFailure(thrown: unknown, error: UniliveError): boolean {
  return (
    UniliveError.isInstance(thrown) &&
    Object.getPrototypeOf(thrown) === Object.getPrototypeOf(error) &&
    thrown.message === error.message &&
    thrown.status === error.status &&
    thrown.delivery === error.delivery &&
    thrown.cause === error.cause
  );
}
