import { isIP } from 'node:net';
import { createHttpClient, InvalidInputError, isLoopbackHost, SecretSet } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reachableHost, sandboxOrigin, startSandbox } from './server.js';

// `::` as the address parser takes it: eight groups of one to four zeros, any run of them written `::`.
const ipv6Wildcards = fc
  .tuple(
    fc.array(fc.constantFrom('0', '00', '000', '0000'), { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 8 }),
    fc.integer({ min: 0, max: 8 }),
  )
  .map(([groups, start, length]) => {
    const run = Math.min(length, 8 - start);
    return run === 0
      ? groups.join(':')
      : `${groups.slice(0, start).join(':')}::${groups.slice(start + run).join(':')}`;
  });
// `0.0.0.0` as the URL parser and the system's resolver read it: one to four parts, each zero in decimal,
// octal or hex.
const ipv4Wildcards = fc
  .array(fc.constantFrom('0', '00', '000', '0x0', '0x00'), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('.'));
const isWildcard = (host: string) =>
  ['0.0.0.0', '[::]'].includes(new URL(`http://${isIP(host) === 6 ? `[${host}]` : host}`).hostname);
// Addresses of a machine on the network: neither loopback nor a wildcard.
const lanAddresses = fc
  .oneof(fc.ipV4(), fc.ipV6())
  .filter(
    (host) =>
      !isWildcard(host) &&
      !isLoopbackHost(new URL(`http://${isIP(host) === 6 ? `[${host}]` : host}`).hostname),
  );
const ports = fc.integer({ min: 1, max: 65_535 });
// What every adapter checks its settings with when it is made: plain http only to loopback, unless told.
const adapterAccepts = (settings: { baseUrl: string; allowInsecureHttp?: true }) =>
  createHttpClient({ provider: 'liveapi', headers: () => ({}), secrets: new SecretSet(), ...settings });

describe('the URLs a sandbox hands out for the address it listens on', () => {
  it('names loopback of its family for a wildcard, in every spelling, and needs no allowInsecureHttp there', () => {
    fc.assert(
      fc.property(ipv6Wildcards, ports, (host, port) => {
        expect(isIP(host)).toBe(6);
        expect(reachableHost(host)).toBe('::1');
        expect(sandboxOrigin(host, port)).toEqual({ url: `http://[::1]:${port}`, insecure: {} });
        expect(() => adapterAccepts({ baseUrl: `${sandboxOrigin(host, port).url}/liveapi` })).not.toThrow();
      }),
      {
        examples: [
          ['::', 4010],
          ['0:0:0:0:0:0:0:0', 4010],
          ['0000::', 1],
        ],
      },
    );
    fc.assert(
      fc.property(ipv4Wildcards, ports, (host, port) => {
        expect(sandboxOrigin(host, port)).toEqual({ url: `http://127.0.0.1:${port}`, insecure: {} });
      }),
      {
        examples: [
          ['0.0.0.0', 4010],
          ['0', 4010],
        ],
      },
    );
  });

  it('names a LAN address as it is, with allowInsecureHttp: true, which the adapters then accept', () => {
    fc.assert(
      fc.property(lanAddresses, ports, (host, port) => {
        expect(reachableHost(host)).toBe(host);
        const { url, insecure } = sandboxOrigin(host, port);
        // The URL parser leaves out http's default port.
        expect(new URL(url).port).toBe(port === 80 ? '' : String(port));
        expect(insecure).toEqual({ allowInsecureHttp: true });
        expect(() => adapterAccepts({ baseUrl: `${url}/liveapi`, ...insecure })).not.toThrow();
      }),
      {
        examples: [
          ['192.0.2.2', 4010],
          ['fd00::2', 4010],
          ['1::', 80],
        ],
      },
    );
  });

  it('keeps loopback addresses and names as they are, with no allowInsecureHttp', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(reachableHost(host)).toBe(host);
      expect(sandboxOrigin(host, 4010).insecure).toEqual({});
    }
  });

  it('refuses an empty, blank or non-text host before anything listens, never reading it as every address', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.stringMatching(/^[ \t\n\r]*$/),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(['127.0.0.1']),
        ),
        async (host) => {
          const refused = await startSandbox({ media: false, host: host as never }).then(
            async (sandbox) => {
              await sandbox.close();
              return sandbox.url;
            },
            (error: unknown) => error,
          );
          expect(InvalidInputError.isInstance(refused)).toBe(true);
          expect((refused as InvalidInputError).issues).toEqual([
            { path: 'host', message: 'expected an address of this machine' },
          ]);
        },
      ),
      { numRuns: 30, examples: [[''], ['   '], [0], [false]] },
    );
  });

  it('bound to 0.0.0.0, hands out loopback URLs the adapters take, for the API, ingest and playback', async () => {
    const sandbox = await startSandbox({ host: '0.0.0.0' });
    try {
      expect(sandbox.host).toBe('0.0.0.0');
      expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.ingestUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+$/);
      const settings = sandbox.adapterSettings('liveapi');
      expect(settings.allowInsecureHttp).toBeUndefined();
      expect(() => adapterAccepts(settings)).not.toThrow();
      const { tokenId, secretKey } = sandbox.credentials('liveapi');
      const response = await fetch(`${settings.baseUrl}/live_streams`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`,
        },
        body: JSON.stringify({ name: 'from anywhere' }),
      });
      expect(response.status).toBe(201);
      const text = await response.text();
      expect(text).not.toContain('0.0.0.0');
      expect(text).toContain(`rtmp://127.0.0.1:`);
    } finally {
      await sandbox.close();
    }
  });
});
