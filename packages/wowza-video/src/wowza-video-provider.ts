import {
  abortedCallError,
  acceptedStream,
  assertValidId,
  bearerAuthorization,
  bearerTokenProblem,
  type CallOptions,
  type CreateLiveStreamInput,
  cachedCredentialHeaders,
  callOptionsError,
  changeLifecycle,
  createHttpClient,
  type HttpMethod,
  inputSecrets,
  invalidInput,
  isAnswerAbout,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  type LiveStreamStatus,
  loadCredential,
  loadOptionalSetting,
  markBuiltInProvider,
  ownValue,
  type ProviderSettingsBase,
  parseVendorResponse,
  pathOf,
  providerCallOptionRulesWith,
  providerCallOptions,
  providerInput,
  providerSettingsBaseNames,
  readBackAfterChange,
  readSettings,
  refuseAbortedCall,
  requestChange,
  SecretSet,
  startCall,
  transportSettings,
  type UpdateLiveStreamInput,
  type Warning,
  walkPages,
  withNotFoundStreamId,
  withUpdateNameChecked,
} from '@unilive/core';
import type * as v from 'valibot';
import {
  toBroadcastLocation,
  toWowzaVideoCreateBody,
  toWowzaVideoUpdateBody,
} from './convert-to-wowza-video-live-stream.js';
import {
  mapWowzaVideoLiveStream,
  mapWowzaVideoLiveStreamSummary,
  mapWowzaVideoState,
  mapWowzaVideoStatus,
  wowzaVideoSecretsOf,
} from './map-wowza-video-live-stream.js';
import {
  type WowzaVideoBroadcastLocation,
  type WowzaVideoLiveStreamRead,
  wowzaVideoConnectionCodeEnvelope,
  wowzaVideoLiveStreamListPage,
  wowzaVideoLiveStreamReading,
  wowzaVideoLiveStreamSummarySchema,
  wowzaVideoStateEnvelope,
  wowzaVideoThumbnailEnvelope,
} from './wowza-video-api.js';
import { wowzaVideoCapabilities } from './wowza-video-capabilities.js';
import {
  classifyWowzaVideoError,
  readWowzaVideoError,
  wowzaVideoReadCacheMs,
  wowzaVideoRefusedState,
} from './wowza-video-error.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/** The Wowza Video REST API v2.0 root. */
export const wowzaVideoBaseUrl = 'https://api.video.wowza.com/api/v2.0';

/** The largest `per_page` Wowza accepts ("The default and maximum value is 1000"). */
export const wowzaVideoMaxPageSize = 1000;

/** Settings of {@link wowzaVideo}. */
export interface WowzaVideoProviderSettings extends ProviderSettingsBase {
  /**
   * A Wowza Video access token (JWT) from Token Management in the Wowza Video UI, sent as
   * `Authorization: Bearer <token>`. Default: the `WOWZA_VIDEO_TOKEN` environment variable, read at the first
   * request (a missing token, or one with control characters, fails before anything is sent).
   */
  token?: string | undefined;
  /** API root. Default: `WOWZA_VIDEO_BASE_URL`, else `https://api.video.wowza.com/api/v2.0`. */
  baseUrl?: string | undefined;
  /**
   * Broadcast location used when `create` names no `region`. Default `us_west_california`. Another value than
   * the 15 broadcast locations is an `InvalidInputError` (`operation: 'configure'`) at the factory.
   */
  defaultRegion?: WowzaVideoBroadcastLocation | undefined;
  /**
   * Whether `list` fetches each stream's details (one `GET /live_streams/{id}` per stream, so ingest, playback
   * and recording are filled). Default true. With false, `list` costs one request per 1000 streams and yields
   * summaries with empty ingest and playback and a warning. Overridable per call. Anything but `true` or
   * `false` is an `InvalidInputError` (`operation: 'configure'`) at the factory.
   */
  listDetails?: boolean | undefined;
}

/** Every setting {@link wowzaVideo} takes, by name: another key is refused at the factory. */
export const wowzaVideoSettingNames = /* @__PURE__ */ (() =>
  ({
    ...providerSettingsBaseNames,
    token: true,
    defaultRegion: true,
    listDetails: true,
  }) as const satisfies Record<keyof WowzaVideoProviderSettings, true>)();

