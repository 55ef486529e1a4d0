import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createMemoryBackend } from './memory-backend.js';
import { createMemoryProvider } from './memory-provider.js';

// The collector, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('memory provider retention', () => {
  it('keeps nothing of a finished call: each request and signal the vendor got is collectable', async () => {
    const backend = createMemoryBackend({ token: 'memory-token-0123456789' });
    const held: WeakRef<object>[] = [];
    const provider = createMemoryProvider({
      backend: {
        fetch: ((input: Request, init?: RequestInit) => {
          held.push(new WeakRef(input));
          if (init?.signal) held.push(new WeakRef(init.signal));
          return backend.fetch(input, init);
        }) as typeof fetch,
        injectFault: backend.injectFault,
        clearFaults: backend.clearFaults,
        get counts() {
          return backend.counts;
        },
      },
    });
    const stream = await provider.create({ name: 'kept?' }, {});
    for (let call = 0; call < 200; call += 1) await provider.get(stream.id, {});
    expect(held.length).toBeGreaterThanOrEqual(402);
    // A WeakRef's target lives to the end of the turn that read it: collect in a later turn, twice, so a
    // finalizer's cleanup can run in between.
    for (let round = 0; round < 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
    }
    expect(held.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // The provider still works, with all of it gone.
    expect((await provider.get(stream.id, {})).id).toBe(stream.id);
  });
});
