// An ISO 8601 date, optionally with a time ("T", "t" or a space between), fractional seconds and a zone.
const isoTimestamp =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

// Epoch values below this are seconds, at or above it milliseconds: 10^11 seconds is the year 5138, and
// 10^11 milliseconds is March 1973, before any of these vendors existed.
const millisecondsFrom = 1e11;

/**
 * Reads a vendor timestamp. Every vendor documents ISO 8601, but not always with a zone: Wowza's examples
 * show `2020-01-29T17:16:21.849Z`, its docs also `2020-01-29 17:16:21`, and a zone-less value means UTC on
 * every vendor (none documents local times). JavaScript's `Date` would read a zone-less date-time in the
 * host's zone, so `createdAt` would move with the server's `TZ`; this reads it as UTC.
 *
 * Accepts `YYYY-MM-DD` (the year as written: `0001` is the year 1, as RFC 3339 reads it, not 1901), then
 * optionally `T` (or `t`, which RFC 3339 allows) or a space, `HH:MM`, `:SS`, `.fraction` (milliseconds kept)
 * and a zone (`Z`, `z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `+HH`). A JSON number is read as a Unix epoch, as
 * APIs built on other stacks send dates: in seconds below 10^11, in milliseconds from there (`0` or a negative
 * number, which such APIs send for "never set", is no date). Anything else, or an impossible date (`2021-02-30`), gives
 * `undefined`: the value stays in `raw` only. It never throws, so a date never fails a record.
 */
export function parseVendorTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') return epochDate(value);
  if (typeof value !== 'string') return undefined;
  let time: number | undefined;
  if (value === lastText) time = lastTime;
  else if (value === earlierText) time = earlierTime;
  else {
    time = (commonTimestamp(value) ?? patternTimestamp(value))?.getTime();
    earlierText = lastText;
    earlierTime = lastTime;
    lastText = value;
    lastTime = time;
  }
  // A new Date every time: the caller owns it (and may change it).
  return time === undefined ? undefined : new Date(time);
}

// The two texts read last and the instants they name (undefined: none). A stream's dates come again on
// every read of it, and `created_at` and `updated_at` are two of them, often one text: a poll reads each
// again for the cost of comparing it.
let lastText: string | undefined;
let lastTime: number | undefined;
let earlierText: string | undefined;
let earlierTime: number | undefined;

/**
 * The shape nearly every answer's dates have, `YYYY-MM-DDTHH:MM:SS`, a space for the `T`, up to 9 fraction
 * digits after a `.`, then nothing, `Z` or ` UTC`, read character by character: an answer carries several
 * dates and a list thousands, and the pattern costs a match array, its substrings and a second `Date`.
 * Undefined for anything else, valid or not, which the pattern then reads: this only ever gives the date the
 * pattern gives.
 */
function commonTimestamp(value: string): Date | undefined {
  const length = value.length;
  if (length < 19) return undefined;
  const separator = value.charCodeAt(10);
  if (
    value.charCodeAt(4) !== dash ||
    value.charCodeAt(7) !== dash ||
    (separator !== upperT && separator !== space) ||
    value.charCodeAt(13) !== colon ||
    value.charCodeAt(16) !== colon
  )
    return undefined;
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  const h = digits(value, 11, 2);
  const mi = digits(value, 14, 2);
  const s = digits(value, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > daysInMonth(y, mo) ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 59
  )
    return undefined;
  let at = 19;
  let milliseconds = 0;
  if (at < length && value.charCodeAt(at) === dot) {
    at += 1;
    const start = at;
    while (at < length && at - start < 10 && isDigit(value.charCodeAt(at))) at += 1;
    const count = at - start;
    if (count === 0 || count > 9) return undefined;
    // The first three digits are the milliseconds; the pattern's reading floors the rest away too.
    for (let index = 0; index < 3; index += 1)
      milliseconds = milliseconds * 10 + (index < count ? value.charCodeAt(start + index) - zero : 0);
  }
  const zone = length - at;
  if (
    !(zone === 0 || (zone === 1 && value.charCodeAt(at) === upperZ) || (zone === 4 && value.endsWith(' UTC')))
  )
    return undefined;
  return new Date(utcTime(y, mo - 1, d, h, mi, s, milliseconds));
}

/**
 * `Date.UTC` with the year as written: `Date.UTC` reads the years 0 to 99 as 1900 to 1999, so a vendor's
 * `0001-01-01T00:00:00Z` (.NET's smallest date, which some APIs send for "not set") would be 1901. A day
 * beyond the month rolls over, as with `Date.UTC`.
 */
function utcTime(y: number, month: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const time = Date.UTC(y, month, d, h, mi, s, ms);
  if (y >= 100) return time;
  const date = new Date(time);
  date.setUTCFullYear(y, month, d);
  return date.getTime();
}

const zero = 48;
const dash = 45;
const colon = 58;
const dot = 46;
const space = 32;
const upperT = 84;
const upperZ = 90;

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days of month `mo` (1 to 12) of year `y` in the proleptic Gregorian calendar, as {@link utcTime} counts
 * them: a day beyond them is refused, as the pattern's reading refuses the day `utcTime` rolls over.
 */
function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return monthDays[mo - 1] ?? 0;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
}

function isDigit(code: number): boolean {
  return code >= zero && code <= zero + 9;
}

/** The number the `count` ASCII digits from `at` write, or -1 when one is not a digit. */
function digits(value: string, at: number, count: number): number {
  let number = 0;
  for (let index = at; index < at + count; index += 1) {
    const code = value.charCodeAt(index);
    if (!isDigit(code)) return -1;
    number = number * 10 + code - zero;
  }
  return number;
}

/** Every form {@link parseVendorTimestamp} reads, by the pattern. */
function patternTimestamp(value: string): Date | undefined {
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
  const utc = utcTime(y, mo - 1, d, h, mi, s, milliseconds);
  // An impossible day rolls over into the next month: refuse it instead.
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
  // Before 1970 no vendor here existed, and a sign is no unit: a negative number (a "never set" of -1, an
  // underflow) is no date, where reading its size as seconds or milliseconds gave 1653 beside 1966.
  if (!Number.isFinite(value) || value <= 0) return undefined;
  // Seconds with a fraction (1580318181.849) are rounded to the millisecond their decimal digits name.
  const milliseconds = Math.abs(value) < millisecondsFrom ? Math.round(value * 1000) : Math.floor(value);
  const date = new Date(milliseconds);
  // Beyond ±8.64 × 10^15 ms a Date is invalid.
  return Number.isNaN(date.getTime()) ? undefined : date;
}
