import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ListedSegment,
  listedSegments,
  type SegmentRemoval,
  SegmentRetention,
} from './hls-retention.js';

// A live playlist's history: segments of any length (a publish's last one short), a window of `size`
// sliding over them, read at increasing times, a reading now and then missed (two changes seen as one),
// and at the end, maybe, a new playlist written over it (every segment leaves at once).
const histories = fc
  .record({
    durations: fc.array(fc.double({ min: 0.05, max: 12, noNaN: true }), { minLength: 1, maxLength: 30 }),
    size: fc.integer({ min: 1, max: 8 }),
    gaps: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 40, maxLength: 40 }),
    missed: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
    replaced: fc.boolean(),
  })
  .map(({ durations, size, gaps, missed, replaced }) => {
    const segments = durations.map((seconds, n) => ({ uri: `segment${n}.ts`, seconds }));
    const versions: ListedSegment[][] = [];
    for (let end = 1; end <= segments.length; end += 1)
      versions.push(segments.slice(Math.max(0, end - size), end));
    if (replaced) versions.push([{ uri: `segment${segments.length}.ts`, seconds: 1 }]);
    let at = 1_000_000;
    const readings = versions
      .map((segmentsNow, index) => {
        at += gaps[index % gaps.length] ?? 0;
        return { segments: segmentsNow, at, missed: (missed[index % missed.length] ?? false) && index > 0 };
      })
      // The last version is always read.
      .filter((reading, index, all) => !reading.missed || index === all.length - 1);
    return readings;
  });

const playlistOf = (segments: readonly ListedSegment[]) =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:12',
    '#EXT-X-MEDIA-SEQUENCE:0',
    ...segments.flatMap((segment) => [`#EXTINF:${segment.seconds},`, segment.uri]),
    '',
  ].join('\n');

describe('SegmentRetention', () => {
  it('lets a segment go only its own duration plus the longest playlist that listed it after it left (RFC 8216 §6.2.2)', () => {
    fc.assert(
      fc.property(histories, (readings) => {
        const retention = new SegmentRetention();
        const removals: (SegmentRemoval & { seenAt: number })[] = [];
        for (const reading of readings) {
          const text = playlistOf(reading.segments);
          const parsed = listedSegments(text);
          expect(parsed.map((segment) => segment.uri)).toEqual(
            reading.segments.map((segment) => segment.uri),
          );
          for (const removal of retention.observe(parsed, reading.at)) {
            // Never a segment the playlist read now still lists.
            expect(reading.segments.some((segment) => segment.uri === removal.uri)).toBe(false);
            removals.push({ ...removal, seenAt: reading.at });
          }
        }
        // Each segment that left some reading and is not listed in the last goes once, not before the first
        // reading without it plus its own duration plus the longest reading that listed it.
        const last = readings.at(-1)?.segments ?? [];
        const everListed = new Map<string, { seconds: number; longest: number; lastIndex: number }>();
        readings.forEach((reading, index) => {
          const total = reading.segments.reduce((sum, segment) => sum + segment.seconds, 0);
          for (const segment of reading.segments) {
            const known = everListed.get(segment.uri);
            everListed.set(segment.uri, {
              seconds: segment.seconds,
              longest: Math.max(total, known?.longest ?? 0),
              lastIndex: index,
            });
          }
        });
        const expected = [...everListed]
          .filter(([uri]) => !last.some((segment) => segment.uri === uri))
          .map(([uri, known]) => {
            const leftAt = readings[known.lastIndex + 1]?.at ?? Number.NaN;
            return {
              uri,
              deleteAtMs: Math.ceil(leftAt + (known.seconds + known.longest) * 1_000),
              seenAt: leftAt,
            };
          });
        const byUri = (a: { uri: string }, b: { uri: string }) => a.uri.localeCompare(b.uri);
        expect([...removals].sort(byUri)).toEqual(expected.sort(byUri));
        for (const removal of removals) {
          const known = everListed.get(removal.uri);
          // Summed in another order, the same seconds may differ in their last bit: a nanosecond's leeway.
          expect(removal.deleteAtMs - removal.seenAt).toBeGreaterThanOrEqual(
            ((known?.seconds ?? 0) + (known?.longest ?? 0)) * 1_000 - 1e-6,
          );
        }
      }),
      {
        numRuns: 300,
        examples: [
          // One-second segments, six listed, a publish's short last one, a new playlist over it: the case
          // where counting seven segments let the first listed go a second early.
          [
            Array.from({ length: 10 }, (_, n) => ({
              segments: Array.from({ length: Math.min(6, n + 1) }, (_, k) => ({
                uri: `segment${Math.max(0, n - 5) + k}.ts`,
                seconds: n === 9 && k === Math.min(6, n + 1) - 1 ? 0.2 : 1,
              })),
              at: 1_000 * n,
              missed: false,
            })).concat([{ segments: [{ uri: 'segment10.ts', seconds: 1 }], at: 10_000, missed: false }]),
          ],
        ],
      },
    );
  });

  it('reads each segment and its #EXTINF duration from a playlist, tags and blank lines aside', () => {
    const text =
      '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:3\n#EXTINF:1.500000,\nsegment3.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\r\nsegment4.ts\r\n\nsegment5.ts\n#EXT-X-ENDLIST\n';
    expect(listedSegments(text)).toEqual([
      { uri: 'segment3.ts', seconds: 1.5 },
      { uri: 'segment4.ts', seconds: 2 },
      { uri: 'segment5.ts', seconds: 0 },
    ]);
  });
});
