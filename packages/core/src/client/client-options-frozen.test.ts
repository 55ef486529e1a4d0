import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { InvalidInputError } from '../errors/errors.js';
import { providerCallOptions } from '../options.js';
import { plainObjectProblem } from '../own.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A client hands its provider its own checked copy of the caller's options, which a provider takes unread,
// told by identity. Whatever is handed that copy (a wrapping provider, middleware) must not be able to change
// what it holds and then have a provider called directly take it unchecked: the copy is frozen, and an object
// made from it (`Object.create(copy)`) is not the copy, nor a plain object to read as empty options.

type Captured = Partial<Record<'get' | 'list' | 'start' | 'stop' | 'delete' | 'update', unknown>>;

// The provider the client wraps, recording the options object each call is handed.
function capturing(inner: LiveStreamProvider, captured: Captured): LiveStreamProvider {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (
        typeof value !== 'function' ||
        typeof key !== 'string' ||
        !(key in { get: 1, list: 1, start: 1, stop: 1, delete: 1, update: 1 })
      ) {
        return value;
      }
      return (...args: unknown[]) => {
        captured[key as keyof Captured] = args.at(-1);
        return value.apply(target, args);
      };
    },
  });
}

async function clientCopies(given: Record<string, unknown>): Promise<Captured> {
  const fake = fakeProvider('liveapi', { streams: 1 });
  const captured: Captured = {};
  const client = createLiveStreamClient(capturing(fake.provider, captured));
  const [stream] = await client.list().toArray();
  const id = (stream as { id: string }).id;
  await client.get(id, { ...given });
  await client.list({ ...given, pageSize: 5 }).toArray();
  await client.update(id, { name: 'Renamed' }, { ...given });
  await client.start(id, { ...given });
  await client.stop(id, { ...given });
  await client.delete(id, { ...given });
  return captured;
}

const optionsGiven = fc.constantFrom<Record<string, unknown>>(
  {},
  { timeoutMs: 5_000 },
  { signal: new AbortController().signal },
);

