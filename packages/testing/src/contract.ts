import { inspect, types } from 'node:util';
import {
  AbortError,
  AuthenticationError,
  ConflictError,
  type CreateLiveStreamInput,
  createEventHub,
  createLiveStreamClient,
  type DependencyContainer,
  endpointSchemes,
  type HttpHooks,
  type IngestEndpoint,
  InvalidInputError,
  ingestProtocols,
  type LifecycleOperation,
  type LiveStream,
  type LiveStreamClient,
  type LiveStreamProvider,
  lifecycleGoals,
  liveStreamStates,
  NotFoundError,
  outsideStreamProblem,
  type PlaybackEndpoint,
  ProviderUnavailableError,
  RateLimitError,
  type RegistryLiveStream,
  ResponseShapeError,
  type RestreamTarget,
  SecretSet,
  type Sleep,
  TimeoutError,
  tokens,
  type UniliveError,
  UnsupportedOperationError,
  type Warning,
  type WarningEvent,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import { findFfmpeg, startPush } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { markAdapterUnderTest } from './adapter-under-test.js';
import type { Fault, FaultOperation } from './memory-backend.js';
import { SecretScanner } from './secret-scanner.js';
import { hookLimitMs, pollLimit, testLimit } from './suite-limits.js';

/** Steps of the lifecycle round trip, in order. A harness may prepare its backend for each. */
export type ContractStep =
  | 'create'
  | 'get'
  | 'list'
  | 'update'
  | 'start'
  | 'wait-ready'
  | 'stop'
  | 'wait-stopped'
  | 'delete'
  | 'get-deleted'
  /** `delete` again on the deleted stream: a 404 on its first attempt is `NotFoundError`. */
  | 'delete-deleted'
  /**
   * create, list, update, start, stop and delete held by a slow answer, each on a stream of its own. The
   * gate: a harness that supports it prepares the exchanges of each call's own steps (`abort-<call>` and
   * `abort-<call>-cleanup`).
   */
  | 'abort-calls'
  /** Before the held request of one `abort-calls` call: the stream of its own it is tried on (and its start). */
  | `abort-${AbortedCall}`
  /**
   * After the held answer went (the vendor may have carried the call out): the removal of that stream, or for
   * create the list that finds the stream it may have made, and its removal.
   */
  | `abort-${AbortedCall}-cleanup`
  /** A create for each ingest protocol the capabilities list, and one asking for low latency and a region. */
  | 'create-settings'
  | 'error-subject'
  /** `start` on a stream that is already ready (the lifecycle rule: it returns the stream). */
  | 'start-again'
  /** `stop` on a stream that is already stopped. */
  | 'stop-again'
  /** Only the vendor's accepted answer to `start` (the read-back after it is made to fail). */
  | 'start-accepted'
  /** Only the vendor's accepted answer to `stop`. */
  | 'stop-accepted'
  /** A create with {@link contractRestreamInput}, up to its read-back (made to fail). */
  | 'create-restream'
  /** `update` with the restream targets the stream already has (none: `[]`): the reads it takes. */
  | 'update-same-restream'
  /** A list whose first per-stream detail read (Wowza's GET, videosdk v2's state read) is answered 5xx. */
  | 'list-detail-fails';

/** The calls `abort-calls` aborts, each in a test of its own. */
export type AbortedCall = 'create' | 'list' | 'update' | 'start' | 'stop' | 'delete';

/** Paging scenarios: a well-behaved list of at least two pages, then the answers real servers send. */
export type PagingScenario =
  /** Every page as it should be. */
  | 'pages'
  /** A server that ignores the page parameter: page 1 whatever is asked. */
  | 'ignore-page'
  /** Page 1's records under every page number, while the vendor counts more pages. */
  | 'repeat-page'
  /** Pages that shift while walking: `[a, b]`, then `[b, c]`. */
  | 'shift'
  /** Page 1 holds one more record, whose id unilive would not put in a URL (`legacy:bbbb2222`). */
  | 'odd-record'
  /** The well-behaved pages, walked with `maxPages: 1`: only page 1 is fetched (and its records read). */
  | 'capped';

/** How a backend serves a paging scenario. */
export interface PagingSetup {
  /** The `pageSize` to list with; absent for vendors that take none. */
  pageSize?: number;
  /** How many records a page holds. */
  perPage: number;
  /**
   * The provider to walk when the scenarios run on a backend of their own, whose streams no other step
   * touches: a change another step aborted may still be carried out by the vendor at any later moment (an
   * aborted delete removing a stream between the well-behaved walk and the next), and the scenarios
   * compare walks with each other. Absent: the harness's `provider`.
   */
  provider?: LiveStreamProvider;
}

/** The restream create of the partial-success scenario; its stream key is a secret. */
export const contractRestreamInput = {
  name: 'unilive restream stream',
  restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'unilive-contract-restream-key' }],
} as const satisfies CreateLiveStreamInput;

/**
 * The calls the suite makes. A client over the provider by default; a harness may give its own. One without
 * `waitForBroadcast` (a harness's client written before the suite called it) has those tests skipped.
 */
export type ContractClient = Pick<
  LiveStreamClient,
  'create' | 'get' | 'list' | 'update' | 'delete' | 'start' | 'stop' | 'waitForState'
> &
  Partial<Pick<LiveStreamClient, 'waitForBroadcast'>>;

/** What a harness gives the suite: a provider and a way to make its backend fail. */
export interface ContractHarness {
  /** The provider under test, pointed at the backend (nock, sandbox, memory). */
  provider: LiveStreamProvider;
  /**
   * Every credential the harness configured for `provider`, by label; none may appear in any error, and
   * `provider.secrets()` must return each.
   */
  secrets: Record<string, string>;
  /**
   * Credentials of other providers the calls may reach (a registry's others), by label: none may appear in
   * any error either, but they are not `provider`'s to return from `secrets()`.
   */
  otherSecrets?: Record<string, string>;
  /** Readies the backend for a step (nock: registers that step's recorded exchanges). */
  prepare?(step: ContractStep, context: { id: string | undefined }): void | Promise<void>;
  /**
   * Whether the backend can serve a step (a recorded one needs its exchanges); the steps it cannot are
   * skipped with the reason. Absent: every step.
   */
  supports?(step: ContractStep): boolean;
  /**
   * Makes the next calls of `operation` fail with `fault`, then answer normally (prepare is called after).
   * Returns false when this backend cannot produce that fault.
   */
  injectFault(
    operation: FaultOperation,
    fault: Fault,
    context: {
      id: string | undefined;
      /**
       * The adapter may never send this request (a list that reads no details, or reads them another way):
       * the fault is planned in case it does, and a backend that checks every planned answer was asked for
       * does not count this one.
       */
      unused?: 'allowed';
    },
  ): boolean | Promise<boolean>;
  /**
   * Readies a paging scenario: a list of more than one page, answered as `scenario` says (nock: that
   * scenario's recorded exchanges; the sandbox: enough streams and a list fault). Returns how to list, or
   * false when this backend cannot.
   */
  preparePaging?(scenario: PagingScenario, options: { strict: boolean }): Promise<PagingSetup | false>;
  /**
   * What the suite calls instead of a client over `provider`, for something built on providers (a
   * registry): made with the suite's hooks and container (which holds its sleep), with `idOf` naming a
   * stream it returned in later calls (a registry's reference). `provider` stays the one whose backend the
   * suite faults and whose capabilities gate the steps; the harness's own hooks still get vendor ids.
   * `runtime.provider`, when given, stands in for `provider` (the paging scenarios' own backend).
   */
  client?(runtime: { hooks: HttpHooks; container?: DependencyContainer; provider?: LiveStreamProvider }): {
    client: ContractClient;
    idOf(stream: LiveStream): string;
  };
  /**
   * Drops every fault planned and not used yet (the sandbox keeps one until a request takes it), so a
   * fault a call did not use answers no later call. Absent: the backend holds a planned fault it never
   * used against the test (nock, in `afterEach`).
   */
  clearFaults?(): void | Promise<void>;
  /** Runs after each test (nock: asserts every prepared exchange was used). */
  afterEach?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /**
   * Real media, where the backend takes encoders (the sandbox's RTMP ingest): the suite's media scenario
   * pushes video to the ingest URL the adapter returned and runs only when this is given.
   */
  media?: {
    /** Whether the backend sees an encoder publishing to the stream now. */
    publishing(id: string): boolean;
  };
  /**
   * Marks an encoder connected to the stream (`true`) or gone (`false`) without real media (the sandbox's
   * `setEncoder`, which `sandboxHarness` wires, `media: false` included). Where the real-media scenario
   * does not run (no ffmpeg, no RTMP ingest, `media: false`), the suite uses it to see a stream live, so
   * the playback protocols the capabilities claim are still checked against what the adapter returns for
   * one. Absent (recorded fixtures): that check is skipped, saying why.
   */
  encoder?(id: string, connected: boolean): void | Promise<void>;
  /**
   * The URL at which the backend serves a stream's HLS playlist once an encoder publishes (the sandbox:
   * `<origin>/media/<provider>/<id>/<the dialect's playlist>`, whether or not anything publishes yet), or
   * undefined where it serves none. Every HLS playback URL the adapter returns for the stream (a
   * recording's aside) must be this one, or one of {@link ContractHarness.namedUrls}: a URL naming a
   * playlist the backend never writes, or one on another origin that the backend never gave (an adapter
   * building its own CDN address), fails without real media, naming the URL and what was expected. Absent:
   * only each URL's scheme is checked.
   */
  hlsUrl?(id: string): string | undefined;
  /**
   * Every URL the backend's own answer for the stream names (the sandbox: each text in its dialect's
   * rendering of the stream), or undefined when it has none to give. With {@link ContractHarness.hlsUrl},
   * an HLS playback URL that is not the served one passes only if it is one of these, exactly: an address
   * the vendor gives but the backend does not serve (Wowza Video's `direct_playback_urls` on its CDN hosts).
   * Absent: none passes but the served one.
   */
  namedUrls?(id: string): readonly string[] | undefined;
}

/** How long a slow fault holds its answer: longer than any test may run. */
const heldMs = 600_000;

/**
 * The `timeoutMs` a call held by a slow fault is given: what ends it, never a clock the test reads. Short, so
 * a call tried three times costs the suite little; the held answer outlasts it however loaded the machine.
 */
const heldCallTimeoutMs = 100;

/**
 * A region id no vendor has (the registry model's too): a provider that claims regions refuses it as a value
 * its vendor does not take.
 */
const unknownRegion = 'eu-nowhere';

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Options of {@link runLiveStreamContract}. */
export interface ContractOptions {
  /** Shown in the suite's title: `wowza-video on the sandbox`. */
  name: string;
  setup(): ContractHarness | Promise<ContractHarness>;
  /** The stream the round trip creates. */
  createInput?: CreateLiveStreamInput;
  /** The name the update step sets. */
  updatedName?: string;
  /** `waitForState` settings for the backend's pace. */
  wait?: { timeoutMs?: number; intervalMs?: number; maxIntervalMs?: number };
}

/**
 * The one rule for a name, on every adapter: the stream comes back with the name asked for, or, where the
 * vendor keeps none (`capabilities.names` false: videosdk v2 rooms, LiveAPI answers without one), without
 * a name and with an `unsupported-setting` warning naming `name`. Never another name, never a silent loss.
 */
export function expectNameKeptOrWarned(stream: LiveStream, name: string, namesKept: boolean): void {
  const nameWarnings = (stream.warnings ?? []).filter(
    (warning) => warning.type === 'unsupported-setting' && warning.setting === 'name',
  );
  if (stream.name === undefined) {
    expect(namesKept, 'a provider that keeps names returned none').toBe(false);
    expect(nameWarnings, 'a name lost without a warning').toHaveLength(1);
  } else {
    expect(stream.name).toBe(name);
    expect(nameWarnings).toEqual([]);
  }
}

// Every key of each neutral object, as its type declares it: listing a key the type lacks, or leaving out one
// it has, does not compile, so these follow the types.
const declared = <T>(keys: Record<keyof Required<T>, true>): ReadonlySet<string> =>
  new Set(Object.keys(keys));
const neutralKeys = {
  // A registry's stream adds its reference (and a routed create its routing decision).
  stream: declared<LiveStream & Pick<RegistryLiveStream, 'ref'> & { routing: unknown }>({
    id: true,
    provider: true,
    name: true,
    state: true,
    broadcasting: true,
    ingest: true,
    playback: true,
    recording: true,
    restream: true,
    createdAt: true,
    updatedAt: true,
    warnings: true,
    providerDetails: true,
    raw: true,
    ref: true,
    routing: true,
  }),
  ingest: declared<IngestEndpoint>({
    protocol: true,
    url: true,
    server: true,
    streamKey: true,
    username: true,
    password: true,
    applicationName: true,
    streamName: true,
    token: true,
  }),
  playback: declared<PlaybackEndpoint>({
    protocol: true,
    url: true,
    rendition: true,
    token: true,
    audioOnly: true,
    applicationName: true,
    streamName: true,
  }),
  restream: declared<RestreamTarget>({
    url: true,
    streamKey: true,
    id: true,
    enabled: true,
    broadcasting: true,
  }),
  warning: declared<Warning>({ type: true, setting: true, message: true }),
};

/**
 * The keys of a neutral object its type does not declare, as `where.key`: code typed against the neutral
 * model cannot read them without a cast, so an adapter adds none (a vendor's own field goes to `raw` or
 * `providerDetails`).
 */
export function undeclaredKeys(stream: LiveStream): string[] {
  const found: string[] = [];
  const check = (where: string, value: object, keys: ReadonlySet<string>) => {
    for (const key of Object.keys(value)) if (!keys.has(key)) found.push(`${where}.${key}`);
  };
  check('stream', stream, neutralKeys.stream);
  const each = (where: string, list: readonly object[] | undefined, keys: ReadonlySet<string>) => {
    for (const [index, value] of (list ?? []).entries()) check(`${where}.${index}`, value, keys);
  };
  each('ingest', stream.ingest, neutralKeys.ingest);
  each('playback', stream.playback, neutralKeys.playback);
  each('restream', stream.restream, neutralKeys.restream);
  each('warnings', stream.warnings, neutralKeys.warning);
  return found;
}

