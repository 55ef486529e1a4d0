import type { ProviderCapabilities } from '../capabilities.js';
import {
  AbortError,
  abortedMessage,
  ConflictError,
  type InputIssue,
  InvalidInputError,
  ResponseShapeError,
  TimeoutError,
} from '../errors/errors.js';
import { deadlineCutOf } from '../errors/unilive-error.js';
import { maxTimeoutMs } from '../http/transport-settings.js';
import { idProblem } from '../ids.js';
import { sameStream } from '../lifecycle.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from '../live-stream.js';
import { callOptionsError, markClientOptions } from '../options.js';
import { unreadableText } from '../own.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import type { Clock, Sleep } from '../runtime.js';
import type { LiveStreamEventSource } from './event-wake.js';
import { providerMethod } from './provider-method.js';

/** The shortest pause between two polls `waitForState` accepts: at most ten state calls a second. */
export const minWaitIntervalMs = 100;

/** Options of `waitForState`. */
export interface WaitForStateOptions {
  /**
   * Give up after this long, in ms: every request the wait makes ends by then, its retries included: each
   * poll, and the read of the whole stream that follows a status poll which saw the goal (Wowza Video,
   * Wowza Real-Time, videosdk v2 poll a cheaper status call). Running out, at a poll or at that read, is a
   * `TimeoutError` with `lastState`, as is a poll the client's `rateLimit` cannot start before the deadline
   * (less its reserve). Default 5 minutes (Wowza takes about 20 s to start, sometimes more).
   */
  timeoutMs?: number | undefined;
  /**
   * First pause between polls, in ms, at least {@link minWaitIntervalMs} (100); it grows by half each poll
   * up to `maxIntervalMs`. Default 1 s.
   */
  intervalMs?: number | undefined;
  /** Longest pause between polls, in ms, at least `intervalMs`. Default 10 s. */
  maxIntervalMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Events about the stream (a webhook event hub, or an async iterable of events): each one makes the wait
   * poll at once, so it ends as soon as the vendor's API agrees instead of at the next interval, though
   * never more than ten times in any second: a storm of events costs ten polls a second at most (the first
   * ten events of a second each wake one at once, the rest wait for the second to pass). Polling goes on
   * slowly meanwhile (defaults then: first interval 10 s, longest 60 s), so a lost webhook never hangs a
   * wait.
   */
  events?: LiveStreamEventSource | undefined;
}

/** The options of {@link waitForStatus} after checking, defaults filled in. */
export interface CheckedWaitOptions {
  timeoutMs: number;
  intervalMs: number;
  maxIntervalMs: number;
}

/**
 * Checks the targets and options of `waitForState` before any request: every target must be a
 * {@link LiveStreamState} (`'Ready'` is not), the time limit finite and positive, the intervals at least
 * {@link minWaitIntervalMs}. Throws `InvalidInputError` naming each problem (`state`, `options.timeoutMs`: {@link callOptionsError}). `targets` undefined checks
 * the options alone (`waitForBroadcast`, named by `operation`). `earlier`: problems the caller found in
 * the same call (options of the wrong type, left out of `options`), named in the same error after the
 * targets' and before the intervals'.
 */
export function checkWaitOptions(
  provider: LiveStreamProvider['id'],
  targets: readonly unknown[] | undefined,
  options: WaitForStateOptions,
  operation = 'waitForState',
  earlier: readonly InputIssue[] = [],
): CheckedWaitOptions {
  const issues: InputIssue[] = [];
  const known: readonly string[] = liveStreamStates;
  if (targets?.length === 0) issues.push({ path: 'state', message: `expected one of ${known.join(', ')}` });
  targets?.forEach((target, index) => {
    if (typeof target !== 'string' || !known.includes(target)) {
      issues.push({
        path: targets.length === 1 ? 'state' : `state.${index}`,
        message: `expected one of ${known.join(', ')}`,
      });
    }
  });
  issues.push(...earlier);
  const number = (value: unknown, path: string, fallback: number, minimum: number, exclusive: boolean) => {
    if (value === undefined) return fallback;
    const valid =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (exclusive ? value > minimum : value >= minimum) &&
      value <= maxTimeoutMs;
    if (!valid) {
      issues.push({
        path,
        message: `expected a number of milliseconds ${exclusive ? 'above' : 'from'} ${minimum} and at most ${maxTimeoutMs}`,
      });
      return fallback;
    }
    return value as number;
  };
  const timeoutMs = number(options.timeoutMs, 'options.timeoutMs', 300_000, 0, true);
  const refused = (path: string) => issues.some((issue) => issue.path === path);
  const intervalMs = number(options.intervalMs, 'options.intervalMs', 1_000, minWaitIntervalMs, false);
  const maxIntervalMs = number(
    options.maxIntervalMs,
    'options.maxIntervalMs',
    Math.max(10_000, intervalMs),
    minWaitIntervalMs,
    false,
  );
  // The maximum's default is never below the interval. A maximum given is compared with the interval given,
  // or with its default where none was given, but not with a default standing in for a wrong one: that
  // would be a second, made-up problem.
  if (!refused('options.intervalMs') && !refused('options.maxIntervalMs') && maxIntervalMs < intervalMs)
    issues.push({ path: 'options.maxIntervalMs', message: 'expected at least options.intervalMs' });
  if (issues.length > 0) throw callOptionsError(issues, { provider, operation });
  return { timeoutMs, intervalMs, maxIntervalMs };
}

