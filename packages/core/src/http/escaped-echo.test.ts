import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOnlyEchoHidden, failedGetEchoing, shownOf } from '../../test/echo-call.js';
import { redact, SecretSet } from '../index.js';

// A vendor (or a proxy in front of it) that echoes a credential with some of its characters escaped and the
// rest as they are: a JSON writer escaping one character as `\uXXXX`, a server percent-encoding the bytes of
// the header it received (a UTF-8 sequence as `%C3%A9`, a Latin-1 byte as `%E9`), or a filter-dodging mix of
// those and HTML numeric references. Every character escaped is one form of its own; a mix is not, and is
// found by reading the text with its escapes decoded.
const origin = 'https://api.escaping-vendor.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const hex = (code: number, width: number, upper: boolean) => {
  const digits = code.toString(16).padStart(width, '0');
  return upper ? digits.toUpperCase() : digits;
};

const utf8 = new TextEncoder();

/** How one character is written: -1 as it is, else an escape. */
type Style = -1 | 0 | 1 | 2 | 3 | 4;

// One character escaped in a style: JSON `\uXXXX` (lower, upper), its UTF-8 bytes percent-encoded (upper,
// lower), an HTML numeric reference.
function escapeCharacter(character: string, style: Style): string {
  const code = character.codePointAt(0) as number;
  switch (style) {
    case -1:
      return character;
    case 0:
    case 1: {
      let out = '';
      for (let unit = 0; unit < character.length; unit += 1)
        out += `\\u${hex(character.charCodeAt(unit), 4, style === 1)}`;
      return out;
    }
    case 2:
    case 3:
      return [...utf8.encode(character)].map((byte) => `%${hex(byte, 2, style === 2)}`).join('');
    default:
      return `&#${code};`;
  }
}

// Letters and digits (most API keys), base64's `+/=`, other printable ASCII, Latin-1 past ASCII (a password
// typed on a European keyboard, which a header carries as one byte), and characters past Latin-1.
const secretCharacter = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghXYZKLM0123456789'.split('')) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('+', '/', '=', '-', '_', '.', '~', '!', '*', '@', ':', ',', '&', '"'),
  },
  { weight: 2, arbitrary: fc.constantFrom('\u00e9', '\u00fc', '\u00df', '\u00a7', '\u00ff') },
  { weight: 1, arbitrary: fc.constantFrom('\u20ac', '\u4e2d', '\ud83d\ude00') },
);

const secretOf = fc
  .array(secretCharacter, { minLength: 8, maxLength: 24 })
  .map((characters) => characters.join(''));

// `secret` with the characters at the chosen places escaped, at least one of them; a character past ASCII
// always escaped, since the echo also travels in a response header.
const partlyEscaped = fc
  .tuple(secretOf, fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 24, maxLength: 24 }))
  .map(([secret, styles]) => {
    const characters = [...secret];
    const chosen = styles.slice(0, characters.length) as Style[];
    if (!chosen.some((style) => style !== -1)) chosen[0] = 0;
    const echoed = characters
      .map((character, index) => {
        const style = chosen[index] ?? -1;
        const ascii = (character.codePointAt(0) as number) <= 0x7e;
        return escapeCharacter(character, style === -1 && !ascii ? 2 : style);
      })
      .join('');
    return { secret, echoed };
  });

const failedCallEchoing = (secret: string, echoed: string, status: number) =>
  failedGetEchoing('escaping-vendor', origin, secret, echoed, status);

