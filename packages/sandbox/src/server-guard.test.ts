import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawStatus as rawStatusOf } from '../test/raw-status.js';
import { isAllowedHost, isTrustedOrigin, refuseRequest, type Sandbox, startSandbox } from './server.js';

const allowed = new Set(['127.0.0.1']);
const loopbackNames = fc.oneof(
  fc.constant('localhost'),
  fc.domain().map((name) => `${name}.localhost`),
);
// Names a page could make resolve here (DNS rebinding): any domain that is not a loopback name.
const foreignNames = fc.domain().filter((name) => name !== 'localhost' && !name.endsWith('.localhost'));
const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });
const withPort = (host: string, at: number | undefined) => (at === undefined ? host : `${host}:${at}`);

describe('the requests the sandbox refuses before serving', () => {
  it('answers a Host that is an IP address, a loopback name or the configured host, and no other name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), loopbackNames), port, (host, at) => {
        expect(isAllowedHost(withPort(host, at), allowed)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), port, (host, at) => {
        expect(isAllowedHost(withPort(`[${host}]`, at), allowed)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(foreignNames, port, (host, at) => {
        expect(isAllowedHost(withPort(host, at), allowed)).toBe(false);
        expect(isAllowedHost(withPort(host, at), new Set([host]))).toBe(true);
        expect(
          refuseRequest(
            { method: 'GET', url: '/_sandbox', headers: { host: withPort(host, at) } },
            allowed,
            10,
          )?.status,
        ).toBe(403);
      }),
    );
  });

  it('says which Host forms it answers to when it refuses one, a legacy loopback form (127.1) included', () => {
    for (const host of ['127.1', '0x7f000001', 'attacker.example', 'localhost.']) {
      expect(
        refuseRequest({ method: 'GET', url: '/_sandbox/stats', headers: { host } }, allowed, 10),
      ).toEqual({
        status: 403,
        body: {
          error:
            'the Host header names no address this sandbox answers to: write an IP address, localhost or a *.localhost name (127.0.0.1, not 127.1), or start the sandbox with allowedHosts to answer to it',
        },
      });
    }
  });

  it('refuses a Host that holds more than a host and a port, whatever it begins with', () => {
    // `127.0.0.1:4610@evil.example` begins with an address the check answers, and names evil.example.
    const extra = fc.oneof(
      foreignNames.map((name) => `@${name}`),
      fc.constantFrom('/path', ' x', '\\evil', '?q', '#f', '%2F'),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.ipV4(), loopbackNames, fc.constant('127.0.0.1')),
        port,
        extra,
        (host, at, tail) => {
          expect(isAllowedHost(`${withPort(host, at)}${tail}`, allowed)).toBe(false);
        },
      ),
    );
  });

  it('refuses a Host whose port no connection has (above 65535), whatever host it names', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4(),
          loopbackNames,
          fc.constant('127.0.0.1'),
          fc.ipV6().map((host) => `[${host}]`),
        ),
        fc.oneof(fc.integer({ min: 65_536, max: 10_000_000 }), fc.constant(99_999)),
        (host, at) => {
          expect(isAllowedHost(`${host}:${at}`, allowed)).toBe(false);
          expect(isAllowedHost(`${host}:${at}`, new Set([host, `${host} ${at}`]))).toBe(false);
        },
      ),
    );
    expect(isAllowedHost('127.0.0.1:65535', allowed)).toBe(true);
  });

  it('refuses a change from another site, whatever the route, and lets reads and same-site changes through', () => {
    const methods = fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE');
    const routes = fc.constantFrom('/_sandbox/webhooks', '/_sandbox/faults', '/liveapi/live_streams', '/x');
    fc.assert(
      fc.property(
        methods,
        routes,
        foreignNames,
        fc.constantFrom('http', 'https'),
        (method, url, site, scheme) => {
          const host = '127.0.0.1:4010';
          const headers = { host, origin: `${scheme}://${site}`, 'content-type': 'application/json' };
          expect(refuseRequest({ method, url, headers }, allowed, 10)?.status).toBe(403);
          const crossSite = { host, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' };
          expect(refuseRequest({ method, url, headers: crossSite }, allowed, 10)?.status).toBe(403);
          // Reading is not changing: the dashboard and HLS are meant to be read from anywhere on this machine.
          expect(refuseRequest({ method: 'GET', url, headers }, allowed, 10)).toBeUndefined();
          for (const origin of [undefined, 'http://127.0.0.1:4010', 'http://localhost:3000']) {
            const own = { host, 'content-type': 'application/json', ...(origin ? { origin } : {}) };
            expect(refuseRequest({ method, url, headers: own }, allowed, 10)).toBeUndefined();
          }
          const opaque = { host, origin: 'null', 'content-type': 'application/json' };
          expect(refuseRequest({ method, url, headers: opaque }, allowed, 10)?.status).toBe(403);
        },
      ),
    );
  });

  it('without an Origin, takes a change only when Sec-Fetch-Site is absent, same-origin or none', () => {
    const methods = fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE');
    const routes = fc.constantFrom('/_sandbox/webhooks', '/_sandbox/faults', '/liveapi/live_streams', '/x');
    // How a header may arrive: any case, with spaces around, as HTTP allows.
    const spelled = (word: string) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }),
          fc.constantFrom('', ' ', '\t'),
          fc.constantFrom('', ' ', '\t'),
        )
        .map(
          ([upper, before, after]) =>
            before + [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('') + after,
        );
    const taken = fc.oneof(fc.constant(undefined), spelled('same-origin'), spelled('none'));
    const refused = fc.oneof(
      spelled('cross-site'),
      spelled('same-site'),
      // A value no browser sends, and a header sent twice, which Node joins with a comma.
      fc
        .string({ maxLength: 20 })
        .filter((value) => !['same-origin', 'none'].includes(value.trim().toLowerCase())),
      fc.constantFrom('same-origin, cross-site', 'none, same-origin', 'same-origin,same-origin'),
    );
    const body = { host: '127.0.0.1:4010', 'content-type': 'application/json' };
    fc.assert(
      fc.property(methods, routes, taken, (method, url, site) => {
        const headers = { ...body, ...(site === undefined ? {} : { 'sec-fetch-site': site }) };
        expect(refuseRequest({ method, url, headers }, allowed, 10)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(methods, routes, refused, (method, url, site) => {
        const headers = { ...body, 'sec-fetch-site': site };
        expect(refuseRequest({ method, url, headers }, allowed, 10)?.status).toBe(403);
        // Reading stays open from anywhere on this machine.
        expect(refuseRequest({ method: 'GET', url, headers }, allowed, 10)).toBeUndefined();
      }),
    );
  });

  // Loopback as a page's URL may spell it: 127.0.0.0/8 (also as `127.1` or in hex), ::1, IPv4-mapped loopback,
  // and the names browsers resolve to loopback themselves.
  const loopbackOrigins = fc.oneof(
    fc
      .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.nat({ max: 255 }))
      .map((parts) => `127.${parts.join('.')}`),
    fc.constantFrom(
      '127.1',
      '0x7f.0.0.1',
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:2]',
    ),
    loopbackNames,
  );
  // Any other address: another machine of the network, or beyond it.
  const otherAddresses = fc.oneof(
    fc.ipV4().filter((ip) => !ip.startsWith('127.')),
    fc
      .ipV6()
      .map((ip) => `[${ip}]`)
      .filter((ip) => {
        const hostname = new URL(`http://${ip}`).hostname;
        return hostname !== '[::1]' && !hostname.startsWith('[::ffff:7f');
      }),
  );
  const scheme = fc.constantFrom('http', 'https');

  it('takes a change only from a page served from this machine or from a host the user allowed, not from any IP address', () => {
    const methods = fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE');
    const routes = fc.constantFrom('/_sandbox/webhooks', '/_sandbox/faults', '/liveapi/live_streams', '/x');
    fc.assert(
      fc.property(methods, routes, otherAddresses, scheme, port, (method, url, address, protocol, at) => {
        const origin = `${protocol}://${withPort(address, at)}`;
        const headers = { host: '127.0.0.1:4010', origin, 'content-type': 'application/json' };
        expect(isTrustedOrigin(origin, allowed)).toBe(false);
        expect(refuseRequest({ method, url, headers }, allowed, 10)).toEqual({
          status: 403,
          body: {
            error:
              'only pages served from this machine may change the sandbox; start it with allowedHosts naming the host of a page elsewhere to let it',
          },
        });
        // Reading stays open, and the address is still answered as a Host (no name was rebound to reach it).
        expect(refuseRequest({ method: 'GET', url, headers }, allowed, 10)).toBeUndefined();
        expect(isAllowedHost(withPort(address, at), allowed)).toBe(true);
        // Once the user names it (`allowedHosts`, or the host the sandbox listens on), its pages are trusted.
        const named = new Set([...allowed, new URL(origin).hostname.replace(/^\[|\]$/g, '')]);
        expect(refuseRequest({ method, url, headers }, named, 10)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(methods, routes, loopbackOrigins, scheme, port, (method, url, host, protocol, at) => {
        const origin = `${protocol}://${withPort(host, at)}`;
        expect(isTrustedOrigin(origin, allowed)).toBe(true);
        // The developer's app on http://localhost:3000 is another site to a browser than 127.0.0.1:4010.
        for (const site of [undefined, 'same-origin', 'same-site', 'cross-site']) {
          const headers = {
            host: '127.0.0.1:4010',
            origin,
            'content-type': 'application/json',
            ...(site ? { 'sec-fetch-site': site } : {}),
          };
          expect(refuseRequest({ method, url, headers }, allowed, 10)).toBeUndefined();
        }
      }),
    );
    for (const origin of ['null', '', 'file:///home/me/page.html', 'chrome-extension://abcdef', 'no url'])
      expect(isTrustedOrigin(origin, allowed)).toBe(false);
  });

  it("takes only JSON bodies on the control API's changes, which a page cannot send without asking", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'text/plain;charset=UTF-8',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          '',
        ),
        fc.constantFrom('/_sandbox/webhooks', '/_sandbox/faults', '/_sandbox/encoders/liveapi/x'),
        (type, url) => {
          const headers = { host: '127.0.0.1', 'content-type': type, 'content-length': '20' };
          expect(refuseRequest({ method: 'POST', url, headers }, allowed, 100)?.status).toBe(415);
          expect(
            refuseRequest(
              {
                method: 'POST',
                url,
                headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
              },
              allowed,
              100,
            ),
          ).toBeUndefined();
        },
      ),
    );
    // A DELETE without a body needs no type.
    expect(
      refuseRequest({ method: 'DELETE', url: '/_sandbox/webhooks/1', headers: {} }, allowed, 100),
    ).toBeUndefined();
  });

  it('refuses a declared body over the limit at once, and only over it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.nat({ max: 2 ** 40 }), (limit, length) => {
        const outcome = refuseRequest(
          { method: 'POST', url: '/liveapi/live_streams', headers: { 'content-length': String(length) } },
          allowed,
          limit,
        );
        expect(outcome?.status).toBe(length > limit ? 413 : undefined);
      }),
    );
  });
});

