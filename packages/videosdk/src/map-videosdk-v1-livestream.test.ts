import { SecretSet } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { mapVideosdkV1LiveStream } from './map-videosdk-v1-livestream.js';
import { mapVideosdkV2Stream } from './map-videosdk-v2-room.js';
import { videosdkV1LiveStreamSchema } from './videosdk-v1-api.js';
import { videosdkV2RoomSchema, videosdkV2RtmpOutSchema } from './videosdk-v2-api.js';

const map = (raw: Record<string, unknown>, secrets = new SecretSet()) =>
  mapVideosdkV1LiveStream({ data: v.parse(videosdkV1LiveStreamSchema, { id: 's1', ...raw }), raw }, secrets);

describe('mapVideosdkV1LiveStream ingest', () => {
  it('splits upstreamUrl at streamUrl when the vendor sends one', () => {
    const stream = map({
      streamUrl: 'rtmp://live.videosdk.live/live/',
      upstreamUrl: 'rtmp://live.videosdk.live/live/key-0001',
      streamKey: 'key-0001',
    });
    expect(stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: 'rtmp://live.videosdk.live/live/key-0001',
        server: 'rtmp://live.videosdk.live/live',
        streamKey: 'key-0001',
      },
    ]);
  });

  it('accepts streamUrl without its trailing slash', () => {
    const stream = map({
      streamUrl: 'rtmp://live.videosdk.live/live',
      upstreamUrl: 'rtmp://live.videosdk.live/live/key-0002',
    });
    expect(stream.ingest[0]).toMatchObject({
      server: 'rtmp://live.videosdk.live/live',
      streamKey: 'key-0002',
    });
  });

  it('splits at the last "/" when streamUrl does not prefix upstreamUrl', () => {
    const stream = map({
      streamUrl: 'rtmp://other.example/app/',
      upstreamUrl: 'rtmp://live.videosdk.live/live/key-0003',
    });
    expect(stream.ingest[0]).toMatchObject({
      server: 'rtmp://live.videosdk.live/live',
      streamKey: 'key-0003',
    });
  });

  it('reports an rtmps:// upstreamUrl as rtmps', () => {
    expect(map({ upstreamUrl: 'rtmps://live.videosdk.live/live/key-0004' }).ingest[0]?.protocol).toBe(
      'rtmps',
    );
  });

  it('registers the stream key and every restream key as secrets', () => {
    const secrets = new SecretSet();
    map(
      {
        upstreamUrl: 'rtmp://live.videosdk.live/live/key-0005',
        streamKey: 'key-0005',
        restream: [
          { _id: 'a', url: 'rtmp://a.example/live', streamKey: 'restream-key-a' },
          { id: 'b', url: 'rtmp://b.example/live', streamKey: 'restream-key-b' },
        ],
      },
      secrets,
    );
    expect([...secrets.values()].sort()).toEqual(['key-0005', 'restream-key-a', 'restream-key-b']);
  });

  it("registers a password in the ingest or a restream URL's user information, decoded, as a secret", () => {
    const secrets = new SecretSet();
    map(
      {
        upstreamUrl: 'rtmp://pub:ingest%40pass@live.videosdk.live/live/key-0006',
        streamKey: 'key-0006',
        restream: [
          { _id: 'a', url: 'rtmp://user:restream-pass@a.example/live', streamKey: 'restream-key-a' },
        ],
      },
      secrets,
    );
    expect([...secrets.values()].sort()).toEqual([
      'ingest@pass',
      'key-0006',
      'restream-key-a',
      'restream-pass',
    ]);
    expect(secrets.redact('the vendor says ingest@pass and restream-pass')).toBe(
      'the vendor says [REDACTED] and [REDACTED]',
    );
  });
});

