import { createLiveStreamClient, type LiveStreamProvider, TimeoutError } from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { videosdk } from '@unilive/videosdk';
import { wowzaRealtime } from '@unilive/wowza-realtime';
import { wowzaVideo } from '@unilive/wowza-video';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A TimeoutError names the limit that ended the request as the caller set it (docs/errors.md,
// TimeoutError): `timeoutMs` for an attempt that ran its own time, the call's `totalTimeoutMs` for one the
// call's deadline cut, never the time the last attempt happened to have left. Every vendor below holds
// every request unanswered; the timers and the clock are faked, so which limit ends the call follows from
// the two limits and the moments the attempts were sent, not from the machine's speed.

const origin = 'https://vendor.example';
const adapters: Record<string, (settings: Settings) => LiveStreamProvider> = {
  'wowza-video': (settings) =>
    wowzaVideo({ ...settings, baseUrl: `${origin}/api/v2.0`, token: 'tok-abcdefgh' }),
  'wowza-realtime': (settings) =>
    wowzaRealtime({ ...settings, baseUrl: `${origin}/api/v2.0`, token: 'tok-abcdefgh' }),
  liveapi: (settings) =>
    liveapi({ ...settings, baseUrl: origin, tokenId: 'tid-abcdefgh', secretKey: 'sec-abcdefgh' }),
  'videosdk v2': (settings) => videosdk({ ...settings, baseUrl: origin, token: 'tok-abcdefgh' }),
  'videosdk v1': (settings) =>
    videosdk({ ...settings, baseUrl: origin, token: 'tok-abcdefgh', apiVersion: 'v1' }),
};
interface Settings {
  timeoutMs: number;
  totalTimeoutMs: number;
  retry: { maxRetries: number };
  fetch: typeof fetch;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a TimeoutError names the limit the caller set', () => {
  it('an attempt ended by timeoutMs names timeoutMs, one cut by the call deadline names totalTimeoutMs, on every adapter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(adapters)),
        fc.integer({ min: 1, max: 4_000 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.integer({ min: 0, max: 2 }),
        async (adapter, timeoutMs, totalTimeoutMs, maxRetries) => {
          vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
          vi.setSystemTime(1_700_000_000_000);
          const sent: { url: string; at: number }[] = [];
          // Every request is held: never answered (the HTTP layer ends it by its own timer).
          const held = ((input: Request | URL | string) => {
            sent.push({ url: input instanceof Request ? input.url : String(input), at: Date.now() });
            return new Promise<Response>(() => {});
          }) as typeof fetch;
          const provider = adapters[adapter]!({
            timeoutMs,
            totalTimeoutMs,
            retry: { maxRetries },
            fetch: held,
          });
          const client = createLiveStreamClient(provider);
          const began = Date.now();
          let settled: unknown;
          let done = false;
          void client.get('abc12345').then(
            () => {
              done = true;
            },
            (error: unknown) => {
              settled = error;
              done = true;
            },
          );
          while (!done) await vi.advanceTimersByTimeAsync(25);
          vi.useRealTimers();
          expect(TimeoutError.isInstance(settled), String(settled)).toBe(true);
          const error = settled as TimeoutError;
          // The request whose failure is the call's: videosdk v2 reads the room and its egress (`/v2/hls/…`)
          // at once, and the room's failure is the call's, whatever the egress read's own retries did
          // meanwhile (their backoff is random, so its last attempt may be sent after the room's). Its last
          // attempt was cut by the deadline when it had no more than timeoutMs left.
          const decisive = sent.filter((request) => !request.url.includes('/v2/hls/'));
          const last = Math.max(...decisive.map((request) => request.at));
          const cut = began + totalTimeoutMs - last <= timeoutMs;
          const limit = cut
            ? `before the call's time limit (totalTimeoutMs ${totalTimeoutMs} ms) ran out`
            : `within ${timeoutMs} ms (timeoutMs)`;
          // An attempt its own timeoutMs ended, with retries left: the deadline came before the next one,
          // and the message says so, with the wait the retry would have had.
          const unretried =
            /; not retried: the retry was due in (\d+) ms, after the call's time limit \(totalTimeoutMs (\d+) ms\) runs out$/.exec(
              error.message,
            );
          if (!cut && decisive.length < maxRetries + 1) {
            expect(unretried, error.message).not.toBeNull();
            expect(Number(unretried?.[2])).toBe(totalTimeoutMs);
            expect(last + timeoutMs + Number(unretried?.[1])).toBeGreaterThanOrEqual(began + totalTimeoutMs);
            expect(error.message).toBe(`${provider.id} get: no complete response ${limit}${unretried?.[0]}`);
          } else {
            expect(error.message).toBe(`${provider.id} get: no complete response ${limit}`);
          }
          expect({
            name: error.name,
            provider: error.provider,
            operation: error.operation,
            delivery: error.delivery,
          }).toEqual({ name: 'TimeoutError', provider: provider.id, operation: 'get', delivery: 'unknown' });
          expect(Math.max(...sent.map((request) => request.at)) - began).toBeLessThan(totalTimeoutMs);
        },
      ),
      {
        numRuns: 60,
        examples: [
          // The outside tester's case: a held answer, timeoutMs 1000, totalTimeoutMs 1500.
          ['wowza-video', 1_000, 1_500, 2],
          ['videosdk v2', 1_000, 1_500, 2],
          ['liveapi', 1_000, 1_500, 2],
          ['wowza-realtime', 1_000, 1_500, 0],
          ['videosdk v1', 2_000, 1_500, 0],
          // A run of CI's: the egress read's retry went out after the room's, which its timeoutMs ended.
          ['videosdk v2', 1_902, 4_251, 1],
        ],
      },
    );
  });
});
