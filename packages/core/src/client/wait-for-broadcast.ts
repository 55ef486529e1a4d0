import { UnsupportedOperationError } from '../errors/errors.js';
import type { LiveStreamEvent } from '../events/live-stream-event.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import type { Clock, Sleep } from '../runtime.js';
import { type CheckedWaitOptions, pollStatus, type WaitForStateOptions } from './wait-for-state.js';

/** Options of `waitForBroadcast`: those of `waitForState`, and which way to wait. */
export interface WaitForBroadcastOptions extends WaitForStateOptions {
  /** Wait for video to arrive (`true`, the default) or to stop arriving (`false`). */
  broadcasting?: boolean;
}

/**
 * Polls until the stream's video is arriving (or has stopped). The API's `broadcasting` decides where the
 * vendor reports it; where it does not, the newest event about the stream that tells
 * (`live_stream.connected` / `disconnected`, by `occurredAt`) decides, and polling checks that the stream
 * still exists and can broadcast. Without events on such a vendor there is nothing to wait on:
 * {@link UnsupportedOperationError} before any request. A stream that cannot broadcast (`disabled`, or
 * `stopped` for good) fails fast with `ConflictError`.
 */
export async function waitForBroadcastStatus(
  provider: LiveStreamProvider,
  id: string,
  target: boolean,
  checked: CheckedWaitOptions,
  signal: AbortSignal | undefined,
  runtime: {
    clock: Clock;
    sleep: Sleep;
    callOptions: CallOptions;
    newestBroadcasting?: (() => LiveStreamEvent | undefined) | undefined;
  },
): Promise<LiveStreamStatus> {
  if (!provider.capabilities.broadcastingStatus && !runtime.newestBroadcasting) {
    throw new UnsupportedOperationError({
      provider: provider.id,
      operation: 'waitForBroadcast',
      message:
        `${provider.id} does not report whether video is arriving (capabilities.broadcastingStatus is false): ` +
        'pass events (a webhook event hub) to waitForBroadcast',
    });
  }
  return pollStatus(provider, id, checked, signal, runtime, {
    operation: 'waitForBroadcast',
    goal: target ? 'start broadcasting' : 'stop broadcasting',
    reached(status) {
      if (status.broadcasting === target) return status;
      if (status.broadcasting !== undefined) return undefined;
      const event = runtime.newestBroadcasting?.();
      return event?.broadcasting === target ? { ...status, broadcasting: target } : undefined;
    },
    // Video cannot arrive at a stream the vendor will not run.
    stuck: (status) =>
      target &&
      (status.state === 'disabled' || (status.state === 'stopped' && !provider.capabilities.restart)),
  });
}
