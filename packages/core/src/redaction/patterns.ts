import { redactedMarker } from './marker.js';
import { hexValue } from './references.js';

// Credentials found by their shape rather than their value. Each scanner walks the text once: every search
// resumes after the stretch it has read, so no input (a 90 kB run of `?keykey…` included) costs more than
// linear time. Each reports the stretch to hide; what names it (`Bearer `, `?api_key=`, the RTMP server)
// stays readable.

type Found = (start: number, end: number) => void;

// Words that make a name a credential's wherever they stand in it: `access_token`, `X-Amz-Signature`,
// `streamkey`, `wowzatokenhash`, `client_secret`, `credentials` (SRT stream ids and passphrases included).
const credentialWords = /key|token|secret|password|passwd|passphrase|signature|auth|streamid|credential/i;

// Words too short to look for inside a name (`sig` is in `signal`, `pass` in `passthrough`, `bypass` and
// `compass`): a credential only as a whole part of the name, parts being split at `_`, `-`, `.`, brackets,
// a lower-case letter or digit followed by a capital, and a run of digits (`sig`, Azure's shared access
// signature; `url_sig`, `X-Sig`, `userPass`, `pwd`, `jwtToken`, `hmac_sha256`).
const credentialParts: ReadonlySet<string> = /* @__PURE__ */ new Set(['sig', 'pass', 'pwd', 'jwt', 'hmac']);

// Ordinary words that hold a credential word but name no credential, matched as a whole part: a vendor's
// encoder settings (Wowza Video's `keyframes`, `keyframe_interval`), ad keywords (`ad_keywords`), a video's
// author, a URL's authority, RTMP's `authmod`, a pass-through transcoder, and English words a stream, a
// region or a registry entry is named by (`turkey`, `hockey`: a registry's reference `turkey:<id>` and a
// stream named `Hockey:Finals` read as a name and a value). A name holding one is still a credential's when
// another part holds a credential word (`keyframe_key`, `keystone_token`); `passkey` is a credential's.
const harmlessWords: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'author',
  'authors',
  'authority',
  // RTMP's authentication mode (`authmod=adobe`, `authmod=llnw`), which names a scheme, never a secret.
  'authmod',
  'keyframe',
  'keyframes',
  'keyword',
  'keywords',
  'monkey',
  'passthrough',
  // Words ending or beginning in `key`, `auth` or holding `secret`: sports, animals, drinks, keyboards.
  'authentic',
  'donkey',
  'hockey',
  'jockey',
  'keyboard',
  'keyboards',
  'keynote',
  'keynotes',
  'keypad',
  'keystone',
  'keystroke',
  'keystrokes',
  'lackey',
  'secretary',
  'turkey',
  'whiskey',
  // A text's tokens, not a credential: `tokenizer`, `tokenize`.
  'tokenize',
  'tokenizer',
  'tokenizers',
]);

// The harmless words also read from two parts written apart (`key_frame_interval`, `keyFrame`,
// `pass_through`, `ad_key_words`): compounds a vendor writes either way. Never the English words above:
// `turn_key`, `mon_key` and `key_stone` are a key (a TURN server's, say) under a name of two words.
const harmlessCompounds: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'keyframe',
  'keyframes',
  'keyword',
  'keywords',
  'passthrough',
]);

// The parts of a name: an upper-case run (an acronym, `HMAC` of `HMACSignature`), a word with or without a
// capital, a run of digits.
const namePart = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

// Last parts that make a name a time or a setting about a credential, not the credential: its time
// (`access_token_expires_at` of Wowza Video, `subscribeTokenExpiresAt` of Wowza Real-Time, `token_expiry`),
// its lifetime and size (`token_ttl: 3600`, `tokenTtlSeconds`, `key_length`), where it is kept (`key_file`, `password_path`),
// its kind and how it is made (`token_type: Bearer`, `signature_method: HMAC-SHA1`, `auth_mode`), and what it
// is called (`secret_name`). An identifier (`key_id`, LiveAPI's `tokenId`) stays a credential's.
const settingParts: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'at',
  'expires',
  'expiry',
  'expiration',
  'ttl',
  'lifetime',
  'seconds',
  'ms',
  'minutes',
  'length',
  'len',
  'size',
  'count',
  'file',
  'path',
  'type',
  'method',
  'algorithm',
  'alg',
  'version',
  'format',
  'mode',
  'name',
  'interval',
  'policy',
  'rotation',
]);

// Any letters a credential name needs: a name without them is read no further.
const mayBeCredential = /key|token|secret|pass|sig|auth|streamid|credential|pwd|jwt|hmac/i;
// Names already judged: a text repeats the same few (`key`, `token`, `page`) many times.
const judgedNames = /* @__PURE__ */ new Map<string, boolean>();

/**
 * Whether a parameter's, header's or field's name is a credential's, so that the value it names is one: the
 * one rule both redaction by shape (`?token=…`, `"stream_key": "…"`, `X-Sig: …`) and the secrets learned from
 * an input or a stream (`inputSecrets`, `streamSecrets`) follow. A name is read with its escapes decoded
 * (`%73ig`, `%2573ig` and `\u0073ig` are `sig`). It is a credential's when it holds `key`, `token`,
 * `secret`, `password`, `passwd`, `passphrase`, `signature`, `auth`, `streamid` or `credential` anywhere, or
 * has `sig`, `pass`, `pwd`, `jwt` or `hmac` as a whole part (split at `_`, `-`, `.`, brackets, camelCase and
 * digit runs), unless the word is inside a harmless one (`keyframe`, `keyword`, `author`, `authority`, `authmod`,
 * `passthrough`, and English words such as `monkey`, `turkey`, `hockey`, `keystone`, `secretary`) or the name's last part makes it a time or a setting about a credential (`access_token_expires_at`, `token_ttl`, `key_file`, `token_type`, `secret_name`). See
 * docs/decisions/2026-11-30-credential-names.md.
 */
export function isCredentialName(name: string): boolean {
  return isDecodedCredentialName(decodedName(name, 0, name.length));
}

// `isCredentialName` of a name already decoded, as the scanners read one.
function isDecodedCredentialName(name: string): boolean {
  if (!mayBeCredential.test(name)) return false;
  const known = judgedNames.get(name);
  if (known !== undefined) return known;
  const judged = judgeName(name);
  if (name.length <= 64) {
    if (judgedNames.size >= 1024) judgedNames.clear();
    judgedNames.set(name, judged);
  }
  return judged;
}

function judgeName(name: string): boolean {
  const parts = [...name.matchAll(namePart)];
  if (parts.length > 1 && settingParts.has(parts[parts.length - 1]?.[0].toLowerCase() ?? '')) return false;
  // The name without its harmless words, built in one pass (a name may be as long as the text).
  let rest = '';
  let cursor = 0;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index] as RegExpExecArray;
    const word = part[0].toLowerCase();
    const next = parts[index + 1];
    let end = -1;
    if (next && harmlessCompounds.has(word + next[0].toLowerCase())) {
      end = next.index + next[0].length;
      index += 1;
    } else if (harmlessWords.has(word)) {
      end = part.index + part[0].length;
    } else if (credentialParts.has(word)) {
      return true;
    }
    if (end !== -1) {
      rest += `${name.slice(cursor, part.index)}.`;
      cursor = end;
    }
  }
  return credentialWords.test(cursor === 0 ? name : rest + name.slice(cursor));
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
const isBackslash = (code: number) => code === 92;
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
  // Blanks only: a value on the next line is another line's (`AUTH_TYPE=basic` then `DEBUG=true`).
  const scheme = /\b(?:bearer|basic)[ \t]+/gi;
  for (let match = scheme.exec(text); match; match = scheme.exec(text)) {
    const start = match.index + match[0].length;
    const end = scanWhile(text, start, isToken68);
    // A sentence's full stop after the token is not the token's.
    const shownFrom = punctuationStart(text, start, end);
    if (shownFrom > start && !namesNoCredential(text, start, end)) found(start, shownFrom);
    scheme.lastIndex = Math.max(end, start);
  }
}

// What follows an authorization scheme but is no credential: a challenge's parameter (`Bearer realm="api"`,
// `error="invalid_token"`, as a 401's `WWW-Authenticate` writes them) or a word of prose (`Bearer token
// missing`, `Unauthorized: token expired`): a lower-case word of at most 12 letters, which no issued token
// is.
function namesNoCredential(text: string, start: number, end: number): boolean {
  const value = text.slice(start, end);
  return (
    proseAfterScheme.test(value) ||
    (challengeParameter.test(value) && text.charCodeAt(end) === 34) ||
    // Another field, `token_type=Bearer expires_in=3600`: a lower-case name of three letters or more and its
    // `=` inside the value (a token68 holds `=` only as its padding, at its end), its value a mask already
    // when the text was masked before (`access_token=[REDACTED]`).
    isNextField(text, value, end)
  );
}
function isNextField(text: string, value: string, end: number): boolean {
  if (!nextField.test(value)) return false;
  const after = value.indexOf('=') + 1;
  return after < value.length ? value.charCodeAt(after) !== 61 : text.charCodeAt(end) === 91;
}
const proseAfterScheme = /^[a-z]{1,12}$/;
const challengeParameter = /^[a-z_]+=$/;
const nextField = /^[a-z][a-z_]{2,}=/;

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

