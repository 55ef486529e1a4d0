import {
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  TimeoutError,
  type WarningEvent,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testLimit } from './suite-limits.js';

/** The settings the suite makes the adapter with: its step's deadline short, each attempt's far longer. */
export interface ListStepDeadlineSettings {
  /** The call's (here: each list step's) whole limit, ms. */
  totalTimeoutMs: number;
  /** Each attempt's limit, ms: far past `totalTimeoutMs`, so only the step's deadline can cut the read. */
  timeoutMs: number;
  /** Retries armed, so a cut read that were retried would show as a second request. */
  retry: { maxRetries: number; baseDelayMs: number };
}

/** How {@link runListStepDeadlineContract} talks to one adapter's vendor. */
export interface ListStepDeadlineOptions {
  /** The provider id the `TimeoutError` names (`wowza-video`). */
  provider: string;
  /** Suite title, after the provider id (default: `list: a detail read cut by the step's deadline`). */
  title?: string;
  /** The adapter under test, sending through `fetch` and made with `settings`. */
  createProvider(fetch: typeof globalThis.fetch, settings: ListStepDeadlineSettings): LiveStreamProvider;
  /** The id of the listed stream at `index` (0-based): one the adapter accepts. */
  idOf(index: number): string;
  /**
   * When `url` is the list request: the vendor's answer body for the page it asks, holding `ids` (that page's
   * streams) and saying the list holds `total` in pages of `perPage`. Any other URL: `undefined`.
   */
  listPage(url: URL, page: { ids: readonly string[]; page: number; perPage: number; total: number }): unknown;
  /** The page number `url` (a list request) asks for (default: its `page` query parameter, else 1). */
  pageOf?(url: URL): number;
  /** The stream id a per-stream read (the walk's detail read) is for, from its URL. */
  readOf(url: URL): string;
  /** The vendor's answer body to the per-stream read of `id`. */
  readAnswer(id: string): unknown;
  /** The path (`URL.pathname`) the per-stream read of `id` is sent to. */
  readPath(id: string): string;
  /** Options the walk needs beside `pageSize` and `runtime` (Wowza Video: `{ details: true }`). */
  listOptions?: Readonly<Record<string, unknown>>;
}

/**
 * A list's detail read cut by its step's deadline (`totalTimeoutMs`, each `next()` its own) ends the walk
 * with its own `TimeoutError`: sent (`delivery: 'unknown'`), the records before it yielded, none reported
 * skipped for it, and the cut read the last request, sent once. Generated over the list's size, its page
 * size and which read is cut. The injected clock never moves, so every answered read fits its step; the cut
 * read is held until the HTTP layer aborts it at the step's deadline (real time: the whole limit, short
 * here; the attempt's `timeoutMs` is far longer), so the suite takes about `numRuns × limit`.
 */
export function runListStepDeadlineContract(options: ListStepDeadlineOptions): void {
  const limitMs = 150;
  const settings: ListStepDeadlineSettings = {
    totalTimeoutMs: limitMs,
    timeoutMs: 60_000,
    retry: { maxRetries: 2, baseDelayMs: 1 },
  };
  const pageOf = options.pageOf ?? ((url: URL) => Number(url.searchParams.get('page') ?? '1'));

  function vendor(count: number, perPage: number, cut: number) {
    const sent: string[] = [];
    const ids = Array.from({ length: count }, (_, index) => options.idOf(index));
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      sent.push(`${request.method} ${url.pathname}`);
      const page = pageOf(url);
      const body = options.listPage(url, {
        ids: ids.slice((page - 1) * perPage, page * perPage),
        page,
        perPage,
        total: count,
      });
      if (body !== undefined) return json(body);
      const id = options.readOf(url);
      if (id === ids[cut]) {
        const signal = request.signal;
        return new Promise<Response>((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      return json(options.readAnswer(id));
    }) as typeof globalThis.fetch;
    return { provider: options.createProvider(fetch, settings), sent, ids };
  }

  describe(
    `${options.provider} ${options.title ?? "list: a detail read cut by the step's deadline"}`,
    testLimit,
    () => {
      it('ends the walk with its own TimeoutError (sent, delivery unknown), no record skipped, the records before it yielded', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc
              .integer({ min: 1, max: 5 })
              .chain((count) =>
                fc.tuple(fc.constant(count), fc.integer({ min: 1, max: 3 }), fc.nat({ max: count - 1 })),
              ),
            async ([count, perPage, cut]) => {
              const { provider, sent, ids } = vendor(count, perPage, cut);
              const warnings: WarningEvent[] = [];
              const yielded: string[] = [];
              const clock = () => 1_700_000_000_000;
              const list: AsyncIterable<LiveStream> = provider.list({
                ...options.listOptions,
                pageSize: perPage,
                runtime: { clock, hooks: { onWarning: (event) => warnings.push(event) } },
              } as ListOptions);
              const error = await (async () => {
                for await (const stream of list) yielded.push(stream.id);
              })().catch((caught: unknown) => caught);
              // No record is reported skipped for the cut read.
              expect(warnings.filter((event) => event.warning.type === 'skipped-record')).toEqual([]);
              expect(yielded).toEqual(ids.slice(0, cut));
              expect(TimeoutError.isInstance(error), String(error)).toBe(true);
              const timeout = error as TimeoutError;
              expect([timeout.provider, timeout.operation, timeout.delivery]).toEqual([
                options.provider,
                'list',
                'unknown',
              ]);
              expect(timeout.message).toContain(`totalTimeoutMs ${limitMs} ms`);
              // The cut read was the last request: nothing after it was sent, and it was sent once.
              const cutRead = `GET ${options.readPath(ids[cut] as string)}`;
              expect(sent.at(-1)).toBe(cutRead);
              expect(sent.filter((line) => line === cutRead)).toHaveLength(1);
            },
          ),
          { numRuns: 8 },
        );
      });
    },
  );
}
