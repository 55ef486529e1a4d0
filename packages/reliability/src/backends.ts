import type { Clock, CreateLiveStreamInput, LiveStreamProvider, UpdateLiveStreamInput } from '@unilive/core';
import { type Fault, replaceEnums, type Sandbox, startSandbox } from '@unilive/sandbox';
import { type Fixture, interceptFixture, loadFixture } from '@unilive/testing';
import nock from 'nock';
import type { AdapterSpec, MatrixOperation } from './adapters.js';
import {
  abortHeldMs,
  isSlowTransient,
  type MatrixFault,
  slowDelayMs,
  slowRecoveryRetries,
  timesOf,
  unhurriedTimeoutMs,
} from './faults.js';

/** The retry budget of a case: the default, or more room to recover after a slow answer served once. */
const retryFor = (fault: MatrixFault) =>
  isSlowTransient(fault) ? { retry: { maxRetries: slowRecoveryRetries } } : {};

import type { Wire } from './wire.js';

/** Where the matrix runs: recorded fixtures replayed by nock, or the sandbox server on loopback. */
export type BackendName = 'nock' | 'sandbox';

/** One case, ready to run: the provider under test and what it should call. */
export interface PreparedCase {
  provider: LiveStreamProvider;
  /** The stream the operation targets (none for create and list). */
  subjectId: string | undefined;
  createInput: CreateLiveStreamInput;
  updatePatch: UpdateLiveStreamInput;
  /** The page size `list` asks for (absent: the adapter's default). */
  listPageSize?: number | undefined;
  /** Create requests the backend received since the case started (nock: interceptors; sandbox: streams made). */
  creates(): number;
  /** Requests nock could not match (a harness problem, never a library outcome). */
  unmatched(): readonly string[];
  /**
   * Waits until the backend has received the `sent` requests the call handed to `fetch` and finished what
   * they left running (a slow request it carries out late), so nothing of this case lands in the next.
   */
  settle(sent: number): Promise<void>;
  /** Clears what the case left (unconsumed faults and interceptors, its streams). */
  finish(createdId: string | undefined): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  start(): Promise<void>;
  /** Credentials the backend accepts for the adapter, by label, for the secret scanner. */
  credentials(adapter: AdapterSpec): Record<string, string>;
  /**
   * Builds the provider, readies the subject, then plans the fault on the operation's first request
   * (everything but the DNS fault, which the wire plays). `clock` is the one the case's client reads: a
   * Retry-After date is written from it, so the wait the client reads from it is the one the fault asked
   * for, however long the machine took between writing and reading.
   */
  prepare(
    adapter: AdapterSpec,
    operation: MatrixOperation,
    fault: MatrixFault,
    wire: Wire,
    timeoutMs: number,
    clock: Clock,
  ): Promise<PreparedCase>;
  close(): Promise<void>;
}

