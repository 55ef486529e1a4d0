import { type LiveStreamState, liveStreamStates, type ProviderId, type Warning } from '../live-stream.js';
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
  /** An encoder started sending video (`broadcasting: true`). */
  | 'live_stream.connected'
  /** The encoder stopped sending video (`broadcasting: false`). */
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
 * One vendor webhook delivery (or one of the events a delivery carries), verified and normalised by the
 * adapter's `parseWebhook`.
 *
 * Events are hints about a moment: vendors deliver them late, twice, out of order (Wowza Real-Time says
 * so) or not at all. De-duplicate on `provider` + `id` (the event hub does), order by `occurredAt`, and
 * treat the API as the truth (`waitForState` polls after each event).
 */
export interface LiveStreamEvent {
  /**
   * The vendor's event id when it sends one (Wowza Video `event_id`); otherwise `sha256:` and the hex
   * SHA-256 of the raw body, which is the same for every copy of one delivery. A `live_stream.deleted` that
   * `confirm` made of an event saying the stream ended has that event's id followed by `:deleted`.
   */
  id: string;
  type: LiveStreamEventType;
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
  /** The lifecycle state the event reports, when it reports one. */
  state?: LiveStreamState;
  /** Whether video is arriving, when the event tells. */
  broadcasting?: boolean;
  /** Neutral details of some types (`url` of a recording, `playbackUrl` of HLS) and vendor names. */
  data?: Record<string, unknown>;
  /** What did not stop the event but is worth knowing: a vendor time that could not be read (`fallback`). */
  warnings?: Warning[];
  /** The vendor's payload as delivered (parsed JSON; the bytes of a binary body). */
  raw: unknown;
}

const eventTypes: ReadonlySet<string> = /* @__PURE__ */ new Set(liveStreamEventTypes);
const states: ReadonlySet<string> = /* @__PURE__ */ new Set(liveStreamStates);

/**
 * True when `value` has the shape of a {@link LiveStreamEvent}: a non-empty `id`, a known `type`, text
 * `provider` and `streamId`, a valid `occurredAt` Date (of any realm: one made in a vm context or another
 * frame counts; the hub hands out copies with a Date of this realm), and `state`, `broadcasting` and `data`
 * of their types when present. Read from own properties only. The event hub refuses anything else and waits skip
 * it: an event source is code the caller wrote, and one `null` must not end a process.
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
    return (
      typeof id === 'string' &&
      id !== '' &&
      typeof type === 'string' &&
      eventTypes.has(type) &&
      typeof own('provider') === 'string' &&
      typeof own('streamId') === 'string' &&
      // A Date of another realm (an event made in a vm context or a worker's realm) is a Date too.
      !Number.isNaN(timeOfDate(occurredAt)) &&
      (state === undefined || (typeof state === 'string' && states.has(state))) &&
      (broadcasting === undefined || typeof broadcasting === 'boolean') &&
      (data === undefined || (typeof data === 'object' && data !== null && !Array.isArray(data)))
    );
  } catch {
    // A getter or Proxy that throws is no event.
    return false;
  }
}
