import { createLiveStreamClientFromConfig, createLiveStreamRegistryFromConfig } from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Switching vendors by configuration only: the same code, four configurations, the real adapter packages
// loaded by name, against the sandbox.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50 });
});
afterAll(async () => {
  await sandbox.close();
});

async function launch(config: Record<string, unknown>) {
  const client = await createLiveStreamClientFromConfig(config);
  const stream = await client.create({ name: 'Configured' });
  const fetched = await client.get(stream.id);
  await client.delete(stream.id);
  return { providerId: client.providerId, state: fetched.state, ingest: fetched.ingest.length };
}

describe('createLiveStreamClientFromConfig with the installed adapters', () => {
  it.each(['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'])(
    '%s is loaded from its package by name',
    async (provider) => {
      const result = await launch({
        provider,
        baseUrl: sandbox.baseUrl(provider),
        ...sandbox.credentials(provider),
      });
      expect(result.providerId).toBe(provider);
      expect(result.ingest).toBeGreaterThan(0);
    },
  );

  it('takes the provider and credentials from the environment', async () => {
    const credentials = sandbox.credentials('liveapi');
    process.env.UNILIVE_PROVIDER = 'liveapi';
    process.env.LIVEAPI_TOKEN_ID = credentials.tokenId;
    process.env.LIVEAPI_SECRET_KEY = credentials.secretKey;
    try {
      const result = await launch({ baseUrl: sandbox.baseUrl('liveapi') });
      expect(result.providerId).toBe('liveapi');
    } finally {
      delete process.env.UNILIVE_PROVIDER;
      delete process.env.LIVEAPI_TOKEN_ID;
      delete process.env.LIVEAPI_SECRET_KEY;
    }
  });
});

describe('createLiveStreamRegistryFromConfig with the installed adapters', () => {
  it('loads each adapter by name, routes by capability and reaches every stream by reference', async () => {
    const entry = (provider: string, name = provider) => ({
      provider,
      name,
      baseUrl: sandbox.baseUrl(provider),
      ...sandbox.credentials(provider),
    });
    const registry = await createLiveStreamRegistryFromConfig({
      providers: [entry('liveapi', 'eu'), entry('liveapi', 'us'), entry('videosdk'), entry('wowza-video')],
    });
    const rtmp = await registry.create({ name: 'Configured' });
    expect(rtmp.ref).toBe(`eu:${rtmp.id}`);
    const srt = await registry.create({ name: 'Configured SRT', ingestProtocol: 'srt' });
    expect(srt.ref).toBe(`wowza-video:${srt.id}`);
    for (const stream of [rtmp, srt]) {
      expect((await registry.get(stream.ref)).id).toBe(stream.id);
      await registry.delete(stream.ref);
    }
    expect(registry.providers.map((provider) => [provider.name, provider.providerId])).toEqual([
      ['eu', 'liveapi'],
      ['us', 'liveapi'],
      ['videosdk', 'videosdk'],
      ['wowza-video', 'wowza-video'],
    ]);
  });
});
