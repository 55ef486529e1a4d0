// The baselines unilive is compared with do what unilive's own HTTP layer asks of ky, no more and no less:
// a baseline that followed redirects, retried, or sent a `get`'s two requests one after the other would
// make unilive look better or worse than it is.
import { describe, expect, it } from 'vitest';
import { bareKy, readAll } from './record.js';

// A stand-in fetch answering each request with `status`, counting what it was asked.
function answering(status: number, headers: Record<string, string> = {}) {
  const seen: string[] = [];
  const transport: typeof fetch = async (input) => {
    seen.push(input instanceof Request ? `${input.method} ${input.url} ${input.redirect}` : String(input));
    return new Response(status === 204 || (status >= 300 && status < 400) ? null : '{}', { status, headers });
  };
  return { seen, transport };
}

describe('bare ky, the baseline', () => {
  it('is configured as core configures ky: one attempt, redirects not followed, HTTP errors answered', async () => {
    for (const status of [500, 503, 429, 408, 404]) {
      const { seen, transport } = answering(status, { 'retry-after': '0' });
      const response = await bareKy(transport)('http://127.0.0.1:1/streams/a');
      expect(response.status).toBe(status);
      expect(seen).toEqual(['GET http://127.0.0.1:1/streams/a manual']);
    }
    const { seen, transport } = answering(302, { location: 'http://127.0.0.1:1/elsewhere' });
    const response = await bareKy(transport)('http://127.0.0.1:1/streams/a');
    expect(response.status).toBe(302);
    expect(seen).toEqual(['GET http://127.0.0.1:1/streams/a manual']);
  });
});

describe('readAll', () => {
  it("sends every request of a get at once and gives the first one's body", async () => {
    const started: string[] = [];
    const release: Array<(value: string) => void> = [];
    const reading = readAll(['room', 'egress'], (name) => {
      started.push(name);
      return new Promise<string>((resolve) => release.push(() => resolve(name)));
    });
    // Both were sent before either answered.
    expect(started).toEqual(['room', 'egress']);
    for (const answer of [...release].reverse()) answer('');
    await expect(reading).resolves.toBe('room');
  });

  it('sends a single request as it is', async () => {
    await expect(readAll(['room'], async (name) => name)).resolves.toBe('room');
  });
});