describe("a client's own copy of the options", () => {
  it('is frozen: a name, a value or the runtime cannot be added, changed or removed', async () => {
    await fc.assert(
      fc.asyncProperty(
        optionsGiven,
        fc.constantFrom('timeoutMS', 'pageSize', 'timeoutMs', 'runtime', 'signal'),
        fc.constantFrom<unknown>(-1, 5, 'x', {}),
        async (given, name, value) => {
          const captured = await clientCopies(given);
          for (const [call, copy] of Object.entries(captured)) {
            expect(Object.isFrozen(copy), call).toBe(true);
            const before = { ...(copy as object) };
            expect(() => {
              (copy as Record<string, unknown>)[name] = value;
            }, call).toThrow(TypeError);
            expect(() => delete (copy as Record<string, unknown>).runtime, call).toThrow(TypeError);
            expect({ ...(copy as object) }, call).toEqual(before);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("holds a frozen runtime, a wait's polls included", async () => {
    const fake = fakeProvider('liveapi', { streams: 1 });
    const captured: Captured = {};
    const client = createLiveStreamClient(capturing(fake.provider, captured));
    const [stream] = await client.list().toArray();
    const { id, state } = stream as { id: string; state: 'ready' };
    await client.get(id, { timeoutMs: 5_000 });
    expect(Object.isFrozen((captured.get as { runtime: object }).runtime)).toBe(true);
    delete captured.get;
    await client.waitForState(id, state, { timeoutMs: 5_000 });
    const poll = captured.get as { runtime: Record<string, unknown> };
    expect(Object.isFrozen(poll)).toBe(true);
    expect(Object.isFrozen(poll.runtime)).toBe(true);
    expect(() => {
      poll.runtime.clock = 'x';
    }).toThrow(TypeError);
  });

  it("holds nothing of the client's that can be changed: its runtime, hooks, clock, sleep and rate-limit gate are frozen", async () => {
    // Everything reachable from a copy through own properties, but for what the caller gave (its signal):
    // code handed one copy (a wrapping provider) must not be able to change what the client's later calls
    // run on. The gate is the client's `rateLimit`, shared by all its calls.
    const reachable = (root: unknown, callers: ReadonlySet<unknown>) => {
      const found: { path: string; value: object }[] = [];
      const seen = new Set<unknown>();
      const walk = (value: unknown, path: string) => {
        if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
        if (seen.has(value) || callers.has(value)) return;
        seen.add(value);
        found.push({ path, value });
        for (const key of Reflect.ownKeys(value)) {
          const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
          if (descriptor && 'value' in descriptor) walk(descriptor.value, `${path}.${String(key)}`);
        }
      };
      walk(root, 'copy');
      return found;
    };
    await fc.assert(
      fc.asyncProperty(
        optionsGiven,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('get', 'list', 'update', 'start', 'stop', 'delete', 'waitForState'),
        async (given, rateLimited, hooked, operation) => {
          const fake = fakeProvider('liveapi', { streams: 1 });
          const captured: Captured = {};
          const client = createLiveStreamClient(capturing(fake.provider, captured), {
            ...(rateLimited ? { rateLimit: { requestsPerSecond: 50, maxConcurrency: 4 } } : {}),
            ...(hooked ? { hooks: { onRequest: () => {}, onWarning: () => {} } } : {}),
          });
          const [stream] = await client.list().toArray();
          const { id, state } = stream as { id: string; state: 'ready' };
          for (const key of Object.keys(captured)) delete captured[key as keyof Captured];
          const calls: Record<string, () => Promise<unknown>> = {
            get: () => client.get(id, { ...given }),
            list: () => client.list({ ...given, pageSize: 5 }).toArray(),
            update: () => client.update(id, { name: 'Renamed' }, { ...given }),
            start: () => client.start(id, { ...given }),
            stop: () => client.stop(id, { ...given }),
            delete: () => client.delete(id, { ...given }),
            waitForState: () =>
              client.waitForState(id, state, {
                timeoutMs: 30_000,
                ...('signal' in given ? { signal: given.signal as AbortSignal } : {}),
              }),
          };
          await calls[operation]?.();
          const copy = captured[operation === 'waitForState' ? 'get' : (operation as keyof Captured)];
          expect(copy, operation).toBeDefined();
          // The signal is the caller's, or for a wait's poll of a provider from outside this repository one
          // the client made for that poll alone (it also fires at the wait's deadline): no later call runs on it.
          const signal = (copy as { signal?: unknown }).signal;
          if (signal !== given.signal) expect(signal).toBeInstanceOf(AbortSignal);
          const parts = reachable(copy, new Set([given.signal, signal]));
          const runtime = (copy as { runtime: Record<string, unknown> }).runtime;
          expect(parts.map((part) => part.path)).toContain('copy.runtime.clock');
          if (rateLimited) expect(parts.map((part) => part.path)).toContain('copy.runtime.gate.acquire');
          if (hooked) expect(parts.map((part) => part.path)).toContain('copy.runtime.hooks.onRequest');
          for (const part of parts)
            expect(Object.isFrozen(part.value), `${operation} ${part.path}`).toBe(true);
          // The tester's case: a rewritten acquire would turn the limit off for every later call.
          if (rateLimited) {
            const gate = runtime.gate as Record<string, unknown>;
            const acquire = gate.acquire;
            expect(() => {
              gate.acquire = async () => () => {};
            }).toThrow(TypeError);
            expect(() => Object.defineProperty(gate, 'pause', { value: () => {} })).toThrow(TypeError);
            expect(gate.acquire).toBe(acquire);
            // A later call is handed the same gate, as it was.
            delete captured.list;
            await client.list().toArray();
            expect((captured.list as { runtime: Record<string, unknown> }).runtime.gate).toBe(gate);
          }
        },
      ),
      {
        numRuns: 40,
        examples: [
          [{}, true, true, 'get'],
          [{ timeoutMs: 5_000 }, true, false, 'waitForState'],
        ],
      },
    );
  });

  it('is not stood for by an object made from it: Object.create(copy) is refused, not read as no options', async () => {
    const captured = await clientCopies({ timeoutMs: 5_000 });
    for (const [call, copy] of Object.entries(captured)) {
      const operation = call === 'list' ? 'list' : call;
      let thrown: unknown;
      try {
        providerCallOptions(Object.create(copy as object), 'liveapi', operation);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidInputError.isInstance(thrown), call).toBe(true);
      expect((thrown as InvalidInputError).issues[0]?.path, call).toBe('options');
      expect((thrown as InvalidInputError).issues[0]?.message, call).toMatch(/^expected a plain object/);
      expect((thrown as InvalidInputError).delivery, call).toBe('not-sent');
    }
  });
});

describe('plainObjectProblem', () => {
  it('refuses an object whose prototype is an object without one, holding any names', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { minKeys: 1, maxKeys: 4 }),
        (names) => {
          const prototype = Object.assign(Object.create(null), names) as object;
          expect(plainObjectProblem(Object.create(prototype))).toMatch(/^expected a plain object/);
        },
      ),
    );
  });

  it('takes the options a client hands its provider for a call given none, as another copy of core reads them', async () => {
    // A package manager that does not dedupe (yarn 1) installs a second copy of core under an adapter: that
    // copy's provider does not know the client's copy by identity and reads it as a caller's options. The
    // copy for a call given no options is an instance whose prototype is empty and has none: nothing is
    // inherited, so nothing would be dropped.
    const fake = fakeProvider('liveapi', { streams: 1 });
    const captured: Captured = {};
    const client = createLiveStreamClient(capturing(fake.provider, captured));
    const [stream] = await client.list().toArray();
    const id = (stream as { id: string }).id;
    await client.get(id);
    await client.start(id);
    await client.stop(id);
    await client.delete(id);
    expect(Object.keys(captured).sort()).toEqual(['delete', 'get', 'list', 'start', 'stop']);
    for (const [call, copy] of Object.entries(captured)) {
      expect(plainObjectProblem(copy as object), call).toBeUndefined();
    }
    expect(plainObjectProblem(Object.create(Object.create(null)) as object)).toBeUndefined();
  });

  it("still takes an object literal, Object.create(null), JSON.parse's and another realm's", () => {
    expect(plainObjectProblem({ timeoutMs: 5 })).toBeUndefined();
    expect(plainObjectProblem(Object.create(null))).toBeUndefined();
    expect(plainObjectProblem(JSON.parse('{"timeoutMs":5}'))).toBeUndefined();
    expect(plainObjectProblem(vm.runInNewContext('({ timeoutMs: 5 })') as object)).toBeUndefined();
    expect(plainObjectProblem(vm.runInNewContext('Object.create(null)') as object)).toBeUndefined();
  });
});
