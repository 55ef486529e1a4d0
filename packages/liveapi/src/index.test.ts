import { createLiveStreamClientFromConfig } from '@unilive/core';
import { interceptFixture, loadFixture } from '@unilive/testing';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureCredentials, fixtureStreamId, fixturesDirectory, origin } from '../test/support.js';
import liveapiDefault, * as api from './index.js';

afterEach(() => {
  nock.cleanAll();
});

describe('@unilive/liveapi entry point', () => {
  it('exports exactly its public API, with the factory as default export', () => {
    expect(Object.keys(api).sort()).toEqual([
      'LiveApiRestreamError',
      'default',
      'liveApiBaseUrlVariable',
      'liveApiBroadcastingStatuses',
      'liveApiCapabilities',
      'liveApiDefaultBaseUrl',
      'liveApiProviderOptionsSchema',
      'liveApiSettingNames',
      'liveapi',
      'parseWebhook',
    ]);
    expect(liveapiDefault).toBe(api.liveapi);
  });

  it('builds a working client from plain configuration', async () => {
    nock.disableNetConnect();
    interceptFixture(nock(origin), loadFixture(fixturesDirectory, 'get'));
    const client = await createLiveStreamClientFromConfig(
      { provider: 'liveapi', ...fixtureCredentials },
      { providers: { liveapi: liveapiDefault } },
    );
    expect(client.providerId).toBe('liveapi');
    expect(client.capabilities).toEqual(api.liveApiCapabilities);
    expect((await client.get(fixtureStreamId)).id).toBe(fixtureStreamId);
  });
});
