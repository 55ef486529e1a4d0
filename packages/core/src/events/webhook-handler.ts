import { byteIntrinsics, isBlob } from '../bytes.js';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { maxTimeoutMs } from '../http/transport-settings.js';
import { type OptionRule, optionRules, readOptions } from '../options.js';
import { unreadableText } from '../own.js';
import { readEvent } from './copy-event.js';
import { isEventHub, type LiveStreamEventHub } from './event-hub.js';
import { isLiveStreamEvent, type LiveStreamEvent } from './live-stream-event.js';
import {
  claimsWebhookBytes,
  pendingBodyMessage,
  readWebhookBody,
  type WebhookHeaders,
  type WebhookParser,
  webhookBodyBytes,
  webhookHeader,
} from './webhook-input.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /**
   * Verifies and normalises one request: an adapter's `parseWebhook` with its options bound
   * (`(input) => parseWebhook(input, { secret })`). What it resolves to is read once, entry by entry by
   * index, into the handler's own list: anything but an array of events, or a list whose reading throws (a
   * Proxy whose `length` or an entry throws: an `InvalidInputError` naming `parse`, `could not be read`, the
   * thrown value as `cause`), answers 500 and reaches `onError`.
   */
  parse: WebhookParser;
  /**
   * Receives every verified event (copies of a delivery already seen are dropped there). A hub made by
   * `createEventHub`; anything else (a `Map`, `{}`) is refused when the handler is made.
   */
  hub?: LiveStreamEventHub | undefined;
  /**
   * Called with the events of each verified delivery, after the hub. When it throws or rejects, the sender
   * is answered 500, so vendors that retry deliver again.
   */
  onEvents?: ((events: LiveStreamEvent[]) => void | Promise<void>) | undefined;
  /**
   * Bodies larger than this are refused with 413, at once when the request declares a larger
   * `Content-Length`, else as soon as the bytes read pass it (the body is read as a stream, never whole).
   * Default 10 MiB (Wowza Real-Time thumbnails are JPEGs). A whole number from 1 to 2^31 (2 GiB), checked
   * when the handler is made: `NaN`, `'10'`, `0` or `-1` throw `InvalidInputError` naming `maxBodyBytes`
   * rather than lift the limit.
   */
  maxBodyBytes?: number | undefined;
  /**
   * A body that sends nothing for this long is abandoned with 408 (`{ error: 'body-timeout' }`), so a
   * sender that stalls cannot hold the handler. Default 10 s; a whole number of ms from 1, checked like
   * `maxBodyBytes`.
   */
  bodyIdleTimeoutMs?: number | undefined;
  /**
   * The whole body must have arrived this long after the handler began reading it, or it is abandoned with
   * 408 (`{ error: 'body-timeout' }`), as a stalled one is: a sender that trickles a byte now and then, each
   * within `bodyIdleTimeoutMs`, cannot hold the handler longer either. Default 30 s (what the CLI's
   * listener allows a whole request); a whole number of ms from 1, checked like `maxBodyBytes`.
   */
  bodyTimeoutMs?: number | undefined;
  /**
   * Hears what made the handler answer 500: a configuration problem of `parse` (a missing secret is an
   * `AuthenticationError`), a vendor failure in `confirm` mode, or `onEvents` failing. The sender learns
   * nothing of it; what it throws, or the promise it returns rejects with (an async observer), is ignored.
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Hears every delivery the handler refused, answered 4xx: a signature that does not verify under the
   * configured secret or key (`bad-signature`: the commonest misconfiguration, which otherwise shows only to
   * the sender, while waits fall back to polling), a body that is not raw, too large, too slow or in a coding
   * not read, another method than POST. Told the status and the code and message the answer's body carries
   * ({@link WebhookRefusal}), which hold no secret: the sender reads them too. What it throws, or the promise
   * it returns rejects with, is ignored and changes no answer.
   */
  onRefused?: ((refusal: WebhookRefusal) => void) | undefined;
}

/** A delivery {@link createWebhookHandler} refused, as `onRefused` hears it. */
export interface WebhookRefusal {
  /** The status answered: 400, 405, 408, 413 or 415. */
  status: number;
  /** The code the answer's body carries: `bad-signature`, `malformed-body`, `body-too-large`, … */
  error: string;
  /** The explanation the answer's body carries, when it has one (the sender reads it too: no secret). */
  message?: string;
}

// The names the options have; the two numbers are checked by `createWebhookHandler` itself.
const handlerOptionRules = /* @__PURE__ */ (() =>
  ({
    parse: optionRules.function,
    // A hub made by `createEventHub` (of any copy of core): a Map or `{}` taken as one would answer every
    // delivery 500 (`publish` is no function) long after the handler was made.
    hub: { check: isEventHub, expected: 'an event hub (createEventHub)' },
    onEvents: optionRules.function,
    maxBodyBytes: { check: () => true, expected: 'anything' },
    bodyIdleTimeoutMs: { check: () => true, expected: 'anything' },
    bodyTimeoutMs: { check: () => true, expected: 'anything' },
    onError: optionRules.function,
    onRefused: optionRules.function,
  }) as const satisfies Record<keyof WebhookHandlerOptions, OptionRule>)();

