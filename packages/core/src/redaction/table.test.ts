import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintTable } from './table.js';

describe('FingerprintTable', () => {
  it('holds exactly what a Map holds through any sequence of inserts and removals', () => {
    // Few distinct keys, so the same ones come and go and probe runs wrap around a small table.
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom(2 ** 52 - 1, 2 ** 26, 67108859 * 2 ** 26),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), key, fc.integer({ min: -5, max: 5 })), { maxLength: 300 }),
        (steps) => {
          const table = new FingerprintTable<string>(true);
          const numbers = new FingerprintTable();
          const expected = new Map<number, number>();
          for (const [insert, k, value] of steps) {
            if (insert) {
              // The slot first: an insert may grow the table, which replaces its columns.
              const slot = table.insert(k);
              table.refs[slot] = `v${value}`;
              const other = numbers.insert(k);
              numbers.first[other] = value;
              expected.set(k, value);
            } else {
              const slot = table.find(k);
              if (slot !== -1) table.removeAt(slot);
              const other = numbers.find(k);
              if (other !== -1) numbers.removeAt(other);
              expect(slot !== -1).toBe(expected.delete(k));
            }
            expect(table.size).toBe(expected.size);
            expect(numbers.size).toBe(expected.size);
          }
          for (let k = 0; k <= 40; k += 1) {
            const slot = table.find(k);
            expect(slot === -1 ? undefined : table.refs[slot]).toBe(
              expected.has(k) ? `v${expected.get(k)}` : undefined,
            );
            const other = numbers.find(k);
            expect(other === -1 ? undefined : numbers.first[other]).toBe(expected.get(k));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keyed in 4 bytes, with one number or none, growing by half or double, holds exactly what a Map holds', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(2 ** 32 - 2, 2 ** 31, 12345678));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), key, fc.integer({ min: -5, max: 5 })), { maxLength: 400 }),
        fc.boolean(),
        (steps, compact) => {
          const numbers = new FingerprintTable(false, true, 1, compact);
          const keys = new FingerprintTable(false, true, 0, compact);
          const expected = new Map<number, number>();
          for (const [insert, k, value] of steps) {
            if (insert) {
              // The slot first: an insert may grow the table, which replaces its columns.
              const slot = numbers.insert(k);
              numbers.first[slot] = value;
              keys.insert(k);
              expected.set(k, value);
            } else {
              const slot = numbers.find(k);
              if (slot !== -1) numbers.removeAt(slot);
              const other = keys.find(k);
              if (other !== -1) keys.removeAt(other);
              expect(slot !== -1).toBe(expected.has(k));
              expect(other !== -1).toBe(expected.delete(k));
            }
            expect(numbers.size).toBe(expected.size);
            expect(keys.size).toBe(expected.size);
          }
          for (const k of expected.keys()) expect(numbers.first[numbers.find(k)]).toBe(expected.get(k));
          const listed: number[] = [];
          keys.forEachKey((k) => listed.push(k));
          expect(listed.sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });
});
