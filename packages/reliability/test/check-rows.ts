import { afterAll } from 'vitest';
import { type CheckRow, writeSection } from '../src/report.js';

// The section of a test file whose checks are rows of one area's table (docs/reliability.md): each case a
// check runs is counted into its row, and a failing case is named in it, so a failing run's section says what
// failed as a passing one says what held.

/** The most characters of one failure a row keeps: the published report stays small; the run's log has all. */
export const failureTextLimit = 200;

/** The first line of what a failing case threw, after its label, cut to {@link failureTextLimit}. */
export function failureText(label: string | undefined, error: unknown): string {
  const said = error instanceof Error ? error.message : String(error);
  const text = `${label ? `${label}: ` : ''}${said.split('\n')[0] ?? ''}`;
  return text.length > failureTextLimit ? `${text.slice(0, failureTextLimit - 1)}…` : text;
}

/**
 * The rows of the section `name` (a file under `.report-parts/`) in the table of `area`, written after the
 * file's tests whatever they found, and `counted`, which runs one case of a check into its row.
 */
export function checkSection(name: string, area: string) {
  const rows: CheckRow[] = [];
  afterAll(() => writeSection(name, { kind: 'checks', area, rows }));
  const rowOf = (check: string, adapter: string): CheckRow => {
    const found = rows.find((row) => row.check === check && row.adapter === adapter);
    if (found) return found;
    const row: CheckRow = { check, adapter, runs: 0, failures: [] };
    rows.push(row);
    return row;
  };
  return {
    rows,
    /** The row of `check` on `adapter`, made the first time it is asked for (to give it a `figure`). */
    row: rowOf,
    /**
     * Runs one case of `check` on `adapter` and counts it; a case that throws is named in the row's failures
     * (`label`, then the first line of the error), then thrown on.
     */
    async counted<T>(check: string, adapter: string, run: () => Promise<T>, label?: string): Promise<T> {
      const row = rowOf(check, adapter);
      row.runs += 1;
      try {
        return await run();
      } catch (error) {
        row.failures.push(failureText(label, error));
        throw error;
      }
    },
  };
}
