import { TimeoutError } from '../errors/errors.js';
import { callTimeoutProblem } from '../http/transport-settings.js';
import type { ProviderId } from '../live-stream.js';
import {
  abortedReason,
  callOptionRules,
  checkCallOptionValues,
  notAborted,
  readOptions,
} from '../options.js';
import { invalidWebhookOption } from './webhook-input.js';

/**
 * The default bound of the vendor reads one `parseWebhook` call makes (ms): 5 s, half the 10 s the shortest
 * sender timeout known here allows (the sandbox's and GitHub's; Standard Webhooks advises senders 15 to
 * 30 s), leaving the rest for the body, `onEvents` and the network. See {@link webhookReads}.
 */
export const defaultWebhookReadTimeoutMs = 5_000;

/** What a bounded read is handed: the delivery's signal and what is left of its bound. */
export interface WebhookReadOptions {
  /**
   * Aborted when the delivery's bound passes, with the `TimeoutError` the delivery fails with as reason.
   * Always given when a delivery calls the reader; optional to a caller of its own (a warm-up at start).
   */
  signal?: AbortSignal | undefined;
  /** What is left of the bound, in whole ms (at least 1). Always given when a delivery calls the reader. */
  timeoutMs?: number | undefined;
}

/** The reads of one delivery, bounded together: see {@link webhookReads}. */
export interface WebhookReads {
  /**
   * Runs one read, handed the delivery's `signal` and what is left of the bound; rejects with the
   * delivery's `TimeoutError` once the bound passes, whatever the read does.
   *
   * @param who What reads, for the message (`the confirm reader`, `resolveStreamId`).
   */
  read<T>(who: string, run: (options: WebhookReadOptions) => T | PromiseLike<T>): Promise<T>;
  /** Ends the bound (its timer): called once the parse is done, whatever its outcome. */
  end(): void;
}

/**
 * Reads the options a webhook reader is called with (`{ signal, timeoutMs }`: a `resolveStreamId` such as
 * `wowzaRealtimeStreamNames`'s, a key source's `get` and `refresh`), before it reads anything. `parseWebhook`
 * hands them well formed; a caller of the reader's own is held to what every unilive call is held to. A
 * `signal` already aborted ends the call first, as a client's call ends
 * (`docs/decisions/2026-12-01-aborted-signal-first.md`), whatever else the options hold: its reason is
 * thrown, as the reader rejects with it when the signal fires while it waits (`SharedRead.join`) and as
 * `fetch` does, so no vendor read starts. Names other than `signal` and `timeoutMs` are left unread.
 *
 * @returns The signal to follow (a platform one), if any.
 * @throws The signal's reason when it is aborted already.
 * @throws InvalidInputError (`operation: 'parseWebhook'`, `delivery: 'not-sent'`) naming the option as a
 *   client's call does (`options.signal`, `options.timeoutMs`):
 *   options that are no plain object (`null`, a `Map`, a class instance), an option that cannot be read,
 *   a `signal` that is no `AbortSignal`, a `timeoutMs` that is no number of ms above 0 and at most
 *   2,147,483,647 (`0`, `-1`, `NaN`, `Infinity`).
 */
export function readWebhookReadOptions(provider: ProviderId, options: unknown): AbortSignal | undefined {
  const reason = abortedReason(options);
  if (reason !== notAborted) throw reason;
  const read = readOptions<Partial<WebhookReadOptions>>(options, callOptionRules, {
    provider,
    operation: 'parseWebhook',
    path: 'options',
    unknown: 'ignore',
  });
  checkCallOptionValues(read, provider, 'parseWebhook');
  // A getter's signal is read by readOptions alone (abortedReason runs no caller code): aborted, it ends the
  // call all the same.
  if (read.signal?.aborted) throw read.signal.reason;
  return read.signal;
}

/**
 * Checks a bound of vendor reads given as an option: `undefined` or a number of ms above 0, at most
 * 2,147,483,647; anything else is an `InvalidInputError` naming `option` (`operation: 'parseWebhook'`).
 */
export function checkWebhookReadTimeout(provider: ProviderId, option: string, value: unknown): number {
  if (value === undefined) return defaultWebhookReadTimeoutMs;
  const problem = callTimeoutProblem(value);
  if (problem !== undefined) throw invalidWebhookOption(provider, option, problem);
  return value as number;
}

