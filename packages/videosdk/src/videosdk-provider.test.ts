import { fileURLToPath } from 'node:url';
import {
  AuthenticationError,
  ChangeAppliedError,
  ConflictError,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStream,
  type LiveStreamProvider,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  type UniliveError,
  UnsupportedOperationError,
} from '@unilive/core';
import { errorTranscript, type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import defaultExport, { videosdk, videosdkV1Capabilities } from './index.js';
import type { VideosdkSettings } from './videosdk-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const origin = 'https://api.videosdk.live';
const token = fixture('get-livestream').request.headers?.authorization ?? '';
const id = '6034a7dfa9cedd724c20cf67';
const key = 'd492a9ed-84ce-448c-84dd-718bdea724a5';
const youtubeKey = '0tjp-h6a2-8c9d-vusv-01uu';

interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A `fetch` that records every request exactly as sent, then lets nock answer it. */
function recordingFetch() {
  const requests: RecordedRequest[] = [];
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: text ? JSON.parse(text) : undefined,
    });
    return fetch(request);
  };
  return { fetch: spy, requests };
}

function setup(settings: VideosdkSettings = { token }) {
  const recorder = recordingFetch();
  const provider = videosdk({
    apiVersion: 'v1',
    retry: { maxRetries: 0 },
    ...settings,
    fetch: recorder.fetch,
  } as VideosdkSettings);
  return { provider, requests: recorder.requests };
}

async function collect(streams: AsyncIterable<LiveStream>): Promise<LiveStream[]> {
  const all: LiveStream[] = [];
  for await (const stream of streams) all.push(stream);
  return all;
}

const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};

const getHeaders = { accept: 'application/json', authorization: token };
const postHeaders = { ...getHeaders, 'content-type': 'application/json' };