/**
 * What a wait runs on: the client's clock, sleep and copy of the options, and what completes the answer.
 * `complete`, when given, runs once a poll reached the goal, under the wait's deadline as the polls do (the
 * options it is handed carry it): the client reads the whole stream there when the poll was a status call.
 */
export interface WaitRuntime<T> {
  clock: Clock;
  sleep: Sleep;
  callOptions: CallOptions;
  /** The client's checked copy of the provider's capabilities (read once when it was made). */
  capabilities: ProviderCapabilities;
  complete?: ((status: LiveStreamStatus, options: CallOptions) => Promise<T>) | undefined;
}

/**
 * Polls the provider's cheapest state call until the stream reaches one of `targets`, backing off between
 * polls. The deadline bounds every poll, and the read `complete` makes after the last: each one's attempt
 * limit and retries are cut to the time left.
 * Throws {@link TimeoutError} naming the last state seen, or {@link ConflictError} when the stream becomes
 * `disabled` for good (`capabilities.enable` not true) and that was not a target, or `stopped` for good. Targets and options are checked first ({@link checkWaitOptions}),
 * and targets none of which is among the provider's `capabilities.states` are refused with
 * {@link InvalidInputError} (issue path `state`), both before any request.
 */
export async function waitForStatus<T = LiveStreamStatus>(
  provider: LiveStreamProvider,
  id: string,
  targets: readonly LiveStreamState[],
  options: WaitForStateOptions,
  runtime: WaitRuntime<T>,
): Promise<T> {
  const checked = checkWaitOptions(provider.id, targets, options);
  // A state the provider never reports would only be waited for until the time runs out: the input is
  // wrong for this provider, as an unknown state is for every one.
  const states = runtime.capabilities.states;
  if (states !== undefined && !targets.some((target) => states.includes(target))) {
    const expected = `one of ${states.join(', ')} (capabilities.states): a ${provider.id} stream is never ${targets.join(' or ')}`;
    throw new InvalidInputError({
      provider: provider.id,
      operation: 'waitForState',
      message: `${provider.id} waitForState: invalid state: a stream here is never ${targets.join(' or ')}; its states are ${states.join(', ')} (capabilities.states)`,
      issues: [{ path: 'state', message: `expected ${expected}` }],
      delivery: 'not-sent',
    });
  }
  // Named once each, and only those the provider reports (when it lists them): a timeout's message speaks
  // of what the stream could have become, not of a repeat or a state it never has.
  const named = [...new Set(targets)].filter((target) => states === undefined || states.includes(target));
  return pollStatus(provider, id, checked, options.signal, runtime, {
    operation: 'waitForState',
    goal: `become ${named.join(' or ')}`,
    reached: (status) => (targets.includes(status.state) ? status : undefined),
    // States the stream cannot leave: waiting longer would only time out. One that can be enabled or started
    // again is waited on (anyone may: this process, another, the vendor's console).
    stuck: (status) => !targets.includes(status.state) && staysDown(status.state, runtime.capabilities),
  });
}

/**
 * Whether a stream in `state` stays there for good on this vendor: `disabled` where nothing can enable it
 * again (`capabilities.enable` not true), `stopped` where nothing can start it again (`capabilities.restart`
 * false). A wait for any other goal than that state then ends at once rather than in a `TimeoutError`.
 */
export function staysDown(
  state: LiveStreamState,
  capabilities: Pick<ProviderCapabilities, 'enable' | 'restart'>,
): boolean {
  return (
    (state === 'disabled' && capabilities.enable !== true) || (state === 'stopped' && !capabilities.restart)
  );
}

