// `capabilities.updatable` held to what every adapter does against the sandbox, and the client's reading of
// the provider it is given: the method a call needs read once as the call is made (a provider that lacks it is
// refused naming `provider.<method>`, docs/errors.md), the provider's id read once when the client is made, a
// list iterator that answers no iterator result, and a long run of unusable records that must not hold the
// event loop.
import { inspect } from 'node:util';
import {
  createLiveStreamClient,
  createLiveStreamClientFromConfig,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamProvider,
  type ProviderCapabilities,
} from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { memoryCapabilities } from '@unilive/testing';
import { videosdk } from '@unilive/videosdk';
import { wowzaRealtime } from '@unilive/wowza-realtime';
import { wowzaVideo } from '@unilive/wowza-video';
import { checkSection, failureText } from './check-rows.js';

// Each case a row of the configuration table (docs/reliability.md), counted as it ends.
const { row } = checkSection('hardening.updatable-and-provider-shapes', 'configuration');
afterEach((context) => {
  const counted = row(context.task.name, context.task.suite?.name ?? 'all');
  counted.runs += 1;
  const error = context.task.result?.errors?.[0];
  if (context.task.result?.state === 'fail') counted.failures.push(failureText(undefined, error));
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// ---------------------------------------------------------------------------------------------------------
// Part 1: capabilities.updatable against the sandbox
// ---------------------------------------------------------------------------------------------------------

type AdapterName = 'wowza-video' | 'wowza-realtime' | 'liveapi' | 'videosdk-v1' | 'videosdk-v2';
const adapters: AdapterName[] = ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk-v1', 'videosdk-v2'];

const target = (n: number) => ({ url: `rtmp://rs${n}.example.com/live`, streamKey: `q7Zk${n}Xv93Lw` });

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 0, media: false });
});
afterAll(async () => {
  await sandbox?.close();
});

function buildProvider(name: AdapterName): LiveStreamProvider {
  switch (name) {
    case 'wowza-video':
      return wowzaVideo(sandbox.adapterSettings('wowza-video') as never);
    case 'wowza-realtime':
      return wowzaRealtime(sandbox.adapterSettings('wowza-realtime') as never);
    case 'liveapi':
      return liveapi(sandbox.adapterSettings('liveapi') as never);
    case 'videosdk-v1':
      return videosdk({ ...(sandbox.adapterSettings('videosdk') as object), apiVersion: 'v1' } as never);
    case 'videosdk-v2':
      return videosdk({ ...(sandbox.adapterSettings('videosdk') as object), apiVersion: 'v2' } as never);
  }
}

function counted(name: AdapterName) {
  const requests: string[] = [];
  const errors: unknown[] = [];
  const client = createLiveStreamClient(buildProvider(name), {
    hooks: {
      onRequest: (event) => {
        requests.push(`${event.method} ${new URL(event.url).pathname}`);
      },
      onError: (event) => {
        errors.push(event);
      },
    },
  });
  return { client, requests, errors };
}

const warned = (stream: LiveStream, setting: string) =>
  (stream.warnings ?? []).some((w) => w.type === 'unsupported-setting' && w.setting === setting);

async function listed(client: LiveStreamClient, id: string): Promise<LiveStream | undefined> {
  for await (const stream of client.list()) if (stream.id === id) return stream;
  return undefined;
}

