import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import {
  createWebhookHandler,
  type NodeWebhookRequest,
  type NodeWebhookResponse,
} from './webhook-handler.js';
import { checkWebhookInput, readWebhookBody } from './webhook-input.js';

// What the sender or the request's own state gets wrong is the request's, answered 400 or 408 and never
// heard by onError; what the application's call gets wrong is a named error; neither is a raw TypeError.

const events: LiveStreamEvent[] = [
  {
    id: 'e1',
    type: 'live_stream.connected',
    provider: 'test',
    streamId: 's1',
    occurredAt: new Date(Date.UTC(2026, 10, 29, 12)),
    raw: {},
  },
];

function nodeRequest(url: string, chunks: AsyncIterable<unknown>): NodeWebhookRequest {
  return {
    method: 'POST',
    url,
    headers: {},
    [Symbol.asyncIterator]: () => chunks[Symbol.asyncIterator](),
  };
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
    const heard: unknown[] = [];
    let parsed = 0;
    const handler = createWebhookHandler({
      parse: async () => {
        parsed += 1;
        return events;
      },
      onError: (error) => heard.push(error),
    });
    const { response, writer } = nodeResponse();
    await handler.node(nodeRequest('http://[x/hooks/s3cret-path', once('{}')), writer);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'malformed-url' });
    expect(response.body).not.toContain('s3cret');
    expect(parsed).toBe(0);
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
    const kinds = ['ArrayBuffer', 'Uint8Array', 'Uint16Array', 'DataView', 'Buffer'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.constantFrom('detached', 'proxy', 'fine'), (kind, state) => {
        const buffer = new TextEncoder().encode('{"a":1}').buffer as ArrayBuffer;
        const view = (of: ArrayBuffer): unknown =>
          kind === 'ArrayBuffer'
            ? of
            : kind === 'Uint8Array'
              ? new Uint8Array(of)
              : kind === 'Uint16Array'
                ? new Uint16Array(of, 0, 2)
                : kind === 'DataView'
                  ? new DataView(of)
                  : Buffer.from(of);
        let body = view(buffer);
        if (state === 'detached') structuredClone(buffer, { transfer: [buffer] });
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
        if (state === 'detached' || imitated) {
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
          ['Buffer', 'fine'],
        ],
      },
    );
  });
});
