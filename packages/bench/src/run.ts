#!/usr/bin/env node
// `pnpm bench`: runs every measurement, prints a summary with the machine and Node version, and writes
// docs/performance.md and docs/performance.json at the repository root (or under --out DIR). A --quick run
// never writes the committed docs (see output-plan.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchConfig, fullConfig, quickConfig, runBench } from './bench.js';
import { formatJson } from './json.js';
import { outputPlan, prepareOutput } from './output-plan.js';
import { renderMarkdown, renderSummary } from './report.js';
import { benchDir } from './weight.js';

// `pnpm run bench -- --quick` hands the script a literal `--` first.
const args = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
const usage = `usage: node --expose-gc dist/run.js [--quick] [--out DIR] [--no-write]
  --quick     smaller sizes (about a minute); figures are rougher, and never replace docs/performance.md
  --out DIR   write performance.md and performance.json to DIR (default: the repository's docs/, full runs
              only); a relative DIR is read from the folder the command was typed in
  --no-write  print the summary only`;

const parsed = (() => {
  try {
    return parseArgs({
      args,
      options: {
        quick: { type: 'boolean', default: false },
        out: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    // A misspelt or misused flag: said in one line with the usage, before anything is measured.
    console.error(`bench: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
})();
const { values } = parsed;

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const config: BenchConfig = values.quick ? quickConfig : fullConfig;
const plan = outputPlan(
  { quick: values.quick, out: values.out, noWrite: values['no-write'] },
  join(benchDir, '..', '..', 'docs'),
  // `npm run bench` and `pnpm bench` run this in the package's folder; a relative --out means the folder
  // the command was typed in.
  process.env.INIT_CWD ?? process.cwd(),
);
// Checked before anything is measured: a folder that cannot take the report fails now, not after the run.
const unwritable = prepareOutput(plan);
if (unwritable !== undefined) {
  console.error(`bench: ${unwritable}`);
  process.exit(2);
}
const log = (line: string) => console.error(`[bench] ${line}`);

const report = await runBench(config, log);
console.log(renderSummary(report));
if (!plan.write) {
  console.log(`not written: ${'reason' in plan ? plan.reason : plan.refused}`);
} else {
  const outDir = plan.dir;
  const markdownPath = join(outDir, 'performance.md');
  const previous = existsSync(markdownPath) ? readFileSync(markdownPath, 'utf8') : undefined;
  writeFileSync(join(outDir, 'performance.json'), formatJson(report));
  writeFileSync(markdownPath, renderMarkdown(report, previous));
  console.log(`wrote ${markdownPath} and performance.json`);
}
