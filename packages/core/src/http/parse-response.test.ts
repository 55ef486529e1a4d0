import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import {
  endpointSchemes,
  isEndpointUrl,
  urlPassword,
  urlSchemeAndHost,
  urlUsername,
  urlWithoutUserInfo,
} from '../live-stream.js';
import {
  parseVendorResponse,
  tolerantField,
  vendorCountField,
  vendorStreamId,
  vendorTimestampField,
} from './parse-response.js';

// Found by the reliability suite's drift tests: vendors' ids and URLs were trusted as sent.
describe('vendorStreamId', () => {
  const schema = v.looseObject({ id: vendorStreamId });

  it('accepts the ids vendors send', () => {
    for (const id of ['wdjfqvsv', '621c8dda6ebae022f13ee87u', '6034a7dfa9cedd724c20cf67', 'a.b~c_d-e']) {
      expect(parseVendorResponse(schema, { id }, { operation: 'get' })).toEqual({ id });
    }
  });

  it('makes an id no later call could use a ResponseShapeError naming the path, not the value', () => {
    for (const id of ['', '.', '..', 'a/b', 'a?b', 'x'.repeat(129), 42]) {
      let error: unknown;
      try {
        parseVendorResponse(schema, { id }, { provider: 'p', operation: 'get' });
      } catch (caught) {
        error = caught;
      }
      expect(ResponseShapeError.isInstance(error), String(id)).toBe(true);
      expect((error as ResponseShapeError).issues[0]?.path).toBe('id');
      if (typeof id === 'string' && id.length > 2) expect((error as Error).message).not.toContain(id);
    }
  });
});

// URLs of every shape around the plain one: the pattern's edges (ports, numeric labels, IPv4 parts) and
// what the parser rewrites or refuses.
const piece = (characters: string, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...characters), maxLength });
const label = fc.oneof(
  piece('abcxyzABC0123456789-', 8),
  fc.constantFrom(
    'xn--',
    'xn--abc',
    'xn--nxasmq6b',
    '0x1f',
    '0X',
    '255',
    '256',
    '08',
    '0',
    '1e3',
    'localhost',
  ),
);
const host = fc.oneof(
  fc.array(label, { minLength: 0, maxLength: 5 }).map((labels) => labels.join('.')),
  fc
    .array(
      fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '08', '010', '0x7f')),
      {
        minLength: 3,
        maxLength: 5,
      },
    )
    .map((parts) => parts.join('.')),
  fc.constantFrom(
    '127.0.0.1',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.256',
    '[::1]',
    'a..b',
    'a.b.',
    '.a',
    'user@host',
    'ho st',
  ),
);
// Mostly plain shapes, so the pattern's edges (ports, numeric labels, IPv4 parts) are reached often.
const often = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: rare, weight: 1 });
const generatedUrl = fc
  .record({
    scheme: often(
      fc.constantFrom('rtmp', 'rtmps', 'srt', 'rtsp', 'wss', 'https', 'http', 'wowz', 'ws', 'ftp'),
      fc.constantFrom('HTTPS', 'Rtmp', 'file', 'javascript', 'a+b', '1http', 'FTP'),
    ),
    slashes: often(fc.constant('://'), fc.constantFrom(':/', ':', ':///')),
    host,
    port: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 99_999 }).map(String),
        fc.constantFrom('65535', '65536', '99999', '0', '00443', '', 'x'),
      ),
      { nil: undefined },
    ),
    rest: fc.option(
      fc.tuple(
        fc.constantFrom('/', '?', '#', '\\'),
        often(piece('ab/?#%@:[]\\"<>^`{|}~=&.', 12), piece('ab/ \t\u00e9', 6)),
      ),
      { nil: undefined },
    ),
    pad: often(fc.constant(''), fc.constantFrom(' ', '\t')),
  })
  .map(
    ({ scheme, slashes, host, port, rest, pad }) =>
      `${pad}${scheme}${slashes}${host}${port === undefined ? '' : `:${port}`}${rest ? rest.join('') : ''}`,
  );

