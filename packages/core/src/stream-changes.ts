import { TimeoutError } from './errors/errors.js';
import type { ProviderId } from './live-stream.js';
import { abortedSignalError, callDeadlineOf, callLimitOf } from './options.js';
import { isAbortSignal, ownValue } from './own.js';
import { type Clock, systemClock } from './runtime.js';

/**
 * Runs the changes a provider makes to one stream one after another, and those to different streams at
 * once: `changes(id, operation, options, run)` starts `run` once every change of `id` queued before it has
 * settled (fulfilled or rejected), and gives its outcome, as a promise whatever `run` does (a `run` that
 * throws rejects it).
 *
 * For a change planned from a read of the stream (LiveAPI's restream targets, added to those it reads;
 * videosdk v2's RTMP-outs, ended and started again as a set): two such changes made at once would each
 * plan from the same read, and together leave a set that neither asked for. One provider object applies
 * them in the order they were made; processes sharing an account must still order theirs themselves.
 *
 * A change never runs once the caller has given it up while it waited: its `options.signal` firing ends it
 * at once with the `AbortError` a call aborted before anything is sent gives (`delivery: 'not-sent'`), and
 * its deadline (`totalTimeoutMs`, fixed by `startCall` before it is queued) passing with the `TimeoutError`
 * a request the deadline ended before it was sent gives. `run` is not called, so nothing it would do (state
 * it holds, a request) happens. The changes behind it keep their places: they start once every change ahead
 * of them has settled. Nothing is held for a stream once its changes have settled.
 * @internal
 */
export function streamChanges(
  provider: ProviderId,
): <T>(id: string, operation: string, options: unknown, run: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return <T>(id: string, operation: string, options: unknown, run: () => Promise<T>): Promise<T> => {
    const ahead = tails.get(id);
    const result =
      ahead === undefined
        ? started(run)
        : waitFor(ahead, signalOf(options), msToDeadline(options)).then((ended) => {
            const given = givenUp(provider, operation, options, ended === 'deadline');
            if (given !== undefined) throw given;
            return run();
          });
    // The next change waits for this one and for every change ahead of it: one given up while it waited
    // must not let those behind it start beside a change still running.
    const tail =
      ahead === undefined
        ? result.then(settled, settled)
        : Promise.all([ahead, result.then(settled, settled)]).then(settled);
    tails.set(id, tail);
    void tail.then(() => {
      if (tails.get(id) === tail) tails.delete(id);
    });
    return result;
  };
}

const settled = (): void => undefined;

// `run`'s outcome as a promise: one that throws before returning one rejects it.
function started<T>(run: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

// The error of a change its caller gave up while it waited: its signal fired, or its deadline passed.
// `timedOut`: the deadline's timer ended the wait, which counts as the deadline passed whatever the clock
// reads when it fires (on Node a millisecond or two early), as the HTTP layer counts it.
function givenUp(provider: ProviderId, operation: string, options: unknown, timedOut: boolean): unknown {
  // Read by core's one rule for a call's signal (a data property holding a signal; a reason that cannot be
  // read named as such).
  const aborted = abortedSignalError(options, provider, operation);
  if (aborted !== undefined) return aborted;
  const deadline = deadlineOf(options);
  if (deadline !== undefined && (timedOut || clockOf(options)() >= deadline.at)) {
    // Named as the HTTP layer names it: the call's `totalTimeoutMs`, or a runtime deadline (a wait's).
    const limit = deadline.byCall ? callLimitOf(options) : undefined;
    return new TimeoutError({
      provider,
      operation,
      // Worded as the HTTP layer words a request its call's deadline ended before it was sent.
      message: `${provider} ${operation}: ${limit === undefined ? "the wait's time limit" : `the call's time limit (totalTimeoutMs ${limit} ms)`} ran out before the request could be sent; not sent`,
      delivery: 'not-sent',
    });
  }
  return undefined;
}

function signalOf(options: unknown): AbortSignal | undefined {
  const signal = read(options, 'signal');
  return isAbortSignal(signal) ? signal : undefined;
}

// The clock the call's deadline was fixed by (its runtime's), as the HTTP layer reads it.
function clockOf(options: unknown): Clock {
  const clock = read(read(options, 'runtime'), 'clock');
  return typeof clock === 'function' ? (clock as Clock) : systemClock;
}

function read(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return ownValue(value, key);
  } catch {
    // Options that cannot be read are the request's to refuse.
    return undefined;
  }
}

// The call's deadline, by its runtime's clock: the one `startCall` fixed, or a runtime `deadline` given
// (a wait's, or a caller's) when that comes first, which `startCall` leaves where it is; and whether it is
// the first, named by its `totalTimeoutMs`.
function deadlineOf(options: unknown): { at: number; byCall: boolean } | undefined {
  const byCall = callDeadlineOf(options);
  const given = read(read(options, 'runtime'), 'deadline');
  const byRuntime = typeof given === 'number' && !Number.isNaN(given) ? given : undefined;
  if (byCall === undefined && byRuntime === undefined) return undefined;
  if (byRuntime === undefined || (byCall !== undefined && byCall <= byRuntime)) {
    return { at: byCall as number, byCall: true };
  }
  return { at: byRuntime, byCall: false };
}

// How long until the call's deadline, or undefined without one.
function msToDeadline(options: unknown): number | undefined {
  const deadline = deadlineOf(options);
  if (deadline === undefined || !Number.isFinite(deadline.at)) return undefined;
  return Math.max(0, deadline.at - clockOf(options)());
}

// Until `ahead` settles, `signal` fires or `deadlineMs` passes, saying which came first: one listener and one
// timer, both removed when the first of them comes.
function waitFor(
  ahead: Promise<void>,
  signal: AbortSignal | undefined,
  deadlineMs: number | undefined,
): Promise<'ahead' | 'signal' | 'deadline'> {
  if (signal === undefined && deadlineMs === undefined) return ahead.then(() => 'ahead');
  if (signal?.aborted) return Promise.resolve('signal');
  if (deadlineMs === 0) return Promise.resolve('deadline');
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (ended: 'ahead' | 'signal' | 'deadline') => () => {
      signal?.removeEventListener('abort', bySignal);
      if (timer !== undefined) clearTimeout(timer);
      resolve(ended);
    };
    const bySignal = done('signal');
    signal?.addEventListener('abort', bySignal, { once: true });
    // A timer of more than 2^31 − 1 ms fires at once: such a deadline is as good as none.
    if (deadlineMs !== undefined && deadlineMs <= 2_147_483_647)
      timer = setTimeout(done('deadline'), deadlineMs);
    void ahead.then(done('ahead'));
  });
}
