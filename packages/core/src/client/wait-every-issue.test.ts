import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { InvalidInputError } from '../errors/errors.js';
import { createLiveStreamRegistry } from '../registry/registry.js';
import { createLiveStreamClient } from './live-stream-client.js';
import { minWaitIntervalMs } from './wait-for-state.js';

// A wait refused names every problem of the call in one error, whatever kind each is: a state that is none,
// an option of the wrong type, one out of range, an unknown name, intervals that contradict each other. A
// caller who fixes what the error names is not refused again for something it left out.
type Given = { kind: 'absent' } | { kind: 'valid' | 'wrongType' | 'outOfRange'; value: unknown };
const optionValue = (valid: number, outOfRange: readonly unknown[]) =>
  fc.oneof(
    fc.constant<Given>({ kind: 'absent' }),
    fc.constant<Given>({ kind: 'valid', value: valid }),
    fc
      .constantFrom<unknown>(null, '100', true, 10n, {})
      .map<Given>((value) => ({ kind: 'wrongType', value })),
    fc.constantFrom<unknown>(...outOfRange).map<Given>((value) => ({ kind: 'outOfRange', value })),
  );

const calls = fc.record({
  state: fc.constantFrom<unknown>('ready', 'Ready', null, 42, ['ready', 'live']),
  timeoutMs: optionValue(5_000, [0, -1, Number.NaN, Number.POSITIVE_INFINITY]),
  intervalMs: optionValue(200, [minWaitIntervalMs - 1, -5, Number.POSITIVE_INFINITY]),
  maxIntervalMs: fc.oneof(
    optionValue(20_000, [minWaitIntervalMs - 1, Number.NaN]),
    // Valid alone, but below the interval given (200) or its default (1,000).
    fc.constant<Given>({ kind: 'valid', value: 150 }),
  ),
  unknown: fc.boolean(),
  events: fc.boolean(),
});

type Call = typeof calls extends fc.Arbitrary<infer T> ? T : never;

function optionsOf(call: Call) {
  const options: Record<string, unknown> = {};
  for (const name of ['timeoutMs', 'intervalMs', 'maxIntervalMs'] as const) {
    const given = call[name];
    if (given.kind !== 'absent') options[name] = given.value;
  }
  if (call.unknown) options.timeoutMS = 5;
  if (call.events) options.events = 42;
  return options;
}

// What a wait must name, from the call alone.
function expectedPaths(call: Call, withState: boolean): string[] {
  const paths: string[] = [];
  if (withState && !(call.state === 'ready' || Array.isArray(call.state))) paths.push('state');
  if (Array.isArray(call.state) && withState) paths.push('state.1');
  for (const name of ['timeoutMs', 'intervalMs', 'maxIntervalMs'] as const) {
    if (call[name].kind === 'wrongType' || call[name].kind === 'outOfRange') paths.push(`options.${name}`);
  }
  const interval =
    call.intervalMs.kind === 'valid' ? 200 : call.intervalMs.kind === 'absent' ? 1_000 : undefined;
  const max = call.maxIntervalMs;
  if (interval !== undefined && max.kind === 'valid' && (max.value as number) < interval)
    paths.push('options.maxIntervalMs');
  if (call.unknown) paths.push('options.timeoutMS');
  if (call.events) paths.push('options.events');
  return paths.sort();
}

async function refusal(run: () => Promise<unknown>): Promise<InvalidInputError | undefined> {
  try {
    await run();
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  return undefined;
}

describe('a refused wait names every problem at once', () => {
  it('waitForState and waitForBroadcast, on a client and on a registry, before any request', async () => {
    await fc.assert(
      fc.asyncProperty(calls, fc.boolean(), async (call, throughRegistry) => {
        const state = expectedPaths(call, true);
        const broadcast = expectedPaths(call, false);
        fc.pre(state.length > 0 && broadcast.length > 0);
        const fake = fakeProvider('fake', { streams: 1 });
        const [id = ''] = [...fake.store.keys()];
        fake.calls.length = 0;
        const client = createLiveStreamClient(fake.provider);
        const registry = createLiveStreamRegistry({ providers: { a: fake.provider } });
        const options = optionsOf(call);
        const refusedState = await refusal(() =>
          throughRegistry
            ? registry.waitForState(`a:${id}`, call.state as never, options as never)
            : client.waitForState(id, call.state as never, options as never),
        );
        const refusedBroadcast = await refusal(() =>
          throughRegistry
            ? registry.waitForBroadcast(`a:${id}`, options as never)
            : client.waitForBroadcast(id, options as never),
        );
        expect(refusedState?.issues.map((issue) => issue.path).sort()).toEqual(state);
        expect(refusedBroadcast?.issues.map((issue) => issue.path).sort()).toEqual(broadcast);
        expect(refusedState?.delivery).toBe('not-sent');
        // The message names each problem with what was expected of it.
        for (const issue of refusedState?.issues ?? [])
          expect(refusedState?.message).toContain(`${issue.path} (${issue.message})`);
        expect(fake.calls).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('pins the three cases first found', async () => {
    const fake = fakeProvider('fake', { streams: 1 });
    const [id = ''] = [...fake.store.keys()];
    const client = createLiveStreamClient(fake.provider);
    const paths = async (state: unknown, options: object) =>
      (await refusal(() => client.waitForState(id, state as never, options as never)))?.issues.map(
        (issue) => issue.path,
      );
    expect(await paths(null, { timeoutMs: 150, intervalMs: '100' })).toEqual(['state', 'options.intervalMs']);
    expect(await paths('Ready', { timeoutMs: null, intervalMs: 1 })).toEqual([
      'state',
      'options.timeoutMs',
      'options.intervalMs',
    ]);
    expect(await paths('ready', { intervalMs: null, maxIntervalMs: -1 })).toEqual([
      'options.intervalMs',
      'options.maxIntervalMs',
    ]);
    const unreadable = new Proxy([], {
      get() {
        throw new Error('no');
      },
    });
    expect(await paths(unreadable, { intervalMs: 1 })).toEqual(['state', 'options.intervalMs']);
  });
});
