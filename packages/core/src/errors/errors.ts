import { isPassingServerStatus } from '../http/server-statuses.js';
import type { LiveStreamState } from '../live-stream.js';
import { dataProperty, ownFields, ownValue } from '../own.js';
import {
  errorTextLimits,
  lockFields,
  scrubField,
  UniliveError,
  type UniliveErrorOptions,
  withErrorFields,
  withoutVendorEcho,
} from './unilive-error.js';

export { abortedMessage } from './unilive-error.js';

/** One problem found in an input, with its path (`name`, `restream.0.url`) and what was expected. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The input was rejected: by unilive's validation before any request was sent (no `status`), or by the
 * vendor (with `status` and `vendorCode`). `issues` lists every problem; values are never echoed.
 */
export class InvalidInputError extends UniliveError {
  static override readonly kind: string = 'InvalidInputError';
  /** `'InvalidInputError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'InvalidInputError';
  readonly issues: readonly InputIssue[];

  constructor(options: UniliveErrorOptions & { issues?: readonly InputIssue[] }) {
    // A vendor's 400 or 422 carries its status and its own delivery; without one the input was refused
    // before any request (a factory's configuration error included).
    super(refusedBeforeSending(options));
    this.issues = ownIssues(options).map((issue) => ({
      path: scrubField(this, String(ownValue(issue, 'path')), errorTextLimits.issue),
      message: scrubField(this, String(ownValue(issue, 'message')), errorTextLimits.issue),
    }));
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'issues'];
  }
}

/** The vendor refused the credentials (401) or the permission (403). Check the settings named in the message. */
export class AuthenticationError extends UniliveError {
  static override readonly kind: string = 'AuthenticationError';
  /** `'AuthenticationError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'AuthenticationError';
  override get isRetryable(): boolean {
    return false;
  }
}

/** Options of {@link NotFoundError}. */
export interface NotFoundErrorOptions extends UniliveErrorOptions {
  /** The stream the call was about; see {@link NotFoundError.streamId}. */
  streamId?: string | undefined;
}

/** The stream does not exist, or no longer does. */
export class NotFoundError extends UniliveError {
  static override readonly kind: string = 'NotFoundError';
  /** `'NotFoundError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'NotFoundError';
  /**
   * The id of the stream the call was about, as the caller gave it (the vendor's id; a registry's calls hand
   * their provider the id without the provider name), when the call was about one stream: `get`, `update`,
   * `delete`, `start`, `stop`, `getStatus`, `getBroadcasting`, and the waits that read them. Set by every
   * adapter of unilive and the memory provider ({@link withNotFoundStreamId}); `undefined` for a call about
   * no one stream (`list`, `create`). The provider's known secrets are masked in it (credential patterns
   * too, control characters escaped, at most 200 characters).
   *
   * For code that handles the error only: it is in no serialized form of it (not in `toJSON`, so neither in
   * `JSON.stringify`, `util.inspect` nor the CLI's `--json`; not enumerable, so not in a logger's copy of
   * the error's own fields either), nor in its message. It is what the caller passed, and a stream key
   * passed where an id goes cannot be told from an id by its shape (an 8-hex Wowza Video stream name
   * has the shape of an 8-character Wowza id), so a key that client never saw would be logged in clear.
   */
  declare readonly streamId: string | undefined;

