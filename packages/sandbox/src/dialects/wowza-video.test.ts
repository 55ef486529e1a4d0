import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wowzaRecordInvalid } from '../../test/wowza-refusals.js';
import { createEngine, type SandboxEngine } from '../engine.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { undocumentedWowzaTextLimits } from './names.js';
import { wowzaVideoDialect } from './wowza-video.js';

const token = wowzaVideoDialect.defaultCredentials().token ?? '';
const transitionMs = 50;
let engine: SandboxEngine;

type Body = Record<string, unknown>;
const meta = (response: SandboxResponse) => (response.body as { meta: Body }).meta;
const liveStream = (response: SandboxResponse) => (response.body as { live_stream: Body }).live_stream;

function request(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): SandboxRequest {
  const url = new URL(path, 'http://sandbox');
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: new Headers({ authorization: `Bearer ${token}`, ...headers }),
    body,
  };
}

async function send(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const outcome = await engine.handle('wowza-video', request(method, path, body, headers));
  if (outcome.kind !== 'respond') throw new Error('dropped');
  return outcome.response;
}

async function create(fields: Body = {}) {
  const response = await send('POST', '/live_streams', {
    live_stream: {
      name: 'My Live Stream',
      broadcast_location: 'us_west_california',
      encoder: 'other_rtmp',
      ...fields,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return liveStream(response);
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-05T10:00:00.000Z') });
  engine = createEngine({ dialects: [wowzaVideoDialect], transitionMs });
});
afterEach(() => {
  engine.close();
  vi.useRealTimers();
});

describe('wowza-video dialect: identity and auth', () => {
  it('serves /api/v2.0 and issues a JWT-looking token named like the factory setting', () => {
    expect(wowzaVideoDialect.id).toBe('wowza-video');
    expect(wowzaVideoDialect.basePath).toBe('/api/v2.0');
    expect(Object.keys(wowzaVideoDialect.defaultCredentials())).toEqual(['token']);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toHaveProperty('iss');
    expect(signature).toMatch(/^[\w-]+$/);
  });

  it('answers a missing Authorization header with ERR-401-NoApiKey', async () => {
    const outcome = await engine.handle('wowza-video', {
      ...request('GET', '/live_streams'),
      headers: new Headers(),
    });
    expect(outcome).toEqual({
      kind: 'respond',
      response: {
        status: 401,
        body: {
          meta: {
            status: 401,
            code: 'ERR-401-NoApiKey',
            title: 'No API Key Error',
            message: 'No API key sent in header.',
            description: '',
            links: [],
          },
        },
      },
    });
  });

  it.each([
    ['a wrong token', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['the "Bearer:" spelling of one community client', `Bearer: ${token}`],
    ['the token without the Bearer scheme', token],
  ])('answers %s with ERR-401-InvalidToken', async (_label, authorization) => {
    const response = await send('GET', '/live_streams', undefined, { authorization });
    expect(response.status).toBe(401);
    expect(meta(response)).toMatchObject({
      code: 'ERR-401-InvalidToken',
      title: 'JWT is invalid',
      message: 'Token is invalid.',
    });
  });

  it('answers an expired JWT with ERR-401-ExpiredToken', async () => {
    const expired = [
      'eyJhbGciOiJIUzI1NiJ9',
      Buffer.from(JSON.stringify({ exp: 1_600_000_000 })).toString('base64url'),
      'c2ln',
    ].join('.');
    const response = await send('GET', '/live_streams', undefined, { authorization: `Bearer ${expired}` });
    expect(meta(response)).toMatchObject({
      status: 401,
      code: 'ERR-401-ExpiredToken',
      message: 'Token has exired.',
    });
  });
});

describe('wowza-video dialect: create', () => {
  it('answers 201 with the full live_stream object, in stopped', async () => {
    const stream = await create();
    expect(stream).toMatchObject({
      name: 'My Live Stream',
      state: 'stopped',
      broadcast_location: 'us_west_california',
      encoder: 'other_rtmp',
      billing_mode: 'pay_as_you_go',
      transcoder_type: 'transcoded',
      delivery_method: 'push',
      delivery_protocols: ['rtmp', 'rtsp', 'wowz', 'webrtc'],
      recording: false,
      player_type: 'wowza_flowplayer_v2',
      embed_code: null,
      created_at: '2026-01-05T10:00:00.000Z',
      target_delivery_protocol: 'hls-https',
    });
    expect(stream.id).toMatch(/^[a-z0-9]{8}$/);
    expect(stream.connection_code).toMatch(/^[a-z0-9]{6}$/);
    // Served by the sandbox's media route while an encoder publishes.
    expect(stream.hls_playback_url).toBe(`http://127.0.0.1/media/wowza-video/${stream.id}/playlist.m3u8`);
    expect(stream.hosted_page).toMatchObject({ enabled: true, title: 'My Live Stream', sharing_icons: true });
    expect((stream.hosted_page as Body).url).toMatch(
      /^https:\/\/embed\.flowplayer\.com\/hosted\/default\/[a-z0-9]{8}$/,
    );
    expect(stream).not.toHaveProperty('username');
    expect(stream).not.toHaveProperty('player_id');
  });

  it('generates RTMP push details like the v1 example, with credentials', async () => {
    const stream = await create({ username: 'client2', password: '68332313' });
    // RTMP pushes go to the sandbox's own ingest (the engine's default address: a server sets its own).
    expect(stream.source_connection_information).toEqual({
      primary_server: '127.0.0.1',
      host_port: 1935,
      application: expect.stringMatching(/^app-[A-Z0-9]{8}$/),
      stream_name: expect.stringMatching(/^[0-9a-f]{8}$/),
      disable_authentication: false,
      username: 'client2',
      password: '68332313',
    });
    const open = await create({ disable_authentication: true, encoder: 'other_rtsp' });
    expect(open.source_connection_information).not.toHaveProperty('password');
    // RTSP keeps the vendor-shaped entry point: the sandbox takes no RTSP.
    expect(open.source_connection_information).toMatchObject({
      primary_server: expect.stringMatching(/^[0-9a-f]{6}\.entrypoint\.video\.wowza\.com$/),
      disable_authentication: true,
      host_port: 1935,
    });
  });

  it('generates WebRTC details like the quick start, SRT details, and echoes a pull source', async () => {
    expect((await create({ encoder: 'other_webrtc' })).source_connection_information).toEqual({
      sdp_url: expect.stringMatching(
        /^wss:\/\/[0-9a-f]{6}\.entrypoint\.video\.wowza\.com\/webrtc-session\.json$/,
      ),
      application_name: expect.stringMatching(/^app-/),
      stream_name: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect((await create({ encoder: 'other_srt' })).source_connection_information).toEqual({
      primary_server: expect.stringMatching(/\.entrypoint\.video\.wowza\.com$/),
      host_port: 10000,
      stream_name: expect.any(String),
    });
    expect(
      (
        await create({
          encoder: 'ipcamera',
          delivery_method: 'pull',
          source_url: 'rtsp://camera.example.com/live',
        })
      ).source_connection_information,
    ).toEqual({ source_url: 'rtsp://camera.example.com/live' });
  });

  it('lists a source and five renditions plus WebRTC per protocol when transcoded, the source only when passthrough', async () => {
    const transcoded = (await create()).direct_playback_urls as Record<string, Body[]>;
    expect(Object.keys(transcoded)).toEqual(['rtmp', 'rtsp', 'wowz', 'webrtc']);
    expect(transcoded.rtmp?.map((entry) => entry.name)).toEqual([
      'source',
      'webrtc',
      'V:1280x720+A:128K',
      'V:854x480+A:128K',
      'V:640x360+A:128K',
      'V:512x288+A:128K',
      'V:320x180+A:128K',
    ]);
    expect(transcoded.rtsp?.[1]?.url).toMatch(
      /^rtsp:\/\/[0-9a-f]{6}\.entrypoint\.video\.wowza\.com:1935\/app-\w+\/[0-9a-f]{8}_stream1$/,
    );
    expect(transcoded.webrtc?.[0]).toEqual({
      name: 'source',
      url: expect.stringMatching(/^wss:\/\/.*\/webrtc-session\.json$/),
      application_name: expect.stringMatching(/^app-/),
      stream_name: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    const passthrough = await create({
      transcoder_type: 'passthrough',
      delivery_protocols: ['rtmp', 'webrtc'],
    });
    const urls = passthrough.direct_playback_urls as Record<string, Body[]>;
    expect(Object.keys(urls)).toEqual(['rtmp', 'webrtc']);
    expect(urls.rtmp).toHaveLength(1);
  });

  it('applies save_asset over recording and leaves out a disabled hosted page', async () => {
    const stream = await create({ recording: true, save_asset: true, hosted_page: { enabled: false } });
    expect(stream).toMatchObject({ recording: false, save_asset: true, vod_stream: false });
    expect(stream.hosted_page).not.toHaveProperty('url');
  });

  it.each([
    [{}, "Live stream can't be blank", true],
    [
      { live_stream: { broadcast_location: 'us_west_california', encoder: 'other_rtmp' } },
      "Name can't be blank",
      false,
    ],
    [
      {
        live_stream: {
          name: 'x'.repeat(201),
          broadcast_location: 'us_west_california',
          encoder: 'other_rtmp',
        },
      },
      'Name is too long (maximum is 200 characters)',
      false,
    ],
    [
      { live_stream: { name: 'n', broadcast_location: 'mars', encoder: 'other_rtmp' } },
      'Broadcast location is not included in the list',
      false,
    ],
    [
      { live_stream: { name: 'n', broadcast_location: 'eu_germany', encoder: 'obs' } },
      'Encoder is not included in the list',
      false,
    ],
    [
      {
        live_stream: { name: 'n', broadcast_location: 'eu_germany', encoder: 'other_rtmp', username: 'a b' },
      },
      'Username is invalid',
      false,
    ],
    [
      {
        live_stream: {
          name: 'n',
          broadcast_location: 'eu_germany',
          encoder: 'other_rtmp',
          delivery_method: 'pull',
        },
      },
      "Source url can't be blank",
      false,
    ],
  ])('refuses %j with ERR-422-RecordInvalid', async (body, problem, exact) => {
    const response = await send('POST', '/live_streams', body);
    expect(response.status).toBe(422);
    expect(meta(response)).toMatchObject({ code: 'ERR-422-RecordInvalid', title: 'Record Invalid Error' });
    const message = String(meta(response).message);
    expect(message.startsWith("The request couldn't be processed. ")).toBe(true);
    if (exact) expect(message).toBe(`The request couldn't be processed. ${problem}`);
    else expect(message).toContain(problem);
  });
});

describe('wowza-video dialect: name length', () => {
  it('counts a name in code points, as unilive does: 200 emoji fit, 201 characters do not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('x', 'é', '😀', '👍🏽', '中'), { minLength: 1, maxLength: 260 }),
        async (characters) => {
          const name = characters.join('');
          const length = [...name].length;
          const response = await send('POST', '/live_streams', {
            live_stream: { name, broadcast_location: 'us_west_california', encoder: 'other_rtmp' },
          });
          expect(response.status, `${length} code points`).toBe(length <= 200 ? 201 : 422);
        },
      ),
      { numRuns: 60 },
    );
  });
});

// Wowza's answer about a deleted record, word for word: the OpenAPI v2.0 Error410 example (fixture
// error.410.RecordDeleted.json), which every call on one stream declares.
const recordDeleted = {
  meta: {
    status: 410,
    code: 'ERR-410-RecordDeleted',
    title: 'Record Deleted Error',
    message: 'The requested resource has been deleted.',
    description: '',
    links: [],
  },
};

describe('wowza-video dialect: a deleted stream', () => {
  // Every call on one stream, as the adapter and the vendor's reference send them.
  const calls: [string, string, unknown?][] = [
    ['GET', ''],
    ['PATCH', '', { live_stream: { name: 'Renamed' } }],
    ['DELETE', ''],
    ['PUT', '/start'],
    ['PUT', '/stop'],
    ['PUT', '/reset'],
    ['GET', '/state'],
    ['PUT', '/regenerate_connection_code'],
    ['GET', '/thumbnail_url'],
    ['GET', 'analytics'],
  ];
  const path = (id: string, suffix: string) =>
    suffix === 'analytics' ? `/analytics/ingest/live_streams/${id}` : `/live_streams/${id}${suffix}`;

  it("answers every call on it with Wowza's 410, exactly, whatever state it was deleted in (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls.keys()),
        fc.boolean(),
        fc.boolean(),
        async (index, started, again) => {
          const [method, suffix, body] = calls[index] ?? ['GET', ''];
          const { id } = await create();
          if (started) await send('PUT', `/live_streams/${String(id)}/start`);
          expect(await send('DELETE', `/live_streams/${String(id)}`)).toEqual({ status: 204 });
          // Asked once, or after a first refused call: the answer never changes.
          if (again) await send(method, path(String(id), suffix), body);
          const answer = await send(method, path(String(id), suffix), body);
          expect({ call: `${method} ${suffix}`, status: answer.status, body: answer.body }).toEqual({
            call: `${method} ${suffix}`,
            status: 410,
            body: recordDeleted,
          });
        },
      ),
      {
        numRuns: 40,
        examples: [
          [calls.length - 1, false, false],
          [2, true, true],
        ],
      },
    );
  });

  it("renders an injected 410 as Wowza's deleted record, never a 404's words under 410", async () => {
    const { id } = await create();
    for (const [operation, method, suffix] of [
      ['get', 'GET', ''],
      ['update', 'PATCH', ''],
      ['delete', 'DELETE', ''],
      ['start', 'PUT', '/start'],
      ['stop', 'PUT', '/stop'],
      ['status', 'GET', '/state'],
    ] as const) {
      engine.injectFault('wowza-video', operation, { type: 'status', status: 410 });
      const answer = await send(method, `/live_streams/${String(id)}${suffix}`, {
        live_stream: { name: 'x' },
      });
      expect({ operation, status: answer.status, body: answer.body }).toEqual({
        operation,
        status: 410,
        body: recordDeleted,
      });
    }
    expect(wowzaVideoDialect.error('not-found', 410, 'Injected failure')).toEqual({
      status: 410,
      body: recordDeleted,
    });
  });
});

describe('wowza-video dialect: get, update, delete', () => {
  it('fetches, then answers 404 for an unknown id and 410 once deleted', async () => {
    const stream = await create();
    expect(liveStream(await send('GET', `/live_streams/${stream.id}`))).toEqual(stream);
    expect(meta(await send('GET', '/live_streams/nosuchid'))).toMatchObject({
      status: 404,
      code: 'ERR-404-RecordNotFound',
    });
    expect(await send('DELETE', `/live_streams/${stream.id}`)).toEqual({ status: 204 });
    const gone = await send('GET', `/live_streams/${stream.id}`);
    expect(gone.status).toBe(410);
    expect(meta(gone)).toMatchObject({
      code: 'ERR-410-RecordDeleted',
      message: 'The requested resource has been deleted.',
    });
    expect((await send('PUT', `/live_streams/${stream.id}/start`)).status).toBe(410);
  });

  it('patches updatable fields, ignores create-only ones, and rebuilds ingest when the encoder changes', async () => {
    const stream = await create();
    vi.advanceTimersByTime(1000);
    const response = await send('PATCH', `/live_streams/${stream.id}`, {
      live_stream: {
        name: 'Renamed',
        recording: true,
        description: 'd',
        billing_mode: 'twentyfour_seven',
        encoder: 'other_webrtc',
      },
    });
    expect(response.status).toBe(200);
    const updated = liveStream(response);
    expect(updated).toMatchObject({
      id: stream.id,
      name: 'Renamed',
      recording: true,
      description: 'd',
      billing_mode: 'pay_as_you_go',
      encoder: 'other_webrtc',
      updated_at: '2026-01-05T10:00:01.000Z',
      created_at: stream.created_at,
    });
    expect(updated.source_connection_information).toHaveProperty('sdp_url');
    const invalid = await send('PATCH', `/live_streams/${stream.id}`, {
      live_stream: { closed_caption_type: 'x' },
    });
    expect(meta(invalid)).toMatchObject({ status: 422, code: 'ERR-422-RecordInvalid' });
  });

  it('keeps the stream key when only the push password changes', async () => {
    const stream = await create();
    const before = stream.source_connection_information as Body;
    const updated = liveStream(
      await send('PATCH', `/live_streams/${stream.id}`, { live_stream: { password: 'newpass1' } }),
    );
    expect(updated.source_connection_information).toEqual({ ...before, password: 'newpass1' });
  });
});

describe('wowza-video dialect: state machine', () => {
  const state = async (id: unknown) => liveStream(await send('GET', `/live_streams/${id}/state`));

  it('start: stopped → starting → started after transitionMs; ip_address only while started', async () => {
    const { id } = await create();
    expect(await send('PUT', `/live_streams/${id}/start`)).toEqual({
      status: 200,
      body: { live_stream: { state: 'starting' } },
    });
    expect(await state(id)).toEqual({ ip_address: '0.0.0.0', state: 'starting' });
    vi.advanceTimersByTime(transitionMs);
    expect(await state(id)).toEqual({
      ip_address: expect.stringMatching(/^198\.51\.100\.\d+$/),
      state: 'started',
    });
    expect(liveStream(await send('GET', `/live_streams/${id}`)).state).toBe('started');
  });

  it('reset: started → resetting → started; stop answers stopped, as the quick start and OpenAPI example do', async () => {
    const { id } = await create();
    await send('PUT', `/live_streams/${id}/start`);
    vi.advanceTimersByTime(transitionMs);
    expect(liveStream(await send('PUT', `/live_streams/${id}/reset`))).toEqual({ state: 'resetting' });
    expect((await state(id)).state).toBe('resetting');
    vi.advanceTimersByTime(transitionMs);
    expect((await state(id)).state).toBe('started');
    expect(await send('PUT', `/live_streams/${id}/stop`)).toEqual({
      status: 200,
      body: { live_stream: { state: 'stopped' } },
    });
    // Stopped at once: the state call and the stream say so without waiting.
    expect(await state(id)).toEqual({ ip_address: '0.0.0.0', state: 'stopped' });
    expect(liveStream(await send('GET', `/live_streams/${id}`)).state).toBe('stopped');
  });

  it.each([
    ['stop', 'stopped', 'Stopping is not allowed! Transcoder is in stopped state.'],
    ['reset', 'stopped', 'Resetting is not allowed! Transcoder is in stopped state.'],
  ])('refuses %s while %s with ERR-422-InvalidStateChange', async (action, _state, message) => {
    const { id } = await create();
    const response = await send('PUT', `/live_streams/${id}/${action}`);
    expect(response.status).toBe(422);
    expect(meta(response)).toEqual({
      status: 422,
      code: 'ERR-422-InvalidStateChange',
      title: 'Invalid State Change Error',
      message: `The request couldn't be processed. ${message}`,
      description: '',
      links: [],
    });
  });

  it('refuses start while starting and while started', async () => {
    const { id } = await create();
    await send('PUT', `/live_streams/${id}/start`);
    expect(meta(await send('PUT', `/live_streams/${id}/start`)).message).toBe(
      "The request couldn't be processed. Starting is not allowed! Transcoder is in starting state.",
    );
    vi.advanceTimersByTime(transitionMs);
    expect(meta(await send('PUT', `/live_streams/${id}/start`)).message).toContain(
      'Transcoder is in started state.',
    );
  });

  it('regenerates the connection code and gives a thumbnail URL only while started', async () => {
    const stream = await create();
    const regenerated = liveStream(
      await send('PUT', `/live_streams/${stream.id}/regenerate_connection_code`),
    );
    expect(regenerated).toEqual({ connection_code: expect.stringMatching(/^[a-z0-9]{6}$/) });
    expect(liveStream(await send('GET', `/live_streams/${stream.id}`)).connection_code).toBe(
      regenerated.connection_code,
    );
    expect(liveStream(await send('GET', `/live_streams/${stream.id}/thumbnail_url`))).toEqual({});
    await send('PUT', `/live_streams/${stream.id}/start`);
    vi.advanceTimersByTime(transitionMs);
    expect(liveStream(await send('GET', `/live_streams/${stream.id}/thumbnail_url`)).thumbnail_url).toMatch(
      /^https:\/\/cloud\.wowza\.com\/proxy\/stats\/\?target=198\.51\.100\.\d+&app=app-\w+&stream=\w+@\d+\.stream&media=json$/,
    );
  });
});

describe('wowza-video dialect: list', () => {
  it('lists id, name, state and timestamps, oldest first, without pagination unless asked', async () => {
    const first = await create({ name: 'first' });
    vi.advanceTimersByTime(1000);
    await create({ name: 'second' });
    const response = await send('GET', '/live_streams');
    expect(response.body).toEqual({
      live_streams: [
        {
          id: first.id,
          name: 'first',
          state: 'stopped',
          created_at: first.created_at,
          updated_at: first.updated_at,
        },
        expect.objectContaining({ name: 'second' }),
      ],
    });
  });

  it('pages with page and per_page and reports the pagination object', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await create({ name });
    const response = await send('GET', '/live_streams?page=2&per_page=2');
    const body = response.body as { live_streams: Body[]; pagination: Body };
    expect(body.live_streams.map((item) => item.name)).toEqual(['c', 'd']);
    expect(body.pagination).toEqual({
      payload_version: 1.0,
      total_records: 5,
      page: 2,
      per_page: 2,
      total_pages: 3,
      page_first_index: 2,
      page_last_index: 3,
    });
    const last = (await send('GET', '/live_streams?page=3&per_page=2')).body as { live_streams: Body[] };
    expect(last.live_streams.map((item) => item.name)).toEqual(['e']);
    const beyond = (await send('GET', '/live_streams?page=9&per_page=2')).body as { live_streams: Body[] };
    expect(beyond.live_streams).toEqual([]);
    const capped = (await send('GET', '/live_streams?page=1&per_page=5000')).body as { pagination: Body };
    expect(capped.pagination.per_page).toBe(1000);
  });

  it('filters with filter[n][field] and an operator', async () => {
    const { id } = await create({ name: 'on air' });
    await create({ name: 'off air' });
    await send('PUT', `/live_streams/${id}/start`);
    const eq = (await send('GET', '/live_streams?filter[0][field]=state&filter[0][eq]=starting')).body as {
      live_streams: Body[];
    };
    expect(eq.live_streams.map((item) => item.name)).toEqual(['on air']);
    const like = (await send('GET', '/live_streams?filter[0][field]=name&filter[0][like]=off*')).body as {
      live_streams: Body[];
    };
    expect(like.live_streams.map((item) => item.name)).toEqual(['off air']);
  });
});

