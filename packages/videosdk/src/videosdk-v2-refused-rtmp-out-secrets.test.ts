import { fileURLToPath } from 'node:url';
import { createLiveStreamClient, UniliveError } from '@unilive/core';
import {
  leakedSecrets,
  loadFixture,
  refusalEchoing,
  secretEncodingNames,
  secretEncodings,
  shownTexts,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const answerOf = (name: string) => loadFixture(directory, name).response.body;
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';

// A v2 RTMP-out record the reading refuses (a field of the wrong type) is left out of the stream, yet its
// outputs carry destination keys: they are learned from what the schema read of it, so a later error or
// event that repeats one, in any encoding, masks it.
describe('videosdk v2: the destination keys of an RTMP-out record that is refused', () => {
  const page = answerOf('v2-livestreams-list.running') as { data: Record<string, unknown>[] };
  const record = page.data[0] ?? {};
  const key = fc.stringMatching(/^[a-z0-9]{16,32}$/);

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.constantFrom<(streamKey: string) => Record<string, unknown>>(
          (streamKey) => ({ outputs: [{ url: 12, streamKey }] }),
          (streamKey) => ({ outputs: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey }], start: 12 }),
          (streamKey) => ({ outputs: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey }], id: 12 }),
        ),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (streamKey, spoil, encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const echo = encode(streamKey);
          let reads = 0;
          const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
            const { pathname } = new URL(new Request(input, init).url);
            if (pathname === `/v2/rooms/${room}`) {
              reads += 1;
              if (reads > 1) return refusalEchoing(echo);
              return Response.json(answerOf('v2-rooms-get'));
            }
            if (pathname === `/v2/hls/${room}/active`) return Response.json(answerOf('v2-hls-active'));
            return Response.json({ ...page, data: [{ ...record, ...spoil(streamKey) }] });
          }) as typeof globalThis.fetch;
          const { hooks, shown, showError } = shownTexts();
          const client = createLiveStreamClient(
            videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch }),
            hooked ? { hooks } : {},
          );
          const stream = await client.get(room);
          // The refused record is no target of the stream.
          expect(stream.restream ?? []).toEqual([]);
          const error = await client.get(room).catch((caught: unknown) => caught);
          expect(UniliveError.isInstance(error)).toBe(true);
          showError(error);
          expect(leakedSecrets({ streamKey }, encode, shown)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
