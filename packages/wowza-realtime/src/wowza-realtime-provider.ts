import {
  abortedCallError,
  assertValidId,
  bearerAuthorization,
  bearerTokenProblem,
  type CallOptions,
  ConflictError,
  type CreateLiveStreamInput,
  cachedCredentialHeaders,
  changeLifecycle,
  createHttpClient,
  type HttpRequest,
  inputSecrets,
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
  urlPassword,
  type Warning,
  walkPages,
  withNotFoundStreamId,
  withUpdateNameChecked,
} from '@unilive/core';
import type * as v from 'valibot';
import {
  convertToWowzaRealtimeCreate,
  convertToWowzaRealtimeUpdate,
  missingExpiryError,
} from './convert-to-wowza-realtime-stream.js';
import {
  learnWowzaRealtimeSecrets,
  mapWowzaRealtimeState,
  mapWowzaRealtimeStream,
} from './map-wowza-realtime-stream.js';
import {
  type WowzaRealtimeStreamEnvelopeReading,
  wowzaRealtimeListItemSchema,
  wowzaRealtimeListPageSchema,
  wowzaRealtimeStateSchema,
  wowzaRealtimeStopSchema,
  wowzaRealtimeStreamEnvelopeReadSchema,
  wowzaRealtimeStreamEnvelopeSchema,
} from './wowza-realtime-api.js';
import { wowzaRealtimeCapabilities } from './wowza-realtime-capabilities.js';
import { classifyWowzaRealtimeError, readWowzaRealtimeError } from './wowza-realtime-error.js';

// The password in an RTMP URL's user information, learned beside the URL: an error echoing it alone is masked.
const rtmpUrlPassword = (rtmpUrl: unknown) =>
  typeof rtmpUrl === 'string' ? urlPassword(rtmpUrl) : undefined;

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const providerId = 'wowza-realtime';

/** The vendor's API root (OpenAPI `servers`). */
export const wowzaRealtimeDefaultBaseUrl = 'https://api.video.wowza.com/api/v2.0';

/** The environment variable the API root is read from when no `baseUrl` setting is given. */
export const wowzaRealtimeBaseUrlVariable = 'WOWZA_REALTIME_BASE_URL';

/** Environment variables read, in order, when no `token` setting is given. */
export const wowzaRealtimeTokenVariables = ['WOWZA_REALTIME_TOKEN', 'WOWZA_VIDEO_TOKEN'] as const;

// OpenAPI `per_page`: "default and maximum 1000".
const maxPageSize = 1000;

/** Settings of {@link wowzaRealtime}. */
export interface WowzaRealtimeSettings extends ProviderSettingsBase {
  /**
   * A Wowza Video API access token (JWT, from Token Management in the Wowza Video UI), sent as
   * `Authorization: Bearer <token>`. Defaults to the `WOWZA_REALTIME_TOKEN` environment variable, then
   * `WOWZA_VIDEO_TOKEN` (the same token serves both products). Read when the first request is made.
   */
  token?: string | undefined;
  /** API root. Default: `WOWZA_REALTIME_BASE_URL`, else `https://api.video.wowza.com/api/v2.0`. */
  baseUrl?: string | undefined;
}

/** Every setting {@link wowzaRealtime} takes, by name: another key is refused at the factory. */
export const wowzaRealtimeSettingNames = /* @__PURE__ */ (() =>
  ({
    ...providerSettingsBaseNames,
    token: true,
  }) as const satisfies Record<keyof WowzaRealtimeSettings, true>)();

/**
 * The provider {@link wowzaRealtime} returns: a `LiveStreamProvider` whose `id` is `'wowza-realtime'`, so a
 * client of it has `providerId: 'wowza-realtime'` in its type.
 */
export interface WowzaRealtimeProvider extends LiveStreamProvider {
  readonly id: 'wowza-realtime';
  readonly secrets: () => readonly string[];
}

