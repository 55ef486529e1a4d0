import { fileURLToPath } from 'node:url';
import {
  createLiveStreamClient,
  createWebhookHandler,
  InvalidInputError,
  type LiveStream,
  TimeoutError,
} from '@unilive/core';
import { signWebhook } from '@unilive/testing';
import { loadWebhookFixtures } from '@unilive/testing/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wowzaRealtime } from './wowza-realtime-provider.js';
import {
  parseWebhook,
  type WowzaRealtimeStreamNameResolver,
  wowzaRealtimeStreamNames,
} from './wowza-realtime-webhooks.js';

// The bound of a delivery whose lookup is held: it runs out only once the lookup is under way. Long enough that
// the signature check before it always fits on a busy machine, since the tests count the lookups made.
const heldReadBoundMs = 1_000;

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/wowza-realtime/webhooks', import.meta.url)),
);
const secret = Buffer.from('unilive-test-webhook-secret-0001').toString('base64');
const started = fixtures.find((fixture) => fixture.name === 'feeds.started')?.webhook as {
  timestamp: number;
};
const clock = () => started.timestamp;

// A vendor that holds every request until its signal fires; each kept while held, as a fetch in flight keeps
// its own (a Request's signal follows the given one only while it lives).
function holdingVendor() {
  const held: Request[] = [];
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    held.push(request);
    return new Promise<Response>((_, reject) => {
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
    });
  }) as typeof globalThis.fetch;
  return { held, fetch };
}

type Kind = 'ignores' | 'provider' | 'client';

function resolverOf(kind: Kind) {
  const vendor = holdingVendor();
  let asked = 0;
  const provider = wowzaRealtime({ token: 'rt-token-0123', fetch: vendor.fetch, retry: { maxRetries: 0 } });
  const resolveStreamId: WowzaRealtimeStreamNameResolver =
    kind === 'ignores'
      ? () => {
          asked += 1;
          return new Promise<string>(() => {});
        }
      : wowzaRealtimeStreamNames(kind === 'client' ? createLiveStreamClient(provider) : provider);
  return { resolveStreamId, held: vendor.held, asked: () => asked };
}

describe('wowza-realtime parseWebhook: resolveStreamId is bounded by readTimeoutMs', () => {
  it('a resolver that does not answer ends the delivery: TimeoutError, the handler answers 500, the held list call aborted (generated)', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Kind>('ignores', 'provider', 'client'),
        fc.boolean(),
        async (kind, throughHandler) => {
          const { resolveStreamId, held, asked } = resolverOf(kind);
          const parse = (input: Parameters<typeof parseWebhook>[0]) =>
            parseWebhook(input, { secret, clock, resolveStreamId, readTimeoutMs: heldReadBoundMs });
          let error: unknown;
          if (throughHandler) {
            const heard: unknown[] = [];
            const handler = createWebhookHandler({ parse, onError: (each) => void heard.push(each) });
            const response = await handler.handleWebhook(
              new Request('https://app.example/webhooks', { method: 'POST', headers, body: body as string }),
            );
            expect(response.status).toBe(500);
            expect(heard).toHaveLength(1);
            error = heard[0];
          } else {
            error = await parse({ body, headers }).then(
              () => undefined,
              (caught: unknown) => caught,
            );
          }
          expect(TimeoutError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ provider: 'wowza-realtime', operation: 'parseWebhook' });
          expect((error as Error).message).toContain('readTimeoutMs');
          if (kind === 'ignores') expect(asked()).toBe(1);
          else {
            expect(held).toHaveLength(1);
            expect(held[0]?.signal.aborted).toBe(true);
          }
        },
      ),
      {
        examples: [
          ['ignores', true],
          ['provider', true],
          ['client', true],
          ['ignores', false],
        ],
        numRuns: 8,
      },
    );
  });

  it('a walk that timed out changes nothing: the next delivery walks again and names the stream', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const signals: (AbortSignal | undefined)[] = [];
    const resolveStreamId = wowzaRealtimeStreamNames({
      async *list(options?: { signal?: AbortSignal }) {
        signals.push(options?.signal);
        if (signals.length === 1) {
          // Held until the walk is given up.
          await new Promise((_, reject) =>
            options?.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }),
          );
        }
        const stream: LiveStream = {
          id: 'rt5tr3am',
          provider: 'wowza-realtime',
          state: 'ready',
          ingest: [],
          playback: [],
          recording: false,
          providerDetails: {
            'wowza-realtime': { sdk: { streamName: 'sample_stream', publishToken: 't0k3n' } },
          },
          raw: {},
        };
        yield stream;
      },
    });
    const first = await parseWebhook(
      { body, headers },
      { secret, clock, resolveStreamId, readTimeoutMs: heldReadBoundMs },
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(TimeoutError.isInstance(first)).toBe(true);
    expect(signals[0]?.aborted).toBe(true);
    const [event] = await parseWebhook({ body, headers }, { secret, clock, resolveStreamId });
    expect(event).toMatchObject({ type: 'live_stream.connected', streamId: 'rt5tr3am' });
    expect(signals).toHaveLength(2);
  });

  it('a walk every lookup left, whose list ignores its signal and ends after a newer walk, changes nothing', async () => {
    const stream = (id: string, streamName: string): LiveStream => ({
      id,
      provider: 'wowza-realtime',
      state: 'ready',
      ingest: [],
      playback: [],
      recording: false,
      providerDetails: { 'wowza-realtime': { sdk: { streamName, publishToken: 't0k3n' } } },
      raw: {},
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let ended: () => void = () => {};
    const firstEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    let walks = 0;
    let now = 0;
    const names = wowzaRealtimeStreamNames(
      {
        async *list() {
          walks += 1;
          if (walks === 1) {
            // The older list, answered after a newer walk ended; the signal is not heard.
            await gate;
            yield stream('idA', 'a');
            ended();
            return;
          }
          yield stream('idA', 'a');
          yield stream('idX', 'x');
        },
      },
      { clock: () => now },
    );
    const left = new AbortController();
    const first = Promise.resolve(names('x', { signal: left.signal, timeoutMs: 1000 })).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    left.abort(new Error('bound passed'));
    expect(await first).toEqual(new Error('bound passed'));
    const waiting = new AbortController().signal;
    expect(await names('x', { signal: waiting, timeoutMs: 1000 })).toBe('idX');
    release();
    await firstEnded;
    await new Promise((resolve) => setImmediate(resolve));
    now += 1000;
    expect(await names('x', { signal: waiting, timeoutMs: 1000 })).toBe('idX');
    expect(await names('a', { signal: waiting, timeoutMs: 1000 })).toBe('idA');
    expect(walks).toBe(2);
  });

  it('hands the resolver the signal and what is left of the bound, 5 s by default; refuses a bound that is no number of ms', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const given: unknown[] = [];
    await parseWebhook(
      { body, headers },
      {
        secret,
        clock,
        resolveStreamId: (_name, options) => {
          given.push(options);
          return 'rt5tr3am';
        },
      },
    );
    expect(given).toHaveLength(1);
    const options = given[0] as { signal: AbortSignal; timeoutMs: number };
    expect(options.signal.aborted).toBe(false);
    expect(options.timeoutMs).toBeGreaterThan(0);
    expect(options.timeoutMs).toBeLessThanOrEqual(5_000);
    for (const bound of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '100', null]) {
      const error = await parseWebhook(
        { body, headers },
        { secret, clock, resolveStreamId: () => 'rt5tr3am', readTimeoutMs: bound as number },
      ).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe('readTimeoutMs');
    }
  });
});
