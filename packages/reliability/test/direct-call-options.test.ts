import { createLiveStreamClient, type LiveStreamProvider } from '@unilive/core';
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

// Each made fresh per call: a signal or a Map is an object of its own, never shared between the two calls.
const options = fc.constantFrom<[string, () => unknown]>(
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
);

type Call = 'get' | 'delete' | 'start' | 'stop';
const run = (target: Pick<LiveStreamProvider, Call>, call: Call, id: string, given: unknown) => () =>
  target[call](id, given as never) as Promise<unknown>;

describe('a provider called directly reads every call’s options as a client does, before deciding the call', () => {
  for (const subject of subjects) {
    it(`${subject.label}: the client's refusal, or the client's outcome, for every call and options`, async () => {
      const seen = { refused: 0, other: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Call>('get', 'delete', 'start', 'stop'),
          options,
          (call, [label, make]) =>
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
                const called = await outcomeOf(
                  run(direct.provider, call, subject.id, make()),
                  direct.requests,
                );
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
        { numRuns: 120 },
      );
      row(check, subject.label).figure = `${seen.refused} refused by the client, ${seen.other} answered`;
      expect(seen.refused).toBeGreaterThan(20);
      expect(seen.other).toBeGreaterThan(10);
    });
  }
});