/** What a poll loop waits for: `reached` returns the status to end with, `stuck` says it never will. */
export interface PollGoal {
  operation: string;
  /** Completes "did not …" and "will not …" in messages: `become ready`, `start broadcasting`. */
  goal: string;
  /** `options` are the poll's own (its deadline), for a goal that asks the vendor more. */
  reached(
    status: LiveStreamStatus,
    options: CallOptions,
  ): LiveStreamStatus | undefined | Promise<LiveStreamStatus | undefined>;
  stuck(status: LiveStreamStatus): boolean;
  /**
   * A sentence added to the timeout's message for the last state seen, saying why the goal could not be
   * reached from it (`waitForBroadcast` on a stopped stream that can be started again). Default: none.
   */
  timeoutNote?: ((lastState: LiveStreamState | undefined) => string | undefined) | undefined;
}

/**
 * A poll's answer as the wait reads it: a plain copy of its own fields, each read once (a getter that
 * answers otherwise, or throws, on a second read is never read again), whose `state` is a
 * {@link LiveStreamState} and whose `broadcasting`, when present, a boolean. The built-in adapters only
 * ever answer such a status (each maps its vendor's states through a table whose default is `'unknown'`);
 * a provider from outside this repository whose `getStatus` or `get` resolves with nothing, with a state
 * that is none of the neutral ones (`'Ready'`, a number), with `broadcasting: 'yes'`, or with an object
 * that cannot be read, is a `ResponseShapeError` of the wait (`issues` path `$`, `state` or
 * `broadcasting`) at that poll, rather than a TypeError met reading it, a wait that polls a state it can
 * never match until its time runs out, or a `'yes'` read as "not broadcasting". So is an `id`, when the
 * answer has one, that no call could carry (`'../x'`, a number; path `id`).
 */
function pollAnswer(
  answer: unknown,
  { via, ...context }: { provider: string; operation: string; via: 'status' | 'get' },
): LiveStreamStatus {
  let copy: Record<string, unknown> | undefined;
  let problem: { path: string; expected: string; found: string } | undefined;
  if (typeof answer !== 'object' || answer === null)
    problem = {
      path: '$',
      expected: 'a stream or its status',
      found: answer === null ? 'null' : typeof answer,
    };
  else {
    // Field by field, so the error names the one whose read threw.
    let key = '$';
    try {
      const fields: Record<string, unknown> = {};
      for (key of Object.keys(answer)) {
        const value = (answer as Record<string, unknown>)[key];
        // A field named `__proto__` stays a field, never the copy's prototype.
        if (key === '__proto__')
          Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
        else fields[key] = value;
      }
      copy = fields;
    } catch {
      problem = {
        path: key,
        expected: key === '$' ? 'a stream or its status' : 'a value that can be read',
        found: unreadableText,
      };
    }
  }
  const state = copy?.state;
  const broadcasting = copy?.broadcasting;
  if (problem === undefined && !(liveStreamStates as readonly unknown[]).includes(state))
    problem = {
      path: 'state',
      expected: `a state: one of ${liveStreamStates.join(', ')}`,
      found: kindOf(state, 'a text none of them'),
    };
  if (problem === undefined && broadcasting !== undefined && typeof broadcasting !== 'boolean')
    problem = { path: 'broadcasting', expected: 'a boolean, or none', found: kindOf(broadcasting, 'a text') };
  // A status need not name its stream; one that does names it with an id calls can carry (an answer naming
  // another stream is refused by the poll that reads it, `sameStream`).
  const answeredId = copy?.id;
  if (problem === undefined && answeredId !== undefined && idProblem(answeredId) !== undefined)
    problem = {
      path: 'id',
      expected: via === 'status' ? 'a stream id, or none' : 'a stream id',
      found: kindOf(answeredId, 'a text that is no stream id'),
    };
  if (problem === undefined) return copy as unknown as LiveStreamStatus;
  throw new ResponseShapeError({
    ...context,
    message: `${context.provider} ${context.operation} (${via === 'status' ? 'status' : 'get'}): the provider answered no usable ${via === 'status' ? 'status' : 'stream'} (${problem.path}: expected ${problem.expected}, found ${problem.found})`,
    issues: [{ path: problem.path, expected: problem.expected }],
    delivery: 'unknown',
  });
}

// What a misfit value is, never the value itself (a provider's text may quote a credential).
export function kindOf(value: unknown, text: string): string {
  return typeof value === 'string' ? text : value === null ? 'null' : typeof value;
}

