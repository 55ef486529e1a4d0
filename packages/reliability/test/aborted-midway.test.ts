import {
  AbortError,
  createEventHub,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type HttpHooks,
  type LiveStreamProvider,
  type LiveStreamState,
  UnsupportedOperationError,
} from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterId,
  adapterIds,
  adapters,
  type ClientOperation,
  clientOperations,
} from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// A signal that fires while a call is under way ends it with one AbortError, whatever the call was doing
// when it fired: a request about to be sent or being read (the HTTP layer), a retry's wait, a wait between
// its polls, the read-back after a change, a list walk between streams, through a client or a registry.
// Its message is the same text for the same event, `<provider> <operation> was aborted`, its `cause` the
// signal's reason (docs/errors.md, AbortError; docs/decisions/2026-12-01-one-abort-message.md).

const operations = clientOperations;
type Operation = ClientOperation;

/** When the signal fires: from the `onRequest` or the `onResponse` hook of the call's `nth` request. */
interface Trigger {
  hook: 'request' | 'response';
  nth: number;
  via: 'client' | 'registry';
  reason: 'none' | 'error' | 'text';
}

const triggerArbitrary: fc.Arbitrary<Trigger> = fc.record({
  hook: fc.constantFrom('request' as const, 'response' as const),
  nth: fc.nat({ max: 3 }),
  via: fc.constantFrom('client' as const, 'registry' as const),
  reason: fc.constantFrom('none' as const, 'error' as const, 'text' as const),
});

/** How a call settled: the value it answered, or what it threw. */
type Outcome = { value: unknown } | { error: unknown };

function describeOutcome(outcome: Outcome): string {
  if ('value' in outcome) return 'succeeded';
  const error = outcome.error;
  return error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
}

