import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsNameLimit } from '../../test/name-limit.js';
import { createEngine } from '../engine.js';
import { startSandbox } from '../server.js';
import type { SandboxRequest, SandboxResponse } from '../types.js';
import { liveapiDialect } from './liveapi.js';
import {
  hasLoneSurrogate,
  undocumentedNameLimit,
  undocumentedPlatformLimits,
  undocumentedSettingsLimits,
} from './names.js';

const credentials = liveapiDialect.defaultCredentials();
const basic = `Basic ${Buffer.from(`${credentials.tokenId}:${credentials.secretKey}`).toString('base64')}`;

function setup() {
  const engine = createEngine({ dialects: [liveapiDialect], transitionMs: 10 });
  async function call(
    method: string,
    path: string,
    body?: unknown,
    authorization: string | null = basic,
  ): Promise<SandboxResponse & { body: Record<string, unknown> }> {
    const [pathname = '', search = ''] = path.split('?');
    const request: SandboxRequest = {
      method,
      path: pathname,
      query: new URLSearchParams(search),
      headers: new Headers(authorization ? { authorization } : {}),
      body,
    };
    const outcome = await engine.handle('liveapi', request);
    if (outcome.kind !== 'respond') throw new Error('dropped');
    return outcome.response as SandboxResponse & { body: Record<string, unknown> };
  }
  return { engine, call };
}

