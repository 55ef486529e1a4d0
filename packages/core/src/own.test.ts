import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../test/fake-provider.js';
import { createLiveStreamClient } from './client/live-stream-client.js';
import { InvalidInputError, ProviderUnavailableError } from './errors/errors.js';
import { copyError, UniliveError } from './errors/unilive-error.js';
import { copyEvent } from './events/copy-event.js';
import type { LiveStreamEvent } from './events/live-stream-event.js';
import type { ErrorEvent } from './http/hooks.js';
import { createHttpClient } from './http/http-client.js';
import { prototypePollution } from './own.js';
import { createLiveStreamRegistry } from './registry/registry.js';
import { SecretSet } from './secrets.js';

// What a caller hands over is read from its own properties, checked, and what unilive hands back cannot be
// changed by anyone else holding it.

async function failure(run: () => unknown): Promise<UniliveError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(UniliveError.isInstance(caught)).toBe(true);
  return caught as UniliveError;
}

/**
 * An HTTP client of a vendor at `https://api.vendor.test/v1` (a bearer token, no retries) whose every
 * request, redirects followed included, is answered by `answer` in place of the network.
 */
function vendorClient(answer: (request: Request) => Response | Promise<Response>) {
  return createHttpClient({
    provider: 'test-vendor',
    baseUrl: 'https://api.vendor.test/v1',
    headers: () => ({ authorization: 'Bearer t' }),
    secrets: new SecretSet(),
    retry: { maxRetries: 0 },
    fetch: (async (input, init) => answer(new Request(input, init))) as typeof fetch,
  });
}

function pollute<T>(key: string, value: unknown, run: () => T): T {
  Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
  try {
    return run();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[key];
  }
}

