import { InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SandboxOptions, startSandbox } from './server.js';

const refusal = (options: SandboxOptions) =>
  startSandbox({ media: false, ...options }).then(
    async (sandbox) => {
      await sandbox.close();
      return undefined;
    },
    (error: unknown) => error,
  );
// What no timer holds: NaN, infinities, negative numbers, more than 2^31 - 1 ms, and no number at all.
const notTimes = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e12, 2_147_483_648),
  fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
  fc.constantFrom('abc', '10', null, true),
);

describe('the sandbox options that set times and rates', () => {
  it('refuses a time no timer holds, naming the option, before anything listens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('transitionMs', 'media.setupTimeoutMs', 'media.idleTimeoutMs'),
        fc.oneof(notTimes, fc.constant(0)),
        async (path, value) => {
          // 0 is a transition that takes no time, but no time limit at all.
          if (path === 'transitionMs' && value === 0) return;
          const options: SandboxOptions =
            path === 'transitionMs'
              ? { transitionMs: value as number }
              : { media: { [path.slice('media.'.length)]: value as number, hls: false } };
          const error = await refusal(options);
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
        },
      ),
      {
        examples: [
          ['media.setupTimeoutMs', 1e12],
          ['media.setupTimeoutMs', 'abc'],
          ['media.setupTimeoutMs', 0],
          ['media.idleTimeoutMs', -1],
          ['transitionMs', -5],
          ['transitionMs', 'x'],
        ],
      },
    );
  });

  it('refuses a rate limit that is not a rate above 0, or with a field it does not take', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .oneof(
              fc.constantFrom(
                Number.NaN,
                Number.POSITIVE_INFINITY,
                Number.NEGATIVE_INFINITY,
                0,
                'abc',
                '10',
                null,
              ),
              fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
            )
            .map((rate) => ({
              path: 'rateLimit.requestsPerSecond',
              rateLimit: { requestsPerSecond: rate },
            })),
          fc.constantFrom('requestsPerSecnd', 'burst', 'rps').map((key) => ({
            path: `rateLimit.${key}`,
            rateLimit: { requestsPerSecond: 5, [key]: 5 },
          })),
          fc.constantFrom(5, 'fast', null, [5]).map((rateLimit) => ({ path: 'rateLimit', rateLimit })),
        ),
        async ({ path, rateLimit }) => {
          const error = await refusal({ rateLimit: rateLimit as never });
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([path]);
        },
      ),
      {
        examples: [
          [{ path: 'rateLimit.requestsPerSecond', rateLimit: { requestsPerSecond: -1 } }],
          [{ path: 'rateLimit.requestsPerSecnd', rateLimit: { requestsPerSecnd: 5 } as never }],
        ],
      },
    );
  });

  it('serves a rate below one a second at that pace, never refusing every request', async () => {
    let clock = 1_000_000;
    const sandbox = await startSandbox({
      media: false,
      rateLimit: { requestsPerSecond: 0.5 },
      now: () => clock,
    });
    try {
      const status = async () => (await fetch(`${sandbox.url}/liveapi/live_streams`)).status;
      expect(await status()).not.toBe(429);
      const refused = await fetch(`${sandbox.url}/liveapi/live_streams`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('2');
      clock += 2_000;
      expect(await status()).not.toBe(429);
    } finally {
      await sandbox.close();
    }
  });
});
