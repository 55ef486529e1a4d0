import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { AbortError, ConflictError, InvalidInputError, TimeoutError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { LiveStream, LiveStreamState } from '../live-stream.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus, StartOptions } from '../provider.js';
import type { Sleep } from '../runtime.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A request event as the HTTP layer raises it, with nothing to mask.
const requestEvent = {
  provider: 'scripted',
  operation: 'create',
  method: 'POST',
  url: 'https://api.scripted.test/streams',
  attempt: 1,
};

// A scripted provider: records every call, answers state polls from a script.
function scriptedProvider(states: LiveStreamState[], withStatus = true) {
  const calls: string[] = [];
  const seenOptions: (CallOptions | undefined)[] = [];
  let poll = 0;
  const stream = (state: LiveStreamState): LiveStream => ({
    id: 's1',
    provider: 'scripted',
    name: 'S',
    state,
    ingest: [{ protocol: 'rtmp', url: 'rtmp://ingest.test/app/key' }],
    playback: [],
    recording: false,
    raw: {},
  });
  const nextState = () => states[Math.min(poll++, states.length - 1)] ?? 'unknown';
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id: 'scripted',
    capabilities: {
      lifecycle: 'explicit',
      start: true,
      stop: true,
      restart: true,
      update: true,
      delete: true,
      recording: true,
      restream: false,
      regions: false,
      lowLatency: false,
      broadcastingStatus: false,
      names: true,
      ingestProtocols: ['rtmp'],
      playbackProtocols: [],
      maxNameLength: 200,
    },
    async create(input, options) {
      calls.push(`create ${input.name}`);
      seenOptions.push(options);
      return stream('stopped');
    },
    async get(id, options) {
      calls.push(`get ${id}`);
      seenOptions.push(options);
      return { ...stream(withStatus ? 'starting' : nextState()), id };
    },
    async *list() {
      for (const id of ['a', 'b', 'c']) {
        calls.push(`page ${id}`);
        yield { ...stream('stopped'), id };
      }
    },
    async update(id) {
      calls.push(`update ${id}`);
      return { ...stream('stopped'), id };
    },
    async delete(id) {
      calls.push(`delete ${id}`);
    },
    async start(id) {
      calls.push(`start ${id}`);
      return { ...stream('starting'), id };
    },
    async stop(id) {
      calls.push(`stop ${id}`);
      return { ...stream('stopping'), id };
    },
  };
  if (withStatus) {
    provider.getStatus = async (id): Promise<LiveStreamStatus> => {
      calls.push(`status ${id}`);
      return { state: nextState(), raw: {} };
    };
  }
  return { provider, calls, seenOptions };
}

function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    sleeps.push(ms);
    now += ms;
  };
  const container = createContainer();
  container.register(tokens.clock, { useValue: () => now });
  container.register(tokens.sleep, { useValue: sleep });
  return { container, sleeps };
}