const lifecycleStream = (name: string, updatedAt: string, raw: unknown): LiveStream => ({
  id,
  provider: 'videosdk',
  name,
  state: 'ready',
  ingest: [
    {
      protocol: 'rtmp',
      url: `rtmp://live.videosdk.live/live/${key}`,
      server: 'rtmp://live.videosdk.live/live',
      streamKey: key,
    },
  ],
  playback: [
    { protocol: 'hls', url: `https://live.videosdk.live/live/${key}/index.m3u8` },
    {
      protocol: 'hls',
      url: `https://live.videosdk.live/live/${key}/storage/index.m3u8`,
      rendition: 'recording',
    },
  ],
  recording: true,
  // The vendor's `_id` of the target, as every fixture carries it.
  restream: [
    { url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey, id: '60e2fed0135c9810f490f3b6' },
  ],
  createdAt: new Date('2021-02-23T06:59:43.049Z'),
  updatedAt: new Date(updatedAt),
  raw,
});

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET']) vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every recorded exchange was requested').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('videosdk provider', () => {
  it('is the package default export, with v1 capabilities when v1 is chosen', () => {
    expect(defaultExport).toBe(videosdk);
    const provider = videosdk({ token, apiVersion: 'v1' });
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('videosdk');
    expect(provider.capabilities).toEqual({
      lifecycle: 'always-on',
      start: false,
      stop: false,
      restart: false,
      update: true,
      delete: true,
      recording: true,
      restream: true,
      regions: false,
      lowLatency: false,
      broadcastingStatus: false,
      broadcastingEvents: false,
      names: true,
      ingestProtocols: ['rtmp'],
      playbackProtocols: ['hls'],
      maxNameLength: 200,
      states: ['ready'],
      updatable: ['name', 'recording'],
    });
    expect(provider.capabilities).toBe(videosdkV1Capabilities);
    expect(provider.getStatus).toBeUndefined();
  });

  describe('create', () => {
    it('posts the v1 guide body and maps the stream, restream targets included', async () => {
      const { provider, requests } = setup();
      replay('create-livestream');
      const stream = await provider.create({
        name: 'Nickname for livestream',
        recording: true,
        restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      });
      expect(requests).toEqual([
        {
          method: 'POST',
          url: `${origin}/v1/livestreams`,
          headers: postHeaders,
          body: {
            name: 'Nickname for livestream',
            record: true,
            restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }],
          },
        },
      ]);
      expect(stream).toEqual(
        lifecycleStream(
          'Nickname for livestream',
          '2021-02-23T06:59:43.049Z',
          fixture('create-livestream').response.body,
        ),
      );
      expect(provider.secrets?.()).toEqual(expect.arrayContaining([token, key, youtubeKey]));
    });

    it('sends only the name when nothing else is asked', async () => {
      const { provider, requests } = setup();
      nock(origin)
        .post('/v1/livestreams', { name: 'plain' })
        .reply(200, { ...(fixture('create-livestream').response.body as object), name: 'plain' });
      const stream = await provider.create({ name: 'plain' });
      expect(requests[0]?.body).toEqual({ name: 'plain' });
      expect(stream.name).toBe('plain');
    });

    it('reads the 2021 guide shape: no streamUrl, zujonow hosts, recordingUrl while not recording', async () => {
      const { provider } = setup();
      replay('create-livestream.2021');
      const stream = await provider.create({
        name: 'Nickname for livestream',
        recording: true,
        restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      });
      const guideKey = 'e83fb175-5606-4ee5-b960-aacfce300ba6';
      expect(stream).toEqual({
        id: '60e2fe88135c9810f490f3b4',
        provider: 'videosdk',
        name: 'zujo',
        state: 'ready',
        ingest: [
          {
            protocol: 'rtmp',
            url: `rtmp://live.zujonow.com/live/${guideKey}`,
            server: 'rtmp://live.zujonow.com/live',
            streamKey: guideKey,
          },
        ],
        // record is false, yet the vendor sends the recording URL: it is listed as sent.
        playback: [
          { protocol: 'hls', url: `https://live.zujonow.com/live/${guideKey}/index.m3u8` },
          {
            protocol: 'hls',
            url: `https://live.zujonow.com/live/${guideKey}/storage/index.m3u8`,
            rendition: 'recording',
          },
        ],
        recording: false,
        restream: [
          { url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey, id: '60e2fed0135c9810f490f3b6' },
        ],
        createdAt: new Date('2021-07-05T12:43:52.921Z'),
        updatedAt: new Date('2021-07-05T12:45:04.379Z'),
        raw: fixture('create-livestream.2021').response.body,
      });
    });

    it('reads the 2022 shape: the server comes from streamUrl, without its trailing slash', async () => {
      const { provider } = setup();
      replay('create-livestream.2022');
      const stream = await provider.create({
        name: 'Nickname for livestream',
        recording: true,
        restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      });
      expect(stream.ingest).toEqual([
        {
          protocol: 'rtmp',
          url: 'rtmp://live.videosdk.live/live/e83fb175-5606-4ee5-b960-aacfce300ba6',
          server: 'rtmp://live.videosdk.live/live',
          streamKey: 'e83fb175-5606-4ee5-b960-aacfce300ba6',
        },
      ]);
      expect(stream.name).toBe('videosdk');
    });

    it('warns that lowLatency was ignored, and sends nothing for it', async () => {
      const { provider } = setup();
      replay('create-livestream');
      const stream = await provider.create({
        name: 'Nickname for livestream',
        recording: true,
        lowLatency: true,
        ingestProtocol: 'rtmp',
        providerOptions: { liveapi: { anything: true } },
        restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      });
      expect(stream.warnings).toEqual([
        {
          type: 'unsupported-setting',
          setting: 'lowLatency',
          message:
            'videosdk v1 plays back over standard HLS only and has no low-latency mode; lowLatency was ignored',
        },
      ]);
    });

    it('warns that region was not sent: v1 has no region choice, and a region is a placement hint', async () => {
      const { provider, requests } = setup();
      replay('create-livestream');
      const restream = [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey }];
      const stream = await provider.create({
        name: 'Nickname for livestream',
        recording: true,
        region: 'eu',
        restream,
      });
      expect(requests[0]?.body).toEqual({ name: 'Nickname for livestream', record: true, restream });
      expect(stream.warnings).toEqual([
        {
          type: 'unsupported-setting',
          setting: 'region',
          message: 'videosdk v1 has no region choice (allowed values: none); region was not sent',
        },
      ]);
    });

    it('maps null and absent optional fields to absent neutral fields', async () => {
      const { provider } = setup();
      const raw = {
        id: 'abc123',
        name: null,
        record: null,
        streamKey: null,
        streamUrl: null,
        upstreamUrl: 'rtmp://live.videosdk.live/live/k-1234',
        downstreamUrl: null,
        recordingUrl: 'https://live.videosdk.live/live/k-1234/storage/index.m3u8',
        restream: [{ id: 'r1', url: 'rtmp://a.example/live', streamKey: 'rs-key-1' }],
        createdAt: 'not a date',
      };
      nock(origin).post('/v1/livestreams').reply(200, raw);
      const stream = await provider.create({ name: 'x' });
      expect(stream).toEqual({
        id: 'abc123',
        provider: 'videosdk',
        state: 'ready',
        ingest: [
          {
            protocol: 'rtmp',
            url: 'rtmp://live.videosdk.live/live/k-1234',
            server: 'rtmp://live.videosdk.live/live',
            streamKey: 'k-1234',
          },
        ],
        playback: [
          {
            protocol: 'hls',
            url: 'https://live.videosdk.live/live/k-1234/storage/index.m3u8',
            rendition: 'recording',
          },
        ],
        // The schema table's `id` is read as the target's id, as the examples' `_id` is.
        restream: [{ url: 'rtmp://a.example/live', streamKey: 'rs-key-1', id: 'r1' }],
        raw,
      });
    });

    it('throws ResponseShapeError naming the path when the ingest URL is missing', async () => {
      const { provider } = setup();
      nock(origin).post('/v1/livestreams').reply(200, { id: 'abc', name: 'x' });
      const error = await provider.create({ name: 'x' }).catch((caught: unknown) => caught);
      expect(ResponseShapeError.isInstance(error), String(error)).toBe(true);
      expect((error as ResponseShapeError).issues.map((issue) => issue.path)).toEqual(['upstreamUrl']);
    });
  });

  describe('get, start and stop', () => {
    it('get fetches one stream', async () => {
      const { provider, requests } = setup();
      replay('get-livestream');
      const stream = await provider.get(id);
      expect(requests).toEqual([
        { method: 'GET', url: `${origin}/v1/livestreams/${id}`, headers: getHeaders, body: undefined },
      ]);
      expect(stream).toEqual(
        lifecycleStream(
          'Nickname for livestream',
          '2021-02-23T06:59:43.049Z',
          fixture('get-livestream').response.body,
        ),
      );
    });

    it('start only fetches the stream, which is ready: v1 has no start call', async () => {
      const { provider, requests } = setup();
      replay('get-livestream.renamed');
      const stream = await provider.start(id);
      expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
        `GET ${origin}/v1/livestreams/${id}`,
      ]);
      expect(stream.state).toBe('ready');
      expect(stream.name).toBe('Nickname for livestream (renamed)');
    });

    it('start of an unknown stream throws NotFoundError for start', async () => {
      const { provider } = setup();
      replay('get-livestream.404');
      const error = (await provider.start(id).catch((caught: unknown) => caught)) as UniliveError;
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(error.operation).toBe('start');
    });

    it('stop throws UnsupportedOperationError suggesting delete, and sends nothing', async () => {
      const { provider, requests } = setup();
      const error = (await provider.stop(id).catch((caught: unknown) => caught)) as UniliveError;
      expect(UnsupportedOperationError.isInstance(error)).toBe(true);
      expect(error.provider).toBe('videosdk');
      expect(error.operation).toBe('stop');
      expect(error.message).toContain('videosdk v1 has no stop call');
      expect(error.message).toContain('use delete');
      expect(requests).toEqual([]);
    });
  });

  describe('list', () => {
    it('asks for page 1 with the documented default page size and yields every stream', async () => {
      const { provider, requests } = setup();
      replay('list-livestreams');
      const streams = [];
      for await (const stream of provider.list()) streams.push(stream);
      expect(requests).toEqual([
        {
          method: 'GET',
          url: `${origin}/v1/livestreams?page=1&perPage=20`,
          headers: getHeaders,
          body: undefined,
        },
      ]);
      expect(streams.map((stream) => stream.id)).toEqual(['60348faca9cedd724c20cf66', id]);
      const body = fixture('list-livestreams').response.body as { data: unknown[] };
      expect(streams[1]).toEqual(
        lifecycleStream('Nickname for livestream', '2021-02-23T06:59:43.049Z', body.data[1]),
      );
    });

    it('walks every page lazily until the last one', async () => {
      const { provider, requests } = setup();
      replay('list-livestreams.page-1-of-2', 'list-livestreams.page-2-of-2');
      const iterator = provider.list({ pageSize: 2 })[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.id).toBe('60348faca9cedd724c20cf66');
      expect(requests).toHaveLength(1);
      expect((await iterator.next()).value?.id).toBe(id);
      expect((await iterator.next()).value?.id).toBe('60e2fe88135c9810f490f3b4');
      expect(requests).toHaveLength(2);
      expect((await iterator.next()).done).toBe(true);
      expect(requests.map((request) => request.url)).toEqual([
        `${origin}/v1/livestreams?page=1&perPage=2`,
        `${origin}/v1/livestreams?page=2&perPage=2`,
      ]);
    });

    it('caps the page size at 25, the largest the vendor samples use', async () => {
      const { provider } = setup();
      nock(origin)
        .get('/v1/livestreams')
        .query({ page: '1', perPage: '25' })
        .reply(200, { pageInfo: { currentPage: 1, perPage: 25, lastPage: 1 }, data: [] });
      expect(await collect(provider.list({ pageSize: 500 }))).toEqual([]);
    });

    // Found by the reliability suite: NaN reached the vendor as perPage=NaN. Called directly, a page size
    // that is no positive integer is now refused as a client refuses it, with the same error.
    it('refuses a page size that is not a finite number as a client does, sending nothing', async () => {
      const { provider, requests } = setup();
      for (const pageSize of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const direct = await collect(provider.list({ pageSize })).catch((error: unknown) => error);
        const viaClient = await collect(createLiveStreamClient(provider).list({ pageSize })).catch(
          (error: unknown) => error,
        );
        expect(direct).toBeInstanceOf(InvalidInputError);
        expect(direct).toMatchObject({
          message: 'videosdk list: invalid options: options.pageSize (expected a positive integer)',
          issues: [{ path: 'options.pageSize', message: 'expected a positive integer' }],
          delivery: 'not-sent',
        });
        expect((direct as Error).message).toBe((viaClient as Error).message);
      }
      expect(requests).toHaveLength(0);
    });

    it("stops after one answer in the guide's unpaged form ({ data } alone)", async () => {
      const { provider, requests } = setup();
      const item = (fixture('get-livestream').response.body as object) ?? {};
      nock(origin)
        .get('/v1/livestreams')
        .query(true)
        .reply(200, { data: [item] });
      expect(await collect(provider.list())).toHaveLength(1);
      expect(requests).toHaveLength(1);
    });

    it('stops when the vendor answers another page than asked, yielding each stream once', async () => {
      const { provider, requests } = setup();
      const item = fixture('get-livestream').response.body;
      const page = { pageInfo: { currentPage: 1, perPage: 1, lastPage: 3 }, data: [item] };
      nock(origin).get('/v1/livestreams').query(true).times(2).reply(200, page);
      const streams = await collect(provider.list({ pageSize: 1 }));
      expect(streams.map((stream) => stream.id)).toEqual([id]);
      expect(requests).toHaveLength(2);
    });

    it('yields each stream once when lastPage is 3 and every page repeats the first, and says so', async () => {
      const { provider } = setup();
      const item = fixture('get-livestream').response.body as object;
      nock(origin)
        .get('/v1/livestreams')
        .query({ page: '1', perPage: '1' })
        .reply(200, { pageInfo: { currentPage: 1, perPage: 1, lastPage: 3 }, data: [item] })
        .get('/v1/livestreams')
        .query({ page: '2', perPage: '1' })
        .reply(200, { pageInfo: { currentPage: 2, perPage: 1, lastPage: 3 }, data: [item] });
      const warnings: string[] = [];
      const streams = await collect(
        provider.list({
          pageSize: 1,
          runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.type) } },
        }),
      );
      expect(streams.map((stream) => stream.id)).toEqual([id]);
      expect(warnings).toEqual(['incomplete-list']);
    });

    it('yields a stream once when pages shift while walking ([a, b] then [b, c])', async () => {
      const { provider } = setup();
      const item = (streamId: string) => ({
        ...(fixture('get-livestream').response.body as object),
        id: streamId,
      });
      nock(origin)
        .get('/v1/livestreams')
        .query({ page: '1', perPage: '2' })
        .reply(200, { pageInfo: { currentPage: 1, perPage: 2, lastPage: 2 }, data: [item('a'), item('b')] })
        .get('/v1/livestreams')
        .query({ page: '2', perPage: '2' })
        .reply(200, { pageInfo: { currentPage: 2, perPage: 2, lastPage: 2 }, data: [item('b'), item('c')] });
      const streams = await collect(provider.list({ pageSize: 2 }));
      expect(streams.map((stream) => stream.id)).toEqual(['a', 'b', 'c']);
    });

    it('skips a record whose id it would not put in a URL, reports it, and lists the rest', async () => {
      const { provider } = setup();
      const item = (streamId: string) => ({
        ...(fixture('get-livestream').response.body as object),
        id: streamId,
      });
      nock(origin)
        .get('/v1/livestreams')
        .query(true)
        .reply(200, { data: [item('a'), item('legacy:bbbb2222'), item('c')] });
      const warnings: string[] = [];
      const streams = await collect(
        provider.list({ runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.message) } } }),
      );
      expect(streams.map((stream) => stream.id)).toEqual(['a', 'c']);
      expect(warnings).toEqual([
        'videosdk list: record 2 of page 1 was skipped: id (expected a stream id (1-128 letters, digits, "_", "-", "." or "~"))',
      ]);
      nock(origin)
        .get('/v1/livestreams')
        .query(true)
        .reply(200, { data: [item('a'), item('legacy:bbbb2222')] });
      const error = await collect(provider.list({ strict: true })).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ResponseShapeError', operation: 'list' });
    });

    it('stops on an empty page even if lastPage says more, and reads page numbers sent as strings', async () => {
      const { provider, requests } = setup();
      nock(origin)
        .get('/v1/livestreams')
        .query(true)
        .reply(200, { pageInfo: { currentPage: '1', perPage: '20', lastPage: '9' }, data: [] });
      expect(await collect(provider.list())).toEqual([]);
      expect(requests).toHaveLength(1);
    });
  });

  describe('update', () => {
    it('posts the new name to the stream', async () => {
      const { provider, requests } = setup();
      replay('update-livestream');
      const stream = await provider.update(id, { name: 'Nickname for livestream (renamed)' });
      expect(requests).toEqual([
        {
          method: 'POST',
          url: `${origin}/v1/livestreams/${id}`,
          headers: postHeaders,
          body: { name: 'Nickname for livestream (renamed)' },
        },
      ]);
      expect(stream).toEqual(
        lifecycleStream(
          'Nickname for livestream (renamed)',
          '2021-02-23T07:05:12.311Z',
          fixture('update-livestream').response.body,
        ),
      );
    });

    describe('restream: the list is the whole set of targets; v1 cannot change it after create', () => {
      const current = { url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: youtubeKey };
      const other = { url: 'rtmp://live.twitch.tv/app', streamKey: 'live_1234_twitch-secret' };
      const withoutTargets = {
        ...(fixture('get-livestream').response.body as Record<string, unknown>),
        restream: [],
      };

      it.each([
        ['the targets it has', [current], 'get-livestream'],
        ['[] on a stream without targets', [], 'none'],
      ] as const)('%s: accepted, nothing sent to change them', async (_, restream, answer) => {
        const { provider, requests } = setup();
        if (answer === 'none') nock(origin).get(`/v1/livestreams/${id}`).reply(200, withoutTargets);
        else replay('get-livestream');
        const stream = await provider.update(id, { restream: [...restream] });
        expect(requests.map((request) => request.method)).toEqual(['GET']);
        expect(stream.id).toBe(id);
      });

      it.each([
        ['[] on a stream with a target', []],
        ['a new target', [current, other]],
        ['another target', [other]],
      ] as const)('%s: InvalidInputError after the read, nothing changed', async (_, restream) => {
        const { provider, requests } = setup();
        replay('get-livestream');
        const error = await provider
          .update(id, { name: 'renamed', restream: [...restream] })
          .catch((caught: unknown) => caught);
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['restream']);
        expect((error as InvalidInputError).delivery).toBe('not-sent');
        expect(requests.map((request) => request.method)).toEqual(['GET']);
      });
    });

    it('an update answered 200 with no stream was accepted: read back; if that fails, ChangeAppliedError naming it', async () => {
      const { provider, requests } = setup();
      nock(origin).post(`/v1/livestreams/${id}`).reply(200, {});
      replay('get-livestream');
      const stream = await provider.update(id, { name: 'renamed', recording: true });
      expect(requests.map((request) => request.method)).toEqual(['POST', 'GET']);
      expect(stream.id).toBe(id);

      nock(origin).post(`/v1/livestreams/${id}`).reply(204);
      nock(origin).get(`/v1/livestreams/${id}`).reply(503, { message: 'unavailable' });
      const error = (await provider
        .update(id, { name: 'renamed', recording: true })
        .catch((caught: unknown) => caught)) as ChangeAppliedError;
      expect(ChangeAppliedError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({
        streamId: id,
        applied: ['name', 'recording'],
        unknown: [],
        notApplied: [],
      });
    });

    it("sends the reference's name and record body", async () => {
      const { provider } = setup();
      replay('update-livestream.docs');
      const stream = await provider.update(id, { name: 'Nickname for livestream', recording: true });
      expect(stream.recording).toBe(true);
    });

    it('is retried after a 503: setting the same values twice is harmless', async () => {
      const { provider, requests } = setup({ token, retry: { maxRetries: 1, baseDelayMs: 1 } });
      interceptFixture(nock(origin), {
        ...fixture('update-livestream'),
        response: { status: 503, body: { message: 'unavailable' } },
      });
      replay('update-livestream');
      await provider.update(id, { name: 'Nickname for livestream (renamed)' });
      expect(requests).toHaveLength(2);
    });

    it('with only a soft gap sends no empty update: it returns the stream with the warning', async () => {
      const { provider, requests } = setup();
      replay('get-livestream');
      const stream = await provider.update(id, { lowLatency: true });
      expect(requests.map((request) => request.method)).toEqual(['GET']);
      expect(stream.warnings?.map((warning) => warning.setting)).toEqual(['lowLatency']);
    });
  });

  describe('delete', () => {
    it('deletes the stream and resolves with nothing', async () => {
      const { provider, requests } = setup();
      replay('delete-livestream');
      await expect(provider.delete(id)).resolves.toBeUndefined();
      expect(requests).toEqual([
        { method: 'DELETE', url: `${origin}/v1/livestreams/${id}`, headers: getHeaders, body: undefined },
      ]);
    });

    it('accepts 204 with no body', async () => {
      const { provider } = setup();
      nock(origin).delete(`/v1/livestreams/${id}`).reply(204);
      await expect(provider.delete(id)).resolves.toBeUndefined();
    });
  });

  describe('vendor errors', () => {
    const cases = [
      ['get-livestream.401', AuthenticationError, 401, '`token` is invalid.'],
      [
        'get-livestream.403',
        AuthenticationError,
        403,
        'Unauthorised access, please provide a valid token payload.',
      ],
      ['get-livestream.402', NotFoundError, 402, 'Livestream not found.'],
      ['get-livestream.404', NotFoundError, 404, 'Livestream not found.'],
      ['get-livestream.429', RateLimitError, 429, 'Too many requests.'],
      ['get-livestream.500', ProviderUnavailableError, 500, 'Internal server error.'],
    ] as const;
    for (const [name, type, status, message] of cases) {
      it(`${name}: HTTP ${status} becomes ${type.kind} with the vendor's message`, async () => {
        const { provider } = setup();
        replay(name);
        const error = (await provider.get(id).catch((caught: unknown) => caught)) as UniliveError;
        expect(type.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({
          provider: 'videosdk',
          operation: 'get',
          status,
          vendorMessage: message,
        });
        expect(error.message).toBe(`videosdk get failed (HTTP ${status}): ${message}`);
      });
    }

    it('create-livestream.400: a refused body becomes InvalidInputError with the vendor message', async () => {
      const { provider } = setup();
      // The recorded refusal (of a nameless body, which core's check now stops before any request, through a
      // client and directly alike) answered to a create unilive accepts: the vendor may refuse what
      // unilive's check lets through, and its words reach the caller as they would then.
      const refusal = fixture('create-livestream.400');
      nock(origin)
        .post('/v1/livestreams', { name: 'unilive refused', record: true })
        .reply(refusal.response.status, refusal.response.body as nock.Body);
      const error = (await provider
        .create({ name: 'unilive refused', recording: true })
        .catch((caught: unknown) => caught)) as UniliveError;
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({
        status: 400,
        vendorMessage: 'Please provide a valid name in body params.',
      });
    });

    it('406 (the vendor\'s "fetch_error") becomes ProviderUnavailableError', async () => {
      const { provider } = setup();
      nock(origin).get(`/v1/livestreams/${id}`).reply(406, { message: 'Failed to get session details.' });
      const error = await provider.get(id).catch((caught: unknown) => caught);
      expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    });

    it('409 becomes ConflictError', async () => {
      const { provider } = setup();
      nock(origin).get(`/v1/livestreams/${id}`).reply(409, { message: 'conflict' });
      const error = await provider.get(id).catch((caught: unknown) => caught);
      expect(ConflictError.isInstance(error), String(error)).toBe(true);
    });

    it('reads error, msg, statusMessage, nested error objects, codes and plain text tolerantly', async () => {
      const { provider } = setup();
      const bodies: [unknown, { vendorMessage?: string; vendorCode?: string }][] = [
        [
          { error: 'Bad thing', code: 'invalid_params' },
          { vendorMessage: 'Bad thing', vendorCode: 'invalid_params' },
        ],
        [
          { msg: 'From msg', errorCode: 4001 },
          { vendorMessage: 'From msg', vendorCode: '4001' },
        ],
        [{ statusMessage: 'From statusMessage' }, { vendorMessage: 'From statusMessage' }],
        [{ error: { message: 'Nested', code: 'x_code' } }, { vendorMessage: 'Nested', vendorCode: 'x_code' }],
        ['  plain text failure  ', { vendorMessage: 'plain text failure' }],
      ];
      for (const [body, expected] of bodies) {
        nock(origin)
          .get(`/v1/livestreams/${id}`)
          .reply(400, typeof body === 'string' ? body : JSON.stringify(body));
        const error = (await provider.get(id).catch((caught: unknown) => caught)) as UniliveError;
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect({ vendorMessage: error.vendorMessage, vendorCode: error.vendorCode }).toEqual({
          vendorCode: undefined,
          ...expected,
        });
      }
    });

    it('an HTML error page yields only the status', async () => {
      const { provider } = setup();
      nock(origin)
        .get(`/v1/livestreams/${id}`)
        .reply(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' });
      const error = (await provider.get(id).catch((caught: unknown) => caught)) as UniliveError;
      expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      expect(error.message).not.toContain('<html>');
    });
  });

  describe('inputs videosdk cannot honour fail before any request', () => {
    const cases: [string, (provider: ReturnType<typeof videosdk>) => Promise<unknown>, string][] = [
      [
        'a non-RTMP ingest protocol',
        (provider) => provider.create({ name: 'x', ingestProtocol: 'srt' }),
        'ingestProtocol',
      ],
      [
        'a videosdk provider option',
        (provider) => provider.create({ name: 'x', providerOptions: { videosdk: { userId: 'u' } } as never }),
        // The entry, as a client names it: v1 takes no option, whatever its name.
        'providerOptions.videosdk',
      ],
      ['an unsafe id', (provider) => provider.get('../other'), 'id'],
      ['an unsafe id on delete', (provider) => provider.delete('a/b'), 'id'],
    ];
    for (const [label, run, path] of cases) {
      it(label, async () => {
        const { provider, requests } = setup();
        const error = (await run(provider).catch((caught: unknown) => caught)) as InvalidInputError;
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(error.provider).toBe('videosdk');
        expect(error.issues.map((issue) => issue.path)).toEqual([path]);
        expect(requests).toEqual([]);
      });
    }

    it('refuses any option in the words of a client, called directly or through one', async () => {
      type Writer = Pick<LiveStreamProvider, 'create' | 'update'>;
      const { provider } = setup();
      for (const [operation, run] of [
        [
          'create',
          (target: Writer) =>
            target.create({ name: 'x', providerOptions: { videosdk: { foo: 1 } } as never }),
        ],
        [
          'update',
          (target: Writer) => target.update(id, { providerOptions: { videosdk: { foo: 1 } } as never }),
        ],
      ] as const) {
        const targets: Writer[] = [provider, createLiveStreamClient(provider)];
        for (const target of targets) {
          const option = await run(target).catch((caught: unknown) => caught);
          expect(String(option)).toBe(
            `InvalidInputError: Invalid input for ${operation}: providerOptions.videosdk: videosdk takes no provider options`,
          );
        }
      }
    });

    it("refuses a start's provider options without sending the caller to create or update, which refuse them too", async () => {
      const { provider, requests } = setup();
      expect(provider.providerOptionsOn).toEqual([]);
      const options = { providerOptions: { videosdk: { recording: true } } } as never;
      for (const start of [
        () => provider.start(id, options),
        () => createLiveStreamClient(provider).start(id, options),
      ]) {
        const error = (await start().catch((caught: unknown) => caught)) as InvalidInputError;
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(error.message).toBe(
          'videosdk start: invalid options: options.providerOptions.videosdk (videosdk takes no provider options)',
        );
      }
      expect(requests).toEqual([]);
      // v2 takes them on start.
      expect(videosdk({ token, apiVersion: 'v2' }).providerOptionsOn).toEqual(['create', 'update', 'start']);
    });
  });

  describe('settings', () => {
    it('rejects an unknown apiVersion, naming the allowed ones', () => {
      expect(() => videosdk({ token, apiVersion: 'v3' as 'v1' })).toThrow(
        /unsupported `apiVersion`; expected one of v1, v2/,
      );
    });

    it('rejects a token lifetime outside 120..86400 seconds', () => {
      for (const tokenTtlSeconds of [60, 86_401, 600.5]) {
        expect(() => videosdk({ apiKey: 'k', secret: 's', tokenTtlSeconds })).toThrow(InvalidInputError);
      }
    });

    it('takes a baseUrl, for the sandbox and proxies', async () => {
      const recorder = recordingFetch();
      const provider = videosdk({
        token,
        apiVersion: 'v1',
        baseUrl: 'https://proxy.example/videosdk',
        fetch: recorder.fetch,
      });
      nock('https://proxy.example')
        .get(`/videosdk/v1/livestreams/${id}`)
        .reply(200, fixture('get-livestream').response.body);
      await provider.get(id);
      expect(recorder.requests[0]?.url).toBe(`https://proxy.example/videosdk/v1/livestreams/${id}`);
    });
  });

  describe('credentials', () => {
    const expectNoRequest = async (
      settings: VideosdkSettings,
      type: typeof UniliveError,
      pattern: RegExp,
    ) => {
      const { provider, requests } = setup(settings);
      const error = (await provider.get(id).catch((caught: unknown) => caught)) as UniliveError;
      expect(type.isInstance(error), String(error)).toBe(true);
      expect(error.message).toMatch(pattern);
      expect(requests).toEqual([]);
      return error;
    };

    it('missing everywhere: AuthenticationError naming every setting and variable, before any request', async () => {
      await expectNoRequest(
        {},
        AuthenticationError,
        /no credentials configured; pass the `token` setting or VIDEOSDK_TOKEN, or the `apiKey` and `secret` settings or VIDEOSDK_API_KEY and VIDEOSDK_SECRET/,
      );
    });

    it('an apiKey without a secret names the secret', async () => {
      await expectNoRequest(
        { apiKey: 'key-1234' },
        AuthenticationError,
        /no secret configured.*VIDEOSDK_SECRET/,
      );
    });

    // A credential given as a setting is checked by the factory; one from the environment by each call.
    const expectFactoryRefusal = (settings: VideosdkSettings, pattern: RegExp): InvalidInputError => {
      let error: unknown;
      try {
        videosdk(settings);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidInputError).operation).toBe('configure');
      expect((error as InvalidInputError).delivery).toBe('not-sent');
      expect((error as InvalidInputError).message).toMatch(pattern);
      return error as InvalidInputError;
    };

    it('CR/LF in a credential setting is refused by the factory without echoing it', () => {
      const error = expectFactoryRefusal(
        { token: 'abc.def.ghi\r\nx-injected: 1' },
        /token contains control characters/,
      );
      expect(errorTranscript(error)).not.toContain('x-injected');
      expectFactoryRefusal(
        { apiKey: 'key-1234', secret: 'sec\nret-9876' },
        /secret contains control characters/,
      );
    });

    it('a "Bearer " token setting is refused by the factory: the vendor wants the bare JWT', () => {
      const error = expectFactoryRefusal(
        { token: `Bearer ${token}` },
        /must be the bare JWT.*drop the "Bearer " prefix/,
      );
      expect(errorTranscript(error)).not.toContain(token);
    });

    it('CR/LF or a "Bearer " prefix in VIDEOSDK_TOKEN fails each call before any request, named for it', async () => {
      for (const [value, pattern] of [
        ['abc.def.ghi\r\nx-injected: 1', /token contains control characters/],
        [`Bearer ${token}`, /must be the bare JWT/],
      ] as const) {
        vi.stubEnv('VIDEOSDK_TOKEN', value);
        const error = await expectNoRequest({}, InvalidInputError, pattern);
        expect(error.operation).toBe('get');
        expect(errorTranscript(error)).not.toContain('x-injected');
        expect(errorTranscript(error)).not.toContain(token);
      }
    });

    it('token together with apiKey and secret is refused by the factory', () => {
      expectFactoryRefusal(
        { token, apiKey: 'k', secret: 's' } as unknown as VideosdkSettings,
        /either the `token` setting or the `apiKey` and `secret` settings, not both/,
      );
    });

    it('a non-string credential from plain configuration is refused by the factory', () => {
      expectFactoryRefusal({ token: 42 } as unknown as VideosdkSettings, /`token` setting must be a string/);
    });

    it('reads VIDEOSDK_TOKEN when no setting is given', async () => {
      vi.stubEnv('VIDEOSDK_TOKEN', token);
      const { provider } = setup({});
      replay('get-livestream');
      expect((await provider.get(id)).id).toBe(id);
      expect(provider.secrets?.()).toContain(token);
    });

    it('explicit settings win over the environment', async () => {
      vi.stubEnv('VIDEOSDK_API_KEY', 'env-key-1234');
      vi.stubEnv('VIDEOSDK_SECRET', 'env-secret-1234');
      const { provider } = setup({ token });
      replay('get-livestream');
      expect((await provider.get(id)).id).toBe(id);
    });
  });

  describe('secrets', () => {
    it('never appear in an error, even when the vendor echoes them', async () => {
      const { provider } = setup();
      replay('get-livestream');
      await provider.get(id);
      nock(origin)
        .get(`/v1/livestreams/${id}`)
        .reply(500, { message: `failed for ${key} (restream ${youtubeKey}) with ${token}` });
      const error = await provider.get(id).catch((caught: unknown) => caught);
      const transcript = errorTranscript(error);
      expect(transcript).toContain('[REDACTED]');
      for (const secret of [token, key, youtubeKey]) expect(transcript).not.toContain(secret);
    });

    it('masks a signed token’s signature when the vendor echoes its bytes in hex or standard base64', async () => {
      const { provider, requests } = setup({ apiKey: 'zqkey-0001', secret: 'zqsecret-0001' });
      // The token is signed, and known, before the first request; that request's answer does not matter.
      nock(origin).get(`/v1/livestreams/${id}`).reply(404, { message: 'not found' });
      await provider.get(id).catch(() => undefined);
      const signed = requests[0]?.headers.authorization ?? '';
      const signature = Buffer.from(signed.split('.')[2] ?? '', 'base64url');
      expect(signature.length).toBe(32);
      const echoed = [
        signature.toString('hex'),
        signature.toString('hex').toUpperCase(),
        signature.toString('base64'),
      ];
      nock(origin)
        .get(`/v1/livestreams/${id}`)
        .reply(401, { message: `bad signature ${echoed.join(' or ')}` });
      const transcript = errorTranscript(await provider.get(id).catch((caught: unknown) => caught));
      expect(transcript).toContain('bad signature [REDACTED] or [REDACTED] or [REDACTED]');
      for (const written of echoed) expect(transcript).not.toContain(written);
    });

    it('credential settings are secrets from the start', () => {
      const provider = videosdk({ apiKey: 'api-key-0001', secret: 'secret-0001' });
      expect(provider.secrets?.()).toEqual(['api-key-0001', 'secret-0001']);
    });
  });
});
