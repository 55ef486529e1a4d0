import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, WebhookVerificationError } from '../errors/errors.js';
import { readWebhookBody, webhookBodyBytes } from './webhook-input.js';

// What a body is, told by the platform's own brand checks, with no code of the caller's run: a Proxy on a
// prototype chain is asked nothing (its traps counted here), and no getter of the body's is run. Each kind
// named in words that say what to pass instead.

// Every trap a Proxy can have, each counted when it runs, then doing the default.
const trapNames = [
  'get',
  'set',
  'has',
  'getPrototypeOf',
  'setPrototypeOf',
  'getOwnPropertyDescriptor',
  'defineProperty',
  'deleteProperty',
  'ownKeys',
  'isExtensible',
  'preventExtensions',
  'apply',
  'construct',
] as const;
const counting = <T extends object>(target: T, ran: string[]): T =>
  new Proxy(
    target,
    Object.fromEntries(
      trapNames.map((trap) => [
        trap,
        (...args: unknown[]) => {
          ran.push(trap);
          return (Reflect[trap] as (...given: unknown[]) => unknown)(...args);
        },
      ]),
    ),
  );

// Both readers every adapter goes through: the one `parseWebhook` awaits, and the synchronous one.
const readers = {
  webhookBodyBytes: (body: unknown) => webhookBodyBytes(body, 'liveapi'),
  readWebhookBody: async (body: unknown) => readWebhookBody(body, 'liveapi'),
} as const;
type ReaderName = keyof typeof readers;
const readerNames = Object.keys(readers) as ReaderName[];

const refusal = async (read: () => Promise<unknown>): Promise<WebhookVerificationError> => {
  const error = await read().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(WebhookVerificationError.isInstance(error), String(error)).toBe(true);
  expect((error as WebhookVerificationError).reason).toBe('body-not-raw');
  return error as WebhookVerificationError;
};

describe('a real Blob whose prototype is a Proxy', () => {
  const prototypes = {
    'Blob.prototype': () => Blob.prototype,
    'File.prototype': () => File.prototype,
    'Object.prototype': () => Object.prototype,
    'an empty object': () => ({}),
  } as const;

  it('is read as the Blob it is, by its bytes, none of the Proxy traps run (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z0-9{}":,]{0,40}$/),
        fc.constantFrom('Blob', 'File'),
        fc.constantFrom(...(Object.keys(prototypes) as (keyof typeof prototypes)[])),
        async (text, kind, prototype) => {
          const ran: string[] = [];
          const parts = [new TextEncoder().encode(text)];
          const real = kind === 'File' ? new File(parts, 'body.json') : new Blob(parts);
          const body = Object.setPrototypeOf(real, counting(prototypes[prototype](), ran)) as unknown;
          const bytes = await webhookBodyBytes(body, 'liveapi');
          expect(new TextDecoder().decode(bytes)).toBe(text);
          expect(ran, `${kind} ${prototype}`).toEqual([]);
        },
      ),
      {
        examples: [
          ['{"a":1}', 'Blob', 'Blob.prototype'],
          ['{"a":1}', 'File', 'an empty object'],
        ],
      },
    );
  });

  it('is no Blob when only its prototype chain holds one: refused, no trap but getPrototypeOf run', async () => {
    for (const name of readerNames) {
      const ran: string[] = [];
      // An object that inherits from a Proxy of a real Blob: Node's Blob would look its state up through the
      // chain, and the Proxy would answer.
      const body = Object.create(counting(new Blob(['{"a":1}']), ran)) as unknown;
      const error = await readers[name](body).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(
        WebhookVerificationError.isInstance(error) || InvalidInputError.isInstance(error),
        `${name}: ${String(error)}`,
      ).toBe(true);
      // Only its chain is asked (`getPrototypeOf`), as for everything that only passes for bytes.
      expect(
        ran.filter((trap) => trap !== 'getPrototypeOf'),
        name,
      ).toEqual([]);
    }
  });
});

describe('a fetch Request or Response given as the body', () => {
  // Getters of the caller's on the object: none of them may run while it is told.
  const ownGetters = ['then', 'pipe', 'on', 'arrayBuffer', 'text', 'body', 'method', 'status'] as const;

  it('is named as the fetch object it is, saying how to pass its body, no getter of its own run (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'Request' | 'Response'>('Request', 'Response'),
        fc.subarray([...ownGetters]),
        fc.constantFrom(...readerNames),
        async (kind, getters, reader) => {
          const ran: string[] = [];
          const holder =
            kind === 'Request'
              ? new Request('https://app.test/webhooks', { method: 'POST', body: '{"a":1}' })
              : new Response('{"a":1}');
          for (const name of getters) {
            Object.defineProperty(holder, name, {
              get: () => {
                ran.push(name);
                return () => undefined;
              },
            });
          }
          const error = await refusal(() => readers[reader](holder));
          const name = kind.toLowerCase();
          expect(error.message).toContain(`got a fetch ${kind} where the raw request body belongs`);
          expect(error.message).toContain(`await ${name}.arrayBuffer()`);
          if (kind === 'Request') expect(error.message).toContain('handleWebhook');
          expect(error.message).not.toContain('parsed');
          expect(ran).toEqual([]);
        },
      ),
      {
        examples: [
          ['Request', [], 'webhookBodyBytes'],
          ['Response', ['then', 'pipe', 'on'], 'readWebhookBody'],
        ],
      },
    );
  });

  it('is asked nothing when it inherits from a Proxy: no trap but getPrototypeOf runs', async () => {
    for (const name of readerNames) {
      const ran: string[] = [];
      const body = Object.create(
        counting(new Request('https://app.test/', { method: 'POST', body: 'x' }), ran),
      );
      await refusal(() => readers[name](body));
      expect(
        ran.filter((trap) => trap !== 'getPrototypeOf'),
        name,
      ).toEqual([]);
    }
  });
});

describe('a body still to be awaited, of another kind than an object', () => {
  it('names a function with a then as a thenable (a forgotten await), its then never run or read (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('own method', 'own getter', 'inherited method'),
        fc.constantFrom(...readerNames),
        async (how, reader) => {
          let ran = 0;
          const then = () => {
            ran += 1;
          };
          const body = function handler() {};
          if (how === 'own method') Object.assign(body, { then });
          else if (how === 'own getter')
            Object.defineProperty(body, 'then', {
              get: () => {
                ran += 1;
                return then;
              },
            });
          else Object.setPrototypeOf(body, Object.assign(Object.create(Function.prototype), { then }));
          const error = await refusal(() => readers[reader](body));
          expect(error.message).toContain('got a thenable (a function with a then)');
          expect(error.message).toContain('did you forget `await`?');
          expect(error.message).not.toContain('parsed');
          expect(ran).toBe(0);
        },
      ),
      {
        examples: [
          ['own method', 'webhookBodyBytes'],
          ['own getter', 'readWebhookBody'],
        ],
      },
    );
  });

  it("names another realm's Promise as a Promise, never awaited (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Promise.resolve("{}")', 'new Promise(() => {})', 'Promise.reject(new Error("x"))'),
        fc.constantFrom(...readerNames),
        async (made, reader) => {
          const body = runInNewContext(made) as unknown;
          // A rejection of the other realm's is the caller's, handled here so none is left unhandled.
          void Promise.resolve(body).catch(() => undefined);
          const error = await refusal(() => readers[reader](body));
          expect(error.message).toContain('got a Promise where the raw request body belongs');
          expect(error.message).toContain('did you forget `await`?');
        },
      ),
      { examples: [['new Promise(() => {})', 'webhookBodyBytes']] },
    );
  });
});
