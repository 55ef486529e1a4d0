import {
  type CreateLiveStreamInput,
  createLiveStreamClient,
  type LiveStreamClient,
  type LiveStreamProvider,
  type LiveStreamState,
  liveStreamStates,
  type RestreamTargetInput,
  UniliveError,
} from '@unilive/core';
import { liveapi } from '@unilive/liveapi';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { createMemoryProvider } from '@unilive/testing';
import { wowzaVideo } from '@unilive/wowza-video';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';

// Applications test their code on the memory provider instead of a vendor, so the memory provider must
// answer a neutral call as the vendors do: the same outcome (success with the same warnings, or the same
// error class with the same delivery and issue paths), modulo what the capabilities say differs. These
// properties generate calls and compare it with real adapters on the sandbox.

/** A call's outcome, as an application sees it: nothing vendor-specific (ids, statuses, messages). */
type Outcome =
  | { ok: true; warnings: string[]; state?: string; name?: string }
  | { ok: false; error: string; delivery: string | undefined; issues: string[] };

function outcomeOf(value: unknown, failed: boolean): Outcome {
  if (failed) {
    if (!UniliveError.isInstance(value))
      return { ok: false, error: String(value), delivery: undefined, issues: [] };
    const issues =
      'issues' in value ? (value.issues as { path: string }[]).map((issue) => issue.path).sort() : [];
    return { ok: false, error: value.name, delivery: value.delivery, issues };
  }
  const stream = value as
    | { state?: string; name?: string; warnings?: { type: string; setting?: string }[] }
    | undefined;
  return {
    ok: true,
    warnings: (stream?.warnings ?? []).map((warning) => `${warning.type}:${warning.setting ?? ''}`).sort(),
    ...(stream?.state === undefined ? {} : { state: stream.state }),
    ...(stream?.name === undefined ? {} : { name: stream.name }),
  };
}

const settle = (call: () => Promise<unknown>): Promise<Outcome> =>
  call().then(
    (value) => outcomeOf(value, false),
    (error: unknown) => outcomeOf(error, true),
  );

// Names: ordinary, empty, blank, at and over the 200-character limit both providers share, and control
// characters.
const names = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(200), 'x'.repeat(201), 'a\u0000b', 'line\nbreak', '\u200b'),
);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 300, media: false });
});
afterAll(async () => {
  await sandbox?.close();
});

// Each row compares the memory provider with the vendor named as its adapter.
const { counted } = checkSection('hardening.memory-neutrality', 'memory provider');

const clientOf = (provider: LiveStreamProvider): LiveStreamClient => createLiveStreamClient(provider);

