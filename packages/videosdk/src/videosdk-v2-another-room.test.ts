import { fileURLToPath } from 'node:url';
import {
  ConflictError,
  createLiveStreamClient,
  type LiveStream,
  ResponseShapeError,
  type UniliveError,
  type Warning,
} from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { videosdk } from './index.js';

// An answer about one room that is about another (a proxy or cache serving another URL's answer, a vendor's
// bug) is never used for the room asked for: the HLS egress and the RTMP-out records carry their own
// `roomId` (and `sessionId`), and one naming another room is core's "about another stream"
// ResponseShapeError (`issues` path `id`, `delivery: 'unknown'`), for get, waitForState, start's 409
// read-back and stop; `list` skips the room with a `skipped-record` warning, as for any egress answer it
// cannot use. The RTMP-out read pages by core's paging rules: each record once, a stop on a page with nothing
// new or numbered other than asked, told by an `incomplete-answer` warning on the stream.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const body = (name: string) =>
  loadFixture(directory, name).response.body as { data: Record<string, unknown> } & Record<string, unknown>;
const token = loadFixture(directory, 'v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const other = 'zzzz-zzzz-zzzz';
const session = 'abcde94c96e17e03fb0abcde4';

const roomBody = body('v2-rooms-get');
const egress = (fields: Record<string, unknown> = {}) => {
  const answer = body('v2-hls-active');
  return { ...answer, data: { ...answer.data, ...fields } };
};
const otherRoomsEgress = egress({
  roomId: other,
  sessionId: 'other',
  playbackHlsUrl: 'https://cdn.example/OTHER-ROOM/index.m3u8',
});
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

const roomRead = `GET /v2/rooms/${room}`;
const egressRead = `GET /v2/hls/${room}/active`;
const outsRead = (n: number, sessionId = session) =>
  `GET /v2/livestreams?roomId=${room}&sessionId=${sessionId}&page=${n}&perPage=20`;
const ok = (answer: unknown) => ({ status: 200, body: answer });

/** The reads of one stream, the room and egress sent at once (in either order), then the rest in order. */
function expectReads(calls: readonly string[], rest: readonly string[]) {
  expect(new Set(calls.slice(0, 2))).toEqual(new Set([roomRead, egressRead]));
  expect(calls.slice(2)).toEqual(rest);
}

const aboutAnother = (operation: string, step: string, names: string) =>
  `videosdk ${operation} (${step}): the vendor's answer about stream ${room} is about another stream: ${names}`;

function expectAboutAnother(error: unknown, message: string, path = 'id') {
  expect(ResponseShapeError.isInstance(error), String(error)).toBe(true);
  const shape = error as UniliveError & { issues: { path: string }[] };
  expect(shape.message).toBe(message);
  expect(shape.issues.map((issue) => issue.path)).toEqual([path]);
  expect(shape.delivery).toBe('unknown');
}

beforeEach(() => {
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => vi.unstubAllEnvs());

describe('videosdk v2: an HLS egress answer about another room', () => {
  const egressMessage = (operation: string) =>
    aboutAnother(operation, 'reading the HLS egress', 'the HLS egress names another room');

  it('get: ResponseShapeError, and no RTMP-out read with the other room’s session', async () => {
    const { provider, calls } = vendor((_, path) =>
      path === `/v2/rooms/${room}` ? ok(roomBody) : ok(otherRoomsEgress),
    );
    const error = await provider.get(room).catch((caught: unknown) => caught);
    expectAboutAnother(error, egressMessage('get'));
    expectReads(calls, []);
  });

  it('get: the same when a repeated key makes the last roomId another room’s', async () => {
    const { provider, calls } = vendor((_, path) =>
      path === `/v2/rooms/${room}`
        ? ok(roomBody)
        : `{"code":200,"data":{"roomId":"${room}","sessionId":"${session}","end":null,"playbackHlsUrl":"https://cdn.example/OTHER-ROOM/index.m3u8","roomId":"${other}"}}`,
    );
    const error = await provider.get(room).catch((caught: unknown) => caught);
    expectAboutAnother(error, egressMessage('get'));
    expectReads(calls, []);
  });

  it('waitForState: the poll that brought it ends the wait with ResponseShapeError', async () => {
    const { provider, calls } = vendor((_, path) =>
      path === `/v2/rooms/${room}` ? ok(roomBody) : ok(otherRoomsEgress),
    );
    const client = createLiveStreamClient(provider);
    const error = await client
      .waitForState(room, 'ready', { timeoutMs: 5_000, intervalMs: 100 })
      .catch((caught: unknown) => caught);
    expectAboutAnother(error, egressMessage('status'));
    expectReads(calls, []);
  });

  it('start: a 409 whose read-back finds another room’s egress stays the 409', async () => {
    const { provider, calls } = vendor((method, path) => {
      if (method === 'POST') return { status: 409, body: { message: 'HLS already running.' } };
      return path === `/v2/rooms/${room}` ? ok(roomBody) : ok(otherRoomsEgress);
    });
    const error = await provider.start(room).catch((caught: unknown) => caught);
    expect(ConflictError.isInstance(error), String(error)).toBe(true);
    expect((error as ConflictError).status).toBe(409);
    expect(calls[0]).toBe('POST /v2/hls/start');
    expect(new Set(calls.slice(1))).toEqual(new Set([roomRead, egressRead]));
    expect(calls).toHaveLength(3);
  });

  it('stop: ResponseShapeError after the egress read alone; nothing is ended', async () => {
    const { provider, calls } = vendor((_, path) =>
      path === `/v2/rooms/${room}` ? ok(roomBody) : ok(otherRoomsEgress),
    );
    const error = await provider.stop(room).catch((caught: unknown) => caught);
    expectAboutAnother(error, egressMessage('stop'));
    expect(calls).toEqual([egressRead]);
  });

  it('list: the room is skipped with a skipped-record warning naming it, the others listed; strict throws', async () => {
    const second = 'wxyz-wxyz-wxyz';
    const route: Route = (_, path) => {
      if (path === '/v2/rooms')
        return ok(
          page([roomBody, { ...roomBody, roomId: second }], {
            currentPage: 1,
            perPage: 20,
            lastPage: 1,
            total: 2,
          }),
        );
      if (path === `/v2/hls/${room}/active`) return ok(otherRoomsEgress);
      return ok(egress({ roomId: second }));
    };
    const { provider, calls } = vendor(route);
    const warnings: Warning[] = [];
    const runtime = { hooks: { onWarning: (event: { warning: Warning }) => warnings.push(event.warning) } };
    const streams: LiveStream[] = [];
    for await (const stream of provider.list({ runtime } as never)) streams.push(stream);
    expect(streams.map((stream) => [stream.id, stream.state])).toEqual([[second, 'ready']]);
    expect(warnings).toEqual([
      {
        type: 'skipped-record',
        message: `videosdk list: stream ${room} (record 1 of page 1) was skipped: its details could not be used: id (expected the id of the stream asked for)`,
      },
    ]);
    expect(calls).toEqual(['GET /v2/rooms?page=1&perPage=20', egressRead, `GET /v2/hls/${second}/active`]);
    const strict = vendor(route);
    const error = await (async () => {
      for await (const _ of strict.provider.list({ strict: true })) void _;
    })().catch((caught: unknown) => caught);
    expectAboutAnother(error, egressMessage('list'));
    expect(strict.calls).toEqual(['GET /v2/rooms?page=1&perPage=20', egressRead]);
  });
});

describe('videosdk v2: RTMP-out records about another room or session', () => {
  const routeWith =
    (records: unknown[]): Route =>
    (_, path) => {
      if (path === `/v2/rooms/${room}`) return ok(roomBody);
      if (path === `/v2/hls/${room}/active`) return ok(egress());
      if (path === '/v2/livestreams')
        return ok(page(records, { currentPage: 1, perPage: 20, lastPage: 1, total: records.length }));
      return { status: 200, body: 'ended' };
    };

  it('get: a record of another room is ResponseShapeError (path id), its key never in restream', async () => {
    const { provider, calls } = vendor(routeWith([rtmpOut({ roomId: other })]));
    const error = await provider.get(room).catch((caught: unknown) => caught);
    expectAboutAnother(
      error,
      aboutAnother('get', 'reading the RTMP-outs', 'an RTMP-out record names another room'),
    );
    expectReads(calls, [outsRead(1)]);
  });

  it('get: a record of another session is ResponseShapeError (path sessionId)', async () => {
    const { provider, calls } = vendor(routeWith([rtmpOut(), rtmpOut({ id: 'r2', sessionId: 'other' })]));
    const error = await provider.get(room).catch((caught: unknown) => caught);
    expectAboutAnother(
      error,
      aboutAnother(
        'get',
        'reading the RTMP-outs',
        'an RTMP-out record names another session than the running HLS egress',
      ),
      'sessionId',
    );
    expectReads(calls, [outsRead(1)]);
  });

  it('stop: a record of another room ends the stop before anything is ended', async () => {
    const { provider, calls } = vendor(routeWith([rtmpOut({ roomId: other })]));
    const error = await provider.stop(room).catch((caught: unknown) => caught);
    expectAboutAnother(
      error,
      aboutAnother('stop', 'reading the RTMP-outs', 'an RTMP-out record names another room'),
    );
    expect(calls).toEqual([egressRead, outsRead(1)]);
  });
});

describe('videosdk v2: the RTMP-out read follows core’s paging rules', () => {
  const routeWith =
    (answer: (n: number) => unknown): Route =>
    (method, path, query) => {
      if (method === 'POST') return ok('done');
      if (path === `/v2/rooms/${room}`) return ok(roomBody);
      if (path === `/v2/hls/${room}/active`) return ok(egress());
      return ok(answer(Number(query.get('page'))));
    };
  const target = [{ url: 'rtmp://x/live', streamKey: 'KK3-secret-key' }];
  const incomplete = (why: string): Warning => ({
    type: 'incomplete-answer',
    setting: 'restream',
    message: `videosdk get: the vendor's RTMP-out pages of stream ${room} could not all be read (${why}), so \`restream\` may lack running RTMP-outs: it lists the 1 read`,
  });

  it('the same record on every page: listed once, the read stops at the page with nothing new, with a warning', async () => {
    const { provider, calls } = vendor(
      routeWith((n) => page([rtmpOut()], { currentPage: n, perPage: 20, lastPage: 5, total: 5 })),
    );
    const stream = await provider.get(room);
    expect(stream.restream).toEqual(target);
    expect(stream.warnings).toEqual([incomplete('page 2 of 5 held no record not already read')]);
    expect((stream.raw as { rtmpOuts: unknown[] }).rtmpOuts).toEqual([rtmpOut()]);
    expectReads(calls, [outsRead(1), outsRead(2)]);
  });

  it('a vendor that ignores page: two requests, not twenty, and a warning', async () => {
    const { provider, calls } = vendor(
      routeWith(() => page([rtmpOut()], { currentPage: 1, perPage: 20, lastPage: 500, total: 500 })),
    );
    const stream = await provider.get(room);
    expect(stream.restream).toEqual(target);
    expect(stream.warnings).toEqual([
      incomplete('page 2 was asked for and page 1 answered: the server seems to ignore the page parameter'),
    ]);
    expectReads(calls, [outsRead(1), outsRead(2)]);
  });

  it('the same record twice on one page: listed once, one request, no warning', async () => {
    const { provider, calls } = vendor(
      routeWith(() => page([rtmpOut(), rtmpOut()], { currentPage: 1, perPage: 20, lastPage: 1, total: 2 })),
    );
    const stream = await provider.get(room);
    expect(stream.restream).toEqual(target);
    expect(stream.warnings).toBeUndefined();
    expectReads(calls, [outsRead(1)]);
  });

  it('stop of a room whose vendor ignores page reads two RTMP-out pages before it ends them', async () => {
    const { provider, calls } = vendor(
      routeWith(() => page([rtmpOut()], { currentPage: 1, perPage: 20, lastPage: 500, total: 500 })),
    );
    await provider.stop(room);
    expect(calls.slice(0, 5)).toEqual([
      egressRead,
      outsRead(1),
      outsRead(2),
      'POST /v2/livestreams/end',
      'POST /v2/hls/end',
    ]);
    expect(calls.filter((call) => call.startsWith('GET /v2/livestreams'))).toHaveLength(4);
  });
});

describe('videosdk v2: a password in a playback URL is a secret', () => {
  it('a later error echoing it, bare or in a URL, masks it', async () => {
    let echo = false;
    const { provider } = vendor((_, path) => {
      if (path === `/v2/rooms/${room}`)
        return echo
          ? {
              status: 400,
              body: { message: 'echo PBPASSWORD77 and https://viewer:PBPASSWORD77@cdn.example/x' },
            }
          : ok(roomBody);
      if (path === `/v2/hls/${room}/active`)
        return ok(egress({ playbackHlsUrl: 'https://viewer:PBPASSWORD77@cdn.example/x/index.m3u8' }));
      return ok(page([], { currentPage: 1, perPage: 20, lastPage: 1, total: 0 }));
    });
    const stream = await provider.get(room);
    expect(stream.playback[0]?.url).toBe('https://viewer:PBPASSWORD77@cdn.example/x/index.m3u8');
    echo = true;
    const error = (await provider.get(room).catch((caught: unknown) => caught)) as UniliveError;
    expect(error.message).not.toContain('PBPASSWORD77');
    expect(error.vendorMessage).not.toContain('PBPASSWORD77');
    expect(error.message).toBe(
      'videosdk get failed (HTTP 400): echo [REDACTED] and https://[REDACTED]@cdn.example/x',
    );
  });
});

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
