import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../test/raw-server.js';
import { ConflictError, ProviderUnavailableError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { classifyStatus, createHttpClient, type HttpMethod, type VendorFailure } from './http-client.js';

// A raw server, so the answer can promise more body than it sends and then close the connection: what a
// proxy or vendor dropping mid-answer does, which no well-behaved HTTP server will.
let server: RawServer;
let baseUrl: string;
let answer: (socket: Socket) => void = (socket) => socket.destroy();
let attempts = 0;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    attempts += 1;
    answer(socket);
  });
  baseUrl = server.baseUrl;
});

afterAll(() => {
  server.close();
});

const cutOffBody = '{"code":"E1","message":"the vendor\'s wor';

/** Answers `status` with a JSON body that declares 400 bytes and stops after a few, then closes. */
function cutOff(status: number): (socket: Socket) => void {
  return (socket) =>
    socket.end(
      `HTTP/1.1 ${status} Whatever\r\ncontent-type: application/json\r\ncontent-length: 400\r\nretry-after: 0\r\n\r\n${cutOffBody}`,
    );
}

async function outcome(method: HttpMethod, maxRetries = 0) {
  const http = createHttpClient({
    provider: 'test-vendor',
    baseUrl,
    headers: () => ({}),
    secrets: new SecretSet(),
    retry: { maxRetries },
    readError: (body) => (body as { message?: string }) ?? {},
  });
  return http
    .request({
      operation: 'op',
      method,
      path: 'a',
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: { a: 1 } }),
      options: { runtime: { sleep: async () => {} } },
    })
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
          // It says the body broke off, so no one reads the missing vendor message as the vendor saying nothing.
          const message = (error as UniliveError).message;
          expect(message).toMatch(
            new RegExp(
              `^test-vendor op failed \\(HTTP ${status}\\): Whatever \\(the connection was lost after \\d+ bytes? of the body\\)$`,
            ),
          );
          const read = Number(/lost after (\d+) bytes?/.exec(message)?.[1]);
          expect(read).toBeLessThanOrEqual(cutOffBody.length);
          expect(attempts).toBe(1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('names the lost answer when the status was a success: its status and the bytes read, delivery unknown, asked again only when idempotent', async () => {
    const body = JSON.stringify({ id: 'stream-1', name: 'a name long enough to be cut anywhere' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 202, 203, 206),
        fc.constantFrom<HttpMethod>('GET', 'DELETE', 'PUT', 'POST', 'PATCH'),
        fc.boolean(),
        fc.integer({ min: 0, max: body.length - 1 }),
        async (status, method, chunked, kept) => {
          const sent = body.slice(0, kept);
          answer = (socket) => {
            const framing = chunked
              ? `transfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${sent}`
              : `content-length: ${body.length}\r\n\r\n${sent}`;
            socket.end(
              `HTTP/1.1 ${status} OK\r\ncontent-type: application/json\r\nx-request-id: req-7\r\n${framing}`,
            );
          };
          attempts = 0;
          const error = await outcome(method, 2);
          expect(error).toBeInstanceOf(ProviderUnavailableError);
          const message = (error as UniliveError).message;
          expect(message).toMatch(
            new RegExp(
              `^test-vendor op: the connection to 127\\.0\\.0\\.1:\\d+ was lost while reading the answer \\(HTTP ${status}, \\d+ bytes? of the body read`,
            ),
          );
          expect(message).not.toMatch(/could not reach/);
          const read = Number(/(\d+) bytes? of the body read/.exec(message)?.[1]);
          expect(read).toBeLessThanOrEqual(kept);
          expect(error).toMatchObject({ status, operation: 'op', delivery: 'unknown', requestId: 'req-7' });
          // Delivered, and perhaps carried out: a create is never sent twice, an idempotent request is.
          expect(attempts).toBe(method === 'POST' || method === 'PATCH' ? 1 : 3);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("tells the adapter's classifier the body was lost, so a class the vendor's code decides is not guessed from its absence", async () => {
    const whole = JSON.stringify({ code: 'E-STATE', message: 'the state refuses it' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(400, 409, 422, 423, 503),
        fc.constantFrom<HttpMethod>('GET', 'PUT', 'POST'),
        fc.boolean(),
        fc.integer({ min: 0, max: whole.length - 1 }),
        async (status, method, cut, kept) => {
          answer = (socket) =>
            socket.end(
              `HTTP/1.1 ${status} Whatever\r\ncontent-type: application/json\r\ncontent-length: ${whole.length}\r\n\r\n${cut ? whole.slice(0, kept) : whole}`,
            );
          const seen: VendorFailure[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl,
            headers: () => ({}),
            secrets: new SecretSet(),
            retry: { maxRetries: 0 },
            readError: (body) => (body as { code?: string; message?: string }) ?? {},
            classifyError: (failure) => {
              seen.push(failure);
              // A state code makes a conflict; a body lost says nothing, and the classifier picks.
              if (failure.bodyLost === true) return ProviderUnavailableError;
              return failure.code === 'E-STATE' ? ConflictError : undefined;
            },
          });
          const error = await http
            .request({
              operation: 'op',
              method,
              path: 'a',
              ...(method === 'GET' ? {} : { body: { a: 1 } }),
              options: { runtime: { sleep: async () => {} } },
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(seen).toEqual([
            cut
              ? { status, operation: 'op', code: undefined, message: 'Whatever', bodyLost: true }
              : { status, operation: 'op', code: 'E-STATE', message: 'the state refuses it' },
          ]);
          expect(error).toBeInstanceOf(cut ? ProviderUnavailableError : ConflictError);
          // The status and its delivery stay the answer's: the class is the classifier's only.
          expect(error).toMatchObject({ status, delivery: status < 500 ? 'refused' : 'unknown' });
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
