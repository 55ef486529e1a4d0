import fc from 'fast-check';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { AbortError, InvalidInputError, ProviderUnavailableError, TimeoutError } from '../errors/errors.js';
import type { Warning } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { type Sleep, systemClock, systemSleep } from '../runtime.js';
import { SecretSet } from '../secrets.js';
import { gateKeyOf } from './gate-key.js';
import { createMemoryGateStore, type GateStore } from './gate-store.js';
import type { WarningEvent } from './hooks.js';
import { createHttpClient } from './http-client.js';
import {
  createRequestGate,
  GateDeadlineError,
  GateStoreUnavailableError,
  gateStoreRetryMs,
  type RequestGate,
} from './request-gate.js';
import { retryAfterCeilingMs } from './retry-policy.js';

/** A shared store stand-in: a memory store that can be switched off (every call rejects, as Redis down). */
function switchableStore(clock: () => number, extra: Partial<GateStore> = {}) {
  const inner = createMemoryGateStore(clock);
  const state = { down: false, calls: 0 };
  const guard =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.calls += 1;
      if (state.down)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
      return method(...args);
    };
  const store: GateStore = {
    takeToken: guard(inner.takeToken),
    acquireSlot: guard(inner.acquireSlot),
    releaseSlot: guard(inner.releaseSlot),
    setPause: guard(inner.setPause),
    pausedUntil: guard(inner.pausedUntil),
    description: 'Shared store at 127.0.0.1:6379',
    ...extra,
  };
  return { store, inner, state };
}

