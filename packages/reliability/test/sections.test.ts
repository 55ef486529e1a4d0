import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureText, failureTextLimit } from './check-rows.js';

// docs/reliability.md shows what each suite found only if the suite writes its section: a suite that writes
// none runs, passes or fails, and leaves no figure behind.

/** Files that test the suite's own tools, or that report elsewhere, and why. */
const writesNone: Record<string, string> = {
  'rendered-page.test.ts': 'the page and the published report themselves',
  'scanner-control.test.ts': "the secret scanner's control: it proves the scanner, not an adapter",
  'sections.test.ts': 'this file',
  // @unilive/testing's contract suite, run through a registry: its tests are the contract every adapter's own
  // package runs, counted in their test results.
  'registry.contract.test.ts': "the adapters' shared contract suite, through a registry",
  // @unilive/testing's model suite for registries: fast-check runs of generated call sequences, counted in
  // the test results as the contract suite's are.
  'registry-model.test.ts': 'the shared registry model suite, over four providers',
};

describe('every suite', () => {
  it('writes its section of the report', () => {
    const directory = new URL('.', import.meta.url);
    const suites = readdirSync(directory).filter(
      (file) => file.endsWith('.test.ts') && !(file in writesNone),
    );
    const silent = suites.filter(
      (file) =>
        !/\b(writeSection|checkSection|runFaultMatrix)\(/.test(
          readFileSync(new URL(file, directory), 'utf8'),
        ),
    );
    expect(suites.length).toBeGreaterThan(20);
    expect(silent).toEqual([]);
  });
});

describe('a failure in a row', () => {
  it('is its label and the first line of what was thrown, at most the limit', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        fc.boolean(),
        (label, said, error) => {
          const text = failureText(label, error ? new Error(said) : said);
          expect(text.length).toBeLessThanOrEqual(failureTextLimit);
          const whole = `${label ? `${label}: ` : ''}${said.split('\n')[0]}`;
          expect(text).toBe(
            whole.length > failureTextLimit ? `${whole.slice(0, failureTextLimit - 1)}…` : whole,
          );
        },
      ),
    );
  });
});
