import { describe, expect, it } from 'vitest';
import { id, recorded, token, withoutVideosdkEnvironment } from '../test/v1-get-fixture.js';
import { videosdk } from './index.js';

// Found by an outside probe (EA, finding 9): an `upstreamUrl` ending in `/` (`rtmp://host/live/<key>/`) gave a
// `server` holding the stream key, and `server` + `/` + `streamKey` opened another path than `url`.

const key = String(recorded.streamKey);

withoutVideosdkEnvironment();

function vendor(body: Record<string, unknown>) {
  const fetch: typeof globalThis.fetch = async () =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  return videosdk({ token, apiVersion: 'v1', retry: { maxRetries: 0 }, fetch });
}

const noEndpoint = {
  type: 'incomplete-answer',
  message:
    'no ingest endpoint: videosdk\'s upstreamUrl does not end in the stream key (an empty last segment, as a trailing "/" gives), so no server and stream key open what the URL opens; what the vendor sent is in raw.upstreamUrl',
};

describe('videosdk v1: an upstreamUrl ending in "/"', () => {
  it.each([
    ['without streamUrl', { upstreamUrl: `rtmp://h.example.com/live/${key}/`, streamUrl: undefined }],
    ['with an empty streamUrl', { upstreamUrl: `rtmp://h.example.com/live/${key}/`, streamUrl: '' }],
    [
      'with a streamUrl it starts with',
      { upstreamUrl: `rtmp://h.example.com/live/${key}/`, streamUrl: 'rtmp://h.example.com/live/' },
    ],
    ['ending at the application', { upstreamUrl: 'rtmp://h.example.com/live/', streamUrl: undefined }],
    [
      'with a password in it',
      { upstreamUrl: `rtmp://u:PwTrail9x@h.example.com/live/${key}/`, streamUrl: undefined },
    ],
  ])('%s gives no endpoint, with an incomplete-answer warning', async (_, change) => {
    const provider = vendor({ ...recorded, ...change });
    const stream = await provider.get(id);
    expect(stream.ingest).toEqual([]);
    expect(stream.warnings).toEqual([noEndpoint]);
    expect(provider.secrets?.()).toContain(key);
    if (change.upstreamUrl.includes('PwTrail9x')) expect(provider.secrets?.()).toContain('PwTrail9x');
  });

  it('keeps an upstreamUrl ending in its key as before', async () => {
    const provider = vendor({ ...recorded, upstreamUrl: `rtmp://h.example.com/live/${key}` });
    const stream = await provider.get(id);
    expect(stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: `rtmp://h.example.com/live/${key}`,
        server: 'rtmp://h.example.com/live',
        streamKey: key,
      },
    ]);
    expect(stream).not.toHaveProperty('warnings');
  });
});
