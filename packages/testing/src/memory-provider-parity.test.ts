import {
  AbortError,
  AuthenticationError,
  createEventHub,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStreamState,
  liveStreamStates,
  ResponseShapeError,
  TimeoutError,
  type UniliveError,
  UnsupportedOperationError,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withFetch } from '../test/backend-with-fetch.js';
import { createMemoryBackend, type MemoryBackend, maxTransitionPolls } from './memory-backend.js';
import { createMemoryProvider, memoryCapabilities } from './memory-provider.js';

// Where the memory provider behaves as the sandbox-backed adapters do, and a test of an application passes
// on it for the reason it would pass (or fail) against a vendor.

const token = 'memory-token-parity-0123';
// Longer than any test may run: a body that arrives only after it, or a wait that runs out only after it,
// fails by the test's own limit, with no time measured.
const longMs = 600_000;

/** The provider's status read, which the memory provider always has. */
const statusOf = (
  provider: ReturnType<typeof createMemoryProvider>,
  id: string,
  options?: { timeoutMs?: number },
) => {
  if (!provider.getStatus) throw new Error('the memory provider reads status');
  return provider.getStatus(id, options);
};

const caught = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A backend whose fetch answers `answer()` for the status route, and the backend's answer otherwise. */
function statusAnswering(backend: MemoryBackend, answer: () => unknown): MemoryBackend {
  return {
    fetch: ((input: Request, init?: RequestInit) =>
      new URL(input.url).pathname.endsWith('/status')
        ? Promise.resolve(Response.json(answer()))
        : backend.fetch(input, init)) as typeof fetch,
    injectFault: backend.injectFault,
    clearFaults: backend.clearFaults,
    get counts() {
      return backend.counts;
    },
  };
}

describe('memory backend: slow-body (headers at once, the body after delayMs)', () => {
  const operations = ['create', 'get', 'list', 'update', 'start', 'stop', 'status'] as const;

  it('ends a call whose body is late with TimeoutError, delivery unknown, as the sandbox does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), async (operation) => {
        const backend = createMemoryBackend({ token, transitionPolls: 0 });
        const provider = createMemoryProvider({ backend, token, retry: { maxRetries: 0 } });
        const client = createLiveStreamClient(provider);
        const stream = await client.create({ name: 'slow body' });
        if (operation === 'stop') await client.start(stream.id);
        backend.injectFault(operation, { type: 'slow-body', delayMs: longMs });
        const options = { timeoutMs: 100 };
        const calls: Record<(typeof operations)[number], () => Promise<unknown>> = {
          create: () => client.create({ name: 'late' }, options),
          get: () => client.get(stream.id, options),
          list: () => client.list({ ...options }).toArray(),
          update: () => client.update(stream.id, { name: 'renamed' }, options),
          start: () => client.start(stream.id, options),
          stop: () => client.stop(stream.id, options),
          status: () => statusOf(provider, stream.id, options),
        };
        const error = await caught(calls[operation]());
        expect(TimeoutError.isInstance(error), String(error)).toBe(true);
        expect((error as UniliveError).delivery).toBe('unknown');
        expect((error as UniliveError).operation).toBe(operation);
        expect((error as UniliveError).message).toContain('within 100 ms (timeoutMs)');
      }),
      { numRuns: operations.length * 2 },
    );
  });

  it('ends a late body when the caller aborts after the headers: AbortError, delivery unknown', async () => {
    const backend = createMemoryBackend({ token });
    const controller = new AbortController();
    const provider = createMemoryProvider({
      token,
      // The headers have arrived when the backend's fetch resolves: the abort lands on the body's wait.
      backend: withFetch(backend, (async (input: Request, init?: RequestInit) => {
        const response = await backend.fetch(input, init);
        controller.abort();
        return response;
      }) as typeof fetch),
    });
    backend.injectFault('create', { type: 'slow-body', delayMs: longMs });
    const error = await caught(provider.create({ name: 'late' }, { signal: controller.signal }));
    expect(AbortError.isInstance(error), String(error)).toBe(true);
    expect((error as UniliveError).delivery).toBe('unknown');
    // The request was carried out before its body was sent, as on the sandbox.
    expect(backend.counts.created).toBe(1);
  });

  it("fails the body itself with the request signal's reason, not only when the reader gives up", async () => {
    const backend = createMemoryBackend({ token });
    const controller = new AbortController();
    backend.injectFault('list', { type: 'slow-body', delayMs: longMs });
    const response = await backend.fetch('https://memory.unilive.test/v1/streams', {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reason = new Error('gave up');
    const body = caught(response.text());
    controller.abort(reason);
    expect(await body).toBe(reason);
  });

  it('answers the whole body once the delay is over', async () => {
    const backend = createMemoryBackend({ token });
    const provider = createMemoryProvider({ backend, token });
    const stream = await provider.create({ name: 'soon' });
    backend.injectFault('get', { type: 'slow-body', delayMs: 5 });
    expect(await provider.get(stream.id)).toMatchObject({ id: stream.id, name: 'soon', state: 'stopped' });
  });
});

