import {
  AbortError,
  AuthenticationError,
  ChangeAppliedError,
  ConflictError,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStream,
  NotFoundError,
  UniliveError,
} from '@unilive/core';
import { errorTranscript, type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fixtureBasic,
  fixtureCredentials,
  fixtureStreamId,
  fixturesDirectory,
  origin,
  recordingFetch,
} from '../test/support.js';
import { LiveApiRestreamError } from './liveapi-error.js';
import { liveapi } from './liveapi-provider.js';

const fixture = (name: string): Fixture => loadFixture(fixturesDirectory, name);
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};
const bodyOf = (name: string) => fixture(name).response.body as Record<string, unknown>;

const streamKey = 'lv_16833a90987411ecb1de8570eafe89432?password=1bda8f83';
const publicKey = 'lv_16833a90987411ecb1de8570eafe89432';
const youtubeKey = 'debs-4ux2-r565-1sv4-68zh';
// The documented platform as LiveAPI lists it on the stream (get-with-platform, the vendor's list sample).
const youtubeTarget = {
  url: 'rtmp://a.rtmp.youtube.com/live2',
  streamKey: youtubeKey,
  id: '6226ce8431ddbeb3754aa249',
  enabled: true,
  broadcasting: false,
};
const authorization = `Basic ${fixtureBasic}`;
const streamUrl = `${origin}/live_streams/${fixtureStreamId}`;

function setup() {
  const recorder = recordingFetch();
  const provider = liveapi({ ...fixtureCredentials, fetch: recorder.fetch, retry: { maxRetries: 0 } });
  return { provider, requests: recorder.requests };
}

/** The documented create sample, as the neutral stream. */
const sampleStream = (raw: unknown, extra: Partial<LiveStream> = {}): LiveStream => ({
  id: fixtureStreamId,
  provider: 'liveapi',
  state: 'ready',
  broadcasting: false,
  ingest: [
    {
      protocol: 'rtmp',
      url: `rtmp://ingest.liveapi.com/static/${streamKey}`,
      server: 'rtmp://ingest.liveapi.com/static',
      streamKey,
    },
  ],
  playback: [
    {
      protocol: 'hls',
      url: `https://live.liveapi.com/620e0ba1ce8f11ddde571ve3/${publicKey}/index.m3u8`,
    },
    { protocol: 'embed', url: `https://player.liveapi.com/${publicKey}` },
    { protocol: 'embed', url: `https://player.liveapi.com/${publicKey}?onlyAudio=true`, audioOnly: true },
  ],
  recording: true,
  restream: [],
  createdAt: new Date('2022-02-28T08:54:50.339Z'),
  raw,
  ...extra,
});

const nameWarning = {
  type: 'unsupported-setting',
  setting: 'name',
  message:
    'LiveAPI returned the stream without a name: it may not keep names (capabilities.names is false); keep the name on your side.',
} as const;

/** Every credential and key the tests use; none may appear in an error. */
const allSecrets = [
  fixtureCredentials.tokenId,
  fixtureCredentials.secretKey,
  fixtureBasic,
  streamKey,
  '1bda8f83',
  youtubeKey,
];

function expectNoSecrets(error: unknown) {
  const transcript = errorTranscript(error);
  for (const secret of allSecrets) expect(transcript).not.toContain(secret);
}

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  vi.unstubAllEnvs();
  expect(pending, 'every prepared exchange was requested').toEqual([]);
});