describe('createLiveStreamClient', () => {
  it('validates input before calling the provider', async () => {
    const { provider, calls } = scriptedProvider([]);
    const client = createLiveStreamClient(provider);
    await expect(client.create({ name: '' })).rejects.toThrow(InvalidInputError);
    await expect(client.update('s1', {})).rejects.toThrow(InvalidInputError);
    for (const id of ['../x', 'a/b', 'a?b', 'a#b']) {
      await expect(client.get(id)).rejects.toThrow(InvalidInputError);
      await expect(client.delete(id)).rejects.toThrow(InvalidInputError);
    }
    expect(calls).toEqual([]);
  });

  // Found by the reliability suite's hostile inputs: "." passed the id check and `live_streams/.` resolves
  // to `live_streams/`, so delete('.') sent DELETE to the collection; a page size that is no positive
  // integer reached the vendor as per_page=NaN, or was clamped by some adapters and refused by others.
  it('refuses the id "." and a page size that is no positive integer, before calling the provider', async () => {
    const { provider, calls } = scriptedProvider([]);
    const client = createLiveStreamClient(provider);
    for (const operation of ['get', 'delete', 'start', 'stop'] as const) {
      await expect(client[operation]('.')).rejects.toThrow(InvalidInputError);
    }
    await expect(client.update('.', { name: 'x' })).rejects.toThrow(InvalidInputError);
    for (const pageSize of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      const error = await client
        .list({ pageSize })
        .toArray()
        .catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error), String(pageSize)).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        { path: 'options.pageSize', message: 'expected a positive integer' },
      ]);
    }
    for (const maxPages of [0, -3, 1.5, Number.NaN, '5' as unknown as number]) {
      const error = await client
        .list({ maxPages })
        .toArray()
        .catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error), String(maxPages)).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        { path: 'options.maxPages', message: 'expected a positive integer' },
      ]);
      expect((error as InvalidInputError).delivery).toBe('not-sent');
    }
    expect(calls).toEqual([]);
    expect(await client.list({ pageSize: 2 }).toArray()).toHaveLength(3);
    // Ids with dots inside stay valid.
    await client.get('a.b');
    expect(calls.slice(-1)).toEqual(['get a.b']);
  });

  it('passes signal, timeout and its runtime to the provider', async () => {
    const { provider, seenOptions } = scriptedProvider([]);
    const heard: unknown[] = [];
    const hooks = { onRequest: (event: unknown) => heard.push(event) };
    const controller = new AbortController();
    await createLiveStreamClient(provider, { hooks }).create(
      { name: 'x' },
      { signal: controller.signal, timeoutMs: 5 },
    );
    expect(seenOptions[0]?.signal).toBe(controller.signal);
    expect(seenOptions[0]?.timeoutMs).toBe(5);
    // The client keeps its own copy of the hooks, read from own properties: the runtime's reach the caller's.
    seenOptions[0]?.runtime?.hooks?.onRequest?.(requestEvent);
    expect(heard).toEqual([requestEvent]);
  });

  it('resolves the provider from a container when none is passed', async () => {
    const { provider } = scriptedProvider([]);
    const container = createContainer();
    container.register(tokens.provider, { useValue: provider });
    expect(createLiveStreamClient(undefined, { container }).providerId).toBe('scripted');
  });

  it('prefers the provider and hooks it is given over those the container has', async () => {
    const given = scriptedProvider([]);
    const registered = scriptedProvider([]);
    const heard: string[] = [];
    const givenHooks = { onRequest: () => heard.push('given') };
    const container = createContainer();
    container.register(tokens.provider, { useValue: registered.provider });
    container.register(tokens.hooks, { useValue: { onRequest: () => heard.push('registered') } });
    await createLiveStreamClient(given.provider, { container, hooks: givenHooks }).create({ name: 'x' });
    given.seenOptions[0]?.runtime?.hooks?.onRequest?.(requestEvent);
    expect(heard).toEqual(['given']);
    expect(registered.calls).toEqual([]);
  });

  it('refuses to build a client with neither a provider nor a container that has one', () => {
    for (const options of [{}, { container: createContainer() }]) {
      let error: unknown;
      try {
        createLiveStreamClient(undefined, options);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).message).toBe(
        'Invalid input for configure: provider: expected a provider, or a container that has one',
      );
    }
  });

  it('an id refused before any request says nothing was sent', async () => {
    const { provider, calls } = scriptedProvider([]);
    const client = createLiveStreamClient(provider);
    for (const operation of ['get', 'delete', 'start', 'stop', 'waitForState'] as const) {
      const error = await (operation === 'waitForState'
        ? client.waitForState('a/b', 'ready')
        : client[operation]('a/b')
      ).catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error), operation).toBe(true);
      expect((error as InvalidInputError).delivery, operation).toBe('not-sent');
    }
    expect(calls).toEqual([]);
  });

  it("hands every warning a listed stream carries to onWarning, with the operation 'list'", async () => {
    const { provider } = scriptedProvider([]);
    const warned = (id: string, count: number): LiveStream => ({
      id,
      provider: 'scripted',
      state: 'stopped',
      ingest: [],
      playback: [],
      raw: {},
      warnings: Array.from({ length: count }, (_, index) => ({
        type: 'incomplete-answer' as const,
        message: `${id} warning ${index}`,
      })),
    });
    provider.list = async function* () {
      yield warned('a', 1);
      yield warned('b', 0);
      yield warned('c', 2);
    };
    const heard: string[] = [];
    const client = createLiveStreamClient(provider, {
      hooks: {
        onWarning: (event) => heard.push(`${event.provider} ${event.operation} ${event.warning.message}`),
      },
    });
    const seen: string[] = [];
    for await (const stream of client.list()) {
      seen.push(stream.id);
      // Heard by the time the loop gets the stream, not after the walk.
      expect(heard.filter((line) => line.includes(` ${stream.id} `))).toHaveLength(
        stream.warnings?.length ?? 0,
      );
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(heard).toEqual([
      'scripted list a warning 0',
      'scripted list c warning 0',
      'scripted list c warning 1',
    ]);
    // Stopping early stops hearing: nothing past the streams taken.
    heard.length = 0;
    await client.list().toArray({ limit: 1 });
    expect(heard).toEqual(['scripted list a warning 0']);
  });

  it('list is lazy and toArray can stop early', async () => {
    const { provider, calls } = scriptedProvider([]);
    const client = createLiveStreamClient(provider);
    const list = client.list();
    expect(calls).toEqual([]);
    expect((await list.toArray({ limit: 2 })).map((stream) => stream.id)).toEqual(['a', 'b']);
    expect(calls).toEqual(['page a', 'page b']);
    const ids: string[] = [];
    for await (const stream of client.list()) ids.push(stream.id);
    expect(ids).toEqual(['a', 'b', 'c']);
  });
});