describe('capabilities.updatable, as declared, against the sandbox', () => {
  it('lists only fields the other capabilities claim (ProviderCapabilities.updatable: "among those the other capabilities claim")', () => {
    const claimed = (caps: ProviderCapabilities) =>
      new Set([
        ...(caps.names ? ['name'] : []),
        ...(caps.recording ? ['recording'] : []),
        ...(caps.restream ? ['restream'] : []),
        ...(caps.regions ? ['region'] : []),
        ...(caps.lowLatency ? ['lowLatency'] : []),
      ]);
    const outside: Record<string, string[]> = {};
    for (const name of adapters) {
      const caps = buildProvider(name).capabilities;
      const extra = (caps.updatable ?? []).filter((field) => !claimed(caps).has(field));
      if (extra.length > 0) outside[name] = extra;
    }
    expect(outside).toEqual({});
  });

  for (const name of adapters) {
    it(`${name}: every listed field changes the stream, as get and list read it back`, async () => {
      const { client } = counted(name);
      const caps = client.capabilities;
      const stream = await client.create({
        name: `upd-${name}`,
        ...(caps.restream ? { restream: [target(1), target(2)] } : {}),
      });
      const updatable = caps.updatable ?? [];
      if (updatable.includes('name')) {
        await client.update(stream.id, { name: `renamed-${name}` });
        expect((await client.get(stream.id)).name).toBe(`renamed-${name}`);
        expect((await listed(client, stream.id))?.name).toBe(`renamed-${name}`);
      }
      if (updatable.includes('recording') && name !== 'liveapi') {
        for (const recording of [true, false]) {
          const updated = await client.update(stream.id, { recording });
          expect(updated.recording).toBe(recording);
          expect((await client.get(stream.id)).recording).toBe(recording);
        }
      }
      if (updatable.includes('restream')) {
        await client.update(stream.id, { restream: [target(1), target(2), target(3)] });
        const urls = (await client.get(stream.id)).restream?.map((t) => t.url);
        expect(urls).toEqual(expect.arrayContaining([target(1).url, target(2).url, target(3).url]));
        expect(urls).toHaveLength(3);
      }
      if (updatable.includes('region')) {
        await client.update(stream.id, { region: 'amsterdam' });
        expect((await client.get(stream.id)).raw).toMatchObject({ region: 'amsterdam' });
      }
    });

    it(`${name}: a claimed field left out is refused before any request or warned, and edge values hold`, async () => {
      const { client, requests, errors } = counted(name);
      const caps = client.capabilities;
      const updatable = caps.updatable ?? [];
      const stream = await client.create({
        name: `left-${name}`,
        ...(caps.restream ? { restream: [target(1), target(2)] } : {}),
      });
      const refusedUnsent = async (patch: object, path: string) => {
        requests.length = 0;
        errors.length = 0;
        const error = await client.update(stream.id, patch as never).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'InvalidInputError', delivery: 'not-sent' });
        expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
        expect(errors).toHaveLength(1);
        return error;
      };
      // A repeated target is refused on every adapter, with nothing sent at all.
      await refusedUnsent({ restream: [target(1), target(1)] }, 'restream.1');
      expect(requests).toEqual([]);
      // A claimed recording left out of updatable: refused, no request.
      if (caps.recording && !updatable.includes('recording')) {
        await refusedUnsent({ recording: true }, 'recording');
        expect(requests).toEqual([]);
        // A listed field beside it is not applied either (refused before any change).
        await refusedUnsent({ name: 'should-not-apply', recording: true }, 'recording');
        expect(requests).toEqual([]);
        expect((await client.get(stream.id)).name).toBe(`left-${name}`);
      }
      // A claimed region or low latency left out: warned, the rest applied.
      for (const [field, value] of [
        ['region', 'eu_germany'],
        ['lowLatency', true],
      ] as const) {
        const claimedField = field === 'region' ? caps.regions : caps.lowLatency;
        if (!claimedField || updatable.includes(field)) continue;
        const patch = { [field]: value, ...(updatable.includes('name') ? { name: `with-${field}` } : {}) };
        const updated = await client.update(stream.id, patch);
        expect(warned(updated, field)).toBe(true);
        if (updatable.includes('name')) expect((await client.get(stream.id)).name).toBe(`with-${field}`);
      }
      // The restream list the stream has, in another order, changes nothing on every adapter that keeps targets.
      if (caps.restream) {
        requests.length = 0;
        await client.update(stream.id, { restream: [target(2), target(1)] });
        expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
      } else {
        await client.update(stream.id, { restream: [] });
        await refusedUnsent({ restream: [target(5)] }, 'restream');
      }
    });
  }

  it('videosdk v2: a live stream updated with the restream targets it already runs sends no change', async () => {
    // docs/errors.md: "`restream` on `update` is the whole list ...: the list the stream already has ...
    // changes nothing and is accepted on every adapter". Ending the running RTMP-outs and starting them again
    // (POST /v2/livestreams/end, then /start) would cut each destination's push for an update of nothing.
    const { client, requests } = counted('videosdk-v2');
    const stream = await client.create({ name: 'live-same-targets', restream: [target(1), target(2)] });
    await client.start(stream.id);
    await client.waitForState(stream.id, 'ready', { timeoutMs: 60_000 });
    requests.length = 0;
    const updated = await client.update(stream.id, { restream: [target(1), target(2)] });
    expect(updated.restream?.map((t) => t.url)).toEqual([target(1).url, target(2).url]);
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Part 2: a provider that lacks the method a call needs
// ---------------------------------------------------------------------------------------------------------

const SECRET = 'Sup3rS3cretTok3nXYZ';
// The memory vendor's table, with a stream read that tells whether video arrives (the waits for a broadcast
// below poll it).
const capabilities: ProviderCapabilities = { ...memoryCapabilities, broadcastingStatus: true };
const fakeStream = (id = 'abc123', provider = 'liveapi'): LiveStream =>
  ({ id, provider, name: 'n', state: 'ready', ingest: [], playback: [], raw: {} }) as unknown as LiveStream;

function fakeProvider(overrides: Record<string, unknown> = {}, id = 'liveapi'): Record<string, unknown> {
  return {
    id,
    specificationVersion: 'v1',
    capabilities,
    secrets: () => [SECRET],
    create: async () => fakeStream('abc123', id),
    get: async (streamId: string) => fakeStream(streamId, id),
    list: async function* () {
      yield fakeStream('abc123', id);
    },
    update: async (streamId: string) => fakeStream(streamId, id),
    delete: async () => {},
    start: async (streamId: string) => fakeStream(streamId, id),
    stop: async (streamId: string) => fakeStream(streamId, id),
    ...overrides,
  };
}

function hearing(provider: object) {
  const errors: unknown[] = [];
  const client = createLiveStreamClient(provider as LiveStreamProvider, {
    hooks: {
      onError: (event) => {
        errors.push(event);
      },
    },
  });
  return { client, errors };
}

function shownTexts(error: unknown): string {
  const e = error as { message?: string; stack?: string; toJSON?: () => unknown };
  return [
    String(e?.message),
    String(e?.stack),
    String(error),
    JSON.stringify(e?.toJSON?.() ?? null),
    inspect(error, { depth: 10 }),
  ].join('\n');
}

describe('a provider that lacks the method a call needs', () => {
  it('a create that ran and threw, and is gone when looked for afterwards, is no "not-sent" refusal', async () => {
    // A method that ran, made the stream and threw its own TypeError, then removed itself: a check that read
    // the method again after the failure would call it missing (`not-sent`), and a registry would fail over
    // and create the stream a second time. docs/errors.md: anything a provider threw that was no UniliveError
    // is `unexpected failure (TypeError)`, `delivery: 'unknown'`; `maybeCreated: false` only "when the failure
    // proves the vendor made nothing".
    let madeOnA = 0;
    const vanishing = () => {
      const provider = fakeProvider();
      provider.create = async () => {
        madeOnA++;
        delete provider.create;
        throw new TypeError('a bug after the stream was made');
      };
      return provider;
    };
    const { client, errors } = hearing(vanishing());
    const error = await client.create({ name: 'once' }).catch((e: unknown) => e);
    expect(madeOnA).toBe(1);
    expect(error).toMatchObject({ name: 'UniliveError', delivery: 'unknown' });
    expect(errors).toHaveLength(1);

    let madeOnB = 0;
    const b = fakeProvider(
      {
        create: async () => {
          madeOnB++;
          return fakeStream('b1', 'wowza-video');
        },
      },
      'wowza-video',
    );
    const registry = createLiveStreamRegistry({
      providers: { a: vanishing() as never, b: b as never },
      routing: { order: ['a', 'b'] },
    });
    const routed = await registry.create({ name: 'once' }).catch((e: unknown) => e);
    expect(routed).toMatchObject({ maybeCreated: true, delivery: 'unknown' });
    expect(madeOnB).toBe(0);
  });

  it('a method a getter answers as no function at the call, and as one afterwards, is refused naming it', async () => {
    // docs/errors.md: a method "that is no function or whose getter throws" is an InvalidInputError naming it,
    // not-sent: decided by the one read the call makes, whatever a later read of the getter answers.
    let reads = 0;
    const provider = Object.defineProperty(fakeProvider(), 'get', {
      get() {
        reads++;
        return reads === 1 ? undefined : async (id: string) => fakeStream(id);
      },
    });
    const { client, errors } = hearing(provider);
    const error = await client.get('abc123').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidInputError', delivery: 'not-sent' });
    expect((error as { issues: { path: string }[] }).issues[0]?.path).toBe('provider.get');
    expect(errors).toHaveLength(1);
  });

  it('a Proxy answering the method and another value in turn is refused naming it on the call that finds none', async () => {
    let reads = 0;
    const inner = fakeProvider();
    const provider = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'get') {
          reads++;
          return reads % 2 === 1 ? inner.get : 'not a method';
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const { client } = hearing(provider);
    await expect(client.get('abc123')).resolves.toMatchObject({ id: 'abc123' });
    const second = await client.get('abc123').catch((e: unknown) => e);
    expect(second).toMatchObject({ name: 'InvalidInputError', delivery: 'not-sent' });
  });

  it('a provider whose id getter throws is refused when the client is made, without what it threw', () => {
    // The client names its provider in every error: an id read again inside a failure could throw there, the
    // provider's own message unmasked. Read once, when the client is made, and refused as configuration.
    const provider = Object.defineProperty(fakeProvider(), 'id', {
      get() {
        throw new Error(`id ${SECRET}`);
      },
    });
    let refused: unknown;
    try {
      hearing(provider);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      name: 'InvalidInputError',
      operation: 'configure',
      delivery: 'not-sent',
    });
    expect((refused as { issues: { path: string }[] }).issues).toEqual([
      { path: 'provider.id', message: 'could not be read' },
    ]);
    expect(shownTexts(refused)).not.toContain(SECRET);
    for (const id of [undefined, 42, '', '  ']) {
      const odd = { ...fakeProvider(), id } as unknown as LiveStreamProvider;
      expect(() => createLiveStreamClient(odd)).toThrow(/provider\.id/);
    }
  });

  it('a list whose iterator answers a result that is no object fails as an unexpected failure', async () => {
    // The language's own `for await` throws a TypeError ("Iterator result 5 is not an object"). Read as a record
    // of nothing and skipped, an iterator answering so for ever would never end the walk.
    let nexts = 0;
    const provider = fakeProvider({
      list: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            nexts++;
            return nexts === 1 ? 5 : { done: true, value: undefined };
          },
        }),
      }),
    });
    const { client, errors } = hearing(provider);
    const error = await client
      .list()
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UniliveError', operation: 'list', delivery: 'unknown' });
    expect(errors).toHaveLength(1);
  });

  it('a walk over a long run of unreadable records gives the event loop a turn, so an abort can end it', async () => {
    // 20,000 records none of which is a stream, and a signal aborted from setImmediate: a walk that passed over
    // them all in settled promises would hold the event loop until the provider ran out, the abort unheard.
    let nexts = 0;
    const provider = fakeProvider({
      list: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async () =>
            ++nexts <= 20_000 ? { done: false, value: {} } : { done: true, value: undefined },
        }),
      }),
    });
    const { client } = hearing(provider);
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const outcome = await client
      .list({ signal: controller.signal })
      .toArray()
      .catch((e: unknown) => e);
    // An AbortError, or any other end a fix may choose (a bound on consecutive skipped records), before the
    // provider ran out: never a walk that resolves after 20,000 unreadable records with the abort unheard.
    expect(outcome).toBeInstanceOf(Error);
    expect(nexts).toBeLessThan(20_000);
  });

  it('a registry findByName refused for a provider without list names findByName in its message', async () => {
    // docs/errors.md: `operation` and the message name "the call the caller made" (`wowza-video findByName (list):
    // …`).
    const registry = createLiveStreamRegistry({
      providers: { a: fakeProvider({ list: undefined }) as never },
    });
    const error = await registry.findByName('n').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidInputError', operation: 'findByName', delivery: 'not-sent' });
    expect((error as Error).message).toMatch(/^liveapi findByName\b/);
  });

  // Verified to hold.
  it('serves a class instance (methods on the prototype, private fields) and a frozen provider', async () => {
    class Provider {
      readonly id = 'liveapi';
      readonly specificationVersion = 'v1';
      readonly capabilities = capabilities;
      #token = SECRET;
      secrets() {
        return [this.#token];
      }
      async get(id: string) {
        if (this.#token !== SECRET) throw new Error('called without its this');
        return fakeStream(id);
      }
      async *list() {
        yield fakeStream();
      }
    }
    const classy = hearing(new Provider());
    await expect(classy.client.get('abc123')).resolves.toMatchObject({ id: 'abc123' });
    await expect(classy.client.list().toArray()).resolves.toHaveLength(1);
    await expect(classy.client.waitForState('abc123', 'ready', { timeoutMs: 60_000 })).resolves.toMatchObject(
      {
        state: 'ready',
      },
    );
    const refused = await classy.client.create({ name: 'x' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'InvalidInputError', delivery: 'not-sent' });
    expect((refused as { issues: { path: string }[] }).issues[0]?.path).toBe('provider.create');
    expect(classy.errors).toHaveLength(1);

    const frozen = hearing(Object.freeze(fakeProvider({ stop: undefined })));
    await expect(frozen.client.get('abc123')).resolves.toMatchObject({ id: 'abc123' });
    await expect(frozen.client.stop('abc123')).rejects.toMatchObject({
      name: 'InvalidInputError',
      delivery: 'not-sent',
    });
  });

  it('refuses a getter that throws, a method of another kind and a poll method of another kind, without the secret', async () => {
    const throwing = Object.defineProperty(fakeProvider(), 'get', {
      get() {
        throw new Error(`getter ${SECRET}`);
      },
    });
    const cases: [object, (c: LiveStreamClient) => Promise<unknown>, string, string][] = [
      [throwing, (c) => c.get('abc123'), 'provider.get', 'get'],
      [fakeProvider({ update: 42 }), (c) => c.update('abc123', { name: 'y' }), 'provider.update', 'update'],
      [fakeProvider({ list: undefined }), (c) => c.list().toArray(), 'provider.list', 'list'],
      [
        fakeProvider({ getStatus: 1 }),
        (c) => c.waitForState('abc123', 'ready', { timeoutMs: 60_000 }),
        'provider.getStatus',
        'waitForState',
      ],
      [
        fakeProvider({ capabilities: { ...capabilities, broadcastingStatus: false }, getBroadcasting: 1 }),
        (c) => c.waitForBroadcast('abc123', { timeoutMs: 60_000 }),
        'provider.getBroadcasting',
        'waitForBroadcast',
      ],
      [
        fakeProvider({ get: null }),
        (c) => c.waitForBroadcast('abc123', { timeoutMs: 60_000 }),
        'provider.get',
        'waitForBroadcast',
      ],
    ];
    for (const [provider, call, path, operation] of cases) {
      const { client, errors } = hearing(provider);
      const error = await call(client).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'InvalidInputError', delivery: 'not-sent', operation });
      expect((error as { issues: { path: string }[] }).issues[0]?.path).toBe(path);
      expect(shownTexts(error)).not.toContain(SECRET);
      expect(errors).toHaveLength(1);
    }
  });

  it('keeps a TypeError a method throws itself an unexpected failure, masked, through a client and a registry', async () => {
    const broken = fakeProvider({
      get: async () => {
        throw new TypeError(`bad ${SECRET}`);
      },
      getStatus: async () => {
        throw new TypeError(`bad status ${SECRET}`);
      },
    });
    const { client, errors } = hearing(broken);
    for (const call of [
      () => client.get('abc123'),
      () => client.waitForState('abc123', 'ready', { timeoutMs: 60_000 }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'UniliveError', delivery: 'unknown' });
      expect(shownTexts(error)).not.toContain(SECRET);
    }
    expect(errors).toHaveLength(2);

    const registryErrors: unknown[] = [];
    const registry = createLiveStreamRegistry({
      providers: { a: broken as never },
      hooks: {
        onError: (event) => {
          registryErrors.push(event);
        },
      },
    });
    const error = await registry.get('a:abc123').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UniliveError', delivery: 'unknown', providerName: 'a' });
    expect(shownTexts(error)).not.toContain(SECRET);
    expect(registryErrors).toHaveLength(1);
  });

  it('refuses, at configuration, a factory that builds a Proxy whose every read throws, without its text', async () => {
    const factory = () =>
      new Proxy(fakeProvider(), {
        get() {
          throw new Error(`trap ${SECRET}`);
        },
      });
    const error = await createLiveStreamClientFromConfig(
      { provider: 'liveapi', tokenId: 'tokenIdValue1234', secretKey: SECRET },
      { providers: { liveapi: factory as never } },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidInputError', operation: 'configure', delivery: 'not-sent' });
    expect(shownTexts(error)).not.toContain(SECRET);
  });
});
