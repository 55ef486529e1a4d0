import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NotFoundError,
  ProviderUnavailableError,
  RateLimitError,
  ResponseShapeError,
  TimeoutError,
} from './errors/errors.js';
import type { WarningEvent } from './http/hooks.js';
import { defaultMaxPages, type ListPage, walkPages } from './paging.js';

interface Row {
  id: string;
}

// How a server describes its pages: each vendor tells a different subset.
type Style = 'totalPages' | 'totalItems' | 'hasMore' | 'nextPage' | 'none';

function pageOf(rows: readonly Row[], page: number, size: number, style: Style): ListPage<Row> {
  const items = rows.slice((page - 1) * size, page * size);
  const totalPages = Math.max(1, Math.ceil(rows.length / size));
  switch (style) {
    case 'totalPages':
      return { items, page, totalPages };
    case 'totalItems':
      return { items, page, totalItems: rows.length, pageSize: size };
    case 'hasMore':
      return { items, hasMore: page < totalPages };
    case 'nextPage':
      return { items, page, ...(page < totalPages ? { nextPage: page + 1 } : { hasMore: false }) };
    case 'none':
      return { items };
  }
}

async function walk<Record>(
  fetchPage: (page: number) => Promise<ListPage<Record>>,
  extra: {
    pageSize?: number;
    strict?: boolean;
    read?: (record: Record) => Row;
    maxPages?: number;
  } = {},
) {
  const warnings: WarningEvent[] = [];
  const ids: string[] = [];
  for await (const item of walkPages<Record, Row>({
    provider: 'test',
    fetchPage,
    idOf: (row) => row.id,
    pageSize: extra.pageSize,
    read: extra.read,
    maxPages: extra.maxPages,
    options: {
      ...(extra.strict === undefined ? {} : { strict: extra.strict }),
      runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
    },
  })) {
    ids.push(item.id);
  }
  return { ids, warnings };
}

const rowsArbitrary = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxLength: 40 })
  .map((ids) => ids.map((id) => ({ id })));
const styleArbitrary = fc.constantFrom<Style>('totalPages', 'totalItems', 'hasMore', 'nextPage', 'none');

