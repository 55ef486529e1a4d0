import { fileURLToPath } from 'node:url';
import {
  InvalidInputError,
  ProviderUnavailableError,
  TimeoutError,
  UniliveError,
  type WebhookVerificationError,
} from '@unilive/core';
import { createWebhookKeyPair, rejectionOf, signWebhook } from '@unilive/testing';
import { loadWebhookFixtures, runWebhookContract } from '@unilive/testing/contract';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseWebhook, type VideosdkPublicKeySource, videosdkPublicKey } from './videosdk-webhooks.js';

const fixtures = loadWebhookFixtures(
  fileURLToPath(new URL('../../../test-fixtures/videosdk/webhooks', import.meta.url)),
);
const vendor = await createWebhookKeyPair();
const stranger = await createWebhookKeyPair();

runWebhookContract({
  provider: 'videosdk',
  fixtures,
  signing: { privateKey: vendor.privateKey },
  signatureHeader: 'videosdk-signature',
  parseWithOptions: (input, options) => parseWebhook(input, options as never),
  optionNames: ['publicKey', 'keySource', 'readTimeoutMs', 'clock'],
  parse: (input, { clock, wrongSecret }) =>
    parseWebhook(input, { publicKey: wrongSecret ? stranger.publicKey : vendor.publicKey, clock }),
  unknownWebhook: {
    webhookType: 'participant-joined',
    data: { meetingId: 'jvsg-8rjn-j304', participantId: 'p1' },
  },
});

const payload = fixtures.find((fixture) => fixture.name === 'hls-started')?.webhook;

