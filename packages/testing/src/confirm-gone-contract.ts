import {
  createLiveStreamClient,
  createWebhookHandler,
  InvalidInputError,
  type LiveStream,
  type LiveStreamEvent,
  type LiveStreamProvider,
  type ProviderId,
  ProviderUnavailableError,
  type StreamReader,
  TimeoutError,
  UniliveError,
  type WebhookInput,
  WebhookVerificationError,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markAdapterUnderTest } from './adapter-under-test.js';
import { SecretScanner } from './secret-scanner.js';
import { testLimit } from './suite-limits.js';

// The bound of a delivery whose read is held: it runs out only once the read is under way. Long enough that
// the work before the read (the call checked, its request built) always fits on a busy machine, since the
// test counts the requests made.
const heldReadBoundMs = 1_000;

/**
 * Who reads the stream a webhook's `confirm` asks about: the adapter's provider, a client over it, a reader
 * of another vendor (its `provider.id` is another vendor's), or the adapter's provider whose `baseUrl` has a
 * wrong path (every route missing).
 */
export type ConfirmReader = 'provider' | 'client' | 'other-vendor' | 'wrong-path';

/** What a gateway in front of the vendor answers the confirming GET with: its HTML 404 or 410 page. */
export type GatewayAnswer = 'html-404' | 'html-410';

/**
 * How a delivery ends through a reader of the adapter (`provider` or `client`) when the vendor answers
 * the confirming GET itself: a confirmed `live_stream.deleted`, a refusal as unconfirmed (400), or the
 * read failing as unavailable with this HTTP status (500).
 */
export type ConfirmOutcome = 'deleted' | 'unconfirmed' | { status: number };

/** Options of {@link runConfirmGoneContract}. */
export interface ConfirmGoneOptions<Delivery extends string, VendorAnswer extends string> {
  provider: ProviderId;
  /** The id of the stream every delivery is about. */
  streamId: string;
  /** The deliveries about the stream, each a name for {@link body}. */
  deliveries: readonly Delivery[];
  /** The JSON body the vendor posts for a delivery (sent unsigned, `content-type: application/json`). */
  body(delivery: Delivery): string;
  /**
   * The vendor's own answers to the confirming GET, by name: a fresh `Response` each call. The gateway's
   * HTML 404 and 410 pages ({@link GatewayAnswer}) are added to them.
   */
  vendorAnswers: Readonly<Record<VendorAnswer, () => Response>>;
  /** How a delivery ends through the adapter's provider or client when the vendor answers `answer`. */
  expected(delivery: Delivery, answer: VendorAnswer): ConfirmOutcome;
  /** The path every confirming GET begins with (`/live_streams/`); any other path is answered a 404 page. */
  streamRoute: string;
  /** The API root the provider is made with; the wrong-path reader is made with `<baseUrl>/v9`. */
  baseUrl: string;
  /** The adapter's provider over `fetch`, with `baseUrl` and no retry. */
  createProvider(fetch: typeof globalThis.fetch, baseUrl: string): LiveStreamProvider;
  /** The `provider.id` of the other vendor's reader (which must be refused before it is asked). */
  otherVendor: ProviderId;
  /** The adapter's `parseWebhook`. */
  parseWebhook(
    input: WebhookInput,
    options: {
      unsigned: true;
      confirm: StreamReader;
      confirmTimeoutMs?: number;
      readTimeoutMs?: number;
      pathSecret?: string | readonly string[];
    },
  ): Promise<LiveStreamEvent[]>;
  /** Cases that must always run: delivery, reader, answer. */
  examples: readonly (readonly [Delivery, ConfirmReader, VendorAnswer | GatewayAnswer])[];
  /** Generated cases beyond the examples (100 unless told). */
  numRuns?: number;
}

const readers: readonly ConfirmReader[] = ['provider', 'client', 'other-vendor', 'wrong-path'];

const page = (status: number, text: string) =>
  new Response(`<html><head><title>${status} ${text}</title></head><body><h1>${text}</h1></body></html>`, {
    status,
    statusText: text,
    headers: { 'content-type': 'text/html' },
  });

/**
 * The rule of `parseWebhook`'s `confirm` for a gone stream (docs/decisions/2026-12-01-confirm-and-a-gone-stream.md),
 * run against one adapter: only the vendor's own "no such stream" about the stream asked is the stream being
 * gone. Each delivery × reader × answer ends exactly as {@link ConfirmGoneOptions.expected} says through the
 * adapter's provider and client; a reader of another vendor is an {@link InvalidInputError} of
 * `parseWebhook` naming `confirm`, asked nothing; a wrong-path provider's 404 page and a gateway's HTML 404
 * or 410 page are a {@link ProviderUnavailableError} with that status, never a confirmed delete. Every reader
 * but the other vendor's is asked exactly once.
 *
 * A reader that does not answer is bounded by `readTimeoutMs` (or `confirmTimeoutMs`, its older name): the adapter's provider or a client over it
 * whose vendor holds the request (the request is aborted), and a reader that ignores its signal (no longer
 * waited for), each behind `createWebhookHandler`, answer 500 with a `TimeoutError` heard by `onError`.
 */
