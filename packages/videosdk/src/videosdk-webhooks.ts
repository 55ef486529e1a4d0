import {
  type Clock,
  checkWebhookInput,
  checkWebhookReadTimeout,
  createHttpClient,
  decodeBase64,
  deliveryDigest,
  environment,
  eventTimeWarnings,
  InvalidInputError,
  importRsaPublicKey,
  invalidWebhookOption,
  type LiveStreamEvent,
  type LiveStreamEventType,
  type LiveStreamState,
  loadCredential,
  monotonicClock,
  namedStreamEvent,
  ProviderUnavailableError,
  parseOwn,
  parseWebhookJson,
  readEventTime,
  readSettings,
  readWebhookOptions,
  readWebhookReadOptions,
  readWebhookSecretList,
  SecretSet,
  type SharedRead,
  safeParseOwn,
  servedOperation,
  sharedRead,
  tolerantField,
  trimWhitespace,
  UniliveError,
  verifyRsaSha256,
  type WebCryptoKey,
  type WebhookInput,
  type WebhookOptionsBase,
  type WebhookReadOptions,
  WebhookVerificationError,
  webhookBodyBytes,
  webhookClock,
  webhookHeader,
  webhookReads,
  webhookSecretText,
} from '@unilive/core';
import * as v from 'valibot';
import { videosdkTokenProblem } from './videosdk-auth.js';
import { videosdkBaseUrlVariable } from './videosdk-provider.js';

// videosdk.live v2 webhooks (REST reference "User Webhooks" and "Webhook Verification", server SDK
// `webhooks.verify`): a POST per room subscription (`webhook: { endPoint, events }` on `POST /v2/rooms`),
// body `{ webhookType, data }`, header `videosdk-signature` = base64 RSA-SHA256 (PKCS#1 v1.5, inferred: Node's default padding, which the vendor's sample uses) of the raw
// body, public key (PEM) from `GET /v2/public/rsa-public-key` (`{ publicKey }`). Nothing in the scheme is
// a timestamp or an id: a captured delivery verifies for ever, so de-duplicating on the event id (the
// digest of the body) is the only replay defence. v1 (`/v1/livestreams`) documents no webhooks at all.

const provider = 'videosdk';
// The request of a parse that fetches the key, as error messages name it.
const publicKeyStep = 'fetching the webhook public key';

/** The vendor's API root, where the webhook public key is served. */
export const videosdkWebhookDefaultBaseUrl = 'https://api.videosdk.live';

/** Environment variable read for a pinned public key when no `publicKey` option is given. */
export const videosdkWebhookPublicKeyVariable = 'VIDEOSDK_WEBHOOK_PUBLIC_KEY';

/**
 * Where the webhook public key comes from when it is not pinned: fetched once, then cached. `parseWebhook`
 * hands each call the delivery's `signal` (aborted at `readTimeoutMs`) and `timeoutMs` (what is left of it,
 * in ms); a source that ignores them is no longer waited for at the bound. A custom source is any object
 * (a class instance too) with `get` and `refresh` functions, checked when `parseWebhook` reads its options.
 * PEM text answered in place of a key is imported as a pinned `publicKey` is; text that is no PEM public key,
 * an answer that is no such key (`undefined` from `get`, a number, a list, an HMAC key; from `refresh`,
 * anything but `undefined` or a key), or a `get` that throws anything but a unilive error, is an
 * `InvalidInputError` naming `keySource` (what it
 * threw as `cause`). A `refresh` that rejects (but for the delivery's `TimeoutError` or an
 * `InvalidInputError`) means no new key: the delivery is `bad-signature`, as with the built-in source.
 *
 * The built-in source ({@link videosdkPublicKey}) reads the options of each call first (core's
 * `readWebhookReadOptions`): a `signal` already aborted rejects at once with its reason, the key route
 * not asked; a `signal` that is no `AbortSignal`, a `timeoutMs` that is no number of ms above 0 (at most
 * 2,147,483,647) or options that are no plain object reject with `InvalidInputError` (`operation:
 * 'parseWebhook'`, `delivery: 'not-sent'`) naming `signal`, `timeoutMs` or `options`.
 */
export interface VideosdkPublicKeySource {
  /**
   * The key to verify a delivery with: a WebCrypto `CryptoKey` (RSASSA-PKCS1-v1_5, SHA-256), or PEM text
   * (`-----BEGIN PUBLIC KEY-----`, what `GET /v2/public/rsa-public-key` answers as `publicKey`), which
   * `parseWebhook` imports as it imports a pinned `publicKey`; as it is, or through a promise (or any
   * thenable).
   */
  get(options?: WebhookReadOptions): VideosdkPublicKeyAnswer | PromiseLike<VideosdkPublicKeyAnswer>;
  /**
   * A key fetched again after a signature did not verify (a rotation): a `CryptoKey` or PEM text as `get`
   * answers, or `undefined` for no new key (the delivery is then `bad-signature`); as it is, or through a
   * promise (or any thenable). It is called after every delivery whose signature does not verify, forged
   * ones included: a source that fetches spaces its fetches itself (answering `undefined` in between, as
   * the built-in source does for `refreshMs`), or anyone who knows the webhook URL makes it fetch once per
   * forged delivery.
   */
  refresh(
    options?: WebhookReadOptions,
  ): VideosdkPublicKeyAnswer | undefined | PromiseLike<VideosdkPublicKeyAnswer | undefined>;
}