/** What Node's `http.IncomingMessage` (and Express's `req`) offers that the Node adapter reads. */
export interface NodeWebhookRequest extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  /** Express: the URL before mounting stripped its prefix. */
  originalUrl?: string | undefined;
  headers: WebhookHeaders;
  /** Set by a body parser that ran before: raw bytes or text are used; a parsed object is refused. */
  body?: unknown;
  /** True once the body stream was read to its end (by a body parser). */
  readableEnded?: boolean | undefined;
}

/** What Node's `http.ServerResponse` offers that the Node adapter writes. */
export interface NodeWebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** A webhook endpoint for fetch-style frameworks and for Node. */
export interface WebhookHandler {
  /**
   * Handles a fetch `Request` (Next.js route handlers, Hono, Cloudflare Workers, Deno, Bun): reads the raw
   * body, verifies and normalises it, hands the events on, and answers 200 `{ received }`, 400 `{ error }`
   * for a delivery that cannot be trusted, 405, 413, 415 for a `Content-Encoding` other than `gzip` or
   * `deflate` (which are decoded, within `maxBodyBytes`, before `parse`), or 500 when `onEvents` failed.
   * A body stream that fails because the sender's connection closed mid-body (an error with a connection
   * code: `ECONNRESET`, `ERR_STREAM_PREMATURE_CLOSE`, …) is 400 `body-incomplete`, not heard by `onError`:
   * the network's doing, not the application's; one that fails otherwise is an `InvalidInputError` naming
   * `request.body`.
   */
  handleWebhook(request: Request): Promise<Response>;
  /**
   * The same for Node's `(req, res)` (`http.createServer`, Express, Fastify's raw objects). It reads the
   * raw body from the request stream; behind a body parser it takes the bytes `express.raw()` left in
   * `req.body`, and refuses a parsed object with a message saying so. Anything but a request object, a
   * field that throws as it is read, a `method` or `url` that is not text, headers that are no object, or a
   * request stream whose iterator throws or rejects is an `InvalidInputError` naming `request` or the field
   * (`request.body`), answered 500 and heard by `onError`, without what was thrown; but a stream that fails
   * because the sender's connection closed mid-body (Node's `aborted`, `ECONNRESET`, a premature close) is
   * 400 `body-incomplete`, not heard by `onError`, as `handleWebhook` answers it. Bytes in `req.body` that
   * cannot be read (detached, a Proxy of a `Buffer` or of a `Blob`) are 400 `body-not-raw`, as the same chunk
   * of the stream, and so is a stream something read to its end before (`readableEnded`) with nothing left in
   * `req.body`; a `req.body` still to be awaited (a `Promise`, a thenable: a middleware's forgotten `await`)
   * is 400 `body-not-raw` in the words `parseWebhook` has for it, never awaited and its `then` never called
   * or read through a getter. Text in `req.body` (`express.text()`) is weighed against `maxBodyBytes` by its UTF-8 bytes, as
   * the same text from the stream is; a `Blob` there (of any prototype) by the platform's own `size` first,
   * then by the bytes it held when read: 413 beyond the bound.
   * A response that cannot be written (none, a field or method that throws, an `end` that rejects) is an
   * `InvalidInputError` naming `response` heard by `onError`; the returned promise never rejects.
   */
  node(request: NodeWebhookRequest, response: NodeWebhookResponse): Promise<void>;
}

