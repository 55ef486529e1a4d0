import { fileURLToPath } from 'node:url';
import { AbortError, createLiveStreamClient, NotFoundError, type UniliveError } from '@unilive/core';
import {
  type Fixture,
  loadFixture,
  type OtherRealmSignalQuirk,
  otherRealmAbortController,
} from '@unilive/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { videosdk } from './index.js';

// v2 reads a room and its HLS egress at once. Whichever answer arrives first, the call ends as the two
// reads in turn ended it: the room's failure wins, the egress read's failure fails a room that was read.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const roomPath = `/v2/rooms/${room}`;
const hlsPath = `/v2/hls/${room}/active`;
const rtmpOutsPath = '/v2/livestreams';

/** What a stand-in vendor answers to one read: a recorded answer, or a connection that fails. */
type Answer = { status: number; body: unknown } | 'network';

const recorded = (name: string): Answer => {
  const { response } = fixture(name);
  return { status: response.status, body: response.body };
};

const roomAnswers = {
  found: recorded('v2-rooms-get'),
  missing: recorded('v2-rooms-get.404'),
  refused: recorded('v2-rooms-get.401'),
  failing: recorded('v2-rooms-get.500'),
  unreachable: 'network',
} as const satisfies Record<string, Answer>;

const hlsAnswers = {
  none: recorded('v2-hls-active.none'),
  running: recorded('v2-hls-active'),
  // 402 is the vendor SDK's "room not found": an error, never "no HLS".
  roomGone: { status: 402, body: { message: 'Room not found.' } },
  failing: { status: 500, body: { message: 'internal' } },
  unreachable: 'network',
} as const satisfies Record<string, Answer>;

const statusOf = (answer: Answer) => (answer === 'network' ? undefined : answer.status);

const respond = (answer: Answer): Response => {
  if (answer === 'network') throw new TypeError('fetch failed');
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { 'content-type': 'application/json' },
  });
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
  for (const name of ['VIDEOSDK_TOKEN', 'VIDEOSDK_API_KEY', 'VIDEOSDK_SECRET', 'VIDEOSDK_API_VERSION'])
    vi.stubEnv(name, '');
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.unstubAllEnvs();
});