/**
 * What a {@link VideosdkPublicKeySource} answers for a key: a WebCrypto `CryptoKey`, or PEM text
 * (`-----BEGIN PUBLIC KEY-----`) that `parseWebhook` imports (text that is no PEM public key is an
 * `InvalidInputError` naming `keySource`).
 */
export type VideosdkPublicKeyAnswer = WebCryptoKey | string;

/**
 * The key source {@link videosdkPublicKey} makes: a {@link VideosdkPublicKeySource} whose answers are always
 * imported keys (it imports the PEM text the vendor sends), through a promise.
 */
export interface VideosdkFetchedPublicKeySource extends VideosdkPublicKeySource {
  /** The cached key, fetched on first use. */
  get(options?: WebhookReadOptions): Promise<WebCryptoKey>;
  /** Fetches the key again if the last fetch is older than `refreshMs`; undefined when it is not. */
  refresh(options?: WebhookReadOptions): Promise<WebCryptoKey | undefined>;
}

/** Settings of {@link videosdkPublicKey}. */
export interface VideosdkPublicKeySettings {
  /**
   * The API root. Default: the `VIDEOSDK_BASE_URL` environment variable, as the adapter reads it, else
   * `https://api.videosdk.live`; so an app pointed at the sandbox by its environment fetches the sandbox's key.
   */
  baseUrl?: string | undefined;
  /** Replaces the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Sent as `Authorization` (the bare JWT, as every videosdk call): the docs do not say whether it is
   * needed. Left out, none is sent. Held to the adapter's own `token` rule when the source is made: the
   * whitespace around it is dropped; empty or only whitespace (alike), control characters, more than 8,192 characters, characters beyond Latin-1
   * or a scheme prefix are an `InvalidInputError` naming `token` (`operation: 'configure'`).
   */
  token?: string | undefined;
  /**
   * After a signature fails, the key is fetched again at most this often, in ms (a rotation). Default 10 min.
   * A fetch again that fails (or is given up at the delivery's `readTimeoutMs`) is tried again no sooner
   * than 30 s later (`refreshMs` when that is shorter), or after the `Retry-After` of a 429 when the vendor
   * sent one (at most `refreshMs`): the key held stays in use meanwhile, and forged deliveries cannot drive
   * one request each to a failing key route.
   */
  refreshMs?: number | undefined;
  /**
   * The time in ms, read when the key is fetched and when a refresh is considered: only the time between
   * two readings counts. Default core's `monotonicClock` (ms since the epoch at the start, then never
   * stepping back, whatever the wall clock does). A clock that steps back (a wall clock corrected by NTP)
   * counts as `refreshMs` having passed, so a rotated key is fetched at once rather than after the clock
   * catches up. A clock that throws or answers anything but a finite number makes the `parseWebhook` that
   * reads it throw `InvalidInputError` naming `keySource.clock` (what it threw as the `cause`).
   */
  clock?: Clock | undefined;
}

// Each schema is built inside a call marked pure: a bundle that never reads a webhook then drops it, where
// a bundler keeps an unused top-level `v.looseObject(…)` (it cannot tell the call has no effect).
const publicKeyResponseSchema = /* @__PURE__ */ (() =>
  v.looseObject({ publicKey: v.optional(v.unknown()) }))();

// The names videosdkPublicKey takes, typed so a setting added to the interface and not here fails to compile.
const publicKeySettingNames = {
  baseUrl: true,
  fetch: true,
  token: true,
  refreshMs: true,
  clock: true,
} as const satisfies Record<keyof VideosdkPublicKeySettings, true>;

/**
 * The videosdk webhook public key from `GET /v2/public/rsa-public-key`, fetched once and cached. When a
 * signature does not verify, the key is fetched again (at most every `refreshMs`), in case the vendor
 * rotated it.
 *
 * @throws InvalidInputError (`operation: 'configure'`, `delivery: 'not-sent'`) when the source is made,
 *   before any request, naming the setting: settings that are no plain object (a `Map`, a class instance:
 *   its entries would be taken for none, and the key fetched from the production API), a name it does not
 *   have (`clok` names `clock`), a setting that cannot be read (a getter or a Proxy in it throws, a revoked
 *   Proxy), `null` for a setting, a `baseUrl` that is no https URL (http only to this machine), a `fetch`,
 *   `clock` that is no function, a `token` that is no text, empty or only whitespace (alike: no request
 *   could carry either; leave it out to send none), or that the adapter's own `token` setting refuses
 *   (control characters, C0, DEL or C1; more than 8,192 characters; characters beyond Latin-1, which no
 *   header can carry; a `Bearer ` or `Basic ` prefix), a `refreshMs` that is no number of ms from 0.
 */
