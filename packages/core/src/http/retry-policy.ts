/** How the HTTP layer retries. Every field has a default; see `docs/errors.md`. */
export interface RetryPolicy {
  /** Retries after the first attempt, an integer from 0 to {@link maxRetriesLimit}. Default 2. */
  maxRetries: number;
  /** First backoff delay, above 0; doubles each retry. Default 500 ms. */
  baseDelayMs: number;
  /** Largest backoff delay, at least `baseDelayMs`. Default 8 s. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` honoured, and the longest pause a 429 imposes on a client's other requests
   * (with `rateLimit`); a longer one ends the call with `RateLimitError`. Default 60 s.
   */
  maxRetryAfterMs: number;
  /** Statuses worth retrying for idempotent requests (400–599). 429 is retried for every method. */
  retryStatuses: readonly number[];
}

/** The most retries a policy may ask for: beyond it a call outlives any sensible deadline. */
export const maxRetriesLimit = 10;

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
  // The exponent is capped so that a large retry count never overflows to Infinity (and NaN after jitter).
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

// A reset value this large cannot be a count of seconds to wait (over 31 years): it is a time since the
// epoch, in seconds, or in milliseconds beyond the second threshold.
const epochSecondsFrom = 1_000_000_000;
const epochMillisecondsFrom = 1_000_000_000_000;

/**
 * Reads `Retry-After` (seconds or an HTTP date) and, failing that, the common rate-limit reset headers
 * (`ratelimit-reset`, `x-ratelimit-reset`, `x-rate-limit-reset`), which vendors send either as seconds to
 * wait or as the reset time since the epoch (seconds or ms): values from 10⁹ up are read as epoch times.
 * Returns milliseconds from 0 to {@link retryAfterCeilingMs} (a vendor asking for years gets the ceiling),
 * or undefined when no usable header is present. A negative number, or a date written as a bare number,
 * is no usable header.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after') ?? headers.get('x-ratelimit-retry-after');
  if (value !== null) {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return clampRetryAfter(Number(trimmed) * 1000);
    // An HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`) or ISO time has letters; `-5` would parse as a year.
    const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
    if (!Number.isNaN(date)) return clampRetryAfter(date - now);
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset']) {
    const reset = headers.get(name)?.trim();
    if (reset === undefined || !/^\d+(\.\d+)?$/.test(reset)) continue;
    const number = Number(reset);
    if (number >= epochMillisecondsFrom) return clampRetryAfter(number - now);
    if (number >= epochSecondsFrom) return clampRetryAfter(number * 1000 - now);
    return clampRetryAfter(number * 1000);
  }
  return undefined;
}

/**
 * The longest wait `retryAfterMs` reports: one day. A vendor may ask for more (a typo, a hostile answer,
 * `Retry-After: 99999999999`); what a caller reads stays a usable timer delay (Node's timers take at most
 * 2³¹−1 ms, about 24.8 days). Whether a call waits at all is `retry.maxRetryAfterMs`.
 */
export const retryAfterCeilingMs = 86_400_000;

function clampRetryAfter(milliseconds: number): number {
  if (!(milliseconds > 0)) return 0;
  return Math.min(retryAfterCeilingMs, Math.round(milliseconds));
}
