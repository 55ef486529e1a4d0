#!/usr/bin/env node
// `pnpm bench`: runs every measurement, prints a summary with the machine and Node version, and writes
// docs/performance.md and docs/performance.json at the repository root (or under --out DIR). A --quick run
// never writes the committed docs (see output-plan.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchConfig, fullConfig, quickConfig, runBench } from './bench.js';
import { formatJson } from './json.js';
import { outputPlan } from './output-plan.js';
import { renderMarkdown, renderSummary } from './report.js';
import { benchDir } from './weight.js';

// `pnpm run bench -- --quick` hands the script a literal `--` first.
const args = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
const { values } = parseArgs({
  args,
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: node --expose-gc dist/run.js [--quick] [--out DIR] [--no-write]
  --quick     smaller sizes (about a minute); figures are rougher, and never replace docs/performance.md
  --out DIR   write performance.md and performance.json to DIR (default: the repository's docs/, full runs only)
  --no-write  print the summary only`);
  process.exit(0);
}

const config: BenchConfig = values.quick ? quickConfig : fullConfig;
const plan = outputPlan(
  { quick: values.quick, out: values.out, noWrite: values['no-write'] },
  join(benchDir, '..', '..', 'docs'),
);
const log = (line: string) => console.error(`[bench] ${line}`);

const report = await runBench(config, log);
console.log(renderSummary(report));
if (!plan.write) {
  console.log(`not written: ${plan.reason}`);
} else {
  const outDir = plan.dir;
  mkdirSync(outDir, { recursive: true });
  const markdownPath = join(outDir, 'performance.md');
  const previous = existsSync(markdownPath) ? readFileSync(markdownPath, 'utf8') : undefined;
  writeFileSync(join(outDir, 'performance.json'), formatJson(report));
  writeFileSync(markdownPath, renderMarkdown(report, previous));
  console.log(`wrote ${markdownPath} and performance.json`);
}
