import { invalidInput } from './inputs.js';
import type { ProviderId, Warning } from './live-stream.js';

/** The neutral input fields whose honouring depends on the vendor. */
export type NeutralField = 'name' | 'ingestProtocol' | 'recording' | 'restream' | 'region' | 'lowLatency';

/**
 * What a field the vendor cannot honour is, under the one rule every adapter follows:
 *
 * - `error`: ignoring it would make the stream do something else for the caller's encoder, viewers or
 *   data than was asked: the protocol an encoder connects with, whether a recording is kept, where the
 *   stream is forwarded.
 * - `warning`: a preference the stream works without: its label (`name`: encoders, players and
 *   recordings never see it, and the stream is found by its id), where it runs (`region` is a placement
 *   hint) and how fast it delivers (`lowLatency`). A name the vendor keeps shorter or otherwise changed
 *   is still an error (`unsupported-value`): another label was meant.
 */
export const inputGapSeverity: Readonly<Record<NeutralField, 'error' | 'warning'>> = {
  name: 'warning',
  ingestProtocol: 'error',
  recording: 'error',
  restream: 'error',
  region: 'warning',
  lowLatency: 'warning',
};

/**
 * A neutral input a vendor cannot honour exactly, as the adapter found it before sending anything.
 * `kind` says how:
 * - `ignored`: the vendor has no such setting, so the value would not be sent;
 * - `create-only`: the vendor sets it only when a stream is created, so an update cannot change it;
 * - `unsupported-value`: the vendor has the setting but not this value (an unknown region id, a name
 *   longer than the vendor keeps): always an error, since another value was meant;
 * - `approximated`: the vendor does what was asked in its own way (a recording kept as an asset): always
 *   a warning that says how.
 *
 * `ignored` and `create-only` follow {@link inputGapSeverity}.
 */
export interface InputGap {
  field: NeutralField;
  kind: 'ignored' | 'create-only' | 'unsupported-value' | 'approximated';
  /** Names what the vendor does instead, and what to do about it. Never the value. */
  message: string;
}

/** Whether a gap fails the call (`error`) or rides on its result (`warning`). */
export function severityOf(gap: InputGap): 'error' | 'warning' {
  if (gap.kind === 'unsupported-value') return 'error';
  if (gap.kind === 'approximated') return 'warning';
  return inputGapSeverity[gap.field];
}

/**
 * Applies the rule to every gap an adapter found: throws one `InvalidInputError` listing every gap that
 * is an error (before any request), or returns the `unsupported-setting` warnings for the result.
 */
export function settleInputGaps(
  gaps: readonly InputGap[],
  context: { provider: ProviderId; operation: string },
): Warning[] {
  const errors = gaps.filter((gap) => severityOf(gap) === 'error');
  if (errors.length > 0) {
    throw invalidInput(
      errors.map((gap) => ({ path: gap.field, message: gap.message })),
      context,
    );
  }
  return gaps.map((gap) => ({ type: 'unsupported-setting', setting: gap.field, message: gap.message }));
}
