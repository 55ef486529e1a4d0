import {
  createLiveStreamClient,
  InvalidInputError,
  type LiveStreamProvider,
  UniliveError,
} from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterIds, adapters } from '../src/adapters.js';
import { checkSection } from './check-rows.js';

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

const baseUrl = 'https://vendor.invalid/api';

interface Sent {
  method: string;
  url: string;
  body: string;
}

// Every request recorded and answered by `answer` (by default a 422: the vendor's answer is not what is
// compared here, the requests and the error are).
function recordingFetch(
  requests: Sent[],
  answer: (request: Request) => Promise<Response> | Response = () =>
    new Response(JSON.stringify({ message: 'refused' }), {
      status: 422,
      headers: { 'content-type': 'application/json' },
    }),
) {
  return (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push({ method: request.method, url: request.url, body: await request.clone().text() });
    return answer(request);
  }) as typeof globalThis.fetch;
}

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

/** What a call did, as a caller and the vendor see it. */
interface Outcome {
  error?: {
    name: string;
    delivery: string | undefined;
    operation: string | undefined;
    message?: string;
    issues?: readonly { path: string; message: string }[];
  };
  listed?: string[];
  requests: Sent[];
}

async function outcomeOf(run: () => Promise<unknown>, requests: Sent[]): Promise<Outcome> {
  try {
    const listed = (await run()) as string[] | undefined;
    return listed === undefined ? { requests } : { listed, requests };
  } catch (caught) {
    if (!UniliveError.isInstance(caught)) return { error: { name: String(caught) } as never, requests };
    const error: NonNullable<Outcome['error']> = {
      name: caught.name,
      delivery: caught.delivery,
      operation: caught.operation,
    };
    if (InvalidInputError.isInstance(caught)) {
      error.message = caught.message;
      error.issues = caught.issues.map(({ path, message }) => ({ path, message }));
    }
    return { error, requests };
  }
}

interface Subject {
  label: string;
  id: string;
  make(): { provider: LiveStreamProvider; requests: Sent[] };
}

const subjects: Subject[] = [
  ...adapterIds.map((adapterId): Subject => {
    const adapter = adapters[adapterId];
    return {
      label: adapterId,
      id: adapter.fixtures.subjectId,
      make: () => {
        const requests: Sent[] = [];
        const provider = adapter.factory({
          ...adapter.fixtures.settings,
          ...adapter.settings,
          baseUrl,
          fetch: recordingFetch(requests),
          retry: { maxRetries: 0 },
        });
        return { provider, requests };
      },
    };
  }),
  {
    label: 'memory',
    id: 'mem-1',
    make: () => {
      const requests: Sent[] = [];
      const token = 'memory-token-0123456789';
      const backend = createMemoryBackend({ token });
      const answer = backend.fetch;
      backend.fetch = recordingFetch(requests, (request) => answer(request));
      return { provider: createMemoryProvider({ backend, token, retry: { maxRetries: 0 } }), requests };
    },
  },
];

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
