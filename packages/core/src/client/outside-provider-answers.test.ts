import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  ResponseShapeError,
} from '../index.js';

// A provider from outside this repository may resolve a call with something that is no stream. A client
// never hands that on typed as a `LiveStream`: it is a ResponseShapeError naming the provider and the
// call, the same one a registry over the provider gives and a list walk's skipped record describes.

type Call = 'create' | 'get' | 'update' | 'start' | 'stop' | 'waitForState';
const callNames: readonly Call[] = ['create', 'get', 'update', 'start', 'stop', 'waitForState'];

function call(target: ReturnType<typeof createLiveStreamClient>, name: Call, id: string) {
  switch (name) {
    case 'create':
      return target.create({ name: 'launch' });
    case 'get':
      return target.get(id);
    case 'update':
      return target.update(id, { name: 'renamed' });
    case 'start':
      return target.start(id);
    case 'stop':
      return target.stop(id);
    case 'waitForState':
      return target.waitForState(id, ['stopped', 'ready', 'starting'], { timeoutMs: 60_000 });
  }
}

// What stands where the stream should be, and the issue path the error names.
const answers: fc.Arbitrary<{ answer: () => unknown; path: string; shown: string }> = fc.oneof(
  fc
    .constantFrom<unknown>(null, undefined, 0, 42, 'outside1', true, Symbol.for('s'), 10n)
    .map((value) => ({ answer: () => value, path: '$', shown: String(value) })),
  // An object whose id no call or reference can carry, or which has none.
  fc
    .oneof(
      fc.constant(undefined),
      fc.constantFrom<unknown>('', '../x', '.', 'a/b', 'a b', 'x'.repeat(129), 7, null, {}),
    )
    .map((id) => ({
      answer: () => ({ ...streamOf('outside1'), id }),
      path: 'id',
      shown: String(id),
    })),
  fc.constant({
    answer: () =>
      Object.defineProperty({ ...streamOf('outside1') }, 'id', {
        enumerable: true,
        get() {
          throw new Error('a getter of the provider');
        },
      }),
    // The stream's own fields are read one by one: the one whose read threw is named.
    path: 'id',
    shown: 'a getter',
  }),
);

function streamOf(id: string): LiveStream {
  return {
    id,
    provider: 'outside',
    name: 'launch',
    state: 'ready',
    ingest: [{ protocol: 'rtmp', url: 'rtmp://outside.test/live' }],
    playback: [{ protocol: 'hls', url: 'https://outside.test/1.m3u8' }],
    raw: {},
  };
}

/** An outside provider whose stream calls all resolve with `answer()`; every call is counted. */
function answering(answer: () => unknown): { provider: LiveStreamProvider; calls: string[] } {
  const base = fakeProvider('outside', { streams: 1 });
  const made = async () => {
    base.calls.push('answered');
    return answer() as LiveStream;
  };
  return {
    calls: base.calls,
    provider: { ...base.provider, create: made, get: made, update: made, start: made, stop: made },
  };
}

describe('an outside provider that answers no usable stream', () => {
  it('is a ResponseShapeError from the client, naming provider and call, never a LiveStream', async () => {
    await fc.assert(
      fc.asyncProperty(answers, fc.constantFrom(...callNames), async ({ answer, path }, name) => {
        const { provider } = answering(answer);
        const failed = await call(createLiveStreamClient(provider), name, 'outside1').then(
          (value: unknown) => ({ resolved: value }),
          (error: unknown) => error,
        );
        expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
        const error = failed as ResponseShapeError;
        expect({
          provider: error.provider,
          operation: error.operation,
          delivery: error.delivery,
          issues: error.issues.map((issue) => issue.path),
        }).toEqual({ provider: 'outside', operation: name, delivery: 'unknown', issues: [path] });
        // A wait's poll that reads no status at all says so, naming the call it polls with (`waitForState (get)`,
        // `(status)`); one that reads a state and then no usable stream, as the other calls do.
        const prefix =
          name === 'waitForState' ? /^outside waitForState( \((status|get)\))?: / : /^outside \w+: /;
        expect(error.message).toMatch(prefix);
        expect(error.message.replace(prefix, '')).toMatch(/^the provider answered /);
        // After a create, the vendor may have made the stream: the message says where to look.
        expect(error.message.includes('the stream may exist')).toBe(name === 'create');
        // The value is never quoted (it may be anything the vendor sent).
        expect(error.message).not.toContain('../x');
      }),
      { numRuns: 200 },
    );
  });

  it('is the same error through a registry, named for the provider with its providerName', async () => {
    await fc.assert(
      fc.asyncProperty(answers, fc.constantFrom(...callNames), async ({ answer, path }, name) => {
        const { provider } = answering(answer);
        const registry = createLiveStreamRegistry({ providers: { acct: provider } });
        const run = () => {
          switch (name) {
            case 'create':
              return registry.create({ name: 'launch' }, { provider: 'acct' });
            case 'get':
              return registry.get('acct:outside1');
            case 'update':
              return registry.update('acct:outside1', { name: 'renamed' });
            case 'start':
              return registry.start('acct:outside1');
            case 'stop':
              return registry.stop('acct:outside1');
            case 'waitForState':
              return registry.waitForState('acct:outside1', ['stopped', 'ready', 'starting'], {
                timeoutMs: 60_000,
              });
          }
        };
        const failed = await run().then(
          (value: unknown) => ({ resolved: value }),
          (error: unknown) => error,
        );
        expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
        const error = failed as ResponseShapeError;
        expect(error).toMatchObject({
          provider: 'outside',
          providerName: 'acct',
          operation: name,
          delivery: 'unknown',
          issues: [{ path }],
        });
        expect(error.message.startsWith(`outside ${name}`), error.message).toBe(true);
        expect(error.message).not.toContain('acct');
        if (name === 'create') expect(error.maybeCreated).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('a usable stream is handed on as it came', async () => {
    for (const name of callNames) {
      const stream = streamOf('outside1');
      const { provider } = answering(() => stream);
      const value = await call(createLiveStreamClient(provider), name, 'outside1');
      expect(value).toMatchObject({ id: 'outside1', name: 'launch', state: 'ready' });
    }
  });
});
