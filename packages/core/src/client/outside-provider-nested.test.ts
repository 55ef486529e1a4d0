import { format, inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { type Encoding, encodings, everything, leaks, secrets } from '../../test/leak-views.js';
import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStreamProvider,
  lockFields,
  ProviderUnavailableError,
  SecretSet,
} from '../index.js';

// An error from a provider outside this repository reaches the caller as a copy of its own. The values
// nested in its fields must be the caller's too: a provider that keeps a nested object and changes it after
// throwing, or that reads or prints through code of its own one level down (a getter, an own `toJSON` or
// inspection, a class's printer), must show the caller no secret however the caller reads the copy: whole,
// spread, or field by field.

const nestedKinds = [
  'plain object changed after',
  'object two levels down changed after',
  'array changed after',
  'Map changed after',
  'Set changed after',
  'bytes written after',
  'URL changed after',
  'Date and object changed after',
  'getter',
  'getter two levels down',
  'own toJSON',
  'own toString',
  'own inspection',
  "its class's toJSON",
  'error with a getter message',
  'function with fields',
] as const;
type NestedKind = (typeof nestedKinds)[number];

/**
 * A value to nest in an error's field, harmless when the error is thrown (and masked), and `later()`, which
 * makes it show `shown` to whoever reads or prints it after (a getter or printer shows it from its second
 * read on, the first being the masking's).
 */
function nested(kind: NestedKind, shown: string): { value: unknown; later: () => void } {
  let reads = 0;
  const once = () => (reads++ === 0 ? 'harmless' : shown);
  switch (kind) {
    case 'plain object changed after': {
      const value: Record<string, unknown> = { note: 'harmless' };
      return { value, later: () => Object.assign(value, { note: shown }) };
    }
    case 'object two levels down changed after': {
      const inner: Record<string, unknown> = { note: 'harmless' };
      return { value: { outer: { inner } }, later: () => Object.assign(inner, { extra: shown }) };
    }
    case 'array changed after': {
      const value: string[] = ['harmless'];
      return { value, later: () => value.push(shown) };
    }
    case 'Map changed after': {
      const value = new Map([['note', 'harmless']]);
      return { value, later: () => value.set('note', shown) };
    }
    case 'Set changed after': {
      const value = new Set(['harmless']);
      return { value, later: () => value.add(shown) };
    }
    case 'bytes written after': {
      const value = new Uint8Array(512).fill(0x20);
      return { value, later: () => value.set(new TextEncoder().encode(shown).subarray(0, 512)) };
    }
    case 'URL changed after': {
      const value = new URL('https://vendor.example/harmless');
      return { value, later: () => value.searchParams.set('key', shown) };
    }
    case 'Date and object changed after': {
      const value = { at: new Date(0), note: { text: 'harmless' } };
      return { value, later: () => Object.assign(value.note, { text: shown }) };
    }
    case 'getter':
      return { value: Object.defineProperty({}, 'note', { get: once, enumerable: true }), later: () => {} };
    case 'getter two levels down':
      return {
        value: { outer: [Object.defineProperty({}, 'note', { get: once, enumerable: true })] },
        later: () => {},
      };
    case 'own toJSON':
      return { value: { note: 'harmless', toJSON: () => ({ note: shown }) }, later: () => {} };
    case 'own toString':
      return { value: { note: 'harmless', toString: () => `context ${shown}` }, later: () => {} };
    case 'own inspection':
      return { value: { note: 'harmless', [inspect.custom]: () => `context ${shown}` }, later: () => {} };
    case "its class's toJSON": {
      class Context {
        note = 'harmless';
        toJSON() {
          return { note: shown };
        }
        toString() {
          return `context ${shown}`;
        }
        [inspect.custom]() {
          return `context ${shown}`;
        }
      }
      return { value: new Context(), later: () => {} };
    }
    case 'function with fields': {
      const retry = Object.assign(() => 'retried', { token: 'harmless' });
      return {
        value: { retry, nested: { retry } },
        later: () => Object.assign(retry, { token: shown, toString: () => `context ${shown}` }),
      };
    }
    case 'error with a getter message': {
      const error = new Error('harmless');
      Object.defineProperty(error, 'message', { get: once, enumerable: false });
      return { value: { failure: Object.freeze(error) }, later: () => {} };
    }
  }
}