describe('wowza-video dialect: routing and errors for injected faults', () => {
  it('names the fault operation of each route; /state is the status poll', () => {
    const operation = (method: string, path: string) => wowzaVideoDialect.operationOf(request(method, path));
    expect([
      operation('POST', '/live_streams'),
      operation('GET', '/live_streams'),
      operation('GET', '/live_streams/abc'),
      operation('PATCH', '/live_streams/abc'),
      operation('DELETE', '/live_streams/abc'),
      operation('PUT', '/live_streams/abc/start'),
      operation('PUT', '/live_streams/abc/stop'),
      operation('GET', '/live_streams/abc/state'),
      operation('PUT', '/live_streams/abc/reset'),
      operation('GET', '/transcoders'),
    ]).toEqual([
      'create',
      'list',
      'get',
      'update',
      'delete',
      'start',
      'stop',
      'status',
      undefined,
      undefined,
    ]);
  });

  it('renders each failure kind in the meta shape; a conflict is 422 ERR-422-InvalidStateChange', () => {
    const codeOf = (response: SandboxResponse) => [response.status, meta(response).code];
    expect(codeOf(wowzaVideoDialect.error('conflict', 422, 'Starting is not allowed!'))).toEqual([
      422,
      'ERR-422-InvalidStateChange',
    ]);
    expect(meta(wowzaVideoDialect.error('conflict', 422, 'Starting is not allowed!')).message).toBe(
      "The request couldn't be processed. Starting is not allowed!",
    );
    expect(codeOf(wowzaVideoDialect.error('unauthorized', 401, ''))).toEqual([401, 'ERR-401-InvalidToken']);
    expect(codeOf(wowzaVideoDialect.error('forbidden', 403, ''))).toEqual([
      403,
      'ERR-403-RecordUnaccessible',
    ]);
    expect(codeOf(wowzaVideoDialect.error('not-found', 404, ''))).toEqual([404, 'ERR-404-RecordNotFound']);
    expect(codeOf(wowzaVideoDialect.error('invalid', 422, 'x'))).toEqual([422, 'ERR-422-RecordInvalid']);
    expect(codeOf(wowzaVideoDialect.error('rate-limit', 429, ''))).toEqual([429, 'ERR-429-TooManyRequests']);
    expect(codeOf(wowzaVideoDialect.error('server-error', 503, 'down'))).toEqual([
      503,
      'ERR-503-ServerError',
    ]);
  });

  it('serves an injected conflict on start through the engine', async () => {
    const { id } = await create();
    engine.injectFault('wowza-video', 'start', { type: 'conflict' });
    const response = await send('PUT', `/live_streams/${id}/start`);
    expect(response.status).toBe(422);
    expect(meta(response).code).toBe('ERR-422-InvalidStateChange');
  });

  it('answers unknown routes and methods with 404', async () => {
    expect((await send('GET', '/transcoders')).status).toBe(404);
    expect((await send('PUT', '/live_streams')).status).toBe(404);
    expect((await send('GET', '/live_streams/a/b/c')).status).toBe(404);
  });
});

