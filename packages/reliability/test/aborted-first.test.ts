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

// A signal already aborted when a call is made ends it first, on every adapter and every operation: with
// AbortError, `delivery: 'not-sent'`, the signal's reason as `cause`, and no request, whatever else the call
// would have met (an id or input it refuses, an operation the vendor does not have, such as videosdk v1's
// `stop`, a wait that needs webhook events) (docs/decisions/2026-12-01-aborted-signal-first.md).

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
      expect(heard).toEqual([]);
    }
  }
});
