import {
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  WebhookVerificationError,
} from '../errors/errors.js';
import { servedOperation, UniliveError } from '../errors/unilive-error.js';
import { type LiveStream, type LiveStreamState, liveStreamStates, type ProviderId } from '../live-stream.js';
import { unreadableText } from '../own.js';
import type { CallOptions } from '../provider.js';
import { maskedFailure } from '../provider-secrets.js';
import { minimumSecretLength } from '../redaction/forms.js';
import type { Clock } from '../runtime.js';
import { knownValuesRedactor } from '../secrets.js';
import { isWellFormed } from '../text.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { secretsEqual } from './webhook-crypto.js';
import {
  checkWebhookInput,
  invalidWebhookOption,
  parseWebhookJson,
  readWebhookOptions,
  readWebhookSecretList,
  type WebhookInput,
  type WebhookOptionsBase,
  webhookBodyBytes,
  webhookClock,
  webhookSecretText,
  webhookUrlText,
} from './webhook-input.js';
import { checkWebhookReadTimeout, defaultWebhookReadTimeoutMs, webhookReads } from './webhook-reads.js';

/**
 * What `confirm` mode reads streams with: a provider or a client of the same vendor (one of another vendor,
 * named by its `provider.id` or `id`, is refused when the options are read), or any object with `get` that
 * reads the id it is given, such as a wrapper around one.
 */
export interface StreamReader {
  get(id: string, options?: CallOptions): Promise<LiveStream>;
}

/**
 * An adapter's rule for `confirm`: whether a `NotFoundError` the reader threw is its vendor's own documented
 * answer that it has no such stream (Wowza Video: `ERR-404-RecordNotFound` or `ERR-410-RecordDeleted` in its
 * JSON error body; LiveAPI: its 404 with its JSON message). An HTML page from a gateway in front of the API,
 * or a status the vendor does not document for it, is not: see {@link confirmWebhookEvents}.
 */
export type NoSuchStreamRule = (error: NotFoundError) => boolean;

/**
 * Options of the vendors that document no signature (Wowza Video, LiveAPI). Anyone who knows the endpoint can post
 * to it, so no event from them is ever "verified"; these options say how much it is trusted.
 */
export interface UnsignedWebhookOptions extends WebhookOptionsBase {
  /**
   * Required, and must be `true`: the acknowledgement that this vendor signs nothing, so that an
   * application never trusts its webhooks by mistake.
   */
  unsigned: true;
  /**
   * A secret kept in the endpoint's path (`https://app.example/webhooks/<secret>`), registered with the
   * vendor as part of the URL; several during a rotation, as a list (`[newSecret, oldSecret]`, each entry
   * taken whole) or as text separated by commas (`"<new>,<old>"`, whitespace around each dropped: what an
   * environment variable holds, read by core's `webhookSecretText`, the rule of every webhook secret). A
   * path secret holding a comma is given in a list. The last path segment of `input.url` must equal one of
   * them (compared in constant time), else the delivery is refused as `bad-signature`. It only proves the
   * sender knew the URL: the vendor, or anyone the URL leaked to (logs, proxies), so make it random (16
   * characters or more). An empty text or entry, one shorter than 4 characters (which masking leaves alone, so
   * an error quoting the URL would show it), a text of commas only, or a value that is neither text nor a
   * list is an `InvalidInputError` naming it
   * (`pathSecret`, `pathSecret.1`), never the value. A list is read once, entry by entry by index (core's
   * `readWebhookSecretList`): one whose reading throws (a Proxy whose `length` or an entry throws, a getter
   * on an entry, a revoked Proxy) is an `InvalidInputError` naming `pathSecret` (`could not be read`, what
   * was thrown as `cause`), never the caller's error; so is a list of more than 1,000 entries.
   */
  pathSecret?: string | readonly string[] | undefined;
  /**
   * Re-reads the stream of each event over the vendor's API before returning it, with this provider or
   * client: the event's `state` and `broadcasting` are then the API's. About a stream the API does not
   * have, an event saying it ended (`disconnected`, a `state_changed` to `stopping`/`stopped`/`disabled`)
   * passes as a `live_stream.deleted` (`data.claimed` saying what it said), an `unknown` or a delete
   * passes, and any other event is refused as `unconfirmed`, as is a delete of a stream the API still has
   * (see {@link confirmWebhookEvents}). Costs one request per event.
   *
   * Each read is handed a `signal` and a `timeoutMs` (what is left of {@link readTimeoutMs}), so a
   * unilive provider or client stops at the bound; a reader that ignores both is no longer waited for.
   * Either way the delivery then fails with a `TimeoutError` (`operation: 'parseWebhook'`), which
   * `createWebhookHandler` answers 500, so a vendor that retries delivers again.
   */
  confirm?: StreamReader | undefined;
  /**
   * How long the vendor reads of one delivery may take together, in ms (a number above 0, at most
   * 2,147,483,647): here `confirm`'s; the same option bounds Wowza Real-Time's `resolveStreamId` and
   * videosdk's key fetch. Default {@link defaultWebhookReadTimeoutMs} (5 s): half the 10 s the shortest
   * sender timeout known here allows (the sandbox's and GitHub's; Standard Webhooks advises senders 15 to
   * 30 s), leaving the rest for the body, `onEvents` and the network. Wowza Video and LiveAPI document none.
   * Raise it only for a sender known to wait longer. Anything else is an `InvalidInputError` naming
   * `readTimeoutMs`.
   */
  readTimeoutMs?: number | undefined;
  /**
   * The older name of {@link readTimeoutMs}, still read (checked the same way, named `confirmTimeoutMs`);
   * giving both is an `InvalidInputError` naming `confirmTimeoutMs`.
   *
   * @deprecated Use `readTimeoutMs`, the name every adapter's `parseWebhook` takes.
   */
  confirmTimeoutMs?: number | undefined;
}

