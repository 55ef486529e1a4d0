import { answers, bufferKind, byteIntrinsics, copyOf, isBlob, isDetached, viewParts } from '../bytes.js';
import { fromEnvironment, loadCredential, trimWhitespace } from '../config/settings.js';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { idProblem } from '../ids.js';
import type { ProviderId, Warning } from '../live-stream.js';
import { type OptionRule, readOptions } from '../options.js';
import { isArrayValue, plainObjectProblem, readCallerList, unreadableText } from '../own.js';
import type { LiveStreamProvider } from '../provider.js';
import { maskedFailure, providerRedactor } from '../provider-secrets.js';
import { minimumSecretLength } from '../redaction/forms.js';
import { type Clock, systemClock } from '../runtime.js';
import { combinedRedactor, knownValuesRedactor, type Redactor } from '../secrets.js';
import { parseVendorTimestamp } from '../timestamps.js';
import { jsonBounds, maxEventDepth, maxEventValues } from './copy-event.js';
import { clockAnswerProblem, eventTimeUsable } from './event-time.js';
import type { LiveStreamEvent } from './live-stream-event.js';

/**
 * The body of a webhook request exactly as received: the text, or the bytes (a Node `Buffer` is a
 * `Uint8Array`). Signatures cover these exact bytes, so never a parsed and re-serialised object.
 */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/**
 * Request headers, names in any case: a fetch `Headers`, Node's `IncomingHttpHeaders` (a number is read as
 * its text), a `Map`, or a list of `[name, value]` pairs.
 */
export type WebhookHeaders =
  | Headers
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | ReadonlyMap<string, string>
  | readonly (readonly [string, string])[];

/** One webhook request, as every adapter's `parseWebhook` takes it. */
export interface WebhookInput {
  body: WebhookBody;
  headers: WebhookHeaders;
  /**
   * The URL the request arrived at (absolute, or a path). Needed only for a secret in the endpoint path
   * (`pathSecret` of the vendors that document no signature).
   */
  url?: string | URL | undefined;
}

/** Parses one webhook request into neutral events: what each adapter's `parseWebhook` is, options bound. */
export type WebhookParser = (input: WebhookInput) => Promise<LiveStreamEvent[]>;

/** Options every adapter's `parseWebhook` takes. */
export interface WebhookOptionsBase {
  /** The time now, for timestamp tolerance and for `occurredAt` of events that carry no time. Default `Date.now`. */
  clock?: Clock | undefined;
}

const encoder = /* @__PURE__ */ new TextEncoder();
const detachedBody =
  'is a detached ArrayBuffer or a view of one (its bytes were transferred): pass the bytes';
const shrunkBody =
  'is a view past the end of its resizable ArrayBuffer (the buffer shrank below it): pass the bytes';
const imitation = 'is no byte array, ArrayBuffer or Blob itself (a Proxy of one?): pass the bytes';
/**
 * Whether a value is bytes {@link readWebhookBody} reads, or passes for such (a Proxy of a `Buffer` or of a
 * `Blob`, an object made from a typed array's or `Blob.prototype`, a revoked Proxy), which it refuses naming
 * `input.body`: what a body parser's `req.body` must be for the Node handler to take it as the raw body. A
 * real `Blob` is none of these (see `webhookBodyBytes`).
 */
export function claimsWebhookBytes(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ArrayBuffer.isView(value) || bufferKind(value) !== undefined) return true;
  try {
    return imitatesBytes(value);
  } catch {
    return true;
  }
}

