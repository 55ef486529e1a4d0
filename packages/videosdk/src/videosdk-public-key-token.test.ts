import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdkPublicKey } from './videosdk-webhooks.js';

// The key source's `token` is sent as `Authorization`, as the adapter's own `token` is: it is checked by the
// same rule (docs/errors.md: control characters C0, DEL or C1 refused before any request), when the source
// is made, so a token the adapter refuses is never sent by the key source either.

describe('videosdkPublicKey: a token holding a control character', () => {
  it('is an InvalidInputError naming token when the source is made, nothing fetched (generated)', () => {
    let fetched = 0;
    const fetch = (async () => {
      fetched += 1;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const part = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('e', 'y', 'J', '.', '_') });
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.constant(0x7f),
      fc.integer({ min: 0x80, max: 0x9f }),
    );
    fc.assert(
      fc.property(part, control, part, (before, code, after) => {
        const token = `${before}${String.fromCharCode(code)}${after}`;
        let caught: unknown;
        try {
          videosdkPublicKey({ baseUrl: 'https://keys.example', fetch, token });
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), `U+${code.toString(16)}`).toBe(true);
        expect(caught).toMatchObject({ operation: 'configure', issues: [{ path: 'token' }] });
        // The token is never shown.
        expect((caught as InvalidInputError).message).not.toContain(before + String.fromCharCode(code));
      }),
      {
        examples: [
          ['eyJ', 0x85, 'abc'],
          ['eyJ', 0x09, 'abc'],
          ['eyJ', 0x0a, 'abc'],
          ['eyJ', 0x7f, 'x'],
        ],
      },
    );
    expect(fetched).toBe(0);
  });

  it('leaves a token the adapter takes as it is', () => {
    expect(() =>
      videosdkPublicKey({ baseUrl: 'https://keys.example', token: 'eyJhbGciOi.eyJ.sig' }),
    ).not.toThrow();
  });
});
