import { type LiveStream, type PlaybackEndpoint, secretForms, urlWithUserInfo } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaked, secret } from '../test/secrets.js';
import { describeStream, playbackLines, streamJson, streamRows, tooDeepText } from './format.js';

const origin = 'rtmp://e1.entrypoint.video.wowza.com/app-X';
const sizes = ['1280x720', '854x480', '640x360'];
// As the Wowza Video adapter maps direct_playback_urls: source, webrtc, then the transcoded ladder.
const wowza: PlaybackEndpoint[] = [
  { protocol: 'hls', url: 'https://cdn3.wowza.com/1/a/b/hls/live/playlist.m3u8' },
  { protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/x' },
  ...['rtmp', 'rtsp'].flatMap((protocol) => [
    { protocol: protocol as 'rtmp', url: `${origin}/abc`.replace('rtmp', protocol), rendition: 'source' },
    {
      protocol: protocol as 'rtmp',
      url: `${origin}/abc_stream1`.replace('rtmp', protocol),
      rendition: 'webrtc',
    },
    ...sizes.map((size, index) => ({
      protocol: protocol as 'rtmp',
      url: `${origin}/abc_stream${index + 2}`.replace('rtmp', protocol),
      rendition: `V:${size}+A:128K`,
    })),
  ]),
  ...['source', 'webrtc', ...sizes.map((size) => `V:${size}+A:128K`)].map((rendition) => ({
    protocol: 'webrtc' as const,
    url: 'wss://e1.entrypoint.video.wowza.com/webrtc-session.json',
    rendition,
  })),
];

describe('playbackLines', () => {
  it('groups by protocol, one line per rendition family, with a legend for the labels used', () => {
    const { lines, legend } = playbackLines(wowza);
    expect(lines).toEqual([
      'hls     https://cdn3.wowza.com/1/a/b/hls/live/playlist.m3u8',
      'embed   https://embed.flowplayer.com/hosted/default/x',
      `rtmp    source   ${origin}/abc`,
      `        webrtc   ${origin}/abc_stream1`,
      `        3 sizes  ${origin}/abc_stream2 … _stream4  (1280x720 854x480 640x360; audio 128K)`,
      `rtsp    source   ${origin.replace('rtmp', 'rtsp')}/abc`,
      `        webrtc   ${origin.replace('rtmp', 'rtsp')}/abc_stream1`,
      `        3 sizes  ${origin.replace('rtmp', 'rtsp')}/abc_stream2 … _stream4  (1280x720 854x480 640x360; audio 128K)`,
      'webrtc  5 renditions  wss://e1.entrypoint.video.wowza.com/webrtc-session.json',
    ]);
    expect(legend).toEqual([
      "source: the encoder's own stream, passed through",
      'webrtc: the output the vendor names webrtc',
      'N sizes: renditions the vendor transcodes, URLs in the order of the sizes',
      'N renditions: one URL for all of them; a player picks one by stream name',
    ]);
  });

  it('keeps one plain line per endpoint when there are no renditions, and no legend', () => {
    const { lines, legend } = playbackLines([
      { protocol: 'hls', url: 'https://cdn.liveapi.test/a.m3u8' },
      { protocol: 'embed', url: 'https://embed.liveapi.test/a' },
      { protocol: 'embed', url: 'https://embed.liveapi.test/a?audio', audioOnly: true },
    ]);
    expect(lines).toEqual([
      'hls    https://cdn.liveapi.test/a.m3u8',
      'embed  default     https://embed.liveapi.test/a',
      '       audio only  https://embed.liveapi.test/a?audio',
    ]);
    expect(legend).toEqual([]);
  });
});

describe('describeStream', () => {
  const base: LiveStream = {
    id: 'abc12345',
    provider: 'wowza-realtime',
    name: 'auction',
    state: 'ready',
    ingest: [],
    playback: [],
    raw: {},
  };

  it('says recording is unknown when the vendor did not say, never off', () => {
    expect(describeStream(base)).toContain('  recording:  unknown');
    expect(describeStream({ ...base, recording: false })).toContain('  recording:  off');
  });

  it('shows the push user name an endpoint names, and never its password, whether beside the URL or in it', () => {
    // Wowza Video's endpoint: the credentials ride in the URL's user information and beside it, the user
    // name as OBS asks for it. Its user names are letters, digits, `.`, `_`, `-`.
    const username = fc
      .string({
        unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-'),
        minLength: 4,
        maxLength: 16,
      })
      .map((rest) => `c${rest}`);
    fc.assert(
      fc.property(username, secret, (user, password) => {
        const server = 'rtmp://e1.entrypoint.video.wowza.com:1935/app-X';
        const stream: LiveStream = {
          ...base,
          provider: 'wowza-video',
          ingest: [
            {
              protocol: 'rtmp',
              url: urlWithUserInfo(`${server}/k1b2c3d4`, user, password),
              server,
              streamKey: 'k1b2c3d4',
              username: user,
              password,
            },
          ],
        };
        const text = describeStream(stream);
        const json = JSON.stringify(streamJson(stream, true));
        expect(leaked(text, [password])).toBeUndefined();
        expect(leaked(json, [password])).toBeUndefined();
        fc.pre(!secretForms(password).some((form) => `    username:    ${user}`.includes(form)));
        expect(text).toContain(`\n    username:    ${user}\n`);
        // The URL keeps its shape, its user information masked (whole, or the password the stream carries).
        expect(text).toMatch(
          /\n {4}url: {9}rtmp:\/\/(?:[a-z0-9._-]+:)?\[REDACTED\]@e1\.entrypoint\.video\.wowza\.com:1935\/app-X\//,
        );
        expect(json).toContain(`"username":"${user}"`);
      }),
    );
  });

  it("prints the vendor's own details, dates as ISO, and a switched-off restream target as such", () => {
    const text = describeStream({
      ...base,
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'k', enabled: false }],
      providerDetails: {
        'wowza-realtime': {
          sdk: {
            streamName: '8d304b93',
            subscribeTokenExpiresAt: new Date('2030-10-27T23:08:55.000Z'),
          },
        },
      },
    });
    expect(text.split('\n').slice(3)).toEqual([
      '  restream:   rtmp://a.rtmp.youtube.com/live2 (switched off)',
      '  wowza-realtime details:',
      '    sdk:',
      '      streamName: 8d304b93',
      '      subscribeTokenExpiresAt: 2030-10-27T23:08:55.000Z',
    ]);
  });
});

