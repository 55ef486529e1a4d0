import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullCapabilities } from '../../test/fake-provider.js';
import {
  AbortError,
  type CallOptions,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  TimeoutError,
} from '../index.js';

// A provider written outside this repository may never settle a call, and may ignore the signal it is
// handed. A client still ends a call made with a signal when the signal fires, and a wait at its deadline:
// the caller is never left with a promise that cannot settle.

const streamOf = (id: string, state = 'starting'): LiveStream =>
  ({ id, provider: 'stuck', state, ingest: [], playback: [], raw: {} }) as LiveStream;

/** A provider whose calls never settle; each call is told to `called` with the options it was handed. */
function stuckProvider(called: (operation: string, options: CallOptions | undefined) => void) {
  const never =
    (operation: string) =>
    (...args: unknown[]) => {
      called(operation, args[args.length - 1] as CallOptions | undefined);
      return new Promise<never>(() => {});
    };
  return {
    specificationVersion: 'v1',
    id: 'stuck',
    capabilities: fullCapabilities,
    secrets: () => [],
    create: never('create'),
    get: never('get'),
    update: never('update'),
    delete: never('delete'),
    start: never('start'),
    stop: never('stop'),
    list: (options?: CallOptions) => ({
      [Symbol.asyncIterator]: () => ({ next: never('list step').bind(undefined, options) }),
    }),
  } as unknown as LiveStreamProvider;
}

type Target = ReturnType<typeof createLiveStreamClient> | ReturnType<typeof createLiveStreamRegistry>;
const calls: Record<string, (target: Target, signal: AbortSignal, registry: boolean) => Promise<unknown>> = {
  create: (target, signal) => target.create({ name: 'n' }, { signal }),
  get: (target, signal, registry) => target.get(registry ? 's:s1' : 's1', { signal }),
  update: (target, signal, registry) => target.update(registry ? 's:s1' : 's1', { name: 'x' }, { signal }),
  delete: (target, signal, registry) => target.delete(registry ? 's:s1' : 's1', { signal }),
  start: (target, signal, registry) => target.start(registry ? 's:s1' : 's1', { signal }),
  stop: (target, signal, registry) => target.stop(registry ? 's:s1' : 's1', { signal }),
  list: (target, signal) => target.list({ signal }).toArray(),
  waitForState: (target, signal, registry) =>
    target.waitForState(registry ? 's:s1' : 's1', 'ready', { signal, timeoutMs: 600_000 }),
};

