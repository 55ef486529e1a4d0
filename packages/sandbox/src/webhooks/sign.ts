import {
  decodeBase64,
  encodeBase64,
  encodeHex,
  hmac,
  InvalidInputError,
  type ProviderId,
  type WebCryptoKey,
} from '@unilive/core';

/** How a delivery is signed: a shared secret (Wowza Real-Time) or an RSA private key (videosdk). */
export interface WebhookSigning {
  /** Wowza Real-Time: the webhook secret, base64 as the vendor's dashboard shows it. */
  secret?: string | undefined;
  /** videosdk: the RSA private key, PEM (`-----BEGIN PRIVATE KEY-----`, PKCS#8) or a WebCrypto key. */
  privateKey?: string | WebCryptoKey | undefined;
}

/** A webhook request as the vendor sends it: the exact body bytes and the headers. */
export interface SignedWebhook {
  body: string | Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

/** Providers whose webhooks the sandbox (and `signWebhook`) can produce. */
export const webhookProviders = ['wowza-realtime', 'videosdk', 'wowza-video', 'liveapi'] as const;

const encoder = new TextEncoder();

/**
 * Produces a delivery exactly as the vendor would send it:
 * - `wowza-realtime`: JSON (or, for a `Uint8Array` payload, a JPEG thumbnail) with
 *   `x-millicast-signature: sha1=<hex HMAC-SHA1 of the body, keyed with the base64-decoded secret>`;
 * - `videosdk`: JSON with `videosdk-signature: <base64 RSA-SHA256 (PKCS#1 v1.5) of the body>`;
 * - `wowza-video`, `liveapi`: JSON and no signature, since these vendors document no signature.
 */
export async function signWebhook(
  provider: ProviderId,
  payload: unknown,
  signing: WebhookSigning = {},
): Promise<SignedWebhook> {
  const binary = payload instanceof Uint8Array;
  const body = binary ? new Uint8Array(payload) : JSON.stringify(payload);
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const headers: Record<string, string> = { 'content-type': binary ? 'image/jpeg' : 'application/json' };
  switch (provider) {
    case 'wowza-realtime': {
      const key = decodeBase64(signing.secret ?? '');
      if (!key || key.length === 0) throw invalid(provider, 'secret', 'expected the base64 webhook secret');
      headers['x-millicast-signature'] = `sha1=${encodeHex(await hmac('SHA-1', key, bytes))}`;
      return { body, headers };
    }
    case 'videosdk': {
      if (signing.privateKey === undefined)
        throw invalid(provider, 'privateKey', 'expected an RSA private key');
      const key =
        typeof signing.privateKey === 'string'
          ? await importPrivateKey(signing.privateKey)
          : signing.privateKey;
      const signature = await crypto.subtle.sign(
        'RSASSA-PKCS1-v1_5',
        key,
        new Uint8Array(bytes).buffer as ArrayBuffer,
      );
      headers['videosdk-signature'] = encodeBase64(new Uint8Array(signature));
      return { body, headers };
    }
    case 'wowza-video':
    case 'liveapi':
      return { body, headers };
    default:
      throw invalid(provider, 'provider', `expected one of ${webhookProviders.join(', ')}`);
  }
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const base64 = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem)?.[1];
  const der = base64 === undefined ? undefined : decodeBase64(base64.replace(/\s+/g, ''));
  if (!der) throw invalid('videosdk', 'privateKey', 'expected a PKCS#8 PEM private key');
  return crypto.subtle.importKey(
    'pkcs8',
    new Uint8Array(der).buffer as ArrayBuffer,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/** A fresh RSA key pair in PEM, as videosdk signs with: the public key is what its API serves. */
export async function createWebhookKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const pair = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  const pem = (label: string, der: ArrayBuffer) =>
    `-----BEGIN ${label}-----\n${encodeBase64(new Uint8Array(der))
      .replace(/(.{64})/g, '$1\n')
      .trimEnd()}\n-----END ${label}-----\n`;
  return {
    publicKey: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)),
    privateKey: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
  };
}

/** A fresh webhook secret as Wowza Real-Time (Millicast) issues them: base64 of random bytes. */
export function createWebhookSecret(): string {
  return encodeBase64(crypto.getRandomValues(new Uint8Array(32)));
}

function invalid(provider: ProviderId, path: string, message: string): InvalidInputError {
  return new InvalidInputError({
    provider,
    operation: 'signWebhook',
    message: `signWebhook ${provider}: ${path}: ${message}`,
    issues: [{ path, message }],
  });
}
