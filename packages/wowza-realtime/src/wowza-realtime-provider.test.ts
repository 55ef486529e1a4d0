import { inspect } from 'node:util';
import {
  AuthenticationError,
  ChangeAppliedError,
  ConflictError,
  type CreateLiveStreamInput,
  type HttpHooks,
  InvalidInputError,
  type LiveStream,
  NotFoundError,
  ResponseShapeError,
  UniliveError,
} from '@unilive/core';
import { errorTranscript } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerOf, fixture, fixtureToken, recordingFetch, requestOf } from '../test/recording-fetch.js';
import { wowzaRealtimeDetailsOf } from './map-wowza-realtime-stream.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

const origin = 'https://api.video.wowza.com';
const streamName = '8d304b93f1684320a54f2798666eeca7';
const publishToken = '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc';
const rtmpUrl = `rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/${streamName}?token=${publishToken}`;
const auth = { accept: 'application/json', authorization: `Bearer ${fixtureToken}` };
const jsonAuth = { ...auth, 'content-type': 'application/json' };

function setup(...responses: Parameters<typeof recordingFetch>) {
  const vendor = recordingFetch(...responses);
  const provider = wowzaRealtime({ token: fixtureToken, fetch: vendor.fetch, retry: { maxRetries: 0 } });
  return { provider, vendor };
}

const rawOf = (name: string) =>
  (fixture(name).response.body as { real_time_stream: unknown }).real_time_stream;