describe('mapVideosdkV1LiveStream playback', () => {
  const urls = {
    upstreamUrl: 'rtmp://live.videosdk.live/live/k-1',
    downstreamUrl: 'https://live.videosdk.live/live/k-1/index.m3u8',
    recordingUrl: 'https://live.videosdk.live/live/k-1/storage/index.m3u8',
  };

  it('lists the recording HLS after the live one while recording is on', () => {
    expect(map({ ...urls, record: true }).playback).toEqual([
      { protocol: 'hls', url: urls.downstreamUrl },
      { protocol: 'hls', url: urls.recordingUrl, rendition: 'recording' },
    ]);
  });

  it('lists the recording URL the vendor sends while recording is off too', () => {
    const stream = map({ ...urls, record: false });
    expect(stream.recording).toBe(false);
    expect(stream.playback).toEqual([
      { protocol: 'hls', url: urls.downstreamUrl },
      { protocol: 'hls', url: urls.recordingUrl, rendition: 'recording' },
    ]);
    expect((stream.raw as { recordingUrl: string }).recordingUrl).toBe(urls.recordingUrl);
  });

  it('reads createdAt and updatedAt without a zone as UTC, whatever the host zone', () => {
    const stream = map({ ...urls, createdAt: '2021-02-23 10:30:23', updatedAt: '2021-02-23T10:30:23.5' });
    expect(stream.createdAt?.toISOString()).toBe('2021-02-23T10:30:23.000Z');
    expect(stream.updatedAt?.toISOString()).toBe('2021-02-23T10:30:23.500Z');
  });

  it('is always ready: v1 keeps no state', () => {
    expect(map(urls).state).toBe('ready');
    expect(map(urls).broadcasting).toBeUndefined();
  });

  it('leaves recording out when the answer has no record: unknown, not false', () => {
    expect(map(urls)).not.toHaveProperty('recording');
    expect(map({ ...urls, record: null })).not.toHaveProperty('recording');
    expect(map({ ...urls, record: false }).recording).toBe(false);
  });
});

// Found by the reliability suite's drift tests: a downstreamUrl of another scheme was labelled HLS, and an
// empty id made a stream no later call could address.
describe('drifted payloads', () => {
  const upstream = { upstreamUrl: 'rtmp://live.videosdk.live/live/key-0003' };

  it('lists only http(s) URLs as HLS playback', () => {
    const stream = map({
      ...upstream,
      record: true,
      downstreamUrl: 'rtmp://live.videosdk.live/live/key-0003',
      recordingUrl: 'not a url',
    });
    expect(stream.playback).toEqual([]);
  });

  it('refuses an id no call could use', () => {
    for (const id of ['', 'a/b', '..', '.']) {
      expect(v.safeParse(videosdkV1LiveStreamSchema, { ...upstream, id }).success, id).toBe(false);
    }
  });
});

describe('restream target ids and dates, v1 and v2', () => {
  it("maps each target's vendor id, `_id` (every example) or `id` (the schema table), on v1 and v2", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('_id', 'id', 'none'),
        fc.stringMatching(/^[0-9a-f]{24}$/),
        (field, targetId) => {
          const target = {
            url: 'rtmp://a.rtmp.youtube.com/live2',
            streamKey: 'yt-secret-key',
            ...(field === 'none' ? {} : { [field]: targetId }),
          };
          const expected = {
            url: target.url,
            streamKey: target.streamKey,
            ...(field === 'none' ? {} : { id: targetId }),
          };
          const v1 = map({ upstreamUrl: 'rtmp://live.videosdk.live/live/key-0001', restream: [target] });
          expect(v1.restream).toEqual([expected]);
          const v2 = mapVideosdkV2Stream(
            {
              room: v.parse(videosdkV2RoomSchema, { roomId: 'abcd-efgh-ijkl' }),
              rtmpOuts: [v.parse(videosdkV2RtmpOutSchema, { id: 'out1', outputs: [target], end: null })],
              raw: { room: { roomId: 'abcd-efgh-ijkl' } },
            },
            {
              whipUrl: 'https://api.videosdk.live/v2/whip',
              ingestToken: 'whip-token-secret',
              recording: false,
              heldRestream: [],
              secrets: new SecretSet(),
            },
          );
          expect(v2.restream).toEqual([expected]);
        },
      ),
    );
  });

  it('reads a date as UTC when it has no zone, as an epoch when it is a number, and never fails the stream for one', () => {
    const context = {
      whipUrl: 'https://api.videosdk.live/v2/whip',
      ingestToken: 'whip-token-secret',
      recording: false,
      heldRestream: [],
      secrets: new SecretSet(),
    };
    for (const [value, expected] of [
      ['2022-03-25 04:49:11', '2022-03-25T04:49:11.000Z'],
      ['2022-03-25T04:49:11.024', '2022-03-25T04:49:11.024Z'],
      [1648183751, '2022-03-25T04:49:11.000Z'],
      [1648183751024, '2022-03-25T04:49:11.024Z'],
      [true, undefined],
      [{}, undefined],
    ] as const) {
      const v1 = map({ upstreamUrl: 'rtmp://live.videosdk.live/live/key-0001', createdAt: value });
      const v2 = mapVideosdkV2Stream(
        {
          room: v.parse(videosdkV2RoomSchema, { roomId: 'abcd-efgh-ijkl', createdAt: value }),
          raw: { room: { roomId: 'abcd-efgh-ijkl', createdAt: value } },
        },
        context,
      );
      expect(v1.createdAt?.toISOString(), String(value)).toBe(expected);
      expect(v2.createdAt?.toISOString(), String(value)).toBe(expected);
    }
  });
});
