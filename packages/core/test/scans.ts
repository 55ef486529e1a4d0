import { firstEscape, readEscapes } from '../src/redaction/references.js';
import { referenceReadings } from '../src/secrets.js';

/**
 * How many times a redaction scans `text` with its known values' indexes: once as it is, and once more per
 * reading with its escapes decoded (`&#…;`, `%XX`, `\\uXXXX`), as long as the last one still holds one, up to
 * `referenceReadings` readings.
 */
export function scansOf(text: string): number {
  let scans = 1;
  let reading = text;
  for (let depth = 0; depth < referenceReadings && firstEscape(reading) !== -1; depth += 1) {
    const read = readEscapes(reading);
    if (read === undefined) break;
    reading = read.decoded;
    scans += 1;
  }
  return scans;
}
