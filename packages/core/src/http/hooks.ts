import { blankErrorOf, builtInCopy, copyError, UniliveError } from '../errors/unilive-error.js';
import type { ProviderId, Warning } from '../live-stream.js';
import { mappedArray } from '../own.js';
import type { Redactor } from '../secrets.js';
import { ignoreRejection } from '../thenable.js';

/** What every HTTP event carries. URLs are scrubbed of credentials; bodies and headers are never included. */
export interface HttpEventBase {
  provider: ProviderId;
  /**
   * The provider's name in a registry (`eu`, `us`: two accounts of one vendor), when a registry made the
   * client whose request this is; absent from a client's own events.
   */
  providerName?: string;
  operation: string;
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
}

/**
 * A request is about to be sent: heard once per attempt, after the attempt passed the rate limit and its
 * credentials were prepared and checked, in the turn fetch is called. A request that never leaves is never
 * heard: one refused before that (a credential no header can carry, a failure to prepare credentials, a
 * polluted `Object.prototype`, an abort or a deadline met while waiting) ends with `onError` alone. So a
 * metric on `onRequest` counts requests handed to fetch (a signal the hook itself aborts still stops that
 * one, unsent). The time the hook takes is not the vendor's: the attempt's time limit (`timeoutMs`) stands
 * still while it runs, and counts on from where it was once it returns.
 */
export type RequestEvent = HttpEventBase;

/**
 * A response arrived (any status): its status and headers, whatever then became of its body (read whole,
 * broken off, past `maxResponseBytes`), and a redirect the layer does not follow. A redirect followed within
 * the base URL's origin is no answer of its own: the answer it leads to is heard, once.
 */
export interface ResponseEvent extends HttpEventBase {
  status: number;
  durationMs: number;
  requestId?: string;
}

/**
 * A failed attempt will be retried after `delayMs`: the vendor's `Retry-After`, never shorter than the
 * backoff. With `rateLimit`, a 429's pause on the client's other requests is this same wait; a longer pause
 * another call's 429 put in force holds the retry until it ends.
 */
export interface RetryEvent extends HttpEventBase {
  delayMs: number;
  /** Why: `HTTP 503`, `network`, `timeout`. */
  reason: string;
  error: UniliveError;
}

/**
 * A call failed for good: heard once for each call of a client or a registry that rejects, with the error
 * the caller gets, whatever ended it (an answer, a lost connection, an abort, input refused before any
 * request). Never heard for a call that resolves: a request refused on the way and then settled (a `start`
 * answered 409 "already started", then read back in its goal) is heard by `onResponse` and the call
 * resolves. `method`, `url` and `attempt` name the request whose failure the error is, when it is one (a
 * refusal before any request, or an error a provider built itself after its requests, has none).
 *
 * Through a registry the registry's call is the call: one event when it rejects, none for a provider it
 * failed over from or a provider a list skipped (the `fallback` and `skipped-provider` warnings tell
 * those), whose `provider` is the vendor of the error, absent when the registry refused the call before it
 * reached one. A client handed to a registry keeps its own hooks, which hear its own calls.
 *
 * The client's hook: a provider called directly, given a `runtime` with hooks, hears `onError` from its
 * HTTP layer instead, for each request that failed for good, which the provider may still settle.
 */
export interface ErrorEvent {
  /** The vendor the call went to; absent only for a registry call refused before it chose one. */
  provider?: ProviderId;
  /** Through a registry, the name of the provider the call went to, as the error's `providerName`. */
  providerName?: string;
  /** The call the caller made (`start`, `list`, `migrate`). */
  operation: string;
  /** The failed request's method, when the error is a request's. */
  method?: string;
  /** The failed request's URL, scrubbed of credentials, when the error is a request's. */
  url?: string;
  /** The failed request's attempt (1 for the first try), when the error is a request's. */
  attempt?: number;
  /** What the caller gets (a copy: see {@link HttpHooks}). */
  error: UniliveError;
}

/** Something the caller should know that did not fail the call: a skipped record, a fallback. */
export interface WarningEvent {
  provider: ProviderId;
  /** Through a registry, the name of the provider the warning is about (see {@link HttpEventBase}). */
  providerName?: string;
  operation: string;
  warning: Warning;
}

/**
 * Observers of the HTTP layer, for logging and metrics. A hook that throws, or an `async` hook whose
 * promise rejects, is ignored: observing never changes the outcome of a call, and a rejected hook never
 * becomes an unhandled rejection. Hooks are called synchronously and not awaited.
 */
export interface HttpHooks {
  /**
   * A request is about to be sent; never heard for one that does not leave, and the time it takes is not
   * counted in the attempt's time limit (see {@link RequestEvent}).
   */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /**
   * An answer's status and headers arrived: every answer, also one whose body then broke off (a 2xx or an
   * error status alike) or ran past `maxResponseBytes`, and a redirect not followed, before its error is
   * reported to `onRetry` or `onError`. A redirect followed within the origin is heard as the answer it
   * leads to (see {@link ResponseEvent}).
   */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** A call failed for good: once per call that rejects, never for one that resolves (see {@link ErrorEvent}). */
  onError?: ((event: ErrorEvent) => void) | undefined;
  /**
   * A soft problem that did not fail the call. `list` reports here what has no result to ride on (a skipped
   * record, a list the vendor's pages could not complete); the client also reports here every warning of a
   * stream it returns.
   */
  onWarning?: ((event: WarningEvent) => void) | undefined;
}

