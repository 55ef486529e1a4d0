import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type ErrorEvent,
  type HttpHooks,
  type LiveStreamProvider,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type PlacedFailure, placedFailure } from '../src/placed-failure.js';
import { checkSection } from './check-rows.js';

// `onError` is "a call failed for good": heard once for each call that rejects, with the error the caller
// gets, and never for a call that resolves. The cases that once broke it: a `start` or `stop` whose goal
// already holds, which the vendor refuses (409, 422 or 423) and the adapter settles by reading the stream
// (the call resolves: the refusal is heard by `onResponse` only); the same call whose request fails for
// good after its retries; and the same call whose read-back fails after the refusal (one failed call, heard
// once). Each case repeats a start on a started stream or a stop on a stopped one, through a client or a
// registry, and makes its `k`-th request fail from then on (or none), by a fetch placed between the adapter
// and the sandbox: no timer decides which request fails or how.

const runs = Number(process.env.UNILIVE_ON_ERROR_RUNS ?? 16);
const operations = ['start', 'stop'] as const;
type Operation = (typeof operations)[number];
const failureKinds = ['5xx', 'network', 'none'] as const;
const routes = ['client', 'registry'] as const;

const { counted } = checkSection('hardening.on-error-once', 'hooks');
const check = 'onError heard once for a call that rejects, last, with its error; never for one that resolves';

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`onError once per failed call: ${adapterId}`, () => {
    let sandbox: Sandbox;
    let plan: { at: number; kind: PlacedFailure } | undefined;
    let sent: string[] = [];
    let failing: string | undefined;

    const faulty: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const key = `${request.method} ${request.url}`;
      const index = sent.length;
      sent.push(key);
      if (plan && (index === plan.at || key === failing)) {
        failing = key;
        return placedFailure(plan.kind, init?.signal ?? request.signal, () => {});
      }
      return fetch(request);
    };
    const provider = (): LiveStreamProvider =>
      adapter.factory({
        ...sandbox.adapterSettings(adapter.provider),
        ...adapter.settings,
        fetch: faulty,
        // Retries run (a 5xx fails after them), without waiting: the sleep is the container's.
        retry: { maxRetries: 2 },
      });
    const container = createContainer();
    container.register(tokens.sleep, {
      useValue: (async (_ms, signal) => {
        if (signal?.aborted) throw signal.reason;
      }) as Sleep,
    });

    beforeAll(async () => {
      sandbox = await startSandbox({ transitionMs: 5, media: false });
    });
    afterAll(async () => {
      await sandbox.close();
    });

    /** A stream of the case's own whose state already is the operation's goal. */
    async function prepare(operation: Operation): Promise<string> {
      plan = undefined;
      const client = createLiveStreamClient(provider(), { container });
      const { id } = await client.create(adapter.fixtures.createInput);
      await client.start(id);
      await client.waitForState(id, 'ready', { timeoutMs: 30_000, intervalMs: 100 });
      if (operation === 'stop') {
        await client.stop(id);
        await client.waitForState(id, 'stopped', { timeoutMs: 30_000, intervalMs: 100 });
      }
      return id;
    }

    function run(route: (typeof routes)[number], operation: Operation, id: string, hooks: HttpHooks) {
      if (route === 'client') {
        const client = createLiveStreamClient(provider(), { hooks, container });
        return operation === 'start' ? client.start(id) : client.stop(id);
      }
      const registry = createLiveStreamRegistry({ providers: { here: provider() }, hooks, container });
      return operation === 'start' ? registry.start(`here:${id}`) : registry.stop(`here:${id}`);
    }

    it('hears each call that rejects once, last, with the error the caller gets, and none that resolves (generated)', async () => {
      const counts = new Map<Operation, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...operations),
          fc.constantFrom(...routes),
          fc.constantFrom(...failureKinds),
          fc.nat(),
          async (operation, route, kind, which) => {
            if (!provider().capabilities[operation]) return;
            // How many requests the repeated call makes when nothing fails (the refusal and the read).
            let total = counts.get(operation);
            if (total === undefined) {
              const id = await prepare(operation);
              sent = [];
              await run('client', operation, id, {});
              total = sent.length;
              counts.set(operation, total);
            }
            await counted(check, adapterId, async () => {
              const id = await prepare(operation);
              const heard: string[] = [];
              const errors: ErrorEvent[] = [];
              const statuses: number[] = [];
              const hooks: HttpHooks = {
                onRequest: () => heard.push('request'),
                onResponse: (event) => {
                  heard.push('response');
                  statuses.push(event.status);
                },
                onRetry: () => heard.push('retry'),
                onError: (event) => {
                  heard.push('error');
                  errors.push(event);
                },
              };
              sent = [];
              failing = undefined;
              const at = which % Math.max(total, 1);
              plan = kind === 'none' ? undefined : { at, kind };
              const outcome = await run(route, operation, id, hooks).then(
                () => ({ error: undefined }),
                (error: unknown) => ({ error }),
              );
              plan = undefined;
              const where = `${route} ${operation}, ${kind} at request ${at + 1} of ${total} (${sent[at]})`;
              const { error } = outcome;
              if (error === undefined) {
                // Resolved: no failure heard, whatever was refused or retried on the way.
                expect(heard, where).not.toContain('error');
                if (kind === 'none') {
                  // The repeated call was answered as the vendor answers it: a refusal, if any, is a response.
                  expect(heard.filter((line) => line === 'request').length, where).toBe(total);
                  expect(
                    statuses.every((status) => status < 500),
                    where,
                  ).toBe(true);
                }
                return;
              }
              expect(UniliveError.isInstance(error), `${where}: ${String(error)}`).toBe(true);
              const failure = error as UniliveError;
              // Rejected: heard once, as the last event, with the caller's error.
              expect(
                heard.filter((line) => line === 'error'),
                `${where}: ${heard.join(' ')}`,
              ).toEqual(['error']);
              expect(heard.at(-1), where).toBe('error');
              const [event] = errors as [ErrorEvent];
              expect(event.error.toJSON(), where).toEqual(failure.toJSON());
              expect(event.operation, where).toBe(operation);
              expect(event.provider, where).toBe(adapter.provider);
              // The request that failed is named when the error is its own.
              if (event.url !== undefined) {
                const named = `${event.method} ${new URL(event.url).pathname}`;
                const paths = sent.map(
                  (key) => `${key.split(' ')[0]} ${new URL(key.split(' ')[1] ?? '').pathname}`,
                );
                expect(paths, where).toContain(named);
              }
            });
          },
        ),
        {
          numRuns: runs,
          // Every outcome on both routes: the refusal settled, a failure of the first request after its
          // retries, a failure of the last (the read-back).
          examples: [
            ['start', 'client', 'none', 0],
            ['stop', 'client', 'none', 0],
            ['start', 'registry', 'none', 0],
            ['stop', 'registry', 'none', 0],
            ['start', 'client', '5xx', 0],
            ['stop', 'registry', 'network', 0],
            ['start', 'registry', '5xx', 1],
            ['stop', 'client', '5xx', 1],
          ],
        },
      );
    }, 600_000);
  });
}
