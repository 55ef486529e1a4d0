import { fileURLToPath } from 'node:url';
import {
  ConflictError,
  createLiveStreamClient,
  createLiveStreamClientFromConfig,
  InvalidInputError,
  type LiveStream,
  type LiveStreamProvider,
  NotFoundError,
  ProviderUnavailableError,
  TimeoutError,
  type UniliveError,
} from '@unilive/core';
import { errorTranscript, type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import videosdkFactory, { videosdk, videosdkCapabilities, videosdkV2Capabilities } from './index.js';
import type { VideosdkSettings } from './videosdk-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const origin = 'https://api.videosdk.live';
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const session = 'abcde94c96e17e03fb0abcde4';
const youtubeKey = 'fcz-4da-dver-qxzp-0rm';
const whip = `${origin}/v2/whip?roomId=${room}&participantId=unilive-whip`;
const dvr = 'https://cdn.videosdk.live/meetings-hls/abcdefgh-ijkl-mnop-1234-abcdefghijkl/index.m3u8';
const liveOnly = 'https://cdn.videosdk.live/meetings-hls/abcdefgh-ijkl-mnop-1234-abcdefghijkl/live.m3u8';

interface RecordedRequest {
  method: string;
  url: string;
  body: unknown;
}

function setup(settings: VideosdkSettings = { token }) {
  const requests: RecordedRequest[] = [];
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    requests.push({ method: request.method, url: request.url, body: text ? JSON.parse(text) : undefined });
    return fetch(request);
  };
  const provider = videosdk({ retry: { maxRetries: 0 }, ...settings, fetch: spy } as VideosdkSettings);
  return { provider, requests, calls: () => requests.map((request) => `${request.method} ${request.url}`) };
}

/**
 * A read sends the room's and its egress's requests at once, in no set order between the two: each such pair
 * is put room first, so a transcript compares with one list.
 */
const roomReadFirst = (sent: string[]): string[] => {
  const ordered = [...sent];
  for (let index = 0; index + 1 < ordered.length; index += 1) {
    const [first, second] = [ordered[index] ?? '', ordered[index + 1] ?? ''];
    const egress = /\/v2\/hls\/([^/]+)\/active$/.exec(first);
    if (egress && second.endsWith(`/v2/rooms/${egress[1]}`))
      [ordered[index], ordered[index + 1]] = [second, first];
  }
  return ordered;
};

const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};
const body = (name: string) => fixture(name).response.body as Record<string, unknown>;
// The recorded running egress, as the vendor answers it for room `roomId` (the egress names its room).
const egressOf = (roomId: string) => {
  const answer = body('v2-hls-active');
  return { ...answer, data: { ...(answer.data as Record<string, unknown>), roomId } };
};
const activeData = (name: string) => (body(name) as { data: unknown }).data;

/** The stream every read of the lifecycle room gives, with the parts that vary. */
const roomStream = (overrides: Partial<LiveStream>): LiveStream => ({
  id: room,
  provider: 'videosdk',
  state: 'stopped',
  ingest: [{ protocol: 'webrtc', url: whip, server: whip, streamKey: token, token }],
  playback: [],
  createdAt: new Date('2022-03-25T04:49:11.024Z'),
  updatedAt: new Date('2022-03-25T04:49:11.024Z'),
  raw: { room: body('v2-rooms-get') },
  ...overrides,
});

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every recorded exchange was requested').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('videosdk v2 selection', () => {
  it('is the default, with the v2 capability table', () => {
    const provider = videosdk({ token });
    expect(provider.capabilities).toBe(videosdkV2Capabilities);
    expect(videosdkCapabilities.v2).toEqual({
      lifecycle: 'explicit',
      start: true,
      stop: true,
      restart: true,
      enable: true,
      update: true,
      delete: true,
      recording: true,
      restream: true,
      regions: false,
      lowLatency: false,
      broadcastingStatus: false,
      broadcastingEvents: false,
      names: false,
      ingestProtocols: ['webrtc'],
      playbackProtocols: ['hls'],
      maxNameLength: 200,
      states: ['disabled', 'stopped', 'starting', 'ready', 'stopping'],
      updatable: ['recording', 'restream'],
    });
    expect(provider.getStatus).toBeTypeOf('function');
    expect(videosdk({ token, apiVersion: 'v1' }).capabilities).toBe(videosdkCapabilities.v1);
  });

  it('VIDEOSDK_API_VERSION picks the version when the setting is left out; the setting wins', () => {
    vi.stubEnv('VIDEOSDK_API_VERSION', 'v1');
    expect(videosdk({ token }).capabilities).toBe(videosdkCapabilities.v1);
    expect(videosdk({ token, apiVersion: 'v2' }).capabilities).toBe(videosdkCapabilities.v2);
    vi.stubEnv('VIDEOSDK_API_VERSION', 'v9');
    expect(() => videosdk({ token })).toThrow(/unsupported VIDEOSDK_API_VERSION; expected one of v1, v2/);
  });

  it('configuration-driven selection passes apiVersion through', async () => {
    // The factory is handed over as a bundle would; the settings reach it exactly as configured.
    const providers = {
      videosdk: videosdkFactory as (settings: Record<string, unknown>) => LiveStreamProvider,
    };
    const v1 = await createLiveStreamClientFromConfig(
      { provider: 'videosdk', token, apiVersion: 'v1' },
      { providers },
    );
    const v2 = await createLiveStreamClientFromConfig({ provider: 'videosdk', token }, { providers });
    expect(v1.capabilities.ingestProtocols).toEqual(['rtmp']);
    expect(v2.capabilities.ingestProtocols).toEqual(['webrtc']);
  });
});

