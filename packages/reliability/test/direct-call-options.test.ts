import { createLiveStreamClient, createLiveStreamRegistry, type LiveStreamProvider } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';
import { outcomeOf, subjects } from './direct-harness.js';

// A provider used without a client behaves like one wrapped in it (architecture.md), whatever the call
// decides after reading its options: options a client refuses (a misspelt name, a Map, null, text, a
// timeout out of range, a signal that is none, one aborted already) are refused by the provider called
// directly with the client's own error and nothing sent, on every call, before the provider decides the
// call itself. videosdk v1's `stop`, which no v1 stream has, read them only after deciding and so answered
// UnsupportedOperationError where a client said InvalidInputError (both sending nothing). Options the
// client takes give the same outcome both ways.

const { counted, row } = checkSection('hardening.direct-call-options', 'configuration');
const check = 'get, delete, start, stop options: the client’s refusal or outcome, called directly';

const aborted = () => {
  const controller = new AbortController();
  controller.abort(new Error('caller gave up'));
  return controller.signal;
};

type Call = 'get' | 'delete' | 'start' | 'stop';

// Each made fresh per call: a signal or a Map is an object of its own, never shared between the two calls.
const optionList: readonly [string, () => unknown][] = [
  ['left out', () => undefined],
  ['{}', () => ({})],
  ['{ timeoutMs: 5000 }', () => ({ timeoutMs: 5_000 })],
  ['{ timeoutMS: 5 }', () => ({ timeoutMS: 5 })],
  ['{ signl }', () => ({ signl: new AbortController().signal })],
  ['{ timeoutMs: -1 }', () => ({ timeoutMs: -1 })],
  ['{ timeoutMs: "x" }', () => ({ timeoutMs: 'x' })],
  ['{ signal: "nope" }', () => ({ signal: 'nope' })],
  ['{ signal: aborted }', () => ({ signal: aborted() })],
  ['null', () => null],
  ['"fast"', () => 'fast'],
  ['a Map', () => new Map([['timeoutMs', 5_000]])],
];
const options = fc.constantFrom(...optionList);
const calls: readonly Call[] = ['get', 'delete', 'start', 'stop'];
// Every call with every options object runs first, so both outcomes (the client's refusal, an answer) are
// certain on every call, whatever the random draw adds.
const everyPair = calls.flatMap((call) =>
  optionList.map((option) => [call, option] as [Call, [string, () => unknown]]),
);

const run = (target: Pick<LiveStreamProvider, Call>, call: Call, id: string, given: unknown) => () =>
  target[call](id, given as never) as Promise<unknown>;

describe('a provider called directly reads every call’s options as a client does, before deciding the call', () => {
  for (const subject of subjects) {
    it(`${subject.label}: the client's refusal, or the client's outcome, for every call and options`, async () => {
      const seen = { refused: 0, other: 0 };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...calls), options, (call, [label, make]) =>
          counted(
            check,
            subject.label,
            async () => {
              const viaClient = subject.make();
              const client = await outcomeOf(
                run(createLiveStreamClient(viaClient.provider), call, subject.id, make()),
                viaClient.requests,
              );
              const direct = subject.make();
              const called = await outcomeOf(run(direct.provider, call, subject.id, make()), direct.requests);
              const said = `${call} ${label}`;
              if (
                (client.error?.name === 'InvalidInputError' || client.error?.name === 'AbortError') &&
                client.requests.length === 0
              ) {
                seen.refused += 1;
                expect(client.error.delivery, said).toBe('not-sent');
              } else {
                seen.other += 1;
              }
              expect(called, said).toEqual(client);
            },
            `${label}`,
          ),
        ),
        { numRuns: 120, examples: everyPair },
      );
      row(check, subject.label).figure = `${seen.refused} refused by the client, ${seen.other} answered`;
      // The examples alone give 9 refusing options × 4 calls and 3 taken ones × 4 calls.
      expect(seen.refused).toBeGreaterThanOrEqual(36);
      expect(seen.other).toBeGreaterThanOrEqual(12);
    });
  }
});

