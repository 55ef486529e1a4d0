import {
  assertValidId,
  type IngestEndpoint,
  isEndpointUrl,
  type LiveStream,
  type PlaybackEndpoint,
  parseVendorResponse,
  parseVendorTimestamp,
  type RestreamTarget,
  SecretSet,
  UniliveError,
  urlPassword,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { learnVideosdkV1Secrets, videosdkRecordingRendition } from './map-videosdk-v1-livestream.js';
import { videosdk } from './videosdk-provider.js';
import { type VideosdkV1LiveStream, videosdkV1LiveStreamSchema } from './videosdk-v1-api.js';

// A v1 `get` is sent straight through the HTTP layer and mapped without spread objects. These properties
// hold it to what the earlier path gave (the id check, the schema, then the mapping with spreads): the same
// stream with its keys in the same order, secrets, and the same errors with the same issue paths, over
// answers with fields missing, extra, null, of the wrong type, and keys such as `__proto__`; `raw` is the
// answer as received (the parsed JSON), never the schema's reading of it.

const token = 'eyJhbGciOiJIUzI1NiJ9.eyJhcGlrZXkiOiJ0ZXN0LWtleSJ9.c2lnbmF0dXJlLW9mLXRlc3Q';

// The path segment after `live` in a playback URL, when a file follows it, parsed as a URL: an independent
// reading of what the mapping reads with string searches.
function keyOfPlaybackUrl(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  let path: string[];
  try {
    path = new URL(url).pathname.split('/');
  } catch {
    return undefined;
  }
  const at = path.indexOf('live');
  const segment = path[at + 1];
  if (at === -1 || segment === undefined || segment === '' || at + 2 >= path.length) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// The mapping as it was: the reference every read is held to.
function mapBefore(raw: VideosdkV1LiveStream, received: unknown, secrets: SecretSet): LiveStream {
  // An `upstreamUrl` ending in `/` ends in no key: no endpoint, and a warning saying so.
  const ingest = raw.upstreamUrl.endsWith('/') ? undefined : ingestBefore(raw);
  const ingestPassword = urlPassword(raw.upstreamUrl);
  // The key of each playback URL (`…/live/<streamKey>/index.m3u8`), learned since an outside probe found one
  // an answer held only there shown in an error.
  const playbackKeys = [keyOfPlaybackUrl(raw.downstreamUrl), keyOfPlaybackUrl(raw.recordingUrl)];
  secrets.learnStream(raw.id, raw.streamKey, ingest?.streamKey, ingestPassword, ...playbackKeys);
  const restream = raw.restream?.map((target): RestreamTarget => {
    const targetId = target._id ?? target.id;
    return { url: target.url, streamKey: target.streamKey, ...(targetId ? { id: targetId } : {}) };
  });
  const held = [raw.streamKey, ingest?.streamKey, ingestPassword, ...playbackKeys];
  for (const target of restream ?? []) held.push(target.streamKey, urlPassword(target.url));
  secrets.holdStream(raw.id, held);
  const recording = raw.record ?? undefined;
  const createdAt = parseVendorTimestamp(raw.createdAt);
  const updatedAt = parseVendorTimestamp(raw.updatedAt);
  const playback: PlaybackEndpoint[] = [];
  if (raw.downstreamUrl && isEndpointUrl('hls', raw.downstreamUrl)) {
    playback.push({ protocol: 'hls', url: raw.downstreamUrl });
  }
  if (raw.recordingUrl && isEndpointUrl('hls', raw.recordingUrl)) {
    playback.push({ protocol: 'hls', url: raw.recordingUrl, rendition: videosdkRecordingRendition });
  }
  return {
    id: raw.id,
    provider: 'videosdk',
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    state: 'ready',
    ingest: ingest ? [ingest] : [],
    playback,
    ...(recording === undefined ? {} : { recording }),
    ...(restream ? { restream } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(ingest
      ? {}
      : {
          warnings: [
            {
              type: 'incomplete-answer' as const,
              message:
                'no ingest endpoint: videosdk\'s upstreamUrl does not end in the stream key (an empty last segment, as a trailing "/" gives), so no server and stream key open what the URL opens; what the vendor sent is in raw.upstreamUrl',
            },
          ],
        }),
    raw: received,
  };
}

function ingestBefore(raw: VideosdkV1LiveStream): IngestEndpoint {
  const url = raw.upstreamUrl;
  const protocol = /^rtmps:/i.test(url) ? 'rtmps' : 'rtmp';
  const prefix = raw.streamUrl
    ? raw.streamUrl.endsWith('/')
      ? raw.streamUrl
      : `${raw.streamUrl}/`
    : undefined;
  let server: string;
  let streamKey: string;
  if (prefix && url.startsWith(prefix) && url.length > prefix.length) {
    server = prefix.slice(0, -1);
    streamKey = url.slice(prefix.length);
  } else {
    const cut = url.lastIndexOf('/');
    server = url.slice(0, cut);
    streamKey = url.slice(cut + 1);
  }
  // Push credentials in the URL's user information: `server` never carries them; they are `username` and
  // `password` (IngestEndpoint's TSDoc).
  let username = '';
  try {
    username = url.includes('@') ? decodeURIComponent(new URL(url).username) : '';
  } catch {
    username = '';
  }
  const password = urlPassword(url);
  return {
    protocol,
    url,
    server: server.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1'),
    ...(streamKey.length > 0 ? { streamKey } : raw.streamKey ? { streamKey: raw.streamKey } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

const hostile = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 6 }),
);
const orHostile = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 16, arbitrary: valid },
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: hostile },
  );

