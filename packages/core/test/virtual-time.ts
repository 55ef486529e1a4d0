import * as v from 'valibot';
import type { UniliveError } from '../src/errors/unilive-error.js';
import { gateKeyOf } from '../src/http/gate-key.js';
import { createHttpClient } from '../src/http/http-client.js';
import type { RequestGate } from '../src/http/request-gate.js';
import type { Sleep } from '../src/runtime.js';
import { SecretSet } from '../src/secrets.js';

/**
 * A virtual clock for the rate-limit tests: `sleep` moves time on at once and records each wait (refusing,
 * as the platform's does, once its signal has fired), so no test waits on the wall clock.
 */
export function virtualTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    sleeps.push(ms);
    now += ms;
  };
  return { clock: () => now, sleep, sleeps, advance: (ms: number) => (now += ms) };
}

/** The budget the test vendor's client draws on: its base URL's, as it names no account. */
export const vendorKey = gateKeyOf('test-vendor', 'https://api.vendor.test/', undefined);

/**
 * A GET of `streams/a` by a client of the test vendor with `settings`, drawing on `gate` (made by this copy
 * of core or another): what it ended in, and the requests it sent.
 */
export async function gatedGet(
  gate: RequestGate,
  time: ReturnType<typeof virtualTime>,
  settings: { totalTimeoutMs: number; retry?: { maxRetryAfterMs: number } },
) {
  const requests: string[] = [];
  const http = createHttpClient({
    provider: 'test-vendor',
    baseUrl: 'https://api.vendor.test',
    headers: () => ({}),
    secrets: new SecretSet(),
    ...settings,
    fetch: (async () => {
      requests.push('GET /streams/a');
      return new Response(JSON.stringify({ id: 'a' }), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
  });
  const result = await http
    .request({
      operation: 'get',
      method: 'GET',
      path: 'streams/a',
      schema: v.looseObject({ id: v.string() }),
      options: { runtime: { gate, clock: time.clock, sleep: time.sleep } },
    })
    .catch((caught: unknown) => caught as UniliveError);
  return { result, requests };
}
