import type { LiveStream } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaRealtimeStreamNames } from './wowza-realtime-webhooks.js';

// Walks are spaced by the time between two readings of the clock, an interval: a clock that steps back (a
// wall clock corrected by NTP, a VM restored) counts as time enough, so a stream created since the last walk
// is found by the next lookup, not an hour later when the clock has caught up.

const stream = (id: string, streamName: string): LiveStream =>
  ({
    id,
    provider: 'wowza-realtime',
    state: 'ready',
    ingest: [],
    playback: [],
    recording: false,
    providerDetails: { 'wowza-realtime': { sdk: { streamName } } },
    raw: {},
  }) as LiveStream;

describe('wowzaRealtimeStreamNames: a clock that steps back', () => {
  it('walks again for a name no walk found, whatever the step (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 86_400_000 }), async (stepBackMs) => {
        const streams: LiveStream[] = [stream('id-a', 'a')];
        let walks = 0;
        const source = {
          async *list() {
            walks += 1;
            yield* streams;
          },
        };
        let now = Date.parse('2026-11-29T12:00:00Z');
        const resolve = wowzaRealtimeStreamNames(source, { clock: () => now });
        expect(await resolve('a')).toBe('id-a');
        expect(walks).toBe(1);
        // Not there yet: the walk this lookup makes does not find it, and it is held off for refreshMs.
        expect(await resolve('b')).toBeUndefined();
        expect(walks).toBe(2);
        now -= stepBackMs;
        streams.push(stream('id-b', 'b'));
        expect(await resolve('b')).toBe('id-b');
        expect(walks).toBe(3);
        // The spacing holds again from the walk made after the step: a name that walk did not find is not
        // looked up again within refreshMs.
        expect(await resolve('c')).toBeUndefined();
        expect(walks).toBe(4);
        expect(await resolve('c')).toBeUndefined();
        expect(walks).toBe(4);
      }),
      { examples: [[1], [3_600_000]] },
    );
  });
});
