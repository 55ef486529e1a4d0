import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import {
  InvalidInputError,
  type LiveStream,
  ProviderUnavailableError,
  type WebhookVerificationError,
} from '@unilive/core';
import { rejectionOf, signWebhook } from '@unilive/testing';
import { loadWebhookFixtures, runWebhookContract } from '@unilive/testing/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhook, wowzaRealtimeStreamNames } from './wowza-realtime-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/wowza-realtime/webhooks', import.meta.url)),
);
// Base64 secrets as the vendor's dashboard shows them (test values).
const secret = Buffer.from('unilive-test-webhook-secret-0001').toString('base64');
const otherSecret = Buffer.from('unilive-test-webhook-secret-0002').toString('base64');
// The stream each fixture's stream name belongs to.
const streamIds: Record<string, string> = {
  sample_stream: 'rt5tr3am',
  'test-record-clip': 'rtc11p5s',
  qa_test_stream_for_live_clipping: 'rtr3c0rd',
  myAwesomeStream: 'rtv13w3r',
};
const resolveStreamId = (name: string) => streamIds[name];

runWebhookContract({
  provider: 'wowza-realtime',
  fixtures,
  signing: { secret },
  signatureHeader: 'x-millicast-signature',
  timestamp: { sentAt: (payload) => (payload as { timestamp: number }).timestamp, toleranceMs: 300_000 },
  parseWithOptions: (input, options) => parseWebhook(input, options as never),
  optionNames: ['secret', 'toleranceSeconds', 'resolveStreamId', 'readTimeoutMs', 'clock'],
  parse: (input, { clock, wrongSecret }) =>
    parseWebhook(input, { secret: wrongSecret ? otherSecret : secret, clock, resolveStreamId }),
  unknownWebhook: {
    type: 'feeds',
    event: 'paused',
    timestamp: Date.parse('2026-11-29T12:00:00Z'),
    data: { name: 'sample_stream' },
  },
});

