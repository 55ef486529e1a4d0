import { onceListenerOptions } from '@unilive/core';
/** How a request chosen by a test's fetch wrapper fails. */
export type PlacedFailure = 'abort' | 'timeout' | '5xx' | '404' | 'network';

/**
 * The answer a test's fetch wrapper gives the request it chose to fail: `abort` calls the caller's abort and
 * then, as `timeout` does, holds the request until its signal ends it (so only the caller's abort or the
 * attempt's own limit can); `5xx` and `404` are the vendor's JSON error; `network` is the `TypeError` undici
 * throws when the connection is reset. No timer decides anything here.
 */
export function placedFailure(
  kind: PlacedFailure,
  signal: AbortSignal,
  abort: () => void,
): Promise<Response> {
  switch (kind) {
    case 'abort':
      abort();
      return heldUntil(signal);
    case 'timeout':
      return heldUntil(signal);
    case '5xx':
      return Promise.resolve(jsonAnswer(503, 'unavailable'));
    case '404':
      return Promise.resolve(jsonAnswer(404, 'not found'));
    case 'network':
      return Promise.reject(
        Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        }),
      );
  }
}

function heldUntil(signal: AbortSignal): Promise<Response> {
  return new Promise<Response>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), onceListenerOptions);
  });
}

function jsonAnswer(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