/** Options of the Wowza Video `list`. */
export interface WowzaVideoListOptions extends ListOptions {
  /**
   * Overrides the provider's `listDetails` setting for this call: `false` yields the list items alone.
   * Taken by a client's `list` too (declared in `callOptionNames`). Anything but `true` or `false` is an
   * `InvalidInputError` naming `details` when the walk begins, before any request (`undefined` is
   * absent: the provider's `listDetails`).
   */
  details?: boolean | undefined;
}

// With this package imported, a client's `list` takes `details` in its type too (a client of another
// provider refuses it at run time).
declare module '@unilive/core' {
  interface ProviderListOptions {
    /** Wowza Video only: whether `list` fetches each stream's details (see `WowzaVideoListOptions`). */
    details?: boolean | undefined;
  }
}

/** A regenerated connection code (for Wowza Streaming Engine, GoCoder and ClearCaster style encoders). */
export interface WowzaVideoConnectionCode {
  /** Six characters, usable once, valid for 24 hours. A credential. */
  connectionCode: string;
  raw: unknown;
}

/** The Wowza Video live stream provider: the neutral contract plus Wowza's extra live stream operations. */
export interface WowzaVideoProvider extends LiveStreamProvider {
  readonly id: 'wowza-video';
  /**
   * Walks every page (`page`/`per_page`, up to 1000 a page). With details (the default) each stream costs one
   * more GET; a stream deleted between the list and its GET is skipped.
   */
  list(options?: WowzaVideoListOptions): AsyncIterable<LiveStream>;
  /**
   * `PUT /live_streams/{id}/reset`: restarts a started stream's transcoder. Returns the stream in
   * `resetting`; it becomes `ready` again by itself. A stream that is not started answers
   * `ConflictError` (`ERR-422-InvalidStateChange`).
   */
  reset(id: string, options?: CallOptions): Promise<LiveStream>;
  /** `GET /live_streams/{id}/state`: the cheap state poll `waitForState` uses. */
  getStatus(id: string, options?: CallOptions): Promise<LiveStreamStatus>;
  /** `PUT /live_streams/{id}/regenerate_connection_code`. */
  regenerateConnectionCode(id: string, options?: CallOptions): Promise<WowzaVideoConnectionCode>;
  /** `GET /live_streams/{id}/thumbnail_url`: a preview image URL, meaningful only while the stream is started. */
  getThumbnailUrl(id: string, options?: CallOptions): Promise<string | undefined>;
  readonly secrets: () => readonly string[];
}

const providerId = 'wowza-video';
const tokenSource = { provider: providerId, setting: 'token', environmentVariables: ['WOWZA_VIDEO_TOKEN'] };

/**
 * Creates the Wowza Video (REST API v2.0, `/live_streams`) provider. Settings are checked here, before any
 * request: an unknown one (`baseURL`) throws `InvalidInputError` naming the nearest valid name.
 *
 * ```ts run
 * import { wowzaVideo } from '@unilive/wowza-video';
 *
 * const provider = wowzaVideo({ token: process.env.WOWZA_VIDEO_TOKEN });
 * const stream = await provider.create({ name: 'Launch', region: 'eu_germany', ingestProtocol: 'rtmp' });
 * ```
 */
