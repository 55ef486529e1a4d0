// An ISO 8601 date, optionally with a time ("T" or a space between), fractional seconds and a zone.
const isoTimestamp =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

// Epoch values below this are seconds, at or above it milliseconds: 10^11 seconds is the year 5138, and
// 10^11 milliseconds is March 1973, before any of these vendors existed.
const millisecondsFrom = 1e11;

/**
 * Reads a vendor timestamp. Every vendor documents ISO 8601, but not always with a zone: Wowza's examples
 * show `2020-01-29T17:16:21.849Z`, its docs also `2020-01-29 17:16:21`, and a zone-less value means UTC on
 * every vendor (none documents local times). JavaScript's `Date` would read a zone-less date-time in the
 * host's zone, so `createdAt` would move with the server's `TZ`; this reads it as UTC.
 *
 * Accepts `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, `.fraction` (milliseconds kept)
 * and a zone (`Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `+HH`). A JSON number is read as a Unix epoch, as
 * APIs built on other stacks send dates: in seconds below 10^11, in milliseconds from there (`0`, which
 * such APIs send for "never set", is no date). Anything else, or an impossible date (`2021-02-30`), gives
 * `undefined`: the value stays in `raw` only. It never throws, so a date never fails a record.
 */
export function parseVendorTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') return epochDate(value);
  if (typeof value !== 'string') return undefined;
  const match = isoTimestamp.exec(value.trim());
  if (!match) return undefined;
  // Read group by group: an answer carries several dates, and a list thousands.
  const y = Number(match[1]);
  const mo = Number(match[2]);
  const d = Number(match[3]);
  const h = match[4] === undefined ? 0 : Number(match[4]);
  const mi = match[5] === undefined ? 0 : Number(match[5]);
  const s = match[6] === undefined ? 0 : Number(match[6]);
  const fraction = match[7];
  const zone = match[8];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const milliseconds = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, milliseconds);
  // Date.UTC rolls an impossible day over into the next month: refuse it instead.
  if (new Date(utc).getUTCDate() !== d) return undefined;
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  return new Date(utc - offset * 60_000);
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || /^(?:z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function epochDate(value: number): Date | undefined {
  if (!Number.isFinite(value) || value === 0) return undefined;
  // Seconds with a fraction (1580318181.849) are rounded to the millisecond their decimal digits name.
  const milliseconds = Math.abs(value) < millisecondsFrom ? Math.round(value * 1000) : Math.floor(value);
  const date = new Date(milliseconds);
  // Beyond ±8.64 × 10^15 ms a Date is invalid.
  return Number.isNaN(date.getTime()) ? undefined : date;
}