/** The push protocols whose URL carries the stream key as its last path segment (`IngestEndpoint.url`). */
const keyedProtocols: ReadonlySet<string> = new Set(['rtmp', 'rtmps']);

/**
 * An RTMP or RTMPS ingest endpoint carries what an encoder needs to publish, as `IngestEndpoint` says: its
 * URL ends with the stream key after the application (`rtmp://host/app/key`); `streamKey`, when given, is
 * what follows the last `/` of the application (a vendor's key may hold a query of its own, LiveAPI's
 * `lv_…?password=…`); `server`, when given, is the URL without the key and without user information, and
 * comes with `streamKey` (OBS's two fields). An endpoint that lost its key (no `streamKey`, a URL that stops
 * at the application) is one no encoder can publish with, which only real media would otherwise show.
 * Reported by what is wrong, never with the key.
 */
function expectKeyCarried(endpoint: IngestEndpoint): void {
  if (!keyedProtocols.has(endpoint.protocol)) return;
  const label = `${endpoint.protocol} ingest URL`;
  const segments = new URL(endpoint.url).pathname.split('/').slice(1);
  expect(segments.length, `${label}: an application and a stream key in its path`).toBeGreaterThanOrEqual(2);
  expect(
    segments.map((segment) => segment.length > 0),
    `${label}: no empty path segment`,
  ).not.toContain(false);
  // The URL as written, without its user information (push credentials, Wowza Video's).
  const bare = endpoint.url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@/?#]*@/, '$1');
  const key = endpoint.streamKey?.replace(/^\/+/, '');
  if (key !== undefined) {
    expect(key.length, 'streamKey is empty').toBeGreaterThan(0);
    expect(bare.endsWith(`/${key}`), `${label}: ends with streamKey`).toBe(true);
    // Once: a key appended to a server that already ended with it (`…/app/KEY/KEY`) names no stream.
    expect(
      bare.slice(0, bare.length - key.length - 1).endsWith(`/${key}`),
      `${label}: the stream key twice at its end`,
    ).toBe(false);
  }
  if (endpoint.server !== undefined) {
    // The two OBS fields go together: a server alone leaves the encoder nothing for its key field.
    expect(key !== undefined, `${label}: server given without streamKey`).toBe(true);
    const base = endpoint.server.replace(/\/+$/, '');
    const rest = bare.startsWith(`${base}/`) ? bare.slice(base.length + 1).replace(/^\/+/, '') : '';
    expect(rest.length > 0, `${label}: server followed by the stream key`).toBe(true);
    if (key !== undefined) expect(rest === key, `${label}: server followed by streamKey`).toBe(true);
  }
}

