import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsRestreamLimits } from '../../test/restream-limit.js';
import { createEngine } from '../engine.js';
import type { SandboxResponse } from '../types.js';
import { autoCloseTypes, hasLoneSurrogate, roomWebhookLimits, undocumentedNameLimit } from './names.js';
import { videosdkDialect } from './videosdk.js';

const { apiKey, secret } = videosdkDialect.defaultCredentials() as { apiKey: string; secret: string };
const transitionMs = 40;

function jwt(payload: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const serverClaims = { permissions: ['allow_join', 'allow_mod'], version: 2, roles: ['crawler'] };
const serverToken = () => jwt({ apikey: apiKey, ...serverClaims, iat: now(), exp: now() + 600 });

const engines: ReturnType<typeof createEngine>[] = [];
const changes: { kind: string; id: string; state?: string; previousState?: string }[] = [];
function sandbox() {
  const engine = createEngine({ dialects: [videosdkDialect], transitionMs });
  engines.push(engine);
  changes.length = 0;
  engine.onStreamChange(({ kind, id, state, previousState }) =>
    changes.push({ kind, id, ...(state ? { state } : {}), ...(previousState ? { previousState } : {}) }),
  );
  return async (
    method: string,
    path: string,
    options: { body?: unknown; query?: string; authorization?: string } = {},
  ): Promise<SandboxResponse> => {
    const headers = new Headers({ authorization: options.authorization ?? serverToken() });
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

// Waits for the dialect's timed transition by polling the answer, never by asserting a duration.
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the transition never happened');
}

const bodyOf = (response: SandboxResponse) => response.body as Record<string, unknown>;

describe('videosdk v2 sandbox dialect', () => {
  it("refuses a token without version 2 and the crawler role with the error table's 403", async () => {
    const call = sandbox();
    const message =
      'Unauthorised access to V2 API, please provide valid payload version. Your role must be a CRAWLER in token payload to use V2 API.';
    for (const claims of [{ roles: ['crawler'] }, { version: 2 }, { version: 2, roles: ['rtc'] }]) {
      const authorization = jwt({ apikey: apiKey, ...claims, iat: now(), exp: now() + 600 });
      expect(await call('GET', '/v2/rooms', { authorization })).toEqual({ status: 403, body: { message } });
    }
    expect((await call('GET', '/v2/rooms', { authorization: `Bearer ${serverToken()}` })).status).toBe(401);
  });

  it('refuses a POST body that is no JSON object with 400, making nothing, as v1 does', async () => {
    const send = sandbox();
    // What the server hands on: the parsed JSON, or the text itself when it does not parse.
    const notAnObject = fc.oneof(
      fc.constantFrom<unknown>('{"name":', 'name=x', null, [], ['x'], 0, true, 'x'),
      fc.string(),
      fc.array(fc.jsonValue(), { maxLength: 3 }),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
    );
    const paths = fc.constantFrom(
      '/v2/rooms',
      '/v2/rooms/deactivate',
      '/v2/hls/start',
      '/v2/livestreams/start',
    );
    await fc.assert(
      fc.asyncProperty(notAnObject, paths, async (body, path) => {
        const answer = await send('POST', path, { body });
        expect(answer.status).toBe(400);
        expect(bodyOf(answer).message).toBe('Please provide the body params as a JSON object.');
      }),
    );
    expect(bodyOf(await send('GET', '/v2/rooms')).pageInfo).toMatchObject({ total: 0 });
    // No body at all, or an object, still makes a room.
    expect((await send('POST', '/v2/rooms')).status).toBe(200);
    expect((await send('POST', '/v2/rooms', { body: {} })).status).toBe(200);
  });

  // A raw request could store a customRoomId of 500,000 characters, which every room list then carried.
  it('keeps a customRoomId of up to 1,000 code points and refuses a longer one, storing nothing', async () => {
    const call = sandbox();
    let kept = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_400 }),
        fc.constantFrom('c', 'é', '字', '😀'),
        async (length, unit) => {
          // Each one new (create is idempotent on it): `length` units and the count kept so far.
          const customRoomId = `${unit.repeat(length)}${kept}`;
          const answer = await call('POST', '/v2/rooms', { body: { customRoomId } });
          if (length + String(kept).length <= undocumentedNameLimit) {
            expect(answer.status).toBe(200);
            expect(bodyOf(answer).customRoomId).toBe(customRoomId);
            kept += 1;
          } else {
            expect([answer.status, bodyOf(answer).message]).toEqual([
              400,
              `customRoomId must be at most ${undocumentedNameLimit} characters.`,
            ]);
          }
          expect(bodyOf(await call('GET', '/v2/rooms')).pageInfo).toMatchObject({
            total: kept,
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('creates rooms (idempotent on customRoomId), gets them and pages them with pageInfo', async () => {
    const call = sandbox();
    const created = bodyOf(await call('POST', '/v2/rooms', { body: {} }));
    expect(created.roomId).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
    expect(created).toMatchObject({ customRoomId: null, disabled: false });
    const custom = bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId: 'team-a' } }));
    expect(bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId: 'team-a' } })).roomId).toBe(
      custom.roomId,
    );
    expect(bodyOf(await call('GET', `/v2/rooms/${String(created.roomId)}`))).toEqual(created);
    expect(bodyOf(await call('GET', '/v2/rooms/team-a')).roomId).toBe(custom.roomId);
    const first = bodyOf(await call('GET', '/v2/rooms', { query: 'page=1&perPage=1' }));
    expect(first.pageInfo).toEqual({ currentPage: 1, perPage: 1, lastPage: 2, total: 2 });
    expect((first.data as unknown[]).length).toBe(1);
  });

  it('runs the HLS lifecycle: starting, playable after transitionMs, stopping, then none', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    const active = () => call('GET', `/v2/hls/${roomId}/active`);
    expect(await active()).toEqual({ status: 404, body: { message: 'HLS not found.' } });

    const started = bodyOf(
      await call('POST', '/v2/hls/start', { body: { roomId, config: { quality: 'high' } } }),
    );
    // The vendor's path under the sandbox's own origin, never the vendor's CDN.
    expect(started.playbackHlsUrl).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1(:\\d+)?/media/videosdk/${roomId}/meetings-hls/[0-9a-z-]+/index\\.m3u8$`,
      ),
    );
    expect(started.livestreamUrl).toMatch(/\/live\.m3u8$/);
    const starting = bodyOf(await active());
    expect(starting.code).toBe(200);
    expect((starting.data as Record<string, unknown>).playbackHlsUrl).toBeUndefined();
    expect((await call('POST', '/v2/hls/start', { body: { roomId } })).status).toBe(409);

    await until(
      async () => (bodyOf(await active()).data as Record<string, unknown>).playbackHlsUrl !== undefined,
    );
    const session = bodyOf(await call('GET', `/v2/sessions/${String(started.sessionId)}`));
    expect(session.status).toBe('ongoing');

    const ended = await call('POST', '/v2/hls/end', { body: { roomId } });
    expect(ended).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '"HLS ended successfully"',
    });
    expect((bodyOf(await active()).data as Record<string, unknown>).end).toEqual(expect.any(String));
    await until(async () => (await active()).status === 404);
    expect(bodyOf(await call('GET', `/v2/sessions/${String(started.sessionId)}`)).status).toBe('ended');
    // One emitter tells every observer, in the vendor's hls-* words.
    expect(changes).toEqual([
      { kind: 'created', id: roomId, state: 'hls-stopped' },
      { kind: 'state-changed', id: roomId, state: 'hls-starting', previousState: 'hls-stopped' },
      { kind: 'state-changed', id: roomId, state: 'hls-playable', previousState: 'hls-starting' },
      { kind: 'state-changed', id: roomId, state: 'hls-stopping', previousState: 'hls-playable' },
      { kind: 'state-changed', id: roomId, state: 'hls-stopped', previousState: 'hls-stopping' },
    ]);
  });

  it('RTMP-outs need a running session, outputs and a layout; their records echo the keys', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    const outputs = [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'key-0001' }];
    const layout = { type: 'GRID', priority: 'SPEAKER' };
    expect(
      await call('POST', '/v2/livestreams/start', { body: { roomId, outputs, config: { layout } } }),
    ).toEqual({
      status: 404,
      body: { message: 'Session not found.' },
    });
    await call('POST', '/v2/hls/start', { body: { roomId } });
    expect(bodyOf(await call('POST', '/v2/livestreams/start', { body: { roomId, outputs } })).message).toBe(
      'Please provide layout under config object.',
    );
    expect(
      bodyOf(
        await call('POST', '/v2/livestreams/start', { body: { roomId, outputs: [], config: { layout } } }),
      ).message,
    ).toBe('Please provide outputs.');
    expect(
      (await call('POST', '/v2/livestreams/start', { body: { roomId, outputs, config: { layout } } })).body,
    ).toBe('"Livestream started successfully"');
    const listed = bodyOf(await call('GET', '/v2/livestreams', { query: `roomId=${roomId}` }));
    expect(listed.data).toEqual([expect.objectContaining({ roomId, outputs, end: null })]);
    await call('POST', '/v2/livestreams/end', { body: { roomId } });
    const after = bodyOf(await call('GET', '/v2/livestreams', { query: `roomId=${roomId}` }));
    expect((after.data as { end: unknown }[])[0]?.end).toEqual(expect.any(String));
  });

  // An HLS start's config was kept whole on the egress record though no answer serves it: any size, any depth
  // (too deep to write as JSON) went to the persisted store. Only its layout is read, when the start is.
  it("keeps nothing of an HLS start's config on the egress record, which the store persists", async () => {
    const call = sandbox();
    const engine = engines.at(-1) as ReturnType<typeof createEngine>;
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    let deep: unknown = {};
    for (let level = 0; level < 200_000; level += 1) deep = { deep };
    const config = { layout: { type: 'GRID' }, theme: 't'.repeat(500_000), recording: deep };
    expect((await call('POST', '/v2/hls/start', { body: { roomId, config } })).status).toBe(200);
    expect(JSON.stringify(engine.snapshot()).length).toBeLessThan(10_000);
  });

  // A raw request could start RTMP-outs with outputs of any number and length, which every list carried.
  it('keeps RTMP-out outputs within the restream bounds, refusing others with 422, storing nothing', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    await call('POST', '/v2/hls/start', { body: { roomId } });
    const config = { layout: { type: 'GRID', priority: 'SPEAKER' } };
    await holdsRestreamLimits({
      field: 'outputs',
      send: (outputs) => call('POST', '/v2/livestreams/start', { body: { roomId, outputs, config } }),
      accepted: (answer) => answer.status === 200 && answer.body === '"Livestream started successfully"',
      refusal: (message) => ({ status: 422, body: { message } }),
      kept: async () => {
        const targets: unknown[] = [];
        for (let page = 1; ; page += 1) {
          const query = `roomId=${roomId}&perPage=100&page=${page}`;
          const listed = bodyOf(await call('GET', '/v2/livestreams', { query })) as {
            data: { outputs: unknown[] }[];
            pageInfo: { lastPage: number };
          };
          for (const record of listed.data) targets.push(...record.outputs);
          if (page >= listed.pageInfo.lastPage) return targets;
        }
      },
    });
  });

  it('deactivating a room ends its egress; it then answers 404; a custom id is refused with 402', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId: 'gone-soon' } })) as {
      roomId: string;
    };
    await call('POST', '/v2/hls/start', { body: { roomId } });
    expect((await call('POST', '/v2/rooms/deactivate', { body: { roomId: 'gone-soon' } })).status).toBe(402);
    const deactivated = await call('POST', '/v2/rooms/deactivate', { body: { roomId } });
    expect(bodyOf(deactivated)).toMatchObject({ roomId, disabled: true });
    expect(await call('GET', `/v2/rooms/${roomId}`)).toEqual({
      status: 404,
      body: { message: 'Room not found.' },
    });
    expect((await call('GET', `/v2/hls/${roomId}/active`)).status).toBe(404);
    expect(bodyOf(await call('GET', '/v2/rooms')).data).toEqual([]);
    expect((await call('POST', '/v2/rooms/deactivate', { body: {} })).status).toBe(400);
  });

  it('toggles a room with { status }; a disabled room cannot start HLS', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    expect(bodyOf(await call('POST', `/v2/rooms/${roomId}`, { body: { status: 'disabled' } }))).toMatchObject(
      {
        status: 'disabled',
        disabled: true,
      },
    );
    expect((await call('POST', '/v2/hls/start', { body: { roomId } })).status).toBe(404);
    expect((await call('POST', `/v2/rooms/${roomId}`, { body: { status: 'paused' } })).status).toBe(400);
  });

  it('refuses a room webhook endPoint no delivery could go to, and keeps one that can be', async () => {
    const call = sandbox();
    const events = ['hls-started'];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().filter((text) => !URL.canParse(text)),
          fc.constantFrom(
            'file:///etc/passwd',
            'javascript:alert(1)',
            'ftp://127.0.0.1/hooks',
            'http://user:password@127.0.0.1:3000/hooks',
            'https://:token@app.example/hooks',
          ),
        ),
        async (endPoint) => {
          const refused = await call('POST', '/v2/rooms', { body: { webhook: { endPoint, events } } });
          expect(refused.status).toBe(400);
          expect(bodyOf(refused).message).toBe(
            'webhook.endPoint must be an absolute http:// or https:// URL.',
          );
        },
      ),
    );
    const kept = bodyOf(
      await call('POST', '/v2/rooms', { body: { webhook: { endPoint: 'http://127.0.0.1:3000/v', events } } }),
    );
    expect(kept.webhook).toEqual({ endPoint: 'http://127.0.0.1:3000/v', events });
  });

  // A raw request could store an autoCloseConfig or a webhook of any size and shape, which every room list
  // then carried. Each case is a room body and the whole answer it must get, or the fields the room keeps.
  it('keeps a room webhook and autoCloseConfig only in their documented shapes and bounds, refusing the rest', async () => {
    const call = sandbox();
    const endPointBase = 'http://127.0.0.1:9/';
    const { endPoint: endPointLimit, events: eventsLimit, eventName: eventNameLimit } = roomWebhookLimits;
    type Kept = { webhook?: unknown; autoCloseConfig?: unknown };
    type Case = { body: Record<string, unknown> } & ({ refused: string } | { kept: Kept });
    const refusedOr = (over: boolean, message: string, kept: Kept) =>
      over ? { refused: message } : { kept };
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    // `text` with a lone surrogate put in at `at` (a place between its characters).
    const withLone = (text: string) =>
      fc
        .tuple(lone, fc.nat({ max: [...text].length }))
        .map(([unit, at]) => [...[...text].slice(0, at), unit, ...[...text].slice(at)].join(''));
    const events = ['hls-playable', 'hls-stopped'];
    const cases: fc.Arbitrary<Case> = fc.oneof(
      // endPoint around its 512 UTF-16 units (the server SDK's bound).
      fc
        .tuple(fc.integer({ min: 0, max: 700 }), fc.constantFrom('p', 'é', '😀'))
        .map(([count, unit]): Case => {
          const endPoint = `${endPointBase}${unit.repeat(count)}`;
          const webhook = { endPoint, events };
          return {
            body: { webhook },
            ...refusedOr(
              endPoint.length > endPointLimit,
              `webhook.endPoint must be at most ${endPointLimit} characters.`,
              { webhook },
            ),
          } as Case;
        }),
      // As many events as the bound, and more.
      fc.integer({ min: 0, max: 150 }).map((count): Case => {
        const webhook = { endPoint: endPointBase, events: Array.from({ length: count }, (_, i) => `e${i}`) };
        return {
          body: { webhook },
          ...refusedOr(count > eventsLimit, `webhook.events must hold at most ${eventsLimit} event names.`, {
            webhook,
          }),
        } as Case;
      }),
      // An event name around its 256 code points.
      fc
        .tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('e', 'é', '字', '😀'))
        .map(([length, unit]): Case => {
          const webhook = { endPoint: endPointBase, events: ['hls-playable', unit.repeat(length)] };
          return {
            body: { webhook },
            ...refusedOr(
              length > eventNameLimit,
              `webhook.events must be at most ${eventNameLimit} characters each.`,
              { webhook },
            ),
          } as Case;
        }),
      // A lone surrogate in any kept text.
      withLone('my-room').map(
        (customRoomId): Case => ({
          body: { customRoomId },
          refused: 'customRoomId must be well-formed text (no lone surrogate).',
        }),
      ),
      withLone('hls-playable').map(
        (event): Case => ({
          body: { webhook: { endPoint: endPointBase, events: [event] } },
          refused: 'webhook.events must be well-formed text (no lone surrogate).',
        }),
      ),
      withLone('hooks').map(
        (path): Case => ({
          body: { webhook: { endPoint: `${endPointBase}${path}`, events } },
          refused: 'webhook.endPoint must be an absolute http:// or https:// URL.',
        }),
      ),
      // Webhooks of another shape.
      fc
        .constantFrom<unknown>(
          'http://127.0.0.1:9/',
          [endPointBase, events],
          null,
          7,
          { endPoint: endPointBase },
          { events },
          { endPoint: 7, events },
          { endPoint: endPointBase, events: 'hls-playable' },
          { endPoint: endPointBase, events: { 0: 'hls-playable' } },
        )
        .map((webhook): Case => ({ body: { webhook }, refused: 'webhook must be { endPoint, events }.' })),
      fc.constantFrom<unknown[]>([1], [null], [['hls-playable']], ['hls-playable', { name: 'x' }]).map(
        (given): Case => ({
          body: { webhook: { endPoint: endPointBase, events: given } },
          refused: 'webhook.events must be event names (strings).',
        }),
      ),
      // autoCloseConfig: a `type` of the two the reference lists, an optional number of `duration`.
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...autoCloseTypes),
            fc.string({ maxLength: 30 }),
            fc.constant('a'.repeat(5_000)),
          ),
          fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
        )
        .map(([type, duration]): Case => {
          const autoCloseConfig = { type, ...(duration === undefined ? {} : { duration }) };
          return {
            body: { autoCloseConfig },
            ...refusedOr(
              !autoCloseTypes.includes(type),
              'autoCloseConfig.type must be session-ends or session-end-and-deactivate.',
              { autoCloseConfig },
            ),
          } as Case;
        }),
      fc.constantFrom<unknown>('60', null, true, [], { value: 60 }, 'x'.repeat(1_000)).map(
        (duration): Case => ({
          body: { autoCloseConfig: { type: 'session-ends', duration } },
          refused: 'autoCloseConfig.duration must be a number.',
        }),
      ),
      fc.constantFrom<unknown>('session-ends', ['session-ends', 60], null, 60, 'a'.repeat(1_000)).map(
        (autoCloseConfig): Case => ({
          body: { autoCloseConfig },
          refused: 'autoCloseConfig must be { type, duration }.',
        }),
      ),
      // A key beside the documented ones is dropped, in either object: the room keeps the documented.
      fc
        .tuple(
          fc
            .string({ minLength: 1, maxLength: 20 })
            .filter(
              (key) => !['endPoint', 'events', 'type', 'duration'].includes(key) && key !== '__proto__',
            ),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map(
          ([key, value]): Case => ({
            body: {
              webhook: { endPoint: endPointBase, events, [key]: value },
              autoCloseConfig: { type: 'session-ends', duration: 60, [key]: value },
            },
            kept: {
              webhook: { endPoint: endPointBase, events },
              autoCloseConfig: { type: 'session-ends', duration: 60 },
            },
          }),
        ),
    );
    let rooms = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (given) => {
        const answer = await call('POST', '/v2/rooms', { body: given.body });
        const listed = bodyOf(await call('GET', '/v2/rooms', { query: 'perPage=100&page=1000' }));
        if ('refused' in given) {
          expect(answer).toEqual({ status: 400, body: { message: given.refused } });
        } else {
          expect(answer.status).toBe(200);
          const room = bodyOf(answer);
          expect({ webhook: room.webhook, autoCloseConfig: room.autoCloseConfig }).toEqual({
            webhook: given.kept.webhook,
            autoCloseConfig: given.kept.autoCloseConfig,
          });
          // Kept as answered: a later get serves the same fields.
          expect(bodyOf(await call('GET', `/v2/rooms/${String(room.roomId)}`))).toEqual(room);
          rooms += 1;
        }
        // A refused room is made nowhere: the list counts only the kept.
        expect(listed.pageInfo).toMatchObject({ total: rooms });
      }),
      { numRuns: 200 },
    );
    // The probe's case: half a megabyte of `type` is refused, and the list stays as small as it was.
    const before = JSON.stringify((await call('GET', '/v2/rooms')).body).length;
    const big = await call('POST', '/v2/rooms', { body: { autoCloseConfig: { type: 'a'.repeat(500_000) } } });
    expect(big.status).toBe(400);
    expect(JSON.stringify((await call('GET', '/v2/rooms')).body).length).toBe(before);
  });
});

// The same engine as `sandbox()`, on a clock the test holds (`clock.at`), so every time an answer carries
// (`start`, `end`, `duration`) is known exactly. Tokens are checked on it too: it starts at the real time.
function clocked(transition = transitionMs) {
  const clock = { at: Date.now() };
  const engine = createEngine({ dialects: [videosdkDialect], transitionMs: transition, now: () => clock.at });
  engines.push(engine);
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; query?: string; authorization?: string } = {},
  ): Promise<SandboxResponse> => {
    const outcome = await engine.handle('videosdk', {
      method,
      path,
      query: new URLSearchParams(options.query ?? ''),
      headers: new Headers({ authorization: options.authorization ?? serverToken() }),
      body: options.body,
    });
    if (outcome.kind !== 'respond') throw new Error('dropped');
    return outcome.response;
  };
  return { clock, call };
}

// Ids no room, session or egress of these tests has: the sandbox's own forms and any other text a URL carries.
const strangerId = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/),
  fc.stringMatching(/^[0-9a-f]{24}$/),
  fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !hasLoneSurrogate(id) && id.trim() === id),
);

describe('videosdk v2: validate a room (GET /v2/rooms/validate/{roomId})', () => {
  it('answers the room, by its roomId or its customRoomId, as a get does (validate-room.json)', async () => {
    const call = sandbox();
    const created = bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId: 'demo-room' } }));
    const roomId = String(created.roomId);
    expect(await call('GET', `/v2/rooms/validate/${roomId}`)).toEqual({ status: 200, body: created });
    expect(await call('GET', '/v2/rooms/validate/demo-room')).toEqual({ status: 200, body: created });
    // The reference's answer: the room fields, `id` and `links`, nothing else.
    expect(Object.keys(created)).toEqual([
      'roomId',
      'customRoomId',
      'userId',
      'disabled',
      'createdAt',
      'updatedAt',
      'id',
      'links',
    ]);
    // A room toggled off is still there: its `disabled` says so.
    await call('POST', `/v2/rooms/${roomId}`, { body: { status: 'disabled' } });
    const disabled = await call('GET', `/v2/rooms/validate/${roomId}`);
    expect(disabled).toEqual({ status: 200, body: (await call('GET', `/v2/rooms/${roomId}`)).body });
    expect(bodyOf(disabled).disabled).toBe(true);
  });

  it('answers a room it does not have 404 Room not found., a deactivated one included', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId: 'kept' } })) as {
      roomId: string;
    };
    const notFound = { status: 404, body: { message: 'Room not found.' } };
    await fc.assert(
      fc.asyncProperty(
        strangerId.filter((id) => id !== roomId && id !== 'kept'),
        async (id) => {
          expect(await call('GET', `/v2/rooms/validate/${encodeURIComponent(id)}`)).toEqual(notFound);
        },
      ),
    );
    expect(await call('GET', '/v2/rooms/validate/%E0%A4%A')).toEqual(notFound);
    await call('POST', '/v2/rooms/deactivate', { body: { roomId } });
    expect(await call('GET', `/v2/rooms/validate/${roomId}`)).toEqual(notFound);
    expect(await call('GET', '/v2/rooms/validate/kept')).toEqual(notFound);
  });

  it('asks for the v2 token first, and takes GET alone', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    const path = `/v2/rooms/validate/${roomId}`;
    expect(await call('GET', path, { authorization: 'not-a-token' })).toEqual({
      status: 401,
      body: { message: '`token` is invalid.' },
    });
    expect(await call('POST', path, { body: {} })).toEqual({
      status: 404,
      body: { message: `Cannot POST ${path}` },
    });
  });
});

describe('videosdk v2: HLS egresses by room (GET /v2/hls?roomId=…, GET /v2/hls/{hlsId})', () => {
  it('lists a room’s egresses in the page envelope, ended and running, as fetch-all-hls shows them', async () => {
    const { clock, call } = clocked();
    const t0 = clock.at;
    const iso = (ms: number) => new Date(ms).toISOString();
    const room = async (customRoomId: string) =>
      String(bodyOf(await call('POST', '/v2/rooms', { body: { customRoomId } })).roomId);
    const a = await room('room-a');
    const b = await room('room-b');
    const playable = async (roomId: string) =>
      until(
        async () =>
          (bodyOf(await call('GET', `/v2/hls/${roomId}/active`)).data as Record<string, unknown> | undefined)
            ?.playbackHlsUrl !== undefined,
      );
    const start = async (roomId: string) => {
      const started = bodyOf(await call('POST', '/v2/hls/start', { body: { roomId } }));
      await playable(roomId);
      return started;
    };
    const item = (started: Record<string, unknown>, end: number | null, at: number) => ({
      id: started.id,
      sessionId: started.sessionId,
      roomId: started.roomId,
      start: started.start,
      end: end === null ? null : iso(end),
      duration: ((end ?? at) - Date.parse(String(started.start))) / 1000,
      links: {
        get_room: `https://api.videosdk.live/v2/rooms/${String(started.roomId)}`,
        get_session: `https://api.videosdk.live/v2/sessions/${String(started.sessionId)}`,
      },
      playbackHlsUrl: started.playbackHlsUrl,
      livestreamUrl: started.livestreamUrl,
      downstreamUrl: started.downstreamUrl,
    });

    // Room A: one egress that ran 75.173 s and ended, then one that runs; room B: one that runs.
    const a1 = await start(a);
    clock.at = t0 + 75_173;
    await call('POST', '/v2/hls/end', { body: { roomId: a } });
    await until(async () => (await call('GET', `/v2/hls/${a}/active`)).status === 404);
    clock.at = t0 + 80_000;
    const a2 = await start(a);
    const b1 = await start(b);
    clock.at = t0 + 90_000;
    const [a1Item, a2Item, b1Item] = [
      item(a1, t0 + 75_173, clock.at),
      item(a2, null, clock.at),
      item(b1, null, clock.at),
    ];
    expect(a1Item).toMatchObject({ start: iso(t0), duration: 75.173 });
    expect(a2Item).toMatchObject({ start: iso(t0 + 80_000), duration: 10 });

    expect(await call('GET', '/v2/hls', { query: `roomId=${a}` })).toEqual({
      status: 200,
      body: { pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 2 }, data: [a1Item, a2Item] },
    });
    // The reference's own path ends in a slash: the same route.
    expect(await call('GET', '/v2/hls/', { query: `roomId=${b}` })).toEqual({
      status: 200,
      body: { pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 1 }, data: [b1Item] },
    });
    expect(await call('GET', '/v2/hls', { query: `roomId=${a}&sessionId=${String(a2.sessionId)}` })).toEqual({
      status: 200,
      body: { pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 1 }, data: [a2Item] },
    });
    // One egress by its id, ended or running.
    for (const [started, expected] of [
      [a1, a1Item],
      [a2, a2Item],
      [b1, b1Item],
    ] as const) {
      expect(await call('GET', `/v2/hls/${String(started.id)}`)).toEqual({ status: 200, body: expected });
    }

    // Any page of the whole list (no roomId: every egress, oldest first), perPage at most 100.
    const all = [a1Item, a2Item, b1Item];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 150 }),
        async (page, asked) => {
          const perPage = Math.min(100, asked);
          expect(await call('GET', '/v2/hls', { query: `page=${page}&perPage=${asked}` })).toEqual({
            status: 200,
            body: {
              pageInfo: { currentPage: page, perPage, lastPage: Math.ceil(3 / perPage), total: 3 },
              data: all.slice((page - 1) * perPage, page * perPage),
            },
          });
        },
      ),
    );
  });

  it('lists an egress still starting without playback URLs, as the active route shows it', async () => {
    // A transition longer than the test: the egress stays `starting`.
    const { clock, call } = clocked(600_000);
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    const started = bodyOf(await call('POST', '/v2/hls/start', { body: { roomId } }));
    clock.at += 2_500;
    const expected = {
      id: started.id,
      sessionId: started.sessionId,
      roomId,
      start: started.start,
      end: null,
      duration: 2.5,
      links: {
        get_room: `https://api.videosdk.live/v2/rooms/${roomId}`,
        get_session: `https://api.videosdk.live/v2/sessions/${String(started.sessionId)}`,
      },
    };
    expect(await call('GET', '/v2/hls', { query: `roomId=${roomId}` })).toEqual({
      status: 200,
      body: { pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 1 }, data: [expected] },
    });
    expect(await call('GET', `/v2/hls/${String(started.id)}`)).toEqual({ status: 200, body: expected });
    expect(bodyOf(await call('GET', `/v2/hls/${roomId}/active`)).data as Record<string, unknown>).toEqual(
      expected,
    );
  });

  it('answers a room with no egress an empty page, and an egress id it does not have 404 HLS not found.', async () => {
    const call = sandbox();
    const { roomId } = bodyOf(await call('POST', '/v2/rooms', { body: {} })) as { roomId: string };
    await call('POST', '/v2/hls/start', { body: { roomId } });
    const empty = {
      status: 200,
      body: { pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 0 }, data: [] },
    };
    await fc.assert(
      fc.asyncProperty(
        strangerId.filter((id) => id !== roomId),
        async (id) => {
          expect(
            await call('GET', '/v2/hls', { query: new URLSearchParams({ roomId: id }).toString() }),
          ).toEqual(empty);
          expect(await call('GET', `/v2/hls/${encodeURIComponent(id)}`)).toEqual({
            status: 404,
            body: { message: 'HLS not found.' },
          });
        },
      ),
    );
    expect(await call('GET', '/v2/hls', { authorization: 'not-a-token' })).toEqual({
      status: 401,
      body: { message: '`token` is invalid.' },
    });
  });
});

describe('videosdk v2: the WHIP address answers a browser', () => {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
  };
  const noWhip =
    "the sandbox takes no WHIP: a videosdk v2 room gets no media here. To push video through the sandbox, use a videosdk v1 stream (apiVersion: 'v1') and RTMP.";

  it('grants the preflight, and its 501 carries the same CORS headers, whatever the token', async () => {
    const call = sandbox();
    expect(await call('OPTIONS', '/v2/whip', { authorization: '' })).toEqual({
      status: 204,
      headers: { ...cors, 'access-control-max-age': '600' },
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(serverToken()), fc.string({ maxLength: 60 })), async (token) => {
        const sdp = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
        expect(await call('POST', '/v2/whip', { authorization: token, body: sdp })).toEqual({
          status: 501,
          headers: cors,
          body: { message: noWhip },
        });
      }),
    );
  });
});
