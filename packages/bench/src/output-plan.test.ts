import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputPlan } from './output-plan.js';

const docs = join('/repo', 'docs');

describe('outputPlan', () => {
  it('writes the committed docs only from a full run', () => {
    expect(outputPlan({ quick: false, noWrite: false }, docs)).toEqual({ write: true, dir: docs });
    expect(outputPlan({ quick: true, noWrite: false }, docs)).toEqual({
      write: false,
      reason: expect.stringContaining('never replace /repo/docs/performance.md'),
    });
    // Pointing --out at the committed folder does not get around it.
    expect(outputPlan({ quick: true, out: '/repo/docs/', noWrite: false }, docs).write).toBe(false);
  });

  it('writes a quick run elsewhere only when asked, and nothing with --no-write', () => {
    expect(outputPlan({ quick: true, out: '/tmp/bench', noWrite: false }, docs)).toEqual({
      write: true,
      dir: '/tmp/bench',
    });
    expect(outputPlan({ quick: false, noWrite: true }, docs).write).toBe(false);
    expect(outputPlan({ quick: true, out: '/tmp/bench', noWrite: true }, docs).write).toBe(false);
  });
});
