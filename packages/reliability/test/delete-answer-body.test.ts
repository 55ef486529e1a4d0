import {
  createLiveStreamClient,
  NotFoundError,
  ResponseShapeError,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// A delete answered 2xx: the vendor's own answers (204 or an empty 200 on Wowza, `{"success": true}` on
// LiveAPI, the deleted record on videosdk v1, the disabled room on v2; any JSON at all) mean it is done; a
// body that is not JSON at all (a proxy's HTML page, JSON cut short) proves nothing, and the call fails the
// same way on every adapter: ResponseShapeError, status 200, `delivery: 'unknown'`, sent once, the stream
// left as it is (docs/decisions/2026-12-01-unread-success-bodies.md).

const html =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

/** The request a delete sends for `id`, as the vendor receives it (path relative to the sandbox dialect). */
const deleteRequest: Record<AdapterId, (id: string) => { method: string; path: RegExp; body: unknown }> = {
  'wowza-video': (id) => ({
    method: 'DELETE',
    path: new RegExp(`/api/v2\\.0/live_streams/${id}$`),
    body: '',
  }),
  'wowza-realtime': (id) => ({
    method: 'DELETE',
    path: new RegExp(`/api/v2\\.0/real_time/${id}$`),
    body: '',
  }),
  liveapi: (id) => ({ method: 'DELETE', path: new RegExp(`/live_streams/${id}$`), body: '' }),
  videosdk: (id) => ({ method: 'DELETE', path: new RegExp(`/v1/livestreams/${id}$`), body: '' }),
  'videosdk-v2': (id) => ({ method: 'POST', path: /\/v2\/rooms\/deactivate$/, body: { roomId: id } }),
};

// Retries are allowed (and free): an answer refused this way must still be sent once only.
const container = createContainer();
container.register(tokens.sleep, {
  useValue: (async (_ms, signal) => {
    if (signal?.aborted) throw signal.reason;
  }) as Sleep,
});

function expectUnknownShape(error: unknown, adapterId: AdapterId): void {
  expect(ResponseShapeError.isInstance(error)).toBe(true);
  const shape = error as ResponseShapeError;
  expect({
    provider: shape.provider,
    operation: shape.operation,
    status: shape.status,
    delivery: shape.delivery,
    isRetryable: shape.isRetryable,
    path: shape.issues[0]?.path,
  }).toEqual({
    provider: adapters[adapterId].provider,
    operation: 'delete',
    status: 200,
    delivery: 'unknown',
    isRetryable: false,
    path: '$',
  });
}

// A JSON text cut short: what a vendor began to send before its answer was cut (its length honest).
const cutJson = (text: string) =>
  fc.nat({ max: Math.max(0, text.length - 2) }).map((at) => text.slice(0, at + 1));
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const { counted } = checkSection('hardening.delete-answer-body', 'deletes');
const resolves = 'a delete answered 2xx with no body or JSON of any shape resolves, sent once';
const refused =
  "a delete answered 2xx with HTML or JSON cut short fails: ResponseShapeError, 'unknown', sent once";

describe('a delete answered 2xx, on the recorded fixtures (nock)', () => {
  const unmatched: string[] = [];
  const onNoMatch = (request: Request) => unmatched.push(`${request.method} ${request.url}`);
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(() => {
    nock.emitter.off('no match', onNoMatch);
    nock.enableNetConnect();
  });

  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const target = adapter.fixtures.operations.delete?.target as string;
    const recorded = loadFixture(adapter.fixtures.directory, target);
    const client = () =>
      createLiveStreamClient(
        adapter.factory({ ...adapter.fixtures.settings, ...adapter.settings, retry: { maxRetries: 2 } }),
        { container },
      );

    /** Deletes the subject with the recorded request answered by `response`: the outcome, and what was sent. */
    async function deleteAnswered(response: Fixture['response']) {
      nock.cleanAll();
      unmatched.length = 0;
      const scope = nock(adapter.fixtures.origin);
      // The recorded request, matched exactly (method, path, headers, body), answered once.
      interceptFixture(scope, { ...recorded, response });
      const outcome = await client()
        .delete(adapter.fixtures.subjectId)
        .then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
      return { outcome, sent: scope.isDone(), unmatched: [...unmatched] };
    }

    describe(adapterId, () => {
      it('resolves on the recorded answer, 204, an empty 200 or JSON of any shape', async () => {
        const accepted = fc.oneof(
          fc.constant(recorded.response),
          fc.constant<Fixture['response']>({ status: 204 }),
          fc.constant<Fixture['response']>({ status: 200, body: '' }),
          fc.jsonValue().map((value): Fixture['response'] => ({ status: 200, body: JSON.stringify(value) })),
        );
        await fc.assert(
          fc.asyncProperty(accepted, (response) =>
            counted(`${resolves} (recorded fixtures)`, adapterId, async () => {
              const { outcome, sent, unmatched } = await deleteAnswered(response);
              expect(outcome).toEqual({ ok: true, value: undefined });
              expect(sent).toBe(true);
              expect(unmatched).toEqual([]);
            }),
          ),
          { numRuns: 25 },
        );
      });

      it("fails with ResponseShapeError, delivery 'unknown', sent once, on an HTML page or JSON cut short", async () => {
        // The vendor's own answer cut short where it has one (Wowza's 204 has none: a record's JSON then).
        const vendorJson = JSON.stringify(
          recorded.response.body ?? { live_stream: { id: 'abc', name: 'x' } },
        );
        const answers = fc.oneof(
          fc.constant<Fixture['response']>({
            status: 200,
            headers: { 'content-type': 'text/html; charset=utf-8' },
            body: html,
          }),
          cutJson(vendorJson)
            .filter((text) => !parses(text))
            .map((body): Fixture['response'] => ({ status: 200, body })),
        );
        await fc.assert(
          fc.asyncProperty(answers, (response) =>
            counted(`${refused} (recorded fixtures)`, adapterId, async () => {
              const { outcome, sent, unmatched } = await deleteAnswered(response);
              expect(outcome.ok).toBe(false);
              if (!outcome.ok) expectUnknownShape(outcome.error, adapterId);
              expect(sent).toBe(true);
              // Not sent again: a retry would find no interceptor.
              expect(unmatched).toEqual([]);
            }),
          ),
          { numRuns: 25 },
        );
      });
    });
  }
});

