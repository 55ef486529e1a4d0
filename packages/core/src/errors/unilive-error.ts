import { isPassingServerStatus } from '../http/server-statuses.js';
import type { ProviderId } from '../live-stream.js';
import {
  arrayItems,
  dataProperty,
  isArrayIndex,
  itemsLeftOut,
  mappedArray,
  ownFields,
  readCallerList,
} from '../own.js';
import {
  capText,
  knownValuesRedactor,
  type Redactor,
  redactedMarker,
  redactStable,
  type SecretSource,
  toRedactor,
} from '../secrets.js';
import { escapeUnprintable } from '../text.js';

const kindsMarker = /* @__PURE__ */ Symbol.for('unilive.error.kinds');
// Through the symbol registry, as the kinds are: the HTTP layer of one copy of core marks what a wait of
// another copy reads.
const deadlineMarker = /* @__PURE__ */ Symbol.for('unilive.error.deadline');
const deadlineLimitMarker = /* @__PURE__ */ Symbol.for('unilive.error.deadline-limit');
// Node's `util.inspect.custom`, reached through the symbol registry so that core loads where `node:util`
// does not exist (edge runtimes); Node passes its `inspect` to the method.
const inspectCustom = /* @__PURE__ */ Symbol.for('nodejs.util.inspect.custom');
type Inspect = (value: unknown, options?: { depth?: number }) => string;

/**
 * What became of the request behind an error, as far as this machine can tell:
 * - `not-sent`: nothing left this machine (connection refused, DNS failure, credentials could not be
 *   prepared, aborted or held by the request gate before sending), or unilive refused the call itself
 *   before the request that would carry it out (an input, an operation the vendor lacks, a state the
 *   stream cannot leave; reads made to decide it change nothing): the call can be repeated, even a create;
 * - `refused`: the vendor answered a status that means it processed nothing (429, 401, 403, 4xx refusals);
 * - `unknown`: the request may have been carried out (a timeout, a dropped connection, a 5xx after sending,
 *   a success whose body could not be read): check before repeating a create.
 */
export type Delivery = 'not-sent' | 'refused' | 'unknown';

/** The fields every error may carry. */
export interface UniliveErrorOptions {
  message: string;
  provider?: ProviderId | undefined;
  /** The operation that failed: `create`, `get`, `list`, `update`, `delete`, `start`, `stop`, `waitForState`… */
  operation?: string | undefined;
  /** The vendor's HTTP status, when there was a response. */
  status?: number | undefined;
  /** The vendor's own error code (Wowza `ERR-422-InvalidStateChange`, …). */
  vendorCode?: string | undefined;
  /** The vendor's own message, scrubbed of secrets. */
  vendorMessage?: string | undefined;
  /** The vendor's request id, for support tickets. */
  requestId?: string | undefined;
  /** How long the vendor asked callers to wait before retrying. */
  retryAfterMs?: number | undefined;
  /** Whether the request reached the vendor; see {@link Delivery}. Set by the HTTP layer. */
  delivery?: Delivery | undefined;
  /** The name the provider has in a `LiveStreamRegistry`, when the call went through one. */
  providerName?: string | undefined;
  /** For a `create` a registry routed: whether the vendor may have made the stream; see the field. */
  maybeCreated?: boolean | undefined;
  cause?: unknown;
  /** Values to scrub from every text this error carries: a provider's `SecretSet`, or a list of values. */
  secrets?: SecretSource | undefined;
}

/**
 * The longest text each field of an error keeps, in characters, cut after redaction (a vendor may answer
 * megabytes): the vendor's message, code and request id, a cause's message, and the message and each issue,
 * which may list every allowed value of a field (Wowza's 135 time zones).
 */
export const errorTextLimits = {
  message: 4_000,
  vendorMessage: 500,
  vendorCode: 100,
  requestId: 200,
  /** A `NotFoundError`'s `streamId`: ids are at most 128 characters (`assertValidId`). */
  streamId: 200,
  causeMessage: 500,
  issue: 4_000,
} as const;

// The redactor each error was built with, so subclasses scrub their own fields with the same values
// without compiling them again (or reading a one-shot iterable twice).
const redactors = new WeakMap<object, Redactor>();

/** The request an error ended: its method, scrubbed URL and attempt (see {@link markRequest}). */
export interface FailedRequest {
  method: string;
  url: string;
  attempt: number;
}

// The request each error the HTTP layer reported ended, read only when a call's `onError` is heard: the URL
// is scrubbed then, not for every failure. Kept by the error object and by every copy made of it
// (`copyError`), so the error a client or a registry hands its caller still names it.
const requests = new WeakMap<object, () => FailedRequest>();

/**
 * Records that `error` ended the request `request` describes (called lazily, when someone listens).
 * @internal
 */
export function markRequest(error: UniliveError, request: () => FailedRequest): void {
  requests.set(error, request);
}

/**
 * The request `error` (or the error it was copied from) ended, when the HTTP layer reported it; undefined
 * for an error no request ended (a refusal before any, one a provider built itself).
 * @internal
 */
export function requestOf(error: unknown): FailedRequest | undefined {
  const request = typeof error === 'object' && error !== null ? requests.get(error) : undefined;
  if (request === undefined) return undefined;
  const { method, url, attempt } = request();
  return { method, url, attempt };
}

/** Scrubs a subclass's own field the way its base scrubbed the others (see {@link scrubText}). */
export function scrubField(error: UniliveError, text: string, limit: number): string {
  return scrubText(String(text), redactors.get(error) ?? toRedactor(undefined), limit);
}

// How far past the cut the text is still read, so that a secret or a credential-shaped stretch that
// starts before the cut is seen whole: far longer than any secret's longest form.
const redactionLookahead = 65_536;

/**
 * Redacts `text` with `secrets` (and every credential pattern), shows its control and format characters as
 * escapes (see {@link escapeUnprintable}), then cuts it to `limit` characters: the one way every error field
 * that may hold vendor text is made safe. Redaction comes first and sees the text well past the cut, so a
 * secret straddling it is hidden, not half kept; what lies further is dropped unread.
 */
export function scrubText(text: string, secrets: Redactor, limit: number): string {
  const window = text.length > limit + redactionLookahead ? text.slice(0, limit + redactionLookahead) : text;
  return capText(escapeUnprintable(redactStable(secrets, window)), limit);
}

/**
 * `util.inspect` of an error: its stack, then its `toJSON` fields. On a base of its own, made by a call
 * marked pure: a class with a computed method key is one a bundler cannot prove free of effects, and as a
 * method of {@link UniliveError} it kept the class, and all it imports, in a bundle of anything from core.
 */
// Typed as `Error` is, so the declarations name nothing of a runtime's own (Node's `CallSite`).
const InspectableError = /* @__PURE__ */ (() =>
  class extends Error {
    [inspectCustom](_depth?: number, _options?: unknown, inspect?: Inspect): string {
      const json = (this as unknown as { toJSON(): Record<string, unknown> }).toJSON();
      const fields = inspect ? inspect(json, { depth: 4 }) : JSON.stringify(json, null, 2);
      return `${this.stack ?? `${this.name}: ${this.message}`}\n${fields}`;
    }
  })() as unknown as ErrorConstructor;

/**
 * The base of every error unilive throws. Branch on subclasses with their `isInstance` (safe across
 * duplicated package copies), or on `status` / `vendorCode`. No field, message, stack, `toJSON` or
 * `util.inspect` output ever holds a credential.
 */
export class UniliveError extends InspectableError {
  /** Kind name used by `isInstance`; each subclass sets its own. */
  static readonly kind: string = 'UniliveError';

