import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compoundCredentialNames,
  credentialWords,
  harmlessNames,
  nameOf,
  ordinaryWords,
} from '../../test/credential-names.js';
import { redact } from '../index.js';

// Which names make a value a credential's, however they are written: built from parts, joined by a separator
// or in camelCase, in any case, percent-encoded, as a query parameter, a JSON field or a header quoted in a
// vendor's message. See docs/decisions/2026-11-30-credential-names.md.

// Any characters a token may hold in a query value: what ends one there (`&`, `#`, quotes, space) aside, and
// `=` and `:`, after which a value's own letters could read as a credential's name.
const values = fc.stringMatching(/^[A-Za-z0-9!$*+.^_`|~/-]{1,40}$/);

// A parameter: its name, whether it names a credential, its value.
const parameters = fc.array(
  fc.oneof(
    fc.tuple(nameOf(credentialWords), fc.constant(true), values),
    fc.tuple(nameOf(ordinaryWords), fc.constant(false), values),
  ),
  { minLength: 1, maxLength: 5 },
);

const query = (list: readonly (readonly [string, boolean, string])[], mask: boolean) =>
  list.map(([name, secret, value]) => `${name}=${mask && secret ? '[REDACTED]' : value}`).join('&');

describe('credential names', () => {
  it('are masked as query parameters whatever their parts, separators and case, and ordinary names are not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET https://cdn.example.test/live/a.m3u8?', 'https://player.example.test/#', ''),
        parameters,
        (opener, list) => {
          // An opener of '' is a form body or running text: the first name starts the text.
          expect(redact(`${opener}${query(list, false)} refused`)).toBe(
            `${opener}${query(list, true)} refused`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('are masked as JSON fields by the same names', () => {
    fc.assert(
      fc.property(parameters, (list) => {
        const body = (mask: boolean) =>
          `{${list.map(([name, secret, value]) => `"${name}": "${mask && secret ? '[REDACTED]' : value}"`).join(', ')}}`;
        expect(redact(body(false))).toBe(body(true));
      }),
      { numRuns: 300 },
    );
  });

  it('are read decoded when any of their characters is percent-encoded, once or twice', () => {
    const encodings = (code: number) => {
      const hex = code.toString(16).padStart(2, '0');
      return [
        String.fromCharCode(code),
        `%${hex.toUpperCase()}`,
        `%${hex.toLowerCase()}`,
        `%25${hex.toUpperCase()}`,
      ];
    };
    // A name with each character written as itself or escaped, as the generator picks.
    const encodedName = (name: string) =>
      fc
        .tuple(...[...name].map((character) => fc.constantFrom(...encodings(character.charCodeAt(0)))))
        .map((characters) => characters.join(''));
    const encodedParameters = fc.array(
      fc.oneof(
        fc.tuple(nameOf(credentialWords).chain(encodedName), fc.constant(true), values),
        fc.tuple(nameOf(ordinaryWords).chain(encodedName), fc.constant(false), values),
      ),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(encodedParameters, (list) => {
        const url = 'GET https://cdn.example.test/live/a.m3u8?';
        expect(redact(`${url}${query(list, false)} refused`)).toBe(`${url}${query(list, true)} refused`);
      }),
      { numRuns: 500 },
    );
    expect(redact('?%73ig=abc&%74oken=abc&api%5Fkey=abc&%2573ig=abc&%70ass=abc&page=2')).toBe(
      '?%73ig=[REDACTED]&%74oken=[REDACTED]&api%5Fkey=[REDACTED]&%2573ig=[REDACTED]&%70ass=[REDACTED]&page=2',
    );
  });
});

describe('harmless words inside names', () => {
  it('leave the value readable, while a credential compound, even one holding a harmless word, stays masked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constantFrom(...compoundCredentialNames), fc.constant(true), values),
            fc.tuple(fc.constantFrom(...harmlessNames), fc.constant(false), values),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (list) => {
          const url = 'POST https://api.video.wowza.com/api/v2.0/live_streams?';
          expect(redact(`${url}${query(list, false)} refused`)).toBe(`${url}${query(list, true)} refused`);
          const body = (mask: boolean) =>
            `{${list.map(([name, secret, value]) => `"${name}": "${mask && secret ? '[REDACTED]' : value}"`).join(',')}}`;
          expect(redact(body(false))).toBe(body(true));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// A token as a header carries it: what may start it, then any token characters.
const headerValues = fc.stringMatching(/^[A-Za-z0-9._~+/-][A-Za-z0-9!#$%&*+.^_`|~:/=-]{0,40}$/);

