import * as v from 'valibot';
import {
  AbortError,
  abortedMessage,
  ChangeAppliedError,
  ConflictError,
  ResponseShapeError,
  TimeoutError,
} from './errors/errors.js';
import {
  deadlineCutOf,
  deadlineLimitOf,
  errorTextLimits,
  scrubText,
  UniliveError,
} from './errors/unilive-error.js';
import type { HttpClient, HttpRequest } from './http/http-client.js';
import { parseVendorResponse } from './http/parse-response.js';
import type { LiveStream, LiveStreamState, ProviderId, Warning } from './live-stream.js';
import { callDeadlineOf } from './options.js';
import { isInstanceOf, ownValue } from './own.js';
import type { CallOptions } from './provider.js';
import { systemClock, systemSleep } from './runtime.js';
import { type SecretSource, toRedactor } from './secrets.js';
import { ignoreRejection } from './thenable.js';

/** The neutral lifecycle calls. */
export type LifecycleOperation = 'start' | 'stop';

/**
 * The states in which a lifecycle call's goal already holds, or is already under way. `start` on a stream
 * in one of them returns it as it is; so does `stop`. Any other state is a real conflict where the vendor
 * refuses the call (stopping a stream that is starting).
 */
export const lifecycleGoals: Readonly<Record<LifecycleOperation, readonly LiveStreamState[]>> = {
  start: ['ready', 'starting'],
  stop: ['stopped', 'stopping'],
};

/** What a vendor's lifecycle call answered when its answer is not a whole stream. */
export interface AcceptedAnswer {
  /** The state the answer reports (`'unknown'` when it reports none). */
  state: LiveStreamState;
  /** The answer exactly as the vendor sent it (undefined for an empty body). */
  raw: unknown;
  /**
   * `state` is what the call asks for, not what the answer says (LiveAPI's `enabled`, set by a PATCH
   * answered without the stream): it stands only when the read after fails, and a read that succeeds is
   * taken as it is, so a read showing the change not made is said with a warning ({@link lifecycleResult})
   * rather than hidden under the state asked for. Default false: the vendor's word.
   */
  inferred?: boolean;
}

/** Settings of {@link changeLifecycle}. */
export interface LifecycleChange {
  provider: ProviderId;
  operation: LifecycleOperation;
  id: string;
  /**
   * Sends the vendor's call. Resolves with the stream when the answer carries a whole one, else with the
   * state it reports (`'unknown'` for an answer that reports none: an empty body, `{}`). A refusal for the
   * stream's state must reject with {@link ConflictError}.
   */
  send: () => Promise<LiveStream | AcceptedAnswer>;
  /** Reads the stream as the vendor has it now. */
  read: () => Promise<LiveStream>;
  /**
   * The state a refusal names, when the vendor says it (Wowza Video: "… Transcoder is in stopped state.";
   * Real-Time's `ERR-423-StreamAlreadyStopped`). The vendor's word is newer than a read it may serve from a
   * cache: a named state the call leads to makes the call succeed (with the stream read, in that state),
   * any other named state is a conflict at once, without a read.
   */
  refusedState?: ((error: ConflictError) => LiveStreamState | undefined) | undefined;
  /**
   * How long the vendor may keep serving the state from before a change on reads (Wowza Video caches GETs
   * for a second). When a refusal names no state and the read shows one the call does not lead to, the
   * stream is read once more after this many ms, with the call's sleep and signal, before the refusal
   * stands. Default 0: no second read.
   */
  staleReadMs?: number | undefined;
  /** The call's options: the sleep of its runtime and its signal serve the wait of `staleReadMs`. */
  options?: CallOptions | undefined;
  /** Values to scrub from an error's text: the provider's `SecretSet`, or a list of values. */
  secrets?: SecretSource | undefined;
  /**
   * Every state a stream of this provider can be reported in (its `capabilities.states`): a result is never
   * in another ({@link lifecycleResult}). Default: any state.
   */
  states?: readonly LiveStreamState[] | undefined;
}