/**
 * Creates the provider for Wowza Real-Time Streaming at Scale (Wowza Video REST API v2.0, `/real_time`).
 *
 * A stream accepts publishers as soon as it exists: `start` returns it as it is, `stop` stops it, and Wowza
 * documents no call that starts it again (whether a publisher reconnecting reopens it is unverified). Its
 * endpoints are RTMP ingest and the hosted page; WebRTC goes through Wowza's SDK with the stream name and
 * tokens of `providerDetails['wowza-realtime'].sdk` (read with `wowzaRealtimeDetailsOf`). See
 * `capabilities` and docs/providers/wowza-realtime.md for every decision taken where the vendor's sources
 * are silent or disagree.
 *
 * @example
 * ```ts run
 * import { createLiveStreamClient } from '@unilive/core';
 * import { wowzaRealtime, wowzaRealtimeDetailsOf } from '@unilive/wowza-realtime';
 *
 * const client = createLiveStreamClient(wowzaRealtime({ token: process.env.WOWZA_REALTIME_TOKEN }));
 * const stream = await client.create({ name: 'auction', region: 'amsterdam' });
 * const { streamName, publishToken } = wowzaRealtimeDetailsOf(stream)?.sdk ?? {}; // WebRTC SDK, OBS
 * const rtmp = stream.ingest.find((endpoint) => endpoint.protocol === 'rtmp'); // RTMP encoders
 * const { server, streamKey } = rtmp ?? {};
 * ```
 */
