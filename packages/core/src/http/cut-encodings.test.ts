import type { Socket } from 'node:net';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawServer, startRawServer } from '../../test/raw-server.js';
import { ProviderUnavailableError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

// A raw server: a success whose body ends early the ways no well-behaved server ends one. A chunked body
// whose last chunk never comes, and a compressed body whose stream stops before its end, with a
// Content-Length that is honest (the compressed bytes sent) or promises more and is never reached.
let server: RawServer;
let answers: ((socket: Socket) => void)[] = [];
let attempts = 0;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    attempts += 1;
    const answer = answers.shift() ?? ((s: Socket) => s.destroy());
    answer(socket);
  });
});

afterAll(() => {
  server.close();
});

type Framing =
  | 'chunked-without-last-chunk'
  | 'chunked-cut-in-a-chunk'
  | 'gzip-honest-length'
  | 'gzip-length-not-reached'
  | 'br-honest-length'
  | 'br-length-not-reached'
  | 'deflate-honest-length';

const framings: Framing[] = [
  'chunked-without-last-chunk',
  'chunked-cut-in-a-chunk',
  'gzip-honest-length',
  'gzip-length-not-reached',
  'br-honest-length',
  'br-length-not-reached',
  'deflate-honest-length',
];

const whole = JSON.stringify({ id: 'stream-1', name: 'a name long enough to be cut in many places' });
const head = (status: number) =>
  `HTTP/1.1 ${status} OK\r\ncontent-type: application/json\r\nx-request-id: req-9\r\n`;

// The compressed form of `text` that stops right after it: flushed, so every byte of `text` inflates, and
// never finished (no last block, no trailer).
function unfinished(text: string, coding: 'gzip' | 'br' | 'deflate'): Buffer {
  if (coding === 'br')
    return brotliCompressSync(text, {
      flush: constants.BROTLI_OPERATION_FLUSH,
      finishFlush: constants.BROTLI_OPERATION_FLUSH,
    });
  const options = { finishFlush: constants.Z_SYNC_FLUSH };
  return coding === 'gzip' ? gzipSync(text, options) : deflateSync(text, options);
}

// A 2xx holding the first `kept` characters of `whole` (all of them for a chunked body without its last
// chunk), framed as `framing` says, the connection then closed.
function cutAnswer(status: number, framing: Framing, kept: number): (socket: Socket) => void {
  const sent = whole.slice(0, kept);
  return (socket) => {
    if (framing === 'chunked-without-last-chunk') {
      socket.end(
        `${head(status)}transfer-encoding: chunked\r\n\r\n${whole.length.toString(16)}\r\n${whole}\r\n`,
      );
      return;
    }
    if (framing === 'chunked-cut-in-a-chunk') {
      socket.end(`${head(status)}transfer-encoding: chunked\r\n\r\n${whole.length.toString(16)}\r\n${sent}`);
      return;
    }
    const coding = framing.startsWith('gzip') ? 'gzip' : framing.startsWith('br') ? 'br' : 'deflate';
    const bytes = unfinished(sent, coding);
    const declared = framing.endsWith('honest-length') ? bytes.length : bytes.length + 64;
    socket.write(
      `${head(status)}content-encoding: ${coding}\r\ncontent-length: ${declared}\r\n\r\n`,
      'latin1',
    );
    socket.end(bytes);
  };
}

function wholeAnswer(status: number): (socket: Socket) => void {
  return (socket) => socket.end(`${head(status)}content-length: ${whole.length}\r\n\r\n${whole}`);
}

const schema = v.looseObject({ id: v.string(), name: v.string() });

describe('a success whose chunked or compressed body ends early', () => {
  it('is the broken-off body it is: ProviderUnavailableError keeping the status, delivery unknown, an idempotent request asked again and a create never', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...framings),
        fc.constantFrom<HttpMethod>('GET', 'PUT', 'DELETE', 'POST', 'PATCH'),
        fc.constantFrom(200, 201),
        fc.integer({ min: 0, max: whole.length - 1 }),
        fc.boolean(),
        async (framing, method, status, kept, hooked) => {
          answers = [cutAnswer(status, framing, kept), wholeAnswer(status)];
          attempts = 0;
          const heard: string[] = [];
          const hooks: HttpHooks = {
            onResponse: (event) => heard.push(`response ${event.status}`),
            onRetry: (event) => heard.push(`retry ${event.reason}`),
            onError: (event) => heard.push(`error ${event.error.name}`),
          };
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: server.baseUrl,
            headers: () => ({}),
            secrets: new SecretSet(),
            retry: { maxRetries: 2 },
          });
          const outcome = await http
            .request({
              operation: 'op',
              method,
              path: 's',
              schema,
              ...(method === 'GET' || method === 'DELETE' ? {} : { body: { name: 'x' } }),
              options: { runtime: { sleep: async () => {}, ...(hooked ? { hooks } : {}) } },
            })
            .then(
              (response) => ({ status: response.status, data: response.data }),
              (error: unknown) => error,
            );
          const creates = method === 'POST' || method === 'PATCH';
          if (!creates) {
            // Asked again, and the whole answer that comes then is the call's.
            expect(outcome).toEqual({ status, data: JSON.parse(whole) });
            expect(attempts).toBe(2);
            if (hooked) expect(heard).toEqual([`response ${status}`, 'retry network', `response ${status}`]);
            return;
          }
          expect(attempts).toBe(1);
          expect(outcome).toBeInstanceOf(ProviderUnavailableError);
          const error = outcome as UniliveError;
          expect(error).toMatchObject({ status, operation: 'op', delivery: 'unknown', requestId: 'req-9' });
          expect(error.message).toMatch(
            new RegExp(
              `^test-vendor op: (the connection to 127\\.0\\.0\\.1:\\d+ was lost while reading the answer|the answer was lost while reading it: its (gzip|br|deflate) body ended early) \\(HTTP ${status}, \\d+ bytes? of the body read`,
            ),
          );
          expect(error.message).not.toMatch(/could not reach|not JSON|empty body/);
          if (hooked) expect(heard).toEqual([`response ${status}`, 'error ProviderUnavailableError']);
        },
      ),
      {
        numRuns: 120,
        examples: framings.flatMap((framing) => [
          [framing, 'GET', 200, 1, false],
          [framing, 'POST', 201, 0, true],
          [framing, 'POST', 201, whole.length - 1, false],
        ]),
      },
    );
  });
});