// Whether a value passes for bytes or a Blob by its prototype chain without being one (a Proxy of a Buffer or
// of a Blob, an object made from `Uint8Array.prototype` or `Blob.prototype`), asked of what no internal slot
// made bytes or a Blob. Throws what a Proxy's `getPrototypeOf` trap throws (a revoked Proxy).
function imitatesBytes(value: object): boolean {
  if (isBlob(value)) return false;
  return (
    value instanceof byteIntrinsics.TypedArray ||
    value instanceof DataView ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

// What a body that is still to be awaited is: a Promise (`request.text()` without `await`; a Proxy of one)
// or an object with a `then` (a thenable, another realm's Promise among them). Nothing is awaited and no `then` is called or read
// through a getter: the chain is walked by descriptors, and stops at a Proxy where the runtime can tell one.
function pendingKind(value: object): 'Promise' | 'thenable' | undefined {
  const { isProxy, isPromise } = byteIntrinsics;
  try {
    // A Promise of any realm (a `vm` context's) by its internal slots where the runtime tells them.
    if (isPromise?.(value) || value instanceof Promise) return 'Promise';
    for (
      let link: object | null = value;
      link !== null;
      link = Object.getPrototypeOf(link) as object | null
    ) {
      if (isProxy?.(link)) return undefined;
      const then = Object.getOwnPropertyDescriptor(link, 'then');
      if (then !== undefined) {
        return then.get !== undefined || typeof then.value === 'function' ? 'thenable' : undefined;
      }
    }
  } catch {
    // A Proxy whose trap throws: no Promise that can be named.
  }
  return undefined;
}

/**
 * What to tell of a body still to be awaited (a `Promise`, a Proxy of one, another object with a `then`:
 * a forgotten `await`), or `undefined` for any other value. Told without awaiting it and without calling
 * or reading its `then` through a getter: the one wording `parseWebhook` and the Node handler's `req.body`
 * share.
 */
export function pendingBodyMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' && typeof value !== 'function') return undefined;
  if (value === null) return undefined;
  const pending = pendingKind(value);
  if (pending === undefined) return undefined;
  const thenable = `thenable (${typeof value === 'function' ? 'a function' : 'an object'} with a then)`;
  return (
    `got a ${pending === 'Promise' ? 'Promise' : thenable} ` +
    'where the raw request body belongs: did you forget `await`? Pass what it resolves to ' +
    '(await request.text(), await request.arrayBuffer()), read to its end.'
  );
}

/**
 * The raw bytes of a webhook body, as a `Uint8Array` of unilive's own: a private copy, so the bytes a
 * parser verifies (across the `await` of a signature check) are the bytes it parses, whatever the caller
 * does to its own meanwhile. Text is encoded as UTF-8. A typed array (a `Buffer` included) or a `DataView` is read
 * by the bytes it holds, through the platform's own accessors, whatever its prototype, realm, subclass or own
 * getters; an `ArrayBuffer` or `SharedArrayBuffer` likewise, of any realm (a `Blob.prototype` given to one
 * included: the kind is told by internal slots, not by the prototype). A parsed object (what `express.json()` or
 * `await request.json()` leaves) throws {@link WebhookVerificationError} `body-not-raw`, saying how to keep
 * the raw body; so does a body still to be awaited (a `Promise` of any realm, an object or a function with a
 * `then`: `request.text()` without `await`, named as such, never awaited and its `then` never read through a
 * getter), a stream, a fetch `Request` or `Response` (named, saying how to pass its body; told by the
 * platform's own getters, no getter of the body's run), and a real `Blob` (which {@link webhookBodyBytes}
 * reads). A detached `ArrayBuffer` or a view of one (its bytes transferred), a
 * view past the end of a resizable `ArrayBuffer` that shrank below it, or what only passes for bytes (a Proxy of
 * a typed array, a `DataView`, an `ArrayBuffer`, a `SharedArrayBuffer` or a `Blob`, an object made from one's
 * prototype) throws `InvalidInputError` naming `input.body`; one whose prototype cannot be read (a revoked
 * Proxy, a trap that throws) the same, `could not be read`, what was thrown as `cause`.
 */
export function readWebhookBody(body: unknown, provider: ProviderId): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  // Bytes that are gone (a buffer transferred: `structuredClone(b, { transfer: [b] })`, `postMessage`) or
  // an imitation of bytes (a Proxy of a Uint8Array, which passes instanceof but no typed-array method) are
  // the caller's input, refused naming it the same way on every adapter, never a TypeError from deep inside.
  const refuse = (message: string): never => {
    throw new InvalidInputError({
      provider,
      operation: 'parseWebhook',
      message: `${provider} webhook: input.body ${message}`,
      issues: [{ path: 'input.body', message }],
    });
  };
  if (typeof body === 'object' && body !== null) {
    if (ArrayBuffer.isView(body)) {
      const { buffer, inBounds, byteOffset, byteLength } = viewParts(body);
      const shared = bufferKind(buffer) === 'shared';
      // A view over a resizable buffer shrunk below it is out of bounds: its bytes are gone as a detached
      // one's are. The bytes of one in bounds are copied: see below.
      if (!inBounds) refuse(!shared && isDetached(buffer) ? detachedBody : shrunkBody);
      return copyOf(new Uint8Array(buffer, byteOffset, byteLength));
    }
    // Always a private copy: a signature check awaits (WebCrypto), and whatever the caller's code does to its
    // own bytes meanwhile (shared memory, a resize, a write), the bytes parsed are the bytes verified.
    const kind = bufferKind(body);
    if (kind === 'shared') return copyOf(new Uint8Array(body as SharedArrayBuffer));
    if (kind === 'array') {
      const buffer = body as ArrayBuffer;
      if (isDetached(buffer)) refuse(detachedBody);
      return copyOf(new Uint8Array(buffer));
    }
    let imitates: boolean;
    try {
      imitates = imitatesBytes(body);
    } catch (error) {
      // A Proxy whose `getPrototypeOf` trap throws, or a revoked one: named, its error the cause.
      throw unreadableBodyError(provider, error);
    }
    if (imitates) refuse(imitation);
    // A real Blob is read by webhookBodyBytes, which every adapter reads its body with; here, called alone,
    // it is named as what it is.
    if (isBlob(body)) {
      throw new WebhookVerificationError({
        provider,
        reason: 'body-not-raw',
        message:
          `${provider} webhook: got a Blob where the raw request body belongs; read it first (await ` +
          'blob.arrayBuffer()) and pass the bytes, or read it with webhookBodyBytes.',
      });
    }
    // A fetch Request or Response (Hono's `c.req.raw`): the holder of the body, not the body.
    const fetchKind = fetchBodyHolder(body);
    if (fetchKind !== undefined) {
      const name = fetchKind.toLowerCase();
      throw new WebhookVerificationError({
        provider,
        reason: 'body-not-raw',
        message:
          `${provider} webhook: got a fetch ${fetchKind} where the raw request body belongs; pass its body ` +
          `read to its end (await ${name}.arrayBuffer(), or await ${name}.text())` +
          (fetchKind === 'Request'
            ? ', or give the Request to handleWebhook (createWebhookHandler), which reads it for you with a size limit.'
            : '.'),
      });
    }
  }
  // A forgotten `await` (`body: request.text()`): named, never awaited, its `then` never called; a function
  // with a `then` too.
  const pending = pendingBodyMessage(body);
  if (pending !== undefined) {
    throw new WebhookVerificationError({
      provider,
      reason: 'body-not-raw',
      message: `${provider} webhook: ${pending}`,
    });
  }
  const stream = streamKind(body);
  if (stream) {
    throw new WebhookVerificationError({
      provider,
      reason: 'body-not-raw',
      message:
        `${provider} webhook: got a ${stream} where the raw request body belongs; read it to its end first ` +
        '(await request.text(), or the bytes of the Node request) and pass those, or use createWebhookHandler, ' +
        'which reads the body for you with a size limit.',
    });
  }
  const what =
    body === null || body === undefined
      ? 'no body'
      : `a parsed ${Array.isArray(body) ? 'array' : typeof body}`;
  throw new WebhookVerificationError({
    provider,
    reason: 'body-not-raw',
    message:
      `${provider} webhook: got ${what} where the raw request body belongs. Pass the body exactly as ` +
      'received (a string, Buffer or Uint8Array): the signature covers those bytes, and parsing then ' +
      're-serialising changes them. Express: express.raw({ type: "*/*" }) on this route; Next.js, Hono and ' +
      'Workers: await request.text() (or use handleWebhook, which reads it for you).',
  });
}

