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
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// A live update whose new restream targets fail after the vendor accepted part of the call (the room's
// status toggle, the end of the running RTMP-outs): the caller learns what holds, what may, and what does
// not, and is never handed the bare vendor failure as if nothing had changed (docs/errors.md).

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const body = (name: string) => fixture(name).response.body as Record<string, unknown>;
const origin = 'https://api.videosdk.live';
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
// The key of the RTMP-out the `running` fixture lists: learned from the read, a secret too.
const runningKey = 'fcz-4da-dver-qxzp-0rm';
const layout = { type: 'GRID', priority: 'SPEAKER' };
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};

type How = 'refused' | 'server-error' | 'cut' | 'abort-before' | 'abort-during';
type Step = 'end' | 'start';

interface Case {
  toggle: boolean;
  running: boolean;
  step: Step;
  how: How;
  status: number;
  count: number;
}

const stepPath = { end: '/v2/livestreams/end', start: '/v2/livestreams/start' } as const;
const stepName = { end: 'ending the RTMP-outs', start: 'starting the RTMP-outs' } as const;

const targetsOf = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    url: `rtmps://live-${index}.example.com/app`,
    streamKey: `new-target-key-${index}-0123`,
  }));

const hows: How[] = ['refused', 'server-error', 'cut', 'abort-before', 'abort-during'];
const refusals = [400, 403, 422];
const failures = [500, 502, 503];
const answers = [200, 201];

/**
 * Every case of one way to fail: the room's toggle sent or not; RTMP-outs not running (only the start is
 * sent), running with the end failing, or running with the start failing; one to three new targets. The
 * status codes of the way rotate through the cases, so each is met.
 */
function casesOf(how: How): Case[] {
  const statuses = how === 'refused' ? refusals : how === 'server-error' ? failures : answers;
  const all: Case[] = [];
  for (const toggle of [false, true])
    for (const [running, step] of [
      [false, 'start'],
      [true, 'end'],
      [true, 'start'],
    ] as const)
      for (const count of [1, 2, 3])
        all.push({ toggle, running, step, how, status: statuses[all.length % statuses.length] ?? 0, count });
  return all;
}

/** What the failed step's own error says (its message, as the call would throw it with nothing applied). */
function stepMessage(c: Case): string {
  const named = `videosdk update (${stepName[c.step]})`;
  if (c.how === 'refused' || c.how === 'server-error')
    return `${named} failed (HTTP ${c.status}): no output [REDACTED] here`;
  if (c.how === 'cut')
    return `${named}: expected a JSON body, received application/json; charset=utf-8 that is not JSON (HTTP ${c.status}), which may not be the vendor's: whether the request was carried out is unknown`;
  return 'videosdk update was aborted';
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
  const next = targetsOf(c.count);
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    if (c.how === 'abort-during' && new URL(request.url).pathname === stepPath[c.step]) {
      // The request left: the abort comes while its answer is awaited.
      controller.abort(new Error('caller gave up'));
    }
    return fetch(request);
  };
  const client = createLiveStreamClient(
    videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch: spy }),
    {
      hooks: {
        onRequest: (event) => {
          // Aborted as the request is announced: it is never sent.
          if (c.how === 'abort-before' && new URL(event.url).pathname === stepPath[c.step])
            controller.abort(new Error('caller gave up'));
        },
      },
    },
  );
  if (c.toggle)
    nock(origin).post(`/v2/rooms/${room}`, { status: 'enabled' }).reply(200, body('v2-rooms-update'));
  replay('v2-rooms-get', 'v2-hls-active', `v2-livestreams-list.${c.running ? 'running' : 'ended'}`);
  const failing = (path: string, expected: nock.RequestBodyMatcher) => {
    const scope = nock(origin).post(path, expected);
    // The vendor's message echoes a key it was sent: no error may repeat it.
    const echoed = { message: `no output ${next[0]?.streamKey} here` };
    if (c.how === 'refused' || c.how === 'server-error') scope.reply(c.status, echoed);
    else if (c.how === 'cut')
      scope.reply(c.status, '{"message":"Livestream sta', {
        'content-type': 'application/json; charset=utf-8',
      });
    else if (c.how === 'abort-during') scope.delay(50).reply(200, '"Livestream started successfully"');
  };
  const startBody = { roomId: room, outputs: next, config: { layout } };
  if (c.running) {
    if (c.step === 'end') failing('/v2/livestreams/end', { roomId: room });
    else replay('v2-livestreams-end');
  }
  if (c.step === 'start') failing('/v2/livestreams/start', startBody);
  const caught = await client
    .update(
      room,
      {
        restream: next,
        ...(c.toggle ? { providerOptions: { videosdk: { disabled: false } } } : {}),
      },
      { signal: controller.signal },
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  // An aborted request's planned answer is never read.
  if (c.how === 'abort-before' || c.how === 'abort-during') nock.cleanAll();
  return { caught, calls, next, secrets: [runningKey, ...next.map((target) => target.streamKey)] };
}

