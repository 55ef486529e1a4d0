import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { createLiveStreamClient, type HttpHooks, type LiveStreamProvider, UniliveError } from '@unilive/core';
import { errorTranscript, loadFixture, SecretScanner } from '@unilive/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AdapterId, adapterIds, adapters } from '../src/adapters.js';
import { type CheckRow, writeSection } from '../src/report.js';

// Secrets across adapters: what the caller sends is scrubbed before the vendor answers, a stream key learned
// long ago is still scrubbed, and vendor-chosen text (messages, request ids) is scrubbed in every view.

const rows: CheckRow[] = [];
afterAll(() => writeSection('hardening.secrets', { kind: 'checks', area: 'secrets', rows }));

const baseUrl = 'https://vendor.invalid/api';

interface Exchange {
  method: string;
  url: string;
  authorization: string;
  body: string;
}

type Answer = (exchange: Exchange) => { status: number; body: unknown; headers?: Record<string, string> };

function fakeVendor(answer: Answer) {
  const exchanges: Exchange[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const exchange = {
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization') ?? '',
      body: await request.text(),
    };
    exchanges.push(exchange);
    const { status, body, headers } = answer(exchange);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, exchanges };
}

/** Hooks that hand every event, as a logger would print it, to the scanner. */
function recordingHooks(scanner: SecretScanner): HttpHooks {
  const record = (kind: string) => (event: object) => {
    const { error, ...rest } = event as { error?: unknown };
    scanner.recordText(JSON.stringify(rest), `hook ${kind}`);
    if (error !== undefined) scanner.recordText(errorTranscript(error), `hook ${kind} error`);
  };
  return {
    onRequest: record('request'),
    onResponse: record('response'),
    onRetry: record('retry'),
    onError: record('error'),
  };
}

/** A vendor error body that repeats `echo` in every field any adapter's error reader takes. */
function echoBody(echo: string) {
  return {
    meta: { status: 422, code: 'ERR-422-Echo', title: echo, message: echo, description: echo },
    message: echo,
    error: echo,
    code: 'echo',
  };
}

const encodings = {
  raw: (text: string) => text,
  base64: (text: string) => Buffer.from(text).toString('base64'),
  base64url: (text: string) => Buffer.from(text).toString('base64url'),
  url: (text: string) => encodeURIComponent(text),
  json: (text: string) => JSON.stringify(text),
} as const;
type Encoding = keyof typeof encodings;

const tokenCharacters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=-';
// Long enough that a random value cannot appear in the surrounding text by chance.
const credential = (characters: string) =>
  fc.string({ unit: fc.constantFrom(...characters), minLength: 12, maxLength: 48 });
const pushCredential = credential('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-');
const hexSecret = fc
  .integer({ min: 6, max: 16 })
  .chain((bytes) => fc.stringMatching(new RegExp(`^[0-9a-f]{${bytes * 2}}$`)));

