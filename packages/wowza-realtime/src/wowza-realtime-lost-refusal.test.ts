import {
  ConflictError,
  type LiveStreamProvider,
  ProviderUnavailableError,
  type UniliveError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wowzaRealtime } from './wowza-realtime-provider.js';

// Wowza's 422 says what it refuses only in its body's code: `ERR-422-InvalidStateChange` is the stream's
// state, any other the input. These answers lose that body: the connection drops after the status line and a
// few bytes.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 5, media: false });
});
afterAll(async () => {
  await sandbox.close();
});

/** How one request's answer is lost: `keep` (0 to 1) of its body arrives, then the connection drops. */
type Loss = { keep: number; status?: number; body?: string };

/**
 * A `fetch` in front of the sandbox: each request `plan` names is forwarded (so the sandbox does what it
 * asks) and its answer lost as the plan says, or replaced by one of the plan's own; the others pass whole.
 */
function lossyFetch(plan: (method: string, path: string, attempt: number) => Loss | undefined) {
  const sent: string[] = [];
  const attempts = new Map<string, number>();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname.replace(/^.*(?=\/real_time)/, '');
    const key = `${request.method} ${path}`;
    sent.push(key);
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const answer = await globalThis.fetch(request);
    const loss = plan(request.method, path, attempt);
    if (loss === undefined) return answer;
    const status = loss.status ?? answer.status;
    const bytes =
      loss.body === undefined
        ? new Uint8Array(await answer.arrayBuffer())
        : new TextEncoder().encode(loss.body);
    const statusText = loss.status === undefined ? answer.statusText : 'Unprocessable Entity';
    return cutAnswer(status, statusText, bytes, Math.floor(loss.keep * bytes.length));
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** An answer declaring `bytes.length` bytes whose body breaks off after `kept` of them. */
function cutAnswer(status: number, statusText: string, bytes: Uint8Array, kept: number): Response {
  let given = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!given && kept > 0) {
        given = true;
        controller.enqueue(bytes.subarray(0, kept));
        return;
      }
      controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, {
    status,
    statusText,
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
  });
}

const keep = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function provider(fetch: typeof globalThis.fetch): LiveStreamProvider {
  return wowzaRealtime({ ...sandbox.adapterSettings('wowza-realtime'), fetch, retry: { maxRetries: 0 } });
}

async function fresh(): Promise<string> {
  const maker = wowzaRealtime(sandbox.adapterSettings('wowza-realtime'));
  return (await maker.create({ name: 'lost refusal' })).id;
}

const refusal = (code: string) =>
  JSON.stringify({
    meta: { status: 422, code, title: 'Unprocessable', message: 'refused', description: '' },
  });

describe('a Wowza Real-Time 422 whose body broke off', () => {
  it('on a stop: read as a refusal for the state, so a stream that is stopped is returned, and one that is not stays a ConflictError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), keep, async (applied, kept) => {
        const id = await fresh();
        // The stop reaches Wowza (applied) or not; either way its answer is a 422 whose body is lost.
        const { fetch, sent } = lossyFetch((method, path) =>
          method === 'PUT' && path === `/real_time/${id}/stop`
            ? { keep: kept, status: 422, body: refusal('ERR-422-InvalidStateChange') }
            : undefined,
        );
        const forwarded = applied
          ? fetch
          : (((input: RequestInfo | URL, init?: RequestInit) => {
              const request = input instanceof Request ? input : new Request(input, init);
              // Not applied: the stop never reaches the sandbox, only its lost refusal comes back.
              if (request.method === 'PUT')
                return Promise.resolve(
                  cutAnswer(422, 'Unprocessable Entity', new TextEncoder().encode(refusal('x')), 0),
                );
              return fetch(input, init);
            }) as typeof globalThis.fetch);
        const outcome = await provider(forwarded)
          .stop(id)
          .then(
            (stream) => ({ stream }),
            (error: unknown) => ({ error: error as UniliveError }),
          );
        if (applied) {
          expect(outcome).toMatchObject({ stream: { id } });
          const { stream } = outcome as { stream: { state: string } };
          expect(['stopped', 'stopping']).toContain(stream.state);
          expect(sent).toEqual([`PUT /real_time/${id}/stop`, `GET /real_time/${id}`]);
          return;
        }
        const { error } = outcome as { error: UniliveError };
        expect(ConflictError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ status: 422, operation: 'stop', delivery: 'refused' });
        expect(error.vendorCode).toBeUndefined();
        expect(error.message).toMatch(/\(the connection was lost after 0 bytes of the body\)$/);
      }),
      { numRuns: 10 },
    );
  });

  it('on a request with an input: the answer was lost, not the input refused (ProviderUnavailableError, refused, 422)', async () => {
    const id = await fresh();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('create', 'update'), keep, async (operation, kept) => {
        const { fetch } = lossyFetch((method) =>
          method === 'POST' || method === 'PATCH'
            ? { keep: kept, status: 422, body: refusal('ERR-422-RecordInvalid') }
            : undefined,
        );
        const wowza = provider(fetch);
        const error = (await (operation === 'create'
          ? wowza.create({ name: 'lost refusal' })
          : wowza.update(id, { name: 'lost refusal (renamed)' })
        ).catch((caught: unknown) => caught)) as UniliveError;
        expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ status: 422, operation, delivery: 'refused' });
        expect(error.vendorCode).toBeUndefined();
        expect(error.message).toMatch(/\(the connection was lost after \d+ bytes? of the body\)$/);
      }),
      { numRuns: 10 },
    );
  });
});