describe('create', () => {
  it('sends name and enabled, and maps the documented create answer', async () => {
    const { provider, requests } = setup();
    replay('create');
    const stream = await provider.create({ name: 'unilive contract stream' });
    expect(requests).toEqual([
      {
        method: 'POST',
        url: `${origin}/live_streams`,
        headers: { accept: 'application/json', authorization, 'content-type': 'application/json' },
        body: { name: 'unilive contract stream', enabled: true },
      },
    ]);
    // No name comes back, so none is invented; the sample has no broadcasting_status (read as offline).
    expect(stream).toEqual(sampleStream(bodyOf('create'), { warnings: [nameWarning] }));
    expect(stream.name).toBeUndefined();
  });

  it('keeps a name the vendor returns, without a warning', async () => {
    const { provider } = setup();
    nock(origin)
      .post('/live_streams', { name: 'kept', enabled: true })
      .reply(201, { ...bodyOf('create'), name: 'kept' });
    const stream = await provider.create({ name: 'kept' });
    expect(stream.name).toBe('kept');
    expect(stream.warnings).toBeUndefined();
  });

  it('honours recording: true with no warning, warns about lowLatency and region, and sends none of them', async () => {
    const { provider, requests } = setup();
    replay('create');
    const stream = await provider.create({
      name: 'unilive contract stream',
      recording: true,
      lowLatency: true,
      region: 'eu',
    });
    expect(requests[0]?.body).toEqual({ name: 'unilive contract stream', enabled: true });
    // LiveAPI records every broadcast: what was asked holds, with nothing to send and nothing to warn of.
    expect(stream.recording).toBe(true);
    expect(stream.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'lowLatency',
        message: 'LiveAPI has no low-latency setting; lowLatency was not sent.',
      },
      {
        type: 'unsupported-setting',
        setting: 'region',
        message: 'LiveAPI takes no region: every stream ingests at the same RTMP host; region was not sent.',
      },
      nameWarning,
    ]);
  });

  it('refuses recording: false before any request: LiveAPI keeps every broadcast', async () => {
    const { provider, requests } = setup();
    const error = await provider
      .create({ name: 'unilive contract stream', recording: false })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'recording',
        message:
          'LiveAPI cannot turn recording off: it keeps every broadcast as a temporary recording for three days; leave recording out',
      },
    ]);
    expect(requests).toEqual([]);
  });

  it('passes providerOptions.liveapi enabled and settings into the body', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .post('/live_streams')
      .reply(201, { ...bodyOf('create'), enabled: false });
    const stream = await provider.create({
      name: 'disabled at birth',
      providerOptions: { liveapi: { enabled: false, settings: { cloud_recording: true } } },
    });
    expect(requests[0]?.body).toEqual({
      name: 'disabled at birth',
      enabled: false,
      settings: { cloud_recording: true },
    });
    expect(stream.state).toBe('stopped');
  });

  it('adds each restream target as a custom platform, then reads the stream back', async () => {
    const { provider, requests } = setup();
    replay('create', 'platform-create', 'get-with-platform');
    const stream = await provider.create({
      name: 'unilive contract stream',
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['POST', `${origin}/live_streams`, { name: 'unilive contract stream', enabled: true }],
      [
        'POST',
        `${streamUrl}/platforms`,
        { template: 'custom', server: 'rtmp://a.rtmp.youtube.com/live2', key: youtubeKey, enabled: true },
      ],
      ['GET', streamUrl, undefined],
    ]);
    expect(requests[1]?.headers).toEqual({
      accept: 'application/json',
      authorization,
      'content-type': 'application/json',
    });
    expect(stream).toEqual(
      sampleStream(bodyOf('get-with-platform'), {
        restream: [youtubeTarget],
        warnings: [nameWarning],
      }),
    );
  });

  it('names the created stream when a restream target is refused, and leaks no key', async () => {
    const { provider, requests } = setup();
    replay('create');
    // A vendor message that echoes the key it refused: it must be scrubbed.
    nock(origin)
      .post(`/live_streams/${fixtureStreamId}/platforms`)
      .reply(400, { message: `Invalid key ${youtubeKey}` });
    const error = await provider
      .create({
        name: 'unilive contract stream',
        restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      })
      .catch((caught: unknown) => caught);
    expect(LiveApiRestreamError.isInstance(error)).toBe(true);
    expect(UniliveError.isInstance(error)).toBe(true);
    const typed = error as LiveApiRestreamError;
    expect(typed.streamId).toBe(fixtureStreamId);
    expect(typed.targetsAdded).toBe(0);
    expect(typed.targetsRequested).toBe(1);
    expect(typed.status).toBe(400);
    expect(typed.operation).toBe('create');
    expect(typed.isRetryable).toBe(false);
    expect(typed.message).toContain(`stream ${fixtureStreamId} was created`);
    expect(typed.message).toContain('restream target 1 of 1 could not be added');
    expect(InvalidInputError.isInstance(typed.cause)).toBe(true);
    expect(typed.toJSON()).toMatchObject({ streamId: fixtureStreamId, targetsAdded: 0, targetsRequested: 1 });
    expect(requests).toHaveLength(2);
    expectNoSecrets(error);
  });

  it('counts the targets added before a later one fails (no retry of the failed POST)', async () => {
    const { provider, requests } = setup();
    replay('create', 'platform-create');
    nock(origin).post(`/live_streams/${fixtureStreamId}/platforms`).reply(500, { message: 'boom' });
    const error = (await provider
      .create({
        name: 'unilive contract stream',
        restream: [
          { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey },
          { url: 'rtmps://live-api-s.facebook.com:443/rtmp', streamKey: 'FB-1234-5678-secret' },
        ],
      })
      .catch((caught: unknown) => caught)) as LiveApiRestreamError;
    expect(error.targetsAdded).toBe(1);
    expect(error.targetsRequested).toBe(2);
    expect(error.status).toBe(500);
    expect(requests.map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);
    expect(errorTranscript(error)).not.toContain('FB-1234-5678-secret');
    expectNoSecrets(error);
  });

  it('returns the created stream with its targets and a read-back-failed warning when reading it back fails', async () => {
    const { provider } = setup();
    replay('create', 'platform-create');
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(503, '');
    const target = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey };
    const stream = await provider.create({ name: 'unilive contract stream', restream: [target] });
    expect(stream.id).toBe(fixtureStreamId);
    expect(stream.restream).toEqual([{ ...target, enabled: true }]);
    expect(stream.ingest).toHaveLength(1);
    expect(stream.warnings?.map((warning) => warning.type)).toEqual([
      'read-back-failed',
      'unsupported-setting',
    ]);
    expect(stream.warnings?.[0]?.message).toMatch(
      new RegExp(
        `^liveapi create: stream ${fixtureStreamId} was created with its 1 restream target\\(s\\), but reading the stream back failed`,
      ),
    );
    expect(JSON.stringify(stream.warnings)).not.toContain(youtubeKey);
  });

  it('rejects unknown providerOptions and non-RTMP ingest before any request', async () => {
    const { provider, requests } = setup();
    const unknown = await provider
      .create({ name: 'x', providerOptions: { liveapi: { abr: true } } as never })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(unknown)).toBe(true);
    expect((unknown as InvalidInputError).issues).toEqual([
      { path: 'providerOptions.liveapi.abr', message: 'unknown field; expected one of enabled, settings' },
    ]);
    expect((unknown as Error).message).toContain('providerOptions.liveapi.abr');

    const wrongType = await provider
      .create({ name: 'x', providerOptions: { liveapi: { enabled: 'yes' } } as never })
      .catch((caught: unknown) => caught);
    expect((wrongType as InvalidInputError).issues).toEqual([
      { path: 'providerOptions.liveapi.enabled', message: 'expected a boolean' },
    ]);

    const srt = await provider
      .create({ name: 'x', ingestProtocol: 'srt' })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(srt)).toBe(true);
    expect((srt as InvalidInputError).issues).toEqual([
      { path: 'ingestProtocol', message: 'expected rtmp: LiveAPI ingests RTMP only' },
    ]);
    expect(requests).toEqual([]);
  });
});

