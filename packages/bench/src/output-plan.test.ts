import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputPlan, prepareOutput } from './output-plan.js';

const docs = join('/repo', 'docs');
const scratch = mkdtempSync(join(tmpdir(), 'unilive-output-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('outputPlan', () => {
  it('writes the committed docs only from a full run', () => {
    expect(outputPlan({ quick: false, noWrite: false }, docs)).toEqual({ write: true, dir: docs });
    expect(outputPlan({ quick: true, noWrite: false }, docs)).toEqual({
      write: false,
      reason: expect.stringContaining('never replace /repo/docs/performance.md'),
    });
    // Pointing --out at the committed folder does not get around it, written another way or from elsewhere.
    expect(outputPlan({ quick: true, out: '/repo/docs/', noWrite: false }, docs).write).toBe(false);
    expect(outputPlan({ quick: true, out: '../docs', noWrite: false }, docs, '/repo/packages').write).toBe(
      false,
    );
  });

  it('takes a symbolic link to the committed folder for that folder', () => {
    const committed = join(scratch, 'repo', 'docs');
    mkdirSync(committed, { recursive: true });
    const link = join(scratch, 'docs-link');
    symlinkSync(committed, link);
    expect(outputPlan({ quick: true, out: link, noWrite: false }, committed).write).toBe(false);
    expect(outputPlan({ quick: true, out: join(link, '.'), noWrite: false }, committed).write).toBe(false);
    // A folder below the link that does not exist yet is another folder: written there.
    expect(outputPlan({ quick: true, out: join(link, 'quick'), noWrite: false }, committed)).toEqual({
      write: true,
      dir: join(link, 'quick'),
    });
  });

  it('reads a relative --out from the folder the command was typed in, and refuses an empty one', () => {
    expect(outputPlan({ quick: true, out: 'results', noWrite: false }, docs, '/home/me/unilive')).toEqual({
      write: true,
      dir: '/home/me/unilive/results',
    });
    for (const out of ['', '  '])
      expect(outputPlan({ quick: true, out, noWrite: false }, docs)).toEqual({
        write: false,
        refused: '--out was given no folder',
      });
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

describe('prepareOutput', () => {
  it('makes the folder before the run, and says what is wrong with one that cannot take the report', () => {
    const fresh = join(scratch, 'a', 'b');
    expect(prepareOutput({ write: true, dir: fresh })).toBeUndefined();
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    expect(prepareOutput({ write: true, dir: file })).toBe(`--out ${file} cannot be written (EEXIST)`);
    expect(prepareOutput({ write: true, dir: join(file, 'below') })).toMatch(
      /cannot be written \(ENOTDIR\)$/,
    );
    expect(prepareOutput({ write: false, refused: '--out was given no folder' })).toBe(
      '--out was given no folder',
    );
    expect(prepareOutput({ write: false, reason: '--no-write: summary only' })).toBeUndefined();
  });
});
