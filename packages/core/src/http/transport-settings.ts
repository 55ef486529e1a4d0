import { mayBeCredentialName, unknownNameAdvice } from '../config/names.js';
import { type InputIssue, InvalidInputError } from '../errors/errors.js';
import { quotesNoValue } from '../errors/quotes-no-value.js';
import type { ProviderId } from '../live-stream.js';
import { moreUnknown, namedUnknownNames } from '../options.js';
import { isArrayValue, isUrlObject, plainObjectProblem, prototypePollution } from '../own.js';
import type { Redactor } from '../secrets.js';
import { defaultRetryPolicy, maxRetriesLimit, type RetryPolicy } from './retry-policy.js';

/** The longest time limit a timer can hold: `setTimeout` turns anything longer into 1 ms. */
export const maxTimeoutMs = 2_147_483_647;

/**
 * What is wrong with a call's `timeoutMs` (a number of ms above 0 and at most {@link maxTimeoutMs}), as its
 * error says, or `undefined` when it is one.
 */
// A function rather than a constant message: a bundle that never checks a call's options drops it whole.
export function callTimeoutProblem(value: unknown): string | undefined {
  return typeof value === 'number' && value > 0 && value <= maxTimeoutMs
    ? undefined
    : `expected a number of milliseconds above 0 and at most ${maxTimeoutMs}`;
}

/**
 * The default cap on a response body, after decompression: 16 MiB. The largest answer a vendor sends is a
 * Wowza Video page of 1,000 detailed streams, about 5.5 MB (1,000 × the 5.5 kB of a recorded detailed
 * stream); the cap leaves three times that.
 */
// Written out: a bundler keeps an unused top-level `16 * 1024 * 1024` (arithmetic may call `valueOf`).
export const defaultMaxResponseBytes = 16_777_216;

/** The transport settings after checking, with every default filled in. */
export interface CheckedTransportSettings {
  baseUrl: URL;
  timeoutMs: number;
  totalTimeoutMs: number;
  retry: RetryPolicy;
  maxResponseBytes: number;
}

/** The raw transport settings, as an adapter's caller gave them (plain configuration may hold anything). */
export interface TransportSettingsInput {
  baseUrl?: unknown;
  allowInsecureHttp?: unknown;
  timeoutMs?: unknown;
  totalTimeoutMs?: unknown;
  retry?: unknown;
  maxResponseBytes?: unknown;
  fetch?: unknown;
}

const retryKeys = /* @__PURE__ */ new Set(/* @__PURE__ */ Object.keys(defaultRetryPolicy));

/**
 * Checks an adapter's transport settings when the adapter is made, before any request: the base URL
 * (an absolute `https:` URL without user info; `http:` only to a loopback host or with
 * `allowInsecureHttp: true`), the time limits (finite, positive, at most {@link maxTimeoutMs}), the retry
 * policy (0–{@link maxRetriesLimit} retries, positive delays) and the body cap. Every problem is an
 * `InvalidInputError` (`operation: 'configure'`) naming the setting, never its value.
 */
export function checkTransportSettings(
  provider: ProviderId,
  input: TransportSettingsInput,
  secrets?: Redactor,
): CheckedTransportSettings {
  const issues: InputIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });

  const baseUrl = checkBaseUrl(input.baseUrl, input.allowInsecureHttp, issue);
  if (input.allowInsecureHttp !== undefined && typeof input.allowInsecureHttp !== 'boolean')
    issue('allowInsecureHttp', 'expected true or false');
  if (input.fetch !== undefined && typeof input.fetch !== 'function') issue('fetch', 'expected a function');
  const timeoutMs = duration(input.timeoutMs, 'timeoutMs', 15_000, issue);
  const totalTimeoutMs = duration(input.totalTimeoutMs, 'totalTimeoutMs', 60_000, issue);
  const maxResponseBytes = input.maxResponseBytes ?? defaultMaxResponseBytes;
  if (!Number.isSafeInteger(maxResponseBytes) || (maxResponseBytes as number) < 1)
    issue('maxResponseBytes', 'expected a positive whole number of bytes');
  const retry = checkRetry(input.retry, issue, secrets);

  if (issues.length > 0 || !baseUrl) {
    throw quotesNoValue(
      new InvalidInputError({
        provider,
        operation: 'configure',
        message: `${provider}: invalid settings: ${issues.map((entry) => `${entry.path} (${entry.message})`).join('; ')}`,
        issues,
        delivery: 'not-sent',
      }),
    );
  }
  return { baseUrl, timeoutMs, totalTimeoutMs, retry, maxResponseBytes: maxResponseBytes as number };
}

