import type { LiveStreamProvider } from '@unilive/core';
import { type Fault, type FaultOperation, replaceEnums } from '@unilive/sandbox';
import type nockModule from 'nock';
import type { ContractHarness, ContractStep } from './contract.js';
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
}

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
    nock.disableNetConnect();
    return {
      provider: options.createProvider(),
      secrets: options.secrets,
      prepare(step) {
        for (const name of options.steps[step] ?? []) interceptFixture(nock(options.origin), load(name));
      },
      injectFault(operation: FaultOperation, fault: Fault) {
        const requestFixture = options.operations[operation];
        if (!requestFixture) return false;
        const { request } = load(requestFixture);
        const times = fault.times ?? 1;
        if (fault.type === 'network' || fault.type === 'slow') {
          const interceptor = nock(options.origin).intercept(request.path, request.method).times(times);
          if (fault.type === 'network') {
            interceptor.replyWithError(Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' }));
          } else {
            const recorded = load(requestFixture).response;
            const slowly = async () => {
              await hold(fault.delayMs);
              return [recorded.status, JSON.stringify(recorded.body ?? null)] as [number, string];
            };
            // The first slow answer must be asked for; spares (planned in case a late request takes one)
            // need not be. nock registers an interceptor when it gets its reply, so the required one goes first.
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
        interceptFixture(nock(options.origin), { ...error, request, response }, { times });
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