/** The neutral stream of the lifecycle fixtures (create.json, get.json), spelled out field by field. */
function contractStream(overrides: Partial<LiveStream> & { rawFrom: string }): LiveStream {
  const { rawFrom, ...rest } = overrides;
  return {
    id: '2adffc17',
    provider: 'wowza-realtime',
    name: 'unilive contract stream',
    state: 'ready',
    ingest: [
      {
        protocol: 'rtmp',
        url: rtmpUrl,
        server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
        streamKey: `${streamName}?token=${publishToken}`,
      },
    ],
    playback: [{ protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/e8dk5bf6' }],
    recording: false,
    providerDetails: { 'wowza-realtime': { sdk: { streamName, publishToken } } },
    createdAt: new Date('2021-06-30T18:02:20.000Z'),
    updatedAt: new Date('2021-06-30T18:02:20.000Z'),
    raw: rawOf(rawFrom),
    ...rest,
  };
}

async function failure(run: () => Promise<unknown>): Promise<UniliveError> {
  try {
    await run();
  } catch (error) {
    if (UniliveError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('wowzaRealtime provider', () => {
  it('declares the v1 contract and honest capabilities', () => {
    const { provider } = setup();
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.id).toBe('wowza-realtime');
    expect(provider.capabilities).toEqual({
      lifecycle: 'stop-only',
      start: false,
      stop: true,
      restart: false,
      update: true,
      delete: true,
      recording: true,
      restream: false,
      regions: true,
      lowLatency: true,
      broadcastingStatus: false,
      names: true,
      ingestProtocols: ['rtmp'],
      playbackProtocols: ['embed'],
      maxNameLength: 200,
      states: ['ready', 'stopped', 'disabled', 'unknown'],
      updatable: ['name', 'region', 'lowLatency'],
    });
    expect(provider.getStatus).toBeTypeOf('function');
  });

  describe('credentials', () => {
    it('reads WOWZA_REALTIME_TOKEN, then WOWZA_VIDEO_TOKEN, when no token setting is given', async () => {
      vi.stubEnv('WOWZA_REALTIME_TOKEN', '');
      vi.stubEnv('WOWZA_VIDEO_TOKEN', 'video-product-jwt-0123');
      const vendor = recordingFetch(answerOf('get'), answerOf('get'));
      await wowzaRealtime({ fetch: vendor.fetch }).get('2adffc17');
      vi.stubEnv('WOWZA_REALTIME_TOKEN', 'realtime-product-jwt-4567');
      await wowzaRealtime({ fetch: vendor.fetch }).get('2adffc17');
      expect(vendor.requests.map((request) => request.headers.authorization)).toEqual([
        'Bearer video-product-jwt-0123',
        'Bearer realtime-product-jwt-4567',
      ]);
    });

    it('sends the token the environment holds at each request, and keeps every one a secret', async () => {
      vi.stubEnv('WOWZA_VIDEO_TOKEN', '');
      const tokens = ['rotated-jwt-0001', 'rotated-jwt-0001', 'rotated-jwt-0002', 'rotated-jwt-0001'];
      const vendor = recordingFetch(...tokens.map(() => answerOf('get')));
      const provider = wowzaRealtime({ fetch: vendor.fetch });
      for (const token of tokens) {
        vi.stubEnv('WOWZA_REALTIME_TOKEN', token);
        await provider.get('2adffc17');
      }
      expect(vendor.requests.map((request) => request.headers.authorization)).toEqual(
        tokens.map((token) => `Bearer ${token}`),
      );
      expect(provider.secrets?.()).toEqual(expect.arrayContaining(['rotated-jwt-0001', 'rotated-jwt-0002']));
    });

    it('reads a blank variable as absent and trims whitespace around a value, for choosing and for reading', async () => {
      // What a shell quote or a `.env` file's CRLF leaves around a value.
      const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 6 });
      const token = fc.stringMatching(/^[A-Za-z0-9._-]{8,32}$/);
      await fc.assert(
        fc.asyncProperty(
          blank,
          fc.option(fc.tuple(blank, token, blank), { nil: undefined }),
          fc.tuple(blank, token, blank),
          async (realtime, realtimeToken, [before, videoToken, after]) => {
            vi.stubEnv('WOWZA_REALTIME_TOKEN', realtimeToken ? realtimeToken.join('') : realtime);
            vi.stubEnv('WOWZA_VIDEO_TOKEN', `${before}${videoToken}${after}`);
            const vendor = recordingFetch(answerOf('get'));
            await wowzaRealtime({ fetch: vendor.fetch }).get('2adffc17');
            expect(vendor.requests.map((request) => request.headers.authorization)).toEqual([
              `Bearer ${realtimeToken ? realtimeToken[1] : videoToken}`,
            ]);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('throws AuthenticationError naming the setting and variables, before any request', async () => {
      vi.stubEnv('WOWZA_REALTIME_TOKEN', '');
      vi.stubEnv('WOWZA_VIDEO_TOKEN', '');
      const vendor = recordingFetch();
      const error = await failure(() => wowzaRealtime({ fetch: vendor.fetch }).get('2adffc17'));
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(error.message).toBe(
        'wowza-realtime: no token configured; pass the `token` setting or WOWZA_REALTIME_TOKEN or WOWZA_VIDEO_TOKEN',
      );
      expect(vendor.requests).toEqual([]);
    });

    it('checks a token setting on every request alike: each is sent with it, or each fails the same way', async () => {
      // A token given as a setting is checked once and its header reused; one that fails the check is never
      // kept, so every request fails as the first did, and the environment is never read instead.
      vi.stubEnv('WOWZA_REALTIME_TOKEN', 'environment-jwt-0001');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({
              unit: fc.constantFrom('a', 'Z', '9', '.', '-', '_', ' ', '\t', '\r', '\n', '\u0000', 'é'),
              maxLength: 24,
            }),
            fc.constantFrom('', '   ', fixtureToken),
          ),
          async (token) => {
            const vendor = recordingFetch(answerOf('get'), answerOf('get'), answerOf('get'));
            let provider: ReturnType<typeof wowzaRealtime>;
            try {
              provider = wowzaRealtime({ token, fetch: vendor.fetch });
            } catch (error) {
              // Refused by the factory already (a token no header can carry): no request to compare.
              expect(InvalidInputError.isInstance(error)).toBe(true);
              return;
            }
            const outcomes: string[] = [];
            for (let call = 0; call < 3; call += 1) {
              const sent = vendor.requests.length;
              const error = await provider.get('2adffc17').then(
                () => undefined,
                (caught: unknown) => caught,
              );
              if (error === undefined) {
                expect(vendor.requests.length).toBe(sent + 1);
                // Whitespace around a token setting is dropped, as around a variable (these units' only
                // whitespace is what `trim` drops).
                expect(vendor.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token.trim()}`);
                outcomes.push('sent');
              } else {
                expect(vendor.requests.length).toBe(sent);
                expect(UniliveError.isInstance(error)).toBe(true);
                outcomes.push(`${(error as Error).name}: ${(error as Error).message}`);
              }
            }
            expect(new Set(outcomes).size).toBe(1);
          },
        ),
        { numRuns: 120 },
      );
    });

    it('refuses a token with CR/LF without echoing it, before any request', async () => {
      const vendor = recordingFetch();
      const token = 'eyJhbGciOiJIUzI1NiJ9.header-injection\r\nx-evil: 1';
      const error = await failure(() => wowzaRealtime({ token, fetch: vendor.fetch }).get('2adffc17'));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(errorTranscript(error)).not.toContain('header-injection');
      expect(vendor.requests).toEqual([]);
    });

    it('refuses a token setting that is not a string as input naming it, at the factory', async () => {
      // From JavaScript or a config file the setting can be anything: a function returning a token, a number,
      // an object. Each is the caller's mistake, named, not a credential that "could not be prepared".
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.integer(),
            fc.boolean(),
            fc.string().map((token) => () => token),
            fc.array(fc.string(), { maxLength: 2 }),
            fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
          ),
          async (token) => {
            const vendor = recordingFetch();
            const error = await failure(async () =>
              wowzaRealtime({ token: token as unknown as string, fetch: vendor.fetch }),
            );
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as InvalidInputError).message).toBe(
              'wowza-realtime: the `token` setting must be a string',
            );
            expect((error as InvalidInputError).operation).toBe('configure');
            expect((error as InvalidInputError).issues).toEqual([
              { path: 'token', message: 'expected a string' },
            ]);
            expect((error as InvalidInputError).delivery).toBe('not-sent');
            expect(vendor.requests).toEqual([]);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('talks to the vendor API root by default and to baseUrl when given', async () => {
      const vendor = recordingFetch(answerOf('get'), answerOf('get'));
      await wowzaRealtime({ token: fixtureToken, fetch: vendor.fetch }).get('2adffc17');
      await wowzaRealtime({
        token: fixtureToken,
        fetch: vendor.fetch,
        baseUrl: 'http://127.0.0.1:9/wowza-realtime/api/v2.0',
      }).get('2adffc17');
      expect(vendor.requests.map((request) => request.url)).toEqual([
        'https://api.video.wowza.com/api/v2.0/real_time/2adffc17',
        'http://127.0.0.1:9/wowza-realtime/api/v2.0/real_time/2adffc17',
      ]);
    });
  });

  describe('a bad id', () => {
    it('is a rejected promise naming the provider and operation, before any request, for every call', async () => {
      // Never a synchronous throw while the request is built: `provider.get(id).catch(…)` catches it.
      const calls = {
        get: (provider: ReturnType<typeof wowzaRealtime>, id: string) => provider.get(id),
        update: (provider: ReturnType<typeof wowzaRealtime>, id: string) =>
          provider.update(id, { name: 'x' }),
        delete: (provider: ReturnType<typeof wowzaRealtime>, id: string) => provider.delete(id),
        start: (provider: ReturnType<typeof wowzaRealtime>, id: string) => provider.start(id),
        stop: (provider: ReturnType<typeof wowzaRealtime>, id: string) => provider.stop(id),
        status: (provider: ReturnType<typeof wowzaRealtime>, id: string) =>
          provider.getStatus?.(id) ?? Promise.reject(new Error('getStatus is missing')),
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...(Object.keys(calls) as (keyof typeof calls)[])),
          fc.oneof(
            fc.constantFrom('', '../x', 'a/b', 'ab cd', 'abc%2F', '\u0000abc', 'abcd\u200b', 'x'.repeat(129)),
            fc.string().filter((id) => !/^[A-Za-z0-9_.~-]{1,128}$/.test(id)),
          ),
          async (operation, id) => {
            const { provider, vendor } = setup();
            let outcome: Promise<unknown>;
            try {
              outcome = calls[operation](provider, id);
            } catch (error) {
              throw new Error(`${operation} threw synchronously: ${String(error)}`);
            }
            const error = await failure(() => outcome);
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect(error.provider).toBe('wowza-realtime');
            expect(error.operation).toBe(operation);
            expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['id']);
            expect(error.delivery).toBe('not-sent');
            expect(vendor.requests).toEqual([]);
          },
        ),
        { numRuns: 120 },
      );
    });
  });

  describe('create', () => {
    it('POSTs the real_time_stream envelope with only the name and maps the 201 answer', async () => {
      const { provider, vendor } = setup(answerOf('create'));
      const stream = await provider.create({ name: 'unilive contract stream' });
      expect(vendor.requests).toEqual([
        {
          method: 'POST',
          url: `${origin}/api/v2.0/real_time`,
          headers: jsonAuth,
          body: { real_time_stream: { name: 'unilive contract stream' } },
        },
      ]);
      expect(vendor.requests).toEqual([requestOf('create')]);
      expect(stream).toEqual(contractStream({ rawFrom: 'create' }));
    });

    it('sends region, recording and secure viewing, converting a Date expiry to the vendor format', async () => {
      const { provider, vendor } = setup(answerOf('create.secure-viewer'));
      const stream = await provider.create({
        name: 'auction floor',
        region: 'Amsterdam',
        recording: true,
        lowLatency: true,
        ingestProtocol: 'rtmp',
        providerOptions: {
          'wowza-realtime': {
            description: 'Sub-second bids',
            enable_secure_viewer: true,
            expires_on: new Date('2030-01-01T00:00:00.000Z'),
            disable_vod_encoder: true,
            reference_id: 'mySystemID_01',
          },
        },
      });
      expect(vendor.requests).toEqual([requestOf('create.secure-viewer')]);
      expect(vendor.requests[0]?.body).toEqual({
        real_time_stream: {
          name: 'auction floor',
          region: 'amsterdam',
          recording: true,
          description: 'Sub-second bids',
          enable_secure_viewer: true,
          expires_on: '2030-01-01 00:00:00 UTC',
          disable_vod_encoder: true,
          reference_id: 'mySystemID_01',
        },
      });
      expect(stream).toEqual({
        id: 'dd4udt1b',
        provider: 'wowza-realtime',
        name: 'auction floor',
        state: 'ready',
        ingest: [
          {
            protocol: 'rtmp',
            url: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/11ad1f62a39a4287895d13ac28c0a820?token=70aee2f5f208615428acb633c2485d8595c90f98e677e11c55ae2c7fd71ecea2',
            server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
            streamKey:
              '11ad1f62a39a4287895d13ac28c0a820?token=70aee2f5f208615428acb633c2485d8595c90f98e677e11c55ae2c7fd71ecea2',
          },
        ],
        playback: [{ protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/k3ld9qo1' }],
        recording: true,
        createdAt: new Date('2021-06-30T18:02:20.000Z'),
        updatedAt: new Date('2021-06-30T18:02:20.000Z'),
        // The SDK's inputs, with the subscribe token's expiry as Wowza echoed it ("2030-01-01 00:00:00 UTC").
        providerDetails: {
          'wowza-realtime': {
            sdk: {
              streamName: '11ad1f62a39a4287895d13ac28c0a820',
              publishToken: '70aee2f5f208615428acb633c2485d8595c90f98e677e11c55ae2c7fd71ecea2',
              subscribeToken: '50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d',
              subscribeTokenExpiresAt: new Date('2030-01-01T00:00:00.000Z'),
            },
          },
        },
        raw: rawOf('create.secure-viewer'),
      });
    });

    it('accepts an ISO 8601 expiry with an offset and the vendor format as it is', async () => {
      const { provider, vendor } = setup(answerOf('create.secure-viewer'), answerOf('create.secure-viewer'));
      const options = (expires_on: string) => ({
        name: 'auction floor',
        providerOptions: { 'wowza-realtime': { enable_secure_viewer: true, expires_on } },
      });
      await provider.create(options('2030-01-01T02:30:00+02:00'));
      await provider.create(options('2030-01-01 00:30:00 UTC'));
      expect(vendor.requests.map((request) => request.body)).toEqual([
        {
          real_time_stream: {
            name: 'auction floor',
            enable_secure_viewer: true,
            expires_on: '2030-01-01 00:30:00 UTC',
          },
        },
        {
          real_time_stream: {
            name: 'auction floor',
            enable_secure_viewer: true,
            expires_on: '2030-01-01 00:30:00 UTC',
          },
        },
      ]);
    });

    it('passes the player and hosted-page options through as the vendor names them', async () => {
      const { provider, vendor } = setup(answerOf('create'));
      await provider.create({
        name: 'unilive contract stream',
        providerOptions: {
          'wowza-realtime': {
            enable_player_and_hosted_page: true,
            player_id: '2205b4e8-b160-43c2-868d-d88698a4e850',
            hosted_page: { title: 'Bids', description: 'Live bids', sharing_icons: false },
            logo_image: 'iVBORw0KGgo=',
            logo_position: 'top-right',
            video_poster_image: 'R0lGODlhAQABAAAAACw=',
            width: 640,
          },
        },
      });
      expect(vendor.requests[0]?.body).toEqual({
        real_time_stream: {
          name: 'unilive contract stream',
          enable_player_and_hosted_page: true,
          player_id: '2205b4e8-b160-43c2-868d-d88698a4e850',
          hosted_page: { title: 'Bids', description: 'Live bids', sharing_icons: false },
          logo_image: 'iVBORw0KGgo=',
          logo_position: 'top-right',
          video_poster_image: 'R0lGODlhAQABAAAAACw=',
          width: 640,
        },
      });
    });

    it('returns a warning for lowLatency: false, which the product cannot honour', async () => {
      const { provider, vendor } = setup(answerOf('create'));
      const stream = await provider.create({ name: 'unilive contract stream', lowLatency: false });
      expect(vendor.requests[0]?.body).toEqual({ real_time_stream: { name: 'unilive contract stream' } });
      expect(stream.warnings).toEqual([
        {
          type: 'unsupported-setting',
          setting: 'lowLatency',
          message:
            'Wowza Real-Time Streaming at Scale always delivers with sub-second latency; lowLatency: false has no effect',
        },
      ]);
    });

    const rejected: [string, CreateLiveStreamInput, string][] = [
      [
        'an ingest protocol the product lacks',
        { name: 'x', ingestProtocol: 'srt' },
        "Invalid input for create: ingestProtocol: expected rtmp: Wowza Real-Time ingest endpoints are RTMP (WebRTC goes through Wowza's SDK)",
      ],
      [
        'webrtc, which only the SDK takes, with no URL',
        { name: 'x', ingestProtocol: 'webrtc' },
        "Invalid input for create: ingestProtocol: expected rtmp: Wowza Real-Time has no WebRTC ingest URL; every stream takes WebRTC through Wowza's SDK or OBS build with providerDetails['wowza-realtime'].sdk, and RTMP at its ingest endpoint",
      ],
      [
        'restream targets',
        { name: 'x', restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'abcd-efgh-ijkl' }] },
        'Invalid input for create: restream: Wowza Real-Time Streaming at Scale cannot forward a stream to other destinations',
      ],
      [
        'an unknown region',
        { name: 'x', region: 'mars' },
        'Invalid input for create: region: expected one of phoenix, amsterdam, singapore, bangalore, auto',
      ],
      [
        'a v1.9 region',
        { name: 'x', region: 'emea' },
        'Invalid input for create: region: expected one of phoenix, amsterdam, singapore, bangalore, auto (API v2.0 no longer takes "emea"; its nearest region is "amsterdam")',
      ],
      [
        'an unknown provider option',
        { name: 'x', providerOptions: { 'wowza-realtime': { player: { width: 640 } } } as never },
        'Invalid input for create: providerOptions.wowza-realtime.player: unknown field; expected one of description, enable_secure_viewer, expires_on, reference_id, player_id, hosted_page, logo_image, logo_position, video_poster_image, width, disable_vod_encoder, enable_player_and_hosted_page',
      ],
      [
        'secure viewing without an expiry',
        { name: 'x', providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } } },
        'Invalid input for create: providerOptions.wowza-realtime.expires_on: required when enable_secure_viewer is true (when the subscribe token expires)',
      ],
      [
        'an expiry that is no date',
        {
          name: 'x',
          providerOptions: {
            'wowza-realtime': { enable_secure_viewer: true, expires_on: 'next tuesday' },
          },
        },
        'Invalid input for create: providerOptions.wowza-realtime.expires_on: expected a Date, or an ISO 8601 date or date-time (a zone-less one is UTC), such as "YYYY-MM-DD HH:MM:SS UTC"',
      ],
      [
        'disable_vod_encoder without recording',
        { name: 'x', providerOptions: { 'wowza-realtime': { disable_vod_encoder: true } } },
        'Invalid input for create: providerOptions.wowza-realtime.disable_vod_encoder: can only be true when recording is true',
      ],
      [
        'a reference id with brackets',
        { name: 'x', providerOptions: { 'wowza-realtime': { reference_id: 'order[42]' } } },
        'Invalid input for create: providerOptions.wowza-realtime.reference_id: expected only a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|',
      ],
      [
        'an unknown hosted-page field',
        {
          name: 'x',
          providerOptions: { 'wowza-realtime': { hosted_page: { url: 'https://example.com' } } } as never,
        },
        'Invalid input for create: providerOptions.wowza-realtime.hosted_page.url: unknown field',
      ],
    ];
    it.each(rejected)('refuses %s with InvalidInputError before any request', async (_, input, message) => {
      const { provider, vendor } = setup();
      const error = await failure(() => provider.create(input));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toBe(message);
      expect(error.provider).toBe('wowza-realtime');
      expect(error.operation).toBe('create');
      expect(vendor.requests).toEqual([]);
    });

    it('never echoes a rejected restream key', async () => {
      const { provider } = setup();
      const error = await failure(() =>
        provider.create({
          name: 'x',
          restream: [{ url: 'rtmp://live.example.com/app', streamKey: 'live_secret_key_42' }],
        }),
      );
      expect(errorTranscript(error)).not.toContain('live_secret_key_42');
    });
  });

  describe('get', () => {
    it('GETs /real_time/{id} and maps the full object', async () => {
      const { provider, vendor } = setup(answerOf('get'));
      const stream = await provider.get('2adffc17');
      expect(vendor.requests).toEqual([
        { method: 'GET', url: `${origin}/api/v2.0/real_time/2adffc17`, headers: auth },
      ]);
      expect(stream).toEqual(contractStream({ rawFrom: 'get' }));
    });

    it('maps a stopped stream to stopped and keeps an unknown state in raw', async () => {
      const unknown = { ...(rawOf('get') as Record<string, unknown>), state: 'suspended' };
      const { provider } = setup(answerOf('get.stopped'), {
        status: 200,
        body: { real_time_stream: unknown },
      });
      expect((await provider.get('2adffc17')).state).toBe('stopped');
      const stream = await provider.get('2adffc17');
      expect(stream.state).toBe('unknown');
      expect(stream.raw).toEqual(unknown);
      expect((stream.raw as { embed_code: unknown }).embed_code).toBeNull();
    });

    it('refuses an id that could leave its path segment, before any request', async () => {
      const { provider, vendor } = setup();
      const error = await failure(() => provider.get('../live_streams'));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(vendor.requests).toEqual([]);
    });

    it('names the path of a response it cannot read, never the values', async () => {
      const { stream_name: _name, ...withoutName } = rawOf('get') as Record<string, unknown>;
      const { provider } = setup({ status: 200, body: { real_time_stream: withoutName } });
      const error = await failure(() => provider.get('2adffc17'));
      expect(ResponseShapeError.isInstance(error)).toBe(true);
      expect(error.message).toBe(
        'wowza-realtime get: unexpected response shape at real_time_stream.stream_name (expected "stream_name")',
      );
      expect(errorTranscript(error)).not.toContain(publishToken);
    });
  });

  describe('list', () => {
    it('walks one page at the vendor maximum and fetches each listed stream for its endpoints', async () => {
      const { provider, vendor } = setup(answerOf('list'), answerOf('list.detail-if7le8ip'), answerOf('get'));
      const streams: LiveStream[] = [];
      for await (const stream of provider.list()) streams.push(stream);
      expect(vendor.requests).toEqual([
        requestOf('list'),
        requestOf('list.detail-if7le8ip'),
        requestOf('get'),
      ]);
      expect(vendor.requests[0]?.url).toBe(`${origin}/api/v2.0/real_time?page=1&per_page=1000`);
      expect(streams.map((stream) => [stream.id, stream.state])).toEqual([
        ['if7le8ip', 'stopped'],
        ['2adffc17', 'ready'],
      ]);
      expect(streams[1]).toEqual(contractStream({ rawFrom: 'get' }));
    });

    it('follows pagination.total_pages', async () => {
      const { provider, vendor } = setup(
        answerOf('list.page-1-of-2'),
        answerOf('list.detail-if7le8ip'),
        answerOf('list.page-2-of-2'),
        answerOf('get'),
      );
      const ids: string[] = [];
      for await (const stream of provider.list({ pageSize: 1 })) ids.push(stream.id);
      expect(ids).toEqual(['if7le8ip', '2adffc17']);
      expect(vendor.requests).toEqual([
        requestOf('list.page-1-of-2'),
        requestOf('list.detail-if7le8ip'),
        requestOf('list.page-2-of-2'),
        requestOf('get'),
      ]);
    });

    it('without a pagination object, asks for the next page while pages come back full', async () => {
      const item = (id: string) => ({ id, name: id, state: 'active' });
      // Each detail answer about its own stream: one about another is skipped (core's walkPages).
      const detail = (id: string) => ({
        status: 200,
        body: { real_time_stream: { ...(rawOf('get') as object), id } },
      });
      const { provider, vendor } = setup(
        { status: 200, body: { real_time_streams: [item('aaaa1111'), item('bbbb2222')] } },
        detail('aaaa1111'),
        detail('bbbb2222'),
        { status: 200, body: { real_time_streams: [] } },
      );
      const listed: string[] = [];
      for await (const stream of provider.list({ pageSize: 2 })) listed.push(stream.id);
      expect(listed).toEqual(['aaaa1111', 'bbbb2222']);
      expect(vendor.requests.map((request) => request.url)).toEqual([
        `${origin}/api/v2.0/real_time?page=1&per_page=2`,
        `${origin}/api/v2.0/real_time/aaaa1111`,
        `${origin}/api/v2.0/real_time/bbbb2222`,
        `${origin}/api/v2.0/real_time?page=2&per_page=2`,
      ]);
    });

    describe('answers real servers send', () => {
      const item = (id: string) => ({ id, name: id, state: 'active' });
      const detail = (id: string) => ({
        status: 200,
        body: { real_time_stream: { ...(rawOf('get') as object), id } },
      });
      const page = (ids: string[], pagination?: Record<string, number>) => ({
        status: 200,
        body: { real_time_streams: ids.map(item), ...(pagination ? { pagination } : {}) },
      });
      async function walk(provider: ReturnType<typeof setup>['provider'], pageSize: number, strict = false) {
        const ids: string[] = [];
        const warnings: string[] = [];
        const hooks: HttpHooks = { onWarning: (event) => warnings.push(event.warning.type) };
        for await (const stream of provider.list({ pageSize, strict, runtime: { hooks } }))
          ids.push(stream.id);
        return { ids, warnings };
      }

      it('ends against a server that ignores page and sends the same page forever', async () => {
        const same = page(['aaaa1111', 'bbbb2222']);
        const { provider, vendor } = setup(same, detail('aaaa1111'), detail('bbbb2222'), same, same, same);
        // Page 1 was full and came back as page 2: whatever lies past it cannot be reached, and that is said.
        expect(await walk(provider, 2)).toEqual({
          ids: ['aaaa1111', 'bbbb2222'],
          warnings: ['incomplete-list'],
        });
        expect(vendor.requests.filter((request) => request.url.includes('?'))).toHaveLength(2);
      });

      it('yields each stream once when total_pages is 3 and every page holds the same streams, and says so', async () => {
        const same = page(['aaaa1111', 'bbbb2222'], {
          page: 1,
          per_page: 2,
          total_pages: 3,
          total_records: 6,
        });
        const repeated = (number: number) =>
          page(['aaaa1111', 'bbbb2222'], { page: number, per_page: 2, total_pages: 3, total_records: 6 });
        const { provider } = setup(same, detail('aaaa1111'), detail('bbbb2222'), repeated(2), repeated(3));
        expect(await walk(provider, 2)).toEqual({
          ids: ['aaaa1111', 'bbbb2222'],
          warnings: ['incomplete-list'],
        });
      });

      it('yields a stream once when pages shift while walking ([a, b] then [b, c])', async () => {
        const pagination = (number: number) => ({
          page: number,
          per_page: 2,
          total_pages: 2,
          total_records: 4,
        });
        const { provider } = setup(
          page(['aaaa1111', 'bbbb2222'], pagination(1)),
          detail('aaaa1111'),
          detail('bbbb2222'),
          page(['bbbb2222', 'cccc3333'], pagination(2)),
          detail('cccc3333'),
        );
        expect(await walk(provider, 2)).toEqual({ ids: ['aaaa1111', 'bbbb2222', 'cccc3333'], warnings: [] });
      });

      it('skips a record whose id it would not put in a URL, reports it, and lists the rest', async () => {
        const { provider } = setup(
          page(['aaaa1111', 'legacy:bbbb2222', 'cccc3333']),
          detail('aaaa1111'),
          detail('cccc3333'),
        );
        expect(await walk(provider, 10)).toEqual({
          ids: ['aaaa1111', 'cccc3333'],
          warnings: ['skipped-record'],
        });
      });

      it('with strict, the unusable record fails the walk with ResponseShapeError', async () => {
        const { provider } = setup(page(['aaaa1111', 'legacy:bbbb2222']), detail('aaaa1111'));
        const error = await walk(provider, 10, true).catch((caught: unknown) => caught);
        expect(ResponseShapeError.isInstance(error)).toBe(true);
      });
    });

    it('caps pageSize at 1000; refuses NaN or anything under 1 as a client does, sending nothing', async () => {
      const empty = { status: 200, body: { real_time_streams: [] } };
      const { provider, vendor } = setup(empty);
      for await (const _ of provider.list({ pageSize: 5000 })) break;
      for (const pageSize of [Number.NaN, 0]) {
        const refused = await (async () => {
          for await (const _ of provider.list({ pageSize })) break;
        })().catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(InvalidInputError);
        expect(refused).toMatchObject({
          message: 'wowza-realtime list: invalid options: options.pageSize (expected a positive integer)',
          delivery: 'not-sent',
        });
      }
      expect(vendor.requests.map((request) => request.url)).toEqual([
        `${origin}/api/v2.0/real_time?page=1&per_page=1000`,
      ]);
    });

    it('is lazy: stopping after the first stream makes no further request', async () => {
      const { provider, vendor } = setup(answerOf('list'), answerOf('list.detail-if7le8ip'));
      for await (const stream of provider.list()) {
        expect(stream.id).toBe('if7le8ip');
        break;
      }
      expect(vendor.requests).toHaveLength(2);
    });

    it('skips a stream deleted between the page and its details', async () => {
      const { provider } = setup(answerOf('list'), answerOf('get.deleted'), answerOf('get'));
      const ids: string[] = [];
      for await (const stream of provider.list()) ids.push(stream.id);
      expect(ids).toEqual(['2adffc17']);
    });

    describe('one stream whose details cannot be used or read is skipped, the rest listed', () => {
      const three = {
        status: 200,
        body: {
          real_time_streams: ['aaaa1111', 'bbbb2222', 'cccc3333'].map((id) => ({ id, state: 'active' })),
        },
      };
      const detail = (id: string, change: Record<string, unknown> = {}) => ({
        status: 200,
        body: { real_time_stream: { ...(rawOf('get') as object), id, ...change } },
      });
      async function walk(...details: Parameters<typeof recordingFetch>) {
        const { provider } = setup(three, ...details);
        const ids: string[] = [];
        const warnings: string[] = [];
        const hooks: HttpHooks = { onWarning: (event) => warnings.push(event.warning.message) };
        for await (const stream of provider.list({ runtime: { hooks } })) ids.push(stream.id);
        return { ids, warnings };
      }

      it.each([
        ['no publish token', { token: null }, 'real_time_stream.token (expected string)'],
        ['no id', { id: undefined }, 'real_time_stream.id'],
      ])('details with %s: skipped with a warning naming the stream', async (_, change, path) => {
        const { ids, warnings } = await walk(
          detail('aaaa1111'),
          detail('bbbb2222', change),
          detail('cccc3333'),
        );
        expect(ids).toEqual(['aaaa1111', 'cccc3333']);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^wowza-realtime list: stream bbbb2222 \(record 2 of page 1\) was skipped: its details could not be used: /,
        );
        expect(warnings[0]).toContain(path);
      });

      it('details answered 500: skipped with a warning; dates sent as numbers are read, not fatal', async () => {
        const { ids, warnings } = await walk(
          detail('aaaa1111', { created_at: 1580318181 }),
          { status: 500, body: { meta: { status: 500, message: 'boom' } } },
          detail('cccc3333', { expires_on: 1893456000000, updated_at: {} }),
        );
        expect(ids).toEqual(['aaaa1111', 'cccc3333']);
        expect(warnings).toEqual([
          'wowza-realtime list: stream bbbb2222 (record 2 of page 1) was skipped: its details could not be read: reading it failed after its retries (wowza-realtime list failed (HTTP 500): boom); get it later',
        ]);
      });
    });

    it('surfaces any other failure of a detail fetch', async () => {
      const { provider } = setup(answerOf('list'), answerOf('error.403.RecordUnaccessible'));
      const error = await failure(async () => {
        for await (const _ of provider.list()) {
          // draining
        }
      });
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(error.operation).toBe('list');
    });
  });

  describe('update', () => {
    it('a failed name lookup changes nothing: an ordinary retryable error, and no PATCH was sent', async () => {
      const { provider, vendor } = setup(answerOf('error.503'));
      const error = await failure(() => provider.update('2adffc17', { region: 'amsterdam' }));
      expect(error.name).toBe('ProviderUnavailableError');
      expect(error.isRetryable).toBe(true);
      expect(vendor.requests.map((request) => request.method)).toEqual(['GET']);
    });

    it('a PATCH answered 200 {} was accepted: the stream is read back, and if that fails, ChangeAppliedError naming what was applied', async () => {
      const empty = { status: 200, body: {} };
      const first = setup(answerOf('get'), empty, answerOf('get'));
      const stream = await first.provider.update('2adffc17', { region: 'amsterdam' });
      expect(first.vendor.requests.map((request) => request.method)).toEqual(['GET', 'PATCH', 'GET']);
      expect(stream.id).toBe('2adffc17');

      const second = setup(answerOf('get'), empty, answerOf('error.503'));
      const error = await failure(() => second.provider.update('2adffc17', { region: 'amsterdam' }));
      expect(ChangeAppliedError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ streamId: '2adffc17', applied: ['region'], unknown: [], notApplied: [] });
      expect(error.isRetryable).toBe(false);
      expect(error.message).toContain('Applied: region.');
    });

    it('PATCHes the new name alone when only the name changes', async () => {
      const { provider, vendor } = setup(answerOf('update'));
      const stream = await provider.update('2adffc17', { name: 'unilive contract stream (renamed)' });
      expect(vendor.requests).toEqual([
        {
          method: 'PATCH',
          url: `${origin}/api/v2.0/real_time/2adffc17`,
          headers: jsonAuth,
          body: { real_time_stream: { name: 'unilive contract stream (renamed)' } },
        },
      ]);
      expect(stream).toEqual(
        contractStream({
          rawFrom: 'update',
          name: 'unilive contract stream (renamed)',
          updatedAt: new Date('2021-06-30T20:03:16.000Z'),
        }),
      );
    });

    it('sends the current name, read first, when the name does not change (the vendor requires it)', async () => {
      const { provider, vendor } = setup(answerOf('get'), answerOf('update.keep-name'));
      const stream = await provider.update('2adffc17', {
        region: 'amsterdam',
        providerOptions: {
          'wowza-realtime': { enable_secure_viewer: true, expires_on: '2030-01-01T12:30:00Z' },
        },
      });
      expect(vendor.requests).toEqual([requestOf('get'), requestOf('update.keep-name')]);
      expect(vendor.requests[1]?.body).toEqual({
        real_time_stream: {
          name: 'unilive contract stream',
          region: 'amsterdam',
          enable_secure_viewer: true,
          expires_on: '2030-01-01 12:30:00 UTC',
        },
      });
      expect(stream.providerDetails).toEqual({
        'wowza-realtime': {
          sdk: {
            streamName,
            publishToken,
            subscribeToken: '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
            subscribeTokenExpiresAt: new Date('2030-01-01T12:30:00.000Z'),
          },
        },
      });
    });

    it('switches secure viewing on without expires_on when the stream already has one', async () => {
      const { provider, vendor } = setup(
        answerOf('get.expiry-stored'),
        answerOf('update.secure-viewer-stored-expiry'),
      );
      const stream = await provider.update('2adffc17', {
        providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } },
      });
      expect(vendor.requests).toEqual([
        requestOf('get.expiry-stored'),
        requestOf('update.secure-viewer-stored-expiry'),
      ]);
      expect(vendor.requests[1]?.body).toEqual({
        real_time_stream: { name: 'unilive contract stream', enable_secure_viewer: true },
      });
      expect(stream).toEqual(
        contractStream({
          rawFrom: 'update.secure-viewer-stored-expiry',
          updatedAt: new Date('2021-06-30T20:03:16.000Z'),
          providerDetails: {
            'wowza-realtime': {
              sdk: {
                streamName,
                publishToken,
                subscribeToken: '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
                subscribeTokenExpiresAt: new Date('2030-10-27T23:08:55.000Z'),
              },
            },
          },
        }),
      );
    });

    it('refuses secure viewing without expires_on for a stream that has none, after reading it and before any change', async () => {
      const { provider, vendor } = setup(answerOf('get'));
      const error = await failure(() =>
        provider.update('2adffc17', {
          providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } },
        }),
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toBe(
        'Invalid input for update: providerOptions.wowza-realtime.expires_on: required when enable_secure_viewer is true (when the subscribe token expires)',
      );
      expect(vendor.requests).toEqual([requestOf('get')]);
    });

    it('with nothing the vendor stores to change, reads the stream and returns the warning', async () => {
      const { provider, vendor } = setup(answerOf('get'));
      const stream = await provider.update('2adffc17', { lowLatency: false });
      expect(vendor.requests).toEqual([requestOf('get')]);
      expect(stream.warnings).toEqual([
        expect.objectContaining({ type: 'unsupported-setting', setting: 'lowLatency' }),
      ]);
      const quiet = setup(answerOf('get'));
      expect((await quiet.provider.update('2adffc17', { lowLatency: true })).warnings).toBeUndefined();
    });

    it('takes the update-only removal flags', async () => {
      const { provider, vendor } = setup(answerOf('update'));
      await provider.update('2adffc17', {
        name: 'unilive contract stream (renamed)',
        providerOptions: { 'wowza-realtime': { remove_logo_image: true, remove_video_poster_image: true } },
      });
      expect(vendor.requests[0]?.body).toEqual({
        real_time_stream: {
          name: 'unilive contract stream (renamed)',
          remove_logo_image: true,
          remove_video_poster_image: true,
        },
      });
    });

    it.each([
      [
        'recording, which is create-only',
        { recording: true },
        'Invalid input for update: recording: Wowza Real-Time sets recording only when the stream is created; create a new stream to change it',
      ],
      [
        'a create-only option',
        {
          name: 'y',
          providerOptions: { 'wowza-realtime': { enable_player_and_hosted_page: false } } as never,
        },
        'Invalid input for update: providerOptions.wowza-realtime.enable_player_and_hosted_page: enable_player_and_hosted_page can only be set when the stream is created (the vendor cannot change it later)',
      ],
      [
        'restream targets',
        { restream: [{ url: 'rtmp://live.example.com/app', streamKey: 'key-0001' }] },
        'Invalid input for update: restream: Wowza Real-Time Streaming at Scale cannot forward a stream to other destinations',
      ],
      [
        'a region v2.0 does not know',
        { region: 'americas' },
        'Invalid input for update: region: expected one of phoenix, amsterdam, singapore, bangalore, auto (API v2.0 no longer takes "americas"; its nearest region is "phoenix")',
      ],
    ])('refuses %s with InvalidInputError before any request', async (_, patch, message) => {
      const { provider, vendor } = setup();
      const error = await failure(() => provider.update('2adffc17', patch));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toBe(message);
      expect(vendor.requests).toEqual([]);
    });

    it('maps a 410 on PATCH to NotFoundError', async () => {
      const { provider, vendor } = setup(answerOf('error.410.RecordDeleted.update'));
      const error = await failure(() =>
        provider.update('2adffc17', { name: 'unilive contract stream (renamed)' }),
      );
      expect(vendor.requests).toEqual([requestOf('error.410.RecordDeleted.update')]);
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(error.vendorCode).toBe('ERR-410-RecordDeleted');
    });
  });

  describe('delete', () => {
    it('DELETEs /real_time/{id} and resolves on 204', async () => {
      const { provider, vendor } = setup(answerOf('delete'));
      await expect(provider.delete('2adffc17')).resolves.toBeUndefined();
      expect(vendor.requests).toEqual([
        { method: 'DELETE', url: `${origin}/api/v2.0/real_time/2adffc17`, headers: auth },
      ]);
    });
  });

  describe('start', () => {
    it('has no vendor call: it reads the stream and returns it ready', async () => {
      const { provider, vendor } = setup(answerOf('start'));
      const stream = await provider.start('2adffc17');
      expect(vendor.requests).toEqual([
        { method: 'GET', url: `${origin}/api/v2.0/real_time/2adffc17`, headers: auth },
      ]);
      expect(stream).toEqual(
        contractStream({
          rawFrom: 'start',
          name: 'unilive contract stream (renamed)',
          updatedAt: new Date('2021-06-30T20:03:16.000Z'),
        }),
      );
    });

    it('throws ConflictError for a stopped stream: nothing can start it again', async () => {
      const { provider, vendor } = setup(answerOf('get.stopped'));
      const error = await failure(() => provider.start('2adffc17'));
      expect(ConflictError.isInstance(error)).toBe(true);
      expect(error.operation).toBe('start');
      expect(error.message).toBe(
        'wowza-realtime start: stream 2adffc17 is stopped, and Wowza Real-Time documents no call that starts a stream again (capabilities.restart is false); create a new stream instead',
      );
      expect(vendor.requests).toHaveLength(1);
      // Refused by unilive before any change was sent (the one request was a read): nothing was carried out.
      expect(error.delivery).toBe('not-sent');
      expect(error.status).toBeUndefined();
    });

    it('throws ConflictError for a disabled or archived stream', async () => {
      const disabled = { ...(rawOf('get') as Record<string, unknown>), state: 'disabled' };
      const { provider } = setup({ status: 200, body: { real_time_stream: disabled } });
      const error = await failure(() => provider.start('2adffc17'));
      expect(ConflictError.isInstance(error)).toBe(true);
      expect(error.delivery).toBe('not-sent');
    });
  });

  describe('stop', () => {
    it('PUTs /stop with no body, then reads the stream', async () => {
      const { provider, vendor } = setup(answerOf('stop'), answerOf('get.stopped'));
      const stream = await provider.stop('2adffc17');
      expect(vendor.requests).toEqual([
        { method: 'PUT', url: `${origin}/api/v2.0/real_time/2adffc17/stop`, headers: auth },
        { method: 'GET', url: `${origin}/api/v2.0/real_time/2adffc17`, headers: auth },
      ]);
      expect(stream).toEqual(
        contractStream({
          rawFrom: 'get.stopped',
          name: 'unilive contract stream (renamed)',
          state: 'stopped',
          updatedAt: new Date('2021-06-30T20:10:00.000Z'),
        }),
      );
    });

    it.each([
      ['an empty body', { status: 200, body: '' }],
      ['{}', { status: 200, body: {} }],
      ['204', { status: 204 }],
    ])('a stop answered with %s was accepted: the stream is read back', async (_, answer) => {
      const { provider, vendor } = setup(answer, answerOf('get.stopped'));
      const stream = await provider.stop('2adffc17');
      expect(vendor.requests.map((request) => request.method)).toEqual(['PUT', 'GET']);
      expect(stream.state).toBe('stopped');
    });

    it.each([
      ['an empty body', { status: 200, body: '' }],
      ['{}', { status: 200, body: {} }],
      ['204', { status: 204 }],
    ])(
      'a stop answered with %s whose read shows the stream still ready says so, in a state Real-Time streams have',
      async (_, answer) => {
        // No state in the answer, and the read after it shows the stream ready: another call changed it, or
        // the read was a copy. Real-Time has no `stopping`: the result is `stopped`, the state the stop ends
        // in, with the warning every adapter gives.
        const { provider } = setup(answer, answerOf('get'));
        const stream = await provider.stop('2adffc17');
        expect(stream.state).toBe('stopped');
        expect(provider.capabilities.states).toContain(stream.state);
        expect(stream.warnings).toEqual([
          {
            type: 'other',
            message:
              'wowza-realtime stop: the vendor accepted stop, but the stream read after it was ready: another call changed it since (or the read was a copy from before the change). The result shows the state stop left it in (stopped); get the stream for its state now.',
          },
        ]);
      },
    );

    it('trusts the stop answer over a fetch that does not show it yet', async () => {
      const { provider } = setup(answerOf('stop'), answerOf('get'));
      expect((await provider.stop('2adffc17')).state).toBe('stopped');
    });

    it('treats 423 ERR-423-StreamAlreadyStopped as success: the stream is stopped', async () => {
      const { provider, vendor } = setup(answerOf('stop.already-stopped'), answerOf('get.stopped'));
      const stream = await provider.stop('2adffc17');
      expect(vendor.requests).toEqual([requestOf('stop.already-stopped'), requestOf('get.stopped')]);
      expect(stream.state).toBe('stopped');
    });

    it('keeps ERR-422-InvalidStateChange a ConflictError when the stream, read, is not stopped', async () => {
      const { provider, vendor } = setup(answerOf('error.422.InvalidStateChange'), answerOf('get'));
      const error = await failure(() => provider.stop('2adffc17'));
      expect(ConflictError.isInstance(error)).toBe(true);
      expect(error.status).toBe(422);
      expect(error.vendorCode).toBe('ERR-422-InvalidStateChange');
      expect(vendor.requests).toEqual([requestOf('error.422.InvalidStateChange'), requestOf('get')]);
    });

    it('keeps the refusal when the stream cannot be read after it', async () => {
      const { provider } = setup(answerOf('error.422.InvalidStateChange'), answerOf('error.503'));
      const error = await failure(() => provider.stop('2adffc17'));
      expect(ConflictError.isInstance(error)).toBe(true);
    });

    it('a stop the vendor accepted whose read-back fails returns the answer state with a read-back-failed warning', async () => {
      const { provider, vendor } = setup(answerOf('stop'), answerOf('error.503'));
      const stream = await provider.stop('2adffc17');
      expect(stream).toEqual({
        id: '2adffc17',
        provider: 'wowza-realtime',
        state: 'stopped',
        ingest: [],
        playback: [],
        raw: rawOf('stop'),
        warnings: [
          {
            type: 'read-back-failed',
            message: expect.stringMatching(
              /^wowza-realtime stop: the vendor accepted stop \(the stream is stopped\), but reading the stream back failed/,
            ),
          },
        ],
      });
      expect(vendor.requests.map((request) => request.method)).toEqual(['PUT', 'GET']);
    });

    it('is retried after a 5xx whose stop went through: the repeat (423) finds it stopped and returns it', async () => {
      const vendor = recordingFetch(
        answerOf('error.503'),
        answerOf('stop.already-stopped'),
        answerOf('get.stopped'),
      );
      const provider = wowzaRealtime({ token: fixtureToken, fetch: vendor.fetch });
      const stream = await provider.stop('2adffc17', { runtime: { sleep: async () => {} } });
      expect(stream.state).toBe('stopped');
      expect(vendor.requests.map((request) => request.method)).toEqual(['PUT', 'PUT', 'GET']);
    });

    it('keeps an unknown 423 a ConflictError', async () => {
      const { provider } = setup({
        status: 423,
        body: { meta: { status: 423, code: 'ERR-423-Locked', title: 'Locked', message: 'Locked.' } },
      });
      const error = await failure(() => provider.stop('2adffc17'));
      expect(ConflictError.isInstance(error)).toBe(true);
      expect(error.vendorCode).toBe('ERR-423-Locked');
    });
  });

  describe('getStatus', () => {
    it('GETs /state, whose envelope key is real_time', async () => {
      const { provider, vendor } = setup(answerOf('state.started'), answerOf('state.stopped'));
      expect(await provider.getStatus?.('2adffc17')).toEqual({
        state: 'ready',
        raw: { real_time: { state: 'started' } },
      });
      expect(await provider.getStatus?.('2adffc17')).toEqual({
        state: 'stopped',
        raw: { real_time: { state: 'stopped' } },
      });
      expect(vendor.requests).toEqual([requestOf('state.started'), requestOf('state.stopped')]);
    });

    it('reads a state it does not know as unknown, keeping it in raw', async () => {
      const { provider } = setup({ status: 200, body: { real_time: { state: 'paused' } } });
      expect(await provider.getStatus?.('2adffc17')).toEqual({
        state: 'unknown',
        raw: { real_time: { state: 'paused' } },
      });
    });

    it('maps a 404 to NotFoundError', async () => {
      const { provider } = setup(answerOf('error.404.RecordNotFound.state'));
      const error = await failure(async () => provider.getStatus?.('2adffc17'));
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect(error.operation).toBe('status');
    });
  });

  describe('vendor errors', () => {
    const cases: [
      string,
      string,
      (provider: ReturnType<typeof wowzaRealtime>) => Promise<unknown>,
      string,
    ][] = [
      ['error.401.InvalidToken', 'AuthenticationError', (p) => p.get('2adffc17'), 'get'],
      [
        'error.401.ExpiredToken',
        'AuthenticationError',
        (p) => p.list()[Symbol.asyncIterator]().next(),
        'list',
      ],
      [
        'error.401.FeatureNotEnabled',
        'AuthenticationError',
        (p) => p.create({ name: 'unilive contract stream' }),
        'create',
      ],
      [
        'error.401.TrialExceeded',
        'AuthenticationError',
        (p) => p.create({ name: 'unilive contract stream' }),
        'create',
      ],
      ['error.401.BadAccountStatus', 'AuthenticationError', (p) => p.delete('2adffc17'), 'delete'],
      ['error.403.RecordUnaccessible', 'AuthenticationError', (p) => p.get('2adffc17'), 'get'],
      ['error.404.RecordNotFound', 'NotFoundError', (p) => p.get('2adffc17'), 'get'],
      ['get.deleted', 'NotFoundError', (p) => p.get('2adffc17'), 'get'],
      [
        'error.422.RecordInvalid',
        'InvalidInputError',
        (p) => p.create({ name: 'unilive contract stream' }),
        'create',
      ],
      ['error.422.InvalidStateChange', 'ConflictError', (p) => p.stop('2adffc17'), 'stop'],
    ];
    it.each(cases)('%s becomes %s with the vendor code and message', async (name, kind, run, operation) => {
      // A refused stop is checked against the stream, read after it: here it is not stopped.
      const read = kind === 'ConflictError' ? [answerOf('get')] : [];
      const { provider, vendor } = setup(answerOf(name), ...read);
      const error = await failure(() => run(provider));
      const meta = (
        fixture(name).response.body as { meta: { status: number; code: string; message: string } }
      ).meta;
      expect(error.name).toBe(kind);
      expect(error.provider).toBe('wowza-realtime');
      expect(error.operation).toBe(operation);
      expect(error.status).toBe(meta.status);
      expect(error.vendorCode).toBe(meta.code);
      expect(error.vendorMessage).toBe(meta.message);
      expect(error.message).toBe(
        `wowza-realtime ${operation} failed (HTTP ${meta.status} ${meta.code}): ${meta.message}`,
      );
      expect(vendor.requests).toEqual([requestOf(name), ...(read.length > 0 ? [requestOf('get')] : [])]);
    });
  });

  describe('secrets', () => {
    const subscribeToken = '50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d';
    const securePublishToken = '70aee2f5f208615428acb633c2485d8595c90f98e677e11c55ae2c7fd71ecea2';
    const secureRtmpUrl = `rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/11ad1f62a39a4287895d13ac28c0a820?token=${securePublishToken}`;

    it('keeps the JWT, publish and subscribe tokens out of every error and hook event', async () => {
      // A vendor message that echoes every credential it knows, in every form.
      const echo = `token ${securePublishToken}, viewer ${subscribeToken}, rtmp ${secureRtmpUrl}, jwt ${fixtureToken}, encoded ${encodeURIComponent(secureRtmpUrl)}`;
      const events: string[] = [];
      const hooks: HttpHooks = {
        onRequest: (event) => events.push(JSON.stringify(event)),
        onResponse: (event) => events.push(JSON.stringify(event)),
        onError: (event) => events.push(errorTranscript(event.error)),
      };
      const { provider } = setup(
        answerOf('create.secure-viewer'),
        { status: 422, body: { meta: { status: 422, code: 'ERR-422-RecordInvalid', message: echo } } },
        { status: 423, body: { meta: { status: 423, code: `ERR-423-${subscribeToken}`, title: echo } } },
        // The stream is read after the refusal (it does not show the stop done, so the refusal stands)…
        { status: 200, body: { real_time_stream: { id: 'dd4udt1b', token: securePublishToken } } },
        // …and read again by get.
        { status: 200, body: { real_time_stream: { id: 'dd4udt1b', token: securePublishToken } } },
      );
      const created = await provider.create({
        name: 'auction floor',
        providerOptions: { 'wowza-realtime': { enable_secure_viewer: true, expires_on: '2030-01-01' } },
      });
      expect(wowzaRealtimeDetailsOf(created)?.sdk.subscribeToken).toBe(subscribeToken);
      const options = { runtime: { hooks } };
      const errors = [
        await failure(() => provider.update('dd4udt1b', { name: 'renamed' }, options)),
        await failure(() => provider.stop('dd4udt1b', options)),
        await failure(() => provider.get('dd4udt1b', options)),
      ];
      expect(errors.map((error) => error.name)).toEqual([
        'InvalidInputError',
        'ConflictError',
        'ResponseShapeError',
      ]);
      const transcript = [...errors.map(errorTranscript), ...events].join('\n');
      for (const secret of [fixtureToken, securePublishToken, subscribeToken, secureRtmpUrl]) {
        expect(transcript).not.toContain(secret);
        expect(transcript).not.toContain(encodeURIComponent(secret));
      }
      expect(transcript).toContain('[REDACTED]');
      expect(provider.secrets?.()).toEqual(
        expect.arrayContaining([fixtureToken, securePublishToken, subscribeToken, secureRtmpUrl]),
      );
    });
  });
});

describe('a password in the RTMP URL', () => {
  it('is redacted wherever the vendor echoes it, alone or encoded, once a read has carried it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom('a', 'Q', '7', '@', ':', '/', '%', '+', ' ', 'é'),
          minLength: 8,
          maxLength: 20,
        }),
        fc.constantFrom('plain', 'percent-encoded', 'in the URL'),
        async (password, echo) => {
          const url = `rtmp://publisher:${encodeURIComponent(password)}@rtmp-realtime1.wowza.com:1935/v2/pub/${streamName}?token=${publishToken}`;
          const get = answerOf('get');
          const body = structuredClone(get.body) as { real_time_stream: { rtmp_url: string } };
          body.real_time_stream.rtmp_url = url;
          const echoed =
            echo === 'plain' ? password : echo === 'percent-encoded' ? encodeURIComponent(password) : url;
          const refused = structuredClone(answerOf('error.422.RecordInvalid')) as {
            status: number;
            body: { meta: { message: string } };
          };
          refused.body.meta.message = `publisher password ${echoed} is not allowed`;
          const { provider } = setup({ ...get, body }, refused);

          const stream = await provider.get('2adffc17');
          expect(stream.ingest[0]?.url).toBe(url);
          const error = await provider
            .update('2adffc17', { name: 'renamed' })
            .catch((caught: unknown) => caught);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          const shown = [String(error), JSON.stringify(error), inspect(error, { depth: 5 })].join('\n');
          expect(shown).toContain('[REDACTED]');
          expect(shown).not.toContain(password);
          expect(shown).not.toContain(encodeURIComponent(password));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('a name past the limit, the provider called directly', () => {
  // Wowza documents `name` "≤255 chars" (OpenAPI); unilive keeps names to 200 on every provider. A provider
  // used without a client refuses a longer one as the client does, before any request.
  it('is refused with InvalidInputError on create and on update, and nothing is sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Characters of one to four UTF-8 bytes, mixed: the count is of code points, whatever their size.
        fc.string({ unit: fc.constantFrom('a', 'é', '字', '😀'), minLength: 201, maxLength: 600 }),
        fc.boolean(),
        async (name, update) => {
          const { provider, vendor } = setup();
          const error = await failure(() =>
            update ? provider.update('2adffc17', { name }) : provider.create({ name }),
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues).toEqual([
            {
              path: 'name',
              message: `expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has ${[...name].length}`,
            },
          ]);
          expect(vendor.requests).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });
});
