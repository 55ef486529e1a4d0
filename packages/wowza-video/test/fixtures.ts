import { fileURLToPath } from 'node:url';
import { type Fixture, loadFixture } from '@unilive/testing';

/** `test-fixtures/wowza-video`, the recorded exchanges. */
export const fixturesDirectory = fileURLToPath(
  new URL('../../../test-fixtures/wowza-video', import.meta.url),
);

/** The host every fixture's path is under. */
export const origin = 'https://api.video.wowza.com';

/** The (fake) JWT every fixture's request carries. */
export const fixtureToken =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmlsaXZlLWZpeHR1cmVzIiwic3ViIjoid293emEtdmlkZW8tZml4dHVyZS11c2VyIiwiYXVkIjoiYXBpLnZpZGVvLndvd3phLmNvbSIsImlhdCI6MTc2NzIyNTYwMH0.Zml4dHVyZS1zaWduYXR1cmUtbm90LWEtcmVhbC1zZWNyZXQ';

/** Reads `test-fixtures/wowza-video/<name>.json`. */
export function fixture(name: string): Fixture {
  return loadFixture(fixturesDirectory, name);
}

/** A request as a `fetch` spy saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A `fetch` that records every request and answers with `respond` (a JSON body with the given status), for
 * tests that assert exact headers or that no request was sent at all.
 */
export function recordingFetch(
  respond: (request: RecordedRequest) => { status: number; body?: unknown } = () => ({ status: 500 }),
) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.text();
    const recorded: RecordedRequest = {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      body: text.length > 0 ? JSON.parse(text) : undefined,
    };
    requests.push(recorded);
    const { status, body } = respond(recorded);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}