describe('videosdk v2 create', () => {
  it('posts the room body and returns a stopped stream with its WHIP ingest', async () => {
    const { provider, requests } = setup();
    replay('v2-rooms-create');
    const stream = await provider.create({ name: 'Launch' });
    expect(requests).toEqual([{ method: 'POST', url: `${origin}/v2/rooms`, body: {} }]);
    expect(stream).toEqual(
      roomStream({
        raw: { room: body('v2-rooms-create') },
        // This client will start it, without recording or restream targets: known, unlike in another
        // process.
        recording: false,
        restream: [],
        warnings: [
          {
            type: 'unsupported-setting',
            setting: 'name',
            message: 'videosdk v2 rooms keep no name; the name was not sent (the stream id is the room id)',
          },
        ],
      }),
    );
  });

  it('sends the room provider options as the vendor names them', async () => {
    const { provider, requests } = setup();
    const webhook = {
      endPoint: 'https://example.com/videosdk/webhook',
      events: ['hls-playable', 'hls-stopped'],
    };
    nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
    await provider.create({
      name: 'x',
      providerOptions: {
        videosdk: {
          customRoomId: 'aaa-bbb-ccc',
          webhook,
          autoCloseConfig: { type: 'session-end-and-deactivate', duration: 60 },
        },
      },
    });
    expect(requests[0]?.body).toEqual({
      customRoomId: 'aaa-bbb-ccc',
      webhook,
      autoCloseConfig: { type: 'session-end-and-deactivate', duration: 60 },
    });
  });

  it('an RTMP ingest is refused before any request, naming v1 as the way', async () => {
    const { provider, requests } = setup();
    const error = (await provider
      .create({ name: 'x', ingestProtocol: 'rtmp' })
      .catch((caught: unknown) => caught)) as InvalidInputError;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual(['ingestProtocol']);
    expect(error.message).toContain("videosdk({ apiVersion: 'v1' })");
    expect(requests).toEqual([]);
  });

  it('refuses every other non-WebRTC protocol and unknown options, before any request', async () => {
    const { provider, requests } = setup();
    const cases: [Parameters<typeof provider.create>[0], string][] = [
      [{ name: 'x', ingestProtocol: 'srt' }, 'ingestProtocol'],
      [
        { name: 'x', providerOptions: { videosdk: { geoFence: 'eu001' } } as never },
        'providerOptions.videosdk.geoFence',
      ],
      [
        {
          name: 'x',
          providerOptions: { videosdk: { webhook: { endPoint: 'http://x.example', events: ['a'] } } },
        },
        'providerOptions.videosdk.webhook.endPoint',
      ],
      [
        { name: 'x', providerOptions: { videosdk: { layout: { gridSize: 26 } } } },
        'providerOptions.videosdk.layout.gridSize',
      ],
    ];
    for (const [input, path] of cases) {
      const error = (await provider.create(input).catch((caught: unknown) => caught)) as InvalidInputError;
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(requests).toEqual([]);
  });

  it('a region, a placement hint v2 has no choice for, is not sent and comes back as a warning', async () => {
    const { provider, requests } = setup();
    replay('v2-rooms-create');
    const stream = await provider.create({ name: 'x', region: 'eu' });
    expect(requests[0]?.body).toEqual({});
    expect(stream.warnings?.filter((warning) => warning.setting === 'region')).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'region',
        message:
          'videosdk v2 has no region choice (the room `region` field is discontinued; allowed values: none); region was not sent',
      },
    ]);
  });

  it('says which settings wait for start, held by this client', async () => {
    const { provider } = setup();
    replay('v2-rooms-create');
    const stream = await provider.create({
      name: 'x',
      recording: true,
      lowLatency: true,
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      providerOptions: { videosdk: { quality: 'high' } },
    });
    expect(stream.warnings?.map((warning) => [warning.type, warning.setting])).toEqual([
      ['unsupported-setting', 'name'],
      ['unsupported-setting', 'lowLatency'],
      ['held-in-memory', 'recording'],
      ['held-in-memory', 'restream'],
      ['held-in-memory', 'providerOptions.videosdk.quality'],
    ]);
    expect(stream.recording).toBe(true);
    expect(stream.restream).toEqual([{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }]);
  });

  it('holds recording: false and restream: [] without a warning: a start with nothing held does the same', async () => {
    const { provider } = setup();
    replay('v2-rooms-create');
    const stream = await provider.create({ name: 'x', recording: false, restream: [] });
    expect(stream.warnings?.map((warning) => [warning.type, warning.setting])).toEqual([
      ['unsupported-setting', 'name'],
    ]);
    expect(stream.recording).toBe(false);
    expect(stream.restream).toEqual([]);
  });
});

