import type { IngestEndpoint } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixtures.js';
import {
  mapWowzaVideoIngest,
  mapWowzaVideoLiveStream,
  mapWowzaVideoPlayback,
} from './map-wowza-video-live-stream.js';
import { wowzaVideoLiveStreamEnvelope, wowzaVideoLiveStreamReading } from './wowza-video-api.js';
import { wowzaVideo } from './wowza-video-provider.js';

// The adapter reads a stream with its own schema (only the fields it maps, `null` kept in the nested objects)
// and maps that reading. These cases hold it to the published schema on the same answer less the fields no
// mapping reads: the same answers accepted and refused, at the same paths, and the same neutral stream, field
// for field and in the same order, whatever those other fields hold.

/** The answer without the fields the published schema checks and no mapping reads. */
function withoutUnread(body: unknown): unknown {
  const copy = structuredClone(body) as { live_stream?: Record<string, unknown> } | null;
  const stream = copy?.live_stream;
  if (typeof stream !== 'object' || stream === null) return copy;
  delete stream.broadcast_location;
  const source = stream.source_connection_information as Record<string, unknown> | null | undefined;
  if (typeof source === 'object' && source !== null) {
    delete source.backup_server;
    delete source.source_url;
  }
  const page = stream.hosted_page as Record<string, unknown> | null | undefined;
  if (typeof page === 'object' && page !== null) {
    delete page.title;
    delete page.description;
  }
  const direct = stream.direct_playback_urls;
  if (typeof direct === 'object' && direct !== null) {
    for (const entries of Object.values(direct)) {
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) if (typeof entry === 'object' && entry !== null) delete entry.output_id;
    }
  }
  return copy;
}

/** A value with its key order made visible: objects become lists of `[key, value]` pairs. */
function ordered(value: unknown): unknown {
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null)
    return Object.keys(value).map((key) => [key, ordered((value as Record<string, unknown>)[key])]);
  return value;
}

const odd = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}), fc.constant([]));
const text = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constantFrom('', 'source', 'webrtc', 'V:1280x720+A:128K', 'app-9c70', 'c773b967'),
);
/** A field as Wowza may send it: a value, absent, `null`, and (weight `oddWeight`) a value of another type. */
const field = <T>(value: fc.Arbitrary<T>, oddWeight = 1) =>
  fc.oneof(
    { weight: 200, arbitrary: value },
    { weight: 40, arbitrary: fc.constant(undefined) },
    { weight: 15, arbitrary: fc.constant(null) },
    { weight: oddWeight, arbitrary: odd },
  );