describe('a secret echoed with some of its characters escaped', () => {
  it('any mix of JSON \\uXXXX, percent-encoded UTF-8 or Latin-1 bytes, numeric references and plain characters: hidden from the typed error, its requestId and every hook event', async () => {
    await fc.assert(
      fc.asyncProperty(partlyEscaped, fc.constantFrom(400, 401, 500), async ({ secret, echoed }, status) => {
        const { error, events } = await failedCallEchoing(secret, echoed, status);
        expect(error.message).toContain('upstream rejected key [REDACTED]');
        expect(error.requestId).toBe('[REDACTED]');
        const shown = shownOf(error, events);
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(echoed);
      }),
      { numRuns: 150 },
    );
  });

  it('a Latin-1 token a server echoes with its byte percent-encoded (SECRETtok%E912345678): hidden whole', () => {
    const secrets = new SecretSet();
    secrets.add('SECRETtok\u00e912345678');
    expect(secrets.redact('invalid token SECRETtok%E912345678 (401)')).toBe('invalid token [REDACTED] (401)');
    expect(secrets.redact('invalid token SECRETtok%e912345678')).toBe('invalid token [REDACTED]');
  });

  it('a Latin-1 secret URL-encoded with its Latin-1 bytes, those that spell a UTF-8 sequence too (ß§ as %DF%A7): hidden', () => {
    const latin1Character = fc.oneof(
      fc.constantFrom(...'abXY09-_.~!*+/='.split('')),
      fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('\u00df\u00a7', '\u00c4\u00b0', '\u00e9\u00a3\u00b1', '\u00f0\u009f\u0098\u0080'),
    );
    fc.assert(
      fc.property(
        fc.array(latin1Character, { minLength: 6, maxLength: 16 }).map((parts) => parts.join('')),
        fc.boolean(),
        (secret, upper) => {
          fc.pre(/[\u0080-\u00ff]/.test(secret));
          const echoed = [...secret]
            .map((character) => {
              const code = character.charCodeAt(0);
              if (code >= 0x80) return `%${hex(code, 2, upper)}`;
              // One encoder writes every escape in the same case.
              const encoded = encodeURIComponent(character);
              return upper ? encoded : encoded.replace(/%[0-9A-F]{2}/g, (sequence) => sequence.toLowerCase());
            })
            .join('');
          const secrets = new SecretSet();
          secrets.add(secret);
          expect(secrets.redact(`refused ${echoed} (401)`)).toBe('refused [REDACTED] (401)');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('exactly the echo goes: the text and the escapes around it are kept as they were', () => {
    // Escapes of characters no secret here holds, and near-escapes that are none. A space stands on each
    // side of the echo: a character a key may hold next to it (`u`, `%` not starting an escape) is read as
    // part of it, as a key cut or run on is, and `%` then `ab…` would be an escape of its own.
    const around = fc.array(
      fc.oneof(
        fc.constantFrom(' ', '.', '(', ')', '\n', '% ', '\\ ', 'u'),
        fc.constantFrom(
          '%20',
          '%2e',
          '%E2%82 ',
          '%zz',
          '%4 ',
          '\\u0020',
          '\\u002E',
          '\\u00 ',
          '\\x41',
          '&#32;',
          '&#; ',
        ),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom(...'abcXYZ0189'),
            fc.constantFrom('\u00e9', '\u20ac', '\ud83d\ude00'),
          ),
          minLength: 10,
          maxLength: 24,
        }),
        fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 24, maxLength: 24 }),
        around,
        around,
        (secret, styles, before, after) => {
          const echoed = [...secret]
            .map((character, index) => escapeCharacter(character, styles[index] as Style))
            .join('');
          expectOnlyEchoHidden(secret, echoed, before, after, ' ');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a stream key the provider learned, or a secret given to redact(), echoed partly escaped: hidden', () => {
    fc.assert(
      fc.property(partlyEscaped, ({ secret, echoed }) => {
        const secrets = new SecretSet();
        secrets.learnStream('stream-1', secret);
        expect(secrets.redact(`publish refused for ${echoed}`)).toBe('publish refused for [REDACTED]');
        expect(redact(`publish refused for ${echoed}`, [secret])).toBe('publish refused for [REDACTED]');
      }),
      { numRuns: 300 },
    );
  });

  it('an echo escaped twice (its % or & escaped again): hidden', () => {
    const secrets = new SecretSet();
    secrets.add('SECRETtok12345678+/=9');
    expect(secrets.redact('key SECR%2545Ttok12345678+/=9 refused')).toBe('key [REDACTED] refused');
    expect(secrets.redact('key SECR&#38;#69;Ttok12345678+/=9 refused')).toBe('key [REDACTED] refused');
  });

  it('a secret holding escapes of its own (pass%41word, Ab\\u0022Zq, ab&#59;cd), echoed with other characters escaped: hidden', () => {
    // The echo's reading decodes the secret's own escapes too, so the secret as written is not in it: the
    // secret read back is a form of its own. An escaper that rewrites only the quote (PHP's JSON_HEX_QUOT, he)
    // gives such an echo.
    const ownEscape = fc.constantFrom('%41', '%4D', '%c3%a9', '\\u0022', '\\u00e9', '&#59;', '&#x22;');
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: secretCharacter }, { weight: 1, arbitrary: ownEscape }), {
          minLength: 8,
          maxLength: 20,
        }),
        fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 20, maxLength: 20 }),
        (pieces, styles) => {
          fc.pre(pieces.some((piece) => piece.length > 2));
          const secret = pieces.join('');
          // The pieces that are plain characters escaped by style (at least one), the secret's own escapes
          // left as they are.
          let escapedOne = false;
          const echoed = pieces
            .map((piece, index) => {
              const style = (styles[index] ?? -1) as Style;
              const ascii = (piece.codePointAt(0) as number) <= 0x7e;
              if (piece.length > 2 || (style === -1 && ascii)) return piece;
              escapedOne = true;
              return escapeCharacter(piece, style === -1 ? 2 : style);
            })
            .join('');
          fc.pre(escapedOne);
          const secrets = new SecretSet();
          secrets.add(secret);
          expect(secrets.redact(`refused: ${echoed} (400)`)).toBe('refused: [REDACTED] (400)');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an echo JSON-escaped twice (a JSON document quoted as a string in another): hidden', () => {
    fc.assert(
      fc.property(partlyEscaped, ({ secret, echoed }) => {
        // The echo (its `\\u` escapes a JSON writer's) quoted as a string in another JSON document: its
        // backslashes escaped once more.
        const twice = JSON.stringify(echoed).slice(1, -1);
        const secrets = new SecretSet();
        secrets.add(secret);
        // A space after the echo: a `\\` right after a key may be read as part of it (a key may hold one).
        expect(secrets.redact(`{"error":"upstream said: {\\"message\\": \\"bad key ${twice} \\"}"}`)).toBe(
          '{"error":"upstream said: {\\"message\\": \\"bad key [REDACTED] \\"}"}',
        );
      }),
      { numRuns: 300 },
    );
    const secrets = new SecretSet();
    secrets.add('p\u00e4ssw\u00f6rd-\u00f1o\u00f1o');
    expect(secrets.redact('x p\\\\u00e4ssw\\\\u00f6rd-\\\\u00f1o\\\\u00f1o y')).toBe('x [REDACTED] y');
  });

  it('escapes that spell no known secret leave the text as it is', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{12,20}$/),
        fc.array(
          fc.oneof(
            fc.constantFrom('a', 'b', '1', ' ', '%', '\\', 'u', ';'),
            fc.integer({ min: 0x61, max: 0x7a }).map((code) => `%${hex(code, 2, true)}`),
            fc.integer({ min: 0x61, max: 0x7a }).map((code) => `\\u${hex(code, 4, false)}`),
            fc.integer({ min: 0x80, max: 0xff }).map((code) => `%${hex(code, 2, false)}`),
          ),
          { maxLength: 40 },
        ),
        (secret, pieces) => {
          const text = pieces.join('');
          expect(redact(text, [secret])).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
