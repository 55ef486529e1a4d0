import { inspect } from 'node:util';
import {
  type Clock,
  createLiveStreamClient,
  type HttpHooks,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamState,
  liveStreamStates,
  type Sleep,
  tokens,
  UniliveError,
  UnsupportedOperationError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { SecretScanner } from '@unilive/testing';
import { wowzaRealtimeDetailsOf } from '@unilive/wowza-realtime';
import { wowzaVideoDetailsOf } from '@unilive/wowza-video';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterId,
  type AdapterSpec,
  adapters,
  type MatrixOperation,
  matrixOperations,
} from './adapters.js';
import {
  type Backend,
  type BackendName,
  nockBackend,
  type PreparedCase,
  sandboxBackend,
} from './backends.js';
import {
  abortAfterMs,
  allMatrixFaults,
  attemptBudget,
  attemptTimeoutMs,
  isRetried,
  type MatrixFault,
  matrixFaults,
  persistentAttemptTimeoutMs,
  unhurriedTimeoutMs,
} from './faults.js';
import { type CaseOutcome, type CaseRecord, writeSection } from './report.js';
import { createWire, type Wire } from './wire.js';

// Lists first, while the sandbox holds few streams; the others in the interface's order.
const operationOrder: readonly MatrixOperation[] = [
  'list',
  ...matrixOperations.filter((operation) => operation !== 'list'),
];

// waitForState is satisfied by any state but `unknown`, so one poll answers unless the state is unreadable.
const knownStates: readonly LiveStreamState[] = liveStreamStates.filter((state) => state !== 'unknown');

/**
 * Registers the fault matrix of one adapter on one backend: every operation against every fault, one test
 * per case, then the secret scan over everything the cases produced and the unhandled-rejection check.
 */
export function runFaultMatrix(adapterId: AdapterId, backendName: BackendName): void {
  const adapter = adapters[adapterId];
  describe(`fault matrix: ${adapterId} on ${backendName}`, () => {
    const backend: Backend = backendName === 'nock' ? nockBackend() : sandboxBackend();
    const wire = createWire();
    const scanner = new SecretScanner();
    const registered = new Set<string>();
    const register = (label: string, value: string | undefined) => {
      if (!value || value.length < 4) return;
      registered.add(value);
      scanner.register(label, value);
    };
    const records: CaseRecord[] = [];
    let sampleError: Record<string, unknown> | undefined;
    let sampleCause: Record<string, unknown> | undefined;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    beforeAll(async () => {
      process.on('unhandledRejection', onUnhandled);
      await backend.start();
      for (const [label, value] of Object.entries(backend.credentials(adapter))) register(label, value);
    });

    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      await backend.close();
      writeSection(`matrix.${adapterId}.${backendName}`, {
        kind: 'matrix',
        adapter: adapterId,
        backend: backendName,
        cases: records,
        secretsRegistered: registered.size,
        transcriptsScanned: scanner.recorded,
        leaks: scanner.leaks(),
        unhandledRejections: unhandled.length,
        ...(sampleError ? { sampleError } : {}),
        ...(sampleCause ? { sampleCause } : {}),
      });
    });

    for (const operation of operationOrder) {
      if (adapter.unsupported.includes(operation)) {
        it(`${operation}: unsupported, typed before any request`, async () => {
          const record = await runUnsupported(adapter, operation, backend, wire, scanner);
          records.push(record);
          expect(record.problems).toEqual([]);
        });
        continue;
      }
      for (const fault of allMatrixFaults) {
        if (fault.operations && !fault.operations.includes(operation)) continue;
        it(`${operation}: ${fault.label}`, async () => {
          const record = await runCase({ adapter, operation, fault, backend, wire, scanner, register });
          records.push(record);
          if (record.sample && operation === 'create' && fault.id === '503-persistent')
            sampleError = record.sample;
          if (record.sample && operation === 'get' && fault.id === 'reset-persistent')
            sampleCause = record.sample;
          delete record.sample;
          expect(record.problems).toEqual([]);
        });
      }
    }

    it('no credential, stream key or token appears in any error or hook event of the matrix', () => {
      expect(scanner.recorded).toBeGreaterThan(records.length);
      expect(scanner.leaks()).toEqual([]);
    });

    it('no promise was left rejected and unhandled', () => {
      expect(unhandled.map((reason) => inspect(reason))).toEqual([]);
    });
  });
}

