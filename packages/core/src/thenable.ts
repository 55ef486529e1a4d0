/**
 * What core does with a value that code it calls (a hook, a request's `learn`, a credentials function) may
 * have returned as a promise. Not part of the API.
 */

/**
 * True for anything with a callable `then`, whatever realm or library made it. Reading `then` may itself
 * throw (a hostile getter): callers hold it in their `try`.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Does nothing: the handler of a rejection that must be neither thrown nor left unhandled. */
export const ignore = (): void => {};

/**
 * Leaves no rejection of `returned` unhandled, when it is a thenable: a function typed as returning void
 * still returns a promise when `async`, and what it rejects with is ignored as what it throws is. Reading
 * `then` may throw: the caller's `try` holds it.
 */
export function ignoreRejection(returned: unknown): void {
  if (isThenable(returned)) returned.then(undefined, ignore);
}