/** Every way a caller may read a value: printed whole, its fields read again, spread, converted. */
function readings(value: unknown, depth = 0): string[] {
  const texts = [
    everything(value),
    inspect(value, { depth: 12, getters: true, showHidden: true }),
    JSON.stringify(value) ?? '',
  ];
  if (typeof value !== 'object' || value === null || depth > 4) return texts;
  try {
    texts.push(String(value));
  } catch {
    // A copy without a toString (a null-prototype object) cannot be converted; nothing shows.
  }
  if (value instanceof Map || value instanceof Set)
    for (const item of value) texts.push(...readings(item, depth + 1));
  if (ArrayBuffer.isView(value))
    texts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString());
  for (const key of Reflect.ownKeys(value)) {
    const item = (value as Record<PropertyKey, unknown>)[key];
    texts.push(...readings(item, depth + 1));
  }
  return texts;
}

/** An outside provider whose `get` throws a `ProviderUnavailableError` carrying `fields()`; `secrets()` is `set`. */
function failingWith(fields: () => object, set = new SecretSet()): LiveStreamProvider {
  return {
    ...fakeProvider('outside', { streams: 1 }).provider,
    secrets: () => set.values(),
    get: async () => {
      throw Object.assign(
        new ProviderUnavailableError({ provider: 'outside', operation: 'get', message: 'failed' }),
        fields(),
      );
    },
  };
}

const anEncoding = fc.constantFrom(...(Object.keys(encodings) as Encoding[]));

// The words a copy prints whatever it holds (its fields' names, its own printers and class stand-in, as
// inspection with hidden fields shows them): a generated secret that is one of them cannot be told apart.
const vocabulary = [
  'harmless context failed note https://vendor.example/harmless acme get failed',
  'constructor toString valueOf toJSON isRetryable prototype [Function (anonymous)] [Function: toJSON]',
  'Symbol(Symbol.toPrimitive) Symbol(Symbol.toStringTag) ProviderUnavailableError AcmeError UniliveError',
].join(' ');

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: unknown) => error,
  );
}

