import {
  createEventHub,
  createLiveStreamClient,
  type LiveStream,
  NotFoundError,
  tokens,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { startSandbox } from '@unilive/sandbox';
import { sleepUntilWoken, startWebhookReceiver } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { wowzaVideo } from './wowza-video-provider.js';
import { parseWebhook } from './wowza-video-webhooks.js';

// End to end: the sandbox sends Wowza's (legacy) webhooks for a stream it starts, to a local handler that
// checks the path secret and confirms each event over the API; a waitForState that polls every 30 s ends
// on the webhook, for `ready` after a start and for `stopped` after a stop. Its sleep never ends by itself, so ending at all proves the event woke it.
describe('wowza-video webhooks from the sandbox', () => {
  it('start → start.requested, start.complete; stop → stop.requested, stop.complete: each wait polling every 30 s ends on the event', async () => {
    const sandbox = await startSandbox({ transitionMs: 50 });
    const provider = wowzaVideo(sandbox.adapterSettings('wowza-video'));
    const hub = createEventHub();
    const pathSecret = 'sandbox-path-secret-0001';
    const receiver = await startWebhookReceiver({
      path: `/webhooks/${pathSecret}`,
      hub,
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret, confirm: provider }),
    });
    try {
      // Registered through the control API, as `unilive sandbox --webhook wowza-video=URL` does.
      const registered = await fetch(`${sandbox.url}/_sandbox/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'wowza-video', url: receiver.url }),
      });
      expect(registered.status).toBe(201);
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const stream = await client.create({ name: 'webhook e2e', ingestProtocol: 'rtmp' });
      // The wait starts on a stopped stream and sleeps; its sleep never ends by itself.
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
      await sandbox.webhooks.settled();
      expect(
        receiver.events.map((event) => [(event.raw as { event: string }).event, event.type, event.streamId]),
      ).toEqual([
        ['start.requested', 'live_stream.state_changed', stream.id],
        ['start.complete', 'live_stream.state_changed', stream.id],
      ]);
      expect(receiver.events.at(-1)?.state).toBe('ready');
      // Confirmed over the API: the state is what the API said when the event arrived.
      expect(receiver.events.every((event) => event.data?.confirmed === true)).toBe(true);
      expect(receiver.statuses).toEqual([200, 200]);
      expect(sandbox.webhooks.deliveries().map((delivery) => [delivery.event, delivery.status])).toEqual([
        ['start.requested', 200],
        ['start.complete', 200],
      ]);

      // Stop: the wait for `stopped`, asleep on a ready stream, ends on stop.complete, and the hub's latest
      // state for the stream is `stopped`.
      const sleeps = sleep.count();
      const stopping = client.waitForState(stream.id, 'stopped', {
        events: hub,
        intervalMs: 30_000,
        maxIntervalMs: 30_000,
        timeoutMs: 600_000,
      });
      await expect.poll(() => sleep.count()).toBeGreaterThan(sleeps);
      await client.stop(stream.id);
      expect((await stopping).state).toBe('stopped');
      await sandbox.webhooks.settled();
      // Both confirmed over the API, which already says `stopped` (Wowza's stop answers `stopped` at once).
      expect(
        receiver.events.slice(2).map((event) => [(event.raw as { event: string }).event, event.state]),
      ).toEqual([
        ['stop.requested', 'stopped'],
        ['stop.complete', 'stopped'],
      ]);
      expect(
        hub.latest({ provider: 'wowza-video', streamId: stream.id }).map((event) => event.state),
      ).toEqual(['stopped']);
      expect(receiver.statuses).toEqual([200, 200, 200, 200]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('a started stream deleted (an encoder on it) stops first: stop.requested, stop.complete; the hub has it stopped', async () => {
    const sandbox = await startSandbox({ transitionMs: 20, media: false });
    const provider = wowzaVideo(sandbox.adapterSettings('wowza-video'));
    const hub = createEventHub();
    const receiver = await startWebhookReceiver({
      hub,
      parse: (input) => parseWebhook(input, { unsigned: true }),
    });
    try {
      sandbox.webhooks.register('wowza-video', receiver.url);
      const client = createLiveStreamClient(provider);
      const stream = await client.create({ name: 'deleted live', ingestProtocol: 'rtmp' });
      await client.start(stream.id);
      await client.waitForState(stream.id, 'ready', { events: hub, intervalMs: 100 });
      sandbox.setEncoder('wowza-video', stream.id, true);
      await client.delete(stream.id);
      await sandbox.webhooks.settled();
      expect(
        receiver.events.map((event) => [(event.raw as { event: string }).event, event.streamId, event.state]),
      ).toEqual([
        ['start.requested', stream.id, 'starting'],
        ['start.complete', stream.id, 'ready'],
        ['stop.requested', stream.id, 'stopping'],
        ['stop.complete', stream.id, 'stopped'],
      ]);
      // Wowza Video sends no delete event: the stop is what ends the app's view of the stream.
      expect(
        hub.latest({ provider: 'wowza-video', streamId: stream.id }).map((event) => event.state),
      ).toEqual(['stopped']);
      expect(receiver.statuses).toEqual([200, 200, 200, 200]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('with confirm, a started stream deleted: its stop passes as deletes (the API has no such stream), the hub forgets it, and a wait on it ends with NotFoundError', async () => {
    const sandbox = await startSandbox({ transitionMs: 20, media: false });
    const provider = wowzaVideo(sandbox.adapterSettings('wowza-video'));
    const hub = createEventHub();
    const pathSecret = 'sandbox-path-secret-0002';
    const receiver = await startWebhookReceiver({
      path: `/webhooks/${pathSecret}`,
      hub,
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret, confirm: provider }),
    });
    try {
      sandbox.webhooks.register('wowza-video', receiver.url);
      const setup = createLiveStreamClient(provider);
      const stream = await setup.create({ name: 'deleted live', ingestProtocol: 'rtmp' });
      await setup.start(stream.id);
      await setup.waitForState(stream.id, 'ready', { events: hub, intervalMs: 100 });
      sandbox.setEncoder('wowza-video', stream.id, true);
      await sandbox.webhooks.settled();
      expect(
        hub.latest({ provider: 'wowza-video', streamId: stream.id }).map((event) => event.state),
      ).toEqual(['ready']);
      // A wait for the stream to stop, asleep on the running stream; its sleep never ends by itself.
      const sleep = sleepUntilWoken();
      const container = createContainer();
      container.register(tokens.sleep, { useValue: sleep });
      const client = createLiveStreamClient(provider, { container });
      const ended = client
        .waitForState(stream.id, 'stopped', {
          events: hub,
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
      // Re-read after the delete, each part of the stop finds no stream (410): what they say (it stopped)
      // agrees with the API, which has the last word: each passes as a delete of the stream.
      expect(receiver.statuses).toEqual([200, 200, 200, 200]);
      expect(
        receiver.events
          .slice(2)
          .map((event) => [
            (event.raw as { event: string }).event,
            event.type,
            event.streamId,
            event.state,
            event.data,
          ]),
      ).toEqual([
        [
          'stop.requested',
          'live_stream.deleted',
          stream.id,
          undefined,
          {
            vendorEvent: 'stop.requested',
            objectType: 'transcoder',
            confirmed: true,
            claimed: { type: 'live_stream.state_changed', state: 'stopping' },
          },
        ],
        [
          'stop.complete',
          'live_stream.deleted',
          stream.id,
          undefined,
          {
            vendorEvent: 'stop.complete',
            objectType: 'transcoder',
            confirmed: true,
            claimed: { type: 'live_stream.state_changed', state: 'stopped' },
          },
        ],
      ]);
      // The hub no longer has the stream running, or at all.
      expect(hub.latest({ provider: 'wowza-video', streamId: stream.id })).toEqual([]);
      // The first of them woke the wait, whose poll read the stream gone.
      const error = await ended;
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as NotFoundError).status).toBe(410);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });

  it('a delivery to a URL without the path secret is refused with 400', async () => {
    const sandbox = await startSandbox({ transitionMs: 20 });
    const provider = wowzaVideo(sandbox.adapterSettings('wowza-video'));
    const receiver = await startWebhookReceiver({
      path: '/webhooks/wrong',
      parse: (input) => parseWebhook(input, { unsigned: true, pathSecret: 'the-right-one' }),
    });
    try {
      sandbox.webhooks.register('wowza-video', receiver.url);
      const client = createLiveStreamClient(provider);
      const stream = await client.create({ name: 'refused', ingestProtocol: 'rtmp' });
      await client.start(stream.id);
      await client.waitForState(stream.id, 'ready', { intervalMs: 100 });
      await sandbox.webhooks.settled();
      expect(receiver.statuses).toEqual([400, 400]);
      expect(receiver.events).toEqual([]);
    } finally {
      await receiver.close();
      await sandbox.close();
    }
  });
});
