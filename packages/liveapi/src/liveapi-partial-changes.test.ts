import { ChangeAppliedError, type LiveStream, type RestreamTargetInput } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureCredentials, fixtureStreamId, fixturesDirectory, origin } from '../test/support.js';
import { LiveApiRestreamError } from './liveapi-error.js';
import { liveapi } from './liveapi-provider.js';

// How the vendor answers one request of a multi-request call. `page`: a proxy answers 200 with its HTML
// page, and LiveAPI never sees the request: no word from the vendor, so the target is unknown, not added.
type Answer = 'ok' | 'refused' | 'lost' | 'dropped' | 'page';

/**
 * A LiveAPI that holds one stream and answers each request as scripted: the stream read (GET), the PATCH
 * (`stream`: the updated stream, `success`: `{"success": true}`, `empty`: 204), each platform POST, the
 * read-back. A `lost` POST is carried out before its 503, as a vendor whose answer was lost did.
 */
function scriptedVendor(script: {
  patch?: 'stream' | 'success' | 'empty';
  posts: Answer[];
  readBack: 'ok' | 'fails';
  /** Reads answered before the read-back: 1 when the call reads the stream to plan its targets. */
  reads?: number;
}) {
  const sample = loadFixture(fixturesDirectory, 'get').response.body as Record<string, unknown>;
  const stream = { ...sample, platforms: [] as Record<string, unknown>[] };
  const sent: string[] = [];
  let gets = 0;
  let posts = 0;
  const json = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    sent.push(`${request.method} ${path}`);
    if (request.method === 'GET') {
      gets += 1;
      // The first read plans the targets; any later one is the read-back.
      if (gets > (script.reads ?? 1) && script.readBack === 'fails')
        return json(503, { message: 'maintenance' });
      return json(200, stream);
    }
    if (request.method === 'PATCH') {
      const body = (await request.json()) as Record<string, unknown>;
      Object.assign(stream, body);
      if (script.patch === 'success') return json(200, { success: true });
      if (script.patch === 'empty') return new Response(null, { status: 204 });
      return json(200, stream);
    }
    if (request.method === 'POST' && path.endsWith('/platforms')) {
      const answer = script.posts[posts] ?? 'ok';
      posts += 1;
      const body = (await request.json()) as Record<string, unknown>;
      if (answer === 'refused') return json(403, { message: 'Not on your plan' });
      if (answer === 'page')
        return new Response('<!DOCTYPE html><html><body><h1>Bad Gateway</h1></body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        });
      const platform = { _id: `p${String(posts).padStart(23, '0')}`, ...body };
      stream.platforms.push(platform);
      if (answer === 'lost') return json(503, { message: 'gateway' });
      if (answer === 'dropped') throw Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' });
      return json(201, platform);
    }
    if (request.method === 'POST') return json(201, stream);
    return json(404, {});
  }) as typeof globalThis.fetch;
  return { fetch, sent, held: () => stream.platforms.length };
}

const targetsOf = (count: number): RestreamTargetInput[] =>
  Array.from({ length: count }, (_, index) => ({
    url: `rtmp://target-${index}.example.com/live`,
    streamKey: `target-key-${index}-secret`,
  }));

const answers = fc.array(fc.constantFrom<Answer>('ok', 'refused', 'lost', 'dropped', 'page'), {
  minLength: 1,
  maxLength: 4,
});

