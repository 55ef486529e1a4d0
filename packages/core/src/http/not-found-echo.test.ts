import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient } from './http-client.js';

// A vendor's "not found" that repeats the stream id the request named: the id may be a stream key passed
// where an id goes (docs/errors.md, NotFoundError), so its texts never show it, whole or cut.
const encodings: Record<string, (id: string) => string> = {
  raw: (id) => id,
  url: (id) => encodeURIComponent(id),
  base64: (id) => Buffer.from(id).toString('base64'),
  upper: (id) => id.toUpperCase(),
};

describe("a 404 or 410 that repeats the request's stream id", () => {
  it('shows no part of it in the error, its code or request id, nor in onResponse and onError, however the texts are cut (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Ids as the adapters take them (Wowza's 8 hex, videosdk's UUID keys, words of letters and digits).
        fc.oneof(
          fc.stringMatching(/^[0-9a-f]{8}$/),
          fc.uuid(),
          // With a letter and a digit, 8 or more: a word of the error's own (\`name\`, a path in its stack)
          // would be found in its texts whether or not the vendor repeated it.
          fc.stringMatching(/^[a-zA-Z0-9_-]{8,40}$/).filter((id) => /[a-zA-Z]/.test(id) && /[0-9]/.test(id)),
        ),
        fc.constantFrom(...Object.keys(encodings)),
        // 402: an answer the adapter reads as NotFoundError (videosdk's "room not found").
        fc.constantFrom(404, 410, 409, 402),
        // Text before the id, so that the message (500 characters) and request id (200) are cut in it.
        fc.integer({ min: 0, max: 520 }),
        fc.integer({ min: 0, max: 210 }),
        fc.boolean(),
        async (id, encoding, status, messagePad, requestIdPad, codeEchoes) => {
          const echoed = (encodings[encoding] as (id: string) => string)(id);
          const vendorText = `${'.'.repeat(messagePad)}live stream ${echoed} not found`;
          const http = createHttpClient({
            provider: 'liveapi',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            readError: (body) => body as { message: string; code: string },
            classifyError: (failure) => (failure.status === 402 ? NotFoundError : undefined),
            fetch: (async () =>
              new Response(
                JSON.stringify({ message: vendorText, code: codeEchoes ? `NF-${echoed}` : 'not_found' }),
                {
                  status,
                  headers: {
                    'content-type': 'application/json',
                    'x-request-id': `${'.'.repeat(requestIdPad)}req-${echoed}`,
                  },
                },
              )) as typeof fetch,
          });
          const heard: unknown[] = [];
          const error = (await http
            .request({
              operation: 'get',
              method: 'GET',
              path: `streams/${id}`,
              stream: id,
              options: {
                runtime: {
                  hooks: {
                    // Its status alone says an answer is not found when onResponse is heard, before the
                    // adapter's reading of it: a 402's event keeps its request id as sent.
                    onResponse: (event) => void (status === 402 || heard.push(event)),
                    onError: (event) => void heard.push(event),
                  },
                },
              },
            })
            .catch((caught: unknown) => caught)) as UniliveError;
          expect(error.status).toBe(status);
          expect(heard).toHaveLength(status === 402 ? 1 : 2);
          if (status !== 409) expect(NotFoundError.isInstance(error)).toBe(true);
          const texts = [
            error.message,
            String(error.vendorMessage),
            String(error.requestId),
            String(error.vendorCode),
            JSON.stringify(error),
            inspect(error),
            String(error.stack),
            // The events' url is the request as sent, which names the id as `onRequest`'s did before any
            // answer: the vendor's texts are what must not repeat it.
            ...heard.flatMap((event) => {
              const { url: _url, ...texts } = event as { url: string };
              return [JSON.stringify(texts), inspect(texts)];
            }),
          ];
          if (status === 409) {
            // The stream exists: its id is an id, and the vendor's words are kept as they came.
            if (vendorText.length <= 400) expect(error.vendorMessage).toBe(vendorText);
            return;
          }
          for (const text of texts) {
            expect(text).not.toContain(echoed);
            // Where the id stood, the mask, or the cut's mark: never the id's first characters.
            for (const marker of ['live stream ', 'req-', 'NF-']) {
              for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
                const next = text.charAt(at + marker.length);
                expect(
                  ['', '[', '…', '"', '\\'],
                  `${marker}${text.slice(at + marker.length, at + marker.length + 12)}`,
                ).toContain(next);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
