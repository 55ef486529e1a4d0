import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectClients } from '../../test/dialect-clients.js';
import {
  eventually,
  ffmpeg,
  firstSegment,
  reportMissingFfmpeg,
  testPush,
  watchChanges,
  whilePushing,
} from '../../test/media-helpers.js';
import { liveapiDialect } from '../dialects/liveapi.js';
import { startSandbox } from '../server.js';
import type { SandboxLogEntry } from '../types.js';

reportMissingFfmpeg('the RTMP ingest tests');

type Body = Record<string, unknown>;

async function open(options: Parameters<typeof startSandbox>[0] = {}) {
  const logs: SandboxLogEntry[] = [];
  const sandbox = await startSandbox({ transitionMs: 20, log: (entry) => logs.push(entry), ...options });
  return { sandbox, logs, clients: dialectClients(sandbox.engine), changes: watchChanges(sandbox) };
}

// How many times a stream's HLS packaging has ended, by the sandbox's log.
const packagedEnds = (logs: readonly SandboxLogEntry[], id: string) =>
  logs.filter((line) => line.streamId === id && line.message.startsWith('HLS packaging ended')).length;

const liveapiTarget = (stream: Body) => {
  const ingest = stream.ingest as { server: string; key: string };
  return { url: `${ingest.server}/${ingest.key}` };
};

