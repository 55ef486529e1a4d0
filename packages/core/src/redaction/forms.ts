import { readEscapes } from './references.js';

/** Values shorter than this are too likely to match ordinary text to be replaced blindly. */
export const minimumSecretLength = 4;

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Every text a secret can take where a vendor or a library echoes it: the value itself, all lower case and
 * all upper case (hex tokens are case-insensitive, and URL parsing lower-cases a host); a secret holding
 * escapes of its own (`ab&#59;cd`, `pass%41word`), with them read back (`ab;cd`, `passAword`, as a page or a decoder
 * shows it); URL-encoded as a
 * path or query component (upper- and lower-case hex, `+` for spaces), with every byte percent-encoded, and
 * URL-encoded twice, and a Latin-1 secret with its characters past ASCII as their Latin-1 bytes (`%E9`); JSON-escaped (with `\/`, with `\uXXXX` for non-ASCII, with every character as
 * `\uXXXX`, and as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`, `\u003e`,
 * `\u0026`, `\u2028`, `\u2029`, in lower- or upper-case hex); HTML-escaped (`&amp;`, `&lt;`, `&gt;` or `&#38;`,
 * `&#60;`, `&#62;`, and the quotes as `&quot;` or `&#34;` and `&#39;`, `&#x27;`, `&apos;` or `&#039;`; as Go's
 * `html/template` writes it, `+` as `&#43;`; as npm `he` does, `` ` `` as `&#x60;`), and with every character
 * an HTML numeric character reference (decimal, or hex after `&#x` or `&#X` in lower- or upper-case digits);
 * its UTF-8 bytes in hex (lower and upper case); and base64 (standard and URL-safe) of its UTF-8
 * and Latin-1 bytes and of its JSON-escaped forms, plain and Go's (a JSON document holding it, encoded whole), at each of the
 * three byte alignments, so it is found inside a longer blob such as the `Basic` value of `user:secret` or
 * `:secret` (only the characters that depend on the secret's bits alone are fixed there; where it ends the
 * encoding, its last character and padding too, which a copy cut from the start keeps); and of a signed JWT
 * (`eyJ…`, three base64url parts), its signature's bytes in hex and in base64 as the secret's own bytes are. Forms shorter
 * than {@link minimumSecretLength} are left out, and so are secrets shorter than it: a value of one to three
 * characters would hide ordinary words, and no vendor issues credentials that short.
 */
export function secretForms(secret: string): string[] {
  const { plain, encoded, endings } = classifiedSecretForms(secret);
  return [...new Set([...plain, ...numericReferenceForms(secret), ...encoded, ...endings])];
}

/**
 * The five forms of `secret` with every character an HTML numeric character reference, one per code point:
 * decimal (`&#83;&#101;…`), and hex after `&#x` or `&#X` in lower- or upper-case digits (`&#x53;&#x65;…`),
 * as an encoder that writes them all, or an echo meant to defeat a filter, gives it. {@link secretForms}
 * lists them; redaction does not look for them form by form: it reads the numeric references of a text
 * back to their characters and looks for every form there too, which also finds a secret only some of
 * whose characters are references, in any mix and with leading zeros.
 */
export function numericReferenceForms(secret: string): string[] {
  let decimal = '';
  let hexLower = '';
  let hexUpper = '';
  for (let index = 0; index < secret.length; index += 1) {
    const code = secret.codePointAt(index) as number;
    if (code > 0xffff) index += 1;
    decimal += `&#${code};`;
    if (code < 0x100) {
      hexLower += `&#x${code < 0x10 ? (lowerDigits[code] as string) : (lowerPairs[code] as string)};`;
      hexUpper += `&#x${code < 0x10 ? (upperDigits[code] as string) : (upperPairs[code] as string)};`;
    } else {
      const hex = code.toString(16);
      hexLower += `&#x${hex};`;
      hexUpper += `&#x${hex.toUpperCase()};`;
    }
  }
  const forms = [
    decimal,
    hexLower,
    hexUpper,
    hexLower.replaceAll('&#x', '&#X'),
    hexUpper.replaceAll('&#x', '&#X'),
  ];
  return secret.length < minimumSecretLength ? [] : [...new Set(forms)];
}

/**
 * {@link secretForms} but its {@link numericReferenceForms} (which redaction finds by reading a text's
 * numeric references back to characters), split into the forms a text carries as they are (`plain`), the base64 ones
 * (`encoded`), whose neighbouring characters inside a blob still carry a few bits of the secret, and the
 * base64 ones that end an encoding (`endings`: an `encoded` form, then the character mixing the last bits
 * with zeros, and padding). An ending holds an `encoded` form, which finds it whole; it is needed only to
 * find a copy cut from the start, by its last characters.
 */
export function classifiedSecretForms(secret: string): {
  plain: string[];
  encoded: string[];
  endings: string[];
} {
  // Built with plain loops and a check before each rewrite that changes nothing (most secrets are a few
  // letters and digits): every learned value is indexed through here, some 40 forms each, and regular
  // expressions, `URLSearchParams` and throwaway arrays made most of that cost. The forms, and their order,
  // are what the straightforward construction gives (`forms.test.ts` holds the two to the same output).
  // Lists, not sets: a value has a few dozen forms, and hashing each new string cost more than comparing
  // it with the others (which mostly differ in length or first character).
  const forms: string[] = [];
  const add = (form: string) => {
    if (form.length >= minimumSecretLength && !forms.includes(form)) forms.push(form);
  };
  add(secret);
  add(secret.toLowerCase());
  add(secret.toUpperCase());
  // A secret holding escapes of its own (`ab&#59;cd`, `pass%41word`, `Ab\u0022Zq`), with them read back as a
  // page or a decoder shows it (`ab;cd`, `passAword`, `Ab"Zq`): redaction reads a text's escapes back before
  // it looks again, so an echo that also escapes other characters of the secret (`&#97;b&#59;cd`,
  // `pass%41%77ord`) reads as this form, where the secret as written is no longer there to be found.
  const read = readEscapes(secret)?.decoded;
  if (read !== undefined) add(read);
  // Characters every URL encoding keeps as they are: the forms below would all be the secret itself.
  if (!urlSafe.test(secret)) {
    for (const encoded of urlForms(secret)) {
      add(encoded);
      add(lowerHex(encoded));
      for (const twice of urlForms(encoded)) add(twice);
    }
    // A Latin-1 secret as a server percent-encodes the bytes of the header that carried it (a header carries
    // a Latin-1 character as one byte): `%E9` for `é`. Redaction reads a text's percent escapes as UTF-8
    // first, so Latin-1 bytes that spell a UTF-8 sequence (`%DF%A7`, `ß§`) are found by this form only.
    const latin1 = latin1UrlForm(secret);
    if (latin1 !== undefined) {
      add(latin1);
      add(lowerHex(latin1));
    }
  }
  // A lone surrogate's bytes are those of U+FFFD (EF BF BD), as every encoder writes it (TextEncoder, a
  // Buffer, a URL): its hex and percent forms hold them.
  const utf8 = utf8Of(secret);
  {
    let hex = '';
    let upper = '';
    let percent = '';
    let percentUpper = '';
    for (let index = 0; index < utf8.length; index += 1) {
      const byte = utf8[index] as number;
      const low = lowerPairs[byte] as string;
      const high = upperPairs[byte] as string;
      hex += low;
      upper += high;
      percent += `%${low}`;
      percentUpper += `%${high}`;
    }
    add(hex);
    add(upper);
    add(percent);
    add(percentUpper);
  }
  const json = JSON.stringify(secret).slice(1, -1);
  add(json);
  if (json.includes('/')) add(json.replaceAll('/', '\\/'));
  add(asciiJson(json));
  // As Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX` (lower-case hex, and
  // upper case as other encoders of the same escapes write it), every other character as plain JSON.
  const goLower = goSpecial.test(json) ? goJson(json, lowerDigits) : json;
  if (goLower !== json) {
    add(goLower);
    add(goJson(json, upperDigits));
  }
  let escapedWhole = '';
  let escapedUpper = '';
  for (let index = 0; index < secret.length; index += 1) {
    const code = secret.charCodeAt(index);
    escapedWhole += `\\u${lowerDigits[code >> 12]}${lowerDigits[(code >> 8) & 15]}${lowerPairs[code & 255]}`;
    escapedUpper += `\\u${upperDigits[code >> 12]}${upperDigits[(code >> 8) & 15]}${upperPairs[code & 255]}`;
  }
  add(escapedWhole);
  add(escapedUpper);
  // HTML-escaped, as an error page or a sanitising renderer echoes it: the characters an escaper changes,
  // as each common escaper writes them. `&<>` as `&amp;` `&lt;` `&gt;` or as `&#38;` `&#60;` `&#62;`; `"` as
  // `&quot;` or `&#34;`; `'` as `&#39;`, `&#x27;`, `&apos;` or `&#039;`; every mix of these. What each writes:
  // - lodash `escape`, npm `escape-html`: `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`;
  // - Go's `html.EscapeString`, OWASP Java Encoder `Encode.forHtml`: `&amp;` `&lt;` `&gt;` `&#34;` `&#39;`;
  // - Go's `html/template`: those, and `+` as `&#43;` (a form of its own below);
  // - Python's `html.escape`: `&amp;` `&lt;` `&gt;` `&quot;` `&#x27;`;
  // - PHP's `htmlspecialchars` (ENT_QUOTES, HTML 4.01, the default): `&amp;` `&lt;` `&gt;` `&quot;` `&#039;`
  //   (`&apos;` with ENT_HTML5);
  // - npm `he`'s `escape`: `&amp;` `&lt;` `&gt;` `&quot;` `&#x27;`, and `` ` `` as `&#x60;` (a form of its own);
  // - XML serialisers and encoders that write numeric references only: `&#38;` `&#60;` `&#62;` `&#34;` `&#39;`.
  // An encoder that writes other characters as references too (OWASP ESAPI for the non-alphanumeric ones,
  // some XML writers for all) is met where redaction reads a text's numeric references back to characters
  // (`secrets.ts`), whatever mix of them it wrote.
  if (htmlSpecial.test(secret)) {
    const ampersands = htmlMarkup.test(secret) ? htmlMarkupEscapes : htmlMarkupEscapes.slice(0, 1);
    for (const [amp, lt, gt] of ampersands) {
      const base = secret.replaceAll('&', amp).replaceAll('<', lt).replaceAll('>', gt);
      for (const quote of ['&quot;', '&#34;']) {
        const quoted = base.replaceAll('"', quote);
        for (const apostrophe of ['&#39;', '&#x27;', '&apos;', '&#039;'])
          add(quoted.replaceAll("'", apostrophe));
      }
    }
  }
  if (htmlExtra.test(secret)) {
    const named = secret.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    // Go's `html/template`.
    add(named.replaceAll('"', '&#34;').replaceAll("'", '&#39;').replaceAll('+', '&#43;'));
    // npm `he`.
    add(named.replaceAll('"', '&quot;').replaceAll("'", '&#x27;').replaceAll('`', '&#x60;'));
  }
  const signature = secret.startsWith('eyJ') ? jwsSignatureBytes(secret) : undefined;
  if (signature !== undefined) {
    let hex = '';
    for (const byte of signature) hex += lowerPairs[byte] as string;
    add(hex);
    add(hex.toUpperCase());
  }
  const encoded: string[] = [];
  const endings: string[] = [];
  const addTo = (list: string[], form: string) => {
    if (form.length >= minimumSecretLength && !forms.includes(form) && !list.includes(form)) list.push(form);
  };
  const byteSources = byteForms(secret, utf8);
  if (json !== secret) byteSources.push(utf8Of(json));
  if (goLower !== json) byteSources.push(utf8Of(goLower));
  if (signature !== undefined) byteSources.push(signature);
  for (const bytes of byteSources) {
    base64Forms(bytes, (form, ending) => {
      const list = ending ? endings : encoded;
      const padded = form.charCodeAt(form.length - 1) === 61;
      const unpadded = padded ? form.replace(/=+$/, '') : form;
      addTo(list, form);
      addTo(list, unpadded);
      const slash = form.includes('/');
      if (slash) addTo(list, form.replaceAll('/', '\\/'));
      addTo(list, slash || unpadded.includes('+') ? urlSafeBase64(unpadded) : unpadded);
    });
  }
  return { plain: forms, encoded, endings: endings.filter((form) => !encoded.includes(form)) };
}

// A JWS compact token (`header.payload.signature`, RFC 7515 §7.1) whose header is a JSON object (`eyJ` is
// base64url for `{"`), with a signature of at least 12 bytes.
const jwsCompact = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.([A-Za-z0-9_-]{16,})$/;

/**
 * The bytes of a signed token's signature, for the other texts they take: hex (lower and upper case) and
 * standard base64 (`+` and `/`), at each alignment inside a longer blob, as the secret's own bytes are. Of a
 * bearer JWT the signature is the part nobody can work out (the header is fixed, the payload mostly times
 * and a key held apart), and a log line, a proxy or a vendor that decoded the token may print those bytes
 * their own way; the token's own forms hold the signature only as base64url. Undefined for a value of
 * another shape.
 */
function jwsSignatureBytes(secret: string): Uint8Array | undefined {
  const signature = jwsCompact.exec(secret)?.[1];
  // A length of 1 modulo 4 is no base64url encoding of whole bytes.
  if (signature === undefined || signature.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((signature.length * 6) / 8));
  let bits = 0;
  let buffer = 0;
  let written = 0;
  for (let index = 0; index < signature.length; index += 1) {
    buffer = ((buffer << 6) | base64urlValue(signature.charCodeAt(index))) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[written] = (buffer >> bits) & 255;
      written += 1;
    }
  }
  return bytes;
}

