import { fileURLToPath } from 'node:url';
import { type LiveStream, TimeoutError, type WarningEvent } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// A list's detail read cut by its step's deadline (`totalTimeoutMs`, each `next()` its own) ends the walk
// with its own TimeoutError: it was sent (`delivery: 'unknown'`), and no record is reported skipped for it
// (docs/errors.md, "In a list"; docs/decisions/2026-12-03-total-timeout-per-call.md). The injected clock
// never moves, so every answered read fits its step; the cut read is held until the HTTP layer aborts it at
// the step's deadline (real time: the whole limit, short here; its per-attempt timeoutMs is far longer).
const limitMs = 150;
const directory = fileURLToPath(new URL('../../../test-fixtures/wowza-realtime', import.meta.url));
const recorded = loadFixture(directory, 'get').response.body as {
  real_time_stream: Record<string, unknown>;
};
const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRlc3Q';
const idOf = (index: number) => `strm${String(index).padStart(4, '0')}`;

function vendor(count: number, perPage: number, cut: number) {
  const sent: string[] = [];
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.replace('/api/v2.0/', '');
    sent.push(`${request.method} ${path}${url.search}`);
    if (path === 'real_time') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const ids = Array.from({ length: count }, (_, index) => idOf(index)).slice(
        (page - 1) * perPage,
        page * perPage,
      );
      return json({
        real_time_streams: ids.map((id) => ({ id, name: `stream ${id}`, state: 'stopped' })),
        pagination: {
          total_records: count,
          page,
          per_page: perPage,
          total_pages: Math.ceil(count / perPage),
        },
      });
    }
    const id = path.split('/')[1] ?? '';
    if (id === idOf(cut)) {
      const signal = request.signal;
      return new Promise<Response>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return json({ real_time_stream: { ...recorded.real_time_stream, id, name: `stream ${id}` } });
  }) as typeof globalThis.fetch;
  const provider = wowzaRealtime({
    token,
    fetch,
    totalTimeoutMs: limitMs,
    timeoutMs: 60_000,
    retry: { maxRetries: 2, baseDelayMs: 1 },
  });
  return { provider, sent };
}

describe("wowza-realtime list: a detail read cut by the step's deadline", () => {
  it('ends the walk with its own TimeoutError (sent, delivery unknown), no record skipped, the records before it yielded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 5 })
          .chain((count) =>
            fc.tuple(fc.constant(count), fc.integer({ min: 1, max: 3 }), fc.nat({ max: count - 1 })),
          ),
        async ([count, perPage, cut]) => {
          const { provider, sent } = vendor(count, perPage, cut);
          const warnings: WarningEvent[] = [];
          const yielded: string[] = [];
          const clock = () => 1_700_000_000_000;
          const list: AsyncIterable<LiveStream> = provider.list({
            pageSize: perPage,
            runtime: { clock, hooks: { onWarning: (event) => warnings.push(event) } },
          });
          const error = await (async () => {
            for await (const stream of list) yielded.push(stream.id);
          })().catch((caught: unknown) => caught);
          // No record is reported skipped for the cut read.
          expect(warnings.filter((event) => event.warning.type === 'skipped-record')).toEqual([]);
          expect(yielded).toEqual(Array.from({ length: cut }, (_, index) => idOf(index)));
          expect(TimeoutError.isInstance(error), String(error)).toBe(true);
          const timeout = error as TimeoutError;
          expect([timeout.provider, timeout.operation, timeout.delivery]).toEqual([
            'wowza-realtime',
            'list',
            'unknown',
          ]);
          expect(timeout.message).toContain(`totalTimeoutMs ${limitMs} ms`);
          // The cut read was the last request: nothing after it was sent, and it was sent once.
          expect(sent.at(-1)).toBe(`GET real_time/${idOf(cut)}`);
          expect(sent.filter((line) => line === `GET real_time/${idOf(cut)}`)).toHaveLength(1);
        },
      ),
      { numRuns: 8 },
    );
  });
});