  override readonly name: string = 'UniliveError';
  readonly provider: ProviderId | undefined;
  readonly operation: string | undefined;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly vendorMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /**
   * Whether the request reached the vendor. `not-sent` on every refusal unilive makes itself
   * (`InvalidInputError`, `ConflictError` and `UnsupportedOperationError` without a vendor `status`); absent
   * only where nothing is proven either way (a `ChangeAppliedError` whose parts all answered, an error an
   * outside provider built without one).
   */
  readonly delivery: Delivery | undefined;
  /**
   * The name the provider has in a `LiveStreamRegistry` (`'eu'` in `'eu:abc'`), set when the call went
   * through one; `provider` stays the vendor's id. Absent otherwise.
   */
  readonly providerName: string | undefined;
  /**
   * Set on a failed `create` that a `LiveStreamRegistry` made: `false` when the failure proves the vendor
   * made nothing (`delivery` is `not-sent` or `refused`), `true` when it may have made the stream (a timeout,
   * a 5xx or a dropped connection after sending, an unreadable success). Look for the stream before creating
   * it again (`registry.findByName`, on a provider whose `capabilities.names` is true; elsewhere compare
   * `createdAt` in `list`). Absent outside a registry.
   */
  readonly maybeCreated: boolean | undefined;
  declare readonly [kindsMarker]: readonly string[];
  /** `util.inspect` of the error: its stack, then its {@link UniliveError.toJSON} fields. */
  declare [inspectCustom]: (_depth?: number, _options?: unknown, inspect?: Inspect) => string;

  constructor(given: UniliveErrorOptions) {
    // Own fields only: a `status` or `cause` on a polluted Object.prototype is not this error's.
    const options = ownFields(given);
    const secrets = toRedactor(options.secrets);
    const scrub = (text: string | undefined, limit: number) =>
      text === undefined ? undefined : scrubText(String(text), secrets, limit);
    super(scrubText(String(options.message), secrets, errorTextLimits.message), {
      cause: sanitizeCause(options.cause, secrets),
    });
    this.provider = options.provider;
    this.operation = options.operation;
    this.status = options.status;
    // Everything the vendor chose (code, message, request id header) is scrubbed like the message.
    this.vendorCode = scrub(options.vendorCode, errorTextLimits.vendorCode);
    this.vendorMessage = scrub(options.vendorMessage, errorTextLimits.vendorMessage);
    this.requestId = scrub(options.requestId, errorTextLimits.requestId);
    this.retryAfterMs = options.retryAfterMs;
    this.delivery = options.delivery;
    this.providerName = options.providerName;
    this.maybeCreated = options.maybeCreated;
    redactors.set(this, secrets);
    Object.defineProperty(this, kindsMarker, dataProperty(kindsOf(new.target)));
    // The kind, not the constructor name, which minifiers rename.
    this.name = (new.target as typeof UniliveError).kind;
    lockFields(this);
  }

  /**
   * True when the same call may succeed if tried again later: a 408, a 429, or a 5xx but those saying the
   * server will never do it (501, 505, 506, 508, 510, 511: `permanentServerStatuses`).
   */
  get isRetryable(): boolean {
    const status = this.status;
    return status !== undefined && (status === 408 || status === 429 || isPassingServerStatus(status));
  }

  /**
   * True when `value` is an instance of this class (or a subclass), even if it came from another copy of
   * `@unilive/core`.
   */
  static isInstance<T extends typeof UniliveError>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    // A Proxy (an abort reason, something a custom fetch threw) may throw on any read: it is no error of ours.
    try {
      const kinds = (value as { [kindsMarker]?: unknown })[kindsMarker];
      return Array.isArray(kinds) && kinds.includes(this.kind);
    } catch {
      return false;
    }
  }

  /** A plain object safe to log or send: no credentials, no raw vendor payload. */
  toJSON(): Record<string, unknown> {
    return errorJson(this, this.jsonKeys());
  }

  /** Field names `toJSON` includes; subclasses add theirs. */
  protected jsonKeys(): string[] {
    return [...baseJsonKeys];
  }
}

// What a caller reads off an error is fixed once it is made: a hook, a logger or any other code holding
// the same error cannot change `status`, `message` or `delivery` for the caller (an assignment throws in
// strict code and does nothing otherwise). `stack` stays writable for tools that rewrite it.
const mutableFields = new Set(['stack']);

/**
 * Makes every own field of `error` set so far read-only at run time. The base constructor locks its own
 * fields; a subclass that adds fields calls it again at the end of its constructor.
 */
export function lockFields(error: UniliveError): void {
  for (const key of Object.getOwnPropertyNames(error)) {
    if (mutableFields.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor || !Object.hasOwn(descriptor, 'value') || descriptor.configurable === false) continue;
    const value = descriptor.value as unknown;
    if (Array.isArray(value)) {
      for (const item of arrayItems(value))
        if (typeof item === 'object' && item !== null) Object.freeze(item);
      Object.freeze(value);
    }
    Object.defineProperty(error, key, dataProperty(value, { enumerable: descriptor.enumerable === true }));
  }
}

// Fields set for code that handles the error but listed nowhere it is serialized (see `NotFoundError.streamId`).
const unlistedFields = new Set(['streamId']);

/**
 * A copy of `error` (same class, same fields, same redactor) with some fields set: how the HTTP layer and
 * the registry add `delivery`, `providerName` and `maybeCreated` (and a provider a `NotFoundError`'s
 * `streamId`) to an error passing through them, now that
 * an error cannot be changed. A field already set keeps its value.
 */
export function withErrorFields<E extends UniliveError>(
  error: E,
  fields: Partial<Pick<UniliveError, 'delivery' | 'providerName' | 'maybeCreated'>> & {
    /** A `NotFoundError`'s stream (`notFoundAbout`). */
    streamId?: string;
  },
): E {
  const changes = Object.entries(fields).filter(
    ([key, value]) => value !== undefined && (error as unknown as Record<string, unknown>)[key] === undefined,
  );
  if (changes.length === 0) return error;
  const copy = copyError(error);
  for (const [key, value] of changes) {
    // A `NotFoundError`'s `streamId` stays out of the copy's own enumerable fields, as on the error itself.
    Object.defineProperty(copy, key, dataProperty(value, { enumerable: !unlistedFields.has(key) }));
  }
  lockFields(copy);
  return copy;
}

/**
 * Records on `error` (a `TimeoutError` the HTTP layer made) that `deadline`, the call's
 * `CallRuntime.deadline`, is what ended it: the attempt's time limit was cut to it, or no time was left
 * before it to start (or to wait for the request gate). A wait that handed the deadline reads it back with
 * {@link deadlineCutOf}: an attempt timer fires on the event loop's time, which may still read a
 * millisecond or two before the deadline by the clock, so the clock cannot tell. Not enumerable: it is in
 * no `toJSON`, message or inspection, and {@link copyError} keeps it.
 * @internal
 */
export function markDeadlineCut<E extends UniliveError>(error: E, deadline: number, limitMs?: number): E {
  Object.defineProperty(error, deadlineMarker, dataProperty(deadline));
  if (limitMs !== undefined) Object.defineProperty(error, deadlineLimitMarker, dataProperty(limitMs));
  return error;
}

/**
 * The `totalTimeoutMs` that fixed the call's deadline which ended `error` ({@link markDeadlineCut}), when
 * the HTTP layer knew it (a call's deadline, not a wait's); undefined otherwise. What a message made from
 * `error` names as the limit that ran out.
 * @internal
 */
export function deadlineLimitOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const limit = (error as { [deadlineLimitMarker]?: unknown })[deadlineLimitMarker];
    return typeof limit === 'number' ? limit : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `CallRuntime.deadline` that ended `error` ({@link markDeadlineCut}); undefined for any other error, a
 * Proxy that throws on reads included.
 * @internal
 */
