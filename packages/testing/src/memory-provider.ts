import {
  abortedCallError,
  assertValidId,
  type CallOptions,
  type CreateLiveStreamInput,
  changeLifecycle,
  createHttpClient,
  type InputGap,
  knownValuesRedactor,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  type LiveStreamState,
  type LiveStreamStatus,
  liveStreamStates,
  loadCredential,
  markBuiltInProvider,
  maskedFailure,
  type OptionRule,
  optionRules,
  type ProviderCapabilities,
  type ProviderOptionsOperation,
  parseVendorResponse,
  pathOf,
  providerCallOptions,
  providerInput,
  type RetryPolicy,
  readBackAfterChange,
  readOptions,
  readProviderOptions,
  refuseAbortedCall,
  requestChange,
  SecretSet,
  settleInputGaps,
  type UpdateLiveStreamInput,
  vendorStreamId,
  type Warning,
  walkPages,
  withNotFoundStreamId,
  withUpdateNameChecked,
} from '@unilive/core';
import * as v from 'valibot';
import { createMemoryBackend, type MemoryBackend } from './memory-backend.js';

/**
 * The memory vendor's `state`, read as the adapters read their vendor's: a state string this version does
 * not know is `unknown` (a vendor may add states), but a missing or non-string state is a shape problem
 * (`ResponseShapeError`): an answer that holds no state says nothing about the stream, and read as
 * `unknown` it would keep `waitForState` polling to its time limit instead of failing at once.
 */
const memoryState = v.pipe(
  v.string(),
  v.transform(
    (value): LiveStreamState =>
      (liveStreamStates as readonly string[]).includes(value) ? (value as LiveStreamState) : 'unknown',
  ),
);

const memoryStreamSchema = v.looseObject({
  // An id no later call could use is a shape problem when it arrives (a list skips that record).
  id: vendorStreamId,
  name: v.string(),
  state: memoryState,
  recording: v.boolean(),
  createdAt: v.string(),
  updatedAt: v.string(),
  ingest: v.looseObject({ server: v.string(), stream_key: v.string() }),
});
const streamEnvelope = v.looseObject({ stream: memoryStreamSchema });
const listEnvelope = v.looseObject({ streams: v.array(v.unknown()), has_more: v.boolean() });
const statusEnvelope = v.looseObject({ state: memoryState });
const errorBody = v.looseObject({ error: v.looseObject({ code: v.string(), message: v.string() }) });

/**
 * What the memory provider can do: explicit start and stop, names, recording and update (of `name` and
 * `recording`, what its update carries out); RTMP ingest and HLS playback only; no restream targets,
 * region, low latency, broadcasting status or broadcasting events (an input asking for one is refused or
 * warned about, as on any vendor without it). The memory vendor sends no webhooks, so `waitForBroadcast`
 * refuses an event source before any request, as on Wowza Video and videosdk.
 */
export const memoryCapabilities: ProviderCapabilities = /* @__PURE__ */ (() =>
  // One table for every memory provider: frozen, its lists included, so code that changes what it reads
  // cannot change what every other memory provider reports (docs/adding-an-adapter.md).
  Object.freeze({
    lifecycle: 'explicit',
    start: true,
    stop: true,
    restart: true,
    update: true,
    delete: true,
    recording: true,
    restream: false,
    regions: false,
    lowLatency: false,
    broadcastingStatus: false,
    // No webhook of the memory vendor says that video arrived: an event source could never tell.
    broadcastingEvents: false,
    names: true,
    ingestProtocols: Object.freeze(['rtmp'] as const),
    playbackProtocols: Object.freeze(['hls'] as const),
    maxNameLength: 200,
    // The memory vendor's states, and `unknown` for one it might send that the table does not know: a wait
    // for any other (`disabled`, `resetting`) is refused up front, as on a vendor that lists its states.
    states: Object.freeze(['stopped', 'starting', 'ready', 'stopping', 'unknown'] as const),
    // What the memory vendor's PATCH changes: the other fields are no capability of it at all.
    updatable: Object.freeze(['name', 'recording'] as const),
  }))();

/**
 * `providerOptions.memory`: the memory vendor has no options of its own, so any is refused before a request
 * (`providerOptions.memory.<key>`), as each adapter refuses options its schema does not know.
 */
const memoryProviderOptionsSchema = v.strictObject({});

