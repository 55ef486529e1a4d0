import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from './liveapi-webhooks.js';

// parseWebhook's options that cannot be used as an options object are named as `options`, not as the first
// option read from them (a revoked Proxy was named `clock`), and nothing is read or fetched.

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class HookOptions {
  readonly unsigned = true;
}

const badOptions: fc.Arbitrary<{ options: unknown; message: string }> = fc.oneof(
  fc.constant({ options: revoked(), message: 'could not be read' }),
  fc.constant({ options: new Map([['unsigned', true]]), message: 'not a Map' }),
  fc.constant({ options: new HookOptions(), message: 'not an instance of HookOptions' }),
  fc.constant({ options: null, message: 'must be an object' }),
  fc
    .oneof(fc.string(), fc.integer(), fc.constant([]))
    .map((options) => ({ options, message: 'must be an object' })),
  fc.anything().map((thrown) => ({
    options: new Proxy(
      { unsigned: true },
      {
        getPrototypeOf: () => {
          throw thrown;
        },
      },
    ),
    message: 'could not be read',
  })),
);

describe('liveapi parseWebhook options', () => {
  it('names options when they are no plain object or cannot be read', async () => {
    await fc.assert(
      fc.asyncProperty(badOptions, async ({ options, message }) => {
        let caught: unknown;
        try {
          await parseWebhook({ body: '{}', headers: {}, url: 'https://app.example/hooks' }, options as never);
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        expect(caught).toMatchObject({ provider: 'liveapi', operation: 'parseWebhook' });
        expect((caught as InvalidInputError).issues).toEqual([
          { path: 'options', message: expect.stringContaining(message) },
        ]);
      }),
      { numRuns: 100 },
    );
  });
});
