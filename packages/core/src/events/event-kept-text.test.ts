import { describe, expect, it } from 'vitest';
import { retainedHeap as retained } from '../../test/retained-heap.js';
import { createEventHub } from './event-hub.js';
import type { LiveStreamEvent } from './live-stream-event.js';

// A short slice of a long text (`big.slice(5, 25)`, 13 characters or more) is, in V8, a view that keeps its
// whole parent alive: what a hub keeps of an event holds text of its own, so 100 events of 20 characters
// hold about 20 characters each, not the megabyte each was cut from. Measured as heap retained after a full
// collection, which no load on the machine changes.

const mebibyte = 1024 * 1024;
const events = 100;

// An event whose every text of 13 characters or more is a slice of one distinct 1 MiB text, which the
// caller drops: its id, a field of `raw`, and in `data` a field (one of 2 000 characters too), a list entry, a Map key and value, a Set
// member and an object key.
const event = (index: number): LiveStreamEvent => {
  const parent = `${index}:`.padEnd(mebibyte, 'x').concat('abcdefghijklmnopqrstuvwxyz');
  const slice = (length: number) => parent.slice(5, 5 + length);
  return {
    id: `e${index}-${slice(30)}`,
    type: 'live_stream.connected',
    provider: 'liveapi',
    streamId: `s${index}`,
    occurredAt: new Date(Date.UTC(2026, 11, 2)),
    broadcasting: true,
    raw: { text: slice(20) },
    data: {
      text: slice(20),
      long: slice(2_000),
      list: [slice(13)],
      map: new Map([[slice(14), slice(15)]]),
      set: new Set([slice(16)]),
      [slice(17)]: 1,
    },
  };
};

describe('text a hub keeps', () => {
  it('holds its own characters, not the long text a slice was cut from: latest and a subscriber that does not read', () => {
    const hub = createEventHub({ retainBytes: mebibyte, bufferBytes: mebibyte });
    const idle = hub.subscribe();
    const before = retained();
    for (let index = 0; index < events; index += 1) hub.publish(event(index));
    const after = retained();
    // Every stream is kept (each event weighs a few KiB), and with it every text of it.
    expect(hub.latest({ provider: 'liveapi', streamId: 's0' })).toHaveLength(1);
    expect(hub.latest({ provider: 'liveapi', streamId: `s${events - 1}` })[0]?.data).toEqual(
      event(events - 1).data,
    );
    // Held: about the bound twice (latest and the idle subscriber's buffer), never the 100 MiB cut from
    // (each text a view of its parent would keep the parent: 1 MiB an event).
    expect(after - before).toBeLessThan(8 * mebibyte);
    idle.close();
    hub.close();
  });
});
