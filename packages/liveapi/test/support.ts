import { fileURLToPath } from 'node:url';

/** `test-fixtures/liveapi`, from this package's sources. */
export const fixturesDirectory = fileURLToPath(new URL('../../../test-fixtures/liveapi', import.meta.url));

/** LiveAPI's API root, as the fixtures record it. */
export const origin = 'https://api.liveapi.com';

/** The credentials the recorded fixtures carry. */
export const fixtureCredentials = {
  tokenId: '6231f0a2c1d4e5f6a7b8c9d0',
  secretKey: '5e3b9c1d7a2f4e6b8c0d1a3f5b7c9e2d',
} as const;

/** `base64(tokenId:secretKey)` of {@link fixtureCredentials}. */
export const fixtureBasic = Buffer.from(
  `${fixtureCredentials.tokenId}:${fixtureCredentials.secretKey}`,
).toString('base64');

/** The id of the stream the recorded lifecycle creates (the create-livestream docs sample). */
export const fixtureStreamId = '621c8dda6ebae022f13ee87u';

/** One request as the vendor receives it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
}

/**
 * A `fetch` that records every request (method, URL, headers, JSON body) before handing it to the global
 * `fetch`, which nock intercepts.
 */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      body: text.length === 0 ? undefined : JSON.parse(text),
    });
    return fetch(request);
  };
  return { fetch: recording, requests };
}
