import { STATUS_CODES } from 'node:http';
import { InvalidInputError, optionRules, readOptions } from '@unilive/core';

/**
 * How {@link lossyFetch} loses one request's answer: `keep` (0 to 1, the fraction of its body's bytes that
 * arrive) of the body, then the connection drops. With `status` the answer is given that status (and its
 * standard status text) instead of the one the server sent; with `body` that text (sent as UTF-8) instead of
 * the server's body.
 */
export interface Loss {
  keep: number;
  status?: number;
  body?: string;
}

/** What {@link lossyFetch} returns: the `fetch` to give a provider, and the requests it saw. */
export interface LossyFetch {
  fetch: typeof globalThis.fetch;
  /** Every request, in order, as `<METHOD> <path>` (the path as `path` made it). */
  sent: string[];
}

/**
 * A `fetch` in front of a real server (the sandbox): every request is forwarded with the global `fetch`, so
 * the server does what it asks (with the signal it was given, `init`'s over the `Request`'s as fetch reads
 * them: an abort or an attempt's time limit ends the forwarded request), and the answer of each that `plan` names a {@link Loss} for is lost as it
 * says (see {@link droppedAnswer}); the others pass whole. `plan` is given the method, the path (the URL's
 * path as `path` makes it; default as it is: pass one that strips a vendor's API root) and which attempt
 * of that method and path this is (1 for the first).
 *
 * @throws InvalidInputError (`operation: 'configure'`) when `plan` is no function, or the options are no
 *   plain object (a `Map`, whose `path` would be taken for none), name an option it does not have, or
 *   cannot be read (a getter or a Proxy in it throws), naming it.
 */
export function lossyFetch(
  plan: (method: string, path: string, attempt: number) => Loss | undefined,
  options: { path?: (pathname: string) => string } = {},
): LossyFetch {
  if (typeof plan !== 'function') {
    throw new InvalidInputError({
      operation: 'configure',
      message: 'lossyFetch: plan must be a function naming the loss of each request',
      issues: [{ path: 'plan', message: 'expected a function' }],
    });
  }
  // Read as every options object is (core's readOptions): a Map's `path` taken for none would match the
  // plan against paths it was not written for, and the test would pass for the wrong reason.
  const { path = (pathname: string) => pathname } = readOptions<{ path?: (pathname: string) => string }>(
    options,
    { path: optionRules.function },
    { operation: 'configure', path: 'options' },
  );
  const sent: string[] = [];
  const attempts = new Map<string, number>();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // As fetch itself reads its arguments: `init` (the attempt's signal among it, as core's HTTP layer
    // hands it) overrides what the `Request` carries, so an abort or a time limit reaches the server.
    const request = new Request(input, init);
    const at = path(new URL(request.url).pathname);
    const key = `${request.method} ${at}`;
    sent.push(key);
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const answer = await globalThis.fetch(request);
    const loss = plan(request.method, at, attempt);
    if (loss === undefined) return answer;
    const status = loss.status ?? answer.status;
    const bytes =
      loss.body === undefined
        ? new Uint8Array(await answer.arrayBuffer())
        : new TextEncoder().encode(loss.body);
    const statusText = loss.status === undefined ? answer.statusText : (STATUS_CODES[status] ?? '');
    return droppedAnswer(status, bytes, Math.floor(loss.keep * bytes.length), statusText);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/**
 * A JSON answer of `status` (and `statusText`, default the standard one) declaring `bytes.length` bytes
 * (`content-length`) whose body breaks off after the first `kept` of them: reading it yields those bytes,
 * then fails with a `TypeError('terminated')`, as fetch's reading of a connection lost mid-body fails.
 */
export function droppedAnswer(
  status: number,
  bytes: Uint8Array,
  kept: number,
  statusText = STATUS_CODES[status] ?? '',
): Response {
  let given = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!given && kept > 0) {
        given = true;
        controller.enqueue(bytes.subarray(0, kept));
        return;
      }
      controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, {
    status,
    statusText,
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) },
  });
}
