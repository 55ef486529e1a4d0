import { readFileSync } from 'node:fs';
import { isEndpointUrl, SecretSet as Secrets } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  mapWowzaRealtimeState,
  mapWowzaRealtimeStream,
  readWowzaRealtimeExpiresOn,
  splitRtmpUrl,
  wowzaRealtimeDetailsOf,
} from './map-wowza-realtime-stream.js';
import { wowzaRealtimeListItemSchema, wowzaRealtimeStreamEnvelopeSchema } from './wowza-realtime-api.js';

// The vendor's example payloads as the sources print them, copied unchanged into vendor-examples/.
const vendorPayload = (name: string): unknown =>
  JSON.parse(
    readFileSync(
      new URL(`../../../test-fixtures/wowza-realtime/vendor-examples/${name}`, import.meta.url),
      'utf8',
    ),
  );

function mapPayload(name: string) {
  const body = vendorPayload(name);
  const parsed = v.parse(wowzaRealtimeStreamEnvelopeSchema, body);
  const secrets = new Secrets();
  const stream = mapWowzaRealtimeStream(
    parsed.real_time_stream,
    (body as { real_time_stream: unknown }).real_time_stream,
    secrets,
  );
  return { stream, secrets };
}

describe('mapWowzaRealtimeState', () => {
  it.each([
    ['started', 'ready'],
    ['active', 'ready'],
    ['stopped', 'stopped'],
    ['disabled', 'disabled'],
    ['archived', 'disabled'],
    ['other', 'unknown'],
  ] as const)('%s → %s', (vendor, neutral) => {
    expect(mapWowzaRealtimeState(vendor)).toBe(neutral);
  });
});