describe("an outside provider's error with values nested in its fields", () => {
  it('shows the caller no secret the provider puts there after throwing, or reads or prints through code one level down', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(...nestedKinds),
        fc.constantFrom('field added after', 'built with its secrets', 'cause of another error'),
        fc.constantFrom('client', 'registry'),
        async (secret, encoding, kind, how, through) => {
          const shown = encodings[encoding](secret);
          fc.pre(leaks(vocabulary, secret).length === 0);
          const set = new SecretSet();
          set.add(secret);
          const { value, later } = nested(kind, shown);
          const make = (): Error => {
            if (how === 'field added after') {
              const error = new ProviderUnavailableError({
                provider: 'outside',
                operation: 'get',
                message: 'failed',
              });
              return Object.assign(error, { context: value });
            }
            if (how === 'built with its secrets') {
              // Built with the very set secrets() returns, as a pass-through would be, then given a field.
              class ContextError extends ProviderUnavailableError {
                readonly context: unknown;
                constructor() {
                  super({ provider: 'outside', operation: 'get', message: 'failed', secrets: set });
                  this.context = value;
                }
              }
              return new ContextError();
            }
            const inner = Object.assign(
              new ProviderUnavailableError({ provider: 'outside', operation: 'get', message: 'inner' }),
              { context: value },
            );
            return new ProviderUnavailableError({
              provider: 'outside',
              operation: 'get',
              message: 'failed',
              cause: inner,
            });
          };
          const provider: LiveStreamProvider = {
            ...fakeProvider('outside', { streams: 1 }).provider,
            secrets: () => set.values(),
            get: async () => {
              throw make();
            },
          };
          const error = await caught(() =>
            through === 'client'
              ? createLiveStreamClient(provider).get('s1')
              : createLiveStreamRegistry({ providers: { a: provider } }).get('a:s1'),
          );
          expect(ProviderUnavailableError.isInstance(error)).toBe(true);
          later();
          const seen = [...readings(error), ...readings({ ...(error as object) })];
          const cause = (error as Error).cause;
          if (cause !== undefined) seen.push(...readings(cause), ...readings({ ...(cause as object) }));
          expect(leaks(seen.join('\n'), secret)).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps what it nested, as a copy: the same fields, texts, items, bytes, dates and URLs, masked where they held a secret', async () => {
    const secret = 'sk_live_0123456789abcdef';
    const set = new SecretSet();
    set.add(secret);
    const at = new Date(Date.UTC(2026, 0, 2));
    const context = {
      note: `key ${secret}`,
      list: ['a', { deep: 'b' }],
      map: new Map([['k', 'v']]),
      set: new Set(['x']),
      at,
      url: new URL('https://vendor.example/path?q=1'),
      bytes: new TextEncoder().encode('bytes'),
      count: 3,
    };
    const provider = failingWith(
      () => ({
        context,
      }),
      set,
    );
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
      context: typeof context;
    };
    const copy = error.context;
    expect(copy).not.toBe(context);
    expect(copy.note).toBe('key [REDACTED]');
    expect(copy.list).toEqual(['a', { deep: 'b' }]);
    expect(copy.list).not.toBe(context.list);
    expect(copy.list[1]).not.toBe(context.list[1]);
    expect(copy.map).toBeInstanceOf(Map);
    expect([...copy.map]).toEqual([['k', 'v']]);
    expect(copy.map).not.toBe(context.map);
    expect([...copy.set]).toEqual(['x']);
    expect(copy.set).not.toBe(context.set);
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at.getTime()).toBe(at.getTime());
    expect(copy.at).not.toBe(at);
    expect(String(copy.url)).toBe('https://vendor.example/path?q=1');
    expect(copy.url).not.toBe(context.url);
    expect(new TextDecoder().decode(copy.bytes)).toBe('bytes');
    expect(copy.bytes).not.toBe(context.bytes);
    expect(copy.count).toBe(3);
  });
});

const printerMembers = [
  'toJSON',
  'inspection',
  'toString',
  'valueOf',
  'Symbol.toPrimitive',
  'jsonKeys naming a getter',
  'isRetryable getter',
  'cause getter',
  'class renamed',
  'Symbol.toStringTag getter',
] as const;

/** Gives `made` (a class) or its prototype a member of `kind` that shows `shown`. */
function printThrough(
  made: { prototype: object },
  member: (typeof printerMembers)[number],
  shown: string,
): void {
  const prototype = made.prototype;
  const define = (key: PropertyKey, value: unknown) =>
    Object.defineProperty(prototype, key, { value, configurable: true, writable: true });
  const getter = (key: PropertyKey) =>
    Object.defineProperty(prototype, key, { get: () => `context ${shown}`, configurable: true });
  switch (member) {
    case 'toJSON':
      return void define('toJSON', () => ({ context: shown }));
    case 'inspection':
      return void define(inspect.custom, () => `context ${shown}`);
    case 'toString':
      return void define('toString', () => `context ${shown}`);
    case 'valueOf':
      return void define('valueOf', () => `context ${shown}`);
    case 'Symbol.toPrimitive':
      return void define(Symbol.toPrimitive, () => `context ${shown}`);
    case 'jsonKeys naming a getter':
      define('jsonKeys', () => ['provider', 'operation', 'context']);
      return void getter('context');
    case 'isRetryable getter':
      return void getter('isRetryable');
    case 'cause getter':
      return void getter('cause');
    case 'class renamed':
      return void Object.defineProperty(made, 'name', { value: `context ${shown}`, configurable: true });
    case 'Symbol.toStringTag getter':
      return void getter(Symbol.toStringTag);
  }
}