// What an escape at `index` stands for: a percent escape encoded once (`%73`) or twice (`%2573`, a URL carried
// in one carried in another), or a JSON `\uXXXX` escape behind one backslash or more (`\u0026`, as Go writes
// every `&` of a URL in JSON, and `\\u0026` in a document carried inside another): the character's code and
// the escape's length, both -1 and 0 when there is none. At most 7 backslashes are read (three levels), so
// no run of them is read more than a bounded number of times.
let escapeCode = -1;
function escapeLength(text: string, index: number): number {
  escapeCode = -1;
  const first = text.charCodeAt(index);
  if (first === 92) return unicodeEscapeLength(text, index);
  if (first !== 37) return 0;
  let at = index + 1;
  // `%25` followed by two hex digits is an escaped escape.
  if (text.charCodeAt(at) === 50 && text.charCodeAt(at + 1) === 53) {
    if (hexValue(text.charCodeAt(at + 2)) !== -1 && hexValue(text.charCodeAt(at + 3)) !== -1) at += 2;
  }
  const high = hexValue(text.charCodeAt(at));
  const low = hexValue(text.charCodeAt(at + 1));
  if (high === -1 || low === -1) return 0;
  escapeCode = high * 16 + low;
  return at + 2 - index;
}

function unicodeEscapeLength(text: string, index: number): number {
  let at = index;
  while (at - index < 7 && text.charCodeAt(at) === 92) at += 1;
  if (text.charCodeAt(at) !== 117) return 0;
  let code = 0;
  for (let digit = 1; digit <= 4; digit += 1) {
    const value = hexValue(text.charCodeAt(at + digit));
    if (value === -1) return 0;
    code = code * 16 + value;
  }
  escapeCode = code;
  return at + 5 - index;
}

// Where a parameter or field name starting at `start` ends: its characters, and percent or JSON escapes
// standing for one (`%73ig`, `api%5Fkey`, `%2574oken`, `\u0074oken`).
function nameEnd(text: string, start: number): number {
  let index = start;
  for (;;) {
    plainNameRun.lastIndex = index;
    plainNameRun.test(text);
    index = plainNameRun.lastIndex;
    const length = escapeLength(text, index);
    if (length === 0 || !isNameCode(escapeCode)) return index;
    index += length;
  }
}
// Characters of a name (see `isNameCode`), read natively.
const plainNameRun = /[\w.[\]-]*/y;

// The name from `start` to `end` as it reads decoded: `%73ig` and `\u0073ig` are `sig`.
function decodedName(text: string, start: number, end: number): string {
  const name = text.slice(start, end);
  if (!name.includes('%') && !name.includes('\\')) return name;
  let out = '';
  for (let index = 0; index < name.length; ) {
    const length = escapeLength(name, index);
    if (length === 0) {
      out += name[index];
      index += 1;
    } else {
      out += String.fromCharCode(escapeCode);
      index += length;
    }
  }
  return out;
}

/**
 * `?api_key=…`, `&token=…`, `;passphrase=…`, `&sig=…`, and in a fragment `#token=…` or `#access_token=…`
 * (where an OAuth implicit grant and some players put a token): the value of any parameter named like a
 * credential, wherever it starts (`client_secret=…` opening a form body, `password=…` in running text), its
 * name read decoded (`%73ig=`, `api%5Fkey=`). A URL carried percent-encoded inside another
 * (`?next=https%3A%2F%2Fcdn%3Fsig%3D…`, `%26token%3D…`) has its parameters found as well, encoded once or
 * twice (`%253F`): `%3F`, `%23`, `%26` and `%3B` open one, `%3D` is its `=`, and its value ends at an encoded
 * `&` or `#` too. In a plain query a value ends only at a plain one: `%26` there is part of the value.
 *
 * And `Name: value`, a header or a field quoted in running text (`X-Api-Key: …`, `X-Sig: …`, `sig: …`,
 * `{ token: '…' }` as `util.inspect` writes it): the value, or what follows an authorization scheme
 * (`Authorization: Token …`), unless it reads as prose (a word followed by more words: `password: unknown
 * field`), is `true`, `false` or `null`, or opens with a bracket (`stream key:  (hidden; …)`).
 *
 * And `api_key = …` (a blank beside the `=`), read as a header's value, words of letters alone staying as
 * code (`const key = provider.id`); `api_key&#61;…`; `'api token': '…'`, a quoted name of a few words.
 */
function credentialParameters(text: string, found: Found): void {
  // A name starts the text or follows an opener; `encoded` when that opener was percent-encoded.
  let start = 0;
  let encoded = false;
  // Where the name after the next plain or percent-encoded opener starts, and where the next JSON-escaped
  // opener (`\u0026`) does: -1 when there is none, -2 before the first search.
  let plainNameStart = -2;
  let escapedOpener = text.includes('\\u00') ? -2 : -1;
  for (;;) {
    let end = nameEnd(text, start);
    let resume = end;
    if (end > start) {
      const opener = text.charCodeAt(start - 1);
      // A quoted name of a few words (`'api token': '…'`) is read to its closing quote.
      if ((opener === 39 || opener === 34) && text.charCodeAt(end) === 32) end = wordsEnd(text, end, opener);
      resume = end;
      const next = text.charCodeAt(end);
      let equals = next === 61 ? 1 : 0;
      if (equals === 0 && (next === 37 || next === 92)) {
        const length = escapeLength(text, end);
        if (escapeCode === 61) equals = length;
      } else if (equals === 0 && next === 38) {
        // `=` written as an HTML character reference (`api_key&#61;…`, `&#x3D;`, `&equals;`).
        equalsReference.lastIndex = end;
        if (equalsReference.test(text)) equals = equalsReference.lastIndex - end;
      }
      // `api_key = …`, `token= …`: an assignment in running text, a configuration file or a log line, with
      // blanks around its `=` (never `==` or `=>`), whose value reads as a header's does (prose stays).
      const goAssignment = next === 58 && text.charCodeAt(end + 1) === 61;
      const assignment =
        equals === 1 || next === 32 || next === 9 || goAssignment ? looseAssignment(text, start, end) : -1;
      if (assignment !== -1) {
        const name = decodedName(text, start, end);
        // With no blank before its `=`, a name must be written as a person writes one: a base64 blob's
        // padding (`…AJwtAA= next`) is no assignment.
        const written = assignment - 1 > end || writtenName.test(name);
        if (written && isDecodedCredentialName(name)) resume = headerValue(text, assignment, found, true);
      } else if (equals > 0 && isDecodedCredentialName(decodedName(text, start, end))) {
        resume = parameterValue(text, end + equals, encoded || equals > 1, found);
      } else if (next === 58 && isHeaderName(text, start, end)) {
        // A quoted prompt (`input("Password: ")`) ends where its value would start.
        const closes =
          (opener === 34 || opener === 39) && text.charCodeAt(scanWhile(text, end + 1, isBlank)) === opener;
        if (!closes) {
          const header = text.slice(start, end);
          resume = headerValue(
            text,
            end + 1,
            found,
            false,
            authorizationHeader.test(header),
            authenticationInfoHeader.test(header),
          );
        }
      } else if ((next === 39 || next === 34) && opener === next) {
        resume = quotedKeyValue(text, start, end, found);
      }
    }
    // The next opener of each kind, kept while it lies ahead: a JSON-escaped one is looked for apart (a
    // backslash in the opener's search would try a match at every one of them), and each search starts where
    // the last one's find was passed, so the text is read once for each kind.
    if (plainNameStart !== -1 && plainNameStart <= resume) {
      nameOpener.lastIndex = resume;
      plainNameStart = nameOpener.test(text) ? nameOpener.lastIndex : -1;
    }
    if (escapedOpener !== -1 && escapedOpener < resume) escapedOpener = nextEscapedOpener(text, resume);
    // The two kinds never overlap: an escaped opener before the plain one's end is before the plain one.
    if (escapedOpener !== -1 && (plainNameStart === -1 || escapedOpener < plainNameStart)) {
      start = escapedOpener + 6;
      encoded = true;
    } else if (plainNameStart !== -1) {
      start = plainNameStart;
      // An encoded opener ends in a hex digit, a plain one never does.
      encoded = hexValue(text.charCodeAt(start - 1)) !== -1;
    } else {
      return;
    }
  }
}

// Where the next `\u0026`, `\u0023`, `\u003f` or `\u003b` from `from` starts (its last backslash), or -1.
function nextEscapedOpener(text: string, from: number): number {
  for (let at = text.indexOf('u00', from + 1); at !== -1; at = text.indexOf('u00', at + 1)) {
    if (text.charCodeAt(at - 1) !== 92) continue;
    const high = text.charCodeAt(at + 3);
    const low = text.charCodeAt(at + 4) | 32;
    if ((high === 50 && (low === 54 || low === 51)) || (high === 51 && (low === 102 || low === 98)))
      return at - 1;
  }
  return -1;
}

