import {
  type CallOptions,
  type Clock,
  createEventHub,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStreamProvider,
  TimeoutError,
  tokens,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';
import { type HeldRequest, holdUntilAborted } from './held-request.js';

// A wait's `timeoutMs` bounds every request it makes, the read of the whole stream that follows a status poll
// included: on the adapters whose polls are a cheaper status call (`getStatus`), once a poll sees the goal the
// wait reads the stream, and that read runs under the wait's deadline as the polls do. A vendor that holds the
// read ends the wait by its deadline with the wait's `TimeoutError` (`lastState` the state seen), through a
// client or a registry, for `waitForState` and `waitForBroadcast` alike.
//
// No timer decides the outcome: the client's clock stands still but where the test moves it. When the status
// poll has seen the goal, the clock is set either past the wait's deadline (the read must not be sent: no time
// left) or 40 ms before it, and a fetch placed between the adapter and the sandbox then holds the read, moving
// the clock past the deadline as a vendor that holds a request lets the time pass, until the attempt is
// aborted: the deadline cut the attempt's limit to those 40 ms, and leaves no time for a retry. Without the
// deadline the client's own attempt limit (5 s, 3 attempts) would end it, with the HTTP layer's error and no
// `lastState`.

const { counted, row } = checkSection('hardening.wait-final-read', 'waits');

/** The adapters whose waits poll a status call and then read the whole stream. */
const statusPolling = [
  'wowza-video',
  'wowza-realtime',
  'videosdk-v2',
] as const satisfies readonly AdapterId[];

type Wait = 'waitForState' | 'waitForBroadcast';
type When = 'no time left' | 'held in flight';

for (const adapterId of statusPolling) describeAdapter(adapterId);

function describeAdapter(adapterId: (typeof statusPolling)[number]): void {
  const adapter = adapters[adapterId];
  describe(`the read that ends a wait, under its deadline: ${adapterId}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ transitionMs: 5, media: false });
    });
    afterAll(async () => {
      await sandbox.close();
    });
    const base = () => ({ ...sandbox.adapterSettings(adapter.provider), ...adapter.settings });

    /** A stream of the case's own, ready. */
    async function readyStream(): Promise<string> {
      const maker = createLiveStreamClient(adapter.factory(base()));
      const made = await maker.create(adapter.fixtures.createInput);
      if (maker.capabilities.start && made.state !== 'ready') await maker.start(made.id);
      await maker.waitForState(made.id, 'ready', { timeoutMs: 30_000, intervalMs: 100 });
      return made.id;
    }

    it("ends by the wait's timeoutMs with its TimeoutError, the read cut to its deadline or never sent", async () => {
      let outcomes = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Wait>('waitForState', 'waitForBroadcast'),
          fc.constantFrom<When>('no time left', 'held in flight'),
          fc.constantFrom('client' as const, 'registry' as const),
          async (wait, when, via) =>
            counted(
              'the read after a status poll ends by the wait deadline, as the wait TimeoutError',
              adapterId,
              async () => {
                const id = await readyStream();
                // The clock the client runs on: it moves only when the test moves it.
                let now = Date.now();
                const clock: Clock = () => now;
                let armed = false;
                let deadline: number | undefined;
                const held: HeldRequest[] = [];
                const sent: string[] = [];
                // Between the adapter and the sandbox: once armed, every request is held until its attempt
                // is aborted, the clock moved past the deadline meanwhile (the vendor took that long).
                const fetchStandIn = (async (input: RequestInfo | URL, init?: RequestInit) => {
                  const request = new Request(input, init);
                  if (!armed) return fetch(request);
                  sent.push(new URL(request.url).pathname);
                  if (deadline !== undefined) now = Math.max(now, deadline + 1);
                  return holdUntilAborted(request, held);
                }) as typeof fetch;
                const inner = adapter.factory({
                  ...base(),
                  fetch: fetchStandIn,
                  timeoutMs: 5_000,
                  retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
                });
                // The options each call is handed: the read that ends the wait must carry the deadline.
                const handed: { call: string; deadline: unknown }[] = [];
                const provider = new Proxy(inner, {
                  get(target, key, receiver) {
                    const value = Reflect.get(target, key, receiver);
                    if (key !== 'get' && key !== 'getStatus') return value;
                    return async (streamId: string, options?: CallOptions) => {
                      handed.push({ call: key, deadline: options?.runtime?.deadline });
                      const answer = await (value as LiveStreamProvider['get']).call(
                        target,
                        streamId,
                        options,
                      );
                      if (key === 'getStatus' && answer.state === 'ready' && !armed) {
                        // The poll saw the goal: the wait's deadline is the one this poll was handed.
                        deadline = options?.runtime?.deadline;
                        if (typeof deadline !== 'number')
                          throw new Error('the status poll carried no deadline');
                        now = deadline + (when === 'no time left' ? 1 : -40);
                        armed = true;
                      }
                      return answer;
                    };
                  },
                }) as LiveStreamProvider;
                expect(typeof inner.getStatus).toBe('function');
                const container = createContainer();
                container.register(tokens.clock, { useValue: clock });
                const client = createLiveStreamClient(provider, { container });
                const hub = createEventHub();
                hub.publish({
                  id: `connected-${id}`,
                  type: 'live_stream.connected',
                  provider: adapter.provider,
                  streamId: id,
                  occurredAt: new Date(),
                  broadcasting: true,
                  raw: {},
                });
                const seesVideo = provider.capabilities.broadcastingEvents !== false;
                const registry = createLiveStreamRegistry({ providers: { only: client } });
                const options = { timeoutMs: 30_000, events: hub };
                const run = () =>
                  wait === 'waitForState'
                    ? via === 'client'
                      ? client.waitForState(id, 'ready', options)
                      : registry.waitForState(`only:${id}`, 'ready', options)
                    : via === 'client'
                      ? client.waitForBroadcast(id, options)
                      : registry.waitForBroadcast(`only:${id}`, options);
                let thrown: unknown;
                try {
                  await run();
                } catch (error) {
                  thrown = error;
                }
                const said = `${wait} ${when} via ${via}`;
                if (wait === 'waitForBroadcast' && !seesVideo) {
                  // Nothing to wait on here (the vendor never tells whether video arrives): refused unsent.
                  expect((thrown as Error | undefined)?.name, said).toBe('UnsupportedOperationError');
                  expect(handed, said).toEqual([]);
                  return;
                }
                outcomes += 1;
                expect(TimeoutError.isInstance(thrown), `${said}: ${String(thrown)}`).toBe(true);
                const error = thrown as TimeoutError;
                expect(error.lastState, said).toBe('ready');
                expect(error.delivery, said).toBeUndefined();
                expect(error.operation, said).toBe(wait);
                expect(error.message, said).toBe(
                  `${adapter.provider} stream ${id} was seen ready, but the read of the whole stream that ends the wait did not complete within the wait's 30000 ms (last state: ready)`,
                );
                // The read was handed the wait's deadline, as every poll was.
                const reads = handed.filter((call) => call.call === 'get');
                expect(reads.length, said).toBeGreaterThan(0);
                for (const call of handed) expect(call.deadline, said).toBe(deadline);
                if (when === 'no time left') {
                  // Past the deadline when the read would start: nothing was sent.
                  expect(sent, said).toEqual([]);
                } else {
                  // Sent, held, and ended by the deadline's cut of the attempt: no retry after it.
                  // A vendor read sent beside it (videosdk v2 reads a room and its egress at once) is cut to
                  // the same deadline, though it may end just after the wait did.
                  expect(held.length, said).toBeGreaterThan(0);
                  await expect
                    .poll(() => held.every((record) => record.aborted), { message: said })
                    .toBe(true);
                  expect(new Set(sent).size, said).toBe(sent.length);
                }
              },
              `${wait} ${when} via ${via}`,
            ),
        ),
        {
          numRuns: 8,
          examples: [
            ['waitForState', 'no time left', 'client'],
            ['waitForState', 'held in flight', 'client'],
            ['waitForState', 'held in flight', 'registry'],
            ['waitForBroadcast', 'held in flight', 'client'],
            ['waitForBroadcast', 'no time left', 'registry'],
          ],
        },
      );
      row(
        'the read after a status poll ends by the wait deadline, as the wait TimeoutError',
        adapterId,
      ).figure = `${outcomes} waits ended by their deadline`;
    });
  });
}