describe('walkPages', () => {
  it('yields every record of a well-behaved vendor once, in order, whatever it says about its pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.integer({ min: 1, max: 12 }),
        styleArbitrary,
        async (rows, size, style) => {
          const asked: number[] = [];
          const { ids, warnings } = await walk(
            async (page) => {
              asked.push(page);
              return pageOf(rows, page, size, style);
            },
            { pageSize: size },
          );
          expect(ids).toEqual(rows.map((row) => row.id));
          expect(warnings).toEqual([]);
          // Pages are asked in order, each once, and never far past the last one.
          expect(asked).toEqual(asked.map((_, index) => index + 1));
          expect(asked.length).toBeLessThanOrEqual(Math.ceil(rows.length / size) + 1);
        },
      ),
    );
  });

  it('ends against a server that ignores the page parameter, yielding its page once', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary.filter((rows) => rows.length > 0),
        fc.integer({ min: 1, max: 12 }),
        styleArbitrary,
        async (rows, size, style) => {
          let calls = 0;
          const { ids, warnings } = await walk(
            async () => {
              calls += 1;
              // Always the first page, with whatever the vendor claims about the rest.
              return pageOf(rows, 1, size, style);
            },
            { pageSize: size },
          );
          expect(ids).toEqual(rows.slice(0, size).map((row) => row.id));
          expect(calls).toBeLessThanOrEqual(2);
          // When the vendor claimed more pages than the walk could reach, it says so; so it does when it
          // claims nothing but page 1 was full and came back again: whatever lies past it is out of reach.
          const claimedMore = rows.length > size && style !== 'none';
          const fullRepeat = rows.length >= size && style === 'none';
          expect(warnings.map((event) => event.warning.type)).toEqual(
            claimedMore || fullRepeat ? ['incomplete-list'] : [],
          );
        },
      ),
    );
  });

  it('yields each record once when the same page comes back under every page number (total_pages 3)', async () => {
    const same = { items: [{ id: 'a' }, { id: 'b' }], totalPages: 3 };
    const asked: number[] = [];
    const { ids, warnings } = await walk(async (page) => {
      asked.push(page);
      return same;
    });
    expect(ids).toEqual(['a', 'b']);
    expect(asked).toEqual([1, 2]);
    expect(warnings).toEqual([
      {
        provider: 'test',
        operation: 'list',
        warning: {
          type: 'incomplete-list',
          message:
            'test list: more streams exist than the walk could reach (page 2 of 3 held no record not already seen); 2 listed',
        },
      },
    ]);
  });

  it('warns when the last page repeats an earlier one while the vendor counts records not seen', async () => {
    const pages: Record<number, ListPage<Row>> = {
      1: { items: [{ id: 'a' }, { id: 'b' }], page: 1, totalPages: 2, totalItems: 3 },
      2: { items: [{ id: 'a' }, { id: 'b' }], page: 2, totalPages: 2, totalItems: 3 },
    };
    const { ids, warnings } = await walk(async (page) => pages[page] ?? { items: [] });
    expect(ids).toEqual(['a', 'b']);
    expect(warnings.map((event) => event.warning.message)).toEqual([
      'test list: more streams exist than the walk could reach (its last page held no record not already seen, and it counts 3); 2 listed',
    ]);
  });

  it('yields a record once when pages shift while walking ([a, b] then [b, c])', async () => {
    const pages: Record<number, ListPage<Row>> = {
      1: { items: [{ id: 'a' }, { id: 'b' }], page: 1, totalPages: 2 },
      2: { items: [{ id: 'b' }, { id: 'c' }], page: 2, totalPages: 2 },
    };
    const { ids, warnings } = await walk(async (page) => pages[page] ?? { items: [] });
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(warnings).toEqual([]);
  });

  it('never yields a record twice and always ends while streams are created at the front during the walk', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 20 }),
        styleArbitrary,
        async (rows, size, inserts, style) => {
          const list = [...rows];
          let created = 0;
          let calls = 0;
          const { ids } = await walk(
            async (page) => {
              calls += 1;
              // Newer streams appear first, pushing the rest towards later pages between two requests.
              for (let count = inserts[calls - 1] ?? 0; count > 0; count -= 1) {
                created += 1;
                list.unshift({ id: `new-${created}` });
              }
              return pageOf(list, page, size, style);
            },
            { pageSize: size },
          );
          expect(new Set(ids).size).toBe(ids.length);
          // Every stream that existed before the walk and was never pushed past the end is listed.
          for (const row of rows.slice(0, size)) {
            if ((inserts[0] ?? 0) === 0) expect(ids).toContain(row.id);
          }
        },
      ),
    );
  });

  it('skips a record it cannot read, reports it, and yields the others', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (good, size) => {
          // Unreadable records are distinct, as a vendor's are: a page of nothing else still leads on.
          const rows = good.map((ok, index) => ({ id: ok ? `ok${index}` : `legacy:${index}` }));
          const read = (record: Row) => {
            if (record.id.includes(':')) {
              throw new ResponseShapeError({
                message: 'unusable id',
                issues: [{ path: 'id', expected: 'a stream id' }],
              });
            }
            return record;
          };
          const { ids, warnings } = await walk(async (page) => pageOf(rows, page, size, 'totalPages'), {
            pageSize: size,
            read,
          });
          expect(ids).toEqual(rows.filter((row) => !row.id.includes(':')).map((row) => row.id));
          const bad = rows.flatMap((row, index) =>
            row.id.includes(':') ? [{ page: Math.floor(index / size) + 1, index: index % size }] : [],
          );
          const skipped = warnings.filter((event) => event.warning.type === 'skipped-record');
          expect(skipped.map((event) => event.warning.message)).toEqual(
            bad.map(
              (at) =>
                `test list: record ${at.index + 1} of page ${at.page} was skipped: id (expected a stream id)`,
            ),
          );
          expect(warnings).toHaveLength(skipped.length);
        },
      ),
    );
  });

  it('throws the record problem instead when the call is strict', async () => {
    const rows = [{ id: 'a' }, { id: 'legacy:b' }];
    const read = (record: Row) => {
      if (record.id.includes(':'))
        throw new ResponseShapeError({
          message: 'unusable id',
          issues: [{ path: 'id', expected: 'a stream id' }],
        });
      return record;
    };
    const seen: string[] = [];
    const walker = walkPages<Row>({
      provider: 'test',
      fetchPage: async () => ({ items: rows, hasMore: false }),
      read,
      idOf: (row) => row.id,
      options: { strict: true },
    });
    await expect(
      (async () => {
        for await (const row of walker) seen.push(row.id);
      })(),
    ).rejects.toSatisfy((error) => ResponseShapeError.isInstance(error));
    expect(seen).toEqual(['a']);
  });

  it('throws ResponseShapeError for a list cut short when the call is strict', async () => {
    const walker = walkPages<Row>({
      provider: 'test',
      fetchPage: async () => ({ items: [{ id: 'a' }], totalItems: 25, pageSize: 1 }),
      idOf: (row) => row.id,
      options: { strict: true },
    });
    const error = await (async () => {
      try {
        for await (const _ of walker);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ResponseShapeError.isInstance(error)).toBe(true);
    expect((error as ResponseShapeError).issues).toEqual([
      { path: 'pagination', expected: 'pages that reach every record the vendor counts' },
    ]);
  });

  it('follows the page the vendor names next, and refuses one that goes back', async () => {
    const asked: number[] = [];
    const { ids, warnings } = await walk(async (page) => {
      asked.push(page);
      if (page === 1) return { items: [{ id: 'a' }], page: 1, nextPage: 3 };
      if (page === 3) return { items: [{ id: 'b' }], page: 3, nextPage: 1 };
      return { items: [] };
    });
    expect(asked).toEqual([1, 3]);
    expect(ids).toEqual(['a', 'b']);
    expect(warnings.map((event) => event.warning.message)).toEqual([
      'test list: more streams exist than the walk could reach (page 3 named page 1 as the next); 2 listed',
    ]);
  });

  it('stops on a page numbered other than the one asked', async () => {
    const { ids, warnings } = await walk(async (page) => ({
      items: [{ id: `p${page}` }],
      page: 1,
      totalPages: 5,
    }));
    // Page 2 answered as page 1: its records are new here, but the server is not paging.
    expect(ids).toEqual(['p1', 'p2']);
    expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
  });

  it('ends at maxPages with a warning when every page holds new records', async () => {
    let calls = 0;
    const { ids, warnings } = await walk(
      async (page) => {
        calls += 1;
        return { items: [{ id: `x${page}` }] };
      },
      { maxPages: 5 },
    );
    expect(calls).toBe(5);
    expect(ids).toHaveLength(5);
    expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
  });

  it('lets an error other than a record problem end the walk', async () => {
    const walker = walkPages<Row>({
      provider: 'test',
      fetchPage: async () => ({ items: [{ id: 'a' }] }),
      read: () => {
        throw new TypeError('bug');
      },
      idOf: (row) => row.id,
    });
    await expect(walker.next()).rejects.toThrow(TypeError);
  });

  it('keeps walking when a warning hook throws', async () => {
    const walker = walkPages<Row>({
      provider: 'test',
      fetchPage: async () => ({ items: [{ id: 'a' }, { id: 'a' }], totalPages: 2 }),
      idOf: (row) => row.id,
      options: {
        runtime: {
          hooks: {
            onWarning: () => {
              throw new Error('broken logger');
            },
          },
        },
      },
    });
    const ids: string[] = [];
    for await (const row of walker) ids.push(row.id);
    expect(ids).toEqual(['a']);
  });
});

