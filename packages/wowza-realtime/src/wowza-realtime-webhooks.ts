import {
  checkWebhookInput,
  checkWebhookReadTimeout,
  checkWebhookTimestamp,
  decodeBase64,
  decodeHex,
  deliveryDigest,
  type EventTime,
  eventTimeWarnings,
  hmac,
  InvalidInputError,
  invalidWebhookOption,
  keyTexts,
  knownValuesRedactor,
  type LiveStream,
  type LiveStreamEvent,
  type LiveStreamEventType,
  maskedFailure,
  monotonicClock,
  namedStreamEvent,
  parseOwn,
  parseWebhookJson,
  type Redactor,
  readEventTime,
  readSettings,
  readWebhookOptions,
  readWebhookReadOptions,
  type SharedRead,
  safeParseOwn,
  servedOperation,
  sharedRead,
  timingSafeEqual,
  tolerantField,
  UniliveError,
  type WebhookInput,
  type WebhookOptionsBase,
  type WebhookReadOptions,
  WebhookVerificationError,
  webhookBodyBytes,
  webhookClock,
  webhookHeader,
  webhookReads,
  webhookSecrets,
} from '@unilive/core';
import * as v from 'valibot';
import { wowzaRealtimeDetailsOf } from './map-wowza-realtime-stream.js';

// Wowza Real-Time Streaming at Scale runs on Millicast (OptiView Real-time), whose webhooks are documented
// in the Millicast docs ("Webhooks", "Feeds Hooks", "Media Hooks", "ViewerConnection Hooks", "Transcoder
// Hooks", "Thumbnail Hooks"):
// - a POST with `x-millicast-signature: sha1=<hex>`, an HMAC-SHA1 of the raw body keyed with the
//   base64-DECODED webhook secret (the docs' Node sample: `Buffer.from(webhookSecret, 'base64')`);
// - JSON bodies `{ type, event, timestamp (epoch ms, when sent), data }`; no event id, no timestamp
//   header, no retry, no ordering guarantee ("use the timestamp");
// - thumbnails POST the JPEG itself (`image/jpeg`) with `x-millicast-timestamp`, `-feed-id`, `-stream-id`,
//   `-token-id` headers, signed the same way over the image bytes.

const provider = 'wowza-realtime';
// The widest toleranceSeconds taken (see its TSDoc): a day, the `occurredAt` rule's reach past receipt.
const maxToleranceSeconds = 86_400;

/** Environment variables read, in order, when no `secret` option is given. */
export const wowzaRealtimeWebhookSecretVariables = ['WOWZA_REALTIME_WEBHOOK_SECRET'] as const;

/**
 * Maps a Real-Time stream name (`stream_name`, what Millicast events carry) to the stream's id. `parseWebhook`
 * hands it the delivery's `signal` (aborted at `readTimeoutMs`) and `timeoutMs` (what is left of it, in ms):
 * a resolver that reads the API passes them on; one that ignores them is no longer waited for at the bound.
 */
export type WowzaRealtimeStreamNameResolver = (
  streamName: string,
  options?: WebhookReadOptions,
) => string | undefined | Promise<string | undefined>;