/** Random credentials for an adapter, and random secrets in a create input it sends. */
function caseOf(adapter: AdapterId) {
  const settings =
    adapter === 'liveapi'
      ? fc.record({ tokenId: credential(tokenCharacters), secretKey: credential(tokenCharacters) })
      : adapter === 'videosdk' || adapter === 'videosdk-v2'
        ? fc.oneof(
            fc.record({ token: credential(tokenCharacters) }),
            fc.record({ apiKey: credential(tokenCharacters), secret: credential(tokenCharacters) }),
          )
        : fc.record({ token: credential(tokenCharacters) });
  const input =
    adapter === 'wowza-video'
      ? fc.record({ password: pushCredential, shared: hexSecret }).map(({ password, shared }) => ({
          secrets: [password, shared],
          input: {
            name: 'echo',
            providerOptions: {
              'wowza-video': {
                username: 'publisher',
                password,
                security: { token_auth_enabled: true, token_auth_shared_secret: shared },
              },
            },
          },
        }))
      : adapter === 'liveapi'
        ? // LiveAPI adds restream targets after the stream exists: the create body carries the settings,
          // the platform request the key.
          fc.record({ key: pushCredential, setting: pushCredential }).map(({ key, setting }) => ({
            secrets: [key, setting],
            input: {
              name: 'echo',
              restream: [{ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: key }],
              providerOptions: { liveapi: { settings: { pulling_mode: { source_key: setting } } } },
            },
          }))
        : adapter === 'videosdk'
          ? // Distinct keys, here and on v2: the client refuses a target that repeats another's url and
            // stream key before sending anything, and fast-check draws a string such as 'isPrototypeOf'
            // twice in about 1 of 570 runs of 40 cases.
            fc.uniqueArray(pushCredential, { minLength: 1, maxLength: 3 }).map((keys) => ({
              secrets: keys,
              input: {
                name: 'echo',
                restream: keys.map((streamKey) => ({ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey })),
              },
            }))
          : adapter === 'videosdk-v2'
            ? // v2 holds restream targets until start: the create sends none, and they must not leak either.
              fc.uniqueArray(pushCredential, { minLength: 1, maxLength: 3 }).map((keys) => ({
                secrets: [] as string[],
                held: keys,
                input: {
                  name: 'echo',
                  restream: keys.map((streamKey) => ({ url: 'rtmp://a.rtmp.youtube.com/live2', streamKey })),
                },
              }))
            : fc.constant({ secrets: [] as string[], input: { name: 'echo' } });
  return fc.record({
    settings: settings as fc.Arbitrary<Record<string, string>>,
    sent: input,
    encoding: fc.constantFrom(...(Object.keys(encodings) as Encoding[])),
    prefix: fc.string({ maxLength: 5 }),
    cut: fc.option(fc.nat({ max: 700 }), { nil: undefined }),
  });
}

const liveApiCreated = loadFixture(adapters.liveapi.fixtures.directory, 'create-any').response.body;

