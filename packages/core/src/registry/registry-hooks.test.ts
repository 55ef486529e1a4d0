import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { NotFoundError } from '../errors/errors.js';
import type { WarningEvent } from '../http/hooks.js';
import type { LiveStream } from '../live-stream.js';
import { walkPages } from '../paging.js';
import type { ListOptions, LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry } from './registry.js';

// The warnings a registry's clients report themselves, outside any request (those a stream carries, those of
// a provider's paging walk), name the registry's call they were made for, as the requests' events do.

/** A provider whose created streams carry a warning, and whose list walks pages that claim more than exist. */
function warningProvider(id: string) {
  const fake = fakeProvider(id, { streams: 2 });
  const provider: LiveStreamProvider = {
    ...fake.provider,
    async create(input, options) {
      const stream = await fake.provider.create(input, options);
      return { ...stream, warnings: [{ type: 'other', message: `${id} kept a default` }] };
    },
    list(options?: ListOptions) {
      // findByName's walk is strict, where a cut list throws: its warning is a stream gone while walking.
      if (options?.strict === true) {
        return walkPages<LiveStream>({
          provider: id,
          fetchPage: async () => ({ items: [...fake.store.values()], hasMore: false }),
          idOf: (stream) => stream.id,
          details: async (stream) => {
            if (stream === [...fake.store.values()].at(-1))
              throw new NotFoundError({ provider: id, message: 'gone', status: 404 });
            return stream;
          },
          options,
        });
      }
      return walkPages<LiveStream>({
        provider: id,
        // One page, said to be the first of two: the walk ends there with an incomplete-list warning.
        fetchPage: async () => ({ items: [...fake.store.values()], totalPages: 2 }),
        idOf: (stream) => stream.id,
        options: { ...options, maxPages: 1 },
      });
    },
  };
  return { ...fake, provider };
}

describe('registry hook events', () => {
  it('the warnings of the streams and walks a migrate or findByName makes name that call; list and create keep theirs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('migrate', 'findByName', 'list', 'create'),
        fc.boolean(),
        async (call, given) => {
          const a = warningProvider('vendor-a');
          const b = warningProvider('vendor-b');
          const warnings: WarningEvent[] = [];
          const hooks = { onWarning: (event: WarningEvent) => warnings.push(event) };
          // A provider given as a provider, or as a client made with the same hooks: both name the call.
          const registry = createLiveStreamRegistry({
            providers: given
              ? {
                  a: createLiveStreamClient(a.provider, { hooks }),
                  b: createLiveStreamClient(b.provider, { hooks }),
                }
              : { a: a.provider, b: b.provider },
            hooks,
          });
          const [source] = [...a.store.values()];
          if (!source) throw new Error('the fake provider made no stream');
          if (call === 'migrate') await registry.migrate(`a:${source.id}`, { to: 'b' });
          else if (call === 'findByName') await registry.findByName(source.name ?? '');
          else if (call === 'list') await registry.list().toArray();
          else await registry.create({ name: 'new' }, { provider: 'b' });
          const expected = {
            migrate: [['vendor-b', 'migrate', 'other']],
            findByName: [
              ['vendor-a', 'findByName', 'skipped-record'],
              ['vendor-b', 'findByName', 'skipped-record'],
            ],
            list: [
              ['vendor-a', 'list', 'incomplete-list'],
              ['vendor-b', 'list', 'incomplete-list'],
            ],
            create: [['vendor-b', 'create', 'other']],
          }[call];
          expect(warnings.map((event) => [event.provider, event.operation, event.warning.type])).toEqual(
            expected,
          );
          // A walk's own warnings say so in their text too, with the provider call inside the caller's.
          if (call === 'findByName' || call === 'list') {
            const label = call === 'list' ? 'list' : 'findByName (list)';
            for (const event of warnings)
              expect(
                event.warning.message.startsWith(`${event.provider} ${label}: `),
                event.warning.message,
              ).toBe(true);
          }
        },
      ),
      { numRuns: 24 },
    );
  });
});
