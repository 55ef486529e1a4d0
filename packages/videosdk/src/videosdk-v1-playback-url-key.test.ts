import { createLiveStreamClient, type ErrorEvent } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { id, recorded, token, withoutVideosdkEnvironment } from '../test/v1-get-fixture.js';
import { videosdk } from './index.js';

// Found by an outside probe: v1's playback URLs carry the stream key (`…/live/<streamKey>/index.m3u8`), and
// a key an answer held only there (no `streamKey`, an `upstreamUrl` ending in `/`), or another key there than
// in `streamKey`, was not learned: an error repeating the URL showed it.

withoutVideosdkEnvironment();

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A vendor answering `first` to the first request, then a 500 whose message repeats `echo`. */
function vendor(first: Record<string, unknown>, echo: string) {
  let calls = 0;
  const fetch: typeof globalThis.fetch = async () => {
    calls += 1;
    return calls === 1 ? json(200, first) : json(500, { message: `playback at ${echo} failed` });
  };
  return videosdk({ token, apiVersion: 'v1', retry: { maxRetries: 0 }, fetch });
}

const playbackOrigins = fc.constantFrom(
  'https://live.videosdk.live/live',
  'http://127.0.0.1:4010/media/videosdk/live',
);
const keys = fc.uuid();

describe('videosdk v1: the stream key in a playback URL', () => {
  it('is learned from downstreamUrl and recordingUrl, and masked wherever the URL is repeated', async () => {
    await fc.assert(
      fc.asyncProperty(
        playbackOrigins,
        keys,
        keys,
        fc.constantFrom('downstreamUrl', 'recordingUrl'),
        fc.boolean(),
        async (origin, key, urlKey, field, withoutStreamKey) => {
          fc.pre(key !== urlKey);
          const answer: Record<string, unknown> = {
            ...recorded,
            streamKey: key,
            upstreamUrl: `rtmp://live.videosdk.live/live/${key}`,
            downstreamUrl: `${origin}/${urlKey}/index.m3u8`,
            recordingUrl: `${origin}/${urlKey}/storage/index.m3u8`,
          };
          // The key only in the playback URLs: no `streamKey`, and a push URL ending in `/` names none.
          if (withoutStreamKey) {
            delete answer.streamKey;
            answer.upstreamUrl = 'rtmp://live.videosdk.live/live/';
          }
          const events: ErrorEvent[] = [];
          const provider = vendor(answer, String(answer[field]));
          const client = createLiveStreamClient(provider, {
            hooks: { onError: (event) => events.push(event) },
          });
          const stream = await client.get(id);
          expect(stream.playback.map((endpoint) => endpoint.url)).toContain(answer[field]);
          expect(provider.secrets?.()).toContain(urlKey);
          const error = await client.get(id).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error).toBeInstanceOf(Error);
          const shown = [String(error), JSON.stringify(error), JSON.stringify(events)].join('\n');
          expect(shown).not.toContain(urlKey);
          expect(shown).toContain(`/[REDACTED]/`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a key percent-encoded in the URL is learned as the key it encodes; one that does not decode, as written', async () => {
    await fc.assert(
      fc.asyncProperty(
        keys,
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (uuid, extra, broken) => {
          // A key that holds no `/`, as a path segment cannot; `broken` ends it in a `%` escape cut short.
          const key = `${uuid}${extra.replaceAll('/', '')}`;
          const written = `${encodeURIComponent(key)}${broken ? '%E2%82' : ''}`;
          const provider = vendor(
            {
              ...recorded,
              downstreamUrl: `https://live.videosdk.live/live/${written}/index.m3u8`,
              recordingUrl: null,
            },
            '',
          );
          await provider.get(id);
          expect(provider.secrets?.()).toContain(broken ? written : key);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a playback URL of another shape teaches nothing more', async () => {
    const provider = vendor(
      {
        ...recorded,
        downstreamUrl: 'https://cdn.example.test/hls/abcdefgh-stream/index.m3u8',
        recordingUrl: 'https://cdn.example.test/live/index.m3u8?token=zzz',
      },
      '',
    );
    await provider.get(id);
    expect(provider.secrets?.()).not.toContain('abcdefgh-stream');
    expect(provider.secrets?.()).not.toContain('index.m3u8?token=zzz');
    expect(provider.secrets?.()).toContain(String(recorded.streamKey));
  });
});
