import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RestreamTarget } from './live-stream.js';
import { isEmptyRestreamPlan, planRestream } from './restream.js';

const youtube = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt' };
const twitch = { url: 'rtmp://live.twitch.tv/app', streamKey: 'tw' };

describe('planRestream', () => {
  it('adds what is missing once, with its place in the list, and lists what would be removed', () => {
    expect(planRestream([youtube], [youtube, twitch, twitch])).toEqual({
      add: [{ index: 1, target: twitch }],
      remove: [],
      switchedOff: [],
    });
    expect(planRestream([youtube, twitch], [twitch])).toEqual({
      add: [],
      remove: [youtube],
      switchedOff: [],
    });
  });

  it('matches on url and key together', () => {
    const rotated = { ...youtube, streamKey: 'yt-2' };
    expect(planRestream([youtube], [rotated])).toEqual({
      add: [{ index: 0, target: rotated }],
      remove: [youtube],
      switchedOff: [],
    });
  });

  it('names the wanted targets the stream has switched off', () => {
    expect(
      planRestream(
        [
          { ...youtube, id: 'p1', enabled: false },
          { ...twitch, enabled: true },
        ],
        [twitch, youtube],
      ),
    ).toEqual({ add: [], remove: [], switchedOff: [1] });
  });

  it('is empty exactly when the stream already has the targets wanted, [] for a stream without any', () => {
    const target = fc.record({
      url: fc.constantFrom('rtmp://a.test/live', 'rtmps://b.test/app', 'rtmp://c.test/x'),
      streamKey: fc.constantFrom('k1', 'k2', 'k3'),
    });
    fc.assert(
      fc.property(
        fc.array(target, { maxLength: 5 }),
        fc.array(target, { maxLength: 5 }),
        (current, wanted) => {
          const plan = planRestream(current as RestreamTarget[], wanted);
          const keys = (list: readonly { url: string; streamKey: string }[]) =>
            new Set(list.map((item) => `${item.url} ${item.streamKey}`));
          const same =
            [...keys(current)].every((key) => keys(wanted).has(key)) &&
            [...keys(wanted)].every((key) => keys(current).has(key));
          expect(isEmptyRestreamPlan(plan)).toBe(same);
          // Carrying the plan out leaves exactly the wanted set.
          const after = new Set([
            ...[...keys(current)].filter((key) => !keys(plan.remove).has(key)),
            ...keys(plan.add.map((entry) => entry.target)),
          ]);
          expect(after).toEqual(keys(wanted));
          for (const entry of plan.add) expect(wanted[entry.index]).toEqual(entry.target);
        },
      ),
    );
    expect(isEmptyRestreamPlan(planRestream([], []))).toBe(true);
  });
});
