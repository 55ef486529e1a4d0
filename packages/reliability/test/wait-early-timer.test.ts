import {
  type Clock,
  createEventHub,
  createLiveStreamClient,
  createLiveStreamRegistry,
  TimeoutError,
  tokens,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';
import { type HeldRequest, holdUntilAborted } from './held-request.js';

// A wait cut by its own deadline ends with the wait's `TimeoutError` (no `delivery`, the wait's message), even
// when the attempt timer that cut its poll fires while the client's clock still reads a little before the
// deadline. Node runs timers on the event loop's cached time, so a timer armed for "the time left until the
// deadline" may fire a millisecond or two before `Date.now()` reaches it; the wait used to take the poll's
// TimeoutError for its own only when its clock had passed the deadline, and such a wait came out as the HTTP
// layer's attempt TimeoutError (`delivery: 'unknown'`, the per-request message), retried first.
//
// No real timer jitter decides it: the client's clock stands still but where the test moves it. The wait's
// first request is held by a fetch placed before the sandbox (it is never answered); the attempt's limit is
// the whole of the wait's `timeoutMs` (40 ms, shorter than the client's own 5 s), so its timer is the
// deadline's; once the attempt has started (the client's `onRequest` hook) the test sets the clock `early` ms
// before the deadline, where it stays when that timer fires.

const { counted, row } = checkSection('hardening.wait-early-timer', 'waits');

type Wait = 'waitForState' | 'waitForBroadcast';

/** The wait's limit, in ms: the attempt timer that ends its first poll is armed for all of it. */
const waitMs = 40;

describe('a wait whose deadline timer fires before the clock reaches it', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 5, media: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("ends with the wait's TimeoutError, the held attempt aborted and not retried", async () => {
    const outcomes = new Map<AdapterId, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<AdapterId>(...adapterIds),
        fc.constantFrom<Wait>('waitForState', 'waitForBroadcast'),
        fc.constantFrom('client' as const, 'registry' as const),
        // How many ms before the deadline the clock reads when the attempt's timer fires.
        fc.integer({ min: 1, max: waitMs }),
        async (adapterId, wait, via, early) =>
          counted(
            "a wait cut by its deadline ends with the wait's TimeoutError, whatever its clock reads",
            adapterId,
            async () => {
              const adapter = adapters[adapterId];
              const start = Date.now();
              let now = start;
              const clock: Clock = () => now;
              // The clock stands still until an attempt starts: the wait's deadline is start + waitMs.
              const deadline = start + waitMs;
              const held: HeldRequest[] = [];
              const fetchStandIn = (async (input: RequestInfo | URL, init?: RequestInit) =>
                holdUntilAborted(new Request(input, init), held)) as typeof fetch;
              const provider = adapter.factory({
                ...sandbox.adapterSettings(adapter.provider),
                ...adapter.settings,
                fetch: fetchStandIn,
                timeoutMs: 5_000,
                retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
              });
              const container = createContainer();
              container.register(tokens.clock, { useValue: clock });
              // Every attempt the wait made, as the client's hooks saw it start.
              const attempts: string[] = [];
              const client = createLiveStreamClient(provider, {
                container,
                hooks: {
                  onRequest: (event) => {
                    attempts.push(event.url);
                    // The attempt has started, its timer armed for the time left; meanwhile time passes,
                    // though not quite to the deadline.
                    now = Math.max(now, deadline - early);
                  },
                },
              });
              const registry = createLiveStreamRegistry({ providers: { only: client } });
              const id = adapter.fixtures.subjectId;
              const waitForState = { timeoutMs: waitMs };
              const waitForBroadcast = { timeoutMs: waitMs, events: createEventHub() };
              const run = () =>
                wait === 'waitForState'
                  ? via === 'client'
                    ? client.waitForState(id, 'ready', waitForState)
                    : registry.waitForState(`only:${id}`, 'ready', waitForState)
                  : via === 'client'
                    ? client.waitForBroadcast(id, waitForBroadcast)
                    : registry.waitForBroadcast(`only:${id}`, waitForBroadcast);
              let thrown: unknown;
              try {
                await run();
              } catch (error) {
                thrown = error;
              }
              const said = `${adapterId} ${wait} via ${via}, the timer ${early} ms early`;
              if (wait === 'waitForBroadcast' && provider.capabilities.broadcastingEvents === false) {
                const seesVideo = provider.capabilities.broadcastingStatus || provider.getBroadcasting;
                if (!seesVideo) {
                  // Nothing to wait on (the vendor never tells whether video arrives): refused unsent.
                  expect((thrown as Error | undefined)?.name, said).toBe('UnsupportedOperationError');
                  expect(held, said).toEqual([]);
                  return;
                }
              }
              outcomes.set(adapterId, (outcomes.get(adapterId) ?? 0) + 1);
              // The clock never reached the deadline: only the timer armed for it ended the wait.
              expect(now, said).toBe(deadline - early);
              expect(TimeoutError.isInstance(thrown), `${said}: ${String(thrown)}`).toBe(true);
              const error = thrown as TimeoutError;
              expect(error.operation, said).toBe(wait);
              expect(error.lastState, said).toBeUndefined();
              expect(error.delivery, said).toBeUndefined();
              expect(error.providerName, said).toBe(via === 'registry' ? 'only' : undefined);
              expect(error.message, said).toBe(
                `${adapter.provider} stream ${id} did not ${wait === 'waitForState' ? 'become ready' : 'start broadcasting'} within ${waitMs} ms (last state: none seen)`,
              );
              // The poll's attempt was ended by the deadline's timer, held by the vendor (or before it was sent,
              // while its credentials were made: signing a token may take longer than 40 ms), and the deadline
              // left no time for a retry. (A poll that reads two resources at once, as videosdk v2's, tries
              // each once.)
              expect(attempts.length, said).toBeGreaterThan(0);
              expect(new Set(attempts).size, `${said}: ${attempts.join(', ')}`).toBe(attempts.length);
              expect(held.length, said).toBeLessThanOrEqual(attempts.length);
              await expect.poll(() => held.every((record) => record.aborted), { message: said }).toBe(true);
            },
            `${adapterId} ${wait} via ${via}, ${early} ms early`,
          ),
      ),
      {
        numRuns: 30,
        examples: [
          ...adapterIds.flatMap((adapterId) => [
            [adapterId, 'waitForState', 'client', 1] as [AdapterId, Wait, 'client' | 'registry', number],
            [adapterId, 'waitForBroadcast', 'registry', waitMs] as [
              AdapterId,
              Wait,
              'client' | 'registry',
              number,
            ],
          ]),
        ],
      },
    );
    for (const adapterId of adapterIds) {
      row(
        "a wait cut by its deadline ends with the wait's TimeoutError, whatever its clock reads",
        adapterId,
      ).figure =
        `${outcomes.get(adapterId) ?? 0} waits ended by a timer that fired before the clock's deadline`;
    }
  });
});
