import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { NotFoundError } from '../errors/errors.js';
import type { ErrorEvent, HttpHooks, WarningEvent } from '../http/hooks.js';
import { createHttpClient } from '../http/http-client.js';
import type { LiveStream } from '../live-stream.js';
import { walkPages } from '../paging.js';
import type { ListOptions, LiveStreamProvider } from '../provider.js';
import { SecretSet } from '../secrets.js';
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
          let migrated: { warnings: { type: string }[]; stream: { warnings?: unknown[] } } | undefined;
          if (call === 'migrate') migrated = await registry.migrate(`a:${source.id}`, { to: 'b' });
          else if (call === 'findByName') await registry.findByName(source.name ?? '');
          else if (call === 'list') await registry.list().toArray();
          else await registry.create({ name: 'new' }, { provider: 'b' });
          const expected = {
            // The new stream's own warning, and the migration's own (what it did not carry), named for the
            // target: every warning of the result, each heard once.
            migrate: [
              ['vendor-b', 'migrate', 'other'],
              ...(migrated?.warnings ?? [])
                .filter((warning) => !(migrated?.stream.warnings ?? []).includes(warning))
                .map((warning) => ['vendor-b', 'migrate', warning.type]),
            ],
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

  it('every event of a provider a registry made the client for names it: two accounts of one vendor told apart', async () => {
    // One vendor (`acme`) under two names; its get goes through core's HTTP layer, answered 503 once (a
    // retry), then the stream, or 404 for an id it does not have.
    const account = () => {
      const fake = fakeProvider('acme', { streams: 1 });
      let answered = 0;
      const http = createHttpClient({
        provider: 'acme',
        baseUrl: 'https://api.acme.test',
        headers: () => ({}),
        secrets: new SecretSet(),
        fetch: (async (input: RequestInfo | URL) => {
          answered += 1;
          if (answered === 1) return new Response('busy', { status: 503 });
          const url = String(input instanceof Request ? input.url : input);
          const stream = [...fake.store.values()].find((each) => url.endsWith(`/streams/${each.id}`));
          return stream
            ? new Response(JSON.stringify(stream), { headers: { 'content-type': 'application/json' } })
            : new Response('{"error":"no such stream"}', {
                status: 404,
                headers: { 'content-type': 'application/json' },
              });
        }) as typeof fetch,
      });
      const provider: LiveStreamProvider = {
        ...fake.provider,
        get: async (id, options) =>
          (
            await http.request({
              operation: 'get',
              method: 'GET',
              path: `streams/${id}`,
              schema: v.looseObject({ id: v.string() }),
              options,
            })
          ).data as unknown as LiveStream,
      };
      return { ...fake, provider };
    };
    const eu = account();
    const us = account();
    const events: { hook: string; providerName?: string | undefined }[] = [];
    const heard = (hook: string) => (event: { providerName?: string | undefined }) =>
      events.push({ hook, providerName: event.providerName });
    const hooks: HttpHooks = {
      onRequest: heard('onRequest'),
      onResponse: heard('onResponse'),
      onRetry: heard('onRetry'),
      onWarning: heard('onWarning'),
      onError: heard('onError') as (event: ErrorEvent) => void,
    };
    const registry = createLiveStreamRegistry({
      providers: { eu: eu.provider, us: us.provider },
      hooks,
    });
    const [euStream] = [...eu.store.values()];
    if (!euStream) throw new Error('no stream');
    // Answered 503 once: retried after the client's backoff.
    await registry.get(`eu:${euStream.id}`);
    const euEvents = events.splice(0);
    await registry.get('us:missing').catch(() => undefined);
    const usEvents = events.splice(0);
    expect(euEvents.map((event) => event.hook)).toEqual([
      'onRequest',
      'onResponse',
      'onRetry',
      'onRequest',
      'onResponse',
    ]);
    expect(euEvents.every((event) => event.providerName === 'eu')).toBe(true);
    expect(usEvents.map((event) => event.hook)).toContain('onError');
    expect(usEvents.every((event) => event.providerName === 'us')).toBe(true);
  });
});
