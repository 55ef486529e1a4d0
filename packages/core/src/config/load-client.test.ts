import { afterEach, describe, expect, it } from 'vitest';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { AuthenticationError, InvalidInputError } from '../errors/errors.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClientFromConfig } from './load-client.js';
import { loadCredential } from './settings.js';

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
            return fakeProvider(settings);
          },
        },
      },
    );
    expect(received.fetch).toBe(customFetch);
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

  it('asks for a package for an unknown provider id', async () => {
    const error = await createLiveStreamClientFromConfig({ provider: 'acme' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'Unknown provider "acme": set `package` to the adapter package that provides it',
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

  it('rejects CR/LF before any request', () => {
    expect(() => loadCredential({ ...source, value: 'abc\r\nX-Evil: 1' })).toThrow(
      'test: token contains control characters (from the `token` setting or UNILIVE_TEST_TOKEN)',
    );
  });
});
