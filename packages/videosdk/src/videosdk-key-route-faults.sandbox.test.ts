import {
  InvalidInputError,
  ProviderUnavailableError,
  RateLimitError,
  TimeoutError,
  type UniliveError,
} from '@unilive/core';
import { startSandbox } from '@unilive/sandbox';
import { signWebhook } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhook, videosdkPublicKey } from './videosdk-webhooks.js';

// The sandbox's fault API reaches videosdk's webhook key route (`public-key`), so an application tests what
// its webhook endpoint does when `GET /v2/public/rsa-public-key` fails: each fault planned there is what
// parseWebhook meets, through the built-in key source, at the sandbox's API root. The key route used to
// answer past the faults: only a stubbed `fetch` could make it fail.

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let delivery: Awaited<ReturnType<typeof signWebhook>>;

beforeAll(async () => {
  sandbox = await startSandbox({ media: false });
  delivery = await signWebhook(
    'videosdk',
    { webhookType: 'hls-started', data: { meetingId: 'room-1', sessionId: 's1' } },
    { privateKey: (await sandbox.webhooks.keyPair()).privateKey },
  );
});
afterAll(async () => {
  await sandbox?.close();
});

// Planned in process or through the control API, as a test in another language would.
async function plan(through: 'process' | 'http', fault: Record<string, unknown>, provider = 'videosdk') {
  if (through === 'process') {
    sandbox.injectFault(provider as never, 'public-key', fault as never);
    return;
  }
  const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider, operation: 'public-key', fault }),
  });
  expect(response.status).toBe(201);
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

type Planned =
  | { type: 'server-error'; status: 500 | 502 | 503 | 504 }
  | { type: 'status'; status: number }
  | { type: 'rate-limit'; retryAfterSeconds: number };

describe('sandbox faults on the videosdk key route, met by parseWebhook', () => {
  it('a 5xx or a 429 with Retry-After planned for public-key fails the key fetch with its typed error; the next delivery fetches the key and verifies (generated)', async () => {
    const planned: fc.Arbitrary<Planned> = fc.oneof(
      fc.constantFrom(500, 502, 503, 504).map((status): Planned => ({ type: 'server-error', status })),
      fc.integer({ min: 500, max: 599 }).map((status): Planned => ({ type: 'status', status })),
      fc
        .integer({ min: 1, max: 3_600 })
        .map((retryAfterSeconds): Planned => ({ type: 'rate-limit', retryAfterSeconds })),
    );
    await fc.assert(
      fc.asyncProperty(
        planned,
        fc.constantFrom<'process' | 'http'>('process', 'http'),
        async (fault, through) => {
          sandbox.clearFaults();
          // A source of its own per run: nothing cached from an earlier one.
          const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
          await plan(through, fault);
          const error = (await outcome(() =>
            parseWebhook(delivery, { keySource, readTimeoutMs: 30_000 }),
          )) as UniliveError;
          if (fault.type === 'rate-limit') {
            expect(RateLimitError.isInstance(error)).toBe(true);
            expect(error).toMatchObject({
              provider: 'videosdk',
              operation: 'parseWebhook',
              status: 429,
              retryAfterMs: fault.retryAfterSeconds * 1000,
            });
          } else {
            expect(ProviderUnavailableError.isInstance(error)).toBe(true);
            expect(error).toMatchObject({
              provider: 'videosdk',
              operation: 'parseWebhook',
              status: fault.status,
            });
          }
          // Served once (`times` 1): the next delivery with no key held fetches it at once and verifies.
          const events = await parseWebhook(delivery, { keySource, readTimeoutMs: 30_000 });
          expect(events.map((event) => [event.type, event.streamId])).toEqual([
            ['live_stream.state_changed', 'room-1'],
          ]);
        },
      ),
      {
        numRuns: 12,
        examples: [
          [{ type: 'server-error', status: 503 }, 'http'],
          [{ type: 'rate-limit', retryAfterSeconds: 30 }, 'process'],
        ],
      },
    );
  });

  it('a held key route (slow) ends the delivery at readTimeoutMs with TimeoutError; the key is fetched afresh afterwards', async () => {
    sandbox.clearFaults();
    const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
    const held: string[] = [];
    sandbox.injectFault('videosdk', 'public-key', {
      type: 'slow',
      delayMs: 600_000,
      onHold: ({ method, path }) => held.push(`${method} ${path}`),
    });
    // A held read's bound: 1 s, which the work before the read always fits in.
    const error = await outcome(() => parseWebhook(delivery, { keySource, readTimeoutMs: 1_000 }));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'videosdk', operation: 'parseWebhook' });
    expect(held).toEqual(['GET /v2/public/rsa-public-key']);
    const events = await parseWebhook(delivery, { keySource, readTimeoutMs: 30_000 });
    expect(events).toHaveLength(1);
  });

  it('refuses public-key faults for a provider without the route, and fault types the route cannot serve, queueing nothing', async () => {
    sandbox.clearFaults();
    const refused = (provider: string, fault: Record<string, unknown>) => {
      try {
        sandbox.injectFault(provider as never, 'public-key', fault as never);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const provider of ['liveapi', 'wowza-video', 'wowza-realtime']) {
      const error = refused(provider, { type: 'server-error' });
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([
        {
          path: 'operation',
          message: `public-key faults are served by videosdk only: ${provider} has no such route`,
        },
      ]);
    }
    for (const fault of [
      { type: 'paging', mode: 'shift' },
      { type: 'odd-record' },
      { type: 'read-back-fails' },
    ]) {
      const error = refused('videosdk', fault);
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['fault.type']);
    }
    const overHttp = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'liveapi', operation: 'public-key', fault: { type: 'network' } }),
    });
    expect(overHttp.status).toBe(400);
    expect(await overHttp.json()).toEqual({
      error: 'public-key faults are served by videosdk only: liveapi has no such route',
    });
    // Nothing refused was queued: the key is served.
    const keySource = videosdkPublicKey({ baseUrl: sandbox.baseUrl('videosdk') });
    expect(await parseWebhook(delivery, { keySource, readTimeoutMs: 30_000 })).toHaveLength(1);
  });
});
