import { fileURLToPath } from 'node:url';
import { ConflictError, createLiveStreamClient, type LiveStream } from '@unilive/core';
import { type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// A start and a stop of one room that overlap (two callers, or `Promise.all([start(id), stop(id)])`): the
// vendor takes the start between the stop's reads, or the stop between the start's answer and its read-back.
// Whatever the order, a stop never resolves `starting` or `ready` and a start never `stopping` or `stopped`.
// The vendor's answers are scripted in the order such a race gives them (nock answers one path's
// interceptors in the order they were defined), so each case is one fixed interleaving.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const origin = 'https://api.videosdk.live';
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const session = 'abcde94c96e17e03fb0abcde4';
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every planned exchange was requested').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

// The client and the requests it sends, in order, with their bodies; the two reads of one `get` go out at
// once, so the test compares each read's pair as a set.
function clientWithLog() {
  const calls: string[] = [];
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.method === 'GET' ? '' : ` ${await request.clone().text()}`;
    calls.push(`${request.method} ${url.pathname}${url.search}${body}`);
    return fetch(request);
  };
  const client = createLiveStreamClient(
    videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch: spy }),
  );
  return { client, calls };
}

const active = `GET /v2/hls/${room}/active`;
const roomRead = `GET /v2/rooms/${room}`;
const outs = `GET /v2/livestreams?roomId=${room}&sessionId=${session}&page=1&perPage=20`;
// A read of the stream: the room and its egress at once, then the egress session's RTMP-outs.
const streamRead = (calls: readonly string[], at: number) => {
  expect(new Set(calls.slice(at, at + 2))).toEqual(new Set([roomRead, active]));
  expect(calls[at + 2]).toBe(outs);
};

describe('videosdk v2 stop racing a start', () => {
  it('refuses, ending nothing, a start the vendor took between the stop’s reads that shows starting', async () => {
    const { client, calls } = clientWithLog();
    // The stop's egress read finds none; the start is taken; the stop's read of the stream shows it starting:
    // stopping a stream that is starting is a conflict on every adapter (Wowza Video's vendor refuses it).
    replay('v2-hls-active.none', 'v2-rooms-get', 'v2-hls-active.starting', 'v2-livestreams-list.ended');
    const refused = await client.stop(room).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ConflictError.isInstance(refused)).toBe(true);
    expect((refused as ConflictError).delivery).toBe('not-sent');
    expect((refused as ConflictError).message).toBe(
      `videosdk stop: the HLS egress of room ${room} is starting, so nothing was ended; stop it once it is ready (waitForState(id, 'ready'), or the hls-playable event)`,
    );
    expect(calls[0]).toBe(active);
    streamRead(calls, 1);
    expect(calls).toHaveLength(4);
  });

  it('ends the egress a start began between the stop’s reads once it is ready, and resolves stopping', async () => {
    const { client, calls } = clientWithLog();
    // The stop's egress read finds none; the start is taken; the stop's read of the stream shows it ready.
    replay('v2-hls-active.none', 'v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.ended');
    // The stop ends it; the read-back shows it ending.
    replay('v2-hls-end', 'v2-rooms-get', 'v2-hls-active.stopping', 'v2-livestreams-list.ended');
    const stopped: LiveStream = await client.stop(room);
    expect(calls[0]).toBe(active);
    streamRead(calls, 1);
    expect(calls[4]).toBe(`POST /v2/hls/end {"roomId":"${room}"}`);
    streamRead(calls, 5);
    expect(calls).toHaveLength(8);
    expect(stopped.id).toBe(room);
    expect(stopped.state).toBe('stopping');
    expect(stopped.warnings).toBeUndefined();
  });

  it('resolves stopping, with a warning, when a start the vendor took after the egress end shows in the read-back', async () => {
    const { client, calls } = clientWithLog();
    replay('v2-hls-active', 'v2-livestreams-list.ended', 'v2-hls-end');
    // The egress ended; a new start was taken before the stop's read-back, which shows it starting.
    replay('v2-rooms-get', 'v2-hls-active.starting', 'v2-livestreams-list.ended');
    const stopped = await client.stop(room);
    expect(calls.slice(0, 3)).toEqual([active, outs, `POST /v2/hls/end {"roomId":"${room}"}`]);
    streamRead(calls, 3);
    expect(calls).toHaveLength(6);
    expect(stopped.state).toBe('stopping');
    expect(stopped.warnings).toEqual([
      {
        type: 'other',
        message:
          'videosdk stop: the vendor accepted stop, but the stream read after it was starting: another call changed it since (or the read was a copy from before the change). The result shows the state stop left it in (stopping); get the stream for its state now.',
      },
    ]);
  });
});

describe('videosdk v2 start racing a stop', () => {
  it('resolves starting, with a warning, when a stop ended the egress before the start’s read-back', async () => {
    const { client, calls } = clientWithLog();
    const started = fixture('v2-hls-start').response.body;
    nock(origin)
      .post('/v2/hls/start', { roomId: room })
      .reply(200, started as nock.Body);
    // A stop ended the egress the start began: the read-back shows it ending.
    replay('v2-rooms-get', 'v2-hls-active.stopping', 'v2-livestreams-list.ended');
    const result = await client.start(room);
    expect(calls[0]).toBe(`POST /v2/hls/start {"roomId":"${room}"}`);
    streamRead(calls, 1);
    expect(calls).toHaveLength(4);
    expect(result.state).toBe('starting');
    expect(result.warnings?.map((warning) => warning.type)).toEqual(['held-in-memory', 'other']);
    expect(result.warnings?.[1]?.message).toBe(
      'videosdk start: the vendor accepted start, but the stream read after it was stopping: another call changed it since (or the read was a copy from before the change). The result shows the state start left it in (starting); get the stream for its state now.',
    );
  });
});
