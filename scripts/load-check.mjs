#!/usr/bin/env node
// The load check: `npm test` passes several times in a row while a second copy of the suite runs beside it,
// as on CI's two cores shared with another job. Two fresh clones of the committed HEAD, each with its own
// turbo cache forced off, so every run really runs every task.
//
//   node scripts/load-check.mjs [--runs 5] [--alone] [--keep]
//
// --alone first times one run with nothing beside it; --keep leaves the clones and logs in place.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    alone: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('load-check: --runs expects a whole number of at least 1');
  process.exit(2);
}

const root = dirname(import.meta.dirname);
const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
  cwd: root,
  encoding: 'utf8',
}).stdout.trim();
const work = mkdtempSync(join(tmpdir(), 'unilive-load-check-'));
const env = { ...process.env, TURBO_FORCE: 'true', CI: 'true' };
delete env.npm_config_prefix;

function clone(name) {
  const dir = join(work, name);
  const result = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', root, dir], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`git clone failed for ${name}`);
  // The pinned Node and pnpm: reuse this checkout's when it has them, instead of installing them again.
  const toolchain = join(root, '.toolchain', 'node_modules');
  if (existsSync(toolchain)) symlinkSync(toolchain, join(dir, '.toolchain', 'node_modules'));
  return dir;
}

/** Runs `npm test` in `dir`, logging to a file; resolves with its exit code and seconds. */
function npmTest(dir, log, signal) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const out = createWriteStream(log);
    const child = spawn('npm', ['test'], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Both streams into one file, which is ended once, when the child is done.
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.on('close', (code) => {
      out.end();
      signal?.removeEventListener('abort', stop);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code: code ?? 1, seconds });
    });
  });
}

console.log(`load-check: ${head}, ${runs} run(s) beside a second copy, in ${work}`);
const first = clone('first');
const second = clone('second');
const results = { head, runs: [], alone: undefined, secondCopyRuns: 0 };

if (values.alone) {
  const alone = await npmTest(first, join(work, 'alone.log'));
  results.alone = alone;
  alone.loadAverage = loadavg()[0];
  console.log(
    `alone: exit ${alone.code} in ${alone.seconds.toFixed(1)} s (load average ${alone.loadAverage.toFixed(1)})`,
  );
}

// The second copy runs `npm test` over and over until the first copy's runs are done.
const stopSecond = new AbortController();
const secondCopy = (async () => {
  while (!stopSecond.signal.aborted) {
    const run = await npmTest(
      second,
      join(work, `second-${results.secondCopyRuns + 1}.log`),
      stopSecond.signal,
    );
    if (!stopSecond.signal.aborted) {
      results.secondCopyRuns += 1;
      console.log(
        `  second copy run ${results.secondCopyRuns}: exit ${run.code} in ${run.seconds.toFixed(1)} s`,
      );
    }
  }
})();

for (let index = 1; index <= runs; index += 1) {
  const run = await npmTest(first, join(work, `run-${index}.log`));
  results.runs.push(run);
  // The machine's load at the end of the run: other work on it (not only the second copy) shows here.
  run.loadAverage = loadavg()[0];
  console.log(
    `run ${index}/${runs}: exit ${run.code} in ${run.seconds.toFixed(1)} s (load average ${run.loadAverage.toFixed(1)})`,
  );
}
stopSecond.abort();
await secondCopy;

const passed = results.runs.filter((run) => run.code === 0).length;
const seconds = results.runs.map((run) => run.seconds);
console.log(
  `\nload-check: ${passed}/${runs} passed beside a second copy; ` +
    `${Math.min(...seconds).toFixed(1)}–${Math.max(...seconds).toFixed(1)} s a run` +
    (results.alone ? `; alone ${results.alone.seconds.toFixed(1)} s` : ''),
);
writeFileSync(join(work, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
if (passed !== runs) console.log(`logs: ${work}`);
else if (!values.keep) rmSync(work, { recursive: true, force: true });
process.exit(passed === runs ? 0 : 1);
