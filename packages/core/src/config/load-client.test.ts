import { inspect } from 'node:util';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import { createMemoryGateStore, type GateStore } from '../http/gate-store.js';
import { createHttpClient } from '../http/http-client.js';
import type { LiveStreamProvider } from '../provider.js';
import { SecretSet } from '../secrets.js';
import {
  createLiveStreamClientFromConfig,
  type RedisStoreSettings,
  rateLimitFromConfig,
} from './load-client.js';
import { mayBeCredentialName } from './names.js';
import { loadCredential, maxCredentialLength, providerSettingsBaseNames, readSettings } from './settings.js';

const fakeProvider = (settings: Record<string, unknown>): LiveStreamProvider =>
  ({
    specificationVersion: 'v1',
    id: String(settings.id ?? 'fake'),
    capabilities: {},
    settings,
  }) as unknown as LiveStreamProvider;

afterEach(() => {
  delete process.env.UNILIVE_PROVIDER;
  delete process.env.UNILIVE_TEST_TOKEN;
});

describe('createLiveStreamClientFromConfig', () => {
  it('builds the configured provider with the remaining settings', async () => {
    let received: Record<string, unknown> = {};
    const client = await createLiveStreamClientFromConfig(
      { provider: 'liveapi', tokenId: 'id' },
      {
        providers: {
          liveapi: (settings) => {
            received = settings;
            return fakeProvider({ ...settings, id: 'liveapi' });
          },
        },
      },
    );
    expect(client.providerId).toBe('liveapi');
    expect(received).toEqual({ tokenId: 'id' });
  });

  it('reads the provider from UNILIVE_PROVIDER and the fetch from the container', async () => {
    process.env.UNILIVE_PROVIDER = 'videosdk';
    const container = createContainer();
    const customFetch: typeof fetch = async () => new Response('{}');
    container.register(tokens.fetch, { useValue: customFetch });
    let received: Record<string, unknown> = {};
    await createLiveStreamClientFromConfig(
      {},
      {
        container,
        providers: {
          videosdk: (settings) => {
            received = settings;
            return fakeProvider({ ...settings, id: 'videosdk' });
          },
        },
      },
    );
    expect(received.fetch).toBe(customFetch);
  });

  // What the configuration names where an id, a package or an option's name belongs is repeated in its
  // refusal: a credential of the same configuration pasted there was shown in clear.
  it('masks a credential of the configuration written as its provider, package or an option name (generated)', async () => {
    const credentials = fc.stringMatching(/^[0-9a-f]{16,40}$/);
    const places = fc.constantFrom('provider', 'package', 'scoped package', 'option', 'hook');
    await fc.assert(
      fc.asyncProperty(
        credentials,
        places,
        fc.constantFrom('secretKey', 'token', 'secret'),
        async (secret, place, setting) => {
          const config: Record<string, unknown> = { provider: 'liveapi', [setting]: secret };
          let options: Record<string, unknown> = {};
          if (place === 'provider') config.provider = secret;
          if (place === 'package') config.package = secret;
          if (place === 'scoped package') config.package = `@acme/${secret}`;
          if (place === 'option') options = { [secret]: 1 };
          if (place === 'hook') options = { hooks: { [secret]: () => undefined } };
          const error = await createLiveStreamClientFromConfig(config, options).catch(
            (caught: unknown) => caught,
          );
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect(String(error)).toContain('[REDACTED]');
          expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(secret);
        },
      ),
      { numRuns: 60 },
    );
    // A provider id that is no credential is still named, with the nearest.
    const typo = await createLiveStreamClientFromConfig({
      provider: 'livapi',
      secretKey: 'a-key-0123456789',
    }).catch((caught: unknown) => caught);
    expect(String(typo)).toContain('Unknown provider "livapi" (did you mean "liveapi"?)');
  });

  it('explains what to set when no provider is configured', async () => {
    const error = await createLiveStreamClientFromConfig({}).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'No provider configured: set `provider` or the UNILIVE_PROVIDER environment variable',
    );
  });

  it('names the package to install when the adapter is missing', async () => {
    const error = await createLiveStreamClientFromConfig({
      provider: 'acme',
      package: '@acme/unilive-adapter',
    }).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The provider package @acme/unilive-adapter is not installed: run `npm install @acme/unilive-adapter`',
    );
  });

  it("loads an entry's own package over the factory given for its id: a patched adapter named is never passed over", async () => {
    const built: string[] = [];
    const factories = {
      liveapi: (settings: Record<string, unknown>) => {
        built.push('factory');
        return fakeProvider({ ...settings, id: 'liveapi' });
      },
    };
    // A patched adapter that is not installed: refused, naming it, and the given factory never runs.
    const error = await createLiveStreamClientFromConfig(
      { provider: 'liveapi', package: 'acme-patched-liveapi', tokenId: 't', secretKey: 's' },
      { providers: factories },
    ).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The provider package acme-patched-liveapi is not installed: run `npm install acme-patched-liveapi`',
    );
    expect(built).toEqual([]);
    // Without a package, the given factory builds it.
    const client = await createLiveStreamClientFromConfig({ provider: 'liveapi' }, { providers: factories });
    expect(client.providerId).toBe('liveapi');
    expect(built).toEqual(['factory']);
  });

  it("names a configuration's own name spelt another way before any adapter is built (generated)", async () => {
    // Each word's letters in any case, with `_`, `-` or a space (or nothing) between the words.
    const words = { provider: ['provider'], package: ['package'], rateLimit: ['rate', 'limit'] } as const;
    const spelling = fc
      .tuple(
        fc.constantFrom(...(Object.keys(words) as (keyof typeof words)[])),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.constantFrom('', '_', '-', ' '),
      )
      .map(([meant, upper, between]) => ({
        meant,
        key: words[meant]
          .map((word) => [...word].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''))
          .join(between),
      }))
      .filter(({ meant, key }) => key !== meant);
    await fc.assert(
      fc.asyncProperty(spelling, async ({ meant, key }) => {
        let built = 0;
        const error = await createLiveStreamClientFromConfig(
          { provider: 'fake', [key]: meant === 'rateLimit' ? {} : 'fake' } as never,
          {
            providers: {
              fake: (settings) => {
                built += 1;
                return fakeProvider(settings);
              },
            },
          },
        ).catch((caught: unknown) => caught);
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: key, message: `unknown setting; did you mean "${meant}"?` },
        ]);
        expect(built).toBe(0);
      }),
      { numRuns: 100 },
    );
    // Without `provider`, its misspelling is named rather than "no provider configured".
    const error = await createLiveStreamClientFromConfig({ Provider: 'liveapi' } as never).catch(
      (caught: unknown) => caught,
    );
    expect((error as InvalidInputError).message).toBe(
      'Invalid configuration: Provider: unknown setting; did you mean "provider"?',
    );
  });

  it('reads a setting defined non-enumerable, refuses a symbol key, and names a misspelt provider key', async () => {
    let received: Record<string, unknown> = {};
    const providers = {
      fake: (settings: Record<string, unknown>) => {
        received = settings;
        return fakeProvider(settings);
      },
    };
    const config = Object.defineProperty({ provider: 'fake' }, 'baseUrl', {
      value: 'https://sandbox.invalid/api',
      enumerable: false,
    });
    await createLiveStreamClientFromConfig(config as never, { providers });
    expect(received.baseUrl).toBe('https://sandbox.invalid/api');
    const symbolic = (await createLiveStreamClientFromConfig(
      { provider: 'fake', [Symbol('ZqHiddenDescription')]: 1 } as never,
      { providers },
    ).catch((caught: unknown) => caught)) as InvalidInputError;
    expect(symbolic.issues.map((issue) => issue.path)).toEqual(['[symbol]']);
    expect(`${String(symbolic)} ${JSON.stringify(symbolic)}`).not.toContain('ZqHiddenDescription');
    // Inside its rateLimit too: a limit under a symbol would be left unread, the client unpaced.
    const inLimit = (await createLiveStreamClientFromConfig(
      { provider: 'fake', rateLimit: { requestsPerSecond: 5, [Symbol('ZqHiddenLimit')]: 2 } } as never,
      { providers },
    ).catch((caught: unknown) => caught)) as InvalidInputError;
    expect(inLimit.issues.map((issue) => issue.path)).toEqual(['rateLimit.[symbol]']);
    expect(`${String(inLimit)} ${JSON.stringify(inLimit)}`).not.toContain('ZqHiddenLimit');
    // No provider, and a key one letter from `provider`: that key is named, not "no provider configured".
    for (const key of ['providr', 'provder', 'prvider']) {
      const error = (await createLiveStreamClientFromConfig({ [key]: 'fake' } as never, { providers }).catch(
        (caught: unknown) => caught,
      )) as InvalidInputError;
      expect(error.issues).toEqual([{ path: key, message: 'unknown setting; did you mean "provider"?' }]);
    }
  });

  it("tells a setting the adapter refuses that is near a configuration's own name what was meant", async () => {
    const providers = {
      fake: (settings: Record<string, unknown>) => {
        readSettings('liveapi', settings, { tokenId: true, baseUrl: true, retry: true });
        return fakeProvider(settings);
      },
    };
    const refusalOf = async (key: string) =>
      (
        (await createLiveStreamClientFromConfig({ provider: 'fake', [key]: {} } as never, {
          providers,
        }).catch((caught: unknown) => caught)) as InvalidInputError
      ).issues;
    expect(await refusalOf('rateLimits')).toEqual([
      { path: 'rateLimits', message: 'unknown setting; did you mean "rateLimit"?' },
    ]);
    expect(await refusalOf('rate.limit')).toEqual([
      { path: 'rate.limit', message: 'unknown setting; did you mean "rateLimit"?' },
    ]);
    expect(await refusalOf('packages')).toEqual([
      { path: 'packages', message: 'unknown setting; did you mean "package"?' },
    ]);
    expect(await refusalOf('rateLimit.requestsPerSecond')).toEqual([
      {
        path: 'rateLimit.requestsPerSecond',
        message:
          'unknown setting; a dotted name is not read as a path: write rateLimit: { requestsPerSecond: … }',
      },
    ]);
    // The adapter's own advice stands where it names one of its settings, and so does its list elsewhere.
    expect(await refusalOf('retrys')).toEqual([
      { path: 'retrys', message: 'unknown setting; did you mean "retry"?' },
    ]);
    expect(await refusalOf('region')).toEqual([
      { path: 'region', message: 'unknown setting; expected one of tokenId, baseUrl, retry' },
    ]);
  });

  it("is masked by the built-in adapters' credential variables, and by no other program's", async () => {
    const providers = { fake: (settings: Record<string, unknown>) => fakeProvider(settings) };
    const workingDirectory = process.env.PWD;
    try {
      // Another program's credential-named variable holding one of the refusal's words takes none of them.
      process.env.UNILIVE_TEST_API_KEY = 'rateLimit';
      process.env.PWD = '/home/someone/project';
      const told = (await createLiveStreamClientFromConfig({ provider: 'fake', ratelimit: {} } as never, {
        providers,
      }).catch((caught: unknown) => caught)) as InvalidInputError;
      expect(told.message).toBe(
        'Invalid configuration: ratelimit: unknown setting; did you mean "rateLimit"?',
      );
      // A built-in adapter's variable is a credential wherever a configuration repeats it.
      process.env.LIVEAPI_SECRET_KEY = 'ZqEnvironmentSecret';
      const masked = (await createLiveStreamClientFromConfig(
        { provider: 'fake', rateLimit: { ZqEnvironmentSecret: 1 } } as never,
        { providers },
      ).catch((caught: unknown) => caught)) as InvalidInputError;
      expect(`${String(masked)} ${JSON.stringify(masked)}`).not.toContain('ZqEnvironmentSecret');
      expect(String(masked)).toContain('[REDACTED]');
    } finally {
      delete process.env.UNILIVE_TEST_API_KEY;
      delete process.env.LIVEAPI_SECRET_KEY;
      if (workingDirectory === undefined) delete process.env.PWD;
      else process.env.PWD = workingDirectory;
    }
  });

  it('names the nearest provider id for a misspelt one, built in or given, then asks for a package', async () => {
    const misspelt = (await createLiveStreamClientFromConfig({ provider: 'livapi' }).catch(
      (e: unknown) => e,
    )) as InvalidInputError;
    expect(InvalidInputError.isInstance(misspelt)).toBe(true);
    expect(misspelt.message).toBe(
      'Unknown provider "livapi" (did you mean "liveapi"?): check the name, or, for an adapter published elsewhere, set `package` to the adapter package that provides it',
    );
    expect(misspelt.issues).toEqual([
      { path: 'provider', message: 'unknown provider; did you mean "liveapi"?' },
    ]);
    const givenId = (await createLiveStreamClientFromConfig(
      { provider: 'acme-cloudd' },
      { providers: { 'acme-cloud': () => fakeProvider({}) } },
    ).catch((e: unknown) => e)) as Error;
    expect(givenId.message).toContain('(did you mean "acme-cloud"?)');
  });

  it('says a provider id it refuses came from UNILIVE_PROVIDER when the configuration names none', async () => {
    process.env.UNILIVE_PROVIDER = 'Wowza-Video';
    try {
      const shaped = (await createLiveStreamClientFromConfig({}).catch((e: unknown) => e)) as Error;
      expect(InvalidInputError.isInstance(shaped)).toBe(true);
      expect(shaped.message).toContain('(read from UNILIVE_PROVIDER: no `provider` is set)');
      expect(shaped.message).toContain('did you mean "wowza-video"?');
      process.env.UNILIVE_PROVIDER = 'livepi';
      const unknown = (await createLiveStreamClientFromConfig({}).catch((e: unknown) => e)) as Error;
      expect(unknown.message).toBe(
        'Unknown provider "livepi" (did you mean "liveapi"?) (read from UNILIVE_PROVIDER: no `provider` is set): check the name, or, for an adapter published elsewhere, set `package` to the adapter package that provides it',
      );
      // Named in the configuration: nothing is said of the variable, set or not.
      const written = (await createLiveStreamClientFromConfig({ provider: 'livepi' }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(written.message).not.toContain('UNILIVE_PROVIDER');
    } finally {
      delete process.env.UNILIVE_PROVIDER;
    }
  });

  it('never shows a provider id that may be a credential pasted there, from the configuration or UNILIVE_PROVIDER (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Lower-case hex and base32 tokens pass the provider id's syntax; none looks like a name.
        fc.oneof(
          fc.stringMatching(/^[0-9a-f]{32,64}$/),
          fc.stringMatching(/^[a-z2-7]{6}[0-9]{4,10}[a-z2-7]{0,20}$/),
        ),
        fc.boolean(),
        async (secret, fromVariable) => {
          if (fromVariable) process.env.UNILIVE_PROVIDER = secret;
          try {
            const error = (await createLiveStreamClientFromConfig(
              fromVariable ? {} : { provider: secret },
            ).catch((e: unknown) => e)) as InvalidInputError;
            expect(InvalidInputError.isInstance(error)).toBe(true);
            for (const text of [error.message, JSON.stringify(error), inspect(error), String(error.stack)])
              expect(text).not.toContain(secret);
            expect(error.provider).toBeUndefined();
            expect(error.message).toBe(
              `Unknown provider [REDACTED] (a value that may be a credential, not shown)${fromVariable ? ' (read from UNILIVE_PROVIDER: no `provider` is set)' : ''}: set \`package\` to the adapter package that provides it`,
            );
          } finally {
            delete process.env.UNILIVE_PROVIDER;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('asks for a package for an unknown provider id', async () => {
    const error = await createLiveStreamClientFromConfig({ provider: 'acme' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'Unknown provider "acme": set `package` to the adapter package that provides it',
    );
  });
});

describe('rateLimit in configuration', () => {
  // A provider whose get goes through core's HTTP layer, so the client's gate (and its store) is used.
  const gatedProvider = (): LiveStreamProvider => {
    const http = createHttpClient({
      provider: 'fake',
      baseUrl: 'https://api.fake.test',
      headers: () => ({}),
      account: () => 'account-1',
      secrets: new SecretSet(),
      fetch: (async () =>
        new Response('{"id":"a"}', { headers: { 'content-type': 'application/json' } })) as typeof fetch,
    });
    return {
      ...fakeProvider({ id: 'fake' }),
      get: async (id, options) => {
        await http.request({ operation: 'get', method: 'GET', path: id, schema: v.looseObject({}), options });
        return { id, provider: 'fake', state: 'stopped', ingest: [], playback: [], raw: {} } as never;
      },
    };
  };

  function recordingRedis() {
    const made: RedisStoreSettings[] = [];
    const keys: string[] = [];
    const factory = (settings: RedisStoreSettings): GateStore => {
      made.push(settings);
      const inner = createMemoryGateStore(Date.now);
      return {
        ...inner,
        takeToken: (key, rate) => {
          keys.push(key);
          return inner.takeToken(key, rate);
        },
      };
    };
    return { made, keys, factory };
  }

  it("store: 'redis' builds the store from @unilive/redis with the Redis settings, and the client uses it", async () => {
    const redis = recordingRedis();
    const config = {
      provider: 'fake',
      rateLimit: {
        requestsPerSecond: 50,
        store: 'redis' as const,
        url: 'redis://:pw@10.0.0.5:6379',
        onUnavailable: 'fail' as const,
      },
    };
    const options = { providers: { fake: gatedProvider }, gateStores: { redis: redis.factory } };
    const first = await createLiveStreamClientFromConfig(config, options);
    const second = await createLiveStreamClientFromConfig(config, options);
    await first.get('a');
    await second.get('b');
    // One store (one connection) for both clients configured alike; the budget is the account's.
    expect(redis.made).toEqual([{ url: 'redis://:pw@10.0.0.5:6379', onUnavailable: 'fail' }]);
    expect(redis.keys.length).toBeGreaterThanOrEqual(2);
    expect(redis.keys[0]).toMatch(/^fake:[0-9a-f]{32}$/);
    expect(new Set(redis.keys).size).toBe(1);
  });

  it('refuses an unknown store, Redis settings without the Redis store, and puts store errors under rateLimit', async () => {
    const paths = async (config: unknown, factory?: (settings: RedisStoreSettings) => GateStore) => {
      const error = await rateLimitFromConfig(
        config as never,
        factory ? { gateStores: { redis: factory } } : {},
      ).catch((caught: unknown) => caught);
      return (error as InvalidInputError).issues.map((issue) => issue.path);
    };
    expect(await paths({ store: 'postgres' })).toEqual(['rateLimit.store']);
    // A mistyped store is what is named, not the Redis settings beside it, with the store it may mean.
    for (const [store, meant] of [
      ['Redis', "'redis'"],
      [' REDIS ', "'redis'"],
      ['Memory', "'memory'"],
    ] as const) {
      const error = (await rateLimitFromConfig({
        store,
        url: 'redis://127.0.0.1:6379',
        keyPrefix: 'zq:',
      } as never).catch((caught: unknown) => caught)) as InvalidInputError;
      expect(error.issues).toEqual([
        {
          path: 'rateLimit.store',
          message: `expected 'memory', 'redis' or a GateStore (did you mean ${meant}?)`,
        },
      ]);
    }
    expect(await paths({ store: 'postgres', url: 'redis://127.0.0.1:6379' })).toEqual(['rateLimit.store']);
    expect(await paths({ url: 'redis://127.0.0.1:6379', onUnavailable: 'fail' })).toEqual([
      'rateLimit.url',
      'rateLimit.onUnavailable',
    ]);
    expect(await paths('100')).toEqual(['rateLimit']);
    const refusing = () => {
      throw new InvalidInputError({
        message: 'bad url',
        issues: [{ path: 'url', message: 'expected redis://' }],
      });
    };
    expect(await paths({ store: 'redis', url: 'http://x' }, refusing)).toEqual(['rateLimit.url']);
    // Memory, or nothing, needs no package.
    expect(await rateLimitFromConfig({ requestsPerSecond: 5, store: 'memory' })).toEqual({
      requestsPerSecond: 5,
    });
    expect(await rateLimitFromConfig(undefined)).toBeUndefined();
  });

  it('refuses any name rateLimit does not have, naming the nearest, so a misspelt limit never goes unpaced', async () => {
    const known = ['requestsPerSecond', 'maxConcurrency', 'store', 'url', 'onUnavailable', 'keyPrefix'];
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((name) => !known.includes(name) && name !== '__proto__'),
        fc.anything(),
        async (name, value) => {
          const error = await rateLimitFromConfig({ requestsPerSecond: 2, [name]: value } as never).catch(
            (caught: unknown) => caught,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          // Named, unless it may be a credential pasted a line too high.
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([
            `rateLimit.${mayBeCredentialName(name) ? '[REDACTED]' : name}`,
          ]);
        },
      ),
      { numRuns: 80 },
    );
    const typo = await rateLimitFromConfig({ requestsPerSecnd: 2 } as never).catch(
      (caught: unknown) => caught,
    );
    expect((typo as InvalidInputError).message).toBe(
      'configure: invalid rateLimit: rateLimit.requestsPerSecnd (unknown option; did you mean "requestsPerSecond"?)',
    );
  });
});

describe('loadCredential', () => {
  const source = { provider: 'test', setting: 'token', environmentVariables: ['UNILIVE_TEST_TOKEN'] };

  it('prefers the explicit value, then the environment', () => {
    process.env.UNILIVE_TEST_TOKEN = 'from-env-123';
    expect(loadCredential({ ...source, value: 'explicit-123' })).toBe('explicit-123');
    expect(loadCredential({ ...source, value: undefined })).toBe('from-env-123');
  });

  it('names the setting and variable, never a value', () => {
    const error = (() => {
      try {
        return loadCredential({ ...source, value: undefined });
      } catch (caught) {
        return caught;
      }
    })();
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'test: no token configured; pass the `token` setting or UNILIVE_TEST_TOKEN',
    );
  });

  it('refuses an empty or blank setting as the setting it is, never reading the variable that is set', () => {
    process.env.UNILIVE_TEST_TOKEN = 'from-env-123';
    // Blank by the library's rule (trimWhitespace): Unicode's whitespace, NEL and the byte-order mark included.
    const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\u00a0', '\u0085', '\u2003', '\ufeff') });
    fc.assert(
      fc.property(blank, (value) => {
        let error: unknown;
        try {
          loadCredential({ ...source, value });
        } catch (caught) {
          error = caught;
        }
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).toJSON()).toMatchObject({
          message:
            'test: the `token` setting is empty; give a value, or leave the setting out to read UNILIVE_TEST_TOKEN',
          operation: 'configure',
          delivery: 'not-sent',
          issues: [
            {
              path: 'token',
              message: 'expected a value, or the setting left out (an empty or blank setting is none)',
            },
          ],
        });
      }),
      { examples: [[''], ['   ']] },
    );
    // Left out, the variable is read.
    expect(loadCredential({ ...source, value: undefined })).toBe('from-env-123');
  });

  it('rejects CR/LF before any request', () => {
    expect(() => loadCredential({ ...source, value: 'abc\r\nX-Evil: 1' })).toThrow(
      'test: token contains control characters (from the `token` setting)',
    );
  });

  it(`refuses a credential longer than ${maxCredentialLength} characters, from the environment too`, () => {
    process.env.UNILIVE_TEST_TOKEN = 'e'.repeat(maxCredentialLength + 1);
    const error = (() => {
      try {
        return loadCredential({ ...source, value: undefined });
      } catch (caught) {
        return caught as InvalidInputError;
      }
    })() as InvalidInputError;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.issues).toEqual([
      { path: 'token', message: `expected at most ${maxCredentialLength} characters` },
    ]);
    expect(error.message).not.toContain('eeee');
    process.env.UNILIVE_TEST_TOKEN = 'e'.repeat(maxCredentialLength);
    expect(loadCredential({ ...source, value: undefined })).toHaveLength(maxCredentialLength);
  });
});