describe('videosdk parseWebhook', () => {
  it('fails a body re-serialised from the parsed JSON, which the vendor docs sample does', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const reserialised = JSON.stringify(JSON.parse(body as string), null, 2);
    const error = await rejectionOf(() =>
      parseWebhook({ body: reserialised, headers }, { publicKey: vendor.publicKey }),
    );
    expect((error as WebhookVerificationError).reason).toBe('bad-signature');
  });

  it('accepts either pinned key during a rotation', async () => {
    const { body, headers } = await signWebhook('videosdk', payload, { privateKey: stranger.privateKey });
    const events = await parseWebhook(
      { body, headers },
      { publicKey: [vendor.publicKey, stranger.publicKey] },
    );
    expect(events[0]?.state).toBe('starting');
  });

  it('fetches the public key once from GET /v2/public/rsa-public-key and caches it', async () => {
    const requests: string[] = [];
    const source = videosdkPublicKey({
      baseUrl: 'https://videosdk.test/',
      token: 'jwt-token-value',
      fetch: async (input, init) => {
        const request = new Request(input, init);
        requests.push(`${request.method} ${request.url} ${request.headers.get('authorization')}`);
        return Response.json({ publicKey: vendor.publicKey });
      },
    });
    for (let index = 0; index < 3; index += 1) {
      const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
      expect(await parseWebhook({ body, headers }, { keySource: source })).toHaveLength(1);
    }
    expect(requests).toEqual(['GET https://videosdk.test/v2/public/rsa-public-key jwt-token-value']);
  });

  it('sends its token without the whitespace around it, as the adapter sends its own token setting', async () => {
    for (const space of [' ', '\t', '\u00a0', '\ufeff', '\u3000', '\u0085', '\r\n']) {
      const requests: (string | null)[] = [];
      const source = videosdkPublicKey({
        baseUrl: 'https://videosdk.test/',
        token: `${space}jwt-token-value${space}`,
        fetch: async (input, init) => {
          requests.push(new Request(input, init).headers.get('authorization'));
          return Response.json({ publicKey: vendor.publicKey });
        },
      });
      const { body, headers } = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
      expect(await parseWebhook({ body, headers }, { keySource: source })).toHaveLength(1);
      expect(requests).toEqual(['jwt-token-value']);
    }
  });

  it('fetches the key again after a failed signature, at most every refreshMs (a rotated key)', async () => {
    let now = 0;
    let served = stranger.publicKey;
    let fetches = 0;
    const source = videosdkPublicKey({
      refreshMs: 60_000,
      clock: () => now,
      fetch: async () => {
        fetches += 1;
        return Response.json({ publicKey: served });
      },
    });
    const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    expect(
      ((await rejectionOf(() => parseWebhook(signed, { keySource: source }))) as WebhookVerificationError)
        .reason,
    ).toBe('bad-signature');
    expect(fetches).toBe(1);
    served = vendor.publicKey;
    now = 60_000;
    expect(await parseWebhook(signed, { keySource: source })).toHaveLength(1);
    expect(fetches).toBe(2);
    const forged = await signWebhook('videosdk', payload, { privateKey: stranger.privateKey });
    await rejectionOf(() => parseWebhook(forged, { keySource: source }));
    expect(fetches).toBe(2);
  });

  it('refuses a key source clock that throws or answers no time, naming keySource.clock', async () => {
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
    const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const forged = await signWebhook('videosdk', payload, { privateKey: stranger.privateKey });
    await fc.assert(
      fc.asyncProperty(brokenClock, fc.boolean(), async ({ throws, value }, later) => {
        // `later`: the clock answers for the first fetch and breaks when a failed signature asks for a refresh.
        let broken = !later;
        let fetches = 0;
        const keySource = videosdkPublicKey({
          clock: () => {
            if (!broken) return 0;
            if (throws) throw value;
            return value as number;
          },
          fetch: async () => {
            fetches += 1;
            return Response.json({ publicKey: vendor.publicKey });
          },
        });
        if (later) {
          expect(await parseWebhook(signed, { keySource })).toHaveLength(1);
          broken = true;
        }
        const caught = await rejectionOf(() => parseWebhook(later ? forged : signed, { keySource }));
        expect(InvalidInputError.isInstance(caught), String(caught)).toBe(true);
        expect(caught).toMatchObject({
          provider: 'videosdk',
          operation: 'parseWebhook',
          issues: [{ path: 'keySource.clock' }],
        });
        // Nothing fetched for the broken reading.
        expect(fetches).toBe(later ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('fetches the key only from the configured origin: no redirect elsewhere, no plain http, no odd base URL', async () => {
    for (const baseUrl of [
      'http://evil.example',
      'javascript:alert(1)',
      'https://user:pass@videosdk.test',
      'ftp://x',
    ]) {
      expect(() => videosdkPublicKey({ baseUrl })).toThrow(/baseUrl/);
    }
    const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    for (const location of ['http://videosdk.test/key', 'https://evil.example/key']) {
      const fetched: string[] = [];
      const source = videosdkPublicKey({
        baseUrl: 'https://videosdk.test',
        fetch: async (input, init) => {
          fetched.push(new Request(input, init).url);
          return new Response(null, { status: 302, headers: { location } });
        },
      });
      const error = await rejectionOf(() => parseWebhook(signed, { keySource: source }));
      expect(UniliveError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('not followed');
      expect(fetched).toEqual(['https://videosdk.test/v2/public/rsa-public-key']);
    }
  });

  it('a key endpoint that fails is a ProviderUnavailableError, and the next delivery tries again', async () => {
    let status = 503;
    const source = videosdkPublicKey({ fetch: async () => new Response('{}', { status }) });
    const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const error = await rejectionOf(() => parseWebhook(signed, { keySource: source }));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect((error as ProviderUnavailableError).status).toBe(503);
    status = 200;
    const noKey = await rejectionOf(() => parseWebhook(signed, { keySource: source }));
    expect((noKey as Error).message).toContain('no PEM public key');
  });

  it('an endpoint that never answers ends in TimeoutError, for every delivery waiting on it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const source = videosdkPublicKey({
        // Accepts the request and never answers: only the attempt's signal ends it.
        fetch: (_input, init) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
          }),
      });
      const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
      const outcomes = Promise.all(
        [1, 2, 3].map(() => rejectionOf(() => parseWebhook(signed, { keySource: source }))),
      );
      // The key endpoint's own limits (10 s an attempt, 20 s in all) end every waiting delivery.
      await vi.advanceTimersByTimeAsync(20_000);
      for (const outcome of await outcomes) expect(TimeoutError.isInstance(outcome)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a pinned key that is no PEM public key, and a body without webhookType', async () => {
    const signed = await signWebhook('videosdk', payload, { privateKey: vendor.privateKey });
    const badKey = await rejectionOf(() => parseWebhook(signed, { publicKey: 'not a key' }));
    expect(InvalidInputError.isInstance(badKey)).toBe(true);
    const nameless = await signWebhook(
      'videosdk',
      { data: { meetingId: 'x' } },
      { privateKey: vendor.privateKey },
    );
    const error = await rejectionOf(() => parseWebhook(nameless, { publicKey: vendor.publicKey }));
    expect((error as WebhookVerificationError).reason).toBe('malformed-body');
  });

  it('reads the type from `type` as the server SDK does, and names no stream without meetingId', async () => {
    const signed = await signWebhook(
      'videosdk',
      { type: 'hls-stopped', data: {} },
      { privateKey: vendor.privateKey },
    );
    const [event] = await parseWebhook(signed, { publicKey: vendor.publicKey });
    expect(event).toMatchObject({ type: 'unknown', streamId: '', data: { vendorEvent: 'hls-stopped' } });
  });
});

describe('videosdk parseWebhook: a session event without its time', () => {
  it('takes the time of receipt and says so, as for a time it cannot read', async () => {
    const receipt = Date.parse('2026-12-06T12:00:00Z');
    for (const [name, field] of [
      ['session-started', 'start'],
      ['session-ended', 'end'],
    ] as const) {
      const fixture = fixtures.find((each) => each.name === name);
      for (const value of ['missing', null] as const) {
        const webhook = structuredClone(fixture?.webhook) as { data: Record<string, unknown> };
        if (value === 'missing') delete webhook.data[field];
        else webhook.data[field] = value;
        const signed = await signWebhook('videosdk', webhook, { privateKey: vendor.privateKey });
        const [event] = await parseWebhook(signed, { publicKey: vendor.publicKey, clock: () => receipt });
        expect(event?.occurredAt).toEqual(new Date(receipt));
        expect(event?.warnings).toEqual([
          {
            type: 'fallback',
            setting: `data.${field}`,
            message:
              value === 'missing'
                ? `data.${field} is missing; occurredAt is the time of receipt`
                : `data.${field} (null) is no time from 2000 to a day after receipt; occurredAt is the time of receipt`,
          },
        ]);
      }
    }
  });
});

describe('videosdk parseWebhook: data that is no object', () => {
  it('is read as data left out: an unknown event naming no room, not a body without webhookType', async () => {
    for (const data of [null, 'text', 5, ['a']]) {
      const signed = await signWebhook(
        'videosdk',
        { webhookType: 'session-started', data },
        { privateKey: vendor.privateKey },
      );
      const [event] = await parseWebhook(signed, { publicKey: vendor.publicKey });
      expect(event).toMatchObject({
        type: 'unknown',
        streamId: '',
        data: { vendorEvent: 'session-started' },
      });
    }
  });
});

describe('videosdk parseWebhook rooms named empty', () => {
  const withRoom = fixtures.filter((fixture) => fixture.expected.type !== 'unknown');

  it('makes an event whose room id is empty or missing unknown, never a typed event for a room called "" (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withRoom),
        fc.constantFrom(undefined, ''),
        fc.constantFrom(undefined, ''),
        async (fixture, meetingId, roomId) => {
          const webhook = structuredClone(fixture.webhook) as { data: Record<string, unknown> };
          delete webhook.data.meetingId;
          delete webhook.data.roomId;
          if (meetingId !== undefined) webhook.data.meetingId = meetingId;
          if (roomId !== undefined) webhook.data.roomId = roomId;
          const signed = await signWebhook('videosdk', webhook, { privateKey: vendor.privateKey });
          const [event] = await parseWebhook(signed, { publicKey: vendor.publicKey });
          expect(event).toMatchObject({ type: 'unknown', streamId: '' });
          expect(event).not.toHaveProperty('state');
          expect(event).not.toHaveProperty('broadcasting');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads roomId when meetingId is empty', async () => {
    for (const fixture of withRoom) {
      const webhook = structuredClone(fixture.webhook) as { data: Record<string, unknown> };
      webhook.data.meetingId = '';
      webhook.data.roomId = 'room-from-roomid';
      const signed = await signWebhook('videosdk', webhook, { privateKey: vendor.privateKey });
      const [event] = await parseWebhook(signed, { publicKey: vendor.publicKey });
      expect(event).toMatchObject({ type: fixture.expected.type, streamId: 'room-from-roomid' });
    }
  });
});

describe('videosdk parseWebhook: a key option given as null', () => {
  it('is an InvalidInputError naming it, before any request (never the production key route) (generated)', async () => {
    const signed = await signWebhook('videosdk', fixtures[0]?.webhook, { privateKey: vendor.privateKey });
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('publicKey', 'keySource'), async (option) => {
          const caught = await rejectionOf(() => parseWebhook(signed, { [option]: null } as never));
          expect(InvalidInputError.isInstance(caught)).toBe(true);
          expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path: option }] });
        }),
        { examples: [['publicKey'], ['keySource']] },
      );
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      fetch.mockRestore();
    }
  });
});