describe('wowza-realtime parseWebhook', () => {
  const started = fixtures.find((fixture) => fixture.name === 'feeds.started')?.webhook as {
    timestamp: number;
  };
  const clock = () => started.timestamp;

  it('a resolveStreamId that throws: InvalidInputError naming it, what it threw as cause, never in the message', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().map((text) => new Error(`lookup failed ${text} ${secret}`)),
          fc.string().map((text) => `thrown text ${text}`),
          fc.constantFrom<unknown>(undefined, null, 42, { code: 'X' }),
        ),
        async (thrown) => {
          const error = await rejectionOf(() =>
            parseWebhook(
              { body, headers },
              {
                secret,
                clock,
                resolveStreamId: () => {
                  throw thrown;
                },
              },
            ),
          );
          expect(error).toBeInstanceOf(InvalidInputError);
          const refused = error as InvalidInputError;
          expect(refused.issues).toEqual([expect.objectContaining({ path: 'resolveStreamId' })]);
          expect(refused.message).toBe(
            "wowza-realtime webhook: resolveStreamId threw; the event's stream could not be named (see cause)",
          );
          if (thrown !== undefined) expect(refused.cause).toBeDefined();
          expect(JSON.stringify(refused)).not.toContain(secret);
          expect(String((refused.cause as Error | undefined)?.message ?? '')).not.toContain(secret);
        },
      ),
      { numRuns: 30 },
    );
    // A unilive error (the resolver's own list call failing) passes, named for the call the caller made.
    const unavailable = new ProviderUnavailableError({
      provider: 'wowza-realtime',
      operation: 'list',
      status: 503,
      message: 'wowza-realtime list failed (HTTP 503)',
    });
    const passed = await rejectionOf(() =>
      parseWebhook(
        { body, headers },
        {
          secret,
          clock,
          resolveStreamId: async () => {
            throw unavailable;
          },
        },
      ),
    );
    expect(passed).toBeInstanceOf(ProviderUnavailableError);
    expect(passed).toMatchObject({
      provider: 'wowza-realtime',
      operation: 'parseWebhook',
      status: 503,
      message: 'wowza-realtime list failed (HTTP 503)',
    });
  });

  it('masks the secret, and the key it decodes to, in whatever a resolveStreamId throws, its unilive errors too', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const key = Buffer.from(secret, 'base64');
    // Every text the secret may be quoted as: as configured, and the HMAC key in hex and base64.
    const forms = [secret, key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64url')];
    const errorOf = (shape: string, quoted: string): unknown => {
      switch (shape) {
        case 'message':
          return new ProviderUnavailableError({
            provider: 'wowza-realtime',
            operation: 'list',
            message: `wowza-realtime list failed for ${quoted}`,
          });
        case 'cause':
          return new ProviderUnavailableError({
            provider: 'wowza-realtime',
            operation: 'list',
            message: 'wowza-realtime list failed',
            cause: new Error(`upstream said key=${quoted}`),
          });
        default:
          return new Error(`lookup with ${quoted} failed`);
      }
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message', 'cause', 'plain'),
        fc.constantFrom(...forms),
        async (shape, quoted) => {
          const error = await rejectionOf(() =>
            parseWebhook(
              { body, headers },
              {
                secret,
                clock,
                resolveStreamId: async () => {
                  throw errorOf(shape, quoted);
                },
              },
            ),
          );
          expect(error).toBeInstanceOf(shape === 'plain' ? InvalidInputError : ProviderUnavailableError);
          expect((error as InvalidInputError).operation).toBe('parseWebhook');
          const shown = [
            inspect(error, { depth: 10, showHidden: true }),
            JSON.stringify(error),
            String((error as Error).stack),
          ].join('\n');
          for (const form of forms) expect(shown).not.toContain(form);
          expect(shown).toContain('[REDACTED]');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('masks the secret, and the key it decodes to, in whatever a clock throws, as in what a resolveStreamId throws', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const key = Buffer.from(secret, 'base64');
    const forms = [secret, key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64url')];
    for (const quoted of forms) {
      const error = await rejectionOf(() =>
        parseWebhook(
          { body, headers },
          {
            secret,
            resolveStreamId,
            clock: () => {
              throw new Error(`clock for ${quoted} is down`);
            },
          },
        ),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues[0]?.path).toBe('clock');
      const shown = [
        inspect(error, { depth: 10, showHidden: true }),
        JSON.stringify(error),
        String((error as Error).stack),
        String(((error as Error).cause as Error | undefined)?.message),
      ].join('\n');
      for (const form of forms) expect(shown).not.toContain(form);
      expect(shown).toContain('clock for [REDACTED] is down');
    }
  });

  it('a clock that answers no finite number is refused by name, never an Invalid Date', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    for (const answer of [Number.NaN, 'soon', 10n, Number.POSITIVE_INFINITY]) {
      const error = await rejectionOf(() =>
        parseWebhook({ body, headers }, { secret, clock: () => answer as number, resolveStreamId }),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues).toEqual([expect.objectContaining({ path: 'clock' })]);
    }
  });

  it('accepts a delivery signed with any of the secrets of a rotation', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret: otherSecret });
    const events = await parseWebhook(
      { body, headers },
      { secret: [secret, otherSecret], clock, resolveStreamId },
    );
    expect(events[0]?.type).toBe('live_stream.connected');
  });

  it('keys the HMAC with the base64-decoded secret, not the secret text', async () => {
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify(started);
    const withText = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
    const refused = await rejectionOf(() =>
      parseWebhook(
        { body, headers: { 'x-millicast-signature': withText } },
        { secret, clock, resolveStreamId },
      ),
    );
    expect((refused as WebhookVerificationError).reason).toBe('bad-signature');
    const decoded = `sha1=${createHmac('sha1', Buffer.from(secret, 'base64')).update(body).digest('hex')}`;
    const events = await parseWebhook(
      { body, headers: { 'X-Millicast-Signature': decoded } },
      { secret, clock, resolveStreamId },
    );
    expect(events).toHaveLength(1);
  });

  it('reads the signature whatever the case of its scheme name and hex digits; another scheme or a changed digit is refused', async () => {
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify(started);
    const hex = createHmac('sha1', Buffer.from(secret, 'base64')).update(body).digest('hex');
    const parse = (signature: string) =>
      parseWebhook(
        { body, headers: { 'x-millicast-signature': signature } },
        { secret, clock, resolveStreamId },
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 4 + hex.length, maxLength: 4 + hex.length }),
        async (upper) => {
          const cased = [...`sha1${hex}`].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          const signature = `${cased.slice(0, 4)}=${cased.slice(4)}`;
          expect((await parse(signature))[0]?.type).toBe('live_stream.connected');
          const changed = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
          expect(((await rejectionOf(() => parse(changed))) as WebhookVerificationError).reason).toBe(
            'bad-signature',
          );
        },
      ),
      { numRuns: 30 },
    );
    for (const signature of [`sha256=${hex}`, `sha1:${hex}`, hex, `sha1 =${hex}`]) {
      expect(((await rejectionOf(() => parse(signature))) as WebhookVerificationError).reason).toBe(
        'bad-signature',
      );
    }
  });

  it('verifies a JPEG thumbnail over its bytes and reports it as unknown, with the stream named', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
    const signed = await signWebhook('wowza-realtime', jpeg, { secret });
    const headers = {
      ...signed.headers,
      'x-millicast-timestamp': '1638463516000',
      'x-millicast-feed-id': 'feed-1',
      'x-millicast-stream-id': 'ZG6NWV/sample_stream',
      'x-millicast-token-id': '42',
    };
    const [event] = await parseWebhook({ body: Buffer.from(jpeg), headers }, { secret, resolveStreamId });
    expect(event).toMatchObject({
      type: 'unknown',
      streamId: 'rt5tr3am',
      data: {
        kind: 'thumbnail',
        contentType: 'image/jpeg',
        streamName: 'sample_stream',
        feedId: 'feed-1',
        tokenId: '42',
      },
    });
    expect(event?.occurredAt.toISOString()).toBe('2021-12-02T16:45:16.000Z');
    // A resolver answering an id no call could carry names no stream, on a thumbnail as on any event.
    for (const id of ['  ', '../rt5tr3am']) {
      const [blank] = await parseWebhook(
        { body: Buffer.from(jpeg), headers },
        { secret, resolveStreamId: () => id },
      );
      expect(blank).toMatchObject({ type: 'unknown', streamId: '', data: { streamName: 'sample_stream' } });
      const [feed] = await parseWebhook(await signWebhook('wowza-realtime', started, { secret }), {
        secret,
        clock,
        resolveStreamId: () => id,
      });
      expect(feed).toMatchObject({ type: 'unknown', streamId: '' });
      expect(feed).not.toHaveProperty('state');
    }
    // The image bytes, as a Uint8Array whatever kind of bytes the body was given as.
    expect(event?.raw).toEqual(new Uint8Array(Buffer.from(jpeg)));
    const tampered = Buffer.from(jpeg);
    tampered[9] = 0;
    expect(
      (
        (await rejectionOf(() =>
          parseWebhook({ body: tampered, headers }, { secret, resolveStreamId }),
        )) as WebhookVerificationError
      ).reason,
    ).toBe('bad-signature');
  });

  it('takes a signed JSON event as one whatever its content type says: a stale one relabelled as a thumbnail is still refused', async () => {
    const staleAt = started.timestamp - 30 * 86_400_000;
    const event = { type: 'feeds', event: 'started', timestamp: staleAt, data: { name: 'sample_stream' } };
    const signed = await signWebhook('wowza-realtime', event, { secret });
    const body = Buffer.from(signed.body as string);
    for (const relabel of [
      {},
      { 'content-type': 'image/jpeg', 'x-millicast-stream-id': 'ZG6NWV/sample_stream' },
      { 'Content-Type': 'IMAGE/PNG', 'x-millicast-timestamp': String(started.timestamp) },
    ]) {
      for (const prefix of ['', ' \n', '\ufeff']) {
        const bytes = Buffer.concat([Buffer.from(prefix), body]);
        const headers = {
          ...(await signWebhook('wowza-realtime', bytes, { secret })).headers,
          ...relabel,
        };
        const refused = await rejectionOf(() =>
          parseWebhook({ body: bytes, headers }, { secret, clock, resolveStreamId }),
        );
        expect((refused as WebhookVerificationError).reason, JSON.stringify(relabel)).toBe('stale-timestamp');
      }
    }
  });

  it('tells thumbnails of the same image apart by the stream, feed and time that name them', async () => {
    const black = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
    const signed = await signWebhook('wowza-realtime', black, { secret });
    const thumbnail = async (streamId: string, timestamp: string, feedId = 'feed-1') => {
      const headers = {
        ...signed.headers,
        'x-millicast-timestamp': timestamp,
        'x-millicast-feed-id': feedId,
        'x-millicast-stream-id': streamId,
      };
      const [event] = await parseWebhook({ body: black, headers }, { secret, resolveStreamId });
      return event?.id;
    };
    const first = await thumbnail('ZG6NWV/sample_stream', '1638463516000');
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same delivery again is the same event, for a hub to drop.
    expect(await thumbnail('ZG6NWV/sample_stream', '1638463516000')).toBe(first);
    const others = [
      await thumbnail('ZG6NWV/other_stream', '1638463516000'),
      await thumbnail('ZG6NWV/sample_stream', '1638463546000'),
      await thumbnail('ZG6NWV/sample_stream', '1638463516000', 'feed-2'),
    ];
    expect(new Set([first, ...others]).size).toBe(4);
  });

  it('reports a stream name no resolver knows as unknown, keeping the name', async () => {
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const [event] = await parseWebhook(
      { body, headers },
      { secret, clock, resolveStreamId: () => undefined },
    );
    expect(event).toMatchObject({ type: 'unknown', streamId: '', data: { streamName: 'sample_stream' } });
    expect(event?.broadcasting).toBeUndefined();
  });

  it('refuses a malformed signed body, and bad configuration before anything is verified', async () => {
    for (const [payload, reason] of [
      [[1, 2], 'malformed-body'],
      [{ event: 'started', timestamp: 1, data: {} }, 'malformed-body'],
      // Signed, but without the time the tolerance is checked against: named as such.
      [{ type: 'feeds', event: 'started', data: {} }, 'missing-timestamp'],
      [{ type: 'feeds', event: 'started', timestamp: '1764400000000', data: {} }, 'missing-timestamp'],
    ] as const) {
      const { body, headers } = await signWebhook('wowza-realtime', payload, { secret });
      const error = await rejectionOf(() =>
        parseWebhook({ body, headers }, { secret, clock, resolveStreamId }),
      );
      expect((error as WebhookVerificationError).reason).toBe(reason);
    }
    const { body, headers } = await signWebhook('wowza-realtime', started, { secret });
    const notBase64 = await rejectionOf(() =>
      parseWebhook({ body, headers }, { secret: 'not base64!', clock, resolveStreamId }),
    );
    expect((notBase64 as InvalidInputError).issues).toEqual([
      {
        path: 'secret',
        message:
          'must be the webhook secret as the dashboard shows it (base64; several are separated by commas)',
      },
    ]);
    expect(JSON.stringify(notBase64)).not.toContain('not base64!');
    const noResolver = await rejectionOf(() =>
      parseWebhook({ body, headers }, { secret, clock } as unknown as Parameters<typeof parseWebhook>[1]),
    );
    expect(InvalidInputError.isInstance(noResolver)).toBe(true);
    expect(
      (
        (await rejectionOf(() =>
          parseWebhook(
            { body, headers: { 'x-millicast-signature': 'md5=00' } },
            { secret, clock, resolveStreamId },
          ),
        )) as WebhookVerificationError
      ).reason,
    ).toBe('bad-signature');
  });
});