const htmlPage =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
const json = { 'content-type': 'application/json' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/** The recorded fixtures, replayed with nock. */
export function nockBackend(): Backend {
  const unmatched: string[] = [];
  const onNoMatch = (request: Request) => unmatched.push(`${request.method} ${request.url}`);
  return {
    name: 'nock',
    async start() {
      nock.disableNetConnect();
      nock.emitter.on('no match', onNoMatch);
    },
    credentials: (adapter) => ({ ...adapter.fixtures.secrets }),
    async prepare(adapter, operation, fault, wire, timeoutMs, clock) {
      nock.cleanAll();
      unmatched.length = 0;
      const { fixtures } = adapter;
      const plan = fixtures.operations[operation];
      const load = (name: string): Fixture => loadFixture(fixtures.directory, name);
      const seen: string[] = [];
      // Answers held for the abort cases, let go when the call has ended.
      const held = new Set<() => void>();
      const hold = () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(release, abortHeldMs);
          function release() {
            clearTimeout(timer);
            held.delete(release);
            resolve();
          }
          held.add(release);
        });
      const scope = () => {
        const created = nock(fixtures.origin);
        created.on('request', (request: Request) =>
          seen.push(`${request.method} ${new URL(request.url).pathname}`),
        );
        return created;
      };
      const createTarget = fixtures.operations.create
        ? load(fixtures.operations.create.target).request
        : undefined;
      const { shape: planned } = fault;
      if (planned.kind === 'paging' || planned.kind === 'odd-record') {
        // The recorded answers of the contract's paging scenarios replace the list's usual exchanges.
        const scenario = planned.kind === 'odd-record' ? 'odd-record' : planned.mode;
        for (const name of fixtures.paging?.scenarios[scenario] ?? []) interceptFixture(scope(), load(name));
      } else if (plan && planned.kind === 'read-back-fails') {
        // The change is answered as recorded; every read of the stream after it fails with 503 (optional:
        // an answer that holds the whole stream needs none).
        const readPath = fixtures.operations.get
          ? load(fixtures.operations.get.target).request.path
          : undefined;
        const error = load(fixtures.errors.serverError).response;
        interceptFixture(scope(), load(plan.target));
        for (const name of plan.success.slice(1)) {
          const fixture = load(name);
          if (fixture.request.method === 'GET' && fixture.request.path === readPath) continue;
          interceptFixture(scope(), fixture);
        }
        if (readPath) {
          scope()
            .intercept(readPath, 'GET')
            .times(3)
            .optionally()
            .reply(503, typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? null), {
              ...json,
              ...error.headers,
            });
        }
      } else if (plan) {
        const target = load(plan.target);
        const times = timesOf(fault);
        const intercept = () => scope().intercept(target.request.path, target.request.method).times(times);
        const recordedBody =
          target.response.body === undefined
            ? ''
            : typeof target.response.body === 'string'
              ? target.response.body
              : JSON.stringify(target.response.body);
        const errorReply = (status: number, retryAfter?: 'seconds' | 'date') => {
          const error = load(
            status === 429 ? fixtures.errors.rateLimit : fixtures.errors.serverError,
          ).response;
          const headers: Record<string, string> = { ...json, ...error.headers };
          if (retryAfter === 'seconds') headers['retry-after'] = '1';
          if (retryAfter === 'date') headers['retry-after'] = new Date(clock() + 2_000).toUTCString();
          const body =
            error.body === undefined
              ? ''
              : typeof error.body === 'string'
                ? error.body
                : JSON.stringify(error.body);
          intercept().reply(status, body, headers);
        };
        // A change answered 2xx with no body, or with JSON of another shape, was accepted: the adapter reads
        // the stream back (core's requestChange), and is answered as recorded. Unused interceptors are not
        // checked here, so an adapter that needs no read-back leaves it be.
        const readBack = () => {
          const read = fixtures.operations.get?.target;
          if (!read || !['update', 'start', 'stop'].includes(operation)) return;
          // The recording shows the stream as it was, however often it is read: a vendor whose reads may
          // lag a change (Wowza Video's cache) is read once more when the first read does not show it.
          interceptFixture(scope(), load(read), { times: operation === 'update' ? 2 : 1 });
        };
        const { shape } = fault;
        switch (shape.kind) {
          case 'status':
            errorReply(shape.status, shape.retryAfter);
            break;
          case 'abort-retry-wait':
            errorReply(429, 'seconds');
            break;
          case 'reset':
            intercept().replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
            break;
          case 'dns':
            break;
          case 'slow-headers':
            intercept().reply(async () => {
              await sleep(slowDelayMs);
              return [target.response.status, recordedBody, json];
            });
            break;
          case 'abort-in-flight':
            intercept().reply(async () => {
              await hold();
              return [target.response.status, recordedBody, json];
            });
            break;
          case 'slow-body':
            // The length declared, as a server streaming the body would (a 204 has nothing to hold back).
            intercept()
              .delay(slowDelayMs)
              .reply(target.response.status, recordedBody, {
                ...json,
                'content-length': String(Buffer.byteLength(recordedBody)),
              });
            break;
          case 'malformed-json':
            intercept().reply(200, '{"id": "abc", "na', json);
            break;
          case 'empty-body':
            intercept().reply(200, '', json);
            readBack();
            break;
          case 'html':
            intercept().reply(200, htmlPage, { 'content-type': 'text/html; charset=utf-8' });
            break;
          case 'wrong-shape':
            intercept().reply(200, JSON.stringify({ unexpected: [1, 2, 3], data: null }), json);
            readBack();
            break;
          case 'unknown-enum': {
            const body =
              target.response.body === undefined ? '' : JSON.stringify(replaceEnums(target.response.body));
            intercept().reply(target.response.status, body, json);
            break;
          }
          default:
            break;
        }
        // After a slow answer served once, the recovery may take more than one attempt on a loaded machine.
        const successTimes = isSlowTransient(fault) ? { times: slowRecoveryRetries + 1 } : {};
        for (const name of plan.success) interceptFixture(scope(), load(name), successTimes);
      }
      const paged = planned.kind === 'paging' || planned.kind === 'odd-record';
      return {
        provider: adapter.factory({
          ...fixtures.settings,
          ...adapter.settings,
          fetch: wire.fetch,
          timeoutMs,
          ...retryFor(fault),
        }),
        subjectId: operation === 'create' || operation === 'list' ? undefined : fixtures.subjectId,
        createInput: fixtures.createInput,
        updatePatch: fixtures.updatePatch,
        listPageSize: paged ? fixtures.paging?.pageSize : undefined,
        creates: () =>
          createTarget
            ? seen.filter((entry) => entry === `${createTarget.method} ${createTarget.path.split('?')[0]}`)
                .length
            : 0,
        unmatched: () => [...unmatched],
        async settle() {
          for (const release of [...held]) release();
        },
        async finish() {
          nock.cleanAll();
        },
      };
    },
    async close() {
      nock.emitter.off('no match', onNoMatch);
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** The sandbox on loopback, with its fault engine. */
export function sandboxBackend(): Backend {
  let sandbox: Sandbox | undefined;
  // The sandbox stamps (and writes Retry-After dates) on the clock of the case being prepared.
  let caseClock: Clock = () => Date.now();
  const running = () => {
    if (!sandbox) throw new Error('the sandbox is not started');
    return sandbox;
  };
  return {
    name: 'sandbox',
    async start() {
      sandbox = await startSandbox({ transitionMs: 5, now: () => caseClock() });
    },
    credentials: (adapter) => running().credentials(adapter.provider),
    async prepare(adapter, operation, fault, wire, timeoutMs, clock) {
      caseClock = clock;
      const server = running();
      server.clearFaults();
      const provider = adapter.factory({
        ...server.adapterSettings(adapter.provider),
        ...adapter.settings,
        fetch: wire.fetch,
        timeoutMs,
        ...retryFor(fault),
      });
      const createInput: CreateLiveStreamInput = {
        name: 'unilive matrix stream',
        ...(provider.capabilities.restream
          ? { restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'matrix-restream-key-0001' }] }
          : {}),
      };
      let subjectId: string | undefined;
      if (operation !== 'create' && operation !== 'list' && !adapter.unsupported.includes(operation)) {
        subjectId = (
          await provider.create({ name: 'unilive matrix subject' }, { timeoutMs: unhurriedTimeoutMs })
        ).id;
        if (adapter.needsStarted.includes(operation)) await startAndWait(provider, subjectId);
      }
      if (operation === 'list')
        await provider.create({ name: 'unilive matrix listed' }, { timeoutMs: unhurriedTimeoutMs });
      // A paging case needs three pages at least, so that a repeated page 2 is not the vendor's last; the
      // streams made for it go again when the case ends.
      const paged = fault.shape.kind === 'paging' || fault.shape.kind === 'odd-record';
      const made: string[] = [];
      if (operation === 'list' && paged) {
        let count = 0;
        for await (const _ of provider.list({ timeoutMs: unhurriedTimeoutMs })) count += 1;
        for (; count <= 2 * adapter.sandboxPaging.perPage; count += 1)
          made.push(
            (
              await provider.create(
                { name: `unilive matrix page ${count}` },
                { timeoutMs: unhurriedTimeoutMs },
              )
            ).id,
          );
      }
      const target = adapter.sandboxOperations[operation];
      const planned = sandboxFault(fault);
      if (target && planned) server.injectFault(adapter.provider, target, planned);
      const createdBefore = server.stats().created[adapter.provider] ?? 0;
      const requestsBefore = server.stats().requests;
      return {
        provider,
        subjectId,
        createInput,
        // The recordings' patch: a rename, or the one change a configuration can make (videosdk v2's
        // room status).
        updatePatch: adapter.fixtures.updatePatch,
        listPageSize: paged ? adapter.sandboxPaging.pageSize : undefined,
        creates: () => (server.stats().created[adapter.provider] ?? 0) - createdBefore,
        unmatched: () => [],
        async settle(sent) {
          // A request whose client hung up is carried out when the server notices: a create then makes
          // the stream it was asked for, and that stream belongs to this case. On a loaded machine the
          // server may only start on it after the call ended, so wait for it to arrive, then to finish.
          const settled = () =>
            server.stats().requests - requestsBefore >= sent && server.stats().inFlight === 0;
          for (let wait = 0; wait < 1_000 && !settled(); wait += 1) await sleep(10);
        },
        async finish(createdId) {
          server.clearFaults();
          // Keep the store small so list cases stay one page; a stream that will not go is left behind.
          for (const id of [subjectId, createdId, ...made]) {
            if (id === undefined) continue;
            try {
              await provider.delete(id, { timeoutMs: unhurriedTimeoutMs });
            } catch {
              // Already gone, or started (Wowza refuses to delete a started stream): left in the store.
            }
          }
        },
      };
    },
    async close() {
      await sandbox?.close();
      sandbox = undefined;
    },
  };
}

