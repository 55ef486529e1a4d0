import {
  createLiveStreamClient,
  createLiveStreamRegistry,
  type LiveStream,
  ProviderUnavailableError,
  ResponseShapeError,
  type UniliveError,
  type WarningEvent,
} from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import type { HostileAnswer } from '../src/hostile-proxy.js';
import { checkSection } from './check-rows.js';
import { listRuns, proxiedSandbox } from './proxied-sandbox.js';

const streamCount = 4;

/**
 * How one stream's detail read is answered, on every attempt: as it is, lost in one of the ways a vendor
 * or a proxy loses an answer, or `gone` (the vendor answers whole that no such stream exists: 404, on
 * videosdk v2's egress read, where a 404 means no egress, 410).
 * - `503`, `503-cut`: the vendor failed, its body whole or broken off.
 * - `200-cut`: a success whose body broke off short of its `content-length` (the connection closed).
 * - `200-truncated`: a success whose declared body is whole but is the first part of a JSON document.
 */
type Answer = 'ok' | '503' | '503-cut' | '200-cut' | '200-truncated' | 'gone';
const lost = ['503', '503-cut', '200-cut', '200-truncated'] as const satisfies readonly Answer[];
/** Lost reads proper: the vendor did not answer whole (the truncated JSON is whole, and unusable). */
const unavailable = (answer: Answer | undefined) =>
  answer === '503' || answer === '503-cut' || answer === '200-cut';

const { counted } = checkSection('hardening.list-detail-lost', 'lists');
const lostDetail =
  "a stream whose detail read is lost is skipped with a warning; a second unavailable read in a row ends list's walk";
const lostSought =
  "findByName reads the streams of that name only; a lost read of the one sought is findByName's error";

for (const adapterId of adapterIds) describeAdapter(adapterId);

