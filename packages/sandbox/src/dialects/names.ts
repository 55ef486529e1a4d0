import { codePointLength } from '@unilive/core';

/**
 * The longest stream name the sandbox keeps where the vendor documents no limit (LiveAPI, videosdk v1),
 * in code points as unilive counts names. **Unverified**: no source gives these vendors' limit; it is a
 * generous bound (five times unilive's 200) so that a name sent past unilive's own check (a raw request, a
 * script) cannot grow the store, every answer and the dashboard without end.
 */
export const undocumentedNameLimit = 1_000;

/** Whether `name` is longer than `limit` code points. */
export function nameTooLong(name: string, limit = undocumentedNameLimit): boolean {
  return codePointLength(name) > limit;
}