/** Options of the Wowza Real-Time {@link parseWebhook}. */
export interface WowzaRealtimeWebhookOptions extends WebhookOptionsBase {
  /**
   * The webhook's secret, as the dashboard shows it (base64); several while one is renewed, as a list
   * (`[newSecret, oldSecret]`, each entry one secret) or as text separated by commas (`"<new>,<old>"`,
   * whitespace around each dropped). Defaults to the `WOWZA_REALTIME_WEBHOOK_SECRET` environment variable,
   * read by the same rule (core's `webhookSecretText`), so `secret: process.env.WOWZA_REALTIME_WEBHOOK_SECRET`
   * reads what leaving it out reads. A secret that is not base64 is an `InvalidInputError` naming it
   * (`secret`, or `secret.1` for the second of several), never showing it. A list is read once, entry by
   * entry by index (core's `readWebhookSecretList`): one whose reading throws (a Proxy whose `length` or an
   * entry throws, a getter on an entry, a revoked Proxy) is an `InvalidInputError` naming `secret` (`could
   * not be read`, what was thrown as `cause`), never the caller's error; so is a list of more than 1,000.
   */
  secret?: string | readonly string[] | undefined;
  /**
   * How far the body's `timestamp` (when the vendor sent it) may be from now, either way, in seconds.
   * Default 300, from 0 to 86 400 (a day): only when left out is it the default, and `null`, like any
   * value that is no number in that range, is an `InvalidInputError` naming `toleranceSeconds`. The vendor
   * does not retry, so a legitimate delivery is never older than its transit; a wider window only lets a
   * captured delivery be replayed for longer, and past a day ahead a time is one the `occurredAt` rule
   * never keeps anyway. The `timestamp` is checked as the vendor sends it, a number of milliseconds since
   * the epoch, not by core's `readEventTime` rule for event times: one in seconds is `stale-timestamp`,
   * one sent as text `missing-timestamp`. When it dates the event (a feed event without `data.started` or
   * `data.ended`), it is held to that rule: a time before 2000 or more than a day after receipt gives the
   * time of receipt and a `fallback` warning naming `timestamp`.
   */
  toleranceSeconds?: number | undefined;
  /**
   * Finds the id of the stream a Millicast stream name belongs to: events carry only the name. Use
   * {@link wowzaRealtimeStreamNames} with your client, or a lookup in your own records (the name is
   * `providerDetails['wowza-realtime'].sdk.streamName` of the stream `create` returned). A name it does not know makes an `unknown`
   * event with `data.streamName`; so does an answer that is not a non-empty text.
   */
  resolveStreamId: WowzaRealtimeStreamNameResolver;
  /**
   * How long `resolveStreamId` may take for one delivery, in ms (a number above 0, at most 2,147,483,647):
   * the same option, with the same meaning, as every adapter's bound of its vendor reads. Default
   * `defaultWebhookReadTimeoutMs` (5 s): half the 10 s the shortest sender timeout known here allows; the
   * vendor documents no retry at all, so a delivery that fails is not sent again. At the bound the resolver's
   * `signal` is aborted and the delivery fails with a `TimeoutError` (`operation: 'parseWebhook'`), which
   * `createWebhookHandler` answers 500. Anything else is an `InvalidInputError` naming `readTimeoutMs`.
   */
  readTimeoutMs?: number | undefined;
}

// Every option parseWebhook takes: a misspelt one (`secert`) is refused naming the nearest.
const wowzaRealtimeWebhookOptionNames = /* @__PURE__ */ Object.keys({
  secret: true,
  toleranceSeconds: true,
  resolveStreamId: true,
  readTimeoutMs: true,
  clock: true,
} satisfies Record<keyof WowzaRealtimeWebhookOptions, true>);

// Each schema is built inside a call marked pure: a bundle that never reads a webhook then drops it, where
// a bundler keeps an unused top-level `v.looseObject(…)` (it cannot tell the call has no effect).
const envelopeSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    type: v.string(),
    event: v.string(),
    // Checked on its own: a body without it is named `missing-timestamp`, not malformed.
    timestamp: v.optional(v.unknown()),
    data: v.optional(v.looseObject({}), {}),
  }))();

// The three ways a Millicast event names its stream: `name` (Feeds Hooks), `streamName` (Media and Recording
// Hooks) and `streamId`, which is `accountId/streamName` (Feeds and Media Hooks).
const namingSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    name: tolerantField(v.string()),
    streamName: tolerantField(v.string()),
    streamId: tolerantField(v.string()),
  }))();

const feedDataSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    feedId: tolerantField(v.string()),
    // Read by core's one rule for event times (readEventTime), whatever their type.
    started: v.optional(v.unknown()),
    ended: v.optional(v.unknown()),
  }))();

const mediaDataSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    mediaAssetId: tolerantField(v.string()),
    type: tolerantField(v.string()),
  }))();

// The Recording Hooks (deprecated by the vendor for Media Hooks, still sent to the webhooks that ask).
const recordingDataSchema = /* @__PURE__ */ (() =>
  v.looseObject({
    recordFileId: v.fallback(v.optional(v.union([v.string(), v.number()])), undefined),
  }))();

type NamingField = 'name' | 'streamName' | 'streamId';

