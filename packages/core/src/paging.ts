import {
  NotFoundError,
  ProviderUnavailableError,
  ResponseShapeError,
  TimeoutError,
} from './errors/errors.js';
import { UniliveError } from './errors/unilive-error.js';
import { emit } from './http/hooks.js';
import { endedByCallDeadline, sameStream } from './lifecycle.js';
import type { ProviderId, Warning } from './live-stream.js';
import type { ListOptions } from './provider.js';
import type { SecretSource } from './secrets.js';

/**
 * What one page of a vendor's list said. Only `items` is required: each vendor tells a different part of
 * the rest (Wowza `pagination.total_pages`, LiveAPI `totalDocs` / `hasNextPage` / `nextPage`, videosdk
 * `pageInfo.lastPage`), and the adapter passes on whatever its vendor sent.
 */
export interface ListPage<Record> {
  /** The page's records, in the vendor's order, as they arrived (the walker reads each one). */
  items: readonly Record[];
  /** The page number the vendor says it answered; a different number than the one asked means it ignored it. */
  page?: number | undefined;
  /** How many pages the vendor says there are. */
  totalPages?: number | undefined;
  /** How many records the vendor says there are. */
  totalItems?: number | undefined;
  /** The page size the vendor says it applied (with `totalItems`, it gives the number of pages). */
  pageSize?: number | undefined;
  /** The vendor's own word on whether a page follows this one; `false` also marks an unpaged answer. */
  hasMore?: boolean | undefined;
  /** The page to ask for next, when the vendor names it (LiveAPI `nextPage`); else the next number. */
  nextPage?: number | undefined;
}

/** Where a record sits in the walk, for the reader and for warnings. */
export interface RecordPosition {
  /** 1-based page number asked for. */
  page: number;
  /** 0-based index of the record within its page. */
  index: number;
}