interface Outcome {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

// Written out: a bundler keeps an unused top-level `10 * 1024 * 1024` (arithmetic may call `valueOf`).
const defaultMaxBodyBytes = 10_485_760; // 10 MiB
/** The largest `maxBodyBytes`: 2 GiB, beyond what any vendor sends and what a buffer holds everywhere. */
const maxBodyBytesLimit = 2_147_483_648;

// A body something read before the handler got it has no raw bytes left: a Request's (`await c.req.json()` in
// Hono, a middleware), or a Node request's stream read to its end with no bytes left in `req.body`. `fix`
// says how to keep them on that platform.
function bodyAlreadyRead(fix: string): Outcome {
  return {
    status: 400,
    body: {
      error: 'body-not-raw',
      message: `the request body was read before the webhook handler got it, so the signed bytes are gone. ${fix}`,
    },
  };
}

const fetchBodyFix =
  'Hand the handler the untouched Request (Hono: c.req.raw, before any c.req.json()), or read the body once ' +
  'with await request.text() and call parseWebhook with it.';
const nodeBodyFix =
  'Hand the handler the request before anything reads its stream, or put express.raw() on the route so the ' +
  'bytes stay in req.body.';

/**
 * Creates a webhook endpoint around an adapter's `parseWebhook`.
 *
 * @throws InvalidInputError (`operation: 'configure'`) naming the option, when the handler is made: options
 *   that are no plain object (a `Map`, a class instance), a name it does not have (the nearest named), an
 *   option that cannot be read (a getter or a Proxy in it throws), `parse` missing or no function, a `hub`
 *   that is no event hub made by `createEventHub` (a `Map`, `{}`: `isEventHub`), and a `maxBodyBytes` or
 *   `bodyIdleTimeoutMs` that is no whole number in its range.
 *
 * @example
 * ```ts uses=client,hub,secret
 * // app/webhooks/route.ts (Next.js)
 * import { createWebhookHandler } from '@unilive/core';
 * import { parseWebhook, wowzaRealtimeStreamNames } from '@unilive/wowza-realtime';
 *
 * const resolveStreamId = wowzaRealtimeStreamNames(client);
 * const webhooks = createWebhookHandler({
 *   parse: (input) => parseWebhook(input, { secret, resolveStreamId }),
 *   hub,
 * });
 * export const POST = webhooks.handleWebhook;
 * ```
 */
export function createWebhookHandler(given: WebhookHandlerOptions): WebhookHandler {
  // Read as every options object is (`readOptions`): own properties of a plain object, each once, every
  // name known. A Map's `maxBodyBytes` or a misspelt `maxBodyByte` would otherwise leave the 10 MiB limit
  // in place unnoticed, and a Map's or a throwing getter's `parse` answer every delivery 500.
  const options = readOptions<WebhookHandlerOptions>(given, handlerOptionRules, {
    operation: 'configure',
    path: 'options',
    keys: 'bare',
  });
  if (options.parse === undefined) {
    throw new InvalidInputError({
      operation: 'configure',
      message: 'createWebhookHandler: parse is required (a function that verifies and reads one request)',
      issues: [{ path: 'parse', message: 'expected a function' }],
      delivery: 'not-sent',
    });
  }
  // `?? default` would let null through as "no setting": only undefined means the default.
  const setting = (
    name: 'maxBodyBytes' | 'bodyIdleTimeoutMs' | 'bodyTimeoutMs',
    fallback: number,
    maximum: number,
  ): number => {
    const value: unknown = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > maximum) {
      throw new InvalidInputError({
        operation: 'configure',
        message: `createWebhookHandler: ${name} must be a whole number from 1 to ${maximum}`,
        issues: [{ path: name, message: `expected a whole number from 1 to ${maximum}` }],
      });
    }
    return value;
  };
  const maxBodyBytes = setting('maxBodyBytes', defaultMaxBodyBytes, maxBodyBytesLimit);
  const timeouts: BodyTimeouts = {
    idleMs: setting('bodyIdleTimeoutMs', defaultBodyIdleTimeoutMs, maxTimeoutMs),
    wholeMs: setting('bodyTimeoutMs', defaultBodyTimeoutMs, maxTimeoutMs),
  };

  // Any method but POST is answered before a byte of its body is read or decoded: nothing it sends is used.
  const notAllowed = (method: string | undefined): Outcome | undefined =>
    method !== undefined && method.toUpperCase() !== 'POST'
      ? { status: 405, body: { error: 'method-not-allowed' }, headers: { allow: 'POST' } }
      : undefined;

