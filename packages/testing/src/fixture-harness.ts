import type { LiveStreamProvider } from '@unilive/core';
import { type Fault, type FaultOperation, replaceEnums } from '@unilive/sandbox';
import type nockModule from 'nock';
import type { ContractHarness, ContractStep, PagingScenario, PagingSetup } from './contract.js';
import { type Fixture, interceptFixture, loadFixture } from './fixtures.js';

type Nock = typeof nockModule;

/** Options of {@link fixtureHarness}. */
export interface FixtureHarnessOptions {
  /** The caller's `nock` (so one copy intercepts). */
  nock: Nock;
  /** Origin the adapter talks to (`https://api.video.wowza.com`). */
  origin: string;
  /** `test-fixtures/<vendor>` */
  directory: string;
  /** Builds the adapter as a user would, with the credentials the fixtures expect. */
  createProvider(): LiveStreamProvider;
  /** Credentials the fixtures carry, by label. */
  secrets: Record<string, string>;
  /** The fixtures each lifecycle step replays, in order. */
  steps: Partial<Record<ContractStep, readonly string[]>>;
  /** For each fault operation, the fixture whose request it fails (its response is replaced). */
  operations: Partial<Record<FaultOperation, string>>;
  /** For each status fault, the vendor's error fixture whose response is served. */
  errors: Partial<
    Record<'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'rate-limit' | 'server-error', string>
  >;
  /**
   * The paging scenarios' recorded exchanges (list pages, and the reads of each listed stream where the
   * adapter makes them), with how the pages are sized. `odd-record-strict` is the strict walk, which ends
   * at the odd record.
   */
  paging?: PagingSetup & {
    scenarios: Partial<Record<PagingScenario | 'odd-record-strict', readonly string[]>>;
  };
}

// Steps a recording may lack: the suite skips them, saying so, rather than fail for want of an exchange.
const optionalSteps = new Set<ContractStep>([
  'update-same-restream',
  'list-detail-fails',
  'delete-deleted',
  'abort-calls',
  'create-settings',
]);

/**
 * A contract harness replaying recorded exchanges with nock: each step's fixtures must be requested
 * exactly (method, path, headers, body), and faults reuse the failed operation's request with the vendor's
 * recorded error response.
 */