/**
 * What the memory vendor cannot honour, settled by core's one rule like any adapter's: it ingests RTMP only
 * and keeps no restream targets (errors: the stream would rely on them), and has no region or low-latency
 * setting (warnings: preferences). An application tested on it meets the same refusals and warnings a
 * vendor without these features gives, instead of a silent success.
 */
function memoryInputGaps(
  input: CreateLiveStreamInput | UpdateLiveStreamInput,
  operation: 'create' | 'update',
): Warning[] {
  const gaps: InputGap[] = [];
  if ('ingestProtocol' in input && input.ingestProtocol !== undefined && input.ingestProtocol !== 'rtmp') {
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message: 'expected rtmp: the memory vendor ingests RTMP only',
    });
  }
  // `[]` is the list every stream has: it changes nothing, so it is always accepted (core's reading).
  if ((input.restream?.length ?? 0) > 0) {
    gaps.push({
      field: 'restream',
      kind: 'ignored',
      message: 'expected no targets: the memory vendor keeps none',
    });
  }
  if (input.region !== undefined) {
    gaps.push({
      field: 'region',
      kind: 'ignored',
      message: 'the memory vendor takes no region; region was not sent',
    });
  }
  if (input.lowLatency === true) {
    gaps.push({
      field: 'lowLatency',
      kind: 'ignored',
      message: 'the memory vendor has no low-latency setting; lowLatency was not sent',
    });
  }
  return settleInputGaps(gaps, { provider: 'memory', operation });
}

const withWarnings = (stream: LiveStream, warnings: Warning[]): LiveStream =>
  warnings.length === 0 ? stream : { ...stream, warnings: [...(stream.warnings ?? []), ...warnings] };

/** The token a memory provider sends, and its own backend expects, when none is given. */
const defaultMemoryToken = 'memory-token-0123456789';

/** Settings of {@link createMemoryProvider}. */
export interface MemoryProviderSettings {
  /**
   * The backend to talk to (`createMemoryBackend`'s); default: a new one expecting `token`. A backend given
   * answers 401 (`AuthenticationError`) unless its `token` is this provider's.
   */
  backend?: MemoryBackend;
  /**
   * The token sent as `Authorization: Bearer <token>`; default `'memory-token-0123456789'`. Read as an
   * adapter reads a credential setting (core's `loadCredential`): whitespace around it is dropped (as the
   * backend drops it around its own), and one that is not a string, empty or only whitespace, or holds a
   * control or invisible character, is `InvalidInputError` (`operation: 'configure'`) naming `token`.
   */
  token?: string;
  /** Retry policy of core's HTTP layer (`RetryPolicy`, partial); default core's. */
  retry?: Partial<RetryPolicy>;
  /** Time limit of each attempt, in ms; default core's (`timeoutMs` of the HTTP layer). */
  timeoutMs?: number;
}

const memorySettingRules = {
  backend: optionRules.object,
  token: optionRules.string,
  retry: optionRules.object,
  timeoutMs: optionRules.number,
} as const satisfies Record<keyof MemoryProviderSettings, OptionRule>;

// It takes no provider options on any call: its HTTP layer and the provider say so alike, so a start's
// refusal, a client's or the provider's own, sends the caller to no other call.
const memoryProviderOptionsOn: readonly ProviderOptionsOperation[] = [];

/**
 * A provider whose vendor lives in memory, reached through core's real HTTP layer: fast, deterministic,
 * and able to fail on demand. Use it to test code written against unilive without any vendor.
 *
 * It keeps no record of the calls made (its backend counts them: `backend.counts`). What a call allocates,
 * ky's `Request` and its signal bookkeeping among it, goes back at the collector's next collections, as with
 * any fetch (`docs/decisions/2026-12-01-memory-held-after-a-call.md`).
 *
 * @throws InvalidInputError (`operation: 'configure'`) naming the setting: settings that are no plain
 *   object (a `Map`, a class instance), a name it does not have (the nearest named), a setting that cannot
 *   be read (a getter or a Proxy in it throws) or of the wrong type (`null` included), a `token` that is
 *   empty or only whitespace (or that no header could carry); and what the HTTP layer refuses of `retry`
 *   and `timeoutMs`.
 */
