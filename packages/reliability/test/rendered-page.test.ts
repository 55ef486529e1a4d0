import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReliabilityPage } from '../src/render-page.js';
import { publishedReportPath, type ReliabilityReport, reliabilityPagePath } from '../src/report.js';

// docs/reliability.md is rendered, never written by hand: a line added to the page alone would be lost at the
// next `pnpm run report`. Its text belongs in src/render-page.ts, its figures in the committed run.
describe('docs/reliability.md', () => {
  it('is exactly what the renderer makes of the committed run (published-report.json)', () => {
    const run = JSON.parse(readFileSync(publishedReportPath, 'utf8')) as ReliabilityReport;
    const page = readFileSync(reliabilityPagePath, 'utf8');
    // Compared line by line, so a failure names the lines that differ.
    expect(page.split('\n')).toEqual(renderReliabilityPage(run).split('\n'));
  });
});