describe('list({ name })', () => {
  it('yields only the streams named exactly so, whatever the provider yields, and refuses an empty name before any request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('launch', 'Launch', 'launch ', 'other', undefined), { maxLength: 8 }),
        async (names) => {
          const streams: LiveStream[] = names.map((name, index) => ({
            id: `s${index}`,
            provider: 'fake',
            ...(name === undefined ? {} : { name }),
            state: 'stopped',
            ingest: [],
            playback: [],
            raw: {},
          }));
          const asked: unknown[] = [];
          const provider: LiveStreamProvider = {
            ...scriptedProvider(['stopped']).provider,
            async *list(options?: { name?: string }) {
              asked.push(options?.name);
              yield* streams;
            },
          };
          const client = createLiveStreamClient(provider);
          const listed = await client.list({ name: 'launch' }).toArray();
          expect(listed.map((stream) => stream.id)).toEqual(
            streams.filter((stream) => stream.name === 'launch').map((stream) => stream.id),
          );
          // The provider is told the name, to pass over the streams its pages name otherwise.
          expect(asked).toEqual(['launch']);
          const refused = await client
            .list({ name: '' })
            .toArray()
            .catch((caught: unknown) => caught);
          expect(InvalidInputError.isInstance(refused)).toBe(true);
          expect(asked).toHaveLength(1);
        },
      ),
    );
  });
});

