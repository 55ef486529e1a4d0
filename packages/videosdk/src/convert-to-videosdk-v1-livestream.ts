import {
  type CreateLiveStreamInput,
  InvalidInputError,
  invalidInput,
  readProviderOptions,
  type UpdateLiveStreamInput,
  type Warning,
} from '@unilive/core';
import * as v from 'valibot';
import type { VideosdkV1CreateBody, VideosdkV1UpdateBody } from './videosdk-v1-api.js';

const provider = 'videosdk';

// The v1 create and update bodies have no field beyond the neutral ones [v1 guide][v1 reference], so there is
// nothing for `providerOptions.videosdk` to carry.
const providerOptionsSchema = v.strictObject({});

/** A request body and the soft gaps met building it. */
export interface VideosdkV1Request<Body> {
  body: Body;
  warnings: Warning[];
}

/**
 * Builds the body of `POST /v1/livestreams` [v1 guide]: `name`, `record`, `restream[{ url, streamKey }]`.
 * Inputs v1 cannot honour fail before any request (`ingestProtocol` other than RTMP, `region`, any
 * provider option) or come back as warnings (`lowLatency`).
 */
export function convertToVideosdkV1CreateBody(
  input: CreateLiveStreamInput,
): VideosdkV1Request<VideosdkV1CreateBody> {
  const operation = 'create';
  checkCommon(input, operation);
  if (input.ingestProtocol !== undefined && input.ingestProtocol !== 'rtmp') {
    throw invalidInput(
      [
        {
          path: 'ingestProtocol',
          message: 'videosdk v1 ingests RTMP only (other protocols were never offered); expected rtmp',
        },
      ],
      { provider, operation },
    );
  }
  const body: VideosdkV1CreateBody = { name: input.name };
  if (input.recording !== undefined) body.record = input.recording;
  if (input.restream !== undefined) {
    body.restream = input.restream.map((target) => ({ url: target.url, streamKey: target.streamKey }));
  }
  return { body, warnings: lowLatencyWarnings(input) };
}

/**
 * Builds the body of the v1 update (`POST /v1/livestreams/{id}`): `name` and `record`, the only fields the
 * reference documents. Restream targets cannot be changed after create: the guide says they can, but no
 * body for it is documented anywhere, so the call refuses rather than send a guess.
 */
export function convertToVideosdkV1UpdateBody(
  patch: UpdateLiveStreamInput,
): VideosdkV1Request<VideosdkV1UpdateBody> {
  const operation = 'update';
  checkCommon(patch, operation);
  if (patch.restream !== undefined) {
    throw invalidInput(
      [
        {
          path: 'restream',
          message:
            'videosdk v1 documents no way to change restream targets after create (update takes name and recording); create a new stream instead',
        },
      ],
      { provider, operation },
    );
  }
  const body: VideosdkV1UpdateBody = {};
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.recording !== undefined) body.record = patch.recording;
  return { body, warnings: lowLatencyWarnings(patch) };
}

function checkCommon(input: UpdateLiveStreamInput, operation: string): void {
  try {
    readProviderOptions(input, provider, providerOptionsSchema, operation);
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    throw invalidInput(
      error.issues.map((issue) => ({
        path: issue.path,
        message: `${issue.message}: videosdk v1 takes no provider options (allowed: none)`,
      })),
      { provider, operation },
    );
  }
  if (input.region !== undefined) {
    // A silently ignored region could put a stream where the caller did not want it.
    throw invalidInput(
      [{ path: 'region', message: 'videosdk v1 has no region choice (allowed values: none); leave it out' }],
      { provider, operation },
    );
  }
}

function lowLatencyWarnings(input: UpdateLiveStreamInput): Warning[] {
  if (input.lowLatency !== true) return [];
  return [
    {
      type: 'unsupported-setting',
      setting: 'lowLatency',
      message:
        'videosdk v1 plays back over standard HLS only and has no low-latency mode; lowLatency was ignored',
    },
  ];
}