// The value of a base64url character (`A-Z`, `a-z`, `0-9`, `-`, `_`), which the caller has checked.
function base64urlValue(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  return code === 45 ? 62 : 63;
}

const utf8Encoder = /* @__PURE__ */ new TextEncoder();

// The UTF-8 bytes of `text`: copied over while it is ASCII (most secrets), where the encoder's call costs
// more than the copy.
function utf8Of(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) return utf8Encoder.encode(text);
    bytes[index] = code;
  }
  return bytes;
}

// The characters an HTML escaper rewrites; those written as `&amp;` `&lt;` `&gt;` or `&#38;` `&#60;` `&#62;`
// (in that order in the list); and those only Go's `html/template` (`+`) or npm `he` (`` ` ``) rewrites too.
const htmlSpecial = /[&<>"']/;
const htmlMarkup = /[&<>]/;
const htmlMarkupEscapes: readonly (readonly [string, string, string])[] = [
  ['&amp;', '&lt;', '&gt;'],
  ['&#38;', '&#60;', '&#62;'],
];
const htmlExtra = /[+`]/;

// Letters, digits and `*-._`: what `encodeURIComponent`, `encodeURI` and `URLSearchParams` all leave as is.
const urlSafe = /^[A-Za-z0-9*\-._]*$/;

const lowerDigits = '0123456789abcdef';
const upperDigits = '0123456789ABCDEF';
// Each byte in two hex digits, lower and upper case.
const lowerPairs: readonly string[] = /* @__PURE__ */ (() =>
  Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0')))();
const upperPairs: readonly string[] = /* @__PURE__ */ (() => lowerPairs.map((pair) => pair.toUpperCase()))();

/**
 * Whether the UTF-16 code unit `code` is a character of base64 or base64url (`A-Z`, `a-z`, `0-9`, `+`, `/`,
 * `-`, `_`; not the `=` padding): one that can sit inside a blob a secret's base64 form is part of.
 */
export const isBase64Character = (code: number): boolean =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 43 ||
  code === 47 ||
  code === 45 ||
  code === 95;

function urlSafeBase64(form: string): string {
  let out = '';
  for (let index = 0; index < form.length; index += 1) {
    const code = form.charCodeAt(index);
    out += code === 43 ? '-' : code === 47 ? '_' : form[index];
  }
  return out;
}

// Whether `text` holds no lone surrogate, which has no UTF-8 bytes of its own (encoders write U+FFFD).
function isWellFormedUtf16(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false;
    const next = text.charCodeAt(index + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    index += 1;
  }
  return true;
}

function urlForms(given: string): string[] {
  // A lone surrogate cannot be given to `encodeURIComponent`, but `URLSearchParams`, a URL or a Buffer write
  // it as U+FFFD (`%EF%BF%BD`): the secret is encoded as they write it.
  const secret = isWellFormedUtf16(given) ? given : given.replace(/\p{Surrogate}/gu, '\ufffd');
  const component = encodeURIComponent(secret);
  // `URLSearchParams` writes what `encodeURIComponent` does, but for a space (`+`) and `!'()~`, which it
  // percent-encodes.
  const query = formEncoded.test(component)
    ? component.replace(formEncodedAll, (sequence) => formEncodings[sequence] as string)
    : component;
  return [component, encodeURI(secret), query];
}

// `secret` URL-encoded as a component with its characters past ASCII as their Latin-1 bytes; `undefined` when
// it holds none, or one past Latin-1, which no Latin-1 byte writes.
function latin1UrlForm(secret: string): string | undefined {
  let out = '';
  let beyondAscii = false;
  for (let index = 0; index < secret.length; index += 1) {
    const code = secret.charCodeAt(index);
    if (code > 0xff) return undefined;
    if (code < 0x80) out += encodeURIComponent(secret[index] as string);
    else {
      beyondAscii = true;
      out += `%${upperPairs[code] as string}`;
    }
  }
  return beyondAscii ? out : undefined;
}

const formEncoded = /%20|[!'()~]/;
const formEncodedAll = /%20|[!'()~]/g;
const formEncodings: Record<string, string> = {
  '%20': '+',
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '~': '%7E',
};

function lowerHex(encoded: string): string {
  return encoded.includes('%')
    ? encoded.replace(/%[0-9A-F]{2}/g, (sequence) => sequence.toLowerCase())
    : encoded;
}

// The characters Go's `encoding/json` escapes that plain JSON leaves as they are.
const goSpecial = /[<>&\u2028\u2029]/;

function goJson(json: string, digits: string): string {
  let out = '';
  for (let index = 0; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    out +=
      code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029
        ? `\\u${digits[code >> 12]}${digits[(code >> 8) & 15]}${digits[(code >> 4) & 15]}${digits[code & 15]}`
        : json[index];
  }
  return out;
}

function asciiJson(json: string): string {
  let out = '';
  for (let index = 0; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    out += code < 0x80 ? json[index] : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function byteForms(secret: string, utf8: Uint8Array): Uint8Array[] {
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

/**
 * The base64 characters fixed by `bytes` alone when they start at byte offset 0, 1 or 2 of a 3-byte group
 * (found anywhere in a blob). The one character on each side that mixes the secret's bits with its
 * neighbours', and any padding, are taken with a match by the redactor. Where the bytes end the encoding
 * (the value encoded on its own, the `Basic` value of `user:secret`), its last character mixes their last
 * bits with zeros and padding follows: fixed by the bytes alone too, so that form (an ending, `true`) is
 * added with them, and a copy the vendor cut from the start is found by its last eight characters like any
 * other form's.
 */
function base64Forms(bytes: Uint8Array, each: (form: string, ending: boolean) => void): void {
  const bits = bytes.length * 8;
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = encodeBase64After(bytes, offset);
    const startBit = offset * 8;
    const first = Math.ceil(startBit / 6);
    const coreEnd = Math.floor((startBit + bits) / 6);
    each(encoded.slice(first, coreEnd), false);
    if (coreEnd < encoded.length) each(encoded.slice(first), true);
  }
}

// The base64 of `offset` zero bytes followed by `bytes`.
function encodeBase64After(bytes: Uint8Array, offset: number): string {
  const length = offset + bytes.length;
  const byteAt = (index: number) => (index < offset ? 0 : (bytes[index - offset] ?? 0));
  let out = '';
  for (let index = 0; index < length; index += 3) {
    const triple = (byteAt(index) << 16) | (byteAt(index + 1) << 8) | byteAt(index + 2);
    out += base64Alphabet[(triple >> 18) & 63];
    out += base64Alphabet[(triple >> 12) & 63];
    out += index + 1 < length ? base64Alphabet[(triple >> 6) & 63] : '=';
    out += index + 2 < length ? base64Alphabet[triple & 63] : '=';
  }
  return out;
}
