import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatedGet, vendorKey, virtualTime } from '../../test/virtual-time.js';
import { ProviderUnavailableError, RateLimitError, TimeoutError } from '../errors/errors.js';
import type { UniliveError } from '../errors/unilive-error.js';
import type { GateStore } from './gate-store.js';
import * as thisCopy from './request-gate.js';

// An application may hold two copies of core: the client from one (the application's), the HTTP layer an
// adapter calls from another (the adapter's own). The client's gate then throws the other copy's classes,
// which `instanceof` here does not know; the call must still end in the typed error the docs name.
// The same module imported under another URL is another copy, with classes of its own.
const otherCopyUrl = './request-gate.js?another-copy-of-core';
const otherCopy = (await import(/* @vite-ignore */ otherCopyUrl)) as typeof thisCopy;

describe("a gate made by another copy of core than the HTTP layer's", () => {
  it('is another copy here: its refusals are not instances of this copy’s classes', async () => {
    expect(otherCopy.GateDeadlineError).not.toBe(thisCopy.GateDeadlineError);
    expect(new otherCopy.GateDeadlineError('rate')).not.toBeInstanceOf(thisCopy.GateDeadlineError);
  });

  it("a vendor's pause past the call's deadline is a RateLimitError with the pause left, unsent (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10_001, max: 86_400_000 }), async (pausedMs) => {
        const time = virtualTime();
        const gate = otherCopy.createRequestGate({}, time.clock, time.sleep);
        gate.pause(time.clock() + pausedMs, await vendorKey);
        const { result, requests } = await gatedGet(gate, time, { totalTimeoutMs: 10_000 });
        expect(RateLimitError.isInstance(result)).toBe(true);
        expect(result).toMatchObject({ retryAfterMs: pausedMs, delivery: 'not-sent', operation: 'get' });
        expect((result as UniliveError).message).toBe(
          `test-vendor: the vendor's rate limit holds requests for ${Math.ceil(pausedMs / 1000)} s more (after a 429), past this call's deadline; not sent`,
        );
        expect(requests).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('a rate or concurrency limit that cannot let the call start in time is a TimeoutError naming it', async () => {
    for (const [limits, name] of [
      [{ requestsPerSecond: 1 }, 'requestsPerSecond'],
      [{ maxConcurrency: 1 }, 'maxConcurrency'],
    ] as const) {
      const time = virtualTime();
      const gate = otherCopy.createRequestGate(limits, time.clock, time.sleep);
      // The one token, or the one slot, held by a call still running.
      await gate.acquire({ key: await vendorKey, deadline: time.clock() + 60_000 });
      const { result, requests } = await gatedGet(gate, time, { totalTimeoutMs: 500 });
      expect(TimeoutError.isInstance(result)).toBe(true);
      expect((result as UniliveError).delivery).toBe('not-sent');
      expect((result as UniliveError).message).toMatch(
        new RegExp(
          `^test-vendor: the client's rateLimit \\(${name}\\) could not let the request start before `,
        ),
      );
      expect(requests).toEqual([]);
    }
  });

  it('a shared store that is down, set to fail, is a ProviderUnavailableError naming the store and why', async () => {
    const time = virtualTime();
    const refused = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    };
    const store: GateStore = {
      takeToken: refused,
      acquireSlot: refused,
      releaseSlot: refused,
      setPause: refused,
      pausedUntil: refused,
      description: 'Redis at 127.0.0.1:6379',
      onUnavailable: 'fail',
    };
    const gate = otherCopy.createRequestGate({ requestsPerSecond: 5, store }, time.clock, time.sleep);
    const { result, requests } = await gatedGet(gate, time, { totalTimeoutMs: 10_000 });
    expect(ProviderUnavailableError.isInstance(result)).toBe(true);
    expect((result as UniliveError).message).toBe(
      'test-vendor: the rate limit store (Redis at 127.0.0.1:6379) is unavailable (ECONNREFUSED) and rateLimit is set to fail then; not sent',
    );
    expect(requests).toEqual([]);
  });

  it('a look-alike carrying the mark with fields of the wrong types is no refusal of the gate', () => {
    const mark = Symbol.for('unilive.gate-refusal');
    for (const value of [
      { [mark]: 'deadline', reason: 'sleepy' },
      { [mark]: 'deadline', reason: 1 },
      { [mark]: 'store-unavailable', store: 1, reason: 'ECONNREFUSED' },
      { [mark]: 'other', reason: 'rate' },
      Object.defineProperty({ [mark]: 'deadline' }, 'reason', {
        get: () => {
          throw new Error('trap');
        },
      }),
    ]) {
      expect(thisCopy.asGateDeadlineError(value)).toBeUndefined();
      expect(thisCopy.asGateStoreUnavailableError(value)).toBeUndefined();
    }
    const copied = thisCopy.asGateDeadlineError({
      [mark]: 'deadline',
      reason: 'paused',
      waitMs: Number.NaN,
      maxPauseMs: 5_000,
    });
    expect([copied?.reason, copied?.waitMs, copied?.maxPauseMs]).toEqual(['paused', undefined, 5_000]);
  });
});