// For the fields without which no answer is read: hostile at times, not as often.
const rarelyHostile = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 30, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: hostile },
  );

const key = fc.uuid();
const host = fc.constantFrom('127.0.0.1:1935', 'live.videosdk.live', 'live.zujonow.com');
const upstreamUrl = fc.oneof(
  fc
    .tuple(fc.constantFrom('rtmp', 'rtmps', 'RTMPS'), fc.constantFrom('', 'user:p%40ss-word-9@'), host, key)
    .map(([scheme, user, at, streamKey]) => `${scheme}://${user}${at}/live/${streamKey}`),
  fc.constantFrom('rtmp://live.videosdk.live/live/', 'rtmp://h/', 'https://live.videosdk.live/x', 'rtmp:/x'),
);
const streamUrl = fc.constantFrom(
  'rtmp://127.0.0.1:1935/live/',
  'rtmp://live.videosdk.live/live',
  'rtmps://other.example/live/',
  '',
);
const hls = fc.constantFrom(
  'http://127.0.0.1:40495/media/videosdk/a/index.m3u8',
  // The sandbox's v1 shape: the stream key in the vendor's path, as `https://live.videosdk.live/live/<key>/…`.
  'http://127.0.0.1:40495/media/videosdk/live/0b6e5f0a-3c1d-4e2f-9a8b-7c6d5e4f3a2b/index.m3u8',
  'https://live.videosdk.live/a/index.m3u8',
  // The vendor's: the key after `live`, for the live HLS and the recording's.
  'https://live.videosdk.live/live/7f1d2c3b-aaaa-4bbb-8ccc-0123456789ab/index.m3u8',
  'https://live.videosdk.live/live/7f1d2c3b-aaaa-4bbb-8ccc-0123456789ab/storage/index.m3u8',
  // Shapes whose `live` names no key: in the query or the fragment, an empty segment, no file after it.
  'https://cdn.example.test/x/index.m3u8?next=/live/abcd1234efgh/y',
  'https://cdn.example.test/x/index.m3u8#/live/abcd1234efgh/y',
  'https://live.videosdk.live/live//index.m3u8',
  'https://live.videosdk.live/live/abcd1234efgh',
  // A key written with escapes, read as the vendor's server reads it.
  'https://live.videosdk.live/live/%41bcd1234-%7Ekey/index.m3u8',
  'ftp://x/y.m3u8',
  '',
  'not a url',
);
const date = fc.oneof(
  fc.constantFrom('2026-11-30T03:38:02.262Z', '2021-06-01 10:00:00', '2021-02-30T00:00:00Z', 'soon'),
  fc.integer({ min: 0, max: 2_000_000_000_000 }),
);
const target = fc.record(
  {
    _id: orHostile(fc.constantFrom('61a0f0c0', 'x')),
    id: orHostile(fc.constantFrom('61a0f0c1', '')),
    url: orHostile(fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmp://u:p4ssw0rd-1@x.example/app')),
    streamKey: orHostile(key),
    extra: fc.boolean(),
  },
  { requiredKeys: ['url', 'streamKey'] },
);
const liveStream = fc.record(
  {
    id: rarelyHostile(
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('84012212008f33b071f5c507') },
        { weight: 1, arbitrary: fc.constantFrom('a/b', '', 'x'.repeat(129)) },
      ),
    ),
    name: orHostile(fc.string({ maxLength: 10 })),
    record: orHostile(fc.boolean()),
    streamKey: orHostile(key),
    streamUrl: orHostile(streamUrl),
    upstreamUrl: rarelyHostile(upstreamUrl),
    downstreamUrl: orHostile(hls),
    recordingUrl: orHostile(hls),
    restream: orHostile(fc.array(orHostile(target), { maxLength: 3 })),
    userId: orHostile(fc.constant('5cf9d930758fc6d5fdddb8b5')),
    user: orHostile(
      fc.record({ id: orHostile(fc.constant('u1')), name: orHostile(fc.string({ maxLength: 4 })) }),
    ),
    createdAt: orHostile(date),
    updatedAt: orHostile(date),
    // Keys no schema names.
    roomId: fc.constant('abc-defg-hij'),
  },
  { requiredKeys: ['id', 'upstreamUrl'] },
);

