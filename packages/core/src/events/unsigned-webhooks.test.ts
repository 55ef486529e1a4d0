import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  NotFoundError,
  ProviderUnavailableError,
  type WebhookVerificationError,
} from '../errors/errors.js';
import type { LiveStream } from '../live-stream.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import {
  checkUnsignedWebhook,
  confirmWebhookEvents,
  type UnsignedWebhookOptions,
} from './unsigned-webhooks.js';

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
    await expect(checkUnsignedWebhook('liveapi', input(), { unsigned: true })).resolves.toBeUndefined();
  });

  it('accepts the last path segment only when it equals one of the path secrets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        async (secret, segment) => {
          const url = `https://app.example/hooks/${encodeURIComponent(segment)}`;
          const outcome = await checkUnsignedWebhook('liveapi', input(url), {
            unsigned: true,
            pathSecret: secret,
          }).then(
            () => 'accepted',
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
      checkUnsignedWebhook('liveapi', input('/x'), { unsigned: true, pathSecret: [''] }),
    );
    expect((empty as InvalidInputError).issues[0]?.path).toBe('pathSecret');
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
  const event = (type: LiveStreamEvent['type'], streamId: string, fields: Partial<LiveStreamEvent> = {}) => ({
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
      if (!found)
        throw new NotFoundError({ provider: 'liveapi', operation: 'get', message: 'gone', status: 404 });
      return found;
    },
  });

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

  it('refuses an event about a stream the API does not have, and a delete of one it still has', async () => {
    const missing = await failure(() =>
      confirmWebhookEvents('liveapi', [event('live_stream.connected', 'x')], reader({})),
    );
    expect((missing as WebhookVerificationError).reason).toBe('unconfirmed');
    const notDeleted = await failure(() =>
      confirmWebhookEvents('liveapi', [event('live_stream.deleted', 'a')], reader({ a: stream('a') })),
    );
    expect((notDeleted as WebhookVerificationError).reason).toBe('unconfirmed');
    const deleted = await confirmWebhookEvents('liveapi', [event('live_stream.deleted', 'gone')], reader({}));
    expect(deleted[0]?.data).toEqual({ confirmed: true });
  });

  it('lets a vendor failure through: the event is neither confirmed nor refused', async () => {
    const unavailable = new ProviderUnavailableError({
      provider: 'liveapi',
      operation: 'get',
      message: 'down',
      status: 503,
    });
    const error = await failure(() =>
      confirmWebhookEvents('liveapi', [event('live_stream.connected', 'a')], {
        get: () => Promise.reject(unavailable),
      }),
    );
    expect(error).toBe(unavailable);
  });
});
