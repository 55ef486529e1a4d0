import { fileURLToPath } from 'node:url';
import { createWebhookHandler, InvalidInputError, TimeoutError } from '@unilive/core';
import { createWebhookKeyPair, signWebhook } from '@unilive/testing';
import { loadWebhookFixtures } from '@unilive/testing/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, type VideosdkPublicKeySource, videosdkPublicKey } from './videosdk-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/videosdk/webhooks', import.meta.url)),
);
const payload = fixtures.find((fixture) => fixture.name === 'hls-started')?.webhook;
const vendor = await createWebhookKeyPair();
const stranger = await createWebhookKeyPair();

// A vendor that answers the key (`answer`) or holds the request until its signal fires (`hold`); each request
// kept while held, as a fetch in flight keeps its own.
function keyVendor(plan: readonly ('hold' | 'vendor' | 'stranger')[]) {
  const requests: Request[] = [];
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const step = plan[Math.min(requests.length, plan.length) - 1];
    if (step === 'hold') {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    }
    return Promise.resolve(
      Response.json({ publicKey: step === 'vendor' ? vendor.publicKey : stranger.publicKey }),
    );
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

// The bound of a delivery whose read is held: it runs out only once the read is under way. Long enough that
// the work before the read (a key fetched, imported and tried) always fits on a busy machine, since a bound
// that ran out before the read was sent would leave the requests counted below unmade.
const heldReadBoundMs = 1_000;

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

type Kind = 'ignores' | 'fetch-held' | 'refresh-held';

describe('videosdk parseWebhook: the key source is bounded by readTimeoutMs', () => {
  it('a key source that does not answer ends the delivery: TimeoutError, the handler answers 500, the held fetch aborted (generated)', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Kind>('ignores', 'fetch-held', 'refresh-held'),
        fc.boolean(),
        async (kind, throughHandler) => {
          let asked = 0;
          // `refresh-held`: the first fetch brings a key that does not verify the delivery (a rotation), and
          // the fetch again it asks for is held.
          const vendorApi = keyVendor(kind === 'refresh-held' ? ['stranger', 'hold'] : ['hold']);
          const keySource: VideosdkPublicKeySource =
            kind === 'ignores'
              ? {
                  get: () => {
                    asked += 1;
                    return new Promise<CryptoKey>(() => {});
                  },
                  refresh: () => new Promise<CryptoKey>(() => {}),
                }
              : videosdkPublicKey({
                  baseUrl: 'https://videosdk.test/',
                  fetch: vendorApi.fetch,
                  refreshMs: 0,
                });
          const parse = (input: Parameters<typeof parseWebhook>[0]) =>
            parseWebhook(input, { keySource, readTimeoutMs: heldReadBoundMs });
          let error: unknown;
          if (throughHandler) {
            const heard: unknown[] = [];
            const handler = createWebhookHandler({ parse, onError: (each) => void heard.push(each) });
            const response = await handler.handleWebhook(
              new Request('https://app.example/webhooks', { method: 'POST', headers, body: body as string }),
            );
            expect(response.status).toBe(500);
            expect(heard).toHaveLength(1);
            error = heard[0];
          } else {
            error = await outcome(() => parse({ body, headers }));
          }
          expect(TimeoutError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ provider: 'videosdk', operation: 'parseWebhook' });
          expect((error as Error).message).toContain('readTimeoutMs');
          if (kind === 'ignores') expect(asked).toBe(1);
          else {
            expect(vendorApi.requests).toHaveLength(kind === 'refresh-held' ? 2 : 1);
            expect(vendorApi.requests.at(-1)?.signal.aborted).toBe(true);
          }
        },
      ),
      {
        examples: [
          ['ignores', true],
          ['fetch-held', true],
          ['refresh-held', true],
          ['fetch-held', false],
        ],
        numRuns: 8,
      },
    );
  });

  it('a fetch that timed out is not cached: the next delivery fetches the key again and verifies', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    for (const first of ['hold', 'refresh-hold'] as const) {
      // The first delivery's fetch (or its fetch again, after a key that does not verify) is held; the next
      // delivery's fetch answers the vendor's key.
      const vendorApi = keyVendor(first === 'hold' ? ['hold', 'vendor'] : ['stranger', 'hold', 'vendor']);
      const keySource = videosdkPublicKey({
        baseUrl: 'https://videosdk.test/',
        fetch: vendorApi.fetch,
        refreshMs: 0,
      });
      const timedOut = await outcome(() =>
        parseWebhook({ body, headers }, { keySource, readTimeoutMs: heldReadBoundMs }),
      );
      expect(TimeoutError.isInstance(timedOut), first).toBe(true);
      const events = await parseWebhook({ body, headers }, { keySource });
      expect(events[0]?.state, first).toBe('starting');
      expect(vendorApi.requests, first).toHaveLength(first === 'hold' ? 2 : 3);
    }
  });

  it('hands the key source the signal and what is left of the bound, 5 s by default; refuses a bound that is no number of ms', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const given: unknown[] = [];
    const key = (await outcome(async () => {
      const source = videosdkPublicKey({
        fetch: keyVendor(['vendor']).fetch,
        baseUrl: 'https://videosdk.test/',
      });
      return source.get();
    })) as { value: CryptoKey };
    const keySource: VideosdkPublicKeySource = {
      get: async (options) => {
        given.push(options);
        return key.value;
      },
      refresh: async () => undefined,
    };
    expect(await parseWebhook({ body, headers }, { keySource })).toHaveLength(1);
    expect(given).toHaveLength(1);
    const options = given[0] as { signal: AbortSignal; timeoutMs: number };
    expect(options.signal.aborted).toBe(false);
    expect(options.timeoutMs).toBeGreaterThan(0);
    expect(options.timeoutMs).toBeLessThanOrEqual(5_000);
    for (const bound of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '100', null]) {
      const error = await outcome(() =>
        parseWebhook({ body, headers }, { keySource, readTimeoutMs: bound as number }),
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe('readTimeoutMs');
    }
  });
});

