import type { LiveStreamProvider } from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveapi } from './liveapi-provider.js';

// The sandbox with `documentedOnly`: no `name` (no LiveAPI sample has one), a list of `docs` alone (its
// paging fields are inferred), platforms without their own `broadcasting_status` (placement inferred). The
// adapter's paths for those absences run here.

let sandbox: Sandbox;
let provider: LiveStreamProvider;
let requests: string[];

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50, documentedOnly: true, media: false });
  requests = [];
  const settings = sandbox.adapterSettings('liveapi');
  provider = liveapi({
    ...settings,
    retry: { maxRetries: 0 },
    fetch: (input, init) => {
      const request = new Request(input, init);
      requests.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
      return fetch(request, init);
    },
  });
});

afterAll(async () => {
  await sandbox.close();
});

describe('liveapi against answers holding only what LiveAPI documents', () => {
  it('a stream without a name has none, and the result says the name was not kept', async () => {
    const stream = await provider.create({ name: 'named show' });
    expect(stream).not.toHaveProperty('name');
    expect(stream.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'name',
        message:
          'LiveAPI returned the stream without a name: it may not keep names (capabilities.names is false); keep the name on your side.',
      },
    ]);
    expect(await provider.get(stream.id)).not.toHaveProperty('name');
  });

  it('a list of docs alone is one page, read with one request', async () => {
    for (let index = 0; index < 11; index += 1) await provider.create({ name: `show ${index}` });
    requests.length = 0;
    const listed = [];
    for await (const stream of provider.list()) listed.push(stream);
    expect(listed.length).toBe(12);
    expect(requests).toEqual(['GET /liveapi/live_streams']);
  });

  it('a platform without its own status is switched on, with broadcasting unknown', async () => {
    const target = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt-key-1234-5678' };
    const stream = await provider.create({ name: 'restream', restream: [target] });
    expect(stream.restream).toEqual([
      { ...target, id: expect.stringMatching(/^[0-9a-f]{24}$/), enabled: true },
    ]);
    sandbox.setEncoder('liveapi', stream.id, true);
    const live = await provider.get(stream.id);
    expect(live.broadcasting).toBe(true);
    expect(live.restream?.[0]).not.toHaveProperty('broadcasting');
    sandbox.setEncoder('liveapi', stream.id, false);
  });
});

runLiveStreamContract({
  name: 'liveapi on the sandbox, documented answers only',
  setup: sandboxHarness({
    provider: 'liveapi',
    createProvider: (documented) => liveapi(documented.adapterSettings('liveapi')),
    sandbox: { documentedOnly: true, media: false },
    // The documented list is `docs` alone, one unpaged answer: there are no pages to misbehave.
    paging: false,
  }),
  wait: { intervalMs: 100, maxIntervalMs: 100 },
});
