import type { LiveStream, LiveStreamProvider } from '@unilive/core';
import { type Sandbox, startSandbox } from '@unilive/sandbox';
import { runLiveStreamContract, sandboxHarness } from '@unilive/testing/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wowzaVideoDetailsOf } from './map-wowza-video-live-stream.js';
import { wowzaVideo } from './wowza-video-provider.js';

// The sandbox with `documentedOnly`: its answers hold only what Wowza documents for v2.0, so the RTMP, RTSP
// and SRT keys of source_connection_information (known from v1 examples only) are absent. The adapter's
// paths for that absence run here.

let sandbox: Sandbox;
let provider: LiveStreamProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ transitionMs: 50, documentedOnly: true, media: false });
  provider = wowzaVideo({ ...sandbox.adapterSettings('wowza-video'), retry: { maxRetries: 0 } });
});

afterAll(async () => {
  await sandbox.close();
});

const encoderOf = { rtmp: 'other_rtmp', rtsp: 'other_rtsp', srt: 'other_srt' } as const;

describe('wowza-video against answers holding only what Wowza documents', () => {
  it.each(['rtmp', 'rtsp', 'srt'] as const)(
    '%s: no ingest endpoint, and a warning that says why; the connection code still comes',
    async (ingestProtocol) => {
      const created = await provider.create({ name: `documented ${ingestProtocol}`, ingestProtocol });
      const fetched = await provider.get(created.id);
      for (const stream of [created, fetched] as LiveStream[]) {
        expect(stream.ingest).toEqual([]);
        expect(stream.warnings).toEqual([
          {
            type: 'incomplete-answer',
            message: `no ingest endpoint: Wowza Video's answer has no usable connection details for encoder ${encoderOf[ingestProtocol]} in source_connection_information (for RTMP, RTSP and SRT their keys are documented for API v1 only); what Wowza sent is in raw.source_connection_information`,
          },
        ]);
        expect(stream.recording).toBe(false);
        expect(wowzaVideoDetailsOf(stream)).toEqual({
          connectionCode: expect.stringMatching(/^[a-z0-9]{6}$/),
          connectionCodeExpiresAt: expect.any(Date),
          streamTargets: [{ id: expect.any(String) }],
        });
      }
    },
  );

  it('webrtc: the documented shape, an endpoint and no warning', async () => {
    const stream = await provider.create({ name: 'documented webrtc', ingestProtocol: 'webrtc' });
    expect(stream.ingest).toEqual([
      {
        protocol: 'webrtc',
        url: expect.stringMatching(
          /^wss:\/\/[0-9a-f]{6}\.entrypoint\.video\.wowza\.com\/webrtc-session\.json$/,
        ),
        applicationName: expect.stringMatching(/^app-/),
        streamName: expect.any(String),
      },
    ]);
    expect(stream).not.toHaveProperty('warnings');
  });

  it('a list without details leaves recording unknown', async () => {
    const summaries: LiveStream[] = [];
    for await (const summary of (provider as ReturnType<typeof wowzaVideo>).list({ details: false })) {
      summaries.push(summary);
    }
    expect(summaries.length).toBeGreaterThan(0);
    for (const summary of summaries) {
      expect(summary).not.toHaveProperty('recording');
      expect(summary.warnings?.[0]?.type).toBe('incomplete-answer');
    }
  });
});

runLiveStreamContract({
  name: 'wowza-video on the sandbox, documented answers only',
  setup: sandboxHarness({
    provider: 'wowza-video',
    createProvider: (documented) => wowzaVideo(documented.adapterSettings('wowza-video')),
    sandbox: { documentedOnly: true, media: false },
  }),
  // The one ingest shape v2.0 documents.
  createInput: { name: 'unilive contract stream', ingestProtocol: 'webrtc' },
  wait: { intervalMs: 100, maxIntervalMs: 200 },
});