describe('client, wait and registry options', () => {
  const provider = () => fakeProvider('vendor-a', { streams: 1 }).provider;

  it('refuses unknown names, naming the nearest valid one, and values of the wrong type', async () => {
    const cases: [unknown, string][] = [
      [{ ratelimit: {} }, 'options.ratelimit (unknown option; did you mean "rateLimit"?)'],
      [{ hooks: { onRequests: () => {} } }, 'hooks.onRequests (unknown option; did you mean "onRequest"?)'],
      [{ hooks: { onerror: () => {} } }, 'hooks.onerror (unknown option; did you mean "onError"?)'],
      [{ hooks: { onError: 'log' } }, 'hooks.onError (expected a function)'],
      [
        { rateLimit: { maxConcurency: 2 } },
        'rateLimit.maxConcurency (unknown option; did you mean "maxConcurrency"?)',
      ],
      [{ hooks: 'x' }, 'options.hooks (expected an object)'],
      ['fast', 'options (expected an object)'],
    ];
    for (const [options, issue] of cases) {
      const error = await failure(() => createLiveStreamClient(provider(), options as never));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.message).toContain(issue);
    }
  });

  it('turns a throwing getter or a Proxy that refuses to list its keys into InvalidInputError', async () => {
    const getter = {
      get onRequest() {
        throw new Error('boom');
      },
    };
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    for (const hooks of [getter, proxy]) {
      const error = await failure(() => createLiveStreamClient(provider(), { hooks: hooks as never }));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toMatch(/^hooks/);
    }
  });

  it('refuses a Map or a class instance for an options object, naming it, where its entries or methods would be lost', async () => {
    class Hooks {
      onRequest() {}
    }
    class Limits {
      requestsPerSecond = 5;
    }
    const kinds = fc.constantFrom(
      ['options', () => new Map([['hooks', {}]]), 'a Map'] as const,
      ['hooks', () => ({ hooks: new Hooks() }), 'an instance of Hooks'] as const,
      ['rateLimit', () => ({ rateLimit: new Limits() }), 'an instance of Limits'] as const,
      ['rateLimit', () => ({ rateLimit: new Map([['requestsPerSecond', 5]]) }), 'a Map'] as const,
    );
    await fc.assert(
      fc.asyncProperty(kinds, fc.constantFrom('client', 'registry'), async ([path, options, named], via) => {
        const error = await failure(() =>
          via === 'client'
            ? createLiveStreamClient(provider(), options() as never)
            : createLiveStreamRegistry(
                (path === 'options'
                  ? new Map([['providers', { a: provider() }]])
                  : { providers: { a: provider() }, ...(options() as object) }) as never,
              ),
        );
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.path).toBe(path);
        expect(error.message).toContain(`not ${named}`);
      }),
    );
    // A plain object, with or without a prototype, of this realm or another's, is taken.
    for (const hooks of [{}, Object.create(null), JSON.parse('{}')]) {
      expect(() => createLiveStreamClient(provider(), { hooks })).not.toThrow();
    }
  });

  it("refuses a Map or a class instance for a start's providerOptions, naming its kind, before the start", async () => {
    class StartOptions {
      constructor(values: Record<string, unknown>) {
        Object.assign(this, values);
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('map', 'class'), async (as) => {
        const fake = fakeProvider('vendor-a', { streams: 1 });
        const [stream] = [...fake.store.values()];
        fake.calls.length = 0;
        const values = { 'vendor-a': {} };
        const providerOptions = as === 'map' ? new Map(Object.entries(values)) : new StartOptions(values);
        const error = await failure(() =>
          createLiveStreamClient(fake.provider).start(stream?.id ?? '', { providerOptions } as never),
        );
        expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.path).toBe('options.providerOptions');
        expect(error.message).toMatch(/^vendor-a start: invalid options: options\.providerOptions \(/);
        expect(error.message).toContain(as === 'map' ? 'not a Map' : 'not an instance of StartOptions');
        expect(fake.calls).toEqual([]);
      }),
    );
  });

  it('reads no option from Object.prototype', async () => {
    const fake = fakeProvider('vendor-a', { streams: 1 });
    let heard = 0;
    const client = pollute('hooks', { onWarning: () => (heard += 1) }, () =>
      pollute('rateLimit', { requestsPerSecond: 'x' }, () => createLiveStreamClient(fake.provider)),
    );
    await client.get('vendora1');
    expect(heard).toBe(0);
  });

  it('checks wait options before any request: strings, numbers for events, null, unknown names', async () => {
    const fake = fakeProvider('vendor-a', { streams: 1 });
    const client = createLiveStreamClient(fake.provider);
    for (const options of ['fast', null, 42, { events: 42 }, { timeout: 5 }, { signal: 'x' }]) {
      const error = await failure(() => client.waitForState('vendora1', 'ready', options as never));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect(error.delivery).toBe('not-sent');
    }
    expect(fake.calls).toEqual([]);
    const error = await failure(() => client.get('vendora1', { signal: 'x' } as never));
    expect(error.message).toContain('options.signal (expected an AbortSignal)');
  });

  it('refuses a registry reference whose provider and id come from Object.prototype', async () => {
    const registry = createLiveStreamRegistry({
      providers: { a: fakeProvider('vendor-a', { streams: 1 }).provider },
    });
    const error = await pollute('provider', 'a', () =>
      pollute('id', 'vendora1', () => failure(() => registry.get({} as never))),
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    const typo = await failure(() =>
      createLiveStreamRegistry({ providers: { a: fakeProvider('vendor-a').provider }, hook: {} } as never),
    );
    expect(typo.message).toContain('did you mean "hooks"?');
  });
});

