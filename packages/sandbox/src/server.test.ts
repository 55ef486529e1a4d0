import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { faultTypes } from './faults.js';
import { type Sandbox, startSandbox } from './server.js';
import { faultOperations, routeFaultOperations, type SandboxDialect } from './types.js';

// A minimal dialect: items under /v9/items, bearer "secret-token", errors as { error: { kind } }.
const echo: SandboxDialect = {
  id: 'echo',
  basePath: '/v9',
  defaultCredentials: () => ({ token: 'secret-token' }),
  operationOf: (request) =>
    request.method === 'POST' ? 'create' : request.path.endsWith('/state') ? 'status' : 'get',
  error: (kind, status, message) => ({ status, body: { error: { kind, message } } }),
  handle(request, context) {
    if (request.headers.get('authorization') !== `Bearer ${context.settings.credentials.token}`) {
      return this.error('unauthorized', 401, 'bad token');
    }
    const items = context.collection<{ id: string; state: string; connected?: boolean }>('items');
    if (request.method === 'POST') {
      const id = context.randomId(8);
      items.set(id, { id, state: 'stopped' });
      context.countCreate();
      context.changed();
      context.after(context.settings.transitionMs, () => {
        const item = items.get(id);
        if (item) item.state = 'started';
      });
      return { status: 201, body: { item: items.get(id) } };
    }
    const id = request.path.split('/')[2] ?? '';
    const item = items.get(id);
    if (!item) return this.error('not-found', 404, 'no such item');
    return { status: 200, body: { item: { ...item, connected: context.encoderConnected(id) } } };
  },
};

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: Parameters<typeof startSandbox>[0] = {}) {
  sandbox = await startSandbox({ dialects: [echo], transitionMs: 50, ...options });
  const base = sandbox.baseUrl('echo');
  const call = (method: string, path: string, signal?: AbortSignal) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: 'Bearer secret-token' },
      ...(signal ? { signal } : {}),
    });
  return { sandbox, base, call };
}

