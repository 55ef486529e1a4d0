import { fileURLToPath } from 'node:url';
import { type Fixture, loadFixture } from '@unilive/testing';

/** `test-fixtures/wowza-realtime`. */
export const fixtureDirectory = fileURLToPath(
  new URL('../../../test-fixtures/wowza-realtime', import.meta.url),
);

/** Reads one recorded exchange. */
export const fixture = (name: string): Fixture => loadFixture(fixtureDirectory, name);

/** The JWT the recorded exchanges carry (not a real token). */
export const fixtureToken =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmlsaXZlLWZpeHR1cmVzIiwic3ViIjoid293emEtcmVhbHRpbWUifQ.Zml4dHVyZSBzaWduYXR1cmUsIG5vdCBhIHJlYWwgdG9rZW4';

/** A request as the vendor received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the fake vendor answers: a status and a JSON (or text) body. */
export interface CannedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A `fetch` that records every request exactly as sent (method, URL with query, every header, parsed
 * JSON body) and answers from a queue. A request with nothing left in the queue fails the test.
 */
export function recordingFetch(...responses: CannedResponse[]) {
  const requests: RecordedRequest[] = [];
  const queue = [...responses];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const text = await request.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    requests.push({
      method: request.method,
      url: request.url,
      headers,
      ...(text.length > 0 ? { body: JSON.parse(text) } : {}),
    });
    const next = queue.shift();
    if (!next) throw new Error(`unexpected request: ${request.method} ${request.url}`);
    const body =
      next.body === undefined ? null : typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
    return new Response(body, {
      status: next.status,
      headers: { 'content-type': 'application/json', ...next.headers },
    });
  };
  return { fetch, requests, pending: () => queue.length };
}

/** The recorded response of a fixture, as a canned response. */
export function answerOf(name: string): CannedResponse {
  const { response } = fixture(name);
  return {
    status: response.status,
    body: response.body,
    ...(response.headers ? { headers: response.headers } : {}),
  };
}

/** The recorded request of a fixture, as the recording fetch would see it. */
export function requestOf(name: string, origin = 'https://api.video.wowza.com'): RecordedRequest {
  const { request } = fixture(name);
  return {
    method: request.method,
    url: `${origin}${request.path}`,
    headers: { accept: 'application/json', ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}