export function deadlineCutOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const deadline = (error as { [deadlineMarker]?: unknown })[deadlineMarker];
    return typeof deadline === 'number' ? deadline : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `error` as an error of the public operation `operation`: when it names another (a provider call made while
 * serving a wait, whose requests already name the wait through `CallRuntime.operation`, but whose own checks
 * name the provider call), a copy (same class, fields, redactor and message) naming `operation`; else
 * `error` itself. What is not a `UniliveError` is returned as it is.
 */
export function servedOperation<E>(error: E, operation: string): E {
  if (!UniliveError.isInstance(error) || error.operation === operation) return error;
  const copy = copyError(error);
  Object.defineProperty(copy, 'operation', dataProperty(operation, { enumerable: true, configurable: true }));
  // An abort's message names the call (`abortedMessage`): it follows the call it is now named for, so the
  // same event reads the same however deep in the call it was met. Any other message is kept as it was.
  const was = abortedMessage(error.provider, error.operation);
  if (error.name === 'AbortError' && error.message === was) {
    renameMessage(copy, error, was, abortedMessage(error.provider, operation));
  } else {
    // A message naming the inner call (`Invalid input for create: region: …`, `liveapi create: stream … was
    // created, but …`: an adapter's own, met inside a migration) names the call the caller made with the
    // request in parentheses, as a served call's HTTP errors do (`liveapi migrate (create) failed`).
    for (const [inner, served] of [
      [`Invalid input for ${error.operation}: `, `Invalid input for ${operation} (${error.operation}): `],
      [`${error.provider} ${error.operation}: `, `${error.provider} ${operation} (${error.operation}): `],
    ] as const) {
      if (error.provider === undefined && !inner.startsWith('Invalid')) continue;
      if (!error.message.startsWith(inner)) continue;
      renameMessage(copy, error, inner, served);
      break;
    }
  }
  lockFields(copy);
  return copy as E;
}

// The copy's message (and its stack's first line) with `was`, which the message starts with, read `now`.
function renameMessage(copy: UniliveError, error: UniliveError, was: string, now: string): void {
  const message = `${now}${error.message.slice(was.length)}`;
  Object.defineProperty(copy, 'message', dataProperty(message, { writable: true, configurable: true }));
  const stack = copy.stack;
  if (typeof stack === 'string' && stack.startsWith(`${error.name}: ${was}`))
    copy.stack = `${error.name}: ${now}${stack.slice(error.name.length + 2 + was.length)}`;
}

/**
 * A copy of `error` whose message (and its stack's first line) ends with `note`: why a call ended where it
 * did (`; not retried: …`), told in the error the caller receives. `note` is core's own text, never a value.
 * @internal
 */
export function withMessageNote<E extends UniliveError>(error: E, note: string): E {
  const copy = copyError(error);
  renameMessage(copy, error, error.message, `${error.message}${note}`);
  lockFields(copy);
  return copy;
}

/**
 * `error` without `value` in the texts the vendor wrote into it (`vendorMessage`, `requestId`, and the
 * message where it repeats the vendor's message), in any form `redact` finds it: a copy when it held it,
 * else `error` itself. For a value the caller gave that may be a secret though no set holds it (the id of a
 * call a vendor answered "not found": a stream key passed where an id goes). Core's own words in the
 * message are left as they are.
 * @internal
 */
export function withoutVendorEcho<E extends UniliveError>(error: E, value: string): E {
  const { vendorMessage, vendorCode, requestId } = error;
  if (vendorMessage === undefined && vendorCode === undefined && requestId === undefined) return error;
  const hide = knownValuesRedactor([value]);
  const masked = (text: string | undefined) => (text === undefined ? undefined : hide.redact(text));
  const message = masked(vendorMessage);
  const code = masked(vendorCode);
  const id = masked(requestId);
  if (message === vendorMessage && code === vendorCode && id === requestId) return error;
  const copy = copyError(error);
  const field = (name: string, text: string | undefined) =>
    Object.defineProperty(copy, name, dataProperty(text, { enumerable: true, configurable: true }));
  field('vendorMessage', message);
  field('vendorCode', code);
  field('requestId', id);
  // The message quotes the vendor's code in the status's parentheses (`(HTTP 404 <code>)`) and its message
  // after `: ` (`liveapi get failed (HTTP 404): <vendor message>`): each is replaced where it stands.
  let now = error.message;
  for (const [was, is, before, after] of [
    [vendorCode, code, ' ', ')'],
    [vendorMessage, message, ': ', ''],
  ] as const) {
    if (was === undefined || is === undefined || was === is) continue;
    const at = now.indexOf(`${before}${was}${after}`);
    if (at >= 0)
      now = `${now.slice(0, at)}${before}${is}${after}${now.slice(at + before.length + was.length + after.length)}`;
  }
  if (now !== error.message) renameMessage(copy, error, error.message, now);
  lockFields(copy);
  return copy;
}

/**
 * The message of every `AbortError` core builds, named like every other error for the provider and the
 * call the caller made: `liveapi list was aborted`; `create was aborted` when no provider is certain (a
 * registry call refused before it reached one). The same event reads the same whatever step the call was
 * at: where it stopped is told by `delivery`, why by `cause` (`docs/decisions/2026-12-01-one-abort-message.md`).
 */
export function abortedMessage(provider: string | undefined, operation: string | undefined): string {
  const subject = [provider, operation ?? 'the call'].filter((part) => part !== undefined && part !== '');
  return `${subject.join(' ')} was aborted`;
}

/**
 * A copy of `error` that shares nothing writable with it: what hooks receive, so that whatever a hook does
 * to the error it is handed (assigning, freezing, sealing, defining properties) never reaches the caller's.
 */
export function copyError<E extends UniliveError>(error: E): E {
  const descriptors = Object.getOwnPropertyDescriptors(error) as Record<string | symbol, PropertyDescriptor>;
  const copy = blankErrorOf(Object.getPrototypeOf(error)) as E;
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as string] as PropertyDescriptor;
    if (key === 'stack' && (descriptor.get || descriptor.set)) {
      // V8 keeps an error's stack behind an accessor that reads the error's own internal slot: copied as
      // is, it reads nothing on the copy, and every error a registry annotated or a hook received had no
      // stack. The text is taken now, as a plain (writable) value.
      Object.defineProperty(
        copy,
        key,
        dataProperty(error.stack, {
          writable: true,
          enumerable: Boolean(descriptor.enumerable),
          configurable: true,
        }),
      );
      continue;
    }
    // Own keys only, without a prototype (see `dataProperty`); configurable here so that
    // `withErrorFields` can still add the missing fields.
    const own = Object.create(null) as PropertyDescriptor;
    for (const name of ['value', 'get', 'set', 'enumerable', 'writable'] as const) {
      if (Object.hasOwn(descriptor, name)) (own as Record<string, unknown>)[name] = descriptor[name];
    }
    own.configurable = true;
    Object.defineProperty(copy, key, own);
  }
  const redactor = redactors.get(error);
  if (redactor) redactors.set(copy, redactor);
  const request = requests.get(error);
  if (request) requests.set(copy, request);
  return copy;
}

/**
 * An error object of the platform's own kind with the given prototype and no own properties, made without
 * running any class's constructor: a copy keeps its class (`instanceof`, `name`) and is still an error to
 * `Error.isError`, `util.types.isNativeError`, `structuredClone` and a worker's `postMessage`, which read an
 * object made by `Object.create(prototype)` as a plain object and lose its message. The caller gives it
 * its own properties (`message`, `stack`…).
 *
 * @internal
 */
export function blankErrorOf(prototype: object): Error {
  // `Reflect.construct` makes the object with `newTarget.prototype`; a function written out is the one kind
  // of constructor whose `prototype` can be set.
  // biome-ignore lint/complexity/useArrowFunction: an arrow function is not a constructor.
  const newTarget = function () {} as unknown as new () => Error;
  newTarget.prototype = prototype;
  const blank = Reflect.construct(Error, [], newTarget) as Error;
  // The stack captured here would point into this function: the copy's is the original's, or none.
  delete (blank as { stack?: string }).stack;
  return blank;
}