export function runConfirmGoneContract<Delivery extends string, VendorAnswer extends string>(
  options: ConfirmGoneOptions<Delivery, VendorAnswer>,
): void {
  type Answer = VendorAnswer | GatewayAnswer;
  const { streamId } = options;
  const vendorAnswers = Object.keys(options.vendorAnswers) as VendorAnswer[];
  const answers: readonly Answer[] = [...vendorAnswers, 'html-404', 'html-410'];
  const isVendorAnswer = (answer: Answer): answer is VendorAnswer =>
    (vendorAnswers as readonly string[]).includes(answer);

  function respond(answer: Answer): Response {
    if (isVendorAnswer(answer)) return options.vendorAnswers[answer]();
    return answer === 'html-404' ? page(404, 'Not Found') : page(410, 'Gone');
  }

  function readerFor(reader: ConfirmReader, answer: Answer, requests: string[]): StreamReader {
    const fetch = (async (request: Request | string | URL) => {
      const url = new URL(request instanceof Request ? request.url : String(request));
      requests.push(url.pathname);
      // A route the API does not have: what a gateway or a framework serves for it (the vendor's own answer
      // for a path it has no route for is not what this rule relies on).
      if (!url.pathname.startsWith(options.streamRoute)) return page(404, 'Not Found');
      return respond(answer);
    }) as typeof globalThis.fetch;
    switch (reader) {
      case 'provider':
        return options.createProvider(fetch, options.baseUrl);
      case 'client':
        return createLiveStreamClient(markAdapterUnderTest(options.createProvider(fetch, options.baseUrl)));
      case 'wrong-path':
        return options.createProvider(fetch, `${options.baseUrl}/v9`);
      case 'other-vendor':
        // Another vendor's client as a reader: it would answer 404 for every id of this vendor.
        return {
          provider: { id: options.otherVendor },
          get: async (id: string): Promise<LiveStream> => {
            requests.push(id);
            throw new Error('a reader of another vendor must not be asked');
          },
        } as unknown as StreamReader;
    }
  }

  async function outcome(delivery: Delivery, reader: StreamReader): Promise<string> {
    try {
      const passed = await options.parseWebhook(
        { body: options.body(delivery), headers: { 'content-type': 'application/json' } },
        { unsigned: true, confirm: reader },
      );
      return passed.map((e) => `${e.type} ${e.streamId} confirmed=${String(e.data?.confirmed)}`).join(', ');
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) return `400 ${error.reason}`;
      if (InvalidInputError.isInstance(error)) {
        return `InvalidInputError ${error.operation} ${error.issues.map((issue) => issue.path).join(',')}`;
      }
      if (ProviderUnavailableError.isInstance(error)) return `500 ${error.operation} HTTP ${error.status}`;
      throw error;
    }
  }

  function expected(delivery: Delivery, reader: ConfirmReader, answer: Answer): string {
    if (reader === 'other-vendor') return 'InvalidInputError parseWebhook confirm';
    if (reader === 'wrong-path') return '500 parseWebhook HTTP 404';
    const said: ConfirmOutcome = isVendorAnswer(answer)
      ? options.expected(delivery, answer)
      : { status: answer === 'html-404' ? 404 : 410 };
    if (said === 'deleted') return `live_stream.deleted ${streamId} confirmed=true`;
    if (said === 'unconfirmed') return '400 unconfirmed';
    return `500 parseWebhook HTTP ${said.status}`;
  }

  describe(
    `${options.provider} confirm: a reader that does not answer ends the delivery at confirmTimeoutMs`,
    testLimit,
    () => {
      it('answers 500 (the vendor delivers again), the held request aborted (generated)', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...options.deliveries),
            fc.constantFrom('provider' as const, 'client' as const, 'ignores' as const),
            // The name every adapter takes, and the older one it keeps.
            fc.constantFrom('readTimeoutMs' as const, 'confirmTimeoutMs' as const),
            async (delivery, kind, option) => {
              // Requests the vendor holds until their signal fires; kept while held, as a fetch in flight keeps
              // its own (a Request's signal follows the given one only while it lives).
              const held: Request[] = [];
              const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
                const request = new Request(input, init);
                held.push(request);
                return new Promise<Response>((_, reject) => {
                  request.signal.addEventListener('abort', () => reject(request.signal.reason), {
                    once: true,
                  });
                });
              }) as typeof globalThis.fetch;
              let asked = 0;
              const reader: StreamReader =
                kind === 'ignores'
                  ? {
                      get: () => {
                        asked += 1;
                        return new Promise<LiveStream>(() => {});
                      },
                    }
                  : kind === 'client'
                    ? createLiveStreamClient(
                        markAdapterUnderTest(options.createProvider(fetch, options.baseUrl)),
                      )
                    : options.createProvider(fetch, options.baseUrl);
              const heard: unknown[] = [];
              const handler = createWebhookHandler({
                parse: (input) =>
                  options.parseWebhook(input, { unsigned: true, confirm: reader, [option]: heldReadBoundMs }),
                onError: (error) => {
                  heard.push(error);
                },
              });
              const response = await handler.handleWebhook(
                new Request('https://app.example/webhooks', {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: options.body(delivery),
                }),
              );
              expect(response.status).toBe(500);
              expect(heard).toHaveLength(1);
              expect(TimeoutError.isInstance(heard[0])).toBe(true);
              if (kind === 'ignores') expect(asked).toBe(1);
              else {
                expect(held).toHaveLength(1);
                expect(held[0]?.signal.aborted).toBe(true);
              }
            },
          ),
          {
            examples: [
              [options.deliveries[0] as Delivery, 'provider', 'readTimeoutMs'],
              [options.deliveries[0] as Delivery, 'client', 'readTimeoutMs'],
              [options.deliveries[0] as Delivery, 'ignores', 'readTimeoutMs'],
              [options.deliveries[0] as Delivery, 'ignores', 'confirmTimeoutMs'],
            ],
            numRuns: 6,
          },
        );
      });
    },
  );

  describe(`${options.provider} confirm: what a reader throws never shows the path secret`, testLimit, () => {
    // A wrapper of the caller's that quotes the URL it was called for (`lookup for https://…/hooks/<secret>
    // failed`) in what it throws: a plain error (kept as the cause of an InvalidInputError naming confirm),
    // or a unilive error of its own making (handed on, named for parseWebhook).
    const thrown = {
      'plain Error': (text: string) => new Error(text),
      'TypeError with a cause': (text: string) => new TypeError('lookup failed', { cause: new Error(text) }),
      'a text': (text: string) => text,
      ProviderUnavailableError: (text: string) =>
        new ProviderUnavailableError({ provider: options.provider, operation: 'get', message: text }),
      InvalidInputError: (text: string) =>
        new InvalidInputError({
          provider: options.provider,
          operation: 'get',
          message: 'bad id',
          issues: [{ path: 'id', message: text }],
        }),
    } as const;
    const encodings = {
      raw: (secret: string) => secret,
      'URL-encoded': (secret: string) => encodeURIComponent(secret),
      base64: (secret: string) => btoa(secret),
    } as const;
    it('in the error thrown and the one onError hears, in any encoding, rotation lists included (generated)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...options.deliveries),
          fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
          fc.constantFrom(...(Object.keys(thrown) as (keyof typeof thrown)[])),
          fc.constantFrom(...(Object.keys(encodings) as (keyof typeof encodings)[])),
          fc.boolean(),
          async (delivery, secret, kind, encoding, rotation) => {
            const url = `https://app.example/hooks/${secret}`;
            const quote = `lookup for webhook https://app.example/hooks/${encodings[encoding](secret)} failed`;
            const reader: StreamReader = {
              get: async () => {
                throw thrown[kind](quote);
              },
            };
            const pathSecret = rotation ? ['an-older-path-secret-0', secret] : secret;
            const scanner = new SecretScanner();
            scanner.register('path secret', secret);
            const parse = (input: WebhookInput) =>
              options.parseWebhook(input, { unsigned: true, confirm: reader, pathSecret });
            const request = () =>
              new Request(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: options.body(delivery),
              });
            let caught: unknown;
            try {
              await parse({ body: options.body(delivery), headers: {}, url });
            } catch (error) {
              caught = error;
            }
            // Every delivery here names the stream, so confirm reads it and the reader's failure ends it.
            expect(UniliveError.isInstance(caught)).toBe(true);
            scanner.recordError(caught, 'parseWebhook');
            const heard: unknown[] = [];
            const handler = createWebhookHandler({ parse, onError: (error) => void heard.push(error) });
            const response = await handler.handleWebhook(request());
            // A failed read is heard (500); a reader's InvalidInputError refuses the event (400, not heard).
            expect(heard).toHaveLength(response.status === 500 ? 1 : 0);
            for (const error of heard) scanner.recordError(error, 'onError');
            scanner.recordText(await response.text(), 'response');
            expect(scanner.leaks()).toEqual([]);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe(
    `${options.provider} confirm: only its own "no such stream" about the stream asked is a delete`,
    testLimit,
    () => {
      it('each reader × answer × event ends exactly as the rule says (generated)', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...options.deliveries),
            fc.constantFrom(...readers),
            fc.constantFrom(...answers),
            async (delivery, reader, answer) => {
              const requests: string[] = [];
              expect(await outcome(delivery, readerFor(reader, answer, requests))).toBe(
                expected(delivery, reader, answer),
              );
              // A reader of another vendor is refused before it is asked anything.
              expect(requests.length).toBe(reader === 'other-vendor' ? 0 : 1);
            },
          ),
          {
            examples: options.examples.map((example) => [...example] as [Delivery, ConfirmReader, Answer]),
            numRuns: options.numRuns ?? 100,
          },
        );
      });
    },
  );
}
