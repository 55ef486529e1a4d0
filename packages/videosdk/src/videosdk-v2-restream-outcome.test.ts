import { fileURLToPath } from 'node:url';
import { ChangeAppliedError } from '@unilive/core';
import { type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));
const fixture = (name: string): Fixture => loadFixture(directory, name);
const body = (name: string) => fixture(name).response.body as Record<string, unknown>;
const origin = 'https://api.videosdk.live';
const token = fixture('v2-rooms-get').request.headers?.authorization ?? '';
const room = 'abcd-efgh-ijkl';
const session = 'abcde94c96e17e03fb0abcde4';
// The target the RTMP-outs fixtures run (`v2-livestreams-list.running`).
const target = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'fcz-4da-dver-qxzp-0rm' };
const rtmpOutStart = {
  roomId: room,
  outputs: [target],
  config: { layout: { type: 'GRID', priority: 'SPEAKER' } },
};
const replay = (...names: string[]) => {
  for (const name of names) interceptFixture(nock(origin), fixture(name));
};

function setup() {
  const calls: string[] = [];
  const spy: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push(`${request.method} ${request.url}`);
    return fetch(request);
  };
  return { provider: videosdk({ token, apiVersion: 'v2', retry: { maxRetries: 0 }, fetch: spy }), calls };
}

// A room created here with one restream target, so that start sends it.
async function roomWithTarget() {
  const made = setup();
  nock(origin).post('/v2/rooms').reply(200, body('v2-rooms-create'));
  await made.provider.create({ name: 'x', restream: [target] });
  made.calls.length = 0;
  return made;
}

// Every exchange a case set up was requested, and none is left for the next case.
function settled(): string[] {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  return pending;
}

/** The start read-back: its egress, its RTMP-outs and the room (sorted). */
const readBack = [
  `GET ${origin}/v2/hls/${room}/active`,
  `GET ${origin}/v2/livestreams?roomId=${room}&sessionId=${session}&page=1&perPage=20`,
  `GET ${origin}/v2/rooms/${room}`,
];
// The room and its egress are read at once, in no set order: the reads are compared as a set.
const sorted = (calls: string[]) => [...calls.slice(0, 2), ...calls.slice(2).sort()];

// A 2xx the vendor may have sent after starting the RTMP-outs, but not JSON: a proxy's page, or the
// documented answer (a bare JSON string) or an answer object cut short at any point.
const unreadAnswer = fc.oneof(
  fc.record({
    status: fc.constantFrom(200, 201, 202),
    type: fc.constant('text/html'),
    text: fc.constantFrom(
      '<html><body>Bad gateway</body></html>',
      '<!DOCTYPE html><title>502</title>',
      '<html>',
    ),
  }),
  fc
    .record({
      status: fc.constantFrom(200, 201),
      whole: fc.constantFrom('"Livestream started successfully"', '{"id":"ls_1","status":"started"}'),
      cut: fc.nat(),
    })
    .map(({ status, whole, cut }) => ({
      status,
      type: 'application/json; charset=utf-8',
      text: whole.slice(0, 1 + (cut % (whole.length - 1))),
    })),
);

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(settled(), 'every recorded exchange was requested').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

describe('videosdk v2 start: the outcome of the RTMP-out start', () => {
  it('a 2xx that is not JSON is an unknown outcome: the warning says so, and `restream` is what the vendor runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        unreadAnswer,
        fc.constantFrom('running', 'ended') as fc.Arbitrary<'running' | 'ended'>,
        async (answer, ran) => {
          const { provider, calls } = await roomWithTarget();
          nock(origin).post('/v2/hls/start', { roomId: room }).reply(200, body('v2-hls-start'));
          nock(origin)
            .post('/v2/livestreams/start', rtmpOutStart)
            .reply(answer.status, answer.text, { 'content-type': answer.type });
          replay('v2-rooms-get', 'v2-hls-active.starting', `v2-livestreams-list.${ran}`);
          const stream = await provider.start(room);
          expect(stream.state).toBe('starting');
          expect(stream.warnings).toEqual([
            {
              type: 'other',
              setting: 'restream',
              message: `videosdk start: the HLS egress started, but whether the vendor started the restream targets is unknown (videosdk start (starting the RTMP-outs): expected a JSON body, received ${answer.type} that is not JSON (HTTP ${answer.status}), which may not be the vendor's: whether the request was carried out is unknown); it may be pushing to them. Read the stream (get) before starting them again: \`restream\` lists the RTMP-outs the vendor runs, and a second start of one that runs pushes it twice`,
            },
          ]);
          // What the vendor runs, as its RTMP-outs read tells: never the held list shown as if it ran.
          expect(stream.restream).toEqual(ran === 'running' ? [target] : []);
          // One RTMP-out start, never repeated.
          expect(sorted(calls)).toEqual([
            `POST ${origin}/v2/hls/start`,
            `POST ${origin}/v2/livestreams/start`,
            ...readBack,
          ]);
          expect(settled()).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a refusal started nothing: the warning says so, and no read lists the refused target', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(400, 422),
        fc.constantFrom('Please provide outputs.', 'bad output', 'Please provide layout under config object'),
        async (status, vendorMessage) => {
          const { provider, calls } = await roomWithTarget();
          nock(origin).post('/v2/hls/start', { roomId: room }).reply(200, body('v2-hls-start'));
          nock(origin).post('/v2/livestreams/start', rtmpOutStart).reply(status, { message: vendorMessage });
          replay('v2-rooms-get', 'v2-hls-active.starting', 'v2-livestreams-list.ended');
          const stream = await provider.start(room);
          expect(stream.warnings).toEqual([
            {
              type: 'other',
              setting: 'restream',
              message: `videosdk start: the HLS egress started, but the vendor refused the restream targets, so none was started (videosdk start (starting the RTMP-outs) failed (HTTP ${status}): ${vendorMessage}); start them with update({ restream })`,
            },
          ]);
          expect(stream.restream).toEqual([]);
          expect(sorted(calls)).toEqual([
            `POST ${origin}/v2/hls/start`,
            `POST ${origin}/v2/livestreams/start`,
            ...readBack,
          ]);
          // A later read of the running egress without RTMP-outs: the list is empty, not the refused one.
          replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.ended');
          expect((await provider.get(room)).restream).toEqual([]);
          expect(settled()).toEqual([]);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('videosdk v2 update: a refused restream while live', () => {
  it('the new set was refused and the old one ended: no read lists a target', async () => {
    const { provider } = setup();
    const next = [{ url: 'rtmps://live.example/app', streamKey: 'new-key-0001' }];
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.running', 'v2-livestreams-end');
    nock(origin)
      .post('/v2/livestreams/start', { ...rtmpOutStart, outputs: next })
      .reply(400, { message: 'bad output' });
    const error = await provider.update(room, { restream: next }).catch((caught: unknown) => caught);
    // The old set was ended (accepted) before the refusal: the change is partial, never a plain refusal.
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      operation: 'update',
      status: 400,
      delivery: undefined,
      applied: ['end-rtmp-outs'],
      unknown: [],
      notApplied: ['restream.0'],
    });
    replay('v2-rooms-get', 'v2-hls-active', 'v2-livestreams-list.ended');
    expect((await provider.get(room)).restream).toEqual([]);
  });
});