/**
 * Verifies and normalises one Wowza Real-Time (Millicast) webhook delivery.
 *
 * - `feeds` `started` / `ended` → `live_stream.connected` / `live_stream.disconnected` (`broadcasting`,
 *   `occurredAt` from `data.started` / `data.ended`, else the signed `timestamp`; either read by core's
 *   `readEventTime` rule, a time outside it giving the time of receipt and a `fallback` warning). With redundant or multi-source ingest each feed
 *   reports on its own (`data.feedId`), so an `ended` may leave another feed live: the event hub and
 *   `waitForBroadcast` go feed by feed (broadcasting while any feed's newest event says so).
 * - `media` `completed` of a `recording` → `live_stream.recording_ready` (`data.mediaAssetId`), and so
 *   does the older `recordings` `completed` (`data.recordFileId`); other media events, clips,
 *   `viewerConnection`, `transcoder` and thumbnails → `unknown`, with `streamId` when they name a stream.
 * - The stream is named by `data.name` (what Feeds Hooks send), `data.streamName` (Media and Recording
 *   Hooks) or `data.streamId` (`accountId/streamName`, both): the family's own field first, then the
 *   others. Any of them given as `accountId/name` is read as `name`, the text `resolveStreamId` gets.
 * - `data.vendorEvent` is the vendor's `type` and `event` joined by a dot (`feeds.started`), the name the
 *   sandbox's delivery records use.
 * - `id` is the SHA-256 of the body: the vendor sends no event id.
 *
 * Throws {@link WebhookVerificationError}: `body-not-raw`, `missing-signature`, `bad-signature` (no
 * secret matches), `malformed-body`, `missing-timestamp` (a signed body without a numeric `timestamp`),
 * `stale-timestamp` (the signed `timestamp` beyond the tolerance, either
 * way). Throws `InvalidInputError` for a secret that is not base64, a `toleranceSeconds` that is no number
 * of seconds from 0 to 86 400, or a missing `resolveStreamId`, and
 * `AuthenticationError` when no secret is configured. A `resolveStreamId` that throws: its unilive error
 * named `operation: 'parseWebhook'`, the call made (`wowzaRealtimeStreamNames` failing to list:
 * `ProviderUnavailableError`…, its message still naming the list call), anything else as an
 * `InvalidInputError` naming `resolveStreamId`, what it threw kept as `cause` (never in the message).
 * `createWebhookHandler` answers either with 500: the delivery is not at fault. A `resolveStreamId` that
 * has not answered within `readTimeoutMs` (default 5 s) is a `TimeoutError` (`operation: 'parseWebhook'`),
 * answered 500 too.
 *
 * @example
 * ```ts uses=client,rawBody,headers,secret
 * import { parseWebhook, wowzaRealtimeStreamNames } from '@unilive/wowza-realtime';
 *
 * const names = wowzaRealtimeStreamNames(client);
 * const events = await parseWebhook({ body: rawBody, headers }, { secret, resolveStreamId: names });
 * ```
 */
