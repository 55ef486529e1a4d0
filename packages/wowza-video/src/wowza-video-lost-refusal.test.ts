import {
  ConflictError,
  type LiveStreamProvider,
  ProviderUnavailableError,
  type UniliveError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { lossyFetch } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wowzaVideo } from './wowza-video-provider.js';

// Wowza's 422 says what it refuses only in its body's code: `ERR-422-InvalidStateChange` (a start while
// starting, a stop while starting) is the stream's state, any other the input. These answers lose that body:
// the connection drops after the status line and a few bytes.

let sandbox: Sandbox;
beforeAll(async () => {
  // Streams stay `starting` for the whole file: a start is never `ready` before its read.
  sandbox = await startSandbox({ transitionMs: 600_000, media: false });
});
afterAll(async () => {
  await sandbox.close();
});

// Paths as Wowza's API names them, without its root.
const underApi = { path: (pathname: string) => pathname.replace(/^\/wowza-video\/api\/v2\.0/, '') };
const noWait = { runtime: { sleep: async () => {} } };
const keep = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function provider(fetch: typeof globalThis.fetch, maxRetries = 2): LiveStreamProvider {
  return wowzaVideo({
    ...sandbox.adapterSettings('wowza-video'),
    fetch,
    retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

async function fresh(): Promise<string> {
  const maker = wowzaVideo(sandbox.adapterSettings('wowza-video'));
  return (await maker.create({ name: 'lost refusal' })).id;
}

// A 422 whose body came whole but names no code: empty, a proxy's HTML page, JSON of another shape.
const codeless = ['', '<html><body>422 Unprocessable Entity</body></html>', '{"meta":{"status":422}}', '{}'];

describe('a Wowza Video 422 whose code cannot be read, its body whole', () => {
  it('on a start or stop (no input to refuse): a refusal for the state, read back as the lifecycle rule does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('start', 'stop'),
        fc.constantFrom(...codeless),
        async (operation, body) => {
          // A fresh stream is stopped: the PUT never reaches the sandbox, only the 422 comes back.
          const id = await fresh();
          const sent: string[] = [];
          const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
            const request = input instanceof Request ? input : new Request(input, init);
            sent.push(`${request.method} ${underApi.path(new URL(request.url).pathname)}`);
            if (request.method === 'PUT')
              return new Response(body, {
                status: 422,
                headers: { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' },
              });
            return globalThis.fetch(request);
          }) as typeof globalThis.fetch;
          const outcome = await provider(fetch, 0)
            [operation](id, noWait)
            .then(
              (stream) => ({ stream }),
              (error: unknown) => ({ error: error as UniliveError }),
            );
          const said = `${operation} answered 422 ${JSON.stringify(body)}`;
          expect(sent[0], said).toBe(`PUT /live_streams/${id}/${operation}`);
          if (operation === 'stop') {
            // Read back: stopped already, where the stop leads, so the stop holds.
            expect(sent.slice(1), said).toEqual([`GET /live_streams/${id}`]);
            expect(outcome, said).toMatchObject({ stream: { id, state: 'stopped' } });
            return;
          }
          // Read back twice (the first, showing the state from before, may come from Wowza's cache).
          expect(sent.slice(1), said).toEqual([`GET /live_streams/${id}`, `GET /live_streams/${id}`]);
          const { error } = outcome as { error: UniliveError };
          expect(ConflictError.isInstance(error), `${said}: ${String(error)}`).toBe(true);
          expect(error, said).toMatchObject({ status: 422, operation, delivery: 'refused' });
          expect(error.vendorCode, said).toBeUndefined();
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('a Wowza Video 422 whose body broke off', () => {
  it('on a start whose first answer was lost: the repeat refused for the state, its body lost too, is a start that holds', async () => {
    await fc.assert(
      fc.asyncProperty(keep, keep, async (first, refusal) => {
        const id = await fresh();
        // The first PUT starts the stream and its 200 is lost; each repeat is refused (422), its body lost.
        const { fetch, sent } = lossyFetch(
          (method, path, attempt) =>
            method === 'PUT' && path === `/live_streams/${id}/start`
              ? { keep: attempt === 1 ? first : refusal }
              : undefined,
          underApi,
        );
        const stream = await provider(fetch).start(id, noWait);
        expect(stream).toMatchObject({ id, state: 'starting' });
        expect(stream.warnings).toBeUndefined();
        // Sent, repeated once and refused, then the stream read: nothing started twice.
        expect(sent.slice(0, 2)).toEqual([`PUT /live_streams/${id}/start`, `PUT /live_streams/${id}/start`]);
        expect(sent.slice(2).every((request) => request === `GET /live_streams/${id}`)).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('on a stop the stream state refuses: a ConflictError, as with its body whole, once the stream is read', async () => {
    const id = await fresh();
    await provider(globalThis.fetch).start(id);
    await fc.assert(
      fc.asyncProperty(keep, async (refusal) => {
        const { fetch, sent } = lossyFetch(
          (method, path) =>
            method === 'PUT' && path === `/live_streams/${id}/stop` ? { keep: refusal } : undefined,
          underApi,
        );
        const error = (await provider(fetch)
          .stop(id, noWait)
          .catch((caught: unknown) => caught)) as UniliveError;
        expect(ConflictError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ status: 422, operation: 'stop', delivery: 'refused' });
        expect(error.vendorCode).toBeUndefined();
        expect(error.message).toMatch(
          /^wowza-video stop failed \(HTTP 422\): .*\(the connection was lost after \d+ bytes? of the body\)$/,
        );
        // The stream was read (twice: Wowza may serve the first from its cache) before the refusal stood.
        expect(sent).toEqual([
          `PUT /live_streams/${id}/stop`,
          `GET /live_streams/${id}`,
          `GET /live_streams/${id}`,
        ]);
      }),
      { numRuns: 10 },
    );
  });

  it('on a request with an input: the answer was lost, not the input refused (ProviderUnavailableError, refused, 422)', async () => {
    const id = await fresh();
    const refusal = JSON.stringify({
      meta: {
        status: 422,
        code: 'ERR-422-RecordInvalid',
        title: 'Record Invalid Error',
        message: 'Name is too long',
        description: '',
      },
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('create', 'update'), keep, async (operation, kept) => {
        const { fetch } = lossyFetch(
          (method) =>
            method === 'POST' || method === 'PATCH' ? { keep: kept, status: 422, body: refusal } : undefined,
          underApi,
        );
        const wowza = provider(fetch, 0);
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
