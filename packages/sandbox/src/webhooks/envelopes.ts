import { randomBytes, randomUUID } from 'node:crypto';
import type { StreamChange } from '../types.js';

/**
 * One webhook the vendor would send for a change: its payload, the vendor's name for it (for logs and
 * subscription filters), and, for videosdk, the room's own subscription.
 */
export interface VendorWebhook {
  /** The vendor's event name: `feeds.started`, `hls-playable`, `start.complete`, `stream-connected`. */
  name: string;
  payload: unknown;
  /** videosdk: the room's `webhook: { endPoint, events }`, which the vendor delivers to. */
  roomSubscription?: { endPoint: string; events: readonly string[] } | undefined;
}

// The account id the sandbox's Real-Time streams belong to (Millicast `accountId`, 6 characters).
const sandboxAccountId = 'sndbx1';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Renders the webhooks each vendor documents for a sandbox change, in the vendor's own envelope. Changes
 * the vendor sends nothing for render nothing. `feeds` keeps the feed id of each connected encoder, `uptimes`
 * the uptime id of each running Wowza Video stream.
 */
export function createEnvelopeRenderer(): (change: StreamChange) => VendorWebhook[] {
  const feeds = new Map<string, { feedId: string; started: number }>();
  // Wowza Video: the uptime id of each running stream's transcoding session.
  const uptimes = new Map<string, string>();

  return (change) => {
    const record = change.record ?? {};
    switch (change.provider) {
      case 'wowza-realtime':
        return realTime(change, record, feeds);
      case 'videosdk':
        return videosdk(change, record);
      case 'wowza-video':
        return wowzaVideo(change, record, uptimes);
      case 'liveapi':
        return liveapi(change, record);
      default:
        return [];
    }
  };
}

// Millicast ("Feeds Hooks", "Media Hooks"): an encoder connecting is a feed starting, leaving (or cut by a
// stop or a delete) a feed ending; a recording that is ready is a `media` `completed` of type `recording`.
// Nothing is sent for creates, updates or deletes.
function realTime(
  change: StreamChange,
  record: Record<string, unknown>,
  feeds: Map<string, { feedId: string; started: number }>,
): VendorWebhook[] {
  const name = typeof record.stream_name === 'string' ? record.stream_name : undefined;
  if (!name) return [];
  const streamId = `${sandboxAccountId}/${name}`;
  const envelope = (type: string, event: string, data: Record<string, unknown>) => ({
    type,
    event,
    timestamp: change.at,
    data,
  });
  if (change.kind === 'encoder-connected') {
    const feed = { feedId: randomUUID(), started: change.at };
    feeds.set(change.id, feed);
    const data = {
      feedId: feed.feedId,
      accountId: sandboxAccountId,
      name,
      streamId,
      started: feed.started,
      active: true,
    };
    return [{ name: 'feeds.started', payload: envelope('feeds', 'started', data) }];
  }
  if (change.kind === 'encoder-disconnected') {
    const feed = feeds.get(change.id) ?? { feedId: randomUUID(), started: change.at };
    feeds.delete(change.id);
    const data = {
      feedId: feed.feedId,
      accountId: sandboxAccountId,
      name,
      streamId,
      // Every feed event carries the feed's start (the vendor's Feeds Hooks `data.started`), its end too.
      started: feed.started,
      active: false,
      ended: change.at,
    };
    return [{ name: 'feeds.ended', payload: envelope('feeds', 'ended', data) }];
  }
  if (change.kind === 'recording-ready') {
    const data = {
      mediaAssetId: randomUUID().replaceAll('-', ''),
      streamName: name,
      streamId,
      startTime: change.at,
      type: 'recording',
      metadata: {},
    };
    return [{ name: 'media.completed', payload: envelope('media', 'completed', data) }];
  }
  return [];
}

// videosdk v2 ("User Webhooks"): the room's HLS egress reports `hls-*`, named by the dialect's state word.
// v1 streams document no webhooks. Deliveries go to the room's own subscription when it has one.
function videosdk(change: StreamChange, record: Record<string, unknown>): VendorWebhook[] {
  const roomId = typeof record.roomId === 'string' ? record.roomId : undefined;
  if (!roomId || change.kind !== 'state-changed' || !change.state?.startsWith('hls-')) return [];
  const hls = isObject(record.hls) ? record.hls : {};
  const data: Record<string, unknown> = {
    meetingId: roomId,
    ...(typeof hls.sessionId === 'string' ? { sessionId: hls.sessionId } : {}),
  };
  const playbackHlsUrl = hls.playbackHlsUrl;
  const subscription =
    isObject(record.webhook) &&
    typeof record.webhook.endPoint === 'string' &&
    Array.isArray(record.webhook.events)
      ? { endPoint: record.webhook.endPoint, events: record.webhook.events.map(String) }
      : undefined;
  const webhook = (name: string, extra: Record<string, unknown> = {}): VendorWebhook => ({
    name,
    payload: { webhookType: name, data: { ...data, ...extra } },
    roomSubscription: subscription,
  });
  const url = typeof playbackHlsUrl === 'string' ? { playbackHlsUrl } : {};
  // The vendor's text (2025) says `hls-playable` carries `livestreamUrl` beside `playbackHlsUrl`; its example
  // shows only the first. Sent, as the text says: a reader of either finds it.
  const livestreamUrl = typeof hls.livestreamUrl === 'string' ? { livestreamUrl: hls.livestreamUrl } : {};
  // The egress is up as soon as it is started, its playback URL known (hls/start answers it at once) but
  // not playable until `transitionMs` later: the vendor's `hls-started` then, and `hls-playable` at the end.
  if (change.state === 'hls-starting') return [webhook('hls-starting'), webhook('hls-started', url)];
  if (change.state === 'hls-playable') return [webhook('hls-playable', { ...url, ...livestreamUrl })];
  return [webhook(change.state)];
}

