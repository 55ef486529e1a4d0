import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { droppedAnswer, lossyFetch } from './lossy-fetch.js';

// A server that answers every request 201 with the request's method and path, so what a lost answer keeps
// can be told from what it replaced, and a request forwarded from one never sent.
let server: Server;
let origin: string;
let received: string[] = [];
// `/held/…` is never answered: `onHeld` is called as each such request arrives, with a promise settled once
// the client closed its connection.
let onHeld: (held: { gone: Promise<void> }) => void = () => {};
beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    if (request.url?.startsWith('/held/')) {
      onHeld({ gone: once(response, 'close').then(() => undefined) });
      return;
    }
    response.writeHead(201, 'Made', { 'content-type': 'application/json' });
    response.end(JSON.stringify({ answered: `${request.method} ${request.url}` }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});
afterAll(() => {
  server.close();
});

// The bytes a body gives before its read fails, and how it failed (undefined when it did not).
async function readToLoss(response: Response): Promise<{ text: string; failure: unknown }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: Buffer.concat(chunks).toString(), failure: undefined };
      chunks.push(value);
    }
  } catch (failure) {
    return { text: Buffer.concat(chunks).toString(), failure };
  }
}

describe('lossyFetch and droppedAnswer', () => {
  it('forward every request, lose the planned answers as planned and pass the others whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.constantFrom(422, 503), { nil: undefined }),
        fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        async (keep, status, body) => {
          received = [];
          const plans: [string, string, number][] = [];
          const { fetch, sent } = lossyFetch(
            (method, path, attempt) => {
              plans.push([method, path, attempt]);
              if (method !== 'PUT') return undefined;
              return {
                keep,
                ...(status === undefined ? {} : { status }),
                ...(body === undefined ? {} : { body }),
              };
            },
            { path: (pathname) => pathname.replace(/^\/api/, '') },
          );
          const whole = await fetch(`${origin}/api/streams/1`);
          expect(whole.status).toBe(201);
          expect(await whole.json()).toEqual({ answered: 'GET /api/streams/1' });
          const first = await fetch(`${origin}/api/streams/1/start`, { method: 'PUT' });
          const second = await fetch(new Request(`${origin}/api/streams/1/start`, { method: 'PUT' }));
          expect(received).toEqual([
            'GET /api/streams/1',
            'PUT /api/streams/1/start',
            'PUT /api/streams/1/start',
          ]);
          expect(sent).toEqual(['GET /streams/1', 'PUT /streams/1/start', 'PUT /streams/1/start']);
          expect(plans).toEqual([
            ['GET', '/streams/1', 1],
            ['PUT', '/streams/1/start', 1],
            ['PUT', '/streams/1/start', 2],
          ]);
          const bytes = Buffer.from(body ?? JSON.stringify({ answered: 'PUT /api/streams/1/start' }));
          const kept = bytes.subarray(0, Math.floor(keep * bytes.length)).toString();
          for (const lost of [first, second]) {
            expect(lost.status).toBe(status ?? 201);
            expect(lost.statusText).toBe(
              status === 422 ? 'Unprocessable Entity' : status === 503 ? 'Service Unavailable' : 'Made',
            );
            expect(lost.headers.get('content-length')).toBe(String(bytes.length));
            const { text, failure } = await readToLoss(lost);
            expect(text).toBe(kept);
            expect(failure).toBeInstanceOf(TypeError);
            expect((failure as Error).message).toBe('terminated');
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('ends a request the server holds when the signal given in `init` fires, as fetch does', async () => {
    // Core's HTTP layer calls fetch so: ky's Request, the attempt's signal in `init`.
    for (const input of ['request', 'url'] as const) {
      const controller = new AbortController();
      const arrived = new Promise<{ gone: Promise<void> }>((resolve) => {
        onHeld = resolve;
      });
      const { fetch } = lossyFetch(() => undefined);
      const url = `${origin}/held/${input}`;
      const answer = fetch(input === 'request' ? new Request(url) : url, { signal: controller.signal }).then(
        () => 'answered',
        (reason: unknown) => (reason as Error).name,
      );
      const { gone } = await arrived;
      controller.abort();
      expect(await answer).toBe('AbortError');
      // The connection is closed, so the server stops holding it.
      await gone;
    }
  });

  it('droppedAnswer: the status and its standard text, the length declared, the bytes kept, then terminated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), fc.nat(), async (bytes, at) => {
        const kept = at % (bytes.length + 1);
        const answer = droppedAnswer(422, bytes, kept);
        expect([answer.status, answer.statusText]).toEqual([422, 'Unprocessable Entity']);
        expect(answer.headers.get('content-type')).toBe('application/json');
        expect(answer.headers.get('content-length')).toBe(String(bytes.length));
        const chunks: number[] = [];
        const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
        const failure = await (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return undefined;
            chunks.push(...value);
          }
        })().catch((caught: unknown) => caught);
        expect(chunks).toEqual([...bytes.subarray(0, kept)]);
        expect(failure).toBeInstanceOf(TypeError);
      }),
    );
  });
});