/**
 * The poll loop every wait shares: polls, ends when `goal.reached` (with what `runtime.complete` makes of
 * it), fails fast when `goal.stuck`, backs off between polls (the sleep may end early: events wake it), and
 * bounds every poll, and the completing read, by the deadline.
 */
export async function pollStatus<T = LiveStreamStatus>(
  provider: LiveStreamProvider,
  id: string,
  { timeoutMs, intervalMs, maxIntervalMs }: CheckedWaitOptions,
  signal: AbortSignal | undefined,
  runtime: WaitRuntime<T>,
  goal: PollGoal,
): Promise<T> {
  let interval = intervalMs;
  const deadline = runtime.clock() + timeoutMs;
  const context = { provider: provider.id, operation: goal.operation };
  // Each poll's call, read once before the first (`providerMethod`): what is called is what was checked.
  const named = { ...context, label: goal.operation };
  const getStatus = providerMethod(provider, 'getStatus', named, true);
  const get = providerMethod(provider, 'get', named);
  let lastState: LiveStreamState | undefined;
  // Whether a poll reached the goal and the wait was completing it (reading the whole stream) when time ran
  // out: the message then says the goal was seen, not that it was not.
  let completing = false;
  const timedOut = (cause?: unknown) => {
    const note = goal.timeoutNote?.(lastState);
    return new TimeoutError({
      ...context,
      lastState,
      message: completing
        ? `${provider.id} stream ${id} was seen ${lastState ?? 'none seen'}, but the read of the whole stream that ends the wait did not complete within the wait's ${timeoutMs} ms (last state: ${lastState ?? 'none seen'})`
        : `${provider.id} stream ${id} did not ${goal.goal} within ${timeoutMs} ms (last state: ${lastState ?? 'none seen'})${note === undefined ? '' : `: ${note}`}`,
      ...(cause === undefined ? {} : { cause }),
    });
  };
  for (;;) {
    const remaining = deadline - runtime.clock();
    if (remaining <= 0) throw timedOut();
    // The deadline travels with the poll: the HTTP layer cuts each attempt, and any retry wait, to it.
    const given = runtime.callOptions.timeoutMs;
    const pollOptions: CallOptions = markClientOptions({
      ...runtime.callOptions,
      ...(given === undefined ? {} : { timeoutMs: Math.max(1, Math.min(given, remaining)) }),
      // Frozen as every copy's runtime is: what the copy is trusted for cannot change under it.
      runtime: Object.freeze({ ...runtime.callOptions.runtime, deadline }),
    });
    let status: LiveStreamStatus;
    try {
      status = pollAnswer(
        getStatus
          ? await getStatus.call(provider, id, pollOptions)
          : await get.call(provider, id, pollOptions),
        { ...context, via: getStatus ? 'status' : 'get' },
      );
      // An answer about another stream (a proxy or cache that served another URL's answer) is refused at
      // the poll that brought it, whatever its state: its state is not this stream's, and waiting on it
      // would end at the deadline with another stream's state as `lastState`.
      sameStream(status as unknown as LiveStream, id, context);
      lastState = status.state;
      const reached = await goal.reached(status, pollOptions);
      if (reached) {
        if (!runtime.complete) return reached as T;
        // The read that completes the answer is part of the wait: the same deadline and signal bound it,
        // and running out there is the wait's timeout as at a poll.
        completing = true;
        return await runtime.complete(reached, pollOptions);
      }
    } catch (error) {
      // A poll (or the completing read) cut short by the deadline is the wait's timeout, not the call's. The
      // HTTP layer says when the deadline ended it (deadlineCutOf): an attempt timer armed for the time left
      // fires on the event loop's time, and the clock may then read a millisecond or two before the deadline.
      // The clock decides for a provider that does not say (one of its own, not on the HTTP layer).
      if (
        TimeoutError.isInstance(error) &&
        (deadlineCutOf(error) === deadline || runtime.clock() >= deadline)
      )
        throw timedOut(error);
      throw error;
    }
    if (goal.stuck(status)) {
      throw new ConflictError({
        ...context,
        message: `${provider.id} stream ${id} is ${status.state} and will not ${goal.goal}`,
      });
    }
    const left = deadline - runtime.clock();
    if (left <= 0) throw timedOut();
    try {
      await runtime.sleep(Math.min(interval, left), signal);
    } catch (reason) {
      // Between polls: nothing is in flight, and the wait changes nothing.
      throw new AbortError({
        ...context,
        message: abortedMessage(provider.id, goal.operation),
        cause: reason,
        delivery: 'not-sent',
      });
    }
    interval = Math.min(maxIntervalMs, Math.round(interval * 1.5));
  }
}
