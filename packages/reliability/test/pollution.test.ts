import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLiveStreamClient, type LiveStreamProvider, UniliveError } from '@unilive/core';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// A polluted Object.prototype (left by any vulnerable deep merge of `{"__proto__": {…}}` in the process)
// must change nothing unilive sends and leave every outcome typed. Each case sets one to three properties
// on Object.prototype (not enumerable, so the test runner itself keeps working), with values a JSON merge can set, and runs
// create, get, start, list and delete through the real global fetch against a loopback server that records
// every request as it arrived (method, URL, every header, body). The requests must be the very ones sent
// without the pollution (or fewer, when Node's own fetch breaks first: see below), and each call must end
// as it did without it or with a UniliveError.
//
// The names are every option fetch, undici, ky and unilive read, and random ones. Left out, because they
// break Node's own fetch whatever its caller does: `get` and `set` (undici defines properties with plain
// descriptors and throws from inside its stream code, outside any caller's reach).

const runs = Number(process.env.UNILIVE_POLLUTION_RUNS ?? 15);

const optionNames = [
  // fetch / undici RequestInit and internals
  'method',
  'headers',
  'body',
  'redirect',
  'signal',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'integrity',
  'keepalive',
  'window',
  'priority',
  'duplex',
  'dispatcher',
  'status',
  'statusText',
  'url',
  'type',
  'ok',
  'once',
  'capture',
  'passive',
  // ky
  'json',
  'searchParams',
  'prefix',
  'prefixUrl',
  'baseUrl',
  'retry',
  'timeout',
  'totalTimeout',
  'hooks',
  'throwHttpErrors',
  'fetch',
  'parseJson',
  'stringifyJson',
  'context',
  'onDownloadProgress',
  'onUploadProgress',
  'limit',
  // valibot
  'fallback',
  'default',
  'issues',
  'typed',
  'value',
  'output',
  'entries',
  'wrapped',
  'pipe',
  'options',
  'expects',
  'message',
  'abortEarly',
  'abortPipeEarly',
  'lang',
  'kind',
  'async',
  'reference',
  // unilive
  'runtime',
  'deadline',
  'gate',
  'clock',
  'sleep',
  'events',
  'container',
  'rateLimit',
  'timeoutMs',
  'pageSize',
  'strict',
  'query',
  'idempotent',
  'schema',
  'operation',
  'provider',
  'delivery',
  'providerName',
  'maybeCreated',
  'cause',
  'code',
  'name',
  'stack',
  'vendorCode',
  'requestId',
  'retryAfterMs',
  'secrets',
  'onRequest',
  'onResponse',
  'onRetry',
  'onError',
  'onWarning',
  'raw',
  'warnings',
  'ingest',
  'playback',
  'state',
  'recording',
  'restream',
  'providerOptions',
  'token',
  'tokenId',
  'secretKey',
  'apiKey',
  'secret',
  'allowInsecureHttp',
  'maxResponseBytes',
] as const;

// Random names have four letters at least: the test runner's own worker messages carry one-letter fields
// (`t`, `i`, `e`…) that a polluted prototype would fill in for the runner itself while a case runs, which
// is the runner's failure, not one of unilive's, and can leave its worker waiting forever.
const randomName = fc
  .stringMatching(/^[a-z][a-zA-Z]{3,9}$/)
  .filter((name) => !(name in Object.prototype) && name !== 'get' && name !== 'set');
const pollutionArbitrary = fc.dictionary(
  fc.oneof(fc.constantFrom(...optionNames), randomName),
  fc.jsonValue({ maxDepth: 2 }),
  { minKeys: 1, maxKeys: 3 },
);

interface Received {
  method: string;
  url: string;
  headers: string[];
  body: string;
}

