import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';

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

/** The settings of an adapter talking to the fixtures' API: their credentials, at {@link origin}. */
export const fixtureClientSettings = { ...fixtureCredentials, baseUrl: origin };

/** The stream the `get` fixture answers with, as LiveAPI sends it. */
export function fixtureRecord(): Record<string, unknown> {
  return loadFixture(fixturesDirectory, 'get').response.body as Record<string, unknown>;
}

/** The secrets a LiveAPI stream's record carries: see {@link streamSecrets}. */
export type StreamSecrets = {
  /** `lv_<key>?password=<password>`, the ingest key (its `lv_…` part alone is public, in player URLs). */
  streamKey: string;
  password: string;
  /** A restream platform's stream key. */
  platformKey: string;
};

const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);

/** Generated {@link StreamSecrets}: each token 16 to 32 lower-case letters and digits. */
export const streamSecrets: fc.Arbitrary<StreamSecrets> = fc
  .record({ key: token, password: token, platformKey: token })
  .map(({ key, password, platformKey }) => ({
    streamKey: `lv_${key}?password=${password}`,
    password,
    platformKey,
  }));

/**
 * The fields of a LiveAPI record that carry `secrets`, in the order LiveAPI sends them: its `ingest` (the
 * server, then the key) and one `platforms` entry (a YouTube restream, its key after its server).
 */
export function secretFields(secrets: StreamSecrets): {
  ingest: Record<string, unknown>;
  platforms: Record<string, unknown>[];
} {
  return {
    ingest: { server: 'rtmp://ingest.liveapi.com/static', key: secrets.streamKey },
    platforms: [
      {
        _id: '6226ce8431ddbeb3754aa249',
        template: 'custom',
        enabled: true,
        server: 'rtmp://a.rtmp.youtube.com/live2',
        key: secrets.platformKey,
        broadcasting_status: 'offline',
      },
    ],
  };
}

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
