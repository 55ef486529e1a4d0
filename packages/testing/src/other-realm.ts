import { runInNewContext } from 'node:vm';

/**
 * How a signal of another realm misbehaves: `remove-throws`, its `removeEventListener` throws; `reason-throws`,
 * its `reason` getter throws once it has been aborted. `none`: neither.
 */
export type OtherRealmSignalQuirk = 'none' | 'remove-throws' | 'reason-throws';

/** An `AbortController` of another realm, as {@link otherRealmAbortController} makes it. */
export interface OtherRealmAbortController {
  /** The realm's own signal, with how many times its `addEventListener` and `removeEventListener` were called. */
  readonly signal: AbortSignal & { readonly added: number; readonly removed: number };
  /** Aborts it, with `reason` or, when none is given, an `Error` of that realm; calls its listeners in order. */
  abort(reason?: unknown): void;
}

// Node gives a vm context no AbortController or EventTarget: the realm's controller is its own code, so its
// objects have that realm's prototypes and its default abort reason is that realm's Error, as an iframe's
// or a vm context's signal would be for a library running in the main realm.
let factory: ((quirk: OtherRealmSignalQuirk) => OtherRealmAbortController) | undefined;

/**
 * An `AbortController` made in another realm (a new `node:vm` context): what a caller in a vm context or an
 * iframe hands to unilive. Its signal is an `EventTarget`-like object with `aborted`, `reason`,
 * `addEventListener` and `removeEventListener`, counting the calls of the last two, with the misbehaviour
 * `quirk` names. For tests that a library follows such a signal without relying on the platform's own.
 */
export function otherRealmAbortController(quirk: OtherRealmSignalQuirk = 'none'): OtherRealmAbortController {
  factory ??= runInNewContext(`
    (quirk) => {
      class AbortSignal {
        constructor() {
          this.aborted = false;
          this.added = 0;
          this.removed = 0;
          this.listeners = [];
          this.storedReason = undefined;
        }
        get reason() {
          if (quirk === 'reason-throws' && this.aborted) throw new Error('no reason here');
          return this.storedReason;
        }
        addEventListener(type, listener, options) {
          this.added += 1;
          if (type === 'abort') this.listeners.push({ listener, once: Boolean(options && options.once) });
        }
        removeEventListener(type, listener) {
          this.removed += 1;
          if (quirk === 'remove-throws') throw new Error('cannot remove here');
          this.listeners = this.listeners.filter((entry) => entry.listener !== listener);
        }
      }
      class AbortController {
        constructor() {
          this.signal = new AbortSignal();
        }
        abort(reason) {
          const signal = this.signal;
          if (signal.aborted) return;
          signal.aborted = true;
          signal.storedReason = reason === undefined ? new Error('aborted in the other realm') : reason;
          const listeners = signal.listeners;
          signal.listeners = listeners.filter((entry) => !entry.once);
          for (const entry of listeners) {
            if (typeof entry.listener === 'function') entry.listener.call(signal, { type: 'abort', target: signal });
            else entry.listener.handleEvent({ type: 'abort', target: signal });
          }
        }
      }
      return new AbortController();
    }
  `) as (quirk: OtherRealmSignalQuirk) => OtherRealmAbortController;
  return factory(quirk);
}