  constructor(options: NotFoundErrorOptions) {
    super(options);
    const streamId = ownValue(options, 'streamId');
    // The error's secrets masked, as in every text field: a key this provider knows, passed where an id
    // goes, is hidden even from code reading the field.
    Object.defineProperty(
      this,
      'streamId',
      dataProperty(
        typeof streamId === 'string' ? scrubField(this, streamId, errorTextLimits.streamId) : undefined,
        { configurable: true },
      ),
    );
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }
}

/** A provider's calls about one stream, whose first argument is the stream's id. */
const streamMethods = ['get', 'update', 'delete', 'start', 'stop', 'getStatus', 'getBroadcasting'] as const;

/**
 * `error` with `streamId` set when it is a {@link NotFoundError} that names no stream yet (a copy: an error
 * cannot be changed); anything else, or one that cannot be read, as it is.
 */
export function notFoundAbout(error: unknown, streamId: string): unknown {
  if (typeof streamId !== 'string') return error;
  try {
    if (!NotFoundError.isInstance(error) || error.streamId !== undefined) return error;
    // Scrubbed with the error's own secrets (the provider's): a client takes an error made with them as
    // masked already, and a caller may pass a stream key where an id goes. So the vendor's words that
    // repeat it ("live stream a1b2c3d4 not found") hide it too: a key the provider never learned (another
    // process made the stream) would be logged in clear there, though no field of ours names it.
    return withErrorFields(withoutVendorEcho(error, streamId), {
      streamId: scrubField(error, streamId, errorTextLimits.streamId),
    });
  } catch {
    // A value marked as one of our errors whose fields throw when read: passed on as it was thrown.
    return error;
  }
}

/**
 * Makes each call of `provider` about one stream (`get`, `update`, `delete`, `start`, `stop`, `getStatus`,
 * `getBroadcasting`) end in a {@link NotFoundError} that names the stream (`streamId`, the id it was given),
 * whichever of its requests the vendor answered 404 or 410. Changes `provider` in place (its methods, which
 * must be writable) and returns it; each adapter's factory calls it on the provider it returns. A method
 * that throws at once still throws at once; anything but a `NotFoundError` passes as it is.
 */
export function withNotFoundStreamId<P extends object>(provider: P): P {
  const methods = provider as Record<string, unknown>;
  for (const name of streamMethods) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    methods[name] = function aboutStream(this: unknown, id: string, ...rest: unknown[]): unknown {
      let answer: unknown;
      try {
        answer = (method as (...args: unknown[]) => unknown).call(this, id, ...rest);
      } catch (error) {
        throw notFoundAbout(error, id);
      }
      return answer instanceof Promise
        ? answer.then(undefined, (error: unknown) => {
            throw notFoundAbout(error, id);
          })
        : answer;
    };
  }
  return provider;
}

/**
 * `options` as an error unilive raises itself should carry them: without a vendor's `status` (no answer
 * refused anything) and without a `delivery` of its own, the call was refused here, before the request that
 * would have carried it out was sent (any request made was a read, which changes nothing), so `delivery` is
 * `not-sent`: what a caller deciding whether a repeat could do it twice, or whether the vendor made a stream,
 * reads. The one rule for every error class an adapter or core raises as a refusal of its own
 * (`InvalidInputError`, `ConflictError`, `UnsupportedOperationError`), so no construction site can forget it.
 * A `status` keeps the delivery given (the HTTP layer's, or a refusal's it is built from).
 */
function refusedBeforeSending<T extends UniliveErrorOptions>(options: T): T {
  const own = ownFields(options);
  if (own.status === undefined && own.delivery === undefined) own.delivery = 'not-sent';
  return own;
}

/**
 * The call conflicts with the stream's current state (starting a stream that is starting, …): refused by the
 * vendor (with its `status`, HTTP 409, 423 or Wowza's 422), or by unilive itself before the change was sent
 * (no `status`, `delivery: 'not-sent'`): a start of a stream the vendor cannot start again
 * (`capabilities.restart` false), a wait for a state the stream can no longer reach.
 */
export class ConflictError extends UniliveError {
  static override readonly kind: string = 'ConflictError';
  /** `'ConflictError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'ConflictError';
  constructor(options: UniliveErrorOptions) {
    super(refusedBeforeSending(options));
  }

  override get isRetryable(): boolean {
    return false;
  }
}

/** The vendor is rate limiting; `retryAfterMs` says how long it asked to wait, when it said. */
export class RateLimitError extends UniliveError {
  static override readonly kind: string = 'RateLimitError';
  /** `'RateLimitError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'RateLimitError';
  override get isRetryable(): boolean {
    return true;
  }
}

/** The vendor failed (5xx) or could not be reached (connection refused or reset, DNS failure). */
export class ProviderUnavailableError extends UniliveError {
  static override readonly kind: string = 'ProviderUnavailableError';
  /** `'ProviderUnavailableError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'ProviderUnavailableError';
  /**
   * True, but for a status saying the server will never do the request (501, 505, 506, 508, 510, 511:
   * `permanentServerStatuses`), which no retry helps.
   */
  override get isRetryable(): boolean {
    const status = this.status;
    return status === undefined || status < 500 || status > 599 || isPassingServerStatus(status);
  }
}

/** Options of {@link TimeoutError}. */
export interface TimeoutErrorOptions extends UniliveErrorOptions {
  /** For `waitForState`: the last state seen; see {@link TimeoutError.lastState}. */
  lastState?: LiveStreamState | undefined;
  /** The stream part of the call's change was carried out on; see {@link TimeoutError.streamId}. */
  streamId?: string | undefined;
  /** The parts of the call the vendor accepted; see {@link TimeoutError.applied}. */
  applied?: readonly string[] | undefined;
  /** The parts whose answer was lost; see {@link TimeoutError.unknown}. */
  unknown?: readonly string[] | undefined;
  /** The parts not carried out; see {@link TimeoutError.notApplied}. */
  notApplied?: readonly string[] | undefined;
}

/**
 * A time limit passed: of one HTTP attempt (`timeoutMs`), of the whole call (`totalTimeoutMs`), or of
 * `waitForState`.
 *
 * When the call's `totalTimeoutMs` ran out after the vendor accepted part of the call's change (a create
 * whose restream targets were being added, a start whose RTMP-outs were being started), the error says what
 * exists as {@link AbortError} does after an abort: `streamId`, `applied`, `unknown` (sent, its answer not
 * read in time) and `notApplied` (not sent: no time was left), with `delivery: 'unknown'`; it is then not
 * retryable (repeating a create would make a second stream). Those four are absent otherwise.
 */
export class TimeoutError extends UniliveError {
  static override readonly kind: string = 'TimeoutError';
  /** `'TimeoutError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'TimeoutError';
  /** For `waitForState`: the last state seen before time ran out. */
  readonly lastState: LiveStreamState | undefined;
  /**
   * The stream the vendor created or changed before the call's time ran out; absent when nothing of the call
   * was accepted.
   */
  readonly streamId: string | undefined;
  /** The parts of the call the vendor accepted, as {@link AbortError.applied}; absent with `streamId`. */
  readonly applied: readonly string[] | undefined;
  /** The parts sent whose answer was not read in time: the vendor may hold them. Absent with `streamId`. */
  readonly unknown: readonly string[] | undefined;
  /** The parts not carried out: no time was left to send them. Absent with `streamId`. */
  readonly notApplied: readonly string[] | undefined;

