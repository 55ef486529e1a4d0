import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { LiveStreamEvent } from '@unilive/core';
import { createWebhookKeyPair, createWebhookSecret, signWebhook } from '@unilive/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's webhook examples, verbatim, each receiving deliveries signed exactly as the vendor signs them.

const secret = createWebhookSecret();
const keyPair = await createWebhookKeyPair();
const pathSecret = 'example-path-secret-7f3a';
process.env.WOWZA_REALTIME_WEBHOOK_SECRET = secret;
process.env.VIDEOSDK_WEBHOOK_PUBLIC_KEY = keyPair.publicKey;
process.env.LIVEAPI_WEBHOOK_PATH_SECRET = pathSecret;

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

async function first(hub: { subscribe(): AsyncIterable<LiveStreamEvent> }, publish: () => Promise<void>) {
  const iterator = hub.subscribe()[Symbol.asyncIterator]();
  await publish();
  return (await iterator.next()).value as LiveStreamEvent;
}

describe('README webhook examples', () => {
  it.each(['express.ts', 'next-route.ts', 'hono.ts'])('%s is in the README, word for word', (file) => {
    const code = readFileSync(new URL(file, import.meta.url), 'utf8').trim();
    expect(readme).toContain(code);
  });

  describe('Express (raw body)', () => {
    let url = '';
    let close: () => Promise<void> = async () => {};
    let example: typeof import('./express.js');
    beforeAll(async () => {
      example = await import('./express.js');
      const server = example.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      close = () => new Promise((resolve) => server.close(() => resolve()));
    });
    afterAll(() => close());

    it('verifies a Millicast delivery and hands the event to the hub', async () => {
      example.streamIdsByName.set('sample_stream', 'rt5tr3am');
      const payload = {
        type: 'feeds',
        event: 'started',
        timestamp: Date.now(),
        data: { name: 'sample_stream' },
      };
      const { body, headers } = await signWebhook('wowza-realtime', payload, { secret });
      let status = 0;
      const event = await first(example.hub, async () => {
        status = (
          await fetch(`${url}/webhooks/wowza-realtime`, { method: 'POST', headers, body: body as string })
        ).status;
      });
      expect(status).toBe(200);
      expect(event).toMatchObject({
        type: 'live_stream.connected',
        streamId: 'rt5tr3am',
        broadcasting: true,
      });
    });

    it('refuses a tampered delivery with 400', async () => {
      const payload = {
        type: 'feeds',
        event: 'ended',
        timestamp: Date.now(),
        data: { name: 'sample_stream' },
      };
      const { body, headers } = await signWebhook('wowza-realtime', payload, { secret });
      const response = await fetch(`${url}/webhooks/wowza-realtime`, {
        method: 'POST',
        headers,
        body: (body as string).replace('ended', 'started'),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'bad-signature' });
    });

    it('the commonest mistake, express.json() first, is answered with what to do', async () => {
      const { createWebhookHandler } = await import('@unilive/core');
      const { parseWebhook } = await import('@unilive/wowza-realtime');
      const wrong = express();
      wrong.use(express.json());
      wrong.post(
        '/hooks',
        createWebhookHandler({
          parse: (input) => parseWebhook(input, { secret, resolveStreamId: () => 'x' }),
        }).node,
      );
      const server = wrong.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { body, headers } = await signWebhook(
          'wowza-realtime',
          { type: 'feeds', event: 'started', timestamp: Date.now(), data: { name: 'n' } },
          { secret },
        );
        const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, {
          method: 'POST',
          headers,
          body: body as string,
        });
        expect(response.status).toBe(400);
        const answer = (await response.json()) as { error: string; message: string };
        expect(answer.error).toBe('body-not-raw');
        expect(answer.message).toContain('express.raw({ type: "*/*" })');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('Next.js route handler', () => {
    it('POST verifies a videosdk delivery (the key pinned in the environment)', async () => {
      const { POST, hub } = await import('./next-route.js');
      const { body, headers } = await signWebhook(
        'videosdk',
        {
          webhookType: 'hls-playable',
          data: { meetingId: 'jvsg-8rjn-j304', playbackHlsUrl: 'https://cdn.example/i.m3u8' },
        },
        { privateKey: keyPair.privateKey },
      );
      let status = 0;
      const event = await first(hub, async () => {
        status = (
          await POST(new Request('https://app.example/webhooks/videosdk', { method: 'POST', headers, body }))
        ).status;
      });
      expect(status).toBe(200);
      expect(event).toMatchObject({
        type: 'live_stream.state_changed',
        streamId: 'jvsg-8rjn-j304',
        state: 'ready',
      });
      const forged = await signWebhook(
        'videosdk',
        { webhookType: 'hls-stopped', data: {} },
        {
          privateKey: (await createWebhookKeyPair()).privateKey,
        },
      );
      const refused = await POST(
        new Request('https://app.example/webhooks/videosdk', { method: 'POST', ...forged }),
      );
      expect(refused.status).toBe(400);
    });
  });

  describe('Hono', () => {
    it('accepts a LiveAPI delivery at the secret path only', async () => {
      const { app, hub } = await import('./hono.js');
      const payload = { event: 'stream-connected', payload: { _id: '620e0d57427ff4ddd764515f' } };
      const { body, headers } = await signWebhook('liveapi', payload);
      let status = 0;
      const event = await first(hub, async () => {
        status = (await app.request(`/webhooks/liveapi/${pathSecret}`, { method: 'POST', headers, body }))
          .status;
      });
      expect(status).toBe(200);
      expect(event).toMatchObject({ type: 'live_stream.connected', streamId: '620e0d57427ff4ddd764515f' });
      const guessed = await app.request('/webhooks/liveapi/guess', { method: 'POST', headers, body });
      expect(guessed.status).toBe(400);
      expect(await guessed.json()).toMatchObject({ error: 'bad-signature' });
    });
  });
});
