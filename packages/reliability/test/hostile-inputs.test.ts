import {
  AuthenticationError,
  createLiveStreamClient,
  InvalidInputError,
  type LiveStreamClient,
  UniliveError,
} from '@unilive/core';
import { SecretScanner } from '@unilive/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import {
  type CorpusCase,
  type CorpusExpectation,
  expectationOf,
  loadCorpus,
  resolveValue,
} from '../src/corpus.js';
import { writeSection } from '../src/report.js';

const corpus = loadCorpus();
const baseUrl = 'https://vendor.invalid/api';

// Valid credentials of each adapter; credential cases replace one setting at a time.
const credentialSets: Record<AdapterId, Record<string, string>[]> = {
  'wowza-video': [{ token: 'corpus-token-0001' }],
  'wowza-realtime': [{ token: 'corpus-token-0001' }],
  liveapi: [{ tokenId: 'corpus-token-id-0001', secretKey: 'corpus-secret-key-0001' }],
  videosdk: [
    { token: 'corpus.jwt.token-0001' },
    { apiKey: 'corpus-api-key-0001', secret: 'corpus-secret-0001' },
  ],
  'videosdk-v2': [
    { token: 'corpus.jwt.token-0001' },
    { apiKey: 'corpus-api-key-0001', secret: 'corpus-secret-0001' },
  ],
};

interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A `fetch` that records every request and answers 422, so nothing is retried and nothing leaves. */
function countingFetch() {
  const requests: SentRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      body: await request.text(),
    });
    return new Response(JSON.stringify({ message: 'corpus stub refuses everything' }), {
      status: 422,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

async function call(client: LiveStreamClient, testCase: CorpusCase, adapter: AdapterId): Promise<unknown> {
  const input = resolveValue(testCase.input, adapter);
  const id = (
    testCase.streamId === undefined ? 'abc123' : resolveValue(testCase.streamId, adapter)
  ) as string;
  // Hostile values are handed over as a JavaScript caller could: untyped.
  const loose = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  switch (testCase.operation) {
    case 'create':
      return loose.create?.(input);
    case 'update':
      return loose.update?.(id, input);
    case 'list':
      return client.list(resolveValue(testCase.listOptions, adapter) as { pageSize?: number }).toArray();
    case 'waitForState':
      return loose.waitForState?.(id, 'ready', { timeoutMs: 1_000, intervalMs: 100 });
    default:
      return loose[testCase.operation]?.(id);
  }
}

function hasString(value: unknown, wanted: string): boolean {
  if (value === wanted) return true;
  if (Array.isArray(value)) return value.some((item) => hasString(item, wanted));
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some((item) => hasString(item, wanted));
  return false;
}

const tally = {
  runs: 0,
  rejected: 0,
  encoded: 0,
  requestsBeforeRejection: 0,
  failures: [] as string[],
  byCategory: {} as Record<string, number>,
};
const scanner = new SecretScanner();

/** Runs one case on one adapter with one set of settings; returns what did not go as expected. */
async function runOne(
  testCase: CorpusCase,
  adapter: AdapterId,
  settings: Record<string, string>,
  expected: CorpusExpectation,
): Promise<string[]> {
  const { fetch, requests } = countingFetch();
  // Blank values are no secret: four spaces would "leak" into every indented inspect output.
  for (const [label, value] of Object.entries(settings)) {
    if (value.trim().length >= 4) scanner.register(`credential ${label}`, value);
  }
  const input = resolveValue(testCase.input, adapter) as { restream?: { streamKey?: unknown }[] } | undefined;
  if (Array.isArray(input?.restream)) {
    for (const target of input.restream) {
      if (typeof target?.streamKey === 'string') scanner.register('restream key', target.streamKey);
    }
  }
  let error: unknown;
  let provider: ReturnType<(typeof adapters)[AdapterId]['factory']> | undefined;
  try {
    provider = adapters[adapter].factory({
      ...adapters[adapter].settings,
      ...settings,
      baseUrl,
      fetch,
      retry: { maxRetries: 0 },
    });
    await call(createLiveStreamClient(provider), testCase, adapter);
  } catch (caught) {
    error = caught;
    scanner.recordError(caught, `${testCase.id} on ${adapter}`);
  }
  tally.runs += 1;
  tally.byCategory[testCase.category] = (tally.byCategory[testCase.category] ?? 0) + 1;
  const problems: string[] = [];
  const describe = (value: unknown) =>
    value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  if (error !== undefined && !UniliveError.isInstance(error))
    problems.push(`untyped error ${describe(error)}`);
  if (expected === 'encoded') {
    tally.encoded += 1;
    if (requests.length === 0) problems.push(`expected a request, got none (${describe(error)})`);
    for (const request of requests) {
      if (!request.url.startsWith(`${baseUrl}/`)) problems.push(`request left the base URL: ${request.url}`);
      for (const [name, value] of Object.entries(request.headers)) {
        if (/[\r\n]/.test(value)) problems.push(`header ${name} carries CR/LF`);
      }
    }
    const name = (input as { name?: unknown } | undefined)?.name;
    // A vendor that keeps no name (videosdk v2 rooms) is sent none: the create warns instead.
    const sendsName = provider?.capabilities.names !== false;
    if (
      sendsName &&
      typeof name === 'string' &&
      !requests.some((request) => hasString(safeJson(request.body), name))
    ) {
      problems.push('the name did not reach the JSON body intact');
    }
  } else {
    tally.rejected += 1;
    tally.requestsBeforeRejection += requests.length;
    const Expected = expected === 'invalid-input' ? InvalidInputError : AuthenticationError;
    if (!Expected.isInstance(error)) problems.push(`expected ${Expected.kind}, got ${describe(error)}`);
    else if ((error as UniliveError).status !== undefined) problems.push('the error came from the vendor');
    if (requests.length > 0)
      problems.push(
        `${requests.length} request(s) sent: ${requests.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
  }
  return problems;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('hostile input corpus', () => {
  afterAll(() => {
    writeSection('corpus', {
      kind: 'corpus',
      cases: corpus.length,
      adapters: [...adapterIds],
      runs: tally.runs,
      rejected: tally.rejected,
      encoded: tally.encoded,
      requestsBeforeRejection: tally.requestsBeforeRejection,
      failures: tally.failures,
      leaks: scanner.leaks().length,
      byCategory: tally.byCategory,
    });
  });

  it('holds at least 60 cases, each with a unique id', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((testCase) => testCase.id)).size).toBe(corpus.length);
  });

  for (const adapter of adapterIds) {
    describe(adapter, () => {
      for (const testCase of corpus) {
        it(`${testCase.id}: ${testCase.what}`, async () => {
          const problems: string[] = [];
          const [first] = credentialSets[adapter];
          if (testCase.credential === undefined) {
            problems.push(
              ...(await runOne(testCase, adapter, first ?? {}, expectationOf(testCase, adapter))),
            );
          } else {
            for (const set of credentialSets[adapter]) {
              for (const setting of Object.keys(set)) {
                const settings = { ...set, [setting]: testCase.credential };
                const found = await runOne(
                  testCase,
                  adapter,
                  settings,
                  expectationOf(testCase, adapter, setting),
                );
                problems.push(...found.map((problem) => `${setting}: ${problem}`));
              }
            }
          }
          tally.failures.push(...problems.map((problem) => `${adapter} ${testCase.id}: ${problem}`));
          expect(problems).toEqual([]);
        });
      }
    });
  }

  it('no credential or restream key appears in any error the corpus produced', () => {
    expect(scanner.recorded).toBeGreaterThan(0);
    expect(scanner.leaks()).toEqual([]);
  });
});
