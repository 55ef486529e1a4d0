import {
  deliveryDigest,
  eventTimeWarnings,
  type LiveStreamEvent,
  type LiveStreamState,
  namedStreamEvent,
  readEventTime,
  readUnsignedWebhook,
  safeParseOwn,
  tolerantField,
  type UnsignedWebhookOptions,
  type WebhookInput,
  WebhookVerificationError,
} from '@unilive/core';
import * as v from 'valibot';
import { isWowzaVideoNoSuchStream } from './wowza-video-error.js';

// Wowza Video webhooks, as far as Wowza documents them ("Webhook event reference", legacy and v2.0):
// - legacy (v1.x, Streaming Cloud): `{ version, event, event_id, event_time (epoch seconds, float),
//   object_type: transcoder|recording, object_id, object_data }`; the transcoder events `start.requested`,
//   `start.complete`, `stop.complete` are documented (`stop.requested`, `reset.*` by naming symmetry only);
//   `object_id` is the transcoder id, which the adapter takes to be the live stream's id (unverified);
// - v2.0 (limited availability): `{ event_type, event_id, event_time (ISO 8601), object_id, payload }`;
//   only `video.updated` (a VOD asset) is shown, live stream events are not documented.
// No signature, secret or verification procedure is documented for either: deliveries are unsigned.

const provider = 'wowza-video';

// The longest `event_id` taken as the event's id (Wowza's are UUIDs, 36 characters): a longer one reads as
// absent, as one of another type does, and the body's digest stands. An unsigned endpoint would otherwise
// let anyone make the hub remember megabytes of id per delivery; 256 leaves room for `:deleted` (confirm)
// within the hub's 1 024 (`maxEventIdLength`).
const maxVendorIdLength = 256;
// One with nothing visible in it (blank, or only zero-width and other format characters) is none: taken,
// every delivery with it would fold into one in a hub.
const vendorId = /* @__PURE__ */ (() =>
  tolerantField(
    v.pipe(
      v.string(),
      v.maxLength(maxVendorIdLength),
      v.check((id) => /[^\p{White_Space}\p{Cf}]/u.test(id)),
    ),
  ))();

/** Options of the Wowza Video {@link parseWebhook}: the vendor signs nothing, see {@link UnsignedWebhookOptions}. */
export type WowzaVideoWebhookOptions = UnsignedWebhookOptions;

// Each schema is built inside a call marked pure: a bundle that never reads a webhook then drops it, where
// a bundler keeps an unused top-level `v.looseObject(…)` (it cannot tell the call has no effect).
const legacySchema = /* @__PURE__ */ (() =>
  v.looseObject({
    event: v.string(),
    event_id: vendorId,
    event_time: tolerantField(v.number()),
    object_type: tolerantField(v.string()),
    object_id: tolerantField(v.string()),
    object_data: v.fallback(v.optional(v.looseObject({}), {}), {}),
  }))();

const currentSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    event_type: v.string(),
    event_id: vendorId,
    event_time: tolerantField(v.string()),
    object_id: tolerantField(v.string()),
  }))();

// Transcoder events of the legacy reference, and the live stream state each leaves (`requested` is the
// transition under way; `stop.requested` and `reset.*` are unverified names).
// A Map: the key is the vendor's text, and `constructor` or `__proto__` must find nothing.
const transcoderStates = new Map<string, LiveStreamState>([
  ['start.requested', 'starting'],
  ['start.complete', 'ready'],
  ['stop.requested', 'stopping'],
  ['stop.complete', 'stopped'],
  ['reset.requested', 'resetting'],
  ['reset.complete', 'ready'],
]);

/**
 * Normalises one Wowza Video webhook delivery. Wowza signs nothing, so `options.unsigned` must be `true`;
 * `pathSecret` and `confirm` (see {@link UnsignedWebhookOptions}) are how to trust it more. No event from
 * here is ever verified.
 *
 * - legacy transcoder events → `live_stream.state_changed` with `state` (`start.requested` → `starting`,
 *   `start.complete` → `ready`, `stop.complete` → `stopped`, and by symmetry `stop.requested` →
 *   `stopping`, `reset.requested` → `resetting`, `reset.complete` → `ready`); `streamId` is `object_id`;
 * - every other event (downloads, recordings, v2.0 `video.*`) → `unknown`; a v2.0 `live_stream.*` event
 *   keeps its `object_id` as `streamId`.
 *
 * `id` is the vendor's `event_id` (the SHA-256 of the body when it is missing, empty, blank or invisible, not text or longer
 * than 256 characters); `occurredAt` its `event_time`.
 */
export async function parseWebhook(
  input: WebhookInput,
  given: WowzaVideoWebhookOptions,
): Promise<LiveStreamEvent[]> {
  const { body, raw, clock, settle } = await readUnsignedWebhook(provider, input, given);
  const legacy = safeParseOwn(legacySchema, raw);
  const current = safeParseOwn(currentSchema, raw);
  let event: LiveStreamEvent;
  if (legacy.success) {
    const envelope = legacy.output;
    const state = envelope.object_type === 'transcoder' ? transcoderStates.get(envelope.event) : undefined;
    const time = readEventTime(ownField(raw, 'event_time'), clock());
    // A transcoder event of a known state about a named stream; anything else is `unknown`, about none.
    const mapped =
      state && envelope.object_id
        ? { type: 'live_stream.state_changed' as const, streamId: envelope.object_id, state }
        : { type: 'unknown' as const, streamId: '' };
    event = {
      // An empty id identifies nothing: de-duplication would fold every such delivery into one.
      id: envelope.event_id || (await deliveryDigest(body)),
      provider,
      ...mapped,
      occurredAt: time.occurredAt,
      ...eventTimeWarnings(time, 'event_time'),
      data: {
        vendorEvent: envelope.event,
        ...(envelope.object_type ? { objectType: envelope.object_type } : {}),
      },
      raw,
    };
  } else if (current.success) {
    const envelope = current.output;
    const time = readEventTime(ownField(raw, 'event_time'), clock());
    const liveStream = envelope.event_type.startsWith('live_stream.') && envelope.object_id !== undefined;
    event = {
      // An empty id identifies nothing: de-duplication would fold every such delivery into one.
      id: envelope.event_id || (await deliveryDigest(body)),
      type: 'unknown',
      provider,
      streamId: liveStream ? String(envelope.object_id) : '',
      occurredAt: time.occurredAt,
      ...eventTimeWarnings(time, 'event_time'),
      data: { vendorEvent: envelope.event_type },
      raw,
    };
  } else {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body has neither event (legacy) nor event_type (v2.0)`,
    });
  }
  // One rule for every adapter: an event that names no stream is `unknown`.
  event = namedStreamEvent(event);
  return settle([event], isWowzaVideoNoSuchStream);
}

// A field of the parsed body as sent, before any schema's fallback hid what it was.
function ownField(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null && Object.hasOwn(body, key)
    ? (body as Record<string, unknown>)[key]
    : undefined;
}
