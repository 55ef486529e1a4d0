import type { MatrixOperation } from './adapters.js';

/**
 * The faults of the matrix. Each is served on the recorded fixtures (nock) and on the sandbox (its fault
 * engine), except the DNS-style failure, which no server can produce and the client-side `fetch` simulates
 * on both.
 */
export type FaultShape =
  | { kind: 'status'; status: 408 | 429 | 500 | 502 | 503 | 504; retryAfter?: 'seconds' | 'date' }
  | { kind: 'reset' }
  | { kind: 'dns' }
  | { kind: 'slow-headers' }
  | { kind: 'slow-body' }
  | { kind: 'malformed-json' }
  | { kind: 'empty-body' }
  | { kind: 'html' }
  | { kind: 'wrong-shape' }
  | { kind: 'unknown-enum' }
  | { kind: 'abort-retry-wait' }
  | { kind: 'abort-in-flight' }
  /** The request is carried out and answered; every read of the stream after it fails with 503. */
  | { kind: 'read-back-fails' }
  /** List pages as misbehaving servers send them (see the sandbox's `paging` fault). */
  | { kind: 'paging'; mode: 'ignore-page' | 'repeat-page' | 'shift' }
  /** A list page with one more record whose id no later call could put in a URL. */
  | { kind: 'odd-record' };

/**
 * How the HTTP layer may treat a fault:
 * - `refused`: the vendor refused the request unprocessed (429): any request may be repeated;
 * - `not-sent`: the request never left the machine (DNS failure): any request may be repeated;
 * - `ambiguous`: the vendor may have carried it out (timeout, 408, 5xx, reset): repeated only when safe;
 * - `response`: a success status with a body unilive cannot read, or can: never repeated;
 * - `abort`: the caller's signal fires;
 * - `semantics`: an answer real vendors send that the one neutral semantics turns into a success: pages that
 *   ignore `page`, repeat or shift, an unusable list record, an accepted change whose read-back fails.
 */
export type FaultClass = 'refused' | 'not-sent' | 'ambiguous' | 'response' | 'abort' | 'semantics';

/** The error class a call ends with when the fault outlasts the retries. */
export type ExpectedErrorKind =
  | 'RateLimitError'
  | 'TimeoutError'
  | 'ProviderUnavailableError'
  | 'ResponseShapeError'
  | 'AbortError';

export interface MatrixFault {
  id: string;
  label: string;
  shape: FaultShape;
  faultClass: FaultClass;
  /** Served for every attempt the retry budget allows (3), instead of once. */
  persistent: boolean;
  /** What the call fails with when it fails; `ResponseShapeError` faults may also succeed. */
  errorKind: ExpectedErrorKind;
  /** The operations the fault applies to; every operation when absent. */
  operations?: readonly MatrixOperation[];
  /** For `semantics` faults: the warning the call must report through `onWarning`, if any. */
  warning?: 'incomplete-list' | 'skipped-record' | 'read-back-failed';
}

/** Attempts of one call with the default policy (2 retries). */
export const attemptBudget = 3;

/**
 * The per-attempt time limit of the slow faults when one attempt must then succeed: generous, so a loaded
 * machine does not fail the recovery attempt too.
 */
export const attemptTimeoutMs = 250;
/** The limit when every attempt meets the slow fault: any limit fails them all, so a short one. */
export const persistentAttemptTimeoutMs = 50;
/**
 * The per-attempt time limit of every request no slow fault holds (the other cases and their set-up): there
 * only to end a request that hangs, so far beyond any stall of a busy machine (a 5 s limit failed a case
 * whose process stalled 5 s while its answer was on the way: a TimeoutError where a 429 was to be retried).
 */
export const unhurriedTimeoutMs = 30_000;
/**
 * Retries allowed when a slow fault is served once and the call must then recover. The recovery attempt runs
 * under the same short limit as the slow one, and a machine busy with a second copy of `npm test` can make a
 * plain answer miss it: more attempts keep the case about behaviour (it recovers, only after timeouts), not
 * about how fast this machine is.
 */
export const slowRecoveryRetries = 8;

/** True for a slow fault served once, whose call must recover. */
export function isSlowTransient(fault: MatrixFault): boolean {
  return (fault.shape.kind === 'slow-headers' || fault.shape.kind === 'slow-body') && !fault.persistent;
}

/** How long slow faults hold back headers or body: well past the attempt limit. */
export const slowDelayMs = 2_000;
/** When the abort cases fire the signal: this long after the request has left (ms). */
export const abortAfterMs = 20;
/**
 * How long the abort cases hold their answer: longer than any test may run, and let go only once the call
 * has ended (nock) or hung up (sandbox). A call that ignored its signal would wait for the answer and fail
 * by the test's limit, so no elapsed time is measured.
 */
export const abortHeldMs = 600_000;

