import {
  type LiveStreamState,
  liveStreamStates,
  type ProviderId,
  type Warning,
  warningTypes,
} from '../live-stream.js';
import { timeOfDate } from '../own.js';

/**
 * What happened, in neutral terms. `unknown` is a delivery the adapter does not map (a vendor event with
 * no neutral meaning, or one added after this version): it is returned with `raw`, never thrown.
 */
export type LiveStreamEventType =
  | 'live_stream.created'
  | 'live_stream.updated'
  | 'live_stream.deleted'
  /** The lifecycle state changed; `state` says to what. */
  | 'live_stream.state_changed'
  /** An encoder started sending video (parsed with `broadcasting: true`). */
  | 'live_stream.connected'
  /** The encoder stopped sending video (parsed with `broadcasting: false`). */
  | 'live_stream.disconnected'
  /** A recording of the stream can be fetched; `data.url` when the vendor gives one. */
  | 'live_stream.recording_ready'
  /** A restream (simulcast) target was added, removed, connected or disconnected. */
  | 'live_stream.restream_changed'
  | 'unknown';

/** Every {@link LiveStreamEventType}. */
export const liveStreamEventTypes = [
  'live_stream.created',
  'live_stream.updated',
  'live_stream.deleted',
  'live_stream.state_changed',
  'live_stream.connected',
  'live_stream.disconnected',
  'live_stream.recording_ready',
  'live_stream.restream_changed',
  'unknown',
] as const satisfies readonly LiveStreamEventType[];

/**
 * What every {@link LiveStreamEvent} has, whatever its `type`: one vendor webhook delivery (or one of the
 * events a delivery carries), verified and normalised by the adapter's `parseWebhook`.
 *
 * Events are hints about a moment: vendors deliver them late, twice, out of order (Wowza Real-Time says
 * so) or not at all. De-duplicate on `provider` + `id` (the event hub does), order by `occurredAt`, and
 * treat the API as the truth (`waitForState` polls after each event).
 */
export interface LiveStreamEventFields {
  /**
   * The vendor's event id when it sends one (Wowza Video `event_id`); otherwise `sha256:` and the hex
   * SHA-256 of the raw body, which is the same for every copy of one delivery. A `live_stream.deleted` that
   * `confirm` made of an event saying the stream ended has that event's id followed by `:deleted`.
   */
  id: string;
  provider: ProviderId;
  /**
   * The id this provider's adapter uses for the stream (`client.get(streamId)` reads it): a videosdk room
   * id, a Wowza Real-Time stream id resolved from the stream name the event carries. `''` when the event
   * concerns no stream the adapter can name (then `type` is `unknown`).
   */
  streamId: string;
  /**
   * When the vendor says it happened (or sent it), read by one rule for every vendor (`readEventTime`):
   * the time of receipt when the vendor says nothing, or says something that is no time from 2000 to a day
   * after receipt (then `warnings` says what was sent). Always a valid Date. An event published to a hub
   * from code is held to the same rule, the time of publishing standing for the time of receipt.
   */
  occurredAt: Date;
  /**
   * The lifecycle state the event reports, when it reports one: always on a `live_stream.state_changed`
   * ({@link LiveStreamStateChangedEvent}). `confirm` (Wowza Video, LiveAPI) sets the API's on every event
   * it passes about a stream that exists, whatever its type.
   */
  state?: LiveStreamState;
  /**
   * Whether video is arriving, when the event tells: `true` on a `live_stream.connected` and `false` on a
   * `live_stream.disconnected` as every adapter parses them; `confirm` replaces it with the API's answer
   * (or leaves it out when the API does not tell), on any type.
   */
  broadcasting?: boolean;
  /** Neutral details of some types (`url` of a recording, `playbackUrl` of HLS) and vendor names. */
  data?: Record<string, unknown>;
  /** What did not stop the event but is worth knowing: a vendor time that could not be read (`fallback`). */
  warnings?: Warning[];
  /** The vendor's payload as delivered (parsed JSON; the bytes of a binary body). */
  raw: unknown;
}

