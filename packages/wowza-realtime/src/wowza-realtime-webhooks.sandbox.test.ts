import { createEventHub, createLiveStreamClient, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { sleepUntilWoken, startWebhookReceiver } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { wowzaRealtime } from './wowza-realtime-provider.js';
import { parseWebhook, wowzaRealtimeStreamNames } from './wowza-realtime-webhooks.js';

// End to end: an encoder connects to a sandbox Real-Time stream; the sandbox sends Millicast's signed
// `feeds` webhook to a local handler, which resolves the stream name to the id; a waitForBroadcast that
// polls every 30 s (with a sleep that never ends by itself) ends on the event. The API cannot tell
// whether video arrives, so the event decides there.
// A sandbox whose Real-Time webhooks reach a local handler that names streams with one resolver, as the
// provider page sets it up (one `wowzaRealtimeStreamNames` for every delivery, refreshMs its default).
async function withResolvedWebhooks(
  run: (parts: {
    sandbox: Sandbox;
    hub: ReturnType<typeof createEventHub>;
    receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    client: ReturnType<typeof createLiveStreamClient>;
  }) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox({ media: false });
  const provider = wowzaRealtime(sandbox.adapterSettings('wowza-realtime'));
  const hub = createEventHub();
  const resolveStreamId = wowzaRealtimeStreamNames(provider);
  const receiver = await startWebhookReceiver({
    hub,
    parse: (input) => parseWebhook(input, { secret: sandbox.webhooks.secret, resolveStreamId }),
  });
  try {
    sandbox.webhooks.register('wowza-realtime', receiver.url);
    await run({ sandbox, hub, receiver, client: createLiveStreamClient(provider) });
  } finally {
    await receiver.close();
    await sandbox.close();
  }
}

describe('wowza-realtime webhooks from the sandbox', () => {
  it('encoder connected → feeds started → the broadcast wait ends; disconnected → feeds ended', async () => {
    const sandbox = await startSandbox();
    const provider = wowzaRealtime(sandbox.adapterSettings('wowza-realtime'));
    const hub = createEventHub();
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) =>
        parseWebhook(input, {
          secret: sandbox.webhooks.secret,
          resolveStreamId: wowzaRealtimeStreamNames(provider),
        }),
    });
    try {
      sandbox.webhooks.register('wowza-realtime', receiver.url);
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const stream = await client.create({ name: 'webhook e2e', recording: true });
      const waiting = client.waitForBroadcast(stream.id, {
        events: hub,
        intervalMs: 30_000,
        maxIntervalMs: 30_000,
      });
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(1);
      sandbox.setEncoder('wowza-realtime', stream.id, true);
      expect((await waiting).broadcasting).toBe(true);

      const stopped = client.waitForBroadcast(stream.id, {
        broadcasting: false,
        events: hub,
        intervalMs: 30_000,
        maxIntervalMs: 30_000,
      });
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(2);
      sandbox.setEncoder('wowza-realtime', stream.id, false);
      expect((await stopped).broadcasting).toBe(false);
      await client.stop(stream.id);
      await sandbox.webhooks.settled();
      expect(receiver.events.map((event) => [event.type, event.streamId])).toEqual([
        ['live_stream.connected', stream.id],
        ['live_stream.disconnected', stream.id],
        ['live_stream.recording_ready', stream.id],
      ]);
      expect(receiver.statuses).toEqual([200, 200, 200]);
      // Millicast retries nothing: one delivery per change.
      expect(sandbox.webhooks.deliveries().map((delivery) => delivery.event)).toEqual([
        'feeds.started',
        'feeds.ended',
        'media.completed',
      ]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('a stream made after the resolver walked: its first feeds event names it, and its broadcast wait ends', async () => {
    // The provider page's set-up: one resolver for every delivery, its refreshMs the default 30 s.
    await withResolvedWebhooks(async ({ sandbox, hub, receiver, client }) => {
      const wait = { events: hub, intervalMs: 30_000, maxIntervalMs: 30_000, timeoutMs: 60_000 };
      // Each stream goes live a moment after it is made, as an application's encoders do.
      const streams = [];
      for (const name of ['zq first', 'zq second', 'zq third']) {
        const stream = await client.create({ name });
        streams.push(stream);
        const waiting = client.waitForBroadcast(stream.id, wait);
        sandbox.setEncoder('wowza-realtime', stream.id, true);
        expect((await waiting).broadcasting).toBe(true);
      }
      await sandbox.webhooks.settled();
      expect(receiver.events.map((event) => [event.type, event.streamId])).toEqual(
        streams.map((stream) => ['live_stream.connected', stream.id]),
      );
    });
  });

  it("a stream deleted as another goes live: the other's walk no longer lists it, and its feed's end still names it", async () => {
    await withResolvedWebhooks(async ({ sandbox, hub, receiver, client }) => {
      const first = await client.create({ name: 'zq deleted' });
      sandbox.setEncoder('wowza-realtime', first.id, true);
      await sandbox.webhooks.settled();
      const second = await client.create({ name: 'zq goes live' });
      // The second's first event walks the account; the first is deleted meanwhile, its feed ending.
      sandbox.setEncoder('wowza-realtime', second.id, true);
      await client.delete(first.id);
      await sandbox.webhooks.settled();
      expect(receiver.events.map((event) => [event.type, event.streamId])).toEqual([
        ['live_stream.connected', first.id],
        ['live_stream.connected', second.id],
        ['live_stream.disconnected', first.id],
      ]);
      expect(
        hub.latest({ provider: 'wowza-realtime', streamId: first.id }).map((event) => event.broadcasting),
      ).toEqual([false]);
    });
  });

  it('a stream deleted while an encoder publishes: feeds ended names it, and the hub no longer has it broadcasting', async () => {
    // One resolver for every delivery: it remembers the names it has read, so it still names a stream
    // that is gone by the time its feed's end arrives (a walk made then would no longer find it).
    await withResolvedWebhooks(async ({ sandbox, hub, receiver, client }) => {
      const stream = await client.create({ name: 'deleted live' });
      sandbox.setEncoder('wowza-realtime', stream.id, true);
      expect((await client.waitForBroadcast(stream.id, { events: hub, intervalMs: 100 })).broadcasting).toBe(
        true,
      );
      await client.delete(stream.id);
      await sandbox.webhooks.settled();
      // Real-Time sends no delete event: the feed's end is all that tells an app the stream is gone.
      expect(receiver.events.map((event) => [event.type, event.streamId, event.broadcasting])).toEqual([
        ['live_stream.connected', stream.id, true],
        ['live_stream.disconnected', stream.id, false],
      ]);
      expect(
        hub
          .latest({ provider: 'wowza-realtime', streamId: stream.id })
          .map((event) => [event.type, event.broadcasting]),
      ).toEqual([['live_stream.disconnected', false]]);
      expect(receiver.statuses).toEqual([200, 200]);
    });
  });

  it('a handler with another secret refuses every delivery (400), and nothing reaches the hub', async () => {
    const sandbox = await startSandbox();
    const provider = wowzaRealtime(sandbox.adapterSettings('wowza-realtime'));
    const hub = createEventHub();
    const seen = hub.subscribe();
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) =>
        parseWebhook(input, {
          secret: Buffer.from('another secret').toString('base64'),
          resolveStreamId: () => 'x',
        }),
    });
    try {
      sandbox.webhooks.register('wowza-realtime', receiver.url);
      const stream = await createLiveStreamClient(provider).create({ name: 'refused' });
      sandbox.setEncoder('wowza-realtime', stream.id, true);
      await sandbox.webhooks.settled();
      expect(receiver.statuses).toEqual([400]);
      seen.close();
      const received = [];
      for await (const event of seen) received.push(event);
      expect(received).toEqual([]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });
});
