import { createLiveStreamClient } from '@unilive/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

// Credentials read from the environment are secrets from the moment the provider is made, as settings are:
// a refusal made before any request (an option, an input field or a provider option named by the token)
// is masked by them, through a client and called directly. They were learnt only at the first request, so
// the first refusal showed them (the CLI, whose credentials come from the environment, printed one).

const { counted } = checkSection('hardening.credential-environment-names', 'secrets');
const check = 'a name repeating a credential from the environment, before any request: masked';

afterEach(() => {
  vi.unstubAllEnvs();
});

// Values no shape-based rule recognises: only knowing them masks them.
const value = fc.stringMatching(/^[0-9a-f]{32}$/);

type Place = 'call option' | 'input field' | 'provider option';

describe('credentials from the environment mask the names of a refusal made before any request', () => {
  for (const adapterId of adapterIds) {
    const adapter = adapters[adapterId];
    const variables = adapter.credentialVariables;
    // The credentials read together: videosdk's token alone, or its key pair.
    const groups = adapter.credentialSettings.includes('apiKey')
      ? [['token'], ['apiKey', 'secret']]
      : [[...adapter.credentialSettings]];
    it(`${adapterId}: every credential, every place, through a client and called directly (generated)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...groups),
          fc.array(value, { minLength: 2, maxLength: 2 }),
          fc.constantFrom<Place>('call option', 'input field', 'provider option'),
          fc.boolean(),
          (group, values, place, direct) =>
            counted(check, adapterId, async () => {
              for (const name of Object.values(variables)) vi.stubEnv(name, '');
              group.forEach((setting, index) => {
                vi.stubEnv(variables[setting] ?? '', values[index] ?? '');
              });
              const sent: string[] = [];
              const provider = adapter.factory({
                ...adapter.settings,
                baseUrl: 'https://vendor.invalid/api',
                retry: { maxRetries: 0 },
                fetch: async (request: Request) => {
                  sent.push(request.url);
                  return new Response('{}', { status: 500 });
                },
              });
              const target = direct ? provider : createLiveStreamClient(provider);
              for (const credential of values.slice(0, group.length)) {
                const named = { [credential]: 1 };
                let error: unknown;
                try {
                  if (place === 'call option') await target.get(adapter.fixtures.subjectId, named as never);
                  else if (place === 'input field')
                    await target.create({ name: 'Launch', ...named } as never);
                  else
                    await target.create({
                      name: 'Launch',
                      providerOptions: { [provider.id]: named } as never,
                    });
                } catch (caught) {
                  error = caught;
                }
                const said = `${place}, ${direct ? 'directly' : 'through a client'}: ${String(error)}`;
                expect(error, said).toBeDefined();
                // Named, masked; but an adapter that takes no provider option refuses the entry whole.
                if (!String(error).includes('takes no provider options'))
                  expect(String(error), said).toContain('[REDACTED]');
                expect(`${String(error)} ${JSON.stringify(error)}`, said).not.toContain(credential);
              }
              expect(sent).toEqual([]);
            }),
        ),
        { numRuns: 40 },
      );
    });
  }
});
