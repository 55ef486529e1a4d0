import {
  type AcceptedAnswer,
  abortedCallError,
  assertValidId,
  type CallOptions,
  type CreateLiveStreamInput,
  cachedCredentialHeaders,
  changeLifecycle,
  createHttpClient,
  describeParts,
  InvalidInputError,
  inputSecrets,
  interruptedAfterAcceptedChange,
  isAnswerAbout,
  keptRestreamTargetsWarning,
  type ListOptions,
  type LiveStream,
  type LiveStreamProvider,
  loadCredential,
  loadOptionalSetting,
  markBuiltInProvider,
  ownValue,
  type ProviderSettingsBase,
  parseVendorResponse,
  pathOf,
  planRestream,
  providerCallOptions,
  providerInput,
  providerSettingsBaseNames,
  type RestreamPlan,
  readBackAfterChange,
  readProviderOptions,
  readSettings,
  refuseAbortedCall,
  requestChange,
  SecretSet,
  startCall,
  streamChanges,
  transportSettings,
  UniliveError,
  type UpdateLiveStreamInput,
  urlPassword,
  type Warning,
  walkPages,
  withNotFoundStreamId,
  withUpdateNameChecked,
} from '@unilive/core';
import {
  type LiveApiStreamBody,
  liveApiInputWarnings,
  liveApiNameWarning,
  liveApiProviderOptionsSchema,
  liveApiSwitchedOffWarning,
  toLiveApiCreateBody,
  toLiveApiPlatformBody,
  toLiveApiUpdateBody,
} from './convert-to-liveapi-live-stream.js';
import {
  type LiveApiStreamReading,
  type LiveApiStreamWithRaw,
  liveApiListPageSchema,
  liveApiStreamReading,
  liveApiStreamResponseSchema,
} from './liveapi-api.js';
import { liveApiCapabilities } from './liveapi-capabilities.js';
import { LiveApiRestreamError, readLiveApiError } from './liveapi-error.js';
import { liveApiState, mapLiveApiStream, streamKeyPassword } from './map-liveapi-live-stream.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

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
export const liveApiSettingNames = /* @__PURE__ */ (() =>
  ({
    ...providerSettingsBaseNames,
    tokenId: true,
    secretKey: true,
  }) as const satisfies Record<keyof LiveApiSettings, true>)();

/**
 * The provider {@link liveapi} returns: a `LiveStreamProvider` whose `id` is `'liveapi'`, so a client of it
 * has `providerId: 'liveapi'` in its type.
 */
export interface LiveApiProvider extends LiveStreamProvider {
  readonly id: 'liveapi';
  readonly secrets: () => readonly string[];
}

/**
 * Creates the LiveAPI provider. Credentials are read when the first request is made, from the settings
 * or the `LIVEAPI_TOKEN_ID` / `LIVEAPI_SECRET_KEY` environment variables; a missing one fails that call
 * with `AuthenticationError` before anything is sent. Settings are checked here: an unknown one (`baseURL`)
 * throws `InvalidInputError` naming the nearest valid name.
 *
 * ```ts uses=tokenId,secretKey run
 * import { createLiveStreamClient } from '@unilive/core';
 * import { liveapi } from '@unilive/liveapi';
 *
 * const client = createLiveStreamClient(liveapi({ tokenId, secretKey }));
 * ```
 */
