import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { type Encoding, encodings, everything, leaks, secrets } from '../../test/leak-views.js';
import {
  ConflictError,
  createHttpClient,
  createLiveStreamClient,
  createLiveStreamRegistry,
  type HttpHooks,
  InvalidInputError,
  type LiveStream,
  type LiveStreamProvider,
  lockFields,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  type RequestEvent,
  ResponseShapeError,
  SecretSet,
  TimeoutError,
  UniliveError,
  type UniliveErrorOptions,
  type Warning,
} from '../index.js';
import { maxProviderSecretValues } from '../provider-secrets.js';

// A provider from outside this repository: any object implementing LiveStreamProvider, whose errors and
// warnings may hold its own secrets() (it never gave them to the errors it built). Whatever it hands back
// must reach the caller, the hooks and the registry's warnings masked, in every encoding.

/** An error class an outside adapter defines, with a field of its own. */
class VendorQuotaError extends UniliveError {
  static override readonly kind: string = 'VendorQuotaError';
  readonly details: { account: string; notes: string[] };
  constructor(options: UniliveErrorOptions & { details: { account: string; notes: string[] } }) {
    super(options);
    this.details = options.details;
    lockFields(this);
  }
}

const places = ['message', 'vendorMessage', 'issues', 'cause', 'cause-chain', 'details'] as const;
type Place = (typeof places)[number];
const classes = [
  'UniliveError',
  'NotFoundError',
  'InvalidInputError',
  'Conflict',
  'RateLimit',
  'Unavailable',
  'Timeout',
  'ResponseShape',
  'VendorQuota',
] as const;

/** The error an outside provider throws, holding `text` at `place`; built without its secrets. */
function outsideError(kind: (typeof classes)[number], place: Place, text: string, operation: string) {
  const options: UniliveErrorOptions = {
    provider: 'outside',
    operation,
    status: 409,
    vendorCode: 'E_QUOTA',
    delivery: 'refused',
    message: place === 'message' ? `outside ${operation} failed for ${text}` : `outside ${operation} failed`,
    ...(place === 'vendorMessage' ? { vendorMessage: `vendor said: ${text}` } : {}),
    ...(place === 'cause' ? { cause: new Error(`socket said ${text}`) } : {}),
    ...(place === 'cause-chain'
      ? {
          cause: new ConflictError({
            provider: 'outside',
            message: 'inner failure',
            cause: new Error('deeper', { cause: new Error(`deepest ${text}`) }),
          }),
        }
      : {}),
  };
  const issues =
    place === 'issues' ? [{ path: 'name', message: `refused ${text}`, expected: `not ${text}` }] : [];
  switch (kind) {
    case 'NotFoundError':
      return new NotFoundError(options);
    case 'InvalidInputError':
      return new InvalidInputError({ ...options, issues });
    case 'Conflict':
      return new ConflictError(options);
    case 'RateLimit':
      return new RateLimitError({ ...options, retryAfterMs: 1000 });
    case 'Unavailable':
      return new ProviderUnavailableError(options);
    case 'Timeout':
      return new TimeoutError({ ...options, lastState: 'starting' });
    case 'ResponseShape':
      return new ResponseShapeError({ ...options, issues });
    case 'VendorQuota':
      return new VendorQuotaError({
        ...options,
        details: { account: 'acct', notes: place === 'details' ? [`quota for ${text}`] : ['none'] },
      });
    default:
      return new UniliveError(options);
  }
}

type SecretsShape = 'fresh-list' | 'same-list' | 'secret-set';

/** An outside provider whose every call throws `error`, and whose secrets() holds `secret`. */
function throwingProvider(secret: string, error: () => Error, shape: SecretsShape): LiveStreamProvider {
  const base = fakeProvider('outside', { streams: 1 }).provider;
  const fail = async () => {
    throw error();
  };
  const list = [secret];
  const set = new SecretSet();
  set.add(secret);
  return {
    ...base,
    secrets: () => (shape === 'fresh-list' ? [secret] : shape === 'same-list' ? list : set.values()),
    create: fail,
    get: fail,
    update: fail,
    delete: fail,
    start: fail,
    stop: fail,
    // biome-ignore lint/correctness/useYield: a list that fails at its first step
    list: async function* () {
      throw error();
    },
  };
}

const calls = {
  get: (client: ReturnType<typeof createLiveStreamClient>) => client.get('s1'),
  create: (client: ReturnType<typeof createLiveStreamClient>) => client.create({ name: 'n' }),
  update: (client: ReturnType<typeof createLiveStreamClient>) => client.update('s1', { name: 'n' }),
  delete: (client: ReturnType<typeof createLiveStreamClient>) => client.delete('s1'),
  start: (client: ReturnType<typeof createLiveStreamClient>) => client.start('s1'),
  stop: (client: ReturnType<typeof createLiveStreamClient>) => client.stop('s1'),
  list: (client: ReturnType<typeof createLiveStreamClient>) => client.list().toArray(),
  waitForState: (client: ReturnType<typeof createLiveStreamClient>) =>
    client.waitForState('s1', 'ready', { timeoutMs: 60_000 }),
};

