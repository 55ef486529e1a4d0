// Webhook cryptography on WebCrypto (`globalThis.crypto.subtle`) alone, so that verification runs on
// Node, Deno, Bun, Cloudflare Workers and Vercel's edge runtime alike: nothing here may import node:crypto.

const encoder = /* @__PURE__ */ new TextEncoder();

function subtle(): SubtleCrypto {
  const webCrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (!webCrypto?.subtle) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available here');
  return webCrypto.subtle;
}

// WebCrypto takes a BufferSource backed by an ArrayBuffer. The copy has exactly the view's bytes: a Node
// Buffer is often a view into a larger shared pool, whose `.buffer` (and `Buffer#slice`, which does not
// copy) would hand WebCrypto the whole pool.
function buffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

/**
 * Compares two byte strings in time that depends only on their lengths, never on where they differ, so
 * that a signature cannot be guessed byte by byte from response times.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let index = 0; index < length; index += 1) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

/**
 * Compares two secrets (of any lengths) in constant time: both are hashed with SHA-256 first, so even
 * their lengths do not show.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256(encoder.encode(a)), sha256(encoder.encode(b))]);
  return timingSafeEqual(left, right);
}

/** SHA-256 of `data`. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', buffer(data)));
}

/** An HMAC of `data` keyed with the raw bytes of `key`. */
export async function hmac(
  hash: 'SHA-1' | 'SHA-256',
  key: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  // Without a prototype: WebCrypto reads the optional `length` through it, and a polluted one refused the key.
  const algorithm = Object.create(null) as HmacImportParams;
  algorithm.name = 'HMAC';
  algorithm.hash = hash;
  const cryptoKey = await subtle().importKey('raw', buffer(key), algorithm, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', cryptoKey, buffer(data)));
}

// Every member given, and no prototype to read others through (see `hmac`).
const rsaSha256: RsaHashedImportParams = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.assign(Object.create(null) as RsaHashedImportParams, {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
  }),
);

/**
 * A WebCrypto key (`CryptoKey`), as the runtime's own `crypto.subtle.verify` takes it: the DOM library's
 * `CryptoKey` where a project includes it, Node's `webcrypto.CryptoKey` (from `@types/node`) where it does
 * not, so a Node-only project (`lib` without `dom`) compiles these types too.
 */
export type WebCryptoKey = Parameters<typeof globalThis.crypto.subtle.verify>[1];

/**
 * Imports an RSA public key (PEM `-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo) for RSASSA-PKCS1-v1_5
 * with SHA-256 verification. Returns undefined for anything that is not such a key.
 */
export async function importRsaPublicKey(pem: string): Promise<WebCryptoKey | undefined> {
  const body = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  const der = body === undefined ? undefined : decodeBase64(body.replace(/\s+/g, ''));
  if (!der) return undefined;
  try {
    return await subtle().importKey('spki', buffer(der), rsaSha256, false, ['verify']);
  } catch {
    return undefined;
  }
}

/** Verifies an RSASSA-PKCS1-v1_5 SHA-256 signature of `data`. */
export async function verifyRsaSha256(
  key: WebCryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    return await subtle().verify('RSASSA-PKCS1-v1_5', key, buffer(signature), buffer(data));
  } catch {
    return false;
  }
}

/**
 * A stable id for a delivery whose vendor sends none: `sha256:` and the hex SHA-256 of its raw body. Every
 * copy of one delivery (a retry, a replay) gets the same id, so de-duplicating on it drops the copies.
 */
export async function deliveryDigest(body: Uint8Array): Promise<string> {
  return `sha256:${encodeHex(await sha256(body))}`;
}

/**
 * An id for a delivery of a vendor that sends neither an event id nor a time (LiveAPI):
 * `sha256:<hex of the raw body>~<16 random hex digits>`, so every delivery is an event of its own.
 *
 * Why not {@link deliveryDigest}: such a vendor sends byte-identical bodies for two distinct changes (an
 * encoder that connects again, a stream stopped a second time), and nothing in a delivery tells those from a
 * retry of one. De-duplicating on the body would drop the real change, leaving `hub.latest` and the waits on
 * the older one; a retry passed on costs one extra poll and sets the same state again. The digest stays in
 * front, so two deliveries of one body are still told alike in a log.
 */
export async function uniqueDeliveryId(body: Uint8Array): Promise<string> {
  // The digest goes first: it throws a clear error where WebCrypto is missing, before `crypto` is read.
  const digest = await deliveryDigest(body);
  const nonce = (globalThis as { crypto: Crypto }).crypto.getRandomValues(new Uint8Array(8));
  return `${digest}~${encodeHex(nonce)}`;
}

/** Lowercase hex. */
export function encodeHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

/** Bytes of a hex string (either case); undefined when it is not hex. */
export function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Standard base64 (with padding). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The texts a key made of bytes is written as, for masking: hex in either case, base64 (standard, padded)
 * and base64url (unpadded). A secret given as text (a webhook secret in base64) is the key it decodes to:
 * code quoting that key (`key 3f9a…` in a wrapper's error) shows the secret in another encoding than
 * the one it was configured in. Empty for no bytes.
 */
export function keyTexts(key: Uint8Array): string[] {
  if (key.length === 0) return [];
  const hex = encodeHex(key);
  const base64 = encodeBase64(key);
  const url = base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return [...new Set([hex, hex.toUpperCase(), base64, url])];
}

/** Bytes of a base64 or base64url string (padding optional); undefined when it is neither. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const standard = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) {
    return undefined;
  }
  const padded = standard
    .replace(/=+$/, '')
    .padEnd(Math.ceil(standard.replace(/=+$/, '').length / 4) * 4, '=');
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}