export async function parseWebhook(
  input: WebhookInput,
  given: WowzaRealtimeWebhookOptions,
): Promise<LiveStreamEvent[]> {
  // Read once, before anything else (a secret loaded, a signature checked): the rest reads only this copy.
  const options = readWebhookOptions<WowzaRealtimeWebhookOptions>(
    provider,
    given,
    wowzaRealtimeWebhookOptionNames,
  );
  checkWebhookInput(provider, input);
  if (typeof options?.resolveStreamId !== 'function') {
    throw invalidWebhookOption(
      provider,
      'resolveStreamId',
      'is required: Millicast events name streams by stream name; pass wowzaRealtimeStreamNames(client) or your own lookup',
    );
  }
  const readTimeoutMs = checkWebhookReadTimeout(provider, 'readTimeoutMs', options.readTimeoutMs);
  // Only leaving it out means the default: a `null` (`"toleranceSeconds": null` in a configuration file,
  // meant as "none" or "disabled") is refused like any value that is no number, as every other option's is.
  const toleranceSeconds: unknown = options.toleranceSeconds === undefined ? 300 : options.toleranceSeconds;
  if (
    typeof toleranceSeconds !== 'number' ||
    !(toleranceSeconds >= 0 && toleranceSeconds <= maxToleranceSeconds)
  ) {
    throw invalidWebhookOption(
      provider,
      'toleranceSeconds',
      `must be a number of seconds from 0 to ${maxToleranceSeconds} (a day)`,
    );
  }
  const secrets = webhookSecrets({
    provider,
    setting: 'secret',
    value: options.secret,
    environmentVariables: wowzaRealtimeWebhookSecretVariables,
  });
  const keys = secrets.map((secret, index, all) => {
    const key = decodeBase64(secret);
    if (!key || key.length === 0) {
      throw invalidWebhookOption(
        provider,
        all.length > 1 ? `secret.${index}` : 'secret',
        'must be the webhook secret as the dashboard shows it (base64; several are separated by commas)',
      );
    }
    return key;
  });
  const body = await webhookBodyBytes(input.body, provider);
  await verifySignature(body, webhookHeader(input.headers, 'x-millicast-signature'), keys);

  // What the application's callbacks throw is masked by every form of the secret, as its error reaches
  // whoever logs it: a resolver's (resolverFailed), and a clock's.
  const masking = knownValuesRedactor([...secrets, ...keys.flatMap(keyTexts)]);
  const readClock = webhookClock(provider, options.clock);
  const clock = (): number => {
    try {
      return readClock();
    } catch (error) {
      throw maskedFailure(error, masking);
    }
  };
  // The resolver is the application's: what it answers counts only when it is text (a lookup such as
  // `ids[name]` answers `Object` for a stream named `constructor`).
  // Bounded by readTimeoutMs: a resolver that has not answered by then (a walk of many pages, a vendor that
  // holds the request, a lookup that never settles) fails the delivery with a TimeoutError.
  const resolve = async (name: string | undefined): Promise<string | undefined> => {
    if (!name) return undefined;
    const reads = webhookReads(provider, readTimeoutMs, 'readTimeoutMs');
    let resolved: unknown;
    try {
      resolved = await reads.read('resolveStreamId', (bound) => options.resolveStreamId(name, bound));
    } catch (error) {
      throw resolverFailed(error, masking);
    } finally {
      reads.end();
    }
    return typeof resolved === 'string' && resolved !== '' ? resolved : undefined;
  };

  if (isThumbnail(input, body)) {
    const named = webhookHeader(input.headers, 'x-millicast-stream-id');
    const streamName = nameOf(named);
    const streamId = await resolve(streamName);
    const sentAt = webhookHeader(input.headers, 'x-millicast-timestamp');
    const feedId = webhookHeader(input.headers, 'x-millicast-feed-id');
    const tokenId = webhookHeader(input.headers, 'x-millicast-token-id');
    const taken = readEventTime(sentAt, clock());
    return [
      // A resolved id no call could carry (a resolver's `'  '`) names no stream, as on every event.
      namedStreamEvent({
        // The image alone does not tell two thumbnails apart (a black first frame of two streams is the same
        // bytes): what names the stream, the feed and the capture time is in the headers, so they are part
        // of the id, and a hub drops only a delivery repeated whole.
        id: await deliveryDigest(thumbnailIdentity(body, [named, feedId, tokenId, sentAt])),
        type: 'unknown',
        provider,
        streamId: streamId ?? '',
        // The thumbnail's own timestamp is a header, outside the signature: no tolerance is applied to it.
        occurredAt: taken.occurredAt,
        ...eventTimeWarnings(taken, 'x-millicast-timestamp'),
        data: {
          kind: 'thumbnail',
          contentType: webhookHeader(input.headers, 'content-type') ?? 'image/jpeg',
          ...optional('streamName', streamName),
          ...optional('feedId', feedId),
          ...optional('tokenId', tokenId),
        },
        raw: body,
      }),
    ];
  }

  const raw = parseWebhookJson(body, provider);
  const parsed = safeParseOwn(envelopeSchema, raw);
  if (!parsed.success) {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body lacks the type, event or data every Millicast webhook has`,
    });
  }
  const envelope = parsed.output;
  const sentAt = envelope.timestamp;
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) {
    throw new WebhookVerificationError({
      provider,
      reason: 'missing-timestamp',
      message: `${provider} webhook: the signed body has no timestamp (epoch ms, a number) to check the tolerance against`,
    });
  }
  checkWebhookTimestamp({
    provider,
    timestampMs: sentAt,
    toleranceMs: toleranceSeconds * 1000,
    now: clock(),
    field: 'timestamp',
  });

  const id = await deliveryDigest(body);
  const mapped = mapEnvelope(envelope.type, envelope.event, envelope.data);
  const streamId = await resolve(mapped.streamName);
  // The feed's own time when it sends one; else the signed, tolerance-checked time of sending. Either is
  // held to core's one rule for event times (readEventTime: from 2000 to a day after receipt, else the time
  // of receipt with a `fallback` warning), never kept as 1970 or an Invalid Date because a tolerance let it
  // through. The timestamp is milliseconds (the vendor's unit), which readEventTime reads from 10^11 on;
  // below that it would read seconds, but as milliseconds such a time is before 1973, outside the rule's
  // range whatever the time of receipt: the time of receipt, with what was sent as unreadable.
  const receipt = clock();
  const fromFeed = mapped.occurredAt !== undefined;
  const time: EventTime = fromFeed
    ? readEventTime(mapped.occurredAt, receipt)
    : sentAt >= 1e11
      ? readEventTime(sentAt, receipt)
      : { occurredAt: new Date(receipt), unreadable: sentAt };
  // A stream event whose stream cannot be named is reported, but as `unknown`.
  const known = mapped.type !== 'unknown' && streamId !== undefined;
  return [
    namedStreamEvent({
      id,
      type: known ? mapped.type : 'unknown',
      provider,
      streamId: streamId ?? '',
      occurredAt: time.occurredAt,
      ...eventTimeWarnings(time, fromFeed ? `data.${mapped.timeField}` : 'timestamp'),
      ...(known && mapped.broadcasting !== undefined ? { broadcasting: mapped.broadcasting } : {}),
      data: { vendorEvent: `${envelope.type}.${envelope.event}`, ...mapped.data },
      raw,
    }),
  ];
}

interface Mapped {
  /** No Wowza Real-Time event reports a lifecycle state. */
  type: Exclude<LiveStreamEventType, 'live_stream.state_changed'>;
  streamName?: string | undefined;
  broadcasting?: boolean;
  /** The vendor's time of the event as sent, and the field it came from. */
  occurredAt?: unknown;
  timeField?: 'started' | 'ended';
  data: Record<string, unknown>;
}

function mapEnvelope(type: string, event: string, data: Record<string, unknown>): Mapped {
  const naming = parseOwn(namingSchema, data);
  // The family's own field first (the vendor's examples), then the other forms: a stream is named when
  // any of them is there.
  const streamNameBy = (...order: NamingField[]): string | undefined => {
    for (const field of order) {
      const name = nameOf(naming[field]);
      if (name !== undefined) return name;
    }
    return undefined;
  };
  if (type === 'feeds') {
    const feed = parseOwn(feedDataSchema, data);
    const streamName = streamNameBy('name', 'streamId', 'streamName');
    const common = {
      streamName,
      data: { ...optional('streamName', streamName), ...optional('feedId', feed.feedId) },
    };
    if (event === 'started')
      return {
        ...common,
        type: 'live_stream.connected',
        broadcasting: true,
        occurredAt: feed.started,
        timeField: 'started',
      };
    if (event === 'ended')
      return {
        ...common,
        type: 'live_stream.disconnected',
        broadcasting: false,
        occurredAt: feed.ended,
        timeField: 'ended',
      };
    return { ...common, type: 'unknown' };
  }
  // The overview calls this type "recording"; the Media Hooks page and its examples say "media".
  if (type === 'recordings') {
    const recording = parseOwn(recordingDataSchema, data);
    const streamName = streamNameBy('streamName', 'streamId', 'name');
    const recordFileId = recording.recordFileId === undefined ? undefined : String(recording.recordFileId);
    return {
      type: event === 'completed' ? 'live_stream.recording_ready' : 'unknown',
      streamName,
      data: { ...optional('streamName', streamName), ...optional('recordFileId', recordFileId) },
    };
  }
  if (type === 'media' || type === 'recording') {
    const media = parseOwn(mediaDataSchema, data);
    const streamName = streamNameBy('streamName', 'streamId', 'name');
    const details = {
      ...optional('streamName', streamName),
      ...optional('mediaAssetId', media.mediaAssetId),
      ...optional('mediaType', media.type),
    };
    const ready = event === 'completed' && media.type === 'recording';
    return { type: ready ? 'live_stream.recording_ready' : 'unknown', streamName, data: details };
  }
  if (type === 'viewerConnection') {
    const streamName = streamNameBy('name', 'streamId', 'streamName');
    return { type: 'unknown', streamName, data: optional('streamName', streamName) };
  }
  // Transcoders (and types added later) concern no stream the adapter manages.
  return { type: 'unknown', data: {} };
}

async function verifySignature(
  body: Uint8Array,
  header: string | undefined,
  keys: Uint8Array[],
): Promise<void> {
  if (header === undefined || header.trim() === '') {
    throw new WebhookVerificationError({
      provider,
      reason: 'missing-signature',
      message: `${provider} webhook: no x-millicast-signature header (not sent by the vendor, or removed by a proxy)`,
    });
  }
  // The scheme name in any case (`SHA1=`, as a proxy may rewrite it): the hex names the same bytes either way.
  const given = decodeHex(/^sha1=([0-9a-fA-F]+)$/i.exec(header.trim())?.[1] ?? '');
  let matched = false;
  // Every key is tried, so the time taken does not tell which one matched.
  for (const key of keys) {
    const expected = await hmac('SHA-1', key, body);
    if (given && given.length > 0 && timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError({
      provider,
      reason: 'bad-signature',
      message:
        `${provider} webhook: x-millicast-signature matches the body under no configured secret. Check the ` +
        'secret (base64, as the dashboard shows it) and that the body reaches parseWebhook byte for byte',
    });
  }
}

// Whether the delivery is a thumbnail: decided by the signed bytes, never by the content type alone, which
// no signature covers. A JPEG starts with FF D8 FF, whatever the content type says; a body that opens as
// JSON (`{`, after any BOM or white space) is an event, its signed timestamp checked, whatever the content
// type says: relabelled `image/jpeg`, an old signed event would otherwise pass as a thumbnail, which has no
// signed time, and skip the tolerance.
function isThumbnail(input: WebhookInput, body: Uint8Array): boolean {
  if (body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff) return true;
  if (opensAsJson(body)) return false;
  const type = webhookHeader(input.headers, 'content-type')?.toLowerCase() ?? '';
  return type.startsWith('image/');
}

function opensAsJson(body: Uint8Array): boolean {
  let at = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  // JSON's white space: space, tab, line feed, carriage return.
  while (body[at] === 0x20 || body[at] === 0x09 || body[at] === 0x0a || body[at] === 0x0d) at += 1;
  return body[at] === 0x7b || body[at] === 0x5b;
}

// The bytes a thumbnail's id digests: the image, then each header that names it (absent ones empty), each
// after a NUL, which no header value holds.
function thumbnailIdentity(body: Uint8Array, headers: readonly (string | undefined)[]): Uint8Array {
  const named = new TextEncoder().encode(headers.map((value) => `\0${value ?? ''}`).join(''));
  const bytes = new Uint8Array(body.length + named.length);
  bytes.set(body);
  bytes.set(named, body.length);
  return bytes;
}

// Millicast's `streamId` is `accountId/streamName`. Wowza generates a Real-Time stream's name (32 hex
// characters), so a `/` in a name can only follow the account.
function nameOf(named: string | undefined): string | undefined {
  if (!named) return undefined;
  const slash = named.indexOf('/');
  return slash === -1 ? named : named.slice(slash + 1) || undefined;
}

function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

// What a throwing resolver threw, as the caller sees it: a unilive error (the resolver's own list call
// failing) named for the call the caller made, `parseWebhook`, as every adapter names a failed vendor read
// of a parse (its message still says which request it was); anything else typed, naming the option, with the thrown value as `cause`, scrubbed of
// the webhook secrets like every error's.
//
// The secrets are masked in it whatever it is: a unilive error of the resolver's too (a wrapper's
// `ProviderUnavailableError` quoting what it was handed), as in what a `confirm` reader of the unsigned
// vendors throws. Each secret as configured, and the HMAC key it decodes to in hex and base64 (`keyTexts`).
function resolverFailed(error: unknown, masking: Redactor): unknown {
  if (UniliveError.isInstance(error)) return maskedFailure(servedOperation(error, 'parseWebhook'), masking);
  return new InvalidInputError({
    provider,
    operation: 'parseWebhook',
    message: `${provider} webhook: resolveStreamId threw; the event's stream could not be named (see cause)`,
    issues: [{ path: 'resolveStreamId', message: 'threw' }],
    cause: error,
    secrets: masking,
  });
}