describe('walkPages with unreadable records only', () => {
  it('ends against a page-ignoring server whose page holds nothing readable, reporting each record once', async () => {
    let calls = 0;
    const warnings: WarningEvent[] = [];
    const walker = walkPages<Row>({
      provider: 'test',
      fetchPage: async () => {
        calls += 1;
        return { items: [{ id: 'legacy:a' }, { id: 'legacy:b' }] };
      },
      read: () => {
        throw new ResponseShapeError({
          message: 'unusable id',
          issues: [{ path: 'id', expected: 'a stream id' }],
        });
      },
      idOf: (row) => row.id,
      pageSize: 2,
      options: { runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
    });
    for await (const _ of walker);
    expect(calls).toBe(2);
    // The full page came back: whatever lies past it cannot be reached.
    expect(warnings.map((event) => event.warning.type)).toEqual([
      'skipped-record',
      'skipped-record',
      'incomplete-list',
    ]);
  });
});

describe('walkPages with records nested past what JSON.stringify can take', () => {
  // As a vendor's answer parses them: `JSON.parse` reads any depth, `JSON.stringify` and `String` recurse.
  const nested = (depth: number, inner: unknown) =>
    JSON.parse(`${'['.repeat(depth)}${JSON.stringify(inner)}${']'.repeat(depth)}`) as unknown;

  it('skips each such record with its warning, tells apart those that differ, and ends on a page that repeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant('ok'), fc.constantFrom('x', 'y', 'z')), { minLength: 1, maxLength: 6 }),
        async (kinds) => {
          // Distinct readable ids; the deep records differ by what lies at their bottom and at their top.
          const records = kinds.map((kind, index) =>
            kind === 'ok' ? { id: `ok${index}` } : [index, nested(20_000, kind)],
          );
          let calls = 0;
          const warnings: WarningEvent[] = [];
          const ids: string[] = [];
          const walker = walkPages<unknown, Row>({
            provider: 'test',
            // A server that ignores the page asked for: the second page repeats the first.
            fetchPage: async () => {
              calls += 1;
              return { items: records };
            },
            read: (record) => {
              if (Array.isArray(record)) {
                throw new ResponseShapeError({
                  message: 'not a stream',
                  issues: [{ path: 'id', expected: 'a stream id' }],
                });
              }
              return record as Row;
            },
            idOf: (row) => row.id,
            pageSize: records.length,
            options: { runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
          });
          for await (const row of walker) ids.push(row.id);
          expect(ids).toEqual(kinds.flatMap((kind, index) => (kind === 'ok' ? [`ok${index}`] : [])));
          expect(calls).toBe(2);
          expect(
            warnings
              .filter((event) => event.warning.type === 'skipped-record')
              .map((event) => event.warning.message),
          ).toEqual(
            kinds.flatMap((kind, index) =>
              kind === 'ok'
                ? []
                : [`test list: record ${index + 1} of page 1 was skipped: id (expected a stream id)`],
            ),
          );
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('walkPages against servers that never say where the list ends', () => {
  it('warns, or throws when strict, when a full page comes back under the next page number and no counts are sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        async (size, extra, strict) => {
          // The server holds `size + extra` records but answers page 1 whatever is asked, and no counts.
          const rows = Array.from({ length: size + extra }, (_, index) => ({ id: `r${index}` }));
          const asked: number[] = [];
          const fetchPage = async (page: number) => {
            asked.push(page);
            return { items: rows.slice(0, size) };
          };
          if (strict) {
            const walked = walk(fetchPage, { pageSize: size, strict: true });
            await expect(walked).rejects.toSatisfy(
              (error) =>
                ResponseShapeError.isInstance(error) &&
                error.issues.some((issue) => issue.path === 'pagination'),
            );
            return;
          }
          const { ids, warnings } = await walk(fetchPage, { pageSize: size });
          expect(ids).toEqual(rows.slice(0, size).map((row) => row.id));
          expect(asked).toEqual([1, 2]);
          expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
          expect(warnings[0]?.warning.message).toContain('the server seems to ignore the page parameter');
        },
      ),
    );
  });

  it('stays silent when the repeated page was short: the list fit on it', async () => {
    const { ids, warnings } = await walk(async () => ({ items: [{ id: 'a' }] }), { pageSize: 5 });
    expect(ids).toEqual(['a']);
    expect(warnings).toEqual([]);
  });

  it('stops a server that keeps inventing records at the page cap, 1 000 pages by default', async () => {
    let calls = 0;
    const { ids, warnings } = await walk(async (page) => {
      calls += 1;
      return { items: [{ id: `x${page}` }], page, totalPages: 1e9, totalItems: 1e10 };
    });
    expect(calls).toBe(defaultMaxPages);
    expect(defaultMaxPages).toBe(1_000);
    expect(ids).toHaveLength(defaultMaxPages);
    expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
    expect(warnings[0]?.warning.message).toContain('maxPages');
  });

  it("takes the call's maxPages over the adapter's, and fetches exactly that many pages of an endless list", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.boolean(), async (cap, strict) => {
        let calls = 0;
        const warnings: WarningEvent[] = [];
        const walker = walkPages<Row>({
          provider: 'test',
          fetchPage: async (page) => {
            calls += 1;
            return { items: [{ id: `x${page}` }, { id: `y${page}` }], hasMore: true };
          },
          idOf: (row) => row.id,
          maxPages: 3,
          options: {
            maxPages: cap,
            strict,
            runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
          },
        });
        const ids: string[] = [];
        const outcome = await (async () => {
          for await (const row of walker) ids.push(row.id);
        })().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(calls).toBe(cap);
        expect(ids).toHaveLength(2 * cap);
        if (strict) {
          expect(ResponseShapeError.isInstance(outcome)).toBe(true);
          expect(warnings).toEqual([]);
        } else {
          expect(outcome).toBeUndefined();
          expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
        }
      }),
    );
  });
});

