import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { UniliveError } from '../errors/unilive-error.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient } from './live-stream-client.js';

// `toArray({ limit: 0 })` walks nothing, but a list that cannot be walked (its signal already aborted, an
// option refused) fails it as it fails every other limit: the same error, heard once by `onError`, with
// nothing sent. Otherwise a caller probing with limit 0 learns the options are fine when they are not.
const refusedLists = fc.constantFrom<Record<string, unknown>>(
  { signal: AbortSignal.abort() },
  { pageSize: -1 },
  { pageSize: 1.5 },
  { maxPages: 0 },
  { pagesize: 5 },
  { strict: 'yes' },
  { pageSize: 0, signal: AbortSignal.abort() },
);
const limits = fc.constantFrom(0, 1, 2, Number.POSITIVE_INFINITY);

async function failureOf(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const shape = (error: unknown) => {
  expect(UniliveError.isInstance(error)).toBe(true);
  const { name, operation, delivery, message } = error as UniliveError;
  return { name, operation, delivery, message };
};

describe('toArray with limit 0 fails as the walk would', () => {
  it('on a client', async () => {
    await fc.assert(
      fc.asyncProperty(refusedLists, limits, async (options, limit) => {
        const fake = fakeProvider('fake', { streams: 2 });
        const heard: unknown[] = [];
        const client = createLiveStreamClient(fake.provider, {
          hooks: { onError: (event) => heard.push(event.error) },
        });
        const walked = await failureOf(() => client.list(options as never).toArray());
        const limited = await failureOf(() => client.list(options as never).toArray({ limit }));
        expect(shape(limited)).toEqual(shape(walked));
        expect((limited as UniliveError).delivery).toBe('not-sent');
        expect(heard).toEqual([walked, limited]);
        expect(fake.calls).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('on a registry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(refusedLists, fc.constant<Record<string, unknown>>({ providers: ['nowhere'] })),
        limits,
        async (options, limit) => {
          const fake = fakeProvider('fake', { streams: 2 });
          const heard: unknown[] = [];
          const registry = createLiveStreamRegistry({
            providers: { a: fake.provider },
            hooks: { onError: (event) => heard.push(event.error) },
          });
          const walked = await failureOf(() => registry.list(options as never).toArray());
          const limited = await failureOf(() => registry.list(options as never).toArray({ limit }));
          expect(shape(limited)).toEqual(shape(walked));
          expect(heard).toHaveLength(2);
          expect(shape(heard[1])).toEqual(shape(walked));
          expect(fake.calls).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('resolves empty, sending nothing, for a list that can be walked', async () => {
    const fake = fakeProvider('fake', { streams: 2 });
    const client = createLiveStreamClient(fake.provider);
    const registry = createLiveStreamRegistry({ providers: { a: fake.provider } });
    fake.calls.length = 0;
    expect(await client.list({ pageSize: 5 }).toArray({ limit: 0 })).toEqual([]);
    expect(await registry.list({ providers: ['a'] }).toArray({ limit: 0 })).toEqual([]);
    expect(fake.calls).toEqual([]);
  });
});
