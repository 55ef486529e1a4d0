import {
  AuthenticationError,
  ChangeAppliedError,
  ConflictError,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStream,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  type UniliveError,
  type WarningEvent,
} from '@unilive/core';
import { errorTranscript, interceptFixture, rejectionOf } from '@unilive/testing';
import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixtureToken, origin, recordingFetch } from '../test/fixtures.js';
import wowzaVideoDefault, { wowzaVideo, wowzaVideoCapabilities } from './index.js';

const id = 'wdjfqvsv';
const base = '/api/v2.0';
const provider = () => wowzaVideo({ token: fixtureToken, retry: { maxRetries: 0 } });
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};
const liveStreamOf = (name: string) =>
  (fixture(name).response.body as { live_stream: Record<string, unknown> }).live_stream;

const failure = async (run: () => Promise<unknown>) => (await rejectionOf(run)) as UniliveError;

async function collect(iterable: AsyncIterable<LiveStream>): Promise<LiveStream[]> {
  const streams: LiveStream[] = [];
  for await (const stream of iterable) streams.push(stream);
  return streams;
}

const contractIngest = {
  protocol: 'rtmp',
  // The push credentials ride in the URL too, so an encoder given the URL alone pushes.
  url: 'rtmp://client11469:edf107a4@abc123.entrypoint.video.wowza.com:1935/app-B8P6K226/cceecfa9',
  server: 'rtmp://abc123.entrypoint.video.wowza.com:1935/app-B8P6K226',
  streamKey: 'cceecfa9',
  username: 'client11469',
  password: 'edf107a4',
};
const hlsAndPage = [
  {
    protocol: 'hls',
    url: 'https://wowzasubdomain.wowza.com/1/TWhoL3BiZnJXMFhmNzZVN3JrZDAwUT09/ZmYxSXRrTERrUlk9/hls/live/playlist.m3u8',
  },
  { protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/e8dk5bf6' },
];

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  vi.unstubAllEnvs();
  expect(pending, 'every recorded exchange was requested').toEqual([]);
});

