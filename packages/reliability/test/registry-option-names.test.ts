import { createLiveStreamClient, createLiveStreamRegistry, InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';
import { subjects } from './direct-harness.js';

// A client's and a registry's own refusals name the caller's names (an unknown option of the client, its
// hooks or rate limit; of the registry, its routing; of a registry call, an input field, a walk's option).
// One that repeats the credential of a provider given is masked, whichever provider's it is: the registry
// holds them all, and no one provider's client has seen the refusal. So is its `onError` event.

const { counted } = checkSection('hardening.registry-option-names', 'secrets');
const check = 'a client’s or registry’s own refusal naming a provider credential: masked';

type Place = (values: {
  a: (typeof subjects)[number];
  b: (typeof subjects)[number];
  name: string;
  heard: unknown[];
}) => Promise<unknown> | unknown;

const places: Record<string, Place> = {
  'client option': ({ a, name }) => createLiveStreamClient(a.make().provider, { [name]: 1 } as never),
  'client hook': ({ a, name }) =>
    createLiveStreamClient(a.make().provider, { hooks: { [name]: () => undefined } } as never),
  'client rate limit': ({ a, name }) =>
    createLiveStreamClient(a.make().provider, { rateLimit: { requestsPerSecond: 1, [name]: 1 } } as never),
  'registry option': ({ a, b, name }) =>
    createLiveStreamRegistry({
      providers: { a: a.make().provider, b: b.make().provider },
      [name]: 1,
    } as never),
  'registry routing': ({ a, b, name }) =>
    createLiveStreamRegistry({
      providers: { a: a.make().provider, b: createLiveStreamClient(b.make().provider) },
      routing: { [name]: 1 },
    } as never),
};
const calls: Record<string, Place> = {
  'create option': (given) => registryOf(given).create({ name: 'Launch' }, { [given.name]: 1 } as never),
  'create input field': (given) => registryOf(given).create({ name: 'Launch', [given.name]: 1 } as never),
  'list option': (given) =>
    registryOf(given)
      .list({ [given.name]: 1 } as never)
      .toArray(),
  'findByName option': (given) => registryOf(given).findByName('Launch', { [given.name]: 1 } as never),
  'migrate option': (given) =>
    registryOf(given).migrate(`a:${given.a.id}`, { to: 'b', [given.name]: 1 } as never),
  'planMigration option': (given) =>
    registryOf(given).planMigration(`a:${given.a.id}`, { to: 'b', [given.name]: 1 } as never),
};

function registryOf({ a, b, heard }: Parameters<Place>[0]) {
  return createLiveStreamRegistry({
    providers: { a: a.make().provider, b: b.make().provider },
    hooks: { onError: (event) => heard.push(event) },
  });
}

describe('a client’s and a registry’s own refusals mask every provider credential they repeat', () => {
  it('every place, every credential of either provider (generated)', async () => {
    const pairs = fc
      .tuple(fc.constantFrom(...subjects), fc.constantFrom(...subjects))
      .filter(([a, b]) => a.label !== b.label);
    await fc.assert(
      fc.asyncProperty(
        pairs,
        fc.constantFrom(...Object.keys({ ...places, ...calls })),
        fc.boolean(),
        async ([a, b], place, fromB) =>
          counted(check, `${a.label} + ${b.label}`, async () => {
            // A client knows its own provider's credentials only; a registry knows every one.
            const owner = fromB && !place.startsWith('client') ? b : a;
            const credentials = (await owner.make().provider.secrets?.()) ?? [];
            for (const name of credentials) {
              const heard: unknown[] = [];
              const run = places[place] ?? calls[place];
              let error: unknown;
              try {
                await run?.({ a, b, name, heard });
              } catch (caught) {
                error = caught;
              }
              const said = `${place} named by ${owner.label}'s credential: ${String(error)}`;
              expect(InvalidInputError.isInstance(error), said).toBe(true);
              expect(`${String(error)} ${JSON.stringify(error)}`, said).not.toContain(name);
              expect(String(error), said).toContain('[REDACTED]');
              for (const event of heard) {
                const { error: told, ...fields } = event as { error: unknown };
                expect(
                  `${JSON.stringify(fields)} ${String(told)} ${JSON.stringify(told)}`,
                  said,
                ).not.toContain(name);
              }
            }
          }),
      ),
      { numRuns: 120 },
    );
  });
});
