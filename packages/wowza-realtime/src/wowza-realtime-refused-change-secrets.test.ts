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
import { fixture } from '../test/recording-fetch.js';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// A 2xx create or update answer the schema refuses (a field of the wrong type, or for a create an id no call
// could use) still brings the stream's publish and subscribe tokens: they are learned from what the
// schema read of it, so a later error or event that repeats one, in any encoding, masks it.
describe('wowza-realtime: the secrets of a refused create or update answer', () => {
  const record = (fixture('get').response.body as { real_time_stream: Record<string, unknown> })
    .real_time_stream;
  const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);
  const id = String(record.id);
  // Fields of the wrong type, beside the stream's own id.
  const spoiled: Record<string, unknown>[] = [
    { id, name: 12 },
    { id, recording: 'yes' },
  ];

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ token, subscribeToken: token }),
        // A create is refused for an id no call could use too; an update answer naming another stream is
        // an answer about that stream (never learned as the one asked for).
        fc.oneof(
          fc.tuple(fc.constant('create'), fc.constantFrom(...spoiled, { id: '../x' }, { id: 12 })),
          fc.tuple(fc.constant('update'), fc.constantFrom(...spoiled)),
        ),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (secrets, [call, spoil], encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const broken = {
            real_time_stream: {
              ...record,
              token: secrets.token,
              subscribe_token: secrets.subscribeToken,
              ...spoil,
            },
          };
          const echo = Object.values(secrets).map(encode).join(' ');
          const fetch = firstChangeAnswered(broken, () =>
            refusalEchoing(echo, {
              meta: {
                status: 422,
                code: 'ERR',
                title: 'x',
                message: `refused: ${echo}`,
                description: echo,
              },
            }),
          );
          const { hooks, shown, showError } = shownTexts();
          const client = createLiveStreamClient(
            wowzaRealtime({ ...fixtureSettings, fetch, retry: { maxRetries: 0 } }),
            hooked ? { hooks } : {},
          );
          // A create fails; an update is an accepted change read back, and the read is refused here.
          await refusedChangeThenGet(client, call, id, showError);
          expect(leakedSecrets(secrets, encode, shown)).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
  });
});