describe('a call to an outside provider that never settles', () => {
  it('ends when its signal fires: an AbortError naming the provider and the call, through a client and a registry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(calls)),
        fc.boolean(),
        fc.anything(),
        async (call, registry, reason) => {
          const controller = new AbortController();
          // The signal fires once the provider has the call, on that event rather than a timer.
          const provider = stuckProvider(() => queueMicrotask(() => controller.abort(reason)));
          const target = registry
            ? createLiveStreamRegistry({ providers: { s: provider } })
            : createLiveStreamClient(provider);
          const failed = await (calls[call] as (typeof calls)['get'])(
            target,
            controller.signal,
            registry,
          ).catch((error: unknown) => error);
          expect(AbortError.isInstance(failed), `${call}: ${String(failed)}`).toBe(true);
          expect(failed).toMatchObject({ provider: 'stuck', operation: call });
          // A list step is a read that changes nothing; any other call was the provider's to act on.
          expect((failed as AbortError).delivery).toBe(call === 'list' ? 'not-sent' : 'unknown');
        },
      ),
      { numRuns: 80 },
    );
  });

  it("ends a wait at its deadline with the wait's TimeoutError, the poll handed a signal that fires then", async () => {
    for (const answered of [0, 1, 3]) {
      let polls = 0;
      const hung: (AbortSignal | undefined)[] = [];
      const provider = {
        ...stuckProvider(() => {}),
        // Answers `answered` polls, then never settles.
        get: (id: string, options?: CallOptions) => {
          polls += 1;
          if (polls <= answered) return Promise.resolve(streamOf(id));
          hung.push(options?.signal);
          return new Promise<never>(() => {});
        },
      } as LiveStreamProvider;
      const failed = await createLiveStreamClient(provider)
        .waitForState('s1', 'ready', { timeoutMs: 300, intervalMs: 100 })
        .catch((error: unknown) => error);
      expect(TimeoutError.isInstance(failed), String(failed)).toBe(true);
      // Polls answered before the deadline (how many depends on the machine's pace) saw the stream starting.
      const seen = Math.min(polls, answered) > 0;
      expect(failed).toMatchObject({ operation: 'waitForState', lastState: seen ? 'starting' : undefined });
      expect((failed as Error).message).toBe(
        `stuck stream s1 did not become ready within 300 ms (last state: ${seen ? 'starting' : 'none seen'})`,
      );
      // The first poll is always made: with none answered, it is the one that never settled.
      if (answered === 0) expect(hung).toHaveLength(1);
      // A poll that never settled was told when its time was up.
      for (const signal of hung) {
        expect(signal?.aborted).toBe(true);
        expect(TimeoutError.isInstance(signal?.reason)).toBe(true);
      }
    }
  });

  it("hears a poll that answers as the wait's deadline signal fires", async () => {
    for (const polls of ['get', 'getStatus'] as const) {
      const answer = (id: string, options?: CallOptions) =>
        new Promise((resolve) => {
          // Answers the goal just as it is told the time is up.
          options?.signal?.addEventListener('abort', () =>
            resolve(polls === 'get' ? streamOf(id, 'ready') : { state: 'ready' }),
          );
        });
      const provider = {
        ...stuckProvider(() => {}),
        get: polls === 'get' ? answer : async (id: string) => streamOf(id, 'ready'),
        ...(polls === 'getStatus' ? { getStatus: answer } : {}),
      } as LiveStreamProvider;
      const got = await createLiveStreamClient(provider).waitForState('s1', 'ready', { timeoutMs: 100 });
      expect(got.state, polls).toBe('ready');
    }
  });

  it('ends a registry wait at its deadline too', async () => {
    const registry = createLiveStreamRegistry({ providers: { s: stuckProvider(() => {}) } });
    const failed = await registry
      .waitForState('s:s1', 'ready', { timeoutMs: 200 })
      .catch((error: unknown) => error);
    expect(TimeoutError.isInstance(failed), String(failed)).toBe(true);
    expect(failed).toMatchObject({ operation: 'waitForState', providerName: 's' });
  });

  it('hands on the answer of a provider that settles as the signal fires', async () => {
    for (const call of ['create', 'get', 'update', 'start', 'stop'] as const) {
      const controller = new AbortController();
      const answer = (id: string) => {
        // The answer is on its way when the caller gives up.
        controller.abort(new Error('gave up'));
        return Promise.resolve(streamOf(id, 'ready'));
      };
      const provider = {
        ...stuckProvider(() => {}),
        create: () => answer('made1'),
        get: answer,
        update: answer,
        start: answer,
        stop: answer,
      } as LiveStreamProvider;
      const got = await (calls[call] as (typeof calls)['get'])(
        createLiveStreamClient(provider),
        controller.signal,
        false,
      );
      expect((got as LiveStream).state, call).toBe('ready');
    }
  });

  it('settles as the provider does when no signal and no deadline bound it: an answer, or its error', async () => {
    const provider = {
      ...stuckProvider(() => {}),
      get: async (id: string) => streamOf(id, 'ready'),
      delete: async () => {
        throw new AbortError({ provider: 'stuck', operation: 'delete', message: 'x', delivery: 'unknown' });
      },
    } as LiveStreamProvider;
    const client = createLiveStreamClient(provider);
    expect((await client.get('s1')).state).toBe('ready');
    await expect(client.delete('s1')).rejects.toMatchObject({ operation: 'delete', delivery: 'unknown' });
  });
});
