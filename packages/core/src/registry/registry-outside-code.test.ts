import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider, fullCapabilities } from '../../test/fake-provider.js';
import { everything, leaks, secrets } from '../../test/leak-views.js';
import { malformedCapability as malformed } from '../../test/malformed-capabilities.js';
import type { ProviderCapabilities } from '../capabilities.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { createLiveStreamClientFromConfig } from '../config/load-client.js';
import { InvalidInputError, ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import type { RequestEvent } from '../http/hooks.js';
import type { LiveStream } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistry, type RegistryProvider } from './registry.js';
import { createLiveStreamRegistryFromConfig } from './registry-config.js';

// A registry takes part with code it does not know: a third-party provider or client, a factory a
// configuration names, the caller's `routing.choose`, the reference objects it is handed, and code that
// reads `registry.providers`. Whatever that code does, the registry's calls end in typed errors that hold
// no credential, and what it shows is what it routes by.

/** A stream a third-party provider may answer, with any id. */
const streamOf = (id: unknown): LiveStream =>
  ({
    id,
    provider: 'acme',
    name: 'show',
    state: 'stopped',
    ingest: [],
    playback: [],
    raw: {},
  }) as unknown as LiveStream;

/** A third-party provider whose list yields `records` as they are. */
function outsideProvider(records: readonly unknown[], extra: Partial<LiveStreamProvider> = {}) {
  const base = fakeProvider('acme').provider;
  const provider: LiveStreamProvider = {
    ...base,
    // A hand-written iterator: an async generator's `yield` would await each record (reading a `then`),
    // so a revoked Proxy would fail the provider's own walk before the client saw it.
    list: () => ({
      [Symbol.asyncIterator]() {
        let next = 0;
        return {
          next: async () =>
            next < records.length
              ? { done: false as const, value: records[next++] as LiveStream }
              : { done: true as const, value: undefined },
        };
      },
    }),
    ...extra,
  };
  return provider;
}

// Records no reference can carry: no object, or an id no call can put in a path.
const unusable = fc.constantFrom<unknown>(
  null,
  undefined,
  42,
  'text',
  streamOf('x:y'),
  streamOf('../x'),
  streamOf(''),
  streamOf('a'.repeat(129)),
  streamOf(7),
  { name: 'show' },
);

