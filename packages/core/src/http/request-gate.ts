import { type InputIssue, InvalidInputError } from '../errors/errors.js';
import type { Warning } from '../live-stream.js';
import { readOptions } from '../options.js';
import { once } from '../own.js';
import { type Clock, platformTurn, type Sleep } from '../runtime.js';
import { createMemoryGateStore, type GateStore } from './gate-store.js';
import { retryAfterCeilingMs } from './retry-policy.js';

/** Limits for the requests one client sends. */
export interface RateLimitOptions {
  /** Requests started per second. Unlimited when absent. */
  requestsPerSecond?: number | undefined;
  /** Requests in flight at once. Unlimited when absent. */
  maxConcurrency?: number | undefined;
  /**
   * Where the budget lives. Default: this client's memory, so each client (and each process) paces alone.
   * A store shared by several processes (`createRedisGateStore` of `@unilive/redis`) gives a fleet that
   * uses one vendor account one budget: the rate, the requests in flight and the pause after a 429 are
   * counted across every process, per account (see `docs/rate-limits.md`).
   */
  store?: GateStore | undefined;
}

/**
 * Checks `rateLimit` when a client is made: `requestsPerSecond` a finite number above 0, `maxConcurrency`
 * a whole number from 1. Throws `InvalidInputError` naming the setting.
 */
