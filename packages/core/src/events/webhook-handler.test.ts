import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { createEventHub } from './event-hub.js';
import { isLiveStreamEvent, type LiveStreamEvent } from './live-stream-event.js';
import { hmac } from './webhook-crypto.js';
import { createWebhookHandler } from './webhook-handler.js';
import { parseWebhookJson, readWebhookBody, type WebhookInput, webhookHeader } from './webhook-input.js';

// A stand-in vendor: the signature header must repeat the body's length. The handler under test does not
// know or care how a vendor signs; it must hand the raw bytes, headers and URL to the parser.
const received: WebhookInput[] = [];
async function parse(input: WebhookInput): Promise<LiveStreamEvent[]> {
  received.push(input);
  const body = readWebhookBody(input.body, 'test');
  const signature = webhookHeader(input.headers, 'x-test-signature');
  if (signature === undefined) {
    throw new WebhookVerificationError({
      provider: 'test',
      reason: 'missing-signature',
      message: 'no signature',
    });
  }
  if (signature !== String(body.byteLength)) {
    throw new WebhookVerificationError({
      provider: 'test',
      reason: 'bad-signature',
      message: 'bad signature',
    });
  }
  const json = parseWebhookJson(body, 'test');
  return [
    {
      id: String(json.id),
      type: 'live_stream.connected',
      provider: 'test',
      streamId: String(json.stream),
      occurredAt: new Date(0),
      broadcasting: true,
      raw: json,
    },
  ];
}

const body = '{"id":"evt-1","stream":"s1"}';
const signed = { 'x-test-signature': String(body.length), 'content-type': 'application/json' };

afterEach(() => {
  received.length = 0;
});

