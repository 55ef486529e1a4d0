import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockAnswerProblem } from './event-time.js';

describe('clockAnswerProblem', () => {
  it('names what a clock answered by its kind, with the right article, and never its value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true }), (answer) => {
        fc.pre(!(typeof answer === 'number' && Number.isFinite(answer)));
        const problem = clockAnswerProblem(answer);
        const got = /\(got (.*)\)$/.exec(problem ?? '')?.[1];
        if (typeof answer === 'number') expect(got).toBe(String(answer));
        else if (answer === undefined || answer === null) expect(got).toBe(String(answer));
        else if (typeof answer === 'object') expect(got).toBe('an object');
        else expect(got).toBe(`a ${typeof answer}`);
      }),
    );
    expect(clockAnswerProblem(new Date())).toBe(
      'must return a finite number of ms since the epoch (got an object)',
    );
    expect(clockAnswerProblem(5)).toBeUndefined();
  });
});
