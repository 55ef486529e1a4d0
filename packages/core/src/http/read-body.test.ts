import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyRead, readCapped, readCappedText } from './read-body.js';

class TooLarge extends Error {}

// A response whose body arrives in the given chunks, recording whether the reader cancelled it.
function chunked(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  const state = { cancelled: false, pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[state.pulled];
      state.pulled += 1;
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(body, { headers }), state };
}

describe('readCappedText', () => {
  it('returns the whole text up to the limit, and stops at the first chunk past it, cancelled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 12 }),
        // Around the body's own length, where an off-by-one would show, and anywhere below it.
        fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -800, max: 0 })),
        async (chunks, offset) => {
          const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
          const limit = Math.max(0, total + offset);
          const { response, state } = chunked(chunks);
          const read = readCappedText(response, limit, undefined, () => new TooLarge());
          if (total <= limit) {
            expect(await read).toBe(new TextDecoder().decode(Buffer.concat(chunks)));
          } else {
            await expect(read).rejects.toBeInstanceOf(TooLarge);
            expect(state.cancelled).toBe(true);
            // Nothing is read past the chunk that crossed the limit (the stream may have queued one more).
            let crossing = 0;
            for (let sum = chunks[0]?.byteLength ?? 0; sum <= limit; crossing += 1)
              sum += chunks[crossing + 1]?.byteLength ?? 0;
            expect(state.pulled).toBeLessThanOrEqual(crossing + 2);
          }
        },
      ),
    );
  });

  it('refuses an unencoded body whose declared length is past the limit without reading it', async () => {
    const { response, state } = chunked([new Uint8Array(10)], { 'content-length': '10' });
    await expect(readCappedText(response, 9, undefined, () => new TooLarge())).rejects.toBeInstanceOf(
      TooLarge,
    );
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it('refuses before reading exactly when the declared length is past the limit and the body is not encoded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 64 }),
        // A Content-Length that may say the truth, lie either way, or not be a number at all.
        fc.option(fc.oneof(fc.integer({ min: 0, max: 128 }).map(String), fc.string({ maxLength: 6 })), {
          nil: undefined,
        }),
        fc.option(fc.constantFrom('gzip', 'br', 'identity'), { nil: undefined }),
        async (size, limit, declared, encoding) => {
          const headers: Record<string, string> = {};
          if (declared !== undefined) headers['content-length'] = declared;
          if (encoding !== undefined) headers['content-encoding'] = encoding;
          const bytes = new Uint8Array(size).fill(0x61);
          const { response, state } = chunked([bytes], headers);
          const read = readCappedText(response, limit, undefined, () => new TooLarge());
          const refusedUnread =
            encoding === undefined && Number(response.headers.get('content-length')) > limit;
          // A body within the limit refused all the same was refused on its header alone.
          if (refusedUnread || size > limit) {
            await expect(read).rejects.toBeInstanceOf(TooLarge);
            expect(state.cancelled).toBe(true);
          } else {
            expect(await read).toBe('a'.repeat(size));
          }
        },
      ),
    );
  });

  it("ends with the `ended` promise's rejection when it settles first", async () => {
    const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
    const stop = new Error('deadline');
    const read = readCappedText(new Response(body), 100, Promise.reject(stop), () => new TooLarge());
    await expect(read).rejects.toBe(stop);
  });

  it('ends a read stopped before it began, cancelling the body, with the stop reason', async () => {
    let cancelled: unknown;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"a":1}')),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const read = new BodyRead();
    const stop = new Error('deadline');
    read.stop(stop);
    await expect(readCapped(new Response(body), 100, read, () => new TooLarge())).rejects.toBe(stop);
    expect(cancelled).toBe(stop);
  });

  it('ends a read waiting on a body that never delivers when stopped, with the first stop reason', async () => {
    let cancelled: unknown;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"a":')),
      pull: () => new Promise(() => {}),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const read = new BodyRead();
    const reading = readCapped(new Response(body), 100, read, () => new TooLarge());
    await new Promise((resolve) => setImmediate(resolve));
    const stop = new Error('aborted by the caller');
    read.stop(stop);
    read.stop(new Error('a later timeout'));
    await expect(reading).rejects.toBe(stop);
    expect(cancelled).toBe(stop);
  });

  it('reads the whole body when never stopped, and a later stop changes nothing', async () => {
    const read = new BodyRead();
    const text = await readCapped(new Response('{"stream":{"id":"a"}}'), 100, read, () => new TooLarge());
    expect(text).toBe('{"stream":{"id":"a"}}');
    read.stop(new Error('late'));
    expect(read.stopped).toBeDefined();
  });
});