describe("an outside provider's error class", () => {
  it('prints nothing its prototype is given after the throw, or names through jsonKeys and getters, that the copy did not hold masked', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        anEncoding,
        fc.constantFrom(...printerMembers),
        fc.constantFrom('after the throw', 'in the class'),
        fc.constantFrom('client', 'registry'),
        async (secret, encoding, member, when, through) => {
          const shown = encodings[encoding](secret);
          fc.pre(leaks(vocabulary, secret).length === 0);
          const set = new SecretSet();
          set.add(secret);
          class AcmeError extends ProviderUnavailableError {
            static override readonly kind: string = 'AcmeError';
          }
          if (when === 'in the class') printThrough(AcmeError, member, shown);
          const provider: LiveStreamProvider = {
            ...fakeProvider('outside', { streams: 1 }).provider,
            secrets: () => set.values(),
            get: async () => {
              throw new AcmeError({
                provider: 'outside',
                operation: 'get',
                message: 'acme get failed',
                status: 503,
              });
            },
          };
          const error = (await caught(() =>
            through === 'client'
              ? createLiveStreamClient(provider).get('s1')
              : createLiveStreamRegistry({ providers: { a: provider } }).get('a:s1'),
          )) as AcmeError;
          if (when === 'after the throw') printThrough(AcmeError, member, shown);
          expect(error).toBeInstanceOf(AcmeError);
          expect(AcmeError.isInstance(error)).toBe(true);
          const fields = error as unknown as Record<string, unknown>;
          const seen = [
            ...readings(error),
            JSON.stringify({ err: error }),
            format('%o %O %s %j', error, error, error, error),
            `${error}`,
            String(error.isRetryable),
            String(error.cause),
            // A logger's type (pino reads `constructor.name`) and the tag `Object.prototype.toString` reads.
            String((error as { constructor?: { name?: unknown } }).constructor?.name),
            Object.prototype.toString.call(error),
            // A getter its class gets after the throw is its code, read by a caller asking for it by name;
            // one its class named for JSON when the copy was made is the copy's own, masked.
            ...(when === 'in the class' ? [String(fields.context)] : []),
          ];
          expect(leaks(seen.join('\n'), secret)).toEqual([]);
          // Still what the base class says of its status: a 503 may pass.
          expect(error.isRetryable).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps the fields its class names for JSON, and a registry's annotation of the copy", async () => {
    class QuotaError extends ProviderUnavailableError {
      static override readonly kind: string = 'QuotaError';
      readonly account: string;
      constructor(account: string) {
        super({ provider: 'outside', operation: 'get', message: 'over quota', status: 429 });
        this.account = account;
        lockFields(this);
      }
      protected override jsonKeys(): string[] {
        return [...super.jsonKeys(), 'account', 'plan'];
      }
      get plan(): string {
        return 'starter';
      }
    }
    const provider: LiveStreamProvider = {
      ...fakeProvider('outside', { streams: 1 }).provider,
      get: async () => {
        throw new QuotaError('acct-1');
      },
    };
    const error = await caught(() => createLiveStreamRegistry({ providers: { a: provider } }).get('a:s1'));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'QuotaError',
      message: 'over quota',
      provider: 'outside',
      operation: 'get',
      status: 429,
      providerName: 'a',
      account: 'acct-1',
      plan: 'starter',
      isRetryable: true,
    });
  });
});