const url = fc.oneof(
  fc.constantFrom(
    'rtmp://15c110.entrypoint.video.wowza.com/app-IAD8ZVAG/c773b967',
    'rtsp://15c110.entrypoint.video.wowza.com:1935/app-IAD8ZVAG/c773b967_stream1',
    'wowz://15c110.entrypoint.video.wowza.com:1935/app-IAD8ZVAG/c773b967_stream2',
    'wss://15c110.entrypoint.video.wowza.com/webrtc-session.json',
    'https://cdn3.wowza.com/1/abc/def/hls/live/playlist.m3u8',
    'http://127.0.0.1:8080/hls/playlist.m3u8',
    'rtmp://H.Example.com/app',
    'rtmp://h.example.com:99999/app',
    'rtmp://h.example.com/a b',
    'https://user:pw@h.example.com/p',
    'RTMP://h.example.com/app',
    'rtmps://h.example.com/app',
    'https://h.example.com?x=1',
    'not a url',
    '',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 12 }),
);
const playbackEntry = fc.record(
  {
    name: field(text, 0),
    output_id: field(text, 3),
    url: fc.oneof({ weight: 300, arbitrary: url }, { weight: 1, arbitrary: odd }),
    application_name: field(text, 0),
    stream_name: field(text, 0),
    extra: fc.string({ maxLength: 3 }),
  },
  { requiredKeys: ['url'] },
);
const directPlaybackUrls = fc.dictionary(
  fc.constantFrom('rtmp', 'rtsp', 'wowz', 'webrtc', 'hls', 'dash', 'srt', 'toString', 'constructor'),
  field(fc.array(playbackEntry, { maxLength: 8 })),
  { maxKeys: 5 },
);
const date = field(
  fc.oneof(
    fc.constantFrom('2026-11-30T01:01:25.933Z', '2020-01-29 17:16:21', 'garbage'),
    fc.integer({ min: 0, max: 2e9 }),
  ),
  4,
);
const liveStream = fc.record(
  {
    id: fc.oneof(
      { weight: 30, arbitrary: fc.constantFrom('abc12345', 'KyxWKtHQ') },
      { weight: 1, arbitrary: odd },
    ),
    name: field(text),
    state: field(fc.constantFrom('started', 'stopped', 'starting', 'stopping', 'resetting', 'hibernating')),
    encoder: field(
      fc.constantFrom(
        'other_rtmp',
        'other_rtsp',
        'other_srt',
        'other_udp',
        'other_webrtc',
        'file',
        'wowza_gocoder',
      ),
    ),
    broadcast_location: field(fc.constantFrom('eu_germany', 'us_west_california'), 8),
    delivery_method: field(fc.constantFrom('push', 'pull', 'cdn')),
    use_stream_source: field(fc.boolean()),
    recording: field(fc.boolean()),
    created_at: date,
    updated_at: date,
    source_connection_information: field(
      fc.record(
        {
          sdp_url: field(url),
          application_name: field(text),
          application: field(text),
          stream_name: field(text),
          primary_server: field(fc.oneof(text, url, fc.constantFrom('abc123.entrypoint.video.wowza.com'))),
          backup_server: field(text, 8),
          host_port: field(fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom('1935', ''))),
          username: field(text),
          password: field(text),
          disable_authentication: field(fc.boolean()),
          source_url: field(url, 8),
          unknown_key: fc.integer(),
        },
        { requiredKeys: [] },
      ),
    ),
    connection_code: field(text),
    connection_code_expires_at: date,
    stream_source_id: field(text),
    stream_targets: field(
      fc.array(fc.record({ id: field(text), type: fc.string() }, { requiredKeys: [] }), { maxLength: 3 }),
    ),
    hls_playback_url: field(url),
    hosted_page: field(
      fc.oneof(
        fc.boolean(),
        fc.record(
          {
            enabled: field(fc.boolean()),
            url: field(url),
            title: field(text, 8),
            description: field(text, 8),
            sharing_icons: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    embed_code: field(
      fc.oneof(
        text,
        fc.constantFrom(
          '<iframe src="https://embed.example.com/p?a=1&amp;b=2"></iframe>',
          '<script src="https://cdn.example.com/player.js"></script>',
        ),
      ),
    ),
    direct_playback_urls: field(directPlaybackUrls),
    security: field(
      fc.record(
        { token_auth_shared_secret: field(text), geoblock_enabled: fc.boolean() },
        { requiredKeys: [] },
      ),
    ),
    billing_mode: fc.constantFrom('pay_as_you_go', 'twentyfour_seven'),
  },
  { requiredKeys: ['id'] },
);
const answer = fc.oneof(
  { weight: 40, arbitrary: liveStream.map((stream) => ({ live_stream: stream })) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], { live_stream: null }, { live_stream: [] }) },
);

const issuesOf = (issues: readonly v.BaseIssue<unknown>[]) =>
  issues.map((issue) => [v.getDotPath(issue), issue.expected]);

describe("the adapter's reading of a live stream", () => {
  it('accepts and refuses what the published schema does less the fields no mapping reads, and maps to the same neutral stream', () => {
    fc.assert(
      fc.property(answer, (sent) => {
        // Through JSON, as an answer arrives: no `undefined` values, and `__proto__` as an own key.
        const body: unknown = JSON.parse(JSON.stringify(sent));
        const published = v.safeParse(wowzaVideoLiveStreamEnvelope, withoutUnread(body));
        const read = v.safeParse(wowzaVideoLiveStreamReading, body);
        expect(read.success).toBe(published.success);
        if (!published.success || !read.success) {
          expect(issuesOf(read.issues ?? [])).toEqual(issuesOf(published.issues ?? []));
          return;
        }
        const raw = (body as { live_stream: unknown }).live_stream;
        const expected = mapWowzaVideoLiveStream(published.output.live_stream, raw);
        const mapped = mapWowzaVideoLiveStream(read.output.live_stream, raw);
        expect(ordered(mapped)).toEqual(ordered(expected));
        // The neutral fields in the order a reader sees them, each only when present.
        const order = [
          'id',
          'provider',
          'name',
          'state',
          'ingest',
          'playback',
          'recording',
          'createdAt',
          'updatedAt',
          'warnings',
          'providerDetails',
          'raw',
        ];
        expect(Object.keys(mapped)).toEqual(order.filter((key) => Object.hasOwn(mapped, key)));
        expect(mapped.raw).toBe(raw);
      }),
      { numRuns: 1500 },
    );
  });

  it('maps each direct playback entry to one endpoint with exactly the fields it carries, null read as absent', () => {
    const protocols: Record<string, string> = {
      rtmp: 'rtmp:',
      rtsp: 'rtsp:',
      wowz: 'wowz:',
      webrtc: 'wss:',
      hls: 'https:',
      dash: 'https:',
    };
    const entry = fc.record({
      name: fc.constantFrom(undefined, null, '', 'source', 'V:854x480+A:128K'),
      application_name: fc.constantFrom(undefined, null, '', 'app-IAD8ZVAG'),
      stream_name: fc.constantFrom(undefined, null, '', 'c773b967_stream3'),
      output_id: fc.constantFrom(undefined, null, 'aewvlycm'),
      path: fc.stringMatching(/^\/[a-z0-9_-]{1,8}$/),
      // Another key's scheme: the entry stays in `raw` only.
      foreign: fc.boolean(),
    });
    const direct = fc.dictionary(
      fc.constantFrom(...Object.keys(protocols), 'srt'),
      fc.array(entry, { maxLength: 6 }),
      {
        maxKeys: 7,
      },
    );
    fc.assert(
      fc.property(direct, (generated) => {
        const sent: Record<string, unknown[]> = {};
        const expected: unknown[] = [];
        for (const [key, entries] of Object.entries(generated)) {
          sent[key] = entries.map((item) => {
            const scheme = item.foreign ? (key === 'rtmp' ? 'rtsp:' : 'rtmp:') : (protocols[key] ?? 'srt:');
            const { path, foreign: _, ...fields } = item;
            return { ...fields, url: `${scheme}//15c110.entrypoint.video.wowza.com${path}` };
          });
          if (!Object.hasOwn(protocols, key)) continue;
          for (const item of sent[key] as Array<Record<string, string | null | undefined>>) {
            if (!String(item.url).startsWith(protocols[key] ?? '')) continue;
            expected.push({
              protocol: key,
              url: item.url,
              ...(item.name ? { rendition: item.name } : {}),
              ...(item.application_name ? { applicationName: item.application_name } : {}),
              ...(item.stream_name ? { streamName: item.stream_name } : {}),
            });
          }
        }
        const body = JSON.parse(
          JSON.stringify({ live_stream: { id: 'abc12345', direct_playback_urls: sent } }),
        );
        const read = v.parse(wowzaVideoLiveStreamReading, body).live_stream;
        expect(ordered(mapWowzaVideoPlayback(read))).toEqual(ordered(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('gives get the stream the published schema maps, with the recorded answer', async () => {
    const recorded = fixture('get');
    const body = recorded.response.body as { live_stream: unknown };
    const expected = mapWowzaVideoLiveStream(
      v.parse(wowzaVideoLiveStreamEnvelope, body).live_stream,
      body.live_stream,
    );
    const answer = JSON.stringify(body);
    const provider = wowzaVideo({
      token: 'a-token-for-this-test',
      baseUrl: 'https://api.video.wowza.com/api/v2.0',
      fetch: async () =>
        new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    const id = (body.live_stream as { id: string }).id;
    expect(ordered(await provider.get(id))).toEqual(ordered(expected));
  });

  it("reads the recorded answer's direct playback URLs in place, and a list that does not fit as valibot does", () => {
    const body = structuredClone(fixture('get').response.body) as {
      live_stream: { direct_playback_urls: Record<string, unknown[] | null> };
    };
    const direct = body.live_stream.direct_playback_urls;
    expect(Object.values(direct).flat().length).toBeGreaterThan(20);
    // No copy of the ~30 entries: the reading holds the answer's own object.
    expect(v.parse(wowzaVideoLiveStreamReading, body).live_stream.direct_playback_urls).toBe(direct);
    direct.rtsp = null;
    expect(v.parse(wowzaVideoLiveStreamReading, body).live_stream.direct_playback_urls).toBe(direct);
    // One entry without its url: refused at its path, as the published schema refuses it.
    const [first] = Object.keys(direct);
    (direct[first as string] as Array<Record<string, unknown>>)[0] = { name: 'source' };
    const read = v.safeParse(wowzaVideoLiveStreamReading, body);
    expect(read.success).toBe(false);
    expect(issuesOf(read.issues ?? [])).toEqual([
      [`live_stream.direct_playback_urls.${first}.0.url`, '"url"'],
    ]);
  });

  it("reads the recorded answer's nested objects in place, and one that does not fit as valibot does", () => {
    const body = structuredClone(fixture('get').response.body) as {
      live_stream: Record<string, Record<string, unknown> | unknown[]>;
    };
    const stream = body.live_stream;
    const nested = ['source_connection_information', 'stream_targets', 'hosted_page', 'security'] as const;
    for (const key of nested) expect(stream[key], key).toBeTypeOf('object');
    // No copy of any: the reading holds the answer's own objects, `null` fields as sent.
    (stream.source_connection_information as Record<string, unknown>).sdp_url = null;
    const read = v.parse(wowzaVideoLiveStreamReading, body).live_stream as Record<string, unknown>;
    for (const key of nested) expect(read[key], key).toBe(stream[key]);
    // A port of another type: refused at its path, as the published schema refuses it.
    (stream.source_connection_information as Record<string, unknown>).host_port = true;
    const refused = v.safeParse(wowzaVideoLiveStreamReading, body);
    expect(refused.success).toBe(false);
    expect(issuesOf(refused.issues ?? [])).toEqual(
      issuesOf(v.safeParse(wowzaVideoLiveStreamEnvelope, body).issues ?? []),
    );
    expect(issuesOf(refused.issues ?? [])[0]?.[0]).toBe(
      'live_stream.source_connection_information.host_port',
    );
  });

  it('gives get the same stream when a field no mapping reads has another type, kept in raw as sent', async () => {
    const recorded = fixture('get');
    const body = recorded.response.body as { live_stream: Record<string, unknown> };
    const id = body.live_stream.id as string;
    const providerAnswering = (answer: unknown) =>
      wowzaVideo({
        token: 'a-token-for-this-test',
        baseUrl: 'https://api.video.wowza.com/api/v2.0',
        fetch: async () =>
          new Response(JSON.stringify(answer), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          }),
      });
    const odd = structuredClone(body);
    odd.live_stream.broadcast_location = 7;
    odd.live_stream.hosted_page = {
      enabled: true,
      url: 'https://example.com/page',
      title: {},
      description: 1,
    };
    odd.live_stream.source_connection_information = {
      ...(body.live_stream.source_connection_information as object),
      backup_server: false,
      source_url: ['x'],
    };
    odd.live_stream.direct_playback_urls = {
      rtmp: [{ name: 'source', output_id: 42, url: 'rtmp://15c110.entrypoint.video.wowza.com/app-1/key' }],
    };
    const plain = structuredClone(odd);
    plain.live_stream.broadcast_location = 'eu_germany';
    plain.live_stream.hosted_page = { enabled: true, url: 'https://example.com/page' };
    plain.live_stream.source_connection_information = body.live_stream.source_connection_information;
    plain.live_stream.direct_playback_urls = {
      rtmp: [{ name: 'source', url: 'rtmp://15c110.entrypoint.video.wowza.com/app-1/key' }],
    };
    const read = await providerAnswering(odd).get(id);
    const { raw, ...stream } = read;
    const { raw: _plainRaw, ...expected } = await providerAnswering(plain).get(id);
    expect(ordered(stream)).toEqual(ordered(expected));
    expect(stream.playback).toContainEqual({
      protocol: 'rtmp',
      url: 'rtmp://15c110.entrypoint.video.wowza.com/app-1/key',
      rendition: 'source',
    });
    expect(raw).toEqual(odd.live_stream);
    // The published schema, which checks every documented field, refuses that answer.
    expect(v.safeParse(wowzaVideoLiveStreamEnvelope, odd).success).toBe(false);
  });

  it('maps source_connection_information to the ingest endpoints Wowza describes, each with exactly the fields it carries, the push credentials in the URL too', () => {
    const name = fc.constantFrom(undefined, null, '', 'app-9c70', 'cceecfa9', 'c-1');
    const source = fc.record({
      encoder: fc.constantFrom(
        'other_rtmp',
        'vmix',
        'other_rtsp',
        'ipcamera',
        'other_srt',
        'other_udp',
        'file',
      ),
      sdp_url: fc.constantFrom(
        undefined,
        null,
        '',
        'wss://h.example.com/webrtc-session.json',
        'ftp://h.example.com/x',
      ),
      application_name: name,
      application: name,
      stream_name: name,
      primary_server: fc.constantFrom(
        undefined,
        null,
        '',
        'abc123.entrypoint.video.wowza.com',
        '127.0.0.1',
        'rtmp://h.example.com/EntryPoint/',
        'rtmps://h.example.com/live//',
        'rtsp://h.example.com:554/',
        'srt://h.example.com:9000',
        'udp://h.example.com:5000',
      ),
      host_port: fc.constantFrom(undefined, null, '', 1935, '554'),
      username: fc.constantFrom(undefined, null, '', 'client11469'),
      password: fc.constantFrom(undefined, null, '', 'edf107a4'),
      disable_authentication: fc.constantFrom(undefined, null, true, false),
    });
    fc.assert(
      fc.property(source, ({ encoder, ...info }) => {
        const body = JSON.parse(
          JSON.stringify({ live_stream: { id: 'abc12345', encoder, source_connection_information: info } }),
        );
        const read = v.parse(wowzaVideoLiveStreamReading, body).live_stream;
        const expected: IngestEndpoint[] = [];
        if (info.sdp_url?.startsWith('wss:')) {
          expected.push({
            protocol: 'webrtc',
            url: info.sdp_url,
            ...(info.application_name ? { applicationName: info.application_name } : {}),
            ...(info.stream_name ? { streamName: info.stream_name } : {}),
          });
        }
        const primary = info.primary_server;
        const scheme = primary?.includes('://') ? primary.slice(0, primary.indexOf(':')) : undefined;
        const protocol = !primary
          ? undefined
          : scheme !== undefined
            ? (['rtmp', 'rtmps', 'rtsp', 'srt'] as const).find((known) => known === scheme)
            : encoder === 'other_srt'
              ? 'srt'
              : encoder === 'other_rtsp' || encoder === 'ipcamera'
                ? 'rtsp'
                : encoder === 'other_udp' || encoder === 'file'
                  ? undefined
                  : 'rtmp';
        if (primary && protocol) {
          const port =
            info.host_port === undefined || info.host_port === null || info.host_port === ''
              ? ''
              : `:${info.host_port}`;
          const base = scheme !== undefined ? primary.replace(/\/+$/, '') : `${protocol}://${primary}${port}`;
          const credentials =
            info.disable_authentication === true
              ? {}
              : {
                  ...(info.username ? { username: info.username } : {}),
                  ...(info.password ? { password: info.password } : {}),
                };
          if (protocol === 'srt') {
            expected.push({
              protocol,
              url: base,
              ...(info.stream_name ? { streamName: info.stream_name } : {}),
            });
          } else {
            const application = info.application ?? info.application_name;
            const server = application ? `${base}/${application}` : base;
            const plain = info.stream_name ? `${server}/${info.stream_name}` : server;
            // The push credentials ride in the URL as its user information too (an empty password is left
            // out, as the URL standard writes it), never in the server.
            const { username = '', password = '' } = credentials as { username?: string; password?: string };
            const userInfo = `${username}${password ? `:${password}` : ''}`;
            const url = userInfo ? plain.replace('://', `://${userInfo}@`) : plain;
            // An RTMP endpoint carries its stream key after an application (a path in `server`), or is left
            // out (with the incomplete-answer warning naming what the answer lacks).
            if (protocol === 'rtsp') expected.push({ protocol, url, ...credentials });
            else if (info.stream_name && /^[a-z]+:\/\/[^/]+\/./.test(server)) {
              expected.push({ protocol, url, server, streamKey: info.stream_name, ...credentials });
            }
          }
        }
        expect(ordered(mapWowzaVideoIngest(read))).toEqual(ordered(expected));
      }),
      { numRuns: 1000 },
    );
  });
});
