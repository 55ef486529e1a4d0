import { inspect } from 'node:util';
import { brotliCompressSync, constants, createBrotliCompress, deflateSync, gzipSync } from 'node:zlib';
import {
  createLiveStreamClient,
  type HttpHooks,
  type LiveStreamProvider,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import {
  type HostilePlan,
  type HostileProxy,
  startHostileProxy,
  type Upstream,
} from '../src/hostile-proxy.js';
import { type HardeningRow, writeSection } from '../src/report.js';

// Generated cases per adapter and family; UNILIVE_HARDENING_RUNS raises them for a deeper search.
const runs = Number(process.env.UNILIVE_HARDENING_RUNS ?? 20);
const cap = 32 * 1024;
// A call's whole time limit in the gate cases: far above any pause, so a wait to it stands out.
const totalTimeoutMs = 600_000;

type Operation = 'create' | 'get' | 'update' | 'delete' | 'list';

let brotliBomb: Buffer;
beforeAll(async () => {
  // 1 GiB of zeros, which brotli packs into under 2 kB.
  const zeros = Buffer.alloc(1024 * 1024);
  const chunks: Buffer[] = [];
  const compressor = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  compressor.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise((resolve) => compressor.on('end', resolve));
  for (let index = 0; index < 1024; index += 1) compressor.write(zeros);
  compressor.end();
  await finished;
  brotliBomb = Buffer.concat(chunks);
});

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`hostile answers: ${adapterId}`, () => {
    let sandbox: Sandbox;
    let proxy: HostileProxy;
    const rows: HardeningRow[] = [];
    let peakRssGrowthBytes = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    const settings = (extra: Record<string, unknown> = {}) => {
      const base = sandbox.adapterSettings(adapter.provider);
      return {
        ...base,
        ...adapter.settings,
        baseUrl: base.baseUrl.replace(sandbox.url, proxy.origin),
        ...extra,
      };
    };
    const provider = (extra: Record<string, unknown> = {}): LiveStreamProvider =>
      adapter.factory(settings(extra));
    // Each case's hostile answer is meant for the operation's own request: never for a read the adapter
    // sends beside it (videosdk v2's egress read reaches the proxy first as often as the machine likes).
    const ownRequest = (request: { path: string }): boolean =>
      !(adapter.besideRead?.test(request.path) ?? false);
    const plan = (next: HostilePlan): void => proxy.plan(next, ownRequest);
    // The operation's own first request, which the case's plan answered: a read sent beside it may have
    // reached the proxy before it.
    const firstOwnRequest = () => proxy.requests.find(ownRequest);

    beforeAll(async () => {
      process.on('unhandledRejection', onUnhandled);
      sandbox = await startSandbox({ transitionMs: 5 });
      proxy = await startHostileProxy(sandbox.url);
    });
    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      await proxy.close();
      await sandbox.close();
      writeSection(`hardening.${adapterId}`, {
        kind: 'hardening',
        adapter: adapterId,
        rows,
        peakRssGrowthBytes,
        unhandledRejections: unhandled.length,
      });
    });

    const subjects = new Set<string>();
    /**
     * Starts a case about stream `current` (none for a create): every stream made for an earlier case is
     * retired at the proxy, so that a read its client cancelled (videosdk v2's egress read, when the room
     * read failed) cannot arrive late and take this case's plan.
     */
    function startCase(current = ''): void {
      for (const id of subjects) if (id !== current) proxy.retire(id);
      proxy.reset();
    }

    async function subject(): Promise<string> {
      startCase();
      const id = (await provider().create({ name: 'unilive hardening subject' })).id;
      subjects.add(id);
      return id;
    }

    async function invoke(
      client: ReturnType<typeof createLiveStreamClient>,
      operation: Operation,
      id: string,
    ) {
      switch (operation) {
        case 'create':
          return client.create({ name: 'unilive hardening stream' });
        case 'get':
          return client.get(id);
        case 'update':
          return client.update(id, adapter.fixtures.updatePatch);
        case 'delete':
          return client.delete(id);
        case 'list':
          return client.list().toArray();
      }
    }

    it('redirects: no request reaches another origin, no method changes, a non-GET is sent once, typed', async () => {
      const row: HardeningRow = {
        family: 'redirects',
        cases: 0,
        passed: 0,
        requestsElsewhere: 0,
        repeatedSends: 0,
        untyped: 0,
      };
      rows.push(row);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Operation>('create', 'get', 'update', 'delete'),
          fc.constantFrom(301, 302, 303, 307, 308),
          fc.constantFrom('other-origin', 'https-same-host', 'same-origin', 'same-url', 'no-location'),
          async (operation, status, target) => {
            row.cases += 1;
            const id = operation === 'create' ? '' : await subject();
            startCase(id);
            plan(async (request) => {
              const location =
                target === 'other-origin'
                  ? `${proxy.trapOrigin}${request.path}`
                  : target === 'https-same-host'
                    ? `${proxy.origin.replace('http:', 'https:')}${request.path}`
                    : target === 'same-origin'
                      ? `${proxy.origin}${proxy.movedPath(request.path)}`
                      : target === 'same-url'
                        ? `${proxy.origin}${request.path}`
                        : undefined;
              return { status, headers: location ? { location } : {}, body: Buffer.from('moved') };
            });
            const client = createLiveStreamClient(provider());
            const outcome = await invoke(client, operation, id).then(
              () => undefined,
              (error: unknown) => error,
            );
            const first = firstOwnRequest();
            expect(first).toBeDefined();
            row.requestsElsewhere += proxy.trapRequests.length;
            expect(proxy.trapRequests).toEqual([]);
            const same = proxy.requests.filter(
              (entry) => entry.path.split('?')[0] === first?.path.split('?')[0],
            );
            // Never another method on the redirected path (a 303 turning a DELETE into a GET).
            expect(same.every((entry) => entry.method === first?.method)).toBe(true);
            const followed = first?.method === 'GET' && (target === 'same-origin' || target === 'same-url');
            if (!followed) {
              if (same.length !== 1) row.repeatedSends += 1;
              expect(same).toHaveLength(1);
              if (!UniliveError.isInstance(outcome)) row.untyped += 1;
              expect(UniliveError.isInstance(outcome)).toBe(true);
              expect((outcome as UniliveError).status).toBe(status);
              if (target === 'other-origin')
                expect((outcome as UniliveError).message).toContain(proxy.trapOrigin);
            } else {
              // Followed within the origin (the proxy redirects once, then answers).
              expect(outcome).toBeUndefined();
            }
            row.passed += 1;
          },
        ),
        { numRuns: runs },
      );
    });

    it('body size: a body past maxResponseBytes once decoded is refused while it streams, never retried; one under it is read', async () => {
      const row: HardeningRow = {
        family: 'body-size',
        cases: 0,
        passed: 0,
        requestsElsewhere: 0,
        repeatedSends: 0,
        untyped: 0,
      };
      rows.push(row);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Operation>('create', 'get', 'list'),
          fc.constantFrom('identity', 'gzip', 'br', 'deflate'),
          fc.integer({ min: cap / 4, max: cap * 4 }),
          async (operation, encoding, size) => {
            row.cases += 1;
            const id = operation === 'get' ? await subject() : '';
            startCase(id);
            let decoded = 0;
            plan(async (_request, forward) => {
              const upstream = await forward();
              const padded = pad(upstream, size);
              decoded = padded.length;
              return encoded(upstream, padded, encoding);
            });
            const client = createLiveStreamClient(provider({ maxResponseBytes: cap }));
            const outcome = await invoke(client, operation, id).then(
              () => undefined,
              (error: unknown) => error,
            );
            const first = firstOwnRequest();
            const same = proxy.requests.filter(
              (entry) => entry.method === first?.method && entry.path === first?.path,
            );
            if (decoded > cap) {
              if (!UniliveError.isInstance(outcome)) row.untyped += 1;
              expect((outcome as Error)?.name).toBe('ResponseShapeError');
              expect((outcome as Error).message).toContain('exceeds maxResponseBytes');
              if (same.length !== 1) row.repeatedSends += 1;
              expect(same).toHaveLength(1);
            } else {
              expect(outcome).toBeUndefined();
            }
            row.passed += 1;
          },
        ),
        { numRuns: runs },
      );
    });

    it('an answer cut mid-body: the vendor was reached, its status kept, a create sent once, a read asked again', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Operation>('create', 'get'),
          fc.double({ min: 0, max: 0.999, noNaN: true }),
          fc.boolean(),
          async (operation, where, retried) => {
            const id = operation === 'create' ? '' : await subject();
            startCase(id);
            let cut: { status: number; at: number } | undefined;
            plan(async (_request, forward) => {
              const upstream = await forward();
              const at = Math.floor(where * upstream.body.length);
              cut = { status: upstream.status, at };
              return { ...upstream, cutAfter: at };
            });
            const retry = { maxRetries: retried ? 1 : 0, baseDelayMs: 1, maxDelayMs: 1 };
            const outcome = await invoke(createLiveStreamClient(provider({ retry })), operation, id).then(
              (result) => ({ result }),
              (error: unknown) => ({ error }),
            );
            const first = firstOwnRequest();
            if (first === undefined || cut === undefined) throw new Error('no request reached the proxy');
            const sent = proxy.requests.filter(
              (entry) => entry.method === first.method && entry.path === first.path,
            );
            if (operation === 'get' && retried) {
              // A read is safe to repeat: asked again, it is answered whole.
              expect(outcome).toHaveProperty('result');
              expect(sent).toHaveLength(2);
              return;
            }
            // A create may have been carried out: never sent twice.
            expect(sent).toHaveLength(1);
            const error = (outcome as { error: unknown }).error;
            expect((error as Error).name).toBe('ProviderUnavailableError');
            expect(error).toMatchObject({ status: cut.status, delivery: 'unknown' });
            const message = (error as Error).message;
            expect(message).toContain(`was lost while reading the answer (HTTP ${cut.status}, `);
            expect(message).not.toMatch(/could not reach/);
            const read = Number(/(\d+) bytes? of the body read/.exec(message)?.[1]);
            expect(read).toBeLessThanOrEqual(cut.at);
          },
        ),
        { numRuns: Math.min(runs, 12) },
      );
    });

    const besideRead = adapter.besideRead;
    if (besideRead !== undefined) {
      it("the read sent beside a get, cut mid-body: its 404 is still the vendor's answer, its 200 fails the get", async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.boolean(),
            fc.double({ min: 0, max: 0.999, noNaN: true }),
            async (started, where) => {
              const id = await subject();
              // Started, the egress read answers 200 with the running egress; otherwise 404, none running.
              if (started) await provider().start(id);
              startCase(id);
              let cut: { status: number; at: number } | undefined;
              proxy.plan(
                async (_request, forward) => {
                  const upstream = await forward();
                  const at = Math.floor(where * upstream.body.length);
                  cut = { status: upstream.status, at };
                  return { ...upstream, cutAfter: at };
                },
                (request) => besideRead.test(request.path),
              );
              const outcome = await createLiveStreamClient(provider({ retry: { maxRetries: 0 } }))
                .get(id)
                .then(
                  (result) => ({ result }),
                  (error: unknown) => ({ error }),
                );
              expect(cut?.status).toBe(started ? 200 : 404);
              if (!started) {
                // The status line came whole: "HLS not found" is the vendor's verdict, whatever its body.
                expect(outcome).toMatchObject({ result: { id, state: 'stopped' } });
                return;
              }
              const error = (outcome as { error?: Error }).error;
              expect(error?.name).toBe('ProviderUnavailableError');
              expect(error).toMatchObject({ status: 200, delivery: 'unknown' });
              expect(error?.message).toContain('was lost while reading the answer (HTTP 200, ');
            },
          ),
          { numRuns: Math.min(runs, 8) },
        );
      });
    }

    it('a 1 GiB brotli bomb is cut at the default cap and memory stays bounded', async () => {
      const id = await subject();
      startCase(id);
      plan(async () => ({
        status: 200,
        headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
        body: brotliBomb,
      }));
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 2);
      // The attempt's time limit is no part of this case: on a machine busy enough to take 15 s over the
      // 16 MiB, the attempt would end by its timer and a retry would reach the sandbox instead of the bomb.
      const outcome = await createLiveStreamClient(provider({ timeoutMs: totalTimeoutMs }))
        .get(id)
        .catch((error: unknown) => error);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      peakRssGrowthBytes = peak - before;
      expect((outcome as Error).name).toBe('ResponseShapeError');
      // Each read sent once, never again after its answer was cut (videosdk v2 reads a room and its egress
      // at once, and both are answered with the bomb).
      expect(proxy.requests).toHaveLength(adapter.readsAtOnce?.includes('get') ? 2 : 1);
      expect(new Set(proxy.requests.map((entry) => `${entry.method} ${entry.path}`)).size).toBe(
        proxy.requests.length,
      );
      // 16 MiB of text read, at most twice over in strings, far from the 1 GiB the bomb holds.
      expect(peakRssGrowthBytes).toBeLessThan(256 * 1024 * 1024);
    });

    it('gate and pause: a 429 of any size pauses the others no longer than maxRetryAfterMs; every queued call settles, typed', async () => {
      const row: HardeningRow = {
        family: 'gate-pause',
        cases: 0,
        passed: 0,
        requestsElsewhere: 0,
        repeatedSends: 0,
        untyped: 0,
      };
      rows.push(row);
      const id = await subject();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(
            'retry-after-seconds',
            'retry-after-date',
            'ratelimit-reset',
            'x-ratelimit-reset-epoch',
          ),
          fc.integer({ min: 0, max: 172_800 }),
          fc.integer({ min: 1_000, max: 60_000 }),
          fc.record({
            maxConcurrency: fc.integer({ min: 1, max: 3 }),
            requestsPerSecond: fc.integer({ min: 2, max: 50 }),
          }),
          fc.array(fc.constantFrom('run', 'abort-before', 'abort-soon'), { minLength: 2, maxLength: 6 }),
          async (header, seconds, maxRetryAfterMs, rateLimit, calls) => {
            row.cases += 1;
            proxy.reset();
            const start = Date.now();
            let now = start;
            const sleeps: number[] = [];
            const sleep: Sleep = async (ms, signal) => {
              if (signal?.aborted) throw signal.reason;
              sleeps.push(ms);
              now += ms;
            };
            const headers: Record<string, string> = { 'content-type': 'application/json' };
            if (header === 'retry-after-seconds') headers['retry-after'] = String(seconds);
            if (header === 'retry-after-date')
              headers['retry-after'] = new Date(start + seconds * 1000).toUTCString();
            if (header === 'ratelimit-reset') headers['ratelimit-reset'] = String(seconds);
            if (header === 'x-ratelimit-reset-epoch')
              headers['x-ratelimit-reset'] = String(Math.floor(start / 1000) + seconds);
            plan(async () => ({ status: 429, headers, body: Buffer.from('{}') }));
            const container = createContainer();
            container.register(tokens.clock, { useValue: () => now });
            container.register(tokens.sleep, { useValue: sleep });
            const client = createLiveStreamClient(provider({ retry: { maxRetryAfterMs }, totalTimeoutMs }), {
              container,
              rateLimit,
            });
            const outcomes = await Promise.allSettled(
              calls.map(async (kind) => {
                const controller = new AbortController();
                if (kind === 'abort-before') controller.abort(new Error('caller gave up'));
                if (kind === 'abort-soon')
                  queueMicrotask(() => controller.abort(new Error('caller gave up')));
                return client.get(id, { signal: controller.signal });
              }),
            );
            for (const outcome of outcomes) {
              if (outcome.status === 'rejected') {
                if (!UniliveError.isInstance(outcome.reason)) row.untyped += 1;
                expect(UniliveError.isInstance(outcome.reason)).toBe(true);
                expect(['RateLimitError', 'TimeoutError', 'AbortError']).toContain(
                  (outcome.reason as Error).name,
                );
              }
            }
            // No wait, the gate's or a retry's, exceeded the cap (nor the backoff's 8 s ceiling). The only longer
            // ones are the timers a queued caller sets to its own deadline (the virtual sleep ends them at once).
            for (const ms of sleeps) {
              const deadlineTimer = ms > totalTimeoutMs - 100_000;
              expect(ms <= Math.max(maxRetryAfterMs, 8_000) || deadlineTimer).toBe(true);
            }
            row.passed += 1;
          },
        ),
        { numRuns: runs },
      );
    });

    it('hooks: sync throws and async rejections never change an outcome nor go unhandled', async () => {
      const row: HardeningRow = {
        family: 'hooks',
        cases: 0,
        passed: 0,
        requestsElsewhere: 0,
        repeatedSends: 0,
        untyped: 0,
      };
      rows.push(row);
      const failure = fc.constantFrom('none', 'throw', 'reject', 'reject-later', 'throw-non-error');
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            onRequest: failure,
            onResponse: failure,
            onRetry: failure,
            onError: failure,
            onWarning: failure,
          }),
          fc.constantFrom<Operation>('get', 'create'),
          async (kinds, operation) => {
            row.cases += 1;
            const id = operation === 'get' ? await subject() : '';
            startCase(id);
            plan(async () => ({
              status: 503,
              headers: { 'content-type': 'application/json' },
              body: Buffer.from('{"message":"unavailable"}'),
            }));
            const hooks: HttpHooks = {};
            for (const [name, kind] of Object.entries(kinds))
              (hooks as Record<string, unknown>)[name] = failingHook(kind);
            const container = createContainer();
            container.register(tokens.sleep, { useValue: (async () => {}) as Sleep });
            const client = createLiveStreamClient(provider(), { hooks, container });
            const outcome = await invoke(client, operation, id).then(
              () => 'success',
              (error: Error) => error.name,
            );
            // A GET recovers after the 503; a create is not repeated after one.
            expect(outcome).toBe(operation === 'get' ? 'success' : 'ProviderUnavailableError');
            await new Promise((resolve) => setTimeout(resolve, 5));
            expect(unhandled.map((reason) => inspect(reason))).toEqual([]);
            row.passed += 1;
          },
        ),
        { numRuns: runs },
      );
    });
  });
}

