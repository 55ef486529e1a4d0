import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './server.js';

// The WHIP address the videosdk adapter hands out (`{baseUrl}/v2/whip?roomId=…&participantId=…`) answers 501:
// the sandbox carries no WebRTC. A browser's WHIP client posts `application/sdp` with `Authorization`, so it
// preflights first, and reads the 501's message only when the preflight and the 501 carry CORS headers.
describe('videosdk v2 WHIP over HTTP: what a browser page on this machine reads', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, media: false, log: () => {} });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const whip = () =>
    `${sandbox.baseUrl('videosdk')}/v2/whip?roomId=abcd-efgh-ijkl&participantId=unilive-whip`;
  // Pages the sandbox trusts with a change: its own origin's host names and any loopback or `*.localhost` one.
  const pageOrigin = fc
    .tuple(
      fc.constantFrom('http', 'https'),
      fc.constantFrom('localhost', '127.0.0.1', 'app.localhost', '[::1]'),
      fc.integer({ min: 1, max: 65_535 }),
    )
    .map(([scheme, host, port]) => `${scheme}://${host}:${port}`);

  it('grants the preflight of a POST with application/sdp and Authorization, naming no origin', async () => {
    await fc.assert(
      fc.asyncProperty(pageOrigin, async (origin) => {
        const response = await fetch(whip(), {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        expect(response.status).toBe(204);
        expectWhipCors(response);
        expect(response.headers.get('access-control-max-age')).toBe('600');
        expect(await response.text()).toBe('');
      }),
      { numRuns: 25 },
    );
  });

  it('serves its 501 with the same headers, so the page reads why', async () => {
    await fc.assert(
      fc.asyncProperty(pageOrigin, async (origin) => {
        const response = await fetch(whip(), {
          method: 'POST',
          headers: {
            origin,
            'content-type': 'application/sdp',
            authorization: 'Bearer not-a-videosdk-token',
          },
          body: 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n',
        });
        expect(response.status).toBe(501);
        expectWhipCors(response);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.json()).toEqual({
          message:
            "the sandbox takes no WHIP: a videosdk v2 room gets no media here. To push video through the sandbox, use a videosdk v1 stream (apiVersion: 'v1') and RTMP.",
        });
      }),
      { numRuns: 25 },
    );
  });

  it('still refuses the POST of a page from elsewhere, before any WHIP answer', async () => {
    const response = await fetch(whip(), {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/sdp' },
      body: 'v=0\r\n',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a POST the rate limit refuses carries the same headers and exposes Retry-After; preflights are not metered', async () => {
    // A fixed clock: the bucket (one request at 0.5 a second) cannot refill between the requests.
    const limited = await startSandbox({
      port: 0,
      media: false,
      log: () => {},
      rateLimit: { requestsPerSecond: 0.5 },
      now: () => 1_000_000,
    });
    try {
      const address = `${limited.baseUrl('videosdk')}/v2/whip?roomId=abcd-efgh-ijkl`;
      const preflight = () =>
        fetch(address, {
          method: 'OPTIONS',
          headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
        });
      const post = () =>
        fetch(address, {
          method: 'POST',
          headers: { origin: 'http://localhost:3000', 'content-type': 'application/sdp' },
          body: 'v=0\r\n',
        });
      // The bucket's one request, then a refusal; a preflight answered 204 before and after either, since a
      // browser reads a refused preflight as a CORS failure and never sees the 429.
      expect((await preflight()).status).toBe(204);
      expect((await post()).status).toBe(501);
      expect((await preflight()).status).toBe(204);
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(refused.headers.get('access-control-expose-headers')).toBe('retry-after');
      expectWhipCors(refused);
      // An API route's 429 stays without them: it is called by servers, not pages.
      const api = await fetch(`${limited.baseUrl('videosdk')}/v2/rooms`);
      expect(api.status).toBe(429);
      expect(api.headers.get('access-control-allow-origin')).toBeNull();
      expect(api.headers.get('access-control-expose-headers')).toBeNull();
    } finally {
      await limited.close();
    }
  });
});

// The headers every answer of the WHIP address carries: `*`, the POST a WHIP client sends, never credentials
// (`*` with credentials is refused by browsers, and an echoed origin would be worse).
function expectWhipCors(response: Response): void {
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
}
