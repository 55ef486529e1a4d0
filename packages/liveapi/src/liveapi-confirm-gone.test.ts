import { runConfirmGoneContract } from '@unilive/testing/contract';
import { liveApiNoSuchStreamMessage } from './liveapi-error.js';
import { liveapi } from './liveapi-provider.js';
import { parseWebhook } from './liveapi-webhooks.js';

// `confirm` takes only LiveAPI's own "no such stream" about the stream asked as the stream being gone
// (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md): its documented 404, with the JSON body the
// sandbox dialect answers (`{ "message": "Live stream not found" }`; the live API's body is unverified).
// The readers are the adapter's own provider and client over a `fetch` that answers as LiveAPI or as a
// gateway in front of it would.

const streamId = '620e0d57427ff4ddd764515f';

// The events about a stream, each with what it claims (`enabled` for a status toggle).
type Delivery =
  | 'stream-created'
  | 'stream-connected'
  | 'stream-disconnected'
  | 'stream-removed'
  | 'stream-status-toggle off'
  | 'stream-status-toggle on'
  | 'stream-platform-added'
  | 'recording-exported';
// The events that claim the stream ended: with LiveAPI's "no such stream", its delete.
const ending: readonly Delivery[] = ['stream-disconnected', 'stream-status-toggle off', 'stream-removed'];

const json = (status: number, value: unknown, statusText: string) =>
  new Response(JSON.stringify(value), {
    status,
    statusText,
    headers: { 'content-type': 'application/json' },
  });

runConfirmGoneContract({
  provider: 'liveapi',
  streamId,
  deliveries: [
    'stream-created',
    'stream-connected',
    'stream-disconnected',
    'stream-removed',
    'stream-status-toggle off',
    'stream-status-toggle on',
    'stream-platform-added',
    'recording-exported',
  ],
  body: (delivery: Delivery) => {
    const [event, toggle] = delivery.split(' ');
    return JSON.stringify({
      event,
      payload: { _id: streamId, ...(toggle === undefined ? {} : { enabled: toggle === 'on' }) },
    });
  },
  vendorAnswers: {
    'not-found': () => json(404, { message: liveApiNoSuchStreamMessage }, 'Not Found'),
    // LiveAPI documents 404 only: a 410, whatever its body, is not its answer.
    'json-410': () => json(410, { message: liveApiNoSuchStreamMessage }, 'Gone'),
    // A JSON 404 saying something else (a gateway's own JSON, a route LiveAPI does not have).
    'json-404-other': () => json(404, { message: 'Not Found' }, 'Not Found'),
  },
  expected: (delivery, answer) => {
    if (answer === 'json-410') return { status: 410 };
    if (answer === 'json-404-other') return { status: 404 };
    return ending.includes(delivery) ? 'deleted' : 'unconfirmed';
  },
  streamRoute: '/live_streams/',
  baseUrl: 'https://api.liveapi.test',
  createProvider: (fetch, baseUrl) =>
    liveapi({
      tokenId: 'token-id-0123',
      secretKey: 'secret-key-0123',
      baseUrl,
      fetch,
      retry: { maxRetries: 0 },
    }),
  // A Wowza Video client as a reader: it answers 404 for every LiveAPI id.
  otherVendor: 'wowza-video',
  parseWebhook,
  examples: [
    // A forged disconnect or toggle about a running stream read by a Wowza Video client: once a
    // confirmed delete that made the hub forget the running stream.
    ['stream-disconnected', 'other-vendor', 'not-found'],
    ['stream-status-toggle off', 'other-vendor', 'not-found'],
    ['stream-disconnected', 'wrong-path', 'not-found'],
    // A real disconnect of a running stream while a gateway answers a page, or a bare 410.
    ['stream-disconnected', 'client', 'html-404'],
    ['stream-disconnected', 'provider', 'json-410'],
    ['stream-status-toggle off', 'client', 'html-410'],
    // A forged removal while a gateway answers its 404 page: not a confirmed delete either.
    ['stream-removed', 'client', 'html-404'],
    ['stream-removed', 'provider', 'json-404-other'],
    // LiveAPI's own answer: a disconnect of a deleted stream is its delete; a connect is refused.
    ['stream-disconnected', 'client', 'not-found'],
    ['stream-removed', 'provider', 'not-found'],
    ['stream-connected', 'client', 'not-found'],
  ],
  numRuns: 150,
});