describe('credentials', () => {
  it('fails with AuthenticationError naming the setting and variable before any request', async () => {
    vi.stubEnv('LIVEAPI_TOKEN_ID', '');
    vi.stubEnv('LIVEAPI_SECRET_KEY', '');
    const recorder = recordingFetch();
    const provider = liveapi({ secretKey: fixtureCredentials.secretKey, fetch: recorder.fetch });
    const error = await provider.get(fixtureStreamId).catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'liveapi: no tokenId configured; pass the `tokenId` setting or LIVEAPI_TOKEN_ID',
    );
    const noSecret = await liveapi({ tokenId: fixtureCredentials.tokenId, fetch: recorder.fetch })
      .get(fixtureStreamId)
      .catch((caught: unknown) => caught);
    expect((noSecret as Error).message).toBe(
      'liveapi: no secretKey configured; pass the `secretKey` setting or LIVEAPI_SECRET_KEY',
    );
    expect(recorder.requests).toEqual([]);
  });

  it('sends the Basic form of the credentials at each request: the settings, or what the environment holds then', async () => {
    const basic = (tokenId: string, secretKey: string) =>
      `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`;
    replay('get', 'get', 'get');
    const fromSettings = setup();
    for (let call = 0; call < 3; call += 1) await fromSettings.provider.get(fixtureStreamId);
    expect(fromSettings.requests.map((request) => request.headers.authorization)).toEqual([
      authorization,
      authorization,
      authorization,
    ]);

    const pairs = [
      ['token-id-first', 'secret-key-first'],
      ['token-id-first', 'secret-key-first'],
      ['token-id-second', 'secret-key-first'],
      ['token-id-second', 'secret-key-second'],
      ['token-id-first', 'secret-key-first'],
    ] as const;
    const sent: (string | null)[] = [];
    const fromEnvironment = liveapi({
      fetch: (async (input: Request) => {
        sent.push(input.headers.get('authorization'));
        return Response.json(bodyOf('get'));
      }) as typeof fetch,
    });
    for (const [tokenId, secretKey] of pairs) {
      vi.stubEnv('LIVEAPI_TOKEN_ID', tokenId);
      vi.stubEnv('LIVEAPI_SECRET_KEY', secretKey);
      await fromEnvironment.get(fixtureStreamId);
    }
    expect(sent).toEqual(pairs.map(([tokenId, secretKey]) => basic(tokenId, secretKey)));
    expect(fromEnvironment.secrets?.()).toEqual(
      expect.arrayContaining([
        'token-id-second',
        'secret-key-second',
        basic('token-id-second', 'secret-key-second').slice(6),
      ]),
    );
  });

  it('refuses a credential setting it cannot send at the factory, and one from the environment on every call alike', async () => {
    const recorder = recordingFetch();
    const settings = { tokenId: 'token:id-1234', secretKey: 'secret-key-1234', fetch: recorder.fetch };
    const atFactory = (() => {
      try {
        return liveapi(settings);
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidInputError.isInstance(atFactory)).toBe(true);
    expect((atFactory as InvalidInputError).operation).toBe('configure');
    expect((atFactory as InvalidInputError).issues).toEqual([
      { path: 'tokenId', message: 'expected no ":"' },
    ]);

    // From the environment, read before each request: every call refused alike, named for the call.
    vi.stubEnv('LIVEAPI_TOKEN_ID', settings.tokenId);
    vi.stubEnv('LIVEAPI_SECRET_KEY', settings.secretKey);
    const provider = liveapi({ fetch: recorder.fetch });
    for (let call = 0; call < 3; call += 1) {
      const error = await provider.get(fixtureStreamId).catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).operation).toBe('get');
      expect((error as InvalidInputError).issues).toEqual([{ path: 'tokenId', message: 'expected no ":"' }]);
    }
    expect(recorder.requests).toEqual([]);
  });

  it('reads LIVEAPI_TOKEN_ID and LIVEAPI_SECRET_KEY', async () => {
    vi.stubEnv('LIVEAPI_TOKEN_ID', fixtureCredentials.tokenId);
    vi.stubEnv('LIVEAPI_SECRET_KEY', fixtureCredentials.secretKey);
    replay('get');
    const stream = await liveapi().get(fixtureStreamId);
    expect(stream.id).toBe(fixtureStreamId);
  });

  it('rejects control characters and a colon in the token id at the factory, echoing neither', () => {
    const recorder = recordingFetch();
    const refusal = (settings: { tokenId: string; secretKey: string }): unknown => {
      try {
        liveapi({ ...settings, fetch: recorder.fetch });
      } catch (caught) {
        return caught;
      }
      return undefined;
    };
    const injected = refusal({
      tokenId: fixtureCredentials.tokenId,
      secretKey: 'secret-key\r\nx-injected: 1',
    });
    expect(InvalidInputError.isInstance(injected)).toBe(true);
    expect((injected as InvalidInputError).operation).toBe('configure');
    expect(errorTranscript(injected)).not.toContain('secret-key');

    const colon = refusal({ tokenId: 'token:id-1234', secretKey: 'secret-key-1234' });
    expect(InvalidInputError.isInstance(colon)).toBe(true);
    // The fixed text as written: none of its words is taken for a credential and masked.
    expect((colon as InvalidInputError).message).toBe(
      'liveapi: tokenId contains ":", which cannot be carried in an HTTP Basic (RFC 7617) user name',
    );
    expect((colon as InvalidInputError).issues).toEqual([{ path: 'tokenId', message: 'expected no ":"' }]);
    expect(errorTranscript(colon)).not.toContain('token:id-1234');
    expect(errorTranscript(colon)).not.toContain('secret-key-1234');
    expect(recorder.requests).toEqual([]);
  });

  it('lists the credentials, their Basic form and every key seen among its secrets', async () => {
    const { provider } = setup();
    replay('get-with-platform');
    await provider.get(fixtureStreamId);
    expect(new Set(provider.secrets?.())).toEqual(new Set(allSecrets));
  });

  it("lists a password in the ingest server's or a restream server's user information among its secrets", async () => {
    const { provider } = setup();
    const recorded = fixture('get-with-platform');
    const body = structuredClone(recorded.response.body) as {
      ingest: { server: string };
      platforms: { server: string }[];
    };
    body.ingest.server = 'rtmp://publisher:ingest%2Fpass-1@ingest.liveapi.com/static';
    for (const platform of body.platforms)
      platform.server = 'rtmp://yt:restream-pass-2@a.rtmp.youtube.com/live2';
    interceptFixture(nock(origin), { ...recorded, response: { ...recorded.response, body } });
    await provider.get(fixtureStreamId);
    expect(new Set(provider.secrets?.())).toEqual(
      new Set([...allSecrets, 'ingest/pass-1', 'restream-pass-2']),
    );
  });
});

describe('get', () => {
  it('reads creation_time sent as a number as an epoch, and never fails the stream for a date', async () => {
    for (const [value, expected] of [
      [1646038490, '2022-02-28T08:54:50.000Z'],
      [1646038490339, '2022-02-28T08:54:50.339Z'],
      [false, undefined],
      [{ $date: '2022-02-28' }, undefined],
    ] as const) {
      const { provider } = setup();
      nock(origin)
        .get(`/live_streams/${fixtureStreamId}`)
        .reply(200, { ...bodyOf('get'), creation_time: value });
      const stream = await provider.get(fixtureStreamId);
      expect(stream.createdAt?.toISOString(), String(value)).toBe(expected);
      expect((stream.raw as { creation_time: unknown }).creation_time).toEqual(value);
    }
  });

  it('maps an idle stream', async () => {
    const { provider, requests } = setup();
    replay('get');
    const stream = await provider.get(fixtureStreamId);
    expect(requests).toEqual([
      {
        method: 'GET',
        url: streamUrl,
        headers: { accept: 'application/json', authorization },
        body: undefined,
      },
    ]);
    expect(stream).toEqual(sampleStream(bodyOf('get')));
  });

  it('maps an online stream: broadcasting, and the RTMP pull URL as playback', async () => {
    const { provider } = setup();
    replay('get-online');
    const raw = bodyOf('get-online');
    const stream = await provider.get('620e0d57427ff4ddd764515f');
    const key = 'lv_420181c08fcf11ec905cbbd963c96e69';
    expect(stream).toEqual({
      id: '620e0d57427ff4ddd764515f',
      provider: 'liveapi',
      state: 'ready',
      broadcasting: true,
      ingest: [
        {
          protocol: 'rtmp',
          url: `rtmp://ingest.liveapi.com/static/${key}?password=fc0c144a`,
          server: 'rtmp://ingest.liveapi.com/static',
          streamKey: `${key}?password=fc0c144a`,
        },
      ],
      playback: [
        { protocol: 'hls', url: `https://live.liveapi.com/620e0ba1ce8f11ddde571d1c/${key}/index.m3u8` },
        { protocol: 'embed', url: `https://player.liveapi.com/${key}` },
        { protocol: 'embed', url: `https://player.liveapi.com/${key}?onlyAudio=true`, audioOnly: true },
        { protocol: 'rtmp', url: `rtmp://sg-1.liveapi.com/${key}` },
      ],
      recording: true,
      restream: [],
      createdAt: new Date('2022-02-17T08:54:47.086Z'),
      raw,
    });
    // SRT has no neutral playback protocol: it stays in raw, untouched.
    expect((stream.raw as { pull_urls: { srt: string } }).pull_urls.srt).toBe(
      `srt://sg-1.liveapi.com:9998/?streamid=#!::r=${key},m=request`,
    );
  });

  it('maps 404 to NotFoundError with the vendor message', async () => {
    const { provider } = setup();
    replay('error-404');
    const error = await provider.get(fixtureStreamId).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, vendorMessage: 'Live stream not found', operation: 'get' });
  });

  it('rejects an id that could leave its path segment before any request', async () => {
    const { provider, requests } = setup();
    for (const id of ['../videos', 'a/b', '', 'a b']) {
      const error = await provider.get(id).catch((caught: unknown) => caught);
      expect(InvalidInputError.isInstance(error), id).toBe(true);
    }
    expect(requests).toEqual([]);
  });
});