export function wowzaVideo(given: WowzaVideoProviderSettings = {}): WowzaVideoProvider {
  const settings = readSettings(providerId, given, wowzaVideoSettingNames, ['token'], {
    token: tokenSource.environmentVariables,
  });
  const secrets = new SecretSet();
  // The token from the environment is learned as it is read, once it passes the checks (as every adapter
  // learns it): learned here, a refused value naming its own variable (`\${WOWZA_VIDEO_TOKEN}`) masked that
  // name in the refusal that says where it came from.
  secrets.add(settings.token);
  const defaultRegion =
    settings.defaultRegion === undefined
      ? undefined
      : toBroadcastLocation(settings.defaultRegion, { operation: 'configure', path: 'defaultRegion' });
  // Anything but true or false would read as one of them by accident (`'false'` fetching every stream's
  // details), as the per-call `details` would.
  if (settings.listDetails !== undefined && typeof settings.listDetails !== 'boolean') {
    throw invalidInput([{ path: 'listDetails', message: 'expected true or false' }], {
      provider: providerId,
      operation: 'configure',
    });
  }
  const listDetails = settings.listDetails ?? true;
  // `list({ details })` (WowzaVideoListOptions): read with core's names on a provider called directly, and
  // declared to clients (`callOptionNames`), which then take it too.
  const callOptionNames = ['details'];
  const listOptionRules = providerCallOptionRulesWith(callOptionNames);
  const http = createHttpClient({
    provider: providerId,
    // Read by the HTTP layer on a provider called directly, as `list` reads them first; on `list` only, as a
    // client takes them.
    callOptionNames: { list: callOptionNames },
    baseUrl: loadOptionalSetting(settings.baseUrl, 'WOWZA_VIDEO_BASE_URL') ?? wowzaVideoBaseUrl,
    // A token given as a setting is checked on the first request only; from the environment, it is read on
    // every request (the environment may change it), and the header is built again only when it did.
    headers: cachedCredentialHeaders({
      provider: providerId,
      credentials: [
        {
          setting: tokenSource.setting,
          value: settings.token,
          environmentVariables: tokenSource.environmentVariables,
          // A token written with its scheme, or beyond Latin-1, named by where it came from.
          problem: bearerTokenProblem,
        },
      ],
      secrets,
      build: bearerAuthorization(providerId, 'token'),
    }),
    // The token names the account whose budget a shared rate limit keeps (digested, never stored).
    account: () => loadCredential({ ...tokenSource, value: settings.token }),
    ...transportSettings(settings),
    secrets,
    readError: readWowzaVideoError,
    classifyError: classifyWowzaVideoError,
  });

  // `body` is the JSON as Wowza sent it, for `raw`; `data` is the tolerant schema's reading of it.
  async function call<T>(spec: {
    operation: string;
    method: HttpMethod;
    path: string;
    schema: v.GenericSchema<unknown, T>;
    query?: Record<string, number>;
    body?: unknown;
    idempotent?: boolean;
    learn?: (data: T, body: unknown) => void;
    /** The stream the request is about: a 404 or 410 forgets its secrets (see `HttpRequest.stream`). */
    stream?: string;
    options: CallOptions | undefined;
  }): Promise<{ data: T; body: unknown }> {
    const response = await http.request(spec);
    return { data: response.data, body: response.body };
  }

  const rawStreamOf = (body: unknown) =>
    typeof body === 'object' && body !== null ? (body as { live_stream?: unknown }).live_stream : undefined;

  // A stream's secrets, under its id; those of a record that broke off before its id (Wowza lists fields
  // alphabetically: `id` comes after `connection_code` and the source's key and password) are held as values
  // not tied to a stream yet.
  const learnSecrets = (id: unknown, values: readonly (string | undefined)[]) => {
    if (typeof id === 'string') secrets.learnStream(id, ...values);
    else secrets.learn(...values);
  };

  // The secrets an answer holding one stream brings, learned before its `onResponse` event (toStream
  // learns them again, in place). Also given what the schema read of an answer it refused or that broke off
  // (fields missing, or of other types): whatever of the stream arrived is learned.
  const learnAnswer = (data: { live_stream: WowzaVideoLiveStreamRead }, body: unknown, id?: string) => {
    const stream: WowzaVideoLiveStreamRead | undefined = data.live_stream;
    if (typeof stream !== 'object' || stream === null) return;
    learnSecrets(id ?? stream.id, wowzaVideoSecretsOf(stream, rawStreamOf(body)));
  };

  // The call's warnings (inputs Wowza cannot honour) first, then the answer's (an incomplete ingest).
  function toStream(stream: WowzaVideoLiveStreamRead, raw: unknown, warnings?: Warning[]): LiveStream {
    secrets.learnStream(stream.id, ...wowzaVideoSecretsOf(stream, raw));
    const mapped = mapWowzaVideoLiveStream(stream, raw);
    // No warnings of the call's own (every `get`): the mapped stream is the answer, with no copy of it.
    if (!warnings || warnings.length === 0) return mapped;
    return { ...mapped, warnings: [...warnings, ...(mapped.warnings ?? [])] };
  }

  // Straight through the HTTP layer (no `call`): every `get` comes here, one promise fewer.
  async function fetchStream(id: string, operation: string, options: CallOptions | undefined) {
    const { data, body } = await http.request({
      operation,
      method: 'GET',
      path: pathOf`live_streams/${id}`,
      stream: id,
      schema: wowzaVideoLiveStreamReading,
      learn: learnAnswer,
      options,
    });
    return toStream(data.live_stream, rawStreamOf(body));
  }

  // Start, stop and reset answer only `{"live_stream": {"state": ...}}`, so the stream is read after the
  // change. Its state comes from the change's answer: Wowza caches GETs for about a second (Response caching
  // guide), so the read may still show the state from before. Any 2xx is an accepted change, an empty body
  // or `{}` included (its state is then unknown, and the read-back tells it). A read that fails does not
  // undo the change: the call returns what the answer told, with a read-back-failed warning.
  async function sendStateChange(
    id: string,
    action: 'start' | 'stop' | 'reset',
    options: CallOptions | undefined,
  ) {
    const path =
      action === 'start'
        ? pathOf`live_streams/${id}/start`
        : action === 'stop'
          ? pathOf`live_streams/${id}/stop`
          : pathOf`live_streams/${id}/reset`;
    const answer = await requestChange(
      http,
      {
        operation: action,
        method: 'PUT',
        path,
        stream: id,
        schema: wowzaVideoStateEnvelope,
        // A repeated start or stop that reached Wowza answers ERR-422-InvalidStateChange, which the lifecycle
        // rule reads as done; a repeated reset would restart the transcoder twice.
        idempotent: action !== 'reset',
        options,
      },
      { provider: providerId, secrets },
    );
    if (!answer.readable) return { state: 'unknown' as const, raw: answer.body };
    return { state: mapWowzaVideoState(answer.data.live_stream.state), raw: rawStreamOf(answer.body) };
  }

  // start and stop follow core's lifecycle rule: a refusal (ERR-422-InvalidStateChange) on a stream that is
  // already where the call leads returns the stream. The refusal's message names the state ("Transcoder is
  // in stopped state."), which is newer than a cached GET; when it names none, a read that still shows the
  // state from before is made again once the cache has expired.
  // Async, so that a bad id is a rejected promise like every other failure, never a synchronous throw.
  async function lifecycle(id: string, action: 'start' | 'stop', options: CallOptions | undefined) {
    // One deadline for the call (totalTimeoutMs): the change and the reads back after it.
    options = startCall(options, providerId, action, http);
    assertValidId(id, { provider: providerId, operation: action });
    return changeLifecycle({
      provider: providerId,
      operation: action,
      id,
      send: () => sendStateChange(id, action, options),
      read: () => fetchStream(id, action, options),
      refusedState: (refusal) => wowzaVideoRefusedState(refusal.vendorMessage),
      staleReadMs: wowzaVideoReadCacheMs,
      options,
      secrets,
    });
  }

  async function reset(id: string, options: CallOptions | undefined) {
    options = startCall(options, providerId, 'reset', http);
    assertValidId(id, { provider: providerId, operation: 'reset' });
    const answer = await sendStateChange(id, 'reset', options);
    const stream = await readBackAfterChange({
      provider: providerId,
      operation: 'reset',
      id,
      applied: `the vendor accepted reset${answer.state === 'unknown' ? '' : ` (the stream is ${answer.state})`}`,
      parts: { applied: ['reset'] },
      read: () => fetchStream(id, 'reset', options),
      accepted: () => acceptedStream(providerId, id, answer.state, answer.raw),
      secrets,
    });
    return answer.state === 'unknown' ? stream : { ...stream, state: answer.state };
  }

  function pageSizeOf(pageSize: number | undefined): number {
    if (pageSize === undefined) return wowzaVideoMaxPageSize;
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw callOptionsError([{ path: 'options.pageSize', message: 'expected a positive integer' }], {
        provider: providerId,
        operation: 'list',
      });
    }
    return Math.min(pageSize, wowzaVideoMaxPageSize);
  }

  const built: WowzaVideoProvider = markBuiltInProvider(
    withNotFoundStreamId({
      specificationVersion: 'v1',
      id: providerId,
      capabilities: wowzaVideoCapabilities,
      secrets: () => secrets.values(),
      callOptionNames: { list: callOptionNames },

      async create(given: CreateLiveStreamInput, options?: CallOptions) {
        // A signal aborted already ends the call before its input is checked, as through a client.
        options = startCall(options, providerId, 'create', http);
        // Checked as a client checks it, when called without one: a bad field is refused, not sent.
        const input = providerInput(given, providerId, 'create', secrets);
        // A 422 may echo the push password or the token-auth secret sent: they are secrets from the start.
        const sent = inputSecrets(input, providerId);
        secrets.learn(...sent);
        // Defaults without a prototype: a `region` someone set on Object.prototype is no default.
        const defaults: { region?: WowzaVideoBroadcastLocation } = Object.create(null);
        if (defaultRegion) defaults.region = defaultRegion;
        const { body, warnings } = toWowzaVideoCreateBody(input, defaults, { secrets });
        const response = await call({
          operation: 'create',
          method: 'POST',
          path: 'live_streams',
          body,
          schema: wowzaVideoLiveStreamReading,
          learn: (data, answer) => {
            learnSecrets(data.live_stream?.id, sent);
            learnAnswer(data, answer);
          },
          options,
        });
        secrets.learnStream(response.data.live_stream.id, ...sent);
        return toStream(response.data.live_stream, rawStreamOf(response.body), warnings);
      },

      // No `async` function: one returning fetchStream's promise would settle its own with it, two promise
      // turns and a `then` more per `get`. What it refuses is a rejection all the same, as from one.
      get(id: string, options?: CallOptions): Promise<LiveStream> {
        const aborted = abortedCallError(options, providerId, 'get');
        if (aborted) return Promise.reject(aborted);
        try {
          assertValidId(id, { provider: providerId, operation: 'get' });
        } catch (error) {
          return Promise.reject(error);
        }
        // The call's deadline (totalTimeoutMs), as startCall fixes it.
        return fetchStream(id, 'get', http.startCall?.(options, 'get') ?? options);
      },

      async *list(given?: WowzaVideoListOptions) {
        refuseAbortedCall(given, providerId, 'list');
        // Read as a client reads them before anything here does (its `pageSize`, `details`): `null`, a Map, a
        // getter that throws or a value a client refuses (`pageSize: 0`, `name: ''`) is refused with the client's error.
        const options: WowzaVideoListOptions =
          providerCallOptions(given, providerId, 'list', listOptionRules, undefined, secrets) ?? {};
        const perPage = pageSizeOf(options.pageSize);
        // Any other value would read as true or false by accident (`'false'` fetching every stream's details).
        if (options.details !== undefined && typeof options.details !== 'boolean') {
          throw callOptionsError([{ path: 'options.details', message: 'expected true or false' }], {
            provider: providerId,
            operation: 'list',
          });
        }
        const details = options.details ?? listDetails;
        const context = { provider: providerId, operation: 'list', secrets };
        // Each step of the walk (each `next()`: a page and the detail reads until the next stream) has its own
        // deadline (totalTimeoutMs), never the walk as a whole.
        let step: WowzaVideoListOptions = options;
        // Pages are walked by core (`page`/`per_page`, Wowza's `pagination` object when sent); each record is
        // read on its own, so one Wowza could not have sent (an unusable id) is skipped with a warning. So is
        // a stream whose details cannot be used or whose read was lost (a 5xx, a body cut short), and one
        // deleted since its page is left out (core's rule for details fetched per record).
        yield* walkPages({
          provider: providerId,
          pageSize: perPage,
          options,
          secrets,
          startStep: () => {
            step = http.startCall?.(options, 'list') ?? options;
          },
          fetchPage: async (page) => {
            const { data } = await call({
              operation: 'list',
              method: 'GET',
              path: 'live_streams',
              query: { page, per_page: perPage },
              schema: wowzaVideoLiveStreamListPage,
              options: step,
            });
            const pagination = data.pagination;
            return {
              items: data.live_streams,
              page: pagination?.page,
              pageSize: pagination?.per_page,
              totalPages: pagination?.total_pages,
              totalItems: pagination?.total_records,
            };
          },
          read: (raw: unknown) => ({
            summary: parseVendorResponse(wowzaVideoLiveStreamSummarySchema, raw, context),
            raw,
          }),
          idOf: (item) => item.summary.id,
          // The page's summary carries the name: a list for one name reads only the streams so named, and a
          // summary it cannot read (an unusable id) that names another stream is passed over without a word.
          nameOf: (item) => item.summary.name,
          nameOfRecord: (raw) => {
            const name = ownValue(raw, 'name');
            return typeof name === 'string' ? name : undefined;
          },
          details: async ({ summary, raw }) =>
            details ? fetchStream(summary.id, 'list', step) : mapWowzaVideoLiveStreamSummary(summary, raw),
        });
      },

      async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions) {
        // One deadline for the call (totalTimeoutMs): the change and the reads back after it.
        options = startCall(options, providerId, 'update', http);
        assertValidId(id, { provider: providerId, operation: 'update' });
        const patch = providerInput(given, providerId, 'update', secrets);
        secrets.learnSent(id, ...inputSecrets(patch, providerId));
        const { body, warnings } = toWowzaVideoUpdateBody(patch, { secrets });
        // Nothing Wowza can change (only warnings, or options for other providers): report the stream.
        if (Object.keys(body.live_stream).length === 0) {
          const stream = await fetchStream(id, 'update', options);
          return warnings.length > 0 ? { ...stream, warnings } : stream;
        }
        const answer = await requestChange(
          http,
          {
            operation: 'update',
            method: 'PATCH',
            path: pathOf`live_streams/${id}`,
            stream: id,
            body,
            schema: wowzaVideoLiveStreamReading,
            // The same PATCH applied twice leaves the same stream.
            idempotent: true,
            // An answer about another stream is not learned as this one; one that broke off before or inside
            // its id is learned as this stream's.
            learn: (data, answer) => {
              if (isAnswerAbout(data.live_stream?.id, id)) learnAnswer(data, answer, id);
            },
            options,
          },
          { provider: providerId, secrets },
        );
        if (answer.readable && answer.data.live_stream.id === id)
          return toStream(answer.data.live_stream, rawStreamOf(answer.body), warnings);
        // Accepted, but the answer holds no stream (an empty body, `{}`): the stream is read back; if that
        // fails too, nothing whole can be returned and the change holds. Wowza may answer that read from its
        // one-second cache, with the fields from before the PATCH: a read that does not show every value sent
        // is made again once the cache has let it go.
        const sent = Object.entries(body.live_stream).filter(
          ([, value]) => value === null || typeof value !== 'object',
        );
        const stream = await readBackAfterChange({
          provider: providerId,
          operation: 'update',
          id,
          applied: 'Wowza Video accepted the update',
          parts: { applied: Object.keys(body.live_stream).map(updatedPart) },
          read: () => fetchStream(id, 'update', options),
          shows: (read) => {
            const raw = read.raw as Record<string, unknown> | undefined;
            return sent.every(([key, value]) => raw?.[key] === value);
          },
          staleReadMs: wowzaVideoReadCacheMs,
          options,
          secrets,
        });
        return warnings.length > 0
          ? { ...stream, warnings: [...warnings, ...(stream.warnings ?? [])] }
          : stream;
      },

      async delete(id: string, options?: CallOptions) {
        options = startCall(options, providerId, 'delete', http);
        assertValidId(id, { provider: providerId, operation: 'delete' });
        await http.request({
          operation: 'delete',
          method: 'DELETE',
          path: pathOf`live_streams/${id}`,
          stream: id,
          options,
        });
        secrets.forgetStream(id);
      },

      start: (id: string, options?: CallOptions) => lifecycle(id, 'start', options),
      stop: (id: string, options?: CallOptions) => lifecycle(id, 'stop', options),
      reset: (id: string, options?: CallOptions) => reset(id, options),

      async getStatus(id: string, options?: CallOptions) {
        options = startCall(options, providerId, 'status', http);
        assertValidId(id, { provider: providerId, operation: 'status' });
        const { data, body } = await call({
          operation: 'status',
          method: 'GET',
          path: pathOf`live_streams/${id}/state`,
          stream: id,
          schema: wowzaVideoStateEnvelope,
          options,
        });
        return mapWowzaVideoStatus(data.live_stream.state, rawStreamOf(body));
      },

      async regenerateConnectionCode(id: string, options?: CallOptions) {
        assertValidId(id, { provider: providerId, operation: 'regenerateConnectionCode' });
        const { data, body } = await call({
          operation: 'regenerateConnectionCode',
          method: 'PUT',
          path: pathOf`live_streams/${id}/regenerate_connection_code`,
          stream: id,
          schema: wowzaVideoConnectionCodeEnvelope,
          // Each call issues a new code and voids the previous one.
          idempotent: false,
          learn: (answer) => secrets.learnStream(id, answer.live_stream?.connection_code),
          options,
        });
        secrets.learnStream(id, data.live_stream.connection_code);
        return { connectionCode: data.live_stream.connection_code, raw: rawStreamOf(body) };
      },

      async getThumbnailUrl(id: string, options?: CallOptions) {
        assertValidId(id, { provider: providerId, operation: 'thumbnailUrl' });
        const { data } = await call({
          operation: 'thumbnailUrl',
          method: 'GET',
          path: pathOf`live_streams/${id}/thumbnail_url`,
          stream: id,
          schema: wowzaVideoThumbnailEnvelope,
          options,
        });
        return data.live_stream.thumbnail_url;
      },
    }),
  );
  // Wraps `update` in place: the marked object is the one returned.
  return withUpdateNameChecked(built);
}

// The input path of a field an update sent: the neutral ones by name, the rest as provider options.
function updatedPart(field: string): string {
  return field === 'name' || field === 'recording' ? field : `providerOptions.${providerId}.${field}`;
}
