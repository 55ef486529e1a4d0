/** Values shorter than this are too likely to match ordinary text to be replaced blindly. */
export const minimumSecretLength = 4;

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Every text a secret can take where a vendor or a library echoes it: the value itself, all lower case and
 * all upper case (hex tokens are case-insensitive, and URL parsing lower-cases a host); URL-encoded as a
 * path or query component (upper- and lower-case hex, `+` for spaces), with every byte percent-encoded, and
 * URL-encoded twice; JSON-escaped (with `\/`, with `\uXXXX` for non-ASCII, and with every character as
 * `\uXXXX`); its UTF-8 bytes in hex (lower and upper case); and base64 (standard and URL-safe) of its UTF-8
 * and Latin-1 bytes and of its JSON-escaped form (a JSON document holding it, encoded whole), at each of the
 * three byte alignments, so it is found inside a longer blob such as the `Basic` value of `user:secret` or
 * `:secret` (only the characters that depend on the secret's bits alone are fixed there; where it ends the
 * encoding, its last character and padding too, which a copy cut from the start keeps). Forms shorter
 * than {@link minimumSecretLength} are left out, and so are secrets shorter than it: a value of one to three
 * characters would hide ordinary words, and no vendor issues credentials that short.
 */
export function secretForms(secret: string): string[] {
  const { plain, encoded, endings } = classifiedSecretForms(secret);
  return [...new Set([...plain, ...encoded, ...endings])];
}

/**
 * {@link secretForms}, split into the forms a text carries as they are (`plain`), the base64 ones
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
  const forms = new Set<string>();
  const add = (form: string | undefined) => {
    if (form !== undefined && form.length >= minimumSecretLength) forms.add(form);
  };
  add(secret);
  add(secret.toLowerCase());
  add(secret.toUpperCase());
  for (const encoded of urlForms(secret)) {
    add(encoded);
    add(lowerHex(encoded));
    for (const twice of urlForms(encoded)) add(twice);
  }
  const utf8 = new TextEncoder().encode(secret);
  if (isWellFormed(secret)) {
    const hex = [...utf8].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    add(hex);
    add(hex.toUpperCase());
    const percent = hex.replace(/../g, (pair) => `%${pair}`);
    add(percent);
    add(percent.toUpperCase());
  }
  const json = JSON.stringify(secret).slice(1, -1);
  add(json);
  add(json.replaceAll('/', '\\/'));
  add(asciiJson(json));
  const escapedWhole = [...Array(secret.length).keys()]
    .map((index) => `\\u${secret.charCodeAt(index).toString(16).padStart(4, '0')}`)
    .join('');
  add(escapedWhole);
  add(escapedWhole.toUpperCase().replaceAll('\\U', '\\u'));
  const encoded = new Set<string>();
  const endings = new Set<string>();
  const addTo = (set: Set<string>, form: string) => {
    if (form.length >= minimumSecretLength && !forms.has(form)) set.add(form);
  };
  const byteSources = byteForms(secret);
  if (json !== secret) byteSources.push(new TextEncoder().encode(json));
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

function urlForms(secret: string): string[] {
  // A lone surrogate cannot be URL-encoded, so no URL can carry it encoded either.
  try {
    return [
      encodeURIComponent(secret),
      encodeURI(secret),
      new URLSearchParams([['k', secret]]).toString().slice(2),
    ];
  } catch {
    return [];
  }
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

/**
 * The base64 characters fixed by `bytes` alone when they start at byte offset 0, 1 or 2 of a 3-byte group
 * (found anywhere in a blob). The one character on each side that mixes the secret's bits with its
 * neighbours', and any padding, are taken with a match by the redactor. Where the bytes end the encoding
 * (the value encoded on its own, the `Basic` value of `user:secret`), its last character mixes their last
 * bits with zeros and padding follows: fixed by the bytes alone too, so that form (an ending, `true`) is
 * added with them, and a copy the vendor cut from the start is found by its last eight characters like any
 * other form's.
 */
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
