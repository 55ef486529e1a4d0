import { InvalidInputError, type LiveStream } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, wowzaRealtimeStreamNames } from './wowza-realtime-webhooks.js';

// wowzaRealtimeStreamNames reads its options as an adapter's settings are (core's readSettings): a Map's
// `clock` or a misspelt `clok` taken for none left the default in place unnoticed. Every hostile shape is
// refused, naming the option, when the resolver is made: the account is never walked.

const names = ['refreshMs', 'clock'] as const;

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

class NameOptions {
  readonly clock = () => 0;
}

// An account without streams; `onWalk` hears each walk begin.
const emptyAccount = (onWalk: () => void = () => undefined) => ({
  list(): AsyncIterable<LiveStream> {
    onWalk();
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<LiveStream>> => ({ done: true, value: undefined }),
      }),
    };
  },
});

type Case = { options: unknown; path: string; message: string };

const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.constant<Case>({ options: new Map([['clock', () => 0]]), path: '$', message: 'not a Map' }),
  fc.constant<Case>({ options: new NameOptions(), path: '$', message: 'not an instance of NameOptions' }),
  fc.constant<Case>({ options: revoked(), path: '$', message: 'could not be read' }),
  fc.constant<Case>({ options: null, path: '$', message: 'expected an object' }),
  fc.tuple(fc.constantFrom(...names), fc.anything()).map(([name, thrown]): Case => {
    const options: Record<string, unknown> = { refreshMs: 1000, clock: () => 0 };
    Object.defineProperty(options, name, {
      enumerable: true,
      get: () => {
        throw thrown;
      },
    });
    return { options, path: name, message: 'could not be read' };
  }),
  fc.constantFrom(...names).map(
    (name): Case => ({
      options: { [name]: null },
      path: name,
      message: 'null is none',
    }),
  ),
  fc.constantFrom(['clok', 'clock'], ['refreshMS', 'refreshMs'], ['Clock', 'clock']).map(
    ([typo, name]): Case => ({
      options: { [typo as string]: () => 0 },
      path: typo as string,
      message: `did you mean "${name}"`,
    }),
  ),
  fc
    .constantFrom<[string, unknown]>(
      ['refreshMs', -1],
      ['refreshMs', Number.NaN],
      ['refreshMs', '30000'],
      ['clock', 5],
      ['clock', {}],
    )
    .map(([name, value]): Case => ({ options: { [name]: value }, path: name, message: 'expected' })),
);

describe('wowzaRealtimeStreamNames options', () => {
  it('refuses options it cannot use as given, naming the option, before any walk', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ options, path, message }) => {
        let walks = 0;
        const source = emptyAccount(() => {
          walks += 1;
        });
        let caught: unknown;
        try {
          await wowzaRealtimeStreamNames(source, options as never)('name-a');
        } catch (error) {
          caught = error;
        }
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        const refused = caught as InvalidInputError;
        expect(refused).toMatchObject({ provider: 'wowza-realtime', operation: 'configure' });
        expect(refused.issues.map((issue) => issue.path)).toEqual([path]);
        expect(refused.issues[0]?.message).toContain(message);
        expect(walks).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the clock given as a plain object', async () => {
    let readings = 0;
    const resolve = wowzaRealtimeStreamNames(emptyAccount(), {
      clock: () => {
        readings += 1;
        return 0;
      },
    });
    expect(await resolve('name-a')).toBeUndefined();
    expect(readings).toBeGreaterThan(0);
  });
});

describe('wowza-realtime parseWebhook options', () => {
  it('names options when they are a revoked Proxy, a Map or a class instance', async () => {
    for (const [options, message] of [
      [revoked(), 'could not be read'],
      [new Map([['secret', 'x']]), 'not a Map'],
      [new NameOptions(), 'not an instance of NameOptions'],
      [null, 'must be an object'],
    ] as const) {
      let caught: unknown;
      try {
        await parseWebhook({ body: '{}', headers: {} }, options as never);
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
      expect((caught as InvalidInputError).issues).toEqual([
        { path: 'options', message: expect.stringContaining(message) },
      ]);
    }
  });
});
