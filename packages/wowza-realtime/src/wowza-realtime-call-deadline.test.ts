import { fileURLToPath } from 'node:url';
import { type LiveStream, TimeoutError } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// `totalTimeoutMs` bounds a whole call (docs/decisions/2026-12-03-total-timeout-per-call.md), and each
// step of a list (each `next()`) on its own. The vendor below answers at once, but each answer moves an
// injected clock on by `stepMs`: at least half the limit and less than all of it, so one or two requests
// fit a call and a third does not.
const limitMs = 2_000;
const directory = fileURLToPath(new URL('../../../test-fixtures/wowza-realtime', import.meta.url));
const recorded = loadFixture(directory, 'get').response.body as {
  real_time_stream: Record<string, unknown>;
};
const streamId = recorded.real_time_stream.id as string;
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRlc3Q';
const summary = (id: string) => ({
  id,
  name: `stream ${id}`,
  state: 'stopped',
  created_at: '2026-01-05T10:00:00.000Z',
  updated_at: '2026-01-05T10:00:00.000Z',
});

/**
 * A Wowza Real-Time whose page lists `ids`; a detail read of an id in `gone` answers 404. With `holdReads`, a
 * read of one stream is never answered: it ends only when the HTTP layer aborts it (its time is up).
 */
function timedVendor(
  stepMs: number,
  ids: readonly string[] = [],
  gone: readonly string[] = [],
  holdReads = false,
) {
  const sent: string[] = [];
  let now = 1_700_000_000_000;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname.replace('/api/v2.0/', '');
    sent.push(`${request.method} ${path}`);
    if (holdReads && request.method === 'GET' && path !== 'real_time') {
      const signal = request.signal;
      return new Promise<Response>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    now += stepMs;
    if (path === 'real_time') {
      return json(200, {
        real_time_streams: ids.map(summary),
        pagination: { total_records: ids.length, page: 1, per_page: 1000, total_pages: 1 },
      });
    }
    if (path.endsWith('/stop')) return json(200, { real_time_stream: { state: 'stopped' } });
    const id = path.split('/')[1] ?? '';
    if (gone.includes(id)) {
      return json(404, {
        meta: { status: 404, code: 'ERR-404-RecordNotFound', title: 'Record Not Found Error', message: 'x' },
      });
    }
    return json(200, { real_time_stream: { ...recorded.real_time_stream, id, name: `stream ${id}` } });
  }) as typeof globalThis.fetch;
  const provider = wowzaRealtime({
    token,
    fetch,
    totalTimeoutMs: limitMs,
    retry: { maxRetries: 0 },
  });
  return { provider, sent, clock: () => now };
}

const slowStep = fc.integer({ min: limitMs / 2, max: limitMs - 1 });

async function collect(list: AsyncIterable<LiveStream>): Promise<string[]> {
  const ids: string[] = [];
  for await (const stream of list) ids.push(stream.id);
  return ids;
}

describe('wowza-realtime: totalTimeoutMs bounds the whole call', () => {
  it("a stop whose read back is held past the call's deadline ends with a TimeoutError naming the stream", async () => {
    await fc.assert(
      // The stop's answer takes all but 50–300 ms of the limit by the clock; the read back, held, is cut
      // to what is left (real time: 300 ms at most), where its own limit would have let it run 2 s.
      fc.asyncProperty(fc.integer({ min: limitMs - 300, max: limitMs - 50 }), async (stepMs) => {
        const vendor = timedVendor(stepMs, [], [], true);
        const error = await vendor.provider
          .stop(streamId, { runtime: { clock: vendor.clock } })
          .catch((caught: unknown) => caught);
        expect(vendor.sent).toEqual([`PUT real_time/${streamId}/stop`, `GET real_time/${streamId}`]);
        expect(TimeoutError.isInstance(error), String(error)).toBe(true);
        const timeout = error as TimeoutError;
        expect({
          provider: timeout.provider,
          operation: timeout.operation,
          delivery: timeout.delivery,
          streamId: timeout.streamId,
          applied: timeout.applied,
          unknown: timeout.unknown,
          notApplied: timeout.notApplied,
        }).toEqual({
          provider: 'wowza-realtime',
          operation: 'stop',
          delivery: 'unknown',
          streamId,
          applied: ['stop'],
          unknown: [],
          notApplied: [],
        });
      }),
      { numRuns: 4 },
    );
  });

  it('a list step (one next()) whose detail reads run past the limit ends with a TimeoutError, the read after the deadline not sent', async () => {
    await fc.assert(
      fc.asyncProperty(slowStep, async (stepMs) => {
        // The first stream was deleted since its page: its read answers 404 and the walk reads the next
        // one in the same step, the step's third request.
        const vendor = timedVendor(stepMs, ['gone0001', 'kept0002'], ['gone0001']);
        const error = await collect(vendor.provider.list({ runtime: { clock: vendor.clock } })).catch(
          (caught: unknown) => caught,
        );
        expect(vendor.sent).toEqual(['GET real_time', 'GET real_time/gone0001']);
        expect(TimeoutError.isInstance(error), String(error)).toBe(true);
        const timeout = error as TimeoutError;
        expect([timeout.provider, timeout.operation, timeout.delivery, timeout.streamId]).toEqual([
          'wowza-realtime',
          'list',
          'not-sent',
          undefined,
        ]);
      }),
      { numRuns: 20 },
    );
  });

  it('each next() of a list has its own deadline, and a get (one request) is as before', async () => {
    await fc.assert(
      fc.asyncProperty(slowStep, fc.integer({ min: 2, max: 5 }), async (stepMs, count) => {
        const ids = Array.from({ length: count }, (_, index) => `strm000${index}`);
        const vendor = timedVendor(stepMs, ids);
        // Far longer than the limit in all, each step within it.
        expect(await collect(vendor.provider.list({ runtime: { clock: vendor.clock } }))).toEqual(ids);
        expect(vendor.sent).toHaveLength(count + 1);
        const single = timedVendor(limitMs - 1);
        const stream = await single.provider.get(streamId, { runtime: { clock: single.clock } });
        expect(stream.id).toBe(streamId);
        expect(single.sent).toEqual([`GET real_time/${streamId}`]);
      }),
      { numRuns: 15 },
    );
  });
});
