import { createLiveStreamClient, type Sleep, TimeoutError, tokens } from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureClientSettings, fixtureRecord, fixtureStreamId } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// waitForBroadcast on a LiveAPI stream stopped with `enabled: false`: LiveAPI refuses its ingest while it is
// stopped, but `start` (from any process, or LiveAPI's console) makes it take video again, so the wait goes
// on; video arriving after a start ends it, and a stream that stays stopped ends it at `timeoutMs` with a
// TimeoutError that says why. Time is the client's injected clock: no wall time passes.

/** A LiveAPI holding the fixture's stream, stopped and offline; `start()` enables it and an encoder connects. */
function stoppedStream() {
  const record = { ...fixtureRecord(), _id: fixtureStreamId, enabled: false, broadcasting_status: 'offline' };
  let reads = 0;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    expect(`${request.method} ${new URL(request.url).pathname}`).toBe(`GET /live_streams/${fixtureStreamId}`);
    reads += 1;
    return Response.json(record);
  }) as typeof globalThis.fetch;
  return {
    fetch,
    reads: () => reads,
    startedWithVideo: () => Object.assign(record, { enabled: true, broadcasting_status: 'online' }),
  };
}

/** The client's clock and sleep: a sleep moves the clock on at once; `onSleep` runs as each one ends. */
function fakeTime(onSleep: (count: number) => void = () => {}) {
  let now = Date.now();
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    sleeps.push(ms);
    now += ms;
    onSleep(sleeps.length);
  };
  const container = createContainer();
  container.register(tokens.clock, { useValue: () => now });
  container.register(tokens.sleep, { useValue: sleep });
  return { container, sleeps };
}

describe('liveapi waitForBroadcast on a stopped stream', () => {
  it('waits on while it stays stopped, then ends at timeoutMs with a TimeoutError saying why', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 600 }), async (seconds) => {
        const vendor = stoppedStream();
        const time = fakeTime();
        const client = createLiveStreamClient(liveapi({ ...fixtureClientSettings, fetch: vendor.fetch }), {
          container: time.container,
        });
        const timeoutMs = seconds * 1_000;
        const error = await client.waitForBroadcast(fixtureStreamId, { timeoutMs }).catch((caught) => caught);
        expect(TimeoutError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({
          provider: 'liveapi',
          operation: 'waitForBroadcast',
          lastState: 'stopped',
        });
        expect((error as Error).message).toBe(
          `liveapi stream ${fixtureStreamId} did not start broadcasting within ${timeoutMs} ms (last state: stopped): a stopped stream takes no video until it is started again (start)`,
        );
        // The whole time was waited, in polls that back off by the client's defaults (1 s, growing by
        // half to 10 s, the last pause cut to the deadline), and not a poll more.
        const pauses: number[] = [];
        for (
          let interval = 1_000, left = timeoutMs;
          left > 0;
          interval = Math.min(10_000, Math.round(interval * 1.5))
        ) {
          pauses.push(Math.min(interval, left));
          left -= Math.min(interval, left);
        }
        expect(time.sleeps).toEqual(pauses);
        expect(vendor.reads()).toBe(pauses.length);
      }),
      { numRuns: 25 },
    );
  });

  it('ends once the stream is started and video arrives; waiting for video to stop ends at the first poll', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (stoppedPolls) => {
        const vendor = stoppedStream();
        // Started (by anyone) after a few polls, with an encoder pushing.
        let waitingForVideo = false;
        const time = fakeTime((count) => {
          if (waitingForVideo && count === stoppedPolls) vendor.startedWithVideo();
        });
        const client = createLiveStreamClient(liveapi({ ...fixtureClientSettings, fetch: vendor.fetch }), {
          container: time.container,
        });
        const stopped = await client.waitForBroadcast(fixtureStreamId, { broadcasting: false });
        expect(stopped).toMatchObject({ state: 'stopped', broadcasting: false });
        expect(time.sleeps).toEqual([]);
        waitingForVideo = true;
        const waiting = client.waitForBroadcast(fixtureStreamId, { timeoutMs: 600_000 });
        expect(await waiting).toMatchObject({ id: fixtureStreamId, state: 'ready', broadcasting: true });
        expect(time.sleeps).toHaveLength(stoppedPolls);
      }),
      { numRuns: 10 },
    );
  });
});
