import { createLiveStreamClient, InvalidInputError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaVideo } from './wowza-video-provider.js';

// A refused create or update names every problem the adapter finds at once, an unknown region among them,
// as Wowza Real-Time does: a caller who fixes what the error names is not refused again for what it left
// out. Core's neutral checks come first, called directly as through a client (which makes them before the
// adapter is called): an input they refuse is refused for their problems alone.
const inputs = fc.record({
  region: fc.constantFrom(undefined, 'eu_germany', 'nowhere', 'EU_GERMANY'),
  ingestProtocol: fc.constantFrom(undefined, 'rtmp', 'wowz', 'rtmps'),
  restream: fc.constantFrom(undefined, [], [{ url: 'rtmp://a.example.com/live', streamKey: 'key-aaaa1111' }]),
  name: fc.constantFrom('ok', ''),
});

type Input = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

function given(input: Input, operation: 'create' | 'update'): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(input)) {
    if (field === undefined) continue;
    if (operation === 'update' && key === 'ingestProtocol') continue;
    value[key] = field;
  }
  return value;
}

function expectedPaths(input: Input, operation: 'create' | 'update'): string[] {
  const paths: string[] = [];
  if (input.name === '') paths.push('name');
  if (paths.length > 0) return paths;
  if (operation === 'create' && (input.ingestProtocol === 'wowz' || input.ingestProtocol === 'rtmps'))
    paths.push('ingestProtocol');
  if (input.restream !== undefined && input.restream.length > 0) paths.push('restream');
  // Read in any case, as Wowza Real-Time reads it.
  if (input.region !== undefined && input.region.toLowerCase() !== 'eu_germany') paths.push('region');
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

describe('Wowza Video names every problem of an input', () => {
  it('an unknown region beside the others, on create and update, called directly and through a client', async () => {
    const sent: string[] = [];
    const provider = wowzaVideo({
      token: 'header.payload.signature',
      fetch: async (request) => {
        sent.push(String(request instanceof Request ? request.url : request));
        return new Response('{}', { status: 500 });
      },
      retry: { maxRetries: 0 },
    });
    const client = createLiveStreamClient(provider);
    await fc.assert(
      fc.asyncProperty(inputs, fc.boolean(), async (input, direct) => {
        for (const operation of ['create', 'update'] as const) {
          const expected = expectedPaths(input, operation);
          fc.pre(expected.length > 0);
          const value = given(input, operation);
          const callee = direct ? provider : client;
          const error = await refusal(() =>
            operation === 'create'
              ? callee.create(value as never)
              : callee.update('abcd1234', value as never),
          );
          expect(error?.issues.map((issue) => issue.path).sort(), JSON.stringify(value)).toEqual(expected);
          expect(error?.delivery).toBe('not-sent');
          const region = error?.issues.find((issue) => issue.path === 'region');
          if (region)
            expect(region.message).toMatch(
              /^expected one of asia_pacific_australia, .*eu_germany, .*us_west_oregon$/,
            );
        }
      }),
      { numRuns: 200 },
    );
    expect(sent).toEqual([]);
  });
});
