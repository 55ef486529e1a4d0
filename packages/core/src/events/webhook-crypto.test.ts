import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeHex,
  deliveryDigest,
  encodeBase64,
  encodeHex,
  hmac,
  importRsaPublicKey,
  secretsEqual,
  timingSafeEqual,
  uniqueDeliveryId,
  verifyRsaSha256,
} from './webhook-crypto.js';

// node:crypto is the reference here only: the code under test runs on WebCrypto alone.

const bytes = fc.uint8Array({ maxLength: 64 });

describe('timingSafeEqual', () => {
  it('is true exactly when both byte strings are equal', () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(timingSafeEqual(a, Uint8Array.from(a))).toBe(true);
      }),
    );
  });

  it('tells apart strings that differ only in length or in their last byte', () => {
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(), new Uint8Array())).toBe(true);
  });
});

describe('secretsEqual', () => {
  it('compares secrets of any length', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        expect(await secretsEqual(a, b)).toBe(a === b);
      }),
      { numRuns: 50 },
    );
  });
});

describe('encodings', () => {
  it('hex and base64 round-trip any bytes, and agree with Node', () => {
    fc.assert(
      fc.property(bytes, (value) => {
        const buffer = Buffer.from(value);
        expect(encodeHex(value)).toBe(buffer.toString('hex'));
        expect(encodeBase64(value)).toBe(buffer.toString('base64'));
        expect(decodeHex(encodeHex(value))).toEqual(value);
        expect(decodeHex(encodeHex(value).toUpperCase())).toEqual(value);
        expect(decodeBase64(encodeBase64(value))).toEqual(value);
        expect(decodeBase64(buffer.toString('base64url'))).toEqual(value);
      }),
    );
  });

  it('refuses what is not hex or base64', () => {
    for (const text of ['abc', 'zz', '0x12']) expect(decodeHex(text)).toBeUndefined();
    for (const text of ['a', 'ab$c', 'abcde', '====']) expect(decodeBase64(text)).toBeUndefined();
  });
});

describe('hmac', () => {
  it('matches Node for SHA-1 and SHA-256 over any key and body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 80 }), bytes, async (key, body) => {
        for (const [hash, node] of [
          ['SHA-1', 'sha1'],
          ['SHA-256', 'sha256'],
        ] as const) {
          const expected = createHmac(node, Buffer.from(key)).update(body).digest('hex');
          expect(encodeHex(await hmac(hash, key, body))).toBe(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('RSA-SHA256 (PKCS#1 v1.5)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('verifies a signature Node made over the exact bytes, and nothing else', async () => {
    const key = await importRsaPublicKey(pem);
    expect(key).toBeDefined();
    if (!key) return;
    const body = new TextEncoder().encode('{"webhookType":"hls-started","data":{"meetingId":"a"}}');
    const signature = sign('RSA-SHA256', body, privateKey);
    expect(await verifyRsaSha256(key, signature, body)).toBe(true);
    const reserialised = new TextEncoder().encode(
      JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 1),
    );
    expect(await verifyRsaSha256(key, signature, reserialised)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(await verifyRsaSha256(key, flipped, body)).toBe(false);
    expect(await verifyRsaSha256(key, new Uint8Array(3), body)).toBe(false);
  });

  it('imports no key from text that is not a PEM public key', async () => {
    expect(await importRsaPublicKey('not a key')).toBeUndefined();
    expect(
      await importRsaPublicKey('-----BEGIN PUBLIC KEY-----\n<base64 DER>\n-----END PUBLIC KEY-----'),
    ).toBeUndefined();
    expect(
      await importRsaPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    ).toBeUndefined();
  });
});

describe('deliveryDigest', () => {
  it('is sha256: and the hex SHA-256 of the body, the same for every copy', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (body) => {
        const digest = await deliveryDigest(body);
        expect(digest).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
        expect(await deliveryDigest(Uint8Array.from(body))).toBe(digest);
      }),
      { numRuns: 30 },
    );
  });
});

describe('uniqueDeliveryId', () => {
  it("is the body's digest, then ~ and 16 hex digits of its own: two copies of one body are two ids", async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (body) => {
        const ids = await Promise.all([uniqueDeliveryId(body), uniqueDeliveryId(Uint8Array.from(body))]);
        for (const id of ids) expect(id).toMatch(new RegExp(`^${await deliveryDigest(body)}~[0-9a-f]{16}$`));
        expect(ids[1]).not.toBe(ids[0]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('Node Buffers from a shared pool', () => {
  it('are hashed over their own bytes only', async () => {
    // Small Buffers share one pooled ArrayBuffer: only the view's bytes may be signed.
    const pooled = Buffer.from('{"a":1}');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const key = new Uint8Array([1, 2, 3]);
    expect(encodeHex(await hmac('SHA-256', key, pooled))).toBe(
      createHmac('sha256', Buffer.from(key)).update('{"a":1}').digest('hex'),
    );
    expect(await deliveryDigest(pooled)).toBe(
      `sha256:${createHash('sha256').update('{"a":1}').digest('hex')}`,
    );
  });
});