describe('errors cannot be changed by a hook', () => {
  const unavailable = () =>
    createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({ authorization: 'Bearer token-1234' }),
      secrets: new SecretSet(),
      retry: { maxRetries: 0 },
      fetch: (async () => new Response('{"message":"down"}', { status: 503 })) as typeof fetch,
    });

  it('hands hooks a frozen copy: assigning, freezing or sealing it changes nothing the caller gets', async () => {
    const seen: UniliveError[] = [];
    const tamper = (event: ErrorEvent) => {
      seen.push(event.error);
      const error = event.error as unknown as Record<string, unknown>;
      error.status = 200;
      error.message = 'all good';
      error.delivery = 'not-sent';
      Object.freeze(event.error);
    };
    const error = await failure(() =>
      unavailable().request({
        operation: 'get',
        method: 'GET',
        path: 's',
        options: { runtime: { hooks: { onError: tamper } } },
      }),
    );
    expect(seen[0]).not.toBe(error);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(error.status).toBe(503);
    expect(error.delivery).toBe('unknown');
    expect(error.message).toBe('test-vendor get failed (HTTP 503)');
    expect(() => {
      (error as unknown as { status: number }).status = 200;
    }).toThrow(TypeError);
  });

  it('a registry keeps its bookkeeping whatever a hook does to the error it hears', async () => {
    const failing = fakeProvider('vendor-a');
    failing.script({
      kind: 'fail',
      error: new ProviderUnavailableError({
        provider: 'vendor-a',
        message: 'down',
        status: 503,
        delivery: 'unknown',
      }),
    });
    const registry = createLiveStreamRegistry({
      providers: { a: failing.provider },
      hooks: { onWarning: (event) => Object.freeze(event) },
    });
    const error = await failure(() => registry.create({ name: 'x' }));
    expect(error.providerName).toBe('a');
    expect(error.maybeCreated).toBe(true);
  });
});