describe('videosdk v2 get, status and list', () => {
  it('get reads the room and its active HLS at once; none running is stopped', async () => {
    const { provider, calls } = setup();
    replay('v2-rooms-get', 'v2-hls-active.none');
    expect(await provider.get(room)).toEqual(roomStream({}));
    expect(roomReadFirst(calls())).toEqual([
      `GET ${origin}/v2/rooms/${room}`,
      `GET ${origin}/v2/hls/${room}/active`,
    ]);
  });

  it('get of a playable room lists both HLS URLs and the running restream outputs', async () => {
    const { provider, calls } = setup();
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running');
    const stream = await provider.get(room);
    expect(stream).toEqual(
      roomStream({
        state: 'ready',
        playback: [{ protocol: 'hls', url: dvr }],
        restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
        raw: {
          room: body('v2-rooms-get'),
          hls: activeData('v2-hls-active'),
          rtmpOuts: (body('v2-livestreams-list.running') as { data: unknown[] }).data,
        },
      }),
    );
    expect(calls()[2]).toBe(
      `GET ${origin}/v2/livestreams?roomId=${room}&sessionId=${session}&page=1&perPage=20`,
    );
    expect(provider.secrets?.()).toContain(youtubeKey);
  });

  it('maps the state table from the room and its egress, read at once as get reads them', async () => {
    const { provider, calls } = setup();
    const cases: [string, string][] = [
      ['v2-hls-active.starting', 'starting'],
      ['v2-hls-active', 'ready'],
      ['v2-hls-active.stopping', 'stopping'],
    ];
    for (const [name, state] of cases) {
      replay(name, 'v2-rooms-get');
      expect((await provider.getStatus?.(room))?.state).toBe(state);
      // A room disabled while its egress runs is disabled, as get reads it: never ready.
      replay(name);
      nock(origin)
        .get(`/v2/rooms/${room}`)
        .reply(200, { ...body('v2-rooms-get'), disabled: true });
      expect((await provider.getStatus?.(room))?.state).toBe('disabled');
    }
    // Both read every time; the running RTMP-outs, which tell nothing of the state, are not.
    expect([...calls()].sort()).toEqual(
      cases
        .flatMap(() => [
          `GET ${origin}/v2/hls/${room}/active`,
          `GET ${origin}/v2/hls/${room}/active`,
          `GET ${origin}/v2/rooms/${room}`,
          `GET ${origin}/v2/rooms/${room}`,
        ])
        .sort(),
    );
    const before = calls().length;
    replay('v2-hls-active.none', 'v2-rooms-get');
    expect(await provider.getStatus?.(room)).toEqual({
      state: 'stopped',
      raw: { room: body('v2-rooms-get') },
    });
    nock(origin)
      .get(`/v2/rooms/${room}`)
      .reply(200, { ...body('v2-rooms-get'), disabled: true });
    replay('v2-hls-active.none');
    expect(await provider.getStatus?.(room)).toEqual({
      state: 'disabled',
      raw: { room: { ...body('v2-rooms-get'), disabled: true } },
    });
    expect([...calls().slice(before)].sort()).toEqual(
      [
        `GET ${origin}/v2/hls/${room}/active`,
        `GET ${origin}/v2/rooms/${room}`,
        `GET ${origin}/v2/hls/${room}/active`,
        `GET ${origin}/v2/rooms/${room}`,
      ].sort(),
    );
  });

  it('waitForState(id, "disabled") ends on a disabled room, and a wait for ready there polls on (a room can be enabled), timing out naming it', async () => {
    const { provider } = setup();
    const client = createLiveStreamClient(provider);
    const disabledRoom = () =>
      nock(origin)
        .get(`/v2/rooms/${room}`)
        .reply(200, { ...body('v2-rooms-get'), disabled: true });
    // The poll (egress, then room), then the stream read once it is reached (room and egress).
    for (let read = 0; read < 2; read += 1) {
      replay('v2-hls-active.none');
      disabledRoom();
    }
    expect((await client.waitForState(room, 'disabled')).state).toBe('disabled');
    // Every poll reads the room disabled; the wait runs out naming it, never refusing it as gone for good.
    nock(origin).get(`/v2/hls/${room}/active`).times(100).reply(404, body('v2-hls-active.none'));
    nock(origin)
      .get(`/v2/rooms/${room}`)
      .times(100)
      .reply(200, { ...body('v2-rooms-get'), disabled: true });
    const error = await client
      .waitForState(room, 'ready', { timeoutMs: 3_000, intervalMs: 100 })
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ lastState: 'disabled' });
    nock.cleanAll();
  });

  it('reads the older downstreamUrl and the live-only livestreamUrl', async () => {
    const { provider } = setup();
    nock(origin).get(`/v2/rooms/${room}`).reply(200, body('v2-rooms-get'));
    nock(origin)
      .get(`/v2/hls/${room}/active`)
      .reply(200, {
        code: 200,
        data: { id: 'h1', roomId: room, end: null, downstreamUrl: dvr, livestreamUrl: liveOnly },
      });
    nock(origin)
      .get('/v2/livestreams')
      .query(true)
      .reply(200, { pageInfo: { currentPage: 1, lastPage: 1 }, data: [] });
    const stream = await provider.get(room);
    expect(stream.state).toBe('ready');
    expect(stream.playback).toEqual([
      { protocol: 'hls', url: dvr },
      { protocol: 'hls', url: liveOnly, rendition: 'live-only' },
    ]);
  });

  it('a disabled room is disabled, and 402 is NotFoundError (not "no HLS")', async () => {
    const { provider } = setup();
    nock(origin)
      .get(`/v2/rooms/${room}`)
      .reply(200, { ...body('v2-rooms-get'), disabled: true });
    replay('v2-hls-active.none');
    expect((await provider.get(room)).state).toBe('disabled');
    nock(origin).get(`/v2/rooms/${room}`).reply(200, body('v2-rooms-get'));
    nock(origin).get(`/v2/hls/${room}/active`).reply(402, { message: 'Room not found.' });
    const error = await provider.getStatus?.(room).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
  });

  it('list walks the pages lazily, with one state read per room, each room once', async () => {
    const { provider, calls } = setup();
    const other = { ...body('v2-rooms-get'), roomId: 'wxyz-wxyz-wxyz' };
    nock(origin)
      .get('/v2/rooms')
      .query({ page: '1', perPage: '2' })
      .reply(200, {
        pageInfo: { currentPage: 1, perPage: 2, lastPage: 2, total: 3 },
        data: [body('v2-rooms-get'), other],
      });
    nock(origin)
      .get('/v2/rooms')
      .query({ page: '2', perPage: '2' })
      .reply(200, { pageInfo: { currentPage: 2, perPage: 2, lastPage: 2, total: 3 }, data: [other] });
    nock(origin).get(`/v2/hls/${room}/active`).reply(404, { message: 'HLS not found.' });
    nock(origin).get('/v2/hls/wxyz-wxyz-wxyz/active').reply(200, egressOf('wxyz-wxyz-wxyz'));
    const streams: LiveStream[] = [];
    for await (const stream of provider.list({ pageSize: 2 })) streams.push(stream);
    expect(streams.map((stream) => [stream.id, stream.state])).toEqual([
      [room, 'stopped'],
      ['wxyz-wxyz-wxyz', 'ready'],
    ]);
    expect(calls()).toEqual([
      `GET ${origin}/v2/rooms?page=1&perPage=2`,
      `GET ${origin}/v2/hls/${room}/active`,
      `GET ${origin}/v2/hls/wxyz-wxyz-wxyz/active`,
      `GET ${origin}/v2/rooms?page=2&perPage=2`,
    ]);
  });
});

