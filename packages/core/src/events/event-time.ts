// The one rule for an event's time, on its own so that what needs only it (the hub, the waits) loads nothing
// of the webhook parsing.

/** The earliest `occurredAt` read from a vendor's time: earlier is a unit mistake or garbage. */
const earliestEventTime = /* @__PURE__ */ Date.UTC(2000, 0, 1);
/** How far past the time of receipt a vendor's time may be (clock skew): further is garbage. */
const eventTimeLeadMs = 86_400_000;

/**
 * Whether an event time (ms since the epoch) is one unilive keeps: from 2000-01-01 to a day after
 * `receipt`, the one rule for a vendor's time (`readEventTime`) and for an event published to a hub.
 */
export function eventTimeUsable(ms: number, receipt: number): boolean {
  return Number.isFinite(ms) && ms >= earliestEventTime && ms <= receipt + eventTimeLeadMs;
}
