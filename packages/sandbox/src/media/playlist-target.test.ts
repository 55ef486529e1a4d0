import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withTargetOfOneSecondAtLeast } from './playlist-target.js';

// A playlist as ffmpeg writes it: its target the longest segment rounded to the nearest second.
const playlist = fc
  .record({
    sequence: fc.nat({ max: 1_000 }),
    durations: fc.array(fc.integer({ min: 1, max: 12_000 }), { minLength: 1, maxLength: 6 }),
    newline: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ sequence, durations, newline }) => {
    const seconds = durations.map((ms) => ms / 1000);
    const target = Math.round(Math.max(...seconds));
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${target}`,
      `#EXT-X-MEDIA-SEQUENCE:${sequence}`,
      ...seconds.flatMap((duration, index) => [
        `#EXTINF:${duration.toFixed(6)},`,
        `segment${sequence + index}.ts`,
      ]),
      '',
    ].join(newline);
    return { text, target, seconds, newline };
  });

describe('the target duration a served playlist names', () => {
  it('is at least one second, still holds every segment, and nothing else changes (generated)', () => {
    fc.assert(
      fc.property(playlist, ({ text, target, seconds, newline }) => {
        const served = withTargetOfOneSecondAtLeast(text);
        const named = Number(/^#EXT-X-TARGETDURATION:(\d+)\r?$/m.exec(served)?.[1]);
        expect(named).toBe(Math.max(target, 1));
        // RFC 8216 §4.3.3.1: every segment, rounded, within the target.
        for (const duration of seconds) expect(Math.round(duration)).toBeLessThanOrEqual(named);
        expect(served.replace(/^#EXT-X-TARGETDURATION:\d+/m, '')).toBe(
          text.replace(/^#EXT-X-TARGETDURATION:\d+/m, ''),
        );
        expect(served.split(newline)).toHaveLength(text.split(newline).length);
        expect(withTargetOfOneSecondAtLeast(served)).toBe(served);
      }),
      {
        examples: [
          [
            {
              text: '#EXTM3U\n#EXT-X-TARGETDURATION:0\n#EXTINF:0.1,\nsegment0.ts\n',
              target: 0,
              seconds: [0.1],
              newline: '\n',
            },
          ],
        ],
      },
    );
  });

  it('leaves every other target as written (10, 2, 01), and reads 00 as the 0 it is', () => {
    for (const line of ['#EXT-X-TARGETDURATION:10', '#EXT-X-TARGETDURATION:01', '#EXT-X-TARGETDURATION:2']) {
      expect(withTargetOfOneSecondAtLeast(`#EXTM3U\n${line}\n`)).toBe(`#EXTM3U\n${line}\n`);
    }
    expect(withTargetOfOneSecondAtLeast('#EXTM3U\n#EXT-X-TARGETDURATION:00\n')).toBe(
      '#EXTM3U\n#EXT-X-TARGETDURATION:1\n',
    );
  });
});