describe('videosdk v2 list through the paging walker', () => {
  it('skips a room whose id unilive will not put in a URL, with a warning, and yields the rest', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/v2/rooms')
      .query(true)
      .reply(200, {
        pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 2 },
        data: [{ ...body('v2-rooms-get'), roomId: 'legacy:bbbb2222' }, body('v2-rooms-get')],
      });
    replay('v2-hls-active.none');
    const warnings: string[] = [];
    const streams: LiveStream[] = [];
    const runtime = {
      hooks: { onWarning: (event: { warning: { type: string } }) => warnings.push(event.warning.type) },
    };
    for await (const stream of provider.list({ runtime } as never)) streams.push(stream);
    expect(streams.map((stream) => stream.id)).toEqual([room]);
    expect(warnings).toEqual(['skipped-record']);
  });

  const roomPage = (ids: string[]) => ({
    pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: ids.length },
    data: ids.map((roomId) => ({ ...body('v2-rooms-get'), roomId })),
  });

  it('skips a room whose state read is answered 5xx, naming it, and lists the rest; strict throws', async () => {
    const ids = ['aaaa-aaaa-aaaa', 'bbbb-bbbb-bbbb', 'cccc-cccc-cccc'];
    // With strict, the walk ends at the failing room: the one after it is never read.
    const plan = (strict: boolean) => {
      nock(origin).get('/v2/rooms').query(true).reply(200, roomPage(ids));
      nock(origin).get('/v2/hls/aaaa-aaaa-aaaa/active').reply(404, { message: 'HLS not found.' });
      nock(origin).get('/v2/hls/bbbb-bbbb-bbbb/active').reply(500, { message: 'internal' });
      if (!strict) nock(origin).get('/v2/hls/cccc-cccc-cccc/active').reply(200, egressOf('cccc-cccc-cccc'));
    };
    plan(false);
    const { provider } = setup();
    const warnings: { type: string; message: string }[] = [];
    const runtime = {
      hooks: {
        onWarning: (event: { warning: { type: string; message: string } }) => warnings.push(event.warning),
      },
    };
    const streams: LiveStream[] = [];
    for await (const stream of provider.list({ runtime } as never)) streams.push(stream);
    expect(streams.map((stream) => [stream.id, stream.state])).toEqual([
      ['aaaa-aaaa-aaaa', 'stopped'],
      ['cccc-cccc-cccc', 'ready'],
    ]);
    expect(warnings.map((warning) => warning.type)).toEqual(['skipped-record']);
    expect(warnings[0]?.message).toContain('bbbb-bbbb-bbbb');
    plan(true);
    const error = await (async () => {
      for await (const _ of provider.list({ strict: true })) void _;
    })().catch((caught: unknown) => caught);
    expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
  });

  it('leaves out a room deleted between its page and its state read', async () => {
    nock(origin)
      .get('/v2/rooms')
      .query(true)
      .reply(200, roomPage(['aaaa-aaaa-aaaa']));
    nock(origin).get('/v2/hls/aaaa-aaaa-aaaa/active').reply(402, { message: 'room not found' });
    const { provider } = setup();
    const streams: LiveStream[] = [];
    for await (const stream of provider.list()) streams.push(stream);
    expect(streams).toEqual([]);
  });
});

describe('videosdk v2 options given on a call that does not take them', () => {
  // They were "unknown field", though v2 takes each of them on another call.
  it('are refused before any request, saying which call takes them, directly and through a client', async () => {
    const cases = [
      ['start', 'customRoomId', 'RoomValueX1', 'customRoomId is set on create only (a room field)'],
      ['update', 'customRoomId', 'RoomValueX1', 'customRoomId is set on create only (a room field)'],
      [
        'update',
        'autoCloseConfig',
        { type: 'session-ends' },
        'autoCloseConfig is set on create only (a room field)',
      ],
      [
        'start',
        'webhook',
        { endPoint: 'https://a.example/h', events: ['hls-started'] },
        'webhook is set on create only (a room field)',
      ],
      ['start', 'disabled', true, 'disabled is an option of update only (it toggles the room)'],
      ['create', 'disabled', true, 'disabled is an option of update only (it toggles the room)'],
      [
        'create',
        'recording',
        true,
        "recording is a start option here; on create, give the input's own `recording`",
      ],
      [
        'update',
        'recording',
        true,
        "recording is a start option here; on update, give the input's own `recording`",
      ],
      [
        'create',
        'restream',
        [],
        "restream is a start option here; on create, give the input's own `restream`",
      ],
    ] as const;
    for (const [operation, field, value, message] of cases) {
      for (const through of ['directly', 'client'] as const) {
        const { provider, requests } = setup();
        const target = through === 'client' ? createLiveStreamClient(provider) : provider;
        const providerOptions = { videosdk: { [field]: value } } as never;
        const call =
          operation === 'start'
            ? target.start(room, { providerOptions })
            : operation === 'create'
              ? target.create({ name: 'x', providerOptions })
              : target.update(room, { providerOptions });
        const error = (await call.catch((caught: unknown) => caught)) as InvalidInputError;
        const at = operation === 'start' ? 'options.providerOptions' : 'providerOptions';
        expect(
          InvalidInputError.isInstance(error),
          `${operation} ${field} ${through}: ${String(error)}`,
        ).toBe(true);
        expect(error.issues).toEqual([
          { path: `${at}.videosdk.${field}`, message: `videosdk v2: ${message}` },
        ]);
        expect(requests).toEqual([]);
      }
    }
  });
});

