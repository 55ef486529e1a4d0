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
import { fixtureSettings } from '../test/contract-config.js';
import { v1FixtureRecord, v1SecretFields, v1Secrets } from '../test/secret-records.js';
import { videosdk } from './videosdk-provider.js';

// A v1 create or update answered with a 2xx the schema refuses (a field of the wrong type, or for a create
// an id no call could use) still brings the stream key and its restream targets' keys: they are learned
// from what the schema read of it, so a later error or event that repeats one, in any encoding, masks it.
describe('videosdk v1: the secrets of a refused create or update answer', () => {
  const record = v1FixtureRecord();
  const id = String(record.id);
  const spoiled: Record<string, unknown>[] = [
    { id, name: 12 },
    { id, record: 'yes' },
    { id, user: 'x' },
  ];

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        v1Secrets,
        fc.oneof(
          fc.tuple(fc.constant('create'), fc.constantFrom(...spoiled, { id: '../x' }, { id: 12 })),
          fc.tuple(fc.constant('update'), fc.constantFrom(...spoiled)),
        ),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (secrets, [call, spoil], encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const broken = {
            ...record,
            ...v1SecretFields(secrets),
            ...spoil,
          };
          const echo = Object.values(secrets).map(encode).join(' ');
          const fetch = firstChangeAnswered(broken, () => refusalEchoing(echo), {
            methods: ['POST'],
            status: () => 200,
          });
          const { hooks, shown, showError } = shownTexts();
          const client = createLiveStreamClient(
            videosdk({
              ...fixtureSettings,
              baseUrl: 'https://api.videosdk.live',
              fetch,
              retry: { maxRetries: 0 },
            }),
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