  async function process(
    body: unknown,
    headers: WebhookHeaders,
    url: string | undefined,
    coding?: BodyCoding,
  ): Promise<Outcome> {
    // The request target is the sender's (`POST http://[x/hooks/… HTTP/1.1`): one that is no URL is a
    // request this handler cannot check, answered 400 without repeating it (it may hold a path secret).
    if (typeof url === 'string' && !URL.canParse(url, 'http://webhook.invalid')) {
      return {
        status: 400,
        body: { error: 'malformed-url', message: 'the request target is no URL that can be read' },
      };
    }
    let events: LiveStreamEvent[];
    try {
      events = await options.parse({ body: body as Uint8Array, headers, url });
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) {
        // A signature computed over the coded bytes fails against the decoded ones: said, so the sender's
        // side is where the operator looks.
        const decoded =
          coding !== undefined && error.reason === 'bad-signature'
            ? ` (the body was verified as decoded from its Content-Encoding, ${coding}: the signature must cover the bytes before that coding)`
            : '';
        return { status: 400, body: { error: error.reason, message: `${error.message}${decoded}` } };
      }
      throw error;
    }
    // A parse function is the application's code: what it returns must be events before anyone hears them,
    // read once into a list of the handler's own (its `length` and each entry by index, stopping at the
    // first that is no event), so a list whose reading throws is named, not escaping as the caller's error.
    // Each event is read once into a copy (as a hub reads what it publishes), and the copy is what is checked
    // and handed on: a getter answering one thing to the check and another to `onEvents` cannot pass.
    let received: LiveStreamEvent[] | undefined;
    try {
      if (Array.isArray(events)) {
        received = [];
        for (let index = 0; index < events.length; index += 1) {
          const event: unknown = events[index];
          const copy = typeof event === 'object' && event !== null ? readEvent(event) : undefined;
          if (!isLiveStreamEvent(copy)) {
            received = undefined;
            break;
          }
          received.push(copy);
        }
      }
    } catch (error) {
      const problem = 'returned a list that could not be read (a getter or a Proxy in it threw)';
      throw new InvalidInputError({
        operation: 'parseWebhook',
        message: `createWebhookHandler: parse ${problem}`,
        issues: [{ path: 'parse', message: problem }],
        cause: error,
      });
    }
    if (received === undefined) {
      throw new InvalidInputError({
        operation: 'parseWebhook',
        message: 'createWebhookHandler: parse returned something that is not an array of events',
        issues: [{ path: 'parse', message: 'expected a function resolving to an array of events' }],
      });
    }
    options.hub?.publish(received);
    await options.onEvents?.(received);
    return { status: 200, body: { received: received.length } };
  }

  // The outcome, and `onRefused` told of a 4xx one.
  async function safely(run: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await answered(run);
    if (outcome.status >= 400 && outcome.status < 500) refusedHeard(outcome);
    return outcome;
  }

  function refusedHeard(outcome: Outcome): void {
    const { error, message } = outcome.body;
    const refusal: WebhookRefusal = {
      status: outcome.status,
      error: typeof error === 'string' ? error : 'refused',
      ...(typeof message === 'string' ? { message } : {}),
    };
    try {
      // An async observer's rejection is caught too, as onError's is.
      const returned: unknown = options.onRefused?.(refusal);
      if (typeof returned === 'object' && returned !== null) Promise.resolve(returned).catch(() => {});
    } catch {
      // A broken observer must not change the answer.
    }
  }

  async function answered(run: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await run();
    } catch (error) {
      // The rest of such a body is never read: the connection closes once the answer is written.
      if (error instanceof BodyTooLarge)
        return { status: 413, body: { error: 'body-too-large' }, headers: { connection: 'close' } };
      if (error instanceof BodyStalled)
        return { status: 408, body: { error: 'body-timeout' }, headers: { connection: 'close' } };
      if (error instanceof BodyNotBytes) return bodyNotBytes(error.given);
      // Answered as RFC 9110 §15.5.16 asks: 415, with the codings that are read (RFC 7694).
      if (error instanceof UnsupportedCoding)
        return {
          status: 415,
          body: {
            error: 'unsupported-content-encoding',
            message:
              'the body is coded in a way this handler does not read; send it as is, or gzip or deflate',
          },
          headers: { 'accept-encoding': 'gzip, deflate', connection: 'close' },
        };
      if (error instanceof BodyNotDecodable)
        return {
          status: 400,
          body: {
            error: 'body-not-decodable',
            message: `the body could not be decoded as ${error.coding}, as its Content-Encoding says (data cut short or not in that coding, or several gzip members, which are not read), so there are no signed bytes to verify`,
          },
        };
      if (error instanceof BodyPending)
        return { status: 400, body: { error: 'body-not-raw', message: `req.body: ${error.told}` } };
      // The sender's connection closed mid-body: nobody hears this answer, and nothing of the application's
      // failed, so onError is not told (a vendor that retries delivers again).
      if (error instanceof BodyIncomplete)
        return { status: 400, body: bodyIncomplete, headers: { connection: 'close' } };
      // The failure itself stays with the application (onEvents, configuration): the sender learns nothing.
      tell(error);
      return { status: 500, body: { error: 'handler-failed' } };
    }
  }

  function tell(error: unknown): void {
    try {
      // An async observer (`async (e) => { await ship(e) }`) returns a promise: its rejection is caught
      // here too, or one failing delivery would be an unhandled rejection that ends the process.
      const returned: unknown = options.onError?.(error);
      if (typeof returned === 'object' && returned !== null) Promise.resolve(returned).catch(() => {});
    } catch {
      // A broken observer must not change the answer.
    }
  }

  return {
    async handleWebhook(request: Request): Promise<Response> {
      const outcome = await safely(async () => {
        // The application's call, not the sender's: anything but a fetch Request is a programming error
        // (heard by onError), named, rather than a TypeError from reading it.
        if (!isFetchRequest(request)) {
          throw new InvalidInputError({
            operation: 'parseWebhook',
            message: 'createWebhookHandler: handleWebhook takes a fetch Request',
            issues: [{ path: 'request', message: 'expected a fetch Request' }],
          });
        }
        // Each field read once; one that throws as it is read, or a body stream that fails, is named, never
        // the caller's own error (its message may hold a secret), as node's are.
        const fields = readFetchRequest(request);
        // A body something read, or holds a reader of (a middleware's `getReader()`), has no raw bytes left.
        const refused = notAllowed(fields.method);
        if (refused) return refused;
        if (fields.bodyUsed || fields.locked) return bodyAlreadyRead(fetchBodyFix);
        if (declaredLength(fields.contentLength) > maxBodyBytes) throw new BodyTooLarge();
        const coding = bodyCoding(fields.headers);
        const bytes = await readCapped(requestChunks(fields.body), maxBodyBytes, timeouts);
        const body = await decodedBody(bytes, coding, maxBodyBytes, timeouts);
        return process(body, fields.headers, fields.url, coding);
      });
      // Without a prototype: Response reads `statusText` through it, and a polluted one made it throw.
      const init = Object.create(null) as ResponseInit;
      init.status = outcome.status;
      init.headers = { 'content-type': 'application/json', ...outcome.headers };
      return new Response(JSON.stringify(outcome.body), init);
    },

    async node(request: NodeWebhookRequest, response: NodeWebhookResponse): Promise<void> {
      const outcome = await safely(async () => {
        // The application's call, as handleWebhook's is: each field read once, named when it cannot be.
        const fields = readNodeRequest(request);
        // A stream something read to its end (a middleware, a parser that left nothing in req.body) has no
        // bytes left: verifying none would answer malformed-body or a bad signature for the wrong reason. A
        // body that is empty but unread is not ended yet (`readableEnded` turns true only once it is read).
        const refused = notAllowed(fields.method);
        if (refused) return refused;
        if (fields.body === undefined && fields.readableEnded === true) return bodyAlreadyRead(nodeBodyFix);
        // Handed back wrapped: an async function's result (or an `await`) adopts a thenable, and one in
        // req.body would be awaited, its `then` called, past every body timer.
        const { body, coding } = await nodeBody(request, fields, maxBodyBytes, timeouts);
        return process(body, fields.headers, fields.url, coding);
      });
      // The application's response: one that cannot be written (no response object, a field or method that
      // throws, an `end` that rejects) is told to onError as an InvalidInputError naming `response`, without
      // what was thrown; `node` itself never rejects, and nothing becomes an unhandled rejection.
      const unwritable = () =>
        tell(callError('response', 'could not be written (a setter, a method or a Proxy in it threw)'));
      try {
        // A method may answer a promise (a framework's async response): its rejection is heard, not left.
        const watch = (returned: unknown) => {
          if (typeof returned === 'object' && returned !== null) Promise.resolve(returned).catch(unwritable);
        };
        response.statusCode = outcome.status;
        watch(response.setHeader('content-type', 'application/json'));
        for (const [name, value] of Object.entries(outcome.headers ?? {}))
          watch(response.setHeader(name, value));
        watch(response.end(JSON.stringify(outcome.body)));
      } catch {
        unwritable();
      }
    },
  };
}