/**
 * The raw bytes of a webhook body, as {@link readWebhookBody} reads them, a `Blob` (a `File`, what
 * `await request.blob()` gives) included, read by the bytes it holds through the platform's own
 * `Blob.prototype.arrayBuffer` (a subclass's or an own `arrayBuffer` is not called, as a view's own
 * `buffer` getter is not): the one path every adapter's `parseWebhook` turns a body into bytes by. What a body
 * is, is told by internal slots, not by its prototype: a real `Blob` given another prototype (none,
 * `Object.prototype`, `Uint8Array.prototype`, a Proxy, none of whose traps runs) is read as a Blob, a typed array or buffer given
 * `Blob.prototype` by its bytes.
 *
 * @throws InvalidInputError naming `input.body` (`operation: 'parseWebhook'`) for what only passes for a
 *   Blob (an object that only inherits from `Blob.prototype`, with or without an `arrayBuffer` of its own; a
 *   Proxy of a Blob, whose traps Node's Blob would otherwise ask for its size and bytes: refused where the
 *   runtime tells a Proxy, Node's `util.types.isProxy`, and by a browser's own Blob), as what only passes for
 *   bytes is; for one whose prototype cannot be read (a Proxy whose trap throws) or a `Blob` whose bytes the
 *   platform cannot read (`could not be read`, what was thrown as `cause`), and as {@link readWebhookBody}
 *   throws.
 */
export async function webhookBodyBytes(body: unknown, provider: ProviderId): Promise<Uint8Array> {
  const read = byteIntrinsics.blobBytes;
  // The kind by internal slots, never by the prototype: a view or buffer given `Blob.prototype` is read by
  // its bytes, a Blob given another prototype (none, `Object.prototype`, `Uint8Array.prototype`) as a Blob,
  // and what only passes for a Blob (a Proxy of one, an object made from `Blob.prototype`) is refused by
  // readWebhookBody as what only passes for bytes is, none of its traps or getters run by the read.
  if (read === undefined || !isBlob(body)) return readWebhookBody(body, provider);
  // Read by the platform, never by the caller's code: a real Blob's read always settles, so no
  // `arrayBuffer` of the caller's can hang the call or hand other bytes than the Blob holds.
  let bytes: ArrayBuffer;
  try {
    bytes = await Reflect.apply(read, body, []);
  } catch (error) {
    throw unreadableBodyError(provider, error);
  }
  // An ArrayBuffer of any realm (a test environment's own) is read; anything else is not bytes.
  if (bufferKind(bytes) !== 'array') throw unreadableBodyError(provider);
  return readWebhookBody(bytes, provider);
}

function unreadableBodyError(provider: ProviderId, cause?: unknown): InvalidInputError {
  return new InvalidInputError({
    provider,
    operation: 'parseWebhook',
    message: `${provider} webhook: input.body ${unreadableText}`,
    issues: [{ path: 'input.body', message: unreadableText }],
    ...(cause === undefined ? {} : { cause }),
  });
}

// The platform's fetch `Request` and `Response`, each with a getter of its own that checks the brand (throws
// for anything else), where the platform has them.
const fetchBrands = /* @__PURE__ */ (() => {
  const brand = (type: unknown, getter: string) => {
    if (typeof type !== 'function') return undefined;
    const prototype = (type as { prototype?: unknown }).prototype;
    if (typeof prototype !== 'object' || prototype === null) return undefined;
    const get = Object.getOwnPropertyDescriptor(prototype, getter)?.get;
    return typeof get === 'function' ? get : undefined;
  };
  return [
    ['Request', brand(globalThis.Request, 'method')],
    ['Response', brand(globalThis.Response, 'status')],
  ] as const;
})();

// Whether `body` is the platform's fetch `Request` or `Response`, told by the platform's own getter, which
// throws for anything else, without running any code of the caller's: Node's (undici) checks the brand by the
// prototype chain, so what is or inherits from a Proxy (whose traps would run) is not asked, and is no fetch
// body holder here; a browser's checks internal slots, which a Proxy has none of.
function fetchBodyHolder(body: object): 'Request' | 'Response' | undefined {
  if (proxyOnChain(body)) return undefined;
  for (const [kind, get] of fetchBrands) if (get !== undefined && answers(get, body)) return kind;
  return undefined;
}

// Whether `value` is, or inherits from, a Proxy (whose traps asking about it would run), told without running
// a trap where the runtime tells a Proxy: the chain is walked up to the first Proxy. True when the walk
// throws. False where the runtime cannot tell a Proxy (a browser, whose platform objects check internal
// slots instead).
function proxyOnChain(value: object): boolean {
  const { isProxy } = byteIntrinsics;
  if (isProxy === undefined) return false;
  try {
    for (
      let link: object | null = value;
      link !== null;
      link = Object.getPrototypeOf(link) as object | null
    ) {
      if (isProxy(link)) return true;
    }
    return false;
  } catch {
    return true;
  }
}

// A method `value` has, its own or inherited, found by descriptors: a getter is not run (and is no method).
function hasMethod(value: object, name: string): boolean {
  for (let link: object | null = value; link !== null; link = Object.getPrototypeOf(link) as object | null) {
    const found = Object.getOwnPropertyDescriptor(link, name);
    if (found !== undefined) return typeof found.value === 'function';
  }
  return false;
}

