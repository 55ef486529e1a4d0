import {
  createHttpClient,
  InvalidInputError,
  type LiveStreamProvider,
  learnEnvironmentCredentials,
  loadOptionalSetting,
  markBuiltInProvider,
  type ProviderSettingsBase,
  providerSettingsBaseNames,
  readSettings,
  transportSettings,
  withNotFoundStreamId,
  withUpdateNameChecked,
} from '@unilive/core';
import {
  type VideosdkApiImplementation,
  type VideosdkApiVersion,
  videosdkApiVersions,
  videosdkDefaultApiVersion,
  videosdkV1ProviderOptionsOn,
  videosdkV2ProviderOptionsOn,
} from './videosdk-api-version.js';
import {
  checkVideosdkCredentialSettings,
  createVideosdkCredentials,
  defaultIngestTokenTtlSeconds,
  defaultTokenTtlSeconds,
  resolveVideosdkCredentials,
  tokenTtlBounds,
  VideosdkSecretSet,
  videosdkAccountOf,
  videosdkCredentialSources,
  videosdkEnvironmentVariables,
  videosdkV2TokenClaims,
} from './videosdk-auth.js';
import { classifyVideosdkError, readVideosdkError } from './videosdk-error.js';
import { createVideosdkV1Api } from './videosdk-v1-livestreams.js';
import { createVideosdkV2Api } from './videosdk-v2-rooms.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

/** The vendor's API root; `/v1/…` or `/v2/…` paths are appended to it. */
export const videosdkDefaultBaseUrl = 'https://api.videosdk.live';

/** The environment variable the API root is read from when no `baseUrl` setting is given. */
export const videosdkBaseUrlVariable = 'VIDEOSDK_BASE_URL';

/** The environment variable that picks the API version when the `apiVersion` setting is left out. */
export const videosdkApiVersionVariable = 'VIDEOSDK_API_VERSION';

/** Settings every form of {@link videosdk} takes besides its credentials. */
export interface VideosdkCommonSettings extends ProviderSettingsBase {
  /** API root. Default: `VIDEOSDK_BASE_URL`, else `https://api.videosdk.live`. */
  baseUrl?: string | undefined;
  /**
   * The vendor API to speak: `'v2'` (rooms, WHIP ingest, HLS playback, RTMP-out restream), the default, or
   * `'v1'` (`/v1/livestreams`: RTMP ingest, always on), which the vendor withdrew from its documentation in
   * 2023. Defaults to `VIDEOSDK_API_VERSION`, then `'v2'`. Capabilities differ per version (see
   * `videosdkCapabilities`).
   */
  apiVersion?: VideosdkApiVersion | undefined;
  /**
   * Lifetime of each API token the adapter signs from `apiKey` and `secret`, in seconds (120 to 86 400).
   * Default 600, as in the vendor's v1 API reference; a token is renewed when less than 60 s remain.
   * Ignored with `token`.
   */
  tokenTtlSeconds?: number | undefined;
  /**
   * v2: lifetime of the WHIP publish token handed out as the ingest stream key, in seconds (120 to 86 400).
   * Default 3 600, as the vendor's server SDK signs it; an encoder must connect before it expires, and a
   * later read of the stream returns a fresh one. Ignored with `token`, which is handed out as it is.
   */
  ingestTokenTtlSeconds?: number | undefined;
  /**
   * Internal, for tests: the clock (ms since the epoch) the token signer reads, so renewal can be tested
   * without waiting. Not part of the supported API.
   * @internal
   */
  now?: (() => number) | undefined;
}

/** Credentials as a ready-made JWT, used as given. */
export interface VideosdkTokenSettings extends VideosdkCommonSettings {
  /**
   * A JWT signed with your videosdk.live secret, sent as-is (the vendor wants no `Bearer ` prefix).
   * Defaults to `VIDEOSDK_TOKEN`. It is never renewed: when it expires the vendor answers 401.
   */
  token?: string | undefined;
  apiKey?: undefined;
  secret?: undefined;
}

