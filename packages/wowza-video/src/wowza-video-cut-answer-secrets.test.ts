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
import { fixture, fixtureToken } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

// A 2xx create, update or get answer that broke off (truncated JSON, a lost connection, a gzip stream cut)
// still brought the secrets before the cut: they are learned from what arrived (Wowza lists a record's
// fields in alphabetical order, so the stream's `id` often comes after its key and password), so a later
// error or event that repeats one, in any encoding, masks it.
describe('wowza-video: the secrets of an answer that broke off', () => {
  const record = (fixture('get').response.body as { live_stream: Record<string, unknown> }).live_stream;
  const source = record.source_connection_information as Record<string, unknown>;
  const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);
  const id = String(record.id);

  const answerFor = (secrets: { streamName: string; password: string; connectionCode: string }) => ({
    live_stream: {
      ...record,
      connection_code: secrets.connectionCode,
      source_connection_information: {
        ...source,
        stream_name: secrets.streamName,
        password: secrets.password,
      },
    },
  });
  // What every property hands the testing helpers besides the secrets, the answer and the case: the other
  // requests are refused with Wowza's 503, repeating the given texts.
  const setup: Omit<CutAnswerPlan, 'secrets' | 'answer'> = {
    id,
    refusal: (repeated) =>
      unavailableEchoing(repeated, {
        meta: { status: 503, code: 'ERR', title: 'x', message: `busy: ${repeated}`, description: repeated },
      }),
    adapter: (transport) => wowzaVideo({ token: fixtureToken, ...transport }),
  };

  it('a later 503 repeating those that arrived whole shows them masked, however it was cut, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ streamName: token, password: token, connectionCode: token }),
        cutAnswerCases(['create', 'update', 'get']),
        async (secrets, cut) => {
          const leaks = await leaksAfterCutAnswer({ ...setup, secrets, answer: answerFor(secrets), cut });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a later message holding ordinary words that start with the 4 to 7 characters of a secret that arrived shows them unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ streamName: token, password: token, connectionCode: token }),
        shortCutCases(['create', 'update', 'get']),
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

  it('a password in the user information of a source URL that broke off before its @ is hidden by its beginning', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        fc.constantFrom('primary_server', 'backup_server', 'source_url'),
        fc.constantFrom('rtmp', 'rtsp'),
        cutAnswerCases(['create', 'update', 'get']).map((cut) => ({ ...cut, within: cut.within ?? 0 })),
        async (urlPassword, field, scheme, cut) => {
          const answer = {
            live_stream: {
              ...record,
              source_connection_information: {
                ...source,
                [field]: `${scheme}://client:${urlPassword}@h.example.com/app`,
              },
            },
          };
          const leaks = await leaksAfterCutAnswer({ ...setup, secrets: { urlPassword }, answer, cut });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
