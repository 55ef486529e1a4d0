import {
  type AcceptedAnswer,
  type CallOptions,
  type CreateLiveStreamInput,
  changeLifecycle,
  createHttpClient,
  InvalidInputError,
  inputSecrets,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  loadCredential,
  loadOptionalSetting,
  type ProviderSettingsBase,
  parseVendorResponse,
  pathOf,
  providerSettingsBaseNames,
  ResponseShapeError,
  type RestreamTargetInput,
  readBackAfterChange,
  readProviderOptions,
  readSettings,
  SecretSet,
  transportSettings,
  UniliveError,
  type UpdateLiveStreamInput,
  type Warning,
  walkPages,
} from '@unilive/core';
import * as v from 'valibot';
import {
  type LiveApiStreamBody,
  liveApiInputWarnings,
  liveApiNameWarning,
  liveApiProviderOptionsSchema,
  liveApiSwitchedOffWarning,
  planRestream,
  toLiveApiCreateBody,
  toLiveApiPlatformBody,
  toLiveApiUpdateBody,
} from './convert-to-liveapi-live-stream.js';
import { liveApiListPageSchema, liveApiStreamResponseSchema } from './liveapi-api.js';
import { liveApiCapabilities } from './liveapi-capabilities.js';
import { LiveApiRestreamError, readLiveApiError } from './liveapi-error.js';
import { liveApiState, mapLiveApiStream, streamKeyPassword } from './map-liveapi-live-stream.js';

/** LiveAPI's API root; paths carry no version segment. */
export const liveApiDefaultBaseUrl = 'https://api.liveapi.com';

/** The environment variable the API root is read from when no `baseUrl` setting is given. */
export const liveApiBaseUrlVariable = 'LIVEAPI_BASE_URL';

/** Settings of {@link liveapi}. */
export interface LiveApiSettings extends ProviderSettingsBase {
  /**
   * The access token's Token ID, the HTTP Basic user name. Read from `LIVEAPI_TOKEN_ID` when absent.
   * Tokens are created in the LiveAPI dashboard.
   */
  tokenId?: string | undefined;
  /**
   * The access token's Secret Key, the HTTP Basic password (shown once, when the token is created). Read
   * from `LIVEAPI_SECRET_KEY` when absent.
   */
  secretKey?: string | undefined;
  /** API root. Default: `LIVEAPI_BASE_URL`, else `https://api.liveapi.com`. */
  baseUrl?: string | undefined;
}

/** Every setting {@link liveapi} takes, by name: another key is refused at the factory. */
export const liveApiSettingNames = {
  ...providerSettingsBaseNames,
  tokenId: true,
  secretKey: true,
} as const satisfies Record<keyof LiveApiSettings, true>;

/**
 * Creates the LiveAPI provider. Credentials are read when the first request is made, from the settings
 * or the `LIVEAPI_TOKEN_ID` / `LIVEAPI_SECRET_KEY` environment variables; a missing one fails that call
 * with `AuthenticationError` before anything is sent. Settings are checked here: an unknown one (`baseURL`)
 * throws `InvalidInputError` naming the nearest valid name.
 *
 * ```ts
 * const client = createLiveStreamClient(liveapi({ tokenId, secretKey }));
 * ```
 */
