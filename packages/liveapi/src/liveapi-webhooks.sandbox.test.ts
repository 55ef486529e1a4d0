import { createEventHub, createLiveStreamClient, NotFoundError, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { startSandbox } from '@unilive/sandbox';
import { sleepUntilWoken, startWebhookReceiver } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { liveapi } from './liveapi-provider.js';
import { parseWebhook } from './liveapi-webhooks.js';

// End to end: the sandbox sends LiveAPI's (unsigned) webhooks for a stream's life to a local handler that
// checks the path secret; a waitForBroadcast polling every 30 s, with a sleep that never ends by itself,
// ends on `stream-connected` (the API confirms: LiveAPI reports broadcasting_status).
describe('liveapi webhooks from the sandbox', () => {
  it('created, encoder connected → the broadcast wait ends, toggled, removed', async () => {
    const sandbox = await startSandbox();
    const provider = liveapi(sandbox.adapterSettings('liveapi'));
    const hub = createEventHub();
    const pathSecret = 'liveapi-sandbox-path-secret';
    const receiver = await startWebhookReceiver({
      hub,
      path: `/hooks/${pathSecret}`,
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret }),
    });
    try {
      sandbox.webhooks.register('liveapi', receiver.url);
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const stream = await client.create({ name: 'webhook e2e' });
      await sandbox.webhooks.settled();
      const waiting = client.waitForBroadcast(stream.id, {
        events: hub,
        intervalMs: 30_000,
        maxIntervalMs: 30_000,
      });
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(1);
      sandbox.setEncoder('liveapi', stream.id, true);
      expect((await waiting).broadcasting).toBe(true);
      await client.stop(stream.id);
      await client.delete(stream.id);
      await sandbox.webhooks.settled();
      expect(receiver.events.map((event) => [event.type, event.streamId, event.state ?? null])).toEqual([
        ['live_stream.created', stream.id, null],
        ['live_stream.connected', stream.id, null],
        ['live_stream.state_changed', stream.id, 'stopped'],
        // The simulated encoder is still marked on the stream: the delete cuts it.
        ['live_stream.disconnected', stream.id, null],
        ['live_stream.deleted', stream.id, null],
      ]);
      expect(receiver.statuses).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('the same change twice (an encoder back, a second stop) is heard twice, though the bodies are the same bytes', async () => {
    const sandbox = await startSandbox({ media: false });
    const hub = createEventHub();
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) => parseWebhook(input, { unsigned: true }),
    });
    try {
      sandbox.webhooks.register('liveapi', receiver.url);
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(liveapi(sandbox.adapterSettings('liveapi')), { container });
      const stream = await client.create({ name: 'comes back' });
      const latest = () =>
        hub
          .latest({ provider: 'liveapi', streamId: stream.id })
          .map((event) => [event.type, event.state ?? null]);
      sandbox.setEncoder('liveapi', stream.id, true);
      await sandbox.webhooks.settled();
      sandbox.setEncoder('liveapi', stream.id, false);
      await sandbox.webhooks.settled();
      expect(latest()).toEqual([['live_stream.disconnected', null]]);
      // Its polls sleep until woken: only the reconnect's delivery can end this wait.
      const waiting = client.waitForBroadcast(stream.id, { events: hub });
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(1);
      sandbox.setEncoder('liveapi', stream.id, true);
      expect((await waiting).broadcasting).toBe(true);
      await sandbox.webhooks.settled();
      expect(latest()).toEqual([['live_stream.connected', null]]);
      sandbox.setEncoder('liveapi', stream.id, false);
      await client.stop(stream.id);
      await client.start(stream.id);
      await client.stop(stream.id);
      await sandbox.webhooks.settled();
      expect(latest()).toEqual([
        ['live_stream.disconnected', null],
        ['live_stream.state_changed', 'stopped'],
      ]);
      const connected = receiver.events.filter((event) => event.type === 'live_stream.connected');
      const raws = connected.map((event) => JSON.stringify(event.raw));
      expect(raws).toHaveLength(2);
      expect(raws[1]).toBe(raws[0]);
      expect(new Set(connected.map((event) => event.id)).size).toBe(2);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('a stream deleted while an encoder publishes: disconnected names it, then deleted; the hub forgets it', async () => {
    const sandbox = await startSandbox({ media: false });
    const provider = liveapi(sandbox.adapterSettings('liveapi'));
    const hub = createEventHub();
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) => parseWebhook(input, { unsigned: true }),
    });
    try {
      sandbox.webhooks.register('liveapi', receiver.url);
      const client = createLiveStreamClient(provider);
      const stream = await client.create({ name: 'deleted live' });
      sandbox.setEncoder('liveapi', stream.id, true);
      await sandbox.webhooks.settled();
      expect(hub.latest({ provider: 'liveapi', streamId: stream.id }).map((event) => event.type)).toEqual([
        'live_stream.connected',
      ]);
      await client.delete(stream.id);
      await sandbox.webhooks.settled();
      expect(
        receiver.events.map((event) => [event.type, event.streamId, event.broadcasting ?? null]),
      ).toEqual([
        ['live_stream.created', stream.id, null],
        ['live_stream.connected', stream.id, true],
        ['live_stream.disconnected', stream.id, false],
        ['live_stream.deleted', stream.id, null],
      ]);
      // The disconnect carries the stream as it was, named and offline.
      expect(receiver.events[2]?.raw).toMatchObject({
        event: 'stream-disconnected',
        payload: { _id: stream.id, name: 'deleted live', broadcasting_status: 'offline' },
      });
      expect(hub.latest({ provider: 'liveapi', streamId: stream.id })).toEqual([]);
      expect(receiver.statuses).toEqual([200, 200, 200, 200]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('with confirm, a stream deleted while an encoder publishes: the disconnect passes as a delete (the API has no such stream), the hub forgets it, and a broadcast wait on it ends with NotFoundError', async () => {
    const sandbox = await startSandbox({ media: false });
    const provider = liveapi(sandbox.adapterSettings('liveapi'));
    const hub = createEventHub();
    const pathSecret = 'liveapi-sandbox-path-secret-2';
    const receiver = await startWebhookReceiver({
      hub,
      path: `/hooks/${pathSecret}`,
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret, confirm: provider }),
    });
    try {
      sandbox.webhooks.register('liveapi', receiver.url);
      const setup = createLiveStreamClient(provider);
      const stream = await setup.create({ name: 'deleted live' });
      // Each delivery re-read before the next change, so what the API says of it is fixed.
      await sandbox.webhooks.settled();
      sandbox.setEncoder('liveapi', stream.id, true);
      await sandbox.webhooks.settled();
      expect(
        hub
          .latest({ provider: 'liveapi', streamId: stream.id })
          .map((event) => [event.type, event.broadcasting]),
      ).toEqual([['live_stream.connected', true]]);
      // A wait for the video to stop, asleep while it arrives; its sleep never ends by itself.
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const ended = client
        .waitForBroadcast(stream.id, {
          events: hub,
          broadcasting: false,
          intervalMs: 30_000,
          maxIntervalMs: 30_000,
          timeoutMs: 600_000,
        })
        .then(
          () => 'resolved',
          (error: unknown) => error,
        );
      await expect.poll(() => sleep.count()).toBeGreaterThanOrEqual(1);
      await setup.delete(stream.id);
      await sandbox.webhooks.settled();
      // The disconnect, re-read after the delete, finds no stream: what it says (the video stopped) agrees
      // with the API, which has the last word, so it passes as a delete; then the vendor's own removal.
      expect(receiver.statuses).toEqual([200, 200, 200, 200]);
      expect(
        receiver.events.map((event) => [
          (event.raw as { event: string }).event,
          event.type,
          event.streamId,
          event.broadcasting,
          event.data,
        ]),
      ).toEqual([
        [
          'stream-created',
          'live_stream.created',
          stream.id,
          false,
          { vendorEvent: 'stream-created', confirmed: true },
        ],
        [
          'stream-connected',
          'live_stream.connected',
          stream.id,
          true,
          { vendorEvent: 'stream-connected', confirmed: true },
        ],
        [
          'stream-disconnected',
          'live_stream.deleted',
          stream.id,
          undefined,
          {
            vendorEvent: 'stream-disconnected',
            confirmed: true,
            claimed: { type: 'live_stream.disconnected', broadcasting: false },
          },
        ],
        [
          'stream-removed',
          'live_stream.deleted',
          stream.id,
          undefined,
          { vendorEvent: 'stream-removed', confirmed: true },
        ],
      ]);
      expect(hub.latest({ provider: 'liveapi', streamId: stream.id })).toEqual([]);
      // The disconnect woke the wait, whose poll read the stream gone.
      const error = await ended;
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as NotFoundError).status).toBe(404);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });
});