export function wowzaRealtime(given: WowzaRealtimeSettings = {}): WowzaRealtimeProvider {
  const settings = readSettings(providerId, given, wowzaRealtimeSettingNames, ['token'], {
    token: wowzaRealtimeTokenVariables,
  });
  const secrets = new SecretSet();
  secrets.add(settings.token);
  const http = createHttpClient({
    provider: providerId,
    baseUrl:
      loadOptionalSetting(settings.baseUrl, wowzaRealtimeBaseUrlVariable) ?? wowzaRealtimeDefaultBaseUrl,
    // A token given as a setting is checked on the first request only; from the environment, it is read on
    // every request (the environment may change it), and the header is built again only when it did.
    headers: cachedCredentialHeaders({
      provider: providerId,
      credentials: [
        {
          setting: 'token',
          value: settings.token,
          environmentVariables: wowzaRealtimeTokenVariables,
          // A token written with its scheme, or beyond Latin-1, named by where it came from.
          problem: bearerTokenProblem,
        },
      ],
      secrets,
      build: bearerAuthorization(providerId, 'token'),
    }),
    // The token names the account whose budget a shared rate limit keeps (digested, never stored).
    account: () =>
      loadCredential({
        provider: providerId,
        setting: 'token',
        value: settings.token,
        environmentVariables: wowzaRealtimeTokenVariables,
      }),
    ...transportSettings(settings),
    secrets,
    readError: readWowzaRealtimeError,
    classifyError: classifyWowzaRealtimeError,
  });

  // `raw` is the body as the vendor sent it (unknown states and nulls included); the adapter reads the
  // schema's normalised copy.
  async function call<T>(
    schema: v.GenericSchema<unknown, T>,
    request: Omit<HttpRequest<T>, 'schema'>,
  ): Promise<{ data: T; raw: unknown }> {
    const response = await http.request({ ...request, schema });
    return { data: response.data, raw: response.body };
  }

  // The secrets an answer holding one stream brings, learned before its `onResponse` event (the mapper
  // learns them again, in place).
  const learnAnswer = (data: WowzaRealtimeStreamEnvelopeReading) => {
    // Absent from an answer that broke off before it.
    const stream: WowzaRealtimeStreamEnvelopeReading['real_time_stream'] | undefined = data.real_time_stream;
    if (typeof stream === 'object' && stream !== null) learnWowzaRealtimeSecrets(stream, secrets);
  };

  // Every stream answer (get, list details, read-backs, changes): straight through the HTTP layer, one
  // promise fewer than through `call`.
  async function requestStream(
    request: HttpRequest<WowzaRealtimeStreamEnvelopeReading>,
    warnings?: readonly Warning[],
  ): Promise<LiveStream> {
    const response = await http.request(request);
    const rawStream = (response.body as { real_time_stream?: unknown }).real_time_stream;
    return mapWowzaRealtimeStream(response.data.real_time_stream, rawStream, secrets, warnings);
  }

  // A bad id is refused as a rejected promise naming the provider and operation, never thrown while the
  // request is being built (`get` is no async function: `provider.get(id).catch(…)` must catch it).
  const fetchStream = (operation: string, id: string, options: CallOptions | undefined) => {
    try {
      assertValidId(id, { provider: providerId, operation });
    } catch (error) {
      return Promise.reject(error);
    }
    return requestStream({
      operation,
      method: 'GET',
      path: pathOf`real_time/${id}`,
      stream: id,
      schema: wowzaRealtimeStreamEnvelopeReadSchema,
      learn: learnAnswer,
      options,
    });
  };

  const built: WowzaRealtimeProvider = markBuiltInProvider(
    withNotFoundStreamId({
      specificationVersion: 'v1',
      id: providerId,
      capabilities: wowzaRealtimeCapabilities,
      secrets: () => secrets.values(),

      async create(given: CreateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
        // A signal aborted already ends the call before its input is checked, as through a client.
        options = startCall(options, providerId, 'create', http);
        // Checked as a client checks it, when called without one: a bad field is refused, not sent.
        const input = providerInput(given, providerId, 'create', secrets);
        const sent = inputSecrets(input, providerId);
        secrets.learn(...sent);
        const { body, warnings } = convertToWowzaRealtimeCreate(input, { secrets });
        const stream = await requestStream(
          {
            operation: 'create',
            method: 'POST',
            path: 'real_time',
            body,
            schema: wowzaRealtimeStreamEnvelopeReadSchema,
            learn: (data) => {
              learnAnswer(data);
              const created = data.real_time_stream?.id;
              if (typeof created === 'string') secrets.learnStream(created, ...sent);
            },
            options,
          },
          warnings,
        );
        secrets.learnStream(stream.id, ...sent);
        return stream;
      },

      get(id: string, options?: CallOptions): Promise<LiveStream> {
        const aborted = abortedCallError(options, providerId, 'get');
        if (aborted) return Promise.reject(aborted);
        // The call's deadline (totalTimeoutMs), as startCall fixes it.
        return fetchStream('get', id, http.startCall?.(options, 'get') ?? options);
      },

      // List items carry only id, name, state and dates (OpenAPI `index_real_time_stream`), but every
      // neutral stream has its ingest endpoints, so each item costs one more GET: 1 + N requests for N
      // streams, made lazily as the iteration goes. Pages are walked by core; each record is read on its own,
      // so one the vendor could not have sent (an unusable id) is skipped with a warning.
      async *list(given?: ListOptions): AsyncGenerator<LiveStream> {
        refuseAbortedCall(given, providerId, 'list');
        // Read as a client reads them before anything here does (its `pageSize`): `null`, a Map, a getter
        // that throws or a value a client refuses (`pageSize: 0`, `name: ''`) is refused with the client's error.
        const options: ListOptions =
          providerCallOptions(given, providerId, 'list', undefined, undefined, secrets) ?? {};
        const requested = Math.floor(options.pageSize ?? maxPageSize);
        const perPage = Number.isFinite(requested)
          ? Math.min(Math.max(requested, 1), maxPageSize)
          : maxPageSize;
        const context = { provider: providerId, operation: 'list', secrets };
        // Each step of the walk (each `next()`: a page and the detail reads until the next stream) has its own
        // deadline (totalTimeoutMs), never the walk as a whole.
        let step: ListOptions = options;
        yield* walkPages({
          provider: providerId,
          pageSize: perPage,
          options,
          secrets,
          startStep: () => {
            step = http.startCall?.(options, 'list') ?? options;
          },
          fetchPage: async (page) => {
            const { data } = await call(wowzaRealtimeListPageSchema, {
              operation: 'list',
              method: 'GET',
              path: 'real_time',
              query: { page, per_page: perPage },
              options: step,
            });
            const pagination = data.pagination;
            return {
              items: data.real_time_streams,
              page: pagination?.page,
              pageSize: pagination?.per_page,
              totalPages: pagination?.total_pages,
              totalItems: pagination?.total_records,
            };
          },
          read: (raw: unknown) => parseVendorResponse(wowzaRealtimeListItemSchema, raw, context),
          idOf: (item) => item.id,
          // The list item carries the name (when sent): a list for one name reads only the streams so named,
          // and an item it cannot read (an unusable id) that names another stream is passed over without a word.
          nameOf: (item) => item.name,
          nameOfRecord: (raw) => {
            const name = ownValue(raw, 'name');
            return typeof name === 'string' ? name : undefined;
          },
          // Core's rule for details fetched per record: one deleted since its page is left out; one whose
          // details cannot be used (no publish token) or whose read was lost (a 5xx, a body cut short) is
          // skipped with a warning.
          details: (item) => fetchStream('list', item.id, step),
        });
      },

      async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
        // One deadline for the call (totalTimeoutMs): the read before, the change and the read back.
        options = startCall(options, providerId, 'update', http);
        assertValidId(id, { provider: providerId, operation: 'update' });
        // Checked as a client checks it, when called without one: a bad field is refused, not sent.
        const patch = providerInput(given, providerId, 'update', secrets);
        secrets.learnSent(id, ...inputSecrets(patch, providerId));
        const { name, fields, warnings, needsStoredExpiry } = convertToWowzaRealtimeUpdate(patch, {
          secrets,
        });
        if (name === undefined && Object.keys(fields).length === 0) {
          // Only settings the vendor keeps no field for (lowLatency): nothing to send.
          return requestStream(
            {
              operation: 'update',
              method: 'GET',
              path: pathOf`real_time/${id}`,
              stream: id,
              schema: wowzaRealtimeStreamEnvelopeReadSchema,
              learn: learnAnswer,
              options,
            },
            warnings,
          );
        }
        // The PATCH schema requires `name` on every update (OpenAPI `real_time_stream_update.required`), so an
        // update that keeps the name sends the current one. Switching secure viewing on needs an expiry: the
        // patch's, or the one the stream already has. Both are read from the stream before anything is sent.
        const current =
          name === undefined || needsStoredExpiry
            ? (
                await call(wowzaRealtimeStreamEnvelopeSchema, {
                  operation: 'update',
                  method: 'GET',
                  path: pathOf`real_time/${id}`,
                  stream: id,
                  learn: ({ real_time_stream: read }) =>
                    secrets.learnStream(
                      id,
                      read?.token,
                      read?.subscribe_token,
                      read?.rtmp_url,
                      rtmpUrlPassword(read?.rtmp_url),
                    ),
                  options,
                })
              ).data.real_time_stream
            : undefined;
        if (current) {
          secrets.learnStream(
            id,
            current.token,
            current.subscribe_token,
            current.rtmp_url,
            rtmpUrlPassword(current.rtmp_url),
          );
        }
        if (needsStoredExpiry && current?.expires_on === undefined) throw missingExpiryError();
        const body = { real_time_stream: { name: name ?? current?.name, ...fields } };
        const answer = await requestChange(
          http,
          {
            operation: 'update',
            method: 'PATCH',
            path: pathOf`real_time/${id}`,
            stream: id,
            body,
            schema: wowzaRealtimeStreamEnvelopeSchema,
            // Every field sets a value: sending the same PATCH twice leaves the stream as once.
            idempotent: true,
            // An answer about another stream is not learned as this one; one that broke off before or inside
            // its id is learned as this stream's.
            learn: (data) => {
              const stream = data.real_time_stream;
              if (typeof stream === 'object' && stream !== null && isAnswerAbout(stream.id, id))
                learnWowzaRealtimeSecrets({ ...stream, id }, secrets);
            },
            options,
          },
          { provider: providerId, secrets },
        );
        if (answer.readable && answer.data.real_time_stream.id === id) {
          const rawStream = (answer.body as { real_time_stream?: unknown }).real_time_stream;
          return mapWowzaRealtimeStream(answer.data.real_time_stream, rawStream, secrets, warnings);
        }
        // Accepted, but the answer holds no stream (`200 {}`, an empty body): the stream is read back; if that
        // fails too, nothing whole can be returned and the change holds.
        const stream = await readBackAfterChange({
          provider: providerId,
          operation: 'update',
          id,
          applied: 'Wowza Real-Time accepted the update',
          parts: {
            applied: [
              ...(name === undefined ? [] : ['name']),
              ...Object.keys(fields).map((field) =>
                field === 'region' ? 'region' : `providerOptions.${providerId}.${field}`,
              ),
            ],
          },
          read: () => fetchStream('update', id, options),
          secrets,
        });
        return warnings.length > 0
          ? { ...stream, warnings: [...warnings, ...(stream.warnings ?? [])] }
          : stream;
      },

      async delete(id: string, options?: CallOptions): Promise<void> {
        options = startCall(options, providerId, 'delete', http);
        assertValidId(id, { provider: providerId, operation: 'delete' });
        await http.request({
          operation: 'delete',
          method: 'DELETE',
          path: pathOf`real_time/${id}`,
          stream: id,
          options,
        });
        secrets.forgetStream(id);
      },

      // There is no start call in any API version: a stream is ready once it exists and goes live when a
      // publisher connects. `start` reads the stream and returns it (the lifecycle rule: it already is where
      // start leads); Wowza documents no call that brings a stopped or disabled stream back (whether a
      // publisher reopens it is unverified), a conflict with its state.
      async start(id: string, options?: CallOptions): Promise<LiveStream> {
        options = startCall(options, providerId, 'start', http);
        const stream = await fetchStream('start', id, options);
        if (stream.state === 'stopped' || stream.state === 'disabled') {
          throw new ConflictError({
            provider: providerId,
            operation: 'start',
            message:
              `wowza-realtime start: stream ${id} is ${stream.state}, and Wowza Real-Time documents no call ` +
              'that starts a stream again (capabilities.restart is false); create a new stream instead',
            secrets,
          });
        }
        return stream;
      },

      // `PUT /real_time/{id}/stop` on a stopped stream answers 423 ERR-423-StreamAlreadyStopped: core's
      // lifecycle rule reads the stream and returns it, which also makes the PUT safe to retry after a lost
      // answer. The stop answer holds only the state; the stream is read back, with that state.
      async stop(id: string, options?: CallOptions): Promise<LiveStream> {
        // One deadline for the call (totalTimeoutMs): the stop and the read back after it.
        options = startCall(options, providerId, 'stop', http);
        assertValidId(id, { provider: providerId, operation: 'stop' });
        return changeLifecycle({
          provider: providerId,
          operation: 'stop',
          id,
          send: async () => {
            // Any 2xx is an accepted stop; one whose body holds no state is read back like any other.
            const answer = await requestChange(
              http,
              {
                operation: 'stop',
                method: 'PUT',
                path: pathOf`real_time/${id}/stop`,
                stream: id,
                schema: wowzaRealtimeStopSchema,
                options,
              },
              { provider: providerId, secrets },
            );
            if (!answer.readable) return { state: 'unknown', raw: answer.body };
            return {
              state: mapWowzaRealtimeState(answer.data.real_time_stream.state),
              raw: (answer.body as { real_time_stream?: unknown }).real_time_stream,
            };
          },
          // A refusal (ERR-423-StreamAlreadyStopped) is checked against the stream as read: Wowza documents
          // no cache for /real_time reads, unlike /live_streams.
          read: () => fetchStream('stop', id, options),
          options,
          secrets,
          states: wowzaRealtimeCapabilities.states,
        });
      },

      async getStatus(id: string, options?: CallOptions): Promise<LiveStreamStatus> {
        options = startCall(options, providerId, 'status', http);
        assertValidId(id, { provider: providerId, operation: 'status' });
        const { data, raw } = await call(wowzaRealtimeStateSchema, {
          operation: 'status',
          method: 'GET',
          path: pathOf`real_time/${id}/state`,
          stream: id,
          options,
        });
        return { state: mapWowzaRealtimeState(data.real_time.state), raw };
      },
    }),
  );
  // Wraps `update` in place: the marked object is the one returned.
  return withUpdateNameChecked(built);
}