/** Options of {@link wowzaRealtimeStreamNames}. */
export interface WowzaRealtimeStreamNamesOptions {
  /**
   * A name that a walk begun after its lookup did not find (a stream deleted since, or one the listed
   * account does not hold) is looked up again at most this often, in ms. Default 30 000. A name not looked
   * up before is looked up at once, by a walk begun after the lookup (shared with the lookups asking
   * meanwhile): a stream made since the last walk is found by its first event.
   */
  refreshMs?: number | undefined;
  /**
   * The time in ms, read after each walk and when a name is not found: only the time between two readings
   * counts. Default core's `monotonicClock` (never stepping back, whatever the wall clock does). A clock
   * that steps back counts as `refreshMs` having passed: the next name not found walks again. A clock that throws or answers anything but a finite number makes the lookup (and the
   * `parseWebhook` it serves) throw `InvalidInputError` naming `resolveStreamId.clock` (what it threw as
   * the `cause`).
   */
  clock?: (() => number) | undefined;
}

// The names wowzaRealtimeStreamNames takes, typed so an option added to the interface and not here fails
// to compile.
const streamNamesOptionNames = {
  refreshMs: true,
  clock: true,
} as const satisfies Record<keyof WowzaRealtimeStreamNamesOptions, true>;

/**
 * A stream-name resolver that reads the account's streams (`list`, which reads every stream in full) and
 * keeps `providerDetails['wowza-realtime'].sdk.streamName → id` in memory. A name it does not know triggers a
 * new walk, begun after the lookup (so a stream made since the last walk is found by its first event);
 * concurrent lookups share a walk. A name such a walk did not find is looked up again only `refreshMs`
 * later (the last 1,024 such names are remembered), which bounds the walks a vendor's events can cause. A
 * stream a later walk no longer lists (deleted since) keeps its name, so its feed's end still names it (the
 * last 1,024 such names).
 * Each walk reads every stream (`list`, one request per stream on Wowza Real-Time): for many streams, or
 * streams made often, prefer a lookup in your own records.
 *
 * A lookup stops waiting when the `signal` `parseWebhook` hands it aborts (at `readTimeoutMs`); the walk is
 * handed a signal of its own (`list({ signal })`), aborted when no lookup waits for it any more, and a walk
 * that did not end leaves the names as they were, so the next lookup walks again: one whose `list` ignores
 * the signal and ends later is dropped, as is any walk a newer one replaced.
 *
 * Each lookup reads its options first (core's `readWebhookReadOptions`), before a name is looked up: a
 * `signal` already aborted rejects at once with its reason, no walk started; a `signal` that is no
 * `AbortSignal`, a `timeoutMs` that is no number of ms above 0 (at most 2,147,483,647) or options that are
 * no plain object reject with `InvalidInputError` (`operation: 'parseWebhook'`, `delivery: 'not-sent'`)
 * naming `signal`, `timeoutMs` or `options`.
 *
 * @throws InvalidInputError (`operation: 'configure'`, `delivery: 'not-sent'`) when the resolver is made,
 *   naming the option: options that are no plain object (a `Map`, a class instance: its entries would be
 *   taken for none), a name it does not have (`clok` names `clock`), an option that cannot be read (a
 *   getter or a Proxy in it throws, a revoked Proxy), `null` for an option, a `clock` that is no function,
 *   a `refreshMs` that is no number of ms from 0.
 */
