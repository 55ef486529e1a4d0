import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePath } from './resolve-path.js';

// Characters that decide how a path resolves: the plain ones, dots and slashes, and every kind the parser
// treats specially (a scheme's ":", "%2e" dot segments, "?", "#", "\", spaces, controls, non-ASCII).
const pathCharacter = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."aZ09-_~!$&'()*+,;=@") },
  { weight: 6, arbitrary: fc.constantFrom('.', '/', '..', '//') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ':',
      '%',
      '%2e',
      '%2E',
      '?',
      '#',
      '\\',
      ' ',
      '\t',
      '\n',
      '^',
      '`',
      '{',
      '"',
      '<',
      '|',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('é', '\u0000', '\u00a0', '\ud83d\ude00', 'http:', 'https://other.test/'),
  },
);
const path = fc.array(pathCharacter, { maxLength: 12 }).map((parts) => parts.join(''));
const baseUrl = fc.constantFrom(
  'https://api.vendor.test/',
  'https://api.vendor.test/v1/',
  'http://127.0.0.1:8080/api/v2/live/',
  'https://user-less.test/a%20b/',
);

// The URL, or the error the parser throws for a path no URL can hold.
function outcome(resolve: () => string): { href: string } | { thrown: string } {
  try {
    return { href: resolve() };
  } catch (error) {
    return { thrown: (error as Error).name };
  }
}

describe('resolvePath', () => {
  it('resolves every path exactly as the URL parser does against the client base URL', () => {
    fc.assert(
      fc.property(path, baseUrl, (given, base) => {
        expect(outcome(() => resolvePath(given, base))).toEqual(
          outcome(() => new URL(given.replace(/^\//, ''), base).href),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps a path outside the base path, a scheme and dot segments to the parser', () => {
    const base = 'https://api.vendor.test/v1/';
    expect(resolvePath('live_streams/abc-1.2', base)).toBe('https://api.vendor.test/v1/live_streams/abc-1.2');
    expect(resolvePath('/live_streams', base)).toBe('https://api.vendor.test/v1/live_streams');
    expect(resolvePath('//live_streams', base)).toBe('https://api.vendor.test/live_streams');
    expect(resolvePath('live_streams/..', base)).toBe('https://api.vendor.test/v1/');
    expect(resolvePath('live_streams/%2e%2E/x', base)).toBe('https://api.vendor.test/v1/x');
    expect(resolvePath('http:other.test/x', base)).toBe('http://other.test/x');
    expect(() => resolvePath('\u0000//', base)).toThrow(TypeError);
  });
});
