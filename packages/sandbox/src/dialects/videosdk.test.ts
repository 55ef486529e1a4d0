import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsNameLimit } from '../../test/name-limit.js';
import { holdsRestreamLimits } from '../../test/restream-limit.js';
import { createEngine } from '../engine.js';
import type { SandboxResponse } from '../types.js';
import { undocumentedNameLimit } from './names.js';
import { videosdkDialect } from './videosdk.js';

const { apiKey, secret } = videosdkDialect.defaultCredentials() as { apiKey: string; secret: string };

function jwt(
  payload: Record<string, unknown>,
  options: { key?: string; header?: Record<string, unknown> } = {},
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(options.header ?? { alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', options.key ?? secret)
    .update(input)
    .digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const validToken = () => jwt({ apikey: apiKey, iat: nowSeconds(), exp: nowSeconds() + 600, jti: 'j-1' });

const engines: ReturnType<typeof createEngine>[] = [];
function sandbox() {
  const engine = createEngine({ dialects: [videosdkDialect], transitionMs: 10 });
  engines.push(engine);
  return async (
    method: string,
    path: string,
    options: { body?: unknown; query?: string; authorization?: string | null } = {},
  ): Promise<SandboxResponse> => {
    const headers = new Headers();
    const authorization = options.authorization === undefined ? validToken() : options.authorization;
    if (authorization !== null) headers.set('authorization', authorization);
    const outcome = await engine.handle('videosdk', {
      method,
      path,
      query: new URLSearchParams(options.query ?? ''),
      headers,
      body: options.body,
    });
    if (outcome.kind !== 'respond') throw new Error('dropped');
    return outcome.response;
  };
}
afterEach(() => {
  for (const engine of engines.splice(0)) engine.close();
});

describe('videosdk sandbox dialect', () => {
  // No videosdk source gives a limit: the sandbox keeps names to its own, unverified bound (code points), and
  // refuses a longer one with the vendor's message for a name it will not take, on create and on update.
  it('keeps a name of up to 1,000 characters and refuses a longer one as an invalid name', async () => {
    const call = sandbox();
    const created = (await call('POST', '/v1/livestreams', { body: { name: 'kept' } })).body as {
      id: string;
    };
    await holdsNameLimit({
      limit: undocumentedNameLimit,
      send: (name, update) =>
        call('POST', update ? `/v1/livestreams/${created.id}` : '/v1/livestreams', { body: { name } }),
      stored: async () =>
        ((await call('GET', `/v1/livestreams/${created.id}`)).body as { name: string }).name,
      accepted: () => 200,
      refusal: { status: 400, body: { message: 'Please provide a valid name in body params.' } },
      created: () => engines.at(-1)?.stats.created.videosdk ?? 0,
    });
  });

  it('serves under the bare host, credentials named like the factory settings', () => {
    expect(videosdkDialect.id).toBe('videosdk');
    expect(videosdkDialect.basePath).toBe('');
    expect(Object.keys(videosdkDialect.defaultCredentials()).sort()).toEqual(['apiKey', 'secret']);
  });

  describe('authentication', () => {
    const refused = { status: 401, body: { message: '`token` is invalid.' } };
    const cases: [string, string | null][] = [
      ['no Authorization header', null],
      ['a "Bearer " prefix', `Bearer ${jwt({ apikey: apiKey, exp: nowSeconds() + 600 })}`],
      [
        'a token signed with another secret',
        jwt({ apikey: apiKey, exp: nowSeconds() + 600 }, { key: 'nope' }),
      ],
      ['an expired token', jwt({ apikey: apiKey, iat: nowSeconds() - 700, exp: nowSeconds() - 100 })],
      ['a token not valid yet', jwt({ apikey: apiKey, nbf: nowSeconds() + 100 })],
      ["another account's apikey", jwt({ apikey: 'someone-else', exp: nowSeconds() + 600 })],
      ['an unsigned token', jwt({ apikey: apiKey }, { header: { alg: 'none' } })],
      ['no JWT at all', 'not-a-jwt'],
    ];
    for (const [label, authorization] of cases) {
      it(`refuses ${label} with 401`, async () => {
        const call = sandbox();
        expect(await call('GET', '/v1/livestreams', { authorization })).toEqual(refused);
      });
    }

    it('accepts a token without exp, as jsonwebtoken would', async () => {
      const call = sandbox();
      const response = await call('GET', '/v1/livestreams', { authorization: jwt({ apikey: apiKey }) });
      expect(response.status).toBe(200);
    });
  });

  it('creates a stream shaped like the 2022 reference example', async () => {
    const call = sandbox();
    const response = await call('POST', '/v1/livestreams', {
      body: {
        name: 'Nickname for livestream',
        record: true,
        restream: [{ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: '0tjp-h6a2-8c9d-vusv-01uu' }],
      },
    });
    expect(response.status).toBe(200);
    const body = response.body as Record<string, unknown>;
    const key = body.streamKey as string;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      record: true,
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Nickname for livestream',
      streamKey: key,
      // The vendor's `live` application and key on the sandbox's ingest; HLS at the sandbox's media route,
      // in the vendor's path, the stream key in it (`https://live.videosdk.live/live/<key>/index.m3u8`).
      streamUrl: 'rtmp://127.0.0.1:1935/live/',
      upstreamUrl: `rtmp://127.0.0.1:1935/live/${key}`,
      downstreamUrl: `http://127.0.0.1/media/videosdk/live/${key}/index.m3u8`,
      recordingUrl: `http://127.0.0.1/media/videosdk/live/${key}/storage/index.m3u8`,
      restream: [
        {
          _id: expect.stringMatching(/^[0-9a-f]{24}$/),
          url: 'rtmp://x.rtmp.youtube.com/live2',
          streamKey: '0tjp-h6a2-8c9d-vusv-01uu',
        },
      ],
      createdAt: expect.any(String),
      updatedAt: body.createdAt,
      user: { name: 'Sandbox user', id: body.userId },
    });
  });

  it('refuses a create without a name, or with malformed restream targets, with 400', async () => {
    const call = sandbox();
    for (const body of [
      { record: true },
      { name: '' },
      { name: 'x', record: 'yes' },
      { name: 'x', restream: [{ url: 'https://not-rtmp', streamKey: 'k' }] },
      { name: 'x', restream: {} },
    ]) {
      const response = await call('POST', '/v1/livestreams', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toEqual({ message: expect.any(String) });
    }
  });

  it('gets, updates with POST, and deletes, answering the deleted stream', async () => {
    const call = sandbox();
    const created = (await call('POST', '/v1/livestreams', { body: { name: 'a' } })).body as { id: string };
    const path = `/v1/livestreams/${created.id}`;
    const fetched = await call('GET', path);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ id: created.id, name: 'a', record: false, restream: [] });
    expect(fetched.body).not.toHaveProperty('user');

    const updated = await call('POST', path, { body: { name: 'b', record: true, restream: [] } });
    expect(updated).toMatchObject({ status: 200, body: { id: created.id, name: 'b', record: true } });
    expect((await call('POST', path, { body: { record: 'no' } })).status).toBe(400);
    expect((await call('PUT', path, { body: { name: 'c' } })).status).toBe(404);

    const deleted = await call('DELETE', path);
    expect(deleted).toMatchObject({ status: 200, body: { id: created.id, name: 'b' } });
    expect(await call('GET', path)).toEqual({ status: 404, body: { message: 'Livestream not found.' } });
    expect((await call('DELETE', path)).status).toBe(404);
  });

  // The vendor's playback URLs put the stream key in the path, not the id: every answer carrying the stream
  // carries them so, with the stream's own key.
  it('names the stream key in downstreamUrl and recordingUrl on every answer: create, get, list, update, delete', async () => {
    const call = sandbox();
    const urls = (key: string) => ({
      downstreamUrl: `http://127.0.0.1/media/videosdk/live/${key}/index.m3u8`,
      recordingUrl: `http://127.0.0.1/media/videosdk/live/${key}/storage/index.m3u8`,
    });
    const created = (await call('POST', '/v1/livestreams', { body: { name: 'a' } })).body as {
      id: string;
      streamKey: string;
    };
    const other = (await call('POST', '/v1/livestreams', { body: { name: 'b' } })).body as {
      id: string;
      streamKey: string;
    };
    expect(created.streamKey).not.toBe(other.streamKey);
    expect(created).toMatchObject(urls(created.streamKey));
    const path = `/v1/livestreams/${created.id}`;
    expect((await call('GET', path)).body).toMatchObject({ id: created.id, ...urls(created.streamKey) });
    const listed = (await call('GET', '/v1/livestreams')).body as { data: Record<string, unknown>[] };
    expect(listed.data).toEqual([
      expect.objectContaining({ id: created.id, ...urls(created.streamKey) }),
      expect.objectContaining({ id: other.id, ...urls(other.streamKey) }),
    ]);
    expect((await call('POST', path, { body: { name: 'c' } })).body).toMatchObject(urls(created.streamKey));
    expect((await call('DELETE', path)).body).toMatchObject(urls(created.streamKey));
  });

  it('pages with page and perPage, pageInfo without total', async () => {
    const call = sandbox();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(
        ((await call('POST', '/v1/livestreams', { body: { name: `s${index}` } })).body as { id: string }).id,
      );
    }
    const page = async (query: string) =>
      (await call('GET', '/v1/livestreams', { query })).body as {
        pageInfo: unknown;
        data: { id: string }[];
      };
    const first = await page('page=1&perPage=2');
    expect(first.pageInfo).toEqual({ currentPage: 1, perPage: 2, lastPage: 3 });
    expect(first.data.map((stream) => stream.id)).toEqual(ids.slice(0, 2));
    const last = await page('page=3&perPage=2');
    expect(last.data.map((stream) => stream.id)).toEqual(ids.slice(4));
    expect((await page('page=4&perPage=2')).data).toEqual([]);
    expect((await page('')).pageInfo).toEqual({ currentPage: 1, perPage: 20, lastPage: 1 });
  });

  it('tells each fault operation apart', () => {
    const request = (method: string, path: string) => ({
      method,
      path,
      query: new URLSearchParams(),
      headers: new Headers(),
      body: undefined,
    });
    expect(videosdkDialect.operationOf(request('POST', '/v1/livestreams'))).toBe('create');
    expect(videosdkDialect.operationOf(request('GET', '/v1/livestreams'))).toBe('list');
    expect(videosdkDialect.operationOf(request('GET', '/v1/livestreams/abc'))).toBe('get');
    expect(videosdkDialect.operationOf(request('POST', '/v1/livestreams/abc'))).toBe('update');
    expect(videosdkDialect.operationOf(request('DELETE', '/v1/livestreams/abc'))).toBe('delete');
    expect(videosdkDialect.operationOf(request('GET', '/v2/rooms'))).toBe('list');
    expect(videosdkDialect.operationOf(request('POST', '/v2/rooms'))).toBe('create');
    expect(videosdkDialect.operationOf(request('GET', '/v2/rooms/abcd-efgh-ijkl'))).toBe('get');
    expect(videosdkDialect.operationOf(request('POST', '/v2/rooms/abcd-efgh-ijkl'))).toBe('update');
    expect(videosdkDialect.operationOf(request('POST', '/v2/rooms/deactivate'))).toBe('delete');
    expect(videosdkDialect.operationOf(request('POST', '/v2/hls/start'))).toBe('start');
    expect(videosdkDialect.operationOf(request('POST', '/v2/hls/end'))).toBe('stop');
    expect(videosdkDialect.operationOf(request('GET', '/v2/hls/abcd-efgh-ijkl/active'))).toBe('status');
    expect(videosdkDialect.operationOf(request('GET', '/v2/livestreams'))).toBeUndefined();
  });

  it('renders errors as { message }; a planned conflict as 409, in words that name neither API version', () => {
    expect(videosdkDialect.error('not-found', 404, 'Not found')).toEqual({
      status: 404,
      body: { message: 'Not found' },
    });
    // Both versions answer it (a v2 client's planned fault read "videosdk v1 has no state conflicts").
    expect(videosdkDialect.error('conflict', 422, 'x')).toEqual({
      status: 409,
      body: { message: 'this 409 was planned: a conflict fault the sandbox was asked for' },
    });
  });

  it('answers unknown routes with 404', async () => {
    const call = sandbox();
    expect((await call('GET', '/v3/livestreams')).status).toBe(404);
  });

  // A raw request could keep restream targets of any number and length, which every later read carried.
  it('keeps up to 100 restream targets of bounded url and streamKey, refusing others, storing nothing', async () => {
    const call = sandbox();
    await holdsRestreamLimits({
      field: 'restream',
      send: (restream) => call('POST', '/v1/livestreams', { body: { name: 'targets', restream } }),
      accepted: (answer) => answer.status === 200,
      refusal: (message) => ({ status: 400, body: { message } }),
      kept: async () => {
        const targets: unknown[] = [];
        for (let page = 1; ; page += 1) {
          const body = (await call('GET', '/v1/livestreams', { query: `perPage=100&page=${page}` })).body as {
            data: { restream: unknown[] }[];
            pageInfo: { lastPage: number };
          };
          for (const stream of body.data) targets.push(...stream.restream);
          if (page >= body.pageInfo.lastPage) return targets;
        }
      },
    });
  });

  // A lone surrogate is no character: a name holding one is refused as any name the vendor will not take.
  it('refuses a name holding a lone surrogate, on create and on update, keeping nothing of it', async () => {
    const call = sandbox();
    const { id } = (await call('POST', '/v1/livestreams', { body: { name: 'kept' } })).body as { id: string };
    const refusal = { status: 400, body: { message: 'Please provide a valid name in body params.' } };
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
        fc.string({ maxLength: 8 }),
        fc.boolean(),
        async (before, unit, after, update) => {
          // Joined so the unit stays alone: a neighbour could pair with it.
          const name = `${before}a${unit}a${after}`;
          const answer = update
            ? await call('POST', `/v1/livestreams/${id}`, { body: { name } })
            : await call('POST', '/v1/livestreams', { body: { name } });
          expect(answer).toEqual(refusal);
          const list = (await call('GET', '/v1/livestreams', { query: 'perPage=100' })).body as {
            data: { name: string }[];
          };
          expect(list.data.map((stream) => stream.name)).toEqual(['kept']);
        },
      ),
    );
  });
});
