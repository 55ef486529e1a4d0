// Credentials found by their shape rather than their value. Each scanner walks the text once: every search
// resumes after the stretch it has read, so no input (a 90 kB run of `?keykey…` included) costs more than
// linear time. Each reports the stretch to hide; what names it (`Bearer `, `?api_key=`, the RTMP server)
// stays readable.

type Found = (start: number, end: number) => void;

// Names of query parameters and JSON fields whose value is a credential (SRT stream ids and passphrases
// included), found anywhere in the name: `access_token`, `X-Amz-Signature`, `streamkey`, `wowzatokenhash`.
const credentialName = /key|token|secret|password|passphrase|signature|auth|streamid/i;

// Names too short to look for inside a name (`sig` is in `signal`, `design`, `assign`): a credential only as
// the whole name or one of its `_`, `-` or `.` separated parts (`sig`, Azure's shared access signature;
// `url_sig`, `X-Sig`).
const credentialParts: ReadonlySet<string> = new Set(['sig']);

function isCredentialName(name: string): boolean {
  if (credentialName.test(name)) return true;
  for (const part of name.toLowerCase().split(/[-_.[\]]/)) if (credentialParts.has(part)) return true;
  return false;
}

const isWord = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isWordOrDash = (code: number) => isWord(code) || code === 45;
// Characters of a parameter or field name: a word, `-`, `.` (`x.sig`, `sig.v2`) and the brackets of an array
// parameter (`sig[]`, `token[0]`).
const isNameCode = (code: number) => isWordOrDash(code) || code === 46 || code === 91 || code === 93;
// Characters of an RFC 6750 token68 (bearer and basic credentials).
const isToken68 = (code: number) =>
  isWordOrDash(code) || code === 46 || code === 126 || code === 43 || code === 47 || code === 61;
const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13) || code === 160;
// Characters that end a URL in running text.
const endsUrl = (code: number) =>
  isSpace(code) || code === 34 || code === 39 || code === 60 || code === 62 || Number.isNaN(code);

function scanWhile(text: string, from: number, test: (code: number) => boolean): number {
  let index = from;
  while (index < text.length && test(text.charCodeAt(index))) index += 1;
  return index;
}

/** `Bearer <token>` and `Basic <credentials>`, case-insensitively. */
function authorizationValues(text: string, found: Found): void {
  const scheme = /\b(?:bearer|basic)\s+/gi;
  for (let match = scheme.exec(text); match; match = scheme.exec(text)) {
    const start = match.index + match[0].length;
    const end = scanWhile(text, start, isToken68);
    if (end > start) found(start, end);
    scheme.lastIndex = Math.max(end, start);
  }
}

/** JSON Web Tokens: `eyJ…` (a JSON header's base64url) and two more dot-separated parts. */
function jsonWebTokens(text: string, found: Found): void {
  let from = 0;
  for (let start = text.indexOf('eyJ', from); start !== -1; start = text.indexOf('eyJ', from)) {
    if (start > 0 && isWord(text.charCodeAt(start - 1))) {
      from = start + 1;
      continue;
    }
    const headerEnd = scanWhile(text, start, isWordOrDash);
    if (text.charCodeAt(headerEnd) !== 46) {
      from = headerEnd;
      continue;
    }
    const payloadEnd = scanWhile(text, headerEnd + 1, isWordOrDash);
    if (payloadEnd === headerEnd + 1 || text.charCodeAt(payloadEnd) !== 46) {
      // A token starting inside what was read would stop at the same place.
      from = payloadEnd;
      continue;
    }
    const end = scanWhile(text, payloadEnd + 1, isWordOrDash);
    found(start, end);
    from = end;
  }
}

/**
 * `?api_key=…`, `&token=…`, `;passphrase=…`, `&sig=…`, and in a fragment `#token=…` or `#access_token=…`
 * (where an OAuth implicit grant and some players put a token): the value of any parameter named like a
 * credential. A URL carried percent-encoded inside another (`?next=https%3A%2F%2Fcdn%3Fsig%3D…`, `%26token%3D…`)
 * has its parameters found as well, encoded once or twice (`%253F`): `%3F`, `%23`, `%26` and `%3B` open one,
 * `%3D` is its `=`, and its value ends at an encoded `&` or `#` too. In a plain query a value ends only at a plain one: `%26` there is part
 * of the value.
 */