/** The parts of the call, and the error's delivery, as the rules in docs/errors.md give them. */
function expectedParts(c: Case) {
  const lost = c.how === 'server-error' || c.how === 'cut' || c.how === 'abort-during';
  const applied = [
    ...(c.toggle ? ['providerOptions.videosdk.disabled'] : []),
    ...(c.running && c.step === 'start' ? ['end-rtmp-outs'] : []),
  ];
  const newSet = targetsOf(c.count).map((_, index) => `restream.${index}`);
  const failed = c.step === 'end' ? ['end-rtmp-outs'] : newSet;
  return {
    applied,
    unknown: lost ? failed : [],
    notApplied: c.step === 'end' ? [...(lost ? [] : failed), ...newSet] : lost ? [] : failed,
    lost,
  };
}

describe('videosdk v2 update: new restream targets on a live room that fail after an accepted change', () => {
  // One test per way to fail, each running all 18 of its cases (90 in all): every combination is met, and
  // each test's time limit covers a fifth of the work.
  it.each(hows)(
    '%s: names what was applied, what may have been and what was not; the bare failure only when nothing was accepted',
    async (how) => {
      for (const c of casesOf(how)) {
        await (async () => {
          const { caught, calls, secrets } = await run(c);
          // Exactly the requests of the call, in order, none repeated (the room and its egress are read at
          // once, so that pair is compared sorted); a request aborted before it was sent is not among them.
          const first = c.toggle ? 1 : 0;
          const seen = [
            ...calls.slice(0, first),
            ...calls.slice(first, first + 2).sort(),
            ...calls.slice(first + 2),
          ];
          expect(seen).toEqual(
            [
              ...(c.toggle ? [`POST /v2/rooms/${room}`] : []),
              `GET /v2/hls/${room}/active`,
              `GET /v2/rooms/${room}`,
              'GET /v2/livestreams',
              ...(c.running ? ['POST /v2/livestreams/end'] : []),
              ...(c.step === 'start' ? ['POST /v2/livestreams/start'] : []),
            ].filter((call) => c.how !== 'abort-before' || call !== `POST ${stepPath[c.step]}`),
          );
          expect(UniliveError.isInstance(caught)).toBe(true);
          const error = caught as UniliveError;
          const parts = expectedParts(c);
          const message = stepMessage(c);
          if (parts.applied.length === 0) {
            // Nothing was accepted before the failed request: its own error, as a single request's.
            expect(error.message).toBe(message);
            expect(error.delivery).toBe(
              c.how === 'refused' ? 'refused' : c.how === 'abort-before' ? 'not-sent' : 'unknown',
            );
            expect(ChangeAppliedError.isInstance(error)).toBe(false);
            if (c.how === 'server-error') expect(ProviderUnavailableError.isInstance(error)).toBe(true);
            if (c.how === 'cut') expect(ResponseShapeError.isInstance(error)).toBe(true);
            if (c.how.startsWith('abort')) expect(AbortError.isInstance(error)).toBe(true);
          } else if (c.how === 'abort-before' || c.how === 'abort-during') {
            // The caller asked to stop: an AbortError (the one message of every abort), which names what holds,
            // what may and what does not, as ChangeAppliedError would.
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
              message: 'videosdk update was aborted',
              operation: 'update',
              delivery: 'unknown',
              streamId: room,
              applied: parts.applied,
              unknown: parts.unknown,
              notApplied: parts.notApplied,
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
              operation: 'update',
              streamId: room,
              applied: parts.applied,
              unknown: parts.unknown,
              notApplied: parts.notApplied,
              delivery: parts.lost ? 'unknown' : undefined,
              status: c.status,
              isRetryable: false,
            });
            const what =
              c.step === 'end'
                ? parts.lost
                  ? `ending the running RTMP-outs got no answer unilive could read (${message}), so whether they ended is unknown, and the new restream targets were not started`
                  : `ending the running RTMP-outs failed (${message}), so they still run, and the new restream targets were not started`
                : parts.lost
                  ? `whether the vendor started the new restream targets is unknown (${message}); it may be pushing to them`
                  : `the vendor refused the new restream targets (${message}), so none was started${c.running ? ' and the stream has none: the old ones were ended' : ''}`;
            expect(applied.message).toBe(
              `videosdk update: on stream ${room}, ${what}. ${describe3(parts)}To finish, repeat the update: it ends the RTMP-outs it finds running before it starts the new set, so none is pushed twice.`,
            );
            expect(applied.cause).toMatchObject({ message });
          }
          // No restream key, old or new, in any rendering of the error.
          const shown = [
            error.message,
            error.stack,
            JSON.stringify(error),
            inspect(error, { depth: 10 }),
          ].join('\n');
          for (const secret of secrets) expect(shown).not.toContain(secret);
        })().catch((error: unknown) => {
          throw new Error(`case ${JSON.stringify(c)}`, { cause: error });
        });
        // The next case starts from no planned exchange, as a new property run did.
        expect(nock.pendingMocks(), `every planned exchange of ${JSON.stringify(c)} was requested`).toEqual(
          [],
        );
        nock.cleanAll();
      }
    },
  );
});

function describe3(parts: { applied: string[]; unknown: string[]; notApplied: string[] }): string {
  const sentence = (label: string, list: string[]) =>
    list.length > 0 ? `${label}: ${list.join(', ')}. ` : '';
  return (
    sentence('Applied', parts.applied) +
    sentence('Unknown (the answer was lost, the vendor may hold it)', parts.unknown) +
    sentence('Not applied', parts.notApplied)
  );
}
