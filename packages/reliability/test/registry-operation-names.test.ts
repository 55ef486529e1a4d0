import {
  AbortError,
  ChangeAppliedError,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type HttpHooks,
  type LiveStreamProvider,
  type LiveStreamRegistry,
  type MigrationResult,
  NotFoundError,
  ProviderUnavailableError,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { type PlacedFailure, placedFailure } from '../src/placed-failure.js';
import { checkSection } from './check-rows.js';
import { hearingHooks } from './heard-hooks.js';

// A registry's `migrate`, `planMigration` (which reads the source as `migrate` would) and `findByName` are
// calls of their own: every hook event their clients' requests produce names them, as their errors and the
// `skipped-provider` warning do, whichever client call inside (the source's read, the target's create, the
// source's stop, wait and delete, each provider's list) made the request. Each case runs one call between
// two providers (the memory provider and every adapter on the sandbox), and makes its `k`-th request fail in
// one way, from then on, by a fetch placed between the providers and their vendors: no timer decides which
// request fails or how.

const runs = Number(process.env.UNILIVE_REGISTRY_OPERATION_NAME_RUNS ?? 30);

const names = ['memory', ...adapterIds] as const;
type Name = (typeof names)[number];
const calls = ['migrate', 'planMigration', 'findByName'] as const;
type Call = (typeof calls)[number];
const failureKinds = ['abort', '5xx', '404', 'network'] as const satisfies readonly PlacedFailure[];
type FailureKind = (typeof failureKinds)[number];

/** The class a call ends with when its request fails so, if the failure ends it. */
const expectedClass = {
  abort: AbortError,
  '5xx': ProviderUnavailableError,
  '404': NotFoundError,
  network: ProviderUnavailableError,
} as const;

/** The operation a call names: the call the caller made, `planMigration` included (not the `migrate` it plans). */
const namedAs = { migrate: 'migrate', planMigration: 'planMigration', findByName: 'findByName' } as const;

// One row per call, each case a request of it failing, between any two of the providers.
const { counted: countCase } = checkSection('registry.operation-names', 'operation names');

describe('registry operation names', () => {
  let sandbox: Sandbox;
  let providers: Record<Name, LiveStreamProvider>;
  // The fault of the case running: its request index, its kind, and the caller's controller to abort.
  let plan: { at: number; kind: FailureKind; abort: () => void } | undefined;
  let sent: string[] = [];
  let failing: string | undefined;
  let made = 0;

  // Between every provider and its vendor (the sandbox's socket, the memory backend's function).
  const faulty =
    (next: typeof fetch): typeof fetch =>
    async (input, init) => {
      const request = new Request(input, init);
      const key = `${request.method} ${request.url}`;
      const index = sent.length;
      sent.push(key);
      if (plan && (index === plan.at || key === failing)) {
        failing = key;
        return placedFailure(plan.kind, init?.signal ?? request.signal, plan.abort);
      }
      return next(request);
    };

  // Retries run (a 5xx fails after them), without waiting: the sleep is the container's.
  const container = createContainer();
  container.register(tokens.sleep, {
    useValue: (async (_ms, signal) => {
      if (signal?.aborted) throw signal.reason;
    }) as Sleep,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ transitionMs: 5, media: false });
    const backend = createMemoryBackend({ token: 'memory-token-0123456789' });
    const adapted: Record<string, LiveStreamProvider> = Object.fromEntries(
      adapterIds.map((id) => {
        const adapter = adapters[id];
        return [
          id,
          adapter.factory({
            ...sandbox.adapterSettings(adapter.provider),
            ...adapter.settings,
            fetch: faulty(fetch),
            retry: { maxRetries: 2 },
          }),
        ];
      }),
    );
    const all: Record<string, LiveStreamProvider> = {
      memory: createMemoryProvider({
        backend: { ...backend, fetch: faulty(backend.fetch) },
        retry: { maxRetries: 2 },
      }),
      ...adapted,
    };
    providers = all as Record<Name, LiveStreamProvider>;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const registryOf = (hooks: HttpHooks): LiveStreamRegistry =>
    createLiveStreamRegistry({ providers, hooks, container });

  /** A stream of the case's own on `source`, started when asked and the vendor can stop it. */
  async function prepare(source: Name, started: boolean): Promise<{ ref: string; name: string }> {
    plan = undefined;
    const client = createLiveStreamClient(providers[source], { container });
    made += 1;
    const name = `migrating ${made}`;
    const created = await client.create({ name });
    if (started && client.capabilities.stop) {
      await client.start(created.id);
      await client.waitForState(created.id, 'ready', { timeoutMs: 30_000, intervalMs: 100 });
    }
    return { ref: `${source}:${created.id}`, name };
  }

  interface Case {
    call: Call;
    source: Name;
    target: Name;
    deleteSource: boolean;
    started: boolean;
    skip: boolean;
  }

  function run(
    registry: LiveStreamRegistry,
    subject: { ref: string; name: string },
    given: Case,
    signal: AbortSignal,
  ): Promise<unknown> {
    switch (given.call) {
      case 'migrate':
        return registry.migrate(subject.ref, {
          to: given.target,
          deleteSource: given.deleteSource,
          stopTimeoutMs: 30_000,
          signal,
        });
      case 'planMigration':
        return registry.planMigration(subject.ref, { to: given.target, signal });
      case 'findByName':
        return registry.findByName(subject.name, {
          providers: [given.source, given.target],
          onProviderError: given.skip ? 'skip' : 'throw',
          signal,
        });
    }
  }

  const quiet = { deleteSource: false, started: false, skip: false } as const;
  const cases = fc
    .record({
      call: fc.constantFrom(...calls),
      source: fc.constantFrom(...names),
      target: fc.constantFrom(...names),
      deleteSource: fc.boolean(),
      started: fc.boolean(),
      skip: fc.boolean(),
    })
    .filter((given) => given.source !== given.target);

  it('every hook event and error of migrate, planMigration and findByName names the call, whichever request failed', async () => {
    let reached = 0;
    let total = 0;
    const faulted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(cases, fc.constantFrom(...failureKinds), async (given, kind) => {
        // How many requests the call makes when nothing fails, on a stream like the one it will act on.
        const counted = await prepare(given.source, given.started);
        sent = [];
        failing = undefined;
        await run(registryOf({}), counted, given, new AbortController().signal);
        const requests = sent.length;
        expect(requests, `${given.call} made no request`).toBeGreaterThan(0);
        // Each of its requests fails in turn, on a stream of its own.
        for (let at = 0; at < requests; at += 1) {
          total += 1;
          await countCase(
            `${given.call}: every hook event and error names the call, whichever request failed`,
            'memory and every adapter',
            () => faultAt(given, kind, at, requests),
          );
        }
      }),
      {
        numRuns: runs,
        // Besides the generated cases, one of each call that meets every kind of request: a running source
        // stopped, waited for and deleted, a walk that skips a failing provider, a plan's read.
        examples: [
          [
            {
              ...quiet,
              call: 'migrate',
              source: 'memory',
              target: 'wowza-video',
              deleteSource: true,
              started: true,
            },
            '5xx',
          ],
          [
            {
              ...quiet,
              call: 'migrate',
              source: 'wowza-video',
              target: 'memory',
              deleteSource: true,
              started: true,
            },
            'abort',
          ],
          [{ ...quiet, call: 'findByName', source: 'liveapi', target: 'memory', skip: true }, 'network'],
          [{ ...quiet, call: 'planMigration', source: 'videosdk-v2', target: 'wowza-realtime' }, '404'],
        ],
      },
    );
    // Nearly every case meets the request it faults; a property that reached none would prove nothing.
    expect(reached, `${reached} of ${total} cases reached their faulted request`).toBeGreaterThanOrEqual(
      total * 0.75,
    );
    // Faults met every kind of request a migration and a walk make: read, create, stop, delete, list.
    const methods = new Set([...faulted].map((key) => key.split(' ')[0]));
    for (const method of ['GET', 'POST', 'DELETE'])
      expect(methods, [...faulted].join('\n')).toContain(method);

    async function faultAt(given: Case, kind: FailureKind, at: number, requests: number): Promise<void> {
      const subject = await prepare(given.source, given.started);
      const controller = new AbortController();
      const { heard, errors, hooks } = hearingHooks();
      const registry = registryOf(hooks);
      sent = [];
      failing = undefined;
      plan = { at, kind, abort: () => controller.abort(new Error('caller gave up')) };
      const outcome = await run(registry, subject, given, controller.signal).then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => ({ value: undefined, error }),
      );
      plan = undefined;
      const where = `${JSON.stringify(given)}, request ${at + 1} of ${requests} (${sent[at]}), ${kind}`;
      // The sandbox's state changes on its own clock (a stop's wait polls until it sees `stopped`): a call
      // may make fewer requests than the count taken before. Then nothing failed, and it must succeed.
      const reachedIt = sent.length > at;
      if (reachedIt) {
        reached += 1;
        faulted.add(`${sent[at]?.split(' ')[0]} ${given.call}`);
      } else expect(outcome.error, `${where}: no request failed`).toBeUndefined();

      const called = namedAs[given.call];
      expect(heard.filter((line) => line.startsWith('request ')).length, where).toBeGreaterThan(0);
      for (const line of heard) expect(line.split(' ')[1], `${where}: ${line}`).toBe(called);
      for (const error of errors) expect(error.operation, `${where}: ${error.message}`).toBe(called);

      const { error, value } = outcome;
      if (error === undefined) {
        // A migration whose new stream exists but whose source could not be deleted says why, named so.
        const result = value as Partial<MigrationResult> | undefined;
        const sourceError = given.call === 'migrate' ? result?.sourceError : undefined;
        if (sourceError) {
          expect(sourceError.operation, `${where}: ${sourceError.message}`).toBe('migrate');
          expect(expectedClass[kind].isInstance(sourceError), `${where}: ${sourceError.name}`).toBe(true);
        }
        // An abort ends the call, unless it came once the new stream existed: then it is the source's.
        expect(reachedIt && kind === 'abort' && !sourceError, `${where}: an aborted call succeeded`).toBe(
          false,
        );
        return;
      }
      expect(UniliveError.isInstance(error), `${where}: ${String(error)}`).toBe(true);
      const failure = error as UniliveError;
      expect(failure.operation, `${where}: ${failure.message}`).toBe(called);
      // A failure after a part of the call was applied is that, whatever ended the rest.
      if (ChangeAppliedError.isInstance(failure)) return;
      expect(expectedClass[kind].isInstance(failure), `${where}: ${failure.name}: ${failure.message}`).toBe(
        true,
      );
    }
  }, 600_000);
});
