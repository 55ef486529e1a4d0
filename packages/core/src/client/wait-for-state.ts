import { AbortError, ConflictError, TimeoutError } from '../errors/errors.js';
import type { LiveStreamState } from '../live-stream.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import type { Clock, Sleep } from '../runtime.js';

/** Options of `waitForState`. */
export interface WaitForStateOptions {
  /** Give up after this long. Default 5 minutes (Wowza takes about 20 s to start, sometimes more). */
  timeoutMs?: number;
  /** First pause between polls; it grows by half each poll up to `maxIntervalMs`. Default 1 s. */
  intervalMs?: number;
  /** Longest pause between polls. Default 10 s. */
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Polls the provider's cheapest state call until the stream reaches one of `targets`, backing off between
 * polls. Throws {@link TimeoutError} naming the last state seen, or {@link ConflictError} when the stream
 * becomes `disabled` and that was not a target.
 */
export async function waitForStatus(
  provider: LiveStreamProvider,
  id: string,
  targets: readonly LiveStreamState[],
  options: WaitForStateOptions,
  runtime: { clock: Clock; sleep: Sleep; callOptions: CallOptions },
): Promise<LiveStreamStatus> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  let interval = options.intervalMs ?? 1_000;
  const maxInterval = options.maxIntervalMs ?? 10_000;
  const deadline = runtime.clock() + timeoutMs;
  const context = { provider: provider.id, operation: 'waitForState' };
  let lastState: LiveStreamState | undefined;
  for (;;) {
    const status = provider.getStatus
      ? await provider.getStatus(id, runtime.callOptions)
      : await provider.get(id, runtime.callOptions);
    lastState = status.state;
    if (targets.includes(status.state)) return status;
    // States the stream cannot leave: waiting longer would only time out.
    const stuck =
      status.state === 'disabled' ||
      (status.state === 'stopped' && !provider.capabilities.restart && !targets.includes('stopped'));
    if (stuck) {
      throw new ConflictError({
        ...context,
        message: `${provider.id} stream ${id} is ${status.state} and will not become ${targets.join(' or ')}`,
      });
    }
    const remaining = deadline - runtime.clock();
    if (remaining <= 0) {
      throw new TimeoutError({
        ...context,
        lastState,
        message: `${provider.id} stream ${id} did not become ${targets.join(' or ')} within ${timeoutMs} ms (last state: ${lastState})`,
      });
    }
    try {
      await runtime.sleep(Math.min(interval, remaining), options.signal);
    } catch (reason) {
      throw new AbortError({ ...context, message: 'waitForState was aborted', cause: reason });
    }
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