describe('videosdk parseWebhook: a custom key source', () => {
  const vendorKey = crypto.subtle.importKey(
    'spki',
    Buffer.from(vendor.publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );

  it('of the wrong shape is an InvalidInputError naming keySource when the options are read, nothing called (generated)', async () => {
    const signed = await signWebhook('videosdk', fixtures[0]?.webhook, { privateKey: vendor.privateKey });
    let called = 0;
    const call = async () => {
      called += 1;
      return vendorKey;
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const shapes: Record<string, unknown> = {
      empty: {},
      map: new Map([['get', call]]),
      'get only': { get: call },
      'refresh only': { refresh: call },
      'get no function': { get: 'key', refresh: call },
      number: 5,
      text: 'https://api.videosdk.live',
      'throwing getter': {
        get get(): never {
          throw new Error('no');
        },
        refresh: call,
      },
      'revoked proxy': revoked.proxy,
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(shapes)), async (shape) => {
        const caught = await rejectionOf(() => parseWebhook(signed, { keySource: shapes[shape] as never }));
        expect(InvalidInputError.isInstance(caught)).toBe(true);
        expect(caught).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'keySource' }] });
      }),
      { examples: [['empty'], ['map'], ['get only'], ['revoked proxy']] },
    );
    expect(called).toBe(0);
  });

  it('may be a class instance, and may answer PEM text; text that is no PEM key, or a get that throws, names keySource; a refresh that rejects is no new key (400)', async () => {
    const signed = await signWebhook('videosdk', fixtures[0]?.webhook, { privateKey: vendor.privateKey });
    const forged = await signWebhook('videosdk', fixtures[0]?.webhook, { privateKey: stranger.privateKey });
    class Source {
      refreshed = 0;
      async get() {
        return stranger.publicKey;
      }
      async refresh() {
        this.refreshed += 1;
        return vendor.publicKey;
      }
    }
    // Typed as key sources, with no cast: the type says PEM text is an answer.
    const rotating = new Source();
    expect(await parseWebhook(signed, { keySource: rotating })).toHaveLength(1);
    expect(rotating.refreshed).toBe(1);
    const pemGet: VideosdkPublicKeySource = {
      get: async () => vendor.publicKey,
      refresh: async () => undefined,
    };
    expect(await parseWebhook(signed, { keySource: pemGet })).toHaveLength(1);
    // As it is, or through any thenable, as the type says.
    const pemAsItIs: VideosdkPublicKeySource = { get: () => vendor.publicKey, refresh: () => undefined };
    expect(await parseWebhook(signed, { keySource: pemAsItIs })).toHaveLength(1);
    const pemThenable: VideosdkPublicKeySource = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is what this case is.
      get: () => ({ then: (resolve) => Promise.resolve(stranger.publicKey).then(resolve) }),
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is no Promise is what this case is.
      refresh: () => ({ then: (resolve) => Promise.resolve(vendor.publicKey).then(resolve) }),
    };
    expect(await parseWebhook(signed, { keySource: pemThenable })).toHaveLength(1);

    const notPem = { get: async () => 'not a key', refresh: async () => undefined };
    const thrown = new Error('lookup broke');
    const throwing = {
      get: async () => {
        throw thrown;
      },
      refresh: async () => undefined,
    };
    for (const [keySource, cause] of [
      [notPem, undefined],
      [throwing, thrown],
    ] as const) {
      const caught = await rejectionOf(() => parseWebhook(signed, { keySource: keySource as never }));
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      expect(caught).toMatchObject({ issues: [{ path: 'keySource' }] });
      // Kept as the cause (a copy, scrubbed of secrets), never in the message.
      if (cause) expect((caught as InvalidInputError).cause).toMatchObject({ message: cause.message });
      else expect((caught as InvalidInputError).cause).toBeUndefined();
      expect((caught as InvalidInputError).message).not.toContain('lookup broke');
    }

    const rejecting = {
      get: () => vendorKey,
      refresh: async () => {
        throw new Error('vendor 503');
      },
    };
    const caught = await rejectionOf(() => parseWebhook(forged, { keySource: rejecting }));
    expect(caught).toMatchObject({ name: 'WebhookVerificationError', reason: 'bad-signature' });
    expect(await parseWebhook(signed, { keySource: rejecting })).toHaveLength(1);
  });
});