/**
 * Runs a lifecycle call with the one neutral semantics every adapter shares:
 *
 * - **Idempotent.** When the vendor refuses the call for the stream's state (`ConflictError`: Wowza's
 *   `ERR-422-InvalidStateChange`, Real-Time's `ERR-423-StreamAlreadyStopped`), the state is checked: the
 *   one the refusal names when the vendor names it, else the stream's as read (read again after
 *   `staleReadMs` when the vendor's reads may lag a change). If it is already where the call leads
 *   ({@link lifecycleGoals}), the stream is returned; otherwise the refusal stands. An abort met while the
 *   refusal is checked is an `AbortError` with the refusal's `delivery` (`refused`, or `unknown` when an
 *   earlier attempt lost its answer): the vendor changed nothing, whether the read went out or not.
 * - **An accepted change is never reported as a failure.** When the answer carries no whole stream (a state
 *   only, an empty body, `{}`), the stream is read back with the answer's state (the vendor's word, newer
 *   than a cached read). If that read fails, the call still succeeds with what the answer told, flagged by
 *   a `read-back-failed` warning (see {@link readBackAfterChange}).
 */
export async function changeLifecycle(change: LifecycleChange): Promise<LiveStream> {
  let answer: LiveStream | AcceptedAnswer;
  try {
    answer = await change.send();
  } catch (error) {
    if (!ConflictError.isInstance(error)) throw error;
    return settleRefusal(change, error);
  }
  if (isStream(answer)) return lifecycleResult(change.operation, answer, change.states);
  const state = answer.state === 'unknown' ? '' : ` (the stream is ${answer.state})`;
  return lifecycleResult(
    change.operation,
    await acceptedLifecycle(change, answer, `the vendor accepted ${change.operation}${state}`),
    change.states,
  );
}

/**
 * The stream a lifecycle call the vendor accepted resolves with: never in a state the call does not lead
 * to. A stream read after the vendor accepted the change may already show another call's change (a stop
 * that ended the egress a start had just begun, a start that raced a stop), or a copy the vendor cached
 * from before it. Returned as read, a `stop` would resolve `starting` or `ready` (and a `start` `stopping`
 * or `stopped`) while the caller is told it succeeded. When the stream shows a state of the opposite call's
 * goals ({@link lifecycleGoals}), its state is the one the accepted change put it in (`stopping` for a
 * stop, `starting` for a start: the vendor's word when it accepted), with an `other` warning that says what
 * the read showed and to get the stream again for its state now. A provider whose streams are never in that
 * state (`states` without `stopping`: LiveAPI and Wowza Real-Time switch at once) gets the call's end state
 * instead (`stopped`, `ready`), with the same warning, so the result stays among the states it declares.
 * Any other state (the goal, `unknown`, `disabled`, `resetting`) is returned as it is. Adapters whose
 * lifecycle call takes several requests outside {@link changeLifecycle} (videosdk v2's stop) pass their
 * result through it too (`docs/decisions/2026-12-01-lifecycle-result-in-its-goal.md`).
 */
export function lifecycleResult(
  operation: LifecycleOperation,
  stream: LiveStream,
  states?: readonly LiveStreamState[],
): LiveStream {
  const opposite = lifecycleGoals[operation === 'start' ? 'stop' : 'start'];
  if (!opposite.includes(stream.state)) return stream;
  const [ends, under] =
    operation === 'start' ? (['ready', 'starting'] as const) : (['stopped', 'stopping'] as const);
  const state: LiveStreamState = states === undefined || states.includes(under) ? under : ends;
  const warning: Warning = {
    type: 'other',
    message: `${stream.provider} ${operation}: the vendor accepted ${operation}, but the stream read after it was ${stream.state}: another call changed it since (or the read was a copy from before the change). The result shows the state ${operation} left it in (${state}); get the stream for its state now.`,
  };
  return { ...stream, state, warnings: [...(stream.warnings ?? []), warning] };
}

// A refusal for the stream's state: the call succeeds when the goal already holds.
async function settleRefusal(change: LifecycleChange, refusal: ConflictError): Promise<LiveStream> {
  const goals = lifecycleGoals[change.operation];
  const named = change.refusedState?.(refusal);
  if (named !== undefined) {
    if (!goals.includes(named)) throw refusal;
    // The vendor said the goal holds: the stream is read for the rest, and keeps the vendor's state.
    try {
      return await acceptedLifecycle(
        change,
        { state: named, raw: undefined },
        `the vendor refused ${change.operation} because the stream is already ${named}`,
      );
    } catch (error) {
      if (AbortError.isInstance(error)) throw abortWhileSettling(change, refusal, error.cause);
      throw error;
    }
  }
  const readOrRefuse = async () => {
    try {
      return sameStream(await change.read(), change.id, change);
    } catch (error) {
      if (AbortError.isInstance(error)) throw abortWhileSettling(change, refusal, error.cause);
      // Nothing shows the goal holds: the vendor's refusal is the answer.
      throw refusal;
    }
  };
  let current = await readOrRefuse();
  if (goals.includes(current.state)) return current;
  const staleMs = change.staleReadMs ?? 0;
  if (staleMs <= 0) throw refusal;
  // The read may be a cached copy from before the change a lost answer made: read once more after it.
  const sleep = change.options?.runtime?.sleep ?? systemSleep;
  try {
    await sleep(staleMs, change.options?.signal);
  } catch (reason) {
    throw abortWhileSettling(change, refusal, reason);
  }
  current = await readOrRefuse();
  if (goals.includes(current.state)) return current;
  throw refusal;
}

