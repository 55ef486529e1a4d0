// Publishes the last run of the suite: writes reliability-report.json to published-report.json (committed),
// with the detail of the matrix cases that passed left out (see publishReport), and renders
// docs/reliability.md from that copy. Run it with `pnpm --filter @unilive/reliability run report` after a
// full `vitest run` of this package; plain Node runs it (types stripped).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderReliabilityPage } from './render-page.ts';
import {
  publishedReportPath,
  publishReport,
  type ReliabilityReport,
  readPublishedReport,
  reliabilityPagePath,
  reportPath,
} from './report.ts';

const run = JSON.parse(readFileSync(reportPath, 'utf8')) as ReliabilityReport;
writeFileSync(publishedReportPath, publishReport(run));
const published = readPublishedReport(publishedReportPath);
writeFileSync(reliabilityPagePath, renderReliabilityPage(published));
console.log(`docs/reliability.md rendered from the run of ${published.generatedAt}`);
