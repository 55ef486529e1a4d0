import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PatternKind, PatternMatcher } from './aho-corasick.js';

// What the automaton must report, found the slow way: at each end position, per kind, the longest pattern
// of that kind ending there.
function naive(patterns: readonly (readonly [string, PatternKind])[], text: string): string[] {
  const found: string[] = [];
  for (let end = 1; end <= text.length; end += 1) {
    for (const kind of [0, 1] as const) {
      let longest = 0;
      for (const [pattern, of] of patterns) {
        if (of === kind && pattern.length > longest && text.slice(0, end).endsWith(pattern)) {
          longest = pattern.length;
        }
      }
      if (longest > 0) found.push(`${end - longest}-${end}:${kind}`);
    }
  }
  return found;
}

describe('PatternMatcher', () => {
  it('reports the longest pattern of each kind ending at each position, as a naive search does', () => {
    // A small alphabet, so that patterns share prefixes and suffixes and the failure links are exercised.
    const unit = fc.constantFrom('a', 'b', 'c', '\u00e9', '\ud83d', '\ude00');
    const pattern = fc.tuple(
      fc.string({ unit, minLength: 0, maxLength: 6 }),
      fc.constantFrom<PatternKind>(0, 1),
    );
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 12 }),
        fc.string({ unit, maxLength: 40 }),
        (patterns, text) => {
          const matcher = new PatternMatcher(patterns);
          const found: string[] = [];
          matcher.scan(text, (start, end, kind) => found.push(`${start}-${end}:${kind}`));
          expect(found).toEqual(naive(patterns, text));
          expect(matcher.size).toBe(patterns.filter(([value]) => value.length > 0).length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