describe('configuration is checked before anything is loaded or sent', () => {
  const failureOf = (run: () => Promise<unknown>) =>
    run().then(
      () => {
        throw new Error('expected InvalidInputError');
      },
      (error: unknown) => {
        expect(InvalidInputError.isInstance(error)).toBe(true);
        return error as InvalidInputError;
      },
    );

  it.each([
    'data:text/javascript,globalThis.pwned=1;export default()=>({})',
    'https://evil.test/adapter.js',
    'file:///tmp/adapter.js',
    './adapter.js',
    '../adapter',
    '/tmp/adapter.js',
    'C:\\adapter.js',
    'node:child_process',
    '@acme/../../etc',
    'Acme-Adapter',
    '',
  ])('refuses package %j: only a bare package name is imported', async (name) => {
    const error = await failureOf(() =>
      createLiveStreamClientFromConfig({ provider: 'acme', package: name }),
    );
    expect(error.issues).toEqual([
      {
        path: 'package',
        message:
          'expected a bare npm package name such as "@acme/unilive-adapter" (no URL, data: or file path)',
      },
    ]);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it.each(['fs', 'child_process', 'module', 'vm', 'process', 'inspector', 'worker_threads', 'http', 'zlib'])(
    'refuses the Node.js built-in %j as an adapter package (no `node:` needed to load one)',
    async (name) => {
      const error = await failureOf(() =>
        createLiveStreamClientFromConfig({ provider: 'acme', package: name }),
      );
      expect(error.operation).toBe('configure');
      expect(error.delivery).toBe('not-sent');
      expect(error.issues).toEqual([
        {
          path: 'package',
          message: `expected an adapter package, not the Node.js built-in module "${name}"`,
        },
      ]);
    },
  );

  it('refuses every built-in module the running Node.js lists', async () => {
    const { builtinModules } = await import('node:module');
    const bare = builtinModules.filter((name) => /^[a-z0-9][a-z0-9._~-]*$/.test(name));
    expect(bare.length).toBeGreaterThan(30);
    for (const name of bare) {
      const error = await failureOf(() =>
        createLiveStreamClientFromConfig({ provider: 'acme', package: name }),
      );
      expect(error.issues).toEqual([
        {
          path: 'package',
          message: `expected an adapter package, not the Node.js built-in module "${name}"`,
        },
      ]);
    }
  });

  it('turns a provider factory that throws into a typed configuration error, scrubbed of the settings', async () => {
    const token = 'Tk_factory_secret_93c1f0';
    const threw = await failureOf(() =>
      createLiveStreamClientFromConfig(
        { provider: 'acme', token },
        {
          providers: {
            acme: () => {
              throw new TypeError(`cannot use ${token}`);
            },
          },
        },
      ),
    );
    expect(threw.message).toBe(
      'The factory given for "acme" could not build a provider: cannot use [REDACTED]',
    );
    expect(JSON.stringify(threw.toJSON())).not.toContain(token);
  });

  it("hands core's own refusal of a setting on whole: a value that is one of its words is not taken out of it", async () => {
    // What a built-in adapter's factory does with these settings: core checks them, quoting no value.
    const acme = (settings: Record<string, unknown>) => {
      loadCredential({
        provider: 'acme',
        setting: 'token',
        value: settings.token as string | undefined,
        environmentVariables: ['ACME_TOKEN'],
      });
      createHttpClient({
        provider: 'acme',
        baseUrl: settings.baseUrl as string,
        headers: () => ({}),
        secrets: new SecretSet(),
      });
      return fakeProvider(settings);
    };
    const refusal = (settings: Record<string, unknown>) =>
      failureOf(() =>
        createLiveStreamClientFromConfig({ provider: 'acme', ...settings }, { providers: { acme } }),
      );
    const userInfo = await refusal({ token: 'Tk_acme_0123', baseUrl: 'https://someone:pw@api.example.com' });
    const placeholder = await refusal({ token: '$SOMEONE' });
    const wordsOf = (text: string) => [...new Set(text.match(/[A-Za-z]{4,}/g) ?? [])];
    // Every word of each message, as the value the message is about: the message is the same.
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...wordsOf(userInfo.message)), async (word) => {
        const error = await refusal({ token: 'Tk_acme_0123', baseUrl: `https://${word}:pw@api.example.com` });
        expect(error.message).toBe(userInfo.message);
        expect(error.issues).toEqual(userInfo.issues);
      }),
      { numRuns: 60 },
    );
    const upper = wordsOf(placeholder.message).map((word) => word.toUpperCase());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...upper, 'NAME'), async (word) => {
        const error = await refusal({ token: `$${word}` });
        expect(error.message).toBe(placeholder.message);
      }),
      { numRuns: 40 },
    );
    expect(userInfo.message).toBe(
      'acme: invalid settings: baseUrl (expected an absolute https:// URL without user name or password; credentials go in their own settings)',
    );
    // An outside factory's refusal is still masked by the settings' values, core's words or not: it may
    // quote the value it refused.
    const quoting = await failureOf(() =>
      createLiveStreamClientFromConfig(
        { provider: 'acme', baseUrl: 'https://credentials:pw@api.example.com' },
        {
          providers: {
            acme: () => {
              throw new InvalidInputError({
                provider: 'acme',
                operation: 'configure',
                message: 'acme: the user credentials was refused',
                issues: [{ path: 'baseUrl', message: 'expected no credentials' }],
              });
            },
          },
        },
      ),
    );
    expect(quoting.message).toBe('acme: the user [REDACTED] was refused');
  });

  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'Wowza-Video',
    '../liveapi',
    ' liveapi',
  ])('refuses provider id %j before any lookup', async (id) => {
    let called = false;
    const error = await failureOf(() =>
      createLiveStreamClientFromConfig(
        { provider: id },
        {
          providers: {
            liveapi: () => {
              called = true;
              return fakeProvider({});
            },
          },
        },
      ),
    );
    expect(error.issues[0]?.path).toBe('provider');
    expect(called).toBe(false);
  });

  it('names the nearest built-in id for a near miss', async () => {
    const error = await failureOf(() => createLiveStreamClientFromConfig({ provider: 'Wowza-Video' }));
    expect(error.message).toContain('did you mean "wowza-video"?');
  });

  it('reads the configuration from own properties only', async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.package = 'data:text/javascript,export default 1';
    polluted.baseUrl = 'https://evil.test';
    let received: Record<string, unknown> = {};
    try {
      await createLiveStreamClientFromConfig(
        { provider: 'liveapi' },
        {
          providers: {
            liveapi: (settings) => {
              received = settings;
              return fakeProvider({ id: 'liveapi' });
            },
          },
        },
      );
    } finally {
      delete polluted.package;
      delete polluted.baseUrl;
    }
    expect(Object.keys(received)).toEqual([]);
    expect(Object.hasOwn(received, 'baseUrl')).toBe(false);
  });

  it.each([undefined, null, 'liveapi', ['liveapi']])(
    'says what a configuration is when given %j',
    async (config) => {
      if (config === undefined) return; // the default `{}` then asks for a provider, tested above
      const error = await failureOf(() =>
        createLiveStreamClientFromConfig(config as unknown as Record<string, unknown>),
      );
      expect(error.message).toBe('Invalid configuration: expected an object such as { provider: "liveapi" }');
    },
  );
});

