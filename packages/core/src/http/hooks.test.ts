import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniliveError } from '../errors/unilive-error.js';
import { systemClock, systemSleep } from '../runtime.js';
import { SecretSet } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient } from './http-client.js';
import { createRequestGate } from './request-gate.js';

type Failure = 'none' | 'throw' | 'throw-string' | 'reject' | 'reject-later' | 'thenable-throws';

const hookNames = ['onRequest', 'onResponse', 'onRetry', 'onError'] as const;

function failing(kind: Failure): (event: unknown) => void {
  switch (kind) {
    case 'none':
      return () => {};
    case 'throw':
      return () => {
        throw new Error('broken logger');
      };
    case 'throw-string':
      return () => {
        throw 'broken logger';
      };
    case 'reject':
      return (async () => {
        throw new Error('broken async logger');
      }) as (event: unknown) => void;
    case 'reject-later':
      return (() => new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 1))) as (
        event: unknown,
      ) => void;
    case 'thenable-throws':
      return (() => ({
        // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what this case is.
        then() {
          throw new Error('then throws');
        },
      })) as (event: unknown) => void;
  }
}

describe('hooks', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('a hook that throws or rejects, sync or async, never changes the outcome nor leaves a rejection unhandled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          onRequest: fc.constantFrom<Failure>(
            'none',
            'throw',
            'throw-string',
            'reject',
            'reject-later',
            'thenable-throws',
          ),
          onResponse: fc.constantFrom<Failure>(
            'none',
            'throw',
            'throw-string',
            'reject',
            'reject-later',
            'thenable-throws',
          ),
          onRetry: fc.constantFrom<Failure>(
            'none',
            'throw',
            'throw-string',
            'reject',
            'reject-later',
            'thenable-throws',
          ),
          onError: fc.constantFrom<Failure>(
            'none',
            'throw',
            'throw-string',
            'reject',
            'reject-later',
            'thenable-throws',
          ),
        }),
        fc.constantFrom('recovers', 'fails'),
        async (kinds, scenario) => {
          const answers = scenario === 'recovers' ? [503, 200] : [503, 503, 503];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            fetch: (async () =>
              new Response(JSON.stringify({ id: 'a' }), {
                status: answers.shift() ?? 500,
                headers: { 'content-type': 'application/json' },
              })) as typeof fetch,
          });
          const hooks: HttpHooks = {};
          for (const name of hookNames) hooks[name] = failing(kinds[name]);
          const outcome = await http
            .request({
              operation: 'get',
              method: 'GET',
              path: 'a',
              schema: v.looseObject({ id: v.string() }),
              options: { runtime: { hooks, sleep: async () => {} } },
            })
            .then(
              (response) => `ok ${JSON.stringify(response.data)}`,
              (error: Error) => `${error.name} ${error.message}`,
            );
          expect(outcome).toBe(
            scenario === 'recovers'
              ? 'ok {"id":"a"}'
              : 'ProviderUnavailableError test-vendor get failed (HTTP 503)',
          );
          // Late rejections and unhandled-rejection detection need a few turns of the event loop.
          await new Promise((resolve) => setTimeout(resolve, 5));
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  // The caller's signal aborted by `onRequest` (a logger that cancels a call it deems too slow, a test
  // harness): the attempt it announced must not be sent, as an abort anywhere else before sending.
  it('a signal aborted from inside onRequest sends nothing more and ends the call with AbortError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (method, abortOn, gated) => {
          const sent: string[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
              sent.push(new Request(input, init).method);
              // Refused unprocessed, so retried whatever the method, until the third attempt.
              return new Response(JSON.stringify({ id: 'a' }), {
                status: sent.length < 3 ? 429 : 200,
                headers: { 'content-type': 'application/json', 'retry-after': '0' },
              });
            }) as typeof fetch,
          });
          const gate = gated ? createRequestGate({ maxConcurrency: 1 }, systemClock, systemSleep) : undefined;
          const controller = new AbortController();
          let requests = 0;
          const errors: UniliveError[] = [];
          const hooks: HttpHooks = {
            onRequest: () => {
              requests += 1;
              if (requests === abortOn) controller.abort(new Error('enough'));
            },
            onError: (event) => errors.push(event.error),
          };
          const call = (signal?: AbortSignal) =>
            http.request({
              operation: 'get',
              method,
              path: 'a',
              schema: v.looseObject({ id: v.string() }),
              options: {
                ...(signal ? { signal } : {}),
                runtime: { hooks, sleep: async () => {}, ...(gate ? { gate } : {}) },
              },
            });
          const error = await call(controller.signal).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(UniliveError.isInstance(error) && error.name).toBe('AbortError');
          expect((error as UniliveError).delivery).toBe(abortOn === 1 ? 'not-sent' : 'refused');
          expect(sent).toHaveLength(abortOn - 1);
          expect(errors.map((caught) => caught.name)).toEqual(['AbortError']);
          // The attempt held no slot of the gate: the next call goes through.
          sent.length = 2;
          await expect(call().then((response) => response.data)).resolves.toEqual({ id: 'a' });
        },
      ),
      { numRuns: 60 },
    );
  });
});
