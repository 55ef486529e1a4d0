import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretSet } from '../secrets.js';
import type { HttpHooks } from './hooks.js';
import { createHttpClient } from './http-client.js';

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
});