type Failure = '500' | '503' | '404' | 'no-key' | 'network' | '429' | '429-retry-after';

describe('videosdk videosdkPublicKey: a failing key route is asked again no more often than its back-off', () => {
  it('forged deliveries while the route fails make one request per back-off (30 s, or a 429 Retry-After up to refreshMs); the key held still verifies (generated)', async () => {
    const genuine = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const forged = await signWebhook('videosdk', payload, { privateKey: stranger.privateKey });
    const refreshMs = 600_000;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Failure>('500', '503', '404', 'no-key', 'network', '429', '429-retry-after'),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 3_600 }),
        async (failure, forgedCount, retryAfterSeconds) => {
          const requests: string[] = [];
          let now = 1_000_000;
          const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
            requests.push(new Request(input, init).url);
            if (requests.length === 1) return Response.json({ publicKey: vendor.publicKey });
            if (failure === 'network') throw new TypeError('fetch failed');
            if (failure === 'no-key') return Response.json({});
            if (failure === '429-retry-after') {
              return new Response('slow down', {
                status: 429,
                headers: { 'retry-after': String(retryAfterSeconds) },
              });
            }
            return new Response('failing', { status: Number(failure) });
          }) as typeof globalThis.fetch;
          const keySource = videosdkPublicKey({
            baseUrl: 'https://videosdk.test/',
            fetch,
            refreshMs,
            clock: () => now,
          });
          const parse = (input: typeof genuine) => parseWebhook(input, { keySource });
          await expect(parse(genuine)).resolves.toHaveLength(1);
          now += refreshMs;
          const forgedOnce = async () => {
            const error = await outcome(() => parse(forged));
            expect(error).toMatchObject({ reason: 'bad-signature' });
          };
          for (let index = 0; index < forgedCount; index += 1) await forgedOnce();
          // The first forged delivery asked once; the others were held off.
          expect(requests).toHaveLength(2);
          const waitMs =
            failure === '429-retry-after'
              ? Math.min(refreshMs, Math.max(30_000, retryAfterSeconds * 1000))
              : 30_000;
          now += waitMs - 1;
          for (let index = 0; index < forgedCount; index += 1) await forgedOnce();
          expect(requests).toHaveLength(2);
          await expect(parse(genuine)).resolves.toHaveLength(1);
          now += 1;
          for (let index = 0; index < forgedCount; index += 1) await forgedOnce();
          expect(requests).toHaveLength(3);
          expect(new Set(requests)).toEqual(new Set(['https://videosdk.test/v2/public/rsa-public-key']));
        },
      ),
      {
        examples: [
          ['500', 20, 1],
          ['429-retry-after', 5, 1],
          ['429-retry-after', 5, 120],
          ['429-retry-after', 5, 3_600],
          ['network', 3, 1],
        ],
      },
    );
  });

  it('a fetch again given up at the bound (a vendor that holds it) holds off the next one too, the key held still verifying', async () => {
    const forged = await signWebhook('videosdk', payload, { privateKey: stranger.privateKey });
    const genuine = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const vendorApi = keyVendor(['vendor', 'hold']);
    let now = 0;
    const keySource = videosdkPublicKey({
      baseUrl: 'https://videosdk.test/',
      fetch: vendorApi.fetch,
      refreshMs: 60_000,
      clock: () => now,
    });
    await expect(parseWebhook(genuine, { keySource })).resolves.toHaveLength(1);
    now += 60_000;
    const first = await outcome(() => parseWebhook(forged, { keySource, readTimeoutMs: heldReadBoundMs }));
    expect(TimeoutError.isInstance(first)).toBe(true);
    // Held off, these make no read, so no bound may run out: the shared 30 s, not the bound above, which a
    // busy machine can spend on a signature check alone. A fetch made all the same would be held (the plan's
    // last step) and counted below.
    for (let index = 0; index < 3; index += 1) {
      const error = await outcome(() => parseWebhook(forged, { keySource, readTimeoutMs: 30_000 }));
      expect(error).toMatchObject({ reason: 'bad-signature' });
    }
    expect(vendorApi.requests).toHaveLength(2);
    expect(vendorApi.requests[1]?.signal.aborted).toBe(true);
    await expect(parseWebhook(genuine, { keySource })).resolves.toHaveLength(1);
  });
});