describe('readSettings', () => {
  const names = { ...providerSettingsBaseNames, token: true } as const;

  it(`refuses a text setting longer than ${maxCredentialLength} characters before anything is compiled or sent`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_000_000 }), (excess) => {
        const token = 'a'.repeat(maxCredentialLength + excess);
        let caught: unknown;
        try {
          readSettings('wowza-video', { token }, names);
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect((caught as InvalidInputError).operation).toBe('configure');
        expect((caught as InvalidInputError).issues).toEqual([
          { path: 'token', message: `expected at most ${maxCredentialLength} characters` },
        ]);
      }),
      { numRuns: 10 },
    );
    expect(readSettings('wowza-video', { token: 'a'.repeat(maxCredentialLength) }, names)).toEqual({
      token: 'a'.repeat(maxCredentialLength),
    });
  });

  it('refuses an unknown setting, naming the nearest valid one', () => {
    expect(() => readSettings('wowza-video', { baseURL: 'http://sandbox.test' } as object, names)).toThrow(
      'wowza-video: "baseURL": unknown setting; did you mean "baseUrl"?',
    );
    expect(() => readSettings('wowza-video', { tokne: 'x' } as object, names)).toThrow(
      'wowza-video: "tokne": unknown setting; did you mean "token"?',
    );
    expect(() => readSettings('wowza-video', { colour: 'red' } as object, names)).toThrow(
      `wowza-video: "colour": unknown setting; expected one of ${Object.keys(names).join(', ')}`,
    );
  });

  it('reads each setting once, and refuses one it cannot read, naming it', () => {
    const trap = () => {
      throw new Error('trap');
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(names)), fc.boolean(), (key, proxy) => {
        const settings = proxy
          ? { [key]: new Proxy({}, { ownKeys: trap, get: trap }) }
          : Object.defineProperty({}, key, { enumerable: true, get: trap });
        let caught: unknown;
        try {
          readSettings('wowza-video', settings, names);
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect((caught as InvalidInputError).delivery).toBe('not-sent');
        expect((caught as InvalidInputError).issues).toEqual([
          { path: key, message: 'could not be read (a getter or a Proxy in it threw)' },
        ]);
      }),
    );
    let caught: unknown;
    try {
      readSettings('wowza-video', new Proxy({}, { ownKeys: trap }), names);
    } catch (error) {
      caught = error;
    }
    expect((caught as InvalidInputError).issues).toEqual([
      { path: '$', message: 'its properties could not be listed' },
    ]);
    // A token that is short when checked and long after is read once: what is checked is what is kept.
    let reads = 0;
    const changing = Object.defineProperty({}, 'token', {
      enumerable: true,
      get: () => {
        reads += 1;
        return reads === 1 ? 'short-token' : 'a'.repeat(maxCredentialLength + 1);
      },
    });
    expect(readSettings('wowza-video', changing, names)).toEqual({ token: 'short-token' });
    expect(reads).toBe(1);
  });

  it('refuses settings that are no object', () => {
    expect(() => readSettings('liveapi', 'token' as unknown as object, names)).toThrow(InvalidInputError);
  });

  it('returns own settings only, without a prototype', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.baseUrl = 'https://evil.test';
    try {
      const settings = readSettings(
        'liveapi',
        { token: 'abc' } as { token?: string; baseUrl?: string },
        names,
      );
      expect(settings.baseUrl).toBeUndefined();
      expect(settings.token).toBe('abc');
    } finally {
      delete polluted.baseUrl;
    }
  });
});

describe('a registry configuration handed to createLiveStreamClientFromConfig', () => {
  it('is named as one, pointing at createLiveStreamRegistryFromConfig, before any provider is built', async () => {
    let built = 0;
    const providers = {
      liveapi: () => {
        built += 1;
        return fakeProvider({});
      },
    };
    for (const config of [
      { providers: [{ provider: 'liveapi', name: 'eu' }] },
      { provider: 'liveapi', providers: [] },
    ]) {
      const error = (await createLiveStreamClientFromConfig(config as never, { providers }).catch(
        (caught: unknown) => caught,
      )) as InvalidInputError;
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.issues).toEqual([
        {
          path: 'providers',
          message:
            'a list of providers is a registry configuration: load it with createLiveStreamRegistryFromConfig (this loader takes one provider)',
        },
      ]);
    }
    expect(built).toBe(0);
  });
});