describe('liveapi dialect', () => {
  it('asks for HTTP Basic with the token id and secret key', async () => {
    const { call } = setup();
    const wrong = `Basic ${Buffer.from(`${credentials.tokenId}:nope`).toString('base64')}`;
    for (const authorization of [null, wrong, `Bearer ${credentials.secretKey}`, 'Basic !!!']) {
      const response = await call('GET', '/live_streams', undefined, authorization);
      expect(response).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    }
    expect((await call('GET', '/live_streams')).status).toBe(200);
  });

  it('creates a stream shaped like the documented create answer', async () => {
    const { engine, call } = setup();
    const before = Math.floor(Date.now() / 1000);
    const response = await call('POST', '/live_streams', { name: 'Show', enabled: true });
    expect(response.status).toBe(201);
    const stream = response.body;
    expect(stream._id).toMatch(/^[0-9a-f]{24}$/);
    expect(Number.parseInt(String(stream._id).slice(0, 8), 16)).toBeGreaterThanOrEqual(before);
    expect(stream).toMatchObject({
      name: 'Show',
      enabled: true,
      // The engine's default addresses: a server sets its own once it listens.
      ingest: { server: 'rtmp://127.0.0.1:1935/static' },
      platforms: [],
      settings: { pulling_mode: {} },
      environment: 'production',
    });
    const key = (stream.ingest as { key: string }).key;
    expect(key).toMatch(/^lv_[0-9a-f]{32}\?password=[0-9a-f]{8}$/);
    const publicKey = key.split('?')[0];
    expect(stream.playback).toEqual({
      embed_url: `https://player.sandbox.liveapi.com/${publicKey}`,
      embed_audio_url: `https://player.sandbox.liveapi.com/${publicKey}?onlyAudio=true`,
      hls_url: `http://127.0.0.1/media/liveapi/${stream._id}/index.m3u8`,
    });
    expect(stream).not.toHaveProperty('broadcasting_status');
    expect(stream).not.toHaveProperty('pull_urls');
    expect(engine.stats.created).toEqual({ liveapi: 1 });
  });

  it('creates with an empty body, and refuses mistyped fields with 400', async () => {
    const { call } = setup();
    const empty = await call('POST', '/live_streams');
    expect(empty.status).toBe(201);
    expect(empty.body).not.toHaveProperty('name');
    expect(await call('POST', '/live_streams', { enabled: 'yes' })).toEqual({
      status: 400,
      body: { message: 'enabled must be a boolean' },
    });
    expect((await call('POST', '/live_streams', [1])).status).toBe(400);
  });

  it('toggles enabled and goes online only while enabled with an encoder', async () => {
    const { engine, call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const idle = await call('GET', `/live_streams/${id}`);
    expect(idle.body.broadcasting_status).toBe('offline');
    expect(idle.body).not.toHaveProperty('pull_urls');

    engine.setEncoder('liveapi', id, true);
    const online = await call('GET', `/live_streams/${id}`);
    const publicKey = (online.body.ingest as { key: string }).key.split('?')[0];
    expect(online.body.broadcasting_status).toBe('online');
    expect(online.body.pull_urls).toEqual({
      rtmp: `rtmp://sg-1.sandbox.liveapi.com/${publicKey}`,
      srt: `srt://sg-1.sandbox.liveapi.com:9998/?streamid=#!::r=${publicKey},m=request`,
    });

    const disabled = await call('PATCH', `/live_streams/${id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, broadcasting_status: 'offline' });
    expect(disabled.body).not.toHaveProperty('pull_urls');

    const enabled = await call('PATCH', `/live_streams/${id}`, { enabled: true, name: 'renamed' });
    expect(enabled.body).toMatchObject({ enabled: true, name: 'renamed', broadcasting_status: 'online' });
    expect((await call('PATCH', `/live_streams/${id}`, { enabled: 1 })).status).toBe(400);
  });

  it('pages the list ten at a time in the mongoose-paginate envelope', async () => {
    const { call } = setup();
    for (let index = 0; index < 12; index += 1) await call('POST', '/live_streams', { name: `s${index}` });
    const first = await call('GET', '/live_streams');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 12, limit: 10, page: 1, pages: 2 });
    expect(first.body.docs).toHaveLength(10);
    const second = await call('GET', '/live_streams?page=2');
    expect(second.body).toMatchObject({ page: 2, pages: 2 });
    expect((second.body.docs as { name: string }[]).map((stream) => stream.name)).toEqual(['s10', 's11']);
    expect((await call('GET', '/live_streams?page=3')).body.docs).toEqual([]);
    // A page that is no integer is the client's mistake, answered 400, not read as page 1.
    expect(await call('GET', '/live_streams?page=x')).toMatchObject({
      status: 400,
      body: { message: 'page must be an integer' },
    });
  });

  it('deletes with success, then answers 404', async () => {
    const { call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    expect(await call('DELETE', `/live_streams/${id}`)).toEqual({ status: 200, body: { success: true } });
    expect(await call('GET', `/live_streams/${id}`)).toEqual({
      status: 404,
      body: { message: 'Live stream not found' },
    });
    expect((await call('PATCH', `/live_streams/${id}`, { enabled: true })).status).toBe(404);
    expect((await call('GET', '/live_streams/%E0%A4%A')).status).toBe(404);
  });

  it('adds platforms under the stream and lists them on it', async () => {
    const { engine, call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const body = {
      template: 'custom',
      server: 'rtmp://a.rtmp.youtube.com/live2',
      key: 'yt-key',
      enabled: true,
    };
    const added = await call('POST', `/live_streams/${id}/platforms`, body);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), ...body });
    expect((await call('GET', `/live_streams/${id}/platforms`)).body).toEqual([
      { ...added.body, broadcasting_status: 'offline' },
    ]);
    engine.setEncoder('liveapi', id, true);
    expect((await call('GET', `/live_streams/${id}`)).body.platforms).toEqual([
      { ...added.body, broadcasting_status: 'online' },
    ]);
    expect(
      (await call('POST', `/live_streams/${id}/platforms`, { ...body, template: 'youtube' })).status,
    ).toBe(400);
    expect(
      (await call('POST', `/live_streams/${id}/platforms`, { ...body, server: 'http://x' })).status,
    ).toBe(400);
    expect((await call('POST', `/live_streams/${id}/platforms`, { ...body, key: '' })).status).toBe(400);
    expect((await call('POST', '/live_streams/000000000000000000000000/platforms', body)).status).toBe(404);
  });

  // A thousand platforms of 12 kB each made every read of the stream 12 MB, and the persist file past what a
  // start reads.
  it('keeps at most 100 platforms on a stream, as videosdk keeps 100 targets, refusing the next', async () => {
    const { call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const body = { template: 'custom', server: 'rtmp://a.example.com/live', key: 'k', enabled: true };
    for (let index = 0; index < 100; index += 1)
      expect((await call('POST', `/live_streams/${id}/platforms`, body)).status).toBe(201);
    expect(await call('POST', `/live_streams/${id}/platforms`, body)).toMatchObject({
      status: 400,
      body: { message: 'a stream holds at most 100 platforms' },
    });
    expect((await call('GET', `/live_streams/${id}`)).body.platforms).toHaveLength(100);
    // Another stream has its own hundred.
    const other = String((await call('POST', '/live_streams', {})).body._id);
    expect((await call('POST', `/live_streams/${other}/platforms`, body)).status).toBe(201);
  });

  // A raw request could store a platform key of 500,000 characters, which every later read carried.
  it('keeps a platform key of up to 4,096 characters and a server of up to 8,192, refusing longer ones', async () => {
    const { call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const base = { template: 'custom', server: 'rtmp://a.example.com/live', key: 'k', enabled: true };
    const prefix = 'rtmp://a.example.com/';
    let kept = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('key' as const, 'server' as const),
        fc.integer({ min: 1, max: 10_000 }),
        fc.constantFrom('k', 'é', '字'),
        async (field, length, unit) => {
          const limit = undocumentedPlatformLimits[field];
          const value = field === 'key' ? unit.repeat(length) : `${prefix}${unit.repeat(length)}`;
          const added = await call('POST', `/live_streams/${id}/platforms`, { ...base, [field]: value });
          if (value.length <= limit) {
            expect(added.status).toBe(201);
            expect(added.body[field]).toBe(value);
            kept += 1;
          } else {
            expect([added.status, added.body]).toEqual([
              400,
              { message: `${field} must be at most ${limit} characters` },
            ]);
          }
          const platforms = (await call('GET', `/live_streams/${id}`)).body.platforms as unknown[];
          expect(platforms).toHaveLength(kept);
        },
      ),
      { numRuns: 50 },
    );
    const { status } = await call('POST', `/live_streams/${id}/platforms`, {
      ...base,
      key: 'k'.repeat(500_000),
    });
    expect(status).toBe(400);
  });

  // No LiveAPI source gives a limit: the sandbox keeps names to its own, unverified bound, counted in code
  // points, and refuses a longer one as it refuses any field (400, `{ message }`), on create and on update.
  it('keeps a name of up to 1,000 characters and refuses a longer one with 400, storing nothing', async () => {
    const { call, engine } = setup();
    const { _id: id } = (await call('POST', '/live_streams', { name: 'kept' })).body;
    await holdsNameLimit({
      limit: undocumentedNameLimit,
      send: (name, update) =>
        update ? call('PATCH', `/live_streams/${id}`, { name }) : call('POST', '/live_streams', { name }),
      stored: async () => (await call('GET', `/live_streams/${id}`)).body.name,
      accepted: (update) => (update ? 200 : 201),
      refusal: { status: 400, body: { message: 'name must be at most 1000 characters' } },
      created: () => engine.stats.created.liveapi ?? 0,
    });
  });

  it('refuses a name of 500,000 characters, which no dashboard read then carries', async () => {
    const sandbox = await startSandbox({ media: false });
    try {
      const response = await fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'n'.repeat(500_000) }),
      });
      expect([response.status, await response.json()]).toEqual([
        400,
        { message: 'name must be at most 1000 characters' },
      ]);
      const overview = await fetch(`${sandbox.url}/_sandbox/dashboard/overview.json`);
      expect((await overview.text()).length).toBeLessThan(10_000);
    } finally {
      await sandbox.close();
    }
  });

  it('names the fault operation of each request', () => {
    const request = (method: string, path: string, body?: unknown): SandboxRequest => ({
      method,
      path,
      query: new URLSearchParams(),
      headers: new Headers(),
      body,
    });
    const operationOf = (method: string, path: string, body?: unknown) =>
      liveapiDialect.operationOf(request(method, path, body));
    expect(operationOf('POST', '/live_streams')).toBe('create');
    expect(operationOf('GET', '/live_streams')).toBe('list');
    expect(operationOf('GET', '/live_streams/abc')).toBe('get');
    expect(operationOf('DELETE', '/live_streams/abc')).toBe('delete');
    expect(operationOf('PATCH', '/live_streams/abc', { enabled: true })).toBe('start');
    expect(operationOf('PATCH', '/live_streams/abc', { enabled: false })).toBe('stop');
    expect(operationOf('PATCH', '/live_streams/abc', { name: 'x' })).toBe('update');
    expect(operationOf('PATCH', '/live_streams/abc', { name: 'x', enabled: true })).toBe('update');
    expect(operationOf('POST', '/live_streams/abc/platforms')).toBeUndefined();
  });

  it('renders errors as { message } with LiveAPI statuses; a conflict is 409', async () => {
    expect(liveapiDialect.error('conflict', 422, 'busy')).toEqual({ status: 409, body: { message: 'busy' } });
    expect(liveapiDialect.error('invalid', 422, 'bad')).toEqual({ status: 400, body: { message: 'bad' } });
    expect(liveapiDialect.error('server-error', 503, 'down')).toEqual({
      status: 503,
      body: { message: 'down' },
    });
    const { engine, call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    engine.injectFault('liveapi', 'start', { type: 'conflict' });
    expect((await call('PATCH', `/live_streams/${id}`, { enabled: true })).status).toBe(409);
    expect((await call('PATCH', `/live_streams/${id}`, { enabled: true })).status).toBe(200);
  });

  // No LiveAPI source documents a settings field or a limit: a raw request could store settings of any size
  // (or nested so deep that writing them as JSON overflowed the stack on every later answer), kept and
  // merged by every update. They are held to the sandbox's own bounds as they would be kept.
  it('keeps settings within 16,384 characters of JSON and 32 levels, refusing the rest, storing nothing', async () => {
    const { call, engine } = setup();
    const { jsonLength, depth: maxDepth } = undocumentedSettingsLimits;
    const created = () => engine.stats.created.liveapi ?? 0;
    const nest = (levels: number, inArrays: boolean): Record<string, unknown> => {
      let inner: unknown = inArrays ? [] : {};
      for (let level = 2; level < levels; level += 1) inner = inArrays ? [inner] : { level: inner };
      return levels === 1 ? {} : { deep: inner };
    };
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    type Given = { settings: Record<string, unknown>; refused?: string };
    const sized = fc
      .tuple(fc.integer({ min: 0, max: jsonLength }), fc.constantFrom('a', 'é', '字', '😀'))
      .map(([count, unit]): Given => {
        const settings = { blob: unit.repeat(Math.floor(count / unit.length)) };
        const over = JSON.stringify(settings).length > jsonLength;
        return over
          ? { settings, refused: `settings must be at most ${jsonLength} characters as JSON` }
          : { settings };
      });
    const deep = fc
      .tuple(fc.integer({ min: 1, max: maxDepth + 20 }), fc.boolean())
      .map(([levels, inArrays]): Given => {
        const settings = nest(levels, inArrays);
        return levels > maxDepth
          ? { settings, refused: `settings must be nested at most ${maxDepth} levels deep` }
          : { settings };
      });
    const surrogate = fc
      .tuple(lone, fc.boolean(), fc.integer({ min: 1, max: 5 }))
      .map(([unit, inKey, levels]): Given => {
        const leaf = inKey ? { [`a${unit}b`]: true } : { text: `a${unit}b` };
        let settings: Record<string, unknown> = leaf;
        for (let level = 1; level < levels; level += 1) settings = { nested: settings };
        return { settings, refused: 'settings must be well-formed text (no lone surrogate)' };
      });
    const givenSettings = fc.oneof(sized, deep, surrogate);
    await fc.assert(
      fc.asyncProperty(givenSettings, fc.boolean(), async (given, update) => {
        // An update goes to a stream of its own, made without settings: what is kept is what it brings.
        const { _id: id } = (await call('POST', '/live_streams', { name: 'kept' })).body;
        const path = `/live_streams/${String(id)}`;
        const kept = (await call('GET', path)).body;
        const streams = created();
        const answer = update
          ? await call('PATCH', path, { name: 'renamed', settings: given.settings })
          : await call('POST', '/live_streams', { name: 'new', settings: given.settings });
        if (given.refused) {
          expect(answer).toEqual({ status: 400, body: { message: given.refused } });
          expect(created()).toBe(streams);
          // Nothing of a refused update is applied: neither its settings nor its name.
          expect((await call('GET', path)).body).toEqual(kept);
        } else {
          expect(answer.status).toBe(update ? 200 : 201);
          expect(answer.body.settings).toEqual({ pulling_mode: {}, ...given.settings });
          expect(created()).toBe(update ? streams : streams + 1);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("bounds settings as merged over the stream's, and refuses what no JSON answer could carry", async () => {
    const { call } = setup();
    const { jsonLength } = undocumentedSettingsLimits;
    const half = 'h'.repeat(jsonLength / 2);
    const { _id: id } = (await call('POST', '/live_streams', { settings: { first: half } })).body;
    const path = `/live_streams/${String(id)}`;
    // Each within the bound alone; merged, past it: refused, and the stream keeps what it had.
    expect(await call('PATCH', path, { enabled: false, settings: { second: half } })).toEqual({
      status: 400,
      body: { message: `settings must be at most ${jsonLength} characters as JSON` },
    });
    const stream = (await call('GET', path)).body;
    expect([stream.enabled, stream.settings]).toEqual([true, { pulling_mode: {}, first: half }]);
    // Replacing a key counts as replaced, not added.
    expect((await call('PATCH', path, { settings: { first: 'short', second: half } })).status).toBe(200);
    // Deeper than any stack: refused, not stored to break every later list.
    let deep: unknown = {};
    for (let level = 0; level < 200_000; level += 1) deep = { deep };
    expect((await call('POST', '/live_streams', { settings: deep })).body).toEqual({
      message: 'settings must be nested at most 32 levels deep',
    });
    expect((await call('GET', '/live_streams')).status).toBe(200);
  });

  // A lone surrogate is no character: no UTF-8 form to answer or persist. Refused wherever a text is kept.
  it('refuses a name, platform key or server holding a lone surrogate with 400, keeping nothing', async () => {
    const { call, engine } = setup();
    const { _id: id } = (await call('POST', '/live_streams', { name: 'kept' })).body;
    const path = `/live_streams/${String(id)}`;
    const platform = { template: 'custom', server: 'rtmp://a.example.com/live', key: 'k', enabled: true };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('create', 'update', 'key', 'server'),
        fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
        fc.nat({ max: 4 }),
        async (where, unit, at) => {
          // Between ASCII letters, so no neighbour pairs with it.
          const text = `${'x'.repeat(at)}${unit}y`;
          const created = engine.stats.created.liveapi ?? 0;
          const answer =
            where === 'create'
              ? await call('POST', '/live_streams', { name: text })
              : where === 'update'
                ? await call('PATCH', path, { name: text })
                : await call('POST', `${path}/platforms`, {
                    ...platform,
                    [where]: where === 'server' ? `${platform.server}/${text}` : text,
                  });
          const field = where === 'create' || where === 'update' ? 'name' : where;
          expect(answer).toEqual({
            status: 400,
            body: { message: `${field} must be well-formed text (no lone surrogate)` },
          });
          expect(engine.stats.created.liveapi ?? 0).toBe(created);
          const stream = (await call('GET', path)).body;
          expect([stream.name, stream.platforms]).toEqual(['kept', []]);
        },
      ),
    );
  });
});

// Temporary recordings (vendor reference §10.1): `GET /live_streams/{id}/temporary_recordings` answers a bare
// JSON array (D5), `GET …/{recording_id}` one recording and `POST …/{recording_id}` `{ from, duration }`
// converts it to a VOD (G1). The sandbox keeps no recording of a broadcast, so the array is empty and every
// recording id unknown.
describe('liveapi temporary recordings', () => {
  // The convert body of the vendor fixture `live_stream.temporary_recording.convert.request.json`.
  const convert = { from: '2022-03-29T15:16:01.000Z', duration: 100 };
  // Any id text but one holding a lone surrogate, which no URL can carry (`encodeURIComponent` throws).
  const anyId = fc.oneof(
    fc.stringMatching(/^[0-9a-f]{24}$/),
    fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !hasLoneSurrogate(id)),
  );

  it('lists them as a bare array, empty before, during and after a broadcast', async () => {
    const { engine, call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const list = () => call('GET', `/live_streams/${id}/temporary_recordings`);
    expect(await list()).toEqual({ status: 200, body: [] });
    engine.setEncoder('liveapi', id, true);
    expect(await list()).toEqual({ status: 200, body: [] });
    engine.setEncoder('liveapi', id, false);
    expect(await list()).toEqual({ status: 200, body: [] });
    // A disabled stream still has its recordings' list (recordings are kept three days whatever the toggle).
    await call('PATCH', `/live_streams/${id}`, { enabled: false });
    expect(await list()).toEqual({ status: 200, body: [] });
  });

  it('answers a stream it does not have 404 Live stream not found, on every recording route', async () => {
    const { call } = setup();
    await call('POST', '/live_streams', {});
    await fc.assert(
      fc.asyncProperty(anyId, anyId, async (streamId, recordingId) => {
        const stream = `/live_streams/${encodeURIComponent(streamId)}/temporary_recordings`;
        const gone = { status: 404, body: { message: 'Live stream not found' } };
        expect(await call('GET', stream)).toEqual(gone);
        expect(await call('GET', `${stream}/${encodeURIComponent(recordingId)}`)).toEqual(gone);
        expect(await call('POST', `${stream}/${encodeURIComponent(recordingId)}`, convert)).toEqual(gone);
      }),
    );
    // A segment that does not decode names no stream.
    expect(await call('GET', '/live_streams/%E0%A4%A/temporary_recordings')).toEqual({
      status: 404,
      body: { message: 'Live stream not found' },
    });
  });

  it('answers any recording id of a stream 404 Temporary recording not found, to a read and a convert', async () => {
    const { call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const notFound = { status: 404, body: { message: 'Temporary recording not found' } };
    await fc.assert(
      fc.asyncProperty(anyId, async (recordingId) => {
        const path = `/live_streams/${id}/temporary_recordings/${encodeURIComponent(recordingId)}`;
        expect(await call('GET', path)).toEqual(notFound);
        expect(await call('POST', path, convert)).toEqual(notFound);
        // Nothing was converted: no recording, so the list stays empty.
        expect(await call('GET', `/live_streams/${id}/temporary_recordings`)).toEqual({
          status: 200,
          body: [],
        });
      }),
    );
  });

  it('asks for Basic credentials first, and answers other methods 404 Not found', async () => {
    const { call } = setup();
    const id = String((await call('POST', '/live_streams', {})).body._id);
    const list = `/live_streams/${id}/temporary_recordings`;
    const one = `${list}/624322b9dbe478395adc8077`;
    for (const path of [list, one]) {
      expect(await call('GET', path, undefined, null)).toEqual({
        status: 401,
        body: { message: 'Unauthorized' },
      });
    }
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      expect(await call(method, list, {}), method).toEqual({ status: 404, body: { message: 'Not found' } });
    }
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      expect(await call(method, one, {}), method).toEqual({ status: 404, body: { message: 'Not found' } });
    }
  });

  it('serves the empty list over HTTP as the JSON text []', async () => {
    const sandbox = await startSandbox({ port: 0, media: false, log: () => {} });
    try {
      const headers = { authorization: basic };
      const created = await fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
      });
      const { _id: id } = (await created.json()) as { _id: string };
      const response = await fetch(`${sandbox.baseUrl('liveapi')}/live_streams/${id}/temporary_recordings`, {
        headers,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.text()).toBe('[]');
    } finally {
      await sandbox.close();
    }
  });
});
