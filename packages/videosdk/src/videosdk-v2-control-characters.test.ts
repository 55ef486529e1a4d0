import { InvalidInputError, UniliveError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// Which characters a room id or webhook event name given in providerOptions may carry: core's one rule
// for text sent and stored. The C1 controls (U+0080–U+009F, NEL among them) and the line and paragraph
// separators are refused with the C0 controls and DEL: each ends a line in some log viewer or terminal.

const isControl = (code: number) =>
  code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;

// Every code point but the surrogates (a lone one is no character), weighted towards the ranges that differ.
const codePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0xff }),
    fc.constantFrom(0x2028, 0x2029, 0x85, 0xa0, 0x7f, 0x9f),
    fc.integer({ min: 0, max: 0x10ffff }),
  )
  .filter((code) => code < 0xd800 || code > 0xdfff);

describe('videosdk v2 providerOptions text', () => {
  it('refuses a control character anywhere in customRoomId or an event name, before any request, and sends any other as given', async () => {
    const sent: unknown[] = [];
    const provider = videosdk({
      token: 'header.payload.signature',
      apiVersion: 'v2',
      retry: { maxRetries: 0 },
      fetch: (async (input, init) => {
        sent.push(await new Request(input, init).json());
        return Response.json({ message: 'unavailable' }, { status: 503 });
      }) as typeof fetch,
    });
    await fc.assert(
      fc.asyncProperty(codePoint, fc.constantFrom('customRoomId', 'event'), async (code, field) => {
        sent.length = 0;
        const text = `room${String.fromCodePoint(code)}1`;
        const videosdkOptions =
          field === 'customRoomId'
            ? { customRoomId: text }
            : { webhook: { endPoint: 'https://hooks.example/videosdk', events: [text] } };
        let error: unknown;
        try {
          await provider.create({ name: 'x', providerOptions: { videosdk: videosdkOptions } });
        } catch (caught) {
          error = caught;
        }
        expect(UniliveError.isInstance(error)).toBe(true);
        if (isControl(code)) {
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues[0]?.path).toMatch(
            field === 'customRoomId'
              ? 'providerOptions.videosdk.customRoomId'
              : 'providerOptions.videosdk.webhook',
          );
          expect(sent).toEqual([]);
        } else {
          expect(sent).toHaveLength(1);
          const body = sent[0] as { customRoomId?: string; webhook?: { events: string[] } };
          expect(field === 'customRoomId' ? body.customRoomId : body.webhook?.events[0]).toBe(text);
        }
      }),
      { numRuns: 400 },
    );
  });
});
