import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { oneConnectedEvent } from '../../test/events.js';
import { hostileKinds, makeHostile } from '../../test/hostile-bytes.js';
import { InvalidInputError } from '../errors/errors.js';
import {
  createWebhookHandler,
  type NodeWebhookRequest,
  type NodeWebhookResponse,
} from './webhook-handler.js';
import { checkWebhookInput, readWebhookBody, webhookBodyBytes } from './webhook-input.js';

// What the sender or the request's own state gets wrong is the request's, answered 400 or 408 and never
// heard by onError; what the application's call gets wrong is a named error; neither is a raw TypeError.

const events = [...oneConnectedEvent];

function nodeRequest(url: string, chunks: AsyncIterable<unknown>): NodeWebhookRequest {
  return {
    method: 'POST',
    url,
    headers: {},
    [Symbol.asyncIterator]: () => chunks[Symbol.asyncIterator](),
  };
}

// A stream of one chunk, made when it is asked for. An iterator of its own: an async generator awaits what it
// yields, so a revoked Proxy or a view with a `then` of its own would be read before the handler saw it.
function oneChunk(make: () => unknown): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: () => {
      let given = false;
      return {
        next: async () => {
          if (given) return { done: true, value: undefined };
          given = true;
          return { done: false, value: make() };
        },
      };
    },
  };
}

// A handler whose parse answers `events`, counting its calls, and whose onError keeps what it hears.
function watchedHandler() {
  const heard: unknown[] = [];
  let calls = 0;
  const handler = createWebhookHandler({
    parse: async () => {
      calls += 1;
      return events;
    },
    onError: (error) => heard.push(error),
  });
  return { handler, heard, parsed: () => calls };
}

function nodeResponse() {
  const response = { statusCode: 0, body: '', headers: {} as Record<string, string> };
  const writer: NodeWebhookResponse = {
    get statusCode() {
      return response.statusCode;
    },
    set statusCode(value: number) {
      response.statusCode = value;
    },
    setHeader: (name, value) => {
      response.headers[name] = value;
    },
    end: (body) => {
      response.body = body ?? '';
    },
  };
  return { response, writer };
}

async function* once(text: string) {
  yield new TextEncoder().encode(text);
}

describe('a request target that is no URL', () => {
  it('parseWebhook refuses it naming input.url, without repeating it', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('http://[', 'https://[x', 'http://a b/', 'http://:99999/'),
        (rest, start) => {
          const url = `${start}${rest}/s3cret-path`;
          fc.pre(!URL.canParse(url, 'http://webhook.invalid'));
          let thrown: unknown;
          try {
            checkWebhookInput('test', { body: '{}', headers: {}, url });
          } catch (error) {
            thrown = error;
          }
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as InvalidInputError).issues[0]?.path).toBe('input.url');
          expect((thrown as Error).message).not.toContain('s3cret-path');
        },
      ),
      { examples: [['x', 'http://[']] },
    );
    expect(() => checkWebhookInput('test', { body: '{}', headers: {}, url: '/hooks/a' })).not.toThrow();
  });

  it('the handler answers 400 malformed-url, parse never called, onError never told', async () => {
    const { handler, heard, parsed } = watchedHandler();
    const { response, writer } = nodeResponse();
    await handler.node(nodeRequest('http://[x/hooks/s3cret-path', once('{}')), writer);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'malformed-url' });
    expect(response.body).not.toContain('s3cret');
    expect(parsed()).toBe(0);
    expect(heard).toEqual([]);
  });
});

