import { ConflictError, createLiveStreamRegistry, RateLimitError, UniliveError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixtures.js';
import { wowzaVideo } from './wowza-video-provider.js';

const recorded = fixture('get').response.body as { live_stream: Record<string, unknown> };
const sourceId = recorded.live_stream.id as string;
const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

// Wowza Video's 409 on create is its creation limit, a RateLimitError: an answer is the same class when a
// registry's migration makes the create for the caller, and only `operation` says which call that was.
describe('Wowza Video errors made while serving another call', () => {
  it('a migration whose create meets the creation limit is a RateLimitError naming migrate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          { status: 409, code: 'ERR-409-LimitReached', expected: RateLimitError },
          { status: 422, code: 'ERR-422-InvalidStateChange', expected: ConflictError },
        ),
        fc.constantFrom('direct', 'migrate'),
        async ({ status, code, expected }, via) => {
          const operations: string[] = [];
          const source = wowzaVideo({
            token: 'source-token-for-this-test',
            fetch: async () => json(recorded, 200),
            retry: { maxRetries: 0 },
          });
          const target = wowzaVideo({
            token: 'target-token-for-this-test',
            fetch: async () => json({ meta: { status, code, title: 'refused', message: 'refused' } }, status),
            retry: { maxRetries: 0 },
          });
          const registry = createLiveStreamRegistry({
            providers: { a: source, b: target },
            hooks: { onError: (event) => operations.push(event.operation) },
          });
          const failure = await (via === 'migrate'
            ? registry.migrate(`a:${sourceId}`, { to: 'b' })
            : registry.create({ name: 'moved' }, { provider: 'b' })
          ).then(
            () => undefined,
            (error: unknown) => error,
          );
          const operation = via === 'migrate' ? 'migrate' : 'create';
          expect(UniliveError.isInstance(failure)).toBe(true);
          expect(failure).toBeInstanceOf(expected);
          expect({
            operation: (failure as UniliveError).operation,
            status: (failure as UniliveError).status,
          }).toEqual({
            operation,
            status,
          });
          expect(operations).toEqual([operation]);
        },
      ),
      { numRuns: 8 },
    );
  });
});
