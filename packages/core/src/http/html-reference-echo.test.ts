import fc from 'fast-check';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOnlyEchoHidden, failedGetEchoing, shownOf } from '../../test/echo-call.js';
import { SecretSet, UniliveError } from '../index.js';

// A vendor (or a proxy or error page in front of it) that HTML-escapes what it echoes: every character as
// a numeric character reference (`&#83;&#101;…`, `&#x53;&#x65;…`), or only the characters an escaper
// rewrites, as PHP's `htmlspecialchars` (`'` as `&#039;`), Go's `html/template` (`+` as `&#43;`) or an
// encoder writing numeric references only (`&#38;`, `&#60;`, `&#62;`) gives them.
const origin = 'https://api.html-vendor.test';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

type Reference = 'decimal' | 'hex' | 'HEX' | 'Xhex' | 'XHEX';

// Every code point of `secret` as a numeric character reference.
function numericReferences(secret: string, reference: Reference): string {
  let out = '';
  for (const character of secret) {
    const code = character.codePointAt(0) as number;
    const hex = code.toString(16);
    out +=
      reference === 'decimal'
        ? `&#${code};`
        : reference === 'hex'
          ? `&#x${hex};`
          : reference === 'HEX'
            ? `&#x${hex.toUpperCase()};`
            : reference === 'Xhex'
              ? `&#X${hex};`
              : `&#X${hex.toUpperCase()};`;
  }
  return out;
}

// What each escaper writes for the characters it changes.
const escapers: Record<string, Record<string, string>> = {
  php: { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' },
  goTemplate: { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '+': '&#43;' },
  numeric: { '&': '&#38;', '<': '&#60;', '>': '&#62;', '"': '&#34;', "'": '&#39;' },
  python: { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' },
  he: { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;' },
};

function escaped(secret: string, escaper: string): string {
  const table = escapers[escaper] as Record<string, string>;
  let out = '';
  for (const character of secret) out += table[character] ?? character;
  return out;
}

const ordinary = fc.constantFrom(...'abcdefghEFGHKLMNSZ0123456789-_.'.split(''));
const special = fc.constantFrom('&', '<', '>', '"', "'", '+', '`');
// A credential of 8 to 20 characters: letters and digits (most API keys), other printable ASCII, some
// past ASCII (a password), or one with at least one character an escaper rewrites.
const plainSecret = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{8,20}$/),
  fc.string({ unit: fc.constantFrom(...'aZ9-_.~!*()@$%^=:;,?/'.split('')), minLength: 8, maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('a', 'Q', '7', '\u00e9', '\u20ac', '\ud83d\ude00'),
    minLength: 8,
    maxLength: 16,
  }),
);
const specialSecret = fc
  .tuple(
    fc.array(ordinary, { minLength: 4, maxLength: 10 }),
    special,
    fc.array(fc.oneof(ordinary, special), { minLength: 3, maxLength: 9 }),
  )
  .map(([head, one, tail]) => [...head, one, ...tail].join(''));

const failedCallEchoing = (secret: string, echoed: string, status: number) =>
  failedGetEchoing('html-vendor', origin, secret, echoed, status);

// The echo is hidden from the typed error, its message and requestId, and every hook event.
async function expectEchoHidden(secret: string, echoed: string, status: number): Promise<unknown[]> {
  const { error, events } = await failedCallEchoing(secret, echoed, status);
  expect(error.message).toContain('upstream rejected key [REDACTED]');
  expect(error.requestId).toBe('[REDACTED]');
  const text = shownOf(error, events);
  expect(text).not.toContain(secret);
  expect(text).not.toContain(echoed);
  return events;
}

describe('a secret echoed as HTML character references', () => {
  it('every character a numeric reference: redacted from the typed error, its requestId and every hook event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(plainSecret, specialSecret),
        fc.constantFrom<Reference>('decimal', 'hex', 'HEX', 'Xhex', 'XHEX'),
        fc.constantFrom(400, 401, 403, 500),
        async (secret, reference, status) => {
          const events = await expectEchoHidden(secret, numericReferences(secret, reference), status);
          expect(events.some((event) => UniliveError.isInstance((event as { error?: unknown }).error))).toBe(
            true,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('only the characters an escaper rewrites, as PHP, Go templates, Python, he or a numeric-only encoder write them: redacted', async () => {
    await fc.assert(
      fc.asyncProperty(specialSecret, fc.constantFrom(...Object.keys(escapers)), async (secret, escaper) => {
        await expectEchoHidden(secret, escaped(secret, escaper), 400);
      }),
      { numRuns: 150 },
    );
  });

  it('a 2 kB credential (a JWT) echoed as decimal or hex references: redacted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9_-]{2000,2100}$/),
        fc.constantFrom<Reference>('decimal', 'hex', 'XHEX'),
        async (body, reference) => {
          const secret = `eyJhbGciOiJIUzI1NiJ9.${body}.c2ln`;
          const echoed = numericReferences(secret, reference);
          const { error, events } = await failedCallEchoing(secret, echoed, 401);
          const text = shownOf(error, events);
          expect(text).not.toContain(echoed.slice(0, 120));
          expect(text).not.toContain(secret.slice(0, 40));
        },
      ),
      { numRuns: 10 },
    );
  });
});

// One character as a reference in any style a writer or a filter-dodging echo uses, leading zeros included.
function reference(character: string, style: number): string {
  const code = character.codePointAt(0) as number;
  const hex = code.toString(16);
  switch (style) {
    case 0:
      return `&#${code};`;
    case 1:
      return `&#x${hex};`;
    case 2:
      return `&#X${hex.toUpperCase()};`;
    case 3:
      return `&#000${code};`;
    default:
      return `&#x00${hex.toUpperCase()};`;
  }
}

// `secret` with the characters at the chosen places written as references, the rest as they are; a
// character past ASCII always as a reference, since the echo also travels in a response header.
const partlyReferenced = fc
  .tuple(
    fc.oneof(plainSecret, specialSecret),
    fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 32, maxLength: 32 }),
  )
  .map(([secret, styles]) => {
    const characters = [...secret];
    // At least one reference, so the echo is never the secret as it is.
    const chosen: number[] = styles.slice(0, characters.length);
    if (!chosen.some((style) => style !== -1)) chosen[0] = 0;
    const echoed = characters
      .map((character, index) => {
        const style =
          (chosen[index] ?? -1) === -1 && (character.codePointAt(0) as number) > 0x7e ? 0 : chosen[index];
        return (style ?? -1) === -1 ? character : reference(character, style as number);
      })
      .join('');
    return { secret, echoed };
  });

