import { SecretSet } from '@unilive/core';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { mapVideosdkV2Stream, videosdkWhipParticipantId, whipEndpoint } from './map-videosdk-v2-room.js';
import { videosdkV2HlsSchema, videosdkV2RoomSchema, videosdkV2RtmpOutSchema } from './videosdk-v2-api.js';

// The WHIP URL as the vendor's server SDK writes it: the query set through `URL.searchParams`.
const searchParamsWhip = (whipUrl: string, roomId: string) => {
  const url = new URL(whipUrl);
  url.searchParams.set('roomId', roomId);
  url.searchParams.set('participantId', videosdkWhipParticipantId);
  return url.toString();
};

const whipUrls = fc.constantFrom(
  'https://api.videosdk.live/v2/whip',
  'https://proxy.example/videosdk/v2/whip',
  'https://127.0.0.1:8443/a/v2/whip',
  'https://X.Example:443/%7Ep/v2/whip',
  // Not what the adapter builds (its base URL has no query or fragment), but the URL stays exact.
  'https://proxy.example/v2/whip?tenant=a/b',
  'https://proxy.example/v2/whip#frag',
);

const roomIds = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/),
  fc.stringMatching(/^[\w.*-]{1,20}$/),
  fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
  fc.constantFrom('a b', 'a+b', 'a&b=c', 'é', '~x', "a'b", 'a/b?c#d'),
);

