import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullCapabilities } from '../../test/fake-provider.js';
import { everything, leaks, secrets } from '../../test/leak-views.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  type LiveStreamProvider,
  markBuiltInProvider,
  ResponseShapeError,
} from '../index.js';

// A provider written outside this repository may answer anything. A client reads each answer once into a
// plain copy of the documented fields, each of its neutral type, and refuses (naming the field) an answer
// that does not fit, so the caller never meets a state no code reads, a `javascript:` playback URL, a date
// that is text, or a getter of the provider's that throws later.

const hosts = fc.stringMatching(/^[a-z][a-z0-9]{0,10}\.test$/);
const text = fc.string({ maxLength: 20 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const ingestEndpoint = fc.record(
  {
    protocol: fc.constantFrom('rtmp', 'rtmps', 'srt'),
    host: hosts,
    streamKey: fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
    server: maybe(fc.constant(true)),
    username: maybe(text),
    password: maybe(fc.stringMatching(/^[A-Za-z0-9]{8,20}$/)),
  },
  { requiredKeys: ['protocol', 'host', 'streamKey'] },
);

const stream = fc
  .record(
    {
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
      name: maybe(text),
      state: fc.constantFrom('stopped', 'starting', 'ready', 'stopping', 'resetting', 'disabled', 'unknown'),
      broadcasting: maybe(fc.boolean()),
      ingest: fc.array(ingestEndpoint, { maxLength: 3 }),
      playback: fc.array(
        fc.record({
          protocol: fc.constantFrom('hls', 'dash', 'embed'),
          host: hosts,
          rendition: maybe(fc.constantFrom('source', '720p')),
          audioOnly: maybe(fc.boolean()),
        }),
        { maxLength: 3 },
      ),
      recording: maybe(fc.boolean()),
      restream: maybe(
        fc.array(
          fc.record({
            url: hosts.map((host) => `rtmp://${host}/live`),
            streamKey: fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
            enabled: maybe(fc.boolean()),
          }),
          { maxLength: 2 },
        ),
      ),
      createdAt: maybe(fc.date({ noInvalidDate: true })),
      warnings: maybe(
        fc.array(fc.record({ type: fc.constantFrom('fallback', 'other'), message: text }), { maxLength: 2 }),
      ),
      // Data of any JSON shape, and dates, at any depth.
      providerDetails: maybe(
        fc.record({
          outside: fc.record({
            code: fc.constant('x1'),
            data: fc.jsonValue({ maxDepth: 4 }),
            at: fc.array(fc.record({ when: fc.date({ noInvalidDate: true }) }), { maxLength: 2 }),
          }),
        }),
      ),
    },
    { requiredKeys: ['id', 'state', 'ingest', 'playback'] },
  )
  .map((drawn) => {
    // Undefined optional fields are left out, as an adapter leaves them out.
    const made: Record<string, unknown> = { provider: 'someone-else', raw: { vendor: drawn.id } };
    for (const [key, value] of Object.entries(drawn)) if (value !== undefined) made[key] = value;
    made.ingest = drawn.ingest.map(({ protocol, host, streamKey, server, username, password }) => ({
      protocol,
      url: `${protocol}://${host}/live/${streamKey}`,
      streamKey,
      ...(server ? { server: `${protocol}://${host}/live` } : {}),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    }));
    made.playback = drawn.playback.map(({ protocol, host, rendition, audioOnly }) => ({
      protocol,
      url: `https://${host}/play.m3u8`,
      ...(rendition === undefined ? {} : { rendition }),
      ...(audioOnly === undefined ? {} : { audioOnly }),
    }));
    if (drawn.restream)
      made.restream = drawn.restream.map(({ enabled, ...target }) =>
        enabled === undefined ? target : { ...target, enabled },
      );
    return made as unknown as LiveStream;
  });

/** A provider from outside this repository answering every call with `answer(id)`. */
function outside(
  answer: (id: string) => unknown,
  extra: Partial<LiveStreamProvider> = {},
): LiveStreamProvider {
  return {
    specificationVersion: 'v1',
    id: 'outside',
    capabilities: { ...fullCapabilities, playbackProtocols: ['hls', 'dash', 'embed'] },
    secrets: () => ['OutsideCredential9z8y7x'],
    create: async () => answer('made1') as LiveStream,
    get: async (id) => answer(id) as LiveStream,
    async *list() {
      yield answer('listed1') as LiveStream;
    },
    update: async (id) => answer(id) as LiveStream,
    delete: async () => {},
    start: async (id) => answer(id) as LiveStream,
    stop: async (id) => answer(id) as LiveStream,
    ...extra,
  } as LiveStreamProvider;
}

// Every own property of `value`, deeply, is a data property: nothing the caller reads runs code.
function plainThroughout(value: unknown, path = '$', seen = new Set<unknown>()): string[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  const found: string[] = [];
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
    if (!('value' in descriptor)) found.push(`${path}.${key}`);
    else found.push(...plainThroughout(descriptor.value, `${path}.${key}`, seen));
  }
  return found;
}

describe("an outside provider's answers, through a client", () => {
  it('come back as plain copies equal to the documented fields, the provider named as the client names it', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.boolean(), async (given, undocumented) => {
        const answer = { ...given, ...(undocumented ? { ref: 'x:y', extra: { secret: 1 } } : {}) };
        const client = createLiveStreamClient(outside(() => answer));
        const got = await client.get(given.id);
        const { raw, ...documented } = given;
        expect(got).toEqual({ ...documented, provider: 'outside', raw });
        expect(got).not.toBe(answer);
        expect(got.raw).toBe(given.raw);
        expect(plainThroughout({ ...got, raw: undefined })).toEqual([]);
        // Dates are copies: the provider's object changed later changes nothing handed out.
        if (given.createdAt) expect(got.createdAt).not.toBe(given.createdAt);
      }),
      { numRuns: 150 },
    );
  });

  it('take a date of another realm or a Date subclass as the date it names, and no object that merely has getTime', async () => {
    const { runInNewContext } = await import('node:vm');
    class Stamp extends Date {}
    const base = { id: 's1', provider: 'outside', state: 'ready', ingest: [], playback: [], raw: {} };
    for (const createdAt of [runInNewContext('new Date(1700000000000)'), new Stamp(1_700_000_000_000)]) {
      const got = await createLiveStreamClient(outside(() => ({ ...base, createdAt }))).get('s1');
      expect(got.createdAt).toBeInstanceOf(Date);
      expect(got.createdAt?.getTime()).toBe(1_700_000_000_000);
    }
    const forged = { getTime: () => 1_700_000_000_000 };
    await expect(
      createLiveStreamClient(outside(() => ({ ...base, createdAt: forged }))).get('s1'),
    ).rejects.toMatchObject({ issues: [{ path: 'createdAt' }] });
  });

  it('run each getter of the answer once, during the call, never after', async () => {
    await fc.assert(
      fc.asyncProperty(stream, async (given) => {
        const reads: Record<string, number> = {};
        const answer = {} as Record<string, unknown>;
        for (const [key, value] of Object.entries(given))
          Object.defineProperty(answer, key, {
            enumerable: true,
            get() {
              reads[key] = (reads[key] ?? 0) + 1;
              return value;
            },
          });
        const client = createLiveStreamClient(outside(() => answer));
        const got = await client.get(given.id);
        const afterCall = { ...reads };
        expect(Object.values(afterCall).every((count) => count === 1)).toBe(true);
        JSON.stringify(got);
        void got.name;
        void got.ingest;
        expect(reads).toEqual(afterCall);
      }),
      { numRuns: 50 },
    );
  });

  // Each case: the field made wrong, the value put there, the issue path the error names.
  const misfits: fc.Arbitrary<{ change: (answer: Record<string, unknown>) => void; path: string }> = fc.oneof(
    fc.constantFrom<unknown>('Ready', 'live', 3, null, true, {}).map((state) => ({
      change: (answer: Record<string, unknown>) => {
        answer.state = state;
      },
      path: 'state',
    })),
    fc.constant({ change: (answer: Record<string, unknown>) => void delete answer.state, path: 'state' }),
    fc.constantFrom<unknown>(5, {}, ['x'], null).map((name) => ({
      change: (answer: Record<string, unknown>) => {
        answer.name = name;
      },
      path: 'name',
    })),
    fc.constantFrom<unknown>('rtmp://h.test/live/key', null, {}, undefined).map((ingest) => ({
      change: (answer: Record<string, unknown>) => {
        answer.ingest = ingest;
      },
      path: 'ingest',
    })),
    fc
      .constantFrom(
        'javascript:alert(1)',
        'data:text/html,x',
        'file:///etc/passwd',
        'rtmp://h.test/x.m3u8',
        'not a url',
      )
      .map((url) => ({
        change: (answer: Record<string, unknown>) => {
          answer.playback = [{ protocol: 'hls', url }];
        },
        path: 'playback.0.url',
      })),
    fc.constantFrom('HLS', 'mp4', 'webm').map((protocol) => ({
      change: (answer: Record<string, unknown>) => {
        answer.playback = [{ protocol, url: 'https://h.test/a.m3u8' }];
      },
      path: 'playback.0.protocol',
    })),
    fc.constantFrom('https://h.test/live', 'srt://h.test:9000').map((url) => ({
      change: (answer: Record<string, unknown>) => {
        answer.ingest = [{ protocol: 'rtmp', url }];
      },
      path: 'ingest.0.url',
    })),
    fc.constantFrom<unknown>('yesterday', 1_700_000_000_000, new Date(Number.NaN)).map((createdAt) => ({
      change: (answer: Record<string, unknown>) => {
        answer.createdAt = createdAt;
      },
      path: 'createdAt',
    })),
    fc.constantFrom<unknown>('yes', 1).map((recording) => ({
      change: (answer: Record<string, unknown>) => {
        answer.recording = recording;
      },
      path: 'recording',
    })),
    fc.constant({
      change: (answer: Record<string, unknown>) => {
        answer.restream = [{ url: 'https://h.test/x', streamKey: 'k' }];
      },
      path: 'restream.0.url',
    }),
    fc.constant({
      change: (answer: Record<string, unknown>) => {
        answer.warnings = [{ type: 'oops', message: 'm' }];
      },
      path: 'warnings.0.type',
    }),
    fc.constant({
      change: (answer: Record<string, unknown>) => {
        answer.providerDetails = 'x';
      },
      path: 'providerDetails',
    }),
    // A URL parser drops space around a URL and line breaks inside it: the text handed on is not the URL
    // that was checked.
    fc
      .constantFrom(
        ' https://h.test/a.m3u8',
        'https://h.test/a.m3u8\n',
        'https://h.test/a\tb.m3u8',
        'https://h.test/a b.m3u8',
        'https://h.test/a.m3u8\u0000',
        '\u0085https://h.test/a.m3u8',
        // Unicode space, separators, a zero-width or soft hyphen a parser drops from a host, an
        // override; and what a parser reads as another URL than its text.
        '\u00a0https://h.test/a.m3u8',
        'https://h.test/a\u2028.m3u8',
        'https://h.test/a.m3u8\u3000',
        'https://pla\u200by.h.test/a.m3u8',
        'https://pla\u00ady.h.test/a.m3u8',
        'https://h.test/\u202ea.m3u8',
        'https://h.test/\u00e9.m3u8',
        'https:///a.m3u8',
        'https:h.test/a.m3u8',
      )
      .map((url) => ({
        change: (answer: Record<string, unknown>) => {
          answer.playback = [{ protocol: 'hls', url }];
        },
        path: 'playback.0.url',
      })),
    fc.constantFrom('rtmp://h.test/live ', 'rtmp://h.test/li\nve').map((url) => ({
      change: (answer: Record<string, unknown>) => {
        answer.restream = [{ url, streamKey: 'k' }];
      },
      path: 'restream.0.url',
    })),
    // providerDetails is data all the way down: what a copy of own fields would turn into `{}`, drop or
    // hand on as the provider's own code is refused where it sits.
    fc
      .constantFrom<[unknown, string]>(
        [new Map([['outside', { a: 1 }]]), 'providerDetails'],
        [[{ a: 1 }], 'providerDetails'],
        [{ outside: new Map() }, 'providerDetails.outside'],
        [{ outside: 'x' }, 'providerDetails.outside'],
        [{ outside: { list: [1, new Set([1])] } }, 'providerDetails.outside.list.1'],
        [{ outside: { at: { f: () => 1 } } }, 'providerDetails.outside.at.f'],
        [{ outside: { s: Symbol('s') } }, 'providerDetails.outside.s'],
        // JSON.stringify throws on a bigint: no data a caller can serialise.
        [{ outside: { n: 10n } }, 'providerDetails.outside.n'],
        [{ outside: { list: new Array(10_001).fill(1) } }, 'providerDetails.outside.list'],
        [{ outside: { u: new URL('https://h.test/') } }, 'providerDetails.outside.u'],
        [
          { outside: { deep: { er: { still: new (class Target {})() } } } },
          'providerDetails.outside.deep.er.still',
        ],
      )
      .map(([providerDetails, path]) => ({
        change: (answer: Record<string, unknown>) => {
          answer.providerDetails = providerDetails;
        },
        path,
      })),
  );

  it('are refused, naming the field, when a field does not fit its neutral type: a ResponseShapeError of every call', async () => {
    const calls = {
      get: (client: ReturnType<typeof createLiveStreamClient>) => client.get('s1'),
      create: (client: ReturnType<typeof createLiveStreamClient>) => client.create({ name: 'n' }),
      update: (client: ReturnType<typeof createLiveStreamClient>) => client.update('s1', { name: 'n' }),
      start: (client: ReturnType<typeof createLiveStreamClient>) => client.start('s1'),
      stop: (client: ReturnType<typeof createLiveStreamClient>) => client.stop('s1'),
    };
    await fc.assert(
      fc.asyncProperty(
        stream,
        misfits,
        fc.constantFrom(...(Object.keys(calls) as (keyof typeof calls)[])),
        async (given, { change, path }, call) => {
          const client = createLiveStreamClient(
            outside((id) => {
              const answer: Record<string, unknown> = { ...given, id };
              change(answer);
              return answer;
            }),
          );
          const failed = await calls[call](client).catch((error: unknown) => error);
          expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
          expect(failed).toMatchObject({ provider: 'outside', operation: call, delivery: 'unknown' });
          expect((failed as ResponseShapeError).issues).toEqual([{ path, expected: expect.any(String) }]);
          expect((failed as Error).message).toContain(path);
          if (call === 'create') expect((failed as Error).message).toContain('the stream may exist');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('in a list walk: such a record is skipped with a warning naming the field, or the strict walk fails naming it', async () => {
    await fc.assert(
      fc.asyncProperty(stream, misfits, async (given, { change, path }) => {
        const answer: Record<string, unknown> = { ...given };
        change(answer);
        const good = { ...given, id: 'good1' };
        const provider = outside(() => good, {
          async *list() {
            yield answer as unknown as LiveStream;
            yield good;
          },
        });
        const heard: string[] = [];
        const client = createLiveStreamClient(provider, {
          hooks: { onWarning: (event) => heard.push(`${event.warning.type}: ${event.warning.message}`) },
        });
        const listed = await client.list().toArray();
        expect(listed.map((item) => item.id)).toEqual(['good1']);
        const skipped = heard.filter((line) => line.startsWith('skipped-record'));
        expect(skipped).toHaveLength(1);
        expect(skipped[0]).toContain(
          `skipped-record: outside list: record 1 of the walk was skipped: its ${path} is not `,
        );
        const strict = await client
          .list({ strict: true })
          .toArray()
          .catch((error: unknown) => error);
        expect(ResponseShapeError.isInstance(strict)).toBe(true);
        expect((strict as ResponseShapeError).issues).toEqual([{ path, expected: expect.any(String) }]);
      }),
      { numRuns: 100 },
    );
  });

  it('a wait polling a state no neutral one is refused at that poll, not waited on until its time runs out', async () => {
    for (const polls of ['get', 'getStatus'] as const) {
      for (const state of ['Ready', 'live', 'READY', '']) {
        const provider = outside((id) => ({ id, state: 'stopped', ingest: [], playback: [], raw: {} }), {
          ...(polls === 'getStatus'
            ? { getStatus: async () => ({ state }) as never }
            : { get: async (id: string) => ({ id, state, ingest: [], playback: [], raw: {} }) as never }),
        });
        const failed = await createLiveStreamClient(provider)
          .waitForState('s1', 'ready', { timeoutMs: 600_000, intervalMs: 100 })
          .catch((error: unknown) => error);
        expect(ResponseShapeError.isInstance(failed), `${polls} ${state}: ${String(failed)}`).toBe(true);
        expect(failed).toMatchObject({ operation: 'waitForState', issues: [{ path: 'state' }] });
      }
    }
  });

  it('whose getter throws quoting a stream key it answered before is a ResponseShapeError that shows the key nowhere, through a client and a registry', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets.filter((key) => /^[A-Za-z0-9]{12,}$/.test(key)),
        async (key) => {
          let throwing = false;
          const answer = (id: string) => {
            const made = {
              id,
              provider: 'outside',
              state: 'ready',
              ingest: [{ protocol: 'rtmp', url: `rtmp://h.test/live/${key}`, streamKey: key }],
              playback: [],
              raw: {},
            };
            if (!throwing) return made;
            return Object.defineProperty(made, 'name', {
              enumerable: true,
              get() {
                throw new Error(`the session for ${key} expired`);
              },
            });
          };
          const client = createLiveStreamClient(outside(answer));
          const registry = createLiveStreamRegistry({ providers: { o: outside(answer) } });
          await client.get('s1');
          await registry.get('o:s1');
          throwing = true;
          for (const failed of [
            await client.get('s1').catch((error: unknown) => error),
            await client.create({ name: 'n' }).catch((error: unknown) => error),
            await registry.get('o:s1').catch((error: unknown) => error),
          ]) {
            expect(ResponseShapeError.isInstance(failed), String(failed)).toBe(true);
            expect(leaks(everything(failed), key)).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("of a built-in adapter (markBuiltInProvider) are handed on as they are: the copy is the outside provider's price", async () => {
    const answer = { id: 's1', provider: 'outside', state: 'ready', ingest: [], playback: [], raw: {} };
    const marked = markBuiltInProvider(outside(() => answer));
    expect(await createLiveStreamClient(marked).get('s1')).toBe(answer);
    // A spread copy of a marked provider, its get replaced, is no built-in adapter any more.
    const copied = { ...marked, get: async () => answer as LiveStream };
    // A marked provider whose secrets() is a plain list still has its streams' keys held for masking.
    const key = 'HeldStreamKey8c7b6a5z';
    const keyed = markBuiltInProvider(
      outside(
        (id) => ({
          ...answer,
          id,
          ingest: [{ protocol: 'rtmp', url: `rtmp://h.test/live/${key}`, streamKey: key }],
        }),
        {
          delete: async () => {
            throw new Error(`stream ${key} is live`);
          },
        },
      ),
    );
    const keyedClient = createLiveStreamClient(keyed);
    await keyedClient.get('s1');
    const failed = await keyedClient.delete('s1').catch((error: unknown) => error);
    expect(leaks(everything(failed), key)).toEqual([]);
    const got = await createLiveStreamClient(copied).get('s1');
    expect(got).not.toBe(answer);
    expect(got).toEqual(answer);
  });

  it('come from a provider whose secrets() cannot be read only if refused: the client and the registry refuse it as configuration', () => {
    const credential = 'UnreadCredential4f3e2d1c';
    const shapes: Record<string, () => unknown> = {
      throws: () => {
        throw new Error(`no ${credential}`);
      },
      async: async () => [credential],
      'a list whose length throws': () =>
        new Proxy([credential], {
          get(target, key) {
            if (key === 'length') throw new Error(credential);
            return Reflect.get(target, key);
          },
        }),
      'an object': () => ({ token: credential }),
      'a number': () => 42,
    };
    for (const [shape, secrets] of Object.entries(shapes)) {
      const provider = outside(() => ({}), { secrets: secrets as () => string[] });
      for (const make of [
        () => createLiveStreamClient(provider),
        () => createLiveStreamRegistry({ providers: { o: provider } }),
      ]) {
        let failed: unknown;
        try {
          make();
        } catch (error) {
          failed = error;
        }
        expect(failed, shape).toMatchObject({
          name: 'InvalidInputError',
          operation: 'configure',
          issues: [{ path: 'provider.secrets' }],
        });
        expect(leaks(everything(failed), credential), shape).toEqual([]);
      }
    }
    // A secrets method of another kind is refused too; none at all, or one answering nothing, is taken.
    expect(() => createLiveStreamClient(outside(() => ({}), { secrets: 'x' as never }))).toThrow(
      /provider\.secrets/,
    );
    for (const secrets of [undefined, () => undefined, () => null, () => 'one', () => new Set(['a1b2c3d4'])])
      expect(() => createLiveStreamClient(outside(() => ({}), { secrets: secrets as never }))).not.toThrow();
  });
});
