import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLiveStreamClient } from '../client/live-stream-client.js';
import { createHttpClient } from '../http/http-client.js';
import type { LiveStream } from '../live-stream.js';
import type { LiveStreamProvider } from '../provider.js';
import { SecretSet } from '../secrets.js';
import { ConflictError, NotFoundError, notFoundAbout, withNotFoundStreamId } from './errors.js';

const gone = (secrets?: SecretSet) =>
  new NotFoundError({
    provider: 'liveapi',
    operation: 'get',
    message: 'liveapi get failed (HTTP 404)',
    status: 404,
    delivery: 'refused',
    ...(secrets ? { secrets } : {}),
  });

// The calls of a provider about one stream, each answered by `answer` (a rejection, a sync throw, a value).
const streamCalls = ['get', 'update', 'delete', 'start', 'stop', 'getStatus', 'getBroadcasting'] as const;

function providerAnswering(answer: (call: string) => unknown): LiveStreamProvider {
  const provider: Record<string, unknown> = {
    specificationVersion: 'v1',
    id: 'liveapi',
    capabilities: {},
    create: async () => Promise.reject(gone()),
    list: async function* () {
      yield* [] as LiveStream[];
      throw gone();
    },
  };
  for (const call of streamCalls) provider[call] = () => answer(call);
  return withNotFoundStreamId(provider) as unknown as LiveStreamProvider;
}