/** Lets every rejection still pending be reported as unhandled before it is checked. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('videosdk v2 get: the room and its egress read at once', () => {
  it('ends as the reads in turn did, whichever answer arrives first, and leaves no rejection unhandled', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each answer runs its course, to the next macrotask, before the next arrives: a rejection nobody
        // handles yet is reported by then.
        fc.scheduler({
          act: async (release) => {
            await release();
            await settle();
          },
        }),
        fc.constantFrom(...(Object.keys(roomAnswers) as (keyof typeof roomAnswers)[])),
        fc.constantFrom(...(Object.keys(hlsAnswers) as (keyof typeof hlsAnswers)[])),
        async (scheduler, roomCase, hlsCase) => {
          const sent: string[] = [];
          const running = new Set<Request>();
          // Every answer waits for the scheduler, which releases them in a generated order.
          const fetch: typeof globalThis.fetch = async (input, init) => {
            const request = new Request(input, init);
            running.add(request);
            request.signal.addEventListener('abort', () => running.delete(request), { once: true });
            const url = new URL(request.url);
            sent.push(`${request.method} ${url.pathname}${url.search}`);
            expect(request.headers.get('authorization')).toBe(token);
            const answer =
              url.pathname === roomPath
                ? roomAnswers[roomCase]
                : url.pathname === hlsPath
                  ? hlsAnswers[hlsCase]
                  : recorded('v2-livestreams-list.running');
            await scheduler.schedule(Promise.resolve(), `${url.pathname} answers`);
            running.delete(request);
            return respond(answer);
          };
          const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
          const outcome = provider.get(room).then(
            (stream) => ({ stream, error: undefined }),
            (error: UniliveError) => ({ stream: undefined, error }),
          );
          const { stream, error } = await scheduler.waitFor(outcome);
          // The call ended only once every request it sent had been answered or aborted (the egress read
          // is, once the room read has failed): no request left running.
          expect(running.size).toBe(0);
          await settle();
          expect(unhandled).toEqual([]);

          // Both reads are sent, once each; the running egress's RTMP-outs only once both were read.
          const roomFine = roomCase === 'found';
          const hlsFine = hlsCase === 'none' || hlsCase === 'running';
          const expectedRequests = [`GET ${roomPath}`, `GET ${hlsPath}`];
          if (roomFine && hlsCase === 'running')
            expectedRequests.push(
              `GET ${rtmpOutsPath}?roomId=${room}&sessionId=abcde94c96e17e03fb0abcde4&page=1&perPage=20`,
            );
          expect([...sent].sort()).toEqual(expectedRequests.sort());
          if (roomCase === 'found' && hlsCase === 'running') expect(sent.at(-1)).toContain(rtmpOutsPath);

          if (!roomFine) {
            // The room's error, as a read of the room alone gives it.
            expect(error?.operation).toBe('get');
            expect(error?.status).toBe(statusOf(roomAnswers[roomCase]));
            if (roomCase === 'missing') expect(NotFoundError.isInstance(error)).toBe(true);
          } else if (!hlsFine) {
            // The egress read serves `get`: its error names `get`, and its message the request that failed.
            expect(error?.operation).toBe('get');
            expect(error?.message).toContain('videosdk get (reading the HLS egress)');
            expect(error?.status).toBe(statusOf(hlsAnswers[hlsCase]));
            if (hlsCase === 'roomGone') expect(NotFoundError.isInstance(error)).toBe(true);
          } else {
            expect(error).toBeUndefined();
            expect(stream?.id).toBe(room);
            expect(stream?.state).toBe(hlsCase === 'running' ? 'ready' : 'stopped');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stops the egress read's retries once the room read has failed, and ends with the room's error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('missing', 'refused') satisfies fc.Arbitrary<keyof typeof roomAnswers>,
        // Answers the egress read retries after a wait: a 429's Retry-After, a 5xx's backoff, a lost connection.
        fc.oneof(
          fc.integer({ min: 1, max: 60 }).map((seconds) => ({ status: 429, retryAfter: String(seconds) })),
          fc.constantFrom<{ status: number; retryAfter?: string } | 'network'>(
            { status: 429 },
            { status: 500 },
            { status: 503 },
            'network',
          ),
        ),
        fc.boolean(),
        async (roomCase, hlsAnswer, roomFirst) => {
          const sent: string[] = [];
          // Each Request is kept while the vendor has it, as a fetch in flight keeps its own: its signal
          // follows the call's only while it lives (undici links them weakly).
          const held: Request[] = [];
          let hlsAnswered: () => void = () => {};
          const hlsFirstAnswer = new Promise<void>((resolve) => {
            hlsAnswered = resolve;
          });
          // A vendor whose egress read answers only to be retried, or (room first) never answers at all.
          const fetch: typeof globalThis.fetch = async (input, init) => {
            const request = new Request(input, init);
            held.push(request);
            const { pathname } = new URL(request.url);
            sent.push(pathname);
            const aborted = new Promise<never>((_, reject) => {
              request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
            });
            if (pathname === roomPath) {
              if (!roomFirst) await Promise.race([hlsFirstAnswer, aborted]);
              return respond(roomAnswers[roomCase]);
            }
            if (roomFirst) return aborted;
            hlsAnswered();
            if (hlsAnswer === 'network') throw new TypeError('fetch failed');
            return new Response(JSON.stringify({ message: 'try again' }), {
              status: hlsAnswer.status,
              headers: {
                'content-type': 'application/json',
                ...(hlsAnswer.retryAfter === undefined ? {} : { 'retry-after': hlsAnswer.retryAfter }),
              },
            });
          };
          // A wait between retries ends only when its signal aborts: an egress read left running would
          // hold the call.
          const waits: AbortSignal[] = [];
          const sleep = (_ms: number, signal?: AbortSignal) =>
            new Promise<void>((_, reject) => {
              if (signal === undefined) return;
              waits.push(signal);
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            });
          const provider = videosdk({ token, apiVersion: 'v2', fetch });
          const error = (await provider
            .get(room, { runtime: { sleep } })
            .catch((caught: unknown) => caught)) as UniliveError | undefined;

          expect(error?.operation).toBe('get');
          expect(error?.status).toBe(statusOf(roomAnswers[roomCase]));
          if (roomCase === 'missing') expect(NotFoundError.isInstance(error)).toBe(true);
          // Each read sent once: no retry of the egress read after the room's failure.
          expect([...sent].sort()).toEqual([hlsPath, roomPath].sort());
          expect(waits.every((signal) => signal.aborted)).toBe(true);
          await settle();
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("aborts both reads with the call's signal, and ends with the abort", async () => {
    // The Requests, not only their signals, are kept: a Request's signal follows the call's only while the
    // Request lives (undici links them weakly), as a fetch in flight keeps its own.
    const requests: Request[] = [];
    let bothSent: () => void = () => {};
    const sentBoth = new Promise<void>((resolve) => {
      bothSent = resolve;
    });
    // A vendor that never answers: only the abort ends a read.
    const fetch: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      requests.push(request);
      if (requests.length === 2) bothSent();
      return new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    };
    const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
    const controller = new AbortController();
    const outcome = provider.get(room, { signal: controller.signal }).catch((error: unknown) => error);
    await sentBoth;
    controller.abort();
    const error = await outcome;
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as UniliveError).operation).toBe('get');
    expect(requests.map((request) => request.signal.aborted)).toEqual([true, true]);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it("sends both reads through the client's hooks and its gate (one in flight at a time there)", async () => {
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const { pathname } = new URL(new Request(input, init).url);
      return respond(pathname === roomPath ? roomAnswers.found : hlsAnswers.none);
    };
    const requests: string[] = [];
    const client = createLiveStreamClient(
      videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch }),
      {
        hooks: { onRequest: (event) => requests.push(`${event.operation} ${event.method} ${event.url}`) },
        rateLimit: { maxConcurrency: 1 },
      },
    );
    expect((await client.get(room)).state).toBe('stopped');
    // Both serve the caller's get: both events name it.
    expect([...requests].sort()).toEqual([
      `get GET https://api.videosdk.live${hlsPath}`,
      `get GET https://api.videosdk.live${roomPath}`,
    ]);
  });
});

// A caller's signal from another realm (a vm context, an iframe) reaches the two reads of `get` as a platform
// signal that follows it (core's platformSignal): its addEventListener is called once for its life, its
// removeEventListener never, so a method or getter of it that throws later fails nothing; its abort, before,
// during either read or after the call, ends the call as a platform signal's would.
describe('videosdk v2 get with a signal of another realm', () => {
  type Moment = 'before' | 'during the room read' | 'during the egress read' | 'after';
  it('follows it through one listener, whenever it fires and however it misbehaves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Moment>('before', 'during the room read', 'during the egress read', 'after'),
        fc.constantFrom<OtherRealmSignalQuirk>('none', 'remove-throws', 'reason-throws'),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        async (moment, quirk, running, calls) => {
          const controller = otherRealmAbortController(quirk);
          const sent: string[] = [];
          // Each Request is kept while the vendor has it, as a fetch in flight keeps its own: its signal
          // follows the call's only while it lives (undici links them weakly).
          const held: Request[] = [];
          let abortedReads = 0;
          const fetch: typeof globalThis.fetch = async (input, init) => {
            const request = new Request(input, init);
            held.push(request);
            const { pathname } = new URL(request.url);
            sent.push(pathname);
            const during =
              (moment === 'during the room read' && pathname === roomPath) ||
              (moment === 'during the egress read' && pathname === hlsPath);
            if (during) {
              const answer = new Promise<Response>((_, reject) => {
                request.signal.addEventListener('abort', () => {
                  abortedReads += 1;
                  reject(request.signal.reason);
                });
              });
              controller.abort();
              return answer;
            }
            if (pathname === roomPath) return respond(roomAnswers.found);
            if (pathname === hlsPath) return respond(running ? hlsAnswers.running : hlsAnswers.none);
            return respond({ status: 200, body: { data: [], pageInfo: { currentPage: 1, lastPage: 1 } } });
          };
          const provider = videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch });
          if (moment === 'before') controller.abort();
          const get = () =>
            provider.get(room, { signal: controller.signal }).then(
              (stream) => stream,
              (error: unknown) => error,
            );
          for (let call = 0; call < calls; call += 1) {
            const outcome = await get();
            if (moment === 'after') {
              expect(outcome).toMatchObject({ id: room, state: running ? 'ready' : 'stopped' });
            } else {
              expect(AbortError.isInstance(outcome)).toBe(true);
              const during = moment !== 'before' && call === 0;
              expect((outcome as UniliveError).delivery).toBe(during ? 'unknown' : 'not-sent');
            }
          }
          const made = [...sent];
          if (moment === 'after') controller.abort();
          // Once aborted, no read is sent.
          expect(AbortError.isInstance(await get())).toBe(true);
          expect(sent).toEqual(made);
          if (moment === 'before') expect(sent).toEqual([]);
          // Aborted during a read, both reads end (the one aborted, and the other if it was still running).
          if (moment.startsWith('during')) expect(abortedReads).toBe(1);
          expect(controller.signal.added).toBe(moment === 'before' ? 0 : 1);
          expect(controller.signal.removed).toBe(0);
          await settle();
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