export function checkRateLimitOptions(given: RateLimitOptions): RateLimitOptions {
  const issues: InputIssue[] = [];
  // Own, known names first (`maxConcurency` names `maxConcurrency`); the values are checked below.
  const anything = { check: () => true, expected: 'anything' };
  const options = readOptions<RateLimitOptions>(
    given,
    { requestsPerSecond: anything, maxConcurrency: anything, store: anything },
    { operation: 'configure', path: 'rateLimit' },
  );
  {
    const { requestsPerSecond, maxConcurrency } = options;
    if (
      requestsPerSecond !== undefined &&
      (typeof requestsPerSecond !== 'number' || !Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0)
    )
      issues.push({ path: 'rateLimit.requestsPerSecond', message: 'expected a finite number above 0' });
    if (maxConcurrency !== undefined && (!Number.isSafeInteger(maxConcurrency) || maxConcurrency < 1))
      issues.push({ path: 'rateLimit.maxConcurrency', message: 'expected a whole number from 1' });
    if (options.store !== undefined && !isGateStore(options.store))
      issues.push({
        path: 'rateLimit.store',
        message: 'expected a GateStore (takeToken, acquireSlot, releaseSlot, setPause, pausedUntil)',
      });
    else if (
      options.store?.onUnavailable !== undefined &&
      options.store.onUnavailable !== 'fallback' &&
      options.store.onUnavailable !== 'fail'
    )
      issues.push({ path: 'rateLimit.store.onUnavailable', message: "expected 'fallback' or 'fail'" });
  }
  if (issues.length > 0) {
    throw new InvalidInputError({
      operation: 'configure',
      message: `invalid rateLimit: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
      issues,
    });
  }
  return options;
}

/** What a request tells the gate when it asks to start. */
export interface GateAcquireOptions {
  /** Aborts the wait at once; nothing is held afterwards. */
  signal?: AbortSignal | undefined;
  /**
   * The latest time (epoch ms, by the gate's clock) the request may start. When the wait would end later,
   * `acquire` rejects with {@link GateDeadlineError} at once instead of waiting in vain.
   */
  deadline?: number | undefined;
  /** Which budget the request draws on: one per vendor account. Default `'default'`. */
  key?: string | undefined;
  /**
   * How long the request may hold its concurrency slot (ms): a slot not released by then expires, so a
   * process that dies holding slots does not shrink a shared budget for good. Default 2 minutes.
   */
  holdMs?: number | undefined;
  /** Hears a `fallback` warning when a shared store fails and the request is paced in memory instead. */
  onWarning?: ((warning: Warning) => void) | undefined;
  /**
   * The longest vendor pause (after a 429) the request waits out, in ms: a longer one in force rejects at
   * once with {@link GateDeadlineError} (`reason: 'paused'`, `maxPauseMs` set). The HTTP layer gives its
   * `retry.maxRetryAfterMs`, so a pause another process wrote with a longer ceiling holds this request no
   * longer than its own 429 would. Default: no bound but `deadline`.
   */
  maxPauseMs?: number | undefined;
}

/**
 * Spaces and bounds a client's requests, and holds all of them back after the vendor answered 429, so a
 * burst of calls (500 creates, say) completes at the vendor's pace instead of failing on its limit.
 */
export interface RequestGate {
  /**
   * Waits for a slot; call the returned function when the request is done. Rejects with the signal's
   * reason when it aborts, and with {@link GateDeadlineError} when the wait would pass `deadline`; either
   * way nothing stays held.
   */
  acquire(options?: GateAcquireOptions): Promise<() => void>;
  /** Holds every request of `key` not yet started until `untilMs` (epoch ms), as the vendor asked. */
  pause(untilMs: number, key?: string): void;
}

/**
 * Why a request could not start before its deadline: the vendor's pause, the rate or the concurrency limit,
 * or a shared store that did not answer in time (`store`: a Redis that accepts and never answers).
 */
export type GateWaitReason = 'paused' | 'rate' | 'concurrency' | 'store';

// What a gate's refusal is, told by a registered symbol rather than its class: the gate a client makes and
// the HTTP layer an adapter calls may come from two copies of core in one application (an adapter that
// brought its own), where `instanceof` fails and the typed error (RateLimitError with its retryAfterMs, a
// TimeoutError naming the limit) would become a bare "gate failed".
const gateRefusalMarker = /* @__PURE__ */ Symbol.for('unilive.gate-refusal');
const gateWaitReasons: readonly string[] = ['paused', 'rate', 'concurrency', 'store'];

/** A field of a branded refusal, of the type it has when core made it; undefined otherwise. */
function fieldOf(value: object, key: string, type: 'string' | 'number'): unknown {
  try {
    const field = (value as Record<string, unknown>)[key];
    return typeof field === type && (type === 'string' || Number.isFinite(field)) ? field : undefined;
  } catch {
    return undefined;
  }
}

function brandOf(value: unknown): string | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    const brand = (value as { [gateRefusalMarker]?: unknown })[gateRefusalMarker];
    return typeof brand === 'string' ? brand : undefined;
  } catch {
    return undefined;
  }
}

/** The gate could not let a request start before its deadline; the HTTP layer reports it as a typed error. */
export class GateDeadlineError extends Error {
  override readonly name = 'GateDeadlineError';
  constructor(
    /** What held the request: the vendor's pause, the rate or the concurrency limit. */
    readonly reason: GateWaitReason,
    /** For a pause: how long it still lasts, in ms. */
    readonly waitMs?: number,
    /** For a store that did not answer: its description (`rateLimit.store.description`). */
    readonly store?: string,
    /** For a pause longer than the caller waits for one (`maxPauseMs`): that bound, in ms. */
    readonly maxPauseMs?: number,
  ) {
    super(`the request could not start before its deadline (${reason})`);
    Object.defineProperty(this, gateRefusalMarker, { value: 'deadline' });
  }
}

/**
 * The gate's store failed and is set to `onUnavailable: 'fail'`: the request was not sent. The HTTP layer
 * reports it as `ProviderUnavailableError`.
 */
export class GateStoreUnavailableError extends Error {
  override readonly name = 'GateStoreUnavailableError';
  constructor(
    /** The store, as it names itself (never a password). */
    readonly store: string,
    /** Why, as a code (`ECONNREFUSED`, `ETIMEDOUT`) or an error class name; never a message from outside. */
    readonly reason: string,
  ) {
    super(`${store} is unavailable (${reason})`);
    Object.defineProperty(this, gateRefusalMarker, { value: 'store-unavailable' });
  }
}

/**
 * `value` as a {@link GateDeadlineError} when it is one, made by this copy of core or another (`instanceof`
 * tells only this copy's), read into this copy's class with the fields it holds; undefined when it is none.
 * (A function beside the class, not a static member: a class that names itself inside its body is renamed
 * by the bundler, and its `name` would no longer be `GateDeadlineError`.)
 */
export function asGateDeadlineError(value: unknown): GateDeadlineError | undefined {
  if (value instanceof GateDeadlineError) return value;
  if (brandOf(value) !== 'deadline') return undefined;
  const held = value as object;
  const reason = fieldOf(held, 'reason', 'string');
  if (typeof reason !== 'string' || !gateWaitReasons.includes(reason)) return undefined;
  return new GateDeadlineError(
    reason as GateWaitReason,
    fieldOf(held, 'waitMs', 'number') as number | undefined,
    fieldOf(held, 'store', 'string') as string | undefined,
    fieldOf(held, 'maxPauseMs', 'number') as number | undefined,
  );
}

/** As {@link asGateDeadlineError}, for a {@link GateStoreUnavailableError}. */
export function asGateStoreUnavailableError(value: unknown): GateStoreUnavailableError | undefined {
  if (value instanceof GateStoreUnavailableError) return value;
  if (brandOf(value) !== 'store-unavailable') return undefined;
  const store = fieldOf(value as object, 'store', 'string');
  const reason = fieldOf(value as object, 'reason', 'string');
  return typeof store === 'string' && typeof reason === 'string'
    ? new GateStoreUnavailableError(store, reason)
    : undefined;
}

/** Options of {@link createRequestGate} beyond the limits. */
export interface RequestGateOptions {
  /** Where rate tokens, slots and the pause live, when `rateLimit.store` names none. Default: memory. */
  store?: GateStore | undefined;
}

const defaultHoldMs = 120_000;

/** While a shared store is failing, the gate asks it again this often (ms), and paces in memory between. */
export const gateStoreRetryMs = 1_000;

/**
 * Makes a {@link RequestGate} over a {@link GateStore}. Callers of one gate pass its door one at a time,
 * in the order they came (so a burst keeps its order and only one caller asks the store at a time); each
 * waits there for the pause to end, a concurrency slot and a rate token. A caller that aborts or would miss
 * its deadline leaves at once and hands the door on; a slot it took is given back.
 *
 * A store shared between processes may fail. Then, by the store's `onUnavailable`, the gate either paces
 * the request in this process's memory (`'fallback'`, the default: one `fallback` warning per outage through
 * `onWarning`, and the shared store asked again every {@link gateStoreRetryMs}) or refuses it with
 * {@link GateStoreUnavailableError} (`'fail'`). A pause after a 429 is always kept in memory too, so a
 * fallback still honours it.
 *
 * The gate is frozen, and so are its `acquire` and `pause`: whoever holds it may use it, but not replace
 * them (assigning one throws in strict code, and is ignored otherwise).
 */
export function createRequestGate(
  options: RateLimitOptions,
  clock: Clock,
  sleep: Sleep,
  gateOptions: RequestGateOptions = {},
): RequestGate {
  const shared = options.store ?? gateOptions.store;
  const local = createMemoryGateStore(clock);
  const { requestsPerSecond, maxConcurrency } = options;
  // The door: one caller at a time asks the store; the others queue in order.
  let occupied = false;
  const queue: (() => void)[] = [];
  // Woken when a slot of this process is released, so a caller waiting for one does not poll; the count
  // of releases tells a caller whether one came between its question to the store and its wait.
  let slotFreed: (() => void) | undefined;
  let releases = 0;
  let holders = 0;
  // What holds the caller at the door, for the callers queued behind it that reach their deadline.
  let waitingFor: GateWaitReason = 'rate';
  // Holders must be unique across every process sharing a store.
  const instance =
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  // A shared store that failed: warned about once, asked again from `retryAt` on. The outage lasts while any
  // kind of question that failed in it (the pause read, a slot, a token) has not been answered since: a
  // store that answers some and refuses others (one of its keys holding another type, a full Redis that
  // still answers reads) is one outage, not a new one each time another kind gets through.
  let outage = false;
  const failing = new Set<QuestionKind>();
  let retryAt = 0;
  // Refusals of a store set to 'fail': a caller that queued at the door while one happened is refused with
  // it, instead of asking the store again (one commandTimeoutMs after another, for each caller in turn).
  let refusals = 0;
  let lastRefusal: GateStoreUnavailableError | undefined;

  const freed = () => {
    releases += 1;
    const wake = slotFreed;
    slotFreed = undefined;
    wake?.();
  };

  // One call to the store: the shared one while it answers, else this process's memory (or a refusal).
  // Answers which store served it, so a slot is given back where it was taken.
  // `kind` names the question, for the outage's end: an answer ends only its own kind's failure.
  // The shared store is waited for within the caller's bound: its deadline and signal end the wait, as they
  // end every other wait of the gate (a Redis that accepts and never answers held a call for its whole
  // `commandTimeoutMs`, its abort unheard). What the store answers after that is handed to `late` (a slot
  // taken is given back); a token taken is simply not used, as one taken in a pause.
  async function ask<T>(
    call: (store: GateStore) => Promise<T>,
    onWarning: ((warning: Warning) => void) | undefined,
    bound: Bound,
    kind: QuestionKind,
    late?: (value: T) => void,
  ): Promise<{ value: T; store: GateStore }> {
    if (shared && (!outage || clock() >= retryAt || shared.onUnavailable === 'fail')) {
      try {
        const value = await within(call(shared), bound, shared, late);
        // A store of the caller's own may answer anything: a token wait that is no number (NaN kept every
        // caller waiting no time, in a loop that starved the event loop until the heap ran out), a slot
        // that is no boolean. Such an answer is the store failing, as an error is: warned, paced in memory.
        if (!answerFits[kind](value)) {
          late?.(value);
          throw Object.assign(new Error('the store answered a value of another kind'), { code: 'BADANSWER' });
        }
        if (failing.delete(kind) && failing.size === 0) outage = false;
        return { value, store: shared };
      } catch (error) {
        // The caller's deadline or signal, not the store's failure: no outage, no refusal.
        if (error instanceof GaveUp) throw error.reason;
        const refusal = storeFailed(shared, error, onWarning, kind);
        if (refusal) throw refusal;
      }
    }
    return { value: await call(local), store: local };
  }

  // A question to the shared store failed: a store set to 'fail' refuses (the refusal, for the caller to
  // throw), else the outage begins, warned about once.
  function storeFailed(
    shared: GateStore,
    error: unknown,
    onWarning: ((warning: Warning) => void) | undefined,
    kind: QuestionKind,
  ): GateStoreUnavailableError | undefined {
    const store = shared.description ?? 'the rate limit store';
    if (shared.onUnavailable === 'fail') {
      lastRefusal = new GateStoreUnavailableError(store, reasonOf(error));
      refusals += 1;
      return lastRefusal;
    }
    retryAt = clock() + gateStoreRetryMs;
    failing.add(kind);
    if (!outage) {
      outage = true;
      onWarning?.({
        type: 'fallback',
        setting: 'rateLimit.store',
        message: `${store} is unavailable (${reasonOf(error)}): this process paces its requests alone, in memory, until it answers again`,
      });
    }
    return undefined;
  }

  // Waits for a question to the shared store until it answers, or the bound's deadline passes (a
  // GateDeadlineError) or its signal fires (its reason), each thrown inside a GaveUp. A question left
  // unanswered is not cancelled: what it answers later goes to `late`. Its failure is nobody's: no caller
  // waits on it (the next question tells whether the store is down, and is heard by its own caller).
  // The store has a turn of the event loop first, with no timer armed: a store that answers at once (in
  // memory, a test's) or whose answer is already in is never raced by a sleep that ends at once (a
  // virtual one), and costs no timer.
  async function within<T>(
    question: Promise<T>,
    { deadline, signal }: Bound,
    shared: GateStore,
    late: ((value: T) => void) | undefined,
  ): Promise<T> {
    if (!Number.isFinite(deadline) && signal === undefined) return question;
    const leave = () => void question.then(late, noop);
    if (signal?.aborted) {
      leave();
      throw new GaveUp(signal.reason);
    }
    let answered = false;
    const tracked = question.then(
      (value) => {
        answered = true;
        return value;
      },
      (error: unknown) => {
        answered = true;
        throw error;
      },
    );
    tracked.catch(() => {});
    await Promise.race([tracked.then(noop, noop), new Promise<void>((resolve) => platformTurn(resolve))]);
    if (answered) return tracked;
    // Aborted during that turn: no listener added now would hear it.
    if (signal?.aborted) {
      leave();
      throw new GaveUp(signal.reason);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, once);
    const gaveUp = (
      Number.isFinite(deadline)
        ? sleep(Math.max(0, deadline - clock()), controller.signal)
        : aborted(controller.signal)
    ).then(
      () => {
        throw new GaveUp(
          new GateDeadlineError('store', undefined, shared.description ?? 'the rate limit store'),
        );
      },
      (reason: unknown) => {
        throw new GaveUp(signal?.aborted ? signal.reason : reason);
      },
    );
    try {
      return await Promise.race([tracked, gaveUp]);
    } catch (error) {
      if (error instanceof GaveUp && !answered) leave();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
      gaveUp.catch(() => {});
    }
  }

  // The end of the pause in force: the shared store's, or this process's own (kept for a fallback).
  async function pausedUntil(key: string, onWarning: ((warning: Warning) => void) | undefined, bound: Bound) {
    const [own, { value }] = await Promise.all([
      local.pausedUntil(key),
      ask((store) => store.pausedUntil(key), onWarning, bound, 'pause'),
    ]);
    // No pause this library writes is longer than its ceiling for a vendor's Retry-After: a longer one in a
    // shared store (a key another program wrote there) is held to it, as a vendor asking for years is.
    return Math.max(own, Math.min(value, clock() + retryAfterCeilingMs));
  }

  // Two questions to the store at once (one round trip on a pipelining client). When either fails, a slot
  // the other took is given back before the failure goes on.
  async function both<A, B>(
    first: Promise<A>,
    second: Promise<B>,
    undo: (settled: PromiseSettledResult<A>, other: PromiseSettledResult<B>) => void,
  ): Promise<[A, B]> {
    const [a, b] = await Promise.allSettled([first, second]);
    if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
    undo(a, b);
    throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
  }

  async function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms > 0) await sleep(ms, signal);
    else if (signal?.aborted) throw signal.reason;
  }

  // Waits until the pause ends; a pause that outlasts the deadline fails at once.
  async function waitOutPause(
    until: number,
    deadline: number,
    signal: AbortSignal | undefined,
    maxPauseMs: number,
  ) {
    const now = clock();
    if (until >= deadline) throw new GateDeadlineError('paused', until - now);
    // Longer than this caller waits for a vendor's pause (its `retry.maxRetryAfterMs`): a pause another
    // client or process wrote after its own 429, with its own ceiling, refuses this request as the 429
    // would have, at once.
    if (until - now > maxPauseMs) throw new GateDeadlineError('paused', until - now, undefined, maxPauseMs);
    waitingFor = 'paused';
    await waitFor(until - now, signal);
  }

  async function pauseOver(
    key: string,
    deadline: number,
    signal: AbortSignal | undefined,
    onWarning: ((warning: Warning) => void) | undefined,
    maxPauseMs: number,
  ): Promise<void> {
    for (;;) {
      const until = await pausedUntil(key, onWarning, { deadline, signal });
      if (until <= clock()) return;
      await waitOutPause(until, deadline, signal, maxPauseMs);
    }
  }

  function release(store: GateStore, key: string, holder: string): void {
    void store.releaseSlot(key, holder).then(freed, freed);
  }

  // Takes a slot while no pause is in force; answers the store that holds it.
  async function takeSlot(
    key: string,
    holder: string,
    limit: number,
    holdMs: number,
    deadline: number,
    signal: AbortSignal | undefined,
    onWarning: ((warning: Warning) => void) | undefined,
    maxPauseMs: number,
  ): Promise<GateStore> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const releasesBefore = releases;
      const bound = { deadline, signal };
      const [until, slot] = await both(
        pausedUntil(key, onWarning, bound),
        ask(
          (store) => store.acquireSlot(key, holder, limit, holdMs),
          onWarning,
          bound,
          'slot',
          (taken) => {
            if (taken && shared) release(shared, key, holder);
          },
        ),
        (_, taken) => {
          if (taken.status === 'fulfilled' && taken.value.value) release(taken.value.store, key, holder);
        },
      );
      if (until > clock()) {
        // Paused: nobody may start, so the slot goes back until the pause is over.
        if (slot.value) release(slot.store, key, holder);
        await waitOutPause(until, deadline, signal, maxPauseMs);
        continue;
      }
      if (slot.value) return slot.store;
      const now = clock();
      if (now >= deadline) throw new GateDeadlineError('concurrency');
      // A slot came free while the store answered: ask again at once.
      if (releases !== releasesBefore) continue;
      waitingFor = 'concurrency';
      // A slot of this process frees itself with a wake-up; one of another process (or one that expired)
      // is seen by asking again after the store's poll interval.
      const woken = new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
      const waitMs = Math.min(
        slot.store.pollIntervalMs ?? Number.POSITIVE_INFINITY,
        outage ? gateStoreRetryMs : Number.POSITIVE_INFINITY,
        deadline - now,
      );
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, once);
      // Without a deadline or a poll interval only a release (or the signal) ends the wait.
      const timed = Number.isFinite(waitMs) ? sleep(waitMs, controller.signal) : aborted(controller.signal);
      timed.catch(() => {});
      try {
        await Promise.race([woken, timed]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        controller.abort();
        slotFreed = undefined;
      }
      if (signal?.aborted) throw signal.reason;
    }
  }

  // Takes a rate token while no pause is in force (a token taken in a pause is simply not used).
  async function takeToken(
    key: string,
    rate: number,
    deadline: number,
    signal: AbortSignal | undefined,
    onWarning: ((warning: Warning) => void) | undefined,
    maxPauseMs: number,
  ): Promise<void> {
    for (;;) {
      const bound = { deadline, signal };
      const [until, token] = await both(
        pausedUntil(key, onWarning, bound),
        ask((store) => store.takeToken(key, rate), onWarning, bound, 'token'),
        () => {},
      );
      if (until > clock()) {
        await waitOutPause(until, deadline, signal, maxPauseMs);
        continue;
      }
      const waitMs = token.value;
      if (waitMs <= 0) return;
      if (clock() + waitMs >= deadline) throw new GateDeadlineError('rate');
      waitingFor = 'rate';
      await waitFor(waitMs, signal);
    }
  }

  // Enters the door, or queues for it; an abort, or the deadline, leaves the queue at once. The deadline's
  // timer starts only for a caller that really queues, so a virtual sleep that resolves at once (tests
  // that record waits) does not time out callers that never waited.
  async function enter(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    if (!occupied) {
      occupied = true;
      return;
    }
    if (signal?.aborted) throw signal.reason;
    if (clock() >= deadline) throw new GateDeadlineError(waitingFor);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, once);
    let entry: (() => void) | undefined;
    const turn = new Promise<void>((resolve) => {
      entry = resolve;
      queue.push(resolve);
    });
    const timed = Number.isFinite(deadline)
      ? sleep(deadline - clock(), controller.signal).then(() => {
          throw new GateDeadlineError(waitingFor);
        })
      : aborted(controller.signal);
    timed.catch(() => {});
    try {
      await Promise.race([turn, timed]);
    } catch (error) {
      const index = queue.indexOf(entry as () => void);
      if (index >= 0) queue.splice(index, 1);
      // The turn came in the same moment: hand it on.
      else leave();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  // Hands the door to the next caller in the queue.
  function leave(): void {
    const next = queue.shift();
    if (next) next();
    else occupied = false;
  }

  // Frozen, with its methods: the gate travels in every call's frozen options copy (`CallRuntime.gate`), and
  // code handed one copy (a wrapping provider) must not be able to rewrite `acquire` and so turn the limit
  // off for every later call of the client. It can still use it, as its API says.
  const gate: RequestGate = {
    async acquire({
      signal,
      deadline = Number.POSITIVE_INFINITY,
      key = 'default',
      holdMs,
      onWarning,
      maxPauseMs = Number.POSITIVE_INFINITY,
    } = {}) {
      if (signal?.aborted) throw signal.reason;
      const holder = `${instance}:${++holders}`;
      let holding: GateStore | undefined;
      let entered = false;
      const refusalsBefore = refusals;
      try {
        await enter(signal, deadline);
        entered = true;
        if (refusals !== refusalsBefore && lastRefusal) {
          throw new GateStoreUnavailableError(lastRefusal.store, lastRefusal.reason);
        }
        if (maxConcurrency !== undefined) {
          holding = await takeSlot(
            key,
            holder,
            maxConcurrency,
            holdMs ?? defaultHoldMs,
            deadline,
            signal,
            onWarning,
            maxPauseMs,
          );
        }
        if (requestsPerSecond !== undefined)
          await takeToken(key, requestsPerSecond, deadline, signal, onWarning, maxPauseMs);
        else if (holding === undefined) await pauseOver(key, deadline, signal, onWarning, maxPauseMs);
      } catch (error) {
        if (holding) release(holding, key, holder);
        throw error;
      } finally {
        if (entered) leave();
      }
      let released = false;
      return () => {
        if (released || !holding) return;
        released = true;
        release(holding, key, holder);
      };
    },
    pause(untilMs, key = 'default') {
      void local.setPause(key, untilMs);
      void shared?.setPause(key, untilMs).catch(() => {});
    },
  };
  Object.freeze(gate.acquire);
  Object.freeze(gate.pause);
  return Object.freeze(gate);
}

// Why a store failed, in words that cannot carry anything from outside: a system code or a class name.
function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'error';
}

function isGateStore(value: unknown): value is GateStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['takeToken', 'acquireSlot', 'releaseSlot', 'setPause', 'pausedUntil'].every(
    (method) => typeof store[method] === 'function',
  );
}

/** The kinds of question the gate asks its store, each of which can fail apart from the others. */
type QuestionKind = 'pause' | 'slot' | 'token';

// What a store's answer to each kind must be (GateStore): a pause's end and a token's wait are times in ms
// from 0, a slot taken or not a boolean.
const isTime = (value: unknown) => typeof value === 'number' && value >= 0 && Number.isFinite(value);
const answerFits: Readonly<Record<QuestionKind, (value: unknown) => boolean>> = {
  pause: isTime,
  slot: (value) => typeof value === 'boolean',
  token: isTime,
};

/** What bounds a caller's wait on the shared store: its deadline (epoch ms, by the gate's clock) and signal. */
interface Bound {
  deadline: number;
  signal: AbortSignal | undefined;
}

// The caller stopped waiting for the shared store (its deadline, its signal): `reason` is what it throws.
class GaveUp {
  constructor(readonly reason: unknown) {}
}

function noop(): void {}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), once);
  });
}