const runs = Number(process.env.UNILIVE_HARDENING_RUNS ?? 8);
const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.aborted-midway', { kind: 'checks', area: 'aborts', rows }));

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`a signal that fires during the call: ${adapterId}`, () => {
    let sandbox: Sandbox;
    let maker: LiveStreamProvider;
    beforeAll(async () => {
      sandbox = await startSandbox({ transitionMs: 5, media: false });
      maker = adapter.factory(settings());
      // Two streams, so that a list has more than one to walk.
      for (const index of [0, 1]) await maker.create({ name: `unilive midway ${index}` });
    });
    // One row per adapter: every operation, through a client and a registry.
    const tally = { runs: 0, aborted: 0, failures: [] as string[] };
    afterAll(async () => {
      rows.push({
        check: 'a signal fired during a call ends it with one AbortError text, whatever the call was doing',
        adapter: adapterId,
        runs: tally.runs,
        failures: tally.failures,
        figure: `${tally.aborted} aborted over ${operations.length} operations`,
      });
      await sandbox.close();
    });
    const settings = () => ({
      ...sandbox.adapterSettings(adapter.provider),
      ...adapter.settings,
      // A retry or two, with short waits: a signal may fire in one.
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
    });

    /** A stream for `operation` to act on: started for those that need one running. */
    async function subject(operation: Operation): Promise<string> {
      const made = await maker.create({ name: 'unilive midway subject' });
      if (operation === 'stop' || operation === 'waitForBroadcast') {
        const client = createLiveStreamClient(adapter.factory(settings()));
        await client.start(made.id);
        await client.waitForState(made.id, 'ready', { timeoutMs: 10_000, intervalMs: 100 });
      }
      return made.id;
    }

    for (const operation of operations) {
      it(`${operation}: AbortError reading "${adapter.provider} ${operation} was aborted" wherever it fires`, async () => {
        const failures: string[] = [];
        let aborted = 0;
        let cases = 0;
        // Tallied whatever the cases found: a failing run's section says what failed.
        try {
          await fc.assert(
            fc.asyncProperty(triggerArbitrary, async (trigger) => {
              cases += 1;
              const id = operation === 'create' || operation === 'list' ? '' : await subject(operation);
              const controller = new AbortController();
              const reason =
                trigger.reason === 'error'
                  ? new Error('caller gave up')
                  : trigger.reason === 'text'
                    ? 'user left'
                    : undefined;
              let requests = 0;
              let responses = 0;
              // Requests announced after the signal fired (none is sent: each meets the abort).
              let after = 0;
              const hooks: HttpHooks = {
                onRequest: () => {
                  if (controller.signal.aborted) after += 1;
                  if (trigger.hook === 'request' && requests === trigger.nth) controller.abort(reason);
                  requests += 1;
                },
                onResponse: () => {
                  if (trigger.hook === 'response' && responses === trigger.nth) controller.abort(reason);
                  responses += 1;
                },
              };
              const outcome = await run(operation, id, trigger.via, hooks, controller.signal).then(
                (value): Outcome => ({ value }),
                (error: unknown): Outcome => ({ error }),
              );
              const which = `${JSON.stringify(trigger)}: ${describeOutcome(outcome)}`;
              const ended = endedAs(operation, id, outcome, controller.signal.aborted, trigger.hook, after);
              if (ended !== 'aborted') {
                try {
                  expect(ended, which).toBe('documented');
                } catch (error) {
                  failures.push(which);
                  throw error;
                }
                return;
              }
              aborted += 1;
              const abortOutcome = (outcome as { error: unknown }).error as AbortError;
              const said = `${JSON.stringify(trigger)}: ${abortOutcome.message}`;
              const expected = {
                name: 'AbortError',
                message: `${adapter.provider} ${operation} was aborted`,
                provider: adapter.provider,
                operation,
                providerName: trigger.via === 'registry' ? 'p' : undefined,
                firedBefore: true,
              };
              const seen = {
                name: abortOutcome.name,
                message: abortOutcome.message,
                provider: abortOutcome.provider,
                operation: abortOutcome.operation,
                providerName: abortOutcome.providerName,
                firedBefore: controller.signal.aborted,
              };
              try {
                expect(seen, said).toEqual(expected);
                expect(abortOutcome.stack?.split('\n')[0], said).toBe(`AbortError: ${expected.message}`);
                expect(['not-sent', 'unknown'], said).toContain(abortOutcome.delivery);
                // The reason as every UniliveError keeps a cause: an Error, its text scrubbed.
                const kept = new AbortError({ message: 'kept', cause: controller.signal.reason })
                  .cause as Error;
                expect(abortOutcome.cause, said).toMatchObject({ name: kept.name, message: kept.message });
              } catch (error) {
                failures.push(said);
                throw error;
              }
            }),
            {
              numRuns: runs,
              // The first request stopped before it is sent, through either way in: met by every operation.
              examples: [
                [{ hook: 'request', nth: 0, via: 'client', reason: 'error' }],
                [{ hook: 'request', nth: 0, via: 'registry', reason: 'none' }],
              ],
            },
          );
        } finally {
          tally.runs += cases;
          tally.aborted += aborted;
          tally.failures.push(...failures.map((failure) => `${operation} ${failure}`));
        }
        // Every operation that sends a request can be aborted while it goes on: the cases above met aborts.
        if (!adapter.unsupported.includes(operation as never) && !waitUnsupported(operation))
          expect(aborted).toBeGreaterThan(0);
      });
    }

    // Which `delivery` an abort tells, for a signal fired on each response in turn (the first, the second…,
    // until the call ends before the signal fires), through a client and a registry. Nothing sent after the
    // signal: `not-sent`, unless a change the vendor accepted (a 2xx to other than a GET) came before it, the
    // read-back after a start or a stop included: then `unknown`, since the change may hold
    // (docs/errors.md, AbortError).
    for (const operation of operations) {
      it(`${operation}: an abort fired on each response says not-sent before an accepted change, unknown after`, async () => {
        const failures: string[] = [];
        let cases = 0;
        try {
          for (const via of ['client', 'registry'] as const) {
            // Every call here ends within 8 responses but the waits, which poll until the signal fires: for
            // them the first 4 meet every kind of response.
            for (let nth = 0; nth < 8; nth += 1) {
              cases += 1;
              const id = operation === 'create' || operation === 'list' ? '' : await subject(operation);
              const controller = new AbortController();
              let responses = 0;
              // A change the vendor accepted before the signal fired, or a request of the call still under way
              // when it fired (videosdk v2 reads a room and its HLS session side by side).
              let accepted: string | undefined;
              let underWay = 0;
              let sentWhenFired = 0;
              let after = 0;
              const hooks: HttpHooks = {
                onRequest: () => {
                  if (controller.signal.aborted) after += 1;
                  underWay += 1;
                },
                onResponse: (event) => {
                  underWay -= 1;
                  if (responses <= nth && event.method !== 'GET' && event.status >= 200 && event.status < 300)
                    accepted ??= `${event.method} ${event.status}`;
                  if (responses === nth) {
                    sentWhenFired = underWay;
                    controller.abort(new Error('caller gave up'));
                  }
                  responses += 1;
                },
              };
              const settled = await run(operation, id, via, hooks, controller.signal).then(
                (value): Outcome => ({ value }),
                (error: unknown): Outcome => ({ error }),
              );
              const said = `${via}, abort on response ${nth}${accepted ? ` after ${accepted}` : ''}, ${sentWhenFired} under way: ${describeOutcome(settled)}`;
              const ended = endedAs(operation, id, settled, controller.signal.aborted, 'response', after);
              try {
                // Whatever the call met, it ended as documented: an AbortError, or the call's own result.
                if (ended !== 'aborted') expect(ended, said).toBe('documented');
              } catch (error) {
                failures.push(said);
                throw error;
              }
              // The call ended before its nth response: every response has been met.
              if (!controller.signal.aborted) break;
              if (ended !== 'aborted') continue;
              const outcome = (settled as { error: unknown }).error as AbortError;
              try {
                expect(outcome.delivery, said).toBe(
                  accepted === undefined && sentWhenFired === 0 ? 'not-sent' : 'unknown',
                );
              } catch (error) {
                failures.push(said);
                throw error;
              }
              if (operation === 'waitForState' || operation === 'waitForBroadcast') {
                if (nth >= 3) break;
              }
            }
          }
        } finally {
          tally.runs += cases;
          tally.failures.push(...failures.map((failure) => `${operation} ${failure}`));
        }
      });
    }

    /**
     * How a call ended, checked against what docs/errors.md documents for it: `aborted` (an AbortError, whose
     * fields the caller checks), `documented` (the call's own result: its success, or the refusal of an
     * operation the provider does not have) or a text saying what it was instead. A success once the signal
     * fired is documented only when it fired on the answer to the call's last request (no request announced
     * after it), and never for a list walk, which ends in AbortError at its next stream.
     */
    function endedAs(
      operation: Operation,
      id: string,
      outcome: Outcome,
      fired: boolean,
      hook: Trigger['hook'],
      after: number,
    ): 'aborted' | 'documented' | string {
      if ('error' in outcome) {
        if (AbortError.isInstance(outcome.error))
          return fired ? 'aborted' : 'an AbortError with no signal fired';
        if (!fired && (adapter.unsupported.includes(operation as never) || waitUnsupported(operation)))
          return UnsupportedOperationError.isInstance(outcome.error)
            ? 'documented'
            : `not the UnsupportedOperationError of an operation ${adapter.provider} does not have`;
        return `not an AbortError: ${describeOutcome(outcome)}`;
      }
      if (fired && (hook === 'request' || after > 0 || operation === 'list'))
        return 'a success although the signal fired before the call was done';
      const value = outcome.value as { id?: unknown; name?: unknown } | undefined;
      switch (operation) {
        case 'delete':
          return value === undefined ? 'documented' : 'delete answering a value';
        case 'list':
          return Array.isArray(value) ? 'documented' : 'list answering no array';
        case 'create':
          return typeof value?.id === 'string' && value.id !== ''
            ? 'documented'
            : 'create answering no new stream';
        default:
          return value?.id === id ? 'documented' : `${operation} answering another stream than ${id}`;
      }
    }

    // Wowza Video's and videosdk's webhooks never tell whether video arrives: waitForBroadcast is refused there
    // before any request, so nothing is under way for a signal to stop.
    function waitUnsupported(operation: Operation): boolean {
      return (
        operation === 'waitForBroadcast' &&
        !(adapter.provider === 'liveapi' || adapter.provider === 'wowza-realtime')
      );
    }

    // A state the provider reports that the stream is not in: the wait polls until the signal ends it. Where
    // the provider reports one state only (videosdk v1: \`ready\`), that one: the wait ends at its first poll.
    async function unreached(id: string): Promise<LiveStreamState> {
      const states = (maker.capabilities.states ?? []).filter((state) => state !== 'unknown');
      const now = (await maker.get(id)).state;
      return states.find((state) => state !== now) ?? now;
    }

    async function run(
      operation: Operation,
      id: string,
      via: Trigger['via'],
      hooks: HttpHooks,
      signal: AbortSignal,
    ): Promise<unknown> {
      const wait = { signal, timeoutMs: 30_000, intervalMs: 100 };
      // Wowza Real-Time tells whether video arrives only through its webhooks: a hub that hears none.
      const events = adapter.provider === 'wowza-realtime' ? { events: createEventHub() } : {};
      if (via === 'client') {
        const client = createLiveStreamClient(adapter.factory(settings()), { hooks });
        switch (operation) {
          case 'create':
            return client.create({ name: 'unilive midway' }, { signal });
          case 'get':
            return client.get(id, { signal });
          case 'list':
            return client.list({ signal, pageSize: 1 }).toArray();
          case 'update':
            return client.update(id, { name: 'unilive midway renamed' }, { signal });
          case 'delete':
            return client.delete(id, { signal });
          case 'start':
            return client.start(id, { signal });
          case 'stop':
            return client.stop(id, { signal });
          case 'waitForState':
            return client.waitForState(id, await unreached(id), wait);
          case 'waitForBroadcast':
            return client.waitForBroadcast(id, { ...wait, ...events });
        }
      }
      const registry = createLiveStreamRegistry({ providers: { p: adapter.factory(settings()) }, hooks });
      const ref = `p:${id}`;
      switch (operation) {
        case 'create':
          return registry.create({ name: 'unilive midway' }, { signal });
        case 'get':
          return registry.get(ref, { signal });
        case 'list': {
          const streams: unknown[] = [];
          for await (const stream of registry.list({ signal, pageSize: 1 })) streams.push(stream);
          return streams;
        }
        case 'update':
          return registry.update(ref, { name: 'unilive midway renamed' }, { signal });
        case 'delete':
          return registry.delete(ref, { signal });
        case 'start':
          return registry.start(ref, { signal });
        case 'stop':
          return registry.stop(ref, { signal });
        case 'waitForState':
          return registry.waitForState(ref, await unreached(id), wait);
        case 'waitForBroadcast':
          return registry.waitForBroadcast(ref, { ...wait, ...events });
      }
    }
  });
}

