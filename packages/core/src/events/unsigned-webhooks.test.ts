import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventOf } from '../../test/events.js';
import {
  AuthenticationError,
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  TimeoutError,
  WebhookVerificationError,
} from '../errors/errors.js';
import { type LiveStream, type LiveStreamState, liveStreamStates } from '../live-stream.js';
import type { CallOptions } from '../provider.js';
import { isWellFormed } from '../text.js';
import { createEventHub } from './event-hub.js';
import {
  type LiveStreamEvent,
  type LiveStreamEventFields,
  liveStreamEventTypes,
} from './live-stream-event.js';
import {
  checkUnsignedWebhook,
  confirmWebhookEvents,
  defaultConfirmTimeoutMs,
  type UnsignedWebhookOptions,
} from './unsigned-webhooks.js';
import { createWebhookHandler } from './webhook-handler.js';

const input = (url?: string) => ({ body: '{}', headers: {}, ...(url === undefined ? {} : { url }) });

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('checkUnsignedWebhook', () => {
  it('requires the explicit acknowledgement unsigned: true', async () => {
    for (const options of [undefined, {}, { unsigned: false }, { unsigned: 'yes' }]) {
      const error = await failure(() =>
        checkUnsignedWebhook('liveapi', input(), options as unknown as UnsignedWebhookOptions),
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe('unsigned');
      expect((error as Error).message).toContain('liveapi signs no webhook');
    }
    await expect(checkUnsignedWebhook('liveapi', input(), { unsigned: true })).resolves.toEqual([]);
  });

  it('accepts the last path segment only when it equals one of the path secrets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 4, maxLength: 20 }),
        // `.` and `..` are no segment of their own: the URL parser resolves them (`/hooks/..` is `/`).
        fc.string({ minLength: 1, maxLength: 20 }).filter((segment) => segment !== '.' && segment !== '..'),
        async (secret, segment) => {
          const url = `https://app.example/hooks/${encodeURIComponent(segment)}`;
          // In a list, taken whole: any text is one secret (a text form would split on commas).
          const outcome = await checkUnsignedWebhook('liveapi', input(url), {
            unsigned: true,
            pathSecret: [secret],
          }).then(
            (secrets) => (secrets.length === 1 && secrets[0] === secret ? 'accepted' : 'other secrets'),
            (error: WebhookVerificationError) => error.reason,
          );
          expect(outcome).toBe(segment === secret ? 'accepted' : 'bad-signature');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts either secret during a rotation, reads paths and absolute URLs, and never echoes a secret', async () => {
    const options = { unsigned: true, pathSecret: ['new-secret-1', 'old-secret-2'] } as const;
    await checkUnsignedWebhook('wowza-video', input('/hooks/old-secret-2'), options);
    await checkUnsignedWebhook('wowza-video', input('https://a.example/hooks/new-secret-1/?q=1'), options);
    const wrong = (await failure(() =>
      checkUnsignedWebhook('wowza-video', input('/hooks/new-secret-'), options),
    )) as WebhookVerificationError;
    expect(wrong.reason).toBe('bad-signature');
    expect(JSON.stringify(wrong.toJSON()) + wrong.message + wrong.stack).not.toMatch(/secret-[12]/);
    const bare = (await failure(() =>
      checkUnsignedWebhook('wowza-video', input('/'), options),
    )) as WebhookVerificationError;
    expect(bare.reason).toBe('missing-signature');
  });

  it('needs the URL to check a path secret, and refuses an empty secret', async () => {
    const noUrl = await failure(() =>
      checkUnsignedWebhook('liveapi', input(), { unsigned: true, pathSecret: 's3cret' }),
    );
    expect((noUrl as InvalidInputError).issues[0]?.path).toBe('url');
    const empty = await failure(() =>
      checkUnsignedWebhook('liveapi', input('/x'), { unsigned: true, pathSecret: '' }),
    );
    expect((empty as InvalidInputError).issues[0]?.path).toBe('pathSecret');
  });

  it('refuses a path secret, or an entry of a rotation, shorter than masking hides, before reading the delivery', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 3 })
          .filter((text) => text.trim() === text && !text.includes(',')),
        fc.boolean(),
        async (short, inList) => {
          fc.pre(isWellFormed(short));
          const pathSecret = inList ? ['a-long-enough-path-secret', short] : short;
          const error = await failure(() =>
            checkUnsignedWebhook('liveapi', input(`/hooks/${encodeURIComponent(short)}`), {
              unsigned: true,
              pathSecret,
            }),
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual([
            inList ? 'pathSecret.1' : 'pathSecret',
          ]);
          expect((error as InvalidInputError).issues[0]?.message).toMatch(/at least 4 characters/);
        },
      ),
      { numRuns: 100 },
    );
    // Four characters are masked, and taken.
    const event = await checkUnsignedWebhook('liveapi', input('/hooks/q7Zk'), {
      unsigned: true,
      pathSecret: 'q7Zk',
    });
    expect(event).toEqual(['q7Zk']);
  });

  it('names an empty entry of a list by its index, as secret lists are, and shows no secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[0-9a-f]{16,24}$/), { minLength: 0, maxLength: 4 }),
        fc.nat(),
        async (good, at) => {
          const index = at % (good.length + 1);
          const list = [...good.slice(0, index), '', ...good.slice(index)];
          const error = await failure(() =>
            checkUnsignedWebhook('liveapi', input('/hooks/x'), { unsigned: true, pathSecret: list }),
          );
          expect(InvalidInputError.isInstance(error)).toBe(true);
          expect((error as InvalidInputError).issues[0]?.path).toBe(`pathSecret.${index}`);
          for (const secret of good) expect((error as Error).message).not.toContain(secret);
        },
      ),
    );
  });

  // A URL writes a lone surrogate as U+FFFD: such a secret matched a segment holding U+FFFD there, or any
  // other lone surrogate, so two different secrets compared equal.
  it('refuses a path secret holding a lone surrogate, in a text or a list, before comparing (generated)', async () => {
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9]{4,12}$/),
        lone,
        fc.stringMatching(/^[A-Za-z0-9]{4,12}$/),
        fc.boolean(),
        async (before, surrogate, after, asList) => {
          // `Zq9` marks the secret: no message has it.
          before = `Zq9${before}`;
          const secret = `${before}${surrogate}${after}`;
          for (const segment of [
            `${before}%EF%BF%BD${after}`,
            `${before}\ufffd${after}`,
            `${before}${surrogate}${after}`,
          ]) {
            const error = await failure(() =>
              checkUnsignedWebhook('liveapi', input(`/hooks/${segment}`), {
                unsigned: true,
                pathSecret: asList ? ['fine-secret-0', secret] : secret,
              }),
            );
            expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
            expect((error as InvalidInputError).issues).toEqual([
              {
                path: asList ? 'pathSecret.1' : 'pathSecret',
                message: 'holds a lone surrogate, which has no UTF-8 form',
              },
            ]);
            expect((error as Error).message).not.toContain('Zq9');
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('confirmWebhookEvents', () => {
  const stream = (id: string, fields: Partial<LiveStream> = {}): LiveStream => ({
    id,
    provider: 'liveapi',
    state: 'ready',
    ingest: [],
    playback: [],
    recording: false,
    raw: {},
    ...fields,
  });
  const event = (
    type: LiveStreamEvent['type'],
    streamId: string,
    fields: Partial<LiveStreamEventFields> = {},
  ) =>
    eventOf({
      id: `e-${type}-${streamId}`,
      type,
      provider: 'liveapi',
      streamId,
      occurredAt: new Date(0),
      raw: {},
      ...fields,
    });
  const reader = (streams: Record<string, LiveStream>, reads: string[] = []) => ({
    async get(id: string) {
      reads.push(id);
      const found = streams[id];
      if (!found) {
        throw new NotFoundError({
          provider: 'liveapi',
          operation: 'get',
          message: 'gone',
          status: 404,
          vendorCode: 'no-such-stream',
        });
      }
      return found;
    },
  });
  const rule = (error: NotFoundError) => error.vendorCode === 'no-such-stream';

  it("replaces the event's claims with what the API says now", async () => {
    const reads: string[] = [];
    const events = await confirmWebhookEvents(
      'liveapi',
      [
        event('live_stream.connected', 'a', { broadcasting: true }),
        event('live_stream.state_changed', 'b', { state: 'ready' }),
        event('unknown', ''),
      ],
      reader({ a: stream('a', { broadcasting: false }), b: stream('b', { state: 'stopped' }) }, reads),
    );
    expect(reads).toEqual(['a', 'b']);
    expect(
      events.map(({ type, state, broadcasting, data }) => ({ type, state, broadcasting, data })),
    ).toEqual([
      { type: 'live_stream.connected', state: 'ready', broadcasting: false, data: { confirmed: true } },
      {
        type: 'live_stream.state_changed',
        state: 'stopped',
        broadcasting: undefined,
        data: { confirmed: true },
      },
      { type: 'unknown', state: undefined, broadcasting: undefined, data: undefined },
    ]);
  });

  it('a stop delivered again after the stream went is a delete a hub takes, not a copy of the stop it published', async () => {
    // The first delivery was confirmed while the stream existed and published, then answered 500 (the app's
    // own store failed); the vendor delivers it again after the delete. A delete with the stop's own id
    // would be dropped by the hub as a copy, and the hub would keep the stream `ready` for ever.
    const hub = createEventHub();
    const stop = event('live_stream.state_changed', 'a', { id: 'ev-123', state: 'stopped' });
    const streams: Record<string, LiveStream> = { a: stream('a') };
    hub.publish(await confirmWebhookEvents('liveapi', [stop], reader(streams), rule));
    expect(
      hub.latest({ provider: 'liveapi', streamId: 'a' }).map(({ id, state }) => ({ id, state })),
    ).toEqual([{ id: 'ev-123', state: 'ready' }]);
    delete streams.a;
    const again = await confirmWebhookEvents('liveapi', [stop], reader(streams), rule);
    expect(again.map(({ id, type }) => ({ id, type }))).toEqual([
      { id: 'ev-123:deleted', type: 'live_stream.deleted' },
    ]);
    hub.publish(again);
    expect(hub.latest({ provider: 'liveapi', streamId: 'a' })).toEqual([]);
    // Copies of the delete still fold into one.
    const copy = await confirmWebhookEvents('liveapi', [stop], reader(streams), rule);
    expect(copy.map(({ id }) => id)).toEqual(['ev-123:deleted']);
  });

  it('refuses an event claiming a stream the API does not have, and a delete of one it still has', async () => {
    const missing = await failure(() =>
      confirmWebhookEvents('liveapi', [event('live_stream.connected', 'x')], reader({}), rule),
    );
    expect((missing as WebhookVerificationError).reason).toBe('unconfirmed');
    const notDeleted = await failure(() =>
      confirmWebhookEvents('liveapi', [event('live_stream.deleted', 'a')], reader({ a: stream('a') })),
    );
    expect((notDeleted as WebhookVerificationError).reason).toBe('unconfirmed');
    const deleted = await confirmWebhookEvents(
      'liveapi',
      [event('live_stream.deleted', 'gone')],
      reader({}),
      rule,
    );
    expect(deleted[0]?.data).toEqual({ confirmed: true });
  });

  it('lets a vendor failure through, named for parseWebhook (the call made): neither confirmed nor refused (generated)', async () => {
    const kinds = {
      unavailable: () =>
        new ProviderUnavailableError({
          provider: 'liveapi',
          operation: 'get',
          message: 'liveapi get failed (HTTP 503)',
          status: 503,
        }),
      authentication: () =>
        new AuthenticationError({
          provider: 'liveapi',
          operation: 'get',
          message: 'liveapi get failed (HTTP 401)',
          status: 401,
        }),
      timeout: () =>
        new TimeoutError({ provider: 'liveapi', operation: 'get', message: 'liveapi get timed out' }),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[])), async (kind) => {
        const thrown = kinds[kind]();
        const error = await failure(() =>
          confirmWebhookEvents('liveapi', [event('live_stream.connected', 'a')], {
            get: () => Promise.reject(thrown),
          }),
        );
        expect(error).toBeInstanceOf(thrown.constructor);
        expect(error).toMatchObject({
          provider: 'liveapi',
          operation: 'parseWebhook',
          status: thrown.status,
          message: thrown.message,
        });
      }),
      { examples: [['unavailable'], ['authentication'], ['timeout']] },
    );
  });

  it('names confirm for anything else a reader throws, what it threw as cause and never in the message (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 8 }).map((text) => new Error(`upstream said key=${text}`)),
          fc.string({ minLength: 8 }),
          fc.constantFrom(undefined, null, 5, { code: 'E' }),
        ),
        async (thrown) => {
          const error = await failure(() =>
            confirmWebhookEvents('liveapi', [event('live_stream.connected', 'a')], {
              get: () => Promise.reject(thrown),
            }),
          );
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect(error).toMatchObject({
            provider: 'liveapi',
            operation: 'parseWebhook',
            issues: [{ path: 'confirm' }],
          });
          // The message is the option's alone: nothing of what the reader threw (it may hold a key).
          expect((error as InvalidInputError).message).toBe(
            'liveapi webhook: confirm threw something that is no unilive error; the stream could not be read (see cause)',
          );
        },
      ),
      { examples: [[new Error('upstream said key=sk_live_123')], ['a bare text'], [undefined]] },
    );
  });

  // A reader's answer is read as its `get` is: a getter of the answer that throws is the reader's fault, an
  // InvalidInputError naming confirm with what it threw as cause, never the reader's own error handed on
  // (it was, unmasked: `token=sk_live_…` reached parseWebhook's caller and the handler's onError). A field
  // on the answer's prototype is not the API's word: read from own properties only, as every other answer.
  it("names confirm for an answer whose fields cannot be read, and reads only the answer's own (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('id', 'state', 'broadcasting'),
        fc.oneof(
          fc.string({ minLength: 8 }).map((text) => new Error(`token=sk_live_${text}`)),
          fc.string({ minLength: 8 }),
        ),
        async (field, thrown) => {
          const answer: Record<string, unknown> = { id: 'a', state: 'ready', broadcasting: true };
          Object.defineProperty(answer, field, {
            enumerable: true,
            get() {
              throw thrown;
            },
          });
          const error = await failure(() =>
            confirmWebhookEvents('liveapi', [event('live_stream.connected', 'a')], {
              get: async () => answer as never,
            }),
          );
          expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
          expect(error).toMatchObject({
            provider: 'liveapi',
            operation: 'parseWebhook',
            issues: [{ path: 'confirm' }],
          });
          // What it threw is the cause (a sanitised copy: a key in it is masked), never in the message.
          expect((error as InvalidInputError).cause).not.toBeUndefined();
          expect((error as InvalidInputError).message).toBe(
            'liveapi webhook: confirm answered a stream that cannot be read (a getter or a Proxy in it threw; see cause)',
          );
        },
      ),
      { numRuns: 40 },
    );
    for (const inherited of ['state', 'id'] as const) {
      const own: Record<string, unknown> = { id: 'a', state: 'ready' };
      delete own[inherited];
      const answer = Object.assign(Object.create({ [inherited]: inherited === 'id' ? 'a' : 'ready' }), own);
      const error = await failure(() =>
        confirmWebhookEvents('liveapi', [event('live_stream.connected', 'a')], { get: async () => answer }),
      );
      expect(WebhookVerificationError.isInstance(error), `${inherited}: ${String(error)}`).toBe(true);
      expect((error as WebhookVerificationError).reason).toBe('unconfirmed');
    }
  });
});