describe('walkPages with details fetched per record', () => {
  const unusable = () =>
    new ResponseShapeError({
      message: 'bad detail',
      issues: [{ path: 'live_stream.token', expected: 'string' }],
    });
  const serverError = () =>
    new ProviderUnavailableError({ message: 'test list failed (HTTP 500)', status: 500, provider: 'test' });
  // The same unavailability with a success's status line: the answer's body broke off after its retries.
  const cutSuccess = () =>
    new ProviderUnavailableError({
      message:
        'test list: the connection to vendor.example was lost while reading the answer (HTTP 200, 30 bytes of the body read)',
      status: 200,
      delivery: 'unknown',
      provider: 'test',
    });
  // And without any status: the connection dropped before the answer's head.
  const reset = () =>
    new ProviderUnavailableError({
      message: 'test list: could not reach vendor.example (ECONNRESET)',
      delivery: 'unknown',
      provider: 'test',
    });
  // A read whose last attempt timed out, whatever the attempts before it got.
  const timedOut = () =>
    new TimeoutError({
      message: 'test list: the request to vendor.example timed out after 300 ms',
      delivery: 'unknown',
      provider: 'test',
    });
  const failures = { failed: serverError, cut: cutSuccess, reset, timeout: timedOut } as const;

  type Failure = keyof typeof failures;
  // `odd`: a page item `read` refuses (an id unilive would not put in a URL): no detail read is made.
  type Outcome = 'ok' | 'unusable' | 'gone' | 'odd' | Failure;
  const isFailure = (outcome: Outcome): outcome is Failure => outcome in failures;

  async function walkDetails(outcomes: readonly Outcome[], strict = false) {
    const rows = outcomes.map((_, index) => ({ id: `s${index}` }));
    const warnings: WarningEvent[] = [];
    const yielded: string[] = [];
    const detailed: string[] = [];
    const walker = walkPages<Row, Row, { id: string; full: true }>({
      provider: 'test',
      fetchPage: async () => ({ items: rows, hasMore: false }),
      read: (row) => {
        if (outcomes[Number(row.id.slice(1))] === 'odd')
          throw new ResponseShapeError({ message: 'odd id', issues: [{ path: 'id', expected: 'an id' }] });
        return row;
      },
      idOf: (row) => row.id,
      details: async (row) => {
        detailed.push(row.id);
        const outcome = outcomes[Number(row.id.slice(1))];
        if (outcome === 'unusable') throw unusable();
        if (outcome !== undefined && isFailure(outcome)) throw failures[outcome]();
        if (outcome === 'gone') throw new NotFoundError({ message: 'gone', status: 404 });
        return { id: row.id, full: true };
      },
      options: { strict, runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
    });
    const error = await (async () => {
      for await (const item of walker) {
        expect(item.full).toBe(true);
        yielded.push(item.id);
      }
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { yielded, detailed, warnings, error };
  }

  it('skips a record whose details cannot be used or could not be read (a 5xx, a success cut short, a dropped connection, a timeout), once in a row, and lists the rest', async () => {
    const outcome = fc.constantFrom<Outcome>(
      'ok',
      'unusable',
      'failed',
      'cut',
      'reset',
      'timeout',
      'gone',
      'odd',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { maxLength: 20 }), async (outcomes) => {
        const { yielded, detailed, warnings, error } = await walkDetails(outcomes);
        // The rule's model: only lost reads count toward "in a row", and any record the vendor answered for
        // whole (usable, unusable, gone, or a page item refused) breaks the row; a second lost read in a row
        // ends the walk with its error.
        let streak = 0;
        let endAt = outcomes.length;
        for (const [index, outcome] of outcomes.entries()) {
          streak = isFailure(outcome) ? streak + 1 : 0;
          if (streak > 1) {
            endAt = index;
            break;
          }
        }
        const walked = outcomes.slice(0, endAt);
        expect(yielded).toEqual(walked.flatMap((outcome, index) => (outcome === 'ok' ? [`s${index}`] : [])));
        expect(detailed).toEqual(
          outcomes
            .slice(0, Math.min(outcomes.length, endAt + 1))
            .flatMap((outcome, i) => (outcome === 'odd' ? [] : [`s${i}`])),
        );
        expect(warnings.map((event) => event.warning.message)).toEqual(
          walked.flatMap((outcome, index) =>
            outcome === 'odd'
              ? [`test list: record ${index + 1} of page 1 was skipped: id (expected an id)`]
              : outcome === 'unusable'
                ? [
                    `test list: stream s${index} (record ${index + 1} of page 1) was skipped: its details could not be used: live_stream.token (expected string)`,
                  ]
                : isFailure(outcome)
                  ? [
                      `test list: stream s${index} (record ${index + 1} of page 1) was skipped: its details could not be read: reading it failed after its retries (${failures[outcome]().message}); get it later`,
                    ]
                  : outcome === 'gone'
                    ? [
                        `test list: stream s${index} (record ${index + 1} of page 1) was skipped: reading its details found no such stream (HTTP 404): deleted since its page was served, or listed by the vendor but not readable`,
                      ]
                    : [],
          ),
        );
        if (endAt < outcomes.length) {
          const last = outcomes[endAt];
          const expected = last === 'timeout' ? TimeoutError : ProviderUnavailableError;
          expect(expected.isInstance(error)).toBe(true);
        } else expect(error).toBeUndefined();
      }),
    );
  });

  it('a record gone when its details are read is named in a warning, strict or not, and the walk goes on', async () => {
    for (const strict of [false, true]) {
      const { yielded, warnings, error } = await walkDetails(['gone', 'ok', 'gone', 'gone'], strict);
      expect(error).toBeUndefined();
      expect(yielded).toEqual(['s1']);
      expect(warnings).toEqual(
        [0, 2, 3].map((index) => ({
          provider: 'test',
          operation: 'list',
          warning: {
            type: 'skipped-record',
            message: `test list: stream s${index} (record ${index + 1} of page 1) was skipped: reading its details found no such stream (HTTP 404): deleted since its page was served, or listed by the vendor but not readable`,
          },
        })),
      );
    }
  });

  it('never yields a stream whose details are about another record: skipped with its warning, or thrown when strict (generated)', async () => {
    // A proxy or cache serving another URL's answer: record i's details come back as stream `answers[i]`.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (answers, strict) => {
          const rows = answers.map((_, index) => ({ id: `s${index}` }));
          const warnings: WarningEvent[] = [];
          const yielded: string[] = [];
          const walker = walkPages<Row, Row, { id: string }>({
            provider: 'test',
            fetchPage: async () => ({ items: rows, hasMore: false }),
            idOf: (row) => row.id,
            details: async (row) => ({ id: `s${answers[Number(row.id.slice(1))]}` }),
            options: { strict, runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
          });
          const error = await (async () => {
            for await (const item of walker) yielded.push(item.id);
          })().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          const about = (index: number) => answers[index] === index;
          const firstOther = answers.findIndex((_, index) => !about(index));
          if (strict && firstOther >= 0) {
            expect(ResponseShapeError.isInstance(error), String(error)).toBe(true);
            expect((error as ResponseShapeError).message).toBe(
              `test list: the vendor's answer about stream s${firstOther} is about another stream`,
            );
            expect(yielded).toEqual(rows.slice(0, firstOther).map((row) => row.id));
            return;
          }
          expect(error).toBeUndefined();
          expect(yielded).toEqual(rows.filter((_, index) => about(index)).map((row) => row.id));
          expect(new Set(yielded).size).toBe(yielded.length);
          expect(warnings.map((event) => event.warning.message)).toEqual(
            answers.flatMap((_, index) =>
              about(index)
                ? []
                : [
                    `test list: stream s${index} (record ${index + 1} of page 1) was skipped: its details could not be used: id (expected the id of the stream asked for)`,
                  ],
            ),
          );
        },
      ),
    );
  });

  it('throws the first detail problem when the call is strict', async () => {
    for (const [bad, check] of [
      ['unusable', ResponseShapeError],
      ['failed', ProviderUnavailableError],
      ['cut', ProviderUnavailableError],
      ['reset', ProviderUnavailableError],
      ['timeout', TimeoutError],
      ['odd', ResponseShapeError],
    ] as const) {
      const { yielded, warnings, error } = await walkDetails(['ok', bad, 'ok'], true);
      expect(yielded).toEqual(['s0']);
      expect(warnings).toEqual([]);
      expect(check.isInstance(error)).toBe(true);
    }
  });

  it('with options.name, reads the details only of records whose page names them so (or names nothing), and a record passed over unread leaves the row of lost reads as it was', async () => {
    const names = fc.constantFrom('sought', 'other', undefined);
    const outcomes = fc.constantFrom<'ok' | 'failed'>('ok', 'failed');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: names, outcome: outcomes }), { maxLength: 12 }),
        async (records) => {
          const rows = records.map((record, index) => ({ id: `s${index}`, ...record }));
          const detailed: string[] = [];
          const yielded: string[] = [];
          const walker = walkPages<(typeof rows)[number], (typeof rows)[number], { id: string }>({
            provider: 'test',
            fetchPage: async () => ({ items: rows, hasMore: false }),
            idOf: (row) => row.id,
            nameOf: (row) => row.name,
            details: async (row) => {
              detailed.push(row.id);
              if (row.outcome === 'failed') throw serverError();
              return { id: row.id };
            },
            options: { name: 'sought' },
          });
          const error = await (async () => {
            for await (const item of walker) yielded.push(item.id);
          })().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          // The model: records named otherwise are not read; of the others, a second lost read in a row ends it.
          const read = rows.filter((row) => row.name !== 'other');
          let streak = 0;
          let endAt = read.length;
          for (const [index, row] of read.entries()) {
            streak = row.outcome === 'failed' ? streak + 1 : 0;
            if (streak > 1) {
              endAt = index;
              break;
            }
          }
          const said = JSON.stringify(records);
          expect(detailed, said).toEqual(read.slice(0, endAt + 1).map((row) => row.id));
          expect(yielded, said).toEqual(
            read
              .slice(0, endAt)
              .filter((row) => row.outcome === 'ok')
              .map((row) => row.id),
          );
          expect(error === undefined, said).toBe(endAt === read.length);
        },
      ),
    );
  });

  it('ends the walk on any other failure of a detail read', async () => {
    const walker = walkPages<Row, Row, Row>({
      provider: 'test',
      fetchPage: async () => ({ items: [{ id: 'a' }, { id: 'b' }], hasMore: false }),
      idOf: (row) => row.id,
      details: async () => {
        throw new RateLimitError({ message: 'slow down', status: 429 });
      },
    });
    await expect(walker.next()).rejects.toSatisfy((error) => RateLimitError.isInstance(error));
  });

  it('ends the walk, reporting no record skipped, on a detail read that was never sent', async () => {
    // The client's own rate limit store down (rateLimit set to fail then), its gate out of time, or a
    // refused connection: nothing the vendor lost for this record, and every read after it would fail too.
    const neverSent = [
      () =>
        new ProviderUnavailableError({
          message:
            'test: the rate limit store (redis) is unavailable (ECONNREFUSED) and rateLimit is set to fail then; not sent',
          delivery: 'not-sent',
          provider: 'test',
        }),
      () =>
        new TimeoutError({
          message:
            "test: the client's rateLimit (requestsPerSecond) could not let the request start before the call's time limit (totalTimeoutMs 2000 ms), less its reserve, ran out; not sent",
          delivery: 'not-sent',
          provider: 'test',
        }),
      () =>
        new ProviderUnavailableError({
          message: 'test list: could not reach vendor.example (ECONNREFUSED)',
          delivery: 'not-sent',
          provider: 'test',
        }),
    ];
    for (const make of neverSent) {
      const thrown = make();
      const warnings: WarningEvent[] = [];
      const walker = walkPages<Row, Row, Row>({
        provider: 'test',
        fetchPage: async () => ({ items: [{ id: 'a' }, { id: 'b' }], hasMore: false }),
        idOf: (row) => row.id,
        details: async () => {
          throw thrown;
        },
        options: { runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
      });
      await expect(walker.next()).rejects.toBe(thrown);
      expect(warnings).toEqual([]);
    }
  });
});