function kindsOf(errorClass: unknown): string[] {
  const kinds: string[] = [];
  let current = errorClass as { kind?: unknown } | null;
  while (current && typeof current.kind === 'string') {
    if (!kinds.includes(current.kind)) kinds.push(current.kind);
    current = Object.getPrototypeOf(current) as { kind?: unknown } | null;
  }
  return kinds;
}

// A library error (ky's, fetch's) can hold the request with its Authorization header, so only its name,
// message (scrubbed) and system code survive.
function sanitizeCause(cause: unknown, secrets: Redactor, depth = 0): Error | undefined {
  // A cause is whatever was thrown or given as an abort reason: a Proxy whose every trap throws, or an
  // Error whose getters do, must not turn the error being made into another failure.
  try {
    return sanitizeReadableCause(cause, secrets, depth);
  } catch {
    return Object.freeze(new Error('a cause that could not be read'));
  }
}

// A reduced cause's stack is its name and message, held as a value: V8 keeps an error's stack behind an
// accessor whose setter still works once the error is frozen, and every error holding the cause shares it.
function pinStack(safe: Error): void {
  Object.defineProperty(safe, 'stack', dataProperty(`${safe.name}: ${safe.message}`));
}

function sanitizeReadableCause(cause: unknown, secrets: Redactor, depth: number): Error | undefined {
  if (cause === undefined) return undefined;
  if (UniliveError.isInstance(cause)) return cause;
  if (!isError(cause))
    return Object.freeze(new Error(scrubText(describe(cause), secrets, errorTextLimits.causeMessage)));
  const safe = new Error(scrubText(String(cause.message), secrets, errorTextLimits.causeMessage));
  safe.name = causeName(cause, secrets);
  // The error's own cause carries the system code found along its chain when it has none of its own (ky's
  // NetworkError wraps fetch's TypeError, which wraps the socket's ECONNREFUSED): `error.cause.code` says
  // what failed, as `toJSON()` does; the chain below is kept as it is.
  const code = systemCode(cause) ?? (depth === 0 ? codeInChain(cause) : undefined);
  if (code && isSystemCode(secrets.redact(code))) {
    Object.defineProperty(safe, 'code', dataProperty(code, { enumerable: true }));
  }
  pinStack(safe);
  if (isError(cause.cause) && depth < 5) {
    Object.defineProperty(safe, 'cause', dataProperty(sanitizeCause(cause.cause, secrets, depth + 1)));
  }
  // Frozen: every error holding it (the caller's, each copy a hook is handed, a registry's annotated one)
  // shares it, and none of them may change what the others read.
  return Object.freeze(safe);
}

// An Error of this realm, or of another (a vm context's, an iframe's, such as the reason its AbortController
// gives), which `instanceof` does not see: its name, message and code are kept as this realm's would be.
function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

// A system code (`ECONNRESET`, `UND_ERR_CONNECT_TIMEOUT`, `ERR_INVALID_URL`, `ABORT_ERR`) is upper-case
// letters, digits and underscores. Anything else a library or a custom fetch put in `code` (a header, a
// token, a sentence) is no code to classify by or print, and is dropped, as is a code that holds a secret.
const systemCodePattern = /^[A-Z][A-Z0-9_]{1,63}$/;

function isSystemCode(code: string): boolean {
  return systemCodePattern.test(code);
}

// An error class name is an identifier (`TypeError`, `FetchError`, `AbortError`); any other name (one that
// embeds a header, a secret, a control sequence) becomes `Error`.
function causeName(cause: Error, secrets: Redactor): string {
  let name: string;
  try {
    name = String(cause.name);
  } catch {
    return 'Error';
  }
  return /^[A-Za-z_$][\w$]{0,63}$/.test(name) && secrets.redact(name) === name ? name : 'Error';
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function codeInChain(error: Error): string | undefined {
  let current: unknown = error;
  // An Error of another realm is followed as one of this realm (`isError`), as its reduction keeps it.
  for (let depth = 0; isError(current) && depth < 5; depth += 1) {
    const code = systemCode(current);
    if (code) return code;
    current = current.cause;
  }
  return undefined;
}

function systemCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What `toJSON` gives of `error`: its name, message, the fields `keys` names, `isRetryable` and its cause. */
function errorJson(error: UniliveError, keys: readonly string[]): Record<string, unknown> {
  const json: Record<string, unknown> = { name: error.name, message: error.message };
  for (const key of keys) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value !== undefined) json[key] = value;
  }
  json.isRetryable = error.isRetryable;
  if (error.cause instanceof Error) {
    // The system code (ECONNRESET, ENOTFOUND) says what failed; it sits on the cause or deeper in its chain.
    const code = codeInChain(error.cause);
    json.cause = { name: error.cause.name, message: error.cause.message, ...(code ? { code } : {}) };
  }
  return json;
}

// Fields `maskedError` masks on their own terms: the stack is read through V8's accessor, the cause is
// rebuilt as the constructor builds it.
const ownTermFields = new Set(['stack', 'cause']);

// How deep `maskedError` follows a cause chain, and plain objects and arrays inside a field.
const maskDepth = 8;

/**
 * `error` with every text it carries masked by `secrets` as well: the message, the stack, every string field
 * a class adds (`vendorMessage`, `issues`, `streamId`, an outside subclass's own `details`), strings inside
 * its plain objects and arrays, and its cause chain (a cause that is a `UniliveError` is masked the same
 * way; any other is rebuilt from its name, message and system code, as the constructor does). The class,
 * `provider`, `operation`, `delivery`, `providerName`, `status` and every other non-text field stay as
 * they are. An error made with `secrets` itself, or in which nothing changes, is returned as it is; else a
 * locked copy, which remembers `secrets`, so masking it again with them is free. A field nested deeper than
 * eight levels becomes `[REDACTED]`. How the client re-masks what a provider not built on this library's
 * HTTP layer throws: the provider's own `secrets()` may hold values it never gave its errors.
 *
 * `detach` (an outside provider's error): always a copy, never the provider's object, unless it is a copy this
 * function made; every object in its fields copied as read (see `maskValue`), and its printers, class
 * stand-in and the fields its JSON names its own (`printedAsBase`).
 */
