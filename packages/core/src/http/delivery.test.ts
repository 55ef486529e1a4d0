import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ProviderUnavailableError } from '../errors/errors.js';
import { type Delivery, UniliveError } from '../errors/unilive-error.js';
import { SecretSet } from '../secrets.js';
import { createHttpClient, type HttpMethod } from './http-client.js';

type Step = number | 'refused' | 'dns' | 'reset' | 'hang';

// A fetch that plays one step per attempt: a status, or a network failure.
function fetchOf(steps: Step[]): typeof fetch {
  return (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const step = steps.shift() ?? 500;
    const fail = (code: string) => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    };
    if (step === 'refused') fail('ECONNREFUSED');
    if (step === 'dns') fail('ENOTFOUND');
    if (step === 'reset') fail('ECONNRESET');
    if (step === 'hang')
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    return new Response(JSON.stringify({ id: 'a' }), { status: step as number });
  }) as typeof fetch;
}

async function deliveryOf(
  steps: Step[],
  method: HttpMethod = 'GET',
  extra: { headers?: () => Record<string, string>; signal?: AbortSignal } = {},
): Promise<Delivery | undefined | 'success'> {
  const http = createHttpClient({
    provider: 'test-vendor',
    baseUrl: 'https://api.vendor.test',
    headers: extra.headers ?? (() => ({})),
    secrets: new SecretSet(),
    fetch: fetchOf(steps),
    timeoutMs: 50,
  });
  try {
    await http.request({
      operation: 'op',
      method,
      path: 'a',
      schema: v.looseObject({ id: v.string() }),
      options: { runtime: { sleep: async () => {} }, ...(extra.signal ? { signal: extra.signal } : {}) },
    });
    return 'success';
  } catch (error) {
    if (!UniliveError.isInstance(error)) throw error;
    return error.delivery;
  }
}

describe('delivery on every error of the HTTP layer', () => {
  it.each<[string, Step[], HttpMethod, Delivery]>([
    ['connection refused, every attempt', ['refused', 'refused', 'refused'], 'POST', 'not-sent'],
    ['DNS failure, every attempt', ['dns', 'dns', 'dns'], 'GET', 'not-sent'],
    ['429 persistent', [429, 429, 429], 'POST', 'refused'],
    ['401', [401], 'GET', 'refused'],
    ['403', [403], 'DELETE', 'refused'],
    ['400 validation', [400], 'POST', 'refused'],
    ['422 validation', [422], 'PATCH', 'refused'],
    ['404', [404], 'GET', 'refused'],
    ['409', [409], 'PUT', 'refused'],
    ['500 on a create', [500], 'POST', 'unknown'],
    ['503 persistent', [503, 503, 503], 'GET', 'unknown'],
    ['408', [408, 408, 408], 'GET', 'unknown'],
    ['reset on a create', ['reset'], 'POST', 'unknown'],
    ['timeout on a create', ['hang'], 'POST', 'unknown'],
    ['a 503, then 429s: the first may have been carried out', [503, 429, 429], 'GET', 'unknown'],
    ['refused, then 429s', ['refused', 429, 429], 'POST', 'refused'],
    ['a success that is not JSON', [204], 'GET', 'unknown'],
  ])('%s: %s', async (_label, steps, method, expected) => {
    expect(await deliveryOf(steps, method)).toBe(expected);
  });

  it('credentials that cannot be prepared, or an abort before sending: not-sent', async () => {
    expect(
      await deliveryOf([200], 'POST', {
        headers: () => {
          throw new AuthenticationError({ message: 'no token' });
        },
      }),
    ).toBe('not-sent');
    expect(await deliveryOf([200], 'POST', { headers: () => ({ authorization: 'Bearer a\nb' }) })).toBe(
      'not-sent',
    );
    const controller = new AbortController();
    controller.abort();
    expect(await deliveryOf([200], 'POST', { signal: controller.signal })).toBe('not-sent');
  });

  it('toJSON carries delivery', async () => {
    const http = createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({}),
      secrets: new SecretSet(),
      fetch: fetchOf([429]),
      retry: { maxRetries: 0 },
    });
    const error = (await http
      .request({ operation: 'create', method: 'POST', path: 'a' })
      .catch((caught: unknown) => caught)) as UniliveError;
    expect(error.toJSON()).toMatchObject({ name: 'RateLimitError', status: 429, delivery: 'refused' });
  });
});

// The Fetch standard's bad ports, which the platform's fetch refuses before connecting.
const fetchBadPorts = [
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

describe('a base URL on a port fetch never connects to', () => {
  it('is not-sent, asked once and never again, and says which port, for every method', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fetchBadPorts),
        fc.constantFrom<HttpMethod>('GET', 'POST', 'PATCH', 'DELETE'),
        async (port, method) => {
          const attempts: string[] = [];
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: `http://127.0.0.1:${port}/api`,
            headers: () => ({}),
            secrets: new SecretSet(),
          });
          const error = await http
            .request({
              operation: 'create',
              method,
              path: 'streams',
              schema: v.looseObject({ id: v.string() }),
              options: {
                runtime: {
                  sleep: async () => {},
                  hooks: { onRequest: (event) => attempts.push(event.url) },
                },
              },
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(ProviderUnavailableError.isInstance(error)).toBe(true);
          expect((error as ProviderUnavailableError).delivery).toBe('not-sent');
          expect((error as Error).message).toBe(
            `test-vendor create: fetch never connects to port ${port} (one of the Fetch standard's bad ports); use another port in baseUrl`,
          );
          expect(attempts).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});