describe('secrets: what the caller sends is a secret before the vendor answers', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: a refused create that echoes the request, in any encoding, leaks nothing`, async () => {
      const adapter = adapters[adapterId];
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(caseOf(adapterId), async ({ settings, sent, encoding, prefix, cut }) => {
          runs += 1;
          const scanner = new SecretScanner();
          for (const [label, value] of Object.entries(settings))
            scanner.register(`credential ${label}`, value);
          for (const secret of sent.secrets) scanner.register('input secret', secret);
          const held: readonly string[] = 'held' in sent ? (sent.held as string[]) : [];
          for (const secret of held) scanner.register('held input secret', secret);
          // The vendor repeats what it received, headers and body, in the chosen encoding, cut or whole. On
          // LiveAPI the create itself succeeds and the restream target's request is the one refused.
          const created = adapterId === 'liveapi' ? liveApiCreated : undefined;
          const vendor = fakeVendor(({ authorization, body, url }) => {
            if (created && url.endsWith('/live_streams')) return { status: 201, body: created };
            const full = encodings[encoding](`${prefix}${authorization} ${body}`);
            const echo = cut === undefined ? full : full.slice(0, cut);
            return { status: 422, body: echoBody(echo), headers: { 'x-request-id': echo.slice(0, 4000) } };
          });
          const provider: LiveStreamProvider = adapter.factory({
            ...adapter.settings,
            ...settings,
            baseUrl,
            fetch: vendor.fetch,
            retry: { maxRetries: 0 },
          });
          const client = createLiveStreamClient(provider, { hooks: recordingHooks(scanner) });
          const error = await client.create(sent.input).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          scanner.recordError(error);
          const leaks = scanner.leaks();
          // Every input secret did reach the vendor, so the echo carried it.
          const sentText = vendor.exchanges.map((exchange) => exchange.body).join('');
          expect(sent.secrets.every((secret) => sentText.includes(secret))).toBe(true);
          expect(vendor.exchanges).toHaveLength(created ? 2 : 1);
          if (leaks.length > 0) {
            failures.push(
              `${encoding}: ${vendor.exchanges.length} requests, leaks ${leaks.map((leak) => `${leak.secretLabel} in ${leak.where}`).join(', ')}`,
            );
          }
          expect(leaks).toEqual([]);
        }),
        { numRuns: 40 },
      );
      rows.push({
        check: 'input credentials echoed by a refused create',
        adapter: adapterId,
        runs,
        failures,
      });
    });
  }
});

// Replaces the last six characters of each value with the stream's number, so every stream of the walk has
// keys of its own in the shape the vendor uses (hex, UUID or alphanumeric all take digits).
function streamOf(template: string, values: readonly string[], index: number): string {
  const suffix = String(index).padStart(6, '0');
  const mutate = (value: string) =>
    value.length <= 6 ? suffix.slice(-value.length) : `${value.slice(0, -6)}${suffix}`;
  let text = template;
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    text = text.replaceAll(JSON.stringify(value).slice(1, -1), JSON.stringify(mutate(value)).slice(1, -1));
  }
  return text;
}

const otherStreams = 1_050;
// A walk of 1,050 gets: seconds alone (12 s on Wowza Real-Time), minutes beside other suites on two cores.
// A limit ends a hang; it never measures speed.
const walkLimitMs = 600_000;

/**
 * What one `get` is answered with, as one JSON text, and the part of it each request receives. Most
 * adapters read one answer; videosdk v2 reads the room, its active egress and its RTMP-outs (whose
 * destination keys are the stream's own secrets).
 */
function getAnswers(adapterId: AdapterId): { template: string; partOf(text: string, url: string): unknown } {
  const { fixtures } = adapters[adapterId];
  const body = (name: string) => loadFixture(fixtures.directory, name).response.body;
  if (adapterId !== 'videosdk-v2') {
    const name = fixtures.operations.get?.success[0] ?? 'get';
    return { template: JSON.stringify(body(name)), partOf: (text) => text };
  }
  const parts = {
    room: body('v2-rooms-get'),
    active: body('v2-hls-active'),
    livestreams: body('v2-livestreams-list.running'),
  };
  // The recorded RTMP-out key is also the recordings' restream credential: the stream gets one of its own.
  const restreamKey = fixtures.secrets['restream key'] ?? '';
  return {
    template: JSON.stringify(parts).replaceAll(restreamKey, 'rtmp-out-key-of-the-first-stream'),
    partOf: (text, url) => {
      const { pathname } = new URL(url);
      const part = pathname.endsWith('/active')
        ? 'active'
        : pathname.endsWith('/livestreams')
          ? 'livestreams'
          : 'room';
      return (JSON.parse(text) as Record<string, unknown>)[part];
    },
  };
}

describe('secrets: a stream key learned long ago is still a secret', () => {
  for (const adapterId of adapterIds) {
    it(
      `${adapterId}: after ${otherStreams} other streams, the first stream's keys are still scrubbed`,
      async () => {
        const adapter = adapters[adapterId];
        const { fixtures } = adapter;
        const { template, partOf } = getAnswers(adapterId);
        let answer: Answer = ({ url }) => ({ status: 200, body: partOf(template, url) });
        const vendor = fakeVendor((exchange) => answer(exchange));
        const provider = adapter.factory({ ...fixtures.settings, baseUrl, fetch: vendor.fetch });
        // Credentials (LiveAPI's Basic value is made at the first request) are not the stream's.
        const credentials = new Set([...(provider.secrets?.() ?? []), ...Object.values(fixtures.secrets)]);
        await provider.get(fixtures.subjectId);
        const learned = (provider.secrets?.() ?? []).filter((value) => !credentials.has(value));
        expect(learned.length).toBeGreaterThan(0);

        for (let index = 1; index <= otherStreams; index += 1) {
          const body = streamOf(template, [...learned, fixtures.subjectId], index);
          answer = ({ url }) => ({ status: 200, body: partOf(body, url) });
          await provider.get(streamOf(fixtures.subjectId, [fixtures.subjectId], index));
        }
        // Each stream of the walk brought keys of its own: the provider learned them all.
        expect(provider.secrets?.().length).toBeGreaterThanOrEqual(learned.length * (otherStreams + 1));

        const scanner = new SecretScanner();
        for (const value of learned) scanner.register('stream secret', value);
        const echo = learned.join(' ');
        for (const encode of Object.values(encodings)) {
          answer = () => ({
            status: 409,
            body: echoBody(`already in use: ${encode(echo)}`),
            headers: { 'x-request-id': encode(echo) },
          });
          const client = createLiveStreamClient(provider, { hooks: recordingHooks(scanner) });
          scanner.recordError(await client.get(fixtures.subjectId).catch((caught: unknown) => caught));
        }
        const failures = scanner.leaks().map((leak) => `${leak.secretLabel} in ${leak.where}`);
        rows.push({
          check: 'a stream key learned before a long walk',
          adapter: adapterId,
          runs: Object.keys(encodings).length,
          failures,
          figure: `${learned.length} secret${learned.length === 1 ? '' : 's'} of the first stream, ${otherStreams.toLocaleString('en-US')} streams learned since`,
        });
        expect(failures).toEqual([]);
      },
      walkLimitMs,
    );
  }
});

