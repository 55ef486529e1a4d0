import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { ConflictError, type LiveStream, type LiveStreamProvider } from '@unilive/core';
import { errorTranscript, loadFixture, SecretScanner } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkRawList,
  checkRawPath,
  json,
  orNull,
  standInFetch,
  text,
  type VendorText,
  vendorObject,
} from '../test/raw-answers.js';
import { videosdk } from './index.js';

// `raw` of a v2 stream is what the vendor sent, byte for byte once serialised again: unknown fields, nulls,
// key order and keys such as `__proto__` (an own key of what JSON.parse gives) included, on every path that
// builds a stream. A stand-in vendor answers generated JSON texts; `JSON.stringify` of what `raw` holds must
// give those texts back, which compares values and key order at every depth.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';
const roomIds = ['abcd-efgh-ijkl', 'mnop-qrst-uvwx', 'yzab-cdef-ghij'] as const;
const room = roomIds[0];
const session = 'abcde94c96e17e03fb0abcde4';

const date = fc.constantFrom('2022-03-25T04:49:11.024Z', '2022-03-25 04:49:11', 1648183751, null, undefined);

const roomObject = (roomId: string, disabled: fc.Arbitrary<boolean | null | undefined>) =>
  vendorObject({
    roomId: fc.constant(roomId),
    id: orNull(fc.constant('6241a9c7e0b5a0a1b2c3d4e5')),
    customRoomId: orNull(fc.constant('my-room')),
    userId: orNull(fc.constant('5f7edbd6a09c1e2b3c4d5e6f')),
    disabled,
    createdAt: date,
    updatedAt: date,
  });
const enabled = fc.constantFrom(false, null, undefined);

const hlsUrl = fc.constantFrom(
  'https://cdn.videosdk.live/meetings-hls/abc/index.m3u8',
  'https://cdn.videosdk.live/meetings-hls/abc/live.m3u8',
  'ftp://cdn.example/x.m3u8',
);
const hlsObjectNaming = (roomId: fc.Arbitrary<string | null | undefined>) =>
  vendorObject({
    id: orNull(fc.constant('6241b0a1e0b5a0a1b2c3d4e6')),
    roomId,
    sessionId: fc.constant(session),
    start: orNull(fc.constant('2022-03-25T04:50:00.000Z')),
    end: fc.constantFrom(null, undefined),
    playbackHlsUrl: orNull(hlsUrl),
    livestreamUrl: orNull(hlsUrl),
    downstreamUrl: orNull(hlsUrl),
  });
const hlsObject = hlsObjectNaming(fc.constant(room));
// An egress answer that does not name its room (taken as the room asked for): one for every room of a list.
const hlsObjectOfAnyRoom = hlsObjectNaming(fc.constantFrom(null, undefined));

const streamKey = fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
const outputObject = vendorObject({
  url: fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmps://live-api-s.facebook.com:443/rtmp/'),
  streamKey,
  _id: orNull(fc.constant('66a1b2c3d4e5f6a7b8c9d0e1')),
});
const rtmpOutObject = (
  end: fc.Arbitrary<string | null | undefined>,
  id: fc.Arbitrary<string> = fc.constant('6241b2b2e0b5a0a1b2c3d4e7'),
) =>
  fc.array(outputObject, { maxLength: 2 }).chain((outputs) =>
    vendorObject({
      id: orNull(id),
      roomId: fc.constant(room),
      sessionId: fc.constant(session),
      outputs: fc.constant(outputs.map((output) => JSON.parse(output.text))),
      start: orNull(fc.constant('2022-03-25T04:51:00.000Z')),
      end,
    }).map((out) => ({ ...out, keys: outputs.map((output) => keyOf(output.text)) })),
  );
const keyOf = (text: string) => (JSON.parse(text) as { streamKey: string }).streamKey;

/** What the stand-in vendor answers. */
interface Vendor {
  rooms: VendorText[];
  /** The running egress; none (404) when absent. */
  hls?: VendorText | undefined;
  /** RTMP-out records of the session, running (`end` null or absent) and ended. */
  rtmpOuts: (VendorText & { running: boolean })[];
  /** Answer of `POST /v2/hls/start`. */
  started?: VendorText | undefined;
  /** The first room read after each change answers 500: accepted changes fall back. */
  failReadBack?: boolean;
  /** The message of a 400 refusing `POST /v2/rooms/deactivate`. */
  refusal?: string;
}

