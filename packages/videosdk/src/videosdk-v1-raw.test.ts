import { fileURLToPath } from 'node:url';
import { ChangeAppliedError, type LiveStream, type LiveStreamProvider } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkRawList,
  checkRawPath,
  json,
  orNull,
  standInFetch,
  type VendorText,
  vendorObject,
} from '../test/raw-answers.js';
import { videosdk } from './index.js';

// `raw` of a v1 stream is what the vendor sent, byte for byte once serialised again, on every path that
// builds a stream: a stand-in vendor answers generated JSON texts (test/raw-answers.ts).

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const token = loadFixture(directory, 'get-livestream').request.headers?.authorization ?? '';
const streamIds = [
  '6034a7dfa9cedd724c20cf67',
  '6034a7dfa9cedd724c20cf68',
  '6034a7dfa9cedd724c20cf69',
] as const;
const streamId = streamIds[0];

const date = fc.constantFrom('2021-02-23T06:59:43.049Z', '2021-02-23 06:59:43', 1614063583, null, undefined);
const streamKey = fc.stringMatching(/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
const host = fc.constantFrom('live.videosdk.live', 'live.zujonow.com');

// A restream target: `_id` in every example, `id` in the schema table; its extra keys nested as sent.
const targetObject = vendorObject({
  _id: orNull(fc.constant('60e2fed0135c9810f490f3b6')),
  id: orNull(fc.constant('60e2fed0135c9810f490f3b7')),
  url: fc.constantFrom('rtmp://x.rtmp.youtube.com/live2', 'rtmps://live-api-s.facebook.com:443/rtmp/'),
  streamKey: fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/),
});

/** A v1 live stream with the 2021 or the 2022 shape, its targets as the texts give them. */
const streamObject = (id: string) =>
  fc
    .tuple(streamKey, host, fc.option(fc.array(targetObject, { maxLength: 2 }), { nil: undefined }))
    .chain(([key, mediaHost, targets]) =>
      vendorObject({
        record: orNull(fc.boolean()),
        id: fc.constant(id),
        name: orNull(fc.constantFrom('Nickname for livestream', 'Launch')),
        streamKey: orNull(fc.constant(key)),
        streamUrl: orNull(fc.constant(`rtmp://${mediaHost}/live/`)),
        upstreamUrl: fc.constant(`rtmp://${mediaHost}/live/${key}`),
        downstreamUrl: orNull(
          fc.constantFrom(`https://${mediaHost}/live/${key}/index.m3u8`, 'ftp://x.example/a'),
        ),
        recordingUrl: orNull(fc.constant(`https://${mediaHost}/live/${key}/storage/index.m3u8`)),
        restream:
          targets === undefined ? fc.constant(null) : fc.constant(targets.map((one) => JSON.parse(one.text))),
        userId: orNull(fc.constant('5f7edbd6a09c1e2b3c4d5e6f')),
        user: orNull(fc.constant({ id: '5f7edbd6a09c1e2b3c4d5e6f', name: 'Owner' })),
        createdAt: date,
        updatedAt: date,
      }).map((stream) => ({
        ...stream,
        // What an update giving the stream's own targets sends (`[]` for none).
        restream: (targets ?? []).map((one) => {
          const { url, streamKey: key } = JSON.parse(one.text) as { url: string; streamKey: string };
          return { url, streamKey: key };
        }),
      })),
    );

/** What the stand-in vendor answers. */
interface Vendor {
  streams: VendorText[];
  /** Answer of `POST /v1/livestreams/{id}`: a stream, or an answer that is none (then read back). */
  updated?: VendorText | { text: string; canonical: string; stream: false };
  /** The first stream read after a change answers 500. */
  failReadBack?: boolean;
}

function standIn(vendor: Vendor, form: 'text' | 'canonical') {
  let changed = false;
  const { fetch, sent } = standInFetch((method, pathname) => {
    const streamText = (id: string) =>
      vendor.streams.find((candidate) => candidate.text.includes(id))?.[form];
    if (method === 'GET') {
      const read = /^\/v1\/livestreams\/([^/]+)$/.exec(pathname);
      if (read) {
        if (changed && vendor.failReadBack) {
          changed = false;
          return json(500, '{"message":"internal"}');
        }
        return json(200, streamText(read[1] ?? '') ?? '{"message":"Livestream not found."}');
      }
      if (pathname === '/v1/livestreams') {
        const records = vendor.streams.map((one) => one[form]).join(',');
        return json(200, `{"pageInfo":{"currentPage":1,"perPage":20,"lastPage":1},"data":[${records}]}`);
      }
    }
    changed = true;
    if (pathname === '/v1/livestreams') return json(200, vendor.streams[0]?.[form] ?? '{}');
    if (pathname === `/v1/livestreams/${streamId}`) return json(200, vendor.updated?.[form] ?? '{}');
    return json(404, '{"message":"not found"}');
  });
  const provider = videosdk({ token, apiVersion: 'v1', retry: { maxRetries: 0 }, fetch });
  return { provider, sent };
}