describe('the memory provider answers create inputs as a vendor with the same capabilities', () => {
  // LiveAPI shares the memory vendor's limits on everything generated here: RTMP ingest only, no region,
  // no low-latency setting, names up to 200 characters (capabilities). Restream and recording differ
  // (LiveAPI restreams, and records every broadcast whatever is asked), so they are not generated.
  it('the same input gives the same outcome on memory and on LiveAPI', async () => {
    const memory = clientOf(createMemoryProvider());
    const vendor = clientOf(liveapi(sandbox.adapterSettings('liveapi') as Parameters<typeof liveapi>[0]));
    for (const field of ['ingestProtocols', 'regions', 'lowLatency', 'maxNameLength'] as const) {
      expect(memory.capabilities[field], field).toEqual(vendor.capabilities[field]);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: names,
            ingestProtocol: fc.constantFrom('rtmp', 'rtmps', 'srt', 'rtsp', 'webrtc', 'wowz'),
            region: fc.constantFrom('us-east', 'eu-west', 'asia_pacific_singapore'),
            lowLatency: fc.boolean(),
            restream: fc.constant<RestreamTargetInput[]>([]),
          },
          { requiredKeys: ['name'] },
        ),
        (input: CreateLiveStreamInput) =>
          counted('create: the same input, the same outcome as the vendor', 'liveapi', async () => {
            const [onMemory, onVendor] = await Promise.all([
              settle(() => memory.create(input)),
              settle(() => vendor.create(input)),
            ]);
            // The state a new stream starts in follows the lifecycle model (explicit versus toggle): left out.
            const neutral = (outcome: Outcome) => (outcome.ok ? { ...outcome, state: undefined } : outcome);
            expect(neutral(onMemory)).toEqual(neutral(onVendor));
          }),
      ),
      { numRuns: 40 },
    );
  });

  it('the same update gives the same outcome on memory and on LiveAPI', async () => {
    const memory = clientOf(createMemoryProvider());
    const vendor = clientOf(liveapi(sandbox.adapterSettings('liveapi') as Parameters<typeof liveapi>[0]));
    const [onMemory, onVendor] = await Promise.all([
      memory.create({ name: 'unilive update probe' }),
      vendor.create({ name: 'unilive update probe' }),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: names,
            region: fc.constantFrom('us-east', 'eu-west'),
            lowLatency: fc.boolean(),
            restream: fc.constant<RestreamTargetInput[]>([]),
          },
          { requiredKeys: [] },
        ),
        (patch) =>
          counted('update: the same change, the same outcome as the vendor', 'liveapi', async () => {
            const [fromMemory, fromVendor] = await Promise.all([
              settle(() => memory.update(onMemory.id, patch)),
              settle(() => vendor.update(onVendor.id, patch)),
            ]);
            const neutral = (outcome: Outcome) => (outcome.ok ? { ...outcome, state: undefined } : outcome);
            expect(neutral(fromMemory)).toEqual(neutral(fromVendor));
          }),
      ),
      { numRuns: 40 },
    );
  });

  it("options under the provider's own id that it does not have are refused, on create and on update", async () => {
    const memory = clientOf(createMemoryProvider());
    const vendor = clientOf(liveapi(sandbox.adapterSettings('liveapi') as Parameters<typeof liveapi>[0]));
    const [onMemory, onVendor] = await Promise.all([
      memory.create({ name: 'unilive options probe' }),
      vendor.create({ name: 'unilive options probe' }),
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('create' as const, 'update' as const),
        fc.dictionary(fc.constantFrom('x', 'bogus', 'enabledd', 'billing_mode'), fc.jsonValue(), {
          minKeys: 1,
          maxKeys: 2,
        }),
        (operation, options) =>
          counted(
            'create and update: the same refusal of options the provider does not have',
            'liveapi',
            async () => {
              const call = (client: LiveStreamClient, provider: string, id: string) => {
                const providerOptions = { [provider]: options } as CreateLiveStreamInput['providerOptions'];
                return operation === 'create'
                  ? client.create({
                      name: 'unilive options probe',
                      ...(providerOptions ? { providerOptions } : {}),
                    })
                  : client.update(id, {
                      name: 'unilive options probe',
                      ...(providerOptions ? { providerOptions } : {}),
                    });
              };
              const [fromMemory, fromVendor] = await Promise.all([
                settle(() => call(memory, 'memory', onMemory.id)),
                settle(() => call(vendor, 'liveapi', onVendor.id)),
              ]);
              // The same refusal, each under its own id: LiveAPI, which has options, names each field it
              // lacks; memory, which takes none (`providerOptionsOn: []`), names the entry.
              const neutral = (outcome: Outcome, provider: string) =>
                outcome.ok
                  ? { ...outcome, state: undefined }
                  : {
                      ...outcome,
                      issues: [
                        ...new Set(
                          outcome.issues.map((path) =>
                            path
                              .replace(`providerOptions.${provider}`, 'providerOptions.<id>')
                              .split('.')
                              .slice(0, 2)
                              .join('.'),
                          ),
                        ),
                      ],
                    };
              expect(neutral(fromMemory, 'memory')).toEqual(neutral(fromVendor, 'liveapi'));
              expect(fromMemory.ok).toBe(false);
            },
          ),
      ),
      { numRuns: 20 },
    );
  });

  it('restream targets the memory vendor cannot keep are refused, as on a vendor without restream', async () => {
    // Wowza Video keeps no restream targets through this API either (capabilities.restream false).
    const memory = clientOf(createMemoryProvider());
    const vendor = clientOf(
      wowzaVideo(sandbox.adapterSettings('wowza-video') as Parameters<typeof wowzaVideo>[0]),
    );
    expect(memory.capabilities.restream).toBe(false);
    expect(vendor.capabilities.restream).toBe(false);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            url: fc.constantFrom(
              'rtmp://a.rtmp.youtube.com/live2',
              'rtmps://live-api-s.facebook.com:443/rtmp/',
            ),
            streamKey: fc.constantFrom('abcd-efgh-ijkl-mnop', 'FB-0123456789-0-Abc'),
          }),
          { maxLength: 2 },
        ),
        (restream) =>
          counted('create: the same refusal of restream targets neither keeps', 'wowza-video', async () => {
            const input = { name: 'unilive restream probe', restream };
            const [onMemory, onVendor] = await Promise.all([
              settle(() => memory.create(input)),
              settle(() => vendor.create(input)),
            ]);
            expect(onMemory).toEqual(onVendor);
          }),
      ),
      { numRuns: 10 },
    );
  });
});