describe('NotFoundError.streamId', () => {
  it('is the id given, in no toJSON and no own enumerable field, and undefined when not given', () => {
    const error = new NotFoundError({ message: 'gone', streamId: 'abc123' });
    expect(error.streamId).toBe('abc123');
    // What the caller passed as an id may be a stream key: what logs print never holds it.
    expect(error.toJSON()).not.toHaveProperty('streamId');
    expect(Object.keys(error)).not.toContain('streamId');
    expect(inspect(error)).not.toContain('abc123');
    // Read-only, as every field of an error.
    expect(Object.getOwnPropertyDescriptor(error, 'streamId')).toMatchObject({
      writable: false,
      configurable: false,
    });
    expect(new NotFoundError({ message: 'gone' }).streamId).toBeUndefined();
    expect(new NotFoundError({ message: 'gone' }).toJSON()).not.toHaveProperty('streamId');
    // Not a text: not taken.
    expect(new NotFoundError({ message: 'gone', streamId: 7 as unknown as string }).streamId).toBeUndefined();
  });

  it('withNotFoundStreamId: each call about one stream names its id on a NotFoundError, however it fails (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...streamCalls),
        fc.constantFrom('rejects', 'throws', 'other-error', 'named-already'),
        // Ids as vendors make them (hex, words and dashes): scrubbing leaves them as they are.
        fc.stringMatching(/^[a-z0-9-]{1,30}$/),
        async (call, how, id) => {
          const other = new ConflictError({ message: 'busy', provider: 'liveapi', operation: call });
          const named = new NotFoundError({ message: 'gone', streamId: 'the-first-one' });
          const provider = providerAnswering(() => {
            if (how === 'throws') throw gone();
            return Promise.reject(how === 'other-error' ? other : how === 'named-already' ? named : gone());
          });
          let thrownAtOnce = false;
          let result: Promise<unknown>;
          try {
            result = (provider[call] as (id: string) => Promise<unknown>)(id);
          } catch (error) {
            thrownAtOnce = true;
            result = Promise.reject(error);
          }
          // A method that throws at once still does.
          expect(thrownAtOnce).toBe(how === 'throws');
          const error = await result.then(
            () => undefined,
            (caught: unknown) => caught,
          );
          if (how === 'other-error') {
            expect(error).toBe(other);
            return;
          }
          if (how === 'named-already') {
            expect(error).toBe(named);
            return;
          }
          expect(NotFoundError.isInstance(error)).toBe(true);
          const typed = error as NotFoundError;
          expect(typed.streamId).toBe(id);
          // Set on a copy as on a new error: out of toJSON and of the own enumerable fields.
          expect(typed.toJSON()).not.toHaveProperty('streamId');
          expect(Object.keys(typed)).not.toContain('streamId');
          // The rest of the error as the HTTP layer made it.
          expect([typed.provider, typed.operation, typed.status, typed.delivery, typed.message]).toEqual([
            'liveapi',
            'get',
            404,
            'refused',
            'liveapi get failed (HTTP 404)',
          ]);
          expect(Object.isFrozen(typed) || Object.getOwnPropertyDescriptor(typed, 'streamId')?.writable).toBe(
            false,
          );
        },
      ),
      {
        examples: [
          ['get', 'rejects', 'abc'],
          ['delete', 'throws', 'abc'],
          ['getStatus', 'other-error', 'abc'],
          ['stop', 'named-already', 'abc'],
        ],
      },
    );
  });

  it('calls about no one stream and answers that succeed are left as they are', async () => {
    const stream = { id: 's1' } as LiveStream;
    const provider = providerAnswering(() => Promise.resolve(stream));
    expect(await provider.get('s1')).toBe(stream);
    const created = await provider.create({ name: 'x' }).catch((error: unknown) => error);
    expect((created as NotFoundError).streamId).toBeUndefined();
    expect(notFoundAbout('not an error', 's1')).toBe('not an error');
  });

  it('through a client: a stream id the provider holds as a secret never shows in streamId', async () => {
    const secrets = new SecretSet();
    const id = 'sk_live_0123456789abcdef';
    secrets.add(id);
    const provider = providerAnswering(() => Promise.reject(gone(secrets)));
    Object.assign(provider, { secrets: () => secrets.values() });
    const error = await createLiveStreamClient(provider)
      .get(id)
      .catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as NotFoundError).streamId).toBe('[REDACTED]');
    expect(JSON.stringify((error as NotFoundError).toJSON())).not.toContain(id);
  });

  it("hides the id in the vendor's words of a 404 that repeats it: message, vendorMessage, requestId, toJSON, inspect (generated)", async () => {
    const encodings: Record<string, (id: string) => string> = {
      raw: (id) => id,
      url: (id) => encodeURIComponent(id),
      base64: (id) => Buffer.from(id).toString('base64'),
      upper: (id) => id.toUpperCase(),
    };
    await fc.assert(
      fc.asyncProperty(
        // Ids as the adapters take them (Wowza's 8 hex, videosdk's UUID keys, words of letters and digits).
        fc.oneof(
          fc.stringMatching(/^[0-9a-f]{8}$/),
          fc.uuid(),
          // With a letter and a digit, 8 or more: a word of the error's own (\`name\`, a path in its stack)
          // would be found in its texts whether or not the vendor repeated it.
          fc.stringMatching(/^[a-zA-Z0-9_-]{8,40}$/).filter((id) => /[a-zA-Z]/.test(id) && /[0-9]/.test(id)),
        ),
        fc.constantFrom(...Object.keys(encodings)),
        fc.constantFrom('get', 'update', 'delete', 'start', 'stop'),
        async (id, encoding, call) => {
          const echoed = (encodings[encoding] as (id: string) => string)(id);
          const http = createHttpClient({
            provider: 'liveapi',
            baseUrl: 'https://api.vendor.test',
            headers: () => ({}),
            secrets: new SecretSet(),
            readError: (body) => ({ message: (body as { message: string }).message, code: 'not_found' }),
            fetch: (async () =>
              new Response(JSON.stringify({ message: `live stream ${echoed} not found` }), {
                status: 404,
                statusText: 'Not Found',
                headers: { 'content-type': 'application/json', 'x-request-id': `req-${echoed}` },
              })) as typeof fetch,
          });
          const heard: unknown[] = [];
          const read = (stream: string) =>
            http.request({
              operation: call,
              method: 'GET',
              path: `streams/${stream}`,
              stream,
              options: { runtime: { hooks: { onError: (event) => void heard.push(event.error) } } },
            });
          const provider = providerAnswering(() => Promise.reject(new Error('unused')));
          const methods = provider as unknown as Record<string, (id: string) => Promise<unknown>>;
          // Each call about the stream reads it, as an adapter's does; the wrapper is the factory's.
          (provider as unknown as Record<string, unknown>)[call] = (stream: string) => read(stream);
          withNotFoundStreamId(provider);
          const error = (await (methods[call] as (id: string) => Promise<unknown>)(id).catch(
            (caught: unknown) => caught,
          )) as NotFoundError;
          expect(NotFoundError.isInstance(error)).toBe(true);
          expect(error.streamId).toBe(id);
          expect(heard).toHaveLength(1);
          for (const text of [
            error.message,
            error.vendorMessage,
            error.requestId,
            JSON.stringify(error),
            inspect(error),
            String(error.stack),
            // What a logger on the hooks prints: the HTTP layer's error, before the provider's boundary.
            ...heard.flatMap((event) => [JSON.stringify(event), inspect(event)]),
          ]) {
            expect(text).not.toContain(echoed);
          }
          // Core's own words stay, and the vendor's around the id (base64 is masked as a whole word: the
          // characters before it may belong to it at another alignment).
          expect(error.message.startsWith(`liveapi ${call} failed (HTTP 404 not_found): live stream `)).toBe(
            true,
          );
          expect(error.vendorMessage).toContain('[REDACTED]');
          expect(error.requestId).toContain('[REDACTED]');
          if (encoding !== 'base64') {
            expect(error.message).toBe(
              `liveapi ${call} failed (HTTP 404 not_found): live stream [REDACTED] not found`,
            );
            expect(error.vendorMessage).toBe('live stream [REDACTED] not found');
            expect(error.requestId).toBe('req-[REDACTED]');
          }
          expect(error.status).toBe(404);
          expect(error.vendorCode).toBe('not_found');
        },
      ),
      { numRuns: 150 },
    );
  });

  it("hides the id in the vendor's words of a NotFoundError an adapter built itself, outside the HTTP layer", async () => {
    const provider = providerAnswering(() =>
      Promise.reject(
        new NotFoundError({
          provider: 'liveapi',
          operation: 'get',
          message: 'liveapi get failed (HTTP 404 gone-a1b2c3d4): room a1b2c3d4 is gone',
          vendorMessage: 'room a1b2c3d4 is gone',
          vendorCode: 'gone-a1b2c3d4',
          requestId: 'req-a1b2c3d4',
          status: 404,
        }),
      ),
    );
    const error = (await provider.get('a1b2c3d4').catch((caught: unknown) => caught)) as NotFoundError;
    expect(error.message).toBe('liveapi get failed (HTTP 404 gone-[REDACTED]): room [REDACTED] is gone');
    expect(error.vendorMessage).toBe('room [REDACTED] is gone');
    expect(error.vendorCode).toBe('gone-[REDACTED]');
    expect(error.requestId).toBe('req-[REDACTED]');
    expect(String(error.stack).split('\n')[0]).toBe(`NotFoundError: ${error.message}`);
    expect(JSON.stringify(error)).not.toContain('a1b2c3d4');
    expect(error.streamId).toBe('a1b2c3d4');
  });

  it("keeps a 404's vendor words whole when they do not repeat the id", async () => {
    const error = notFoundAbout(
      new NotFoundError({
        provider: 'liveapi',
        operation: 'get',
        message: 'liveapi get failed (HTTP 404): Stream not found',
        vendorMessage: 'Stream not found',
        requestId: 'req-1',
        status: 404,
      }),
      'a1b2c3d4',
    ) as NotFoundError;
    expect(error.message).toBe('liveapi get failed (HTTP 404): Stream not found');
    expect(error.vendorMessage).toBe('Stream not found');
    expect(error.requestId).toBe('req-1');
    expect(error.streamId).toBe('a1b2c3d4');
  });
});
