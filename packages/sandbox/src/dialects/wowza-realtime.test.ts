import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wowzaRecordInvalid } from '../../test/wowza-refusals.js';
import { type Sandbox, startSandbox } from '../server.js';
import { undocumentedWowzaTextLimits } from './names.js';
import { wowzaRealtimeDialect } from './wowza-realtime.js';

interface StreamJson {
  id: string;
  stream_name: string;
  token: string;
  subscribe_token?: string;
  rtmp_url: string;
  state: string;
  created_at: string;
  hosted_page: { url: string };
}

/** The parts of the dialect's answers the tests read. */
interface Answer {
  real_time_stream: StreamJson;
  real_time_streams: { id: string }[];
  pagination: { per_page: number };
}

let sandbox: Sandbox;
let base: string;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dialects: [wowzaRealtimeDialect], transitionMs: 50 });
  base = sandbox.baseUrl('wowza-realtime');
  token = sandbox.credentials('wowza-realtime').token ?? '';
});
afterAll(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, body?: unknown, authorization = `Bearer ${token}`) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer) : undefined };
}

function streamOf(answer: { body: Answer | undefined }): StreamJson {
  const stream = answer.body?.real_time_stream;
  if (!stream) throw new Error('expected a real_time_stream in the answer');
  return stream;
}

const create = (fields: Record<string, unknown> = {}) =>
  call('POST', '/real_time', { real_time_stream: { name: 'sandbox stream', ...fields } });

function meta(status: number, code: string, message: string) {
  return { meta: expect.objectContaining({ status, code, message, description: '', links: [] }) };
}

