import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../test/raw-server.js';
import { ProviderUnavailableError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

// A raw server answering what Node's fetch cannot take as HTTP, or a body its Content-Encoding does not
// decode: the vendor (or what stands in its way) was reached and answered, so the error must not say it
// could not be reached, and it names what fetch met.
let server: RawServer;
let answer: (socket: Socket) => void = (socket) => socket.destroy();
let attempts = 0;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    attempts += 1;
    answer(socket);
  });
});

afterAll(() => {
  server.close();
});

const body = '{"id":"stream-1"}';

type Fault = 'status-line' | 'two-lengths' | 'huge-header' | 'continue-unasked' | 'gzip-plain' | 'br-plain';

const faults: Record<Fault, { write: (socket: Socket) => void; says: RegExp }> = {
  'status-line': {
    write: (socket) => socket.end('HTTP/1.1 2x0 OK\r\n\r\n{}'),
    says: /127\.0\.0\.1:\d+ answered something that is not valid HTTP \((HPE_[A-Z_]+|HTTPParserError)\)$/,
  },
  'two-lengths': {
    write: (socket) =>
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\ncontent-length: ${body.length + 5}\r\n\r\n${body}`,
      ),
    says: /127\.0\.0\.1:\d+ answered something that is not valid HTTP \((UND_ERR_RES_CONTENT_LENGTH_MISMATCH|HPE_[A-Z_]+)\)$/,
  },
  'huge-header': {
    write: (socket) =>
      socket.end(
        `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(200_000)}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      ),
    says: /127\.0\.0\.1:\d+ answered something that is not valid HTTP \((UND_ERR_HEADERS_OVERFLOW|HPE_[A-Z_]+)\)$/,
  },
  'continue-unasked': {
    write: (socket) =>
      socket.end(
        `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      ),
    says: /127\.0\.0\.1:\d+ answered something that is not valid HTTP \((UND_ERR_SOCKET, bad response|HPE_[A-Z_]+)\)$/,
  },
  'gzip-plain': {
    write: (socket) =>
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      ),
    says: /the answer was lost while reading it: its body does not decode as its content-encoding \(gzip\) says \(HTTP 200, \d+ bytes? of the body read, Z_[A-Z_]+\)$/,
  },
  'br-plain': {
    write: (socket) =>
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: br\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      ),
    says: /the answer was lost while reading it: its body does not decode as its content-encoding \(br\) says \(HTTP 200, \d+ bytes? of the body read, ERR__ERROR_[A-Z0-9_]+\)$/,
  },
};

describe('an answer fetch cannot take as HTTP, or whose body does not decode', () => {
  it('is named for what it is, never "could not reach": delivery unknown, a create sent once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(faults) as Fault[])),
        fc.constantFrom<HttpMethod>('GET', 'POST'),
        async (fault, method) => {
          answer = faults[fault].write;
          attempts = 0;
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: server.baseUrl,
            headers: () => ({}),
            secrets: new SecretSet(),
            retry: { maxRetries: 1 },
          });
          const error = await http
            .request({
              operation: 'op',
              method,
              path: 's',
              ...(method === 'POST' ? { body: { name: 'x' } } : {}),
              options: { runtime: { sleep: async () => {} } },
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(error).toBeInstanceOf(ProviderUnavailableError);
          const failure = error as UniliveError;
          expect(failure.message).toMatch(new RegExp(`^test-vendor op: ${faults[fault].says.source}`));
          expect(failure.message).not.toMatch(/could not reach/);
          expect(failure.delivery).toBe('unknown');
          // May have been carried out: asked again only when idempotent.
          expect(attempts).toBe(method === 'POST' ? 1 : 2);
        },
      ),
      { numRuns: 24 },
    );
  });
});
