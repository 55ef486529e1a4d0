import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { InvalidInputError } from '../errors/errors.js';
import { UniliveError } from '../errors/unilive-error.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A method taken off its client (`const { get } = client`, a callback) is the call
// on the client: the same result, and the same typed rejection, never a synchronous TypeError about an
// `undefined` receiver.

type Outcome = { ok: true; value: unknown } | { ok: false; kind: string; message: string };

async function outcomeOf(run: () => unknown): Promise<Outcome> {
  let pending: unknown;
  try {
    pending = run();
  } catch (error) {
    // Each of these calls returns a promise or a list: a synchronous throw is the defect itself.
    return { ok: false, kind: `threw synchronously: ${String(error)}`, message: '' };
  }
  try {
    const value =
      pending !== null && typeof pending === 'object' && 'toArray' in pending
        ? await (pending as { toArray(): Promise<unknown> }).toArray()
        : await pending;
    return { ok: true, value };
  } catch (error) {
    return UniliveError.isInstance(error)
      ? { ok: false, kind: error.name, message: error.message }
      : { ok: false, kind: `untyped ${String(error)}`, message: '' };
  }
}

// The calls of one scenario, each given as a function of the method: `on(client)` calls it on its object,
// the others take it off first.
const ways = {
  'on the object': <T extends object>(object: T, name: keyof T) =>
    (object[name] as (...a: unknown[]) => unknown).bind(object),
  destructured: <T extends object>(object: T, name: keyof T) => {
    const { [name]: method } = object;
    return method as (...a: unknown[]) => unknown;
  },
  'called with another this': <T extends object>(object: T, name: keyof T) => {
    const method = object[name] as (...a: unknown[]) => unknown;
    return (...args: unknown[]) => method.apply({ not: 'the client' }, args);
  },
} as const;

describe('client methods taken off the client', () => {
  it('give what the call on the client gives, results and typed errors alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(ways) as (keyof typeof ways)[])),
        fc.constantFrom('valid', 'missing', 'invalid'),
        async (way, which) => {
          const outcomes: Outcome[] = [];
          for (const taking of ['on the object', way] as const) {
            const { provider } = fakeProvider('liveapi', { streams: 2 });
            const client = createLiveStreamClient(provider);
            const take = <K extends keyof typeof client>(name: K) => ways[taking](client, name);
            const made = await client.create({ name: 'made' });
            const id = which === 'valid' ? made.id : which === 'missing' ? 'nope123' : '../bad';
            const results: Outcome[] = [];
            results.push(
              await outcomeOf(() => take('create')(which === 'invalid' ? { name: 7 } : { name: 'second' })),
            );
            results.push(await outcomeOf(() => take('get')(id)));
            results.push(await outcomeOf(() => take('update')(id, { name: 'renamed' })));
            results.push(await outcomeOf(() => take('start')(id)));
            results.push(await outcomeOf(() => take('waitForState')(id, 'ready', { timeoutMs: 1000 })));
            results.push(await outcomeOf(() => take('stop')(id)));
            results.push(await outcomeOf(() => take('list')(which === 'invalid' ? { pageSize: -1 } : {})));
            results.push(await outcomeOf(() => take('delete')(id)));
            outcomes.push(...results);
          }
          const half = outcomes.length / 2;
          expect(outcomes.slice(half)).toEqual(outcomes.slice(0, half));
          for (const outcome of outcomes) {
            if (!outcome.ok) expect(['InvalidInputError', 'NotFoundError']).toContain(outcome.kind);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('are not enumerated, and can still be wrapped or replaced as before', async () => {
    const client = createLiveStreamClient(fakeProvider('liveapi', { streams: 1 }).provider);
    expect(Object.keys(client).filter((key) => ['get', 'create', 'list'].includes(key))).toEqual([]);
    // An object made from the client with a call of its own, and a spy on one, as applications and tests do.
    const derived = Object.assign(Object.create(client) as typeof client, { get: async () => 'own get' });
    expect(await derived.get('x')).toBe('own get');
    const spy = vi.spyOn(client, 'get');
    const [first] = await client.list().toArray();
    await client.get(first?.id ?? '');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('a call handed to map', () => {
  // `map` passes each index as the second argument: the options, which must be an object. The docs say so
  // and show `ids.map((id) => client.get(id))`; the index is refused, typed, before any request.
  it('is refused for the index it is given as options, before any request, and the arrow form works', async () => {
    const { provider, calls } = fakeProvider('liveapi', { streams: 1 });
    const client = createLiveStreamClient(provider);
    const [stream] = await client.list().toArray();
    const id = stream?.id ?? '';
    calls.length = 0;
    // TypeScript refuses it too; JavaScript code calls it as written.
    const [refused] = await Promise.allSettled([id].map(client.get as (each: string) => Promise<unknown>));
    expect(refused?.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(InvalidInputError);
    expect(calls).toEqual([]);
    expect((await Promise.all([id].map((each) => client.get(each))))[0]?.id).toBe(id);
  });
});

describe('registry methods taken off the registry', () => {
  it('give what the call on the registry gives', async () => {
    for (const way of Object.keys(ways) as (keyof typeof ways)[]) {
      const { provider } = fakeProvider('liveapi', { streams: 1 });
      const registry = createLiveStreamRegistry({ providers: { main: provider } });
      const take = <K extends keyof typeof registry>(name: K) => ways[way](registry, name);
      const made = (await take('create')({ name: 'made' })) as { ref: string };
      expect(made.ref).toMatch(/^main:/);
      expect(await outcomeOf(() => take('get')(made.ref))).toMatchObject({ ok: true });
      expect(await outcomeOf(() => take('get')('main:nope123'))).toMatchObject({
        ok: false,
        kind: 'NotFoundError',
      });
      expect(await outcomeOf(() => take('get')('nowhere:x'))).toMatchObject({
        ok: false,
        kind: 'InvalidInputError',
      });
      expect(await outcomeOf(() => take('findByName')('made'))).toMatchObject({ ok: true });
      expect(await outcomeOf(() => take('list')())).toMatchObject({ ok: true });
      expect(typeof (take('client')('main') as { get: unknown }).get).toBe('function');
      expect(await outcomeOf(() => take('delete')(made.ref))).toEqual({ ok: true, value: undefined });
    }
  });
});