describe('wowza-realtime sandbox dialect', () => {
  it('serves under /wowza-realtime/api/v2.0 and gives a JWT-shaped default token', () => {
    expect(base).toBe(`${sandbox.url}/wowza-realtime/api/v2.0`);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toHaveProperty('iss');
    expect(signature).toMatch(/^[\w-]+$/);
    expect(Object.keys(wowzaRealtimeDialect.defaultCredentials())).toEqual(['token']);
  });

  it.each([
    ['no Authorization header', ''],
    ['another token', 'Bearer eyJhbGciOiJub25lIn0.e30.'],
    ['the colon form some clients send', `Bearer: ${'x'}`],
  ])('refuses %s with 401 ERR-401-InvalidToken', async (_, authorization) => {
    const { status, body } = await call('GET', '/real_time', undefined, authorization);
    expect(status).toBe(401);
    expect(body).toEqual(meta(401, 'ERR-401-InvalidToken', 'Token is invalid.'));
  });

  // The token is known once the sandbox runs (beforeAll): the headers are made from it in the test.
  it.each([
    ['a token of the right beginning', (known: string) => `Bearer ${known}x`, 401],
    ['the token without its scheme', (known: string) => known, 401],
    ['a lower-case scheme', (known: string) => `bearer ${known}`, 200],
    ['an upper-case scheme', (known: string) => `BEARER ${known}`, 200],
    ['spaces around and between', (known: string) => `  Bearer   ${known} `, 200],
  ])(
    'answers %s as Wowza Video does (HTTP authentication schemes are matched without case)',
    async (_, header, expected) => {
      expect((await call('GET', '/real_time', undefined, header(token))).status).toBe(expected);
    },
  );

  it('creates a started stream with vendor-shaped names, tokens and URLs', async () => {
    const created = await create();
    expect(created.status).toBe(201);
    const stream = streamOf(created);
    expect(stream).toMatchObject({
      name: 'sandbox stream',
      state: 'started',
      region: 'phoenix',
      recording: false,
      enable_secure_viewer: false,
      disable_vod_encoder: false,
      enable_player_and_hosted_page: true,
      player_type: 'wowza_flowplayer_v2',
      embed_code: null,
    });
    expect(stream.id).toMatch(/^[a-z0-9]{8}$/);
    expect(stream.stream_name).toMatch(/^[0-9a-f]{32}$/);
    expect(stream.token).toMatch(/^[0-9a-f]{64}$/);
    expect(stream).not.toHaveProperty('subscribe_token');
    expect(stream.rtmp_url).toBe(`${sandbox.ingestUrl}/v2/pub/${stream.stream_name}?token=${stream.token}`);
    expect(stream.hosted_page.url).toMatch(
      /^https:\/\/embed\.sandbox\.flowplayer\.com\/hosted\/default\/[a-z0-9]{8}$/,
    );
    expect(new Date(stream.created_at).toISOString()).toBe(stream.created_at);
  });

  it('generates a subscribe token when secure viewing is on', async () => {
    const created = await create({
      enable_secure_viewer: true,
      expires_on: '2030-01-01 00:00:00 UTC',
      region: 'singapore',
      recording: true,
      disable_vod_encoder: true,
      enable_player_and_hosted_page: false,
    });
    const stream = streamOf(created);
    expect(stream.subscribe_token).toMatch(/^[0-9a-f]{64}$/);
    expect(stream).toMatchObject({ region: 'singapore', recording: true, disable_vod_encoder: true });
    expect(stream).not.toHaveProperty('hosted_page');
  });

  it.each([
    ['no envelope', { name: 'x' }, "Real time stream can't be blank"],
    ['no name', { real_time_stream: {} }, "Name can't be blank"],
    [
      'a name over 255 characters',
      { real_time_stream: { name: 'x'.repeat(256) } },
      'Name is too long (maximum is 255 characters)',
    ],
    [
      'a v1.9 region',
      { real_time_stream: { name: 'x', region: 'emea' } },
      'Region is not included in the list',
    ],
    [
      'secure viewing without expiry',
      { real_time_stream: { name: 'x', enable_secure_viewer: true } },
      "Expires on can't be blank",
    ],
    [
      'an expiry in neither documented form',
      { real_time_stream: { name: 'x', expires_on: '01/01/2030 00:00' } },
      'Expires on is invalid',
    ],
    [
      'a date-time without its zone',
      { real_time_stream: { name: 'x', expires_on: '2030-01-01T00:00:00' } },
      'Expires on is invalid',
    ],
    ...[
      '2030-02-31',
      '2030-02-29 00:00:00 UTC',
      '2100-02-29T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-01-01 25:00:00',
      '2030-01-01T24:00:00Z',
      '2030-01-01T00:60:00Z',
      '2030-01-01T00:00:00+24:00',
    ].map((expiry): [string, unknown, string] => [
      `a day or a time that does not exist (${expiry})`,
      { real_time_stream: { name: 'x', expires_on: expiry } },
      'Expires on is invalid',
    ]),
    // Only text is read: a list or an object is never taken for the text it would print.
    ...[['2030-01-01'], { toString: '2030-01-01' }, { toString: 1 }, 20300101].map(
      (expiry): [string, unknown, string] => [
        `an expiry that is no text (${JSON.stringify(expiry)})`,
        { real_time_stream: { name: 'x', enable_secure_viewer: true, expires_on: expiry } },
        'Expires on is invalid',
      ],
    ),
    [
      'a region that is no text',
      { real_time_stream: { name: 'x', region: ['phoenix'] } },
      'Region is not included in the list',
    ],
    [
      'disable_vod_encoder without recording',
      { real_time_stream: { name: 'x', disable_vod_encoder: true } },
      'Disable vod encoder can only be set when recording is true',
    ],
    [
      'a bracketed reference id',
      { real_time_stream: { name: 'x', reference_id: 'a[1]' } },
      'Reference id is invalid',
    ],
  ])('refuses %s with 422 ERR-422-RecordInvalid', async (_, body, problem) => {
    const response = await call('POST', '/real_time', body);
    expect(response.status).toBe(422);
    expect(response.body).toEqual(
      meta(422, 'ERR-422-RecordInvalid', `The request couldn't be processed. ${problem}`),
    );
  });

  it.each([
    '2030-01-01 00:00:00 UTC',
    '2030-01-01 00:00:00',
    '2030-01-01',
    '2030-01-01T00:00:00Z',
    '2030-01-01T10:00:00.000Z',
    '2030-01-01T12:00:00+02:00',
    '2028-02-29T23:59:59.1234567890123Z',
    '2000-02-29',
  ])(
    'takes the expiry %s, in the described form or the schema date-time, and keeps it as sent',
    async (expiry) => {
      const created = await call('POST', '/real_time', {
        real_time_stream: { name: 'x', enable_secure_viewer: true, expires_on: expiry },
      });
      expect(created.status).toBe(201);
      expect(streamOf(created)).toMatchObject({ expires_on: expiry });
    },
  );

  it('fetches a stream, and answers 404 ERR-404-RecordNotFound for an unknown id or route', async () => {
    const created = await create();
    const id = streamOf(created).id;
    expect(await call('GET', `/real_time/${id}`)).toEqual({ status: 200, body: created.body });
    const missing = await call('GET', '/real_time/zzzzzzzz');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(
      meta(404, 'ERR-404-RecordNotFound', "The requested resource couldn't be found."),
    );
    expect((await call('PUT', `/real_time/${id}/start`)).status).toBe(404);
  });

  it('PATCH requires the name, applies updatable fields and ignores create-only ones', async () => {
    const id = streamOf(await create()).id;
    const withoutName = await call('PATCH', `/real_time/${id}`, {
      real_time_stream: { region: 'amsterdam' },
    });
    expect(withoutName.status).toBe(422);
    const updated = await call('PATCH', `/real_time/${id}`, {
      real_time_stream: {
        name: 'renamed',
        region: 'amsterdam',
        recording: true,
        enable_secure_viewer: true,
        expires_on: '2030-01-01',
        hosted_page: { title: 'Page' },
      },
    });
    expect(updated.status).toBe(200);
    expect(streamOf(updated)).toMatchObject({
      name: 'renamed',
      region: 'amsterdam',
      recording: false,
      enable_secure_viewer: true,
      expires_on: '2030-01-01',
      hosted_page: { title: 'Page' },
    });
    expect(streamOf(updated).subscribe_token).toMatch(/^[0-9a-f]{64}$/);
    const off = await call('PATCH', `/real_time/${id}`, {
      real_time_stream: { name: 'renamed', enable_secure_viewer: false },
    });
    expect(streamOf(off)).not.toHaveProperty('subscribe_token');
  });

  it('stops at once, answers 423 ERR-423-StreamAlreadyStopped the second time, and /state follows', async () => {
    const id = streamOf(await create()).id;
    expect(await call('GET', `/real_time/${id}/state`)).toEqual({
      status: 200,
      body: { real_time: { state: 'started' } },
    });
    expect(await call('PUT', `/real_time/${id}/stop`)).toEqual({
      status: 200,
      body: { real_time_stream: { state: 'stopped' } },
    });
    expect(await call('GET', `/real_time/${id}/state`)).toEqual({
      status: 200,
      body: { real_time: { state: 'stopped' } },
    });
    expect(streamOf(await call('GET', `/real_time/${id}`)).state).toBe('stopped');
    const again = await call('PUT', `/real_time/${id}/stop`);
    expect(again.status).toBe(423);
    expect(again.body).toEqual(
      meta(
        423,
        'ERR-423-StreamAlreadyStopped',
        "The request couldn't be processed. The stream has already been stopped.",
      ),
    );
  });

  it('deletes with 204, then answers 410 ERR-410-RecordDeleted', async () => {
    const id = streamOf(await create()).id;
    expect(await call('DELETE', `/real_time/${id}`)).toEqual({ status: 204, body: undefined });
    for (const [method, path] of [
      ['GET', `/real_time/${id}`],
      ['GET', `/real_time/${id}/state`],
      ['PUT', `/real_time/${id}/stop`],
      ['DELETE', `/real_time/${id}`],
    ] as const) {
      const response = await call(method, path);
      expect(response.status).toBe(410);
      expect(response.body).toEqual(
        meta(410, 'ERR-410-RecordDeleted', 'The requested resource has been deleted.'),
      );
    }
  });

  it('lists limited details, oldest first, with the list state enum and pagination', async () => {
    const fresh = await startSandbox({ dialects: [wowzaRealtimeDialect] });
    const request = async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const response = await fetch(`${fresh.baseUrl('wowza-realtime')}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as Answer;
    };
    try {
      const ids: string[] = [];
      for (let index = 0; index < 4; index += 1) {
        ids.push(
          (await request('POST', '/real_time', { real_time_stream: { name: 'n' } })).real_time_stream.id,
        );
      }
      const unpaged = await request('GET', '/real_time');
      expect(unpaged).not.toHaveProperty('pagination');
      expect(unpaged.real_time_streams.map((item) => item.id)).toEqual(ids);
      expect(await request('GET', '/real_time?page=2&per_page=3')).toEqual({
        real_time_streams: [
          {
            id: ids[3],
            name: 'n',
            state: 'active',
            created_at: expect.any(String),
            updated_at: expect.any(String),
          },
        ],
        pagination: {
          payload_version: 1,
          total_records: 4,
          page: 2,
          per_page: 3,
          total_pages: 2,
          page_first_index: 3,
          page_last_index: 3,
        },
      });
      const capped = await request('GET', '/real_time?page=1&per_page=5000');
      expect(capped.pagination.per_page).toBe(1000);
      expect(capped.real_time_streams.map((item) => item.id)).toEqual(ids);
      const afterStop = await request('PUT', `/real_time/${ids[0]}/stop`);
      expect(afterStop.real_time_stream.state).toBe('stopped');
      expect((await request('GET', '/real_time?page=1&per_page=1')).real_time_streams).toEqual([
        expect.objectContaining({ id: ids[0], state: 'stopped' }),
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('names each request for fault planning, and renders faults in the meta shape', async () => {
    const operation = (method: string, path: string) =>
      wowzaRealtimeDialect.operationOf({
        method,
        path,
        query: new URLSearchParams(),
        headers: new Headers(),
        body: undefined,
      });
    expect([
      operation('POST', '/real_time'),
      operation('GET', '/real_time'),
      operation('GET', '/real_time/abc'),
      operation('PATCH', '/real_time/abc'),
      operation('DELETE', '/real_time/abc'),
      operation('PUT', '/real_time/abc/stop'),
      operation('GET', '/real_time/abc/state'),
      operation('PUT', '/real_time/abc/start'),
    ]).toEqual(['create', 'list', 'get', 'update', 'delete', 'stop', 'status', undefined]);
    expect(wowzaRealtimeDialect.error('conflict', 422, 'x')).toEqual({
      status: 423,
      body: meta(
        423,
        'ERR-423-StreamAlreadyStopped',
        "The request couldn't be processed. The stream has already been stopped.",
      ),
    });
    expect(wowzaRealtimeDialect.error('rate-limit', 429, 'x')).toEqual({
      status: 429,
      body: {
        meta: {
          status: 429,
          title: 'Too Many Requests',
          message: 'Too many requests',
          description: '',
          links: [],
        },
      },
    });
    sandbox.injectFault('wowza-realtime', 'get', { type: 'forbidden' });
    const forbidden = await call('GET', '/real_time/abcdefgh');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual(
      meta(403, 'ERR-403-RecordUnaccessible', "The requested resource isn't accessible."),
    );
  });
});

describe('wowza-realtime dialect: name length', () => {
  it('counts a name in code points, as unilive does: 255 emoji fit, 256 characters do not', async () => {
    for (const [name, status] of [
      ['😀'.repeat(255), 201],
      ['😀'.repeat(256), 422],
      [`${'x'.repeat(254)}👍🏽`, 422],
      [`${'x'.repeat(253)}👍🏽`, 201],
    ] as const) {
      const answer = await create({ name });
      expect(answer.status, `${[...name].length} code points`).toBe(status);
    }
  });
});

// A raw request could keep a description, a player id or a hosted page's texts of any length, which every
// later read of the stream carried. Wowza documents no maximum for them: the sandbox's own bounds hold.
describe('wowza-realtime sandbox dialect: kept texts are bounded', () => {
  it('refuses a text past its bound or holding a lone surrogate with 422 RecordInvalid, keeping nothing', async () => {
    const { short, long } = undocumentedWowzaTextLimits;
    type Text = {
      label: string;
      limit: number;
      given: (text: string) => Record<string, unknown>;
      read: (stream: Record<string, unknown>) => unknown;
    };
    const texts: Text[] = [
      {
        label: 'Description',
        limit: long,
        given: (text) => ({ description: text }),
        read: (s) => s.description,
      },
      { label: 'Player id', limit: short, given: (text) => ({ player_id: text }), read: (s) => s.player_id },
      {
        label: 'Hosted page title',
        limit: short,
        given: (text) => ({ hosted_page: { title: text } }),
        read: (s) => (s.hosted_page as Record<string, unknown>).title,
      },
      {
        label: 'Hosted page description',
        limit: long,
        given: (text) => ({ hosted_page: { description: text } }),
        read: (s) => (s.hosted_page as Record<string, unknown>).description,
      },
      {
        label: 'Hosted page logo image url',
        limit: short,
        given: (text) => ({ hosted_page: { logo_image_url: text } }),
        read: (s) => (s.hosted_page as Record<string, unknown>).logo_image_url,
      },
      { label: 'Name', limit: 255, given: (text) => ({ name: text }), read: (s) => s.name },
    ];
    const refusal = wowzaRecordInvalid;
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    const given = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...texts),
          fc.double({ min: 0.5, max: 1.4, noNaN: true }),
          fc.constantFrom('t', 'é', '字', '😀'),
        )
        .map(([text, share, unit]) => {
          const length = Math.max(1, Math.round(text.limit * share));
          const value = unit.repeat(length);
          return {
            text,
            value,
            refused:
              length > text.limit
                ? `${text.label} is too long (maximum is ${text.limit} characters)`
                : undefined,
          };
        }),
      fc
        .tuple(fc.constantFrom(...texts), lone)
        .map(([text, unit]) => ({ text, value: `a${unit}b`, refused: `${text.label} is invalid` })),
    );
    await fc.assert(
      fc.asyncProperty(given, fc.boolean(), async ({ text, value, refused }, update) => {
        const made = streamOf(await create());
        const count = async () =>
          (await call('GET', '/real_time?per_page=1000')).body?.real_time_streams.length;
        const before = await count();
        const fields = { name: 'sandbox stream', ...text.given(value) };
        const answer = update
          ? await call('PATCH', `/real_time/${made.id}`, { real_time_stream: fields })
          : await call('POST', '/real_time', { real_time_stream: fields });
        if (refused) {
          expect(answer).toEqual(refusal(refused));
          expect(await count()).toBe(before);
          expect(streamOf(await call('GET', `/real_time/${made.id}`))).toEqual(made);
        } else {
          expect(answer.status).toBe(update ? 200 : 201);
          const kept = streamOf(answer) as unknown as Record<string, unknown>;
          expect(text.read(kept)).toBe(value);
          expect(
            text.read(
              streamOf(await call('GET', `/real_time/${String(kept.id)}`)) as unknown as Record<
                string,
                unknown
              >,
            ),
          ).toBe(value);
        }
      }),
      { numRuns: 60 },
    );
  });
});
