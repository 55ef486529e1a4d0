import {
  type CreateLiveStreamInput,
  InvalidInputError,
  parseVendorTimestamp,
  type UpdateLiveStreamInput,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  toBroadcastLocation,
  toWowzaVideoCreateBody,
  toWowzaVideoUpdateBody,
} from './convert-to-wowza-video-live-stream.js';
import { wowzaVideoBroadcastLocations, wowzaVideoEncoders } from './wowza-video-api.js';
import { toWowzaVideoCountdownAt } from './wowza-video-options.js';

const options = (value: Record<string, unknown>) => ({ providerOptions: { 'wowza-video': value } });

function createError(input: unknown): InvalidInputError {
  try {
    toWowzaVideoCreateBody(input as CreateLiveStreamInput);
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected InvalidInputError');
}

function updateError(patch: unknown): InvalidInputError {
  try {
    toWowzaVideoUpdateBody(patch as UpdateLiveStreamInput);
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected InvalidInputError');
}

// A one-pixel PNG.
const png =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('toWowzaVideoCreateBody', () => {
  it('defaults to RTMP (other_rtmp) in us_west_california: the minimal documented body', () => {
    expect(toWowzaVideoCreateBody({ name: 'My Live Stream' })).toEqual({
      body: {
        live_stream: {
          name: 'My Live Stream',
          broadcast_location: 'us_west_california',
          encoder: 'other_rtmp',
        },
      },
      warnings: [],
    });
  });

  it('maps each supported ingest protocol to its generic encoder', () => {
    const encoders = (['rtmp', 'webrtc', 'srt', 'rtsp'] as const).map(
      (ingestProtocol) => toWowzaVideoCreateBody({ name: 'n', ingestProtocol }).body.live_stream.encoder,
    );
    expect(encoders).toEqual(['other_rtmp', 'other_webrtc', 'other_srt', 'other_rtsp']);
  });

  it.each(['rtmps', 'wowz'])('refuses ingestProtocol %s, naming the allowed values', (ingestProtocol) => {
    const error = createError({ name: 'n', ingestProtocol });
    expect(error.issues).toEqual([
      { path: 'ingestProtocol', message: 'expected one of rtmp, webrtc, srt, rtsp for Wowza Video' },
    ]);
    expect(error.provider).toBe('wowza-video');
    expect(error.operation).toBe('create');
  });

  it('accepts every one of the 15 broadcast locations as a region, as-is', () => {
    expect(wowzaVideoBroadcastLocations).toHaveLength(15);
    for (const region of wowzaVideoBroadcastLocations) {
      expect(toWowzaVideoCreateBody({ name: 'n', region }).body.live_stream.broadcast_location).toBe(region);
    }
  });

  it('refuses a region that is no region id as core does, as a client would before calling the adapter', () => {
    expect(createError({ name: 'n', region: 'us west' }).issues).toEqual([
      { path: 'region', message: 'expected a region id of letters, digits, "_" or "-"' },
    ]);
  });

  it.each(['EU_GERMANY', 'Us_West_California', 'eu_germany'])(
    'takes region %j in any case, sending the location as the vendor writes it',
    (region) => {
      expect(toWowzaVideoCreateBody({ name: 'n', region }).body.live_stream.broadcast_location).toBe(
        region.toLowerCase(),
      );
    },
  );

  it('refuses a region that folds to a location only through Unicode (the Kelvin sign, U+212A)', () => {
    expect(() =>
      toBroadcastLocation('asia_pacific_s_\u212Aorea', { operation: 'configure', path: 'defaultRegion' }),
    ).toThrow(/expected one of/);
  });

  it.each(['mars', 'us-west', 'US-WEST-CALIFORNIA'])('refuses region %j, listing the locations', (region) => {
    const error = createError({ name: 'n', region });
    expect(error.issues).toEqual([
      { path: 'region', message: `expected one of ${wowzaVideoBroadcastLocations.join(', ')}` },
    ]);
    expect(error.message).toContain('asia_pacific_australia');
    expect(error.message).toContain('us_west_oregon');
  });

  it('uses the default region given by the provider settings', () => {
    expect(
      toWowzaVideoCreateBody({ name: 'n' }, { region: 'eu_germany' }).body.live_stream.broadcast_location,
    ).toBe('eu_germany');
  });

  it('maps recording and lowLatency to recording and low_latency', () => {
    expect(toWowzaVideoCreateBody({ name: 'n', recording: true, lowLatency: true }).body.live_stream).toEqual(
      {
        name: 'n',
        broadcast_location: 'us_west_california',
        encoder: 'other_rtmp',
        recording: true,
        low_latency: true,
      },
    );
  });

  it('passes every documented create option through, unchanged', () => {
    const all = {
      encoder: 'other_rtmp',
      aspect_ratio_width: 1920,
      aspect_ratio_height: 1080,
      billing_mode: 'twentyfour_seven',
      transcoder_type: 'passthrough',
      closed_caption_type: 'cea',
      delivery_method: 'push',
      delivery_protocols: ['rtmp', 'webrtc'],
      description: 'Launch event',
      disable_authentication: false,
      username: 'client.2_x-y',
      password: '68332313',
      use_stream_source: false,
      target_delivery_protocol: 'hls-https',
      save_asset: false,
      vod_stream: true,
      reference_id: 'mySystemID_01!@#$%^&*()-_+=:;,.?~|',
      player_id: '2205b4e8-b160-43c2-868d-d88698a4e850',
      hosted_page: {
        enabled: true,
        title: 'Launch',
        description: 'Watch here',
        logo_image: png,
        sharing_icons: false,
      },
      security: {
        force_ssl_playback: true,
        geoblock_enabled: true,
        geoblock_by_location: 'allow',
        geoblock_country_codes: 'CA, DE',
        geoblock_ip_override: 'deny',
        geoblock_ip_addresses: '77.12.34.56, 2001:db8::1',
        token_auth_enabled: true,
        token_auth_shared_secret: '12345678ABCDEF',
        token_auth_playlist_only: false,
      },
      logo_image: png,
      logo_position: 'top-right',
      video_poster_image: png,
      width: 640,
      watermark: true,
      watermark_image: png,
      watermark_position: 'bottom-left',
      watermark_opacity: 75,
      watermark_width: 100,
      watermark_height: 80,
      countdown: true,
      countdown_at: '2024-02-01T00:00:00.000Z',
      countdown_timezone: 'America/New_York',
    };
    const { encoder, ...rest } = all;
    expect(toWowzaVideoCreateBody({ name: 'n', region: 'us_east_virginia', ...options(all) }).body).toEqual({
      live_stream: { name: 'n', broadcast_location: 'us_east_virginia', encoder, ...rest },
    });
  });

  it('lets providerOptions pick any of the 24 encoders when ingestProtocol is not given', () => {
    for (const encoder of wowzaVideoEncoders) {
      const extra = encoder === 'file' ? { source_url: 'https://example.com/movie.mp4' } : {};
      expect(
        toWowzaVideoCreateBody({ name: 'n', ...options({ encoder, ...extra }) }).body.live_stream.encoder,
      ).toBe(encoder);
    }
  });

  it('refuses an unknown encoder, listing the 24 encoders', () => {
    const error = createError({ name: 'n', ...options({ encoder: 'obs' }) });
    expect(error.issues).toEqual([
      {
        path: 'providerOptions.wowza-video.encoder',
        message: `expected one of ${wowzaVideoEncoders.join(', ')}`,
      },
    ]);
  });

  it('refuses an encoder that contradicts ingestProtocol', () => {
    expect(
      createError({ name: 'n', ingestProtocol: 'webrtc', ...options({ encoder: 'other_rtmp' }) }).issues,
    ).toEqual([
      {
        path: 'providerOptions.wowza-video.encoder',
        message: 'ingestProtocol webrtc selects encoder other_webrtc; pass either ingestProtocol or encoder',
      },
    ]);
    expect(
      toWowzaVideoCreateBody({ name: 'n', ingestProtocol: 'webrtc', ...options({ encoder: 'other_webrtc' }) })
        .body.live_stream.encoder,
    ).toBe('other_webrtc');
  });

  it('refuses unknown options, naming the allowed fields', () => {
    const error = createError({ name: 'n', ...options({ idle_timeout: 60 }) });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('providerOptions.wowza-video.idle_timeout');
    expect(error.issues[0]?.message).toMatch(
      /^unknown field; expected one of encoder, aspect_ratio_width, .*billing_mode, transcoder_type, hosted_page$/,
    );
  });

  it('refuses unknown nested options, naming the allowed nested fields', () => {
    const error = createError({
      name: 'n',
      ...options({ hosted_page: { url: 'https://x' }, security: { referer: 'x' } }),
    });
    expect(error.issues).toEqual([
      {
        path: 'providerOptions.wowza-video.hosted_page.url',
        message: 'unknown field; expected one of enabled, title, description, logo_image, sharing_icons',
      },
      {
        path: 'providerOptions.wowza-video.security.referer',
        message:
          'unknown field; expected one of force_ssl_playback, geoblock_enabled, geoblock_by_location, geoblock_country_codes, geoblock_ip_override, geoblock_ip_addresses, token_auth_enabled, token_auth_shared_secret, token_auth_playlist_only',
      },
    ]);
  });

  it('points fields the neutral input owns to their neutral names, and refuses the deprecated player', () => {
    const error = createError({
      name: 'n',
      ...options({
        name: 'x',
        broadcast_location: 'eu_germany',
        recording: true,
        low_latency: true,
        player: {},
      }),
    });
    expect(error.issues.map((issue) => [issue.path.split('.').at(-1), issue.message])).toEqual([
      ['name', 'not an option here: set it with the neutral `name`'],
      ['broadcast_location', 'not an option here: set it with the neutral `region`'],
      ['recording', 'not an option here: set it with the neutral `recording`'],
      ['low_latency', 'not an option here: set it with the neutral `lowLatency`'],
      [
        'player',
        'the `player` object is deprecated in API v2.0 and ignored by Wowza; pass `player_id` instead',
      ],
    ]);
  });

  it.each([
    [{ username: 'user name' }, 'username', 'expected only letters, digits, ".", "_" or "-"'],
    [{ password: 'pa$$word' }, 'password', 'expected only letters, digits, ".", "_" or "-"'],
    [{ reference_id: 'x'.repeat(71) }, 'reference_id', 'expected at most 70 characters'],
    [{ reference_id: 'has"quote' }, 'reference_id', 'expected only a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|'],
    [{ reference_id: 'has[bracket]' }, 'reference_id', 'expected only a-z A-Z 0-9 !@#$%^&*()-_+=:;,.?~|'],
    [{ billing_mode: 'monthly' }, 'billing_mode', 'expected one of pay_as_you_go, twentyfour_seven'],
    [{ transcoder_type: 'abr' }, 'transcoder_type', 'expected one of transcoded, passthrough'],
    [{ delivery_method: 'udp' }, 'delivery_method', 'expected one of pull, cdn, push'],
    [{ closed_caption_type: '608' }, 'closed_caption_type', 'expected one of none, cea, on_text, both'],
    [{ target_delivery_protocol: 'hls-hds' }, 'target_delivery_protocol', 'expected one of hls-https'],
    [
      { delivery_protocols: ['rtmp', 'srt'] },
      'delivery_protocols.1',
      'expected one of rtmp, rtsp, webrtc, wowz',
    ],
    [{ delivery_protocols: ['rtmp', 'rtmp'] }, 'delivery_protocols', 'expected no repeated protocol'],
    [{ watermark_opacity: 101 }, 'watermark_opacity', 'expected 0 to 100'],
    [{ watermark_opacity: 7.5 }, 'watermark_opacity', 'expected an integer'],
    [
      { watermark_position: 'center' },
      'watermark_position',
      'expected one of top-left, top-right, bottom-left, bottom-right',
    ],
    [{ aspect_ratio_width: 0 }, 'aspect_ratio_width', 'expected a positive integer'],
    [{ width: '640' }, 'width', 'expected a number'],
    [
      { watermark_image: 'not base64!' },
      'watermark_image',
      'expected a Base64-encoded GIF, JPEG or PNG image',
    ],
    [{ logo_image: 'A'.repeat(3_600_000) }, 'logo_image', 'expected an image of 2.5 MB or smaller'],
    [
      { countdown_at: '2024-02-01' },
      'countdown_at',
      'expected a date and time of day: YYYY-MM-DD HH:MM:SS (UTC, as the reference asks), another ISO 8601 date-time (UTC unless it has a zone), or a Date, falling in years 0000 to 9999 in UTC',
    ],
    [{ countdown_timezone: 'Mars/Olympus_Mons' }, 'countdown_timezone', undefined],
    [
      { security: { token_auth_shared_secret: 'abc' } },
      'security.token_auth_shared_secret',
      'expected an even number (2 to 32) of hexadecimal characters',
    ],
    [
      { security: { token_auth_shared_secret: 'a'.repeat(34) } },
      'security.token_auth_shared_secret',
      'expected an even number (2 to 32) of hexadecimal characters',
    ],
    [
      { security: { geoblock_country_codes: 'ca, de' } },
      'security.geoblock_country_codes',
      'expected comma-separated two-letter capitalized country codes',
    ],
    [
      { security: { geoblock_by_location: 'block' } },
      'security.geoblock_by_location',
      'expected one of allow, deny, disabled',
    ],
    [{ hosted_page: { title: '<b>Launch</b>' } }, 'hosted_page.title', 'expected no HTML or other tags'],
    [
      { source_url: 'rtsp://camera/live stream' },
      'source_url',
      'expected no whitespace or control characters',
    ],
  ])("refuses %j with Wowza's constraint", (value, path, message) => {
    const error = createError({ name: 'n', ...options(value) });
    expect(error.issues[0]?.path).toBe(`providerOptions.wowza-video.${path}`);
    if (message) expect(error.issues[0]?.message).toBe(message);
    else expect(error.issues[0]?.message).toContain('America/New_York');
  });

  it('never echoes a rejected password or secret', () => {
    const error = createError({
      name: 'n',
      ...options({ password: 'sup3r$ecret', security: { token_auth_shared_secret: 'zz-secret-zz' } }),
    });
    expect(JSON.stringify(error)).not.toContain('sup3r$ecret');
    expect(error.message).not.toContain('zz-secret-zz');
  });

  it.each([
    [{ delivery_method: 'pull' }, 'source_url', 'required when delivery_method is pull or encoder is file'],
    [{ encoder: 'file' }, 'source_url', 'required when delivery_method is pull or encoder is file'],
    [
      { encoder: 'other_srt', delivery_method: 'pull', source_url: 'srt://x' },
      'delivery_method',
      'expected push: SRT sources can only push',
    ],
    [{ countdown: true, countdown_timezone: 'Etc/UTC' }, 'countdown_at', 'required when countdown is true'],
    [
      { countdown: true, countdown_at: '2024-02-01T00:00:00.000Z' },
      'countdown_timezone',
      'required when countdown is true',
    ],
    [
      { security: { geoblock_by_location: 'deny' } },
      'security.geoblock_country_codes',
      'required when geoblock_by_location is allow or deny',
    ],
    [
      { security: { geoblock_ip_override: 'allow' } },
      'security.geoblock_ip_addresses',
      'required when geoblock_ip_override is allow or deny',
    ],
  ])("applies Wowza's cross-field rule for %j", (value, path, message) => {
    expect(createError({ name: 'n', ...options(value) }).issues).toEqual([
      { path: `providerOptions.wowza-video.${path}`, message },
    ]);
  });

  it('refuses passthrough in asia_pacific_singapore, where Wowza does not offer it', () => {
    expect(
      createError({
        name: 'n',
        region: 'asia_pacific_singapore',
        ...options({ transcoder_type: 'passthrough' }),
      }).issues,
    ).toEqual([
      {
        path: 'providerOptions.wowza-video.transcoder_type',
        message: 'passthrough is not available in asia_pacific_singapore',
      },
    ]);
  });

  it('refuses restream: stream targets are not managed by this adapter', () => {
    const error = createError({
      name: 'n',
      restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt-key-123456' }],
    });
    expect(error.issues[0]?.path).toBe('restream');
    expect(error.message).toContain('stream targets');
    expect(error.message).not.toContain('yt-key-123456');
    expect(toWowzaVideoCreateBody({ name: 'n', restream: [] }).body.live_stream).not.toHaveProperty(
      'restream',
    );
  });

  it('refuses a name over 200 characters and control characters (core rules)', () => {
    expect(createError({ name: 'x'.repeat(201) }).issues).toEqual([
      {
        path: 'name',
        message:
          'expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has 201',
      },
    ]);
    expect(toWowzaVideoCreateBody({ name: 'x'.repeat(200) }).body.live_stream.name).toHaveLength(200);
    expect(createError({ name: 'a\nb' }).issues[0]?.path).toBe('name');
  });

  it('warns that save_asset overrides recording', () => {
    expect(
      toWowzaVideoCreateBody({ name: 'n', recording: true, ...options({ save_asset: true }) }).warnings,
    ).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'recording',
        message:
          'Wowza Video sets recording to false when save_asset is true; the MP4 is saved as an asset in Asset Management instead',
      },
    ]);
  });

  it('ignores options meant for other providers', () => {
    expect(
      toWowzaVideoCreateBody({ name: 'n', providerOptions: { liveapi: { anything: true } } }).body
        .live_stream,
    ).toEqual({ name: 'n', broadcast_location: 'us_west_california', encoder: 'other_rtmp' });
  });
});