describe('videosdk v2 options an update does not take', () => {
  // An update listed the room fields among those it takes, and refused a room field in words of its own only
  // when no other field was unknown. Now it reads them as create and start do: the first field no update
  // takes, in the order given, named for what it is, and the list names only what an update takes.
  it('are read as on create and start, listing only the fields an update takes', async () => {
    const unknown = {
      path: 'providerOptions.videosdk.bogusField',
      message:
        'videosdk v2: unknown field; expected one of layout, orientation, theme, mode, quality, disabled',
    };
    const misplaced = {
      path: 'providerOptions.videosdk.customRoomId',
      message: 'videosdk v2: customRoomId is set on create only (a room field)',
    };
    // Every one named, in the order given.
    for (const [videosdkOptions, issues] of [
      [{ bogusField: 1, customRoomId: 'RoomValueX1' }, [unknown, misplaced]],
      [{ customRoomId: 'RoomValueX1', bogusField: 1 }, [misplaced, unknown]],
    ] as const) {
      const { provider, requests } = setup();
      const error = (await provider
        .update(room, { providerOptions: { videosdk: videosdkOptions } } as never)
        .catch((caught: unknown) => caught)) as InvalidInputError;
      expect(error.issues).toEqual(issues);
      expect(JSON.stringify(error)).not.toContain('RoomValueX1');
      expect(requests).toEqual([]);
    }
  });
});

