import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReliabilityPage } from '../src/render-page.js';
import {
  type CaseRecord,
  type ChecksSection,
  type MatrixSection,
  publishReport,
  type ReliabilityReport,
  readPublishedReport,
  reliabilityPagePath,
} from '../src/report.js';

// docs/reliability.md is rendered, never written by hand: a line added to the page alone would be lost at the
// next `pnpm run report`. Its text belongs in src/render-page.ts, its figures in the committed run.
describe('docs/reliability.md', () => {
  it('is exactly what the renderer makes of the committed run (published-report.json)', () => {
    const run = readPublishedReport();
    const page = readFileSync(reliabilityPagePath, 'utf8');
    // Compared line by line, so a failure names the lines that differ.
    expect(page.split('\n')).toEqual(renderReliabilityPage(run).split('\n'));
  });
});

const caseArbitrary: fc.Arbitrary<CaseRecord> = fc.record(
  {
    operation: fc.constantFrom('create', 'get', 'list', 'stop'),
    fault: fc.constantFrom('503', '429-seconds', 'reset', 'unsupported'),
    outcome: fc.constantFrom('success' as const, 'recovered' as const, 'typed' as const, 'untyped' as const),
    error: fc.constantFrom('TimeoutError', 'RateLimitError', 'TypeError'),
    warnings: fc.array(fc.constantFrom('read-back-failed', 'fallback'), { maxLength: 2 }),
    attempts: fc.nat({ max: 4 }),
    requests: fc.nat({ max: 6 }),
    duplicateSends: fc.nat({ max: 1 }),
    duplicateStreams: fc.nat({ max: 1 }),
    createRetriesAfter429: fc.nat({ max: 2 }),
    createRetriesNotSent: fc.nat({ max: 2 }),
    problems: fc.array(fc.constantFrom('sent twice', 'untyped'), { maxLength: 2 }),
    durationMs: fc.nat({ max: 5_000 }),
  },
  {
    requiredKeys: [
      'operation',
      'fault',
      'outcome',
      'attempts',
      'requests',
      'duplicateSends',
      'duplicateStreams',
      'createRetriesAfter429',
      'createRetriesNotSent',
      'problems',
      'durationMs',
    ],
  },
);

describe('the published report', () => {
  it('keeps every row of a checks section whole, one line a row', () => {
    const directory = mkdtempSync(join(tmpdir(), 'unilive-report-'));
    const row = fc.record(
      {
        check: fc.string({ maxLength: 80 }),
        adapter: fc.constantFrom('liveapi', 'wowza-video', 'memory and every adapter'),
        runs: fc.nat({ max: 500 }),
        failures: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
        figure: fc.string({ maxLength: 40 }),
      },
      { requiredKeys: ['check', 'adapter', 'runs', 'failures'] },
    );
    try {
      fc.assert(
        fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
          const section: ChecksSection = { kind: 'checks', area: 'lists', rows };
          const run: ReliabilityReport = { generatedAt: '2026-12-01T09:00:00.000Z', sections: [section] };
          const path = join(directory, 'published.json');
          writeFileSync(path, publishReport(run));
          expect(readPublishedReport(path)).toEqual(run);
          expect(renderReliabilityPage(readPublishedReport(path))).toBe(renderReliabilityPage(run));
          const rowLines = readFileSync(path, 'utf8')
            .split('\n')
            .filter((line) => line.trimStart().startsWith('{"check":'));
          expect(rowLines).toHaveLength(rows.length);
          for (const line of rowLines) expect(line).toContain('"failures":');
        }),
        { numRuns: 100 },
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('renders the page the whole run renders, and keeps every case that missed an expectation whole', () => {
    const directory = mkdtempSync(join(tmpdir(), 'unilive-report-'));
    try {
      fc.assert(
        fc.property(fc.array(caseArbitrary, { maxLength: 30 }), (cases) => {
          const section: MatrixSection = {
            kind: 'matrix',
            adapter: 'liveapi',
            backend: 'nock',
            cases,
            secretsRegistered: 3,
            transcriptsScanned: 9,
            leaks: [],
            unhandledRejections: 0,
          };
          const run: ReliabilityReport = { generatedAt: '2026-12-01T09:00:00.000Z', sections: [section] };
          const path = join(directory, 'published.json');
          writeFileSync(path, publishReport(run));
          const read = readPublishedReport(path);
          expect(renderReliabilityPage(read)).toBe(renderReliabilityPage(run));
          const readCases = (read.sections[0] as MatrixSection).cases;
          readCases.forEach((record, index) => {
            const given = cases[index] as CaseRecord;
            if (given.problems.length > 0) expect(record).toEqual(given);
            else {
              const { attempts, requests, durationMs, ...shown } = given;
              expect(record).toEqual(shown);
            }
          });
          // One line a case.
          expect(
            readFileSync(path, 'utf8')
              .split('\n')
              .filter((line) => line.includes('"fault"')),
          ).toHaveLength(cases.length);
        }),
        { numRuns: 200 },
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
