import { createLiveStreamClient } from '@unilive/core';
import {
  firstChangeAnswered,
  leakedSecrets,
  refusalEchoing,
  refusedChangeThenGet,
  secretEncodingNames,
  secretEncodings,
  shownTexts,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureClientSettings, fixtureRecord, secretFields, streamSecrets } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// A 2xx create or update answer the schema refuses (an id no call could use, a field of the wrong type)
// still brings the stream key, its password and the platforms' keys: they are learned from what the schema
// read of it, so a later error or event that repeats one, in any encoding, masks it.
describe('liveapi: the secrets of a refused create or update answer', () => {
  const record = fixtureRecord();
  const id = '6226ce5f31ddbeb3754aa243';

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamSecrets,
        fc.constantFrom<Record<string, unknown>>(
          { _id: '../x' },
          { _id: id, name: 12 },
          { _id: id, enabled: 'yes' },
        ),
        fc.constantFrom('create', 'update'),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (secrets, spoil, call, encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const broken = { ...record, ...spoil, ...secretFields(secrets) };
          const echo = Object.values(secrets).map(encode).join(' ');
          const fetch = firstChangeAnswered(broken, () => refusalEchoing(echo));
          const { hooks, shown, showError } = shownTexts();
          const client = createLiveStreamClient(
            liveapi({ ...fixtureClientSettings, fetch, retry: { maxRetries: 0 } }),
            hooked ? { hooks } : {},
          );
          // A create fails; an update is an accepted change read back, and the read is refused here.
          await refusedChangeThenGet(client, call, id, showError);
          expect(leakedSecrets(secrets, encode, shown)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