describe('streamJson', () => {
  it('keeps a vendor field named __proto__ as a field of the redacted copy, as --show-secrets prints it', () => {
    // JSON.parse makes `__proto__` an own field; assigned to a plain object, it would set its prototype
    // instead, and the vendor's field would vanish from --raw while it is redacted.
    const raw = JSON.parse('{"id":"s1","__proto__":{"hidden":"vendor data","streamKey":"K-raw-key-9999"}}');
    const stream = {
      id: 's1',
      provider: 'liveapi',
      name: 'n',
      state: 'ready',
      ingest: [{ protocol: 'rtmp', url: 'rtmp://h/app/K-raw-key-9999', streamKey: 'K-raw-key-9999' }],
      playback: [],
      raw,
    } as LiveStream;
    const shown = JSON.parse(JSON.stringify(streamJson(stream, true)));
    expect(Object.hasOwn(shown.raw, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(shown.raw, '__proto__')?.value).toEqual({
      hidden: 'vendor data',
      streamKey: '[REDACTED]',
    });
    expect(JSON.stringify(streamJson(stream, true))).not.toContain('K-raw-key-9999');
  });

  // --raw prints the vendor's answer: a stream key it holds at any depth reads [REDACTED], and what lies
  // deeper than the redaction walks is cut rather than printed as it is.
  it('never prints a stream key the raw answer holds, however deep, as a value or a field name', () => {
    const levels = fc.array(fc.constantFrom('object', 'array', '__proto__'), { maxLength: 130, size: 'max' });
    fc.assert(
      fc.property(secret, levels, fc.boolean(), (key, path, asName) => {
        let raw: unknown = asName ? { [key]: 'x' } : { streamKey: key };
        for (const level of [...path].reverse())
          raw =
            level === 'array'
              ? [raw]
              : JSON.parse(`{"${level === 'object' ? 'nested' : '__proto__'}":${JSON.stringify(raw)}}`);
        const stream = {
          id: 's1',
          provider: 'liveapi',
          name: 'n',
          state: 'ready',
          ingest: [{ protocol: 'rtmp', url: `rtmp://h/app/${encodeURIComponent(key)}`, streamKey: key }],
          playback: [],
          raw,
        } as LiveStream;
        const printed = JSON.stringify(streamJson(stream, true));
        for (const form of secretForms(key)) expect(printed).not.toContain(form);
        // Within the depth walked, the answer keeps its shape; beyond it, one marker says where it was cut.
        let shown: unknown = (JSON.parse(printed) as { raw: unknown }).raw;
        for (const [index, level] of path.entries()) {
          if (index >= 64) break;
          shown =
            level === 'array'
              ? (shown as unknown[])[0]
              : Object.getOwnPropertyDescriptor(shown, level === 'object' ? 'nested' : '__proto__')?.value;
        }
        if (path.length < 64)
          expect(shown).toEqual(asName ? { '[REDACTED]': 'x' } : { streamKey: '[REDACTED]' });
        else expect(JSON.stringify(shown)).toContain(JSON.stringify(tooDeepText));
      }),
      { numRuns: 200 },
    );
  });
});

describe('streamRows', () => {
  const stream = (key: string, name: string, ref?: string): LiveStream & { ref?: string } => ({
    id: 'stream-1',
    provider: 'liveapi',
    name,
    state: 'stopped',
    ingest: [
      { protocol: 'rtmp', server: 'rtmp://ingest.example.test/live', streamKey: key, url: 'rtmp://x' },
    ],
    playback: [],
    raw: {},
    ...(ref === undefined ? {} : { ref }),
  });
  const encodings = [
    (value: string) => value,
    (value: string) => encodeURIComponent(value),
    (value: string) => Buffer.from(value).toString('base64'),
  ];

  it('masks each row by its own stream key, in every encoding, registry rows too; --show-secrets prints it', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom(...encodings),
        fc.boolean(),
        fc.string({ maxLength: 10 }),
        (key, encode, registry, around) => {
          const name = `${around}${encode(key)}${around}`;
          const rows = streamRows([stream(key, name, registry ? `b:${encode(key)}` : undefined)]);
          for (const form of secretForms(key)) expect(rows).not.toContain(form);
          expect(rows.split('\n')[2]).toContain('[REDACTED]');
          const shown = streamRows([stream(key, 'plain', registry ? `b:${key}` : undefined)], {
            showSecrets: true,
          });
          if (registry) expect(shown).toContain(`b:${key}`);
        },
      ),
    );
  });
});