// A stream may carry more restream targets than a stream keeps earlier secrets (32): targets added on the
// vendor's dashboard, read back by a get. Every key of the latest answer stays a secret.
const manyTargets = 64;

describe(`secrets: a stream read with ${manyTargets} restream targets`, () => {
  const withTargets: Partial<
    Record<AdapterId, { fixture: string; list: string; target(key: string, index: number): unknown }>
  > = {
    liveapi: {
      fixture: 'get-with-platform',
      list: 'platforms',
      target: (key, index) => ({
        _id: `6226ce8431ddbeb3754a${String(index).padStart(4, '0')}`,
        template: 'custom',
        enabled: true,
        server: 'rtmp://a.rtmp.youtube.com/live2',
        key,
        broadcasting_status: 'offline',
      }),
    },
    videosdk: {
      fixture: 'get-livestream',
      list: 'restream',
      target: (key) => ({ url: 'rtmp://x.rtmp.youtube.com/live2', streamKey: key }),
    },
  };
  for (const [adapterId, shape] of Object.entries(withTargets) as [
    AdapterId,
    NonNullable<(typeof withTargets)[AdapterId]>,
  ][]) {
    it(`${adapterId}: every target's key is scrubbed from a later error, in every encoding`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const body = structuredClone(loadFixture(fixtures.directory, shape.fixture).response.body) as Record<
        string,
        unknown
      >;
      const keys = Array.from(
        { length: manyTargets },
        (_, index) => `dash-${String(index).padStart(2, '0')}-Zq8Wv3Lm0Pq8Rt5Y`,
      );
      body[shape.list] = keys.map((key, index) => shape.target(key, index));
      let answer: Answer = () => ({ status: 200, body });
      const vendor = fakeVendor((exchange) => answer(exchange));
      const provider = adapter.factory({
        ...adapter.settings,
        ...fixtures.settings,
        baseUrl,
        fetch: vendor.fetch,
      });
      const read = await provider.get(fixtures.subjectId);
      expect(read.restream).toHaveLength(manyTargets);
      const scanner = new SecretScanner();
      for (const key of keys) scanner.register('restream key', key);
      const client = createLiveStreamClient(provider, { hooks: recordingHooks(scanner) });
      let runs = 0;
      for (const [index, key] of keys.entries()) {
        const encode = Object.values(encodings)[index % Object.keys(encodings).length] as (
          text: string,
        ) => string;
        answer = () => ({
          status: 422,
          body: echoBody(`platform key ${encode(key)} rejected`),
          headers: { 'x-request-id': encode(key) },
        });
        scanner.recordError(await client.get(fixtures.subjectId).catch((caught: unknown) => caught));
        runs += 1;
      }
      const failures = scanner.leaks().map((leak) => `${leak.secretLabel} in ${leak.where}`);
      rows.push({
        check: `restream keys of a stream with ${manyTargets} targets`,
        adapter: adapterId,
        runs,
        failures,
        figure: `${manyTargets} targets read in one answer, each echoed by a later error`,
      });
      expect(failures).toEqual([]);
    });
  }
});

// Vendor text that would act on a terminal or a log (ESC sequences, C1 controls, zero-width and bidi
// characters, line separators, tag characters), and a custom fetch (a proxy wrapper, instrumentation)
// whose errors carry the request's credentials in `code` or `name`.
const unprintable = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\u001b[2J',
        '\u001b]52;c;ZXZpbA==\u0007',
        '\u009b31m',
        '\u200b',
        '\u2028',
        '\u2029',
        '\u202e',
        '\u{e0041}\u{e0042}',
        '\r\n',
        '\u0000',
      ),
      fc.string({ maxLength: 6, unit: 'grapheme-ascii' }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''));