describe('startSandbox', () => {
  it('listens on loopback, routes to the dialect, runs timed transitions', async () => {
    const { sandbox, base, call } = await start();
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(base).toBe(`${sandbox.url}/echo/v9`);
    expect(sandbox.adapterSettings('echo')).toEqual({ baseUrl: base, token: 'secret-token' });
    const created = (await (await call('POST', '/items')).json()) as { item: { id: string; state: string } };
    expect(created.item.state).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 120));
    const fetched = (await (await call('GET', `/items/${created.item.id}`)).json()) as {
      item: { state: string };
    };
    expect(fetched.item.state).toBe('started');
    expect((await fetch(`${base}/items`)).status).toBe(401);
    expect(sandbox.stats()).toMatchObject({ requests: 3, created: { echo: 1 } });
  });

  it('keeps an idle connection a minute, so a client stalled a few seconds between requests finds it open', async () => {
    const { call } = await start();
    // Node's 5 s default closed the connection under a process stalled 5 s before its next request: the
    // request went out on the closing connection and failed with ECONNRESET.
    const answer = await call('GET', '/items/none');
    expect(answer.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('serves planned faults once each, in order, then answers normally', async () => {
    const { sandbox, call } = await start();
    const id = ((await (await call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    sandbox.injectFault('echo', 'get', { type: 'rate-limit', retryAfterSeconds: 7 });
    sandbox.injectFault('echo', 'get', { type: 'server-error', status: 502, times: 2 });
    sandbox.injectFault('echo', 'get', { type: 'status', status: 408 });
    sandbox.injectFault('echo', 'get', { type: 'html' });
    sandbox.injectFault('echo', 'get', { type: 'malformed-json' });
    sandbox.injectFault('echo', 'get', { type: 'empty-body' });
    sandbox.injectFault('echo', 'get', { type: 'empty-body', status: 201, object: true });
    sandbox.injectFault('echo', 'get', { type: 'wrong-shape' });
    sandbox.injectFault('echo', 'get', { type: 'unknown-enum' });
    const limited = await call('GET', `/items/${id}`);
    expect([limited.status, limited.headers.get('retry-after'), await limited.json()]).toEqual([
      429,
      '7',
      { error: { kind: 'rate-limit', message: 'Too many requests' } },
    ]);
    expect((await call('GET', `/items/${id}`)).status).toBe(502);
    expect((await call('GET', `/items/${id}`)).status).toBe(502);
    expect((await call('GET', `/items/${id}`)).status).toBe(408);
    const html = await call('GET', `/items/${id}`);
    expect([
      html.status,
      html.headers.get('content-type'),
      (await html.text()).startsWith('<!DOCTYPE html>'),
    ]).toEqual([200, 'text/html; charset=utf-8', true]);
    expect(await (await call('GET', `/items/${id}`)).text()).toBe('{"id": "abc", "na');
    expect(await (await call('GET', `/items/${id}`)).text()).toBe('');
    const object = await call('GET', `/items/${id}`);
    expect([object.status, await object.text()]).toEqual([201, '{}']);
    expect(await (await call('GET', `/items/${id}`)).json()).toEqual({ unexpected: [1, 2, 3], data: null });
    expect(
      ((await (await call('GET', `/items/${id}`)).json()) as { item: { state: string } }).item.state,
    ).toBe('unforeseen_value');
    expect((await call('GET', `/items/${id}`)).status).toBe(200);
  });

  // Event order, not elapsed time: a delay far longer than the test's limit can only be passed by the
  // behaviour under test (headers sent first, a hang-up releasing the held request), so the test holds on a
  // busy machine and fails by timing out if that behaviour breaks.
  it('drops the connection for a network fault and delays headers or body for slow faults', async () => {
    const { sandbox, call } = await start();
    const id = ((await (await call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    sandbox.injectFault('echo', 'get', { type: 'network' });
    await expect(call('GET', `/items/${id}`)).rejects.toThrow('fetch failed');

    // slow: nothing is answered while the delay runs; the client hanging up releases the request.
    sandbox.injectFault('echo', 'get', { type: 'slow', delayMs: 3_600_000 });
    const hangUp = new AbortController();
    let settled = false;
    const held = call('GET', `/items/${id}`, hangUp.signal).finally(() => {
      settled = true;
    });
    await expect.poll(() => sandbox.stats().inFlight).toBe(1);
    expect(settled).toBe(false);
    hangUp.abort();
    await expect(held).rejects.toThrow(/abort/i);
    await expect.poll(() => sandbox.stats().inFlight).toBe(0);

    // After the delay, the normal answer.
    sandbox.injectFault('echo', 'get', { type: 'slow', delayMs: 1 });
    const late = await call('GET', `/items/${id}`);
    expect([late.status, ((await late.json()) as { item: { id: string } }).item.id]).toEqual([200, id]);

    // slow-body: the status and headers arrive while the body is still held back.
    sandbox.injectFault('echo', 'get', { type: 'slow-body', delayMs: 3_600_000 });
    const bodyLater = new AbortController();
    const headersFirst = await call('GET', `/items/${id}`, bodyLater.signal);
    expect([headersFirst.status, headersFirst.headers.get('content-type')]).toEqual([
      200,
      'application/json; charset=utf-8',
    ]);
    bodyLater.abort();
    await expect(headersFirst.text()).rejects.toThrow(/abort/i);

    // After the delay, the whole body.
    sandbox.injectFault('echo', 'get', { type: 'slow-body', delayMs: 1 });
    const whole = await call('GET', `/items/${id}`);
    expect(((await whole.json()) as { item: { id: string } }).item.id).toBe(id);
  });

  it('carries out the request before failing when a fault is marked processed', async () => {
    const { sandbox, call } = await start();
    sandbox.injectFault('echo', 'create', { type: 'server-error', status: 504, processed: true });
    sandbox.injectFault('echo', 'create', { type: 'status', status: 408, processed: true });
    sandbox.injectFault('echo', 'create', { type: 'network', processed: true });
    sandbox.injectFault('echo', 'create', { type: 'server-error', status: 503 });
    sandbox.injectFault('echo', 'create', { type: 'network' });
    expect((await call('POST', '/items')).status).toBe(504);
    expect((await call('POST', '/items')).status).toBe(408);
    await expect(call('POST', '/items')).rejects.toThrow('fetch failed');
    expect(sandbox.stats().created.echo).toBe(3);
    // Without `processed`, the vendor never saw the request.
    expect((await call('POST', '/items')).status).toBe(503);
    await expect(call('POST', '/items')).rejects.toThrow('fetch failed');
    expect(sandbox.stats().created.echo).toBe(3);
  });

  // Found by the reliability suite: a planned 408 reached clients as the dialect's 400 or 422 "invalid input".
  it('serves a status fault with that status, in the body of its kind (408 is server-side)', async () => {
    const fixed: SandboxDialect = {
      ...echo,
      error: (kind) => ({ status: kind === 'server-error' ? 500 : 422, body: { error: { kind } } }),
    };
    sandbox = await startSandbox({ dialects: [fixed] });
    sandbox.injectFault('echo', 'create', { type: 'status', status: 408 });
    sandbox.injectFault('echo', 'create', { type: 'status', status: 413 });
    const post = () =>
      fetch(`${sandbox?.baseUrl('echo')}/items`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret-token' },
      });
    const timeout = await post();
    expect([timeout.status, await timeout.json()]).toEqual([408, { error: { kind: 'server-error' } }]);
    const tooLarge = await post();
    expect([tooLarge.status, await tooLarge.json()]).toEqual([413, { error: { kind: 'invalid' } }]);
  });

  it('tells a slow fault’s onHold which request it holds, as the hold begins, and carries it out after a hang-up', async () => {
    const { sandbox, call } = await start();
    const holds: { method: string; path: string; created: number }[] = [];
    const hangUp = new AbortController();
    sandbox.injectFault('echo', 'create', {
      type: 'slow',
      delayMs: 3_600_000,
      onHold: (request) => {
        holds.push({ ...request, created: sandbox.stats().created.echo ?? 0 });
        // The request is at the sandbox: hang up now, as a caller aborting on that event does.
        hangUp.abort();
      },
    });
    await expect(call('POST', '/items', hangUp.signal)).rejects.toThrow(/abort/i);
    // Called once, before the create was carried out.
    expect(holds).toEqual([{ method: 'POST', path: '/items', created: 0 }]);
    // The hang-up ended the hold and the create was carried out, as a vendor does once it read the request.
    await expect.poll(() => sandbox.stats().inFlight).toBe(0);
    expect(sandbox.stats().created.echo).toBe(1);
    // The control API carries no function: an onHold given as data is refused.
    expect(() =>
      sandbox.injectFault('echo', 'get', { type: 'slow', delayMs: 1, onHold: 'x' as unknown as () => void }),
    ).toThrow('slow fault: onHold must be a function (in-process only)');
  });

  it('counts the requests it is still answering', async () => {
    const { sandbox, call } = await start();
    const id = ((await (await call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    sandbox.injectFault('echo', 'get', { type: 'slow', delayMs: 3_600_000 });
    const hangUp = new AbortController();
    const slow = call('GET', `/items/${id}`, hangUp.signal).catch(() => 'hung up');
    await expect.poll(() => sandbox.stats().inFlight).toBe(1);
    hangUp.abort();
    expect(await slow).toBe('hung up');
    await expect.poll(() => sandbox.stats().inFlight).toBe(0);
    expect((await call('GET', `/items/${id}`)).status).toBe(200);
    expect(sandbox.stats().inFlight).toBe(0);
  });

  it('rate limits beyond requestsPerSecond with Retry-After', async () => {
    // The clock moves only when the test moves it, however long each request takes.
    let clock = 1_000_000;
    const { sandbox, call } = await start({ rateLimit: { requestsPerSecond: 3 }, now: () => clock });
    const statuses = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await call('GET', '/items/none')).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const refused = await call('GET', '/items/none');
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    clock += 334;
    expect((await call('GET', '/items/none')).status).toBe(404);
    expect((await call('GET', '/items/none')).status).toBe(429);
    expect(sandbox.stats().rateLimited).toBe(4);
  });

  it('exposes the control API: index, faults, encoders, stats', async () => {
    const { sandbox, call } = await start();
    const index = await (await fetch(`${sandbox.url}/_sandbox`)).json();
    expect(index).toEqual({
      providers: {
        echo: { basePath: '/echo/v9', credentials: { token: 'secret-token' }, documentedOnly: false },
      },
      ingest: sandbox.ingestUrl,
      dashboard: '/',
    });
    expect(sandbox.ingestUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+$/);
    const id = ((await (await call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    const queued = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'echo', operation: 'get', fault: { type: 'not-found' } }),
    });
    expect(queued.status).toBe(201);
    expect((await call('GET', `/items/${id}`)).status).toBe(404);
    await fetch(`${sandbox.url}/_sandbox/encoders/echo/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connected: true }),
    });
    expect(
      ((await (await call('GET', `/items/${id}`)).json()) as { item: { connected: boolean } }).item.connected,
    ).toBe(true);
    const stats = await (await fetch(`${sandbox.url}/_sandbox/stats`)).json();
    expect(stats).toMatchObject({ created: { echo: 1 } });
    expect((await fetch(`${sandbox.url}/_sandbox/nothing`)).status).toBe(404);
    expect((await fetch(`${sandbox.url}/other/v9/items`)).status).toBe(404);
  });

  it('refuses control requests it cannot honour, naming what exists, and queues nothing', async () => {
    const { sandbox, call } = await start();
    const id = ((await (await call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    const control = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return [response.status, ((await response.json()) as { error: string }).error];
    };
    const types = faultTypes.join(', ');
    const operations = [...faultOperations, ...routeFaultOperations].join(', ');
    const fault = (operation: unknown, value: unknown, provider: unknown = 'echo') =>
      control('POST', '/faults', { provider, operation, fault: value });
    expect(await fault('get', { type: 'explode' })).toEqual([
      400,
      `unknown fault type: expected one of ${types}`,
    ]);
    expect(await fault('get', 'slow')).toEqual([400, `fault must be an object with a type: one of ${types}`]);
    expect(await fault('fetch', { type: 'network' })).toEqual([
      400,
      `unknown fault operation: expected one of ${operations}`,
    ]);
    expect(await fault('get', { type: 'network' }, 'nope')).toEqual([
      400,
      'unknown provider: expected one of echo',
    ]);
    expect(await fault('get', { type: 'slow' })).toEqual([400, 'slow fault: delayMs is required']);
    expect(await fault('get', { type: 'network', times: 0 })).toEqual([
      400,
      'network fault: times must be a whole number from 1 to 1000000',
    ]);
    expect(await fault('get', { type: 'server-error', status: 404 })).toEqual([
      400,
      'server-error fault: status must be one of 500, 502, 503, 504',
    ]);
    expect(await control('PUT', '/encoders/nope/abc', { connected: true })).toEqual([
      404,
      'unknown provider: expected one of echo',
    ]);
    expect(await control('PUT', '/encoders/echo/missing1', { connected: true })).toEqual([
      404,
      'no stream with this id on echo: create it first',
    ]);
    expect(await control('PUT', `/encoders/echo/${id}`, { connected: 'yes' })).toEqual([
      400,
      'connected must be true or false',
    ]);
    const [status, message] = await control('GET', '/nothing');
    expect([status, message]).toEqual([404, expect.stringContaining('POST or DELETE /_sandbox/faults')]);
    // Nothing refused was queued: the next request is answered normally.
    expect((await call('GET', `/items/${id}`)).status).toBe(200);
  });

  it('refuses any fault type it does not know, from the library API too', async () => {
    const { sandbox } = await start();
    fc.assert(
      fc.property(
        fc.string().filter((type) => !(faultTypes as readonly string[]).includes(type)),
        fc.constantFrom(...faultOperations),
        (type, operation) => {
          expect(() => sandbox.injectFault('echo', operation, { type } as never)).toThrow(
            `unknown fault type: expected one of ${faultTypes.join(', ')}`,
          );
        },
      ),
    );
  });

  it('names the port or the persist file when it cannot start, as InvalidInputError', async () => {
    const first = await start();
    const taken = await startSandbox({ dialects: [echo], port: first.sandbox.port }).catch((error) => error);
    expect([InvalidInputError.isInstance(taken), taken.issues]).toEqual([
      true,
      [{ path: 'port', message: expect.stringContaining('already in use') }],
    ]);
    for (const port of [-1, 65_536, 1.5, Number.NaN]) {
      const refused = await startSandbox({ dialects: [echo], port }).catch((error) => error);
      expect(refused.issues?.[0]?.path).toBe('port');
    }
    const folder = mkdtempSync(join(tmpdir(), 'unilive-sandbox-'));
    const persistPath = join(folder, 'data.json');
    for (const [content, why] of [
      ['{"echo": {"items": {"abc": {"id": "ab', `${persistPath} is not valid JSON`],
      [
        '[1, 2]',
        `${persistPath} does not hold sandbox records (expected an object, got a list at the top of the file)`,
      ],
      [
        '{"echo": {"items": {"abc": {"id": "other"}}}}',
        `${persistPath} does not hold sandbox records (expected the key the record is kept under at echo.items.abc.id)`,
      ],
    ] as const) {
      writeFileSync(persistPath, content);
      const refused = await startSandbox({ dialects: [echo], persistPath }).catch((error) => error);
      expect([refused.message, refused.issues?.[0]?.path]).toEqual([
        `The persist file ${why}: move it away or pass another path, and the sandbox starts empty there`,
        'persistPath',
      ]);
    }
  });

  it('persists records to a JSON file and loads them on the next start', async () => {
    const persistPath = join(mkdtempSync(join(tmpdir(), 'unilive-sandbox-')), 'data.json');
    const first = await start({ persistPath });
    const id = ((await (await first.call('POST', '/items')).json()) as { item: { id: string } }).item.id;
    await first.sandbox.close();
    sandbox = undefined;
    expect(JSON.parse(readFileSync(persistPath, 'utf8')).echo.items[id].id).toBe(id);
    const second = await start({ persistPath });
    expect((await second.call('GET', `/items/${id}`)).status).toBe(200);
  });

  it('refuses at start a persist path it could never write, naming persistPath', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-sandbox-'));
    const readOnly = join(folder, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const cases: [string, string][] = [
      [
        join(folder, 'no-such-folder', 'data.json'),
        `The persist file's folder ${join(folder, 'no-such-folder')} does not exist`,
      ],
      [folder, 'The persist file is a folder'],
      [
        join(folder, 'a-file.json', 'data.json'),
        `The persist file's folder ${join(folder, 'a-file.json')} is no folder`,
      ],
      ['', 'The persist file path is empty'],
      // No file call takes a NUL: every save would fail, so it is refused before anything listens.
      [join(folder, 'a\0b.json'), 'The persist file path holds a NUL character'],
      [`${join(folder, 'data.json')}\0`, 'The persist file path holds a NUL character'],
    ];
    writeFileSync(join(folder, 'a-file.json'), '{}');
    // Root may write anywhere: the read-only folder refuses only an ordinary user.
    if (process.getuid?.() !== 0) {
      cases.push([join(readOnly, 'data.json'), `The persist file's folder ${readOnly} cannot be written to`]);
    }
    for (const [persistPath, message] of cases) {
      const refused = await startSandbox({ dialects: [echo], persistPath, media: false }).catch(
        (error) => error,
      );
      expect([InvalidInputError.isInstance(refused), refused.message, refused.issues?.[0]?.path]).toEqual([
        true,
        `${message}: pass a path in a folder the sandbox may write to`,
        'persistPath',
      ]);
    }
  });

  it('a save that fails later is a line of its log, never a crash, and close still closes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-sandbox-'));
    const persistPath = join(folder, 'data.json');
    const logged: string[] = [];
    const running = await start({
      persistPath,
      log: (entry) => logged.push(`${entry.level} ${entry.message}`),
    });
    // The folder goes away under the running sandbox.
    rmSync(folder, { recursive: true, force: true });
    await running.call('POST', '/items');
    await running.call('POST', '/items');
    await expect.poll(() => logged.length).toBe(1);
    expect(logged).toEqual([
      'error could not save the streams to the persist file (ENOENT); they are kept in memory and saved again at the next change',
    ]);
    await running.sandbox.close();
    sandbox = undefined;
    // Once for the failure, not once per save; the close's save, the last chance, says what it lost.
    expect(logged).toEqual([
      'error could not save the streams to the persist file (ENOENT); they are kept in memory and saved again at the next change',
      'error could not save the streams to the persist file as the sandbox closed (ENOENT); the changes since the last save are lost',
    ]);
  });
});