describe('walkPages with one name sought and records it cannot read', () => {
  // What a page's record says its name is: the one sought, another, none, or a value of another type;
  // `throws`: reading it fails.
  const nameArbitrary = fc.constantFrom<unknown>(
    'sought',
    'other',
    'another',
    '',
    undefined,
    null,
    42,
    {},
    'throws',
  );
  type Named = { id: string; name?: unknown };
  const isUnreadable = (row: Named) => row.id.startsWith('legacy:');
  const refuse = (row: Named): Row => {
    if (isUnreadable(row))
      throw new ResponseShapeError({
        message: 'test list: unexpected response shape at id (expected a stream id)',
        issues: [{ path: 'id', expected: 'a stream id' }],
      });
    return { id: row.id };
  };
  // Returns what the record holds, whatever its type: the walker takes only a string as a name.
  const nameOfRecord = (row: Named) => {
    if (row.name === 'throws') throw new Error('no name here');
    return row.name as string | undefined;
  };

  it('passes over, without a warning or a strict error, an unreadable record that names another stream; one whose name it cannot tell, or that names the one sought, is reported as before; pages end as before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ readable: fc.boolean(), name: nameArbitrary }), { maxLength: 24 }),
        fc.integer({ min: 1, max: 6 }),
        styleArbitrary,
        fc.boolean(),
        fc.boolean(),
        async (records, size, style, strict, seek) => {
          const rows: Named[] = records.map((record, index) => ({
            id: record.readable ? `ok${index}` : `legacy:${index}`,
            ...(record.name === undefined ? {} : { name: record.name }),
          }));
          const asked: number[] = [];
          const warnings: WarningEvent[] = [];
          const ids: string[] = [];
          const walker = walkPages<Named, Row>({
            provider: 'test',
            fetchPage: async (page) => {
              asked.push(page);
              const { items, ...rest } = pageOf(rows as Row[], page, size, style);
              return { items: items as Named[], ...rest };
            },
            read: refuse,
            idOf: (row) => row.id,
            nameOfRecord,
            pageSize: size,
            options: {
              strict,
              ...(seek ? { name: 'sought' } : {}),
              runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
            },
          });
          const error = await (async () => {
            for await (const row of walker) ids.push(row.id);
          })().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          // The model: an unreadable record is passed over in silence only when a name is sought and its
          // record names another one; every other unreadable record is reported (or, strict, throws).
          const silent = (row: Named) =>
            seek && typeof row.name === 'string' && row.name !== 'sought' && row.name !== 'throws';
          const where = (index: number) =>
            `record ${(index % size) + 1} of page ${Math.floor(index / size) + 1}`;
          const reported = rows.flatMap((row, index) => (isUnreadable(row) && !silent(row) ? [index] : []));
          const said = JSON.stringify({ rows, size, style, strict, seek });
          const first = reported[0];
          if (strict && first !== undefined) {
            expect(ResponseShapeError.isInstance(error), said).toBe(true);
            expect(error, said).toMatchObject({
              message: `test list: ${where(first)} could not be read: id (expected a stream id)`,
              operation: 'list',
              provider: 'test',
              issues: [{ path: 'id', expected: 'a stream id' }],
            });
            expect((error as Error).cause, said).toSatisfy((cause) => ResponseShapeError.isInstance(cause));
            expect(ids, said).toEqual(
              rows
                .slice(0, first)
                .filter((row) => !isUnreadable(row))
                .map((row) => row.id),
            );
            expect(warnings, said).toEqual([]);
            return;
          }
          expect(error, said).toBeUndefined();
          expect(ids, said).toEqual(rows.filter((row) => !isUnreadable(row)).map((row) => row.id));
          expect(
            warnings.map((event) => [event.operation, event.warning.type, event.warning.message]),
            said,
          ).toEqual(
            reported.map((index) => [
              'list',
              'skipped-record',
              `test list: ${where(index)} was skipped: id (expected a stream id)`,
            ]),
          );
          // A record passed over still counts as one its page brought: the pages asked are those of a
          // list whose every record is read.
          expect(asked, said).toEqual(asked.map((_, index) => index + 1));
          expect(asked.length, said).toBeLessThanOrEqual(Math.ceil(rows.length / size) + 1);
        },
      ),
    );
  });

  it('a page-ignoring server whose page holds only records naming other streams ends as it would with readable ones: one incomplete-list warning, no skipped-record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (size) => {
        let calls = 0;
        const warnings: WarningEvent[] = [];
        const rows = Array.from({ length: size }, (_, index) => ({
          id: `legacy:${index}`,
          name: `other ${index}`,
        }));
        const walker = walkPages<Named, Row>({
          provider: 'test',
          fetchPage: async () => {
            calls += 1;
            return { items: rows };
          },
          read: refuse,
          idOf: (row) => row.id,
          nameOfRecord,
          pageSize: size,
          options: { name: 'sought', runtime: { hooks: { onWarning: (event) => warnings.push(event) } } },
        });
        for await (const _ of walker);
        expect(calls).toBe(2);
        expect(warnings.map((event) => event.warning.type)).toEqual(['incomplete-list']);
      }),
    );
  });
});

