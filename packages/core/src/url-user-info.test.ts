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

  it('throws a TypeError for what is no URL with a host', () => {
    expect(() => urlWithUserInfo('not a url', 'u', 'p')).toThrow(TypeError);
    expect(() => urlWithUserInfo('rtmp:opaque', 'u', 'p')).toThrow(TypeError);
    expect(() => urlWithUserInfo('rtmp://h/app/k', 'u', 'p\uD800w')).toThrow(
      new TypeError('a user name or password holding a lone surrogate cannot be written in a URL'),
    );
  });
});