describe('a secret echoed with some of its characters as numeric references', () => {
  it('any mix of references (decimal, hex, leading zeros) and plain characters: redacted from the error, its requestId and every hook event', async () => {
    await fc.assert(
      fc.asyncProperty(
        partlyReferenced,
        fc.constantFrom(400, 401, 500),
        async ({ secret, echoed }, status) => {
          await expectEchoHidden(secret, echoed, status);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('exactly the echo goes, with the text and the other references around it kept as they were', () => {
    // The text around uses characters no secret here holds, some of them written as references too.
    const around = fc.array(
      fc.oneof(
        fc.constantFrom(' ', '.', ',', '!', '(', ')', '\n'),
        fc.constantFrom(
          '&#32;',
          '&#x2E;',
          '&#33;',
          '&#0040;',
          '&amp;',
          '&#;',
          '&#x;',
          '&#1114112;',
          '&#0;',
          '&#',
        ),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        // Letters and digits, and characters of two bytes and of two UTF-16 units (one reference each).
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
            .map((character, index) =>
              styles[index] === -1 ? character : reference(character, styles[index] as number),
            )
            .join('');
          expectOnlyEchoHidden(secret, echoed, before, after);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a stream key the provider learned, echoed partly as references: redacted', () => {
    fc.assert(
      fc.property(partlyReferenced, ({ secret, echoed }) => {
        const secrets = new SecretSet();
        secrets.learnStream('stream-1', secret);
        expect(secrets.redact(`publish refused for ${echoed}`)).toBe('publish refused for [REDACTED]');
      }),
      { numRuns: 300 },
    );
  });

  it('references that spell no known secret leave the text as it is', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{12,20}$/),
        fc.array(
          fc.oneof(
            fc.constantFrom('a', 'b', '1', ' ', '&', '#', ';', 'x'),
            fc.integer({ min: 0x61, max: 0x7a }).map((code) => `&#${code};`),
            fc.integer({ min: 0x30, max: 0x39 }).map((code) => `&#x${code.toString(16)};`),
            // A reference whose `&` is itself a reference: the second reading decodes it.
            fc.integer({ min: 0x61, max: 0x7a }).map((code) => `&#38;#${code};`),
          ),
          { maxLength: 60 },
        ),
        (secret, parts) => {
          const secrets = new SecretSet();
          secrets.add(secret);
          const text = parts.join('');
          expect(secrets.redact(text)).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('a secret that holds numeric references of its own', () => {
  it('echoed with other characters as references too, its own references as they are or with their `&` escaped: the whole echo goes', () => {
    // The helper's repros, then generated: plain runs of the secret, some written as references, around
    // references the secret holds as text, those written as they are or with their `&` as a reference (an
    // escaper writing `&` as `&#38;`: the first reading shows the secret as it is).
    for (const [secret, echoed] of [
      ['ab&#59;cd&#59;ef', '&#97;b&#59;cd&#59;e&#102;'],
      ['abcdefgh&#59;ijklmnop', '&#97;bcdefgh&#59;ijklmno&#112;'],
      ['SecretHead&#1;SecretTail99', '&#83;ecretHead&#1;&#83;ecretTail99'],
      ['pw&#1;Tok3', '&#112;w&#1;Tok3'],
      ['ab&#59;cd&#59;ef', '&#97;b&#38;#59;cd&#38;#59;e&#102;'],
    ] as const) {
      const secrets = new SecretSet();
      secrets.add(secret);
      expect(secrets.redact(`echo: ${echoed} end`)).toBe('echo: [REDACTED] end');
    }
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.stringMatching(/^[a-zA-Z0-9]{1,6}$/),
            fc.constantFrom('&#59;', '&#1;', '&#x41;', '&#0065;'),
          ),
          { minLength: 3, maxLength: 8 },
        ),
        fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 64, maxLength: 64 }),
        fc.constantFrom('&', '&#38;', '&#x26;', '&#X0026;'),
        fc.boolean(),
        (parts, styles, ampersand, learned) => {
          const secret = parts.join('');
          // As a page shows it, the secret is still long enough to be one (references read back: 8 or more).
          const shown = parts.reduce((length, part) => length + (part.startsWith('&#') ? 1 : part.length), 0);
          fc.pre(secret.includes('&#') && shown >= 8);
          let style = 0;
          const echoed = parts
            .map((part) =>
              part.startsWith('&#')
                ? `${ampersand}${part.slice(1)}`
                : [...part]
                    .map((character) => {
                      const chosen = styles[style++ % styles.length] as number;
                      return chosen === -1 ? character : reference(character, chosen);
                    })
                    .join(''),
            )
            .join('');
          const secrets = new SecretSet();
          if (learned) secrets.learnStream('stream-1', secret);
          else secrets.add(secret);
          expect(secrets.redact(`echo: ${echoed} end`)).toBe('echo: [REDACTED] end');
        },
      ),
      { numRuns: 800 },
    );
  });
});

describe('a secret echoed as references escaped twice', () => {
  it('the `&` of its references written as a reference again (a second numeric-only escaper): redacted, the text around kept', () => {
    // `S` as `&#83;`, then that `&` as `&#38;`: `&#38;#83;`. The first reading shows `&#83;`, the second
    // `S`. Some characters plain, some escaped once, some twice, in every reference style.
    const secrets = new SecretSet();
    secrets.add('Secret-Key-123');
    expect(secrets.redact('echo: &#38;#83;ecret-&#38;#x4B;ey-123 end')).toBe('echo: [REDACTED] end');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z0-9_-]{10,24}$/),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 4 }), fc.boolean()), {
          minLength: 24,
          maxLength: 24,
        }),
        fc.constantFrom('&#38;', '&#x26;', '&#X0026;'),
        fc.boolean(),
        fc.constantFrom('', ' said', ' (&#38;#40;)', ' &#38;amp;'),
        (secret, styles, ampersand, learned, after) => {
          const echoed = [...secret]
            .map((character, index) => {
              const [style, twice] = styles[index] as [number, boolean];
              if (style === -1) return character;
              const once = reference(character, style);
              return twice ? `${ampersand}${once.slice(1)}` : once;
            })
            .join('');
          const secrets = new SecretSet();
          if (learned) secrets.learnStream('stream-1', secret);
          else secrets.add(secret);
          expect(secrets.redact(`echo: ${echoed}${after} end`)).toBe(`echo: [REDACTED]${after} end`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
