import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One recorded exchange: the exact request a vendor expects and the response it gives. */
export interface Fixture {
  /** What the exchange shows, and where the shapes come from. */
  description: string;
  source?: string;
  request: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /** Path under the vendor host, query string included when there is one. */
    path: string;
    /** Headers that must be present with exactly these values. */
    headers?: Record<string, string>;
    /** The JSON body the request must carry, compared deeply. */
    body?: unknown;
  };
  response: {
    status: number;
    headers?: Record<string, string>;
    /** JSON body, or a string sent as-is. */
    body?: unknown;
  };
}

/** Reads `test-fixtures/<vendor>/<name>.json`. */
export function loadFixture(directory: string, name: string): Fixture {
  return JSON.parse(readFileSync(join(directory, `${name}.json`), 'utf8')) as Fixture;
}

/** Every fixture in a directory, by file name without `.json`. */
export function loadFixtures(directory: string): Map<string, Fixture> {
  const fixtures = new Map<string, Fixture>();
  for (const file of readdirSync(directory).sort()) {
    if (file.endsWith('.json')) fixtures.set(file.slice(0, -5), loadFixture(directory, file.slice(0, -5)));
  }
  return fixtures;
}

/** The smallest surface of a nock scope this module needs, so it works with the caller's nock copy. */
export interface NockScopeLike {
  intercept(uri: string, method: string, body?: (body: unknown) => boolean): NockInterceptorLike;
}

/** The part of a nock interceptor used here. */
export interface NockInterceptorLike {
  matchHeader(name: string, value: string): NockInterceptorLike;
  times(count: number): NockInterceptorLike;
  optionally(): NockInterceptorLike;
  reply(status: number, body?: unknown, headers?: Record<string, string>): NockScopeLike;
}

/**
 * Registers a fixture on a nock scope: the request must match method, path, query, the listed headers and
 * the JSON body exactly; the fixture's response is served. `times` repeats it; `optional` leaves it out of
 * nock's pending exchanges when it is never requested.
 */
export function interceptFixture(
  scope: NockScopeLike,
  fixture: Fixture,
  options: { times?: number; optional?: boolean } = {},
): void {
  const { method, path, headers = {}, body } = fixture.request;
  const matchBody =
    body === undefined
      ? undefined
      : (received: unknown) => JSON.stringify(sortKeys(received)) === JSON.stringify(sortKeys(body));
  let interceptor = scope.intercept(path, method, matchBody);
  for (const [name, value] of Object.entries(headers)) interceptor = interceptor.matchHeader(name, value);
  if (options.times) interceptor = interceptor.times(options.times);
  if (options.optional) interceptor = interceptor.optionally();
  const responseBody = fixture.response.body;
  interceptor.reply(
    fixture.response.status,
    typeof responseBody === 'string' || responseBody === undefined
      ? responseBody
      : JSON.stringify(responseBody),
    { 'content-type': 'application/json', ...fixture.response.headers },
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