describe('the memory provider starts and stops as a vendor with the same lifecycle', () => {
  // Each start and stop is waited out (the vendor's pace and the memory vendor's differ, and a call on a
  // stream in transition depends on that pace); what is compared is every call's outcome and the state it
  // leaves, repeats included (a start on a ready stream, a stop on a stopped one).
  type LifecycleStep = 'start' | 'stop' | 'start-unwaited' | 'stop-unwaited' | 'get' | 'rename';
  it('the same lifecycle steps give the same outcomes on memory and on Wowza Video', async () => {
    const memoryProvider = createMemoryProvider();
    const vendorProvider = wowzaVideo(
      sandbox.adapterSettings('wowza-video') as Parameters<typeof wowzaVideo>[0],
    );
    const sides = [clientOf(memoryProvider), clientOf(vendorProvider)] as const;
    const wait = { timeoutMs: 30_000, intervalMs: 100, maxIntervalMs: 200 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom<LifecycleStep>('start', 'stop', 'start-unwaited', 'stop-unwaited', 'get', 'rename'),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (steps) =>
          counted(
            'start and stop, waited out or not: the same outcomes and states',
            'wowza-video',
            async () => {
              const outcomes = await Promise.all(
                sides.map(async (client) => {
                  const { id } = await client.create({ name: 'unilive lifecycle probe' });
                  const seen: Outcome[] = [];
                  try {
                    for (const step of steps) {
                      if (step === 'start' || step === 'stop') {
                        seen.push(await settle(() => client[step](id)));
                        seen.push(
                          await settle(() =>
                            client.waitForState(id, step === 'start' ? 'ready' : 'stopped', wait),
                          ),
                        );
                      } else if (step === 'start-unwaited' || step === 'stop-unwaited') {
                        // Called on a settled stream (a repeat, or a change whose end is not awaited by the call),
                        // then settled before the next step.
                        seen.push(
                          await settle(() => client[step === 'start-unwaited' ? 'start' : 'stop'](id)),
                        );
                        const state = (await client.get(id)).state;
                        if (state !== 'ready' && state !== 'stopped')
                          await client.waitForState(
                            id,
                            step === 'start-unwaited' ? 'ready' : 'stopped',
                            wait,
                          );
                      } else if (step === 'get') {
                        seen.push(await settle(() => client.get(id)));
                      } else {
                        seen.push(
                          await settle(() =>
                            client.update(id, { name: 'unilive lifecycle probe (renamed)' }),
                          ),
                        );
                      }
                    }
                  } finally {
                    await client.delete(id).catch(() => undefined);
                  }
                  return seen;
                }),
              );
              // A start or stop answers while the change is under way or done: starting and ready (stopping and
              // stopped) are the same outcome at the pace of two different servers.
              const settled = (outcome: Outcome) =>
                outcome.ok && outcome.state !== undefined
                  ? {
                      ...outcome,
                      state: { starting: 'ready', stopping: 'stopped' }[outcome.state] ?? outcome.state,
                    }
                  : outcome;
              expect(outcomes[0]?.map(settled)).toEqual(outcomes[1]?.map(settled));
            },
          ),
      ),
      { numRuns: 10 },
    );
  }, 240_000);
});

describe('the memory provider waits for states as a vendor that lists the same ones', () => {
  it('waitForState for a state both list, or neither, has the same outcome on memory and on Wowza Video', async () => {
    const memoryProvider = createMemoryProvider();
    const vendorProvider = wowzaVideo(
      sandbox.adapterSettings('wowza-video') as Parameters<typeof wowzaVideo>[0],
    );
    const listed = (provider: LiveStreamProvider, state: LiveStreamState) =>
      provider.capabilities.states?.includes(state) ?? true;
    const sides = [clientOf(memoryProvider), clientOf(vendorProvider)] as const;
    const ids = await Promise.all(
      sides.map(async (client) => (await client.create({ name: 'unilive wait probe' })).id),
    );
    // Every state, enumerated: those one lists and the other does not are the documented difference.
    const compared = liveStreamStates.filter(
      (state) => listed(memoryProvider, state) === listed(vendorProvider, state),
    );
    expect(compared).toContain('disabled');
    // Both new streams are in one state, which a wait meets with its first poll: that wait gets as long as
    // the shared config's limits (30 s), since a short one times out when the process stalls while the
    // sandbox answers (a 300 ms limit met a 3.9 s stall: a TimeoutError beside memory's success). A state
    // no stream reaches is waited for 300 ms, its TimeoutError the outcome compared whatever the pace.
    const current = await Promise.all(
      sides.map(async (client, side) => (await client.get(ids[side] ?? '')).state),
    );
    expect(current[0]).toBe(current[1]);
    for (const state of compared) {
      await counted(
        'waitForState for a state both list, or neither: the same outcome',
        'wowza-video',
        async () => {
          const timeoutMs = state === current[0] ? 30_000 : 300;
          const outcomes = await Promise.all(
            sides.map((client, side) =>
              settle(() => client.waitForState(ids[side] ?? '', state, { timeoutMs, intervalMs: 100 })),
            ),
          );
          expect(outcomes[0], state).toEqual(outcomes[1]);
        },
        state,
      );
    }
  });
});