export function createMemoryProvider(given: MemoryProviderSettings = {}): LiveStreamProvider & {
  backend: MemoryBackend;
} {
  // Read as an adapter's settings are (core's readSettings): a Map's `token` or a misspelt `tokn` would be
  // taken for none, and the provider would talk to a backend of its own with the default token.
  // The backend is kept as given (its `counts` is a getter read at each use).
  let settings: MemoryProviderSettings;
  try {
    settings = readOptions<MemoryProviderSettings>(given, memorySettingRules, {
      provider: 'memory',
      operation: 'configure',
      path: 'settings',
      keys: 'bare',
    });
  } catch (error) {
    // A refusal names the caller's names: one repeating the token given beside it is masked by it.
    let token: unknown;
    try {
      token = Object.getOwnPropertyDescriptor(given, 'token')?.value;
    } catch {
      // Settings that cannot be read (a revoked Proxy) hold no token to mask by.
    }
    throw typeof token === 'string' ? maskedFailure(error, knownValuesRedactor([token])) : error;
  }
  // One reading of a credential, as every adapter's: an empty or blank token is refused here, at configure
  // time, not met as a 401 on each call; `' tok '` is sent as `tok`, which the backend also trims to.
  const token =
    settings.token === undefined
      ? defaultMemoryToken
      : loadCredential({
          provider: 'memory',
          setting: 'token',
          value: settings.token,
          environmentVariables: [],
        });
  const backend = settings.backend ?? createMemoryBackend({ token });
  const secrets = new SecretSet();
  secrets.add(token);
  const http = createHttpClient({
    provider: 'memory',
    baseUrl: 'https://memory.unilive.test/v1',
    headers: () => ({ authorization: `Bearer ${token}` }),
    account: () => token,
    fetch: backend.fetch,
    secrets,
    providerOptionsOn: memoryProviderOptionsOn,
    retry: settings.retry,
    timeoutMs: settings.timeoutMs,
    readError: (body) => {
      const parsed = v.safeParse(errorBody, body);
      return parsed.success ? { code: parsed.output.error.code, message: parsed.output.error.message } : {};
    },
  });

  const toStream = (raw: v.InferOutput<typeof memoryStreamSchema>): LiveStream => {
    secrets.learnStream(raw.id, raw.ingest.stream_key);
    return {
      id: raw.id,
      provider: 'memory',
      name: raw.name,
      state: raw.state,
      ingest: [
        {
          protocol: 'rtmp',
          url: `${raw.ingest.server}/${raw.ingest.stream_key}`,
          server: raw.ingest.server,
          streamKey: raw.ingest.stream_key,
        },
      ],
      playback: [{ protocol: 'hls', url: `https://play.memory.test/${raw.id}/index.m3u8` }],
      recording: raw.recording,
      createdAt: new Date(raw.createdAt),
      updatedAt: new Date(raw.updatedAt),
      raw,
    };
  };

  // Each call checks its id first, so a bad one is refused naming the provider and the operation called, as
  // a rejected promise (not as the request path is built, which names neither).
  const read = async (id: string, operation: string, options?: CallOptions) => {
    assertValidId(id, { provider: 'memory', operation });
    const response = await http.request({
      operation,
      method: 'GET',
      path: pathOf`streams/${id}`,
      schema: streamEnvelope,
      options,
    });
    return toStream(response.data.stream);
  };

  // The answer holds the whole stream; a refusal for the stream's state is checked against it (core's
  // lifecycle rule), so a repeated start or stop returns the stream.
  const lifecycle = async (id: string, operation: 'start' | 'stop', options?: CallOptions) => {
    refuseAbortedCall(options, 'memory', operation);
    assertValidId(id, { provider: 'memory', operation });
    return changeLifecycle({
      provider: 'memory',
      operation,
      id,
      // Any 2xx is an accepted change; one whose answer holds no stream is read back (core's rule).
      send: async () => {
        const answer = await requestChange(
          http,
          {
            operation,
            method: 'PUT',
            path: operation === 'start' ? pathOf`streams/${id}/start` : pathOf`streams/${id}/stop`,
            schema: streamEnvelope,
            options,
          },
          { provider: 'memory', secrets },
        );
        return answer.readable ? toStream(answer.data.stream) : { state: 'unknown', raw: answer.body };
      },
      read: () => read(id, operation, options),
      secrets,
    });
  };

  const built: ReturnType<typeof createMemoryProvider> = markBuiltInProvider(
    withNotFoundStreamId({
      specificationVersion: 'v1',
      id: 'memory',
      capabilities: memoryCapabilities,
      backend,
      providerOptionsOn: memoryProviderOptionsOn,
      secrets: () => secrets.values(),
      async create(given: CreateLiveStreamInput, options?: CallOptions) {
        // A signal aborted already ends the call before its input is checked, as through a client.
        refuseAbortedCall(options, 'memory', 'create');
        // Checked as a client checks it, when called without one: a bad name or field is refused, not sent.
        const input = providerInput(given, 'memory', 'create', secrets);
        const warnings = memoryInputGaps(input, 'create');
        readProviderOptions(input, 'memory', memoryProviderOptionsSchema, 'create', {
          secrets,
          providerOptionsOn: memoryProviderOptionsOn,
        });
        const response = await http.request({
          operation: 'create',
          method: 'POST',
          path: 'streams',
          body: { name: input.name, recording: input.recording ?? false },
          schema: streamEnvelope,
          options,
        });
        return withWarnings(toStream(response.data.stream), warnings);
      },
      get: (id: string, options?: CallOptions) => {
        const aborted = abortedCallError(options, 'memory', 'get');
        return aborted ? Promise.reject(aborted) : read(id, 'get', options);
      },
      async *list(given?: ListOptions) {
        refuseAbortedCall(given, 'memory', 'list');
        // Read as a client reads them, when called without one: a `pageSize: -1` or `name: ''` is refused with
        // the client's error, not taken for an empty page or no name.
        const options: ListOptions =
          providerCallOptions(given, 'memory', 'list', undefined, undefined, secrets) ?? {};
        const pageSize = options.pageSize ?? 20;
        const context = { provider: 'memory', operation: 'list' };
        yield* walkPages({
          provider: 'memory',
          pageSize,
          options,
          fetchPage: async (page) => {
            const response = await http.request({
              operation: 'list',
              method: 'GET',
              path: 'streams',
              query: { page, per_page: pageSize },
              schema: listEnvelope,
              options,
            });
            return { items: response.data.streams, hasMore: response.data.has_more };
          },
          read: (raw: unknown) => toStream(parseVendorResponse(memoryStreamSchema, raw, context)),
          idOf: (stream) => stream.id,
        });
      },
      async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions) {
        refuseAbortedCall(options, 'memory', 'update');
        assertValidId(id, { provider: 'memory', operation: 'update' });
        // Checked as a client checks it, when called without one: a bad name or field is refused, not sent.
        const patch = providerInput(given, 'memory', 'update', secrets);
        const warnings = memoryInputGaps(patch, 'update');
        readProviderOptions(patch, 'memory', memoryProviderOptionsSchema, 'update', {
          secrets,
          providerOptionsOn: memoryProviderOptionsOn,
        });
        const body = {
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.recording === undefined ? {} : { recording: patch.recording }),
        };
        if (Object.keys(body).length === 0) return withWarnings(await read(id, 'update', options), warnings);
        const answer = await requestChange(
          http,
          {
            operation: 'update',
            method: 'PATCH',
            path: pathOf`streams/${id}`,
            body,
            schema: streamEnvelope,
            idempotent: true,
            options,
          },
          { provider: 'memory', secrets },
        );
        if (answer.readable) return withWarnings(toStream(answer.data.stream), warnings);
        const readBack = await readBackAfterChange({
          provider: 'memory',
          operation: 'update',
          id,
          applied: 'the memory vendor accepted the update',
          parts: { applied: Object.keys(body) },
          read: () => read(id, 'update', options),
          secrets,
        });
        return withWarnings(readBack, warnings);
      },
      async delete(id: string, options?: CallOptions) {
        refuseAbortedCall(options, 'memory', 'delete');
        assertValidId(id, { provider: 'memory', operation: 'delete' });
        await http.request({ operation: 'delete', method: 'DELETE', path: pathOf`streams/${id}`, options });
      },
      start: (id: string, options?: CallOptions) => lifecycle(id, 'start', options),
      stop: (id: string, options?: CallOptions) => lifecycle(id, 'stop', options),
      async getStatus(id: string, options?: CallOptions): Promise<LiveStreamStatus> {
        refuseAbortedCall(options, 'memory', 'status');
        assertValidId(id, { provider: 'memory', operation: 'status' });
        const response = await http.request({
          operation: 'status',
          method: 'GET',
          path: pathOf`streams/${id}/status`,
          schema: statusEnvelope,
          options,
        });
        return { state: response.data.state, raw: response.data };
      },
    }),
  );
  // Wraps `update` in place: the marked object is the one returned.
  return withUpdateNameChecked(built);
}