describe('a delete answered 2xx, on the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 5, media: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const faultOperation = adapter.sandboxOperations.delete as NonNullable<
      (typeof adapter.sandboxOperations)['delete']
    >;

    function recordedClient() {
      const sent: { method: string; path: string; body: unknown }[] = [];
      const provider = adapter.factory({
        ...sandbox.adapterSettings(adapter.provider),
        ...adapter.settings,
        retry: { maxRetries: 2 },
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const request = new Request(input, init);
          const text = await request.clone().text();
          sent.push({
            method: request.method,
            path: new URL(request.url).pathname,
            body: text === '' ? '' : JSON.parse(text),
          });
          return fetch(request);
        },
      });
      return { client: createLiveStreamClient(provider, { container }), sent };
    }

    describe(adapterId, () => {
      it("fails with ResponseShapeError, delivery 'unknown', on the sandbox's html and malformed-json faults, and the stream still exists", async () => {
        for (const type of ['html', 'malformed-json'] as const) {
          await counted(
            `${refused}; the stream is kept (sandbox)`,
            adapterId,
            () => deleteFaulted(type),
            type,
          );
        }
      });

      async function deleteFaulted(type: 'html' | 'malformed-json') {
        const { client, sent } = recordedClient();
        const stream = await client.create({ name: `unilive delete answered ${type}` });
        sent.length = 0;
        sandbox.injectFault(adapter.provider, faultOperation, { type, times: 3 });
        const error = await client.delete(stream.id).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        sandbox.clearFaults();
        expectUnknownShape(error, adapterId);
        const expected = deleteRequest[adapterId](stream.id);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ method: expected.method, body: expected.body });
        expect(sent[0]?.path).toMatch(expected.path);
        // Nothing was deleted: the stream is still there, and a delete the vendor answers removes it.
        expect((await client.get(stream.id)).id).toBe(stream.id);
        await client.delete(stream.id);
        const gone = await client.get(stream.id).then(
          (found) => found,
          (caught: unknown) => caught,
        );
        expect(NotFoundError.isInstance(gone)).toBe(true);
      }

      it('resolves when the vendor carried the delete out and answered with no body or JSON of another shape', async () => {
        for (const object of [false, true]) {
          await counted(
            `${resolves} (sandbox)`,
            adapterId,
            () => deleteCarriedOut(object),
            object ? 'JSON' : 'no body',
          );
        }
      });

      async function deleteCarriedOut(object: boolean) {
        const { client, sent } = recordedClient();
        const stream = await client.create({ name: 'unilive delete answered empty' });
        sent.length = 0;
        sandbox.injectFault(adapter.provider, faultOperation, {
          type: 'empty-body',
          processed: true,
          object,
        });
        const outcome = await client.delete(stream.id).then(
          (value) => ({ ok: true, value }),
          (caught: unknown) => ({
            ok: false,
            error: UniliveError.isInstance(caught) ? caught.name : caught,
          }),
        );
        sandbox.clearFaults();
        expect(outcome).toEqual({ ok: true, value: undefined });
        const expected = deleteRequest[adapterId](stream.id);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ method: expected.method, body: expected.body });
        expect(sent[0]?.path).toMatch(expected.path);
      }
    });
  }
});