describe('handleWebhook (fetch)', () => {
  it('answers and parses as usual when Object.prototype carries what Response, TextDecoder and WebCrypto read', async () => {
    // ResponseInit's `statusText`, TextDecoder's `ignoreBOM` and HMAC's `length` are read through the
    // prototype of the options object: each is given one without a prototype.
    const withBom = `\uFEFF${body}`;
    const headers = { 'x-test-signature': String(new TextEncoder().encode(withBom).byteLength) };
    const { handleWebhook } = createWebhookHandler({ parse });
    const request = new Request('https://app.example/webhooks/abc', {
      method: 'POST',
      headers,
      body: withBom,
    });
    const key = new TextEncoder().encode('k'.repeat(32));
    const clean = await hmac('SHA-256', key, new TextEncoder().encode(body));
    const polluted = { statusText: 'bad\nline', ignoreBOM: true, length: 8 };
    for (const [name, value] of Object.entries(polluted))
      Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
    let response: Response;
    let digest: Uint8Array;
    try {
      response = await handleWebhook(request);
      digest = await hmac('SHA-256', key, new TextEncoder().encode(body));
    } finally {
      for (const name of Object.keys(polluted)) delete (Object.prototype as Record<string, unknown>)[name];
    }
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('');
    expect(await response.json()).toEqual({ received: 1 });
    expect(received[0]?.body).toBeDefined();
    expect(digest).toEqual(clean);
  });

  it('verifies the raw body, publishes to the hub, calls onEvents, answers 200 with the count', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const seen: LiveStreamEvent[][] = [];
    const { handleWebhook } = createWebhookHandler({
      parse,
      hub,
      onEvents: (events) => void seen.push(events),
    });
    const response = await handleWebhook(
      new Request('https://app.example/webhooks/abc', { method: 'POST', headers: signed, body }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 1 });
    expect(new TextDecoder().decode(received[0]?.body as Uint8Array)).toBe(body);
    expect(received[0]?.url).toBe('https://app.example/webhooks/abc');
    expect(seen.map((events) => events.map((event) => event.id))).toEqual([['evt-1']]);
    const next = await subscription[Symbol.asyncIterator]().next();
    expect(next.value?.streamId).toBe('s1');
  });

  // What parse returns is read once, into the handler's own copy, and that copy is what is checked and handed
  // to onEvents: a field whose getter answers one thing to the check and another later (a warnings list
  // that turns bad, a state that goes away) passed the check and reached onEvents as no event, with no hub
  // in between to copy it.
  it('checks and hands on one read of each event: a getter that changes its answer cannot pass (generated)', async () => {
    const later = fc.constantFrom<[string, unknown, unknown]>(
      ['warnings', [], [{ type: 'nope', message: 5 }]],
      ['state', 'ready', undefined],
      ['broadcasting', true, 'yes'],
      ['data', {}, 42],
    );
    await fc.assert(
      fc.asyncProperty(later, fc.boolean(), async ([field, first, then], withHub) => {
        let reads = 0;
        const event: Record<string, unknown> = {
          id: 'evt-1',
          type: 'live_stream.state_changed',
          provider: 'test',
          streamId: 's1',
          occurredAt: new Date(0),
          state: 'ready',
          raw: {},
        };
        Object.defineProperty(event, field, {
          enumerable: true,
          get() {
            reads += 1;
            return reads === 1 ? first : then;
          },
        });
        const seen: LiveStreamEvent[] = [];
        const { handleWebhook } = createWebhookHandler({
          parse: async () => [event as unknown as LiveStreamEvent],
          ...(withHub ? { hub: createEventHub() } : {}),
          onEvents: (events) => void seen.push(...events),
        });
        const response = await handleWebhook(
          new Request('https://app.example/webhooks/abc', { method: 'POST', headers: signed, body }),
        );
        expect(response.status).toBe(200);
        expect(reads).toBe(1);
        expect(seen).toHaveLength(1);
        expect(isLiveStreamEvent(seen[0])).toBe(true);
        expect((seen[0] as unknown as Record<string, unknown>)[field]).toEqual(first);
      }),
      { numRuns: 20 },
    );
  });

  it('answers 400 with the reason of a delivery that cannot be trusted, and hands nothing on', async () => {
    const hub = createEventHub();
    let called = false;
    const handler = createWebhookHandler({
      parse,
      hub,
      onEvents: () => {
        called = true;
      },
    });
    const post = (headers: Record<string, string>) =>
      handler.handleWebhook(new Request('https://app.example/w', { method: 'POST', headers, body }));
    const unsigned = await post({});
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ error: 'missing-signature', message: 'no signature' });
    const tampered = await post({ 'x-test-signature': '3' });
    expect(await tampered.json()).toMatchObject({ error: 'bad-signature' });
    expect(called).toBe(false);
    expect(
      hub.publish({
        id: 'evt-1',
        type: 'unknown',
        provider: 'test',
        streamId: '',
        occurredAt: new Date(),
        raw: 1,
      }),
    ).toBe(1);
  });

  it('answers 405 to other methods, 413 to bodies over the limit, 500 when onEvents fails', async () => {
    const handler = createWebhookHandler({ parse, maxBodyBytes: 10 });
    const get = await handler.handleWebhook(new Request('https://app.example/w'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const large = await handler.handleWebhook(
      new Request('https://app.example/w', { method: 'POST', headers: signed, body }),
    );
    expect(large.status).toBe(413);
    const heard: unknown[] = [];
    const failure = new Error('database down: password=hunter2');
    const failing = createWebhookHandler({
      parse,
      onEvents: () => Promise.reject(failure),
      onError: (error) => {
        heard.push(error);
        throw new Error('a broken observer');
      },
    });
    const response = await failing.handleWebhook(
      new Request('https://app.example/w', { method: 'POST', headers: signed, body }),
    );
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"error":"handler-failed"}');
    expect(heard).toEqual([failure]);
  });
});

