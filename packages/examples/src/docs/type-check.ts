import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CodeBlock } from './markdown.js';
import { repositoryRoot } from './markdown.js';
import { placeholders, runtimePlaceholders } from './placeholders.js';

/** The info-string words of a TypeScript block, after `ts`. */
export interface BlockWords {
  /** `uses=client,hub`: placeholders declared before the block (see `placeholders`). */
  uses: string[];
  /** `shape=@unilive/core`: the interfaces the block declares are that module's exports of the same names. */
  shape?: string;
  /** `run`: the block also runs, against a sandbox (see `runSamples`). `run=redis` too, see `redis`. */
  run: boolean;
  /**
   * `run=redis`: the block runs against a sandbox and a Redis the test starts, whose URL is in
   * `UNILIVE_REDIS_URL`; where no redis-server is installed it is type-checked only.
   */
  redis: boolean;
}

export const typeScriptLanguages = new Set(['ts', 'typescript']);

/** The words of a block, or a message naming the one that means nothing. */
export function wordsOf(block: CodeBlock): BlockWords {
  const words: BlockWords = { uses: [], run: false, redis: false };
  for (const word of block.words) {
    const [key, value = ''] = word.split('=', 2);
    if (key === 'uses' && value) words.uses.push(...value.split(','));
    else if (key === 'shape' && value) words.shape = value;
    else if (key === 'run' && word === 'run') words.run = true;
    else if (word === 'run=redis') {
      words.run = true;
      words.redis = true;
    } else
      throw new Error(
        `${block.page}:${block.line - 1}: unknown info-string word "${word}" after "${block.language}"`,
      );
  }
  for (const name of words.uses) {
    if (!(name in placeholders)) {
      throw new Error(
        `${block.page}:${block.line - 1}: no placeholder "${name}" (known: ${Object.keys(placeholders).join(', ')})`,
      );
    }
    if (words.run && !(name in runtimePlaceholders)) {
      throw new Error(
        `${block.page}:${block.line - 1}: a block that runs cannot take "${name}" as given (it can: ${Object.keys(runtimePlaceholders).join(', ')})`,
      );
    }
  }
  return words;
}

/** One generated module: the block with what its words add, and where its lines came from. */
export interface SampleModule {
  block: CodeBlock;
  /** The file name in the generated directory. */
  file: string;
  text: string;
  /** Lines before the block's first line. */
  headerLines: number;
}

/**
 * The module a block is compiled as: its placeholders (declared, or given a value for a block that runs),
 * its code, then the checks its `shape` asks for.
 */
export function sampleModule(block: CodeBlock): SampleModule {
  const words = wordsOf(block);
  const header = words.uses.map((name) => (words.run ? runtimePlaceholders : placeholders)[name]).join('\n');
  const headerLines = header ? header.split('\n').length : 0;
  let footer = '';
  if (words.shape) {
    // The same shape both ways: every field the docs list is the type's, and every field the type has is listed.
    for (const match of block.code.matchAll(/^(?:export )?(?:interface|type) (\w+)/gm)) {
      const name = match[1];
      const real = `import('${words.shape}').${name}`;
      footer += `\nexport const documented${name}: ${name} = null as unknown as ${real};`;
      footer += `\nexport const exported${name}: ${real} = null as unknown as ${name};`;
    }
  }
  const file = `${block.page.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}.mts`;
  return { block, file, text: `${header}${header ? '\n' : ''}${block.code}${footer}\n`, headerLines };
}

/** A compiler diagnostic, placed on the Markdown line it is about. */
export interface SampleDiagnostic {
  /** `docs/webhooks.md:102:5` (page, line, column). */
  where: string;
  message: string;
}

const typescriptBin = join(
  dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
  'bin',
  'tsc',
);

/**
 * Type-checks every module as one `tsc` program, as a user's project would: `@unilive/*` resolved from the
 * installed packages' entry points (their built declarations, never their sources), under the repository's
 * strictness (`tsconfig.base.json`). The directory is new for each call, so two runs side by side never share
 * one; it sits under this package's `node_modules` so that packages resolve from it as from an app. The same
 * program writes each module's JavaScript to `out/` (`<file>.mjs`), for the blocks that run.
 */
export async function typeCheck(
  modules: readonly SampleModule[],
): Promise<{ diagnostics: SampleDiagnostic[]; directory: string }> {
  const cache = join(repositoryRoot, 'packages', 'examples', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const directory = mkdtempSync(join(cache, 'doc-samples-'));
  for (const module of modules) writeFileSync(join(directory, module.file), module.text);
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify({
      extends: join(repositoryRoot, 'tsconfig.base.json'),
      compilerOptions: {
        outDir: 'out',
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        rootDir: directory,
      },
      files: modules.map((module) => module.file),
    }),
  );
  const byFile = new Map(modules.map((module) => [module.file, module]));
  let output = '';
  try {
    await promisify(execFile)(process.execPath, [typescriptBin, '-p', directory, '--pretty', 'false'], {
      cwd: directory,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    if (!output) throw error;
  }
  const diagnostics: SampleDiagnostic[] = [];
  for (const line of output.split('\n')) {
    const located = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (located) {
      const [, file = '', row = '0', column = '0', message = ''] = located;
      const module = byFile.get(file);
      if (!module) {
        diagnostics.push({ where: file, message });
        continue;
      }
      const codeLine = Number(row) - module.headerLines;
      const bodyLines = module.block.code.split('\n').length - 1;
      // A line of the block, or of what the block's words added (placeholders above, shape checks below).
      const where =
        codeLine >= 1 && codeLine <= bodyLines
          ? `${module.block.page}:${module.block.line + codeLine - 1}:${Number(column) + (module.block.column ?? 0)}`
          : `${module.block.page}:${module.block.line - 1} (the block's ${codeLine < 1 ? 'placeholders' : 'shape'})`;
      diagnostics.push({ where, message });
    } else if (line.startsWith(' ') && diagnostics.length > 0) {
      const last = diagnostics[diagnostics.length - 1];
      if (last) last.message += `\n${line}`;
    } else if (line.trim()) {
      diagnostics.push({ where: 'tsc', message: line });
    }
  }
  return { diagnostics, directory };
}
