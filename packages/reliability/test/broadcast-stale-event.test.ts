import {
  ConflictError,
  createEventHub,
  createLiveStreamClient,
  type LiveStream,
  TimeoutError,
  UnsupportedOperationError,
} from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import type { HostileProxy } from '../src/hostile-proxy.js';
import { type CheckRow, writeSection } from '../src/report.js';
import { listRuns, proxiedSandbox } from './proxied-sandbox.js';

// An encoder's `connected` event heard, then the stream stopped with its `disconnected` late or lost: the
// API's answer (stopped) has the last word over the older event, on every adapter. A wait for video fails
// fast where the stream is stopped for good (Real-Time), runs out its time where it can be started again
// (LiveAPI, whose stream read may not say whether video arrives), and a wait for video to stop ends at once;
// no wait resolves a stopped stream as broadcasting.

const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.broadcast-stale-event', { kind: 'checks', area: 'events', rows }));

for (const adapterId of adapterIds) describeAdapter(adapterId);

// LiveAPI's read of a stream, its `broadcasting_status` made one unilive does not know: the read then does
// not tell whether video arrives, and the events are asked.
function unknownBroadcastingStatus(proxy: HostileProxy): void {
  const accepts = (request: { method: string; path: string }) =>
    request.method === 'GET' && /\/live_streams\/[^/?]+$/.test(request.path.split('?')[0] ?? '');
  const plan = async (
    _request: unknown,
    forward: () => Promise<{ status: number; body: Buffer; headers: Record<string, string> }>,
  ) => {
    proxy.plan(plan, accepts);
    const upstream = await forward();
    const body = JSON.parse(upstream.body.toString('utf8')) as Record<string, unknown>;
    body.broadcasting_status = 'connecting';
    return { ...upstream, body: Buffer.from(JSON.stringify(body)) };
  };
  proxy.plan(plan, accepts);
}

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`waitForBroadcast after a stale connected event: ${adapterId}`, () => {
    const stage = proxiedSandbox(adapter, { streams: 0, namePrefix: 'unused', retry: { maxRetries: 0 } });

    it('the API has the last word: a stopped stream is never reported broadcasting, whatever the event said', async () => {
      const failures: string[] = [];
      // How the waits ended, by outcome: what the row's figure tells.
      const endings = new Map<string, number>();
      const ended = (how: string) => endings.set(how, (endings.get(how) ?? 0) + 1);
      let cases = 0;
      // The row is written whatever the cases found: a failing run's section says what failed.
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.boolean(),
            // When the encoder connected, from an hour before the stop to an hour after (a clock that is off).
            fc.integer({ min: -3_600, max: 3_600 }),
            fc.boolean(),
            async (target, offsetSeconds, unknownStatus) => {
              stage.proxy.reset();
              const provider = adapter.factory(stage.settings());
              const client = createLiveStreamClient(provider);
              const { stop } = provider.capabilities;
              const stream = await client.create({ name: 'unilive stale event' });
              if (adapter.needsStarted.includes('stop')) {
                await client.start(stream.id);
                await client.waitForState(stream.id, 'ready', { intervalMs: 100 });
              }
              const hub = createEventHub();
              hub.publish({
                id: `connected-${stream.id}`,
                type: 'live_stream.connected',
                provider: provider.id,
                streamId: stream.id,
                occurredAt: new Date(Date.now() + offsetSeconds * 1_000),
                broadcasting: true,
                raw: {},
              });
              if (stop) await client.stop(stream.id);
              if (unknownStatus && adapterId === 'liveapi') unknownBroadcastingStatus(stage.proxy);
              const said = `broadcasting ${target}, connected ${offsetSeconds} s from the stop, unknown status ${unknownStatus}`;
              // The wait ends with its first read of the stopped stream (not broadcasting, or a ConflictError
              // where it cannot start again), so its limit only ends one that hangs: 30 s, the shared config's.
              // A 300 ms limit ended such waits in a TimeoutError when the read's answer came 1 s late, as on
              // a busy machine. Where the stream may start again, the wait runs until its limit, which must
              // leave time to read the state it names (lastState 'stopped'): 2 s, not 300 ms.
              const runsOut = target && provider.capabilities.restart;
              const outcome: LiveStream | unknown = await client
                .waitForBroadcast(stream.id, {
                  events: hub,
                  broadcasting: target,
                  timeoutMs: runsOut ? 2_000 : 30_000,
                  intervalMs: 100,
                })
                .then(
                  (result) => result,
                  (error: unknown) => error,
                );
              stage.proxy.reset();
              hub.close();
              await client.delete(stream.id);
              cases += 1;
              try {
                expectEnding(said, outcome, stream.id, target, provider.capabilities, ended);
              } catch (error) {
                failures.push(`${said}: ${String(outcome)}`);
                throw error;
              }
            },
          ),
          { numRuns: Math.min(listRuns, 10) },
        );
      } finally {
        rows.push({
          check: 'a stopped stream is never reported broadcasting after a stale connected event',
          adapter: adapterId,
          runs: cases,
          failures,
          figure: [...endings].map(([how, count]) => `${how} ${count}`).join(', '),
        });
      }
    });
  });
}

function expectEnding(
  said: string,
  outcome: unknown,
  id: string,
  target: boolean,
  capabilities: { broadcastingStatus?: boolean; broadcastingEvents?: boolean; restart?: boolean },
  ended: (how: string) => void,
): void {
  const { broadcastingStatus, broadcastingEvents, restart } = capabilities;
  if (!broadcastingStatus && broadcastingEvents === false) {
    // Nothing tells on Wowza Video and videosdk: refused before any request, events or not.
    expect(UnsupportedOperationError.isInstance(outcome), `${said}: ${String(outcome)}`).toBe(true);
    ended('refused (nothing tells)');
    return;
  }
  if (!target) {
    // A stopped stream takes no video: waiting for it to stop ends at once.
    expect(outcome, said).toMatchObject({ id, state: 'stopped', broadcasting: false });
    ended('not broadcasting');
    return;
  }
  if (!restart) {
    expect(ConflictError.isInstance(outcome), `${said}: ${String(outcome)}`).toBe(true);
    expect((outcome as ConflictError).message, said).toContain('is stopped and will not start broadcasting');
    ended('ConflictError');
    return;
  }
  // Started again, it may take video: the wait goes on until its time runs out.
  expect(TimeoutError.isInstance(outcome), `${said}: ${String(outcome)}`).toBe(true);
  expect((outcome as TimeoutError).lastState, said).toBe('stopped');
  ended('TimeoutError');
}
