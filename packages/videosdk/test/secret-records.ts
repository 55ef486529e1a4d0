import { fileURLToPath } from 'node:url';
import { loadFixture } from '@unilive/testing';
import fc from 'fast-check';

// What the v1 secret tests (a cut answer, a refused change, a skipped list record) share: the recorded
// livestream, and the fields that carry its secrets.

const directory = fileURLToPath(new URL('../../../test-fixtures/videosdk', import.meta.url));

/** The v1 livestream the `get-livestream` fixture answers with. */
export function v1FixtureRecord(): Record<string, unknown> {
  return loadFixture(directory, 'get-livestream').response.body as Record<string, unknown>;
}

/** The secrets a v1 livestream carries: its stream key and one restream target's key. */
export type V1Secrets = { streamKey: string; restreamKey: string };

const token = fc.stringMatching(/^[a-z0-9]{16,32}$/);

/** Generated {@link V1Secrets}: each 16 to 32 lower-case letters and digits. */
export const v1Secrets: fc.Arbitrary<V1Secrets> = fc.record({ streamKey: token, restreamKey: token });

/**
 * The fields of a v1 livestream that carry `secrets`, in the order v1 sends them: the stream key, the
 * ingest, playback and recording URLs built on it, and one YouTube restream target.
 */
export function v1SecretFields(secrets: V1Secrets): Record<string, unknown> {
  return {
    streamKey: secrets.streamKey,
    upstreamUrl: `rtmp://live.videosdk.live/live/${secrets.streamKey}`,
    downstreamUrl: `https://live.videosdk.live/live/${secrets.streamKey}/index.m3u8`,
    recordingUrl: `https://live.videosdk.live/live/${secrets.streamKey}/storage/index.m3u8`,
    restream: [
      {
        _id: '60e2fed0135c9810f490f3b6',
        url: 'rtmp://x.rtmp.youtube.com/live2',
        streamKey: secrets.restreamKey,
      },
    ],
  };
}
