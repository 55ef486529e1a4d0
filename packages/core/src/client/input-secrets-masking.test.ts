import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { encodings, everything, leaks } from '../../test/leak-views.js';
import { ProviderUnavailableError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient } from './live-stream-client.js';

// The built-in adapters register the credentials an input carries (restream stream keys, credential-named
// provider options) before their request, so an error that repeats one is masked. A provider from outside
// this repository registers nothing: the client masks what its call fails with by them, through a client,
// a registry's create and a migration that carries the source's restream targets to it.

// Stream keys as an encoder or a restream destination issues them (no whitespace: the input refuses it).
const streamKeys = fc.stringMatching(/^[A-Za-z0-9_+/=-]{12,40}$/);

// How the outside provider fails: a plain Error, or one of unilive's errors, quoting what it was sent in
// `encoding` (a vendor echoing a body, URL-encoding or base64 of it).
const failures = fc.constantFrom('plain error', 'unilive error');
const anEncoding = fc.constantFrom(...(Object.keys(encodings) as (keyof typeof encodings)[]));

function refusing(
  failure: 'plain error' | 'unilive error',
  shown: (sent: string) => string,
): Pick<LiveStreamProvider, 'create' | 'update' | 'start'> {
  const fail = (operation: string, sent: string): never => {
    const message = `vendor refused ${shown(sent)}`;
    throw failure === 'plain error'
      ? new Error(message)
      : new ProviderUnavailableError({
          provider: 'outside',
          operation,
          status: 502,
          message,
          delivery: 'unknown',
        });
  };
  const keyOf = (input: {
    restream?: readonly { streamKey: string }[] | undefined;
    providerOptions?: unknown;
  }) =>
    input.restream?.[0]?.streamKey ??
    ((input.providerOptions as Record<string, Record<string, string>> | undefined)?.outside
      ?.password as string);
  return {
    create: async (input) => fail('create', keyOf(input)),
    update: async (_id, patch) => fail('update', keyOf(patch)),
    start: async (_id, options) => fail('start', keyOf(options as never)),
  };
}

describe('credentials an input carries', () => {
  it('never show in an outside provider’s failure of create, update or start, through a client', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamKeys,
        failures,
        anEncoding,
        fc.constantFrom(
          'create restream',
          'update restream',
          'create providerOptions',
          'start providerOptions',
        ),
        async (key, failure, encoding, call) => {
          const fake = fakeProvider('outside', { streams: 1 });
          const provider: LiveStreamProvider = {
            ...fake.provider,
            providerOptionsOn: ['create', 'update', 'start'],
            ...refusing(failure, encodings[encoding]),
          };
          const heard: unknown[] = [];
          const client = createLiveStreamClient(provider, {
            hooks: { onError: (event) => heard.push(event) },
          });
          const restream = [{ url: 'rtmp://restream.test/live', streamKey: key }];
          const providerOptions = { outside: { password: key } } as Record<string, Record<string, unknown>>;
          const failed = await (call === 'create restream'
            ? client.create({ name: 'Launch', restream })
            : call === 'update restream'
              ? client.update('outside1', { restream })
              : call === 'create providerOptions'
                ? client.create({ name: 'Launch', providerOptions })
                : client.start('outside1', { providerOptions })
          ).catch((error: unknown) => error);
          expect(UniliveError.isInstance(failed), String(failed)).toBe(true);
          expect(failed).toMatchObject({ provider: 'outside', operation: call.split(' ')[0] });
          if (failure === 'unilive error') expect(failed).toBeInstanceOf(ProviderUnavailableError);
          expect(leaks(everything(failed), key)).toEqual([]);
          expect(heard).toHaveLength(1);
          expect(leaks(everything(heard), key)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('never show in a registry’s create, nor in a migration carrying the source’s restream targets', async () => {
    await fc.assert(
      fc.asyncProperty(streamKeys, failures, anEncoding, async (key, failure, encoding) => {
        const source = fakeProvider('source');
        const target = { ...fakeProvider('outside').provider, ...refusing(failure, encodings[encoding]) };
        const heard: unknown[] = [];
        const registry = createLiveStreamRegistry({
          providers: { s: source.provider, t: target },
          routing: { order: ['t', 's'] },
          hooks: { onError: (event) => heard.push(event) },
        });
        const restream = [{ url: 'rtmp://restream.test/live', streamKey: key }];
        const created = await registry
          .create({ name: 'Launch', restream }, { provider: 't' })
          .catch((error: unknown) => error);
        expect(UniliveError.isInstance(created), String(created)).toBe(true);
        expect(leaks(everything(created), key)).toEqual([]);
        const made = await registry.create({ name: 'Launch', restream }, { provider: 's' });
        const migrated = await registry.migrate(made.ref, { to: 't' }).catch((error: unknown) => error);
        expect(UniliveError.isInstance(migrated), String(migrated)).toBe(true);
        expect(migrated).toMatchObject({ operation: 'migrate', providerName: 't' });
        expect(leaks(everything(migrated), key)).toEqual([]);
        expect(leaks(everything(heard), key)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
