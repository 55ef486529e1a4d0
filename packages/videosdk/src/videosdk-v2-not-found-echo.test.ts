import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { createLiveStreamClient, type UniliveError } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// Every request a v2 call makes about a room names it (its path or its body's `roomId`): a "not found" that
// repeats the room id hides it, in the error's texts and the hooks' events, however long the vendor's text,
// on the requests whose path does not hold the id too (deactivating the room, starting and ending the HLS
// egress, the RTMP-outs), as on `GET v2/rooms/{id}` (docs/errors.md, NotFoundError).

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';

describe('videosdk v2: a not-found answer that repeats the room id', () => {
  it('never shows the id, whole or cut, on delete, start, stop and get (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/),
        fc.constantFrom('delete', 'start', 'stop', 'get'),
        fc.constantFrom(404, 410, 402),
        fc.integer({ min: 0, max: 520 }),
        fc.integer({ min: 0, max: 210 }),
        fc.integer({ min: 0, max: 100 }),
        async (room, call, status, messagePad, requestIdPad, codePad) => {
          const fetch = (async () =>
            new Response(
              JSON.stringify({
                message: `${'.'.repeat(messagePad)}room ${room} not found`,
                code: `${'.'.repeat(codePad)}code-${room}`,
              }),
              {
                status,
                headers: {
                  'content-type': 'application/json',
                  'x-request-id': `${'.'.repeat(requestIdPad)}req-${room}`,
                },
              },
            )) as typeof globalThis.fetch;
          const heard: unknown[] = [];
          const client = createLiveStreamClient(
            videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch }),
            {
              hooks: {
                onResponse: (event) => {
                  // The status alone tells onResponse an answer is not found: a 402's keeps its request id.
                  if (status !== 402) heard.push({ ...event, url: undefined });
                },
                onError: (event) => void heard.push({ ...event, url: undefined }),
              },
            },
          );
          const error = (await (client[call] as (id: string) => Promise<unknown>)(room).catch(
            (caught: unknown) => caught,
          )) as UniliveError;
          expect(error?.name, String(error)).toBe('NotFoundError');
          for (const text of [
            error.message,
            String(error.vendorMessage),
            String(error.vendorCode),
            String(error.requestId),
            JSON.stringify(error),
            inspect(error),
            String(error.stack),
            ...heard.flatMap((event) => [JSON.stringify(event), inspect(event)]),
          ]) {
            expect(text).not.toContain(room);
            // Where the id stood: the mask, or a cut's mark, never its first characters.
            for (const marker of ['room ', 'code-', 'req-']) {
              for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
                expect(['', '[', '…', '"', '\\', "'"]).toContain(text.charAt(at + marker.length));
              }
            }
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});
