import {
  ConflictError,
  type LifecycleOperation,
  type LiveStreamState,
  lifecycleGoals,
  UnsupportedOperationError,
} from '@unilive/core';
import { allDialects, createEngine, type SandboxRequest } from '@unilive/sandbox';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// Start and stop calls on one stream that overlap (two callers, `Promise.all([start(id), stop(id)])`), on
// every adapter against the sandbox's dialect, in every order the vendor may take their requests in. The
// sandbox's engine answers in this process and fast-check's scheduler releases each request to it, one at
// a time, in an order it generates: an interleaving is a value, shrunk and replayed like any other, and no
// answer depends on the wall clock. State transitions are held (an hour), so `starting` and `stopping` last
// as long as the race. Whatever the order:
// - a call that resolves resolves in its goal (`lifecycleGoals`): a stop never `starting` or `ready`, a
//   start never `stopping` or `stopped`;
// - a call that fails is a ConflictError (a state the vendor refuses the call in) or, for a call the
//   adapter has not (videosdk v1 `stop`), UnsupportedOperationError;
// - the stream ends in the goal of a call that resolved, or where it was before the race.

const { counted } = checkSection('hardening.lifecycle-races', 'lifecycle races');

const held = 3_600_000;
const engine = createEngine({ dialects: allDialects, transitionMs: held });
afterAll(() => engine.close());

// Never dialled: every request is answered by the engine in this process.
const origin = 'http://127.0.0.1:9';

/** A fetch that waits for the scheduler's release, then hands the request to the engine. */
function engineFetch(provider: string, gate: (label: string) => Promise<void>): typeof fetch {
  const dialect = engine.dialects.get(provider as never);
  if (!dialect) throw new Error(`the sandbox has no ${provider} dialect`);
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const path = url.pathname.slice(`/${provider}${dialect.basePath}`.length) || '/';
    await gate(`${request.method} ${path}`);
    const sandboxRequest: SandboxRequest = {
      method: request.method,
      path,
      query: url.searchParams,
      headers: request.headers,
      body,
    };
    const outcome = await engine.handle(dialect.id, sandboxRequest);
    if (outcome.kind === 'drop') throw new TypeError('fetch failed');
    const answer = outcome.response;
    const isText = typeof answer.body === 'string';
    const payload =
      answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
    const headers = new Headers(answer.headers);
    if (payload !== '' && !headers.has('content-type'))
      headers.set('content-type', isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    return new Response(answer.status === 204 ? null : payload, { status: answer.status, headers });
  };
}

type Outcome = { ok: true; state: LiveStreamState } | { ok: false; error: unknown };

const settle = (call: Promise<{ state: LiveStreamState }>): Promise<Outcome> =>
  call.then(
    (stream) => ({ ok: true, state: stream.state }),
    (error: unknown) => ({ ok: false, error }),
  );

function providerFor(id: AdapterId, gate: (label: string) => Promise<void>) {
  const spec = adapters[id];
  return spec.factory({
    ...engine.settingsOf(spec.provider)?.credentials,
    baseUrl: `${origin}/${spec.provider}${engine.dialects.get(spec.provider)?.basePath ?? ''}`,
    ...spec.settings,
    retry: { maxRetries: 0 },
    fetch: engineFetch(spec.provider, gate),
  });
}

const races = fc.record({
  // Where the stream is when the race begins: as created, or after a start the vendor accepted.
  startedFirst: fc.boolean(),
  calls: fc.array(fc.constantFrom<LifecycleOperation>('start', 'stop'), { minLength: 2, maxLength: 3 }),
  scheduler: fc.scheduler(),
});

describe('overlapping start and stop calls', () => {
  for (const id of adapterIds) {
    it(`on ${id}, resolve in their goal, fail only as a conflict, and leave the stream in a goal of one that resolved`, async () => {
      await fc.assert(
        fc.asyncProperty(races, ({ startedFirst, calls, scheduler }) =>
          counted(
            'overlapping start and stop',
            id,
            async () => {
              // The stream is made (and started) with every request let through; the race's are scheduled.
              let racing = false;
              const gate = (label: string) =>
                racing ? scheduler.schedule(Promise.resolve(), label) : Promise.resolve();
              const provider = providerFor(id, gate);
              const created = await provider.create({ name: 'unilive race' });
              const before = startedFirst ? (await provider.start(created.id)).state : created.state;
              racing = true;
              const outcomes = await scheduler.waitFor(
                Promise.all(calls.map((operation) => settle(provider[operation](created.id)))),
              );
              racing = false;
              const after = (await provider.get(created.id)).state;
              const reached = new Set<LiveStreamState>([before]);
              outcomes.forEach((outcome, index) => {
                const operation = calls[index] as LifecycleOperation;
                if (outcome.ok) {
                  expect(lifecycleGoals[operation], `${operation} resolved ${outcome.state}`).toContain(
                    outcome.state,
                  );
                  for (const state of lifecycleGoals[operation]) reached.add(state);
                } else if (operation === 'stop' && !provider.capabilities.stop) {
                  expect(UnsupportedOperationError.isInstance(outcome.error), String(outcome.error)).toBe(
                    true,
                  );
                } else {
                  expect(ConflictError.isInstance(outcome.error), String(outcome.error)).toBe(true);
                }
              });
              expect([...reached], `the stream ended ${after}`).toContain(after);
              await provider.delete(created.id);
            },
            calls.join(' ‖ '),
          ),
        ),
        { numRuns: 40 },
      );
    });
  }
});
