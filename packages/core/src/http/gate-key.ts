import { encodeHex, sha256 } from '../events/webhook-crypto.js';
import type { ProviderId } from '../live-stream.js';

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The key of one vendor account's budget in a request gate: `<provider id>:<32 hex digits>`, the first 128
 * bits of SHA-256 over the provider id, the API root and the account's identity (a token, an API key id),
 * computed with WebCrypto. The identity stays in this process: only the digest reaches a store shared
 * between processes, so no credential does, two accounts never share a budget, and neither does one
 * credential used against two API roots (the vendor and a sandbox). Without an identity the budget is the
 * API root's.
 */
export async function gateKeyOf(
  provider: ProviderId,
  baseUrl: string,
  account: string | undefined,
): Promise<string> {
  // Separated by a byte no URL or header value holds, so no two triples run together alike.
  const digest = await sha256(encoder.encode([provider, baseUrl, account ?? ''].join('\u0000')));
  return `${provider}:${encodeHex(digest.subarray(0, 16))}`;
}
