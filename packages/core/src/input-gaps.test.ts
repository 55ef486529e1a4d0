import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors/errors.js';
import {
  type InputGap,
  inputGapSeverity,
  type NeutralField,
  settleInputGaps,
  severityOf,
} from './input-gaps.js';

const fields = Object.keys(inputGapSeverity) as NeutralField[];
const gapArbitrary = fc.record({
  field: fc.constantFrom(...fields),
  kind: fc.constantFrom<InputGap['kind']>('ignored', 'create-only', 'unsupported-value', 'approximated'),
  message: fc.constantFrom('the vendor has no such setting', 'create-only'),
});
const context = { provider: 'test', operation: 'create' };

describe('the soft gap rule', () => {
  it('makes the fields a stream relies on errors and the preferences (its label among them) warnings', () => {
    expect(inputGapSeverity).toEqual({
      name: 'warning',
      ingestProtocol: 'error',
      recording: 'error',
      restream: 'error',
      region: 'warning',
      lowLatency: 'warning',
    });
  });

  it('throws one InvalidInputError naming every error gap, or returns a warning per gap', () => {
    fc.assert(
      fc.property(fc.array(gapArbitrary, { maxLength: 8 }), (gaps) => {
        const errors = gaps.filter(
          (gap) =>
            gap.kind === 'unsupported-value' ||
            (gap.kind !== 'approximated' && inputGapSeverity[gap.field] === 'error'),
        );
        let outcome: unknown;
        try {
          outcome = settleInputGaps(gaps, context);
        } catch (error) {
          outcome = error;
        }
        if (errors.length > 0) {
          expect(InvalidInputError.isInstance(outcome)).toBe(true);
          expect((outcome as InvalidInputError).issues).toEqual(
            errors.map((gap) => ({ path: gap.field, message: gap.message })),
          );
          expect((outcome as InvalidInputError).provider).toBe('test');
        } else {
          expect(outcome).toEqual(
            gaps.map((gap) => ({ type: 'unsupported-setting', setting: gap.field, message: gap.message })),
          );
        }
      }),
    );
  });

  it('treats an approximation as a warning and a value the vendor lacks as an error, whatever the field', () => {
    for (const field of fields) {
      expect(severityOf({ field, kind: 'approximated', message: '' })).toBe('warning');
      expect(severityOf({ field, kind: 'unsupported-value', message: '' })).toBe('error');
      expect(severityOf({ field, kind: 'ignored', message: '' })).toBe(inputGapSeverity[field]);
      expect(severityOf({ field, kind: 'create-only', message: '' })).toBe(inputGapSeverity[field]);
    }
  });
});