/**
 * An abort met while a refusal is being settled (the read that checks whether the goal already holds, the
 * wait before a second read, the read of a stream whose refusal named the goal): the vendor refused the
 * change, so the call's `delivery` is the refusal's (`refused`: nothing was carried out; `unknown` when an
 * earlier attempt of the change lost its answer, and may have carried it out), never that of the read, which
 * changes nothing whether it went out or not. The message is the one text of every abort, the cause the
 * signal's reason (`docs/decisions/2026-12-01-abort-while-settling-a-refusal.md`).
 */
function abortWhileSettling(change: LifecycleChange, refusal: ConflictError, reason: unknown): AbortError {
  return new AbortError({
    provider: change.provider,
    operation: change.operation,
    message: abortedMessage(change.provider, change.operation),
    cause: reason,
    delivery: refusal.delivery === 'unknown' ? 'unknown' : 'refused',
    secrets: change.secrets,
  });
}

// The vendor accepted (or said the goal holds) without a whole stream: read it back in the vendor's state.
async function acceptedLifecycle(
  change: LifecycleChange,
  accepted: AcceptedAnswer,
  applied: string,
): Promise<LiveStream> {
  const stream = await readBackAfterChange({
    provider: change.provider,
    operation: change.operation,
    id: change.id,
    applied,
    parts: { applied: [change.operation] },
    read: change.read,
    accepted: () => acceptedStream(change.provider, change.id, accepted.state, accepted.raw),
    secrets: change.secrets,
  });
  // The answer is the vendor's word on the state; a read straight after may still show the one before. A
  // state the adapter inferred is no word of the vendor's: the read stands.
  return accepted.state === 'unknown' || accepted.inferred === true || hasWarning(stream, 'read-back-failed')
    ? stream
    : { ...stream, state: accepted.state };
}

/** Settings of {@link readBackAfterChange}. */
export interface ReadBack {
  provider: ProviderId;
  operation: string;
  id: string;
  /** What the vendor accepted, for the warning or error: `the stream was created with 2 restream targets`. */
  applied: string;
  /**
   * The parts of the call the vendor accepted, may have carried out, and did not (input paths such as
   * `name` and `restream.1`, or steps such as `create`), for the {@link ChangeAppliedError} a failed read
   * throws. Default: nothing named.
   */
  parts?:
    | { applied?: readonly string[]; unknown?: readonly string[]; notApplied?: readonly string[] }
    | undefined;
  /** Reads the stream after the change. */
  read: () => Promise<LiveStream>;
  /**
   * What the accepted answers told, returned with a `read-back-failed` warning when the read fails.
   * Without it, a failed read throws {@link ChangeAppliedError}.
   */
  accepted?: (() => LiveStream) | undefined;
  /**
   * Whether a read shows the change the vendor accepted (the new name, say). A read that does not is made
   * once more after `staleReadMs`, where the vendor may answer reads from a cache for that long (Wowza
   * Video caches GETs for a second), and that second read is returned as the vendor's word. Default: any
   * read shows it.
   */
  shows?: ((stream: LiveStream) => boolean) | undefined;
  /** How long reads may lag a change. Default 0: no second read. */
  staleReadMs?: number | undefined;
  /** The call's options: the sleep of its runtime and its signal serve the wait of `staleReadMs`. */
  options?: CallOptions | undefined;
  /** Values to scrub from an error's text: the provider's `SecretSet`, or a list of values. */
  secrets?: SecretSource | undefined;
}

