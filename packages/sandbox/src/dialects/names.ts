import { codePointLength } from '@unilive/core';

/**
 * The longest stream name the sandbox keeps where the vendor documents no limit (LiveAPI, videosdk v1),
 * in code points as unilive counts names. **Unverified**: no source gives these vendors' limit; it is a
 * generous bound (five times unilive's 200) so that a name sent past unilive's own check (a raw request, a
 * script) cannot grow the store, every answer and the dashboard without end.
 */
export const undocumentedNameLimit = 1_000;

/**
 * The longest restream key and server URL the LiveAPI dialect keeps on a platform, in characters (UTF-16
 * code units, as unilive counts a target's). **Unverified**: no LiveAPI source gives a limit; four times
 * unilive's own (a stream key of 1,024, a URL of 2,048), so no client of unilive meets them, while a raw
 * request can no longer store half a megabyte that every later read of the stream carries.
 */
export const undocumentedPlatformLimits = { key: 4_096, server: 8_192 } as const;

/** Whether `name` is longer than `limit` code points. */
export function nameTooLong(name: string, limit = undocumentedNameLimit): boolean {
  return codePointLength(name) > limit;
}
