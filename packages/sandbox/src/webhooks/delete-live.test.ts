import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '@unilive/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../server.js';

// A stream deleted while it runs, or while an encoder publishes to it: the webhooks the sandbox sends then,
// exactly, as a receiver gets them. No vendor documents them (the provider pages' "a stream deleted while
// live" notes): the sandbox sends what the vendor sends when the publisher goes away or the stream stops,
// built from the stream as it was before it went, so an app that heard the stream go live hears it end.

type Body = Record<string, unknown>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sandbox with one receiver per provider (`/hooks/<provider>`), and calls signed as each vendor wants. */
async function setup(transitionMs = 20) {
  const received: { provider: string; body: Body }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        provider: (request.url ?? '').split('/')[2] ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body,
      });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const box: Sandbox = await startSandbox({ transitionMs, media: false });
  cleanups.push(() => box.close());
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const provider of ['wowza-video', 'wowza-realtime', 'liveapi', 'videosdk'] as const) {
    box.webhooks.register(provider, `${origin}/hooks/${provider}`);
  }

  const authorization = (provider: ProviderId): string => {
    const credentials = box.credentials(provider);
    if (provider === 'liveapi') {
      return `Basic ${Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64')}`;
    }
    if (provider === 'videosdk') {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        apikey: credentials.apiKey,
        permissions: ['allow_join', 'allow_mod'],
        version: 2,
        roles: ['crawler'],
        iat: now,
        exp: now + 600,
      };
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
      const signature = createHmac('sha256', credentials.secret ?? '')
        .update(input)
        .digest('base64url');
      return `${input}.${signature}`;
    }
    return `Bearer ${credentials.token}`;
  };
  const call = async (provider: ProviderId, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${box.baseUrl(provider)}${path}`, {
      method,
      headers: { authorization: authorization(provider), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  /** Every delivery to `provider` since `from`, once the sandbox has sent all it queued. */
  const since = async (provider: string, from: number) => {
    await box.webhooks.settled();
    return received.slice(from).filter((delivery) => delivery.provider === provider);
  };
  /** How many deliveries arrived, once the sandbox has sent all it queued. */
  const mark = async () => {
    await box.webhooks.settled();
    return received.length;
  };
  return { box, call, received, since, mark };
}

// Polls `check` until it holds: the sandbox's timed transitions end when they end.
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  await expect.poll(check, { timeout: 5_000, interval: 5 }).toBe(true);
}

// The vendor's name for a delivery: Real-Time's is `<type>.<event>`, Wowza Video's and LiveAPI's `event`.
const nameOf = (body: Body) =>
  String(body.webhookType ?? (body.type === undefined ? body.event : `${body.type}.${body.event}`));

describe('a stream deleted while live: the deliveries', () => {
  it('Wowza Video: a started stream (an encoder on it or not) stops first: stop.requested, stop.complete of its uptime', async () => {
    for (const encoder of [false, true]) {
      const { box, call, since, mark } = await setup();
      const created = await call('wowza-video', 'POST', '/live_streams', {
        live_stream: { name: 'live', broadcast_location: 'eu_germany', encoder: 'other_rtmp' },
      });
      const id = String((created.body.live_stream as Body).id);
      await call('wowza-video', 'PUT', `/live_streams/${id}/start`);
      await until(async () => {
        const state = await call('wowza-video', 'GET', `/live_streams/${id}/state`);
        return (state.body.live_stream as Body).state === 'started';
      });
      if (encoder) box.setEncoder('wowza-video', id, true);
      const started = await since('wowza-video', 0);
      expect(started.map(({ body }) => nameOf(body))).toEqual(['start.requested', 'start.complete']);
      const uptime = ((started[1]?.body.object_data ?? {}) as Body).uptime_id;
      const from = await mark();

      expect((await call('wowza-video', 'DELETE', `/live_streams/${id}`)).status).toBe(204);
      const after = await since('wowza-video', from);
      expect(
        after.map(({ body }) => [body.event, body.object_type, body.object_id, body.object_data]),
      ).toEqual([
        ['stop.requested', 'transcoder', id, { uptime_id: uptime, reference_id: 'null' }],
        ['stop.complete', 'transcoder', id, { uptime_id: uptime }],
      ]);
      expect((await call('wowza-video', 'GET', `/live_streams/${id}`)).status).toBe(410);

      // A stopped stream deleted sends nothing: Wowza Video has no delete event.
      const stopped = await call('wowza-video', 'POST', '/live_streams', {
        live_stream: { name: 'stopped', broadcast_location: 'eu_germany', encoder: 'other_rtmp' },
      });
      const before = await mark();
      await call('wowza-video', 'DELETE', `/live_streams/${String((stopped.body.live_stream as Body).id)}`);
      expect(await since('wowza-video', before)).toEqual([]);
    }
  });

  it('Wowza Video: a stream still starting stops too, and never completes its start', async () => {
    const { call, since } = await setup(60_000);
    const created = await call('wowza-video', 'POST', '/live_streams', {
      live_stream: { name: 'starting', broadcast_location: 'eu_germany', encoder: 'other_rtmp' },
    });
    const id = String((created.body.live_stream as Body).id);
    await call('wowza-video', 'PUT', `/live_streams/${id}/start`);
    await call('wowza-video', 'DELETE', `/live_streams/${id}`);
    expect((await since('wowza-video', 0)).map(({ body }) => body.event)).toEqual([
      'start.requested',
      'stop.requested',
      'stop.complete',
    ]);
  });

  it('Wowza Real-Time: an encoder publishing ends its feed (feeds.ended naming the stream, as when it leaves)', async () => {
    const { box, call, since, mark } = await setup();
    const make = async (name: string) => {
      const created = await call('wowza-realtime', 'POST', '/real_time', { real_time_stream: { name } });
      return created.body.real_time_stream as Body;
    };
    // The reference: an encoder that leaves by itself.
    const left = await make('left');
    box.setEncoder('wowza-realtime', String(left.id), true);
    box.setEncoder('wowza-realtime', String(left.id), false);
    const [, reference] = await since('wowza-realtime', 0);

    const deleted = await make('deleted');
    const id = String(deleted.id);
    const from = await mark();
    box.setEncoder('wowza-realtime', id, true);
    const [feedStarted] = await since('wowza-realtime', from);
    expect(feedStarted?.body).toMatchObject({ type: 'feeds', event: 'started' });
    const afterStart = await mark();
    expect((await call('wowza-realtime', 'DELETE', `/real_time/${id}`)).status).toBe(204);
    const after = await since('wowza-realtime', afterStart);
    expect(after.map(({ body }) => nameOf(body))).toEqual(['feeds.ended']);
    const ended = after[0]?.body as Body;
    const data = ended.data as Body;
    expect(Object.keys(ended)).toEqual(Object.keys(reference?.body ?? {}));
    expect(Object.keys(data)).toEqual(Object.keys((reference?.body.data ?? {}) as Body));
    const feed = (feedStarted?.body.data ?? {}) as Body;
    expect(data).toEqual({
      feedId: feed.feedId,
      accountId: feed.accountId,
      name: deleted.stream_name,
      streamId: `${feed.accountId}/${deleted.stream_name}`,
      // The feed's start, as its feeds.started gave it: every Feeds Hooks event carries `started`.
      started: feed.started,
      active: false,
      ended: expect.any(Number),
    });
    expect(feed.started).toEqual(expect.any(Number));

    // Without an encoder a delete sends nothing: Real-Time has no delete event.
    const quiet = await make('quiet');
    const before = await mark();
    await call('wowza-realtime', 'DELETE', `/real_time/${String(quiet.id)}`);
    expect(await since('wowza-realtime', before)).toEqual([]);
  });

  it('LiveAPI: an encoder publishing: stream-disconnected with the stream (as it was, offline), then stream-removed', async () => {
    for (const encoder of [false, true]) {
      const { box, call, since, mark } = await setup();
      const created = await call('liveapi', 'POST', '/live_streams', { name: 'live' });
      const id = String(created.body._id);
      if (encoder) box.setEncoder('liveapi', id, true);
      await box.webhooks.settled();
      const before = (await call('liveapi', 'GET', `/live_streams/${id}`)).body;
      expect(before.broadcasting_status).toBe(encoder ? 'online' : 'offline');
      const from = await mark();
      expect((await call('liveapi', 'DELETE', `/live_streams/${id}`)).status).toBe(200);
      const after = await since('liveapi', from);
      // The stream as a read shows it once its encoder is gone: offline, without the pull URLs of a live one.
      const stream = {
        ...Object.fromEntries(Object.entries(before).filter(([key]) => key !== 'pull_urls')),
        broadcasting_status: 'offline',
      };
      expect(after.map(({ body }) => body)).toEqual([
        ...(encoder ? [{ event: 'stream-disconnected', payload: stream }] : []),
        { event: 'stream-removed', payload: stream },
      ]);
    }
  });

  it('videosdk v2: a room deactivated with its HLS running (starting or playable) sends hls-stopping, hls-stopped', async () => {
    const cases: { transitionMs: number; wait: string | undefined; expected: string[] }[] = [
      { transitionMs: 20, wait: 'hls-playable', expected: ['hls-stopping', 'hls-stopped'] },
      { transitionMs: 60_000, wait: undefined, expected: ['hls-stopping', 'hls-stopped'] },
    ];
    for (const { transitionMs, wait, expected } of cases) {
      const { call, received, since, mark } = await setup(transitionMs);
      const roomId = String((await call('videosdk', 'POST', '/v2/rooms', {})).body.roomId);
      await call('videosdk', 'POST', '/v2/hls/start', { roomId });
      if (wait) await until(() => received.some(({ body }) => body.webhookType === wait));
      const started = await since('videosdk', 0);
      const sessionId = ((started[0]?.body.data ?? {}) as Body).sessionId;
      const from = await mark();
      expect((await call('videosdk', 'POST', '/v2/rooms/deactivate', { roomId })).status).toBe(200);
      const after = await since('videosdk', from);
      expect(after.map(({ body }) => body)).toEqual(
        expected.map((webhookType) => ({ webhookType, data: { meetingId: roomId, sessionId } })),
      );
    }
  });

  it('videosdk v2: a room deactivated while its HLS is stopping sends hls-stopped at once, and only once', async () => {
    const { call, since, mark } = await setup(60_000);
    const roomId = String((await call('videosdk', 'POST', '/v2/rooms', {})).body.roomId);
    await call('videosdk', 'POST', '/v2/hls/start', { roomId });
    await call('videosdk', 'POST', '/v2/hls/end', { roomId });
    const from = await mark();
    await call('videosdk', 'POST', '/v2/rooms/deactivate', { roomId });
    expect((await since('videosdk', from)).map(({ body }) => body.webhookType)).toEqual(['hls-stopped']);
    // A room without HLS running deactivated: nothing (videosdk has no webhook for it).
    const quiet = String((await call('videosdk', 'POST', '/v2/rooms', {})).body.roomId);
    const before = await mark();
    await call('videosdk', 'POST', '/v2/rooms/deactivate', { roomId: quiet });
    expect(await since('videosdk', before)).toEqual([]);
  });
});
