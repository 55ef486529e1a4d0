import {
  type CreateLiveStreamInput,
  type InputGap,
  readProviderOptions,
  settleInputGaps,
  type UpdateLiveStreamInput,
  type Warning,
} from '@unilive/core';
import * as v from 'valibot';
import { videosdkV1ProviderOptionsOn } from './videosdk-api-version.js';
import type { VideosdkV1CreateBody, VideosdkV1UpdateBody } from './videosdk-v1-api.js';

// Values built at the top level are built by calls marked pure: a bundle that uses none of them drops
// them, where a bundler keeps any top-level call it cannot prove free of effects (see CONTRIBUTING).

const provider = 'videosdk';

// The v1 create and update bodies have no field beyond the neutral ones [v1 guide][v1 reference], so there is
// nothing for `providerOptions.videosdk` to carry.
const providerOptionsSchema = /* @__PURE__ */ (() => v.strictObject({}))();

/** A request body and the soft gaps met building it. */
export interface VideosdkV1Request<Body> {
  body: Body;
  warnings: Warning[];
}

/**
 * Builds the body of `POST /v1/livestreams` [v1 reference, create page]: `name`, `record`,
 * `restream[{ url, streamKey }]`.
 * Inputs v1 cannot honour follow core's one rule: an `ingestProtocol` other than RTMP (and any provider
 * option) fails before any request; `region` and `lowLatency`, preferences v1 has no setting for, come back
 * as warnings.
 */
export function convertToVideosdkV1CreateBody(
  input: CreateLiveStreamInput,
): VideosdkV1Request<VideosdkV1CreateBody> {
  const operation = 'create';
  checkProviderOptions(input, operation);
  const gaps = preferenceGaps(input);
  if (input.ingestProtocol !== undefined && input.ingestProtocol !== 'rtmp') {
    gaps.push({
      field: 'ingestProtocol',
      kind: 'unsupported-value',
      message: 'videosdk v1 ingests RTMP only (other protocols were never offered); expected rtmp',
    });
  }
  const warnings = settleInputGaps(gaps, { provider, operation });
  const body: VideosdkV1CreateBody = { name: input.name };
  if (input.recording !== undefined) body.record = input.recording;
  if (input.restream !== undefined) {
    body.restream = input.restream.map((target) => ({ url: target.url, streamKey: target.streamKey }));
  }
  return { body, warnings };
}

/**
 * Builds the body of the v1 update (`POST /v1/livestreams/{id}`): `name` and `record`, the only fields the
 * reference documents. Restream targets cannot be changed after create: the guide says they can, but no
 * body for it is documented anywhere, so a `restream` list is sent nowhere. The adapter compares it with
 * the stream's targets first (core's `planRestream`): the list the stream already has (`[]` for one
 * without targets) changes nothing and is accepted; any other is refused with
 * {@link videosdkV1RestreamChangeGap}, before anything is sent.
 */
export function convertToVideosdkV1UpdateBody(
  patch: UpdateLiveStreamInput,
): VideosdkV1Request<VideosdkV1UpdateBody> {
  const operation = 'update';
  checkProviderOptions(patch, operation);
  const gaps = preferenceGaps(patch);
  const warnings = settleInputGaps(gaps, { provider, operation });
  const body: VideosdkV1UpdateBody = {};
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.recording !== undefined) body.record = patch.recording;
  return { body, warnings };
}

/**
 * The refusal of an update whose `restream` list differs from the stream's targets: v1 documents no way to
 * change them after create. Thrown before any change is sent.
 */
export function videosdkV1RestreamChangeError(): never {
  settleInputGaps(
    [
      {
        field: 'restream',
        kind: 'create-only',
        message:
          "videosdk v1 documents no way to change restream targets after create (update takes name and recording); pass the stream's current targets, or create a new stream",
      },
    ],
    { provider, operation: 'update' },
  );
  throw new Error('unreachable: a create-only gap is always refused');
}

// Any option under `videosdk` is refused as a client refuses it (`videosdk takes no provider options`,
// naming the entry, never a field name the caller chose); an empty `{}` asks for nothing and passes.
function checkProviderOptions(input: UpdateLiveStreamInput, operation: string): void {
  readProviderOptions(input, provider, providerOptionsSchema, operation, {
    providerOptionsOn: videosdkV1ProviderOptionsOn,
  });
}

// Preferences v1 has no setting for: the stream works without them, and a warning says so.
function preferenceGaps(input: UpdateLiveStreamInput): InputGap[] {
  const gaps: InputGap[] = [];
  if (input.region !== undefined) {
    gaps.push({
      field: 'region',
      kind: 'ignored',
      message: 'videosdk v1 has no region choice (allowed values: none); region was not sent',
    });
  }
  if (input.lowLatency === true) {
    gaps.push({
      field: 'lowLatency',
      kind: 'ignored',
      message:
        'videosdk v1 plays back over standard HLS only and has no low-latency mode; lowLatency was ignored',
    });
  }
  return gaps;
}
