import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient } from './http-client.js';
import { defaultMaxResponseBytes } from './transport-settings.js';

type Encoding = 'identity' | 'gzip' | 'br' | 'deflate' | 'x-gzip' | 'gzip, gzip' | 'zstd';

// zstd is decoded by fetch where zlib has it (Node 23.8 and later); elsewhere it cannot reach the body.
const zstdCompressSync = (zlib as { zstdCompressSync?: (body: Buffer) => Buffer }).zstdCompressSync;
if (!zstdCompressSync)
  console.info('response size: zstd is not in this Node.js zlib; its cases are left out');

const encode = (body: Buffer, encoding: Encoding): Buffer => {
  switch (encoding) {
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return gzipSync(body);
    case 'gzip, gzip':
      return gzipSync(gzipSync(body));
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    case 'zstd':
      return (zstdCompressSync as (body: Buffer) => Buffer)(body);
  }
};

// Every encoding fetch may inflate, each applied as the server says: the cap counts what comes out.
const encodings: Encoding[] = ['identity', 'gzip', 'br', 'deflate', 'x-gzip', 'gzip, gzip'];
if (zstdCompressSync) encodings.push('zstd');

// A JSON body of exactly `size` bytes (size >= 40).
const jsonOfSize = (size: number): Buffer => {
  const head = '{"stream":{"id":"abc"},"pad":"';
  const tail = '"}';
  return Buffer.from(`${head}${'x'.repeat(size - head.length - tail.length)}${tail}`);
};

const schema = v.looseObject({ stream: v.looseObject({ id: v.string() }) });

