import { codePointLength, isWellFormed } from '@unilive/core';

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

/** Whether `text` holds a lone surrogate: no character, and no UTF-8 form to keep, answer or persist. */
export function hasLoneSurrogate(text: string): boolean {
  return !isWellFormed(text);
}

/**
 * The most a LiveAPI stream's `settings` holds, merged over every update: its JSON at most 16,384
 * characters (UTF-16 code units of `JSON.stringify`), nested at most 32 objects or arrays deep.
 * **Unverified**: LiveAPI documents no settings field (its samples show only `pulling_mode: {}`, Castr's
 * create takes two booleans), so no source gives a limit; both are generous bounds of the sandbox's own,
 * so that a raw request cannot store what every later read of the stream (and of the list) then carries,
 * nor an object nested so deep that writing it as JSON overflows the stack on every answer.
 */
export const undocumentedSettingsLimits = { jsonLength: 16_384, depth: 32 } as const;

/**
 * What keeps a JSON value from being kept: `depth` when it nests objects or arrays deeper than `maxDepth`
 * (the value itself is level 1), `surrogate` when a key or a string in it holds a lone surrogate, `length`
 * when its JSON is longer than `maxLength` characters; `undefined` when none does. Walked without
 * recursion, so the deepest value a body can carry is measured, not thrown on.
 */
export function keptJsonProblem(
  value: unknown,
  maxLength: number,
  maxDepth: number,
): 'depth' | 'surrogate' | 'length' | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof item === 'string') {
      if (hasLoneSurrogate(item)) return 'surrogate';
    } else if (typeof item === 'object' && item !== null) {
      if (depth > maxDepth) return 'depth';
      for (const [key, inner] of Object.entries(item)) {
        if (hasLoneSurrogate(key)) return 'surrogate';
        pending.push({ value: inner, depth: depth + 1 });
      }
    }
  }
  return JSON.stringify(value).length > maxLength ? 'length' : undefined;
}

/**
 * What a videosdk v2 room's `webhook` keeps. `endPoint`: at most 512 characters (UTF-16 code units), as the
 * vendor's server SDK documents (`RoomWebhook`). `events`: at most 100 names of at most 256 code points
 * each. **Unverified**: no source gives either; the vendor names some 45 events, the longest under 40
 * characters (wildcards such as `session*` included), and unilive's own bound is 100 characters a name.
 */
export const roomWebhookLimits = { endPoint: 512, events: 100, eventName: 256 } as const;

/** The `type` values of a v2 room's `autoCloseConfig`, as the v2 reference lists them (create-room.js). */
export const autoCloseTypes: readonly string[] = ['session-ends', 'session-end-and-deactivate'];

/**
 * The most restream targets a videosdk v1 stream (`restream`) or v2 RTMP-out (`outputs`) keeps; each
 * target's `url` and `streamKey` are bounded as a LiveAPI platform's `server` and `key`
 * (`undocumentedPlatformLimits`). **Unverified**: no videosdk source gives a limit; five times unilive's
 * own 20, so no client of unilive meets it.
 */
export const undocumentedRestreamTargetLimit = 100;

/**
 * Why a list of restream targets (`{ url, streamKey }`, already checked as strings) is refused, in the
 * words `field` (`restream`, `outputs`) names them; `undefined` when it is kept.
 */
export function restreamTargetsProblem(
  targets: readonly { url: string; streamKey: string }[],
  field: string,
): string | undefined {
  if (targets.length > undocumentedRestreamTargetLimit) {
    return `${field} must hold at most ${undocumentedRestreamTargetLimit} targets.`;
  }
  for (const { url, streamKey } of targets) {
    if (hasLoneSurrogate(url) || hasLoneSurrogate(streamKey)) {
      return `${field} must be well-formed text (no lone surrogate).`;
    }
    if (url.length > undocumentedPlatformLimits.server) {
      return `${field} url must be at most ${undocumentedPlatformLimits.server} characters.`;
    }
    if (streamKey.length > undocumentedPlatformLimits.key) {
      return `${field} streamKey must be at most ${undocumentedPlatformLimits.key} characters.`;
    }
  }
  return undefined;
}

/**
 * The longest free text a Wowza dialect keeps where Wowza documents no maximum, in code points as names are
 * counted: `long` for descriptions and address lists (a stream's or hosted page's `description`, geo-block
 * `geoblock_country_codes` and `geoblock_ip_addresses`), `short` for every other (a `player_id`, a hosted
 * page's `title`, a `source_url`, a push `username` or `password`, `countdown_at`, `countdown_timezone`).
 * **Unverified**: no Wowza source gives these limits; each is at least four times the most unilive sends
 * (10,000 characters of description, 2,048 of URL, 1,000 of title), so no client of unilive meets them,
 * while a raw request can no longer store what every later read of the stream carries.
 */
export const undocumentedWowzaTextLimits = { short: 4_096, long: 40_000 } as const;

/**
 * Why a kept free text is refused, in Wowza's Rails-style words for `label` (`Description`, `Hosted page
 * title`): `is invalid` for no string or a lone surrogate, `is too long (maximum is N characters)` past
 * `limit` code points; `undefined` when it is kept.
 */
export function wowzaTextProblem(label: string, value: unknown, limit: number): string | undefined {
  if (typeof value !== 'string' || hasLoneSurrogate(value)) return `${label} is invalid`;
  if (nameTooLong(value, limit)) return `${label} is too long (maximum is ${limit} characters)`;
  return undefined;
}