// A body that is still a stream (fetch's ReadableStream, a Node Readable): named, never read here.
// Asked without running the caller's code: what is or inherits from a Proxy is none (its traps would
// answer), and `pipe` and `on` are looked for by descriptors, a getter not run.
function streamKind(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || proxyOnChain(body)) return undefined;
  try {
    if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return 'ReadableStream';
    if (hasMethod(body, 'pipe') && hasMethod(body, 'on')) return 'Node stream';
  } catch {
    // Nothing of the caller's runs above; were the platform to throw, the body is named as no stream.
  }
  return undefined;
}

/**
 * A header's value, whatever the case of its name; several values are joined with `, `, a number is read
 * as its text (as it went over the wire). `headers` may be a fetch `Headers`, a record (Node's
 * `IncomingHttpHeaders`), a `Map` or a list of `[name, value]` pairs. A value of the named header that is
 * none of these (an object, `true`) throws `InvalidInputError` naming `input.headers.<name>`; headers that
 * throw as they are read (a Proxy, a `Map` or `Headers` whose iteration or `get` throws) throw
 * `InvalidInputError` naming `input.headers`, the thrown value as `cause`.
 */
export function webhookHeader(headers: WebhookHeaders, name: string): string | undefined {
  try {
    return readHeader(headers, name);
  } catch (error) {
    if (InvalidInputError.isInstance(error)) throw error;
    // Headers that throw as they are read (a getter, a Proxy, a Map or Headers whose iteration or `get`
    // throws) are a bad input, as headers of the wrong kind are: never the raw error.
    throw new InvalidInputError({
      operation: 'parseWebhook',
      message: `webhook input: input.headers ${unreadableText}`,
      issues: [{ path: 'input.headers', message: unreadableText }],
      cause: error,
    });
  }
}

// What an input field whose reading threw is told, as every input (inputs.ts) and a subscribe filter.

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const entries: Iterable<readonly [unknown, unknown]> =
    headers instanceof Map
      ? (headers as Map<unknown, unknown>).entries()
      : Array.isArray(headers)
        ? (headers as readonly (readonly [unknown, unknown])[])
        : Object.entries(headers as Record<string, unknown>);
  const found: string[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [key, value] = entry as readonly [unknown, unknown];
    if (typeof key !== 'string' || key.toLowerCase() !== wanted || value === undefined || value === null)
      continue;
    const text = headerText(value);
    if (text === undefined) {
      throw new InvalidInputError({
        operation: 'parseWebhook',
        message: `webhook input: header ${wanted} is neither text, a number nor a list of texts`,
        issues: [{ path: `input.headers.${wanted}`, message: 'expected text, a number or a list of texts' }],
      });
    }
    found.push(text);
  }
  return found.length === 0 ? undefined : found.join(', ');
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.every((each) => typeof each === 'string')) return value.join(', ');
  return undefined;
}

// Without a prototype: TextDecoder reads `ignoreBOM` through it, and a polluted one kept a BOM that then
// failed the parse.
const fatal: TextDecoderOptions = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.assign(Object.create(null) as TextDecoderOptions, { fatal: true }),
);

/**
 * Parses a signed body as JSON. A body that is not a JSON object, one nested more than 64 levels deep
 * (`maxEventDepth`; the top-level object is level 1: no vendor's event is more than a few), or one holding
 * more than 10 000 values (`maxEventValues`: the top-level object and every entry of every object and
 * array; no vendor's event holds more than a few dozen), throws {@link WebhookVerificationError}
 * `malformed-body` (the vendor always sends a small, shallow object). Both are counted on the text, before
 * anything is built from it, so a wide body costs one pass over its characters, not a parse and a copy per
 * subscriber.
 */
export function parseWebhookJson(body: Uint8Array, provider: ProviderId): Record<string, unknown> {
  let value: unknown;
  try {
    const text = new TextDecoder('utf-8', fatal).decode(body);
    const bounds = jsonBounds(text, maxEventDepth, maxEventValues);
    if (bounds !== undefined) {
      const what =
        bounds === 'deep'
          ? `is nested more than ${maxEventDepth} levels deep`
          : `holds more than ${maxEventValues} values`;
      throw new WebhookVerificationError({
        provider,
        reason: 'malformed-body',
        message: `${provider} webhook: the body ${what}, which no ${provider} webhook does`,
      });
    }
    value = JSON.parse(text);
  } catch (error) {
    if (WebhookVerificationError.isInstance(error)) throw error;
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookVerificationError({
      provider,
      reason: 'malformed-body',
      message: `${provider} webhook: the body is not a JSON object, which every ${provider} webhook is`,
    });
  }
  return value as Record<string, unknown>;
}

// ISO 8601 as vendors send an event time: a date and a time of day, optionally seconds, fraction and zone.
const isoTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** What {@link readEventTime} read. */
export interface EventTime {
  occurredAt: Date;
  /** What the vendor sent when it could not be used (the time of receipt stands in): for a warning. */
  unreadable?: unknown;
}

/**
 * Reads a vendor's event time, one rule for every adapter. A number (or a text of digits) below 10^11 is
 * seconds since the epoch (fractions kept: Wowza's `1764417600.25`), from 10^11 on milliseconds; a text is
 * an ISO 8601 date-time with a real calendar day and a time of day (at least hours and minutes), read as
 * UTC when it names no zone (as every vendor date unilive reads, whatever the host's `TZ`). Spaces around
 * a text are ignored (`' 1764417600'` is that second). The result must fall from 2000-01-01 to a day after
 * `receipt`. Anything else (NaN, `1e20`, `0`, `'yesterday'`, `'2026-02-30'`, a date without a time such as
 * `'2026-11-30'`, which names a day and not the moment of the event, a year 33658 from milliseconds read
 * as seconds) gives the time of receipt, with what was sent as `unreadable`, so the adapter can say so;
 * `undefined` (the vendor sent no time) gives the time of receipt alone. Never an Invalid Date.
 */
