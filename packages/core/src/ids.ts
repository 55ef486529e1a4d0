import { InvalidInputError } from './errors/errors.js';
import type { ProviderId } from './live-stream.js';

// Vendor ids are short runs of letters, digits and a few marks; anything else could escape its path segment.
const idPattern = /^[A-Za-z0-9_~.-]{1,128}$/;

// The id last found usable. One `get` checks its id up to four times (the client, the adapter, the path and
// the answer's id), and a caller polling a stream checks the same one call after call: an id equal to it
// (strings compare by content) has the same verdict, found without the pattern.
let lastUsableId: string | undefined;

/** Why `id` cannot be a stream id, or undefined when it can. */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'expected a string';
  if (id === lastUsableId) return undefined;
  if (!idPattern.test(id)) return 'expected 1–128 letters, digits, "_", "-", "." or "~"';
  if (id.includes('..')) return 'expected no ".." sequence';
  // A lone "." is a dot segment: `live_streams/.` resolves to `live_streams/`, the whole collection.
  if (id === '.') return 'expected an id other than "."';
  lastUsableId = id;
  return undefined;
}

/** Throws {@link InvalidInputError} unless `id` is a safe stream id; nothing has been sent (`not-sent`). */
export function assertValidId(
  id: unknown,
  context: { provider?: ProviderId; operation: string },
): asserts id is string {
  const problem = idProblem(id);
  if (problem === undefined) return;
  throw new InvalidInputError({
    message: `Invalid input for ${context.operation}: id: ${problem}`,
    provider: context.provider,
    operation: context.operation,
    issues: [{ path: 'id', message: problem }],
    delivery: 'not-sent',
  });
}

/**
 * Builds a request path from a template, checking and encoding every interpolated id:
 * ``pathOf`live_streams/${id}/start` ``. An id that could reach another path never leaves this function.
 */
export function pathOf(strings: TemplateStringsArray, ...ids: string[]): string {
  let path = strings[0] ?? '';
  for (let index = 0; index < ids.length; index += 1) {
    const id = ids[index] as string;
    assertValidId(id, building);
    // A usable id holds only characters `encodeURIComponent` leaves as they are (letters, digits and
    // "_", "~", ".", "-"): it goes into the path as it is, encoded or not.
    path += id + (strings[index + 1] ?? '');
  }
  return path;
}

const building = /* @__PURE__ */ Object.freeze({ operation: 'request' });

/**
 * Whether a vendor answer to a request about stream `id` names that stream as far as the answer arrived:
 * its id is `id`, or the beginning of `id` (the answer broke off inside it), or absent (it broke off
 * before it). An adapter's `learn` (see `HttpRequest.learn`) uses it to learn the secrets of a change's
 * answer that broke off as the stream's own, while an answer naming another stream (a proxy or cache
 * serving another URL's answer) is not. Never throws.
 *
 * @param answered - the id the answer holds, as the schema read it (any type).
 * @param id - the stream the request was about.
 */
export function isAnswerAbout(answered: unknown, id: string): boolean {
  return answered === undefined || (typeof answered === 'string' && id.startsWith(answered));
}