describe('list: whatever an outside provider does', () => {
  // An adapter outside the project may throw from `list` itself, return something that is no async
  // iterable, or end its walk badly when the caller stops early: each is a UniliveError naming the provider
  // and `list`, as a failing step already is, never a TypeError of the client's own.
  const thrown = fc.oneof(
    fc.anything(),
    fc.constant(new TypeError('vendor SDK broke')),
    fc.constant(Symbol('thrown')),
  );
  const stream = (id: string): LiveStream => ({
    id,
    provider: 'outside',
    state: 'ready',
    ingest: [],
    playback: [],
    raw: {},
  });
  // A walk of two streams whose `return` does as `ending` says.
  const walkEndingWith = (ending: () => unknown) => () => {
    let index = 0;
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          index += 1;
          return index <= 2 ? { done: false, value: stream(`s${index}`) } : { done: true, value: undefined };
        },
        return: ending,
      }),
    };
  };
  const lists = fc.oneof(
    thrown.map((value) => () => {
      throw value;
    }),
    fc
      .oneof(
        fc.constantFrom(null, undefined, 5, 'streams', [stream('a')], {}),
        fc.constant({
          get [Symbol.asyncIterator]() {
            throw new Error('getter');
          },
        }),
        fc.constant({ [Symbol.asyncIterator]: 'no function' }),
      )
      .map((value) => () => value),
  );
  const endings = fc.oneof(
    thrown.map((value) => () => {
      throw value;
    }),
    thrown.map((value) => () => Promise.reject(value)),
    fc.constantFrom(undefined, null, 5, 'done').map((value) => () => value),
    fc.constantFrom(undefined, null, 5).map((value) => () => Promise.resolve(value)),
  );

  it('a list that throws at once or returns no async iterable fails the walk with a UniliveError', async () => {
    await fc.assert(
      fc.asyncProperty(lists, async (list) => {
        const { provider } = scriptedProvider([]);
        provider.list = list as LiveStreamProvider['list'];
        const client = createLiveStreamClient(provider);
        for (const walk of [
          () => client.list().toArray(),
          async () => {
            for await (const _ of client.list()) return;
          },
        ]) {
          let failure: unknown;
          try {
            await walk();
          } catch (error) {
            failure = error;
          }
          expect(UniliveError.isInstance(failure)).toBe(true);
          expect(failure).toMatchObject({ provider: provider.id, operation: 'list' });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a walk whose signal fires ends with AbortError at the next stream, whatever the provider does with the signal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.nat({ max: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(endings, { nil: undefined }),
        async (total, firesAt, inStep, toArray, ending) => {
          const fires = Math.min(firesAt, total - 1);
          const controller = new AbortController();
          const reason = new Error('caller gave up');
          let steps = 0;
          let returned = 0;
          const { provider } = scriptedProvider([]);
          // Hands out its streams whatever the signal says, as a vendor whose pages carry whole streams does
          // for the rest of a page already fetched; with `inStep`, the signal fires while the step after the
          // `fires`-th stream runs (an onResponse hook), else in the caller's loop once it holds `fires`.
          provider.list = (() => ({
            [Symbol.asyncIterator]: () => ({
              next: async () => {
                steps += 1;
                if (inStep && steps === fires + 1) controller.abort(reason);
                return steps <= total
                  ? { done: false, value: stream(`s${steps}`) }
                  : { done: true, value: undefined };
              },
              ...(ending === undefined
                ? {}
                : {
                    return: () => {
                      returned += 1;
                      return ending();
                    },
                  }),
            }),
          })) as unknown as LiveStreamProvider['list'];
          const list = createLiveStreamClient(provider).list({ signal: controller.signal });
          const taken: string[] = [];
          if (!inStep && fires === 0) controller.abort(reason);
          const failure = await (async () => {
            if (toArray && inStep) {
              await list.toArray();
              return undefined;
            }
            for await (const listed of list) {
              taken.push(listed.id);
              if (!inStep && taken.length === fires) controller.abort(reason);
            }
            return undefined;
          })().then(
            () => undefined,
            (error: unknown) => error,
          );
          const said = `${total} streams, fires at ${fires}${inStep ? ' in a step' : ''}`;
          expect(AbortError.isInstance(failure), said).toBe(true);
          expect(failure, said).toMatchObject({
            provider: provider.id,
            operation: 'list',
            delivery: 'not-sent',
            cause: { message: 'caller gave up' },
          });
          // Nothing handed out once it fired, and no step asked of the provider after it.
          expect(taken, said).toEqual(
            toArray && inStep ? [] : ['s1', 's2', 's3', 's4', 's5', 's6'].slice(0, fires),
          );
          expect(steps, said).toBe(inStep ? fires + 1 : fires);
          // The provider's walk is let go of (its `return` called once), whatever that return does; one
          // aborted before it began need not have been asked for at all.
          if (!inStep && fires === 0) expect(returned, said).toBeLessThanOrEqual(1);
          else expect(returned, said).toBe(ending === undefined ? 0 : 1);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a walk whose return misbehaves when the caller stops early keeps the streams taken, or fails typed', async () => {
    await fc.assert(
      fc.asyncProperty(endings, async (ending) => {
        const { provider } = scriptedProvider([]);
        provider.list = walkEndingWith(ending) as unknown as LiveStreamProvider['list'];
        const client = createLiveStreamClient(provider);
        let taken: string[] | undefined;
        let failure: unknown;
        try {
          taken = (await client.list().toArray({ limit: 1 })).map((listed) => listed.id);
        } catch (error) {
          failure = error;
        }
        if (failure === undefined) expect(taken).toEqual(['s1']);
        else {
          expect(UniliveError.isInstance(failure)).toBe(true);
          expect(failure).toMatchObject({ provider: provider.id, operation: 'list' });
        }
        // Walked to its end, `return` is never called.
        expect((await client.list().toArray()).map((listed) => listed.id)).toEqual(['s1', 's2']);
      }),
      { numRuns: 60 },
    );
  });
});

describe('waitForState', () => {
  it('polls the cheap status call with growing intervals, then returns the full stream', async () => {
    const { provider, calls } = scriptedProvider(['starting', 'starting', 'starting', 'ready']);
    const { container, sleeps } = fakeTime();
    const stream = await createLiveStreamClient(provider, { container }).waitForState('s1', 'ready', {
      intervalMs: 1000,
    });
    expect(stream.state).toBe('ready');
    expect(stream.ingest).toHaveLength(1);
    expect(sleeps).toEqual([1000, 1500, 2250]);
    expect(calls).toEqual(['status s1', 'status s1', 'status s1', 'status s1', 'get s1']);
  });

  it('falls back to get when the provider has no status call', async () => {
    const { provider, calls } = scriptedProvider(['starting', 'ready'], false);
    const { container } = fakeTime();
    const stream = await createLiveStreamClient(provider, { container }).waitForState('s1', [
      'ready',
      'stopped',
    ]);
    expect(stream.state).toBe('ready');
    expect(calls).toEqual(['get s1', 'get s1']);
  });

  it('times out naming the last state seen', async () => {
    const { provider } = scriptedProvider(['starting']);
    const { container } = fakeTime();
    const client = createLiveStreamClient(provider, { container });
    const error = await client
      .waitForState('s1', 'ready', { timeoutMs: 5000, intervalMs: 1000 })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).lastState).toBe('starting');
    expect((error as TimeoutError).message).toBe(
      'scripted stream s1 did not become ready within 5000 ms (last state: starting)',
    );
  });

  it('fails fast when the stream is disabled', async () => {
    const { provider } = scriptedProvider(['disabled']);
    const error = await createLiveStreamClient(provider, { container: fakeTime().container })
      .waitForState('s1', 'ready')
      .catch((e: unknown) => e);
    expect(ConflictError.isInstance(error)).toBe(true);
  });

  it('waits on a disabled stream where the vendor can enable it again (capabilities.enable), and fails fast elsewhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(true, false, undefined),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<LiveStreamState>('ready', 'stopped', 'starting'),
        fc.boolean(),
        async (enable, disabledPolls, after, withStatus) => {
          const states: LiveStreamState[] = [
            ...Array.from({ length: disabledPolls }, () => 'disabled' as const),
            after,
            'ready',
          ];
          const { provider, calls } = scriptedProvider(states, withStatus);
          const outside = {
            ...provider,
            capabilities: { ...provider.capabilities, ...(enable === undefined ? {} : { enable }) },
          };
          const outcome = await createLiveStreamClient(outside, { container: fakeTime().container })
            .waitForState('s1', 'ready', { intervalMs: 1000 })
            .catch((e: unknown) => e);
          const poll = withStatus ? 'status s1' : 'get s1';
          if (enable === true) {
            // Polled through the disabled reads, on to the state waited for.
            expect(outcome).toMatchObject({ id: 's1', state: 'ready' });
            const polls = disabledPolls + (after === 'ready' ? 1 : 2);
            expect(calls.filter((call) => call === poll)).toHaveLength(polls);
          } else {
            expect(ConflictError.isInstance(outcome)).toBe(true);
            expect((outcome as Error).message).toBe(
              'scripted stream s1 is disabled and will not become ready',
            );
            expect(calls).toEqual([poll]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('fails fast on a stopped stream that the vendor cannot restart', async () => {
    const { provider } = scriptedProvider(['stopped']);
    const oneWay = { ...provider, capabilities: { ...provider.capabilities, restart: false } };
    const error = await createLiveStreamClient(oneWay, { container: fakeTime().container })
      .waitForState('s1', 'ready')
      .catch((e: unknown) => e);
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('scripted stream s1 is stopped and will not become ready');
    // Refused by unilive: the polls only read, so nothing was carried out.
    expect((error as ConflictError).delivery).toBe('not-sent');
  });

  it('stops at once when aborted', async () => {
    const { provider } = scriptedProvider(['starting']);
    const controller = new AbortController();
    controller.abort();
    const error = await createLiveStreamClient(provider, { container: fakeTime().container })
      .waitForState('s1', 'ready', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
  });
});

describe('warnings', () => {
  it('reports every warning of a returned stream through onWarning, with the operation, and returns it unchanged', async () => {
    const { provider } = scriptedProvider([]);
    const warning = {
      type: 'unsupported-setting' as const,
      setting: 'lowLatency',
      message: 'no low latency',
    };
    const withWarning = <T extends (...args: never[]) => Promise<LiveStream>>(call: T) =>
      (async (...args: Parameters<T>) => ({ ...(await call(...args)), warnings: [warning] })) as T;
    const warned: LiveStreamProvider = {
      ...provider,
      create: withWarning(provider.create),
      get: withWarning(provider.get),
      update: withWarning(provider.update),
      start: withWarning(provider.start),
      stop: withWarning(provider.stop),
    };
    const events: unknown[] = [];
    const client = createLiveStreamClient(warned, { hooks: { onWarning: (event) => events.push(event) } });
    const created = await client.create({ name: 'S' });
    expect(created.warnings).toEqual([warning]);
    await client.get('s1');
    // The name the scripted provider's streams have: a stream answered with another is warned of besides.
    await client.update('s1', { name: 'S' });
    await client.start('s1');
    await client.stop('s1');
    expect(events).toEqual(
      ['create', 'get', 'update', 'start', 'stop'].map((operation) => ({
        provider: 'scripted',
        operation,
        warning,
      })),
    );
  });
});

describe('providerOptions under an id no provider has', () => {
  it('is reported on the onWarning hook and on the result, naming the known ids', async () => {
    const events: unknown[] = [];
    const provider = {
      specificationVersion: 'v1',
      id: 'wowza-video',
      capabilities: {},
      create: async () => ({
        id: 'abc',
        provider: 'wowza-video',
        state: 'stopped',
        ingest: [],
        playback: [],
        recording: false,
        raw: {},
      }),
    } as unknown as LiveStreamProvider;
    const client = createLiveStreamClient(provider, { hooks: { onWarning: (event) => events.push(event) } });
    const stream = await client.create({
      name: 'x',
      providerOptions: { wowzavideo: { billing_mode: 'pay_as_you_go' } } as never,
    });
    const warning = {
      type: 'unsupported-setting',
      setting: 'providerOptions.wowzavideo',
      message:
        'providerOptions.wowzavideo: no provider has this id, so these options are ignored (did you mean "wowza-video"?); known ids: wowza-video, wowza-realtime, liveapi, videosdk',
    };
    expect(stream.warnings).toEqual([warning]);
    expect(events).toEqual([{ provider: 'wowza-video', operation: 'create', warning }]);
  });
});

describe('providerOptions on start', () => {
  function startRecorder(providerOptionsOn?: LiveStreamProvider['providerOptionsOn']) {
    const seen: (StartOptions | undefined)[] = [];
    const provider = {
      specificationVersion: 'v1',
      id: 'videosdk',
      capabilities: {},
      ...(providerOptionsOn ? { providerOptionsOn } : {}),
      start: async (_id: string, options?: StartOptions) => {
        seen.push(options);
        return { id: 'r1', provider: 'videosdk', state: 'starting', ingest: [], playback: [], raw: {} };
      },
    } as unknown as LiveStreamProvider;
    return { provider, seen };
  }

  it('reach a provider that reads them on start, as own data, with a warning for an unknown id', async () => {
    const { provider, seen } = startRecorder(['create', 'update', 'start']);
    const events: unknown[] = [];
    const client = createLiveStreamClient(provider, { hooks: { onWarning: (event) => events.push(event) } });
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.recording = true;
    let stream: LiveStream;
    try {
      stream = await client.start('r1', {
        providerOptions: { videosdk: { quality: 'high' }, videoSDK: { x: 1 } } as never,
      });
    } finally {
      delete polluted.recording;
    }
    const given = seen[0]?.providerOptions as Record<string, Record<string, unknown>>;
    expect(given.videosdk).toEqual({ quality: 'high' });
    // Read from own properties into objects without a prototype: nothing inherited reaches the adapter.
    expect(Object.getPrototypeOf(given.videosdk)).toBeNull();
    // Named as the call option they are, as a refusal of them is.
    expect(stream.warnings?.map((warning) => warning.setting)).toEqual(['options.providerOptions.videoSDK']);
    expect(events).toHaveLength(1);
  });

  it('under the id of a provider that takes none on start are InvalidInputError, before the call', async () => {
    const { provider, seen } = startRecorder();
    const client = createLiveStreamClient(provider);
    const error = await client
      .start('r1', { providerOptions: { videosdk: { recording: true } } as never })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'options.providerOptions.videosdk',
        message: 'videosdk takes no provider options on start; give them on create or update',
      },
    ]);
    expect((error as InvalidInputError).message).toBe(
      'videosdk start: invalid options: options.providerOptions.videosdk (videosdk takes no provider options on start; give them on create or update)',
    );
    const notObject = await client
      .start('r1', { providerOptions: 'recording' as never })
      .catch((caught: unknown) => caught);
    expect((notObject as InvalidInputError).issues?.[0]?.path).toBe('options.providerOptions');
    // Options for another vendor are expected (one call serving several) and pass.
    await client.start('r1', { providerOptions: { liveapi: { anything: true } } as never });
    expect(seen).toHaveLength(1);
  });

  // `providerOptionsOn` was read on start only: a provider declaring `[]` or `['start']` was handed options
  // on create and update all the same, though it promised none would reach it.
  it('under its own id reach a provider only on the operations its providerOptionsOn lists (generated)', async () => {
    const operations = ['create', 'update', 'start'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.subarray([...operations]), { nil: undefined }),
        fc.constantFrom(...operations),
        fc.boolean(),
        async (declared, operation, empty) => {
          const calls: string[] = [];
          const answer = { id: 'r1', provider: 'acme', state: 'stopped', ingest: [], playback: [], raw: {} };
          const provider = {
            specificationVersion: 'v1',
            id: 'acme',
            capabilities: {},
            ...(declared === undefined ? {} : { providerOptionsOn: declared }),
            create: async () => {
              calls.push('create');
              return answer;
            },
            update: async () => {
              calls.push('update');
              return answer;
            },
            start: async () => {
              calls.push('start');
              return answer;
            },
          } as unknown as LiveStreamProvider;
          const client = createLiveStreamClient(provider);
          const providerOptions = { acme: empty ? {} : { asked: true } } as never;
          const call = () =>
            operation === 'create'
              ? client.create({ name: 'n', providerOptions })
              : operation === 'update'
                ? client.update('r1', { name: 'n', providerOptions })
                : client.start('r1', { providerOptions });
          const reads = declared ?? ['create', 'update'];
          const outcome = await call().catch((caught: unknown) => caught);
          if (empty || reads.includes(operation)) {
            expect(calls, String(outcome)).toEqual([operation]);
            return;
          }
          expect(InvalidInputError.isInstance(outcome), String(outcome)).toBe(true);
          expect(calls).toEqual([]);
          const elsewhere = operations.filter((other) => other !== operation && reads.includes(other));
          const problem =
            elsewhere.length === 0
              ? 'acme takes no provider options'
              : `acme takes no provider options on ${operation}; give them on ${elsewhere.join(' or ')}`;
          const path = operation === 'start' ? 'options.providerOptions.acme' : 'providerOptions.acme';
          expect((outcome as InvalidInputError).issues).toEqual([{ path, message: problem }]);
          expect((outcome as InvalidInputError).delivery).toBe('not-sent');
        },
      ),
      { numRuns: 120 },
    );
  });

  it('refuses a provider whose providerOptionsOn is no list of operations, when the client is made', async () => {
    const made = (providerOptionsOn: unknown, extra: object = {}) => {
      const provider = { specificationVersion: 'v1', id: 'acme', capabilities: {}, providerOptionsOn };
      // Copied as descriptors: a getter is kept a getter, not read here.
      Object.defineProperties(provider, Object.getOwnPropertyDescriptors(extra));
      try {
        return createLiveStreamClient(provider as unknown as LiveStreamProvider);
      } catch (caught) {
        return caught;
      }
    };
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    for (const [given, path, message] of [
      [true, 'provider.providerOptionsOn', /^expected a list of the operations/],
      ['start', 'provider.providerOptionsOn', /^expected a list of the operations/],
      ['restart', 'provider.providerOptionsOn', /^expected a list of the operations/],
      [null, 'provider.providerOptionsOn', /^expected a list of the operations/],
      [{}, 'provider.providerOptionsOn', /^expected a list of the operations/],
      [Array(17).fill('start'), 'provider.providerOptionsOn', /^expected at most 16 entries/],
      [revoked.proxy, 'provider.providerOptionsOn', /could not be read/],
      [['begin'], 'provider.providerOptionsOn.0', /^expected one of create, update, start$/],
      [['start', 'Start'], 'provider.providerOptionsOn.1', /^expected one of create, update, start$/],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is refused here.
      [[, 'create'], 'provider.providerOptionsOn.0', /^expected one of create, update, start$/],
    ] as const) {
      const error = made(given);
      expect(InvalidInputError.isInstance(error), path).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        { path, message: expect.stringMatching(message) },
      ]);
    }
    // A name given twice counts once; the list is copied, so changing it afterwards changes nothing.
    const list = ['start', 'start'];
    const client = made(list) as ReturnType<typeof createLiveStreamClient>;
    expect(InvalidInputError.isInstance(client)).toBe(false);
    list.push('create');
    const refused = await client
      .create({ name: 'n', providerOptions: { acme: { x: 1 } } as never })
      .catch((caught: unknown) => caught);
    expect((refused as InvalidInputError).issues).toEqual([
      {
        path: 'providerOptions.acme',
        message: 'acme takes no provider options on create; give them on start',
      },
    ]);
    // What a getter of it threw is the provider's code: masked by its secrets, as a capabilities getter's is.
    const thrown = made(undefined, {
      secrets: () => ['Zq9-provider-secret'],
      get providerOptionsOn(): never {
        throw new Error('boom Zq9-provider-secret');
      },
    });
    expect((thrown as InvalidInputError).issues).toEqual([
      { path: 'provider.providerOptionsOn', message: expect.stringMatching(/could not be read/) },
    ]);
    expect(JSON.stringify(thrown)).not.toContain('Zq9');
    expect(String((thrown as Error).cause)).not.toContain('Zq9');
  });
});

describe('an update whose answer has another name than the one sent', () => {
  it('carries an other warning, whether the provider keeps names or not, and none where the name is shown or none is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 20 }).filter((name) => name.trim() === name && name !== ''),
        fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        async (sent, shown, namesKept, sendsName) => {
          const { provider } = scriptedProvider(['stopped']);
          const answered: LiveStream = {
            id: 's1',
            provider: 'scripted',
            state: 'stopped',
            ingest: [],
            playback: [],
            raw: {},
            ...(shown === undefined ? {} : { name: shown }),
          };
          const client = createLiveStreamClient({
            ...provider,
            capabilities: { ...provider.capabilities, names: namesKept },
            update: async () => answered,
          });
          const updated = await client.update('s1', sendsName ? { name: sent } : { recording: true });
          const warned = sendsName && shown !== undefined && shown !== sent;
          expect(updated.name).toBe(shown);
          expect(updated.warnings ?? []).toEqual(
            warned
              ? [
                  {
                    type: 'other',
                    message:
                      'scripted update: the vendor accepted the update, but the stream it returned has another name than the one sent: another call renamed it since, the read was a copy from before the change, or the vendor did not carry it out. Get the stream for its name now.',
                  },
                ]
              : [],
          );
        },
      ),
    );
  });
});