describe('wowzaVideo()', () => {
  it('builds a v1 provider with honest capabilities, and is the default export', () => {
    const created = provider();
    expect(wowzaVideoDefault).toBe(wowzaVideo);
    expect(created.specificationVersion).toBe('v1');
    expect(created.id).toBe('wowza-video');
    expect(created.capabilities).toBe(wowzaVideoCapabilities);
    expect(created.capabilities).toMatchObject({
      lifecycle: 'explicit',
      restream: false,
      broadcastingStatus: false,
      broadcastingEvents: false,
    });
    for (const method of [
      'create',
      'get',
      'list',
      'update',
      'delete',
      'start',
      'stop',
      'getStatus',
      'reset',
    ]) {
      expect(typeof (created as unknown as Record<string, unknown>)[method]).toBe('function');
    }
  });

  it('refuses a bad id with a rejected promise from every call, never a synchronous throw, before any request', async () => {
    const operations = ['get', 'update', 'delete', 'start', 'stop', 'status', 'reset'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.oneof(
          fc.constantFrom('', '../x', 'a/b', 'ab cd', 'abc%2F', 'x'.repeat(129)),
          fc.string().filter((id) => !/^[A-Za-z0-9_.~-]{1,128}$/.test(id)),
        ),
        async (operation, id) => {
          const vendor = recordingFetch();
          const created = wowzaVideo({ token: fixtureToken, fetch: vendor.fetch, retry: { maxRetries: 0 } });
          const call = () => {
            if (operation === 'update') return created.update(id, { name: 'x' });
            if (operation === 'status') return created.getStatus(id);
            if (operation === 'reset') return created.reset?.(id) ?? Promise.resolve();
            return created[operation](id);
          };
          let outcome: Promise<unknown>;
          try {
            outcome = call();
          } catch (error) {
            throw new Error(`${operation} threw synchronously: ${String(error)}`);
          }
          const error = await outcome.then(
            () => undefined,
            (rejected: unknown) => rejected,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).provider).toBe('wowza-video');
          expect((error as InvalidInputError).operation).toBe(operation);
          expect((error as InvalidInputError).delivery).toBe('not-sent');
          expect(vendor.requests).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses an unknown defaultRegion at once, listing the broadcast locations', () => {
    expect(() => wowzaVideo({ token: fixtureToken, defaultRegion: 'moon' as never })).toThrow(
      /defaultRegion: expected one of asia_pacific_australia, .*us_west_oregon/,
    );
  });
});

describe('operations send the exact documented request and return the exact neutral stream', () => {
  it('create: POST /live_streams with the minimal body, 201', async () => {
    replay('create');
    const stream = await provider().create({ name: 'unilive contract stream' });
    expect({ ...stream, playback: stream.playback.slice(0, 2) }).toEqual({
      id,
      provider: 'wowza-video',
      name: 'unilive contract stream',
      state: 'stopped',
      ingest: [contractIngest],
      playback: hlsAndPage,
      recording: false,
      createdAt: new Date('2026-01-05T10:00:00.000Z'),
      updatedAt: new Date('2026-01-05T10:00:00.000Z'),
      providerDetails: {
        'wowza-video': {
          connectionCode: '0e15cb',
          connectionCodeExpiresAt: new Date('2026-01-06T10:00:00.000Z'),
          streamTargets: [{ id: 'klbmg2h8' }],
        },
      },
      raw: liveStreamOf('create'),
    });
    expect(stream.playback).toHaveLength(30);
    expect(stream).not.toHaveProperty('warnings');
  });

  it('create: a WebRTC stream as the quick start creates it', async () => {
    replay('create.webrtc');
    const stream = await provider().create({
      name: 'My Live Stream',
      ingestProtocol: 'webrtc',
      providerOptions: { 'wowza-video': { delivery_method: 'push' } },
    });
    expect(stream.ingest).toEqual([
      {
        protocol: 'webrtc',
        url: 'wss://5b3a11.entrypoint.video.wowza.com/webrtc-session.json',
        applicationName: 'app-30zl5349',
        streamName: '32a5814b',
      },
    ]);
    expect(stream.id).toBe('1234abcd');
  });

  it('create: RTMP with the options of the OpenAPI code sample', async () => {
    replay('create.rtmp-options');
    const stream = await provider().create({
      name: 'My New Live Stream',
      ingestProtocol: 'rtmp',
      region: 'us_west_california',
      providerOptions: {
        'wowza-video': {
          transcoder_type: 'transcoded',
          billing_mode: 'pay_as_you_go',
          delivery_method: 'push',
          aspect_ratio_width: 1920,
          aspect_ratio_height: 1080,
        },
      },
    });
    expect(stream.name).toBe('My New Live Stream');
    expect(stream.ingest).toEqual([contractIngest]);
  });

  it("create: countdown_at typed as the reference says (YYYY-MM-DD HH:MM:SS) is sent in the examples' form", async () => {
    replay('create.countdown');
    const stream = await provider().create({
      name: 'Launch countdown',
      ingestProtocol: 'webrtc',
      providerOptions: {
        'wowza-video': {
          delivery_method: 'push',
          countdown: true,
          countdown_at: '2024-12-15 17:00:00',
          countdown_timezone: 'America/New_York',
        },
      },
    });
    expect({ ...stream, playback: stream.playback.slice(0, 2) }).toEqual({
      id: 'c0untd0w',
      provider: 'wowza-video',
      name: 'Launch countdown',
      state: 'stopped',
      ingest: [
        {
          protocol: 'webrtc',
          url: 'wss://5b3a11.entrypoint.video.wowza.com/webrtc-session.json',
          applicationName: 'app-30zl5349',
          streamName: '32a5814b',
        },
      ],
      playback: hlsAndPage,
      recording: false,
      createdAt: new Date('2026-01-05T10:00:00.000Z'),
      updatedAt: new Date('2026-01-05T10:00:00.000Z'),
      providerDetails: {
        'wowza-video': {
          connectionCode: '0e15cb',
          connectionCodeExpiresAt: new Date('2026-01-06T10:00:00.000Z'),
          streamTargets: [{ id: 'klbmg2h8' }],
        },
      },
      raw: liveStreamOf('create.countdown'),
    });
    expect(stream.playback).toHaveLength(30);
  });

  it("get: Wowza's documented example, which has no source_connection_information, says why ingest is empty", async () => {
    replay('get.documented-example');
    const stream = await provider().get(id);
    expect({ ...stream, playback: stream.playback.length }).toEqual({
      id,
      provider: 'wowza-video',
      name: 'My PAYG Transcoded WSE Live Stream',
      state: 'stopped',
      ingest: [],
      playback: 30,
      recording: true,
      createdAt: new Date('2020-01-29T17:16:21.956Z'),
      updatedAt: new Date('2020-01-31T06:12:39.956Z'),
      warnings: [
        {
          type: 'other',
          message:
            "no ingest endpoint: the encoder pushes to the Wowza stream source 5skrfpyf (use_stream_source), whose connection details are on Wowza's /stream_sources resource, not on the live stream",
        },
      ],
      providerDetails: {
        'wowza-video': {
          connectionCode: '0e15cb',
          connectionCodeExpiresAt: new Date('2020-11-30T17:16:21.956Z'),
          streamSourceId: '5skrfpyf',
          streamTargets: [{ id: 'klbmg2h8' }, { id: 'bnjtdmmc' }],
        },
      },
      raw: liveStreamOf('get.documented-example'),
    });
  });

  it('get: GET /live_streams/{id}', async () => {
    replay('get');
    const stream = await provider().get(id);
    expect({ ...stream, playback: stream.playback.slice(0, 2) }).toEqual({
      id,
      provider: 'wowza-video',
      name: 'unilive contract stream',
      state: 'stopped',
      ingest: [contractIngest],
      playback: hlsAndPage,
      recording: false,
      createdAt: new Date('2026-01-05T10:00:00.000Z'),
      updatedAt: new Date('2026-01-05T10:00:00.000Z'),
      providerDetails: {
        'wowza-video': {
          connectionCode: '0e15cb',
          connectionCodeExpiresAt: new Date('2026-01-06T10:00:00.000Z'),
          streamTargets: [{ id: 'klbmg2h8' }],
        },
      },
      raw: liveStreamOf('get'),
    });
  });

  it('update: PATCH /live_streams/{id} with the live_stream envelope', async () => {
    replay('update');
    const stream = await provider().update(id, { name: 'unilive contract stream (renamed)' });
    expect(stream.name).toBe('unilive contract stream (renamed)');
    expect(stream.updatedAt).toEqual(new Date('2026-01-05T10:01:00.000Z'));
    expect(stream.raw).toEqual(liveStreamOf('update'));
  });

  it('update: region alone is create-only, so the stream is fetched and returned with a warning', async () => {
    replay('get');
    const stream = await provider().update(id, { region: 'eu_germany' });
    expect(stream.id).toBe(id);
    expect(stream.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'region' }),
    ]);
  });

  it('update: options only for another provider change nothing here, so the stream is fetched', async () => {
    replay('get');
    const stream = await provider().update(id, { providerOptions: { liveapi: { enabled: true } } });
    expect(stream.id).toBe(id);
  });

  it('delete: DELETE /live_streams/{id}, 204', async () => {
    replay('delete');
    await expect(provider().delete(id)).resolves.toBeUndefined();
  });

  it('start: PUT …/start, then the stream, in the state start answered (GETs are cached ~1 s)', async () => {
    replay('start', 'get.after-start');
    const stream = await provider().start(id);
    expect(stream.state).toBe('starting');
    expect(stream.raw).toEqual(liveStreamOf('get.after-start'));
    expect((stream.raw as { state: string }).state).toBe('stopped');
    expect(stream.ingest).toEqual([contractIngest]);
  });

  it('stop: PUT …/stop, then the stream', async () => {
    replay('stop', 'get.stopped');
    const stream = await provider().stop(id);
    expect(stream.state).toBe('stopped');
    expect(stream.name).toBe('unilive contract stream (renamed)');
  });

  it('reset: PUT …/reset, then the stream, resetting', async () => {
    replay('reset', 'get.after-reset');
    const stream = await provider().reset(id);
    expect(stream.state).toBe('resetting');
    expect(stream.id).toBe(id);
  });

  it('getStatus: GET …/state; ip_address stays in raw and sets no broadcasting', async () => {
    replay('state.starting', 'state.started');
    const wowza = provider();
    expect(await wowza.getStatus(id)).toEqual({
      state: 'starting',
      raw: { ip_address: '0.0.0.0', state: 'starting' },
    });
    expect(await wowza.getStatus(id)).toEqual({
      state: 'ready',
      raw: { ip_address: '203.0.113.25', state: 'started' },
    });
  });

  it('waitForState polls the state call and returns the full stream', async () => {
    replay('state.starting', 'state.started', 'get.started');
    const client = createLiveStreamClient(provider());
    const stream = await client.waitForState(id, 'ready', { intervalMs: 100, maxIntervalMs: 100 });
    expect(stream.state).toBe('ready');
    expect(stream.ingest).toEqual([contractIngest]);
  });

  it('regenerateConnectionCode: PUT …/regenerate_connection_code; the code becomes a secret', async () => {
    replay('regenerate-connection-code');
    const wowza = provider();
    expect(await wowza.regenerateConnectionCode(id)).toEqual({
      connectionCode: '0cd2e8',
      raw: { connection_code: '0cd2e8' },
    });
    expect(wowza.secrets()).toContain('0cd2e8');
  });

  it('getThumbnailUrl: GET …/thumbnail_url', async () => {
    replay('thumbnail-url');
    expect(await provider().getThumbnailUrl(id)).toBe(
      'https://cloud.wowza.com/proxy/stats/?target=10.11.12.13&app=app-B8P6K226&stream=99b62146@130135.stream&media=json',
    );
  });
});