/**
 * Reads a stream back after a change the vendor accepted. A read that fails does not turn the accepted
 * change into a failure the caller would retry: the call returns what the accepted answer told, with a
 * `read-back-failed` warning, or, where nothing whole can be returned, throws {@link ChangeAppliedError}
 * (not retryable, naming what was applied). A read that does not yet show the change (`shows`) where the
 * vendor's reads may lag it (`staleReadMs`) is made again once that time has passed; if that second read
 * fails, the first is returned. An abort still ends the call with `AbortError`, `delivery: 'unknown'`,
 * naming the stream and the parts (`streamId`, `applied`, `unknown`, `notApplied`).
 */
export async function readBackAfterChange(spec: ReadBack): Promise<LiveStream> {
  let first: LiveStream;
  try {
    first = sameStream(await spec.read(), spec.id, spec);
  } catch (error) {
    // The caller's abort, or the call's time (totalTimeoutMs) run out before the read: naming what holds.
    const interrupted = interruptedAfterAcceptedChange(error, readBackEnd(spec));
    if (interrupted) throw interrupted;
    const reason = isInstanceOf(error, Error) ? describeMessage(error) : 'unknown failure';
    if (spec.accepted) {
      const stream = spec.accepted();
      // The warning is returned and heard as it is, unlike an error, which scrubs its own text: a read that
      // failed with an Error of its own (not one of core's, scrubbed already) may name a stream key.
      const shown = scrubText(reason, toRedactor(spec.secrets), errorTextLimits.causeMessage);
      const warning: Warning = {
        type: 'read-back-failed',
        message: `${spec.provider} ${spec.operation}: ${spec.applied}, but reading the stream back failed (${shown}); the result holds only what the vendor's answer told. Do not repeat ${spec.operation}: get the stream later.`,
      };
      return { ...stream, warnings: [...(stream.warnings ?? []), warning] };
    }
    const failed = UniliveError.isInstance(error) ? error : undefined;
    const parts = spec.parts ?? {};
    throw new ChangeAppliedError({
      message: `${spec.provider} ${spec.operation}: ${spec.applied}, but reading the stream back failed (${reason}). ${describeParts(parts)}The change holds: do not repeat ${spec.operation}; get stream ${spec.id} later.`,
      provider: spec.provider,
      operation: spec.operation,
      streamId: spec.id,
      applied: parts.applied,
      unknown: parts.unknown,
      notApplied: parts.notApplied,
      status: failed?.status,
      vendorCode: failed?.vendorCode,
      vendorMessage: failed?.vendorMessage,
      requestId: failed?.requestId,
      delivery: (parts.unknown?.length ?? 0) > 0 ? 'unknown' : undefined,
      cause: error,
      secrets: spec.secrets,
    });
  }
  const staleMs = spec.staleReadMs ?? 0;
  if (staleMs <= 0 || !spec.shows || spec.shows(first)) return first;
  // A copy the vendor cached before the change: read again once the cache has let it go.
  const sleep = spec.options?.runtime?.sleep ?? systemSleep;
  // A second read the call's deadline would not leave time for is not waited for: the first is the answer.
  const deadline = callDeadlineOf(spec.options);
  if (deadline !== undefined && (spec.options?.runtime?.clock ?? systemClock)() + staleMs >= deadline)
    return first;
  try {
    await sleep(staleMs, spec.options?.signal);
  } catch (reason) {
    throw abortAfterChange(spec, reason);
  }
  try {
    return sameStream(await spec.read(), spec.id, spec);
  } catch (error) {
    if (AbortError.isInstance(error)) throw abortAfterChange(spec, error.cause);
    return first;
  }
}

/**
 * An abort met while reading back after a change the vendor accepted (the read, or the wait before a second
 * one): `delivery: 'unknown'`, whatever the read itself says, and the stream and parts of the change
 * ({@link abortAfterAcceptedChange}; `applied` is the operation's step when `parts` names none). The read's
 * own request may not have been sent (a signal fired from `onResponse` on the change's answer is seen before
 * the read goes out, `not-sent` for that request), but the change was: a caller told `not-sent` would take
 * the stream as untouched while it starts or stops. The call's deadline met there ends it the same way
 * ({@link interruptedAfterAcceptedChange}).
 */
function readBackEnd(spec: ReadBack): AcceptedChangeParts {
  const parts = spec.parts ?? {};
  return {
    provider: spec.provider,
    operation: spec.operation,
    streamId: spec.id,
    parts: () => ({
      applied: parts.applied ?? [spec.operation],
      unknown: parts.unknown,
      notApplied: parts.notApplied,
    }),
    secrets: spec.secrets,
  };
}

