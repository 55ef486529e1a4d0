import {
  AbortError,
  createEventHub,
  createLiveStreamClient,
  type LiveStreamClient,
  type LiveStreamEvent,
  type LiveStreamEventSource,
} from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterIds, adapters, type ClientOperation, clientOperations } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';
import { checkSection } from './check-rows.js';
import { type Outcome, outcomeOf, subjects } from './direct-harness.js';

// A signal already aborted when a call is made ends it first, on every adapter and every operation: with
// AbortError, `delivery: 'not-sent'`, the signal's reason as `cause`, and no request, whatever else the call
// would have met (an id or input it refuses, an operation the vendor does not have, such as videosdk v1's
// `stop`, a wait that needs webhook events) (docs/decisions/2026-12-01-aborted-signal-first.md); `onError`
// alone hears it, as every call that rejects.

const operations = clientOperations;
type Operation = ClientOperation;

/** What else is wrong with the call besides its signal, and the events a wait is given. */
interface Arguments {
  badId: '' | 'a/b' | '..' | undefined;
  badInput: boolean;
  /**
   * A wait's events: none, a hub (empty, or that heard the encoder connect), or an async iterable. With
   * events, a wait on a vendor whose webhooks never tell whether video arrives (Wowza Video, videosdk) is
   * refused before any request as it is without them; the abort still comes first.
   */
  events: 'none' | 'hub' | 'hub heard connected' | 'iterable';
}

function eventSource(
  kind: Arguments['events'],
  provider: string,
  id: string,
): LiveStreamEventSource | undefined {
  if (kind === 'none') return undefined;
  const connected: LiveStreamEvent = {
    id: 'connected',
    type: 'live_stream.connected',
    provider,
    streamId: id,
    occurredAt: new Date(),
    broadcasting: true,
    raw: {},
  };
  if (kind === 'iterable') {
    return (async function* () {
      yield connected;
    })();
  }
  const hub = createEventHub();
  if (kind === 'hub heard connected') hub.publish(connected);
  return hub;
}

function call(
  client: LiveStreamClient,
  operation: Operation,
  id: string,
  args: Arguments,
  signal: AbortSignal,
): Promise<unknown> {
  const target = args.badId ?? id;
  const source = eventSource(args.events, client.providerId, id);
  const events = source === undefined ? {} : { events: source };
  switch (operation) {
    case 'create':
      return client.create({ name: args.badInput ? '' : 'unilive aborted' }, { signal });
    case 'get':
      return client.get(target, { signal });
    case 'list':
      return client.list({ signal, ...(args.badInput ? { pageSize: 0 } : {}) }).toArray();
    case 'update':
      return client.update(target, args.badInput ? {} : { name: 'unilive aborted' }, { signal });
    case 'delete':
      return client.delete(target, { signal });
    case 'start':
      return client.start(target, { signal });
    case 'stop':
      return client.stop(target, { signal });
    case 'waitForState':
      return client.waitForState(target, args.badInput ? ('Ready' as 'ready') : 'ready', {
        signal,
        timeoutMs: 5_000,
        ...events,
      });
    case 'waitForBroadcast':
      return client.waitForBroadcast(target, {
        signal,
        ...events,
        ...(args.badInput ? { intervalMs: 1 } : {}),
      });
  }
}

const argumentsArbitrary: fc.Arbitrary<Arguments> = fc.record({
  badId: fc.constantFrom(undefined, '', 'a/b', '..'),
  badInput: fc.boolean(),
  events: fc.constantFrom('none', 'hub', 'hub heard connected', 'iterable'),
});

// The reason the caller aborted with: none (the platform's own), an Error, or any value.
const reasonArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('caller gave up', 'shutting down').map((message) => new Error(message)),
  fc.constantFrom(42, 'user left', null),
);

// One row per adapter, every operation's cases counted in it.
const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.aborted-first', { kind: 'checks', area: 'aborts', rows }));