describe('list', () => {
  const page = (ids: string[], extra: Record<string, unknown> = {}) => ({
    docs: ids.map((id) => ({ ...bodyOf('get'), _id: id })),
    ...extra,
  });
  const collect = async (iterable: AsyncIterable<LiveStream>) => {
    const ids: string[] = [];
    for await (const stream of iterable) ids.push(stream.id);
    return ids;
  };

  it('walks page and pages with ?page=N', async () => {
    const { provider, requests } = setup();
    replay('list', 'list-page-2');
    const streams: LiveStream[] = [];
    for await (const stream of provider.list()) streams.push(stream);
    expect(requests.map((request) => request.url)).toEqual([
      `${origin}/live_streams`,
      `${origin}/live_streams?page=2`,
    ]);
    expect(requests.every((request) => request.headers.authorization === authorization)).toBe(true);
    expect(streams.map((stream) => stream.id)).toEqual(['6226ce5f31ddbeb3754aa243', fixtureStreamId]);
    expect(streams[0]?.restream).toEqual([youtubeTarget]);
    expect(streams[1]).toEqual(sampleStream((bodyOf('list-page-2').docs as unknown[])[0]));
  });

  it('reads the documented envelope without page or pages as one page', async () => {
    const { provider, requests } = setup();
    replay('list-docs-only');
    expect(await collect(provider.list())).toEqual(['6226ce5f31ddbeb3754aa243']);
    expect(requests).toHaveLength(1);
  });

  it('skips a record nested deeper than JSON.stringify reaches, and reads the others', async () => {
    const { provider } = setup();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const readable = JSON.stringify({ ...bodyOf('get'), _id: 'a1' });
    nock(origin)
      .get('/live_streams')
      .reply(200, `{"docs":[${deep},${readable}]}`, { 'content-type': 'application/json' });
    expect(await collect(provider.list())).toEqual(['a1']);
  });

  it('accepts a bare array', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1']).docs);
    expect(await collect(provider.list())).toEqual(['a1']);
  });

  it('stops on an empty page', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1'], { page: 1, pages: 3 }))
      .get('/live_streams?page=2')
      .reply(200, page([], { page: 2, pages: 3 }));
    expect(await collect(provider.list())).toEqual(['a1']);
    expect(requests).toHaveLength(2);
  });

  it('stops when a page repeats the previous one (page parameter ignored)', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1', 'a2'], { page: 1, pages: 50 }))
      .get('/live_streams?page=2')
      .reply(200, page(['a1', 'a2'], { page: 1, pages: 50 }));
    expect(await collect(provider.list())).toEqual(['a1', 'a2']);
    expect(requests).toHaveLength(2);
  });

  it('stops at pages, and reads page numbers sent as strings', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1'], { page: '1', pages: 2 }))
      .get('/live_streams?page=2')
      .reply(200, page(['a2'], { page: '2', pages: 2 }));
    expect(await collect(provider.list())).toEqual(['a1', 'a2']);
    expect(requests).toHaveLength(2);
  });

  it('fetches lazily: breaking after the first stream asks for no second page', async () => {
    const { provider, requests } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1', 'a2'], { page: 1, pages: 9 }));
    for await (const stream of provider.list()) {
      expect(stream.id).toBe('a1');
      break;
    }
    expect(requests).toHaveLength(1);
  });

  it('skips a malformed record with a warning naming its path, and lists the rest', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, {
        docs: [
          { ...bodyOf('get'), _id: 'a1' },
          { ...bodyOf('get'), _id: 'a2', ingest: { server: 'rtmp://x/static' } },
          { ...bodyOf('get'), _id: 'legacy:bbbb2222' },
          { ...bodyOf('get'), _id: 'a4' },
        ],
      });
    const warnings: string[] = [];
    const ids = await collect(
      provider.list({ runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.message) } } }),
    );
    expect(ids).toEqual(['a1', 'a4']);
    expect(warnings).toEqual([
      'liveapi list: record 2 of page 1 was skipped: ingest.key (expected "key")',
      'liveapi list: record 3 of page 1 was skipped: _id (expected a stream id (1-128 letters, digits, "_", "-", "." or "~"))',
    ]);
  });

  it('with strict, a malformed record fails the walk with ResponseShapeError naming its path', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, { docs: [{ ...bodyOf('get'), ingest: { server: 'rtmp://x/static' } }] });
    const error = await collect(provider.list({ strict: true })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResponseShapeError', operation: 'list' });
    expect((error as { issues: unknown }).issues).toEqual([{ path: 'ingest.key', expected: '"key"' }]);
  });

  it.each([
    [
      'mongoose-paginate v2',
      (number: number) => ({
        totalDocs: 25,
        limit: 10,
        page: number,
        totalPages: 3,
        hasNextPage: number < 3,
        ...(number < 3 ? { nextPage: number + 1 } : { nextPage: null }),
      }),
    ],
    ['mongoose-paginate v1 without pages', (number: number) => ({ total: 25, limit: 10, page: number })],
  ])('walks a %s answer to the end: 25 of 25, not the first 10', async (_, pagination) => {
    const { provider, requests } = setup();
    const ids = Array.from({ length: 25 }, (_, index) => `s${index + 1}`);
    nock(origin)
      .get('/live_streams')
      .reply(200, page(ids.slice(0, 10), pagination(1)))
      .get('/live_streams?page=2')
      .reply(200, page(ids.slice(10, 20), pagination(2)))
      .get('/live_streams?page=3')
      .reply(200, page(ids.slice(20), pagination(3)));
    expect(await collect(provider.list())).toEqual(ids);
    expect(requests).toHaveLength(3);
  });

  it('says so when the vendor counts more streams than its pages reach', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1', 'a2'], { totalDocs: 25, limit: 2, page: 1, hasNextPage: true, nextPage: 2 }))
      .get('/live_streams?page=2')
      .reply(200, page([], { totalDocs: 25, limit: 2, page: 2, hasNextPage: true, nextPage: 3 }));
    const warnings: string[] = [];
    const ids = await collect(
      provider.list({ runtime: { hooks: { onWarning: (event) => warnings.push(event.warning.type) } } }),
    );
    expect(ids).toEqual(['a1', 'a2']);
    expect(warnings).toEqual(['incomplete-list']);
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a1', 'a2'], { totalDocs: 25, limit: 2, page: 1, hasNextPage: true, nextPage: 2 }))
      .get('/live_streams?page=2')
      .reply(200, page([], { totalDocs: 25, limit: 2, page: 2, hasNextPage: true, nextPage: 3 }));
    const error = await collect(provider.list({ strict: true })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResponseShapeError', operation: 'list' });
  });

  it('a pageSize given is not sent, and an unsupported-setting warning says so once; none without one', async () => {
    for (const pageSize of [1, 2, 50, undefined]) {
      const { provider, requests } = setup();
      nock(origin)
        .get('/live_streams')
        .reply(200, page(['a1', 'a2'], { page: 1, pages: 2 }))
        .get('/live_streams?page=2')
        .reply(200, page(['a3'], { page: 2, pages: 2 }));
      const warnings: unknown[] = [];
      const ids = await collect(
        provider.list({
          ...(pageSize === undefined ? {} : { pageSize }),
          runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
        }),
      );
      expect(ids).toEqual(['a1', 'a2', 'a3']);
      expect(requests.map((request) => request.url)).toEqual([
        `${origin}/live_streams`,
        `${origin}/live_streams?page=2`,
      ]);
      expect(warnings).toEqual(
        pageSize === undefined
          ? []
          : [
              {
                provider: 'liveapi',
                operation: 'list',
                warning: {
                  type: 'unsupported-setting',
                  setting: 'pageSize',
                  message:
                    'liveapi list: pageSize is not sent: LiveAPI documents no page-size parameter; its pages are the size it chooses',
                },
              },
            ],
      );
    }
  });

  it('yields a stream once when pages shift while walking ([a, b] then [b, c])', async () => {
    const { provider } = setup();
    nock(origin)
      .get('/live_streams')
      .reply(200, page(['a', 'b'], { page: 1, pages: 2 }))
      .get('/live_streams?page=2')
      .reply(200, page(['b', 'c'], { page: 2, pages: 2 }));
    expect(await collect(provider.list())).toEqual(['a', 'b', 'c']);
  });
});