describe('whipEndpoint', () => {
  it('writes the WHIP URL exactly as URL.searchParams does, for any room id and WHIP URL', () => {
    fc.assert(
      fc.property(whipUrls, roomIds, (whipUrl, roomId) => {
        const expected = searchParamsWhip(whipUrl, roomId);
        const endpoint = whipEndpoint(roomId, { whipUrl, ingestToken: 'whip-token-secret' });
        expect(endpoint).toEqual({
          protocol: 'webrtc',
          url: expected,
          server: expected,
          streamKey: 'whip-token-secret',
          token: 'whip-token-secret',
        });
        // Alternating adapters (another WHIP URL between two reads) keep each one's own.
        const other = 'https://other.example/v2/whip';
        expect(whipEndpoint(roomId, { whipUrl: other, ingestToken: 't' }).url).toBe(
          searchParamsWhip(other, roomId),
        );
        expect(whipEndpoint(roomId, { whipUrl, ingestToken: 't' }).url).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

const url = fc.oneof(
  fc.constant('https://cdn.videosdk.live/meetings-hls/abc/index.m3u8'),
  fc.constant('https://cdn.videosdk.live/meetings-hls/abc/live.m3u8'),
  fc.constant('ftp://cdn.example/x.m3u8'),
  fc.constant(''),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const output = fc.record({
  url: fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmps://live-api-s.facebook.com:443/rtmp/'),
  streamKey: fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/),
  _id: maybe(fc.stringMatching(/^[0-9a-f]{6}$/)),
  id: maybe(fc.stringMatching(/^[0-9a-f]{6}$/)),
});

describe('mapVideosdkV2Stream', () => {
  it("maps any reading: running outputs, else copies of the held targets, else [] when the RTMP-outs were read, the reading's raw as it is, raw last", () => {
    fc.assert(
      fc.property(
        fc.record({
          disabled: maybe(fc.boolean()),
          createdAt: maybe(fc.constant('2022-03-25T04:49:11.024Z')),
          hls: maybe(
            fc.record({
              sessionId: maybe(fc.string({ maxLength: 6 })),
              end: maybe(fc.constantFrom(null, '2022-03-25T05:00:00.000Z')),
              playbackHlsUrl: maybe(url),
              downstreamUrl: maybe(url),
              livestreamUrl: maybe(url),
            }),
          ),
          rtmpOuts: maybe(
            fc.array(fc.record({ outputs: maybe(fc.array(output, { maxLength: 3 })) }), { maxLength: 3 }),
          ),
          // undefined: this client holds nothing for the room (another process made it).
          held: maybe(
            fc.array(
              output.map(({ url, streamKey }) => ({ url, streamKey })),
              { maxLength: 2 },
            ),
          ),
          recording: maybe(fc.boolean()),
          warnings: fc.array(fc.constant({ type: 'other' as const, message: 'kept' }), { maxLength: 2 }),
        }),
        (given) => {
          const room = v.parse(videosdkV2RoomSchema, {
            roomId: 'abcd-efgh-ijkl',
            disabled: given.disabled,
            createdAt: given.createdAt,
          });
          const hls = given.hls ? v.parse(videosdkV2HlsSchema, given.hls) : undefined;
          const rtmpOuts = given.rtmpOuts?.map((out) => v.parse(videosdkV2RtmpOutSchema, out));
          const secrets = new SecretSet();
          // What the reader received, apart from what the schemas read: handed out as it is.
          const raw = {
            room: { roomId: 'abcd-efgh-ijkl', createdAt: given.createdAt, disabled: given.disabled },
            ...(given.hls ? { hls: given.hls } : {}),
            ...(given.rtmpOuts ? { rtmpOuts: given.rtmpOuts } : {}),
          };
          const stream = mapVideosdkV2Stream(
            { room, hls, rtmpOuts, raw },
            {
              whipUrl: 'https://api.videosdk.live/v2/whip',
              ingestToken: 'whip-token-secret',
              recording: given.recording,
              heldRestream: given.held,
              secrets,
              warnings: given.warnings,
            },
          );
          const running = (rtmpOuts ?? []).flatMap((out) => out.outputs ?? []);
          // The running outputs, else the held targets, else `[]` when the RTMP-outs were read and none
          // run; absent only when neither the vendor nor this client tells the list.
          const restream =
            running.length > 0
              ? running.map((target) => {
                  const id = target._id ?? target.id;
                  return { url: target.url, streamKey: target.streamKey, ...(id ? { id } : {}) };
                })
              : (given.held ?? (rtmpOuts ? [] : undefined));
          const playable = (value: string | null | undefined) =>
            value?.startsWith('https://') ? value : undefined;
          const main = hls ? (playable(hls.playbackHlsUrl) ?? playable(hls.downstreamUrl)) : undefined;
          const live = hls ? playable(hls.livestreamUrl) : undefined;
          const state =
            room.disabled === true
              ? 'disabled'
              : !hls
                ? 'stopped'
                : hls.end
                  ? 'stopping'
                  : main
                    ? 'ready'
                    : 'starting';
          expect(stream).toStrictEqual({
            id: 'abcd-efgh-ijkl',
            provider: 'videosdk',
            state,
            ingest: [
              whipEndpoint('abcd-efgh-ijkl', {
                whipUrl: 'https://api.videosdk.live/v2/whip',
                ingestToken: 'whip-token-secret',
              }),
            ],
            playback: [
              ...(main ? [{ protocol: 'hls', url: main }] : []),
              ...(live && live !== main ? [{ protocol: 'hls', url: live, rendition: 'live-only' }] : []),
            ],
            ...(given.recording === undefined ? {} : { recording: given.recording }),
            ...(restream ? { restream } : {}),
            ...(given.createdAt ? { createdAt: new Date(given.createdAt) } : {}),
            ...(given.warnings.length > 0 ? { warnings: given.warnings } : {}),
            raw,
          });
          expect(stream.raw).toBe(raw);
          expect(Object.keys(stream).at(-1)).toBe('raw');
          // Held targets are copied, never handed out for a caller to change.
          for (const [index, target] of (running.length > 0 ? [] : (given.held ?? [])).entries())
            expect(stream.restream?.[index]).not.toBe(target);
          // Every restream key the stream shows is a secret from then on.
          for (const target of restream ?? [])
            expect(secrets.redact(`key ${target.streamKey}`)).toBe('key [REDACTED]');
        },
      ),
      { numRuns: 300 },
    );
  });
});