// An async onError (`async (e) => { await ship(e) }`) whose promise rejects must be ignored as a throw is:
// left unhandled, Node's default ends the process on the first delivery that fails.
describe('an onError that rejects', () => {
  it('is no unhandled rejection, and the sender is answered 500', async () => {
    const escaped: unknown[] = [];
    const listener = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const shipping = new Error('log shipping failed');
      const observers = [
        async () => {
          throw shipping;
        },
        () => Promise.reject(shipping),
        async () => {
          await Promise.resolve();
          throw shipping;
        },
      ];
      for (const onError of observers) {
        const handler = createWebhookHandler({
          parse: async () => {
            throw new Error('vendor down');
          },
          onError,
        });
        const response = await handler.handleWebhook(
          new Request('https://app.example/w', { method: 'POST', body: '{}' }),
        );
        expect(response.status).toBe(500);
      }
      // Node reports an unhandled rejection after the microtasks of the turn: a macrotask later it has.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setImmediate(resolve));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});

describe('node adapter', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('reads the raw body from the request stream of a plain node:http server', async () => {
    const handler = createWebhookHandler({ parse });
    server = createServer((request, response) => void handler.node(request, response));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/hooks/secret?x=1`, {
      method: 'POST',
      headers: signed,
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 1 });
    expect(received[0]?.url).toBe('/hooks/secret?x=1');
    expect(new TextDecoder().decode(received[0]?.body as Uint8Array)).toBe(body);
  });

  // A real stream, drained first when a body parser is meant to have read it.
  async function nodeRequest(fields: { body?: unknown; parsed?: boolean; chunks?: (string | Buffer)[] }) {
    const stream = Readable.from(fields.chunks ?? [], { objectMode: false });
    if (fields.parsed) for await (const _ of stream);
    return Object.assign(stream, {
      method: 'POST',
      url: '/w',
      originalUrl: '/mounted/w',
      headers: signed,
      ...('body' in fields ? { body: fields.body } : {}),
    });
  }
  function nodeResponse() {
    const headers: Record<string, string> = {};
    const result = { statusCode: 0, headers, text: '' };
    return Object.assign(result, {
      setHeader(name: string, value: string) {
        headers[name] = value;
      },
      end(text?: string) {
        result.text = text ?? '';
      },
    });
  }

  it('takes the bytes or text a body parser left (express.raw, express.text), with the mounted URL', async () => {
    const handler = createWebhookHandler({ parse });
    for (const given of [Buffer.from(body), body]) {
      const response = nodeResponse();
      await handler.node(await nodeRequest({ body: given, parsed: true }), response);
      expect(response.statusCode).toBe(200);
    }
    expect(received.map((input) => input.url)).toEqual(['/mounted/w', '/mounted/w']);
  });

  it('reads the stream when a parser skipped the route (Express 4 leaves {}), in chunks', async () => {
    const handler = createWebhookHandler({ parse });
    const response = nodeResponse();
    await handler.node(
      await nodeRequest({ body: {}, chunks: [body.slice(0, 5), Buffer.from(body.slice(5))] }),
      response,
    );
    expect(response.statusCode).toBe(200);
  });

  it('refuses a body express.json() already parsed, saying to use express.raw', async () => {
    const handler = createWebhookHandler({ parse });
    const response = nodeResponse();
    await handler.node(await nodeRequest({ body: JSON.parse(body), parsed: true, chunks: [body] }), response);
    expect(response.statusCode).toBe(400);
    const answer = JSON.parse(response.text) as { error: string; message: string };
    expect(answer.error).toBe('body-not-raw');
    expect(answer.message).toContain('express.raw({ type: "*/*" })');
    expect(response.headers['content-type']).toBe('application/json');
  });

  // A middleware's forgotten `await` (`req.body = getRawBody(req)`): what parseWebhook says of the same value.
  function pendingBodies() {
    const seen = { thenCalls: 0, getterRuns: 0 };
    const bytes = Buffer.from(body);
    const values: [string, unknown][] = [
      ['a Promise that never settles', new Promise(() => {})],
      ['a Promise of the right bytes', Promise.resolve(bytes)],
      [
        'a thenable handing over the right bytes',
        {
          // biome-ignore lint/suspicious/noThenProperty: the thenable a forgotten await leaves is the case under test
          then(resolve: (value: unknown) => void) {
            seen.thenCalls += 1;
            resolve(bytes);
          },
        },
      ],
      [
        'an object whose then is a getter',
        Object.defineProperty({}, 'then', {
          get() {
            seen.getterRuns += 1;
            return (resolve: (value: unknown) => void) => resolve(bytes);
          },
        }),
      ],
      ['a Promise subclass', new (class Later extends Promise<unknown> {})(() => {})],
    ];
    return { seen, values };
  }

  function parseWebhookWords(value: unknown): string {
    try {
      readWebhookBody(value, 'test');
    } catch (error) {
      return (error as Error).message.replace(/^test webhook: /, '');
    }
    throw new Error('readWebhookBody took a body still to be awaited');
  }

  it('refuses a req.body still to be awaited as body-not-raw, never awaiting it or calling its then', async () => {
    const { seen, values } = pendingBodies();
    const heard: unknown[] = [];
    const handler = createWebhookHandler({ parse, bodyTimeoutMs: 1_000, onError: (e) => heard.push(e) });
    for (const [, given] of values) {
      for (const parsed of [true, false]) {
        const response = nodeResponse();
        await handler.node(await nodeRequest({ body: given, parsed, chunks: [body] }), response);
        expect(response.statusCode).toBe(400);
        const answer = JSON.parse(response.text) as { error: string; message: string };
        expect(answer).toEqual({ error: 'body-not-raw', message: `req.body: ${parseWebhookWords(given)}` });
        expect(answer.message).toContain('did you forget `await`?');
      }
    }
    expect(seen).toEqual({ thenCalls: 0, getterRuns: 0 });
    expect(received).toEqual([]);
    expect(heard).toEqual([]);
  });

  it('answers a real request 400 when a middleware left a Promise in req.body', async () => {
    const { seen, values } = pendingBodies();
    const handler = createWebhookHandler({ parse, bodyTimeoutMs: 1_000 });
    let next = 0;
    server = createServer((request, response) => {
      const given = values[next % values.length]?.[1];
      next += 1;
      // The middleware reads the stream to its end, then forgets to await what it stored.
      request.resume();
      request.on('end', () => {
        Object.assign(request, { body: given });
        void handler.node(request, response);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    for (const [name] of values) {
      const response = await fetch(`http://127.0.0.1:${port}/hooks`, {
        method: 'POST',
        headers: signed,
        body,
      });
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(((await response.json()) as { error: string }).error).toBe('body-not-raw');
    }
    expect(seen).toEqual({ thenCalls: 0, getterRuns: 0 });
    expect(received).toEqual([]);
  });

  it('refuses a stream longer than the limit with 413', async () => {
    const handler = createWebhookHandler({ parse, maxBodyBytes: 8 });
    const response = nodeResponse();
    await handler.node(await nodeRequest({ chunks: [body] }), response);
    expect(response.statusCode).toBe(413);
  });
});

