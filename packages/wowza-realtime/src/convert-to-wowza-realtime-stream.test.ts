import { describe, expect, it } from 'vitest';
import {
  convertToWowzaRealtimeCreate,
  convertToWowzaRealtimeUpdate,
  toWowzaRealtimeExpiresOn,
} from './convert-to-wowza-realtime-stream.js';

describe('toWowzaRealtimeExpiresOn', () => {
  it.each([
    [new Date('2030-05-06T07:08:09.999Z'), '2030-05-06 07:08:09 UTC'],
    ['2030-05-06T07:08:09Z', '2030-05-06 07:08:09 UTC'],
    ['2030-05-06T07:08:09.123z', '2030-05-06 07:08:09 UTC'],
    ['2030-05-06T07:08Z', '2030-05-06 07:08:00 UTC'],
    ['2030-05-06T01:08:09-06:00', '2030-05-06 07:08:09 UTC'],
    ['2030-05-06T23:30:00+05:30', '2030-05-06 18:00:00 UTC'],
    ['2030-05-06', '2030-05-06 00:00:00 UTC'],
    ['2030-05-06 07:08:09 UTC', '2030-05-06 07:08:09 UTC'],
    ['2030-05-06 07:08:09', '2030-05-06 07:08:09 UTC'],
  ])('converts %s', (input, expected) => {
    expect(toWowzaRealtimeExpiresOn(input)).toBe(expected);
  });

  it.each([
    ['a date-time without a zone', '2030-05-06T07:08:09'],
    ['a rolled-over calendar date', '2030-02-31'],
    ['a rolled-over ISO date-time', '2030-02-30T10:00:00Z'],
    ['an impossible hour', '2030-05-06 25:00:00 UTC'],
    ['free text', 'next tuesday'],
    ['an invalid Date', new Date('nope')],
  ])('refuses %s', (_, input) => {
    expect(toWowzaRealtimeExpiresOn(input)).toBeUndefined();
  });
});

describe('convertToWowzaRealtimeCreate', () => {
  it('sends only what the caller set, with the region lower-cased', () => {
    expect(convertToWowzaRealtimeCreate({ name: 'n', region: 'AUTO', recording: false })).toEqual({
      body: { real_time_stream: { name: 'n', region: 'auto', recording: false } },
      warnings: [],
    });
  });

  it('accepts both publishing protocols and an empty restream list', () => {
    for (const ingestProtocol of ['webrtc', 'rtmp'] as const) {
      expect(convertToWowzaRealtimeCreate({ name: 'n', ingestProtocol, restream: [] }).body).toEqual({
        real_time_stream: { name: 'n' },
      });
    }
  });

  it('reports every problem of the neutral input at once', () => {
    expect(() =>
      convertToWowzaRealtimeCreate({
        name: 'n',
        ingestProtocol: 'rtsp',
        region: 'americas',
        restream: [{ url: 'rtmp://a/b', streamKey: 'k' }],
      }),
    ).toThrow(
      'Invalid input for create: ingestProtocol: Wowza Real-Time streams take webrtc and rtmp publishers only (expected one of webrtc, rtmp); restream: Wowza Real-Time Streaming at Scale cannot forward a stream to other destinations; region: expected one of phoenix, amsterdam, singapore, bangalore, auto (API v2.0 no longer takes "americas"; its nearest region is "phoenix")',
    );
  });

  it('validates option types and ranges', () => {
    expect(() =>
      convertToWowzaRealtimeCreate({
        name: 'n',
        providerOptions: {
          'wowza-realtime': { width: 12.5, logo_position: 'middle', enable_secure_viewer: 'yes' },
        },
      }),
    ).toThrow(
      'Invalid input for create: providerOptions.wowza-realtime.enable_secure_viewer: expected a boolean; providerOptions.wowza-realtime.logo_position: expected one of top-left, top-right, bottom-left, bottom-right; providerOptions.wowza-realtime.width: expected an integer',
    );
    expect(() =>
      convertToWowzaRealtimeCreate({
        name: 'n',
        providerOptions: { 'wowza-realtime': { reference_id: 'x'.repeat(71) } },
      }),
    ).toThrow('providerOptions.wowza-realtime.reference_id: expected at most 70 characters');
  });
});

describe('convertToWowzaRealtimeUpdate', () => {
  it('keeps the name apart, since the adapter must always send one', () => {
    expect(
      convertToWowzaRealtimeUpdate({
        name: 'renamed',
        region: 'singapore',
        lowLatency: true,
        providerOptions: { 'wowza-realtime': { description: 'd', enable_secure_viewer: false } },
      }),
    ).toEqual({
      name: 'renamed',
      fields: { region: 'singapore', description: 'd', enable_secure_viewer: false },
      warnings: [],
    });
  });

  it('refuses disable_vod_encoder, which only create takes', () => {
    expect(() =>
      convertToWowzaRealtimeUpdate({ providerOptions: { 'wowza-realtime': { disable_vod_encoder: true } } }),
    ).toThrow(
      'providerOptions.wowza-realtime.disable_vod_encoder: disable_vod_encoder can only be set when the stream is created (the vendor cannot change it later)',
    );
  });

  it('requires an expiry when secure viewing is switched on', () => {
    expect(() =>
      convertToWowzaRealtimeUpdate({ providerOptions: { 'wowza-realtime': { enable_secure_viewer: true } } }),
    ).toThrow('providerOptions.wowza-realtime.expires_on: required when enable_secure_viewer is true');
  });
});
