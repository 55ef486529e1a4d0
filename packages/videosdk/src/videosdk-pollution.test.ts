import { type LiveStreamProvider, UniliveError, UnsupportedOperationError } from '@unilive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { videosdk } from './index.js';

// A polluted Object.prototype (what a vulnerable deep merge of `{"__proto__": …}` leaves) makes every call
// of the provider fail typed, sending nothing, whatever the name: the listener options, fetch init and
// request descriptions the adapter builds read nothing through the prototype chain on the way there.

const token = 'header.payload.signature';

/** Every public operation, each given a live signal (so every listener the adapter adds is added). */
const operations: Record<string, (provider: LiveStreamProvider, signal: AbortSignal) => Promise<unknown>> = {
  create: (provider, signal) => provider.create({ name: 'x' }, { signal }),
  get: (provider, signal) => provider.get('abcd-efgh-ijkl', { signal }),
  list: async (provider, signal) => {
    for await (const _ of provider.list({ signal })) break;
  },
  update: (provider, signal) => provider.update('abcd-efgh-ijkl', { name: 'y' }, { signal }),
  delete: (provider, signal) => provider.delete('abcd-efgh-ijkl', { signal }),
  start: (provider, signal) => provider.start('abcd-efgh-ijkl', { signal }),
  stop: (provider, signal) => provider.stop('abcd-efgh-ijkl', { signal }),
  getStatus: (provider, signal) =>
    provider.getStatus ? provider.getStatus('abcd-efgh-ijkl', { signal }) : Promise.reject(new Error('none')),
  getBroadcasting: (provider, signal) =>
    provider.getBroadcasting
      ? provider.getBroadcasting('abcd-efgh-ijkl', { signal })
      : Promise.reject(new Error('none')),
};

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe.each(['v1', 'v2'] as const)('videosdk %s with a polluted Object.prototype', (apiVersion) => {
  it('fails every operation typed, naming the property, and sends nothing', async () => {
    const standard = Object.getOwnPropertyNames(Object.prototype);
    let sent = 0;
    const provider = videosdk({
      token,
      apiVersion,
      retry: { maxRetries: 0 },
      fetch: (async () => {
        sent += 1;
        return new Response('{}');
      }) as typeof fetch,
    });
    const present = Object.keys(operations).filter(
      (name) => typeof (provider as unknown as Record<string, unknown>)[name] === 'function',
    );
    // The listener options Node reads (`signal`, `once`, `capture`, `passive`), fetch's init, and any name.
    const key = fc.oneof(
      fc.constantFrom('signal', 'once', 'capture', 'passive', 'method', 'body', 'headers', 'redirect'),
      fc.stringMatching(/^[a-zA-Z_$][\w$]{0,12}$/).filter((name) => !(name in Object.prototype)),
    );
    await fc.assert(
      fc.asyncProperty(
        key,
        fc.jsonValue({ maxDepth: 1 }),
        fc.constantFrom(...present),
        async (name, value, op) => {
          const controller = new AbortController();
          const run = operations[op] as (typeof operations)['get'];
          Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
          let error: unknown;
          try {
            error = await failure(() => run(provider, controller.signal));
          } finally {
            delete (Object.prototype as Record<string, unknown>)[name];
          }
          expect(UniliveError.isInstance(error), `${op}: ${String(error)}`).toBe(true);
          expect(sent).toBe(0);
          // v1 has no stop: refused as such before anything else, whatever the prototype holds.
          if (apiVersion === 'v1' && op === 'stop') {
            expect(UnsupportedOperationError.isInstance(error)).toBe(true);
            return;
          }
          expect((error as UniliveError).delivery).toBe('not-sent');
          expect((error as UniliveError).message).toContain(
            `Object.prototype carries ${JSON.stringify(name)}`,
          );
        },
      ),
      { numRuns: 150 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(standard);
  });
});
