import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RestreamTarget } from './live-stream.js';
import {
  caseFreeSchemeAndHost,
  isEmptyRestreamPlan,
  keptRestreamTargetsWarning,
  planRestream,
  repeatedRestreamTargets,
} from './restream.js';

const youtube = { url: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'yt' };
const twitch = { url: 'rtmp://live.twitch.tv/app', streamKey: 'tw' };

describe('planRestream', () => {
  it('adds what is missing once, with its place in the list, and lists what would be removed', () => {
    expect(planRestream([youtube], [youtube, twitch, twitch])).toEqual({
      add: [{ index: 1, target: twitch }],
      remove: [],
      switchedOff: [],
      kept: [],
    });
    expect(planRestream([youtube, twitch], [twitch])).toEqual({
      add: [],
      remove: [youtube],
      switchedOff: [],
      kept: [],
    });
  });

  it('matches on url and key together', () => {
    const rotated = { ...youtube, streamKey: 'yt-2' };
    expect(planRestream([youtube], [rotated])).toEqual({
      add: [{ index: 0, target: rotated }],
      remove: [youtube],
      switchedOff: [],
      kept: [],
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
    ).toEqual({ add: [], remove: [], switchedOff: [1], kept: [] });
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

describe('planRestream: targets the stream has that no input can name', () => {
  // Added on the vendor's dashboard or by another tool: another scheme, or a key an input refuses.
  const unnameable = fc.oneof(
    fc.record({
      url: fc.constantFrom('srt://ingest.example:9000', 'http://a.test/live', 'rtmp://', 'rtmp://a b.test/x'),
      streamKey: fc.constantFrom('zqk1', 'zqk2'),
    }),
    fc.record({
      url: fc.constantFrom('rtmp://a.test/live', 'rtmps://b.test/app'),
      streamKey: fc.constantFrom('', 'zq key', 'z'.repeat(1025), 'zq\u0000k', '\ud800zq'),
    }),
  );
  const nameable = fc.record({
    url: fc.constantFrom('rtmp://a.test/live', 'rtmps://b.test/app'),
    streamKey: fc.constantFrom('k1', 'k2', 'k3'),
  });

  it('keeps them, never removes them, and removes only the nameable targets left out (generated)', () => {
    fc.assert(
      fc.property(
        fc.array(nameable, { maxLength: 4 }),
        fc.array(unnameable, { minLength: 1, maxLength: 3 }),
        fc.array(nameable, { maxLength: 4 }),
        (named, odd, wanted) => {
          const current = [...named, ...odd] as RestreamTarget[];
          const plan = planRestream(current, wanted);
          const key = (item: { url: string; streamKey: string }) => `${item.url} ${item.streamKey}`;
          const wantedKeys = new Set(wanted.map(key));
          expect(plan.kept.map(key)).toEqual(odd.map(key));
          expect(plan.remove.map(key)).toEqual(named.filter((item) => !wantedKeys.has(key(item))).map(key));
          // The list as the stream has it, the odd ones left out, changes nothing.
          expect(isEmptyRestreamPlan(planRestream(current, named))).toBe(true);
        },
      ),
    );
  });

  it('warns about them by count, naming no url or key', () => {
    expect(keptRestreamTargetsWarning([])).toEqual([]);
    const [one] = keptRestreamTargetsWarning([{ url: 'srt://zq.example:9000', streamKey: 'zqsecret' }]);
    expect(one).toEqual({
      type: 'unsupported-setting',
      setting: 'restream',
      message:
        "a restream target the stream has could not be named in the list (a URL that is no rtmp:// or rtmps:// one, or a stream key an input refuses: added on the vendor's dashboard or by another tool), so it was kept as it is; remove it on the vendor's side if it is not wanted",
    });
    const [two] = keptRestreamTargetsWarning([
      { url: 'srt://zq.example:9000', streamKey: 'zqsecret' },
      { url: 'http://zq.example/x', streamKey: 'zqother' },
    ]);
    expect(two?.message).toMatch(
      /^2 restream targets the stream has .* so they were kept as they are; remove them/,
    );
    expect(JSON.stringify([one, two])).not.toMatch(/zq/);
  });
});

describe("a target's URL in any case of its scheme and host", () => {
  it('names the same destination: matched by the plan, repeated in a list; its user information, path and key as given', () => {
    const target = { url: 'rtmp://live.example.com/app', streamKey: 'zq-key' };
    const shouted = { url: 'RTMP://LIVE.Example.COM/app', streamKey: 'zq-key' };
    expect(isEmptyRestreamPlan(planRestream([shouted], [target]))).toBe(true);
    expect(repeatedRestreamTargets([target, shouted])).toEqual([{ index: 1, first: 0 }]);
    for (const other of [
      { url: 'rtmp://live.example.com/APP', streamKey: 'zq-key' },
      { url: 'rtmp://live.example.com/app', streamKey: 'ZQ-KEY' },
      { url: 'rtmp://User:Pw@live.example.com/app', streamKey: 'zq-key' },
    ])
      expect(repeatedRestreamTargets([target, other])).toEqual([]);
    expect(caseFreeSchemeAndHost('RTMP://User:PwX@Live.Example.com:1935/App?K=V#F')).toBe(
      'rtmp://User:PwX@live.example.com:1935/App?K=V#F',
    );
    expect(caseFreeSchemeAndHost('no scheme at all')).toBe('no scheme at all');
  });
});