describe("an outside provider's error holding bytes", () => {
  it('masks a secret held as UTF-16 code units or code points, in an array of its kind', async () => {
    await fc.assert(
      fc.asyncProperty(
        secrets,
        fc.constantFrom('Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array'),
        async (secret, kind) => {
          fc.pre(leaks('failed', secret).length === 0);
          const set = new SecretSet();
          set.add(secret);
          const units =
            kind === 'Uint16Array' || kind === 'Int16Array'
              ? Array.from({ length: secret.length }, (_, at) => secret.charCodeAt(at))
              : Array.from(secret, (character) => character.codePointAt(0) ?? 0);
          const Kind = { Uint16Array, Int16Array, Uint32Array, Int32Array }[kind];
          const codes = Kind.from(units);
          const provider: LiveStreamProvider = {
            ...fakeProvider('outside', { streams: 1 }).provider,
            secrets: () => set.values(),
            get: async () => {
              throw Object.assign(
                new ProviderUnavailableError({ provider: 'outside', operation: 'get', message: 'failed' }),
                { codes },
              );
            },
          };
          const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
            codes: unknown;
          };
          expect(Object.prototype.toString.call(error.codes)).toBe(`[object ${kind}]`);
          const copy = error.codes as Uint16Array | Uint32Array;
          const text =
            copy.BYTES_PER_ELEMENT === 2
              ? String.fromCharCode(...Array.from(copy, (unit) => unit & 0xffff))
              : String.fromCodePoint(...Array.from(copy, (point) => point >>> 0));
          expect(leaks(text, secret)).toEqual([]);
          expect(text).toContain('[REDACTED]');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('copies bytes that hold no secret as what they were: the same kind, the same values', async () => {
    const floats = Float64Array.from([1.5, 2.5, -0]);
    const shorts = Int16Array.from([-2, 7]);
    const view = new DataView(Uint8Array.from([1, 2, 3, 4]).buffer, 1, 2);
    const buffer = Uint8Array.from([9, 8, 7]).buffer;
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([5, 6]);
    const node = Buffer.from('plain');
    const big = BigInt64Array.from([1n, -2n]);
    const provider = failingWith(() => ({
      bytes: { floats, shorts, view, buffer, shared, node, big },
    }));
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
      bytes: {
        floats: Float64Array;
        shorts: Int16Array;
        view: DataView;
        buffer: ArrayBuffer;
        shared: SharedArrayBuffer;
        node: Buffer;
        big: BigInt64Array;
      };
    };
    const copy = error.bytes;
    expect(copy.floats).toBeInstanceOf(Float64Array);
    expect([...copy.floats]).toEqual([1.5, 2.5, -0]);
    expect(copy.floats).not.toBe(floats);
    expect(copy.shorts).toBeInstanceOf(Int16Array);
    expect([...copy.shorts]).toEqual([-2, 7]);
    expect(copy.view).toBeInstanceOf(DataView);
    expect([copy.view.getUint8(0), copy.view.getUint8(1), copy.view.byteLength]).toEqual([2, 3, 2]);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(copy.buffer)]).toEqual([9, 8, 7]);
    expect(copy.buffer).not.toBe(buffer);
    expect(copy.shared).toBeInstanceOf(SharedArrayBuffer);
    expect([...new Uint8Array(copy.shared)]).toEqual([5, 6]);
    expect(copy.shared).not.toBe(shared);
    expect(Buffer.isBuffer(copy.node)).toBe(true);
    expect(copy.node.toString()).toBe('plain');
    expect(copy.big).toBeInstanceOf(BigInt64Array);
    expect([...copy.big]).toEqual([1n, -2n]);
  });
});

describe("an outside provider's error holding a sparse array", () => {
  it('is copied by the items it holds, whatever its length', async () => {
    const secret = 'sk_live_sparse_0123456789';
    const set = new SecretSet();
    set.add(secret);
    const sparse: string[] = [];
    sparse[2 ** 32 - 2] = `key ${secret}`;
    sparse[0] = 'first';
    const provider = failingWith(
      () => ({
        sparse,
      }),
      set,
    );
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as { sparse: string[] };
    expect(error.sparse).not.toBe(sparse);
    expect(error.sparse.length).toBe(2 ** 32 - 1);
    expect(Object.keys(error.sparse)).toEqual(['0', String(2 ** 32 - 2)]);
    expect(error.sparse[0]).toBe('first');
    expect(error.sparse[2 ** 32 - 2]).toBe('key [REDACTED]');
  });
});

describe("an outside provider's error, as a hook and the caller hold it", () => {
  it("lets no hook change the caller's copy through what freezing does not hold: dates, URLs, maps, sets, bytes", async () => {
    const provider = failingWith(() => ({
      held: {
        when: new Date(1_000),
        url: new URL('https://vendor.example/a'),
        params: new URLSearchParams('a=1'),
        headers: new Headers({ a: '1' }),
        map: new Map([['a', 1]]),
        set: new Set(['a']),
        bytes: Uint8Array.from([1, 2]),
        view: new DataView(new ArrayBuffer(2)),
        buffer: new ArrayBuffer(2),
      },
    }));
    type Held = {
      when: Date;
      url: URL;
      params: URLSearchParams;
      headers: Headers;
      map: Map<string, number>;
      set: Set<string>;
      bytes: Uint8Array;
      view: DataView;
      buffer: ArrayBuffer;
    };
    const client = createLiveStreamClient(provider, {
      hooks: {
        onError: (event) => {
          const held = (event.error as unknown as { held: Held }).held;
          held.when.setTime(0);
          held.url.href = 'https://evil.example/';
          held.params.append('b', '2');
          held.headers.set('b', '2');
          held.map.set('b', 2);
          held.set.add('b');
          held.bytes[0] = 9;
          held.view.setUint8(0, 9);
          new Uint8Array(held.buffer)[0] = 9;
        },
      },
    });
    const error = (await caught(() => client.get('s1'))) as { held: Held };
    const held = error.held;
    expect(held.when.getTime()).toBe(1_000);
    expect(held.url.href).toBe('https://vendor.example/a');
    expect(held.params.toString()).toBe('a=1');
    expect([...held.headers]).toEqual([['a', '1']]);
    expect([...held.map]).toEqual([['a', 1]]);
    expect([...held.set]).toEqual(['a']);
    expect([...held.bytes]).toEqual([1, 2]);
    expect(held.view.getUint8(0)).toBe(0);
    expect([...new Uint8Array(held.buffer)]).toEqual([0, 0]);
  });

  it("keeps a function it holds callable, as one of the copy's own", async () => {
    const retry = Object.assign(
      function retry(this: unknown, times: number) {
        return `retried ${times}`;
      },
      { token: 'kept' },
    );
    const provider = failingWith(() => ({
      retry,
    }));
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as { retry: typeof retry };
    expect(error.retry).not.toBe(retry);
    expect(error.retry.name).toBe('retry');
    expect(error.retry(3)).toBe('retried 3');
    expect(Object.keys(error.retry)).toEqual([]);
  });

  it('cuts a text past 64 Ki characters, masked first, and leaves out bytes past 64 KiB', async () => {
    const secret = 'sk_live_long_field_0123456789';
    const set = new SecretSet();
    set.add(secret);
    const text = `${'x'.repeat(65_530)}${secret}${'y'.repeat(1_000_000)}`;
    const bytes = new Uint8Array(1_000_000).fill(0x41);
    const provider = failingWith(
      () => ({
        big: { text, bytes, small: 'kept' },
      }),
      set,
    );
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
      big: { text: string; bytes: unknown; small: string };
    };
    expect(error.big.small).toBe('kept');
    expect(error.big.text.startsWith('x'.repeat(65_530))).toBe(true);
    expect(error.big.text.length).toBeLessThan(65_536 + 200);
    expect(leaks(error.big.text, secret)).toEqual([]);
    expect(error.big.bytes).toBe('[Uint8Array of 1000000 bytes, left out: over 65536]');
  });
});