let server: Server;
let origin: string;
const received: Received[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: String(request.method),
        url: String(request.url),
        headers: [...request.rawHeaders],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

const rows: CheckRow[] = [];
afterAll(async () => {
  writeSection('hardening.pollution', { kind: 'checks', area: 'configuration', rows });
  await new Promise((resolve) => server.close(resolve));
});

type Outcome = string;

/** Each call's requests, as the server received them, and how each call ended. */
async function runCalls(adapterId: AdapterId): Promise<{ requests: Received[][]; outcomes: Outcome[] }> {
  const adapter = adapters[adapterId];
  received.length = 0;
  const provider: LiveStreamProvider = adapter.factory({
    ...adapter.fixtures.settings,
    ...(adapter.settings ?? {}),
    ...(adapterId === 'videosdk' ? { now: () => 1_758_395_748_000 } : {}),
    baseUrl: `${origin}/api`,
    retry: { maxRetries: 0 },
  });
  const client = createLiveStreamClient(provider);
  const id = adapter.fixtures.subjectId;
  const calls: [string, () => Promise<unknown>][] = [
    ['create', () => client.create(adapter.fixtures.createInput)],
    ['get', () => client.get(id)],
    ['start', () => client.start(id)],
    ['list', () => client.list().toArray({ limit: 1 })],
    ['delete', () => client.delete(id)],
  ];
  const outcomes: Outcome[] = [];
  const requests: Received[][] = [];
  for (const [name, call] of calls) {
    received.length = 0;
    outcomes.push(
      await call().then(
        () => `${name}: ok`,
        (error: unknown) =>
          UniliveError.isInstance(error) ? `${name}: ${error.name}` : `${name}: UNTYPED ${String(error)}`,
      ),
    );
    requests.push(received.map((request) => ({ ...request })));
  }
  return { requests, outcomes };
}

function pollute(pollution: Record<string, unknown>): () => void {
  const prototype = Object.prototype as Record<string, unknown>;
  for (const [key, value] of Object.entries(pollution)) {
    Object.defineProperty(prototype, key, { value, configurable: true, writable: true, enumerable: false });
  }
  return () => {
    for (const key of Object.keys(pollution)) delete prototype[key];
  };
}

describe('a polluted Object.prototype changes nothing sent, on the real fetch', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: the same requests, and every outcome the clean one or a UniliveError`, async () => {
      const { directory, operations } = adapters[adapterId].fixtures;
      const fixture = loadFixture(directory, operations.get?.success[0] ?? 'get');
      answer = { status: fixture.response.status, body: JSON.stringify(fixture.response.body ?? {}) };
      const clean = await runCalls(adapterId);
      expect(clean.requests.every((sent) => sent.length > 0)).toBe(true);
      expect(clean.outcomes.filter((outcome) => outcome.includes('UNTYPED'))).toEqual([]);
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(pollutionArbitrary, async (pollution) => {
          const restore = pollute(pollution);
          let dirty: Awaited<ReturnType<typeof runCalls>>;
          try {
            dirty = await runCalls(adapterId);
          } finally {
            restore();
          }
          // Each call sends the clean call's requests, or stops earlier (an answer it could no longer
          // read): never another request, never more.
          const sentOthers = dirty.requests.flatMap((sent, call) =>
            sent.filter(
              (request, index) => JSON.stringify(request) !== JSON.stringify(clean.requests[call]?.[index]),
            ),
          );
          const untyped = dirty.outcomes.filter(
            (outcome, index) => outcome !== clean.outcomes[index] && !/^\w+: \w+Error$/.test(outcome),
          );
          if (sentOthers.length > 0 || untyped.length > 0) {
            const failure = JSON.stringify({ pollution, sent: sentOthers, untyped });
            failures.push(failure);
            throw new Error(failure);
          }
          return true;
        }),
        {
          numRuns: runs,
          // An array on `issues` sent valibot round a loop without end (core now parses nothing then); a draw
          // reaches it about once in thousands of cases, so it is tried first, every run.
          examples: [[{ issues: [{ message: 'planted' }] }]],
          // A failing case is reported as drawn, not shrunk: each try pollutes the process again and makes
          // five calls over real sockets, so shrinking its JSON values could take minutes, and it is one to
          // three names already.
          endOnFailure: true,
        },
      );
      rows.push({
        check: 'polluted Object.prototype, real fetch',
        adapter: adapterId,
        runs,
        failures,
      });
      expect(failures.slice(-1)).toEqual([]);
    });
  }
});