/** Settings of {@link walkPages}. */
export interface WalkPagesSettings<Record, Item, Output = Item> {
  provider: ProviderId;
  /**
   * Named in warnings and errors. Default `list`. A walk serving another public call (the call's
   * `runtime.operation`, a registry's `findByName`) names that call, with this one inside it:
   * `wowza-video findByName (list): …`, `operation: 'findByName'`.
   */
  operation?: string | undefined;
  /** Fetches one page by its 1-based number, with the call's signal and runtime. */
  fetchPage: (page: number) => Promise<ListPage<Record>>;
  /**
   * Reads one record. Throwing {@link ResponseShapeError} marks a record unilive cannot use (an id it would
   * not put in a URL, say): it is skipped with a `skipped-record` warning, or ends the walk when `strict`
   * with a `ResponseShapeError` of the walk's own naming the record's place and the issues thrown (the
   * thrown error is its `cause`); one that names another stream than the one sought is passed over (see
   * `nameOfRecord`). Any other error ends the walk. Default: the record as it is.
   */
  read?: ((record: Record, position: RecordPosition) => Item) | undefined;
  /**
   * The id each item is known by: an id considered before (yielded, or its details read or tried) is not
   * considered again. An id only passed over by name (`nameOf`) is not: a later record of that id that
   * carries the name sought is considered (a stream renamed while the walk crosses pages, a page that lists
   * it twice). Every id met counts once for the page rules, whatever became of it.
   */
  idOf: (item: Item) => string;
  /**
   * The name a page's record carries, when the vendor's page tells it (Wowza Video's and Real-Time's list
   * items do, and LiveAPI's and videosdk v1's whole streams); `undefined` when this record's page does not.
   * When the call asks for one name (`ListOptions.name`), a record whose page names it otherwise is passed
   * over before its `details` are read: no request, no warning, and its id stays free for a later record
   * that carries the name sought. Default: every record's details are read.
   */
  nameOf?: ((item: Item) => string | undefined) | undefined;
  /**
   * The name a page's record carries as it arrived, before `read` (the field the stream's `name` comes
   * from): a string, else `undefined`. Asked only of a record `read` refuses, and only when the call asks
   * for one name (`ListOptions.name`): a record that names another stream is passed over as `nameOf` passes
   * over a readable one, with no `skipped-record` warning and, when `strict`, no error (the call asked
   * nothing of it). It still counts as a record its page brought (so a page of nothing else is no repeat),
   * and, as any record `read` refuses, breaks a row of lost detail reads; it takes no id, so a later
   * readable record of its stream is considered. A record whose name this cannot
   * tell (none, not a string, or this throws) may be the stream sought: it is skipped with its warning, or
   * ends the walk when `strict`, as without a name. Default: no record's name is read.
   */
  nameOfRecord?: ((record: Record) => string | undefined) | undefined;
  /**
   * Fetches what a page's record lacks, once for each new item, as the walk reaches it (Wowza lists
   * summaries: each stream's details cost one GET). What it resolves is yielded instead of the item. A
   * record gone since its page was served (`NotFoundError`: deleted while walking) is left out with a
   * `skipped-record` warning naming its id, even when `strict` (nothing is wrong with the walk). Details
   * unilive cannot use (`ResponseShapeError`: not JSON, a truncated body, another shape) skip it with a
   * `skipped-record` warning naming its id, or end the walk when `strict` (with that error), however many
   * come. A read lost after its retries (`ProviderUnavailableError`, or any error with a 5xx `status`: a
   * 5xx whole or broken off, a success whose body broke off, a dropped connection; or `TimeoutError`,
   * whichever attempt timed out) is skipped the same way, or ends the walk with its own error when
   * `strict`; but a second lost read in a row means the vendor, not one record, is failing, and ends the
   * walk with it. "In a row" counts records the vendor answered for: a record between two lost reads that
   * it answered whole (read, unusable, gone, or refused by `read`) breaks the row. Any other error ends the
   * walk (`RateLimitError`, `AuthenticationError`, an abort, and a read never sent, `delivery: 'not-sent'`:
   * the client's own rate limit store down or its gate out of time, a refused connection).
   */
  details?: ((item: Item, position: RecordPosition) => Promise<Output>) | undefined;
  /**
   * Called when the walk starts and each time it resumes after handing out a stream: each `next()` of the
   * iterator is one step, whose requests (a page, the detail reads until the next stream) share one
   * deadline. An adapter fixes it here (`http.startCall`) and makes the step's requests with the options it
   * returned, so `totalTimeoutMs` bounds each `next()`, never a walk of any length.
   */
  startStep?: (() => void) | undefined;
  /** The page size asked for: a shorter page ends the walk when the vendor says nothing else. */
  pageSize?: number | undefined;
  /**
   * Why the vendor's pages take no size, when they take none (LiveAPI documents no page-size parameter): a
   * call that gives `pageSize` then hears, once as the walk starts, an `unsupported-setting` warning (setting
   * `pageSize`) saying it is not sent, rather than the option doing nothing unheard.
   */
  noPageSize?: string | undefined;
  /**
   * The call's options: `strict`, `maxPages`, `name` (see `nameOf`), `pageSize` (see `noPageSize`), and the
   * runtime whose `onWarning` hook hears the warnings.
   */
  options?: Pick<ListOptions, 'strict' | 'runtime' | 'maxPages' | 'name' | 'pageSize'> | undefined;
  /** Values to scrub from an error's text: the provider's `SecretSet`, or a list of values. */
  secrets?: SecretSource | undefined;
  /**
   * Pages fetched at most before the walk ends as incomplete, when the call's options set none. Default
   * {@link defaultMaxPages}.
   */
  maxPages?: number | undefined;
}

/**
 * The default cap on pages one walk fetches (`ListOptions.maxPages`): a server that keeps inventing records
 * ends there, with an `incomplete-list` warning.
 */
export const defaultMaxPages = 1_000;

/**
 * Walks a vendor's list page by page and yields each item once, lazily: the one paging loop every adapter's
 * `list` runs.
 *
 * - An item whose id was yielded before (pages shift when streams are created or deleted while walking) is
 *   not yielded again. With `options.name`, a record passed over by name does not hide a later record of
 *   its id that carries the name sought (the stream renamed while the walk crosses pages): an id is taken
 *   by the first record that is read or yielded, not by one passed over.
 * - The walk ends when the vendor says this is the last page (`hasMore: false`, `page >= totalPages`, or
 *   the pages `totalItems / pageSize` gives), on an empty page, on a page with no new record (a server that
 *   ignores the page parameter), on a page numbered other than the one asked, when `maxPages` pages were
 *   fetched, and, when the vendor tells nothing about pages, on a page shorter than `pageSize`. It never
 *   loops forever.
 * - When it ends early while more may exist (the vendor said so with `hasMore`, `nextPage` or pages not
 *   reached; a page that repeats a full page, so records past it cannot be reached; the page cap), it
 *   reports an `incomplete-list` warning through `onWarning`, or throws {@link ResponseShapeError} when the
 *   call is `strict`: a list is never cut short without a word.
 * - A record `read` refuses, or whose `details` cannot be used or fetched, is skipped with a `skipped-record`
 *   warning, or throws when `strict`; one whose `details` find it gone is skipped with that warning always.
 *   A second detail read lost in a row (see `details`) ends the walk with its error.
 * - With `options.name`, a record whose page carries another name (`nameOf`) is passed over unread, and so
 *   is one `read` refuses whose record names another stream (`nameOfRecord`): no warning, no strict error.
 */