// videosdk v1 has no stop call, so its `stop` sends nothing whatever it is given; what it refuses before
// saying so must be what `get`, which sends, refuses before sending: the same options object gives the same
// refusal (class, delivery and issues) on both, called directly and through a client alike, and only an
// options object `get` would send with is answered UnsupportedOperationError. A `timeoutMs` out of range
// (-1, 0, NaN, past 2³¹−1 ms) was UnsupportedOperationError on v1 stop where `get` refused it.
const v1 = subjects.find((subject) => subject.label === 'videosdk');
if (v1 === undefined) throw new Error('the videosdk v1 configuration is missing from the subjects');
const v1Check = 'videosdk v1 stop options: refused as get refuses them, else unsupported, nothing sent';

/** An options object, described so that each call gets its own signal. */
interface OptionsSpec {
  timeoutMs?: unknown;
  signal?: 'fresh' | 'aborted' | 'nope' | 'object' | 'null';
  /** A name no call takes (`timeoutMS`, `signl`), or `pageSize`, which `list` takes and `get` does not. */
  extra?: 'timeoutMS' | 'signl' | 'pageSize';
}

function optionsOf(spec: OptionsSpec): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if ('timeoutMs' in spec) options.timeoutMs = spec.timeoutMs;
  if (spec.signal !== undefined) {
    options.signal = {
      fresh: () => new AbortController().signal,
      aborted,
      nope: () => 'nope',
      object: () => ({ aborted: false }),
      null: () => null,
    }[spec.signal]();
  }
  if (spec.extra !== undefined) options[spec.extra] = 5;
  return options;
}

const specs: fc.Arbitrary<OptionsSpec> = fc.record(
  {
    timeoutMs: fc.oneof(
      fc.constantFrom<unknown>(-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, 'x', null),
      fc.integer({ min: -5_000, max: 60_000 }),
      fc.double({ min: -10, max: 10 }),
    ),
    signal: fc.constantFrom('fresh', 'aborted', 'nope', 'object', 'null'),
    extra: fc.constantFrom('timeoutMS', 'signl', 'pageSize'),
  },
  { requiredKeys: [] },
);

type Path = 'direct' | 'client';
const paths = fc.constantFrom<Path>('direct', 'client');

// The known cases, on both paths: out of range, fractional (a valid number of ms: every call takes it), a
// signal that is none, a misspelt name, an aborted signal beside a bad timeout.
const knownCases: [Path, OptionsSpec][] = (['direct', 'client'] as const).flatMap((path) =>
  (
    [
      { timeoutMs: -1 },
      { timeoutMs: 1.5 },
      { timeoutMs: 0 },
      { timeoutMs: Number.NaN },
      { timeoutMs: 5_000 },
      { signal: 'nope' },
      { extra: 'timeoutMS' },
      { timeoutMs: -1, signal: 'aborted' },
      {},
    ] satisfies OptionsSpec[]
  ).map((spec): [Path, OptionsSpec] => [path, spec]),
);