describe("an outside provider's error holding many items", () => {
  it('copies the first 10,000 items, entries or fields of each, and says how many more were left out', async () => {
    const secret = 'sk_live_many_items_0123456789';
    const set = new SecretSet();
    set.add(secret);
    const list = Array.from({ length: 70_000 }, (_, at) => (at === 5 ? `key ${secret}` : `item ${at}`));
    const fields = Object.fromEntries(Array.from({ length: 30_000 }, (_, at) => [`f${at}`, at]));
    const map = new Map(Array.from({ length: 20_000 }, (_, at) => [`k${at}`, at] as const));
    const items = new Set(Array.from({ length: 20_000 }, (_, at) => at));
    const provider = failingWith(() => ({ many: { list, fields, map, items } }), set);
    const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
      many: {
        list: string[];
        fields: Record<string, unknown>;
        map: Map<string, unknown>;
        items: Set<unknown>;
      };
    };
    const { many } = error;
    expect(many.list.length).toBe(10_001);
    expect(many.list[5]).toBe('key [REDACTED]');
    expect(many.list[9_999]).toBe('item 9999');
    expect(many.list[10_000]).toBe('[60000 more items left out: over 10000]');
    expect(Object.keys(many.fields).length).toBe(10_001);
    expect(many.fields['…']).toBe('[20000 more fields left out: over 10000]');
    expect(many.fields.f9999).toBe(9_999);
    expect(many.map.size).toBe(10_001);
    expect(many.map.get('…')).toBe('[10000 more entries left out: over 10000]');
    expect(many.items.size).toBe(10_001);
    expect(many.items.has('[10000 more items left out: over 10000]')).toBe(true);
  });
});

