import type { UniliveError } from '../errors/unilive-error.js';
import type { ProviderId, Warning } from '../live-stream.js';

/** What every HTTP event carries. URLs are scrubbed of credentials; bodies and headers are never included. */
export interface HttpEventBase {
  provider: ProviderId;
  operation: string;
  method: string;
  url: string;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
}

/** A request is about to be sent. */
export type RequestEvent = HttpEventBase;

/** A response arrived (any status). */
export interface ResponseEvent extends HttpEventBase {
  status: number;
  durationMs: number;
  requestId?: string;
}

/** A failed attempt will be retried after `delayMs`. */
export interface RetryEvent extends HttpEventBase {
  delayMs: number;
  /** Why: `HTTP 503`, `network`, `timeout`. */
  reason: string;
  error: UniliveError;
}

/** A call failed for good. */
export interface ErrorEvent extends HttpEventBase {
  error: UniliveError;
}

/** Something the caller should know that did not fail the call: a skipped record, a fallback. */
export interface WarningEvent {
  provider: ProviderId;
  operation: string;
  warning: Warning;
}

/**
 * Observers of the HTTP layer, for logging and metrics. A hook that throws, or an `async` hook whose
 * promise rejects, is ignored: observing never changes the outcome of a call, and a rejected hook never
 * becomes an unhandled rejection. Hooks are called synchronously and not awaited.
 */
export interface HttpHooks {
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: ResponseEvent) => void;
  onRetry?: (event: RetryEvent) => void;
  onError?: (event: ErrorEvent) => void;
  /**
   * A soft problem that did not fail the call. `list` reports here what has no result to ride on (a skipped
   * record, a list the vendor's pages could not complete); the client also reports here every warning of a
   * stream it returns.
   */
  onWarning?: (event: WarningEvent) => void;
}

/** Calls a hook, swallowing anything it throws and any rejection of the promise it returns. */
export function emit<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (!hook) return;
  try {
    // Typed as returning void, an `async` hook still returns a promise: its rejection is caught here.
    const returned: unknown = hook(event);
    if (isThenable(returned)) returned.then(undefined, ignore);
  } catch {
    // A broken logger must not break the call.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  // Reading `then` may itself throw (a hostile getter): the caller's try holds it.
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function ignore(): void {}
