import { InvalidInputError, isEndpointUrl, type LiveStreamProvider } from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wowzaRealtimeDetailsOf } from './map-wowza-realtime-stream.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

let sandbox: Sandbox;
let provider: LiveStreamProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50 });
  provider = wowzaRealtime({ ...sandbox.adapterSettings('wowza-realtime'), retry: { maxRetries: 0 } });
});

afterAll(async () => {
  await sandbox.close();
});

describe('wowza-realtime against the sandbox', () => {
  it('returns only endpoints a tool opens as-is, and the SDK credentials beside them', async () => {
    const stream = await provider.create({ name: 'endpoints' });
    expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual(['rtmp']);
    expect(stream.playback.map((endpoint) => endpoint.protocol)).toEqual(['embed']);
    for (const endpoint of [...stream.ingest, ...stream.playback]) {
      expect(isEndpointUrl(endpoint.protocol, endpoint.url), endpoint.url).toBe(true);
    }
    const raw = stream.raw as { stream_name: string; token: string };
    expect(wowzaRealtimeDetailsOf(stream)).toEqual({
      sdk: { streamName: raw.stream_name, publishToken: raw.token },
    });
  });

  it('agrees with the adapter on secure viewing switched on without expires_on', async () => {
    const created = await provider.create({
      name: 'secure viewing',
      providerOptions: {
        'wowza-realtime': { enable_secure_viewer: true, expires_on: '2030-10-27 23:08:55' },
      },
    });
    const off = await provider.update(created.id, {
      providerOptions: { 'wowza-realtime': { enable_secure_viewer: false } },
    });
    expect(wowzaRealtimeDetailsOf(off)?.sdk.subscribeToken).toBeUndefined();
    // The stream keeps its expiry, so switching secure viewing back on needs none.
    const on = await provider.update(created.id, {
      providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } },
    });
    expect(wowzaRealtimeDetailsOf(on)?.sdk).toEqual({
      streamName: (on.raw as { stream_name: string }).stream_name,
      publishToken: (on.raw as { token: string }).token,
      subscribeToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      subscribeTokenExpiresAt: new Date('2030-10-27T23:08:55.000Z'),
    });

    // A stream without an expiry: the adapter refuses before changing anything, as the sandbox would.
    const plain = await provider.create({ name: 'no expiry' });
    const refused = await provider
      .update(plain.id, { providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } } })
      .catch((error: unknown) => error);
    expect(InvalidInputError.isInstance(refused)).toBe(true);
    const vendor = await fetch(`${sandbox.baseUrl('wowza-realtime')}/real_time/${plain.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${sandbox.credentials('wowza-realtime').token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ real_time_stream: { name: 'no expiry', enable_secure_viewer: true } }),
    });
    expect(vendor.status).toBe(422);
    expect(((await vendor.json()) as { meta: { code: string } }).meta.code).toBe('ERR-422-RecordInvalid');
  });
});