export function videosdkPublicKey(given: VideosdkPublicKeySettings = {}): VideosdkFetchedPublicKeySource {
  // Read as an adapter's settings are (core's readSettings): own properties of a plain object, each once,
  // every name known, before anything is fetched.
  const settings = readSettings(provider, given, publicKeySettingNames);
  checkPublicKeySettings(settings);
  // Each reading checked: a clock that throws or answers no time is the option failing, named as the
  // `keySource` it makes (core's webhookClock), never a TypeError or a refresh that never comes (NaN).
  // The spacing of fetches is an interval, never a wall time: by default a monotonic clock (core's
  // monotonicClock), so a wall clock stepped back (an NTP correction, a VM restored) cannot hold a refresh
  // off until it catches up; a given clock that steps back counts as time enough having passed.
  const clock = webhookClock(provider, settings.clock ?? monotonicClock, 'keySource.clock');
  const refreshMs = settings.refreshMs ?? 600_000;
  // A fetch that failed spaces the next fetch again: never longer than refreshMs, which a fetch that
  // succeeded waits anyway.
  const failedWaitMs = Math.min(refreshMs, 30_000);
  const secrets = new SecretSet();
  // The whitespace around the token dropped, as the adapter's own `token` setting's is (core's loadCredential).
  const token = settings.token === undefined ? undefined : trimWhitespace(settings.token);
  if (token) secrets.add(settings.token, token);
  // Through core's HTTP layer, like every other request: the base URL is checked here (https, or http to
  // this machine; no user information, no other scheme), a redirect to another origin or to http is never
  // followed, the answer is capped and timed, and errors are typed and scrubbed. The key decides which
  // deliveries are trusted, so it never comes from anywhere but the configured origin.
  const http = createHttpClient({
    provider,
    baseUrl: settings.baseUrl ?? keyBaseUrl(),
    headers: () => (token ? { authorization: token } : {}),
    secrets,
    fetch: settings.fetch,
    timeoutMs: 10_000,
    totalTimeoutMs: 20_000,
    retry: { maxRetries: 0 },
    maxResponseBytes: 64 * 1024,
  });
  // The key in use, once fetched; the fetch under way, shared by every delivery that asks while it runs.
  let key: CryptoKey | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let loading: SharedRead<CryptoKey> | undefined;
  // When the last fetch failed (the clock's ms), and how long refresh then fetches nothing.
  let failedAt = Number.NEGATIVE_INFINITY;
  let failedWait = 0;

  // The time is read by the caller, before the fetch: a clock that fails fails the call that read it, never
  // a refresh whose failures are taken as "no new key". Aborted only when no delivery waits for it any more
  // (each stops at its readTimeoutMs); a fetch that fails or is aborted leaves the key and the time of the
  // last fetch that brought one as they were, so a delivery with no key fetches again, and it holds off
  // refresh for a while (retryAt): each forged delivery would otherwise ask the failing route once.
  const load = (now: number): SharedRead<CryptoKey> => {
    if (loading && !loading.abandoned) return loading;
    const started = sharedRead(async (signal) => {
      let loaded: CryptoKey;
      try {
        loaded = await fetchKey(signal);
      } catch (error) {
        const asked = UniliveError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0;
        failedAt = now;
        failedWait = Math.min(refreshMs, Math.max(failedWaitMs, asked));
        throw error;
      }
      // A fetch every delivery left keeps nothing, whenever it ends.
      if (signal.aborted) throw signal.reason;
      key = loaded;
      fetchedAt = now;
      return loaded;
    });
    loading = started;
    started.done
      .finally(() => {
        if (loading === started) loading = undefined;
      })
      .catch(() => {});
    return started;
  };

  const fetchKey = async (signal: AbortSignal): Promise<CryptoKey> => {
    const response = await http.request({
      operation: 'parseWebhook',
      // The message says which request of the parse failed: `videosdk parseWebhook (fetching the webhook
      // public key) failed (HTTP 503)`.
      step: publicKeyStep,
      method: 'GET',
      path: 'v2/public/rsa-public-key',
      schema: publicKeyResponseSchema,
      options: { signal },
    });
    const pem = response.data.publicKey;
    const key = typeof pem === 'string' ? await importRsaPublicKey(pem) : undefined;
    if (!key) {
      throw new ProviderUnavailableError({
        provider,
        operation: 'parseWebhook',
        status: response.status,
        message: `${provider} parseWebhook (${publicKeyStep}): the public key endpoint answered no PEM public key`,
      });
    }
    return key;
  };

  return {
    async get(options) {
      // Before the key is read: an aborted signal ends the call (no fetch starts), and options a caller of
      // its own gave wrongly are refused by name.
      const signal = readWebhookReadOptions(provider, options);
      if (key) return key;
      return load(clock()).join(signal);
    },
    async refresh(options) {
      const signal = readWebhookReadOptions(provider, options);
      const now = clock();
      // A negative elapsed time is a clock that stepped back: time enough, or the refresh would wait for
      // the clock to catch up (an hour for an hour's step), every rotated key's delivery bad-signature.
      if (within(now - fetchedAt, refreshMs) || within(now - failedAt, failedWait)) return undefined;
      try {
        return await load(now).join(signal);
      } catch (error) {
        // The delivery's bound passing is its TimeoutError; any other failure leaves "no new key".
        if (signal?.aborted && error === signal.reason) throw error;
        return undefined;
      }
    },
  };
}