describe("a fetch Request's body that is not there to read", () => {
  it('a locked body (a middleware took a reader) is 400 body-not-raw, never heard by onError', async () => {
    const heard: unknown[] = [];
    const handler = createWebhookHandler({
      parse: async () => events,
      onError: (error) => heard.push(error),
    });
    const request = new Request('https://app.example/w', { method: 'POST', body: '{}' });
    request.body?.getReader();
    const response = await handler.handleWebhook(request);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'body-not-raw' });
    expect(heard).toEqual([]);
  });

  it('a body stream yielding what is no bytes or text is 400 body-not-raw, never heard by onError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<unknown>({ length: 5 }, 5, null, [1, 2], { type: 'Buffer', data: [1] }, true),
        async (chunk) => {
          const heard: unknown[] = [];
          const handler = createWebhookHandler({
            parse: async () => events,
            onError: (error) => heard.push(error),
          });
          const body = new ReadableStream({
            start(controller) {
              controller.enqueue(chunk);
              controller.close();
            },
          });
          const request = new Request('https://app.example/w', {
            method: 'POST',
            body,
            duplex: 'half',
          } as RequestInit);
          const response = await handler.handleWebhook(request);
          expect(response.status).toBe(400);
          const answer = (await response.json()) as { error: string; message: string };
          expect(answer.error).toBe('body-not-raw');
          expect(answer.message).not.toContain('webhook webhook');
          expect(heard).toEqual([]);
        },
      ),
    );
  });

  it('anything but a Request is the application’s error: 500, onError hears an InvalidInputError naming request', async () => {
    for (const given of [undefined, null, {}, 'https://app.example/w', { headers: {} }]) {
      const heard: unknown[] = [];
      const handler = createWebhookHandler({
        parse: async () => events,
        onError: (error) => heard.push(error),
      });
      const response = await handler.handleWebhook(given as unknown as Request);
      expect(response.status).toBe(500);
      expect(InvalidInputError.isInstance(heard[0])).toBe(true);
      expect((heard[0] as InvalidInputError).issues[0]?.path).toBe('request');
    }
  });
});

describe('a body that trickles', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is abandoned with 408 once bodyTimeoutMs has passed since reading began, however often bytes come', async () => {
    vi.useFakeTimers();
    const idleMs = 1000;
    const wholeMs = 5000;
    let sent = 0;
    // One byte every 800 ms, each within the idle bound, for ever.
    const trickle: AsyncIterable<unknown> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise((resolve) => {
            setTimeout(() => {
              sent += 1;
              resolve({ done: sent > 1_000_000, value: new Uint8Array([0x20]) });
            }, 800);
          }),
      }),
    };
    const handler = createWebhookHandler({
      parse: async () => events,
      bodyIdleTimeoutMs: idleMs,
      bodyTimeoutMs: wholeMs,
    });
    const { response, writer } = nodeResponse();
    const answered = handler.node(nodeRequest('/w', trickle), writer);
    await vi.advanceTimersByTimeAsync(wholeMs - 1);
    expect(response.statusCode).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await answered;
    expect(response.statusCode).toBe(408);
    expect(JSON.parse(response.body)).toEqual({ error: 'body-timeout' });
    expect(sent).toBe(Math.floor((wholeMs - 1) / 800));
  });

  it('refuses a bodyTimeoutMs that is no whole number from 1, naming it', () => {
    for (const value of [0, -1, 1.5, Number.NaN, '30000', null]) {
      expect(() =>
        createWebhookHandler({ parse: async () => events, bodyTimeoutMs: value as number }),
      ).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'bodyTimeoutMs' })] }));
    }
    expect(() => createWebhookHandler({ parse: async () => events, bodyTimeoutMs: 1 })).not.toThrow();
  });
});