/**
 * True for hosts that never leave this machine, as the URL parser writes them: `localhost`, 127.0.0.0/8
 * (`127.1` and `0x7f.1` are parsed to it), `[::1]` and IPv4-mapped loopback (`[::ffff:127.0.0.1]`).
 * Names under `.localhost` (`api.localhost`) are not: Node's resolver sends them to DNS like any other
 * name, whatever RFC 6761 asks of resolvers, so plain http to one may leave the machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}

function checkBaseUrl(
  value: unknown,
  allowInsecureHttp: unknown,
  issue: (path: string, message: string) => void,
): URL | undefined {
  const expected = 'expected an absolute https:// URL';
  if (typeof value !== 'string' || value.trim() === '') {
    // A `URL` object may well hold an https URL: say what to give instead of calling it no URL.
    issue(
      'baseUrl',
      isUrlObject(value) ? `${expected} as a string, not a URL object (give its href)` : expected,
    );
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Node's URL parser writes the parts it finds onto an object of its own: a read-only property of the same
    // name on Object.prototype (`href`, `port`: a polluted prototype) makes it throw for every URL, which is no
    // fault of the setting. Say so, as the HTTP layer does before any request.
    const polluted = prototypePollution();
    issue(
      'baseUrl',
      polluted === undefined
        ? expected
        : `could not be parsed: Object.prototype carries ${JSON.stringify(polluted)}, set by code in this process (a polluted prototype), and the runtime's URL parser fails while it does`,
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    issue('baseUrl', `${expected} (only https: and http: are fetched)`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses URLs with credentials, which would pass for a network failure and be retried.
    issue('baseUrl', `${expected} without user name or password; credentials go in their own settings`);
    return undefined;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && allowInsecureHttp !== true) {
    issue(
      'baseUrl',
      'plain http:// to a host other than this machine would send credentials in clear; use https://, or set allowInsecureHttp: true',
    );
    return undefined;
  }
  // An empty query or fragment (`…/v1?`, `…/v1#`) has `search` and `hash` empty, but stays in the URL: a
  // request's path written after it would go into the fragment, and every call would read `/v1` itself.
  if (url.hash !== '' || url.search !== '' || /[?#]/.test(url.href)) {
    issue('baseUrl', `${expected} without query or fragment`);
    return undefined;
  }
  return url;
}

function duration(
  value: unknown,
  path: string,
  fallback: number,
  issue: (path: string, message: string) => void,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > maxTimeoutMs) {
    issue(path, `expected a number of milliseconds above 0 and at most ${maxTimeoutMs}`);
    return fallback;
  }
  return value;
}

function checkRetry(
  value: unknown,
  issue: (path: string, message: string) => void,
  secrets: Redactor | undefined,
): RetryPolicy {
  if (value === undefined) return defaultRetryPolicy;
  if (typeof value !== 'object' || value === null || isArrayValue(value)) {
    issue('retry', 'expected an object of retry settings');
    return defaultRetryPolicy;
  }
  const kind = plainObjectProblem(value);
  if (kind !== undefined) {
    issue('retry', kind);
    return defaultRetryPolicy;
  }
  const given = value as Record<string, unknown>;
  let unknownCount = 0;
  for (const key of Object.getOwnPropertyNames(given)) {
    if (retryKeys.has(key)) continue;
    // A few are named, as readOptions names them; past that, counted.
    unknownCount += 1;
    if (unknownCount > namedUnknownNames) continue;
    const expected = `expected one of ${[...retryKeys].join(', ')}`;
    // A name that may be a credential pasted where a name belongs is not echoed, as a setting's is not.
    if (!mayBeCredentialName(key, secrets))
      issue(`retry.${key}`, `unknown setting; ${unknownNameAdvice(key, [...retryKeys])}`);
    else
      issue(
        'retry.[REDACTED]',
        `unknown setting (its name is not shown: it may be a credential); ${expected}`,
      );
  }
  if (unknownCount > namedUnknownNames) {
    issue('retry', moreUnknown(unknownCount - namedUnknownNames, 'setting'));
  }
  const own = (key: keyof RetryPolicy) => (Object.hasOwn(given, key) ? given[key] : undefined);
  const policy: RetryPolicy = { ...defaultRetryPolicy };
  const maxRetries = own('maxRetries');
  if (maxRetries !== undefined) {
    if (
      !Number.isInteger(maxRetries) ||
      (maxRetries as number) < 0 ||
      (maxRetries as number) > maxRetriesLimit
    )
      issue('retry.maxRetries', `expected a whole number from 0 to ${maxRetriesLimit}`);
    else policy.maxRetries = maxRetries as number;
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const entry = own(key);
    if (entry === undefined) continue;
    const minimum = key === 'maxRetryAfterMs' ? 0 : Number.MIN_VALUE;
    if (typeof entry !== 'number' || !Number.isFinite(entry) || entry < minimum || entry > maxTimeoutMs)
      issue(
        `retry.${key}`,
        `expected a number of milliseconds ${key === 'maxRetryAfterMs' ? 'from 0' : 'above 0'} and at most ${maxTimeoutMs}`,
      );
    else policy[key] = entry;
  }
  if (policy.maxDelayMs < policy.baseDelayMs)
    issue('retry.maxDelayMs', 'expected at least retry.baseDelayMs');
  const statuses = own('retryStatuses');
  if (statuses !== undefined) {
    if (
      !Array.isArray(statuses) ||
      !statuses.every((status) => Number.isInteger(status) && status >= 400 && status <= 599)
    )
      issue('retry.retryStatuses', 'expected a list of HTTP statuses from 400 to 599');
    else policy.retryStatuses = [...statuses] as number[];
  }
  return policy;
}