export async function* walkPages<Record, Item = Record, Output = Item>(
  settings: WalkPagesSettings<Record, Item, Output>,
): AsyncGenerator<Output, void, undefined> {
  const operation = settings.operation ?? 'list';
  // A walk made while serving another public operation (a registry's `findByName`) warns under its name,
  // and its messages name it with the provider call inside it, as the HTTP layer's do (`findByName (list)`):
  // the caller reads the call it made.
  const served = settings.options?.runtime?.operation;
  const warnedAs = typeof served === 'string' && served !== '' ? served : operation;
  const label = warnedAs === operation ? operation : `${warnedAs} (${operation})`;
  const startStep = settings.startStep;
  startStep?.();
  const strict = settings.options?.strict === true;
  const sought = settings.options?.name;
  const maxPages = settings.options?.maxPages ?? settings.maxPages ?? defaultMaxPages;
  const read = settings.read ?? ((record: Record) => record as unknown as Item);
  const warn = (warning: Warning) =>
    emit(settings.options?.runtime?.hooks?.onWarning, {
      provider: settings.provider,
      operation: warnedAs,
      warning,
    });
  if (settings.noPageSize !== undefined && settings.options?.pageSize !== undefined) {
    warn({
      type: 'unsupported-setting',
      setting: 'pageSize',
      message: `${settings.provider} ${label}: pageSize is not sent: ${settings.noPageSize}`,
    });
  }
  // Every id met on a page, considered or passed over by name: what the walk counts against the vendor's
  // count and what makes a page bring something new.
  const met = new Set<string>();
  // Ids considered (yielded, or their details read or tried): never considered again. Without a name
  // sought every id met is considered, so one set serves both (a walk of 10,000 streams keeps some 40 B
  // less per stream than with two).
  const seen = sought === undefined ? met : new Set<string>();
  const skippedRecords = new Set<string>();
  // Detail reads lost in a row: one is a record's problem, two the vendor's. Any record the vendor answered
  // for whole in between (its details, usable or not, gone, or a page item `read` refused) breaks the row.
  let lostDetails = 0;

  // The walk stops before the vendor's own end: say so, or fail when asked to.
  const incomplete = (why: string) => {
    const message = `${settings.provider} ${label}: more streams exist than the walk could reach (${why}); ${met.size} listed`;
    if (strict) {
      throw new ResponseShapeError({
        message,
        provider: settings.provider,
        operation: warnedAs,
        issues: [{ path: 'pagination', expected: 'pages that reach every record the vendor counts' }],
        secrets: settings.secrets,
      });
    }
    warn({ type: 'incomplete-list', message });
  };

  for (let page = 1, fetched = 1; ; fetched += 1) {
    const answer = await settings.fetchPage(page);
    let fresh = 0;
    for (const [index, record] of answer.items.entries()) {
      let item: Item;
      try {
        item = read(record, { page, index });
      } catch (error) {
        if (!ResponseShapeError.isInstance(error)) throw error;
        // Another stream by its own record's word: what the call asked for is not in it, so nothing is
        // missing from the answer (strict or not). A record whose name cannot be read may be the one sought.
        const another = sought !== undefined && namesAnother(settings.nameOfRecord, record, sought);
        const where =
          error.issues.map((issue) => `${issue.path} (expected ${issue.expected})`).join(', ') ||
          'unreadable';
        if (strict && !another) {
          // Made here rather than passed on: `read`'s error names the adapter's own call, and not where
          // the record sat.
          throw new ResponseShapeError({
            message: `${settings.provider} ${label}: record ${index + 1} of page ${page} could not be read: ${where}`,
            provider: settings.provider,
            operation: warnedAs,
            status: error.status,
            issues: error.issues,
            secrets: settings.secrets,
            cause: error,
          });
        }
        // The vendor answered for this record (its page came whole): the row of lost reads is broken.
        lostDetails = 0;
        // An unreadable record has no id to recognise it by when a page comes back: its content stands in,
        // so that a page of nothing but such records neither hides the pages after it nor repeats forever.
        const fingerprint = fingerprintOf(record);
        if (skippedRecords.has(fingerprint)) continue;
        skippedRecords.add(fingerprint);
        fresh += 1;
        if (another) continue;
        warn({
          type: 'skipped-record',
          message: `${settings.provider} ${label}: record ${index + 1} of page ${page} was skipped: ${where}`,
        });
        continue;
      }
      const id = settings.idOf(item);
      if (seen.has(id)) continue;
      // A page that brings an id met before brings nothing new for the repeat rules, even when this record
      // is the first of that id to be considered: the rules count records, and a page repeated whole must
      // still end a walk that loops, whatever names its records carry.
      if (!met.has(id)) {
        met.add(id);
        fresh += 1;
      }
      // Another stream by its page's own word: not read, not yielded (the caller filters what is yielded).
      // Its id is not marked seen: a later record of that id carrying the name sought (a stream renamed
      // while the walk crosses its pages, a page listing it twice) is still considered.
      if (sought !== undefined && settings.nameOf !== undefined) {
        const named = settings.nameOf(item);
        if (named !== undefined && named !== sought) continue;
      }
      seen.add(id);
      if (!settings.details) {
        yield item as unknown as Output;
        startStep?.();
        continue;
      }
      let detailed: Output;
      try {
        // An answer about another stream than the record's (a proxy or cache serving another URL's answer)
        // is unusable as this one, as `get` refuses it: yielded, it would list one stream twice and lose the
        // record's own.
        detailed = sameStream(await settings.details(item, { page, index }), id, {
          provider: settings.provider,
          operation: 'list',
          secrets: settings.secrets,
        });
        lostDetails = 0;
      } catch (error) {
        // Deleted between its page and its details, or listed by a vendor that cannot read it: nothing to
        // list, and nothing wrong with the walk (strict or not), but the caller is told which one is missing:
        // a list whose every detail read comes back not found is otherwise an empty list with no word.
        if (NotFoundError.isInstance(error)) {
          // Answered whole: the vendor is answering, so the row of lost reads is broken.
          lostDetails = 0;
          warn({
            type: 'skipped-record',
            message: `${settings.provider} ${label}: stream ${id} (record ${index + 1} of page ${page}) was skipped: reading its details found no such stream${error.status === undefined ? '' : ` (HTTP ${error.status})`}: deleted since its page was served, or listed by the vendor but not readable`,
          });
          continue;
        }
        const unusable = ResponseShapeError.isInstance(error);
        // The vendor failed this read, whatever the status line said: a success whose body broke off is as
        // unavailable as a 503 (whole or broken off), and is told apart by its class, not its status (200).
        // A timeout of the read's own attempts (`timeoutMs`) is lost too: after retries that mix timeouts and
        // 5xx answers, which attempt came last (and so which error the read ends with) says nothing about the
        // record or the vendor.
        // A read never sent (`delivery: 'not-sent'`: the client's own rate limit store down or its gate out of
        // time, a refused connection) was not lost by the vendor for this record: it ends the walk, as it
        // would fail every read after it, and no record is reported skipped for it.
        // A read the step's own deadline ended (`totalTimeoutMs`: no time left to send it, or the attempt under
        // way cut to the deadline, `delivery: 'unknown'`) was not lost by the vendor either: the step has no
        // time left for anything after it, so the walk ends with that read's own TimeoutError, and no record
        // is reported skipped for it. A per-attempt timeout (`timeoutMs`, after its retries) stays a lost read.
        if (endedByCallDeadline(error)) throw error;
        const failed =
          !unusable &&
          UniliveError.isInstance(error) &&
          error.delivery !== 'not-sent' &&
          ((error.status ?? 0) >= 500 ||
            ProviderUnavailableError.isInstance(error) ||
            TimeoutError.isInstance(error));
        if (strict || !(unusable || failed)) throw error;
        lostDetails = failed ? lostDetails + 1 : 0;
        if (lostDetails > 1) throw error;
        const why = unusable
          ? error.issues.map((issue) => `${issue.path} (expected ${issue.expected})`).join(', ') ||
            'unreadable'
          : `reading it failed after its retries (${error instanceof Error ? error.message : 'unknown failure'}); get it later`;
        warn({
          type: 'skipped-record',
          message: `${settings.provider} ${label}: stream ${id} (record ${index + 1} of page ${page}) was skipped: its details ${unusable ? `could not be used: ${why}` : `could not be read: ${why}`}`,
        });
        continue;
      }
      yield detailed;
      startStep?.();
    }

    const answered = answer.page ?? page;
    const pageSize = answer.pageSize ?? settings.pageSize;
    const totalPages =
      answer.totalPages ??
      (answer.totalItems !== undefined && pageSize !== undefined && pageSize > 0
        ? Math.ceil(answer.totalItems / pageSize)
        : undefined);
    if (answer.hasMore === false || (totalPages !== undefined && answered >= totalPages)) {
      // The last page by the vendor's word, yet nothing on it was new while it counts records not seen:
      // a page that repeats an earlier one where the list's end should be.
      const counted = answer.totalItems;
      if (fresh === 0 && counted !== undefined && met.size + skippedRecords.size < counted)
        incomplete(`its last page held no record not already seen, and it counts ${counted}`);
      return;
    }
    const claimsMore =
      answer.hasMore === true ||
      answer.nextPage !== undefined ||
      totalPages !== undefined ||
      (answer.totalItems !== undefined && met.size + skippedRecords.size < answer.totalItems);
    const pagesNote = totalPages === undefined ? '' : ` of ${totalPages}`;

    // A full page that brought nothing new repeats an earlier one: records past it, if any, are out of
    // reach whatever the vendor counts (a server that ignores the page parameter and sends no counts).
    const fullRepeat = pageSize !== undefined && answer.items.length >= pageSize;
    const repeatNote = fullRepeat
      ? `, though it was full (${answer.items.length} records): the server seems to ignore the page parameter, so records past the first ${met.size + skippedRecords.size} cannot be reached`
      : '';

    if (answer.items.length === 0) {
      if (claimsMore) incomplete(`page ${page}${pagesNote} was empty`);
      return;
    }
    if (answered !== page) {
      if (claimsMore || (fresh === 0 && fullRepeat))
        incomplete(
          `page ${page} was asked for and page ${answered} answered${fresh === 0 ? repeatNote : ''}`,
        );
      return;
    }
    if (fresh === 0) {
      if (claimsMore || fullRepeat)
        incomplete(`page ${page}${pagesNote} held no record not already seen${repeatNote}`);
      return;
    }
    if (!claimsMore && pageSize !== undefined && answer.items.length < pageSize) return;
    const next = answer.nextPage ?? page + 1;
    if (next <= page) {
      incomplete(`page ${page} named page ${next} as the next`);
      return;
    }
    if (fetched >= maxPages) {
      // Every page so far was full of new records: stopping here is a cut, whatever the vendor said.
      incomplete(
        `the walk stopped after ${maxPages} pages (maxPages), each full of new records; list with a larger maxPages to go further`,
      );
      return;
    }
    page = next;
  }
}

