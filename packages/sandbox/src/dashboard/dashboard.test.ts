import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codePointLength } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import { undocumentedNameLimit } from '../dialects/names.js';
import { type Sandbox, startSandbox } from '../server.js';
import { type DashboardOverview, dashboardSecretPath, overviewTextLimit } from './dashboard.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 10 });
});
afterAll(async () => {
  await sandbox.close();
});

const overview = async () =>
  (await (await fetch(`${sandbox.url}/_sandbox/dashboard/overview.json`)).json()) as DashboardOverview;

describe('dashboard', () => {
  it('serves the page at the root, and hls.js from the installed package, never from a CDN', async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script src="/_sandbox/dashboard/hls.min.js"></script>');
    expect(html).not.toMatch(/src="https?:/);
    const player = await fetch(`${sandbox.url}/_sandbox/dashboard/hls.min.js`);
    expect(player.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await player.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${sandbox.url}/favicon.ico`)).status).toBe(204);
  });

  it('lists every provider with its streams, states, ingest details (secrets marked) and changes', async () => {
    const clients = dialectClients(sandbox.engine);
    const show = await clients.liveapi!.create('Show <b>one</b>');
    const wowza = await clients['wowza-video']!.create('Wowza show', {
      username: 'pusher',
      password: 'pw-9876',
    });
    const realtime = await clients['wowza-realtime']!.create('Realtime show');
    await clients.videosdk!.create('Videosdk show');
    sandbox.setEncoder('liveapi', String(show._id), true);
    const data = await overview();
    expect(data.sandbox).toEqual({ url: sandbox.url, ingestUrl: sandbox.ingestUrl });
    expect(data.providers.map((provider) => [provider.id, provider.streams.length])).toEqual([
      ['videosdk', 1],
      ['liveapi', 1],
      ['wowza-realtime', 1],
      ['wowza-video', 1],
    ]);
    const byProvider = Object.fromEntries(
      data.providers.map((provider) => [provider.id, provider.streams[0]]),
    );
    expect(byProvider.liveapi).toMatchObject({
      id: show._id,
      name: 'Show <b>one</b>',
      state: 'enabled',
      acceptsVideo: true,
      live: true,
      hlsUrl: `${sandbox.url}/media/liveapi/${show._id}/index.m3u8`,
      ingest: [
        { label: 'server', value: `${sandbox.ingestUrl}/static` },
        { label: 'key', secret: true, length: (show.ingest as { key: string }).key.length },
      ],
    });
    // Simulated encoders send no video: there is nothing to play.
    expect(byProvider.liveapi).not.toHaveProperty('previewUrl');
    const source = wowza.source_connection_information as Record<string, string>;
    expect(byProvider['wowza-video']).toMatchObject({
      state: 'stopped',
      acceptsVideo: false,
      live: false,
      ingest: [
        { label: 'server', value: `${sandbox.ingestUrl}/${source.application}` },
        { label: 'stream name', secret: true, length: source.stream_name?.length },
        { label: 'username', value: 'pusher' },
        { label: 'password', secret: true, length: 'pw-9876'.length },
      ],
    });
    expect(byProvider['wowza-realtime']?.ingest).toContainEqual({
      label: 'publish token',
      secret: true,
      length: String(realtime.token).length,
    });
    expect(byProvider['wowza-realtime']).not.toHaveProperty('hlsUrl');
    expect(byProvider.videosdk).toMatchObject({ state: 'always on', acceptsVideo: true });
    expect(data.changes[0]).toMatchObject({ kind: 'encoder-connected', provider: 'liveapi', id: show._id });
    expect(data.changes.map((change) => change.kind)).toEqual([
      'encoder-connected',
      'created',
      'created',
      'created',
      'created',
    ]);
    expect(data.changes[0]).not.toHaveProperty('record');
    expect(data.deliveries).toEqual([]);
  });

  it('serves no secret in the overview, each one from its own no-store route when asked', async () => {
    const clients = dialectClients(sandbox.engine);
    const liveapi = await clients.liveapi!.create('Key holder');
    const wowza = await clients['wowza-video']!.create('Pushed with a password', {
      username: 'pusher',
      password: 'pw-5555',
    });
    const realtime = await clients['wowza-realtime']!.create('Token holder');
    const videosdk = await clients.videosdk!.create('Stream key holder');
    const source = wowza.source_connection_information as Record<string, string>;
    const secrets = [
      {
        provider: 'liveapi',
        stream: String(liveapi._id),
        label: 'key',
        value: (liveapi.ingest as { key: string }).key,
      },
      {
        provider: 'wowza-video',
        stream: String(wowza.id),
        label: 'stream name',
        value: String(source.stream_name),
      },
      { provider: 'wowza-video', stream: String(wowza.id), label: 'password', value: 'pw-5555' },
      {
        provider: 'wowza-realtime',
        stream: String(realtime.id),
        label: 'publish token',
        value: String(realtime.token),
      },
      {
        provider: 'videosdk',
        stream: String(videosdk.id),
        label: 'streamKey',
        value: String(videosdk.streamKey),
      },
    ];
    const text = await (await fetch(`${sandbox.url}/_sandbox/dashboard/overview.json`)).text();
    for (const { value } of secrets) {
      expect(value.length).toBeGreaterThan(4);
      expect(text).not.toContain(value);
    }
    const read = (query: Record<string, string>) =>
      fetch(`${sandbox.url}${dashboardSecretPath}?${new URLSearchParams(query)}`);
    for (const { value, ...query } of secrets) {
      const response = await read(query);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ value });
    }
    // Only a secret detail of a stream that exists: not a shown one, not another stream's, not a guess.
    const key = secrets[0]!;
    for (const query of [
      { provider: 'liveapi', stream: key.stream, label: 'server' },
      { provider: 'liveapi', stream: 'no-such-stream', label: 'key' },
      { provider: 'wowza-video', stream: key.stream, label: 'key' },
      { provider: 'nobody', stream: key.stream, label: 'key' },
      { provider: 'liveapi', stream: key.stream },
    ]) {
      const response = await read(query);
      expect({ query, status: response.status }).toEqual({ query, status: 404 });
      expect(await response.json()).toEqual({ error: 'no such secret' });
    }
  });

  it('serves every text at most 512 characters long, a longer one cut and marked', async () => {
    const clients = dialectClients(sandbox.engine);
    const strings = (value: unknown): string[] =>
      typeof value === 'string'
        ? [value]
        : typeof value === 'object' && value !== null
          ? Object.values(value).flatMap(strings)
          : [];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: undocumentedNameLimit }),
        fc.constantFrom('n', 'é', '😀', '字'),
        async (length, unit) => {
          const name = unit.repeat(length);
          const { _id: id } = await clients.liveapi!.create(name);
          const data = await overview();
          const shown = data.providers
            .find((provider) => provider.id === 'liveapi')
            ?.streams.find((stream) => stream.id === id)?.name;
          expect(shown).toBe(length <= overviewTextLimit ? name : `${unit.repeat(overviewTextLimit - 1)}…`);
          for (const text of strings(data))
            expect(codePointLength(text)).toBeLessThanOrEqual(overviewTextLimit);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('lists the webhook deliveries the sandbox made, newest first', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      received.push(request.url ?? '');
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      sandbox.webhooks.register('liveapi', `http://127.0.0.1:${port}/hooks`);
      const stream = await dialectClients(sandbox.engine).liveapi!.create('Announced');
      await sandbox.webhooks.settled();
      const { deliveries } = await overview();
      expect(received.length).toBeGreaterThan(0);
      expect(deliveries?.[0]).toMatchObject({
        provider: 'liveapi',
        streamId: stream._id,
        // A path of one segment may be an unsigned vendor's path secret: the dashboard shows none of it.
        url: `http://127.0.0.1:${port}/…`,
        status: 204,
      });
    } finally {
      receiver.close();
    }
  });
});