describe('lifecycle calls are idempotent; a real conflict stays ConflictError', () => {
  const withState = (name: string, state: string) => {
    const recorded = fixture(name);
    const body = recorded.response.body as { live_stream: Record<string, unknown> };
    return {
      ...recorded,
      response: { ...recorded.response, body: { live_stream: { ...body.live_stream, state } } },
    };
  };

  it('start on a started stream: Wowza refuses it (ERR-422-InvalidStateChange), the stream is read and returned', async () => {
    replay('start.error.422.InvalidStateChange', 'get.started');
    const stream = await provider().start(id);
    expect(stream.state).toBe('ready');
    expect(stream.raw).toEqual(liveStreamOf('get.started'));
  });

  it('stop on a stopped stream returns it', async () => {
    replay('stop.error.422.InvalidStateChange', 'get.stopped');
    const stream = await provider().stop(id);
    expect(stream.state).toBe('stopped');
    expect(stream.ingest).toEqual([contractIngest]);
  });

  // A refusal whose message names the state the stream is in, as Wowza's does ("Transcoder is in stopped
  // state."), or names none.
  const refusal = (operation: 'start' | 'stop', message: string) => {
    const recorded = fixture(`${operation}.error.422.InvalidStateChange`);
    const body = recorded.response.body as { meta: Record<string, unknown> };
    return { ...recorded, response: { ...recorded.response, body: { meta: { ...body.meta, message } } } };
  };
  const sleeps: number[] = [];
  const fakeSleep = { runtime: { sleep: async (ms: number) => void sleeps.push(ms) } };
  beforeEach(() => {
    sleeps.length = 0;
  });

  it.each([
    ['start', 'stopping'],
    ['stop', 'starting'],
    ['start', 'resetting'],
  ] as const)(
    '%s refused because the stream is %s stays ConflictError with the vendor code, without a read',
    async (operation, state) => {
      const verb = operation === 'start' ? 'Starting' : 'Stopping';
      interceptFixture(
        nock(origin),
        refusal(
          operation,
          `The request couldn't be processed. ${verb} is not allowed! Transcoder is in ${state} state.`,
        ),
      );
      const error = await failure(() => provider()[operation](id, fakeSleep));
      expect(ConflictError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ status: 422, vendorCode: 'ERR-422-InvalidStateChange', operation });
      expect(sleeps).toEqual([]);
    },
  );

  it.each([
    ['description', ['a list']],
    ['description', { an: 'object' }],
    ['status', '422'],
    ['title', 7],
  ] as const)(
    'a refusal whose %s comes in another type keeps its code and message: ConflictError, without a read',
    async (field, value) => {
      const recorded = refusal('start', 'Starting is not allowed! Transcoder is in stopping state.');
      const body = recorded.response.body as { meta: Record<string, unknown> };
      interceptFixture(nock(origin), {
        ...recorded,
        response: { ...recorded.response, body: { meta: { ...body.meta, [field]: value } } },
      });
      const error = await failure(() => provider().start(id, fakeSleep));
      expect(ConflictError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({
        status: 422,
        vendorCode: 'ERR-422-InvalidStateChange',
        vendorMessage: 'Starting is not allowed! Transcoder is in stopping state.',
      });
      expect(sleeps).toEqual([]);
    },
  );

  it.each([
    ['start', 'stopping'],
    ['stop', 'starting'],
  ] as const)(
    '%s refused with no state named, the stream read %s twice (before and after the cache): ConflictError',
    async (operation, state) => {
      interceptFixture(nock(origin), refusal(operation, "The request couldn't be processed."));
      interceptFixture(nock(origin), withState('get', state), { times: 2 });
      const error = await failure(() => provider()[operation](id, fakeSleep));
      expect(ConflictError.isInstance(error), String(error)).toBe(true);
      expect(sleeps).toEqual([1_100]);
    },
  );

  it('a stop repeated after a lost answer, refused as already stopped while a cached GET still says started, returns it stopped', async () => {
    // The first stop reached Wowza, its answer was lost (503); the retry is refused naming the stopped
    // state; the GET inside Wowza's one-second cache still shows the stream started.
    interceptFixture(nock(origin), { ...fixture('stop'), response: { status: 503, headers: {}, body: '' } });
    replay('stop.error.422.InvalidStateChange');
    interceptFixture(nock(origin), withState('get', 'started'));
    const stream = await wowzaVideo({ token: fixtureToken, retry: { maxRetries: 1 } }).stop(id, fakeSleep);
    expect(stream.state).toBe('stopped');
    expect(stream.ingest).toEqual([contractIngest]);
    expect(stream.warnings).toBeUndefined();
  });

  it('a refusal naming no state, read stale first and stopped after the cache time, returns the stream', async () => {
    interceptFixture(nock(origin), refusal('stop', "The request couldn't be processed."));
    interceptFixture(nock(origin), withState('get', 'started'));
    interceptFixture(nock(origin), withState('get', 'stopped'));
    const stream = await provider().stop(id, fakeSleep);
    expect(stream.state).toBe('stopped');
    expect(sleeps).toEqual([1_100]);
  });

  // The refused change changed nothing: an abort during the confirming read says the refusal's delivery
  // (`refused`), not the read's (`not-sent` for a read stopped before it went out, `unknown` for one under way).
  it.each([
    ['start', 'before it is sent'],
    ['stop', 'before it is sent'],
    ['start', 'while the vendor reads it'],
    ['stop', 'while the vendor reads it'],
  ] as const)(
    '%s refused as already done, aborted on the confirming read %s: AbortError, delivery refused',
    async (operation, when) => {
      replay(`${operation}.error.422.InvalidStateChange`);
      const controller = new AbortController();
      const sent = when === 'while the vendor reads it';
      const body = fixture(operation === 'start' ? 'get.started' : 'get.stopped').response.body;
      const get = nock(origin)
        .get(`${base}/live_streams/${id}`)
        .reply(() => {
          controller.abort(new Error('caller gave up'));
          return [200, body];
        });
      const client = createLiveStreamClient(provider(), {
        hooks: {
          onRequest: (event) => {
            if (!sent && event.method === 'GET') controller.abort(new Error('caller gave up'));
          },
        },
      });
      const error = await failure(() => client[operation](id, { signal: controller.signal }));
      expect(error).toMatchObject({
        name: 'AbortError',
        message: `wowza-video ${operation} was aborted`,
        operation,
        delivery: 'refused',
      });
      expect(get.isDone()).toBe(sent);
      nock.cleanAll();
    },
  );

  it('a refusal naming no state stays ConflictError when the stream cannot be read after it', async () => {
    interceptFixture(nock(origin), refusal('stop', "The request couldn't be processed."));
    replay('get.error.503');
    const error = await failure(() => provider().stop(id, fakeSleep));
    expect(ConflictError.isInstance(error)).toBe(true);
  });

  it('a refusal naming the goal state is done even when the stream cannot be read: that state, flagged', async () => {
    replay('stop.error.422.InvalidStateChange', 'get.error.503');
    const stream = await provider().stop(id, fakeSleep);
    expect(stream.state).toBe('stopped');
    expect(stream.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });
});

describe('an accepted change whose answer holds no state or stream is read back', () => {
  const sleeps: number[] = [];
  const fakeSleep = { runtime: { sleep: async (ms: number) => void sleeps.push(ms) } };
  beforeEach(() => {
    sleeps.length = 0;
  });

  it.each([
    ['start', 204, ''],
    ['start', 200, ''],
    ['start', 200, '{}'],
  ] as const)('%s answered %i %j: the stream as read', async (operation, status, body) => {
    interceptFixture(nock(origin), {
      ...fixture(operation),
      response: { status, headers: { 'content-type': 'application/json' }, body },
    });
    replay('get.started');
    const stream = await provider()[operation](id);
    expect(stream.id).toBe(id);
    expect(stream.state).toBe('ready');
    expect(stream.raw).toEqual(liveStreamOf('get.started'));
  });

  it('stop answered 200 {"success":true} whose read still shows the stream started: stopping, never ready', async () => {
    // The read may be Wowza's cached copy from before the stop, or another call's start: either way the
    // stop resolves in the state it left the stream in, and says what the read showed (core's rule).
    interceptFixture(nock(origin), {
      ...fixture('stop'),
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"success":true}' },
    });
    replay('get.started');
    const stream = await provider().stop(id);
    expect(stream.id).toBe(id);
    expect(stream.state).toBe('stopping');
    expect(stream.raw).toEqual(liveStreamOf('get.started'));
    expect(stream.warnings).toEqual([
      {
        type: 'other',
        message:
          'wowza-video stop: the vendor accepted stop, but the stream read after it was ready: another call changed it since (or the read was a copy from before the change). The result shows the state stop left it in (stopping); get the stream for its state now.',
      },
    ]);
  });

  it('start answered 204, its read-back failing: the stream in an unknown state, flagged, never an error', async () => {
    interceptFixture(nock(origin), { ...fixture('start'), response: { status: 204, headers: {}, body: '' } });
    interceptFixture(nock(origin), fixture('get.error.503'), { times: 3 });
    const stream = await wowzaVideo({ token: fixtureToken }).start(id, {
      runtime: { sleep: async () => {} },
    });
    expect(stream).toMatchObject({ id, state: 'unknown', ingest: [], playback: [] });
    expect(stream.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });

  const renamedGet = () => {
    const recorded = fixture('get');
    const body = recorded.response.body as { live_stream: Record<string, unknown> };
    const live_stream = { ...body.live_stream, name: 'unilive contract stream (renamed)' };
    return { ...recorded, response: { ...recorded.response, body: { live_stream } } };
  };

  it('update answered 200 {}: the stream is read back; if that fails, ChangeAppliedError naming what was applied', async () => {
    interceptFixture(nock(origin), {
      ...fixture('update'),
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    });
    interceptFixture(nock(origin), renamedGet());
    const stream = await provider().update(id, { name: 'unilive contract stream (renamed)' }, fakeSleep);
    expect(stream.name).toBe('unilive contract stream (renamed)');
    expect(stream.raw).toEqual(renamedGet().response.body.live_stream);
    // The read showed what was sent: no wait for Wowza's cache.
    expect(sleeps).toEqual([]);

    interceptFixture(nock(origin), {
      ...fixture('update'),
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    });
    replay('get.error.503');
    const error = await failure(() => provider().update(id, { name: 'unilive contract stream (renamed)' }));
    expect(ChangeAppliedError.isInstance(error), String(error)).toBe(true);
    expect(error).toMatchObject({ streamId: id, applied: ['name'], unknown: [], notApplied: [] });
    expect(error.isRetryable).toBe(false);
  });

  it("update answered 204, read back inside Wowza's one-second cache with the old name: read again after the cache time", async () => {
    interceptFixture(nock(origin), {
      ...fixture('update'),
      response: { status: 204, headers: {}, body: '' },
    });
    // The first read is the cached copy from before the PATCH; the second, after the cache, has the change.
    replay('get');
    interceptFixture(nock(origin), renamedGet());
    const stream = await provider().update(id, { name: 'unilive contract stream (renamed)' }, fakeSleep);
    expect(stream.name).toBe('unilive contract stream (renamed)');
    expect(stream.warnings).toBeUndefined();
    expect(sleeps).toEqual([1_100]);
    expect(nock.isDone()).toBe(true);
  });

  it('update answered {}, whose second read after the cache fails: the first read is returned, the change kept', async () => {
    interceptFixture(nock(origin), {
      ...fixture('update'),
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    });
    replay('get', 'get.error.503');
    const stream = await wowzaVideo({ token: fixtureToken, retry: { maxRetries: 0 } }).update(
      id,
      { name: 'unilive contract stream (renamed)' },
      fakeSleep,
    );
    expect(stream.raw).toEqual(liveStreamOf('get'));
    expect(sleeps).toEqual([1_100]);
  });
});

describe('an accepted change is never reported as a failure', () => {
  const quick = () => wowzaVideo({ token: fixtureToken }).start(id, { runtime: { sleep: async () => {} } });

  it('start answered 200 starting, then three 503s reading it back: the answer state, with a read-back-failed warning', async () => {
    replay('start');
    interceptFixture(nock(origin), fixture('get.error.503'), { times: 3 });
    const stream = await quick();
    expect(stream).toEqual({
      id,
      provider: 'wowza-video',
      state: 'starting',
      ingest: [],
      playback: [],
      raw: liveStreamOf('start'),
      warnings: [
        {
          type: 'read-back-failed',
          message: expect.stringMatching(
            /^wowza-video start: the vendor accepted start \(the stream is starting\), but reading the stream back failed \(wowza-video start failed \(HTTP 503\)/,
          ),
        },
      ],
    });
  });

  it('the client reports the warning through onWarning, and a repeated start then returns the stream', async () => {
    replay('start');
    interceptFixture(nock(origin), fixture('get.error.503'), { times: 3 });
    const warnings: unknown[] = [];
    const client = createLiveStreamClient(
      wowzaVideo({ token: fixtureToken, retry: { baseDelayMs: 1, maxDelayMs: 1 } }),
      {
        hooks: { onWarning: (event) => warnings.push(event) },
      },
    );
    await client.start(id);
    expect(warnings).toEqual([
      {
        provider: 'wowza-video',
        operation: 'start',
        warning: expect.objectContaining({ type: 'read-back-failed' }),
      },
    ]);
    replay('start.error.422.InvalidStateChange', 'get.started');
    expect((await client.start(id)).state).toBe('ready');
  });

  it('reset answered, its read-back failing: the answer state, with the warning', async () => {
    replay('reset');
    interceptFixture(nock(origin), fixture('get.error.503'), { times: 3 });
    const stream = await wowzaVideo({ token: fixtureToken }).reset(id, {
      runtime: { sleep: async () => {} },
    });
    expect(stream.state).toBe('resetting');
    expect(stream.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });
});

/** The warning event `list` reports for a record it skipped, with the message naming it. */
const skippedRecord = (message: string): WarningEvent => ({
  provider: 'wowza-video',
  operation: 'list',
  warning: { type: 'skipped-record', message },
});

describe('list', () => {
  it('fetches each listed stream by default, so every stream has its ingest endpoints', async () => {
    replay('list', 'get', 'list.details.KyxWKtHQ');
    const streams = await collect(provider().list());
    expect(streams.map((stream) => [stream.id, stream.state, stream.ingest.length > 0])).toEqual([
      [id, 'stopped', true],
      ['KyxWKtHQ', 'ready', true],
    ]);
    expect(streams[1]?.ingest[0]?.streamKey).toBe('10eb0ed8');
  });

  it('with details: false yields the list items alone, recording unknown, with a warning', async () => {
    replay('list');
    const streams = await collect(provider().list({ details: false }));
    expect(streams).toEqual([
      {
        id,
        provider: 'wowza-video',
        name: 'unilive contract stream',
        state: 'stopped',
        ingest: [],
        playback: [],
        createdAt: new Date('2026-01-05T10:00:00.000Z'),
        updatedAt: new Date('2026-01-05T10:00:00.000Z'),
        warnings: [expect.objectContaining({ type: 'incomplete-answer' })],
        raw: (fixture('list').response.body as { live_streams: unknown[] }).live_streams[0],
      },
      expect.objectContaining({ id: 'KyxWKtHQ', state: 'ready', ingest: [] }),
    ]);
    // A list item has no `recording`: unknown is not false.
    for (const stream of streams) expect(stream).not.toHaveProperty('recording');
  });

  it('the listDetails setting changes the default', async () => {
    replay('list');
    const streams = await collect(wowzaVideo({ token: fixtureToken, listDetails: false }).list());
    expect(streams).toHaveLength(2);
  });

  it('a client takes list({ details }), as its page documents, and lists as the provider called directly', async () => {
    for (const details of [false, true]) {
      const exchanges = details ? ['list', 'get', 'list.details.KyxWKtHQ'] : ['list'];
      replay(...exchanges);
      const direct = await collect(provider().list({ details }));
      replay(...exchanges);
      const through = await createLiveStreamClient(provider()).list({ details }).toArray();
      expect(through).toEqual(direct);
      expect(through.map((stream) => stream.ingest.length > 0)).toEqual([details, details]);
    }
  });

  it('refuses a details that is not true or false, and a misspelled one naming it, before any request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything().filter((value) => value !== undefined && typeof value !== 'boolean'),
        fc.constantFrom('detials', 'detail', 'Details', 'detailss'),
        async (value, misspelled) => {
          const client = createLiveStreamClient(provider());
          for (const walk of [
            () => client.list({ details: value as boolean }).toArray(),
            () => collect(provider().list({ details: value as boolean })),
          ]) {
            const error = await failure(walk);
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as InvalidInputError).issues).toEqual([
              { path: 'options.details', message: 'expected true or false' },
            ]);
          }
          for (const walk of [
            () => client.list(Object.fromEntries([[misspelled, false]])).toArray(),
            () => collect(provider().list(Object.fromEntries([[misspelled, false]]))),
          ]) {
            const error = await failure(walk);
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as InvalidInputError).issues).toEqual([
              { path: `options.${misspelled}`, message: 'unknown option; did you mean "details"?' },
            ]);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('walks every page until pagination.total_pages says done', async () => {
    replay('list.page-1-of-2', 'list.page-2-of-2');
    const streams = await collect(provider().list({ pageSize: 2, details: false }));
    expect(streams.map((stream) => stream.id)).toEqual([id, 'KyxWKtHQ', 'Ly40ZDSg']);
  });

  it('stops after a full last page when pagination.total_pages says it was the last', async () => {
    const page = (number: number, ids: string[]) => ({
      live_streams: ids.map((item) => ({ id: item })),
      pagination: { page: number, per_page: 2, total_pages: 2, total_records: 4 },
    });
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '2' })
      .reply(200, page(1, ['a1', 'a2']))
      .get(`${base}/live_streams`)
      .query({ page: '2', per_page: '2' })
      .reply(200, page(2, ['a3', 'a4']));
    const streams = await collect(provider().list({ pageSize: 2, details: false }));
    expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('stops at a short page when there is no pagination object', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '2' })
      .reply(200, { live_streams: [{ id: 'a1' }, { id: 'a2' }] })
      .get(`${base}/live_streams`)
      .query({ page: '2', per_page: '2' })
      .reply(200, { live_streams: [{ id: 'a3' }] });
    const streams = await collect(provider().list({ pageSize: 2, details: false }));
    expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it('stops at an empty page, and when a page only repeats streams already seen', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1' })
      .reply(200, { live_streams: [{ id: 'a1' }] })
      .get(`${base}/live_streams`)
      .query({ page: '2', per_page: '1' })
      .reply(200, { live_streams: [{ id: 'a1' }] });
    expect(
      (await collect(provider().list({ pageSize: 1, details: false }))).map((stream) => stream.id),
    ).toEqual(['a1']);
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1000' })
      .reply(200, { live_streams: [] });
    expect(await collect(provider().list({ details: false }))).toEqual([]);
  });

  it('caps pageSize at the vendor maximum of 1000', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1000' })
      .reply(200, { live_streams: [] });
    expect(await collect(provider().list({ pageSize: 5000 }))).toEqual([]);
  });

  it('skips a stream deleted between the list and its GET, naming it through onWarning', async () => {
    replay('list', 'list.details.KyxWKtHQ');
    interceptFixture(nock(origin), { ...fixture('get.error.404.RecordNotFound') });
    const warnings: WarningEvent[] = [];
    const hooks = { onWarning: (event: WarningEvent) => warnings.push(event) };
    const streams = await collect(provider().list({ runtime: { hooks } }));
    expect(streams.map((stream) => stream.id)).toEqual(['KyxWKtHQ']);
    expect(warnings).toEqual([
      skippedRecord(
        'wowza-video list: stream wdjfqvsv (record 1 of page 1) was skipped: reading its details found no such stream (HTTP 404): deleted since its page was served, or listed by the vendor but not readable',
      ),
    ]);
  });

  describe('one stream whose details cannot be used or read is skipped, the rest listed', () => {
    const detailOf = (streamId: string) => ({ ...liveStreamOf('get'), id: streamId });
    const page = { live_streams: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }] };
    const broken: [string, (detail: Record<string, unknown>) => unknown][] = [
      [
        'a broken source_connection_information',
        (detail) => ({ ...detail, source_connection_information: 'oops' }),
      ],
      ['no id', (detail) => ({ ...detail, id: undefined })],
      ['an id unilive would not put in a URL', (detail) => ({ ...detail, id: 'legacy:x' })],
    ];
    it.each(broken)(
      'details with %s: skipped-record naming the stream; strict throws',
      async (_, breakIt) => {
        for (const strict of [false, true]) {
          nock(origin).get(`${base}/live_streams`).query(true).reply(200, page);
          for (const streamId of ['a1', 'a2', 'a3']) {
            if (strict && streamId === 'a3') continue;
            nock(origin)
              .get(`${base}/live_streams/${streamId}`)
              .reply(200, {
                live_stream: streamId === 'a2' ? breakIt(detailOf(streamId)) : detailOf(streamId),
              });
          }
          const warnings: WarningEvent[] = [];
          const seen: string[] = [];
          const outcome = await (async () => {
            for await (const stream of provider().list({
              strict,
              runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
            }))
              seen.push(stream.id);
          })().then(
            () => undefined,
            (error: unknown) => error,
          );
          if (strict) {
            expect(ResponseShapeError.isInstance(outcome)).toBe(true);
            expect(seen).toEqual(['a1']);
          } else {
            expect(outcome).toBeUndefined();
            expect(seen).toEqual(['a1', 'a3']);
            expect(warnings.map((event) => [event.operation, event.warning.type])).toEqual([
              ['list', 'skipped-record'],
            ]);
            expect(warnings[0]?.warning.message).toMatch(
              /^wowza-video list: stream a2 \(record 2 of page 1\) was skipped: its details could not be used: live_stream\./,
            );
          }
        }
      },
    );

    it('details answered 500 after their retries: skipped with a warning saying to get it later; two in a row end the walk', async () => {
      nock(origin).get(`${base}/live_streams`).query(true).reply(200, page);
      nock(origin)
        .get(`${base}/live_streams/a1`)
        .reply(200, { live_stream: detailOf('a1') });
      nock(origin)
        .get(`${base}/live_streams/a2`)
        .reply(500, { meta: { code: 'ERR-500', message: 'boom' } });
      nock(origin)
        .get(`${base}/live_streams/a3`)
        .reply(200, { live_stream: detailOf('a3') });
      const warnings: string[] = [];
      const streams = await collect(
        provider().list({
          runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.message) } },
        }),
      );
      expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a3']);
      expect(warnings).toEqual([
        'wowza-video list: stream a2 (record 2 of page 1) was skipped: its details could not be read: reading it failed after its retries (wowza-video list failed (HTTP 500 ERR-500): boom); get it later',
      ]);

      nock(origin).get(`${base}/live_streams`).query(true).reply(200, page);
      nock(origin).get(`${base}/live_streams/a1`).reply(503, '');
      nock(origin).get(`${base}/live_streams/a2`).reply(503, '');
      const error = await failure(() => collect(provider().list()));
      expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      expect(error.status).toBe(503);
    });

    it('a date sent as a number is read as an epoch, never failing the stream', async () => {
      nock(origin)
        .get(`${base}/live_streams`)
        .query(true)
        .reply(200, { live_streams: [{ id: 'a1' }] });
      nock(origin)
        .get(`${base}/live_streams/a1`)
        .reply(200, { live_stream: { ...detailOf('a1'), created_at: 1580318181, updated_at: true } });
      const [stream] = await collect(provider().list());
      if (!stream) throw new Error('expected the stream to be listed');
      expect(stream.createdAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
      expect(stream.updatedAt).toBeUndefined();
      expect((stream.raw as { created_at: unknown }).created_at).toBe(1580318181);
    });
  });

  it('reads page numbers and counts sent as strings, as the other adapters do', async () => {
    const pageOf = (number: number, ids: string[]) => ({
      live_streams: ids.map((item) => ({ id: item })),
      pagination: { page: String(number), per_page: '2', total_pages: '2', total_records: '4' },
    });
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '2' })
      .reply(200, pageOf(1, ['a', 'b']))
      .get(`${base}/live_streams`)
      .query({ page: '2', per_page: '2' })
      .reply(200, pageOf(2, ['c', 'd']));
    const warnings: string[] = [];
    const streams = await collect(
      provider().list({
        pageSize: 2,
        details: false,
        runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.type) } },
      }),
    );
    expect(streams.map((stream) => stream.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(warnings).toEqual([]);
  });

  it('warns when the server ignores page and sends no pagination: a full page came back, so more are out of reach', async () => {
    const full = { live_streams: [{ id: 'a1' }, { id: 'a2' }] };
    nock(origin).get(`${base}/live_streams`).query(true).times(2).reply(200, full);
    const warnings: string[] = [];
    const streams = await collect(
      provider().list({
        pageSize: 2,
        details: false,
        runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.type) } },
      }),
    );
    expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a2']);
    expect(warnings).toEqual(['incomplete-list']);
  });

  it('ends against a server that ignores page, yielding each stream once and warning that more exist', async () => {
    const firstPage = {
      live_streams: [{ id: 'a1' }, { id: 'a2' }],
      pagination: { page: 1, per_page: 2, total_pages: 3, total_records: 6 },
    };
    nock(origin).get(`${base}/live_streams`).query(true).times(2).reply(200, firstPage);
    const warnings: string[] = [];
    const streams = await collect(
      provider().list({
        pageSize: 2,
        details: false,
        runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.type) } },
      }),
    );
    expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a2']);
    expect(warnings).toEqual(['incomplete-list']);
  });

  it('yields a stream once when pages shift while walking ([a, b] then [b, c])', async () => {
    const page = (number: number, ids: string[]) => ({
      live_streams: ids.map((item) => ({ id: item })),
      pagination: { page: number, per_page: 2, total_pages: 2, total_records: 4 },
    });
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '2' })
      .reply(200, page(1, ['a', 'b']))
      .get(`${base}/live_streams`)
      .query({ page: '2', per_page: '2' })
      .reply(200, page(2, ['b', 'c']));
    const streams = await collect(provider().list({ pageSize: 2, details: false }));
    expect(streams.map((stream) => stream.id)).toEqual(['a', 'b', 'c']);
  });

  it('skips a record whose id unilive would not put in a URL, reports it, and lists the rest', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1000' })
      .reply(200, { live_streams: [{ id: 'a1' }, { id: 'legacy:bbbb2222' }, { id: 'a3' }] });
    const warnings: unknown[] = [];
    const streams = await collect(
      provider().list({
        details: false,
        runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
      }),
    );
    expect(streams.map((stream) => stream.id)).toEqual(['a1', 'a3']);
    expect(warnings).toEqual([
      skippedRecord(
        'wowza-video list: record 2 of page 1 was skipped: id (expected a stream id (1-128 letters, digits, "_", "-", "." or "~"))',
      ),
    ]);
  });

  it('with strict, the unusable record fails the walk with ResponseShapeError', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1000' })
      .reply(200, { live_streams: [{ id: 'a1' }, { id: 'legacy:bbbb2222' }] });
    const seen: string[] = [];
    const error = await failure(async () => {
      for await (const stream of provider().list({ details: false, strict: true })) seen.push(stream.id);
    });
    expect(ResponseShapeError.isInstance(error)).toBe(true);
    expect(seen).toEqual(['a1']);
  });

  it('reads a zone-less created_at as UTC', async () => {
    nock(origin)
      .get(`${base}/live_streams`)
      .query({ page: '1', per_page: '1000' })
      .reply(200, {
        live_streams: [{ id: 'a1', created_at: '2020-01-29 17:16:21', updated_at: '2020-01-29T17:16:21' }],
      });
    const [stream] = await collect(provider().list({ details: false }));
    expect(stream?.createdAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
    expect(stream?.updatedAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
  });

  it('is lazy: nothing more is fetched once the caller stops', async () => {
    replay('list', 'get');
    for await (const stream of provider().list()) {
      expect(stream.id).toBe(id);
      break;
    }
  });
});

