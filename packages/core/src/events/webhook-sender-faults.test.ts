import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { oneConnectedEvent } from '../../test/events.js';
import { InvalidInputError } from '../errors/errors.js';
import { createWebhookHandler, type NodeWebhookRequest } from './webhook-handler.js';

// What the sender's connection does is the network's, not the application's: a body cut off by a closed
// connection is answered 400 `body-incomplete` on both handlers and never heard by onError (which hears the
// application's failures); a request stream something read to its end before the handler got it is 400
// `body-not-raw` on node() as a read Request is on handleWebhook.

const events = [...oneConnectedEvent];

function watchedHandler() {
  const heard: unknown[] = [];
  const bodies: Uint8Array[] = [];
  const handler = createWebhookHandler({
    parse: async (input) => {
      bodies.push(input.body as Uint8Array);
      return events;
    },
    onError: (error) => heard.push(error),
  });
  return { handler, heard, bodies };
}

function recordedResponse() {
  const result = { statusCode: 0, headers: {} as Record<string, string>, body: '' };
  const writer = {
    set statusCode(value: number) {
      result.statusCode = value;
    },
    get statusCode() {
      return result.statusCode;
    },
    setHeader: (name: string, value: string) => {
      result.headers[name] = value;
    },
    end: (text?: string) => {
      result.body = text ?? '';
    },
  };
  return { result, writer };
}

// What a stream fails with when the sender's connection goes away mid-body, as Node and undici spell it.
const lostConnection = fc
  .tuple(
    fc.constantFrom('ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'),
    fc.constantFrom('aborted', 'Premature close', 'other side closed', 'SECRET-x'),
  )
  .map(([code, message]) => Object.assign(new Error(message), { code }));

const incomplete = {
  error: 'body-incomplete',
  message:
    "the sender's connection closed before the request body was whole, so there are no signed bytes to verify",
};

// What a stream fails with for any other reason: the application's own stream, named as such.
const otherFailure = fc
  .oneof(
    fc.constantFrom('EACCES', 'ERR_INVALID_ARG_TYPE', 'econnreset', 5, undefined),
    fc.string().filter((code) => !/^(ECONN|EPIPE|ERR_STREAM_PREMATURE|UND_ERR_SOCKET)/.test(code)),
  )
  .map((code) => Object.assign(new Error('SECRET-x'), { code }));

describe('a body cut off by the sender’s connection', () => {
  it('is 400 body-incomplete on both handlers, onError never told; any other stream failure stays a named InvalidInputError (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          lostConnection.map((error): [Error, boolean] => [error, true]),
          otherFailure.map((error): [Error, boolean] => [error, false]),
        ),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        async ([thrown, lost], sent) => {
          // node(): the request stream yields what arrived, then fails.
          const node = watchedHandler();
          const { result, writer } = recordedResponse();
          const request: NodeWebhookRequest = {
            method: 'POST',
            url: '/w',
            headers: { 'content-length': '500' },
            async *[Symbol.asyncIterator]() {
              for (const text of sent) yield new TextEncoder().encode(text);
              throw thrown;
            },
          };
          await node.handler.node(request, writer);
          // handleWebhook(): a Request whose body stream fails with the same error (a Request made from a
          // Node request, as Hono's and Next.js's Node servers make it).
          const fetchSide = watchedHandler();
          const response = await fetchSide.handler.handleWebhook(
            new Request('https://app.example/w', {
              method: 'POST',
              body: new ReadableStream({
                start: (controller) => {
                  for (const text of sent) controller.enqueue(new TextEncoder().encode(text));
                  controller.error(thrown);
                },
              }),
              duplex: 'half',
            } as RequestInit),
          );
          const answered = await response.json();
          expect(node.bodies).toEqual([]);
          expect(fetchSide.bodies).toEqual([]);
          if (lost) {
            expect([result.statusCode, JSON.parse(result.body)]).toEqual([400, incomplete]);
            expect(result.headers.connection).toBe('close');
            expect(node.heard).toEqual([]);
            expect([response.status, answered]).toEqual([400, incomplete]);
            expect(fetchSide.heard).toEqual([]);
            return;
          }
          expect([result.statusCode, response.status]).toEqual([500, 500]);
          const heard = [...node.heard, ...fetchSide.heard] as InvalidInputError[];
          expect(heard.map((error) => InvalidInputError.isInstance(error))).toEqual([true, true]);
          expect(heard.map((error) => error.issues[0]?.path)).toEqual(['request', 'request.body']);
          expect(heard.map((error) => error.message).join(' ')).not.toContain('SECRET');
        },
      ),
      {
        examples: [
          [[Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), true], ['{"a":']],
          [[Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), true], []],
          [[Object.assign(new Error('SECRET-x'), { code: 'EACCES' }), false], ['{"a":']],
          [[new Error('SECRET-x'), false], []],
        ],
      },
    );
  });
});

describe('node() on a real server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(route: (request: IncomingMessage, response: ServerResponse) => void) {
    server = createServer(route);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('a sender that resets its connection mid-body: 400 body-incomplete, onError never told', async () => {
    const { handler, heard, bodies } = watchedHandler();
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let answered: (status: number) => void = () => {};
    const handled = new Promise<number>((resolve) => {
      answered = resolve;
    });
    const port = await listen((request, response) => {
      arrived();
      void handler.node(request, response).then(() => answered(response.statusCode));
    });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('POST /w HTTP/1.1\r\nHost: app.example\r\nContent-Length: 500\r\n\r\n{"a":');
    // The handler is reading the body before the connection goes: the reset is what it meets.
    await requestArrived;
    socket.resetAndDestroy();
    expect(await handled).toBe(400);
    expect(heard).toEqual([]);
    expect(bodies).toEqual([]);
  });

  it('a body read to its end before the handler got it is 400 body-not-raw; an unread one, empty or not, is parsed (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.boolean(), async (text, consumed) => {
        const { handler, heard, bodies } = watchedHandler();
        let answer: (outcome: { status: number; body: string }) => void = () => {};
        const outcome = new Promise<{ status: number; body: string }>((resolve) => {
          answer = resolve;
        });
        const port = await listen(async (request, response) => {
          // A middleware that reads the stream and leaves nothing in req.body.
          if (consumed) for await (const _ of request);
          let written = '';
          const end = response.end.bind(response);
          await handler.node(request, {
            get statusCode() {
              return response.statusCode;
            },
            set statusCode(value: number) {
              response.statusCode = value;
            },
            setHeader: (name, value) => response.setHeader(name, value),
            end: (body) => {
              written = body ?? '';
              return end(body);
            },
          });
          answer({ status: response.statusCode, body: written });
        });
        const sent = await fetch(`http://127.0.0.1:${port}/w`, { method: 'POST', body: text });
        await sent.arrayBuffer();
        const { status, body } = await outcome;
        server?.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
        server = undefined;
        expect(heard).toEqual([]);
        if (consumed) {
          expect(status).toBe(400);
          expect(JSON.parse(body)).toMatchObject({ error: 'body-not-raw' });
          expect(JSON.parse(body).message).toContain('read before the webhook handler got it');
          expect(bodies).toEqual([]);
        } else {
          expect(status).toBe(200);
          expect(bodies.map((bytes) => new TextDecoder().decode(bytes))).toEqual([text]);
        }
      }),
      {
        numRuns: 12,
        examples: [
          ['', false],
          ['', true],
          ['{"a":1}', true],
          ['{"a":1}', false],
        ],
      },
    );
  });
});