// Whether an elapsed time is still inside a wait: from 0 (a negative one, a clock that stepped back, is
// not) up to the wait.
function within(elapsedMs: number, waitMs: number): boolean {
  return elapsedMs >= 0 && elapsedMs < waitMs;
}

// The values readSettings leaves to the caller (the base URL and fetch are checked by the HTTP client).
function checkPublicKeySettings(settings: VideosdkPublicKeySettings): void {
  const issues: { path: string; message: string }[] = [];
  const { token, refreshMs, clock } = settings;
  if (token !== undefined && typeof token !== 'string')
    issues.push({ path: 'token', message: 'expected text' });
  else if (token !== undefined && trimWhitespace(token) === '') {
    // Empty and only whitespace alike: no request could carry either as a token. Taken for "no token", an
    // empty one (a variable read as '') would fetch without the credentials the caller meant to send.
    issues.push({ path: 'token', message: 'expected a token, or the setting left out to send none' });
  } else if (token !== undefined) {
    // Checked as the adapter's own `token` setting is (core's loadCredential, then videosdkTokenProblem):
    // control characters (C0, DEL, C1), more than 8,192 characters, characters beyond Latin-1 and a scheme
    // prefix are refused here, when the source is made, never sent in a header.
    try {
      loadCredential({ provider, setting: 'token', value: token, environmentVariables: [] });
      const problem = videosdkTokenProblem(trimWhitespace(token));
      if (problem) issues.push({ path: 'token', message: problem.issue });
    } catch (error) {
      if (!InvalidInputError.isInstance(error)) throw error;
      for (const issue of error.issues) issues.push({ path: 'token', message: issue.message });
    }
  }
  if (
    refreshMs !== undefined &&
    !(typeof refreshMs === 'number' && refreshMs >= 0 && refreshMs <= Number.MAX_SAFE_INTEGER)
  ) {
    issues.push({ path: 'refreshMs', message: 'expected a number of ms from 0' });
  }
  if (clock !== undefined && typeof clock !== 'function') {
    issues.push({ path: 'clock', message: 'expected a function returning ms since the epoch' });
  }
  if (issues.length === 0) return;
  throw new InvalidInputError({
    provider,
    operation: 'configure',
    message: `${provider}: invalid key source settings: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
    issues,
    delivery: 'not-sent',
  });
}

// The API root the key is fetched from when none is given: where the adapter's own calls go.
function keyBaseUrl(): string {
  return environment()[videosdkBaseUrlVariable] || videosdkWebhookDefaultBaseUrl;
}

// One default source per API root, so the key is fetched once per process and origin.
const defaultSources = new Map<string, VideosdkPublicKeySource>();

function defaultSourceFor(root: string): VideosdkPublicKeySource {
  let source = defaultSources.get(root);
  if (!source) {
    source = videosdkPublicKey({ baseUrl: root });
    defaultSources.set(root, source);
  }
  return source;
}

/** Options of the videosdk {@link parseWebhook}. */
export interface VideosdkWebhookOptions extends WebhookOptionsBase {
  /**
   * The public key, pinned: PEM (`-----BEGIN PUBLIC KEY-----`) or an imported WebCrypto key; several
   * during a rotation, as a list (each entry one key) or as text of PEM keys separated by commas (a PEM
   * holds none), the rule of every webhook secret (core's `webhookSecretText`). Defaults to the
   * `VIDEOSDK_WEBHOOK_PUBLIC_KEY` environment variable, read by the same rule, then to `keySource`. A text
   * that is not a PEM public key is an `InvalidInputError` naming it (`publicKey`, `publicKey.1`); so is a
   * value or entry that is neither text nor a `CryptoKey` of type `public` for RSASSA-PKCS1-v1_5 with
   * SHA-256 usable to `verify` (a number, `{}`, an HMAC, ECDSA, RSA-PSS or private key), an empty list
   * (it would fall through to the key source) and a hole or empty text in a list. A list
   * is read once, entry by entry by index (core's `readWebhookSecretList`): one whose reading throws (a
   * Proxy whose `length` or an entry throws, a getter on an entry, a revoked Proxy) is an
   * `InvalidInputError` naming `publicKey` (`could not be read`, what was thrown as `cause`), never the
   * caller's error; so is a list of more than 1,000 entries.
   */
  publicKey?: string | WebCryptoKey | readonly (string | WebCryptoKey)[] | undefined;
  /**
   * Fetches the key when none is pinned: `videosdkPublicKey({ baseUrl })` for another API root (the
   * sandbox's, say). Default: one shared {@link videosdkPublicKey} for the API root `VIDEOSDK_BASE_URL`
   * names, else the vendor's, so the key is fetched once per process. A value without `get` and `refresh`
   * functions, `null` included, is an `InvalidInputError` naming `keySource`, before anything is read (so is
   * `publicKey: null`: leave an option out for its default).
   */
  keySource?: VideosdkPublicKeySource | undefined;
  /**
   * How long the key source may take for one delivery (its first fetch, and the fetch again after a
   * signature that does not verify, together), in ms (a number above 0, at most 2,147,483,647): the same
   * option, with the same meaning, as every adapter's bound of its vendor reads. Default
   * `defaultWebhookReadTimeoutMs` (5 s): half the 10 s the shortest sender timeout known here allows. At the
   * bound the source's `signal` is aborted and the delivery fails with a `TimeoutError` (`operation:
   * 'parseWebhook'`), which `createWebhookHandler` answers 500, so the vendor delivers again; the key is not
   * cached from a fetch that did not end, and the next delivery fetches it again. A pinned key reads nothing.
   * Anything else is an `InvalidInputError` naming `readTimeoutMs`.
   */
  readTimeoutMs?: number | undefined;
}

// Every option parseWebhook takes: a misspelt one (`publicKy`) is refused naming the nearest.
const videosdkWebhookOptionNames = /* @__PURE__ */ Object.keys({
  publicKey: true,
  keySource: true,
  readTimeoutMs: true,
  clock: true,
} satisfies Record<keyof VideosdkWebhookOptions, true>);

const envelopeSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    webhookType: v.optional(v.string()),
    // The server SDK also reads `type`.
    type: v.optional(v.string()),
    // Read as left out when it is no object (`null`, a text): the delivery names no room, so it is an
    // unknown event, never refused as having no webhookType.
    data: v.fallback(v.optional(v.looseObject({}), {}), {}),
  }))();

const dataSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    meetingId: tolerantField(v.string()),
    roomId: tolerantField(v.string()),
    sessionId: tolerantField(v.string()),
    start: tolerantField(v.string()),
    end: tolerantField(v.string()),
    playbackHlsUrl: tolerantField(v.string()),
    livestreamUrl: tolerantField(v.string()),
    downstreamUrl: tolerantField(v.string()),
    fileUrl: tolerantField(v.string()),
    filePath: tolerantField(v.string()),
  }))();

type Data = v.InferOutput<typeof dataSchema>;

// What a vendor event becomes: a `state_changed` always says to what.
type Mapped = { data?: Record<string, unknown> } & (
  | { type: 'live_stream.state_changed'; state: LiveStreamState }
  | { type: Exclude<LiveStreamEventType, 'live_stream.state_changed'>; broadcasting?: boolean }
);

// The room's HLS egress is the stream's lifecycle (the v2 state table: starting, ready, stopping, stopped);
// a failed start leaves no egress, so `stopped`. `hls-started` is the egress up with its playback URL but
// not yet playable: the vendor sends `hls-playable` after it (its client SDKs' HLS_STARTED, then
// HLS_PLAYABLE), and a viewer handed the URL before then gets no video. So only `hls-playable` is `ready`.
// A Map: the key is the vendor's text, and `constructor` or `__proto__` must find nothing.
const hlsStates = new Map<string, LiveStreamState>([
  ['hls-starting', 'starting'],
  ['hls-started', 'starting'],
  ['hls-playable', 'ready'],
  ['hls-stopping', 'stopping'],
  ['hls-stopped', 'stopped'],
  ['hls-failed', 'stopped'],
]);

function mapEvent(name: string, data: Data): Mapped | undefined {
  const hls = hlsStates.get(name);
  if (hls) {
    const playbackUrl = data.playbackHlsUrl ?? data.downstreamUrl;
    return {
      type: 'live_stream.state_changed',
      state: hls,
      data: {
        ...(playbackUrl ? { playbackUrl } : {}),
        ...(data.livestreamUrl ? { livestreamUrl: data.livestreamUrl } : {}),
        ...(name === 'hls-failed' ? { failed: true } : {}),
      },
    };
  }
  // `livestream-*` is the RTMP-out egress: the restream targets.
  const restream = /^livestream-(starting|started|stopping|stopped|failed)$/.exec(name)?.[1];
  if (restream) return { type: 'live_stream.restream_changed', data: { restream } };
  const recording = /^recording-(starting|started|stopping|stopped|failed)$/.exec(name)?.[1];
  if (recording === 'stopped') {
    return {
      type: 'live_stream.recording_ready',
      data: {
        ...(data.fileUrl ? { url: data.fileUrl } : {}),
        ...(data.filePath ? { path: data.filePath } : {}),
      },
    };
  }
  if (recording) return { type: 'live_stream.updated', data: { recording } };
  // A session is the room in use: it starts with the first participant and ends with the last, and the HLS
  // composer, joining the room to record its egress, is one. So a session tells of no encoder: it is the
  // stream updated (`data.session`), never `connected` with a `broadcasting` no source backs.
  if (name === 'session-started') return { type: 'live_stream.updated', data: { session: 'started' } };
  if (name === 'session-ended') return { type: 'live_stream.updated', data: { session: 'ended' } };
  return undefined;
}

/**
 * Verifies and normalises one videosdk v2 webhook delivery. `streamId` is the room id (`data.meetingId`,
 * else `data.roomId`); a delivery that names no room is `unknown` with `streamId` `''`. `data.vendorEvent`
 * is the vendor's `webhookType`.
 *
 * - `hls-starting|started|playable|stopping|stopped|failed` → `live_stream.state_changed` with the v2 state
 *   table's `state` (`data.playbackUrl` once playable);
 * - `livestream-*` (RTMP out) → `live_stream.restream_changed` (`data.restream`: `started`, …);
 * - `recording-stopped` → `live_stream.recording_ready` (`data.url`); other `recording-*` →
 *   `live_stream.updated` (`data.recording`);
 * - `session-started` / `session-ended` → `live_stream.updated` with `data.session` `started` / `ended`
 *   (`occurredAt` from `data.start` / `data.end`): a session is the room in use, the HLS composer's own
 *   included, and tells of no encoder;
 * - anything else (`participant-*`, `transcription-*`, …) → `unknown`.
 *
 * The vendor signs no timestamp and no id: `id` is the SHA-256 of the body, and de-duplicating on it (the
 * event hub does) is the only defence against a replayed delivery.
 *
 * Throws {@link WebhookVerificationError}: `body-not-raw`, `missing-signature`, `bad-signature`,
 * `malformed-body`; `InvalidInputError` for a pinned key that is no PEM public key, a `publicKey` or
 * `keySource` given as `null`, a `publicKey` (or an entry of its list) that is no RSA public verify key or
 * PEM text, an empty `publicKey` list, a `keySource` without `get` and `refresh` functions, or one whose
 * `get` throws (not a unilive error) or answers anything but such a key or PEM text;
 * `ProviderUnavailableError` when the key must be fetched and cannot be; `TimeoutError` (`operation:
 * 'parseWebhook'`) when the key source has not answered within `readTimeoutMs` (default 5 s).
 */
export async function parseWebhook(
  input: WebhookInput,
  given: VideosdkWebhookOptions = {},
): Promise<LiveStreamEvent[]> {
  // Read once, before anything else (a key fetched, a signature checked): the rest reads only this copy.
  const options = readWebhookOptions<VideosdkWebhookOptions>(provider, given, videosdkWebhookOptionNames);
  checkWebhookInput(provider, input);
  // `null` is no "none": it would fall through to the vendor's production key route.
  if (options.publicKey === null) {
    throw invalidWebhookOption(
      provider,
      'publicKey',
      'must be a PEM public key, a CryptoKey or a list of them, not null (leave it out for the key source)',
    );
  }
  const keySource = readKeySource(options.keySource);
  // A list copied once by core's one reader of secret lists: one whose reading throws is named, not escaping.
  const publicKey = readWebhookSecretList(provider, 'publicKey', options.publicKey) as
    | VideosdkWebhookOptions['publicKey']
    | undefined;
  const readTimeoutMs = checkWebhookReadTimeout(provider, 'readTimeoutMs', options.readTimeoutMs);
  const pinned = await pinnedKeys(publicKey ?? environment()[videosdkWebhookPublicKeyVariable]);
  const body = await webhookBodyBytes(input.body, provider);
  const header = webhookHeader(input.headers, 'videosdk-signature')?.trim();
  if (!header) {
    throw new WebhookVerificationError({
      provider,
      reason: 'missing-signature',
      message: `${provider} webhook: no videosdk-signature header (not sent by the vendor, or removed by a proxy)`,
    });
  }
  const signature = decodeBase64(header);
  let verified = false;
  if (signature && signature.length > 0) {
    if (pinned) {
      for (const key of pinned) if (await verifyRsaSha256(key, signature, body)) verified = true;
    } else {
      const source = keySource ?? defaultSourceFor(keyBaseUrl());
      // Both fetches of one delivery within one bound: a source that has not answered by then fails it.
      const reads = webhookReads(provider, readTimeoutMs, 'readTimeoutMs');
      let signal: AbortSignal | undefined;
      try {
        let key: unknown;
        try {
          key = await reads.read('the key source', (bound) => {
            signal = bound.signal;
            return source.get.call(source, bound);
          });
        } catch (error) {
          throw keySourceFailed(error);
        }
        verified = await verifyRsaSha256(await sourcedKey(key, 'get'), signature, body);
        if (!verified) {
          let renewed: unknown;
          try {
            renewed = await reads.read('the key source', (bound) => source.refresh.call(source, bound));
          } catch (error) {
            // The bound passing is the delivery's TimeoutError, and an InvalidInputError a configuration
            // fault (a clock that fails): both 500. Any other failure of a refresh, the built-in source's or a
            // custom one's, is "no new key", so the delivery ends bad-signature (400).
            if (signal?.aborted && error === signal.reason) throw error;
            if (InvalidInputError.isInstance(error)) throw error;
          }
          // Only undefined is "no new key" (as documented); any other answer, null or '' too, is checked.
          if (renewed !== undefined)
            verified = await verifyRsaSha256(await sourcedKey(renewed, 'refresh'), signature, body);
        }
      } finally {
        reads.end();
      }
    }
  }
  if (!verified) {
    throw new WebhookVerificationError({
      provider,
      reason: 'bad-signature',
      message:
        `${provider} webhook: videosdk-signature does not verify over the body with the public key. Check ` +
        'that the body reaches parseWebhook byte for byte (never JSON.stringify of a parsed body)',
    });
  }

  const raw = parseWebhookJson(body, provider);
  const envelope = safeParseOwn(envelopeSchema, raw);
  const name = envelope.success ? (envelope.output.webhookType ?? envelope.output.type) : undefined;
  if (!envelope.success || name === undefined) {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body has no webhookType`,
    });
  }
  const data = parseOwn(dataSchema, envelope.output.data);
  // The first that names a room: an empty id names none, and the other field may.
  const roomId = data.meetingId || data.roomId || undefined;
  const mapped = roomId === undefined ? undefined : mapEvent(name, data);
  // The type and what it claims (`state`, `broadcasting`), apart from the details that join `data`.
  const { data: details, ...claims } = mapped ?? { type: 'unknown' };
  const clock = webhookClock(provider, options.clock);
  const timeField = name === 'session-ended' ? 'end' : name === 'session-started' ? 'start' : undefined;
  const sentData: unknown = Object.hasOwn(raw, 'data') ? raw.data : undefined;
  const sentTime =
    timeField !== undefined &&
    typeof sentData === 'object' &&
    sentData !== null &&
    Object.hasOwn(sentData, timeField);
  const time = readEventTime(
    sentTime ? (sentData as Record<string, unknown>)[timeField as string] : undefined,
    clock(),
  );
  // A session's start or end is in every one the vendor documents: one without it is told, as one whose
  // time cannot be read is, since its occurredAt is then only the time it arrived.
  const timeWarnings =
    timeField !== undefined && !sentTime
      ? {
          warnings: [
            {
              type: 'fallback' as const,
              setting: `data.${timeField}`,
              message: `data.${timeField} is missing; occurredAt is the time of receipt`,
            },
          ],
        }
      : eventTimeWarnings(time, `data.${timeField}`);
  return [
    namedStreamEvent({
      id: await deliveryDigest(body),
      provider,
      streamId: roomId ?? '',
      occurredAt: time.occurredAt,
      ...timeWarnings,
      ...claims,
      data: { vendorEvent: name, ...(data.sessionId ? { sessionId: data.sessionId } : {}), ...details },
      raw,
    }),
  ];
}