describe('update', () => {
  it('renames with PATCH {name}', async () => {
    const { provider, requests } = setup();
    replay('update');
    const stream = await provider.update(fixtureStreamId, { name: 'unilive contract stream (renamed)' });
    expect(requests).toEqual([
      {
        method: 'PATCH',
        url: streamUrl,
        headers: { accept: 'application/json', authorization, 'content-type': 'application/json' },
        body: { name: 'unilive contract stream (renamed)' },
      },
    ]);
    expect(stream).toEqual(sampleStream(bodyOf('update'), { warnings: [nameWarning] }));
  });

  it('sends nothing for settings LiveAPI lacks, and returns the stream with warnings', async () => {
    const { provider, requests } = setup();
    replay('get');
    const stream = await provider.update(fixtureStreamId, { lowLatency: true });
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expect(stream.warnings?.map((warning) => warning.setting)).toEqual(['lowLatency']);
  });

  it('adds the restream targets the stream lacks', async () => {
    const { provider, requests } = setup();
    replay('get', 'platform-create', 'get-with-platform');
    const stream = await provider.update(fixtureStreamId, {
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['GET', streamUrl, undefined],
      [
        'POST',
        `${streamUrl}/platforms`,
        { template: 'custom', server: 'rtmp://a.rtmp.youtube.com/live2', key: youtubeKey, enabled: true },
      ],
      ['GET', streamUrl, undefined],
    ]);
    expect(stream.restream).toEqual([youtubeTarget]);
  });

  it('keeps a target LiveAPI reports switched off, shows it off, and says so', async () => {
    const { provider, requests } = setup();
    replay('get-with-disabled-platform');
    const stream = await provider.update(fixtureStreamId, {
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expect(stream).toEqual(
      sampleStream(bodyOf('get-with-disabled-platform'), {
        restream: [{ ...youtubeTarget, enabled: false, broadcasting: false }],
        warnings: [
          {
            type: 'unsupported-setting',
            setting: 'restream.0',
            message:
              'this restream target exists but LiveAPI reports it switched off (enabled: false), so nothing is sent to it; LiveAPI documents no way to switch it on (switch it on in the LiveAPI dashboard)',
          },
        ],
      }),
    );
  });

  it('keeps a target no input can name (an srt:// platform added on the dashboard), adds the new one, and says so', async () => {
    const { provider, requests } = setup();
    // The stream as LiveAPI lists it once an SRT destination was added on its dashboard: no neutral input
    // can name it (restream URLs are rtmp:// or rtmps://), so a list given back cannot hold it.
    const srt = {
      _id: '6226ce8431ddbeb3754aa250',
      template: 'custom',
      enabled: true,
      server: 'srt://ingest.example.net:9000',
      key: 'zq-srt-passphrase-0001',
      broadcasting_status: 'offline',
    };
    const withPlatforms = (platforms: unknown[]) => ({ ...bodyOf('get'), platforms });
    const youtubePlatform = (bodyOf('get-with-platform').platforms as unknown[])[0];
    nock(origin)
      .get(`/live_streams/${fixtureStreamId}`)
      .reply(200, withPlatforms([srt]));
    nock(origin)
      .post(`/live_streams/${fixtureStreamId}/platforms`)
      .reply(201, youtubePlatform as Record<string, unknown>);
    nock(origin)
      .get(`/live_streams/${fixtureStreamId}`)
      .reply(200, withPlatforms([srt, youtubePlatform]));
    const stream = await provider.update(fixtureStreamId, {
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['GET', streamUrl, undefined],
      [
        'POST',
        `${streamUrl}/platforms`,
        { template: 'custom', server: 'rtmp://a.rtmp.youtube.com/live2', key: youtubeKey, enabled: true },
      ],
      ['GET', streamUrl, undefined],
    ]);
    expect(stream.restream?.map((target) => target.url)).toEqual([
      'srt://ingest.example.net:9000',
      'rtmp://a.rtmp.youtube.com/live2',
    ]);
    expect(stream.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'restream',
        message:
          "a restream target the stream has could not be named in the list (a URL that is no rtmp:// or rtmps:// one, or a stream key an input refuses: added on the vendor's dashboard or by another tool), so it was kept as it is; remove it on the vendor's side if it is not wanted",
      },
    ]);
  });

  it('takes back its own list when LiveAPI lists one destination twice (two platforms), adding only the new target', async () => {
    const { provider, requests } = setup();
    // A dashboard that added one destination twice: two platform records, each with its own id.
    const youtubePlatform = (bodyOf('get-with-platform').platforms as Record<string, unknown>[])[0] ?? {};
    const twice = [youtubePlatform, { ...youtubePlatform, _id: '6226ce8431ddbeb3754aa2ff' }];
    const twitch = { url: 'rtmp://live.twitch.tv/app', streamKey: 'zq-twitch-key-0001' };
    const twitchPlatform = {
      ...youtubePlatform,
      _id: '6226ce8431ddbeb3754aa300',
      server: twitch.url,
      key: twitch.streamKey,
    };
    const withPlatforms = (platforms: unknown[]) => ({ ...bodyOf('get'), platforms });
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(200, withPlatforms(twice));
    const before = await provider.get(fixtureStreamId);
    expect(before.restream?.map((target) => target.id)).toEqual([
      youtubePlatform._id,
      '6226ce8431ddbeb3754aa2ff',
    ]);
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(200, withPlatforms(twice));
    nock(origin).post(`/live_streams/${fixtureStreamId}/platforms`).reply(201, twitchPlatform);
    nock(origin)
      .get(`/live_streams/${fixtureStreamId}`)
      .reply(200, withPlatforms([...twice, twitchPlatform]));
    requests.length = 0;
    const after = await provider.update(fixtureStreamId, { restream: [...(before.restream ?? []), twitch] });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['GET', streamUrl, undefined],
      [
        'POST',
        `${streamUrl}/platforms`,
        { template: 'custom', server: twitch.url, key: twitch.streamKey, enabled: true },
      ],
      ['GET', streamUrl, undefined],
    ]);
    expect(after.restream).toHaveLength(3);
    // A copy given without the vendor's id is still a repeat, refused before any request.
    requests.length = 0;
    const refused = await provider
      .update(fixtureStreamId, { restream: [youtubeTarget, youtubeTarget] })
      .catch((caught: unknown) => caught);
    expect((refused as { issues?: unknown }).issues).toEqual([
      {
        path: 'restream.1',
        message: 'expected each target once: it repeats the url and stream key of target 0',
      },
    ]);
    expect(requests).toEqual([]);
  });

  it('keeps masking a restream key an update is still sending when another call finds the stream gone meanwhile', async () => {
    const { provider } = setup();
    const key = 'zq-in-flight-key-0001';
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(200, bodyOf('get'));
    // The platform request is answered only after a get finds the stream deleted elsewhere (404), which
    // forgets the stream's secrets; its 404 then repeats the key the update sent.
    let releasePost: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => {
      releasePost = resolve;
    });
    nock(origin)
      .post(`/live_streams/${fixtureStreamId}/platforms`)
      .reply(async () => {
        await posted;
        return [404, { message: `stream not found for platform key ${key}` }];
      });
    const updating = provider
      .update(fixtureStreamId, { restream: [{ url: 'rtmp://live.twitch.tv/app', streamKey: key }] })
      .catch((caught: unknown) => caught);
    await vi.waitFor(() => expect(nock.pendingMocks()).toHaveLength(0));
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(404, { message: 'not found' });
    expect(
      NotFoundError.isInstance(await provider.get(fixtureStreamId).catch((caught: unknown) => caught)),
    ).toBe(true);
    releasePost();
    const error = await updating;
    expect(JSON.stringify(error)).not.toContain(key);
    expect(String((error as Error).message)).not.toContain(key);
  });

  it('reads a stream whose platforms hold fields of another type, leaving those fields out', async () => {
    const { provider } = setup();
    const youtubePlatform = (bodyOf('get-with-platform').platforms as Record<string, unknown>[])[0];
    const odd = [
      { ...youtubePlatform, _id: 42 },
      { ...youtubePlatform, server: 'rtmp://live.twitch.tv/app', key: 'zq-twitch', enabled: 'false' },
      'not a platform',
      { server: 7, key: 'zq-lost' },
    ];
    nock(origin)
      .get(`/live_streams/${fixtureStreamId}`)
      .reply(200, { ...bodyOf('get'), platforms: odd });
    const stream = await provider.get(fixtureStreamId);
    expect(stream.restream).toEqual([
      { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey, enabled: true, broadcasting: false },
      {
        url: 'rtmp://live.twitch.tv/app',
        streamKey: 'zq-twitch',
        id: '6226ce8431ddbeb3754aa249',
        broadcasting: false,
      },
    ]);
    expect(stream.raw).toEqual({ ...bodyOf('get'), platforms: odd });
    // A `platforms` that is no list says nothing of the targets.
    nock(origin)
      .get(`/live_streams/${fixtureStreamId}`)
      .reply(200, { ...bodyOf('get'), platforms: { youtube: youtubePlatform } });
    expect((await provider.get(fixtureStreamId)).restream).toBeUndefined();
  });

  it('sends nothing when the targets are already there', async () => {
    const { provider, requests } = setup();
    replay('get-with-platform');
    const stream = await provider.update(fixtureStreamId, {
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
    });
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expect(stream.restream).toHaveLength(1);
  });

  it('refuses to drop a target, having changed nothing', async () => {
    const { provider, requests } = setup();
    replay('get-with-platform');
    const error = await provider
      .update(fixtureStreamId, { name: 'renamed', restream: [] })
      .catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'restream', message: 'expected every current target to be kept' },
    ]);
    expect(requests.map((request) => request.method)).toEqual(['GET']);
    expectNoSecrets(error);
  });

  it('names the stream when adding a target fails on update', async () => {
    const { provider } = setup();
    replay('get');
    nock(origin).post(`/live_streams/${fixtureStreamId}/platforms`).reply(403, { error: 'Not on your plan' });
    const error = (await provider
      .update(fixtureStreamId, {
        restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey }],
      })
      .catch((caught: unknown) => caught)) as LiveApiRestreamError;
    expect(LiveApiRestreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      operation: 'update',
      streamId: fixtureStreamId,
      targetsAdded: 0,
      targetsUnknown: 0,
      targetsRequested: 1,
      applied: [],
      unknown: [],
      notApplied: ['restream.0'],
      status: 403,
      vendorMessage: 'Not on your plan',
    });
    // Refused: the vendor holds nothing of it, and the error does not say otherwise.
    expect(error.delivery).toBeUndefined();
    expect(error.message).toBe(
      `liveapi update: on stream ${fixtureStreamId}, restream target 1 of 1 could not be added (liveapi update failed (HTTP 403): Not on your plan). Not applied: restream.0. To finish, repeat the update: targets LiveAPI holds are kept, the others added.`,
    );
    expectNoSecrets(error);
  });

  it('rejects unknown providerOptions before any request', async () => {
    const { provider, requests } = setup();
    const error = await provider
      .update(fixtureStreamId, { providerOptions: { liveapi: { name: 'x' } } as never })
      .catch((caught: unknown) => caught);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'providerOptions.liveapi.name', message: 'unknown field; expected one of enabled, settings' },
    ]);
    expect(requests).toEqual([]);
  });
});