describe('toWowzaVideoUpdateBody', () => {
  it('maps name and recording, and passes updatable options through', () => {
    expect(
      toWowzaVideoUpdateBody({
        name: 'My Updated Live Stream',
        recording: true,
        ...options({
          description: 'This is my first live stream.',
          encoder: 'other_webrtc',
          remove_logo_image: true,
          remove_video_poster_image: true,
          hosted_page: { remove_logo_image: true, title: 'New' },
        }),
      }).body,
    ).toEqual({
      live_stream: {
        name: 'My Updated Live Stream',
        recording: true,
        description: 'This is my first live stream.',
        encoder: 'other_webrtc',
        remove_logo_image: true,
        remove_video_poster_image: true,
        hosted_page: { remove_logo_image: true, title: 'New' },
      },
    });
  });

  it('refuses a region that is no broadcast location, as create does, and warns for one that is', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...wowzaVideoBroadcastLocations),
          fc.string({ minLength: 1, maxLength: 30 }),
          fc.constantFrom('moon', 'EU_GERMANY', 'eu-germany', ' eu_germany'),
        ),
        (region) => {
          const known = (wowzaVideoBroadcastLocations as readonly string[]).includes(region.toLowerCase());
          if (known) {
            expect(toWowzaVideoUpdateBody({ region }).warnings.map((warning) => warning.setting)).toEqual([
              'region',
            ]);
            return;
          }
          const update = updateError({ region });
          const create = createError({ name: 'n', region });
          // One answer to one value, whichever call carries it.
          expect(update.issues).toEqual(create.issues);
          expect(update.operation).toBe('update');
          expect(update.delivery).toBe('not-sent');
        },
      ),
    );
  });

  it("keeps the stream's region and latency with a warning (create-only), and refuses restream", () => {
    const converted = toWowzaVideoUpdateBody({ name: 'n', region: 'eu_germany', lowLatency: true });
    expect(converted.body).toEqual({ live_stream: { name: 'n' } });
    expect(converted.warnings).toEqual([
      {
        type: 'unsupported-setting',
        setting: 'region',
        message:
          'Wowza Video sets broadcast_location only when a live stream is created; the stream keeps its location',
      },
      {
        type: 'unsupported-setting',
        setting: 'lowLatency',
        message:
          'Wowza Video sets low_latency only when a live stream is created; the stream keeps its latency',
      },
    ]);
    expect(
      updateError({
        region: 'eu_germany',
        restream: [{ url: 'rtmp://a.example.com/live', streamKey: 'key-1234' }],
      }).issues,
    ).toEqual([{ path: 'restream', message: expect.stringMatching(/^Wowza Video sends a live stream/) }]);
  });

  it('refuses the create-only options', () => {
    expect(
      updateError(
        options({
          billing_mode: 'pay_as_you_go',
          transcoder_type: 'transcoded',
          broadcast_location: 'eu_germany',
          low_latency: true,
        }),
      ).issues,
    ).toEqual([
      {
        path: 'providerOptions.wowza-video.billing_mode',
        message: 'can only be set when the live stream is created',
      },
      {
        path: 'providerOptions.wowza-video.transcoder_type',
        message: 'can only be set when the live stream is created',
      },
      {
        path: 'providerOptions.wowza-video.broadcast_location',
        message: 'can only be set when the live stream is created (neutral `region`)',
      },
      {
        path: 'providerOptions.wowza-video.low_latency',
        message: 'can only be set when the live stream is created (neutral `lowLatency`)',
      },
    ]);
  });

  it('refuses an empty patch and a name over 200 characters', () => {
    expect(updateError({}).issues[0]?.message).toBe('expected at least one field to change');
    expect(updateError({ name: 'x'.repeat(201) }).issues).toEqual([
      {
        path: 'name',
        message:
          'expected at most 200 code points (an emoji of one code point counts 1, a flag 2, a family emoji up to 7); this name has 201',
      },
    ]);
  });

  it('does not apply create-time cross-field rules to a partial patch', () => {
    expect(toWowzaVideoUpdateBody(options({ countdown: true })).body).toEqual({
      live_stream: { countdown: true },
    });
  });
});