export function maskedError<E extends UniliveError>(
  error: E,
  secrets: Redactor,
  depth = 0,
  detach = false,
): E {
  // Symbol-keyed fields too: inspection prints them, and a symbol's description may be the secret.
  const keys = Reflect.ownKeys(error);
  // Built with these secrets (its provider's own masking, as it built it), and no field added since it was
  // last found clean: passed on as it is, detached or not, so adapters that mask as they build pay nothing.
  // A field added after (`error.debugContext = { streamKey }` by an outside provider's wrapper) is none its
  // constructor scrubbed, and is read below like any other.
  // Detached, only a copy this library made is passed on so: the provider holds the object it threw.
  if (
    redactors.get(error) === secrets &&
    sameKeys(cleanKeys.get(error), keys) &&
    (!detach || detachedCopies.has(error))
  )
    return error;
  // Each changed field: its name, the name it takes in the copy (a secret name masked: an outside class's
  // `error[token] = …`) and its masked value.
  const changes: [PropertyKey, PropertyKey, unknown][] = [];
  const names = ownNames(() => keys.filter(isText));
  for (const key of keys) {
    if (typeof key === 'string' && ownTermFields.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor) continue;
    const name = maskedName(key, names, secrets);
    if (!Object.hasOwn(descriptor, 'value')) {
      // An accessor an outside class defined may give the secret on any later read: what it gives now,
      // masked, becomes a plain value (nothing when it throws or has no getter).
      const given = descriptor.get ? readAccessor(error, descriptor.get) : undefined;
      changes.push([key, name, maskValue(given, secrets, depth + 1, detach)]);
      continue;
    }
    const masked = maskValue(descriptor.value, secrets, depth + 1, detach);
    if (masked !== descriptor.value || name !== key) changes.push([key, name, masked]);
  }
  const stack = Object.getOwnPropertyDescriptor(error, 'stack');
  const stackText = stack && typeof stack.get !== 'function' ? stack.value : error.stack;
  const maskedStack = typeof stackText === 'string' ? redactStable(secrets, stackText) : stackText;
  const cause = Object.getOwnPropertyDescriptor(error, 'cause');
  const maskedCause =
    cause && Object.hasOwn(cause, 'value') ? maskCause(cause.value, secrets, depth + 1, detach) : undefined;
  const causeChanged = cause !== undefined && maskedCause !== cause.value;
  // Detached (an outside provider's), it is always a copy: the provider keeps the object it threw and may
  // change it after, even one it built with these secrets and left as built (a frozen error's `stack` has a
  // setter still), or print through it (an own toJSON or inspection added after could show what no field
  // holds).
  if (!detach && changes.length === 0 && maskedStack === stackText && !causeChanged) {
    if (redactors.get(error) === secrets) cleanKeys.set(error, keys);
    return error;
  }
  const copy = copyError(error);
  for (const [key, name, value] of changes) {
    const enumerable = Object.getOwnPropertyDescriptor(error, key)?.enumerable === true;
    if (name !== key) delete (copy as unknown as Record<PropertyKey, unknown>)[key];
    Object.defineProperty(copy, name, dataProperty(value, { enumerable, configurable: true }));
  }
  if (maskedStack !== stackText)
    Object.defineProperty(
      copy,
      'stack',
      dataProperty(maskedStack, {
        writable: true,
        enumerable: stack?.enumerable === true,
        configurable: true,
      }),
    );
  if (causeChanged)
    Object.defineProperty(
      copy,
      'cause',
      dataProperty(maskedCause, { enumerable: cause?.enumerable === true, configurable: true }),
    );
  if (detach) {
    printedAsBase(copy, secrets, depth);
    detachedCopies.add(copy);
  }
  lockFields(copy);
  redactors.set(copy, secrets);
  cleanKeys.set(copy, Reflect.ownKeys(copy));
  return copy;
}

// How an error is printed, as UniliveError prints one: an outside provider's error may print itself with
// a `toJSON`, an inspection or a `toString` of its own (an own field, or its class's), which may show what
// no field holds (a stream key in a closure). On its detached copy each is the base's, and masking what the
// fields hold is what masks what it prints. Changed only where the copy would otherwise print otherwise.
const printerKeys: readonly PropertyKey[] = [
  'toJSON',
  inspectCustom,
  'toString',
  'valueOf',
  Symbol.toPrimitive,
];

// Whether a field is a printer (see `printerKeys`): a function under a printer's name, which a detached
// copy leaves out.
function isPrinter(key: PropertyKey, item: unknown): boolean {
  return typeof item === 'function' && printerKeys.includes(key);
}

function printedAsBase(copy: UniliveError, secrets: Redactor, depth: number): void {
  // The copy keeps its class (`instanceof`, `isInstance`), whose prototype the provider holds and may change
  // after throwing: what prints the copy, and every field it prints, are its own. The fields its JSON names
  // are those its class names now (`jsonKeys`); one its class reads through a getter is read now, masked
  // and copied like a field, and held as the copy's own. A later change to the class reaches none of it.
  let keys: readonly string[] = [];
  try {
    const named = (copy as unknown as { jsonKeys(): unknown }).jsonKeys();
    const read = readCallerList(named, maxJsonKeys);
    if ('list' in read) keys = read.list.filter((key): key is string => typeof key === 'string');
  } catch {
    // A class whose `jsonKeys` throws prints the base's fields.
  }
  if (keys.length === 0) keys = baseJsonKeys;
  // What its class says now (a `TimeoutError` is retryable whatever its status), held as a boolean.
  let retryable = false;
  try {
    retryable = Boolean((copy as { isRetryable?: unknown }).isRetryable);
  } catch {
    // A class whose `isRetryable` throws says nothing: not retryable.
  }
  const own: [PropertyKey, unknown][] = [
    ['toJSON', jsonWith(keys)],
    [inspectCustom, (UniliveError.prototype as unknown as Record<symbol, unknown>)[inspectCustom]],
    ['toString', Error.prototype.toString],
    ['valueOf', Object.prototype.valueOf],
    // Left undefined, a conversion to text or number takes toString or valueOf, as for any error.
    [Symbol.toPrimitive, undefined],
    ['isRetryable', retryable],
    // `Object.prototype.toString` reads it (`[object Error]`, as for any error), and a logger reads
    // `constructor.name` for the error's type (pino's `type`): a class its provider renames, or whose tag
    // it sets, after the throw (or named so from the start) would print there.
    [Symbol.toStringTag, undefined],
    ['constructor', constructorOf(copy, secrets)],
  ];
  // Without a cause of its own, `cause` would read the prototype's.
  if (!Object.hasOwn(copy, 'cause')) own.push(['cause', undefined]);
  for (const key of keys) {
    if (Object.hasOwn(copy, key) || own.some(([name]) => name === key)) continue;
    let value: unknown;
    try {
      value = maskValue((copy as unknown as Record<string, unknown>)[key], secrets, depth + 1, true);
    } catch {
      value = undefined;
    }
    own.push([key, value]);
  }
  for (const [key, value] of own)
    Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * A stand-in for a detached copy's class, as `copy.constructor`: named as the class was when the copy was
 * made, masked, and never renamed after; it leads to none of the class's code (`instanceof` the class
 * itself, and its `isInstance`, still hold). `x instanceof copy.constructor` holds for what inherits from
 * the copy's prototype, the copy and the provider's own error among them (a logger's or a test's
 * `error instanceof error.constructor` threw, the stand-in having no `prototype` to compare with).
 */
function constructorOf(copy: UniliveError, secrets: Redactor): unknown {
  const prototype: unknown = Object.getPrototypeOf(copy);
  let name = '';
  try {
    const made: unknown = (prototype as { constructor?: unknown } | null)?.constructor;
    const given: unknown = typeof made === 'function' ? made.name : undefined;
    if (typeof given === 'string') name = scrubText(given, secrets, 200);
  } catch {
    // A class whose name cannot be read is named by none.
  }
  // A method: no `prototype` leading back to the class's.
  const standIn = { [name]() {} }[name] as () => void;
  Object.defineProperty(standIn, 'name', { value: name, configurable: true });
  // `instanceof` asks this before any `prototype`: the copy's prototype stays in the closure, unreachable
  // through the stand-in. An object (a copy's prototype is one, or null) is asked with the intrinsic, so no
  // code of the class's runs; a Proxy's `getPrototypeOf` trap, the caller's own object's, may.
  Object.defineProperty(standIn, Symbol.hasInstance, {
    value: Object.freeze(
      {
        [Symbol.hasInstance](value: unknown): boolean {
          return (
            typeof prototype === 'object' &&
            prototype !== null &&
            intrinsicIsPrototypeOf.call(prototype, value as object)
          );
        },
      }[Symbol.hasInstance],
    ),
  });
  return Object.freeze(standIn);
}

// Read when core loads, so that a later change to `Object.prototype` does not reach a stand-in's check.
const intrinsicIsPrototypeOf: (this: object, value: object) => boolean = Object.prototype.isPrototypeOf;

// How many field names a detached copy's JSON takes from its class's `jsonKeys`.
const maxJsonKeys = 256;

