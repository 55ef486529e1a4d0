import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allDialects } from './dialects/index.js';
import { startSandbox } from './server.js';

// Every list startSandbox takes is read once, by index: one whose reading throws (a Proxy whose `length` or
// an entry throws, a getter on an entry, a revoked Proxy) is an InvalidInputError naming it, the thrown value
// as `cause`, before anything listens; one whose iterator throws is read as its entries.
const lists = {
  dialects: (list: unknown) => ({ dialects: list }),
  allowedHosts: (list: unknown) => ({ allowedHosts: list }),
  'webhooks.endpoints': (list: unknown) => ({ webhooks: { endpoints: list } }),
} as const;
const entries: Record<keyof typeof lists, unknown[]> = {
  dialects: [...allDialects],
  allowedHosts: ['sandbox.test', '192.168.1.20'],
  'webhooks.endpoints': [{ provider: 'liveapi', url: 'http://127.0.0.1:9/hooks' }],
};

describe('startSandbox option lists', () => {
  it('refuses a list whose reading throws, naming it; reads one whose iterator throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(lists) as (keyof typeof lists)[])),
        fc.constantFrom('length', 'entry', 'entry-getter', 'revoked', 'iterator'),
        fc.nat(),
        fc.stringMatching(/^[a-z0-9]{6,16}$/),
        async (path, trap, at, marker) => {
          const thrown = new Error(`caller trap-${marker}`);
          const list = [...entries[path]];
          const entry = String(at % list.length);
          let hostile: unknown;
          if (trap === 'revoked') {
            const revocable = Proxy.revocable(list, {});
            revocable.revoke();
            hostile = revocable.proxy;
          } else if (trap === 'entry-getter') {
            Object.defineProperty(list, entry, {
              get: () => {
                throw thrown;
              },
              enumerable: true,
            });
            hostile = list;
          } else {
            const key = trap === 'length' ? 'length' : trap === 'entry' ? entry : Symbol.iterator;
            hostile = new Proxy(list, {
              get: (target, name, receiver) => {
                if (name === key) throw thrown;
                return Reflect.get(target, name, receiver);
              },
            });
          }
          const options = { media: false as const, ...lists[path](hostile) };
          const result = await startSandbox(options as never).then(
            async (sandbox) => {
              await sandbox.close();
              return undefined;
            },
            (error: unknown) => error,
          );
          if (trap === 'iterator') {
            expect(result).toBeUndefined();
            return;
          }
          expect(InvalidInputError.isInstance(result)).toBe(true);
          const error = result as InvalidInputError;
          const message = 'could not be read (a getter or a Proxy in it threw)';
          expect(error.issues).toEqual([{ path, message }]);
          expect(error.message).toBe(`${path} ${message}`);
          if (trap === 'revoked') expect((error.cause as Error).name).toBe('TypeError');
          else expect((error.cause as Error).message).toBe(`caller trap-${marker}`);
        },
      ),
      {
        numRuns: 30,
        examples: [
          ['allowedHosts', 'length', 0, 'lengthtrap'],
          ['dialects', 'entry', 3, 'entrytrap'],
          ['webhooks.endpoints', 'entry-getter', 0, 'gettertrap'],
          ['allowedHosts', 'revoked', 0, 'revokedtrap'],
          ['webhooks.endpoints', 'iterator', 0, 'iteratortrap'],
        ],
      },
    );
  });

  it('refuses a list option that is no list, and a host that is no text', async () => {
    for (const [path, value] of [
      ['allowedHosts', 'sandbox.test'],
      ['dialects', {}],
      ['webhooks.endpoints', 'http://127.0.0.1:9/hooks'],
    ] as const) {
      const error = await startSandbox({ media: false, ...lists[path](value) } as never).catch(
        (e: unknown) => e,
      );
      expect(InvalidInputError.isInstance(error), path).toBe(true);
      expect((error as InvalidInputError).issues).toEqual([{ path, message: 'expected a list' }]);
    }
    const error = await startSandbox({ media: false, allowedHosts: ['ok.test', 5 as never] }).catch(
      (e: unknown) => e,
    );
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'allowedHosts.1', message: 'expected a host name or address' },
    ]);
  });
});