describe('a signal aborted before the call', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const row: CheckRow = {
      check: 'a signal aborted before the call ends it first: AbortError, not-sent, no request',
      adapter: adapterId,
      runs: 0,
      failures: [],
      figure: `${operations.length} operations, with a bad id, input or events besides`,
    };
    rows.push(row);
    for (const operation of operations) {
      it(`ends ${adapterId} ${operation} with AbortError, not-sent, before anything else`, async () => {
        await fc.assert(
          fc.asyncProperty(argumentsArbitrary, reasonArbitrary, async (args, reason) => {
            row.runs += 1;
            const sent: string[] = [];
            const heard: string[] = [];
            const provider = adapter.factory({
              ...adapter.fixtures.settings,
              ...adapter.settings,
              fetch: async (input: RequestInfo | URL) => {
                sent.push(String(input instanceof Request ? input.url : input));
                return new Response('{}', { status: 500 });
              },
            });
            const client = createLiveStreamClient(provider, {
              hooks: {
                onRequest: (event) => heard.push(`request ${event.url}`),
                onError: (event) => heard.push(`error ${event.error.name}`),
              },
            });
            const controller = new AbortController();
            controller.abort(reason);
            const given = controller.signal.reason;
            const error = await call(
              client,
              operation,
              adapter.fixtures.subjectId,
              args,
              controller.signal,
            ).then(
              () => undefined,
              (caught: unknown) => caught,
            );
            try {
              expectAbortedFirst(error, operation, given, sent, heard);
            } catch (failure) {
              row.failures.push(`${operation} ${JSON.stringify(args)}: ${String(error)}`);
              throw failure;
            }
          }),
          { numRuns: 12 },
        );
      });
    }

    function expectAbortedFirst(
      error: unknown,
      operation: Operation,
      given: unknown,
      sent: string[],
      heard: string[],
    ): void {
      expect(AbortError.isInstance(error)).toBe(true);
      const aborted = error as AbortError;
      expect({
        name: aborted.name,
        message: aborted.message,
        provider: aborted.provider,
        operation: aborted.operation,
        delivery: aborted.delivery,
        status: aborted.status,
      }).toEqual({
        name: 'AbortError',
        message: `${adapter.provider} ${operation} was aborted`,
        provider: adapter.provider,
        operation,
        delivery: 'not-sent',
        status: undefined,
      });
      // The reason as every UniliveError keeps a cause: an Error, its text scrubbed.
      const kept = new AbortError({ message: 'aborted', cause: given }).cause as Error;
      expect(aborted.cause).toMatchObject({ name: kept.name, message: kept.message });
      expect(sent).toEqual([]);
      // No request event; the call rejects, so `onError` hears it, once
      // (docs/decisions/2026-12-02-on-error-once-per-call.md).
      expect(heard).toEqual(['error AbortError']);
    }
  }
});

// The same on a provider called directly, without a client (architecture.md: one behaviour whoever calls):
// an aborted signal beside input the call would refuse (a malformed id, a bad create or update input, a list
// value or an option a client refuses) ends the call with AbortError, `delivery: 'not-sent'`, nothing sent,
// on every adapter configuration and the memory provider, exactly as through a client. Before, a provider
// called directly checked its id, input and options first and answered InvalidInputError where a client
// answered AbortError (docs/decisions/2026-12-01-aborted-first-called-directly.md).

const direct = checkSection('hardening.aborted-first-direct', 'aborts');
const directCheck = 'an aborted signal beside bad input: AbortError, not-sent, nothing sent, called directly';

const providerOperations = ['create', 'get', 'list', 'update', 'delete', 'start', 'stop'] as const;
type ProviderOperation = (typeof providerOperations)[number];

/** What is wrong with the call besides its aborted signal. */
interface Bad {
  /** A malformed id (calls that take one). */
  id: '' | 'a/b' | '..' | undefined;
  /** Bad input: create's or update's, a list's `pageSize` or `name`. */
  input: boolean;
  /** An option no call takes or a value the HTTP layer refuses, beside the signal. */
  option: 'timeoutMS' | 'timeoutMs -1' | 'pageSize 0' | undefined;
}