describe('the memory provider answers call sequences as a vendor with the same lifecycle', () => {
  // Wowza Video and the memory vendor both start and stop explicitly (capabilities.lifecycle); what is
  // compared is what needs no waiting: reads, renames, deletes, aborts and bad ids, on streams that exist,
  // were deleted, or never existed.
  type Step =
    | { op: 'get' | 'delete'; target: number }
    | { op: 'update'; target: number; name: string }
    | { op: 'get-aborted'; target: number }
    | { op: 'get-bad-id'; id: string }
    | { op: 'delete-twice-at-once'; target: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), target: fc.nat(3) }),
    fc.record({ op: fc.constant('update' as const), target: fc.nat(3), name: names }),
    fc.record({ op: fc.constant('get-aborted' as const), target: fc.nat(3) }),
    fc.record({
      op: fc.constant('get-bad-id' as const),
      id: fc.constantFrom('', '../x', 'a/b', 'a b', '%2e%2e', '?x'),
    }),
    fc.record({ op: fc.constant('delete-twice-at-once' as const), target: fc.nat(3) }),
  );

  it('the same steps give the same outcomes on memory and on Wowza Video', async () => {
    const memoryProvider = createMemoryProvider();
    const vendorProvider = wowzaVideo(
      sandbox.adapterSettings('wowza-video') as Parameters<typeof wowzaVideo>[0],
    );
    expect(memoryProvider.capabilities.lifecycle).toBe(vendorProvider.capabilities.lifecycle);
    const sides = [clientOf(memoryProvider), clientOf(vendorProvider)] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) =>
        counted('reads, renames, deletes, aborts and bad ids: the same outcomes', 'wowza-video', async () => {
          // Streams 0 and 1 exist, 2 was deleted, 3 never existed (an id shaped like the vendor's).
          const ids = await Promise.all(
            sides.map(async (client) => {
              const made = await Promise.all(
                [0, 1, 2].map((n) => client.create({ name: `unilive neutral ${n}` })),
              );
              await client.delete(made[2]?.id ?? '');
              const never = await client.create({ name: 'unilive neutral gone' });
              await client.delete(never.id);
              return [made[0]?.id ?? '', made[1]?.id ?? '', made[2]?.id ?? '', never.id];
            }),
          );
          const outcomes = await Promise.all(
            sides.map(async (client, side) => {
              const idOf = (target: number) => ids[side]?.[target] ?? '';
              const seen: Outcome[] = [];
              for (const each of steps) {
                switch (each.op) {
                  case 'get':
                    seen.push(await settle(() => client.get(idOf(each.target))));
                    break;
                  case 'delete':
                    seen.push(await settle(() => client.delete(idOf(each.target))));
                    break;
                  case 'update':
                    seen.push(await settle(() => client.update(idOf(each.target), { name: each.name })));
                    break;
                  case 'get-aborted':
                    seen.push(
                      await settle(() => client.get(idOf(each.target), { signal: AbortSignal.abort() })),
                    );
                    break;
                  case 'get-bad-id':
                    seen.push(await settle(() => client.get(each.id)));
                    break;
                  case 'delete-twice-at-once': {
                    const both = await Promise.all([
                      settle(() => client.delete(idOf(each.target))),
                      settle(() => client.delete(idOf(each.target))),
                    ]);
                    // Which of the two wins is the server's race; what counts is the pair.
                    seen.push(...both.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
                    break;
                  }
                }
              }
              for (const id of ids[side] ?? []) await client.delete(id).catch(() => undefined);
              return seen;
            }),
          );
          expect(outcomes[0]).toEqual(outcomes[1]);
        }),
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