describe('a body whose bytes are gone or imitated', () => {
  it('is an InvalidInputError naming input.body, never a TypeError', () => {
    const kinds = [
      'ArrayBuffer',
      'SharedArrayBuffer',
      'Uint8Array',
      'Uint16Array',
      'DataView',
      'Buffer',
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.constantFrom('detached', 'proxy', 'fine'), (kind, state) => {
        const buffer = new TextEncoder().encode('{"a":1}').buffer as ArrayBuffer;
        const view = (of: ArrayBuffer): unknown =>
          kind === 'ArrayBuffer'
            ? of
            : kind === 'SharedArrayBuffer'
              ? sharedCopy(of)
              : kind === 'Uint8Array'
                ? new Uint8Array(of)
                : kind === 'Uint16Array'
                  ? new Uint16Array(of, 0, 2)
                  : kind === 'DataView'
                    ? new DataView(of)
                    : Buffer.from(of);
        let body = view(buffer);
        // Shared memory cannot be transferred: a SharedArrayBuffer is never detached.
        if (state === 'detached' && kind !== 'SharedArrayBuffer')
          structuredClone(buffer, { transfer: [buffer] });
        if (state === 'proxy') body = new Proxy(body as object, {});
        const imitated = state === 'proxy';
        let thrown: unknown;
        try {
          readWebhookBody(body, 'test');
        } catch (error) {
          thrown = error;
        }
        // A Proxy of any view (a DataView, a Uint16Array too) imitates bytes: named as the body, as a
        // Proxy of a Uint8Array is, not taken for a parsed value.
        if ((state === 'detached' && kind !== 'SharedArrayBuffer') || imitated) {
          expect(InvalidInputError.isInstance(thrown)).toBe(true);
          expect((thrown as InvalidInputError).issues[0]?.path).toBe('input.body');
        } else expect(thrown).toBeUndefined();
      }),
      {
        examples: [
          ['ArrayBuffer', 'detached'],
          ['Uint8Array', 'detached'],
          ['Uint8Array', 'proxy'],
          ['DataView', 'proxy'],
          ['Uint16Array', 'proxy'],
          ['SharedArrayBuffer', 'proxy'],
          ['Buffer', 'fine'],
        ],
      },
    );
  });
});

function sharedCopy(of: ArrayBuffer): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(of.byteLength);
  new Uint8Array(shared).set(new Uint8Array(of));
  return shared;
}

