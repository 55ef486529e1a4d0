// How every dialect reads a list's paging query (`page` and its size: Wowza's `per_page`, videosdk's
// `perPage`, LiveAPI's fixed size), so that one rule decides what is refused and each dialect only words the
// refusal in its vendor's error shape.
//
// - A value that is no integer (`abc`, `1.5`, ` 2`) is refused: every source types these parameters as
//   integers (Wowza's OpenAPI `page`/`per_page`: `type: integer`; videosdk's reference: `page` and `perPage`
//   numbers), and reading `page=abc` as page 1 hid a client's mistake behind a plausible answer.
// - A page so far on that its first record's index passes `Number.MAX_SAFE_INTEGER` (2^53 − 1) is refused:
//   no JSON number in the answer (the echoed page, Wowza's `page_first_index`) could carry it exactly, and
//   the sandbox answered a rounded page number as if it had been asked for.
// - What the sandbox did before stays as it was where no source says otherwise: a parameter left out or
//   blank takes its default, a page below 1 is page 1, a size below 1 the default, a size above the
//   dialect's maximum that maximum (whatever its length: it is compared, never echoed).

/** The page a list query asks for and the size of its pages, both exact. */
export interface PagingAsked {
  /** The 1-based page. */
  page: number;
  /** Records per page, within the dialect's maximum. */
  perPage: number;
}

/** Why a list query's paging is refused: the parameter, and what is wrong with its value. */
export type PagingRefusal =
  | { parameter: string; problem: 'not-an-integer' }
  | {
      parameter: string;
      problem: 'too-large';
      /** The last page the sandbox answers at the asked page size. */
      max: number;
    };

/** How one list reads its paging query. */
export interface PagingRules {
  /** The page parameter's name. */
  page: string;
  /** The size parameter's name; undefined where the size is fixed (LiveAPI takes none). */
  perPage?: string;
  /** The size when none is asked (or one below 1), and the fixed size where there is no parameter. */
  defaultSize: number;
  /** The largest size answered; a larger one asked is served at this size. */
  maxSize: number;
}

// Decimal digits with an optional sign: what an integer-typed query parameter holds. No space, no
// fraction, no exponent, no hexadecimal (`Number` would read `0x10` and `1e3`).
const integerText = /^[+-]?\d+$/;

// The value of `name` as an exact integer; undefined when absent or blank, null when it is no integer.
function readInteger(query: URLSearchParams, name: string): bigint | undefined | null {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  return integerText.test(text) ? BigInt(text) : null;
}

/**
 * Reads a list's paging query by `rules`: the page and size to serve, or why the query is refused (a
 * value that is no integer, a page past what an answer can carry exactly). Read as big integers, so a
 * value of any length is judged as written, never after rounding.
 */
export function readPaging(query: URLSearchParams, rules: PagingRules): PagingAsked | PagingRefusal {
  const page = readInteger(query, rules.page);
  if (page === null) return { parameter: rules.page, problem: 'not-an-integer' };
  const size = rules.perPage === undefined ? undefined : readInteger(query, rules.perPage);
  if (size === null && rules.perPage !== undefined)
    return { parameter: rules.perPage, problem: 'not-an-integer' };
  const perPage =
    size === undefined || size === null || size < 1n
      ? rules.defaultSize
      : Number(size > BigInt(rules.maxSize) ? BigInt(rules.maxSize) : size);
  // The last page whose records' indexes (0-based, `page × perPage − 1` at most) are all safe integers.
  const max = Math.floor(Number.MAX_SAFE_INTEGER / perPage);
  if (page !== undefined && page > BigInt(max)) return { parameter: rules.page, problem: 'too-large', max };
  return { page: page === undefined || page < 1n ? 1 : Number(page), perPage };
}

/** Whether {@link readPaging} refused the query. */
export function isPagingRefusal(read: PagingAsked | PagingRefusal): read is PagingRefusal {
  return 'problem' in read;
}
