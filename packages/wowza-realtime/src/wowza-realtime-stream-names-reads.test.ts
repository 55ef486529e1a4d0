import { InvalidInputError, type LiveStream } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaRealtimeStreamNames } from './wowza-realtime-webhooks.js';

// The resolver wowzaRealtimeStreamNames makes is called with `{ signal, timeoutMs }`: by parseWebhook, well
// formed, and by an application's own code too. An aborted signal once still started a walk of the
// account (a `list` whose answer nobody waited for), and a `signal` that was no AbortSignal escaped as a raw
// TypeError from deep inside the shared walk. Both now end the lookup before the account is walked.

const stream = (id: string, streamName: string): LiveStream =>
  ({
    id,
    provider: 'wowza-realtime',
    providerDetails: { 'wowza-realtime': { sdk: { streamName } } },
  }) as unknown as LiveStream;

// An account holding one stream, `known` → `stream-1`; `walks` counts the walks begun, `signals` what each
// was handed.
function account() {
  const walks: (AbortSignal | undefined)[] = [];
  return {
    walks,
    list(options?: { signal?: AbortSignal }): AsyncIterable<LiveStream> {
      walks.push(options?.signal);
      return (async function* () {
        yield stream('stream-1', 'known');
      })();
    },
  };
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

// Values that are no AbortSignal, and timeouts that are no number of ms above 0 and at most 2³¹−1.
const notSignals = fc.oneof(
  fc.constantFrom<unknown>('nope', null, 0, true, {}, { aborted: true }, new AbortController()),
  fc.anything().filter((value) => value !== undefined),
);
const badTimeouts = fc.oneof(
  fc.constantFrom<unknown>(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '100', null),
  fc.double().filter((value) => !(value > 0 && value <= 2_147_483_647)),
  fc.anything().filter((value) => value !== undefined && typeof value !== 'number'),
);

describe('wowzaRealtimeStreamNames: the lookup reads its options before the account', () => {
  it('an aborted signal rejects at once with its reason, and no walk starts, whatever else the options hold (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        fc.boolean(),
        fc.constantFrom('known', 'account/known', 'unknown'),
        fc.option(badTimeouts, { nil: undefined }),
        async (reason, walkedBefore, name, timeoutMs) => {
          const source = account();
          const resolve = wowzaRealtimeStreamNames(source);
          if (walkedBefore) await expect(resolve('known')).resolves.toBe('stream-1');
          const walks = source.walks.length;
          const options = {
            signal: AbortSignal.abort(reason),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          };
          const error = await outcome(async () => resolve(name, options as never));
          // The reason itself, as the lookup rejects when the signal fires while it waits (and as fetch).
          expect(error).toBe(options.signal.reason);
          expect(source.walks).toHaveLength(walks);
        },
      ),
      {
        examples: [
          [undefined, false, 'unknown', undefined],
          [new Error('gone'), true, 'known', 0],
        ],
      },
    );
  });

  it('a signal that is no AbortSignal, or a timeoutMs that is no number of ms above 0, is InvalidInputError naming it; no walk (generated)', async () => {
    type Case = { options: Record<string, unknown>; path: 'options.signal' | 'options.timeoutMs' };
    const cases: fc.Arbitrary<Case> = fc.oneof(
      notSignals.map((signal): Case => ({ options: { signal }, path: 'options.signal' })),
      badTimeouts.map((timeoutMs): Case => ({ options: { timeoutMs }, path: 'options.timeoutMs' })),
      badTimeouts.map(
        (timeoutMs): Case => ({
          options: { signal: new AbortController().signal, timeoutMs },
          path: 'options.timeoutMs',
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, fc.constantFrom('known', 'unknown'), async ({ options, path }, name) => {
        const source = account();
        const resolve = wowzaRealtimeStreamNames(source);
        const error = await outcome(async () => resolve(name, options as never));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        const invalid = error as InvalidInputError;
        expect(invalid.provider).toBe('wowza-realtime');
        expect(invalid.operation).toBe('parseWebhook');
        expect(invalid.delivery).toBe('not-sent');
        expect(invalid.issues.map((issue) => issue.path)).toEqual([path]);
        expect(source.walks).toHaveLength(0);
      }),
      {
        examples: [
          [{ options: { signal: 'nope' }, path: 'options.signal' }, 'unknown'],
          [{ options: { timeoutMs: Number.NaN }, path: 'options.timeoutMs' }, 'unknown'],
          [{ options: { timeoutMs: 0 }, path: 'options.timeoutMs' }, 'known'],
        ],
      },
    );
  });

  it('options that are no plain object are InvalidInputError naming options; no walk', async () => {
    for (const options of [null, 'signal', new Map([['signal', new AbortController().signal]])]) {
      const source = account();
      const error = await outcome(async () => wowzaRealtimeStreamNames(source)('known', options as never));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['options']);
      expect(source.walks).toHaveLength(0);
    }
  });

  it('a live signal and a valid timeoutMs still walk the account, once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: 1, max: 2_147_483_647 }), { nil: undefined }),
        async (timeoutMs) => {
          const source = account();
          const controller = new AbortController();
          const resolve = wowzaRealtimeStreamNames(source);
          await expect(
            resolve('known', {
              signal: controller.signal,
              ...(timeoutMs === undefined ? {} : { timeoutMs }),
            } as never),
          ).resolves.toBe('stream-1');
          await expect(resolve('known', undefined)).resolves.toBe('stream-1');
          expect(source.walks).toHaveLength(1);
        },
      ),
    );
  });
});
