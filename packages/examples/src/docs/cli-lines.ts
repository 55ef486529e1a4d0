import type { CommandSpec } from 'unilive';
import type { CodeBlock, CodeSpan } from './markdown.js';

/** A `unilive …` command line of a page, from a shell block or an inline code span. */
export interface CommandLine {
  /** `docs/local-media.md:38`. */
  where: string;
  text: string;
}

export const shellLanguages = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * Every `unilive …` invocation: each line of a shell block (and each command of a line, split at `;`, `&`
 * and `|`), and each inline code span starting with `unilive ` or `npx unilive ` (a line the CLI prints, such
 * as `unilive: --port 4010: …`, is not an invocation).
 */
export function commandLines(blocks: readonly CodeBlock[], spans: readonly CodeSpan[]): CommandLine[] {
  const lines: CommandLine[] = [];
  for (const block of blocks) {
    if (!shellLanguages.has(block.language)) continue;
    block.code.split('\n').forEach((line, index) => {
      const code = line.replace(/(^|\s)#.*$/, '');
      for (const command of code.split(/;|&&|\|\||&|\|/)) {
        const words = command.trim().split(/\s+/);
        const at = words.indexOf('unilive');
        // `unilive` as the program run: first, or after `npx`, `pnpm`, `do`, `then`, an assignment.
        if (
          at >= 0 &&
          words.slice(0, at).every((word) => /^(npx|pnpm|do|then|exec|[A-Z_]+=\S*)$/.test(word))
        ) {
          lines.push({ where: `${block.page}:${block.line + index}`, text: words.slice(at).join(' ') });
        }
      }
    });
  }
  for (const span of spans) {
    const text = span.text.replace(/^npx /, '');
    if (text.startsWith('unilive ')) lines.push({ where: `${span.page}:${span.line}`, text });
  }
  return lines;
}

/** The flags an option's `flags` string declares: `-p, --provider <id>` declares `-p` and `--provider`. */
function flagsOf(spec: string): string[] {
  return spec.split(/[ ,]+/).filter((word) => word.startsWith('-'));
}

/** What is wrong with a command line: an unknown command or a flag its command does not take. */
export function commandLineProblems(line: CommandLine, commands: readonly CommandSpec[]): string[] {
  // An optional flag of a synopsis, `[-p <provider>]`, is checked as the flag.
  const words = line.text
    .split(/\s+/)
    .slice(1)
    .map((word) => word.replace(/^\[/, ''));
  const global = new Set(['-h', '--help', '-v', '--version']);
  const first = words[0];
  if (first === undefined || first === 'help') return [];
  // `unilive <command> --sandbox`: a flag some command takes.
  if (first.startsWith('<')) {
    const anyCommand = new Set(
      commands.flatMap((spec) => spec.options.flatMap((option) => flagsOf(option.flags))),
    );
    return words
      .filter(
        (word) => /^--?[a-z]/i.test(word) && !anyCommand.has(word.split('=')[0] ?? word) && !global.has(word),
      )
      .map((flag) => `${line.where}: \`${line.text}\`: no command takes ${flag}`);
  }
  if (first.startsWith('-')) {
    return words
      .filter((word) => word.startsWith('-') && !global.has(word.split('=')[0] ?? word))
      .map((flag) => `${line.where}: \`${line.text}\`: unilive takes no ${flag} before a command`);
  }
  const command = commands.find((spec) => spec.name === first);
  if (!command) {
    return [
      `${line.where}: \`${line.text}\`: no command "${first}" (${commands.map((spec) => spec.name).join(', ')})`,
    ];
  }
  const known = new Set(['-h', '--help', ...command.options.flatMap((option) => flagsOf(option.flags))]);
  const problems: string[] = [];
  for (const word of words.slice(1)) {
    // A flag: `--name`, `--duration=30s`, `-p`; not a negative number or a placeholder's dash.
    if (!/^--?[a-z]/i.test(word)) continue;
    const flag = word.split('=')[0] ?? word;
    if (!known.has(flag)) problems.push(`${line.where}: \`${line.text}\`: unilive ${first} takes no ${flag}`);
  }
  return problems;
}
