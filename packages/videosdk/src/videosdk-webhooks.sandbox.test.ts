import {
  createEventHub,
  createLiveStreamClient,
  type LiveStream,
  tokens,
  type WebhookVerificationError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { startSandbox } from '@unilive/sandbox';
import { signWebhook, sleepUntilWoken, startWebhookReceiver } from '@unilive/testing';
import { describe, expect, it, vi } from 'vitest';
import { videosdk } from './videosdk-provider.js';
import { parseWebhook, videosdkPublicKey } from './videosdk-webhooks.js';

// End to end: the sandbox's v2 dialect sends the vendor's `hls-*` webhooks, signed RSA-SHA256 with the key it
// serves at /v2/public/rsa-public-key, for a room the v2 adapter starts and stops. Each one verifies and
// normalises to the stream id the adapter returned (the room id, the webhook's `meetingId`), and a
// waitForState polling every 30 s, whose sleep never ends by itself, ends on them.
describe('videosdk v2 webhooks from the sandbox', () => {
  it('start, stop → hls-starting … hls-stopped, each about the stream the adapter made; the wait ends on them', async () => {
    const sandbox = await startSandbox({ transitionMs: 50 });
    const provider = videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' });
    const hub = createEventHub();
    // The key comes from the API root the adapter talks to, fetched once, as in production.
    const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) => parseWebhook(input, { keySource }),
    });
    try {
      sandbox.webhooks.register('videosdk', receiver.url);
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const stream = await client.create({ name: 'webhook e2e' });
      const waiting = client.waitForState(stream.id, 'ready', {
        events: hub,
        intervalMs: 30_000,
        maxIntervalMs: 30_000,
        timeoutMs: 600_000,
      });
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(1);
      await client.start(stream.id);
      const ready: LiveStream = await waiting;
      expect(ready.state).toBe('ready');
      await client.stop(stream.id);
      await client.waitForState(stream.id, 'stopped', {
        events: hub,
        intervalMs: 30_000,
        timeoutMs: 600_000,
      });
      await sandbox.webhooks.settled();
      expect(
        receiver.events.map((event) => [
          (event.raw as { webhookType: string }).webhookType,
          event.type,
          event.streamId,
          event.state,
        ]),
      ).toEqual([
        ['hls-starting', 'live_stream.state_changed', stream.id, 'starting'],
        // Started is the egress up with its URL, not yet playable: still starting.
        ['hls-started', 'live_stream.state_changed', stream.id, 'starting'],
        ['hls-playable', 'live_stream.state_changed', stream.id, 'ready'],
        ['hls-stopping', 'live_stream.state_changed', stream.id, 'stopping'],
        ['hls-stopped', 'live_stream.state_changed', stream.id, 'stopped'],
      ]);
      // The started and playable events name the HLS playback URL the stream reports; starting names none.
      // On the sandbox's own origin, with the vendor's path (the sandbox carries no room's media).
      expect(ready.playback[0]?.url).toMatch(
        new RegExp(
          `^${new URL(sandbox.url).origin}/media/videosdk/${stream.id}/meetings-hls/.+/index\\.m3u8$`,
        ),
      );
      expect(receiver.events.map((event) => event.data?.playbackUrl)).toEqual([
        undefined,
        ready.playback[0]?.url,
        ready.playback[0]?.url,
        undefined,
        undefined,
      ]);
      expect(receiver.statuses).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });
  it('a room deleted (deactivated) with its HLS playable: hls-stopping, hls-stopped; the hub has it stopped', async () => {
    const sandbox = await startSandbox({ transitionMs: 20, media: false });
    const provider = videosdk({ ...sandbox.adapterSettings('videosdk'), apiVersion: 'v2' });
    const hub = createEventHub();
    const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) => parseWebhook(input, { keySource }),
    });
    try {
      sandbox.webhooks.register('videosdk', receiver.url);
      const client = createLiveStreamClient(provider);
      const stream = await client.create({ name: 'deleted live' });
      await client.start(stream.id);
      await client.waitForState(stream.id, 'ready', { events: hub, intervalMs: 100 });
      await sandbox.webhooks.settled();
      const before = receiver.events.length;
      await client.delete(stream.id);
      await sandbox.webhooks.settled();
      expect(
        receiver.events
          .slice(before)
          .map((event) => [(event.raw as { webhookType: string }).webhookType, event.streamId, event.state]),
      ).toEqual([
        ['hls-stopping', stream.id, 'stopping'],
        ['hls-stopped', stream.id, 'stopped'],
      ]);
      // videosdk sends no webhook for a deactivated room: the egress's end is what ends the app's view.
      expect(hub.latest({ provider: 'videosdk', streamId: stream.id }).map((event) => event.state)).toEqual([
        'stopped',
      ]);
      expect(receiver.statuses.every((status) => status === 200)).toBe(true);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });
});

describe('videosdk webhooks with the environment pointing at a sandbox', () => {
  it('fetch the key from VIDEOSDK_BASE_URL, each API root its own, as the adapter talks to it', async () => {
    const [first, second] = [await startSandbox({ media: false }), await startSandbox({ media: false })];
    try {
      const deliveryOf = async (sandbox: typeof first) =>
        signWebhook(
          'videosdk',
          { webhookType: 'hls-started', data: { meetingId: 'room-1' } },
          { privateKey: (await sandbox.webhooks.keyPair()).privateKey },
        );
      const [fromFirst, fromSecond] = [await deliveryOf(first), await deliveryOf(second)];
      vi.stubEnv('VIDEOSDK_BASE_URL', first.baseUrl('videosdk'));
      expect((await parseWebhook(fromFirst)).map((event) => event.streamId)).toEqual(['room-1']);
      const refused = await parseWebhook(fromSecond).catch((error: unknown) => error);
      expect((refused as WebhookVerificationError).reason).toBe('bad-signature');
      vi.stubEnv('VIDEOSDK_BASE_URL', second.baseUrl('videosdk'));
      expect((await parseWebhook(fromSecond)).map((event) => event.streamId)).toEqual(['room-1']);
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([first.close(), second.close()]);
    }
  });
});
