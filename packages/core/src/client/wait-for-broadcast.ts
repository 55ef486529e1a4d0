import { ResponseShapeError, UnsupportedOperationError } from '../errors/errors.js';
import type { LiveStreamState } from '../live-stream.js';
import type { LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import { providerMethod } from './provider-method.js';
import {
  type CheckedWaitOptions,
  kindOf,
  pollStatus,
  staysDown,
  type WaitForStateOptions,
  type WaitRuntime,
} from './wait-for-state.js';

/** Options of `waitForBroadcast`: those of `waitForState`, and which way to wait. */
export interface WaitForBroadcastOptions extends WaitForStateOptions {
  /** Wait for video to arrive (`true`, the default) or to stop arriving (`false`). */
  broadcasting?: boolean | undefined;
}

/**
 * Polls until the stream's video is arriving (or has stopped). What decides, in order: the API's
 * `broadcasting` where the stream read reports it (`capabilities.broadcastingStatus`); the vendor's own
 * call for it where there is one (`provider.getBroadcasting`, asked only while the stream is `ready`: a
 * stream that is not ready takes no video); the newest event about the stream that tells, whatever its type
 * (`broadcasting` set: a parsed `live_stream.connected` / `disconnected`, or an event a confirming read or the
 * application set it on), by `occurredAt`, those a hub heard before the wait included;
 * feed by feed where events carry `data.feedId`: video arrives while any feed's newest event says so),
 * and polling checks that the stream still exists and can broadcast: a stream a poll reads `stopped` or
 * `disabled` takes no video whatever the newest event said (a `connected` whose `disconnected` was late or
 * lost), so waiting for video to stop ends there with `broadcasting: false`, and waiting for it to arrive
 * goes on (or fails, below); `ready`, the states in between and `unknown` leave it to the event. Where none
 * of these can tell, there is nothing to wait on: {@link UnsupportedOperationError} before any request,
 * naming why (no events given, or a vendor whose webhooks never tell, `capabilities.broadcastingEvents`
 * false). A stream that cannot broadcast (`disabled`, or `stopped` for good) fails fast with
 * `ConflictError`. One `stopped` where the vendor can start it again (`capabilities.restart`: LiveAPI,
 * Wowza Video) is waited on, since whoever holds the stream may start it (this process, another,
 * the vendor's console) and video may then arrive; while it stays stopped the wait ends at `timeoutMs` with
 * `TimeoutError` (`lastState: 'stopped'`, its message saying the stream takes no video until started).
 */
export async function waitForBroadcastStatus<T = LiveStreamStatus>(
  provider: LiveStreamProvider,
  id: string,
  target: boolean,
  checked: CheckedWaitOptions,
  signal: AbortSignal | undefined,
  runtime: WaitRuntime<T> & {
    /** Whether video arrives as the events heard tell it (feed by feed); undefined when none told. */
    broadcastingHeard?: (() => boolean | undefined) | undefined;
  },
): Promise<T> {
  const { broadcastingStatus, broadcastingEvents } = runtime.capabilities;
  // Read once (`providerMethod`): what is called at each poll is what was checked here.
  const vendorCall = providerMethod(
    provider,
    'getBroadcasting',
    { provider: provider.id, operation: 'waitForBroadcast', label: 'waitForBroadcast' },
    true,
  );
  const newestEvent = broadcastingEvents === false ? undefined : runtime.broadcastingHeard;
  if (!broadcastingStatus && !vendorCall && !newestEvent) {
    throw new UnsupportedOperationError({
      provider: provider.id,
      operation: 'waitForBroadcast',
      message:
        broadcastingEvents === false
          ? `${provider.id} tells whether video is arriving neither in its API nor in its webhooks ` +
            '(capabilities.broadcastingStatus and broadcastingEvents are false): waitForBroadcast cannot see video; ' +
            'wait for the state with waitForState, or watch the playback'
          : `${provider.id} does not report whether video is arriving (capabilities.broadcastingStatus is false): ` +
            'pass events (a webhook event hub) to waitForBroadcast',
      delivery: 'not-sent',
    });
  }
  return pollStatus(provider, id, checked, signal, runtime, {
    operation: 'waitForBroadcast',
    goal: target ? 'start broadcasting' : 'stop broadcasting',
    async reached(status, options) {
      if (status.broadcasting === target) return status;
      if (status.broadcasting !== undefined) return undefined;
      if (vendorCall) {
        if (status.state !== 'ready') return target ? undefined : { ...status, broadcasting: false };
        const arriving: unknown = await vendorCall.call(provider, id, options);
        // A provider from outside this repository may answer anything: `'yes'` read as "not arriving"
        // would poll until the wait ran out.
        if (arriving !== undefined && typeof arriving !== 'boolean')
          throw new ResponseShapeError({
            provider: provider.id,
            operation: 'waitForBroadcast',
            message: `${provider.id} waitForBroadcast (getBroadcasting): the provider answered no usable answer ($: expected a boolean, or undefined when it cannot say, found ${kindOf(arriving, 'a text')})`,
            issues: [{ path: '$', expected: 'a boolean, or undefined' }],
            delivery: 'unknown',
          });
        if (arriving === target) return { ...status, broadcasting: target };
        if (arriving !== undefined) return undefined;
      }
      // The API has the last word over an event, which may be late or its sequel lost (a `connected`
      // heard, then the stream stopped with no `disconnected`): a stream the poll finds stopped or disabled
      // is not broadcasting, whatever the newest event said.
      if (takesNoVideo(status.state)) return target ? undefined : { ...status, broadcasting: false };
      return newestEvent?.() === target ? { ...status, broadcasting: target } : undefined;
    },
    // Video cannot arrive at a stream the vendor will not run.
    stuck: (status) => target && staysDown(status.state, runtime.capabilities),
    // A stream that can run again is waited on while stopped or disabled (anyone may start or enable it:
    // this process, another, the vendor's console), but it takes no video until then: a wait that ran out
    // there says so.
    timeoutNote: (lastState) =>
      !target
        ? undefined
        : lastState === 'stopped'
          ? 'a stopped stream takes no video until it is started again (start)'
          : lastState === 'disabled'
            ? 'a disabled stream takes no video until it is enabled and started again'
            : undefined,
  });
}

// A stream the API reports `stopped` or `disabled` is not running, so no video reaches it. The states on the
// way between two (`starting`, `stopping`, `resetting`) and `unknown` leave the question to the events: a
// vendor may take an encoder while a stream starts, or still pass video while it stops.
function takesNoVideo(state: LiveStreamState): boolean {
  return state === 'stopped' || state === 'disabled';
}
