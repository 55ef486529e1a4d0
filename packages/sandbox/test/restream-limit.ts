import fc from 'fast-check';
import { expect } from 'vitest';
import { undocumentedPlatformLimits, undocumentedRestreamTargetLimit } from '../src/dialects/names.js';

/** How a dialect is asked to keep restream targets, and what it answers and keeps. */
export interface RestreamLimitCase {
  /** What the dialect calls the list in its messages (`restream`, `outputs`). */
  field: string;
  /** Sends `targets` where the dialect keeps them (a create, an RTMP-out start). */
  send(targets: { url: string; streamKey: string }[]): Promise<{ status: number; body?: unknown }>;
  /** Whether an answer is the dialect's acceptance. */
  accepted(answer: { status: number; body?: unknown }): boolean;
  /** The whole answer to targets refused with `message`. */
  refusal(message: string): { status: number; body: unknown };
  /** Every target the dialect keeps so far, as a later read answers them. */
  kept(): Promise<unknown[]>;
}

const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');

/**
 * Holds a dialect to the sandbox's own bounds on restream targets: at most 100, a `url` of at most 8,192
 * characters and a `streamKey` of at most 4,096 (UTF-16 code units), no lone surrogate in either. Targets
 * within them are answered and kept as sent; any other list gets the refusal naming the first bound it
 * passes, and nothing of it is kept.
 */
export async function holdsRestreamLimits(dialect: RestreamLimitCase): Promise<void> {
  const { key: keyLimit, server: urlLimit } = undocumentedPlatformLimits;
  const { field } = dialect;
  const base = 'rtmp://a.example.com/live';
  type Given = { targets: { url: string; streamKey: string }[]; refused?: string };
  const counted = fc.integer({ min: 1, max: undocumentedRestreamTargetLimit + 30 }).map(
    (count): Given => ({
      targets: Array.from({ length: count }, (_, index) => ({ url: base, streamKey: `k${index}` })),
      ...(count > undocumentedRestreamTargetLimit
        ? { refused: `${field} must hold at most ${undocumentedRestreamTargetLimit} targets.` }
        : {}),
    }),
  );
  const sized = fc
    .tuple(
      fc.constantFrom('url' as const, 'streamKey' as const),
      fc.integer({ min: 1, max: urlLimit + 200 }),
      fc.constantFrom('k', 'é', '😀'),
    )
    .map(([which, count, unit]): Given => {
      const limit = which === 'url' ? urlLimit : keyLimit;
      const text = unit.repeat(Math.ceil(count / unit.length));
      const target =
        which === 'url' ? { url: `${base}/${text}`, streamKey: 'k' } : { url: base, streamKey: text };
      const over = target[which].length > limit;
      return {
        targets: [target],
        ...(over ? { refused: `${field} ${which} must be at most ${limit} characters.` } : {}),
      };
    });
  const surrogate = fc
    .tuple(fc.constantFrom('url' as const, 'streamKey' as const), lone, fc.nat({ max: 3 }))
    .map(([which, unit, at]): Given => {
      const text = `key${unit}`.padStart(4 + at, 'x');
      const target =
        which === 'url' ? { url: `${base}/${text}`, streamKey: 'k' } : { url: base, streamKey: text };
      return { targets: [target], refused: `${field} must be well-formed text (no lone surrogate).` };
    });
  let kept = (await dialect.kept()).length;
  await fc.assert(
    fc.asyncProperty(fc.oneof(counted, sized, surrogate), async (given) => {
      const answer = await dialect.send(given.targets);
      const after = await dialect.kept();
      if (given.refused) {
        expect(answer).toEqual(dialect.refusal(given.refused));
        expect(after).toHaveLength(kept);
        return;
      }
      expect(dialect.accepted(answer)).toBe(true);
      expect(
        after.slice(kept).map((target) => {
          const { url, streamKey } = target as { url: string; streamKey: string };
          return { url, streamKey };
        }),
      ).toEqual(given.targets);
      kept = after.length;
    }),
    { numRuns: 80 },
  );
}
