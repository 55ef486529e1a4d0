import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Where a bench run writes its report, decided from its flags. */
export type OutputPlan =
  | { write: false; reason: string }
  | { write: true; dir: string }
  /** The flags ask for what cannot be done: said before anything is measured. */
  | { write: false; refused: string };

/**
 * Only a full run writes the committed `docs/performance.md` and `.json`: a `--quick` run's rough figures
 * must never replace them by accident. A quick run writes only with `--out DIR`, to a folder other than
 * the committed one (told apart by the folder it really is: a symbolic link to `docs/` is `docs/`);
 * `--no-write` prints the summary only. A relative `--out` is read from `from`, the folder the command
 * was typed in (`INIT_CWD`, which npm and pnpm set: their scripts run in the package's folder).
 */
export function outputPlan(
  flags: { quick: boolean; out?: string | undefined; noWrite: boolean },
  docsDir: string,
  from: string = process.cwd(),
): OutputPlan {
  if (flags.noWrite) return { write: false, reason: '--no-write: summary only' };
  if (flags.out !== undefined && flags.out.trim() === '') {
    return { write: false, refused: '--out was given no folder' };
  }
  const dir = resolve(from, flags.out ?? docsDir);
  if (flags.quick && physical(dir) === physical(docsDir)) {
    return {
      write: false,
      reason: `--quick figures are rough and never replace ${resolve(docsDir)}/performance.md: pass --out DIR to keep them, or run without --quick`,
    };
  }
  return { write: true, dir };
}

/**
 * Makes the plan's folder and checks that the report can be written there, before a run of several minutes
 * is measured for nothing: what is wrong, or undefined when the folder is ready.
 */
export function prepareOutput(plan: OutputPlan): string | undefined {
  if (!plan.write) return 'refused' in plan ? plan.refused : undefined;
  try {
    mkdirSync(plan.dir, { recursive: true });
    if (!statSync(plan.dir).isDirectory()) return `--out ${plan.dir} is not a folder`;
    accessSync(plan.dir, constants.W_OK);
    for (const name of ['performance.md', 'performance.json']) {
      const file = join(plan.dir, name);
      if (existsSync(file)) accessSync(file, constants.W_OK);
    }
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `--out ${plan.dir} cannot be written${code ? ` (${code})` : ''}`;
  }
}

// The folder `path` really is, links followed: the nearest part of it that exists, resolved, and the rest.
function physical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(physical(parent), basename(absolute));
}
