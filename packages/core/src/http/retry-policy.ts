/** How the HTTP layer retries. Every field has a default; see `docs/errors.md`. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  maxRetries: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  baseDelayMs: number;
  /** Largest backoff delay. Default 8 s. */
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a longer one ends the call with `RateLimitError`. Default 60 s. */
  maxRetryAfterMs: number;
  /** Statuses worth retrying for idempotent requests. 429 is retried for every method. */
  retryStatuses: readonly number[];
}

/** Defaults in line with Stripe's and AWS's SDKs: two retries, exponential backoff with jitter. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  retryStatuses: [408, 429, 500, 502, 503, 504],
};

/** Exponential backoff with "equal jitter": between half and all of the nominal delay, never zero. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/**
 * Reads `Retry-After` (seconds or an HTTP date) and, failing that, the common rate-limit reset headers.
 * Returns milliseconds, or undefined when no usable header is present.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after') ?? headers.get('x-ratelimit-retry-after');
  if (value !== null) {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && /^\d+$/.test(reset.trim())) return Number(reset.trim()) * 1000;
  return undefined;
}