export function liveapi(given: LiveApiSettings = {}): LiveStreamProvider {
  const provider = 'liveapi';
  const settings = readSettings(provider, given, liveApiSettingNames);
  const secrets = new SecretSet();
  secrets.add(settings.tokenId, settings.secretKey);

  const http = createHttpClient({
    provider,
    baseUrl: loadOptionalSetting(settings.baseUrl, liveApiBaseUrlVariable) ?? liveApiDefaultBaseUrl,
    headers: () => ({ authorization: basicAuthorization(settings, secrets) }),
    // The token id names the account whose budget a shared rate limit keeps (digested, never stored).
    account: () =>
      loadCredential({
        provider: 'liveapi',
        setting: 'tokenId',
        value: settings.tokenId,
        environmentVariables: ['LIVEAPI_TOKEN_ID'],
      }),
    ...transportSettings(settings),
    secrets,
    readError: readLiveApiError,
  });

  // Stream keys carry the publish password, and restream keys are third-party credentials: both are
  // scrubbed from every error raised after they were seen, for as long as the stream exists.
  const remember = (stream: LiveStream): LiveStream => {
    for (const endpoint of stream.ingest) {
      secrets.learnStream(
        stream.id,
        endpoint.streamKey,
        endpoint.streamKey && streamKeyPassword(endpoint.streamKey),
      );
    }
    for (const target of stream.restream ?? []) secrets.learnStream(stream.id, target.streamKey);
    return stream;
  };

  async function fetchStream(id: string, operation: string, options?: CallOptions): Promise<LiveStream> {
    const response = await http.request({
      operation,
      method: 'GET',
      path: pathOf`live_streams/${id}`,
      schema: liveApiStreamResponseSchema,
      options,
    });
    return remember(mapLiveApiStream(response.data));
  }

  // PATCH answers with the updated stream in every client seen, but that is not documented: any other
  // JSON, or a 2xx without a JSON body, is an accepted change whose stream must be read back.
  async function sendPatch(
    id: string,
    body: LiveApiStreamBody,
    operation: string,
    options?: CallOptions,
  ): Promise<LiveStream | { raw: unknown }> {
    let answer: unknown;
    try {
      const response = await http.request({
        operation,
        method: 'PATCH',
        path: pathOf`live_streams/${id}`,
        body,
        schema: v.unknown(),
        // Setting the same name or the same `enabled` value twice changes nothing.
        idempotent: true,
        options,
      });
      answer = response.data;
    } catch (error) {
      if (!isSuccessWithoutJson(error)) throw error;
    }
    const parsed = v.safeParse(liveApiStreamResponseSchema, answer);
    if (parsed.success && parsed.output.data._id === id) return remember(mapLiveApiStream(parsed.output));
    return { raw: answer };
  }

  // An update's PATCH whose answer is no stream is read back; if that read fails, nothing whole can be
  // returned, and the change holds: ChangeAppliedError.
  async function patchStream(
    id: string,
    body: LiveApiStreamBody,
    operation: string,
    options?: CallOptions,
  ): Promise<LiveStream> {
    const answer = await sendPatch(id, body, operation, options);
    if ('id' in answer) return answer;
    return readBackAfterChange({
      provider,
      operation,
      id,
      applied: 'LiveAPI accepted the update',
      read: () => fetchStream(id, operation, options),
      secrets: secrets.values(),
    });
  }

  // start and stop set `enabled`, which LiveAPI takes in any state: they are idempotent by nature. Core's
  // lifecycle rule still applies (a refusal checked against the stream; an answer that is no stream read
  // back, and when that fails the state `enabled` gives, with a read-back-failed warning).
  function lifecycle(id: string, operation: 'start' | 'stop', options?: CallOptions) {
    const enabled = operation === 'start';
    return changeLifecycle({
      provider,
      operation,
      id,
      send: async (): Promise<LiveStream | AcceptedAnswer> => {
        const answer = await sendPatch(id, { enabled }, operation, options);
        return 'id' in answer ? answer : { state: liveApiState(enabled), raw: answer.raw };
      },
      read: () => fetchStream(id, operation, options),
      secrets: secrets.values(),
    });
  }

  async function addTargets(
    stream: LiveStream,
    targets: readonly RestreamTargetInput[],
    operation: 'create' | 'update',
    options?: CallOptions,
  ): Promise<LiveStream> {
    const id = stream.id;
    const fail = (cause: unknown, added: number, what: string) => {
      const outcome =
        operation === 'create'
          ? `stream ${id} was created, but ${what}: ${describe(cause)}. The stream exists with ${added} of ${targets.length} restream target(s); get, fix or delete it.`
          : `on stream ${id}, ${what}: ${describe(cause)}. ${added} of ${targets.length} new restream target(s) were added; get or fix it.`;
      return new LiveApiRestreamError({
        message: `liveapi ${operation}: ${outcome}`,
        provider,
        operation,
        streamId: id,
        targetsAdded: added,
        targetsRequested: targets.length,
        cause,
        ...(UniliveError.isInstance(cause)
          ? { status: cause.status, vendorCode: cause.vendorCode, vendorMessage: cause.vendorMessage }
          : {}),
        secrets,
      });
    };
    for (const [index, target] of targets.entries()) {
      try {
        await http.request({
          operation,
          method: 'POST',
          path: pathOf`live_streams/${id}/platforms`,
          body: toLiveApiPlatformBody(target),
          options,
        });
      } catch (error) {
        throw fail(error, index, `restream target ${index + 1} of ${targets.length} could not be added`);
      }
    }
    // The platforms answer only describes the target; the stream as LiveAPI now lists it is read back. If
    // that read fails, every target was accepted: the stream as known, with them, and a warning.
    return readBackAfterChange({
      provider,
      operation,
      id,
      applied:
        operation === 'create'
          ? `stream ${id} was created with its ${targets.length} restream target(s)`
          : `${targets.length} restream target(s) were added to stream ${id}`,
      read: () => fetchStream(id, operation, options),
      // Each target was sent switched on (`enabled: true`) and accepted.
      accepted: () => ({
        ...stream,
        restream: [...(stream.restream ?? []), ...targets.map((target) => ({ ...target, enabled: true }))],
      }),
      secrets: secrets.values(),
    });
  }

  return {
    specificationVersion: 'v1',
    id: provider,
    capabilities: liveApiCapabilities,
    secrets: () => secrets.values(),

    async create(input: CreateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
      // Restream keys (and any credential in the options) are secrets before the request: a 400 may echo them.
      const sent = inputSecrets(input, provider);
      secrets.learn(...sent);
      const providerOptions = readProviderOptions(input, provider, liveApiProviderOptionsSchema, 'create');
      const warnings = liveApiInputWarnings(input, 'create');
      const targets = input.restream ?? [];
      const response = await http.request({
        operation: 'create',
        method: 'POST',
        path: 'live_streams',
        body: toLiveApiCreateBody(input, providerOptions),
        schema: liveApiStreamResponseSchema,
        options,
      });
      let stream = remember(mapLiveApiStream(response.data));
      secrets.learnStream(stream.id, ...sent);
      if (targets.length > 0) stream = await addTargets(stream, targets, 'create', options);
      return withWarnings(stream, [...warnings, ...liveApiNameWarning(stream)]);
    },

    get(id: string, options?: CallOptions): Promise<LiveStream> {
      return fetchStream(id, 'get', options);
    },

    // LiveAPI documents no page-size parameter, so `pageSize` is not sent. Pages are walked by core with
    // whatever the answer tells (`page`/`pages`/`total`/`limit`, or `totalDocs`/`totalPages`/`hasNextPage`/
    // `nextPage`); an answer with none of them is one unpaged page. Each record is read on its own, so one
    // LiveAPI could not have sent (an unusable id) is skipped with a warning.
    async *list(options: ListOptions = {}): AsyncGenerator<LiveStream> {
      const context = { provider, operation: 'list', secrets: secrets.values() };
      yield* walkPages({
        provider,
        options,
        secrets: secrets.values(),
        fetchPage: async (page) => {
          const { data } = await http.request({
            operation: 'list',
            method: 'GET',
            path: 'live_streams',
            ...(page === 1 ? {} : { query: { page } }),
            schema: liveApiListPageSchema,
            options,
          });
          const paged = [
            data.page,
            data.pages,
            data.total,
            data.totalDocs,
            data.totalPages,
            data.hasNextPage,
            data.nextPage,
          ].some((value) => value !== undefined);
          return {
            items: data.docs,
            page: data.page,
            pageSize: data.limit,
            totalPages: data.totalPages ?? data.pages,
            totalItems: data.totalDocs ?? data.total,
            hasMore: paged ? data.hasNextPage : false,
            nextPage: data.nextPage,
          };
        },
        read: (raw: unknown) =>
          remember(mapLiveApiStream(parseVendorResponse(liveApiStreamResponseSchema, raw, context))),
        idOf: (stream) => stream.id,
      });
    },

    async update(id: string, patch: UpdateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
      secrets.learnStream(id, ...inputSecrets(patch, provider));
      const providerOptions = readProviderOptions(patch, provider, liveApiProviderOptionsSchema, 'update');
      const warnings = liveApiInputWarnings(patch, 'update');
      const body = toLiveApiUpdateBody(patch, providerOptions);
      let stream: LiveStream | undefined;
      let targetsToAdd: RestreamTargetInput[] = [];
      let switchedOff: Warning[] = [];
      if (patch.restream !== undefined) {
        stream = await fetchStream(id, 'update', options);
        const plan = planRestream(stream.restream ?? [], patch.restream);
        if (plan.remove.length > 0) {
          // Removing a platform is only known from Castr's API; nothing has been changed at this point.
          throw new InvalidInputError({
            message: `Invalid input for update: restream: expected every current target to be kept; LiveAPI documents no way to remove a restream target (${plan.remove.length} would be removed). Nothing was changed.`,
            provider,
            operation: 'update',
            issues: [{ path: 'restream', message: 'expected every current target to be kept' }],
          });
        }
        targetsToAdd = plan.add;
        switchedOff = plan.switchedOff.map(liveApiSwitchedOffWarning);
      }
      if (Object.keys(body).length > 0) stream = await patchStream(id, body, 'update', options);
      if (targetsToAdd.length > 0) {
        stream ??= await fetchStream(id, 'update', options);
        stream = await addTargets(stream, targetsToAdd, 'update', options);
      }
      stream ??= await fetchStream(id, 'update', options);
      const nameWarning = patch.name === undefined ? [] : liveApiNameWarning(stream);
      return withWarnings(stream, [...warnings, ...nameWarning, ...switchedOff]);
    },

    async delete(id: string, options?: CallOptions): Promise<void> {
      // The answer (`{"success": true}` in client code) is not documented; any 2xx means deleted.
      await http.request({
        operation: 'delete',
        method: 'DELETE',
        path: pathOf`live_streams/${id}`,
        options,
      });
      secrets.forgetStream(id);
    },

    start(id: string, options?: CallOptions): Promise<LiveStream> {
      return lifecycle(id, 'start', options);
    },

    // `enabled: false` is LiveAPI's documented emergency stop: the encoder's data is refused at once.
    stop(id: string, options?: CallOptions): Promise<LiveStream> {
      return lifecycle(id, 'stop', options);
    },
  };
}