export function readEventTime(value: unknown, receipt: number): EventTime {
  const fallback = (): EventTime => ({ occurredAt: new Date(receipt), unreadable: value });
  if (value === undefined) return { occurredAt: new Date(receipt) };
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value))) {
    const number = Number(value);
    if (!Number.isFinite(number)) return fallback();
    ms = number < 1e11 ? Math.round(number * 1000) : number;
  } else if (typeof value === 'string') {
    const text = value.trim();
    // A time of day is required: a bare date would put the event at midnight, hours from when it happened,
    // and order it before events of that morning.
    if (!isoTime.exec(text)) return fallback();
    // Core's one reader of vendor dates: a real calendar day (no 2026-02-30 rolled over to March), and UTC
    // when no zone is named, where Date.parse would read the host's zone.
    ms = parseVendorTimestamp(text)?.getTime() ?? Number.NaN;
  } else {
    return fallback();
  }
  if (!eventTimeUsable(ms, receipt)) return fallback();
  return { occurredAt: new Date(ms) };
}

/**
 * The warning of an event whose vendor time could not be read (see {@link readEventTime}), for its
 * `warnings`; none when the time was read or the vendor sent none.
 */
export function eventTimeWarnings(time: EventTime, field: string): { warnings?: Warning[] } {
  if (!('unreadable' in time)) return {};
  return {
    warnings: [
      {
        type: 'fallback',
        setting: field,
        message: `${field} ${describeValue(time.unreadable)} is no time from 2000 to a day after receipt; occurredAt is the time of receipt`,
      },
    ],
  };
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '(a list)' : `(${value === null ? 'null' : typeof value})`;
}

/**
 * Rejects a signed timestamp further than `toleranceMs` from now, in either direction: an old one is a
 * replay, a future one a forged or badly clocked sender. Throws {@link WebhookVerificationError}
 * `stale-timestamp`.
 */
export function checkWebhookTimestamp(options: {
  provider: ProviderId;
  timestampMs: number;
  toleranceMs: number;
  now: number;
  field: string;
}): void {
  const skewMs = options.now - options.timestampMs;
  if (Math.abs(skewMs) <= options.toleranceMs) return;
  const [skew, tolerance, unit] = secondsApart(Math.abs(skewMs), options.toleranceMs);
  throw new WebhookVerificationError({
    provider: options.provider,
    reason: 'stale-timestamp',
    message:
      `${options.provider} webhook: ${options.field} is ${skew} ${unit} ${skewMs > 0 ? 'old' : 'in the future'}, ` +
      `beyond the tolerance of ${tolerance} ${unit} (a replayed delivery, or a clock that is off)`,
  });
}

// Two lengths of time in seconds, `longer` above `shorter`, each written with as few decimals as show it
// above and a tolerance that is not 0 as no 0 (whole seconds for `412 s … 300 s`; `0.001 s … 0.0005 s` for a
// sub-second tolerance; down to the nanosecond, `0.0000003 s … 0.0000001 s`): rounded alike, they could read
// `0 s … beyond the tolerance of 0 s`, or `300 s … 300 s`. A tolerance no nine decimals show (below a
// nanosecond, which no configuration means) is written exactly, as JavaScript writes the number (`1e-300 s`),
// and so is an age no nine decimals show beyond it; in ms if seconds would make the two equal, or the
// tolerance 0.
function secondsApart(longerMs: number, shorterMs: number): [string, string, string] {
  // `toFixed` never writes an exponent below 10^21; trailing zeros dropped: `0.0010` reads `0.001`.
  const decimals = (ms: number, digits: number) => {
    const text = (ms / 1000).toFixed(digits);
    return digits === 0 ? text : text.replace(/0+$/, '').replace(/\.$/, '');
  };
  for (let digits = 0; digits <= 9; digits += 1) {
    const [longer, shorter] = [decimals(longerMs, digits), decimals(shorterMs, digits)];
    if (Number(longer) > Number(shorter) && (Number(shorter) > 0 || shorterMs === 0)) {
      return [longer, shorter, 's'];
    }
  }
  const [longer, shorter] = [longerMs / 1000, shorterMs / 1000];
  // A tolerance of the smallest numbers there are has no number of seconds but 0, or none that is it: below
  // about 2e-305 ms, seconds are subnormal, and 2.475e-321 ms reads 5e-324 s, twice the tolerance given.
  // (A tolerance whose seconds came out 0 is one of those: 0 · 1000 is off by the whole tolerance.)
  if (!(longer > shorter) || Math.abs(shorter * 1000 - shorterMs) > shorterMs * 1e-15) {
    return [String(longerMs), String(shorterMs), 'ms'];
  }
  // The tolerance exactly; the age still in decimals when nine of them show it beyond (`0.0000003 s old,
  // beyond the tolerance of 1e-300 s`).
  for (let digits = 0; digits <= 9; digits += 1) {
    const written = decimals(longerMs, digits);
    if (Number(written) > shorter) return [written, String(shorter), 's'];
  }
  return [String(longer), String(shorter), 's'];
}

/**
 * The secrets a webhook secret given as text names: one, or several separated by commas while one is
 * rotated (`"<new>,<old>"`), whitespace around each (a space after a comma, a `.env` file's line end) dropped
 * and empty parts skipped. The one rule for every webhook secret option given as text (Wowza Real-Time's
 * `secret`, the `pathSecret` of the vendors that document no signature, videosdk's `publicKey`) and for the environment
 * variable it defaults to, so `secret: process.env.X` reads exactly what leaving `secret` out reads. No
 * vendor's secret holds a comma (Millicast's is base64, videosdk's key a PEM); a path secret of your own that
 * does is given in a list, whose entries are taken whole. Never throws; the parts are never logged.
 */
export function webhookSecretText(text: string): string[] {
  const parts: string[] = [];
  for (const part of text.split(',')) {
    const secret = trimWhitespace(part);
    if (secret !== '') parts.push(secret);
  }
  return parts;
}