class BodyTooLarge extends Error {}
class UnsupportedCoding extends Error {}
class BodyNotDecodable extends Error {
  constructor(readonly coding: string) {
    super();
  }
}
class BodyStalled extends Error {}
class BodyIncomplete extends Error {}

const bodyIncomplete = {
  error: 'body-incomplete',
  message:
    "the sender's connection closed before the request body was whole, so there are no signed bytes to verify",
};

// The codes a body stream fails with when the sender's connection went away mid-body: Node's request stream
// (`aborted`, ECONNRESET; a premature close), a fetch Request made from one (`Readable.toWeb`, as Hono's and
// Next.js's Node servers make it), undici's socket error. The network's doing, not the application's: told
// apart by the code alone, since reading anything else of what a stream failed with could throw.
const connectionLostCodes: ReadonlySet<unknown> = /* @__PURE__ */ new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

function connectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  try {
    return connectionLostCodes.has((error as { code?: unknown }).code);
  } catch {
    return false;
  }
}
class BodyNotBytes extends Error {
  /** Whether the bytes were given as `req.body` (a body parser's) rather than yielded by the stream. */
  constructor(readonly given = false) {
    super();
  }
}

// A `req.body` still to be awaited (a middleware's forgotten `await`): refused as parseWebhook refuses it.
class BodyPending extends Error {
  constructor(readonly told: string) {
    super();
  }
}

const defaultBodyIdleTimeoutMs = 10_000;
const defaultBodyTimeoutMs = 30_000;

/** The two bounds on reading a body: between chunks, and over the whole body. */
interface BodyTimeouts {
  idleMs: number;
  wholeMs: number;
}