describe('bytes with the caller’s code on them, given to either handler', () => {
  // A view whose own getters throw or lie, whose species takes the buffer away when asked, with another
  // prototype or realm: read by the bytes it holds, as parseWebhook reads it, so the parse gets exactly them.
  const bytes = new TextEncoder().encode('{"event":"x"}');
  const fetchRequest = (chunk: unknown) =>
    ({
      method: 'POST',
      url: 'https://app.example/hooks',
      headers: new Headers(),
      bodyUsed: false,
      body: new ReadableStream({
        pull: (controller) => {
          controller.enqueue(chunk);
          controller.close();
        },
      }),
    }) as unknown as Request;

  it('as req.body, as a chunk of the Node stream, or of a fetch body: the parse gets exactly the bytes (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...hostileKinds), async (kind) => {
        const parsed: number[][] = [];
        const heard: unknown[] = [];
        const handler = createWebhookHandler({
          parse: async (input) => {
            parsed.push([...(input.body as Uint8Array)]);
            return events;
          },
          onError: (error) => heard.push(error),
        });
        const statuses: number[] = [];
        for (const request of [
          { ...nodeRequest('/w', once('')), body: makeHostile(bytes, kind).value, readableEnded: true },
          nodeRequest(
            '/w',
            oneChunk(() => makeHostile(bytes, kind).value),
          ),
        ]) {
          const { response, writer } = nodeResponse();
          await handler.node(request, writer);
          statuses.push(response.statusCode);
        }
        statuses.push((await handler.handleWebhook(fetchRequest(makeHostile(bytes, kind).value))).status);
        expect({ statuses, heard }, kind.join(' ')).toEqual({ statuses: [200, 200, 200], heard: [] });
        expect(parsed, kind.join(' ')).toEqual([[...bytes], [...bytes], [...bytes]]);
      }),
      { examples: hostileKinds.map((kind) => [kind]) },
    );
  });

  it('each chunk is taken as it comes: a source that reuses one buffer for every chunk delivers the body as sent (generated)', async () => {
    // The handlers copy a chunk into the body at once and let it go (holding every chunk until the end cost
    // hundreds of bytes a chunk: a sender of one byte a TCP segment made megabytes of each kilobyte).
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 17 }),
        async (text, piece) => {
          const sent = new TextEncoder().encode(JSON.stringify({ text }));
          // One scratch buffer, refilled with the next piece before each is handed over.
          const pieces = function* () {
            const scratch = new Uint8Array(piece);
            for (let start = 0; start < sent.length; start += piece) {
              const part = sent.subarray(start, start + piece);
              scratch.set(part);
              yield scratch.subarray(0, part.length);
            }
          };
          const parsed: number[][] = [];
          const handler = createWebhookHandler({
            parse: async (input) => {
              parsed.push([...(input.body as Uint8Array)]);
              return events;
            },
          });
          const { response, writer } = nodeResponse();
          const chunks = pieces();
          await handler.node(
            nodeRequest('/w', {
              [Symbol.asyncIterator]: () => ({ next: async () => chunks.next() }),
            }),
            writer,
          );
          const fetched = pieces();
          const answer = await handler.handleWebhook(
            new Request('https://app.example/w', {
              method: 'POST',
              // No chunk asked for ahead of the reader: the next one is made only when the last was read.
              body: new ReadableStream(
                {
                  pull: (controller) => {
                    const next = fetched.next();
                    if (next.done) controller.close();
                    else controller.enqueue(next.value);
                  },
                },
                { highWaterMark: 0 },
              ),
              duplex: 'half',
            } as RequestInit),
          );
          expect([response.statusCode, answer.status]).toEqual([200, 200]);
          expect(parsed).toEqual([[...sent], [...sent]]);
        },
      ),
    );
  });

  it('a Blob left in req.body is weighed by its size: 413 beyond maxBodyBytes, never read', async () => {
    let parsed = 0;
    const handler = createWebhookHandler({
      parse: async () => {
        parsed += 1;
        return events;
      },
      maxBodyBytes: 8,
    });
    const answers: number[] = [];
    for (const size of [8, 9]) {
      const { response, writer } = nodeResponse();
      const blob = new Blob([new Uint8Array(size)]);
      // Its own `size` would say anything: the platform's is read.
      Object.defineProperty(blob, 'size', { value: 0 });
      await handler.node({ ...nodeRequest('/w', once('')), body: blob, readableEnded: true }, writer);
      answers.push(response.statusCode);
    }
    expect({ answers, parsed }).toEqual({ answers: [200, 413], parsed: 1 });
  });

  // A parse that keeps the bytes it was handed, read as every adapter reads a body.
  function keepingHandler(maxBodyBytes: number) {
    const kept: string[] = [];
    const handler = createWebhookHandler({
      parse: async (input) => {
        kept.push(new TextDecoder().decode(await webhookBodyBytes(input.body, 'test')));
        return events;
      },
      maxBodyBytes,
    });
    return { handler, kept };
  }

  it('a Proxy of a Blob in req.body is 400 body-not-raw, unread, none of its traps but getPrototypeOf run', async () => {
    const { handler, kept } = keepingHandler(1024);
    const answers: [string, number, string][] = [];
    const ran: string[] = [];
    const made = {
      // Every number it forwards said to be 10: the platform's `size` would read the Blob's length through it.
      numbersLie: (real: Blob) =>
        new Proxy(real, {
          get: (target, key) => {
            ran.push(String(key));
            const value = Reflect.get(target, key) as unknown;
            return typeof value === 'number' ? 10 : value;
          },
        }),
      forwardsAnotherBlob: (_: Blob) => {
        const forged = new Blob(['{"id":"FORGED"}']);
        return new Proxy(forged, {
          get: (target, key) => {
            ran.push(String(key));
            return Reflect.get(target, key);
          },
        });
      },
    };
    for (const [name, make] of Object.entries(made)) {
      const { response, writer } = nodeResponse();
      const body = make(new Blob([new Uint8Array(2048).fill(0x20)]));
      await handler.node({ ...nodeRequest('/w', once('')), body, readableEnded: true }, writer);
      answers.push([name, response.statusCode, (JSON.parse(response.body) as { error: string }).error]);
    }
    expect({ answers, kept, ran }).toEqual({
      answers: [
        ['numbersLie', 400, 'body-not-raw'],
        ['forwardsAnotherBlob', 400, 'body-not-raw'],
      ],
      kept: [],
      ran: [],
    });
  });

  it('a Blob in req.body is read as a Blob whatever its prototype, and weighed by the bytes it holds', async () => {
    const { handler, kept } = keepingHandler(8);
    const answers: number[] = [];
    for (const prototype of [null, Object.prototype, Uint8Array.prototype, ArrayBuffer.prototype]) {
      for (const text of ['{"a":1}', '{"a":12}', '{"a":123}']) {
        const { response, writer } = nodeResponse();
        const body = Object.setPrototypeOf(new Blob([text]), prototype) as unknown;
        await handler.node({ ...nodeRequest('/w', once('')), body, readableEnded: true }, writer);
        answers.push(response.statusCode);
      }
    }
    // Node's Blob keeps its length in a field its holder can write: what it holds is weighed too.
    const shrunk = new Blob(['{"a":123456789}']);
    const length = Object.getOwnPropertySymbols(shrunk).find((key) => key.description === 'kLength');
    expect(length, "Node's Blob keeps its length in kLength").toBeDefined();
    Object.defineProperty(shrunk, length as symbol, { value: 1 });
    expect(shrunk.size).toBe(1);
    const { response, writer } = nodeResponse();
    await handler.node({ ...nodeRequest('/w', once('')), body: shrunk, readableEnded: true }, writer);
    answers.push(response.statusCode);
    expect({ answers, kept }).toEqual({
      answers: [200, 200, 413, 200, 200, 413, 200, 200, 413, 200, 200, 413, 413],
      kept: ['{"a":1}', '{"a":12}', '{"a":1}', '{"a":12}', '{"a":1}', '{"a":12}', '{"a":1}', '{"a":12}'],
    });
  });

  it('text in req.body is weighed by its UTF-8 bytes, as the same text yielded by the stream is (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Any text: ASCII, two- and three-byte characters, pairs of surrogates and lone ones (U+FFFD, 3 bytes).
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.string({ unit: fc.constantFrom('a', 'é', '\u0800', '😀', '\ud800', '\udfff'), maxLength: 40 }),
        ),
        fc.integer({ min: 1, max: 130 }),
        async (text, maxBodyBytes) => {
          const { handler, kept } = keepingHandler(maxBodyBytes);
          const given = nodeResponse();
          await handler.node(
            { ...nodeRequest('/w', once('')), body: text, readableEnded: true },
            given.writer,
          );
          const streamed = nodeResponse();
          await handler.node(
            nodeRequest(
              '/w',
              (async function* () {
                yield text;
              })(),
            ),
            streamed.writer,
          );
          const bytes = new TextEncoder().encode(text).byteLength;
          const expected = bytes > maxBodyBytes ? 413 : 200;
          expect([given.response.statusCode, streamed.response.statusCode]).toEqual([expected, expected]);
          const sent = new TextDecoder().decode(new TextEncoder().encode(text));
          expect(kept).toEqual(expected === 200 ? [sent, sent] : []);
        },
      ),
      {
        examples: [
          // 950 × U+0800 is 2 850 bytes: never under a bound of 1 024 (up to 3x it) by its 950 UTF-16 units.
          ['\u0800'.repeat(40), 119],
          ['é'.repeat(40), 79],
          ['😀'.repeat(20), 79],
          ['\ud800'.repeat(40), 119],
          ['a'.repeat(40), 40],
        ],
      },
    );
  });
});

