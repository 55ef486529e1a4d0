/**
 * The time limits of one client's attempts. Each attempt is ended by a timer of its own that fires exactly
 * its limit after the attempt started; what changes is where the timer comes from. Node keeps one list per
 * timer duration and drops it when its last timer is cleared, so a client making its calls one after the
 * other paid for a timer, a list and the list's place in Node's queue at every attempt, and for their
 * removal after it. Here a timer with the client's usual limit is kept once its attempt ends, unreferenced
 * (it keeps no process alive), and re-armed with `refresh()` for the next attempt: it then fires the limit
 * after that attempt's start, as a new timer would, and the list it sits in stays.
 *
 * Only timers made by the runtime's own `setTimeout` (Node's, as `node:timers` has it) are kept. Fake timers
 * (vitest's, sinon's) count a kept timer as pending and run it when told to run them all, which would move
 * their clock a whole limit past calls that already ended; so with fake timers installed, on a runtime
 * whose timers cannot be re-armed, for another limit, or when the global `setTimeout` was replaced since a
 * timer was made, each attempt has a new timer, cleared when it ends.
 */

/** One attempt's timer, as handed out by {@link AttemptTimers.start}. */
export interface AttemptTimer {
  /** Called when the limit passes, while the attempt has not ended. */
  fire: ((marker: symbol) => void) | undefined;
}

interface ReusableTimer {
  ref(): unknown;
  unref(): unknown;
  refresh(): unknown;
}

class Slot implements AttemptTimer {
  fire: ((marker: symbol) => void) | undefined = undefined;
  handle: ReturnType<typeof setTimeout> | undefined = undefined;
  // The functions that made the timer: a kept timer is re-armed only while they are still the global ones.
  made: typeof setTimeout | undefined = undefined;
  clear: typeof clearTimeout | undefined = undefined;
  kept = false;
}

/** Timers kept beside the ones running: enough for the calls a client usually has in flight. */
const maxKept = 16;

function isReusable(handle: unknown): handle is ReusableTimer {
  return (
    typeof handle === 'object' &&
    handle !== null &&
    typeof (handle as ReusableTimer).refresh === 'function' &&
    typeof (handle as ReusableTimer).ref === 'function' &&
    typeof (handle as ReusableTimer).unref === 'function'
  );
}

/**
 * The runtime's own `setTimeout`, looked up where fake timers do not reach (they replace the global one
 * only); `undefined` where the runtime has no `node:timers`, and then no timer is kept.
 */
function runtimeSetTimeout(): typeof setTimeout | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    const timers = host?.getBuiltinModule?.('node:timers') as { setTimeout?: unknown } | undefined;
    return typeof timers?.setTimeout === 'function' ? (timers.setTimeout as typeof setTimeout) : undefined;
  } catch {
    return undefined;
  }
}

const ownSetTimeout = /* @__PURE__ */ runtimeSetTimeout();

/** The attempt timers of one client whose usual attempt limit is `usualMs`. */
export class AttemptTimers {
  readonly #usualMs: number;
  readonly #keepable: typeof setTimeout | undefined;
  readonly #idle: Slot[] = [];

  /**
   * @param keepable - the `setTimeout` whose timers may be kept: the runtime's own unless given (tests
   *   pass a fake one to follow re-armed timers on a fake clock).
   */
  constructor(usualMs: number, keepable: typeof setTimeout | undefined = ownSetTimeout) {
    this.#usualMs = usualMs;
    this.#keepable = keepable;
  }

  /**
   * Arms a timer that calls `fire(marker)` once `ms` milliseconds have passed, unless {@link stop} is
   * called first.
   */
  start(ms: number, fire: (marker: symbol) => void, marker: symbol): AttemptTimer {
    const made = globalThis.setTimeout;
    if (ms === this.#usualMs) {
      const idle = this.#idle;
      const kept = idle.pop();
      if (kept !== undefined) {
        if (kept.made === made) {
          kept.fire = fire;
          const handle = kept.handle as unknown as ReusableTimer;
          handle.ref();
          handle.refresh();
          return kept;
        }
        // Made by timers no longer installed: dropped (it fires once, unreferenced, with nothing to end).
        idle.length = 0;
      }
    }
    const slot = new Slot();
    slot.fire = fire;
    slot.made = made;
    slot.clear = globalThis.clearTimeout;
    slot.handle = made(() => {
      const current = slot.fire;
      if (current !== undefined) current(marker);
    }, ms);
    slot.kept = ms === this.#usualMs && made === this.#keepable && isReusable(slot.handle);
    return slot;
  }

  /** The attempt ended: its timer will not fire for it. */
  stop(timer: AttemptTimer): void {
    const slot = timer as Slot;
    slot.fire = undefined;
    if (slot.kept && this.#idle.length < maxKept && slot.made === globalThis.setTimeout) {
      (slot.handle as unknown as ReusableTimer).unref();
      this.#idle.push(slot);
      return;
    }
    slot.clear?.(slot.handle);
  }
}