/** Whether two reads gave the same ingest endpoints, field for field. */
function sameIngest(a: readonly IngestEndpoint[], b: readonly IngestEndpoint[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Asserts the invariants every stream from every provider keeps. */
export function expectWellFormedStream(stream: LiveStream, provider: LiveStreamProvider): void {
  expect(undeclaredKeys(stream), 'keys the neutral types do not declare').toEqual([]);
  // The suite marks the adapter under test as built-in, so a client hands its answers on unchecked: each
  // is held here to what a client takes from any provider (a Map or a bigint in providerDetails, a warning
  // of no known type, a URL no parser takes), which a client over an unmarked copy would refuse.
  expect(
    outsideStreamProblem(stream, provider.id),
    'a field a client refuses from a provider it does not know (ResponseShapeError)',
  ).toBeUndefined();
  expect(typeof stream.id).toBe('string');
  expect(stream.id.length).toBeGreaterThan(0);
  expect(stream.provider).toBe(provider.id);
  expect(['stopped', 'starting', 'ready', 'stopping', 'resetting', 'disabled', 'unknown']).toContain(
    stream.state,
  );
  // Absent means the vendor's answer did not say; never a guessed false.
  expect(['boolean', 'undefined']).toContain(typeof stream.recording);
  expect(['boolean', 'undefined']).toContain(typeof stream.broadcasting);
  // A vendor whose stream read does not tell whether video arrives cannot say it does not.
  if (!provider.capabilities.broadcastingStatus)
    expect(
      stream.broadcasting,
      'broadcasting where capabilities.broadcastingStatus is false',
    ).toBeUndefined();
  expect(stream.ingest.length).toBeGreaterThan(0);
  for (const endpoint of [...stream.ingest, ...stream.playback]) {
    const url = new URL(endpoint.url);
    const allowed = endpointSchemes[endpoint.protocol];
    expect(allowed, `${endpoint.protocol} endpoint scheme ${url.protocol}`).toContain(url.protocol);
  }
  for (const endpoint of stream.ingest) {
    expect(provider.capabilities.ingestProtocols).toContain(endpoint.protocol);
    expectKeyCarried(endpoint);
  }
  for (const endpoint of stream.playback) {
    expect(provider.capabilities.playbackProtocols, 'capabilities.playbackProtocols').toContain(
      endpoint.protocol,
    );
  }
  // A date is a Date that names a time, or absent: never a string, never an Invalid Date.
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const value: unknown = stream[field];
    if (value === undefined) continue;
    expect(value, field).toBeInstanceOf(Date);
    expect(Number.isNaN((value as Date).getTime()), `${field} is an Invalid Date`).toBe(false);
  }
  // The states the provider says it reports are the ones it does: waitForState refuses the others.
  const states = provider.capabilities.states;
  if (states) expect(states, 'capabilities.states').toContain(stream.state);
  expect(stream.raw).toBeDefined();
}

/**
 * Asserts that the provider's `secrets()` hides what it must: every value given (credentials, and the
 * stream keys, passwords and tokens of the streams it returned), so a client or registry built on it
 * redacts them too.
 */
export function expectSecretsExposed(
  provider: LiveStreamProvider,
  values: Record<string, string | undefined>,
): void {
  expect(provider.secrets, `${provider.id} exposes no secrets()`).toBeTypeOf('function');
  const exposed = new Set(provider.secrets?.() ?? []);
  const missing = Object.entries(values)
    .filter(([, value]) => value !== undefined && value.length >= 4 && !exposed.has(value))
    .map(([label]) => label);
  // By label: the report itself must not show the value.
  expect(missing, 'values secrets() does not return').toEqual([]);
}

/** The secrets of a stream's answer, by label: what `secrets()` must return once the stream was seen. */
function streamSecretsOf(stream: LiveStream): Record<string, string | undefined> {
  const found: Record<string, string | undefined> = {};
  stream.ingest.forEach((endpoint, index) => {
    found[`ingest.${index}.streamKey`] = endpoint.streamKey;
    found[`ingest.${index}.password`] = endpoint.password;
    found[`ingest.${index}.token`] = endpoint.token;
  });
  stream.playback.forEach((endpoint, index) => {
    found[`playback.${index}.token`] = endpoint.token;
  });
  stream.restream?.forEach((target, index) => {
    found[`restream.${index}.streamKey`] = target.streamKey;
  });
  return found;
}

// What a careless caller does to an answer it was handed: every text, date and list in it changed where the
// object lets it (a frozen one refuses, which is as good as a copy).
function scribble(value: unknown, depth = 0): void {
  if (typeof value !== 'object' || value === null || depth > 8) return;
  if (value instanceof Date) {
    try {
      value.setTime(0);
    } catch {
      // A date that cannot be changed is the caller's own copy in effect.
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    try {
      if (typeof item === 'string') (value as Record<string, unknown>)[key] = `${item} scribbled`;
      else scribble(item, depth + 1);
    } catch {
      // Frozen: nothing the caller does reaches the provider.
    }
  }
  if (Array.isArray(value)) {
    try {
      value.push('scribbled');
    } catch {
      // A frozen list.
    }
  }
}

/**
 * The suite every adapter runs: the lifecycle round trip, gated by capability with the reason shown; the
 * ingest and playback invariants; the error mapping (401/403, 404, state conflicts, 429 with Retry-After,
 * 5xx, network failure, timeout, abort); and a scan proving no configured credential appears in any error.
 */
export function runLiveStreamContract(options: ContractOptions): void {
  describe(`LiveStreamProvider contract: ${options.name}`, testLimit, () => {
    let harness: ContractHarness;
    let client: ContractClient;
    // What later calls take for a stream the client returned: its id, or a registry's reference.
    let idOf = (stream: LiveStream) => stream.id;
    // A client for waits that poll at the backend's pace (the real sleep).
    const waitingClient = (withHooks: HttpHooks = hooks): ContractClient =>
      harness.client
        ? harness.client({ hooks: withHooks }).client
        : createLiveStreamClient(harness.provider, { hooks: withHooks });
    const scanner = new SecretScanner();
    const sleeps: number[] = [];
    const requests: { operation: string; attempt: number; method: string }[] = [];
    const warnings: WarningEvent[] = [];
    const hooks: HttpHooks = {
      onWarning: (event) => {
        warnings.push(event);
        scanner.recordText(JSON.stringify(event), 'onWarning');
      },
      onRequest: (event) => {
        requests.push({ operation: event.operation, attempt: event.attempt, method: event.method });
        scanner.recordText(JSON.stringify(event), 'onRequest');
      },
      onResponse: (event) => scanner.recordText(JSON.stringify(event), 'onResponse'),
      onRetry: (event) =>
        scanner.recordText(
          `${JSON.stringify({ ...event, error: undefined })} ${event.error.message}`,
          'onRetry',
        ),
      onError: (event) => scanner.recordError(event.error, 'onError'),
    };
    // Retry waits are recorded instead of slept, so Retry-After is checked without slowing the suite.
    const sleep: Sleep = async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
    };

    const caps = () => harness.provider.capabilities;
    // Playback protocols of every stream the suite saw: what the capabilities claim must show up on some.
    const playbackSeen = new Set<string>();
    let sawLive = false;
    const wellFormed = (stream: LiveStream) => {
      expectWellFormedStream(stream, harness.provider);
      for (const endpoint of stream.playback) playbackSeen.add(endpoint.protocol);
      // Where the harness knows the backend's HLS address, an HLS URL is that one, or one the backend's own
      // answer names (a vendor CDN address it renders): on its origin or on any other.
      const served = harness.hlsUrl?.(stream.id);
      // A playlist is labelled HLS, whatever else the vendor's answer names beside it: the backend's own HLS
      // address, or any URL whose path ends in `.m3u8`, given as a player page (`embed`) or anything else is
      // handed to a player that expects a page and plays nothing. The one mistake that swaps two labels passes
      // the HLS check below wherever the backend names the page too (Wowza Video's and LiveAPI's players), so
      // it is caught by the playlist's label.
      for (const endpoint of stream.playback) {
        if (endpoint.protocol === 'hls') continue;
        // A URL that does not parse is no playlist here: the check of endpoint URLs names it.
        const path = URL.canParse(endpoint.url) ? new URL(endpoint.url).pathname : '';
        const playlist = endpoint.url === served || path.toLowerCase().endsWith('.m3u8');
        expect(
          playlist,
          `${endpoint.protocol} playback URL ${endpoint.url} of stream ${stream.id} is an HLS playlist${endpoint.url === served ? ' (where the backend serves its HLS)' : ''}: labelled ${endpoint.protocol}, not hls`,
        ).toBe(false);
      }
      if (served !== undefined) {
        let named: readonly string[] | undefined;
        for (const endpoint of stream.playback) {
          if (endpoint.protocol !== 'hls' || endpoint.rendition === 'recording') continue;
          if (endpoint.url === served) continue;
          named ??= harness.namedUrls?.(stream.id) ?? [];
          if (named.includes(endpoint.url)) continue;
          const origin = new URL(served).origin;
          const where =
            new URL(endpoint.url).origin === origin
              ? 'on the backend origin but not where it serves the playlist'
              : `on another origin than the backend's media address (${origin}), and named by no answer of the backend`;
          expect(
            endpoint.url,
            `HLS playback URL ${endpoint.url} of stream ${stream.id} is ${where}: expected ${served}`,
          ).toBe(served);
        }
      }
    };
    // A stream no encoder pushes to (the round trip's: only the real-media scenario pushes, to a stream of
    // its own) is not broadcasting, wherever the provider can tell: an adapter whose `broadcasting` never
    // turns false would otherwise pass wherever no encoder runs (fixtures, no ffmpeg, `media: false`).
    const quiet = (stream: LiveStream, step: string) => {
      if (caps().broadcastingStatus)
        expect(stream.broadcasting, `${step}: broadcasting with no encoder pushing`).not.toBe(true);
    };
    // How many attempts the faulted request of `operation` made: its last attempt's number. Every request a
    // call makes names the call (videosdk v2's get reads the room and its egress, both `get`), so counting
    // the call's requests would count the ones no fault touched.
    const attemptsOf = (operation: string) =>
      Math.max(
        0,
        ...requests.filter((request) => request.operation === operation).map((request) => request.attempt),
      );
    const prepare = async (step: ContractStep, id: string | undefined) => harness.prepare?.(step, { id });
    // A slow fault's `onHold` that aborts `controller` once the backend holds a request of `operation` the
    // call under test sent: the abort lands on that event, whatever the machine's load. A late request of an
    // earlier test that takes the fault first is left held (the spare answers are for this call's).
    const abortOnceSent = (controller: AbortController, operation: string) => () => {
      if (requests.some((request) => request.operation === operation)) controller.abort();
    };
    // `expected` says which call had to fail and why, for the failure of an adapter that let it through.
    async function captureError(run: () => Promise<unknown>, expected?: string): Promise<unknown> {
      try {
        await run();
      } catch (error) {
        scanner.recordError(error);
        return error;
      }
      throw new Error(expected ?? 'expected the call to fail');
    }
    // A call costs the same however many stream keys the provider has learned: its errors are scrubbed with
    // the provider's SecretSet itself, and asking a set for its values (as the client asks `secrets()` on
    // every masking, to follow rotated credentials) hands back the list it gave before while its values
    // are the same: a new list, a copy of every value, only after they changed.
    // Each set's list as the calls checked last saw it (a copy of its values, compared with the next one).
    const lastLists = new WeakMap<SecretSet, { list: readonly string[]; snapshot: string[] }>();
    async function withoutSecretCopies<T>(run: () => Promise<T>): Promise<T> {
      const values = SecretSet.prototype.values;
      const last = lastLists;
      const copies: string[][] = [];
      const asked = vi.spyOn(SecretSet.prototype, 'values').mockImplementation(function (this: SecretSet) {
        const list = values.call(this);
        const before = last.get(this);
        if (before && before.list !== list && sameValues(before.snapshot, list)) copies.push([...list]);
        last.set(this, { list, snapshot: [...list] });
        return list;
      });
      try {
        const result = await run();
        expect(copies.length, 'copies of unchanged learned secrets made by the call').toBe(0);
        return result;
      } finally {
        asked.mockRestore();
      }
    }

    const container = createContainer();
    container.register(tokens.sleep, { useValue: sleep });

    beforeAll(async () => {
      harness = await options.setup();
      // Held to what one of unilive's own adapters does: a client hands its answers on as they are and waits
      // for its calls, so the suite sees the provider's own answers and whether it honours its signal (a
      // client bounds the calls of any other provider, which would hide one that does not).
      markAdapterUnderTest(harness.provider);
      for (const [label, value] of Object.entries({ ...harness.otherSecrets, ...harness.secrets }))
        scanner.register(label, value);
      if (harness.client) ({ client, idOf } = harness.client({ hooks, container }));
      else client = createLiveStreamClient(harness.provider, { hooks, container });
    }, hookLimitMs);
    afterEach(async () => {
      await harness.afterEach?.();
    }, hookLimitMs);
    afterAll(async () => {
      await harness?.close?.();
    }, hookLimitMs);

    describe('lifecycle round trip', () => {
      const input: CreateLiveStreamInput = options.createInput ?? { name: 'unilive contract stream' };
      let created: LiveStream | undefined;
      const id = () => {
        if (!created) throw new Error('create did not succeed, so this step cannot run');
        return created.id;
      };
      const ref = () => {
        if (!created) throw new Error('create did not succeed, so this step cannot run');
        return idOf(created);
      };
      const waitOptions = { timeoutMs: 30_000, intervalMs: 200, maxIntervalMs: 1_000, ...options.wait };
      // Waiting polls for real; the pace is the backend's.

      it('create returns a well-formed stream with at least one ingest endpoint', async () => {
        await prepare('create', undefined);
        created = await client.create(input);
        wellFormed(created);
        quiet(created, 'create');
        expectNameKeptOrWarned(created, input.name, caps().names);
        const protocol = input.ingestProtocol;
        if (protocol) expect(created.ingest.map((endpoint) => endpoint.protocol)).toContain(protocol);
        for (const endpoint of created.ingest) {
          scanner.register('stream key', endpoint.streamKey);
          scanner.register('ingest password', endpoint.password);
          scanner.register('publish token', endpoint.token);
        }
        expectSecretsExposed(harness.provider, { ...harness.secrets, ...streamSecretsOf(created) });
      });

      it('every refusal made before any request says so: delivery not-sent, and nothing is sent', async () => {
        // One rule on every adapter and operation (core's error classes default it): an operation the vendor
        // lacks, a state it never reports, an id or input unilive refuses. A registry or a retry loop deciding
        // from `delivery` reads one answer for "nothing was sent", whichever refusal it met.
        type Kind = typeof InvalidInputError | typeof UnsupportedOperationError;
        type Refusal = { call: string; run: (badId: string) => Promise<unknown>; kinds: Kind[] };
        const refusals: Refusal[] = [];
        if (!caps().stop)
          refusals.push({ call: 'stop', run: () => client.stop(ref()), kinds: [UnsupportedOperationError] });
        const reported = caps().states;
        for (const state of liveStreamStates.filter((each) => reported && !reported.includes(each)))
          refusals.push({
            call: `waitForState ${state}`,
            run: () => client.waitForState(ref(), state, { timeoutMs: 1_000 }),
            kinds: [InvalidInputError],
          });
        refusals.push(
          { call: 'update {}', run: () => client.update(ref(), {}), kinds: [InvalidInputError] },
          {
            call: 'create {}',
            run: () => client.create({} as CreateLiveStreamInput),
            kinds: [InvalidInputError],
          },
          { call: 'get bad id', run: (id) => client.get(id), kinds: [InvalidInputError] },
          {
            call: 'update bad id',
            run: (id) => client.update(id, { name: 'x' }),
            kinds: [InvalidInputError],
          },
          { call: 'delete bad id', run: (id) => client.delete(id), kinds: [InvalidInputError] },
          { call: 'start bad id', run: (id) => client.start(id), kinds: [InvalidInputError] },
          {
            call: 'stop bad id',
            run: (id) => client.stop(id),
            // Where the vendor has no stop, the operation may be refused before the id is looked at.
            kinds: caps().stop ? [InvalidInputError] : [InvalidInputError, UnsupportedOperationError],
          },
          {
            call: 'waitForState bad id',
            run: (id) => client.waitForState(id, 'ready', { timeoutMs: 1_000 }),
            kinds: [InvalidInputError],
          },
        );
        const badId = fc.constantFrom('../x', 'a/b', '.', '..', '%2F', 'a b', 'a?b', 'a#b');
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...refusals), badId, async ({ call, run, kinds }, id) => {
            requests.length = 0;
            const error = await captureError(() => run(id));
            expect(
              kinds.some((kind) => kind.isInstance(error)),
              `${call}: ${String(error)}`,
            ).toBe(true);
            expect((error as UniliveError).delivery, call).toBe('not-sent');
            expect(requests, `${call} sent a request`).toEqual([]);
          }),
          { numRuns: 60 },
        );
      });

      it('get returns the same stream, and again the same: id, name, ingest and createdAt are stable', async () => {
        await prepare('get', id());
        const fetched = await withoutSecretCopies(() => client.get(ref()));
        wellFormed(fetched);
        quiet(fetched, 'get');
        expect(fetched.id).toBe(id());
        if (caps().names) expect(fetched.name).toBe(created?.name);
        // A second read once the clock has moved on: what the vendor stored when the stream was made reads
        // the same, so a date taken from the moment of the read (or an ingest made up per answer) differs.
        const firstRead = Date.now();
        while (Date.now() <= firstRead) await new Promise((resolve) => setTimeout(resolve, 2));
        await prepare('get', id());
        const again = await client.get(ref());
        wellFormed(again);
        expect(again.id).toBe(fetched.id);
        expect(again.name).toBe(fetched.name);
        expect(again.createdAt?.getTime(), 'createdAt differs between two reads').toBe(
          fetched.createdAt?.getTime(),
        );
        // By count and fields set, then by equality without showing the values: they hold the stream key.
        expect(
          sameIngest(again.ingest, fetched.ingest),
          'ingest differs between two reads (endpoints, URLs, keys)',
        ).toBe(true);
      });

      it('list walks the pages and finds it', async () => {
        await prepare('list', id());
        const listed = await withoutSecretCopies(() => client.list().toArray());
        const found = listed.find((stream) => stream.id === id());
        expect(found, 'the created stream is listed').toBeDefined();
        if (found) wellFormed(found);
        if (found) quiet(found, 'list');
      });

      it('update changes the name', async (context) => {
        if (!caps().update) return context.skip(`${harness.provider.id} has no update (capabilities.update)`);
        await prepare('update', id());
        const name = options.updatedName ?? `${input.name} (renamed)`;
        const updated = await withoutSecretCopies(() => client.update(ref(), { name }));
        expect(updated.id).toBe(id());
        expectNameKeptOrWarned(updated, name, caps().names);
      });

      it('update holds the input rules create holds: a region it takes none of is warned of, recording off refused where the vendor always records', async (context) => {
        if (!caps().update) return context.skip(`${harness.provider.id} has no update (capabilities.update)`);
        // Where the vendor always records, turning recording off is refused before any request, on update as
        // on create: accepting it would promise a stream that keeps no recording.
        if (caps().alwaysRecords === true) {
          requests.length = 0;
          const error = await captureError(() => client.update(ref(), { recording: false }));
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toContain('recording');
          expect((error as UniliveError).delivery).toBe('not-sent');
          expect(requests.filter((request) => request.operation === 'update')).toEqual([]);
        }
        if (caps().regions) return;
        if (harness.supports !== undefined) return context.skip('only on a live backend');
        // A vendor without regions takes none on update either: the region is a preference the stream works
        // without, so the update goes on with an `unsupported-setting` warning naming it, never in silence.
        const updated = await client.update(ref(), { region: 'eu-west' });
        expect(updated.id).toBe(id());
        expect(
          updated.warnings?.filter(
            (warning) => warning.type === 'unsupported-setting' && warning.setting === 'region',
          ) ?? [],
          'a region on update, where the vendor takes none, dropped without a word',
        ).toHaveLength(1);
      });

      it('update with the restream targets the stream has ([] for none) is accepted and changes nothing', async (context) => {
        if (!caps().update) return context.skip(`${harness.provider.id} has no update (capabilities.update)`);
        if (harness.supports && !harness.supports('update-same-restream'))
          return context.skip('the backend has no recorded exchanges for this step');
        await prepare('update-same-restream', id());
        requests.length = 0;
        // The list as the stream reports it, given back as it is (the vendor's target ids, `enabled` and
        // `broadcasting` included): what `update(id, { restream: [...stream.restream, added] })` starts from.
        const same = created?.restream ?? [];
        const updated = await client.update(ref(), { restream: same });
        expect(updated.id).toBe(id());
        // One rule on every vendor, whether or not it can change targets: nothing to change, nothing sent.
        const changes = requests.filter(
          (request) => request.operation === 'update' && request.method !== 'GET',
        );
        expect(changes).toEqual([]);
        expect(updated.warnings?.filter((warning) => warning.setting === 'restream') ?? []).toEqual([]);
      });

      it('a restream list naming one target twice is refused on create and update, before any request', async () => {
        // One rule on every adapter, whether or not the vendor restreams: pushing one stream twice to one
        // destination with one key is never wanted, and vendors differ on it (some keep both copies, some
        // one). The later copy is named; its url and key are not echoed.
        const target = fc.record({
          url: fc.constantFrom('rtmp://a.rtmp.youtube.com/live2', 'rtmps://live.example.com:443/app'),
          streamKey: fc.constantFrom('contract-dup-key-1', 'contract-dup-key-2', 'contract-dup-key-3'),
        });
        const lists = fc
          .tuple(
            fc.uniqueArray(target, {
              minLength: 1,
              maxLength: 4,
              selector: (each) => `${each.url} ${each.streamKey}`,
            }),
            fc.nat(),
            fc.nat(),
          )
          .map(([distinct, from, to]) => {
            const list = [...distinct];
            const first = from % list.length;
            const at = first + 1 + (to % (list.length - first));
            list.splice(at, 0, { ...list[first] } as (typeof list)[number]);
            return { list, first, at };
          });
        await fc.assert(
          fc.asyncProperty(lists, fc.boolean(), async ({ list, first, at }, onUpdate) => {
            requests.length = 0;
            const error = await captureError(() =>
              onUpdate
                ? client.update(ref(), { restream: list })
                : client.create({ name: input.name, restream: list }),
            );
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect((error as InvalidInputError).issues).toEqual([
              {
                path: `restream.${at}`,
                message: `expected each target once: it repeats the url and stream key of target ${first}`,
              },
            ]);
            expect((error as UniliveError).operation).toBe(onUpdate ? 'update' : 'create');
            expect((error as UniliveError).delivery).toBe('not-sent');
            expect(String(error)).not.toContain('contract-dup-key');
            expect(requests).toEqual([]);
          }),
          { numRuns: 25 },
        );
      });

      it('waitForState refuses, before any request, a state the provider never reports', async (context) => {
        const states = caps().states;
        if (!states)
          return context.skip(`${harness.provider.id} does not list its states (capabilities.states)`);
        const never = liveStreamStates.filter((state) => !states.includes(state));
        if (never.length === 0) return context.skip(`${harness.provider.id} may report every state`);
        requests.length = 0;
        for (const state of never) {
          const error = await captureError(() => client.waitForState(ref(), state, { timeoutMs: 1_000 }));
          // Bad input for this provider, as an unknown state is for every one: named, never sent.
          expect(InvalidInputError.isInstance(error), `${state}: ${String(error)}`).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['state']);
          expect((error as UniliveError).delivery).toBe('not-sent');
        }
        // A list naming one state it does report is waited for as usual: only the unreachable are refused.
        expect(requests).toEqual([]);
      });

      it('start makes it ready, waiting as long as the vendor takes', async () => {
        await prepare('start', id());
        const started = await withoutSecretCopies(() => client.start(ref()));
        expect(started.id).toBe(id());
        if (caps().start) expect(['starting', 'ready']).toContain(started.state);
        else expect(started.state, `${harness.provider.id} start returns the stream as it is`).toBe('ready');
        await prepare('wait-ready', id());
        const ready = await waitingClient().waitForState(ref(), 'ready', waitOptions);
        wellFormed(ready);
        quiet(ready, 'ready after start');
        expect(ready.state).toBe('ready');
        expect(ready.id).toBe(id());
        // The vendor's own broadcasting call, where the provider has one, says no video on a stream no encoder
        // pushes to: one answering true would end every waitForBroadcast at once. Asked of a live backend
        // only (recorded exchanges hold no such call).
        if (typeof harness.provider.getBroadcasting === 'function' && harness.supports === undefined) {
          const broadcasting = await harness.provider.getBroadcasting(id());
          expect(broadcasting, 'getBroadcasting with no encoder pushing').not.toBe(true);
        }
      });

      it('start again on a ready stream returns it: lifecycle calls are idempotent', async () => {
        await prepare('start-again', id());
        const again = await client.start(ref());
        expect(again.id).toBe(id());
        expect(again.state).toBe('ready');
        wellFormed(again);
      });

      it('stop makes it stopped, or is reported unsupported', async () => {
        if (!caps().stop) {
          const error = await captureError(() => client.stop(ref()));
          expect(UnsupportedOperationError.isInstance(error), String(error)).toBe(true);
          expect((error as UniliveError).provider).toBe(harness.provider.id);
          expect((error as UniliveError).operation).toBe('stop');
          return;
        }
        await prepare('stop', id());
        const stopped = await withoutSecretCopies(() => client.stop(ref()));
        expect(['stopping', 'stopped']).toContain(stopped.state);
        await prepare('wait-stopped', id());
        const settled = await waitingClient().waitForState(ref(), 'stopped', waitOptions);
        expect(settled.state).toBe('stopped');
        quiet(settled, 'stopped');
      });

      it('stop again on a stopped stream returns it: lifecycle calls are idempotent', async (context) => {
        if (!caps().stop) return context.skip(`${harness.provider.id} has no stop (capabilities.stop)`);
        await prepare('stop-again', id());
        const again = await client.stop(ref());
        expect(again.id).toBe(id());
        expect(again.state).toBe('stopped');
        wellFormed(again);
      });

      it('start after stop makes it ready again, where the vendor restarts streams', async (context) => {
        if (!caps().start || !caps().stop || !caps().restart)
          return context.skip(`${harness.provider.id} does not start a stopped stream again (capabilities)`);
        if (harness.supports !== undefined) return context.skip('only on a live backend');
        // The round trip's first start may find the stream ready already (a vendor that creates streams
        // ready): a start that sends nothing and says `ready` passes it. Started from `stopped`, the stream
        // must really run, as the backend shows it; then it is stopped again for the steps after.
        const started = await client.start(ref());
        expect(lifecycleGoals.start).toContain(started.state);
        const ready = await waitingClient().waitForState(ref(), 'ready', waitOptions);
        expect(ready.state).toBe('ready');
        wellFormed(ready);
        const stopped = await client.stop(ref());
        expect(lifecycleGoals.stop).toContain(stopped.state);
        expect((await waitingClient().waitForState(ref(), 'stopped', waitOptions)).state).toBe('stopped');
      });

      it('delete removes it, and get then throws NotFoundError', async (context) => {
        if (!caps().delete) return context.skip(`${harness.provider.id} has no delete (capabilities.delete)`);
        await prepare('delete', id());
        await withoutSecretCopies(() => client.delete(ref()));
        await prepare('get-deleted', id());
        const error = await captureError(() => client.get(ref()));
        expect(NotFoundError.isInstance(error), String(error)).toBe(true);
        expect((error as UniliveError).status).toBeOneOf([404, 410]);
        expect((error as NotFoundError).streamId).toBe(id());
      });

      it('delete again on the deleted stream throws NotFoundError: a first answer 404 is never success', async (context) => {
        if (!caps().delete) return context.skip(`${harness.provider.id} has no delete (capabilities.delete)`);
        if (harness.supports && !harness.supports('delete-deleted'))
          return context.skip('the backend has no recorded exchanges for this step');
        await prepare('delete-deleted', id());
        const error = await captureError(() => client.delete(ref()));
        expect(NotFoundError.isInstance(error), String(error)).toBe(true);
        expect((error as UniliveError).status).toBeOneOf([404, 410]);
        expect((error as UniliveError).operation).toBe('delete');
        expect((error as UniliveError).delivery).toBe('refused');
        expect((error as NotFoundError).streamId).toBe(id());
      });

      // A provider called directly is handed the caller's own objects: one that writes into them (a default
      // filled in, a list emptied) changes what the caller holds, which a client, handing it a frozen copy of
      // its input, hides. Plain objects here, as a caller's are: a write shows in what they hold after.
      it('a provider called directly never writes into the input it is given', async (context) => {
        if (harness.client !== undefined || harness.supports !== undefined)
          return context.skip('only a provider called directly on a live backend');
        const given = structuredClone({ ...input, name: `${input.name} unchanged` });
        const before = JSON.stringify(given);
        const stream = await harness.provider.create(given);
        try {
          expect(stream, 'create answers with the input object').not.toBe(given);
          expect(JSON.stringify(given)).toBe(before);
          if (caps().update && caps().names) {
            const patch = { name: `${input.name} unchanged again` };
            const updated = await harness.provider.update(stream.id, patch);
            expect(updated, 'update answers with the patch object').not.toBe(patch);
            expect(patch).toEqual({ name: `${input.name} unchanged again` });
          }
        } finally {
          if (caps().delete) await harness.provider.delete(stream.id).catch(() => undefined);
        }
      });

      it('a provider called directly hands each call an answer of its own: changing one changes no later one', async (context) => {
        if (harness.client !== undefined || harness.supports !== undefined)
          return context.skip('only a provider called directly on a live backend');
        const stream = await harness.provider.create(structuredClone(input));
        try {
          // A caller that edits what it was handed (a name trimmed for display, an endpoint list sorted)
          // must not change what the provider answers next: a cache handing out one object would.
          const first = await harness.provider.get(stream.id);
          const before = JSON.stringify(await harness.provider.get(stream.id));
          scribble(first);
          const later = await harness.provider.get(stream.id);
          expect(
            JSON.stringify(later),
            'a later get shows what the caller wrote into an earlier answer',
          ).toBe(before);
        } finally {
          if (caps().delete) await harness.provider.delete(stream.id).catch(() => undefined);
        }
      });

      // A client masks what it hands on; a provider called directly hands its results on as they are, so a
      // warning that quotes a stream key (a key rotated, an ingest refused) shows it to whoever logs the
      // result. The scan of errors and hook events reads only what went through a client.
      it('a provider called directly shows no credential in the warnings of what it returns', async (context) => {
        if (harness.client !== undefined || harness.supports !== undefined)
          return context.skip('only a provider called directly on a live backend');
        const stream = await harness.provider.create(structuredClone(input));
        try {
          for (const endpoint of stream.ingest) {
            scanner.register('stream key', endpoint.streamKey);
            scanner.register('ingest password', endpoint.password);
            scanner.register('publish token', endpoint.token);
          }
          const results: [string, LiveStream][] = [
            ['create', stream],
            ['get', await harness.provider.get(stream.id)],
          ];
          for await (const listed of harness.provider.list()) {
            if (listed.id !== stream.id) continue;
            results.push(['list', listed]);
            break;
          }
          if (caps().update)
            results.push([
              'update',
              await harness.provider.update(stream.id, { name: `${input.name} warned` }),
            ]);
          const where = (operation: string) => `warnings of a ${operation} called directly`;
          for (const [operation, result] of results) {
            scanner.recordText(JSON.stringify(result.warnings ?? []), where(operation));
            scanner.recordText(inspect(result.warnings ?? [], { depth: 8 }), where(operation));
          }
          expect(scanner.leaks().filter((leak) => leak.where.endsWith('called directly'))).toEqual([]);
        } finally {
          if (caps().delete) await harness.provider.delete(stream.id).catch(() => undefined);
        }
      });

      it('what the capabilities claim is what create does: each listed ingest protocol, low latency, regions, recording always on', async (context) => {
        // Refused up front, whatever the backend: an ingest protocol the capabilities do not list. Through a
        // registry (a harness's own client) another provider may take what this one lacks: there only what
        // this provider claims is checked.
        const direct = harness.client === undefined;
        const unlisted = ingestProtocols.filter((each) => !caps().ingestProtocols.includes(each));
        requests.length = 0;
        for (const protocol of direct ? unlisted : []) {
          const error = await captureError(
            () => client.create({ name: input.name, ingestProtocol: protocol }),
            `expected create({ ingestProtocol: '${protocol}' }) to be refused with InvalidInputError before any request: capabilities.ingestProtocols does not list ${protocol}`,
          );
          expect(InvalidInputError.isInstance(error), `${protocol}: ${String(error)}`).toBe(true);
          // The field, or (through a registry) each provider that lacks it, naming the field.
          const named = (error as InvalidInputError).issues.filter(
            (issue) => issue.path === 'ingestProtocol' || issue.message.includes('ingestProtocol'),
          );
          expect(named.length, JSON.stringify((error as InvalidInputError).issues)).toBeGreaterThan(0);
          expect((error as UniliveError).delivery).toBe('not-sent');
        }
        // A vendor that records every stream (capabilities.alwaysRecords) refuses `recording: false`: a
        // stream that records where the caller said it must not is never made in silence.
        if (direct && caps().alwaysRecords === true) {
          const error = await captureError(
            () => client.create({ name: input.name, recording: false }),
            'expected create({ recording: false }) to be refused with InvalidInputError before any request: capabilities.alwaysRecords is true',
          );
          expect(InvalidInputError.isInstance(error), `recording: false: ${String(error)}`).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toContain('recording');
          expect((error as UniliveError).delivery).toBe('not-sent');
        }
        // A provider that claims regions takes its vendor's region ids, and a region no vendor has is a value
        // it does not take: refused before any request (`unsupported-value`, core's rule for a value the
        // vendor lacks), never made with a warning or in silence. Each vendor names its regions its own way,
        // so the suite cannot name one that must be honoured; a region that must be refused shows that the
        // region reaches the adapter at all: one that drops it, or still warns that it takes none, makes the
        // stream. Through a registry another provider may take the region: there it is not tried.
        if (direct && caps().regions) {
          const outcome = await client.create({ name: input.name, region: unknownRegion }).then(
            async (stream) => {
              if (caps().delete) await client.delete(idOf(stream)).catch(() => undefined);
              return (stream.warnings ?? []).some(
                (warning) => warning.type === 'unsupported-setting' && warning.setting === 'region',
              )
                ? 'made, with an unsupported-setting warning for region'
                : 'made, without a word about the region';
            },
            (error: unknown) => {
              scanner.recordError(error);
              return error;
            },
          );
          expect(
            InvalidInputError.isInstance(outcome),
            `create({ region: '${unknownRegion}' }) where capabilities.regions is true must be refused with InvalidInputError before any request (no vendor has that region): ${String(outcome)}`,
          ).toBe(true);
          const error = outcome as InvalidInputError;
          expect(
            error.issues.filter((issue) => issue.path === 'region' || issue.message.includes('region'))
              .length,
            JSON.stringify(error.issues),
          ).toBeGreaterThan(0);
          expect(error.delivery).toBe('not-sent');
        }
        expect(requests.filter((request) => request.operation === 'create')).toEqual([]);
        if (harness.supports && !harness.supports('create-settings'))
          return context.skip('the backend has no recorded exchanges for this step');
        await prepare('create-settings', undefined);
        const made: string[] = [];
        // Each stream's ingest addresses (its URL and stream key together): one stream's endpoints may share
        // one, two streams never, or an encoder set up for one would publish into the other. The key alone
        // may be shared where the URL names the stream (videosdk v2's WHIP takes the account's token).
        const addressesOf = new Map<string, string>();
        const ownKeys = (stream: LiveStream) => {
          const addresses = new Set(
            stream.ingest.map((endpoint) => `${endpoint.url}\n${endpoint.streamKey ?? ''}`),
          );
          for (const address of addresses) {
            const holder = addressesOf.get(address);
            expect(holder, `the ingest address of ${idOf(stream)} is also ${holder}'s`).toBeUndefined();
            addressesOf.set(address, idOf(stream));
          }
        };
        try {
          for (const protocol of caps().ingestProtocols) {
            const stream = await client.create({ name: input.name, ingestProtocol: protocol });
            made.push(idOf(stream));
            ownKeys(stream);
            // An answer without its ingest details says so with an incomplete-answer warning (the rule for
            // every adapter); otherwise the protocol asked for is among the endpoints.
            const incomplete = (stream.warnings ?? []).some(
              (warning) => warning.type === 'incomplete-answer',
            );
            if (!incomplete)
              expect(
                stream.ingest.map((endpoint) => endpoint.protocol),
                protocol,
              ).toContain(protocol);
          }
          // A claimed setting is honoured without an unsupported-setting warning; an unclaimed one is warned
          // about or refused, never dropped in silence. A region's values are the vendor's: only the
          // unclaimed case is generic.
          const settings: {
            field: 'lowLatency' | 'region';
            claimed: boolean;
            value: CreateLiveStreamInput;
          }[] = [];
          if (direct || caps().lowLatency)
            settings.push({
              field: 'lowLatency',
              claimed: caps().lowLatency,
              value: { name: input.name, lowLatency: true },
            });
          if (direct && !caps().regions)
            settings.push({
              field: 'region',
              claimed: false,
              value: { name: input.name, region: 'eu-west' },
            });
          for (const { field, claimed, value } of settings) {
            const outcome = await client.create(value).then(
              (stream) => {
                made.push(idOf(stream));
                ownKeys(stream);
                return (stream.warnings ?? []).some(
                  (warning) => warning.type === 'unsupported-setting' && warning.setting === field,
                )
                  ? 'warned'
                  : 'honoured';
              },
              (error: unknown) => {
                scanner.recordError(error);
                return InvalidInputError.isInstance(error) &&
                  error.issues.some((issue) => issue.path === field || issue.message.includes(field))
                  ? 'refused'
                  : String(error);
              },
            );
            if (claimed)
              expect(outcome, `${field} (capabilities.${field === 'region' ? 'regions' : field} true)`).toBe(
                'honoured',
              );
            else
              expect(['warned', 'refused'], `${field} (capabilities false): ${outcome}`).toContain(outcome);
          }
        } finally {
          if (caps().delete) for (const ref of made) await client.delete(ref).catch(() => undefined);
        }
      });
    });

    describe('real media', () => {
      // What the suite pushes: small, so several adapters' suites can run beside each other on two cores.
      const pattern = { size: '320x180', preset: 'ultrafast', videoBitrateKbps: 300 } as const;
      const skipReason = () => {
        if (!harness.media) return 'the backend takes no encoders';
        if (!caps().ingestProtocols.includes('rtmp')) return `${harness.provider.id} has no RTMP ingest`;
        if (!findFfmpeg()) return 'no ffmpeg on this machine (apt-get install ffmpeg, or UNILIVE_FFMPEG)';
        return undefined;
      };
      const publishing = (id: string) => harness.media?.publishing(id) ?? false;

      it('an encoder pushing to the ingest URL exactly as returned goes live and plays over HLS; leaving ends it', async (context) => {
        const reason = skipReason();
        if (reason) return context.skip(reason);
        const stream = await client.create({ name: 'unilive media stream', ingestProtocol: 'rtmp' });
        const ingest = stream.ingest.find((endpoint) => endpoint.protocol === 'rtmp');
        expect(ingest, 'the created stream has an RTMP ingest endpoint').toBeDefined();
        if (!ingest) return;
        scanner.register('stream key', ingest.streamKey);
        scanner.register('ingest password', ingest.password);
        scanner.register('ingest URL', ingest.url);
        // The URL alone, as an encoder that takes one URL is given it (IngestEndpoint.url's promise): it
        // carries the key and any push credentials (Wowza Video's, as user information).
        const target = { url: ingest.url };

        if (caps().start && stream.state !== 'ready') {
          // A stream that is not started takes no video: the push is refused.
          const refused = await startPush({ ...target, ...pattern, durationSeconds: 5 }).done;
          scanner.recordText(refused.error ?? '', 'push error');
          expect(refused.ok, 'a push before start is refused').toBe(false);
          expect(publishing(stream.id)).toBe(false);
          await client.start(idOf(stream));
        }
        await waitingClient({}).waitForState(idOf(stream), 'ready', {
          timeoutMs: 30_000,
          intervalMs: 200,
          maxIntervalMs: 1_000,
          ...options.wait,
        });

        const push = startPush({ ...target, ...pattern });
        let ended: string | undefined;
        void push.done.then((result) => {
          ended = result.error ?? 'the encoder stopped';
        });
        try {
          // Live, or the encoder gave up (refused, cut): then its own words say why. The 30 s bound only ends
          // a hang: an encoder goes live within a few seconds even beside a second copy of the suite.
          await expect.poll(() => publishing(stream.id) || ended !== undefined, pollLimit).toBe(true);
          expect(ended, 'the encoder was refused or cut').toBeUndefined();
          if (caps().broadcastingStatus) {
            await expect
              .poll(async () => (await client.get(idOf(stream))).broadcasting, pollLimit)
              .toBe(true);
          }
          const live = await client.get(idOf(stream));
          wellFormed(live);
          sawLive = true;
          // Every endpoint labelled HLS is one: a player page or a recording mislabelled would not play.
          const hlsEndpoints = live.playback.filter(
            (endpoint) => endpoint.protocol === 'hls' && endpoint.rendition !== 'recording',
          );
          if (caps().playbackProtocols.includes('hls'))
            expect(hlsEndpoints.length, 'an HLS playback URL').toBeGreaterThan(0);
          for (const hls of hlsEndpoints) {
            let segment: string | undefined;
            // A first segment, or the encoder ended (then nothing more will come, and it says why).
            await expect
              .poll(async () => {
                if (ended !== undefined) return null;
                const playlist = await fetch(hls.url);
                if (playlist.status !== 200) return undefined;
                segment = (await playlist.text()).split('\n').find((line) => line.trim().endsWith('.ts'));
                return segment;
              }, pollLimit)
              .toBeDefined();
            expect(ended, 'the encoder ended before HLS was served').toBeUndefined();
            const media = await fetch(new URL(segment?.trim() ?? '', hls.url));
            expect(media.status).toBe(200);
            expect(media.headers.get('content-type')).toBe('video/mp2t');
          }
        } finally {
          push.stop();
        }
        const result = await push.done;
        scanner.recordText(result.error ?? '', 'push error');
        expect(result.ok, result.error).toBe(true);
        await expect.poll(() => publishing(stream.id), pollLimit).toBe(false);
        if (caps().broadcastingStatus) expect((await client.get(idOf(stream))).broadcasting).toBe(false);
        if (caps().delete) await client.delete(idOf(stream));
      });
    });

    describe('error mapping', () => {
      let subject: string | undefined;
      let subjectRef: string | undefined;
      const fault = async (operation: FaultOperation, value: Fault) =>
        harness.injectFault(operation, value, { id: subject });

      // The call a state conflict is tried on: the one whose goal the new subject is not already in, so
      // the refusal cannot be a repeat of a change already made.
      let conflicting: LifecycleOperation = 'start';

      beforeAll(async () => {
        await prepare('error-subject', undefined);
        const created = await client.create({ name: 'unilive error subject' });
        subject = created.id;
        subjectRef = idOf(created);
        conflicting = lifecycleGoals.start.includes(created.state) ? 'stop' : 'start';
        requests.length = 0;
      }, hookLimitMs);
      afterEach(() => {
        requests.length = 0;
        sleeps.length = 0;
      });

      // `delivery` is what a caller (and a registry) decides a repeat on: a refusal proves nothing was
      // done, anything that may have been carried out is `unknown`, and a wrong one makes a duplicate.
      const expectTyped = (
        error: unknown,
        type: typeof UniliveError,
        status: number | undefined,
        delivery: readonly (UniliveError['delivery'] & string)[],
        operation?: string,
      ) => {
        expect(type.isInstance(error), `expected ${type.kind}, got ${String(error)}`).toBe(true);
        const typed = error as UniliveError;
        expect(typed.provider).toBe(harness.provider.id);
        expect(typed.operation).toBeTypeOf('string');
        if (operation !== undefined) expect(typed.operation).toBe(operation);
        if (status !== undefined) expect(typed.status).toBe(status);
        expect(delivery, `delivery ${String(typed.delivery)}`).toContain(typed.delivery);
        // A worker pool or a job queue hands errors on by structured clone (postMessage): only an error the
        // platform knows as one keeps its message there.
        expect(types.isNativeError(error), `${type.kind} is a native error`).toBe(true);
        expect((structuredClone(error) as Error).message).toBe(typed.message);
      };

      for (const [type, status] of [
        ['unauthorized', 401],
        ['forbidden', 403],
      ] as const) {
        it(`${status} becomes AuthenticationError, not retried`, async (context) => {
          if (!(await fault('get', { type }))) return context.skip(`the backend cannot answer ${status}`);
          const error = await captureError(() => client.get(subjectRef ?? ''));
          expectTyped(error, AuthenticationError, status, ['refused'], 'get');
          expect(attemptsOf('get')).toBe(1);
        });
      }

      it('404 becomes NotFoundError', async (context) => {
        if (!(await fault('get', { type: 'not-found' })))
          return context.skip('the backend cannot answer 404');
        const error = await captureError(() => client.get(subjectRef ?? ''));
        expectTyped(error, NotFoundError, undefined, ['refused'], 'get');
        expect((error as UniliveError).status).toBeOneOf([404, 410]);
        expect((error as UniliveError).isRetryable).toBe(false);
        expect((error as NotFoundError).streamId).toBe(subject);
      });

      // Every call about one stream names it when it ends in NotFoundError, whichever of its requests the
      // vendor answered 404: the stream's id, as the provider was given it, as a field (never in `toJSON`).
      // Each call is faulted on the request it makes, and must end in that error: none may pass by succeeding.
      // A client names every error by the call it was given, whatever the provider wrote: only a provider
      // called directly shows its own `operation`, which the docs hold to be the call's as well.
      it('a provider called directly names its NotFoundError by the call made', async (context) => {
        const calls: { call: 'get' | 'delete'; run: () => Promise<unknown> }[] = [
          { call: 'get', run: () => harness.provider.get(subject ?? '') },
        ];
        if (caps().delete) calls.push({ call: 'delete', run: () => harness.provider.delete(subject ?? '') });
        let tried = 0;
        for (const { call, run } of calls) {
          if (!(await fault(call, { type: 'not-found' }))) continue;
          tried += 1;
          let error: unknown;
          try {
            error = await captureError(run, `${call}: expected NotFoundError from the 404 planned`);
          } finally {
            await harness.clearFaults?.();
          }
          expect(NotFoundError.isInstance(error), `${call}: ${String(error)}`).toBe(true);
          expect((error as NotFoundError).operation, `${call}: operation`).toBe(call);
          expect((error as NotFoundError).provider).toBe(harness.provider.id);
        }
        if (tried === 0) return context.skip('the backend cannot answer 404');
      });

      it('a call about one stream that ends in NotFoundError names the stream (streamId)', async (context) => {
        const poll: FaultOperation = harness.provider.getStatus ? 'status' : 'get';
        const rename = () =>
          client.update(subjectRef ?? '', {
            // The lifecycle step's patch: what a recorded exchange of the update holds.
            name:
              options.updatedName ?? `${options.createInput?.name ?? 'unilive contract stream'} (renamed)`,
          });
        // `faults`: the requests answered 404, the first the one the call is about (a call the backend cannot
        // fault so is skipped); the others are reads the call may make or not (planned as `unused: 'allowed'`).
        const calls: { call: string; faults: FaultOperation[]; run: () => Promise<unknown> }[] = [
          { call: 'get', faults: ['get'], run: () => client.get(subjectRef ?? '') },
        ];
        if (caps().update) {
          // A vendor that keeps no name (`names: false`) may keep it on unilive's side and send no update
          // request for a patch of the name alone (videosdk v2 only reads the room): such an update is
          // faulted on its read, the only request it makes, after the update fault is shown unused.
          calls.push({ call: 'update', faults: ['update'], run: rename });
        }
        // The lifecycle call whose goal the subject is not in: the other may end without a request (a stop
        // of a stream that is not running, as videosdk v2 tells from its egress read).
        if (caps()[conflicting])
          calls.push({
            call: conflicting,
            faults: [conflicting],
            run: () => client[conflicting](subjectRef ?? ''),
          });
        if (caps().delete)
          calls.push({ call: 'delete', faults: ['delete'], run: () => client.delete(subjectRef ?? '') });
        // A wait that polls a stream gone: its poll's NotFoundError, the stream named. A poll may read the
        // stream too (videosdk v2 reads the room, and takes a 404 of its HLS read as "not streaming"): its
        // read is answered 404 as well, in case the poll makes it.
        calls.push({
          call: 'waitForState',
          faults: poll === 'get' ? ['get'] : ['status', 'get'],
          run: () => client.waitForState(subjectRef ?? '', 'ready', { timeoutMs: 30_000, intervalMs: 100 }),
        });
        const attempt = async (faults: readonly FaultOperation[], run: () => Promise<unknown>) => {
          const [about, ...reads] = faults;
          if (about === undefined || !(await fault(about, { type: 'not-found' }))) return 'skipped' as const;
          for (const read of reads)
            await harness.injectFault(read, { type: 'not-found' }, { id: subject, unused: 'allowed' });
          const sent = requests.length;
          const error = await run().then(
            () => undefined,
            (caught: unknown) => {
              scanner.recordError(caught);
              return caught;
            },
          );
          // A fault a call did not use (a read it may skip, or a request it never made) must not answer a
          // later call's request: it is dropped, or, on a backend that cannot drop one, held against the test.
          await harness.clearFaults?.();
          return { error, writes: requests.slice(sent).filter((request) => request.method !== 'GET') };
        };
        const expectNamed = (call: string, error: unknown) => {
          expect(NotFoundError.isInstance(error), `${call}: ${String(error)}`).toBe(true);
          expect((error as NotFoundError).streamId, call).toBe(subject);
          // What the caller passed as an id may be a stream key: never in what logs print.
          expect((error as NotFoundError).toJSON(), call).not.toHaveProperty('streamId');
        };
        let ran = 0;
        for (const { call, faults, run } of calls) {
          const outcome = await attempt(faults, run);
          if (outcome === 'skipped') continue;
          ran += 1;
          if (call === 'update' && !caps().names && outcome.error === undefined) {
            // The update sent no change (its fault unused, dropped above): it is faulted on its read instead.
            expect(outcome.writes, 'an update that succeeded past a planned 404 sent a change').toEqual([]);
            expect(harness.clearFaults, 'the backend cannot drop the unused update fault').toBeTypeOf(
              'function',
            );
            const read = await attempt(['get'], run);
            expect(read, 'the backend cannot answer the update’s read 404').not.toBe('skipped');
            if (read !== 'skipped') expectNamed(call, read.error);
            continue;
          }
          expectNamed(call, outcome.error);
        }
        if (ran === 0) return context.skip('the backend cannot answer 404');
      });

      it('a real state conflict stays ConflictError with the vendor code', async (context) => {
        const operation = conflicting;
        if (!caps()[operation])
          return context.skip(`${harness.provider.id} has no ${operation} call that can conflict`);
        if (!(await fault(operation, { type: 'conflict' })))
          return context.skip('the backend cannot answer a conflict');
        const error = await captureError(() => client[operation](subjectRef ?? ''));
        expectTyped(error, ConflictError, undefined, ['refused'], operation);
        expect((error as UniliveError).status).toBeOneOf([409, 422, 423]);
      });

      it('429 with Retry-After in seconds is waited out and retried', async (context) => {
        if (!(await fault('get', { type: 'rate-limit', retryAfterSeconds: 2, times: 1 })))
          return context.skip('no 429');
        await prepare('get', subject);
        const stream = await client.get(subjectRef ?? '');
        expect(stream.id).toBe(subject);
        expect(attemptsOf('get')).toBe(2);
        expect(sleeps).toEqual([2000]);
      });

      it('429 with Retry-After as an HTTP date is waited out and retried', async (context) => {
        if (
          !(await fault('get', { type: 'rate-limit', retryAfterSeconds: 3, retryAfterDate: true, times: 1 }))
        ) {
          return context.skip('no 429 with a date');
        }
        await prepare('get', subject);
        // The backend writes the date from its clock, the client waits until it by its own: with the time of
        // day held still for the call, the wait is what the date says, not that less however long a busy
        // machine took between the answer and its reading (a 3 s stall left nothing to wait).
        vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
        try {
          await client.get(subjectRef ?? '');
        } finally {
          vi.useRealTimers();
        }
        expect(sleeps).toHaveLength(1);
        expect(sleeps[0]).toBeGreaterThan(0);
        expect(sleeps[0]).toBeLessThanOrEqual(3000);
      });

      it('429 that persists becomes RateLimitError with retryAfterMs after the retry budget', async (context) => {
        if (!(await fault('get', { type: 'rate-limit', retryAfterSeconds: 1, times: 3 })))
          return context.skip('no 429');
        const error = await captureError(() => client.get(subjectRef ?? ''));
        expectTyped(error, RateLimitError, 429, ['refused'], 'get');
        expect((error as UniliveError).retryAfterMs).toBe(1000);
        expect((error as UniliveError).isRetryable).toBe(true);
        expect(attemptsOf('get')).toBe(3);
      });

      it('429 on create is retried: the vendor refused it unprocessed', async (context) => {
        if (!(await fault('create', { type: 'rate-limit', retryAfterSeconds: 1, times: 1 })))
          return context.skip('no 429');
        await prepare('error-subject', undefined);
        const stream = await client.create({ name: 'unilive rate limited create' });
        expect(stream.id).toBeTypeOf('string');
        expect(attemptsOf('create')).toBe(2);
      });

      it('a transient 503 on get is retried with backoff', async (context) => {
        if (!(await fault('get', { type: 'server-error', status: 503, times: 1 })))
          return context.skip('no 503');
        await prepare('get', subject);
        await client.get(subjectRef ?? '');
        expect(attemptsOf('get')).toBe(2);
        expect(sleeps).toHaveLength(1);
      });

      it('a persistent 5xx becomes ProviderUnavailableError with the status', async (context) => {
        if (!(await fault('get', { type: 'server-error', status: 500, times: 3 })))
          return context.skip('no 500');
        const error = await captureError(() => client.get(subjectRef ?? ''));
        expectTyped(error, ProviderUnavailableError, 500, ['unknown'], 'get');
        expect(attemptsOf('get')).toBe(3);
      });

      it('a 5xx on create is never retried: the stream may exist', async (context) => {
        if (!(await fault('create', { type: 'server-error', status: 502, times: 1 })))
          return context.skip('no 502');
        const error = await captureError(() => client.create({ name: 'unilive failing create' }));
        expectTyped(error, ProviderUnavailableError, 502, ['unknown'], 'create');
        expect(attemptsOf('create')).toBe(1);
      });

      it('a dropped connection becomes ProviderUnavailableError after retries', async (context) => {
        if (!(await fault('get', { type: 'network', times: 3 }))) return context.skip('no network faults');
        const error = await captureError(() => client.get(subjectRef ?? ''));
        expectTyped(error, ProviderUnavailableError, undefined, ['unknown'], 'get');
        expect((error as UniliveError).status).toBeUndefined();
        expect(attemptsOf('get')).toBe(3);
      });

      it('a dropped connection on create is not retried', async (context) => {
        if (!(await fault('create', { type: 'network', times: 1 }))) return context.skip('no network faults');
        const error = await captureError(() => client.create({ name: 'unilive dropped create' }));
        expectTyped(error, ProviderUnavailableError, undefined, ['unknown'], 'create');
        expect(attemptsOf('create')).toBe(1);
      });

      // A slow answer is held far longer than any test may run (the harness lets it go afterwards): only the
      // time limit or the abort under test can end these calls, so they hold on a busy machine and a
      // regression fails by the test's own limit, with no elapsed time measured.
      it('a response slower than timeoutMs becomes TimeoutError', async (context) => {
        if (!(await fault('get', { type: 'slow', delayMs: heldMs, times: 3 })))
          return context.skip('no slow faults');
        const error = await captureError(() =>
          client.get(subjectRef ?? '', { timeoutMs: heldCallTimeoutMs }),
        );
        expectTyped(error, TimeoutError, undefined, ['unknown'], 'get');
        // Ended by the limit the caller gave, not the provider's own (docs/errors.md: the message names it).
        expect((error as Error).message).toContain(`within ${heldCallTimeoutMs} ms (timeoutMs)`);
      });

      // A wait's `timeoutMs` bounds the whole wait, its polls included (the status call where the provider
      // has one, else get): a poll the vendor holds ends the wait at that limit, the wait's own TimeoutError,
      // without `delivery` (a wait only reads); an abort as the poll is held ends it at once. `waitForBroadcast`
      // polls the same way: without events where the API reports broadcasting
      // (`capabilities.broadcastingStatus`) or the provider has a call for it (`getBroadcasting`), and elsewhere
      // given an event hub, as its caller must, that hears nothing: its polls then check the stream.
      const heldWaits = (['waitForState', 'waitForBroadcast'] as const).flatMap((wait) =>
        (['timeout', 'abort'] as const).map((ending) => ({ wait, ending })),
      );
      for (const { wait, ending } of heldWaits) {
        const title =
          ending === 'timeout'
            ? `a poll slower than the wait’s timeoutMs ends ${wait} with TimeoutError`
            : `aborting the signal ends ${wait} at once with AbortError while a poll is held`;
        it(title, async (context) => {
          // Where only webhook events tell whether video arrives, the wait polls only when given events.
          const needsEvents =
            wait === 'waitForBroadcast' &&
            !caps().broadcastingStatus &&
            typeof harness.provider.getBroadcasting !== 'function';
          if (needsEvents && caps().broadcastingEvents === false)
            return context.skip(
              `${harness.provider.id} tells whether video arrives neither in its API nor in its webhooks: waitForBroadcast refuses before any request`,
            );
          if (wait === 'waitForBroadcast' && typeof client.waitForBroadcast !== 'function')
            return context.skip('the harness’s client has no waitForBroadcast');
          const poll: FaultOperation = harness.provider.getStatus ? 'status' : 'get';
          const controller = new AbortController();
          // Whether the backend held a request of the wait: a wait whose polls were all answered would end at
          // its deadline too, and prove nothing about a held one.
          let held = false;
          const slow: Fault = {
            type: 'slow',
            delayMs: heldMs,
            times: 3,
            onHold: () => {
              if (!requests.some((request) => request.operation === wait)) return;
              held = true;
              if (ending === 'abort') controller.abort();
            },
          };
          // A status call may read the stream first (videosdk v2 reads the room, then its egress): that read
          // is held as well, so the poll waits on a held answer whichever it sends first; each is planned in
          // case the poll makes it, and `held` says one was.
          if (!(await harness.injectFault(poll, slow, { id: subject, unused: 'allowed' })))
            return context.skip(`no slow faults on ${poll}`);
          if (poll === 'status') await harness.injectFault('get', slow, { id: subject, unused: 'allowed' });
          // A wait whose time ran out before its first poll reached the backend (a busy machine: 100 ms is
          // short) held nothing and proves nothing: it is made again with a longer limit, until a poll is
          // held. The limit named below is the one of the wait that was.
          let limit = heldCallTimeoutMs;
          let error: unknown;
          for (const tried of [heldCallTimeoutMs, 2_000, 20_000]) {
            limit = tried;
            requests.length = 0;
            const waitOptions = {
              ...(ending === 'timeout' ? { timeoutMs: tried } : { signal: controller.signal }),
              ...(needsEvents ? { events: createEventHub() } : {}),
            };
            error = await captureError(() =>
              wait === 'waitForState'
                ? client.waitForState(subjectRef ?? '', 'ready', waitOptions)
                : (client.waitForBroadcast?.(subjectRef ?? '', waitOptions) ?? Promise.resolve()),
            );
            if (held || ending === 'abort') break;
          }
          expect(held, 'a poll of the wait was held').toBe(true);
          if (ending === 'abort') {
            expectTyped(error, AbortError, undefined, ['unknown'], wait);
            expect(attemptsOf(wait)).toBe(1);
            return;
          }
          expect(TimeoutError.isInstance(error), `expected TimeoutError, got ${String(error)}`).toBe(true);
          const typed = error as TimeoutError;
          expect([typed.provider, typed.operation, typed.delivery]).toEqual([
            harness.provider.id,
            wait,
            undefined,
          ]);
          expect(typed.message).toContain(`${limit} ms`);
          expect(types.isNativeError(error)).toBe(true);
          // Ended by the wait's deadline, not by a limit of the poll's own: the held poll was cut there and
          // never tried again, since no request of a wait is sent past its deadline (a poll that ignores
          // it runs on to its own limit and retries, and the wait reports its own timeout all the same).
          expect(attemptsOf(wait), 'poll attempts, past the wait’s deadline included').toBe(1);
        });
      }

      // The abort lands on an event, never a timer: as the backend starts holding the request (so it was sent
      // and the vendor may carry it out: delivery `unknown`), or before the call (nothing sent: `not-sent`).
      // Where a timer would land changes with the machine's load, and so would what is asserted.
      it('aborting the signal ends the call at once with AbortError', async (context) => {
        const controller = new AbortController();
        // More slow answers than the call needs: a late request of an earlier test may take one.
        if (
          !(await fault('get', {
            type: 'slow',
            delayMs: heldMs,
            times: 3,
            onHold: abortOnceSent(controller, 'get'),
          }))
        )
          return context.skip('no slow faults');
        requests.length = 0;
        const error = await captureError(() => client.get(subjectRef ?? '', { signal: controller.signal }));
        expectTyped(error, AbortError, undefined, ['unknown'], 'get');
        expect((error as Error).name).toBe('AbortError');
        // Not tried again once aborted.
        expect(attemptsOf('get')).toBe(1);
      });

      it('a signal aborted before the call ends it with AbortError, and nothing is sent', async () => {
        const controller = new AbortController();
        controller.abort();
        requests.length = 0;
        const error = await captureError(() => client.get(subjectRef ?? '', { signal: controller.signal }));
        expectTyped(error, AbortError, undefined, ['not-sent'], 'get');
        expect((error as Error).name).toBe('AbortError');
        expect(requests).toEqual([]);
      });

      // A provider used without a client behaves like one wrapped in it: an id it would not put in a URL is
      // refused before any request, never trimmed or cleaned into another stream's id, as a rejected promise
      // naming the provider and the operation called.
      it('the provider itself refuses an id it would not put in a URL, before any request', async () => {
        const sent: string[] = [];
        const runtime = {
          hooks: { onRequest: (event: { operation: string }) => sent.push(event.operation) },
        };
        const calls: [string, (id: string) => Promise<unknown>][] = [
          ['get', (id) => harness.provider.get(id, { runtime })],
          ['delete', (id) => harness.provider.delete(id, { runtime })],
        ];
        if (caps().update)
          calls.push([
            'update',
            (id) => harness.provider.update(id, { name: 'unilive renamed' }, { runtime }),
          ]);
        if (caps().start) calls.push(['start', (id) => harness.provider.start(id, { runtime })]);
        if (caps().stop) calls.push(['stop', (id) => harness.provider.stop(id, { runtime })]);
        const { getStatus } = harness.provider;
        if (getStatus) calls.push(['status', (id) => getStatus.call(harness.provider, id, { runtime })]);
        for (const id of ['', '../x', 'a/b', 'a?b', 'a b', '.', `${subject ?? 'x'}/../x`, 'x'.repeat(129)]) {
          for (const [operation, call] of calls) {
            // A rejected promise, never a synchronous throw past the caller's `.catch`.
            let outcome: Promise<unknown> | undefined;
            let thrown: unknown;
            try {
              outcome = call(id);
            } catch (error) {
              thrown = error;
            }
            expect(thrown, `${operation}(${JSON.stringify(id)}) threw synchronously`).toBeUndefined();
            const error = await captureError(() => outcome as Promise<unknown>);
            expect(
              InvalidInputError.isInstance(error),
              `${operation}(${JSON.stringify(id)}): ${String(error)}`,
            ).toBe(true);
            expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['id']);
            expect((error as UniliveError).delivery).toBe('not-sent');
            // Named as the caller called it, by the provider that refused it.
            expect((error as UniliveError).provider).toBe(harness.provider.id);
            expect((error as UniliveError).operation).toBe(operation);
          }
        }
        expect(sent).toEqual([]);
      });

      // Every call takes the caller's signal and its `timeoutMs`, not only get: one that drops its signal cannot
      // be cancelled, and one that drops `timeoutMs` waits out the provider's own limit (15 s by default)
      // however short a limit its caller gave. One table, each call ended each way, on a stream of its own:
      // the held request may still be carried out once the harness lets it go.
      const heldCalls = (['create', 'list', 'update', 'start', 'stop', 'delete'] as const).flatMap(
        (operation) => (['abort', 'timeout'] as const).map((ending) => ({ operation, ending })),
      );
      for (const { operation, ending } of heldCalls) {
        const title =
          ending === 'abort'
            ? `aborting the signal ends ${operation} at once with AbortError`
            : `a response slower than timeoutMs ends ${operation} with TimeoutError`;
        it(title, async (context) => {
          if (operation !== 'create' && operation !== 'list' && !caps()[operation])
            return context.skip(`${harness.provider.id} has no ${operation} (capabilities.${operation})`);
          // The timeout rows make the same requests as the abort rows (a stream of their own, the held call, its
          // removal), so they are served by the same recorded exchanges.
          if (
            harness.supports &&
            !(harness.supports('abort-calls') && harness.supports(`abort-${operation}`))
          )
            return context.skip('the backend has no recorded exchanges for this step');
          await prepare(`abort-${operation}`, undefined);
          // A stream of its own: an aborted or timed-out change may still be carried out once the held answer
          // goes.
          let target = subjectRef ?? '';
          let targetId = subject;
          if (operation === 'create' && caps().names) {
            // The held create was sent, so the backend may carry it out: once the harness let the held
            // request go, at most one such stream exists (the client never sent it again), and it is removed.
            onTestFinished(async () => {
              await prepare('abort-create-cleanup', undefined);
              const made = (await client.list().toArray()).filter(
                (stream) => stream.name === 'unilive aborted create',
              );
              for (const stream of made) await client.delete(idOf(stream));
              expect(made.length, 'streams made by one held create').toBeLessThanOrEqual(1);
            });
          }
          if (operation !== 'create' && operation !== 'list') {
            const own = await client.create({ name: `unilive aborted ${operation}` });
            target = idOf(own);
            targetId = own.id;
            // Removed once the harness let the held request go, so the shared backend keeps no stream of
            // this step (a held delete may already have removed it).
            onTestFinished(async () => {
              await prepare(`abort-${operation}-cleanup`, own.id);
              await client.delete(idOf(own)).catch((error: unknown) => {
                if (!NotFoundError.isInstance(error)) throw error;
              });
            });
            // A stop has something to do only on a started stream.
            if (operation === 'stop' && caps().start) {
              await client.start(target);
              await waitingClient().waitForState(target, 'ready', {
                timeoutMs: 30_000,
                intervalMs: 200,
                maxIntervalMs: 1_000,
                ...options.wait,
              });
            }
          }
          const controller = new AbortController();
          // The abort lands as the backend holds a request of the call (after any read the call makes first,
          // such as videosdk v2's egress read before stop): sent, so the vendor may carry it out. A timeout
          // row's request is held past its limit on every attempt the call may make (a change safe to repeat
          // is tried three times), with a spare for a late request of an earlier test.
          const hold = (faulted: FaultOperation) =>
            harness.injectFault(
              faulted,
              {
                type: 'slow',
                delayMs: heldMs,
                times: 4,
                ...(ending === 'abort' ? { onHold: abortOnceSent(controller, operation) } : {}),
              },
              { id: targetId },
            );
          if (!(await hold(operation))) return context.skip(`no slow faults on ${operation}`);
          const callOptions =
            ending === 'abort' ? { signal: controller.signal } : { timeoutMs: heldCallTimeoutMs };
          const call = async () => {
            switch (operation) {
              case 'create':
                return client.create({ name: 'unilive aborted create' }, callOptions);
              case 'list':
                return client.list(callOptions).toArray();
              case 'update':
                return client.update(target, { name: 'unilive aborted update (renamed)' }, callOptions);
              default:
                return client[operation](target, callOptions);
            }
          };
          const run = async () => {
            requests.length = 0;
            return call().then(
              () => undefined,
              (caught: unknown) => {
                scanner.recordError(caught);
                return caught;
              },
            );
          };
          let outcome = await run();
          // The request held: the call's change, or the read a rename that sends no change waits on.
          let heldMethod: 'change' | 'GET' = 'change';
          if (outcome === undefined) {
            // Only a call with nothing to send may finish: a vendor that keeps no name sends no update.
            const changes = requests.filter(
              (request) => request.operation === operation && request.method !== 'GET',
            );
            expect(changes, `${operation} sent a change yet ended before the held answer`).toEqual([]);
            // Such a rename keeps the name on unilive's side and reads the stream (videosdk v2 reads the room):
            // that read is what the call waits on, so it is held instead, its unused fault dropped first.
            if (operation !== 'update' || !harness.clearFaults)
              return context.skip(`${harness.provider.id} sends nothing for this ${operation}`);
            await harness.clearFaults();
            if (!(await hold('get'))) return context.skip('no slow faults on the read of the update');
            heldMethod = 'GET';
            outcome = await run();
            if (outcome === undefined) throw new Error('an update whose read was held ended before it');
          }
          if (ending === 'abort') {
            expectTyped(outcome, AbortError, undefined, ['unknown'], operation);
            expect((outcome as Error).name).toBe('AbortError');
          } else {
            expectTyped(outcome, TimeoutError, undefined, ['unknown'], operation);
            // Ended by the limit the caller gave, not the provider's own: the message names the limit that
            // ended the request (docs/errors.md).
            expect((outcome as Error).message).toContain(`within ${heldCallTimeoutMs} ms (timeoutMs)`);
          }
          if (operation === 'create') {
            // Sent once and never again, whatever ended it: a create that may have reached the vendor is never
            // repeated, so it makes one stream at most.
            expect(attemptsOf('create'), 'attempts of a create that may have reached the vendor').toBe(1);
            // Through a registry: the stream may exist, so the caller looks before creating it again.
            const { maybeCreated, providerName } = outcome as UniliveError;
            expect(maybeCreated, 'maybeCreated of a create that may have reached the vendor').not.toBe(false);
            if (providerName !== undefined) expect(maybeCreated).toBe(true);
          }
          // An aborted call sends nothing more once aborted: its change once, a read it waited on never again
          // (videosdk v2's rename reads the room and its egress, each once).
          if (ending === 'abort' && operation !== 'list') {
            if (heldMethod === 'GET') expect(attemptsOf(operation), 'attempts of the held read').toBe(1);
            else {
              const changes = requests.filter(
                (request) => request.operation === operation && request.method !== 'GET',
              );
              expect(changes.map((request) => request.attempt)).toEqual([1]);
            }
          }
        });
      }

      // Last, as it may stop the subject on the way (a vendor that deletes only a stopped stream). A delete
      // swallowing the vendor's 5xx tells the caller a stream is gone that may still run, and bill.
      it('a persistent 5xx on delete becomes ProviderUnavailableError: the stream is never reported deleted', async (context) => {
        if (!harness.clearFaults)
          return context.skip('the backend cannot drop the faults a delete leaves unused');
        if (!(await fault('delete', { type: 'server-error', status: 500, times: 3 })))
          return context.skip('no 500 on delete');
        try {
          const error = await captureError(() => client.delete(subjectRef ?? ''));
          expectTyped(error, ProviderUnavailableError, 500, ['unknown'], 'delete');
        } finally {
          await harness.clearFaults();
        }
        // Still there, as the error says it may be.
        expect(idOf(await client.get(subjectRef ?? ''))).toBe(subjectRef);
      });
    });

    describe('paging', () => {
      // Every stream the well-behaved walk listed, in order: what each other scenario is held to.
      let baseline: string[] | undefined;
      let perPage = 0;

      const walk = (scenario: PagingScenario, strict = false) => walkWith(scenario, {}, strict);
      async function walkWith(scenario: PagingScenario, extra: { maxPages?: number }, strict = false) {
        const setup = harness.preparePaging ? await harness.preparePaging(scenario, { strict }) : false;
        if (!setup) return undefined;
        perPage = setup.perPage;
        // The scenarios' own backend, when the harness gives one, walked the way the suite calls (through a
        // registry where the harness is one).
        const lister = !setup.provider
          ? client
          : harness.client
            ? harness.client({ hooks, container, provider: setup.provider }).client
            : createLiveStreamClient(markAdapterUnderTest(setup.provider), { hooks, container });
        warnings.length = 0;
        const ids: string[] = [];
        const stream = lister.list({
          ...(setup.pageSize === undefined ? {} : { pageSize: setup.pageSize }),
          ...extra,
          strict,
        });
        // Each listed stream's own warnings (a summary without endpoints, say) must reach onWarning too,
        // by the time the loop has the stream.
        const unheard: string[] = [];
        for await (const item of stream) {
          // Each listed stream's own shape is the round trip's concern (the streams made for paging may be
          // of any ingest kind); here what counts is which streams come, and how often.
          expect(item.provider).toBe(harness.provider.id);
          expect(item.id).toBeTypeOf('string');
          ids.push(item.id);
          unheard.push(...(item.warnings ?? []).map((warning) => JSON.stringify(warning)));
        }
        // What is left once the streams' own warnings are taken out is what the walk itself reported.
        const walkWarnings = warnings.filter((event) => {
          if (event.operation !== 'list') return false;
          // Another provider of a registry walked beside this one, which takes no page size (LiveAPI), says
          // the walk's pageSize is not sent to it: true, and no concern of this adapter's pages.
          if (
            event.provider !== harness.provider.id &&
            event.warning.type === 'unsupported-setting' &&
            event.warning.setting === 'pageSize'
          )
            return false;
          const at = unheard.indexOf(JSON.stringify(event.warning));
          if (at === -1) return true;
          unheard.splice(at, 1);
          return false;
        });
        expect(unheard, 'warnings on listed streams that onWarning never heard').toEqual([]);
        return { ids, warnings: walkWarnings };
      }
      const held = () => {
        if (!baseline) throw new Error('the well-behaved walk did not succeed, so this scenario cannot run');
        return baseline;
      };

      it('walks every page and yields each stream once', async (context) => {
        const result = await walk('pages');
        if (!result) return context.skip('the backend cannot serve paging scenarios');
        expect(new Set(result.ids).size, 'each stream once').toBe(result.ids.length);
        expect(result.ids.length, 'more streams than one page holds').toBeGreaterThan(perPage);
        expect(result.warnings).toEqual([]);
        baseline = result.ids;
      });

      for (const scenario of ['ignore-page', 'repeat-page'] as const) {
        const what =
          scenario === 'ignore-page'
            ? 'a server that ignores the page parameter'
            : 'pages that repeat the first while the vendor counts more';
        it(`ends against ${what}, yields page 1 once, and warns that more exist`, async (context) => {
          const result = await walk(scenario);
          if (!result) return context.skip('the backend cannot serve paging scenarios');
          const expected = held();
          expect(result.ids).toEqual(expected.slice(0, perPage));
          expect(result.warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
          expect(result.warnings[0]?.provider).toBe(harness.provider.id);
        });
      }

      it('yields a stream once when pages shift while walking ([a, b] then [b, c])', async (context) => {
        const result = await walk('shift');
        if (!result) return context.skip('the backend cannot serve paging scenarios');
        const expected = held();
        expect(result.ids).toEqual(expected);
        expect(result.warnings).toEqual([]);
      });

      it('stops at maxPages, yields what it fetched, and warns that more exist; strict throws', async (context) => {
        const result = await walkWith('capped', { maxPages: 1 });
        if (!result) return context.skip('the backend cannot serve paging scenarios');
        const expected = held();
        expect(result.ids).toEqual(expected.slice(0, perPage));
        expect(result.warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
        expect(result.warnings[0]?.warning.message).toContain('maxPages');
        const error = await walkWith('capped', { maxPages: 1 }, true).then(
          () => new Error('expected the walk to fail'),
          (caught: unknown) => caught,
        );
        scanner.recordError(error);
        expect(ResponseShapeError.isInstance(error), String(error)).toBe(true);
      });

      it('skips a record whose id it would not put in a URL, reports it through onWarning, and lists the rest', async (context) => {
        const result = await walk('odd-record');
        if (!result) return context.skip('the backend cannot serve paging scenarios');
        const expected = held();
        expect(result.ids).toEqual(expected);
        expect(result.warnings.map((event) => [event.provider, event.operation, event.warning.type])).toEqual(
          [[harness.provider.id, 'list', 'skipped-record']],
        );
      });

      it('skips a stream whose detail read is answered 5xx after its retries, names it through onWarning, and lists the rest', async (context) => {
        if (harness.supports && !harness.supports('list-detail-fails'))
          return context.skip('the backend has no recorded exchanges for this step');
        // Both walks' exchanges (a recording's pages and the reads that answer), but the failing one.
        await prepare('list-detail-fails', undefined);
        const before = await client.list().toArray();
        const ids = before.map((stream) => stream.id);
        if (ids.length < 2) return context.skip('the walk needs two streams to skip one');
        // Three answers: the read and its two retries. Wowza reads details with a get, videosdk v2 with a
        // state read; an adapter whose pages hold whole streams reads neither, and lists everything. So
        // either planned read may go unasked; a backend that has neither cannot fail one.
        const server = { type: 'server-error', status: 503, times: 3 } as const;
        const reads = { id: undefined, unused: 'allowed' } as const;
        const planned = [
          await harness.injectFault('get', server, reads),
          await harness.injectFault('status', server, reads),
        ].includes(true);
        if (!planned) return context.skip('the backend cannot fail a detail read');
        warnings.length = 0;
        const listed = (await client.list().toArray()).map((stream) => stream.id);
        const skipped = warnings.filter(
          (event) => event.operation === 'list' && event.warning.type === 'skipped-record',
        );
        if (skipped.length === 0) {
          expect(listed).toEqual(ids);
          return;
        }
        // One stream, named in the warning; every other one listed, in order, once.
        expect(skipped).toHaveLength(1);
        const named = ids.filter((id) => skipped[0]?.warning.message.includes(id));
        expect(named, skipped[0]?.warning.message).toHaveLength(1);
        expect(listed).toEqual(ids.filter((id) => id !== named[0]));
      });

      it('with strict, that record fails the walk with ResponseShapeError', async (context) => {
        const error = await walk('odd-record', true).then(
          (result) => (result ? new Error('expected the walk to fail') : undefined),
          (caught: unknown) => caught,
        );
        if (error === undefined) return context.skip('the backend cannot serve paging scenarios');
        scanner.recordError(error);
        expect(ResponseShapeError.isInstance(error), String(error)).toBe(true);
        expect((error as UniliveError).operation).toBe('list');
        expect((error as UniliveError).provider).toBe(harness.provider.id);
      });
    });

    describe('a change the vendor accepted is never reported as a failure', () => {
      afterEach(() => {
        requests.length = 0;
        sleeps.length = 0;
      });

      it('a lifecycle call whose read-back fails returns what the accepted answer told', async (context) => {
        await prepare('error-subject', undefined);
        const subject = await client.create({ name: 'unilive partial subject' });
        const operation: LifecycleOperation = lifecycleGoals.start.includes(subject.state) ? 'stop' : 'start';
        if (!caps()[operation])
          return context.skip(`${harness.provider.id} has no ${operation} call that changes the stream`);
        const planned = await harness.injectFault(
          operation,
          { type: 'read-back-fails', status: 503, reads: 3 },
          { id: subject.id },
        );
        if (!planned) return context.skip('the backend cannot fail a read-back');
        await prepare(operation === 'start' ? 'start-accepted' : 'stop-accepted', subject.id);
        requests.length = 0;
        warnings.length = 0;
        const result = await client[operation](idOf(subject));
        expect(result.id).toBe(subject.id);
        expect(lifecycleGoals[operation]).toContain(result.state);
        // The change itself was asked for once: no retry turned it into a second change or a conflict.
        const changes = requests.filter(
          (request) => request.operation === operation && request.method !== 'GET',
        );
        expect(changes.filter((request) => request.attempt === 1)).toHaveLength(1);
        const readBack = requests.some(
          (request) => request.operation === operation && request.method === 'GET',
        );
        const flagged = result.warnings?.filter((warning) => warning.type === 'read-back-failed') ?? [];
        // An answer that held the whole stream needs no read-back; one that did not, and whose read-back
        // failed, says so on the result and through onWarning.
        if (readBack) {
          expect(flagged).toHaveLength(1);
          expect(warnings.map((event) => [event.operation, event.warning.type])).toContainEqual([
            operation,
            'read-back-failed',
          ]);
        } else {
          expect(flagged).toEqual([]);
          wellFormed(result);
        }
      });

      it('a lifecycle call answered 2xx with no body at all reads the stream back and returns it', async (context) => {
        await prepare('error-subject', undefined);
        const subject = await client.create({ name: 'unilive empty answer subject' });
        const operation: LifecycleOperation = lifecycleGoals.start.includes(subject.state) ? 'stop' : 'start';
        if (!caps()[operation])
          return context.skip(`${harness.provider.id} has no ${operation} call that changes the stream`);
        // The vendor carries the change out and answers 204: an accepted change, whatever its body.
        const planned = await harness.injectFault(
          operation,
          { type: 'empty-body', status: 204, processed: true },
          { id: subject.id },
        );
        if (!planned) return context.skip('the backend cannot carry a change out and answer it empty');
        requests.length = 0;
        const result = await client[operation](idOf(subject));
        expect(result.id).toBe(subject.id);
        expect(lifecycleGoals[operation]).toContain(result.state);
        // The stream as read back: whole, not what an empty answer could tell.
        expect(result.warnings?.filter((warning) => warning.type === 'read-back-failed') ?? []).toEqual([]);
        expect(result.ingest.length + (result.warnings?.length ?? 0)).toBeGreaterThan(0);
        expect(result.raw).toBeDefined();
        const changes = requests.filter(
          (request) => request.operation === operation && request.method !== 'GET',
        );
        expect(changes.filter((request) => request.attempt === 1)).toHaveLength(1);
      });

      it('a lifecycle call accepted but not carried out resolves in a state the provider declares, saying so', async (context) => {
        await prepare('error-subject', undefined);
        const subject = await client.create({ name: 'unilive undone subject' });
        const operation: LifecycleOperation = lifecycleGoals.start.includes(subject.state) ? 'stop' : 'start';
        if (!caps()[operation])
          return context.skip(`${harness.provider.id} has no ${operation} call that changes the stream`);
        // The vendor answers 2xx with no body and changes nothing: the read after it shows the stream as it
        // was, in a state of the opposite call's goals. The result is the state the call left it in, among
        // those the provider declares, with an `other` warning; never the state asked for in silence.
        const planned = await harness.injectFault(
          operation,
          { type: 'empty-body', status: 200, processed: false },
          { id: subject.id },
        );
        if (!planned) return context.skip('the backend cannot accept a change without carrying it out');
        warnings.length = 0;
        const result = await client[operation](idOf(subject));
        expect(result.id).toBe(subject.id);
        expect(lifecycleGoals[operation]).toContain(result.state);
        const declared = caps().states;
        if (declared !== undefined) expect(declared).toContain(result.state);
        const said = result.warnings?.filter((warning) => warning.type === 'other') ?? [];
        // At least one: the adapter may say more of the stream (an incomplete answer, a name it keeps none of).
        expect(
          said.length,
          `${operation} accepted, the stream read after it as it was, and nothing said`,
        ).toBeGreaterThan(0);
        expect(warnings.map((event) => [event.operation, event.warning.type])).toContainEqual([
          operation,
          'other',
        ]);
        const now = await client.get(idOf(subject));
        expect(lifecycleGoals[operation === 'start' ? 'stop' : 'start']).toContain(now.state);
      });

      it('an update accepted but not carried out returns the stream as read, saying its name is not the one sent', async (context) => {
        if (!caps().update) return context.skip(`${harness.provider.id} has no update`);
        await prepare('error-subject', undefined);
        const subject = await client.create({ name: 'unilive rename subject' });
        // The vendor answers 2xx with no body and renames nothing: the read after it shows the old name. The
        // result is the stream as read, with an `other` warning; never the old name in silence.
        const planned = await harness.injectFault(
          'update',
          { type: 'empty-body', status: 200, processed: false },
          { id: subject.id },
        );
        if (!planned) return context.skip('the backend cannot accept a change without carrying it out');
        warnings.length = 0;
        const result = await client.update(idOf(subject), { name: 'unilive renamed subject' });
        expect(result.id).toBe(subject.id);
        if (result.name === undefined)
          return context.skip(`${harness.provider.id} returns no name: its name warning says so`);
        expect(result.name).toBe(subject.name);
        const said = result.warnings?.filter((warning) => warning.type === 'other') ?? [];
        // At least one: the adapter may say more of the stream.
        expect(
          said.length,
          'the update accepted, the stream read with its old name, and nothing said',
        ).toBeGreaterThan(0);
        expect(warnings.map((event) => [event.operation, event.warning.type])).toContainEqual([
          'update',
          'other',
        ]);
        // A provider called directly says it too, as one wrapped in a client (a registry's own provider is
        // not the suite's to call).
        if (harness.client !== undefined) return;
        const again = await harness.injectFault(
          'update',
          { type: 'empty-body', status: 200, processed: false },
          { id: subject.id },
        );
        expect(again).toBe(true);
        const direct = await harness.provider.update(subject.id, { name: 'unilive renamed subject again' });
        expect(direct.name).toBe(subject.name);
        expect(
          direct.warnings?.filter((warning) => warning.type === 'other').length ?? 0,
          'called directly: the update accepted, the stream read with its old name, and nothing said',
        ).toBeGreaterThan(0);
      });

      for (const answer of [{ status: 204 }, { status: 200, object: true }] as const) {
        const shown = 'object' in answer ? '200 {}' : '204';
        it(`an update answered ${shown} (no stream in the body) reads the stream back and returns it`, async (context) => {
          if (!caps().update)
            return context.skip(`${harness.provider.id} has no update (capabilities.update)`);
          await prepare('error-subject', undefined);
          const subject = await client.create({ name: 'unilive empty update subject' });
          const planned = await harness.injectFault(
            'update',
            { type: 'empty-body', processed: true, ...answer },
            { id: subject.id },
          );
          if (!planned) return context.skip('the backend cannot carry a change out and answer it empty');
          requests.length = 0;
          const name = 'unilive empty update subject (renamed)';
          const result = await client.update(idOf(subject), { name });
          expect(result.id).toBe(subject.id);
          expectNameKeptOrWarned(result, name, caps().names);
          // The stream as read back: whole, never a failure, never flagged as unread.
          expect(result.warnings?.filter((warning) => warning.type === 'read-back-failed') ?? []).toEqual([]);
          expect(result.raw).toBeDefined();
          const update = requests.filter((request) => request.operation === 'update');
          const changes = update.filter((request) => request.method !== 'GET');
          expect(changes.filter((request) => request.attempt === 1).length).toBeLessThanOrEqual(1);
          // Where a change was sent (a vendor that keeps no name sends none), a read follows it.
          const sentAt = update.findIndex((request) => request.method !== 'GET');
          if (sentAt !== -1)
            expect(update.slice(sentAt + 1).some((request) => request.method === 'GET')).toBe(true);
        });
      }

      it('a create whose restream targets were accepted, but whose read-back failed, returns the stream', async (context) => {
        if (!caps().restream)
          return context.skip(`${harness.provider.id} cannot restream (capabilities.restream)`);
        for (const target of contractRestreamInput.restream)
          scanner.register('restream key', target.streamKey);
        const planned = await harness.injectFault(
          'create',
          { type: 'read-back-fails', status: 503, reads: 3 },
          { id: undefined },
        );
        if (!planned) return context.skip('the backend cannot fail a read-back');
        await prepare('create-restream', undefined);
        requests.length = 0;
        const created = await client.create(contractRestreamInput);
        expect(created.id).toBeTypeOf('string');
        expect(created.restream?.map((target) => target.url)).toEqual(
          contractRestreamInput.restream.map((target) => target.url),
        );
        const readBack = requests.some(
          (request) => request.operation === 'create' && request.method === 'GET',
        );
        const flagged = created.warnings?.filter((warning) => warning.type === 'read-back-failed') ?? [];
        expect(flagged).toHaveLength(readBack ? 1 : 0);
        expect(created.ingest.length).toBeGreaterThan(0);
        // Where the vendor restreams, a read of the stream reports its targets: left out, a caller reading it
        // back would take it for a stream with none. Read of a live backend once the planned faults are gone
        // (recorded exchanges hold no such read).
        if (harness.supports === undefined && harness.clearFaults) {
          await harness.clearFaults();
          const read = await client.get(idOf(created));
          expect(
            read.restream?.map((target) => target.url),
            'get of a stream created with restream targets (capabilities.restream)',
          ).toEqual(contractRestreamInput.restream.map((target) => target.url));
        }
        // The targets' stream keys are secrets as the ingest's are: given, and as the vendor answers them.
        expectSecretsExposed(harness.provider, {
          ...streamSecretsOf(created),
          ...Object.fromEntries(
            contractRestreamInput.restream.map((target, index) => [
              `restream.${index}.streamKey given`,
              target.streamKey,
            ]),
          ),
        });
      });
    });

    describe('capabilities', () => {
      // A stream made live by the backend's own word (an encoder marked connected, no video): started where
      // the vendor starts streams, waited for until `ready` (and `broadcasting` where the vendor reports
      // it), read, and deleted again.
      const seeLiveWithoutMedia = async (
        encoder: (id: string, connected: boolean) => void | Promise<void>,
      ): Promise<void> => {
        const protocol = caps().ingestProtocols.includes('rtmp') ? 'rtmp' : caps().ingestProtocols[0];
        const stream = await client.create({
          name: 'unilive live without media',
          ...(protocol === undefined ? {} : { ingestProtocol: protocol }),
        });
        try {
          if (caps().start && stream.state !== 'ready') await client.start(idOf(stream));
          await encoder(stream.id, true);
          await waitingClient({}).waitForState(idOf(stream), 'ready', {
            timeoutMs: 30_000,
            intervalMs: 200,
            maxIntervalMs: 1_000,
            ...options.wait,
          });
          if (caps().broadcastingStatus)
            await expect
              .poll(async () => (await client.get(idOf(stream))).broadcasting, pollLimit)
              .toBe(true);
          // Only its playback is taken: a vendor may leave a running stream's ingest out of its answer
          // (Wowza Video's documented answers, the round trip's warnings say so), which is no concern here.
          for (const endpoint of (await client.get(idOf(stream))).playback)
            playbackSeen.add(endpoint.protocol);
          sawLive = true;
        } finally {
          await encoder(stream.id, false);
          if (caps().delete) await client.delete(idOf(stream)).catch(() => undefined);
        }
      };

      it('the lifecycle model agrees with start and stop', () => {
        // explicit and toggle start and stop; stop-only is ready on creation and can only stop; always-on
        // has neither (core's LifecycleModel). An application reads either, so they must say the same.
        const { lifecycle, start, stop } = caps();
        const expected = {
          explicit: { start: true, stop: true },
          toggle: { start: true, stop: true },
          'stop-only': { start: false, stop: true },
          'always-on': { start: false, stop: false },
        }[lifecycle];
        expect({ start, stop }, `lifecycle ${lifecycle}`).toEqual(expected);
      });

      // `updatable` lists the fields an update carries out among those the other capabilities claim: one
      // they do not (restream where `restream` is false) would promise a change no create can make, and a
      // registry routing by capability would trust it. `name` is the exception: a vendor that does not keep
      // a name on every stream (`names` false, LiveAPI) may still be sent one, as on create.
      it('every field updatable lists is one the other capabilities claim', () => {
        const claimed = {
          name: true,
          recording: caps().recording,
          restream: caps().restream,
          region: caps().regions,
          lowLatency: caps().lowLatency,
        } as const;
        for (const field of caps().updatable ?? [])
          expect(claimed[field], `updatable lists ${field}, which capabilities do not claim`).toBe(true);
      });

      it('every playback protocol the capabilities list is one the provider returned', async (context) => {
        // Some endpoints exist only while video arrives (an RTMP pull URL): only a suite that saw a stream
        // live has seen them all. Without real media, a backend that can mark an encoder connected shows
        // one live all the same.
        if (!sawLive && harness.encoder) await seeLiveWithoutMedia(harness.encoder);
        if (!sawLive)
          return context.skip(
            'the real-media scenario did not run and the backend cannot mark an encoder connected (encoder), so no stream was seen live',
          );
        const never = caps().playbackProtocols.filter((protocol) => !playbackSeen.has(protocol));
        expect(never, 'playback protocols claimed but never returned').toEqual([]);
      });
    });

    describe('secrets', () => {
      it('no configured credential appears in any error, stack, JSON, inspect output or hook event', () => {
        expect(scanner.recorded).toBeGreaterThan(0);
        expect(scanner.leaks()).toEqual([]);
      });

      it('the provider itself shows no credential in String, JSON or inspect output', () => {
        const provider = harness.provider;
        scanner.recordText(String(provider), 'String(provider)');
        scanner.recordText(JSON.stringify(provider) ?? '', 'JSON.stringify(provider)');
        scanner.recordText(
          inspect(provider, { depth: 8, showHidden: true, getters: true }),
          'inspect(provider)',
        );
        expect(scanner.leaks().filter((leak) => leak.where.includes('provider'))).toEqual([]);
      });
    });
  });
}