// Polls a condition a test's own code makes true, never a duration.
async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 1_000 && !check(); tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 1));
  expect(check()).toBe(true);
}

describe('wowzaRealtimeStreamNames', () => {
  const stream = (id: string, streamName: string): LiveStream => ({
    id,
    provider: 'wowza-realtime',
    state: 'ready',
    ingest: [],
    playback: [],
    recording: false,
    providerDetails: { 'wowza-realtime': { sdk: { streamName, publishToken: 't0k3n-for-the-sdk' } } },
    raw: {},
  });

  // An account whose `list` yields `streams` as they are when each walk begins, counting the walks.
  const account = (streams: LiveStream[]) => {
    let walked = 0;
    return {
      source: {
        async *list() {
          walked += 1;
          yield* [...streams];
        },
      },
      walks: () => walked,
    };
  };

  it('walks the streams once, answers from memory, and finds a stream made since the last walk at its first lookup', async () => {
    const now = 0;
    const streams = [stream('a1', 'name-a')];
    const { source, walks } = account(streams);
    const resolve = wowzaRealtimeStreamNames(source, { refreshMs: 1_000, clock: () => now });
    expect(await Promise.all([resolve('name-a'), resolve('name-a')])).toEqual(['a1', 'a1']);
    expect(walks()).toBe(1);
    // Made a moment after the walk, its encoder connecting at once: its first event names it well within
    // refreshMs, and is about it (no vendor resends an event answered 200).
    streams.push(stream('b2', 'name-b'));
    expect(await resolve('name-b')).toBe('b2');
    expect(walks()).toBe(2);
    expect(await resolve('name-a')).toBe('a1');
    // The vendor's `accountId/name` form is the name.
    expect(await resolve('ZG6NWV/name-b')).toBe('b2');
    expect(walks()).toBe(2);
  });

  it('looks a name no walk found up again only refreshMs later, each such name on its own', async () => {
    let now = 0;
    const streams = [stream('a1', 'name-a')];
    const { source, walks } = account(streams);
    const resolve = wowzaRealtimeStreamNames(source, { refreshMs: 1_000, clock: () => now });
    expect(await resolve('gone')).toBeUndefined();
    expect(walks()).toBe(1);
    now = 999;
    expect(await resolve('gone')).toBeUndefined();
    expect(walks()).toBe(1);
    // Another name not looked up before is looked up at once.
    expect(await resolve('gone-too')).toBeUndefined();
    expect(walks()).toBe(2);
    now = 1_000;
    streams.push(stream('g3', 'gone'));
    expect(await resolve('gone')).toBe('g3');
    expect(walks()).toBe(3);
    // `gone-too` was missed at 999: not due before 1,999.
    expect(await resolve('gone-too')).toBeUndefined();
    expect(walks()).toBe(3);
  });

  it('lookups asking while a walk runs wait for it, then share one walk begun after them', async () => {
    const streams = [stream('a1', 'name-a')];
    let walks = 0;
    const gates: (() => void)[] = [];
    const source = {
      async *list() {
        walks += 1;
        // Each walk lists what the account holds when it begins, then waits to be let go.
        const listed = [...streams];
        await new Promise<void>((resolve) => gates.push(resolve));
        yield* listed;
      },
    };
    const resolve = wowzaRealtimeStreamNames(source, { refreshMs: 60_000 });
    const first = resolve('name-a');
    await until(() => gates.length === 1);
    // Made after the first walk listed the account: only a walk begun after these lookups lists them.
    streams.push(stream('b2', 'name-b'), stream('c3', 'name-c'));
    const later = [resolve('name-b'), resolve('name-c'), resolve('name-b')];
    gates[0]?.();
    expect(await first).toBe('a1');
    await until(() => gates.length === 2);
    gates[1]?.();
    expect(await Promise.all(later)).toEqual(['b2', 'c3', 'b2']);
    expect(walks).toBe(2);
  });

  it("keeps a deleted stream's name when a walk made for another stream no longer lists it, the last 1,024", async () => {
    const streams = [stream('a1', 'name-a')];
    const { source, walks } = account(streams);
    const resolve = wowzaRealtimeStreamNames(source, { refreshMs: 60_000 });
    expect(await resolve('name-a')).toBe('a1');
    // A deleted; B made and live: B's first event walks, and the walk no longer lists A.
    streams.splice(0, 1, stream('b2', 'name-b'));
    expect(await resolve('name-b')).toBe('b2');
    expect(walks()).toBe(2);
    // A's feed ends after: its event still names A, with no walk.
    expect(await resolve('name-a')).toBe('a1');
    expect(walks()).toBe(2);
    // Bounded: 1,024 more streams gone after A, and A's name is no longer held.
    for (let index = 0; index < 1_024; index += 1) streams.push(stream(`g${index}`, `zq-gone-${index}`));
    expect(await resolve('zq-gone-0')).toBe('g0');
    streams.splice(0, streams.length, stream('c3', 'name-c'));
    expect(await resolve('name-c')).toBe('c3');
    // Gone now: B and the 1,024 others after A, so the oldest two are no longer held.
    const walked = walks();
    expect(await resolve('zq-gone-1023')).toBe('g1023');
    expect(await resolve('zq-gone-0')).toBe('g0');
    expect(walks()).toBe(walked);
    expect(await resolve('name-a')).toBeUndefined();
    expect(walks()).toBe(walked + 1);
  });

  it('remembers at most 1,024 names no walk found, the oldest dropped first', async () => {
    let now = 0;
    const { source, walks } = account([]);
    const resolve = wowzaRealtimeStreamNames(source, { refreshMs: 1_000, clock: () => now });
    for (let index = 0; index < 1_025; index += 1) expect(await resolve(`zq-${index}`)).toBeUndefined();
    expect(walks()).toBe(1_025);
    now = 500;
    // The last 1,024 are held off; the first was dropped, so it walks again.
    expect(await resolve('zq-1024')).toBeUndefined();
    expect(await resolve('zq-1')).toBeUndefined();
    expect(walks()).toBe(1_025);
    expect(await resolve('zq-0')).toBeUndefined();
    expect(walks()).toBe(1_026);
  });

  // A clock that throws, or answers no finite number of ms (NaN would never walk again), is the option
  // failing: InvalidInputError naming it, as parseWebhook's and an event hub's clock.
  const brokenClock = fc.oneof(
    fc.record({ throws: fc.constant(true), value: fc.anything() }),
    fc.record({
      throws: fc.constant(false),
      value: fc.oneof(
        fc.constantFrom<unknown>(
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          null,
          undefined,
        ),
        fc.bigInt(),
        fc.string(),
        fc.object(),
        fc.boolean(),
      ),
    }),
  );

  it('refuses a clock that throws or answers no time, naming resolveStreamId.clock, on the walk or the lookup', async () => {
    await fc.assert(
      fc.asyncProperty(brokenClock, fc.boolean(), async ({ throws, value }, later) => {
        // `later`: the clock answers for the first walk and breaks on the lookup of an unknown name.
        let broken = !later;
        const resolve = wowzaRealtimeStreamNames(
          {
            async *list() {
              yield stream('a1', 'name-a');
            },
          },
          {
            clock: () => {
              if (!broken) return 0;
              if (throws) throw value;
              return value as number;
            },
          },
        );
        if (later) {
          expect(await resolve('name-a')).toBe('a1');
          broken = true;
        }
        const caught = await Promise.resolve(resolve('name-b')).then(
          (answer: unknown) => answer,
          (error: unknown) => error,
        );
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        expect(caught).toMatchObject({
          provider: 'wowza-realtime',
          operation: 'parseWebhook',
          issues: [{ path: 'resolveStreamId.clock' }],
        });
        expect((caught as InvalidInputError).message).toMatch(
          /^wowza-realtime webhook: resolveStreamId\.clock /,
        );
      }),
      { numRuns: 60 },
    );
  });
});