/**
 * Calls a hook, swallowing anything it throws and any rejection of the promise it returns. The hook gets
 * its own frozen copy of the event: the error in it is a copy of the caller's (see `copyError`) and a
 * warning a copy of the one on the result, so nothing a hook does to what it is handed (assigning,
 * freezing, deleting) changes what the caller gets, the registry's failover or another hook's event.
 * `scrubbedBy` is the redactor every text of the event was scrubbed with, when the caller knows it (the
 * HTTP layer's set): see {@link scrubbedBy}.
 */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E, scrubbed?: Redactor): void {
  if (typeof hook !== 'function') return;
  try {
    const copy = detached(event);
    if (scrubbed && typeof copy === 'object' && copy !== null) scrubbedWith.set(copy, scrubbed);
    // Typed as returning void, an `async` hook still returns a promise: its rejection is caught here.
    const returned: unknown = hook(copy);
    ignoreRejection(returned);
  } catch {
    // A broken logger must not break the call.
  }
}

// The events `emit` handed a hook, each with the redactor its texts were scrubbed with. Kept by the event
// object itself, never by a flag of who is calling: a provider raising an event of its own, even from
// inside a hook this library is calling, hands in another object.
const scrubbedWith = new WeakMap<object, Redactor>();

/**
 * The redactor every text of `event` was scrubbed with, when this library's `emit` handed it over with one
 * (its HTTP layer does, with the set an adapter gave it); undefined for an event a provider built and raised
 * itself. The client passes an event on as it is only when this is the very redactor the provider's own
 * `secrets()` leads to: an HTTP layer an outside provider set up with fewer secrets is masked again. Not
 * part of the API.
 * @internal
 */
export function scrubbedBy(event: unknown): Redactor | undefined {
  return typeof event === 'object' && event !== null ? scrubbedWith.get(event) : undefined;
}

// How deep `detached` copies; anything deeper is left out of the copy rather than shared with the caller.
const detachDepth = 8;

function detached<E>(value: E, depth = 0): E {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > detachDepth) return undefined as E;
  // An error's every object (its cause chain, `issues`, a registry's `failedOver`) is copied too: a copy
  // sharing one of them with the caller's error would let a hook change what the caller reads.
  if (UniliveError.isInstance(value) || isPlainError(value)) return detachedError(value, depth) as E;
  if (Array.isArray(value))
    return Object.freeze(mappedArray(value, (item) => detached(item, depth + 1))) as E;
  // A Date, URL, Map, Set or bytes keeps its state where freezing does not reach: each hook gets its own.
  const builtIn = builtInCopy(value, (item) => detached(item, depth + 1));
  // Frozen but for a typed array's items, which cannot be (a copy of its own, all the same).
  if (builtIn !== undefined) return (ArrayBuffer.isView(builtIn) ? builtIn : Object.freeze(builtIn)) as E;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = detached((value as Record<string, unknown>)[key], depth + 1);
  return Object.freeze(copy) as E;
}

// A reduced cause (what a UniliveError keeps of what it was given: an Error with a name, message, code and
// cause) or an error in a field, of this realm.
function isPlainError(value: object): value is Error {
  return value instanceof Error;
}

// A frozen copy of an error: a UniliveError through `copyError` (its class, fields, redactor), any other
// error as an object of its prototype with its own fields; every object field copied by `detached`.
function detachedError(error: Error, depth: number): Error {
  let copy: Error;
  if (UniliveError.isInstance(error)) copy = copyError(error);
  else {
    copy = blankErrorOf(Object.getPrototypeOf(error));
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (!descriptor) continue;
      // V8's `stack` accessor reads the error's own internal slot: taken as text.
      const value = Object.hasOwn(descriptor, 'value') ? descriptor.value : readField(error, key);
      Object.defineProperty(copy, key, {
        value,
        writable: true,
        enumerable: Boolean(descriptor.enumerable),
        configurable: true,
      });
    }
  }
  for (const key of Reflect.ownKeys(copy)) {
    const descriptor = Object.getOwnPropertyDescriptor(copy, key);
    if (!descriptor || !Object.hasOwn(descriptor, 'value')) continue;
    const value: unknown = descriptor.value;
    if (typeof value !== 'object' || value === null) continue;
    Object.defineProperty(copy, key, { ...descriptor, value: detached(value, depth + 1) });
  }
  return Object.freeze(copy);
}

function readField(error: Error, key: string | symbol): unknown {
  try {
    return (error as unknown as Record<string | symbol, unknown>)[key];
  } catch {
    return undefined;
  }
}