export function liveapi(given: LiveApiSettings = {}): LiveApiProvider {
  const provider = 'liveapi';
  const settings = readSettings(provider, given, liveApiSettingNames, ['tokenId', 'secretKey'], {
    tokenId: ['LIVEAPI_TOKEN_ID'],
    secretKey: ['LIVEAPI_SECRET_KEY'],
  });
  const secrets = new SecretSet();
  // An update that adds restream targets plans from a read of the stream's targets: two at once would each
  // add theirs to the same read. Updates of one stream made through this provider run one after another.
  const changes = streamChanges(provider);
  secrets.add(settings.tokenId, settings.secretKey);

  const http = createHttpClient({
    provider,
    baseUrl: loadOptionalSetting(settings.baseUrl, liveApiBaseUrlVariable) ?? liveApiDefaultBaseUrl,
    headers: basicAuthorization(settings, secrets),
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
  // Every secret of the answer at once: all of them are kept, however many platforms it lists.
  const remember = (stream: LiveStream): LiveStream => {
    // One array, on every read.
    const values: (string | undefined)[] = [];
    // A password in a URL's user information is a credential too, echoed alone or not.
    for (const endpoint of stream.ingest)
      values.push(
        endpoint.streamKey,
        endpoint.streamKey && streamKeyPassword(endpoint.streamKey),
        urlPassword(endpoint.url),
      );
    for (const target of stream.restream ?? []) values.push(target.streamKey, urlPassword(target.url));
    secrets.holdStream(stream.id, values);
    return stream;
  };

  // A record refused (an id no call could use) still brings its stream's secrets: learned from what the
  // schema read of it, as a read record's are.
  const learnUnread = (partial: unknown, raw: unknown) => {
    if (typeof ownValue(partial, '_id') === 'string') {
      try {
        remember(mapLiveApiStream({ data: partial as LiveApiStreamReading, raw }));
        return;
      } catch {
        // A field the mapping needs is missing (the answer broke off before it): read field by field below.
      }
    }
    learnRecordSecrets(partial);
  };
  // The secrets an answer brings, learned before its `onResponse` event (the adapter's reading after the
  // call finds them in place). A stream is mapped as after the call: its secrets are those of the mapping.
  // A read's answer: its `data` as the schema read it, its body as sent; also what the schema read of an
  // answer it refused or that broke off, learned as a refused record is.
  const learnRead = (data: LiveApiStreamReading, raw: unknown) => learnUnread(data, raw);
  // A change's answer about stream `id`, held as that stream's also when only the beginning of its id
  // arrived (the answer broke off inside it). A read keeps `learnRead`, made once: a record whose id broke
  // off is then held under what arrived of it.
  const learnAbout = (id: string, answer: LiveApiStreamWithRaw) => {
    remember({ ...mapLiveApiStream(answer), id });
  };
  // The secrets of a record as far as it arrived (an answer that broke off may end anywhere, and LiveAPI's
  // field order is not documented), each field read only when present with its type: the stream key and
  // its password, a password in the ingest server's URL, and each platform's key and URL password. Under
  // the stream's id, or as values not tied to a stream when the record broke off before its `_id`.
  const learnRecordSecrets = (record: unknown) => {
    const values: (string | undefined)[] = [];
    const ingest = ownValue(record, 'ingest');
    const key = ownValue(ingest, 'key');
    const server = ownValue(ingest, 'server');
    if (typeof key === 'string') values.push(key, streamKeyPassword(key));
    if (typeof server === 'string') values.push(urlPassword(server));
    const platforms = ownValue(record, 'platforms');
    if (Array.isArray(platforms)) {
      for (const platform of platforms) {
        const platformKey = ownValue(platform, 'key');
        const platformServer = ownValue(platform, 'server');
        if (typeof platformKey === 'string') values.push(platformKey);
        if (typeof platformServer === 'string') values.push(urlPassword(platformServer));
      }
    }
    const id = ownValue(record, '_id');
    if (typeof id === 'string') secrets.learnStream(id, ...values);
    else secrets.learn(...values);
  };
  // A record on its own: one that cannot be read teaches what the schema read of it.
  const learnRecord = (raw: unknown, operation: string) => {
    const context = { provider, operation, secrets, unread: learnUnread };
    try {
      remember(mapLiveApiStream({ data: parseVendorResponse(liveApiStreamReading, raw, context), raw }));
    } catch {
      // Skipped with a warning when a page is walked; the call's own error otherwise.
    }
  };
  // Each record of a list page on its own.
  const learnPage = (docs: readonly unknown[]) => {
    for (const raw of docs) learnRecord(raw, 'list');
  };
  // A create or update answer, read with its body (`liveApiStreamResponseSchema`). One the schema refuses
  // is handed over as the body as sent, not as a reading with its body: its record is learned on its own, as
  // a refused list record's is, under whatever id it gives (the vendor chose its stream key and passwords).
  const learnChange = (
    answer: LiveApiStreamWithRaw,
    body: unknown,
    operation: string,
    learnRead: () => void,
  ) => {
    if (answer.raw === body) learnRead();
    else learnRecord(body, operation);
  };

  async function fetchStream(id: string, operation: string, options?: CallOptions): Promise<LiveStream> {
    // Checked here, naming the provider and the caller's operation, rather than as the path is built.
    assertValidId(id, { provider, operation });
    const response = await http.request({
      operation,
      method: 'GET',
      path: pathOf`live_streams/${id}`,
      stream: id,
      schema: liveApiStreamReading,
      learn: learnRead,
      options,
    });
    return remember(mapLiveApiStream({ data: response.data, raw: response.body }));
  }

  // PATCH answers with the updated stream in every client seen, but that is not documented: any other
  // JSON (`{"success": true}`), or a 2xx without a JSON body, is an accepted change whose stream must be read
  // back (core's `requestChange`).
  async function sendPatch(
    id: string,
    body: LiveApiStreamBody,
    operation: string,
    options?: CallOptions,
  ): Promise<LiveStream | { raw: unknown }> {
    const answer = await requestChange(
      http,
      {
        operation,
        method: 'PATCH',
        path: pathOf`live_streams/${id}`,
        stream: id,
        body,
        schema: liveApiStreamResponseSchema,
        // Setting the same name or the same `enabled` value twice changes nothing.
        idempotent: true,
        learn: (data, body) =>
          learnChange(data, body, operation, () => {
            if (isAnswerAbout(data.data._id, id)) learnAbout(id, data);
          }),
        options,
      },
      { provider, secrets },
    );
    if (answer.readable && answer.data.data._id === id) return remember(mapLiveApiStream(answer.data));
    return { raw: answer.body };
  }

  // start and stop set `enabled`, which LiveAPI takes in any state: they are idempotent by nature. Core's
  // lifecycle rule still applies (a refusal checked against the stream; an answer that is no stream read
  // back, and when that fails the state `enabled` gives, with a read-back-failed warning).
  async function lifecycle(id: string, operation: 'start' | 'stop', options?: CallOptions) {
    // One deadline for the call (totalTimeoutMs): the change and the read back after it.
    options = startCall(options, provider, operation, http);
    assertValidId(id, { provider, operation });
    const enabled = operation === 'start';
    return changeLifecycle({
      provider,
      operation,
      id,
      send: async (): Promise<LiveStream | AcceptedAnswer> => {
        const answer = await sendPatch(id, { enabled }, operation, options);
        // An answer without the stream says nothing of its state: the state `enabled` gives stands only when
        // the read after fails.
        return 'id' in answer ? answer : { state: liveApiState(enabled), raw: answer.raw, inferred: true };
      },
      read: () => fetchStream(id, operation, options),
      secrets,
      states: liveApiCapabilities.states,
    });
  }

  // Adds restream targets one request at a time, in order, after the stream exists. The first failure ends
  // it: the error names what LiveAPI confirmed, what it may hold (a lost answer) and what was not added (the
  // refused target and those after it, not attempted), and how to finish. An abort is an AbortError naming
  // the same parts, as on every adapter. Once every target is in, the
  // stream is read back; if that read fails, the stream as known with the targets, and a warning.
  async function addTargets(
    stream: LiveStream,
    targets: RestreamPlan['add'],
    operation: 'create' | 'update',
    options: CallOptions | undefined,
    before: readonly string[],
  ): Promise<LiveStream> {
    const id = stream.id;
    const partOf = (entry: RestreamPlan['add'][number]) => `restream.${entry.index}`;
    const fail = (cause: unknown, failed: number) => {
      // The caller's signal, or the call's time (totalTimeoutMs) run out: an AbortError or TimeoutError
      // naming what exists once part of the call was accepted (core's rule); the target under way when it
      // came may be held (sent) or not.
      const interrupted = interruptedAfterAcceptedChange(cause, {
        provider,
        operation,
        streamId: id,
        parts: (sent) => ({
          applied: [...before, ...targets.slice(0, failed).map(partOf)],
          unknown: sent ? targets.slice(failed, failed + 1).map(partOf) : [],
          notApplied: targets.slice(failed + (sent ? 1 : 0)).map(partOf),
        }),
        secrets,
      });
      if (interrupted) return interrupted;
      const lost = !UniliveError.isInstance(cause) || cause.delivery === 'unknown';
      const added = targets.slice(0, failed).map(partOf);
      const uncertain = lost ? targets.slice(failed, failed + 1).map(partOf) : [];
      const notApplied = targets.slice(failed + (lost ? 1 : 0)).map(partOf);
      const parts = { applied: [...before, ...added], unknown: uncertain, notApplied };
      const what = lost
        ? `restream target ${failed + 1} of ${targets.length} got no answer unilive could read (${describe(cause)}), so whether LiveAPI holds it is unknown`
        : `restream target ${failed + 1} of ${targets.length} could not be added (${describe(cause)})`;
      const later = targets.length - failed - 1;
      const notTried =
        later > 0 ? ` The ${later} after it ${later === 1 ? 'was' : 'were'} not attempted.` : '';
      const outcome =
        operation === 'create'
          ? `stream ${id} was created, but ${what}.${notTried} ${describeParts(parts)}Do not repeat create: to finish, update the stream (update("${id}", { restream }); through a registry, with its reference) with the whole list (targets LiveAPI holds are kept, the others added), or delete it.`
          : `on stream ${id}, ${what}.${notTried} ${describeParts(parts)}To finish, repeat the update: targets LiveAPI holds are kept, the others added.`;
      return new LiveApiRestreamError({
        message: `liveapi ${operation}: ${outcome}`,
        provider,
        operation,
        streamId: id,
        ...parts,
        targetsAdded: added.length,
        targetsUnknown: uncertain.length,
        targetsRequested: targets.length,
        delivery: lost ? 'unknown' : undefined,
        cause,
        ...(UniliveError.isInstance(cause)
          ? { status: cause.status, vendorCode: cause.vendorCode, vendorMessage: cause.vendorMessage }
          : {}),
        secrets,
      });
    };
    for (const [position, entry] of targets.entries()) {
      try {
        await http.request({
          operation,
          method: 'POST',
          path: pathOf`live_streams/${id}/platforms`,
          stream: id,
          body: toLiveApiPlatformBody(entry.target),
          options,
        });
      } catch (error) {
        throw fail(error, position);
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
          : `${[...before, ...targets.map(partOf)].join(', ')} of stream ${id} were applied`,
      parts: { applied: [...before, ...targets.map(partOf)] },
      read: () => fetchStream(id, operation, options),
      // Each target was sent switched on (`enabled: true`) and accepted.
      accepted: () => ({
        ...stream,
        restream: [
          ...(stream.restream ?? []),
          ...targets.map(({ target }) => ({ ...target, enabled: true })),
        ],
      }),
      secrets,
    });
  }

  const built: LiveApiProvider = markBuiltInProvider(
    withNotFoundStreamId({
      specificationVersion: 'v1',
      id: provider,
      capabilities: liveApiCapabilities,
      secrets: () => secrets.values(),

      async create(given: CreateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
        // A signal aborted already ends the call before its input is checked, as through a client.
        // One deadline for the call (totalTimeoutMs): the stream, each restream target, the read back.
        options = startCall(options, provider, 'create', http);
        // Checked as a client checks it, when called without one: a bad field is refused, not sent.
        const input = providerInput(given, provider, 'create', secrets);
        // Restream keys (and any credential in the options) are secrets before the request: a 400 may echo them.
        const sent = inputSecrets(input, provider);
        secrets.learn(...sent);
        const providerOptions = readProviderOptions(input, provider, liveApiProviderOptionsSchema, 'create', {
          secrets,
        });
        const warnings = liveApiInputWarnings(input, 'create');
        const targets = input.restream ?? [];
        const response = await http.request({
          operation: 'create',
          method: 'POST',
          path: 'live_streams',
          body: toLiveApiCreateBody(input, providerOptions),
          schema: liveApiStreamResponseSchema,
          learn: (data, body) =>
            learnChange(data, body, 'create', () =>
              secrets.learnStream(remember(mapLiveApiStream(data)).id, ...sent),
            ),
          options,
        });
        let stream = remember(mapLiveApiStream(response.data));
        secrets.learnStream(stream.id, ...sent);
        if (targets.length > 0) {
          const entries = targets.map((target, index) => ({ index, target }));
          stream = await addTargets(stream, entries, 'create', options, ['create']);
        }
        return withWarnings(stream, [...warnings, ...liveApiNameWarning(stream)]);
      },

      get(id: string, options?: CallOptions): Promise<LiveStream> {
        const aborted = abortedCallError(options, provider, 'get');
        if (aborted) return Promise.reject(aborted);
        // The call's deadline (totalTimeoutMs), as startCall fixes it.
        return fetchStream(id, 'get', http.startCall?.(options, 'get') ?? options);
      },

      // LiveAPI documents no page-size parameter, so `pageSize` is not sent (a call giving one hears an
      // `unsupported-setting` warning, `noPageSize`). Pages are walked by core with
      // whatever the answer tells (`page`/`pages`/`total`/`limit`, or `totalDocs`/`totalPages`/`hasNextPage`/
      // `nextPage`); an answer with none of them is one unpaged page. Each record is read on its own, so one
      // LiveAPI could not have sent (an unusable id) is skipped with a warning.
      async *list(given?: ListOptions): AsyncGenerator<LiveStream> {
        refuseAbortedCall(given, provider, 'list');
        // Read as a client reads them before anything here does (its `strict`, `name`): `null`, a Map, a getter
        // that throws or a value a client refuses (`pageSize: 0`, `name: ''`) is refused with the client's error.
        const options: ListOptions =
          providerCallOptions(given, provider, 'list', undefined, undefined, secrets) ?? {};
        const context = { provider, operation: 'list', secrets, unread: learnUnread };
        yield* walkPages({
          provider,
          options,
          secrets,
          noPageSize: 'LiveAPI documents no page-size parameter; its pages are the size it chooses',
          fetchPage: async (page) => {
            const { data } = await http.request({
              operation: 'list',
              method: 'GET',
              path: 'live_streams',
              ...(page === 1 ? {} : { query: { page } }),
              schema: liveApiListPageSchema,
              learn: (data) => learnPage(data.docs),
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
            remember(
              mapLiveApiStream({ data: parseVendorResponse(liveApiStreamReading, raw, context), raw }),
            ),
          idOf: (stream) => stream.id,
          // A page holds whole streams: a record named otherwise (or with no name, which the empty name, never
          // sought, stands for) is not the stream a list for one name seeks, and is passed over without taking
          // its id, so a later record of that id carrying the name sought (the stream renamed while the walk
          // crosses pages) is still found.
          nameOf: (stream) => stream.name ?? '',
          // A record it cannot read (an unusable id) that names another stream than a list for one name seeks
          // is passed over without a word. (A blank name, which the stream would not carry, matches no name
          // sought but that blank one, and then the record is reported.)
          nameOfRecord: (raw) => {
            const name = ownValue(raw, 'name');
            return typeof name === 'string' ? name : undefined;
          },
        });
      },

      // An update takes up to three kinds of request: a read of the stream when `restream` is given (to plan
      // the targets), one PATCH for the fields, one POST per target to add. Each part is attempted whatever
      // the one before answered, as long as it was accepted; what was applied is named when a later part
      // fails (LiveApiRestreamError, ChangeAppliedError).
      async update(id: string, given: UpdateLiveStreamInput, options?: CallOptions): Promise<LiveStream> {
        options = startCall(options, provider, 'update', http);
        assertValidId(id, { provider, operation: 'update' });
        return changes(id, 'update', options, async () => {
          // Checked as a client checks it, when called without one: a bad field is refused, not sent.
          const patch = providerInput(given, provider, 'update', secrets);
          secrets.learnSent(id, ...inputSecrets(patch, provider));
          const providerOptions = readProviderOptions(
            patch,
            provider,
            liveApiProviderOptionsSchema,
            'update',
            {
              secrets,
            },
          );
          const warnings = liveApiInputWarnings(patch, 'update');
          const body = toLiveApiUpdateBody(patch, providerOptions);
          // The stream as read before any change, when `restream` needs it planned.
          let before: LiveStream | undefined;
          let targetsToAdd: RestreamPlan['add'] = [];
          let restreamWarnings: Warning[] = [];
          if (patch.restream !== undefined) {
            before = await fetchStream(id, 'update', options);
            const plan = planRestream(before.restream ?? [], patch.restream);
            if (plan.remove.length > 0) {
              // Removing a platform is only known from Castr's API; nothing has been changed at this point.
              throw new InvalidInputError({
                message: `Invalid input for update: restream: expected every current target to be kept; LiveAPI documents no way to remove a restream target (${plan.remove.length} would be removed). Nothing was changed.`,
                provider,
                operation: 'update',
                issues: [{ path: 'restream', message: 'expected every current target to be kept' }],
                delivery: 'not-sent',
              });
            }
            targetsToAdd = plan.add;
            restreamWarnings = [
              ...plan.switchedOff.map(liveApiSwitchedOffWarning),
              ...keptRestreamTargetsWarning(plan.kept),
            ];
          }
          const applied: string[] = [];
          // The stream as LiveAPI answered it, when an answer held it whole; else what is known of it.
          let stream: LiveStream | undefined;
          let known: LiveStream | undefined = before;
          if (Object.keys(body).length > 0) {
            const answer = await sendPatch(id, body, 'update', options);
            applied.push(...Object.keys(body).map(patchedPart));
            if ('id' in answer) stream = answer;
            else if (before) known = withPatch(before, body);
          }
          if (targetsToAdd.length > 0) {
            // A PATCH whose answer held no stream does not stop the targets: the stream is known from before.
            const base = stream ?? known ?? (await fetchStream(id, 'update', options));
            stream = await addTargets(base, targetsToAdd, 'update', options, applied);
          } else if (!stream && applied.length > 0) {
            stream = await readBackAfterChange({
              provider,
              operation: 'update',
              id,
              applied: 'LiveAPI accepted the update',
              parts: { applied },
              read: () => fetchStream(id, 'update', options),
              accepted: known ? () => known as LiveStream : undefined,
              secrets,
            });
          }
          stream ??= before ?? (await fetchStream(id, 'update', options));
          const nameWarning = patch.name === undefined ? [] : liveApiNameWarning(stream);
          return withWarnings(stream, [...warnings, ...nameWarning, ...restreamWarnings]);
        });
      },

      async delete(id: string, options?: CallOptions): Promise<void> {
        options = startCall(options, provider, 'delete', http);
        assertValidId(id, { provider, operation: 'delete' });
        // The answer (`{"success": true}` in client code) is not documented; any 2xx means deleted.
        await http.request({
          operation: 'delete',
          method: 'DELETE',
          path: pathOf`live_streams/${id}`,
          stream: id,
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
    }),
  );
  // Wraps `update` in place: the marked object is the one returned.
  return withUpdateNameChecked(built);
}

// The input path of a field a PATCH sent: `name` is neutral, the rest are provider options.
function patchedPart(field: string): string {
  return field === 'name' ? 'name' : `providerOptions.liveapi.${field}`;
}

// The stream as read before a PATCH LiveAPI accepted without answering the stream, with what it sent.
function withPatch(stream: LiveStream, body: LiveApiStreamBody): LiveStream {
  return {
    ...stream,
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.enabled === undefined ? {} : { state: liveApiState(body.enabled) }),
  };
}

/**
 * `Basic base64(tokenId:secretKey)`, read lazily before each request (a credential from the environment may
 * appear or change); every form of the credentials becomes a secret. The header is encoded again only when
 * the credentials change.
 */
function basicAuthorization(
  settings: LiveApiSettings,
  secrets: SecretSet,
): () => Readonly<Record<string, string>> {
  return cachedCredentialHeaders({
    provider: 'liveapi',
    credentials: [
      { setting: 'tokenId', value: settings.tokenId, environmentVariables: ['LIVEAPI_TOKEN_ID'] },
      { setting: 'secretKey', value: settings.secretKey, environmentVariables: ['LIVEAPI_SECRET_KEY'] },
    ],
    secrets,
    build: ([tokenId, secretKey]) => {
      // HTTP Basic cannot carry a colon in the user name (RFC 7617). The message never puts a word right
      // after "Basic": redaction takes whatever follows `Basic ` for a credential, and masked it.
      if (tokenId.includes(':')) {
        throw new InvalidInputError({
          provider: 'liveapi',
          message:
            'liveapi: tokenId contains ":", which cannot be carried in an HTTP Basic (RFC 7617) user name',
          issues: [{ path: 'tokenId', message: 'expected no ":"' }],
        });
      }
      const encoded = base64(`${tokenId}:${secretKey}`);
      return { headers: { authorization: `Basic ${encoded}` }, secrets: [encoded] };
    },
  });
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

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'unknown failure';
}