// A body stream that yields something no byte array or text (a chunk of objects), or a `req.body` of bytes
// that cannot be read: the request's own state, answered as a body that is not raw, never heard by onError.
function bodyNotBytes(given: boolean): Outcome {
  return {
    status: 400,
    body: {
      error: 'body-not-raw',
      message: given
        ? 'req.body holds bytes that cannot be read (a detached buffer, a view past its end, or a Proxy of ' +
          'one or of a Blob), so there are no signed bytes to verify. Hand the handler the request as it arrived, or the ' +
          'bytes express.raw() left.'
        : 'the request body stream yielded something that is not bytes or text, so there are no signed bytes ' +
          'to verify. Hand the handler the request as it arrived.',
    },
  };
}

// What `node` reads of a request, each field once.
interface NodeRequestFields {
  method: string | undefined;
  url: string | undefined;
  headers: WebhookHeaders;
  body: unknown;
  readableEnded: unknown;
}

// What the application's call to `node` or `handleWebhook` gets wrong: anything but a request (or response)
// object, or a field that throws as it is read or is of the wrong kind, is an InvalidInputError naming it
// (heard by onError), never a TypeError from reading it or the caller's own error (dropped: its message may
// hold a secret).
function callError(path: string, problem: string, call = 'node'): InvalidInputError {
  return new InvalidInputError({
    operation: 'parseWebhook',
    message: `createWebhookHandler: ${call}'s ${path} ${problem}`,
    issues: [{ path, message: problem }],
  });
}

function readNodeRequest(request: unknown): NodeRequestFields {
  if (typeof request !== 'object' || request === null) {
    throw callError('request', 'must be a Node request (http.IncomingMessage, Express req)');
  }
  const read = (name: string): unknown => {
    try {
      return (request as Record<string, unknown>)[name];
    } catch {
      throw callError(`request.${name}`, unreadableText);
    }
  };
  const text = (name: string): string | undefined => {
    const value = read(name);
    if (value !== undefined && typeof value !== 'string') throw callError(`request.${name}`, 'must be text');
    return value;
  };
  const method = text('method');
  // Express: the URL before mounting stripped its prefix.
  const originalUrl = read('originalUrl');
  const url = originalUrl === undefined || originalUrl === null ? text('url') : text('originalUrl');
  const headers = read('headers');
  if (typeof headers !== 'object' || headers === null) {
    throw callError('request.headers', 'must be the request headers (an object of names)');
  }
  return {
    method,
    url,
    headers: headers as WebhookHeaders,
    body: read('body'),
    readableEnded: read('readableEnded'),
  };
}

// A real Blob's size in bytes (`isBlob`: no Proxy, any prototype), read by the platform's own `size`; 0 for
// anything else, which the parse refuses (a Proxy of a Blob, whose traps would choose the size).
function blobSize(value: unknown): number {
  const size = byteIntrinsics.blobSize;
  return size === undefined || !isBlob(value) ? 0 : (Reflect.apply(size, value, []) as number);
}

// The chunks of a Node request's stream. A step that fails because the sender's connection closed (the
// stream's error carries a connection code, {@link connectionLost}) is a body that never arrived whole
// (400 `body-incomplete`); its iterator, or a step of it, that throws anything else (or answers no iterator
// result) is the application's stream, named `request`, never the raw error.
function nodeChunks(request: object): AsyncIterator<unknown> {
  const failed = () => callError('request', 'body stream failed as it was read (its iterator threw)');
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = (request as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  } catch {
    throw failed();
  }
  if (typeof iterator !== 'object' || iterator === null) throw failed();
  return {
    next: async () => {
      try {
        const result: unknown = await iterator.next();
        if (typeof result !== 'object' || result === null) throw failed();
        const { done, value } = result as IteratorResult<unknown>;
        return done === true ? { done: true, value: undefined } : { done: false, value };
      } catch (error) {
        if (connectionLost(error)) throw new BodyIncomplete();
        throw failed();
      }
    },
    return: async () => {
      try {
        await iterator.return?.();
      } catch {
        // Stopping is best effort: the answer is already decided.
      }
      return { done: true, value: undefined };
    },
  };
}

// What handleWebhook reads of a Request: duck-typed, so a Request of another realm or polyfill is taken.
function isFetchRequest(value: unknown): value is Request {
  try {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Request).headers?.get === 'function' &&
      typeof (value as Request).bodyUsed === 'boolean'
    );
  } catch {
    return false;
  }
}

// A declared Content-Length, or 0 when absent or unreadable (then the count while reading decides).
function declaredLength(value: string | string[] | undefined | null): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === null || !/^\d+$/.test(text.trim())) return 0;
  return Number(text.trim());
}

