import type { DialectContext, SandboxResponse } from '../types.js';
import { isPagingRefusal, type PagingRefusal, readPaging } from './paging.js';

// What Wowza Video's `/live_streams` and `/real_time` share: the `meta` error envelope, the record errors
// and page/per_page pagination with its `pagination` object.

/** Wowza's error body: `{"meta": {status, code, title, message, description, links}}`. */
export function wowzaMeta(
  status: number,
  code: string | undefined,
  title: string,
  message: string,
): SandboxResponse {
  // The server sends JSON bodies as application/json; charset=utf-8, as Wowza does.
  return {
    status,
    body: { meta: { status, ...(code ? { code } : {}), title, message, description: '', links: [] } },
  };
}

/**
 * The token of a Wowza `Authorization: Bearer <JWT>` header, or undefined for a header of another form. The
 * scheme is matched without regard to case, as HTTP's authentication schemes are (RFC 9110, 11.1), and as
 * both Wowza APIs share one API gateway's token check.
 */
export function wowzaBearerToken(header: string | null): string | undefined {
  return header === null ? undefined : /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
}

/** The opening every 422 message of Wowza's examples shares. */
export const wowzaNotProcessed = "The request couldn't be processed.";

export const wowzaRecordNotFound = () =>
  wowzaMeta(
    404,
    'ERR-404-RecordNotFound',
    'Record Not Found Error',
    "The requested resource couldn't be found.",
  );

export const wowzaRecordDeleted = () =>
  wowzaMeta(410, 'ERR-410-RecordDeleted', 'Record Deleted Error', 'The requested resource has been deleted.');

export const wowzaRecordInvalid = (problem: string) =>
  wowzaMeta(422, 'ERR-422-RecordInvalid', 'Record Invalid Error', `${wowzaNotProcessed} ${problem}`);

export const wowzaInvalidStateChange = (problem: string) =>
  wowzaMeta(
    422,
    'ERR-422-InvalidStateChange',
    'Invalid State Change Error',
    `${wowzaNotProcessed} ${problem}`,
  );

/** "The default and maximum value is 1000." */
export const wowzaMaxPerPage = 1000;

/**
 * A refused `page` or `per_page`, as Wowza refuses a field of the wrong type: 422 `ERR-422-RecordInvalid` in
 * Rails' numericality words (`Page is not a number`). Unverified: the OpenAPI declares no error for
 * `GET /live_streams` or `GET /real_time` but 401, and no source shows Wowza's answer to such a query.
 */
function wowzaPagingRefused(refusal: PagingRefusal): SandboxResponse {
  const label = refusal.parameter === 'page' ? 'Page' : 'Per page';
  return wowzaRecordInvalid(
    refusal.problem === 'not-an-integer'
      ? `${label} is not a number`
      : `${label} must be less than or equal to ${refusal.max}`,
  );
}

/**
 * One page of a Wowza list, oldest first, under `key`; with the `pagination` object of Wowza's "Get
 * paginated query results" guide when the request asked for a page. A `page` or `per_page` that is no
 * integer, or a page past what the answer can carry exactly, is refused with 422.
 */
export function wowzaPage<T extends { id: string }>(
  items: readonly T[],
  query: URLSearchParams,
  key: string,
  context: Pick<DialectContext, 'page'>,
): SandboxResponse {
  // Both parameters are `type: integer` in the OpenAPI (components.parameters.page and per_page).
  const asked = readPaging(query, {
    page: 'page',
    perPage: 'per_page',
    defaultSize: wowzaMaxPerPage,
    maxSize: wowzaMaxPerPage,
  });
  if (isPagingRefusal(asked)) return wowzaPagingRefused(asked);
  const { perPage } = asked;
  const { records, page, total } = context.page(items, asked.page, perPage);
  const first = (page - 1) * perPage;
  const body: Record<string, unknown> = { [key]: records };
  if (query.has('page') || query.has('per_page')) {
    body.pagination = {
      payload_version: 1.0,
      total_records: total,
      page,
      per_page: perPage,
      total_pages: Math.max(1, Math.ceil(total / perPage)),
      page_first_index: first,
      page_last_index: Math.max(first, first + records.length - 1),
    };
  }
  return { status: 200, body };
}
