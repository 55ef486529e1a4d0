import { describe, expect, it } from 'vitest';
import { fullCapabilities } from '../../test/fake-provider.js';
import { TimeoutError } from '../errors/errors.js';
import type { LiveStreamEvent } from '../events/live-stream-event.js';
import type { LiveStream } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// An event source whose next() settles at once (an endless generator, a backlog replayed from a log) must
// not hold the event loop: the wait's deadline is a timer, and it fires while the source still yields.
// Real timers: what is tested is that timers get their turn at all.

const bound = 20_000_000;

function starting(id: string): LiveStream {
  return { id, provider: 'stub', state: 'starting', ingest: [], playback: [], raw: {} };
}

const provider = {
  specificationVersion: 'v1',
  id: 'stub',
  capabilities: fullCapabilities,
  get: async (id: string) => starting(id),
} as unknown as LiveStreamProvider;

describe('a wait hearing an event source that never waits', () => {
  for (const about of ['another stream', 'the stream, never its goal'] as const) {
    it(`ends at its deadline while the source still yields (events about ${about})`, async () => {
      let yielded = 0;
      const event: LiveStreamEvent = {
        id: 'e',
        type: 'live_stream.state_changed',
        provider: 'stub',
        streamId: about === 'another stream' ? 's2' : 's1',
        state: 'starting',
        occurredAt: new Date('2026-12-04T12:00:00Z'),
        data: {},
        raw: {},
      };
      // Bounded only so that a regression ends (after many seconds) instead of holding the worker for ever.
      const source = {
        async *[Symbol.asyncIterator]() {
          while (yielded < bound) {
            yielded += 1;
            yield { ...event, id: `e${yielded}` };
          }
        },
      };
      const failed = await createLiveStreamClient(provider)
        .waitForState('s1', 'ready', { events: source, timeoutMs: 200, intervalMs: 100 })
        .catch((error: unknown) => error);
      expect(TimeoutError.isInstance(failed), String(failed)).toBe(true);
      expect(yielded).toBeLessThan(bound);
    });
  }
});