// What handleWebhook reads of a fetch Request, each field once: one that throws as it is read is named.
function readFetchRequest(request: Request) {
  const read = <T>(path: string, get: () => T): T => {
    try {
      return get();
    } catch {
      throw callError(path, unreadableText, 'handleWebhook');
    }
  };
  const bodyUsed = read('request.bodyUsed', () => request.bodyUsed);
  const body = read('request.body', () => request.body);
  const locked = read('request.body', () => body?.locked === true);
  const headers = read('request.headers', () => request.headers);
  const contentLength = read('request.headers', () => headers.get('content-length'));
  const url = read('request.url', () => request.url);
  const method = read('request.method', () => request.method);
  // A fetch Request's are always text: anything else is an imitation, named rather than read as some method.
  if (typeof url !== 'string') throw callError('request.url', 'must be text', 'handleWebhook');
  if (typeof method !== 'string') throw callError('request.method', 'must be text', 'handleWebhook');
  return { bodyUsed, body, locked, headers, contentLength, url, method };
}

// The chunks of a fetch Request's body; cancelling the iterator cancels the stream. A stream that fails
// because the sender's connection closed is a body that never arrived whole, as node's (400
// `body-incomplete`); one that fails otherwise (its source errored) is named `request.body`, never what it
// failed with.
function requestChunks(body: ReadableStream<Uint8Array> | null): AsyncIterator<unknown> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    reader = body?.getReader();
  } catch {
    throw callError('request.body', unreadableText, 'handleWebhook');
  }
  if (!reader) return { next: async () => ({ done: true, value: undefined }) };
  const open = reader;
  return {
    next: async () => {
      try {
        return (await open.read()) as IteratorResult<unknown>;
      } catch (error) {
        if (connectionLost(error)) throw new BodyIncomplete();
        throw callError('request.body', 'stream failed as it was read (its source errored)', 'handleWebhook');
      }
    },
    return: async () => {
      try {
        await open.cancel();
      } catch {
        // Stopping is best effort: the answer is already decided.
      }
      return { done: true, value: undefined };
    },
  };
}

// Reads a body chunk by chunk: past `maxBodyBytes` it stops at once (BodyTooLarge), and a chunk that
// takes longer than `idleMs` to come, or a body not whole `wholeMs` after reading began, ends it
// (BodyStalled); either way the source is told to stop.
async function readCapped(
  source: AsyncIterator<unknown>,
  maxBodyBytes: number,
  timeouts: BodyTimeouts,
): Promise<Uint8Array> {
  // Each chunk is copied into one growing buffer as it comes and let go: a sender of a byte a TCP segment
  // would otherwise have the handler hold a chunk object (hundreds of bytes) for every byte of the body.
  // Most deliveries are a few KiB: 16 KiB to start, doubled as chunks come.
  let body = new Uint8Array(Math.min(16 * 1024, maxBodyBytes));
  let size = 0;
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One deadline for the whole body, set once: trickling a byte within each idle bound does not move it.
  // It ends the wait for the chunk then awaited, never a promise raced every chunk: each race would leave a
  // reaction on a promise that lives as long as the body, hundreds of bytes a chunk until its end.
  let overdue = false;
  let stopWaiting: ((reason: BodyStalled) => void) | undefined;
  const wholeTimer = setTimeout(() => {
    overdue = true;
    stopWaiting?.(new BodyStalled());
  }, timeouts.wholeMs);
  try {
    for (;;) {
      if (overdue) throw new BodyStalled();
      const stalled = new Promise<never>((_, reject) => {
        stopWaiting = reject;
        timer = setTimeout(() => reject(new BodyStalled()), timeouts.idleMs);
      });
      const next = source.next();
      next.catch(() => {});
      const result = await Promise.race([next, stalled]);
      stopWaiting = undefined;
      clearTimeout(timer);
      if (result.done) break;
      const chunk = result.value;
      let bytes: Uint8Array;
      try {
        bytes = typeof chunk === 'string' ? encoder.encode(chunk) : readWebhookBody(chunk, 'webhook');
      } catch {
        throw new BodyNotBytes();
      }
      if (size + bytes.byteLength > maxBodyBytes) throw new BodyTooLarge();
      if (size + bytes.byteLength > body.byteLength) {
        const grown = new Uint8Array(
          Math.min(Math.max(body.byteLength * 2, size + bytes.byteLength), maxBodyBytes),
        );
        grown.set(body.subarray(0, size));
        body = grown;
      }
      body.set(bytes, size);
      size += bytes.byteLength;
    }
  } catch (error) {
    clearTimeout(timer);
    clearTimeout(wholeTimer);
    void Promise.resolve(source.return?.()).catch(() => {});
    throw error;
  }
  clearTimeout(wholeTimer);
  return body.subarray(0, size);
}

