import { parseVendorTimestamp } from '../timestamps.js';
import { isPassingServerStatus } from './server-statuses.js';

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
  /**
   * Statuses worth retrying for idempotent requests (400–599). 429 is retried for every method. Default:
   * 408, 429, and every 5xx but the {@link permanentServerStatuses} (a gateway's 520–524 or 529 in front of
   * the API is as passing as a 502 or 503).
   */
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
  retryStatuses: /* @__PURE__ */ (() => {
    const statuses = [408, 429];
    for (let status = 500; status <= 599; status += 1)
      if (isPassingServerStatus(status)) statuses.push(status);
    return Object.freeze(statuses);
  })(),
};

/** Exponential backoff with "equal jitter": between half and all of the nominal delay, never zero. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  // The exponent is capped so that a large retry count never overflows to Infinity (and NaN after jitter).
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/**
 * The wait before retry number `retry`: the vendor's `retryAfterMs` when it gave one, never shorter than the
 * backoff. A `Retry-After: 0`, or a date already past, would otherwise send every retry at once, each a
 * request more on an account the vendor just said is over its rate (Stripe's SDK takes the longer of the
 * two as well); a longer wait asked for is honoured as it is.
 */
export function retryDelay(
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const backoff = backoffDelay(policy, retry, random);
  return retryAfterMs === undefined || retryAfterMs < backoff ? backoff : retryAfterMs;
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
 *
 * A date is one of RFC 9110's three HTTP-date forms (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94
 * 08:49:37 GMT`, `Sun Nov  6 08:49:37 1994`) or an ISO 8601 time; other text is no date, even where
 * `Date.parse` would guess one (`x 2030` as 1 January 2030, a day the month does not have as the next
 * month's). A header sent twice (by the vendor, or by a proxy adding its own) reaches fetch's `Headers`
 * joined with `, `: it reads as the longest wait it names. A date or an epoch time is measured from the
 * answer's `Date` header (the vendor's clock) when it holds an HTTP date, else from `now`.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  // A time the vendor writes (a date, an epoch reset) is on the vendor's clock: measured from the answer's
  // own `Date`, also the vendor's, when it has one, so a host whose clock is off by minutes waits what the
  // vendor asked, not minutes more or none (and, through a shared store, neither do the others).
  let reference: number | undefined;
  const since = (time: number) => {
    if (reference === undefined) {
      const sent = headers.get('date');
      reference = (sent === null ? undefined : httpDate(sent.trim(), now)) ?? now;
    }
    return time - reference;
  };
  for (const name of ['retry-after', 'x-ratelimit-retry-after']) {
    const value = headers.get(name);
    if (value === null) continue;
    const wait = longestWait(value, (element) => {
      if (delaySeconds.test(element)) return Number(element) * 1000;
      const date = httpDate(element, now) ?? isoTime(element);
      return date === undefined ? undefined : since(date);
    });
    if (wait !== undefined) return wait;
  }
  for (const name of ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset']) {
    const value = headers.get(name);
    if (value === null) continue;
    const wait = longestWait(value, (element) => {
      if (!delaySeconds.test(element)) return undefined;
      const number = Number(element);
      if (number >= epochMillisecondsFrom) return since(number);
      if (number >= epochSecondsFrom) return since(number * 1000);
      return number * 1000;
    });
    if (wait !== undefined) return wait;
  }
  return undefined;
}

const delaySeconds = /^\d+(?:\.\d+)?$/;

/**
 * The longest wait among the comma-separated elements of a header that `read` understands (ms, clamped), or
 * undefined when it understands none. The comma after an HTTP date's day name does not separate elements.
 */
function longestWait(value: string, read: (element: string) => number | undefined): number | undefined {
  let longest: number | undefined;
  const parts = value.split(',');
  for (let index = 0; index < parts.length; index += 1) {
    let element = (parts[index] as string).trim();
    if (dayNames.test(element) && index + 1 < parts.length) {
      index += 1;
      element = `${element}, ${(parts[index] as string).trim()}`;
    }
    const wait = read(element);
    if (wait === undefined || Number.isNaN(wait)) continue;
    const clamped = clampRetryAfter(wait);
    if (longest === undefined || clamped > longest) longest = clamped;
  }
  return longest;
}

const dayNames = /^(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?$/i;
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 9110 section 5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms, which recipients accept.
// Literals, not `new RegExp`: a call at the top of a module stays in every bundle that uses the package.
// What servers write beside the grammar and is still plainly a date in GMT is read too: a day of one digit,
// `UTC` for `GMT`.
const imfFixdate =
  /^[a-z]{3}, (\d{1,2}) (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:GMT|UTC)$/i;
const rfc850Date =
  /^[a-z]{6,9}, (\d{2})-(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
const asctimeDate =
  /^[a-z]{3} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;

/** The instant (epoch ms) an HTTP date names, or undefined for any other text or an impossible date. */
function httpDate(text: string, now: number): number | undefined {
  let day: string | undefined;
  let monthName: string | undefined;
  let year: number;
  let time: RegExpExecArray | string[];
  const fixdate = imfFixdate.exec(text);
  const rfc850 = fixdate ? null : rfc850Date.exec(text);
  const asctime = fixdate || rfc850 ? null : asctimeDate.exec(text);
  if (fixdate) {
    [, day, monthName] = fixdate;
    year = Number(fixdate[3]);
    time = fixdate.slice(4);
  } else if (rfc850) {
    [, day, monthName] = rfc850;
    // A two-digit year more than 50 years ahead is the latest past year ending so (RFC 9110).
    const thisYear = new Date(now).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(rfc850[3]);
    if (year > thisYear + 50) year -= 100;
    time = rfc850.slice(4);
  } else if (asctime) {
    [, monthName, day] = asctime;
    year = Number(asctime[6]);
    time = asctime.slice(3, 6);
  } else return undefined;
  const monthIndex = monthNames.indexOf((monthName as string).toLowerCase());
  const date = Number((day as string).trim());
  const [hours, minutes, seconds] = time.map(Number) as [number, number, number];
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const instant = Date.UTC(year, monthIndex, date, hours, minutes, Math.min(seconds, 59));
  // A day the month does not have (31 November) rolls over with Date.UTC: no date, then.
  return new Date(instant).getUTCDate() === date ? instant : undefined;
}

/** An ISO 8601 time some APIs send instead of an HTTP date, read as vendor timestamps are. */
function isoTime(text: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? parseVendorTimestamp(text)?.getTime() : undefined;
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