/** `Basic base64(tokenId:secretKey)`, read lazily; every form of the credentials becomes a secret. */
function basicAuthorization(settings: LiveApiSettings, secrets: SecretSet): string {
  const tokenId = loadCredential({
    provider: 'liveapi',
    setting: 'tokenId',
    value: settings.tokenId,
    environmentVariables: ['LIVEAPI_TOKEN_ID'],
  });
  const secretKey = loadCredential({
    provider: 'liveapi',
    setting: 'secretKey',
    value: settings.secretKey,
    environmentVariables: ['LIVEAPI_SECRET_KEY'],
  });
  secrets.add(tokenId, secretKey);
  // HTTP Basic cannot carry a colon in the user name (RFC 7617).
  if (tokenId.includes(':')) {
    throw new InvalidInputError({
      provider: 'liveapi',
      message: 'liveapi: tokenId contains ":", which HTTP Basic authentication cannot carry',
      issues: [{ path: 'tokenId', message: 'expected no ":"' }],
    });
  }
  const encoded = base64(`${tokenId}:${secretKey}`);
  secrets.add(encoded);
  return `Basic ${encoded}`;
}

// UTF-8 first (RFC 7617 `charset=UTF-8`); `btoa` alone throws on characters beyond Latin-1.
function base64(value: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// Appends: a stream read back with difficulty already carries its read-back-failed warning.
function withWarnings(stream: LiveStream, warnings: Warning[]): LiveStream {
  return warnings.length === 0 ? stream : { ...stream, warnings: [...(stream.warnings ?? []), ...warnings] };
}

function isSuccessWithoutJson(error: unknown): boolean {
  return (
    ResponseShapeError.isInstance(error) &&
    error.status !== undefined &&
    error.status >= 200 &&
    error.status < 300 &&
    error.issues.some((issue) => issue.path === '$' && issue.expected === 'JSON')
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'unknown failure';
}