describe('isEndpointUrl', () => {
  it('wants a URL with a host and a scheme its protocol allows', () => {
    expect(isEndpointUrl('rtmp', 'rtmp://ingest.example.com/app/key')).toBe(true);
    expect(isEndpointUrl('hls', 'https://cdn.example.com/live.m3u8')).toBe(true);
    expect(isEndpointUrl('webrtc', 'wss://edge.example.com/webrtc-session.json')).toBe(true);
    for (const [protocol, url] of [
      ['rtmp', 'rtmp://'],
      ['rtmp', '/lv_key?password=1'],
      ['hls', 'rtmp://cdn.example.com/live'],
      ['rtsp', 'rtmp://ingest.example.com/app'],
      ['embed', 'javascript:alert(1)'],
      ['hls', ''],
    ] as const) {
      expect(isEndpointUrl(protocol, url), `${protocol} ${url}`).toBe(false);
    }
    expect(Object.keys(endpointSchemes)).toHaveLength(9);
  });

  // The plain shapes are read by a pattern rather than the URL parser: the verdict must be the parser's on
  // every URL, plain or not, including hosts the parser reads as numbers or IDNA and ports out of range.
  it("gives the URL parser's verdict on generated URLs", () => {
    const byParser = (protocol: keyof typeof endpointSchemes, url: string) => {
      try {
        const parsed = new URL(url);
        return parsed.host !== '' && endpointSchemes[protocol].includes(parsed.protocol);
      } catch {
        return false;
      }
    };
    const protocol = fc.constantFrom(...(Object.keys(endpointSchemes) as (keyof typeof endpointSchemes)[]));
    fc.assert(
      fc.property(protocol, generatedUrl, (name, value) => {
        expect(isEndpointUrl(name, value)).toBe(byParser(name, value));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('urlPassword', () => {
  it("gives the URL parser's password, percent-decoded, and undefined where there is none", () => {
    const byParser = (url: string) => {
      try {
        const { password } = new URL(url);
        if (password === '') return undefined;
        try {
          return decodeURIComponent(password);
        } catch {
          return password;
        }
      } catch {
        return undefined;
      }
    };
    const userinfo = fc.string({
      unit: fc.constantFrom('a', 'Z', '9', ':', '@', '%', '%41', '%E2%82', ' ', '/', '?', 'é'),
    });
    fc.assert(
      fc.property(
        fc.constantFrom('rtmp', 'RTMPS', 'https', 'srt'),
        userinfo,
        fc.constantFrom('host', '[::1]', 'h%6Fst', 'bücher.de', ''),
        fc.constantFrom('', ':01935', '/app/key', '/app/key?token=a@b'),
        (scheme, user, host, rest) => {
          const url = `${scheme}://${user}${user === '' ? '' : '@'}${host}${rest}`;
          // Where the parser places a host, its reading; elsewhere the written one (below).
          let placed = false;
          try {
            placed = new URL(url).host !== '';
          } catch {}
          if (placed) expect(urlPassword(url), url).toBe(byParser(url));
          else expect(['string', 'undefined']).toContain(typeof urlPassword(url));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(urlPassword('rtmp://pub:S3cr%40t@live.example/app/key')).toBe('S3cr@t');
    expect(urlPassword('rtmp://pub@live.example/app/key')).toBeUndefined();
    expect(urlPassword('rtmp://live.example/app/key')).toBeUndefined();
  });

  it('reads the password a person reads where the parser places no host: one slash, none, no scheme, a space', () => {
    for (const url of [
      'rtmp:/usr:Zq-Pw-1@host.example/EntryPoint',
      'rtmp:usr:Zq-Pw-1@host.example:1936/EntryPoint',
      'rtmp:///usr:Zq-Pw-1@host.example/x',
      'usr:Zq-Pw-1@host.example',
      ' rtmp://usr:Zq-Pw-1@bad host.example/app',
      'rtmp://usr:Zq-Pw-1@bad host.example/app',
    ])
      expect(urlPassword(url), url).toBe('Zq-Pw-1');
    expect(urlPassword('rtmp:/usr:Zq%40Pw@host.example/x')).toBe('Zq@Pw');
    // An `@` in a path is no user information.
    expect(urlPassword('rtmp:/host.example/app/a@b')).toBeUndefined();
    expect(urlPassword('rtmp:/usr@host.example/x')).toBeUndefined();
  });
});

describe('urlSchemeAndHost', () => {
  it("gives the URL parser's scheme and host on generated URLs, and undefined where it throws", () => {
    const byParser = (url: string) => {
      try {
        const { protocol, host } = new URL(url);
        return { protocol, host };
      } catch {
        return undefined;
      }
    };
    fc.assert(
      fc.property(generatedUrl, (value) => {
        expect(urlSchemeAndHost(value)).toEqual(byParser(value));
      }),
      { numRuns: 20_000 },
    );
    expect(urlSchemeAndHost('rtmp://Live.Example:01935/app/key?token=t')).toEqual({
      protocol: 'rtmp:',
      host: 'Live.Example:1935',
    });
    expect(urlSchemeAndHost('https://Live.Example:443/x')).toEqual({
      protocol: 'https:',
      host: 'live.example',
    });
    expect(urlSchemeAndHost('file://localhost/x')).toEqual({ protocol: 'file:', host: '' });
    expect(urlSchemeAndHost('rtmp key')).toBeUndefined();
  });
});

describe('the fields every adapter reads lists and dates with', () => {
  it('vendorCountField reads a count sent as a number or as a string of digits, and anything else as absent', () => {
    const page = v.looseObject({ page: vendorCountField });
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.nat().map(String), fc.anything()), (value) => {
        const parsed = v.safeParse(page, { page: value });
        // Never fails the answer it is part of.
        expect(parsed.success).toBe(true);
        const read = parsed.success ? parsed.output.page : 'failed';
        const expected =
          typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
            ? value
            : typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)
              ? Number(value)
              : undefined;
        expect(read).toBe(expected);
      }),
    );
    expect(v.parse(page, { page: '2' }).page).toBe(2);
    expect(v.parse(page, { page: 'two' }).page).toBeUndefined();
    expect(v.parse(page, { page: -1 }).page).toBeUndefined();
    expect(v.parse(page, { page: 1.5 }).page).toBeUndefined();
  });

  it('vendorTimestampField keeps a string or a number for parseVendorTimestamp, and reads NaN or any other type as absent', () => {
    const stream = v.looseObject({ created_at: vendorTimestampField });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = v.safeParse(stream, { created_at: value });
        expect(parsed.success).toBe(true);
        const read = parsed.success ? parsed.output.created_at : 'failed';
        // NaN is of type number but no time at all: absent, as valibot's number() reads it.
        const kept = typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value));
        expect(read).toBe(kept ? value : undefined);
      }),
    );
  });
});

describe('tolerantField', () => {
  it('keeps a value of the documented type and reads any other, or none, as absent, never failing', () => {
    const schema = v.looseObject({ id: tolerantField(v.string()), on: tolerantField(v.boolean()) });
    fc.assert(
      fc.property(fc.option(fc.anything(), { nil: undefined }), fc.anything(), (id, on) => {
        const result = v.safeParse(schema, id === undefined ? { on } : { id, on });
        expect(result.success).toBe(true);
        const output = result.output as { id?: unknown; on?: unknown };
        expect(output.id).toBe(typeof id === 'string' ? id : undefined);
        expect(output.on).toBe(typeof on === 'boolean' ? on : undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('urlWithoutUserInfo and urlUsername', () => {
  it('drop the user information the parser reads, the rest as written, and give its user name decoded (generated)', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '%41', '-', '.', '_') });
    fc.assert(
      fc.property(
        fc.constantFrom('rtmp', 'rtmps', 'srt', 'https'),
        part,
        fc.option(part, { nil: undefined }),
        fc.constantFrom('host.example', 'Host.Example:1935', '[::1]'),
        fc.constantFrom('', '/app', '/app/key?token=a@b', '#f@g'),
        (scheme, user, password, host, rest) => {
          const info =
            user === '' && password === undefined
              ? ''
              : `${user}${password === undefined ? '' : `:${password}`}@`;
          const url = `${scheme}://${info}${host}${rest}`;
          const bare = urlWithoutUserInfo(url);
          expect(bare).toBe(`${scheme}://${host}${rest}`);
          const parsed = new URL(url);
          expect(urlUsername(url)).toBe(
            parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
          );
          expect(new URL(bare).host).toBe(parsed.host);
        },
      ),
      { numRuns: 2_000 },
    );
    expect(urlWithoutUserInfo('rtmp:/usr:pw@host/app')).toBe('rtmp:/usr:pw@host/app');
    expect(urlWithoutUserInfo('no scheme at all')).toBe('no scheme at all');
    expect(urlUsername('https://u@bad host/x')).toBeUndefined();
  });
});
