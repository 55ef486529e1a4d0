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
import { fixtureClientSettings, fixtureRecord, secretFields, streamSecrets } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// A list record LiveAPI could not have sent (an id no call could use) is skipped with a warning, yet it
// carries a stream key (`lv_…?password=…`: the `lv_…` part alone is public, in every player URL), its
// password and its platforms' keys: they are learned from what the reading
// took of it, so a later error or event that repeats one, in any encoding, masks it.
describe('liveapi: the secrets of a list record that is skipped', () => {
  const record = fixtureRecord();

  it('a later 422 repeating them shows them masked, with or without hooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamSecrets,
        fc.constantFrom<unknown>('../x', '', 'a/b', 12, null, undefined),
        fc.constantFrom(...secretEncodingNames),
        fc.boolean(),
        async (secrets, id, encoding, hooked) => {
          const encode = secretEncodings[encoding];
          const { _id: _, ...rest } = record;
          const broken = {
            ...rest,
            ...(id === undefined ? {} : { _id: id }),
            ...secretFields(secrets),
          };
          const echo = Object.values(secrets).map(encode).join(' ');
          const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
            const { pathname } = new URL(new Request(input, init).url);
            if (pathname === '/live_streams')
              return Response.json({ docs: [broken], page: 1, pages: 1, total: 1, limit: 10 });
            return refusalEchoing(echo);
          }) as typeof globalThis.fetch;
          const { hooks, shown, showError } = shownTexts();
          const client = createLiveStreamClient(
            liveapi({ ...fixtureClientSettings, fetch, retry: { maxRetries: 0 } }),
            hooked ? { hooks } : {},
          );
          const listed: string[] = [];
          for await (const stream of client.list()) listed.push(stream.id);
          expect(listed).toEqual([]);
          const error = await client.get('6226ce5f31ddbeb3754aa243').catch((caught: unknown) => caught);
          expect(UniliveError.isInstance(error)).toBe(true);
          showError(error);
          expect(leakedSecrets(secrets, encode, shown)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