describe("node()'s request that cannot be read", () => {
  const body = '{"a":1}';
  // A field of the request that throws, or is of a kind no Node request has: the application's call.
  const kinds = {
    'no request (null)': () => null,
    'no request (text)': () => 'https://app.example/w',
    'body getter throws': (thrown: unknown) =>
      Object.defineProperty(nodeRequest('/w', once(body)), 'body', {
        get() {
          throw thrown;
        },
      }),
    'method getter throws': (thrown: unknown) =>
      Object.defineProperty(nodeRequest('/w', once(body)), 'method', {
        get() {
          throw thrown;
        },
      }),
    'method an object': () => ({ ...nodeRequest('/w', once(body)), method: {} }),
    'url getter throws': (thrown: unknown) =>
      Object.defineProperty(nodeRequest('/w', once(body)), 'url', {
        get() {
          throw thrown;
        },
      }),
    'originalUrl a number': () => ({ ...nodeRequest('/w', once(body)), originalUrl: 5 }),
    'headers getter throws': (thrown: unknown) =>
      Object.defineProperty(nodeRequest('/w', once(body)), 'headers', {
        get() {
          throw thrown;
        },
      }),
    'headers null': () => ({ ...nodeRequest('/w', once(body)), headers: null }),
    'request a Proxy whose get throws': (thrown: unknown) =>
      new Proxy(nodeRequest('/w', once(body)), {
        get() {
          throw thrown;
        },
      }),
    'iterator throws': (thrown: unknown) => ({
      ...nodeRequest('/w', once(body)),
      [Symbol.asyncIterator]: () => {
        throw thrown;
      },
    }),
    'iterator next rejects': (thrown: unknown) => ({
      ...nodeRequest('/w', once(body)),
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(thrown) }),
    }),
    'iterator next answers no result': () => ({
      ...nodeRequest('/w', once(body)),
      [Symbol.asyncIterator]: () => ({ next: async () => null }),
    }),
  } satisfies Record<string, (thrown: unknown) => unknown>;
  const paths: Record<keyof typeof kinds, string> = {
    'no request (null)': 'request',
    'no request (text)': 'request',
    'body getter throws': 'request.body',
    'method getter throws': 'request.method',
    'method an object': 'request.method',
    'url getter throws': 'request.url',
    'originalUrl a number': 'request.originalUrl',
    'headers getter throws': 'request.headers',
    'headers null': 'request.headers',
    'request a Proxy whose get throws': 'request.method',
    'iterator throws': 'request',
    'iterator next rejects': 'request',
    'iterator next answers no result': 'request',
  };

  it('is answered 500, onError hearing an InvalidInputError naming the field, never the raw error (generated)', async () => {
    const secretError = fc.string().map((text) => new Error(`SECRET-${text}`));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])),
        fc.oneof(secretError, fc.anything()),
        async (kind, thrown) => {
          const { handler, heard, parsed } = watchedHandler();
          const { response, writer } = nodeResponse();
          await handler.node(kinds[kind](thrown) as NodeWebhookRequest, writer);
          const said = `${kind} throwing ${fc.stringify(thrown)}: ${fc.stringify(heard)}`;
          expect(response.statusCode, said).toBe(500);
          expect(JSON.parse(response.body), said).toEqual({ error: 'handler-failed' });
          expect(parsed(), said).toBe(0);
          expect(heard, said).toHaveLength(1);
          expect(InvalidInputError.isInstance(heard[0]), said).toBe(true);
          expect(heard[0], said).toMatchObject({
            operation: 'parseWebhook',
            issues: [{ path: paths[kind] }],
          });
          expect((heard[0] as Error).cause, said).toBeUndefined();
          expect((heard[0] as Error).message, said).not.toContain('SECRET-');
        },
      ),
      {
        numRuns: 80,
        examples: Object.keys(kinds).map((kind): [keyof typeof kinds, unknown] => [
          kind as keyof typeof kinds,
          new Error('SECRET-x'),
        ]),
      },
    );
  });

  it('bytes in req.body that cannot be read are 400 body-not-raw, as the same bytes from the stream are (generated)', async () => {
    const unreadable = {
      'detached Uint8Array': () => {
        const bytes = new TextEncoder().encode(body);
        structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
        return bytes;
      },
      'detached ArrayBuffer': () => {
        const { buffer } = new TextEncoder().encode(body);
        structuredClone(buffer, { transfer: [buffer] });
        return buffer;
      },
      'Proxy of a Buffer': () => new Proxy(Buffer.from(body), {}),
      'Proxy of a DataView': () => new Proxy(new DataView(new TextEncoder().encode(body).buffer), {}),
      'Proxy of a SharedArrayBuffer': () => new Proxy(sharedCopy(new TextEncoder().encode(body).buffer), {}),
      'view past the end of a shrunk resizable buffer': () => {
        // A resizable ArrayBuffer (ES2024, in Node since 20), typed here as the lib targeted predates it.
        const Resizable = ArrayBuffer as unknown as new (
          length: number,
          options: { maxByteLength: number },
        ) => ArrayBuffer & { resize(length: number): void };
        const buffer = new Resizable(16, { maxByteLength: 16 });
        const view = new Uint8Array(buffer, 0, 8);
        buffer.resize(4);
        return view;
      },
      'revoked Proxy': () => {
        const { proxy, revoke } = Proxy.revocable(Buffer.from(body), {});
        revoke();
        return proxy;
      },
    } satisfies Record<string, () => unknown>;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(unreadable) as (keyof typeof unreadable)[])),
        fc.boolean(),
        async (kind, readableEnded) => {
          const answers: { status: number; error: unknown }[] = [];
          const heard: unknown[] = [];
          const handler = createWebhookHandler({
            parse: async () => events,
            onError: (error) => heard.push(error),
          });
          const yielding = () => oneChunk(unreadable[kind]);
          // As a body parser's `req.body`, then as the stream's one chunk.
          for (const request of [
            { ...nodeRequest('/w', once(body)), body: unreadable[kind](), readableEnded },
            nodeRequest('/w', yielding()),
          ]) {
            const { response, writer } = nodeResponse();
            await handler.node(request, writer);
            answers.push({ status: response.statusCode, error: JSON.parse(response.body).error });
          }
          expect(answers, kind).toEqual([
            { status: 400, error: 'body-not-raw' },
            { status: 400, error: 'body-not-raw' },
          ]);
          expect(heard, kind).toEqual([]);
        },
      ),
      {
        examples: Object.keys(unreadable).map((kind): [keyof typeof unreadable, boolean] => [
          kind as keyof typeof unreadable,
          true,
        ]),
      },
    );
    // The bytes themselves, given either way, are read.
    const handler = createWebhookHandler({ parse: async () => events });
    for (const given of [Buffer.from(body), new TextEncoder().encode(body).buffer]) {
      const { response, writer } = nodeResponse();
      await handler.node({ ...nodeRequest('/w', once('')), body: given, readableEnded: true }, writer);
      expect(response.statusCode).toBe(200);
    }
  });
});