describe('videosdk v1 stop refuses the options get refuses, before saying v1 has no stop', () => {
  it('the same class, delivery and issues as get for every options object, directly and through a client', async () => {
    const subject = v1;
    const seen = { refused: 0, unsupported: 0 };
    await fc.assert(
      fc.asyncProperty(paths, specs, (path, spec) =>
        counted(
          v1Check,
          subject.label,
          async () => {
            const outcome = async (call: 'get' | 'stop') => {
              const made = subject.make();
              const target = path === 'direct' ? made.provider : createLiveStreamClient(made.provider);
              return outcomeOf(
                () => target[call](subject.id, optionsOf(spec) as never) as Promise<unknown>,
                made.requests,
              );
            };
            const get = await outcome('get');
            const stop = await outcome('stop');
            const said = `${path} ${JSON.stringify(spec)}`;
            expect(stop.requests, said).toEqual([]);
            const getRefused =
              get.requests.length === 0 &&
              (get.error?.name === 'InvalidInputError' || get.error?.name === 'AbortError');
            if (getRefused) {
              seen.refused += 1;
              expect(stop.error?.delivery, said).toBe('not-sent');
              expect(
                { name: stop.error?.name, operation: stop.error?.operation, issues: stop.error?.issues },
                said,
              ).toEqual({ name: get.error?.name, operation: 'stop', issues: get.error?.issues });
            } else {
              seen.unsupported += 1;
              expect(get.requests.length, said).toBeGreaterThan(0);
              expect({ name: stop.error?.name, delivery: stop.error?.delivery }, said).toEqual({
                name: 'UnsupportedOperationError',
                delivery: 'not-sent',
              });
            }
          },
          `${path} ${JSON.stringify(spec)}`,
        ),
      ),
      { numRuns: 150, examples: knownCases },
    );
    row(v1Check, subject.label).figure =
      `${seen.refused} refused as get refuses them, ${seen.unsupported} unsupported`;
  });
});

// One bad call option reads the same whatever is wrong with it, whichever call it is given to and wherever it
// is checked: through a client, on a provider called directly, through a registry. Its issue is named
// `options.<name>` and the message is `<provider> <operation>: invalid options: options.<name> (<problem>)`.
// A wrong type was named `options.timeoutMs` (the options' reading) while a wrong value was `timeoutMs`
// (the HTTP layer's check, a list's check, the waits' check), in three wordings.
const namingCheck = 'one bad call option: issue options.<name>, one wording, nothing sent';
type NamedCall =
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'start'
  | 'stop'
  | 'list'
  | 'waitForState'
  | 'waitForBroadcast';
const namedCalls: readonly NamedCall[] = [
  'get',
  'create',
  'update',
  'delete',
  'start',
  'stop',
  'list',
  'waitForState',
  'waitForBroadcast',
];
type Surface = 'client' | 'direct' | 'registry';
interface BadOption {
  name: string;
  /** Made fresh per call; `own` is the provider's id, for options under it. */
  value: (own: string) => unknown;
  /** The calls that take the name (a misspelt one is refused by every call). */
  on: readonly NamedCall[] | 'every';
}
const badOptions: fc.Arbitrary<BadOption> = fc.oneof(
  fc
    .constantFrom<unknown>(-1, 0, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, 'x', null, true, {})
    .map((value): BadOption => ({ name: 'timeoutMs', value: () => value, on: 'every' })),
  fc
    .constantFrom<unknown>('nope', 5, { aborted: false }, null)
    .map((value): BadOption => ({ name: 'signal', value: () => value, on: 'every' })),
  fc
    .constantFrom('timeoutMS', 'signl', 'Timeoutms')
    .map((name): BadOption => ({ name, value: () => 5, on: 'every' })),
  fc
    .tuple(fc.constantFrom('pageSize', 'maxPages'), fc.constantFrom<unknown>(0, -3, 1.5, Number.NaN, '10'))
    .map(([name, value]): BadOption => ({ name, value: () => value, on: ['list'] })),
  fc
    .tuple(
      fc.constantFrom('intervalMs', 'maxIntervalMs'),
      fc.constantFrom<unknown>(0, 99, -1, Number.NaN, Number.POSITIVE_INFINITY, 'x'),
    )
    .map(
      ([name, value]): BadOption => ({ name, value: () => value, on: ['waitForState', 'waitForBroadcast'] }),
    ),
  // `toArray`'s own: a client's and a registry's list only (a provider's walk has no `toArray`).
  fc
    .constantFrom<unknown>(-1, 1.5, Number.NaN, '3', null)
    .map((value): BadOption => ({ name: 'limit', value: () => value, on: ['list'] })),
  // A start's provider options, its call option: named under `options.providerOptions` like every other
  // (they were `providerOptions.<id>`, worded as a create's input). Every adapter refuses each of these:
  // one that takes none on start refuses anything under its id, videosdk v2 the unknown field.
  fc
    .constantFrom<(own: string) => unknown>(
      () => 'recording',
      () => [],
      () => new Map([['liveapi', {}]]),
      () => JSON.parse('{"__proto__": {}}'),
      () => ({ other: 'not an object' }),
      (own) => ({ [own]: { notAnOption: true } }),
      (own) => ({ [own]: new Map() }),
    )
    .map((value): BadOption => ({ name: 'providerOptions', value, on: ['start'] })),
);

