import { WebhookVerificationError } from '../errors/errors.js';
import type { LiveStreamEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { readWebhookBody, type WebhookHeaders, type WebhookParser } from './webhook-input.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /**
   * Verifies and normalises one request: an adapter's `parseWebhook` with its options bound
   * (`(input) => parseWebhook(input, { secret })`).
   */
  parse: WebhookParser;
  /** Receives every verified event (copies of a delivery already seen are dropped there). */
  hub?: LiveStreamEventHub | undefined;
  /**
   * Called with the events of each verified delivery, after the hub. When it throws or rejects, the sender
   * is answered 500, so vendors that retry deliver again.
   */
  onEvents?: ((events: LiveStreamEvent[]) => void | Promise<void>) | undefined;
  /** Bodies larger than this are refused with 413. Default 10 MiB (Wowza Real-Time thumbnails are JPEGs). */
  maxBodyBytes?: number | undefined;
  /**
   * Hears what made the handler answer 500: a configuration problem of `parse` (a missing secret is an
   * `AuthenticationError`), a vendor failure in `confirm` mode, or `onEvents` failing. The sender learns
   * nothing of it; what it throws is ignored.
   */
  onError?: ((error: unknown) => void) | undefined;
}

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
   * for a delivery that cannot be trusted, 405, 413, or 500 when `onEvents` failed.
   */
  handleWebhook(request: Request): Promise<Response>;
  /**
   * The same for Node's `(req, res)` (`http.createServer`, Express, Fastify's raw objects). It reads the
   * raw body from the request stream; behind a body parser it takes the bytes `express.raw()` left in
   * `req.body`, and refuses a parsed object with a message saying so.
   */
  node(request: NodeWebhookRequest, response: NodeWebhookResponse): Promise<void>;
}

interface Outcome {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const defaultMaxBodyBytes = 10 * 1024 * 1024;

/**
 * Creates a webhook endpoint around an adapter's `parseWebhook`.
 *
 * @example
 * ```ts
 * // app/webhooks/route.ts (Next.js)
 * const webhooks = createWebhookHandler({ parse: (input) => parseWebhook(input, { secret }), hub });
 * export const POST = webhooks.handleWebhook;
 * ```
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;

  async function process(
    body: unknown,
    headers: WebhookHeaders,
    url: string | undefined,
    method: string | undefined,
  ): Promise<Outcome> {
    if (method !== undefined && method.toUpperCase() !== 'POST') {
      return { status: 405, body: { error: 'method-not-allowed' }, headers: { allow: 'POST' } };
    }
    let events: LiveStreamEvent[];
    try {
      events = await options.parse({ body: body as Uint8Array, headers, url });
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) {
        return { status: 400, body: { error: error.reason, message: error.message } };
      }
      throw error;
    }
    options.hub?.publish(events);
    await options.onEvents?.(events);
    return { status: 200, body: { received: events.length } };
  }

  async function safely(run: () => Promise<Outcome>): Promise<Outcome> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BodyTooLarge) return { status: 413, body: { error: 'body-too-large' } };
      // The failure itself stays with the application (onEvents, configuration): the sender learns nothing.
      try {
        options.onError?.(error);
      } catch {
        // A broken observer must not change the answer.
      }
      return { status: 500, body: { error: 'handler-failed' } };
    }
  }

  return {
    async handleWebhook(request: Request): Promise<Response> {
      const outcome = await safely(async () => {
        const declared = Number(request.headers.get('content-length') ?? 0);
        if (declared > maxBodyBytes) throw new BodyTooLarge();
        const bytes = new Uint8Array(await request.arrayBuffer());
        if (bytes.byteLength > maxBodyBytes) throw new BodyTooLarge();
        return process(bytes, request.headers, request.url, request.method);
      });
      return new Response(JSON.stringify(outcome.body), {
        status: outcome.status,
        headers: { 'content-type': 'application/json', ...outcome.headers },
      });
    },

    async node(request: NodeWebhookRequest, response: NodeWebhookResponse): Promise<void> {
      const outcome = await safely(async () => {
        const body = await nodeBody(request, maxBodyBytes);
        return process(body, request.headers, request.originalUrl ?? request.url, request.method);
      });
      response.statusCode = outcome.status;
      response.setHeader('content-type', 'application/json');
      for (const [name, value] of Object.entries(outcome.headers ?? {})) response.setHeader(name, value);
      response.end(JSON.stringify(outcome.body));
    },
  };
}

class BodyTooLarge extends Error {}

// The raw body of a Node request: what a body parser left, when it left bytes or text; else the stream.
async function nodeBody(request: NodeWebhookRequest, maxBodyBytes: number): Promise<unknown> {
  const given = request.body;
  if (typeof given === 'string' || given instanceof Uint8Array) {
    if ((typeof given === 'string' ? given.length : given.byteLength) > maxBodyBytes)
      throw new BodyTooLarge();
    return given;
  }
  // A parser that consumed the stream left an object: refuse it with the targeted message.
  if (given !== undefined && request.readableEnded !== false) return given;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  for await (const chunk of request) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : readWebhookBody(chunk, 'webhook');
    size += bytes.byteLength;
    if (size > maxBodyBytes) throw new BodyTooLarge();
    chunks.push(bytes);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