/** The sandbox fault that serves a matrix fault; undefined for the DNS failure, which the wire plays. */
export function sandboxFault(fault: MatrixFault): Fault | undefined {
  const times = timesOf(fault);
  const { shape } = fault;
  switch (shape.kind) {
    case 'status':
      if (shape.status === 429) {
        return {
          type: 'rate-limit',
          retryAfterSeconds: shape.retryAfter === 'date' ? 2 : 1,
          retryAfterDate: shape.retryAfter === 'date',
          times,
        };
      }
      // The vendor did the work and the answer was lost: a repeated create would make a second stream.
      if (shape.status === 408) return { type: 'status', status: 408, times, processed: true };
      return { type: 'server-error', status: shape.status, times, processed: true };
    case 'abort-retry-wait':
      return { type: 'rate-limit', retryAfterSeconds: 1, times };
    case 'reset':
      return { type: 'network', times, processed: true };
    case 'dns':
      return undefined;
    case 'slow-headers':
      return { type: 'slow', delayMs: slowDelayMs, times };
    case 'abort-in-flight':
      // Held until the client hangs up: only an honoured abort ends the call.
      return { type: 'slow', delayMs: abortHeldMs, times };
    case 'slow-body':
      return { type: 'slow-body', delayMs: slowDelayMs, times };
    case 'malformed-json':
    case 'empty-body':
    case 'html':
    case 'wrong-shape':
    case 'unknown-enum':
      return { type: shape.kind, times };
    case 'read-back-fails':
      return { type: 'read-back-fails', status: 503, reads: 3, times };
    case 'paging':
      // Every page request of the walk misbehaves, however many pages it takes.
      return { type: 'paging', mode: shape.mode, times: 1_000 };
    case 'odd-record':
      return { type: 'odd-record', times };
  }
}

async function startAndWait(provider: LiveStreamProvider, id: string): Promise<void> {
  await provider.start(id, { timeoutMs: unhurriedTimeoutMs });
  for (let poll = 0; poll < 200; poll += 1) {
    const status = provider.getStatus ? await provider.getStatus(id) : await provider.get(id);
    if (status.state === 'ready') return;
    await sleep(5);
  }
  throw new Error(`stream ${id} did not become ready`);
}
