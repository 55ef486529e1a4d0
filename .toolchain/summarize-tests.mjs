// Adds up the vitest JSON reports every package wrote (turbo restores them for cached runs) into one line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(import.meta.dirname, '..', 'packages');
const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
for (const name of readdirSync(packagesDir)) {
  const report = join(packagesDir, name, 'test-results.json');
  if (!existsSync(report)) continue;
  const results = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += results.numPassedTests;
  totals.failed += results.numFailedTests;
  totals.skipped += results.numPendingTests + results.numTodoTests;
  totals.files += 1;
}
console.log(`\nunilive: test reports of ${totals.files} packages`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