function abortAfterChange(spec: ReadBack, reason: unknown): AbortError {
  const end = readBackEnd(spec);
  return abortAfterAcceptedChange({ ...end, ...end.parts(true), cause: reason });
}

/**
 * What a call ended after an accepted part reports ({@link abortAfterAcceptedChange},
 * {@link timeoutAfterAcceptedChange}): the stream, its applied / unknown / not-applied parts, and the cause
 * (the signal's reason for an abort, the request's `TimeoutError` for a deadline).
 */
type AcceptedChangeEnd = {
  provider: ProviderId;
  operation: string;
  streamId: string;
  applied: readonly string[];
  unknown?: readonly string[] | undefined;
  notApplied?: readonly string[] | undefined;
  cause: unknown;
  secrets?: SecretSource | undefined;
};

/**
 * The `AbortError` of a call whose signal fired after the vendor accepted part of its change: the one
 * message (`<provider> <operation> was aborted`), `delivery: 'unknown'` (part of the change holds), the
 * signal's reason as `cause`, and what exists as {@link ChangeAppliedError} would name it: `streamId`,
 * `applied` (at least one part), `unknown` (sent, the answer cut off by the abort) and `notApplied` (not
 * sent). Every adapter builds an abort after an accepted part this way, so a caller tells "I aborted" from a
 * vendor's failure by the class alone on every vendor, and still learns which stream to read or delete
 * (`docs/decisions/2026-12-01-abort-after-part-of-a-change.md`). An abort before anything was accepted is
 * left as the HTTP layer made it (no `streamId`).
 */
export function abortAfterAcceptedChange(spec: AcceptedChangeEnd): AbortError {
  return new AbortError({
    provider: spec.provider,
    operation: spec.operation,
    message: abortedMessage(spec.provider, spec.operation),
    cause: spec.cause,
    delivery: 'unknown',
    streamId: spec.streamId,
    applied: spec.applied,
    unknown: spec.unknown ?? [],
    notApplied: spec.notApplied ?? [],
    secrets: spec.secrets,
  });
}

/**
 * True for the `TimeoutError` of a request the call's deadline ended ({@link startCall}: `totalTimeoutMs`
 * of the whole call, or a wait's deadline): no time was left to send it (`delivery: 'not-sent'`), or the
 * attempt under way was cut to the deadline (`delivery: 'unknown'`). An adapter that made an earlier request
 * of the call the vendor accepted reports it with {@link timeoutAfterAcceptedChange}.
 */
export function endedByCallDeadline(error: unknown): error is TimeoutError {
  return TimeoutError.isInstance(error) && deadlineCutOf(error) !== undefined;
}

/**
 * The `TimeoutError` of a call whose deadline (`totalTimeoutMs` for the whole call, {@link startCall}) came
 * after the vendor accepted part of its change, built as an abort after an accepted part is
 * ({@link abortAfterAcceptedChange}): `delivery: 'unknown'` (part of the change holds), `streamId`,
 * `applied` (at least one part), `unknown` (the request under way when the time ran out, its answer not
 * read) and `notApplied` (not sent: no time was left for it), and the request's own `TimeoutError` as
 * `cause`. The message says the call's time limit (`totalTimeoutMs`, with its value when the cause carries
 * it) ran out after part of the change was applied, and names the parts.
 * `docs/decisions/2026-12-03-total-timeout-per-call.md`.
 */
export function timeoutAfterAcceptedChange(spec: AcceptedChangeEnd): TimeoutError {
  const parts = { applied: spec.applied, unknown: spec.unknown ?? [], notApplied: spec.notApplied ?? [] };
  // The totalTimeoutMs that fixed the deadline, as the request's TimeoutError carries it.
  const limitMs = deadlineLimitOf(spec.cause);
  return new TimeoutError({
    provider: spec.provider,
    operation: spec.operation,
    message:
      `${spec.provider} ${spec.operation}: the call's time limit (totalTimeoutMs${limitMs === undefined ? '' : ` ${limitMs} ms`}) ran out after part of the change on stream ${spec.streamId} was applied. ${describeParts(parts)}`.trimEnd(),
    cause: spec.cause,
    delivery: 'unknown',
    streamId: spec.streamId,
    ...parts,
    secrets: spec.secrets,
  });
}

