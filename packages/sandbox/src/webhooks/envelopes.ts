import { randomUUID } from 'node:crypto';
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
 * the vendor sends nothing for render nothing. `feeds` keeps the feed id of each connected encoder.
 */
export function createEnvelopeRenderer(): (change: StreamChange) => VendorWebhook[] {
  const feeds = new Map<string, { feedId: string; started: number }>();

  return (change) => {
    const record = change.record ?? {};
    switch (change.provider) {
      case 'wowza-realtime':
        return realTime(change, record, feeds);
      case 'videosdk':
        return videosdk(change, record);
      case 'wowza-video':
        return wowzaVideo(change, record);
      case 'liveapi':
        return liveapi(change, record);
      default:
        return [];
    }
  };
}

// Millicast ("Feeds Hooks", "Media Hooks"): an encoder connecting is a feed starting; a recording that is
// ready is a `media` `completed` of type `recording`. Nothing is sent for creates, updates or deletes.
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
  if (change.state === 'hls-playable') {
    // The egress started and became playable at once in the sandbox: the vendor's two events, in order.
    const url = typeof playbackHlsUrl === 'string' ? { playbackHlsUrl } : {};
    return [webhook('hls-started', url), webhook('hls-playable', url)];
  }
  return [webhook(change.state)];
}

// Wowza Video, legacy envelope ("Webhook event reference"): transcoder events for each state transition.
// The v2.0 envelope documents no live stream event, so the sandbox sends the legacy one.
const wowzaEvents: Record<string, string> = {
  'stopped>starting': 'start.requested',
  'starting>started': 'start.complete',
  'started>stopping': 'stop.requested',
  'stopping>stopped': 'stop.complete',
  'started>resetting': 'reset.requested',
  'resetting>started': 'reset.complete',
};

function wowzaVideo(change: StreamChange, record: Record<string, unknown>): VendorWebhook[] {
  if (change.kind !== 'state-changed') return [];
  const event = wowzaEvents[`${change.previousState}>${change.state}`];
  if (!event) return [];
  const reference = typeof record.reference_id === 'string' ? record.reference_id : 'null';
  return [
    {
      name: event,
      payload: {
        version: 1.0,
        event,
        event_id: randomUUID(),
        event_time: change.at / 1000,
        object_type: 'transcoder',
        object_id: change.id,
        object_data: { uptime_id: change.id.slice(0, 8), reference_id: reference },
      },
    },
  ];
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
