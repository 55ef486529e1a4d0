import { describe, expect, it } from 'vitest';
import type { Sleep } from '../runtime.js';
import { createRequestGate } from './request-gate.js';

function virtualTime() {
  let now = 0;
  const sleep: Sleep = async (ms) => {
    now += ms;
  };
  return { clock: () => now, sleep, advance: (ms: number) => (now += ms) };
}

describe('createRequestGate', () => {
  it('spaces requests evenly at requestsPerSecond', async () => {
    const time = virtualTime();
    const gate = createRequestGate({ requestsPerSecond: 4 }, time.clock, time.sleep);
    const starts: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const release = await gate.acquire();
      starts.push(time.clock());
      release();
    }
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });

  it('holds every request after a pause until the vendor said', async () => {
    const time = virtualTime();
    const gate = createRequestGate({}, time.clock, time.sleep);
    gate.pause(3000);
    await gate.acquire();
    expect(time.clock()).toBe(3000);
  });

  it('bounds the requests in flight and hands slots over in order', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 2 },
      () => 0,
      async () => {},
    );
    const order: string[] = [];
    const first = await gate.acquire();
    const second = await gate.acquire();
    const third = gate.acquire().then((release) => {
      order.push('third');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await third)();
    second();
    expect(order).toEqual(['third']);
  });

  it('gives the slot back when a waiting caller aborts', async () => {
    const gate = createRequestGate(
      { maxConcurrency: 1 },
      () => 0,
      async () => {},
    );
    const held = await gate.acquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    held();
    const next = await gate.acquire();
    next();
  });
});