/** The most entries a webhook secret list may hold: a rotation lists two or three. */
export const maxWebhookSecretListLength = 1_000;

/**
 * A webhook secret option (Wowza Real-Time's `secret`, the `pathSecret` of LiveAPI and Wowza Video,
 * videosdk's `publicKey`) read once, the one reader of every such list: a list is copied into an array of
 * core's own by core's one reader of caller lists (`readCallerList`), its `length` read once and each
 * entry once by its index (its iterator is never called; a hole is no entry), so
 * the adapter checks and uses only that copy; anything else (a text, a key, `undefined`) is returned as it
 * is. A list whose reading throws (a Proxy whose `length` or an entry's `get` throws, a getter on an
 * entry, a revoked Proxy) is an `InvalidInputError` naming the option (`pathSecret could not be read (a
 * getter or a Proxy in it threw)`), `operation: 'parseWebhook'`, what was thrown as `cause`, never in the
 * message and never the raw error; so is a list of more than {@link maxWebhookSecretListLength} entries,
 * which could only be a mistake (or a Proxy claiming billions).
 */
export function readWebhookSecretList(provider: ProviderId, setting: string, value: unknown): unknown {
  // Core's one reader of caller lists; a length no array has is read as a list that cannot be read.
  const read = readCallerList(value, maxWebhookSecretListLength);
  if ('list' in read) return read.list;
  switch (read.problem) {
    case 'not-a-list':
      return value;
    case 'too-long':
      throw invalidWebhookOption(
        provider,
        setting,
        'holds more than 1,000 entries: give the secrets in use (several only during a rotation)',
      );
    case 'bad-length':
      throw invalidWebhookOption(provider, setting, unreadableText);
    default:
      throw invalidWebhookOption(provider, setting, unreadableText, read.cause);
  }
}

/**
 * The secrets a signed webhook may be verified with: one, or several while a secret is rotated (a delivery
 * matching any of them is accepted). From `value`: a list, each entry one secret taken whole, or a text read
 * by {@link webhookSecretText} (several separated by commas); else from the environment variables, read by
 * the same rule. None at all throws the `AuthenticationError` of a missing credential, naming the setting
 * and variables; a text of commas and whitespace only, an empty or non-text entry in a list, or a value
 * that is neither text nor a list throws `InvalidInputError` naming it (`secret`, `secret.1`), never the
 * value. A secret found in a text of several is named by its place in it (`secret.1`), as a list's entry is.
 * A list is read by {@link readWebhookSecretList} first: one whose reading throws is an `InvalidInputError`
 * naming the setting (`could not be read`), the thrown value as `cause`.
 */
export function webhookSecrets(source: {
  provider: ProviderId;
  setting: string;
  value: string | readonly string[] | undefined;
  environmentVariables: readonly string[];
}): string[] {
  // A list copied once (readWebhookSecretList): a Proxy whose reading throws is named, not escaping.
  const value = readWebhookSecretList(source.provider, source.setting, source.value) as
    | string
    | readonly string[]
    | undefined;
  const mistake = (path: string, message: string) =>
    new InvalidInputError({
      provider: source.provider,
      operation: 'parseWebhook',
      message: `${source.provider} webhook: ${path} ${message}`,
      issues: [{ path, message }],
    });
  // A text, the option's or the environment's, read by the one rule: split first (a line end may separate
  // two secrets), then each part checked as a credential (control characters, length), named by its place
  // when there are several. None at all is the missing credential's AuthenticationError.
  const fromText = (given: string | undefined): string[] => {
    const text = given ?? fromEnvironment(source.environmentVariables);
    if (text === undefined || trimWhitespace(text) === '')
      return [loadCredential({ ...source, value: text, operation: 'parseWebhook' })];
    const parts = webhookSecretText(text);
    if (parts.length === 0) {
      throw mistake(source.setting, 'holds no secret: give one, or several separated by commas');
    }
    return parts.map((part, index) =>
      loadCredential({
        ...source,
        setting: parts.length > 1 ? `${source.setting}.${index}` : source.setting,
        value: part,
      }),
    );
  };
  if (typeof value === 'string') return fromText(value);
  if (value !== undefined && !Array.isArray(value)) {
    throw mistake(source.setting, 'must be a string or a list of strings (several during a rotation)');
  }
  // An empty entry in a rotation list is a slip in the list, not a credential left unset.
  value?.forEach((each: unknown, index) => {
    if (typeof each !== 'string' || each.trim() === '') {
      throw mistake(`${source.setting}.${index}`, 'must be a non-empty string');
    }
  });
  if (value !== undefined && value.length > 0) {
    return value.map((each, index) =>
      loadCredential({
        ...source,
        setting: `${source.setting}.${index}`,
        value: each,
        environmentVariables: [],
      }),
    );
  }
  return fromText(undefined);
}

/**
 * Checks the shape of a `parseWebhook` call before anything is read: `input` an object, its `headers` an
 * object (`Headers`, a record, a `Map`, pairs), its `url` absent, text or a `URL`, `options` absent or a
 * plain object (a `Map`, a class instance, a revoked Proxy are refused naming `options`), and
 * `options.clock` absent or a function. Text that is no URL (`http://[x/…`: `URL.canParse` against any
 * base says no) is refused too, without repeating it. Throws `InvalidInputError` naming `input`, `input.headers`,
 * `input.url`, `options` or `clock`,
 * so a call from plain JavaScript with the wrong arguments is never a `TypeError` from deep inside; a field
 * (`input.body` too) whose getter or Proxy throws as it is read is refused naming it, `could not be read (a
 * getter or a Proxy in it threw)`, the thrown value as `cause` (but for `input.url`, whose reading, like a
 * URL-like object that gives no text, is named without it: the caller's error may repeat the URL).
 */