function virtualTime(start = 1_000_000) {
  let now = start;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('a request gate on a shared store', () => {
  it('keeps its budget in the shared store, so two gates on one store share it', async () => {
    const time = virtualTime();
    const { store } = switchableStore(time.clock);
    const first = createRequestGate({ maxConcurrency: 2, store }, time.clock, time.sleep);
    const second = createRequestGate({ maxConcurrency: 2, store }, time.clock, time.sleep);
    const held = [await first.acquire({ key: 'a' }), await second.acquire({ key: 'a' })];
    // Both slots of account a are taken, one by each gate: a third caller would have to wait.
    const refused = await first
      .acquire({ key: 'a', deadline: time.clock() })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GateDeadlineError);
    // Another account has its own budget.
    const other = await second.acquire({ key: 'b', deadline: time.clock() + 1 });
    for (const release of [...held, other]) release();
  });

  it('falls back to memory when the store fails, warns once per outage, and returns when it answers', async () => {
    const time = virtualTime();
    const { store, state } = switchableStore(time.clock);
    const gate = createRequestGate(
      { requestsPerSecond: 10, maxConcurrency: 1, store },
      time.clock,
      time.sleep,
    );
    const warnings: Warning[] = [];
    const onWarning = (warning: Warning) => warnings.push(warning);
    (await gate.acquire({ key: 'a', onWarning }))();
    expect(warnings).toEqual([]);

    state.down = true;
    const starts: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const release = await gate.acquire({ key: 'a', onWarning });
      starts.push(time.clock());
      release();
    }
    expect(warnings).toEqual([
      {
        type: 'fallback',
        setting: 'rateLimit.store',
        message:
          'Shared store at 127.0.0.1:6379 is unavailable (ECONNREFUSED): this process paces its requests alone, in memory, until it answers again',
      },
    ]);
    // Paced in memory meanwhile: 10 per second.
    expect(starts.slice(1).map((start, index) => start - (starts[index] as number))).toEqual([
      100, 100, 100, 100,
    ]);

    // Back: once the retry interval has passed, the shared store serves again.
    state.down = false;
    await time.sleep(gateStoreRetryMs);
    const callsBefore = state.calls;
    (await gate.acquire({ key: 'a', onWarning }))();
    expect(state.calls).toBeGreaterThan(callsBefore);
    // A second outage warns again.
    state.down = true;
    (await gate.acquire({ key: 'a', onWarning }))();
    expect(warnings).toHaveLength(2);
  });

  it('asks a failing store at most once per retry interval, so an outage costs no round trip per request', async () => {
    const time = virtualTime();
    const { store, state } = switchableStore(time.clock);
    const gate = createRequestGate({ requestsPerSecond: 1000, store }, time.clock, time.sleep);
    state.down = true;
    (await gate.acquire({ key: 'a' }))();
    const callsAfterFirst = state.calls;
    for (let index = 0; index < 50; index += 1) (await gate.acquire({ key: 'a' }))();
    // 50 more requests within one retry interval (1 ms apart): the failing store was not asked again.
    expect(time.clock() - 1_000_000).toBeLessThan(gateStoreRetryMs);
    expect(state.calls).toBe(callsAfterFirst);
  });

  it("with onUnavailable 'fail', callers queued behind a store that timed out are refused with it, not one timeout each", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom<Partial<{ maxConcurrency: number; requestsPerSecond: number }>>(
          { maxConcurrency: 2 },
          { requestsPerSecond: 50 },
          { maxConcurrency: 1, requestsPerSecond: 5 },
        ),
        async (callers, limits) => {
          const time = virtualTime();
          const commandTimeoutMs = 1_000;
          const { store, state } = switchableStore(time.clock, { onUnavailable: 'fail' });
          // A store that accepts the question and never answers: each call gives up after its timeout.
          const asked: number[] = [];
          const silent = async () => {
            state.calls += 1;
            asked.push(time.clock());
            await time.sleep(commandTimeoutMs);
            throw Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' });
          };
          const hanging: GateStore = {
            ...store,
            takeToken: silent,
            acquireSlot: silent,
            pausedUntil: silent,
          };
          const gate = createRequestGate({ ...limits, store: hanging }, time.clock, time.sleep);
          const started = time.clock();
          const outcomes = await Promise.all(
            Array.from({ length: callers }, () =>
              gate.acquire({ key: 'a' }).then(
                () => 'sent',
                (error: unknown) => (error as GateStoreUnavailableError).reason,
              ),
            ),
          );
          expect(outcomes).toEqual(Array.from({ length: callers }, () => 'ETIMEDOUT'));
          // Only the first caller asked (a pause and a slot or token, together): nobody asked once it had
          // failed, so the callers waited one store timeout in all, not one each.
          expect(asked.length).toBeLessThanOrEqual(2);
          expect(time.clock() - started).toBeLessThanOrEqual(2 * commandTimeoutMs);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('warns once for a store that answers reads and refuses writes (a full Redis), however long it lasts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Partial<{ maxConcurrency: number; requestsPerSecond: number }>>(
          { maxConcurrency: 2 },
          { requestsPerSecond: 20 },
          { maxConcurrency: 1, requestsPerSecond: 5 },
        ),
        fc.integer({ min: 2, max: 20 }),
        async (limits, seconds) => {
          const time = virtualTime();
          const full = () =>
            Promise.reject(Object.assign(new Error('OOM command not allowed'), { code: 'OOM' }));
          const { store } = switchableStore(time.clock, { takeToken: full, acquireSlot: full });
          const gate = createRequestGate({ ...limits, store }, time.clock, time.sleep);
          const warnings: Warning[] = [];
          for (let second = 0; second < seconds; second += 1) {
            (await gate.acquire({ key: 'a', onWarning: (warning) => warnings.push(warning) }))();
            await time.sleep(gateStoreRetryMs);
          }
          expect(warnings.map((warning) => warning.message)).toEqual([
            'Shared store at 127.0.0.1:6379 is unavailable (OOM): this process paces its requests alone, in memory, until it answers again',
          ]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('warns once for a store one kind of whose questions fails while the others answer (a key of another type)', async () => {
    // Redis answering `WRONGTYPE` for one of the gate's keys only: the other questions get through between
    // the failing ones, which must not end the outage and start another, warned about again.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<{
          limits: { maxConcurrency?: number; requestsPerSecond?: number };
          broken: keyof GateStore;
        }>(
          { limits: { maxConcurrency: 2, requestsPerSecond: 3 }, broken: 'acquireSlot' },
          { limits: { maxConcurrency: 2, requestsPerSecond: 3 }, broken: 'takeToken' },
          { limits: { maxConcurrency: 2, requestsPerSecond: 3 }, broken: 'pausedUntil' },
          { limits: { maxConcurrency: 1 }, broken: 'acquireSlot' },
          { limits: { requestsPerSecond: 5 }, broken: 'pausedUntil' },
        ),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        async ({ limits, broken }, seconds, perSecond) => {
          const time = virtualTime();
          const wrongType = () =>
            Promise.reject(
              Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), {
                code: 'WRONGTYPE',
              }),
            );
          const { store, inner } = switchableStore(time.clock);
          const broke = { on: true };
          const working = inner[broken] as (...args: never[]) => Promise<unknown>;
          (store as unknown as Record<string, unknown>)[broken] = (...args: never[]) =>
            broke.on ? wrongType() : working(...args);
          const gate = createRequestGate({ ...limits, store }, time.clock, time.sleep);
          const warnings: Warning[] = [];
          const onWarning = (warning: Warning) => warnings.push(warning);
          for (let second = 0; second < seconds; second += 1) {
            for (let call = 0; call < perSecond; call += 1) (await gate.acquire({ key: 'a', onWarning }))();
            await time.sleep(gateStoreRetryMs);
          }
          const message =
            'Shared store at 127.0.0.1:6379 is unavailable (WRONGTYPE): this process paces its requests alone, in memory, until it answers again';
          expect(warnings.map((warning) => warning.message)).toEqual([message]);
          // Mended, the outage ends: a later failure is a new outage, warned about again.
          broke.on = false;
          (await gate.acquire({ key: 'a', onWarning }))();
          await time.sleep(gateStoreRetryMs);
          (await gate.acquire({ key: 'a', onWarning }))();
          broke.on = true;
          (await gate.acquire({ key: 'a', onWarning }))();
          expect(warnings.map((warning) => warning.message)).toEqual([message, message]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("takes an answer of another kind from a store of the caller's own as the store failing: warned once, paced in memory (generated)", async () => {
    const garbage = fc.constantFrom<unknown>(
      Number.NaN,
      undefined,
      null,
      {},
      'yes',
      '5',
      -1,
      Number.POSITIVE_INFINITY,
      [],
      1n,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'takeToken' | 'acquireSlot' | 'pausedUntil'>(
          'takeToken',
          'acquireSlot',
          'pausedUntil',
        ),
        garbage,
        fc.integer({ min: 1, max: 6 }),
        async (method, answer, calls) => {
          const time = virtualTime();
          const { store, inner } = switchableStore(time.clock, {
            [method]: async () => answer,
          });
          const gate = createRequestGate(
            { maxConcurrency: 2, requestsPerSecond: 2, store },
            time.clock,
            time.sleep,
          );
          const warnings: Warning[] = [];
          const started: number[] = [];
          for (let call = 0; call < calls; call += 1) {
            const release = await gate.acquire({
              key: 'a',
              deadline: time.clock() + 60_000,
              onWarning: (warning) => warnings.push(warning),
            });
            started.push(time.clock());
            release();
          }
          expect(warnings.map((warning) => warning.message)).toEqual([
            'Shared store at 127.0.0.1:6379 is unavailable (BADANSWER): this process paces its requests alone, in memory, until it answers again',
          ]);
          // Every call started: the old gate looped on a NaN wait without ever sleeping, until the heap ran out.
          expect(started).toHaveLength(calls);
          // A slot the store may have taken with a truthy answer is given back there.
          if (method === 'acquireSlot') expect(await inner.acquireSlot('a', 'probe', 2, 1_000)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('holds a pause longer than a day in the shared store to a day, as a vendor asking for years is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: retryAfterCeilingMs + 1, max: 1e13 }),
        fc.constantFrom({ maxConcurrency: 2 }, { requestsPerSecond: 5 }, {}),
        async (pauseMs, limits) => {
          const time = virtualTime();
          // Another program's key: a pause no gate writes (each writes at most its maxRetryAfterMs).
          const end = time.clock() + pauseMs;
          const { store } = switchableStore(time.clock, { pausedUntil: async () => end });
          const gate = createRequestGate({ ...limits, store }, time.clock, time.sleep);
          const error = await gate
            .acquire({ key: 'a', deadline: time.clock() + 60_000 })
            .catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(GateDeadlineError);
          expect((error as GateDeadlineError).waitMs).toBe(retryAfterCeilingMs);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("with onUnavailable 'fail', refuses the request before anything is sent", async () => {
    const time = virtualTime();
    const { store, state } = switchableStore(time.clock, { onUnavailable: 'fail' });
    const gate = createRequestGate({ maxConcurrency: 2, store }, time.clock, time.sleep);
    state.down = true;
    const error = await gate.acquire({ key: 'a' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GateStoreUnavailableError);
    expect((error as GateStoreUnavailableError).reason).toBe('ECONNREFUSED');
    state.down = false;
    (await gate.acquire({ key: 'a' }))();
  });

  it('keeps a pause after a 429 in memory too, so a fallback still honours it', async () => {
    const time = virtualTime();
    const { store, state } = switchableStore(time.clock);
    const gate = createRequestGate({ requestsPerSecond: 100, store }, time.clock, time.sleep);
    gate.pause(time.clock() + 3_000, 'a');
    state.down = true;
    const before = time.clock();
    (await gate.acquire({ key: 'a' }))();
    expect(time.clock() - before).toBe(3_000);
  });

  it('never holds a slot in a store that failed halfway, and reports a foreign error by code or class only', async () => {
    const time = virtualTime();
    const { store, inner } = switchableStore(time.clock, { onUnavailable: 'fail' });
    // The pause read fails while the slot is taken: the slot is given back.
    store.pausedUntil = async () => {
      throw new TypeError('secret-looking text that must not be repeated');
    };
    const gate = createRequestGate({ maxConcurrency: 1, store }, time.clock, time.sleep);
    const error = await gate.acquire({ key: 'a' }).catch((caught: unknown) => caught);
    expect((error as GateStoreUnavailableError).message).toBe(
      'Shared store at 127.0.0.1:6379 is unavailable (TypeError)',
    );
    await Promise.resolve();
    expect(await inner.acquireSlot('a', 'probe', 1, 1000)).toBe(true);
  });

  it('settles every call and leaks no slot while the store fails and recovers at random (fake clock)', async () => {
    const scenario = fc.record({
      maxConcurrency: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      requestsPerSecond: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
      onUnavailable: fc.constantFrom<'fallback' | 'fail'>('fallback', 'fail'),
      outages: fc.array(
        fc.record({ at: fc.integer({ min: 0, max: 2_000 }), forMs: fc.integer({ min: 1, max: 1_500 }) }),
        {
          maxLength: 3,
        },
      ),
      calls: fc.array(
        fc.record({ at: fc.integer({ min: 0, max: 2_000 }), holdMs: fc.integer({ min: 0, max: 400 }) }),
        { minLength: 1, maxLength: 20 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        scenario,
        async ({ maxConcurrency, requestsPerSecond, onUnavailable, outages, calls }) => {
          vi.useFakeTimers({ now: 0 });
          try {
            const { store, inner, state } = switchableStore(systemClock, { onUnavailable });
            const gate = createRequestGate(
              {
                ...(maxConcurrency ? { maxConcurrency } : {}),
                ...(requestsPerSecond ? { requestsPerSecond } : {}),
                store,
              },
              systemClock,
              systemSleep,
            );
            for (const outage of outages) {
              setTimeout(() => {
                state.down = true;
              }, outage.at);
              setTimeout(() => {
                state.down = false;
              }, outage.at + outage.forMs);
            }
            const settled: string[] = [];
            const problems: string[] = [];
            calls.forEach((plan, index) => {
              setTimeout(() => {
                gate.acquire({ key: 'a', deadline: Date.now() + 10_000 }).then(
                  (release) =>
                    setTimeout(() => {
                      release();
                      settled[index] = 'ran';
                    }, plan.holdMs),
                  (error: unknown) => {
                    const expected =
                      error instanceof GateDeadlineError ||
                      (onUnavailable === 'fail' && error instanceof GateStoreUnavailableError);
                    if (!expected) problems.push(`call ${index}: ${String(error)}`);
                    settled[index] = 'refused';
                  },
                );
              }, plan.at);
            });
            await vi.runAllTimersAsync();
            expect(problems).toEqual([]);
            expect(calls.map((_, index) => settled[index] !== undefined)).toEqual(calls.map(() => true));
            // Every slot taken in the shared store was given back; one whose release failed in an outage
            // expires after its hold time (2 minutes by default), and then every slot is free again.
            state.down = false;
            if (maxConcurrency) {
              if (outages.length > 0) vi.setSystemTime(Date.now() + 120_001);
              const probes = await Promise.all(
                Array.from({ length: maxConcurrency }, (_, index) =>
                  inner.acquireSlot('a', `probe-${index}`, maxConcurrency, 1),
                ),
              );
              expect(probes.filter(Boolean)).toHaveLength(maxConcurrency);
            }
          } finally {
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the account key of the HTTP layer', () => {
  const schema = v.looseObject({ id: v.string() });
  const ok = () => new Response('{"id":"a"}', { headers: { 'content-type': 'application/json' } });

  function client(account: (() => string) | undefined, keys: string[], warnings: WarningEvent[] = []) {
    const time = virtualTime();
    const inner = createRequestGate({ maxConcurrency: 4 }, time.clock, time.sleep);
    // A gate over the client's (which is frozen) that records the budget each request draws on.
    const gate: RequestGate = {
      acquire: (options) => {
        keys.push(options?.key ?? 'none');
        return inner.acquire(options);
      },
      pause: (untilMs, key) => inner.pause(untilMs, key),
    };
    return createHttpClient({
      provider: 'test-vendor',
      baseUrl: 'https://api.vendor.test',
      headers: () => ({ authorization: 'Bearer token-aaaaaaaaaaaaaaaa' }),
      ...(account ? { account } : {}),
      secrets: new SecretSet(),
      fetch: (async () => ok()) as typeof fetch,
    }).request.bind(undefined, {
      operation: 'get',
      method: 'GET',
      path: 'a',
      schema,
      options: {
        runtime: {
          gate,
          clock: time.clock,
          sleep: time.sleep,
          hooks: { onWarning: (event) => warnings.push(event) },
        },
      },
    });
  }

  it('keys the budget by a digest of provider, base URL and account, never the account itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), async (first, second) => {
        const keys: string[] = [];
        await client(() => first, keys)();
        await client(() => second, keys)();
        await client(() => first, keys)();
        const [a, b, c] = keys as [string, string, string];
        expect(a).toBe(await gateKeyOf('test-vendor', 'https://api.vendor.test/', first));
        expect(a).toMatch(/^test-vendor:[0-9a-f]{32}$/);
        expect(c).toBe(a);
        if (first !== second) expect(b).not.toBe(a);
      }),
      { numRuns: 100 },
    );
    // The same account against another API root is another budget.
    expect(await gateKeyOf('test-vendor', 'https://sandbox.test/', 'x')).not.toBe(
      await gateKeyOf('test-vendor', 'https://api.vendor.test/', 'x'),
    );
  });

  it('falls back to the base URL budget when the account cannot be read, and the request goes on', async () => {
    const keys: string[] = [];
    await client(() => {
      throw new Error('no credential');
    }, keys)();
    await client(undefined, keys)();
    expect(keys[0]).toBe(await gateKeyOf('test-vendor', 'https://api.vendor.test/', undefined));
    expect(keys[1]).toBe(keys[0]);
  });
});

/**
 * A shared store that accepts every question and answers none until told (a Redis that accepts the
 * connection and never replies: stalled, SIGSTOPped, half-open). `answerAll` settles what is pending.
 */
function silentStore(onUnavailable: 'fallback' | 'fail', onAsk: () => void = () => {}) {
  const pending: { method: string; args: unknown[]; settle: (answer: 'yes' | 'no' | 'fail') => void }[] = [];
  const released: string[] = [];
  let silent = true;
  const inner = createMemoryGateStore(() => 0);
  const ask =
    (method: 'takeToken' | 'acquireSlot' | 'pausedUntil' | 'setPause') =>
    (...args: unknown[]) =>
      silent
        ? new Promise<never>((resolve, reject) => {
            onAsk();
            pending.push({
              method,
              args,
              settle: (answer) => {
                if (answer === 'fail')
                  reject(Object.assign(new Error('Command timed out'), { code: 'ETIMEDOUT' }));
                // A slot taken, or refused; a token free (0 ms to wait); no pause.
                else resolve((method === 'acquireSlot' ? answer === 'yes' : 0) as never);
              },
            });
          })
        : (inner[method] as (...given: unknown[]) => Promise<never>)(...args);
  const store: GateStore = {
    takeToken: ask('takeToken') as GateStore['takeToken'],
    acquireSlot: ask('acquireSlot') as GateStore['acquireSlot'],
    pausedUntil: ask('pausedUntil') as GateStore['pausedUntil'],
    setPause: ask('setPause') as GateStore['setPause'],
    releaseSlot: async (key, holder) => {
      released.push(holder);
      return inner.releaseSlot(key, holder);
    },
    description: 'Redis at 127.0.0.1:6390',
    onUnavailable,
  };
  return {
    store,
    pending,
    released,
    answerAll(answer: 'yes' | 'no' | 'fail') {
      silent = false;
      for (const question of pending.splice(0)) question.settle(answer);
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a request gate on a shared store that does not answer', () => {
  it("ends the caller's wait at its deadline or signal, gives back a slot the store takes later, and stays usable (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('concurrency', 'rate', 'both', 'pause only'),
        // `abort as asked`: while the store has its turn, before any timer of the gate is armed.
        fc.constantFrom('deadline', 'abort', 'aborted before', 'abort as asked'),
        fc.constantFrom('yes' as const, 'no' as const, 'fail' as const),
        fc.constantFrom('fallback' as const, 'fail' as const),
        async (limits, ender, late, onUnavailable) => {
          const time = virtualTime();
          const controller = new AbortController();
          const reason = new Error('the caller gave up');
          const silent = silentStore(onUnavailable, () => {
            // In a microtask: after the gate has begun waiting on the question, before its turn ends.
            if (ender === 'abort as asked') queueMicrotask(() => controller.abort(reason));
          });
          const gate = createRequestGate(
            {
              ...(limits === 'rate' || limits === 'both' ? { requestsPerSecond: 5 } : {}),
              ...(limits === 'concurrency' || limits === 'both' ? { maxConcurrency: 2 } : {}),
              store: silent.store,
            },
            time.clock,
            time.sleep,
          );
          const warnings: Warning[] = [];
          if (ender === 'aborted before') controller.abort(reason);
          const waiting = gate
            .acquire({
              key: 'a',
              // A deadline the virtual sleep reaches at once, once the store had its turn and said nothing.
              ...(ender === 'deadline' ? { deadline: time.clock() + 1_000 } : { signal: controller.signal }),
              onWarning: (warning) => warnings.push(warning),
            })
            .then(
              () => 'started',
              (error: unknown) => error,
            );
          if (ender === 'abort') {
            await turn();
            await turn();
            controller.abort(reason);
          }
          const outcome = await waiting;
          if (ender === 'deadline') {
            expect(outcome).toBeInstanceOf(GateDeadlineError);
            expect(outcome).toMatchObject({ reason: 'store', store: 'Redis at 127.0.0.1:6390' });
          } else expect(outcome).toBe(reason);
          // Giving up on a store is no outage: nothing was warned about.
          expect(warnings).toEqual([]);
          // The store answers at last: a slot it took for the caller gone is given back.
          const takes = silent.pending.filter((question) => question.method === 'acquireSlot');
          silent.answerAll(late);
          await turn();
          expect(silent.released).toEqual(
            late === 'yes' ? takes.map((question) => question.args[1] as string) : [],
          );
          // The store answers again: the next call goes through it, whatever came late.
          const next = await gate.acquire({ key: 'a', deadline: time.clock() + 1_000 }).then(
            (release) => {
              release();
              return 'started';
            },
            (error: unknown) => (error instanceof GateStoreUnavailableError ? 'refused' : String(error)),
          );
          expect(next).toBe('started');
          // A failure no caller waited on is nobody's: no warning, no refusal of a later caller.
          expect(warnings).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is a TimeoutError naming the store through the HTTP layer, and an abort an AbortError, neither sent', async () => {
    for (const ender of ['deadline', 'abort'] as const) {
      const time = virtualTime();
      const silent = silentStore('fallback');
      const sent: string[] = [];
      const http = createHttpClient({
        provider: 'test-vendor',
        baseUrl: 'https://api.vendor.test',
        headers: () => ({}),
        secrets: new SecretSet(),
        // The abort case's limit is out of reach: only the signal may end it, however busy the machine.
        totalTimeoutMs: ender === 'deadline' ? 1_000 : 600_000,
        fetch: (async (input: RequestInfo | URL) => {
          sent.push(String(input));
          return new Response('{"id":"a"}', { headers: { 'content-type': 'application/json' } });
        }) as typeof fetch,
      });
      // The abort case's sleeps, the gate's among them, never end by themselves: a virtual sleep that ends at
      // once would end the gate's wait on the store at its (far) deadline whenever that came before the abort.
      const sleep: Sleep = ender === 'abort' ? (_ms, signal) => aborted(signal) : time.sleep;
      const gate = createRequestGate({ maxConcurrency: 1, store: silent.store }, time.clock, sleep);
      const controller = new AbortController();
      const call = http
        .request({
          operation: 'get',
          method: 'GET',
          path: 'a',
          schema: v.looseObject({ id: v.string() }),
          options: {
            ...(ender === 'abort' ? { signal: controller.signal } : {}),
            runtime: {
              gate,
              clock: time.clock,
              sleep,
            },
          },
        })
        .catch((caught: unknown) => caught);
      if (ender === 'abort') {
        await turn();
        await turn();
        controller.abort();
      }
      const error = await call;
      if (ender === 'deadline') {
        expect(TimeoutError.isInstance(error)).toBe(true);
        expect((error as TimeoutError).message).toBe(
          "test-vendor: the rate limit store (Redis at 127.0.0.1:6390) did not answer before the call's time limit (totalTimeoutMs 1000 ms), less its reserve, ran out; not sent",
        );
      } else expect(AbortError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).delivery).toBe('not-sent');
      expect(sent).toEqual([]);
      silent.answerAll('yes');
    }
  });
});

function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

describe('rateLimit.store on the client', () => {
  const provider = {
    id: 'test-vendor',
    specificationVersion: 'v1',
    capabilities: {},
  } as unknown as LiveStreamProvider;

  it('refuses a store that is not one, naming the setting', () => {
    const error = (() => {
      try {
        createLiveStreamClient(provider, {
          rateLimit: { store: { takeToken: () => 0 } as unknown as GateStore },
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['rateLimit.store']);
  });

  it("reports a fallback through onWarning with provider and operation, and 'fail' as ProviderUnavailableError, not sent", async () => {
    const time = virtualTime();
    const sent: string[] = [];
    const make = (onUnavailable: 'fallback' | 'fail') => {
      const { store, state } = switchableStore(time.clock, { onUnavailable });
      state.down = true;
      const http = createHttpClient({
        provider: 'test-vendor',
        baseUrl: 'https://api.vendor.test',
        headers: () => ({}),
        secrets: new SecretSet(),
        fetch: (async (input: RequestInfo | URL) => {
          sent.push(String(input));
          return new Response('{"id":"a"}', { headers: { 'content-type': 'application/json' } });
        }) as typeof fetch,
      });
      const warnings: WarningEvent[] = [];
      const gate = createRequestGate({ requestsPerSecond: 5, store }, time.clock, time.sleep);
      const call = () =>
        http.request({
          operation: 'get',
          method: 'GET',
          path: 'a',
          schema: v.looseObject({ id: v.string() }),
          options: {
            runtime: {
              gate,
              clock: time.clock,
              sleep: time.sleep,
              hooks: { onWarning: (event) => warnings.push(event) },
            },
          },
        });
      return { call, warnings };
    };
    const fallback = make('fallback');
    expect((await fallback.call()).data).toEqual({ id: 'a' });
    expect(fallback.warnings).toEqual([
      {
        provider: 'test-vendor',
        operation: 'get',
        warning: expect.objectContaining({ type: 'fallback', setting: 'rateLimit.store' }),
      },
    ]);
    expect(sent).toHaveLength(1);

    const failing = make('fail');
    const error = await failing.call().catch((caught: unknown) => caught);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect((error as ProviderUnavailableError).delivery).toBe('not-sent');
    expect((error as ProviderUnavailableError).message).toBe(
      'test-vendor: the rate limit store (Shared store at 127.0.0.1:6379) is unavailable (ECONNREFUSED) and rateLimit is set to fail then; not sent',
    );
    expect(sent).toHaveLength(1);
  });
});

afterEach(() => {
  vi.useRealTimers();
});
