// Generates the API reference (Markdown) from the TSDoc comments of every package's public entry point.
// TypeDoc needs the TypeScript 5 compiler API, so it is installed here, apart from the workspace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
if (!existsSync(join(here, 'node_modules', '.bin', 'typedoc')))
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
run(join(here, 'node_modules', '.bin', 'typedoc'), ['--options', 'typedoc.json']);