describe("handleWebhook's Request that cannot be read", () => {
  // A Request whose getter throws (a subclass, a wrapper's own getter), or whose body stream errors: the
  // application's call, answered 500 and heard by onError as an InvalidInputError naming the field, never
  // the caller's own error (its message may hold a secret), as node() names its request's.
  const request = () =>
    new Request('https://app.example/hooks', { method: 'POST', body: '{}', headers: { 'x-a': '1' } });
  const throwing = (fields: string[], thrown: unknown) => {
    const made = request();
    for (const name of fields)
      Object.defineProperty(made, name, {
        get: () => {
          throw thrown;
        },
      });
    return made;
  };
  const answering = (field: string, value: unknown) =>
    Object.defineProperty(request(), field, { get: () => value });
  const erroring = (thrown: unknown) =>
    new Request('https://app.example/hooks', {
      method: 'POST',
      body: new ReadableStream({
        start: (controller) => controller.error(thrown),
      }),
      duplex: 'half',
    } as RequestInit);
  // `bodyUsed` and `headers` are how a Request is told from anything else: one that throws there is no
  // Request it can read, named `request` as anything else is.
  const kinds: Record<string, (thrown: unknown) => readonly [Request, string]> = {
    bodyUsed: (thrown) => [throwing(['bodyUsed'], thrown), 'request'],
    headers: (thrown) => [throwing(['headers'], thrown), 'request'],
    body: (thrown) => [throwing(['body'], thrown), 'request.body'],
    url: (thrown) => [throwing(['url'], thrown), 'request.url'],
    method: (thrown) => [throwing(['method'], thrown), 'request.method'],
    // A field that answers something no Request holds: an imitation, named too.
    methodNotText: (thrown) => [
      answering('method', {
        toString: () => {
          throw thrown;
        },
      }),
      'request.method',
    ],
    methodMissing: () => [answering('method', undefined), 'request.method'],
    urlNotText: () => [answering('url', 42), 'request.url'],
    stream: (thrown) => [erroring(thrown), 'request.body'],
  };

  it('is answered 500, onError hearing an InvalidInputError naming the field, never the raw error (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(kinds)),
        fc.string().map((text) => new Error(`SECRET-${text}`)),
        async (kind, thrown) => {
          const { handler, heard, parsed } = watchedHandler();
          const [given, path] = (kinds[kind] as (typeof kinds)[string])(thrown);
          const response = await handler.handleWebhook(given);
          expect(response.status, kind).toBe(500);
          expect(await response.json(), kind).toEqual({ error: 'handler-failed' });
          expect(parsed(), kind).toBe(0);
          expect(heard, kind).toHaveLength(1);
          const error = heard[0] as InvalidInputError;
          expect(InvalidInputError.isInstance(error), kind).toBe(true);
          expect(error.issues[0]?.path, kind).toBe(path);
          expect(error.operation, kind).toBe('parseWebhook');
          expect(error.cause, kind).toBeUndefined();
          expect(error.message, kind).not.toContain('SECRET');
        },
      ),
      { examples: Object.keys(kinds).map((kind) => [kind, new Error('SECRET-x')]) },
    );
  });
});