describe('videosdk v2 start, stop, update and delete', () => {
  it('start sends the held recording and composition, then starts the held restream targets', async () => {
    const { provider, requests } = setup();
    nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
    await provider.create({
      name: 'x',
      recording: true,
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      providerOptions: { videosdk: { quality: 'high', layout: { type: 'SPOTLIGHT' } } },
    });
    nock(origin)
      .post('/v2/hls/start', {
        roomId: room,
        config: { quality: 'high', layout: { type: 'SPOTLIGHT' }, recording: { enabled: true } },
      })
      .reply(200, body('v2-hls-start'));
    nock(origin)
      .post('/v2/livestreams/start', {
        roomId: room,
        outputs: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
        config: { layout: { type: 'SPOTLIGHT', priority: 'SPEAKER' } },
      })
      .reply(200, '"Livestream started successfully"', { 'content-type': 'application/json' });
    replay('v2-rooms-get', 'v2-hls-active.starting', 'v2-livestreams-list.running');
    const stream = await provider.start(room);
    expect(stream.state).toBe('starting');
    expect(stream.recording).toBe(true);
    expect(stream.warnings).toBeUndefined();
    expect(roomReadFirst(requests.map((request) => request.url))).toEqual([
      `${origin}/v2/rooms`,
      `${origin}/v2/hls/start`,
      `${origin}/v2/livestreams/start`,
      `${origin}/v2/rooms/${room}`,
      `${origin}/v2/hls/${room}/active`,
      `${origin}/v2/livestreams?roomId=${room}&sessionId=${session}&page=1&perPage=20`,
    ]);
  });

  // A room keeps none of its start settings: a process that did not create the stream (`unilive start`
  // after `unilive create`) gives them on start.
  it('a start from another process carries recording, composition and restream targets as start options', async () => {
    const creator = setup();
    nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
    const created = await creator.provider.create({ name: 'x', recording: true });
    expect(created.warnings?.find((warning) => warning.setting === 'recording')).toEqual({
      type: 'held-in-memory',
      setting: 'recording',
      message:
        'videosdk v2 keeps no recording on a room: this client holds it in memory and sends it when it starts the stream. A start from another process does not know it: give it there as start({ providerOptions: { videosdk: { recording } } })',
    });

    const { provider, requests } = setup();
    const target = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey };
    nock(origin)
      .post('/v2/hls/start', { roomId: room, config: { quality: 'high', recording: { enabled: true } } })
      .reply(200, body('v2-hls-start'));
    nock(origin)
      .post('/v2/livestreams/start', {
        roomId: room,
        outputs: [target],
        config: { layout: { type: 'GRID', priority: 'SPEAKER' } },
      })
      .reply(200, '"Livestream started successfully"', { 'content-type': 'application/json' });
    replay('v2-rooms-get', 'v2-hls-active.starting', 'v2-livestreams-list.running');
    const stream = await createLiveStreamClient(provider).start(room, {
      providerOptions: { videosdk: { recording: true, quality: 'high', restream: [target] } },
    });
    expect(stream.recording).toBe(true);
    expect(stream.warnings).toBeUndefined();
    expect(requests.map((request) => request.url).slice(0, 2)).toEqual([
      `${origin}/v2/hls/start`,
      `${origin}/v2/livestreams/start`,
    ]);
    // Held for the next start of this client: a restart sends the same.
    nock(origin)
      .post('/v2/hls/start', { roomId: room, config: { quality: 'high', recording: { enabled: true } } })
      .reply(409, { message: 'HLS is already running for this room.' });
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running');
    expect((await provider.start(room)).state).toBe('ready');
  });

  it('a start with nothing held and nothing given says the egress starts without recording or restream', async () => {
    const { provider, requests } = setup();
    replay(
      'v2-hls-start.error-subject',
      'v2-rooms-get',
      'v2-hls-active.starting',
      'v2-livestreams-list.running',
    );
    const stream = await provider.start(room);
    expect(requests[0]?.body).toEqual({ roomId: room });
    expect(stream.warnings?.map((warning) => warning.type)).toEqual(['held-in-memory']);
    expect(stream.warnings?.[0]?.message).toMatch(
      /^videosdk start: this client holds no start settings for the room .* give them as start\(\{ providerOptions: \{ videosdk: \{ recording, restream, … \} \} \}\)$/,
    );
    // This start sent no recording: the egress it started does not record.
    expect(stream.recording).toBe(false);
  });

  it('start options are checked before any request, and their restream keys are secrets from the start', async () => {
    const { provider, requests } = setup();
    const client = createLiveStreamClient(provider);
    const cases: [unknown, string][] = [
      [{ recording: 'yes' }, 'options.providerOptions.videosdk.recording'],
      [
        { restream: [{ url: 'https://x.example/live', streamKey: youtubeKey }] },
        'options.providerOptions.videosdk.restream.0.url',
      ],
      [{ customRoomId: 'r' }, 'options.providerOptions.videosdk.customRoomId'],
      [{ layout: { gridSize: 26 } }, 'options.providerOptions.videosdk.layout.gridSize'],
    ];
    for (const [options, path] of cases) {
      const error = (await client
        .start(room, { providerOptions: { videosdk: options } as never })
        .catch((caught: unknown) => caught)) as InvalidInputError;
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
      // A start's provider options are its call option, worded as every call option is.
      expect(error.message).toMatch(
        new RegExp(`^videosdk start: invalid options: ${path.replaceAll('.', '\\.')} \\(videosdk v2: `),
      );
      expect(errorTranscript(error)).not.toContain(youtubeKey);
    }
    expect(requests).toEqual([]);
  });

  it('v1 takes no start options: options under videosdk are refused before any request', async () => {
    const { provider, requests } = setup({ token, apiVersion: 'v1' });
    const error = (await createLiveStreamClient(provider)
      .start('6034a7dfa9cedd724c20cf67', { providerOptions: { videosdk: { recording: true } } })
      .catch((caught: unknown) => caught)) as InvalidInputError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['options.providerOptions.videosdk']);
    expect(requests).toEqual([]);
  });

  it('start of a running stream succeeds: the refusal is read back and the stream returned', async () => {
    const { provider } = setup();
    nock(origin).post('/v2/hls/start').reply(409, { message: 'HLS is already running for this room.' });
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.ended');
    expect((await provider.start(room)).state).toBe('ready');
  });

  it('start of a disabled room is ConflictError after one read of the room; a room gone stays NotFoundError', async () => {
    // No vendor page says how hls/start answers for a disabled room; the sandbox answers 404 "Room not
    // found." as for a missing one. One read of the room tells the two apart, whatever it answers.
    const outcomes = [
      { room: { status: 200, body: { ...body('v2-rooms-get'), disabled: true } }, conflict: true },
      { room: { status: 200, body: body('v2-rooms-get') }, conflict: false },
      { room: { status: 404, body: { message: 'Room not found.' } }, conflict: false },
      { room: { status: 503, body: { message: 'unavailable' } }, conflict: false },
    ];
    for (const refusal of [404, 402]) {
      for (const outcome of outcomes) {
        const { provider, calls } = setup();
        nock(origin).post('/v2/hls/start').reply(refusal, { message: 'Room not found.' });
        nock(origin).get(`/v2/rooms/${room}`).reply(outcome.room.status, outcome.room.body);
        const error = (await provider.start(room).catch((caught: unknown) => caught)) as UniliveError;
        const label = `${refusal}, room read ${outcome.room.status}`;
        expect(calls(), label).toEqual([`POST ${origin}/v2/hls/start`, `GET ${origin}/v2/rooms/${room}`]);
        // The vendor's refusal is kept whole: status, message, delivery; only the class tells the state.
        expect(error, label).toMatchObject({
          operation: 'start',
          status: refusal,
          vendorMessage: 'Room not found.',
          delivery: 'refused',
        });
        expect(ConflictError.isInstance(error), label).toBe(outcome.conflict);
        expect(NotFoundError.isInstance(error), label).toBe(!outcome.conflict);
        if (outcome.conflict) {
          expect(error.message).toBe(
            `videosdk start: room ${room} is disabled, so its HLS egress cannot start (the vendor answered HTTP ${refusal}: Room not found.); enable it first with update(id, { providerOptions: { videosdk: { disabled: false } } })`,
          );
        } else expect(error.message).toContain(`videosdk start failed (HTTP ${refusal})`);
      }
    }
  });

  it('a start refused for another reason reads nothing more', async () => {
    const { provider, calls } = setup();
    nock(origin)
      .post('/v2/hls/start')
      .reply(422, { message: 'layout.type must be SPOTLIGHT, SIDEBAR or GRID.' });
    const error = (await provider.start(room).catch((caught: unknown) => caught)) as UniliveError;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(calls()).toEqual([`POST ${origin}/v2/hls/start`]);
  });

  it('start of a stopping stream stays ConflictError', async () => {
    const { provider } = setup();
    nock(origin).post('/v2/hls/start').reply(409, { message: 'HLS is stopping.' });
    replay('v2-rooms-get', 'v2-hls-active.stopping', 'v2-livestreams-list.ended');
    const error = (await provider.start(room).catch((caught: unknown) => caught)) as UniliveError;
    expect(ConflictError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'start', status: 409, vendorMessage: 'HLS is stopping.' });
  });

  it('an accepted start whose restream or read-back fails is returned with warnings, not thrown', async () => {
    const { provider } = setup();
    nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
    await provider.create({
      name: 'x',
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    nock(origin).post('/v2/hls/start').reply(200, body('v2-hls-start'));
    nock(origin).post('/v2/livestreams/start').reply(422, { message: 'Please provide outputs.' });
    nock(origin).get(`/v2/rooms/${room}`).reply(503, { message: 'unavailable' });
    const stream = await provider.start(room);
    expect(stream.state).toBe('starting');
    expect(stream.playback).toEqual([]);
    expect(stream.warnings?.map((warning) => warning.setting ?? warning.type)).toEqual([
      'restream',
      'read-back-failed',
    ]);
    expect(stream.warnings?.[1]?.message).toContain(
      'videosdk start: the vendor accepted start (the HLS egress is starting), but reading the stream back failed',
    );
    // The WHIP ingest is built locally: the fallback still carries it.
    expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual(['webrtc']);
    expect(errorTranscript(stream.warnings)).not.toContain(youtubeKey);
  });

  it('stop ends the running RTMP-outs, then the HLS egress; a bare JSON string is a success', async () => {
    const { provider, calls, requests } = setup();
    replay(
      'v2-hls-active',
      'v2-livestreams-list.running',
      'v2-livestreams-end',
      'v2-hls-end',
      'v2-rooms-get',
      'v2-hls-active.stopping',
      'v2-livestreams-list.ended',
    );
    const stream = await provider.stop(room);
    expect(stream.state).toBe('stopping');
    expect(calls().slice(2, 4)).toEqual([`POST ${origin}/v2/livestreams/end`, `POST ${origin}/v2/hls/end`]);
    expect(requests[3]?.body).toEqual({ roomId: room });
  });

  it('stop of a stopped stream sends no end: it returns the stream', async () => {
    const { provider, calls } = setup();
    replay('v2-hls-active.none', 'v2-rooms-get', 'v2-hls-active.none');
    expect((await provider.stop(room)).state).toBe('stopped');
    expect(calls().every((call) => call.startsWith('GET'))).toBe(true);
  });

  it('update toggles the room with { status } and replaces a running restream', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .post(`/v2/rooms/${room}`, { status: 'disabled' })
      .reply(200, { ...body('v2-rooms-get'), disabled: true });
    nock(origin)
      .get(`/v2/rooms/${room}`)
      .reply(200, { ...body('v2-rooms-get'), disabled: true });
    replay('v2-hls-active.none');
    expect((await provider.update(room, { providerOptions: { videosdk: { disabled: true } } })).state).toBe(
      'disabled',
    );
    expect(requests[0]?.body).toEqual({ status: 'disabled' });

    const next = [{ url: 'rtmps://live.example/app', streamKey: 'new-key-0001' }];
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running', 'v2-livestreams-end');
    nock(origin)
      .post('/v2/livestreams/start', {
        roomId: room,
        outputs: next,
        config: { layout: { type: 'GRID', priority: 'SPEAKER' } },
      })
      .reply(200, '"Livestream started successfully"', { 'content-type': 'application/json' });
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running');
    await provider.update(room, { restream: next });
    expect(provider.secrets?.()).toContain('new-key-0001');
  });

  it('update of a stopped room holds recording for the next start, and says it lives in this process only', async () => {
    const { provider, requests } = setup();
    replay('v2-rooms-get', 'v2-hls-active.none');
    const stream = await provider.update(room, {
      recording: true,
      providerOptions: { videosdk: { quality: 'low' } },
    });
    expect(requests.map((request) => request.method)).toEqual(['GET', 'GET']);
    expect(stream.recording).toBe(true);
    // Nothing named the targets here and none run: the list is unknown in this process, so absent.
    expect(Object.hasOwn(stream, 'restream')).toBe(false);
    expect(stream.warnings?.map((warning) => [warning.type, warning.setting])).toEqual([
      ['held-in-memory', 'recording'],
      ['held-in-memory', 'providerOptions.videosdk.quality'],
    ]);
  });

  it('restream is [] wherever the list is known to be empty, and absent only where nothing tells it', async () => {
    // Created here without targets: [] on create, after update({ restream: [] }) and on a read.
    const here = setup();
    nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
    expect((await here.provider.create({ name: 'x' })).restream).toEqual([]);
    replay('v2-rooms-get', 'v2-hls-active.none');
    expect((await here.provider.update(room, { restream: [] })).restream).toEqual([]);
    replay('v2-rooms-get', 'v2-hls-active.none');
    expect((await here.provider.get(room)).restream).toEqual([]);
    // Another process: update({ restream: [] }) names the list, so it is known from then on.
    const other = setup();
    replay('v2-rooms-get', 'v2-hls-active.none');
    expect(Object.hasOwn(await other.provider.get(room), 'restream')).toBe(false);
    replay('v2-rooms-get', 'v2-hls-active.none');
    expect((await other.provider.update(room, { restream: [] })).restream).toEqual([]);
    // A running egress whose RTMP-outs have all ended: the vendor tells the list, empty.
    const third = setup();
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.ended');
    expect((await third.provider.get(room)).restream).toEqual([]);
  });

  it('update refuses room fields, which v2 sets on create only', async () => {
    const { provider, requests } = setup();
    const error = (await provider
      .update(room, { providerOptions: { videosdk: { customRoomId: 'x' } } as never })
      .catch((caught: unknown) => caught)) as InvalidInputError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['providerOptions.videosdk.customRoomId']);
    expect(requests).toEqual([]);
  });

  it('delete deactivates the room', async () => {
    const { provider, requests } = setup();
    replay('v2-rooms-deactivate');
    await expect(provider.delete(room)).resolves.toBeUndefined();
    expect(requests).toEqual([
      { method: 'POST', url: `${origin}/v2/rooms/deactivate`, body: { roomId: room } },
    ]);
  });

  // Found by the reliability matrix: a deactivate carried out whose answer was lost was repeated, found the
  // room gone, and reported NotFoundError.
  it('a delete whose answer was lost, repeated, takes the room gone as done; a first 404 stays NotFoundError', async () => {
    const { provider, requests } = setup({ token, retry: { maxRetries: 1, baseDelayMs: 1 } });
    nock(origin)
      .post('/v2/rooms/deactivate')
      .reply(503, { message: 'unavailable' })
      .post('/v2/rooms/deactivate')
      .reply(404, { message: 'Room not found.' });
    await expect(provider.delete(room)).resolves.toBeUndefined();
    expect(requests).toHaveLength(2);
    nock(origin).post('/v2/rooms/deactivate').reply(404, { message: 'Room not found.' });
    const error = await provider.delete(room).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error), String(error)).toBe(true);
    nock.cleanAll();
  });
});

