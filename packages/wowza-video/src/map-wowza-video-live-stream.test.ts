import { isEndpointUrl } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixtures.js';
import {
  mapWowzaVideoIngest,
  mapWowzaVideoLiveStream,
  mapWowzaVideoLiveStreamSummary,
  mapWowzaVideoPlayback,
  mapWowzaVideoState,
  wowzaVideoDetailsOf,
  wowzaVideoIngestWarnings,
  wowzaVideoSecretsOf,
} from './map-wowza-video-live-stream.js';
import {
  wowzaVideoEncoders,
  wowzaVideoLiveStreamSchema,
  wowzaVideoLiveStreamSummarySchema,
} from './wowza-video-api.js';

const parse = (value: unknown) => v.parse(wowzaVideoLiveStreamSchema, value);
const withSource = (source: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parse({ id: 'abc12345', encoder: 'other_rtmp', source_connection_information: source, ...extra });

describe('mapWowzaVideoState', () => {
  it('maps every v2.0 state through one table', () => {
    expect(
      ['started', 'starting', 'stopping', 'stopped', 'resetting'].map((state) => mapWowzaVideoState(state)),
    ).toEqual(['ready', 'starting', 'stopping', 'stopped', 'resetting']);
  });

  it('maps anything else, prototype keys included, to unknown', () => {
    for (const state of ['active', 'archived', '', 'constructor', 'toString', undefined]) {
      expect(mapWowzaVideoState(state)).toBe('unknown');
    }
  });

  it('reads an unknown vendor state as unknown instead of failing the response', () => {
    const stream = parse({ id: 'abc12345', state: 'hibernating' });
    expect(stream.state).toBe('unknown');
    expect(mapWowzaVideoLiveStream(stream, {}).state).toBe('unknown');
  });
});

describe('mapWowzaVideoIngest', () => {
  const rtmp = {
    primary_server: 'abc123.entrypoint.video.wowza.com',
    host_port: 1935,
    stream_name: 'cceecfa9',
    disable_authentication: false,
    username: 'client11469',
    password: 'edf107a4',
  };

  it('builds the RTMP URL, OBS server and stream key from the v1 `application` spelling', () => {
    expect(mapWowzaVideoIngest(withSource({ ...rtmp, application: 'app-9c70' }))).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://client11469:edf107a4@abc123.entrypoint.video.wowza.com:1935/app-9c70/cceecfa9',
        server: 'rtmp://abc123.entrypoint.video.wowza.com:1935/app-9c70',
        streamKey: 'cceecfa9',
        username: 'client11469',
        password: 'edf107a4',
      },
    ]);
  });

  it('accepts the `application_name` spelling as well', () => {
    const [endpoint] = mapWowzaVideoIngest(withSource({ ...rtmp, application_name: 'app-B8P6K226' }));
    expect(endpoint?.url).toBe(
      'rtmp://client11469:edf107a4@abc123.entrypoint.video.wowza.com:1935/app-B8P6K226/cceecfa9',
    );
    expect(endpoint?.server).toBe('rtmp://abc123.entrypoint.video.wowza.com:1935/app-B8P6K226');
  });

  it('does not prefix a primary_server that already has a scheme (Akamai-era shape)', () => {
    const endpoints = mapWowzaVideoIngest(
      withSource({
        primary_server: 'rtmp://p.ep123456.i.akamaientrypoint.net/EntryPoint/',
        host_port: 1935,
        stream_name: 'stream_1',
      }),
    );
    expect(endpoints).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://p.ep123456.i.akamaientrypoint.net/EntryPoint/stream_1',
        server: 'rtmp://p.ep123456.i.akamaientrypoint.net/EntryPoint',
        streamKey: 'stream_1',
      },
    ]);
  });

  it('names the application once when a full-URL primary_server already ends in it', () => {
    for (const primary of [
      'rtmp://p.ep123456.i.akamaientrypoint.net/app-9c70',
      'rtmp://p.ep123456.i.akamaientrypoint.net/app-9c70/',
    ]) {
      const [endpoint] = mapWowzaVideoIngest(
        withSource({
          primary_server: primary,
          application: 'app-9c70',
          stream_name: 'stream_1',
          disable_authentication: true,
        }),
      );
      expect(endpoint).toMatchObject({
        url: 'rtmp://p.ep123456.i.akamaientrypoint.net/app-9c70/stream_1',
        server: 'rtmp://p.ep123456.i.akamaientrypoint.net/app-9c70',
      });
    }
    // Another path before it is kept, and the application added after it.
    const [other] = mapWowzaVideoIngest(
      withSource({
        primary_server: 'rtmp://p.ep123456.i.akamaientrypoint.net/EntryPoint',
        application: 'app-9c70',
        stream_name: 'stream_1',
        disable_authentication: true,
      }),
    );
    expect(other?.url).toBe('rtmp://p.ep123456.i.akamaientrypoint.net/EntryPoint/app-9c70/stream_1');
  });

  it('reads a string host_port and leaves credentials out when authentication is disabled', () => {
    expect(
      mapWowzaVideoIngest(
        withSource({ ...rtmp, host_port: '1936', application: 'app-1', disable_authentication: true }),
      ),
    ).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://abc123.entrypoint.video.wowza.com:1936/app-1/cceecfa9',
        server: 'rtmp://abc123.entrypoint.video.wowza.com:1936/app-1',
        streamKey: 'cceecfa9',
      },
    ]);
  });

  it('maps the WebRTC quick-start shape', () => {
    expect(
      mapWowzaVideoIngest(
        withSource(
          {
            sdp_url: 'wss://5b3a11.entrypoint.video.wowza.com/webrtc-session.json',
            application_name: 'app-30zl5349',
            stream_name: '32a5814b',
          },
          { encoder: 'other_webrtc' },
        ),
      ),
    ).toEqual([
      {
        protocol: 'webrtc',
        url: 'wss://5b3a11.entrypoint.video.wowza.com/webrtc-session.json',
        applicationName: 'app-30zl5349',
        streamName: '32a5814b',
      },
    ]);
  });

  it('skips the quick start\'s "[subdomain]" placeholder, which is not a URL', () => {
    const source = fixture('create.webrtc').response.body as { live_stream: Record<string, unknown> };
    const placeholder = {
      ...source.live_stream,
      source_connection_information: {
        sdp_url: 'wss://[subdomain].entrypoint.video.wowza.com/webrtc-session.json',
        application_name: 'app-30zl5349',
        stream_name: '32a5814b',
      },
    };
    expect(mapWowzaVideoIngest(parse(placeholder))).toEqual([]);
  });

  it('maps RTSP push with its credentials', () => {
    expect(
      mapWowzaVideoIngest(withSource({ ...rtmp, application: 'app-1' }, { encoder: 'other_rtsp' })),
    ).toEqual([
      {
        protocol: 'rtsp',
        url: 'rtsp://client11469:edf107a4@abc123.entrypoint.video.wowza.com:1935/app-1/cceecfa9',
        username: 'client11469',
        password: 'edf107a4',
      },
    ]);
  });

  it('maps SRT to srt://server:port with the stream name beside it', () => {
    expect(
      mapWowzaVideoIngest(
        withSource(
          { primary_server: 'f92334.entrypoint.video.wowza.com', host_port: 10000, stream_name: '10eb0ed8' },
          { encoder: 'other_srt' },
        ),
      ),
    ).toEqual([
      { protocol: 'srt', url: 'srt://f92334.entrypoint.video.wowza.com:10000', streamName: '10eb0ed8' },
    ]);
  });

  it('yields no push endpoint for a pull source, UDP, or a missing source_connection_information', () => {
    expect(mapWowzaVideoIngest(withSource({ source_url: 'rtsp://camera.example.com/live' }))).toEqual([]);
    expect(mapWowzaVideoIngest(withSource(rtmp, { encoder: 'other_udp' }))).toEqual([]);
    expect(mapWowzaVideoIngest(parse({ id: 'abc12345' }))).toEqual([]);
    expect(mapWowzaVideoIngest(parse({ id: 'abc12345', source_connection_information: null }))).toEqual([]);
  });
});

