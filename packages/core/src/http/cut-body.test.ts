import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { classifyStatus, createHttpClient, type HttpMethod } from './http-client.js';

// A raw server, so the answer can promise more body than it sends and then close the connection: what a
// proxy or vendor dropping mid-answer does, which no well-behaved HTTP server will.
let server: Server;
let baseUrl: string;
let answer: (socket: Socket) => void = (socket) => socket.destroy();
let attempts = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      head = '';
      attempts += 1;
      answer(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(() => {
  server.close();
});

/** Answers `status` with a JSON body that declares 400 bytes and stops after a few, then closes. */
function cutOff(status: number): (socket: Socket) => void {
  return (socket) =>
    socket.end(
      `HTTP/1.1 ${status} Whatever\r\ncontent-type: application/json\r\ncontent-length: 400\r\nretry-after: 0\r\n\r\n{"code":"E1","message":"the vendor's wor`,
    );
}

async function outcome(method: HttpMethod) {
  const http = createHttpClient({
    provider: 'test-vendor',
    baseUrl,
    headers: () => ({}),
    secrets: new SecretSet(),
    retry: { maxRetries: 0 },
    readError: (body) => (body as { message?: string }) ?? {},
  });
  return http
    .request({ operation: 'op', method, path: 'a', ...(method === 'GET' ? {} : { body: { a: 1 } }) })
    .then(
      () => 'success' as const,
      (error: unknown) => error,
    );
}

describe('an answer whose body breaks off', () => {
  it('is classified by its status when the status is an error: class, status and delivery as if whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(400, 401, 403, 404, 409, 410, 422, 423, 429, 500, 502, 503),
        fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'PATCH'),
        async (status, method) => {
          answer = cutOff(status);
          attempts = 0;
          const error = await outcome(method);
          expect(error).toBeInstanceOf(classifyStatus(status));
          expect(error).toMatchObject({
            status,
            operation: 'op',
            delivery: status < 500 ? 'refused' : 'unknown',
          });
          // The vendor was reached, and what it wrote is not read from half an answer.
          expect((error as UniliveError).message).not.toMatch(/could not reach/);
          expect((error as UniliveError).vendorMessage).toBe('Whatever');
          expect(attempts).toBe(1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('is a vendor failure of unknown outcome when the status was a success', async () => {
    answer = cutOff(200);
    const error = await outcome('POST');
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ delivery: 'unknown' });
  });
});