// An answer's text: mostly a live stream, at times something else, with a `__proto__` key spliced in.
const answerText = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: liveStream },
      { weight: 1, arbitrary: fc.constantFrom({}, [], { data: [] }) },
    ),
    fc.constantFrom('none', 'stream', 'user'),
  )
  .map(([body, pollute]) => {
    let text = JSON.stringify(body);
    const polluted = '"__proto__":{"record":true,"streamKey":"polluted-stream-key-0001"},';
    if (pollute === 'stream') text = text.replace(/^\{/, `{${polluted}`);
    if (pollute === 'user') text = text.replace('"user":{', `"user":{${polluted}`);
    return text.replace(/,\}/g, '}');
  });

// The id asked for: one the check refuses at times.
const askedId = fc.oneof(
  { weight: 12, arbitrary: fc.constant('84012212008f33b071f5c507') },
  { weight: 1, arbitrary: fc.constantFrom('a/b', '', '..') },
);

type Outcome =
  | { ok: true; stream: LiveStream; order: string; secrets: readonly string[] }
  | { ok: false; name: string; message: string; issues: unknown; secrets: readonly string[] };

const failed = (error: unknown, secrets: readonly string[]): Outcome => {
  if (!UniliveError.isInstance(error)) throw error;
  return {
    ok: false,
    name: error.name,
    message: error.message,
    issues: (error as { issues?: unknown }).issues,
    secrets,
  };
};

// Every key of the stream, nested ones included, in the order they are listed.
const keyOrder = (stream: LiveStream) => JSON.stringify(stream);

async function readNow(id: string, text: string): Promise<Outcome> {
  const provider = videosdk({
    apiVersion: 'v1',
    token,
    retry: { maxRetries: 0 },
    fetch: async () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }),
  });
  try {
    const got = await provider.get(id);
    return { ok: true, stream: got, order: keyOrder(got), secrets: provider.secrets?.() ?? [] };
  } catch (error) {
    return failed(error, provider.secrets?.() ?? []);
  }
}

function readBefore(id: string, text: string): Outcome {
  const secrets = new SecretSet();
  secrets.add(token);
  try {
    assertValidId(id, { provider: 'videosdk', operation: 'get' });
    const received: unknown = JSON.parse(text);
    const data = parseVendorResponse(videosdkV1LiveStreamSchema, received, {
      provider: 'videosdk',
      operation: 'get',
      secrets,
      status: 200,
      // An answer the schema refuses still teaches the secrets of what it read: the HTTP layer hands the
      // request's learn (the adapter's mapping) that reading.
      unread: (partial) => learnVideosdkV1Secrets(partial, received, secrets),
    });
    const stream = mapBefore(data, received, secrets);
    return { ok: true, stream, order: keyOrder(stream), secrets: secrets.values() };
  } catch (error) {
    return failed(error, secrets.values());
  }
}

describe('a videosdk v1 live stream, as get reads it', () => {
  it('maps to what the earlier path gave, key order, errors and issue paths included', async () => {
    let read = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(askedId, answerText, async (id, text) => {
        const now = await readNow(id, text);
        expect(now).toStrictEqual(readBefore(id, text));
        if (now.ok) read += 1;
        else refused += 1;
      }),
      { numRuns: 400 },
    );
    // Both sides of the property were exercised.
    expect(read).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
