import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { everything, leaks } from '../../test/leak-views.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  NotFoundError,
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

describe("an outside provider's stream deleted elsewhere", () => {
  // The provider says the stream is gone in a NotFoundError that quotes its keys (a vendor echoing them):
  // that error and the `onError` event for it show none, and then the client holds them no more, as an
  // adapter drops a stream's secrets on a 404 about it. A NotFoundError naming another stream drops nothing.
  function goneQuoting(keys: Keys, streamIdOf: (id: string) => string | undefined) {
    const { provider, store, quoted } = outside(undefined);
    const gone = (operation: string, id: string): never => {
      throw new NotFoundError({
        provider: 'outside',
        operation,
        status: 404,
        message: `no stream ${id}: ${Object.values(keys).join(' / ')}`,
        vendorMessage: Object.values(keys).join(','),
        delivery: 'refused',
        ...(streamIdOf(id) === undefined ? {} : { streamId: streamIdOf(id) }),
      });
    };
    const answering = (operation: 'get' | 'start' | 'stop') =>
      async function (this: unknown, id: string, options?: never) {
        if (!store.has(id)) return gone(operation, id);
        return provider[operation].call(provider, id, options);
      };
    return {
      provider: { ...provider, get: answering('get'), start: answering('start'), stop: answering('stop') },
      store,
      quoted,
    };
  }

  it('masks the NotFoundError and its onError event, then holds its keys no more (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ push: keyShapes, password: keyShapes, restream: keyShapes }),
        fc.constantFrom('get', 'start', 'stop', 'waitForState'),
        fc.constantFrom('same', 'unnamed', 'other'),
        async (keys, call, named) => {
          const { provider, store, quoted } = goneQuoting(keys, (id) =>
            named === 'same' ? id : named === 'other' ? `${id}-other` : undefined,
          );
          const heard: unknown[] = [];
          const client = createLiveStreamClient(provider, {
            hooks: { onError: (event) => heard.push(event) },
          });
          const made = await client.create({ name: 'Launch' });
          issue(store.get(made.id), keys);
          await client.get(made.id);
          store.delete(made.id);
          const error = await (call === 'waitForState'
            ? client.waitForState(made.id, 'ready', { timeoutMs: 60_000 })
            : client[call](made.id)
          ).catch((caught: unknown) => caught);
          expect(NotFoundError.isInstance(error), String(error)).toBe(true);
          for (const key of Object.values(keys)) {
            expect(leaks(everything(error), key)).toEqual([]);
            expect(leaks(everything(heard), key)).toEqual([]);
          }
          // A later error quoting them (the delete of what is gone): masked only while the client still
          // holds the stream's keys, that is when the NotFoundError named another stream.
          quoted.push(keys.push);
          const later = await client.delete(made.id).catch((caught: unknown) => caught);
          expect(ProviderUnavailableError.isInstance(later), String(later)).toBe(true);
          expect(leaks(everything(later), keys.push).length > 0).toBe(named !== 'other');
        },
      ),
      { numRuns: 40 },
    );
  });
});