function describeAdapter(adapterId: AdapterId): void {
  const adapter = adapters[adapterId];
  describe(`a list walk whose detail reads are lost: ${adapterId}`, () => {
    const stage = proxiedSandbox(adapter, {
      streams: streamCount,
      namePrefix: 'unilive detail read',
      // One retry, at once: "after its retries" without waiting for them.
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const { settings } = stage;

    // Plans every attempt of the detail reads `answers` names to be answered as it says.
    function arm(answers: ReadonlyMap<string, Answer>, cutAt: number) {
      stage.proxy.reset();
      const detailRead = adapter.listDetailRead;
      const namedIn = (path: string) =>
        (path.split('?')[0] ?? '').split('/').find((segment) => answers.has(segment));
      const accepts = (request: { method: string; path: string }) =>
        request.method === 'GET' &&
        detailRead !== undefined &&
        detailRead.test(request.path) &&
        namedIn(request.path) !== undefined;
      // Every attempt of a planned read is answered the same: the plan arms itself again for the next one.
      const plan = async (
        request: { path: string },
        forward: () => Promise<{ status: number; headers: Record<string, string>; body: Buffer }>,
      ): Promise<HostileAnswer> => {
        stage.proxy.plan(plan, accepts);
        const answer = answers.get(namedIn(request.path) ?? '') ?? 'ok';
        const upstream = await forward();
        return hostile(answer, upstream, cutAt, adapterId === 'videosdk-v2' ? 410 : 404);
      };
      if (answers.size > 0) stage.proxy.plan(plan, accepts);
    }

    async function walk(answers: ReadonlyMap<string, Answer> = new Map(), cutAt = 0.5) {
      const warnings: WarningEvent[] = [];
      const client = createLiveStreamClient(adapter.factory(settings()), {
        hooks: { onWarning: (event) => warnings.push(event) },
      });
      arm(answers, cutAt);
      const listed: LiveStream[] = [];
      // Pages of two on the vendors that take a size, so that the walk crosses pages.
      const pageSize = adapter.sandboxPaging.pageSize;
      const error = await (async () => {
        for await (const stream of client.list(pageSize === undefined ? {} : { pageSize }))
          listed.push(stream);
      })().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const requests = [...stage.proxy.requests];
      stage.proxy.reset();
      return { listed: listed.map((stream) => stream.id), warnings, error, requests };
    }

    if (adapter.listDetailRead === undefined) {
      it('pages hold whole streams: the walk reads no stream on its own, so there is no such read to lose', () =>
        counted('pages hold whole streams: no detail read to lose', adapterId, async () => {
          const { listed, error, requests } = await walk();
          expect(error).toBeUndefined();
          expect(listed).toHaveLength(streamCount);
          const naming = requests.filter((request) =>
            (request.path.split('?')[0] ?? '').split('/').some((segment) => listed.includes(segment)),
          );
          expect(naming).toEqual([]);
        }));
      return;
    }

    it('a stream whose detail read is answered 503 (whole or cut short), or 200 cut short or truncated, is skipped with a warning naming it; two unavailable reads in a row end the walk, one answered whole between them (gone included) breaks the row', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom<Answer>('ok', 'gone', ...lost), {
            minLength: streamCount,
            maxLength: streamCount,
          }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (plannedAnswers, where) =>
            counted(lostDetail, adapterId, async () => {
              // The order the walk reaches the streams in, and each one's detail read.
              stage.proxy.reset();
              const whole = await walkPlain();
              const ids = whole.listed;
              // One detail read per stream, in the walk's order: each is the one a plan below loses.
              expect(whole.reads.map((read) => read.id)).toEqual(ids);
              const answers = new Map(ids.map((id, index) => [id, plannedAnswers[index] ?? 'ok'] as const));
              const { listed, warnings, error } = await walk(answers, where);

              // Core's rule: an unusable answer (the truncated JSON) is a record's problem; an unavailable one
              // (a 503, a body cut short) is skipped too, but a second in a row is the vendor failing. Any
              // answer given whole (usable, unusable, gone) breaks the row.
              let streak = 0;
              let endAt = ids.length;
              for (const [index, id] of ids.entries()) {
                streak = unavailable(answers.get(id)) ? streak + 1 : 0;
                if (streak > 1) {
                  endAt = index;
                  break;
                }
              }
              const walked = ids.slice(0, endAt);
              const said = `${JSON.stringify(walked.map((id) => answers.get(id)))} cut at ${where}`;
              expect(listed, said).toEqual(walked.filter((id) => answers.get(id) === 'ok'));
              const skipped = walked.filter((id) => answers.get(id) !== 'ok');
              expect(
                warnings.map((event) => [event.operation, event.warning.type]),
                said,
              ).toEqual(skipped.map(() => ['list', 'skipped-record']));
              for (const [index, id] of skipped.entries())
                expect(warnings[index]?.warning.message, said).toContain(`stream ${id} `);
              if (endAt === ids.length) {
                expect(error, said).toBeUndefined();
                return;
              }
              expect(ProviderUnavailableError.isInstance(error), `${said}: ${String(error)}`).toBe(true);
              const failure = error as UniliveError;
              expect(failure.operation).toBe('list');
              expect(failure.delivery).toBe('unknown');
              expect(failure.status).toBe(answers.get(ids[endAt] ?? '') === '200-cut' ? 200 : 503);
            }),
        ),
        { numRuns: listRuns },
      );
    });

    // videosdk v2 rooms keep no name (`capabilities.names` false): findByName cannot search them.
    if (adapterId === 'videosdk-v2') return;

    it("findByName reads the details of the streams of that name only, and says none only when it read them all: a lost read of the one sought throws that read's error", async () => {
      expect(adapter.factory(settings()).capabilities.names).toBe(true);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom<Answer>('ok', 'gone', ...lost), {
            minLength: streamCount,
            maxLength: streamCount,
          }),
          fc.nat({ max: streamCount - 1 }),
          (plannedAnswers, soughtAt) =>
            counted(lostSought, adapterId, async () => {
              stage.proxy.reset();
              const ids = (await walkPlain()).listed;
              const answers = new Map(ids.map((id, index) => [id, plannedAnswers[index] ?? 'ok'] as const));
              const soughtId = ids[soughtAt] ?? '';
              const registry = createLiveStreamRegistry({ providers: { p: adapter.factory(settings()) } });
              const name = (await registry.get(`p:${soughtId}`)).name ?? '';
              arm(answers, 0.5);
              const found = await registry.findByName(name).then(
                (streams) => streams.map((stream) => stream.ref),
                (caught: unknown) => caught,
              );
              const reads = stage.proxy.requests.filter(
                (request) => request.method === 'GET' && adapter.listDetailRead?.test(request.path) === true,
              );
              stage.proxy.reset();
              const answer = answers.get(soughtId);
              const said = `${JSON.stringify(plannedAnswers)}, looking for #${soughtAt}`;
              // The page names every stream: only the one sought is read (again on a retry).
              expect(
                reads.every((request) => request.path.split('?')[0]?.endsWith(`/${soughtId}`)),
                said,
              ).toBe(true);
              expect(reads.length, said).toBeGreaterThan(0);
              if (answer === 'ok') expect(found, said).toEqual([`p:${soughtId}`]);
              else if (answer === 'gone') expect(found, said).toEqual([]);
              else {
                const expected = answer === '200-truncated' ? ResponseShapeError : ProviderUnavailableError;
                expect(expected.isInstance(found), `${said}: ${String(found)}`).toBe(true);
                expect(found, said).toMatchObject({ operation: 'findByName', providerName: 'p' });
              }
            }),
        ),
        { numRuns: listRuns },
      );
    });

    /** A walk with nothing planned: the streams in order, and the detail read of each. */
    async function walkPlain() {
      const { listed, error, requests } = await walk();
      expect(error).toBeUndefined();
      expect(listed).toHaveLength(streamCount);
      const detailRead = adapter.listDetailRead;
      const reads = requests
        .filter((request) => request.method === 'GET' && detailRead?.test(request.path) === true)
        .map((request) => ({
          path: request.path,
          id: request.path.split('/').find((segment) => listed.includes(segment)),
        }));
      return { listed, reads };
    }
  });
}

