import type { ProviderCapabilities } from '../capabilities.js';
import type { LiveStream, RestreamTargetInput, Warning } from '../live-stream.js';
import type { CreateLiveStreamInput } from '../provider.js';
import { codePointLength, sliceCodePoints } from '../text.js';

/** What a migration will do, worked out before anything is created. */
export interface MigrationPlan {
  /** The stream being migrated, as its vendor reports it now. */
  source: LiveStream & { ref: string };
  /** The name of the provider the new stream goes to. */
  to: string;
  /**
   * The create input sent to `to`: what carries over from the source, then the caller's `input` on top.
   * Restream stream keys are credentials: print `restream[].url` only.
   */
  input: CreateLiveStreamInput;
  /** Everything about the source that will not be on the new stream, and why (`not-carried`). */
  warnings: Warning[];
}

const notCarried = (setting: string, message: string): Warning => ({ type: 'not-carried', setting, message });

/** The warning of a stream that does not record, moved to a vendor that records every stream. */
export const recordsAnyway = (target: string): Warning =>
  notCarried(
    'recording',
    `${target} cannot turn recording off: the new stream records, where the source did not`,
  );

/**
 * Works out the create input of a migration: the name, recording, restream targets that are switched on
 * and the ingest protocol carry over where the target's capabilities take them; the rest becomes a
 * `not-carried` warning. `overrides` (the caller's own input) win over what was carried, and silence the
 * warnings of the fields they set.
 */
export function planMigrationInput(
  source: LiveStream & { ref: string },
  sourceCapabilities: ProviderCapabilities,
  target: { name: string; capabilities: ProviderCapabilities },
  overrides: Partial<CreateLiveStreamInput> = {},
): { input: CreateLiveStreamInput; warnings: Warning[] } {
  const caps = target.capabilities;
  const warnings: Warning[] = [];
  const input: CreateLiveStreamInput = { name: source.name ?? source.ref };
  if (source.name === undefined) {
    warnings.push(
      notCarried(
        'name',
        `the source keeps no name, so the new stream is named after its reference ${source.ref}`,
      ),
    );
  } else if (!caps.names) {
    // Sent all the same (cut to what the vendor takes): a vendor that keeps a name on some streams
    // (LiveAPI) may keep it; one that keeps none (videosdk v2's rooms) drops it with a warning of its own.
    input.name = sliceCodePoints(source.name, caps.maxNameLength);
    warnings.push(
      notCarried(
        'name',
        `${target.name} does not keep a name on every stream (capabilities.names): the new stream may have none`,
      ),
    );
  } else if (codePointLength(source.name) > caps.maxNameLength) {
    input.name = sliceCodePoints(source.name, caps.maxNameLength);
    warnings.push(
      notCarried('name', `${target.name} keeps ${caps.maxNameLength} code points: the name is cut`),
    );
  }

  if (source.recording === true) {
    if (caps.recording) input.recording = true;
    else warnings.push(notCarried('recording', `${target.name} does not record: the new stream will not`));
  } else if (source.recording === false) {
    if (caps.alwaysRecords === true) warnings.push(recordsAnyway(target.name));
    else input.recording = false;
  } else {
    warnings.push(
      notCarried('recording', `the source did not say whether it records: ${target.name}'s default applies`),
    );
  }

  const targets = source.restream ?? [];
  const switchedOn: RestreamTargetInput[] = targets
    .filter((restream) => restream.enabled !== false)
    .map(({ url, streamKey }) => ({ url, streamKey }));
  const switchedOff = targets.length - switchedOn.length;
  if (switchedOff > 0) {
    warnings.push(
      notCarried('restream', `${switchedOff} restream target(s) switched off on the source are not carried`),
    );
  }
  if (switchedOn.length > 0) {
    if (caps.restream) input.restream = switchedOn;
    else {
      warnings.push(
        notCarried(
          'restream',
          `${target.name} has no restream: ${switchedOn.length} target(s) are not carried; forward the stream another way`,
        ),
      );
    }
  }

  const protocol = source.ingest[0]?.protocol;
  if (protocol !== undefined) {
    if (caps.ingestProtocols.includes(protocol)) input.ingestProtocol = protocol;
    else {
      warnings.push(
        notCarried(
          'ingestProtocol',
          `encoders push ${protocol} to the source; ${target.name} takes ${caps.ingestProtocols.join(', ')}`,
        ),
      );
    }
  }

  // Region and low latency are vendor settings no neutral field reports back, so they cannot be read off
  // the source: say so where the source's vendor has them.
  if (sourceCapabilities.regions) {
    warnings.push(
      notCarried('region', 'the source does not report its region: give the new stream one to choose it'),
    );
  }
  if (sourceCapabilities.lowLatency) {
    warnings.push(
      notCarried('lowLatency', 'the source does not report low latency: ask for it on the new stream'),
    );
  }
  for (const vendor of Object.keys(source.providerDetails ?? {})) {
    warnings.push(
      notCarried(
        `providerDetails.${vendor}`,
        `what only ${vendor} has (providerDetails.${vendor}) stays behind`,
      ),
    );
  }
  warnings.push(
    notCarried(
      'ingest',
      'the new stream has its own ingest URL, stream key and playback URLs: point encoders and players at them',
    ),
  );

  const merged: CreateLiveStreamInput = { ...input };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  const overridden = new Set(
    Object.keys(overrides).filter((key) => overrides[key as keyof CreateLiveStreamInput] !== undefined),
  );
  return {
    input: merged,
    warnings: warnings.filter((warning) => !overridden.has(warning.setting ?? '')),
  };
}
