import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbortError, TimeoutError } from './errors/errors.js';
import { CallDeadline } from './options.js';
import { streamChanges } from './stream-changes.js';

// A deferred outcome the test settles when it chooses.
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
const turns = async (count = 5) => {
  for (let index = 0; index < count; index += 1) await Promise.resolve();
};

describe('streamChanges', () => {
  it('runs the changes of one stream one after another, in the order made, whatever each ends in (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ stream: fc.constantFrom('a', 'b', 'c'), fails: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        async (calls, settleOrder) => {
          const changes = streamChanges('test');
          const started: number[] = [];
          const running = new Map<string, number>();
          const gates = calls.map(() => deferred<void>());
          const outcomes = calls.map(({ stream, fails }, index) =>
            changes(stream, 'update', undefined, async () => {
              // Never two changes of one stream at once.
              expect(running.get(stream) ?? 0).toBe(0);
              running.set(stream, 1);
              started.push(index);
              await (gates[index] as { promise: Promise<void> }).promise;
              running.set(stream, 0);
              if (fails) throw new Error(`change ${index} failed`);
              return index;
            }).then(
              (value) => ({ value }),
              (error: unknown) => ({ error: (error as Error).message }),
            ),
          );
          // Settled in an order of the generator's choosing, among those that have started.
          const order = calls
            .map((_, index) => index)
            .sort((x, y) => (settleOrder[x] ?? 0) - (settleOrder[y] ?? 0));
          for (let round = 0; round < calls.length; round += 1) {
            await turns();
            const next = order.find((index) => started.includes(index));
            if (next === undefined) break;
            order.splice(order.indexOf(next), 1);
            gates[next]?.resolve();
          }
          for (const gate of gates) gate.resolve();
          const settledOutcomes = await Promise.all(outcomes);
          for (const stream of ['a', 'b', 'c']) {
            const made = calls.flatMap((call, index) => (call.stream === stream ? [index] : []));
            expect(started.filter((index) => made.includes(index))).toEqual(made);
          }
          settledOutcomes.forEach((outcome, index) => {
            expect(outcome).toEqual(
              calls[index]?.fails ? { error: `change ${index} failed` } : { value: index },
            );
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('runs changes of different streams at once', async () => {
    const changes = streamChanges('test');
    const gate = deferred<void>();
    const started: string[] = [];
    const first = changes('a', 'update', undefined, async () => {
      started.push('a');
      await gate.promise;
    });
    const second = changes('b', 'update', undefined, async () => {
      started.push('b');
    });
    await second;
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await first;
  });

  it('ends a waiting change whose signal fires, or whose deadline passes, without running it: not sent', async () => {
    const changes = streamChanges('test');
    const gate = deferred<void>();
    const order: string[] = [];
    const first = changes('a', 'update', undefined, async () => {
      order.push('first');
      await gate.promise;
    });
    const controller = new AbortController();
    const second = changes('a', 'update', { signal: controller.signal }, async () => {
      order.push('second');
    });
    await turns();
    controller.abort(new Error('gave up'));
    const aborted = await second.catch((error: unknown) => error);
    expect(AbortError.isInstance(aborted)).toBe(true);
    expect(aborted).toMatchObject({ provider: 'test', operation: 'update', delivery: 'not-sent' });
    expect(String((aborted as AbortError).cause)).toContain('gave up');
    // A change whose deadline passes while it waits (its clock, the runtime's) ends as a request the
    // deadline ended before it was sent, without running.
    let now = 1_000;
    const clock = () => now;
    const timed = changes('a', 'update', new CallDeadline(1_500, { runtime: { clock } }, 500), async () => {
      order.push('timed');
    });
    now = 2_000;
    gate.resolve();
    await first;
    const timeout = await timed.catch((error: unknown) => error);
    expect(TimeoutError.isInstance(timeout)).toBe(true);
    expect(timeout).toMatchObject({
      provider: 'test',
      operation: 'update',
      delivery: 'not-sent',
      message:
        "test update: the call's time limit (totalTimeoutMs 500 ms) ran out before the request could be sent; not sent",
    });
    expect(order).toEqual(['first']);
  });

  it('ends a waiting change at its deadline, not when the change ahead settles', async () => {
    const changes = streamChanges('test');
    const ahead = deferred<void>();
    const first = changes('a', 'update', undefined, () => ahead.promise);
    // A deadline 20 ms away by the system clock; the change ahead never settles until the end.
    const timed = changes('a', 'update', new CallDeadline(Date.now() + 20, {}, 20), async () => 'ran');
    const outcome = await timed.catch((error: unknown) => error);
    expect(TimeoutError.isInstance(outcome)).toBe(true);
    expect((outcome as TimeoutError).delivery).toBe('not-sent');
    ahead.resolve();
    await first;
  });

  it("ends a waiting change at a runtime deadline given to it (a wait's), named as one", async () => {
    const changes = streamChanges('test');
    const ahead = deferred<void>();
    const first = changes('a', 'update', undefined, () => ahead.promise);
    const timed = changes('a', 'update', { runtime: { deadline: Date.now() + 20 } }, async () => 'ran');
    const outcome = await timed.catch((error: unknown) => error);
    expect(TimeoutError.isInstance(outcome)).toBe(true);
    expect((outcome as TimeoutError).message).toBe(
      "test update: the wait's time limit ran out before the request could be sent; not sent",
    );
    ahead.resolve();
    await first;
  });

  it('gives a run that throws, or returns no promise, as a promise, at the head of the queue or behind', async () => {
    const changes = streamChanges('test');
    const thrown = new Error('broke');
    for (const ahead of [false, true]) {
      const gate = deferred<void>();
      const head = ahead ? changes('b', 'update', undefined, () => gate.promise) : undefined;
      const failing = changes('b', 'update', undefined, () => {
        throw thrown;
      });
      const plain = changes('b', 'update', undefined, (() => 'plain') as unknown as () => Promise<string>);
      gate.resolve();
      await head;
      await expect(failing).rejects.toBe(thrown);
      await expect(plain).resolves.toBe('plain');
    }
  });

  it('holds the changes behind one given up while it waited until those ahead of it settle, and never runs that one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 8 }), fc.nat(), async (count, pick) => {
        const changes = streamChanges('test');
        const aborted = 1 + (pick % (count - 2)); // neither the first nor the last
        const gates = Array.from({ length: count }, () => deferred<void>());
        const controller = new AbortController();
        const running = new Set<number>();
        const overlaps: string[] = [];
        const started: number[] = [];
        const outcomes = gates.map((gate, index) =>
          changes('a', 'update', index === aborted ? { signal: controller.signal } : undefined, async () => {
            started.push(index);
            for (const other of running) overlaps.push(`${other} and ${index}`);
            running.add(index);
            await gate.promise;
            running.delete(index);
          }).catch(() => undefined),
        );
        await turns();
        controller.abort();
        await turns(20);
        // Only the first has started: the one given up never runs, and those behind it wait.
        expect(started).toEqual([0]);
        for (const gate of gates) {
          gate.resolve();
          await turns(20);
        }
        await Promise.all(outcomes);
        expect(overlaps).toEqual([]);
        expect(started).toEqual(gates.map((_, index) => index).filter((index) => index !== aborted));
      }),
      { numRuns: 100 },
    );
  });

  it('leaves no listener on a signal that did not fire, and holds nothing once a stream is settled', async () => {
    const changes = streamChanges('test');
    const controller = new AbortController();
    const gate = deferred<void>();
    const first = changes('a', 'update', undefined, () => gate.promise);
    const second = changes('a', 'update', { signal: controller.signal }, async () => 'done');
    await turns();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    gate.resolve();
    await first;
    expect(await second).toBe('done');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A later change of the stream runs at once: nothing ahead of it is remembered.
    await turns();
    let ran = false;
    const later = changes('a', 'update', undefined, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    await later;
  });
});
