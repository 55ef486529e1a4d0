import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { everything, leaks } from '../../test/leak-views.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  ProviderUnavailableError,
  SecretSet,
} from '../index.js';

// A provider from outside this repository hands the client streams whose ingest endpoints and restream
// targets carry secrets (stream keys, push passwords, tokens). When its `secrets()` is no SecretSet of its
// own, the client holds those values for it: a later error of the provider that quotes one shows none, in
// any encoding, through a client and a registry (a migration's failed delete of its source among them).

const keyShapes = fc.stringMatching(/^[A-Za-z0-9_-]{12,32}$/);

function outside(secrets: LiveStreamProvider['secrets'], issued?: Keys) {
  const fake = fakeProvider('outside');
  const quoted: string[] = [];
  // Its failures quote whatever it was told to: what a vendor echoing the stream's keys sends back.
  const fail = (operation: string) => {
    throw new ProviderUnavailableError({
      provider: 'outside',
      operation,
      message: `outside ${operation} failed: ${quoted.join(' / ')}`,
      vendorMessage: quoted.join(','),
      delivery: 'unknown',
    });
  };
  const provider: LiveStreamProvider = {
    ...fake.provider,
    ...(secrets === undefined ? {} : { secrets }),
    // The vendor issues the keys with the stream: they are in the create's own answer.
    async create(input, options) {
      const stream = await fake.provider.create(input, options);
      if (issued) issue(fake.store.get(stream.id), issued);
      return issued ? fake.provider.get(stream.id) : stream;
    },
    async update() {
      return fail('update');
    },
    async delete() {
      return fail('delete');
    },
  };
  return { provider, store: fake.store, quoted };
}

interface Keys {
  push: string;
  password: string;
  restream: string;
}

// The fake's stored stream, given keys the vendor issued: an RTMP push key and password, a restream key.
function issue(stream: LiveStream | undefined, keys: Keys) {
  if (!stream) throw new Error('no stream');
  stream.ingest = [
    {
      protocol: 'rtmp',
      url: `rtmp://ingest.example.test/live/${keys.push}`,
      server: 'rtmp://ingest.example.test/live',
      streamKey: keys.push,
      username: 'encoder',
      password: keys.password,
    },
  ];
  stream.restream = [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: keys.restream, enabled: true }];
}

describe("an outside provider's answers: the secrets they carry are held by the client", () => {
  it('masks a later error quoting them, whether the stream came from get, create or a list (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ push: keyShapes, password: keyShapes, restream: keyShapes }),
        fc.constantFrom('get', 'create', 'list'),
        fc.constantFrom<LiveStreamProvider['secrets']>(undefined, () => ['outside-api-token-0001']),
        async (keys, learnedBy, secrets) => {
          const { provider, store, quoted } = outside(secrets, learnedBy === 'create' ? keys : undefined);
          const client = createLiveStreamClient(provider);
          const made = await client.create({ name: 'Launch' });
          if (learnedBy !== 'create') issue(store.get(made.id), keys);
          if (learnedBy === 'get') await client.get(made.id);
          if (learnedBy === 'list') await client.list().toArray();
          quoted.push(keys.push, keys.password, keys.restream);
          for (const call of [() => client.delete(made.id), () => client.update(made.id, { name: 'x' })]) {
            const error = await call().then(
              () => undefined,
              (caught: unknown) => caught,
            );
            expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
            for (const key of Object.values(keys)) expect(leaks(everything(error), key)).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("masks them in a migration's source error, where the source's delete quotes them", async () => {
    const keys = {
      push: 'push-key-7f3a9c1e5b2d',
      password: 'push-pass-4d8e2a6c0f1b',
      restream: 'yt-key-9a8b7c6d5e4f',
    };
    const source = outside(undefined);
    const target = fakeProvider('liveapi');
    const registry = createLiveStreamRegistry({ providers: { old: source.provider, new: target.provider } });
    const made = await registry.create({ name: 'Launch' }, { provider: 'old' });
    issue(source.store.get(made.id), keys);
    source.quoted.push(keys.push, keys.password, keys.restream);
    const result = await registry.migrate(made.ref, { to: 'new', deleteSource: true });
    expect(result.sourceDeleted).toBe(false);
    expect(ProviderUnavailableError.isInstance(result.sourceError)).toBe(true);
    const shown = `${everything(result.sourceError)}\n${JSON.stringify(result.warnings)}`;
    for (const key of Object.values(keys)) expect(leaks(shown, key)).toEqual([]);
  });

  it("leaves a provider that answers its own SecretSet to hold its streams' secrets", async () => {
    const held = new SecretSet();
    const { provider, store, quoted } = outside(() => held.values());
    const client = createLiveStreamClient(provider);
    const made = await client.create({ name: 'Launch' });
    const keys = {
      push: 'push-key-7f3a9c1e5b2d',
      password: 'push-pass-4d8e2a6c0f1b',
      restream: 'yt-key-9a8b7c6d5e4f',
    };
    issue(store.get(made.id), keys);
    await client.get(made.id);
    quoted.push(keys.push);
    // The provider did not learn it, as its contract asks (docs/adding-an-adapter.md): the client does not
    // second-guess a set it was given.
    const before = await client.delete(made.id).catch((caught: unknown) => caught);
    expect(everything(before)).toContain(keys.push);
    held.holdStream(made.id, [keys.push]);
    const after = await client.delete(made.id).catch((caught: unknown) => caught);
    expect(leaks(everything(after), keys.push)).toEqual([]);
  });
});