describe('response body size', () => {
  let served: { status: number; body: Buffer; encoding: Encoding; declareLength: boolean } = {
    status: 200,
    body: Buffer.alloc(0),
    encoding: 'identity',
    declareLength: true,
  };
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (served.encoding !== 'identity') headers['content-encoding'] = served.encoding;
    if (served.declareLength) headers['content-length'] = String(served.body.length);
    response.writeHead(served.status, headers);
    // Chunks, as a streaming server sends them.
    for (let offset = 0; offset < served.body.length; offset += 16_384)
      response.write(served.body.subarray(offset, offset + 16_384));
    response.end();
  });
  let origin = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (maxResponseBytes?: number) =>
    createHttpClient({
      provider: 'test-vendor',
      baseUrl: origin,
      headers: () => ({}),
      secrets: new SecretSet(),
      random: () => 0.5,
      ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
      // Retry waits would only slow the test: none is expected.
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });

  it('reads bodies up to the cap and refuses larger ones while they stream, whatever the encoding, without retrying', async () => {
    const cap = 64 * 1024;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Encoding>(...encodings),
        fc.oneof(fc.integer({ min: 64, max: cap }), fc.integer({ min: cap + 1, max: 8 * cap })),
        fc.boolean(),
        fc.constantFrom(200, 404, 429, 503),
        async (encoding, size, declareLength, status) => {
          served = { status, body: encode(jsonOfSize(size), encoding), encoding, declareLength };
          requests = 0;
          const heard: string[] = [];
          const hooks = {
            onResponse: (event: { status: number }) => heard.push(`response ${event.status}`),
            onError: (event: { error: UniliveError }) => heard.push(`error ${event.error.name}`),
          };
          const outcome = await client(cap)
            .request({
              operation: 'get',
              method: 'GET',
              path: 'live_streams/abc',
              schema,
              options: { runtime: { hooks } },
            })
            .then(
              (response) => ({ response }),
              (error: unknown) => ({ error }),
            );
          if (size > cap && status !== 200) {
            // An error status whose body runs past the cap is that status, as one whose body broke off:
            // its class and retries, the body unread.
            const error = (outcome as { error: UniliveError }).error;
            const name = { 404: 'NotFoundError', 429: 'RateLimitError', 503: 'ProviderUnavailableError' }[
              status
            ];
            expect(error.name).toBe(name);
            expect(error).toMatchObject({ status, delivery: status === 503 ? 'unknown' : 'refused' });
            expect(error.vendorCode).toBeUndefined();
            expect(error.message).toBe(
              `test-vendor get failed (HTTP ${status}): ${status === 404 ? 'Not Found' : status === 429 ? 'Too Many Requests' : 'Service Unavailable'} (the body exceeds maxResponseBytes, ${cap} bytes once decompressed, and was not read)`,
            );
            const attempts = status === 404 ? 1 : 3;
            expect(requests).toBe(attempts);
            expect(heard).toEqual([
              ...Array.from({ length: attempts }, () => `response ${status}`),
              `error ${name}`,
            ]);
          } else if (size > cap) {
            expect('error' in outcome && ResponseShapeError.isInstance(outcome.error)).toBe(true);
            const error = (outcome as { error: ResponseShapeError }).error;
            expect(error.status).toBe(status);
            expect(error.message).toContain('exceeds maxResponseBytes');
            expect(error.isRetryable).toBe(false);
            expect(error.delivery).toBe('unknown');
            // Never retried, even as an idempotent GET and after a 503.
            expect(requests).toBe(1);
            // The answer's status and headers arrived: heard as every answer is, before its error.
            expect(heard).toEqual([`response ${status}`, 'error ResponseShapeError']);
          } else if (status === 200) {
            expect('response' in outcome && outcome.response.body).toEqual(
              JSON.parse(jsonOfSize(size).toString()),
            );
          } else {
            expect('error' in outcome && UniliveError.isInstance(outcome.error)).toBe(true);
            expect((outcome as { error: UniliveError }).error.name).toBe(
              { 404: 'NotFoundError', 429: 'RateLimitError', 503: 'ProviderUnavailableError' }[status],
            );
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('cuts a brotli bomb (1 GiB of zeros in under 2 kB) at the default cap', async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const chunks: Buffer[] = [];
    const { createBrotliCompress } = await import('node:zlib');
    const compressor = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    compressor.on('data', (chunk: Buffer) => chunks.push(chunk));
    const finished = new Promise((resolve) => compressor.on('end', resolve));
    for (let index = 0; index < 1024; index += 1) compressor.write(zeros);
    compressor.end();
    await finished;
    const bomb = Buffer.concat(chunks);
    expect(bomb.length).toBeLessThan(4096);
    served = { status: 200, body: bomb, encoding: 'br', declareLength: true };
    requests = 0;
    const error = await client()
      .request({ operation: 'list', method: 'GET', path: 'live_streams', schema })
      .catch((caught: unknown) => caught);
    expect(ResponseShapeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`${defaultMaxResponseBytes} bytes`);
    expect(requests).toBe(1);
  });

  it('the default cap holds a Wowza Video page of 1,000 detailed streams', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../../../test-fixtures/wowza-video/get.json', import.meta.url), 'utf8'),
    ) as { response: { body: { live_stream: Record<string, unknown> } } };
    const detailed = fixture.response.body.live_stream;
    const page = Buffer.from(
      JSON.stringify({
        stream: { id: 'page' },
        live_streams: Array.from({ length: 1000 }, (_, index) => ({ ...detailed, id: `stream${index}` })),
      }),
    );
    // The figure the default was sized from, so a change to either shows here.
    expect(page.length).toBeGreaterThan(5_000_000);
    expect(page.length * 3).toBeLessThan(defaultMaxResponseBytes);
    served = { status: 200, body: gzipSync(page), encoding: 'gzip', declareLength: true };
    const response = await client().request({
      operation: 'list',
      method: 'GET',
      path: 'live_streams',
      schema,
    });
    expect((response.body as { live_streams: unknown[] }).live_streams).toHaveLength(1000);
  });

  it('holds the cap when a custom fetch declares a Content-Length shorter than the body it streams', async () => {
    const cap = 4096;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 64, max: cap }), fc.integer({ min: cap + 1, max: 4 * cap })),
        // What the answer claims: always within the cap, so only counting what arrives can refuse it.
        fc.integer({ min: 0, max: cap }),
        // How the body is cut into chunks.
        fc.array(fc.integer({ min: 1, max: 2048 }), { minLength: 1, maxLength: 8 }),
        async (size, declared, cuts) => {
          const body = jsonOfSize(size);
          const state = { pulled: 0, delivered: 0, cancelled: false };
          let sent = 0;
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            maxResponseBytes: cap,
            fetch: (async () => {
              sent += 1;
              let offset = 0;
              const stream = new ReadableStream<Uint8Array>({
                pull(controller) {
                  state.pulled += 1;
                  if (offset >= body.length) return controller.close();
                  const length = cuts[state.pulled % cuts.length] as number;
                  controller.enqueue(new Uint8Array(body.subarray(offset, offset + length)));
                  offset += length;
                  state.delivered = Math.min(offset, body.length);
                },
                cancel() {
                  state.cancelled = true;
                },
              });
              return new Response(stream, {
                headers: { 'content-type': 'application/json', 'content-length': String(declared) },
              });
            }) as typeof fetch,
          });
          const outcome = await http
            .request({ operation: 'get', method: 'GET', path: 'live_streams/abc', schema })
            .then(
              (response) => ({ response }),
              (error: unknown) => ({ error }),
            );
          if (size > cap) {
            expect('error' in outcome && ResponseShapeError.isInstance(outcome.error)).toBe(true);
            expect((outcome as { error: Error }).error.message).toContain('exceeds maxResponseBytes');
            // Cancelled, unless the stream had already delivered its last byte.
            if (state.delivered < body.length) expect(state.cancelled).toBe(true);
            // Read no further than the chunk that crossed the cap, and the one the stream may have queued.
            expect(state.pulled).toBeLessThanOrEqual(Math.ceil((cap + 1) / Math.min(...cuts)) + 2);
          } else {
            expect('response' in outcome && outcome.response.body).toEqual(JSON.parse(body.toString()));
          }
          expect(sent).toBe(1);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("ends an attempt at its time limit while a custom fetch's body never delivers nor heeds the abort", async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers();
    try {
      let cancelled = false;
      const http = createHttpClient({
        provider: 'test-vendor',
        baseUrl: 'https://api.vendor.test',
        headers: () => ({}),
        secrets: new SecretSet(),
        timeoutMs: 1_000,
        retry: { maxRetries: 0 },
        fetch: (async () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"stream":'));
              },
              // Never more, and deaf to the signal.
              pull: () => new Promise(() => {}),
              cancel() {
                cancelled = true;
              },
            }),
          )) as typeof fetch,
      });
      const outcome = http
        .request({ operation: 'get', method: 'GET', path: 'live_streams/abc', schema })
        .catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(1_000);
      const error = await outcome;
      expect(UniliveError.isInstance(error) && error.name).toBe('TimeoutError');
      expect((error as UniliveError).delivery).toBe('unknown');
      expect(cancelled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
