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
import { wowzaVideo } from './wowza-video-provider.js';
import { parseWebhook } from './wowza-video-webhooks.js';

// `confirm` takes only Wowza Video's own "no such stream" about the stream asked as the stream being gone
// (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md): its JSON error body with
// `ERR-404-RecordNotFound` or `ERR-410-RecordDeleted`. The readers are the adapter's own provider and
// client over a `fetch` that answers as Wowza or as a gateway in front of it would.

const streamId = 'pl3fff7q';
const apiRoot = 'https://api.video.wowza.com/api/v2.0';

// What the confirming GET /live_streams/{id} is answered with.
type Answer = 'record-not-found' | 'record-deleted' | 'html-404' | 'html-410' | 'code-of-the-other-status';
const answers: readonly Answer[] = [
  'record-not-found',
  'record-deleted',
  'html-404',
  'html-410',
  'code-of-the-other-status',
];
// Who reads: the vendor's provider, a client over it, a reader of another vendor (a LiveAPI client's
// `provider.id`), or the vendor's provider whose `baseUrl` has a wrong path (every route missing).
type Reader = 'provider' | 'client' | 'other-vendor' | 'wrong-path';
const readers: readonly Reader[] = ['provider', 'client', 'other-vendor', 'wrong-path'];
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
    {
      status,
      headers: { 'content-type': 'application/json' },
    },
  );
const page = (status: number, text: string) =>
  new Response(`<html><head><title>${status} ${text}</title></head><body><h1>${text}</h1></body></html>`, {
    status,
    statusText: text,
    headers: { 'content-type': 'text/html' },
  });

function respond(answer: Answer): Response {
  switch (answer) {
    case 'record-not-found':
      return meta(404, 'ERR-404-RecordNotFound', "The requested resource couldn't be found.");
    case 'record-deleted':
      return meta(410, 'ERR-410-RecordDeleted', 'The requested resource has been deleted.');
    case 'html-404':
      return page(404, 'Not Found');
    case 'html-410':
      return page(410, 'Gone');
    case 'code-of-the-other-status':
      // Wowza documents each code with its own status: a 410 carrying the 404's code is no answer of its.
      return meta(410, 'ERR-404-RecordNotFound', "The requested resource couldn't be found.");
  }
}

function readerFor(reader: Reader, answer: Answer, requests: string[]): StreamReader {
  const fetch = (async (request: Request | string | URL) => {
    const url = new URL(request instanceof Request ? request.url : String(request));
    requests.push(url.pathname);
    // A route the API does not have: what a gateway or a framework serves for it (Wowza's own answer for
    // a path it has no route for is not documented).
    if (!url.pathname.startsWith('/api/v2.0/live_streams/')) return page(404, 'Not Found');
    return respond(answer);
  }) as typeof globalThis.fetch;
  const settings = { token: 'a-token-for-this-test', fetch, retry: { maxRetries: 0 } };
  switch (reader) {
    case 'provider':
      return wowzaVideo(settings);
    case 'client':
      return createLiveStreamClient(wowzaVideo(settings));
    case 'wrong-path':
      return wowzaVideo({ ...settings, baseUrl: `${apiRoot}/v9` });
    case 'other-vendor':
      // A LiveAPI client as a reader: it answers 404 for every Wowza Video id.
      return {
        provider: { id: 'liveapi' },
        get: async (id: string): Promise<LiveStream> => {
          requests.push(id);
          throw new Error('a reader of another vendor must not be asked');
        },
      } as unknown as StreamReader;
  }
}

const body = (event: VendorEvent) =>
  JSON.stringify({
    version: 1.0,
    event,
    event_id: `evt-${event}`,
    event_time: 1_764_590_400,
    object_type: 'transcoder',
    object_id: streamId,
    object_data: {},
  });

type Outcome = string;
async function outcome(event: VendorEvent, reader: StreamReader): Promise<Outcome> {
  try {
    const passed = await parseWebhook(
      { body: body(event), headers: { 'content-type': 'application/json' } },
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

function expected(event: VendorEvent, reader: Reader, answer: Answer): Outcome {
  if (reader === 'other-vendor') return 'InvalidInputError parseWebhook confirm';
  if (reader === 'wrong-path') return '500 parseWebhook HTTP 404';
  if (answer === 'record-not-found' || answer === 'record-deleted') {
    const state = events[event];
    return state === 'stopping' || state === 'stopped'
      ? `live_stream.deleted ${streamId} confirmed=true`
      : '400 unconfirmed';
  }
  return `500 parseWebhook HTTP ${answer === 'html-404' ? 404 : 410}`;
}

describe('wowza-video confirm: only its own "no such stream" about the stream asked is a delete', () => {
  it('each reader × answer × event ends exactly as the rule says (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(events) as VendorEvent[])),
        fc.constantFrom(...readers),
        fc.constantFrom(...answers),
        async (event, reader, answer) => {
          const requests: string[] = [];
          expect(await outcome(event, readerFor(reader, answer, requests))).toBe(
            expected(event, reader, answer),
          );
          // A reader of another vendor is refused before it is asked anything.
          expect(requests.length).toBe(reader === 'other-vendor' ? 0 : 1);
        },
      ),
      {
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
        ] as [VendorEvent, Reader, Answer][],
        numRuns: 120,
      },
    );
  });
});