describe('wowza-realtime parseWebhook stream names', () => {
  const timestamp = Date.parse('2026-11-29T12:00:00Z');
  const clock = () => timestamp;
  // Each family, what it maps to when its stream is named, and the fields it needs besides the name.
  const families = [
    {
      type: 'feeds',
      event: 'started',
      mapped: 'live_stream.connected',
      data: { feedId: 'f1', started: timestamp },
    },
    {
      type: 'feeds',
      event: 'ended',
      mapped: 'live_stream.disconnected',
      data: { feedId: 'f1', ended: timestamp },
    },
    {
      type: 'media',
      event: 'completed',
      mapped: 'live_stream.recording_ready',
      data: { type: 'recording', mediaAssetId: 'm1' },
    },
    {
      type: 'recordings',
      event: 'completed',
      mapped: 'live_stream.recording_ready',
      data: { recordFileId: 7975 },
    },
    { type: 'media', event: 'processing', mapped: 'unknown', data: { type: 'clip', mediaAssetId: 'm2' } },
    { type: 'viewerConnection', event: 'FirstViewerConnection', mapped: 'unknown', data: {} },
  ] as const;

  it('resolves the stream however the event names it: name, streamName, streamId, each alone or as accountId/name (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...families),
        fc.constantFrom('name', 'streamName', 'streamId'),
        fc.boolean(),
        fc.stringMatching(/^[0-9a-f]{32}$/),
        fc.stringMatching(/^[A-Za-z0-9]{6}$/),
        async (family, field, withAccount, streamName, accountId) => {
          const asked: string[] = [];
          const resolve = (name: string) => {
            asked.push(name);
            return name === streamName ? 'rt1d0001' : undefined;
          };
          const named = withAccount || field === 'streamId' ? `${accountId}/${streamName}` : streamName;
          const payload = {
            type: family.type,
            event: family.event,
            timestamp,
            data: { ...family.data, accountId, [field]: named },
          };
          const { body, headers } = await signWebhook('wowza-realtime', payload, { secret });
          const [event] = await parseWebhook({ body, headers }, { secret, clock, resolveStreamId: resolve });
          expect(asked).toEqual([streamName]);
          expect(event).toMatchObject({
            type: family.mapped,
            streamId: 'rt1d0001',
            data: { vendorEvent: `${family.type}.${family.event}`, streamName },
          });
        },
      ),
    );
  });

  it("reads the family's own field first when a delivery carries several names", async () => {
    const payload = (type: string, data: Record<string, unknown>) => ({
      type,
      event: 'completed',
      timestamp,
      data: { type: 'recording', ...data },
    });
    const resolve = (name: string) => ({ own: 'rt0000wn', other: 'rt0th3r' })[name];
    for (const [type, data] of [
      ['media', { streamName: 'own', name: 'other', streamId: 'acc/other' }],
      ['recordings', { streamName: 'acc/own', name: 'other' }],
    ] as const) {
      const { body, headers } = await signWebhook('wowza-realtime', payload(type, data), { secret });
      const [event] = await parseWebhook({ body, headers }, { secret, clock, resolveStreamId: resolve });
      expect(event?.streamId).toBe('rt0000wn');
    }
    const feed = { type: 'feeds', event: 'started', timestamp, data: { name: 'own', streamName: 'other' } };
    const { body, headers } = await signWebhook('wowza-realtime', feed, { secret });
    const [event] = await parseWebhook({ body, headers }, { secret, clock, resolveStreamId: resolve });
    expect(event).toMatchObject({ type: 'live_stream.connected', streamId: 'rt0000wn' });
  });
});
