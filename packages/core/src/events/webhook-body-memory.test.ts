import { describe, expect, it } from 'vitest';
import { retainedHeap as retained } from '../../test/retained-heap.js';
import type { LiveStreamEvent } from './live-stream-event.js';
import { createWebhookHandler } from './webhook-handler.js';

// What a handler holds while a body arrives in many small chunks (a sender writing a byte a TCP segment):
// the body's bytes, not an object a chunk. Measured as heap retained after a full collection, which no
// load on the machine changes.

const events: LiveStreamEvent[] = [
  {
    id: 'e1',
    type: 'live_stream.connected',
    provider: 'test',
    streamId: 's1',
    occurredAt: new Date(Date.UTC(2026, 11, 2)),
    raw: {},
  },
];

describe('a body that arrives a byte at a time', () => {
  it('costs the handler about its bytes while it arrives, not an object for every chunk', async () => {
    const chunks = 60_000;
    let sent = 0;
    let pause: (() => void) | undefined;
    const paused = new Map<number, Promise<void>>();
    const reached = new Map<number, () => void>();
    for (const at of [5_000, chunks])
      paused.set(at, new Promise<void>((resolve) => reached.set(at, resolve)));
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          // At each mark the source stops until the test has measured: the handler waits for the next chunk.
          if (paused.has(sent)) {
            await new Promise<void>((resume) => {
              pause = resume;
              reached.get(sent)?.();
            });
            pause = undefined;
          }
          if (sent === chunks) {
            controller.close();
            return;
          }
          sent += 1;
          controller.enqueue(Uint8Array.of(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    const handler = createWebhookHandler({ parse: async () => events, bodyIdleTimeoutMs: 600_000 });
    const answer = handler.handleWebhook(
      new Request('https://app.example/w', { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    await paused.get(5_000);
    const early = retained();
    (pause as (() => void) | undefined)?.();
    await paused.get(chunks);
    const late = retained();
    (pause as (() => void) | undefined)?.();
    expect((await answer).status).toBe(200);
    // 55 000 chunks later: the body buffer grew by about 55 KB (to 64 KiB); a kilobyte a chunk would be 55 MB.
    expect(late - early).toBeLessThan(5 * 1024 * 1024);
  });
});