describe.skipIf(!ffmpeg)('RTMP ingest: the publish an encoder makes with what the API returned', () => {
  let context: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    context = await open();
  });
  afterAll(async () => {
    await context.sandbox.close();
  });

  it('goes live at the first media message, serves HLS with CORS, and goes offline the moment it leaves', async () => {
    const { sandbox, clients, changes, logs } = context;
    const stream = await clients.liveapi!.create('Live show');
    const id = String(stream._id);
    expect((stream.ingest as { server: string }).server).toBe(`${sandbox.ingestUrl}/static`);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush(liveapiTarget(stream));
    expect((await whilePushing(push, connected, logs)).record).toMatchObject({
      broadcasting_status: 'online',
    });
    expect(await clients.liveapi!.get(id)).toMatchObject({ broadcasting_status: 'online' });
    const publisher = sandbox.publisher('liveapi', id);
    expect(publisher).toMatchObject({ width: 320, height: 180, videoCodec: 'h264', audioCodec: 'aac' });
    expect(publisher?.firstPacketAt).toBeGreaterThanOrEqual(
      publisher?.connectedAt ?? Number.POSITIVE_INFINITY,
    );

    const hlsUrl = (stream.playback as { hls_url: string }).hls_url;
    expect(hlsUrl).toBe(`${sandbox.url}/media/liveapi/${id}/index.m3u8`);
    const { playlist, text, segment } = await whilePushing(push, firstSegment(hlsUrl), logs);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('access-control-allow-origin')).toBe('*');
    expect(playlist.headers.get('cache-control')).toBe('no-cache');
    expect(text.startsWith('#EXTM3U')).toBe(true);
    const media = await fetch(new URL(segment, hlsUrl));
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('video/mp2t');
    expect(media.headers.get('access-control-allow-origin')).toBe('*');
    // MPEG-TS packets start with the sync byte 0x47.
    expect(new Uint8Array(await media.arrayBuffer())[0]).toBe(0x47);
    const preflight = await fetch(hlsUrl, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');

    const disconnected = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === id);
    push.stop();
    expect((await disconnected).record).toMatchObject({ broadcasting_status: 'offline' });
    expect(await clients.liveapi!.get(id)).toMatchObject({ broadcasting_status: 'offline' });
    expect(sandbox.publisher('liveapi', id)).toBeUndefined();
    expect((await push.done).ok).toBe(true);
  });

  it('keeps a real publisher connected: the simulated encoder cannot mark it gone while it publishes', async () => {
    const { sandbox, clients, changes, logs } = context;
    const stream = await clients.liveapi!.create('Really live');
    const id = String(stream._id);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush(liveapiTarget(stream), { durationSeconds: 30 });
    await whilePushing(push, connected, logs);
    const disconnects = () =>
      changes.seen.filter((change) => change.kind === 'encoder-disconnected' && change.id === id).length;
    const put = (connected: boolean) =>
      fetch(`${sandbox.url}/_sandbox/encoders/liveapi/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ connected }),
      });
    const refused = await put(false);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/real encoder is publishing/);
    expect(() => sandbox.setEncoder('liveapi', id, false)).toThrow(
      expect.objectContaining({ name: 'ConflictError', operation: 'setEncoder', provider: 'liveapi' }),
    );
    // Connecting what is connected changes nothing.
    expect((await put(true)).status).toBe(200);
    expect(await clients.liveapi!.get(id)).toMatchObject({ broadcasting_status: 'online' });
    expect(disconnects()).toBe(0);
    const disconnected = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === id);
    push.stop();
    await disconnected;
    // Once it has gone, the simulated encoder is the sandbox's again.
    expect((await put(true)).status).toBe(200);
    expect((await put(false)).status).toBe(200);
    expect(await clients.liveapi!.get(id)).toMatchObject({ broadcasting_status: 'offline' });
    await push.done;
  });

  it('keeps a segment that just left the playlist fetchable, and removes it once its time has passed', async () => {
    // RFC 8216 §6.2.2: a segment removed from the playlist stays available for its duration plus the
    // playlist's (about seven seconds here), so a player that read the playlist a moment ago, or fell behind,
    // never meets a 404; when that is, the unit tests of SegmentRetention check. Here: every segment seen
    // leaving the playlist is still served the moment it is seen gone, and each is removed after.
    const { clients, changes, logs } = context;
    const stream = await clients.liveapi!.create('Long enough to slide');
    const id = String(stream._id);
    const hlsUrl = (stream.playback as { hls_url: string }).hls_url;
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush(liveapiTarget(stream), { durationSeconds: 10 });
    await whilePushing(push, connected, logs);
    const status = async (name: string) => {
      const response = await fetch(new URL(name, hlsUrl));
      await response.arrayBuffer();
      return response.status;
    };
    const left: { name: string; status: number }[] = [];
    let listed: string[] = [];
    let pushing = true;
    void push.done.then(() => {
      pushing = false;
    });
    while (pushing) {
      const text = await (await fetch(hlsUrl)).text();
      const now = text.split('\n').filter((line) => line.endsWith('.ts'));
      for (const name of listed.filter((name) => !now.includes(name)))
        left.push({ name, status: await status(name) });
      listed = now.length > 0 ? now : listed;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await push.done).ok).toBe(true);
    expect(left.length).toBeGreaterThan(0);
    expect(left).toEqual(left.map(({ name }) => ({ name, status: 200 })));
    // And then they go: the disk use stays bounded.
    for (const { name } of left)
      expect(await eventually(async () => ((await status(name)) === 404 ? name : undefined))).toBe(name);
  });

  it('refuses every publish that lacks the stream’s credentials or finds it refusing video, and logs why without the key', async () => {
    const { sandbox, clients, changes, logs } = context;
    const liveapi = clients.liveapi!;
    const wowza = clients['wowza-video']!;
    const realtime = clients['wowza-realtime']!;
    const enabled = await liveapi.create('Enabled');
    const disabled = await liveapi.create('Disabled', { enabled: false });
    const deleted = await liveapi.create('Deleted');
    await liveapi.delete(String(deleted._id));
    const stoppedWowza = await wowza.create('Stopped', { username: 'pusher', password: 'pw-1234' });
    const wowzaSource = stoppedWowza.source_connection_information as Body;
    const stoppedRealtime = await realtime.create('Stopped');
    await realtime.stop?.(String(stoppedRealtime.id));
    const goodRealtime = await realtime.create('Started');
    const key = (stream: Body) => (stream.ingest as { key: string }).key;
    const base = `${sandbox.ingestUrl}`;
    const wowzaUrl = `${base}/${wowzaSource.application}/${wowzaSource.stream_name}`;
    const cases: { what: string; url: string; username?: string; password?: string; reason: string }[] = [
      {
        what: 'unknown stream key',
        url: `${base}/static/lv_${'0'.repeat(32)}?password=00000000`,
        reason: 'unknown stream key',
      },
      {
        what: 'key without its password',
        url: `${base}/static/${key(enabled).split('?')[0]}`,
        reason: 'wrong stream key password',
      },
      { what: 'disabled stream', url: liveapiTarget(disabled).url, reason: 'the stream is disabled' },
      { what: 'deleted stream', url: liveapiTarget(deleted).url, reason: 'unknown stream key' },
      {
        what: 'stopped Wowza stream',
        url: wowzaUrl,
        username: 'pusher',
        password: 'pw-1234',
        reason: 'the stream is stopped',
      },
      {
        what: 'wrong push password',
        url: wowzaUrl,
        username: 'pusher',
        password: 'wrong-pw',
        reason: 'wrong push credentials',
      },
      { what: 'no push credentials', url: wowzaUrl, reason: 'push credentials asked for' },
      {
        what: 'stopped Real-Time stream',
        url: String(stoppedRealtime.rtmp_url),
        reason: 'the stream is stopped',
      },
      {
        what: 'wrong publish token',
        url: String(goodRealtime.rtmp_url).replace(/token=\w+/, `token=${'f'.repeat(64)}`),
        reason: 'wrong publish token',
      },
      {
        what: 'unknown application',
        url: `${base}/elsewhere/some-key`,
        reason: 'no stream is published at this address',
      },
    ];
    const before = changes.seen.length;
    const results = await Promise.all(
      cases.map(async (entry) => ({ entry, result: await testPush(entry, { durationSeconds: 5 }).done })),
    );
    for (const { entry, result } of results) {
      expect(result.ok, entry.what).toBe(false);
      // Cut before it sent a second of media.
      expect(result.seconds, entry.what).toBeLessThan(1);
      expect(
        logs.some((line) => line.message.includes(entry.reason)),
        `${entry.what} logged`,
      ).toBe(true);
    }
    expect(changes.seen.slice(before).filter((change) => change.kind === 'encoder-connected')).toEqual([]);
    const secrets = [
      key(enabled),
      key(disabled),
      key(deleted),
      String(goodRealtime.token),
      'pw-1234',
      'wrong-pw',
    ];
    for (const line of logs) for (const secret of secrets) expect(line.message).not.toContain(secret);
    for (const { result } of results)
      for (const secret of secrets) expect(result.error ?? '').not.toContain(secret);
  });

  it('a wait on a refused push ends with the refusal and the sandbox’s reason, not at the time limit', async () => {
    const { sandbox, logs } = context;
    const push = testPush({ url: `${sandbox.ingestUrl}/static/lv_${'1'.repeat(32)}?password=00000000` });
    // Never settles by itself: only the push ending can end this wait.
    const error = await whilePushing(push, new Promise<never>(() => {}), logs).catch(
      (caught: unknown) => caught,
    );
    expect(String(error)).toContain('the encoder ended before what the test waited for');
    expect(String(error)).toContain('publish refused: unknown stream key');
  });

  it('refuses a second publisher on the same key while the first goes on', async () => {
    const { sandbox, clients, changes, logs } = context;
    const stream = await clients.videosdk!.create('Shared key');
    const id = String(stream.id);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const first = testPush({ url: String(stream.upstreamUrl) });
    await whilePushing(first, connected, logs);
    const second = await testPush({ url: String(stream.upstreamUrl) }, { durationSeconds: 5 }).done;
    expect(second.ok).toBe(false);
    expect(second.error).toContain('the stream already has a publisher');
    expect(sandbox.publisher('videosdk', id)).toBeDefined();
    first.stop();
    expect((await first.done).ok).toBe(true);
  });

  it('serves a videosdk v1 stream’s HLS at its downstreamUrl, which names the stream key as the vendor’s does, until the stream is deleted', async () => {
    const { sandbox, clients, changes, logs } = context;
    const stream = await clients.videosdk!.create('Played by key');
    const id = String(stream.id);
    const key = String(stream.streamKey);
    // The vendor's path (`https://live.videosdk.live/live/<streamKey>/index.m3u8`) under the sandbox's media route.
    const hlsUrl = `${sandbox.url}/media/videosdk/live/${key}/index.m3u8`;
    expect(stream.downstreamUrl).toBe(hlsUrl);
    expect(stream.recordingUrl).toBe(`${sandbox.url}/media/videosdk/live/${key}/storage/index.m3u8`);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush({ url: String(stream.upstreamUrl) }, { durationSeconds: 60 });
    await whilePushing(push, connected, logs);
    const { playlist, text, segment } = await whilePushing(push, firstSegment(hlsUrl), logs);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('access-control-allow-origin')).toBe('*');
    expect(text.startsWith('#EXTM3U')).toBe(true);
    const segmentUrl = new URL(segment, hlsUrl).href;
    expect(segmentUrl.startsWith(`${sandbox.url}/media/videosdk/live/${key}/`)).toBe(true);
    const media = await fetch(segmentUrl);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('video/mp2t');
    expect(new Uint8Array(await media.arrayBuffer())[0]).toBe(0x47);
    // A key no stream has is a 404, as an unknown id is, while this stream plays.
    const unknown = await fetch(
      `${sandbox.url}/media/videosdk/live/${key.replace(/.$/, (last) => (last === '0' ? '1' : '0'))}/index.m3u8`,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no HLS output at this address' });
    expect(
      (await fetch(`${sandbox.url}/media/videosdk/live/${key}/index.m3u8`, { method: 'POST' })).status,
    ).toBe(405);

    // Deleted: its old URLs, playlist and segment, serve nothing any more.
    const gone = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === id);
    expect((await clients.videosdk!.delete(id)).status).toBe(200);
    await gone;
    await push.done;
    for (const url of [hlsUrl, segmentUrl]) {
      const after = await fetch(url);
      expect({ url, status: after.status }).toEqual({ url, status: 404 });
      expect(await after.json()).toEqual({ error: 'no HLS output at this address' });
    }
  });

  // A Wowza Video stream without push authentication, started, with an encoder publishing to it.
  const pushingToWowza = async (name: string) => {
    const { clients, changes, logs } = context;
    const wowza = clients['wowza-video']!;
    const stream = await wowza.create(name, { disable_authentication: true });
    const id = String(stream.id);
    await wowza.start?.(id);
    await changes.next((change) => change.id === id && change.state === 'started', true);
    const source = (await wowza.get(id)).source_connection_information as Body;
    const url = `rtmp://${source.primary_server}:${source.host_port}/${source.application}/${source.stream_name}`;
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush({ url });
    await whilePushing(push, connected, logs);
    return { id, push };
  };

  it('cuts the publisher when its stream stops taking video, and when the stream is deleted', async () => {
    const { clients, changes, logs } = context;
    const wowza = clients['wowza-video']!;
    const { id, push } = await pushingToWowza('Stopping');
    const disconnected = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === id);
    await wowza.stop?.(id);
    await disconnected;
    const result = await push.done;
    expect(result.ok).toBe(false);
    // The encoder is told why, not left with a broken connection.
    expect(result.error).toContain('Server error: the stream no longer takes video');
    expect(logs.some((line) => line.streamId === id && line.message.includes('no longer takes video'))).toBe(
      true,
    );

    const other = await clients.videosdk!.create('Deleted while live');
    const otherId = String(other.id);
    const live = changes.next((change) => change.kind === 'encoder-connected' && change.id === otherId);
    const otherPush = testPush({ url: String(other.upstreamUrl) });
    await whilePushing(otherPush, live, logs);
    const gone = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === otherId);
    await clients.videosdk!.delete(otherId);
    await gone;
    const deleted = await otherPush.done;
    expect(deleted.ok).toBe(false);
    expect(deleted.error).toContain('Server error: the stream was deleted');
  });

  it('tells the encoder of a Wowza Video stream deleted while it runs that it was deleted, though the delete stops it first', async () => {
    const { clients, changes } = context;
    const wowza = clients['wowza-video']!;
    const { id, push } = await pushingToWowza('Deleted while running');
    const stopped = changes.next((change) => change.id === id && change.kind === 'state-changed');
    const deletedChange = changes.next((change) => change.id === id && change.kind === 'deleted');
    await wowza.delete(id);
    // The stop comes first, as the dialect documents, then the delete.
    expect((await stopped).state).toBe('stopped');
    await deletedChange;
    const result = await push.done;
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Server error: the stream was deleted');
    expect(result.error).not.toContain('no longer takes video');
  });

  it('lets a Wowza encoder in with Adobe authentication, and reports it in the ingest analytics', async () => {
    const { sandbox, clients, changes, logs } = context;
    const wowza = clients['wowza-video']!;
    const stream = await wowza.create('Authenticated', { username: 'client7', password: 'secret-77' });
    const id = String(stream.id);
    await wowza.start?.(id);
    await changes.next((change) => change.id === id && change.state === 'started', true);
    const source = stream.source_connection_information as Body;
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush({
      url: `rtmp://${source.primary_server}:${source.host_port}/${source.application}/${source.stream_name}`,
      username: 'client7',
      password: 'secret-77',
    });
    await whilePushing(push, connected, logs);
    const token = sandbox.credentials('wowza-video').token;
    const analytics = (await (
      await fetch(`${sandbox.baseUrl('wowza-video')}/analytics/ingest/live_streams/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { live_stream: Record<string, { value: unknown; status: string }> };
    expect(analytics.live_stream.connected).toEqual({
      status: 'normal',
      text: '',
      units: '',
      value: 'Yes',
    });
    expect(analytics.live_stream.frame_size?.value).toBe('320x180');
    expect(analytics.live_stream.video_codec?.value).toBe('h264');
    expect(analytics.live_stream.frame_rate).toMatchObject({ units: 'FPS', value: 30 });
    push.stop();
    await push.done;
  });
});

describe.skipIf(!ffmpeg)('HLS across an encoder that leaves and comes back', () => {
  let reconnecting: Awaited<ReturnType<typeof open>>;
  let ending: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    // A reconnect window longer than any test here, and none at all.
    reconnecting = await open({ media: { hls: { reconnectWindowMs: 600_000 } } });
    ending = await open({ media: { hls: { reconnectWindowMs: 0 } } });
  });
  afterAll(async () => {
    await reconnecting.sandbox.close();
    await ending.sandbox.close();
  });

  it('carries the playlist on across an encoder that reconnects: sequence and numbers go on, old segments stay', async () => {
    // RFC 8216 §6.2.1 / §6.2.2 / §4.3.2.3: an encoder that reconnects (OBS's auto-reconnect) appends to the
    // playlist, after an EXT-X-DISCONTINUITY; the playlist says no #EXT-X-ENDLIST in between (§4.3.3.4: a
    // player that read one would stop for good), the media sequence never goes back, a segment URI never
    // names other bytes, and the first publish's segments go once they left the playlist. Eight seconds of media each: the first publish's first segments have left its
    // playlist when it ends, and the second's first segment (the discontinuity) leaves the playlist.
    const { clients, changes, logs } = reconnecting;
    const stream = await clients.liveapi!.create('Reconnecting encoder');
    const id = String(stream._id);
    const hlsUrl = (stream.playback as { hls_url: string }).hls_url;
    const playlist = async () => {
      const response = await fetch(hlsUrl);
      return { status: response.status, text: await response.text() };
    };
    // The encoder's publish is over once its packager said so; the playlist then stays live (no
    // #EXT-X-ENDLIST) through the reconnect window, which outlasts this test.
    const ended = async (count: number) => {
      await eventually(() => (packagedEnds(logs, id) >= count ? true : undefined));
      const { text } = await playlist();
      expect(text).not.toContain('#EXT-X-ENDLIST');
      return text;
    };
    const segmentsOf = (text: string) => text.split('\n').filter((line) => line.endsWith('.ts'));
    const sequenceOf = (text: string) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1]);
    const numberOf = (name: string) => Number(/^segment(\d+)\.ts$/.exec(name)?.[1]);
    const fetchSegment = async (n: number) => {
      const response = await fetch(new URL(`segment${n}.ts`, hlsUrl));
      return { n, status: response.status, body: Buffer.from(await response.arrayBuffer()).toString('hex') };
    };
    const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, n) => from + n);

    const firstLive = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const first = testPush(liveapiTarget(stream), { durationSeconds: 8 });
    await whilePushing(first, firstLive, logs);
    expect((await first.done).ok).toBe(true);
    const firstEnd = await ended(1);
    const lastOfFirst = numberOf(segmentsOf(firstEnd).at(-1) ?? '');
    // Segments that left the first publish's playlist before it ended, and the ones it still lists.
    const unlisted = numbers(0, sequenceOf(firstEnd) - 1);
    expect(unlisted.length).toBeGreaterThan(0);
    // A segment that left the playlist goes once its time after leaving has passed (how long that is, the
    // unit tests of SegmentRetention check): one read later is either what it was or gone, never other
    // bytes, and one still listed is always there.
    const firstBytes = await Promise.all(numbers(0, lastOfFirst).map(fetchSegment));
    const listedIn = (text: string) => new Set(segmentsOf(text).map(numberOf));
    const sameOrGone = async (listedNow: ReadonlySet<number>) => {
      for (const later of await Promise.all(numbers(0, lastOfFirst).map(fetchSegment))) {
        const before = firstBytes.find((segment) => segment.n === later.n);
        if (listedNow.has(later.n)) expect(later).toEqual({ ...before, status: 200 });
        else if (later.status !== 404) expect(later).toEqual(before);
      }
    };
    await sameOrGone(listedIn(firstEnd));

    const secondLive = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const second = testPush(liveapiTarget(stream), { durationSeconds: 8 });
    await whilePushing(second, secondLive, logs);
    // The second publish has begun: the first's playlist and segments are still there, unchanged, and
    // the playlist never said it had ended.
    const begun = await playlist();
    expect(begun).toEqual({ status: 200, text: expect.not.stringContaining('#EXT-X-ENDLIST') });
    await sameOrGone(listedIn(begun.text));

    // Once the second publish's first segment is listed, it follows the first's, after a discontinuity.
    const appended = await whilePushing(
      second,
      eventually(async () => {
        const { text } = await playlist();
        return text.includes(`segment${lastOfFirst + 1}.ts`) ? text : undefined;
      }),
      logs,
    );
    expect(appended).not.toContain('#EXT-X-ENDLIST');
    expect(sequenceOf(appended)).toBeGreaterThanOrEqual(sequenceOf(firstEnd));
    expect(appended).toContain(`segment${lastOfFirst}.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:`);
    expect(appended.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    await sameOrGone(listedIn(appended));

    expect((await second.done).ok).toBe(true);
    const finished = await ended(2);
    const sequence = sequenceOf(finished);
    const listed = segmentsOf(finished).map(numberOf);
    // Numbers go on from the first publish's one by one, and the media sequence names the first listed.
    expect(listed).toEqual(numbers(sequence, sequence + listed.length - 1));
    expect(sequence).toBeGreaterThan(lastOfFirst + 1);
    // The discontinuity (the second publish's first segment) has left the playlist, so the playlist counts
    // it: the first listed segment's discontinuity sequence number is 1.
    expect(finished).toMatch(/#EXT-X-MEDIA-SEQUENCE:\d+\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n/);
    expect(finished).not.toContain('#EXT-X-DISCONTINUITY\n');
    // The first publish's segments still there have the same bytes, and every one that left goes (the
    // disk use stays bounded), the first publish's unlisted ones included.
    await sameOrGone(listedIn(finished));
    for (const n of numbers(0, sequence - 1))
      expect(await eventually(async () => ((await fetchSegment(n)).status === 404 ? n : undefined))).toBe(n);
  });

  it('ends the playlist once the window passes, never changes it after, and starts a new one for a later publish', async () => {
    // RFC 8216 §4.3.3.4: once #EXT-X-ENDLIST is served the playlist stays as it is; a publish after that
    // writes a new playlist at the same URL (a documented departure from the RFC, see the decision record
    // 2026-12-02-sandbox-hls-across-publishes), its segment numbers and media sequence going on (a URI never
    // names other bytes), with no discontinuity of the old one in it.
    const { clients, changes, logs } = ending;
    const stream = await clients.liveapi!.create('Ended, then live again');
    const id = String(stream._id);
    const hlsUrl = (stream.playback as { hls_url: string }).hls_url;
    const text = async () => (await fetch(hlsUrl)).text();
    const segmentsOf = (playlist: string) => playlist.split('\n').filter((line) => line.endsWith('.ts'));
    const numberOf = (name: string) => Number(/^segment(\d+)\.ts$/.exec(name)?.[1]);
    const firstLive = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const first = testPush(liveapiTarget(stream), { durationSeconds: 3 });
    await whilePushing(first, firstLive, logs);
    expect((await first.done).ok).toBe(true);
    const endedText = await eventually(async () => {
      const playlist = await text();
      return playlist.includes('#EXT-X-ENDLIST') ? playlist : undefined;
    });
    expect(endedText.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    expect(
      logs.some((line) => line.streamId === id && line.message.includes('has ended (#EXT-X-ENDLIST)')),
    ).toBe(true);
    const lastOfFirst = numberOf(segmentsOf(endedText).at(-1) ?? '');

    const secondLive = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    // Pushed until stopped: on a busy machine the new playlist may take longer than any fixed push lasts.
    const second = testPush(liveapiTarget(stream));
    let fresh: string;
    try {
      await whilePushing(second, secondLive, logs);
      // Until the new publish's playlist is written, the ended one is served as it was, never without its end.
      fresh = await whilePushing(
        second,
        eventually(async () => {
          const playlist = await text();
          return playlist === endedText ? undefined : playlist;
        }),
        logs,
      );
    } finally {
      second.stop();
    }
    expect(fresh).not.toContain('#EXT-X-ENDLIST');
    expect(fresh).not.toContain('#EXT-X-DISCONTINUITY');
    expect(segmentsOf(fresh).map(numberOf)[0]).toBe(lastOfFirst + 1);
    expect(fresh).toContain(`#EXT-X-MEDIA-SEQUENCE:${lastOfFirst + 1}\n`);
    // The ended playlist's segments left it just now: still served.
    for (const name of segmentsOf(endedText)) {
      const response = await fetch(new URL(name, hlsUrl));
      await response.arrayBuffer();
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
    }
    // Stopped, not cut or failed.
    expect((await second.done).ok).toBe(true);
  });
});

describe.skipIf(!ffmpeg)('RTMP ingest: hostile and broken encoders', () => {
  let context: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    // Short enough that a connection that never publishes, or a frozen encoder, is cut within the test; long
    // enough that a real ffmpeg on a busy machine finishes its handshake and keeps sending in time.
    context = await open({ media: { setupTimeoutMs: 5_000, idleTimeoutMs: 3_000 } });
  });
  afterAll(async () => {
    await context.sandbox.close();
  });

  it('refuses a publish whose dialect ingest code throws, logging which member threw, never its message', async () => {
    const secret = 'sk_live_INGEST_SECRET';
    const fail = () => {
      throw new Error(`dialect ${secret}`);
    };
    const real = liveapiDialect.ingest!;
    for (const [member, ingest] of [
      ['match', { ...real, match: fail }],
      ['credentialsFor', { ...real, credentialsFor: fail }],
    ] as const) {
      const { sandbox, clients, logs } = await open({
        media: { setupTimeoutMs: 5_000 },
        dialects: [{ ...liveapiDialect, ingest }],
      });
      try {
        const stream = await clients.liveapi!.create('Failing dialect');
        const result = await testPush(liveapiTarget(stream)).done;
        expect(result.ok).toBe(false);
        const line = await eventually(() =>
          logs.find((entry) => entry.message.includes(`ingest.${member} threw`)),
        );
        expect(line).toMatchObject({
          level: 'error',
          message: `the liveapi dialect's ingest.${member} threw; the publish is refused`,
        });
        expect(JSON.stringify(logs)).not.toContain(secret);
        expect(JSON.stringify(logs)).not.toContain('unreadable RTMP data');
        expect(sandbox.publisher('liveapi', String(stream._id))).toBeUndefined();
      } finally {
        await sandbox.close();
      }
    }
  });

  it('closes connections that send garbage instead of RTMP, and keeps serving', async () => {
    const { sandbox, logs, clients, changes } = context;
    const port = Number(new URL(sandbox.ingestUrl ?? '').port);
    const payloads = fc.sample(
      fc.oneof(
        // Not a handshake at all: an HTTP request, TLS, random bytes.
        fc.uint8Array({ minLength: 1, maxLength: 3_000 }).filter((bytes) => bytes[0] !== 3),
        // Version 3, then noise where the handshake and chunks should be.
        fc.uint8Array({ minLength: 0, maxLength: 6_000 }).map((bytes) => Uint8Array.of(3, ...bytes)),
      ),
      { numRuns: 24, seed: 1_907 },
    );
    const closedByServer = await Promise.all(
      payloads.map(
        (payload) =>
          new Promise<boolean>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => socket.write(payload));
            socket.on('data', () => {});
            socket.on('error', () => {});
            socket.on('close', () => resolve(true));
          }),
      ),
    );
    expect(closedByServer.every(Boolean)).toBe(true);
    expect(sandbox.engine.recentLogs().length).toBeGreaterThan(0);
    expect(logs.some((line) => line.message.includes('not an RTMP handshake'))).toBe(true);
    // Still serving the API and still taking a real encoder.
    const stream = await clients.videosdk!.create('After the garbage');
    const connected = changes.next(
      (change) => change.kind === 'encoder-connected' && change.id === stream.id,
    );
    const push = testPush({ url: String(stream.upstreamUrl) });
    await whilePushing(push, connected, logs);
    push.stop();
    await push.done;
  });

  it('cuts a publisher that stalls, and reports it disconnected', async () => {
    const { clients, changes, logs } = context;
    const stream = await clients.videosdk!.create('Stalls');
    const id = String(stream.id);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush({ url: String(stream.upstreamUrl) });
    await whilePushing(push, connected, logs);
    const disconnected = changes.next((change) => change.kind === 'encoder-disconnected' && change.id === id);
    // The encoder freezes with its connection open: nothing more arrives.
    const pid = (await push.ffmpegPid) ?? push.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      await disconnected;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    push.stop();
    await push.done;
    expect(logs.some((line) => line.streamId === id && line.message.includes('stalled'))).toBe(true);
  });

  it('closes a connection that never publishes', async () => {
    const { sandbox, logs } = context;
    const port = Number(new URL(sandbox.ingestUrl ?? '').port);
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => resolve());
    });
    await eventually(() =>
      logs.some((line) => line.message.includes('no publish within')) ? true : undefined,
    );
  });
});