/**
 * What the proxy sends in place of `upstream` for a read planned to be answered `answer`; a body cut short
 * keeps the share `cutAt` (0 to 1) of its bytes, a truncated one at least its first byte and never its last.
 */
function hostile(
  answer: Answer,
  upstream: { status: number; headers: Record<string, string>; body: Buffer },
  cutAt: number,
  goneStatus: number,
): HostileAnswer {
  const json = { 'content-type': 'application/json' };
  // A success's body, whatever the sandbox answered (a room with no egress is a 404): never read whole.
  const success =
    upstream.status === 200
      ? Buffer.from(upstream.body.toString('utf8').trimEnd())
      : Buffer.from(
          JSON.stringify({ data: { id: 'egress-1', status: 'HLS_PLAYABLE' }, note: 'x'.repeat(64) }),
        );
  const failure = Buffer.from(JSON.stringify({ message: 'Service Unavailable', detail: 'x'.repeat(64) }));
  switch (answer) {
    case 'ok':
      return upstream;
    case 'gone':
      return { status: goneStatus, headers: json, body: Buffer.from('{"message":"not found"}') };
    case '503':
      return { status: 503, headers: json, body: failure };
    case '503-cut':
      return { status: 503, headers: json, body: failure, cutAfter: Math.floor(cutAt * failure.length) };
    case '200-cut':
      return { status: 200, headers: json, body: success, cutAfter: Math.floor(cutAt * success.length) };
    case '200-truncated': {
      // Declared whole at its cut length: the JSON document ends part-way, its closing brace missing.
      const kept = Math.max(1, Math.floor(cutAt * (success.length - 1)));
      return { status: 200, headers: json, body: success.subarray(0, kept) };
    }
  }
}
