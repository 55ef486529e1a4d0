import {
  createLiveStreamClient,
  InvalidInputError,
  type LiveStream,
  ProviderUnavailableError,
  type StreamReader,
  WebhookVerificationError,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveApiNoSuchStreamMessage } from './liveapi-error.js';
import { liveapi } from './liveapi-provider.js';
import { parseWebhook } from './liveapi-webhooks.js';

// `confirm` takes only LiveAPI's own "no such stream" about the stream asked as the stream being gone
// (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md): its documented 404, with the JSON body the
// sandbox dialect answers (`{ "message": "Live stream not found" }`; the live API's body is unverified).
// The readers are the adapter's own provider and client over a `fetch` that answers as LiveAPI or as a
// gateway in front of it would.

const streamId = '620e0d57427ff4ddd764515f';

// What the confirming GET /live_streams/{id} is answered with.
type Answer = 'not-found' | 'html-404' | 'html-410' | 'json-410' | 'json-404-other';
const answers: readonly Answer[] = ['not-found', 'html-404', 'html-410', 'json-410', 'json-404-other'];
// Who reads: the vendor's provider, a client over it, a reader of another vendor (a Wowza Video client's
// `provider.id`), or the vendor's provider whose `baseUrl` has a wrong path (every route missing).
type Reader = 'provider' | 'client' | 'other-vendor' | 'wrong-path';
const readers: readonly Reader[] = ['provider', 'client', 'other-vendor', 'wrong-path'];
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
const deliveries: readonly Delivery[] = [
  'stream-created',
  'stream-connected',
  'stream-disconnected',
  'stream-removed',
  'stream-status-toggle off',
  'stream-status-toggle on',
  'stream-platform-added',
  'recording-exported',
];

const json = (status: number, value: unknown, statusText?: string) =>
  new Response(JSON.stringify(value), {
    status,
    ...(statusText === undefined ? {} : { statusText }),
    headers: { 'content-type': 'application/json' },
  });
const page = (status: number, text: string) =>
  new Response(`<html><head><title>${status} ${text}</title></head><body><h1>${text}</h1></body></html>`, {
    status,
    statusText: text,
    headers: { 'content-type': 'text/html' },
  });

function respond(answer: Answer): Response {
  switch (answer) {
    case 'not-found':
      return json(404, { message: liveApiNoSuchStreamMessage }, 'Not Found');
    case 'html-404':
      return page(404, 'Not Found');
    case 'html-410':
      return page(410, 'Gone');
    case 'json-410':
      // LiveAPI documents 404 only: a 410, whatever its body, is not its answer.
      return json(410, { message: liveApiNoSuchStreamMessage }, 'Gone');
    case 'json-404-other':
      // A JSON 404 saying something else (a gateway's own JSON, a route LiveAPI does not have).
      return json(404, { message: 'Not Found' }, 'Not Found');
  }
}

function readerFor(reader: Reader, answer: Answer, requests: string[]): StreamReader {
  const fetch = (async (request: Request | string | URL) => {
    const url = new URL(request instanceof Request ? request.url : String(request));
    requests.push(url.pathname);
    // A route the API does not have: what a gateway or a framework serves for it.
    if (!url.pathname.startsWith('/live_streams/')) return page(404, 'Not Found');
    return respond(answer);
  }) as typeof globalThis.fetch;
  const settings = {
    tokenId: 'token-id-0123',
    secretKey: 'secret-key-0123',
    baseUrl: 'https://api.liveapi.test',
    fetch,
    retry: { maxRetries: 0 },
  };
  switch (reader) {
    case 'provider':
      return liveapi(settings);
    case 'client':
      return createLiveStreamClient(liveapi(settings));
    case 'wrong-path':
      return liveapi({ ...settings, baseUrl: 'https://api.liveapi.test/v9' });
    case 'other-vendor':
      // A Wowza Video client as a reader: it answers 404 for every LiveAPI id.
      return {
        provider: { id: 'wowza-video' },
        get: async (id: string): Promise<LiveStream> => {
          requests.push(id);
          throw new Error('a reader of another vendor must not be asked');
        },
      } as unknown as StreamReader;
  }
}

const body = (delivery: Delivery) => {
  const [event, toggle] = delivery.split(' ');
  return JSON.stringify({
    event,
    payload: { _id: streamId, ...(toggle === undefined ? {} : { enabled: toggle === 'on' }) },
  });
};

async function outcome(delivery: Delivery, reader: StreamReader): Promise<string> {
  try {
    const passed = await parseWebhook(
      { body: body(delivery), headers: { 'content-type': 'application/json' } },
      { unsigned: true, confirm: reader },
    );
    return passed.map((e) => `${e.type} ${e.streamId} confirmed=${String(e.data?.confirmed)}`).join(', ');
  } catch (error) {
    if (WebhookVerificationError.isInstance(error)) return `400 ${error.reason}`;
    if (InvalidInputError.isInstance(error)) {
      return `InvalidInputError ${error.operation} ${error.issues.map((issue) => issue.path).join(',')}`;
    }
    if (ProviderUnavailableError.isInstance(error)) return `500 ${error.operation} HTTP ${error.status}`;
    throw error;
  }
}

function expected(delivery: Delivery, reader: Reader, answer: Answer): string {
  if (reader === 'other-vendor') return 'InvalidInputError parseWebhook confirm';
  if (reader === 'wrong-path') return '500 parseWebhook HTTP 404';
  if (answer !== 'not-found') return `500 parseWebhook HTTP ${answer.endsWith('410') ? 410 : 404}`;
  switch (delivery) {
    case 'stream-disconnected':
    case 'stream-status-toggle off':
    case 'stream-removed':
      return `live_stream.deleted ${streamId} confirmed=true`;
    default:
      return '400 unconfirmed';
  }
}

describe('liveapi confirm: only its own "no such stream" about the stream asked is a delete', () => {
  it('each reader × answer × event ends exactly as the rule says (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...deliveries),
        fc.constantFrom(...readers),
        fc.constantFrom(...answers),
        async (delivery, reader, answer) => {
          const requests: string[] = [];
          expect(await outcome(delivery, readerFor(reader, answer, requests))).toBe(
            expected(delivery, reader, answer),
          );
          // A reader of another vendor is refused before it is asked anything.
          expect(requests.length).toBe(reader === 'other-vendor' ? 0 : 1);
        },
      ),
      {
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
        ] as [Delivery, Reader, Answer][],
        numRuns: 150,
      },
    );
  });
});
