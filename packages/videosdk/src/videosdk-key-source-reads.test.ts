import { InvalidInputError } from '@unilive/core';
import { createWebhookKeyPair } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdkPublicKey } from './videosdk-webhooks.js';

// The key source's `get` and `refresh` are called with `{ signal, timeoutMs }`: by parseWebhook, well
// formed, and by an application's own code too (a warm-up at start, a wrapper of its own). An aborted signal
// once still sent `GET /v2/public/rsa-public-key` (a fetch nobody waited for, whose key was then cached), and
// a `signal` that was no AbortSignal escaped as a raw TypeError. Both now end the call before any request.

const vendor = await createWebhookKeyPair();

// The vendor's key route: every request counted, each answered the key.
function keyVendor() {
  const requests: Request[] = [];
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(new Request(input, init));
    return Promise.resolve(Response.json({ publicKey: vendor.publicKey }));
  }) as typeof globalThis.fetch;
  return { requests, fetch };
}

// `refreshMs: 0`: a refresh always fetches again, so a refresh that sends nothing did so for its options.
const source = (fetch: typeof globalThis.fetch) =>
  videosdkPublicKey({ baseUrl: 'https://videosdk.test/', fetch, refreshMs: 0, clock: () => 1_000 });

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

const notSignals = fc.oneof(
  fc.constantFrom<unknown>('nope', null, 0, true, {}, { aborted: true }, new AbortController()),
  fc.anything().filter((value) => value !== undefined),
);
const badTimeouts = fc.oneof(
  fc.constantFrom<unknown>(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '100', null),
  fc.double().filter((value) => !(value > 0 && value <= 2_147_483_647)),
  fc.anything().filter((value) => value !== undefined && typeof value !== 'number'),
);

type Call = 'get' | 'refresh';

describe('videosdkPublicKey: get and refresh read their options before the key route', () => {
  it('an aborted signal rejects at once with its reason, and no request is sent, whatever else the options hold (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        fc.constantFrom<Call>('get', 'refresh'),
        fc.boolean(),
        fc.option(badTimeouts, { nil: undefined }),
        async (reason, call, keyHeld, timeoutMs) => {
          const vendorApi = keyVendor();
          const keySource = source(vendorApi.fetch);
          if (keyHeld) await keySource.get();
          const sent = vendorApi.requests.length;
          const options = {
            signal: AbortSignal.abort(reason),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          };
          const error = await outcome(() => keySource[call](options as never));
          // The reason itself, as the call rejects when the signal fires while it waits (and as fetch).
          expect(error).toBe(options.signal.reason);
          expect(vendorApi.requests).toHaveLength(sent);
        },
      ),
      {
        examples: [
          [undefined, 'get', false, undefined],
          [new Error('gone'), 'refresh', false, undefined],
          [new Error('gone'), 'refresh', true, 0],
          ['stop', 'get', true, undefined],
        ],
      },
    );
  });

  it('a signal that is no AbortSignal, or a timeoutMs that is no number of ms above 0, is InvalidInputError naming it; no request (generated)', async () => {
    type Case = { options: unknown; path: string };
    const cases: fc.Arbitrary<Case> = fc.oneof(
      notSignals.map((signal): Case => ({ options: { signal }, path: 'options.signal' })),
      badTimeouts.map((timeoutMs): Case => ({ options: { timeoutMs }, path: 'options.timeoutMs' })),
      badTimeouts.map(
        (timeoutMs): Case => ({
          options: { signal: new AbortController().signal, timeoutMs },
          path: 'options.timeoutMs',
        }),
      ),
      fc
        .constantFrom<unknown>(null, 'signal', 5, new Map([['signal', new AbortController().signal]]))
        .map((options): Case => ({ options, path: 'options' })),
    );
    await fc.assert(
      fc.asyncProperty(cases, fc.constantFrom<Call>('get', 'refresh'), async ({ options, path }, call) => {
        const vendorApi = keyVendor();
        const error = await outcome(() => source(vendorApi.fetch)[call](options as never));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        const invalid = error as InvalidInputError;
        expect(invalid.provider).toBe('videosdk');
        expect(invalid.operation).toBe('parseWebhook');
        expect(invalid.delivery).toBe('not-sent');
        expect(invalid.issues.map((issue) => issue.path)).toEqual([path]);
        expect(vendorApi.requests).toHaveLength(0);
      }),
      {
        examples: [
          [{ options: { signal: 'nope' }, path: 'options.signal' }, 'get'],
          [{ options: { signal: 'nope' }, path: 'options.signal' }, 'refresh'],
          [{ options: { timeoutMs: Number.POSITIVE_INFINITY }, path: 'options.timeoutMs' }, 'get'],
          [{ options: { timeoutMs: -5 }, path: 'options.timeoutMs' }, 'refresh'],
        ],
      },
    );
  });

  it('a live signal and a valid timeoutMs still fetch the key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Call>('get', 'refresh'),
        fc.integer({ min: 1, max: 2_147_483_647 }),
        async (call, timeoutMs) => {
          const vendorApi = keyVendor();
          const options = { signal: new AbortController().signal, timeoutMs };
          const key = await source(vendorApi.fetch)[call](options);
          expect(key).toBeInstanceOf(CryptoKey);
          expect(vendorApi.requests.map((request) => new URL(request.url).pathname)).toEqual([
            '/v2/public/rsa-public-key',
          ]);
        },
      ),
    );
  });
});
