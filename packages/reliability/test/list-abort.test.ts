import { AbortError, createLiveStreamClient, createLiveStreamRegistry, type HttpHooks } from '@unilive/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';
import { listRuns, proxiedSandbox } from './proxied-sandbox.js';

// A list walk whose caller's signal fires ends with AbortError at the next stream, on every adapter and
// through every way of walking (a client's loop and toArray, a registry's list and findByName): no stream is
// handed out after the signal fired, even one from a page already fetched (LiveAPI and videosdk v1 carry
// whole streams on their pages and read nothing more for them), and no request goes out after it.

/** How the walk is made. */
type Way = 'client loop' | 'client toArray' | 'registry list' | 'registry findByName';
const ways: readonly Way[] = ['client loop', 'client toArray', 'registry list', 'registry findByName'];

/**
 * When the signal fires: in the caller's loop once it has `count` streams (a way with a loop; 0: before the
 * walk begins), or from the
 * `onResponse` hook of the walk's `nth` answer (0-based; past the last, the last): a page or a stream's
 * details just read, and what it brought not yet handed out.
 */
type Trigger = { kind: 'after streams'; count: number } | { kind: 'on response'; nth: number };

const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.list-abort', { kind: 'checks', area: 'aborts', rows }));

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  // Two pages and a bit where the vendor takes a page size; LiveAPI's pages hold ten.
  const perPage = adapter.sandboxPaging.pageSize ?? adapter.sandboxPaging.perPage;
  const streamCount = perPage + 2;
  // videosdk v2 rooms keep no name (`capabilities.names` false): there is no name to seek.
  const walks = adapterId === 'videosdk-v2' ? ways.filter((way) => way !== 'registry findByName') : ways;
  describe(`a list walk whose signal fires: ${adapterId}`, () => {
    const stage = proxiedSandbox(adapter, {
      streams: streamCount,
      namePrefix: 'unilive list abort',
      retry: { maxRetries: 0 },
    });
    const { settings } = stage;

    /** Walks as `way` says, with `hooks` and `signal`; every stream handed out goes to `got`. */
    async function walk(
      way: Way,
      hooks: HttpHooks,
      signal: AbortSignal,
      pageSize: number | undefined,
      got: (stream: { id: string }) => void,
      sought: string,
    ): Promise<void> {
      const paging = pageSize === undefined ? {} : { pageSize };
      if (way === 'client loop' || way === 'client toArray') {
        const list = createLiveStreamClient(adapter.factory(settings()), { hooks }).list({
          signal,
          ...paging,
        });
        if (way === 'client toArray') for (const stream of await list.toArray()) got(stream);
        else for await (const stream of list) got(stream);
        return;
      }
      const registry = createLiveStreamRegistry({ providers: { p: adapter.factory(settings()) }, hooks });
      if (way === 'registry findByName') {
        for (const stream of await registry.findByName(sought, { signal, ...paging })) got(stream);
        return;
      }
      for await (const stream of registry.list({ signal, ...paging })) got(stream);
    }

    it('ends with AbortError at the next stream, wherever the signal fires: nothing handed out and no request made after it', async () => {
      stage.proxy.reset();
      // The walk each way makes when nothing aborts: how many answers it reads.
      const answers = new Map<string, number>();
      const plainRun = async (way: Way, pageSize: number | undefined, sought: string) => {
        const key = `${way} ${pageSize} ${sought}`;
        const known = answers.get(key);
        if (known !== undefined) return known;
        let count = 0;
        const streams: string[] = [];
        await walk(
          way,
          {
            onResponse: () => {
              count += 1;
            },
          },
          new AbortController().signal,
          pageSize,
          (stream) => streams.push(stream.id),
          sought,
        );
        expect(streams, key).toHaveLength(way === 'registry findByName' ? 1 : streamCount);
        answers.set(key, count);
        return count;
      };
      const looping = (way: Way) => way === 'client loop' || way === 'registry list';

      const failures: string[] = [];
      let cases = 0;
      let requestsMadeAfter = 0;
      // The row is written whatever the cases found: a failing run's section says what failed.
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...walks),
            fc.oneof(
              fc.record({ kind: fc.constant('after streams' as const), count: fc.nat({ max: streamCount }) }),
              fc.record({ kind: fc.constant('on response' as const), nth: fc.nat({ max: 30 }) }),
            ),
            fc.constantFrom(adapter.sandboxPaging.pageSize, undefined),
            fc.nat({ max: streamCount - 1 }),
            fc.boolean(),
            async (way, given: Trigger, pageSize, soughtAt, withReason) => {
              const sought = `unilive list abort ${soughtAt}`;
              // A loop's count past its streams, or a loop-less way: the signal fires from the hook.
              const trigger: Trigger =
                given.kind === 'after streams' && (!looping(way) || given.count >= streamCount)
                  ? { kind: 'on response', nth: given.count }
                  : given;
              const last = (await plainRun(way, pageSize, sought)) - 1;
              const controller = new AbortController();
              const fire = () => controller.abort(withReason ? new Error('caller gave up') : undefined);
              let heard = 0;
              let requestsAfter = 0;
              const handedOutAfter: string[] = [];
              let handedOut = 0;
              const hooks: HttpHooks = {
                onRequest: () => {
                  if (controller.signal.aborted) requestsAfter += 1;
                },
                onResponse: () => {
                  if (trigger.kind === 'on response' && heard === Math.min(trigger.nth, last)) fire();
                  heard += 1;
                },
              };
              const said = `${way}, ${JSON.stringify(trigger)}, pageSize ${pageSize}, ${sought}`;
              // Before its first stream: the signal has fired when the walk begins.
              if (trigger.kind === 'after streams' && trigger.count === 0) fire();
              const outcome = await walk(
                way,
                hooks,
                controller.signal,
                pageSize,
                (stream) => {
                  if (controller.signal.aborted) handedOutAfter.push(stream.id);
                  handedOut += 1;
                  if (trigger.kind === 'after streams' && handedOut === trigger.count) fire();
                },
                sought,
              ).then(
                () => undefined,
                (error: unknown) => error,
              );
              cases += 1;
              requestsMadeAfter += requestsAfter;
              try {
                expect(controller.signal.aborted, said).toBe(true);
                expectAborted(said, outcome, way, withReason, handedOutAfter, requestsAfter);
              } catch (error) {
                failures.push(`${said}: ${String(outcome)}`);
                throw error;
              }
            },
          ),
          { numRuns: listRuns * 2 },
        );
      } finally {
        rows.push({
          check: 'a list walk whose signal fires ends with AbortError at the next stream',
          adapter: adapterId,
          runs: cases,
          failures,
          figure: `${walks.length} ways of walking; ${requestsMadeAfter} requests after the signal`,
        });
      }
    });

    function expectAborted(
      said: string,
      outcome: unknown,
      way: Way,
      withReason: boolean,
      handedOutAfter: string[],
      requestsAfter: number,
    ): void {
      expect(AbortError.isInstance(outcome), `${said}: ${String(outcome)}`).toBe(true);
      const error = outcome as AbortError;
      expect(error.provider, said).toBe(adapter.provider);
      const operation = way === 'registry findByName' ? 'findByName' : 'list';
      expect(error.operation, said).toBe(operation);
      // One text for the event, whether the walk, the registry or the HTTP layer met it.
      expect(error.message, said).toBe(`${adapter.provider} ${operation} was aborted`);
      if (way.startsWith('registry')) expect(error.providerName, said).toBe('p');
      if (withReason) expect(error.cause, said).toMatchObject({ message: 'caller gave up' });
      expect(handedOutAfter, said).toEqual([]);
      expect(requestsAfter, said).toBe(0);
    }
  });
}
