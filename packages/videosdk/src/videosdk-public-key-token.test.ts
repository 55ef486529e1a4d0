import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveVideosdkCredentials } from './videosdk-auth.js';
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

// Every character `trim` drops (Unicode's White_Space and the BOM) and NEL, which core's trimWhitespace adds.
const whitespace = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];

function refusal(token: string): unknown {
  try {
    videosdkPublicKey({ baseUrl: 'https://keys.example', token });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('videosdkPublicKey: a token no request could carry', () => {
  it('empty or only whitespace, alike: InvalidInputError naming token, operation configure (generated)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6, unit: fc.constantFrom(...whitespace) }), (token) => {
        const caught = refusal(token);
        expect(InvalidInputError.isInstance(caught), JSON.stringify(token)).toBe(true);
        expect(caught).toMatchObject({
          operation: 'configure',
          delivery: 'not-sent',
          issues: [{ path: 'token', message: 'expected a token, or the setting left out to send none' }],
        });
      }),
      { examples: [[''], ['   '], ['\u0085'], ['\ufeff']] },
    );
  });

  it('is refused exactly when the adapter refuses it as its own token setting (generated)', () => {
    // The adapter checks its token before its first request (resolveVideosdkCredentials); the key source
    // checks the same values when it is made, so neither ever sends one the other refuses.
    const unit = fc.constantFrom(
      'e',
      'J',
      '.',
      ' ',
      '\u00e9',
      '\u20ac',
      '\u2028',
      '\u{1f600}',
      '\u0085',
      '\t',
    );
    const token = fc.oneof(
      fc.string({ maxLength: 8, unit }),
      fc.string({ minLength: 1, maxLength: 6, unit }).map((rest) => `Bearer ${rest}`),
    );
    fc.assert(
      fc.property(token, (given) => {
        const caught = refusal(given);
        let adapterRefuses = false;
        try {
          resolveVideosdkCredentials({ token: given });
        } catch {
          adapterRefuses = true;
        }
        expect(caught === undefined, JSON.stringify(given)).toBe(!adapterRefuses);
        if (caught !== undefined) {
          expect(InvalidInputError.isInstance(caught)).toBe(true);
          expect(caught).toMatchObject({ operation: 'configure', issues: [{ path: 'token' }] });
        }
      }),
      {
        examples: [[''], ['   '], ['a\u20acb'], ['a\u2028b'], ['Bearer eyJ'], ['a\u00e9b'], ['eyJ.e.J']],
      },
    );
  });

  it('sends a token beyond Latin-1 or blank nowhere: nothing is fetched', () => {
    let fetched = 0;
    const fetch = (async () => {
      fetched += 1;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    for (const token of ['', '  ', 'eyJ\u20ac-SECRETTOKEN', 'Bearer eyJ-SECRETTOKEN']) {
      let caught: unknown;
      try {
        videosdkPublicKey({ baseUrl: 'https://keys.example', fetch, token });
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      // The token is never shown.
      expect(JSON.stringify(caught) + String(caught)).not.toContain('SECRETTOKEN');
    }
    expect(fetched).toBe(0);
  });
});