describe('bodies that never end, lie about their size or stall', () => {
  // A body that keeps coming, 64 KiB a chunk, counting what was pulled from it.
  function endless() {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    return { stream, pulled: () => pulled };
  }

  it('handleWebhook stops reading an endless body at maxBodyBytes and answers 413', async () => {
    const { handleWebhook } = createWebhookHandler({ parse, maxBodyBytes: 1024 * 1024 });
    const { stream, pulled } = endless();
    const response = await handleWebhook(
      new Request('https://app.test/hook', {
        method: 'POST',
        headers: signed,
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    // Read as a stream: the cap plus what was queued ahead, never the whole body.
    expect(pulled()).toBeLessThan(4 * 1024 * 1024);
    expect(received).toEqual([]);
  });

  it('both handlers answer 413 to a declared Content-Length over the cap before reading a byte', async () => {
    const handler = createWebhookHandler({ parse, maxBodyBytes: 1024 });
    const { stream, pulled } = endless();
    const response = await handler.handleWebhook(
      new Request('https://app.test/hook', {
        method: 'POST',
        headers: { ...signed, 'content-length': String(4 * 1024 ** 3) },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(65_536 * 2);
    let read = 0;
    const request = Object.assign(
      Readable.from(
        (async function* () {
          read += 1;
          yield Buffer.from(body);
        })(),
      ),
      { method: 'POST', url: '/hook', headers: { ...signed, 'content-length': String(4 * 1024 ** 3) } },
    );
    const answer = { statusCode: 0, headers: {} as Record<string, string>, body: '' };
    await handler.node(request, {
      set statusCode(code: number) {
        answer.statusCode = code;
      },
      get statusCode() {
        return answer.statusCode;
      },
      setHeader: (name: string, value: string) => {
        answer.headers[name] = value;
      },
      end: (text?: string) => {
        answer.body = text ?? '';
      },
    });
    expect(answer.statusCode).toBe(413);
    expect(read).toBe(0);
  });

  it('both handlers answer 408 to a body that stops sending, and the parser never runs', async () => {
    const handler = createWebhookHandler({ parse, bodyIdleTimeoutMs: 20 });
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":'));
      },
    });
    const response = await handler.handleWebhook(
      new Request('https://app.test/hook', {
        method: 'POST',
        headers: signed,
        body: stalled,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(408);
    expect(await response.json()).toEqual({ error: 'body-timeout' });
    const request = Object.assign(
      Readable.from(
        (async function* () {
          yield Buffer.from('{"id":');
          await new Promise(() => {});
        })(),
      ),
      { method: 'POST', url: '/hook', headers: signed },
    );
    let status = 0;
    await handler.node(request, {
      statusCode: 0,
      setHeader: () => {},
      end() {
        status = this.statusCode;
      },
    });
    expect(status).toBe(408);
    expect(received).toEqual([]);
  });

  it('refuses a maxBodyBytes or bodyIdleTimeoutMs that is no whole number from 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10']) {
      expect(() => createWebhookHandler({ parse, maxBodyBytes: bad as number })).toThrow(/maxBodyBytes/);
      expect(() => createWebhookHandler({ parse, bodyIdleTimeoutMs: bad as number })).toThrow(
        /bodyIdleTimeoutMs/,
      );
    }
  });
});

describe('the handler against odd configuration and odd requests', () => {
  it('refuses a body limit that is no whole number of bytes from 1 to 2 GiB, when it is made', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, -1, 1.5, 'big', null, 2 ** 31 + 1),
          fc.double().filter((value) => !Number.isInteger(value)),
          fc.integer({ max: 0 }),
        ),
        (maxBodyBytes) => {
          let error: unknown;
          try {
            createWebhookHandler({ parse, maxBodyBytes: maxBodyBytes as number });
          } catch (caught) {
            error = caught;
          }
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['maxBodyBytes']);
        },
      ),
    );
    expect(() => createWebhookHandler({ parse, maxBodyBytes: 1 })).not.toThrow();
  });

  it('answers 500 (onError hears why) when parse returns anything but an array of events', async () => {
    for (const answer of [undefined, null, {}, { not: 'array' }, [null], [{ id: 'x' }], 'events']) {
      const heard: unknown[] = [];
      const handler = createWebhookHandler({
        parse: async () => answer as unknown as LiveStreamEvent[],
        onError: (error) => heard.push(error),
      });
      const response = await handler.handleWebhook(
        new Request('https://app.example/w', { method: 'POST', body }),
      );
      expect(response.status).toBe(500);
      expect(InvalidInputError.isInstance(heard[0])).toBe(true);
    }
  });

  // What parse returns is the application's: a list whose reading throws is a configuration problem named
  // `parse` (500, onError hears it, the thrown value its cause), never the caller's raw error; one whose
  // iterator throws is read as its entries (read by index), its events handed on. (A revoked Proxy cannot be
  // returned: awaiting it throws, so parse itself rejects, and onError hears what it threw, as for any parse.)
  it('answers 500 naming parse when the list parse returns cannot be read; reads entries by index', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('length', 'entry', 'entry-getter', 'iterator'),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (trap, count, at, marker) => {
          const thrown = new Error(`caller trap-${marker}`);
          const events: LiveStreamEvent[] = Array.from({ length: count }, (_, index) => ({
            id: `evt-${index}`,
            type: 'live_stream.connected',
            provider: 'test',
            streamId: `s${index}`,
            occurredAt: new Date('2026-01-01T00:00:00Z'),
            broadcasting: true,
            raw: {},
          }));
          const entry = String(at % count);
          let answer: LiveStreamEvent[];
          if (trap === 'entry-getter') {
            Object.defineProperty(events, entry, {
              get: () => {
                throw thrown;
              },
              enumerable: true,
            });
            answer = events;
          } else {
            const key = trap === 'length' ? 'length' : trap === 'entry' ? entry : Symbol.iterator;
            answer = new Proxy(events, {
              get: (target, name, receiver) => {
                if (name === key) throw thrown;
                return Reflect.get(target, name, receiver);
              },
            });
          }
          const heard: unknown[] = [];
          const handed: string[] = [];
          const hub = createEventHub();
          const published = () =>
            Array.from({ length: count }, (_, index) => `s${index}`)
              .flatMap((streamId) => hub.latest({ provider: 'test', streamId }))
              .map((event) => event.id);
          const handler = createWebhookHandler({
            parse: async () => answer,
            hub,
            onEvents: (list) => {
              handed.push(...list.map((event) => event.id));
            },
            onError: (error) => heard.push(error),
          });
          const response = await handler.handleWebhook(
            new Request('https://app.example/w', { method: 'POST', body }),
          );
          if (trap === 'iterator') {
            const ids = Array.from({ length: count }, (_, index) => `evt-${index}`);
            expect(response.status).toBe(200);
            expect(await response.json()).toEqual({ received: count });
            expect(handed).toEqual(ids);
            expect(published()).toEqual(ids);
            expect(heard).toEqual([]);
            return;
          }
          const problem = 'returned a list that could not be read (a getter or a Proxy in it threw)';
          expect(response.status).toBe(500);
          expect(await response.json()).toEqual({ error: 'handler-failed' });
          expect(handed).toEqual([]);
          expect(published()).toEqual([]);
          expect(heard).toHaveLength(1);
          const error = heard[0] as InvalidInputError;
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect(error.issues).toEqual([{ path: 'parse', message: problem }]);
          expect(error.message).toBe(`createWebhookHandler: parse ${problem}`);
          expect(error.message).not.toContain(marker);
          expect((error.cause as Error).message).toBe(`caller trap-${marker}`);
        },
      ),
      {
        numRuns: 40,
        examples: [
          ['length', 2, 0, 'lengthtrap'],
          ['entry', 3, 2, 'entrytrap'],
          ['entry-getter', 1, 0, 'gettertrap'],
          ['iterator', 3, 0, 'iteratortrap'],
        ],
      },
    );
  });

  it('answers 400 body-not-raw, with the fix, to a Request whose body something read before', async () => {
    const handler = createWebhookHandler({ parse });
    const request = new Request('https://app.example/w', { method: 'POST', headers: signed, body });
    await request.json();
    const response = await handler.handleWebhook(request);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe('body-not-raw');
    expect(answer.message).toContain('c.req.raw');
    expect(received).toEqual([]);
  });

  it('refuses with 413, reading nothing, a body declared larger than the limit; cuts an undeclared one at it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        async (limit, size) => {
          const handler = createWebhookHandler({ parse, maxBodyBytes: limit });
          let pulled = 0;
          const stream = new ReadableStream<Uint8Array>({
            pull(controller) {
              pulled += 1;
              controller.enqueue(new Uint8Array(size));
              if (pulled * size > 4 * limit + 64) controller.close();
            },
          });
          // Declared: nothing is read.
          const declared = await handler.handleWebhook(
            new Request('https://app.example/w', {
              method: 'POST',
              headers: { 'content-length': String(limit + 1) },
              body: 'x'.repeat(limit + 1),
            }),
          );
          expect(declared.status).toBe(413);
          // Streamed without a length: cut as soon as it passes the limit, not read to its end.
          const streamed = await handler.handleWebhook(
            new Request('https://app.example/w', {
              method: 'POST',
              body: stream,
              duplex: 'half',
            } as RequestInit),
          );
          expect(streamed.status).toBe(413);
          expect(pulled * size).toBeLessThanOrEqual(limit + 2 * size + size);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('node: a declared Content-Length over the limit is refused before the stream is read', async () => {
    const handler = createWebhookHandler({ parse, maxBodyBytes: 100 });
    let read = false;
    const request = Object.assign(
      Readable.from(
        (function* () {
          read = true;
          yield Buffer.from(body);
        })(),
      ),
      { method: 'POST', url: '/w', headers: { ...signed, 'content-length': '1073741824' } },
    );
    const headers: Record<string, string> = {};
    const response = {
      statusCode: 0,
      setHeader: (name: string, value: string) => {
        headers[name] = value;
      },
      end: () => undefined,
    };
    await handler.node(request, response);
    expect(response.statusCode).toBe(413);
    expect(headers.connection).toBe('close');
    expect(read).toBe(false);
  });
});