describe.skipIf(!ffmpeg)('RTMP ingest: a sandbox closing while an encoder publishes', () => {
  it('tells the encoder why, and closes with no encoder left connected', async () => {
    const { sandbox, clients, changes, logs } = await open();
    const stream = await clients.liveapi!.create('Live when the sandbox closes');
    const id = String(stream._id);
    const connected = changes.next((change) => change.kind === 'encoder-connected' && change.id === id);
    const push = testPush(liveapiTarget(stream), { durationSeconds: 30 });
    await whilePushing(push, connected, logs);
    await sandbox.close();
    const result = await push.done;
    expect(result.ok).toBe(false);
    // The reason, as ffmpeg prints the RTMP status: not a broken pipe.
    expect(result.error).toContain('Server error: the sandbox is closing');
  });
});

describe.skipIf(!ffmpeg)('HLS segments kept by players and caches', () => {
  const folder = mkdtempSync(join(tmpdir(), 'unilive-segment-caching-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  // A segment URL names the same bytes for as long as it may be cached: a sandbox that keeps its streams
  // (`persistPath`) but not their output (no `media.directory`) numbers a stream's segments from 0 again
  // after a restart, so there its segments are never kept.
  it.each([
    ['streams and output kept', 'max-age=60', { persist: true, directory: true }],
    ['streams kept, output in a folder of its own', 'no-cache', { persist: true, directory: false }],
    ['nothing kept (ids never come back)', 'max-age=60', { persist: false, directory: false }],
  ] as const)('%s: segments are served %s', async (label, expected, kept) => {
    const where = join(folder, label.replaceAll(' ', '-').replace(/[^a-z-]/g, ''));
    const { sandbox, clients, logs } = await open({
      ...(kept.persist ? { persistPath: `${where}.json` } : {}),
      media: kept.directory ? { directory: where } : true,
    });
    try {
      const stream = await clients.liveapi!.create('Cached show');
      const push = testPush(liveapiTarget(stream));
      const hlsUrl = (stream.playback as { hls_url: string }).hls_url;
      const { playlist, segment } = await whilePushing(push, firstSegment(hlsUrl), logs);
      expect(playlist.headers.get('cache-control')).toBe('no-cache');
      const media = await fetch(new URL(segment, hlsUrl));
      expect(media.status).toBe(200);
      expect(media.headers.get('cache-control')).toBe(expected);
      await media.arrayBuffer();
      push.stop();
      await push.done;
    } finally {
      await sandbox.close();
    }
  });
});
