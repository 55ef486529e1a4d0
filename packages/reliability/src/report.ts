import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where each test file writes its section while the run goes (gitignored). */
export const partsDirectory = join(packageRoot, '.report-parts');
/** The machine-readable summary of the last run (gitignored); `pnpm run report` publishes it. */
export const reportPath = join(packageRoot, 'reliability-report.json');
/**
 * The run docs/reliability.md shows (committed, written by `pnpm run report`): every later test run rewrites
 * `reportPath`, so the page's figures need their own copy for test/rendered-page.test.ts to render it from.
 */
export const publishedReportPath = join(packageRoot, 'published-report.json');
/** The page rendered from `publishedReportPath`. */
export const reliabilityPagePath = join(packageRoot, '..', '..', 'docs', 'reliability.md');

/** How one matrix case ended. */
export type CaseOutcome = 'success' | 'recovered' | 'typed' | 'untyped';

/** One case of the fault matrix, as the report keeps it. */
export interface CaseRecord {
  operation: string;
  fault: string;
  outcome: CaseOutcome;
  /** The error's class (`name`) when the call failed. */
  error?: string;
  /** The types of the warnings `onWarning` heard during the call. */
  warnings?: string[];
  /**
   * Attempts of the faulted request (requests not sent included). The published report keeps it, with
   * `requests` and `durationMs`, for the cases that missed an expectation only (see {@link publishReport}).
   */
  attempts?: number;
  /** Every request of the call. */
  requests?: number;
  /** Creates sent more than once without a 429 or a refused connection to justify it. */
  duplicateSends: number;
  /** Streams the backend made beyond one for this create (sandbox), or create requests beyond one (nock). */
  duplicateStreams: number;
  /** Creates repeated after a 429 (the vendor refused them unprocessed). */
  createRetriesAfter429: number;
  /** Creates repeated after a failure before anything was sent (DNS, refused connection). */
  createRetriesNotSent: number;
  /** Expectations this case did not meet; empty when it passed. */
  problems: string[];
  durationMs?: number;
  /** The error's `toJSON()` while the case runs; only one per section is kept. */
  sample?: Record<string, unknown>;
}

/** One test file's section: the matrix of one adapter on one backend. */
export interface MatrixSection {
  kind: 'matrix';
  adapter: string;
  backend: string;
  cases: CaseRecord[];
  secretsRegistered: number;
  transcriptsScanned: number;
  leaks: { secretLabel: string; where: string }[];
  unhandledRejections: number;
  /** `toJSON()` of one real error of the run (a create after a persistent 503), for the docs. */
  sampleError?: Record<string, unknown>;
  /** `toJSON()` of a get after a persistent connection reset: an error with a `cause`. */
  sampleCause?: Record<string, unknown>;
}

/** The hostile input corpus run against every adapter. */
export interface CorpusSection {
  kind: 'corpus';
  cases: number;
  adapters: string[];
  runs: number;
  rejected: number;
  encoded: number;
  requestsBeforeRejection: number;
  failures: string[];
  /** Secrets found in the errors the corpus produced. */
  leaks: number;
  /** Runs by case category. */
  byCategory: Record<string, number>;
}

/** The property-based drift run of one adapter. */
export interface DriftSection {
  kind: 'drift';
  adapter: string;
  runs: number;
  streams: number;
  shapeErrors: number;
  otherErrors: number;
  durationMs: number;
}

/** One family of hostile answers met by one adapter (generated cases). */
export interface HardeningRow {
  family: 'redirects' | 'body-size' | 'gate-pause' | 'hooks';
  cases: number;
  /** Cases that met every expectation. */
  passed: number;
  /** Requests that reached the other origin a redirect named. */
  requestsElsewhere: number;
  /** Requests sent more than once where once was promised (a redirected non-GET, a body past the cap). */
  repeatedSends: number;
  /** Outcomes that were neither a success nor one of our typed errors. */
  untyped: number;
}

/** Hostile answers (redirects, oversized and compressed bodies, 429 pauses, failing hooks) on one adapter. */
export interface HardeningSection {
  kind: 'hardening';
  adapter: string;
  rows: HardeningRow[];
  /** How far the process's resident memory rose while a 1 GiB brotli bomb was read. */
  peakRssGrowthBytes: number;
  unhandledRejections: number;
}