// A raw request could keep a description, a hosted page's texts or a `security` object of any size and shape,
// which every later read of the stream carried. Each case is a create's fields and the one problem Wowza's
// Rails-style 422 names, or where the stream answers what it kept.
describe('wowza-video dialect: the texts and objects a stream keeps are bounded', () => {
  const { short, long } = undocumentedWowzaTextLimits;
  const recordInvalid = wowzaRecordInvalid;
  type Case = { fields: Body } & ({ refused: string } | { kept: (stream: Body) => void });
  // Where each kept text is given and answered: its label in Wowza's messages and its bound.
  const texts: {
    label: string;
    limit: number;
    given: (text: string) => Body;
    read: (stream: Body) => unknown;
  }[] = [
    {
      label: 'Description',
      limit: long,
      given: (text) => ({ description: text }),
      read: (ls) => ls.description,
    },
    { label: 'Player id', limit: short, given: (text) => ({ player_id: text }), read: (ls) => ls.player_id },
    {
      label: 'Countdown timezone',
      limit: short,
      given: (text) => ({ countdown_timezone: text }),
      read: (ls) => ls.countdown_timezone,
    },
    {
      label: 'Countdown at',
      limit: short,
      given: (text) => ({ countdown_at: text }),
      read: (ls) => ls.countdown_at,
    },
    {
      label: 'Source url',
      limit: short,
      given: (text) => ({ encoder: 'file', source_url: text }),
      read: (ls) => (ls.source_connection_information as Body).source_url,
    },
    {
      label: 'Hosted page title',
      limit: short,
      given: (text) => ({ hosted_page: { title: text } }),
      read: (ls) => (ls.hosted_page as Body).title,
    },
    {
      label: 'Hosted page description',
      limit: long,
      given: (text) => ({ hosted_page: { description: text } }),
      read: (ls) => (ls.hosted_page as Body).description,
    },
    {
      label: 'Security geoblock country codes',
      limit: long,
      given: (text) => ({ security: { geoblock_country_codes: text } }),
      read: (ls) => (ls.security as Body).geoblock_country_codes,
    },
  ];
  const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
  const cases: fc.Arbitrary<Case> = fc.oneof(
    // Around each bound, in characters of one to four UTF-8 bytes (counted in code points).
    fc
      .tuple(
        fc.constantFrom(...texts),
        fc.double({ min: 0.5, max: 1.4, noNaN: true }),
        fc.constantFrom('t', 'é', '字', '😀'),
      )
      .map(([text, share, unit]): Case => {
        const length = Math.max(1, Math.round(text.limit * share));
        const value = unit.repeat(length);
        return length > text.limit
          ? {
              fields: text.given(value),
              refused: `${text.label} is too long (maximum is ${text.limit} characters)`,
            }
          : { fields: text.given(value), kept: (ls) => expect(text.read(ls)).toBe(value) };
      }),
    // A lone surrogate, or no string at all.
    fc
      .tuple(
        fc.constantFrom(...texts),
        fc.oneof(
          lone.map((unit) => `a${unit}b`),
          fc.constantFrom<unknown>(7, true, ['x'], { x: 'y' }),
        ),
      )
      .map(
        ([text, value]): Case => ({
          fields: text.given(value as string),
          refused: `${text.label} is invalid`,
        }),
      ),
    lone.map((unit): Case => ({ fields: { name: `a${unit}b` }, refused: 'Name is invalid' })),
    // `security` and `hosted_page` in their documented types; a key beside the documented ones is dropped.
    fc
      .constantFrom<[Body, string]>(
        [{ security: { force_ssl_playback: 'yes' } }, 'Security force ssl playback is invalid'],
        [{ security: { token_auth_enabled: { deep: {} } } }, 'Security token auth enabled is invalid'],
        [
          { security: { geoblock_by_location: 'block' } },
          'Security geoblock by location is not included in the list',
        ],
        [
          { security: { geoblock_ip_override: ['allow'] } },
          'Security geoblock ip override is not included in the list',
        ],
        [{ security: { token_auth_shared_secret: 'abc' } }, 'Security token auth shared secret is invalid'],
        [
          { security: { token_auth_shared_secret: 'ab'.repeat(17) } },
          'Security token auth shared secret is invalid',
        ],
        [{ hosted_page: { enabled: 'no' } }, 'Hosted page enabled is invalid'],
        [{ hosted_page: { sharing_icons: 1 } }, 'Hosted page sharing icons is invalid'],
        [{ delivery_protocols: ['rtmp', 'rtmp'] }, 'Delivery protocols is invalid'],
        [{ username: 'u'.repeat(short + 1) }, `Username is too long (maximum is ${short} characters)`],
      )
      .map(([fields, refused]): Case => ({ fields, refused })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
      .filter(
        ([key]) =>
          ![
            'force_ssl_playback',
            'geoblock_enabled',
            'token_auth_enabled',
            'token_auth_playlist_only',
            'geoblock_by_location',
            'geoblock_ip_override',
            'geoblock_country_codes',
            'geoblock_ip_addresses',
            'token_auth_shared_secret',
            '__proto__',
          ].includes(key),
      )
      .map(
        ([key, value]): Case => ({
          fields: { security: { force_ssl_playback: true, [key]: value } },
          kept: (ls) =>
            expect(ls.security).toEqual({
              force_ssl_playback: true,
              geoblock_enabled: false,
              geoblock_by_location: 'disabled',
              geoblock_ip_override: 'disabled',
              token_auth_enabled: false,
              token_auth_playlist_only: false,
            }),
        }),
      ),
  );

  it('refuses what passes a bound or a documented type with 422 RecordInvalid, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), async (given, update) => {
        const streams = () => engine.stats.created['wowza-video'] ?? 0;
        const before = streams();
        const base = {
          name: 'My Live Stream',
          broadcast_location: 'us_west_california',
          encoder: 'other_rtmp',
        };
        // An update goes to a stream of its own; a source URL is given on create only (a pull encoder).
        const patched = update && !('source_url' in given.fields) ? await create() : undefined;
        const answer = patched
          ? await send('PATCH', `/live_streams/${String(patched.id)}`, { live_stream: given.fields })
          : await send('POST', '/live_streams', { live_stream: { ...base, ...given.fields } });
        if ('refused' in given) {
          expect(answer).toEqual(recordInvalid(given.refused));
          expect(streams()).toBe(patched ? before + 1 : before);
          if (patched)
            expect(liveStream(await send('GET', `/live_streams/${String(patched.id)}`))).toEqual(patched);
        } else {
          expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(patched ? 200 : 201);
          given.kept(liveStream(answer));
          given.kept(liveStream(await send('GET', `/live_streams/${String(liveStream(answer).id)}`)));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('wowza-video dialect: the source resolution', () => {
  const fields = ['aspect_ratio_width', 'aspect_ratio_height'] as const;
  const label = { aspect_ratio_width: 'Aspect ratio width', aspect_ratio_height: 'Aspect ratio height' };
  const int32Max = 2 ** 31 - 1;
  const refused = wowzaRecordInvalid;
  // On create, or on a PATCH of a stream of its own; the answer, and the stream count and stored stream after.
  async function give(field: string, value: number, update: boolean) {
    const patched = update ? await create() : undefined;
    const before = engine.stats.created['wowza-video'] ?? 0;
    const answer = patched
      ? await send('PATCH', `/live_streams/${String(patched.id)}`, { live_stream: { [field]: value } })
      : await send('POST', '/live_streams', {
          live_stream: {
            name: 'My Live Stream',
            broadcast_location: 'us_west_california',
            encoder: 'other_rtmp',
            [field]: value,
          },
        });
    const stored = patched ? liveStream(await send('GET', `/live_streams/${String(patched.id)}`)) : undefined;
    return { answer, patched, stored, created: (engine.stats.created['wowza-video'] ?? 0) - before };
  }

  it('refuses a width or height of 0 or below with 422 RecordInvalid, storing nothing (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.integer({ min: -(2 ** 31), max: 0 }),
        fc.boolean(),
        async (field, value, update) => {
          const { answer, patched, stored, created } = await give(field, value, update);
          expect(answer).toEqual(refused(`${label[field]} must be greater than 0`));
          expect(created).toBe(0);
          if (patched) expect(stored).toEqual(patched);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses one past int32, the OpenAPI’s format for both (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.integer({ min: int32Max + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        async (field, value, update) => {
          const { answer, created } = await give(field, value, update);
          expect(answer).toEqual(refused(`${label[field]} must be less than or equal to ${int32Max}`));
          expect(created).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps and echoes any positive int32 width or height (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.oneof(fc.integer({ min: 1, max: int32Max }), fc.constantFrom(1, 8, 720, 1080, int32Max)),
        fc.boolean(),
        async (field, value, update) => {
          const { answer, stored } = await give(field, value, update);
          expect(answer.status).toBe(update ? 200 : 201);
          expect(liveStream(answer)[field]).toBe(value);
          if (stored) expect(stored[field]).toBe(value);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps a name with control characters: the OpenAPI bounds only its length (unverified at Wowza)', async () => {
    const name = 'tab\there\u0007bell\u001b[0m';
    expect((await create({ name })).name).toBe(name);
  });
});
