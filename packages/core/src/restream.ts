import type { RestreamTarget, RestreamTargetInput } from './live-stream.js';

/** What an update's `restream` list asks of a vendor, compared with the targets the stream has. */
export interface RestreamPlan {
  /** Wanted targets the stream lacks, each once, with its index in the wanted list, in order. */
  add: { index: number; target: RestreamTargetInput }[];
  /** Targets the stream has that the wanted list leaves out. */
  remove: RestreamTarget[];
  /** Indexes in the wanted list of targets the stream has but the vendor reports switched off (`enabled: false`). */
  switchedOff: number[];
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
  return { add, remove: current.filter((target) => !wantedKeys.has(keyOf(target))), switchedOff };
}

/**
 * Targets a `restream` list names a second time, matched as {@link planRestream} matches them (url and
 * stream key together, as given): each with its `index` and the index of the target it repeats (`first`).
 * Pushing one stream twice to one destination with one key is never what a caller means (the destination
 * takes one publisher per key), and vendors differ on it (some keep both copies, some one), so core's input
 * checks refuse such a list on `create`, `update` and videosdk v2's start options, before any request.
 */
export function repeatedRestreamTargets(
  targets: readonly RestreamTargetInput[],
): { index: number; first: number }[] {
  const firstByKey = new Map<string, number>();
  const repeated: { index: number; first: number }[] = [];
  for (const [index, target] of targets.entries()) {
    const key = restreamTargetKey(target);
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, index);
    else repeated.push({ index, first });
  }
  return repeated;
}

// One target's identity: its url and stream key together, exactly as given.
function restreamTargetKey(target: RestreamTargetInput): string {
  return JSON.stringify([target.url, target.streamKey]);
}

/** True when carrying out `plan` changes nothing: the stream already has exactly the targets wanted. */
export function isEmptyRestreamPlan(plan: RestreamPlan): boolean {
  return plan.add.length === 0 && plan.remove.length === 0;
}
