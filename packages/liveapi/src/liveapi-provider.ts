import {
  type CallOptions,
  type CreateLiveStreamInput,
  createHttpClient,
  InvalidInputError,
  invalidInput,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  loadCredential,
  type ProviderSettingsBase,
  pathOf,
  ResponseShapeError,
  type RestreamTargetInput,
  readProviderOptions,
  SecretSet,
  transportSettings,
  UniliveError,
  type UpdateLiveStreamInput,
  type Warning,
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
import { liveApiListResponseSchema, liveApiStreamResponseSchema } from './liveapi-api.js';
import { liveApiCapabilities } from './liveapi-capabilities.js';
import { LiveApiRestreamError, readLiveApiError } from './liveapi-error.js';
import { mapLiveApiStream, streamKeyPassword } from './map-liveapi-live-stream.js';

/** LiveAPI's API root; paths carry no version segment. */
export const liveApiDefaultBaseUrl = 'https://api.liveapi.com';

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
}

/**
 * Creates the LiveAPI provider. Credentials are read when the first request is made, from the settings
 * or the `LIVEAPI_TOKEN_ID` / `LIVEAPI_SECRET_KEY` environment variables; a missing one fails that call
 * with `AuthenticationError` before anything is sent.
 *
 * ```ts
 * const client = createLiveStreamClient(liveapi({ tokenId, secretKey }));
 * ```
 */
export function liveapi(settings: LiveApiSettings = {}): LiveStreamProvider {
  const secrets = new SecretSet();
  secrets.add(settings.tokenId, settings.secretKey);
  const provider = 'liveapi';

  const http = createHttpClient({
    provider,
    baseUrl: settings.baseUrl ?? liveApiDefaultBaseUrl,
    headers: () => ({ authorization: basicAuthorization(settings, secrets) }),
    ...transportSettings(settings),
    secrets,
    readError: readLiveApiError,
  });

  // Stream keys carry the publish password, and restream keys are third-party credentials: both are
  // scrubbed from every error raised after they were seen.
  const remember = (stream: LiveStream): LiveStream => {
    for (const endpoint of stream.ingest) {
      secrets.learn(endpoint.streamKey, endpoint.streamKey && streamKeyPassword(endpoint.streamKey));
    }
    for (const target of stream.restream ?? []) secrets.learn(target.streamKey);
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
  // JSON, or a 2xx without a JSON body, is read back with a GET instead of failing a change that was made.
  async function patchStream(
    id: string,
    body: LiveApiStreamBody,
    operation: string,
    options?: CallOptions,
  ): Promise<LiveStream> {
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
    return fetchStream(id, operation, options);
  }

  async function addTargets(
    id: string,
    targets: readonly RestreamTargetInput[],
    operation: 'create' | 'update',
    options?: CallOptions,
  ): Promise<LiveStream> {
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
        secrets: secrets.values(),
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
    try {
      // The platforms answer only describes the target; the stream as LiveAPI now lists it is read back.
      return await fetchStream(id, operation, options);
    } catch (error) {
      throw fail(error, targets.length, 'reading it back after adding its restream targets failed');
    }
  }

  return {
    specificationVersion: 'v1',
    id: provider,
    capabilities: liveApiCapabilities,
    secrets: () => secrets.values(),

    async create(input: CreateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
      const providerOptions = readProviderOptions(input, provider, liveApiProviderOptionsSchema, 'create');
      if (input.ingestProtocol !== undefined && input.ingestProtocol !== 'rtmp') {
        throw invalidInput(
          [{ path: 'ingestProtocol', message: 'expected rtmp: LiveAPI ingests RTMP only' }],
          { provider, operation: 'create' },
        );
      }
      const warnings = liveApiInputWarnings(input);
      const targets = input.restream ?? [];
      for (const target of targets) secrets.learn(target.streamKey);
      const response = await http.request({
        operation: 'create',
        method: 'POST',
        path: 'live_streams',
        body: toLiveApiCreateBody(input, providerOptions),
        schema: liveApiStreamResponseSchema,
        options,
      });
      let stream = remember(mapLiveApiStream(response.data));
      if (targets.length > 0) stream = await addTargets(stream.id, targets, 'create', options);
      return withWarnings(stream, [...warnings, ...liveApiNameWarning(stream)]);
    },

    get(id: string, options?: CallOptions): Promise<LiveStream> {
      return fetchStream(id, 'get', options);
    },

    async *list(options: ListOptions = {}): AsyncGenerator<LiveStream> {
      // LiveAPI documents no page-size parameter, so `pageSize` is not sent. Pages are walked while the
      // answer carries `page` < `pages`, and the walk stops on an empty page or one with no new stream.
      const seen = new Set<string>();
      for (let page = 1; ; page += 1) {
        const response = await http.request({
          operation: 'list',
          method: 'GET',
          path: 'live_streams',
          ...(page === 1 ? {} : { query: { page } }),
          schema: liveApiListResponseSchema,
          options,
        });
        const { docs, pages } = response.data;
        let fresh = 0;
        for (const item of docs) {
          const stream = remember(mapLiveApiStream(item));
          if (seen.has(stream.id)) continue;
          seen.add(stream.id);
          fresh += 1;
          yield stream;
        }
        const current = Math.max(page, response.data.page ?? 0);
        if (fresh === 0 || pages === undefined || current >= pages) return;
      }
    },

    async update(id: string, patch: UpdateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
      const providerOptions = readProviderOptions(patch, provider, liveApiProviderOptionsSchema, 'update');
      const warnings = liveApiInputWarnings(patch);
      const body = toLiveApiUpdateBody(patch, providerOptions);
      let stream: LiveStream | undefined;
      let targetsToAdd: RestreamTargetInput[] = [];
      let switchedOff: Warning[] = [];
      if (patch.restream !== undefined) {
        for (const target of patch.restream) secrets.learn(target.streamKey);
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
      if (targetsToAdd.length > 0) stream = await addTargets(id, targetsToAdd, 'update', options);
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
    },

    start(id: string, options?: CallOptions): Promise<LiveStream> {
      return patchStream(id, { enabled: true }, 'start', options);
    },

    // `enabled: false` is LiveAPI's documented emergency stop: the encoder's data is refused at once.
    stop(id: string, options?: CallOptions): Promise<LiveStream> {
      return patchStream(id, { enabled: false }, 'stop', options);
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

function withWarnings(stream: LiveStream, warnings: Warning[]): LiveStream {
  return warnings.length === 0 ? stream : { ...stream, warnings };
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