  constructor(options: TimeoutErrorOptions) {
    super(options);
    this.lastState = ownValue(options, 'lastState') as LiveStreamState | undefined;
    const parts = acceptedPartsOf(options);
    this.streamId = parts.streamId;
    this.applied = parts.applied;
    this.unknown = parts.unknown;
    this.notApplied = parts.notApplied;
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return this.streamId === undefined;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'lastState', 'streamId', 'applied', 'unknown', 'notApplied'];
  }
}

/** Options of {@link ChangeAppliedError}. */
export interface ChangeAppliedErrorOptions extends UniliveErrorOptions {
  /** The stream the vendor changed (or created). */
  streamId: string;
  /** The parts of the call the vendor accepted; see {@link ChangeAppliedError.applied}. */
  applied?: readonly string[] | undefined;
  /** The parts whose answer was lost; see {@link ChangeAppliedError.unknown}. */
  unknown?: readonly string[] | undefined;
  /** The parts not carried out; see {@link ChangeAppliedError.notApplied}. */
  notApplied?: readonly string[] | undefined;
}

/**
 * The vendor accepted the change, but a later step of the same call failed (reading the stream back,
 * adding a restream target after the create) and there was nothing whole to return. The change holds:
 * repeating the call would repeat it (a second stream, say), so it is not retryable. `streamId` names the
 * stream; `applied`, `unknown` and `notApplied` say which parts of the call hold, may hold and do not;
 * `cause` is the failure; `status`, `vendorCode` and `vendorMessage` are the failed step's. Get the stream to
 * see where it stands. `delivery` is `unknown` when a part's answer was lost, and absent otherwise: never
 * `not-sent` or `refused`, since the vendor accepted part of the call.
 */
export class ChangeAppliedError extends UniliveError {
  static override readonly kind: string = 'ChangeAppliedError';
  /**
   * `'ChangeAppliedError'`, or the name of the one subclass an adapter of this repository throws
   * (`'LiveApiRestreamError'`, with its target counts): literal types, so that telling one kind apart never
   * narrows a value to another kind.
   */
  declare readonly name: 'ChangeAppliedError' | 'LiveApiRestreamError';
  /** The stream the vendor changed (or created). */
  readonly streamId: string;
  /**
   * The parts of the call the vendor accepted, each named by its input path (`name`, `restream.0`,
   * `providerOptions.liveapi.enabled`) or, for a part with no input of its own, by the step (`create`,
   * `start`, `stop`).
   */
  readonly applied: readonly string[];
  /**
   * The parts whose request was sent but whose answer was lost (a timeout, a 5xx, a dropped connection):
   * the vendor may or may not have carried them out. Get the stream to know.
   */
  readonly unknown: readonly string[];
  /** The parts not carried out: refused by the vendor, or never sent because an earlier part failed. */
  readonly notApplied: readonly string[];

