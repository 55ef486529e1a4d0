import { loadCredential } from '../config/settings.js';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import type { ProviderId } from '../live-stream.js';
import type { Clock } from '../runtime.js';
import type { LiveStreamEvent } from './live-stream-event.js';

/**
 * The body of a webhook request exactly as received: the text, or the bytes (a Node `Buffer` is a
 * `Uint8Array`). Signatures cover these exact bytes, so never a parsed and re-serialised object.
 */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/** Request headers: a fetch `Headers`, or Node's `IncomingHttpHeaders` (names in any case). */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One webhook request, as every adapter's `parseWebhook` takes it. */
export interface WebhookInput {
  body: WebhookBody;
  headers: WebhookHeaders;
  /**
   * The URL the request arrived at (absolute, or a path). Needed only for a secret in the endpoint path
   * (`pathSecret` of the vendors that sign nothing).
   */
  url?: string | URL | undefined;
}

/** Parses one webhook request into neutral events: what each adapter's `parseWebhook` is, options bound. */
export type WebhookParser = (input: WebhookInput) => Promise<LiveStreamEvent[]>;

/** Options every adapter's `parseWebhook` takes. */
export interface WebhookOptionsBase {
  /** The time now, for timestamp tolerance and for `occurredAt` of events that carry no time. Default `Date.now`. */
  clock?: Clock | undefined;
}

const encoder = new TextEncoder();

/**
 * The raw bytes of a webhook body. A parsed object (what `express.json()` or `await request.json()`
 * leaves) throws {@link WebhookVerificationError} `body-not-raw`, saying how to keep the raw body.
 */
export function readWebhookBody(body: unknown, provider: ProviderId): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const what =
    body === null || body === undefined
      ? 'no body'
      : `a parsed ${Array.isArray(body) ? 'array' : typeof body}`;
  throw new WebhookVerificationError({
    provider,
    reason: 'body-not-raw',
    message:
      `${provider} webhook: got ${what} where the raw request body belongs. Pass the body exactly as ` +
      'received (a string, Buffer or Uint8Array): the signature covers those bytes, and parsing then ' +
      're-serialising changes them. Express: express.raw({ type: "*/*" }) on this route; Next.js, Hono and ' +
      'Workers: await request.text() (or use handleWebhook, which reads it for you).',
  });
}

/** A header's value, whatever the case of its name; several values are joined with `, `. */
export function webhookHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (
    typeof (headers as Headers).get === 'function' &&
    typeof Headers !== 'undefined' &&
    headers instanceof Headers
  ) {
    return headers.get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(
    headers as Record<string, string | readonly string[] | undefined>,
  )) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

/**
 * Parses a signed body as JSON. A body that is not a JSON object throws {@link WebhookVerificationError}
 * `malformed-body` (the vendor always sends an object).
 */
export function parseWebhookJson(body: Uint8Array, provider: ProviderId): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body is not a JSON object, which every ${provider} webhook is`,
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Rejects a signed timestamp further than `toleranceMs` from now, in either direction: an old one is a
 * replay, a future one a forged or badly clocked sender. Throws {@link WebhookVerificationError}
 * `stale-timestamp`.
 */
export function checkWebhookTimestamp(options: {
  provider: ProviderId;
  timestampMs: number;
  toleranceMs: number;
  now: number;
  field: string;
}): void {
  const skewMs = options.now - options.timestampMs;
  if (Math.abs(skewMs) <= options.toleranceMs) return;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  throw new WebhookVerificationError({
    provider: options.provider,
    reason: 'stale-timestamp',
    message:
      `${options.provider} webhook: ${options.field} is ${seconds} s ${skewMs > 0 ? 'old' : 'in the future'}, ` +
      `beyond the tolerance of ${Math.round(options.toleranceMs / 1000)} s (a replayed delivery, or a clock that is off)`,
  });
}

/**
 * The secrets a signed webhook may be verified with: one, or several while a secret is rotated (a delivery
 * matching any of them is accepted). Read from `value`, else from the environment variables. None at all
 * throws the `AuthenticationError` of a missing credential, naming the setting and variables.
 */
export function webhookSecrets(source: {
  provider: ProviderId;
  setting: string;
  value: string | readonly string[] | undefined;
  environmentVariables: readonly string[];
}): string[] {
  const { value } = source;
  if (typeof value === 'string') return [loadCredential({ ...source, value })];
  if (value !== undefined && value.length > 0) {
    return value.map((each, index) =>
      loadCredential({
        ...source,
        setting: `${source.setting}.${index}`,
        value: each,
        environmentVariables: [],
      }),
    );
  }
  // The environment may hold several secrets, separated by commas or whitespace, during a rotation.
  const loaded = loadCredential({ ...source, value: undefined });
  return loaded.split(/[\s,]+/).filter((part) => part !== '');
}

/** The setting problem of a webhook option, before anything is verified. */
export function invalidWebhookOption(provider: ProviderId, path: string, message: string): InvalidInputError {
  return new InvalidInputError({
    provider,
    operation: 'parseWebhook',
    message: `${provider} webhook: ${path} ${message}`,
    issues: [{ path, message }],
  });
}