describe('a running sandbox against oversized, cross-site and rebound requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ media: false, maxBodyBytes: 4096 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  // A raw request, so that Host and a body without Content-Length are what the test says.
  const raw = (options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Iterable<Buffer>;
  }) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port: sandbox.port,
          method: options.method,
          path: options.path,
          headers: options.headers,
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      // The server may close the connection before the whole body is sent: that is the point.
      request.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
      );
      for (const chunk of options.body ?? []) request.write(chunk);
      request.end();
    });

  const rawStatus = (bytes: string) => rawStatusOf(sandbox.port, bytes);

  it('serves HTTP/1.0 without a Host (no browser sends one: no page can rebind it), and refuses HTTP/1.1 without one', async () => {
    expect(await rawStatus('GET /_sandbox HTTP/1.0\r\n\r\n')).toBe(200);
    // HTTP/1.1 requires Host: Node's server answers 400 before the sandbox sees the request.
    expect(await rawStatus('GET /_sandbox HTTP/1.1\r\nConnection: close\r\n\r\n')).toBe(400);
    // A rebound name is refused on either version.
    expect(await rawStatus('GET /_sandbox HTTP/1.0\r\nHost: attacker.example\r\n\r\n')).toBe(403);
    // A change without Host or Origin from a tool is taken, as with a Host.
    const body = JSON.stringify({ provider: 'liveapi', operation: 'get', fault: { type: 'not-found' } });
    const post = `POST /_sandbox/faults HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`;
    expect(await rawStatus(`${post}\r\n${body}`)).toBe(201);
    expect(await rawStatus(`${post}Sec-Fetch-Site: same-site\r\n\r\n${body}`)).toBe(403);
    expect(await rawStatus('DELETE /_sandbox/faults HTTP/1.0\r\n\r\n')).toBe(204);
  });

  it('reads a target beginning with // as a path, not as another host before a route', async () => {
    const { tokenId, secretKey } = sandbox.adapterSettings('liveapi') as unknown as Record<string, string>;
    const authorization = `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`;
    const direct = await fetch(`${sandbox.url}/liveapi/live_streams`, { headers: { authorization } });
    expect(direct.status).toBe(200);
    for (const target of [
      '//other/liveapi/live_streams',
      '//liveapi/live_streams',
      '//media/liveapi/x/index.m3u8',
    ]) {
      const answer = await fetch(`${sandbox.url}${target}`, { headers: { authorization } });
      await answer.arrayBuffer();
      expect(answer.status, target).toBe(404);
    }
  });

  it('answers a path segment that is no valid percent-escape as an unknown id on every dialect, never 500', async () => {
    const { token } = sandbox.adapterSettings('wowza-video') as unknown as { token: string };
    // Malformed escapes, cut UTF-8 sequences, lone surrogates and code points past U+10FFFF.
    const malformed = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9]{0,4}$/),
        fc.constantFrom(
          '%zz',
          '%',
          '%z',
          '%G0',
          '%ED%A0%80',
          '%ED%B0%80',
          '%E0%A4%A',
          '%C3',
          '%C3%28',
          '%F4%90%80%80',
          '%FF',
        ),
        fc.stringMatching(/^[a-z0-9]{0,4}$/),
      )
      .map((parts) => parts.join(''));
    const methods = fc.constantFrom('GET', 'PATCH', 'PUT', 'DELETE', 'POST');
    const wowzaPaths = [
      (id: string) => `/live_streams/${id}`,
      (id: string) => `/live_streams/${id}/state`,
      (id: string) => `/live_streams/${id}/start`,
      (id: string) => `/${id}/${id}`,
      (id: string) => `/analytics/ingest/live_streams/${id}`,
    ];
    await fc.assert(
      fc.asyncProperty(
        malformed,
        methods,
        fc.constantFrom(...wowzaPaths),
        fc.boolean(),
        async (id, method, path, credentials) => {
          const answer = await raw({
            method,
            path: `/wowza-video/api/v2.0${path(id)}`,
            headers: credentials ? { authorization: `Bearer ${token}` } : {},
          });
          // As the vendor answers an id it does not have: credentials are checked first.
          expect(answer.status).toBe(credentials ? 404 : 401);
          expect(JSON.parse(answer.text).meta.code).toBe(
            credentials ? 'ERR-404-RecordNotFound' : 'ERR-401-NoApiKey',
          );
        },
      ),
      { numRuns: 60 },
    );
    // Every other root, and the sandbox's own routes: an answer of the client's making, never a failure.
    await fc.assert(
      fc.asyncProperty(
        malformed,
        methods,
        fc.constantFrom(
          '',
          '/_sandbox',
          '/_sandbox/webhooks',
          '/liveapi/live_streams',
          '/wowza-realtime/api/v2.0/real_time',
          '/videosdk/v1/livestreams',
          '/videosdk/v2/rooms',
          '/videosdk/v2/sessions',
        ),
        async (id, method, root) => {
          const answer = await raw({ method, path: `${root}/${id}` });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers 413 to a body past maxBodyBytes on every kind of route, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/_sandbox/webhooks',
          '/liveapi/live_streams',
          '/videosdk/v1/livestreams',
          '/nowhere',
        ),
        fc.integer({ min: 4097, max: 64 * 1024 }),
        async (path, size) => {
          // Streamed without a length, in 1 kB chunks: the sandbox must count as it reads.
          const chunks = Array.from({ length: Math.ceil(size / 1024) }, () => Buffer.alloc(1024, 0x20));
          const answer = await raw({
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json' },
            body: chunks,
          });
          expect(answer.status).toBe(413);
          expect((await fetch(`${sandbox.url}/_sandbox/stats`)).status).toBe(200);
        },
      ),
      { numRuns: 8 },
    );
    const declared = await raw({
      method: 'POST',
      path: '/_sandbox/webhooks',
      headers: { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) },
    });
    expect(declared.status).toBe(413);
  });

  it('refuses a rebound Host, and a cross-site registration of a webhook endpoint, registering nothing', async () => {
    const rebound = await raw({
      method: 'GET',
      path: '/_sandbox/webhooks',
      headers: { host: `rebind.example:${sandbox.port}` },
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('signing');
    const crossSite = await fetch(`${sandbox.url}/_sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://page.example' },
      body: JSON.stringify({ provider: 'liveapi', url: 'https://page.example/collect' }),
    });
    expect(crossSite.status).toBe(403);
    const plain = await fetch(`${sandbox.url}/_sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ provider: 'liveapi', url: 'https://page.example/collect' }),
    });
    expect(plain.status).toBe(415);
    expect(sandbox.webhooks.endpoints()).toEqual([]);
  });

  it('refuses a change from a page on another machine of the network unless allowedHosts names it', async () => {
    const register = (url: string) =>
      fetch(`${url}/_sandbox/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://10.0.0.5:3000' },
        body: JSON.stringify({ provider: 'liveapi', url: 'http://10.0.0.5:3000/collect' }),
      });
    const refused = await register(sandbox.url);
    expect(refused.status).toBe(403);
    expect(sandbox.webhooks.endpoints()).toEqual([]);
    const allowing = await startSandbox({ media: false, allowedHosts: ['10.0.0.5'] });
    try {
      expect((await register(allowing.url)).status).toBe(201);
      expect(allowing.webhooks.endpoints().map((endpoint) => endpoint.url)).toEqual([
        'http://10.0.0.5:3000/…',
      ]);
    } finally {
      await allowing.close();
    }
  });
});
