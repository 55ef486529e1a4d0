import { createLiveStreamClient, type LiveStreamProvider } from '@unilive/core';
import videosdk from '@unilive/videosdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSection } from './check-rows.js';
import { outcomeOf, type Sent, type Subject, subjects } from './direct-harness.js';

// A provider option's name is the caller's text, and a refusal names it in its path. A name that repeats
// one of the provider's own credentials (a token or a signing secret pasted where a key belongs) is masked
// by a client, as everything a call through it fails with is; a provider called directly refuses the same
// input with the same masked error, whichever call takes the options (create, update, or a start's call
// options), wherever the credential sits (an option's name, a nested one's, the provider id itself), and
// nothing is sent. So does a call option named by one, on every call.

const { counted, row } = checkSection('hardening.direct-option-names', 'secrets');
const check = 'an option named by a credential: the client’s masked refusal, called directly';

type Call = 'create' | 'update' | 'start';
const calls: readonly Call[] = ['create', 'update', 'start'];

// Where the credential is put: the name of an option, of an option one level down, or of the entry itself
// (a provider id no provider has, whose value is no object).
const places = ['option', 'nested', 'entry'] as const;
type Place = (typeof places)[number];

function providerOptions(providerId: string, name: string, place: Place): Record<string, unknown> {
  if (place === 'entry') return { [name]: 5 };
  return { [providerId]: place === 'nested' ? { settings: { [name]: 1 } } : { [name]: 1 } };
}

type Target = Pick<LiveStreamProvider, Call>;

const run = (target: Target, call: Call, id: string, options: Record<string, unknown>) => () => {
  const given = options as never;
  if (call === 'create') return target.create({ name: 'Launch', providerOptions: given });
  if (call === 'update') return target.update(id, { providerOptions: given });
  return target.start(id, { providerOptions: given });
};

// videosdk signing its own tokens: its `secret` has no token's shape, so only knowing it masks it.
const signing: Subject = {
  label: 'videosdk-v2 (apiKey and secret)',
  id: 'abcd-efgh-ijkl',
  make: () => {
    const requests: Sent[] = [];
    const provider = videosdk({
      apiKey: 'b1f0c2d3-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      secret: '3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e2b4d6f0a1c3e5b7d9f2a4c6e8b0d1f3a',
      baseUrl: 'https://vendor.invalid/api',
      fetch: (async () => {
        requests.push({ method: 'unexpected', url: '', body: '' });
        return new Response('{}', { status: 422 });
      }) as typeof fetch,
      retry: { maxRetries: 0 },
    });
    return { provider, requests };
  },
};

const { counted: countedCall } = checkSection('hardening.direct-call-option-names', 'secrets');
const callCheck = 'a call option named by a credential: the client’s masked refusal, called directly';

type AnyCall = 'get' | 'list' | 'delete' | 'start' | 'stop';
const anyCalls: readonly AnyCall[] = ['get', 'list', 'delete', 'start', 'stop'];

const callWith =
  (target: Pick<LiveStreamProvider, AnyCall>, call: AnyCall, id: string, options: object) => async () => {
    if (call !== 'list') return target[call](id, options as never);
    // The first page is enough: the options are read before it is asked for.
    for await (const _ of target.list(options as never)) break;
  };

describe('a provider called directly masks its own credentials in the option names it refuses', () => {
  for (const subject of [...subjects, signing]) {
    it(`${subject.label}: a call option named by a credential, on every call`, async () => {
      const credentials = (await subject.make().provider.secrets?.()) ?? [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...anyCalls),
          fc.constantFrom(...credentials),
          fc.constantFrom('', 'x-'),
          (call, credential, prefix) =>
            countedCall(callCheck, subject.label, async () => {
              const options = { [`${prefix}${credential}`]: 1 };
              const viaClient = subject.make();
              const client = await outcomeOf(
                callWith(createLiveStreamClient(viaClient.provider), call, subject.id, options),
                viaClient.requests,
              );
              const direct = subject.make();
              const called = await outcomeOf(
                callWith(direct.provider, call, subject.id, options),
                direct.requests,
              );
              const said = `${call} { ${prefix}<credential>: 1 }`;
              expect(client.error?.name, said).toBe('InvalidInputError');
              expect(client.requests, said).toEqual([]);
              expect(called, said).toEqual(client);
              expect(JSON.stringify(client.error), said).not.toContain(credential);
              expect(JSON.stringify(called.error), said).not.toContain(credential);
            }),
        ),
        { numRuns: 40 },
      );
    });
  }

  for (const subject of [...subjects, signing]) {
    it(`${subject.label}: the client's masked refusal, on create, update and start`, async () => {
      const credentials = (await subject.make().provider.secrets?.()) ?? [];
      expect(credentials.length).toBeGreaterThan(0);
      let named = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...calls),
          fc.constantFrom(...credentials),
          // The credential as the whole name, or inside one.
          fc.constantFrom('', 'x-'),
          fc.constantFrom(...places),
          (call, credential, prefix, place) =>
            counted(check, subject.label, async () => {
              const viaClient = subject.make();
              const options = providerOptions(viaClient.provider.id, `${prefix}${credential}`, place);
              const client = await outcomeOf(
                run(createLiveStreamClient(viaClient.provider), call, subject.id, options),
                viaClient.requests,
              );
              const direct = subject.make();
              const called = await outcomeOf(
                run(direct.provider, call, subject.id, options),
                direct.requests,
              );
              const said = `${call} ${prefix}<credential> as ${place}`;
              // An option named so is no option any vendor has, and an entry that is no object is refused:
              // both before any request. One level down, an option whose value the vendor reads as its own
              // record (LiveAPI's `settings`) is sent, as a client sends it.
              if (place !== 'nested') {
                expect(client.error?.name, said).toBe('InvalidInputError');
                expect(client.requests, said).toEqual([]);
              }
              expect(called, said).toEqual(client);
              expect(JSON.stringify(client.error), said).not.toContain(credential);
              expect(JSON.stringify(called.error), said).not.toContain(credential);
              if (called.error?.message?.includes('[REDACTED]')) named += 1;
            }),
        ),
        { numRuns: 80 },
      );
      row(check, subject.label).figure = `${named} of 80 refusals named the option, masked`;
    });
  }
});
