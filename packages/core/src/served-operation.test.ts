import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors/errors.js';
import { createHttpClient } from './http/http-client.js';
import { providerCallOptions } from './options.js';
import { SecretSet } from './secrets.js';

// A runtime a caller makes for a provider called directly (a test's hooks) may name the operation its
// requests serve, and every error and hook event of theirs names it: one of unilive's operations. Any other
// text was taken and repeated everywhere as the operation, unmasked (a credential put there was shown).
describe('a runtime given directly: the operation it serves', () => {
  const operations = [
    'create',
    'get',
    'list',
    'update',
    'delete',
    'start',
    'stop',
    'waitForState',
    'waitForBroadcast',
    'findByName',
    'planMigration',
    'migrate',
  ];

  it('is one of unilive’s operations, else refused naming options.runtime.operation, unechoed (generated)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...operations),
          fc.string(),
          fc.stringMatching(/^[0-9a-f]{8,32}$/),
          fc.constantFrom<unknown>(5, null, {}, ['get']),
        ),
        fc.constantFrom('get', 'delete', 'stop', 'list'),
        (served, call) => {
          const options = { runtime: { operation: served } };
          let error: unknown;
          try {
            providerCallOptions(options, 'liveapi', call);
          } catch (caught) {
            error = caught;
          }
          if (typeof served === 'string' && operations.includes(served)) {
            expect(error).toBeUndefined();
            return;
          }
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          const refusal = error as InvalidInputError;
          expect(refusal.issues).toEqual([
            { path: 'options.runtime.operation', message: `expected one of ${operations.join(', ')}` },
          ]);
          expect(refusal.operation).toBe(call);
          expect(refusal.delivery).toBe('not-sent');
          // A text of the caller's (a credential, say) is never repeated.
          if (typeof served === 'string' && /^[0-9a-f]{8,}$/.test(served))
            expect(`${refusal.message} ${JSON.stringify(refusal)}`).not.toContain(served);
        },
      ),
      { numRuns: 200 },
    );
    // None named: the call is its own operation.
    expect(providerCallOptions({ runtime: {} }, 'liveapi', 'get')).toEqual({ runtime: {} });
  });
});

// The rest of a runtime given directly is what the HTTP layer uses: checked as it is used, before any
// request. A clock that was no function failed the call with a bare TypeError; a NaN deadline ended it at
// once as a timeout naming `timeoutMs`; hooks, a sleep or a gate of another shape were passed over.
describe('a runtime given directly: its other names', () => {
  const gate = { acquire: async () => () => {}, pause: () => {} };
  const good: Record<string, unknown> = {
    hooks: { onRequest: () => {}, onWarning: () => {} },
    clock: () => 0,
    sleep: async () => {},
    gate,
    deadline: Number.POSITIVE_INFINITY,
  };
  const bad: Record<string, { values: unknown[]; message: string }> = {
    clock: { values: [5, 'now', {}, null], message: 'expected a function' },
    sleep: { values: [5, 'x', null], message: 'expected a function' },
    hooks: { values: [5, 'x', null, []], message: 'expected an object' },
    gate: {
      values: [5, {}, { acquire: 5, pause: () => {} }, { acquire: async () => {} }],
      message: 'expected a request gate (acquire and pause, as createRequestGate makes one)',
    },
    deadline: {
      values: [Number.NaN, 'soon', null, {}],
      message: 'expected a time in epoch ms by its clock (a number; Infinity for none)',
    },
  };

  it('takes each as the HTTP layer uses it, and refuses any other value naming options.runtime.<name> (generated)', () => {
    const names = Object.keys(bad);
    fc.assert(
      fc.property(
        fc.subarray(names),
        fc.subarray(names),
        fc.constantFrom('get', 'delete', 'list', 'start'),
        fc.nat(),
        (given, broken, call, pick) => {
          const runtime: Record<string, unknown> = {};
          for (const name of given) runtime[name] = good[name];
          const refused = broken.filter((name) => !given.includes(name) || pick % 2 === 0);
          for (const name of refused) {
            const { values } = bad[name] as { values: unknown[] };
            runtime[name] = values[pick % values.length];
          }
          let error: unknown;
          let read: unknown;
          try {
            read = providerCallOptions({ runtime }, 'liveapi', call);
          } catch (caught) {
            error = caught;
          }
          if (refused.length === 0) {
            expect(error).toBeUndefined();
            expect({ ...(read as { runtime: object }).runtime }).toEqual(runtime);
            return;
          }
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          const refusal = error as InvalidInputError;
          expect(refusal.delivery).toBe('not-sent');
          expect(refusal.issues).toEqual(
            names
              .filter((name) => refused.includes(name))
              .sort((a, b) => Object.keys(runtime).indexOf(a) - Object.keys(runtime).indexOf(b))
              .map((name) => ({ path: `options.runtime.${name}`, message: bad[name]?.message })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an unknown name, and a hook that is no function or no hook', () => {
    const issues = (runtime: unknown) => {
      try {
        providerCallOptions({ runtime }, 'liveapi', 'get');
      } catch (caught) {
        return (caught as InvalidInputError).issues;
      }
      return [];
    };
    expect(issues({ clok: () => 0 })).toEqual([
      {
        path: 'options.runtime.clok',
        message: expect.stringMatching(/unknown option; did you mean "clock"\?/),
      },
    ]);
    expect(issues({ hooks: { onRequest: 5 } })).toEqual([
      { path: 'options.runtime.hooks.onRequest', message: 'expected a function' },
    ]);
    expect(issues({ hooks: { onReqest: () => {} } })).toEqual([
      {
        path: 'options.runtime.hooks.onReqest',
        message: expect.stringMatching(/unknown option; did you mean "onRequest"\?/),
      },
    ]);
  });
});

// A clock is called, not only checked for being a function: one that reads no time is refused before the
// first request. It ended the call at once as a timeout naming `timeoutMs`, after sending it (a create made
// the stream all the same), or escaped as a bare TypeError.
describe('a runtime given directly: a clock that reads no time', () => {
  it('is refused naming options.runtime.clock, nothing sent (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<() => unknown>(
          () => Number.NaN,
          async () => Date.now(),
          () => 1n,
          () => '1733500000000',
          () => undefined,
          () => Number.POSITIVE_INFINITY,
        ),
        async (clock) => {
          let sent = 0;
          const http = createHttpClient({
            provider: 'liveapi',
            baseUrl: 'https://api.example.test',
            headers: () => ({ authorization: 'Bearer zq-token-0123' }),
            secrets: new SecretSet(),
            retry: { maxRetries: 0 },
            fetch: async () => {
              sent += 1;
              return new Response('{}', { headers: { 'content-type': 'application/json' } });
            },
          });
          const error = await http
            .request({
              operation: 'get',
              method: 'GET',
              path: 'x',
              schema: v.unknown(),
              options: { runtime: { clock: clock as () => number } },
            })
            .catch((caught: unknown) => caught);
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidInputError).issues).toEqual([
            {
              path: 'options.runtime.clock',
              message: 'expected a clock that returns the time in epoch ms (a finite number)',
            },
          ]);
          expect((error as InvalidInputError).delivery).toBe('not-sent');
          expect(sent).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });
});
