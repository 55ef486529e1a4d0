import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { createLiveStreamClientFromConfig } from '../config/load-client.js';
import { mayBeCredentialName } from '../config/names.js';
import { readSettings } from '../config/settings.js';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { InvalidInputError } from '../errors/errors.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamRegistryFromConfig } from './registry-config.js';

// Factories by provider id, as a bundle passes them; each records the settings it was built with.
function factories() {
  const built: { id: string; settings: Record<string, unknown> }[] = [];
  const factory =
    (id: string) =>
    (settings: Record<string, unknown>): LiveStreamProvider => {
      built.push({ id, settings });
      return fakeProvider(id, { streams: 1 }).provider;
    };
  return { built, providers: { liveapi: factory('liveapi'), 'wowza-video': factory('wowza-video') } };
}

async function refusal(run: () => Promise<unknown>): Promise<InvalidInputError> {
  try {
    await run();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected InvalidInputError');
}

describe('createLiveStreamRegistryFromConfig: a name repeating a credential of the configuration', () => {
  it('is masked in routing and in the options, as the client loader masks it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^Zq[A-Za-z]{8,24}$/),
        fc.constantFrom('routing', 'option', 'hook'),
        async (secret, place) => {
          const { providers } = factories();
          const config: Record<string, unknown> = {
            providers: [{ provider: 'liveapi', tokenId: 'token-id-1', secretKey: secret }],
          };
          const options: Record<string, unknown> = { providers };
          if (place === 'routing') config.routing = { [secret]: 1 };
          if (place === 'option') options[secret] = 1;
          if (place === 'hook') options.hooks = { [secret]: () => undefined };
          const error = await refusal(() =>
            createLiveStreamRegistryFromConfig(config as never, options as never),
          );
          expect(String(error)).toContain('[REDACTED]');
          expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(secret);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('a credential of the environment or of another entry, pasted where a name belongs', () => {
  // An adapter's factory as the built-in ones check settings: unknown names refused, masked by its own
  // credentials only (those of the entry it builds).
  const checking = {
    liveapi: (settings: Record<string, unknown>): LiveStreamProvider => {
      readSettings('liveapi', settings, { tokenId: true, secretKey: true }, ['tokenId', 'secretKey']);
      return fakeProvider('liveapi', { streams: 1 }).provider;
    },
  };

  it('is masked wherever the configuration or its options repeat it (generated)', async () => {
    const places = fc.constantFrom(
      'registry top level',
      'entry rateLimit',
      'registry option',
      'registry hook',
      'another entry',
      'client config rateLimit',
      'client option',
      'client hook',
    );
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.stringMatching(/^Zq[A-Za-z]{8,24}$/),
          fc.boolean(),
          places,
          async (secret, fromEnvironment, place) => {
            // Entry `eu` holds the credential (given, or left to the environment); the name is pasted elsewhere.
            if (fromEnvironment) process.env.LIVEAPI_SECRET_KEY = secret;
            const eu: Record<string, unknown> = { provider: 'liveapi', name: 'eu', tokenId: 'token-id-eu' };
            if (!fromEnvironment) eu.secretKey = secret;
            const us: Record<string, unknown> = {
              provider: 'liveapi',
              name: 'us',
              tokenId: 'token-id-us',
              secretKey: 'us-key-of-its-own',
            };
            const config: Record<string, unknown> = { providers: [eu, us] };
            const options: Record<string, unknown> = { providers: checking };
            if (place === 'registry top level') config[secret] = 1;
            if (place === 'entry rateLimit') us.rateLimit = { [secret]: 1 };
            if (place === 'registry option') options[secret] = 1;
            if (place === 'registry hook') options.hooks = { [secret]: () => undefined };
            if (place === 'another entry') us[secret] = 1;
            const client = place.startsWith('client');
            // A client's configuration holds the credential itself (or leaves it to the environment).
            const single: Record<string, unknown> = { ...eu };
            delete single.name;
            if (place === 'client config rateLimit') single.rateLimit = { [secret]: 1 };
            if (place === 'client option') options[secret] = 1;
            if (place === 'client hook') options.hooks = { [secret]: () => undefined };
            const error = await refusal(() =>
              client
                ? createLiveStreamClientFromConfig(single as never, options as never)
                : createLiveStreamRegistryFromConfig(config as never, options as never),
            );
            expect(String(error)).toContain('[REDACTED]');
            expect(`${String(error)} ${JSON.stringify(error)} ${error.stack}`).not.toContain(secret);
            delete process.env.LIVEAPI_SECRET_KEY;
          },
        ),
        { numRuns: 80 },
      );
    } finally {
      delete process.env.LIVEAPI_SECRET_KEY;
    }
  });
});

describe('createLiveStreamRegistryFromConfig', () => {
  it('builds each provider as single-provider configuration would, named by its id unless named', async () => {
    const { built, providers } = factories();
    const registry = await createLiveStreamRegistryFromConfig(
      {
        providers: [
          { provider: 'wowza-video', token: 'w' },
          { provider: 'liveapi', name: 'eu', tokenId: 'e', secretKey: 's1' },
          {
            provider: 'liveapi',
            name: 'us',
            tokenId: 'u',
            secretKey: 's2',
            rateLimit: { requestsPerSecond: 5 },
          },
        ],
        routing: { order: ['us', 'eu', 'wowza-video'] },
      },
      { providers },
    );
    expect(registry.providers.map((provider) => [provider.name, provider.providerId])).toEqual([
      ['wowza-video', 'wowza-video'],
      ['eu', 'liveapi'],
      ['us', 'liveapi'],
    ]);
    expect(registry.routingOrder).toEqual(['us', 'eu', 'wowza-video']);
    // The registry's own keys stay out of the adapter's settings.
    expect(built).toEqual([
      { id: 'wowza-video', settings: { token: 'w' } },
      { id: 'liveapi', settings: { tokenId: 'e', secretKey: 's1' } },
      { id: 'liveapi', settings: { tokenId: 'u', secretKey: 's2' } },
    ]);
    const stream = await registry.create({ name: 'x' });
    expect(stream.ref).toBe('us:liveapi2');
  });

  it('refuses a configuration it cannot build, naming the entry, before any request', async () => {
    const { providers } = factories();
    const cases: [unknown, string][] = [
      [{}, 'providers'],
      [{ providers: [] }, 'providers'],
      [{ providers: ['liveapi'] }, 'providers.0'],
      [{ providers: [{ token: 'x' }] }, 'providers.0.provider'],
      [{ providers: [{ provider: 'liveapi' }, { provider: 'liveapi' }] }, 'providers.1.name'],
      [{ providers: [{ provider: 'liveapi', name: 'e:u' }] }, 'providers.0.name'],
      [{ providers: [{ provider: 'liveapi' }], routing: { order: ['eu'] } }, 'routing.order'],
    ];
    for (const [config, path] of cases) {
      const error = await refusal(() => createLiveStreamRegistryFromConfig(config as never, { providers }));
      expect(error.operation, JSON.stringify(config)).toBe('configure');
      expect(error.issues[0]?.path, JSON.stringify(config)).toBe(path);
    }
  });

  it("names an entry's `name` spelt another way, rather than leaving it to the adapter", async () => {
    for (const key of ['Name', 'NAME', ' name', 'na_me']) {
      const { built, providers } = factories();
      const error = await refusal(() =>
        createLiveStreamRegistryFromConfig(
          { providers: [{ provider: 'liveapi', [key]: 'eu' }] },
          { providers },
        ),
      );
      expect(error.issues, key).toEqual([
        { path: `providers.0.${key}`, message: 'unknown setting; did you mean "name"?' },
      ]);
      expect(built).toEqual([]);
    }
  });

  it("names an entry's key one typo from `provider` when it has none", async () => {
    const { built, providers } = factories();
    const error = await refusal(() =>
      createLiveStreamRegistryFromConfig({ providers: [{ providr: 'liveapi', name: 'eu' }] } as never, {
        providers,
      }),
    );
    expect(error.issues).toEqual([
      { path: 'providers.0.providr', message: 'unknown setting; did you mean "provider"?' },
    ]);
    expect(built).toEqual([]);
  });

  it("takes a call's `provider` option defined non-enumerable, as an enumerable one", async () => {
    const { providers } = factories();
    const registry = await createLiveStreamRegistryFromConfig(
      {
        providers: [
          { provider: 'liveapi', name: 'eu' },
          { provider: 'liveapi', name: 'us' },
        ],
      },
      { providers },
    );
    const options = Object.defineProperty({}, 'provider', { value: 'us', enumerable: false });
    const stream = await registry.create({ name: 'Hidden choice' }, options as never);
    expect(stream.ref.startsWith('us:')).toBe(true);
  });

  it("names an entry's `provider` spelt another way, and reads settings defined non-enumerable", async () => {
    for (const key of ['Provider', 'PROVIDER', 'pro_vider']) {
      const { built, providers } = factories();
      const error = await refusal(() =>
        createLiveStreamRegistryFromConfig({ providers: [{ [key]: 'liveapi', name: 'eu' }] } as never, {
          providers,
        }),
      );
      expect(error.issues, key).toEqual([
        { path: `providers.0.${key}`, message: 'unknown setting; did you mean "provider"?' },
      ]);
      expect(built).toEqual([]);
    }
    // A setting defined non-enumerable is the entry's: it reaches the factory rather than being dropped (a
    // `baseUrl` dropped would send the call to the vendor's production API).
    const { built, providers } = factories();
    const entry = Object.defineProperty({ provider: 'liveapi', name: 'eu' }, 'baseUrl', {
      value: 'https://sandbox.invalid/api',
      enumerable: false,
    });
    await createLiveStreamRegistryFromConfig({ providers: [entry] }, { providers });
    expect(built.map((made) => made.settings.baseUrl)).toEqual(['https://sandbox.invalid/api']);
    // A symbol key names no setting: refused, its description not shown.
    const symbolic = await refusal(() =>
      createLiveStreamRegistryFromConfig(
        { providers: [{ provider: 'liveapi', [Symbol('ZqHiddenDescription')]: 1 }] } as never,
        { providers: factories().providers },
      ),
    );
    expect(symbolic.issues.map((issue) => issue.path)).toEqual(['providers.0.[symbol]']);
    expect(`${String(symbolic)} ${JSON.stringify(symbolic)}`).not.toContain('ZqHiddenDescription');
  });

  it("places the single-provider checks' issues under the entry they came from", async () => {
    const error = await refusal(() =>
      createLiveStreamRegistryFromConfig(
        { providers: [{ provider: 'liveapi' }, { provider: 'no-such-vendor' }] },
        {
          providers: factories().providers,
        },
      ),
    );
    expect(error.message).toMatch(/^Invalid registry configuration: providers\.1: /);
    expect(error.issues.every((issue) => issue.path.startsWith('providers.1.'))).toBe(true);
  });

  it('names the nearest provider id for a misspelt one in an entry', async () => {
    const error = await refusal(() =>
      createLiveStreamRegistryFromConfig({
        providers: [{ provider: 'liveapi' }, { provider: 'wowza-vidoe' }],
      }),
    );
    expect(error.message).toContain(
      'providers.1: Unknown provider "wowza-vidoe" (did you mean "wowza-video"?)',
    );
    expect(error.issues).toEqual([
      { path: 'providers.1.provider', message: 'unknown provider; did you mean "wowza-video"?' },
    ]);
  });

  it('refuses a top-level name other than providers and routing, naming the nearest, before building anything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((name) => !['providers', 'routing', '__proto__'].includes(name)),
        fc.anything(),
        async (name, value) => {
          // A name the value itself holds as text is masked with every text of the configuration (its
          // refusal may quote it): the name is then not shown, rightly, and this case says nothing.
          fc.pre(!inspect(value, { depth: Number.POSITIVE_INFINITY }).includes(name));
          const { built, providers } = factories();
          const error = await refusal(() =>
            createLiveStreamRegistryFromConfig(
              { providers: [{ provider: 'liveapi', tokenId: 'e', secretKey: 's' }], [name]: value } as never,
              { providers },
            ),
          );
          // Named, unless it may be a credential pasted a line too high.
          expect(error.issues.map((issue) => issue.path)).toEqual([
            `config.${mayBeCredentialName(name) ? '[REDACTED]' : name}`,
          ]);
          expect(built).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
    const { providers } = factories();
    const typo = await refusal(() =>
      createLiveStreamRegistryFromConfig(
        { providers: [{ provider: 'liveapi' }], routng: { order: ['liveapi'] } } as never,
        { providers },
      ),
    );
    expect(typo.message).toBe(
      'configure: invalid config: config.routng (unknown option; did you mean "routing"?)',
    );
    // A dotted name at the top level, as a flat file or environment would write it: told to nest.
    for (const written of ['routing.order', 'Routing.order', 'ROUTING.order']) {
      const dotted = await refusal(() =>
        createLiveStreamRegistryFromConfig(
          { providers: [{ provider: 'liveapi' }], [written]: ['liveapi'] } as never,
          { providers },
        ),
      );
      expect(dotted.message).toBe(
        `configure: invalid config: config.${written} (unknown option; a dotted name is not read as a path: write routing: { order: … })`,
      );
    }
    // A routing that is no object is refused where it is read.
    const flat = await refusal(() =>
      createLiveStreamRegistryFromConfig({ providers: [{ provider: 'liveapi' }], routing: 'eu' } as never, {
        providers,
      }),
    );
    expect(flat.message).toBe('configure: invalid config: config.routing (expected an object)');
  });
});

describe('configuration that cannot be read', () => {
  const trap = () => {
    throw new Error('the caller’s own');
  };
  const unreadable = 'could not be read (a getter or a Proxy in it threw)';
  // A setting the loader takes itself, or one it hands to the adapter, made to throw by a getter or a Proxy.
  const key = fc.constantFrom('provider', 'package', 'rateLimit', 'tokenId', 'secretKey', 'baseUrl');
  const throwingAt = (name: string, proxy: boolean): Record<string, unknown> => {
    // Only own properties are read: the Proxy's target holds the name, so its `get` is asked for it.
    const base = { provider: 'liveapi', tokenId: 'id', secretKey: 'secret', [name]: 'x' };
    if (proxy)
      return new Proxy(base, { get: (target, at) => (at === name ? trap() : Reflect.get(target, at)) });
    return Object.defineProperty({ ...base }, name, { enumerable: true, get: trap });
  };

  it('refuses a setting whose getter or Proxy throws, naming it, in a client’s configuration and a registry entry', async () => {
    await fc.assert(
      fc.asyncProperty(key, fc.boolean(), async (name, proxy) => {
        const { built, providers } = factories();
        const single = await refusal(() =>
          createLiveStreamClientFromConfig(throwingAt(name, proxy), { providers }),
        );
        expect(single.issues).toEqual([{ path: name, message: unreadable }]);
        expect(single.operation).toBe('configure');
        expect(single.delivery).toBe('not-sent');
        const entry = await refusal(() =>
          createLiveStreamRegistryFromConfig(
            { providers: [{ provider: 'wowza-video' }, throwingAt(name, proxy) as never] },
            { providers },
          ),
        );
        expect(entry.issues).toEqual([{ path: `providers.1.${name}`, message: unreadable }]);
        expect(entry.operation).toBe('configure');
        expect(built.map((made) => made.id)).toEqual(['wowza-video']);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a configuration whose keys cannot be listed, and a list of providers whose item cannot be read', async () => {
    const { built, providers } = factories();
    const listed = await refusal(() =>
      createLiveStreamClientFromConfig(new Proxy({ provider: 'liveapi' }, { ownKeys: trap }), { providers }),
    );
    expect(listed.issues).toEqual([{ path: 'config', message: 'its properties could not be listed' }]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), async (index) => {
        const list = Array.from({ length: 4 }, (_, at) => ({ provider: 'liveapi', name: `n${at}` }));
        const entries = new Proxy(list, {
          get: (target, at) => (at === String(index) ? trap() : Reflect.get(target, at)),
        });
        const refused = await refusal(() =>
          createLiveStreamRegistryFromConfig({ providers: entries }, { providers }),
        );
        expect(refused.issues).toEqual([{ path: `providers.${index}`, message: unreadable }]);
      }),
      { numRuns: 8 },
    );
    const { proxy, revoke } = Proxy.revocable([{ provider: 'liveapi' }], {});
    revoke();
    const revoked = await refusal(() =>
      createLiveStreamRegistryFromConfig({ providers: proxy }, { providers }),
    );
    expect(revoked.issues).toEqual([{ path: 'providers', message: unreadable }]);
    expect(built).toEqual([]);
  });

  it('refuses a name given as null rather than naming the entry after its provider', async () => {
    const { built, providers } = factories();
    const refused = await refusal(() =>
      createLiveStreamRegistryFromConfig(
        { providers: [{ provider: 'liveapi', name: null as unknown as string }] },
        { providers },
      ),
    );
    expect(refused.issues).toEqual([
      { path: 'providers.0.name', message: 'expected a name, or the setting left out (null is none)' },
    ]);
    expect(built).toEqual([]);
  });
});

describe('createLiveStreamRegistryFromConfig: hook events', () => {
  it('name the account each client serves (providerName), as a registry made in code does, from options or a container', async () => {
    // Two accounts of one vendor whose streams carry a warning the client hands to onWarning.
    const providers = {
      liveapi: (): LiveStreamProvider => {
        const fake = fakeProvider('liveapi', { streams: 1 });
        return {
          ...fake.provider,
          get: async (id: string) => ({
            ...(await fake.provider.get(id)),
            warnings: [{ type: 'other' as const, message: 'zq note' }],
          }),
        };
      },
    };
    const config = {
      providers: [
        { provider: 'liveapi', name: 'eu', tokenId: 'e', secretKey: 's1' },
        { provider: 'liveapi', name: 'us', tokenId: 'u', secretKey: 's2' },
      ],
    };
    const heard: unknown[] = [];
    const hooks = { onWarning: (event: { providerName?: string }) => heard.push(event.providerName) };
    const child = createContainer();
    child.register(tokens.hooks, { useValue: hooks });
    for (const options of [
      { providers, hooks },
      { providers, container: child },
    ]) {
      heard.length = 0;
      const registry = await createLiveStreamRegistryFromConfig(config, options as never);
      for (const name of ['eu', 'us']) {
        const [stream] = await registry.list({ providers: [name] }).toArray();
        await registry.get(stream?.ref ?? '');
      }
      expect(heard).toEqual(['eu', 'us']);
    }
  });
});