/**
 * The parts of a change a call named when it was interrupted: `sent` is true when the request that failed
 * was under way (`delivery: 'unknown'`: its part may hold), false when it was never sent.
 */
type AcceptedChangeParts = Omit<AcceptedChangeEnd, 'applied' | 'unknown' | 'notApplied' | 'cause'> & {
  parts: (sent: boolean) => Pick<AcceptedChangeEnd, 'applied' | 'unknown' | 'notApplied'>;
};

/**
 * What a call ends with when `error`, met after the vendor accepted part of its change, is the caller's
 * abort or the call's deadline: {@link abortAfterAcceptedChange} (the signal's reason as `cause`) or
 * {@link timeoutAfterAcceptedChange} (the request's `TimeoutError` as `cause`), naming the parts
 * `spec.parts` gives for whether the failed request was under way (`delivery: 'unknown'`). Such an error
 * when nothing was applied yet is returned as it is (an abort or timeout before anything held names no
 * stream); any other error gives `undefined`, for the adapter to report its own way. One rule, so an abort
 * and a deadline after an accepted part name the same parts on every adapter.
 */
export function interruptedAfterAcceptedChange(
  error: unknown,
  spec: AcceptedChangeParts,
): AbortError | TimeoutError | undefined {
  const abort = AbortError.isInstance(error);
  if (!abort && !endedByCallDeadline(error)) return undefined;
  const parts = spec.parts(error.delivery === 'unknown');
  if (parts.applied.length === 0) return error;
  const { parts: _parts, ...end } = spec;
  return abort
    ? abortAfterAcceptedChange({ ...end, ...parts, cause: error.cause })
    : timeoutAfterAcceptedChange({ ...end, ...parts, cause: error });
}

/**
 * The stream an answer about stream `id` carries, when it is that stream. An answer naming another one (a
 * proxy or cache that served another URL's answer, a vendor's bug) is a `ResponseShapeError` (`issues`
 * path `id`, `delivery: 'unknown'`): returned, it would pass another stream's state, endpoints and keys
 * off as this one's, and a wait or a lifecycle call would settle on another stream's state. After a change
 * the vendor accepted, such a read is a read that failed ({@link readBackAfterChange}).
 */
export function sameStream<Stream = LiveStream>(
  stream: Stream,
  id: string,
  context: { provider: ProviderId; operation: string; secrets?: SecretSource | undefined },
): Stream {
  // What is no stream with a string id (a third-party provider's bad answer) is left to the checks made
  // for that (the client's and the registry's); this one is about a stream that names another.
  const answered: unknown = typeof stream === 'object' && stream !== null ? ownValue(stream, 'id') : id;
  if (typeof answered !== 'string' || answered === id) return stream;
  throw new ResponseShapeError({
    provider: context.provider,
    operation: context.operation,
    message: `${context.provider} ${context.operation}: the vendor's answer about stream ${id} is about another stream`,
    issues: [{ path: 'id', expected: 'the id of the stream asked for' }],
    delivery: 'unknown',
    secrets: context.secrets,
  });
}

// An Error's message as text, or a stand-in where its getter throws.
function describeMessage(error: Error): string {
  try {
    return String(error.message);
  } catch {
    return 'a failure whose message could not be read';
  }
}

/**
 * One sentence per kind of part, for a {@link ChangeAppliedError}'s message: `Applied: name, restream.0.
 * Unknown (the answer was lost): restream.1. Not applied: restream.2.` Empty when no part is named.
 */
export function describeParts(parts: {
  applied?: readonly string[] | undefined;
  unknown?: readonly string[] | undefined;
  notApplied?: readonly string[] | undefined;
}): string {
  const sentence = (label: string, list: readonly string[] | undefined) =>
    list && list.length > 0 ? `${label}: ${list.join(', ')}. ` : '';
  return (
    sentence('Applied', parts.applied) +
    sentence('Unknown (the answer was lost, the vendor may hold it)', parts.unknown) +
    sentence('Not applied', parts.notApplied)
  );
}

/**
 * A stream built only from what an accepted answer told: its id, state and the answer as `raw`. Ingest
 * and playback are empty and `recording` is absent, since the answer did not say.
 */
export function acceptedStream(
  provider: ProviderId,
  id: string,
  state: LiveStreamState,
  raw: unknown,
): LiveStream {
  return { id, provider, state, ingest: [], playback: [], raw };
}