// Which call each error fixture answers, and the error class it must become.
const errorCases: [string, typeof UniliveError, (wowza: ReturnType<typeof provider>) => Promise<unknown>][] =
  [
    ...[
      'NoApiKey',
      'NoAccessKey',
      'InvalidApiKey',
      'InvalidAccessKey',
      'BadAccountStatus',
      'FeatureNotEnabled',
      'TrialExceeded',
      'ExpiredToken',
      'InvalidToken',
    ].map(
      (code) =>
        [
          `get.error.401.${code}`,
          AuthenticationError,
          (wowza: ReturnType<typeof provider>) => wowza.get(id),
        ] as [string, typeof UniliveError, (wowza: ReturnType<typeof provider>) => Promise<unknown>],
    ),
    ['get.error.403.RecordUnaccessible', AuthenticationError, (wowza) => wowza.get(id)],
    ['get.error.404.RecordNotFound', NotFoundError, (wowza) => wowza.get(id)],
    ['get.error.410.RecordDeleted', NotFoundError, (wowza) => wowza.get(id)],
    ['get.error.429.TooManyRequests', RateLimitError, (wowza) => wowza.get(id)],
    [
      'create.error.409.LimitReached',
      RateLimitError,
      (wowza) => wowza.create({ name: 'unilive contract stream' }),
    ],
    [
      'create.error.422.RecordInvalid',
      InvalidInputError,
      (wowza) => wowza.create({ name: 'unilive contract stream' }),
    ],
    [
      'update.error.422.RecordInvalid',
      InvalidInputError,
      (wowza) => wowza.update(id, { name: 'unilive contract stream (renamed)' }),
    ],
    ['start.error.422.InvalidStateChange', ConflictError, (wowza) => wowza.start(id)],
    // The recorded stop refusal names the stopped state: the goal holds, so stop succeeds (above).
    ['delete.error.422.NotAvailable', ConflictError, (wowza) => wowza.delete(id)],
  ];