function standIn(vendor: Vendor, form: 'text' | 'canonical') {
  let changed = false;
  const { fetch, sent } = standInFetch((method, pathname) => {
    const roomText = (id: string) => vendor.rooms.find((candidate) => candidate.text.includes(id))?.[form];
    if (method === 'GET') {
      const roomRead = /^\/v2\/rooms\/([^/]+)$/.exec(pathname);
      if (roomRead) {
        if (changed && vendor.failReadBack) {
          changed = false;
          return json(500, '{"message":"internal"}');
        }
        return json(200, roomText(roomRead[1] ?? '') ?? '{"message":"Room not found."}');
      }
      if (/^\/v2\/hls\/[^/]+\/active$/.test(pathname)) {
        return vendor.hls
          ? json(200, `{"zz":[1,null],"data":${vendor.hls[form]},"code":200}`)
          : json(404, '{"message":"HLS not found."}');
      }
      if (pathname === '/v2/livestreams') {
        const records = vendor.rtmpOuts.map((out) => out[form]).join(',');
        const count = vendor.rtmpOuts.length;
        return json(
          200,
          `{"data":[${records}],"pageInfo":{"currentPage":1,"perPage":20,"lastPage":1,"total":${count}}}`,
        );
      }
      if (pathname === '/v2/rooms') {
        const records = vendor.rooms.map((one) => one[form]).join(',');
        const count = vendor.rooms.length;
        return json(
          200,
          `{"pageInfo":{"total":${count},"lastPage":1,"currentPage":1,"perPage":20},"data":[${records}]}`,
        );
      }
    }
    if (pathname === '/v2/rooms/deactivate' && vendor.refusal !== undefined)
      return json(400, JSON.stringify({ message: vendor.refusal }));
    changed = true;
    if (pathname === '/v2/rooms') return json(200, vendor.rooms[0]?.[form] ?? '{}');
    if (pathname === `/v2/rooms/${room}`) return json(200, vendor.rooms[0]?.[form] ?? '{}');
    if (pathname === '/v2/hls/start') return json(200, vendor.started?.[form] ?? '"HLS started"');
    return json(200, '"done"');
  });
  const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
  return { provider, sent };
}

// The fields v2's mappers read, set by the scramble on every object of `raw`.
const planted = { roomId: 'zzzz-zzzz-zzzz', streamKey: 'changed-key' };

const checkPath = (
  vendor: Vendor,
  call: (provider: LiveStreamProvider) => Promise<LiveStream>,
  expectedRaw: string,
) => checkRawPath((form) => standIn(vendor, form), call, expectedRaw, planted);

/** `{ room, hls?, rtmpOuts? }` as the texts give it. */
const rawText = (parts: { room: string; hls?: string | undefined; rtmpOuts?: string[] | undefined }) =>
  `{"room":${parts.room}${parts.hls === undefined ? '' : `,"hls":${parts.hls}`}${
    parts.rtmpOuts === undefined ? '' : `,"rtmpOuts":[${parts.rtmpOuts.join(',')}]`
  }}`;
const synthetic = `{"roomId":"${room}"}`;

const running = rtmpOutObject(
  fc.constantFrom(null, undefined),
  fc.constantFrom('6241b2b2e0b5a0a1b2c3d4e7', '6241b2b2e0b5a0a1b2c3d4e8'),
).map((out) => ({ ...out, running: true }));
const ended = rtmpOutObject(
  fc.constant('2022-03-25T05:00:00.000Z'),
  fc.constant('6241b2b2e0b5a0a1b2c3d4e9'),
).map((out) => ({
  ...out,
  running: false,
}));
// Each record once (by its id, or its content when it has none): the read takes a record once.
const recordOnce = (out: VendorText) => {
  const { id } = JSON.parse(out.canonical) as { id?: unknown };
  return typeof id === 'string' ? id : out.canonical;
};
const rtmpOuts = fc
  .tuple(
    fc.uniqueArray(running, { maxLength: 2, selector: recordOnce }),
    fc.array(ended, { maxLength: 1 }),
    fc.boolean(),
  )
  .map(([live, over, endedFirst]) => (endedFirst ? [...over, ...live] : [...live, ...over]));