describe('walkPages serving another call', () => {
  // `odd`: a page item `read` refuses; `gone`: its details find no such stream; `unusable`: details of
  // another shape; `failed`: a detail read lost after its retries; `cut`: pages that stop before the count.
  type Outcome = 'odd' | 'gone' | 'unusable' | 'failed' | 'cut';
  it("names the call the caller made, with the walk's own inside it, in its warnings and errors (findByName (list)); a walk serving no other call names its own", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Outcome>('odd', 'gone', 'unusable', 'failed', 'cut'),
        fc.constantFrom<string | undefined>('findByName', 'migrate', 'list', undefined),
        fc.boolean(),
        async (outcome, served, strict) => {
          const warnings: WarningEvent[] = [];
          const walker = walkPages<Row, Row, Row>({
            provider: 'test',
            fetchPage: async () =>
              outcome === 'cut'
                ? { items: [{ id: 'a' }], totalItems: 3, pageSize: 1 }
                : { items: [{ id: 'a' }], hasMore: false },
            read: (row) => {
              if (outcome === 'odd')
                throw new ResponseShapeError({
                  message: 'odd id',
                  issues: [{ path: 'id', expected: 'an id' }],
                });
              return row;
            },
            idOf: (row) => row.id,
            details: async (row) => {
              if (outcome === 'gone') throw new NotFoundError({ message: 'gone', status: 404 });
              if (outcome === 'unusable')
                throw new ResponseShapeError({
                  message: 'bad detail',
                  issues: [{ path: 'token', expected: 'string' }],
                });
              if (outcome === 'failed')
                throw new ProviderUnavailableError({ message: 'test list failed (HTTP 500)', status: 500 });
              return row;
            },
            maxPages: 1,
            options: {
              strict,
              runtime: {
                ...(served === undefined ? {} : { operation: served }),
                hooks: { onWarning: (event) => warnings.push(event) },
              },
            },
          });
          const error = await (async () => {
            for await (const _ of walker);
          })().then(
            () => undefined,
            (caught: unknown) => caught,
          );
          const called = served ?? 'list';
          const label = called === 'list' ? 'list' : `${called} (list)`;
          const said = JSON.stringify({ outcome, served, strict });
          // A stream gone is told either way; detail failures thrown when strict are the reads' own errors.
          const thrownByWalk = strict && (outcome === 'odd' || outcome === 'cut');
          if (thrownByWalk) {
            expect(error, said).toMatchObject({ name: 'ResponseShapeError', operation: called });
            expect((error as Error).message.startsWith(`test ${label}: `), said).toBe(true);
            return;
          }
          if (strict && outcome !== 'gone') {
            expect(error, said).toBeDefined();
            return;
          }
          expect(error, said).toBeUndefined();
          expect(warnings, said).toHaveLength(1);
          expect(warnings[0]?.operation, said).toBe(called);
          expect(warnings[0]?.warning.message.startsWith(`test ${label}: `), said).toBe(true);
        },
      ),
    );
  });
});

