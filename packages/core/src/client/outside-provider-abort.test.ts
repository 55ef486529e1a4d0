import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { AbortError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A provider from outside this repository that honours the caller's signal as `fetch` does: its call
// rejects with the signal's reason (or an AbortError of its own) once the signal fires.
function honouring(rejectWith: 'reason' | 'own' | 'other') {
  const fake = fakeProvider('acme', { streams: 1 });
  const hang =
    () =>
    (_id: unknown, options?: { signal?: AbortSignal }): Promise<never> =>
      new Promise((_resolve, reject) => {
        options?.signal?.addEventListener('abort', () =>
          reject(
            rejectWith === 'reason'
              ? options.signal?.reason
              : rejectWith === 'own'
                ? new DOMException('stopped waiting', 'AbortError')
                : new TypeError('the provider broke'),
          ),
        );
      });
  const provider: LiveStreamProvider = {
    ...fake.provider,
    get: hang() as LiveStreamProvider['get'],
    stop: hang() as LiveStreamProvider['stop'],
    delete: hang() as LiveStreamProvider['delete'],
  };
  return { ...fake, provider };
}

describe("an outside provider that rejects with the caller's abort", () => {
  it('is an AbortError of the call (delivery unknown, the reason as cause), not an unexpected failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'stop', 'delete'),
        fc.constantFrom<'reason' | 'own' | 'other'>('reason', 'own', 'other'),
        fc.constantFrom<unknown>(undefined, new Error('caller gave up'), 'a reason as text'),
        async (operation, rejectWith, reason) => {
          const { provider, store } = honouring(rejectWith);
          const [id = ''] = [...store.keys()];
          const controller = new AbortController();
          // The caller gives up once the provider has the call.
          const method = provider[operation] as (id: string, options?: unknown) => Promise<unknown>;
          (provider as unknown as Record<string, unknown>)[operation] = (
            streamId: string,
            options?: unknown,
          ) => {
            const pending = method(streamId, options);
            controller.abort(reason);
            return pending;
          };
          const client = createLiveStreamClient(provider);
          const error = await client[operation](id, { signal: controller.signal }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(UniliveError.isInstance(error)).toBe(true);
          const failure = error as UniliveError;
          if (rejectWith === 'other') {
            // Not the abort: what the provider threw, as any other failure of it.
            expect(AbortError.isInstance(failure)).toBe(false);
            expect(failure.message).toBe(`acme ${operation}: unexpected failure (TypeError); see cause`);
            return;
          }
          expect(AbortError.isInstance(failure)).toBe(true);
          expect({
            operation: failure.operation,
            delivery: failure.delivery,
            message: failure.message,
          }).toEqual({
            operation,
            delivery: 'unknown',
            message: `acme ${operation} was aborted`,
          });
          if (rejectWith === 'reason' && reason instanceof Error)
            expect(failure.cause).toMatchObject({ message: 'caller gave up' });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a registry's migrate aborted while such a source stops ends in AbortError, never in sourceError", async () => {
    const source = honouring('reason');
    const target = fakeProvider('liveapi');
    const registry = createLiveStreamRegistry({ providers: { old: source.provider, new: target.provider } });
    const [stored] = [...source.store.values()];
    if (!stored) throw new Error('no stream');
    stored.state = 'ready';
    // The plan reads the source once, before the stop hangs.
    source.provider.get = async () => ({ ...stored });
    const controller = new AbortController();
    // The caller gives up while the source's stop is under way: the stop rejects with the reason.
    const stop = source.provider.stop;
    source.provider.stop = (id, options) => {
      const stopping = stop(id, options);
      controller.abort(new Error('caller gave up'));
      return stopping;
    };
    const migration = registry.migrate(`old:${stored.id}`, {
      to: 'new',
      deleteSource: true,
      signal: controller.signal,
    });
    const error = await migration.then(
      (result) => result,
      (caught: unknown) => caught,
    );
    expect(AbortError.isInstance(error), JSON.stringify(error)).toBe(true);
    expect(error).toMatchObject({
      operation: 'migrate',
      maybeCreated: true,
      applied: ['create'],
      unknown: ['stop-source'],
      notApplied: ['delete-source'],
    });
    expect(target.store.size).toBe(1);
  });
});