describe('secrets: vendor text and failures of a custom fetch', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: control and format characters in vendor text reach no error field as they are`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(hostileText, async (text) => {
          runs += 1;
          const vendor = fakeVendor(() => ({
            status: 422,
            body: { ...echoBody(text), code: text },
            headers: { 'x-request-id': text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '') || 'x' },
          }));
          const provider = adapter.factory({
            ...adapter.settings,
            ...fixtures.settings,
            baseUrl,
            fetch: vendor.fetch,
          });
          const error = (await provider
            .get(fixtures.subjectId)
            .catch((caught: unknown) => caught)) as UniliveError;
          expect(UniliveError.isInstance(error)).toBe(true);
          const fields = {
            message: error.message,
            vendorMessage: error.vendorMessage ?? '',
            vendorCode: error.vendorCode ?? '',
            requestId: error.requestId ?? '',
            toJSON: JSON.stringify(error.toJSON()).replace(/\\u[0-9a-f]{4}/g, ''),
          };
          const raw = Object.entries(fields).filter(([, value]) => unprintable.test(value));
          if (raw.length > 0)
            failures.push(`${JSON.stringify(text)} in ${raw.map(([name]) => name).join(', ')}`);
          expect(raw).toEqual([]);
        }),
        { numRuns: 30 },
      );
      rows.push({
        check: 'control and format characters in vendor text',
        adapter: adapterId,
        runs,
        failures,
      });
    });

    it(`${adapterId}: a custom fetch whose error carries the credentials in code or name leaks nothing`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const failures: string[] = [];
      const shapes: Record<string, (authorization: string) => unknown> = {
        'code holding the header': (authorization) =>
          Object.assign(new Error('proxy failed'), { code: authorization }),
        'code holding the credential': (authorization) =>
          Object.assign(new Error('proxy failed'), { code: authorization.replace(/^\S+ /, '') }),
        'name holding the header': (authorization) =>
          Object.assign(new Error('proxy failed'), { name: `ProxyError[${authorization}]` }),
        'nested cause': (authorization) =>
          new Error('proxy failed', { cause: Object.assign(new Error('upstream'), { code: authorization }) }),
        'a thrown string': (authorization) => `failed with ${authorization}`,
      };
      for (const [shape, make] of Object.entries(shapes)) {
        const scanner = new SecretScanner();
        for (const [label, value] of Object.entries(fixtures.secrets)) scanner.register(label, value);
        let authorization = '';
        const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
          const request = input instanceof Request ? input : new Request(input, init);
          authorization = request.headers.get('authorization') ?? '';
          throw make(authorization);
        };
        const provider = adapter.factory({
          ...adapter.settings,
          ...fixtures.settings,
          baseUrl,
          fetch,
          retry: { maxRetries: 0 },
        });
        const client = createLiveStreamClient(provider, { hooks: recordingHooks(scanner) });
        const error = await client.get(fixtures.subjectId).catch((caught: unknown) => caught);
        expect(UniliveError.isInstance(error)).toBe(true);
        expect(authorization).not.toBe('');
        scanner.register('authorization header', authorization);
        scanner.register('authorization value', authorization.replace(/^\S+ /, ''));
        scanner.recordError(error);
        scanner.recordText(inspect(error, { depth: 10 }), 'util.inspect');
        const leaks = scanner.leaks();
        if (leaks.length > 0)
          failures.push(
            `${shape}: ${leaks.map((leak) => `${leak.secretLabel} in ${leak.where}`).join(', ')}`,
          );
      }
      rows.push({
        check: 'credentials in the code or name of a custom fetch error',
        adapter: adapterId,
        runs: Object.keys(shapes).length,
        failures,
      });
      expect(failures).toEqual([]);
    });
  }
});

describe('secrets: vendor-chosen text on a success', () => {
  for (const adapterId of adapterIds) {
    it(`${adapterId}: a request id that repeats the credentials is scrubbed in the response hook`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const { template, partOf } = getAnswers(adapterId);
      const scanner = new SecretScanner();
      for (const [label, value] of Object.entries(fixtures.secrets)) scanner.register(label, value);
      const vendor = fakeVendor(({ authorization, url }) => ({
        status: 200,
        body: partOf(template, url),
        headers: { 'x-request-id': `req ${authorization}` },
      }));
      const provider = adapter.factory({ ...fixtures.settings, baseUrl, fetch: vendor.fetch });
      const client = createLiveStreamClient(provider, { hooks: recordingHooks(scanner) });
      await client.get(fixtures.subjectId);
      const failures = scanner.leaks().map((leak) => `${leak.secretLabel} in ${leak.where}`);
      rows.push({ check: 'request id repeating the credentials', adapter: adapterId, runs: 1, failures });
      expect(scanner.recorded).toBeGreaterThan(1);
      expect(failures).toEqual([]);
    });
  }
});

// A stream's own secrets (keys, push passwords, tokens) come in an answer: the `onResponse` event of that
// very answer already masks them, however the vendor-chosen request id repeats one.
describe('secrets: the answer that brings a stream its secrets', () => {
  // How each adapter's answers bring secrets: every adapter's `get`, and the list pages that carry whole
  // records (the others list summaries and read each record with a `get`).
  const reads: { adapterId: AdapterId; read: 'get' | 'list' }[] = [
    ...adapterIds.map((adapterId) => ({ adapterId, read: 'get' as const })),
    { adapterId: 'liveapi', read: 'list' },
    { adapterId: 'videosdk', read: 'list' },
  ];
  const listFixtures: Partial<Record<AdapterId, string>> = {
    liveapi: 'list',
    videosdk: 'list-livestreams',
  };
  for (const { adapterId, read } of reads) {
    it(`${adapterId}: a first ${read} whose request id repeats a secret it brings, in any encoding, leaks nothing`, async () => {
      const adapter = adapters[adapterId];
      const { fixtures } = adapter;
      const listName = listFixtures[adapterId];
      const answers =
        read === 'get'
          ? getAnswers(adapterId)
          : {
              template: JSON.stringify(loadFixture(fixtures.directory, listName ?? 'list').response.body),
              partOf: (text: string) => text,
            };
      const readOnce = async (provider: LiveStreamProvider, hooks?: HttpHooks) => {
        const client = createLiveStreamClient(provider, hooks ? { hooks } : {});
        if (read === 'get') return void (await client.get(fixtures.subjectId));
        for await (const stream of client.list()) return void stream;
      };
      // What the answers teach a provider that reads them once.
      const probe = adapter.factory({
        ...fixtures.settings,
        baseUrl,
        fetch: fakeVendor(({ url }) => ({ status: 200, body: answers.partOf(answers.template, url) })).fetch,
      });
      const credentials = new Set([...(probe.secrets?.() ?? []), ...Object.values(fixtures.secrets)]);
      await readOnce(probe);
      const brought = (probe.secrets?.() ?? []).filter((value) => !credentials.has(value));
      expect(brought.length).toBeGreaterThan(0);
      const failures: string[] = [];
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...brought),
          fc.constantFrom(...(Object.keys(encodings) as Encoding[])),
          async (secret, encoding) => {
            runs += 1;
            const scanner = new SecretScanner();
            scanner.register('stream secret', secret);
            // Only the answer that brings the secret repeats it (videosdk v2 reads the room and its egress
            // before the RTMP-outs that hold the keys: no provider can know a key before it is sent).
            const vendor = fakeVendor(({ url }) => {
              const body = answers.partOf(answers.template, url);
              const text = typeof body === 'string' ? body : JSON.stringify(body);
              const brings = text.includes(JSON.stringify(secret).slice(1, -1));
              return {
                status: 200,
                body,
                headers: brings ? { 'x-request-id': `rid-${encodings[encoding](secret)}` } : {},
              };
            });
            const provider = adapter.factory({ ...fixtures.settings, baseUrl, fetch: vendor.fetch });
            await readOnce(provider, recordingHooks(scanner));
            const leaks = scanner.leaks().map((leak) => `${leak.secretLabel} in ${leak.where}`);
            if (leaks.length > 0) failures.push(`${encoding}: ${leaks.join(', ')}`);
            expect(scanner.recorded).toBeGreaterThan(0);
            expect(leaks).toEqual([]);
          },
        ),
        { numRuns: 30 },
      );
      rows.push({
        check: `a request id repeating a secret of the ${read} answer that brings it`,
        adapter: adapterId,
        runs,
        failures,
        figure: `${brought.length} secret${brought.length === 1 ? '' : 's'} brought`,
      });
    });
  }
});