const bads: fc.Arbitrary<Bad> = fc.record({
  id: fc.constantFrom(undefined, '', 'a/b', '..'),
  input: fc.boolean(),
  option: fc.constantFrom(undefined, 'timeoutMS', 'timeoutMs -1', 'pageSize 0'),
});

function abortedOptions(bad: Bad, operation: ProviderOperation): Record<string, unknown> {
  const controller = new AbortController();
  controller.abort(new Error('caller gave up'));
  const options: Record<string, unknown> = { signal: controller.signal };
  if (bad.option === 'timeoutMS') options.timeoutMS = 5;
  if (bad.option === 'timeoutMs -1') options.timeoutMs = -1;
  // Refused by the client on every call but list, and by list's own check there.
  if (bad.option === 'pageSize 0') options.pageSize = 0;
  if (operation === 'list' && bad.input) options.name = '';
  return options;
}

interface Callable {
  create(input: unknown, options: unknown): Promise<unknown>;
  get(id: string, options: unknown): Promise<unknown>;
  update(id: string, patch: unknown, options: unknown): Promise<unknown>;
  delete(id: string, options: unknown): Promise<unknown>;
  start(id: string, options: unknown): Promise<unknown>;
  stop(id: string, options: unknown): Promise<unknown>;
}

async function callWith(
  target: Callable,
  walk: (options: unknown) => AsyncIterable<{ id: string }>,
  operation: ProviderOperation,
  id: string,
  bad: Bad,
): Promise<unknown> {
  const options = abortedOptions(bad, operation);
  const at = bad.id ?? id;
  switch (operation) {
    case 'create':
      return target.create(bad.input ? { name: '' } : { name: 'unilive aborted' }, options);
    case 'list': {
      const ids: string[] = [];
      for await (const stream of walk(options)) ids.push(stream.id);
      return ids;
    }
    case 'update':
      return target.update(at, bad.input ? {} : { name: 'unilive aborted' }, options);
    default:
      return target[operation](at, options);
  }
}

// Each operation with each kind of bad input alone, and all of them at once: the cases the old order failed.
const knownBads: [ProviderOperation, Bad][] = providerOperations.flatMap((operation) =>
  (
    [
      { id: '', input: false, option: undefined },
      { id: undefined, input: true, option: undefined },
      { id: undefined, input: false, option: 'timeoutMS' },
      { id: undefined, input: false, option: 'timeoutMs -1' },
      { id: 'a/b', input: true, option: 'pageSize 0' },
      { id: undefined, input: false, option: undefined },
    ] satisfies Bad[]
  ).map((bad): [ProviderOperation, Bad] => [operation, bad]),
);

describe('a signal aborted before a provider is called directly', () => {
  for (const subject of subjects) {
    it(`${subject.label}: AbortError before any bad input, not-sent, nothing sent, as through a client`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...providerOperations), bads, (operation, bad) =>
          direct.counted(
            directCheck,
            subject.label,
            async () => {
              const run = async (path: 'direct' | 'client'): Promise<Outcome> => {
                const made = subject.make();
                if (path === 'direct') {
                  const provider = made.provider;
                  return outcomeOf(
                    () =>
                      callWith(
                        provider as unknown as Callable,
                        (options) => provider.list(options as never),
                        operation,
                        subject.id,
                        bad,
                      ),
                    made.requests,
                  );
                }
                const client = createLiveStreamClient(made.provider);
                return outcomeOf(
                  () =>
                    callWith(
                      client as unknown as Callable,
                      (options) => client.list(options as never),
                      operation,
                      subject.id,
                      bad,
                    ),
                  made.requests,
                );
              };
              const viaClient = await run('client');
              const called = await run('direct');
              const said = `${operation} ${JSON.stringify(bad)}`;
              expect(viaClient, said).toEqual({
                error: { name: 'AbortError', delivery: 'not-sent', operation },
                requests: [],
              });
              expect(called, said).toEqual(viaClient);
            },
            `${operation} ${JSON.stringify(bad)}`,
          ),
        ),
        { numRuns: 60, examples: knownBads },
      );
      direct.row(directCheck, subject.label).figure =
        `${providerOperations.length} operations, each with a bad id, input or option besides`;
    });
  }
});