  constructor(options: ChangeAppliedErrorOptions) {
    const delivery = ownValue(options, 'delivery') === 'unknown' ? 'unknown' : undefined;
    super({ ...ownFields(options), delivery });
    this.streamId = ownValue(options, 'streamId') as string;
    const parts = (key: string) => {
      const list = ownValue(options, key);
      return Array.isArray(list) ? list.map(String) : [];
    };
    this.applied = parts('applied');
    this.unknown = parts('unknown');
    this.notApplied = parts('notApplied');
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'streamId', 'applied', 'unknown', 'notApplied'];
  }
}

/** Where a vendor response did not match what unilive needs, and what was expected there. */
export interface ResponseShapeIssue {
  path: string;
  expected: string;
}

/**
 * The vendor answered with something unilive cannot read (wrong JSON shape, HTML, truncated body).
 * `issues` names paths and expected types, never the values received.
 */
export class ResponseShapeError extends UniliveError {
  static override readonly kind: string = 'ResponseShapeError';
  /** `'ResponseShapeError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'ResponseShapeError';
  readonly issues: readonly ResponseShapeIssue[];

  constructor(options: UniliveErrorOptions & { issues?: readonly ResponseShapeIssue[] }) {
    super(options);
    // Paths name the vendor's own keys, which the vendor chose.
    this.issues = ownIssues(options).map((issue) => ({
      path: scrubField(this, String(ownValue(issue, 'path')), errorTextLimits.issue),
      expected: scrubField(this, String(ownValue(issue, 'expected')), errorTextLimits.issue),
    }));
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'issues'];
  }
}

/**
 * The provider has no such operation (or cannot do it for this call); the message suggests the nearest one.
 * Raised before any request: `delivery` is `not-sent` unless given.
 */
export class UnsupportedOperationError extends UniliveError {
  static override readonly kind: string = 'UnsupportedOperationError';
  /** `'UnsupportedOperationError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'UnsupportedOperationError';
  constructor(options: UniliveErrorOptions) {
    super(refusedBeforeSending(options));
  }

  override get isRetryable(): boolean {
    return false;
  }
}

/** Options of {@link AbortError}. */
export interface AbortErrorOptions extends UniliveErrorOptions {
  /** The stream part of the call's change was carried out on; see {@link AbortError.streamId}. */
  streamId?: string | undefined;
  /** The parts of the call the vendor accepted; see {@link AbortError.applied}. */
  applied?: readonly string[] | undefined;
  /** The parts whose answer was lost; see {@link AbortError.unknown}. */
  unknown?: readonly string[] | undefined;
  /** The parts not carried out; see {@link AbortError.notApplied}. */
  notApplied?: readonly string[] | undefined;
}

/**
 * The caller's `AbortSignal` fired. Named `AbortError` like the platform's, so name checks keep working.
 * Its message is one text wherever the call was when the signal fired (the HTTP layer, a retry wait, a list
 * walk, a wait's poll, a registry): `<provider> <operation> was aborted` (`liveapi list was aborted`), or
 * `<operation> was aborted` where no one provider is certain (see {@link abortedMessage}); the signal's
 * reason is its `cause`, and `delivery` says what became of the request it stopped.
 *
 * When the signal fired after the vendor accepted part of the call's change (a create whose restream
 * targets were being added, a start whose RTMP-outs were being started, the read-back after a start or an
 * update), the error says what exists as {@link ChangeAppliedError} does: `streamId` (the stream created or
 * changed), `applied`, `unknown` and `notApplied`, with `delivery: 'unknown'`. Those four are absent when
 * nothing of the call was accepted. Tell an abort from a vendor's failure with `AbortError.isInstance`
 * (or `error.name === 'AbortError'`); then `streamId` says whether something is left to look at or clean up.
 */
export class AbortError extends UniliveError {
  static override readonly kind: string = 'AbortError';
  /** `'AbortError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'AbortError';
  /**
   * The stream the vendor created or changed before the signal fired (a create's new stream, the stream of
   * an update, start or stop); absent when nothing of the call was accepted.
   */
  readonly streamId: string | undefined;
  /**
   * The parts of the call the vendor accepted, by input path (`name`, `restream.0`) or step (`create`,
   * `start`, `end-rtmp-outs`), as {@link ChangeAppliedError.applied}; absent with `streamId`.
   */
  readonly applied: readonly string[] | undefined;
  /** The parts sent whose answer the abort cut off: the vendor may hold them. Absent with `streamId`. */
  readonly unknown: readonly string[] | undefined;
  /** The parts not carried out: never sent because the signal fired first. Absent with `streamId`. */
  readonly notApplied: readonly string[] | undefined;