// True when `nameOfRecord` reads a string name off the record and it is not `sought`; false when it is
// not given, throws, or tells no string.
function namesAnother<Record>(
  nameOfRecord: ((record: Record) => string | undefined) | undefined,
  record: Record,
  sought: string,
): boolean {
  if (nameOfRecord === undefined) return false;
  let named: unknown;
  try {
    named = nameOfRecord(record);
  } catch {
    return false;
  }
  return typeof named === 'string' && named !== sought;
}

// Records come from JSON, so `JSON.stringify` tells them apart, except one nested deeper than its recursion
// reaches (a hostile answer), which it refuses with a RangeError, as `String` would (an array's `toString`
// recurses too). Such a record is told by its first levels, deeper values cut, which no recursion overflows.
function fingerprintOf(record: unknown): string {
  try {
    return JSON.stringify(record) ?? String(record);
  } catch {
    // Far past any stream a vendor describes, far short of the recursion V8 allows.
    const maxDepth = 64;
    const depths = new WeakMap<object, number>();
    try {
      return `\u0000${JSON.stringify([record], function (this: object, _key: string, value: unknown) {
        const depth = (depths.get(this) ?? 0) + 1;
        if (typeof value !== 'object' || value === null) return value;
        if (depth > maxDepth) return '\u0000cut';
        depths.set(value, depth);
        return value;
      })}`;
    } catch {
      return '\u0000unreadable';
    }
  }
}
