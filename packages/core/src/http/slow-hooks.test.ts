import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

afterEach(() => {
  vi.useRealTimers();
});

const schema = v.looseObject({ id: v.string() });

describe('a slow synchronous onRequest hook', () => {
  it("is not charged to the vendor's time limit: the answer that comes within it is the call's outcome", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'DELETE'),
        fc.integer({ min: 100, max: 2_000 }),
        // How long the hook holds the thread, as a share of the limit: from all of it to three times it.
        fc.double({ min: 1, max: 3, noNaN: true }),
        // When the vendor answers, after fetch was called: always within the limit.
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        async (method, timeoutMs, blockShare, answerShare) => {
          vi.useFakeTimers({ now: 0 });
          const blockMs = Math.ceil(timeoutMs * blockShare);
          const answerMs = Math.floor(timeoutMs * answerShare);
          let requests = 0;
          const events: string[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test/',
            headers: () => ({ authorization: 'Bearer vendor-token-0123456789' }),
            secrets: new SecretSet(),
            timeoutMs,
            fetch: (_input, init) =>
              new Promise<Response>((resolve, reject) => {
                requests += 1;
                const signal = init?.signal;
                signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
                setTimeout(
                  () =>
                    resolve(
                      new Response(JSON.stringify({ id: 'stream-1' }), {
                        status: method === 'POST' ? 201 : 200,
                        headers: { 'content-type': 'application/json' },
                      }),
                    ),
                  answerMs,
                );
              }),
          });
          const call = http
            .request({
              operation: method === 'POST' ? 'create' : 'get',
              method,
              path: 's',
              schema,
              ...(method === 'GET' || method === 'DELETE' ? {} : { body: { name: 'x' } }),
              options: {
                runtime: {
                  hooks: {
                    // A synchronous logger blocked on a slow disk: the clock moves on while it runs.
                    onRequest: () => {
                      events.push('request');
                      vi.advanceTimersByTime(blockMs);
                    },
                    onResponse: (event) => events.push(`response ${event.status}`),
                    onRetry: (event) => events.push(`retry ${event.reason}`),
                    onError: (event) => events.push(`error ${event.error.name}`),
                  },
                },
              },
            })
            .then(
              (response) => ({ status: response.status, data: response.data }),
              (error: unknown) => error,
            );
          let settled = false;
          void call.then(() => {
            settled = true;
          });
          for (let step = 0; step < 1_000 && !settled; step += 1) await vi.advanceTimersByTimeAsync(50);
          expect(await call).toEqual({ status: method === 'POST' ? 201 : 200, data: { id: 'stream-1' } });
          expect(requests).toBe(1);
          expect(events).toEqual(['request', `response ${method === 'POST' ? 201 : 200}`]);
          vi.useRealTimers();
        },
      ),
      {
        numRuns: 40,
        examples: [
          ['POST', 1_000, 1.5, 0],
          ['GET', 1_000, 1.5, 0],
        ],
      },
    );
  });
});