// The base's `jsonKeys` (a detached copy's, when its class's gives none).
const baseJsonKeys: readonly string[] = /* @__PURE__ */ Object.freeze([
  'provider',
  'operation',
  'status',
  'vendorCode',
  'vendorMessage',
  'requestId',
  'retryAfterMs',
  'delivery',
  'providerName',
  'maybeCreated',
]);

// A detached copy's `toJSON`: the base's, over the field names fixed when the copy was made, read off the
// error it is called on (the copy, or a copy of it a registry annotated).
function jsonWith(keys: readonly string[]): (this: UniliveError) => Record<string, unknown> {
  // A method, so it has no `prototype` for inspection to show; frozen, since a hook's copy of the error
  // holds the same function as the caller's.
  return Object.freeze(
    {
      toJSON(this: UniliveError) {
        return errorJson(this, keys);
      },
    }.toJSON,
  );
}

// The own keys an error had when `maskedError` last found it clean under the secrets it was built with.
const cleanKeys = new WeakMap<object, readonly PropertyKey[]>();

// The copies `maskedError` made of outside providers' errors: no provider holds them.
const detachedCopies = new WeakSet<object>();

function sameKeys(before: readonly PropertyKey[] | undefined, now: readonly PropertyKey[]): boolean {
  if (before === undefined || before.length !== now.length) return false;
  for (let index = 0; index < now.length; index += 1) if (before[index] !== now[index]) return false;
  return true;
}

/**
 * `value` with every text in it masked by `secrets` as `maskedError` masks an error's fields: strings, and
 * those inside arrays, plain objects, `Map`s, `Set`s, other objects' own fields and errors. The same value
 * when nothing in it changes. How the client masks the warnings a provider hands back, whatever their shape.
 * @internal
 */
export function maskedValue(value: unknown, secrets: Redactor): unknown {
  return maskValue(value, secrets, 0);
}

/**
 * `value` masked (see `maskedValue`). `detach` (a field of an outside provider's error): every object in it
 * becomes the caller's own copy, read once, getters included, never an object the provider still holds and
 * may change after throwing, nor one that prints through code of the provider's (an own or a class's
 * `toJSON`, inspection, `toString`), except frozen data no code runs in (an error's `issues`, frozen as they
 * are built), which cannot change.
 */
function maskValue(value: unknown, secrets: Redactor, depth: number, detach = false): unknown {
  if (typeof value === 'string')
    // Detached, a text past `maxCopiedText` is cut (masked first, with what follows the cut in view): an
    // outside error's field of megabytes would hold every caller for seconds.
    return detach && value.length > maxCopiedText
      ? scrubText(value, secrets, maxCopiedText)
      : redactStable(secrets, value);
  // A symbol's description shows in `String(symbol)` and inspection: one that shows a secret becomes
  // another symbol, described masked; a function's name, which inspection prints, its masked text.
  if (typeof value === 'symbol') return maskedName(value, noNames, secrets);
  if (typeof value === 'function') {
    const name = typeof value.name === 'string' ? value.name : '';
    const masked = redactStable(secrets, name);
    if (masked !== name) return `[Function: ${masked}]`;
    // Detached, a function of the provider's is kept callable, but as one of the copy's: its own fields
    // (`fn.token`), its source and what it is given after are the provider's, not the caller's.
    return detach ? callThrough(value as (...args: unknown[]) => unknown, name) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than any field this library writes: nothing is left that could hold a secret. Checked before an
  // error in a field too: one that holds itself (`related: this`) would otherwise be followed for ever.
  if (depth > maskDepth) return redactedMarker;
  if (UniliveError.isInstance(value)) return maskedError(value, secrets, depth, detach);
  // An error in a field (an aggregate's `errors`) is rebuilt as a cause is; a Map or Set keeps its kind.
  if (isError(value)) return maskCause(value, secrets, depth, detach);
  const fresh = detach && !isFrozenData(value, depth);
  if (value instanceof Map) return maskedMap(value, secrets, depth, fresh);
  if (value instanceof Set) {
    const original = [...value];
    const items = maskedItems(original, secrets, depth, fresh);
    return items === original && !fresh ? value : new Set(items);
  }
  if (Array.isArray(value)) return maskedArray(value, secrets, depth, fresh);
  // Built-ins whose text sits in internal slots, which no own field shows but inspection and JSON print.
  const slots = maskedSlots(value, secrets, fresh);
  if (slots !== undefined) return slots;
  if (fresh && value instanceof Date) return builtInCopy(value, same);
  return maskedFields(value, secrets, depth, fresh);
}

// Detached copies cut a text past this many characters, and leave out bytes past this many.
const maxCopiedText = 65_536;
const maxCopiedBytes = 65_536;
// Detached copies hold at most this many items of an array or a Set, entries of a Map, fields of an object.
const maxCopiedItems = 10_000;

/** A function that calls `fn` with its receiver and arguments, named `name`, holding nothing of `fn`'s. */
function callThrough(fn: (...args: unknown[]) => unknown, name: string): (...args: unknown[]) => unknown {
  // A method: no `prototype`, and its name is the key's.
  const through = {
    [name](this: unknown, ...args: unknown[]): unknown {
      return Reflect.apply(fn, this, args);
    },
  }[name] as (...args: unknown[]) => unknown;
  // Its arity, as the provider's said it (a number, or none).
  let length = 0;
  try {
    const given: unknown = fn.length;
    if (typeof given === 'number' && Number.isSafeInteger(given) && given >= 0) length = given;
  } catch {
    // A length that cannot be read is none.
  }
  Object.defineProperty(through, 'length', { value: length });
  // Frozen: a hook's copy and the caller's hold the same one, and neither may change the other's.
  return Object.freeze(through);
}

/**
 * Whether `value` is data that can never change nor run code: frozen, a plain object or array, every field
 * a value (no getter), none a function, every object in it the same (to the masking depth). Proxy
 * invariants hold a frozen proxy's reads to its target's values, so one passes only when its target does.
 */
function isFrozenData(value: object, depth: number): boolean {
  if (depth > maskDepth || !Object.isFrozen(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== Array.prototype && prototype !== null) return false;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor || !Object.hasOwn(descriptor, 'value')) return false;
    const item: unknown = descriptor.value;
    if (typeof item === 'function') return false;
    if (typeof item === 'object' && item !== null && !isFrozenData(item, depth + 1)) return false;
  }
  return true;
}

/**
 * An array's items masked, and its own named fields (`Object.assign([...], { [token]: … })`), which
 * inspection prints beside the items; the same array when nothing changes.
 */
function maskedArray(
  items: readonly unknown[],
  secrets: Redactor,
  depth: number,
  detach: boolean,
): readonly unknown[] {
  const masked = maskedItems(items, secrets, depth, detach);
  const named = Reflect.ownKeys(items).filter(
    (key) => key !== 'length' && !isArrayIndex(key) && Object.prototype.propertyIsEnumerable.call(items, key),
  );
  if (named.length === 0) return masked;
  const copy: unknown[] = masked === items ? mappedArray(items, (item) => item) : (masked as unknown[]);
  let changed = masked !== items;
  const names = ownNames(() => named.filter(isText));
  for (const key of named) {
    const item = (items as unknown as Record<PropertyKey, unknown>)[key];
    if (detach && isPrinter(key, item)) {
      changed = true;
      continue;
    }
    const value = maskValue(item, secrets, depth + 1, detach);
    const name = maskedName(key, names, secrets);
    if (value !== item || name !== key) changed = true;
    Object.defineProperty(copy, name, { value, writable: true, enumerable: true, configurable: true });
  }
  return changed ? copy : items;
}

// No names taken: a symbol masked needs none (a new symbol is unique).
const noNames = (): Set<string> => new Set();

