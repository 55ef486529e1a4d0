import { InvalidInputError, type LiveStreamProvider, UniliveError } from '@unilive/core';
import { createMemoryBackend, createMemoryProvider } from '@unilive/testing';
import { adapterIds, adapters } from '../src/adapters.js';

// What the direct-call properties share: each subject (every adapter configuration and the memory provider)
// made fresh with a fetch that records every request, and a call's outcome as a caller and the vendor see
// it, so that a client's call and a direct one can be compared whole.

const baseUrl = 'https://vendor.invalid/api';

/** A request as the vendor received it. */
export interface Sent {
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

/** What a call did, as a caller and the vendor see it. */
export interface Outcome {
  error?: {
    name: string;
    delivery: string | undefined;
    operation: string | undefined;
    message?: string;
    issues?: readonly { path: string; message: string }[];
  };
  /** The ids a list walk yielded, when the call was one (it resolves to an array). */
  listed?: string[];
  requests: Sent[];
}

/** Runs `run` and tells its outcome: the ids it yielded if it answers an array, or its error's fields. */
export async function outcomeOf(run: () => Promise<unknown>, requests: Sent[]): Promise<Outcome> {
  try {
    const answer = await run();
    return Array.isArray(answer) ? { listed: answer as string[], requests } : { requests };
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

/** A provider the properties call, made fresh for each call with the requests it sends. */
export interface Subject {
  label: string;
  id: string;
  make(): { provider: LiveStreamProvider; requests: Sent[] };
}

/** Every adapter configuration, answered by a recording fetch, and the memory provider. */
export const subjects: Subject[] = [
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