// A change made of several requests (a create and its restream targets, an update's targets, a start and
// its RTMP-outs, a stop that ends them first) aborted at each response in turn: always an AbortError with
// the one message, never the ChangeAppliedError of a vendor's failure. Once the vendor accepted part of the
// call (a 2xx to other than a GET), it names the stream and what holds (`streamId`, `applied` not empty),
// `delivery: 'unknown'`; before, it names no stream (docs/errors.md, AbortError).
const targets = [
  { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'midway-key-0-abcdef' },
  { url: 'rtmp://live.twitch.tv/app', streamKey: 'midway-key-1-abcdef' },
];
type RestreamCall = 'create' | 'update' | 'start' | 'stop';
const restreamCalls: Record<AdapterId, readonly RestreamCall[]> = {
  'wowza-video': [],
  'wowza-realtime': [],
  liveapi: ['create', 'update'],
  // v1 takes targets on create only, in its one request: the suite above covers it.
  videosdk: [],
  // v2 holds a create's targets for the start; a live room's update ends and starts its RTMP-outs.
  'videosdk-v2': ['start', 'stop', 'update'],
};

for (const adapterId of adapterIds) {
  const calls = restreamCalls[adapterId];
  if (calls.length === 0) continue;
  const adapter = adapters[adapterId];
  describe(`a signal that fires during a change of several requests: ${adapterId}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ transitionMs: 5, media: false });
    });
    afterAll(async () => {
      await sandbox.close();
    });
    const settings = () => ({
      ...sandbox.adapterSettings(adapter.provider),
      ...adapter.settings,
      retry: { maxRetries: 0 },
    });

    for (const call of calls) {
      it(`${call}: AbortError at every response, naming the stream once part of the change was accepted`, async () => {
        const failures: string[] = [];
        let aborts = 0;
        let named = 0;
        for (let nth = 0; nth < 12; nth += 1) {
          const maker = createLiveStreamClient(adapter.factory(settings()));
          // The stream acted on: live for a v2 update or stop, with RTMP-outs running for the stop.
          let id = '';
          if (call !== 'create') {
            id = (await maker.create({ name: 'unilive midway restream' })).id;
            if (adapterId === 'videosdk-v2' && call !== 'start') {
              const restream = call === 'stop' ? targets : targets.slice(0, 1);
              await maker.start(id, { providerOptions: { videosdk: { restream } } });
              await maker.waitForState(id, 'ready', { timeoutMs: 10_000, intervalMs: 100 });
            }
          }
          const controller = new AbortController();
          let responses = 0;
          let accepted: string | undefined;
          // Requests announced after the signal fired: a success is documented only with none.
          let after = 0;
          const hooks: HttpHooks = {
            onRequest: () => {
              if (controller.signal.aborted) after += 1;
            },
            onResponse: (event) => {
              if (responses <= nth && event.method !== 'GET' && event.status >= 200 && event.status < 300)
                accepted ??= `${event.method} ${event.url}`;
              if (responses === nth) controller.abort(new Error('caller gave up'));
              responses += 1;
            },
          };
          const client = createLiveStreamClient(adapter.factory(settings()), { hooks });
          const signal = controller.signal;
          let answered: { id: string } | undefined;
          const outcome = await (async () => {
            switch (call) {
              case 'create':
                return client.create({ name: 'unilive midway restream', restream: targets }, { signal });
              case 'update':
                return client.update(id, { restream: targets }, { signal });
              case 'start':
                return client.start(id, { signal, providerOptions: { videosdk: { restream: targets } } });
              case 'stop':
                return client.stop(id, { signal });
            }
          })().then(
            (stream) => {
              answered = stream;
              return undefined;
            },
            (error: unknown) => error,
          );
          // The call ended before its nth response: every response has been met.
          if (!controller.signal.aborted) break;
          const said = `abort on response ${nth}${accepted ? ` after ${accepted}` : ''}: ${String(outcome)}`;
          if (outcome === undefined) {
            // A success once the signal fired: only when it fired on the answer to the call's last request,
            // and then the call's own result (the stream acted on, or the one the create made).
            try {
              expect(after, `${said}: requests announced after the signal fired`).toBe(0);
              if (call === 'create')
                expect((await maker.get(answered?.id ?? '')).id, said).toBe(answered?.id);
              else expect(answered?.id, said).toBe(id);
            } catch (error) {
              failures.push(said);
              throw error;
            }
            continue;
          }
          aborts += 1;
          try {
            expect(AbortError.isInstance(outcome), said).toBe(true);
            const abort = outcome as AbortError;
            expect(abort.message, said).toBe(`${adapter.provider} ${call} was aborted`);
            if (accepted === undefined) {
              expect(abort.streamId, said).toBeUndefined();
            } else {
              named += 1;
              expect(abort.delivery, said).toBe('unknown');
              expect(abort.applied?.length, said).toBeGreaterThan(0);
              // The stream named is the one acted on, or the one the create made: it exists.
              if (call === 'create')
                expect((await maker.get(abort.streamId ?? '')).id, said).toBe(abort.streamId);
              else expect(abort.streamId, said).toBe(id);
            }
          } catch (error) {
            failures.push(said);
            throw error;
          }
        }
        rows.push({
          check: 'an abort during a change of several requests is an AbortError naming what holds',
          adapter: adapterId,
          runs: aborts,
          failures: failures.map((failure) => `${call} ${failure}`),
          figure: `${named} of ${aborts} after an accepted part (${call})`,
        });
        expect(aborts).toBeGreaterThan(0);
        // Each of these calls has a request after an accepted change: some abort came after one.
        expect(named).toBeGreaterThan(0);
      });
    }
  });
}