// The fields v1's mapper reads, set by the scramble on every object of `raw`.
const planted = {
  id: 'zzzzzzzzzzzzzzzzzzzzzzzz',
  upstreamUrl: 'rtmp://changed.example/live/changed-key',
  streamKey: 'changed-key',
};

const checkPath = (
  vendor: Vendor,
  call: (provider: LiveStreamProvider) => Promise<LiveStream>,
  expectedRaw: string,
) => checkRawPath((form) => standIn(vendor, form), call, expectedRaw, planted);

beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

const runs = { numRuns: 40 };
// An update answer that is no stream: read back (`{"success":true}`, an empty object, a bare string).
const notAStream = fc
  .constantFrom('{"success":true}', '{}', '"updated"')
  .map((answer) => ({ text: answer, canonical: answer, stream: false as const }));

describe('videosdk v1 raw: the answer exactly as received', () => {
  it('get', async () => {
    await fc.assert(
      fc.asyncProperty(streamObject(streamId), async (stream) => {
        await checkPath({ streams: [stream] }, (provider) => provider.get(streamId), stream.text);
      }),
      runs,
    );
  });

  it('start: the stream as read', async () => {
    await fc.assert(
      fc.asyncProperty(streamObject(streamId), async (stream) => {
        await checkPath({ streams: [stream] }, (provider) => provider.start(streamId), stream.text);
      }),
      runs,
    );
  });

  it('list: each stream as it appears in the page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(...streamIds.map((id) => streamObject(id))), async (streams) => {
        await checkRawList(
          (form) => standIn({ streams }, form),
          streams.map((stream) => stream.text),
          planted,
        );
      }),
      runs,
    );
  });

  it('create: the stream the vendor answered', async () => {
    await fc.assert(
      fc.asyncProperty(streamObject(streamId), async (stream) => {
        await checkPath(
          { streams: [stream] },
          (provider) => provider.create({ name: 'raw', ingestProtocol: 'rtmp' }),
          stream.text,
        );
      }),
      runs,
    );
  });

  it('update: the stream it answered, else the read-back; a failed read-back is a ChangeAppliedError', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamObject(streamId),
        fc.oneof(streamObject(streamId), notAStream),
        fc.boolean(),
        async (stream, updated, failReadBack) => {
          const vendor: Vendor = { streams: [stream], updated, failReadBack };
          const call = (provider: LiveStreamProvider) => provider.update(streamId, { name: 'renamed' });
          if ('stream' in updated && failReadBack) {
            const error = await call(standIn(vendor, 'text').provider).then(
              () => undefined,
              (caught: unknown) => caught,
            );
            expect(ChangeAppliedError.isInstance(error)).toBe(true);
            return;
          }
          const answeredStream = !('stream' in updated);
          const { sent } = await checkPath(vendor, call, answeredStream ? updated.text : stream.text);
          // Read back only when the answer was no stream.
          const once = answeredStream
            ? [`POST /v1/livestreams/${streamId}`]
            : [`POST /v1/livestreams/${streamId}`, `GET /v1/livestreams/${streamId}`];
          expect(sent).toEqual([...once, ...once]);
        },
      ),
      runs,
    );
  });

  it('update of the restream targets to the ones the stream has: the stream as read before', async () => {
    await fc.assert(
      fc.asyncProperty(streamObject(streamId), fc.boolean(), async (stream, rename) => {
        const vendor: Vendor = { streams: [stream], updated: stream };
        const patch = rename ? { name: 'renamed', restream: stream.restream } : { restream: stream.restream };
        const { sent } = await checkPath(vendor, (provider) => provider.update(streamId, patch), stream.text);
        // Nothing v1 can change but the name: without one, no update is sent.
        const once = rename
          ? [`GET /v1/livestreams/${streamId}`, `POST /v1/livestreams/${streamId}`]
          : [`GET /v1/livestreams/${streamId}`];
        expect(sent).toEqual([...once, ...once]);
      }),
      runs,
    );
  });
});
