import { fileURLToPath } from 'node:url';
import type { Warning } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// Fixture answers and a stand-in vendor, as in videosdk-v2-another-room.test.ts.
const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const body = (name: string) =>
  loadFixture(directory, name).response.body as { data: Record<string, unknown> } & Record<string, unknown>;
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const session = 'abcde94c96e17e03fb0abcde4';

const roomBody = body('v2-rooms-get');
const egress = (fields: Record<string, unknown> = {}) => {
  const answer = body('v2-hls-active');
  return { ...answer, data: { ...answer.data, ...fields } };
};
const rtmpOut = (fields: Record<string, unknown> = {}) => ({
  id: 'r1',
  roomId: room,
  sessionId: session,
  outputs: [{ url: 'rtmp://x/live', streamKey: 'KK3-secret-key' }],
  end: null,
  ...fields,
});
const page = (data: unknown[], pageInfo: Record<string, unknown>) => ({ pageInfo, data });

type Route = (
  method: string,
  path: string,
  query: URLSearchParams,
) => { status: number; body: unknown } | string;

/** A stand-in vendor: `route` answers each request (JSON, or a raw text); every request is logged. */
function vendor(route: Route) {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    const answer = route(request.method, url.pathname, url.searchParams);
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer.body);
    return new Response(text, {
      status: typeof answer === 'string' ? 200 : answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
  return { provider, calls };
}

const ok = (answer: unknown) => ({ status: 200, body: answer });

// A running RTMP-out no input can name (started by another tool: an srt:// output) cannot be in an update's
// list. The set is ended and started again whole when the list changes, so it goes back into the new set:
// kept, as core's plan keeps it, with a warning counting it, never its url or key.
describe('videosdk v2: an update of a live room whose RTMP-outs include one no input can name', () => {
  const odd = { url: 'srt://srt.example.net:9000', streamKey: 'zq-srt-passphrase' };
  const named = { url: 'rtmp://x/live', streamKey: 'KK3-secret-key' };
  const added = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'zq-youtube-key' };

  it('restarts the set with it, and warns', async () => {
    const bodies: unknown[] = [];
    const running = [rtmpOut({ outputs: [named, odd] })];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      const { pathname, searchParams } = new URL(request.url);
      const answer = (value: unknown) =>
        new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
      if (pathname === `/v2/rooms/${room}`) return answer(roomBody);
      if (pathname === `/v2/hls/${room}/active`) return answer(egress());
      if (request.method === 'GET' && pathname === '/v2/livestreams')
        return answer(page(running, { currentPage: Number(searchParams.get('page')), lastPage: 1 }));
      bodies.push({ [`${request.method} ${pathname}`]: await request.json() });
      return answer({ message: 'ok' });
    };
    const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
    const stream = await provider.update(room, { restream: [named, added] });
    expect(bodies).toEqual([
      { 'POST /v2/livestreams/end': { roomId: room } },
      {
        'POST /v2/livestreams/start': {
          roomId: room,
          outputs: [named, added, odd],
          config: { layout: { type: 'GRID', priority: 'SPEAKER' } },
        },
      },
    ]);
    expect(stream.warnings?.map((warning: Warning) => warning.type)).toEqual([
      'held-in-memory',
      'unsupported-setting',
    ]);
    expect(stream.warnings?.[1]).toEqual({
      type: 'unsupported-setting',
      setting: 'restream',
      message:
        "a restream target the stream has could not be named in the list (a URL that is no rtmp:// or rtmps:// one, or a stream key an input refuses: added on the vendor's dashboard or by another tool), so it was kept as it is; remove it on the vendor's side if it is not wanted",
    });
  });

  it('leaves the set running when the list names every output it can (nothing sent)', async () => {
    const { provider, calls } = vendor((_, path, query) =>
      path === `/v2/rooms/${room}`
        ? ok(roomBody)
        : path === `/v2/hls/${room}/active`
          ? ok(egress())
          : ok(
              page([rtmpOut({ outputs: [named, odd] })], {
                currentPage: Number(query.get('page')),
                lastPage: 1,
              }),
            ),
    );
    await provider.update(room, { restream: [named] });
    expect(calls.filter((call) => call.startsWith('POST'))).toEqual([]);
  });
});
