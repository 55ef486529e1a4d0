import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClientFromConfig } from '../config/load-client.js';
import { InvalidInputError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient, type LiveStreamClient } from './live-stream-client.js';

// A factory given in `options.providers`, or code of the caller's, may build an object that is no provider,
// or one lacking a method: the call that needs the method is refused as configuration, naming it, with
// nothing sent, rather than as an "unexpected failure" whose delivery nobody can tell.

type Method = 'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop';
const methods: readonly Method[] = ['create', 'get', 'list', 'update', 'delete', 'start', 'stop'];

// Each client call and the provider method it cannot work without.
const calls: readonly {
  operation: string;
  needs: Method;
  run: (client: LiveStreamClient) => Promise<unknown>;
}[] = [
  { operation: 'create', needs: 'create', run: (client) => client.create({ name: 'launch' }) },
  { operation: 'get', needs: 'get', run: (client) => client.get('vendora1') },
  { operation: 'list', needs: 'list', run: (client) => client.list().toArray() },
  { operation: 'update', needs: 'update', run: (client) => client.update('vendora1', { name: 'renamed' }) },
  { operation: 'start', needs: 'start', run: (client) => client.start('vendora1') },
  { operation: 'stop', needs: 'stop', run: (client) => client.stop('vendora1') },
  {
    operation: 'waitForState',
    needs: 'get',
    run: (client) => client.waitForState('vendora1', ['stopped', 'ready']),
  },
  { operation: 'delete', needs: 'delete', run: (client) => client.delete('vendora1') },
];

// What stands where the method should be, and how the refusal names it.
const notMethods = fc.oneof(
  fc.constant({
    found: 'undefined',
    install: (target: object, name: string) => delete (target as Record<string, unknown>)[name],
  }),
  fc.constant({ found: 'null', install: (target: object, name: string) => set(target, name, null) }),
  fc
    .oneof(fc.string(), fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }))
    .map((value) => ({
      found: typeof value,
      install: (target: object, name: string) => set(target, name, value),
    })),
  fc.constant({
    found: 'a value that could not be read',
    install: (target: object, name: string) =>
      Object.defineProperty(target, name, {
        configurable: true,
        enumerable: true,
        get() {
          throw new Error('getter of the caller');
        },
      }),
  }),
);

function set(target: object, name: string, value: unknown): void {
  (target as Record<string, unknown>)[name] = value;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('a provider without the method a call needs', () => {
  it('is refused at the call with an InvalidInputError naming the method, nothing sent, other calls working', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), notMethods, async (removed, standIn) => {
        const { provider, calls: made } = fakeProvider('vendor-a', { streams: 1 });
        const broken: Record<string, unknown> = { ...provider };
        standIn.install(broken, removed);
        const heard: unknown[] = [];
        const client = createLiveStreamClient(broken as unknown as LiveStreamProvider, {
          hooks: { onError: (event) => heard.push(event.error) },
        });
        for (const call of calls) {
          const before = made.length;
          const heardBefore = heard.length;
          if (call.needs !== removed) {
            // The provider's other calls are untouched: each still reaches the fake (a call may fail there
            // for its own reasons, a state it refuses; never as configuration).
            const outcome = await call.run(client).catch((error: unknown) => error);
            if (outcome instanceof InvalidInputError)
              expect(outcome.issues[0]?.path).not.toMatch(/^provider\./);
            continue;
          }
          const error = await rejection(call.run(client));
          expect(error).toBeInstanceOf(InvalidInputError);
          const refused = error as InvalidInputError;
          const problem = `expected the provider's ${removed} method, a function; found ${standIn.found}`;
          expect(refused.message).toBe(`vendor-a ${call.operation}: ${problem}; not sent`);
          expect(refused.operation).toBe(call.operation);
          expect(refused.provider).toBe('vendor-a');
          expect(refused.delivery).toBe('not-sent');
          expect(refused.issues).toEqual([{ path: `provider.${removed}`, message: problem }]);
          // Nothing reached the provider, and `onError` heard the refusal once, as it hears every failure.
          expect(made.length).toBe(before);
          expect(heard.length - heardBefore).toBe(1);
          expect(heard.at(-1)).toMatchObject({ name: 'InvalidInputError', message: refused.message });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a TypeError thrown inside a method that exists an unexpected failure, its delivery unknown', async () => {
    const { provider } = fakeProvider('vendor-a', { streams: 1 });
    const failing: LiveStreamProvider = {
      ...provider,
      get: async () => {
        // A bug of the provider's own, after whatever it may have sent.
        throw new TypeError('undefined is not a function');
      },
    };
    const error = await rejection(createLiveStreamClient(failing).get('vendora1'));
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect(UniliveError.isInstance(error)).toBe(true);
    expect((error as UniliveError).message).toBe('vendor-a get: unexpected failure (TypeError); see cause');
    expect((error as UniliveError).delivery).toBe('unknown');
  });

  it('names a waitForState poll method of another kind, and waits through a provider without one', async () => {
    const { provider } = fakeProvider('vendor-a', { streams: 1 });
    const odd = { ...provider, getStatus: 'soon' } as unknown as LiveStreamProvider;
    const error = await rejection(createLiveStreamClient(odd).waitForState('vendora1', 'ready'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues[0]?.path).toBe('provider.getStatus');
    // The fake has no getStatus: a wait polls with get, as documented.
    const waited = await createLiveStreamClient(provider).waitForState('vendora1', 'stopped');
    expect(waited.id).toBe('vendora1');
  });

  it('refuses the call of a client configured with a factory that builds no provider', async () => {
    const client = await createLiveStreamClientFromConfig(
      { provider: 'liveapi' },
      {
        providers: { liveapi: () => ({ id: 'liveapi', capabilities: {} }) as unknown as LiveStreamProvider },
      },
    );
    const error = await rejection(client.get('abc'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toBe(
      "liveapi get: expected the provider's get method, a function; found undefined; not sent",
    );
  });
});