// The raw body of a Node request: what a body parser left, when it left bytes or text; else the stream.
async function nodeBody(
  request: object,
  fields: NodeRequestFields,
  maxBodyBytes: number,
  timeouts: BodyTimeouts,
): Promise<{ body: unknown; coding?: BodyCoding }> {
  const given = fields.body;
  if (typeof given === 'string') {
    // Weighed by its UTF-8 bytes, as the same text yielded by the stream is: each UTF-16 unit is 1 to 3
    // bytes (a pair of surrogates 4, a lone one the 3 of U+FFFD), so only a text between a third of the
    // bound and the bound is encoded to be weighed, and then handed on as those bytes.
    if (given.length > maxBodyBytes) throw new BodyTooLarge();
    if (given.length * 3 <= maxBodyBytes) return { body: given };
    const bytes = new TextEncoder().encode(given);
    if (bytes.byteLength > maxBodyBytes) throw new BodyTooLarge();
    return { body: bytes };
  }
  // Bytes a parser left are read as a chunk of the stream is: ones that cannot be read (detached, a Proxy
  // of a Buffer, a view past its buffer's end) are a body that is not raw, 400, as the same chunk would be.
  if (claimsWebhookBytes(given)) {
    let bytes: Uint8Array;
    try {
      bytes = readWebhookBody(given, 'webhook');
    } catch {
      throw new BodyNotBytes(true);
    }
    if (bytes.byteLength > maxBodyBytes) throw new BodyTooLarge();
    return { body: bytes };
  }
  // A Blob a parser left (of any prototype) is weighed first, by the platform's own `size`, then read as the
  // parse reads it and weighed again by what it held: Node's Blob keeps its length in a field its holder can
  // write, so the size is no bound on the bytes. A Proxy of a Blob is none: refused above as bytes it only
  // passes for.
  if (isBlob(given)) {
    if (blobSize(given) > maxBodyBytes) throw new BodyTooLarge();
    let bytes: Uint8Array;
    try {
      bytes = await webhookBodyBytes(given, 'webhook');
    } catch {
      throw new BodyNotBytes(true);
    }
    if (bytes.byteLength > maxBodyBytes) throw new BodyTooLarge();
    return { body: bytes };
  }
  // A middleware's forgotten `await` (`req.body = getRawBody(req)`): refused at once, never awaited and its
  // `then` never called or read through a getter, with the words parseWebhook has for it.
  const pending = pendingBodyMessage(given);
  if (pending !== undefined) throw new BodyPending(pending);
  // A parser that consumed the stream left an object: refuse it with the targeted message.
  if (given !== undefined && fields.readableEnded !== false) return { body: given };
  // A declared length past the cap is refused before a byte is read.
  if (declaredLength(webhookHeader(fields.headers, 'content-length')) > maxBodyBytes)
    throw new BodyTooLarge();
  const coding = bodyCoding(fields.headers);
  const bytes = await readCapped(nodeChunks(request), maxBodyBytes, timeouts);
  return { body: await decodedBody(bytes, coding, maxBodyBytes, timeouts), coding };
}

/**
 * The content coding a sender applied to the body (`Content-Encoding`, RFC 9110 §8.4): none (no header,
 * `identity`), `gzip` (or its old name `x-gzip`) or `deflate` (zlib), which every runtime's
 * `DecompressionStream` reads. Any other coding, or more than one, throws `UnsupportedCoding` before a
 * byte of the body is read. Only a body read from the request is decoded: bytes a body parser left in
 * `req.body` were decoded by it already (`express.raw()` inflates), the header notwithstanding.
 */
function bodyCoding(headers: WebhookHeaders): BodyCoding {
  const value = webhookHeader(headers, 'content-encoding');
  if (value === undefined) return undefined;
  const codings = value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length === 1 && typeof DecompressionStream !== 'undefined') {
    if (codings[0] === 'gzip' || codings[0] === 'x-gzip') return 'gzip';
    if (codings[0] === 'deflate') return 'deflate';
  }
  throw new UnsupportedCoding();
}

type BodyCoding = 'gzip' | 'deflate' | undefined;

// The body as the sender wrote it before coding it: what vendors sign. Read through the same bounds as the
// body itself, so a small body that inflates past `maxBodyBytes` (a zip bomb) stops there, 413, having
// held no more than the bound.
async function decodedBody(
  bytes: Uint8Array,
  coding: BodyCoding,
  maxBodyBytes: number,
  timeouts: BodyTimeouts,
): Promise<Uint8Array> {
  if (coding === undefined) return bytes;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream(coding))
    .getReader();
  const chunks: AsyncIterator<unknown> = {
    next: async () => {
      try {
        return (await reader.read()) as IteratorResult<unknown>;
      } catch {
        throw new BodyNotDecodable(coding);
      }
    },
    return: async () => {
      await reader.cancel().catch(() => {});
      return { done: true, value: undefined };
    },
  };
  return readCapped(chunks, maxBodyBytes, timeouts);
}