// Wowza Video, legacy envelope ("Webhook event reference"): transcoder events for each state transition of
// the dialect, in order. The v2.0 envelope documents no live stream event, so the sandbox sends the legacy
// one. Stop answers `stopped` at once (see the dialect: Wowza's stop example and quick start), so its one
// transition is both the request and its completion, sent in that order.
const wowzaEvents: Record<string, readonly string[]> = {
  'stopped>starting': ['start.requested'],
  'starting>started': ['start.complete'],
  'started>stopped': ['stop.requested', 'stop.complete'],
  'started>resetting': ['reset.requested'],
  'resetting>started': ['reset.complete'],
  // Only a delete stops a stream that is starting or resetting (stop refuses both): its transcoder stops.
  'starting>stopped': ['stop.requested', 'stop.complete'],
  'resetting>stopped': ['stop.requested', 'stop.complete'],
};

// What `object_data` holds per event. Documented (wowza.md §9.1 and its fixtures): `start.requested`
// `{ uptime_id, reference_id }`, `start.complete` `{ uptime_id, ip_address, reference_id }`, `stop.complete`
// `{ uptime_id }`. The other three are named by symmetry only and no payload of them is published: a request
// is shaped like `start.requested`, `reset.complete` like `start.complete` (SANDBOX CHOICE, unverified).
const wowzaObjectData: Record<string, readonly ('ip_address' | 'reference_id')[]> = {
  'start.requested': ['reference_id'],
  'start.complete': ['ip_address', 'reference_id'],
  'stop.requested': ['reference_id'],
  'stop.complete': [],
  'reset.requested': ['reference_id'],
  'reset.complete': ['ip_address', 'reference_id'],
};

function wowzaVideo(
  change: StreamChange,
  record: Record<string, unknown>,
  uptimes: Map<string, string>,
): VendorWebhook[] {
  if (change.kind === 'deleted') uptimes.delete(change.id);
  if (change.kind !== 'state-changed') return [];
  const events = wowzaEvents[`${change.previousState}>${change.state}`] ?? [];
  if (events.length === 0) return [];
  // An uptime record is one transcoding session, start to stop (OpenAPI `/transcoders/{id}/uptimes`): a
  // start opens a new one, a reset keeps it, a stop ends it. One the sandbox does not know (a stream started
  // before a restart from a persist file) is opened on the spot.
  if (change.state === 'starting') uptimes.delete(change.id);
  let uptime = uptimes.get(change.id);
  if (uptime === undefined) {
    uptime = uptimeId();
    uptimes.set(change.id, uptime);
  }
  if (change.state === 'stopped') uptimes.delete(change.id);
  const fields = {
    // The OpenAPI's own example for a stream without one is the text "null".
    reference_id: typeof record.reference_id === 'string' ? record.reference_id : 'null',
    // "If the live stream state is anything other than started, the ip_address is 0.0.0.0."
    ip_address: typeof change.details?.ipAddress === 'string' ? change.details.ipAddress : '0.0.0.0',
  };
  return events.map((event) => {
    const objectData: Record<string, unknown> = { uptime_id: uptime };
    for (const key of wowzaObjectData[event] ?? []) objectData[key] = fields[key];
    return {
      name: event,
      payload: {
        version: 1.0,
        event,
        event_id: randomUUID(),
        event_time: change.at / 1000,
        object_type: 'transcoder',
        object_id: change.id,
        object_data: objectData,
      },
    };
  });
}

// Eight lower-case letters and digits, as the reference's samples (`bjwbhwld`, `7cb5yfnx`).
function uptimeId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (byte) => alphabet[byte % alphabet.length]).join('');
}

// LiveAPI: `{ event, payload }` with the live stream as the payload (INFERRED: nothing documents it).
function liveapi(change: StreamChange, record: Record<string, unknown>): VendorWebhook[] {
  const send = (event: string, payload: unknown = record): VendorWebhook[] => [
    { name: event, payload: { event, payload } },
  ];
  switch (change.kind) {
    case 'created':
      return send('stream-created');
    case 'deleted':
      return send('stream-removed');
    case 'state-changed':
      return send('stream-status-toggle');
    case 'encoder-connected':
      return send('stream-connected');
    case 'encoder-disconnected':
      return send('stream-disconnected');
    case 'updated': {
      if (change.details?.restream !== 'added') return [];
      const platforms = Array.isArray(record.platforms) ? record.platforms : [];
      const platform = platforms.at(-1);
      return send('stream-platform-added', {
        ...(isObject(platform) ? platform : {}),
        live_stream_id: change.id,
      });
    }
    default:
      return [];
  }
}
