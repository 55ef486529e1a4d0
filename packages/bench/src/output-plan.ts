import { resolve } from 'node:path';

/** Where a bench run writes its report, decided from its flags. */
export type OutputPlan = { write: false; reason: string } | { write: true; dir: string };

/**
 * Only a full run writes the committed `docs/performance.md` and `.json`: a `--quick` run's rough figures
 * must never replace them by accident. A quick run writes only with `--out DIR`, to a folder other than
 * the committed one; `--no-write` prints the summary only.
 */
export function outputPlan(
  flags: { quick: boolean; out?: string | undefined; noWrite: boolean },
  docsDir: string,
): OutputPlan {
  if (flags.noWrite) return { write: false, reason: '--no-write: summary only' };
  const dir = resolve(flags.out ?? docsDir);
  if (flags.quick && dir === resolve(docsDir)) {
    return {
      write: false,
      reason: `--quick figures are rough and never replace ${dir}/performance.md: pass --out DIR to keep them, or run without --quick`,
    };
  }
  return { write: true, dir };
}
