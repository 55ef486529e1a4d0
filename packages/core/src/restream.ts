import * as v from 'valibot';
import type { RestreamTarget, RestreamTargetInput, Warning } from './live-stream.js';
import { hasControlCharacter, isWellFormed } from './text.js';

/** A restream target's `url` as an input takes it: an `rtmp://` or `rtmps://` URL with a host. @internal */
export const restreamUrlSchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.maxLength(2048, 'expected at most 2048 characters'),
    v.check((url) => {
      try {
        const parsed = new URL(url);
        return (parsed.protocol === 'rtmp:' || parsed.protocol === 'rtmps:') && parsed.hostname.length > 0;
      } catch {
        return false;
      }
    }, 'expected an rtmp:// or rtmps:// URL (on update, a target the stream has that is none may be left out of the list: it is kept)'),
    v.check(
      (url) => !hasControlCharacter(url) && !/\s/.test(url),
      'expected no whitespace or control characters',
    ),
  ))();

/**
 * A restream target's `streamKey` as an input takes it. Messages are fixed strings so a rejected key is never
 * echoed back. @internal
 */
export const streamKeySchema = /* @__PURE__ */ (() =>
  v.pipe(
    v.string('expected a string'),
    v.minLength(1, 'expected a non-empty stream key'),
    v.maxLength(1024, 'expected at most 1024 characters'),
    v.check(
      (key) => !hasControlCharacter(key) && !/\s/.test(key),
      'expected no whitespace or control characters',
    ),
    // Its own words: a lone surrogate is neither, and has no UTF-8 form (it would be sent as U+FFFD).
    v.check(isWellFormed, 'expected no lone surrogate (it has no UTF-8 form)'),
  ))();

/** What an update's `restream` list asks of a vendor, compared with the targets the stream has. */
export interface RestreamPlan {
  /** Wanted targets the stream lacks, each once, with its index in the wanted list, in order. */
  add: { index: number; target: RestreamTargetInput }[];
  /** Targets the stream has that the wanted list leaves out. */
  remove: RestreamTarget[];
  /** Indexes in the wanted list of targets the stream has but the vendor reports switched off (`enabled: false`). */
  switchedOff: number[];
  /**
   * Targets the stream has that no input can name (added on the vendor's dashboard or by another tool: a
   * URL that is no `rtmp://` or `rtmps://` one, such as `srt://`, or a stream key an input refuses), left
   * out of the wanted list because it could not hold them: kept as they are, never removed. The adapter
   * warns about them (`unsupported-setting`, `restream`).
   */
  kept: RestreamTarget[];
}

/**
 * The one reading of `restream` on `update`, for every adapter: the list is the whole set of targets the
 * stream should end with, matched on url and stream key together. Targets the stream already has are kept
 * (nothing to send), the others are to be added, and the stream's targets missing from the list are to be
 * removed. An adapter refuses, before any change, a plan its vendor cannot carry out (a vendor with no
 * restream, or none after create, can carry out only an empty plan: the list the stream already has,
 * `[]` for a stream without targets).
 */
export function planRestream(
  current: readonly RestreamTarget[],
  wanted: readonly RestreamTargetInput[],
): RestreamPlan {
  const keyOf = restreamTargetKey;
  const currentByKey = new Map(current.map((target) => [keyOf(target), target]));
  const wantedKeys = new Set(wanted.map(keyOf));
  const add: RestreamPlan['add'] = [];
  const switchedOff: number[] = [];
  const seen = new Set<string>();
  for (const [index, target] of wanted.entries()) {
    const key = keyOf(target);
    const existing = currentByKey.get(key);
    if (!existing && !seen.has(key)) add.push({ index, target });
    if (existing?.enabled === false) switchedOff.push(index);
    seen.add(key);
  }
  const remove: RestreamTarget[] = [];
  const kept: RestreamTarget[] = [];
  for (const target of current) {
    if (wantedKeys.has(keyOf(target))) continue;
    (isNameableRestreamTarget(target) ? remove : kept).push(target);
  }
  return { add, remove, switchedOff, kept };
}

/**
 * True when an input could name `target` (its url and stream key pass the checks every `restream` input
 * is held to): only such a target's absence from a wanted list says the caller wants it gone.
 */