describe('confirmWebhookEvents: the reads of one delivery are bounded', () => {
  const event = (streamId: string): LiveStreamEvent => ({
    id: `e-${streamId}`,
    type: 'live_stream.connected',
    provider: 'liveapi',
    streamId,
    occurredAt: new Date(0),
    raw: {},
  });
  // `answered` streams are read at once; the next read never settles by itself: `ignores` its signal, or
  // `honours` it (ends with the signal's reason, as a unilive client ends with an AbortError).
  const slowReader = (answered: number, kind: 'ignores' | 'honours', asked: (CallOptions | undefined)[]) => ({
    get(id: string, options?: CallOptions): Promise<LiveStream> {
      asked.push(options);
      if (asked.length <= answered) {
        return Promise.resolve({
          id,
          provider: 'liveapi',
          state: 'ready',
          ingest: [],
          playback: [],
          recording: false,
          raw: {},
        } as LiveStream);
      }
      return new Promise((_, reject) => {
        if (kind === 'honours')
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason));
      });
    },
  });

  it('hands each read a signal and what is left of the bound, and ends in a TimeoutError at the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom('ignores' as const, 'honours' as const),
        fc.integer({ min: 20, max: 60 }),
        async (answered, kind, timeoutMs) => {
          const asked: (CallOptions | undefined)[] = [];
          const events = [0, 1, 2].slice(0, answered + 1).map((index) => event(`s${index}`));
          const error = await failure(() =>
            confirmWebhookEvents('liveapi', events, slowReader(answered, kind, asked), undefined, timeoutMs),
          );
          expect(TimeoutError.isInstance(error)).toBe(true);
          expect((error as TimeoutError).provider).toBe('liveapi');
          expect((error as TimeoutError).operation).toBe('parseWebhook');
          expect((error as Error).message).toContain(`within ${timeoutMs} ms`);
          expect(asked).toHaveLength(answered + 1);
          for (const options of asked) {
            // One signal for the delivery, aborted as the bound passed, with the error as its reason.
            expect(options?.signal).toBe(asked[0]?.signal);
            expect(options?.signal?.aborted).toBe(true);
            expect(options?.signal?.reason).toBe(error);
            expect(Number.isInteger(options?.timeoutMs)).toBe(true);
            expect(options?.timeoutMs).toBeGreaterThanOrEqual(1);
            expect(options?.timeoutMs).toBeLessThanOrEqual(timeoutMs);
          }
        },
      ),
      {
        numRuns: 10,
        examples: [
          [0, 'ignores', 20],
          [0, 'honours', 20],
          [2, 'ignores', 20],
          [2, 'honours', 20],
        ],
      },
    );
  });

  it('defaults to 5 s, refuses a bound that is no number of ms, and passes a reader that answers in time', async () => {
    expect(defaultConfirmTimeoutMs).toBe(5_000);
    const asked: (CallOptions | undefined)[] = [];
    const passed = await confirmWebhookEvents('liveapi', [event('a')], slowReader(1, 'ignores', asked));
    expect(passed.map((one) => one.data)).toEqual([{ confirmed: true }]);
    expect(asked[0]?.timeoutMs).toBeLessThanOrEqual(5_000);
    expect(asked[0]?.signal?.aborted).toBe(false);
    for (const bound of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_648, '100', null]) {
      for (const run of [
        () =>
          confirmWebhookEvents(
            'liveapi',
            [event('a')],
            slowReader(1, 'ignores', []),
            undefined,
            bound as number,
          ),
        () =>
          checkUnsignedWebhook('liveapi', input(), {
            unsigned: true,
            confirmTimeoutMs: bound as number,
          }),
      ]) {
        const error = await failure(run);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.path).toBe('confirmTimeoutMs');
      }
      // The name every adapter takes is checked the same way, named as itself.
      const error = await failure(() =>
        checkUnsignedWebhook('liveapi', input(), { unsigned: true, readTimeoutMs: bound as number }),
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe('readTimeoutMs');
    }
    // Both names at once say two bounds for one: refused, naming the older.
    const both = await failure(() =>
      checkUnsignedWebhook('liveapi', input(), { unsigned: true, readTimeoutMs: 100, confirmTimeoutMs: 100 }),
    );
    expect((both as InvalidInputError).issues[0]?.path).toBe('confirmTimeoutMs');
  });

  it('lets createWebhookHandler answer 500 for a reader that never answers, so the vendor delivers again', async () => {
    const heard: unknown[] = [];
    const handler = createWebhookHandler({
      parse: () => confirmWebhookEvents('liveapi', [event('a')], slowReader(0, 'ignores', []), undefined, 20),
      onError: (error) => {
        heard.push(error);
      },
    });
    const response = await handler.handleWebhook(
      new Request('https://app.example/webhooks', { method: 'POST', body: '{}' }),
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'handler-failed' });
    expect(heard).toHaveLength(1);
    expect(TimeoutError.isInstance(heard[0])).toBe(true);
  });
});

