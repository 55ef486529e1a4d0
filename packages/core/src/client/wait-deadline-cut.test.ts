import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createContainer } from '../di/container.js';
import { tokens } from '../di/tokens.js';
import { TimeoutError } from '../errors/errors.js';
import { createHttpClient } from '../http/http-client.js';
import type { LiveStream } from '../live-stream.js';
import type { CallOptions, LiveStreamProvider, LiveStreamStatus } from '../provider.js';
import type { Sleep } from '../runtime.js';
import { SecretSet } from '../secrets.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A poll the wait's deadline keeps from starting is the wait's timeout, as a poll the deadline cuts short: the
// client's rate limit (`requestsPerSecond`) holds the next poll past the time its deadline leaves to start in
// (the deadline less its reserve), and the HTTP layer refuses it, unsent, while the clock still reads before
// the deadline. The wait used to pass that refusal on as the HTTP layer's TimeoutError (the rate limit's
// message, `delivery: 'not-sent'`, no `lastState`) because its clock had not passed the deadline.

const capabilities = {
  lifecycle: 'explicit',
  restart: true,
  broadcastingStatus: true,
} as unknown as LiveStreamProvider['capabilities'];

// A vendor whose status read always answers `stopped`, not broadcasting, through core's HTTP layer.
function stoppedVendor(requests: string[]) {
  const http = createHttpClient({
    provider: 'stopped',
    baseUrl: 'https://api.vendor.test',
    headers: () => ({}),
    secrets: new SecretSet(),
    fetch: (async (input: RequestInfo | URL) => {
      requests.push(new Request(input).url);
      return new Response(JSON.stringify({ state: 'stopped' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch,
  });
  const status = async (id: string, options?: CallOptions): Promise<LiveStreamStatus> => {
    const response = await http.request({
      operation: 'status',
      method: 'GET',
      path: `streams/${id}`,
      schema: v.looseObject({ state: v.string() }),
      options,
    });
    return { state: response.data.state as LiveStreamStatus['state'], broadcasting: false, raw: {} };
  };
  const never = () => Promise.reject(new Error('not used'));
  const provider: LiveStreamProvider = {
    specificationVersion: 'v1',
    id: 'stopped',
    capabilities,
    create: never,
    get: never as () => Promise<LiveStream>,
    list: () => ({ [Symbol.asyncIterator]: () => ({ next: never }) }),
    update: never,
    delete: never,
    start: never,
    stop: never,
    getStatus: status,
  };
  return provider;
}

describe("a poll the client's rate limit cannot start before the wait's deadline", () => {
  it('ends the wait with its TimeoutError, the clock still before the deadline, nothing sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('waitForState' as const, 'waitForBroadcast' as const),
        // The wait's limit: shorter than the second it takes the rate limit to let the next poll start.
        fc.integer({ min: 200, max: 900 }),
        async (wait, timeoutMs) => {
          const requests: string[] = [];
          // The clock stands still; the pause between polls passes at once.
          const now = 1_000_000;
          const sleep: Sleep = async (_ms, signal) => {
            if (signal?.aborted) throw signal.reason;
          };
          const container = createContainer();
          container.register(tokens.clock, { useValue: () => now });
          container.register(tokens.sleep, { useValue: sleep });
          const client = createLiveStreamClient(stoppedVendor(requests), {
            container,
            rateLimit: { requestsPerSecond: 1 },
          });
          const outcome = await (wait === 'waitForState'
            ? client.waitForState('s1', 'ready', { timeoutMs, intervalMs: 100 })
            : client.waitForBroadcast('s1', { timeoutMs, intervalMs: 100 })
          ).catch((error: unknown) => error);
          expect(TimeoutError.isInstance(outcome), String(outcome)).toBe(true);
          const error = outcome as TimeoutError;
          expect(error.operation).toBe(wait);
          expect(error.lastState).toBe('stopped');
          expect(error.delivery).toBeUndefined();
          expect(error.message).toBe(
            `stopped stream s1 did not ${wait === 'waitForState' ? 'become ready' : 'start broadcasting'} within ${timeoutMs} ms (last state: stopped)${wait === 'waitForBroadcast' ? ': a stopped stream takes no video until it is started again (start)' : ''}`,
          );
          // The first poll was sent; the second was held by the rate limit and never sent.
          expect(requests).toEqual(['https://api.vendor.test/streams/s1']);
        },
      ),
      {
        numRuns: 20,
        examples: [
          ['waitForState', 200],
          ['waitForBroadcast', 900],
        ],
      },
    );
  });
});
