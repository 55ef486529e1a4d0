import { parseVendorResponse, ResponseShapeError, UniliveError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveApiStreamResponseSchema } from './liveapi-api.js';
import { liveapi } from './liveapi-provider.js';
import { mapLiveApiStream } from './map-liveapi-live-stream.js';

// A value of any JSON type, the kinds each field is checked against among them.
const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom('', ' ', 'online', 'offline', 'busy', 'x', 'name'),
  fc.constantFrom(
    'rtmp://ingest.liveapi.com/static',
    'rtmp://ingest.liveapi.com/static/',
    'rtmps://h:443/app',
    'https://player.liveapi.com/lv_1',
    'http://cdn.example/x.m3u8',
    'srt://h:9000',
    'not a url',
  ),
  fc.constantFrom('2024-03-01T10:00:00Z', '2024-03-01 10:00:00', '2024-02-30T00:00:00Z', 1709287200),
  fc.constant({}),
  fc.constant([]),
);
// Each field either absent, as LiveAPI sends it, or of another kind.
const field = <T>(usual: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: anyValue }), {
    nil: undefined,
  });
const object = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.record(fields, { requiredKeys: [] }).chain((value) =>
    // LiveAPI's other fields (`settings`, `user`, `organization`…) ride along; the reading never copies them.
    fc
      .dictionary(fc.constantFrom('settings', 'user', 'organization', 'extra'), anyValue, { maxKeys: 2 })
      .map((extra) => ({ ...extra, ...value })),
  );
const key = fc.constantFrom('lv_1?password=1bda8f83', 'lv_2', 'lv_3?password=a%20b&x=1', '');
const platform = object({
  _id: field(fc.constantFrom('p1', 'p2', '')),
  template: field(fc.constantFrom('youtube', 'custom')),
  enabled: field(fc.boolean()),
  server: field(fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmp://u:pw@h/app', '')),
  key: field(fc.constantFrom('yt-key-1', 'k', '')),
  broadcasting_status: field(fc.constantFrom('online', 'offline', 'errored')),
});
const answer = object({
  _id: field(fc.constantFrom('6b0d390142e52fe409066ca4', 'other-id', 'a/b')),
  name: field(fc.constantFrom('Launch', ' ', '')),
  enabled: field(fc.boolean()),
  ingest: field(
    object({
      server: field(fc.constantFrom('rtmp://ingest.liveapi.com/static', 'rtmp://u:p@ingest.liveapi.com/s/')),
      key: field(key),
    }),
  ),
  playback: field(
    object({
      hls_url: field(fc.constantFrom('https://cdn.liveapi.com/x.m3u8', '')),
      embed_url: field(fc.constantFrom('https://player.liveapi.com/lv_1', 'ftp://x')),
      embed_audio_url: field(fc.constantFrom('https://player.liveapi.com/lv_1?onlyAudio=true')),
    }),
  ),
  platforms: field(
    fc.array(fc.oneof({ weight: 4, arbitrary: platform }, { weight: 1, arbitrary: anyValue }), {
      maxLength: 3,
    }),
  ),
  broadcasting_status: field(fc.constantFrom('online', 'offline', 'starting')),
  pull_urls: field(
    object({
      rtmp: field(fc.constantFrom('rtmp://pull.liveapi.com/a/b')),
      srt: field(fc.constantFrom('srt://p:1')),
    }),
  ),
  creation_time: field(fc.constantFrom('2024-03-01T10:00:00.123Z', '2024-03-01 10:00:00')),
});

// How the published schema reads an answer, as `get` read it before it had a reading of its own.
function published(body: unknown) {
  try {
    return {
      stream: mapLiveApiStream(
        parseVendorResponse(liveApiStreamResponseSchema, body, {
          provider: 'liveapi',
          operation: 'get',
          status: 200,
        }),
      ),
    };
  } catch (error) {
    if (!ResponseShapeError.isInstance(error)) throw error;
    return { issues: error.issues, message: error.message };
  }
}

describe('get reads an answer as the published schema does', () => {
  it('gives the same stream for every answer it reads, and refuses the same answers at the same paths', async () => {
    const id = '6b0d390142e52fe409066ca4';
    await fc.assert(
      fc.asyncProperty(answer, async (generated) => {
        // A provider per answer: the secrets one answer carries are scrubbed from the errors of the next.
        const provider = liveapi({
          tokenId: 'token-id-0123',
          secretKey: 'secret-key-0123',
          baseUrl: 'https://api.liveapi.test',
          fetch: (async () => new Response(JSON.stringify(generated))) as typeof fetch,
          retry: { maxRetries: 0 },
        });
        const expected = published(JSON.parse(JSON.stringify(generated)));
        try {
          const stream = await provider.get(id);
          expect(expected.stream).toBeDefined();
          expect(stream).toEqual(expected.stream);
          // The same fields in the same order, at every level.
          expect(JSON.stringify(stream)).toBe(JSON.stringify(expected.stream));
        } catch (error) {
          if (!UniliveError.isInstance(error) || !ResponseShapeError.isInstance(error)) throw error;
          expect(expected.issues).toBeDefined();
          expect(error.issues).toEqual(expected.issues);
          expect(error.message).toBe(expected.message);
        }
      }),
      { numRuns: 1500 },
    );
    // 1,500 answers: some 16 s alone, past 60 s while other suites load both cores; the limit only ends a
    // hang.
  }, 600_000);
});