describe('confirmWebhookEvents against what it cannot trust', () => {
  const stream = (id: string): LiveStream => ({
    id,
    provider: 'liveapi',
    state: 'ready',
    broadcasting: true,
    ingest: [],
    playback: [],
    recording: false,
    raw: {},
  });
  const typed = fc.constantFrom<LiveStreamEvent['type']>(
    'live_stream.created',
    'live_stream.updated',
    'live_stream.state_changed',
    'live_stream.connected',
    'live_stream.disconnected',
    'live_stream.recording_ready',
    'live_stream.restream_changed',
  );
  const event = (type: LiveStreamEvent['type'], streamId: string): LiveStreamEvent =>
    eventOf({
      id: 'e',
      type,
      provider: 'liveapi',
      streamId,
      occurredAt: new Date(0),
      // A state_changed always says to what.
      ...(type === 'live_stream.state_changed' ? { state: 'ready' as const } : {}),
      broadcasting: true,
      raw: {},
    });

  it('refuses an event that claims something about no stream, without asking the API', async () => {
    await fc.assert(
      fc.asyncProperty(typed, async (type) => {
        let reads = 0;
        const error = await failure(() =>
          confirmWebhookEvents('liveapi', [event(type, '')], {
            get: async (id) => {
              reads += 1;
              return stream(id);
            },
          }),
        );
        expect((error as WebhookVerificationError).reason).toBe('unconfirmed');
        expect(reads).toBe(0);
      }),
    );
  });

  it('refuses, as unconfirmed, an event about an id the client refuses before any request', async () => {
    const refusing = {
      get: async () => {
        throw new InvalidInputError({
          provider: 'liveapi',
          operation: 'get',
          message: 'invalid id',
          issues: [{ path: 'id', message: 'expected an id' }],
        });
      },
    };
    for (const id of ['../../x', 'a/b', ' ', 'x'.repeat(300)]) {
      const error = await failure(() =>
        confirmWebhookEvents('liveapi', [event('live_stream.connected', id)], refusing),
      );
      expect((error as WebhookVerificationError).reason).toBe('unconfirmed');
    }
  });

  it('never marks an event confirmed on a reader answer that is not the stream asked for', async () => {
    await fc.assert(
      fc.asyncProperty(
        typed,
        fc.oneof(
          fc.constantFrom(null, undefined, 5, 'stream', []),
          fc.jsonValue(),
          fc.record({ id: fc.string(), state: fc.constantFrom('ready', 'Ready', 'live') }),
        ),
        async (type, answer) => {
          const outcome = await confirmWebhookEvents('liveapi', [event(type, 's1')], {
            get: async () => answer as LiveStream,
          }).then(
            (events) => events,
            (error: unknown) => error,
          );
          expect(Array.isArray(outcome)).toBe(false);
          const reason = (outcome as WebhookVerificationError).reason;
          if (reason !== undefined) expect(reason).toBe('unconfirmed');
          else expect(InvalidInputError.isInstance(outcome)).toBe(true);
        },
      ),
    );
  });
});

