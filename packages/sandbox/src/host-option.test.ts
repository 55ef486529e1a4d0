import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWildcard, readHost } from './options.js';
import { startSandbox } from './server.js';

// Whitespace as the library's rule counts it (Unicode's White_Space, NEL and the BOM included).
const whitespace = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
);
const blank = fc.array(whitespace, { maxLength: 4 }).map((parts) => parts.join(''));

// Spellings the resolver reads as 0.0.0.0 (inet_aton's shorthands: fewer parts, leading zeros, hex) and
// IPv6 forms that listen on every IPv4 address or carry a zone, none of them written as a wildcard.
const zeroPart = fc.constantFrom('0', '00', '000', '0x0', '0x00');
const implicitWildcard = fc.oneof(
  fc
    .array(zeroPart, { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join('.'))
    .filter((form) => form !== '0.0.0.0'),
  fc.constantFrom('::ffff:0.0.0.0', '::ffff:0:0', '0:0:0:0:0:ffff:0:0'),
);

const failure = (promise: Promise<{ close(): Promise<void> }>) =>
  promise.then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );

describe('startSandbox host', () => {
  it('refuses a host blank by the whitespace rule of the library (NEL, the BOM, U+3000 too), naming host', async () => {
    await fc.assert(
      fc.asyncProperty(blank, async (host) => {
        const error = await failure(startSandbox({ host, media: false }));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: 'host', message: 'expected an address of this machine' },
        ]);
      }),
      { numRuns: 12, examples: [['\u0085'], ['\ufeff\u0085'], ['\u3000']] },
    );
  });

  it('refuses a wildcard not written as one, naming host, before anything listens', async () => {
    await fc.assert(
      fc.asyncProperty(implicitWildcard, fc.boolean(), async (host, media) => {
        const error = await failure(startSandbox({ host, media: media ? { hls: false } : false }));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        const invalid = error as InvalidInputError;
        expect(invalid.operation).toBe('startSandbox');
        expect(invalid.issues.map((issue) => issue.path)).toEqual(['host']);
        expect(invalid.message).toContain('every address');
      }),
      {
        numRuns: 30,
        examples: [
          ['0', false],
          ['0', true],
          ['0.0', false],
          ['0x0', false],
          ['::ffff:0.0.0.0', false],
        ],
      },
    );
  });

  it('refuses a host the resolver takes but the system cannot listen on (link-local IPv6 without its zone), naming host', async () => {
    for (const media of [false, { hls: false }] as const) {
      const error = await failure(startSandbox({ host: 'fe80::1', media }));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      const invalid = error as InvalidInputError;
      expect(invalid.operation).toBe('startSandbox');
      expect(invalid.issues.map((issue) => issue.path)).toEqual(['host']);
      expect(invalid.message).toContain('needs its zone');
    }
  });

  it('takes the wildcards written as such: 0.0.0.0, and :: in any IPv6 spelling', async () => {
    for (const host of ['0.0.0.0', '::', '0::', '::0', '0:0:0:0:0:0:0:0']) {
      expect(await readHost(host)).toBe(host);
    }
  });

  it('counts a zone or an IPv4-mapped form of a wildcard as one', () => {
    for (const address of ['0.0.0.0', '::', '::%lo', '::0%1', '::ffff:0.0.0.0', '0:0:0:0:0:ffff:0:0']) {
      expect(isWildcard(address)).toBe(true);
    }
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '192.0.2.2', 'fe80::1%lo', 'localhost']) {
      expect(isWildcard(address)).toBe(false);
    }
  });
});