const transient: Omit<MatrixFault, 'id' | 'persistent'>[] = [
  {
    label: '429 with Retry-After in seconds',
    shape: { kind: 'status', status: 429, retryAfter: 'seconds' },
    faultClass: 'refused',
    errorKind: 'RateLimitError',
  },
  {
    label: '429 with Retry-After as an HTTP date',
    shape: { kind: 'status', status: 429, retryAfter: 'date' },
    faultClass: 'refused',
    errorKind: 'RateLimitError',
  },
  {
    label: '408 Request Timeout',
    shape: { kind: 'status', status: 408 },
    faultClass: 'ambiguous',
    errorKind: 'TimeoutError',
  },
  ...([500, 502, 503, 504] as const).map((status) => ({
    label: `${status}`,
    shape: { kind: 'status' as const, status },
    faultClass: 'ambiguous' as const,
    errorKind: 'ProviderUnavailableError' as const,
  })),
  {
    label: 'connection reset',
    shape: { kind: 'reset' },
    faultClass: 'ambiguous',
    errorKind: 'ProviderUnavailableError',
  },
  {
    label: 'DNS failure (ENOTFOUND)',
    shape: { kind: 'dns' },
    faultClass: 'not-sent',
    errorKind: 'ProviderUnavailableError',
  },
  {
    label: 'headers slower than the timeout',
    shape: { kind: 'slow-headers' },
    faultClass: 'ambiguous',
    errorKind: 'TimeoutError',
  },
  {
    label: 'body slower than the timeout',
    shape: { kind: 'slow-body' },
    faultClass: 'ambiguous',
    errorKind: 'TimeoutError',
  },
  {
    label: 'malformed JSON',
    shape: { kind: 'malformed-json' },
    faultClass: 'response',
    errorKind: 'ResponseShapeError',
  },
  {
    label: 'empty body',
    shape: { kind: 'empty-body' },
    faultClass: 'response',
    errorKind: 'ResponseShapeError',
  },
  {
    label: 'HTML with 200',
    shape: { kind: 'html' },
    faultClass: 'response',
    errorKind: 'ResponseShapeError',
  },
  {
    label: 'JSON of the wrong shape',
    shape: { kind: 'wrong-shape' },
    faultClass: 'response',
    errorKind: 'ResponseShapeError',
  },
  {
    label: 'unknown enum values',
    shape: { kind: 'unknown-enum' },
    faultClass: 'response',
    errorKind: 'ResponseShapeError',
  },
];

const idOf = (shape: FaultShape): string =>
  shape.kind === 'status' ? `${shape.status}${shape.retryAfter ? `-${shape.retryAfter}` : ''}` : shape.kind;

/** Every fault of the matrix: each once (transient), the retryable ones also persistent, and the aborts. */
export const matrixFaults: readonly MatrixFault[] = [
  ...transient.map((fault) => ({ ...fault, id: idOf(fault.shape), persistent: false })),
  // A slow body retried is a slow request retried: its persistent case is the slow-headers one.
  ...transient
    .filter((fault) => fault.faultClass !== 'response' && fault.shape.kind !== 'slow-body')
    .map((fault) => ({
      ...fault,
      id: `${idOf(fault.shape)}-persistent`,
      label: `${fault.label}, persistent`,
      persistent: true,
    })),
  {
    id: 'abort-retry-wait',
    label: 'signal aborted during a Retry-After wait',
    shape: { kind: 'abort-retry-wait' },
    faultClass: 'abort',
    persistent: true,
    errorKind: 'AbortError',
  },
  {
    id: 'abort-in-flight',
    label: 'signal aborted while waiting for headers',
    shape: { kind: 'abort-in-flight' },
    faultClass: 'abort',
    persistent: false,
    errorKind: 'AbortError',
  },
];

/**
 * The neutral semantics across adapters: every adapter must succeed, say so through `onWarning` where the
 * answer was short of what the vendor counted, and never yield a stream twice or report an accepted change
 * as a failure.
 */
const semantics: MatrixFault[] = [
  {
    id: 'list-ignores-page',
    label: 'a list server that ignores the page parameter',
    shape: { kind: 'paging', mode: 'ignore-page' },
    faultClass: 'semantics',
    persistent: false,
    errorKind: 'ResponseShapeError',
    operations: ['list'],
    warning: 'incomplete-list',
  },
  {
    id: 'list-repeats-page',
    label: 'list pages that repeat the first while the vendor counts more',
    shape: { kind: 'paging', mode: 'repeat-page' },
    faultClass: 'semantics',
    persistent: false,
    errorKind: 'ResponseShapeError',
    operations: ['list'],
    warning: 'incomplete-list',
  },
  {
    id: 'list-shifts',
    label: 'list pages that shift while walking',
    shape: { kind: 'paging', mode: 'shift' },
    faultClass: 'semantics',
    persistent: false,
    errorKind: 'ResponseShapeError',
    operations: ['list'],
  },
  {
    id: 'list-odd-record',
    label: 'a list record with an unusable id',
    shape: { kind: 'odd-record' },
    faultClass: 'semantics',
    persistent: false,
    errorKind: 'ResponseShapeError',
    operations: ['list'],
    warning: 'skipped-record',
  },
  {
    id: 'read-back-fails',
    label: 'an accepted change whose read-back fails',
    shape: { kind: 'read-back-fails' },
    faultClass: 'semantics',
    persistent: false,
    errorKind: 'ProviderUnavailableError',
    operations: ['create', 'update', 'start', 'stop'],
    warning: 'read-back-failed',
  },
];

/** Every fault and semantics case of the matrix. */
export const allMatrixFaults: readonly MatrixFault[] = [...matrixFaults, ...semantics];

/** How many times the backend serves the fault. */
export const timesOf = (fault: MatrixFault): number => (fault.persistent ? attemptBudget : 1);

/** Whether the HTTP layer may repeat the faulted request. */
export function isRetried(fault: MatrixFault, retrySafe: boolean): boolean {
  switch (fault.faultClass) {
    case 'refused':
    case 'not-sent':
      return true;
    case 'ambiguous':
      return retrySafe;
    default:
      return false;
  }
}
