import { readFileSync } from 'node:fs';
import { SecretSet } from '@unilive/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  mapWowzaRealtimeState,
  mapWowzaRealtimeStream,
  splitRtmpUrl,
  webRtcUri,
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
  const secrets = new SecretSet();
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

describe('webRtcUri', () => {
  it('is an opaque URI that gives the stream name back', () => {
    const uri = webRtcUri('8d304b93f1684320a54f2798666eeca7');
    expect(uri).toBe('webrtc:8d304b93f1684320a54f2798666eeca7');
    expect(new URL(uri).protocol).toBe('webrtc:');
    expect(new URL(uri).pathname).toBe('8d304b93f1684320a54f2798666eeca7');
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
          protocol: 'webrtc',
          url: 'webrtc:8d304b93f1684320a54f2798666eeca7',
          streamName: '8d304b93f1684320a54f2798666eeca7',
          token: '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
        },
        {
          protocol: 'rtmp',
          url: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
          server: 'rtmp://rtmp-realtime1.wowza.com:1935/v2/pub',
          streamKey:
            '8d304b93f1684320a54f2798666eeca7?token=97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
        },
      ],
      playback: [
        { protocol: 'webrtc', url: 'webrtc:8d304b93f1684320a54f2798666eeca7' },
        { protocol: 'embed', url: 'https://embed.flowplayer.com/hosted/default/e8dk5bf6' },
      ],
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

  it('maps the tutorial answer: active is ready, the subscribe token goes to playback, the placeholder RTMP URL is left out', () => {
    const { stream, secrets } = mapPayload('real_time_stream.create.response.tutorial.json');
    expect(stream.state).toBe('ready');
    expect(stream.ingest).toEqual([
      {
        protocol: 'webrtc',
        url: 'webrtc:8d304b93f1684320a54f2798666eeca7',
        streamName: '8d304b93f1684320a54f2798666eeca7',
        token: '97e52731bc21ef66e4c05a8ee1e28b64bf5f9db728573d94e690277cea9215bc',
      },
    ]);
    expect(stream.playback).toEqual([
      {
        protocol: 'webrtc',
        url: 'webrtc:8d304b93f1684320a54f2798666eeca7',
        token: '50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d',
      },
    ]);
    expect(secrets.values()).toContain('50e161bfa42fbd581a0dfe5f632596b86c2c577a56bd439b38f8c904aabad04d');
  });

  it('maps the v1.9 example (state active, region emea) without failing', () => {
    const { stream } = mapPayload('real_time_stream.fetch.response.v1.9.json');
    expect(stream.state).toBe('ready');
    expect(stream.recording).toBe(true);
    expect((stream.raw as { region: string }).region).toBe('emea');
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
