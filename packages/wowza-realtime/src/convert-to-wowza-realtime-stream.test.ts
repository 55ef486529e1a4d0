import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertToWowzaRealtimeCreate,
  convertToWowzaRealtimeUpdate,
  toWowzaRealtimeExpiresOn,
} from './convert-to-wowza-realtime-stream.js';

describe('toWowzaRealtimeExpiresOn', () => {
  it('reads a zone-less date-time as UTC in every form, whatever the host zone, to the second', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          const expected = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
          for (const form of [
            iso,
            iso.slice(0, -1),
            iso.slice(0, 19),
            `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
            expected,
          ])
            expect(toWowzaRealtimeExpiresOn(form), form).toBe(expected);
          expect(toWowzaRealtimeExpiresOn(date)).toBe(expected);
        },
      ),
    );
  });

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
    // Zone-less is UTC, as Wowza's own format is and as every vendor date unilive reads.
    ['2030-05-06T07:08:09', '2030-05-06 07:08:09 UTC'],
    ['2030-05-06T07:08:09.750', '2030-05-06 07:08:09 UTC'],
  ])('converts %s', (input, expected) => {
    expect(toWowzaRealtimeExpiresOn(input)).toBe(expected);
  });

  it.each([
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

  it('accepts rtmp, the protocol with an ingest endpoint, and an empty restream list', () => {
    expect(convertToWowzaRealtimeCreate({ name: 'n', ingestProtocol: 'rtmp', restream: [] }).body).toEqual({
      real_time_stream: { name: 'n' },
    });
  });

  it('refuses webrtc, which has no URL, pointing at the SDK credentials', () => {
    expect(() => convertToWowzaRealtimeCreate({ name: 'n', ingestProtocol: 'webrtc' })).toThrow(
      "Invalid input for create: ingestProtocol: expected rtmp: Wowza Real-Time has no WebRTC ingest URL; every stream takes WebRTC through Wowza's SDK or OBS build with providerDetails['wowza-realtime'].sdk, and RTMP at its ingest endpoint",
    );
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
      `Invalid input for create: ingestProtocol: expected rtmp: Wowza Real-Time ingest endpoints are RTMP (WebRTC goes through Wowza's SDK); restream: Wowza Real-Time Streaming at Scale cannot forward a stream to other destinations; region: expected one of phoenix, amsterdam, singapore, bangalore, auto (API v2.0 no longer takes "americas"; its nearest region is "phoenix")`,
    );
  });

  it('validates option types and ranges', () => {
    expect(() =>
      convertToWowzaRealtimeCreate({
        name: 'n',
        // Wrong types, as a JavaScript caller could send them.
        providerOptions: {
          'wowza-realtime': { width: 12.5, logo_position: 'middle', enable_secure_viewer: 'yes' },
        } as never,
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
      needsStoredExpiry: false,
    });
  });

  it('refuses disable_vod_encoder, which only create takes', () => {
    expect(() =>
      convertToWowzaRealtimeUpdate({
        providerOptions: { 'wowza-realtime': { disable_vod_encoder: true } } as never,
      }),
    ).toThrow(
      'providerOptions.wowza-realtime.disable_vod_encoder: disable_vod_encoder can only be set when the stream is created (the vendor cannot change it later)',
    );
  });

  it('asks for the stored expiry when secure viewing is switched on without one', () => {
    const options = (value: Record<string, unknown>) => ({ providerOptions: { 'wowza-realtime': value } });
    expect(convertToWowzaRealtimeUpdate(options({ enable_secure_viewer: true })).needsStoredExpiry).toBe(
      true,
    );
    expect(
      convertToWowzaRealtimeUpdate(options({ enable_secure_viewer: true, expires_on: '2030-05-06' }))
        .needsStoredExpiry,
    ).toBe(false);
    expect(convertToWowzaRealtimeUpdate(options({ enable_secure_viewer: false })).needsStoredExpiry).toBe(
      false,
    );
  });
});
