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

const whyMissing = (name: string) =>
  `Wowza documents these keys for API v1 only (for v2.0 it documents source_connection_information's WebRTC keys alone, and the ${name} details on its transcoder resource, which unilive does not read), so a v2.0 answer may leave them out; the whole answer is in raw`;
const documentedGap = {
  rtmp: `no ingest endpoint: encoder other_rtmp pushes RTMP and Wowza Video's answer has no source_connection_information, so none of primary_server, host_port, application (or application_name), stream_name, username, password (the RTMP server, stream key and push credentials); ${whyMissing('RTMP')}`,
  rtsp: `no ingest endpoint: encoder other_rtsp pushes RTSP and Wowza Video's answer has no source_connection_information, so none of primary_server, host_port, application (or application_name), stream_name, username, password (the RTSP URL and push credentials); ${whyMissing('RTSP')}`,
  srt: `no ingest endpoint: encoder other_srt pushes SRT and Wowza Video's answer has no source_connection_information, so none of primary_server, host_port, stream_name (the SRT server); ${whyMissing('SRT')}`,
} as const;

describe('wowza-video against answers holding only what Wowza documents', () => {
  it.each(['rtmp', 'rtsp', 'srt'] as const)(
    '%s: no ingest endpoint, and a warning that says why; the connection code still comes',
    async (ingestProtocol) => {
      const created = await provider.create({ name: `documented ${ingestProtocol}`, ingestProtocol });
      const fetched = await provider.get(created.id);
      for (const stream of [created, fetched] as LiveStream[]) {
        expect(stream.ingest).toEqual([]);
        // The documented answer has no source_connection_information at all: the warning names every key
        // the endpoint needs, and why a v2.0 answer may lack them.
        expect(stream.raw).not.toHaveProperty('source_connection_information');
        expect(stream.warnings).toEqual([
          { type: 'incomplete-answer', message: documentedGap[ingestProtocol] },
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
