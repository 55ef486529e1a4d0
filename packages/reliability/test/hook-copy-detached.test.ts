import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type HttpHooks,
  type Sleep,
  tokens,
  UniliveError,
} from '@unilive/core';
import { createContainer } from '@unilive/core/container';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// A hook gets its own frozen copy of the event: nothing it does to any object it can reach (the error, its
// cause, the cause's cause, `issues` and their items) changes the error the caller gets. Each case fails a
// call one way (a reset connection whose error has a cause with a code, a 503, an abort whose reason has a
// cause, input refused with issues), with hooks that assign, delete and define on everything reachable, and
// compares what the caller gets with the same call made without hooks.

const failures = ['network', '5xx', 'abort', 'invalid'] as const;
type Failure = (typeof failures)[number];
const tampers = ['assign', 'delete', 'define', 'push'] as const;
type Tamper = (typeof tampers)[number];

const { counted } = checkSection('hardening.hook-copy', 'hooks');
const check = "a hook changing anything it is handed leaves the caller's error as it was";

// Every object reachable from `root` through own properties (enumerable or not), each once.
function reachable(root: unknown): object[] {
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number) => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 10) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      let item: unknown;
      try {
        item = (value as Record<string | symbol, unknown>)[key];
      } catch {
        continue;
      }
      visit(item, depth + 1);
    }
  };
  visit(root, 0);
  return [...seen];
}

function tamper(event: unknown, ways: readonly Tamper[]): void {
  for (const target of reachable(event)) {
    const record = target as Record<string | symbol, unknown>;
    for (const way of ways) {
      for (const key of Reflect.ownKeys(target)) {
        try {
          if (way === 'assign') record[key] = 'changed by a hook';
          if (way === 'delete') delete record[key];
          if (way === 'define') Object.defineProperty(target, key, { value: 'redefined by a hook' });
        } catch {
          // Frozen: refused, as it must be.
        }
      }
      try {
        if (way === 'define') Object.defineProperty(target, 'extra', { value: 1, enumerable: true });
        if (way === 'assign') record.code = 'EHACKED';
        if (way === 'push' && Array.isArray(target)) target.push({ path: 'hook', message: 'added' });
      } catch {
        // Frozen: refused.
      }
    }
  }
}

// What a caller reads of an error: its JSON, and its cause chain's names, messages, codes and own keys.
function snapshot(error: unknown): unknown {
  if (!UniliveError.isInstance(error)) return String(error);
  const causes: unknown[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 10; depth += 1) {
    causes.push({
      name: cause.name,
      message: cause.message,
      code: (cause as { code?: unknown }).code,
      keys: Reflect.ownKeys(cause).map(String),
    });
    cause = cause.cause;
  }
  return {
    json: error.toJSON(),
    causes,
    keys: Reflect.ownKeys(error).map(String),
    issues: JSON.stringify((error as { issues?: unknown }).issues),
  };
}

describe('what a hook is handed', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    it(`is the hook's own: whatever it does, the caller's error is unchanged: ${adapterId} (generated)`, async () => {
      const container = createContainer();
      container.register(tokens.sleep, {
        useValue: (async (_ms, signal) => {
          if (signal?.aborted) throw signal.reason;
        }) as Sleep,
      });
      const failingFetch =
        (failure: Failure, abort: () => void): typeof fetch =>
        async () => {
          if (failure === '5xx')
            return new Response(JSON.stringify({ message: 'unavailable' }), {
              status: 503,
              headers: { 'content-type': 'application/json' },
            });
          if (failure === 'abort') abort();
          throw Object.assign(new TypeError('fetch failed'), {
            cause: Object.assign(new Error('read ECONNRESET', { cause: new Error('socket hang up') }), {
              code: 'ECONNRESET',
            }),
          });
        };
      const call = async (failure: Failure, route: 'client' | 'registry', hooks: HttpHooks) => {
        const controller = new AbortController();
        const reason = new Error('user cancelled', {
          cause: Object.assign(new Error('upstream failed'), { code: 'EUPSTREAM' }),
        });
        const provider = adapter.factory({
          ...adapter.fixtures.settings,
          ...adapter.settings,
          baseUrl: 'http://127.0.0.1:9/',
          retry: { maxRetries: 1 },
          fetch: failingFetch(failure, () => controller.abort(reason)),
        });
        const id = failure === 'invalid' ? '' : 'abc123';
        const options = { signal: controller.signal };
        const running =
          route === 'client'
            ? createLiveStreamClient(provider, { hooks, container }).get(id, options)
            : createLiveStreamRegistry({ providers: { here: provider }, hooks, container }).get(
                `here:${id}`,
                options,
              );
        return running.then(
          () => undefined,
          (error: unknown) => error,
        );
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...failures),
          fc.constantFrom('client' as const, 'registry' as const),
          fc.subarray([...tampers], { minLength: 1 }),
          (failure, route, ways) =>
            counted(check, adapterId, async () => {
              const untouched = await call(failure, route, {});
              let handed = 0;
              const hook = (event: unknown) => {
                handed += 1;
                tamper(event, ways);
              };
              const touched = await call(failure, route, { onRetry: hook, onError: hook, onResponse: hook });
              const where = `${route}, ${failure}, hooks ${ways.join('+')}`;
              expect(handed, where).toBeGreaterThan(0);
              expect(snapshot(touched), where).toEqual(snapshot(untouched));
            }),
        ),
        {
          numRuns: 40,
          examples: failures.flatMap((failure) =>
            (['client', 'registry'] as const).map((route): [Failure, 'client' | 'registry', Tamper[]] => [
              failure,
              route,
              [...tampers],
            ]),
          ),
        },
      );
    }, 600_000);
  }
});