describe('start and stop toggle enabled', () => {
  it('start sends exactly PATCH {"enabled": true} and returns the stream ready', async () => {
    const { provider, requests } = setup();
    replay('start');
    const stream = await provider.start(fixtureStreamId);
    expect(requests).toEqual([
      {
        method: 'PATCH',
        url: streamUrl,
        headers: { accept: 'application/json', authorization, 'content-type': 'application/json' },
        body: { enabled: true },
      },
    ]);
    expect(stream).toEqual(sampleStream(bodyOf('start')));
  });

  it('stop sends exactly PATCH {"enabled": false} and returns the stream stopped', async () => {
    const { provider, requests } = setup();
    replay('stop');
    const stream = await provider.stop(fixtureStreamId);
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['PATCH', streamUrl, { enabled: false }],
    ]);
    expect(stream).toEqual(sampleStream(bodyOf('stop'), { state: 'stopped' }));
  });

  it('reads the stream back when PATCH answers something that is not the stream', async () => {
    const { provider, requests } = setup();
    nock(origin).patch(`/live_streams/${fixtureStreamId}`, { enabled: false }).reply(200, { success: true });
    replay('get-stopped');
    const stream = await provider.stop(fixtureStreamId);
    expect(requests.map((request) => request.method)).toEqual(['PATCH', 'GET']);
    expect(stream.state).toBe('stopped');
  });

  it('reads the stream back when PATCH answers 204 with no body', async () => {
    const { provider, requests } = setup();
    nock(origin).patch(`/live_streams/${fixtureStreamId}`, { enabled: true }).reply(204);
    replay('get-ready');
    const stream = await provider.start(fixtureStreamId);
    expect(requests.map((request) => request.method)).toEqual(['PATCH', 'GET']);
    expect(stream.state).toBe('ready');
  });

  it.each([
    ['stop', false, 'get-ready', 'stopped', 'ready'],
    ['start', true, 'get-stopped', 'ready', 'stopped'],
  ] as const)(
    'an accepted %s whose read-back shows the change not made says so in an other warning, in the state the call left it in',
    async (operation, enabled, read, state, shown) => {
      // The vendor accepted the PATCH without answering the stream, and the stream read after it still shows
      // the state from before (another call changed it since, or the read was a copy): the caller is told,
      // as on every adapter, never handed the state asked for in silence. LiveAPI switches at once, so the
      // result is in the state the call ends in, among those its capabilities list.
      for (const answer of [
        () => nock(origin).patch(`/live_streams/${fixtureStreamId}`, { enabled }).reply(204),
        () =>
          nock(origin).patch(`/live_streams/${fixtureStreamId}`, { enabled }).reply(200, { success: true }),
      ]) {
        const { provider, requests } = setup();
        answer();
        replay(read);
        const stream = await provider[operation](fixtureStreamId);
        expect(requests.map((request) => request.method)).toEqual(['PATCH', 'GET']);
        expect(stream.state).toBe(state);
        expect(provider.capabilities.states).toContain(stream.state);
        expect(stream.warnings).toEqual([
          {
            type: 'other',
            message: `liveapi ${operation}: the vendor accepted ${operation}, but the stream read after it was ${shown}: another call changed it since (or the read was a copy from before the change). The result shows the state ${operation} left it in (${state}); get the stream for its state now.`,
          },
        ]);
        expect(stream.raw).toEqual(bodyOf(read));
      }
    },
  );

  it('an accepted stop whose read-back fails returns the state enabled gives, with a read-back-failed warning', async () => {
    const { provider } = setup();
    nock(origin).patch(`/live_streams/${fixtureStreamId}`, { enabled: false }).reply(204);
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(503, '');
    const stream = await provider.stop(fixtureStreamId);
    expect(stream).toMatchObject({ id: fixtureStreamId, state: 'stopped', ingest: [], playback: [] });
    expect(stream.warnings?.map((warning) => warning.type)).toEqual(['read-back-failed']);
  });

  it('an accepted update whose read-back fails is a ChangeAppliedError, not a retryable failure', async () => {
    const { provider } = setup();
    nock(origin).patch(`/live_streams/${fixtureStreamId}`, { name: 'renamed' }).reply(200, { success: true });
    nock(origin).get(`/live_streams/${fixtureStreamId}`).reply(503, '');
    const error = await provider
      .update(fixtureStreamId, { name: 'renamed' })
      .catch((caught: unknown) => caught);
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      streamId: fixtureStreamId,
      isRetryable: false,
      status: 503,
      operation: 'update',
    });
  });

  it('a refused start on a stream that is enabled returns it (the lifecycle rule)', async () => {
    const { provider } = setup();
    replay('error-409', 'get-ready');
    const stream = await provider.start(fixtureStreamId);
    expect(stream.state).toBe('ready');
  });

  it('a refused stop on a stream that is enabled stays ConflictError', async () => {
    const { provider } = setup();
    nock(origin)
      .patch(`/live_streams/${fixtureStreamId}`, { enabled: false })
      .reply(409, { message: 'busy' });
    replay('get-ready');
    const error = await provider.stop(fixtureStreamId).catch((caught: unknown) => caught);
    expect(ConflictError.isInstance(error)).toBe(true);
  });

  it('round-trips through the client: stop then start', async () => {
    const recorder = recordingFetch();
    const client = createLiveStreamClient(liveapi({ ...fixtureCredentials, fetch: recorder.fetch }));
    replay('stop', 'start');
    expect((await client.stop(fixtureStreamId)).state).toBe('stopped');
    expect((await client.start(fixtureStreamId)).state).toBe('ready');
    expect(recorder.requests.map((request) => request.body)).toEqual([{ enabled: false }, { enabled: true }]);
  });
});