describe('videosdk v2 recording', () => {
  // No v2 answer reports recording: it is what this client sent (create, start) or holds for the next start
  // (update), and absent where no call of this client named it (a room made or started in another process).
  type Step = { call: 'get' | 'list' } | { call: 'update' | 'start'; recording: boolean | undefined };
  const recording = fc.option(fc.boolean(), { nil: undefined });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ call: fc.constantFrom('get' as const, 'list' as const) }),
    fc.record({ call: fc.constantFrom('update' as const, 'start' as const), recording }),
  );
  const read = [`GET ${origin}/v2/rooms/${room}`, `GET ${origin}/v2/hls/${room}/active`];

  it('is present where this client named it or started the egress, absent where nothing did: create, get, update, start, list', async () => {
    await fc.assert(
      fc.asyncProperty(
        // null: the room was made in another process; otherwise the recording given to create here.
        fc.option(recording, { nil: null }),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        async (created, steps) => {
          const { provider, requests } = setup();
          const sent = () => {
            const made = requests.splice(0);
            return {
              calls: roomReadFirst(made.map((request) => `${request.method} ${request.url}`)),
              bodies: made.map((request) => request.body),
            };
          };
          // The model: undefined while no call of this client named the room's recording.
          let known: boolean | undefined;
          const expectRecording = (stream: LiveStream, label: string) => {
            if (known === undefined) expect(Object.hasOwn(stream, 'recording'), label).toBe(false);
            else expect(stream.recording, label).toBe(known);
          };
          if (created !== null) {
            nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
            const stream = await provider.create({
              name: 'x',
              ...(created === undefined ? {} : { recording: created }),
            });
            // The room keeps nothing: the create sends no recording, this client holds it for its start.
            expect(sent()).toEqual({ calls: [`POST ${origin}/v2/rooms`], bodies: [{}] });
            known = created ?? false;
            expectRecording(stream, 'create');
          }
          for (const [index, { call, ...given }] of steps.entries()) {
            const label = `${index}: ${call} ${JSON.stringify(given)}`;
            const option =
              'recording' in given && given.recording !== undefined ? given.recording : undefined;
            let stream: LiveStream;
            if (call === 'get') {
              replay('v2-rooms-get', 'v2-hls-active.none');
              stream = await provider.get(room);
              expect(sent().calls, label).toEqual(read);
            } else if (call === 'list') {
              nock(origin)
                .get('/v2/rooms')
                .query({ page: '1', perPage: '20' })
                .reply(200, {
                  pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 1 },
                  data: [body('v2-rooms-get')],
                });
              replay('v2-hls-active.none');
              const streams: LiveStream[] = [];
              for await (const listed of provider.list()) streams.push(listed);
              expect(
                streams.map((listed) => listed.id),
                label,
              ).toEqual([room]);
              stream = streams[0] as LiveStream;
              expect(sent().calls, label).toEqual([
                `GET ${origin}/v2/rooms?page=1&perPage=20`,
                `GET ${origin}/v2/hls/${room}/active`,
              ]);
            } else if (call === 'update') {
              replay('v2-rooms-get', 'v2-hls-active.none');
              // Without a recording, an update with nothing to change for this vendor (no patch is empty).
              stream = await provider.update(
                room,
                option === undefined ? { providerOptions: {} } : { recording: option },
              );
              // A stopped room: the update only reads; the flag waits for the next start.
              expect(sent().calls, label).toEqual(read);
              known = option ?? known;
            } else {
              // What the egress starts with: the flag given, else the one held, else none (not recording).
              const records = option ?? known ?? false;
              nock(origin).post('/v2/hls/start').reply(200, body('v2-hls-start'));
              replay('v2-rooms-get', 'v2-hls-active.none');
              stream = await provider.start(
                room,
                option === undefined ? undefined : { providerOptions: { videosdk: { recording: option } } },
              );
              const { calls, bodies } = sent();
              expect(calls, label).toEqual([`POST ${origin}/v2/hls/start`, ...read]);
              expect(bodies[0], label).toEqual(
                records ? { roomId: room, config: { recording: { enabled: true } } } : { roomId: room },
              );
              known = records;
            }
            expectRecording(stream, label);
          }
          expect(nock.pendingMocks()).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('videosdk v2 tokens', () => {
  it('signs API tokens with the v2 claims and a longer-lived WHIP token as the stream key', async () => {
    const apiKey = 'api-key-0001-v2';
    const secret = 'secret-0001-v2-test';
    const start = 1_758_395_748_000;
    const headers: string[] = [];
    const provider = videosdk({
      apiKey,
      secret,
      now: () => start,
      retry: { maxRetries: 0 },
      fetch: (input, init) => {
        headers.push(String(new Request(input, init).headers.get('authorization')));
        return fetch(input, init);
      },
    });
    // The fixtures carry the fixed token; these requests carry signed ones.
    nock(origin).get(`/v2/rooms/${room}`).reply(200, body('v2-rooms-get'));
    nock(origin).get(`/v2/hls/${room}/active`).reply(404, { message: 'HLS not found.' });
    const stream = await provider.get(room);
    expect(decodeJwt(headers[0] ?? '')).toEqual({
      apikey: apiKey,
      permissions: ['allow_join', 'allow_mod'],
      version: 2,
      roles: ['crawler'],
      iat: 1_758_395_748,
      exp: 1_758_396_348,
    });
    const key = stream.ingest[0]?.streamKey ?? '';
    expect(decodeJwt(key)).toMatchObject({ version: 2, roles: ['crawler'], exp: 1_758_399_348 });
    expect(provider.secrets?.()).toEqual(expect.arrayContaining([headers[0], key]));
  });

  it('the WHIP URL follows baseUrl, as the vendor SDK builds it from its API endpoint', async () => {
    const { provider } = setup({ token, baseUrl: 'https://proxy.example/videosdk/' });
    nock('https://proxy.example').post('/videosdk/v2/rooms').reply(200, body('v2-rooms-create'));
    const stream = await provider.create({ name: 'x' });
    const url = `https://proxy.example/videosdk/v2/whip?roomId=${room}&participantId=unilive-whip`;
    expect(stream.ingest).toEqual([{ protocol: 'webrtc', url, server: url, streamKey: token, token }]);
  });
});