export function checkWebhookInput(
  provider: ProviderId,
  input: unknown,
  options?: unknown,
): asserts input is WebhookInput {
  const refuse = (path: string, message: string, cause?: unknown): never => {
    throw new InvalidInputError({
      provider,
      operation: 'parseWebhook',
      message: `${provider} webhook: ${path} ${message}`,
      issues: [{ path, message }],
      ...(cause === undefined ? {} : { cause }),
    });
  };
  // Each field read once here, in a try: a getter or a Proxy that throws is a bad input naming the field,
  // its error the cause, never the raw error (a revoked Proxy throws even on Array.isArray).
  const read = <T>(path: string, get: () => T): T => {
    try {
      return get();
    } catch (error) {
      return refuse(path, unreadableText, error);
    }
  };
  if (typeof input !== 'object' || input === null || read('input', () => Array.isArray(input))) {
    refuse('input', 'must be an object: { body, headers, url? }');
  }
  const fields = input as { body?: unknown; headers?: unknown; url?: unknown };
  const body = read('input.body', () => fields.body);
  // A revoked Proxy as the body throws on the first instanceof the reading makes: asked here, in the try.
  if (typeof body === 'object' && body !== null) read('input.body', () => Object.getPrototypeOf(body));
  const headers = read('input.headers', () => fields.headers);
  const url = readUrlField(provider, fields);
  if (typeof headers !== 'object' || headers === null) {
    refuse('input.headers', 'must be the request headers (Headers, an object of names, a Map or pairs)');
  }
  urlText(provider, url);
  // The options as a whole first: a revoked Proxy (whose every read throws) or a Map is the options' own
  // problem, named as `options`, not as the first option read from it.
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null || isArrayValue(options)) {
      refuse('options', 'must be an object of options');
    }
    const kind = plainObjectProblem(options as object);
    if (kind !== undefined) refuse('options', kind);
  }
  let clock: unknown;
  try {
    clock =
      typeof options === 'object' && options !== null && Object.hasOwn(options, 'clock')
        ? (options as { clock?: unknown }).clock
        : undefined;
  } catch {
    refuse('clock', unreadableText);
  }
  if (clock !== undefined && typeof clock !== 'function') refuse('clock', 'must be a function returning ms');
}

// What an input's `url` that is a URL object but gives no text is told: a subclass whose `toString` throws,
// an object only inheriting from `URL.prototype` or a Proxy of a URL (whose `toString` throws a TypeError).
const unreadableUrl = 'could not be read (its toString, or a Proxy standing for it, threw)';

function urlError(provider: ProviderId, message: string): InvalidInputError {
  // Never with what was thrown as `cause`: the caller's error may repeat the URL, and so its path secret.
  return new InvalidInputError({
    provider,
    operation: 'parseWebhook',
    message: `${provider} webhook: input.url ${message}`,
    issues: [{ path: 'input.url', message }],
  });
}

// An input's `url` field, read once in a try: a getter or a Proxy that throws is named, its error dropped.
function readUrlField(provider: ProviderId, input: object): unknown {
  try {
    return (input as { url?: unknown }).url;
  } catch {
    throw urlError(provider, unreadableText);
  }
}

// The text of an input's `url`: text as it is, a `URL` by its own `toString` (a subclass's too, as a
// `Blob` is read by its own `arrayBuffer`), `undefined` when absent. Anything else, a URL-like object
// whose text cannot be taken, or text that is no URL (`http://[x/…`, a sender's malformed request target:
// never repeated, as it may hold a path secret, and `new URL` would throw a TypeError holding all of it)
// is an InvalidInputError naming `input.url`, never the raw error.
function urlText(provider: ProviderId, url: unknown): string | undefined {
  let text: string | undefined;
  if (url === undefined || typeof url === 'string') text = url;
  else {
    let isUrl: boolean;
    try {
      // A revoked Proxy throws even on instanceof.
      isUrl = url instanceof URL;
    } catch {
      throw urlError(provider, unreadableUrl);
    }
    if (!isUrl) throw urlError(provider, 'must be the URL the request arrived at, as text or a URL');
    try {
      text = String(url);
    } catch {
      throw urlError(provider, unreadableUrl);
    }
  }
  if (text !== undefined && !URL.canParse(text, 'http://webhook.invalid')) {
    throw urlError(provider, 'is no URL that can be read (a path, or an absolute URL)');
  }
  return text;
}

/**
 * The text of a `parseWebhook` input's `url`, read as {@link checkWebhookInput} reads it: the field once,
 * text as it is, a `URL` by its own `toString`; `undefined` when it is absent. Core reads the url by this
 * alone (a `pathSecret` is checked against the last segment of what it gives).
 *
 * @throws InvalidInputError naming `input.url` (`operation: 'parseWebhook'`) for a `url` that is neither text
 *   nor a `URL`, text that is no URL, and a field or URL-like object whose reading throws (a getter, a Proxy,
 *   a subclass whose `toString` throws, an object only inheriting from `URL.prototype`: `could not be read`),
 *   never with what was thrown, as message or `cause`: it may repeat the URL and its path secret.
 */
export function webhookUrlText(provider: ProviderId, input: WebhookInput): string | undefined {
  return urlText(provider, readUrlField(provider, input));
}

/**
 * Reads a `parseWebhook`'s options once, before anything is verified or fetched, as every options object in
 * unilive is read (core's `readOptions`): own properties of a plain object, each read once, into a copy
 * without a prototype, which the adapter then reads alone. `names` are the options the adapter takes (`clock`
 * is always among them). Options that are no plain object, a revoked Proxy or one whose traps throw are
 * refused naming `options`; an option whose getter or `get` trap throws is refused naming it (`clock`); a
 * name the adapter does not take (`clok`, `secert`) is refused naming it, with the nearest valid name; a
 * `clock` that is no function is refused naming `clock`. Throws `InvalidInputError` (`not-sent`), the
 * caller's own error never escaping. `undefined` gives an empty copy.
 */