// Every event type, with every state and broadcasting it may carry, against every answer the reader may give:
// the stream, the API's "no such stream" (404; Wowza Video's 410 for a deleted one), another failure. What
// passes, or the refusal, is spelled out here case by case rather than derived from the code's own rule.
describe('confirmWebhookEvents: each event type against each reader answer (generated)', () => {
  type Answer =
    | { kind: 'stream'; state: LiveStreamState; broadcasting: boolean | undefined }
    | { kind: 'not-found'; status: 404 | 410; shape: NotFoundShape }
    | { kind: 'failure'; error: 'unavailable' | 'authentication' | 'plain' };
  // What a NotFoundError says: the vendor's own "no such stream" (the code the adapter's rule knows), a
  // gateway's page (no code, the status text as message), the vendor's code from another provider or from
  // another operation than the `get` asked, or the vendor's own with no rule given.
  type NotFoundShape = 'vendor' | 'page' | 'other-provider' | 'other-operation' | 'no-rule';
  // Who reads: an object with only `get`, a client or a provider of the parser's vendor, or of another.
  type ReaderKind = 'plain' | 'client' | 'provider' | 'other-client' | 'other-provider';
  const readerKinds = fc.constantFrom<ReaderKind>(
    'plain',
    'client',
    'provider',
    'other-client',
    'other-provider',
  );
  const rule = (error: NotFoundError) => error.vendorCode === 'no-such-stream';
  const answers: fc.Arbitrary<Answer> = fc.oneof(
    fc.record({
      kind: fc.constant('stream' as const),
      state: fc.constantFrom(...liveStreamStates),
      broadcasting: fc.constantFrom(undefined, true, false),
    }),
    fc.record({
      kind: fc.constant('not-found' as const),
      status: fc.constantFrom(404 as const, 410 as const),
      shape: fc.constantFrom<NotFoundShape>('vendor', 'page', 'other-provider', 'other-operation', 'no-rule'),
    }),
    fc.record({
      kind: fc.constant('failure' as const),
      error: fc.constantFrom('unavailable' as const, 'authentication' as const, 'plain' as const),
    }),
  );
  type Claims = {
    type: LiveStreamEvent['type'];
    state?: LiveStreamState | undefined;
    broadcasting?: boolean | undefined;
    withWarning: boolean;
  };
  // Only events: a state_changed always says to what (isLiveStreamEvent).
  const claims: fc.Arbitrary<Claims> = fc
    .record({
      type: fc.constantFrom(...liveStreamEventTypes),
      state: fc.constantFrom(undefined, ...liveStreamStates),
      broadcasting: fc.constantFrom(undefined, true, false),
      withWarning: fc.boolean(),
    })
    .filter((claim) => claim.type !== 'live_stream.state_changed' || claim.state !== undefined);
  const build = (provider: 'liveapi' | 'wowza-video', claim: Claims): LiveStreamEvent =>
    eventOf({
      id: 'evt-1',
      type: claim.type,
      provider,
      streamId: 'stream-1',
      occurredAt: new Date('2026-11-29T12:00:00Z'),
      ...(claim.state === undefined ? {} : { state: claim.state }),
      ...(claim.broadcasting === undefined ? {} : { broadcasting: claim.broadcasting }),
      data: { vendorEvent: 'vendor-name' },
      ...(claim.withWarning
        ? { warnings: [{ type: 'fallback' as const, setting: 'event_time', message: 'no time sent' }] }
        : {}),
      raw: { event: 'vendor-name', payload: { _id: 'stream-1' } },
    });
  const failures = {
    unavailable: new ProviderUnavailableError({
      provider: 'liveapi',
      operation: 'get',
      message: 'down',
      status: 503,
    }),
    authentication: new AuthenticationError({
      provider: 'liveapi',
      operation: 'get',
      message: 'no',
      status: 401,
    }),
    plain: new Error('socket hang up'),
  };
  const otherOf = (provider: 'liveapi' | 'wowza-video') =>
    provider === 'liveapi' ? 'wowza-video' : 'liveapi';
  const notFounds = new Map<string, NotFoundError>();
  const readerFor = (provider: 'liveapi' | 'wowza-video', answer: Answer, kind: ReaderKind = 'plain') => ({
    ...(kind === 'client' ? { provider: { id: provider } } : {}),
    ...(kind === 'provider' ? { id: provider } : {}),
    ...(kind === 'other-client' ? { provider: { id: otherOf(provider) } } : {}),
    ...(kind === 'other-provider' ? { id: otherOf(provider) } : {}),
    get: async (id: string): Promise<LiveStream> => {
      if (answer.kind === 'failure') throw failures[answer.error];
      if (answer.kind === 'not-found') {
        const page = answer.shape === 'page';
        const error = new NotFoundError({
          provider: answer.shape === 'other-provider' ? otherOf(provider) : provider,
          operation: answer.shape === 'other-operation' ? 'delete' : 'get',
          message: `no stream ${id}`,
          status: answer.status,
          ...(page ? { vendorMessage: answer.status === 404 ? 'Not Found' : 'Gone' } : {}),
          ...(page ? {} : { vendorCode: 'no-such-stream' }),
        });
        notFounds.set(id, error);
        throw error;
      }
      return {
        id,
        provider,
        state: answer.state,
        ...(answer.broadcasting === undefined ? {} : { broadcasting: answer.broadcasting }),
        ingest: [],
        playback: [],
        recording: false,
        raw: {},
      };
    },
  });

  // The expected outcome, case by case: the events passed, `unconfirmed`, or the reader's own failure.
  const expected = (
    event: LiveStreamEvent,
    answer: Answer,
    kind: ReaderKind = 'plain',
  ): LiveStreamEvent[] | 'unconfirmed' | 'confirm refused' | 'not the vendor' | Error => {
    if (kind === 'other-client' || kind === 'other-provider') return 'confirm refused';
    if (answer.kind === 'failure') return failures[answer.error];
    if (answer.kind === 'not-found' && answer.shape !== 'vendor') return 'not the vendor';
    const { state, broadcasting, ...rest } = event;
    const data = { vendorEvent: 'vendor-name', confirmed: true };
    if (answer.kind === 'stream') {
      if (event.type === 'live_stream.deleted') return 'unconfirmed';
      return [
        {
          ...rest,
          state: answer.state,
          ...(answer.broadcasting === undefined ? {} : { broadcasting: answer.broadcasting }),
          data,
        },
      ];
    }
    switch (event.type) {
      case 'live_stream.deleted':
        return [{ ...event, data }];
      case 'unknown':
        return [{ ...rest, type: event.type, data }];
      case 'live_stream.disconnected':
        return [
          {
            ...rest,
            id: `${event.id}:deleted`,
            type: 'live_stream.deleted',
            data: {
              ...data,
              claimed: {
                type: 'live_stream.disconnected',
                ...(state === undefined ? {} : { state }),
                ...(broadcasting === undefined ? {} : { broadcasting }),
              },
            },
          },
        ];
      case 'live_stream.state_changed':
        if (state === 'stopping' || state === 'stopped' || state === 'disabled') {
          return [
            {
              ...rest,
              id: `${event.id}:deleted`,
              type: 'live_stream.deleted',
              data: {
                ...data,
                claimed: {
                  type: 'live_stream.state_changed',
                  state,
                  ...(broadcasting === undefined ? {} : { broadcasting }),
                },
              },
            },
          ];
        }
        return 'unconfirmed';
      default:
        // created, updated, connected, restream_changed, recording_ready
        return 'unconfirmed';
    }
  };

  it('passes, converts or refuses exactly as the API answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('liveapi' as const, 'wowza-video' as const),
        claims,
        answers,
        readerKinds,
        async (provider, claim, answer, kind) => {
          const event = build(provider, claim);
          const before = structuredClone(event);
          notFounds.clear();
          const withRule = !(answer.kind === 'not-found' && answer.shape === 'no-rule');
          const outcome = await confirmWebhookEvents(
            provider,
            [event],
            readerFor(provider, answer, kind),
            ...(withRule ? [rule] : []),
          ).then(
            (events) => events,
            (error: unknown) => error,
          );
          const want = expected(event, answer, kind);
          if (want === 'confirm refused') {
            // Before any read: a reader of another vendor answers 404 for every stream of this one.
            expect(InvalidInputError.isInstance(outcome)).toBe(true);
            expect((outcome as InvalidInputError).issues[0]?.path).toBe('confirm');
            expect((outcome as InvalidInputError).operation).toBe('parseWebhook');
            expect(notFounds.size).toBe(0);
          } else if (want === 'not the vendor') {
            // A failure like a 502: the handler answers 500 and the vendor delivers again.
            expect(ProviderUnavailableError.isInstance(outcome), String(outcome)).toBe(true);
            expect((outcome as ProviderUnavailableError).provider).toBe(provider);
            expect((outcome as ProviderUnavailableError).operation).toBe('parseWebhook');
            expect((outcome as ProviderUnavailableError).status).toBe(
              answer.kind === 'not-found' ? answer.status : undefined,
            );
            expect((outcome as ProviderUnavailableError).cause).toBe(notFounds.get('stream-1'));
          } else if (want === 'unconfirmed') {
            expect(WebhookVerificationError.isInstance(outcome)).toBe(true);
            expect((outcome as WebhookVerificationError).reason).toBe('unconfirmed');
            expect((outcome as WebhookVerificationError).provider).toBe(provider);
          } else if (want instanceof Error) {
            // The caller called parseWebhook: a vendor failure is named for it (its message still says which
            // request it was); anything else a reader throws names `confirm`, never as the raw error.
            if (want === failures.plain) {
              expect(InvalidInputError.isInstance(outcome), String(outcome)).toBe(true);
              expect(outcome).toMatchObject({ operation: 'parseWebhook', issues: [{ path: 'confirm' }] });
              expect((outcome as InvalidInputError).message).not.toContain(want.message);
            } else {
              expect(outcome).toMatchObject({
                name: want.name,
                provider: 'liveapi',
                operation: 'parseWebhook',
                status: (want as ProviderUnavailableError).status,
                message: want.message,
              });
            }
          } else {
            expect(outcome).toStrictEqual(want);
          }
          // The event given is never changed.
          expect(event).toStrictEqual(before);
        },
      ),
      {
        examples: [
          ...(
            [
              // Wowza Video's stop of a stream deleted while it ran, re-read after the delete (410).
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'stopping', withWarning: false },
                { kind: 'not-found', status: 410, shape: 'vendor' },
              ],
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'stopped', withWarning: true },
                { kind: 'not-found', status: 410, shape: 'vendor' },
              ],
              // LiveAPI's disconnect of a stream deleted while an encoder published, then its removal.
              [
                'liveapi',
                { type: 'live_stream.disconnected', broadcasting: false, withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.deleted', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.state_changed', state: 'disabled', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              // Claims that the stream exists or runs, about one the API does not have (yet): refused.
              [
                'liveapi',
                { type: 'live_stream.created', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.connected', broadcasting: true, withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'ready', withWarning: false },
                { kind: 'not-found', status: 410, shape: 'vendor' },
              ],
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'starting', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.updated', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.restream_changed', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'live_stream.recording_ready', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              [
                'liveapi',
                { type: 'unknown', withWarning: false },
                { kind: 'not-found', status: 404, shape: 'vendor' },
              ],
              // The stream there: claims replaced by the API's; a delete of it refused.
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
                { kind: 'stream', state: 'ready', broadcasting: undefined },
              ],
              [
                'liveapi',
                { type: 'live_stream.deleted', withWarning: false },
                { kind: 'stream', state: 'stopped', broadcasting: false },
              ],
              // The vendor failing: its error, the event neither passed nor refused.
              [
                'liveapi',
                { type: 'live_stream.disconnected', broadcasting: false, withWarning: false },
                { kind: 'failure', error: 'unavailable' },
              ],
              [
                'wowza-video',
                { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
                { kind: 'failure', error: 'plain' },
              ],
            ] as ['liveapi' | 'wowza-video', Claims, Answer][]
          ).map(([provider, claim, answer]): ['liveapi' | 'wowza-video', Claims, Answer, ReaderKind] => [
            provider,
            claim,
            answer,
            'client',
          ]),
          // A gateway's HTML 404 or 410 page in front of the API, about a stream that runs: never a delete.
          [
            'wowza-video',
            { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
            { kind: 'not-found', status: 404, shape: 'page' },
            'client',
          ],
          [
            'wowza-video',
            { type: 'live_stream.state_changed', state: 'stopping', withWarning: false },
            { kind: 'not-found', status: 410, shape: 'page' },
            'provider',
          ],
          [
            'liveapi',
            { type: 'live_stream.disconnected', broadcasting: false, withWarning: false },
            { kind: 'not-found', status: 404, shape: 'page' },
            'client',
          ],
          [
            'liveapi',
            { type: 'live_stream.deleted', withWarning: false },
            { kind: 'not-found', status: 404, shape: 'page' },
            'plain',
          ],
          [
            'liveapi',
            { type: 'unknown', withWarning: false },
            { kind: 'not-found', status: 410, shape: 'page' },
            'plain',
          ],
          // Another provider's not-found, or one of another operation, is no answer about this stream.
          [
            'liveapi',
            { type: 'live_stream.state_changed', state: 'disabled', withWarning: false },
            { kind: 'not-found', status: 404, shape: 'other-provider' },
            'plain',
          ],
          [
            'wowza-video',
            { type: 'live_stream.deleted', withWarning: false },
            { kind: 'not-found', status: 410, shape: 'other-operation' },
            'client',
          ],
          // No rule from the adapter: no not-found is taken as "no such stream".
          [
            'wowza-video',
            { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
            { kind: 'not-found', status: 410, shape: 'no-rule' },
            'client',
          ],
          // A reader of another vendor: refused before it is asked anything.
          [
            'wowza-video',
            { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
            { kind: 'not-found', status: 404, shape: 'vendor' },
            'other-client',
          ],
          [
            'liveapi',
            { type: 'live_stream.disconnected', broadcasting: false, withWarning: false },
            { kind: 'stream', state: 'ready', broadcasting: true },
            'other-provider',
          ],
        ],
        numRuns: 300,
      },
    );
  });

  it('a reader that answers nothing has not said the stream is gone: an ended claim or a delete is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Claims>(
          { type: 'live_stream.disconnected', broadcasting: false, withWarning: false },
          { type: 'live_stream.state_changed', state: 'stopped', withWarning: false },
          { type: 'live_stream.deleted', withWarning: false },
          { type: 'unknown', withWarning: false },
        ),
        fc.constantFrom(undefined, null, {}, { id: 'stream-1' }, { id: 'other', state: 'stopped' }),
        async (claim, answer) => {
          const error = await failure(() =>
            confirmWebhookEvents('liveapi', [build('liveapi', claim)], {
              get: async () => answer as unknown as LiveStream,
            }),
          );
          expect((error as WebhookVerificationError).reason).toBe('unconfirmed');
        },
      ),
      {
        examples: [
          // `undefined` once passed a delete as confirmed, as if the API had said the stream was gone.
          [{ type: 'live_stream.deleted', withWarning: false }, undefined],
          [{ type: 'live_stream.disconnected', broadcasting: false, withWarning: false }, undefined],
        ],
      },
    );
  });
});

describe('checkUnsignedWebhook options of the wrong type', () => {
  it('refuses a path secret or confirm reader of the wrong type with InvalidInputError naming it', async () => {
    for (const [options, path] of [
      [{ pathSecret: 5 }, 'pathSecret'],
      [{ pathSecret: {} }, 'pathSecret'],
      [{ pathSecret: [] }, 'pathSecret'],
      [{ pathSecret: ['ok-path-secret', 7] }, 'pathSecret.1'],
      [{ confirm: {} }, 'confirm'],
      [{ confirm: 'client' }, 'confirm'],
    ] as const) {
      const error = await failure(() =>
        checkUnsignedWebhook('liveapi', input('/hooks/x'), {
          unsigned: true,
          ...options,
        } as unknown as UnsignedWebhookOptions),
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).issues[0]?.path).toBe(path);
    }
  });
});
