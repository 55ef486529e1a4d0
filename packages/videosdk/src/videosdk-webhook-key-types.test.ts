import { InvalidInputError } from '@unilive/core';
import { createWebhookKeyPair, rejectionOf, signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseWebhook } from './videosdk-webhooks.js';

// A key of the wrong kind would make every delivery, genuine or forged, `bad-signature` (a 400 the vendor
// hears and onError never does): a configuration slip that silently drops every webhook. Refused instead,
// naming the option, before any request, as Wowza Real-Time's `secret` and LiveAPI's `pathSecret` are.

const vendor = await createWebhookKeyPair();
const delivery = await signWebhook(
  'videosdk',
  { webhookType: 'hls-started', data: { meetingId: 'room-1' } },
  { privateKey: vendor.privateKey },
);
const spki = Buffer.from(vendor.publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const rsaVerify = await crypto.subtle.importKey(
  'spki',
  spki,
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  false,
  ['verify'],
);
const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const ecdsa = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
  'sign',
  'verify',
]);
const pss = await crypto.subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, false, [
  'verify',
]);
const sha1 = await crypto.subtle.importKey(
  'spki',
  spki,
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  false,
  ['verify'],
);

// Every value that is no key a videosdk signature verifies with.
const wrong: Record<string, unknown> = {
  number: 5,
  boolean: true,
  object: {},
  function: () => vendor.publicKey,
  'key-like object': { type: 'public', algorithm: { name: 'RSASSA-PKCS1-v1_5' } },
  'HMAC key': hmac,
  'ECDSA public key': ecdsa.publicKey,
  'ECDSA private key': ecdsa.privateKey,
  'RSA-PSS key': pss,
  'RSA SHA-1 key': sha1,
};

describe('videosdk parseWebhook: a publicKey of the wrong type', () => {
  it('is an InvalidInputError naming publicKey (or its entry), before any request (generated)', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...Object.keys(wrong)),
          fc.constantFrom('alone', 'first of two', 'second of two'),
          async (kind, place) => {
            const bad = wrong[kind];
            const [publicKey, path] =
              place === 'alone'
                ? [bad, 'publicKey']
                : place === 'first of two'
                  ? [[bad, vendor.publicKey], 'publicKey.0']
                  : [[rsaVerify, bad], 'publicKey.1'];
            const caught = await rejectionOf(() => parseWebhook(delivery, { publicKey } as never));
            expect(InvalidInputError.isInstance(caught)).toBe(true);
            expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path }] });
          },
        ),
        {
          examples: [
            ['number', 'alone'],
            ['function', 'alone'],
            ['HMAC key', 'alone'],
            ['ECDSA private key', 'second of two'],
            ['RSA-PSS key', 'first of two'],
          ],
        },
      );
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      fetch.mockRestore();
    }
  });

  it('as an empty list, a hole or an empty entry is refused by its place, never the production key route', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    try {
      const sparse = [vendor.publicKey];
      sparse[2] = vendor.publicKey;
      for (const [publicKey, path] of [
        [[], 'publicKey'],
        [[vendor.publicKey, undefined], 'publicKey.1'],
        [sparse, 'publicKey.1'],
        [[vendor.publicKey, ' '], 'publicKey.1'],
      ] as const) {
        const caught = await rejectionOf(() => parseWebhook(delivery, { publicKey } as never));
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path }] });
      }
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      fetch.mockRestore();
    }
  });

  it('leaves the right keys working: a CryptoKey, PEM text, and a list of both', async () => {
    for (const publicKey of [rsaVerify, vendor.publicKey, [rsaVerify, vendor.publicKey]]) {
      expect(await parseWebhook(delivery, { publicKey })).toHaveLength(1);
    }
  });
});

describe('videosdk parseWebhook: a custom keySource answering no key', () => {
  it('is an InvalidInputError naming keySource (the configuration is at fault, not the delivery) (generated)', async () => {
    const answers: Record<string, unknown> = {
      undefined: undefined,
      null: null,
      number: 5,
      object: {},
      'list of PEM': [vendor.publicKey],
      'HMAC key': hmac,
      'ECDSA public key': ecdsa.publicKey,
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(answers)), async (kind) => {
        const keySource = { get: async () => answers[kind], refresh: async () => undefined };
        const caught = await rejectionOf(() => parseWebhook(delivery, { keySource } as never));
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'keySource' }] });
      }),
      { examples: [['undefined'], ['number'], ['list of PEM'], ['HMAC key']] },
    );
    // A refresh answering a wrong kind, once get's key does not verify, is the same fault: only `undefined`
    // means no new key, so a falsy answer (null, '', 0, false) is no exception.
    const stranger = await createWebhookKeyPair();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<unknown>(5, null, '', 0, false, Number.NaN, {}), async (renewed) => {
        const keySource = { get: async () => stranger.publicKey, refresh: async () => renewed };
        const caught = await rejectionOf(() => parseWebhook(delivery, { keySource } as never));
        expect(caught).toMatchObject({ name: 'InvalidInputError', issues: [{ path: 'keySource' }] });
      }),
      { examples: [[null], [''], [0], [false]] },
    );
  });
});