  constructor(options: AbortErrorOptions) {
    super(options);
    const parts = acceptedPartsOf(options);
    this.streamId = parts.streamId;
    this.applied = parts.applied;
    this.unknown = parts.unknown;
    this.notApplied = parts.notApplied;
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'streamId', 'applied', 'unknown', 'notApplied'];
  }
}

/**
 * Why a webhook delivery was refused:
 * - `missing-signature`: the vendor's signature header (or the secret path segment) is absent;
 * - `bad-signature`: it does not match the body under any configured secret or key;
 * - `missing-timestamp`: a vendor that signs a time (Wowza Real-Time's `timestamp`) sent none, or no number,
 *   so the replay tolerance cannot be checked;
 * - `stale-timestamp`: the signed timestamp is further from now than the tolerance, either way (a replay,
 *   or a clock that is off);
 * - `body-not-raw`: the body given was a parsed object, not the bytes received;
 * - `malformed-body`: the signed body is not what the vendor sends (not JSON, no event name);
 * - `unconfirmed`: in `confirm` mode, the vendor's API contradicts the event (it claims a stream the API
 *   does not have, or a delete of one it still has; an event saying the stream ended passes as a
 *   `live_stream.deleted` instead), or cannot be asked (the event names no stream, or an id the API would
 *   refuse), or answers with something that is not the stream.
 */
export type WebhookVerificationFailure =
  | 'missing-signature'
  | 'bad-signature'
  | 'missing-timestamp'
  | 'stale-timestamp'
  | 'body-not-raw'
  | 'malformed-body'
  | 'unconfirmed';

/**
 * A webhook delivery could not be trusted; `reason` says why. Answer the sender with a 400 and do not act on
 * it. The message names headers, settings and tolerances, never a secret, key or signature.
 */
export class WebhookVerificationError extends UniliveError {
  static override readonly kind: string = 'WebhookVerificationError';
  /** `'WebhookVerificationError'`: a literal type, so that telling one kind apart never narrows a value to another kind. */
  declare readonly name: 'WebhookVerificationError';
  readonly reason: WebhookVerificationFailure;

  constructor(options: UniliveErrorOptions & { reason: WebhookVerificationFailure }) {
    super({ operation: 'parseWebhook', ...options });
    this.reason = ownValue(options, 'reason') as WebhookVerificationFailure;
    lockFields(this);
  }

  override get isRetryable(): boolean {
    return false;
  }

  protected override jsonKeys(): string[] {
    return [...super.jsonKeys(), 'reason'];
  }
}

function ownIssues(options: object): readonly object[] {
  const issues = ownValue(options, 'issues');
  if (!Array.isArray(issues)) return [];
  return issues.filter((issue): issue is object => typeof issue === 'object' && issue !== null);
}

/**
 * The stream and parts a `TimeoutError` or `AbortError` after an accepted part carries: `streamId` when it
 * is a string, and then `applied` / `unknown` / `notApplied` as string lists (`[]` when absent); all
 * undefined without `streamId`.
 */
function acceptedPartsOf(options: object): {
  streamId: string | undefined;
  applied: readonly string[] | undefined;
  unknown: readonly string[] | undefined;
  notApplied: readonly string[] | undefined;
} {
  const id = ownValue(options, 'streamId');
  const streamId = typeof id === 'string' ? id : undefined;
  const parts = (key: string): readonly string[] | undefined => {
    if (streamId === undefined) return undefined;
    const list = ownValue(options, key);
    return Array.isArray(list) ? list.map(String) : [];
  };
  return { streamId, applied: parts('applied'), unknown: parts('unknown'), notApplied: parts('notApplied') };
}
