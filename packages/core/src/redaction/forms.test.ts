import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretSet } from '../secrets.js';
import { classifiedSecretForms, minimumSecretLength, numericReferenceForms, secretForms } from './forms.js';

// The forms as first written, one string operation after another: the construction in forms.ts is the
// same done in loops, with the rewrites that change nothing skipped, and must give exactly these forms,
// in this order.
const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Every code point as a numeric reference: decimal, then hex (lower-case digits after `&#x`, upper-case
// after `&#x`, lower-case after `&#X`, upper-case after `&#X`), each once.
function referenceNumericForms(secret: string): string[] {
  if (secret.length < minimumSecretLength) return [];
  const points = [...secret].map((character) => character.codePointAt(0) as number);
  const hex = points.map((point) => `&#x${point.toString(16)};`).join('');
  return [
    ...new Set([
      points.map((point) => `&#${point};`).join(''),
      hex,
      hex.toUpperCase().replaceAll('&#X', '&#x'),
      hex.replaceAll('&#x', '&#X'),
      hex.toUpperCase(),
    ]),
  ];
}

// A text's HTML numeric references, JSON escapes and percent-encoded bytes (a well-formed UTF-8 run as its
// character, any other byte as its Latin-1 one) replaced by what they stand for, in one pass.
function escapesReadBack(text: string): string {
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  return text.replace(
    /&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));|((?:%[0-9A-Fa-f]{2})+)|\\u([0-9A-Fa-f]{4})|\\(["\\/])/g,
    (whole, decimal?: string, hex?: string, percent?: string, unit?: string, character?: string) => {
      if (decimal !== undefined || hex !== undefined) {
        const code =
          decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex as string, 16);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      if (unit !== undefined) return String.fromCharCode(Number.parseInt(unit, 16));
      if (character !== undefined) return character;
      const bytes = (percent as string)
        .split('%')
        .slice(1)
        .map((pair) => Number.parseInt(pair, 16));
      let out = '';
      for (let index = 0; index < bytes.length; ) {
        const lead = bytes[index] as number;
        const length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 1;
        let read: string | undefined;
        if (length > 1 && lead <= 0xf4) {
          try {
            read = strictUtf8.decode(new Uint8Array(bytes.slice(index, index + length)));
          } catch {
            read = undefined;
          }
        }
        if (read !== undefined && bytes.length >= index + length) {
          out += read;
          index += length;
        } else {
          out += String.fromCharCode(lead);
          index += 1;
        }
      }
      return out;
    },
  );
}

function referenceForms(secret: string): {
  plain: string[];
  encoded: string[];
  endings: string[];
} {
  const forms = new Set<string>();
  const add = (form: string | undefined) => {
    if (form !== undefined && form.length >= minimumSecretLength) forms.add(form);
  };
  add(secret);
  add(secret.toLowerCase());
  add(secret.toUpperCase());
  // Its own escapes read back, as written out in one pass here.
  if (/&#(?:[0-9]+|[xX][0-9a-fA-F]+);|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\["\\/]/.test(secret))
    add(escapesReadBack(secret));
  for (const encoded of urlForms(secret)) {
    add(encoded);
    add(lowerHex(encoded));
    for (const twice of urlForms(encoded)) add(twice);
  }
  // Latin-1 past ASCII (and nothing past Latin-1): URL-encoded with its Latin-1 bytes.
  const codes = [...secret].map((character) => character.charCodeAt(0));
  if (codes.every((code) => code <= 0xff) && codes.some((code) => code >= 0x80)) {
    const latin1 = [...secret]
      .map((character) =>
        character.charCodeAt(0) < 0x80
          ? encodeURIComponent(character)
          : `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
      )
      .join('');
    add(latin1);
    add(lowerHex(latin1));
  }
  // A lone surrogate is written as U+FFFD by every byte encoder.
  const utf8 = new TextEncoder().encode(secret);
  const hex = [...utf8].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  add(hex);
  add(hex.toUpperCase());
  const percent = hex.replace(/../g, (pair) => `%${pair}`);
  add(percent);
  add(percent.toUpperCase());
  const json = JSON.stringify(secret).slice(1, -1);
  add(json);
  add(json.replaceAll('/', '\\/'));
  add(asciiJson(json));
  // As Go's encoding/json writes it, with lower-case hex, then upper case.
  const goEscaped = (digits: (hex: string) => string) =>
    json
      .replaceAll('<', `\\u${digits('003c')}`)
      .replaceAll('>', `\\u${digits('003e')}`)
      .replaceAll('&', `\\u${digits('0026')}`)
      .replaceAll('\u2028', '\\u2028')
      .replaceAll('\u2029', '\\u2029');
  const goJson = goEscaped((hex) => hex);
  add(goJson);
  add(goEscaped((hex) => hex.toUpperCase()));
  const escapedWhole = [...Array(secret.length).keys()]
    .map((index) => `\\u${secret.charCodeAt(index).toString(16).padStart(4, '0')}`)
    .join('');
  add(escapedWhole);
  add(escapedWhole.toUpperCase().replaceAll('\\U', '\\u'));
  for (const [amp, lt, gt] of [
    ['&amp;', '&lt;', '&gt;'],
    ['&#38;', '&#60;', '&#62;'],
  ] as const)
    for (const quote of ['&quot;', '&#34;'])
      for (const apostrophe of ['&#39;', '&#x27;', '&apos;', '&#039;'])
        add(
          secret
            .replaceAll('&', amp)
            .replaceAll('<', lt)
            .replaceAll('>', gt)
            .replaceAll('"', quote)
            .replaceAll("'", apostrophe),
        );
  const named = secret.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  add(named.replaceAll('"', '&#34;').replaceAll("'", '&#39;').replaceAll('+', '&#43;'));
  add(named.replaceAll('"', '&quot;').replaceAll("'", '&#x27;').replaceAll('`', '&#x60;'));
  // A signed JWT's signature, decoded: in hex here, and in base64 with the other bytes below.
  const signature = /^eyJ[\w-]*\.[\w-]*\.([\w-]{16,})$/.exec(secret)?.[1];
  const signatureBytes =
    signature !== undefined && signature.length % 4 !== 1 ? Buffer.from(signature, 'base64url') : undefined;
  if (signatureBytes !== undefined) {
    add(signatureBytes.toString('hex'));
    add(signatureBytes.toString('hex').toUpperCase());
  }
  const encoded = new Set<string>();
  const endings = new Set<string>();
  const addTo = (set: Set<string>, form: string) => {
    if (form.length >= minimumSecretLength && !forms.has(form)) set.add(form);
  };
  const byteSources = byteForms(secret);
  if (json !== secret) byteSources.push(new TextEncoder().encode(json));
  if (goJson !== json) byteSources.push(new TextEncoder().encode(goJson));
  if (signatureBytes !== undefined) byteSources.push(new Uint8Array(signatureBytes));
  for (const bytes of byteSources) {
    for (const [form, ending] of base64Forms(bytes)) {
      const set = ending ? endings : encoded;
      addTo(set, form);
      addTo(set, form.replace(/=+$/, ''));
      addTo(set, form.replaceAll('/', '\\/'));
      addTo(set, form.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''));
    }
  }
  for (const form of encoded) endings.delete(form);
  return { plain: [...forms], encoded: [...encoded], endings: [...endings] };
}

// A lone surrogate has no UTF-8 bytes of its own (the encoder writes U+FFFD), so no byte form is made.
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function urlForms(given: string): string[] {
  // A lone surrogate is written as U+FFFD, as URLSearchParams writes it.
  const secret = isWellFormed(given) ? given : given.replace(/\p{Surrogate}/gu, '\ufffd');
  return [
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams([['k', secret]]).toString().slice(2),
  ];
}

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (sequence) => sequence.toLowerCase());
}

function asciiJson(json: string): string {
  let out = '';
  for (let index = 0; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    out += code < 0x80 ? json[index] : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function byteForms(secret: string): Uint8Array[] {
  const utf8 = new TextEncoder().encode(secret);
  const forms = [utf8];
  let latin1Only = true;
  let ascii = true;
  for (let index = 0; index < secret.length; index += 1) {
    const code = secret.charCodeAt(index);
    if (code > 0xff) latin1Only = false;
    if (code > 0x7f) ascii = false;
  }
  // `btoa` encodes Latin-1 code units; for ASCII both byte forms are the same.
  if (latin1Only && !ascii) {
    const latin1 = new Uint8Array(secret.length);
    for (let index = 0; index < secret.length; index += 1) latin1[index] = secret.charCodeAt(index);
    forms.push(latin1);
  }
  return forms;
}

function base64Forms(bytes: Uint8Array): [form: string, ending: boolean][] {
  const forms: [string, boolean][] = [];
  const bits = bytes.length * 8;
  for (let offset = 0; offset < 3; offset += 1) {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    const encoded = encodeBase64(shifted);
    const startBit = offset * 8;
    const first = Math.ceil(startBit / 6);
    const coreEnd = Math.floor((startBit + bits) / 6);
    forms.push([encoded.slice(first, coreEnd), false]);
    if (coreEnd < encoded.length) forms.push([encoded.slice(first), true]);
  }
  return forms;
}

function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const a = bytes[index] ?? 0;
    const b = bytes[index + 1] ?? 0;
    const c = bytes[index + 2] ?? 0;
    const triple = (a << 16) | (b << 8) | c;
    out += base64Alphabet[(triple >> 18) & 63];
    out += base64Alphabet[(triple >> 12) & 63];
    out += index + 1 < bytes.length ? base64Alphabet[(triple >> 6) & 63] : '=';
    out += index + 2 < bytes.length ? base64Alphabet[triple & 63] : '=';
  }
  return out;
}

describe('a signed JWT among the secrets', () => {
  // An HS256 token as the videosdk adapter signs it: the signature is the part of it no one can work out.
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from('{"apikey":"zqkey","permissions":["allow_join"]}').toString('base64url');
  const signatures = fc.uint8Array({ minLength: 12, maxLength: 64 });

  it('is redacted where its signature is written in hex or standard base64, alone or in a longer text', () => {
    fc.assert(
      fc.property(signatures, fc.constantFrom('echo ', 'sig=', '"', ''), (bytes, before) => {
        const signature = Buffer.from(bytes);
        const token = `${header}.${payload}.${signature.toString('base64url')}`;
        const set = new SecretSet();
        set.add(token);
        for (const written of [
          signature.toString('hex'),
          signature.toString('hex').toUpperCase(),
          signature.toString('base64'),
          signature.toString('base64').replace(/=+$/, ''),
          JSON.stringify(signature.toString('base64')).slice(1, -1).replaceAll('/', '\\/'),
        ]) {
          const text = `${before}${written} end`;
          const redacted = set.redact(text);
          expect(redacted).not.toContain(written);
          expect(redacted).toContain('[REDACTED]');
          expect(redacted.endsWith(' end')).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is redacted where its signature’s bytes sit inside a longer base64 blob, at any alignment', () => {
    fc.assert(
      fc.property(
        signatures,
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.boolean(),
        (bytes, before, after, urlSafe) => {
          const signature = Buffer.from(bytes);
          const set = new SecretSet();
          set.add(`${header}.${payload}.${signature.toString('base64url')}`);
          const blob = Buffer.concat([before, signature, after]).toString(urlSafe ? 'base64url' : 'base64');
          // The characters that the signature's bits alone decide.
          const own = blob.slice(
            Math.ceil((before.length * 8) / 6),
            Math.floor(((before.length + signature.length) * 8) / 6),
          );
          const redacted = set.redact(`blob ${blob} end`);
          for (let start = 0; start + 12 <= own.length; start += 1)
            expect(redacted).not.toContain(own.slice(start, start + 12));
          expect(redacted.endsWith(' end')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('adds no signature forms for a value that is not a signed JWT', () => {
    for (const value of ['eyJhbGciOi.eyJ.c2lnbmF0dXJl', 'abc.def.ghijklmnopqrstuvwx', 'eyJx.y.short']) {
      const hex = Buffer.from(value.split('.')[2] as string, 'base64url').toString('hex');
      expect(secretForms(value)).not.toContain(hex);
    }
  });
});

describe('classifiedSecretForms', () => {
  // Letters and digits, characters every encoding treats apart (`%`, `\\`, quotes, `/`, `+`, space and
  // `!'()~*`), Latin-1, other BMP characters, a pair and lone surrogates.
  const unit = fc.oneof(
    fc.constantFrom(...'aZ09-_.*~!\'()%\\"/+= :?#&<>`'),
    fc.constantFrom(
      '\u00e9',
      '\u00ff',
      '\u0100',
      '\u20ac',
      '\u2028',
      '\ud83d\ude00',
      '\ud83d',
      '\ude00',
      '\u0000',
      '\n',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  );
  // Mostly what URLs leave as they are, with one of the characters only some encodings keep.
  const urlish = fc.string({ unit: fc.constantFrom(..."aZ9-._*~!'() %"), maxLength: 10 });
  const values = fc.oneof(
    fc.string({ unit, maxLength: 12 }),
    urlish,
    fc.string({ unit, minLength: 40, maxLength: 120 }),
    fc.stringMatching(/^[0-9a-f]{8}$/),
    fc.stringMatching(/^[A-Za-z0-9]{4,24}$/),
    fc.string({ unit: 'binary', maxLength: 30 }),
    // Values holding numeric references of their own, valid or not.
    fc.string({ unit: fc.constantFrom('&#', '&#x', '5', '9', '0', 'A', 'f', ';', 'b'), maxLength: 14 }),
    // Signed JWTs, and values nearly shaped as one, with signatures of every length modulo 4.
    fc
      .tuple(
        fc.constantFrom('eyJ', 'eyJ', 'eyj', 'xeyJ'),
        fc.stringMatching(/^[\w-]{0,16}$/),
        fc.stringMatching(/^[\w-]{0,16}$/),
        fc.constantFrom('.', '.', '.='),
        fc.stringMatching(/^[\w-]{12,48}$/),
      )
      .map(([start, header, payload, dot, signature]) => `${start}${header}.${payload}${dot}${signature}`),
  );

  it('gives exactly the forms of the reference construction, in its order', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(classifiedSecretForms(value)).toEqual(referenceForms(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same forms for values sharing a prefix as for each alone', () => {
    fc.assert(
      fc.property(values, fc.array(values, { maxLength: 4 }), (prefix, rests) => {
        for (const rest of rests) {
          const value = prefix + rest;
          expect(classifiedSecretForms(value)).toEqual(referenceForms(value));
        }
      }),
    );
  });

  it('lists the numeric-reference forms apart, and secretForms every form: the classified ones with those after the plain', () => {
    fc.assert(
      fc.property(values, (value) => {
        const numeric = referenceNumericForms(value);
        expect(numericReferenceForms(value)).toEqual(numeric);
        const { plain, encoded, endings } = referenceForms(value);
        expect(secretForms(value)).toEqual([...new Set([...plain, ...numeric, ...encoded, ...endings])]);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out forms shorter than the minimum, and lists each form once', () => {
    fc.assert(
      fc.property(values, (value) => {
        const forms = secretForms(value);
        expect(new Set(forms).size).toBe(forms.length);
        for (const form of forms) expect(form.length).toBeGreaterThanOrEqual(minimumSecretLength);
      }),
    );
  });
});