describe('a list record a third-party provider yields that no reference can carry', () => {
  it('is skipped with a skipped-record warning naming its place, the walk going on; strict and findByName throw ResponseShapeError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), unusable), { minLength: 1, maxLength: 8 }),
        async (shape) => {
          const records = shape.map((item) => (typeof item === 'number' ? streamOf(`good${item}`) : item));
          const bad = shape.flatMap((item, index) => (typeof item === 'number' ? [] : [index + 1]));
          const good = [...new Set(shape.filter((item): item is number => typeof item === 'number'))].map(
            (item) => `a:good${item}`,
          );
          const other = fakeProvider('other', { streams: 1 });
          const warnings: string[] = [];
          const registry = createLiveStreamRegistry<string>({
            providers: { a: outsideProvider(records), b: other.provider },
            hooks: {
              onWarning: (event) => {
                if (event.warning.type === 'skipped-record') warnings.push(event.warning.message);
              },
            },
          });
          const listed = await registry.list().toArray();
          expect(listed.map((stream) => stream.ref)).toEqual([...good, 'b:other1']);
          expect(warnings).toEqual(
            bad.map((place) =>
              expect.stringMatching(new RegExp(`^acme list: record ${place} of the walk was skipped: `)),
            ),
          );
          // The client of that provider alone skips the same records.
          warnings.length = 0;
          const client = createLiveStreamClient(outsideProvider(records), {
            hooks: { onWarning: (event) => warnings.push(event.warning.message) },
          });
          expect((await client.list().toArray()).map((stream) => stream.id)).toEqual(
            records.flatMap((record, index) => (bad.includes(index + 1) ? [] : [(record as LiveStream).id])),
          );
          expect(warnings).toHaveLength(bad.length);
          if (bad.length === 0) return;
          const strict = await registry
            .list({ strict: true })
            .toArray()
            .catch((error: unknown) => error);
          expect(ResponseShapeError.isInstance(strict), String(strict)).toBe(true);
          expect(strict).toMatchObject({
            provider: 'acme',
            operation: 'list',
            message: expect.stringMatching(
              new RegExp(`^acme list: record ${bad[0]} of the walk could not be used: `),
            ),
          });
          const found = await registry.findByName('show').catch((error: unknown) => error);
          expect(ResponseShapeError.isInstance(found), String(found)).toBe(true);
          expect(found).toMatchObject({
            operation: 'findByName',
            providerName: 'a',
            message: expect.stringMatching(
              /^acme findByName \(list\): record \d+ of the walk could not be used: /,
            ),
          });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('from a client written by the application (not made by this library), is skipped by the registry the same way', async () => {
    const made = createLiveStreamClient(fakeProvider('acme').provider);
    const records = [streamOf('one'), null, streamOf('a:b'), streamOf('two')];
    const handWritten = Object.assign(Object.create(made) as typeof made, {
      list: () => ({
        async *[Symbol.asyncIterator]() {
          for (const record of records) yield record as LiveStream;
        },
        toArray: async () => records as LiveStream[],
      }),
    });
    const warnings: string[] = [];
    const registry = createLiveStreamRegistry<string>({
      providers: { a: handWritten },
      hooks: { onWarning: (event) => warnings.push(event.warning.message) },
    });
    expect((await registry.list().toArray()).map((stream) => stream.ref)).toEqual(['a:one', 'a:two']);
    expect(warnings).toEqual([
      'a list: record 2 of the walk was skipped: it is no stream object',
      expect.stringMatching(/^a list: record 3 of the walk was skipped: its id cannot be used/),
    ]);
  });
});

describe("what a configured factory throws, typed, is masked by the entry's settings", () => {
  it('an InvalidInputError quoting the value it refused keeps its class and fields, without the value, from either loader', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom('token', 'apiKey', 'clientSecret', 'password', 'foo'),
        fc.constantFrom('client', 'registry'),
        async (secret, setting, loader) => {
          const factory = (settings: Record<string, unknown>): LiveStreamProvider => {
            const value = String(settings[setting]);
            throw new InvalidInputError({
              provider: 'acme',
              operation: 'configure',
              message: `acme: ${setting} ${value} is malformed`,
              issues: [{ path: setting, message: `expected 32 hex characters, got ${value}` }],
            });
          };
          const options = { providers: { acme: factory } };
          const failed = await (loader === 'client'
            ? createLiveStreamClientFromConfig({ provider: 'acme', [setting]: secret }, options)
            : createLiveStreamRegistryFromConfig(
                { providers: [{ provider: 'acme', name: 'a', [setting]: secret }] },
                options,
              )
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect((failed as InvalidInputError).operation).toBe('configure');
          expect((failed as InvalidInputError).message).toContain(`acme: ${setting} `);
          expect(leaks(everything(failed), secret)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

// What configuring `setting` as `value` throws when the factory refuses it, quoting it as `read` reads it.
function refusalQuoting(setting: string, value: unknown, read: (held: unknown) => string): Promise<unknown> {
  const factory = (settings: Record<string, unknown>): LiveStreamProvider => {
    throw new InvalidInputError({
      provider: 'acme',
      operation: 'configure',
      message: `acme: ${setting} ${read(settings[setting])} is malformed`,
      issues: [],
    });
  };
  return createLiveStreamClientFromConfig(
    { provider: 'acme', [setting]: value },
    { providers: { acme: factory } },
  ).catch((error: unknown) => error);
}

// The UTF-8 bytes of `text`, with a space after it when their count is odd (a Uint16Array holds pairs).
function evenBytes(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return bytes.length % 2 === 0 ? bytes : new TextEncoder().encode(`${text} `);
}

describe('a configured factory that answers a Promise', () => {
  it('is refused, its rejection handled and never shown, from either loader', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom('rejects', 'resolves'),
        fc.constantFrom('client', 'registry'),
        async (secret, outcome, loader) => {
          // An async factory: what it rejects with quotes the setting. Vitest fails a run with an unhandled
          // rejection, so one left unhandled fails this test.
          const factory = async (settings: Record<string, unknown>): Promise<LiveStreamProvider> => {
            await Promise.resolve();
            if (outcome === 'rejects') throw new Error(`acme: bad apiKey ${String(settings.apiKey)}`);
            return fakeProvider('acme').provider;
          };
          const options = { providers: { acme: factory as unknown as () => LiveStreamProvider } };
          const failed = await (loader === 'client'
            ? createLiveStreamClientFromConfig({ provider: 'acme', apiKey: secret }, options)
            : createLiveStreamRegistryFromConfig(
                { providers: [{ provider: 'acme', name: 'a', apiKey: secret }] },
                options,
              )
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect((failed as InvalidInputError).operation).toBe('configure');
          expect((failed as InvalidInputError).message).toContain('returned a Promise');
          expect(leaks(everything(failed), secret)).toEqual([]);
          // Let the factory's rejection settle within this run.
          await new Promise((resolve) => setImmediate(resolve));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("a configured factory's refusal keeps the words of its baseUrl's path, and masks what can carry a credential", () => {
  // A base URL ending in `/videosdk` hid `videosdk` wherever a message began with it, `/expected` the word
  // "expected": a base URL's path is a route. What of it can carry a credential (user information, the query
  // and its values, the fragment, as written and decoded) is masked, and a baseUrl that is no http(s) URL, or
  // a shared setting holding a text, is masked whole as any setting is.
  // Every byte percent-encoded, as a careful client writes a query value (`Sk%2DLive%2D…`).
  const everyByte = (text: string) =>
    [...new TextEncoder().encode(text)]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join('');
  const placements = {
    username: (word: string, secret: string) =>
      `https://${encodeURIComponent(secret)}@proxy.example.test/${word}`,
    password: (word: string, secret: string) =>
      `https://user:${encodeURIComponent(secret)}@proxy.example.test/${word}`,
    'query value': (word: string, secret: string) =>
      `https://proxy.example.test/${word}?project=${everyByte(secret)}`,
    'query alone': (word: string, secret: string) =>
      `https://proxy.example.test/${word}?${everyByte(secret)}`,
    fragment: (word: string, secret: string) => `https://proxy.example.test/${word}#${everyByte(secret)}`,
    'no scheme': (word: string, secret: string) => `admin:${everyByte(secret)}@proxy.example.test/${word}`,
  } as const;

  it("a message naming the path is the factory's own; the secret is in no form anywhere, from either loader", async () => {
    await fc.assert(
      fc.asyncProperty(
        // A route's word; one naming a credential (`…key: value`) has its value masked by that shape.
        fc
          .stringMatching(/^[a-z]{8,16}$/)
          .filter((word) => !/key|token|secret|pass|pwd|sig|jwt|hmac|auth|streamid|credential/.test(word)),
        secrets,
        fc.constantFrom(...(Object.keys(placements) as (keyof typeof placements)[])),
        fc.constantFrom('text', 'URL object'),
        fc.constantFrom('client', 'registry'),
        async (word, secret, where, given, loader) => {
          // A word that is part of the secret is hidden as the secret's beginning or end would be.
          const lower = secret.toLowerCase();
          fc.pre([...Array(word.length - 3).keys()].every((at) => !lower.includes(word.slice(at, at + 4))));
          const written = placements[where](word, secret);
          fc.pre(given === 'text' || URL.canParse(written));
          const baseUrl = given === 'text' ? written : new URL(written);
          // The factory echoes the setting as it holds it, and what a URL parser reads out of it (decoded, where
          // one reads it as an http(s) URL: a text of another scheme is masked whole, as written).
          const decodedEcho = where === 'no scheme' ? '' : `, decoded ${secret}`;
          const factory = (settings: Record<string, unknown>): LiveStreamProvider => {
            const url = URL.canParse(String(settings.baseUrl))
              ? new URL(String(settings.baseUrl))
              : undefined;
            const message = `${word}: unsupported \`apiVersion\`; expected one of v1, v2 (baseUrl ${String(settings.baseUrl)}, user ${url?.username}, password ${url?.password}, query ${url?.search}, hash ${url?.hash}${decodedEcho})`;
            throw new InvalidInputError({ provider: 'acme', operation: 'configure', message, issues: [] });
          };
          const options = { providers: { acme: factory } };
          const failed = await (loader === 'client'
            ? createLiveStreamClientFromConfig({ provider: 'acme', baseUrl, timeoutMs: 12_345_678 }, options)
            : createLiveStreamRegistryFromConfig(
                { providers: [{ provider: 'acme', name: 'a', baseUrl, timeoutMs: 12_345_678 }] },
                options,
              )
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          const shown = everything(failed);
          if (where !== 'no scheme')
            expect((failed as InvalidInputError).message).toContain(`${word}: unsupported`);
          expect(leaks(shown, secret)).toEqual([]);
          expect(shown).not.toContain(everyByte(secret));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('a part written with a + beside escapes, a tab or line break inside, a stray %, or under another scheme is masked however a factory reads it', async () => {
    // Base64-like secrets, with `+` and `/`: written as a careful hand writes user information (`/` escaped,
    // `+` left), a reader decoding with `+` kept (decodeURIComponent) or as a space (URLSearchParams) finds
    // the secret, or the secret with spaces, neither of which the part as written holds.
    const secret = fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9]{6,12}$/), fc.stringMatching(/^[A-Za-z0-9+/]{6,16}$/))
      .map(([head, tail]) => `${head}+${tail}/x`);
    const parts = {
      username: (value: string) => `${value}@proxy.example.test`,
      password: (value: string) => `user:${value}@proxy.example.test`,
      query: (value: string) => `proxy.example.test/route?s=${value}`,
      fragment: (value: string) => `proxy.example.test/route#${value}`,
    } as const;
    const writings = {
      'slash escaped, plus left': (value: string) => value.replaceAll('/', '%2F'),
      'a tab inside': (value: string) => `${value.slice(0, 3)}\t${value.slice(3).replaceAll('/', '%2F')}`,
      'a line feed inside': (value: string) =>
        `${value.slice(0, 3)}\n${value.slice(3).replaceAll('/', '%2F')}`,
      'a stray percent': (value: string) => `${value.replaceAll('/', '%2F')}%kk`,
      'escaped twice': (value: string) => value.replaceAll('/', '%252F').replaceAll('+', '%252B'),
    } as const;
    // What a factory may read out of a part: as parsed, and decoded either way, leniently (URLSearchParams).
    const readings = (text: string | undefined): string[] => {
      if (text === undefined || text === '') return [];
      const lenient = (value: string) =>
        new URLSearchParams(`v=${value.replaceAll('+', '%2B')}`).get('v') ?? '';
      const uri = (value: string) => {
        try {
          return decodeURI(value);
        } catch {
          return '';
        }
      };
      // The legacy `unescape`, as a factory of old code may read a part.
      const legacy = (value: string) =>
        value.replace(/%([0-9A-Fa-f]{2})/g, (_, byte: string) =>
          String.fromCharCode(Number.parseInt(byte, 16)),
        );
      return [
        text,
        lenient(text),
        lenient(lenient(text)),
        new URLSearchParams(`v=${text}`).get('v') ?? '',
        uri(text),
        legacy(text),
      ];
    };
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.constantFrom(...(Object.keys(parts) as (keyof typeof parts)[])),
        fc.constantFrom(...(Object.keys(writings) as (keyof typeof writings)[])),
        fc.constantFrom('https:', 'http:', 'ftp:', 'wss:', 'rtmp:'),
        async (value, part, writing, scheme) => {
          const written = writings[writing](value);
          const baseUrl = `${scheme}//${parts[part](written)}`;
          fc.pre(URL.canParse(baseUrl));
          const factory = (settings: Record<string, unknown>): LiveStreamProvider => {
            const url = new URL(String(settings.baseUrl));
            const read = [
              ...readings(url.username),
              ...readings(url.password),
              ...readings(url.search.slice(1)),
              ...readings(url.searchParams.get('s') ?? undefined),
              ...readings(url.hash.slice(1)),
            ];
            const message = `acme: cannot reach ${String(settings.baseUrl)} (${read.join(' | ')})`;
            throw new InvalidInputError({ provider: 'acme', operation: 'configure', message, issues: [] });
          };
          const failed = await createLiveStreamClientFromConfig(
            { provider: 'acme', baseUrl },
            { providers: { acme: factory } },
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          const { message } = failed as InvalidInputError;
          expect(message).toMatch(/^acme: cannot reach /);
          for (const shown of [value, value.replaceAll('+', ' '), written])
            expect(message, `${scheme} ${part}, ${writing}`).not.toContain(shown);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a text a setting holds in a String object, bytes, a Map or a Set is masked when the factory reads it out', async () => {
    const holders = {
      'String object': (secret: string) => ({
        value: new String(secret),
        read: (held: unknown) => String(held),
      }),
      Buffer: (secret: string) => ({
        value: Buffer.from(secret, 'utf8'),
        read: (held: unknown) => (held as Buffer).toString('utf8'),
      }),
      Uint8Array: (secret: string) => ({
        value: new TextEncoder().encode(secret),
        read: (held: unknown) => new TextDecoder().decode(held as Uint8Array),
      }),
      'Map value': (secret: string) => ({
        value: new Map([['primary', secret]]),
        read: (held: unknown) => String((held as Map<string, string>).get('primary')),
      }),
      'Set value': (secret: string) => ({
        value: new Set([secret]),
        read: (held: unknown) => [...(held as Set<string>)].join(','),
      }),
      ArrayBuffer: (secret: string) => ({
        value: new TextEncoder().encode(secret).buffer,
        read: (held: unknown) => new TextDecoder().decode(held as ArrayBuffer),
      }),
      'Uint16Array, read as bytes': (secret: string) => ({
        value: new Uint16Array(evenBytes(secret).buffer),
        read: (held: unknown) => new TextDecoder().decode((held as Uint16Array).buffer),
      }),
      'bytes quoted as hex': (secret: string) => ({
        value: Buffer.from(secret, 'utf8'),
        read: (held: unknown) => (held as Buffer).toString('hex'),
      }),
      'bytes quoted as base64': (secret: string) => ({
        value: Buffer.from(secret, 'utf8'),
        read: (held: unknown) => (held as Buffer).toString('base64'),
      }),
      'URLSearchParams value': (secret: string) => ({
        value: new URLSearchParams({ key: secret }),
        read: (held: unknown) => String((held as URLSearchParams).get('key')),
      }),
      'URL password': (secret: string) => ({
        value: new URL(`https://user:${encodeURIComponent(secret)}@host.example.test/`),
        read: (held: unknown) => decodeURIComponent((held as URL).password),
      }),
    } as const;
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom(...(Object.keys(holders) as (keyof typeof holders)[])),
        fc.constantFrom('credentials', 'retry'),
        async (secret, holder, setting) => {
          const { value, read } = holders[holder](secret);
          const failed = await refusalQuoting(setting, value, read);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect((failed as InvalidInputError).message).toMatch(new RegExp(`^acme: ${setting} `));
          expect(leaks(everything(failed), secret), holder).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('settings deeper or wider than is read for texts to mask: the factory error is not shown at all', async () => {
    const nested = (depth: number, secret: string): unknown => {
      let value: unknown = secret;
      for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { inner: value } : [value];
      return value;
    };
    const wide = (entries: number, secret: string): unknown =>
      Array.from({ length: entries }, (_, index) => (index === entries - 1 ? secret : `entry-${index}`));
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom(
          { shape: 'deep', size: 40, shown: false },
          { shape: 'deep', size: 20, shown: true },
          { shape: 'wide', size: 10_001, shown: false },
          { shape: 'wide', size: 5_000, shown: true },
        ),
        async (secret, { shape, size, shown }) => {
          const value = shape === 'deep' ? nested(size, secret) : wide(size, secret);
          const factory = (settings: Record<string, unknown>): LiveStreamProvider => {
            throw new Error(`acme: bad credentials ${JSON.stringify(settings.credentials)}`);
          };
          const failed = await createLiveStreamClientFromConfig(
            { provider: 'acme', credentials: value },
            { providers: { acme: factory } },
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          const { message } = failed as InvalidInputError;
          if (shown) expect(message).toContain('acme: bad credentials');
          else expect(message).toMatch(/its error is not shown: the settings hold more than is read/);
          expect(leaks(everything(failed), secret)).toEqual([]);
        },
      ),
      { numRuns: 24 },
    );
  });

  it('a shared setting holding a text is masked as any setting is, whatever its name', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom(
          'timeoutMs',
          'totalTimeoutMs',
          'maxResponseBytes',
          'allowInsecureHttp',
          'fetch',
          'retry',
        ),
        async (secret, setting) => {
          const value = setting === 'retry' ? { limit: secret } : secret;
          const failed = await refusalQuoting(setting, value, (held) => JSON.stringify(held));
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect(leaks(everything(failed), secret)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('capabilities the registry routes by', () => {
  it('malformed, are refused when the registry is made, for a provider, a client over one and a configured factory alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        malformed,
        fc.constantFrom('provider', 'client', 'config'),
        async ({ field, value }, form) => {
          const capabilities = { ...fullCapabilities, [field]: value } as unknown as ProviderCapabilities;
          const provider = { ...fakeProvider('acme').provider, capabilities };
          const made =
            form === 'config'
              ? createLiveStreamRegistryFromConfig(
                  { providers: [{ provider: 'acme', name: 'a' }] },
                  { providers: { acme: () => provider } },
                )
              : Promise.resolve().then(() =>
                  createLiveStreamRegistry<string>({
                    providers: { a: form === 'client' ? createLiveStreamClient(provider) : provider },
                  }),
                );
          const failed = await made.catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          // A client is refused as it is made, over its provider; a field left out that the registry's
          // routing needs (maxNameLength) is the registry's to refuse.
          const place =
            form === 'provider' || value === undefined
              ? 'providers.a.capabilities'
              : form === 'client'
                ? 'provider.capabilities'
                : 'providers.0.provider.capabilities';
          expect(failed).toMatchObject({ operation: 'configure', issues: [{ path: `${place}.${field}` }] });
        },
      ),
      { numRuns: 120 },
    );
  });

  it('are none for a configured factory that builds no provider: refused when the registry is made, not a TypeError at create', async () => {
    const failed = await createLiveStreamRegistryFromConfig(
      { providers: [{ provider: 'acme', name: 'a' }] },
      { providers: { acme: () => ({ id: 'acme' }) as unknown as LiveStreamProvider } },
    ).catch((error: unknown) => error);
    expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
    // Refused as the entry's client is made over it, named under the entry.
    expect(failed).toMatchObject({ issues: [{ path: 'providers.0.provider.capabilities' }] });
  });

  it('shown in registry.providers are frozen copies: changing what is shown changes neither routing nor references', async () => {
    const eu = fakeProvider('liveapi', { capabilities: { ingestProtocols: ['rtmp'] } });
    const registry = createLiveStreamRegistry<string>({
      providers: { eu: eu.provider, us: fakeProvider('other').provider },
    });
    const shown = registry.providers;
    expect(Object.isFrozen(shown)).toBe(true);
    expect(() => {
      (shown[0] as { name: string }).name = 'EU';
    }).toThrow(TypeError);
    expect(() => {
      ((shown[0] as RegistryProvider).capabilities.ingestProtocols as string[]).push('srt');
    }).toThrow(TypeError);
    expect(() => (shown as unknown as unknown[]).splice(0, 1)).toThrow(TypeError);
    // The provider's own object changed afterwards is not followed either.
    (eu.provider.capabilities.ingestProtocols as string[]).push('srt');
    const stream = await registry.create({ name: 'Launch', ingestProtocol: 'srt' });
    expect(stream.ref).toBe('us:other1');
    expect(registry.providers.map((entry) => entry.name)).toEqual(['eu', 'us']);
  });
});

describe('what a list of the caller’s throws as it is read', () => {
  // A getter at one place of the list quoting another provider's credential (a vault lookup failing with
  // the request it made): the refusal names the place, and its cause is masked by every provider's secrets.
  const throwingList = (names: readonly string[], at: number, secret: string) => {
    const list = [...names];
    Object.defineProperty(list, at, {
      get() {
        throw new Error(`vault refused ${secret}`);
      },
    });
    return list;
  };

  it('masks the cause by every provider’s secrets: routing.order, and a walk’s providers in list and findByName', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom('eu', 'us'),
        fc.constantFrom(0, 1),
        async (secret, holder, at) => {
          const providers = {
            eu: { ...fakeProvider('liveapi').provider, secrets: () => (holder === 'eu' ? [secret] : []) },
            us: { ...fakeProvider('other').provider, secrets: () => (holder === 'us' ? [secret] : []) },
          };
          const ordered = (() => {
            try {
              createLiveStreamRegistry<string>({
                providers,
                routing: { order: throwingList(['eu', 'us'], at, secret) },
              });
            } catch (error) {
              return error;
            }
            return undefined;
          })();
          const registry = createLiveStreamRegistry<string>({ providers });
          const walked = await (async () => {
            try {
              for await (const _ of registry.list({ providers: throwingList(['eu', 'us'], at, secret) })) {
                // nothing is walked
              }
            } catch (error) {
              return error;
            }
            return undefined;
          })();
          const found = await registry
            .findByName('Launch', { providers: throwingList(['eu', 'us'], at, secret) })
            .catch((error: unknown) => error);
          for (const [failed, path] of [
            [ordered, `routing.order.${at}`],
            [walked, `options.providers.${at}`],
            [found, `options.providers.${at}`],
          ] as const) {
            expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
            expect(failed).toMatchObject({ issues: [{ path }] });
            expect(String((failed as Error).cause)).toContain('vault refused');
            expect(leaks(everything(failed), secret)).toEqual([]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('masks the cause of a configuration entry that cannot be read by the texts of the others', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        const entries = [
          { provider: 'acme', name: 'a', secretKey: secret },
          { provider: 'acme', name: 'b' },
        ];
        Object.defineProperty(entries, 1, {
          get() {
            throw new Error(`vault refused ${secret}`);
          },
        });
        const failed = await createLiveStreamRegistryFromConfig(
          { providers: entries },
          { providers: { acme: () => fakeProvider('acme').provider } },
        ).catch((error: unknown) => error);
        expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
        expect(failed).toMatchObject({ operation: 'configure', issues: [{ path: 'providers.1' }] });
        expect(leaks(everything(failed), secret)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('what an outside provider throws that is none of unilive’s errors, inside a registry call', () => {
  it('is named for the registry call, in its operation and its message, with the provider call in parentheses', async () => {
    const failing = (id: string, call: 'create' | 'get' | 'list') => {
      const provider = fakeProvider(id, { streams: 1 }).provider;
      const thrown = () => {
        throw new TypeError('vendor down');
      };
      return {
        ...provider,
        ...(call === 'list'
          ? {
              list: () => ({
                [Symbol.asyncIterator]: () => ({ next: async () => thrown() }),
              }),
            }
          : { [call]: async () => thrown() }),
      } as LiveStreamProvider;
    };
    const cases = [
      [
        'migrate',
        'create',
        (registry: ReturnType<typeof createLiveStreamRegistry>, ref: string) =>
          registry.migrate(ref, { to: 't' }),
      ],
      [
        'planMigration',
        'get',
        (registry: ReturnType<typeof createLiveStreamRegistry>) =>
          registry.planMigration('bad:bad1', { to: 't' }),
      ],
      [
        'findByName',
        'list',
        (registry: ReturnType<typeof createLiveStreamRegistry>) =>
          registry.findByName('Launch', { providers: ['bad'] }),
      ],
    ] as const;
    for (const [operation, call, run] of cases) {
      const registry = createLiveStreamRegistry<string>({
        providers: {
          s: fakeProvider('source').provider,
          t: call === 'create' ? failing('target', 'create') : fakeProvider('target').provider,
          bad: failing('bad', call === 'create' ? 'get' : call),
        },
      });
      const made = await registry.create({ name: 'Launch' }, { provider: 's' });
      const failed = await run(registry, made.ref).catch((error: unknown) => error);
      expect(UniliveError.isInstance(failed), String(failed)).toBe(true);
      const id = call === 'create' ? 'target' : 'bad';
      expect([operation, (failed as UniliveError).operation, (failed as Error).message]).toEqual([
        operation,
        operation,
        `${id} ${operation} (${call}): unexpected failure (TypeError); see cause`,
      ]);
    }
  });
});

describe('what routing.choose throws', () => {
  it("becomes the create's cause masked by every provider's secrets, in the error and in the onError event", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, fc.constantFrom('eu', 'us'), async (secret, holder) => {
        const withSecrets = (id: string, own: boolean) => ({
          ...fakeProvider(id).provider,
          secrets: () => (own ? [secret] : []),
        });
        const heard: RequestEvent[] = [];
        const registry = createLiveStreamRegistry<string>({
          providers: {
            eu: withSecrets('liveapi', holder === 'eu'),
            us: withSecrets('other', holder === 'us'),
          },
          routing: {
            choose: async () => {
              throw new Error(`quota service refused account ${secret}`);
            },
          },
          hooks: { onError: (event) => heard.push(event as RequestEvent) },
        });
        const failed = await registry.create({ name: 'Launch' }).catch((error: unknown) => error);
        expect(UniliveError.isInstance(failed), String(failed)).toBe(true);
        expect(failed).toMatchObject({ operation: 'create', delivery: 'not-sent', maybeCreated: false });
        expect((failed as Error).cause).toBeInstanceOf(Error);
        expect(leaks(everything(failed), secret)).toEqual([]);
        expect(heard).toHaveLength(1);
        expect(leaks(everything(heard), secret)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

type Hostile =
  | 'getter-provider'
  | 'getter-id'
  | 'getter-ref'
  | 'own-descriptor-trap'
  | 'get-trap'
  | 'revoked';

function hostileReference(kind: Hostile, thrown: Error): object {
  const throwing = () => {
    throw thrown;
  };
  switch (kind) {
    case 'getter-provider':
      return Object.defineProperty({ id: 'abc123' }, 'provider', { get: throwing, enumerable: true });
    case 'getter-id':
      return Object.defineProperty({ provider: 'a' }, 'id', { get: throwing, enumerable: true });
    case 'getter-ref':
      return Object.defineProperty({}, 'ref', { get: throwing, enumerable: true });
    case 'own-descriptor-trap':
      return new Proxy({ provider: 'a', id: 'abc123' }, { getOwnPropertyDescriptor: throwing });
    case 'get-trap':
      return new Proxy({ provider: 'a', id: 'abc123' }, { get: throwing });
    case 'revoked': {
      const revocable = Proxy.revocable({ provider: 'a', id: 'abc123' }, {});
      revocable.revoke();
      return revocable.proxy;
    }
  }
}

describe('a reference object whose reads throw', () => {
  it('is an InvalidInputError naming the reference, what it threw as the cause, heard once, before any request, on every call', async () => {
    const kinds: Hostile[] = [
      'getter-provider',
      'getter-id',
      'getter-ref',
      'own-descriptor-trap',
      'get-trap',
      'revoked',
    ];
    const calls = [
      'get',
      'update',
      'delete',
      'start',
      'stop',
      'waitForState',
      'waitForBroadcast',
      'planMigration',
      'migrate',
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...kinds), fc.constantFrom(...calls), async (kind, call) => {
        const a = fakeProvider('vendor-a', { streams: 1 });
        const b = fakeProvider('vendor-b');
        const heard: unknown[] = [];
        const registry = createLiveStreamRegistry<string>({
          providers: { a: a.provider, b: b.provider },
          hooks: { onError: (event) => heard.push(event.error) },
        });
        const thrown = new Error('the caller getter threw');
        const reference = hostileReference(kind, thrown) as never;
        const run: Record<(typeof calls)[number], () => Promise<unknown>> = {
          get: () => registry.get(reference),
          update: () => registry.update(reference, { name: 'x' }),
          delete: () => registry.delete(reference),
          start: () => registry.start(reference),
          stop: () => registry.stop(reference),
          waitForState: () => registry.waitForState(reference, 'ready'),
          waitForBroadcast: () => registry.waitForBroadcast(reference),
          planMigration: () => registry.planMigration(reference, { to: 'b' }),
          migrate: () => registry.migrate(reference, { to: 'b' }),
        };
        const failed = await run[call]().catch((error: unknown) => error);
        expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
        expect(failed).toMatchObject({
          delivery: 'not-sent',
          issues: [{ path: 'reference', message: 'could not be read (a getter or a Proxy in it threw)' }],
        });
        const cause = (failed as Error).cause as Error;
        expect(cause).toBeInstanceOf(Error);
        if (kind !== 'revoked') expect(cause.message).toBe(thrown.message);
        expect(heard).toHaveLength(1);
        // Hook events carry copies: the same error by its class and text.
        expect(heard[0]).toMatchObject({ name: 'InvalidInputError', message: (failed as Error).message });
        expect([...a.calls, ...b.calls].filter((entry) => !entry.startsWith('list-item'))).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });
});

describe("a migration's source read that answers no usable stream", () => {
  it('is a ResponseShapeError naming the source and the field, before anything is created', async () => {
    const answers: [unknown, string][] = [
      [null, '$'],
      [undefined, '$'],
      [{ ...streamOf('abc123'), ingest: null }, 'ingest'],
      // The client over the provider names the entry: the registry's own check names the list.
      [{ ...streamOf('abc123'), ingest: [null] }, 'ingest.0'],
      [{ ...streamOf('abc123'), name: 5 }, 'name'],
      [{ ...streamOf('abc123'), recording: 'yes' }, 'recording'],
      [{ ...streamOf('abc123'), restream: {} }, 'restream'],
      [{ ...streamOf('abc123'), restream: [{ url: 'rtmp://x.test/live' }] }, 'restream.0.streamKey'],
      [{ ...streamOf('abc123'), providerDetails: 'x' }, 'providerDetails'],
    ];
    for (const [answer, path] of answers) {
      for (const call of ['planMigration', 'migrate'] as const) {
        const target = fakeProvider('vendor-b');
        const source = { ...fakeProvider('acme').provider, get: async () => answer as LiveStream };
        const registry = createLiveStreamRegistry<string>({ providers: { a: source, b: target.provider } });
        const failed = await registry[call]('a:abc123', { to: 'b' }).catch((error: unknown) => error);
        expect(ResponseShapeError.isInstance(failed), `${call} ${path}: ${String(failed)}`).toBe(true);
        expect(failed).toMatchObject({ operation: call, providerName: 'a', issues: [{ path }] });
        expect(target.calls).toEqual([]);
      }
    }
  });
});

describe('the order of a configuration whose names are whole numbers', () => {
  it("is the entries' order: routing, routingOrder and list follow it, as with a Map given in code", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.oneof(
            fc.integer({ min: 0, max: 99_999 }).map(String),
            fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        async (names) => {
          const fakes = new Map(names.map((name) => [name, fakeProvider(`v${name}`, { streams: 1 })]));
          const registry = await createLiveStreamRegistryFromConfig(
            { providers: names.map((name) => ({ provider: `v${name}`, name })) },
            {
              providers: Object.fromEntries(
                names.map((name) => [
                  `v${name}`,
                  () => (fakes.get(name) as ReturnType<typeof fakeProvider>).provider,
                ]),
              ),
            },
          );
          expect(registry.providers.map((entry) => entry.name)).toEqual(names);
          expect(registry.routingOrder).toEqual(names);
          expect((await registry.list().toArray()).map((stream) => stream.ref.split(':')[0])).toEqual(names);
          expect((await registry.create({ name: 'Launch' })).routing.provider).toBe(names[0]);
          const inCode = createLiveStreamRegistry<string>({
            providers: new Map(names.map((name) => [name, fakeProvider(`v${name}`).provider])),
          });
          expect(inCode.routingOrder).toEqual(names);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a third-party provider's stream whose reads throw", () => {
  it('is a typed error masked by its secrets on every call that returns a stream, heard once; a listed one is skipped', async () => {
    type Shape = 'name-getter' | 'warnings-getter' | 'keys-trap' | 'revoked';
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom<Shape>('name-getter', 'warnings-getter', 'keys-trap', 'revoked'),
        fc.constantFrom('get', 'create', 'start', 'planMigration', 'list'),
        async (secret, shape, call) => {
          const thrown = () => {
            throw new Error(`vendor said no (key ${secret})`);
          };
          const hostile = (id: string): LiveStream => {
            const plain = streamOf(id) as unknown as Record<string, unknown>;
            if (shape === 'name-getter')
              return Object.defineProperty(plain, 'name', { get: thrown, enumerable: true }) as never;
            if (shape === 'warnings-getter')
              return Object.defineProperty(plain, 'warnings', { get: thrown, enumerable: true }) as never;
            if (shape === 'keys-trap') return new Proxy(plain, { ownKeys: thrown }) as never;
            const revocable = Proxy.revocable(plain, {});
            revocable.revoke();
            return revocable.proxy as never;
          };
          const provider = outsideProvider([hostile('abc123'), streamOf('good1')], {
            secrets: () => [secret],
            create: async () => hostile('new1'),
            get: async (id: string) => hostile(id),
            start: async (id: string) => hostile(id),
          });
          const heard: unknown[] = [];
          const warnings: string[] = [];
          const registry = createLiveStreamRegistry<string>({
            providers: { a: provider, b: fakeProvider('other').provider },
            hooks: {
              onError: (event) => heard.push(event),
              onWarning: (event) => warnings.push(event.warning.message),
            },
          });
          if (call === 'list') {
            const listed = await registry.list().toArray();
            expect(listed.map((stream) => stream.ref)).toEqual(['a:good1']);
            // Skipped by the provider's client where it read the field (`acme`), else by the registry (`a`).
            expect(warnings).toEqual([
              expect.stringMatching(
                /^(a|acme) list: record 1 of the walk was skipped: (it|its (name|warnings)) could not be read \(a getter or a Proxy in it threw\)$/,
              ),
            ]);
            return;
          }
          const run = {
            get: () => registry.get('a:abc123'),
            create: () => registry.create({ name: 'Launch' }, { provider: 'a' }),
            start: () => registry.start('a:abc123'),
            planMigration: () => registry.planMigration('a:abc123', { to: 'b' }),
          }[call];
          const failed = await run().catch((error: unknown) => error);
          // Typed either way: the registry's own read of the stream, or, where the provider's client
          // already read a field (its warnings, any field of a revoked Proxy), the client's.
          expect(UniliveError.isInstance(failed), String(failed)).toBe(true);
          expect(failed).toMatchObject({ operation: call, providerName: 'a' });
          if (ResponseShapeError.isInstance(failed)) {
            // The field whose read threw is named where the client read it field by field.
            expect(failed.message).toMatch(
              /the provider answered (a stream that could not be read|without a usable stream \((name|warnings): could not be read)/,
            );
            if (call === 'create') expect(failed.maybeCreated).toBe(true);
          }
          expect(leaks(everything(failed), secret)).toEqual([]);
          expect(heard).toHaveLength(1);
          expect(leaks(everything(heard), secret)).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('what outside code threw, kept as a cause', () => {
  it("is masked: a reference object's getter by every provider's secrets, a capabilities getter by its provider's", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        const thrown = () => {
          throw new Error(`lookup failed for key ${secret}`);
        };
        const holder = { ...fakeProvider('acme').provider, secrets: () => [secret] };
        const registry = createLiveStreamRegistry<string>({
          providers: { a: holder, b: fakeProvider('other').provider },
        });
        const reference = Object.defineProperty({ id: 'abc123' }, 'provider', {
          get: thrown,
          enumerable: true,
        });
        const failed = await registry.get(reference as never).catch((error: unknown) => error);
        expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
        expect(leaks(everything(failed), secret)).toEqual([]);
        const capabilities = Object.defineProperty({ ...fullCapabilities }, 'recording', {
          get: thrown,
          enumerable: true,
        });
        let refused: unknown;
        try {
          createLiveStreamRegistry<string>({ providers: { a: { ...holder, capabilities } } });
        } catch (error) {
          refused = error;
        }
        expect(InvalidInputError.isInstance(refused), String(refused)).toBe(true);
        expect(refused).toMatchObject({ issues: [{ path: 'providers.a.capabilities' }] });
        expect(leaks(everything(refused), secret)).toEqual([]);
        // Its providerOptionsOn likewise: named by its place (two accounts of one vendor are told apart),
        // what its getter threw masked by its secrets.
        const unreadable = Object.defineProperty({ ...holder }, 'providerOptionsOn', { get: thrown });
        let refusedList: unknown;
        try {
          createLiveStreamRegistry<string>({ providers: { b: holder, a: unreadable } });
        } catch (error) {
          refusedList = error;
        }
        expect(InvalidInputError.isInstance(refusedList), String(refusedList)).toBe(true);
        expect(refusedList).toMatchObject({ issues: [{ path: 'providers.a.providerOptionsOn' }] });
        expect(leaks(everything(refusedList), secret)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("a configured factory's refusal is masked by every text its entry's settings hold: nested, in lists, long numbers", async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom('nested', 'list', 'deep'),
        fc.bigInt({ min: 10_000_000n, max: 10n ** 15n }),
        async (secret, where, pin) => {
          const settings =
            where === 'nested'
              ? { credentials: { clientSecret: secret } }
              : where === 'list'
                ? { keys: ['old-key-value-1234', secret] }
                : { a: { b: [{ c: secret }] } };
          const factory = (): LiveStreamProvider => {
            throw new InvalidInputError({
              operation: 'configure',
              message: `rejected setting value ${secret} and pin ${pin}`,
            });
          };
          const failed = await createLiveStreamRegistryFromConfig(
            { providers: [{ provider: 'acme', name: 'a', accountPin: Number(pin), ...settings }] },
            { providers: { acme: factory } },
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect(leaks(everything(failed), secret)).toEqual([]);
          expect(everything(failed)).not.toContain(String(Number(pin)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('an unknown top-level name of a registry configuration', () => {
  it('that is one of its entries’ credentials (pasted a line too high) is refused without being repeated', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets.filter((secret) => secret !== '__proto__'),
        fc.constantFrom('top', 'nested'),
        async (secret, where) => {
          const entry =
            where === 'top'
              ? { provider: 'acme', name: 'a', secretKey: secret }
              : { provider: 'acme', name: 'a', credentials: { secretKey: secret } };
          const failed = await createLiveStreamRegistryFromConfig(
            { providers: [entry], [secret]: 1 } as never,
            { providers: { acme: () => fakeProvider('acme').provider } },
          ).catch((error: unknown) => error);
          expect(InvalidInputError.isInstance(failed), String(failed)).toBe(true);
          expect((failed as InvalidInputError).message).toContain('unknown');
          expect(leaks(everything(failed), secret)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