export function wowzaRealtimeStreamNames(
  source: { list(options?: { signal?: AbortSignal }): AsyncIterable<LiveStream> },
  given: WowzaRealtimeStreamNamesOptions = {},
): WowzaRealtimeStreamNameResolver {
  // Read as an adapter's settings are (core's readSettings): own properties of a plain object, each once,
  // every name known, when the resolver is made. A Map's or a misspelt `clok` would be taken for none.
  const issues: { path: string; message: string }[] = [];
  if (given === null) issues.push({ path: '$', message: 'expected an object' });
  const options = readSettings(provider, given, streamNamesOptionNames);
  const { refreshMs: givenRefreshMs, clock: givenClock } = options;
  if (
    givenRefreshMs !== undefined &&
    !(typeof givenRefreshMs === 'number' && givenRefreshMs >= 0 && givenRefreshMs <= Number.MAX_SAFE_INTEGER)
  ) {
    issues.push({ path: 'refreshMs', message: 'expected a number of ms from 0' });
  }
  if (givenClock !== undefined && typeof givenClock !== 'function') {
    issues.push({ path: 'clock', message: 'expected a function returning ms since the epoch' });
  }
  if (issues.length > 0) {
    throw new InvalidInputError({
      provider,
      operation: 'configure',
      message: `${provider}: invalid stream name options: ${issues.map((issue) => `${issue.path} (${issue.message})`).join('; ')}`,
      issues,
      delivery: 'not-sent',
    });
  }
  const refreshMs = givenRefreshMs ?? 30_000;
  // Each reading checked: a clock that throws or answers no time is the option failing, named as the
  // resolver it makes (core's webhookClock), never a raw error or a walk that never comes again (NaN).
  // The spacing of walks is an interval, never a wall time: by default a monotonic clock (core's
  // monotonicClock), so a wall clock stepped back cannot hold walks off until it catches up.
  const clock = webhookClock(provider, options.clock ?? monotonicClock, 'resolveStreamId.clock');
  let names = new Map<string, string>();
  // The names of streams a walk listed and a later walk did not (deleted since), oldest first.
  const gone = new Map<string, string>();
  const goneLimit = 1_024;
  // The walk under way, numbered in the order walks began: a walk numbered above the count taken when a
  // lookup began was begun after it, so it lists every stream the vendor could have sent an event about
  // by then (numbered once its list call starts; until then, above every count).
  let walking: { read: SharedRead<void>; number: number } | undefined;
  let walksBegun = 0;
  // Names that a walk begun after their lookup did not find, with the time that walk ended: each is
  // looked up again only `refreshMs` later (a stream deleted since, or one of another account), which is
  // what bounds the walks a vendor's events can cause. Oldest first; at most missedLimit of them.
  const missed = new Map<string, number>();
  const missedLimit = 1_024;
  // The newest walk started: only its result is kept.
  let generation = 0;

  // Shared by the lookups that ask while it runs; aborted (its list call with it) only when every one of
  // them has stopped waiting, its delivery's readTimeoutMs passed. An aborted walk changes nothing, even
  // when a source that ignores its signal ends it later, and neither does a walk a newer one replaced (it
  // may hold an older list): the next lookup walks again.
  const walk = async (signal: AbortSignal) => {
    generation += 1;
    const mine = generation;
    const found = new Map<string, string>();
    for await (const stream of source.list({ signal })) {
      const streamName = wowzaRealtimeDetailsOf(stream)?.sdk.streamName;
      if (streamName) found.set(streamName, stream.id);
    }
    if (signal.aborted || mine !== generation) return;
    // A stream the walk no longer lists (deleted since) keeps its name: its feed's end, or its recording's,
    // may arrive after a walk made for another stream's first event. The last 1,024 such names are kept.
    for (const [streamName, id] of names) {
      if (found.has(streamName)) continue;
      gone.delete(streamName);
      gone.set(streamName, id);
      if (gone.size > goneLimit) gone.delete(gone.keys().next().value as string);
    }
    for (const streamName of found.keys()) gone.delete(streamName);
    names = found;
  };
  const nameOfStream = (streamName: string) => names.get(streamName) ?? gone.get(streamName);

  const begin = () => {
    // Numbered when its list call is about to be made, not when it is asked for: lookups asking before
    // that, in the same turn, are listed by it.
    const started = {
      read: sharedRead((signal) => {
        walksBegun += 1;
        started.number = walksBegun;
        return walk(signal);
      }),
      number: Number.POSITIVE_INFINITY,
    };
    walking = started;
    started.read.done
      .finally(() => {
        if (walking === started) walking = undefined;
      })
      .catch(() => {});
    return started;
  };

  // Waits for a walk begun after `asked` walks had begun: the one under way when it was, or else one begun
  // now, once any older walk under way has ended (a newer walk begun beside it would drop what the older one
  // finds, and the lookups waiting for it would find nothing). Lookups asking at once share each walk.
  const walkBegunAfter = async (asked: number, signal: AbortSignal | undefined) => {
    for (;;) {
      // A walk that ended is no longer `walking` by the time its lookups go on (cleared as it settles).
      const current = walking !== undefined && !walking.read.abandoned ? walking : begin();
      await current.read.join(signal);
      if (current.number > asked) return;
    }
  };

  return async (given, bound) => {
    // Before anything is looked up: an aborted signal ends the lookup (no walk starts), and options a
    // caller of its own gave wrongly are refused by name.
    const signal = readWebhookReadOptions(provider, bound);
    // Events name a stream as `accountId/name` too; the map holds the names alone.
    const streamName = typeof given === 'string' ? (nameOf(given) ?? given) : given;
    const known = nameOfStream(streamName);
    if (known !== undefined) return known;
    const asked = walksBegun;
    const missedAt = missed.get(streamName);
    // A negative elapsed time is a clock that stepped back: time enough, or a name would stay unknown until
    // the clock caught up (an hour for an hour's step).
    const elapsed = missedAt === undefined ? Number.POSITIVE_INFINITY : clock() - missedAt;
    if (elapsed < 0 || elapsed >= refreshMs) {
      // A name not known yet is most often a stream made since the last walk, its encoder connecting now:
      // looked up at once, never left unknown for refreshMs (its event would be lost: no vendor resends one
      // answered 200).
      await walkBegunAfter(asked, signal);
      const found = nameOfStream(streamName);
      if (found !== undefined) {
        missed.delete(streamName);
        return found;
      }
      missed.delete(streamName);
      if (missed.size >= missedLimit) missed.delete(missed.keys().next().value as string);
      missed.set(streamName, clock());
      return undefined;
    }
    if (walking && !walking.read.abandoned) await walking.read.join(signal);
    return nameOfStream(streamName);
  };
}