/**
 * The default bound of `confirm`'s reads for one delivery (ms), {@link defaultWebhookReadTimeoutMs} under its
 * older name.
 */
export const defaultConfirmTimeoutMs = defaultWebhookReadTimeoutMs;

/**
 * The names {@link UnsignedWebhookOptions} holds, for `readWebhookOptions`: every option an unsigned
 * vendor's `parseWebhook` takes, so a misspelt one (`clok`, `pathSecert`) is refused naming the nearest.
 */
export const unsignedWebhookOptionNames: readonly string[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.keys({
    unsigned: true,
    pathSecret: true,
    confirm: true,
    confirmTimeoutMs: true,
    readTimeoutMs: true,
    clock: true,
  } satisfies Record<keyof UnsignedWebhookOptions, true>),
);

/** One unsigned delivery as {@link readUnsignedWebhook} read it: what the adapter maps into its events. */
export interface UnsignedWebhookDelivery<T extends UnsignedWebhookOptions> {
  /** The options, read once: the adapter reads only this copy. */
  options: T;
  /** The body's bytes, as received (what `deliveryDigest` makes an event id of). */
  body: Uint8Array;
  /** The body parsed as a JSON object. */
  raw: Record<string, unknown>;
  /** The `clock` option, or the system clock, checked at each read. */
  clock: Clock;
  /**
   * What the parse returns: `events` as they are, or, with `options.confirm`, each confirmed by a read of
   * its stream within `readTimeoutMs` ({@link confirmWebhookEvents}) under the adapter's rule.
   */
  settle(events: LiveStreamEvent[], isNoSuchStream: NoSuchStreamRule): Promise<LiveStreamEvent[]>;
}

/**
 * The first steps of every unsigned vendor's `parseWebhook` (LiveAPI, Wowza Video), in their order: the
 * options read once (a misspelt one refused naming the nearest), the input checked, `unsigned: true` and
 * the path secret checked, the read bound taken (`readTimeoutMs` or `confirmTimeoutMs`), then the body read
 * and parsed as JSON. Each step's error is the one its own function documents; nothing is read before the
 * options and the input are checked.
 */
export async function readUnsignedWebhook<T extends UnsignedWebhookOptions>(
  provider: ProviderId,
  input: WebhookInput,
  given: T,
): Promise<UnsignedWebhookDelivery<T>> {
  const options = readWebhookOptions<T>(provider, given, unsignedWebhookOptionNames);
  checkWebhookInput(provider, input);
  const pathSecrets = await checkUnsignedWebhook(provider, input, options);
  const bound = unsignedReadTimeout(provider, options);
  const body = await webhookBodyBytes(input.body, provider);
  const raw = parseWebhookJson(body, provider);
  const settle = async (events: LiveStreamEvent[], isNoSuchStream: NoSuchStreamRule) => {
    if (!options.confirm) return events;
    try {
      return await confirmWebhookEvents(
        provider,
        events,
        options.confirm,
        isNoSuchStream,
        bound.timeoutMs,
        bound.option,
      );
    } catch (error) {
      // The reader is the caller's code: what it threw may quote the URL it was called for (a wrapper's
      // `lookup for https://…/hooks/<path secret> failed`), and reaches the caller as a cause or a message.
      // Every form of the path secrets is masked in it, as no error of a delivery may show them.
      throw pathSecrets.length === 0 ? error : maskedFailure(error, knownValuesRedactor(pathSecrets));
    }
  };
  return { options, body, raw, clock: webhookClock(provider, options.clock), settle };
}

