import { type LiveStream, type RestreamTargetInput, TimeoutError } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureCredentials, fixtureStreamId, fixturesDirectory, origin } from '../test/support.js';
import { liveapi } from './liveapi-provider.js';

// `totalTimeoutMs` bounds a whole call (docs/decisions/2026-12-03-total-timeout-per-call.md): every request
// of a create with restream targets shares one deadline. The vendor below answers at once, but each answer
// moves an injected clock on by `stepMs`, less than the limit: each request alone fits, the call does not.
const limitMs = 2_000;

/** A LiveAPI answering every request, each answer taking `stepMs` by the injected clock. */
function timedVendor(stepMs: number) {
  const sample = loadFixture(fixturesDirectory, 'get').response.body as Record<string, unknown>;
  const stream = { ...sample, platforms: [] as Record<string, unknown>[] };
  const sent: string[] = [];
  let now = 1_700_000_000_000;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    sent.push(`${request.method} ${path}`);
    now += stepMs;
    if (request.method === 'POST' && path.endsWith('/platforms')) {
      const body = (await request.json()) as Record<string, unknown>;
      const platform = { _id: `p${String(stream.platforms.length + 1).padStart(23, '0')}`, ...body };
      stream.platforms.push(platform);
      return json(201, platform);
    }
    return json(request.method === 'POST' ? 201 : 200, stream);
  }) as typeof globalThis.fetch;
  const provider = liveapi({
    ...fixtureCredentials,
    baseUrl: origin,
    fetch,
    totalTimeoutMs: limitMs,
    retry: { maxRetries: 0 },
  });
  return { provider, sent, clock: () => now };
}

const targetsOf = (count: number): RestreamTargetInput[] =>
  Array.from({ length: count }, (_, index) => ({
    url: `rtmp://target-${index}.example.com/live`,
    streamKey: `target-key-${index}-secret`,
  }));

// The request (by its place in the call, from 0) that finds no time left: the first whose start, `index`
// answers of `stepMs` after the call began, is at or past the deadline. Generated as that index and a step
// that puts it there: each request fits (stepMs < limitMs), the call does not.
const cutAt = (most: number) =>
  fc.integer({ min: 2, max: most }).chain((index) =>
    fc.record({
      index: fc.constant(index),
      stepMs: fc.integer({
        min: Math.ceil(limitMs / index),
        max: Math.min(limitMs - 1, Math.ceil(limitMs / (index - 1)) - 1),
      }),
    }),
  );

describe('liveapi: totalTimeoutMs bounds the whole call', () => {
  it('a create whose targets run past the limit ends with a TimeoutError naming the stream and the parts; the request after the deadline is never sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((targets) => fc.record({ targets: fc.constant(targets), cut: cutAt(targets + 1) })),
        async ({ targets, cut }) => {
          const vendor = timedVendor(cut.stepMs);
          const restream = targetsOf(targets);
          const error = await vendor.provider
            .create({ name: 'bounded', restream }, { runtime: { clock: vendor.clock } })
            .catch((caught: unknown) => caught);
          // Requests 0 (the stream), 1..targets (one per target), targets + 1 (the read back): the one at
          // `cut.index` and those after it are never sent.
          const all = [
            'POST /live_streams',
            ...restream.map(() => `POST /live_streams/${fixtureStreamId}/platforms`),
            `GET /live_streams/${fixtureStreamId}`,
          ];
          expect(vendor.sent).toEqual(all.slice(0, cut.index));
          expect(TimeoutError.isInstance(error), String(error)).toBe(true);
          const timeout = error as TimeoutError;
          const part = (index: number) => `restream.${index}`;
          const added = cut.index - 1;
          expect({
            provider: timeout.provider,
            operation: timeout.operation,
            delivery: timeout.delivery,
            streamId: timeout.streamId,
            applied: timeout.applied,
            unknown: timeout.unknown,
            notApplied: timeout.notApplied,
            isRetryable: timeout.isRetryable,
          }).toEqual({
            provider: 'liveapi',
            operation: 'create',
            delivery: 'unknown',
            streamId: fixtureStreamId,
            applied: ['create', ...restream.slice(0, added).map((_, index) => part(index))],
            unknown: [],
            notApplied: restream.map((_, index) => part(index)).slice(added),
            isRetryable: false,
          });
          expect(timeout.message).toMatch(
            `liveapi create: the call's time limit (totalTimeoutMs ${limitMs} ms) ran out after part of the change on stream ${fixtureStreamId} was applied.`,
          );
          expect(timeout.message).not.toContain('target-key-');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a create that fits the limit, and a get (one request), are as before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: limitMs - 1 }),
        async (targets, stepMs) => {
          const vendor = timedVendor(Math.floor(stepMs / (targets + 2)));
          const created = await vendor.provider.create(
            { name: 'bounded', restream: targetsOf(targets) },
            { runtime: { clock: vendor.clock } },
          );
          expect(created.id).toBe(fixtureStreamId);
          expect(vendor.sent).toHaveLength(targets === 0 ? 1 : targets + 2);
          const single = timedVendor(stepMs);
          const stream: LiveStream = await single.provider.get(fixtureStreamId, {
            runtime: { clock: single.clock },
          });
          expect(stream.id).toBe(fixtureStreamId);
          expect(single.sent).toEqual([`GET /live_streams/${fixtureStreamId}`]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
