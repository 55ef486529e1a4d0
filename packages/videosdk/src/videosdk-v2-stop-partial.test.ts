import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import {
  AbortError,
  ChangeAppliedError,
  createLiveStreamClient,
  ProviderUnavailableError,
  ResponseShapeError,
  UniliveError,
} from '@unilive/core';
import { type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// A v2 stop ends the running RTMP-outs before the HLS egress. When the egress end then fails, the RTMP-outs
// are already gone: the caller is told so, never handed the bare vendor failure as if nothing had changed.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const origin = 'https://api.videosdk.live';
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
// The key of the RTMP-out the `running` fixture lists: learned from the read, a secret.
const runningKey = 'fcz-4da-dver-qxzp-0rm';
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};

type How = 'refused' | 'server-error' | 'cut' | 'abort-before' | 'abort-during';

interface Case {
  running: boolean;
  how: How;
  status: number;
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    running: fc.boolean(),
    how: fc.constantFrom<How>('refused', 'server-error', 'cut', 'abort-before', 'abort-during'),
    refusal: fc.constantFrom(400, 403, 422),
    failure: fc.constantFrom(500, 502, 503),
    answered: fc.constantFrom(200, 201),
  })
  .map(({ running, how, refusal, failure, answered }) => ({
    running,
    how,
    status: how === 'refused' ? refusal : how === 'server-error' ? failure : answered,
  }));

/** The egress end's own error message, as the call throws it when nothing was accepted before it. */
function stepMessage(c: Case): string {
  const named = 'videosdk stop (ending the HLS egress)';
  if (c.how === 'refused' || c.how === 'server-error')
    return `${named} failed (HTTP ${c.status}): no egress for ${c.running ? '[REDACTED]' : 'that room'} here`;
  if (c.how === 'cut')
    return `${named}: expected a JSON body, received application/json; charset=utf-8 that is not JSON (HTTP ${c.status}), which may not be the vendor's: whether the request was carried out is unknown`;
  return 'videosdk stop was aborted';
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every planned exchange was requested').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

async function run(c: Case) {
  const calls: string[] = [];
  const controller = new AbortController();
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    // The request left: the abort comes while its answer is awaited.
    if (c.how === 'abort-during' && new URL(request.url).pathname === '/v2/hls/end')
      controller.abort(new Error('caller gave up'));
    return fetch(request);
  };
  const client = createLiveStreamClient(
    videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch: spy }),
    {
      hooks: {
        onRequest: (event) => {
          // Aborted as the request is announced: it is never sent.
          if (c.how === 'abort-before' && new URL(event.url).pathname === '/v2/hls/end')
            controller.abort(new Error('caller gave up'));
        },
      },
    },
  );
  replay('v2-hls-active', `v2-livestreams-list.${c.running ? 'running' : 'ended'}`);
  if (c.running) replay('v2-livestreams-end');
  const scope = nock(origin).post('/v2/hls/end', { roomId: room });
  // The vendor's message echoes the running RTMP-out's key (learned from the list that showed it): no error
  // may repeat it.
  const echoed = { message: `no egress for ${c.running ? runningKey : 'that room'} here` };
  if (c.how === 'refused' || c.how === 'server-error') scope.reply(c.status, echoed);
  else if (c.how === 'cut')
    scope.reply(c.status, '{"message":"HLS en', { 'content-type': 'application/json; charset=utf-8' });
  else if (c.how === 'abort-during') scope.delay(50).reply(200, '"HLS ended successfully"');
  const caught = await client.stop(room, { signal: controller.signal }).then(
    () => undefined,
    (error: unknown) => error,
  );
  // An aborted request's planned answer is never read.
  if (c.how === 'abort-before' || c.how === 'abort-during') nock.cleanAll();
  return { caught, calls };
}

describe('videosdk v2 stop: the HLS end fails after the RTMP-outs were ended', () => {
  it('names the ended RTMP-outs and the egress end; the bare failure only when no RTMP-out was ended', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { caught, calls } = await run(c);
        expect(calls).toEqual(
          [
            `GET /v2/hls/${room}/active`,
            'GET /v2/livestreams',
            ...(c.running ? ['POST /v2/livestreams/end'] : []),
            'POST /v2/hls/end',
          ].filter((call) => c.how !== 'abort-before' || call !== 'POST /v2/hls/end'),
        );
        expect(UniliveError.isInstance(caught)).toBe(true);
        const error = caught as UniliveError;
        const message = stepMessage(c);
        const lost = c.how === 'server-error' || c.how === 'cut' || c.how === 'abort-during';
        const parts = {
          applied: ['end-rtmp-outs'],
          unknown: lost ? ['stop'] : [],
          notApplied: lost ? [] : ['stop'],
        };
        if (!c.running) {
          // Nothing was accepted before the egress end: its own error, as a single request's.
          expect(error.message).toBe(message);
          expect(error.delivery).toBe(
            c.how === 'refused' ? 'refused' : c.how === 'abort-before' ? 'not-sent' : 'unknown',
          );
          expect(ChangeAppliedError.isInstance(error)).toBe(false);
          if (c.how === 'server-error') expect(ProviderUnavailableError.isInstance(error)).toBe(true);
          if (c.how === 'cut') expect(ResponseShapeError.isInstance(error)).toBe(true);
          if (c.how.startsWith('abort')) expect(AbortError.isInstance(error)).toBe(true);
        } else if (c.how === 'abort-before' || c.how === 'abort-during') {
          expect(AbortError.isInstance(error)).toBe(true);
          expect(ChangeAppliedError.isInstance(error)).toBe(false);
          const abort = error as AbortError;
          expect({
            message: abort.message,
            operation: abort.operation,
            delivery: abort.delivery,
            streamId: abort.streamId,
            applied: abort.applied,
            unknown: abort.unknown,
            notApplied: abort.notApplied,
          }).toEqual({
            message: 'videosdk stop was aborted',
            operation: 'stop',
            delivery: 'unknown',
            streamId: room,
            ...parts,
          });
        } else {
          expect(ChangeAppliedError.isInstance(error)).toBe(true);
          const applied = error as ChangeAppliedError;
          expect({
            name: applied.name,
            operation: applied.operation,
            streamId: applied.streamId,
            applied: applied.applied,
            unknown: applied.unknown,
            notApplied: applied.notApplied,
            delivery: applied.delivery,
            status: applied.status,
            isRetryable: applied.isRetryable,
          }).toEqual({
            name: 'ChangeAppliedError',
            operation: 'stop',
            streamId: room,
            ...parts,
            delivery: lost ? 'unknown' : undefined,
            status: c.status,
            isRetryable: false,
          });
          const what = lost
            ? `ending the HLS egress got no answer unilive could read (${message}), so whether it ended is unknown; its RTMP-outs were ended`
            : `ending the HLS egress failed (${message}), so it still runs, while its RTMP-outs were ended`;
          const said = `Applied: end-rtmp-outs. ${lost ? 'Unknown (the answer was lost, the vendor may hold it): stop. ' : 'Not applied: stop. '}`;
          expect(applied.message).toBe(
            `videosdk stop: on stream ${room}, ${what}. ${said}To finish, repeat the stop: it ends only what it finds running.`,
          );
          expect(applied.cause).toMatchObject({ message });
          if (c.how === 'refused') expect(applied.vendorMessage).toBe(`no egress for [REDACTED] here`);
        }
        const shown = [error.message, error.stack, JSON.stringify(error), inspect(error, { depth: 10 })].join(
          '\n',
        );
        expect(shown).not.toContain(runningKey);
      }),
      { numRuns: 80 },
    );
  });
});
