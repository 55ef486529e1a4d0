// The one rule for an event's time, on its own so that what needs only it (the hub, the waits) loads nothing
// of the webhook parsing.

/** The earliest `occurredAt` read from a vendor's time: earlier is a unit mistake or garbage. */
const earliestEventTime = /* @__PURE__ */ Date.UTC(2000, 0, 1);
/** How far past the time of receipt a vendor's time may be (clock skew): further is garbage. */
const eventTimeLeadMs = 86_400_000;
/** The furthest time from the epoch a `Date` holds, in ms either way (ECMAScript's time value range). */
const maxDateMs = 8.64e15;

/**
 * Whether an event time (ms since the epoch) is one unilive keeps: from 2000-01-01 to a day after
 * `receipt`, the one rule for a vendor's time (`readEventTime`) and for an event published to a hub.
 */
export function eventTimeUsable(ms: number, receipt: number): boolean {
  return (
    Number.isFinite(ms) &&
    ms >= earliestEventTime &&
    ms <= receipt + eventTimeLeadMs &&
    // A time a Date cannot hold (a clock near the end of Date's range, plus the day of lead) is none.
    ms <= maxDateMs
  );
}

/**
 * What is wrong with a clock's answer, or undefined when it is a finite number of ms: the one check of every
 * clock that dates events (a `parseWebhook`'s `clock`, through `webhookClock`, and an event hub's), so
 * that NaN, a text, a BigInt, Infinity, undefined or a number no `Date` can hold (beyond ±8.64e15 ms) is an
 * `InvalidInputError` naming `clock` wherever it comes from, never an Invalid Date or a time rule that
 * silently checks nothing.
 */
export function clockAnswerProblem(now: unknown): string | undefined {
  if (typeof now === 'number' && Number.isFinite(now)) {
    if (Math.abs(now) <= maxDateMs) return undefined;
    // Finite, yet no Date holds it: the time of receipt would be an Invalid Date.
    return `must return a number of ms since the epoch a Date can hold, from -8.64e15 to 8.64e15 (got ${String(now)})`;
  }
  // The kind, with its article (`an object`, `a string`); `undefined` and `null` by name. Never the value.
  const type = typeof now;
  const got =
    type === 'number'
      ? String(now)
      : now === undefined || now === null
        ? String(now)
        : `${type === 'object' ? 'an' : 'a'} ${type}`;
  return `must return a finite number of ms since the epoch (got ${got})`;
}
