import {
  type CutAnswerPlan,
  cutAnswerCases,
  leaksAfterCutAnswer,
  shortCutCases,
  unavailableEchoing,
  wordsChangedAfterShortCut,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureSettings } from '../test/contract-config.js';
import { fixture } from '../test/recording-fetch.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// A 2xx create, update or get answer that broke off (truncated JSON, a lost connection, a gzip stream cut)
// still brought the publish and subscribe tokens before the cut: they are learned from what arrived, so a
// later error or event that repeats one, in any encoding, masks it.
describe('wowza-realtime: the secrets of an answer that broke off', () => {
  const record = (fixture('get').response.body as { real_time_stream: Record<string, unknown> })
    .real_time_stream;
  const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);
  const id = String(record.id);

  // The record with both tokens (the publish token in its RTMP URL too), the subscribe token before or after
  // the rest of it.
  const answerFor = (secrets: { token: string; subscribeToken: string }, subscribeFirst: boolean) => {
    const streamName = String(record.stream_name);
    const rest = {
      ...record,
      token: secrets.token,
      rtmp_url: `rtmp://rtmp-realtime1.wowza.com:1935/v2/pub/${streamName}?token=${secrets.token}`,
    };
    return {
      real_time_stream: subscribeFirst
        ? { subscribe_token: secrets.subscribeToken, ...rest }
        : { ...rest, subscribe_token: secrets.subscribeToken },
    };
  };
  // What both properties hand the testing helpers besides the secrets, the answer and the case: the other
  // requests are refused with Wowza's 503, repeating the given texts.
  const setup: Omit<CutAnswerPlan, 'secrets' | 'answer'> = {
    id,
    refusal: (repeated) =>
      unavailableEchoing(repeated, {
        meta: { status: 503, code: 'ERR', title: 'x', message: `busy: ${repeated}`, description: repeated },
      }),
    adapter: (transport) => wowzaRealtime({ ...fixtureSettings, ...transport }),
  };

  it('a later 503 repeating those that arrived whole shows them masked, however it was cut, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ token, subscribeToken: token }),
        fc.boolean(),
        cutAnswerCases(['create', 'update', 'get']),
        async (secrets, subscribeFirst, cut) => {
          const answer = answerFor(secrets, subscribeFirst);
          const leaks = await leaksAfterCutAnswer({ ...setup, secrets, answer, cut });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a later message holding ordinary words that start with the 4 to 7 characters of a token that arrived shows them unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ token, subscribeToken: token }),
        shortCutCases(['create', 'update', 'get']),
        async (secrets, cut) => {
          const answer = answerFor(secrets, false);
          const changed = await wordsChangedAfterShortCut({ ...setup, secrets, answer, cut });
          expect(changed).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
