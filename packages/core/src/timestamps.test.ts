import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVendorTimestamp } from './timestamps.js';

describe('parseVendorTimestamp', () => {
  it.each([
    ['2020-01-29T17:16:21.849Z', '2020-01-29T17:16:21.849Z'],
    ['2020-01-29T17:16:21', '2020-01-29T17:16:21.000Z'],
    ['2020-01-29 17:16:21', '2020-01-29T17:16:21.000Z'],
    ['2020-01-29 17:16', '2020-01-29T17:16:00.000Z'],
    ['2020-01-29', '2020-01-29T00:00:00.000Z'],
    ['2022-02-28T08:54:50.339Z', '2022-02-28T08:54:50.339Z'],
    ['2020-01-29T17:16:21.123456789', '2020-01-29T17:16:21.123Z'],
    ['2020-01-29T17:16:21+02:00', '2020-01-29T15:16:21.000Z'],
    ['2020-01-29T17:16:21-0530', '2020-01-29T22:46:21.000Z'],
    ['2020-01-29T01:16:21+05', '2020-01-28T20:16:21.000Z'],
    ['2020-01-29 17:16:21 UTC', '2020-01-29T17:16:21.000Z'],
    ['2024-02-29T12:00:00', '2024-02-29T12:00:00.000Z'],
  ])('reads %s as %s whatever the host zone', (value, expected) => {
    expect(parseVendorTimestamp(value)?.toISOString()).toBe(expected);
  });

  it.each([
    'not a date',
    'Wed, 29 Jan 2020 17:16:21',
    '2021-02-30T00:00:00',
    '2021-13-01',
    '2021-01-01T24:00:00',
    '2021-01-01T10:60:00',
    '2021-01-01T10:00:00+25:00',
    '',
  ])('gives undefined for %j', (value) => {
    expect(parseVendorTimestamp(value)).toBeUndefined();
  });

  it('reads a JSON number as a Unix epoch: seconds below 10^11, milliseconds from there', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1973-03-04T00:00:00Z'),
          max: new Date('2999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const ms = date.getTime();
          expect(parseVendorTimestamp(ms)?.getTime()).toBe(ms);
          expect(parseVendorTimestamp(Math.floor(ms / 1000))?.getTime()).toBe(Math.floor(ms / 1000) * 1000);
          expect(parseVendorTimestamp(ms / 1000)?.getTime()).toBe(ms);
        },
      ),
    );
    expect(parseVendorTimestamp(1580318181)?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
    expect(parseVendorTimestamp(1580318181849)?.toISOString()).toBe('2020-01-29T17:16:21.849Z');
  });

  it('never throws, whatever it is given: what it cannot read is undefined', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const date = parseVendorTimestamp(value);
        if (date !== undefined) expect(Number.isNaN(date.getTime())).toBe(false);
      }),
    );
    for (const value of [0, Number.NaN, Number.POSITIVE_INFINITY, 1e20, -1e20, true, {}, ['2020-01-29']]) {
      expect(parseVendorTimestamp(value), String(value)).toBeUndefined();
    }
    // Digits in a string may be a compact date (20200129) as well as an epoch: not guessed.
    expect(parseVendorTimestamp('1580318181')).toBeUndefined();
  });

  it('gives undefined for null and undefined', () => {
    expect(parseVendorTimestamp(null)).toBeUndefined();
    expect(parseVendorTimestamp(undefined)).toBeUndefined();
  });

  it('reads any zone-less date-time as the same instant as its Z form', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.boolean(),
        (date, space) => {
          const iso = date.toISOString();
          const zoneless = iso.slice(0, -1).replace('T', space ? ' ' : 'T');
          expect(parseVendorTimestamp(zoneless)?.getTime()).toBe(date.getTime());
          expect(parseVendorTimestamp(iso)?.getTime()).toBe(date.getTime());
        },
      ),
    );
  });
});

describe('the zone this run reads dates in', () => {
  it('is the one the project set, when it set one', () => {
    // Guards the second run: a TZ that did not take effect would let a host-zone read pass as UTC.
    if (process.env.TZ === 'America/St_Johns') {
      expect(new Date(2020, 0, 29, 17, 16, 21).toISOString()).toBe('2020-01-29T20:46:21.000Z');
    }
    expect(parseVendorTimestamp('2020-01-29 17:16:21')?.toISOString()).toBe('2020-01-29T17:16:21.000Z');
  });
});
