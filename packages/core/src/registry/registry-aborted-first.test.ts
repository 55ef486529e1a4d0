import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import type { RequestOptions } from '../client/live-stream-client.js';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { AbortError } from '../errors/errors.js';
import { createLiveStreamRegistry, type LiveStreamRegistry } from './registry.js';

// Every registry operation, each with arguments the registry itself refuses before any request (an unknown
// provider name, a malformed reference, input or option), and with arguments it would accept. `ref` is a
// stream the registry holds on `a`.
type Call = (registry: LiveStreamRegistry, signal: AbortSignal, ref: string) => Promise<unknown>;
const withSignal = (signal: AbortSignal, more: object = {}): RequestOptions => ({ ...more, signal });
const references = (ref: string): unknown[] => [
  ref,
  'nope:abc',
  '',
  'a:bad id!',
  { provider: 'nope', id: 'abc' },
  { ref: 7 },
  42,
  undefined,
];
const calls: Record<string, (ref: string) => Call[]> = {
  create: () => [
    (r, s) => r.create({ name: 'fine' }, withSignal(s)),
    (r, s) => r.create({ name: 7 } as never, withSignal(s)),
    (r, s) => r.create({ name: 'fine' }, withSignal(s, { provider: 'nope' })),
    (r, s) => r.create({ name: 'fine' }, withSignal(s, { bogus: true })),
    (r, s) => r.create({ name: 'fine', ingestProtocol: 'carrier-pigeon' } as never, withSignal(s)),
  ],
  get: (ref) => references(ref).map((given) => (r, s) => r.get(given as string, withSignal(s))),
  update: (ref) => [
    ...references(ref).map(
      (given): Call =>
        (r, s) =>
          r.update(given as string, { name: 'n' }, withSignal(s)),
    ),
    (r, s) => r.update(ref, { name: 7 } as never, withSignal(s)),
  ],
  delete: (ref) => references(ref).map((given) => (r, s) => r.delete(given as string, withSignal(s))),
  start: (ref) => references(ref).map((given) => (r, s) => r.start(given as string, withSignal(s))),
  stop: (ref) => references(ref).map((given) => (r, s) => r.stop(given as string, withSignal(s))),
  waitForState: (ref) => [
    ...references(ref).map(
      (given): Call =>
        (r, s) =>
          r.waitForState(given as string, 'stopped', withSignal(s)),
    ),
    (r, s) => r.waitForState(ref, 'bogus' as never, withSignal(s)),
  ],
  waitForBroadcast: (ref) =>
    references(ref).map((given) => (r, s) => r.waitForBroadcast(given as string, withSignal(s))),
  list: () => [
    (r, s) => r.list({ signal: s }).toArray(),
    (r, s) => r.list({ providers: ['nope'], signal: s }).toArray(),
    (r, s) =>
      r
        .list({ providers: [7 as never], signal: s })
        [Symbol.asyncIterator]()
        .next(),
    (r, s) => r.list({ pageSize: -1, signal: s }).toArray(),
    (r, s) => r.list({ bogus: 1, signal: s } as never).toArray(),
  ],
  findByName: () => [
    (r, s) => r.findByName('fine', { signal: s }),
    (r, s) => r.findByName(42 as never, { signal: s }),
    (r, s) => r.findByName('', { signal: s }),
    (r, s) => r.findByName('fine', { providers: ['nope'], signal: s }),
  ],
  migrate: (ref) => [
    ...references(ref).map(
      (given): Call =>
        (r, s) =>
          r.migrate(given as string, { to: 'b', signal: s }),
    ),
    (r, s) => r.migrate(ref, { to: 'nope', signal: s }),
    (r, s) => r.migrate(ref, { to: 'a', signal: s }),
    (r, s) => r.migrate(ref, { to: 'b', deleteSource: 'false' as never, signal: s }),
  ],
  planMigration: (ref) => [
    ...references(ref).map(
      (given): Call =>
        (r, s) =>
          r.planMigration(given as string, { to: 'b', signal: s }),
    ),
    (r, s) => r.planMigration(ref, { to: 'nope', signal: s }),
    (r, s) => r.planMigration(ref, { to: 'b', input: { bogus: 1 } as never, signal: s }),
  ],
};

