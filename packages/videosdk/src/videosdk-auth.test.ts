import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVideosdkTokenSigner, VideosdkSecretSet, videosdkAccountOf } from './videosdk-auth.js';
import { videosdk } from './videosdk-provider.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const streamBody = loadFixture(directory, 'get-livestream').response.body;
const origin = 'https://api.videosdk.live';
const id = '6034a7dfa9cedd724c20cf67';
const apiKey = '7e4f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const secret = 'test-videosdk-secret-6c1f0e9d8b7a';
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// 2021-07-05T12:43:52Z, the moment of the vendor's example payload.
const start = 1_625_489_032_000;

/**
 * Serves the stream for every get, and a `fetch` that records each Authorization header as sent. Pass
 * `fetch` to the provider: `videosdk({ ...settings, apiKey, secret })`.
 */
function vendor() {
  const headers: string[] = [];
  nock(origin)
    .get(`/v1/livestreams/${id}`)
    .times(50)
    .reply(200, JSON.stringify(streamBody), { 'content-type': 'application/json' });
  const recording: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    headers.push(String(request.headers.get('authorization')));
    return fetch(request);
  };
  return { headers, settings: { apiVersion: 'v1' as const, fetch: recording, retry: { maxRetries: 0 } } };
}

function clock(at = start) {
  const state = { now: at };
  return { now: () => state.now, advance: (ms: number) => (state.now += ms), state };
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET']) vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('self-signed tokens (apiKey + secret)', () => {
  it('sends exactly the JWT the vendor documents as the bare Authorization header', async () => {
    const jti = '9f0c6a52-1d3e-4b7a-8c2f-5e6d7a8b9c0d';
    vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue(jti);
    const { headers, settings } = vendor();
    const provider = videosdk({ ...settings, apiKey, secret, now: clock().now });
    await provider.get(id);

    // Built independently of jose: HS256 over header.payload, key order as jsonwebtoken writes it.
    const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({
      apikey: apiKey,
      iat: 1_625_489_032,
      exp: 1_625_489_632,
      jti,
    })}`;
    const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
    expect(headers).toEqual([`${signingInput}.${signature}`]);
  });

  it('has header { alg: HS256, typ: JWT } and claims { apikey, iat, exp, jti } for 10 minutes', async () => {
    const { headers, settings } = vendor();
    const time = clock();
    await videosdk({ ...settings, apiKey, secret, now: time.now }).get(id);
    const [token = ''] = headers;
    expect(token).not.toMatch(/^Bearer /i);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(Object.keys(claims)).toEqual(['apikey', 'iat', 'exp', 'jti']);
    expect(claims).toEqual({
      apikey: apiKey,
      iat: 1_625_489_032,
      exp: 1_625_489_632,
      jti: expect.stringMatching(uuidV4),
    });
    const verified = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      currentDate: new Date(time.now()),
    });
    expect(verified.payload.apikey).toBe(apiKey);
    await expect(jwtVerify(token, new TextEncoder().encode('another-secret'))).rejects.toThrow();
  });

  it('is reused until 60 s before expiry, then renewed', async () => {
    const { headers, settings } = vendor();
    const time = clock();
    const provider = videosdk({ ...settings, apiKey, secret, now: time.now });
    await provider.get(id);
    time.advance(539_999);
    await provider.get(id);
    time.advance(1);
    await provider.get(id);
    await provider.get(id);
    expect(headers[1]).toBe(headers[0]);
    expect(headers[2]).not.toBe(headers[0]);
    expect(headers[3]).toBe(headers[2]);
    expect(decodeJwt(headers[2] ?? '')).toMatchObject({ iat: 1_625_489_572, exp: 1_625_490_172 });
  });

  it('honours tokenTtlSeconds', async () => {
    const { headers, settings } = vendor();
    const time = clock();
    const provider = videosdk({ ...settings, apiKey, secret, now: time.now, tokenTtlSeconds: 3600 });
    await provider.get(id);
    const claims = decodeJwt(headers[0] ?? '');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    time.advance(3_539_000);
    await provider.get(id);
    expect(headers[1]).toBe(headers[0]);
    time.advance(1_000);
    await provider.get(id);
    expect(headers[2]).not.toBe(headers[0]);
  });

  it('concurrent requests share one signing, at first use and at renewal', async () => {
    const sign = vi.spyOn(SignJWT.prototype, 'sign');
    const { headers, settings } = vendor();
    const time = clock();
    const provider = videosdk({ ...settings, apiKey, secret, now: time.now });
    await Promise.all(Array.from({ length: 5 }, () => provider.get(id)));
    expect(sign).toHaveBeenCalledTimes(1);
    expect(new Set(headers).size).toBe(1);
    time.advance(541_000);
    await Promise.all(Array.from({ length: 5 }, () => provider.get(id)));
    expect(sign).toHaveBeenCalledTimes(2);
    expect(new Set(headers).size).toBe(2);
  });

  it('every request carries the token current at its moment, over any spacing of requests', async () => {
    // The header object is kept while its token is: it must change exactly when the token is renewed (60 s
    // before the 600 s token expires), and never carry an earlier one.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 700_000 }), { minLength: 1, maxLength: 8 }),
        async (gaps) => {
          nock.cleanAll();
          const { headers, settings } = vendor();
          const time = clock();
          const provider = videosdk({ ...settings, apiKey, secret, now: time.now });
          let issuedAt: number | undefined;
          const expected: number[] = [];
          for (const gap of gaps) {
            time.advance(gap);
            if (issuedAt === undefined || time.now() >= (issuedAt + 600 - 60) * 1000)
              issuedAt = Math.floor(time.now() / 1000);
            expected.push(issuedAt);
            await provider.get(id);
          }
          expect(headers.map((header) => decodeJwt(header).iat)).toEqual(expected);
          // One header value per token: a request after a renewal never carries the token before it.
          headers.forEach((header, index) => {
            if (index > 0)
              expect(header === headers[index - 1]).toBe(expected[index] === expected[index - 1]);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads VIDEOSDK_API_KEY and VIDEOSDK_SECRET', async () => {
    vi.stubEnv('VIDEOSDK_API_KEY', apiKey);
    vi.stubEnv('VIDEOSDK_SECRET', secret);
    const { headers, settings } = vendor();
    const provider = videosdk({ ...settings, now: clock().now });
    await provider.get(id);
    expect(decodeJwt(headers[0] ?? '').apikey).toBe(apiKey);
    await jwtVerify(headers[0] ?? '', new TextEncoder().encode(secret), { currentDate: new Date(start) });
  });

  it('VIDEOSDK_TOKEN wins over the key pair in the environment', async () => {
    vi.stubEnv('VIDEOSDK_TOKEN', 'env.token.value');
    vi.stubEnv('VIDEOSDK_API_KEY', apiKey);
    vi.stubEnv('VIDEOSDK_SECRET', secret);
    const { headers, settings } = vendor();
    await videosdk(settings).get(id);
    expect(headers).toEqual(['env.token.value']);
  });

  it('a blank VIDEOSDK_TOKEN is absent: the key pair signs, read without the whitespace around it', async () => {
    // What a shell quote or a `.env` file's CRLF leaves: never a value of its own.
    const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(blank, blank, blank, async (token, around, after) => {
        nock.cleanAll();
        vi.stubEnv('VIDEOSDK_TOKEN', token);
        vi.stubEnv('VIDEOSDK_API_KEY', `${around}${apiKey}${after}`);
        vi.stubEnv('VIDEOSDK_SECRET', `${after}${secret}${around}`);
        const { headers, settings } = vendor();
        await videosdk({ ...settings, now: clock().now }).get(id);
        expect(decodeJwt(headers[0] ?? '').apikey).toBe(apiKey);
        await jwtVerify(headers[0] ?? '', new TextEncoder().encode(secret), { currentDate: new Date(start) });
      }),
      { numRuns: 30 },
    );
  });

  it('names every setting and variable that could have supplied a missing credential', async () => {
    vi.stubEnv('VIDEOSDK_TOKEN', ' \r\n');
    vi.stubEnv('VIDEOSDK_API_KEY', '  ');
    const { headers, settings } = vendor();
    await expect(videosdk(settings).get(id)).rejects.toThrow(
      'videosdk: no credentials configured; pass the `token` setting or VIDEOSDK_TOKEN, or the `apiKey` and `secret` settings or VIDEOSDK_API_KEY and VIDEOSDK_SECRET',
    );
    expect(headers).toEqual([]);
  });

  it('keeps the key, the secret and the current tokens as secrets, not every token ever signed', async () => {
    const { headers, settings } = vendor();
    const time = clock();
    const provider = videosdk({ ...settings, apiKey, secret, now: time.now });
    for (let round = 0; round < 4; round += 1) {
      await provider.get(id);
      time.advance(600_000);
    }
    expect(new Set(headers).size).toBe(4);
    const secrets = provider.secrets?.() ?? [];
    expect(secrets).toEqual(expect.arrayContaining([apiKey, secret, headers[3], headers[2]]));
    expect(secrets).not.toContain(headers[0]);
  });
});

describe('a given token', () => {
  it('is sent as-is and never re-signed', async () => {
    const sign = vi.spyOn(SignJWT.prototype, 'sign');
    const { headers, settings } = vendor();
    const time = clock();
    const provider = videosdk({ ...settings, token: 'given.jwt.token', now: time.now });
    await provider.get(id);
    time.advance(86_400_000);
    await provider.get(id);
    expect(headers).toEqual(['given.jwt.token', 'given.jwt.token']);
    expect(sign).not.toHaveBeenCalled();
  });
});

describe('createVideosdkTokenSigner', () => {
  it('a failed signing becomes AuthenticationError and the next call signs again', async () => {
    const sign = vi.spyOn(SignJWT.prototype, 'sign').mockRejectedValueOnce(new Error('webcrypto failure'));
    const signer = createVideosdkTokenSigner({ apiKey, secret, ttlSeconds: 600, now: () => start });
    await expect(signer.token()).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: 'videosdk: could not sign a token with the configured `apiKey` and `secret`',
    });
    await expect(signer.token()).resolves.toMatch(/^eyJ/);
    expect(sign).toHaveBeenCalledTimes(2);
  });
});

describe('VideosdkSecretSet', () => {
  it('keeps the last two signed tokens and every other secret', () => {
    const set = new VideosdkSecretSet();
    set.add('api-key-0001');
    for (const token of ['token-0001', 'token-0002', 'token-0003']) set.addSignedToken(token);
    expect(set.values()).toEqual(['api-key-0001', 'token-0003', 'token-0002']);
    expect(set.redact('token-0003 and token-0002 and api-key-0001')).toBe(
      '[REDACTED] and [REDACTED] and [REDACTED]',
    );
  });
});

describe('videosdkAccountOf', () => {
  it('names the account by its API key, whether the credentials are the key pair or a token signed from it', async () => {
    const token = await new SignJWT({ apikey: apiKey })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    expect(videosdkAccountOf({ kind: 'signed', apiKey, secret })).toBe(apiKey);
    expect(videosdkAccountOf({ kind: 'token', token })).toBe(apiKey);
    // A token without the claim (or no JWT at all) stands for itself.
    const bare = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    expect(videosdkAccountOf({ kind: 'token', token: bare })).toBe(bare);
    expect(videosdkAccountOf({ kind: 'token', token: 'not-a-jwt' })).toBe('not-a-jwt');
  });

  // The claim is read without loading jose; on any token, well formed or not, the account must be the one
  // jose's decodeJwt gives.
  it("reads the apikey claim as jose's decodeJwt does, on generated tokens", () => {
    const byJose = (token: string) => {
      try {
        const { apikey } = decodeJwt(token);
        if (typeof apikey === 'string' && apikey.length > 0) return apikey;
      } catch {
        // jose refuses it: the token stands for itself.
      }
      return token;
    };
    const base64url = (text: string) => Buffer.from(text).toString('base64url');
    const claims = fc.oneof(
      fc.record({ apikey: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }, { requiredKeys: [] }),
      fc.jsonValue(),
    );
    const payload = fc.oneof(
      claims.map((value) => base64url(JSON.stringify(value))),
      fc.string({ unit: fc.constantFrom(...'AZaz09-_+/=. '), maxLength: 12 }),
      fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
      claims.map((value) => Buffer.from(JSON.stringify(value)).toString('base64')),
    );
    const token = fc
      .tuple(
        fc.constantFrom(base64url('{"alg":"HS256"}'), '', 'x'),
        payload,
        fc.constantFrom('sig', ''),
        fc.constantFrom(0, 0, 0, 1, 2, -1),
      )
      .map(([header, body, signature, extra]) =>
        extra < 0 ? `${header}.${body}` : [header, body, signature, ...Array(extra).fill('x')].join('.'),
      );
    fc.assert(
      fc.property(token, (value) => {
        expect(videosdkAccountOf({ kind: 'token', token: value })).toBe(byJose(value));
      }),
      { numRuns: 2_000 },
    );
  });
});
