import ky, { type KyInstance, type Options } from 'ky';
import type { GenericSchema } from 'valibot';
import {
  AbortError,
  AuthenticationError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
} from '../errors/errors.js';
import { UniliveError, type UniliveErrorOptions } from '../errors/unilive-error.js';
import type { ProviderId } from '../live-stream.js';
import type { CallOptions, ProviderSettingsBase } from '../provider.js';
import { systemClock, systemSleep } from '../runtime.js';
import type { SecretSet } from '../secrets.js';
import { emit, type HttpEventBase, type HttpHooks } from './hooks.js';
import { parseVendorResponse } from './parse-response.js';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

/** HTTP methods the vendors use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an adapter reads out of a vendor's error body. */
export interface VendorErrorDetails {
  code?: string | undefined;
  message?: string | undefined;
}

/** The facts an adapter may use to pick the error class for a vendor failure. */
export interface VendorFailure extends VendorErrorDetails {
  status: number;
  operation: string;
}

/** Error classes the HTTP layer can raise for a vendor failure. */
export type VendorErrorClass =
  | typeof UniliveError
  | typeof InvalidInputError
  | typeof AuthenticationError
  | typeof NotFoundError
  | typeof ConflictError
  | typeof RateLimitError
  | typeof ProviderUnavailableError
  | typeof TimeoutError;

/** Settings of one provider's HTTP client. */
export interface HttpClientSettings {
  provider: ProviderId;
  /** Root of the vendor's API; paths are appended to it. */
  baseUrl: string;
  /** Headers for every request, the credentials among them; called before each attempt (so tokens can renew). */
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** Replaces the global `fetch` (proxies, tests, edge runtimes); the attempt's signal comes in `init`. */
  fetch?: typeof fetch | undefined;
  /** Limit for each attempt, headers and body included. Default 15 s. */
  timeoutMs?: number | undefined;
  /** Limit for the whole call, retries and waits included. Default 60 s. */
  totalTimeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** Values to scrub from errors and events. */
  secrets: SecretSet;
  /** Reads the vendor's code and message out of an error body (already JSON-parsed when it was JSON). */
  readError?: ((body: unknown) => VendorErrorDetails) | undefined;
  /** Picks the error class for a failure, before the status-based default. */
  classifyError?: ((failure: VendorFailure) => VendorErrorClass | undefined) | undefined;
  /** Randomness for jitter; injectable for tests. */
  random?: (() => number) | undefined;
}

/**
 * The transport settings every adapter passes through from its own settings to {@link createHttpClient}:
 * `fetch`, `timeoutMs`, `totalTimeoutMs` and `retry`.
 */
export function transportSettings(
  settings: ProviderSettingsBase,
): Pick<HttpClientSettings, 'fetch' | 'timeoutMs' | 'totalTimeoutMs' | 'retry'> {
  const { fetch, timeoutMs, totalTimeoutMs, retry } = settings;
  return { fetch, timeoutMs, totalTimeoutMs, retry };
}

/** One request. */
export interface HttpRequest<T> {
  operation: string;
  method: HttpMethod;
  /** Relative to the base URL; build it with {@link pathOf} so ids are checked and encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** The response body's schema; without one the body is ignored. */
  schema?: GenericSchema<unknown, T>;
  /** Overrides the method's default: GET, PUT and DELETE are idempotent, POST and PATCH are not. */
  idempotent?: boolean;
  options?: CallOptions | undefined;
}

/** A successful response. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** The body as the schema read it (nulls and unknown enum values normalised). */
  data: T;
  /** The body exactly as the vendor sent it, for `LiveStream.raw`; undefined without a schema or body. */
  body: unknown;
}

/** The HTTP layer every adapter uses. */
export interface HttpClient {
  request<T = undefined>(request: HttpRequest<T>): Promise<HttpResponse<T>>;
}

const requestIdHeaders = ['x-request-id', 'request-id', 'x-amzn-requestid', 'x-correlation-id', 'cf-ray'];

