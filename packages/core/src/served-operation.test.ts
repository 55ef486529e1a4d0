import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors/errors.js';
import { providerCallOptions } from './options.js';

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
