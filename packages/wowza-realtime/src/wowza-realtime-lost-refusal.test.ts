import {
  ConflictError,
  type LiveStreamProvider,
  ProviderUnavailableError,
  type UniliveError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { droppedAnswer, lossyFetch } from '@unilive/testing';
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

// Paths as Wowza's API names them, without the sandbox's prefix.
const underApi = { path: (pathname: string) => pathname.replace(/^.*(?=\/real_time)/, '') };
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

// A 422 whose body came whole but names no code: empty, a proxy's HTML page, JSON of another shape.
const codeless = ['', '<html><body>422 Unprocessable Entity</body></html>', '{"meta":{"status":422}}', '{}'];

describe('a Wowza Real-Time 422 whose code cannot be read, its body whole', () => {
  it('on a stop (no input to refuse): a refusal for the state, so a stream that is stopped is returned, and one that is not stays a ConflictError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom(...codeless), async (applied, body) => {
        const id = await fresh();
        const sent: string[] = [];
        // The stop reaches Wowza (applied) or not; either way its answer is a 422 naming no code.
        const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
          const request = input instanceof Request ? input : new Request(input, init);
          sent.push(`${request.method} ${underApi.path(new URL(request.url).pathname)}`);
          if (request.method !== 'PUT') return globalThis.fetch(request);
          if (applied) await globalThis.fetch(request);
          return new Response(body, {
            status: 422,
            headers: { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' },
          });
        }) as typeof globalThis.fetch;
        const outcome = await provider(fetch)
          .stop(id)
          .then(
            (stream) => ({ stream }),
            (error: unknown) => ({ error: error as UniliveError }),
          );
        const said = `applied ${applied}, 422 ${JSON.stringify(body)}`;
        expect(sent, said).toEqual([`PUT /real_time/${id}/stop`, `GET /real_time/${id}`]);
        if (applied) {
          expect(outcome, said).toMatchObject({ stream: { id } });
          const { stream } = outcome as { stream: { state: string } };
          expect(['stopped', 'stopping'], said).toContain(stream.state);
          return;
        }
        const { error } = outcome as { error: UniliveError };
        expect(ConflictError.isInstance(error), `${said}: ${String(error)}`).toBe(true);
        expect(error, said).toMatchObject({ status: 422, operation: 'stop', delivery: 'refused' });
        expect(error.vendorCode, said).toBeUndefined();
      }),
      { numRuns: 12 },
    );
  });
});

describe('a Wowza Real-Time 422 whose body broke off', () => {
  it('on a stop: read as a refusal for the state, so a stream that is stopped is returned, and one that is not stays a ConflictError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), keep, async (applied, kept) => {
        const id = await fresh();
        // The stop reaches Wowza (applied) or not; either way its answer is a 422 whose body is lost.
        const { fetch, sent } = lossyFetch(
          (method, path) =>
            method === 'PUT' && path === `/real_time/${id}/stop`
              ? { keep: kept, status: 422, body: refusal('ERR-422-InvalidStateChange') }
              : undefined,
          underApi,
        );
        const forwarded = applied
          ? fetch
          : (((input: RequestInfo | URL, init?: RequestInit) => {
              const request = input instanceof Request ? input : new Request(input, init);
              // Not applied: the stop never reaches the sandbox, only its lost refusal comes back.
              if (request.method === 'PUT')
                return Promise.resolve(droppedAnswer(422, new TextEncoder().encode(refusal('x')), 0));
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
        const { fetch } = lossyFetch(
          (method) =>
            method === 'POST' || method === 'PATCH'
              ? { keep: kept, status: 422, body: refusal('ERR-422-RecordInvalid') }
              : undefined,
          underApi,
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
