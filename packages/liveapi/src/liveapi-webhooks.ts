import {
  type LiveStreamEvent,
  type LiveStreamEventType,
  type LiveStreamState,
  namedStreamEvent,
  parseOwn,
  readUnsignedWebhook,
  safeParseOwn,
  tolerantField,
  type UnsignedWebhookOptions,
  uniqueDeliveryId,
  type WebhookInput,
  WebhookVerificationError,
} from '@unilive/core';
import * as v from 'valibot';
import { isLiveApiNoSuchStream } from './liveapi-error.js';

// LiveAPI webhooks: no page documents them. The event names come from a client's allow-list of LiveAPI
// events; the envelope `{ event, payload }` from consumer code that routes on exactly those two keys;
// what `payload` holds is not documented (INFERRED: the object concerned, a live stream for `stream-*`).
// No signature, secret, timestamp, id or retry policy is documented: deliveries are unsigned.

const provider = 'liveapi';

/** Options of the LiveAPI {@link parseWebhook}: the vendor signs nothing, see {@link UnsignedWebhookOptions}. */
export type LiveApiWebhookOptions = UnsignedWebhookOptions;

// Each schema is built inside a call marked pure: a bundle that never reads a webhook then drops it, where
// a bundler keeps an unused top-level `v.looseObject(…)` (it cannot tell the call has no effect).
const envelopeSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    event: v.string(),
    payload: v.fallback(v.optional(v.looseObject({}), {}), {}),
  }))();

const payloadSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    _id: tolerantField(v.string()),
    id: tolerantField(v.string()),
    // Platform (restream) events may carry the platform itself: its stream under one of these (unverified).
    live_stream_id: tolerantField(v.string()),
    live_stream: v.fallback(
      v.optional(v.union([v.string(), v.looseObject({ _id: tolerantField(v.string()) })])),
      undefined,
    ),
    enabled: tolerantField(v.boolean()),
  }))();

// What a vendor event name becomes: a `state_changed` always says to what.
type Mapped =
  | { type: 'live_stream.state_changed'; state: LiveStreamState }
  | { type: Exclude<LiveStreamEventType, 'live_stream.state_changed'>; broadcasting?: boolean };

// A Map: the key is the vendor's text, and `constructor` or `__proto__` must find nothing.
const streamEvents = new Map<string, Mapped>([
  ['stream-created', { type: 'live_stream.created' }],
  ['stream-connected', { type: 'live_stream.connected', broadcasting: true }],
  ['stream-disconnected', { type: 'live_stream.disconnected', broadcasting: false }],
  ['stream-removed', { type: 'live_stream.deleted' }],
  ['stream-platform-added', { type: 'live_stream.restream_changed' }],
  ['stream-platform-connected', { type: 'live_stream.restream_changed' }],
  ['stream-platform-disconnected', { type: 'live_stream.restream_changed' }],
  ['stream-platform-removed', { type: 'live_stream.restream_changed' }],
  ['recording-exported', { type: 'live_stream.recording_ready' }],
]);

// A status toggle says what the stream became by its `enabled`; one without it (or with no boolean there)
// says only that the stream changed: `updated`, never a `state_changed` without a state.
function mapEvent(name: string, enabled: boolean | undefined): Mapped | undefined {
  if (name !== 'stream-status-toggle') return streamEvents.get(name);
  if (enabled === undefined) return { type: 'live_stream.updated' };
  return { type: 'live_stream.state_changed', state: enabled ? 'ready' : 'stopped' };
}

/**
 * Normalises one LiveAPI webhook delivery. LiveAPI signs nothing, so `options.unsigned` must be `true`;
 * `pathSecret` and `confirm` (see {@link UnsignedWebhookOptions}) are how to trust it more. No event from
 * here is ever verified.
 *
 * - `stream-created` → `live_stream.created`; `stream-connected` / `stream-disconnected` →
 *   `live_stream.connected` / `disconnected` (`broadcasting`); `stream-status-toggle` →
 *   `live_stream.state_changed` (`state` from `payload.enabled`: `ready` or `stopped`; a payload without
 *   a boolean `enabled` says only that the stream changed: `live_stream.updated`); `stream-removed` →
 *   `live_stream.deleted`; `stream-platform-*` → `live_stream.restream_changed` (`data.restream`: `added`,
 *   `connected`, …); `recording-exported` → `live_stream.recording_ready`; `video-*` and the rest →
 *   `unknown`.
 * - `streamId` is the payload's `live_stream_id`, `live_stream`, `_id` or `id`, the first that is a
 *   non-empty text (the payload's shape is not documented); a delivery that names no stream is `unknown`
 *   with `streamId` `''`.
 * - `recording-exported` carries no `data.url`: what its payload holds is not documented (read the
 *   stream's recordings through the API).
 * - `id` is the SHA-256 of the body and 16 random hex digits (`sha256:<hex>~<nonce>`): no event id is
 *   documented, and the vendor's body for two distinct changes can be the same bytes, so every delivery is
 *   an event of its own and a hub drops none as a copy (a retry costs one extra poll). `occurredAt` is the
 *   time of receipt.
 */
export async function parseWebhook(
  input: WebhookInput,
  given: LiveApiWebhookOptions,
): Promise<LiveStreamEvent[]> {
  const { body, raw, clock, settle } = await readUnsignedWebhook(provider, input, given);
  const envelope = safeParseOwn(envelopeSchema, raw);
  if (!envelope.success) {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body has no event name`,
    });
  }
  const { event: name } = envelope.output;
  const payload = parseOwn(payloadSchema, envelope.output.payload);
  const nested = typeof payload.live_stream === 'string' ? payload.live_stream : payload.live_stream?._id;
  // The first that names a stream: an empty id names none, and the next field may.
  const streamId = [payload.live_stream_id, nested, payload._id, payload.id].find(
    (id) => id !== undefined && id !== '',
  );
  const mapped = streamId === undefined ? undefined : mapEvent(name, payload.enabled);
  const restream = name.startsWith('stream-platform-') ? name.slice('stream-platform-'.length) : undefined;
  const event: LiveStreamEvent = namedStreamEvent({
    id: await uniqueDeliveryId(body),
    provider,
    streamId: mapped && streamId !== undefined ? streamId : '',
    occurredAt: new Date(clock()),
    ...(mapped ?? { type: 'unknown' }),
    data: { vendorEvent: name, ...(mapped && restream ? { restream } : {}) },
    raw,
  });
  return settle([event], isLiveApiNoSuchStream);
}