// Failures where the request never left this machine: even a create may be retried after them.
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Makes the HTTP client for one provider: one ky instance, the vendor's auth headers, per-attempt and
 * total timeouts, retries with backoff, jitter and a capped `Retry-After` for idempotent requests (and for
 * any request after a 429, which the vendor refused unprocessed), and one place where every failure
 * becomes a {@link UniliveError} with no secret in it.
 */
export function createHttpClient(settings: HttpClientSettings): HttpClient {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...settings.retry };
  const attemptTimeoutMs = settings.timeoutMs ?? 15_000;
  const totalTimeoutMs = settings.totalTimeoutMs ?? 60_000;
  const random = settings.random ?? Math.random;
  const baseUrl = settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
  // The attempt's signal goes to fetch as an option ky passes through untouched: given it as `signal`, ky
  // would compose it with its own through `AbortSignal.any`, some 10 µs and two weak references per call.
  const api: KyInstance = ky.create({
    prefix: baseUrl,
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    fetch: (input, init) => {
      const { [attemptSignalOption]: signal, ...rest } = (init ?? {}) as RequestInit & AttemptSignalOption;
      return (settings.fetch ?? globalThis.fetch)(input, signal ? { ...rest, signal } : rest);
    },
  });

  async function request<T>(spec: HttpRequest<T>): Promise<HttpResponse<T>> {
    const { operation, method } = spec;
    const runtime = spec.options?.runtime ?? {};
    const hooks: HttpHooks = runtime.hooks ?? {};
    const now = runtime.clock ?? systemClock;
    const sleep = runtime.sleep ?? systemSleep;
    const signal = spec.options?.signal;
    const idempotent = spec.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const deadline = now() + totalTimeoutMs;
    const url = new URL(spec.path.replace(/^\//, ''), baseUrl);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    // Scrubbing the URL costs a pass over every secret the provider knows, so it is done only for an
    // event someone observes, once per call.
    let safeUrl: string | undefined;
    const base = { provider: settings.provider, operation };
    const errorOptions = (
      extra: Partial<UniliveErrorOptions> & { message: string },
    ): UniliveErrorOptions => ({
      ...base,
      secrets: settings.secrets.values(),
      ...extra,
    });

    // Whether an earlier attempt may have been carried out although its answer was lost (a timeout, a 408 or
    // 5xx, a dropped connection): a DELETE repeated after one finds the stream already gone.
    let mayHaveApplied = false;
    for (let attempt = 1; ; attempt += 1) {
      const event = (): HttpEventBase => {
        safeUrl ??= settings.secrets.redact(url.toString());
        return { ...base, method, url: safeUrl, attempt };
      };
      let failure: {
        error: UniliveError;
        retryable: boolean;
        reason: string;
        retryAfterMs?: number;
        mayHaveApplied: boolean;
      };
      if (signal?.aborted) throw abortError(errorOptions, signal.reason);
      let release: () => void = () => {};
      if (runtime.gate) {
        try {
          release = await runtime.gate.acquire(signal);
        } catch {
          throw report(hooks, event, abortError(errorOptions, signal?.reason));
        }
      }
      if (hooks.onRequest) emit(hooks.onRequest, event());
      const started = now();
      const attemptLimit = Math.min(spec.options?.timeoutMs ?? attemptTimeoutMs, deadline - started);
      const attemptController = new AbortController();
      const timer = setTimeout(() => attemptController.abort(timeoutMarker), Math.max(0, attemptLimit));
      const onAbort = () => attemptController.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A custom fetch may ignore the signal, and under load an abort once failed to end a slow body:
      // racing this controller ends the attempt either way.
      const ended = whenAborted(attemptController.signal);
      try {
        const sent = api(url, {
          method,
          headers: { accept: 'application/json', ...(await credentialHeaders(settings, errorOptions)) },
          ...(spec.body === undefined ? {} : { json: spec.body }),
          [attemptSignalOption]: attemptController.signal,
        } as Options);
        const response = await Promise.race([sent, ended.promise]).catch((error: unknown) => {
          void sent.then(discardBody, () => {});
          throw error;
        });
        const text = await Promise.race([response.text(), ended.promise]);
        if (hooks.onResponse) {
          const requestId = requestIdOf(response.headers);
          emit(hooks.onResponse, {
            ...event(),
            status: response.status,
            durationMs: now() - started,
            ...(requestId ? { requestId } : {}),
          });
        }
        if (response.ok) {
          const { data, body } = decodeSuccess(spec, response, text, errorOptions, settings);
          return { status: response.status, headers: response.headers, data, body };
        }
        if (
          method === 'DELETE' &&
          mayHaveApplied &&
          !spec.schema &&
          (response.status === 404 || response.status === 410)
        ) {
          // The goal holds: the attempt whose answer was lost deleted it.
          return {
            status: response.status,
            headers: response.headers,
            data: undefined as T,
            body: undefined,
          };
        }
        const requestId = requestIdOf(response.headers);
        const retryAfterMs = parseRetryAfter(response.headers, now());
        const error = vendorError(settings, spec, response, text, requestId, retryAfterMs);
        const status = response.status;
        const statusRetryable = status === 429 || (idempotent && policy.retryStatuses.includes(status));
        failure = {
          error,
          retryable: statusRetryable,
          reason: `HTTP ${status}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          mayHaveApplied: status === 408 || status >= 500,
        };
      } catch (caught) {
        if (caught instanceof UniliveError) throw report(hooks, event, caught);
        if (signal?.aborted) throw report(hooks, event, abortError(errorOptions, signal.reason));
        if (attemptController.signal.reason === timeoutMarker) {
          const error = new TimeoutError(
            errorOptions({
              message: `${settings.provider} ${operation}: no complete response within ${attemptLimit} ms`,
            }),
          );
          failure = { error, retryable: idempotent, reason: 'timeout', mayHaveApplied: true };
        } else {
          const code = systemCodeOf(caught);
          const error = new ProviderUnavailableError(
            errorOptions({
              message: `${settings.provider} ${operation}: could not reach ${url.host}${code ? ` (${code})` : ''}`,
              cause: caught,
            }),
          );
          const notSent = code !== undefined && notSentCodes.has(code);
          failure = { error, retryable: idempotent || notSent, reason: 'network', mayHaveApplied: !notSent };
        }
      } finally {
        clearTimeout(timer);
        ended.dispose();
        signal?.removeEventListener('abort', onAbort);
        release();
      }
      if (failure.mayHaveApplied) mayHaveApplied = true;
      // The vendor asked everyone to slow down: hold the client's other requests too.
      if (failure.error.status === 429)
        runtime.gate?.pause(now() + (failure.retryAfterMs ?? backoffDelay(policy, attempt, random)));

      const retries = attempt - 1;
      const tooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs;
      if (!failure.retryable || retries >= policy.maxRetries || tooLong)
        throw report(hooks, event, failure.error);
      const delayMs = failure.retryAfterMs ?? backoffDelay(policy, attempt, random);
      if (now() + delayMs >= deadline) throw report(hooks, event, failure.error);
      if (hooks.onRetry)
        emit(hooks.onRetry, { ...event(), delayMs, reason: failure.reason, error: failure.error });
      try {
        await sleep(delayMs, signal);
      } catch {
        throw report(hooks, event, abortError(errorOptions, signal?.reason));
      }
    }
  }

  return { request };
}

const timeoutMarker = Symbol('unilive.attempt-timeout');

// ky hands every option it does not know to fetch as its second argument.
const attemptSignalOption = 'uniliveAttemptSignal';
type AttemptSignalOption = { [attemptSignalOption]?: AbortSignal };

// A promise that rejects with the signal's reason once it aborts; `dispose` drops the listener.
function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

// Frees the connection of a response that arrived after its attempt ended.
function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) response.body.cancel().catch(() => {});
}

// A failure to produce credentials (a missing setting, a signing error) is not a network failure: it is
// reported as such and never retried.
async function credentialHeaders(
  settings: HttpClientSettings,
  errorOptions: (extra: { message: string; cause?: unknown }) => UniliveErrorOptions,
): Promise<Record<string, string>> {
  let headers: Record<string, string>;
  try {
    headers = await settings.headers();
  } catch (error) {
    if (UniliveError.isInstance(error)) throw error;
    throw new AuthenticationError(
      errorOptions({ message: `${settings.provider}: could not prepare credentials`, cause: error }),
    );
  }
  // fetch refuses such a header with a bare TypeError, which would pass for a network failure and be
  // retried: a credential no header can carry is a configuration problem, reported before anything is sent.
  for (const [name, value] of Object.entries(headers)) {
    if (!headerValue.test(value)) {
      throw new InvalidInputError({
        ...errorOptions({
          message: `${settings.provider}: the configured credentials cannot be sent: the ${name} header would carry control characters or characters beyond Latin-1`,
        }),
        issues: [{ path: name, message: 'expected only characters an HTTP header can carry' }],
      });
    }
  }
  return headers;
}

// RFC 9110 field-value: tab, space, visible ASCII and obs-text; no CR, LF, NUL or characters beyond 0xFF.
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;

function report(hooks: HttpHooks, event: () => HttpEventBase, error: UniliveError) {
  if (hooks.onError) emit(hooks.onError, { ...event(), error });
  return error;
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of requestIdHeaders) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return undefined;
}

function abortError(
  errorOptions: (extra: { message: string; cause?: unknown }) => UniliveErrorOptions,
  reason: unknown,
) {
  return new AbortError(errorOptions({ message: 'The operation was aborted', cause: reason }));
}

function decodeSuccess<T>(
  spec: HttpRequest<T>,
  response: Response,
  text: string,
  errorOptions: (extra: UniliveErrorOptions) => UniliveErrorOptions,
  settings: Pick<HttpClientSettings, 'provider' | 'secrets'>,
): { data: T; body: unknown } {
  if (!spec.schema) return { data: undefined as T, body: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new ResponseShapeError({
      ...errorOptions({
        message: `${spec.operation}: expected a JSON body, received ${text.length === 0 ? 'an empty body' : `${type} that is not JSON`} (HTTP ${response.status})`,
        status: response.status,
      }),
      issues: [{ path: '$', expected: 'JSON' }],
    });
  }
  // Read only when the body does not fit, so a success never copies the provider's secrets.
  const secrets: Iterable<string> = { [Symbol.iterator]: () => settings.secrets.values()[Symbol.iterator]() };
  const data = parseVendorResponse(spec.schema, body, {
    provider: settings.provider,
    operation: spec.operation,
    secrets,
    status: response.status,
  });
  return { data, body };
}

function vendorError(
  settings: HttpClientSettings,
  spec: HttpRequest<unknown>,
  response: Response,
  text: string,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): UniliveError {
  const status = response.status;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page, say): only the status speaks.
  }
  let details: VendorErrorDetails = {};
  try {
    details = settings.readError?.(body) ?? {};
  } catch {
    details = {};
  }
  const code = details.code;
  const vendorMessage = details.message ?? (response.statusText || undefined);
  const ErrorClass =
    settings.classifyError?.({ status, operation: spec.operation, code, message: vendorMessage }) ??
    classifyStatus(status);
  const summary = [`HTTP ${status}`, code].filter(Boolean).join(' ');
  return new ErrorClass({
    message: `${settings.provider} ${spec.operation} failed (${summary})${vendorMessage ? `: ${vendorMessage}` : ''}`,
    provider: settings.provider,
    operation: spec.operation,
    status,
    vendorCode: code,
    vendorMessage,
    requestId,
    retryAfterMs,
    secrets: settings.secrets.values(),
  });
}

/** The error class for a vendor status, when the adapter has no more specific rule. */
export function classifyStatus(status: number): VendorErrorClass {
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 404 || status === 410) return NotFoundError;
  if (status === 409 || status === 423) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status === 408) return TimeoutError;
  if (status === 400 || status === 422) return InvalidInputError;
  if (status >= 500) return ProviderUnavailableError;
  return UniliveError;
}

function systemCodeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
