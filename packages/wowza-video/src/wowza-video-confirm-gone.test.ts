import { runConfirmGoneContract } from '@unilive/testing/contract';
import { wowzaVideo } from './wowza-video-provider.js';
import { parseWebhook } from './wowza-video-webhooks.js';

// `confirm` takes only Wowza Video's own "no such stream" about the stream asked as the stream being gone
// (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md): its JSON error body with
// `ERR-404-RecordNotFound` or `ERR-410-RecordDeleted`. The readers are the adapter's own provider and
// client over a `fetch` that answers as Wowza or as a gateway in front of it would (Wowza's own answer for
// a path it has no route for is not documented).

const streamId = 'pl3fff7q';

// The legacy transcoder events and the state each claims.
const events = {
  'start.requested': 'starting',
  'start.complete': 'ready',
  'stop.requested': 'stopping',
  'stop.complete': 'stopped',
  'reset.requested': 'resetting',
  'reset.complete': 'ready',
} as const;
type VendorEvent = keyof typeof events;

const meta = (status: number, code: string, message: string) =>
  new Response(
    JSON.stringify({ meta: { status, code, title: message, message, description: '', links: [] } }),
    { status, headers: { 'content-type': 'application/json' } },
  );

runConfirmGoneContract({
  provider: 'wowza-video',
  streamId,
  deliveries: Object.keys(events) as VendorEvent[],
  body: (event) =>
    JSON.stringify({
      version: 1.0,
      event,
      event_id: `evt-${event}`,
      event_time: 1_764_590_400,
      object_type: 'transcoder',
      object_id: streamId,
      object_data: {},
    }),
  vendorAnswers: {
    'record-not-found': () =>
      meta(404, 'ERR-404-RecordNotFound', "The requested resource couldn't be found."),
    'record-deleted': () => meta(410, 'ERR-410-RecordDeleted', 'The requested resource has been deleted.'),
    // Wowza documents each code with its own status: a 410 carrying the 404's code is no answer of its.
    'code-of-the-other-status': () =>
      meta(410, 'ERR-404-RecordNotFound', "The requested resource couldn't be found."),
  },
  expected: (event, answer) => {
    if (answer === 'code-of-the-other-status') return { status: 410 };
    const state = events[event];
    return state === 'stopping' || state === 'stopped' ? 'deleted' : 'unconfirmed';
  },
  streamRoute: '/api/v2.0/live_streams/',
  baseUrl: 'https://api.video.wowza.com/api/v2.0',
  createProvider: (fetch, baseUrl) =>
    wowzaVideo({ token: 'a-token-for-this-test', baseUrl, fetch, retry: { maxRetries: 0 } }),
  // A LiveAPI client as a reader: it answers 404 for every Wowza Video id.
  otherVendor: 'liveapi',
  parseWebhook,
  examples: [
    // A forged stop about a running stream read by a LiveAPI client, or by a client whose baseUrl has
    // a wrong path: once a confirmed delete that made the hub forget the running stream.
    ['stop.complete', 'other-vendor', 'record-not-found'],
    ['stop.complete', 'wrong-path', 'record-not-found'],
    // A real stop of a running stream while a gateway answers its HTML 404 or 410 page.
    ['stop.complete', 'client', 'html-404'],
    ['stop.requested', 'provider', 'html-410'],
    ['stop.complete', 'provider', 'code-of-the-other-status'],
    // The vendor's own answers: a stop of a deleted stream is its delete.
    ['stop.complete', 'client', 'record-deleted'],
    ['stop.requested', 'provider', 'record-not-found'],
    ['start.complete', 'client', 'record-not-found'],
  ],
  numRuns: 120,
});