describe("node()'s response that cannot be written", () => {
  // The application's response object: none, one whose fields or methods throw, or an `end` that rejects.
  // `node` resolves, onError hears an InvalidInputError naming `response` without what was thrown, and no
  // rejection is left unhandled (vitest fails a run on one).
  const kinds: Record<string, (thrown: Error) => unknown> = {
    null: () => null,
    text: () => 'response',
    frozen: () => Object.freeze({ statusCode: 0, setHeader: () => {}, end: () => {} }),
    noEnd: () => ({ statusCode: 0, setHeader: () => {} }),
    setHeaderThrows: (thrown) => ({
      statusCode: 0,
      setHeader: () => {
        throw thrown;
      },
      end: () => {},
    }),
    proxyThrows: (thrown) =>
      new Proxy(
        {},
        {
          set: () => {
            throw thrown;
          },
          get: () => {
            throw thrown;
          },
        },
      ),
    endRejects: (thrown) => ({ statusCode: 0, setHeader: () => {}, end: async () => Promise.reject(thrown) }),
    setHeaderRejects: (thrown) => ({
      statusCode: 0,
      setHeader: async () => Promise.reject(thrown),
      end: () => {},
    }),
  };

  it('resolves, onError hearing an InvalidInputError naming response, never the raw error (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(kinds)),
        fc.string().map((text) => new Error(`SECRET-${text}`)),
        async (kind, thrown) => {
          const heard: unknown[] = [];
          const handler = createWebhookHandler({
            parse: async () => events,
            onError: (error) => heard.push(error),
          });
          const response = (kinds[kind] as (typeof kinds)[string])(thrown) as NodeWebhookResponse;
          await expect(handler.node(nodeRequest('/hooks', once('{}')), response)).resolves.toBeUndefined();
          // A rejected `end` is told a turn later.
          await expect.poll(() => heard.length).toBe(1);
          const error = heard[0] as InvalidInputError;
          expect(InvalidInputError.isInstance(error), kind).toBe(true);
          expect(error.issues[0]?.path, kind).toBe('response');
          expect(error.cause, kind).toBeUndefined();
          expect(error.message, kind).not.toContain('SECRET');
        },
      ),
      { examples: Object.keys(kinds).map((kind) => [kind, new Error('SECRET-x')]) },
    );
  });
});
