import {
  createEventHub,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStreamEvent,
  UnsupportedOperationError,
} from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// Events across adapters: what a wait does with an event source no vendor controls, and whether it says at
// once that it can never see video where neither the vendor's API nor its webhooks tell.

const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.events', { kind: 'checks', area: 'events', rows }));

const baseUrl = 'https://vendor.invalid/api';

// Counts requests and answers none: a wait that must not send anything sends nothing here.
function countingFetch() {
  const requests: string[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    requests.push(String(input instanceof Request ? input.url : input));
    return new Response('{}', { status: 503 });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

describe('events: waitForBroadcast where nothing can tell', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: refuses before any request exactly where neither the API nor the webhooks tell`, async () => {
      const adapter = adapters[adapterId];
      const { fetch, requests } = countingFetch();
      const provider = adapter.factory({ ...adapter.fixtures.settings, ...adapter.settings, baseUrl, fetch });
      const client = createLiveStreamClient(provider);
      const { broadcastingStatus, broadcastingEvents } = provider.capabilities;
      const failures: string[] = [];
      let runs = 0;
      for (const events of [undefined, createEventHub()]) {
        // The API tells (LiveAPI), or events given to a vendor whose webhooks tell (Real-Time): a wait runs.
        const canTell = broadcastingStatus || (events !== undefined && broadcastingEvents !== false);
        if (canTell) continue;
        runs += 1;
        const error = await client
          .waitForBroadcast(adapter.fixtures.subjectId, { ...(events ? { events } : {}), timeoutMs: 1_000 })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        if (!UnsupportedOperationError.isInstance(error))
          failures.push(`events ${events ? 'hub' : 'none'}: ${String(error)}`);
      }
      if (requests.length > 0) failures.push(`sent ${requests.length} requests`);
      rows.push({
        check: 'waitForBroadcast fails fast where video cannot be seen',
        adapter: adapterId,
        runs,
        failures,
        figure: broadcastingStatus
          ? 'the API tells'
          : broadcastingEvents === false
            ? 'nothing tells'
            : 'events tell',
      });
      expect(failures).toEqual([]);
    });
  }
});

describe('events: an event source the application wrote', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: a source that yields anything, or is no source, never crashes a wait or sends a request first`, async () => {
      const adapter = adapters[adapterId];
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom(null, undefined, 0, '', [], {}), fc.jsonValue()), {
            maxLength: 6,
          }),
          fc.oneof(fc.constantFrom(null, 5, 'events', [], {}), fc.jsonValue()),
          async (junk, notASource) => {
            runs += 1;
            const { fetch, requests } = countingFetch();
            const client = createLiveStreamClient(
              adapter.factory({ ...adapter.fixtures.settings, ...adapter.settings, baseUrl, fetch }),
            );
            // Not a source at all: named, before any request.
            const refused = await client
              .waitForState(adapter.fixtures.subjectId, 'ready', { events: notASource as never })
              .then(
                () => undefined,
                (caught: unknown) => caught,
              );
            if (!InvalidInputError.isInstance(refused) || requests.length > 0) {
              failures.push(
                `events ${JSON.stringify(notASource)}: ${String(refused)}, ${requests.length} requests`,
              );
            }
            // A source that yields junk: the wait ends as the vendor answers (503 here), never by a TypeError.
            async function* source(): AsyncGenerator<LiveStreamEvent> {
              yield* junk as LiveStreamEvent[];
            }
            const outcome = await client
              .waitForState(adapter.fixtures.subjectId, 'ready', {
                events: source(),
                timeoutMs: 1_000,
                signal: AbortSignal.abort(),
              })
              .then(
                () => undefined,
                (caught: unknown) => caught,
              );
            if (outcome instanceof TypeError || !(outcome instanceof Error)) {
              failures.push(`junk ${JSON.stringify(junk)}: ${String(outcome)}`);
            }
          },
        ),
        { numRuns: 25 },
      );
      rows.push({ check: 'a wait survives any event source', adapter: adapterId, runs, failures });
      expect(failures).toEqual([]);
    });
  }
});