/** Credentials as the dashboard's API key and secret, from which the adapter signs its own JWTs. */
export interface VideosdkKeySettings extends VideosdkCommonSettings {
  token?: undefined;
  /** Your videosdk.live API key. Defaults to `VIDEOSDK_API_KEY`. */
  apiKey?: string | undefined;
  /** Your videosdk.live secret; it never leaves this process. Defaults to `VIDEOSDK_SECRET`. */
  secret?: string | undefined;
}

/**
 * Settings of {@link videosdk}: either `token`, or `apiKey` and `secret`. Left out, credentials come from
 * `VIDEOSDK_TOKEN`, or from `VIDEOSDK_API_KEY` and `VIDEOSDK_SECRET`.
 */
export type VideosdkSettings = VideosdkTokenSettings | VideosdkKeySettings;

/** Every setting {@link videosdk} takes, by name: another key is refused at the factory. */
export const videosdkSettingNames = /* @__PURE__ */ (() =>
  ({
    ...providerSettingsBaseNames,
    apiVersion: true,
    tokenTtlSeconds: true,
    ingestTokenTtlSeconds: true,
    now: true,
    token: true,
    apiKey: true,
    secret: true,
  }) as const satisfies Record<keyof VideosdkTokenSettings | keyof VideosdkKeySettings, true>)();

/**
 * The provider {@link videosdk} returns, on either API version: a `LiveStreamProvider` whose `id` is
 * `'videosdk'`, so a client of it has `providerId: 'videosdk'` in its type.
 */
export interface VideosdkProvider extends LiveStreamProvider {
  readonly id: 'videosdk';
  readonly secrets: () => readonly string[];
}

/**
 * Creates the videosdk.live provider.
 *
 * ```ts run
 * import { createLiveStreamClient } from '@unilive/core';
 * import { videosdk } from '@unilive/videosdk';
 *
 * const provider = videosdk({ apiKey: process.env.VIDEOSDK_API_KEY, secret: process.env.VIDEOSDK_SECRET });
 * const stream = await createLiveStreamClient(provider).create({ name: 'launch', recording: true });
 * ```
 *
 * Credentials given as settings are checked here (an empty, blank or unsafe one, or a `token` beside an
 * `apiKey` or `secret`, throws `InvalidInputError` with `operation: 'configure'`); those left out are read
 * from the environment on the first request, so a missing one fails that request before anything is sent.
 * With `apiKey` and `secret`, the adapter signs short-lived HS256 tokens itself and renews them before they
 * expire. `apiVersion` picks the vendor API, v2 by default.
 *
 * @throws InvalidInputError for an unknown `apiVersion` (or `VIDEOSDK_API_VERSION`), a token lifetime out of
 *   bounds, or a credential setting as above.
 */
