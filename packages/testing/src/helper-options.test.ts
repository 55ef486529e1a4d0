import { createEventHub, InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lossyFetch } from './lossy-fetch.js';
import { startWebhookReceiver } from './webhook-receiver.js';

// The testing helpers read their options as every options object is (core's readOptions): a Map's `path`
// or a throwing getter is an InvalidInputError naming it, before anything is fetched or served.

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class Options {
  readonly path = '/webhooks';
}

type Case = { options: unknown; path: string; message: string };

// Hostile options around a valid base, for a helper whose option names are `names`.
function cases(base: () => Record<string, unknown>, names: readonly string[], typo: [string, string]) {
  return fc.oneof(
    fc.constant<Case>({ options: new Map(Object.entries(base())), path: 'options', message: 'not a Map' }),
    fc.constant<Case>({ options: new Options(), path: 'options', message: 'not an instance of Options' }),
    fc.constant<Case>({ options: revoked(), path: 'options', message: 'could not be read' }),
    fc.constant<Case>({ options: null, path: 'options', message: 'expected an object' }),
    fc.tuple(fc.constantFrom(...names), fc.anything()).map(([name, thrown]): Case => {
      const options = base();
      Object.defineProperty(options, name, {
        enumerable: true,
        get: () => {
          throw thrown;
        },
      });
      return { options, path: `options.${name}`, message: 'could not be read' };
    }),
    fc.constant<Case>({
      options: { ...base(), [typo[0]]: base()[typo[1]] ?? '/x' },
      path: `options.${typo[0]}`,
      message: `did you mean "${typo[1]}"`,
    }),
  );
}

async function refusal(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('testing helpers read their options as every options object is', () => {
  it('lossyFetch refuses options it cannot use, naming them, and a plan that is no function', async () => {
    await fc.assert(
      fc.asyncProperty(
        cases(() => ({ path: (pathname: string) => pathname }), ['path'], ['pth', 'path']),
        async ({ options, path, message }) => {
          const error = await refusal(() => lossyFetch(() => undefined, options as never));
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
          expect((error as InvalidInputError).issues[0]?.message).toContain(message);
        },
      ),
      { numRuns: 100 },
    );
    const error = await refusal(() => lossyFetch(undefined as never));
    expect((error as InvalidInputError).issues).toEqual([{ path: 'plan', message: 'expected a function' }]);
  });

  it('startWebhookReceiver refuses options it cannot use, naming them, before serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        cases(
          () => ({ parse: async () => [], hub: createEventHub(), path: '/hooks' }),
          ['parse', 'hub', 'path'],
          ['pase', 'parse'],
        ),
        async ({ options, path, message }) => {
          const error = await refusal(() => startWebhookReceiver(options as never));
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
          expect((error as InvalidInputError).issues[0]?.message).toContain(message);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('startWebhookReceiver serves at the path given as a plain object', async () => {
    const receiver = await startWebhookReceiver({ parse: async () => [], path: '/hooks' });
    try {
      expect(receiver.url).toMatch(/\/hooks$/);
    } finally {
      await receiver.close();
    }
  });
});