describe('a polluted Object.prototype', () => {
  it('makes the HTTP layer send nothing, naming the property, for any name and any JSON value', async () => {
    const name = fc.stringMatching(/^[a-zA-Z_$][\w$]{0,12}$/).filter((key) => !(key in Object.prototype));
    await fc.assert(
      fc.asyncProperty(name, fc.jsonValue({ maxDepth: 2 }), async (key, value) => {
        let sent = 0;
        const http = createHttpClient({
          provider: 'test-vendor',
          baseUrl: 'https://api.vendor.test',
          headers: () => ({}),
          secrets: new SecretSet(),
          fetch: (async () => {
            sent += 1;
            return new Response('{}');
          }) as typeof fetch,
        });
        const error = await pollute(key, value, () =>
          failure(() => http.request({ operation: 'get', method: 'GET', path: 's' })),
        );
        expect(sent).toBe(0);
        expect(error.delivery).toBe('not-sent');
        expect(error.message).toContain(`Object.prototype carries ${JSON.stringify(key)}`);
      }),
      { numRuns: 100 },
    );
    expect(prototypePollution()).toBeUndefined();
  });

  it('sends a GET as a GET whatever `method` String.prototype or URL.prototype carries', async () => {
    // ky takes the method from its input (`input.method`) when none is given, and a GET is handed to ky
    // without one: a `method` on the prototype of the input (a string, or a URL for a query or a redirect
    // followed), which the Object.prototype check does not cover, must not become the request's method.
    const sent: string[] = [];
    const http = vendorClient((request) => {
      sent.push(`${request.method} ${request.url}`);
      if (request.url.endsWith('/old'))
        return new Response(null, { status: 302, headers: { location: '/v1/s/new' } });
      return new Response('{}');
    });
    const paths = [
      { path: 's/a', sent: ['GET https://api.vendor.test/v1/s/a'] },
      { path: 's/a', query: { page: 2 }, sent: ['GET https://api.vendor.test/v1/s/a?page=2'] },
      {
        path: 's/old',
        sent: ['GET https://api.vendor.test/v1/s/old', 'GET https://api.vendor.test/v1/s/new'],
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(String.prototype, URL.prototype),
        fc.constantFrom('DELETE', 'POST', 'PUT', 'PATCH', 'delete'),
        fc.constantFrom(...paths),
        async (prototype, method, { sent: expected, ...request }) => {
          sent.length = 0;
          Object.defineProperty(prototype, 'method', { value: method, configurable: true });
          try {
            await http.request({ operation: 'get', method: 'GET', ...request });
          } finally {
            delete (prototype as { method?: unknown }).method;
          }
          expect(sent).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leaves nothing in a client made while it lasted: once clean, it sends what a clean one sends', async () => {
    // ky merges its settings into plain objects, reading `headers` and `hooks` through their prototype: an
    // HTTP client made during the pollution must not keep any of it for the requests it sends afterwards.
    const kyOptions = ['headers', 'hooks', 'json', 'searchParams', 'body', 'method', 'prefix', 'baseUrl'];
    const name = fc.oneof(
      fc.constantFrom(...kyOptions, 'context', 'retry', 'timeout', 'redirect', 'signal', 'fetch'),
      fc.stringMatching(/^[a-z][a-zA-Z]{0,9}$/).filter((key) => !(key in Object.prototype)),
    );
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(fc.constantFrom('x-polluted', 'authorization', 'accept', 'q'), fc.string()),
    );
    const make = (sent: string[]) =>
      vendorClient(async (request) => {
        const headers = [...request.headers].map(([key, text]) => `${key}: ${text}`).join(', ');
        sent.push(`${request.method} ${request.url} [${headers}] ${await request.text()}`);
        return new Response('{}');
      });
    const calls = (http: ReturnType<typeof createHttpClient>) => [
      () => http.request({ operation: 'get', method: 'GET', path: 's/a', query: { page: 2 } }),
      () => http.request({ operation: 'create', method: 'POST', path: 's', body: { name: 'x', n: [1] } }),
    ];
    const clean: string[] = [];
    for (const call of calls(make(clean))) await call();
    expect(clean).toHaveLength(2);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, value, { minKeys: 1, maxKeys: 3 }), async (pollution) => {
        const sent: string[] = [];
        const restore = Object.keys(pollution).map((key) => {
          Object.defineProperty(Object.prototype, key, { value: pollution[key], configurable: true });
          return () => delete (Object.prototype as Record<string, unknown>)[key];
        });
        let http: ReturnType<typeof createHttpClient> | undefined;
        try {
          try {
            http = make(sent);
          } catch (error) {
            // Some names break the runtime's own URL parser (Node's writes `href`, `port`… onto an object of
            // its own), so no client can be made while they last: the base URL is refused naming the
            // pollution, not as a bad setting.
            expect(InvalidInputError.isInstance(error)).toBe(true);
            expect((error as InvalidInputError).message).toContain('Object.prototype carries');
          }
          // Nothing is sent while it lasts.
          if (http) for (const call of calls(http)) await failure(call);
        } finally {
          for (const undo of restore) undo();
        }
        expect(sent).toEqual([]);
        if (!http) return;
        for (const call of calls(http)) await call();
        expect(sent).toEqual(clean);
      }),
      // `href` breaks Node's URL parser: run first, so that path is taken whatever the draw.
      { numRuns: 60, examples: [[{ href: [] }]] },
    );
    expect(prototypePollution()).toBeUndefined();
  });

  it('reports a polluted prototype before whatever else would end the attempt, and before any event', async () => {
    // However the credentials fail (or do not), with or without an onRequest hook (when the prototype is
    // checked before anything the caller sees happens) and a call deadline already passed or not: the
    // error names the pollution, nothing is sent, no onRequest event is heard.
    const credentials = fc.constantFrom('given', 'async', 'throws', 'rejects', 'unsendable', 'uniliveError');
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-zA-Z]{0,8}$/).filter((key) => !(key in Object.prototype)),
        fc.jsonValue({ maxDepth: 1 }),
        credentials,
        fc.boolean(),
        fc.boolean(),
        async (key, value, kind, withHook, late) => {
          let sent = 0;
          const heard: string[] = [];
          let clock = 1_000;
          const http = createHttpClient({
            provider: 'test-vendor',
            baseUrl: 'https://api.vendor.test',
            totalTimeoutMs: 10,
            headers: () => {
              // A call whose deadline passes while its credentials are read.
              if (late) clock += 100;
              if (kind === 'throws') throw new Error('no key');
              if (kind === 'uniliveError')
                throw new UniliveError({ provider: 'test-vendor', message: 'credentials refused' });
              if (kind === 'rejects') return Promise.reject(new Error('no key'));
              if (kind === 'async') return Promise.resolve({ authorization: 'Bearer t' });
              return { authorization: kind === 'unsendable' ? 'Bearer a\r\nb' : 'Bearer t' };
            },
            secrets: new SecretSet(),
            fetch: (async () => {
              sent += 1;
              return new Response('{}');
            }) as typeof fetch,
          });
          const error = await pollute(key, value, () =>
            failure(() =>
              http.request({
                operation: 'get',
                method: 'GET',
                path: 's',
                options: {
                  runtime: {
                    clock: () => clock,
                    hooks: {
                      ...(withHook ? { onRequest: () => heard.push('request') } : {}),
                      onError: (event) => heard.push(`error ${event.error.message}`),
                    },
                  },
                },
              }),
            ),
          );
          const message = `test-vendor get: Object.prototype carries ${JSON.stringify(key)}, set by code in this process (a polluted prototype): ky and the runtime's fetch read such properties into requests, so nothing was sent`;
          expect(sent).toBe(0);
          expect(error.delivery).toBe('not-sent');
          expect(error.message).toBe(message);
          expect(heard).toEqual([`error ${message}`]);
        },
      ),
      { numRuns: 200 },
    );
    expect(prototypePollution()).toBeUndefined();
  });

  it('sends nothing when the prototype is polluted while an attempt awaits its credentials', async () => {
    for (const key of ['json', 'searchParams', 'method', 'x']) {
      let sent = 0;
      let restore = () => {};
      const http = createHttpClient({
        provider: 'test-vendor',
        baseUrl: 'https://api.vendor.test',
        // Runs after the attempt's first check and before ky is called.
        headers: () => {
          Object.defineProperty(Object.prototype, key, { value: { a: 1 }, configurable: true });
          restore = () => delete (Object.prototype as Record<string, unknown>)[key];
          return { authorization: 'Bearer t' };
        },
        secrets: new SecretSet(),
        fetch: (async () => {
          sent += 1;
          return new Response('{}');
        }) as typeof fetch,
      });
      let error: UniliveError;
      try {
        error = await failure(() => http.request({ operation: 'get', method: 'GET', path: 's' }));
      } finally {
        restore();
      }
      expect(sent).toBe(0);
      expect(error.delivery).toBe('not-sent');
      expect(error.message).toContain(`Object.prototype carries ${JSON.stringify(key)}`);
    }
    expect(prototypePollution()).toBeUndefined();
  });

  it('leaves the copies hooks and subscribers get whole, whatever a property descriptor would inherit', () => {
    // `Object.defineProperty` reads `get`, `set`, `value` and the flags through the descriptor's prototype:
    // a descriptor written as a literal gained a polluted `get` and threw.
    const event = {
      provider: 'vendor-a',
      type: 'stream.state',
      id: 's1',
      occurredAt: new Date(0),
      data: { nested: { list: [1, { deep: 'x' }] } },
      raw: { body: 'b' },
    } as unknown as LiveStreamEvent;
    const error = new UniliveError({ provider: 'vendor-a', operation: 'get', message: 'failed' });
    for (const key of ['get', 'set', 'value', 'writable', 'enumerable', 'configurable']) {
      for (const value of [{ a: 1 }, true, 'x', 0]) {
        const [eventCopy, errorCopy] = pollute(
          key,
          value,
          () => [copyEvent(event), copyError(error)] as const,
        );
        expect(eventCopy).toEqual(event);
        expect(eventCopy).not.toBe(event);
        expect(errorCopy.stack).toBe(error.stack);
        expect(errorCopy.message).toBe(error.message);
        expect(Object.getOwnPropertyDescriptor(eventCopy, 'data')).toMatchObject({
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
    expect(prototypePollution()).toBeUndefined();
  });

  it('counts methods a polyfill adds as no pollution', () => {
    pollute(
      'polyfilled',
      () => 1,
      () => expect(prototypePollution()).toBeUndefined(),
    );
  });
});