// A custom key source, checked when the options are read: an object with `get` and `refresh` functions.
function readKeySource(value: unknown): VideosdkPublicKeySource | undefined {
  if (value === undefined) return undefined;
  const problem =
    'must be a key source: an object with get and refresh functions (videosdkPublicKey(…)), or left out';
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw invalidWebhookOption(provider, 'keySource', problem);
  }
  let get: unknown;
  let refresh: unknown;
  try {
    ({ get, refresh } = value as VideosdkPublicKeySource);
  } catch (error) {
    throw invalidWebhookOption(provider, 'keySource', 'could not be read (see cause)', error);
  }
  if (typeof get !== 'function' || typeof refresh !== 'function') {
    throw invalidWebhookOption(provider, 'keySource', problem);
  }
  return value as VideosdkPublicKeySource;
}

// What a throwing `get` threw, as the caller sees it: a unilive error (the built-in source's fetch failing,
// the bound's TimeoutError) named for `parseWebhook`; anything else typed, naming the option, with the thrown value as cause.
function keySourceFailed(error: unknown): unknown {
  // Named for the call the caller made (a source of the caller's may throw a client call's error).
  if (UniliveError.isInstance(error)) return servedOperation(error, 'parseWebhook');
  return invalidWebhookOption(provider, 'keySource', 'threw; the key could not be read (see cause)', error);
}