export function readWebhookOptions<T extends object>(
  provider: ProviderId,
  options: unknown,
  names: readonly string[],
): T {
  // Values are the adapter's to check, with its own messages (`pathSecret.1 must be a string`): here each
  // is only read, once.
  const rules: Record<string, OptionRule> = Object.create(null);
  for (const name of new Set([...names, 'clock'])) rules[name] = anyOption;
  if (options === null || (typeof options !== 'object' && options !== undefined) || isArrayValue(options)) {
    // As checkWebhookInput words it, so the message of a call given no object stays the same.
    throw invalidWebhookOption(provider, 'options', 'must be an object of options');
  }
  let copy: Record<string, unknown>;
  try {
    copy = readOptions<Record<string, unknown>>(options, rules, {
      provider,
      operation: 'parseWebhook',
      path: 'options',
      // The adapters name their options bare (`clock`, `secret`, `pathSecret.1`): a read that fails too.
      keys: 'bare',
    });
  } catch (error) {
    throw maskedByOptionSecrets(error, options);
  }
  if (copy.clock !== undefined && typeof copy.clock !== 'function') {
    throw invalidWebhookOption(provider, 'clock', 'must be a function returning ms');
  }
  return copy as T;
}

// A refusal names the caller's option names: one may repeat a secret the same options hold (the path
// secret, the signing secret, a list of them; the credentials of a provider given to confirm with), and is
// masked by them. Values are read as data, no getter run: one that throws is refused on its own.
function maskedByOptionSecrets(error: unknown, options: unknown): unknown {
  if (!InvalidInputError.isInstance(error) || typeof options !== 'object' || options === null) return error;
  const texts: string[] = [];
  const redactors: Redactor[] = [];
  try {
    for (const key of Object.keys(options)) {
      const value: unknown = Object.getOwnPropertyDescriptor(options, key)?.value;
      const values: unknown[] = Array.isArray(value) ? value.slice(0, maxMaskedListEntries) : [value];
      for (const each of values) {
        if (typeof each === 'string') texts.push(each);
        const provider = providerIn(each);
        if (provider !== undefined) redactors.push(providerRedactor(provider));
      }
    }
  } catch {
    // What cannot be read holds nothing more to mask by.
  }
  const secrets = texts.filter((text) => text.trim().length >= minimumSecretLength);
  if (secrets.length > 0) redactors.push(knownValuesRedactor(secrets));
  return redactors.length === 0 ? error : maskedFailure(error, combinedRedactor(redactors));
}

// More entries than a secret list holds are read as no secrets: a huge list is no list of secrets.
const maxMaskedListEntries = 100;

// The provider a `confirm` option is, or whose client it is.
function providerIn(value: unknown): LiveStreamProvider | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = Object.getOwnPropertyDescriptor(value, 'provider')?.value ?? value;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.secrets === 'function'
    ? (candidate as LiveStreamProvider)
    : undefined;
}

// A webhook option's value is checked by the adapter that takes it, after this one read.
const anyOption: OptionRule = { check: () => true, expected: 'anything' };

/**
 * The clock a `parseWebhook` reads (`options.clock`, else the system's), each answer checked: a clock that
 * answers anything but a finite number of ms (NaN, a text, a BigInt, Infinity, a number beyond the ±8.64e15
 * a `Date` holds), or throws, throws
 * `InvalidInputError` naming `clock` (a thrown error as its `cause`), as a wrong option does, rather than dating an event with an Invalid Date or failing with
 * a `TypeError` deep inside. Every adapter reads the time through this; an event hub's `clock` is checked
 * by the same rule. `path` names the option where it is another `clock` than parseWebhook's own (the
 * clock of a videosdk key source, `keySource.clock`; of a Wowza Real-Time name resolver,
 * `resolveStreamId.clock`); a `clock` that is no function is refused the same way when it is read.
 */
export function webhookClock(provider: ProviderId, clock: Clock | undefined, path = 'clock'): Clock {
  const read = clock ?? systemClock;
  return () => {
    let now: unknown;
    try {
      now = read();
    } catch (error) {
      // The caller's clock failed, not the delivery: named as the option it is, its error the cause (not
      // echoed in the message: a clock is the caller's code and may throw anything).
      throw invalidWebhookOption(
        provider,
        path,
        'threw instead of returning a number of ms since the epoch (see cause)',
        error,
      );
    }
    const problem = clockAnswerProblem(now);
    if (problem !== undefined) throw invalidWebhookOption(provider, path, problem);
    return now as number;
  };
}

/** The setting problem of a webhook option, before anything is verified. */
export function invalidWebhookOption(
  provider: ProviderId,
  path: string,
  message: string,
  cause?: unknown,
): InvalidInputError {
  return new InvalidInputError({
    provider,
    operation: 'parseWebhook',
    message: `${provider} webhook: ${path} ${message}`,
    issues: [{ path, message }],
    cause,
  });
}

/**
 * Keeps the rule of {@link LiveStreamEvent.streamId} for every adapter: an event whose `streamId` is `''`
 * (the delivery names no stream, or names it with an empty id), or an id no call could carry (`'  '`,
 * `'../x'`: `client.get` refuses it), is `unknown` with `streamId: ''`, without `state` or `broadcasting`,
 * which would claim something of a stream no call can name (and a hub would keep state for it). An event
 * that names its stream is returned as it is. `data`, `raw` and the rest are kept, so what the vendor sent
 * stays readable.
 */
export function namedStreamEvent(event: LiveStreamEvent): LiveStreamEvent {
  if (event.streamId === '' ? event.type === 'unknown' : idProblem(event.streamId) === undefined)
    return event;
  const { state: _state, broadcasting: _broadcasting, ...rest } = event;
  return { ...rest, streamId: '', type: 'unknown' };
}
