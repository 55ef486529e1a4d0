import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEndpointUrl, urlPassword, urlWithUserInfo } from './live-stream.js';

// Ingest URLs of the shapes adapters build: a host (name, IPv4, with or without a port), an application
// and a key, on each protocol whose URL takes user information.
const url = fc
  .record({
    scheme: fc.constantFrom('rtmp', 'rtmps', 'rtsp'),
    host: fc.constantFrom('abc123.entrypoint.video.wowza.com', '127.0.0.1', 'Host-1.example.com'),
    port: fc.constantFrom('', ':1935', ':443', ':554'),
    path: fc.constantFrom('/app-9c70/cceecfa9', '/EntryPoint/stream_1', '/app', '/static/lv_0?password=1'),
  })
  .map(({ scheme, host, port, path }) => `${scheme}://${host}${port}${path}`);
const wowzaCredential = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'),
  minLength: 1,
  maxLength: 24,
});
const anyCredential = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 });

describe('urlWithUserInfo', () => {
  it("carries the user name and password as the URL's user information, read back as given, the rest unchanged", () => {
    fc.assert(
      fc.property(
        url,
        fc.oneof(wowzaCredential, anyCredential),
        fc.oneof(wowzaCredential, anyCredential),
        (plain, user, password) => {
          const full = urlWithUserInfo(plain, user, password);
          expect(isEndpointUrl(new URL(plain).protocol.slice(0, -1) as 'rtmp', full)).toBe(true);
          const parsed = new URL(full);
          expect(decodeURIComponent(parsed.username)).toBe(user);
          expect(decodeURIComponent(parsed.password)).toBe(password);
          expect(urlPassword(full)).toBe(password);
          // Without its user information, the URL is the one given.
          parsed.username = '';
          parsed.password = '';
          expect(parsed.href).toBe(new URL(plain).href);
          expect(full.replace(/\/\/[^@/]*@/, '//')).toBe(plain);
        },
      ),
    );
  });

  it("writes Wowza's credentials (letters, digits, `.`, `_`, `-`) as they are: user:password@", () => {
    fc.assert(
      fc.property(url, wowzaCredential, wowzaCredential, (plain, user, password) => {
        expect(urlWithUserInfo(plain, user, password)).toBe(plain.replace('://', `://${user}:${password}@`));
      }),
    );
  });

  it('returns the URL as it is without credentials, and writes one given alone', () => {
    fc.assert(
      fc.property(url, wowzaCredential, (plain, value) => {
        expect(urlWithUserInfo(plain, undefined, undefined)).toBe(plain);
        expect(urlWithUserInfo(plain, '', '')).toBe(plain);
        expect(urlWithUserInfo(plain, value, undefined)).toBe(plain.replace('://', `://${value}@`));
        expect(urlWithUserInfo(plain, undefined, value)).toBe(plain.replace('://', `://:${value}@`));
      }),
    );
  });

  it('writing the same credentials again changes nothing (an encoder given the endpoint whole)', () => {
    fc.assert(
      fc.property(url, anyCredential, anyCredential, (plain, user, password) => {
        const once = urlWithUserInfo(plain, user, password);
        expect(urlWithUserInfo(once, user, password)).toBe(once);
      }),
    );
  });

  it('gives what the URL setters give, or throws where they throw, for any URL and credentials', () => {
    // The setters' way, which the function takes for any URL it does not write as text.
    const bySetters = (given: string, user: string | undefined, password: string | undefined) => {
      if (!user && !password) return given;
      const parsed = new URL(given);
      if (parsed.host === '') throw new TypeError('no host');
      parsed.username = encodeURIComponent(user ?? '');
      parsed.password = encodeURIComponent(password ?? '');
      return parsed.href;
    };
    const part = (units: string) => fc.string({ unit: fc.constantFrom(...units), maxLength: 8 });
    const anyUrl = fc
      .record({
        lead: fc.constantFrom('', ' ', '\t'),
        scheme: fc.constantFrom(
          'rtmp',
          'RTMP',
          'rtmps',
          'rtsp',
          'srt',
          'http',
          'https',
          'wss',
          'file',
          'x-y.z',
        ),
        slashes: fc.constantFrom('://', ':/', ':', ':\\\\', ':///'),
        userInfo: fc.constantFrom('', 'u@', 'u:p@', ':p@', '@', 'a@b@'),
        host: fc.constantFrom(
          'h',
          'Host.Example',
          '127.0.0.1',
          '[::1]',
          'xn--bcher-kva.example',
          'bücher.example',
          '',
          'h h',
          '%41',
          '-',
          '.',
          'a..b',
          '0x7f.1',
        ),
        port: fc.constantFrom(
          '',
          ':',
          ':0',
          ':1',
          ':1935',
          ':01935',
          ':80',
          ':443',
          ':65535',
          ':65536',
          ':99999',
          ':x',
        ),
        path: fc.array(
          fc.oneof(part('abAB09-._~!$&()*+,;=:@%2e/ \\\t'), fc.constantFrom('.', '..', '...', '.a')),
          {
            maxLength: 4,
          },
        ),
        tail: fc.constantFrom('', '?', '?a=b', '?a=x://y', '#f', '#', '?q#f'),
      })
      .map(
        ({ lead, scheme, slashes, userInfo, host, port, path, tail }) =>
          `${lead}${scheme}${slashes}${userInfo}${host}${port}${path.map((segment) => `/${segment}`).join('')}${tail}`,
      );
    // Push URLs of the plain shape and one step from it, each way the parser could rewrite one.
    const nearPlain = fc
      .record({
        scheme: fc.constantFrom(
          'rtmp',
          'rtmps',
          'rtsp',
          'srt',
          'RTMP',
          'Rtsp',
          'http',
          'https',
          'wss',
          'rtmpx',
        ),
        host: fc.constantFrom(
          'h',
          'Host.Example',
          'a-b.c',
          '127.0.0.1',
          '0x7f.1',
          '-',
          '.',
          'a..b',
          'B%41',
          'h_h',
        ),
        port: fc.constantFrom(
          '',
          ':1',
          ':0',
          ':00',
          ':01935',
          ':1935',
          ':9999',
          ':10000',
          ':59999',
          ':60000',
        ),
        more: fc.constantFrom(
          '',
          ':64999',
          ':65499',
          ':65529',
          ':65535',
          ':65536',
          ':65539',
          ':65540',
          ':70000',
        ),
        path: fc.array(
          fc.oneof(
            fc.string({ unit: fc.constantFrom(...".abAB09_~!$&'()*+,;=:@-"), minLength: 1, maxLength: 6 }),
            fc.constantFrom('.', '..', '...', '%2e', '%2E%2e', '%41', 'a b', 'a"b', 'a{b', 'a^b', 'a|b', ''),
          ),
          { maxLength: 4 },
        ),
        tail: fc.constantFrom('', '', '', '?', '#', '/'),
      })
      .map(
        ({ scheme, host, port, more, path, tail }) =>
          `${scheme}://${host}${port === '' ? more : port}${path.map((segment) => `/${segment}`).join('')}${tail}`,
      );
    const credential = fc.option(
      fc.oneof(wowzaCredential, anyCredential, fc.constantFrom('', '@', ':', '%', 'a/b')),
      {
        nil: undefined,
      },
    );
    const outcome = (run: () => string) => {
      try {
        return { value: run() };
      } catch (error) {
        return { threw: (error as Error).constructor.name };
      }
    };
    fc.assert(
      fc.property(fc.oneof(anyUrl, nearPlain, url), credential, credential, (given, user, password) => {
        expect(outcome(() => urlWithUserInfo(given, user, password))).toEqual(
          outcome(() => bySetters(given, user, password)),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('throws a TypeError for what is no URL with a host', () => {
    expect(() => urlWithUserInfo('not a url', 'u', 'p')).toThrow(TypeError);
    // Naming no value: Node's URL error would carry the URL, a key in it, in its `input` field.
    for (const bad of ['rtmp://olduser:S3cretPushPass@[bad/app', 'http://host:99999/app?key=SECRETKEY123']) {
      const thrown = (() => {
        try {
          urlWithUserInfo(bad, 'u', 'p');
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(thrown).toEqual(new TypeError('a URL that does not parse takes no user information'));
      expect(Object.keys(thrown as object)).toEqual([]);
    }
    expect(() => urlWithUserInfo('rtmp:opaque', 'u', 'p')).toThrow(TypeError);
    expect(() => urlWithUserInfo('rtmp://h/app/k', 'u', 'p\uD800w')).toThrow(
      new TypeError('a user name or password holding a lone surrogate cannot be written in a URL'),
    );
  });
});