export function videosdk(given: VideosdkSettings = {}): VideosdkProvider {
  const settings = readSettings('videosdk', given, videosdkSettingNames, ['token', 'apiKey', 'secret'], {
    token: [videosdkEnvironmentVariables.token],
    apiKey: [videosdkEnvironmentVariables.apiKey],
    secret: [videosdkEnvironmentVariables.secret],
  });
  checkVideosdkCredentialSettings(settings);
  const apiVersion = readApiVersion(settings.apiVersion);
  const ttlSeconds = readTokenTtl(settings.tokenTtlSeconds, 'tokenTtlSeconds', defaultTokenTtlSeconds);
  const ingestTtlSeconds = readTokenTtl(
    settings.ingestTokenTtlSeconds,
    'ingestTokenTtlSeconds',
    defaultIngestTokenTtlSeconds,
  );
  const secrets = new VideosdkSecretSet();
  for (const value of [settings.token, settings.apiKey, settings.secret]) {
    if (typeof value === 'string') secrets.add(value);
  }
  // Those the environment holds now are secrets from now, not from the first request: a refusal made before
  // any (an option named by the token) is masked by them. Read again when the adapter needs them.
  learnEnvironmentCredentials(videosdkCredentialSources(settings), secrets);
  // One signing code for both versions; only the claims differ (v1 `{ apikey, jti }`, v2 the SDK's).
  const credentials = createVideosdkCredentials({
    settings,
    ttlSeconds,
    ingestTtlSeconds,
    ...(apiVersion === 'v2' ? { claims: videosdkV2TokenClaims, jti: false } : {}),
    now: settings.now ?? Date.now,
    secrets,
  });
  const baseUrl = loadOptionalSetting(settings.baseUrl, videosdkBaseUrlVariable) ?? videosdkDefaultBaseUrl;
  const providerOptionsOn = apiVersion === 'v1' ? videosdkV1ProviderOptionsOn : videosdkV2ProviderOptionsOn;
  let readyHeaders: { token: string; headers: Readonly<Record<string, string>> } | undefined;
  const http = createHttpClient({
    provider: 'videosdk',
    baseUrl,
    // Without a promise while the token is at hand (every request but those that sign a new one), and the
    // same header object until the token changes.
    headers: () => {
      const ready = credentials.readyAuthorization();
      if (ready !== undefined) {
        if (readyHeaders?.token !== ready)
          readyHeaders = { token: ready, headers: Object.freeze({ authorization: ready }) };
        return readyHeaders.headers;
      }
      return credentials.authorization().then((authorization) => ({ authorization }));
    },
    // The API key names the account whose budget a shared rate limit keeps (digested, never stored).
    account: () => videosdkAccountOf(resolveVideosdkCredentials(settings)),
    ...transportSettings(settings),
    secrets,
    readError: readVideosdkError,
    classifyError: classifyVideosdkError,
    // So that a start's refusal says where this version does take provider options (v1: nowhere).
    providerOptionsOn,
  });
  const implementations: Record<VideosdkApiVersion, () => VideosdkApiImplementation> = {
    v1: () => createVideosdkV1Api(http, secrets),
    v2: () =>
      createVideosdkV2Api({
        http,
        secrets,
        whipUrl: `${baseUrl.replace(/\/+$/, '')}/v2/whip`,
        ingestToken: () => credentials.readyIngestToken() ?? credentials.ingestToken(),
      }),
  };
  const api = implementations[apiVersion]();
  const getStatus = api.getStatus;

  const built: VideosdkProvider = markBuiltInProvider(
    withNotFoundStreamId({
      specificationVersion: 'v1',
      id: 'videosdk',
      capabilities: api.capabilities,
      create: (input, options) => api.create(input, options),
      get: (id, options) => api.get(id, options),
      list: (options) => api.list(options),
      update: (id, patch, options) => api.update(id, patch, options),
      delete: (id, options) => api.delete(id, options),
      start: (id, options) => api.start(id, options),
      stop: (id, options) => api.stop(id, options),
      ...(getStatus ? { getStatus: (id, options) => getStatus(id, options) } : {}),
      // Chosen by the API version, as the HTTP layer's above: v2 takes its start settings as start options
      // too, v1 takes none anywhere.
      providerOptionsOn,
      secrets: () => secrets.values(),
    }),
  );
  // Wraps `update` in place: the marked object is the one returned.
  return withUpdateNameChecked(built);
}

function readApiVersion(value: unknown): VideosdkApiVersion {
  const chosen = value ?? loadOptionalSetting(undefined, videosdkApiVersionVariable);
  if (chosen === undefined) return videosdkDefaultApiVersion;
  const known = videosdkApiVersions as readonly unknown[];
  if (known.includes(chosen)) return chosen as VideosdkApiVersion;
  const source = value === undefined ? videosdkApiVersionVariable : '`apiVersion`';
  throw new InvalidInputError({
    provider: 'videosdk',
    operation: 'configure',
    message: `videosdk: unsupported ${source}; expected one of ${videosdkApiVersions.join(', ')}`,
    issues: [{ path: 'apiVersion', message: `expected one of ${videosdkApiVersions.join(', ')}` }],
  });
}

function readTokenTtl(value: unknown, setting: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= tokenTtlBounds.min &&
    value <= tokenTtlBounds.max
  ) {
    return value;
  }
  const expected = `an integer number of seconds from ${tokenTtlBounds.min} to ${tokenTtlBounds.max}`;
  throw new InvalidInputError({
    provider: 'videosdk',
    operation: 'configure',
    message: `videosdk: \`${setting}\` must be ${expected}`,
    issues: [{ path: setting, message: `expected ${expected}` }],
  });
}