describe('a stream key whose name the vendor puts in its viewer URLs (LiveAPI)', () => {
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
  // As the LiveAPI adapter maps a stream: the key `lv_<32 hex>?password=<8 hex>`, the hosted player and the
  // HLS URL carrying its `lv_…` name, and the raw answer holding the key too.
  const liveapiStream = (name: string, password: string, user: string): LiveStream =>
    ({
      id: 's1',
      provider: 'liveapi',
      name: 'viewers',
      state: 'ready',
      ingest: [
        {
          protocol: 'rtmp',
          server: 'rtmp://ingest.liveapi.com/static',
          streamKey: `${name}?password=${password}`,
          url: `rtmp://ingest.liveapi.com/static/${name}?password=${password}`,
        },
      ],
      playback: [
        { protocol: 'hls', url: `https://live.liveapi.com/${user}/${name}/index.m3u8` },
        { protocol: 'embed', url: `https://player.liveapi.com/${name}` },
        { protocol: 'embed', audioOnly: true, url: `https://player.liveapi.com/${name}?onlyAudio=true` },
      ],
      raw: {
        ingest: { key: `${name}?password=${password}` },
        playback: { embed_url: `https://player.liveapi.com/${name}` },
      },
    }) as LiveStream;

  it('prints the viewer URLs whole and never the password, in text and JSON', () => {
    fc.assert(
      fc.property(hex(32), hex(8), hex(24), (id, password, user) => {
        const name = `lv_${id}`;
        const stream = liveapiStream(name, password, user);
        const text = describeStream(stream);
        const json = JSON.stringify(streamJson(stream, true));
        for (const printed of [text, json]) {
          for (const endpoint of stream.playback) expect(printed).toContain(endpoint.url);
          expect(printed).not.toContain(password);
          // The password reads [REDACTED] wherever the key sits (a URL, the raw answer).
          expect(printed).not.toMatch(/password=(?!\[REDACTED\])/);
        }
        expect(text).toContain(`embed  default     https://player.liveapi.com/${name}`);
        // The key echoed in the stream's name, in every form (plain, URL-encoded, JSON-escaped, base64).
        const key = `${name}?password=${password}`;
        for (const echoed of [key, encodeURIComponent(key), Buffer.from(key).toString('base64')]) {
          const holder = { ...stream, name: `from ${echoed} on` };
          for (const printed of [describeStream(holder), JSON.stringify(streamJson(holder, true))])
            expect(leaked(printed, [key, password])).toBeUndefined();
        }
        expect(JSON.parse(json).ingest[0].streamKey).toBe('[REDACTED]');
        // --show-secrets prints the key as it is.
        expect(describeStream(stream, { showSecrets: true })).toContain(`${name}?password=${password}`);
      }),
      { numRuns: 50 },
    );
  });

  it('stays masked whole, beginning included, when no playback URL carries its name', () => {
    fc.assert(
      fc.property(hex(32), hex(8), (id, password) => {
        const name = `lv_${id}`;
        const stream = liveapiStream(name, password, 'user1');
        const hidden = {
          ...stream,
          playback: [{ protocol: 'embed', url: `https://player.example/${name.slice(0, 20)}` }],
        } as LiveStream;
        const printed = JSON.stringify(streamJson(hidden, true)) + describeStream(hidden);
        expect(printed).not.toContain(name.slice(0, 20));
        expect(printed).not.toContain(password);
      }),
      { numRuns: 30 },
    );
  });
});

