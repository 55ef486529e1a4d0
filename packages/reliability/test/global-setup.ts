import { clearSections, mergeSections } from '../src/report.js';

/** Clears the sections of an earlier run; merges this run's into `reliability-report.json` at the end. */
export function setup(): () => void {
  clearSections();
  return () => {
    mergeSections();
  };
}