interface CaseContext {
  adapter: AdapterSpec;
  operation: MatrixOperation;
  fault: MatrixFault;
  backend: Backend;
  wire: Wire;
  scanner: SecretScanner;
  register(label: string, value: string | undefined): void;
}

/** Runs one case and checks it against what the retry policy promises. */
async function runCase(context: CaseContext): Promise<CaseRecord> {
  const { adapter, operation, fault, backend, wire, scanner } = context;
  const slow = ['slow-headers', 'slow-body'].includes(fault.shape.kind);
  const timeoutMs = !slow
    ? unhurriedTimeoutMs
    : fault.persistent
      ? persistentAttemptTimeoutMs
      : attemptTimeoutMs;
  // Retry waits are recorded, not slept; an aborted signal ends the wait at once, as the real sleep does.
  // Outside the slow faults (which are about real time limits) the client also reads a clock that only
  // those waits move: whether a retry fits before a deadline (a wait's 30 s, a 429's pause) is then decided
  // by the waits the policy asked for, never by how long a busy machine took to answer. The backend writes
  // a Retry-After date from the same clock: read on the real one, a stall before the 429 lengthened the
  // wait it asked for past the wait's 5 s.
  let virtualNow = Date.now();
  const clock: Clock = slow ? () => Date.now() : () => virtualNow;
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    if (!slow) virtualNow += ms;
  };
  const prepared = await backend.prepare(adapter, operation, fault, wire, timeoutMs, clock);
  for (const target of prepared.createInput.restream ?? [])
    context.register('restream key', target.streamKey);
  wire.reset();
  // A persistent failure fails every request of the case, as many as go out at once.
  if (fault.shape.kind === 'dns') wire.failDns(fault.persistent ? Number.POSITIVE_INFINITY : 1);

  const controller = new AbortController();
  let aborted = false;
  const abort = () => {
    aborted = true;
    controller.abort();
  };
  const retries: string[] = [];
  const warnings: string[] = [];
  const hooks: HttpHooks = {
    onWarning: (event) => {
      warnings.push(event.warning.type);
      scanner.recordText(`${JSON.stringify(event)}\n${inspect(event)}`, 'onWarning');
    },
    onRequest: (event) => scanner.recordText(`${JSON.stringify(event)}\n${inspect(event)}`, 'onRequest'),
    onResponse: (event) => scanner.recordText(`${JSON.stringify(event)}\n${inspect(event)}`, 'onResponse'),
    onRetry: (event) => {
      retries.push(event.reason);
      scanner.recordText(`${JSON.stringify(event)}\n${inspect(event, { depth: 6 })}`, 'onRetry');
      scanner.recordError(event.error, 'onRetry error');
      if (fault.shape.kind === 'abort-retry-wait') abort();
    },
    onError: (event) => {
      scanner.recordText(`${JSON.stringify(event)}\n${inspect(event, { depth: 6 })}`, 'onError');
      scanner.recordError(event.error, 'onError error');
    },
  };
  const container = createContainer();
  container.register(tokens.sleep, { useValue: sleep });
  if (!slow) container.register(tokens.clock, { useValue: clock });
  const client = createLiveStreamClient(prepared.provider, { hooks, container });

  // Aborted a little after the request has left, not after a time from the call's start: on a busy machine
  // a call can take longer than that to send (videosdk signs its first token), and the abort then lands
  // before the request, which is another case.
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (fault.shape.kind === 'abort-in-flight') {
    wire.onNextSend(() => {
      timer = setTimeout(abort, abortAfterMs);
    });
  }
  const startedAt = performance.now();
  let value: unknown;
  let error: unknown;
  try {
    value = await invoke(client, operation, prepared, { timeoutMs, signal: controller.signal });
  } catch (caught) {
    error = caught;
    scanner.recordError(caught, `${operation} error`);
  } finally {
    clearTimeout(timer);
    // The case's requests are over: what the backend sends to clean up reaches it.
    wire.failDns(0);
  }
  const endedAt = performance.now();

  for (const stream of streamsOf(value)) registerStream(stream, context.register);
  for (const secret of prepared.provider.secrets?.() ?? [])
    context.register('secret the provider learned', secret);

  const requests = [...wire.requests];
  const key = (request: { method: string; path: string }) => `${request.method} ${request.path}`;
  // Attempts of the first request: its retries come back to back, before any other request. (A later
  // request to the same path is another step of the call: videosdk v2's stop reads the egress again.)
  // Where the first two requests go out at once, either may be the faulted one and its retries may come
  // around the other's: the attempts are those of the one sent most, up to a third request.
  const atOnce = adapter.readsAtOnce?.includes(operation) === true;
  const leadingKeys = atOnce ? [...new Set(requests.map(key))].slice(0, 2) : requests.slice(0, 1).map(key);
  const leading = requests.findIndex((request) => !leadingKeys.includes(key(request)));
  const window = leading === -1 ? requests : requests.slice(0, leading);
  const sentOf = (wanted: string) => window.filter((request) => key(request) === wanted).length;
  const firstKey = leadingKeys.reduce<string | undefined>(
    (most, candidate) => (most === undefined || sentOf(candidate) > sentOf(most) ? candidate : most),
    undefined,
  );
  const first = requests.find((request) => key(request) === firstKey);
  // A poll whose two reads go out at once (pollsAtOnce) is followed, once it succeeds, by the read of the
  // whole stream, which sends both again, in either order: each later sending of the read not faulted is
  // one more step, which sent the faulted one once too. A wait that failed made no later step (a DNS
  // failure fails both reads alike).
  const otherKey = leadingKeys.find((candidate) => candidate !== firstKey);
  const laterSteps =
    atOnce &&
    adapter.pollsAtOnce?.includes(operation) === true &&
    otherKey !== undefined &&
    error === undefined
      ? Math.max(0, sentOf(otherKey) - 1)
      : 0;
  const attempts = firstKey === undefined ? 0 : sentOf(firstKey) - laterSteps;
  const typed = error !== undefined && UniliveError.isInstance(error);
  const outcome: CaseOutcome =
    error === undefined ? (retries.length > 0 ? 'recovered' : 'success') : typed ? 'typed' : 'untyped';
  const errorName = error === undefined ? undefined : error instanceof Error ? error.name : typeof error;

  // Creates: how often the request went out, how often the backend saw or carried it out.
  const isCreate = operation === 'create';
  const createsSent = isCreate
    ? requests.filter((request) => request.method === 'POST' && request.sent).length
    : 0;
  const createsNotSent = isCreate ? requests.filter((request) => !request.sent).length : 0;
  await prepared.settle(requests.filter((request) => request.sent).length);
  const backendCreates = prepared.creates();
  const refused = fault.faultClass === 'refused' || fault.shape.kind === 'abort-retry-wait';
  const createStreamsAllowed = 1;
  const duplicateSends = isCreate && !refused ? Math.max(0, createAttempts(requests) - 1) : 0;
  const duplicateStreams =
    backend.name === 'sandbox'
      ? Math.max(0, backendCreates - createStreamsAllowed)
      : isCreate && !refused
        ? Math.max(0, backendCreates - createStreamsAllowed)
        : 0;

  const problems: string[] = [];
  const expectError = (kind: string) => {
    if (error === undefined) problems.push(`expected ${kind}, but the call succeeded`);
    else if (errorName !== kind) problems.push(`expected ${kind}, got ${describeError(error)}`);
  };
  const expectAttempts = (count: number) => {
    if (attempts !== count)
      problems.push(`expected ${count} attempt(s) of ${first ? key(first) : 'the request'}, saw ${attempts}`);
  };
  if (outcome === 'untyped') problems.push(`untyped error: ${describeError(error)}`);
  const retried = isRetried(fault, adapter.retrySafe[operation]);
  // A 204 has no body to hold back: the call simply succeeds.
  const nothingToDelay = fault.shape.kind === 'slow-body' && adapter.noBody.includes(operation);
  // Whatever the fault, a list yields each stream once.
  if (operation === 'list' && Array.isArray(value)) {
    const ids = (value as LiveStream[]).map((stream) => stream.id);
    if (new Set(ids).size !== ids.length) problems.push(`the list yielded a stream twice: ${ids.join(', ')}`);
  }
  switch (nothingToDelay ? 'nothing' : fault.faultClass) {
    case 'semantics':
      // The answer is one real vendors send: the call succeeds, once, and says what it could not do.
      if (error !== undefined) problems.push(`expected success, got ${describeError(error)}`);
      expectAttempts(1);
      if (fault.warning && fault.warning !== 'read-back-failed' && !warnings.includes(fault.warning))
        problems.push(
          `expected a ${fault.warning} warning through onWarning, heard ${warnings.join(', ') || 'none'}`,
        );
      // A read-back is made only where the answer held no whole stream: then its failure must be reported.
      if (fault.warning === 'read-back-failed') {
        const read = requests.slice(1).some((request) => request.method === 'GET');
        if (read && !warnings.includes('read-back-failed'))
          problems.push('the read-back failed without a read-back-failed warning');
      }
      break;
    case 'nothing':
      if (error !== undefined)
        problems.push(`expected success (no body to delay), got ${describeError(error)}`);
      expectAttempts(1);
      break;
    case 'abort':
      expectError('AbortError');
      // That the abort, not the answer, ended the call is proven by order: the answer is held until the
      // call is over (see abortHeldMs).
      if (!aborted) problems.push('the signal never fired');
      expectAttempts(1);
      break;
    case 'response':
      if (fault.shape.kind === 'unknown-enum') {
        if (error !== undefined)
          problems.push(`unknown enum values must be read, got ${describeError(error)}`);
      } else if (fault.shape.kind === 'html' || fault.shape.kind === 'malformed-json') {
        // A 2xx body that is not JSON at all may not be the vendor's: whatever the operation, even one that
        // does not read its answer (a delete), the call fails, and whether it was carried out is unknown.
        expectError('ResponseShapeError');
        if (UniliveError.isInstance(error) && error.delivery !== 'unknown')
          problems.push(`expected delivery 'unknown', got '${error.delivery}'`);
        // A change the fault answered says so in words too, in the same words on every adapter, whether it
        // reads its answer (videosdk v2's delete, a POST deactivating the room) or only checks it; a read
        // (a get, a wait's poll, a change's read before or after it) does not.
        const change = first !== undefined && first.method !== 'GET';
        if (
          change &&
          UniliveError.isInstance(error) &&
          !error.message.endsWith(
            ", which may not be the vendor's: whether the request was carried out is unknown",
          )
        )
          problems.push(
            `expected the message to say whether the change was carried out is unknown: ${error.message}`,
          );
      } else if (error !== undefined && errorName !== 'ResponseShapeError') {
        problems.push(`expected success or ResponseShapeError, got ${describeError(error)}`);
      }
      if (fault.shape.kind !== 'unknown-enum' || operation !== 'status') expectAttempts(1);
      break;
    default:
      if (retried && !fault.persistent) {
        if (error !== undefined)
          problems.push(`expected recovery after one retry, got ${describeError(error)}`);
        // A slow fault's recovery attempt runs under the same short limit: on a machine loaded by the rest
        // of `npm test` (or a second copy of it) it may miss it, and a later attempt recovers. Only
        // timeouts may come before the recovery (see slowRecoveryRetries).
        const lateRecovery = slow && attempts > 2 && retries.every((reason) => reason === 'timeout');
        if (!lateRecovery) expectAttempts(2);
      } else {
        expectError(fault.errorKind);
        expectAttempts(retried ? attemptBudget : 1);
      }
  }
  if (duplicateSends > 0) problems.push(`create sent ${createAttempts(requests)} times after ${fault.label}`);
  if (duplicateStreams > 0) problems.push(`the backend made ${backendCreates} streams for one create`);
  const unmatched = prepared.unmatched();
  if (unmatched.length > 0) problems.push(`requests no fixture matched: ${unmatched.join(', ')}`);

  const createdId = isCreate && value !== undefined ? (value as LiveStream).id : undefined;
  await prepared.finish(createdId);
  return {
    ...(UniliveError.isInstance(error) ? { sample: error.toJSON() } : {}),
    operation,
    fault: fault.id,
    outcome,
    ...(warnings.length > 0 ? { warnings: [...new Set(warnings)] } : {}),
    ...(errorName === undefined ? {} : { error: errorName }),
    attempts,
    requests: requests.length,
    duplicateSends,
    duplicateStreams,
    createRetriesAfter429: isCreate && refused ? Math.max(0, createsSent - 1) : 0,
    createRetriesNotSent: isCreate ? createsNotSent : 0,
    problems,
    durationMs: Math.round(endedAt - startedAt),
  };
}