function namedCall(target: unknown, call: NamedCall, id: unknown, options: unknown): () => Promise<unknown> {
  const on = target as Record<string, (...args: unknown[]) => unknown>;
  return async () => {
    switch (call) {
      case 'create':
        return on.create?.({ name: 'named' }, options);
      case 'update':
        return on.update?.(id, { name: 'renamed' }, options);
      case 'list': {
        const list = on.list as (given?: unknown) => unknown;
        if (typeof options === 'object' && options !== null && 'limit' in options)
          return (list.call(target) as { toArray(given: unknown): Promise<unknown> }).toArray(options);
        const walk = list.call(target, options) as AsyncIterable<unknown>;
        for await (const _ of walk) break;
        return undefined;
      }
      case 'waitForState':
        return on.waitForState?.(id, 'ready', options);
      default:
        return on[call]?.(id, options);
    }
  };
}

describe('one bad call option is named options.<name>, in one wording, wherever it is checked', () => {
  for (const subject of subjects) {
    it(`${subject.label}: every call, through a client, directly and through a registry (generated)`, async () => {
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...namedCalls),
          fc.constantFrom<Surface>('client', 'direct', 'registry'),
          badOptions,
          (call, surface, bad) => {
            const takes = bad.on === 'every' || bad.on.includes(call);
            // A provider has no waits of its own, and a misplaced name is the client's to refuse. Decided
            // before the case is counted: a case left out is no failure of the row's.
            fc.pre(takes && !(surface === 'direct' && (call.startsWith('wait') || bad.name === 'limit')));
            return counted(namingCheck, subject.label, async () => {
              const made = subject.make();
              const registry = createLiveStreamRegistry({ providers: { main: made.provider } });
              const target =
                surface === 'direct'
                  ? made.provider
                  : surface === 'client'
                    ? createLiveStreamClient(made.provider)
                    : registry;
              const id = surface === 'registry' ? { provider: 'main', id: subject.id } : subject.id;
              const outcome = await outcomeOf(
                namedCall(target, call, id, { [bad.name]: bad.value(made.provider.id) }),
                made.requests,
              );
              const said = `${surface} ${call} ${bad.name}`;
              expect(outcome.error?.name, said).toBe('InvalidInputError');
              expect(outcome.error?.delivery, said).toBe('not-sent');
              expect(outcome.requests, said).toEqual([]);
              const issues = outcome.error?.issues ?? [];
              // The option itself, or a place within it (`options.providerOptions.liveapi`).
              expect(issues.length, said).toBe(1);
              const [issue] = issues;
              expect(issue?.path, said).toMatch(new RegExp(`^options\\.${bad.name}(\\.|$)`));
              const operation = outcome.error?.operation ?? '';
              expect(outcome.error?.message, said).toMatch(
                new RegExp(
                  `^(${subject.label} |videosdk |)${operation}: invalid options: options\\.${bad.name}[^ ]* \\(`,
                ),
              );
              expect(outcome.error?.message, said).toContain(`${issue?.path} (`);
              expect(outcome.error?.message, said).toContain(`(${issue?.message})`);
              refused += 1;
            });
          },
        ),
        { numRuns: 150 },
      );
      row(namingCheck, subject.label).figure = `${refused} bad options refused, each named options.<name>`;
      expect(refused).toBeGreaterThan(0);
    });
  }
});
