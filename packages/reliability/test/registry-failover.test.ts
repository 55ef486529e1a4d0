import { createServer } from 'node:net';
import {
  createLiveStreamRegistry,
  type HttpHooks,
  type LiveStreamProvider,
  type RoutedLiveStream,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { type Fault, type Sandbox, startSandbox } from '@unilive/sandbox';
import { SecretScanner } from '@unilive/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AdapterId, adapters, vendorAdapterIds } from '../src/adapters.js';
import { sandboxFault } from '../src/backends.js';
import {
  abortAfterMs,
  attemptBudget,
  attemptTimeoutMs,
  type MatrixFault,
  matrixFaults,
  persistentAttemptTimeoutMs,
} from '../src/faults.js';
import { type CheckRow, writeSection } from '../src/report.js';
import { createWire } from '../src/wire.js';

// A registry of two adapters on one sandbox, the first faulted on create with every fault kind of the
// reliability matrix (and the other "nothing was made" kinds: 401, 403, a refused connection, a credential
// that cannot be sent). Whatever happens, the vendors hold at most one new stream between them; and the
// create goes on to the second adapter exactly when the fault proves the first made nothing.

let sandbox: Sandbox;
// Each adapter once, as a user gets it by default (videosdk: v2).
const adapterIds = vendorAdapterIds;
/** The sandbox's settings for a configuration, with the configuration's own (videosdk's `apiVersion`). */
const settingsOf = (id: AdapterId): Record<string, unknown> => ({
  ...sandbox.adapterSettings(adapters[id].provider),
  ...adapters[id].settings,
});
// Everything the registry said (errors, routing decisions, warning events), scanned for the sandbox's
// credentials at the end.
const scanner = new SecretScanner();

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 5 });
  for (const id of adapterIds) {
    for (const [label, value] of Object.entries(sandbox.credentials(adapters[id].provider)))
      scanner.register(`${id} ${label}`, value);
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await sandbox?.close();
  for (const [row, tally] of tallies) {
    row.figure =
      row.adapter === 'all'
        ? `${format(scanner.recorded)} texts scanned`
        : `${format(tally.failedOver)} failed over, ${format(tally.beyondOne)} second streams`;
  }
  writeSection('registry.failover', { kind: 'checks', area: 'registry', rows });
});

// The report's rows: one per check and pair of adapters, with what failed and how often the create went on.
const rows: CheckRow[] = [];
const tallies = new Map<CheckRow, { failedOver: number; beyondOne: number }>();
const format = (value: number) => value.toLocaleString('en-US');

