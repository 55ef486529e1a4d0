import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';
import { SecretSet, secretForms, secretStretchLength } from './secrets.js';

// A vendor or a gateway that echoes a credential may wrap it (PEM at 64 characters a line, MIME at 76, some
// loggers at 20) or write it in groups: each line or group is a middle part of a form, which neither begins
// nor ends it. Every such stretch of 16 or more characters must be hidden, not only the first and last line.

const keyCharacter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.');
const credential = fc
  .array(keyCharacter, { minLength: 32, maxLength: 256 })
  .map((characters) => characters.join(''));
const echoes: Record<string, (secret: string) => string> = {
  raw: (secret) => secret,
  basic: (secret) => Buffer.from(`team-ops:${secret}`).toString('base64'),
  base64: (secret) => Buffer.from(secret).toString('base64'),
  base64url: (secret) => Buffer.from(secret).toString('base64url'),
  hex: (secret) => Buffer.from(secret).toString('hex'),
  hexUpper: (secret) => Buffer.from(secret).toString('hex').toUpperCase(),
};
const separator = fc.constantFrom('\n', '\r\n', ' ', '\n  ');

function wrapped(text: string, width: number, between: string): string {
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += width) lines.push(text.slice(start, start + width));
  return lines.join(between);
}

// What a reader of the scrubbed text can still see of the secret: every stretch of a form of it, of
// `secretStretchLength` characters, left in the text.
function visibleStretches(text: string, secret: string): string[] {
  const seen: string[] = [];
  for (const form of secretForms(secret))
    for (let start = 0; start + secretStretchLength <= form.length; start += 1) {
      const stretch = form.slice(start, start + secretStretchLength);
      if (text.includes(stretch)) seen.push(stretch);
    }
  return seen;
}

describe('a credential echoed wrapped or in groups', () => {
  it('leaves no stretch of 16 characters of any form, whatever the width (generated)', () => {
    fc.assert(
      fc.property(
        credential,
        fc.constantFrom(...Object.keys(echoes)),
        fc.integer({ min: secretStretchLength, max: 80 }),
        separator,
        fc.boolean(),
        (secret, echo, width, between, asSet) => {
          const message = `The credentials ${wrapped((echoes[echo] as (s: string) => string)(secret), width, between)} were refused`;
          let out: string;
          if (asSet) {
            const set = new SecretSet();
            set.add(secret);
            out = set.redact(message);
          } else out = redact(message, [secret]);
          expect(visibleStretches(out, secret)).toEqual([]);
          // The vendor's own words stay.
          expect(out.startsWith('The credentials ')).toBe(true);
          expect(out.endsWith(' were refused')).toBe(true);
        },
      ),
      {
        examples: [
          // PEM and MIME widths of a long key's Basic value, and a 62-character key's base64 in lines of 20.
          ['x'.repeat(8) + 'A1b2C3d4'.repeat(23), 'basic', 64, '\n', false],
          ['x'.repeat(8) + 'A1b2C3d4'.repeat(23), 'basic', 76, '\r\n', true],
          ['Zq8'.repeat(20) + 'k9', 'base64', 20, '\n', false],
          ['Zq8'.repeat(20) + 'k9', 'raw', 16, ' ', true],
        ],
      },
    );
  });

  it('leaves text that holds no stretch of the secret as it was (generated)', () => {
    fc.assert(
      fc.property(credential, fc.string({ maxLength: 200 }), (secret, text) => {
        fc.pre(visibleStretches(text, secret).length === 0);
        fc.pre(!text.includes('[REDACTED]'));
        // Only shapes a scrubber masks by pattern (Bearer, Basic, key=…) may change such a text.
        fc.pre(!/bearer|basic|key|token|secret|pass|auth|sig|rtmp|:\/\/|@|eyJ/i.test(text));
        expect(redact(text, [secret])).toBe(text);
      }),
    );
  });
});

describe('a credential echoed HTML-escaped', () => {
  const special = fc.constantFrom(...'&<>"\'');
  const withSpecial = fc
    .tuple(fc.array(fc.oneof(keyCharacter, special), { minLength: 12, maxLength: 40 }), special)
    .map(([characters, one]) => `${characters.join('')}${one}Zz9`);
  const escapers: Record<string, (text: string) => string> = {
    // lodash / most template engines
    common: (text) =>
      text
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&#39;'),
    // Python's html.escape
    python: (text) =>
      text
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&#x27;'),
    // Go's html.EscapeString
    go: (text) =>
      text
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&#34;')
        .replaceAll("'", '&#39;'),
    xml: (text) =>
      text
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&apos;'),
  };

  it('is hidden whole, by every common escaper (generated)', () => {
    fc.assert(
      fc.property(withSpecial, fc.constantFrom(...Object.keys(escapers)), (secret, escaper) => {
        const escaped = (escapers[escaper] as (text: string) => string)(secret);
        const out = redact(`Invalid credentials ${escaped} (code 401)`, [secret]);
        expect(out).toBe('Invalid credentials [REDACTED] (code 401)');
      }),
      { examples: [[`Sk&live<2024>"key'0123456789`, 'common']] },
    );
  });
});