/**
 * One bound over every vendor read a `parseWebhook` call makes (`confirm`'s `get`, Wowza Real-Time's
 * `resolveStreamId`, videosdk's key fetch): all of them together take at most `timeoutMs`, counted from
 * this call. Each read is handed a `signal`, aborted at the bound with the `TimeoutError` as its reason,
 * and `timeoutMs`, what is left of the bound, so a unilive provider or client stops there; a reader that
 * ignores both is no longer waited for (what it answers later is dropped). The delivery then fails with a
 * `TimeoutError` (`operation: 'parseWebhook'`), which `createWebhookHandler` answers 500, so a vendor that
 * retries delivers again.
 *
 * @param provider The parser's vendor.
 * @param timeoutMs The bound, in ms: checked by {@link checkWebhookReadTimeout} first.
 * @param option The option that sets it (`readTimeoutMs`), named in the error's message.
 */
export function webhookReads(provider: ProviderId, timeoutMs: number, option: string): WebhookReads {
  const controller = new AbortController();
  const startedAt = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reader = 'a read';
  let expire: (error: TimeoutError) => void = () => {};
  const expired = new Promise<never>((_, reject) => {
    expire = reject;
  });
  // Settled only by the timer, and only raced: never left rejected unheard.
  expired.catch(() => {});
  timer = setTimeout(() => {
    timer = undefined;
    const error = new TimeoutError({
      provider,
      operation: 'parseWebhook',
      message:
        `${provider} webhook: ${reader} did not answer within ${timeoutMs} ms (${option}): ` +
        'the delivery is neither accepted nor refused',
    });
    // The wait ends first, so the reader's own end (its AbortError) is never what the delivery fails with.
    expire(error);
    controller.abort(error);
  }, timeoutMs);
  return {
    read<T>(who: string, run: (options: WebhookReadOptions) => T | PromiseLike<T>): Promise<T> {
      reader = who;
      if (controller.signal.aborted) return expired;
      const left = Math.max(1, Math.ceil(timeoutMs - (performance.now() - startedAt)));
      let answer: Promise<T>;
      try {
        answer = Promise.resolve(run({ signal: controller.signal, timeoutMs: left }));
      } catch (error) {
        answer = Promise.reject(error);
      }
      return Promise.race([answer, expired]);
    },
    end() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * One read shared by every caller that asks while it runs (a key fetch, a walk of the streams), each
 * waiting with its own signal: a caller whose signal aborts stops waiting at once, and the read itself is
 * aborted (with that caller's reason) only when no caller waits for it any more. A caller with no signal
 * keeps it running to its end.
 */
export interface SharedRead<T> {
  /** Waits for the read, until `signal` aborts (rejecting with its reason). */
  join(signal?: AbortSignal): Promise<T>;
  /** The read itself, settled when it ends. */
  readonly done: Promise<T>;
  /**
   * Whether every caller left and the read was aborted: it may not have settled yet, and a new caller
   * starts a read of its own rather than join it (and fail with a reason that is not its own).
   */
  readonly abandoned: boolean;
}

/**
 * Starts `run` as a {@link SharedRead}: its signal aborts only when every caller that joined has left.
 */
export function sharedRead<T>(run: (signal: AbortSignal) => Promise<T>): SharedRead<T> {
  const controller = new AbortController();
  let waiting = 0;
  let pinned = false;
  let settled = false;
  const done = Promise.resolve()
    .then(() => run(controller.signal))
    .finally(() => {
      settled = true;
    });
  // Heard by the callers; never left rejected unheard when all of them left.
  done.catch(() => {});
  return {
    done,
    get abandoned() {
      return controller.signal.aborted;
    },
    join(signal) {
      if (!signal) {
        pinned = true;
        return done;
      }
      if (signal.aborted) return Promise.reject(signal.reason);
      waiting += 1;
      return new Promise<T>((resolve, reject) => {
        let gone = false;
        const leave = () => {
          gone = true;
          waiting -= 1;
          reject(signal.reason);
          if (waiting === 0 && !pinned && !settled) controller.abort(signal.reason);
        };
        signal.addEventListener('abort', leave, { once: true });
        done.then(
          (value) => {
            if (gone) return;
            signal.removeEventListener('abort', leave);
            waiting -= 1;
            resolve(value);
          },
          (error: unknown) => {
            if (gone) return;
            signal.removeEventListener('abort', leave);
            waiting -= 1;
            reject(error);
          },
        );
      });
    },
  };
}
