import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
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

  it('refuses a top-level name other than providers and routing, naming the nearest, before building anything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((name) => !['providers', 'routing', '__proto__'].includes(name)),
        fc.anything(),
        async (name, value) => {
          const { built, providers } = factories();
          const error = await refusal(() =>
            createLiveStreamRegistryFromConfig(
              { providers: [{ provider: 'liveapi', tokenId: 'e', secretKey: 's' }], [name]: value } as never,
              { providers },
            ),
          );
          expect(error.issues.map((issue) => issue.path)).toEqual([`config.${name}`]);
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
  });
});
