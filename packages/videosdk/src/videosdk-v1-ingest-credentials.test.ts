import type { UniliveError } from '@unilive/core';
import { describe, expect, it } from 'vitest';
import { id, recorded, token, withoutVideosdkEnvironment } from '../test/v1-get-fixture.js';
import { videosdk } from './index.js';

// User information in v1's push URL (no documented answer has any) is push credentials: `ingest[0].url`
// keeps it (an encoder given the URL alone presents it), `server` never carries it (IngestEndpoint's TSDoc:
// OBS takes them in its own fields), and they are `username` and `password`, as Wowza Video's are.

withoutVideosdkEnvironment();

function vendor(answers: { status: number; body: unknown }[]) {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    const answer = answers.shift() ?? { status: 500, body: { message: 'no more answers' } };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { provider: videosdk({ token, apiVersion: 'v1', retry: { maxRetries: 0 }, fetch }), calls };
}

describe('videosdk v1: push credentials in the vendor’s upstreamUrl', () => {
  it('get: server without user information, username and password in their own fields', async () => {
    const upstreamUrl = 'rtmp://pushuser:PUSHPASSWORD99@live.example/live/SKEY1234abcd';
    const { provider, calls } = vendor([
      {
        status: 200,
        body: { ...recorded, upstreamUrl, streamUrl: 'rtmp://pushuser:PUSHPASSWORD99@live.example/live/' },
      },
      { status: 400, body: { message: 'echo PUSHPASSWORD99' } },
    ]);
    const stream = await provider.get(id);
    expect(stream.ingest).toEqual([
      {
        protocol: 'rtmp',
        url: upstreamUrl,
        server: 'rtmp://live.example/live',
        streamKey: 'SKEY1234abcd',
        username: 'pushuser',
        password: 'PUSHPASSWORD99',
      },
    ]);
    const error = (await provider.get(id).catch((caught: unknown) => caught)) as UniliveError;
    expect(error.message).toBe('videosdk get failed (HTTP 400): echo [REDACTED]');
    expect(calls).toEqual([`GET /v1/livestreams/${id}`, `GET /v1/livestreams/${id}`]);
  });

  it('without streamUrl, the server cut from upstreamUrl; a percent-encoded password decoded', async () => {
    const upstreamUrl = 'rtmp://push%20user:p%40ss@live.example:1935/live/SKEY1234abcd';
    const { provider } = vendor([{ status: 200, body: { ...recorded, upstreamUrl, streamUrl: undefined } }]);
    const [ingest] = (await provider.get(id)).ingest;
    expect(ingest).toEqual({
      protocol: 'rtmp',
      url: upstreamUrl,
      server: 'rtmp://live.example:1935/live',
      streamKey: 'SKEY1234abcd',
      username: 'push user',
      password: 'p@ss',
    });
  });

  it('a URL without user information is mapped as before: no username or password fields', async () => {
    const { provider } = vendor([{ status: 200, body: recorded }]);
    const [ingest] = (await provider.get(id)).ingest;
    expect(Object.keys(ingest ?? {})).toEqual(['protocol', 'url', 'server', 'streamKey']);
  });
});
