import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawStatus as rawStatusOf } from '../test/raw-status.js';
import { persistLockStaleMs, type Sandbox, startSandbox } from './server.js';

// The edges of the sandbox's HTTP surface and lifecycle an outside probe found: a request held through
// close, two sandboxes on one persist file, a preflight streaming a body, statuses no answer can carry a
// body with, HEAD on the vendor routes and on the sandbox's own, and a request with two Host lines.

const liveapiAuthorization = (sandbox: Sandbox) => {
  const { tokenId, secretKey } = sandbox.credentials('liveapi') as Record<string, string>;
  return `Basic ${Buffer.from(`${tokenId}:${secretKey}`).toString('base64')}`;
};

describe('close', () => {
  it('carries out no request a slow fault held through it, and writes the persist file no more', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-close-held-'));
    const persistPath = join(folder, 'sandbox.json');
    try {
      const sandbox = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      let onHold: () => void = () => {};
      const holding = new Promise<void>((resolve) => {
        onHold = resolve;
      });
      sandbox.injectFault('liveapi', 'create', { type: 'slow', delayMs: 600_000, onHold });
      const held = fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
        method: 'POST',
        headers: { authorization: liveapiAuthorization(sandbox), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'held through close' }),
      }).then(
        (response) => response.status,
        () => 'no answer',
      );
      await holding;
      await sandbox.close();
      const atClose = readFileSync(persistPath, 'utf8');
      // The hold ends as the connection closes: the request is dropped, not carried out after close.
      expect(await held).toBe('no answer');
      await expect.poll(() => sandbox.stats().inFlight).toBe(0);
      expect(JSON.stringify(sandbox.engine.snapshot())).not.toContain('held through close');
      expect(readFileSync(persistPath, 'utf8')).toBe(atClose);
      expect(atClose).not.toContain('held through close');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a persist file', () => {
  it('is one sandbox’s: a second on it is refused naming persistPath, and it is free again after close', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-lock-'));
    const persistPath = join(folder, 'sandbox.json');
    try {
      const first = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      let refused: unknown;
      try {
        const second = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
        await second.close();
      } catch (error) {
        refused = error;
      }
      expect(InvalidInputError.isInstance(refused)).toBe(true);
      expect((refused as InvalidInputError).issues).toEqual([
        { path: 'persistPath', message: 'in use by another sandbox' },
      ]);
      expect((refused as Error).message).toContain('is in use by another sandbox');
      const created = await fetch(`${first.baseUrl('liveapi')}/live_streams`, {
        method: 'POST',
        headers: { authorization: liveapiAuthorization(first), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kept by the first' }),
      });
      expect(created.status).toBeLessThan(300);
      await first.close();
      const third = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      try {
        expect(JSON.stringify(third.engine.snapshot())).toContain('kept by the first');
      } finally {
        await third.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('left locked by a sandbox that ended without closing is refused while its lock is fresh, and taken once stale', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-stale-'));
    const persistPath = join(folder, 'sandbox.json');
    try {
      // The lock a process killed while it ran leaves behind (proper-lockfile's folder).
      mkdirSync(`${persistPath}.lock`);
      const refused = await startSandbox({ port: 0, media: false, persistPath, log: () => {} }).then(
        async (sandbox) => {
          await sandbox.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(InvalidInputError.isInstance(refused)).toBe(true);
      // No sandbox keeps its time fresh: once older than the stale bound it is taken over.
      const old = new Date(Date.now() - persistLockStaleMs - 60_000);
      utimesSync(`${persistPath}.lock`, old, old);
      const sandbox = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      await sandbox.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is the same file through a symbolic link: refused while held, and saved through the link', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-link-'));
    const persistPath = join(folder, 'sandbox.json');
    const link = join(folder, 'link.json');
    try {
      const first = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      symlinkSync(persistPath, link);
      const refused = await startSandbox({ port: 0, media: false, persistPath: link, log: () => {} }).then(
        async (sandbox) => {
          await sandbox.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(InvalidInputError.isInstance(refused)).toBe(true);
      await first.close();
      // Started on the link, a sandbox saves the file it names: the link stays a link.
      const linked = await startSandbox({ port: 0, media: false, persistPath: link, log: () => {} });
      await fetch(`${linked.baseUrl('liveapi')}/live_streams`, {
        method: 'POST',
        headers: { authorization: liveapiAuthorization(linked), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'through the link' }),
      });
      await linked.close();
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(persistPath, 'utf8')).toContain('through the link');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('left locked with a time in the future (the clock stepped back) is taken over, as no running sandbox dates it so', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-future-'));
    const persistPath = join(folder, 'sandbox.json');
    try {
      mkdirSync(`${persistPath}.lock`);
      const future = new Date(Date.now() + 3_600_000);
      utimesSync(`${persistPath}.lock`, future, future);
      const sandbox = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      // Now held by this one: a second is refused.
      const refused = await startSandbox({ port: 0, media: false, persistPath, log: () => {} }).catch(
        (error: unknown) => error,
      );
      expect(InvalidInputError.isInstance(refused)).toBe(true);
      await sandbox.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refused as unreadable is free again at once for the next start', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'unilive-persist-refused-'));
    const persistPath = join(folder, 'sandbox.json');
    try {
      await import('node:fs').then((fs) => fs.writeFileSync(persistPath, 'not json'));
      const refused = await startSandbox({ port: 0, media: false, persistPath, log: () => {} }).catch(
        (error: unknown) => error,
      );
      expect((refused as InvalidInputError).issues?.[0]?.path).toBe('persistPath');
      await import('node:fs').then((fs) => fs.writeFileSync(persistPath, '{}'));
      const sandbox = await startSandbox({ port: 0, media: false, persistPath, log: () => {} });
      await sandbox.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the HTTP surface', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, media: false, maxBodyBytes: 1024, log: () => {} });
  });
  afterAll(() => sandbox.close());

  const rawStatus = (bytes: string) => rawStatusOf(sandbox.port, bytes);

  it('answers a request with two Host lines 400, whichever comes first, on every route', async () => {
    const local = `127.0.0.1:${sandbox.port}`;
    for (const path of ['/_sandbox', '/liveapi/live_streams', '/', '/media/liveapi/x/index.m3u8']) {
      for (const [first, second] of [
        [local, 'evil.example'],
        ['evil.example', local],
        [local, local],
      ]) {
        expect([
          path,
          first,
          second,
          await rawStatus(
            `GET ${path} HTTP/1.1\r\nHost: ${first}\r\nHost: ${second}\r\nConnection: close\r\n\r\n`,
          ),
        ]).toEqual([path, first, second, 400]);
      }
    }
  });

  it('bounds a body streamed to a media route, a preflight included: 413 once it passes maxBodyBytes', async () => {
    for (const method of ['OPTIONS', 'GET', 'HEAD']) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port: sandbox.port,
            method,
            path: '/media/liveapi/x/index.m3u8',
            headers: { 'transfer-encoding': 'chunked' },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        // Chunks until the server answers: far past the 1 KiB limit if it read on.
        const chunk = Buffer.alloc(16 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 64 && request.write(chunk)) sent += 1;
          if (sent < 64) request.once('drain', pump);
          else request.end();
        };
        pump();
      });
      expect([method, status]).toEqual([method, 413]);
    }
  });

  it('refuses a status fault no answer can carry its body with (1xx, 204, 205, 304), and takes every other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), (status) => {
        const bodiless = status < 200 || [204, 205, 304].includes(status);
        for (const type of ['status', 'html'] as const) {
          let thrown: unknown;
          try {
            sandbox.injectFault('liveapi', 'list', { type, status } as never);
          } catch (error) {
            thrown = error;
          }
          expect([type, status, InvalidInputError.isInstance(thrown)]).toEqual([type, status, bodiless]);
          sandbox.clearFaults();
        }
      }),
    );
  });

  it('answers HEAD on each vendor route as its GET, without the body', async () => {
    const created = await fetch(`${sandbox.baseUrl('liveapi')}/live_streams`, {
      method: 'POST',
      headers: { authorization: liveapiAuthorization(sandbox), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'head' }),
    });
    const { _id: id } = (await created.json()) as { _id: string };
    for (const path of ['/live_streams', `/live_streams/${id}`, '/live_streams/no-such-id']) {
      const url = `${sandbox.baseUrl('liveapi')}${path}`;
      const headers = { authorization: liveapiAuthorization(sandbox) };
      const get = await fetch(url, { headers });
      const head = await fetch(url, { method: 'HEAD', headers });
      expect([path, head.status, head.headers.get('content-length'), await head.text()]).toEqual([
        path,
        get.status,
        String((await get.arrayBuffer()).byteLength),
        '',
      ]);
    }
  });

  it('answers HEAD on each of its own GET routes (control and dashboard) as its GET, without the body', async () => {
    const paths = [
      '/_sandbox',
      '/_sandbox/stats',
      '/_sandbox/webhooks',
      '/',
      '/favicon.ico',
      '/_sandbox/dashboard/overview.json',
      '/_sandbox/dashboard/hls.min.js',
      // A secret not asked for: the dashboard's 404.
      '/_sandbox/dashboard/secret',
      // No route: both answer the same 404.
      '/_sandbox/no-such-route',
    ];
    const headOf = (response: Response) =>
      ['content-type', 'content-length', 'cache-control'].map((name) => response.headers.get(name));
    for (const path of paths) {
      const url = `http://127.0.0.1:${sandbox.port}${path}`;
      const get = await fetch(url);
      const getHead = headOf(get);
      const getLength = (await get.arrayBuffer()).byteLength;
      const head = await fetch(url, { method: 'HEAD' });
      expect([path, head.status, headOf(head), await head.text()]).toEqual([path, get.status, getHead, '']);
      // Each GET has a body, so a HEAD that passes above says its length rather than a missing route's.
      expect([path, getLength > 0 || get.status === 204]).toEqual([path, true]);
    }
  });

  // The response head to bytes sent as they are, the body held back: what a client reads before sending one.
  const headOf = (bytes: string, end: boolean) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(sandbox.port, '127.0.0.1', () =>
        end ? socket.end(bytes) : socket.write(bytes),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text.slice(0, text.indexOf('\r\n\r\n')));
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });

  it('sends no Content-Length with a 204 (RFC 9110 §8.6)', async () => {
    sandbox.injectFault('liveapi', 'get', { type: 'empty-body', status: 204 });
    try {
      const head = await headOf(
        `GET /liveapi/live_streams/abc HTTP/1.1\r\nHost: 127.0.0.1:${sandbox.port}\r\nAuthorization: ${liveapiAuthorization(sandbox)}\r\nConnection: close\r\n\r\n`,
        true,
      );
      expect(head).toMatch(/^HTTP\/1\.1 204 /);
      expect(head.toLowerCase()).not.toContain('content-length');
    } finally {
      sandbox.clearFaults();
    }
  });

  it('answers Expect: 100-continue with its refusal, before the body, when it will refuse; 100 when not', async () => {
    const request = (length: number, host: string) =>
      `POST /liveapi/live_streams HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${liveapiAuthorization(sandbox)}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;
    const local = `127.0.0.1:${sandbox.port}`;
    // The body is never sent: the first thing the sandbox says is what the client decides on.
    expect((await headOf(request(1025, local), false)).split('\r\n')[0]).toBe(
      'HTTP/1.1 413 Payload Too Large',
    );
    expect((await headOf(request(10, 'evil.example'), false)).split('\r\n')[0]).toBe(
      'HTTP/1.1 403 Forbidden',
    );
    expect((await headOf(request(10, local), false)).split('\r\n')[0]).toBe('HTTP/1.1 100 Continue');
    // A body within the limit sent after the 100 is carried out as any other.
    const body = JSON.stringify({ name: 'continued' });
    const created = await new Promise<number>((resolve, reject) => {
      const socket = connect(sandbox.port, '127.0.0.1', () =>
        socket.write(request(Buffer.byteLength(body), local)),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.startsWith('HTTP/1.1 100') && !text.includes('sent')) {
          text += 'sent';
          socket.end(body);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(/HTTP\/1\.1 (2\d\d)/.exec(text)?.[1] ?? 0)));
    });
    expect(created).toBe(201);
  });
});
