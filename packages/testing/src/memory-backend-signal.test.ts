import { AbortError, TimeoutError, type UniliveError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withFetch } from '../test/backend-with-fetch.js';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';

// Longer than any test may run: only the attempt's end (its time limit, the caller's abort) can let a held
// request go, so a signal the backend does not follow fails by the test's own limit, with no time measured.
const heldMs = 600_000;

describe('memory backend: the attempt signal core hands in `init`', () => {
  it('ends a held request as its call times out or is aborted, and the call ends with the neutral error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('timeout', 'abort'),
        fc.constantFrom('create', 'get'),
        async (end, call) => {
          const backend = createMemoryBackend({ token: 'memory-token-0123456789' });
          // What the backend's fetch answered each request, settled or not: the held one must settle once the
          // attempt ends, as a fetch whose signal fired does.
          const answers: Promise<Response>[] = [];
          const provider = createMemoryProvider({
            backend: withFetch(backend, ((input: Request, init?: RequestInit) => {
              const answer = backend.fetch(input, init);
              answers.push(answer);
              return answer;
            }) as typeof fetch),
          });
          const id = call === 'get' ? (await provider.create({ name: 'held' }, {})).id : '';
          const controller = new AbortController();
          backend.injectFault(call, {
            type: 'slow',
            delayMs: heldMs,
            // Every attempt held: a get timed out is tried again.
            times: 3,
            // The abort lands on the request being held, never on a timer.
            ...(end === 'abort' ? { onHold: () => controller.abort() } : {}),
          });
          const options = end === 'abort' ? { signal: controller.signal } : { timeoutMs: 100 };
          const error = await (call === 'create'
            ? provider.create({ name: 'held create' }, options)
            : provider.get(id, options)
          ).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          const expected = end === 'abort' ? AbortError : TimeoutError;
          expect(expected.isInstance(error)).toBe(true);
          expect((error as UniliveError).operation).toBe(call);
          expect((error as UniliveError).delivery).toBe('unknown');
          // Each held request was let go: its answer is its attempt's own end, as with a socket.
          const outcomes = await Promise.all(
            answers.slice(call === 'get' ? 1 : 0).map((answer) =>
              answer.then(
                () => 'answered',
                () => 'ended',
              ),
            ),
          );
          expect(outcomes.length).toBeGreaterThan(0);
          expect(outcomes).toEqual(outcomes.map(() => 'ended'));
          // And carried out then, as a vendor does once it reads a request: a create made its stream.
          expect(backend.counts.created).toBe(1);
        },
      ),
      {
        numRuns: 4,
        examples: [
          ['timeout', 'create'],
          ['abort', 'create'],
          ['timeout', 'get'],
          ['abort', 'get'],
        ],
      },
    );
  });
});
