#!/usr/bin/env node
// Runs on any Node >= 18 with npm. Installs the pinned Node and pnpm into .toolchain/ from the npm
// registry (nothing global), then runs one of the project's tasks with that toolchain first on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const toolchainDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(toolchainDir);
const binDir = join(toolchainDir, 'node_modules', '.bin');
const pinned = JSON.parse(readFileSync(join(toolchainDir, 'package.json'), 'utf8')).dependencies;

const tasks = {
  /** README command A: the demo on the embedded sandbox. */
  demo: [
    ['pnpm', 'install', '--frozen-lockfile'],
    ['pnpm', 'turbo', 'run', 'build', '--filter=unilive...', '--output-logs=errors-only'],
    ['node', 'packages/cli/dist/bin.js', 'demo'],
  ],
  /**
   * README command B: install, build, lint, type-check and every test, then the packages as a user gets
   * them (packed, linted, installed with npm, pnpm and yarn into scratch apps). The test summary comes last.
   */
  check: [
    ['pnpm', 'install', '--frozen-lockfile'],
    ['pnpm', 'biome', 'ci', '.'],
    ['pnpm', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--output-logs=new-only'],
    ['node', 'scripts/check-packages.mjs'],
    ['node', '.toolchain/summarize-tests.mjs'],
  ],
  /**
   * The benchmarks: docs/performance.md and docs/performance.json. Runs the bench package's own script,
   * never the root `bench` script (which calls this task).
   */
  bench: [
    ['pnpm', 'install', '--frozen-lockfile'],
    ['pnpm', 'turbo', 'run', 'build', '--output-logs=errors-only'],
    ['pnpm', '--filter', '@unilive/bench', 'run', 'bench'],
  ],
  /** The API reference under docs/api/reference, from the TSDoc comments. */
  docs: [
    ['pnpm', 'install', '--frozen-lockfile'],
    ['pnpm', 'turbo', 'run', 'build', '--output-logs=errors-only'],
    ['node', 'docs/api/generate.mjs'],
  ],
};

const taskName = process.argv[2];
const extra = process.argv.slice(3);
const steps = tasks[taskName];
if (!steps) {
  console.error(`usage: node .toolchain/bootstrap.mjs <${Object.keys(tasks).join('|')}> [args]`);
  process.exit(2);
}

const env = {
  ...process.env,
  PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function provisioned() {
  if (!existsSync(join(binDir, 'node')) || !existsSync(join(binDir, 'pnpm'))) return false;
  const probe = spawnSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' });
  return probe.stdout?.trim() === `v${pinned.node}`;
}

if (!provisioned()) {
  console.log(`unilive: installing Node ${pinned.node} and pnpm ${pinned.pnpm} into .toolchain/ ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Exact pins, no lockfile: pnpm's optional per-platform packages include some the registry does not serve,
  // which a lockfile-driven `npm ci` refuses.
  const status = run(
    npm,
    ['install', '--no-package-lock', '--no-save', '--no-audit', '--no-fund', '--loglevel=error'],
    toolchainDir,
  );
  if (status !== 0 || !provisioned()) {
    console.error('unilive: could not install the toolchain from the npm registry');
    process.exit(status || 1);
  }
}

for (const [index, [command, ...args]] of steps.entries()) {
  const isLast = index === steps.length - 1;
  const status = run(command, isLast ? [...args, ...extra] : args);
  if (status !== 0) process.exit(status);
}