// A key a source answered: PEM text is imported, as a pinned `publicKey` is; text that is no PEM public key,
// or an answer that is neither text nor an RSA public verify key (undefined, a number, a list), is the
// source's fault, never the delivery's bad signature: every delivery, genuine or forged, would be refused.
async function sourcedKey(key: unknown, call: 'get' | 'refresh'): Promise<CryptoKey> {
  if (typeof key !== 'string') {
    const problem = rsaVerifyKeyProblem(key);
    if (problem === undefined) return key as CryptoKey;
    throw invalidWebhookOption(
      provider,
      'keySource',
      `${call} answered ${problem}: it must answer a CryptoKey or PEM text (-----BEGIN PUBLIC KEY-----)`,
    );
  }
  const imported = await importRsaPublicKey(key);
  if (imported) return imported;
  throw invalidWebhookOption(
    provider,
    'keySource',
    `${call} answered text that is no PEM public key (-----BEGIN PUBLIC KEY-----)`,
  );
}

/**
 * What makes a value no key a videosdk signature can be verified with, or undefined when it is one: a
 * WebCrypto `CryptoKey` of type `public`, algorithm RSASSA-PKCS1-v1_5 with SHA-256, usable to `verify`
 * (the scheme of the vendor's `videosdk-signature`). Anything else would make every delivery
 * `bad-signature`, silently; the text says what was given, never its value.
 */
function rsaVerifyKeyProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return value === undefined || value === null ? String(value) : `a ${typeof value}`;
  }
  if (Object.prototype.toString.call(value) !== '[object CryptoKey]') {
    return Array.isArray(value) ? 'a list' : 'an object that is no CryptoKey';
  }
  try {
    const key = value as CryptoKey;
    const algorithm = key.algorithm as { name?: unknown; hash?: { name?: unknown } };
    if (key.type !== 'public') return `a ${String(key.type)} CryptoKey (a public key is needed)`;
    if (algorithm.name !== 'RSASSA-PKCS1-v1_5' || algorithm.hash?.name !== 'SHA-256') {
      return `a CryptoKey for ${String(algorithm.name)} (RSASSA-PKCS1-v1_5 with SHA-256 is needed)`;
    }
    if (!key.usages.includes('verify')) return 'a CryptoKey that cannot verify (its usages lack verify)';
  } catch {
    return 'a CryptoKey that could not be read';
  }
  return undefined;
}

async function pinnedKeys(
  value: string | CryptoKey | readonly (string | CryptoKey)[] | undefined,
): Promise<CryptoKey[] | undefined> {
  if (value === undefined || value === '') return undefined;
  const pinnedProblem = 'must be a PEM public key, a CryptoKey or a list of them';
  // A text holds one key or several separated by commas (webhookSecretText, the rule of every webhook
  // secret and of the environment variable); a list's entries are each one key.
  let list: readonly unknown[];
  if (typeof value === 'string') list = webhookSecretText(value);
  else if (Array.isArray(value)) list = value;
  else {
    // One key given alone: checked as a list's entry is, so a number, `{}` or an HMAC key is refused here
    // rather than making every delivery bad-signature.
    const problem = rsaVerifyKeyProblem(value);
    if (problem !== undefined) {
      throw invalidWebhookOption(provider, 'publicKey', `${pinnedProblem} (got ${problem})`);
    }
    return [value as CryptoKey];
  }
  if (list.length === 0) {
    // An empty list is a slip, not "no key": it would otherwise fall through to the vendor's production
    // key route, as `null` would.
    throw invalidWebhookOption(
      provider,
      'publicKey',
      typeof value === 'string'
        ? 'holds no key: give one PEM public key, or several separated by commas'
        : 'must hold a key: give one PEM public key or CryptoKey, or several in a list (leave it out for the key source)',
    );
  }
  const entryPath = (index: number) => (list.length > 1 ? `publicKey.${index}` : 'publicKey');
  // Every entry checked before any is used; a hole in a list is read as undefined and refused by its place.
  list.forEach((each, index) => {
    if (typeof each === 'string') {
      if (each.trim() === '')
        throw invalidWebhookOption(provider, entryPath(index), 'must be a non-empty PEM');
      return;
    }
    const problem = rsaVerifyKeyProblem(each);
    if (problem !== undefined) {
      throw invalidWebhookOption(provider, entryPath(index), `${pinnedProblem} (got ${problem})`);
    }
  });
  return Promise.all(
    list.map(async (each, index) => {
      if (typeof each !== 'string') return each as CryptoKey;
      const key = await importRsaPublicKey(each);
      if (!key) {
        throw invalidWebhookOption(
          provider,
          entryPath(index),
          'must be a PEM public key (-----BEGIN PUBLIC KEY-----), as GET /v2/public/rsa-public-key returns it',
        );
      }
      return key;
    }),
  );
}