/** A client an application wrote itself, which passes on what its provider throws as it is. */
function passThroughClient(provider: LiveStreamProvider) {
  const made = createLiveStreamClient(provider);
  return {
    provider,
    providerId: provider.id,
    capabilities: provider.capabilities,
    create: made.create.bind(made),
    get: made.get.bind(made),
    update: made.update.bind(made),
    delete: made.delete.bind(made),
    start: made.start.bind(made),
    stop: made.stop.bind(made),
    waitForState: made.waitForState.bind(made),
    waitForBroadcast: made.waitForBroadcast.bind(made),
    list: () => ({
      [Symbol.asyncIterator]: () => provider.list()[Symbol.asyncIterator](),
      toArray: async () => [],
    }),
  };
}

async function failure(run: () => Promise<unknown>): Promise<UniliveError> {
  try {
    await run();
  } catch (error) {
    return error as UniliveError;
  }
  throw new Error('the call succeeded');
}

/** What `run` rejects with, or undefined when it resolves (for a test that asserts the kind itself). */
function rejection(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

const anEncoding = fc.constantFrom(...(Object.keys(encodings) as Encoding[]));
const aSecretsShape = fc.constantFrom<SecretsShape>('fresh-list', 'same-list', 'secret-set');

// What inspection with hidden fields shows of any outside error's copy, whatever it holds: its own printers,
// `isRetryable`, `cause` and class stand-in (`constructor`), and the names of its fields.
const copyVocabulary =
  'constructor toString valueOf toJSON isRetryable prototype Symbol(Symbol.toPrimitive) Symbol(Symbol.toStringTag)';

/** Drops a generated secret that the fixed text of a case holds already: no masking could tell the two apart. */
function assumeNotIn(text: string, secret: string): void {
  fc.pre(leaks(`${text} ${copyVocabulary}`, secret).length === 0);
}

/** Fails when any encoding of `secret` shows in anything reachable from `value`. */
function expectMasked(value: unknown, secret: string): void {
  expect(leaks(everything(value), secret)).toEqual([]);
}

/** An outside provider with calls of its own; the rest throw, and its secrets() holds `secret`. */
function outsideProvider(
  secret: string,
  shape: SecretsShape,
  own: Partial<LiveStreamProvider>,
): LiveStreamProvider {
  return { ...throwingProvider(secret, () => new Error('unused'), shape), ...own };
}

/** The one stream an outside provider's calls answer with. */
function outsideStream(): Promise<LiveStream> {
  return fakeProvider('outside', { streams: 1 }).provider.get('outside1');
}

/** Hooks named in `names`, each recording the event it hears in `heard`, in order. */
function recording(...names: (keyof HttpHooks)[]): { heard: unknown[]; hooks: HttpHooks } {
  const heard: unknown[] = [];
  const hooks = Object.fromEntries(names.map((name) => [name, (event: unknown) => heard.push(event)]));
  return { heard, hooks: hooks as HttpHooks };
}

describe('an outside provider', () => {
  it('throws its own secrets, in any encoding and any field, and the client masks them by its secrets()', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(...places),
        fc.constantFrom(...classes),
        fc.constantFrom(...(Object.keys(calls) as (keyof typeof calls)[])),
        aSecretsShape,
        async (secret, encoding, place, kind, call, shape) => {
          const errorOperation = call === 'waitForState' ? 'get' : call;
          // The same error without the secret: what the caller should see of it, but for the masking.
          const control = everything(outsideError(kind, place, 'PLACEHOLDER', errorOperation));
          assumeNotIn(control, secret);
          const thrown = outsideError(kind, place, encodings[encoding](secret), errorOperation);
          fc.pre(leaks(everything(thrown), secret).length > 0);
          const { hooks } = recording('onError', 'onRetry');
          const provider = throwingProvider(secret, () => thrown, shape);
          const client = createLiveStreamClient(provider, { hooks });
          const error = await failure(() => calls[call](client));
          expectMasked(error, secret);
          // Its class and what says what failed are the provider's, unchanged.
          expect(Object.getPrototypeOf(error)).toBe(Object.getPrototypeOf(thrown));
          expect({
            name: error.name,
            status: error.status,
            provider: error.provider,
            operation: error.operation,
            delivery: error.delivery,
            vendorCode: error.vendorCode,
            retryAfterMs: error.retryAfterMs,
            isRetryable: error.isRetryable,
          }).toEqual({
            name: thrown.name,
            status: thrown.status,
            provider: thrown.provider,
            operation: call,
            delivery: thrown.delivery,
            vendorCode: thrown.vendorCode,
            retryAfterMs: thrown.retryAfterMs,
            isRetryable: thrown.isRetryable,
          });
          expect(error.message).toContain(`outside ${errorOperation} failed`);
          expect(error.message.includes('[REDACTED]')).toBe(place === 'message');
          if (error instanceof VendorQuotaError) expect(error.details.account).toBe('acct');
          if (error instanceof TimeoutError) expect(error.lastState).toBe('starting');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('calls the hooks it is handed itself with its secrets, and the caller hears every event masked', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, anEncoding, aSecretsShape, async (secret, encoding, shape) => {
        const shown = encodings[encoding](secret);
        assumeNotIn(
          'outside get GET https://api.outside.test/streams/s1 req- refused went through fallback HTTP 503 for ConflictError',
          secret,
        );
        const provider = outsideProvider(secret, shape, {
          async get(id, options) {
            const hooks = options?.runtime?.hooks;
            const error = new ConflictError({
              provider: 'outside',
              operation: 'get',
              message: `refused ${shown}`,
            });
            const request = {
              provider: 'outside',
              operation: 'get',
              method: 'GET',
              url: `https://api.outside.test/streams/${shown}`,
              attempt: 1,
            };
            hooks?.onRequest?.(request);
            hooks?.onResponse?.({ ...request, status: 200, durationMs: 3, requestId: `req-${shown}` });
            hooks?.onError?.({ ...request, error });
            hooks?.onRetry?.({
              ...request,
              url: 'https://api.outside.test/streams/s1',
              delayMs: 100,
              reason: `HTTP 503 for ${shown}`,
              error,
            });
            hooks?.onWarning?.({
              provider: 'outside',
              operation: 'get',
              warning: { type: 'fallback', message: `went through ${shown}` },
            });
            return { ...(await fakeProvider('outside', { streams: 1 }).provider.get(id)) };
          },
        });
        const { heard, hooks } = recording('onRequest', 'onResponse', 'onError', 'onRetry', 'onWarning');
        const client = createLiveStreamClient(provider, { hooks });
        await client.get('outside1');
        // The provider is handed no `onError`: the call resolved, so no failure of it is heard.
        expect(heard).toHaveLength(4);
        expectMasked(heard, secret);
        expect(heard).toMatchObject([
          { provider: 'outside', operation: 'get', method: 'GET', attempt: 1 },
          { provider: 'outside', operation: 'get', method: 'GET', attempt: 1, status: 200, durationMs: 3 },
          {
            provider: 'outside',
            operation: 'get',
            delayMs: 100,
            reason: 'HTTP 503 for [REDACTED]',
            error: { name: 'ConflictError' },
          },
          { provider: 'outside', operation: 'get', warning: { type: 'fallback' } },
        ]);
      }),
      { numRuns: 150 },
    );
  });

  it("raises events through this library's HTTP layer set up with fewer secrets, or from inside a hook being called, and the caller hears them masked", async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        aSecretsShape,
        fc.constantFrom('http-layer', 'inside-a-hook'),
        async (secret, encoding, shape, route) => {
          const shown = encodings[encoding](secret);
          assumeNotIn('outside get GET https://api.outside.test/v1/ /streams/outside1 req-', secret);
          const stream = await outsideStream();
          const provider = outsideProvider(secret, shape, {
            // Its HTTP layer knows none of its secrets: the key rides in the path, where no shape finds it.
            async get(id, options) {
              const http = createHttpClient({
                provider: 'outside',
                baseUrl: 'https://api.outside.test',
                headers: () => ({}),
                secrets: new SecretSet(),
                retry: { maxRetries: 0 },
                fetch: (async () =>
                  new Response('{}', {
                    status: 200,
                    headers: { 'x-request-id': `req-${encodeURIComponent(shown)}` },
                  })) as typeof fetch,
              });
              await http.request({
                operation: 'get',
                method: 'GET',
                path: `v1/${shown}/streams/${id}`,
                options,
              });
              return stream;
            },
          });
          const { heard, hooks } = recording('onRequest', 'onResponse');
          if (route === 'http-layer') {
            await createLiveStreamClient(provider, { hooks }).get('outside1');
          } else {
            // Another client's request event is being handed to a hook when this provider raises its own.
            const raising = outsideProvider(secret, shape, {
              get(id, options) {
                const request = { provider: 'outside', operation: 'get', method: 'GET', attempt: 1 };
                options?.runtime?.hooks?.onRequest?.({
                  ...request,
                  url: `https://api.outside.test/v1/${shown}`,
                });
                return Promise.resolve({ ...stream, id });
              },
            });
            const inner = createLiveStreamClient(raising, { hooks });
            let pending: Promise<unknown> | undefined;
            const outer = createLiveStreamClient(provider, {
              hooks: {
                onRequest: () => {
                  pending ??= inner.get('outside1');
                },
              },
            });
            await outer.get('outside1');
            await pending;
          }
          expect(heard.length).toBeGreaterThan(0);
          expectMasked(heard, secret);
          expect(heard[0]).toMatchObject({
            provider: 'outside',
            operation: 'get',
            method: 'GET',
            attempt: 1,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  // An error built with the provider's own secrets was taken as masked already, whatever was added to it
  // after: a wrapper's `error.debugContext = { streamKey }` reached the caller in plain text (an outside
  // probe of the contract suite; a logger copying an error's own fields would have written the key).
  it('adds a field holding its secret to an error built with its own secrets, and the caller sees it masked', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom('plain field', 'nested field', 'symbol field'),
        fc.constantFrom('get', 'create', 'update', 'delete', 'start', 'stop' as const),
        async (secret, encoding, where, call) => {
          const shown = encodings[encoding](secret);
          const set = new SecretSet();
          set.add(secret);
          const provider: LiveStreamProvider = {
            ...throwingProvider(secret, () => new Error('unused'), 'fresh-list'),
            secrets: () => set.values(),
          };
          const fail = async () => {
            const error = new NotFoundError({
              provider: 'outside',
              message: 'gone',
              status: 404,
              secrets: set,
            });
            const fields = error as unknown as Record<PropertyKey, unknown>;
            if (where === 'plain field') fields.debugContext = shown;
            else if (where === 'nested field') fields.debugContext = { request: { streamKey: shown } };
            else fields[Symbol('context')] = [shown];
            throw error;
          };
          Object.assign(provider, {
            get: fail,
            create: fail,
            update: fail,
            delete: fail,
            start: fail,
            stop: fail,
          });
          const client = createLiveStreamClient(provider);
          const caught = await calls[call](client).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(NotFoundError.isInstance(caught)).toBe(true);
          const seen = [
            everything(caught),
            ...Reflect.ownKeys(caught as object).map((key) =>
              everything((caught as Record<PropertyKey, unknown>)[key]),
            ),
          ].join('\n');
          expect(leaks(seen, secret)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });

  // Its error printed itself with a toJSON or an inspection of its own (own fields, or its class's), which
  // showed a key no field held; and the caller was handed the provider's own object, which the provider
  // changed afterwards or answered through a proxy otherwise at the next read (an outside probe).
  it('prints its error its own way, changes it after throwing or throws a proxy, and the caller still sees no secret', async () => {
    class SelfPrinting extends ProviderUnavailableError {
      static override readonly kind: string = 'SelfPrinting';
      override toJSON() {
        return { ...super.toJSON(), context: printed };
      }
      override toString() {
        return `SelfPrinting ${printed}`;
      }
      [inspect.custom]() {
        return `SelfPrinting(${printed})`;
      }
    }
    let printed = '';
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(
          'own toJSON',
          'own inspection',
          'own toString',
          'its class prints',
          'changed after',
          'a proxy',
        ),
        fc.constantFrom('client', 'registry'),
        async (secret, encoding, how, through) => {
          const shown = encodings[encoding](secret);
          printed = shown;
          let thrown: object | undefined;
          const make = (): object => {
            if (how === 'its class prints')
              return new SelfPrinting({ provider: 'outside', operation: 'get', message: 'failed' });
            const error = new ProviderUnavailableError({
              provider: 'outside',
              operation: 'get',
              message: 'failed',
            });
            const fields = error as unknown as Record<PropertyKey, unknown>;
            if (how === 'own toJSON') fields.toJSON = () => ({ context: shown });
            else if (how === 'own inspection') fields[inspect.custom] = () => `context ${shown}`;
            else if (how === 'own toString') fields.toString = () => `context ${shown}`;
            else if (how === 'changed after') queueMicrotask(() => Object.assign(error, { context: shown }));
            else {
              let reads = 0;
              return new Proxy(error, {
                get: (target, key, receiver) =>
                  key === 'context'
                    ? reads++ === 0
                      ? 'harmless'
                      : shown
                    : Reflect.get(target, key, receiver),
              });
            }
            return error;
          };
          const provider: LiveStreamProvider = {
            ...throwingProvider(secret, () => new Error('unused'), 'fresh-list'),
            get: async () => {
              thrown = make();
              throw thrown;
            },
          };
          const { heard, hooks } = recording('onError');
          const caller =
            through === 'client'
              ? createLiveStreamClient(provider, { hooks })
              : createLiveStreamRegistry({ providers: { a: provider }, hooks });
          const caught = await caller.get(through === 'client' ? 's1' : 'a:s1').then(
            () => undefined,
            (error: unknown) => error,
          );
          await new Promise((resolve) => setTimeout(resolve, 0));
          expect(ProviderUnavailableError.isInstance(caught)).toBe(true);
          // The caller's own copy: what the provider does to its object after is not the caller's.
          expect(caught).not.toBe(thrown);
          const fields = caught as Record<PropertyKey, unknown>;
          const seen = [
            everything(caught),
            String(caught),
            `${caught}`,
            String(fields.context),
            String(fields.context),
            ...Reflect.ownKeys(caught as object).map((key) => everything(fields[key])),
            everything(heard),
          ].join('\n');
          expect(leaks(seen, secret)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('hides its secrets where a copy of fields misses them, and the client masks them all the same', async () => {
    const hidings = [
      'accessor',
      'errors',
      'map',
      'set',
      'instance',
      'operation',
      'provider',
      'trapping-proxy',
      'itself',
      'each-other',
    ] as const;
    class Details {
      constructor(readonly account: string) {}
    }
    const hidden = (place: (typeof hidings)[number], text: string): Error => {
      const options = {
        provider: place === 'provider' ? `outside ${text}` : 'outside',
        operation: place === 'operation' ? `get ${text}` : 'get',
        status: 503,
        delivery: 'unknown' as const,
        message: ['trapping-proxy', 'itself', 'each-other'].includes(place) ? `failed for ${text}` : 'failed',
      };
      const error = new ProviderUnavailableError(options);
      const field = (value: unknown) =>
        Object.defineProperty(error, 'details', { value, enumerable: true, configurable: true });
      if (place === 'accessor')
        Object.defineProperty(error, 'details', { get: () => `quota for ${text}`, enumerable: true });
      if (place === 'errors') field([new Error(`one attempt said ${text}`)]);
      if (place === 'map') field(new Map([['account', text]]));
      if (place === 'set') field(new Set([`account ${text}`]));
      if (place === 'instance') field(new Details(text));
      // A field that leads back to the error: followed for ever, it would end the masking in a stack overflow.
      if (place === 'itself') field(error);
      if (place === 'each-other') {
        const other = new ProviderUnavailableError({ ...options, message: `other ${text}` });
        Object.defineProperty(other, 'details', { value: [error], enumerable: true });
        field([other]);
      }
      if (place !== 'trapping-proxy') return error;
      // It answers every read but refuses to describe its stack: what it refuses us it gives the caller.
      return new Proxy(error, {
        getOwnPropertyDescriptor(target, key) {
          if (key === 'stack') throw new Error('no');
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
      });
    };
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        aSecretsShape,
        fc.constantFrom(...hidings),
        async (secret, encoding, shape, place) => {
          assumeNotIn('outside get failed for quota one attempt said account could not be read', secret);
          const provider = throwingProvider(secret, () => hidden(place, encodings[encoding](secret)), shape);
          const thrown = await rejection(() => createLiveStreamClient(provider).get('s1'));
          expect(thrown).toBeInstanceOf(UniliveError);
          expectMasked(thrown, secret);
          if (place === 'trapping-proxy') return;
          expect(thrown).toBeInstanceOf(ProviderUnavailableError);
          expect(thrown).toMatchObject({ status: 503, delivery: 'unknown' });
          if (place !== 'provider') expect(thrown).toMatchObject({ provider: 'outside' });
          if (place !== 'operation') expect(thrown).toMatchObject({ operation: 'get' });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('puts its secrets under a field named __proto__ or in a Set, and the masked copy keeps each field and item', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        aSecretsShape,
        fc.array(fc.constantFrom('plain note', 'other note', 'third note'), { maxLength: 5 }),
        async (secret, encoding, shape, notes) => {
          assumeNotIn('outside get failed plain other third note', secret);
          const shown = encodings[encoding](secret);
          const details = JSON.parse(
            `{"__proto__":{"account":${JSON.stringify(shown)}},"notes":${JSON.stringify(notes)}}`,
          ) as Record<string, unknown>;
          const items = new Set<string>(notes);
          const error = () => {
            const thrown = new ProviderUnavailableError({
              provider: 'outside',
              operation: 'get',
              status: 503,
              delivery: 'unknown',
              message: 'failed',
            });
            Object.defineProperty(thrown, 'details', {
              value: details,
              enumerable: true,
              configurable: true,
            });
            Object.defineProperty(thrown, 'items', {
              value: new Set([...items, `account ${shown}`]),
              enumerable: true,
              configurable: true,
            });
            return thrown;
          };
          const thrown = (await rejection(() =>
            createLiveStreamClient(throwingProvider(secret, error, shape)).get('s1'),
          )) as { details: object; items: Set<string> } | undefined;
          expectMasked(thrown, secret);
          const copy = thrown?.details as Record<string, unknown>;
          expect(Object.keys(copy)).toEqual(['__proto__', 'notes']);
          expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
          // A copy too: the provider still holds the list it nested.
          expect(copy.notes).toEqual(details.notes);
          expect(copy.notes).not.toBe(details.notes);
          expect(thrown?.items).toBeInstanceOf(Set);
          expect([...(thrown?.items ?? [])].slice(0, items.size)).toEqual([...items]);
          expect(thrown?.items.size).toBe(items.size + 1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keys a field of its error by a secret, nested or its own, and the masked copy keeps every field under a masked name', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        aSecretsShape,
        fc.boolean(),
        async (secret, encoding, shape, clash) => {
          assumeNotIn('outside get failed expired tokens other REDACTED', secret);
          const shown = encodings[encoding](secret);
          // A record keyed by the secret, beside (when `clash`) a field already named as the mask would be.
          const tokens: Record<string, string> = { other: 'fine', [shown]: 'expired' };
          if (clash) tokens['[REDACTED]'] = 'taken';
          const error = () => {
            const thrown = new ProviderUnavailableError({
              provider: 'outside',
              operation: 'get',
              status: 503,
              delivery: 'unknown',
              message: 'failed',
            });
            for (const [key, value] of [
              ['details', { tokens }],
              [shown, 'own field'],
            ] as const)
              Object.defineProperty(thrown, key, { value, enumerable: true, configurable: true });
            return thrown;
          };
          const thrown = (await rejection(() =>
            createLiveStreamClient(throwingProvider(secret, error, shape)).get('s1'),
          )) as (UniliveError & { details: { tokens: Record<string, string> } }) | undefined;
          expect(thrown).toBeInstanceOf(ProviderUnavailableError);
          expectMasked(thrown, secret);
          // A logger copying the error's own fields prints their names too.
          expect(leaks(JSON.stringify({ ...thrown }), secret)).toEqual([]);
          const copy = thrown?.details.tokens ?? {};
          expect(Object.keys(copy)).toHaveLength(Object.keys(tokens).length);
          expect(Object.values(copy).sort()).toEqual(Object.values(tokens).sort());
          expect(copy.other).toBe('fine');
          if (clash) expect(copy['[REDACTED]']).toBe('taken');
          expect(Object.values(thrown ?? {})).toContain('own field');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('holds its secrets where only an inspection shows them, and the caller sees them masked there too', async () => {
    // Each place a field of the error can hold text that no own string field shows: `make` builds the field
    // holding `shown`, `texts` what of the masked field could still show it (bytes read back as text).
    const utf8 = (value: unknown) =>
      ArrayBuffer.isView(value)
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
        : value instanceof ArrayBuffer
          ? Buffer.from(value).toString('utf8')
          : typeof value === 'string'
            ? value
            : '';
    const places = {
      'array named field': (shown: string) => Object.assign(['expired'], { [shown]: 'expired', note: shown }),
      // `map` and `slice` build their copy with the constructor an array names: this one names a text.
      'array naming its constructor': (shown: string) => Object.assign([shown], { constructor: shown }),
      'symbol-keyed value': (shown: string) => ({ [Symbol('token')]: shown }),
      'symbol key': (shown: string) => ({ [Symbol(shown)]: 'expired' }),
      URL: (shown: string) => new URL(`https://api.outside.test/streams?token=${encodeURIComponent(shown)}`),
      URLSearchParams: (shown: string) => new URLSearchParams({ token: shown }),
      Headers: (shown: string) => new Headers({ authorization: `Bearer ${shown}` }),
      'boxed string': (shown: string) => new String(`token ${shown}`),
      RegExp: (shown: string) => new RegExp(shown.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
      Buffer: (shown: string) => Buffer.from(`token=${shown}`),
      Uint8Array: (shown: string) => new TextEncoder().encode(`token=${shown}`),
      ArrayBuffer: (shown: string) => new TextEncoder().encode(`token=${shown}`).buffer,
      DataView: (shown: string) => new DataView(new TextEncoder().encode(`token=${shown}`).buffer),
      'symbol value': (shown: string) => ({ tag: Symbol(shown) }),
      'boxed symbol': (shown: string) => ({ tag: Object(Symbol(shown)) }),
      'inherited field': (shown: string) => Object.create({ token: shown, note: 'defaults' }),
      'function named by it': (shown: string) => ({
        handler: Object.defineProperty(() => {}, 'name', { value: `handle ${shown}` }),
      }),
      'bytes that are no UTF-8': (shown: string) =>
        Uint8Array.from([0xff, ...Buffer.from(`token=${shown}`, 'latin1')]),
    } as const;
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(...(Object.keys(places) as (keyof typeof places)[])),
        fc.constantFrom('details' as const, 'own symbol' as const),
        async (secret, encoding, place, where) => {
          assumeNotIn('outside get failed expired token note authorization Bearer api.outside.test', secret);
          const shown = encodings[encoding](secret);
          let field: unknown;
          try {
            field = places[place](shown);
          } catch {
            // A secret such a built-in cannot hold (a newline in a header value) is no case of it.
            fc.pre(false);
          }
          fc.pre(place !== 'bytes that are no UTF-8' || /^[\x20-\xff]*$/.test(shown));
          const key = where === 'details' ? 'details' : Symbol(`field ${shown}`);
          const thrown = (await rejection(() =>
            createLiveStreamClient(
              throwingProvider(
                secret,
                () => {
                  const error = new ProviderUnavailableError({
                    provider: 'outside',
                    operation: 'get',
                    status: 503,
                    delivery: 'unknown',
                    message: 'failed',
                  });
                  Object.defineProperty(error, key, { value: field, enumerable: true, configurable: true });
                  return error;
                },
                'fresh-list',
              ),
            ).get('s1'),
          )) as UniliveError | undefined;
          expect(thrown).toBeInstanceOf(ProviderUnavailableError);
          expectMasked(thrown, secret);
          const keys = Reflect.ownKeys(thrown ?? {});
          for (const own of keys) {
            expect(leaks(String(own), secret)).toEqual([]);
            const value = (thrown as unknown as Record<PropertyKey, unknown>)[own];
            expect(leaks(utf8(value), secret)).toEqual([]);
            if (value !== null && typeof value === 'object') {
              const inners: PropertyKey[] = [...Reflect.ownKeys(value)];
              // What `for…in` shows of it, inherited fields included.
              for (const inner in value) inners.push(inner);
              for (const inner of inners) {
                const item = (value as Record<PropertyKey, unknown>)[inner];
                expect(leaks(String(inner), secret)).toEqual([]);
                expect(leaks(utf8(item), secret)).toEqual([]);
                if (typeof item === 'symbol' || item instanceof Symbol)
                  expect(leaks(String(item.valueOf()), secret)).toEqual([]);
                if (typeof item === 'function') expect(leaks(item.name, secret)).toEqual([]);
              }
            }
          }
          // The field is still there, under its name or a masked one.
          expect(keys.filter((own) => typeof own === 'symbol' || own === 'details').length).toBeGreaterThan(
            0,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("puts its secrets in a warning's other fields or an event's operation or own fields, and the caller sees them masked", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, anEncoding, aSecretsShape, async (secret, encoding, shape) => {
        const shown = encodings[encoding](secret);
        assumeNotIn('outside get GET https://api.outside.test/ fallback went through', secret);
        const stream = await outsideStream();
        const warning = { type: 'fallback', message: 'went through', detail: `via ${shown}` } as Warning;
        const provider = outsideProvider(secret, shape, {
          async get(_id, options) {
            const hooks = options?.runtime?.hooks;
            // With a field of its own: the headers it sent.
            hooks?.onRequest?.({
              provider: 'outside',
              operation: `get ${shown}`,
              method: 'GET',
              url: 'https://api.outside.test/',
              attempt: 1,
              headers: { 'x-account': [`acct ${shown}`] },
            } as RequestEvent);
            hooks?.onWarning?.({ provider: 'outside', operation: `get ${shown}`, warning });
            return { ...stream, warnings: [warning] };
          },
        });
        const { heard, hooks } = recording('onRequest', 'onWarning');
        const client = createLiveStreamClient(provider, { hooks });
        const got = await client.get('outside1');
        expect(heard).toHaveLength(3);
        expectMasked([heard, got], secret);
        expect(got.warnings).toMatchObject([{ type: 'fallback', message: 'went through' }]);
      }),
      { numRuns: 100 },
    );
  });

  it('answers secrets() with an endless iterable, and the call ends with its error masked by the values read', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, fc.integer({ min: 0, max: 5 }), async (secret, before) => {
        assumeNotIn('outside get failed for', secret);
        let read = 0;
        const provider: LiveStreamProvider = {
          ...throwingProvider(
            secret,
            () =>
              new ConflictError({ provider: 'outside', operation: 'get', message: `failed for ${secret}` }),
            'fresh-list',
          ),
          // An endless generator, which stops the test rather than the machine once far past any cap.
          // Each answer a generator of its own (a client asks once when it is made, and again to mask): `read`
          // is the most any one of them was read.
          secrets: () =>
            (function* () {
              for (let mine = 1; ; mine += 1) {
                read = Math.max(read, mine);
                if (mine > 10 * maxProviderSecretValues) throw new Error('read without end');
                yield mine === before + 1 ? secret : `other-value-${mine}`;
              }
            })() as unknown as string[],
        };
        const thrown = await rejection(() => createLiveStreamClient(provider).get('s1'));
        expect(thrown).toBeInstanceOf(ConflictError);
        expectMasked(thrown, secret);
        expect(read).toBeLessThanOrEqual(maxProviderSecretValues);
      }),
      { numRuns: 3 },
    );
  });

  it('returns warnings of odd shapes holding its secrets: a client refuses the answer, masked; a registry over a client written elsewhere carries them masked', async () => {
    const shapes = {
      'a bare string': (text: string) => `kept ${text}`,
      'a list of strings': (text: string) => [`kept ${text}`],
      'an object message': (text: string) => [{ type: 'fallback', message: { text: `kept ${text}` } }],
      'a nested field': (text: string) => [{ type: 'fallback', message: 'kept', detail: { notes: [text] } }],
    } as const;
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        aSecretsShape,
        fc.constantFrom(...(Object.keys(shapes) as (keyof typeof shapes)[])),
        async (secret, encoding, shape, warningShape) => {
          assumeNotIn('outside kept fallback', secret);
          const stream = await outsideStream();
          const answer = () =>
            ({
              ...stream,
              warnings: shapes[warningShape](encodings[encoding](secret)),
            }) as unknown as LiveStream;
          const provider = outsideProvider(secret, shape, {
            get: async () => answer(),
            create: async () => answer(),
          });
          const { heard, hooks } = recording('onWarning');
          const client = createLiveStreamClient(provider, { hooks });
          // A client written elsewhere whose get hands on the provider's answer as it came.
          const handWritten = { ...passThroughClient(provider), get: (id: string) => provider.get(id) };
          const registry = createLiveStreamRegistry({ providers: { a: handWritten } });
          // A client hands on only warnings of the documented shape: any other answer is the provider's
          // mistake, named by the field, its text masked as every error's is.
          const refused = await Promise.all([
            client.get('outside1').then(
              () => undefined,
              (error: unknown) => error,
            ),
            client.create({ name: 'n' }).then(
              () => undefined,
              (error: unknown) => error,
            ),
          ]);
          if (warningShape === 'a nested field') {
            // A warning of the documented shape with a field it does not document: the copy keeps the
            // documented ones.
            for (const [index, got] of (
              await Promise.all([client.get('outside1'), client.create({ name: 'n' })])
            ).entries())
              expect(got.warnings, `call ${index}`).toEqual([{ type: 'fallback', message: 'kept' }]);
          } else {
            for (const error of refused) {
              expect(error).toBeInstanceOf(ResponseShapeError);
              expect((error as ResponseShapeError).issues[0]?.path).toMatch(/^warnings/);
            }
          }
          const carried = await registry.get('a:outside1');
          expectMasked([refused, carried, heard], secret);
          expect(carried.warnings).toBeDefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('puts its secrets in the warnings of a stream it returns, and the result and onWarning carry them masked', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom('get', 'create', 'update', 'start', 'stop', 'list', 'waitForState'),
        async (secret, encoding, call) => {
          const shown = encodings[encoding](secret);
          assumeNotIn('a fallback was taken for setting name', secret);
          const fake = fakeProvider('outside', { streams: 1 });
          const withWarning = (stream: LiveStream): LiveStream => ({
            ...stream,
            state: 'ready',
            warnings: [{ type: 'fallback', setting: 'name', message: `a fallback was taken for ${shown}` }],
          });
          const wrap =
            <A extends unknown[]>(run: (...args: A) => Promise<LiveStream>) =>
            async (...args: A) =>
              withWarning(await run(...args));
          const provider: LiveStreamProvider = {
            ...fake.provider,
            secrets: () => [secret],
            get: wrap(fake.provider.get),
            create: wrap(fake.provider.create),
            update: wrap(fake.provider.update),
            start: wrap(fake.provider.start),
            stop: wrap(fake.provider.stop),
            list: async function* () {
              for await (const stream of fake.provider.list()) yield withWarning(stream);
            },
          };
          const { heard, hooks } = recording('onWarning');
          const client = createLiveStreamClient(provider, { hooks });
          const [id] = [...fake.store.keys()];
          const run = {
            get: () => client.get(id as string),
            create: () => client.create({ name: 'n' }),
            update: () => client.update(id as string, { name: 'n' }),
            start: () => client.start(id as string),
            stop: () => client.stop(id as string),
            list: async () => (await client.list().toArray())[0] as LiveStream,
            waitForState: () => client.waitForState(id as string, 'ready'),
          }[call];
          const stream = await run();
          expect(stream.warnings).toEqual([
            { type: 'fallback', setting: 'name', message: 'a fallback was taken for [REDACTED]' },
          ]);
          expectMasked([stream.warnings, heard], secret);
          if (call !== 'waitForState') expect(heard).toHaveLength(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("fails a registry's list, and the skipped-provider warning names the failure masked", async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(...places),
        fc.boolean(),
        async (secret, encoding, place, asClient) => {
          const control = everything(outsideError('UniliveError', place, 'PLACEHOLDER', 'list'));
          assumeNotIn(`${control} third failed after 0 stream(s) and was skipped`, secret);
          const thrown = outsideError('UniliveError', place, encodings[encoding](secret), 'list');
          const provider = throwingProvider(secret, () => thrown, 'fresh-list');
          const { heard, hooks } = recording('onWarning');
          // A client handed to the registry as it is passes errors on as its provider threw them.
          const given = asClient ? passThroughClient(provider) : provider;
          const registry = createLiveStreamRegistry({
            providers: { third: given, b: fakeProvider('vendor-b', { streams: 1 }).provider },
            hooks,
          });
          const listed = await registry.list({ onProviderError: 'skip' }).toArray();
          expect(listed).toHaveLength(1);
          expect(heard).toMatchObject([{ warning: { type: 'skipped-provider' } }]);
          expectMasked(heard, secret);
          const error = await failure(() => registry.list().toArray());
          expect(error.providerName).toBe('third');
          expectMasked(error, secret);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a client an application wrote, handed to a registry', () => {
  it("passes on its provider's warnings as they came, and the registry masks them in get, list and create", async () => {
    await fc.assert(
      fc.asyncProperty(secrets, anEncoding, async (secret, encoding) => {
        assumeNotIn('kept the name as given', secret);
        const fake = fakeProvider('outside', { streams: 1 });
        const warned = (stream: LiveStream): LiveStream => ({
          ...stream,
          warnings: [{ type: 'fallback', message: `kept the name as given ${encodings[encoding](secret)}` }],
        });
        const provider: LiveStreamProvider = { ...fake.provider, secrets: () => [secret] };
        // Every call straight to the provider: nothing of this library's client in between.
        const raw = {
          ...passThroughClient(provider),
          get: async (id: string) => warned(await fake.provider.get(id)),
          create: async (input: { name: string }) => warned(await fake.provider.create(input)),
          list: () => {
            const walk = async function* () {
              for await (const stream of fake.provider.list()) yield warned(stream);
            };
            return { [Symbol.asyncIterator]: () => walk(), toArray: async () => [] };
          },
        };
        const registry = createLiveStreamRegistry({ providers: { third: raw } });
        const [id] = [...fake.store.keys()];
        const results = [
          await registry.get(`third:${id}`),
          ...(await registry.list().toArray()),
          await registry.create({ name: 'n' }, { provider: 'third' }),
        ];
        expect(results.map((stream) => stream.warnings)).toEqual(
          results.map(() => [{ type: 'fallback', message: 'kept the name as given [REDACTED]' }]),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe('an error a provider masked as it built it', () => {
  it('reaches the caller as a copy of its own when made with the set secrets() returns: the same class and fields, none of what the provider does to its object after', async () => {
    const set = new SecretSet();
    set.add('credential-0123456789');
    const thrown = new NotFoundError({
      provider: 'outside',
      operation: 'get',
      message: 'gone credential-0123456789',
      cause: new Error('socket'),
      secrets: set,
    });
    const provider = {
      ...throwingProvider('unused-secret', () => thrown, 'fresh-list'),
      secrets: () => set.values(),
    };
    const client = createLiveStreamClient(provider);
    const error = await failure(() => client.get('s1'));
    expect(thrown.message).toBe('gone [REDACTED]');
    expect(error).not.toBe(thrown);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.toJSON()).toEqual(thrown.toJSON());
    // An error's stack keeps a working setter (even when frozen), and the provider still holds the error.
    thrown.stack = 'NotFoundError: credential-0123456789';
    expect(error.stack).not.toContain('credential-0123456789');
    expect(error.cause).toEqual(thrown.cause);
    // Its class's stand-in answers `instanceof` for what inherits from the class's prototype, without leading
    // to the class.
    expect(error instanceof error.constructor).toBe(true);
    expect(thrown instanceof error.constructor).toBe(true);
    expect(new ConflictError({ provider: 'outside', message: 'other' }) instanceof error.constructor).toBe(
      false,
    );
    expect({} instanceof error.constructor).toBe(false);
    expect(Object.create(null) instanceof error.constructor).toBe(false);
    expect(('text' as unknown as object) instanceof error.constructor).toBe(false);
    expect(error.constructor).not.toBe(NotFoundError);
    expect(Object.hasOwn(error.constructor, 'prototype')).toBe(false);
  });

  it('is masked into the same texts again, whatever the secrets and the text around them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(secrets, { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom('?token=', '#', '&sig=', 'Bearer ', 'rtmp://h/app/', '"key":"', ' '),
          ),
          { maxLength: 12 },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        anEncoding,
        async (values, words, at, encoding) => {
          const parts = [...words];
          for (const [index, position] of at.entries())
            parts.splice(
              position % (parts.length + 1),
              0,
              encodings[encoding](values[index % values.length] as string),
            );
          const text = parts.join('');
          // Built with a list of the values, as an adapter does; masked again by a set holding the same ones.
          const thrown = new ConflictError({
            provider: 'outside',
            operation: 'get',
            message: text,
            vendorMessage: text,
            cause: new Error(text),
            secrets: [...values],
          });
          const set = new SecretSet();
          set.add(...values);
          const provider = {
            ...throwingProvider('unused-secret', () => thrown, 'fresh-list'),
            secrets: () => set.values(),
          };
          const error = await failure(() => createLiveStreamClient(provider).get('s1'));
          expect([error.message, error.vendorMessage, (error.cause as Error).message]).toEqual([
            thrown.message,
            thrown.vendorMessage,
            (thrown.cause as Error).message,
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
