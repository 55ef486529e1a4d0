import { fileURLToPath } from 'node:url';
import {
  type CutAnswerPlan,
  cutAnswerCases,
  leaksAfterCutAnswer,
  loadFixture,
  shortCutCases,
  wordsChangedAfterShortCut,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string) => loadFixture(directory, name);

// v2 answers that bring secrets are the pages of RTMP-outs a read lists (the destination keys of a running
// session, which another process may have started): a page that broke off (truncated JSON, a lost
// connection, a gzip stream cut) still brought the keys before the cut. They are learned from what arrived,
// so a later error or event that repeats one, in any encoding, masks it.
describe('videosdk v2: the secrets of an RTMP-out page that broke off', () => {
  const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
  const room = 'abcd-efgh-ijkl';
  const page = fixture('v2-livestreams-list.running').response.body as {
    data: Record<string, unknown>[];
  };
  const key = fc.stringMatching(/^[a-z0-9]{16,32}$/);
  const json = (name: string) => Response.json(fixture(name).response.body);

  const answerFor = (secrets: { first: string; second: string }) => ({
    ...page,
    data: [
      {
        ...page.data[0],
        outputs: [
          { streamKey: secrets.first, url: 'rtmp://a.rtmp.youtube.com/live2' },
          { url: 'rtmp://live.twitch.tv/app', streamKey: secrets.second },
        ],
      },
    ],
  });
  // What both properties hand the testing helpers besides the secrets, the answer and the case.
  const setup: Omit<CutAnswerPlan, 'secrets' | 'answer'> = {
    id: room,
    // The room and its HLS egress are read as recorded; the RTMP-out page breaks off.
    accepts: (request) => new URL(request.url).pathname === '/v2/livestreams',
    others: (request) => {
      const path = new URL(request.url).pathname;
      if (path === `/v2/rooms/${room}`) return json('v2-rooms-get');
      if (path === `/v2/hls/${room}/active`) return json('v2-hls-active');
      return undefined;
    },
    adapter: (transport) => videosdk({ token, apiVersion: 'v2', ...transport }),
  };

  it('a later 503 repeating the keys that arrived whole shows them masked, however it was cut, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ first: key, second: key }),
        cutAnswerCases(['get']),
        async (secrets, cut) => {
          const leaks = await leaksAfterCutAnswer({ ...setup, secrets, answer: answerFor(secrets), cut });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a later message holding ordinary words that start with the 4 to 7 characters of a key that arrived shows them unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ first: key, second: key }),
        shortCutCases(['get']),
        async (secrets, cut) => {
          const changed = await wordsChangedAfterShortCut({
            ...setup,
            secrets,
            answer: answerFor(secrets),
            cut,
          });
          expect(changed).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
