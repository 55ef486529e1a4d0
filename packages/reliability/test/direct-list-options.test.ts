import { createLiveStreamClient, type LiveStreamProvider } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';
import { outcomeOf, subjects } from './direct-harness.js';

// A provider used without a client behaves like one wrapped in it (architecture.md): a list's options whose
// values the client refuses (a page size or page cap that is no positive integer, a name that is no non-empty
// string, a timeout out of range) are refused by the provider called directly with the client's own
// InvalidInputError and nothing sent; options the client takes send the same requests both ways. And an
// object the caller made is read as the caller's own whatever it holds: an own `runtime` in it does not make
// it a client's copy, so a misspelt option beside it is refused, and a revoked Proxy as that `runtime` is an
// InvalidInputError naming it, never a TypeError.

const { counted, row } = checkSection('hardening.direct-list-options', 'configuration');
const listCheck = 'list options: the client’s refusal or requests, called directly';
const runtimeCheck = 'an own runtime in the caller’s options: still read and refused';

const value = <T>(valid: fc.Arbitrary<T>, invalid: readonly unknown[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );

const listOptions = fc
  .record(
    {
      pageSize: value(fc.integer({ min: 1, max: 200 }), [-5, 0, 1.5, 'x', Number.NaN, null, '10']),
      maxPages: value(fc.integer({ min: 1, max: 3 }), [-1, 0, 'x', 2.5, Number.POSITIVE_INFINITY, null]),
      name: value(fc.constantFrom('Launch', 'Évènement 🎥'), [true, '', 5, null, ['Launch']]),
      strict: value(fc.boolean(), ['yes', 1]),
      timeoutMs: value(fc.constantFrom(5_000, 30_000), [-1, 0, 'x']),
    },
    { requiredKeys: [] },
  )
  .map((record) => {
    const options: Record<string, unknown> = {};
    for (const [key, given] of Object.entries(record)) if (given !== undefined) options[key] = given;
    return options;
  });

// Every stream's id the walk yields, to its end.
async function walk(target: Pick<LiveStreamProvider, 'list'>, options: Record<string, unknown>) {
  const listed: string[] = [];
  for await (const stream of target.list(options as never)) listed.push(stream.id);
  return listed;
}

describe('a provider called directly checks a list’s option values as a client does', () => {
  for (const subject of subjects) {
    it(`${subject.label}: the client's refusal, or the client's requests, for every generated list`, async () => {
      const seen = { refused: 0, walked: 0 };
      await fc.assert(
        fc.asyncProperty(listOptions, (options) =>
          counted(
            listCheck,
            subject.label,
            async () => {
              const viaClient = subject.make();
              const client = await outcomeOf(
                () => walk(createLiveStreamClient(viaClient.provider), options),
                viaClient.requests,
              );
              const direct = subject.make();
              const called = await outcomeOf(() => walk(direct.provider, options), direct.requests);
              const said = `list ${JSON.stringify(options)}`;
              if (client.error?.name === 'InvalidInputError' && client.requests.length === 0) {
                seen.refused += 1;
                expect(client.error.delivery, said).toBe('not-sent');
                expect(called.error, said).toEqual(client.error);
                expect(called.requests, said).toEqual([]);
              } else {
                seen.walked += 1;
                expect(called, said).toEqual(client);
              }
            },
            `list ${JSON.stringify(options)}`,
          ),
        ),
        { numRuns: 150 },
      );
      row(listCheck, subject.label).figure = `${seen.refused} refused by the client, ${seen.walked} walked`;
      // Both kinds were generated, each often enough to mean something (some 70 and 80 of 150).
      expect(seen.refused).toBeGreaterThan(30);
      expect(seen.walked).toBeGreaterThan(30);
    });
  }
});

const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

describe('a provider called directly reads an options object with its own runtime as the caller’s', () => {
  for (const subject of subjects) {
    it(`${subject.label}: a misspelt option beside a runtime, or a revoked runtime, is refused before sending`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('plain', 'empty', 'revoked'),
          fc.option(fc.constantFrom('timeoutMS', 'signl', 'Timeoutms'), { nil: undefined }),
          fc.constantFrom('get', 'delete', 'list'),
          (runtimeKind, misspelt, call) =>
            counted(runtimeCheck, subject.label, async () => {
              const runtime =
                runtimeKind === 'revoked' ? revoked() : runtimeKind === 'empty' ? {} : { hooks: {} };
              const options: Record<string, unknown> = { runtime };
              if (misspelt !== undefined) options[misspelt] = 5;
              const { provider, requests } = subject.make();
              const outcome = await outcomeOf(
                () =>
                  call === 'list'
                    ? walk(provider, options)
                    : call === 'get'
                      ? provider.get(subject.id, options as never)
                      : provider.delete(subject.id, options as never),
                requests,
              );
              const said = `${call} ${runtimeKind} runtime, ${misspelt ?? 'nothing'} misspelt`;
              const expected = [
                ...(runtimeKind === 'revoked' ? ['options.runtime'] : []),
                ...(misspelt === undefined ? [] : [`options.${misspelt}`]),
              ];
              if (expected.length === 0) {
                // Nothing wrong: read and sent as the caller's own (a test's or a harness's runtime).
                expect(outcome.error?.delivery, said).not.toBe('not-sent');
                expect(outcome.requests.length, said).toBeGreaterThan(0);
                return;
              }
              expect(outcome.error?.name, said).toBe('InvalidInputError');
              expect(outcome.error?.delivery, said).toBe('not-sent');
              expect(outcome.error?.issues?.map((issue) => issue.path).sort(), said).toEqual(expected.sort());
              expect(outcome.requests, said).toEqual([]);
            }),
        ),
        { numRuns: 40 },
      );
    });
  }
});