/** What a change request's 2xx answer held: what the schema reads, or nothing it can. */
export type ChangeAnswer<T> =
  | { readable: true; data: T; body: unknown; status: number }
  /** `body` is the JSON as sent (undefined for an empty or non-JSON body). */
  | { readable: false; body: unknown; status: number };

/**
 * Sends a request that changes a stream, reading its answer the way every adapter must: a 2xx with no body
 * (204, an empty 200) or with JSON of any shape (`{}`, `{"success": true}`) means the vendor accepted the
 * change. An answer the schema reads is `readable`; any other is returned as `readable: false`, for the
 * caller to read the stream back ({@link readBackAfterChange}, {@link changeLifecycle}), never a
 * `ResponseShapeError` that would make an applied change look like a failure. A 2xx body that is not JSON
 * at all (an HTML page from a proxy, an answer cut short) is no word from the vendor: it stays a
 * `ResponseShapeError` with `delivery: 'unknown'`. Failures (4xx, 5xx, timeouts) reject as usual.
 */
export async function requestChange<T>(
  http: HttpClient,
  request: Omit<HttpRequest<T>, 'schema' | 'acceptEmptySuccess'> & { schema: v.GenericSchema<unknown, T> },
  context: { provider: ProviderId; secrets?: SecretSource | undefined },
): Promise<ChangeAnswer<T>> {
  const { schema } = request;
  // `learn` is read once, as the HTTP layer reads it: one whose getter throws (an adapter from outside this
  // repository) is none, never a failed change; the rest of the request is copied without touching it.
  let learn: unknown;
  try {
    learn = ownValue(request, 'learn');
  } catch {
    learn = undefined;
  }
  const copied: Record<string, unknown> = {};
  for (const key of Object.keys(request))
    if (key !== 'schema' && key !== 'learn') copied[key] = (request as Record<string, unknown>)[key];
  const rest = copied as Omit<HttpRequest<T>, 'schema' | 'learn' | 'acceptEmptySuccess'>;
  // Read once: by the learning before the hook's event (when both are set), or below.
  let read: { data: T } | undefined;
  // An answer the schema refuses is an accepted change read back after, but the secrets it brings (a stream
  // key the vendor chose) are in no later answer: `learn` takes what the schema read of it, as the HTTP layer
  // hands it a refused answer's, once (whatever it throws or rejects with is ignored).
  let refused = false;
  const unread =
    typeof learn === 'function'
      ? (partial: unknown, body: unknown): void => {
          if (refused) return;
          refused = true;
          // Reading `then` may throw: `parseVendorResponse` ignores what `unread` throws.
          ignoreRejection((learn as (data: unknown, body: unknown) => unknown)(partial, body));
        }
      : undefined;
  const response = await http.request({
    ...rest,
    schema: anyJson,
    acceptEmptySuccess: true,
    ...(learn
      ? {
          learn: (_: unknown, body: unknown): unknown => {
            if (body === undefined) return;
            try {
              read = {
                data: parseVendorResponse(schema, body, {
                  provider: context.provider,
                  operation: request.operation,
                  status: 200,
                  secrets: context.secrets,
                  unread,
                }),
              };
            } catch {
              // Not readable: nothing to learn, and the answer is read again below.
              return;
            }
            // Handed back, so that the HTTP layer ignores a promise it returns that rejects too.
            return (learn as (data: T, body: unknown) => unknown)(read.data, body);
          },
        }
      : {}),
  });
  const body: unknown = response.body;
  if (body === undefined) return { readable: false, body, status: response.status };
  if (read) return { readable: true, data: read.data, body, status: response.status };
  try {
    const data = parseVendorResponse(schema, body, {
      provider: context.provider,
      operation: request.operation,
      status: response.status,
      secrets: context.secrets,
      unread,
    });
    return { readable: true, data, body, status: response.status };
  } catch (error) {
    if (!ResponseShapeError.isInstance(error)) throw error;
    return { readable: false, body, status: response.status };
  }
}

// Any JSON at all: the change answer is read with the caller's schema afterwards.
const anyJson = /* @__PURE__ */ v.unknown();

function isStream(value: LiveStream | AcceptedAnswer): value is LiveStream {
  return 'id' in value && 'ingest' in value;
}

function hasWarning(stream: LiveStream, type: Warning['type']): boolean {
  return stream.warnings?.some((warning) => warning.type === type) ?? false;
}
