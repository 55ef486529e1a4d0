import {
  type CutAnswerPlan,
  cutAnswerCases,
  leaksAfterCutAnswer,
  shortCutCases,
  wordsChangedAfterShortCut,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureClientSettings,
  fixtureRecord,
  type StreamSecrets,
  secretFields,
  streamSecrets,
} from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// A 2xx create, update or get answer that broke off (truncated JSON, a lost connection, a gzip stream cut)
// still brought the stream key, its password and the platforms' keys before the cut: they are learned from
// what arrived, so a later error or event that repeats one, in any encoding, masks it.
describe('liveapi: the secrets of an answer that broke off', () => {
  const record = fixtureRecord();
  const id = String(record._id);
  const { ingest: _ingest, platforms: _platforms, ...rest } = record;
  const reversed = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).reverse());

  // Fields in the order LiveAPI sends them, or the key first: a record cut after the key and before the
  // server (or before the stream's id) still teaches it.
  const answerFor = (secrets: StreamSecrets, keyFirst: boolean) => {
    const { ingest, platforms } = secretFields(secrets);
    return keyFirst
      ? { ingest: reversed(ingest), platforms: platforms.map(reversed), ...rest }
      : { ...record, ingest, platforms };
  };
  const adapter: CutAnswerPlan['adapter'] = (transport) =>
    liveapi({ ...fixtureClientSettings, ...transport });

  it('a later 503 repeating those that arrived whole shows them masked, however it was cut, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamSecrets,
        fc.boolean(),
        cutAnswerCases(['create', 'update', 'get']),
        async (secrets, keyFirst, cut) => {
          const answer = answerFor(secrets, keyFirst);
          const leaks = await leaksAfterCutAnswer({ secrets, answer, id, cut, adapter });
          expect(leaks).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a later message holding ordinary words that start with the 4 to 7 characters of a secret that arrived shows them unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamSecrets,
        fc.boolean(),
        shortCutCases(['create', 'update', 'get']),
        async (secrets, keyFirst, cut) => {
          const answer = answerFor(secrets, keyFirst);
          const changed = await wordsChangedAfterShortCut({ secrets, answer, id, cut, adapter });
          expect(changed).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