function isText(key: PropertyKey): key is string {
  return typeof key === 'string';
}

/**
 * A built-in that holds text or bytes in internal slots, masked: a `URL` (its text, when it changes), a
 * `URLSearchParams` or `Headers` (a copy of its entries, names and values masked; a plain object where
 * `Headers` refuses a masked name), a boxed string (its text), a `RegExp` (its text), bytes (an
 * `ArrayBuffer` or a view of one, read as UTF-8 text or else byte by byte, a `Uint8Array` of the masked text
 * when it changes). The same value when nothing in it changes; undefined for any other object.
 */
function maskedSlots(value: object, secrets: Redactor, detach: boolean): unknown {
  const text = (given: string) => redactStable(secrets, given);
  if (typeof URL === 'function' && value instanceof URL) {
    const href = value.href;
    if (text(href) !== href) return text(href);
    return detach ? builtInCopy(value, same) : value;
  }
  if (value instanceof Symbol) {
    const symbol = value.valueOf();
    const masked = maskedName(symbol, noNames, secrets);
    return masked === symbol && !detach ? value : masked;
  }
  if (value instanceof String || value instanceof RegExp) {
    const given = value instanceof String ? value.valueOf() : String(value);
    if (text(given) !== given) return text(given);
    if (!detach) return value;
    return value instanceof RegExp ? builtInCopy(value, same) : given;
  }
  const params = typeof URLSearchParams === 'function' && value instanceof URLSearchParams;
  if (params || (typeof Headers === 'function' && value instanceof Headers)) {
    const given = [...(value as URLSearchParams | Headers)];
    const entries = given.map(([name, item]) => [text(name), text(item)] as [string, string]);
    if (
      !detach &&
      entries.every(([name, item], index) => given[index]?.[0] === name && given[index]?.[1] === item)
    )
      return value;
    if (params) return new URLSearchParams(entries);
    try {
      return new Headers(entries);
    } catch {
      return Object.fromEntries(entries);
    }
  }
  const bytes = bytesOf(value);
  if (bytes === undefined) return undefined;
  // Detached, bytes past `maxCopiedBytes` are left out: decoding and masking megabytes held every caller.
  if (detach && bytes.byteLength > maxCopiedBytes)
    return `[${typedArrayName(value) ?? kindOfBytes(value)} of ${bytes.byteLength} bytes, left out: over ${maxCopiedBytes}]`;
  let decoded: string;
  let utf8 = true;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    utf8 = false;
    decoded = '';
    for (const byte of bytes) decoded += String.fromCharCode(byte);
  }
  const masked = text(decoded);
  if (masked !== decoded)
    return utf8
      ? new TextEncoder().encode(masked)
      : Uint8Array.from(masked, (character) => character.charCodeAt(0) & 0xff);
  // A 16-bit array may hold text as UTF-16 code units (as JavaScript keeps a string), a 32-bit integer one
  // as code points: read so too, and masked into an array of its kind.
  const units = unitsText(value);
  if (units !== undefined) {
    const maskedUnits = text(units.text);
    if (maskedUnits !== units.text) return units.of(maskedUnits);
  } else if (bytes.byteLength % 2 === 0 && bytes.byteLength > 0) {
    // Bytes may hold text as UTF-16LE (`Buffer.from(text, 'utf16le')`), which reads as valid UTF-8 with a
    // NUL between characters: read so too, and masked into those bytes.
    const wide = new TextDecoder('utf-16le').decode(bytes);
    const maskedWide = text(wide);
    if (maskedWide !== wide) return utf16leBytes(maskedWide);
  }
  // Detached, bytes the provider may write into after are copied, of their kind.
  return detach ? builtInCopy(value, same) : value;
}

// An entry taken as it is (a built-in's copy whose entries were masked already, or hold none).
const same = (item: unknown): unknown => item;

/**
 * A copy of a built-in whose state sits in internal slots, which freezing does not hold (a `Date`'s time, a
 * `URL`, `URLSearchParams` or `Headers`, a `Map`'s or `Set`'s entries, bytes): of its kind, each entry
 * through `each`; undefined for any other value. How a hook's copy of an event holds none of the caller's.
 * @internal
 */
export function builtInCopy(value: object, each: (item: unknown) => unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (typeof URL === 'function' && value instanceof URL) return new URL(value.href);
  if (typeof URLSearchParams === 'function' && value instanceof URLSearchParams)
    return new URLSearchParams([...value]);
  if (typeof Headers === 'function' && value instanceof Headers) return new Headers([...value]);
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [each(key), each(item)]));
  if (value instanceof Set) return new Set([...value].map(each));
  const bytes = bytesOf(value);
  return bytes === undefined ? undefined : bytesCopy(value, bytes);
}

/** The bytes of a buffer or of a view of one, as a `Uint8Array` over them; undefined for any other value. */
function bytesOf(value: object): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)
    return new Uint8Array(value);
  return ArrayBuffer.isView(value)
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : undefined;
}

// What a buffer or a view that is no typed array is called.
function kindOfBytes(value: object): string {
  if (value instanceof DataView) return 'DataView';
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)
    return 'SharedArrayBuffer';
  return 'ArrayBuffer';
}

// `text` as UTF-16LE bytes.
function utf16leBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    bytes[index * 2] = unit & 0xff;
    bytes[index * 2 + 1] = unit >> 8;
  }
  return bytes;
}

/** A typed array's name (`Float64Array`), read from its internal slot; undefined for any other value. */
function typedArrayName(value: unknown): string | undefined {
  try {
    const tag = typedArrayTag?.call(value);
    return typeof tag === 'string' ? tag : undefined;
  } catch {
    return undefined;
  }
}

const typedArrayTag = /* @__PURE__ */ (() =>
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)?.get)();

type TypedArrayKind = { new (buffer: ArrayBuffer): ArrayBufferView; readonly BYTES_PER_ELEMENT: number };

// This realm's typed array of each name (never one a value names through its `constructor`).
function typedArrayKind(name: string | undefined): TypedArrayKind | undefined {
  switch (name) {
    case 'Int8Array':
      return Int8Array;
    case 'Uint8Array':
      return Uint8Array;
    case 'Uint8ClampedArray':
      return Uint8ClampedArray;
    case 'Int16Array':
      return Int16Array;
    case 'Uint16Array':
      return Uint16Array;
    case 'Int32Array':
      return Int32Array;
    case 'Uint32Array':
      return Uint32Array;
    case 'Float32Array':
      return Float32Array;
    case 'Float64Array':
      return Float64Array;
    case 'BigInt64Array':
      return BigInt64Array;
    case 'BigUint64Array':
      return BigUint64Array;
    default:
      return undefined;
  }
}

/**
 * The text a 16-bit integer array holds as UTF-16 code units, or a 32-bit one as code points (every value
 * one), and how to make an array of its kind of another text; undefined for any other value.
 */
function unitsText(value: object): { text: string; of: (text: string) => ArrayBufferView } | undefined {
  const name = typedArrayName(value);
  if (name === 'Uint16Array' || name === 'Int16Array') {
    const items = value as Uint16Array | Int16Array;
    let text = '';
    for (const unit of items) text += String.fromCharCode(unit & 0xffff);
    const Kind = name === 'Uint16Array' ? Uint16Array : Int16Array;
    return {
      text,
      of: (masked) => Kind.from(Array.from({ length: masked.length }, (_, at) => masked.charCodeAt(at))),
    };
  }
  if (name === 'Uint32Array' || name === 'Int32Array') {
    const items = value as Uint32Array | Int32Array;
    let text = '';
    for (const point of items) {
      if (point < 0 || point > 0x10ffff) return undefined;
      text += String.fromCodePoint(point);
    }
    const Kind = name === 'Uint32Array' ? Uint32Array : Int32Array;
    return {
      text,
      of: (masked) => Kind.from(Array.from(masked, (character) => character.codePointAt(0) ?? 0)),
    };
  }
  return undefined;
}