describe("an outside provider's error: what a hook and the caller share", () => {
  it('is frozen or copied: a hook changing the copy its toJSON, a nested function or a RegExp changes nothing the caller holds', async () => {
    const retry = (a: number, b: number) => a + b;
    const provider = failingWith(() => ({ nest: { re: /abc/g, retry } }));
    const client = createLiveStreamClient(provider, {
      hooks: {
        onError: (event) => {
          const error = event.error as unknown as { toJSON: object; nest: { re: RegExp; retry: object } };
          for (const target of [error.toJSON, error.nest.retry]) {
            try {
              Object.assign(target, { note: 'set by a hook' });
            } catch {
              // Frozen: refused.
            }
            try {
              Object.setPrototypeOf(target, { call: () => 'hijacked' });
            } catch {
              // Frozen: refused.
            }
          }
          error.nest.re.lastIndex = 2;
          Object.assign(error.nest.re, { note: 'set by a hook' });
        },
      },
    });
    const error = (await caught(() => client.get('s1'))) as unknown as {
      toJSON: (() => unknown) & { note?: string };
      nest: { re: RegExp & { note?: string }; retry: ((a: number, b: number) => number) & { note?: string } };
    };
    expect(error.toJSON.note).toBeUndefined();
    expect(Object.getPrototypeOf(error.toJSON)).toBe(Function.prototype);
    expect(error.nest.retry.note).toBeUndefined();
    expect(Object.getPrototypeOf(error.nest.retry)).toBe(Function.prototype);
    expect(error.nest.retry(2, 3)).toBe(5);
    expect(error.nest.retry.length).toBe(2);
    expect(error.nest.re.lastIndex).toBe(0);
    expect(error.nest.re.note).toBeUndefined();
    expect(String(error.nest.re)).toBe('/abc/g');
  });

  it('masks a secret its bytes hold as UTF-16LE text', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (secret) => {
        fc.pre(leaks(vocabulary, secret).length === 0);
        const set = new SecretSet();
        set.add(secret);
        const provider = failingWith(() => ({ wide: Buffer.from(`key ${secret}`, 'utf16le') }), set);
        const error = (await caught(() => createLiveStreamClient(provider).get('s1'))) as {
          wide: Uint8Array;
        };
        const text = Buffer.from(error.wide).toString('utf16le');
        expect(leaks(text, secret)).toEqual([]);
        expect(text).toBe('key [REDACTED]');
      }),
      { numRuns: 100 },
    );
  });
});