/**
 * Checks what can be checked of an unsigned delivery: the explicit `unsigned: true`, then the secret path
 * segment when one is configured. Resolves with the configured path secrets (none when there is no
 * `pathSecret`), which no error about the delivery may show.
 */
export async function checkUnsignedWebhook(
  provider: ProviderId,
  input: WebhookInput,
  options: UnsignedWebhookOptions | undefined,
): Promise<readonly string[]> {
  if (options?.unsigned !== true) {
    throw invalidWebhookOption(
      provider,
      'unsigned',
      `must be true: ${provider} signs no webhook, so anyone who knows the endpoint can post to it. ` +
        'Acknowledge it with { unsigned: true }, and add pathSecret or confirm to trust its events more',
    );
  }
  const reader: unknown = Object.hasOwn(options, 'confirm') ? options.confirm : undefined;
  if (reader !== undefined) checkStreamReader(provider, reader);
  unsignedReadTimeout(provider, options);
  // A list copied once by core's one reader of secret lists: one whose reading throws is named, not escaping.
  const configured: unknown = readWebhookSecretList(
    provider,
    'pathSecret',
    Object.hasOwn(options, 'pathSecret') ? options.pathSecret : undefined,
  );
  if (configured === undefined) return [];
  if (typeof configured !== 'string' && !Array.isArray(configured)) {
    throw invalidWebhookOption(provider, 'pathSecret', 'must be a string or a list of strings');
  }
  // A text is read by the one rule of webhook secrets (webhookSecretText): several separated by commas, so
  // `pathSecret: process.env.X` holding `"<new>,<old>"` during a rotation is both; a list's entries whole.
  let secrets: unknown[];
  if (typeof configured === 'string') {
    if (configured === '') throw invalidWebhookOption(provider, 'pathSecret', 'must be a non-empty string');
    secrets = webhookSecretText(configured);
    if (secrets.length === 0) {
      throw invalidWebhookOption(
        provider,
        'pathSecret',
        'holds no secret: give one, or several separated by commas',
      );
    }
  } else {
    secrets = [...configured];
    if (secrets.length === 0) throw invalidWebhookOption(provider, 'pathSecret', 'must hold a secret');
  }
  // An entry of a list, or a part of a text of several, is named by its place (`pathSecret.1`), as `secret`
  // lists are.
  const entry = (index: number) =>
    typeof configured === 'string' && secrets.length === 1 ? 'pathSecret' : `pathSecret.${index}`;
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string') throw invalidWebhookOption(provider, entry(index), 'must be a string');
    if (secret === '') throw invalidWebhookOption(provider, entry(index), 'must be a non-empty string');
    // A lone surrogate has no UTF-8 form: a URL writes it as U+FFFD, so the secret would match a segment
    // holding U+FFFD there, or any other lone surrogate. Refused as a credential setting holding one is.
    if (!isWellFormed(secret)) {
      throw invalidWebhookOption(provider, entry(index), 'holds a lone surrogate, which has no UTF-8 form');
    }
    // Masking leaves texts shorter than this alone (they would hide ordinary words), so an error quoting the
    // URL (a confirm reader's) would show such a secret; and one so short is found by trying.
    if (secret.length < minimumSecretLength) {
      throw invalidWebhookOption(
        provider,
        entry(index),
        `must be at least ${minimumSecretLength} characters: a shorter one could not be masked in errors, and is found by trying (use a random one of 16 or more)`,
      );
    }
  });
  // Read as checkWebhookInput read it (webhookUrlText): a URL-like object whose text cannot be taken is an
  // InvalidInputError naming input.url here too, never its raw error.
  const url = webhookUrlText(provider, input);
  if (url === undefined) {
    throw invalidWebhookOption(
      provider,
      'url',
      'is needed to check pathSecret: pass the URL the request arrived at',
    );
  }
  const path = new URL(url, 'http://webhook.invalid').pathname;
  const segment = decodeSegment(
    path
      .split('/')
      .filter((part) => part !== '')
      .at(-1),
  );
  if (segment === undefined) {
    throw new WebhookVerificationError({
      provider,
      reason: 'missing-signature',
      message: `${provider} webhook: the request path has no segment to hold the path secret`,
    });
  }
  // Every secret is compared, so the time taken does not tell which one (if any) matched.
  const matches = await Promise.all(secrets.map((secret) => secretsEqual(segment, secret as string)));
  if (!matches.includes(true)) {
    throw new WebhookVerificationError({
      provider,
      reason: 'bad-signature',
      message: `${provider} webhook: the last path segment does not match any configured pathSecret`,
    });
  }
  return secrets as string[];
}

