import { AbortError, abortedMessage, TimeoutError } from '../errors/errors.js';
import { markDeadlineCut } from '../errors/unilive-error.js';
import { maxTimeoutMs } from '../http/transport-settings.js';
import type { ProviderId } from '../live-stream.js';
import { markClientOptions } from '../options.js';
import type { CallOptions, LiveStreamProvider } from '../provider.js';
import type { Clock } from '../runtime.js';
import type { ProviderMethodName } from './provider-method.js';

/**
 * Calls to a provider from outside this repository, bounded as a caller asked.
 *
 * A built-in adapter ends every call by the caller's `signal` and by `runtime.deadline` (its HTTP layer cuts
 * each attempt to them). A provider written elsewhere may ignore both, or never settle at all: a call made
 * with a signal, or a wait's poll under its deadline, would then stay pending forever. The client calls
 * such a provider through {@link boundedProvider}: each call that returns a promise is settled by the
 * caller's signal (an `AbortError`, `delivery: 'unknown'`: the provider may have acted) or its deadline (a
 * `TimeoutError` the wait reads as its own), whichever comes first, and the provider is handed a signal
 * that aborts at the deadline too, so one that honours signals stops its work there. What the provider's
 * promise does afterwards is ignored.
 */

// The calls a client awaits: each takes its options last. `list` returns an iterator, whose steps the
// client's walk bounds itself (see `settleBy`).
const awaited: ReadonlySet<ProviderMethodName> = new Set<ProviderMethodName>([
  'create',
  'get',
  'update',
  'delete',
  'start',
  'stop',
  'getStatus',
  'getBroadcasting',
]);

/**
 * A stand-in for `provider` whose awaited methods are bounded (see above) and whose `id` is the one the
 * client read: each method is read from `provider` when the stand-in's is read, once per call as the client
 * reads it (`providerMethod`), and called with `provider` as `this`. `list` is passed through as it is.
 */
export function boundedProvider(
  provider: LiveStreamProvider,
  id: ProviderId,
  clock: Clock,
): LiveStreamProvider {
  const standIn = Object.create(null) as Record<string, unknown>;
  Object.defineProperty(standIn, 'id', { value: id, enumerable: true });
  for (const name of [...awaited, 'list'] as const) {
    Object.defineProperty(standIn, name, {
      enumerable: true,
      get() {
        const method: unknown = (provider as unknown as Record<string, unknown>)[name];
        if (typeof method !== 'function' || name === 'list') return method;
        return (...args: unknown[]) => {
          const options = args[args.length - 1] as CallOptions | undefined;
          const operation = options?.runtime?.operation ?? name;
          return settleBy(
            (given) => method.apply(provider, given === options ? args : [...args.slice(0, -1), given]),
            options,
            { provider: id, operation },
            clock,
          );
        };
      },
    });
  }
  return standIn as unknown as LiveStreamProvider;
}

/**
 * What `run` resolves to, or the caller's abort or the deadline, whichever comes first. `run` is handed the
 * options to pass on: `options` itself, or, when a deadline bounds the call, a copy whose `signal` also
 * aborts at the deadline. Neither bound given: `run`'s own promise.
 */
export function settleBy<T>(
  run: (options: CallOptions | undefined) => unknown,
  options: CallOptions | undefined,
  context: {
    provider: ProviderId;
    operation: string;
    /** The error an abort ends the call with; default an `AbortError` with `delivery: 'unknown'`. */
    aborted?: () => unknown;
  },
  clock: Clock,
): Promise<T> {
  const signal = options?.signal;
  const deadline = options?.runtime?.deadline;
  if (signal === undefined && deadline === undefined) {
    try {
      return Promise.resolve(run(options)) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    // The deadline's error once it came: a provider that then fails (its own abort, heard on the signal
    // the deadline fired) fails by the deadline, and the call ends with this.
    let expired: unknown;
    const end = () => {
      ended = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const abort = () => {
      if (ended) return;
      end();
      const { provider, operation, aborted } = context;
      reject(
        aborted
          ? aborted()
          : new AbortError({
              provider,
              operation,
              message: abortedMessage(provider, operation),
              cause: signal?.reason,
              // The provider had the call: it may have acted on it.
              delivery: 'unknown',
            }),
      );
    };
    // A turn of the event loop later: a provider whose promise settled as the signal fired (its answer
    // already on its way to the caller) is heard first, as the HTTP layer hears an answer read in full.
    const onAbort = () => {
      setTimeout(abort, 0);
    };
    let given = options;
    if (deadline !== undefined) {
      const atDeadline = new AbortController();
      given = markClientOptions({
        ...options,
        signal: signal === undefined ? atDeadline.signal : AbortSignal.any([signal, atDeadline.signal]),
      });
      // A timer of the event loop's time, for the time the client's clock says is left: a clock a test
      // drives ends nothing early.
      const left = Math.min(Math.max(0, deadline - clock()), maxTimeoutMs);
      timer = setTimeout(() => {
        if (ended) return;
        const error = markDeadlineCut(
          new TimeoutError({
            provider: context.provider,
            operation: context.operation,
            message: `${context.provider} ${context.operation}: the provider's call did not settle by its deadline`,
            delivery: 'unknown',
          }),
          deadline,
        );
        // The provider is told at once; the call ends a turn of the event loop later, so an answer that
        // settled as the deadline came (a poll that saw the goal) is heard, as a caller's abort hears one.
        expired = error;
        atDeadline.abort(error);
        setTimeout(() => {
          if (ended) return;
          end();
          reject(error);
        }, 0);
      }, left);
    }
    if (signal?.aborted) {
      abort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    let result: unknown;
    try {
      result = run(given);
    } catch (error) {
      end();
      reject(error);
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        if (ended) return;
        end();
        resolve(value as T);
      },
      (error: unknown) => {
        if (ended) return;
        end();
        reject(expired ?? error);
      },
    );
  });
}