describe('walkPages with one name sought and an id listed more than once', () => {
  // A page may list a stream twice (a page that shifted, a vendor's own repeat), and a stream renamed while
  // the walk crosses its pages is listed under its old name on one page and its new one on another.
  type Named = { id: string; name?: string; bad?: true };
  const idArbitrary = fc.constantFrom('s', 't', 'u', 'v');
  const nameArbitrary = fc.constantFrom<string | undefined>('sought', 'other', 'another', undefined);
  const recordArbitrary = fc.record({ id: idArbitrary, name: nameArbitrary, bad: fc.boolean() });
  const toRows = (records: readonly { id: string; name: string | undefined; bad: boolean }[]): Named[] =>
    records.map(({ id, name, bad }) => ({
      id,
      ...(name === undefined ? {} : { name }),
      ...(bad ? { bad: true as const } : {}),
    }));
  const refuse = (row: Named): Named => {
    if (row.bad)
      throw new ResponseShapeError({
        message: 'test list: unexpected response shape at status (expected a state)',
        issues: [{ path: 'status', expected: 'a state' }],
      });
    return row;
  };

  async function walkNamed(
    fetchPage: (page: number) => Promise<ListPage<Named>>,
    size: number,
    name: string | undefined,
  ) {
    const asked: number[] = [];
    const warnings: WarningEvent[] = [];
    const yielded: Named[] = [];
    const detailed: string[] = [];
    for await (const row of walkPages<Named, Named>({
      provider: 'test',
      fetchPage: async (page) => {
        asked.push(page);
        return fetchPage(page);
      },
      read: refuse,
      idOf: (row) => row.id,
      nameOf: (row) => row.name,
      nameOfRecord: (row) => row.name,
      details: async (row) => {
        detailed.push(row.id);
        return row;
      },
      pageSize: size,
      options: {
        ...(name === undefined ? {} : { name }),
        runtime: { hooks: { onWarning: (event) => warnings.push(event) } },
      },
    })) {
      yielded.push(row);
    }
    return { asked, warnings, yielded, detailed };
  }

  // The model: of each id, the first readable record the walk reaches whose page names the stream sought,
  // or names nothing, is read and yielded; records of that id before it, passed over by name, hide nothing.
  const firstConsidered = (rows: readonly Named[], sought: string) => {
    const taken = new Set<string>();
    return rows.filter((row) => {
      if (row.bad || taken.has(row.id)) return false;
      if (row.name !== undefined && row.name !== sought) return false;
      taken.add(row.id);
      return true;
    });
  };

  it('a record passed over by name does not hide a later record of its id carrying the name sought, in any position and on any page; the pages asked and the incomplete-list warnings are those of the walk without a name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArbitrary, { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        styleArbitrary,
        async (records, size, style) => {
          const rows = toRows(records);
          const fetchPage = async (page: number) =>
            pageOf(rows as Row[], page, size, style) as ListPage<Named>;
          const sought = await walkNamed(fetchPage, size, 'sought');
          const plain = await walkNamed(fetchPage, size, undefined);
          const said = JSON.stringify({ rows, size, style });
          // A record passed over by name counts as one its page brought, as before: the walk asks for the
          // same pages, and ends (or says it was cut short) where the walk of every name does.
          expect(sought.asked, said).toEqual(plain.asked);
          const incomplete = (events: WarningEvent[]) =>
            events
              .filter((event) => event.warning.type === 'incomplete-list')
              .map((event) => event.warning.message);
          expect(incomplete(sought.warnings), said).toEqual(incomplete(plain.warnings));
          const reached = plain.asked.flatMap((page) => rows.slice((page - 1) * size, page * size));
          const expected = firstConsidered(reached, 'sought');
          expect(sought.yielded, said).toEqual(expected);
          expect(sought.detailed, said).toEqual(expected.map((row) => row.id));
          // Without a name, the first readable record of each id stands, whatever its name.
          const firsts = new Set<string>();
          expect(plain.yielded, said).toEqual(
            reached.filter((row) => !row.bad && !firsts.has(row.id) && firsts.add(row.id) !== undefined),
          );
          // An unreadable record of another name is passed over in silence; one that may be the stream sought
          // is reported once, however often it comes back.
          expect(
            sought.warnings.filter((event) => event.warning.type === 'skipped-record').length,
            said,
          ).toBe(
            new Set(
              reached
                .filter((row) => row.bad && (row.name === undefined || row.name === 'sought'))
                .map((row) => JSON.stringify(row)),
            ).size,
          );
        },
      ),
    );
  });

  it('renamed across pages: page 1 lists the stream under its old name, page 2 under the one sought', async () => {
    await fc.assert(
      fc.asyncProperty(
        styleArbitrary,
        fc.constantFrom<Named>({ id: 's', name: 'old' }, { id: 's', name: 'old', bad: true }),
        async (style, stale) => {
          const rows: Named[] = [
            stale,
            { id: 'a', name: 'a' },
            { id: 's', name: 'sought' },
            { id: 'b', name: 'b' },
          ];
          const { yielded, warnings } = await walkNamed(
            async (page) => pageOf(rows as Row[], page, 2, style) as ListPage<Named>,
            2,
            'sought',
          );
          expect(yielded).toEqual([{ id: 's', name: 'sought' }]);
          expect(warnings).toEqual([]);
        },
      ),
    );
  });

  it('a page-ignoring server whose page lists an id under another name and then the one sought yields it once and ends as before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { minLength: 1, maxLength: 8 }), async (records) => {
        const rows = toRows(records);
        const size = rows.length;
        const sought = await walkNamed(async () => ({ items: rows }), size, 'sought');
        const plain = await walkNamed(async () => ({ items: rows }), size, undefined);
        const said = JSON.stringify(rows);
        // The page comes back under page 2, bringing nothing new: the walk ends there, with its warning.
        expect(sought.asked, said).toEqual([1, 2]);
        expect(plain.asked, said).toEqual([1, 2]);
        expect(sought.yielded, said).toEqual(firstConsidered(rows, 'sought'));
        expect(sought.warnings.filter((event) => event.warning.type === 'incomplete-list').length, said).toBe(
          1,
        );
      }),
    );
  });
});