function credentialParameters(text: string, found: Found): void {
  const separator = /[?&;#]|%(?:25)?(?:3[fb]|2[36])/gi;
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    const nameStart = match.index + match[0].length;
    const nameEnd = scanWhile(text, nameStart, isNameCode);
    const equals = text.charCodeAt(nameEnd) === 61 ? 1 : encodedEqualsLength(text, nameEnd);
    if (nameEnd > nameStart && equals > 0 && isCredentialName(text.slice(nameStart, nameEnd))) {
      const encoded = match[0].length > 1 || equals > 1;
      const valueStart = nameEnd + equals;
      let valueEnd = valueStart;
      while (valueEnd < text.length) {
        const code = text.charCodeAt(valueEnd);
        if (code === 38 || code === 35 || endsUrl(code)) break;
        if (encoded && code === 37 && encodedSeparator.test(text.slice(valueEnd, valueEnd + 5))) break;
        valueEnd += 1;
      }
      if (valueEnd > valueStart) found(valueStart, valueEnd);
      separator.lastIndex = valueEnd;
    } else {
      separator.lastIndex = Math.max(nameEnd, match.index + 1);
    }
  }
}

// An `&` or `#` encoded once (`%26`) or twice (`%2526`, a URL carried inside one carried in another).
const encodedSeparator = /^%(?:25)?2[36]/;

// The length of an `=` encoded once (`%3D`) or twice (`%253D`) at `index`; 0 when there is none.
function encodedEqualsLength(text: string, index: number): number {
  if (text.charCodeAt(index) !== 37) return 0;
  return /^%(?:25)?3d/i.exec(text.slice(index, index + 5))?.[0].length ?? 0;
}

/** `"stream_key": "…"`, `"password":"…"`: a JSON string field named like a credential, as echoed bodies show. */
function credentialFields(text: string, found: Found): void {
  let from = 0;
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', from)) {
    const nameStart = quote + 1;
    const nameEnd = scanWhile(text, nameStart, isNameCode);
    from = nameEnd;
    if (nameEnd === nameStart || text.charCodeAt(nameEnd) !== 34) continue;
    if (!isCredentialName(text.slice(nameStart, nameEnd))) {
      from = nameEnd + 1;
      continue;
    }
    let cursor = scanWhile(text, nameEnd + 1, isSpace);
    if (text.charCodeAt(cursor) !== 58) continue;
    cursor = scanWhile(text, cursor + 1, isSpace);
    if (text.charCodeAt(cursor) !== 34) continue;
    const valueStart = cursor + 1;
    let valueEnd = valueStart;
    while (valueEnd < text.length && text.charCodeAt(valueEnd) !== 34) {
      valueEnd += text.charCodeAt(valueEnd) === 92 ? 2 : 1;
    }
    valueEnd = Math.min(valueEnd, text.length);
    if (valueEnd > valueStart) found(valueStart, valueEnd);
    from = valueEnd + 1;
  }
}

/** `rtmp://host/app/<stream key>`: the last path segment of an RTMP(S) URL with an application path. */
function rtmpStreamKeys(text: string, found: Found): void {
  const scheme = /\brtmps?:\/\//gi;
  for (let match = scheme.exec(text); match; match = scheme.exec(text)) {
    const hostStart = match.index + match[0].length;
    const hostEnd = scanWhile(text, hostStart, (code) => code !== 47 && !endsUrl(code));
    const pathEnd = scanWhile(text, hostEnd, (code) => code !== 63 && code !== 35 && !endsUrl(code));
    scheme.lastIndex = Math.max(pathEnd, hostStart);
    if (hostEnd === hostStart || text.charCodeAt(hostEnd) !== 47) continue;
    const lastSlash = text.lastIndexOf('/', pathEnd - 1);
    // `rtmp://host/app` names no key; `rtmp://host/app/key` does.
    if (lastSlash > hostEnd && pathEnd > lastSlash + 1) found(lastSlash + 1, pathEnd);
  }
}

/** `scheme://user:password@host`: the user information of any URL. */
function urlUserInformation(text: string, found: Found): void {
  let from = 0;
  for (let marker = text.indexOf('://', from); marker !== -1; marker = text.indexOf('://', from)) {
    const start = marker + 3;
    const end = scanWhile(text, start, (code) => code !== 47 && code !== 64 && !endsUrl(code));
    from = Math.max(end, start);
    const schemeChar = text.charCodeAt(marker - 1);
    const hasScheme = marker > 0 && (isWord(schemeChar) || schemeChar === 43 || schemeChar === 46);
    if (hasScheme && end > start && text.charCodeAt(end) === 64) found(start, end);
  }
}

/**
 * Runs every shape-based scanner over `text`; `rtmpKeySegments: false` leaves out the one that takes the last
 * path segment of an RTMP URL for a stream key (see `serverRedactor`).
 */
export function scanCredentialPatterns(text: string, found: Found, rtmpKeySegments = true): void {
  authorizationValues(text, found);
  jsonWebTokens(text, found);
  credentialParameters(text, found);
  credentialFields(text, found);
  if (rtmpKeySegments) rtmpStreamKeys(text, found);
  urlUserInformation(text, found);
}