// POSTs of the create itself: restream platforms a create adds afterwards are other POSTs.
function createAttempts(requests: readonly { method: string; path: string; sent: boolean }[]): number {
  const first = requests[0];
  if (!first) return 0;
  return requests.filter(
    (request) => request.sent && request.method === first.method && request.path === first.path,
  ).length;
}

/** An operation the adapter does not have: it must throw UnsupportedOperationError before any request. */
async function runUnsupported(
  adapter: AdapterSpec,
  operation: MatrixOperation,
  backend: Backend,
  wire: Wire,
  scanner: SecretScanner,
): Promise<CaseRecord> {
  const prepared = await backend.prepare(
    adapter,
    operation,
    matrixFaults[0] as MatrixFault,
    wire,
    unhurriedTimeoutMs,
    () => Date.now(),
  );
  wire.reset();
  const client = createLiveStreamClient(prepared.provider);
  const startedAt = performance.now();
  let error: unknown;
  try {
    await invoke(client, operation, { ...prepared, subjectId: 'unilive-subject' }, {});
  } catch (caught) {
    error = caught;
    scanner.recordError(caught, `${operation} error`);
  }
  const problems: string[] = [];
  if (!UnsupportedOperationError.isInstance(error))
    problems.push(`expected UnsupportedOperationError, got ${describeError(error)}`);
  if (wire.requests.length > 0) problems.push(`${wire.requests.length} request(s) sent`);
  await prepared.finish(undefined);
  return {
    operation,
    fault: 'unsupported',
    outcome: UniliveError.isInstance(error) ? 'typed' : error === undefined ? 'success' : 'untyped',
    ...(error instanceof Error ? { error: error.name } : {}),
    attempts: 0,
    requests: wire.requests.length,
    duplicateSends: 0,
    duplicateStreams: 0,
    createRetriesAfter429: 0,
    createRetriesNotSent: 0,
    problems,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

async function invoke(
  client: LiveStreamClient,
  operation: MatrixOperation,
  prepared: Pick<PreparedCase, 'subjectId' | 'createInput' | 'updatePatch' | 'listPageSize'>,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<unknown> {
  const id = prepared.subjectId ?? '';
  switch (operation) {
    case 'create':
      return client.create(prepared.createInput, options);
    case 'get':
      return client.get(id, options);
    case 'list':
      return client
        .list({
          ...options,
          ...(prepared.listPageSize === undefined ? {} : { pageSize: prepared.listPageSize }),
        })
        .toArray();
    case 'update':
      return client.update(id, prepared.updatePatch, options);
    case 'delete':
      return client.delete(id, options);
    case 'start':
      return client.start(id, options);
    case 'stop':
      return client.stop(id, options);
    case 'status':
      return client.waitForState(id, knownStates, {
        timeoutMs: unhurriedTimeoutMs,
        // The shortest intervals waitForState accepts; the matrix records waits instead of sleeping them.
        intervalMs: 100,
        maxIntervalMs: 100,
        ...(options.signal ? { signal: options.signal } : {}),
      });
  }
}

function streamsOf(value: unknown): LiveStream[] {
  if (Array.isArray(value)) return value as LiveStream[];
  if (typeof value === 'object' && value !== null && 'ingest' in value) return [value as LiveStream];
  return [];
}

/** Registers every credential a stream carries: stream keys, passwords, tokens, restream keys. */
export function registerStream(
  stream: LiveStream,
  register: (label: string, value: string | undefined) => void,
): void {
  for (const endpoint of stream.ingest) {
    register('stream key', endpoint.streamKey);
    register('ingest password', endpoint.password);
    register('publish token', endpoint.token);
  }
  for (const endpoint of stream.playback) register('subscribe token', endpoint.token);
  for (const target of stream.restream ?? []) register('restream key', target.streamKey);
  // Vendor-only credentials: Wowza Real-Time's SDK tokens, Wowza Video's connection code.
  const sdk = wowzaRealtimeDetailsOf(stream)?.sdk;
  register('publish token', sdk?.publishToken);
  register('subscribe token', sdk?.subscribeToken);
  register('connection code', wowzaVideoDetailsOf(stream)?.connectionCode);
}

function describeError(error: unknown): string {
  if (error === undefined) return 'no error';
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return inspect(error);
}