describe('the options of createWebhookHandler', () => {
  const parse = async () => [];
  const refusal = (options: unknown): InvalidInputError => {
    try {
      createWebhookHandler(options as never);
    } catch (error) {
      if (InvalidInputError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected InvalidInputError');
  };

  it('refuses options the handler would read as something else, naming them, when the handler is made', () => {
    class Options {
      parse = parse;
      maxBodyBytes = 16;
    }
    const thrower = () => {
      throw new Error('the caller’s own');
    };
    const name = fc.constantFrom('parse', 'hub', 'onEvents', 'maxBodyBytes', 'bodyIdleTimeoutMs', 'onError');
    const shape = fc.oneof(
      fc.constant({ kind: 'map' as const }),
      fc.constant({ kind: 'class' as const }),
      fc.record({ kind: fc.constant('getter' as const), name }),
      fc.record({ kind: fc.constant('typo' as const), name }),
    );
    fc.assert(
      fc.property(shape, (given) => {
        if (given.kind === 'map') {
          const refused = refusal(
            new Map<string, unknown>([
              ['parse', parse],
              ['maxBodyBytes', 16],
            ]),
          );
          expect(refused.issues).toEqual([
            { path: 'options', message: expect.stringContaining('not a Map') },
          ]);
        } else if (given.kind === 'class') {
          const refused = refusal(new Options());
          expect(refused.issues[0]?.message).toContain('not an instance of Options');
        } else if (given.kind === 'getter') {
          const options = Object.defineProperty({ parse }, given.name, { enumerable: true, get: thrower });
          expect(refusal(options).issues).toEqual([
            { path: given.name, message: 'could not be read (a getter or a Proxy in it threw)' },
          ]);
        } else {
          // The name with its last letter dropped: the nearest valid name is the one meant.
          const typo = given.name.slice(0, -1);
          expect(refusal({ parse, [typo]: 16 }).issues).toEqual([
            { path: typo, message: `unknown option; did you mean "${given.name}"?` },
          ]);
        }
      }),
    );
  });

  it('refuses a missing parse, or one that is no function', () => {
    expect(refusal({}).issues).toEqual([{ path: 'parse', message: 'expected a function' }]);
    expect(refusal({ parse: 'x' }).issues).toEqual([{ path: 'parse', message: 'expected a function' }]);
    expect(refusal(undefined).issues).toEqual([{ path: 'parse', message: 'expected a function' }]);
    expect(() => createWebhookHandler({ parse, maxBodyBytes: 16 })).not.toThrow();
  });
});

describe('onRefused', () => {
  // What a delivery is made of, and what the handler answers it: every 4xx is heard, nothing else.
  const kinds = {
    verified: { init: { method: 'POST', headers: signed, body }, status: 200 },
    'bad signature': {
      init: { method: 'POST', headers: { ...signed, 'x-test-signature': '1' }, body },
      status: 400,
      error: 'bad-signature',
    },
    unsigned: {
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body },
      status: 400,
      error: 'missing-signature',
    },
    'another method': {
      init: { method: 'PUT', headers: signed, body },
      status: 405,
      error: 'method-not-allowed',
    },
    'too large': {
      init: { method: 'POST', headers: signed, body: 'x'.repeat(2_000) },
      status: 413,
      error: 'body-too-large',
    },
    'another coding': {
      init: { method: 'POST', headers: { ...signed, 'content-encoding': 'br' }, body },
      status: 415,
      error: 'unsupported-content-encoding',
    },
    'failing onEvents': { init: { method: 'POST', headers: signed, body }, status: 500, fails: true },
  } as const;

  it('hears every delivery answered 4xx, with the status, code and message answered, and nothing else (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom('fetch', 'node'),
        fc.constantFrom('returns', 'throws', 'rejects'),
        async (deliveries, surface, observer) => {
          const heard: unknown[] = [];
          const errors: unknown[] = [];
          let failing = false;
          const handler = createWebhookHandler({
            parse,
            maxBodyBytes: 1_000,
            onEvents: () => {
              if (failing) throw new Error('database down');
            },
            onError: (error) => errors.push(error),
            onRefused: (refusal) => {
              heard.push(refusal);
              // A broken observer changes no answer.
              if (observer === 'throws') throw new Error('observer broke');
              if (observer === 'rejects') return Promise.reject(new Error('observer broke')) as never;
            },
          });
          const expected: unknown[] = [];
          for (const name of deliveries) {
            const kind = kinds[name];
            failing = 'fails' in kind;
            const answer =
              surface === 'fetch' ? await viaFetch(handler, kind.init) : await viaNode(handler, kind.init);
            expect(answer.status, name).toBe(kind.status);
            if (kind.status >= 400 && kind.status < 500) {
              const sent = answer.body as { error: string; message?: string };
              expect(sent.error).toBe('error' in kind ? kind.error : undefined);
              expected.push({
                status: kind.status,
                error: sent.error,
                ...(sent.message === undefined ? {} : { message: sent.message }),
              });
            }
          }
          expect(heard).toEqual(expected);
          expect(errors).toHaveLength(deliveries.filter((name) => 'fails' in kinds[name]).length);
        },
      ),
      { numRuns: 40 },
    );
  });

  async function viaFetch(
    handler: ReturnType<typeof createWebhookHandler>,
    init: { method: string; headers: Record<string, string>; body: string },
  ) {
    const response = await handler.handleWebhook(new Request('https://app.example/hooks', init));
    return { status: response.status, body: (await response.json()) as unknown };
  }

  // The same delivery through the Node adapter, on a response object that records what is written.
  async function viaNode(
    handler: ReturnType<typeof createWebhookHandler>,
    init: { method: string; headers: Record<string, string>; body: string },
  ) {
    const request = Object.assign(Readable.from([Buffer.from(init.body)]), {
      method: init.method,
      url: '/hooks',
      headers: Object.fromEntries(
        Object.entries(init.headers).map(([name, value]) => [name.toLowerCase(), value]),
      ),
    });
    const written = { status: 0, text: '' };
    await handler.node(request, {
      set statusCode(status: number) {
        written.status = status;
      },
      get statusCode() {
        return written.status;
      },
      setHeader: () => undefined,
      end: (text?: string) => {
        written.text = text ?? '';
      },
    });
    return { status: written.status, body: JSON.parse(written.text) as unknown };
  }
});
