import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventHub, isEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

const event = (id: string, streamId = 's1', provider = 'liveapi'): LiveStreamEvent => ({
  id,
  type: 'live_stream.connected',
  provider,
  streamId,
  occurredAt: new Date(0),
  broadcasting: true,
  raw: {},
});

async function take(iterable: AsyncIterable<LiveStreamEvent>, count: number): Promise<string[]> {
  const ids: string[] = [];
  if (count === 0) return ids;
  for await (const each of iterable) {
    ids.push(each.id);
    if (ids.length === count) break;
  }
  return ids;
}

describe('createEventHub', () => {
  it('hands every subscriber its own copy, in order, filtered by provider, stream and type', async () => {
    const hub = createEventHub();
    const all = hub.subscribe();
    const one = hub.subscribe({ streamId: 's2' });
    const other = hub.subscribe({ provider: 'videosdk' });
    const deletes = hub.subscribe({ types: ['live_stream.deleted'] });
    expect(hub.publish([event('a'), event('b', 's2'), event('c', 's2', 'videosdk')])).toBe(3);
    hub.publish({ ...event('d'), type: 'live_stream.deleted' });
    expect(await take(all, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(await take(one, 2)).toEqual(['b', 'c']);
    expect(await take(other, 1)).toEqual(['c']);
    expect(await take(deletes, 1)).toEqual(['d']);
  });

  it('drops copies of a delivery already published (same provider and id), whoever subscribes', async () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }), (ids) => {
        const hub = createEventHub();
        const subscription = hub.subscribe();
        let fresh = 0;
        for (const id of ids) fresh += hub.publish(event(id));
        expect(fresh).toBe(new Set(ids).size);
        subscription.close();
      }),
    );
    const hub = createEventHub();
    expect(hub.publish([event('x'), event('x', 's1', 'videosdk')])).toBe(2);
  });

  it('forgets the oldest ids beyond its window', () => {
    const hub = createEventHub({ dedupeWindow: 2 });
    hub.publish([event('a'), event('b'), event('c')]);
    expect(hub.publish(event('a'))).toBe(1);
    expect(hub.publish(event('c'))).toBe(0);
  });

  it('delivers to a subscriber that is already waiting', async () => {
    const hub = createEventHub();
    const next = hub.subscribe()[Symbol.asyncIterator]().next();
    hub.publish(event('late'));
    expect((await next).value?.id).toBe('late');
  });

  it('keeps the newest events of a subscriber that does not keep up', async () => {
    const hub = createEventHub({ bufferSize: 2 });
    const slow = hub.subscribe();
    hub.publish([event('1'), event('2'), event('3')]);
    expect(await take(slow, 2)).toEqual(['2', '3']);
  });

  it('ends a pending iteration on close, and publishes nothing to a closed subscription', async () => {
    const hub = createEventHub();
    const subscription = hub.subscribe();
    const pending = take(subscription, 5);
    hub.publish(event('a'));
    subscription.close();
    expect(await pending).toEqual(['a']);
    hub.publish(event('b'));
    expect(await take(subscription, 1)).toEqual([]);
    const second = hub.subscribe();
    const waiting = take(second, 1);
    hub.close();
    expect(await waiting).toEqual([]);
  });

  it('is recognised by isEventHub, plain iterables are not', () => {
    expect(isEventHub(createEventHub())).toBe(true);
    expect(isEventHub(createEventHub().subscribe())).toBe(false);
    expect(isEventHub({ publish() {}, subscribe() {} })).toBe(false);
  });
});

describe('the newest broadcasting event per stream', () => {
  const at = (second: number) => new Date(Date.parse('2026-11-29T12:00:00Z') + second * 1000);
  const said = (id: string, streamId: string, broadcasting: boolean, second: number): LiveStreamEvent => ({
    id,
    type: broadcasting ? 'live_stream.connected' : 'live_stream.disconnected',
    provider: 'stub',
    streamId,
    broadcasting,
    occurredAt: at(second),
    raw: {},
  });

  it('is kept per stream by occurredAt, for at most dedupeWindow streams, and dropped on delete', () => {
    const hub = createEventHub({ dedupeWindow: 3 });
    hub.publish([said('a2', 'a', false, 2), said('a1', 'a', true, 1)]);
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'a' })?.id).toBe('a2');
    expect(hub.newestBroadcasting?.({ provider: 'other', streamId: 'a' })).toBeUndefined();
    for (const streamId of ['b', 'c', 'd']) hub.publish(said(`${streamId}1`, streamId, true, 3));
    // Three streams remembered at most: the oldest, a, is forgotten.
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'a' })).toBeUndefined();
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'd' })?.broadcasting).toBe(true);
    hub.publish({
      id: 'd-gone',
      type: 'live_stream.deleted',
      provider: 'stub',
      streamId: 'd',
      occurredAt: at(4),
      raw: {},
    });
    expect(hub.newestBroadcasting?.({ provider: 'stub', streamId: 'd' })).toBeUndefined();
  });
});