describe('credential headers quoted in running text', () => {
  it('have their value masked, whatever the header name is built from, and prose, a bracket, a literal and an error name are left alone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('X-', ''),
        nameOf(credentialWords),
        fc.constantFrom(': ', ':', ':\t', ':   '),
        headerValues.filter((value) => !/^(?:true|false|null)$/.test(value)),
        fc.constantFrom('', '\nthe request was refused', '\r\n'),
        (prefix, name, colon, value, after) => {
          // `name://` opens a URL, not a header.
          fc.pre(!(colon === ':' && value.startsWith('//')));
          const line = (shown: string) => `vendor answered 403: ${prefix}${name}${colon}${shown}${after}`;
          // Punctuation ending the value is the sentence's, and stays: `key: abc.`, `key: abc,`; at most two
          // marks of it (`(key: abc).`), a longer run (`abc...`) being the value's own but those two.
          const [, held = '', ending = ''] = /^(.*?)([.,;)]*)$/s.exec(value) ?? [];
          expect(redact(line(value))).toBe(line(held === '' ? value : `[REDACTED]${ending.slice(-2)}`));
        },
      ),
      { numRuns: 500 },
    );
    for (const [text, masked] of [
      ['quoting X-Sig: abc', 'quoting X-Sig: [REDACTED]'],
      ['X-pass: ~...', 'X-pass: [REDACTED]..'],
      ['sig: abc', 'sig: [REDACTED]'],
      ['api-key: abc; retry', 'api-key: [REDACTED]; retry'],
      ['Authorization: Token abc123', 'Authorization: Token [REDACTED]'],
      ["{ token: 'abc def', page: 2 }", "{ token: '[REDACTED]', page: 2 }"],
    ])
      expect(redact(text as string)).toBe(masked);
    // A validation message, the CLI's own lines, an error's name, a flag, a vendor's setting.
    for (const text of [
      'Invalid input for create: providerOptions.memory.password: unknown field',
      'ingest[0].streamKey: expected string',
      '    stream key:  (hidden; --show-secrets prints it)',
      '    token:       [REDACTED]',
      'AuthenticationError: 401 Unauthorized',
      'token_auth_enabled: true',
      'Missing credential: set WOWZA_VIDEO_TOKEN',
      'keyframe_interval: 2',
      'subscribeTokenExpiresAt: 2030-10-27T23:08:55.000Z',
    ])
      expect(redact(text)).toBe(text);
  });
});

