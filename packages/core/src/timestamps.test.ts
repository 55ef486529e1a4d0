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
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['2026-11-30 23:59:59 UTC', '2026-11-30T23:59:59.000Z'],
    ['2026-11-30t23:59:59z', '2026-11-30T23:59:59.000Z'],
    ['0001-01-01T00:00:00', '0001-01-01T00:00:00.000Z'],
    ['0000-02-29 12:00:00 UTC', '0000-02-29T12:00:00.000Z'],
    ['0099-12-31T23:59:59.999Z', '0099-12-31T23:59:59.999Z'],
    ['0050-06-15T10:00:00+02:00', '0050-06-15T08:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('reads %s as %s whatever the host zone', (value, expected) => {
    expect(parseVendorTimestamp(value)?.toISOString()).toBe(expected);
  });

  it.each([
    'not a date',
    'Wed, 29 Jan 2020 17:16:21',
    '2021-02-30T00:00:00',
    '2100-02-29T00:00:00Z',
    '2023-04-31T00:00:00.000Z',
    '2021-13-01',
    '2021-01-01T24:00:00',
    '2021-01-01T10:60:00',
    '2021-01-01T10:00:00+25:00',
    '2026-11-30T23:59:60Z',
    '0001-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-01-32T00:00:00Z',
    '+010000-01-01T00:00:00Z',
    '２０２６-01-01T00:00:00Z',
    '٢٠٢٦-01-01T00:00:00Z',
    '2026-01-01T00:00:00\u0000Z',
    '2026-01-01T00:00:00.1234567890Z',
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

  it('reads zero or a negative number as no date, whatever its size', () => {
    fc.assert(
      fc.property(fc.double({ max: 0, noNaN: true }), (value) => {
        expect(parseVendorTimestamp(value)).toBeUndefined();
      }),
    );
    for (const value of [-1, -1e10, -1e11, -1e15, -0]) expect(parseVendorTimestamp(value)).toBeUndefined();
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

  it('reads every ECMAScript date-time string as Date.parse does, the years 0 to 99 included', () => {
    // Date.parse reads `YYYY-MM-DDTHH:mm:ss.sssZ` with the year as written; with `Z` dropped, the same
    // instant (zone-less is UTC here, local time there).
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('T', 't', ' '),
        fc.constantFrom('Z', 'z', '', ' UTC', '+00:00', '-0000'),
        (date, separator, zone) => {
          const iso = date.toISOString();
          expect(parseVendorTimestamp(iso)?.getTime(), iso).toBe(Date.parse(iso));
          const text = `${iso.slice(0, 10)}${separator}${iso.slice(11, -1)}${zone}`;
          expect(parseVendorTimestamp(text)?.getTime(), text).toBe(date.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads every string as the ISO 8601 pattern alone reads it (the common shape is read without it)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    // Mostly the expected character, sometimes another, so most strings come close to a date.
    const mostly = (expected: string, ...others: string[]) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(expected) },
        { weight: 1, arbitrary: fc.constantFrom(...others) },
      );
    const timestampLike = fc
      .tuple(
        fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')) },
          { weight: 1, arbitrary: fc.constantFrom('20x0', '202', '20201') },
        ),
        mostly('-', '/', ''),
        two(13),
        mostly('-', '/', ''),
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('28', '29', '30', '31') },
          { weight: 2, arbitrary: two(32) },
        ),
        fc.constantFrom('T', ' ', 't', '', '_'),
        two(25),
        mostly(':', '', '.'),
        two(61),
        mostly(':', '', '.'),
        fc.oneof({ weight: 6, arbitrary: two(61) }, { weight: 1, arbitrary: fc.constantFrom('5', '') }),
        fc.oneof(
          fc.constant(''),
          fc.tuple(mostly('.', ','), fc.stringMatching(/^\d{0,11}$/)).map(([mark, d]) => mark + d),
          fc.constantFrom('.123456789', '.1234567890', '.849', ',5', '.'),
        ),
        fc.constantFrom(
          '',
          'Z',
          'z',
          ' UTC',
          'UTC',
          ' utc',
          'GMT',
          ' GMT',
          '+02:00',
          '-0530',
          '+05',
          ' Z',
          'Zx',
          ' ',
        ),
        mostly('', ' ', '\n', '\u00a0'),
        mostly('', ' ', '\t'),
      )
      .map(([y, dash1, mo, dash2, d, t, h, c1, mi, c2, s, fraction, zone, lead, trail]) =>
        [lead, y, dash1, mo, dash2, d, t, h, c1, mi, c2, s, fraction, zone, trail].join(''),
      );
    fc.assert(
      fc.property(
        fc.oneof(
          timestampLike,
          fc.string(),
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        ),
        (text) => {
          expect(parseVendorTimestamp(text)?.getTime()).toBe(byPatternOnly(text)?.getTime());
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('reads the common shape as the pattern does at every month end, leap years and years 0 to 99 included', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 99 }),
          fc.integer({ min: 100, max: 9999 }),
          fc.constantFrom(0, 4, 96, 1900, 2000, 2024, 2100, 2400),
        ),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 27, max: 31 }),
        fc.constantFrom('T', ' '),
        fc.tuple(
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: 59 }),
        ),
        fc.constantFrom('', '.5', '.849', '.123456789'),
        fc.constantFrom('', 'Z', ' UTC'),
        (y, mo, d, t, [h, mi, sec], fraction, zone) => {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${t}${pad(h, 2)}:${pad(mi, 2)}:${pad(sec, 2)}${fraction}${zone}`;
          expect(parseVendorTimestamp(text)?.getTime(), text).toBe(byPatternOnly(text)?.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });
});

// The reading by the pattern alone, as it was before the common shape was read without it (with the year
// as written, and a lowercase `t`).
function byPatternOnly(value: string): Date | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [h, mi, s] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const milliseconds = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
  const at = new Date(Date.UTC(2000, 0, 1, h, mi, s, milliseconds));
  at.setUTCFullYear(y, mo - 1, d);
  const utc = at.getTime();
  if (at.getUTCDate() !== d) return undefined;
  const zone = match[8];
  let offset = 0;
  if (zone !== undefined && !/^(?:z|utc|gmt)$/i.test(zone)) {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hours > 23 || minutes > 59) return undefined;
    offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return new Date(utc - offset * 60_000);
}

describe('parseVendorTimestamp, called again and again', () => {
  it('reads each text as it reads it alone, whatever it read before, and hands out a new Date each time', () => {
    const texts = fc.oneof(
      fc.constantFrom(
        '2020-01-29T17:16:21.849Z',
        '2020-01-29 17:16:21',
        '2020-01-29T17:16:21+02:00',
        '2021-02-30T00:00:00Z',
        '0001-01-01T00:00:00',
        'not a date',
        '',
      ),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.string({ maxLength: 24 }),
    );
    // Each text read first by a fresh module, with nothing remembered.
    const alone = new Map<string, number | undefined>();
    fc.assert(
      fc.property(fc.array(texts, { minLength: 1, maxLength: 10 }), (sequence) => {
        for (const text of sequence) {
          if (!alone.has(text)) {
            parseVendorTimestamp('1999-01-01T00:00:00Z');
            parseVendorTimestamp('1998-01-01T00:00:00Z');
            alone.set(text, parseVendorTimestamp(text)?.getTime());
          }
        }
        const handed: Date[] = [];
        for (const text of sequence) {
          const date = parseVendorTimestamp(text);
          const expected = alone.get(text);
          if (expected === undefined) expect(date).toBeUndefined();
          else {
            expect(date?.getTime()).toBe(expected);
            for (const earlier of handed) expect(date).not.toBe(earlier);
            handed.push(date as Date);
            // Changing a date handed out changes no later one.
            date?.setTime(0);
          }
        }
      }),
      { numRuns: 1000 },
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