/**
 * Checks a `confirm` reader: an object with `get`, and when it names its vendor (a client's `provider.id`,
 * a provider's `id`), the parser's. A reader of another vendor answers 404 for every id of this one, and
 * each would be read as "no such stream": refused here, before anything else, as `InvalidInputError`
 * naming `confirm`. A reader whose `get`, `provider` or `id` cannot be read (a getter or Proxy that throws)
 * is refused the same way, what was thrown as `cause`.
 */
function checkStreamReader(provider: ProviderId, reader: unknown): asserts reader is StreamReader {
  if (typeof reader !== 'object' || reader === null) {
    throw invalidWebhookOption(provider, 'confirm', 'must be a provider or client (an object with get)');
  }
  let get: unknown;
  let vendor: unknown;
  try {
    get = (reader as { get?: unknown }).get;
    const client: unknown = (reader as { provider?: unknown }).provider;
    vendor =
      typeof client === 'object' && client !== null
        ? (client as { id?: unknown }).id
        : (reader as { id?: unknown }).id;
  } catch (error) {
    throw invalidWebhookOption(provider, 'confirm', unreadableText, error);
  }
  if (typeof get !== 'function') {
    throw invalidWebhookOption(provider, 'confirm', 'must be a provider or client (an object with get)');
  }
  if (typeof vendor === 'string' && vendor !== provider) {
    throw invalidWebhookOption(
      provider,
      'confirm',
      `must read ${provider} streams: its provider id names another vendor, whose API has none of them ` +
        '(every stream would read as gone)',
    );
  }
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * `confirm` mode: re-reads each event's stream and keeps the event only if the API agrees it can be true.
 * The event's `state` and `broadcasting` become the API's (the truth now, even if the event was late);
 * `data.confirmed` is set. Events of type `unknown` about no stream pass as they are.
 *
 * A stream the API does not have is the API's answer, and decides by what the event claims
 * (`docs/decisions/2026-12-01-confirm-and-a-gone-stream.md`). Only the vendor's own answer counts: a
 * `NotFoundError` of this `provider`, from a `get`, that the adapter's `isNoSuchStream` recognises (Wowza
 * Video's `ERR-404-RecordNotFound` / `ERR-410-RecordDeleted`; LiveAPI's 404 with its JSON message). Any other
 * `NotFoundError` (an HTML 404 or 410 page from a gateway in front of the API, a status the vendor does not
 * document, another provider's, or every one when no `isNoSuchStream` is given) is thrown as a
 * `ProviderUnavailableError` (`operation: 'parseWebhook'`, the `NotFoundError` as `cause`), as a 502 is:
 * the handler answers 500 and a vendor that retries delivers again. For the vendor's answer:
 * - `live_stream.deleted` passes as it is, `data.confirmed` set;
 * - an event saying the stream ended (`live_stream.disconnected`, a `live_stream.state_changed` to
 *   `stopping`, `stopped` or `disabled`: what a vendor sends when a stream is deleted while it runs) passes
 *   as the API's word, a `live_stream.deleted` with the event's `id` followed by `:deleted` (so a hub that
 *   published the event itself before the stream went does not drop the delete as a copy), `provider`, `streamId`,
 *   `occurredAt`, `warnings` and `raw`, no `state` or `broadcasting`, and `data` the event's plus
 *   `confirmed: true` and `claimed` (`{ type, state?, broadcasting? }`: what the event said), so an event
 *   hub forgets the stream and a wait on it polls and ends (`NotFoundError`);
 * - `unknown` passes without `state` or `broadcasting` (the API has none), `data.confirmed` set: it
 *   claims nothing the API contradicts (a LiveAPI `video-*` names a video, not a stream);
 * - any other event is refused as `unconfirmed`: `created`, `updated`, `connected`, `restream_changed` and
 *   a `state_changed` to any other state claim a stream the API does not have (an API can lag its
 *   webhooks: a vendor that retries delivers again after the 400), and `recording_ready` offers a recording
 *   (`data.url`) of a stream the API cannot vouch for.
 *
 * Refused as `unconfirmed` too, never passed on unchecked: an event of any type but `unknown` that names
 * no stream (`streamId` `''`), one whose stream id the reader refuses before any request
 * (`InvalidInputError`: a path, a name too long), one the reader answers with something that is not that
 * stream (`undefined` included), and a `live_stream.deleted` of a stream the API still has. Other reader
 * failures (the vendor down, a 401) are thrown as the unilive error they are, named `operation:
 * 'parseWebhook'` (the call the caller made; the message still says which request failed); what a reader
 * throws that is no unilive error is an `InvalidInputError` naming `confirm`, what it threw as `cause`.
 *
 * The reads are bounded: all of one call's together take at most `timeoutMs`. Each `get` is handed a
 * `signal`, aborted when the bound passes, and `timeoutMs` (what is left of it, in whole ms), so a unilive
 * provider or client stops there; a reader that ignores both is no longer waited for (what it answers later
 * is dropped). Either way a `TimeoutError` is thrown (`operation: 'parseWebhook'`): neither confirmed nor
 * refused, so the handler answers 500 and a vendor that retries delivers again.
 *
 * @param provider The parser's vendor.
 * @param reader A provider or client of that vendor, or an object with `get` that reads the id it is given;
 *   one whose `provider.id` (or `id`) names another vendor is an `InvalidInputError` naming `confirm`.
 * @param isNoSuchStream The adapter's rule for its vendor's "no such stream" ({@link NoSuchStreamRule}).
 * @param timeoutMs The bound of the reads, in ms (above 0, at most 2,147,483,647). Default
 *   {@link defaultWebhookReadTimeoutMs}. Anything else is an `InvalidInputError` naming `option`.
 * @param option The option the bound came from, named by the errors: `readTimeoutMs`, or
 *   `confirmTimeoutMs` (its older name, the default, as before). See {@link unsignedReadTimeout}.
 */
export async function confirmWebhookEvents(
  provider: ProviderId,
  events: readonly LiveStreamEvent[],
  reader: StreamReader,
  isNoSuchStream?: NoSuchStreamRule,
  timeoutMs: number = defaultWebhookReadTimeoutMs,
  option = 'confirmTimeoutMs',
): Promise<LiveStreamEvent[]> {
  checkStreamReader(provider, reader);
  const bound = checkWebhookReadTimeout(provider, option, timeoutMs);
  // The reads end at the bound whatever the reader does: its signal is aborted, and the wait for it ends.
  const reads = webhookReads(provider, bound, option);
  try {
    return await confirmEach(provider, events, isNoSuchStream, (id) =>
      reads.read('the confirm reader', (options) => reader.get(id, options)),
    );
  } finally {
    reads.end();
  }
}

/**
 * The bound of an unsigned vendor's reads, as its options give it: `readTimeoutMs`, else `confirmTimeoutMs`
 * (its older name, kept), else {@link defaultWebhookReadTimeoutMs}; with the name of the option it came from,
 * for the message of the `TimeoutError`. Both given is an `InvalidInputError` naming `confirmTimeoutMs`.
 */
export function unsignedReadTimeout(
  provider: ProviderId,
  options: UnsignedWebhookOptions,
): { timeoutMs: number; option: 'readTimeoutMs' | 'confirmTimeoutMs' } {
  const read: unknown = Object.hasOwn(options, 'readTimeoutMs') ? options.readTimeoutMs : undefined;
  const confirm: unknown = Object.hasOwn(options, 'confirmTimeoutMs') ? options.confirmTimeoutMs : undefined;
  if (read !== undefined && confirm !== undefined) {
    throw invalidWebhookOption(
      provider,
      'confirmTimeoutMs',
      'is the older name of readTimeoutMs: give one of them, not both',
    );
  }
  const option = confirm !== undefined ? 'confirmTimeoutMs' : 'readTimeoutMs';
  return {
    timeoutMs: checkWebhookReadTimeout(provider, option, confirm !== undefined ? confirm : read),
    option,
  };
}

// Each event against the API's answer, read through `read` (the bounded `get`).
async function confirmEach(
  provider: ProviderId,
  events: readonly LiveStreamEvent[],
  isNoSuchStream: NoSuchStreamRule | undefined,
  read: (id: string) => Promise<unknown>,
): Promise<LiveStreamEvent[]> {
  const unconfirmed = (message: string) =>
    new WebhookVerificationError({
      provider,
      reason: 'unconfirmed',
      message: `${provider} webhook: ${message}`,
    });
  const confirmed: LiveStreamEvent[] = [];
  for (const event of events) {
    if (event.streamId === '') {
      if (event.type !== 'unknown') {
        throw unconfirmed(`a ${event.type} event that names no stream cannot be confirmed`);
      }
      confirmed.push(event);
      continue;
    }
    let answer: unknown;
    // Only the API's own "no such stream" says the stream is gone: a reader that answers nothing
    // (`undefined`) has not said so, and is refused below as an answer that is not the stream.
    let gone = false;
    try {
      answer = await read(event.streamId);
    } catch (error) {
      if (InvalidInputError.isInstance(error)) {
        throw unconfirmed('the event names a stream id the API cannot be asked about');
      }
      if (!NotFoundError.isInstance(error)) throw confirmReadFailed(provider, error);
      if (!saysNoSuchStream(provider, error, isNoSuchStream))
        throw notTheVendorsAnswer(provider, event, error);
      gone = true;
    }
    if (gone) {
      confirmed.push(goneStreamEvent(event, unconfirmed));
      continue;
    }
    const stream = readStream(provider, answer, event.streamId);
    if (stream === undefined) {
      throw unconfirmed(`the API's answer for stream ${event.streamId} is not that stream`);
    }
    if (event.type === 'live_stream.deleted') {
      throw unconfirmed(`the event says stream ${event.streamId} was deleted, but the API still has it`);
    }
    const { broadcasting: _claimed, ...rest } = event;
    confirmed.push({
      ...rest,
      state: stream.state,
      ...(stream.broadcasting === undefined ? {} : { broadcasting: stream.broadcasting }),
      data: { ...event.data, confirmed: true },
    });
  }
  return confirmed;
}

// What a failed confirm read is to the caller: the call it made was `parseWebhook`, so a unilive error (the
// vendor's 503, a network failure, the bound's TimeoutError) is named for it, whichever adapter and whichever
// request inside it failed; its message (`liveapi get failed (HTTP 503)`) still says which request it was.
// Anything else is the reader's own fault (a wrapper of the caller's that throws): an InvalidInputError
// naming `confirm`, what it threw as `cause` and never in the message (it may hold anything), as a
// `resolveStreamId` or a videosdk `keySource` that throws.
function confirmReadFailed(provider: ProviderId, error: unknown): unknown {
  if (UniliveError.isInstance(error)) return servedOperation(error, 'parseWebhook');
  return invalidWebhookOption(
    provider,
    'confirm',
    'threw something that is no unilive error; the stream could not be read (see cause)',
    error,
  );
}

// "No such stream" is the vendor's own answer about the stream asked: a NotFoundError of this provider, for
// the `get` the reader was asked, that the adapter's rule recognises (its documented code or body). Without
// a rule, none is: failing closed, as a 502 does.
function saysNoSuchStream(
  provider: ProviderId,
  error: NotFoundError,
  isNoSuchStream: NoSuchStreamRule | undefined,
): boolean {
  if (isNoSuchStream === undefined) return false;
  try {
    if (error.provider !== provider || error.operation !== 'get') return false;
    return isNoSuchStream(error) === true;
  } catch {
    // An error whose fields cannot be read is no answer of the vendor's.
    return false;
  }
}

// A NotFoundError that is not the vendor's "no such stream" (a gateway's HTML 404 or 410 page, a status the
// vendor does not document, another provider's, or one from no request of the API's) says nothing about the
// stream: a failure like a 502, thrown so that the handler answers 500 and the vendor delivers again.
function notTheVendorsAnswer(
  provider: ProviderId,
  event: LiveStreamEvent,
  error: NotFoundError,
): ProviderUnavailableError {
  const status = typeof error.status === 'number' ? ` (HTTP ${error.status})` : '';
  return new ProviderUnavailableError({
    provider,
    operation: 'parseWebhook',
    message:
      `${provider} webhook: the reader's not-found answer for stream ${event.streamId}${status} is not ` +
      `${provider}'s own answer that it has no such stream (a page from a proxy or gateway in front of ` +
      'the API, or an answer of another API): the event is neither confirmed nor refused',
    ...(typeof error.status === 'number' ? { status: error.status } : {}),
    cause: error,
  });
}

// The states a `state_changed` can report that say the stream no longer runs: what a stream the API
// deleted is consistent with.
const endedStates: ReadonlySet<LiveStreamState> = /* @__PURE__ */ new Set<LiveStreamState>([
  'stopping',
  'stopped',
  'disabled',
]);

/**
 * What a delete made by `confirm` of an event saying the stream ended adds to that event's id.
 */
const deletedIdSuffix = ':deleted';

// An event about a stream the API does not have: passed as the API's word when what it claims is
// consistent with that (the stream is gone, or no claim at all), refused when it claims the stream exists.
function goneStreamEvent(
  event: LiveStreamEvent,
  unconfirmed: (message: string) => WebhookVerificationError,
): LiveStreamEvent {
  const { state, broadcasting, ...rest } = event;
  if (event.type === 'live_stream.deleted') return { ...event, data: { ...event.data, confirmed: true } };
  if (event.type === 'unknown')
    return { ...rest, type: event.type, data: { ...event.data, confirmed: true } };
  const ended =
    event.type === 'live_stream.disconnected' ||
    (event.type === 'live_stream.state_changed' && state !== undefined && endedStates.has(state));
  if (ended) {
    // The vendor said "stopped" or "disconnected" about a stream the API says does not exist: the API's
    // word is the stronger claim, and the one that makes a hub forget the stream (a hub keeps the newest
    // state it heard for ever, and Wowza Video sends no delete event). Its id is the event's with
    // `:deleted` added: copies of the delete fold into one, and a hub that already published the event
    // itself (confirmed while the stream still existed, answered 500 and delivered again after the
    // delete) does not drop the delete as a copy of it. Its time is kept, so the hub forgets only what came
    // before it.
    const claimed: Record<string, unknown> = { type: event.type };
    if (state !== undefined) claimed.state = state;
    if (broadcasting !== undefined) claimed.broadcasting = broadcasting;
    return {
      ...rest,
      id: `${event.id}${deletedIdSuffix}`,
      type: 'live_stream.deleted',
      data: { ...event.data, confirmed: true, claimed },
    };
  }
  if (event.type === 'live_stream.recording_ready') {
    throw unconfirmed(
      `the event offers a recording of stream ${event.streamId}, which the API does not have: ` +
        'the recording cannot be confirmed (list it over the API)',
    );
  }
  throw unconfirmed(
    `the event names stream ${event.streamId}, which the API does not have ` +
      '(a stream just created may not be readable yet: the vendor may deliver again)',
  );
}

// The reader's answer, when it is the stream asked for: its id, a known state, a boolean or no broadcasting.
function readStream(
  provider: ProviderId,
  answer: unknown,
  id: string,
): { state: LiveStreamState; broadcasting?: boolean | undefined } | undefined {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return undefined;
  // Own properties only, as everything unilive takes from the caller's code: a state on the answer's
  // prototype is not the API's word about this stream. A getter or Proxy that throws is the reader's fault,
  // refused as a reader that throws is (never its own error, which may quote anything, handed on).
  let answered: unknown;
  let state: unknown;
  let broadcasting: unknown;
  try {
    const own = (key: string): unknown =>
      Object.hasOwn(answer, key) ? (answer as Record<string, unknown>)[key] : undefined;
    answered = own('id');
    state = own('state');
    broadcasting = own('broadcasting');
  } catch (error) {
    throw invalidWebhookOption(
      provider,
      'confirm',
      'answered a stream that cannot be read (a getter or a Proxy in it threw; see cause)',
      error,
    );
  }
  if (answered !== id) return undefined;
  if (typeof state !== 'string' || !(liveStreamStates as readonly string[]).includes(state)) return undefined;
  if (broadcasting !== undefined && typeof broadcasting !== 'boolean') return undefined;
  return { state: state as LiveStreamState, broadcasting };
}