describe("an RTMP playback URL's stream name (Wowza Video)", () => {
  const hex8 = fc.stringMatching(/^[0-9a-f]{8}$/);
  // As the Wowza Video adapter maps a stream: the ingest stream name is the key; the direct playback URLs
  // end in another name, the same in the RTMP, RTSP and WOWZ URLs.
  const wowzaStream = (key: string, play: string, password: string): LiveStream =>
    ({
      id: 'w1',
      provider: 'wowza-video',
      name: 'viewers',
      state: 'started',
      ingest: [
        {
          protocol: 'rtmp',
          server: 'rtmp://origin.example/app-ABCD1234',
          streamKey: key,
          username: 'client1',
          password,
          url: `rtmp://client1:${password}@origin.example/app-ABCD1234/${key}`,
        },
      ],
      playback: [
        { protocol: 'rtmp', url: `rtmp://edge.example/app-ABCD1234/${play}` },
        { protocol: 'rtsp', url: `rtsp://edge.example:1935/app-ABCD1234/${play}` },
        { protocol: 'wowz', url: `wowz://edge.example:1935/app-ABCD1234/${play}` },
      ],
    }) as unknown as LiveStream;

  it('is printed in the RTMP URL as in the others, while the ingest key and password stay masked', () => {
    fc.assert(
      fc.property(hex8, hex8, hex8, (key, play, password) => {
        fc.pre(new Set([key, play, password]).size === 3);
        const stream = wowzaStream(key, play, password);
        const text = describeStream(stream);
        const json = streamJson(stream, true) as { playback: { url: string }[] };
        for (const endpoint of stream.playback) expect(text).toContain(endpoint.url);
        expect(json.playback.map((endpoint) => endpoint.url)).toEqual(
          stream.playback.map((endpoint) => endpoint.url),
        );
        for (const printed of [text, JSON.stringify(json)])
          expect(leaked(printed, [key, password])).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it('stays masked when it is the stream key, or the URL carries a known secret', () => {
    fc.assert(
      fc.property(hex8, hex8, (key, password) => {
        fc.pre(key !== password);
        const stream = wowzaStream(key, key, password);
        const withPassword = {
          ...stream,
          playback: [{ protocol: 'rtmp', url: `rtmp://edge.example/app-ABCD1234/${key}?auth=${password}` }],
        } as LiveStream;
        for (const each of [stream, withPassword])
          for (const printed of [describeStream(each), JSON.stringify(streamJson(each, true))])
            expect(leaked(printed, [key, password])).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });
});
