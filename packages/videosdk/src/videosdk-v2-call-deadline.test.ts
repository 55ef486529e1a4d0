import { fileURLToPath } from 'node:url';
import { TimeoutError } from '@unilive/core';
import { type Fixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// `totalTimeoutMs` bounds a whole call (docs/decisions/2026-12-03-total-timeout-per-call.md). The stand-in
// vendor answers at once from recorded answers, but each answer moves an injected clock on by `stepMs`,
// less than the limit: each request alone fits, the call does not.
const limitMs = 2_000;
const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';

const answers: Record<string, string> = {
  [`GET /v2/rooms/${room}`]: 'v2-rooms-get',
  [`GET /v2/hls/${room}/active`]: 'v2-hls-active',
  'GET /v2/livestreams': 'v2-livestreams-list.running',
  'POST /v2/livestreams/end': 'v2-livestreams-end',
  'POST /v2/hls/end': 'v2-hls-end',
};

// `hangs`: a request (`GET /v2/…`) the vendor never answers, until it is aborted; `settings`: the provider's
// own, over the defaults below.
function timedVendor(stepMs: number, hangs?: string, settings: Record<string, unknown> = {}) {
  const sent: string[] = [];
  let now = 1_700_000_000_000;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const line = `${request.method} ${new URL(request.url).pathname}`;
    sent.push(line);
    if (line === hangs) {
      const signal = init?.signal ?? request.signal;
      return new Promise<Response>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    now += stepMs;
    const name = answers[line];
    if (name === undefined) return new Response('{}', { status: 404 });
    const { response } = fixture(name);
    return new Response(JSON.stringify(response.body), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  const provider = videosdk({
    token,
    apiVersion: 'v2',
    fetch,
    totalTimeoutMs: limitMs,
    retry: { maxRetries: 0 },
    ...settings,
  });
  return { provider, sent, clock: () => now };
}

const fieldsOf = (error: TimeoutError) => ({
  provider: error.provider,
  operation: error.operation,
  delivery: error.delivery,
  streamId: error.streamId,
  applied: error.applied,
  unknown: error.unknown,
  notApplied: error.notApplied,
});

describe('videosdk v2: totalTimeoutMs bounds the whole call', () => {
  it('a stop whose egress end finds no time left after the RTMP-outs were ended: a TimeoutError naming them; the end is never sent', async () => {
    await fc.assert(
      // Three requests fit (the egress read, the RTMP-out list, their end); the fourth starts at or past
      // the deadline.
      fc.asyncProperty(
        fc.integer({ min: Math.ceil(limitMs / 3), max: Math.ceil(limitMs / 2) - 1 }),
        async (stepMs) => {
          const vendor = timedVendor(stepMs);
          const error = await vendor.provider
            .stop(room, { runtime: { clock: vendor.clock } })
            .catch((caught: unknown) => caught);
          expect(vendor.sent).toEqual([
            `GET /v2/hls/${room}/active`,
            'GET /v2/livestreams',
            'POST /v2/livestreams/end',
          ]);
          expect(TimeoutError.isInstance(error), String(error)).toBe(true);
          expect(fieldsOf(error as TimeoutError)).toEqual({
            provider: 'videosdk',
            operation: 'stop',
            delivery: 'unknown',
            streamId: room,
            applied: ['end-rtmp-outs'],
            unknown: [],
            notApplied: ['stop'],
          });
          expect((error as TimeoutError).isRetryable).toBe(false);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("a get whose room and egress reads take the call's time: the RTMP-out read is never sent, a TimeoutError", async () => {
    await fc.assert(
      // The room and egress reads go out together; their answers leave no time for the RTMP-out list.
      fc.asyncProperty(fc.integer({ min: limitMs / 2, max: limitMs - 1 }), async (stepMs) => {
        const vendor = timedVendor(stepMs);
        const error = await vendor.provider
          .get(room, { runtime: { clock: vendor.clock } })
          .catch((caught: unknown) => caught);
        // The two reads go out together, in either order.
        expect([...vendor.sent].sort()).toEqual([`GET /v2/hls/${room}/active`, `GET /v2/rooms/${room}`]);
        expect(TimeoutError.isInstance(error), String(error)).toBe(true);
        expect(fieldsOf(error as TimeoutError)).toEqual({
          provider: 'videosdk',
          operation: 'get',
          delivery: 'not-sent',
          streamId: undefined,
          applied: undefined,
          unknown: undefined,
          notApplied: undefined,
        });
      }),
      { numRuns: 20 },
    );
  });

  it("a get whose egress read never answers ends at the call's deadline, as its room read would", async () => {
    // The room answers at once; the egress read hangs until it is aborted. Its own attempt limit (60 s)
    // is far beyond the call's: only the deadline can end it.
    const { provider, sent } = timedVendor(0, `GET /v2/hls/${room}/active`, {
      totalTimeoutMs: 250,
      timeoutMs: 60_000,
    });
    const error = await provider.get(room).catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect((error as TimeoutError).operation).toBe('get');
    expect((error as TimeoutError).message).toContain('250 ms');
    expect([...sent].sort()).toEqual([`GET /v2/hls/${room}/active`, `GET /v2/rooms/${room}`]);
  });

  it('a get that fits the limit is as before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: Math.ceil(limitMs / 5) - 1 }), async (stepMs) => {
        const vendor = timedVendor(stepMs);
        const stream = await vendor.provider.get(room, { runtime: { clock: vendor.clock } });
        expect(stream.id).toBe(room);
        expect([...vendor.sent.slice(0, 2)].sort()).toEqual([
          `GET /v2/hls/${room}/active`,
          `GET /v2/rooms/${room}`,
        ]);
        expect(vendor.sent.slice(2)).toEqual(['GET /v2/livestreams']);
      }),
      { numRuns: 10 },
    );
  });
});
