import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveStreamState } from '../live-stream.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// Vendors date events to the second or the millisecond, and Wowza Video sends a stop's `stop.requested` and
// `stop.complete` with one `event_time`: of several state events at one time, the hub keeps the end of the
// chain of transitions they form (starting → ready → stopping → stopped → starting), whatever order they
// arrive in, and the one published last when they form no single chain (docs/webhooks.md).

const at = new Date('2026-12-06T12:00:00.000Z');
const stateEvent = (id: string, state: LiveStreamState, time = at): LiveStreamEvent => ({
  id,
  type: 'live_stream.state_changed',
  provider: 'wowza-video',
  streamId: 'zq-stream',
  occurredAt: new Date(time),
  state,
  raw: {},
});
const latestState = (hub: ReturnType<typeof createEventHub>) =>
  hub.latest({ provider: 'wowza-video', streamId: 'zq-stream' }).find((event) => event.state)?.state;

const lifecycle: LiveStreamState[] = ['starting', 'ready', 'stopping', 'stopped'];
const states: LiveStreamState[] = [...lifecycle, 'disabled', 'resetting', 'unknown'];

// What the hub must keep, found by walking the lifecycle from each state told: the states form one chain
// when a walk from one of them passes through every other and they are not the whole cycle; its last state
// is kept. Else the state published last.
function expected(published: readonly LiveStreamState[]): LiveStreamState {
  const told = new Set(published);
  const last = published[published.length - 1] as LiveStreamState;
  if ([...told].some((state) => !lifecycle.includes(state)) || told.size === lifecycle.length) return last;
  for (const start of told) {
    const walked = [start];
    let at = lifecycle.indexOf(start);
    for (;;) {
      const next = lifecycle[(at + 1) % lifecycle.length] as LiveStreamState;
      if (!told.has(next) || walked.includes(next)) break;
      walked.push(next);
      at = lifecycle.indexOf(next);
    }
    if (walked.length === told.size) return walked[walked.length - 1] as LiveStreamState;
  }
  return last;
}

describe('an event hub given several state events at one time', () => {
  it('keeps the end of the chain they form, in any order of arrival, one batch or several (generated)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...states), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (published, together) => {
          const hub = createEventHub();
          const events = published.map((state, index) => stateEvent(`zq-${index}`, state));
          if (together) hub.publish(events);
          else for (const event of events) hub.publish(event);
          // The state told last of each kind is what counts for that kind: a duplicate moves it last.
          const order = published.filter((state, index) => published.lastIndexOf(state) === index);
          expect(latestState(hub)).toBe(expected(order));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same state for every order of ready, stopping and stopped, and of a transition with its end', () => {
    const orders = (list: LiveStreamState[]): LiveStreamState[][] =>
      list.length <= 1
        ? [list]
        : list.flatMap((first, index) =>
            orders([...list.slice(0, index), ...list.slice(index + 1)]).map((rest) => [first, ...rest]),
          );
    for (const [told, kept] of [
      [['ready', 'stopping', 'stopped'], 'stopped'],
      [['starting', 'ready'], 'ready'],
      [['stopping', 'stopped'], 'stopped'],
      [['stopped', 'starting', 'ready'], 'ready'],
    ] as [LiveStreamState[], LiveStreamState][]) {
      for (const order of orders(told)) {
        const hub = createEventHub();
        for (const [index, state] of order.entries()) hub.publish(stateEvent(`zq-${index}`, state));
        expect([order, latestState(hub)]).toEqual([order, kept]);
      }
    }
  });

  it('keeps a newer time over every state told at an older one, and forgets them all on a deletion', () => {
    const hub = createEventHub();
    hub.publish([stateEvent('zq-1', 'stopping'), stateEvent('zq-2', 'stopped')]);
    hub.publish(stateEvent('zq-3', 'starting', new Date(at.getTime() + 1)));
    expect(latestState(hub)).toBe('starting');
    // An older pair arriving late changes nothing.
    hub.publish([stateEvent('zq-4', 'ready'), stateEvent('zq-5', 'stopping')]);
    expect(latestState(hub)).toBe('starting');
    hub.publish({
      id: 'zq-6',
      type: 'live_stream.deleted',
      provider: 'wowza-video',
      streamId: 'zq-stream',
      occurredAt: new Date(at.getTime() + 1),
      raw: {},
    });
    expect(latestState(hub)).toBeUndefined();
    hub.publish(stateEvent('zq-7', 'stopped', new Date(at.getTime() + 1)));
    expect(latestState(hub)).toBeUndefined();
  });
});

describe('several state events at one time near the byte bound', () => {
  it('keep the state decided from them rather than forget the stream, when together they pass retainBytes', () => {
    // Each event some 12 kB as the hub weighs it (6,000 characters of data): one fits 16 kB, two do not.
    const heavy = (id: string, state: LiveStreamState): LiveStreamEvent => ({
      ...stateEvent(id, state),
      data: { note: 'x'.repeat(6_000) },
    });
    for (const order of [
      ['ready', 'stopping', 'stopped'],
      ['stopped', 'stopping', 'ready'],
    ] as LiveStreamState[][]) {
      const hub = createEventHub({ retainBytes: 16_000 });
      const seen: (LiveStreamState | undefined)[] = [];
      for (const [index, state] of order.entries()) {
        hub.publish(heavy(`zq-${index}`, state));
        seen.push(latestState(hub));
      }
      // Never forgotten; and each answer is one the states told so far could give.
      expect(seen[0]).toBe(order[0]);
      expect(seen.every((state) => state !== undefined)).toBe(true);
    }
  });
});