export function fixtureHarness(options: FixtureHarnessOptions): () => ContractHarness {
  return () => {
    const { nock } = options;
    const load = (name: string) => loadFixture(options.directory, name);
    // Slow answers still held when a test ends are let go, so a long delay never outlives its test.
    const held = new Set<() => void>();
    const hold = (ms: number) =>
      new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          held.delete(release);
          resolve();
        };
        const timer = setTimeout(release, ms);
        held.add(release);
      });
    const releaseHeld = () => {
      for (const release of [...held]) release();
    };
    // The stream the operations' recorded requests name: the last segment of the recorded read's path.
    const recordedId = () => {
      const read = options.operations.get;
      return read === undefined ? undefined : load(read).request.path.split('?')[0]?.split('/').at(-1);
    };
    nock.disableNetConnect();
    return {
      provider: options.createProvider(),
      secrets: options.secrets,
      prepare(step) {
        for (const name of options.steps[step] ?? []) interceptFixture(nock(options.origin), load(name));
      },
      // A step added to the suite after an adapter's exchanges were recorded runs once they are. The aborted
      // calls are recorded one by one (`abort-create`, with `abort-create-cleanup` where it has one).
      supports: (step) => {
        if (step === 'abort-calls')
          return Object.keys(options.steps).some((recorded) => recorded.startsWith('abort-'));
        if (step.startsWith('abort-')) return options.steps[step] !== undefined;
        return !optionalSteps.has(step) || options.steps[step] !== undefined;
      },
      async preparePaging(scenario, { strict }) {
        const names =
          options.paging?.scenarios[strict && scenario === 'odd-record' ? 'odd-record-strict' : scenario];
        if (!options.paging || !names) return false;
        for (const name of names) interceptFixture(nock(options.origin), load(name));
        const { pageSize, perPage } = options.paging;
        return pageSize === undefined ? { perPage } : { pageSize, perPage };
      },
      injectFault(operation: FaultOperation, fault: Fault, { id, unused }) {
        // List faults are recorded pages: see `paging`.
        if (fault.type === 'paging' || fault.type === 'odd-record') return false;
        // A recording cannot carry the change out: the read after it would show the stream as before.
        if (fault.type === 'empty-body' && fault.processed) return false;
        // Nor can it hold a change undone on purpose: the read after it is the recorded one, in whatever
        // state the recording left the stream.
        if (fault.type === 'empty-body' && fault.processed === false) return false;
        if (fault.type === 'read-back-fails') {
          // The accepted answer is the step's own exchange (prepared by the suite); the reads of the stream
          // after it fail, as often as the fault says. Optional: an answer that holds the stream needs none.
          const read = options.operations.get;
          const errorFixture = options.errors['server-error'];
          if (!read || !errorFixture) return false;
          const error = load(errorFixture);
          nock(options.origin)
            .intercept(load(read).request.path, 'GET')
            .times(fault.reads ?? 3)
            .optionally()
            .reply(fault.status ?? 503, JSON.stringify(error.response.body ?? null), {
              'content-type': 'application/json',
              ...error.response.headers,
            });
          return true;
        }
        const requestFixture = options.operations[operation];
        if (!requestFixture) return false;
        const { request } = load(requestFixture);
        const times = fault.times ?? 1;
        if (fault.type === 'network' || fault.type === 'slow') {
          // On a stream of the suite's other than the recorded one (an aborted call's own), the same request
          // names that stream.
          const stream = recordedId();
          if (id !== undefined && stream !== undefined && id !== stream)
            request.path = request.path.split(`/${stream}`).join(`/${id}`);
          const interceptor = nock(options.origin).intercept(request.path, request.method).times(times);
          if (fault.type === 'network') {
            interceptor.replyWithError(Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' }));
          } else {
            const recorded = load(requestFixture).response;
            const slowly = async () => {
              const held = hold(fault.delayMs);
              // nock calls this once it has the request: the vendor holds it from here on.
              fault.onHold?.({ method: request.method, path: request.path });
              await held;
              return [recorded.status, JSON.stringify(recorded.body ?? null)] as [number, string];
            };
            // The first slow answer must be asked for, unless the adapter may never send the request (see
            // `unused`); spares (planned in case a late request takes one) need not be. nock registers an
            // interceptor when it gets its reply, so the required one goes first.
            if (unused === 'allowed') interceptor.optionally();
            interceptor.times(1).reply(slowly);
            if (times > 1) {
              nock(options.origin)
                .intercept(request.path, request.method)
                .times(times - 1)
                .optionally()
                .reply(slowly);
            }
          }
          return true;
        }
        const intercept = () => nock(options.origin).intercept(request.path, request.method).times(times);
        const recorded = load(requestFixture).response;
        switch (fault.type) {
          case 'html':
            intercept().reply(
              fault.status ?? 200,
              '<!DOCTYPE html><html><body><h1>Bad Gateway</h1></body></html>',
              {
                'content-type': 'text/html',
              },
            );
            return true;
          case 'malformed-json':
            intercept().reply(200, '{"id": "abc", "na', { 'content-type': 'application/json' });
            return true;
          case 'empty-body':
            intercept().reply(fault.status ?? 200, '', { 'content-type': 'application/json' });
            return true;
          case 'wrong-shape':
            intercept().reply(200, JSON.stringify({ unexpected: [1, 2, 3], data: null }), {
              'content-type': 'application/json',
            });
            return true;
          case 'unknown-enum':
            intercept().reply(recorded.status, JSON.stringify(replaceEnums(recorded.body ?? null)), {
              'content-type': 'application/json',
            });
            return true;
          case 'slow-body':
            // nock's delay holds back the body only, after the headers.
            intercept()
              .delay(fault.delayMs)
              .reply(recorded.status, JSON.stringify(recorded.body ?? null), {
                'content-type': 'application/json',
              });
            return true;
          default:
            break;
        }
        const kind =
          fault.type === 'status' ? (fault.status >= 500 ? 'server-error' : undefined) : fault.type;
        const errorFixture = kind === undefined ? undefined : options.errors[kind];
        if (!errorFixture) return false;
        const error: Fixture = load(errorFixture);
        const response = { ...error.response, headers: { ...error.response.headers } };
        if (fault.type === 'server-error') response.status = fault.status ?? response.status;
        if (fault.type === 'status') response.status = fault.status;
        if (fault.type === 'rate-limit') {
          const seconds = fault.retryAfterSeconds ?? 1;
          response.headers['retry-after'] = fault.retryAfterDate
            ? new Date(Date.now() + seconds * 1000).toUTCString()
            : String(seconds);
        }
        // A read the adapter may never make (see `unused`) is not held against it by afterEach.
        interceptFixture(
          nock(options.origin),
          { ...error, request, response },
          { times, optional: unused === 'allowed' },
        );
        // A refused start or stop is checked against the stream (the lifecycle rule): it is read once, as
        // recorded, in a state the call does not lead to.
        const read = options.operations.get;
        if (fault.type === 'conflict' && (operation === 'start' || operation === 'stop') && read)
          interceptFixture(nock(options.origin), load(read));
        return true;
      },
      afterEach() {
        releaseHeld();
        const pending = nock.pendingMocks();
        nock.cleanAll();
        if (pending.length > 0) throw new Error(`recorded exchanges never requested: ${pending.join(', ')}`);
      },
      close() {
        releaseHeld();
        nock.cleanAll();
        nock.enableNetConnect();
      },
    };
  };
}