const cases = Object.entries(calls).flatMap(([operation, made]) =>
  made('a:x').map((_, index) => ({ operation, index })),
);
const reasons = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.integer(),
  fc.string().map((message) => new Error(message)),
);

describe('a registry call whose signal is already aborted', () => {
  it('ends with AbortError first, whatever else the registry would refuse, and asks no provider anything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), reasons, async ({ operation, index }, reason) => {
        const a = fakeProvider('vendor-a');
        const b = fakeProvider('vendor-b');
        const registry = createLiveStreamRegistry({ providers: { a: a.provider, b: b.provider } });
        const { ref } = await registry.create({ name: 'fine' }, { provider: 'a' });
        a.calls.length = 0;
        const call = (calls[operation]?.(ref) ?? [])[index] as Call;
        const failure = await call(registry, AbortSignal.abort(reason), ref).then(
          () => undefined,
          (error: unknown) => error,
        );
        const said = `${operation} #${index}`;
        expect(AbortError.isInstance(failure), `${said}: ${String(failure)}`).toBe(true);
        expect(failure, said).toMatchObject({ operation, delivery: 'not-sent' });
        expect(a.calls, said).toEqual([]);
        expect(b.calls, said).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('names the provider a well-formed reference names, and masks the cause by every provider', async () => {
    const a = fakeProvider('vendor-a');
    const b = fakeProvider('vendor-b');
    const registry = createLiveStreamRegistry({
      providers: {
        a: { ...a.provider, secrets: () => ['a-secret-4fj2k9'] },
        b: { ...b.provider, secrets: () => ['b-secret-8hq3m1'] },
      },
    });
    const { ref } = await registry.create({ name: 'fine' }, { provider: 'a' });
    const reason = new Error('gave up holding a-secret-4fj2k9 and b-secret-8hq3m1');
    for (const [given, provider, providerName] of [
      [ref, 'vendor-a', 'a'],
      ['nope:abc', undefined, undefined],
      ['', undefined, undefined],
    ] as const) {
      const failure = await registry
        .get(given, { signal: AbortSignal.abort(reason) })
        .catch((error: unknown) => error);
      expect(AbortError.isInstance(failure), given).toBe(true);
      expect(failure, given).toMatchObject({ provider, providerName, operation: 'get' });
      // The one text of an abort: the provider when certain, else the call alone.
      expect((failure as AbortError).message, given).toBe(
        provider ? `${provider} get was aborted` : 'get was aborted',
      );
      const told = JSON.stringify(failure);
      expect(told, given).toContain('gave up holding');
      expect(told, given).not.toContain('a-secret-4fj2k9');
      expect(told, given).not.toContain('b-secret-8hq3m1');
    }
  });
});

describe('a list walk closed with return()', () => {
  it('stays done when its signal fires afterwards, through a client and through a registry', async () => {
    for (const through of ['client', 'registry'] as const) {
      for (const closed of [0, 1, 2]) {
        const a = fakeProvider('vendor-a', { streams: 3 });
        const controller = new AbortController();
        const walk =
          through === 'client'
            ? createLiveStreamClient(a.provider).list({ signal: controller.signal })
            : createLiveStreamRegistry({ providers: { a: a.provider } }).list({ signal: controller.signal });
        const it = walk[Symbol.asyncIterator]();
        for (let taken = 0; taken < closed; taken += 1) expect((await it.next()).done).toBe(false);
        expect(await it.return?.()).toMatchObject({ done: true });
        controller.abort(new Error('later'));
        const said = `${through}, closed after ${closed}`;
        expect(await it.next(), said).toEqual({ done: true, value: undefined });
        expect(await it.next(), said).toEqual({ done: true, value: undefined });
      }
    }
  });

  it('stays done when it failed at its first step and was closed', async () => {
    const a = fakeProvider('vendor-a', { streams: 1 });
    const it = createLiveStreamClient(a.provider)
      .list({ signal: AbortSignal.abort() })
      [Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await it.return?.()).toMatchObject({ done: true });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
});
