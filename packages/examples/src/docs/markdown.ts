import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, which every Markdown path below is relative to. */
export const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The pages a user reads: the README, every page under `docs/` (the generated API reference excepted:
 * it is written from the code, not by hand) and each package's README.
 */
export function documentationPages(root = repositoryRoot): string[] {
  const pages = ['README.md', 'CONTRIBUTING.md'];
  const walk = (directory: string) => {
    for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory() && path !== join('docs', 'api')) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) pages.push(path);
    }
  };
  walk('docs');
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const readme = join('packages', entry.name, 'README.md');
    try {
      readFileSync(join(root, readme));
      pages.push(readme);
    } catch {
      // A package without a README has no samples.
    }
  }
  return pages.map((page) => relative(root, join(root, page)).split('\\').join('/')).sort();
}

/** One fenced code block of a page. */
export interface CodeBlock {
  /** The page, relative to the repository root (`docs/webhooks.md`). */
  page: string;
  /** The 1-based line of the page the block's first code line is on. */
  line: number;
  /** The info string's first word (`ts`), which GitHub uses to colour the block. */
  language: string;
  /** The info string's other words (`uses=client,hub`). */
  words: string[];
  /** The block's text, its fence's indentation removed, ending in a newline. */
  code: string;
  /**
   * Columns of the file before each of the block's lines that the block leaves out (a doc comment's ` * `),
   * added to a column the compiler names. None on a Markdown page.
   */
  column?: number;
}

/** One inline code span of a page's prose (fenced blocks excluded), its line breaks read as spaces. */
export interface CodeSpan {
  page: string;
  line: number;
  text: string;
}

const fence = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** The fenced code blocks and inline code spans of one page, as CommonMark reads them. */
export function readPage(page: string, root = repositoryRoot): { blocks: CodeBlock[]; spans: CodeSpan[] } {
  return readLines(page, readFileSync(join(root, page), 'utf8').split('\n'));
}

/**
 * The TypeScript files whose doc comments reach users (in their editor's hover and in the generated
 * `docs/api`): the `src/` of every published package (private ones, such as this checker, are nobody's
 * dependency), tests aside. Relative to the repository root.
 */
export function sourceFiles(root = repositoryRoot): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(join(root, directory), { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /(?<!\.d|\.test)\.ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let manifest: { private?: unknown };
    try {
      manifest = JSON.parse(readFileSync(join(root, 'packages', entry.name, 'package.json'), 'utf8'));
      readdirSync(join(root, 'packages', entry.name, 'src'));
    } catch {
      continue;
    }
    if (manifest.private !== true) walk(join('packages', entry.name, 'src'));
  }
  return files.map((file) => file.split('\\').join('/')).sort();
}

/** The leading ` * ` of a doc comment's line, which the comment's Markdown starts after. */
const commentPrefix = /^\s*\*(?: |$)/;

/**
 * The fenced code blocks and inline code spans of a source file's doc comments (`/** … *\/`), read as
 * Markdown once each line's ` * ` is stripped: each one's `line` is the file's, and a block's `column` the
 * width of the prefix stripped.
 */
export function readSource(file: string, root = repositoryRoot): { blocks: CodeBlock[]; spans: CodeSpan[] } {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const prefixes: number[] = [];
  let inComment = false;
  const markdown = lines.map((line, index) => {
    prefixes[index] = 0;
    if (!inComment) {
      // A doc comment's first line holds no fence; one closed on that line holds none at all.
      inComment = /^\s*\/\*\*/.test(line) && !line.includes('*/');
      return '';
    }
    if (/^\s*\*\//.test(line)) {
      inComment = false;
      return '';
    }
    const prefix = commentPrefix.exec(line)?.[0] ?? '';
    prefixes[index] = prefix.length;
    return line.slice(prefix.length);
  });
  const { blocks, spans } = readLines(file, markdown);
  return { blocks: blocks.map((block) => ({ ...block, column: prefixes[block.line - 1] ?? 0 })), spans };
}

function readLines(page: string, lines: readonly string[]): { blocks: CodeBlock[]; spans: CodeSpan[] } {
  const blocks: CodeBlock[] = [];
  const prose: { line: number; text: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    // A fence may sit inside a list item: its indentation is then the item's, which its lines share.
    const raw = lines[index] ?? '';
    const indent = /^\s*/.exec(raw)?.[0].length ?? 0;
    const opening = fence.exec(raw.slice(Math.max(0, indent - 3)));
    if (!opening?.[2] || (opening[2].startsWith('`') && opening[3]?.includes('`'))) {
      prose.push({ line: index + 1, text: raw });
      continue;
    }
    const marker = opening[2];
    const [language = '', ...words] = (opening[3] ?? '').trim().split(/\s+/);
    const body: string[] = [];
    const start = index + 2;
    for (index++; index < lines.length; index++) {
      const text = lines[index] ?? '';
      const closing = text.trim();
      if (closing.startsWith(marker[0]?.repeat(marker.length) ?? marker) && /^(`+|~+)$/.test(closing)) break;
      body.push(text.slice(Math.min(indent, /^\s*/.exec(text)?.[0].length ?? 0)));
    }
    blocks.push({ page, line: start, language, words, code: `${body.join('\n')}\n` });
    prose.push({ line: index + 1, text: '' });
  }
  return { blocks, spans: codeSpans(page, prose) };
}

/** Inline code spans: a run of backticks to the next run of the same length, across the lines of a paragraph. */
function codeSpans(page: string, prose: { line: number; text: string }[]): CodeSpan[] {
  const spans: CodeSpan[] = [];
  const text = prose.map((entry) => entry.text).join('\n');
  const lineAt: number[] = [];
  for (const entry of prose) for (let i = 0; i <= entry.text.length; i++) lineAt.push(entry.line);
  const opening = /(`+)/g;
  for (let match = opening.exec(text); match; match = opening.exec(text)) {
    const ticks = match[1] ?? '`';
    const end = text.indexOf(ticks, match.index + ticks.length);
    // A paragraph ends at a blank line: an unclosed run is literal backticks.
    if (end === -1 || text.slice(match.index, end).includes('\n\n')) continue;
    spans.push({
      page,
      line: lineAt[match.index] ?? 0,
      text: text
        .slice(match.index + ticks.length, end)
        .replace(/\n/g, ' ')
        .trim(),
    });
    opening.lastIndex = end + ticks.length;
  }
  return spans;
}