/** One check of a hardening area, on one adapter (or on core, `adapter: 'core'`). */
export interface CheckRow {
  check: string;
  adapter: string;
  /** Cases run (generated cases count one each). */
  runs: number;
  /** What went wrong, by case; empty when the check held. */
  failures: string[];
  /** A figure worth printing (`1,100 streams learned since`). */
  figure?: string;
}

/** An area (secrets, configuration) checked across adapters. */
export interface ChecksSection {
  kind: 'checks';
  area: string;
  rows: CheckRow[];
}

export type ReportSection = MatrixSection | CorpusSection | DriftSection | HardeningSection | ChecksSection;

/** Writes a section of the report; called once per test file. */
export function writeSection(name: string, section: ReportSection): void {
  mkdirSync(partsDirectory, { recursive: true });
  writeFileSync(join(partsDirectory, `${name}.json`), `${JSON.stringify(section, null, 1)}\n`);
}

/** The merged report. */
export interface ReliabilityReport {
  generatedAt: string;
  sections: ReportSection[];
}

/** Clears the sections of an earlier run (global setup). */
export function clearSections(): void {
  rmSync(partsDirectory, { recursive: true, force: true });
}

/** Merges every section written during the run into `reliability-report.json` (global teardown). */
export function mergeSections(): ReliabilityReport | undefined {
  let files: string[];
  try {
    files = readdirSync(partsDirectory)
      .filter((file) => file.endsWith('.json'))
      .sort();
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const sections = files.map(
    (file) => JSON.parse(readFileSync(join(partsDirectory, file), 'utf8')) as ReportSection,
  );
  const report: ReliabilityReport = { generatedAt: new Date().toISOString(), sections };
  writeFileSync(reportPath, `${JSON.stringify(report, null, 1)}\n`);
  rmSync(partsDirectory, { recursive: true, force: true });
  return report;
}

// A passing matrix case's figures that the page does not show and that tell nothing once the case passed.
const passingDetail = ['attempts', 'requests', 'durationMs'] as const;
// Counters of a case, published only where they are not 0.
const caseCounters = [
  'duplicateSends',
  'duplicateStreams',
  'createRetriesAfter429',
  'createRetriesNotSent',
] as const;

/**
 * The text of the published report (`published-report.json`): the run as the suites wrote it, but for the
 * matrix cases that met every expectation, which keep what the page shows of them (operation, fault,
 * outcome, error class, warnings) and their counters that are not 0; a case that missed an expectation is
 * kept whole. Each case, and each row of a checks section, is one line, so that a new run's diff reads case
 * by case and the file stays small. {@link readPublishedReport}
 * reads it back, counters at 0 and problems empty where left out.
 */
export function publishReport(report: ReliabilityReport): string {
  const lines: string[] = [];
  const line = (value: unknown) => {
    lines.push(JSON.stringify(value));
    return `\u0000case ${lines.length - 1}`;
  };
  const marked = {
    ...report,
    sections: report.sections.map((section) => {
      if (section.kind === 'matrix')
        return { ...section, cases: section.cases.map((record) => line(publishedCase(record))) };
      if (section.kind === 'checks') return { ...section, rows: section.rows.map(line) };
      return section;
    }),
  };
  const text = JSON.stringify(marked, null, 1).replace(
    /"\\u0000case (\d+)"/g,
    (_, index: string) => lines[Number(index)] as string,
  );
  return `${text}\n`;
}

function publishedCase(record: CaseRecord): Partial<CaseRecord> {
  const kept: Record<string, unknown> = { ...record };
  for (const counter of caseCounters) if (kept[counter] === 0) delete kept[counter];
  if (record.problems.length > 0) return kept as Partial<CaseRecord>;
  delete kept.problems;
  for (const detail of passingDetail) delete kept[detail];
  return kept as Partial<CaseRecord>;
}

/** Reads a report {@link publishReport} wrote (or a run's own, whole), every case with its counters. */
export function readPublishedReport(path: string = publishedReportPath): ReliabilityReport {
  const report = JSON.parse(readFileSync(path, 'utf8')) as ReliabilityReport;
  for (const section of report.sections) {
    if (section.kind !== 'matrix') continue;
    const given = section.cases as Partial<CaseRecord>[];
    section.cases = given.map(
      (record) =>
        ({
          duplicateSends: 0,
          duplicateStreams: 0,
          createRetriesAfter429: 0,
          createRetriesNotSent: 0,
          ...record,
          problems: record.problems ?? [],
        }) as CaseRecord,
    );
  }
  return report;
}
