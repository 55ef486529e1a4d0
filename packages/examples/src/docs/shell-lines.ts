import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeBlock } from './markdown.js';
import { repositoryRoot } from './markdown.js';

interface Manifest {
  name: string;
  private?: boolean;
  scripts?: Record<string, string>;
}

/** The workspace: the root manifest and each package's, by name, with the folder it is in. */
function workspace(root: string) {
  const read = (directory: string) =>
    JSON.parse(readFileSync(join(root, directory, 'package.json'), 'utf8')) as Manifest;
  const packages = new Map<string, { directory: string; manifest: Manifest }>();
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory() || !existsSync(join(root, 'packages', entry.name, 'package.json'))) continue;
    const manifest = read(join('packages', entry.name));
    packages.set(manifest.name, { directory: join('packages', entry.name), manifest });
  }
  return { rootScripts: read('.').scripts ?? {}, packages };
}

// pnpm's own commands a line may run, besides a package script or an installed binary.
const pnpmCommands = new Set([
  'install',
  'i',
  'add',
  'remove',
  'update',
  'exec',
  'dlx',
  'run',
  'test',
  'why',
]);

/**
 * What is wrong with the `npm`, `pnpm` and `node` commands of the shell blocks, each named with its page and
 * line: an installed `@unilive/*` package that does not exist or is private, a script no package.json has,
 * a `pnpm <binary>` nothing installs, a file `node` runs or a folder `cd` enters that is not there (relative
 * to the repository root, or to the folder a `cd` earlier on the line entered).
 */
export function shellLineProblems(blocks: readonly CodeBlock[], root = repositoryRoot): string[] {
  const { rootScripts, packages } = workspace(root);
  const problems: string[] = [];
  for (const block of blocks) {
    if (!['sh', 'bash', 'shell'].includes(block.language)) continue;
    block.code.split('\n').forEach((line, index) => {
      const where = `${block.page}:${block.line + index}`;
      let directory = '.';
      for (const command of line.replace(/(^|\s)#.*$/, '').split(/;|&&|\|\||&|\|/)) {
        const words = command
          .trim()
          .split(/\s+/)
          .filter((word) => !/^[A-Z_]+=\S*$/.test(word));
        const [program, first, ...rest] = words;
        const problem = (text: string) => problems.push(`${where}: \`${command.trim()}\`: ${text}`);
        if (program === 'cd' && first) {
          directory = join(directory, first);
          if (!existsSync(join(root, directory))) problem(`no folder ${directory}`);
        } else if (program === 'node' && first && !first.startsWith('-')) {
          if (!existsSync(join(root, directory, first))) problem(`no file ${join(directory, first)}`);
        } else if (
          (program === 'npm' && (first === 'install' || first === 'i')) ||
          ((program === 'pnpm' || program === 'yarn') && first === 'add')
        ) {
          for (const name of rest.filter((word) => !word.startsWith('-'))) {
            const found = packages.get(name.replace(/(.)@.*$/, '$1'));
            if (name.startsWith('@unilive/') || name === 'unilive') {
              if (!found) problem(`no package ${name} in the workspace`);
              else if (found.manifest.private) problem(`${name} is private: it is not published`);
            }
          }
        } else if (program === 'npm' && first) {
          const script = first === 'run' ? rest[0] : first;
          if (script && !(script in rootScripts)) problem(`the root package.json has no script "${script}"`);
        } else if (program === 'pnpm' && first) {
          if (first === '--filter' || first.startsWith('--filter=')) {
            // `--filter @unilive/core...` selects the package and what depends on it: the name is before `...`.
            const name = (first === '--filter' ? rest.shift() : first.slice('--filter='.length))?.replace(
              /\.\.\.$/,
              '',
            );
            const found = packages.get(name ?? '');
            const script = rest[0] === 'run' ? rest[1] : rest[0];
            if (!found) problem(`no package ${name} in the workspace`);
            else if (script && !pnpmCommands.has(script) && !(script in (found.manifest.scripts ?? {})))
              problem(`${name} has no script "${script}"`);
          } else if (!pnpmCommands.has(first) && !(first in rootScripts)) {
            const bin = join(root, directory, 'node_modules', '.bin', first);
            if (!existsSync(bin) && !existsSync(join(root, 'node_modules', '.bin', first)))
              problem(`"${first}" is no root script, pnpm command or installed binary`);
          }
        }
      }
    });
  }
  return problems;
}