// Wowza's reference: "Specify YYYY-MM-DD HH:MM:SS" (live_stream_create_input / _update_input countdown_at), while
// the schema says format: date-time and every example is ISO 8601 with Z ("2024-02-01T00:00:00.000Z").
describe('countdown_at', () => {
  const sent = (countdown_at: unknown, operation: 'create' | 'update' = 'create') =>
    (operation === 'create'
      ? toWowzaVideoCreateBody({ name: 'n', ...options({ countdown_at }) })
      : toWowzaVideoUpdateBody(options({ countdown_at }))
    ).body.live_stream.countdown_at;
  const instants = fc.date({
    min: new Date('0000-01-01T00:00:00.000Z'),
    max: new Date('9999-12-31T23:59:59.999Z'),
    noInvalidDate: true,
  });
  const offsets = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
  /** `date` as wall-clock digits at `offsetMinutes` from UTC, with the offset as `+HH:MM` (or `+HHMM`). */
  const atOffset = (date: Date, offsetMinutes: number, compact = false) => {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
    const wall = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
    return { wall, zone: compact ? `${sign}${hours}${minutes}` : `${sign}${hours}:${minutes}` };
  };
  // Whether the wall-clock digits at that offset still have a four-digit year.
  const firstInstant = new Date('0000-01-01T00:00:00.000Z').getTime();
  const lastInstant = new Date('9999-12-31T23:59:59.999Z').getTime();
  const fits = (date: Date, offsetMinutes: number) => {
    const shifted = date.getTime() + offsetMinutes * 60_000;
    return shifted >= firstInstant && shifted <= lastInstant;
  };

  // Every form Wowza documents (the reference's YYYY-MM-DD HH:MM:SS, the examples' UTC date-time, the schema's
  // RFC 3339 date-time) is read by core's parseVendorTimestamp, and what is sent denotes that same instant.
  const documented = fc.oneof(
    instants.map((date) => {
      const iso = date.toISOString();
      return { typed: `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, sent: `${iso.slice(0, 19)}.000Z` };
    }),
    instants.map((date) => ({ typed: date.toISOString(), sent: date.toISOString() })),
    fc
      .tuple(instants, offsets, fc.constantFrom(0, 1, 3, 6, 9))
      .filter(([date, offset]) => fits(date, offset))
      .map(([date, offset, digits]) => {
        const { wall, zone } = atOffset(date, offset);
        const fraction = digits === 0 ? '' : `.${`${wall.slice(20, 23)}000000`.slice(0, digits)}`;
        const typed = `${wall.slice(0, 19)}${fraction}${zone}`;
        return { typed, sent: typed };
      }),
  );

  it('takes every form Wowza documents, read by the one date reader, and sends what the schema takes', () => {
    fc.assert(
      fc.property(
        documented,
        fc.constantFrom('create', 'update') as fc.Arbitrary<'create' | 'update'>,
        ({ typed, sent: expected }, operation) => {
          expect(sent(typed, operation)).toBe(expected);
          expect(toWowzaVideoCountdownAt(typed)).toBe(expected);
          // The same instant core reads from what the caller typed, and from what Wowza receives.
          expect(parseVendorTimestamp(expected)?.getTime()).toBe(parseVendorTimestamp(typed)?.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sends a Date, and any other ISO 8601 date-time core reads, as the same instant in UTC', () => {
    fc.assert(
      fc.property(instants, offsets, (date, offset) => {
        const iso = date.toISOString();
        expect(sent(date)).toBe(iso);
        // Zone-less forms are UTC, as the reference form is.
        expect(sent(iso.slice(0, 19))).toBe(`${iso.slice(0, 19)}.000Z`);
        expect(sent(`${iso.slice(0, 10)} ${iso.slice(11, 16)}`)).toBe(`${iso.slice(0, 16)}:00.000Z`);
        expect(sent(`${iso.slice(0, 19)} UTC`)).toBe(`${iso.slice(0, 19)}.000Z`);
        if (fits(date, offset)) {
          const { wall, zone } = atOffset(date, offset, true);
          const typed = `${wall.replace('T', ' ')}${zone}`;
          expect(sent(typed)).toBe(iso);
          expect(sent(typed)).toBe(parseVendorTimestamp(typed)?.toISOString());
        }
      }),
    );
  });

  // An RFC 3339 date-time has a four-digit year: an instant whose UTC form falls outside years 0000 to 9999 (any
  // Date, or wall-clock digits of year 0000 or 9999 at an offset) is refused, never sent with a six-digit year.
  it('sends only RFC 3339 date-times denoting the instant given, and refuses an instant no four-digit year can write', () => {
    const anyDate = fc.date({ noInvalidDate: true });
    const edgeWall = fc
      .tuple(
        fc.constantFrom('0000-01-01', '9999-12-31'),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        offsets,
        fc.constantFrom('T', ' '),
        fc.boolean(),
      )
      .map(([day, hour, minute, offset, separator, compact]) => {
        const { zone } = atOffset(new Date(0), offset, compact);
        return `${day}${separator}${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00${zone}`;
      });
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
    fc.assert(
      fc.property(fc.oneof(anyDate, edgeWall), (value) => {
        const instant = value instanceof Date ? value.getTime() : parseVendorTimestamp(value)?.getTime();
        const writable = instant !== undefined && instant >= firstInstant && instant <= lastInstant;
        const result = toWowzaVideoCountdownAt(value);
        if (!writable && !(typeof value === 'string' && rfc3339.test(value))) {
          expect(result).toBeUndefined();
          expect(
            createError({ name: 'n', ...options({ countdown_at: value }) }).issues.map((issue) => issue.path),
          ).toEqual(['providerOptions.wowza-video.countdown_at']);
          return;
        }
        expect(result).toMatch(rfc3339);
        expect(parseVendorTimestamp(result as string)?.getTime()).toBe(instant);
        expect(sent(value)).toBe(result);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a date without a time of day, a date that does not exist and what is no ISO 8601 date-time, before any request', () => {
    const refused = fc.oneof(
      // 30 and 31 February, 29 February of a common year, 31 April, hour 24, minute 60.
      fc.constantFrom(
        '2024-02-30 10:00:00',
        '2023-02-29 10:00:00',
        '2024-04-31 00:00:00',
        '2024-02-01 24:00:00',
        '2024-02-01T10:60:00Z',
      ),
      // The date alone, with or without a zone: the reference asks for the time of day.
      instants.map((date) => date.toISOString().slice(0, 10)),
      instants.map((date) => `${date.toISOString().slice(0, 10)}Z`),
      // The reference's prose example, with a colon before the milliseconds.
      fc.constantFrom(
        '2024-12-15T17:00:00:000Z',
        'tomorrow',
        '',
        '2024-12-15 17:00:00 EST',
        '15/12/2024 17:00',
      ),
    );
    fc.assert(
      fc.property(refused, (value) => {
        expect(toWowzaVideoCountdownAt(value)).toBeUndefined();
        const error = createError({ name: 'n', ...options({ countdown_at: value }) });
        expect(error.issues).toEqual([
          {
            path: 'providerOptions.wowza-video.countdown_at',
            message:
              'expected a date and time of day: YYYY-MM-DD HH:MM:SS (UTC, as the reference asks), another ISO 8601 date-time (UTC unless it has a zone), or a Date, falling in years 0000 to 9999 in UTC',
          },
        ]);
      }),
    );
  });
});