describe('memory provider: status answers read as strictly as the adapters read them', () => {
  it('is ResponseShapeError for an answer without a string state, and waitForState fails at once', async () => {
    const noState = fc.oneof(
      fc.constant<unknown>({ unexpected: [1, 2, 3], data: null }),
      fc.constant<unknown>({}),
      fc.dictionary(
        fc.string().filter((key) => key !== 'state'),
        fc.jsonValue(),
      ),
      fc.record({ state: fc.jsonValue().filter((state) => typeof state !== 'string') }),
    );
    await fc.assert(
      fc.asyncProperty(noState, async (answer) => {
        const backend = createMemoryBackend({ token });
        const provider = createMemoryProvider({ token, backend: statusAnswering(backend, () => answer) });
        const client = createLiveStreamClient(provider);
        const stream = await client.create({ name: 'shape' });
        const direct = await caught(statusOf(provider, stream.id));
        expect(ResponseShapeError.isInstance(direct), String(direct)).toBe(true);
        expect((direct as UniliveError).operation).toBe('status');
        // A wait whose poll fails ends at once, however much of its time is left.
        const waited = await caught(client.waitForState(stream.id, 'ready', { timeoutMs: longMs }));
        expect(ResponseShapeError.isInstance(waited), String(waited)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('is ResponseShapeError for the wrong-shape and empty-object faults on status', async () => {
    for (const fault of [{ type: 'wrong-shape' }, { type: 'empty-body', object: true }] as const) {
      const backend = createMemoryBackend({ token });
      const client = createLiveStreamClient(createMemoryProvider({ backend, token }));
      const stream = await client.create({ name: 'fault' });
      backend.injectFault('status', fault);
      const waited = await caught(client.waitForState(stream.id, 'ready', { timeoutMs: longMs }));
      expect(ResponseShapeError.isInstance(waited), `${fault.type}: ${String(waited)}`).toBe(true);
    }
  });

  it('reads a state string it does not know as unknown, and a known one as itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom(...liveStreamStates)), async (state) => {
        const backend = createMemoryBackend({ token });
        const provider = createMemoryProvider({
          token,
          backend: statusAnswering(backend, () => ({ state })),
        });
        const stream = await provider.create({ name: 'states' });
        const expected = (liveStreamStates as readonly string[]).includes(state)
          ? (state as LiveStreamState)
          : 'unknown';
        expect((await statusOf(provider, stream.id)).state).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('memory backend: a stream moves on with every read of it, whoever reads', () => {
  type Read = 'get' | 'status' | 'list';
  const readState = async (
    client: ReturnType<typeof createLiveStreamClient>,
    provider: ReturnType<typeof createMemoryProvider>,
    id: string,
    read: Read,
  ): Promise<LiveStreamState | undefined> => {
    if (read === 'get') return (await client.get(id)).state;
    if (read === 'status') return (await statusOf(provider, id)).state;
    return (await client.list().toArray()).find((stream) => stream.id === id)?.state;
  };

  it('spends transitionPolls reads (get, status or a list page) in starting and stopping', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.constantFrom<Read>('get', 'status', 'list'), { minLength: 5, maxLength: 5 }),
        fc.array(fc.constantFrom<Read>('get', 'status', 'list'), { minLength: 5, maxLength: 5 }),
        async (transitionPolls, startReads, stopReads) => {
          const backend = createMemoryBackend({ token, transitionPolls });
          const provider = createMemoryProvider({ backend, token });
          const client = createLiveStreamClient(provider);
          // Another stream on the same pages, never started: reading it moves nothing.
          await client.create({ name: 'bystander' });
          const stream = await client.create({ name: 'moving' });
          expect((await client.start(stream.id)).state).toBe('starting');
          const started = [];
          for (const read of startReads) started.push(await readState(client, provider, stream.id, read));
          expect(started).toEqual(
            startReads.map((_, index) => (index < transitionPolls ? 'starting' : 'ready')),
          );
          expect((await client.stop(stream.id)).state).toBe('stopping');
          const stopped = [];
          for (const read of stopReads) stopped.push(await readState(client, provider, stream.id, read));
          expect(stopped).toEqual(
            stopReads.map((_, index) => (index < transitionPolls ? 'stopping' : 'stopped')),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('memory provider capabilities', () => {
  it('refuses waitForBroadcast with an event source before any request: the memory vendor sends no webhooks', async () => {
    expect(memoryCapabilities.broadcastingEvents).toBe(false);
    const provider = createMemoryProvider();
    const client = createLiveStreamClient(provider);
    const stream = await client.create({ name: 'events' });
    const requests = provider.backend.counts.requests;
    const error = await caught(
      client.waitForBroadcast(stream.id, { events: createEventHub(), timeoutMs: longMs }),
    );
    expect(UnsupportedOperationError.isInstance(error), String(error)).toBe(true);
    expect((error as UniliveError).delivery).toBe('not-sent');
    expect(provider.backend.counts.requests).toBe(requests);
  });

  it('lists what its update carries out, and no state it never reports', async () => {
    expect(memoryCapabilities.updatable).toEqual(['name', 'recording']);
    expect(Object.isFrozen(memoryCapabilities.updatable)).toBe(true);
    expect(memoryCapabilities.states).not.toContain('resetting');
    const client = createLiveStreamClient(createMemoryProvider());
    const stream = await client.create({ name: 'before' });
    expect(await client.update(stream.id, { name: 'after', recording: true })).toMatchObject({
      name: 'after',
      recording: true,
    });
  });
});

describe('createMemoryBackend settings', () => {
  const refusal = (make: () => unknown): InvalidInputError => {
    let error: unknown;
    try {
      make();
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'memory', operation: 'configure', delivery: 'not-sent' });
    return error as InvalidInputError;
  };
  const blank = fc.string({
    unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff'),
    maxLength: 6,
  });

  it('refuses a transitionPolls that is no whole number from 0 to the maximum, naming it', () => {
    const bad = fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: maxTransitionPolls + 1 }),
      fc.double().filter((value) => !Number.isInteger(value)),
      fc.constantFrom<unknown>(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, '2', true, 1n),
      fc.string(),
    );
    fc.assert(
      fc.property(bad, (transitionPolls) => {
        const error = refusal(() =>
          createMemoryBackend({ token, transitionPolls: transitionPolls as number }),
        );
        expect(error.issues.map((issue) => issue.path)).toEqual(['transitionPolls']);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxTransitionPolls }), (transitionPolls) => {
        createMemoryBackend({ token, transitionPolls });
      }),
    );
  });

  it('refuses a missing, non-string, empty or blank token, naming it', () => {
    const bad = fc.oneof(
      fc.constant<unknown>(undefined),
      blank,
      fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object()),
    );
    fc.assert(
      fc.property(bad, (given) => {
        const settings = given === undefined ? {} : { token: given };
        const error = refusal(() => createMemoryBackend(settings as never));
        expect(error.issues.map((issue) => issue.path)).toEqual(['token']);
      }),
      { numRuns: 100 },
    );
  });
});

describe('createMemoryProvider token', () => {
  const blank = fc.string({
    unit: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u3000', '\ufeff'),
    maxLength: 6,
  });
  const padding = fc.string({ unit: fc.constantFrom(' ', '\t', '\u00a0'), maxLength: 3 });

  it('refuses an empty or blank token at configure time, naming it, as every adapter does', () => {
    fc.assert(
      fc.property(blank, (given) => {
        let error: unknown;
        try {
          createMemoryProvider({ token: given });
        } catch (thrown) {
          error = thrown;
        }
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ provider: 'memory', operation: 'configure' });
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['token']);
      }),
    );
  });

  it('reads the token as its backend does: whitespace around either is dropped, so both agree', async () => {
    await fc.assert(
      fc.asyncProperty(padding, padding, padding, padding, async (a, b, c, d) => {
        const backend = createMemoryBackend({ token: `${a}tok-parity-1234${b}` });
        const provider = createMemoryProvider({ backend, token: `${c}tok-parity-1234${d}` });
        expect((await provider.create({ name: 'padded' })).name).toBe('padded');
        // And a provider of its own backend, given a padded token, reaches it.
        const own = createMemoryProvider({ token: `${c}tok-parity-1234${d}` });
        expect((await own.create({ name: 'own' })).name).toBe('own');
      }),
      { numRuns: 20 },
    );
    const other = createMemoryProvider({
      backend: createMemoryBackend({ token: 'tok-a-1234' }),
      token: 'tok-b-1234',
    });
    expect(AuthenticationError.isInstance(await caught(other.create({ name: 'x' })))).toBe(true);
  });
});

describe('providerOptions.memory', () => {
  it('accepts an empty object, which asks for nothing, and refuses any option in it, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.stringMatching(/^[A-Za-z]{1,8}$/),
          fc.oneof(fc.integer(), fc.string(), fc.boolean()),
          {
            minKeys: 1,
            maxKeys: 3,
          },
        ),
        async (options) => {
          const client = createLiveStreamClient(createMemoryProvider());
          const stream = await client.create({ name: 'po', providerOptions: { memory: {} } as never });
          expect(stream.warnings).toBeUndefined();
          expect(
            (await client.update(stream.id, { name: 'po2', providerOptions: { memory: {} } as never })).name,
          ).toBe('po2');
          for (const call of [
            () => client.create({ name: 'po', providerOptions: { memory: options } as never }),
            () => client.update(stream.id, { name: 'po3', providerOptions: { memory: options } as never }),
          ]) {
            const error = await caught(call());
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect((error as InvalidInputError).issues[0]?.path).toMatch(/^providerOptions\.memory/);
          }
          // A start's are a call option; the refusal sends the caller to no other call, for there is none.
          const provider = createMemoryProvider();
          const direct = await provider.create({ name: 'po' });
          for (const [start, id] of [
            [(options: never) => client.start(stream.id, options), stream.id],
            [(options: never) => provider.start(direct.id, options), direct.id],
          ] as const) {
            expect((await start({ providerOptions: { memory: {} } } as never)).id).toBe(id);
            const error = await caught(start({ providerOptions: { memory: options } } as never));
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect((error as InvalidInputError).issues).toEqual([
              { path: 'options.providerOptions.memory', message: 'memory takes no provider options' },
            ]);
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
