import { type ListOptions, type LiveStream, type LiveStreamProvider, TimeoutError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testLimit } from './suite-limits.js';

/** The settings the suite makes the adapter with. */
export interface CallDeadlineSettings {
  /** The whole call's limit (each list step's), ms. */
  totalTimeoutMs: number;
  /** No retries: each request is sent once, so the requests a call made are exactly those the suite counts. */
  retry: { maxRetries: number };
}

/** How {@link runCallDeadlineContract} talks to one adapter's vendor. */
export interface CallDeadlineOptions {
  /** The provider id errors name (`wowza-video`). */
  provider: string;
  /** The adapter under test, sending through `fetch` and made with `settings`. */
  createProvider(fetch: typeof globalThis.fetch, settings: CallDeadlineSettings): LiveStreamProvider;
  /** The stream the single-stream calls are made on: an id the adapter accepts. */
  streamId: string;
  /** The path (`URL.pathname`) of the list request; a stream's read is `GET <listPath>/<id>`. */
  listPath: string;
  /** The vendor's answer to the list request, holding `ids` on one page. */
  listAnswer(ids: readonly string[]): unknown;
  /** The vendor's answer to a read of `id`. */
  readAnswer(id: string): unknown;
  /** The vendor's answer body when a read's stream does not exist (sent with 404). */
  notFoundAnswer: unknown;
  /**
   * A change the adapter follows with a read of the stream (Wowza Video's `start`, Wowza Real-Time's `stop`):
   * its operation, the request it sends (method and path for `streamId`) and the vendor's answer.
   */
  change: { operation: 'start' | 'stop'; method: string; path: string; answer: unknown };
  /** Options the walk needs beside `runtime` (Wowza Video: `{ details: true }`, so each stream is read). */
  listOptions?: Readonly<Record<string, unknown>>;
}

/**
 * `totalTimeoutMs` bounds a whole call, and each step of a list (each `next()`) on its own
 * (docs/decisions/2026-12-03-total-timeout-per-call.md). The vendor answers at once, but each answer moves an
 * injected clock on by a step of at least half the limit and less than all of it, so one or two requests
 * fit a call and a third does not; a held read is cut to what the call has left. Three tests: a change
 * whose read back is held past the deadline ends in a `TimeoutError` naming the stream and the part
 * applied; a list step whose detail reads run past the limit ends in a `TimeoutError`, the read after the
 * deadline not sent; each `next()` has its own deadline, and a one-request `get` is as before.
 */
export function runCallDeadlineContract(options: CallDeadlineOptions): void {
  const limitMs = 2_000;
  const settings: CallDeadlineSettings = { totalTimeoutMs: limitMs, retry: { maxRetries: 0 } };
  const readPath = (id: string) => `${options.listPath}/${id}`;

  /**
   * The vendor: its list holds `ids`; a read of an id in `gone` answers 404. With `holdReads`, a read of one
   * stream is never answered: it ends only when the HTTP layer aborts it (its time is up).
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
      const path = new URL(request.url).pathname;
      sent.push(`${request.method} ${path}`);
      if (holdReads && request.method === 'GET' && path !== options.listPath) {
        const signal = request.signal;
        return new Promise<Response>((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      now += stepMs;
      if (path === options.listPath) return json(200, options.listAnswer(ids));
      if (request.method === options.change.method && path === options.change.path)
        return json(200, options.change.answer);
      const id = path.slice(options.listPath.length + 1);
      if (gone.includes(id)) return json(404, options.notFoundAnswer);
      return json(200, options.readAnswer(id));
    }) as typeof globalThis.fetch;
    return { provider: options.createProvider(fetch, settings), sent, clock: () => now };
  }

  const slowStep = fc.integer({ min: limitMs / 2, max: limitMs - 1 });

  async function collect(list: AsyncIterable<LiveStream>): Promise<string[]> {
    const ids: string[] = [];
    for await (const stream of list) ids.push(stream.id);
    return ids;
  }

  const { streamId, change } = options;

  describe(`${options.provider}: totalTimeoutMs bounds the whole call`, testLimit, () => {
    it(`a ${change.operation} whose read back is held past the call's deadline ends with a TimeoutError naming the stream`, async () => {
      await fc.assert(
        // The change's answer takes all but 50–300 ms of the limit by the clock; the read back, held, is
        // cut to what is left (real time: 300 ms at most), where its own limit would have let it run 2 s.
        fc.asyncProperty(fc.integer({ min: limitMs - 300, max: limitMs - 50 }), async (stepMs) => {
          const vendor = timedVendor(stepMs, [], [], true);
          const error = await vendor.provider[change.operation](streamId, {
            runtime: { clock: vendor.clock },
          }).catch((caught: unknown) => caught);
          expect(vendor.sent).toEqual([`${change.method} ${change.path}`, `GET ${readPath(streamId)}`]);
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
            provider: options.provider,
            operation: change.operation,
            delivery: 'unknown',
            streamId,
            applied: [change.operation],
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
          const error = await collect(
            vendor.provider.list({ ...options.listOptions, runtime: { clock: vendor.clock } } as ListOptions),
          ).catch((caught: unknown) => caught);
          expect(vendor.sent).toEqual([`GET ${options.listPath}`, `GET ${readPath('gone0001')}`]);
          expect(TimeoutError.isInstance(error), String(error)).toBe(true);
          const timeout = error as TimeoutError;
          expect([timeout.provider, timeout.operation, timeout.delivery, timeout.streamId]).toEqual([
            options.provider,
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
          expect(
            await collect(
              vendor.provider.list({
                ...options.listOptions,
                runtime: { clock: vendor.clock },
              } as ListOptions),
            ),
          ).toEqual(ids);
          expect(vendor.sent).toHaveLength(count + 1);
          const single = timedVendor(limitMs - 1);
          const stream = await single.provider.get(streamId, { runtime: { clock: single.clock } });
          expect(stream.id).toBe(streamId);
          expect(single.sent).toEqual([`GET ${readPath(streamId)}`]);
        }),
        { numRuns: 15 },
      );
    });
  });
}