describe('mapWowzaVideoPlayback', () => {
  it('maps hls_playback_url, the hosted page and every direct playback URL with its rendition', () => {
    const stream = parse(
      (fixture('list.details.KyxWKtHQ').response.body as { live_stream: unknown }).live_stream,
    );
    expect(mapWowzaVideoPlayback(stream)).toEqual([
      {
        protocol: 'hls',
        url: 'https://wowzasubdomain.wowza.com/1/Q2hEZ0ZSbnlqV2FuSnJ0RVRPTT09/WnN0VE5nPT0/hls/live/playlist.m3u8',
      },
      { protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/k2v8mq4p' },
      {
        protocol: 'rtmp',
        url: 'rtmp://f92334.entrypoint.video.wowza.com/app-K7Q2M9X4/ab12cd34',
        rendition: 'source',
      },
      {
        protocol: 'rtsp',
        url: 'rtsp://f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4/ab12cd34',
        rendition: 'source',
      },
      {
        protocol: 'wowz',
        url: 'wowz://f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4/ab12cd34',
        rendition: 'source',
      },
      {
        protocol: 'webrtc',
        url: 'wss://f92334.entrypoint.video.wowza.com/webrtc-session.json',
        rendition: 'source',
        applicationName: 'app-K7Q2M9X4',
        streamName: '5d1e9b7c',
      },
    ]);
  });

  it("keeps every rendition of a transcoded stream, in the vendor's order", () => {
    const stream = parse((fixture('get').response.body as { live_stream: unknown }).live_stream);
    const playback = mapWowzaVideoPlayback(stream);
    expect(playback).toHaveLength(2 + 4 * 7);
    expect(
      playback.filter((endpoint) => endpoint.protocol === 'rtmp').map((endpoint) => endpoint.rendition),
    ).toEqual([
      'source',
      'webrtc',
      'V:1280x720+A:128K',
      'V:854x480+A:128K',
      'V:640x360+A:128K',
      'V:512x288+A:128K',
      'V:320x180+A:128K',
    ]);
    expect(playback.at(-1)).toEqual({
      protocol: 'webrtc',
      url: 'wss://abc123.entrypoint.video.wowza.com/webrtc-session.json',
      rendition: 'V:320x180+A:128K',
      applicationName: 'app-B8P6K226',
      streamName: '1722aead_stream6',
    });
  });

  it('adds an embed endpoint from embed_code only when it holds an <iframe> URL', () => {
    const iframe = parse({
      id: 'abc12345',
      embed_code:
        '<iframe src="https://player.example.com/embed/abc?autoplay=1&amp;muted=1" allowfullscreen></iframe>',
    });
    expect(mapWowzaVideoPlayback(iframe)).toEqual([
      { protocol: 'embed', url: 'https://player.example.com/embed/abc?autoplay=1&muted=1' },
    ]);
    const script = parse({
      id: 'abc12345',
      embed_code:
        '<div id="player"></div><script src="https://cdn.flowplayer.com/releases/native/3/stable/flowplayer.min.js"></script>',
    });
    expect(mapWowzaVideoPlayback(script)).toEqual([]);
    expect(mapWowzaVideoPlayback(parse({ id: 'abc12345', embed_code: null }))).toEqual([]);
  });

  it('leaves out a disabled hosted page, the v1.9 boolean form and non-URL placeholders', () => {
    expect(
      mapWowzaVideoPlayback(
        parse({ id: 'a', hosted_page: { enabled: false, url: 'https://embed.flowplayer.com/x' } }),
      ),
    ).toEqual([]);
    expect(mapWowzaVideoPlayback(parse({ id: 'a', hosted_page: true }))).toEqual([]);
    expect(
      mapWowzaVideoPlayback(
        parse({
          id: 'a',
          hosted_page: { enabled: true, url: 'in_progress' },
          hls_playback_url: 'in_progress',
        }),
      ),
    ).toEqual([]);
  });

  // The verdicts of the answer mapped before are reused for the same URL at the same place: whatever came
  // before, every direct URL kept is one isEndpointUrl accepts for its key, and every one it accepts is kept.
  it("gives every direct playback URL isEndpointUrl's verdict, whatever answers were mapped before", () => {
    const urls = [
      'rtmp://f92334.entrypoint.video.wowza.com/app-K7Q2M9X4/ab12cd34',
      'rtsp://f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4/ab12cd34',
      'wowz://f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4/ab12cd34_stream1',
      'wss://f92334.entrypoint.video.wowza.com/webrtc-session.json',
      'https://cdn.example.com/live/playlist.m3u8',
      'rtmp://',
      'rtmp://host.example.com/app key',
      'in_progress',
      '',
    ];
    const protocols = ['rtmp', 'rtsp', 'wowz', 'webrtc', 'hls', 'dash', 'srt'] as const;
    const entry = fc.record({
      name: fc.constantFrom('source', 'webrtc', null),
      url: fc.constantFrom(...urls),
    });
    const answer = fc.dictionary(fc.constantFrom(...protocols), fc.array(entry, { maxLength: 8 }), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        (answers, order) => {
          for (const index of order) {
            // Each answer as a new parse brings new strings: the same URLs, equal but not identical.
            const direct = JSON.parse(JSON.stringify(answers[index % answers.length])) as Record<
              string,
              { name: string | null; url: string }[]
            >;
            const expected = Object.entries(direct).flatMap(([key, entries]) =>
              key === 'srt'
                ? []
                : entries
                    .filter((entry) => isEndpointUrl(key as (typeof protocols)[number], entry.url))
                    .map((entry) => [key, entry.url]),
            );
            const mapped = mapWowzaVideoPlayback(parse({ id: 'a', direct_playback_urls: direct }));
            expect(mapped.map((endpoint) => [endpoint.protocol, endpoint.url])).toEqual(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('skips direct playback protocols the neutral model does not know, keeping them in raw', () => {
    const stream = parse({
      id: 'a',
      direct_playback_urls: { srt: [{ name: 'source', url: 'srt://x.example.com:1935' }], rtmp: null },
    });
    expect(mapWowzaVideoPlayback(stream)).toEqual([]);
  });
});

describe('mapWowzaVideoLiveStream', () => {
  it('maps a full object; raw is the object as received', () => {
    const raw = (fixture('list.details.KyxWKtHQ').response.body as { live_stream: Record<string, unknown> })
      .live_stream;
    const stream = mapWowzaVideoLiveStream(parse(raw), raw);
    expect({ ...stream, playback: stream.playback.length }).toEqual({
      id: 'KyxWKtHQ',
      provider: 'wowza-video',
      name: 'My 24x7 Passthrough Live Stream',
      state: 'ready',
      ingest: [
        {
          protocol: 'rtmp',
          url: 'rtmp://client20481:3fa9c0d2@f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4/10eb0ed8',
          server: 'rtmp://f92334.entrypoint.video.wowza.com:1935/app-K7Q2M9X4',
          streamKey: '10eb0ed8',
          username: 'client20481',
          password: '3fa9c0d2',
        },
      ],
      playback: 6,
      recording: false,
      createdAt: new Date('2020-01-29T17:16:21.849Z'),
      updatedAt: new Date('2020-01-31T02:26:05.849Z'),
      providerDetails: {
        'wowza-video': {
          connectionCode: '7a3c2e',
          connectionCodeExpiresAt: new Date('2020-01-30T17:16:21.849Z'),
          streamTargets: [{ id: 'p9r4t7wz' }],
        },
      },
      raw,
    });
    expect(stream.raw).toBe(raw);
  });

  it('reads dates without a zone as UTC, whatever the host zone', () => {
    const full = mapWowzaVideoLiveStream(
      parse({ id: 'a', created_at: '2020-01-29 17:16:21', updated_at: '2020-01-31T02:26:05' }),
      {},
    );
    expect(full.createdAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
    expect(full.updatedAt?.toISOString()).toBe('2020-01-31T02:26:05.000Z');
    const raw = { id: 'a', created_at: '2020-01-29T17:16:21', updated_at: '2020-01-29 17:16:21' };
    const summary = mapWowzaVideoLiveStreamSummary(v.parse(wowzaVideoLiveStreamSummarySchema, raw), raw);
    expect(summary.createdAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
    expect(summary.updatedAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
  });

  it('omits unparseable dates instead of returning Invalid Date', () => {
    const stream = mapWowzaVideoLiveStream(parse({ id: 'a', created_at: 'yesterday', updated_at: null }), {});
    expect(stream.createdAt).toBeUndefined();
    expect(stream.updatedAt).toBeUndefined();
    expect('createdAt' in stream).toBe(false);
  });

  it('maps a list item to a summary with a warning that details are missing', () => {
    const raw = { id: 'wdjfqvsv', name: 'n', state: 'started', created_at: '2020-01-29T17:16:21.849Z' };
    expect(mapWowzaVideoLiveStreamSummary(v.parse(wowzaVideoLiveStreamSummarySchema, raw), raw)).toEqual({
      id: 'wdjfqvsv',
      provider: 'wowza-video',
      name: 'n',
      state: 'ready',
      ingest: [],
      playback: [],
      createdAt: new Date('2020-01-29T17:16:21.849Z'),
      warnings: [
        {
          type: 'incomplete-answer',
          message:
            'listed without details: Wowza Video lists carry only id, name, state and timestamps, so ingest and playback are empty and recording is unknown; call get(id) or list with details: true',
        },
      ],
      raw,
    });
  });
});

// Wowza documents source_connection_information's keys for WebRTC only (API v2.0 quick start); those of RTMP,
// RTSP and SRT come from v1 examples. A stream whose answer lacks them must say so, never just show no ingest.
describe('an answer without push connection details', () => {
  const pushEncoders = wowzaVideoEncoders.filter(
    (encoder) =>
      !['file', 'other_udp', 'wowza_streaming_engine', 'wowza_gocoder', 'wowza_clearcaster'].includes(
        encoder,
      ),
  );
  // The protocol each encoder pushes and the keys its endpoint is built from, as docs/providers/wowza-video.md
  // tables them; the first key is the one without which no endpoint is made.
  const pushed = (encoder: string) =>
    encoder === 'other_webrtc'
      ? 'webrtc'
      : encoder === 'other_srt'
        ? 'srt'
        : encoder === 'other_rtsp' || encoder === 'ipcamera'
          ? 'rtsp'
          : 'rtmp';
  const keysOf = {
    webrtc: ['sdp_url', 'application_name', 'stream_name'],
    rtmp: ['primary_server', 'host_port', 'application', 'stream_name', 'username', 'password'],
    rtsp: ['primary_server', 'host_port', 'application', 'stream_name', 'username', 'password'],
    srt: ['primary_server', 'host_port', 'stream_name'],
  } as const;
  const makes = {
    webrtc: 'WebRTC signalling URL and names',
    rtmp: 'RTMP server, stream key and push credentials',
    rtsp: 'RTSP URL and push credentials',
    srt: 'SRT server',
  } as const;
  const named = { webrtc: 'WebRTC', rtmp: 'RTMP', rtsp: 'RTSP', srt: 'SRT' } as const;
  const sampleValue: Record<string, unknown> = {
    host_port: 1935,
    application: 'app-1',
    application_name: 'app-1',
    stream_name: 'cceecfa9',
    username: 'client1',
    password: 'edf107a4',
  };
  const label = (key: string) => (key === 'application' ? 'application (or application_name)' : key);

  /** The warning's exact text for `encoder` when the answer holds `info` (undefined: no object at all). */
  function expectedMessage(encoder: string, info: Record<string, unknown> | undefined): string {
    const protocol = pushed(encoder);
    const keys = keysOf[protocol];
    const needed = keys.map(label).join(', ');
    const has = (key: string) =>
      key === 'application'
        ? info?.application !== undefined || info?.application_name !== undefined
        : (key === 'username' || key === 'password') && info?.disable_authentication === true
          ? true
          : info?.[key] !== undefined;
    const missing = keys.filter((key) => !has(key)).map(label);
    const lacks =
      info === undefined
        ? `has no source_connection_information, so none of ${needed} (the ${makes[protocol]})`
        : `lacks ${missing.join(', ')} in source_connection_information (the ${makes[protocol]} need ${needed})`;
    const why =
      protocol === 'webrtc'
        ? 'Wowza documents these keys for API v2.0 (its quick start)'
        : `Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information's WebRTC keys alone, and the ${named[protocol]} details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out`;
    const sent = info
      ? 'what Wowza sent is in raw.source_connection_information'
      : 'the whole answer is in raw';
    return `no ingest endpoint: encoder ${encoder} pushes ${named[protocol]} and Wowza Video's answer ${lacks}; ${why}; ${sent}`;
  }

  // What an answer may hold instead: nothing, or some of the protocol's keys but the first (so no endpoint can be
  // made), with or without keys the adapter does not read and authentication switched off.
  const answer = (encoder: string) => {
    const [, ...rest] = keysOf[pushed(encoder)];
    return fc.option(
      fc
        .tuple(
          fc.subarray([...rest, ...(pushed(encoder) === 'webrtc' ? [] : ['application_name'])]),
          fc.dictionary(
            fc.constantFrom('server', 'port', 'app', 'key', 'url', 'streamid', 'passphrase'),
            fc.string({ maxLength: 12 }),
          ),
          fc.boolean(),
        )
        .map(([keys, unread, open]) => ({
          ...unread,
          ...Object.fromEntries(keys.map((key) => [key, sampleValue[key]])),
          ...(open && pushed(encoder) !== 'webrtc' ? { disable_authentication: true } : {}),
        })),
      { nil: undefined },
    );
  };

  it('yields no endpoint and one incomplete-answer warning naming the keys the answer lacks, for every push encoder', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...pushEncoders).chain((encoder) => fc.tuple(fc.constant(encoder), answer(encoder))),
        ([encoder, info]) => {
          const stream = parse({
            id: 'abc12345',
            encoder,
            delivery_method: 'push',
            ...(info === undefined ? {} : { source_connection_information: info }),
          });
          const mapped = mapWowzaVideoLiveStream(stream, {});
          expect(mapped.ingest).toEqual([]);
          expect(mapped.warnings).toEqual([
            { type: 'incomplete-answer', message: expectedMessage(encoder, info) },
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says so when every key is there but they make no URL', () => {
    const stream = parse({
      id: 'abc12345',
      encoder: 'other_rtmp',
      source_connection_information: {
        primary_server: 'bad host with spaces',
        host_port: 1935,
        application: 'app-1',
        stream_name: 'cceecfa9',
        username: 'client1',
        password: 'edf107a4',
      },
    });
    const mapped = mapWowzaVideoLiveStream(stream, {});
    expect(mapped.ingest).toEqual([]);
    expect(mapped.warnings?.[0]?.message).toBe(
      "no ingest endpoint: encoder other_rtmp pushes RTMP and Wowza Video's answer has source_connection_information keys that make no valid RTMP URL; Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information's WebRTC keys alone, and the RTMP details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out; what Wowza sent is in raw.source_connection_information",
    );
  });

  it('warns when an RTMP or RTSP endpoint lacks the push credentials while authentication is on', () => {
    const keys = {
      primary_server: 'abc123.entrypoint.video.wowza.com',
      host_port: 1935,
      application: 'app-1',
    };
    fc.assert(
      fc.property(
        fc.constantFrom('other_rtmp', 'other_rtsp', 'vmix'),
        fc.constantFrom(
          {},
          { username: 'client1' },
          { password: 'edf107a4' },
          { disable_authentication: false },
        ),
        (encoder, partial) => {
          const stream = parse({
            id: 'abc12345',
            encoder,
            source_connection_information: { ...keys, stream_name: 'cceecfa9', ...partial },
          });
          const [endpoint] = mapWowzaVideoIngest(stream);
          const protocol = encoder === 'other_rtsp' ? 'rtsp' : 'rtmp';
          expect(endpoint?.protocol).toBe(protocol);
          expect(wowzaVideoIngestWarnings(stream, [endpoint as never])).toEqual([
            {
              type: 'incomplete-answer',
              message: `the ${protocol} ingest endpoint has no username and password although source authentication is on (disable_authentication is not true): Wowza's answer did not carry them, so the encoder may be refused; set username and password with providerOptions['wowza-video'] or disable authentication`,
            },
          ]);
        },
      ),
    );
  });

  it('says nothing when the credentials are there or authentication is off, and nothing for WebRTC', () => {
    const rtmp = {
      primary_server: 'abc123.entrypoint.video.wowza.com',
      host_port: 1935,
      application: 'app-1',
      stream_name: 'cceecfa9',
    };
    for (const source of [
      { ...rtmp, username: 'client1', password: 'edf107a4' },
      { ...rtmp, disable_authentication: true },
    ]) {
      expect(mapWowzaVideoLiveStream(withSource(source), {})).not.toHaveProperty('warnings');
    }
    const webRtc = parse({
      id: 'abc12345',
      encoder: 'other_webrtc',
      source_connection_information: {
        sdp_url: 'wss://5b3a11.entrypoint.video.wowza.com/webrtc-session.json',
        application_name: 'app-30zl5349',
        stream_name: '32a5814b',
      },
    });
    expect(mapWowzaVideoLiveStream(webRtc, {})).not.toHaveProperty('warnings');
  });

  it.each([
    [
      {
        delivery_method: 'pull',
        encoder: 'ipcamera',
        source_connection_information: { source_url: 'rtsp://cam' },
      },
      'no ingest endpoint: Wowza Video pulls this stream from its source_url (delivery_method pull or encoder file); there is nothing to push to',
    ],
    [
      { encoder: 'other_udp' },
      'no ingest endpoint: UDP (encoder other_udp) has no neutral ingest protocol; Wowza sent its connection details in raw.source_connection_information',
    ],
    [
      { encoder: 'other_rtmp', use_stream_source: true, stream_source_id: '5skrfpyf' },
      "no ingest endpoint: the encoder pushes to the Wowza stream source 5skrfpyf (use_stream_source), whose connection details are on Wowza's /stream_sources resource, not on the live stream",
    ],
    [
      { encoder: 'wowza_gocoder', connection_code: '0e15cb' },
      "no ingest endpoint: a wowza_gocoder encoder connects with the connection code in providerDetails['wowza-video'].connectionCode, and Wowza sent no server for it",
    ],
  ])('says where the video goes instead for %j', (fields, message) => {
    expect(mapWowzaVideoLiveStream(parse({ id: 'abc12345', ...fields }), {}).warnings).toEqual([
      { type: 'other', message },
    ]);
  });
});

describe('providerDetails', () => {
  it('carries the connection code, its expiry, the stream source and the stream targets', () => {
    const stream = mapWowzaVideoLiveStream(
      parse({
        id: 'wdjfqvsv',
        connection_code: '0e15cb',
        connection_code_expires_at: '2020-11-30T17:16:21.956Z',
        stream_source_id: '5skrfpyf',
        stream_targets: [{ id: 'klbmg2h8' }, { id: 'bnjtdmmc' }, { name: 'no id' }],
      }),
      {},
    );
    expect(wowzaVideoDetailsOf(stream)).toEqual({
      connectionCode: '0e15cb',
      connectionCodeExpiresAt: new Date('2020-11-30T17:16:21.956Z'),
      streamSourceId: '5skrfpyf',
      streamTargets: [{ id: 'klbmg2h8' }, { id: 'bnjtdmmc' }],
    });
  });

  it('is absent when Wowza sends none of them, and recording is absent when Wowza does not say', () => {
    const stream = mapWowzaVideoLiveStream(parse({ id: 'wdjfqvsv', stream_source_id: null }), {});
    expect(stream).not.toHaveProperty('providerDetails');
    expect(stream).not.toHaveProperty('recording');
    expect(wowzaVideoDetailsOf(stream)).toBeUndefined();
    expect(wowzaVideoDetailsOf({ ...stream, provider: 'liveapi' })).toBeUndefined();
  });
});

describe('wowzaVideoSecretsOf', () => {
  it('lists the stream key, push password, connection code and token auth secret', () => {
    const stream = parse({
      id: 'a',
      connection_code: '0e15cb',
      security: { token_auth_shared_secret: '12345678ABCDEF' },
      source_connection_information: { stream_name: 'cceecfa9', password: 'edf107a4', username: 'client1' },
    });
    expect(wowzaVideoSecretsOf(stream)).toEqual(['cceecfa9', 'edf107a4', '0e15cb', '12345678ABCDEF']);
  });
});

// Found by the reliability suite's drift tests: an entry of `direct_playback_urls.rtsp` holding an rtmp://
// URL became an rtsp endpoint, and an empty id a stream no later call could address.
describe('drifted payloads', () => {
  it('keeps endpoints whose URL does not fit their protocol in raw only', () => {
    const stream = parse({
      id: 'abc12345',
      hls_playback_url: 'rtmp://abc123.entrypoint.video.wowza.com/app/hls',
      direct_playback_urls: {
        rtsp: [
          { name: 'source', url: 'rtmp://abc123.entrypoint.video.wowza.com/app-1/stream' },
          { name: 'good', url: 'rtsp://abc123.entrypoint.video.wowza.com:1935/app-1/stream' },
        ],
        rtmp: [{ name: 'no host', url: 'rtmp://' }],
      },
    });
    expect(mapWowzaVideoPlayback(stream)).toEqual([
      {
        protocol: 'rtsp',
        url: 'rtsp://abc123.entrypoint.video.wowza.com:1935/app-1/stream',
        rendition: 'good',
      },
    ]);
  });

  it('refuses an id no call could use', () => {
    for (const id of ['', 'a/b', '..', '.', 'x'.repeat(129)]) {
      expect(v.safeParse(wowzaVideoLiveStreamSchema, { id }).success, id).toBe(false);
      expect(v.safeParse(wowzaVideoLiveStreamSummarySchema, { id }).success, id).toBe(false);
    }
  });
});