// A name as a person writes one: `api_key`, `stream.key`, `API_KEY`, `apiKey`, `ApiKey`, `X-Api-Key`. A base64
// blob's letters change case at random (`AJwtAAAAAA`), and it has none of these forms.
const writtenName =
  /^(?:[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)*|[A-Z][A-Z0-9]*(?:[_.-][A-Z0-9]+)*|[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*|[A-Z][a-z0-9]*(?:-[A-Z][a-z0-9]*)+)$/;

// `=` as an HTML character reference: decimal, hexadecimal (any case, any leading zeros) or named.
const equalsReference = /&(?:#0*61|#x0*3d|equals);/iy;

// Where the value of an assignment with a blank beside its `=` starts (`name = value`, `name= value`,
// `name =value`, Go's `name := value`, `[name] => value` as PHP's `print_r` writes an array, and a Ruby
// hash's `:name=>value`; the name from `start` to `end`), or -1 when `end` starts none: no blank on either side, `==`, another `=>`, or the value
// on another line.
function looseAssignment(text: string, start: number, end: number): number {
  let equals = scanWhile(text, end, isBlank);
  if (text.charCodeAt(equals) === 58 && text.charCodeAt(equals + 1) === 61) equals += 1;
  else if (text.charCodeAt(equals) === 61 && text.charCodeAt(equals + 1) === 62) {
    // `[name] => value` (PHP's `print_r`, blanks around it) and `:name=>value` (a Ruby symbol, as `inspect`
    // writes a hash): other arrows are code (`token => token.trim()`).
    if (text.charCodeAt(start - 1) === 58) return equals + 2;
    const printed = text.charCodeAt(end - 1) === 93 && equals > end && isBlank(text.charCodeAt(equals + 2));
    return printed ? equals + 2 : -1;
  }
  if (text.charCodeAt(equals) !== 61) return -1;
  const after = text.charCodeAt(equals + 1);
  if (after === 61 || after === 62) return -1;
  if (equals === end && !isBlank(after)) return -1;
  return equals + 1;
}

// Where a quoted name of a few words ends (`"api token"`, `'Stream Key'`): from `end`, the end of its first
// word, across single spaces to the last of at most four words, when the quote `quote` closes it right
// after; `end` itself otherwise. A quoted phrase is read once: what was read is never read again.
function wordsEnd(text: string, end: number, quote: number): number {
  let cursor = end;
  for (let words = 1; words < 4 && text.charCodeAt(cursor) === 32; words += 1) {
    const next = nameEnd(text, cursor + 1);
    if (next === cursor + 1) break;
    cursor = next;
  }
  return text.charCodeAt(cursor) === quote ? cursor : end;
}

// What a parameter's or a header's name follows, besides the text's start: a space, a Ruby symbol's `:`
// (`{:api_key=>…}`, after a space, `{` or `,`), the `:` after a registry's path in `.npmrc`
// (`//registry.npmjs.org/:_authToken=…`), what opens a parameter
// (`?`, `&`, `;`, `#`, plain, percent-encoded once or twice, or JSON-escaped as Go writes `&` in a URL:
// `\u0026`, found by `nextEscapedOpener`), a bracket, a comma, a quote. A name inside a value
// (`?page=abc=key=…`, `%3Dsig%3D`) is not one.
const nameOpener = /[\s?&;#(,{"'`<>]|(?<=[\s{,/]):|%(?:25)?(?:3[fb]|2[36])/gi;

// Reports a parameter's value from `start`; returns where it ends.
function parameterValue(text: string, start: number, encoded: boolean, found: Found): number {
  // A quoted value (`oauth_token="…"`, `TOKEN='…'`) is read to its closing quote, and so is one whose
  // quotes are escapes (`key=\u0022…\u0022` in markup Go wrote into JSON, `key=&quot;…&quot;`).
  const quoted = quotedValue(text, start, found, true);
  if (quoted !== -1) return quoted;
  escapedQuote.lastIndex = start;
  if (escapedQuote.test(text)) {
    // Up to the next escaped quote, whatever its spelling (each stretch is searched once: no escaped quote
    // lies between a value's start and the one found), or the line's end before it.
    const valueStart = escapedQuote.lastIndex;
    nextEscapedQuote.lastIndex = valueStart;
    const close = nextEscapedQuote.exec(text);
    const closeAt = close ? close.index : text.length;
    const newline = text.slice(valueStart, closeAt).indexOf('\n');
    const valueEnd = newline === -1 ? closeAt : valueStart + newline;
    if (valueEnd > valueStart) found(valueStart, valueEnd);
    return close && valueEnd === closeAt ? closeAt + close[0].length : valueEnd;
  }
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === 38 || code === 35 || endsUrl(code)) break;
    if (encoded && code === 37) {
      encodedSeparator.lastIndex = end;
      if (encodedSeparator.test(text)) break;
    } else if (encoded && code === 92) {
      // A run of backslashes is read once: it ends the value when a JSON-escaped `&` or `#` follows it.
      const run = scanWhile(text, end, isBackslash);
      escapedSeparator.lastIndex = run;
      if (escapedSeparator.test(text)) break;
      end = run;
      continue;
    }
    end += 1;
  }
  if (end > start) found(start, end);
  return end;
}

// A quote written as an escape: JSON's behind any number of backslashes, or an HTML character reference.
const escapedQuote = /\\+u00(?:22|27)|&(?:quot|apos|#0*(?:34|39)|#x0*(?:22|27));/iy;
// The same, searched for: written out as a literal, since a bundler keeps a top-level `new RegExp(x.source)`
// in every bundle (reading `source` may have effects), and the bench's client-reach test holds it out.
const nextEscapedQuote = /(?<!\\)\\+u00(?:22|27)|&(?:quot|apos|#0*(?:34|39)|#x0*(?:22|27));/gi;
// An `&` or `#` encoded once (`%26`) or twice (`%2526`, a URL carried inside one carried in another).
const encodedSeparator = /%(?:25)?2[36]/y;
// What follows the backslashes of a JSON-escaped `&` or `#`.
const escapedSeparator = /u002[36]/y;

// Authorization schemes written before the credential in a header (`Authorization: Bearer …`).
const authorizationScheme = /^(?:bearer|basic|digest|token|negotiate)$/i;
const anyScheme = /^[A-Za-z][\w-]{0,31}$/;
const authorizationHeader = /^(?:proxy-)?authorization$/i;
// What else may start a secret: the symbols passwords begin with (`!`, `#`, `$`, `%`, `&`, `*`, `@`, `^`,
// `|`, `?`); not a bracket, a quote or a list's punctuation, which open prose (`(hidden)`) or an object.
const startsSecret = (code: number) =>
  code === 33 ||
  code === 35 ||
  code === 36 ||
  code === 37 ||
  code === 38 ||
  code === 42 ||
  code === 64 ||
  code === 94 ||
  code === 124 ||
  code === 63;
// A word as prose writes it (`unknown`, `Expected`), and the JSON literals: never a credential.
const proseWord = /^[A-Za-z][a-z]*$/;
// JSON's literals and the empty values of other languages (`None`, `nil`, `undefined`): an unset key is no
// secret, and a user whose bug it is must see it.
const literal = /^(?:true|false|null|True|False|TRUE|FALSE|NULL|None|nil|undefined|NaN)$/;
// A validation message a vendor writes under the field it is about (`{"errors": {"stream_key": ["can't be
// blank"]}}` as Rails renders a record's errors, `password: is too short (minimum is 8 characters)`,
// Laravel's `The password field is required.`): the reason a call was refused, in fixed words no credential is
// made of. Read whole, in lower case but for its first letter, and only in the forms below: a length is
// numbers and fixed words (`at least 8 characters`), a format a few letters (`a valid string`), never free
// text after `must be`, so an echoed value (`must be at least 12 characters (got Summer-2024)`) is masked.
// What `a valid …` may name: a kind of value, never free words.
const validKinds =
  '(?:string|integer|number|url|uri|email(?: address)?|value|choice|format|json|uuid|date|boolean|token|key|stream key)';
// Built inside one call marked pure, so a bundle that never masks drops it (the arguments of a bare
// `new RegExp` marked pure would still be built).
const validationMessage = /* @__PURE__ */ (() =>
  new RegExp(
    [
      // Before the form, only the subject frameworks name: Laravel's `The password field`, `The password`,
      // Django REST's `This field`, Pydantic's `String`, `Input`, `Value`.
      '^(?:the (?:[a-z_]{1,30} field|password|passphrase|token|secret|key|stream key|api key) |this (?:field|value) |(?:string|input|value) |ensure this value )?(?:',
      [
        "can(?:'|\u2019|\\\\u0027|\\\\')?t be (?:blank|empty|null|nil)",
        '(?:cannot|may not) be (?:blank|empty|null)',
        `(?:is|was) (?:required|invalid|missing|blank|empty|reserved|expired|too weak|too common|already (?:taken|in use)|not (?:valid|allowed|permitted|supported|included in the list|a valid ${validKinds})|too (?:short|long)(?: \\((?:minimum|maximum) is \\d{1,6} characters?\\))?|the wrong length(?: \\(should be \\d{1,6} characters?\\))?)`,
        'has (?:expired|already been taken)',
        '(?:must|should) (?:not )?(?:be|have|contain) (?:at least|at most|no more than|no fewer than|fewer than|more than|between) \\d{1,6}(?: (?:and|to) \\d{1,6})? (?:characters?|chars|digits?|letters?|bytes?)(?: long)?',
        '(?:must|should) (?:not )?be \\d{1,6}(?: (?:to|-) \\d{1,6})? (?:characters?|chars|digits?|letters?|bytes?)(?: long)?',
        `(?:must|should) (?:not )?be (?:blank|empty|null|present|unique|provided|set|a string|a valid ${validKinds}|the same as (?:the |your )?(?:email(?: address)?|username|user name|name|current password|old password|previous password))`,
        "(?:doesn't|does not) match(?: the)? (?:[Pp]assword(?: confirmation)?|[Cc]onfirmation|pattern|format|expected format|required format)",
        'field (?:is )?required',
        'required|missing|invalid|expired',
      ].join('|'),
      ')[.!]?$',
    ].join(''),
  ))();
function readsAsValidationMessage(text: string, start: number, end: number): boolean {
  if (end - start > 200 || end <= start) return false;
  const value = text.slice(start, end);
  return validationMessage.test(value.charAt(0).toLowerCase() + value.slice(1));
}
// Words of letters alone, joined by `.` or `_` (`provider`, `None`, `stream.id`, `process.env.API_KEY`): no
// digit, as a vendor's generated keys hold.
const wordsOfLetters = /^[A-Za-z_$]+(?:\.[A-Za-z_$]+)*$/;
// A call or an index in code (`input("Password: ")`, `os.environ["TOKEN"]`, `getenv(`): a traceback's line.
const codeCall = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[([]/;
const isLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isBlank = (code: number) => code === 32 || code === 9;

// `'token': '…'` (a dictionary as Python prints it), `'token' => '…'` and `"token" => "…"` (Ruby, PHP): the
// quoted value after a quoted name (from `start` to `end`) followed by `:` or `=>`. An unquoted value stays
// (`'token_ttl': 3600`); returns where what was read ends.
function quotedKeyValue(text: string, start: number, end: number, found: Found): number {
  let cursor = scanWhile(text, end + 1, isBlank);
  if (text.charCodeAt(cursor) === 58) cursor += 1;
  else if (text.charCodeAt(cursor) === 61 && text.charCodeAt(cursor + 1) === 62) cursor += 2;
  else return end;
  if (!isDecodedCredentialName(decodedName(text, start, end))) return end;
  const quoted = quotedValue(text, scanWhile(text, cursor, isBlank), found);
  return quoted === -1 ? end : afterQuoted(text, quoted);
}

// Where the scan goes on after a quoted value ending at `quoted`: at its closing quote when a name follows it
// at once (`"token":"…"token: '…'`), so that quote opens the name.
function afterQuoted(text: string, quoted: number): number {
  return isWord(text.charCodeAt(quoted)) ? quoted - 1 : quoted;
}

// A credential's name before a colon, unless the colon opens a URL's `//` or the name is an error's
// (`AuthenticationError: 401 Unauthorized`, how a stack or `String(error)` begins).
function isHeaderName(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(end + 1) === 47 && text.charCodeAt(end + 2) === 47) return false;
  const name = decodedName(text, start, end);
  return !name.endsWith('Error') && !name.endsWith('Exception') && isDecodedCredentialName(name);
}

// Reports the value of a `Name: value` line from just after its colon; returns where it ends. With
// `assigned`, the value of `name = value`, where words of letters alone are no credential but what code or
// prose puts there (`const key = provider.id + …`, `token = None`, `password = unknown`).
function headerValue(
  text: string,
  afterColon: number,
  found: Found,
  assigned = false,
  authorization = false,
  authenticationInfo = false,
): number {
  const start = scanWhile(text, afterColon, isBlank);
  // `Authentication-Info: rspauth="…", …`: a list of Digest parameters, whose `rspauth` is masked; read here to
  // its end, so that no rule for a single value reads `rspauth`'s otherwise.
  if (authenticationInfo) {
    const listEnd = digestParameters(text, start, found, 'rspauth', new Map());
    if (listEnd > start) return listEnd;
  }
  const quoted = quotedValue(text, start, found);
  if (quoted !== -1) return afterQuoted(text, quoted);
  blockScalar.lastIndex = start;
  if (!assigned && blockScalar.test(text)) return blockLines(text, afterColon, blockScalar.lastIndex, found);
  const first = text.charCodeAt(start);
  if (!isToken68(first) && !startsSecret(first)) return start;
  const end = scanWhile(text, start, (code) => !endsUrl(code));
  const value = text.slice(start, end);
  // After `Authorization:`, any word is a scheme (`SharedKey`, `AWS`, `SSWS`, `Bot`), the credential after it.
  const scheme = authorizationScheme.test(value) || (authorization && anyScheme.test(value));
  if (scheme && text.charCodeAt(end) === 32) {
    const credentialStart = scanWhile(text, end, isBlank);
    // Digest's credential is a parameter of its list, `response`, masked where the list is read
    // (digestLists); none of the others is one.
    if (digestScheme.test(value) && startsParameterList(text, credentialStart)) return credentialStart;
    let credentialEnd = scanWhile(text, credentialStart, (code) => !endsUrl(code));
    // A challenge's parameter ends at its `=`, where its quoted value starts.
    // Looked for within the value only: a text of many such lines is read once.
    let parameterEnd = text.slice(credentialStart, credentialEnd).indexOf('="');
    if (
      parameterEnd === -1 &&
      text.charCodeAt(credentialEnd - 1) === 61 &&
      text.charCodeAt(credentialEnd) === 34
    )
      parameterEnd = credentialEnd - 1 - credentialStart;
    if (parameterEnd !== -1) {
      credentialEnd = credentialStart + parameterEnd + 1;
      // A parameter named like a credential holds one in its quotes: Rails' `Token token="…"`.
      if (isCredentialName(text.slice(credentialStart, credentialEnd - 1))) {
        const quoted = quotedValue(text, credentialEnd, found, true);
        if (quoted !== -1) return quoted;
      }
    }
    const shownFrom = punctuationStart(text, credentialStart, credentialEnd);
    if (shownFrom > credentialStart && !namesNoCredential(text, credentialStart, credentialEnd))
      found(credentialStart, shownFrom);
    return credentialEnd;
  }
  // A scheme alone (`Authorization: Bearer` at a line's end) names no credential.
  if (authorizationScheme.test(value)) return end;
  if (literal.test(value) || (assigned && (wordsOfLetters.test(value) || codeCall.test(value)))) return end;
  if (proseWord.test(value) && text.charCodeAt(end) === 32 && isLetter(text.charCodeAt(end + 1))) return end;
  if (readsAsValidationMessage(text, start, lineEndWithin(text, start, 200))) return end;
  const shownFrom = punctuationStart(text, start, end);
  if (shownFrom > start) found(start, shownFrom);
  return end;
}

// HTTP Digest's `response` (RFC 7616 §3.4) and the server's `rspauth` (`Authentication-Info`, §3.5): hashes
// of the password with the nonce and the request, from which the password can be guessed offline. Digest's
// other parameters (`username`, `realm`, `nonce`, `uri`, `qop`, `nc`, `cnonce`) stay.
const digestScheme = /^digest$/i;
const authenticationInfoHeader = /^(?:proxy-)?authentication-info$/i;
// Where a Digest parameter list starts, whatever carries it (a log line, a map, a JSON string, a table: no
// header name need be found before it): after the word `Digest` and blanks, and after the header name
// `Authentication-Info`, at the first parameter within a few characters (`: `, `:[`, `</td><td>`).
const digestWord = /digest|authentication[-_]info/i;
const digestListStart =
  /\b(digest)(?:[ \t]|\\t)+|(?<![A-Za-z0-9])(?:proxy[-_])?authentication[-_]info(?![A-Za-z0-9])/gi;
const parameterAhead = /[A-Za-z0-9_.*-]{1,64}(?:[ \t]|\\t)*=/y;
// A parameter's name (a token, RFC 9110 §5.6.2, and RFC 7616's `username*`), read in any case.
const isTokenCharacter = (code: number) =>
  isLetter(code) || (code >= 48 && code <= 57) || code === 45 || code === 95 || code === 46 || code === 42;
// A quote a value opens with, as written or escaped: `"`, `'`, behind backslashes (a JSON string's `\"`, at
// most eight: a string escaped three times), or as an escape (`\u0022`, nginx's log's `\x22`, `&quot;`,
// `&#34;`, `&#x22;`).
const openingQuote =
  /(\\{0,8})(?:(["'])|(\\u00(?:22|27)|\\x(?:22|27)|&(?:quot|apos|#0*(?:34|39)|#x0*(?:22|27));))/iy;
// How far one list is read: a parameter list longer than this (a signed `uri` runs to thousands of
// characters) is read to here.
const digestListLimit = 16_384;

/**
 * Masks the `response` of every Digest parameter list and every `rspauth` in `text`. Each search resumes
 * after the list it read, and a closing quote looked for in vain is not looked for again over the same
 * stretch ({@link NoClose}), so the text is read a bounded number of times.
 */
function digestLists(text: string, found: Found): void {
  const noClose: NoClose = new Map();
  digestListStart.lastIndex = 0;
  for (let match = digestListStart.exec(text); match; match = digestListStart.exec(text)) {
    const digest = match[1] !== undefined;
    let listStart = digestListStart.lastIndex;
    if (!digest) {
      // The header's name: its list starts at the first `name=` within the next 32 characters.
      let ahead = listStart;
      for (parameterAhead.lastIndex = ahead; ahead < listStart + 32 && !parameterAhead.test(text); ) {
        ahead += 1;
        parameterAhead.lastIndex = ahead;
      }
      if (ahead >= listStart + 32) continue;
      listStart = ahead;
    }
    const end = digestParameters(text, listStart, found, digest ? 'response' : 'rspauth', noClose);
    if (end > digestListStart.lastIndex) digestListStart.lastIndex = end;
  }
}

/** Per quote spelling, a stretch of the text known to hold no closing quote of that spelling. */
type NoClose = Map<string, { from: number; to: number }>;

/**
 * Reads the Digest parameter list at `from` (`name=value, name="value", …`: blanks around `=` and `,`, empty
 * items, values quoted, escaped or bare, names in any case), hiding the value of the parameter named
 * `secret`: to its closing quote, or, when a cut line leaves it open, to the first blank, comma, quote or line
 * end. Returns where the list ends (`from` when none starts there).
 */
function digestParameters(
  text: string,
  from: number,
  found: Found,
  secret: string,
  noClose: NoClose,
): number {
  const limit = Math.min(text.length, from + digestListLimit);
  // Empty items between commas are allowed (RFC 9110 §5.6.1), at the list's start too.
  let at = from;
  while (text.charCodeAt(at) === 44) at = digestBlanks(text, at + 1);
  let listEnd = from;
  for (;;) {
    const nameStart = at;
    const nameEnd = scanWhile(text, nameStart, isTokenCharacter);
    if (nameEnd === nameStart || nameEnd >= limit) return listEnd;
    let cursor = digestBlanks(text, nameEnd);
    if (text.charCodeAt(cursor) !== 61) return listEnd;
    cursor = digestBlanks(text, cursor + 1);
    const hidden = text.slice(nameStart, nameEnd).toLowerCase() === secret;
    // RFC 8187's extended value (`username*=UTF-8''J%C3%A4s`) holds apostrophes of its own.
    const extended = text.charCodeAt(nameEnd - 1) === 42;
    let valueEnd: number;
    openingQuote.lastIndex = cursor;
    let quote = openingQuote.exec(text);
    // An extended value's apostrophes are its own (`UTF-8''…`); one in double quotes is quoted.
    if (extended && quote?.[2] === "'") quote = null;
    if (quote !== null) {
      const valueStart = openingQuote.lastIndex;
      const close = closingQuoteOf(text, valueStart, limit, quote, noClose);
      if (close === -1) {
        // A line cut inside the value: what is left of it, up to a blank, a comma or the line's end.
        valueEnd = scanWhile(text, valueStart, (code) => !isDigestSeparator(code));
        if (hidden && valueEnd > valueStart) found(valueStart, valueEnd);
        return valueEnd;
      }
      if (hidden && close > valueStart) found(valueStart, close);
      valueEnd = close + quote[0].length;
    } else {
      valueEnd = bareValueEnd(text, cursor, extended);
      if (hidden && valueEnd > cursor) found(cursor, valueEnd);
    }
    listEnd = valueEnd;
    cursor = digestBlanks(text, valueEnd);
    if (text.charCodeAt(cursor) !== 44) return listEnd;
    // Empty items between commas are allowed (RFC 9110 §5.6.1).
    do cursor = digestBlanks(text, cursor + 1);
    while (text.charCodeAt(cursor) === 44);
    at = cursor;
  }
}

// Whether a parameter list (`name=…`) starts at `at`, after any empty items.
function startsParameterList(text: string, at: number): boolean {
  let cursor = at;
  while (text.charCodeAt(cursor) === 44) cursor = digestBlanks(text, cursor + 1);
  parameterAhead.lastIndex = cursor;
  return parameterAhead.test(text);
}

// Where a bare value from `from` ends. An apostrophe ends it, as it ends a text quoted with them (Python's
// `['Digest response=…', …]`), unless a letter follows it (`realm=Bob's`) or the value is RFC 8187's
// (`UTF-8''J%C3%A4s`).
function bareValueEnd(text: string, from: number, extended: boolean): number {
  let end = from;
  for (;;) {
    end = scanWhile(text, end, (code) => !isDigestSeparator(code));
    if (text.charCodeAt(end) !== 39) return end;
    const after = scanWhile(text, end + 1, (code) => code === 39);
    if (!extended && !isTokenCharacter(text.charCodeAt(after))) return end;
    end = after;
  }
}

// Past blanks, a tab JSON-escaped (`\t`, as a JSON string carries the header) among them.
function digestBlanks(text: string, from: number): number {
  let at = from;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9) at += 1;
    else if (code === 92 && text.charCodeAt(at + 1) === 116) at += 2;
    else return at;
  }
}

// Where a bare or cut value ends: a blank, a comma, the line's end, or a quote, backslash or markup that ends
// the text carrying the header (a JSON string's `"`, an escape's `\`, an element's `<`). A Digest hash is hex.
const isDigestSeparator = (code: number) =>
  code === 44 ||
  code === 32 ||
  code === 9 ||
  code === 10 ||
  code === 13 ||
  code === 34 ||
  code === 39 ||
  code === 92 ||
  code === 38 ||
  code === 60 ||
  code === 59;

// Where the quote that closes a value opened by `quote` starts, searched from `from` to `limit` on its line,
// or -1. A quote written plainly closes at the same quote not escaped by a backslash (RFC 9110's
// quoted-pair: `"a\\"` ends after the escaped backslash); one behind backslashes or written as an escape
// closes at the same spelling. A search that found nothing is remembered for its spelling, and a later one
// starting within that stretch goes on from its end.
function closingQuoteOf(
  text: string,
  from: number,
  limit: number,
  quote: RegExpExecArray,
  noClose: NoClose,
): number {
  const spelling = quote[0];
  const backslashes = (quote[1] as string).length;
  const plain = quote[2];
  const known = noClose.get(spelling);
  let at = from;
  if (known !== undefined && known.from <= from && from < known.to) {
    if (known.to >= limit || text.charCodeAt(known.to) === 10) return -1;
    at = known.to;
  }
  for (; at < limit; at += 1) {
    const code = text.charCodeAt(at);
    if (code === 10) break;
    if (plain !== undefined) {
      if (backslashes === 0) {
        if (code === 92) at += 1;
        else if (code === plain.charCodeAt(0)) return at;
      } else if (code === plain.charCodeAt(0) && backslashRunBefore(text, at, from) === backslashes) {
        return at - backslashes;
      }
    } else if (
      text.startsWith(quote[3] as string, at) &&
      backslashRunBefore(text, at, from) === backslashes
    ) {
      return at - backslashes;
    }
  }
  noClose.set(spelling, { from: known !== undefined && known.from <= from ? known.from : from, to: at });
  return -1;
}

// How many backslashes stand right before `at`, counted back no further than `from`.
function backslashRunBefore(text: string, at: number, from: number): number {
  let count = 0;
  while (at - count - 1 >= from && text.charCodeAt(at - count - 1) === 92) count += 1;
  return count;
}

// Where the line from `start` ends, looked for no further than `within` characters (the text's end or that
// bound when no line break comes first).
function lineEndWithin(text: string, start: number, within: number): number {
  const window = text.slice(start, start + within + 1);
  const end = window.search(/[\r\n]/);
  return start + (end === -1 ? window.length : end);
}

// A YAML block scalar's indicator (`|`, `>-`, `|+2`) ending its line: the value is on the lines below.
const blockScalar = /[|>][+-]?[1-9]?[+-]?[ \t]*(?:#[^\n]*)?(?=\r?\n|$)/y;

// Reports each line of a YAML block scalar (`password: |` then the secret, indented, on the lines below): the
// lines indented more than the line of its name, blank ones among them; returns where the last one ends.
function blockLines(text: string, afterColon: number, lineEnd: number, found: Found): number {
  const nameLine = text.lastIndexOf('\n', afterColon - 1) + 1;
  const indent = scanWhile(text, nameLine, isBlank) - nameLine;
  let end = lineEnd;
  for (let at = lineEnd; at < text.length; ) {
    const lineStart = text.indexOf('\n', at) + 1;
    if (lineStart === 0) break;
    let next = text.indexOf('\n', lineStart);
    if (next === -1) next = text.length;
    const content = scanWhile(text, lineStart, isBlank);
    const blank = content >= next || (text.charCodeAt(content) === 13 && content + 1 >= next);
    if (!blank && content - lineStart <= indent) break;
    if (!blank) foundText(text, content, next, found);
    end = next;
    at = next;
  }
  return end;
}

// A YAML list entry naming its value by a field of its own, the value on the next line: Kubernetes'
// `- name: DB_PASSWORD` then `value: …` (an env entry as `kubectl` prints it), quoted or not.
const yamlEntry =
  /^([ \t]*)(?:-[ \t]+)?name:[ \t]*(["']?)([^\s"'#]{1,256})\2[ \t]*\r?\n\1[ \t]*value:[ \t]*/gm;
function yamlEntries(text: string, found: Found): void {
  yamlEntry.lastIndex = 0;
  for (let match = yamlEntry.exec(text); match; match = yamlEntry.exec(text)) {
    if (!isCredentialName(match[3] as string)) continue;
    const start = yamlEntry.lastIndex;
    const quoted = quotedValue(text, start, found, true);
    if (quoted !== -1) continue;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    foundText(text, start, end, found);
  }
}

// A vendor's validation message naming a value before the field it was given for: AWS's `Value 'x' at
// 'masterUserPassword' failed to satisfy constraint`, Azure's `The value 'x' of parameter 'adminPassword' is
// not valid.` The value is masked when the field is named like a credential.
const valueBeforeName =
  /\b[Vv]alue (['"])((?:(?!\1)[^\n]){1,1024})\1 (?:at|of parameter|for parameter|for field|for) (['"])([^'"\n]{1,256})\3/dg;
function valuesBeforeNames(text: string, found: Found): void {
  valueBeforeName.lastIndex = 0;
  for (let match = valueBeforeName.exec(text); match; match = valueBeforeName.exec(text)) {
    const value = match.indices?.[2];
    if (value && isCredentialName(match[4] as string)) found(value[0], value[1]);
  }
}

// curl's `-u user:password` (`--user`, `-uuser:password`), as a command line in a log shows it: the password.
const curlUser =
  /\bcurl(?:[ \t][^\n]{0,1024}?)?[ \t](?:-u[ \t]*|--user(?:[ \t]+|=))(['"]?)[^\s:'"]{1,256}:([^\s'"]{1,1024})\1/dg;
function curlUsers(text: string, found: Found): void {
  curlUser.lastIndex = 0;
  for (let match = curlUser.exec(text); match; match = curlUser.exec(text)) {
    const password = match.indices?.[2];
    if (password) found(password[0], password[1]);
  }
}

// Where the punctuation that ends a value in running text starts (`token: abc, then`, `(key: abc)`, `…abc;`,
// `…abc.`): a list's or a sentence's, never a credential's last character, which no issuer ends one with.
// Not `]`, which ends the mask a second masking reads.
const isClosingPunctuation = (code: number) => code === 44 || code === 59 || code === 46 || code === 41;
function punctuationStart(text: string, start: number, end: number): number {
  let last = end;
  while (last > start && isClosingPunctuation(text.charCodeAt(last - 1))) last -= 1;
  // Punctuation alone is no value; after one, at most two marks are a sentence's (`(key: …).`), and a longer
  // run (`abc.,;)`) is the value's own.
  return last === start ? start : Math.max(last, end - 2);
}

/**
 * `"stream_key": "…"`, `"password":"…"`: a JSON string field named like a credential, as echoed bodies show,
 * and the same field inside a JSON document carried as a string by another (`{\\"token\\":\\"…\\"}`, a
 * vendor quoting an upstream answer, escaped once or more): its quotes are preceded by as many backslashes as
 * its opening quote.
 */
function credentialFields(text: string, found: Found): void {
  let from = 0;
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', from)) {
    const nameStart = quote + 1;
    let end = nameEnd(text, nameStart);
    // A name of a few words (`"api token"`, `"Stream Key"`), as a form or a spreadsheet names a field.
    if (text.charCodeAt(end) === 32) end = wordsEnd(text, end, 34);
    from = end;
    if (end === nameStart) continue;
    // How many backslashes escape the field's quotes: none in a plain document, 1 (then 3, 7…) in one carried
    // as a string. Each quote is read once, and so is the run of backslashes before it.
    const level = quote - backslashRunStart(text, quote);
    let cursor = scanWhile(text, end, isBackslash);
    if (cursor - end !== level || text.charCodeAt(cursor) !== 34) continue;
    if (!isDecodedCredentialName(decodedName(text, nameStart, end))) {
      from = cursor + 1;
      continue;
    }
    cursor = scanWhile(text, cursor + 1, isSpace);
    if (text.charCodeAt(cursor) !== 58) continue;
    cursor = scanWhile(text, cursor + 1, isSpace);
    if (text.charCodeAt(cursor) === 91) {
      from = stringList(text, cursor + 1, level, found);
      continue;
    }
    const valueQuote = scanWhile(text, cursor, isBackslash);
    if (valueQuote - cursor !== level || text.charCodeAt(valueQuote) !== 34) continue;
    const valueStart = valueQuote + 1;
    const valueEnd = stringEnd(text, valueStart, 34, level);
    if (valueEnd > valueStart && !readsAsValidationMessage(text, valueStart, valueEnd))
      found(valueStart, valueEnd);
    from = valueEnd + level + 1;
  }
}

// `"tokens": ["…", "…"]`: reports every string of a list from `start` (just after its `[`) at `level` (see
// `credentialFields`) up to its `]`, a nested list or object ending the read (its own fields are judged by
// their names); returns where the read ends.
function stringList(text: string, start: number, level: number, found: Found): number {
  let cursor = start;
  for (;;) {
    cursor = scanWhile(text, cursor, (code) => isSpace(code) || code === 44);
    const quote = scanWhile(text, cursor, isBackslash);
    if (quote - cursor !== level || text.charCodeAt(quote) !== 34) return cursor;
    const end = stringEnd(text, quote + 1, 34, level);
    if (end > quote + 1 && !readsAsValidationMessage(text, quote + 1, end)) found(quote + 1, end);
    if (end >= text.length) return end;
    cursor = end + level + 1;
  }
}

// Where the run of backslashes ending just before `index` starts.
function backslashRunStart(text: string, index: number): number {
  let start = index;
  while (start > 0 && text.charCodeAt(start - 1) === 92) start -= 1;
  return start;
}

// Where a string from `start` ends: at the first `close` escaped by `level` backslashes after any number of
// that level's escaped backslashes (in plain text none: `\\"` is an escaped backslash, then the end; in a
// document carried as a string 1: `\\\\\"` is an escaped backslash, then the end), at a line's end, or at
// the text's.
function stringEnd(text: string, start: number, close: number, level: number): number {
  let end = start;
  for (;;) {
    const run = scanWhile(text, end, isBackslash);
    if (run >= text.length) return text.length;
    const code = text.charCodeAt(run);
    if (code === close && (run - end) % (2 * level + 2) === level) return run - level;
    if (code === 10) return run;
    end = run + 1;
  }
}

// The quote that closes one opening with `code`: a straight quote and a backtick close themselves, a
// typographic one its pair (`“…”`, `‘…’`, `«…»`, `„…“`); 0 when `code` opens no quotation.
function closingQuote(code: number): number {
  if (code === 34 || code === 39 || code === 96) return code;
  if (code === 0x201c) return 0x201d;
  if (code === 0x2018) return 0x2019;
  if (code === 0xab) return 0xbb;
  if (code === 0x201e) return 0x201c;
  return 0;
}

// A quoted value opening at `start` (a straight, backtick or typographic quote, or a straight quote escaped
// by backslashes in a document carried as a string: `\"…\"`; only straight ones when `straightOnly`, as in a
// query value, where a backtick is one of the value's characters): reports what it holds and returns where
// its closing quote ends; -1 when no quotation opens at `start`.
function quotedValue(text: string, start: number, found: Found, straightOnly = false): number {
  const quote = scanWhile(text, start, isBackslash);
  const level = quote - start;
  const open = text.charCodeAt(quote);
  const close = level === 0 && !straightOnly ? closingQuote(open) : open === 34 || open === 39 ? open : 0;
  if (close === 0) return -1;
  const end = stringEnd(text, quote + 1, close, level);
  if (end > quote + 1 && !readsAsValidationMessage(text, quote + 1, end)) found(quote + 1, end);
  return Math.min(end + level + 1, text.length);
}

/**
 * `<api_key>…</api_key>`, `<ns:Token type="string">…</ns:Token>`: the text of an XML element named like a
 * credential (a SOAP fault, an XML API's echo), up to the next tag, which must be its own closing tag
 * (`<![CDATA[…]]>` read to its end), its blanks at either end left out. A tag is read once: the search
 * resumes after what it read.
 */
function credentialElements(text: string, found: Found): void {
  const tag = /<([A-Za-z_][\w.:-]*)(?:[ \t\r\n][^<>]*)?>/g;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const name = match[1] as string;
    if (!mayBeCredential.test(name) || text.charCodeAt(tag.lastIndex - 2) === 47) continue;
    if (!isDecodedCredentialName(name)) continue;
    let start = tag.lastIndex;
    let end = cdataEnd(text, start);
    if (end !== -1) start += 9;
    else {
      // Only the element's own closing tag ends its text: `use <token> then </b>` is prose.
      end = text.indexOf('<', start);
      if (end === -1 || !closesElement(text, end, name)) continue;
      // A `<key>` followed by a value's element is the name of that value (namedEntries), not a key: a
      // property list's `<key>NSAppTransportSecurity</key><dict>`, a map's `<key>…</key><value>`.
      if (name.toLowerCase() === 'key') {
        entryPatterns.entryFollower.lastIndex = text.indexOf('>', end) + 1;
        if (entryPatterns.entryFollower.test(text)) continue;
      }
    }
    foundText(text, start, end, found);
    tag.lastIndex = Math.max(tag.lastIndex, end);
  }
}

// After an entry's name element, its value's element. Between them: blanks (written as a JSON string escapes
// them too, `\n\t`, in a document carried inside one) and comments of at most 256 characters (so an unclosed
// one is never read to the end of the text again and again). A value's element: a property list's typed one,
// or a map's or an XML-RPC member's `<value>`, which may hold the value as text or in an element of its type;
// attributes and a blank before `>` allowed, in any case (Wowza Streaming Engine writes `<Name>…</Name>
// <Value>…</Value>`).
// Built once from shared pieces, inside a call marked pure: a bundle that never masks keeps none of it.
const entryPatterns = /* @__PURE__ */ (() => {
  const comment = '<!--(?:[^-]|-(?!->)){0,256}-->';
  const between = `(?:\\s|\\\\+[nrt]|${comment})*`;
  // An opening tag's attributes and its `>`, a blank before it allowed; never a self-closing tag's.
  const attributes = '(?:\\s[^<>]*)?(?<!\\/)>';
  const plistTypes = 'string|data|integer|real|date';
  const memberValue = `<value${attributes}(?:${between}<(?:string|base64|i4|i8|int|double|boolean|dateTime\\.iso8601)${attributes})?`;
  return {
    keyValue: new RegExp(`${between}(?:<(?:${plistTypes})${attributes}|${memberValue})`, 'iy'),
    // After a `<name>`, up to 16 blank runs, comments or simple elements (Wowza's `<Type>String</Type>`) may
    // come first: bounded, since one text's entries would otherwise each read the same elements after them.
    nameValue: new RegExp(
      `(?:(?:\\s|\\\\+[nrt])+(?![\\s\\\\])|${comment}|<([a-z]+)(?:\\s[^<>]*)?>[^<]{0,256}<\\/\\1>){0,16}${memberValue}`,
      'iy',
    ),
    // Any element of a property list, or a map's value, after a `<key>`: the key is then a name, whatever it
    // names.
    entryFollower: new RegExp(`${between}<(?:${plistTypes}|dict|array|true|false|value)[\\s/>]`, 'iy'),
  };
})();
// A value's text that is a literal, up to its closing tag: `true`, `false`, `null`, as a header's is.
const literalValue = /\s*(?:true|false|null)\s*<\//iy;

// A JSON entry naming its value by a field of its own, in one object and in any order, other fields between:
// Kubernetes' and ECS's `{"name": "DB_PASSWORD", "value": "…"}`, AWS SSM's `{"Name": "/prod/db/password",
// "Type": "SecureString", "Value": "…"}`, CloudFormation's `ParameterKey` and `ParameterValue`, RDS's
// `ParameterName`, Elastic Beanstalk's `OptionName`, a map written as `{"key": "…", "value": "…"}`; and an
// object that is the value of a credential's field (an Azure parameter file's `"adminPassword": {"value":
// "…"}`). Also inside a JSON string, its quotes escaped (`{\"name\":\"…\"}`), at the name's escape level.
const jsonNameField =
  /(?<!\\)(\\*)"(?:name|Name|key|Key|ParameterKey|parameterKey|ParameterName|OptionName)\1"\s*:\s*\1"([^"\\]{1,256})\1"/;
const jsonValueField = /(?<!\\)(\\*)"(?:value|Value|ParameterValue|parameterValue)\1"\s*:\s*\1"/g;

/** The string of each value field of a JSON entry whose name is a credential's (`jsonNameField`). */
function jsonEntries(text: string, found: Found): void {
  for (let open = text.indexOf('{'); open !== -1; open = text.indexOf('{', open + 1)) {
    // An object holding no other, of at most 4,096 characters: each stretch of the text is read once.
    const limit = Math.min(text.length, open + 4096);
    let close = open + 1;
    while (close < limit && text.charCodeAt(close) !== 123 && text.charCodeAt(close) !== 125) close += 1;
    if (text.charCodeAt(close) !== 125) continue;
    const body = text.slice(open, close);
    jsonValueField.lastIndex = 0;
    let value = jsonValueField.exec(body);
    if (value === null) continue;
    const named = jsonNameField.exec(body);
    const level =
      named !== null && isCredentialName(named[2] as string)
        ? (named[1] as string).length
        : credentialOwnerLevel(text, open);
    if (level === -1) continue;
    for (; value; value = jsonValueField.exec(body)) {
      if ((value[1] as string).length !== level) continue;
      const start = open + value.index + value[0].length;
      const end = stringEnd(text, start, 34, level);
      if (end > start) found(start, end);
    }
  }
}

// When the object opening at `open` is the value of a field named like a credential (`"adminPassword": {`),
// the escape level of that field's quotes; -1 otherwise. Read backwards over at most 256 characters of name.
function credentialOwnerLevel(text: string, open: number): number {
  let at = open - 1;
  while (at >= 0 && isSpace(text.charCodeAt(at))) at -= 1;
  if (text.charCodeAt(at) !== 58) return -1;
  at -= 1;
  while (at >= 0 && isSpace(text.charCodeAt(at))) at -= 1;
  if (text.charCodeAt(at) !== 34) return -1;
  const nameEndAt = at;
  let quote = nameEndAt - 1;
  while (quote >= 0 && nameEndAt - quote <= 257 && text.charCodeAt(quote) !== 34) quote -= 1;
  if (quote < 0 || text.charCodeAt(quote) !== 34) return -1;
  let level = 0;
  while (nameEndAt - 1 - level > quote && text.charCodeAt(nameEndAt - 1 - level) === 92) level += 1;
  const name = text.slice(quote + 1, nameEndAt - level);
  return isCredentialName(name) ? level : -1;
}

/**
 * `<key>password</key><string>…</string>` (an Apple property list), `<name>token</name><value><string>…
 * </string></value>` (an XML-RPC struct's member), `<Name>securityPublishPassword</Name><Value>…</Value>`
 * (Wowza Streaming Engine's properties), `<key>password</key><value>…</value>` (a map as Java writes one): an
 * entry whose name is an element of its own and its value the element after it. The value's text is masked,
 * up to the next closing tag, when the name is a credential's (CDATA sections and comments in it included);
 * the name stays, as it does in `"token": "…"`.
 */
function namedEntries(text: string, found: Found): void {
  const entry = /<(key|name)(?:\s[^<>]*)?>([^<]*)<\/\1\s*>/gi;
  for (let match = entry.exec(text); match; match = entry.exec(text)) {
    const value =
      (match[1] as string).toLowerCase() === 'key' ? entryPatterns.keyValue : entryPatterns.nameValue;
    value.lastIndex = entry.lastIndex;
    if (!value.test(text) || !isCredentialName((match[2] as string).trim())) continue;
    // A flag about a credential (`securityPublishRequirePassword` `true`) holds none.
    literalValue.lastIndex = value.lastIndex;
    if (literalValue.test(text)) continue;
    let start = value.lastIndex;
    // The entry's shape already says what the text is. A value that is one CDATA section keeps its markup.
    let end = nextClosingTag(text, start);
    const section = cdataEnd(text, start);
    if (section !== -1 && (section === text.length || text.startsWith('</', section + 3))) {
      start += 9;
      end = section;
    }
    foundText(text, start, end, found);
    entry.lastIndex = end;
  }
}

// Where a value read from `from` ends: at the next closing tag, or at the end of a text cut short.
function nextClosingTag(text: string, from: number): number {
  const end = text.indexOf('</', from);
  return end === -1 ? text.length : end;
}

// Where the text of a CDATA section opening at `at` ends (its `]]>`, or the end of a text cut short); -1 when
// none opens there.
function cdataEnd(text: string, at: number): number {
  if (!text.startsWith('<![CDATA[', at)) return -1;
  const end = text.indexOf(']]>', at + 9);
  return end === -1 ? text.length : end;
}

// Reports an element's text from `start` to `end`, its blanks at either end left out.
function foundText(text: string, start: number, end: number, found: Found): void {
  const first = scanWhile(text, start, isSpace);
  let last = end;
  while (last > first && isSpace(text.charCodeAt(last - 1))) last -= 1;
  if (last > first) found(first, last);
}

// Whether `</name>` (or `</name >`) starts at `at`.
function closesElement(text: string, at: number, name: string): boolean {
  if (text.charCodeAt(at + 1) !== 47 || !text.startsWith(name, at + 2)) return false;
  const after = text.charCodeAt(at + 2 + name.length);
  return after === 62 || isSpace(after);
}

// The attributes that name a form control or a meta entry, and those that hold its value.
const controlNames: ReadonlySet<string> = /* @__PURE__ */ new Set(['name', 'id', 'property', 'key']);
const controlValues: ReadonlySet<string> = /* @__PURE__ */ new Set(['value', 'content']);

/**
 * `<input name="api_key" value="…">`, `<meta name="csrf-token" content="…">`, `<param name="token"
 * value="…"/>`, `<input type="password" value="…">`: the value of an HTML or XML element's `value` or
 * `content` attribute when the element is named like a credential (`name`, `id`, `property`, `key`) or is a
 * password field, in whatever order its attributes come, quoted (straight quotes, or escaped as in a JSON
 * string: `name=\"token\"`) or not. A tag is read once, up to its `>`.
 */
function credentialControls(text: string, found: Found): void {
  const open = /<[A-Za-z][\w:-]*[ \t\r\n]/g;
  const attribute = /[ \t\r\n]*([A-Za-z_:][\w.:-]*)[ \t]*(=[ \t]*)?/y;
  let valueStart = -1;
  let valueEnd = -1;
  const value: Found = (start, end) => {
    valueStart = start;
    valueEnd = end;
  };
  for (let match = open.exec(text); match; match = open.exec(text)) {
    let cursor = open.lastIndex;
    let named = false;
    let heldStart = -1;
    let heldEnd = -1;
    for (;;) {
      attribute.lastIndex = cursor;
      const read = attribute.exec(text);
      if (!read) break;
      cursor = attribute.lastIndex;
      if (read[2] === undefined) continue;
      valueStart = -1;
      const after = quotedValue(text, cursor, value, true);
      if (after === -1) {
        valueStart = cursor;
        valueEnd = scanWhile(text, cursor, (code) => code !== 62 && !endsUrl(code));
        cursor = valueEnd;
      } else {
        cursor = after;
      }
      // A namespaced attribute by its local name: Android's `android:name`, `android:value`.
      const written = (read[1] as string).toLowerCase();
      const name = written.slice(written.lastIndexOf(':') + 1);
      const held = valueStart === -1 ? '' : text.slice(valueStart, valueEnd);
      if (controlValues.has(name)) {
        heldStart = valueStart;
        heldEnd = valueEnd;
      } else if (
        controlNames.has(name) ? isCredentialName(held) : name === 'type' && /^password$/i.test(held)
      ) {
        named = true;
      }
    }
    if (named && heldStart !== -1 && heldEnd > heldStart) found(heldStart, heldEnd);
    else if (named && heldStart === -1) {
      // An element named so holding its value as text: Android's `<string name="api_key">…</string>`, a
      // properties file's `<entry key="password">…</entry>`; up to its own closing tag.
      const close = scanWhile(text, cursor, isSpace);
      const textEnd = text.charCodeAt(close) === 62 ? text.indexOf('<', close + 1) : -1;
      if (textEnd !== -1 && closesElement(text, textEnd, match[0].slice(1, -1))) {
        foundText(text, close + 1, textEnd, found);
        cursor = textEnd;
      } else if (textEnd !== -1) {
        // Or in a `<value>` of its own: .NET's `<setting name="Password" serializeAs="String"><value>…</value>`.
        const { nameValue } = entryPatterns;
        nameValue.lastIndex = close + 1;
        if (nameValue.test(text)) {
          // Nothing after the value's end is read again (a value never closed ends with the text).
          cursor = nextClosingTag(text, nameValue.lastIndex);
          foundText(text, nameValue.lastIndex, cursor, found);
        }
      }
    }
    open.lastIndex = Math.max(cursor, open.lastIndex);
  }
}

// Markup carried inside another text: a `<` or a quote JSON-escaped as Go's `encoding/json` writes them
// (`\u003c`, `\u0022`), or written as an HTML character reference, as an error page shows an upstream body
// (`&lt;`, `&quot;`, `&#39;`).
const escapedMarkup = /\\u00(?:3c|22|27)|&(?:lt|quot|apos|#0*(?:60|34|39)|#x0*(?:3c|22|27));/i;
// Every escape `markupView` reads as the character it stands for.
const markupEscape =
  /(?<!\\)\\+u00(?:3[ce]|2[267])|&(?:lt|gt|quot|apos|amp|#0*(?:60|62|34|39|38)|#x0*(?:3c|3e|22|27|26));/gi;

function markupCharacter(written: string): string {
  const lower = written.toLowerCase();
  // A JSON escape behind any number of backslashes: markup in a document carried as a string by another.
  if (lower.startsWith('\\'))
    return String.fromCharCode(Number.parseInt(lower.slice(lower.indexOf('u') + 1), 16));
  if (lower.startsWith('&#x')) return String.fromCharCode(Number.parseInt(lower.slice(3, -1), 16));
  if (lower.startsWith('&#')) return String.fromCharCode(Number.parseInt(lower.slice(2, -1), 10));
  return { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'", '&amp;': '&' }[lower] ?? written;
}

/**
 * `text` with the escapes of markup read as the characters they stand for, and `at`: for each of its
 * characters (and its end) where it starts in `text`, so a stretch found in the view is hidden in the text
 * whole, escapes included. Built in one pass.
 */
function markupView(text: string): { text: string; at: Int32Array } {
  const pieces: string[] = [];
  // The view is never longer than the text: each escape stands for one character.
  const at = new Int32Array(text.length + 1);
  let length = 0;
  let cursor = 0;
  markupEscape.lastIndex = 0;
  for (let match = markupEscape.exec(text); match; match = markupEscape.exec(text)) {
    pieces.push(text.slice(cursor, match.index), markupCharacter(match[0]));
    for (let index = cursor; index <= match.index; index += 1) at[length++] = index;
    cursor = match.index + match[0].length;
  }
  pieces.push(text.slice(cursor));
  for (let index = cursor; index <= text.length; index += 1) at[length++] = index;
  return { text: pieces.join(''), at: at.subarray(0, length) };
}

/**
 * `rtmp://host/app/<stream key>`: the last path segment of an RTMP(S) URL with an application path, written
 * plain or JSON-escaped (`rtmp:\/\/host\/app\/<stream key>`).
 */
function rtmpStreamKeys(text: string, found: Found): void {
  const scheme = /\brtmps?:(?:\/\/|\\\/\\\/)/gi;
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

/**
 * `scheme://user:password@host`: the user information of any URL, written plain or JSON-escaped as some
 * encoders write every `/` (`https:\/\/user:password@host`).
 */
function urlUserInformation(text: string, found: Found): void {
  for (const separator of ['://', ':\\/\\/']) {
    let from = 0;
    for (let marker = text.indexOf(separator, from); marker !== -1; marker = text.indexOf(separator, from)) {
      const start = marker + separator.length;
      const end = scanWhile(text, start, (code) => code !== 47 && code !== 64 && !endsUrl(code));
      from = Math.max(end, start);
      const schemeChar = text.charCodeAt(marker - 1);
      const hasScheme = marker > 0 && (isWord(schemeChar) || schemeChar === 43 || schemeChar === 46);
      if (hasScheme && end > start && text.charCodeAt(end) === 64) found(start, end);
    }
  }
}

/**
 * Runs every shape-based scanner over `text`; `rtmpKeySegments: false` leaves out the one that takes the last
 * path segment of an RTMP URL for a stream key (see `serverRedactor`).
 */
export function scanCredentialPatterns(text: string, given: Found, rtmpKeySegments = true): void {
  // A stretch starting at a mask an earlier masking wrote ends with that mask: a shape read to a terminator
  // the mask replaced (a closing tag, a quote) would otherwise run on past it, and a second masking would
  // hide more than the first (`<string>[REDACTED]" tail`).
  const found: Found = text.includes(redactedMarker)
    ? (start, end) =>
        given(
          start,
          text.startsWith(redactedMarker, start) ? Math.min(end, start + redactedMarker.length) : end,
        )
    : given;
  authorizationValues(text, found);
  if (digestWord.test(text)) digestLists(text, found);
  jsonWebTokens(text, found);
  credentialParameters(text, found);
  credentialFields(text, found);
  if (text.includes('"')) jsonEntries(text, found);
  if (text.includes('alue ')) valuesBeforeNames(text, found);
  if (text.includes('value:')) yamlEntries(text, found);
  if (text.includes('curl')) curlUsers(text, found);
  const escaped = escapedMarkup.test(text);
  if (escaped) {
    const view = markupView(text);
    const foundInText: Found = (start, end) => found(view.at[start] as number, view.at[end] as number);
    credentialElements(view.text, foundInText);
    credentialControls(view.text, foundInText);
    namedEntries(view.text, foundInText);
  }
  // Markup holding escapes in an element's text (`<string>a&lt;b</string>`) is read as written too: the view
  // decodes them into tags, which would end the text early. Not the controls: a value quoted by escapes
  // (`value=&quot;…&quot;`) is the view's to read.
  if (text.includes('<')) {
    credentialElements(text, found);
    if (!escaped) credentialControls(text, found);
    namedEntries(text, found);
  }
  if (rtmpKeySegments) rtmpStreamKeys(text, found);
  urlUserInformation(text, found);
}