export function isNameableRestreamTarget(target: RestreamTargetInput): boolean {
  return v.is(restreamUrlSchema, target.url) && v.is(streamKeySchema, target.streamKey);
}

/**
 * The warning of an update that kept targets no input can name ({@link RestreamPlan.kept}): they stay as
 * they are, and the message says how many, never their urls or keys.
 */
export function keptRestreamTargetsWarning(kept: readonly RestreamTarget[]): Warning[] {
  if (kept.length === 0) return [];
  return [
    {
      type: 'unsupported-setting',
      setting: 'restream',
      message: `${kept.length === 1 ? 'a restream target' : `${kept.length} restream targets`} the stream has could not be named in the list (a URL that is no rtmp:// or rtmps:// one, or a stream key an input refuses: added on the vendor's dashboard or by another tool), so ${kept.length === 1 ? 'it was' : 'they were'} kept as ${kept.length === 1 ? 'it is' : 'they are'}; remove ${kept.length === 1 ? 'it' : 'them'} on the vendor's side if ${kept.length === 1 ? 'it is' : 'they are'} not wanted`,
    },
  ];
}

/**
 * Targets a `restream` list names a second time, matched as {@link planRestream} matches them (url and
 * stream key together, as given): each with its `index` and the index of the target it repeats (`first`).
 * Pushing one stream twice to one destination with one key is never what a caller means (the destination
 * takes one publisher per key), and vendors differ on it (some keep both copies, some one), so core's input
 * checks refuse such a list on `create`, `update` and videosdk v2's start options, before any request.
 * One case is no repeat: copies that each carry the vendor's `id` of a target, all different, as a `get`
 * returned them. Those are records the stream has (a dashboard that added one destination twice), and its
 * own list must go back into an update as it came (`[...stream.restream, added]`); a copy without an id,
 * or with an id another copy has, is still a repeat.
 */
export function repeatedRestreamTargets(
  targets: readonly (RestreamTargetInput & { id?: unknown })[],
): { index: number; first: number }[] {
  const copiesByKey = new Map<string, { first: number; ids: Set<unknown> | undefined }>();
  const repeated: { index: number; first: number }[] = [];
  for (const [index, target] of targets.entries()) {
    const key = restreamTargetKey(target);
    const id = typeof target.id === 'string' ? target.id : undefined;
    const copies = copiesByKey.get(key);
    if (copies === undefined) {
      copiesByKey.set(key, { first: index, ids: id === undefined ? undefined : new Set([id]) });
    } else if (id === undefined || copies.ids === undefined || copies.ids.has(id)) {
      repeated.push({ index, first: copies.first });
    } else {
      copies.ids.add(id);
    }
  }
  return repeated;
}

/**
 * One target's identity: its url and stream key together, as given but for the letter case of the URL's
 * scheme and host, which name the same destination in any case (`RTMP://Live.Example` is `rtmp://live.example`).
 * @internal
 */
export function restreamTargetKey(target: RestreamTargetInput): string {
  return JSON.stringify([caseFreeSchemeAndHost(target.url), target.streamKey]);
}

/**
 * `url` with its scheme and host in lower case (the user information, path and query as they are), which
 * name the same destination in any case; `url` as it is when it is no `scheme://…` text. @internal
 */
export function caseFreeSchemeAndHost(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0) return url;
  const authorityStart = schemeEnd + 3;
  let authorityEnd = url.length;
  for (let index = authorityStart; index < url.length; index += 1) {
    const code = url.charCodeAt(index);
    if (code === 47 || code === 63 || code === 35) {
      authorityEnd = index; // "/", "?" or "#": the authority ends
      break;
    }
  }
  // The user information (before the last "@" of the authority) is a credential: its case is its own.
  const at = url.lastIndexOf('@', authorityEnd - 1);
  const hostStart = at >= authorityStart ? at + 1 : authorityStart;
  return `${url.slice(0, authorityStart).toLowerCase()}${url.slice(authorityStart, hostStart)}${url
    .slice(hostStart, authorityEnd)
    .toLowerCase()}${url.slice(authorityEnd)}`;
}

/** True when carrying out `plan` changes nothing: the stream already has exactly the targets wanted. */
export function isEmptyRestreamPlan(plan: RestreamPlan): boolean {
  return plan.add.length === 0 && plan.remove.length === 0;
}