/** A stream was created: LiveAPI `stream-created`. */
export interface LiveStreamCreatedEvent extends LiveStreamEventFields {
  type: 'live_stream.created';
}

/**
 * Something about a stream changed that no other type names: videosdk `recording-starting`, `-started`,
 * `-stopping`, `-failed` (`data.recording`: `started`, …); a LiveAPI `stream-status-toggle` whose payload
 * carries no `enabled` (the stream was started or stopped, to what is not said: read it).
 */
export interface LiveStreamUpdatedEvent extends LiveStreamEventFields {
  type: 'live_stream.updated';
}

/**
 * A stream was deleted: LiveAPI `stream-removed`; and, in `confirm` mode, an event saying a stream ended
 * about one the API no longer has (`data.claimed` says what the event said, `data.confirmed` is `true`).
 */
export interface LiveStreamDeletedEvent extends LiveStreamEventFields {
  type: 'live_stream.deleted';
}

/**
 * The lifecycle state changed, and `state` says to what (the API's, in `confirm` mode): Wowza Video's
 * transcoder events (`start.requested` → `starting`, `start.complete` → `ready`, `stop.complete` →
 * `stopped`, …), videosdk `hls-*` (`data.playbackUrl` once playable), LiveAPI `stream-status-toggle`
 * (`enabled` → `ready`, else `stopped`). An event of this type without a `state` is no event
 * ({@link isLiveStreamEvent}): the hub refuses it.
 */
export interface LiveStreamStateChangedEvent extends LiveStreamEventFields {
  type: 'live_stream.state_changed';
  state: LiveStreamState;
}

/**
 * An encoder started sending video: LiveAPI `stream-connected`, Wowza Real-Time `feeds` `started` (per
 * feed, `data.feedId`). Parsed with `broadcasting: true`; in `confirm` mode
 * (LiveAPI) `broadcasting` is the API's answer when the event is confirmed, which may be `false` (the
 * encoder left since) or absent, so the type promises no value.
 */
export interface LiveStreamConnectedEvent extends LiveStreamEventFields {
  type: 'live_stream.connected';
}

/**
 * The encoder stopped sending video: LiveAPI `stream-disconnected`, Wowza Real-Time `feeds` `ended`.
 * Parsed with `broadcasting: false`; in `confirm` mode `broadcasting` is the
 * API's answer, as on {@link LiveStreamConnectedEvent}.
 */
export interface LiveStreamDisconnectedEvent extends LiveStreamEventFields {
  type: 'live_stream.disconnected';
}

/**
 * A recording of the stream can be fetched: videosdk `recording-stopped` (`data.url`, `data.path`),
 * Wowza Real-Time `media` `completed` of a recording (`data.mediaAssetId`) or the deprecated `recordings`
 * `completed` (`data.recordFileId`), LiveAPI `recording-exported` (no `data.url`: read the recordings
 * through the API).
 */
export interface LiveStreamRecordingReadyEvent extends LiveStreamEventFields {
  type: 'live_stream.recording_ready';
}

/**
 * A restream (simulcast) target was added, removed, connected or disconnected: LiveAPI
 * `stream-platform-*`, videosdk `livestream-*` (`data.restream`: `added`, `connected`, `started`, …).
 */
export interface LiveStreamRestreamChangedEvent extends LiveStreamEventFields {
  type: 'live_stream.restream_changed';
}

/**
 * A delivery the adapter does not map (a vendor event with no neutral meaning, or one added after this
 * version), or one that names no stream the adapter can name (`streamId` `''`, no `state` or
 * `broadcasting`): returned with `raw`, never thrown.
 */
export interface UnknownLiveStreamEvent extends LiveStreamEventFields {
  type: 'unknown';
}