describe('a bad id', () => {
  it('is refused naming the provider and the operation called, before any request, from every call', async () => {
    const operations = ['get', 'update', 'delete', 'start', 'stop'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.oneof(
          fc.constantFrom('', '../x', 'a/b', 'ab cd', 'abc%2F', 'x'.repeat(129)),
          fc.string().filter((id) => !/^[A-Za-z0-9_.~-]{1,128}$/.test(id)),
        ),
        async (operation, id) => {
          const { provider, requests } = setup();
          let outcome: Promise<unknown>;
          try {
            outcome = operation === 'update' ? provider.update(id, { name: 'x' }) : provider[operation](id);
          } catch (error) {
            throw new Error(`${operation} threw synchronously: ${String(error)}`);
          }
          const error = await outcome.then(
            () => undefined,
            (rejected: unknown) => rejected,
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).provider).toBe('liveapi');
          expect((error as InvalidInputError).operation).toBe(operation);
          expect((error as InvalidInputError).delivery).toBe('not-sent');
          expect(requests).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('delete', () => {
  it('sends DELETE and resolves', async () => {
    const { provider, requests } = setup();
    replay('delete');
    await expect(provider.delete(fixtureStreamId)).resolves.toBeUndefined();
    expect(requests).toEqual([
      {
        method: 'DELETE',
        url: streamUrl,
        headers: { accept: 'application/json', authorization },
        body: undefined,
      },
    ]);
  });
});

describe('errors', () => {
  const cases = [
    ['error-400', 'InvalidInputError', 400, 'Bad request: a required parameter is missing'],
    ['error-401', 'AuthenticationError', 401, 'Unauthorized'],
    ['error-403', 'AuthenticationError', 403, 'Feature not available on your current plan'],
    ['error-404', 'NotFoundError', 404, 'Live stream not found'],
    ['error-409', 'ConflictError', 409, 'Conflicts with another request'],
    ['error-429', 'RateLimitError', 429, 'Too Many Requests'],
    ['error-500', 'ProviderUnavailableError', 500, 'Unexpected server error'],
    ['error-502', 'ProviderUnavailableError', 502, 'Bad Gateway'],
    ['error-503', 'ProviderUnavailableError', 503, 'Service Unavailable'],
    ['error-504', 'ProviderUnavailableError', 504, 'Gateway Timeout'],
  ] as const;

  for (const [name, kind, status, vendorMessage] of cases) {
    it(`${name}: ${kind} with the vendor message or the status text, and no secret`, async () => {
      const recorded = fixture(name);
      const wrongSecret = name === 'error-401';
      const recorder = recordingFetch();
      const provider = liveapi({
        tokenId: fixtureCredentials.tokenId,
        secretKey: wrongSecret ? 'not-the-secret-key-0000' : fixtureCredentials.secretKey,
        fetch: recorder.fetch,
        retry: { maxRetries: 0 },
      });
      interceptFixture(nock(origin), recorded);
      const { method } = recorded.request;
      const call =
        method === 'POST'
          ? provider.create({ name: 'unilive contract stream' })
          : method === 'PATCH'
            ? provider.start(fixtureStreamId)
            : provider.get(fixtureStreamId);
      const error = await call.catch((caught: unknown) => caught);
      expect((error as Error).name).toBe(kind);
      expect(error).toMatchObject({ provider: 'liveapi', status, vendorMessage });
      expect((error as Error).message).toBe(
        `liveapi ${method === 'POST' ? 'create' : method === 'PATCH' ? 'start' : 'get'} failed (HTTP ${status}): ${vendorMessage}`,
      );
      expectNoSecrets(error);
      if (wrongSecret) expect(errorTranscript(error)).not.toContain('not-the-secret-key-0000');
    });
  }

  it('keeps Retry-After on a 429', async () => {
    const { provider } = setup();
    replay('error-429');
    const error = await provider.get(fixtureStreamId).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'RateLimitError', retryAfterMs: 1000 });
  });

  it('does not retry a create after a 5xx: the stream may exist', async () => {
    const recorder = recordingFetch();
    const provider = liveapi({ ...fixtureCredentials, fetch: recorder.fetch });
    nock(origin).post('/live_streams').reply(502, '<html>Bad Gateway</html>');
    const error = await provider.create({ name: 'once' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ProviderUnavailableError', status: 502 });
    expect(recorder.requests).toHaveLength(1);
  });

  it('scrubs a stream key the vendor echoes in an error message', async () => {
    const { provider } = setup();
    replay('get');
    await provider.get(fixtureStreamId);
    nock(origin)
      .patch(`/live_streams/${fixtureStreamId}`)
      .reply(409, { error: { message: `stream ${streamKey} is busy` } });
    const error = await provider.start(fixtureStreamId).catch((caught: unknown) => caught);
    expect((error as UniliveError).vendorMessage).toBe('stream [REDACTED] is busy');
    expectNoSecrets(error);
  });

  it('rejects a create answer without ingest as a ResponseShapeError naming the path', async () => {
    const { provider } = setup();
    const { ingest: _ingest, ...withoutIngest } = bodyOf('create');
    nock(origin).post('/live_streams').reply(201, withoutIngest);
    const error = await provider.create({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResponseShapeError', status: 201 });
    expect((error as { issues: unknown }).issues).toEqual([{ path: 'ingest', expected: '"ingest"' }]);
  });
});

describe('an abort while restream targets are added after the create was accepted', () => {
  // The caller's signal is an AbortError on every adapter (never the ChangeAppliedError of a vendor's
  // failure), naming the stream that exists and which targets it holds, may hold, and does not.
  it('is an AbortError naming the stream, the targets added, the one under way and those not sent', async () => {
    const targets = [
      { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: youtubeKey },
      { url: 'rtmps://live-api-s.facebook.com:443/rtmp', streamKey: 'FB-1234-5678-secret' },
      { url: 'rtmp://live.twitch.tv/app', streamKey: 'live_twitch_0123456789' },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 3 })
          .chain((count) => fc.tuple(fc.constant(count), fc.nat({ max: count - 1 }), fc.boolean())),
        async ([count, at, sent]) => {
          nock.cleanAll();
          const controller = new AbortController();
          const { provider, requests } = setup();
          replay('create');
          const platforms = bodyOf('platform-create');
          let posted = 0;
          nock(origin)
            .post(`/live_streams/${fixtureStreamId}/platforms`)
            .times(count)
            .reply(() => {
              posted += 1;
              // The target at `at` reaches LiveAPI and the signal fires before its answer arrives.
              if (posted === at + 1 && sent) controller.abort(new Error('caller gave up'));
              return [200, platforms];
            });
          let platformRequests = 0;
          const client = createLiveStreamClient(provider, {
            hooks: {
              onRequest: (event) => {
                if (!event.url.endsWith('/platforms')) return;
                // The target at `at` is stopped before it is sent.
                if (platformRequests === at && !sent) controller.abort(new Error('caller gave up'));
                platformRequests += 1;
              },
            },
          });
          const error = await client
            .create(
              { name: 'unilive contract stream', restream: targets.slice(0, count) },
              { signal: controller.signal },
            )
            .catch((caught: unknown) => caught);
          const part = (index: number) => `restream.${index}`;
          const after = Array.from({ length: count - at - 1 }, (_, offset) => part(at + 1 + offset));
          expect(AbortError.isInstance(error), String(error)).toBe(true);
          expect(ChangeAppliedError.isInstance(error)).toBe(false);
          const abort = error as AbortError;
          expect({
            name: abort.name,
            message: abort.message,
            operation: abort.operation,
            delivery: abort.delivery,
            streamId: abort.streamId,
            applied: abort.applied,
            unknown: abort.unknown,
            notApplied: abort.notApplied,
            cause: (abort.cause as Error).message,
            isRetryable: abort.isRetryable,
          }).toEqual({
            name: 'AbortError',
            message: 'liveapi create was aborted',
            operation: 'create',
            delivery: 'unknown',
            streamId: fixtureStreamId,
            applied: ['create', ...Array.from({ length: at }, (_, index) => part(index))],
            unknown: sent ? [part(at)] : [],
            notApplied: sent ? after : [part(at), ...after],
            cause: 'caller gave up',
            isRetryable: false,
          });
          // The create, the targets before the one stopped, and that one when it was sent: nothing after.
          expect(requests.length).toBe(1 + at + (sent ? 1 : 0));
          expectNoSecrets(error);
        },
      ),
      { numRuns: 30 },
    );
    nock.cleanAll();
  });
});
