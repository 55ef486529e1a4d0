import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/fake-provider.js';
import { providerInput } from '../inputs.js';
import type { LiveStreamProvider } from '../provider.js';
import { createLiveStreamClient } from './live-stream-client.js';

// A client hands its provider the create or update input it checked, which a provider takes as it is, told
// by identity (providerInput). A provider that wraps another is handed that input: were it free to change
// it, the provider it wraps, called directly, would send what no check saw. The input is frozen as deep as
// the check reaches, so each change throws (strict mode) and nothing is sent.

type Input = Record<string, unknown> & {
  restream: { url: string; streamKey: string }[];
  providerOptions: Record<string, Record<string, unknown>>;
};

// Each change a wrapping provider could make to each part of the checked input.
const mutations: Record<string, (input: Input) => void> = {
  'an unknown field': (input) => {
    input.nmae = 'Typo';
  },
  'an empty name': (input) => {
    input.name = '';
  },
  'a field removed': (input) => {
    delete input.recording;
  },
  'a restream target pushed': (input) => {
    input.restream.push({ url: 'http://not-rtmp.test', streamKey: '' });
  },
  'a restream target replaced': (input) => {
    input.restream[0] = { url: 'ftp://x.test', streamKey: ' ' };
  },
  "a restream target's url changed": (input) => {
    (input.restream[0] as { url: string }).url = 'http://not-rtmp.test';
  },
  "a restream target's unknown field": (input) => {
    (input.restream[0] as Record<string, unknown>).extra = 1;
  },
  'a Map under providerOptions': (input) => {
    input.providerOptions.videosdk = new Map() as unknown as Record<string, unknown>;
  },
  'an entry under providerOptions replaced': (input) => {
    input.providerOptions.liveapi = new Map() as unknown as Record<string, unknown>;
  },
  "an entry's option changed": (input) => {
    (input.providerOptions.liveapi as Record<string, unknown>).tier = new Map();
  },
};

function setUp(mutate: (input: Input) => void) {
  const fake = fakeProvider('liveapi', { streams: 1 });
  // The provider wrapped: as every adapter does, it reads its input with providerInput first.
  const inner: LiveStreamProvider = {
    ...fake.provider,
    create: (input, options) => fake.provider.create(providerInput(input, 'liveapi', 'create'), options),
    update: (id, patch, options) =>
      fake.provider.update(id, providerInput(patch, 'liveapi', 'update'), options),
  };
  const wrapping: LiveStreamProvider = {
    ...inner,
    create: (input, options) => {
      mutate(input as unknown as Input);
      return inner.create(input, options);
    },
    update: (id, patch, options) => {
      mutate(patch as unknown as Input);
      return inner.update(id, patch, options);
    },
  };
  return { fake, client: createLiveStreamClient(wrapping) };
}

const input = {
  name: 'Launch',
  recording: true,
  restream: [{ url: 'rtmp://a.test/live', streamKey: 'key-1' }],
  providerOptions: { liveapi: { tier: 'standard' } },
};

describe("a client's checked create and update input", () => {
  it('cannot be changed by a wrapping provider: each change throws and the inner provider sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(mutations)),
        fc.constantFrom('create', 'update'),
        async (mutation, operation) => {
          const { fake, client } = setUp(mutations[mutation] as (input: Input) => void);
          const [stream] = await client.list().toArray();
          const id = (stream as { id: string }).id;
          const before = fake.calls.length;
          const call =
            operation === 'create'
              ? client.create(structuredClone(input))
              : client.update(id, structuredClone(input));
          // The freeze's TypeError, which the client hands on as the cause of the provider's failure.
          const thrown = await call.then(
            () => undefined,
            (error: unknown) => error,
          );
          const cause = (thrown as { cause?: { name?: unknown; message?: unknown } } | undefined)?.cause;
          expect(cause?.name, mutation).toBe('TypeError');
          expect(cause?.message, mutation).toMatch(/not extensible|read[- ]only|Cannot (add|assign|delete)/);
          expect(fake.calls.slice(before), mutation).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is handed on frozen, as deep as the check reaches, leaving the vendor data below an entry as it is', async () => {
    let seen: Input | undefined;
    const { client } = setUp((given) => {
      seen = given;
    });
    await client.create({ ...input, providerOptions: { liveapi: { nested: { deep: 1 } } } });
    const handed = seen as Input;
    expect(Object.isFrozen(handed)).toBe(true);
    expect(Object.isFrozen(handed.restream)).toBe(true);
    expect(Object.isFrozen(handed.restream[0])).toBe(true);
    expect(Object.isFrozen(handed.providerOptions)).toBe(true);
    expect(Object.isFrozen(handed.providerOptions.liveapi)).toBe(true);
    expect(Object.isFrozen(handed.providerOptions.liveapi?.nested)).toBe(false);
  });
});
