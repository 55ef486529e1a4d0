import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { oneConnectedEvent } from '../../test/events.js';
import { WebhookVerificationError } from '../errors/errors.js';
import { createWebhookHandler, type NodeWebhookRequest } from './webhook-handler.js';

// A sender (or a proxy before the application) may compress a delivery and say so in `Content-Encoding`.
// What a vendor signs is the body before that coding, so the handler hands `parse` the decoded bytes, within
// the same `maxBodyBytes` as any body, and answers what it cannot decode without calling `parse`.

const events = [...oneConnectedEvent];

function watchedHandler(maxBodyBytes?: number) {
  const heard: unknown[] = [];
  const bodies: Uint8Array[] = [];
  const handler = createWebhookHandler({
    parse: async (input) => {
      bodies.push(Uint8Array.from(input.body as Uint8Array));
      return events;
    },
    onError: (error) => heard.push(error),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  return { handler, heard, bodies };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

// The Node handler behind a real HTTP server, as an application mounts it.
async function nodeEndpoint(handler: ReturnType<typeof watchedHandler>['handler']): Promise<string> {
  const listening = createServer((request, response) => void handler.node(request, response));
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/hooks`;
}

type Coded = { header: string; bytes: Uint8Array };

// The codings read, each under the names and letter cases a sender may write, `identity` beside them.
const coded = (body: Uint8Array) =>
  fc.oneof(
    fc
      .constantFrom('gzip', 'GZIP', 'x-gzip', 'identity, gzip', ' gzip ')
      .map((header): Coded => ({ header, bytes: gzipSync(body) })),
    fc.constantFrom('deflate', 'Deflate').map((header): Coded => ({ header, bytes: deflateSync(body) })),
    fc.constantFrom('identity', '', 'Identity').map((header): Coded => ({ header, bytes: body })),
  );

const bodies = fc.oneof(
  fc.json().map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 4096 }),
);

describe('a compressed delivery', () => {
  it('reaches parse as the bytes before their coding, on handleWebhook and node (generated)', async () => {
    const watched = watchedHandler();
    const url = await nodeEndpoint(watched.handler);
    await fc.assert(
      fc.asyncProperty(
        bodies.chain((body) => fc.tuple(fc.constant(body), coded(body))),
        async ([body, { header, bytes }]) => {
          watched.bodies.length = 0;
          const headers = { 'content-encoding': header, 'content-type': 'application/json' };
          const viaFetch = await watched.handler.handleWebhook(
            new Request('https://app.example/hooks', {
              method: 'POST',
              headers,
              body: new Uint8Array(bytes),
            }),
          );
          expect(viaFetch.status).toBe(200);
          const viaNode = await fetch(url, { method: 'POST', headers, body: new Uint8Array(bytes) });
          expect(viaNode.status).toBe(200);
          expect(await viaNode.json()).toEqual({ received: 1 });
          expect(watched.bodies).toEqual([body, body]);
        },
      ),
      { numRuns: 60 },
    );
    expect(watched.heard).toEqual([]);
  });

  it('stops at maxBodyBytes of decoded bytes: a small body that inflates past it is 413, parse never called', async () => {
    const watched = watchedHandler(1024 * 1024);
    const url = await nodeEndpoint(watched.handler);
    // 50 MB of zeros, some 50 kB once compressed: within the bound as sent, far past it decoded.
    const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const headers = { 'content-encoding': 'gzip' };
    const viaFetch = await watched.handler.handleWebhook(
      new Request('https://app.example/hooks', { method: 'POST', headers, body: bomb }),
    );
    expect(viaFetch.status).toBe(413);
    expect(await viaFetch.json()).toEqual({ error: 'body-too-large' });
    const viaNode = await fetch(url, { method: 'POST', headers, body: bomb });
    expect(viaNode.status).toBe(413);
    // Exactly at the bound, decoded, is read whole.
    const atBound = gzipSync(new Uint8Array(1024 * 1024).fill(7));
    const whole = await watched.handler.handleWebhook(
      new Request('https://app.example/hooks', { method: 'POST', headers, body: atBound }),
    );
    expect(whole.status).toBe(200);
    expect(watched.bodies.map((body) => body.byteLength)).toEqual([1024 * 1024]);
    expect(watched.heard).toEqual([]);
  });

  it('that is not the data its coding says is 400 body-not-decodable, parse and onError never called (generated)', async () => {
    const watched = watchedHandler();
    const url = await nodeEndpoint(watched.handler);
    const json = new TextEncoder().encode('{"event":"connected","stream":"s1"}');
    const broken = fc.oneof(
      // Plain JSON under a coding label, a compressed body cut short, one with its bytes flipped, one
      // coded the other way.
      fc.constant({ header: 'gzip', bytes: json }),
      fc
        .integer({ min: 1, max: gzipSync(json).byteLength - 1 })
        .map((length) => ({ header: 'gzip', bytes: gzipSync(json).subarray(0, length) })),
      fc.constant({ header: 'deflate', bytes: gzipSync(json) }),
      fc.constant({ header: 'gzip', bytes: Uint8Array.from([...gzipSync(json), 1, 2, 3]) }),
      fc.constant({ header: 'deflate', bytes: json }),
      // Several gzip members one after the other (RFC 1952 allows it; no HTTP client sends it): not read.
      fc.constant({ header: 'gzip', bytes: Uint8Array.from([...gzipSync(json), ...gzipSync(json)]) }),
    );
    await fc.assert(
      fc.asyncProperty(broken, async ({ header, bytes }) => {
        const headers = { 'content-encoding': header };
        for (const response of [
          await watched.handler.handleWebhook(
            new Request('https://app.example/hooks', {
              method: 'POST',
              headers,
              body: new Uint8Array(bytes),
            }),
          ),
          await fetch(url, { method: 'POST', headers, body: new Uint8Array(bytes) }),
        ]) {
          expect(response.status).toBe(400);
          expect(await response.json()).toEqual({
            error: 'body-not-decodable',
            message: `the body could not be decoded as ${header}, as its Content-Encoding says (data cut short or not in that coding, or several gzip members, which are not read), so there are no signed bytes to verify`,
          });
        }
      }),
      { numRuns: 40 },
    );
    expect(watched.bodies).toEqual([]);
    expect(watched.heard).toEqual([]);
  });

  it('in a coding not read, or coded twice, is 415 naming the codings read, before its body is read', async () => {
    const watched = watchedHandler();
    const url = await nodeEndpoint(watched.handler);
    for (const header of ['br', 'compress', 'zstd', 'gzip, gzip', 'gzip, deflate', 'SECRET-coding']) {
      const headers = { 'content-encoding': header };
      for (const response of [
        await watched.handler.handleWebhook(
          new Request('https://app.example/hooks', { method: 'POST', headers, body: 'x' }),
        ),
        await fetch(url, { method: 'POST', headers, body: 'x' }),
      ]) {
        expect(response.status).toBe(415);
        expect(response.headers.get('accept-encoding')).toBe('gzip, deflate');
        const text = await response.text();
        expect(JSON.parse(text)).toEqual({
          error: 'unsupported-content-encoding',
          message: 'the body is coded in a way this handler does not read; send it as is, or gzip or deflate',
        });
        expect(text).not.toContain('SECRET');
      }
    }
    // A body stream is not read at all: one that would never end is answered at once.
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const response = await watched.handler.handleWebhook(
      new Request('https://app.example/hooks', {
        method: 'POST',
        headers: { 'content-encoding': 'br' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(415);
    expect(watched.bodies).toEqual([]);
    expect(watched.heard).toEqual([]);
  });

  it('left decoded in req.body by a body parser (express.raw() inflates) is taken as it is, the header notwithstanding', async () => {
    const watched = watchedHandler();
    const body = new TextEncoder().encode('{"event":"connected"}');
    const request = Object.assign(Readable.from([]), {
      method: 'POST',
      url: '/hooks',
      headers: { 'content-encoding': 'gzip' },
      body: Buffer.from(body),
    }) as unknown as NodeWebhookRequest;
    const result = { statusCode: 0, body: '' };
    await watched.handler.node(request, {
      set statusCode(value: number) {
        result.statusCode = value;
      },
      get statusCode() {
        return result.statusCode;
      },
      setHeader: () => undefined,
      end: (text?: string) => {
        result.body = text ?? '';
      },
    });
    expect(result).toEqual({ statusCode: 200, body: '{"received":1}' });
    expect(watched.bodies).toEqual([body]);
  });

  it('sent with another method than POST is 405 before its body is read or decoded, whatever its coding (generated)', async () => {
    const watched = watchedHandler(1024);
    const url = await nodeEndpoint(watched.handler);
    const bomb = gzipSync(new Uint8Array(1024 * 1024));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('PUT', 'PATCH', 'DELETE', 'put'),
        fc.constantFrom('gzip', 'br', 'deflate', 'x-unknown'),
        fc.constantFrom<Uint8Array>(bomb, new Uint8Array([1, 2, 3]), new Uint8Array(4096)),
        async (method, coding, body) => {
          const headers = { 'content-encoding': coding };
          for (const response of [
            await watched.handler.handleWebhook(
              new Request('https://app.example/hooks', { method, headers, body: new Uint8Array(body) }),
            ),
            await fetch(url, { method, headers, body: new Uint8Array(body) }),
          ]) {
            expect(response.status).toBe(405);
            expect(response.headers.get('allow')).toBe('POST');
            expect(await response.json()).toEqual({ error: 'method-not-allowed' });
          }
        },
      ),
      { numRuns: 20 },
    );
    // A body that never ends is not waited for.
    const endless = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const response = await watched.handler.handleWebhook(
      new Request('https://app.example/hooks', {
        method: 'PUT',
        body: endless,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(405);
    expect(watched.bodies).toEqual([]);
    expect(watched.heard).toEqual([]);
  });

  it('whose signature fails says the body was verified decoded, so the sender’s side is where to look', async () => {
    const handler = createWebhookHandler({
      parse: async () => {
        throw new WebhookVerificationError({
          provider: 'test',
          operation: 'parseWebhook',
          reason: 'bad-signature',
          message: 'the signature does not match the body',
        });
      },
    });
    const url = await nodeEndpoint(handler);
    const json = new TextEncoder().encode('{"event":"connected"}');
    for (const [header, body, note] of [
      [
        'gzip',
        gzipSync(json),
        ' (the body was verified as decoded from its Content-Encoding, gzip: the signature must cover the bytes before that coding)',
      ],
      [
        'deflate',
        deflateSync(json),
        ' (the body was verified as decoded from its Content-Encoding, deflate: the signature must cover the bytes before that coding)',
      ],
      ['identity', json, ''],
    ] as const) {
      const headers = { 'content-encoding': header };
      for (const response of [
        await handler.handleWebhook(
          new Request('https://app.example/hooks', { method: 'POST', headers, body: new Uint8Array(body) }),
        ),
        await fetch(url, { method: 'POST', headers, body: new Uint8Array(body) }),
      ]) {
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          error: 'bad-signature',
          message: `the signature does not match the body${note}`,
        });
      }
    }
  });
});