describe('credential fields of a JSON document carried as a string', () => {
  it('are masked however many times the document was escaped, and its other fields stay as they were', () => {
    // A vendor quoting an upstream answer in its own error body, escaped once or more.
    const prefix = 'upstream answered ';
    fc.assert(
      fc.property(
        fc.constantFrom(
          'token',
          'stream_key',
          'password',
          'api_key',
          'passphrase',
          'client_secret',
          'userPass',
          'sig',
        ),
        // Any characters but `=` and `:`, after which a value's own letters could read as a name; quotes and
        // backslashes included, which each level escapes again.
        fc.stringMatching(/^[A-Za-z0-9 "\\/+_.-]{1,40}$/),
        fc.integer({ min: 0, max: 3 }),
        (name, value, depth) => {
          let text = JSON.stringify({ code: 'ERR-422-InvalidStateChange', [name]: value, page: 2 });
          for (let level = 0; level < depth; level += 1)
            text = JSON.stringify({ message: `${prefix}${text}` });
          let read = redact(text);
          for (let level = 0; level < depth; level += 1) read = JSON.parse(read).message.slice(prefix.length);
          expect(JSON.parse(read)).toEqual({
            code: 'ERR-422-InvalidStateChange',
            [name]: '[REDACTED]',
            page: 2,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('names and separators written as JSON escapes', () => {
  // `\uXXXX` for a character, as a JSON encoder may write any of them (Go writes every `&` so).
  const jsonEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  // The name with each character written as itself or escaped, as the generator picks.
  const escapedName = (name: string) =>
    fc
      .tuple(...[...name].map((character) => fc.constantFrom(character, jsonEscape(character))))
      .map((characters) => characters.join(''));

  it('are read as the characters they stand for, in a query inside a JSON string and as a field name', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(nameOf(credentialWords), fc.constant(true), values),
            fc.tuple(nameOf(ordinaryWords), fc.constant(false), values),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom('?', '&', '='),
        fc.integer({ min: 0, max: 2 }),
        (list, escaped, depth) => {
          const url = (mask: boolean) => `https://cdn.example.test/live?page=2&${query(list, mask)}&lang=en`;
          const expected = { url: url(true), code: 'ERR-403' };
          // The body as such an encoder writes it: every `escaped` character (and each of the names'
          // characters the generator picked) as `\uXXXX`, then carried as a string `depth` times.
          let body = JSON.stringify({ url: url(false), code: 'ERR-403' }).replaceAll(
            escaped,
            jsonEscape(escaped),
          );
          for (let level = 0; level < depth; level += 1) body = JSON.stringify({ body });
          let read = redact(body);
          for (let level = 0; level < depth; level += 1) read = JSON.parse(read).body;
          expect(JSON.parse(read)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(nameOf(credentialWords).chain(escapedName), values, (name, value) => {
        const body = `{"${name}": "${value}", "code": "ERR-403"}`;
        expect(JSON.parse(redact(body))).toEqual({
          [JSON.parse(`"${name}"`)]: '[REDACTED]',
          code: 'ERR-403',
        });
      }),
      { numRuns: 300 },
    );
    expect(redact('{"url":"https://x.test/a?b=1\\u0026sig=abc\\u0026c=2","\\u0074oken":"abc"}')).toBe(
      '{"url":"https://x.test/a?b=1\\u0026sig=[REDACTED]\\u0026c=2","\\u0074oken":"[REDACTED]"}',
    );
  });
});

describe('quoted credential values', () => {
  // A quotation's opening and closing quote, as messages write one.
  const quotes = [
    ['"', '"'],
    ["'", "'"],
    ['`', '`'],
    ['“', '”'],
    ['‘', '’'],
    ['«', '»'],
    ['„', '“'],
  ] as const;
  // A value as a person or a library quotes it: spaces and any character but quotes and backslashes.
  const quotedValues = fc.stringMatching(/^[A-Za-z0-9 !#$%&*+.^_|~/=:;,-]{1,40}$/);

  it('are masked to their closing quote after `Name:`, `name=`, and a quoted name with `:` or `=>`', () => {
    fc.assert(
      fc.property(
        nameOf(credentialWords),
        fc.constantFrom(...quotes),
        fc.constantFrom(': ', ':', '=', "'': ", "'' => ", '"" => '),
        quotedValues,
        fc.constantFrom('', ' was refused', '\nnext line'),
        (name, [open, close], separator, value, after) => {
          // `=` and a quoted name take straight quotes only: in a query a backtick is a value's character.
          fc.pre(
            (!separator.includes("'") && !separator.includes('"') && separator !== '=') ||
              open === '"' ||
              open === "'",
          );
          const quotedName = separator.length > 2 ? `${separator[0]}${name}${separator[1]}` : name;
          const glue = separator.length > 2 ? separator.slice(2) : separator;
          const line = (shown: string) => `vendor said ${quotedName}${glue}${open}${shown}${close}${after}`;
          expect(redact(line(value))).toBe(line('[REDACTED]'));
        },
      ),
      { numRuns: 500 },
    );
    for (const [text, masked] of [
      [
        'OAuth oauth_token="abc", oauth_signature="def"',
        'OAuth oauth_token="[REDACTED]", oauth_signature="[REDACTED]"',
      ],
      ["{'stream_key': 'abc', 'token_ttl': 3600}", "{'stream_key': '[REDACTED]', 'token_ttl': 3600}"],
      ['access_token: `abc` was refused', 'access_token: `[REDACTED]` was refused'],
      // A quote never closed (a message cut short) hides the rest of its line.
      ['stream_key="abc, cut off\nnext line', 'stream_key="[REDACTED]\nnext line'],
      [
        '{\\"message\\": \\"token=\\\\\\"abc\\\\\\"\\"}',
        '{\\"message\\": \\"token=\\\\\\"[REDACTED]\\\\\\"\\"}',
      ],
    ])
      expect(redact(text as string)).toBe(masked);
  });
});

describe('URLs written with every slash escaped, as some JSON encoders write them', () => {
  it('have their user information and RTMP stream key masked, and nothing else of them', () => {
    const secrets = fc.stringMatching(/^[A-Za-z0-9_-]{4,40}$/);
    fc.assert(
      fc.property(secrets, secrets, fc.constantFrom('rtmp', 'rtmps', 'RTMP'), (password, key, scheme) => {
        const body = (mask: boolean) => ({
          restream: `${scheme}://live.example.test:1935/app/${mask ? '[REDACTED]' : key}`,
          backup: `https://${mask ? '[REDACTED]' : `bob:${password}`}@backup.example.test/path`,
          code: 'ERR-422',
        });
        const text = JSON.stringify(body(false)).replaceAll('/', '\\/');
        expect(JSON.parse(redact(text))).toEqual(body(true));
      }),
      { numRuns: 300 },
    );
  });
});

describe('credential fields whose value is a list of strings', () => {
  it('have every string of the list masked, plain or in a document carried as a string', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tokens', 'stream_keys', 'passwords', 'api_key'),
        fc.array(fc.stringMatching(/^[A-Za-z0-9 "\\/+_.-]{1,20}$/), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 }),
        (name, list, depth) => {
          let text = JSON.stringify({ [name]: list, code: 'ERR-422', next: { page: 2 } });
          for (let level = 0; level < depth; level += 1) text = JSON.stringify({ body: text });
          let read = redact(text);
          for (let level = 0; level < depth; level += 1) read = JSON.parse(read).body;
          expect(JSON.parse(read)).toEqual({
            [name]: list.map(() => '[REDACTED]'),
            code: 'ERR-422',
            next: { page: 2 },
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a name and a value in running text, written as a registry reference or a stream name', () => {
  it('are left readable when the name is an ordinary word, and masked when it is a credential word', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('turkey', 'Turkey', 'hockey', 'Hockey', 'keystone', 'whiskey', 'jockey', 'secretary'),
        fc.constantFrom(':', '=', ': '),
        fc.stringMatching(/^[a-z0-9]{8,24}$/),
        fc.constantFrom('', ']', ' ready', '\n'),
        (name, separator, value, after) => {
          const line = `REF ${name}${separator}${value}${after}`;
          expect(redact(line)).toBe(line);
          expect(redact(`{"${name}": "${value}"}`)).toBe(`{"${name}": "${value}"}`);
        },
      ),
    );
    expect(redact('passkey=zq0123456789')).toBe('passkey=[REDACTED]');
    expect(redact('turkey_token=zq0123456789')).toBe('turkey_token=[REDACTED]');
  });
});