describe('every documented error becomes a typed error with the vendor code', () => {
  it.each(errorCases)('%s', async (name, type, run) => {
    replay(name);
    const error = await failure(() => run(provider()));
    const { status, body } = fixture(name).response;
    const meta = (body as { meta: { code: string; message: string } }).meta;
    expect(type.isInstance(error), `${type.kind}: ${String(error)}`).toBe(true);
    expect(error).toMatchObject({
      provider: 'wowza-video',
      status,
      vendorCode: meta.code,
      vendorMessage: meta.message,
    });
    expect(error.message).toBe(
      `wowza-video ${error.operation} failed (HTTP ${status} ${meta.code}): ${meta.message}`,
    );
  });

  it('a 5xx with a plain-text body becomes ProviderUnavailableError without a vendor code', async () => {
    replay('get.error.503');
    const error = await failure(() => provider().get(id));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.vendorCode).toBeUndefined();
  });

  it('the 409 "limit reached" on create is not retried, even with retries on', async () => {
    replay('create.error.409.LimitReached');
    const error = await failure(() =>
      wowzaVideo({ token: fixtureToken }).create({ name: 'unilive contract stream' }),
    );
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('start and stop are retried after a 5xx: a repeat that finds the change made returns the stream', async () => {
    const wowza = wowzaVideo({ token: fixtureToken, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    // The first answer was lost after Wowza started the stream; the repeat is refused for its state.
    nock(origin).put(`${base}/live_streams/${id}/start`).reply(503, 'unavailable');
    replay('start.error.422.InvalidStateChange', 'get.started');
    const stream = await wowza.start(id);
    expect(stream.state).toBe('ready');
    expect(stream.warnings).toBeUndefined();
    nock(origin).patch(`${base}/live_streams/${id}`).reply(503, 'unavailable');
    replay('update');
    expect((await wowza.update(id, { name: 'unilive contract stream (renamed)' })).id).toBe(id);
  });

  it('a reset is not retried after a 5xx: a second reset would restart the transcoder again', async () => {
    const wowza = wowzaVideo({ token: fixtureToken, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    nock(origin).put(`${base}/live_streams/${id}/reset`).reply(503, 'unavailable');
    expect(ProviderUnavailableError.isInstance(await failure(() => wowza.reset(id)))).toBe(true);
  });

  it('a response without the live_stream envelope is a ResponseShapeError naming the path', async () => {
    // The OpenAPI createLiveStream example: the object without its envelope (a known defect of the example).
    nock(origin).get(`${base}/live_streams/${id}`).reply(200, liveStreamOf('get'));
    const error = await failure(() => provider().get(id));
    expect(ResponseShapeError.isInstance(error)).toBe(true);
    expect((error as ResponseShapeError).issues).toEqual([
      { path: 'live_stream', expected: '"live_stream"' },
    ]);
  });
});

describe('headers', () => {
  it('sends the bearer token on every request and Content-Type only with a body', async () => {
    const { fetch, requests } = recordingFetch((request) =>
      request.method === 'PUT'
        ? { status: 200, body: { live_stream: { state: 'starting' } } }
        : request.method === 'DELETE'
          ? { status: 204 }
          : { status: request.method === 'POST' ? 201 : 200, body: { live_stream: liveStreamOf('get') } },
    );
    const wowza = wowzaVideo({ token: fixtureToken, fetch });
    await wowza.create({ name: 'n' });
    await wowza.start(id);
    await wowza.delete(id);
    expect(requests.map((request) => [request.method, request.url, request.headers])).toEqual([
      [
        'POST',
        `${origin}${base}/live_streams`,
        {
          accept: 'application/json',
          authorization: `Bearer ${fixtureToken}`,
          'content-type': 'application/json',
        },
      ],
      [
        'PUT',
        `${origin}${base}/live_streams/${id}/start`,
        { accept: 'application/json', authorization: `Bearer ${fixtureToken}` },
      ],
      [
        'GET',
        `${origin}${base}/live_streams/${id}`,
        { accept: 'application/json', authorization: `Bearer ${fixtureToken}` },
      ],
      [
        'DELETE',
        `${origin}${base}/live_streams/${id}`,
        { accept: 'application/json', authorization: `Bearer ${fixtureToken}` },
      ],
    ]);
    expect(requests[0]?.body).toEqual({
      live_stream: { name: 'n', broadcast_location: 'us_west_california', encoder: 'other_rtmp' },
    });
  });

  it('reads the token and base URL from WOWZA_VIDEO_TOKEN and WOWZA_VIDEO_BASE_URL', async () => {
    vi.stubEnv('WOWZA_VIDEO_TOKEN', 'env-token-eyJhbGciOiJIUzI1NiJ9');
    vi.stubEnv('WOWZA_VIDEO_BASE_URL', 'https://proxy.example.com/wowza/api/v2.0');
    const { fetch, requests } = recordingFetch(() => ({
      status: 200,
      body: { live_stream: { state: 'stopped' } },
    }));
    const wowza = wowzaVideo({ fetch });
    await wowza.getStatus(id);
    expect(requests[0]?.url).toBe(`https://proxy.example.com/wowza/api/v2.0/live_streams/${id}/state`);
    expect(requests[0]?.headers.authorization).toBe('Bearer env-token-eyJhbGciOiJIUzI1NiJ9');
    expect(wowza.secrets()).toContain('env-token-eyJhbGciOiJIUzI1NiJ9');
  });

  it('sends the token the environment holds at each request, and redacts every token it sent', async () => {
    const { fetch, requests } = recordingFetch(() => ({
      status: 200,
      body: { live_stream: { state: 'stopped' } },
    }));
    const wowza = wowzaVideo({ fetch });
    const tokens = ['env-token-first-eyJhbGciOiJIUzI1NiJ9', 'env-token-second-eyJhbGciOiJIUzI1NiJ9'];
    for (const token of [tokens[0], tokens[0], tokens[1], tokens[0]] as string[]) {
      vi.stubEnv('WOWZA_VIDEO_TOKEN', token);
      await wowza.getStatus(id);
    }
    expect(requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${tokens[0]}`,
      `Bearer ${tokens[0]}`,
      `Bearer ${tokens[1]}`,
      `Bearer ${tokens[0]}`,
    ]);
    expect(wowza.secrets()).toEqual(expect.arrayContaining(tokens));
  });

  it('uses the defaultRegion setting', async () => {
    const { fetch, requests } = recordingFetch(() => ({
      status: 201,
      body: { live_stream: liveStreamOf('create') },
    }));
    await wowzaVideo({ token: fixtureToken, fetch, defaultRegion: 'eu_germany' }).create({ name: 'n' });
    expect(requests[0]?.body).toEqual({
      live_stream: { name: 'n', broadcast_location: 'eu_germany', encoder: 'other_rtmp' },
    });
  });

  it('returns the soft gap as a warning on the created stream', async () => {
    const { fetch } = recordingFetch(() => ({ status: 201, body: { live_stream: liveStreamOf('create') } }));
    const stream = await wowzaVideo({ token: fixtureToken, fetch }).create({
      name: 'n',
      recording: true,
      providerOptions: { 'wowza-video': { save_asset: true } },
    });
    expect(stream.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'recording' }),
    ]);
  });
});

describe('bad input is refused before any request', () => {
  const spy = () => recordingFetch(() => ({ status: 200, body: {} }));

  it.each([
    [
      'an unknown region',
      { name: 'n', region: 'mars' },
      /region: expected one of asia_pacific_australia, .*us_west_oregon/,
    ],
    [
      'an unknown encoder option',
      { name: 'n', providerOptions: { 'wowza-video': { encoder: 'obs' } } },
      /encoder: expected one of wowza_clearcaster, .*other_srt/,
    ],
    [
      'an ingest protocol Wowza has no encoder for',
      { name: 'n', ingestProtocol: 'rtmps' },
      /expected one of rtmp, webrtc, srt, rtsp/,
    ],
    [
      'a name over 200 characters',
      { name: 'x'.repeat(201) },
      /name: expected at most 200 code points \(an emoji of one code point counts 1, a flag 2, a family emoji up to 7\); this name has 201/,
    ],
    [
      'restream',
      { name: 'n', restream: [{ url: 'rtmp://x.example.com/live', streamKey: 'abcd1234' }] },
      /restream/,
    ],
    [
      'an unknown option',
      { name: 'n', providerOptions: { 'wowza-video': { nope: 1 } } },
      /unknown field; expected one of/,
    ],
  ])('create with %s', async (_label, input, message) => {
    const { fetch, requests } = spy();
    const error = await failure(() => wowzaVideo({ token: fixtureToken, fetch }).create(input as never));
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(requests).toEqual([]);
  });

  it('update with restream, which Wowza cannot forward', async () => {
    const { fetch, requests } = spy();
    const error = await failure(() =>
      wowzaVideo({ token: fixtureToken, fetch }).update(id, {
        restream: [{ url: 'rtmp://a.example.com/live', streamKey: 'key-1234' }],
      }),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(requests).toEqual([]);
  });

  it.each(['a/b', '../live_streams', 'a?b=c', 'a#b', '..', 'a..b', 'a b', ''])(
    'an id %j never reaches another path, whatever the operation',
    async (badId) => {
      const { fetch, requests } = spy();
      const wowza = wowzaVideo({ token: fixtureToken, fetch });
      const calls = [
        () => wowza.get(badId),
        () => wowza.update(badId, { name: 'n' }),
        () => wowza.delete(badId),
        () => wowza.start(badId),
        () => wowza.stop(badId),
        () => wowza.reset(badId),
        () => wowza.getStatus(badId),
        () => wowza.regenerateConnectionCode(badId),
        () => wowza.getThumbnailUrl(badId),
      ];
      for (const call of calls) {
        const error = await failure(call);
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect(error.provider).toBe('wowza-video');
      }
      expect(requests).toEqual([]);
    },
  );

  it('a pageSize that is not a positive integer', async () => {
    const { fetch, requests } = spy();
    const error = await failure(() =>
      collect(wowzaVideo({ token: fixtureToken, fetch }).list({ pageSize: 0 })),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(requests).toEqual([]);
  });

  it('a token setting with CR/LF, at the factory', () => {
    const { fetch, requests } = spy();
    let error: unknown;
    try {
      wowzaVideo({ token: `${fixtureToken}\r\nX-Injected: 1`, fetch });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidInputError).operation).toBe('configure');
    expect((error as InvalidInputError).message).toMatch(/token contains control characters/);
    expect(errorTranscript(error)).not.toContain('X-Injected');
    expect(requests).toEqual([]);
  });

  it.each([
    [
      'no token at all',
      {},
      AuthenticationError,
      /no token configured; pass the `token` setting or WOWZA_VIDEO_TOKEN/,
    ],
  ] as const)('%s', async (_label, settings, type, message) => {
    vi.stubEnv('WOWZA_VIDEO_TOKEN', '');
    const { fetch, requests } = spy();
    const wowza = wowzaVideo({ ...settings, fetch });
    // Every call alike: a token that fails its check is never kept as checked.
    for (let call = 0; call < 3; call += 1) {
      const error = await failure(() => wowza.get(id));
      expect(type.isInstance(error), String(error)).toBe(true);
      expect(error.message).toMatch(message);
      expect(errorTranscript(error)).not.toContain('X-Injected');
    }
    expect(requests).toEqual([]);
  });

  it('a CR/LF token from the environment', async () => {
    vi.stubEnv('WOWZA_VIDEO_TOKEN', 'abc\ndef-token');
    const { fetch, requests } = spy();
    const error = await failure(() => wowzaVideo({ fetch }).get(id));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(requests).toEqual([]);
  });

  it('also with nock and no network: nothing is sent', async () => {
    const error = await failure(() => provider().create({ name: 'n', region: 'antarctica' }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('secrets', () => {
  it('collects the token and every stream key, password and code the vendor returns', async () => {
    replay('create');
    const wowza = provider();
    await wowza.create({ name: 'unilive contract stream' });
    expect(wowza.secrets()).toEqual(expect.arrayContaining([fixtureToken, 'cceecfa9', 'edf107a4', '0e15cb']));
  });

  it('scrubs them from errors, even when the vendor echoes them', async () => {
    replay('create');
    const wowza = provider();
    await wowza.create({ name: 'unilive contract stream' });
    nock(origin)
      .get(`${base}/live_streams/${id}`)
      .reply(422, {
        meta: {
          status: 422,
          code: 'ERR-422-RecordInvalid',
          title: 'Record Invalid Error',
          message: `Stream cceecfa9 with password edf107a4 for Bearer ${fixtureToken} is invalid`,
          description: 'rtmp://abc123.entrypoint.video.wowza.com:1935/app-B8P6K226/cceecfa9',
        },
      });
    const error = await failure(() => wowza.get(id));
    const transcript = errorTranscript(error);
    for (const secret of [fixtureToken, 'cceecfa9', 'edf107a4']) expect(transcript).not.toContain(secret);
    expect(error.vendorMessage).toContain('[REDACTED]');
  });

  it('the push credentials in the ingest URL never show: not in errors, hook events or inspection, echoed whole or alone', async () => {
    // The ingest URL carries the push user name and password as its user information. A vendor echoing that
    // URL, or the password alone in any encoding, shows neither in an error (message, vendorMessage, toJSON,
    // inspect, String) or a hook event, whether the call went through a client or the provider directly.
    const credential = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'),
      minLength: 6,
      maxLength: 20,
    });
    await fc.assert(
      fc.asyncProperty(credential, credential, async (user, secret) => {
        const username = `u${user}`;
        const password = `P${secret}`;
        fc.pre(!username.includes(password));
        const echoes: string[] = [];
        const { fetch } = recordingFetch(() => {
          const echo = echoes.shift();
          if (echo === undefined) {
            const stream = liveStreamOf('get');
            const info = stream.source_connection_information as Record<string, unknown>;
            return {
              status: 200,
              body: {
                live_stream: { ...stream, source_connection_information: { ...info, username, password } },
              },
            };
          }
          return {
            status: 500,
            body: { meta: { status: 500, code: 'ERR-500', title: '', message: `failed: ${echo}` } },
          };
        });
        const events: string[] = [];
        const wowza = wowzaVideo({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
        const client = createLiveStreamClient(wowza, {
          hooks: {
            onRequest: (event) => events.push(JSON.stringify(event)),
            onResponse: (event) => events.push(JSON.stringify(event)),
            onError: (event) => events.push(`${JSON.stringify(event)} ${errorTranscript(event.error)}`),
          },
        });
        const stream = await client.get(id);
        const url = stream.ingest[0]?.url ?? '';
        expect(url.startsWith(`rtmp://${username}:${password}@`)).toBe(true);
        for (const echo of [url, password, encodeURIComponent(url), JSON.stringify(url), `[${password}]`]) {
          for (const call of [() => client.get(id), () => wowza.get(id)]) {
            echoes.push(echo);
            const error = await failure(call);
            expect(error.vendorMessage).toContain('[REDACTED]');
            expect(errorTranscript(error)).not.toContain(password);
          }
        }
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) expect(event).not.toContain(password);
      }),
      { numRuns: 25 },
    );
  });

  it('learns the password in any source connection URL, in the fields no mapping reads too', async () => {
    // A pull source (`source_url`) or a backup server can carry a camera's or an encoder's password; the
    // reading leaves those two fields unchecked, in `raw`, yet an error echoing the password alone, URL-encoded
    // or inside a `Basic` value must not show it, as it does not for the push password.
    const password = fc
      .string({ unit: fc.constantFrom(...'abcXYZ0189-_.~@:/% +!'), minLength: 6, maxLength: 20 })
      .map((text) => `pw${text}`);
    const fields = ['primary_server', 'sdp_url', 'source_url', 'backup_server'] as const;
    const urls = {
      primary_server: (user: string) => `rtmp://${user}@h.example.com:1935/app-X`,
      sdp_url: (user: string) => `wss://${user}@h.example.com/webrtc-session.json`,
      source_url: (user: string) => `rtsp://${user}@camera.example.com/live/1`,
      backup_server: (user: string) => `rtmp://${user}@b.example.com/app-X`,
    };
    await fc.assert(
      fc.asyncProperty(fc.tuple(password, password, password, password), async (passwords) => {
        const info: Record<string, unknown> = {
          host_port: 1935,
          application: 'app-X',
          stream_name: 'c773b967',
        };
        fields.forEach((field, index) => {
          info[field] = urls[field](`user${index}:${encodeURIComponent(passwords[index] as string)}`);
        });
        const echoes: string[] = [];
        const { fetch } = recordingFetch(() => {
          const echo = echoes.shift();
          if (echo === undefined)
            return {
              status: 200,
              body: { live_stream: { ...liveStreamOf('get'), source_connection_information: info } },
            };
          return {
            status: 500,
            body: { meta: { status: 500, code: 'ERR-500', title: '', message: `failed: ${echo}` } },
          };
        });
        const wowza = wowzaVideo({ token: fixtureToken, fetch, retry: { maxRetries: 0 } });
        await wowza.get(id);
        for (const [index, secret] of passwords.entries()) {
          for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
            echoes.push(`[${form}]`);
            const error = await failure(() => wowza.get(id));
            expect(error.vendorMessage).toBe('failed: [[REDACTED]]');
            expect(errorTranscript(error)).not.toContain(form);
          }
          // The `Basic` value of `user:password`: only the characters that encode the user name stay.
          const user = `user${index}:`;
          const basic = Buffer.from(`${user}${secret}`).toString('base64');
          echoes.push(`[${basic}]`);
          const error = await failure(() => wowza.get(id));
          const kept = /^failed: \[([A-Za-z0-9+/]*)\[REDACTED\]\]$/.exec(error.vendorMessage ?? '')?.[1];
          expect(kept).toBeDefined();
          expect(basic.startsWith(kept as string)).toBe(true);
          expect((kept as string).length).toBeLessThan(Buffer.from(user).toString('base64').length);
        }
      }),
      { numRuns: 25 },
    );
  });
});
