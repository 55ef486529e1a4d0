import { AbortError, ChangeAppliedError, ConflictError } from './errors/errors.js';
import { UniliveError } from './errors/unilive-error.js';
import type { LiveStream, LiveStreamState, ProviderId, Warning } from './live-stream.js';

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
  /** The answer exactly as the vendor sent it. */
  raw: unknown;
}

/** Settings of {@link changeLifecycle}. */
export interface LifecycleChange {
  provider: ProviderId;
  operation: LifecycleOperation;
  id: string;
  /**
   * Sends the vendor's call. Resolves with the stream when the answer carries a whole one, else with the
   * state it reports. A refusal for the stream's state must reject with {@link ConflictError}.
   */
  send: () => Promise<LiveStream | AcceptedAnswer>;
  /** Reads the stream as the vendor has it now. */
  read: () => Promise<LiveStream>;
  /** Values to scrub from an error's text. */
  secrets?: Iterable<string> | undefined;
}

/**
 * Runs a lifecycle call with the one neutral semantics every adapter shares:
 *
 * - **Idempotent.** When the vendor refuses the call for the stream's state (`ConflictError`: Wowza's
 *   `ERR-422-InvalidStateChange`, Real-Time's `ERR-423-StreamAlreadyStopped`), the stream is read: if it is
 *   already where the call leads ({@link lifecycleGoals}), it is returned; otherwise the refusal stands.
 * - **An accepted change is never reported as a failure.** When the answer carries no whole stream, the
 *   stream is read back with the answer's state (the vendor's word, newer than a cached read). If that read
 *   fails, the call still succeeds with what the answer told, flagged by a `read-back-failed` warning (see
 *   {@link readBackAfterChange}).
 */
export async function changeLifecycle(change: LifecycleChange): Promise<LiveStream> {
  let answer: LiveStream | AcceptedAnswer;
  try {
    answer = await change.send();
  } catch (error) {
    if (!ConflictError.isInstance(error)) throw error;
    let current: LiveStream;
    try {
      current = await change.read();
    } catch {
      // Nothing shows the goal holds: the vendor's refusal is the answer.
      throw error;
    }
    if (lifecycleGoals[change.operation].includes(current.state)) return current;
    throw error;
  }
  if (isStream(answer)) return answer;
  const accepted = answer;
  const stream = await readBackAfterChange({
    provider: change.provider,
    operation: change.operation,
    id: change.id,
    applied: `the vendor accepted ${change.operation}${accepted.state === 'unknown' ? '' : ` (the stream is ${accepted.state})`}`,
    read: change.read,
    accepted: () => acceptedStream(change.provider, change.id, accepted.state, accepted.raw),
    secrets: change.secrets,
  });
  // The answer is the vendor's word on the state; a read straight after may still show the one before.
  return accepted.state === 'unknown' || hasWarning(stream, 'read-back-failed')
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
  /** Reads the stream after the change. */
  read: () => Promise<LiveStream>;
  /**
   * What the accepted answers told, returned with a `read-back-failed` warning when the read fails.
   * Without it, a failed read throws {@link ChangeAppliedError}.
   */
  accepted?: (() => LiveStream) | undefined;
  secrets?: Iterable<string> | undefined;
}

/**
 * Reads a stream back after a change the vendor accepted. A read that fails does not turn the accepted
 * change into a failure the caller would retry: the call returns what the accepted answer told, with a
 * `read-back-failed` warning, or, where nothing whole can be returned, throws {@link ChangeAppliedError}
 * (not retryable). An abort still ends the call with `AbortError`.
 */
export async function readBackAfterChange(spec: ReadBack): Promise<LiveStream> {
  try {
    return await spec.read();
  } catch (error) {
    if (AbortError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : 'unknown failure';
    if (spec.accepted) {
      const stream = spec.accepted();
      const warning: Warning = {
        type: 'read-back-failed',
        message: `${spec.provider} ${spec.operation}: ${spec.applied}, but reading the stream back failed (${reason}); the result holds only what the vendor's answer told. Do not repeat ${spec.operation}: get the stream later.`,
      };
      return { ...stream, warnings: [...(stream.warnings ?? []), warning] };
    }
    const failed = UniliveError.isInstance(error) ? error : undefined;
    throw new ChangeAppliedError({
      message: `${spec.provider} ${spec.operation}: ${spec.applied}, but reading the stream back failed (${reason}). The change holds: do not repeat ${spec.operation}; get stream ${spec.id} later.`,
      provider: spec.provider,
      operation: spec.operation,
      streamId: spec.id,
      status: failed?.status,
      vendorCode: failed?.vendorCode,
      vendorMessage: failed?.vendorMessage,
      requestId: failed?.requestId,
      cause: error,
      secrets: spec.secrets,
    });
  }
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

function isStream(value: LiveStream | AcceptedAnswer): value is LiveStream {
  return 'id' in value && 'ingest' in value;
}

function hasWarning(stream: LiveStream, type: Warning['type']): boolean {
  return stream.warnings?.some((warning) => warning.type === type) ?? false;
}