// Whether an egress's answer carries a URL viewers can open (ready), or none yet (starting).
const playable = (hls: VendorText) => {
  const { playbackHlsUrl, downstreamUrl } = JSON.parse(hls.text) as Record<string, unknown>;
  return [playbackHlsUrl, downstreamUrl].some((url) => typeof url === 'string' && url.startsWith('https://'));
};
const runningTexts = (vendor: Vendor) => vendor.rtmpOuts.filter((out) => out.running).map((out) => out.text);

beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

const runs = { numRuns: 40 };

describe('videosdk v2 raw: the answers exactly as received', () => {
  it('get: the room, the egress and the running RTMP-outs', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, fc.constantFrom(true, false, null, undefined)),
        fc.option(hlsObject, { nil: undefined }),
        rtmpOuts,
        async (roomText, hls, outs) => {
          const vendor: Vendor = { rooms: [roomText], hls, rtmpOuts: outs };
          await checkPath(
            vendor,
            (provider) => provider.get(room),
            rawText({
              room: roomText.text,
              hls: hls?.text,
              rtmpOuts: hls ? runningTexts(vendor) : undefined,
            }),
          );
        },
      ),
      runs,
    );
  });

  it("getStatus: the answers it read, in get's parts: the room, and the egress as hls when one runs", async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, fc.constantFrom(true, false, null, undefined)),
        fc.option(hlsObject, { nil: undefined }),
        async (roomText, hls) => {
          const { provider, sent } = standIn({ rooms: [roomText], hls, rtmpOuts: [] }, 'text');
          const status = await provider.getStatus?.(room);
          expect(text(status?.raw)).toBe(
            hls ? `{"room":${roomText.text},"hls":${hls.text}}` : `{"room":${roomText.text}}`,
          );
          // Exactly the reads whose answers it holds (the room and its egress, sent at once).
          expect([...sent].sort()).toEqual([`GET /v2/hls/${room}/active`, `GET /v2/rooms/${room}`].sort());
          // The same parts, as received, as get's raw holds for the same answers.
          const stream = await provider.get(room);
          const parts = stream.raw as Record<string, unknown>;
          for (const [part, value] of Object.entries(status?.raw as Record<string, unknown>))
            expect(text(value)).toBe(text(parts[part]));
        },
      ),
      runs,
    );
  });

  it('list: each room as it appears in the page, with its egress', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...roomIds.map((id) => roomObject(id, fc.constantFrom(true, false, null, undefined)))),
        fc.option(hlsObjectOfAnyRoom, { nil: undefined }),
        async (rooms, hls) => {
          const vendor: Vendor = { rooms, hls, rtmpOuts: [] };
          const expected = rooms.map((one) =>
            rawText({
              room: one.text,
              hls: JSON.parse(one.canonical).disabled === true ? undefined : hls?.text,
            }),
          );
          await checkRawList((form) => standIn(vendor, form), expected, planted);
        },
      ),
      runs,
    );
  });

  it('create: the room the vendor answered', async () => {
    await fc.assert(
      fc.asyncProperty(roomObject(room, enabled), async (roomText) => {
        await checkPath(
          { rooms: [roomText], rtmpOuts: [] },
          (provider) => provider.create({ name: 'raw', ingestProtocol: 'webrtc' }),
          rawText({ room: roomText.text }),
        );
      }),
      runs,
    );
  });

  it('update: the read-back, or the toggle answer when the read-back fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        fc.option(hlsObject, { nil: undefined }),
        rtmpOuts,
        fc.boolean(),
        async (roomText, hls, outs, failReadBack) => {
          const vendor: Vendor = { rooms: [roomText], hls, rtmpOuts: outs, failReadBack };
          await checkPath(
            vendor,
            (provider) => provider.update(room, { providerOptions: { videosdk: { disabled: false } } }),
            failReadBack
              ? rawText({ room: roomText.text })
              : rawText({
                  room: roomText.text,
                  hls: hls?.text,
                  rtmpOuts: hls ? runningTexts(vendor) : undefined,
                }),
          );
        },
      ),
      runs,
    );
  });

  it('update of the restream targets of a running stream: the read-back, or what was read before', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        hlsObject,
        rtmpOuts,
        fc.boolean(),
        async (roomText, hls, outs, failReadBack) => {
          const vendor: Vendor = { rooms: [roomText], hls, rtmpOuts: outs, failReadBack };
          const restream = [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'new1-key2-abcd-efgh' }];
          await checkPath(
            vendor,
            (provider) => provider.update(room, { restream }),
            // The RTMP-outs read before were ended: a fallback shows none of them.
            failReadBack
              ? rawText({ room: roomText.text, hls: hls.text })
              : rawText({ room: roomText.text, hls: hls.text, rtmpOuts: runningTexts(vendor) }),
          );
        },
      ),
      runs,
    );
  });

  it('start: the read-back, or the start answer when the read-back fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        hlsObject,
        fc.option(hlsObject, { nil: undefined }),
        rtmpOuts,
        fc.boolean(),
        async (roomText, hls, started, outs, failReadBack) => {
          const vendor: Vendor = { rooms: [roomText], hls, rtmpOuts: outs, started, failReadBack };
          await checkPath(
            vendor,
            // Given on each start, so that no call differs from the next by what this client holds.
            (provider) => provider.start(room, { providerOptions: { videosdk: { recording: false } } }),
            failReadBack
              ? rawText({ room: synthetic, hls: started?.text ?? '"HLS started"' })
              : rawText({ room: roomText.text, hls: hls.text, rtmpOuts: runningTexts(vendor) }),
          );
        },
      ),
      runs,
    );
  });

  it('stop: the read-back, or the egress the stop found running when the read-back fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        // A running egress is stopped once it plays: one still starting is a conflict (below).
        fc.option(hlsObject.filter(playable), { nil: undefined }),
        rtmpOuts,
        fc.boolean(),
        async (roomText, hls, outs, failReadBack) => {
          const vendor: Vendor = { rooms: [roomText], hls, rtmpOuts: outs, failReadBack };
          await checkPath(
            vendor,
            (provider) => provider.stop(room),
            // Nothing running: no end is sent, and the stream is read as `get` reads it.
            hls && failReadBack
              ? rawText({ room: synthetic, hls: hls.text })
              : rawText({
                  room: roomText.text,
                  hls: hls?.text,
                  rtmpOuts: hls ? runningTexts(vendor) : undefined,
                }),
          );
        },
      ),
      runs,
    );
  });

  it('stop: an egress still starting is a ConflictError, and nothing is ended', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        hlsObject.filter((hls) => !playable(hls)),
        rtmpOuts,
        async (roomText, hls, outs) => {
          const { provider, sent } = standIn({ rooms: [roomText], hls, rtmpOuts: outs }, 'text');
          const refused = await provider.stop(room).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(ConflictError.isInstance(refused)).toBe(true);
          expect((refused as ConflictError).delivery).toBe('not-sent');
          expect(sent.map((request) => request.split(' ')[0])).toEqual(['GET']);
        },
      ),
      runs,
    );
  });

  it('a restream key that raw shows is a secret: no later error shows it, in any encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        roomObject(room, enabled),
        hlsObject,
        rtmpOutObject(fc.constant(null)).filter((out) => out.keys.length > 0),
        fc.constantFrom('plain', 'url', 'base64', 'json'),
        async (roomText, hls, out, encoding) => {
          const key = out.keys[0] ?? '';
          const echoed =
            encoding === 'plain'
              ? key
              : encoding === 'url'
                ? encodeURIComponent(`key=${key}`)
                : encoding === 'base64'
                  ? Buffer.from(`user:${key}`).toString('base64')
                  : [...key].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
          const vendor: Vendor = {
            rooms: [roomText],
            hls,
            rtmpOuts: [{ ...out, running: true }],
            refusal: `refused ${echoed}`,
          };
          const { provider } = standIn(vendor, 'text');
          const stream = await provider.get(room);
          expect(text((stream.raw as { rtmpOuts: unknown[] }).rtmpOuts)).toBe(`[${out.text}]`);
          // The key reached this client only in the RTMP-out record; the next call's refusal echoes it.
          const error = await provider.delete(room).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(Error);
          const shown = errorTranscript(error);
          expect(shown).not.toContain(echoed);
          expect(shown).toContain('[REDACTED]');
          const scanner = new SecretScanner();
          for (const learned of out.keys) scanner.register('restream key', learned);
          scanner.recordError(error);
          scanner.recordText(inspect(error, { depth: 8 }));
          expect(scanner.leaks()).toEqual([]);
        },
      ),
      { numRuns: 20 },
    );
  });
});
