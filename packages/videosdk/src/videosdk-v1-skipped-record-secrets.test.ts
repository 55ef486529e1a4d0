import { createLiveStreamClient, UniliveError } from '@unilive/core';
import {
  leakedSecrets,
  refusalEchoing,
  secretEncodingNames,
  secretEncodings,
  shownTexts,
} from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureSettings } from '../test/contract-config.js';
import { v1FixtureRecord, v1SecretFields, v1Secrets } from '../test/secret-records.js';
import { videosdk } from './videosdk-provider.js';

// A v1 list record videosdk could not have sent (an id no call could use) is skipped with a warning, yet it
// carries a stream key and its restream targets' keys: they are learned from what the reading took of it,
// so a later error or event that repeats one, in any encoding, masks it.
describe('videosdk v1: the secrets of a list record that is skipped', () => {
  const record = v1FixtureRecord();

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        v1Secrets,
        fc.constantFrom<unknown>('../x', '', 'a/b', 12, null, undefined),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (secrets, id, encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const { id: _, ...rest } = record;
          const broken = {
            ...rest,
            ...(id === undefined ? {} : { id }),
            ...v1SecretFields(secrets),
          };
          const echo = Object.values(secrets).map(encode).join(' ');
          const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
            const { pathname } = new URL(new Request(input, init).url);
            if (pathname === '/v1/livestreams')
              return Response.json({
                data: [broken],
                pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 1 },
              });
            return refusalEchoing(echo);
          }) as typeof globalThis.fetch;
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
          const listed: string[] = [];
          for await (const stream of client.list()) listed.push(stream.id);
          expect(listed).toEqual([]);
          const error = await client.get('6034a7dfa9cedd724c20cf67').catch((caught: unknown) => caught);
          expect(UniliveError.isInstance(error)).toBe(true);
          showError(error);
          expect(leakedSecrets(secrets, encode, shown)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
