// Publishes the last run of the suite: copies reliability-report.json to published-report.json (committed)
// and renders docs/reliability.md from that copy. Run it with `pnpm --filter @unilive/reliability run report`
// after a full `vitest run` of this package; plain Node runs it (types stripped).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { renderReliabilityPage } from './render-page.ts';
import { publishedReportPath, type ReliabilityReport, reliabilityPagePath, reportPath } from './report.ts';

copyFileSync(reportPath, publishedReportPath);
const published = JSON.parse(readFileSync(publishedReportPath, 'utf8')) as ReliabilityReport;
writeFileSync(reliabilityPagePath, renderReliabilityPage(published));
console.log(`docs/reliability.md rendered from the run of ${published.generatedAt}`);