// A copy of bytes nothing in which needed masking, of the value's kind: an `ArrayBuffer`, a
// `SharedArrayBuffer`, a `DataView`, a `Buffer` or the typed array it was, with the same values.
function bytesCopy(value: object, bytes: Uint8Array): unknown {
  const copied = bytes.slice();
  if (value instanceof ArrayBuffer) return copied.buffer;
  if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) {
    const shared = new SharedArrayBuffer(copied.byteLength);
    new Uint8Array(shared).set(copied);
    return shared;
  }
  if (value instanceof DataView) return new DataView(copied.buffer);
  if (typeof Buffer === 'function' && Buffer.isBuffer(value)) return Buffer.from(copied.buffer);
  const Kind = typedArrayKind(typedArrayName(value));
  return Kind && copied.byteLength % Kind.BYTES_PER_ELEMENT === 0 ? new Kind(copied.buffer) : copied;
}

/** The items masked; the same array when none changes. */
function maskedItems(
  items: readonly unknown[],
  secrets: Redactor,
  depth: number,
  detach: boolean,
): readonly unknown[] {
  let changed = detach;
  const masked = mappedArray(
    items,
    (item) => {
      const value = maskValue(item, secrets, depth + 1, detach);
      if (value !== item) changed = true;
      return value;
    },
    detach ? maxCopiedItems : Number.POSITIVE_INFINITY,
  );
  const left = itemsLeftOut(masked);
  if (left > 0) masked.push(leftOutNote(left, 'items'));
  return changed ? masked : items;
}

// What stands for the items, entries or fields a detached copy leaves out past `maxCopiedItems`.
function leftOutNote(left: number, what: string): string {
  return `[${left} more ${what} left out: over ${maxCopiedItems}]`;
}

// A plain object, or an instance of some class in a field (an outside adapter's details object): its own
// enumerable fields, which inspection and JSON print, masked. Kept as it is when nothing in it changes;
// else a copy (an instance's a plain one, since a class's constructor or methods cannot be trusted to keep
// the masked values; a null-prototype object's stays one).
function maskedFields(value: object, secrets: Redactor, depth: number, detach: boolean): unknown {
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  let changed = detach;
  // Enumerable symbol-keyed fields too, which inspection prints (JSON does not), and the enumerable fields
  // it inherits (`Object.create(defaults)`), which `for…in` and a spread of its keys show: a copy made for
  // a change holds them as its own.
  const inherited: string[] = [];
  for (const key in value) if (!Object.hasOwn(value, key)) inherited.push(key);
  const keys: PropertyKey[] = [
    ...Object.keys(value),
    ...inherited,
    ...Object.getOwnPropertySymbols(value).filter((key) =>
      Object.prototype.propertyIsEnumerable.call(value, key),
    ),
  ];
  // Detached, past `maxCopiedItems` fields the rest are left out, and a last field says how many.
  const left = detach && keys.length > maxCopiedItems ? keys.length - maxCopiedItems : 0;
  if (left > 0) keys.length = maxCopiedItems;
  const names = ownNames(() => keys.filter(isText));
  if (left > 0) copy['…'] = leftOutNote(left, 'fields');
  for (const key of keys) {
    const item = (value as Record<PropertyKey, unknown>)[key];
    // Detached, a printer of the provider's (`toJSON`, inspection, `toString`) is left out of the copy: it
    // would print what the provider holds, not what the copy does.
    if (detach && isPrinter(key, item)) continue;
    const masked = maskValue(item, secrets, depth + 1, detach);
    const name = maskedName(key, names, secrets);
    if (masked !== item || name !== key) changed = true;
    // Defined, not assigned: a field named `__proto__` (JSON.parse makes one) stays a field.
    Object.defineProperty(copy, name, {
      value: masked,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return changed ? copy : value;
}

/**
 * A field's name masked as its value is: an outside provider may key a record by a token or a stream key
 * (`{ tokens: { [token]: 'expired' } }`), and a logger printing the object prints its keys. A masked name
 * that another field already has, or that an earlier masked name took, is numbered (`[REDACTED] (2)`), so
 * no field is lost to another. `taken` is made only when a name is masked: the names of the object's own
 * fields, to which each masked name is added.
 */
function maskedName(key: PropertyKey, names: () => Set<string>, secrets: Redactor): PropertyKey {
  if (typeof key === 'string') return maskedKey(key, names, secrets);
  if (typeof key !== 'symbol' || key.description === undefined) return key;
  // A symbol is unique: one whose description shows a secret becomes another symbol, described masked.
  const masked = redactStable(secrets, key.description);
  return masked === key.description ? key : Symbol(masked);
}

function maskedKey(key: string, names: () => Set<string>, secrets: Redactor): string {
  const masked = redactStable(secrets, key);
  if (masked === key) return key;
  const taken = names();
  let name = masked;
  for (let count = 2; taken.has(name); count += 1) name = `${masked} (${count})`;
  taken.add(name);
  return name;
}

// The names of `value`'s own fields, read once, when a field's name is masked.
function ownNames(keys: () => readonly string[]): () => Set<string> {
  let taken: Set<string> | undefined;
  return () => {
    taken ??= new Set(keys());
    return taken;
  };
}

function maskedMap(value: Map<unknown, unknown>, secrets: Redactor, depth: number, detach: boolean): unknown {
  let changed = detach;
  const entries: [unknown, unknown][] = [];
  for (const [key, item] of value) {
    if (detach && entries.length === maxCopiedItems) {
      entries.push(['…', leftOutNote(value.size - maxCopiedItems, 'entries')]);
      break;
    }
    const maskedKey = maskValue(key, secrets, depth + 1, detach);
    const maskedItem = maskValue(item, secrets, depth + 1, detach);
    if (maskedKey !== key || maskedItem !== item) changed = true;
    entries.push([maskedKey, maskedItem]);
  }
  return changed ? new Map(entries) : value;
}

function readAccessor(error: object, get: () => unknown): unknown {
  try {
    return get.call(error);
  } catch {
    return undefined;
  }
}

function maskCause(cause: unknown, secrets: Redactor, depth: number, detach = false): unknown {
  if (cause === undefined || cause === null) return cause;
  if (UniliveError.isInstance(cause))
    return depth > maskDepth ? undefined : maskedError(cause, secrets, depth, detach);
  if (!isError(cause)) return sanitizeCause(cause, secrets, depth);
  // What the constructor kept of a cause (its name, message, system code and cause), masked again; kept as
  // it is when nothing in it changes.
  const message = scrubText(String(cause.message), secrets, errorTextLimits.causeMessage);
  const name = causeName(cause, secrets);
  const inner = depth > maskDepth ? undefined : maskCause(cause.cause, secrets, depth + 1, detach);
  // The code is held to the same rule as when the cause was first reduced: one these secrets find a
  // credential in (an abort reason's `code` set to a token id, reduced before these secrets were known) is
  // dropped, and the cause rebuilt without it.
  const given = systemCode(cause);
  const code = given && isSystemCode(secrets.redact(given)) ? given : undefined;
  // Detached, always rebuilt: a getter or a frozen error's `stack` setter lets the provider change it.
  if (
    !detach &&
    message === cause.message &&
    name === cause.name &&
    inner === cause.cause &&
    code === given &&
    Object.isFrozen(cause)
  )
    return cause;
  const safe = new Error(message);
  safe.name = name;
  if (code) Object.defineProperty(safe, 'code', dataProperty(code, { enumerable: true }));
  pinStack(safe);
  if (inner !== undefined) Object.defineProperty(safe, 'cause', dataProperty(inner));
  return Object.freeze(safe);
}
