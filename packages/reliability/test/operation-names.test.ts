import {
  AbortError,
  ChangeAppliedError,
  createLiveStreamClient,
  type HttpHooks,
  type LiveStreamClient,
  type LiveStreamProvider,
  NotFoundError,
  ProviderUnavailableError,
  type Sleep,
  TimeoutError,
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
import { hearingHooks } from './heard-hooks.js';

// An error, hook event or warning produced while serving a call names the operation the caller called,
// whichever of the call's requests failed: a `stop` that fails while reading the stream it is about to stop
// is a failed `stop`, on every adapter. Each case runs one operation on a stream of its own, and makes its
// `k`-th request fail in one way, from then on, by a fetch placed between the adapter and the sandbox: no
// timer decides which request fails or how.

const runs = Number(process.env.UNILIVE_OPERATION_NAME_RUNS ?? 30);
// The attempt limit of the timeout cases: only the faulted request is held, and it is held for good, so the
// limit alone ends it; the sandbox answers every other request on this machine within it.
const attemptLimitMs = 1_000;

const operations = [
  'create',
  'get',
  'list',
  'update',
  'delete',
  'start',
  'stop',
  'status',
  'waitForState',
] as const;
type Operation = (typeof operations)[number];
const failureKinds = [
  'abort',
  'timeout',
  '5xx',
  '404',
  'network',
] as const satisfies readonly PlacedFailure[];
type FailureKind = (typeof failureKinds)[number];

/** The class a call ends with when its request fails so, if the failure ends it. */
const expectedClass = {
  abort: AbortError,
  timeout: TimeoutError,
  '5xx': ProviderUnavailableError,
  '404': NotFoundError,
  network: ProviderUnavailableError,
} as const;

const { counted, row } = checkSection('hardening.operation-names', 'operation names');
const check =
  'every error, hook event and warning of a call names the operation called, whichever request failed';

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`operation names: ${adapterId}`, () => {
    let sandbox: Sandbox;
    // The fault of the case running: its request index, its kind, and the caller's controller to abort.
    let plan: { at: number; kind: FailureKind; abort: () => void } | undefined;
    let sent: string[] = [];
    let failing: string | undefined;
    const counts = new Map<Operation, number>();

    const faulty: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const key = `${request.method} ${request.url}`;
      const index = sent.length;
      sent.push(key);
      if (plan && (index === plan.at || key === failing)) {
        failing = key;
        return placedFailure(plan.kind, init?.signal ?? request.signal, plan.abort);
      }
      return fetch(request);
    };

    const provider = (timeoutMs?: number): LiveStreamProvider =>
      adapter.factory({
        ...sandbox.adapterSettings(adapter.provider),
        ...adapter.settings,
        fetch: faulty,
        // Retries run (a 5xx fails after them), without waiting: the sleep is the container's.
        retry: { maxRetries: timeoutMs === undefined ? 2 : 0 },
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    const container = createContainer();
    container.register(tokens.sleep, {
      useValue: (async (_ms, signal) => {
        if (signal?.aborted) throw signal.reason;
      }) as Sleep,
    });
    const plainClient = () => createLiveStreamClient(provider(), { container });

    beforeAll(async () => {
      sandbox = await startSandbox({ transitionMs: 5, media: false });
    });
    afterAll(async () => {
      await sandbox.close();
    });

    const supported = (operation: Operation, subject: LiveStreamProvider) => {
      if (operation === 'start' || operation === 'stop') return subject.capabilities[operation];
      if (operation === 'status') return typeof subject.getStatus === 'function';
      return true;
    };

    /** A stream of the case's own, in the state the operation acts on (started for a stop). */
    async function prepare(operation: Operation): Promise<{ id: string; state: string }> {
      plan = undefined;
      const client = plainClient();
      if (operation === 'create' || operation === 'list') return { id: '', state: '' };
      const created = await client.create(adapter.fixtures.createInput);
      if (operation === 'stop') {
        await client.start(created.id);
        const ready = await client.waitForState(created.id, 'ready', { timeoutMs: 30_000, intervalMs: 100 });
        return { id: created.id, state: ready.state };
      }
      return { id: created.id, state: (await client.get(created.id)).state };
    }

    async function call(
      operation: Operation,
      subject: { id: string; state: string },
      client: LiveStreamClient,
      bare: LiveStreamProvider,
      hooks: HttpHooks,
      signal: AbortSignal,
    ): Promise<unknown> {
      const { id } = subject;
      switch (operation) {
        case 'create':
          return client.create(adapter.fixtures.createInput, { signal });
        case 'get':
          return client.get(id, { signal });
        case 'list':
          return client.list({ signal }).toArray();
        case 'update':
          return client.update(id, adapter.fixtures.updatePatch, { signal });
        case 'delete':
          return client.delete(id, { signal });
        case 'start':
          return client.start(id, { signal });
        case 'stop':
          return client.stop(id, { signal });
        case 'status':
          // getStatus called by the caller, on the provider: `status`.
          return bare.getStatus?.(id, { signal, runtime: { hooks } });
        case 'waitForState':
          return client.waitForState(id, subject.state as 'stopped', {
            timeoutMs: 30_000,
            intervalMs: 100,
            signal,
          });
      }
    }

    /** How many requests the operation makes when nothing fails. */
    async function requestsOf(operation: Operation): Promise<number> {
      const known = counts.get(operation);
      if (known !== undefined && operation !== 'list') return known;
      const subject = await prepare(operation);
      sent = [];
      failing = undefined;
      const bare = provider();
      const client = createLiveStreamClient(bare, { container });
      await call(operation, subject, client, bare, {}, new AbortController().signal);
      counts.set(operation, sent.length);
      return sent.length;
    }

    it('every error, hook event and warning of a call names the operation called, whichever request failed', async () => {
      let reached = 0;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...operations),
          fc.nat(),
          fc.constantFrom(...failureKinds),
          async (operation, which, kind) => {
            const probe = provider();
            if (!supported(operation, probe)) return;
            const total = await requestsOf(operation);
            if (total === 0) return;
            cases += 1;
            await counted(check, adapterId, async () => {
              const at = which % total;
              const subject = await prepare(operation);
              const controller = new AbortController();
              const { heard: named, errors, hooks } = hearingHooks();
              const bare = provider(kind === 'timeout' ? attemptLimitMs : undefined);
              const client = createLiveStreamClient(bare, { hooks, container });
              sent = [];
              failing = undefined;
              plan = { at, kind, abort: () => controller.abort(new Error('caller gave up')) };
              const outcome = await call(operation, subject, client, bare, hooks, controller.signal).then(
                (value) => ({ value, error: undefined }),
                (error: unknown) => ({ value: undefined, error }),
              );
              plan = undefined;
              const where = `${operation}, request ${at + 1} of ${total} (${sent[at]}), ${kind}`;
              // The sandbox's state changes on its own clock (a stop's read-back may find the egress already
              // ended, and skip the RTMP-out read): a call may make fewer requests than the count taken before.
              // Then nothing failed, and it must have succeeded; the cases that reach their request are counted.
              const reachedIt = sent.length > at;
              if (reachedIt) reached += 1;
              else expect(outcome.error, `${where}: no request failed`).toBeUndefined();
              // Everything the hooks heard names the call.
              const called = operation === 'status' ? 'status' : operation;
              // A retry's line names its error's operation too; a warning's, its type.
              for (const line of named) {
                const [, operationHeard, detail] = line.split(' ');
                expect(operationHeard, `${where}: ${line}`).toBe(called);
                if (line.startsWith('retry')) expect(detail, `${where}: ${line}`).toBe(called);
              }
              for (const error of errors) expect(error.operation, where).toBe(called);
              const { error, value } = outcome;
              if (error === undefined) {
                // Succeeded: the failed request was one the call can do without (a read-back after an accepted
                // change, a detail read in a list, an answer that says "none"); what it says names the call.
                const streams = Array.isArray(value) ? value : value === undefined ? [] : [value];
                for (const stream of streams) {
                  const { warnings } = stream as { warnings?: { message: string }[] };
                  for (const warning of warnings ?? [])
                    expect(warning.message, where).not.toMatch(/^\S+ (status|restream) /);
                }
                expect(reachedIt && kind === 'abort', `${where}: an aborted call succeeded`).toBe(false);
                return;
              }
              expect(UniliveError.isInstance(error), `${where}: ${String(error)}`).toBe(true);
              const failure = error as UniliveError;
              expect(failure.operation, `${where}: ${failure.message}`).toBe(called);
              // A failure after a part of the call was applied (LiveAPI's restream targets after the create) is
              // that: what holds and what is unknown, whatever ended the rest, an abort included.
              if (ChangeAppliedError.isInstance(failure)) return;
              expect(
                expectedClass[kind].isInstance(failure),
                `${where}: ${failure.name}: ${failure.message}`,
              ).toBe(true);
            });
          },
        ),
        { numRuns: runs },
      );
      row(check, adapterId).figure = `${reached} of ${cases} cases reached their faulted request`;
      // Nearly every case meets the request it faults; a property that reached none would prove nothing.
      expect(reached, `${reached} of ${cases} cases reached their faulted request`).toBeGreaterThanOrEqual(
        cases * 0.75,
      );
    }, 600_000);
  });
}