/**
 * One vendor webhook delivery (or one of the events a delivery carries), verified and normalised by the
 * adapter's `parseWebhook`: a union discriminated by `type`, so that a `switch (event.type)` narrows to
 * what that type guarantees. Only `live_stream.state_changed` guarantees a field the others do not
 * (`state`); see {@link LiveStreamEventFields} for what every event has.
 *
 * Events are hints about a moment: vendors deliver them late, twice, out of order (Wowza Real-Time says
 * so) or not at all. De-duplicate on `provider` + `id` (the event hub does), order by `occurredAt`, and
 * treat the API as the truth (`waitForState` polls after each event).
 */
export type LiveStreamEvent =
  | LiveStreamCreatedEvent
  | LiveStreamUpdatedEvent
  | LiveStreamDeletedEvent
  | LiveStreamStateChangedEvent
  | LiveStreamConnectedEvent
  | LiveStreamDisconnectedEvent
  | LiveStreamRecordingReadyEvent
  | LiveStreamRestreamChangedEvent
  | UnknownLiveStreamEvent;

/** The member of {@link LiveStreamEvent} of one type: `LiveStreamEventOf<'live_stream.state_changed'>`. */
export type LiveStreamEventOf<T extends LiveStreamEventType> = Extract<LiveStreamEvent, { type: T }>;

const eventTypes: ReadonlySet<string> = /* @__PURE__ */ new Set(liveStreamEventTypes);
const states: ReadonlySet<string> = /* @__PURE__ */ new Set(liveStreamStates);
const knownWarningTypes: ReadonlySet<string> = /* @__PURE__ */ new Set(warningTypes);

// A list of warnings as the type states it, read from own properties: each a `type` of `warningTypes`, a
// text `message`, and a text `setting` when present. Anything else (`42`, `'x'`, `[null]`, an array-like
// object) would reach a subscriber's `event.warnings?.forEach(...)` and fail there.
function isWarningList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
    const own = (key: string): unknown =>
      Object.hasOwn(entry, key) ? (entry as Record<string, unknown>)[key] : undefined;
    const type = own('type');
    const setting = own('setting');
    if (typeof type !== 'string' || !knownWarningTypes.has(type)) return false;
    if (typeof own('message') !== 'string') return false;
    if (setting !== undefined && typeof setting !== 'string') return false;
  }
  return true;
}

/**
 * True when `value` has the shape of a {@link LiveStreamEvent}: a non-empty `id`, a known `type`, text
 * `provider` and `streamId`, a valid `occurredAt` Date (of any realm: one made in a vm context or another
 * frame counts; the hub hands out copies with a Date of this realm), and `state`, `broadcasting`, `data`
 * and `warnings` (a list of {@link Warning}s, each with a known `type` and a text `message`) of their types
 * when present; and what its type guarantees, as the union states it: a
 * `live_stream.state_changed` has a `state` (one of `liveStreamStates`). Read from own properties only.
 * The event hub and `createWebhookHandler` refuse anything else and waits skip it: an event source is
 * code the caller wrote, and one `null` must not end a process.
 */
export function isLiveStreamEvent(value: unknown): value is LiveStreamEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  try {
    const own = (key: string): unknown =>
      Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    const id = own('id');
    const type = own('type');
    const occurredAt = own('occurredAt');
    const state = own('state');
    const broadcasting = own('broadcasting');
    const data = own('data');
    const warnings = own('warnings');
    return (
      typeof id === 'string' &&
      id !== '' &&
      typeof type === 'string' &&
      eventTypes.has(type) &&
      typeof own('provider') === 'string' &&
      typeof own('streamId') === 'string' &&
      // A Date of another realm (an event made in a vm context or a worker's realm) is a Date too.
      !Number.isNaN(timeOfDate(occurredAt)) &&
      (state === undefined
        ? type !== 'live_stream.state_changed'
        : typeof state === 'string' && states.has(state)) &&
      (broadcasting === undefined || typeof broadcasting === 'boolean') &&
      (data === undefined || (typeof data === 'object' && data !== null && !Array.isArray(data))) &&
      (warnings === undefined || isWarningList(warnings))
    );
  } catch {
    // A getter or Proxy that throws is no event.
    return false;
  }
}