function failingHook(kind: string): (event: unknown) => void {
  switch (kind) {
    case 'throw':
      return () => {
        throw new Error('broken logger');
      };
    case 'throw-non-error':
      return () => {
        throw { not: 'an error' };
      };
    case 'reject':
      return (async () => {
        throw new Error('broken async logger');
      }) as (event: unknown) => void;
    case 'reject-later':
      return (() => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 1))) as (
        event: unknown,
      ) => void;
    default:
      return () => {};
  }
}

// The upstream's JSON with a padding field, `size` bytes in all (or as it was, when already larger).
function pad(upstream: Upstream, size: number): Buffer {
  const text = upstream.body.toString('utf8');
  if (!text.trim().startsWith('{')) return upstream.body;
  const object = JSON.parse(text) as Record<string, unknown>;
  const bare = Buffer.byteLength(JSON.stringify({ ...object, unilive_padding: '' }));
  return Buffer.from(JSON.stringify({ ...object, unilive_padding: 'x'.repeat(Math.max(0, size - bare)) }));
}

function encoded(upstream: Upstream, body: Buffer, encoding: string): Upstream {
  const headers = { ...upstream.headers };
  delete headers['content-length'];
  if (encoding === 'identity') return { ...upstream, headers, body };
  const bytes =
    encoding === 'gzip'
      ? gzipSync(body)
      : encoding === 'deflate'
        ? deflateSync(body)
        : brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
  return { ...upstream, headers: { ...headers, 'content-encoding': encoding }, body: bytes };
}