/** Runs one case of a check, counting it in the report; a failure is recorded by label, then thrown. */
async function recorded(
  check: string,
  adapter: string,
  label: string,
  run: () => Promise<Outcome | undefined>,
) {
  let row = rows.find((candidate) => candidate.check === check && candidate.adapter === adapter);
  if (!row) {
    row = { check, adapter, runs: 0, failures: [] };
    rows.push(row);
    tallies.set(row, { failedOver: 0, beyondOne: 0 });
  }
  const tally = tallies.get(row) as { failedOver: number; beyondOne: number };
  row.runs += 1;
  try {
    const outcome = await run();
    if (outcome?.stream && outcome.stream.routing.failedOver.length > 0) tally.failedOver += 1;
    if (outcome) tally.beyondOne += Math.max(0, sum(Object.values(outcome.made)) - 1);
  } catch (error) {
    row.failures.push(label);
    throw error;
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Streams made on each vendor since `before`, once the sandbox has received the `sent` requests the call
 * handed to `fetch` and carried out every one it holds.
 */
async function madeSince(
  before: { created: Record<string, number>; requests: number },
  sent: number,
): Promise<Record<AdapterId, number>> {
  // A request whose client hung up (a timeout, an abort) is carried out when the sandbox notices, which on
  // a loaded machine may be after the call ended: wait for it to arrive, then to finish.
  const settled = () => sandbox.stats().requests - before.requests >= sent && sandbox.stats().inFlight === 0;
  for (let wait = 0; wait < 1_000 && !settled(); wait += 1) await sleep(10);
  const now = sandbox.stats().created;
  return Object.fromEntries(
    adapterIds.map((id) => {
      const provider = adapters[id].provider;
      return [id, (now[provider] ?? 0) - (before.created[provider] ?? 0)];
    }),
  ) as Record<AdapterId, number>;
}

/** A port nothing listens on: connecting to it is refused before anything is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Whether the matrix fault, persisting through the retries, proves the vendor made nothing. */
const provesNothing = (fault: MatrixFault) =>
  fault.persistent && (fault.faultClass === 'refused' || fault.faultClass === 'not-sent');

interface Outcome {
  stream?: RoutedLiveStream;
  error?: UniliveError;
  made: Record<AdapterId, number>;
}

async function createThroughRegistry(
  first: AdapterId,
  second: AdapterId,
  firstProvider: LiveStreamProvider,
  options: {
    signal?: AbortSignal;
    hooks?: HttpHooks;
    name: string;
    /** Requests the first provider handed to the sandbox (its wire's), where some may be abandoned. */
    sentByFirst?: () => number;
  },
): Promise<Outcome> {
  // Retry waits are not slept; an aborted signal ends the wait at once, as the real sleep does.
  const noWait: Sleep = async (_ms, signal) => {
    if (signal?.aborted) throw signal.reason;
  };
  const container = createContainer();
  container.register(tokens.sleep, { useValue: noWait });
  let sentBySecond = 0;
  const countedFetch: typeof fetch = (input, init) => {
    sentBySecond += 1;
    return fetch(input, init);
  };
  const registry = createLiveStreamRegistry({
    providers: {
      first: firstProvider,
      second: adapters[second].factory({ ...settingsOf(second), fetch: countedFetch }),
    },
    container,
    hooks: {
      ...options.hooks,
      onWarning: (event) => scanner.recordText(JSON.stringify(event), 'onWarning'),
      onError: (event) => scanner.recordError(event.error, 'onError'),
    },
  });
  const before = { created: { ...sandbox.stats().created }, requests: sandbox.stats().requests };
  const outcome: Omit<Outcome, 'made'> = {};
  try {
    outcome.stream = await registry.create(
      { name: options.name },
      options.signal ? { signal: options.signal } : {},
    );
  } catch (error) {
    if (!UniliveError.isInstance(error)) throw error;
    outcome.error = error;
    scanner.recordError(error, 'create error');
  }
  if (outcome.stream) scanner.recordText(JSON.stringify(outcome.stream.routing), 'routing');
  const made = await madeSince(before, (options.sentByFirst?.() ?? 0) + sentBySecond);
  expect(made[first] + made[second], `streams made for ${first} then ${second}`).toBeLessThanOrEqual(1);
  for (const other of adapterIds) if (other !== first && other !== second) expect(made[other]).toBe(0);
  return { ...outcome, made };
}

/** What every outcome keeps: at most one stream, on the vendor the result names, and honest errors. */
function expectConsistent(outcome: Outcome, first: AdapterId, second: AdapterId): void {
  const { stream, error, made } = outcome;
  if (stream) {
    const on = stream.routing.provider === 'first' ? first : second;
    expect(made[on], `the stream is on ${on}`).toBe(1);
    expect(stream.ref.startsWith(`${stream.routing.provider}:`)).toBe(true);
  }
  if (error) {
    // An error never follows a create on the second vendor, and never hides a stream it made.
    expect(made[second]).toBe(0);
    expect(error.providerName).toBe('first');
    if (error.maybeCreated === false)
      expect(made[first], 'maybeCreated: false, yet a stream was made').toBe(0);
  }
}

for (const first of adapterIds) {
  // The next adapter takes the failover: any fits a create with only a name.
  const second = adapterIds[(adapterIds.indexOf(first) + 1) % adapterIds.length] as AdapterId;

  describe(`registry failover: ${first} first, ${second} second, on the sandbox`, () => {
    for (const fault of matrixFaults) {
      it(`${fault.label}: ${provesNothing(fault) ? 'fails over' : 'never a second stream'}`, () =>
        recorded('create under every fault of the matrix', `${first} → ${second}`, fault.label, async () => {
          sandbox.clearFaults();
          const wire = createWire();
          const slow = ['slow-headers', 'slow-body'].includes(fault.shape.kind);
          const timeoutMs = !slow ? 5_000 : fault.persistent ? persistentAttemptTimeoutMs : attemptTimeoutMs;
          const planned = sandboxFault(fault);
          const operation = adapters[first].sandboxOperations.create;
          if (planned && operation) sandbox.injectFault(adapters[first].provider, operation, planned);
          if (fault.shape.kind === 'dns') wire.failDns(fault.persistent ? attemptBudget : 1);
          const controller = new AbortController();
          const hooks: HttpHooks =
            fault.shape.kind === 'abort-retry-wait' ? { onRetry: () => controller.abort() } : {};
          const timer =
            fault.shape.kind === 'abort-in-flight'
              ? setTimeout(() => controller.abort(), abortAfterMs)
              : undefined;
          const provider = adapters[first].factory({
            ...settingsOf(first),
            fetch: wire.fetch,
            timeoutMs,
          });
          const outcome = await createThroughRegistry(first, second, provider, {
            signal: controller.signal,
            hooks,
            name: `failover ${first} ${fault.id}`,
            sentByFirst: () => wire.requests.filter((request) => request.sent).length,
          }).finally(() => clearTimeout(timer));
          sandbox.clearFaults();
          expectConsistent(outcome, first, second);
          const { stream, error, made } = outcome;
          if (provesNothing(fault)) {
            expect(error, `${fault.label} proves nothing was made: fail over`).toBeUndefined();
            expect(stream?.routing.provider).toBe('second');
            expect(stream?.routing.failedOver.map((failure) => failure.provider)).toEqual(['first']);
            expect(made).toMatchObject({ [first]: 0, [second]: 1 });
          } else {
            // Retried within the first vendor, or failed there: the second is never asked.
            expect(made[second], `${fault.label} must not fail over`).toBe(0);
            if (stream) expect(stream.routing.provider).toBe('first');
          }
          return outcome;
        }));
    }

    const nothingMade: { label: string; provider: () => Promise<LiveStreamProvider>; fault?: Fault }[] = [
      {
        label: '401 on create',
        fault: { type: 'unauthorized', times: attemptBudget },
        provider: async () => adapters[first].factory(settingsOf(first)),
      },
      {
        label: '403 on create',
        fault: { type: 'forbidden', times: attemptBudget },
        provider: async () => adapters[first].factory(settingsOf(first)),
      },
      {
        label: 'a refused connection',
        provider: async () => {
          const settings = settingsOf(first);
          const baseUrl = new URL(settings.baseUrl as string);
          baseUrl.port = String(await closedPort());
          return adapters[first].factory({ ...settings, baseUrl: baseUrl.href });
        },
      },
      {
        label: 'a base URL on a port fetch never connects to',
        provider: async () => {
          const settings = settingsOf(first);
          const baseUrl = new URL(settings.baseUrl as string);
          // One of the Fetch standard's bad ports: fetch refuses it before connecting.
          baseUrl.port = '6000';
          return adapters[first].factory({ ...settings, baseUrl: baseUrl.href });
        },
      },
      {
        // From the environment: read (and refused) at the call; a setting is refused by the factory.
        label: 'a credential no header can carry',
        provider: async () => {
          const settings: Record<string, unknown> = { ...settingsOf(first) };
          for (const setting of adapters[first].credentialSettings) {
            delete settings[setting];
            const variable = adapters[first].credentialVariables[setting];
            if (variable !== undefined) vi.stubEnv(variable, 'bad\r\nvalue');
          }
          return adapters[first].factory(settings);
        },
      },
    ];
    for (const { label, fault, provider } of nothingMade) {
      it(`${label}: fails over, the first vendor having made nothing`, () =>
        recorded(
          'create where the first vendor provably made nothing (401, 403, refused connection, bad port, unsendable credential)',
          `${first} → ${second}`,
          label,
          async () => {
            sandbox.clearFaults();
            const operation = adapters[first].sandboxOperations.create;
            if (fault && operation) sandbox.injectFault(adapters[first].provider, operation, fault);
            const outcome = await createThroughRegistry(first, second, await provider(), {
              name: `failover ${first} ${label}`,
            });
            sandbox.clearFaults();
            expectConsistent(outcome, first, second);
            expect(outcome.error).toBeUndefined();
            expect(outcome.stream?.routing.provider).toBe('second');
            expect(outcome.stream?.routing.failedOver[0]?.delivery).toBe(fault ? 'refused' : 'not-sent');
            expect(outcome.made).toMatchObject({ [first]: 0, [second]: 1 });
            return outcome;
          },
        ));
    }
  });
}

describe('a create of several requests that fails after its first never fails over', () => {
  it('LiveAPI: the stream is made, adding its restream target fails before sending: no stream on videosdk', () =>
    recorded(
      'a create of several requests failing after its first: no failover, found by name',
      'liveapi → videosdk-v2',
      'restream step fails',
      async () => {
        sandbox.clearFaults();
        let requests = 0;
        // The stream's POST goes out; the next request (its restream platform) fails as a DNS failure would.
        const fetchSecondFails: typeof fetch = async (input, init) => {
          requests += 1;
          if (requests === 2) {
            throw new TypeError('fetch failed', {
              cause: Object.assign(new Error('getaddrinfo ENOTFOUND sandbox'), { code: 'ENOTFOUND' }),
            });
          }
          return fetch(input, init);
        };
        const registry = createLiveStreamRegistry({
          providers: {
            first: adapters.liveapi.factory({
              ...settingsOf('liveapi'),
              fetch: fetchSecondFails,
              retry: { maxRetries: 0 },
            }),
            second: adapters['videosdk-v2'].factory(settingsOf('videosdk-v2')),
          },
        });
        const before = { created: { ...sandbox.stats().created }, requests: sandbox.stats().requests };
        const error = await registry
          .create({
            name: 'restreamed launch',
            restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'failover-restream-key-0001' }],
          })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        // Every request that went out was answered: the stream's POST, and nothing after the failed one.
        const made = await madeSince(before, 1);
        scanner.register('restream key', 'failover-restream-key-0001');
        scanner.recordError(error, 'restream create error');
        expect(UniliveError.isInstance(error), String(error)).toBe(true);
        expect(error).toMatchObject({ providerName: 'first', maybeCreated: true, provider: 'liveapi' });
        expect(made).toMatchObject({ liveapi: 1, 'videosdk-v2': 0 });
        // Reconciling as docs/multi-provider.md says: the sandbox's LiveAPI keeps the name it was given, so the
        // stream the failed create left behind is found by it, and the create is not repeated.
        const found = await registry.findByName('restreamed launch');
        expect(found.map((stream) => [stream.ref.split(':')[0], stream.provider, stream.name])).toEqual([
          ['first', 'liveapi', 'restreamed launch'],
        ]);
        return { made };
      },
    ));
});

describe('secrets', () => {
  it('no credential appears in any error, routing decision or warning event of the failover cases', () =>
    recorded('no credential in any error, routing decision or warning event', 'all', 'leaks', async () => {
      expect(scanner.recorded).toBeGreaterThan(100);
      expect(scanner.leaks()).toEqual([]);
      return undefined;
    }));
});
