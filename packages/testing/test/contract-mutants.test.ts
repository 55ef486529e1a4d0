import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { mutants } from './mutants/memory-mutants.js';

interface Report {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

// A contract suite that passes a broken adapter is a test that cannot fail: run it against adapters with
// one mistake each (test/mutants) and check it fails each one where it should, and passes the original.
// Five mutants to a run, each run a test of its own: a whole contract suite per mutant is minutes of work on
// a loaded machine, and one limit over all of them measured the machine rather than ending a hang.
const names = Object.keys(mutants);
const groups = Array.from({ length: Math.ceil(names.length / 5) }, (_, index) =>
  names.slice(index * 5, index * 5 + 5),
);

it.each(groups.map((group) => [group.join(', '), group] as const))(
  'mutants %s: the contract suite fails each where it should, the unchanged adapter nowhere',
  async (_, group) => {
    const directory = await mkdtemp(join(tmpdir(), 'unilive-mutants-'));
    try {
      const output = join(directory, 'report.json');
      await new Promise<void>((resolve) => {
        execFile(
          process.execPath,
          [
            vitestBin,
            'run',
            '--config',
            'test/mutants/vitest.mutants.config.ts',
            '--reporter=json',
            `--outputFile.json=${output}`,
          ],
          {
            cwd: root,
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, UNILIVE_MUTANTS: group.join(',') },
          },
          // The run fails (the mutants do): what counts is the report.
          () => resolve(),
        );
      });
      const report = JSON.parse(await readFile(output, 'utf8')) as Report;
      const failed = new Map<string, string[]>();
      const ran = new Map<string, number>();
      for (const file of report.testResults) {
        for (const test of file.assertionResults) {
          const suite = test.ancestorTitles.find((title) => title.includes('mutant: '));
          const name = suite?.slice(suite.indexOf('mutant: ') + 'mutant: '.length);
          if (name === undefined) continue;
          ran.set(name, (ran.get(name) ?? 0) + 1);
          if (test.status === 'failed') failed.set(name, [...(failed.get(name) ?? []), test.title]);
        }
      }
      // Only this run's mutants ran.
      expect([...ran.keys()].sort()).toEqual([...group].sort());
      for (const name of group) {
        const mutant = mutants[name];
        if (mutant === undefined) throw new Error(`${name}: no such mutant`);
        expect(ran.get(name), `${name}: the suite ran`).toBeGreaterThan(0);
        const titles = failed.get(name) ?? [];
        if (mutant.fails.length === 0) expect(titles, `${name} must pass`).toEqual([]);
        for (const expected of mutant.fails) {
          expect(
            titles.some((title) => title.includes(expected)),
            `${name}: "${expected}" must fail; failed: ${JSON.stringify(titles)}`,
          ).toBe(true);
        }
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
  300_000,
);