describe('splitRtmpUrl', () => {
  it('splits the vendor example into the server and key encoders ask for', () => {
    expect(
      splitRtmpUrl(
        'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
      ),
    ).toEqual({
      server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
      streamKey:
        '8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
    });
  });

  it.each([
    [
      'the tutorial placeholder template',
      'rtmp://[primary_server]:[host_port]/[sub-domain]/[stream_name]?[token]',
    ],
    ['a URL without a key segment', 'rtmp://rtmp-realtime1.wowza.com:1935?token=abc'],
    ['a URL ending in a slash', 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/'],
    ['another scheme', 'https://rtmp-realtime1.wowza.com/v2/pub/abc?token=def'],
    ['not a URL', 'rtmp-realtime1.wowza.com/v2/pub/abc'],
  ])('returns undefined for %s', (_, url) => {
    expect(splitRtmpUrl(url)).toBeUndefined();
  });
});

describe('mapWowzaRealtimeStream on the vendor examples', () => {
  it('maps the v2.0 fetch example', () => {
    const { stream, secrets } = mapPayload('real_time_stream.fetch.response.json');
    expect(stream).toEqual({
      id: '2adffc17',
      provider: 'wowza-realtime',
      name: 'MyRealTimeStream',
      state: 'ready',
      ingest: [
        {
          protocol: 'rtmp',
          url: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
          server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
          streamKey:
            '8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
        },
      ],
      playback: [{ protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/e8dk5bf6' }],
      providerDetails: {
        'wowza-realtime': {
          sdk: {
            streamName: '8d304b93f1684320a54f2798666eeca7',
            publishToken: '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
          },
        },
      },
      recording: true,
      createdAt: new Date('2021-06-30T18:02:20.000Z'),
      updatedAt: new Date('2021-06-30T20:03:16.000Z'),
      raw: (vendorPayload('real_time_stream.fetch.response.json') as { real_time_stream: unknown })
        .real_time_stream,
    });
    expect(secrets.values()).toEqual([
      '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
      'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
      '8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
    ]);
  });

  it('maps the tutorial answer: active is ready, the subscribe token goes to the SDK credentials, the placeholder RTMP URL is left out with a warning', () => {
    const { stream, secrets } = mapPayload('real_time_stream.create.response.tutorial.json');
    expect(stream.state).toBe('ready');
    expect(stream.ingest).toEqual([]);
    expect(stream.playback).toEqual([]);
    expect(stream.warnings).toEqual([
      {
        type: 'incomplete-answer',
        message:
          "no ingest endpoint: Wowza Real-Time's answer has no RTMP URL (rtmp_url); publish over WebRTC with Wowza's SDK or OBS build using providerDetails['wowza-realtime'].sdk (streamName, publishToken)",
      },
    ]);
    expect(wowzaRealtimeDetailsOf(stream)).toEqual({
      sdk: {
        streamName: '8d304b93f1684320a54f2798666eeca7',
        publishToken: '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
        subscribeToken: '50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d',
      },
    });
    expect(secrets.values()).toContain('50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d');
  });

  it('maps the v1.9 example (state active, region emea) without failing', () => {
    const { stream } = mapPayload('real_time_stream.fetch.response.v1.9.json');
    expect(stream.state).toBe('ready');
    expect(stream.recording).toBe(true);
    expect((stream.raw as { region: string }).region).toBe('emea');
  });
});

// Every endpoint URL works in the tool its protocol names: no `webrtc:<name>` identifier poses as a URL.
describe('endpoints', () => {
  const hex = (length: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
  const vendorStream = fc.record({
    id: fc.constant('2adffc17'),
    name: fc.constant('n'),
    stream_name: hex(32),
    token: hex(64),
    subscribe_token: fc.option(hex(64), { nil: undefined }),
    enable_secure_viewer: fc.boolean(),
    with_rtmp: fc.boolean(),
    with_page: fc.boolean(),
  });

  it('are only RTMP ingest and the hosted page; the SDK credentials carry the WebRTC stream name and tokens', () => {
    fc.assert(
      fc.property(vendorStream, ({ with_rtmp, with_page, ...fields }) => {
        const body = {
          ...fields,
          ...(with_rtmp
            ? {
                rtmp_url: `rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/${fields.stream_name}?token=${fields.token}`,
              }
            : {}),
          ...(with_page
            ? { hosted_page: { url: 'https://embed.flowplayer.com/hosted/default/e8dk5bf6' } }
            : {}),
        };
        const stream = mapWowzaRealtimeStream(
          v.parse(wowzaRealtimeStreamEnvelopeSchema, { real_time_stream: body }).real_time_stream,
          body,
          new Secrets(),
        );
        for (const endpoint of [...stream.ingest, ...stream.playback]) {
          expect(isEndpointUrl(endpoint.protocol, endpoint.url), endpoint.url).toBe(true);
        }
        expect(stream.ingest.map((endpoint) => endpoint.protocol)).toEqual(with_rtmp ? ['rtmp'] : []);
        expect(stream.playback.map((endpoint) => endpoint.protocol)).toEqual(with_page ? ['embed'] : []);
        expect(stream.warnings?.map((warning) => warning.type)).toEqual(
          with_rtmp ? undefined : ['incomplete-answer'],
        );
        expect(wowzaRealtimeDetailsOf(stream)?.sdk).toEqual({
          streamName: fields.stream_name,
          publishToken: fields.token,
          ...(fields.subscribe_token === undefined ? {} : { subscribeToken: fields.subscribe_token }),
        });
      }),
    );
  });
});

describe('expires_on', () => {
  it("is the subscribe token's expiry, read as UTC in every form Wowza documents", () => {
    const instants = fc.date({
      min: new Date('2000-01-01T00:00:00.000Z'),
      max: new Date('2099-12-31T23:59:59.000Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, (date) => {
        const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
        const vendor = `${seconds.toISOString().slice(0, 10)} ${seconds.toISOString().slice(11, 19)}`;
        expect(readWowzaRealtimeExpiresOn(`${vendor} UTC`)).toEqual(seconds);
        expect(readWowzaRealtimeExpiresOn(vendor)).toEqual(seconds);
        expect(readWowzaRealtimeExpiresOn(seconds.toISOString())).toEqual(seconds);
        // "If you don't specify HH:MM:SS, the token expires at 12AM UTC on the specified day."
        expect(readWowzaRealtimeExpiresOn(vendor.slice(0, 10))).toEqual(
          new Date(`${vendor.slice(0, 10)}T00:00:00.000Z`),
        );
        // ISO 8601 without a zone is UTC too, and milliseconds are kept, as for every vendor date.
        expect(readWowzaRealtimeExpiresOn(date.toISOString().slice(0, -1))).toEqual(date);
        expect(readWowzaRealtimeExpiresOn(date.toISOString())).toEqual(date);
        expect(readWowzaRealtimeExpiresOn(Math.floor(date.getTime() / 1000))).toEqual(seconds);
      }),
    );
  });

  it('surfaces in the SDK credentials, and stays in raw only when unreadable', () => {
    const body = {
      id: '2adffc17',
      name: 'n',
      stream_name: '8d304b93f1684320a54f2798666eeca7',
      token: '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
      subscribe_token: '50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d',
      enable_secure_viewer: true,
      expires_on: '2021-10-27 23:08:55 UTC',
    };
    const map = (fields: Record<string, unknown>) =>
      mapWowzaRealtimeStream(
        v.parse(wowzaRealtimeStreamEnvelopeSchema, { real_time_stream: fields }).real_time_stream,
        fields,
        new Secrets(),
      );
    expect(wowzaRealtimeDetailsOf(map(body))?.sdk.subscribeTokenExpiresAt).toEqual(
      new Date('2021-10-27T23:08:55.000Z'),
    );
    expect(wowzaRealtimeDetailsOf(map({ ...body, expires_on: 'soon' }))?.sdk).not.toHaveProperty(
      'subscribeTokenExpiresAt',
    );
  });
});

// Found by the reliability suite's drift tests: an empty id made a stream no later call could address.
describe('drifted payloads', () => {
  it('refuses an id no call could use', () => {
    for (const id of ['', 'a/b', '..', '.']) {
      const body = { real_time_stream: { id, name: 'x', stream_name: 'abc' } };
      expect(v.safeParse(wowzaRealtimeStreamEnvelopeSchema, body).success, id).toBe(false);
      expect(v.safeParse(wowzaRealtimeListItemSchema, { id }).success, id).toBe(false);
    }
  });
});

describe('dates', () => {
  it('reads dates without a zone as UTC, whatever the host zone', () => {
    const body = {
      real_time_stream: {
        id: 'abc12345',
        name: 'x',
        stream_name: 'abc',
        token: 'publish-token-0123',
        created_at: '2020-01-29 17:16:21',
        updated_at: '2020-01-29T17:16:21',
      },
    };
    const parsed = v.parse(wowzaRealtimeStreamEnvelopeSchema, body);
    const stream = mapWowzaRealtimeStream(parsed.real_time_stream, body.real_time_stream, new Secrets());
    expect(stream.createdAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
    expect(stream.updatedAt?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
  });
});

describe('the whole stream', () => {
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
  const nullable = <T>(arbitrary: fc.Arbitrary<T>) =>
    fc.option(fc.oneof(arbitrary, fc.constant(null)), { nil: undefined });
  const answer = fc.record({
    stream_name: hex(32),
    token: hex(64),
    subscribe_token: nullable(hex(40)),
    with_rtmp: fc.boolean(),
    expires_on: nullable(fc.constantFrom('2030-01-02 03:04:05', '2030-01-02', 'not a date')),
    state: nullable(fc.constantFrom('started', 'active', 'stopped', 'disabled', 'archived', 'paused')),
    recording: nullable(fc.boolean()),
    hosted_page: nullable(
      fc.record({ url: nullable(fc.constantFrom('https://embed.flowplayer.com/hosted/a', 'javascript:x')) }),
    ),
    created_at: nullable(fc.constantFrom('2020-01-29T17:16:21.849Z', '2020-01-29 17:16:21')),
    updated_at: nullable(fc.constantFrom('2020-01-29T17:16:21.849Z', 17e8)),
    warnings: fc.array(fc.constant({ type: 'other' as const, message: 'given' }), { maxLength: 2 }),
  });
  const states = {
    started: 'ready',
    active: 'ready',
    stopped: 'stopped',
    disabled: 'disabled',
    archived: 'disabled',
  };
  const dates: Record<string, string> = {
    '2030-01-02 03:04:05': '2030-01-02T03:04:05.000Z',
    '2030-01-02': '2030-01-02T00:00:00.000Z',
    '2020-01-29T17:16:21.849Z': '2020-01-29T17:16:21.849Z',
    '2020-01-29 17:16:21': '2020-01-29T17:16:21.000Z',
    '1700000000': '2023-11-14T22:13:20.000Z',
  };
  const date = (value: unknown) => {
    const iso = dates[String(value)];
    return iso === undefined ? undefined : new Date(iso);
  };

  it('is every field the answer has, in one order, with nothing for what it lacks and raw as sent', () => {
    fc.assert(
      fc.property(answer, ({ with_rtmp, warnings, ...fields }) => {
        const key = `${fields.stream_name}?token=${fields.token}`;
        const rtmpUrl = `rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/${key}`;
        const body = {
          id: 'abc12345',
          name: 'auction',
          ...fields,
          ...(with_rtmp ? { rtmp_url: rtmpUrl } : {}),
        };
        const secrets = new Secrets();
        const stream = mapWowzaRealtimeStream(
          v.parse(wowzaRealtimeStreamEnvelopeSchema, { real_time_stream: body }).real_time_stream,
          body,
          secrets,
          warnings,
        );
        const subscribeToken = fields.subscribe_token ?? undefined;
        const expiresAt = date(fields.expires_on);
        const createdAt = date(fields.created_at);
        const updatedAt = date(fields.updated_at);
        const page = fields.hosted_page?.url ?? undefined;
        const expected = {
          id: 'abc12345',
          provider: 'wowza-realtime',
          name: 'auction',
          state: states[fields.state as keyof typeof states] ?? 'unknown',
          ingest: with_rtmp
            ? [
                {
                  protocol: 'rtmp',
                  url: rtmpUrl,
                  server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
                  streamKey: key,
                },
              ]
            : [],
          playback: page?.startsWith('https://') ? [{ protocol: 'embed', url: page }] : [],
          ...(typeof fields.recording === 'boolean' ? { recording: fields.recording } : {}),
          ...(createdAt ? { createdAt } : {}),
          ...(updatedAt ? { updatedAt } : {}),
          ...(with_rtmp
            ? warnings.length > 0
              ? { warnings }
              : {}
            : { warnings: [...warnings, { type: 'incomplete-answer', message: expect.any(String) }] }),
          providerDetails: {
            'wowza-realtime': {
              sdk: {
                streamName: fields.stream_name,
                publishToken: fields.token,
                ...(subscribeToken === undefined ? {} : { subscribeToken }),
                ...(expiresAt === undefined ? {} : { subscribeTokenExpiresAt: expiresAt }),
              },
            },
          },
          raw: body,
        };
        expect(stream).toStrictEqual(expected);
        expect(Object.keys(stream)).toEqual(Object.keys(expected));
        expect(Object.keys(wowzaRealtimeDetailsOf(stream)?.sdk ?? {})).toEqual(
          Object.keys(expected.providerDetails['wowza-realtime'].sdk),
        );
        // The warnings given are copied, never handed out for a caller to change.
        if (stream.warnings !== undefined) expect(stream.warnings).not.toBe(warnings);
        // Every credential the answer carries is a secret from then on.
        for (const secret of [fields.token, subscribeToken, with_rtmp ? key : undefined])
          if (secret !== undefined) expect(secrets.redact(`x ${secret} y`)).toBe('x [REDACTED] y');
        expect(stream.raw).toBe(body);
      }),
      { numRuns: 300 },
    );
  });
});
