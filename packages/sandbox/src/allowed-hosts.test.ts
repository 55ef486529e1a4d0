import { request as httpRequest } from 'node:http';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHostEntry, startSandbox } from './server.js';

const ports = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });
const withPort = (host: string, port: number | undefined) => (port === undefined ? host : `${host}:${port}`);
// Entries that are no host name: a URL, a wildcard, a leading or trailing dot, a space, an empty label.
const notHosts = fc.oneof(
  fc
    .tuple(fc.constantFrom('http', 'https'), fc.domain(), ports)
    .map(([scheme, name, port]) => `${scheme}://${withPort(name, port)}`),
  fc.domain().map((name) => `*.${name}`),
  fc.domain().map((name) => `.${name}`),
  fc.domain().map((name) => `${name}.`),
  fc.domain().map((name) => name.replace('.', '..')),
  fc.tuple(fc.domain(), fc.constantFrom(' ', '\t')).map(([name, space]) => `${name}${space}`),
  fc.tuple(fc.domain(), fc.domain()).map(([a, b]) => `${a} ${b}`),
  fc.constantFrom('*', 'a b', '.', 'host/path', 'user@host', '[not-ipv6]', 'host:port', ''),
  // A port no Host header holds: 0, or beyond 65535.
  fc
    .tuple(
      fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.ipV6().map((ip) => `[${ip}]`),
      ),
      fc.oneof(fc.constant(0), fc.integer({ min: 65_536, max: 99_999 })),
      fc.constantFrom('', '0', '00'),
    )
    .filter(([, port, zeros]) => `${zeros}${port}`.length <= 5)
    .map(([host, port, zeros]) => `${host}:${zeros}${port}`),
);

const hostStatus = (port: number, host: string, extra: Record<string, string> = {}, method = 'GET') =>
  new Promise<number | undefined>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: method === 'GET' ? '/_sandbox' : '/_sandbox/faults',
        headers: { host, ...extra },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    request.on('error', reject);
    request.end();
  });

describe('allowedHosts', () => {
  it('refuses an entry that is no host name, naming allowedHosts.N, before anything listens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.domain(), { maxLength: 3 }), notHosts, async (good, bad) => {
        expect(isHostEntry(bad)).toBe(false);
        const error = await startSandbox({ media: false, allowedHosts: [...good, bad] }).then(
          async (sandbox) => {
            await sandbox.close();
            return undefined;
          },
          (thrown: unknown) => thrown,
        );
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues).toEqual([
          { path: `allowedHosts.${good.length}`, message: 'expected a host name or address' },
        ]);
      }),
      {
        numRuns: 40,
        examples: [
          [[], 'http://dev.example.test:3000'],
          [[], '*.example.test'],
          [[], '.example.test'],
          [['ok.test'], 'dev.example.test.'],
          [[], 'a b'],
          [[], '*'],
          [[], 'a:99999'],
          [['ok.test'], 'a:0'],
          [[], '[fd00::2]:65536'],
        ],
      },
    );
  });

  it('takes host names and addresses, with or without a port, and answers to each', async () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.domain(),
          fc.ipV4(),
          fc.ipV6().map((ip) => `[${ip}]`),
        ),
        ports,
        (host, port) => {
          expect(isHostEntry(withPort(host, port))).toBe(true);
        },
      ),
      {
        examples: [
          ['dev.example.test', 3000],
          ['my_service', undefined],
          ['[fd00::2]', 4010],
        ],
      },
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(isHostEntry(ip)).toBe(true);
      }),
    );
    const sandbox = await startSandbox({
      media: false,
      allowedHosts: ['dev.example.test:3000', 'Box.Example.Test'],
    });
    try {
      expect(await hostStatus(sandbox.port, 'dev.example.test:3000')).toBe(200);
      expect(await hostStatus(sandbox.port, 'box.example.test')).toBe(200);
      expect(await hostStatus(sandbox.port, 'other.example.test')).toBe(403);
    } finally {
      await sandbox.close();
    }
  });

  it('admits an entry with a port on that port only, for Host and for Origin; one without a port on any', async () => {
    const sandbox = await startSandbox({
      media: false,
      allowedHosts: [
        'pinned.example.test:8443',
        'any.example.test',
        '[fd00::2]:4010',
        'tls.example.test:443',
      ],
    });
    // A change from a page: 403 when its origin is refused, else 400 for the empty fault it posts.
    const change = (origin: string) =>
      hostStatus(sandbox.port, '127.0.0.1', { origin, 'content-type': 'application/json' }, 'POST');
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 65_535 }), async (port) => {
          const pinned = port === 8443 ? 200 : 403;
          expect(await hostStatus(sandbox.port, `pinned.example.test:${port}`)).toBe(pinned);
          expect(await hostStatus(sandbox.port, `PINNED.example.test:${port}`)).toBe(pinned);
          expect(await hostStatus(sandbox.port, `any.example.test:${port}`)).toBe(200);
          // An IP address is answered whatever its port (no name was rebound), so the port decides only trust.
          expect(await change(`http://[fd00::2]:${port}`)).toBe(port === 4010 ? 400 : 403);
          expect(await change(`http://pinned.example.test:${port}`)).toBe(port === 8443 ? 400 : 403);
          expect(await change(`https://any.example.test:${port}`)).toBe(400);
        }),
        { numRuns: 12, examples: [[8443], [80], [443], [4010], [8444]] },
      );
      // No port in Host is http's 80; no port in an Origin is its scheme's default.
      expect(await hostStatus(sandbox.port, 'pinned.example.test')).toBe(403);
      expect(await change('http://pinned.example.test')).toBe(403);
      expect(await change('https://pinned.example.test')).toBe(403);
      expect(await change('https://tls.example.test')).toBe(400);
      expect(await change('http://tls.example.test')).toBe(403);
      expect(await hostStatus(sandbox.port, 'any.example.test')).toBe(200);
      expect(await change('http://any.example.test')).toBe(400);
    } finally {
      await sandbox.close();
    }
  });
});
