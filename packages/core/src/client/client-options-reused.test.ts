import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { providerCallOptions } from '../options.js';
import type { CallOptions, LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A call without options hands the provider the client's runtime alone, in one frozen copy the client makes
// once and hands on for every such call, where a call with options gets a copy of its own. Either way the
// provider must be handed the same thing: the runtime of the client called, in a frozen copy it takes unread,
// holding what the caller gave and nothing else.

function recording(inner: LiveStreamProvider, handed: unknown[]): LiveStreamProvider {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'get' || typeof value !== 'function') return value;
      return (id: string, options?: CallOptions) => {
        handed.push(options);
        return value.call(target, id, options);
      };
    },
  });
}

const call = fc.record({
  client: fc.integer({ min: 0, max: 2 }),
  options: fc.constantFrom<CallOptions | undefined>(undefined, {}, { timeoutMs: 5_000 }, undefined),
});

describe('the options a client hands its provider for a call without any', () => {
  it('are the same as for a call with options: that client’s runtime, frozen, trusted, nothing added', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        const fake = fakeProvider('liveapi', { streams: 1 });
        const [stream] = await createLiveStreamClient(fake.provider).list().toArray();
        const id = (stream as { id: string }).id;
        const handed: unknown[][] = [[], [], []];
        const clients = handed.map((list) => createLiveStreamClient(recording(fake.provider, list)));
        for (const { client, options } of calls) {
          await clients[client]?.get(id, options === undefined ? undefined : { ...options });
        }
        const runtimes = handed.map(() => new Set<unknown>());
        // Each client's list in the order its calls were made.
        const left = handed.map((list) => [...list]);
        calls.forEach(({ client, options }) => {
          const copy = left[client]?.shift() as CallOptions;
          expect(Object.isFrozen(copy)).toBe(true);
          // Taken unread by a provider: a client's own copy.
          expect(providerCallOptions(copy, 'liveapi', 'get')).toBe(copy);
          expect(Object.keys(copy).sort()).toEqual([...Object.keys(options ?? {}), 'runtime'].sort());
          expect(copy.timeoutMs).toBe(options?.timeoutMs);
          runtimes[client]?.add(copy.runtime);
        });
        // One runtime per client, whichever kind of call; never another client's.
        const all = runtimes.flatMap((set) => [...set]);
        for (const set of runtimes) expect(set.size).toBeLessThanOrEqual(1);
        expect(new Set(all).size).toBe(all.length);
      }),
      {
        numRuns: 100,
        // Two clients' calls without options in turn, and one client's with and without in turn.
        examples: [
          [
            [
              { client: 0, options: undefined },
              { client: 1, options: undefined },
              { client: 0, options: undefined },
            ],
          ],
          [
            [
              { client: 2, options: { timeoutMs: 5_000 } },
              { client: 2, options: undefined },
              { client: 2, options: {} },
              { client: 2, options: undefined },
            ],
          ],
        ],
      },
    );
  });
});