describe('an update or create that LiveAPI carries out in parts says exactly which parts hold', () => {
  it('update with a new name and targets: every part is attempted in turn, and the error names each one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'stream' | 'success' | 'empty'>('stream', 'success', 'empty'),
        answers,
        fc.constantFrom<'ok' | 'fails'>('ok', 'fails'),
        async (patch, posts, readBack) => {
          const vendor = scriptedVendor({ patch, posts, readBack });
          const provider = liveapi({
            ...fixtureCredentials,
            baseUrl: origin,
            fetch: vendor.fetch,
            retry: { maxRetries: 0 },
          });
          const restream = targetsOf(posts.length);
          const outcome = await provider
            .update(fixtureStreamId, { name: 'renamed', restream })
            .catch((error: unknown) => error);
          const failedAt = posts.findIndex((answer) => answer !== 'ok');
          // The rename is sent whatever its answer held, and every target up to the first failure.
          const postsSent = failedAt === -1 ? posts.length : failedAt + 1;
          expect(vendor.sent.filter((line) => line.startsWith('PATCH'))).toHaveLength(1);
          expect(vendor.sent.filter((line) => line.endsWith('/platforms'))).toHaveLength(postsSent);
          if (failedAt === -1) {
            // Every part accepted: the stream, renamed, with its targets, whether or not it could be read back.
            const stream = outcome as LiveStream;
            expect(stream.name).toBe('renamed');
            expect(stream.restream?.map((target) => target.url)).toEqual(
              restream.map((target) => target.url),
            );
            const flagged = stream.warnings?.filter((warning) => warning.type === 'read-back-failed') ?? [];
            expect(flagged).toHaveLength(readBack === 'fails' ? 1 : 0);
            return;
          }
          expect(LiveApiRestreamError.isInstance(outcome), String(outcome)).toBe(true);
          const error = outcome as LiveApiRestreamError;
          const lost = posts[failedAt] !== 'refused';
          const part = (index: number) => `restream.${index}`;
          expect(error.applied).toEqual([
            'name',
            ...restream.slice(0, failedAt).map((_, index) => part(index)),
          ]);
          expect(error.unknown).toEqual(lost ? [part(failedAt)] : []);
          expect(error.notApplied).toEqual(
            restream.map((_, index) => part(index)).slice(failedAt + (lost ? 1 : 0)),
          );
          expect([error.targetsAdded, error.targetsUnknown, error.targetsRequested]).toEqual([
            failedAt,
            lost ? 1 : 0,
            posts.length,
          ]);
          expect(error.delivery).toBe(lost ? 'unknown' : undefined);
          expect(error.isRetryable).toBe(false);
          expect(error.message).toContain('Applied: name');
          expect(error.message).toContain('To finish, repeat the update');
          // What the error says the vendor may hold, it may: what it says was applied, it holds.
          expect(vendor.held()).toBeGreaterThanOrEqual(error.targetsAdded);
          expect(vendor.held()).toBeLessThanOrEqual(error.targetsAdded + error.targetsUnknown);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('update with a new name whose PATCH told nothing and whose read-back fails: ChangeAppliedError naming the name', async () => {
    const vendor = scriptedVendor({ patch: 'success', posts: [], readBack: 'fails', reads: 0 });
    const provider = liveapi({
      ...fixtureCredentials,
      baseUrl: origin,
      fetch: vendor.fetch,
      retry: { maxRetries: 0 },
    });
    // No restream: the stream was not read before the PATCH, so nothing whole is known.
    const error = await provider
      .update(fixtureStreamId, { name: 'renamed' })
      .catch((caught: unknown) => caught);
    expect(ChangeAppliedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ applied: ['name'], unknown: [], notApplied: [] });
    expect(vendor.sent).toEqual([
      `PATCH /live_streams/${fixtureStreamId}`,
      `GET /live_streams/${fixtureStreamId}`,
    ]);
  });

  it('create with targets: a lost platform answer is unknown, never counted as not added', async () => {
    await fc.assert(
      fc.asyncProperty(answers, async (posts) => {
        const vendor = scriptedVendor({ posts, readBack: 'ok' });
        const provider = liveapi({
          ...fixtureCredentials,
          baseUrl: origin,
          fetch: vendor.fetch,
          retry: { maxRetries: 0 },
        });
        const restream = targetsOf(posts.length);
        const outcome = await provider.create({ name: 'x', restream }).catch((error: unknown) => error);
        const failedAt = posts.findIndex((answer) => answer !== 'ok');
        if (failedAt === -1) {
          expect((outcome as LiveStream).restream).toHaveLength(posts.length);
          return;
        }
        const error = outcome as LiveApiRestreamError;
        expect(LiveApiRestreamError.isInstance(error)).toBe(true);
        const lost = posts[failedAt] !== 'refused';
        expect(error.applied[0]).toBe('create');
        expect(error.targetsAdded).toBe(failedAt);
        expect(error.targetsUnknown).toBe(lost ? 1 : 0);
        expect(error.delivery).toBe(lost ? 'unknown' : undefined);
        // A lost answer was carried out; a proxy's page was not, yet it is unknown to the caller all the same.
        expect(vendor.held()).toBe(failedAt + (lost && posts[failedAt] !== 'page' ? 1 : 0));
        expect(error.message).toContain(
          lost
            ? `restream target ${failedAt + 1} of ${posts.length} got no answer unilive could read (`
            : `restream target ${failedAt + 1} of ${posts.length} could not be added`,
        );
        if (lost) expect(error.message).toContain('so whether LiveAPI holds it is unknown');
        expect(error.message).toContain(
          `Do not repeat create: to finish, update the stream (update("${fixtureStreamId}", { restream }); through a registry, with its reference)`,
        );
        for (const target of restream) expect(error.message).not.toContain(target.streamKey);
      }),
      { numRuns: 40 },
    );
  });
});
